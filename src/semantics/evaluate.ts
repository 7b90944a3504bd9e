/**
 * The direct evaluator: one flow, every policy looked at, with the reasons kept for explanations.
 * The grouped matrix engine (`matrix.ts`) must agree with it on every pair.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
import { actionWord } from './cluster-policy';
import {
  Cluster, ClusterAction, ClusterPeer, ClusterPolicy, ClusterRule, ClusterTier, Endpoint, IpBlockPeer, Peer, Policy, PolicyPort, QueryPort,
  queryPortText, Rule,
} from './model';
import { selectorMatches } from './selector';
import * as ps from '../model/port-set';
import { cidrContainsIp, IpAddress } from '../private/cidr';
import { MAX_FREE_TEXT, quote } from '../private/text';

/** Either end of a flow: a pod (or workload), or an IP address that is not a known pod. */
export interface Target {
  readonly endpoint?: Endpoint;
  readonly ip?: IpAddress;
  /** `ns/name` or the IP text. */
  readonly id: string;
}

/** The first ClusterNetworkPolicy rule of a tier that matched a flow. */
export interface ClusterDecision {
  readonly tier: ClusterTier;
  readonly policy: ClusterPolicy;
  readonly rule: ClusterRule;
  readonly action: ClusterAction;
}

/** Which tier decided one side: Admin, NetworkPolicy, Baseline, or the default (allow). */
export type DecidedBy = 'admin' | 'networkpolicy' | 'baseline' | 'default';

export interface SideVerdict {
  readonly direction: 'ingress' | 'egress';
  /** The pod whose policies are checked: the source for egress, the destination for ingress. */
  readonly subject: Endpoint;
  /** Policies that select the subject and isolate it in this direction. */
  readonly isolating: readonly Policy[];
  /** `policy ns/name spec.ingress[1]` for every rule that allows the flow. */
  readonly allowedBy: readonly string[];
  readonly allowed: boolean;
  /** The tier whose answer is final for this side. */
  readonly decidedBy: DecidedBy;
  /** The first matching Admin tier rule (its action Accept, Deny, or Pass to the next tiers). */
  readonly admin?: ClusterDecision;
  /** The first matching Baseline tier rule, when evaluation reached the Baseline tier. */
  readonly baseline?: ClusterDecision;
  /**
   * ClusterNetworkPolicy peers passed over because whether they match cannot be decided offline (`nodes`,
   * `domainNames` against an IP address), as `policy name spec.egress[0].to[1]`.
   */
  readonly undecidable: readonly string[];
}

export interface FlowVerdict {
  /** Known to be allowed. False when denied, and when the flow cannot be decided offline (`undecidable`). */
  readonly allowed: boolean;
  /** Source and destination are the same pod: a pod cannot block access to itself. */
  readonly self: boolean;
  /**
   * Source and destination are the same workload standing for more than one pod: the verdict is the one between two
   * different replicas (a replica reaching itself is always allowed, see `self`).
   */
  readonly replicas?: boolean;
  /**
   * Why the flow cannot be decided offline (an end uses the host network); `allowed` is then false, and
   * `policiesAllow` says what the policies alone would answer.
   */
  readonly undecidable?: string;
  /** What the policies alone say; differs from `allowed` only for an undecidable flow. */
  readonly policiesAllow: boolean;
  /** The destination port number, after resolving a named query port. */
  readonly port?: number;
  /** Why the query port has no number on this destination. */
  readonly portProblem?: string;
  readonly egress?: SideVerdict;
  readonly ingress?: SideVerdict;
}

export function ipBlockContains(block: IpBlockPeer, ip: IpAddress): boolean {
  return cidrContainsIp(block.cidr, ip) && !block.except.some((e) => cidrContainsIp(e, ip));
}

/**
 * The port number a query means on a destination: the number itself, or the container port a name resolves to.
 * A name only resolves on a pod that declares it for the query's protocol.
 */
