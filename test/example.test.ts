import { Testing } from 'cdk8s';
import * as yaml from 'yaml';
import { SecureApp } from '../examples/secure-app/app';
import { Port, Reachability } from '../src';
import { schemaProblems } from './util/synth';

describe('the secure-app example', () => {
  const build = () => new SecureApp(Testing.app(), 'secure-app');

  test('allows frontend -> backend:80, backend -> database:5432, backend -> 203.0.113.0/24:443, and nothing else', () => {
    const reach = Reachability.of(build());
    reach.allows('secure-app/frontend', 'secure-app/backend', Port.tcp(80));
    reach.allows('secure-app/backend', 'secure-app/database', Port.tcp(5432));
    reach.allows('secure-app/backend', '203.0.113.9', Port.tcp(443));
    reach.denies('secure-app/frontend', 'secure-app/database', Port.tcp(5432));
    reach.denies('secure-app/database', 'secure-app/backend', Port.tcp(80));
    reach.denies('secure-app/backend', 'secure-app/frontend', Port.tcp(80));
    reach.denies('secure-app/frontend', '203.0.113.9', Port.tcp(443));
    reach.denies('secure-app/backend', '198.51.100.9', Port.tcp(443));
    reach.denies('198.51.100.9', 'secure-app/frontend', Port.tcp(80));
    expect(reach.allowedFlows(Port.tcp(80)).filter((f) => !isSelf(f))).toEqual(['secure-app/frontend -> secure-app/backend']);
    expect(reach.allowedFlows(Port.tcp(5432)).filter((f) => !isSelf(f))).toEqual(['secure-app/backend -> secure-app/database']);
    expect(reach.matrix(Port.tcp(80))).toMatchSnapshot();
  });

  test('synthesizes valid, deterministic YAML', () => {
    const first = build().toJson();
    expect(schemaProblems(first)).toEqual([]);
    const text = first.map((o) => yaml.stringify(o)).join('---\n');
    expect(build().toJson().map((o) => yaml.stringify(o)).join('---\n')).toEqual(text);
    expect(text).toMatchSnapshot();
  });
});

function isSelf(flow: string): boolean {
  const [a, b] = flow.split(' -> ');
  return a === b;
}
