import * as fc from 'fast-check';
import { PodSelection, Port, Protocol, Reachability, TierAccess, ZeroTrustNamespace } from '../../src';
import { addKubeDns, addPod, newChart } from '../util/synth';

const NAMESPACES = ['ns-a', 'ns-b'];
const PORTS = [80, 443, 5432];
const PROTOCOLS = [Protocol.TCP, Protocol.UDP];
/** External ranges, and one address inside each that the checks use. */
const EXTERNAL = [
  { cidr: '203.0.113.0/24', address: '203.0.113.10' },
  { cidr: '198.51.100.0/24', address: '198.51.100.10' },
];

interface Graph {
  readonly tierNamespaces: number[];
  readonly flows: { source: number; destination: number; port: number; protocol: Protocol }[];
  readonly externals: { tier: number; range: number; port: number; protocol: Protocol }[];
}

const graphs: fc.Arbitrary<Graph> = fc
  .array(fc.integer({ min: 0, max: NAMESPACES.length - 1 }), { minLength: 2, maxLength: 5 })
  .chain((tierNamespaces) =>
    fc.record({
      tierNamespaces: fc.constant(tierNamespaces),
      flows: fc.array(
        fc.record({
          source: fc.integer({ min: 0, max: tierNamespaces.length - 1 }),
          destination: fc.integer({ min: 0, max: tierNamespaces.length - 1 }),
          port: fc.constantFrom(...PORTS),
          protocol: fc.constantFrom(...PROTOCOLS),
        }),
        { maxLength: 8 },
      ),
      externals: fc.array(
        fc.record({
          tier: fc.integer({ min: 0, max: tierNamespaces.length - 1 }),
          range: fc.integer({ min: 0, max: EXTERNAL.length - 1 }),
          port: fc.constantFrom(...PORTS),
          protocol: fc.constantFrom(...PROTOCOLS),
        }),
        { maxLength: 4 },
      ),
    }),
  );

const portOf = (protocol: Protocol, port: number) => Port.of({ protocol, port });

describe('TierAccess, property', () => {
  test('random tier graphs allow exactly the declared flows and external destinations, plus DNS, and nothing else', () => {
    fc.assert(
      fc.property(graphs, ({ tierNamespaces, flows, externals }) => {
        const chart = newChart();
        const used = [...new Set(tierNamespaces)].map((i) => NAMESPACES[i]);
        for (const ns of used) new ZeroTrustNamespace(chart, ns, { name: ns });
        const tierName = (i: number) => `t${i}`;
        new TierAccess(chart, 'tiers', {
          namespaceName: 'ns-a',
          tiers: tierNamespaces.map((ns, i) => ({
            name: tierName(i),
            pods: PodSelection.labels({ tier: tierName(i) }),
            namespaceName: NAMESPACES[ns],
            externalDestinations: externals
              .filter((e) => e.tier === i)
              .map((e) => ({ cidr: EXTERNAL[e.range].cidr, ports: [portOf(e.protocol, e.port)] })),
          })),
          flows: flows.map((f) => ({ source: tierName(f.source), destination: tierName(f.destination), ports: [portOf(f.protocol, f.port)] })),
        });
        tierNamespaces.forEach((ns, i) => addPod(chart, NAMESPACES[ns], tierName(i), { tier: tierName(i) }));
        addKubeDns(chart);
        const reach = Reachability.of(chart);
        const pod = (i: number) => `${NAMESPACES[tierNamespaces[i]]}/${tierName(i)}`;

        for (let s = 0; s < tierNamespaces.length; s++) {
          if (!reach.isAllowed(pod(s), 'kube-system/coredns', Port.DNS_UDP)) return false;
          for (let d = 0; d < tierNamespaces.length; d++) {
            if (s === d) continue; // a pod talking to itself is outside NetworkPolicy's reach (docs/semantics.md)
            for (const protocol of PROTOCOLS) {
              for (const port of PORTS) {
                const declared = flows.some((f) => f.source === s && f.destination === d && f.port === port && f.protocol === protocol);
                if (reach.isAllowed(pod(s), pod(d), portOf(protocol, port)) !== declared) {
                  throw new Error(`${pod(s)} -> ${pod(d)} ${protocol}/${port}: declared=${declared}\n${reach.explain(pod(s), pod(d), portOf(protocol, port))}`);
                }
              }
            }
          }
        }
        for (let s = 0; s < tierNamespaces.length; s++) {
          for (let r = 0; r < EXTERNAL.length; r++) {
            for (const protocol of PROTOCOLS) {
              for (const port of PORTS) {
                const declared = externals.some((e) => e.tier === s && e.range === r && e.port === port && e.protocol === protocol);
                if (reach.isAllowed(pod(s), EXTERNAL[r].address, portOf(protocol, port)) !== declared) {
                  throw new Error(`${pod(s)} -> ${EXTERNAL[r].address} ${protocol}/${port}: declared=${declared}`);
                }
              }
            }
          }
        }
        return true;
      }),
      { numRuns: 60, seed: 20261121 },
    );
  });
});
