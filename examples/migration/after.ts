import { App, Chart } from 'cdk8s';
import { deployment } from './before';
import { NetpolLint, Peer, PodSelection, Port, Tier, TierAccess, ZeroTrustNamespace } from '../../src';

/**
 * AFTER: the same shop with cdk8s-netpol. The workloads stay cdk8s-plus Deployments; their `connections` calls and
 * the hand-built policy become intents. Both namespaces are zero-trust, every declared flow is written on every
 * owned side, Prometheus is a peer (no policy selects it any more), and DNS keeps working.
 */
export function after(app: App): Chart[] {
  const store = new Chart(app, 'store', { namespace: 'store' });
  const jobs = new Chart(app, 'jobs', { namespace: 'jobs' });
  new ZeroTrustNamespace(store, 'namespace', { name: 'store' });
  new ZeroTrustNamespace(jobs, 'namespace', { name: 'jobs' });

  const tier = (chart: Chart, name: string, port: number) =>
    new Tier(chart, `${name}-tier`, { name, pods: PodSelection.workload(deployment(chart, name, port)) });
  const web = tier(store, 'web', 8080);
  const api = tier(store, 'api', 8080);
  const db = tier(store, 'db', 5432);
  const worker = tier(jobs, 'worker', 9000);

  new TierAccess(store, 'flows', {
    flows: [
      { source: web, destination: api, ports: [Port.tcp(8080)] },
      { source: api, destination: db, ports: [Port.tcp(5432)] },
      { source: worker, destination: api, ports: [Port.tcp(8080)] },
      { source: Peer.prometheus(), destination: api, ports: [Port.tcp(9090)] },
      { source: api, destination: Peer.cidr('198.51.100.0/24'), ports: [Port.tcp(443)] },
    ],
  });
  NetpolLint.enable(app);
  return [store, jobs];
}
