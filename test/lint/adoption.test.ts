import { lintYaml, policy, workload, WORKLOADS } from './util';

/** A namespace whose only egress rule allows every port to two application namespaces (named), DNS not among them. */
function appNamespacesOnly(extra = ''): string {
  return [
    WORKLOADS,
    policy('backend-egress', `  podSelector: { matchLabels: { app: backend } }
  policyTypes: [Egress]
  egress:
    - to:
        - namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: payments } }
        - namespaceSelector: { matchExpressions: [{ key: kubernetes.io/metadata.name, operator: In, values: [orders] }] }`),
    extra,
  ].filter((d) => d).join('\n---\n');
}

describe('NP003 counts as DNS only peers that can hold the cluster DNS', () => {
  test('every port to two application namespaces is not DNS', () => {
    const result = lintYaml(appNamespacesOnly());
    const dns = result.findings.filter((f) => f.ruleId === 'NP003');
    expect(dns.map((f) => f.object)).toEqual(['Deployment shop/backend']);
    expect(dns[0].severity).toEqual('error');
  });

  test('a namespace selector that includes kube-system, one by labels, and an ipBlock all count', () => {
    for (const peer of [
      '- namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: kube-system } }',
      '- namespaceSelector: { matchLabels: { team: platform } }',
      '- ipBlock: { cidr: 169.254.20.10/32 }',
    ]) {
      const text = [WORKLOADS, policy('backend-egress', `  podSelector: { matchLabels: { app: backend } }
  policyTypes: [Egress]
  egress:
    - to:
        ${peer}`)].join('\n---\n');
      expect(lintYaml(text).findings.filter((f) => f.ruleId === 'NP003')).toEqual([]);
    }
  });

  test('a pinned application namespace whose pods serve port 53 counts (a DNS server of its own)', () => {
    const dnsServer = workload('resolver', 'dns', 53, 'payments');
    expect(lintYaml(appNamespacesOnly(dnsServer)).findings.filter((f) => f.ruleId === 'NP003')).toEqual([]);
  });
});

describe('NP015 keeps the readable policy and reports the duplicate another library wrote', () => {
  const spec = `  podSelector: { matchLabels: { app: db } }
  policyTypes: [Ingress]
  ingress:
    - from: [{ podSelector: { matchLabels: { app: backend } } }]
      ports: [{ protocol: TCP, port: 5432 }]`;
  const readable = policy('db-flows', spec, '    cdk8s-netpol.dev/intent: "tier db: backend -> db on TCP/5432"');
  const hashed = policy('allowingressdb-c8a1b2c3', spec);

  test.each([
    ['the readable one first', [readable, hashed]],
    ['the hashed one first', [hashed, readable]],
  ])('with %s in the input', (_order, docs) => {
    const result = lintYaml([WORKLOADS, ...docs].join('\n---\n'));
    const redundant = result.findings.filter((f) => f.ruleId === 'NP015');
    expect(redundant.map((f) => f.object)).toEqual(['NetworkPolicy shop/allowingressdb-c8a1b2c3']);
    expect(redundant[0].message).toMatch(/NetworkPolicy shop\/db-flows already selects its pods/);
  });
});

describe('NP001/NP002: hardening advice where every workload is already isolated by its own policy', () => {
  /** One policy per workload, each isolating both directions, as many official installs ship them; no default-deny. */
  const perWorkload = (app: string) => policy(`${app}`, `  podSelector: { matchLabels: { app: ${app} } }
  policyTypes: [Ingress, Egress]
  ingress: [{ from: [{ podSelector: { matchLabels: { app: frontend } } }] }]
  egress:
    - to: [{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: kube-system } } }]
      ports: [{ protocol: UDP, port: 53 }]`);

  test('every workload isolated: info, so a default lint passes', () => {
    const result = lintYaml([WORKLOADS, perWorkload('frontend'), perWorkload('backend'), perWorkload('db')].join('\n---\n'));
    const deny = result.findings.filter((f) => f.ruleId === 'NP001' || f.ruleId === 'NP002');
    expect(deny.map((f) => `${f.ruleId} ${f.severity}`)).toEqual(['NP001 info', 'NP002 info']);
    expect(deny[0].message).toMatch(/every one of its 3 pod\/workloads is isolated for Ingress by a policy of its own/);
    expect(result.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  test('one workload left open: still a warning for ingress', () => {
    const result = lintYaml([WORKLOADS, perWorkload('frontend'), perWorkload('backend')].join('\n---\n'));
    const deny = result.findings.filter((f) => f.ruleId === 'NP001');
    expect(deny.map((f) => f.severity)).toEqual(['warning']);
  });
});

describe('NP008: an empty rule alone in its direction is the "leave it open" idiom', () => {
  test('egress: [{}] beside isolated ingress is info; an empty rule next to specific ones is a warning', () => {
    const idiom = policy('web', `  podSelector: { matchLabels: { app: frontend } }
  policyTypes: [Ingress, Egress]
  ingress: [{ from: [{ podSelector: { matchLabels: { app: backend } } }] }]
  egress: [{}]`);
    const mistake = policy('db', `  podSelector: { matchLabels: { app: db } }
  policyTypes: [Ingress]
  ingress:
    - from: [{ podSelector: { matchLabels: { app: backend } } }]
      ports: [{ port: 5432 }]
    - {}`);
    const found = lintYaml([WORKLOADS, idiom, mistake].join('\n---\n')).findings.filter((f) => f.ruleId === 'NP008');
    expect(found.map((f) => `${f.object} ${f.path} ${f.severity}`).sort()).toEqual([
      'NetworkPolicy shop/db spec.ingress[1] warning',
      'NetworkPolicy shop/web spec.egress[0] info',
    ]);
    expect(found.find((f) => f.severity === 'info')!.message).toMatch(/the idiom for leaving egress open on purpose/);
  });
});
