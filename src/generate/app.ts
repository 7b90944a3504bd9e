/**
 * The constructs of a plan, built in this process: what the rendered main.ts builds when it runs (test/generate pins
 * that the two synthesize byte-identical YAML), so the command can replay the flows against its own output.
 */
import { App, Chart } from 'cdk8s';
import { Plan, PlanEnd, PlanPort } from './plan';
import { Tier } from '../constructs/tier';
import { TierAccess } from '../constructs/tier-access';
import { ZeroTrustNamespace } from '../constructs/zero-trust-namespace';
import { IPeer, Peer } from '../model/peer';
import { Port, Protocol } from '../model/port';
import { PodSelection } from '../model/selection';

function port(p: PlanPort): Port {
  if (p.name !== undefined) return p.protocol === 'TCP' ? Port.named(p.name) : Port.named(p.name, p.protocol as Protocol);
  return p.protocol === 'TCP' ? Port.tcp(p.port) : p.protocol === 'UDP' ? Port.udp(p.port) : Port.sctp(p.port);
}

export function buildApp(plan: Plan, app: App = new App()): App {
  const tiers = new Map<string, Tier>();
  const end = (e: PlanEnd): IPeer => {
    if ('tier' in e) return tiers.get(e.tier.variable)!;
    if ('pods' in e) return Peer.pods({ namespaceName: e.pods.namespace, pods: PodSelection.labels({ ...e.pods.labels }) });
    if ('preset' in e) return e.preset === 'kubeDns' ? Peer.kubeDns() : e.preset === 'ingressController' ? Peer.ingressController() : Peer.prometheus();
    return Peer.cidr(e.cidr);
  };
  const charts = new Map<string, Chart>();
  for (const ns of plan.namespaces) {
    const chart = new Chart(app, ns, { namespace: ns });
    charts.set(ns, chart);
    new ZeroTrustNamespace(chart, 'namespace', { name: ns });
    for (const t of plan.tiers.filter((x) => x.namespace === ns)) {
      tiers.set(t.variable, new Tier(chart, t.id, { pods: PodSelection.labels({ ...t.labels }) }));
    }
  }
  for (const ns of plan.namespaces) {
    const flows = plan.flows.filter((f) => f.chart === ns);
    if (flows.length > 0) {
      new TierAccess(charts.get(ns)!, 'flows', { flows: flows.map((f) => ({ source: end(f.source), destination: end(f.destination), ports: f.ports.map(port) })) });
    }
  }
  return app;
}
