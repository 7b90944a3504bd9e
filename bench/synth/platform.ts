/**
 * The synthesis benchmark's platform: N namespaces, each with a default-deny (DNS excepted), 4 tiers with 4 flows
 * and an egress allow list of 10 CIDRs, written three ways:
 *
 * - `ours`: ZeroTrustNamespace + TierAccess + EgressAllowList;
 * - `floor`: the very same objects (byte for byte, annotations included) as generated L1 classes
 *   (`KubeNamespace`, `KubeNetworkPolicy` from cdk8s-plus-28's imports): no intent model, nothing computed;
 * - `plus`: the same policies with cdk8s-plus-28's `NetworkPolicy` construct, as a user would write them today
 *   (one rule per peer, as `addIngressRule`/`addEgressRule` take one peer; the same annotations, for the same bytes
 *   of documentation).
 *
 * Each namespace is its own Chart (a platform's usual layout) or a Construct in one shared Chart; the charts carry no
 * namespace, the constructs name it.
 */
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { EgressAllowList, Peer, PodSelection, Port, Tier, TierAccess, ZeroTrustNamespace } from '../../src';

export type Variant = 'ours' | 'floor' | 'plus' | 'floor+1' | 'floor+7';
export const VARIANTS: Variant[] = ['ours', 'floor', 'plus'];
/**
 * The floor plus K empty `Construct`s per namespace: what tree nodes alone cost under cdk8s's per-chart walks. 7 is
 * the number of tree nodes ours has per namespace besides the floor's objects (one each for the ZeroTrustNamespace,
 * the TierAccess, the EgressAllowList and the 4 Tiers, all ordinary constructs of the tree), so `floor+7` is the
 * floor with ours' tree: the same objects and the same number of nodes, without any logic. 1 is for scale.
 */
export const NODE_VARIANTS: Variant[] = ['floor+1', 'floor+7'];
/** The floor with as many tree nodes per namespace as ours (see NODE_VARIANTS). */
export const FLOOR_K: Variant = 'floor+7';
/** Ours' tree nodes per namespace besides the floor's objects. */
export const OURS_EXTRA_NODES = 7;

/** The 4 tiers, named after their `app` label. */
export const TIERS = ['web', 'api', 'worker', 'db'];
/** The 4 flows: source, destination, TCP port. */
export const FLOWS: [string, string, number][] = [
  ['web', 'api', 8080],
  ['api', 'db', 5432],
  ['api', 'worker', 9000],
  ['worker', 'db', 5432],
];
/** The 10 external destinations of the `api` tier: even ones on TCP/443, odd ones on TCP/443 and TCP/8443. */
export const DESTINATIONS = Array.from({ length: 10 }, (_, k) => ({
  cidr: `203.0.${k}.0/24`,
  exceptions: k === 0 ? ['203.0.0.128/25'] : undefined,
  ports: k % 2 === 0 ? [443] : [443, 8443],
}));

export function namespaceName(i: number): string {
  return `team-${i}`;
}

/**
 * How the platform is split into charts: `chart-per-namespace` (a chart per team, the usual layout) or
 * `one-chart` (every namespace in one chart; the construct ids are then prefixed by the namespace).
 */
export type Layout = 'chart-per-namespace' | 'one-chart';
export const LAYOUTS: Layout[] = ['chart-per-namespace', 'one-chart'];

export function build(variant: Variant, app: App, namespaces: number, layout: Layout = 'chart-per-namespace'): void {
  const shared = layout === 'one-chart' ? new Chart(app, 'platform') : undefined;
  const scopes: [Construct, string][] = [];
  for (let i = 0; i < namespaces; i++) {
    const name = namespaceName(i);
    scopes.push([shared ? new Construct(shared, name) : new Chart(app, name), name]);
  }
  if (variant === 'floor' || NODE_VARIANTS.includes(variant)) {
    const extra = variant === 'floor' ? 0 : Number(variant.slice('floor+'.length));
    for (const [scope] of scopes) for (let k = 0; k < extra; k++) new Construct(scope, `node-${k}`);
    // Ours renders each chart's tier policies after its other objects, in (namespace, name) order: the floor writes
    // the same objects in the same order, so its YAML is byte-identical.
    for (const [scope, name] of scopes) floorNamespace(scope, name);
    for (const [scope, name] of [...scopes].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))) {
      floorFlows(shared ?? scope, name, shared ? `${name}-` : '');
    }
    return;
  }
  for (const [scope, name] of scopes) (variant === 'ours' ? ours : plus)(scope, name);
}

// ---------------------------------------------------------------------------------------------------------- ours

