/**
 * Connection sets: for every ordered pair of ends, every protocol and port allowed, from one analysis.
 *
 * Ends are the pods and workloads of the input, and the regions of the address space outside the cluster that the
 * input's ipBlocks tell apart (`external.ts`). Pods that no policy can tell apart form one class (as in the
 * one-port matrix): same namespace, same answers to every pod selector that can apply there, same ipBlock
 * memberships, same declarations of the named ports in play. The port set of a pair of classes is
 *
 *   egress(a, b) ∩ ingress(a, b)
 *
 * where each side is every port when the subject is not isolated in that direction, and otherwise the union of the
 * port specs of the rules (of the policies isolating it) whose peers match the other end, with named ports resolved
 * on the destination. Only pairs whose peers can match at all are visited, through per-class bitsets, so an isolated
 * cluster costs about its allowed pairs, not its pods squared.
 *
 * With ClusterNetworkPolicies (tiers, priorities, first match wins, Deny) a side is no longer a union of rules, so
 * each pair of classes (and each class and region) is decided by the direct evaluator, one port interval at a time:
 * the ports are cut at every bound of every rule and every port the destination declares, and one port of each
 * piece is evaluated. Exact, and slower: classes squared times pieces.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
import { ExternalRegion, externalRegions, ipBlockCidrs, regionAddress, regionInBlock } from './external';
import * as ps from '../model/port-set';
import { Bits } from '../private/bits';
import { Cidr } from '../private/cidr';
import {
  clusterPolicySelects, evaluateFlow, hostNetworkReason, ipBlockContains, isReplicated, policySelects, ruleSpec, SideVerdict, Target, tieredAllowed,
} from '../semantics/evaluate';
import { Cluster, ClusterPolicy, ClusterRule, Endpoint, Peer, Policy, Rule, Selector } from '../semantics/model';
import { selectorMatches } from '../semantics/selector';

/** Where a stand-in's peer is written, or `declared in ...` for a pod of the input declared as one; else undefined. */
export function standInOf(e: Endpoint | undefined): string | undefined {
  return e?.standIn ?? e?.declaredStandIn;
}

/** A stand-in among the ends: built from a peer (where it is written), or declared in the input. */
export interface StandInEnd {
  readonly endpoint: string;
  readonly peer?: string;
  readonly declared?: string;
}

/** The stand-ins among endpoints, built from peers or declared, in their order. */
export function standInEndpoints(endpoints: readonly Endpoint[]): StandInEnd[] {
  return endpoints.flatMap((e): StandInEnd[] => (e.standIn !== undefined ? [{ endpoint: e.id, peer: e.standIn }]
    : e.declaredStandIn !== undefined ? [{ endpoint: e.id, declared: e.declaredStandIn }] : []));
}

/** One end of a connection: a pod (or workload) of the input, or a region outside the cluster. */
export interface End {
  /** `ns/name`, or the region's CIDR text. */
  readonly id: string;
  /** Index in `ConnectionAnalysis.ends`: pods first, in id order, then regions in canonical order. */
  readonly index: number;
  readonly endpoint?: Endpoint;
  readonly region?: ExternalRegion;
}

/** A rule that applies to a class, with what it matches. */
interface AppliedRule {
  readonly policy: Policy;
  readonly rule: Rule;
  /** Classes its peers match (as the other end); `undefined` for every peer. */
  readonly peers?: Bits;
  readonly spec: ps.PortSpec;
}

/** Why a connection is allowed: one line per side. */
export interface Opening {
  readonly direction: 'egress' | 'ingress';
  /** The pod whose policies decide this side. */
  readonly subject: string;
  /** `undefined` when the subject is not isolated in this direction (everything allowed). */
  readonly policy?: Policy;
  readonly rule?: Rule;
  /** The ClusterNetworkPolicy rule that decided this side (Admin or Baseline tier, Accept). */
  readonly clusterPolicy?: ClusterPolicy;
  readonly clusterRule?: ClusterRule;
}

const PEER_ALL = undefined;

