import { ApiObject, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Isolation, Peer, PodSelection, Port, Reachability, Tier, TierAccess, ZeroTrustNamespace } from '../../src';
import { addKubeDns, addPod, newChart, ofKind, policy, synth, toYaml } from '../util/synth';

function workloads(chart: Chart) {
  new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
  const web = new kplus.Deployment(chart, 'web', {
    metadata: { name: 'web' },
    select: false,
    podMetadata: { labels: { app: 'web' } },
    containers: [{ name: 'web', image: 'img', ports: [{ number: 8080 }], securityContext: { ensureNonRoot: false } }],
  });
  web.select(kplus.LabelSelector.of({ labels: { app: 'web' } }));
  const api = new kplus.Deployment(chart, 'api', {
    metadata: { name: 'api' },
    select: false,
    podMetadata: { labels: { app: 'api' } },
    containers: [{ name: 'api', image: 'img', ports: [{ number: 8080 }, { number: 9090, name: 'metrics' }], securityContext: { ensureNonRoot: false } }],
  });
  api.select(kplus.LabelSelector.of({ labels: { app: 'api' } }));
  return { web, api };
}

const partner = Peer.pods({ namespaceName: 'partner', pods: PodSelection.labels({ app: 'client' }) });

/** The flows as a table: a Tier per workload (with an id of its own) and a TierAccess. */
function asTable(chart: Chart): void {
  const { web: webDeployment, api: apiDeployment } = workloads(chart);
  const web = new Tier(chart, 'web-tier', { name: 'web', pods: PodSelection.workload(webDeployment) });
  const api = new Tier(chart, 'api-tier', { name: 'api', pods: PodSelection.workload(apiDeployment) });
  new TierAccess(chart, 'flows', {
    flows: [
      { source: Peer.ingressController(), destination: web, ports: [Port.tcp(8080)] },
      { source: web, destination: api, ports: [Port.tcp(8080)] },
      { source: partner, destination: api, ports: [Port.tcp(8080), Port.tcp(8443)] },
      { source: Peer.prometheus(), destination: api, ports: [Port.named('metrics')] },
      { source: api, destination: Peer.cidr('198.51.100.0/24'), ports: [Port.tcp(443)] },
    ],
  });
}

/** The same flows on the tiers themselves, declared in another order. */
function onTiers(chart: Chart): { web: Tier; api: Tier } {
  const { web: webDeployment, api: apiDeployment } = workloads(chart);
  const api = Tier.of(apiDeployment);
  api.allowTo(Peer.cidr('198.51.100.0/24'), Port.tcp(443));
  api.allowFrom(Peer.prometheus(), Port.named('metrics'));
  api.allowFrom(partner, Port.tcp(8443), Port.tcp(8080));
  const web = Tier.of(webDeployment);
  web.allowTo(api, Port.tcp(8080));
  web.allowFrom(Peer.ingressController(), Port.tcp(8080));
  return { web, api };
}

