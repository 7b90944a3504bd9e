/**
 * NP015's fast path (selector containment decided once per pair of distinct selector texts of a namespace, port
 * containment once per pair of distinct port specs) against the reference that compares every policy's selector with
 * every other's: the same findings, in the same order, with the same messages, on random policy sets where many
 * policies share selectors written in different ways (the case the fast path is for).
 */
import { lintObjects, LintResult } from '../../src/lint/pack';
import { _redundantPoliciesReference, NP015 } from '../../src/lint/rules/np015-redundant-policy';
import * as load from '../../src/semantics/load';
import { loadCluster } from '../../src/semantics/load';

/** A small deterministic generator (Numerical Recipes' LCG constants). */
function sequence(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  return { int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] };
}

// Pod selectors, several of them equal under different spellings (matchLabels and In, one value).
const POD_SELECTORS: object[] = [
  {},
  { matchLabels: { app: 'x' } },
  { matchExpressions: [{ key: 'app', operator: 'In', values: ['x'] }] },
  { matchExpressions: [{ key: 'app', operator: 'In', values: ['x', 'y'] }] },
  { matchLabels: { app: 'x', tier: 'front' } },
  { matchExpressions: [{ key: 'tier', operator: 'Exists' }] },
  { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['z'] }] },
  { matchLabels: { app: 'y' } },
];

const PEERS: object[] = [
  { podSelector: { matchLabels: { app: 'y' } } },
  { podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['y'] }] } },
  { podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['x', 'y'] }] } },
  { podSelector: {} },
  { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'b' } }, podSelector: { matchLabels: { app: 'x' } } },
  { namespaceSelector: {} },
  { ipBlock: { cidr: '203.0.113.0/24' } },
  { ipBlock: { cidr: '203.0.113.0/25' } },
  { ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } },
];

const PORTS: (object[] | undefined)[] = [
  undefined,
  [{ port: 80 }],
  [{ port: 80, protocol: 'TCP' }],
  [{ port: 80 }, { port: 443 }],
  [{ port: 70, endPort: 90 }],
  [{ port: 'http' }],
  [{ protocol: 'UDP' }],
  [{ port: 53, protocol: 'UDP' }],
];

function randomCluster(seed: number): object[] {
  const r = sequence(seed);
  const objects: object[] = [];
  for (const ns of ['a', 'b']) {
    objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    ['x', 'y', 'z'].forEach((app, k) => objects.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `${app}-0`, namespace: ns, labels: { app, ...(k === 0 ? { tier: 'front' } : {}) } },
      spec: { containers: [{ name: 'main', image: 'img', ports: [{ name: 'http', containerPort: 80 + k }] }] },
    }));
  }
  const count = 10 + r.int(40);
  for (let i = 0; i < count; i++) {
    const rules = () => Array.from({ length: r.int(3) }, () => {
      const peers = r.int(4) === 0 ? undefined : Array.from({ length: 1 + r.int(2) }, () => r.pick(PEERS));
      const ports = r.pick(PORTS);
      return { ...(peers ? { peers } : {}), ...(ports ? { ports } : {}) };
    });
    const types = r.pick([['Ingress'], ['Egress'], ['Ingress', 'Egress'], undefined]);
    const ingress = rules().map(({ peers, ports }) => ({ ...(peers ? { from: peers } : {}), ...(ports ? { ports } : {}) }));
    const egress = rules().map(({ peers, ports }) => ({ ...(peers ? { to: peers } : {}), ...(ports ? { ports } : {}) }));
    objects.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: {
        name: `p${i}`,
        namespace: r.pick(['a', 'a', 'b']),
        ...(r.int(8) === 0 ? { annotations: { 'cdk8s-netpol.dev/intent': `intent ${i}` } } : {}),
      },
      spec: {
        podSelector: r.pick(POD_SELECTORS),
        ...(types ? { policyTypes: types } : {}),
        ...(ingress.length > 0 || r.int(2) === 0 ? { ingress } : {}),
        ...(egress.length > 0 || r.int(2) === 0 ? { egress } : {}),
      },
    });
  }
  return objects;
}

describe('NP015 fast path', () => {
  test('reports exactly what the every-pair reference reports, on 300 random policy sets', () => {
    // GIVEN random clusters
    let total = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const { cluster, problems } = loadCluster(randomCluster(seed).map((object, i) => ({ object, source: `objects[${i}]` })));
      expect(problems).toEqual([]);
      // WHEN both compute the findings
      const fast = NP015.check({ cluster, settings: { podCidrs: [], serviceCidrs: [] }, rawObject: () => undefined });
      const reference = _redundantPoliciesReference(cluster);
      // THEN they agree, finding for finding
      expect({ seed, findings: fast }).toEqual({ seed, findings: reference });
      total += fast.length;
    }
    // The sets are not vacuous: many policies are redundant.
    expect(total).toBeGreaterThan(300);
  });
});

describe('lint loads once', () => {
  test('lintObjects builds the cluster once for all its rules', () => {
    // GIVEN a random cluster and a spy on the loader
    const spy = jest.spyOn(load, 'loadCluster');
    try {
      // WHEN it is linted
      const result: LintResult = lintObjects(randomCluster(7).map((object, i) => ({ object, source: `objects[${i}]` })));
      // THEN the loader ran once
      expect(result.problems).toEqual([]);
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });
});
