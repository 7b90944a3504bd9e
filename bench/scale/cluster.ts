/**
 * A cluster at the scale of a real one, written as YAML text: `teams` namespaces of 50 pods each (web, api, worker,
 * db, cache replicas, as `kubectl get pods -o yaml` would list them, with pod IPs), 13 NetworkPolicies per namespace
 * of the usual zero-trust shapes (default deny, DNS, tier-to-tier flows on named and numbered ports, a cross-team
 * flow, monitoring, egress to the internet and to a CDN range), plus kube-system, monitoring and ingress namespaces.
 *
 * 1,000 teams: 50,000 pods, 13,000 policies, about 21 MB. Deterministic. `changed` opens one more flow in every 100th
 * team (web may reach db on 5432) and closes one (the cache loses its ingress from workers), for the diff.
 */

const TIERS: { app: string; replicas: number; port: number; name: string }[] = [
  { app: 'web', replicas: 12, port: 8080, name: 'http' },
  { app: 'api', replicas: 12, port: 8080, name: 'http' },
  { app: 'worker', replicas: 10, port: 8080, name: 'http' },
  { app: 'db', replicas: 8, port: 5432, name: 'pg' },
  { app: 'cache', replicas: 8, port: 6379, name: 'redis' },
];

interface ContainerPort { name: string; port: number; protocol?: string }

function pod(ns: string, name: string, labels: Record<string, string>, ports: ContainerPort[], ip: number): string {
  const ipText = `10.${(ip >> 16) & 255}.${(ip >> 8) & 255}.${ip & 255}`;
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
      image: img/${labels.app ?? 'app'}:1
      ports:
${ports.map((p) => `        - name: ${p.name}\n          containerPort: ${p.port}\n          protocol: ${p.protocol ?? 'TCP'}`).join('\n')}
status:
  podIP: ${ipText}
`;
}

function policy(ns: string, name: string, spec: string): string {
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${name}
  namespace: ${ns}
spec:
${spec.replace(/^/gm, '  ')}
`;
}

const sel = (labels: Record<string, string>) => `{matchLabels: {${Object.entries(labels).map(([k, v]) => `${k}: ${v}`).join(', ')}}}`;
const nsName = (name: string) => sel({ 'kubernetes.io/metadata.name': name });

