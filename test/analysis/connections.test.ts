import * as fc from 'fast-check';
import { Port, Protocol, Reachability } from '../../src';
import { ConnectionAnalysis } from '../../src/analysis/connections';
import { cidrContainsIp, parseIp } from '../../src/private/cidr';
import { evaluateFlow } from '../../src/semantics/evaluate';
import { clusterArb, tieredClusterArb, workloadClusterArb } from '../semantics/arbitraries';
import { namespace, pod, policy } from '../semantics/util';

// Ports around the edges of the random clusters' rules (70-80, 8079, 8080, 9000, 53) and far from them.
const PROBES: Port[] = [
  ...[1, 53, 69, 70, 79, 80, 81, 8079, 8080, 8081, 9000, 9001, 65535].map((p) => Port.tcp(p)),
  ...[53, 80].map((p) => Port.udp(p)),
  Port.sctp(80),
];
const EXTERNAL_IPS = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.9', '192.0.2.1'];

function allowedText(reach: Reachability): Map<string, string> {
  return new Map(reach.connections().map((c) => [`${c.source} -> ${c.destination}`, c.text.slice(c.text.indexOf(': ') + 2)]));
}

function has(reach: Reachability, from: string, to: string, protocol: string, port: number): boolean {
  const c = reach.connections().find((x) => x.source === from && x.destination === to);
  return c !== undefined && c.allowed.some((a) => a.protocol === protocol && a.ranges.some((r) => r.first <= port && port <= r.last));
}

describe.each([
  ['NetworkPolicy only', clusterArb],
  ['with ClusterNetworkPolicies', tieredClusterArb],
])('connection sets agree with the one-port engine (%s)', (_, arb) => {
  test('on random small clusters, for every pair of pods and sampled ports, named ports included', () => {
    fc.assert(fc.property(arb, (objects) => {
      const reach = Reachability.fromObjects(objects);
      const ids = reach.endpoints();
      const cluster = reach._cluster();
      for (const a of ids) {
        for (const b of ids) {
          if (a === b) continue;
          for (const port of PROBES) {
            expect(`${a} -> ${b} ${port}: ${has(reach, a, b, port.protocol, port.number!)}`).toBe(`${a} -> ${b} ${port}: ${reach.isAllowed(a, b, port)}`);
          }
          // A named port means the number the destination declares for it.
          const declared = cluster.endpoints.find((e) => e.id === b)!.ports.find((p) => p.name === 'http' && p.protocol === 'TCP');
          if (declared) expect(has(reach, a, b, 'TCP', declared.port)).toBe(reach.isAllowed(a, b, Port.named('http')));
        }
      }
    }), { numRuns: 150 });
  });

  test('with workloads of several replicas and host-network pods: the diagonal is two replicas, host-network pairs are left out', () => {
    fc.assert(fc.property(workloadClusterArb, (objects) => {
      const reach = Reachability.fromObjects(objects);
      const cluster = reach._cluster();
      const analysis = new ConnectionAnalysis(cluster);
      const listed = new Set(reach.connections().map((c) => `${c.source} -> ${c.destination}`));
      cluster.endpoints.forEach((a, i) => cluster.endpoints.forEach((b, j) => {
        const ta = { endpoint: a, id: a.id };
        const tb = { endpoint: b, id: b.id };
        let any = false;
        for (const port of PROBES) {
          const v = evaluateFlow(cluster, ta, tb, { protocol: port.protocol, port: port.number });
          // The analysis says what the policies say; a pod to itself is no connection.
          const expected = v.self ? false : v.policiesAllow;
          const set = analysis.between(i, j);
          const n = port.number!;
          const got = [...set.byProtocol].some(([protocol, ranges]) => protocol === port.protocol && ranges.some(([lo, hi]) => lo <= n && n <= hi));
          expect(`${a.id} -> ${b.id} ${port}: ${got}`).toBe(`${a.id} -> ${b.id} ${port}: ${expected}`);
          any ||= got;
        }
        if (a.hostNetwork || b.hostNetwork) expect(listed.has(`${a.id} -> ${b.id}`)).toBe(false);
        else if (any) expect(listed.has(`${a.id} -> ${b.id}`)).toBe(true);
      }));
      expect(reach.undecidableEndpoints().map((u) => u.endpoint)).toEqual(cluster.endpoints.filter((e) => e.hostNetwork).map((e) => e.id));
    }), { numRuns: 100 });
  });

  test('on random small clusters, between pods and addresses outside the cluster', () => {
    fc.assert(fc.property(arb, (objects) => {
      const reach = Reachability.fromObjects(objects);
      const analysis = reach._connections();
      const cluster = reach._cluster();
      for (const ipText of EXTERNAL_IPS) {
        const ip = parseIp(ipText)!;
        if (cluster.endpoints.some((e) => e.ips.some((x) => x.value === ip.value))) continue; // a pod's address is the pod
        const region = analysis.regions.find((r) => cidrContainsIp(r.node, ip) && !r.children.some((c) => cidrContainsIp(c, ip)))!;
        for (const id of reach.endpoints()) {
          for (const port of PROBES) {
            expect(`${id} -> ${ipText} ${port}: ${has(reach, id, region.id, port.protocol, port.number!)}`).toBe(`${id} -> ${ipText} ${port}: ${reach.isAllowed(id, ipText, port)}`);
            expect(`${ipText} -> ${id} ${port}: ${has(reach, region.id, id, port.protocol, port.number!)}`).toBe(`${ipText} -> ${id} ${port}: ${reach.isAllowed(ipText, id, port)}`);
          }
        }
      }
    }), { numRuns: 100 });
  });

  test('grouping pods into classes changes nothing', () => {
    fc.assert(fc.property(arb, (objects) => {
      const cluster = Reachability.fromObjects(objects)._cluster();
      const lines = (a: ConnectionAnalysis) => {
        const out: string[] = [];
        a.forEach((f, t, s) => out.push(`${f.id} -> ${t.id} ${JSON.stringify([...s.byProtocol])}`));
        return out;
      };
      expect(lines(new ConnectionAnalysis(cluster))).toEqual(lines(new ConnectionAnalysis(cluster, { noGrouping: true })));
    }), { numRuns: 150 });
  });
});

