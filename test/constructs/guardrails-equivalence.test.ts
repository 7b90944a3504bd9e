import { ApiObject, Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { ClusterGuardrails, GuardrailRendering, IPeer, Peer, PodSelection, Port, Reachability, Tier, TierAccess, ZeroTrustNamespace } from '../../src';
import { addPod } from '../util/synth';

/**
 * The law of the NetworkPolicy rendering: on random apps (namespaces with random env labels, zero-trust or not,
 * tiers and flows, random denies and always-allows), either the NetworkPolicy rendering refuses the intent, or it
 * gives every pair of pods of the namespaces the app knows (and of the platform namespaces) the verdict the
 * ClusterNetworkPolicy rendering gives, on every port checked. And the ClusterNetworkPolicy rendering is valid (the
 * engine loads it through the CRD validation) and denies every denied flow, and allows every always-allowed one.
 */

const NAMESPACES = ['n1', 'n2', 'n3'];
const ENVS = ['dev', 'prod', 'staging'];
const PORTS = [Port.tcp(8080), Port.tcp(9090), Port.named('metrics'), Port.udp(53)];

type EndKind = { kind: 'env'; env: number } | { kind: 'named'; ns: number } | { kind: 'prometheus' } | { kind: 'all' } | { kind: 'appPods'; ns: number; app: number };

interface Scenario {
  readonly envs: number[];
  readonly zeroTrust: boolean[];
  readonly flows: { tierFrom: number; tierTo: number; port: number }[];
  readonly prometheusScrapes: boolean;
  /** A tier's egress to the internet: none, all of it, or all but the link-local range. */
  readonly internet?: boolean;
  readonly denies: { source: EndKind; destination: EndKind; port?: number }[];
  readonly accepts: { source: EndKind; destination: EndKind; port: number }[];
}

const end: fc.Arbitrary<EndKind> = fc.oneof(
  fc.integer({ min: 0, max: ENVS.length - 1 }).map((env): EndKind => ({ kind: 'env', env })),
  fc.integer({ min: 0, max: NAMESPACES.length - 1 }).map((ns): EndKind => ({ kind: 'named', ns })),
  fc.constant<EndKind>({ kind: 'prometheus' }),
  fc.constant<EndKind>({ kind: 'all' }),
  fc.record({ ns: fc.integer({ min: 0, max: NAMESPACES.length - 1 }), app: fc.integer({ min: 0, max: 1 }) }).map(({ ns, app }): EndKind => ({ kind: 'appPods', ns, app })),
);
const portIndex = fc.integer({ min: 0, max: 2 });
const scenarios: fc.Arbitrary<Scenario> = fc.record({
  envs: fc.array(fc.integer({ min: 0, max: ENVS.length - 1 }), { minLength: 3, maxLength: 3 }),
  zeroTrust: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
  flows: fc.array(fc.record({ tierFrom: fc.integer({ min: 0, max: 5 }), tierTo: fc.integer({ min: 0, max: 5 }), port: portIndex }), { maxLength: 3 }),
  prometheusScrapes: fc.boolean(),
  internet: fc.option(fc.boolean(), { nil: undefined }),
  denies: fc.array(fc.record({ source: end, destination: end, port: fc.option(portIndex, { nil: undefined }) }), { maxLength: 2 }),
  accepts: fc.array(fc.record({ source: end, destination: end, port: portIndex }), { maxLength: 2 }),
});

function peerOf(e: EndKind): IPeer {
  switch (e.kind) {
    case 'env': return Peer.namespaces({ labels: { env: ENVS[e.env] } });
    case 'named': return Peer.namespaceNamed(NAMESPACES[e.ns]);
    case 'prometheus': return Peer.prometheus();
    case 'all': return Peer.allNamespaces();
    case 'appPods': return Peer.pods({ namespaceName: NAMESPACES[e.ns], pods: PodSelection.labels({ app: `a${e.app}` }) });
  }
}

/** Builds the scenario; returns the engine, or the error message of a refusal. */
function build(s: Scenario, rendering: GuardrailRendering): Reachability | string {
  const app = Testing.app();
  const chart = new Chart(app, 'test');
  const tiers: Tier[] = [];
  NAMESPACES.forEach((ns, i) => {
    const labels = { env: ENVS[s.envs[i]] };
    if (s.zeroTrust[i]) {
      new ZeroTrustNamespace(chart, ns, { name: ns, labels });
      for (const a of [0, 1]) tiers.push(new Tier(chart, `${ns}-a${a}`, { name: `a${a}`, namespaceName: ns, pods: PodSelection.labels({ app: `a${a}` }) }));
    } else {
      new ApiObject(chart, ns, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels } });
    }
    for (const a of [0, 1]) addPod(chart, ns, `a${a}`, { app: `a${a}` }, { ports: [{ name: 'metrics', containerPort: 9090 }] });
  });
  addPod(chart, 'kube-system', 'coredns', { 'k8s-app': 'kube-dns' });
  addPod(chart, 'monitoring', 'prometheus', { 'app.kubernetes.io/name': 'prometheus' });
  const flows = s.flows.filter((f) => f.tierFrom < tiers.length && f.tierTo < tiers.length && f.tierFrom !== f.tierTo)
    .map((f) => ({ source: tiers[f.tierFrom] as IPeer, destination: tiers[f.tierTo] as IPeer, ports: [PORTS[f.port]] }));
  if (s.prometheusScrapes) {
    NAMESPACES.forEach((ns, i) => {
      if (s.zeroTrust[i]) flows.push({ source: Peer.prometheus(), destination: tiers.find((t) => t.namespaceName === ns)!, ports: [Port.named('metrics')] });
    });
  }
  if (s.internet !== undefined && tiers.length) {
    const internet = s.internet ? Peer.anyIpv4() : Peer.cidr('0.0.0.0/0', { exceptions: ['169.254.0.0/16'] });
    flows.push({ source: tiers[0], destination: internet, ports: [Port.tcp(8080)] });
  }
  try {
    if (flows.length) new TierAccess(chart, 'flows', { flows });
    const g = new ClusterGuardrails(chart, 'g', { rendering });
    for (const d of s.denies) g.denyBetween(peerOf(d.source), peerOf(d.destination), d.port === undefined ? {} : { ports: [PORTS[d.port]] });
    for (const a of s.accepts) g.alwaysAllow(peerOf(a.source), peerOf(a.destination), { ports: [PORTS[a.port]] });
    return Reachability.of(app);
  } catch (e) {
    return (e as Error).message;
  }
}