/** Policies of one team namespace (13). */
function teamPolicies(i: number, teams: number, changed: boolean): string[] {
  const ns = `team-${i}`;
  const next = `team-${(i + 1) % teams}`;
  const prev = `team-${(i + teams - 1) % teams}`;
  const open = changed && i % 100 === 0;
  return [
    policy(ns, 'default-deny', 'podSelector: {}\npolicyTypes: [Ingress, Egress]'),
    policy(ns, 'allow-dns', `podSelector: {}\npolicyTypes: [Egress]\negress:
  - to: [{namespaceSelector: ${nsName('kube-system')}, podSelector: ${sel({ 'k8s-app': 'kube-dns' })}}]
    ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]`),
    policy(ns, 'web-ingress', `podSelector: ${sel({ app: 'web' })}\ningress:
  - from: [{namespaceSelector: ${nsName('ingress')}, podSelector: ${sel({ app: 'ingress-controller' })}}]
    ports: [{port: http}]`),
    policy(ns, 'web-egress', `podSelector: ${sel({ app: 'web' })}\npolicyTypes: [Egress]\negress:
  - to: [{podSelector: ${sel({ app: 'api' })}}]
    ports: [{port: 8080}]
  - to: [{ipBlock: {cidr: 203.0.113.0/24}}]
    ports: [{port: 443}]${open ? `\n  - to: [{podSelector: ${sel({ app: 'db' })}}]\n    ports: [{port: 5432}]` : ''}`),
    policy(ns, 'api-ingress', `podSelector: ${sel({ app: 'api' })}\ningress:
  - from: [{podSelector: ${sel({ app: 'web' })}}]
    ports: [{port: http}]`),
    policy(ns, 'api-egress', `podSelector: ${sel({ app: 'api' })}\npolicyTypes: [Egress]\negress:
  - to: [{podSelector: ${sel({ app: 'db' })}}]
    ports: [{port: 5432}]
  - to: [{podSelector: ${sel({ app: 'cache' })}}]
    ports: [{port: 6379}]
  - to: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16]}}]
    ports: [{port: 443}]`),
    policy(ns, 'db-ingress', `podSelector: ${sel({ app: 'db' })}\ningress:
  - from: [{podSelector: ${sel({ app: 'api' })}}, {podSelector: ${sel({ app: 'worker' })}}${open ? `, {podSelector: ${sel({ app: 'web' })}}` : ''}]
    ports: [{port: pg}]`),
    policy(ns, 'cache-ingress', `podSelector: ${sel({ app: 'cache' })}\ningress:
  - from: [{podSelector: {matchExpressions: [{key: app, operator: In, values: [api${open ? '' : ', worker'}]}]}}]
    ports: [{port: 6379}]`),
    policy(ns, 'worker-egress', `podSelector: ${sel({ app: 'worker' })}\npolicyTypes: [Egress]\negress:
  - to: [{podSelector: ${sel({ app: 'db' })}}, {podSelector: ${sel({ app: 'cache' })}}]
    ports: [{port: 5432}, {port: 6379}]
  - to: [{namespaceSelector: ${nsName(next)}, podSelector: ${sel({ app: 'api' })}}]
    ports: [{port: 8080}]`),
    policy(ns, 'api-from-neighbour', `podSelector: ${sel({ app: 'api' })}\ningress:
  - from: [{namespaceSelector: ${nsName(prev)}, podSelector: ${sel({ app: 'worker' })}}]
    ports: [{port: 8080}]`),
    policy(ns, 'allow-monitoring', `podSelector: {}\ningress:
  - from: [{namespaceSelector: ${nsName('monitoring')}, podSelector: ${sel({ app: 'prometheus' })}}]
    ports: [{port: metrics}]`),
    policy(ns, 'worker-no-ingress', `podSelector: ${sel({ app: 'worker' })}\npolicyTypes: [Ingress]`),
    policy(ns, 'db-egress', 'podSelector: {matchExpressions: [{key: app, operator: In, values: [db, cache]}]}\npolicyTypes: [Egress]\negress: []'),
  ];
}

/** The YAML of a cluster with `teams` team namespaces. */
export function scaleClusterYaml(teams: number, changed = false): string {
  const docs: string[] = [];
  let ip = 1;
  const namespace = (name: string, labels: Record<string, string>) => `apiVersion: v1
kind: Namespace
metadata:
  name: ${name}
  labels:
${Object.entries(labels).map(([k, v]) => `    ${k}: ${v}`).join('\n')}
`;
  docs.push(namespace('kube-system', { tier: 'platform' }));
  docs.push(namespace('monitoring', { tier: 'platform' }));
  docs.push(namespace('ingress', { tier: 'platform' }));
  for (let k = 0; k < 2; k++) docs.push(pod('kube-system', `coredns-${k}`, { 'k8s-app': 'kube-dns' }, [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53 }], ip++));
  for (let k = 0; k < 2; k++) docs.push(pod('monitoring', `prometheus-${k}`, { app: 'prometheus' }, [{ name: 'web', port: 9090 }], ip++));
  for (let k = 0; k < 3; k++) docs.push(pod('ingress', `controller-${k}`, { app: 'ingress-controller' }, [{ name: 'https', port: 443 }], ip++));
  for (let i = 0; i < teams; i++) {
    const ns = `team-${i}`;
    docs.push(namespace(ns, { team: `t${i}`, env: i % 3 === 0 ? 'prod' : 'dev' }));
    for (const t of TIERS) {
      for (let r = 0; r < t.replicas; r++) {
        docs.push(pod(ns, `${t.app}-${r}`, { app: t.app, version: `v${r % 3}` }, [
          { name: t.name, port: t.port },
          { name: 'metrics', port: 9090 },
        ], ip++));
      }
    }
    docs.push(...teamPolicies(i, teams, changed));
  }
  return docs.join('---\n');
}
