// The jest test the README shows ("Verify flows without a cluster"), as written there: it must keep passing.
import { App, Chart } from 'cdk8s';
import { Peer, Port, Reachability, Tier, TierAccess, ZeroTrustNamespace, PodSelection } from '../../src';

test('frontend reaches backend on 80, nothing else', () => {
  const app = new App();
  const chart = new Chart(app, 'shop', { namespace: 'shop' });
  new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
  const web = new Tier(chart, 'web', { pods: PodSelection.labels({ app: 'web' }) });
  const api = new Tier(chart, 'api', { pods: PodSelection.labels({ app: 'api' }) });
  new TierAccess(chart, 'flows', { flows: [{ source: web, destination: api, ports: [Port.tcp(80)] }] });

  const reach = Reachability.of(app);
  // Tiers and Peers as the ends: the charts hold no pods, so each end stands for a pod its selector picks.
  reach.allowsFlow(web, api, Port.tcp(80));
  reach.deniesFlow(web, api, Port.tcp(81));
  reach.deniesFlow(api, web, Port.tcp(80));
  reach.deniesFlow(Peer.namespaceNamed('other'), api, Port.tcp(80));
});
