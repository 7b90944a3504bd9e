import { ApiObject, Cron } from 'cdk8s';
import * as kplus28 from 'cdk8s-plus-28';
import * as kplus34 from 'cdk8s-plus-34';
import { Peer, PodSelection, Port, Reachability, Tier, TierAccess, ZeroTrustNamespace } from '../../src';
import { addKubeDns, newChart, policy, synth } from '../util/synth';

/** A Deployment of either major, selecting its pods by `app: <name>`. */
function deployment<T extends kplus28.Deployment | kplus34.Deployment>(
  plus: typeof kplus28 | typeof kplus34, chart: any, name: string, port: number,
): T {
  const d: any = new plus.Deployment(chart, name, {
    metadata: { name },
    select: false,
    podMetadata: { labels: { app: name } },
    containers: [{ name, image: 'img', ports: [{ number: port, name: 'http' }], securityContext: { ensureNonRoot: false } }],
  });
  d.select(plus.LabelSelector.of({ labels: { app: name } }));
  return d;
}

describe('workloads of every cdk8s-plus major, read from what they synthesize', () => {
  test('a cdk8s-plus-28 and a cdk8s-plus-34 Deployment are tiers of one app, without a cast', () => {
    const chart = newChart({ namespace: 'shop' });
    new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
    const web = new Tier(chart, 'web-tier', { name: 'web', pods: PodSelection.workload(deployment(kplus28, chart, 'web', 8080)) });
    const api = new Tier(chart, 'api-tier', { name: 'api', pods: PodSelection.workload(deployment(kplus34, chart, 'api', 8080)) });
    new TierAccess(chart, 'flows', { flows: [{ source: web, destination: api, ports: [Port.named('http')] }] });
    addKubeDns(chart);
    const reach = Reachability.of(chart);

    // Typed: `tsc -p test/tsconfig.json` (CI) proves both majors' classes are accepted as they are.
    const typed28: kplus28.Deployment = deployment(kplus28, chart, 'typed28', 80);
    const typed34: kplus34.Deployment = deployment(kplus34, chart, 'typed34', 80);
    const svc34: kplus34.Service = typed34.exposeViaService({ name: 'typed34' });
    expect(PodSelection.workload(typed28).toString()).toEqual('app=typed28');
    expect(PodSelection.workload(typed34).toString()).toEqual('app=typed34');
    // cdk8s-plus Services select a workload's pods by the address label of its pod template: read as synthesized.
    expect(PodSelection.service(svc34).toString()).toMatch(/^cdk8s.io\/metadata.addr=test-typed34-/);
    expect(policy(chart, 'api-flows').spec.podSelector).toEqual({ matchLabels: { app: 'api' } });
    reach.allows('shop/web', 'shop/api', Port.tcp(8080));
    reach.allowsFlow(web, api, Port.named('http'));
    reach.denies('shop/api', 'shop/web', Port.tcp(8080));
    reach.denies('shop/web', 'shop/api', Port.tcp(8081));
  });

  test.each([
    ['Job', (c: any) => new kplus34.Job(c, 'job', { containers: [{ image: 'img' }] })],
    ['CronJob', (c: any) => new kplus34.CronJob(c, 'cron', { schedule: Cron.daily(), containers: [{ image: 'img' }] })],
    ['StatefulSet', (c: any) => new kplus28.StatefulSet(c, 'db', { containers: [{ image: 'img' }], service: new kplus28.Service(c, 'db-svc', { ports: [{ port: 5432 }] }) })],
    ['Pod', (c: any) => new kplus34.Pod(c, 'pod', { containers: [{ image: 'img' }] })],
  ])('a cdk8s-plus %s is selected by the labels its pods carry', (_kind, build) => {
    const chart = newChart({ namespace: 'shop' });
    new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
    const workload = build(chart);
    const tier = new Tier(chart, 'tier', { name: 'batch', pods: PodSelection.workload(workload) });
    new TierAccess(chart, 'flows', { flows: [{ source: tier, destination: Peer.cidr('203.0.113.0/24'), ports: [Port.tcp(443)] }] });
    const selector = policy(chart, 'batch-flows').spec.podSelector.matchLabels;
    const json = ApiObject.of(workload).toJson();
    const podLabels = json.spec?.jobTemplate?.spec?.template?.metadata?.labels ?? json.spec?.template?.metadata?.labels ?? json.metadata.labels;
    expect(Object.keys(selector).length).toBeGreaterThan(0);
    for (const [k, v] of Object.entries(selector)) expect(podLabels[k]).toEqual(v);
    Reachability.of(chart).allowsFlow(tier, Peer.cidr('203.0.113.0/24'), Port.tcp(443));
  });

  test('a plain ApiObject Deployment works like a cdk8s-plus one', () => {
    const chart = newChart({ namespace: 'shop' });
    new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
    const raw = new ApiObject(chart, 'raw', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'raw' },
      spec: { selector: { matchLabels: { app: 'raw' } }, template: { metadata: { labels: { app: 'raw' } }, spec: { containers: [{ name: 'c', image: 'img' }] } } },
    });
    const tier = new Tier(chart, 'raw-tier', { name: 'raw', pods: PodSelection.workload(raw) });
    new TierAccess(chart, 'flows', { flows: [{ source: Peer.ingressController(), destination: tier, ports: [Port.tcp(80)] }] });
    expect(policy(chart, 'raw-flows').spec.podSelector).toEqual({ matchLabels: { app: 'raw' } });
    Reachability.of(chart).allowsFlow(Peer.ingressController(), tier, Port.tcp(80));
  });

  test.each([['28', kplus28], ['34', kplus34]])('cdk8s-plus-%s Pods.select with one namespace name is a tier in that namespace', (_v, plus: any) => {
    const chart = newChart({ namespace: 'shop' });
    new ZeroTrustNamespace(chart, 'ns', { name: 'monitoring' });
    const pods = plus.Pods.select(chart, 'grafana-pods', {
      labels: { app: 'grafana' },
      namespaces: plus.Namespaces.select(chart, 'monitoring-ns', { names: ['monitoring'] }),
    });
    const tier = new Tier(chart, 'grafana', { pods: PodSelection.workload(pods) });
    new TierAccess(chart, 'flows', { flows: [{ source: tier, destination: Peer.cidr('198.51.100.0/24'), ports: [Port.tcp(443)] }] });
    const p = synth(chart).find((o) => o.metadata?.name === 'grafana-flows');
    expect(p.metadata.namespace).toEqual('monitoring');
    expect(p.spec.podSelector).toEqual({ matchLabels: { app: 'grafana' } });
  });

  test('Pods.select across several namespaces is refused with a fix that fits', () => {
    const chart = newChart({ namespace: 'shop' });
    const pods = kplus28.Pods.select(chart, 'pods', { labels: { app: 'x' }, namespaces: kplus28.Namespaces.select(chart, 'nss', { names: ['a', 'b'] }) });
    expect(() => new Tier(chart, 'tier', { pods: PodSelection.workload(pods) })).toThrow(
      /\[test\/tier\] test\/pods selects pods in several namespaces \(a, b\).*one Tier per namespace.*Peer\.pods/,
    );
  });

  test('a construct that synthesizes no pods is refused', () => {
    const chart = newChart({ namespace: 'shop' });
    const cm = new kplus34.ConfigMap(chart, 'cm', { data: { a: 'b' } });
    expect(() => new Tier(chart, 'tier', { pods: PodSelection.workload(cm) })).toThrow(/test\/cm is a ConfigMap, which has no pods/);
  });
});
