import { clean, defaultDeny, DNS_RULE, lintYaml, policy, ruleIds, workload, WORKLOADS } from './util';
import { LintRule } from '../../src/lint/model';
import { RULE_DOCS } from '../../src/lint/pack';
import { RULES } from '../../src/lint/rules';
import { LintSeverity } from '../../src/lint/severity';

const ingressOnlyDeny = policy('deny-ingress', '  podSelector: {}\n  policyTypes: [Ingress]');
const egressOnlyDeny = policy('deny-egress', `  podSelector: {}\n  policyTypes: [Egress]\n  egress:${DNS_RULE}`);
const backendFromFrontend = policy('backend-in', `  podSelector: { matchLabels: { app: backend } }
  policyTypes: [Ingress]
  ingress:
    - from: [{ podSelector: { matchLabels: { app: frontend } } }]
      ports: [{ port: 80 }]`);
const frontendToBackend = policy('frontend-out', `  podSelector: { matchLabels: { app: frontend } }
  policyTypes: [Egress]
  egress:
    - to: [{ podSelector: { matchLabels: { app: backend } } }]
      ports: [{ port: 80 }]`);
const ingressFrom = (name: string, from: string, ports = '[{ port: 80 }]') => policy(name, `  podSelector: { matchLabels: { app: backend } }
  policyTypes: [Ingress]
  ingress:
    - from: ${from}
      ports: ${ports}`);
const egressTo = (name: string, to: string, ports?: string) => policy(name, `  podSelector: { matchLabels: { app: backend } }
  policyTypes: [Egress]
  egress:
    - to: ${to}${ports ? `\n      ports: ${ports}` : ''}`);
const monitoring = `apiVersion: v1
kind: Namespace
metadata: { name: monitoring }
---
${workload('prometheus', 'web', 9090, 'monitoring')}
---
${defaultDeny('monitoring')}`;

const service = (name: string, app: string, port: number, targetPort: number | string) => `apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: shop }
spec:
  selector: { app: ${app} }
  ports: [{ port: ${port}, targetPort: ${targetPort} }]`;
// A controller scaffold: the webhook server listens on 9443 (named webhook-server) behind a Service 443 -> 9443.
const webhook = `${workload('manager', 'webhook-server', 9443)}
---
${service('webhook-service', 'manager', 443, 'webhook-server')}`;
const webhookPolicy = (port: number) => policy('webhook-in', `  podSelector: { matchLabels: { app: manager } }
  policyTypes: [Ingress]
  ingress:
    - from: [{ ipBlock: { cidr: 10.0.0.0/8 } }]
      ports: [{ port: ${port} }]`);
const nodeAgent = (hostNetwork: boolean) => `apiVersion: apps/v1
kind: DaemonSet
metadata: { name: agent, namespace: shop }
spec:
  selector: { matchLabels: { app: agent } }
  template:
    metadata: { labels: { app: agent } }
    spec:
      hostNetwork: ${hostNetwork}
      containers: [{ name: main, image: example, ports: [{ name: metrics, containerPort: 9100 }] }]`;
const agentPolicy = policy('agent-in', `  podSelector: { matchLabels: { app: agent } }
  policyTypes: [Ingress]
  ingress:
    - from: [{ ipBlock: { cidr: 10.0.0.0/8 } }]
      ports: [{ port: 9100 }]`);

interface Case {
  readonly id: string;
  readonly description: string;
  readonly triggers: string;
  readonly passes: string;
  readonly message: RegExp;
  readonly options?: { podCidrs?: string[]; serviceCidrs?: string[] };
}

