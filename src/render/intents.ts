/**
 * Render: a pure function from recorded intents to typed NetworkPolicy specs. No constructs, no App: the constructs
 * wrap its output into the tree, and the CLI and the property tests can call it directly.
 *
 * The rules it implements (README "Never break what the app does not own"):
 * - a policy selects only pods the app owns (a Tier, an allow list's pods, a ZeroTrustNamespace's namespace);
 * - a grant is written only in a direction that is isolated: by a ZeroTrustNamespace of the app for the owned pods'
 *   namespace, or because the owner asked for it (an EgressAllowList, a Tier's `isolation`); adding an allowance
 *   never isolates anything by itself;
 * - grants on the same pods (same namespace, same canonical selector) end in one policy, whatever construct recorded
 *   them and in whatever order.
 */
import * as crypto from 'crypto';
import { KubeNetworkPolicyPeer, KubeNetworkPolicySpec } from './kube';
import { buildRules, normalizePorts } from './policy';
import { IPeer, OwnedGroup, Peer, PeerSpec } from '../model/peer';
import { Port } from '../model/port';
import { selectorMatchesLabels } from '../model/selector';
import { cmp } from '../private/json';
import { NAMESPACE_NAME_LABEL } from '../private/k8s';

/** Which way a grant lets traffic through, seen from the owned pods. */
export type Direction = 'ingress' | 'egress';

/** One allowance on owned pods: from `peer` (ingress) or to `peer` (egress), on `ports`. */
export interface Grant {
  readonly owner: OwnedGroup;
  readonly direction: Direction;
  readonly peer: PeerSpec;
  readonly ports: Port[];
  /** The flow in words, e.g. `web -> api on TCP/8080`. */
  readonly intent: string;
  /**
   * The construct path that recorded the grant, for messages.
   *
   * @default - none
   */
  readonly recordedBy?: string;
}

/** A namespace whose every pod is isolated in both directions, with its DNS carve-out (a ZeroTrustNamespace). */
export interface NamespaceIsolation {
  readonly namespace: string;
  /** The namespace's labels, `kubernetes.io/metadata.name` included: peers selecting namespaces by labels match them. */
  readonly labels: { [key: string]: string };
}

/** Everything the constructs of one app recorded. */
export interface IntentSet {
  /** Every owned group a construct declared, with or without grants (an explicit isolation needs no grant). */
  readonly groups: OwnedGroup[];
  readonly grants: Grant[];
  readonly isolatedNamespaces: NamespaceIsolation[];
}

/** One rendered policy. */
export interface RenderedPolicy {
  /** The first construct (by path) that owns the selected pods: the policy lands in its chart. */
  readonly ownerPath: string;
  /** Every construct the policy comes from (owners of the pods, and constructs that recorded its flows), sorted. */
  readonly constructPaths: string[];
  readonly name: string;
  readonly namespace: string;
  /** The `cdk8s-netpol.dev/intent` annotation. */
  readonly intent: string;
  readonly spec: KubeNetworkPolicySpec;
}

export interface RenderResult {
  /** Sorted by namespace, then name. */
  readonly policies: RenderedPolicy[];
  /** Flows the output cannot honour, with the construct path that recorded them. */
  readonly problems: string[];
}

/** The DNS that explicit egress isolation outside a ZeroTrustNamespace keeps open. */
const DEFAULT_DNS: IPeer = Peer.kubeDns();

/**
 * Renders intents into NetworkPolicy specs: deterministic, order-independent, one policy per owned pod group.
 */
