/**
 * Render for cluster guardrails: a pure function from recorded guardrail intents to ClusterNetworkPolicy specs
 * (policy.networking.k8s.io/v1alpha2), or, for clusters without ClusterNetworkPolicy, to per-namespace NetworkPolicies
 * for the namespaces the app knows, with a proof that the app's own flows cannot undo an Admin Deny.
 *
 * @see https://network-policy-api.sigs.k8s.io/api-overview/
 * @see https://github.com/kubernetes-sigs/network-policy-api/blob/main/apis/v1alpha2/clusternetworkpolicy_types.go
 */
import * as crypto from 'crypto';
import { Grant, peersToKube } from './intents';
import { buildRules, normalizePorts } from './policy';
import { PeerSpec } from '../model/peer';
import { Port } from '../model/port';
import { Selector, selectorMatchesLabels } from '../model/selector';
import { cidrContainsCidr, cidrsOverlap, parseCidr } from '../private/cidr';
import { canonicalJson, cmp } from '../private/json';
import { Json, NAMESPACE_NAME_LABEL } from '../private/k8s';

/** The CRD's limits that render must respect (src/semantics/cluster-policy.ts checks the same on input). */
export const GUARDRAIL_LIMITS = { rules: 25, peers: 25, protocols: 25, networks: 25, ruleName: 100, maxPriority: 1000, objectName: 253 };

export type GuardAction = 'Deny' | 'Accept';

/** One guardrail flow: an Admin Deny or an Admin Accept from `source` to `destination`. */
export interface GuardFlow {
  readonly action: GuardAction;
  readonly source: PeerSpec;
  readonly destination: PeerSpec;
  /** `undefined`: every port of every protocol. */
  readonly ports?: Port[];
  /** The flow in words, e.g. `namespaces env=dev -> namespaces env=prod on every port`. */
  readonly intent: string;
}

/** Everything one ClusterGuardrails construct recorded, resolved and checked. */
export interface GuardrailIntent {
  /** The prefix of every object name. */
  readonly name: string;
  /** The priority of the first Admin policy; the others follow, one each. */
  readonly priority: number;
  readonly baselinePriority: number;
  /** Sorted, unique. */
  readonly exempt: string[];
  readonly defaultDeny: boolean;
  readonly dns: { peer: PeerSpec; ports: Port[] }[];
  /** The cloud metadata addresses to deny, `[]` when off. */
  readonly metadataCidrs: string[];
  readonly flows: GuardFlow[];
}

export interface RenderedClusterPolicy {
  readonly name: string;
  readonly intent: string;
  readonly spec: Json;
}

/** A namespace the app knows, for the NetworkPolicy rendering. */
export interface KnownNamespace {
  readonly name: string;
  /** `kubernetes.io/metadata.name` included. */
  readonly labels: { [key: string]: string };
  /** A ZeroTrustNamespace of the app isolates it already (default-deny with its own DNS carve-out). */
  readonly zeroTrust: boolean;
}

export interface FallbackPolicy {
  readonly namespace: string;
  readonly name: string;
  readonly intent: string;
  readonly podSelector: Selector;
  readonly ingress?: Json[];
  readonly egress?: Json[];
}

/** Where a flow is written in a ClusterNetworkPolicy: a rule on the subject's ingress or egress. */
interface Side {
  readonly action: GuardAction;
  readonly direction: 'ingress' | 'egress';
  readonly subject: PeerSpec;
  readonly peer: PeerSpec;
  readonly ports?: Port[];
}

/**
 * Where each flow goes: an Admin Deny on the destination's ingress (on the source's egress when the destination is
 * addresses); an Admin Accept on both ends, so that neither end's NetworkPolicy can drop it. Ends that a
 * ClusterNetworkPolicy cannot express are refused by the construct before render (`guardFlowProblems`).
 */
function sidesOf(flow: GuardFlow): Side[] {
  const { action, source, destination, ports } = flow;
  const ingress: Side = { action, direction: 'ingress', subject: destination, peer: source, ports };
  const egress: Side = { action, direction: 'egress', subject: source, peer: destination, ports };
  if (destination.kind === 'addresses') return [egress];
  return action === 'Deny' ? [ingress] : [ingress, egress];
}