function ours(chart: Construct, name: string): void {
  new ZeroTrustNamespace(chart, 'namespace', { name });
  const tiers = new Map(TIERS.map((t) => [t, new Tier(chart, t, { namespaceName: name, pods: PodSelection.labels({ app: t }) })]));
  new TierAccess(chart, 'tiers', {
    flows: FLOWS.map(([source, destination, port]) => ({
      source: tiers.get(source)!,
      destination: tiers.get(destination)!,
      ports: [Port.tcp(port)],
    })),
  });
  new EgressAllowList(chart, 'api-external', {
    namespaceName: name,
    pods: PodSelection.labels({ app: 'api' }),
    destinations: DESTINATIONS.map((d) => ({ peer: Peer.cidr(d.cidr, { exceptions: d.exceptions }), ports: d.ports.map((p) => Port.tcp(p)) })),
  });
}

// --------------------------------------------------------------------------------------------------------- floor

const INTENT = 'cdk8s-netpol.dev/intent';

const floorMeta = (ns: string, name: string, intent: string) => ({ name, namespace: ns, annotations: { [INTENT]: intent } });
const floorTcp = (port: number): k8s.NetworkPolicyPort => ({ port: k8s.IntOrString.fromNumber(port), protocol: 'TCP' });

/** What a careful person writes with the L1 classes: object literals, a couple of helpers, nothing computed. */
function floorNamespace(chart: Construct, ns: string): void {
  new k8s.KubeNamespace(chart, 'namespace', { metadata: { name: ns } });
  new k8s.KubeNetworkPolicy(chart, 'default-deny', {
    metadata: floorMeta(ns, `${ns}-default-deny`, DEFAULT_DENY_INTENT),
    spec: {
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      egress: [{
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [floorTcp(53), { port: k8s.IntOrString.fromNumber(53), protocol: 'UDP' }],
      }],
    },
  });
}

/** The tier policies of one namespace, as the floor writes them. */
function floorFlows(chart: Construct, ns: string, idPrefix: string): void {
  const app = (a: string) => ({ matchLabels: { app: a } });
  const pods = (a: string) => ({ podSelector: app(a) });
  // The api tier's flows and its allow list select the same pods: one policy, as ours renders it.
  const block = (k: number) => ({ ipBlock: { cidr: `203.0.${k}.0/24` } });
  new k8s.KubeNetworkPolicy(chart, `${idPrefix}api-flows`, {
    metadata: floorMeta(ns, 'api-flows', API_INTENT),
    spec: {
      podSelector: app('api'),
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [pods('web')], ports: [floorTcp(8080)] }],
      egress: [
        { to: [block(1), block(3), block(5), block(7), block(9)], ports: [floorTcp(443), floorTcp(8443)] },
        { to: [{ ipBlock: { cidr: '203.0.0.0/24', except: ['203.0.0.128/25'] } }, block(2), block(4), block(6), block(8)], ports: [floorTcp(443)] },
        { to: [pods('db')], ports: [floorTcp(5432)] },
        { to: [pods('worker')], ports: [floorTcp(9000)] },
      ],
    },
  });
  new k8s.KubeNetworkPolicy(chart, `${idPrefix}db-flows`, {
    metadata: floorMeta(ns, 'db-flows', 'tier db: api -> db on TCP/5432; worker -> db on TCP/5432'),
    spec: {
      podSelector: app('db'),
      policyTypes: ['Ingress'],
      ingress: [{ from: [pods('api'), pods('worker')], ports: [floorTcp(5432)] }],
    },
  });
  new k8s.KubeNetworkPolicy(chart, `${idPrefix}web-flows`, {
    metadata: floorMeta(ns, 'web-flows', 'tier web: web -> api on TCP/8080'),
    spec: {
      podSelector: app('web'),
      policyTypes: ['Egress'],
      egress: [{ to: [pods('api')], ports: [floorTcp(8080)] }],
    },
  });
  new k8s.KubeNetworkPolicy(chart, `${idPrefix}worker-flows`, {
    metadata: floorMeta(ns, 'worker-flows', 'tier worker: api -> worker on TCP/9000; worker -> db on TCP/5432'),
    spec: {
      podSelector: app('worker'),
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [pods('api')], ports: [floorTcp(9000)] }],
      egress: [{ to: [pods('db')], ports: [floorTcp(5432)] }],
    },
  });
}

const DEFAULT_DENY_INTENT = 'default deny: no ingress, no egress except DNS (cluster DNS kube-system/k8s-app=kube-dns on TCP/53, UDP/53)';