export function renderPolicies(intents: IntentSet): RenderResult {
  const problems: string[] = [];
  const isolatedNs = new Set(intents.isolatedNamespaces.map((n) => n.namespace));
  const isolatedLabels = intents.isolatedNamespaces;
  const groups = new Map<string, { records: OwnedGroup[]; grants: Grant[] }>();
  const groupOf = (g: OwnedGroup) => {
    let entry = groups.get(g.key);
    if (!entry) {
      entry = { records: [], grants: [] };
      groups.set(g.key, entry);
    }
    return entry;
  };
  for (const g of intents.groups) groupOf(g).records.push(g);
  for (const grant of intents.grants) {
    const entry = groupOf(grant.owner);
    entry.records.push(grant.owner);
    entry.grants.push(grant);
    const open = halfOpen(grant, isolatedNs, isolatedLabels);
    if (open.length) problems.push(...open);
  }

  // One pass per group, with plain loops: this runs for every owned pod group of the app (docs/benchmarks.md).
  const drafts: { key: string; namespace: string; hint: string; rank: number; explicitBy?: string; draft: Omit<RenderedPolicy, 'name'> }[] = [];
  for (const key of [...groups.keys()].sort()) {
    const { records, grants } = groups.get(key)!;
    const first = records[0];
    const namespace = first.namespace;
    const namespaceIsolated = isolatedNs.has(namespace);
    let explicitIngress = false;
    let explicitEgress = false;
    let best = first;
    let explicitBy: string | undefined;
    const owners = new Set<string>();
    const labels = new Set<string>();
    for (const r of records) {
      explicitIngress = explicitIngress || r.isolate.ingress;
      explicitEgress = explicitEgress || r.isolate.egress;
      if (r.nameRank < best.nameRank || (r.nameRank === best.nameRank && r.nameHint < best.nameHint)) best = r;
      if (r.explicitName && (explicitBy === undefined || r.ownerPath < explicitBy)) explicitBy = r.ownerPath;
      owners.add(r.ownerPath);
      labels.add(r.label);
    }
    let ingressCount = 0;
    let egressCount = 0;
    for (const g of grants) {
      if (g.direction === 'ingress') ingressCount++;
      else egressCount++;
    }
    const writeIngress = explicitIngress || (namespaceIsolated && ingressCount > 0);
    const writeEgress = explicitEgress || (namespaceIsolated && egressCount > 0);
    if (!writeIngress && !writeEgress) continue;

    const described = new Set<string>();
    const ingressPeers: { peer: KubeNetworkPolicyPeer; ports: Port[] }[] = [];
    const egressPeers: { peer: KubeNetworkPolicyPeer; ports: Port[] }[] = [];
    const paths = new Set(owners);
    for (const g of grants) {
      if (g.recordedBy) paths.add(g.recordedBy);
      const into = g.direction === 'ingress' ? (writeIngress ? ingressPeers : undefined) : (writeEgress ? egressPeers : undefined);
      if (!into) continue;
      described.add(g.intent);
      for (const peer of peersToKube(g.peer, namespace)) into.push({ peer, ports: g.ports });
    }
    if (writeEgress && explicitEgress && !namespaceIsolated) {
      // This app isolates the egress of these pods itself: keep DNS working, as a ZeroTrustNamespace does.
      const dns = DEFAULT_DNS._peerSpec();
      for (const peer of peersToKube(dns, namespace)) egressPeers.push({ peer, ports: dns.defaultPorts! });
      described.add(`DNS (${dns.description} on ${normalizePorts(dns.defaultPorts!).join(', ')})`);
    }
    if (explicitIngress && !namespaceIsolated) described.add('ingress isolated: only the flows listed');
    if (explicitEgress && !namespaceIsolated) described.add('egress isolated: only the destinations listed');

    const policyTypes: ('Ingress' | 'Egress')[] = [];
    if (writeIngress) policyTypes.push('Ingress');
    if (writeEgress) policyTypes.push('Egress');
    const spec: KubeNetworkPolicySpec = { podSelector: first.selector, policyTypes };
    if (writeIngress) {
      const ingress = buildRules(ingressPeers, 'from');
      if (ingress.length) (spec as { ingress?: unknown }).ingress = ingress;
    }
    if (writeEgress) {
      const egress = buildRules(egressPeers, 'to');
      if (egress.length) (spec as { egress?: unknown }).egress = egress;
    }
    const ownerList = [...owners].sort();
    drafts.push({
      key,
      namespace,
      hint: best.nameHint,
      rank: best.nameRank,
      ...(best.explicitName ? { explicitBy: best.ownerPath } : {}),
      draft: {
        ownerPath: ownerList[0],
        constructPaths: [...paths].sort(),
        namespace,
        intent: `${[...labels].sort().join(', ')}: ${[...described].sort().join('; ')}`,
        spec,
      },
    });
  }

  // Two different pod groups never share a name. A name given explicitly (an allow list's policyName) is never
  // changed: when another group would take it too, that is an error. Otherwise the owner of the lowest rank keeps its
  // name (a tier's policy is not renamed because an allow list was added next to it), and groups of the same rank
  // that collide each get a suffix from their selector, so the result does not depend on which was declared first.
  const colliding = new Map<string, (typeof drafts)[number][]>();
  for (const d of drafts) {
    const k = `${d.namespace}/${d.hint}`;
    const list = colliding.get(k);
    if (list) list.push(d);
    else colliding.set(k, [d]);
  }
  for (const [k, list] of colliding) {
    const explicit = list.filter((d) => d.explicitBy !== undefined);
    if (list.length < 2 || explicit.length === 0) continue;
    const others = list.filter((d) => d !== explicit[0]).map((d) => d.draft.ownerPath).sort();
    problems.push(
      `[${explicit[0].explicitBy}] the policy name ${k} is given explicitly (policyName), and ${others.join(', ')} would name ` +
      `the policy of other pods ${k} too: two policies cannot share a name. Fix: give policyName another name, e.g. "${explicit[0].hint}-egress"`,
    );
  }
  const policies: RenderedPolicy[] = drafts.map((d) => {
    const list = colliding.get(`${d.namespace}/${d.hint}`)!;
    const lowest = Math.min(...list.map((x) => x.rank));
    const keeps = list.length === 1 || (d.rank === lowest && list.filter((x) => x.rank === lowest).length === 1);
    return { ...d.draft, name: keeps ? d.hint : suffixed(d.hint, d.key) };
  });
  policies.sort((a, b) => cmp(a.namespace, b.namespace) || cmp(a.name, b.name));
  return { policies, problems: [...new Set(problems)].sort() };
}

