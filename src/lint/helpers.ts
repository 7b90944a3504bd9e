/**
 * Questions the rules ask of the engine's model. Matching is the engine's (`peerMatches`, `policySelects`,
 * `selectorMatches`); this file only adds what a linter needs on top: "is the input complete enough to tell?".
 */
import { ConnectionAnalysis } from '../analysis/connections';
import * as ps from '../model/port-set';
import { selectorContains } from '../model/selector-containment';
import { peerMatches as peerMatchesEngine, policySelects } from '../semantics/evaluate';
import { NAMESPACE_NAME_LABEL } from '../semantics/load';
import { Cluster, CustomResource, Endpoint, Peer, Policy, Rule, Selector } from '../semantics/model';
import { selectorMatches } from '../semantics/selector';

export function policyObject(p: Policy): string {
  return `NetworkPolicy ${p.id}`;
}

export function endpointObject(e: Endpoint): string {
  return `${e.kind} ${e.id}`;
}

/**
 * Lookups every rule shares, built once per cluster, so that no rule scans every pod for every policy: pods and
 * policies by namespace, the pods each policy selects, and what each peer matches (by the peer's meaning).
 */
interface ClusterIndex {
  readonly endpointsByNamespace: Map<string, Endpoint[]>;
  readonly policiesByNamespace: Map<string, Policy[]>;
  readonly endpointsWithIps: Endpoint[];
  readonly selected: Map<Policy, Endpoint[]>;
  readonly peerMatches: Map<string, Endpoint[]>;
  readonly namespacesMatching: Map<string, string[]>;
}

const INDEXES = new WeakMap<Cluster, ClusterIndex>();

function indexOf(cluster: Cluster): ClusterIndex {
  let index = INDEXES.get(cluster);
  if (index) return index;
  const endpointsByNamespace = new Map<string, Endpoint[]>();
  for (const e of cluster.endpoints) {
    if (!endpointsByNamespace.has(e.namespace)) endpointsByNamespace.set(e.namespace, []);
    endpointsByNamespace.get(e.namespace)!.push(e);
  }
  const policiesByNamespace = new Map<string, Policy[]>();
  for (const p of cluster.policies) {
    if (!policiesByNamespace.has(p.namespace)) policiesByNamespace.set(p.namespace, []);
    policiesByNamespace.get(p.namespace)!.push(p);
  }
  index = {
    endpointsByNamespace,
    policiesByNamespace,
    endpointsWithIps: cluster.endpoints.filter((e) => e.ips.length > 0),
    selected: new Map(),
    peerMatches: new Map(),
    namespacesMatching: new Map(),
  };
  INDEXES.set(cluster, index);
  return index;
}

const ANALYSES = new WeakMap<Cluster, ConnectionAnalysis>();

/** The cluster's connection analysis, built once for every rule that needs it. */
export function analysisOf(cluster: Cluster): ConnectionAnalysis {
  let a = ANALYSES.get(cluster);
  if (!a) ANALYSES.set(cluster, (a = new ConnectionAnalysis(cluster)));
  return a;
}

/** The pods and workloads of a namespace, in id order. */
export function endpointsIn(cluster: Cluster, namespace: string): readonly Endpoint[] {
  return indexOf(cluster).endpointsByNamespace.get(namespace) ?? [];
}

/** The policies of a namespace, in id order. */
export function policiesIn(cluster: Cluster, namespace: string): readonly Policy[] {
  return indexOf(cluster).policiesByNamespace.get(namespace) ?? [];
}

/** The namespaces that hold at least one pod or workload, sorted. */
export function namespacesWithEndpoints(cluster: Cluster): string[] {
  return [...indexOf(cluster).endpointsByNamespace.keys()].sort();
}

/** The pods and workloads of the input that a policy selects. */
export function selectedEndpoints(cluster: Cluster, policy: Policy): Endpoint[] {
  const index = indexOf(cluster);
  let hit = index.selected.get(policy);
  if (!hit) {
    hit = endpointsIn(cluster, policy.namespace).filter((e) => policySelects(policy, e));
    index.selected.set(policy, hit);
  }
  return hit;
}

/** True when the input holds at least one pod or workload of the namespace: only then can "matches nothing" be told. */
export function namespaceKnown(cluster: Cluster, namespace: string): boolean {
  return indexOf(cluster).endpointsByNamespace.has(namespace);
}

/**
 * The custom resources of the input that may make pods in a namespace an operator manages: those of the namespace and
 * the cluster-scoped ones. Where there are any, "selects nothing" is only as far as the input shows.
 */
export function podMakersIn(cluster: Cluster, namespaces: readonly string[]): CustomResource[] {
  const set = new Set(namespaces);
  return cluster.customResources.filter((r) => r.namespace === undefined || set.has(r.namespace));
}

/** ` (the input also holds Kafka data/events, which an operator may turn into pods the input does not show)`, or ''. */
export function podMakersNote(makers: readonly CustomResource[]): string {
  if (makers.length === 0) return '';
  const names = makers.map((r) => (r.namespace === undefined ? `${r.kind} ${r.name}` : `${r.kind} ${r.namespace}/${r.name}`));
  return `; but the input also holds ${list(names, 3)}, which an operator may turn into pods the input does not show, so check those pods' labels`;
}

