import * as fc from 'fast-check';
import { clusterArb, QUERIES, ruleArb } from './arbitraries';
import { oracleAllowed } from './oracle';
import { Reachability } from '../../src';
import { computeMatrix } from '../../src/semantics/matrix';
import { QueryPort } from '../../src/semantics/model';

/** Every decision of a cluster, pair by pair and port by port, through the facade's matrix. */
function decisions(objects: any[]): string[] {
  const reach = Reachability.fromObjects(objects);
  return QUERIES.flatMap(([port]) => {
    const ids = reach.endpoints();
    const m = reach._matrix(port);
    return ids.flatMap((a, i) => ids.map((b, j) => `${a}->${b} ${port}: ${m.allowed(i, j)}`));
  });
}

function allowedSet(objects: any[]): string[] {
  return decisions(objects).filter((d) => d.endsWith('true'));
}

const RUNS = { numRuns: 150 };

describe('laws', () => {
  test('agrees with a brute-force oracle on random small clusters, for single flows and the matrix', () => {
    fc.assert(fc.property(clusterArb, (objects) => {
      const reach = Reachability.fromObjects(objects);
      const ids = reach.endpoints();
      for (const [port, q] of QUERIES) {
        const m = reach._matrix(port);
        ids.forEach((a, i) => ids.forEach((b, j) => {
          const expected = oracleAllowed(objects, a, b, q);
          expect({ flow: `${a}->${b} ${port}`, single: reach.isAllowed(a, b, port), matrix: m.allowed(i, j) })
            .toEqual({ flow: `${a}->${b} ${port}`, single: expected, matrix: expected });
        }));
      }
    }), RUNS);
  });

  test('grouping pods into classes gives the same answer as no grouping', () => {
    fc.assert(fc.property(clusterArb, (objects) => {
      const cluster = Reachability.fromObjects(objects)._cluster();
      const queries: QueryPort[] = [{ protocol: 'TCP', port: 80 }, { protocol: 'TCP', name: 'http' }, { protocol: 'UDP', port: 53 }];
      for (const q of queries) {
        const grouped = computeMatrix(cluster, q);
        const single = computeMatrix(cluster, q, { noGrouping: true });
        const n = cluster.endpoints.length;
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(grouped.allowed(i, j)).toBe(single.allowed(i, j));
      }
    }), RUNS);
  });

  test('adding an allow rule to a policy never removes a path', () => {
    fc.assert(fc.property(clusterArb, fc.nat(), ruleArb('from'), fc.boolean(), (objects, pick, rule, toEgress) => {
      const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
      fc.pre(policies.length > 0);
      const before = allowedSet(objects);
      const target = policies[pick % policies.length] as any;
      // Pin the effective policy types first: with them absent, a first egress rule would also turn on egress isolation.
      const types = target.spec.policyTypes?.length ? target.spec.policyTypes : ['Ingress', ...(target.spec.egress?.length ? ['Egress'] : [])];
      const added = toEgress ? { to: rule.from, ports: rule.ports } : rule;
      const key = toEgress ? 'egress' : 'ingress';
      const widened = objects.map((o: any) => (o === target
        ? { ...o, spec: { ...o.spec, policyTypes: types, [key]: [...(o.spec[key] ?? []), added] } }
        : o));
      const after = new Set(allowedSet(widened));
      for (const d of before) expect(after.has(d)).toBe(true);
    }), RUNS);
  });

  test('reordering objects, rules and peers does not change any decision', () => {
    fc.assert(fc.property(clusterArb, fc.nat(), (objects, seed) => {
      const rotate = <T>(xs: T[] | undefined): T[] | undefined =>
        (xs && xs.length > 1 ? [...xs.slice(seed % xs.length), ...xs.slice(0, seed % xs.length)] : xs);
      const shuffled = [...objects].reverse().map((object) => {
        if (object.kind !== 'NetworkPolicy') return object;
        const o = object as any;
        return {
          ...o,
          spec: {
            ...o.spec,
            ingress: rotate(o.spec.ingress)?.map((r: any) => ({ ...r, from: rotate(r.from), ports: rotate(r.ports) })),
            egress: rotate(o.spec.egress)?.map((r: any) => ({ ...r, to: rotate(r.to), ports: rotate(r.ports) })),
          },
        };
      });
      expect(decisions(shuffled)).toEqual(decisions(objects));
    }), RUNS);
  });
});
