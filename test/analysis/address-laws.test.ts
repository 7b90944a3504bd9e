/**
 * Laws on the outside world as exact address sets (issue 20 §2): diff compares sets of addresses, so a change that
 * only narrows adds nothing, one that only widens removes nothing, and every added or removed row is true of every
 * address of its block, as the direct evaluator answers it address by address.
 */
import * as fc from 'fast-check';
import { Reachability } from '../../src';
import { diffClusters, DiffEntry } from '../../src/analysis/diff';
import { cidrContainsIp, cidrLast, IpAddress, parseCidr, parseIp } from '../../src/private/cidr';
import { evaluateFlow } from '../../src/semantics/evaluate';
import { Cluster } from '../../src/semantics/model';
import { withSharedStandIns } from '../../src/semantics/stand-ins';
import {
  ADDRESS_CIDRS, addressClusterArb, addressPodObject, addressPolicyArb, addressPolicyObject, NAMESPACES,
} from '../semantics/arbitraries';

type Abstract = { pods: any[]; policies: any[] };

function objectsOf(c: Abstract): any[] {
  return [...c.pods.map(addressPodObject), ...c.policies.map(addressPolicyObject)];
}

function clusterOf(c: Abstract): Cluster {
  return Reachability.fromObjects(objectsOf(c))._cluster();
}

const HALVES: { [cidr: string]: [string, string] } = {
  '10.0.0.0/8': ['10.0.0.0/9', '10.128.0.0/9'],
  '10.128.0.0/24': ['10.128.0.0/25', '10.128.0.128/25'],
  'fd00::/8': ['fd00::/9', 'fd80::/9'],
};
const strictlyInside = (outer: string, inner: string) => {
  const [o, i] = [parseCidr(outer)!, parseCidr(inner)!];
  return o.family === i.family && i.prefix > o.prefix && cidrContainsIp(o, { family: i.family, value: i.network });
};
const inside = (outer: string, inner: string) => outer === inner || strictlyInside(outer, inner);

/** One change that allows a subset of what was allowed (or the same set, written differently). */
interface Op {
  readonly kind: 'except' | 'splitExcept' | 'splitCidr' | 'dropPeer' | 'dropRule' | 'narrowCidr' | 'addPorts' | 'denyAll';
  readonly a: number;
  readonly b: number;
  readonly c: number;
}
const NARROWING: Op['kind'][] = ['except', 'splitExcept', 'splitCidr', 'dropPeer', 'dropRule', 'narrowCidr', 'addPorts', 'denyAll'];
const opArb = (kinds: Op['kind'][]) => fc.record({ kind: fc.constantFrom(...kinds), a: fc.nat(), b: fc.nat(), c: fc.nat() });

/** `c` with `op` applied (a copy); unchanged when the op does not fit. */
function apply(c: Abstract, op: Op): Abstract {
  const next: Abstract = JSON.parse(JSON.stringify(c));
  if (op.kind === 'denyAll') {
    next.policies.push({ ns: NAMESPACES[op.a % 2], podSelector: op.b % 2 ? {} : { matchLabels: { app: 'x' } }, policyTypes: [['Ingress'], ['Egress'], ['Ingress', 'Egress']][op.c % 3], ingress: [], egress: [] });
    return next;
  }
  if (next.policies.length === 0) return next;
  const policy = next.policies[op.a % next.policies.length];
  const key = policy.policyTypes.includes('Egress') && (op.b % 2 === 0 || !policy.policyTypes.includes('Ingress')) ? 'egress' : 'ingress';
  const peerKey = key === 'egress' ? 'to' : 'from';
  const rules: any[] = policy[key];
  if (rules.length === 0) return next;
  const rule = rules[op.c % rules.length];
  if (op.kind === 'dropRule') {
    rules.splice(op.c % rules.length, 1);
    return next;
  }
  if (op.kind === 'addPorts') {
    if (rule.ports === undefined || rule.ports.length === 0) rule.ports = [{ port: 80 }];
    return next;
  }
  const peers: any[] = rule[peerKey];
  if (op.kind === 'dropPeer') {
    // An empty peer list would match every peer: keep at least one.
    if (peers.length > 1) peers.splice(op.b % peers.length, 1);
    return next;
  }
  const blocks = peers.flatMap((p, i) => (p.ipBlock ? [i] : []));
  if (blocks.length === 0) return next;
  const k = blocks[op.b % blocks.length];
  const block = peers[k].ipBlock;
  const except: string[] = block.except ?? [];
  const set = (e: string[]) => (e.length === 0 ? { cidr: block.cidr } : { cidr: block.cidr, except: e });
  switch (op.kind) {
    case 'except': {
      const candidates = ADDRESS_CIDRS.filter((x) => strictlyInside(block.cidr, x) && !except.includes(x));
      if (candidates.length > 0) peers[k] = { ipBlock: set([...except, candidates[op.c % candidates.length]]) };
      return next;
    }
    case 'splitExcept': {
      const e = except.findIndex((x) => HALVES[x] !== undefined);
      if (e >= 0) peers[k] = { ipBlock: set([...except.slice(0, e), ...HALVES[except[e]], ...except.slice(e + 1)]) };
      return next;
    }
    case 'splitCidr': {
      const halves = HALVES[block.cidr];
      if (!halves) return next;
      const parts = halves.filter((h) => !except.some((x) => inside(x, h))).map((h) => {
        const kept = except.filter((x) => strictlyInside(h, x));
        return { ipBlock: kept.length === 0 ? { cidr: h } : { cidr: h, except: kept } };
      });
      if (parts.length === 0) return next;
      peers.splice(k, 1, ...parts);
      return next;
    }
    case 'narrowCidr': {
      const candidates = ADDRESS_CIDRS.filter((x) => strictlyInside(block.cidr, x) && !except.some((e) => inside(e, x)));
      if (candidates.length === 0) return next;
      const cidr = candidates[op.c % candidates.length];
      const kept = except.filter((x) => strictlyInside(cidr, x));
      peers[k] = { ipBlock: kept.length === 0 ? { cidr } : { cidr, except: kept } };
      return next;
    }
  }
  return next;
}