/** What a ClusterNetworkPolicy cannot express in a flow, in words with a fix (checked where the flow enters). */
export function guardFlowProblems(action: GuardAction, source: PeerSpec, destination: PeerSpec, ports: Port[] | undefined): string[] {
  const problems: string[] = [];
  if (source.kind === 'addresses') {
    problems.push(`the source ${source.description} is addresses, but ClusterNetworkPolicy ingress peers are only namespaces and pods ` +
      '(v1alpha2 has no ingress networks): write that flow as a NetworkPolicy (a TierAccess flow from Peer.cidr(...)), or name the pods');
  }
  for (const end of [source, destination]) {
    for (const b of end.kind === 'addresses' ? end.blocks ?? [] : []) {
      if (b.exceptions.length) {
        problems.push(`${b.cidr} has exceptions (${b.exceptions.join(', ')}), but ClusterNetworkPolicy networks have no except: ` +
          'list the ranges outside the exceptions as separate CIDRs (a /N block for each)');
      }
    }
  }
  if (destination.kind === 'addresses' && (ports ?? []).some((p) => p.name !== undefined)) {
    problems.push(`a named port never matches addresses (${destination.description}), and the CRD rejects destinationNamedPort with networks: give the port number`);
  }
  if (action === 'Accept' && ports === undefined) {
    problems.push('an Admin Accept needs ports (it overrides every NetworkPolicy): list them, e.g. [Port.tcp(9090)], or Port.allTcp() on purpose');
  }
  return problems;
}

/** A subject, or a namespaces/pods peer, as ClusterNetworkPolicy writes it. */
function selectionJson(spec: PeerSpec): Json {
  const namespaceSelector = spec.namespace !== undefined
    ? { matchLabels: { [NAMESPACE_NAME_LABEL]: spec.namespace } }
    : (spec.namespaceSelector ?? {});
  if (spec.kind === 'namespaces') return { namespaces: namespaceSelector };
  return { pods: { namespaceSelector, podSelector: spec.podSelector ?? {} } };
}

/** The peers of a rule: namespaces/pods, or `networks` in chunks within the CRD's limit. */
function peersJson(spec: PeerSpec): Json[] {
  if (spec.kind !== 'addresses') return [selectionJson(spec)];
  const cidrs = (spec.blocks ?? []).map((b) => b.cidr);
  const out: Json[] = [];
  for (let i = 0; i < cidrs.length; i += GUARDRAIL_LIMITS.networks) out.push({ networks: cidrs.slice(i, i + GUARDRAIL_LIMITS.networks) });
  return out;
}

/** `protocols` of a rule; `undefined` (the field left out) for every port of every protocol. */
export function protocolsJson(ports: Port[] | undefined): Json[] | undefined {
  if (ports === undefined) return undefined;
  const out = new Map<string, Json>();
  for (const p of normalizePorts(ports)) {
    const key = p.protocol.toLowerCase();
    let item: Json;
    // A destinationNamedPort resolves on the destination pod's container port of that name, whatever its protocol.
    if (p.name !== undefined) item = { destinationNamedPort: p.name };
    else if (p.isAllPorts) item = { [key]: { destinationPort: { range: { start: 1, end: 65535 } } } };
    else if (p.endPort !== undefined && p.endPort !== p.number) item = { [key]: { destinationPort: { range: { start: p.number, end: p.endPort } } } };
    else item = { [key]: { destinationPort: { number: p.number } } };
    out.set(canonicalJson(item), item);
  }
  return [...out.values()];
}

function portsText(ports: Port[] | undefined): string {
  return ports === undefined ? 'every port' : normalizePorts(ports).join(', ');
}

/** A DNS-1123 slug of a text, e.g. `namespaces env=prod` -> `namespaces-env-prod`. */
function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'x';
}