describe('Tier.allowFrom / allowTo and Tier.of: flows as aws-cdk users write them', () => {
  test('the table and the flows on the tiers give byte-identical YAML', () => {
    const table = newChart({ namespace: 'shop' });
    asTable(table);
    const tiers = newChart({ namespace: 'shop' });
    onTiers(tiers);
    const yaml = toYaml(tiers);
    expect(yaml).toEqual(toYaml(table));
    expect(ofKind(tiers, 'NetworkPolicy').map((o) => o.metadata.name).sort()).toEqual(['api-flows', 'shop-default-deny', 'web-flows']);
  });

  test('they mean the declared flows and nothing else, including for pods the app does not own', () => {
    const chart = newChart({ namespace: 'shop' });
    const { web, api } = onTiers(chart);
    // Pods the app does not own, as the cluster has them.
    addPod(chart, 'ingress-nginx', 'controller', { 'app.kubernetes.io/name': 'ingress-nginx' });
    addPod(chart, 'monitoring', 'prometheus', { 'app.kubernetes.io/name': 'prometheus' });
    addPod(chart, 'partner', 'client', { app: 'client' });
    addPod(chart, 'partner', 'other', { app: 'other' });
    addKubeDns(chart);
    const reach = Reachability.of(chart);

    reach.allowsFlow(Peer.ingressController(), web, Port.tcp(8080));
    reach.allowsFlow(web, api, Port.tcp(8080));
    reach.allowsFlow(partner, api, Port.tcp(8443));
    reach.allows('partner/client', 'shop/api', Port.tcp(8080));
    reach.allows('monitoring/prometheus', 'shop/api', Port.tcp(9090));
    reach.allowsFlow(api, Peer.cidr('198.51.100.7/32'), Port.tcp(443));
    reach.allowsFlow(web, Peer.kubeDns(), Port.DNS_UDP);

    reach.denies('partner/other', 'shop/api', Port.tcp(8080));
    reach.denies('ingress-nginx/controller', 'shop/api', Port.tcp(8080));
    reach.denies('monitoring/prometheus', 'shop/web', Port.tcp(9090));
    reach.deniesFlow(api, web, Port.tcp(8080));
    reach.deniesFlow(web, api, Port.tcp(8081));
    reach.deniesFlow(web, Peer.cidr('198.51.100.7/32'), Port.tcp(443));
    reach.deniesFlow(api, Peer.cidr('198.51.101.7/32'), Port.tcp(443));
  });

  test('Tier.of creates the tier under the workload, once: a second call returns it', () => {
    const chart = newChart({ namespace: 'shop' });
    const { web } = workloads(chart);
    const tier = Tier.of(web);
    expect(Tier.of(web)).toBe(tier);
    expect(Tier.of(web, { name: 'web', isolation: Isolation.NAMESPACE, namespaceName: 'shop' })).toBe(tier);
    expect(tier.node.path).toBe('test/web/NetpolTier');
    expect([tier.tierName, tier.namespaceName]).toEqual(['web', 'shop']);
    expect(() => Tier.of(web, { name: 'frontend' })).toThrow(
      '[test/web/NetpolTier] Tier.of() was called again with other options (name "frontend", but the tier has "web"). Fix: give the options on the first call only: later calls return the same tier',
    );
  });

  test('Tier.of takes a name, and a Service, whose target ports are the default ports of flows to it', () => {
    const chart = newChart({ namespace: 'shop' });
    const { web, api } = workloads(chart);
    const service = api.exposeViaService({ name: 'api', ports: [{ port: 80, targetPort: 8080 }] });
    expect(() => Tier.of(service)).toThrow(
      '[test/api/apiService] Tier.of(): the construct id "apiService" is not a DNS label, so it cannot name the tier and its policy. Fix: give a name: Tier.of(x, { name: \'api-service\' })',
    );
    const frontend = Tier.of(web, { name: 'frontend' });
    Tier.of(service, { name: 'api' }).allowFrom(frontend);
    frontend.allowTo(Tier.of(service));
    expect(policy(chart, 'frontend-flows').spec.egress[0].ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
    expect(policy(chart, 'api-flows').spec.ingress).toEqual([
      { from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 8080, protocol: 'TCP' }] },
    ]);
  });

  test('flows on a tier and in a TierAccess end in the same policy', () => {
    const chart = newChart({ namespace: 'shop' });
    new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
    const web = new Tier(chart, 'web', { pods: PodSelection.labels({ app: 'web' }) });
    const api = new Tier(chart, 'api', { pods: PodSelection.labels({ app: 'api' }) });
    api.allowFrom(web, Port.tcp(8080));
    new TierAccess(chart, 'flows', { flows: [{ source: web, destination: api, ports: [Port.tcp(9090)] }] });
    expect(policy(chart, 'api-flows').spec.ingress).toEqual([
      { from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 8080, protocol: 'TCP' }, { port: 9090, protocol: 'TCP' }] },
    ]);
  });

  test('a wrong flow is refused where it is declared, naming the tier', () => {
    const chart = newChart({ namespace: 'shop' });
    const web = new Tier(chart, 'web', { pods: PodSelection.labels({ app: 'web' }) });
    expect(() => web.allowFrom(Peer.ingressController())).toThrow(
      '[test/web] allowFrom #1 (ingress controller ingress-nginx/app.kubernetes.io/name=ingress-nginx -> tier shop/web) has no ports',
    );
    expect(() => web.allowTo(Peer.cidr('203.0.113.0/24'), Port.named('https'))).toThrow(/\[test\/web\] allowTo #1 .* a named port is resolved on destination pods/);
    expect(() => web.allowTo('api' as any, Port.tcp(80))).toThrow(/\[test\/web\] allowTo #1 .*"api" is not a peer/);
  });

  test('a flow added after synthesis is refused, on a tier as in a TierAccess, instead of being lost', () => {
    const chart = newChart({ namespace: 'shop' });
    new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
    const web = new Tier(chart, 'web', { pods: PodSelection.labels({ app: 'web' }) });
    const access = new TierAccess(chart, 'flows');
    synth(chart);
    expect(() => web.allowTo(Peer.cidr('203.0.113.0/24'), Port.tcp(443))).toThrow('[test/web] intents were added after the app was synthesized, so they would be lost');
    expect(() => access.addFlow({ source: web, destination: Peer.cidr('203.0.113.0/24'), ports: [Port.tcp(443)] })).toThrow('[test/flows] intents were added after the app was synthesized');
  });

  test('Tier.of refuses what is not a construct', () => {
    expect(() => Tier.of('web' as any)).toThrow('Tier.of("web"): not a construct');
    const chart = newChart({ namespace: 'shop' });
    const config = new ApiObject(chart, 'config', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'config' } });
    expect(() => Tier.of(config)).toThrow(/is a ConfigMap, which has no pods/);
  });
});
