import { ApiObject, App, Chart } from 'cdk8s';
import { Peer, PodSelection, Port, Reachability, Tier, TierAccess, ZeroTrustNamespace } from '../../src';
import { KIND_VERSIONS } from '../../src/manifests/objects';
import { WORKLOAD_KINDS } from '../../src/private/k8s';

/** Issue 20 §3.6 and §3.7: one table of workload kinds, and operator pods under the operator's names. */
describe('workload kinds', () => {
  test('the manifest reader serves every workload kind of the table, under its group/version', () => {
    for (const [kind, w] of WORKLOAD_KINDS) expect([kind, KIND_VERSIONS.get(kind)]).toEqual([kind, w.apiVersion]);
  });

  test('a ReplicationController is a Tier that renders a policy, and an endpoint the engine knows', () => {
    const app = new App();
    const chart = new Chart(app, 'legacy', { namespace: 'legacy' });
    new ZeroTrustNamespace(chart, 'ns', { name: 'legacy' });
    const rc = new ApiObject(chart, 'rc', {
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { name: 'old-web' },
      spec: { replicas: 2, selector: { app: 'old-web' }, template: { metadata: { labels: { app: 'old-web', v: '1' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } } },
    });
    const web = new Tier(chart, 'web', { pods: PodSelection.workload(rc) });
    new TierAccess(chart, 'flows', { flows: [{ source: Peer.ingressController(), destination: web, ports: [Port.tcp(80)] }] });
    const policy = chart.toJson().find((o) => o.kind === 'NetworkPolicy' && o.metadata.name !== 'legacy-default-deny');
    // The controller adopts the pods its spec.selector (a plain label map) selects.
    expect(policy.spec.podSelector).toEqual({ matchLabels: { app: 'old-web' } });
    const reach = Reachability.of(app);
    reach.allowsFlow(Peer.ingressController(), web, Port.tcp(80));
    reach.deniesFlow(Peer.ingressController(), web, Port.tcp(81));
    // The workload itself is an endpoint by name (it was "unknown endpoint" when the engine's table lacked the kind).
    reach.allowsFlow(Peer.ingressController(), Peer.pods({ namespaceName: 'legacy', pods: PodSelection.labels({ app: 'old-web' }) }), Port.tcp(80));
    reach.denies('legacy/old-web', 'legacy/old-web', Port.tcp(80));
  });

  test('prometheus-operator pods are endpoints under the StatefulSet names the operator gives them', () => {
    const objects = [
      { apiVersion: 'monitoring.coreos.com/v1', kind: 'Prometheus', metadata: { name: 'k8s', namespace: 'monitoring' }, spec: {} },
      { apiVersion: 'monitoring.coreos.com/v1', kind: 'Alertmanager', metadata: { name: 'main', namespace: 'monitoring' }, spec: {} },
      { apiVersion: 'monitoring.coreos.com/v1', kind: 'ThanosRuler', metadata: { name: 'rules', namespace: 'monitoring' }, spec: {} },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'api', namespace: 'shop', labels: { app: 'api' } }, spec: { containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 8080 }] }] } },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'scrape', namespace: 'shop' },
        spec: {
          podSelector: {},
          policyTypes: ['Ingress'],
          ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }] }],
        },
      },
    ];
    const reach = Reachability.fromObjects(objects);
    reach.allows('monitoring/prometheus-k8s', 'shop/api', Port.tcp(8080));
    reach.denies('monitoring/alertmanager-main', 'shop/api', Port.tcp(8080));
    reach.denies('monitoring/thanos-ruler-rules', 'shop/api', Port.tcp(8080));
    expect(() => reach.allows('monitoring/k8s', 'shop/api', Port.tcp(8080))).toThrow(/unknown endpoint "monitoring\/k8s".*monitoring\/prometheus-k8s/);
  });
});