/** `text`, or a shortened `text-<6 hex>` within `max` characters. */
function fit(text: string, max: number, key: string = text): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max - 7).replace(/-+$/, '')}-${hash(key)}`;
}

function hash(key: string): string {
  return crypto.createHash('sha256').update(key).digest('hex').slice(0, 6);
}


/** The namespaces the Baseline default-deny and the metadata deny apply to: every one but the exempt. */
function guardedSubject(exempt: string[]): Json {
  return { namespaces: exempt.length ? { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'NotIn', values: exempt }] } : {} };
}

/** Rules of one direction: peers with the same ports share a rule; at most 25 peers a rule. */
function rulesOf(action: GuardAction, sides: Side[], problems: string[], policyName: string): Json[] {
  const byPorts = new Map<string, { ports?: Port[]; peers: Map<string, Json>; names: Set<string> }>();
  for (const s of sides) {
    const key = s.ports === undefined ? '*' : normalizePorts(s.ports).join(',');
    let entry = byPorts.get(key);
    if (!entry) {
      entry = { ports: s.ports, peers: new Map(), names: new Set() };
      byPorts.set(key, entry);
    }
    for (const p of peersJson(s.peer)) entry.peers.set(canonicalJson(p), p);
    entry.names.add(s.peer.description);
  }
  const rules: { key: string; rule: Json }[] = [];
  for (const [portsKey, { ports, peers, names }] of byPorts) {
    const keys = [...peers.keys()].sort();
    const protocols = protocolsJson(ports);
    if (protocols && protocols.length > GUARDRAIL_LIMITS.protocols) {
      problems.push(`policy ${policyName}: ${protocols.length} ports in one rule (the CRD allows ${GUARDRAIL_LIMITS.protocols}): ` +
        'merge them into ranges (Port.tcpRange) or split the flow over several calls with fewer ports');
    }
    const base = `${action.toLowerCase()}-${slug([...names].sort().join(' '))}${portsKey === '*' ? '' : `-${slug(portsKey)}`}`;
    for (let i = 0; i < keys.length; i += GUARDRAIL_LIMITS.peers) {
      const chunk = keys.slice(i, i + GUARDRAIL_LIMITS.peers);
      const part = keys.length > GUARDRAIL_LIMITS.peers ? `-part-${i / GUARDRAIL_LIMITS.peers + 1}` : '';
      const name = fit(`${base}${part}`, GUARDRAIL_LIMITS.ruleName, `${portsKey} ${chunk.join(',')}`);
      rules.push({ key: `${portsKey} ${chunk.join(',')}`, rule: { name, action, peers: chunk.map((k) => peers.get(k)!), protocols } });
    }
  }
  return rules.sort((a, b) => cmp(a.key, b.key)).map((r) => r.rule);
}

function finishRules(rules: Json[], direction: 'ingress' | 'egress'): Json[] {
  const field = direction === 'ingress' ? 'from' : 'to';
  return rules.map((r) => ({ name: r.name, action: r.action, [field]: r.peers, ...(r.protocols ? { protocols: r.protocols } : {}) }));
}

/**
 * Renders the guardrails as ClusterNetworkPolicies: the cloud metadata deny, one Admin policy per (action, subject)
 * with unique priorities (denies before accepts, so a Deny always wins), and the Baseline default-deny.
 */
export function renderClusterPolicies(g: GuardrailIntent): { policies: RenderedClusterPolicy[]; problems: string[] } {
  const problems: string[] = [];
  const admin: { name: string; intent: string; spec: Json; action: GuardAction }[] = [];

  if (g.metadataCidrs.length) {
    const peer: PeerSpec = { kind: 'addresses', blocks: g.metadataCidrs.map((cidr) => ({ cidr, exceptions: [] })), description: 'cloud metadata', problems: [] };
    admin.push({
      name: `${g.name}-cloud-metadata`,
      action: 'Deny',
      intent: `no pod outside ${exemptText(g.exempt)} may reach the cloud metadata endpoint (${g.metadataCidrs.join(', ')})`,
      spec: {
        subject: guardedSubject(g.exempt),
        egress: finishRules([{ name: 'deny-cloud-metadata', action: 'Deny', peers: peersJson(peer) }], 'egress'),
      },
    });
  }

  const groups = new Map<string, { action: GuardAction; subject: PeerSpec; sides: Side[]; intents: Set<string> }>();
  for (const flow of g.flows) {
    for (const side of sidesOf(flow)) {
      const key = `${side.action} ${canonicalJson(selectionJson(side.subject))}`;
      let entry = groups.get(key);
      if (!entry) {
        entry = { action: side.action, subject: side.subject, sides: [], intents: new Set() };
        groups.set(key, entry);
      }
      entry.sides.push(side);
      entry.intents.add(flow.intent);
    }
  }
  // Peers written alike may be described differently (Peer.prometheus() and Peer.pods(...) of the same pods): the
  // name takes the first description in order, so it does not depend on the order of the calls.
  const drafts = [...groups.entries()].map(([key, e]) => {
    const description = e.sides.map((side) => side.subject.description).sort()[0];
    return { key, ...e, hint: `${g.name}-${e.action === 'Deny' ? 'deny' : 'accept'}-${slug(description)}` };
  });
  const hintCount = new Map<string, number>();
  for (const d of drafts) hintCount.set(d.hint, (hintCount.get(d.hint) ?? 0) + 1);
  for (const d of drafts) {
    const name = fit(hintCount.get(d.hint)! > 1 ? `${d.hint}-${hash(d.key)}` : d.hint, GUARDRAIL_LIMITS.objectName, d.key);
    const spec: Json = { subject: selectionJson(d.subject) };
    for (const direction of ['ingress', 'egress'] as const) {
      const sides = d.sides.filter((s) => s.direction === direction);
      if (!sides.length) continue;
      const rules = rulesOf(d.action, sides, problems, name);
      if (rules.length > GUARDRAIL_LIMITS.rules) {
        problems.push(`policy ${name} would have ${rules.length} ${direction} rules, and the CRD allows ${GUARDRAIL_LIMITS.rules}: ` +
          'give the flows on this subject fewer distinct port lists (one list for several peers makes one rule), ' +
          'or split them over two ClusterGuardrails constructs (each writes its own policies)');
      }
      spec[direction] = finishRules(rules, direction);
    }
    admin.push({ name, action: d.action, intent: `${d.action === 'Deny' ? 'deny' : 'always allow'}: ${[...d.intents].sort().join('; ')}`, spec });
  }

  // Unique priorities, in a fixed order: the metadata deny, the denies by name, the accepts by name.
  const [metadata, rest] = [admin.filter((a) => a.name === `${g.name}-cloud-metadata`), admin.filter((a) => a.name !== `${g.name}-cloud-metadata`)];
  const ordered = [
    ...metadata,
    ...rest.filter((a) => a.action === 'Deny').sort((a, b) => cmp(a.name, b.name)),
    ...rest.filter((a) => a.action === 'Accept').sort((a, b) => cmp(a.name, b.name)),
  ];
  const last = g.priority + ordered.length - 1;
  if (ordered.length && last > GUARDRAIL_LIMITS.maxPriority) {
    problems.push(`the ${ordered.length} Admin policies take priorities ${g.priority} to ${last}, beyond the CRD's ${GUARDRAIL_LIMITS.maxPriority}: ` +
      `set priority to at most ${GUARDRAIL_LIMITS.maxPriority - ordered.length + 1}`);
  }
  const policies: RenderedClusterPolicy[] = ordered.map((a, i) => ({
    name: a.name,
    intent: a.intent,
    spec: { tier: 'Admin', priority: g.priority + i, ...a.spec },
  }));

  if (g.defaultDeny) {
    const egress: Json[] = [];
    const dnsSides: Side[] = g.dns.map((d) => ({ action: 'Accept', direction: 'egress', subject: d.peer, peer: d.peer, ports: d.ports }));
    if (dnsSides.length) egress.push(...rulesOf('Accept', dnsSides, problems, `${g.name}-baseline`).map((r) => ({ ...r, name: fit(`accept-dns-${r.name.slice('accept-'.length)}`, GUARDRAIL_LIMITS.ruleName) })));
    egress.push({ name: 'deny-everything-else', action: 'Deny', peers: [{ namespaces: {} }, { networks: ['0.0.0.0/0', '::/0'] }] });
    const dnsText = g.dns.length ? `DNS (${g.dns.map((d) => `${d.peer.description} on ${portsText(d.ports)}`).sort().join('; ')})` : 'nothing (DNS disabled)';
    policies.push({
      name: `${g.name}-baseline`,
      intent: `default deny for every namespace but ${exemptText(g.exempt)}, for pods no NetworkPolicy isolates: no ingress from pods, no egress except ${dnsText}`,
      spec: {
        tier: 'Baseline',
        priority: g.baselinePriority,
        subject: guardedSubject(g.exempt),
        ingress: finishRules([{ name: 'deny-everything-else', action: 'Deny', peers: [{ namespaces: {} }] }], 'ingress'),
        egress: finishRules(egress, 'egress'),
      },
    });
  }
  return { policies, problems };
}

