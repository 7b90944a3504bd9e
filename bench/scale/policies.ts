/**
 * A policy-heavy cluster, the shape a per-flow policy generator writes: few pods and very many NetworkPolicies.
 * `namespaces` team namespaces of 10 single-replica services each (1,000 pods at the default 100), every flow
 * between two services written as two policies (an egress policy selecting the source, an ingress policy selecting
 * the destination), plus per-namespace default deny, DNS and monitoring, and egress policies to outside ranges.
 * The shapes vary as generated sets do: same-namespace and cross-namespace peers, peers by name or by team label,
 * selectors by `matchLabels` and by `matchExpressions` (In, NotIn, Exists), named ports, numbered ports, port ranges
 * (`endPort`), UDP, ipBlocks with and without `except`. A few mistakes a real set carries are left in on purpose: one
 * flow in 40 has its egress side on a different port (a half-open flow, NP014), one in 60 has its ingress policy
 * written twice under another name (a redundant policy, NP015).
 *
 * 100 namespaces and 100,000 policies: 1,004 pods, about 65 MB. Deterministic (a fixed linear congruential
 * sequence, no clock).
 */

const APPS = ['gateway', 'orders', 'payments', 'catalog', 'search', 'users', 'cart', 'notify', 'ledger', 'reports'];
const TIER: Record<string, string> = {
  gateway: 'frontend',
  orders: 'backend',
  payments: 'backend',
  catalog: 'backend',
  search: 'backend',
  users: 'backend',
  cart: 'backend',
  notify: 'backend',
  ledger: 'data',
  reports: 'data',
};

/** The ports every service declares (name, number, protocol). */
const SERVED: { name: string; port: number; protocol: string }[] = [
  { name: 'http', port: 8080, protocol: 'TCP' },
  { name: 'grpc', port: 9000, protocol: 'TCP' },
  { name: 'metrics', port: 9090, protocol: 'TCP' },
  { name: 'gossip', port: 7946, protocol: 'UDP' },
];

/** A small deterministic generator (Numerical Recipes' LCG constants), so the YAML is the same on every run. */
class Sequence {
  private state: number;
  public constructor(seed: number) { this.state = seed >>> 0; }
  public next(): number {
    this.state = (Math.imul(this.state, 1664525) + 1013904223) >>> 0;
    return this.state / 2 ** 32;
  }
  public int(n: number): number { return Math.floor(this.next() * n); }
  public pick<T>(xs: readonly T[]): T { return xs[this.int(xs.length)]; }
}

interface Service { readonly ns: number; readonly app: string }

const nsOf = (i: number) => `svc-${i}`;
const teamOf = (i: number) => `t${i % 25}`;

function pod(ns: string, app: string, ip: number, extra: Record<string, string> = {}): string {
  const labels: Record<string, string> = { app, tier: TIER[app] ?? 'platform', version: `v${ip % 2 + 1}`, ...extra };
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${app}-0
  namespace: ${ns}
  labels:
${Object.entries(labels).map(([k, v]) => `    ${k}: ${v}`).join('\n')}
spec:
  containers:
    - name: main
      image: img/${app}:1
      ports:
${SERVED.map((p) => `        - name: ${p.name}\n          containerPort: ${p.port}\n          protocol: ${p.protocol}`).join('\n')}
status:
  podIP: 10.${(ip >> 16) & 255}.${(ip >> 8) & 255}.${ip & 255}
`;
}

function platformPod(ns: string, name: string, labels: Record<string, string>, ports: string, ip: number): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: ${ns}
  labels:
${Object.entries(labels).map(([k, v]) => `    ${k}: ${v}`).join('\n')}
spec:
  containers:
    - name: main
      image: img/${name}:1
      ports:
${ports}
status:
  podIP: 10.${(ip >> 16) & 255}.${(ip >> 8) & 255}.${ip & 255}
`;
}

