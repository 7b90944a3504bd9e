import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { Port, Protocol } from '../model/port';
import { inputError } from '../private/errors';
import { canonicalJson } from '../private/json';
import { Json } from '../private/k8s';

/** Annotation that says which intent produced a policy ("document your policies"). */
export const INTENT_ANNOTATION = 'cdk8s-netpol.dev/intent';
/** Annotation that names the construct that produced a policy; only written when the context key below is true. */
export const CONSTRUCT_ANNOTATION = 'cdk8s-netpol.dev/construct';
/** Context key that turns the construct-path annotation on (off by default: the intent annotation documents a policy). */
export const CONSTRUCT_ANNOTATION_CONTEXT = 'cdk8s-netpol:constructPathAnnotation';

/**
 * Ports in canonical order, without duplicates and without entries another entry already covers
 * ("every TCP port" covers TCP/80; TCP/80-90 covers TCP/85).
 */
export function normalizePorts(ports: Port[]): Port[] {
  if (ports.length === 1) return [ports[0]];
  const unique = new Map<string, Port>();
  for (const p of ports) unique.set(p.toString(), p);
  const list = [...unique.values()];
  const covers = (a: Port, b: Port): boolean => {
    if (a === b || a.protocol !== b.protocol) return false;
    if (a.isAllPorts) return true;
    if (a.name !== undefined || b.name !== undefined || b.isAllPorts) return false;
    const aEnd = a.endPort ?? a.number!;
    const bEnd = b.endPort ?? b.number!;
    return a.number! <= b.number! && bEnd <= aEnd;
  };
  const kept = list.filter((p) => !list.some((q) => covers(q, p)));
  const protocolOrder = [Protocol.TCP, Protocol.UDP, Protocol.SCTP];
  return kept.sort((a, b) => {
    const byProtocol = protocolOrder.indexOf(a.protocol) - protocolOrder.indexOf(b.protocol);
    if (byProtocol !== 0) return byProtocol;
    const an = a.number ?? (a.name !== undefined ? 65536 : -1);
    const bn = b.number ?? (b.name !== undefined ? 65536 : -1);
    if (an !== bn) return an - bn;
    return a.toString().localeCompare(b.toString());
  });
}

/**
 * Rules from (peer, ports) grants: the ports of one peer are merged, then peers with the same ports share a rule.
 * The result is canonical: the same grants in any order give the same rules.
 */
export function buildRules(grants: { peer: Json; ports: Port[] }[], peerKey: 'from' | 'to'): Json[] {
  const portsByPeer = new Map<string, { peer: Json; ports: Port[] }>();
  for (const g of grants) {
    const key = canonicalJson(g.peer);
    const entry = portsByPeer.get(key);
    if (entry) entry.ports.push(...g.ports);
    else portsByPeer.set(key, { peer: g.peer, ports: [...g.ports] });
  }
  const peersByPorts = new Map<string, { ports: Json[]; peers: Json[]; peerKeys: string[] }>();
  for (const key of [...portsByPeer.keys()].sort()) {
    const { peer, ports } = portsByPeer.get(key)!;
    const normalized = normalizePorts(ports);
    const portsKey = normalized.map(String).join(',');
    let entry = peersByPorts.get(portsKey);
    if (!entry) {
      entry = { ports: normalized.map((p) => p._toKube()), peers: [], peerKeys: [] };
      peersByPorts.set(portsKey, entry);
    }
    entry.peers.push(peer);
    entry.peerKeys.push(key);
  }
  // Rules are distinct (one per port set) and sorted by their canonical JSON, built from the peer keys already at
  // hand: keys in order are "from" < "ports" < "to".
  const keyed = [...peersByPorts.values()].map(({ ports, peers, peerKeys }) => {
    const peersJson = `"${peerKey}":[${peerKeys.join(',')}]`;
    const portsJson = `"ports":${canonicalJson(ports)}`;
    const sortKey = peerKey === 'from' ? `{${peersJson},${portsJson}}` : `{${portsJson},${peersJson}}`;
    return { sortKey, rule: { [peerKey]: peers, ports } as Json };
  });
  return keyed.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0)).map((k) => k.rule);
}

