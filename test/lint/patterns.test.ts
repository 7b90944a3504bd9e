/**
 * The severity model on inputs modelled on what well-known projects ship (test/fixtures/lint/patterns, written for
 * these tests): `lint` with its defaults exits 0 on sound installs, whatever idioms they use, and 1 on those that
 * ship a broken flow, with each bug at the severity docs/RULES.md gives it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Port, Reachability } from '../../src';
import { runCli } from '../util/cli';

const patterns = path.relative(process.cwd(), path.join(__dirname, '..', 'fixtures', 'lint', 'patterns'));

/** `severity rule` of every finding, sorted, from the JSON output. */
function lint(file: string, ...args: string[]): { code: number; findings: string[]; json: any } {
  const r = runCli(['lint', path.join(patterns, file), '--output', 'json', ...args]);
  expect(r.stderr).toBe('');
  const json = JSON.parse(r.stdout);
  return { code: r.code, findings: json.findings.map((f: any) => `${f.severity} ${f.ruleId}`).sort(), json };
}

describe('sound installs: default lint exits 0', () => {
  test('a monitoring stack: operator-made Prometheus/Alertmanager pods are matched, egress: [{}] is an idiom, host-network pods a warning', () => {
    const r = lint('monitoring-stack.yaml');
    expect(r.code).toBe(0);
    expect(r.findings).toEqual([
      'info NP001', 'info NP002', 'info NP008', 'info NP008', 'info NP008', 'info NP008', 'warning NP020',
    ]);
  });

  test('a GitOps install applied with -n: a public front door (ingress: [{}]) and metrics from every namespace are notes', () => {
    const r = lint('gitops.yaml', '-n', 'gitops');
    expect(r.code).toBe(0);
    expect(r.findings).toEqual(['info NP001', 'info NP002', 'info NP008', 'info NP009', 'info NP009']);
    expect(r.json.findings[0].message).toMatch(/namespace gitops/);
  });

  test('the Kubernetes docs\' example: two peers ORed on purpose are no split peer', () => {
    const r = lint('docs-example.yaml');
    expect(r.code).toBe(0);
    expect(r.findings).toEqual(['info NP002', 'info NP002']);
  });

  test('pods an operator makes from a custom resource: "selects nothing" says so, as a warning', () => {
    const r = lint('streaming-operator.yaml');
    expect(r.code).toBe(0);
    expect(r.findings).toEqual(['info NP002', 'warning NP001', 'warning NP004']);
    const np004 = r.json.findings.find((f: any) => f.ruleId === 'NP004');
    expect(np004.message).toMatch(/but the input also holds Kafka streaming\/events, which an operator may turn into pods the input does not show/);
  });
});

describe('broken installs: default lint exits 1, each bug an error', () => {
  test('a shop: label typos in a policy and a peer, a default deny by the pre-1.7 annotation, a podSelector left empty', () => {
    const r = lint('shop-broken.yaml');
    expect(r.code).toBe(1);
    expect(r.findings).toEqual(['error NP004', 'error NP005', 'error NP005', 'error NP019', 'info NP002', 'warning NP021']);
  });

  test('a controller scaffold: the Service port 443 allowed where the webhook listens on 9443', () => {
    const r = lint('operator-scaffold.yaml');
    expect(r.code).toBe(1);
    expect(r.findings).toEqual(['error NP017', 'error NP018', 'info NP001', 'info NP002']);
    const np017 = r.json.findings.find((f: any) => f.ruleId === 'NP017');
    expect(np017.message).toMatch(/allows TCP\/443, the port of Service operator-system\/webhook-service, but NetworkPolicy ports are pod ports/);
  });
});

describe('pods the input does not show, declared as Pod objects in a file of their own', () => {
  test('lint: the policy for the operator\'s pods selects the declared pods', () => {
    const r = runCli(['lint', path.join(patterns, 'streaming-operator.yaml'), path.join(patterns, 'streaming-pods.yaml'), '--output', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).findings.map((f: any) => f.ruleId)).not.toContain('NP004');
  });

  test('jest helpers: the same file, appended to the manifests', () => {
    const text = ['streaming-operator.yaml', 'streaming-pods.yaml'].map((f) => fs.readFileSync(path.join(patterns, f), 'utf8')).join('\n---\n');
    const reach = Reachability.fromYaml(text, 'streaming');
    reach.allows('streaming/producer', 'streaming/events-kafka-0', Port.tcp(9092));
    reach.denies('streaming/producer', 'streaming/events-kafka-0', Port.tcp(9093));
  });
});

describe('operator pods in queries', () => {
  test('explain --from a Prometheus resource answers for its pods', () => {
    const r = runCli(['explain', path.join(patterns, 'monitoring-stack.yaml'), '--from', 'monitoring/prometheus-k8s', '--to', 'monitoring/grafana', '--port', '3000']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^monitoring\/prometheus-k8s -> monitoring\/grafana on TCP\/3000: ALLOWED/);
  });
});