export function resolveQueryPort(q: QueryPort, dst: Target): { port?: number; problem?: string } {
  if (q.name === undefined) return { port: q.port };
  if (!dst.endpoint) return { problem: `the named port ${queryPortText(q)} cannot be resolved on ${dst.id}, which is not a pod` };
  const found = dst.endpoint.ports.find((p) => p.name === q.name && p.protocol === q.protocol);
  if (!found) return { problem: `${dst.id} declares no ${q.protocol} container port named "${q.name}"` };
  return { port: found.port };
}

/** What a rule's `ports` say, computed once per rule (the port-set algebra, shared with the analyses and lint). */
const SPECS = new WeakMap<object, ps.PortSpec>();
export function ruleSpec(rule: { readonly ports?: readonly PolicyPort[] }): ps.PortSpec {
  let spec = SPECS.get(rule);
  if (!spec) SPECS.set(rule, (spec = ps.portSpecOf(rule.ports)));
  return spec;
}

/**
 * Whether a rule's ports allow a connection to `port` on `dst`. Named entries resolve on the destination pod's
 * container ports (same name and protocol); an IP destination has none, so they never match it.
 */
export function portsMatch(rule: { readonly ports?: readonly PolicyPort[] }, protocol: string, port: number, dst: Target): boolean {
  return ps.specAllows(ruleSpec(rule), protocol, port, dst.endpoint?.ports ?? []);
}

/** A peer of a policy in `policyNamespace` against the other end of the flow. */
export function peerMatches(cluster: Cluster, peer: Peer, policyNamespace: string, other: Target): boolean {
  if (peer.ipBlock) {
    const block = peer.ipBlock;
    if (other.ip) return ipBlockContains(block, other.ip);
    return other.endpoint!.ips.some((ip) => ipBlockContains(block, ip));
  }
  const pod = other.endpoint;
  if (!pod) return false; // selectors only ever match pods
  if (peer.namespaceSelector) {
    const ns = cluster.namespaces.get(pod.namespace)!;
    if (!selectorMatches(peer.namespaceSelector, ns.labels)) return false;
  } else if (pod.namespace !== policyNamespace) {
    return false; // podSelector alone: the policy's own namespace only
  }
  return peer.podSelector === undefined || selectorMatches(peer.podSelector, pod.labels);
}

export function ruleMatches(cluster: Cluster, policy: Policy, rule: Rule, other: Target, protocol: string, port: number, dst: Target): boolean {
  return portsMatch(rule, protocol, port, dst)
    && (rule.peers === undefined || rule.peers.some((p) => peerMatches(cluster, p, policy.namespace, other)));
}

export function policySelects(policy: Policy, pod: Endpoint): boolean {
  return policy.namespace === pod.namespace && selectorMatches(policy.podSelector, pod.labels);
}

/** Whether a ClusterNetworkPolicy's subject holds a pod: `namespaces`, or `pods` (namespace AND pod selector). */
export function clusterPolicySelects(cluster: Cluster, policy: ClusterPolicy, pod: Endpoint): boolean {
  const nsLabels = cluster.namespaces.get(pod.namespace)!.labels;
  if (policy.subjectNamespaces) return selectorMatches(policy.subjectNamespaces, nsLabels);
  const pods = policy.subjectPods!;
  return selectorMatches(pods.namespaceSelector, nsLabels) && selectorMatches(pods.podSelector, pod.labels);
}

/**
 * A ClusterNetworkPolicy peer against the other end of a flow: `true`, `false`, or `undefined` when it cannot be
 * decided offline (a `domainNames` peer, or a `nodes` peer when the input holds no Node, against an IP address; they
 * never match a pod).
 */