function policy(ns: string, name: string, spec: string, labels = '', annotations = ''): string {
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${name}
  namespace: ${ns}
  labels:
    app.kubernetes.io/managed-by: flow-generator${labels}${annotations === '' ? '' : `\n  annotations:${annotations}`}
spec:
${spec.replace(/^/gm, '  ')}
`;
}

/** The pod selector of a service, written one of the ways generators write it. */
function appSelector(app: string, style: number): string {
  switch (style) {
    case 0: return `{matchLabels: {app: ${app}}}`;
    case 1: return `{matchExpressions: [{key: app, operator: In, values: [${app}]}]}`;
    case 2: return `{matchLabels: {app: ${app}}, matchExpressions: [{key: version, operator: NotIn, values: [canary]}]}`;
    default: return `{matchLabels: {app: ${app}, tier: ${TIER[app]}}}`;
  }
}

/** The peer for `other` seen from a policy in namespace `here`. */
function peer(other: Service, here: number, style: number): string {
  const pods = appSelector(other.app, style % 4);
  if (other.ns === here) return `{podSelector: ${pods}}`;
  const ns = style % 5 === 4
    ? `{matchLabels: {team: ${teamOf(other.ns)}, kubernetes.io/metadata.name: ${nsOf(other.ns)}}}`
    : `{matchLabels: {kubernetes.io/metadata.name: ${nsOf(other.ns)}}}`;
  return `{namespaceSelector: ${ns}, podSelector: ${pods}}`;
}

/** A flow's ports, as written on the ingress side (named where the service names it) and on the egress side. */
function flowPorts(kind: number): { ingress: string; egress: string; broken: string } {
  switch (kind) {
    case 0: return { ingress: '[{port: http}]', egress: '[{port: 8080}]', broken: '[{port: 8081}]' };
    case 1: return { ingress: '[{port: grpc, protocol: TCP}]', egress: '[{port: 9000, protocol: TCP}]', broken: '[{port: 9001}]' };
    case 2: return { ingress: '[{port: 8080}, {port: 9000}]', egress: '[{port: 8080}, {port: 9000}]', broken: '[{port: 8443}]' };
    case 3: return { ingress: '[{port: 8000, endPort: 8100}]', egress: '[{port: 8000, endPort: 8100}]', broken: '[{port: 8200, endPort: 8300}]' };
    default: return { ingress: '[{port: gossip, protocol: UDP}]', egress: '[{port: 7946, protocol: UDP}]', broken: '[{port: 7947, protocol: UDP}]' };
  }
}

const CIDRS = ['203.0.113.0/24', '198.51.100.0/24', '192.0.2.0/24', '100.64.0.0/10', '172.20.0.0/16', '52.94.0.0/22'];

/** The YAML of the policy-heavy cluster: `namespaces` team namespaces, `policies` NetworkPolicies in all. */
export function policyClusterYaml(namespaces = 100, policies = 100_000): string {
  const docs: string[] = [];
  const rng = new Sequence(25);
  const namespace = (name: string, labels: Record<string, string>) => `apiVersion: v1
kind: Namespace
metadata:
  name: ${name}
  labels:
${Object.entries(labels).map(([k, v]) => `    ${k}: ${v}`).join('\n')}
`;
  let ip = 1;
  docs.push(namespace('kube-system', { tier: 'platform' }));
  docs.push(namespace('monitoring', { tier: 'platform' }));
  for (let k = 0; k < 2; k++) {
    docs.push(platformPod('kube-system', `coredns-${k}`, { 'k8s-app': 'kube-dns' },
      '        - name: dns\n          containerPort: 53\n          protocol: UDP\n        - name: dns-tcp\n          containerPort: 53\n          protocol: TCP', ip++));
  }
  for (let k = 0; k < 2; k++) {
    docs.push(platformPod('monitoring', `prometheus-${k}`, { app: 'prometheus' }, '        - name: web\n          containerPort: 9090\n          protocol: TCP', ip++));
  }
  const byNs: string[][] = [];
  const services: Service[] = [];
  for (let i = 0; i < namespaces; i++) {
    const ns = nsOf(i);
    docs.push(namespace(ns, { team: teamOf(i), env: i % 3 === 0 ? 'prod' : 'dev' }));
    for (const app of APPS) {
      docs.push(pod(ns, app, ip++));
      services.push({ ns: i, app });
    }
    byNs.push([
      policy(ns, 'default-deny', 'podSelector: {}\npolicyTypes: [Ingress, Egress]'),
      policy(ns, 'allow-dns', `podSelector: {}\npolicyTypes: [Egress]\negress:
  - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]
    ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]`),
      policy(ns, 'allow-monitoring', `podSelector: {}\npolicyTypes: [Ingress]\ningress:
  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}, podSelector: {matchLabels: {app: prometheus}}}]
    ports: [{port: metrics}]`),
      policy(ns, 'data-from-backend', `podSelector: {matchExpressions: [{key: tier, operator: In, values: [data]}]}\npolicyTypes: [Ingress]\ningress:
  - from: [{podSelector: {matchExpressions: [{key: tier, operator: In, values: [backend]}, {key: version, operator: Exists}]}}]
    ports: [{port: 9000}]`),
    ]);
  }
  let count = byNs.reduce((n, xs) => n + xs.length, 0);
  let flow = 0;
  while (count < policies) {
    const src = rng.pick(services);
    const k = flow++;
    const name = `${src.app}-f${k}`;
    if (k % 12 === 11) {
      // Egress to a range outside the cluster: an API, a partner, a cloud service.
      const cidr = rng.pick(CIDRS);
      const except = k % 24 === 11 ? `, except: [${cidr.replace(/\.0\/\d+$/, '.128/25')}]` : '';
      const port = rng.pick(['443', '5432', '8443', '9000, endPort: 9100']);
      byNs[src.ns].push(policy(nsOf(src.ns), `${name}-egress-external`, `podSelector: ${appSelector(src.app, k % 4)}\npolicyTypes: [Egress]\negress:
  - to: [{ipBlock: {cidr: ${cidr}${except}}}]
    ports: [{port: ${port}, protocol: TCP}]`));
      count++;
      continue;
    }
    // Mostly to the service's own namespace and its neighbours, as teams talk to teams they know.
    const near = rng.next() < 0.3 ? src.ns : (src.ns + 1 + rng.int(8)) % namespaces;
    const dst: Service = { ns: near, app: rng.pick(APPS.filter((a) => a !== src.app || near !== src.ns)) };
    const ports = flowPorts(rng.int(5));
    const style = rng.int(20);
    const halfOpen = k % 40 === 7;
    const flowLabel = `\n    flow: f${k}`;
    const notes = `\n    flows.example.com/source: ${nsOf(src.ns)}/${src.app}\n    flows.example.com/destination: ${nsOf(dst.ns)}/${dst.app}`
      + `\n    flows.example.com/ticket: NET-${10000 + (k % 9000)}`;
    byNs[dst.ns].push(policy(nsOf(dst.ns), `${dst.app}-from-${src.app}-${nsOf(src.ns)}-f${k}`, `podSelector: ${appSelector(dst.app, style % 4)}\npolicyTypes: [Ingress]\ningress:
  - from: [${peer(src, dst.ns, style)}]
    ports: ${ports.ingress}`, flowLabel, notes));
    count++;
    if (count >= policies) break;
    byNs[src.ns].push(policy(nsOf(src.ns), `${src.app}-to-${dst.app}-${nsOf(dst.ns)}-f${k}`, `podSelector: ${appSelector(src.app, (style >> 2) % 4)}\npolicyTypes: [Egress]\negress:
  - to: [${peer(dst, src.ns, style >> 1)}]
    ports: ${halfOpen ? ports.broken : ports.egress}`, flowLabel, notes));
    count++;
    if (count >= policies || k % 60 !== 13) continue;
    byNs[dst.ns].push(policy(nsOf(dst.ns), `legacy-${dst.app}-from-${src.app}-f${k}`, `podSelector: ${appSelector(dst.app, 0)}\npolicyTypes: [Ingress]\ningress:
  - from: [${peer(src, dst.ns, 0)}]
    ports: ${ports.ingress}`, flowLabel));
    count++;
  }
  for (const xs of byNs) docs.push(...xs);
  return docs.join('---\n');
}