export interface ConnectionOptions {
  /** More CIDRs to cut the outside into regions (e.g. those of another input, for a diff). */
  readonly extraCidrs?: readonly Cidr[];
  /** Put every pod in a class of its own (for testing that grouping changes nothing). */
  readonly noGrouping?: boolean;
}

/**
 * The connection sets of one cluster. Build once; enumerate with `forEach` (sorted, streaming).
 */
export class ConnectionAnalysis {
  public readonly ends: readonly End[];
  public readonly regions: readonly ExternalRegion[];
  private readonly cluster: Cluster;
  private readonly endpoints: readonly Endpoint[];
  /** Number of pod classes. */
  public readonly classCount: number;
  private readonly classOf: Int32Array;
  private readonly reps: number[] = [];
  private readonly members: number[][] = [];
  private readonly egressRules: (AppliedRule[] | undefined)[] = [];
  private readonly ingressRules: (AppliedRule[] | undefined)[] = [];
  /** Any-port candidates: the classes a class's egress may reach / ingress may admit; `undefined` = every class. */
  private readonly egressAny: (Bits | undefined)[] = [];
  private readonly ingressAny: (Bits | undefined)[] = [];
  /** Regions: per class, the port set towards / from each region. */
  private readonly toRegion: ps.PortSet[][] = [];
  private readonly fromRegion: ps.PortSet[][] = [];
  private readonly pairCache = new Map<number, { j: number; set: ps.PortSet }[]>();
  private pairCacheSize = 0;
  private readonly nsCache = new Map<string, string[]>();
  private readonly sideCache = new Map<number, ps.PortSet>();
  private readonly egressPolicies: Policy[][] = [];
  private readonly ingressPolicies: Policy[][] = [];
  private readonly endpointIndex: Map<Endpoint, number>;
  /** ClusterNetworkPolicies present: pairs are decided by the direct evaluator, port interval by port interval. */
  private readonly tiered: boolean;
  /** Per protocol, the sorted starts of the port pieces every rule's bounds cut (tiered mode). */
  private readonly cuts = new Map<string, number[]>();
  /** Per class, the ClusterNetworkPolicies that select its pods, in evaluation order (tiered mode). */
  private readonly selecting: ClusterPolicy[][] = [];

  constructor(cluster: Cluster, options: ConnectionOptions = {}) {
    this.cluster = cluster;
    this.endpoints = cluster.endpoints;
    this.endpointIndex = new Map(this.endpoints.map((e, i) => [e, i]));
    this.tiered = (cluster.clusterPolicies?.length ?? 0) > 0;
    this.regions = externalRegions([...ipBlockCidrs(cluster), ...(options.extraCidrs ?? [])]);
    this.ends = [
      ...this.endpoints.map((endpoint, index) => ({ id: endpoint.id, index, endpoint })),
      ...this.regions.map((region, k) => ({ id: region.id, index: this.endpoints.length + k, region })),
    ];
    const { classOf, count } = this.group(options.noGrouping === true);
    this.classOf = classOf;
    this.classCount = count;
    this.prepare();
  }

  /**
   * Port set from end `i` to end `j` (indexes into `ends`). For `i === j`: empty, except for an endpoint of several
   * pods (`replicas > 1`, DaemonSets), where it is the set between two different replicas.
   */
  public between(i: number, j: number): ps.PortSet {
    if (i === j && !this.replicated(i)) return ps.EMPTY;
    const P = this.endpoints.length;
    if (i >= P && j >= P) return ps.EMPTY; // outside to outside: not the cluster's business
    if (i >= P) return this.fromRegion[this.classOf[j]][i - P];
    if (j >= P) return this.toRegion[this.classOf[i]][j - P];
    return this.classPair(this.classOf[i], this.classOf[j]);
  }