const CASES: Case[] = [
  {
    id: 'NP001',
    description: 'a namespace with workloads and no NetworkPolicy at all',
    triggers: WORKLOADS,
    passes: clean(),
    message: /namespace shop \(3 pod\/workloads\) has no NetworkPolicy at all.*Fix: add a NetworkPolicy in shop with `podSelector: \{\}` and `policyTypes: \[Ingress\]`/,
  },
  {
    id: 'NP001',
    description: 'egress denied by default but ingress not',
    triggers: [WORKLOADS, egressOnlyDeny].join('\n---\n'),
    passes: [WORKLOADS, egressOnlyDeny, ingressOnlyDeny].join('\n---\n'),
    message: /has no default-deny policy for Ingress/,
  },
  {
    id: 'NP002',
    description: 'ingress denied by default but egress forgotten',
    triggers: [WORKLOADS, ingressOnlyDeny].join('\n---\n'),
    passes: clean(),
    message: /has no default-deny policy for Egress.*policyTypes: \[Egress\]/,
  },
  {
    id: 'NP003',
    description: 'a default deny that breaks DNS',
    triggers: [WORKLOADS, policy('default-deny', '  podSelector: {}\n  policyTypes: [Ingress, Egress]')].join('\n---\n'),
    passes: clean(),
    message: /Deployment shop\/backend is isolated for Egress by NetworkPolicy shop\/default-deny, but no rule in its spec.egress allows DNS on UDP\/53.*Fix: add/,
  },
  {
    id: 'NP003',
    description: 'DNS allowed to an ipBlock counts as a DNS allowance',
    triggers: [WORKLOADS, policy('default-deny', '  podSelector: {}\n  policyTypes: [Ingress, Egress]\n  egress:\n    - to: [{ ipBlock: { cidr: 10.96.0.10/32 } }]\n      ports: [{ protocol: TCP, port: 53 }]')].join('\n---\n'),
    passes: [WORKLOADS, policy('default-deny', '  podSelector: {}\n  policyTypes: [Ingress, Egress]\n  egress:\n    - to: [{ ipBlock: { cidr: 10.96.0.10/32 } }]\n      ports: [{ protocol: UDP, port: 53 }]')].join('\n---\n'),
    message: /allows DNS on UDP\/53/,
  },
  {
    id: 'NP004',
    description: 'a policy whose podSelector has a label typo',
    triggers: clean(policy('typo', '  podSelector: { matchLabels: { app: backnd } }\n  policyTypes: [Ingress]')),
    passes: clean(policy('typo', '  podSelector: { matchLabels: { app: backend } }\n  policyTypes: [Ingress]')),
    message: /NetworkPolicy shop\/typo: spec.podSelector \{app in \(backnd\)\} selects no pod or workload of namespace shop.*backend \{app=backend\}/,
  },
  {
    id: 'NP005',
    description: 'a peer with a label typo',
    triggers: clean(ingressFrom('in', '[{ podSelector: { matchLabels: { app: frontnd } } }]'), frontendToBackend),
    passes: clean(ingressFrom('in', '[{ podSelector: { matchLabels: { app: frontend } } }]'), frontendToBackend),
    message: /NetworkPolicy shop\/in: spec.ingress\[0\].from\[0\] \(namespace shop and podSelector \{app in \(frontnd\)\}\) matches no pod/,
  },
  {
    id: 'NP005',
    description: 'a peer in a namespace absent from the input is unknown, not empty',
    triggers: clean(ingressFrom('in', '[{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: shop } }, podSelector: { matchLabels: { app: nope } } }]')),
    passes: clean(ingressFrom('in', '[{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: elsewhere } }, podSelector: { matchLabels: { app: nope } } }]')),
    message: /matches no pod or workload of the input/,
  },
  {
    id: 'NP006',
    description: 'namespaceSelector and podSelector split into two peers',
    triggers: clean(monitoring, ingressFrom('in', '[{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: monitoring } } }, { podSelector: { matchLabels: { app: prometheus } } }]')),
    passes: clean(monitoring, ingressFrom('in', '[{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: monitoring } }, podSelector: { matchLabels: { app: prometheus } } }]')),
    message: /spec.ingress\[0\].from has namespaceSelector .* \(spec.ingress\[0\].from\[0\]\) and podSelector \{app in \(prometheus\)\} \(spec.ingress\[0\].from\[1\]\) as two peers.*put both selectors in one peer/,
  },
  {
    id: 'NP007',
    description: 'namespaceSelector and podSelector merged into one peer where two were meant',
    triggers: clean(monitoring, ingressFrom('in', '[{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: monitoring } }, podSelector: { matchLabels: { app: frontend } } }]')),
    passes: clean(monitoring, ingressFrom('in', '[{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: monitoring } }, podSelector: { matchLabels: { app: prometheus } } }]')),
    message: /spec.ingress\[0\].from\[0\] has namespaceSelector .* and podSelector \{app in \(frontend\)\} in one peer \(ANDed\).*make them two peers/,
  },
  {
    id: 'NP008',
    description: 'ingress: [{}] written meaning "no ingress"',
    triggers: clean(policy('db', '  podSelector: { matchLabels: { app: db } }\n  policyTypes: [Ingress]\n  ingress: [{}]')),
    passes: clean(policy('db', '  podSelector: { matchLabels: { app: db } }\n  policyTypes: [Ingress]\n  ingress: []')),
    message: /spec.ingress\[0\] has no `from` and no `ports`, so it allows all ingress.*write `ingress: \[\]`/,
  },
  {
    id: 'NP009',
    description: 'namespaceSelector: {} alone',
    triggers: clean(ingressFrom('in', '[{ namespaceSelector: {} }]')),
    passes: clean(ingressFrom('in', '[{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: ingress } } }]')),
    message: /spec.ingress\[0\].from\[0\] has `namespaceSelector: \{\}` and no podSelector, which matches every pod in every namespace/,
  },
  {
    id: 'NP010',
    description: '0.0.0.0/0 without ports',
    triggers: clean(egressTo('out', '[{ ipBlock: { cidr: 0.0.0.0/0 } }]')),
    passes: clean(egressTo('out', '[{ ipBlock: { cidr: 0.0.0.0/0 } }]', '[{ port: 443 }]')),
    message: /spec.egress\[0\].to\[0\].ipBlock 0.0.0.0\/0 is the whole address space and spec.egress\[0\] has no `ports`/,
  },
  {
    id: 'NP010',
    description: '::/0 without ports',
    triggers: clean(egressTo('out', '[{ ipBlock: { cidr: "::/0" } }]')),
    passes: clean(egressTo('out', '[{ ipBlock: { cidr: "2001:db8::/32" } }]')),
    message: /::\/0 is the whole address space/,
  },
  {
    id: 'NP011',
    description: 'DNS allowed as any destination on port 53',
    triggers: clean(policy('dns', '  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n    - ports: [{ protocol: UDP, port: 53 }]')),
    passes: clean(),
    message: /spec.egress\[0\] allows port 53 with no `to` peers, i.e. DNS to any server/,
  },
  {
    id: 'NP011',
    description: 'DNS allowed to 0.0.0.0/0',
    triggers: clean(egressTo('dns', '[{ ipBlock: { cidr: 0.0.0.0/0 } }]', '[{ protocol: UDP, port: 53 }]')),
    passes: clean(egressTo('dns', '[{ ipBlock: { cidr: 10.96.0.10/32 } }]', '[{ protocol: UDP, port: 53 }]')),
    message: /allows port 53 to 0.0.0.0\/0/,
  },
  {
    id: 'NP012',
    description: 'an ipBlock covering the pod CIDR',
    options: { podCidrs: ['10.244.0.0/16'], serviceCidrs: ['10.96.0.0/12'] },
    triggers: clean(egressTo('out', '[{ ipBlock: { cidr: 10.0.0.0/8 } }]', '[{ port: 443 }]')),
    passes: clean(egressTo('out', '[{ ipBlock: { cidr: 10.0.0.0/8, except: [10.244.0.0/16, 10.96.0.0/12] } }]', '[{ port: 443 }]')),
    message: /ipBlock 10.0.0.0\/8 overlaps the cluster's pod CIDR 10.244.0.0\/16 and service CIDR 10.96.0.0\/12.*add 10.244.0.0\/16, 10.96.0.0\/12 to `except`/,
  },
  {
    id: 'NP013',
    description: 'a named port the destination does not declare',
    triggers: clean(ingressFrom('in', '[{ podSelector: { matchLabels: { app: frontend } } }]', '[{ port: web }]'), frontendToBackend),
    passes: clean(ingressFrom('in', '[{ podSelector: { matchLabels: { app: frontend } } }]', '[{ port: http }]'), frontendToBackend),
    message: /spec.ingress\[0\].ports\[0\] uses the named port TCP\/web, but no destination pod declares it \(the pods the policy selects: shop\/backend; declared names: TCP\/http\)/,
  },
  {
    id: 'NP013',
    description: 'a named port to an ipBlock',
    triggers: clean(egressTo('out', '[{ ipBlock: { cidr: 203.0.113.0/24 } }]', '[{ port: https }]')),
    passes: clean(egressTo('out', '[{ ipBlock: { cidr: 203.0.113.0/24 } }]', '[{ port: 443 }]')),
    message: /a named port never matches an ipBlock destination/,
  },
  {
    id: 'NP014',
    description: 'ingress allowed at backend while the frontend\'s egress is isolated and does not allow it',
    triggers: clean(backendFromFrontend),
    passes: clean(backendFromFrontend, frontendToBackend),
    message: /NetworkPolicy shop\/backend-in: spec.ingress\[0\] allows ingress for shop\/frontend -> shop\/backend on TCP\/80, but the source's egress is isolated \(by NetworkPolicy shop\/default-deny\)/,
  },
  {
    id: 'NP014',
    description: 'egress allowed at frontend while the backend\'s ingress is isolated and does not allow it (the reverse)',
    triggers: clean(frontendToBackend),
    passes: clean(backendFromFrontend, frontendToBackend),
    message: /NetworkPolicy shop\/frontend-out: spec.egress\[0\] allows egress for shop\/frontend -> shop\/backend on TCP\/80, but the destination's ingress is isolated/,
  },
  {
    id: 'NP015',
    description: 'a policy duplicated under another name',
    triggers: clean(backendFromFrontend, frontendToBackend, backendFromFrontend.replace('name: backend-in', 'name: backend-in-copy')),
    passes: clean(backendFromFrontend, frontendToBackend),
    message: /NetworkPolicy shop\/backend-in-copy is redundant: NetworkPolicy shop\/backend-in already selects its pods/,
  },
  {
    id: 'NP015',
    description: 'a per-app deny under a namespace-wide deny',
    triggers: clean(policy('deny-db', '  podSelector: { matchLabels: { app: db } }\n  policyTypes: [Ingress]')),
    passes: clean(policy('deny-db', '  podSelector: { matchLabels: { app: db } }\n  policyTypes: [Ingress]\n  ingress:\n    - from: [{ podSelector: { matchLabels: { app: backend } } }]\n      ports: [{ port: 5432 }]')),
    message: /NetworkPolicy shop\/deny-db is redundant: NetworkPolicy shop\/default-deny/,
  },
  {
    id: 'NP017',
    description: 'a rule allowing the Service port where the pods listen on the targetPort (443 -> 9443)',
    triggers: clean(webhook, webhookPolicy(443)),
    passes: clean(webhook, webhookPolicy(9443)),
    message: /NetworkPolicy shop\/webhook-in: spec.ingress\[0\].ports\[0\] allows TCP\/443, the port of Service shop\/webhook-service, but NetworkPolicy ports are pod ports and that Service sends TCP\/443 to pod port TCP\/9443 \(targetPort webhook-server\).*Fix: allow port 9443 \(or the named port webhook-server\) instead of 443/,
  },
  {
    id: 'NP017',
    description: 'a rule allowing a port no selected pod declares (no Service)',
    triggers: clean(backendFromFrontend.replace('port: 80', 'port: 8081'), frontendToBackend.replace('port: 80', 'port: 8081')),
    passes: clean(backendFromFrontend, frontendToBackend),
    message: /spec.ingress\[0\].ports\[0\] allows TCP\/8081, but none of the pods this policy selects \(shop\/backend\) serves it.*TCP\/80/,
  },
  {
    id: 'NP018',
    description: 'a Service whose isolated pods admit no client',
    triggers: clean(service('backend-svc', 'backend', 80, 80)),
    passes: clean(service('backend-svc', 'backend', 80, 80), backendFromFrontend, frontendToBackend),
    message: /Service shop\/backend-svc \(ports TCP\/80 -> 80\) sends to shop\/backend, which are isolated for Ingress, and no ingress rule of theirs allows any of its target ports from any peer: no client can reach the Service/,
  },
  {
    id: 'NP019',
    description: 'a namespace relying on the pre-1.7 isolation annotation',
    triggers: [WORKLOADS.replace('metadata: { name: shop }', 'metadata:\n  name: shop\n  annotations: { net.beta.kubernetes.io/network-policy: \'{"ingress": {"isolation": "DefaultDeny"}}\' }')].join('\n---\n'),
    passes: [WORKLOADS].join('\n---\n'),
    message: /namespace shop: metadata.annotations.net.beta.kubernetes.io\/network-policy is the pre-1.7 default-deny annotation, which no network plugin reads since Kubernetes 1.7, and no NetworkPolicy isolates the namespace for Ingress/,
  },
  {
    id: 'NP020',
    description: 'a policy on a host-network pod',
    triggers: clean(nodeAgent(true), agentPolicy),
    passes: clean(nodeAgent(false), agentPolicy),
    message: /NetworkPolicy shop\/agent-in: spec.podSelector selects DaemonSet shop\/agent, which runs with hostNetwork: true; how a policy applies to host-network pods is undefined/,
  },
  {
    id: 'NP021',
    description: 'an access policy whose podSelector was left with empty matchLabels',
    triggers: clean(policy('allow-metrics', '  podSelector: { matchLabels: null }\n  policyTypes: [Ingress]\n  ingress:\n    - ports: [{ port: 9090 }]')),
    passes: clean(policy('allow-metrics', '  podSelector: { matchLabels: { app: backend } }\n  policyTypes: [Ingress]\n  ingress:\n    - ports: [{ port: 80 }]')),
    message: /NetworkPolicy shop\/allow-metrics: spec.podSelector is written with an empty `matchLabels`, so it selects every pod of shop \(backend, db, frontend\) and isolates all of them for Ingress/,
  },
  {
    id: 'NP021',
    description: 'a policy named after one workload that selects every pod',
    triggers: clean(policy('backend-access', '  podSelector: {}\n  policyTypes: [Ingress]\n  ingress:\n    - from: [{ podSelector: { matchLabels: { app: frontend } } }]')),
    passes: clean(policy('backend-access', '  podSelector: { matchLabels: { app: backend } }\n  policyTypes: [Ingress]\n  ingress:\n    - from: [{ podSelector: { matchLabels: { app: frontend } } }]')),
    message: /spec.podSelector is empty, in a policy named after Deployment shop\/backend/,
  },
];

