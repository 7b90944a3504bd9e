import * as os from 'os';
/**
 * Benchmark of the reachability engine: synthetic clusters of P pods with P/2 policies, the full P x P matrix for
 * one port, against a straightforward evaluator (every pair against every policy).
 *
 *   npx ts-node --project test/tsconfig.json bench/engine.ts [P...]
 *
 * Deterministic: the cluster generator uses a fixed-seed PRNG, so runs differ only by machine noise.
 */
import { performance } from 'perf_hooks';
import { ipBlockContains } from '../src/semantics/evaluate';
import { loadCluster } from '../src/semantics/load';
import { computeMatrix } from '../src/semantics/matrix';
import { Cluster, Endpoint, Peer, Policy, PolicyPort, QueryPort } from '../src/semantics/model';
import { selectorMatches } from '../src/semantics/selector';

/** mulberry32: a tiny seeded PRNG so the clusters are the same on every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0; a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A cluster of `pods` pods in pods/50 namespaces, with pods/2 NetworkPolicies of the usual shapes. */
export function syntheticCluster(pods: number, seed = 1): any[] {
  const rnd = prng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  const nsCount = Math.max(2, Math.round(pods / 50));
  const apps = Math.max(4, Math.round(pods / 10));
  const namespaces = Array.from({ length: nsCount }, (_, i) => `ns${i}`);
  const objects: any[] = namespaces.map((name, i) => ({
    apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { env: i % 3 === 0 ? 'prod' : 'dev', team: `t${i % 7}` } },
  }));
  for (let i = 0; i < pods; i++) {
    const app = `app${Math.floor(rnd() * apps)}`;
    objects.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `pod${i}`, namespace: pick(namespaces), labels: { app, tier: pick(['web', 'api', 'db', 'cache', 'worker']), version: `v${i % 3}` } },
      spec: { containers: [{ name: 'main', image: 'img', ports: [{ name: 'http', containerPort: pick([80, 8080]) }, { name: 'metrics', containerPort: 9090 }] }] },
      status: { podIP: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` },
    });
  }
  const policyCount = Math.round(pods / 2);
  for (let i = 0; i < policyCount; i++) {
    const ns = pick(namespaces);
    const app = () => ({ matchLabels: { app: `app${Math.floor(rnd() * apps)}` } });
    const shape = i % 6;
    let spec: any;
    // A namespace baseline: isolate both ways, allow DNS out and traffic within the namespace.
    if (shape === 0) spec = { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{ from: [{ podSelector: {} }] }], egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }, { to: [{ podSelector: {} }] }] };
    else if (shape === 1) spec = { podSelector: app(), ingress: [{ from: [{ podSelector: app() }, { podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'api'] }] } }], ports: [{ port: 'http' }] }] };
    else if (shape === 2) spec = { podSelector: app(), ingress: [{ from: [{ namespaceSelector: { matchLabels: { env: 'prod' } }, podSelector: { matchLabels: { tier: pick(['web', 'api']) } } }], ports: [{ port: 80 }, { port: 8000, endPort: 8100 }] }] };
    else if (shape === 3) spec = { podSelector: app(), policyTypes: ['Egress'], egress: [{ to: [{ podSelector: app() }, { namespaceSelector: { matchLabels: { team: `t${i % 7}` } } }] }, { to: [{ ipBlock: { cidr: '10.0.0.0/16', except: [`10.0.${i % 8}.0/24`] } }], ports: [{ port: 'http' }] }] };
    else if (shape === 4) spec = { podSelector: { matchLabels: { tier: pick(['db', 'cache']) } }, ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'version', operator: 'NotIn', values: ['v0'] }] } }] }] };
    else spec = { podSelector: app(), policyTypes: ['Ingress', 'Egress'], ingress: [{ from: [{ namespaceSelector: {} }] }], egress: [{ to: [{ podSelector: {} }], ports: [{ protocol: 'TCP' }] }] };
    objects.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: `np${i}`, namespace: ns }, spec });
  }
  return objects;
}

/** The straightforward evaluator: every policy, every rule, every peer, for one pair. */
function naiveAllowed(cluster: Cluster, a: Endpoint, b: Endpoint, q: QueryPort): boolean {
  if (a === b) return true;
  const port = q.port!;
  const nsLabels = (e: Endpoint) => cluster.namespaces.get(e.namespace)!.labels;
  const peerOk = (policy: Policy, peer: Peer, other: Endpoint) => {
    if (peer.ipBlock) return other.ips.some((ip) => ipBlockContains(peer.ipBlock!, ip));
    if (peer.namespaceSelector) {
      if (!selectorMatches(peer.namespaceSelector, nsLabels(other))) return false;
    } else if (other.namespace !== policy.namespace) {
      return false;
    }
    return !peer.podSelector || selectorMatches(peer.podSelector, other.labels);
  };
  const portOk = (e: PolicyPort) => e.protocol === q.protocol && (e.name !== undefined
    ? b.ports.some((p) => p.name === e.name && p.protocol === q.protocol && p.port === port)
    : e.port === undefined || (port >= e.port && port <= (e.endPort ?? e.port)));
  const side = (subject: Endpoint, other: Endpoint, ingress: boolean) => {
    let isolated = false;
    for (const policy of cluster.policies) {
      if (!(ingress ? policy.isolatesIngress : policy.isolatesEgress)) continue;
      if (policy.namespace !== subject.namespace || !selectorMatches(policy.podSelector, subject.labels)) continue;
      isolated = true;
      for (const rule of ingress ? policy.ingress : policy.egress) {
        if ((!rule.peers || rule.peers.some((p) => peerOk(policy, p, other))) && (!rule.ports || rule.ports.some(portOk))) return true;
      }
    }
    return !isolated;
  };
  return side(a, b, false) && side(b, a, true);
}

function run(pods: number, naiveAll: boolean) {
  const objects = syntheticCluster(pods);
  let t = performance.now();
  const { cluster, problems } = loadCluster(objects.map((object) => ({ object, source: 'bench' })));
  if (problems.length) throw new Error(`generator produced invalid objects: ${problems[0].message}`);
  const loadMs = performance.now() - t;
  const q: QueryPort = { protocol: 'TCP', port: 80 };
  const n = cluster.endpoints.length;

  t = performance.now();
  const m = computeMatrix(cluster, q);
  const full = new Uint8Array(n * n);
  let allowed = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if ((full[i * n + j] = m.allowed(i, j) ? 1 : 0)) allowed++;
  const matrixMs = performance.now() - t;

  // The naive evaluator on a fixed sample of pairs (all pairs would take minutes), also checking agreement.
  const rnd = prng(42);
  const sample = naiveAll ? n * n : Math.min(n * n, 20000);
  t = performance.now();
  let disagreements = 0;
  for (let k = 0; k < sample; k++) {
    const i = naiveAll ? Math.floor(k / n) : Math.floor(rnd() * n);
    const j = naiveAll ? k % n : Math.floor(rnd() * n);
    if (naiveAllowed(cluster, cluster.endpoints[i], cluster.endpoints[j], q) !== (full[i * n + j] === 1)) disagreements++;
  }
  const naiveMs = performance.now() - t;
  const pairs = n * n;
  const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
  console.log([
    `P=${String(pods).padEnd(5)}`,
    `policies=${String(cluster.policies.length).padEnd(5)}`,
    `classes=${String(m.classCount).padEnd(5)}`,
    `load=${loadMs.toFixed(0)}ms`,
    `matrix=${matrixMs.toFixed(0)}ms`,
    `(${fmt(pairs / (matrixMs / 1000))} pairs/s, ${(100 * allowed / pairs).toFixed(1)}% allowed)`,
    naiveAll
      ? `naive=${fmt(sample / (naiveMs / 1000))} pairs/s, full matrix ${(naiveMs / 1000).toFixed(1)}s (measured)`
      : `naive=${fmt(sample / (naiveMs / 1000))} pairs/s -> full matrix ~${(pairs / (sample / (naiveMs / 1000))).toFixed(1)}s (extrapolated)`,
    `disagreements=${disagreements}/${sample}`,
  ].join('  '));
  if (disagreements > 0) process.exitCode = 1;
}

// Arguments: pod counts (default 100 1000 2000 5000); --naive-all times the naive evaluator on every pair (slow).
// Only when run directly, so other scripts can import syntheticCluster.
if (require.main === module) {
  const argv = process.argv.slice(2);
  const naiveAll = argv.includes('--naive-all');
  const sizes = argv.map(Number).filter((x) => x > 0);
  console.log(`node ${process.version}, ${os.cpus().length} CPUs; one port (TCP/80); naive evaluator on ${naiveAll ? 'every pair' : 'a 20,000-pair sample'}`);
  for (const p of sizes.length ? sizes : [100, 1000, 2000, 5000]) run(p, naiveAll);
}