  /**
   * Calls `f` for every ordered pair of distinct ends with a non-empty port set, and for the pair of an endpoint of
   * several pods with itself (two different replicas): sorted by source, then destination (pods in id order, then
   * regions). Streams: memory stays proportional to one source's row. With `focus` (one end or several), only the
   * pairs from or to one of those ends.
   */
  public forEach(f: (from: End, to: End, allowed: ps.PortSet) => void, focus?: number | readonly number[]) {
    const P = this.endpoints.length;
    const ends = this.ends;
    // Sorted: ends are indexed in output order (pods by id, then regions), so pairs stay sorted by destination.
    const focused = focus === undefined ? undefined : [...new Set(typeof focus === 'number' ? [focus] : focus)].sort((a, b) => a - b);
    const isFocused = focused === undefined ? undefined : new Set(focused);
    for (let i = 0; i < ends.length; i++) {
      if (i >= P) {
        // A region as the source: every pod whose ingress admits it.
        for (let j = 0; j < P; j++) {
          if (isFocused !== undefined && !isFocused.has(i) && !isFocused.has(j)) continue;
          const set = this.fromRegion[this.classOf[j]][i - P];
          if (!ps.isEmpty(set)) f(ends[i], ends[j], set);
        }
        continue;
      }
      if (focused !== undefined && !isFocused!.has(i)) {
        // Only the focused ends as destinations.
        for (const j of focused) {
          const set = this.between(i, j);
          if (!ps.isEmpty(set)) f(ends[i], ends[j], set);
        }
        continue;
      }
      const a = this.classOf[i];
      const self = this.replicated(i);
      for (const { j, set } of this.row(a)) if (j !== i || self) f(ends[i], ends[j], set);
      for (let k = 0; k < this.regions.length; k++) {
        const set = this.toRegion[a][k];
        if (!ps.isEmpty(set)) f(ends[i], ends[P + k], set);
      }
    }
  }

  /** The rules that allow `protocol`/`port` from end `i` to end `j`, per side (for explanations). */
  public openings(i: number, j: number, protocol: string, port: number): Opening[] {
    const P = this.endpoints.length;
    if (this.tiered) return this.tieredOpenings(i, j, protocol, port);
    const out: Opening[] = [];
    const one = ps.portSetOf([{ protocol, first: port, last: port }]);
    const side = (direction: 'egress' | 'ingress', subject: number, other: number | undefined, region: ExternalRegion | undefined) => {
      const c = this.classOf[subject];
      const rules = direction === 'egress' ? this.egressRules[c] : this.ingressRules[c];
      if (rules === undefined) {
        out.push({ direction, subject: this.endpoints[subject].id });
        return;
      }
      const dst = j < P ? this.endpoints[this.reps[this.classOf[j]]].ports : [];
      for (const r of rules) {
        const matches = other !== undefined ? (r.peers === PEER_ALL || r.peers.has(other)) : this.ruleMatchesRegion(r, region!);
        if (!matches) continue;
        if (ps.isEmpty(ps.intersection(ps.resolve(r.spec, dst), one))) continue;
        out.push({ direction, subject: this.endpoints[subject].id, policy: r.policy, rule: r.rule });
      }
    };
    if (i < P) side('egress', i, j < P ? this.classOf[j] : undefined, j >= P ? this.regions[j - P] : undefined);
    if (j < P) side('ingress', j, i < P ? this.classOf[i] : undefined, i >= P ? this.regions[i - P] : undefined);
    return out;
  }