function exemptText(exempt: string[]): string {
  return exempt.length ? exempt.join(', ') : 'none';
}

// ---------------------------------------------------------------------------------------------------------------
// NetworkPolicy rendering (clusters without ClusterNetworkPolicy)

/** Whether an end holds pods of a namespace the app knows (addresses hold none). */
function inNamespace(spec: PeerSpec, ns: KnownNamespace): boolean {
  if (spec.kind === 'addresses') return false;
  if (spec.namespace !== undefined) return spec.namespace === ns.name;
  return selectorMatchesLabels(spec.namespaceSelector ?? {}, ns.labels);
}

/**
 * Whether two pod selectors may select a common pod: false only when they provably cannot (a label required with
 * two different values, or required and forbidden). Sound for the proof: "may" when unsure.
 */
export function podSelectorsMayOverlap(a: Selector, b: Selector): boolean {
  const required = (s: Selector) => {
    const m = new Map<string, Set<string>>();
    for (const [k, v] of Object.entries(s.matchLabels ?? {})) m.set(k, new Set([v]));
    for (const e of s.matchExpressions ?? []) {
      if (e.operator !== 'In') continue;
      const vs = new Set(e.values ?? []);
      const prev = m.get(e.key);
      m.set(e.key, prev ? new Set([...prev].filter((v) => vs.has(v))) : vs);
    }
    return m;
  };
  const forbidden = (s: Selector, key: string, values: Set<string>) => (s.matchExpressions ?? []).some((e) =>
    e.key === key && (e.operator === 'DoesNotExist' || (e.operator === 'NotIn' && [...values].every((v) => (e.values ?? []).includes(v)))));
  const ra = required(a);
  const rb = required(b);
  for (const [k, va] of ra) {
    if (va.size === 0) return false;
    const vb = rb.get(k);
    if (vb && ![...va].some((v) => vb.has(v))) return false;
    if (forbidden(b, k, va)) return false;
  }
  for (const [k, vb] of rb) {
    if (vb.size === 0 || forbidden(a, k, vb)) return false;
  }
  return true;
}