describe('the two renderings of ClusterGuardrails', () => {
  test('agree on every pair of pods whenever the NetworkPolicy rendering does not refuse', () => {
    let compared = 0;
    let refused = 0;
    fc.assert(fc.property(scenarios, (s) => {
      const cnp = build(s, GuardrailRendering.CLUSTER_NETWORK_POLICY);
      if (typeof cnp === 'string') {
        // Only what no rendering can write is refused in both.
        expect(cnp).toMatch(/is not a peer|Admin Accept needs ports|ClusterNetworkPolicy ingress peers/);
        return;
      }
      // The ClusterNetworkPolicies loaded (so they are valid against the CRD) and mean what was asked: every denied
      // flow is denied, and, where no deny overlaps, every always-allowed flow is allowed, whatever the app's policies.
      for (const d of s.denies) {
        for (const port of d.port === undefined ? PORTS : [PORTS[d.port]]) cnp.deniesFlow(peerOf(d.source), peerOf(d.destination), port);
      }
      if (s.denies.length === 0) {
        // (Named ports only where the destination declares them: a stand-in pod for a peer that selects none declares none.)
        for (const a of s.accepts.filter((x) => PORTS[x.port].name === undefined)) {
          cnp.allowsFlow(peerOf(a.source), peerOf(a.destination), PORTS[a.port]);
        }
      }
      const netpol = build(s, GuardrailRendering.NETWORK_POLICIES);
      if (typeof netpol === 'string') {
        expect(netpol).toMatch(/in NETWORK_POLICIES rendering|is not under a default-deny/);
        refused++;
        return;
      }
      compared++;
      const endpoints = cnp.endpoints();
      for (const a of endpoints) {
        for (const b of [...endpoints, '169.254.169.254', '203.0.113.9']) {
          if (a === b) continue;
          for (const port of PORTS) {
            const want = cnp.isAllowed(a, b, port);
            if (netpol.isAllowed(a, b, port) !== want) {
              throw new Error(`${a} -> ${b} on ${port}: ${want ? 'allowed' : 'denied'} with ClusterNetworkPolicy, not with NetworkPolicies\n` +
                `${cnp.explain(a, b, port)}\n---\n${netpol.explain(a, b, port)}`);
            }
          }
        }
      }
    }), { numRuns: 150, seed: 12 });
    // The law is not vacuous: most scenarios render both ways, some are refused.
    expect(compared).toBeGreaterThan(40);
    expect(refused).toBeGreaterThan(5);
  });
});
