import * as path from 'path';
import { App } from 'cdk8s';
import { guardedPlatform } from './app';
import { GuardrailRendering, IPeer, Peer, PodSelection, Port, Reachability } from '../../src';
import { ENVIRONMENTS } from '../platform/app';

// Synthesizes the platform example under cluster guardrails, twice: as ClusterNetworkPolicies (dist/guardrails/cnp)
// and as NetworkPolicies for clusters without them (dist/guardrails/netpol); then checks flows on both.
const renderings: [string, GuardrailRendering][] = [
  ['cnp', GuardrailRendering.CLUSTER_NETWORK_POLICY],
  ['netpol', GuardrailRendering.NETWORK_POLICIES],
];
const shopDevApi = Peer.pods({ namespaceName: 'shop-dev', pods: PodSelection.labels({ app: 'api' }) });
const shopProdApi = Peer.pods({ namespaceName: 'shop-prod', pods: PodSelection.labels({ app: 'api' }) });
const checks: [string, IPeer, IPeer, Port][] = [
  ['Prometheus -> shop-prod api metrics', Peer.prometheus(), shopProdApi, Port.named('metrics')],
  ['shop-dev api -> shop-prod api', shopDevApi, shopProdApi, Port.tcp(8080)],
  ['shop-prod api -> cloud metadata', shopProdApi, Peer.cidr('169.254.169.254/32'), Port.tcp(80)],
  ['shop-dev api -> cluster DNS', shopDevApi, Peer.kubeDns(), Port.DNS_UDP],
];
for (const [dir, rendering] of renderings) {
  const outdir = path.join(__dirname, '..', '..', 'dist', 'guardrails', dir);
  const app = new App({ outdir });
  guardedPlatform(app, rendering);
  app.synth();
  console.log(`${rendering}: wrote ${path.relative(process.cwd(), outdir)}/ (${[...ENVIRONMENTS, 'platform-guardrails'].map((c) => `${c}.k8s.yaml`).join(', ')})`);
  const reach = Reachability.of(app);
  for (const [what, from, to, port] of checks) console.log(`  ${reach.isFlowAllowed(from, to, port) ? 'ALLOWED' : 'denied '}  ${what} on ${port}`);
}