export function clusterPeerMatches(cluster: Cluster, peer: ClusterPeer, other: Target): boolean | undefined {
  if (peer.networks) {
    const ips = other.ip ? [other.ip] : other.endpoint!.ips;
    return peer.networks.some((cidr) => ips.some((ip) => cidrContainsIp(cidr, ip)));
  }
  if (peer.nodes && cluster.nodes && !other.endpoint) {
    const ip = other.ip!;
    return cluster.nodes.some((n) => selectorMatches(peer.nodes!, n.labels) && n.ips.some((x) => x.family === ip.family && x.value === ip.value));
  }
  if (peer.undecidable) return other.endpoint ? false : undefined;
  const pod = other.endpoint;
  if (!pod) return false; // namespaces and pods peers only ever match pods
  const nsLabels = cluster.namespaces.get(pod.namespace)!.labels;
  if (peer.namespaces) return selectorMatches(peer.namespaces, nsLabels);
  return selectorMatches(peer.pods!.namespaceSelector, nsLabels) && selectorMatches(peer.pods!.podSelector, pod.labels);
}

/**
 * The first rule of a tier that matches: policies by priority then name (the order `cluster.clusterPolicies` is
 * kept in), rules in written order. A rule matches when one of its peers matches and its protocols match.
 */
function firstClusterMatch(
  cluster: Cluster, tier: ClusterTier, direction: 'ingress' | 'egress', subject: Endpoint, other: Target, dst: Target,
  protocol: string, port: number, undecidable: string[], selecting?: readonly ClusterPolicy[],
): ClusterDecision | undefined {
  for (const policy of selecting ?? cluster.clusterPolicies ?? []) {
    if (policy.tier !== tier) continue;
    const rules = direction === 'ingress' ? policy.ingress : policy.egress;
    if (rules.length === 0 || (!selecting && !clusterPolicySelects(cluster, policy, subject))) continue;
    for (const rule of rules) {
      if (!portsMatch(rule, protocol, port, dst)) continue;
      let matched = false;
      for (const peer of rule.peers) {
        const m = clusterPeerMatches(cluster, peer, other);
        if (m === undefined) undecidable.push(`${policy.kind} ${policy.name} ${peer.path} (${peer.undecidable})`);
        if (m === true) {
          matched = true;
          break;
        }
      }
      if (matched) return { tier, policy, rule, action: rule.action };
    }
  }
  return undefined;
}

/**
 * One side of a flow, tier by tier: the first matching Admin rule decides unless it is a Pass; then NetworkPolicy
 * decides for a pod it isolates in this direction; then the first matching Baseline rule unless it is a Pass; then
 * the default, allow.
 *
 * @see https://network-policy-api.sigs.k8s.io/api-overview/
 */
function evaluateSide(
  cluster: Cluster, direction: 'ingress' | 'egress', subject: Endpoint, other: Target, dst: Target, protocol: string, port: number,
): SideVerdict {
  const np = evaluateNetworkPolicies(cluster, direction, subject, other, dst, protocol, port);
  const undecidable: string[] = [];
  const base = { direction, subject, isolating: np.isolating, allowedBy: np.allowedBy, undecidable };
  const admin = firstClusterMatch(cluster, 'Admin', direction, subject, other, dst, protocol, port, undecidable);
  if (admin && admin.action !== 'Pass') return { ...base, admin, decidedBy: 'admin', allowed: admin.action === 'Accept' };
  if (np.isolating.length > 0) return { ...base, ...(admin ? { admin } : {}), decidedBy: 'networkpolicy', allowed: np.allowedBy.length > 0 };
  const baseline = firstClusterMatch(cluster, 'Baseline', direction, subject, other, dst, protocol, port, undecidable);
  const tiers = { ...(admin ? { admin } : {}), ...(baseline ? { baseline } : {}) };
  if (baseline && baseline.action !== 'Pass') return { ...base, ...tiers, decidedBy: 'baseline', allowed: baseline.action === 'Accept' };
  return { ...base, ...tiers, decidedBy: 'default', allowed: true };
}

/**
 * One side's answer from the tiers around a NetworkPolicy answer computed elsewhere (the grouped engines): `np` is
 * the NetworkPolicy verdict, `undefined` when no NetworkPolicy isolates the subject in this direction. `selecting`,
 * when given, is the ClusterNetworkPolicies known to select the subject, in evaluation order. Same order of tiers
 * as `evaluateSide`, which stays the reference (property tests check the two against an oracle).
 */