  /**
   * How exposed pod `i` is: the ports any pod of any namespace may open to it (its ingress allows every namespace
   * and every pod: no isolation, a rule without peers, or a peer `namespaceSelector: {}` without a narrower pod
   * selector), the ports some address outside the cluster may open to it, and the ports it may open to every
   * address of a whole family (all of `0.0.0.0/0`, or all of `::/0`: the whole internet over IPv4 or over IPv6).
   */
  public exposure(i: number): { fromEveryNamespace: ps.PortSet; fromOutside: ps.PortSet; toWholeInternet: ps.PortSet } {
    const c = this.classOf[i];
    const rules = this.ingressRules[c];
    const dst = this.endpoints[i].ports;
    let fromEveryNamespace = ps.ALL_PORTS;
    if (rules !== undefined) {
      fromEveryNamespace = ps.EMPTY;
      for (const r of rules) {
        const everyone = r.rule.peers === undefined || r.rule.peers.some((p) => p.namespaceSelector !== undefined
          && p.namespaceSelector.requirements.length === 0 && (p.podSelector === undefined || p.podSelector.requirements.length === 0));
        if (everyone) fromEveryNamespace = ps.union(fromEveryNamespace, ps.resolve(r.spec, dst));
      }
    }
    let fromOutside = ps.EMPTY;
    for (const set of this.fromRegion[c]) fromOutside = ps.union(fromOutside, set);
    // Per family, the ports open to every region of it (the regions cover the family exactly); then either family.
    const perFamily = new Map<number, ps.PortSet>();
    this.regions.forEach((r, k) => {
      const f = r.node.family;
      const acc = perFamily.get(f);
      perFamily.set(f, acc === undefined ? this.toRegion[c][k] : ps.intersection(acc, this.toRegion[c][k]));
    });
    let toWholeInternet = ps.EMPTY;
    for (const set of perFamily.values()) toWholeInternet = ps.union(toWholeInternet, set);
    return { fromEveryNamespace, fromOutside, toWholeInternet };
  }

  /**
   * One side of a connection between pods `subject` and `other` (indexes of pods), over every port: what the
   * subject's egress allows towards `other` (direction egress), or what its ingress admits from `other` (ingress).
   * `undefined` when the subject is not isolated in that direction (everything is allowed).
   */
  public side(direction: 'egress' | 'ingress', subject: number, other: number): ps.PortSet | undefined {
    const cs = this.classOf[subject];
    const co = this.classOf[other];
    const rules = direction === 'egress' ? this.egressRules[cs] : this.ingressRules[cs];
    if (rules === undefined) return undefined;
    const key = (cs * this.classCount + co) * 2 + (direction === 'egress' ? 0 : 1);
    let set = this.sideCache.get(key);
    if (set === undefined) {
      const dst = this.endpoints[this.reps[direction === 'egress' ? co : cs]].ports;
      set = ps.EMPTY;
      for (const r of rules) if (r.peers === PEER_ALL || r.peers.has(co)) set = ps.union(set, ps.resolve(r.spec, dst));
      this.sideCache.set(key, set);
    }
    return set;
  }

  /** The policies that isolate pod `subject` in a direction, in id order. */
  public isolating(direction: 'egress' | 'ingress', subject: number): readonly Policy[] {
    const c = this.classOf[subject];
    return (direction === 'egress' ? this.egressPolicies : this.ingressPolicies)[c];
  }

  /** The index of a pod or workload of the cluster. */
  public indexOfEndpoint(e: Endpoint): number {
    return this.endpointIndex.get(e)!;
  }

  /** The index of an end by id, or -1. */
  public indexOf(id: string): number {
    const e = this.ends.find((x) => x.id === id);
    return e ? e.index : -1;
  }

  // --------------------------------------------------------------------------------------------------- internals

  /** A pod or workload of the input that stands for more than one pod. */
  private replicated(i: number): boolean {
    return i < this.endpoints.length && isReplicated(this.endpoints[i]);
  }

  private row(a: number): { j: number; set: ps.PortSet }[] {
    const cached = this.pairCache.get(a);
    if (cached) return cached;
    const out: { j: number; set: ps.PortSet }[] = [];
    const visit = (b: number) => {
      const set = this.classPair(a, b);
      if (ps.isEmpty(set)) return;
      for (const j of this.members[b]) out.push({ j, set });
    };
    const cand = this.egressAny[a];
    if (cand) cand.forEach(visit);
    else for (let b = 0; b < this.classCount; b++) visit(b);
    out.sort((x, y) => x.j - y.j);
    // Rows are reused by every pod of the class; keep them while memory allows.
    if (this.pairCacheSize > 5_000_000) {
      this.pairCache.clear();
      this.pairCacheSize = 0;
    }
    this.pairCache.set(a, out);
    this.pairCacheSize += out.length + 1;
    return out;
  }

  private targetOfEnd(i: number): Target {
    const P = this.endpoints.length;
    if (i < P) return { endpoint: this.endpoints[i], id: this.endpoints[i].id };
    return { ip: regionAddress(this.regions[i - P]), id: this.regions[i - P].id };
  }

