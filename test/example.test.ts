import { Testing } from 'cdk8s';
import * as yaml from 'yaml';
import { SecureApp } from '../examples/secure-app/app';
import { Peer, PodSelection, Port, Reachability } from '../src';
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

  test('emits 4 policies, all in secure-app: the default-deny and one per tier', () => {
    const policies = build().toJson().filter((o) => o.kind === 'NetworkPolicy');
    expect(policies.map((o) => `${o.metadata.namespace}/${o.metadata.name}`).sort()).toEqual([
      'secure-app/backend-flows',
      'secure-app/database-flows',
      'secure-app/frontend-flows',
      'secure-app/secure-app-default-deny',
    ]);
  });

  test('DNS works for every tier, and the pods the app does not own are untouched', () => {
    const reach = Reachability.of(build());
    for (const tier of ['frontend', 'backend', 'database']) {
      reach.allowsFlow(Peer.pods({ namespaceName: 'secure-app', pods: PodSelection.labels({ app: tier }) }), Peer.kubeDns(), Port.DNS_UDP);
    }
    // An ingress controller the app does not own keeps its egress, but does not get into secure-app.
    reach.allowsFlow(Peer.ingressController(), Peer.cidr('198.51.100.0/24'), Port.tcp(443));
    reach.deniesFlow(Peer.ingressController(), Peer.pods({ namespaceName: 'secure-app', pods: PodSelection.labels({ app: 'frontend' }) }), Port.tcp(80));
  });
});

function isSelf(flow: string): boolean {
  const [a, b] = flow.split(' -> ');
  return a === b;
}
