import * as fc from 'fast-check';
import { Port, Protocol } from '../../src';
import * as ps from '../../src/model/port-set';

// Small domains near both ends of the port range, so that overlaps, adjacency and the edges are common.
const portArb = fc.oneof(fc.integer({ min: 1, max: 24 }), fc.integer({ min: 65530, max: 65535 }));
const protocolArb = fc.constantFrom('TCP', 'UDP');
const itemArb = fc.tuple(protocolArb, portArb, portArb).map(([protocol, a, b]) => ({ protocol, first: Math.min(a, b), last: Math.max(a, b) }));
const setArb = fc.oneof(
  { weight: 8, arbitrary: fc.array(itemArb, { maxLength: 5 }).map(ps.portSetOf) },
  { weight: 1, arbitrary: fc.constant(ps.ALL_PORTS) },
  { weight: 1, arbitrary: fc.constant(ps.EMPTY) },
);
const PROBES: [string, number][] = [];
for (const protocol of ['TCP', 'UDP', 'SCTP']) for (const p of [1, 2, 5, 12, 13, 23, 24, 25, 1000, 65529, 65530, 65534, 65535]) PROBES.push([protocol, p]);
const members = (s: ps.PortSet) => PROBES.filter(([pr, p]) => ps.hasPort(s, pr, p)).map(([pr, p]) => `${pr}/${p}`);
const text = ps.portSetText;

describe('port sets', () => {
  test.each([
    ['union is commutative', (a: ps.PortSet, b: ps.PortSet) => text(ps.union(a, b)) === text(ps.union(b, a))],
    ['intersection is commutative', (a: ps.PortSet, b: ps.PortSet) => text(ps.intersection(a, b)) === text(ps.intersection(b, a))],
    ['union contains both sides', (a: ps.PortSet, b: ps.PortSet) => ps.contains(ps.union(a, b), a) && ps.contains(ps.union(a, b), b)],
    ['intersection is contained in both sides', (a: ps.PortSet, b: ps.PortSet) => ps.contains(a, ps.intersection(a, b)) && ps.contains(b, ps.intersection(a, b))],
    ['difference and intersection split a set', (a: ps.PortSet, b: ps.PortSet) => text(ps.union(ps.difference(a, b), ps.intersection(a, b))) === text(a)],
    ['difference shares nothing with what was subtracted', (a: ps.PortSet, b: ps.PortSet) => ps.isEmpty(ps.intersection(ps.difference(a, b), b))],
    ['containment is union absorption', (a: ps.PortSet, b: ps.PortSet) => ps.contains(a, b) === (text(ps.union(a, b)) === text(a))],
    ['containment is intersection absorption', (a: ps.PortSet, b: ps.PortSet) => ps.contains(a, b) === (text(ps.intersection(a, b)) === text(b))],
  ])('%s', (_, law) => {
    fc.assert(fc.property(setArb, setArb, (a, b) => law(a, b)), { numRuns: 300 });
  });

  test('union, intersection and difference agree with membership, port by port', () => {
    fc.assert(fc.property(setArb, setArb, (a, b) => {
      const [ma, mb] = [new Set(members(a)), new Set(members(b))];
      expect(members(ps.union(a, b))).toEqual(PROBES.map(([pr, p]) => `${pr}/${p}`).filter((k) => ma.has(k) || mb.has(k)));
      expect(members(ps.intersection(a, b))).toEqual(PROBES.map(([pr, p]) => `${pr}/${p}`).filter((k) => ma.has(k) && mb.has(k)));
      expect(members(ps.difference(a, b))).toEqual(PROBES.map(([pr, p]) => `${pr}/${p}`).filter((k) => ma.has(k) && !mb.has(k)));
    }), { numRuns: 300 });
  });

  test('union and intersection are associative and distribute', () => {
    fc.assert(fc.property(setArb, setArb, setArb, (a, b, c) => {
      expect(text(ps.union(ps.union(a, b), c))).toBe(text(ps.union(a, ps.union(b, c))));
      expect(text(ps.intersection(ps.intersection(a, b), c))).toBe(text(ps.intersection(a, ps.intersection(b, c))));
      expect(text(ps.intersection(a, ps.union(b, c)))).toBe(text(ps.union(ps.intersection(a, b), ps.intersection(a, c))));
    }), { numRuns: 200 });
  });

  test('normalization is canonical: sorted, disjoint, not adjacent, whatever the input order', () => {
    fc.assert(fc.property(fc.array(itemArb, { maxLength: 6 }), (items) => {
      const s = ps.portSetOf(items);
      expect(text(ps.portSetOf([...items].reverse()))).toBe(text(s));
      for (const ranges of s.byProtocol.values()) {
        ranges.forEach(([lo, hi], i) => {
          expect(lo).toBeLessThanOrEqual(hi);
          if (i > 0) expect(lo).toBeGreaterThan(ranges[i - 1][1] + 1);
        });
      }
    }));
  });

  test('prints canonically', () => {
    expect(text(ps.portSetOf([{ protocol: 'UDP', first: 53, last: 53 }, { protocol: 'TCP', first: 81, last: 90 }, { protocol: 'TCP', first: 80, last: 80 }]))).toBe('TCP/80-90 UDP/53');
    expect(text(ps.ALL_PORTS)).toBe('TCP/* UDP/* SCTP/*');
    expect(text(ps.EMPTY)).toBe('-');
  });
});

