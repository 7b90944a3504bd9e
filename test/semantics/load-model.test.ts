import { loadCluster } from '../../src/semantics/load';

const load = (objects: any[]) => loadCluster(objects.map((object, i) => ({ object, source: `objects[${i}]` })));

const deployment = (name: string, spec: any = {}, podSpec: any = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'shop' },
  spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c' }], ...podSpec } }, ...spec },
});

describe('the loader reads what the analyses need beyond policies', () => {
  test('Services: selector, ports, targetPort defaulted to port, numeric and named', () => {
    const { cluster, problems } = load([{
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }, { name: 'metrics', port: 9090, targetPort: 'metrics' }, { port: 53, protocol: 'UDP' }] },
    }, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'external', namespace: 'shop' }, spec: { type: 'ExternalName', externalName: 'example.com' } }]);
    expect(problems).toEqual([]);
    expect(cluster.services.map((s) => s.id)).toEqual(['shop/external', 'shop/web']);
    const web = cluster.services[1];
    expect([...web.selector!]).toEqual([['app', 'web']]);
    expect(web.type).toBe('ClusterIP');
    expect(web.ports).toEqual([
      { port: 80, protocol: 'TCP', targetPort: 8080 },
      { name: 'metrics', port: 9090, protocol: 'TCP', targetPort: 'metrics' },
      { port: 53, protocol: 'UDP', targetPort: 53 },
    ]);
    expect(cluster.services[0].selector).toBeUndefined();
  });

  test('a Service targetPort that is neither a number nor a port name is rejected with its field path', () => {
    const { problems } = load([{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { ports: [{ port: 80, targetPort: '8080' }] } }]);
    expect(problems.map((p) => `${p.object}: ${p.path}`)).toEqual(['Service shop/web: spec.ports[0].targetPort']);
  });

  test('host network and replica counts, with the API server defaults', () => {
    const { cluster } = load([
      deployment('one'),
      deployment('three', { replicas: 3 }),
      deployment('host', {}, { hostNetwork: true }),
      { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'shop' }, spec: { template: { metadata: { labels: { app: 'agent' } }, spec: { hostNetwork: true, containers: [{ name: 'c' }] } } } },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pod', namespace: 'shop' }, spec: { containers: [{ name: 'c' }] } },
    ]);
    const byName = new Map(cluster.endpoints.map((e) => [e.name, e]));
    expect(byName.get('one')!.replicas).toBe(1);
    expect(byName.get('three')!.replicas).toBe(3);
    expect(byName.get('agent')!.replicas).toBe(Infinity);
    expect(byName.get('pod')!.replicas).toBe(1);
    expect(byName.get('host')!.hostNetwork).toBe(true);
    expect(byName.get('agent')!.hostNetwork).toBe(true);
    expect(byName.get('one')!.hostNetwork).toBe(false);
  });

  test('prometheus-operator resources stand for their pods: operator labels, podMetadata labels, named ports, replicas', () => {
    const { cluster, problems } = load([
      {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'Prometheus',
        metadata: { name: 'k8s', namespace: 'monitoring' },
        spec: { replicas: 2, podMetadata: { labels: { 'app.kubernetes.io/component': 'prometheus' } } },
      },
      { apiVersion: 'monitoring.coreos.com/v1', kind: 'Alertmanager', metadata: { name: 'main', namespace: 'monitoring' }, spec: {} },
      { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'sm', namespace: 'monitoring' }, spec: {} },
      { apiVersion: 'kafka.strimzi.io/v1beta2', kind: 'Kafka', metadata: { name: 'events', namespace: 'data' }, spec: {} },
      { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace: 'data' }, spec: {} },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'data' } },
    ]);
    expect(problems).toEqual([]);
    // Named as the operator names its StatefulSet (issue 20: `explain --from monitoring/prometheus-k8s` was unknown).
    const prometheus = cluster.endpoints.find((e) => e.id === 'monitoring/prometheus-k8s')!;
    expect(prometheus.kind).toBe('Prometheus');
    expect(Object.fromEntries(prometheus.labels)).toEqual({
      'app.kubernetes.io/name': 'prometheus',
      'app.kubernetes.io/instance': 'k8s',
      'app.kubernetes.io/managed-by': 'prometheus-operator',
      'app.kubernetes.io/component': 'prometheus',
      'prometheus': 'k8s',
      'operator.prometheus.io/name': 'k8s',
    });
    expect(prometheus.ports.find((p) => p.name === 'web')!.port).toBe(9090);
    expect(prometheus.replicas).toBe(2);
    const alertmanager = cluster.endpoints.find((e) => e.id === 'monitoring/alertmanager-main')!;
    expect(cluster.endpoints.map((e) => e.id)).not.toContain('monitoring/k8s');
    expect(alertmanager.labels.get('alertmanager')).toBe('main');
    expect(alertmanager.ports.map((p) => `${p.protocol}/${p.port}`)).toContain('UDP/9094');
    // Only resources that may make pods are remembered: not ServiceMonitors, Ingresses or ConfigMaps.
    expect(cluster.customResources).toEqual([{ kind: 'Kafka', namespace: 'data', name: 'events' }]);
  });
});
