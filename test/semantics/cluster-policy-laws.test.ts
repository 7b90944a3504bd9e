import * as fc from 'fast-check';
import { clusterPolicyArb, QUERIES, tieredClusterArb } from './arbitraries';
import { Reachability } from '../../src';

const RUNS = { numRuns: 150 };

// The oracle and grouping laws run over ClusterNetworkPolicies too, in laws.test.ts.
describe('laws with ClusterNetworkPolicies', () => {
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