/** Addresses at every edge of every CIDR in play, and the pods' own. */
function probes(): IpAddress[] {
  const out = new Map<string, IpAddress>();
  const add = (family: 4 | 6, value: bigint) => {
    if (value < 0n || value >= 1n << BigInt(family === 4 ? 32 : 128)) return;
    out.set(`${family} ${value}`, { family, value });
  };
  for (const text of ADDRESS_CIDRS) {
    const c = parseCidr(text)!;
    for (const v of [c.network - 1n, c.network, c.network + 1n, cidrLast(c), cidrLast(c) + 1n]) add(c.family, v);
  }
  for (const ip of ['10.0.0.5', 'fd00::5', 'fd80::1', '8.8.8.8', '2001:4860::8888']) add(parseIp(ip)!.family, parseIp(ip)!.value);
  return [...out.values()];
}
const PROBES = probes();
const QUERIES = [{ protocol: 'TCP', port: 80 }, { protocol: 'TCP', port: 75 }, { protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 443 }, { protocol: 'SCTP', port: 9 }];

/** True when the address is in the block a diff row names: `C` or `C except E1,E2`, read from the text alone. */
function inBlock(id: string, ip: IpAddress): boolean {
  const [head, rest] = id.split(' except ');
  return cidrContainsIp(parseCidr(head)!, ip) && !(rest ?? '').split(',').filter((x) => x !== '').some((e) => cidrContainsIp(parseCidr(e)!, ip));
}

/** Rows `from -> to PROTOCOL/port` of the diff between a pod and the outside, one per probe address and query. */
function outsideRows(entries: DiffEntry[]): Set<string> {
  const rows = new Set<string>();
  for (const e of entries) {
    const pod = e.from.includes(' ') || parseCidr(e.from) ? e.to : e.from;
    const block = pod === e.from ? e.to : e.from;
    if (!parseCidr(block.split(' except ')[0])) continue; // pod to pod
    for (const ip of PROBES) {
      if (!inBlock(block, ip)) continue;
      for (const q of QUERIES) {
        if (q.protocol === e.protocol && e.ports.some(([lo, hi]) => lo <= q.port && q.port <= hi)) {
          rows.add(`${pod === e.from ? 'egress' : 'ingress'} ${pod} ${ip.family} ${ip.value} ${q.protocol}/${q.port}`);
        }
      }
    }
  }
  return rows;
}

/** The same rows by the direct evaluator: allowed by `x` and not by `y`. */
function evaluatedRows(x: Cluster, y: Cluster): Set<string> {
  const rows = new Set<string>();
  x.endpoints.forEach((ex, i) => {
    const ey = y.endpoints[i];
    for (const ip of PROBES) {
      const addr = { ip, id: 'addr' };
      for (const q of QUERIES) {
        const ok = (c: Cluster, e: typeof ex, egress: boolean) => (egress
          ? evaluateFlow(c, { endpoint: e, id: e.id }, addr, q).allowed
          : evaluateFlow(c, addr, { endpoint: e, id: e.id }, q).allowed);
        for (const egress of [true, false]) {
          if (ok(x, ex, egress) && !ok(y, ey, egress)) rows.add(`${egress ? 'egress' : 'ingress'} ${ex.id} ${ip.family} ${ip.value} ${q.protocol}/${q.port}`);
        }
      }
    }
  });
  return rows;
}

