import { lintYaml, WORKLOADS } from './util';

/** A Baseline ClusterNetworkPolicy for every namespace but kube-system, with the given rules. */
function baseline(rules: string, subject = '{ namespaces: { matchExpressions: [{ key: kubernetes.io/metadata.name, operator: NotIn, values: [kube-system] }] } }'): string {
  return `apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: { name: default-deny }
spec:
  tier: Baseline
  priority: 100
  subject: ${subject}
${rules}`;
}

const DENY_INGRESS = `  ingress:
    - { action: Deny, from: [{ namespaces: {} }] }`;
const DENY_EGRESS = `  egress:
    - { name: dns, action: Accept, to: [{ namespaces: {} }], protocols: [{ udp: { destinationPort: { number: 53 } } }] }
    - { action: Deny, to: [{ namespaces: {} }, { networks: [0.0.0.0/0, "::/0"] }] }`;

const defaultDenyFindings = (yaml: string) => lintYaml([WORKLOADS, yaml].join('\n---\n')).findings
  .filter((f) => f.ruleId === 'NP001' || f.ruleId === 'NP002').map((f) => `${f.ruleId} ${f.object}`);

describe('NP001/NP002 count a Baseline ClusterNetworkPolicy default-deny as coverage', () => {
  test('without it, both rules report the namespace', () => {
    expect(defaultDenyFindings('')).toEqual(['NP001 Namespace shop', 'NP002 Namespace shop']);
  });

  test('a Baseline deny of ingress from every pod and of egress to every pod and address covers both directions', () => {
    expect(defaultDenyFindings(baseline(`${DENY_INGRESS}\n${DENY_EGRESS}`))).toEqual([]);
  });

  test('each direction is counted on its own', () => {
    expect(defaultDenyFindings(baseline(DENY_INGRESS))).toEqual(['NP002 Namespace shop']);
  });

  test.each([
    ['a namespace the subject leaves out', '{ namespaces: { matchLabels: { kubernetes.io/metadata.name: other } } }', DENY_INGRESS],
    ['a subject of some pods only', '{ pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: db } } } }', DENY_INGRESS],
    ['a deny of some ports only', undefined, `  ingress:
    - { action: Deny, from: [{ namespaces: {} }], protocols: [{ tcp: { destinationPort: { number: 80 } } }] }`],
    ['a deny from some namespaces only', undefined, `  ingress:
    - { action: Deny, from: [{ namespaces: { matchLabels: { env: dev } } }] }`],
    ['a Pass to every pod', undefined, `  ingress:
    - { action: Pass, from: [{ namespaces: {} }] }`],
  ])('%s does not count', (_, subject, rules) => {
    expect(defaultDenyFindings(baseline(rules, subject))).toContain('NP001 Namespace shop');
  });

  test('an egress deny of pods without the addresses outside the cluster does not count', () => {
    expect(defaultDenyFindings(baseline(`  egress:
    - { action: Deny, to: [{ namespaces: {} }] }`))).toContain('NP002 Namespace shop');
  });

  test('an Admin tier deny is not a default-deny (nothing below it could allow a flow)', () => {
    expect(defaultDenyFindings(baseline(DENY_INGRESS).replace('tier: Baseline', 'tier: Admin'))).toContain('NP001 Namespace shop');
  });
});