  private tieredOpenings(i: number, j: number, protocol: string, port: number): Opening[] {
    const src = this.targetOfEnd(i);
    const dst = this.targetOfEnd(j);
    const v = evaluateFlow(this.cluster, src, dst, { protocol, port }, true);
    const out: Opening[] = [];
    const side = (s: SideVerdict | undefined) => {
      if (!s) return;
      const subject = s.subject.id;
      const decision = s.decidedBy === 'admin' ? s.admin : s.decidedBy === 'baseline' ? s.baseline : undefined;
      if (decision) {
        out.push({ direction: s.direction, subject, clusterPolicy: decision.policy, clusterRule: decision.rule });
      } else if (s.decidedBy === 'networkpolicy') {
        for (const policy of s.isolating) {
          for (const rule of s.direction === 'egress' ? policy.egress : policy.ingress) {
            if (s.allowedBy.includes(`policy ${policy.id} ${rule.path}`)) out.push({ direction: s.direction, subject, policy, rule });
          }
        }
      } else {
        out.push({ direction: s.direction, subject });
      }
    };
    side(v.egress);
    side(v.ingress);
    return out;
  }

  /**
   * The ports from `src` to `dst` allowed by every tier, evaluated one port piece at a time; `npEgress`/`npIngress`
   * are the NetworkPolicy tier's port sets of each side (`undefined` when no NetworkPolicy isolates it there).
   */
  private tieredSet(src: Target, dst: Target, npEgress: ps.PortSet | undefined, npIngress: ps.PortSet | undefined): ps.PortSet {
    const selecting = (t: Target) => this.selecting[this.classOf[this.endpointIndex.get(t.endpoint!)!]];
    const allowed = (protocol: string, port: number) => {
      const np = (set: ps.PortSet | undefined) => (set === undefined ? undefined : ps.hasPort(set, protocol, port));
      if (src.endpoint && !tieredAllowed(this.cluster, 'egress', src.endpoint, dst, dst, protocol, port, np(npEgress), selecting(src))) return false;
      return !dst.endpoint || tieredAllowed(this.cluster, 'ingress', dst.endpoint, src, dst, protocol, port, np(npIngress), selecting(dst));
    };
    const items: { protocol: string; first: number; last: number }[] = [];
    for (const protocol of ['TCP', 'UDP', 'SCTP']) {
      const starts = new Set(this.cutsOf(protocol));
      for (const d of dst.endpoint?.ports ?? []) {
        if (d.protocol !== protocol) continue;
        starts.add(d.port);
        if (d.port < 65535) starts.add(d.port + 1);
      }
      const sorted = [...starts].sort((x, y) => x - y);
      sorted.forEach((first, k) => {
        const last = k + 1 < sorted.length ? sorted[k + 1] - 1 : 65535;
        if (allowed(protocol, first)) items.push({ protocol, first, last });
      });
    }
    return ps.portSetOf(items);
  }

  private cutsOf(protocol: string): number[] {
    let cuts = this.cuts.get(protocol);
    if (cuts) return cuts;
    const starts = new Set<number>([1]);
    const add = (rule: { readonly ports?: Rule['ports'] }) => {
      for (const [lo, hi] of ruleSpec(rule).numbers.byProtocol.get(protocol) ?? []) {
        starts.add(lo);
        if (hi < 65535) starts.add(hi + 1);
      }
    };
    for (const p of this.cluster.policies) for (const r of [...p.ingress, ...p.egress]) add(r);
    for (const p of this.cluster.clusterPolicies ?? []) for (const r of [...p.ingress, ...p.egress]) add(r);
    cuts = [...starts].sort((x, y) => x - y);
    this.cuts.set(protocol, cuts);
    return cuts;
  }