export interface PolicyDefinition {
  readonly name: string;
  readonly namespace: string;
  readonly intent: string;
  readonly podSelector: Json;
  readonly ingress?: Json[];
  readonly egress?: Json[];
  /** The constructs the policy comes from, for the opt-in construct annotation. @default - the scope's path */
  readonly constructPaths?: string[];
  /** Extra annotations (e.g. lint suppressions recorded on an owner). @default - none */
  readonly annotations?: { [key: string]: string };
}

/**
 * Emits a networking.k8s.io/v1 NetworkPolicy. `policyTypes` is always explicit: a direction is listed exactly when
 * rules for it are given (an empty list means "deny all" in that direction).
 */
export function emitPolicy(scope: Construct, id: string, def: PolicyDefinition): ApiObject {
  const policyTypes: string[] = [];
  if (def.ingress) policyTypes.push('Ingress');
  if (def.egress) policyTypes.push('Egress');
  const spec: Json = { podSelector: def.podSelector, policyTypes };
  if (def.ingress && def.ingress.length) spec.ingress = def.ingress;
  if (def.egress && def.egress.length) spec.egress = def.egress;
  const annotations: { [key: string]: string } = { ...(def.annotations ?? {}), [INTENT_ANNOTATION]: def.intent };
  if (constructPathAnnotationEnabled(scope)) annotations[CONSTRUCT_ANNOTATION] = (def.constructPaths ?? [scope.node.path]).join(', ');
  const policy = new ApiObject(scope, id, {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: def.name, namespace: def.namespace, annotations },
    spec,
  });
  SOURCES.set(policy, def.constructPaths ?? [scope.node.path]);
  addUniqueNameValidation(policy);
  return policy;
}

/** The constructs each emitted policy comes from, for messages. */
const SOURCES = new WeakMap<ApiObject, string[]>();

/** Whether a NetworkPolicy was emitted by this library. */
export function isOurs(policy: ApiObject): boolean {
  return SOURCES.has(policy);
}

/** The constructs a policy comes from, joined, e.g. `test/api, test/tiers`. */
export function sourceOf(policy: ApiObject): string {
  return (SOURCES.get(policy) ?? [policy.node.path]).join(', ');
}

/** Reads the opt-in construct-path annotation switch; throws, naming the scope, on anything but true/false. */
export function constructPathAnnotationEnabled(scope: IConstruct): boolean {
  const value = scope.node.tryGetContext(CONSTRUCT_ANNOTATION_CONTEXT);
  if (value === undefined || value === false || value === 'false') return false;
  if (value === true || value === 'true') return true;
  throw inputError(scope, `context "${CONSTRUCT_ANNOTATION_CONTEXT}" is ${JSON.stringify(value)}`, 'set it to true or false');
}

const registries = new WeakMap<object, ApiObject[]>();

/**
 * Two NetworkPolicies with one namespace and name would overwrite each other when applied: a whole-app check.
 * One validation per construct tree indexes every policy once, so the check stays linear in the number of policies.
 */
export function addUniqueNameValidation(policy: ApiObject): void {
  const root = policy.node.root;
  let policies = registries.get(root);
  if (!policies) {
    const registered: ApiObject[] = [];
    policies = registered;
    registries.set(root, registered);
    // cdk8s validates the whole app once per synthesized chart, so this runs N times for N charts: policies are
    // only ever appended and their names are fixed at construction, so the answer is cached by registry size.
    let cached: { count: number; errors: string[] } | undefined;
    policy.node.addValidation({
      validate: () => {
        if (cached?.count === registered.length) return cached.errors;
        const byKey = new Map<string, ApiObject[]>();
        for (const p of registered) {
          const key = `${p.metadata.namespace}/${p.name}`;
          const list = byKey.get(key);
          if (list) list.push(p);
          else byKey.set(key, [p]);
        }
        const errors = [...byKey.entries()]
          .filter(([, list]) => list.length > 1)
          .map(
            ([key, list]) =>
              `NetworkPolicy ${key} is emitted by ${list.map(sourceOf).join(' and ')}: ` +
              'rename one (a Tier\'s "name", an EgressAllowList\'s "policyName", or the other construct\'s policy), or declare the pods once',
          );
        cached = { count: registered.length, errors };
        return errors;
      },
    });
  }
  policies.push(policy);
}