// Port lists as a rule writes them, with named ports resolved on destinations that declare `http` differently.
const entryArb = fc.oneof(
  fc.record({ protocol: protocolArb, port: portArb }).map((e) => Port.of({ protocol: e.protocol as Protocol, port: e.port })),
  itemArb.map((i) => Port.of({ protocol: i.protocol as Protocol, port: i.first, endPort: i.last })),
  protocolArb.map((p) => Port.of({ protocol: p as Protocol })),
  fc.constantFrom('http', 'dns').chain((n) => protocolArb.map((p) => Port.named(n, p as Protocol))),
);
const DESTINATIONS: ps.DeclaredPort[][] = [
  [],
  [{ name: 'http', port: 5, protocol: 'TCP' }],
  [{ name: 'http', port: 65535, protocol: 'TCP' }, { name: 'dns', port: 12, protocol: 'UDP' }],
];
const toEntries = (ports: Port[]) => ports.map((p) => ({ protocol: p.protocol, port: p.number, endPort: p.endPort, name: p.name }));
const meaning = (ports: Port[]) => DESTINATIONS.map((d) => text(ps.resolve(ps.portSpecOf(toEntries(ports)), d)));

describe('normalizePorts (what render uses to prune subsumed ports)', () => {
  test('keeps the meaning on every destination', () => {
    fc.assert(fc.property(fc.array(entryArb, { minLength: 1, maxLength: 5 }), (ports) => {
      expect(meaning(ps.normalizePorts(ports))).toEqual(meaning(ports));
    }), { numRuns: 300 });
  });

  test('is idempotent and independent of the input order', () => {
    fc.assert(fc.property(fc.array(entryArb, { maxLength: 5 }), (ports) => {
      const once = ps.normalizePorts(ports).map(String);
      expect(ps.normalizePorts(ps.normalizePorts(ports)).map(String)).toEqual(once);
      expect(ps.normalizePorts([...ports].reverse()).map(String)).toEqual(once);
    }), { numRuns: 300 });
  });

  test('merges, drops subsumed entries and orders canonically', () => {
    const out = ps.normalizePorts([Port.udp(53), Port.tcp(81), Port.tcpRange(70, 80), Port.named('http'), Port.tcp(75), Port.allUdp(), Port.named('dns', Protocol.UDP)]);
    expect(out.map(String)).toEqual(['TCP/70-81', 'TCP/http', 'UDP/*']);
  });
});

describe('port specs (unresolved: numbers and names)', () => {
  test('containment is sound: whatever the inner spec allows on a destination, the outer allows too', () => {
    fc.assert(fc.property(fc.array(entryArb, { maxLength: 4 }), fc.array(entryArb, { maxLength: 4 }), (o, i) => {
      const outer = ps.portSpecOf(toEntries(o));
      const inner = ps.portSpecOf(toEntries(i));
      if (!ps.specContains(outer, inner)) return;
      for (const d of DESTINATIONS) expect(ps.contains(ps.resolve(outer, d), ps.resolve(inner, d))).toBe(true);
    }), { numRuns: 500 });
  });

  test('every port contains a named port of any protocol; a number does not contain a name', () => {
    expect(ps.specContains(ps.portSpecOf(undefined), ps.portSpecOf([{ protocol: 'TCP', name: 'http' }]))).toBe(true);
    expect(ps.specContains(ps.portSpecOf([{ protocol: 'TCP', port: 80 }]), ps.portSpecOf([{ protocol: 'TCP', name: 'http' }]))).toBe(false);
  });

  test('specAllows agrees with resolve', () => {
    fc.assert(fc.property(fc.array(entryArb, { maxLength: 4 }), (ports) => {
      const spec = ps.portSpecOf(toEntries(ports));
      for (const d of DESTINATIONS) {
        const set = ps.resolve(spec, d);
        for (const [pr, p] of PROBES) expect(ps.specAllows(spec, pr, p, d)).toBe(ps.hasPort(set, pr, p));
      }
    }), { numRuns: 200 });
  });
});
