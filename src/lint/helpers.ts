/**
 * Questions the rules ask of the engine's model. Matching is the engine's (`peerMatches`, `policySelects`,
 * `selectorMatches`); this file only adds what a linter needs on top: "is the input complete enough to tell?".
 */
import { peerMatches, policySelects } from '../semantics/evaluate';
import { NAMESPACE_NAME_LABEL } from '../semantics/load';
import { Cluster, Endpoint, Peer, Policy, PolicyPort, Requirement, Rule, Selector } from '../semantics/model';

export function policyObject(p: Policy): string {
  return `NetworkPolicy ${p.id}`;
}

export function endpointObject(e: Endpoint): string {
  return `${e.kind} ${e.id}`;
}

/** The pods and workloads of the input that a policy selects. */
export function selectedEndpoints(cluster: Cluster, policy: Policy): Endpoint[] {
  return cluster.endpoints.filter((e) => policySelects(policy, e));
}

/** True when the input holds at least one pod or workload of the namespace: only then can "matches nothing" be told. */
export function namespaceKnown(cluster: Cluster, namespace: string): boolean {
  return cluster.endpoints.some((e) => e.namespace === namespace);
}

export function isEmptySelector(s: Selector | undefined): boolean {
  return s !== undefined && s.requirements.length === 0;
}

/** The namespace names a namespaceSelector pins with `kubernetes.io/metadata.name` (In), if it does. */
export function pinnedNamespaces(s: Selector): string[] | undefined {
  const pins = s.requirements.filter((r) => r.key === NAMESPACE_NAME_LABEL && r.operator === 'In');
  if (pins.length === 0) return undefined;
  // Several pins are ANDed: only names in every one of them.
  return [...pins[0].values].filter((v) => pins.every((r) => r.values.has(v))).sort();
}

/** What a selector peer matches in the input, and whether the input is complete enough to be sure of it. */
export interface PeerMatch {
  readonly matches: Endpoint[];
  /**
   * True when every pod the peer could select in a real cluster is in the input: the peer selects pods of known
   * namespaces only (its own, or namespaces pinned by name whose labels are known). False for ipBlock peers,
   * label-based namespace selectors, and namespaces absent from the input: there, "matches nothing" is unknown.
   */
  readonly complete: boolean;
}

export function peerMatch(cluster: Cluster, peer: Peer, policyNamespace: string): PeerMatch {
  const matches = cluster.endpoints.filter((e) => peerMatches(cluster, peer, policyNamespace, { endpoint: e, id: e.id }));
  if (peer.ipBlock) return { matches, complete: false };
  if (!peer.namespaceSelector) return { matches, complete: namespaceKnown(cluster, policyNamespace) };
  const pinned = pinnedNamespaces(peer.namespaceSelector);
  if (pinned === undefined) return { matches, complete: false };
  const onlyName = peer.namespaceSelector.requirements.every((r) => r.key === NAMESPACE_NAME_LABEL);
  const complete = pinned.every((name) => namespaceKnown(cluster, name) && (onlyName || cluster.namespaces.get(name)?.declared === true));
  return { matches, complete };
}

/** True when a port entry allows `protocol`/`port` (numeric ports only; a named entry never counts). */
export function entryCovers(entry: PolicyPort, protocol: string, port: number): boolean {
  if (entry.protocol !== protocol || entry.name !== undefined) return false;
  if (entry.port === undefined) return true;
  return port >= entry.port && port <= (entry.endPort ?? entry.port);
}

export function ruleCoversPort(rule: Rule, protocol: string, port: number): boolean {
  return rule.ports === undefined || rule.ports.some((e) => entryCovers(e, protocol, port));
}

/** True when an ipBlock is the whole address space of its family (`0.0.0.0/0`, `::/0`). */
export function isWholeRange(peer: Peer): boolean {
  return peer.ipBlock !== undefined && peer.ipBlock.cidr.prefix === 0;
}

/**
 * True when the egress rule lets a pod reach a DNS server on UDP/53: its ports cover UDP/53 and one of its peers
 * may be a DNS server (any namespaceSelector or ipBlock peer, even when no pod of the input matches it: the cluster
 * DNS is rarely part of an app's manifests; or a podSelector peer that matches a pod of the input).
 */
export function allowsDns(cluster: Cluster, policy: Policy, rule: Rule): boolean {
  if (!ruleCoversPort(rule, 'UDP', 53)) return false;
  if (rule.peers === undefined) return true;
  return rule.peers.some((p) => p.namespaceSelector !== undefined || p.ipBlock !== undefined
    || peerMatch(cluster, p, policy.namespace).matches.length > 0);
}

function requirementText(r: Requirement): string {
  return `${r.key} ${r.operator} ${[...r.values].sort().join(',')}`;
}

/**
 * True when `outer` selects at least everything `inner` selects, judged from their requirements: requirements are
 * ANDed, so a selector whose requirements are a subset of another's selects a superset.
 */
export function selectorCovers(outer: Selector, inner: Selector): boolean {
  const innerTexts = new Set(inner.requirements.map(requirementText));
  return outer.requirements.every((r) => innerTexts.has(requirementText(r)));
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function list(items: readonly string[], max = 5): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}