  private classPair(a: number, b: number): ps.PortSet {
    if (this.tiered) {
      const key = a * this.classCount + b;
      let set = this.sideCache.get(-1 - key);
      if (set === undefined) {
        const dstPorts = this.endpoints[this.reps[b]].ports;
        const np = (rules: AppliedRule[] | undefined, other: number): ps.PortSet | undefined => {
          if (rules === undefined) return undefined;
          let acc = ps.EMPTY;
          for (const r of rules) if (r.peers === PEER_ALL || r.peers.has(other)) acc = ps.union(acc, ps.resolve(r.spec, dstPorts));
          return acc;
        };
        const [src, dst] = [this.targetOfEnd(this.reps[a]), this.targetOfEnd(this.reps[b])];
        set = this.tieredSet(src, dst, np(this.egressRules[a], b), np(this.ingressRules[b], a));
        this.sideCache.set(-1 - key, set);
      }
      return set;
    }
    const eAny = this.egressAny[a];
    if (eAny && !eAny.has(b)) return ps.EMPTY;
    const iAny = this.ingressAny[b];
    if (iAny && !iAny.has(a)) return ps.EMPTY;
    const dst = this.endpoints[this.reps[b]].ports;
    const side = (rules: AppliedRule[] | undefined, other: number): ps.PortSet => {
      if (rules === undefined) return ps.ALL_PORTS;
      let acc = ps.EMPTY;
      for (const r of rules) if (r.peers === PEER_ALL || r.peers.has(other)) acc = ps.union(acc, ps.resolve(r.spec, dst));
      return acc;
    };
    const egress = side(this.egressRules[a], b);
    if (ps.isEmpty(egress)) return ps.EMPTY;
    return ps.intersection(egress, side(this.ingressRules[b], a));
  }

  private ruleMatchesRegion(r: AppliedRule, region: ExternalRegion): boolean {
    if (r.rule.peers === undefined) return true;
    return r.rule.peers.some((p) => p.ipBlock !== undefined && regionInBlock(region, p.ipBlock));
  }

  /** Classes of pods: equal signatures share a class. */
  private group(noGrouping: boolean): { classOf: Int32Array; count: number } {
    const cluster = this.cluster;
    const endpoints = this.endpoints;
    const namedPorts = new Set<string>();
    const selectorsByNamespace = new Map<string, Map<string, Selector>>();
    const addSelector = (ns: string, s: Selector) => {
      let m = selectorsByNamespace.get(ns);
      if (!m) selectorsByNamespace.set(ns, (m = new Map()));
      m.set(s.text, s);
    };
    const ipBlocks = new Map<string, Peer>();
    for (const policy of cluster.policies) {
      addSelector(policy.namespace, policy.podSelector);
      for (const rule of [...policy.ingress, ...policy.egress]) {
        for (const e of rule.ports ?? []) if (e.name !== undefined) namedPorts.add(`${e.protocol}/${e.name}`);
        for (const peer of rule.peers ?? []) {
          if (peer.ipBlock) {ipBlocks.set(peer.ipBlock.text, peer);} else if (peer.podSelector) {
            const namespaces = peer.namespaceSelector ? this.namespacesMatching(peer.namespaceSelector) : [policy.namespace];
            for (const ns of namespaces) addSelector(ns, peer.podSelector);
          }
        }
      }
    }
    for (const policy of cluster.clusterPolicies ?? []) {
      const usePods = (pods: { namespaceSelector: Selector; podSelector: Selector } | undefined) => {
        if (pods) for (const ns of this.namespacesMatching(pods.namespaceSelector)) addSelector(ns, pods.podSelector);
      };
      usePods(policy.subjectPods);
      for (const rule of [...policy.ingress, ...policy.egress]) {
        for (const e of rule.ports ?? []) if (e.name !== undefined) namedPorts.add(`${e.protocol}/${e.name}`);
        for (const peer of rule.peers) {
          usePods(peer.pods);
          for (const cidr of peer.networks ?? []) ipBlocks.set(cidr.text, { path: peer.path, ipBlock: { cidr, except: [], text: cidr.text } });
        }
      }
    }
    const named = [...namedPorts].sort();
    const blocks = [...ipBlocks.values()];
    const classOf = new Int32Array(endpoints.length);
    const index = new Map<string, number>();
    endpoints.forEach((e, i) => {
      let key: string;
      if (noGrouping) {key = e.id;} else {
        const sels = selectorsByNamespace.get(e.namespace);
        const matched: string[] = [];
        if (sels) for (const [text, s] of sels) if (selectorMatches(s, e.labels)) matched.push(text);
        const ipBits = e.ips.length === 0 ? '' : blocks.map((p, k) => (e.ips.some((ip) => ipBlockContains(p.ipBlock!, ip)) ? k : -1)).filter((k) => k >= 0).join(',');
        const portSig = named.length === 0 ? '' : named.map((np) => e.ports.filter((p) => `${p.protocol}/${p.name}` === np).map((p) => p.port).join('+')).join(',');
        key = `${e.namespace}\u0000${matched.join('\u0001')}\u0000${ipBits}\u0000${portSig}`;
      }
      let c = index.get(key);
      if (c === undefined) {
        c = this.reps.length;
        index.set(key, c);
        this.reps.push(i);
        this.members.push([]);
      }
      classOf[i] = c;
      this.members[c].push(i);
    });
    return { classOf, count: this.reps.length };
  }