describe('Reachability.connections', () => {
  const objects = [
    namespace('shop'),
    pod('shop/web', { app: 'web' }),
    pod('shop/api', { app: 'api' }, { ports: [{ name: 'http', containerPort: 8080 }] }),
    policy('shop/deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    policy('shop/api', {
      podSelector: { matchLabels: { app: 'api' } },
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 'http' }, { port: 9000, endPort: 9100 }] }],
    }),
    policy('shop/web', {
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Egress'],
      egress: [
        { to: [{ podSelector: { matchLabels: { app: 'api' } } }] },
        { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }], ports: [{ port: 443 }] },
      ],
    }),
  ];

  test('lists every port allowed per pair, named ports resolved on the destination, and outside address blocks', () => {
    expect(Reachability.fromObjects(objects).connections().map((c) => c.text)).toEqual([
      'shop/web -> shop/api: TCP/8080,9000-9100',
      'shop/web -> 0.0.0.0/0 except 10.0.0.0/8: TCP/443',
    ]);
  });

  test('returns structs with protocol and inclusive ranges', () => {
    const c = Reachability.fromObjects(objects).connections()[0];
    expect(c.allowed).toEqual([{ protocol: Protocol.TCP, ranges: [{ first: 8080, last: 8080 }, { first: 9000, last: 9100 }] }]);
  });

  test('an unisolated pod reaches everything on every port, every IPv4 and every IPv6 address, both ways', () => {
    const text = allowedText(Reachability.fromObjects([pod('a/x'), pod('a/y')]));
    expect([...text]).toEqual([
      ['a/x -> a/y', 'TCP/* UDP/* SCTP/*'],
      ['a/x -> 0.0.0.0/0', 'TCP/* UDP/* SCTP/*'],
      ['a/x -> ::/0', 'TCP/* UDP/* SCTP/*'],
      ['a/y -> a/x', 'TCP/* UDP/* SCTP/*'],
      ['a/y -> 0.0.0.0/0', 'TCP/* UDP/* SCTP/*'],
      ['a/y -> ::/0', 'TCP/* UDP/* SCTP/*'],
      ['0.0.0.0/0 -> a/x', 'TCP/* UDP/* SCTP/*'],
      ['0.0.0.0/0 -> a/y', 'TCP/* UDP/* SCTP/*'],
      ['::/0 -> a/x', 'TCP/* UDP/* SCTP/*'],
      ['::/0 -> a/y', 'TCP/* UDP/* SCTP/*'],
    ]);
  });
});
