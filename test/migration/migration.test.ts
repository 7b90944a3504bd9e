import { Chart, Testing } from 'cdk8s';
import { after } from '../../examples/migration/after';
import { before } from '../../examples/migration/before';
import { ConnectionDiff, NetpolLint, Peer, PodSelection, Port, Reachability, ZeroTrustNamespace } from '../../src';

/** Both versions of the shop, synthesized, with the platform's stand-ins (Prometheus, kube-dns) in the input. */
const PLATFORM = [
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'prometheus', namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } }, spec: { containers: [{ name: 'p', image: 'p' }] } },
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'coredns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }, spec: { containers: [{ name: 'c', image: 'c', ports: [{ containerPort: 53, protocol: 'UDP' }] }] } },
];
function reachOf(build: (app: any) => Chart[]): Reachability {
  const app = Testing.app();
  const charts = build(app);
  return Reachability.fromObjects([...charts.flatMap((c) => c.toJson()), ...PLATFORM]);
}
const old = reachOf(before);
const rewritten = reachOf(after);
const DECLARED: [string, string, Port][] = [
  ['store/web', 'store/api', Port.tcp(8080)],
  ['store/api', 'store/db', Port.tcp(5432)],
  ['jobs/worker', 'store/api', Port.tcp(8080)],
  ['monitoring/prometheus', 'store/api', Port.tcp(9090)],
  ['store/api', '198.51.100.7', Port.tcp(443)],
];

describe('migrating the shop from cdk8s-plus connections to cdk8s-netpol', () => {
  test.each(DECLARED)('the declared flow %s -> %s on %s is allowed before and after', (from, to, port) => {
    old.allows(from, to, port);
    rewritten.allows(from, to, port);
  });

  test('the diff lists what the old version opened that was never declared, and adds only the DNS it had cut', () => {
    const diff = ConnectionDiff.between(old, rewritten);
    // cdk8s-plus isolated web's and api's egress without DNS (their name lookups failed), and Prometheus's egress in a
    // namespace the app does not own. The rewrite gives back exactly that.
    expect(diff.added.map((c) => c.text)).toEqual([
      'monitoring/prometheus -> kube-system/coredns: TCP/*',
      'monitoring/prometheus -> kube-system/coredns: UDP/*',
      'monitoring/prometheus -> kube-system/coredns: SCTP/*',
      'monitoring/prometheus -> 0.0.0.0/0 except 198.51.100.0/24: TCP/*',
      'monitoring/prometheus -> 0.0.0.0/0 except 198.51.100.0/24: UDP/*',
      'monitoring/prometheus -> 0.0.0.0/0 except 198.51.100.0/24: SCTP/*',
      'monitoring/prometheus -> 198.51.100.0/24: TCP/*',
      'monitoring/prometheus -> 198.51.100.0/24: UDP/*',
      'monitoring/prometheus -> 198.51.100.0/24: SCTP/*',
      // Its egress no longer isolated, it reaches IPv6 addresses too.
      'monitoring/prometheus -> ::/0: TCP/*',
      'monitoring/prometheus -> ::/0: UDP/*',
      'monitoring/prometheus -> ::/0: SCTP/*',
      'store/api -> kube-system/coredns: TCP/53',
      'store/api -> kube-system/coredns: UDP/53',
      'store/web -> kube-system/coredns: TCP/53',
      'store/web -> kube-system/coredns: UDP/53',
    ]);
    const removed = diff.removed.map((c) => c.text);
    // The database reachable from the jobs namespace, the database reaching web: never declared.
    expect(removed).toContain('jobs/worker -> store/db: TCP/*');
    expect(removed).toContain('store/db -> store/web: TCP/*');
    // Two replicas of one workload (cdk8s-plus Deployments default to 2): the old version let them reach each other.
    expect(removed).toContain('store/db -> store/db: TCP/*');
    // Every declared flow stays allowed (the test above): the removals are what was never declared. The whole list,
    // for review:
    expect(removed).toMatchSnapshot();
  });

  test('the rewrite never selects Prometheus: cdk8s-plus isolated its egress, the rewrite leaves it alone', () => {
    old.denies('monitoring/prometheus', '203.0.113.9', Port.tcp(443));
    old.denies('monitoring/prometheus', 'kube-system/coredns', Port.DNS_UDP);
    rewritten.allows('monitoring/prometheus', '203.0.113.9', Port.tcp(443));
    rewritten.allows('monitoring/prometheus', 'kube-system/coredns', Port.DNS_UDP);
  });

  test('DNS works after, for every workload', () => {
    for (const w of ['store/web', 'store/api', 'store/db', 'jobs/worker']) rewritten.allows(w, 'kube-system/coredns', Port.DNS_UDP);
  });
});

describe('adopting cdk8s-netpol next to cdk8s-plus: nothing breaks silently', () => {
  test('a zero-trust namespace under one-sided cdk8s-plus flows fails synthesis, naming both halves', () => {
    const app = Testing.app();
    const [store, jobs] = before(app);
    new ZeroTrustNamespace(store, 'zt', { name: 'store' });
    new ZeroTrustNamespace(jobs, 'zt', { name: 'jobs' });
    NetpolLint.enable(app);
    let message = '';
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    // isolation: POD wrote api's egress only: db's ingress now denies it.
    expect(message).toMatch(/NP014 half-open-flow .*allows egress for store\/api -> store\/db on TCP\/5432, but the destination's ingress is isolated \(by NetworkPolicy store\/store-default-deny\)/);
    // isolation: PEER wrote api's ingress only: worker's egress now denies it.
    expect(message).toMatch(/NP014 half-open-flow .*allows ingress for jobs\/worker -> store\/api on TCP\/8080, but the source's egress is isolated \(by NetworkPolicy jobs\/jobs-default-deny\)/);
  });

  test('the rewrite synthesizes with lint on, and every flow it declares is open', () => {
    const app = Testing.app();
    after(app);
    expect(() => app.synth()).not.toThrow();
    const reach = Reachability.of(app);
    reach.allowsFlow(Peer.prometheus(), Peer.pods({ namespaceName: 'store', pods: PodSelection.labels({ app: 'api' }) }), Port.tcp(9090));
    reach.deniesFlow(Peer.prometheus(), Peer.pods({ namespaceName: 'store', pods: PodSelection.labels({ app: 'db' }) }), Port.tcp(9090));
  });
});
