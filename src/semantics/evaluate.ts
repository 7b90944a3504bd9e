/**
 * The direct evaluator: one flow, every policy looked at, with the reasons kept for explanations.
 * The grouped matrix engine (`matrix.ts`) must agree with it on every pair.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
import { Cluster, Endpoint, IpBlockPeer, Peer, Policy, QueryPort, queryPortText, Rule } from './model';
import { selectorMatches } from './selector';
import * as ps from '../model/port-set';
import { cidrContainsIp, IpAddress } from '../private/cidr';

/** Either end of a flow: a pod (or workload), or an IP address that is not a known pod. */
export interface Target {
  readonly endpoint?: Endpoint;
  readonly ip?: IpAddress;
  /** `ns/name` or the IP text. */
  readonly id: string;
}

export interface SideVerdict {
  readonly direction: 'ingress' | 'egress';
  /** The pod whose policies are checked: the source for egress, the destination for ingress. */
  readonly subject: Endpoint;
  /** Policies that select the subject and isolate it in this direction. */
  readonly isolating: readonly Policy[];
  /** `policy ns/name spec.ingress[1]` for every rule that allows the flow. */
  readonly allowedBy: readonly string[];
  readonly allowed: boolean;
}

export interface FlowVerdict {
  readonly allowed: boolean;
  /** Source and destination are the same pod: a pod cannot block access to itself. */
  readonly self: boolean;
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
const SPECS = new WeakMap<Rule, ps.PortSpec>();
export function ruleSpec(rule: Rule): ps.PortSpec {
  let spec = SPECS.get(rule);
  if (!spec) SPECS.set(rule, (spec = ps.portSpecOf(rule.ports)));
  return spec;
}

/**
 * Whether a rule's ports allow a connection to `port` on `dst`. Named entries resolve on the destination pod's
 * container ports (same name and protocol); an IP destination has none, so they never match it.
 */
export function portsMatch(rule: Rule, protocol: string, port: number, dst: Target): boolean {
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

function evaluateSide(
  cluster: Cluster, direction: 'ingress' | 'egress', subject: Endpoint, other: Target, dst: Target, protocol: string, port: number,
): SideVerdict {
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
  return { direction, subject, isolating, allowedBy, allowed: isolating.length === 0 || allowedBy.length > 0 };
}

/**
 * A -> B is allowed when A's egress allows it and B's ingress allows it. An IP end that is not a pod has no
 * policies of its own, so only the pod end is checked.
 *
 * @param ignoreSelf evaluate as if the two ends were distinct pods (replicas of one workload)
 */
export function evaluateFlow(cluster: Cluster, src: Target, dst: Target, q: QueryPort, ignoreSelf = false): FlowVerdict {
  const self = !ignoreSelf && src.endpoint !== undefined && src.endpoint === dst.endpoint;
  const resolved = resolveQueryPort(q, dst);
  if (resolved.port === undefined) {
    return { allowed: false, self, portProblem: resolved.problem };
  }
  const port = resolved.port;
  const egress = src.endpoint ? evaluateSide(cluster, 'egress', src.endpoint, dst, dst, q.protocol, port) : undefined;
  const ingress = dst.endpoint ? evaluateSide(cluster, 'ingress', dst.endpoint, src, dst, q.protocol, port) : undefined;
  // "A pod cannot block access to itself" (Kubernetes docs, Network Policies).
  const allowed = self || ((egress?.allowed ?? true) && (ingress?.allowed ?? true));
  return { allowed, self, port, egress, ingress };
}

/** Multi-line, human-readable reasons for a verdict. */
export function explainFlow(cluster: Cluster, src: Target, dst: Target, q: QueryPort): string {
  const v = evaluateFlow(cluster, src, dst, q);
  const lines: string[] = [];
  const portText = q.name !== undefined && v.port !== undefined ? `${queryPortText(q)} (= ${q.protocol}/${v.port} on ${dst.id})` : queryPortText(q);
  lines.push(`${src.id} -> ${dst.id} on ${portText}: ${v.allowed ? 'ALLOWED' : 'DENIED'}`);
  if (v.portProblem) {
    lines.push(`  port: ${v.portProblem}, so there is nothing to connect to`);
    return lines.join('\n');
  }
  if (v.self) {
    lines.push('  same pod: a pod cannot block access to itself (Kubernetes docs, "Network Policies"), so no policy is consulted');
    if (src.endpoint!.kind !== 'Pod') {
      const replicas = evaluateFlow(cluster, src, dst, q, true);
      lines.push(`  between two different replicas of ${src.endpoint!.kind} ${src.id}, policies would ${replicas.allowed ? 'ALLOW' : 'DENY'} it:`);
      lines.push(...sideLines(replicas, src, dst).map((l) => `  ${l}`));
    }
    return lines.join('\n');
  }
  lines.push(...sideLines(v, src, dst));
  return lines.join('\n');
}

function sideLines(v: FlowVerdict, src: Target, dst: Target): string[] {
  const lines: string[] = [];
  const describeSide = (side: SideVerdict | undefined, direction: string, end: string) => {
    if (!side) {
      lines.push(`  ${direction} of ${end}: not a pod, so no NetworkPolicy applies on this side`);
      return;
    }
    const subject = side.subject.id;
    if (side.isolating.length === 0) {
      lines.push(`  ${direction} of ${subject}: not isolated (no policy selects it for ${side.direction === 'ingress' ? 'Ingress' : 'Egress'}), so everything is allowed`);
      return;
    }
    lines.push(`  ${direction} of ${subject}: isolated by ${side.isolating.map((p) => `policy ${p.id}`).join(', ')}`);
    if (side.allowedBy.length > 0) {
      for (const by of side.allowedBy) lines.push(`    allowed by ${by}`);
    } else {
      lines.push('    no rule of these policies allows this peer and port');
    }
  };
  describeSide(v.egress, 'egress', src.id);
  describeSide(v.ingress, 'ingress', dst.id);
  return lines;
}