/** Pods an end holds in a namespace: the pod selector (`{}` for namespaces). */
function podsOf(spec: PeerSpec): Selector {
  return spec.kind === 'pods' ? spec.podSelector ?? {} : {};
}

/** Whether two port lists (`undefined` = every port) may share a port. Named ports may resolve to anything. */
function portsMayOverlap(a: Port[] | undefined, b: Port[] | undefined): boolean {
  if (a === undefined || b === undefined) return true;
  return a.some((p) => b.some((q) => {
    if (p.protocol !== q.protocol && p.name === undefined && q.name === undefined) return false;
    if (p.isAllPorts || q.isAllPorts || p.name !== undefined || q.name !== undefined) return true;
    return p.number! <= (q.endPort ?? q.number!) && q.number! <= (p.endPort ?? p.number!);
  }));
}

/** Whether an address end may hold an address of another address end (exceptions honoured). */
function addressesMayOverlap(grantPeer: PeerSpec, denied: PeerSpec): boolean {
  for (const b of grantPeer.blocks ?? []) {
    const block = parseCidr(b.cidr)!;
    for (const d of denied.blocks ?? []) {
      const deny = parseCidr(d.cidr)!;
      if (!cidrsOverlap(block, deny)) continue;
      // The whole denied range inside one exception of the allowed block: no overlap.
      if (b.exceptions.some((e) => cidrContainsCidr(parseCidr(e)!, deny))) continue;
      return true;
    }
  }
  return false;
}