describe('each rule', () => {
  test.each(CASES.map((c) => [c.id, c.description, c] as const))('%s is reported for %s', (_id, _d, c) => {
    const found = lintYaml(c.triggers, c.options).findings.filter((f) => f.ruleId === c.id);
    expect(found.length).toBeGreaterThan(0);
    expect(found.map((f) => f.message).join('\n')).toMatch(c.message);
  });

  test.each(CASES.map((c) => [c.id, c.description, c] as const))('%s is not reported once the mistake is fixed (%s)', (_id, _d, c) => {
    expect(lintYaml(c.passes, c.options).findings.filter((f) => f.ruleId === c.id)).toEqual([]);
  });

  test('every rule has a triggering and a compliant case here', () => {
    expect(new Set(CASES.map((c) => c.id))).toEqual(new Set(RULES.map((r) => r.id)));
  });

  test('the clean base input gives no finding at all', () => {
    expect(lintYaml(clean()).findings).toEqual([]);
  });

  describe('NP018 when rules admit the port from peers the input does not hold (issue 20 §3.5)', () => {
    // The namespace isolates every pod for Ingress (a whole-namespace selector); the only rule admits a gateway the
    // input does not hold. The frontend's configuration names the Service.
    const isolateAll = policy('all-in', `  podSelector: {}
  policyTypes: [Ingress]
  ingress:
    - from: [{ podSelector: { matchLabels: { app: gateway } } }]
      ports: [{ port: 80 }]`);
    const configured = (value: string) => WORKLOADS.replace(
      '    spec:\n      containers:\n        - name: main\n          image: example\n          ports: [{ name: http, containerPort: 8080 }]',
      `    spec:\n      containers:\n        - name: main\n          image: example\n          env: [{ name: BACKEND_URL, value: "${value}" }]\n          ports: [{ name: http, containerPort: 8080 }]`);
    const lintWith = (value: string, ...more: string[]) => lintYaml([configured(value), service('backend-svc', 'backend', 80, 80), isolateAll, ...more].join('\n---\n'));

    test.each(['http://backend-svc:80/api', 'backend-svc:80', 'backend-svc.shop', 'grpc://backend-svc.shop.svc.cluster.local:80'])('names the Service its client is configured with (%s)', (value) => {
      expect(configured(value)).toContain('BACKEND_URL');
      const np018 = lintWith(value).findings.filter((f) => f.ruleId === 'NP018');
      expect(np018.map((f) => f.message)).toEqual([expect.stringMatching(/^Service shop\/backend-svc \(ports TCP\/80 -> 80\) is used by shop\/frontend \(named in its configuration\), but no pod of the input may reach shop\/backend.*explain --from shop\/frontend --to svc\/shop\/backend-svc:80/)]);
    });

    test('is silent when the client may reach the Service, or when nothing of the input names it', () => {
      const frontendIn = policy('backend-from-frontend', `  podSelector: { matchLabels: { app: backend } }
  policyTypes: [Ingress]
  ingress:
    - from: [{ podSelector: { matchLabels: { app: frontend } } }]
      ports: [{ port: 80 }]`);
      expect(ruleIds(lintWith('http://backend-svc:80', frontendIn))).not.toContain('NP018');
      expect(ruleIds(lintWith('http://elsewhere:80'))).not.toContain('NP018');
      // A bare word is not a host: no scheme, no port.
      expect(ruleIds(lintWith('backend-svc'))).not.toContain('NP018');
    });
  });

  test('NP012 on a Service ClusterIP (the API server\'s 10.96.0.1) proposes its endpoint addresses, not an except', () => {
    const r = lintYaml(clean(egressTo('api', '[{ ipBlock: { cidr: 10.96.0.1/32 } }]', '[{ port: 443 }]')), { podCidrs: ['10.244.0.0/16'], serviceCidrs: ['10.96.0.0/12'] });
    const np012 = r.findings.filter((f) => f.ruleId === 'NP012');
    expect(np012).toHaveLength(1);
    expect(np012[0].message).toMatch(/10\.96\.0\.1\/32 overlaps the cluster's service CIDR 10\.96\.0\.0\/12: it names Service ClusterIPs.*Fix: allow the endpoint addresses.*Peer\.kubernetesApi/);
    expect(np012[0].message).not.toMatch(/to `except`/);
  });

  test('NP012 is only checked when the cluster ranges are given', () => {
    expect(ruleIds(lintYaml(clean(egressTo('out', '[{ ipBlock: { cidr: 10.0.0.0/8 } }]', '[{ port: 443 }]'))))).not.toContain('NP012');
  });

  test('NP006 is silent on `podSelector: {}` in a peer of its own: "every pod of my namespace", never a split peer', () => {
    const r = lintYaml(clean(monitoring, ingressFrom('in', '[{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: monitoring } } }, { podSelector: {} }]')));
    expect(ruleIds(r)).not.toContain('NP006');
  });

  test('NP006 is info, not a warning, where the input holds no pod of the policy\'s namespace', () => {
    const only = ingressFrom('in', '[{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: monitoring } } }, { podSelector: { matchLabels: { app: prometheus } } }]');
    const r = lintYaml(only);
    expect(r.findings.filter((f) => f.ruleId === 'NP006').map((f) => f.severity)).toEqual([LintSeverity.INFO]);
  });

  test('NP005 reports a podSelector peer split from its namespaceSelector only once, as NP006', () => {
    const r = lintYaml(clean(ingressFrom('in', '[{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: kube-system } } }, { podSelector: { matchLabels: { k8s-app: kube-dns } } }]')));
    expect(ruleIds(r)).toEqual(['NP006']);
  });

  test('NP014 ignores broad peers: allowing a whole namespace is not a half-open flow', () => {
    const r = lintYaml(clean(ingressFrom('in', '[{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: shop } } }]')));
    expect(ruleIds(r)).not.toContain('NP014');
  });
});

describe('rule metadata', () => {
  test('ids are unique, stable in form and in order', () => {
    const ids = RULE_DOCS.map((r) => r.id);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^NP\d{3}$/);
  });

  test.each(RULE_DOCS.map((r) => [r.id, r] as const))('%s has a name, a severity and says what, why and how to fix', (_id, r) => {
    expect(r.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(Object.values(LintSeverity)).toContain(r.severity);
    for (const text of [r.summary, r.why, r.fix]) expect(text.length).toBeGreaterThan(20);
  });

  test('every finding message names the object and says how to fix it', () => {
    const all = CASES.flatMap((c) => lintYaml(c.triggers, c.options).findings);
    for (const f of all) {
      expect(f.message).toMatch(/Fix: /);
      expect(f.message).toContain(f.object.replace(/^Namespace /, 'namespace '));
    }
  });

  test('a rule that throws becomes an NP000 finding and the other rules still run', () => {
    const broken: LintRule = { ...RULES[0], id: 'NP999', name: 'broken', check: () => { throw new Error('boom'); } };
    const r = lintYaml(WORKLOADS, { rules: [broken, RULES[0]] } as any);
    expect(r.findings.map((f) => f.ruleId)).toEqual(['NP000', 'NP001']);
    expect(r.findings[0].message).toMatch(/rule NP999 \(broken\) failed: boom\. This is a bug/);
  });
});

describe('laws', () => {
  const key = (r: ReturnType<typeof lintYaml>) => r.findings.map((f) => `${f.ruleId} ${f.object} ${f.path} ${f.message}`).sort();

  test.each(CASES.map((c) => [c.id, c.description, c] as const))('%s findings do not depend on document order (%s)', (_id, _d, c) => {
    const docs = c.triggers.split('\n---\n');
    const reversed = [...docs].reverse().join('\n---\n');
    expect(key(lintYaml(reversed, c.options))).toEqual(key(lintYaml(c.triggers, c.options)));
  });

  test('linting is deterministic', () => {
    const input = CASES.map((c) => c.triggers)[5];
    expect(lintYaml(input)).toEqual(lintYaml(input));
  });
});
