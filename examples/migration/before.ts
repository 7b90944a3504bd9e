import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';

/**
 * BEFORE: a shop written with cdk8s-plus's own network policy support, as many cdk8s apps are today.
 *
 * - `store`: web -> api on 8080 (both sides, the default), api -> db on 5432 with `isolation: POD` (api's egress only),
 *   api -> a payment API outside the cluster with a hand-built `kplus.NetworkPolicy` and an ipBlock.
 * - `jobs`: worker -> api on 8080 with `isolation: PEER` (api's ingress only).
 * - Prometheus in `monitoring` scrapes api on 9090, through `Pods.select` + `Namespaces.select` (both sides: cdk8s-plus
 *   then isolates Prometheus's egress, in a namespace the app does not own).
 *
 * No namespace has a default-deny, and cdk8s-plus writes one policy per call.
 */
export function before(app: App): Chart[] {
  const store = new Chart(app, 'store', { namespace: 'store' });
  const jobs = new Chart(app, 'jobs', { namespace: 'jobs' });

  const web = deployment(store, 'web', 8080);
  const api = deployment(store, 'api', 8080);
  const db = deployment(store, 'db', 5432);
  const worker = deployment(jobs, 'worker', 9000);

  web.connections.allowTo(api, { ports: [kplus.NetworkPolicyPort.tcp(8080)] });
  api.connections.allowTo(db, { ports: [kplus.NetworkPolicyPort.tcp(5432)], isolation: kplus.PodConnectionsIsolation.POD });
  worker.connections.allowTo(api, { ports: [kplus.NetworkPolicyPort.tcp(8080)], isolation: kplus.PodConnectionsIsolation.PEER });

  const prometheus = kplus.Pods.select(store, 'prometheus', {
    labels: { 'app.kubernetes.io/name': 'prometheus' },
    namespaces: kplus.Namespaces.select(store, 'monitoring', { names: ['monitoring'] }),
  });
  // Both sides, the default: cdk8s-plus also writes an egress policy that selects the Prometheus pods in monitoring.
  api.connections.allowFrom(prometheus, { ports: [kplus.NetworkPolicyPort.tcp(9090)] });

  new kplus.NetworkPolicy(store, 'api-payments', {
    selector: api,
    egress: {
      rules: [{ peer: kplus.NetworkPolicyIpBlock.ipv4(store, 'payments', '198.51.100.0/24'), ports: [kplus.NetworkPolicyPort.tcp(443)] }],
    },
  });
  return [store, jobs];
}

/** A Deployment whose pods carry and are selected by `app: <name>`, serving `port` and `metrics` on 9090. */
export function deployment(chart: Chart, name: string, port: number): kplus.Deployment {
  const d = new kplus.Deployment(chart, name, {
    metadata: { name },
    select: false,
    podMetadata: { labels: { app: name } },
    containers: [{
      name,
      image: `ghcr.io/example/${name}:1.0.0`,
      ports: [{ number: port, name: 'serving' }, { number: 9090, name: 'metrics' }],
      securityContext: { ensureNonRoot: false },
    }],
  });
  d.select(kplus.LabelSelector.of({ labels: { app: name } }));
  return d;
}