describe('diff over the outside world, address by address', () => {
  test('diff(A, B).added is empty whenever B allows a subset of A; diff(B, A).removed likewise', () => {
    fc.assert(fc.property(addressClusterArb, fc.array(opArb(NARROWING), { minLength: 1, maxLength: 3 }), (a, ops) => {
      const b = ops.reduce(apply, a);
      const [ca, cb] = [clusterOf(a), clusterOf(b)];
      // The generator's promise, checked by the direct evaluator: nothing B allows is denied by A.
      expect([...evaluatedRows(cb, ca)]).toEqual([]);
      const narrowed = diffClusters(ca, cb);
      expect(narrowed.added).toEqual([]);
      expect(narrowed.broadening).toBe(false);
      expect(diffClusters(cb, ca).removed).toEqual([]);
    }), { numRuns: 400 });
  });

  test('the same addresses written differently (an except or a cidr split in halves) are no change', () => {
    fc.assert(fc.property(addressClusterArb, fc.array(opArb(['splitExcept', 'splitCidr']), { minLength: 1, maxLength: 3 }), (a, ops) => {
      const b = ops.reduce(apply, a);
      expect(diffClusters(clusterOf(a), clusterOf(b))).toEqual({ added: [], removed: [], broadening: false, unanalyzed: [] });
      expect(diffClusters(clusterOf(b), clusterOf(a))).toEqual({ added: [], removed: [], broadening: false, unanalyzed: [] });
    }), { numRuns: 100 });
  });

  /** ClusterNetworkPolicies whose networks cut the same address list, in tiers around the NetworkPolicies. */
  const cnpArb = fc.record({
    tier: fc.constantFrom('Admin', 'Baseline'),
    priority: fc.constantFrom(1, 2),
    subject: fc.constantFrom({ namespaces: {} }, { pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: 'x' } } } }),
    egress: fc.array(fc.record({
      action: fc.constantFrom('Accept', 'Deny', 'Pass'),
      to: fc.array(fc.oneof(
        fc.record({ networks: fc.subarray(ADDRESS_CIDRS, { minLength: 1, maxLength: 2 }) }),
        fc.constant({ namespaces: {} }),
      ), { minLength: 1, maxLength: 2 }),
      protocols: fc.constantFrom(undefined, [{ tcp: { destinationPort: { number: 80 } } }], [{ udp: { destinationPort: { number: 53 } } }]),
    }, { requiredKeys: ['action', 'to'] }), { maxLength: 2 }),
  });
  const cnpObjects = (specs: any[]) => specs.map((spec, i) => ({
    apiVersion: 'policy.networking.k8s.io/v1alpha2',
    kind: 'ClusterNetworkPolicy',
    metadata: { name: `cnp${i}` },
    spec: { ...spec, egress: spec.egress.map((r: any) => (r.protocols === undefined ? { action: r.action, to: r.to } : r)) },
  }));

  test('with ClusterNetworkPolicy networks too, every added or removed block agrees with the direct evaluator', () => {
    const cnps = fc.array(cnpArb, { maxLength: 2 });
    fc.assert(fc.property(addressClusterArb, fc.array(addressPolicyArb, { maxLength: 2 }), cnps, cnps, (a, policies, xa, xb) => {
      const rawA = Reachability.fromObjects([...objectsOf(a), ...cnpObjects(xa)])._cluster();
      const rawB = Reachability.fromObjects([...objectsOf({ pods: a.pods, policies }), ...cnpObjects(xb)])._cluster();
      const [ca, cb] = withSharedStandIns(rawA, rawB);
      const d = diffClusters(rawA, rawB);
      expect([...outsideRows(d.added)].sort()).toEqual([...evaluatedRows(cb, ca)].sort());
      expect([...outsideRows(d.removed)].sort()).toEqual([...evaluatedRows(ca, cb)].sort());
    }), { numRuns: 60 });
  });

  test('every address the newer input opens to or from a pod is added, and every added block is opened at every address', () => {
    fc.assert(fc.property(addressClusterArb, fc.array(addressPolicyArb, { maxLength: 3 }), (a, policies) => {
      const b = { pods: a.pods, policies };
      const [rawA, rawB] = [clusterOf(a), clusterOf(b)];
      const [ca, cb] = withSharedStandIns(rawA, rawB);
      const d = diffClusters(rawA, rawB);
      expect([...outsideRows(d.added)].sort()).toEqual([...evaluatedRows(cb, ca)].sort());
      expect([...outsideRows(d.removed)].sort()).toEqual([...evaluatedRows(ca, cb)].sort());
    }), { numRuns: 100 });
  });
});
