import { App, Testing } from 'cdk8s';
import { ENVIRONMENTS, platform, ShopEnvironment } from '../../examples/platform/app';
import { IPeer, NetpolLint, Peer, PodSelection, Port, Reachability } from '../../src';
import { schemaProblems } from '../util/synth';

/** The platform example, synthesized once: three zero-trust environments, ingress-nginx and Prometheus as peers. */
const app: App = Testing.app();
const charts = platform(app);
const objects = charts.flatMap((c) => c.toJson());
const reach = Reachability.of(app);
const env = (name: string): ShopEnvironment => charts[ENVIRONMENTS.indexOf(name)];
const tier = (e: string, name: string): IPeer => env(e).tiers.get(name)!;

describe('platform example', () => {
  test.each(ENVIRONMENTS)('%s: the declared flows are allowed', (e) => {
    reach.allowsFlow(tier(e, 'web'), tier(e, 'api'), Port.tcp(8080));
    reach.allowsFlow(tier(e, 'api'), tier(e, 'postgres'), Port.tcp(5432));
    reach.allowsFlow(Peer.ingressController(), tier(e, 'web'), Port.tcp(8080));
    for (const name of ['web', 'api', 'postgres']) {
      reach.allowsFlow(Peer.prometheus(), tier(e, name), Port.named('metrics'));
      reach.allowsFlow(Peer.prometheus(), tier(e, name), Port.tcp(9090));
      reach.allowsFlow(tier(e, name), Peer.kubeDns(), Port.DNS_UDP);
      reach.allowsFlow(tier(e, name), Peer.kubeDns(), Port.DNS_TCP);
    }
  });

  test.each(ENVIRONMENTS)('%s: wrong ports, skipped tiers and the ingress controller beyond web are denied', (e) => {
    reach.deniesFlow(tier(e, 'web'), tier(e, 'api'), Port.tcp(8081));
    reach.deniesFlow(tier(e, 'web'), tier(e, 'api'), Port.udp(8080));
    reach.deniesFlow(tier(e, 'web'), tier(e, 'postgres'), Port.tcp(5432));
    reach.deniesFlow(tier(e, 'api'), tier(e, 'web'), Port.tcp(8080));
    reach.deniesFlow(Peer.ingressController(), tier(e, 'api'), Port.tcp(8080));
    reach.deniesFlow(Peer.ingressController(), tier(e, 'postgres'), Port.tcp(5432));
    reach.deniesFlow(Peer.prometheus(), tier(e, 'web'), Port.tcp(8080));
    reach.deniesFlow(tier(e, 'web'), Peer.kubeDns(), Port.tcp(80));
  });

  test('the environments cannot reach each other', () => {
    for (const a of ENVIRONMENTS) {
      for (const b of ENVIRONMENTS) {
        if (a === b) continue;
        reach.deniesFlow(tier(a, 'web'), tier(b, 'api'), Port.tcp(8080));
        reach.deniesFlow(tier(a, 'api'), tier(b, 'postgres'), Port.tcp(5432));
        reach.deniesFlow(tier(a, 'api'), tier(b, 'web'), Port.named('metrics'));
      }
    }
  });

  test('lookalike pods are denied: the right labels in the wrong namespace, the wrong labels in the right one', () => {
    const lookalikeController = Peer.pods({ namespaceName: 'default', pods: PodSelection.labels({ 'app.kubernetes.io/name': 'ingress-nginx' }) });
    const otherPodOfTheController = Peer.pods({ namespaceName: 'ingress-nginx', pods: PodSelection.labels({ 'app.kubernetes.io/name': 'cert-manager' }) });
    const lookalikePrometheus = Peer.pods({ namespaceName: 'shop-dev-tools', pods: PodSelection.labels({ 'app.kubernetes.io/name': 'prometheus' }) });
    for (const e of ENVIRONMENTS) {
      reach.deniesFlow(lookalikeController, tier(e, 'web'), Port.tcp(8080));
      reach.deniesFlow(otherPodOfTheController, tier(e, 'web'), Port.tcp(8080));
      reach.deniesFlow(lookalikePrometheus, tier(e, 'api'), Port.named('metrics'));
    }
  });

  test('prod only: api reaches the payment API and no other external address', () => {
    reach.allowsFlow(tier('shop-prod', 'api'), Peer.cidr('198.51.100.0/24'), Port.tcp(443));
    reach.deniesFlow(tier('shop-prod', 'api'), Peer.cidr('198.51.100.0/24'), Port.tcp(80));
    reach.deniesFlow(tier('shop-prod', 'api'), Peer.cidr('203.0.113.0/24'), Port.tcp(443));
    reach.deniesFlow(tier('shop-prod', 'api'), Peer.anyIpv4(), Port.tcp(443));
    reach.deniesFlow(tier('shop-prod', 'web'), Peer.cidr('198.51.100.0/24'), Port.tcp(443));
    reach.deniesFlow(tier('shop-prod', 'postgres'), Peer.cidr('198.51.100.0/24'), Port.tcp(443));
    for (const e of ['shop-dev', 'shop-staging']) reach.deniesFlow(tier(e, 'api'), Peer.cidr('198.51.100.0/24'), Port.tcp(443));
  });

  test('prod only: web accepts the load balancer range on 8080, nothing else from outside', () => {
    reach.allowsFlow(Peer.cidr('192.0.2.0/24'), tier('shop-prod', 'web'), Port.tcp(8080));
    reach.deniesFlow(Peer.cidr('192.0.2.0/24'), tier('shop-prod', 'web'), Port.tcp(9090));
    reach.deniesFlow(Peer.cidr('192.0.2.0/24'), tier('shop-prod', 'api'), Port.tcp(8080));
    reach.deniesFlow(Peer.cidr('203.0.113.0/24'), tier('shop-prod', 'web'), Port.tcp(8080));
    for (const e of ['shop-dev', 'shop-staging']) reach.deniesFlow(Peer.cidr('192.0.2.0/24'), tier(e, 'web'), Port.tcp(8080));
  });

  test('prod only: the report CronJob reads postgres, and nothing else', () => {
    const report = tier('shop-prod', 'report');
    reach.allowsFlow(report, tier('shop-prod', 'postgres'), Port.tcp(5432));
    reach.allowsFlow(report, Peer.kubeDns(), Port.DNS_UDP);
    reach.deniesFlow(report, tier('shop-prod', 'api'), Port.tcp(8080));
    reach.deniesFlow(report, Peer.cidr('198.51.100.0/24'), Port.tcp(443));
    reach.deniesFlow(tier('shop-prod', 'web'), report, Port.tcp(8080));
    expect(env('shop-dev').tiers.has('report')).toBe(false);
  });

  test('the platform components keep every connection they had: no policy selects them', () => {
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
    const namespaces = [...new Set(objects.map((o) => o.metadata.namespace ?? o.metadata.name))].sort();
    expect(namespaces).toEqual(['shop-dev', 'shop-prod', 'shop-staging']);
    expect(policies.every((p) => ENVIRONMENTS.includes(p.metadata.namespace))).toBe(true);
    // The controller and Prometheus reach whatever they reach without the app, e.g. each other and the internet.
    reach.allowsFlow(Peer.ingressController(), Peer.prometheus(), Port.tcp(9090));
    reach.allowsFlow(Peer.prometheus(), Peer.anyIpv4(), Port.tcp(443));
    reach.allowsFlow(Peer.ingressController(), Peer.kubernetesApi(['10.0.0.1/32']), Port.tcp(443));
  });

  test('each environment emits one policy per tier with flows, plus the default-deny and the namespace-wide scrape', () => {
    const names = (e: string) => objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === e).map((o) => o.metadata.name).sort();
    expect(names('shop-dev')).toEqual(['api-flows', 'postgres-flows', 'shop-dev-all-pods', 'shop-dev-default-deny', 'web-flows']);
    expect(names('shop-prod')).toEqual(['api-flows', 'postgres-flows', 'report-flows', 'shop-prod-all-pods', 'shop-prod-default-deny', 'web-flows']);
  });

  test('the output is valid, lint-clean and deterministic', () => {
    expect(schemaProblems(objects)).toEqual([]);
    expect(charts.flatMap((c) => NetpolLint.check(c)).filter((f) => f.severity === 'error')).toEqual([]);
    const again = platform(Testing.app()).flatMap((c) => c.toJson());
    expect(JSON.stringify(again)).toEqual(JSON.stringify(objects));
  });
});
