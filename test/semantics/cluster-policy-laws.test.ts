import * as fc from 'fast-check';
import { clusterPolicyArb, QUERIES, tieredClusterArb } from './arbitraries';
import { oracleAllowed } from './oracle';
import { Reachability } from '../../src';
import { computeMatrix } from '../../src/semantics/matrix';

const RUNS = { numRuns: 150 };

describe('laws with ClusterNetworkPolicies', () => {
  test('single flows and the matrix agree with a brute-force oracle of the tiers on random small clusters', () => {
    fc.assert(fc.property(tieredClusterArb, (objects) => {
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
    fc.assert(fc.property(tieredClusterArb, (objects) => {
      const cluster = Reachability.fromObjects(objects)._cluster();
      for (const [, q] of QUERIES) {
        const grouped = computeMatrix(cluster, q);
        const single = computeMatrix(cluster, q, { noGrouping: true });
        const n = cluster.endpoints.length;
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(grouped.allowed(i, j)).toBe(single.allowed(i, j));
      }
    }), RUNS);
  });

  test('the order of the ClusterNetworkPolicy objects in the input changes no decision', () => {
    fc.assert(fc.property(tieredClusterArb, (objects) => {
      const ids = (o: any[]) => {
        const reach = Reachability.fromObjects(o);
        return QUERIES.map(([port]) => reach.allowedFlows(port));
      };
      expect(ids([...objects].reverse())).toEqual(ids(objects));
    }), RUNS);
  });

  test('an Admin policy of Deny rules at the highest precedence never adds a flow; of Accept rules never removes one', () => {
    fc.assert(fc.property(tieredClusterArb, clusterPolicyArb, fc.constantFrom('Deny', 'Accept'), (objects, spec, action) => {
      const only = (rules: any[]) => rules.map((r) => ({ ...r, action }));
      const added = {
        apiVersion: 'policy.networking.k8s.io/v1alpha2',
        kind: 'ClusterNetworkPolicy',
        metadata: { name: 'aaa-first' },
        spec: { ...spec, tier: 'Admin', priority: 0, ingress: only(spec.ingress), egress: only(spec.egress) },
      };
      const flows = (o: any[]) => new Set(QUERIES.flatMap(([port]) => Reachability.fromObjects(o).allowedFlows(port).map((f) => `${f} ${port}`)));
      const before = flows(objects);
      const after = flows([...objects, added]);
      const [from, to] = action === 'Deny' ? [after, before] : [before, after];
      for (const f of from) expect(to.has(f)).toBe(true);
    }), RUNS);
  });
});