export function tieredAllowed(
  cluster: Cluster, direction: 'ingress' | 'egress', subject: Endpoint, other: Target, dst: Target, protocol: string, port: number,
  np: boolean | undefined, selecting?: readonly ClusterPolicy[],
): boolean {
  const ignored: string[] = [];
  const admin = firstClusterMatch(cluster, 'Admin', direction, subject, other, dst, protocol, port, ignored, selecting);
  if (admin && admin.action !== 'Pass') return admin.action === 'Accept';
  if (np !== undefined) return np;
  const baseline = firstClusterMatch(cluster, 'Baseline', direction, subject, other, dst, protocol, port, ignored, selecting);
  return !baseline || baseline.action !== 'Deny';
}

function evaluateNetworkPolicies(
  cluster: Cluster, direction: 'ingress' | 'egress', subject: Endpoint, other: Target, dst: Target, protocol: string, port: number,
): { isolating: Policy[]; allowedBy: string[] } {
  const isolating: Policy[] = [];
  const allowedBy: string[] = [];
  for (const policy of cluster.policies) {
    if (!(direction === 'ingress' ? policy.isolatesIngress : policy.isolatesEgress)) continue;
    if (!policySelects(policy, subject)) continue;
    isolating.push(policy);
    // Rules only count for the directions the policy isolates: egress rules of an ingress-only policy are inert.
    for (const rule of direction === 'ingress' ? policy.ingress : policy.egress) {
      if (ruleMatches(cluster, policy, rule, other, protocol, port, dst)) allowedBy.push(`policy ${policy.id} ${rule.path}`);
    }
  }
  return { isolating, allowedBy };
}

/**
 * A -> B is allowed when A's egress allows it and B's ingress allows it. An IP end that is not a pod has no
 * policies of its own, so only the pod end is checked.
 *
 * @param ignoreSelf evaluate as if the two ends were distinct pods (replicas of one workload)
 */
export function evaluateFlow(cluster: Cluster, src: Target, dst: Target, q: QueryPort, ignoreSelf = false): FlowVerdict {
  const same = src.endpoint !== undefined && src.endpoint === dst.endpoint;
  // A workload of several pods to itself means one replica to another: the policies decide it like any other pair.
  const replicas = same && isReplicated(src.endpoint!);
  const self = same && !ignoreSelf && !replicas;
  const resolved = resolveQueryPort(q, dst);
  if (resolved.port === undefined) {
    return { allowed: false, policiesAllow: false, self, ...(replicas ? { replicas } : {}), portProblem: resolved.problem };
  }
  const port = resolved.port;
  const egress = src.endpoint ? evaluateSide(cluster, 'egress', src.endpoint, dst, dst, q.protocol, port) : undefined;
  const ingress = dst.endpoint ? evaluateSide(cluster, 'ingress', dst.endpoint, src, dst, q.protocol, port) : undefined;
  // "A pod cannot block access to itself" (Kubernetes docs, Network Policies).
  const policiesAllow = self || ((egress?.allowed ?? true) && (ingress?.allowed ?? true));
  const undecidable = self ? undefined : hostNetworkReason(src, dst);
  return {
    allowed: policiesAllow && undecidable === undefined,
    policiesAllow,
    self,
    ...(replicas ? { replicas } : {}),
    ...(undecidable !== undefined ? { undecidable } : {}),
    port,
    egress,
    ingress,
  };
}

/** An endpoint that stands for more than one pod: `replicas > 1`, or a DaemonSet (one pod per node). */
export function isReplicated(e: Endpoint): boolean {
  return e.replicas > 1;
}

/**
 * Why a flow between two ends cannot be decided offline, or `undefined`: an end that uses the host network.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-and-hostnetwork-pods
 */
