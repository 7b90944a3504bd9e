import * as fc from 'fast-check';
import { clusterArb, QUERIES, ruleArb, tieredClusterArb, tieredWorkloadClusterArb, workloadClusterArb } from './arbitraries';
import { oracleAllowed } from './oracle';
import { Reachability } from '../../src';
import { evaluateFlow } from '../../src/semantics/evaluate';
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

// The oracle and grouping laws, over NetworkPolicies alone and together with ClusterNetworkPolicies.
describe.each([
  ['NetworkPolicies', clusterArb],
  ['NetworkPolicies and ClusterNetworkPolicies', tieredClusterArb],
])('laws over %s', (_what, arb) => {
  test('agrees with a brute-force oracle on random small clusters, for single flows and the matrix', () => {
    fc.assert(fc.property(arb, (objects) => {
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
    fc.assert(fc.property(arb, (objects) => {
      const cluster = Reachability.fromObjects(objects)._cluster();
      for (const [, q] of QUERIES) {
        const grouped = computeMatrix(cluster, q);
        const single = computeMatrix(cluster, q, { noGrouping: true });
        const n = cluster.endpoints.length;
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(grouped.allowed(i, j)).toBe(single.allowed(i, j));
      }
    }), RUNS);
  });
});

describe('laws', () => {
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

describe('laws with workloads of several replicas and host-network pods', () => {
  const queries: QueryPort[] = [{ protocol: 'TCP', port: 80 }, { protocol: 'TCP', name: 'http' }, { protocol: 'UDP', port: 53 }];

  test('the matrix, grouped or not, agrees with the direct evaluator on every pair, the diagonal included', () => {
    fc.assert(fc.property(workloadClusterArb, (objects) => {
      const cluster = Reachability.fromObjects(objects)._cluster();
      const ends = cluster.endpoints.map((endpoint) => ({ endpoint, id: endpoint.id }));
      for (const q of queries) {
        const grouped = computeMatrix(cluster, q);
        const single = computeMatrix(cluster, q, { noGrouping: true });
        ends.forEach((a, i) => ends.forEach((b, j) => {
          const v = evaluateFlow(cluster, a, b, q);
          const expected = { flow: `${a.id}->${b.id} ${q.protocol}/${q.port ?? q.name}`, allowed: v.allowed, undecidable: v.undecidable, policiesAlone: v.policiesAllow };
          for (const m of [grouped, single]) {
            const actual = { allowed: m.allowed(i, j), undecidable: m.undecidable(i, j), policiesAlone: m.policiesAlone(i, j) };
            expect({ ...expected, ...actual }).toEqual(expected);
          }
        }));
      }
    }), RUNS);
  });

  test('with ClusterNetworkPolicies too, the matrix agrees with the evaluator on replicas and host-network pods', () => {
    fc.assert(fc.property(tieredWorkloadClusterArb, (objects) => {
      const cluster = Reachability.fromObjects(objects)._cluster();
      const ends = cluster.endpoints.map((endpoint) => ({ endpoint, id: endpoint.id }));
      for (const q of queries) {
        const grouped = computeMatrix(cluster, q);
        ends.forEach((a, i) => ends.forEach((b, j) => {
          const v = evaluateFlow(cluster, a, b, q);
          const expected = { flow: `${a.id}->${b.id} ${q.protocol}/${q.port ?? q.name}`, allowed: v.allowed, undecidable: v.undecidable };
          expect({ ...expected, allowed: grouped.allowed(i, j), undecidable: grouped.undecidable(i, j) }).toEqual(expected);
        }));
      }
    }), { numRuns: 100 });
  });

  test('a workload of several pods to itself is the verdict between two distinct pods; one pod to itself is allowed', () => {
    fc.assert(fc.property(workloadClusterArb, (objects) => {
      const cluster = Reachability.fromObjects(objects)._cluster();
      for (const e of cluster.endpoints) {
        const t = { endpoint: e, id: e.id };
        for (const q of queries) {
          const v = evaluateFlow(cluster, t, t, q);
          if (e.replicas > 1) {
            expect(v.self).toBe(false);
            expect(v.allowed).toBe(evaluateFlow(cluster, t, t, q, true).allowed);
          } else {
            expect(v.undecidable).toBeUndefined();
            expect(v.allowed).toBe(v.port !== undefined);
          }
        }
      }
    }), RUNS);
  });

  test('a flow is undecidable exactly when an end uses the host network (a pod to itself aside), and never allowed then', () => {
    fc.assert(fc.property(workloadClusterArb, (objects) => {
      const cluster = Reachability.fromObjects(objects)._cluster();
      const ends = cluster.endpoints.map((endpoint) => ({ endpoint, id: endpoint.id }));
      for (const a of ends) {
        for (const b of ends) {
          const v = evaluateFlow(cluster, a, b, { protocol: 'TCP', port: 80 });
          const hostNetwork = a.endpoint.hostNetwork || b.endpoint.hostNetwork;
          expect(v.undecidable !== undefined).toBe(hostNetwork && !v.self);
          if (v.undecidable !== undefined) expect(v.allowed).toBe(false);
        }
      }
    }), RUNS);
  });
});