const API_INTENT = 'egress allow list api-external, tier api: api -> db on TCP/5432; api -> worker on TCP/9000; '
  + 'app=api -> 203.0.0.0/24 except 203.0.0.128/25 on TCP/443; app=api -> 203.0.1.0/24 on TCP/443, TCP/8443; '
  + 'app=api -> 203.0.2.0/24 on TCP/443; app=api -> 203.0.3.0/24 on TCP/443, TCP/8443; app=api -> 203.0.4.0/24 on TCP/443; '
  + 'app=api -> 203.0.5.0/24 on TCP/443, TCP/8443; app=api -> 203.0.6.0/24 on TCP/443; '
  + 'app=api -> 203.0.7.0/24 on TCP/443, TCP/8443; app=api -> 203.0.8.0/24 on TCP/443; '
  + 'app=api -> 203.0.9.0/24 on TCP/443, TCP/8443; web -> api on TCP/8080';

const EXTERNAL_INTENT = 'egress of app=api only to: 203.0.0.0/24 except 203.0.0.128/25 on TCP/443; '
  + '203.0.1.0/24 on TCP/443, TCP/8443; 203.0.2.0/24 on TCP/443; 203.0.3.0/24 on TCP/443, TCP/8443; '
  + '203.0.4.0/24 on TCP/443; 203.0.5.0/24 on TCP/443, TCP/8443; 203.0.6.0/24 on TCP/443; '
  + '203.0.7.0/24 on TCP/443, TCP/8443; 203.0.8.0/24 on TCP/443; 203.0.9.0/24 on TCP/443, TCP/8443';

// ---------------------------------------------------------------------------------------------------------- plus

/** The same policies with cdk8s-plus-28: one NetworkPolicy per object, one rule per (peer, ports). */
function plus(chart: Construct, ns: string): void {
  const meta = (name: string, intent: string) => ({ name, namespace: ns, annotations: { [INTENT]: intent } });
  const tcp = kplus.NetworkPolicyPort.tcp;
  const selectors = new Map(TIERS.map((t) => [t, kplus.Pods.select(chart, `pods-${t}`, { labels: { app: t } })]));
  const tier = (t: string) => selectors.get(t)!;

  new kplus.Namespace(chart, 'namespace', { metadata: { name: ns } });
  const kubeDns = kplus.Pods.select(chart, 'kube-dns', {
    labels: { 'k8s-app': 'kube-dns' },
    namespaces: kplus.Namespaces.select(chart, 'kube-system', { names: ['kube-system'] }),
  });
  new kplus.NetworkPolicy(chart, 'default-deny', {
    metadata: meta(`${ns}-default-deny`, DEFAULT_DENY_INTENT),
    selector: kplus.Pods.all(chart, 'all-pods'),
    ingress: { default: kplus.NetworkPolicyTrafficDefault.DENY },
    egress: {
      default: kplus.NetworkPolicyTrafficDefault.DENY,
      rules: [{ peer: kubeDns, ports: [kplus.NetworkPolicyPort.udp(53), tcp(53)] }],
    },
  });

  const api = new kplus.NetworkPolicy(chart, 'api-flows', {
    metadata: meta('api-flows', 'tier api: api -> db on TCP/5432; api -> worker on TCP/9000; web -> api on TCP/8080'),
    selector: tier('api'),
  });
  api.addIngressRule(tier('web'), [tcp(8080)]);
  api.addEgressRule(tier('db'), [tcp(5432)]);
  api.addEgressRule(tier('worker'), [tcp(9000)]);

  const db = new kplus.NetworkPolicy(chart, 'db-flows', {
    metadata: meta('db-flows', 'tier db: api -> db on TCP/5432; worker -> db on TCP/5432'),
    selector: tier('db'),
  });
  db.addIngressRule(tier('api'), [tcp(5432)]);
  db.addIngressRule(tier('worker'), [tcp(5432)]);

  const web = new kplus.NetworkPolicy(chart, 'web-flows', {
    metadata: meta('web-flows', 'tier web: web -> api on TCP/8080'),
    selector: tier('web'),
  });
  web.addEgressRule(tier('api'), [tcp(8080)]);

  const worker = new kplus.NetworkPolicy(chart, 'worker-flows', {
    metadata: meta('worker-flows', 'tier worker: api -> worker on TCP/9000; worker -> db on TCP/5432'),
    selector: tier('worker'),
  });
  worker.addIngressRule(tier('api'), [tcp(9000)]);
  worker.addEgressRule(tier('db'), [tcp(5432)]);

  const external = new kplus.NetworkPolicy(chart, 'api-external', {
    metadata: meta('api-external', EXTERNAL_INTENT),
    selector: tier('api'),
  });
  DESTINATIONS.forEach((d, k) => {
    external.addEgressRule(kplus.NetworkPolicyIpBlock.ipv4(chart, `cidr-${k}`, d.cidr, d.exceptions), d.ports.map((p) => tcp(p)));
  });
}