export function hostNetworkReason(src: Target, dst: Target): string | undefined {
  const ends = [src.endpoint, dst.endpoint].filter((e, k, all): e is Endpoint => e !== undefined && e.hostNetwork && all.indexOf(e) === k);
  if (ends.length === 0) return undefined;
  const names = ends.map((e) => `${e.kind} ${e.id}`).join(' and ');
  return `${names} ${ends.length === 1 ? 'uses' : 'use'} the host network (spec.hostNetwork: true), and the behaviour of NetworkPolicy `
    + 'for host-network pods is undefined upstream: most network plugins cannot tell their traffic from their node\'s, usually let '
    + 'ingress to them in, and ignore policies that select them; check it in the cluster';
}

/** Multi-line, human-readable reasons for a verdict. */
export function explainFlow(cluster: Cluster, src: Target, dst: Target, q: QueryPort): string {
  const v = evaluateFlow(cluster, src, dst, q);
  const lines: string[] = [];
  const portText = q.name !== undefined && v.port !== undefined ? `${queryPortText(q)} (= ${q.protocol}/${v.port} on ${dst.id})` : queryPortText(q);
  const verdict = v.undecidable !== undefined ? 'UNDECIDABLE' : v.allowed ? 'ALLOWED' : 'DENIED';
  const between = v.replicas ? ` between two different replicas (${replicaCount(src.endpoint!)})` : '';
  lines.push(`${src.id} -> ${dst.id} on ${portText}: ${verdict}${between}`);
  if (v.portProblem) {
    lines.push(`  port: ${v.portProblem}, so there is nothing to connect to`);
    return lines.join('\n');
  }
  if (v.self) {
    lines.push('  same pod: a pod cannot block access to itself (Kubernetes docs, "Network Policies"), so no policy is consulted');
    if ((cluster.clusterPolicies?.length ?? 0) > 0) lines.push('  (nor ClusterNetworkPolicy: a pod connecting to its own pod IP is not subject to it, network-policy-api docs)');
    if (src.endpoint!.kind !== 'Pod') {
      const replicas = evaluateFlow(cluster, src, dst, q, true);
      const would = replicas.undecidable !== undefined ? 'be UNDECIDABLE offline' : replicas.allowed ? 'ALLOW it' : 'DENY it';
      lines.push(`  if ${src.endpoint!.kind} ${src.id} ran more than one replica (it declares ${src.endpoint!.replicas}), between two of them policies would ${would}:`);
      lines.push(...sideLines(cluster, replicas, src, dst, q).map((l) => `  ${l}`));
    }
    return lines.join('\n');
  }
  if (v.undecidable !== undefined) {
    lines.push(`  undecidable offline: ${v.undecidable}`);
    lines.push(`  the policies alone would ${v.policiesAllow ? 'ALLOW' : 'DENY'} it:`);
    lines.push(...sideLines(cluster, v, src, dst, q).map((l) => `  ${l}`));
  } else {
    lines.push(...sideLines(cluster, v, src, dst, q));
  }
  if (v.replicas) {
    lines.push('  the same pod (a replica reaching itself) is always allowed: a pod cannot block access to itself (Kubernetes docs, "Network Policies")');
  }
  return lines.join('\n');
}

function replicaCount(e: Endpoint): string {
  if (e.replicas === Infinity) return `${e.kind} ${e.id}: one pod per node`;
  return `${e.kind} ${e.id}: ${e.replicas} ${e.kind === 'Job' ? 'in parallel' : 'replicas'}`;
}

/** `Deny by ClusterNetworkPolicy name (Admin tier, priority 10) spec.ingress[0] "rule-name"`: the rule name quoted and escaped. */
function decisionText(d: ClusterDecision): string {
  const ruleName = d.rule.name !== undefined ? ` ${quote(d.rule.name, MAX_FREE_TEXT)}` : '';
  const priority = d.policy.kind === 'BaselineAdminNetworkPolicy' ? '' : `, priority ${d.policy.priority}`;
  return `${actionWord(d.policy.kind, d.action)} by ${d.policy.kind} ${d.policy.name} (${d.tier} tier${priority}) ${d.rule.path}${ruleName}`;
}

/**
 * The ipBlocks that would admit an IP address but for an `except`: on rules of the side's isolating policies whose
 * ports match. `policy shop/web spec.egress[0].to[1]: ipBlock 10.0.0.0/8 except 10.1.0.0/16 would allow 10.1.2.3,
 * but its except 10.1.0.0/16 leaves it out`.
 */