/**
 * Renders the guardrails as NetworkPolicies in the namespaces the app knows, and proves that no flow of the app (nor
 * an always-allow of the guardrails) allows what an Admin Deny denies there: a NetworkPolicy cannot deny what another
 * allows, so an intent that would need it is refused rather than rendered broader.
 */
export function renderFallbackPolicies(
  g: GuardrailIntent, known: KnownNamespace[], grants: Grant[],
): { policies: FallbackPolicy[]; problems: string[] } {
  const problems: string[] = [];
  const exempt = new Set(g.exempt);
  const namespaces = [...known].sort((a, b) => cmp(a.name, b.name));
  const guarded = namespaces.filter((n) => !exempt.has(n.name));
  const isolated = (n: KnownNamespace) => n.zeroTrust || (g.defaultDeny && !exempt.has(n.name));
  const policies: FallbackPolicy[] = [];

  if (g.defaultDeny) {
    for (const ns of guarded.filter((n) => !n.zeroTrust)) {
      const dns = buildRules(g.dns.flatMap((d) => peersToKube(d.peer, ns.name).map((peer) => ({ peer, ports: d.ports }))), 'to');
      const dnsText = g.dns.length ? `DNS (${g.dns.map((d) => `${d.peer.description} on ${portsText(d.ports)}`).sort().join('; ')})` : 'nothing (DNS disabled)';
      policies.push({
        namespace: ns.name,
        name: `${g.name}-default-deny`,
        intent: `default deny (the ClusterNetworkPolicy ${g.name}-baseline as a NetworkPolicy): no ingress, no egress except ${dnsText}`,
        podSelector: {},
        ingress: [],
        egress: dns,
      });
    }
  }

  // Always-allow flows: an allowance on each end in a namespace that is isolated (writing one elsewhere would isolate
  // pods the ClusterNetworkPolicy leaves alone). Exempt namespaces are left alone, as a NetworkPolicy there would
  // isolate the platform's pods.
  type Allowance = { peer: Json; ports: Port[] };
  const accepts = new Map<string, { ns: string; selector: Selector; ingress: Allowance[]; egress: Allowance[]; intents: Set<string> }>();
  const acceptGrants: Grant[] = [];
  const entryOf = (ns: string, selector: Selector) => {
    const key = `${ns}/${canonicalJson(selector)}`;
    let e = accepts.get(key);
    if (!e) {
      e = { ns, selector, ingress: [], egress: [], intents: new Set() };
      accepts.set(key, e);
    }
    return e;
  };
  for (const flow of g.flows.filter((f) => f.action === 'Accept')) {
    const ports = flow.ports!;
    for (const ns of guarded) {
      const owner = { key: '', namespace: ns.name, selector: {}, nameHint: '', nameRank: 0, label: '', ownerPath: '', isolate: { ingress: true, egress: true } };
      if (inNamespace(flow.destination, ns)) {
        if (!isolated(ns)) {
          problems.push(`always-allow ${flow.intent}: namespace ${ns.name} is not under a default-deny, so a NetworkPolicy allowing it would isolate its pods: ` +
            'keep defaultDeny on, or make it a ZeroTrustNamespace');
          continue;
        }
        const e = entryOf(ns.name, podsOf(flow.destination));
        e.ingress.push(...peersToKube(flow.source, ns.name).map((peer) => ({ peer, ports })));
        e.intents.add(flow.intent);
        acceptGrants.push({ owner: { ...owner, selector: podsOf(flow.destination) }, direction: 'ingress', peer: flow.source, ports, intent: `always-allow ${flow.intent}` });
      }
      if (inNamespace(flow.source, ns) && isolated(ns)) {
        const e = entryOf(ns.name, podsOf(flow.source));
        e.egress.push(...peersToKube(flow.destination, ns.name).map((peer) => ({ peer, ports })));
        e.intents.add(flow.intent);
        acceptGrants.push({ owner: { ...owner, selector: podsOf(flow.source) }, direction: 'egress', peer: flow.destination, ports, intent: `always-allow ${flow.intent}` });
      }
    }
  }
  for (const e of [...accepts.values()].sort((a, b) => cmp(`${a.ns}/${canonicalJson(a.selector)}`, `${b.ns}/${canonicalJson(b.selector)}`))) {
    const empty = !e.selector.matchLabels && !e.selector.matchExpressions;
    policies.push({
      namespace: e.ns,
      name: empty ? `${g.name}-always-allow` : fit(`${g.name}-always-allow-${hash(canonicalJson(e.selector))}`, 63),
      intent: `always allow (the Admin Accepts of ${g.name} as a NetworkPolicy): ${[...e.intents].sort().join('; ')}`,
      podSelector: e.selector,
      ...(e.ingress.length ? { ingress: buildRules(e.ingress, 'from') } : {}),
      ...(e.egress.length ? { egress: buildRules(e.egress, 'to') } : {}),
    });
  }

  // The proof for every Admin Deny, over the namespaces the app knows.
  const all = [...grants, ...acceptGrants];
  const metadata: PeerSpec = { kind: 'addresses', blocks: g.metadataCidrs.map((cidr) => ({ cidr, exceptions: [] })), description: 'the cloud metadata endpoint', problems: [] };
  const guardedPeer: PeerSpec = { kind: 'namespaces', namespaceSelector: guardedSubject(g.exempt).namespaces, description: `every namespace but ${exemptText(g.exempt)}`, problems: [] };
  const denies: GuardFlow[] = [
    ...(g.metadataCidrs.length ? [{ action: 'Deny' as const, source: guardedPeer, destination: metadata, intent: `${guardedPeer.description} -> ${g.metadataCidrs.join(', ')}` }] : []),
    ...g.flows.filter((f) => f.action === 'Deny'),
  ];
  const refuse = (deny: GuardFlow, why: string, fix: string) => problems.push(
    `in NETWORK_POLICIES rendering the Admin Deny ${deny.intent} cannot be enforced: ${why}. Fix: ${fix}, or render with GuardrailRendering.CLUSTER_NETWORK_POLICY`,
  );
  // Exempt namespaces are never isolated here, known to the app or not: a deny that relies on one is refused. One the
  // app does not define is judged by its name label alone, as namespaceNames are.
  const withExempt = [...namespaces, ...g.exempt.filter((e) => !known.some((n) => n.name === e))
    .map((name): KnownNamespace => ({ name, labels: { [NAMESPACE_NAME_LABEL]: name }, zeroTrust: false }))];
  for (const deny of denies) {
    // The end whose isolation the deny relies on: the destination's ingress, or the source's egress for addresses.
    const onEgress = deny.destination.kind === 'addresses';
    const relied = onEgress ? deny.source : deny.destination;
    const other = onEgress ? deny.destination : deny.source;
    for (const ns of withExempt.filter((n) => inNamespace(relied, n))) {
      if (!isolated(ns)) {
        refuse(deny, `namespace ${ns.name} is not under a default-deny, and a NetworkPolicy cannot deny by itself`,
          exempt.has(ns.name) ? `take ${ns.name} out of exemptNamespaces, or narrow the deny` : 'keep defaultDeny on, or make it a ZeroTrustNamespace');
        continue;
      }
      for (const grant of all) {
        if (grant.owner.namespace !== ns.name || grant.direction !== (onEgress ? 'egress' : 'ingress')) continue;
        if (!podSelectorsMayOverlap(grant.owner.selector, podsOf(relied))) continue;
        if (!portsMayOverlap(grant.ports, deny.ports)) continue;
        const hit = onEgress
          ? grant.peer.kind === 'addresses' && addressesMayOverlap(grant.peer, other)
          : grant.peer.kind !== 'addresses' && withExempt.some((n) => inNamespace(grant.peer, n) && inNamespace(other, n)) &&
            podSelectorsMayOverlap(podsOf(grant.peer), podsOf(other));
        if (hit) {
          refuse(deny, `the flow ${grant.intent}${grant.recordedBy ? ` (${grant.recordedBy})` : ''} may allow part of it in namespace ${ns.name}, and a NetworkPolicy cannot deny what another allows`,
            onEgress ? `exclude ${other.description} from that flow's addresses (Peer.cidr(..., { exceptions: [...] }))` : 'narrow or remove that flow');
        }
      }
    }
  }
  policies.sort((a, b) => cmp(a.namespace, b.namespace) || cmp(a.name, b.name));
  return { policies, problems: [...new Set(problems)] };
}