/** The pods and workloads a peer of a policy in `policyNamespace` matches, looking only where it can match. */
function peerMatches(cluster: Cluster, peer: Peer, policyNamespace: string): Endpoint[] {
  const index = indexOf(cluster);
  const key = peer.ipBlock
    ? `ip ${peer.ipBlock.text}`
    : `${peer.namespaceSelector ? `nss ${peer.namespaceSelector.text}` : `ns ${policyNamespace}`} pod ${peer.podSelector?.text ?? '-'}`;
  let hit = index.peerMatches.get(key);
  if (hit) return hit;
  let candidates: readonly Endpoint[];
  if (peer.ipBlock) {
    candidates = index.endpointsWithIps;
  } else if (peer.namespaceSelector) {
    const nsKey = peer.namespaceSelector.text;
    let names = index.namespacesMatching.get(nsKey);
    if (!names) {
      const sel = peer.namespaceSelector;
      names = [...index.endpointsByNamespace.keys()].filter((n) => selectorMatches(sel, cluster.namespaces.get(n)!.labels));
      index.namespacesMatching.set(nsKey, names);
    }
    const set = new Set(names);
    candidates = names.length === 1 ? endpointsIn(cluster, names[0]) : cluster.endpoints.filter((e) => set.has(e.namespace));
  } else {
    candidates = endpointsIn(cluster, policyNamespace);
  }
  hit = candidates.filter((e) => peerMatchesEngine(cluster, peer, policyNamespace, { endpoint: e, id: e.id }));
  index.peerMatches.set(key, hit);
  return hit;
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
  const matches = peerMatches(cluster, peer, policyNamespace);
  if (peer.ipBlock) return { matches, complete: false };
  if (!peer.namespaceSelector) return { matches, complete: namespaceKnown(cluster, policyNamespace) };
  const pinned = pinnedNamespaces(peer.namespaceSelector);
  if (pinned === undefined) return { matches, complete: false };
  const onlyName = peer.namespaceSelector.requirements.every((r) => r.key === NAMESPACE_NAME_LABEL);
  const complete = pinned.every((name) => namespaceKnown(cluster, name) && (onlyName || cluster.namespaces.get(name)?.declared === true));
  return { matches, complete };
}

/**
 * The pods a rule's ports are resolved on: the pods the policy selects for an ingress rule, the pods of the peers for
 * an egress rule. `undefined` when the input cannot tell (an egress rule to every peer, or to peers whose pods are not
 * all in the input); `onlyIpBlocks` when an egress rule's peers are all ipBlocks.
 */
export function ruleDestinations(
  cluster: Cluster, policy: Policy, rule: Rule, ingress: boolean,
): { endpoints: Endpoint[]; onlyIpBlocks: boolean } | undefined {
  if (ingress) return { endpoints: selectedEndpoints(cluster, policy), onlyIpBlocks: false };
  if (rule.peers === undefined) return undefined;
  const onlyIpBlocks = rule.peers.every((x) => x.ipBlock !== undefined);
  const matches = rule.peers.filter((x) => !x.ipBlock).map((x) => peerMatch(cluster, x, policy.namespace));
  if (matches.some((m) => !m.complete)) return undefined;
  return { endpoints: [...new Set(matches.flatMap((m) => m.matches))], onlyIpBlocks };
}

/** True when a rule's ports allow `protocol`/`port` whatever the destination (numbers only: a named entry never counts). */
export function ruleCoversPort(rule: Rule, protocol: string, port: number): boolean {
  return ps.hasPort(ps.portSpecOf(rule.ports).numbers, protocol, port);
}

/** True when an ipBlock is the whole address space of its family (`0.0.0.0/0`, `::/0`). */
export function isWholeRange(peer: Peer): boolean {
  return peer.ipBlock !== undefined && peer.ipBlock.cidr.prefix === 0;
}

/** The namespace the cluster DNS runs in on kubeadm, EKS, GKE and AKS. */
const DNS_NAMESPACE = 'kube-system';

/**
 * True when the egress rule lets a pod reach a DNS server on UDP/53: its ports cover UDP/53 and one of its peers can
 * hold a DNS server. The cluster DNS is rarely part of an app's manifests, so a peer counts unless the input shows it
 * cannot: an ipBlock counts (NodeLocal DNSCache, an upstream resolver); a namespace selector counts unless it pins
 * namespaces by name that leave out kube-system and none of whose pods in the input serves port 53 (a rule to "every
 * port of two application namespaces" is not DNS); a pod selector of the policy's own namespace counts when that is
 * kube-system or it matches a pod of the input.
 */
export function allowsDns(cluster: Cluster, policy: Policy, rule: Rule): boolean {
  if (!ruleCoversPort(rule, 'UDP', 53)) return false;
  if (rule.peers === undefined) return true;
  const servesDns = (e: Endpoint) => e.ports.some((p) => p.port === 53);
  return rule.peers.some((p) => {
    if (p.ipBlock !== undefined) return true;
    if (p.namespaceSelector === undefined) {
      return policy.namespace === DNS_NAMESPACE || peerMatch(cluster, p, policy.namespace).matches.length > 0;
    }
    const pinned = pinnedNamespaces(p.namespaceSelector);
    if (pinned === undefined || pinned.includes(DNS_NAMESPACE)) return true;
    return peerMatch(cluster, p, policy.namespace).matches.some(servesDns);
  });
}

/**
 * True when `outer` selects at least everything `inner` selects, judged from their requirements alone (the algebra
 * of src/model/selector-containment.ts: `app in (a)` is inside `app in (a,b)` and inside `app` exists).
 */
export function selectorCovers(outer: Selector, inner: Selector): boolean {
  return selectorContains(outer, inner);
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function list(items: readonly string[], max = 5): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}
