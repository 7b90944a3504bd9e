import { clean, lintYaml, policy, ruleIds } from './util';

const typo = (annotations?: string) => policy('typo', `  podSelector: { matchLabels: { app: backnd } }
  policyTypes: [Ingress]
  ingress:
    - from: [{ podSelector: { matchLabels: { app: frontend } } }]
      ports: [{ port: 80 }]`, annotations);

describe('suppressions', () => {
  test('an annotation with a reason suppresses the finding on that object and keeps the reason', () => {
    const r = lintYaml(clean(typo('    cdk8s-netpol.dev/suppress: "NP004: the backnd pods are deployed by another team"')));
    expect(r.findings).toEqual([]);
    expect(r.suppressed.map((s) => [s.finding.ruleId, s.reason])).toEqual([['NP004', 'the backnd pods are deployed by another team']]);
  });

  test('several ids may share a reason, one entry per line', () => {
    const r = lintYaml(clean(typo('    cdk8s-netpol.dev/suppress: |\n      NP015, NP004: placeholder until the rollout\n      NP008: not used')));
    expect(r.findings).toEqual([]);
    expect(r.suppressed.map((s) => s.finding.ruleId)).toEqual(['NP004']);
  });

  test('a suppression only applies to its own rule', () => {
    const r = lintYaml(clean(typo('    cdk8s-netpol.dev/suppress: "NP005: not this one"')));
    expect(ruleIds(r)).toContain('NP004');
  });

  test.each([
    ['NP004', /the suppression of NP004 gives no reason, so it suppresses nothing\. Fix: write `NP004: <why this is fine here>`/],
    ['"NP004:   "', /gives no reason/],
    ['"NP999: because"', /NP999 is not a rule id/],
    ['"skip everything"', /cannot read "skip everything"/],
  ])('an entry %s is itself an NP016 finding, and suppresses nothing without a reason', (value, message) => {
    const r = lintYaml(clean(typo(`    cdk8s-netpol.dev/suppress: ${value}`)));
    const bad = r.findings.filter((f) => f.ruleId === 'NP016');
    expect(bad).toHaveLength(1);
    expect(bad[0].object).toBe('NetworkPolicy shop/typo');
    expect(bad[0].path).toBe('metadata.annotations.cdk8s-netpol.dev/suppress');
    expect(bad[0].message).toMatch(message);
    expect(ruleIds(r)).toContain('NP004');
  });

  test('NP016 itself cannot be suppressed', () => {
    const r = lintYaml(clean(typo('    cdk8s-netpol.dev/suppress: |\n      NP004\n      NP016: hush')));
    expect(ruleIds(r)).toEqual(['NP004', 'NP016']);
  });

  test('a namespace finding is suppressed on the Namespace object', () => {
    const yaml = clean().replace('metadata: { name: shop }', 'metadata: { name: shop, annotations: { cdk8s-netpol.dev/suppress: "NP001: ingress is filtered by the mesh" } }')
      .replace('policyTypes: [Ingress, Egress]', 'policyTypes: [Egress]');
    const r = lintYaml(yaml);
    expect(r.findings).toEqual([]);
    expect(r.suppressed.map((s) => s.finding.ruleId)).toEqual(['NP001']);
  });
});