  private namespacesMatching(s: Selector): string[] {
    let hit = this.nsCache.get(s.text);
    if (!hit) {
      hit = [...this.cluster.namespaces.values()].filter((n) => selectorMatches(s, n.labels)).map((n) => n.name);
      this.nsCache.set(s.text, hit);
    }
    return hit;
  }

  private prepare() {
    const C = this.classCount;
    const cluster = this.cluster;
    const repOf = (c: number) => this.endpoints[this.reps[c]];
    const classesByNamespace = new Map<string, number[]>();
    for (let c = 0; c < C; c++) {
      const ns = repOf(c).namespace;
      if (!classesByNamespace.has(ns)) classesByNamespace.set(ns, []);
      classesByNamespace.get(ns)!.push(c);
    }
    // Peer bitsets, shared by every peer of the same meaning (same namespace scope, same selectors).
    const peerCache = new Map<string, Bits>();
    const peerBits = (policy: Policy, peer: Peer): Bits => {
      const key = peer.ipBlock ? `ip ${peer.ipBlock.text}` : `${peer.namespaceSelector ? `nss ${peer.namespaceSelector.text}` : `ns ${policy.namespace}`} ${peer.podSelector?.text ?? '*'}`;
      let bits = peerCache.get(key);
      if (bits) return bits;
      bits = new Bits(C);
      if (peer.ipBlock) {
        for (let c = 0; c < C; c++) if (repOf(c).ips.some((ip) => ipBlockContains(peer.ipBlock!, ip))) bits.set(c);
      } else {
        const nsList = peer.namespaceSelector ? this.namespacesMatching(peer.namespaceSelector) : [policy.namespace];
        for (const n of nsList) {
          for (const c of classesByNamespace.get(n) ?? []) if (!peer.podSelector || selectorMatches(peer.podSelector, repOf(c).labels)) bits.set(c);
        }
      }
      peerCache.set(key, bits);
      return bits;
    };
    const specCache = new Map<Rule, ps.PortSpec>();
    const applied = (policy: Policy, rule: Rule): AppliedRule => {
      let spec = specCache.get(rule);
      if (!spec) specCache.set(rule, (spec = ps.portSpecOf(rule.ports)));
      let peers: Bits | undefined;
      if (rule.peers !== undefined) {
        if (rule.peers.length === 1) {peers = peerBits(policy, rule.peers[0]);} else {
          peers = new Bits(C);
          for (const p of rule.peers) peers.or(peerBits(policy, p));
        }
      }
      return { policy, rule, peers, spec };
    };
    const appliedCache = new Map<Rule, AppliedRule>();
    const appliedOnce = (policy: Policy, rule: Rule) => {
      let a = appliedCache.get(rule);
      if (!a) appliedCache.set(rule, (a = applied(policy, rule)));
      return a;
    };

    // Which policies isolate each class, per direction.
    const policiesByNamespace = new Map<string, Policy[]>();
    for (const p of cluster.policies) {
      if (!policiesByNamespace.has(p.namespace)) policiesByNamespace.set(p.namespace, []);
      policiesByNamespace.get(p.namespace)!.push(p);
    }
    for (let c = 0; c < C; c++) {
      const rep = repOf(c);
      let egress: AppliedRule[] | undefined;
      let ingress: AppliedRule[] | undefined;
      const egressPolicies: Policy[] = [];
      const ingressPolicies: Policy[] = [];
      for (const p of policiesByNamespace.get(rep.namespace) ?? []) {
        if (!(p.isolatesEgress || p.isolatesIngress) || !policySelects(p, rep)) continue;
        if (p.isolatesEgress) {
          egressPolicies.push(p);
          egress ??= [];
          for (const r of p.egress) egress.push(appliedOnce(p, r));
        }
        if (p.isolatesIngress) {
          ingressPolicies.push(p);
          ingress ??= [];
          for (const r of p.ingress) ingress.push(appliedOnce(p, r));
        }
      }
      this.egressPolicies.push(egressPolicies);
      this.ingressPolicies.push(ingressPolicies);
      this.egressRules.push(egress);
      this.ingressRules.push(ingress);
      const any = (rules: AppliedRule[] | undefined): Bits | undefined => {
        if (rules === undefined || rules.some((r) => r.peers === PEER_ALL)) return undefined;
        if (rules.length === 1) return rules[0].peers;
        const bits = new Bits(C);
        for (const r of rules) bits.or(r.peers!);
        return bits;
      };
      this.egressAny.push(this.tiered ? undefined : any(egress));
      this.ingressAny.push(this.tiered ? undefined : any(ingress));
    }
    // Regions: the outside has no policies, so only the pod's side counts; named ports never match an IP.
    for (let c = 0; c < C; c++) {
      const rep = repOf(c);
      const towards = (rules: AppliedRule[] | undefined, declared: readonly ps.DeclaredPort[]) => this.regions.map((region) => {
        if (rules === undefined) return ps.ALL_PORTS;
        let acc = ps.EMPTY;
        for (const r of rules) if (this.ruleMatchesRegion(r, region)) acc = ps.union(acc, ps.resolve(r.spec, declared));
        return acc;
      });
      this.toRegion.push(towards(this.egressRules[c], []));
      this.fromRegion.push(towards(this.ingressRules[c], rep.ports));
    }
    if (this.tiered) {
      // The tiers around the NetworkPolicy answers just computed (undefined where the class is not isolated).
      const clusterPolicies = cluster.clusterPolicies ?? [];
      for (let c = 0; c < C; c++) this.selecting.push(clusterPolicies.filter((p) => clusterPolicySelects(cluster, p, repOf(c))));
      const P = this.endpoints.length;
      for (let c = 0; c < C; c++) {
        const pod = this.targetOfEnd(this.reps[c]);
        this.regions.forEach((_, k) => {
          const region = this.targetOfEnd(P + k);
          const npTo = this.egressRules[c] === undefined ? undefined : this.toRegion[c][k];
          const npFrom = this.ingressRules[c] === undefined ? undefined : this.fromRegion[c][k];
          this.toRegion[c][k] = this.tieredSet(pod, region, npTo, undefined);
          this.fromRegion[c][k] = this.tieredSet(region, pod, undefined, npFrom);
        });
      }
    }
  }
}

/**
 * Why the connections of an end cannot be decided offline (it uses the host network), or `undefined`. The analysis
 * itself computes what the policies say; the outputs (`connections`, `Reachability.connections()`) leave the pairs
 * of such ends out and list the ends apart.
 */
export function undecidableEnd(e: End): string | undefined {
  return e.endpoint?.hostNetwork ? hostNetworkReason({ endpoint: e.endpoint, id: e.id }, { endpoint: e.endpoint, id: e.id }) : undefined;
}

/** `[{protocol, ports: [[lo, hi], ...]}]`, the JSON form of a port set. */
export function portSetJson(set: ps.PortSet): { protocol: string; ports: number[][] }[] {
  return [...set.byProtocol].map(([protocol, ranges]) => ({ protocol, ports: ranges.map(([lo, hi]) => [lo, hi]) }));
}