/**
 * The NetworkPolicyPeers of a peer, seen from a policy in `policyNamespace`. Pods in a named namespace carry the
 * namespace selector and the pod selector in ONE peer (AND), never in two (OR).
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors
 */
export function peersToKube(peer: PeerSpec, policyNamespace: string): KubeNetworkPolicyPeer[] {
  switch (peer.kind) {
    case 'addresses':
      return (peer.blocks ?? []).map((b) => ({ ipBlock: b.exceptions.length ? { cidr: b.cidr, except: b.exceptions } : { cidr: b.cidr } }));
    case 'namespaces':
      if (peer.namespace !== undefined) {
        return [peer.namespace === policyNamespace
          ? { podSelector: {} }
          : { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: peer.namespace } } }];
      }
      return [{ namespaceSelector: peer.namespaceSelector ?? {} }];
    default:
      if (peer.namespace !== undefined) {
        return [peer.namespace === policyNamespace
          ? { podSelector: peer.podSelector ?? {} }
          : { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: peer.namespace } }, podSelector: peer.podSelector ?? {} }];
      }
      return [{ namespaceSelector: peer.namespaceSelector ?? {}, podSelector: peer.podSelector ?? {} }];
  }
}

/**
 * A flow whose other end is not owned but lives in a namespace this app isolates is half-open: its side is missing.
 */
function halfOpen(grant: Grant, isolatedNs: Set<string>, isolated: readonly NamespaceIsolation[]): string[] {
  const peer = grant.peer;
  if (peer.owned || peer.kind === 'addresses') return [];
  let inside: string[];
  if (peer.namespace !== undefined) {
    inside = isolatedNs.has(peer.namespace) ? [peer.namespace] : [];
  } else {
    // Namespaces by labels: those this app isolates are known, with their labels. "Every namespace" (the empty
    // selector) is the deliberate "from anywhere" idiom: its zero-trust members are documented to stay isolated.
    const selector = peer.namespaceSelector ?? {};
    const empty = !selector.matchLabels && !selector.matchExpressions;
    inside = empty ? [] : isolated.filter((n) => selectorMatchesLabels(selector, n.labels)).map((n) => n.namespace).sort();
  }
  if (inside.length === 0) return [];
  const side = grant.direction === 'ingress' ? 'egress' : 'ingress';
  return [
    `${grant.recordedBy ? `[${grant.recordedBy}] ` : ''}flow ${grant.intent}: ${peer.description} includes pods of ${inside.join(', ')}, ` +
    `a ZeroTrustNamespace of this app that isolates their ${side}, but they are not a Tier of the app, so their ${side} side is never ` +
    'written and the flow is denied for them. Fix: declare those pods as a Tier (new Tier(...)) and use it in the flow' +
    (peer.namespace === undefined ? `, or narrow the namespace selector so it leaves out ${inside.join(', ')}` : ''),
  ];
}

/** `name-<6 hex of the group key>`, within the 63 characters of a DNS label. */
function suffixed(name: string, key: string): string {
  const hash = crypto.createHash('sha256').update(key).digest('hex').slice(0, 6);
  return `${name.slice(0, 63 - 7).replace(/-+$/, '')}-${hash}`;
}

