import { ApiObject, Chart } from 'cdk8s';
import * as fc from 'fast-check';
import { IPeer, Isolation, Peer, PodSelection, Port, Reachability, Tier, TierAccess, ZeroTrustNamespace } from '../../src';
import { addPod, newChart, ofKind, synth } from '../util/synth';

/**
 * Random programs: owned tiers across 1-3 namespaces (some zero-trust, some not, some tiers explicitly isolated),
 * flows between tiers, pods the app does not own, namespace peers and address blocks, in both directions.
 * The engine must agree with the rules of README "Never break what the app does not own":
 *  (a) every declared flow is allowed;
 *  (b) between owned pods, anything undeclared is denied where a direction is isolated (a ZeroTrustNamespace, or a
 *      Tier's isolation), DNS excepted, and allowed where nothing isolates it;
 *  (c) pods the app does not own keep every connection they had between themselves and with addresses
 *      (compared with the same input without the app's policies);
 *  (d) pods outside every ZeroTrustNamespace keep all their egress unless explicitly isolated (part of (b));
 *  (e) no emitted policy lives in a namespace the app does not own.
 */

const NAMESPACES = ['ns-a', 'ns-b', 'ns-c'];
const PORTS = [80, 443, 5432];
const ISOLATIONS = [Isolation.NAMESPACE, Isolation.NAMESPACE, Isolation.INGRESS, Isolation.EGRESS, Isolation.INGRESS_AND_EGRESS];

