import * as fc from 'fast-check';
import { oracleAllowed, OraclePort } from './oracle';
import { Port, Reachability } from '../../src';
import { computeMatrix } from '../../src/semantics/matrix';
import { QueryPort } from '../../src/semantics/model';

const NAMESPACES = ['ns1', 'ns2'];
const QUERIES: [Port, OraclePort][] = [
  [Port.tcp(80), { protocol: 'TCP', port: 80 }],
  [Port.tcp(8080), { protocol: 'TCP', port: 8080 }],
  [Port.udp(53), { protocol: 'UDP', port: 53 }],
  [Port.named('http'), { protocol: 'TCP', name: 'http' }],
];

const labelsArb = fc.record({ app: fc.constantFrom('x', 'y'), tier: fc.constantFrom('1', '2') }, { requiredKeys: [] });
const selectorArb = fc.record({
  matchLabels: labelsArb,
  matchExpressions: fc.array(fc.oneof(
    fc.record({ key: fc.constantFrom('app', 'tier', 'env'), operator: fc.constantFrom('In', 'NotIn'), values: fc.subarray(['x', 'y', '1', 'a'], { minLength: 1 }) }),
    fc.record({ key: fc.constantFrom('app', 'tier', 'env'), operator: fc.constantFrom('Exists', 'DoesNotExist') }),
  ), { maxLength: 2 }),
}, { requiredKeys: [] });
const peerArb = fc.oneof(
  fc.record({ podSelector: selectorArb }),
  fc.record({ namespaceSelector: selectorArb }),
  fc.record({ podSelector: selectorArb, namespaceSelector: selectorArb }),
  fc.record({ ipBlock: fc.constantFrom({ cidr: '10.0.0.0/30' }, { cidr: '10.0.0.0/30', except: ['10.0.0.2/31'] }, { cidr: '10.0.0.1/32' }) }),
);
const portEntryArb = fc.oneof(
  fc.record({ port: fc.constantFrom(80, 8080, 53) as fc.Arbitrary<any>, protocol: fc.constantFrom('TCP', 'UDP') }, { requiredKeys: ['port'] }),
  fc.record({ port: fc.constant('http') }),
  fc.record({ port: fc.constant(70), endPort: fc.constantFrom(80, 8079, 9000) }),
  fc.record({ protocol: fc.constantFrom('TCP', 'UDP') }),
);
const ruleArb = (peerKey: 'from' | 'to') => fc.record({ [peerKey]: fc.array(peerArb, { maxLength: 2 }), ports: fc.array(portEntryArb, { maxLength: 2 }) }, { requiredKeys: [] });
const policyArb = fc.record({
  ns: fc.constantFrom(...NAMESPACES),
  podSelector: selectorArb,
  policyTypes: fc.option(fc.subarray(['Ingress', 'Egress'], { minLength: 1 }), { nil: undefined }),
  ingress: fc.option(fc.array(ruleArb('from'), { maxLength: 2 }), { nil: undefined }),
  egress: fc.option(fc.array(ruleArb('to'), { maxLength: 2 }), { nil: undefined }),
});
const podArb = fc.record({
  ns: fc.constantFrom(...NAMESPACES),
  labels: labelsArb,
  ip: fc.option(fc.constantFrom('10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.9'), { nil: undefined }),
  httpPort: fc.option(fc.constantFrom(80, 8080), { nil: undefined }),
});
const clusterArb = fc.record({
  envLabel: fc.option(fc.constantFrom('a', 'b'), { nil: undefined }),
  pods: fc.array(podArb, { minLength: 1, maxLength: 5 }),
  policies: fc.array(policyArb, { maxLength: 4 }),
}).map(({ envLabel, pods, policies }) => [
  ...(envLabel ? [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns2', labels: { env: envLabel } } }] : []),
  ...pods.map((p, i) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `p${i}`, namespace: p.ns, labels: p.labels },
    spec: { containers: [{ name: 'c', ports: [...(p.httpPort ? [{ name: 'http', containerPort: p.httpPort }] : []), { name: 'dns', containerPort: 53, protocol: 'UDP' }] }] },
    ...(p.ip ? { status: { podIP: p.ip } } : {}),
  })),
  ...policies.map((p, i) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: `np${i}`, namespace: p.ns },
    spec: { podSelector: p.podSelector, policyTypes: p.policyTypes, ingress: p.ingress, egress: p.egress },
  })),
]);

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