function exceptedBy(side: SideVerdict, other: Target, protocol: string, port: number | undefined, dst: Target): string[] {
  const ip = other.ip;
  if (!ip || port === undefined) return [];
  const out: string[] = [];
  for (const policy of side.isolating) {
    for (const rule of side.direction === 'ingress' ? policy.ingress : policy.egress) {
      if (!portsMatch(rule, protocol, port, dst)) continue;
      for (const peer of rule.peers ?? []) {
        const block = peer.ipBlock;
        if (!block || !cidrContainsIp(block.cidr, ip)) continue;
        const except = block.except.find((e) => cidrContainsIp(e, ip));
        if (except) out.push(`policy ${policy.id} ${peer.path}: ipBlock ${block.cidr.text} would allow ${other.id}, but its except ${except.text} leaves it out`);
      }
    }
  }
  return out;
}

function sideLines(cluster: Cluster, v: FlowVerdict, src: Target, dst: Target, q: QueryPort): string[] {
  const lines: string[] = [];
  const tiers = (cluster.clusterPolicies?.length ?? 0) > 0;
  const describeSide = (side: SideVerdict | undefined, direction: string, end: string) => {
    if (!side) {
      lines.push(`  ${direction} of ${end}: not a pod, so no ${tiers ? 'NetworkPolicy or ClusterNetworkPolicy' : 'NetworkPolicy'} applies on this side`);
      return;
    }
    const subject = side.subject.id;
    const type = side.direction === 'ingress' ? 'Ingress' : 'Egress';
    for (const u of side.undecidable) {
      lines.push(`  ${direction} of ${subject}: UNDECIDABLE offline whether ${u} matches ${side.direction === 'ingress' ? src.id : dst.id}; answered as if it does not`);
    }
    if (side.admin) {
      const final = side.admin.action === 'Pass' ? ': the decision passes down to NetworkPolicy' : ', final';
      lines.push(`  ${direction} of ${subject}: ${side.admin.action === 'Accept' ? 'allowed' : side.admin.action === 'Deny' ? 'denied' : 'passed on'}: ${decisionText(side.admin)}${final}`);
      if (side.decidedBy === 'admin') return;
    } else if (tiers) {
      lines.push(`  ${direction} of ${subject}: no Admin tier rule matches`);
    }
    if (side.isolating.length === 0) {
      if (!tiers) {
        lines.push(`  ${direction} of ${subject}: not isolated (no policy selects it for ${type}), so everything is allowed`);
        return;
      }
      lines.push(`  ${direction} of ${subject}: no NetworkPolicy selects it for ${type}, so the Baseline tier applies`);
      if (side.baseline) {
        const verb = side.baseline.action === 'Accept' ? 'allowed' : side.baseline.action === 'Deny' ? 'denied' : 'passed on';
        const final = side.baseline.action === 'Pass' ? ': the default applies, everything is allowed' : ', final';
        lines.push(`  ${direction} of ${subject}: ${verb}: ${decisionText(side.baseline)}${final}`);
      } else {
        lines.push(`  ${direction} of ${subject}: no Baseline tier rule matches, so the default applies: allowed`);
      }
      return;
    }
    lines.push(`  ${direction} of ${subject}: isolated by ${side.isolating.map((p) => `policy ${p.id}`).join(', ')}${tiers ? ' (NetworkPolicy decides, the Baseline tier is not consulted)' : ''}`);
    if (side.allowedBy.length > 0) {
      for (const by of side.allowedBy) lines.push(`    allowed by ${by}`);
    } else {
      lines.push('    no rule of these policies allows this peer and port');
      for (const e of exceptedBy(side, side.direction === 'ingress' ? src : dst, q.protocol, v.port, dst)) lines.push(`    ${e}`);
    }
  };
  describeSide(v.egress, 'egress', src.id);
  describeSide(v.ingress, 'ingress', dst.id);
  return lines;
}