/** Pods the app does not own, present in the input. */
const FOREIGN: { id: string; namespace: string; labels: { [key: string]: string }; peer: () => IPeer }[] = [
  { id: 'ingress-nginx/controller', namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx' }, peer: () => Peer.ingressController() },
  { id: 'monitoring/prometheus', namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' }, peer: () => Peer.prometheus() },
  { id: 'other/client', namespace: 'other', labels: { app: 'client' }, peer: () => Peer.pods({ namespaceName: 'other', pods: PodSelection.labels({ app: 'client' }) }) },
  { id: 'kube-system/coredns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, peer: () => Peer.kubeDns() },
];
/** Addresses outside the cluster: a source range, a destination range, and one never declared. */
const INGRESS_CIDR = { cidr: '192.0.2.0/24', address: '192.0.2.10' };
const EGRESS_CIDR = { cidr: '198.51.100.0/24', address: '198.51.100.10' };
const UNDECLARED_ADDRESS = '203.0.113.10';

/** One end of a generated flow. */
type End =
  | { kind: 'tier'; index: number }
  | { kind: 'foreign'; index: number }
  | { kind: 'namespaceNamed' } // Peer.namespaceNamed('other'): other/client
  | { kind: 'namespaceLabels' } // Peer.namespaces({ env: prod }): other/client
  | { kind: 'cidr' };

interface Program {
  readonly zeroTrust: boolean[]; // per namespace
  readonly tiers: { namespace: number; isolation: Isolation }[];
  readonly flows: { source: End; destination: End; port: number }[];
}

const programs: fc.Arbitrary<Program> = fc
  .record({
    namespaceCount: fc.integer({ min: 1, max: NAMESPACES.length }),
    zeroTrust: fc.array(fc.boolean(), { minLength: NAMESPACES.length, maxLength: NAMESPACES.length }),
    tierCount: fc.integer({ min: 2, max: 5 }),
  })
  .chain(({ namespaceCount, zeroTrust, tierCount }) => {
    const tierEnd = fc.integer({ min: 0, max: tierCount - 1 }).map((index): End => ({ kind: 'tier', index }));
    const otherEnd = fc.oneof(
      fc.integer({ min: 0, max: FOREIGN.length - 1 }).map((index): End => ({ kind: 'foreign', index })),
      fc.constant<End>({ kind: 'namespaceNamed' }),
      fc.constant<End>({ kind: 'namespaceLabels' }),
      fc.constant<End>({ kind: 'cidr' }),
    );
    // At least one owned end: tier -> anything, or anything -> tier.
    const flow = fc.record({
      ownedSource: fc.boolean(),
      owned: tierEnd,
      other: fc.oneof({ weight: 2, arbitrary: tierEnd }, { weight: 3, arbitrary: otherEnd }),
      port: fc.constantFrom(...PORTS),
    }).map(({ ownedSource, owned, other, port }) =>
      (ownedSource ? { source: owned, destination: other, port } : { source: other, destination: owned, port }));
    return fc.record({
      zeroTrust: fc.constant(zeroTrust.slice(0, namespaceCount)),
      tiers: fc.array(
        fc.record({ namespace: fc.integer({ min: 0, max: namespaceCount - 1 }), isolation: fc.constantFrom(...ISOLATIONS) }),
        { minLength: tierCount, maxLength: tierCount },
      ),
      flows: fc.array(flow, { maxLength: 8 }),
    });
  });

const tcp = (port: number) => Port.tcp(port);

/** Builds the program into a chart; returns the tiers. */
function build(chart: Chart, program: Program): Tier[] {
  program.zeroTrust.forEach((zt, i) => {
    if (zt) new ZeroTrustNamespace(chart, `zt-${NAMESPACES[i]}`, { name: NAMESPACES[i] });
  });
  const tiers = program.tiers.map((t, i) => new Tier(chart, `t${i}`, {
    pods: PodSelection.labels({ tier: `t${i}` }),
    namespaceName: NAMESPACES[t.namespace],
    isolation: t.isolation,
  }));
  const peerOf = (end: End, asSource: boolean): IPeer => {
    switch (end.kind) {
      case 'tier': return tiers[end.index];
      case 'foreign': return FOREIGN[end.index].peer();
      case 'namespaceNamed': return Peer.namespaceNamed('other');
      case 'namespaceLabels': return Peer.namespaces({ labels: { env: 'prod' } });
      case 'cidr': return Peer.cidr(asSource ? INGRESS_CIDR.cidr : EGRESS_CIDR.cidr);
    }
  };
  // Flows spread over two TierAccess constructs, as two teams would declare them.
  const teams = [new TierAccess(chart, 'team-1'), new TierAccess(chart, 'team-2')];
  program.flows.forEach((f, i) =>
    teams[i % 2].addFlow({ source: peerOf(f.source, true), destination: peerOf(f.destination, false), ports: [tcp(f.port)] }));

  // The input: one pod per tier, the foreign pods and their namespaces (other is env=prod).
  program.tiers.forEach((t, i) => addPod(chart, NAMESPACES[t.namespace], `t${i}`, { tier: `t${i}` }));
  for (const f of FOREIGN) addPod(chart, f.namespace, f.id.split('/')[1], f.labels);
  for (const ns of ['ingress-nginx', 'monitoring', 'kube-system', 'other']) {
    new ApiObject(chart, `namespace-${ns}`, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns, labels: { 'kubernetes.io/metadata.name': ns, ...(ns === 'other' ? { env: 'prod' } : {}) } },
    });
  }
  return tiers;
}

/** Checks one program; throws with the first disagreement. */
function check(program: Program): void {
  const chart = newChart();
  const tiers = build(chart, program);
  const objects = synth(chart);
  const reach = Reachability.of(chart);
  const before = Reachability.fromObjects(objects.filter((o) => o.kind !== 'NetworkPolicy'));

  const owned = program.tiers.map((t, i) => `${NAMESPACES[t.namespace]}/t${i}`);
  const zt = (i: number) => program.zeroTrust[program.tiers[i].namespace];
  const iso = (i: number) => program.tiers[i].isolation;
  const egressIsolated = (i: number) => zt(i) || iso(i) === Isolation.EGRESS || iso(i) === Isolation.INGRESS_AND_EGRESS;
  const ingressIsolated = (i: number) => zt(i) || iso(i) === Isolation.INGRESS || iso(i) === Isolation.INGRESS_AND_EGRESS;

  // Every endpoint of the input, and which ends of a flow stand for it.
  const ends: { id: string; tier?: number; matches: (e: End, asSource: boolean) => boolean }[] = [
    ...owned.map((id, i) => ({ id, tier: i, matches: (e: End) => e.kind === 'tier' && e.index === i })),
    ...FOREIGN.map((f, i) => ({
      id: f.id,
      matches: (e: End) => (e.kind === 'foreign' && e.index === i) || (f.namespace === 'other' && (e.kind === 'namespaceNamed' || e.kind === 'namespaceLabels')),
    })),
    { id: INGRESS_CIDR.address, matches: (e: End, asSource: boolean) => e.kind === 'cidr' && asSource },
    { id: EGRESS_CIDR.address, matches: (e: End, asSource: boolean) => e.kind === 'cidr' && !asSource },
    { id: UNDECLARED_ADDRESS, matches: () => false },
  ];
  const isAddress = (id: string) => !id.includes('/');
  const declared = (a: typeof ends[0], b: typeof ends[0], port: number) =>
    program.flows.some((f) => f.port === port && a.matches(f.source, true) && b.matches(f.destination, false));
  const fail = (what: string, a: string, b: string, port: Port) => {
    throw new Error(`${what}: ${a} -> ${b} on ${port}\nprogram: ${JSON.stringify(program)}\n${reach.explain(a, b, port)}`);
  };

  for (const a of ends) {
    for (const b of ends) {
      if (a === b || (isAddress(a.id) && isAddress(b.id))) continue;
      for (const port of PORTS.map(tcp)) {
        const actual = reach.isAllowed(a.id, b.id, port);
        if (a.tier === undefined && b.tier === undefined) {
          // (c) what the app does not own keeps every connection it had.
          if (actual !== before.isAllowed(a.id, b.id, port)) fail('(c) a connection between pods the app does not own changed', a.id, b.id, port);
          continue;
        }
        const isDeclared = declared(a, b, port.number!);
        const egressOk = a.tier === undefined || !egressIsolated(a.tier) || isDeclared;
        const ingressOk = b.tier === undefined || !ingressIsolated(b.tier) || isDeclared;
        if (isDeclared && !actual) fail('(a) a declared flow is denied', a.id, b.id, port);
        if (actual !== (egressOk && ingressOk)) fail(actual ? '(b) an undeclared flow through an isolated direction is allowed' : '(b/d) a flow no one isolated is denied', a.id, b.id, port);
      }
    }
    // DNS works for every owned pod.
    if (a.tier !== undefined && !reach.isAllowed(a.id, 'kube-system/coredns', Port.DNS_UDP)) fail('DNS is denied', a.id, 'kube-system/coredns', Port.DNS_UDP);
  }

  // (a) again through the peers themselves (stand-ins where the input has no pod).
  for (const f of program.flows) {
    if (f.source.kind === 'tier' && f.destination.kind === 'tier' && f.source.index === f.destination.index) continue;
    const peer = (e: End, asSource: boolean): IPeer => {
      if (e.kind === 'tier') return tiers[e.index];
      if (e.kind === 'foreign') return FOREIGN[e.index].peer();
      if (e.kind === 'namespaceNamed') return Peer.namespaceNamed('other');
      if (e.kind === 'namespaceLabels') return Peer.namespaces({ labels: { env: 'prod' } });
      return Peer.cidr(asSource ? INGRESS_CIDR.cidr : EGRESS_CIDR.cidr);
    };
    reach.allowsFlow(peer(f.source, true), peer(f.destination, false), tcp(f.port));
  }

  // (e) policies only in namespaces the app owns (a tier's or a ZeroTrustNamespace's).
  const ownedNamespaces = new Set([
    ...program.tiers.map((t) => NAMESPACES[t.namespace]),
    ...program.zeroTrust.flatMap((z, i) => (z ? [NAMESPACES[i]] : [])),
  ]);
  for (const p of ofKind(chart, 'NetworkPolicy')) {
    if (!ownedNamespaces.has(p.metadata.namespace)) throw new Error(`(e) policy ${p.metadata.namespace}/${p.metadata.name} is in a namespace the app does not own`);
  }
}

describe('constructs, property', () => {
  test('random programs with owned tiers, foreign pods, namespace peers and address blocks follow the rules', () => {
    fc.assert(fc.property(programs, (program) => {
      check(program);
    }), { numRuns: 100, seed: 20261202 });
  });

  test('a program without any ZeroTrustNamespace or isolation emits nothing', () => {
    fc.assert(fc.property(programs, (program) => {
      const open: Program = {
        ...program,
        zeroTrust: program.zeroTrust.map(() => false),
        tiers: program.tiers.map((t) => ({ ...t, isolation: Isolation.NAMESPACE })),
      };
      const chart = newChart();
      build(chart, open);
      return ofKind(chart, 'NetworkPolicy').length === 0;
    }), { numRuns: 20, seed: 7 });
  });
});
