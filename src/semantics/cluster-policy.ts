/**
 * Reads the cluster-scoped policy APIs of network-policy-api into the engine's tiers, and rejects what the API server
 * would reject. Three dialects share one parser, as they share their shape:
 *
 * - ClusterNetworkPolicy (policy.networking.k8s.io/v1alpha2, v0.2.0): `tier: Admin | Baseline`, `priority`,
 *   actions Accept/Deny/Pass, rule ports under `protocols`.
 * - AdminNetworkPolicy (policy.networking.k8s.io/v1alpha1, v0.1.x): the Admin tier, `priority`, actions
 *   Allow/Deny/Pass, rule ports under `ports`.
 * - BaselineAdminNetworkPolicy (v1alpha1): the Baseline tier, no priority, actions Allow/Deny, one per cluster, named
 *   `default`.
 *
 * For ClusterNetworkPolicy (v1alpha2) the parser rejects what
 * the API server would reject: the CRD's OpenAPI schema (required fields, enums, minimum/maximum, minItems/maxItems,
 * maxLength, min/maxProperties for the one-of structs, list-type set) and its CEL rules (`isCIDR`, `start < end`,
 * no `destinationNamedPort` with `networks`/`nodes`/`domainNames` peers). The experimental channel's CRD is the one
 * followed: it is a superset of the standard one (it adds `nodes`, `domainNames` and `destinationNamedPort`).
 *
 * @see https://github.com/kubernetes-sigs/network-policy-api/blob/main/apis/v1alpha2/clusternetworkpolicy_types.go
 * @see https://github.com/kubernetes-sigs/network-policy-api/blob/main/config/crd/experimental/policy.networking.k8s.io_clusternetworkpolicies.yaml
 * @see https://github.com/kubernetes-sigs/network-policy-api/blob/v0.1.8/apis/v1alpha1/adminnetworkpolicy_types.go
 * @see https://github.com/kubernetes-sigs/network-policy-api/blob/v0.1.8/config/crd/experimental/policy.networking.k8s.io_adminnetworkpolicies.yaml
 * @see https://github.com/kubernetes-sigs/network-policy-api/blob/v0.1.8/config/crd/experimental/policy.networking.k8s.io_baselineadminnetworkpolicies.yaml
 */
import { ClusterAction, ClusterPeer, ClusterPolicy, ClusterPolicyKind, ClusterRule, ClusterTier, PolicyPort, Selector } from './model';
import { describe, isPlainObject, parseSelector, Report } from './selector';
import { Cidr, isIpv4MappedIpv6, parseCidr } from '../private/cidr';

/** The CRD's limits. */
export const CLUSTER_POLICY_LIMITS = {
  rules: 25,
  peers: 25,
  protocols: 25,
  networks: 25,
  domainNames: 25,
  ruleName: 100,
  cidrLength: 43,
  minPriority: 0,
  maxPriority: 1000,
};

const TIERS: readonly ClusterTier[] = ['Admin', 'Baseline'];
const PROTOCOL_FIELDS = new Map([['tcp', 'TCP'], ['udp', 'UDP'], ['sctp', 'SCTP']]);
const PROTOCOLS: readonly string[] = [...PROTOCOL_FIELDS.values()];

/** The CRD pattern for a domain name: labels, optionally `*.` first, optionally a trailing dot. */
const DOMAIN_NAME = /^(\*\.)?([a-zA-Z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\.)+[a-zA-Z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\.?$/;

/** What differs between the three APIs: everything else (subjects, peers, networks, domain names) they share. */
interface Dialect {
  readonly kind: ClusterPolicyKind;
  /** The tier every policy of the kind is in; `undefined`: read from `spec.tier`. */
  readonly tier?: ClusterTier;
  readonly hasPriority: boolean;
  /** The action words of the API and the engine's action each one means. */
  readonly actions: ReadonlyMap<string, ClusterAction>;
  readonly limits: { readonly rules: number; readonly peers: number; readonly ports: number };
  /** The field of a rule that holds its ports, and how one item of it reads. */
  readonly portsField: 'protocols' | 'ports';
  readonly parsePort: (raw: unknown, path: string, bad: Report) => PolicyPort[] | undefined;
  readonly egressPeers: readonly string[];
  /** `pods.namespaceSelector` is required (v1alpha1) rather than optional, absent meaning every namespace (v1alpha2). */
  readonly podsNeedNamespaceSelector: boolean;
}

const CLUSTER_NETWORK_POLICY: Dialect = {
  kind: 'ClusterNetworkPolicy',
  hasPriority: true,
  actions: new Map([['Accept', 'Accept'], ['Deny', 'Deny'], ['Pass', 'Pass']]),
  limits: { rules: CLUSTER_POLICY_LIMITS.rules, peers: CLUSTER_POLICY_LIMITS.peers, ports: CLUSTER_POLICY_LIMITS.protocols },
  portsField: 'protocols',
  parsePort: (raw, path, bad) => parseProtocol(raw, path, bad),
  egressPeers: ['namespaces', 'pods', 'networks', 'nodes', 'domainNames'],
  podsNeedNamespaceSelector: false,
};

/** The v1alpha1 CRDs' limits: 100 rules per direction, 100 peers and 100 ports per rule. */
const V1ALPHA1_LIMITS = { rules: 100, peers: 100, ports: 100 };

const ADMIN_NETWORK_POLICY: Dialect = {
  kind: 'AdminNetworkPolicy',
  tier: 'Admin',
  hasPriority: true,
  actions: new Map([['Allow', 'Accept'], ['Deny', 'Deny'], ['Pass', 'Pass']]),
  limits: V1ALPHA1_LIMITS,
  portsField: 'ports',
  parsePort: (raw, path, bad) => parseAdminPort(raw, path, bad),
  egressPeers: ['namespaces', 'pods', 'nodes', 'networks', 'domainNames'],
  podsNeedNamespaceSelector: true,
};

const BASELINE_ADMIN_NETWORK_POLICY: Dialect = {
  kind: 'BaselineAdminNetworkPolicy',
  tier: 'Baseline',
  hasPriority: false,
  actions: new Map([['Allow', 'Accept'], ['Deny', 'Deny']]),
  limits: V1ALPHA1_LIMITS,
  portsField: 'ports',
  parsePort: (raw, path, bad) => parseAdminPort(raw, path, bad),
  egressPeers: ['namespaces', 'pods', 'nodes', 'networks'],
  podsNeedNamespaceSelector: true,
};

const DIALECTS: ReadonlyMap<ClusterPolicyKind, Dialect> = new Map(
  [CLUSTER_NETWORK_POLICY, ADMIN_NETWORK_POLICY, BASELINE_ADMIN_NETWORK_POLICY].map((d) => [d.kind, d]),
);

/** The one name a BaselineAdminNetworkPolicy may have (the CRD's CEL rule on metadata.name). */
export const BASELINE_ADMIN_NETWORK_POLICY_NAME = 'default';

/**
 * The word the policy's own API uses for an action: `Allow` in AdminNetworkPolicy and BaselineAdminNetworkPolicy,
 * `Accept` in ClusterNetworkPolicy.
 */
export function actionWord(kind: ClusterPolicyKind, action: ClusterAction): string {
  for (const [word, a] of DIALECTS.get(kind)!.actions) if (a === action) return word;
  return action;
}

/** A peer that reads but cannot be decided offline, for the loader's notes. */
export interface UndecidablePeer {
  readonly path: string;
  readonly kind: 'nodes' | 'domainNames';
}

const present = (x: unknown) => x !== undefined && x !== null;

/**
 * Parses one ClusterNetworkPolicy; reports every problem and returns `undefined` if there was any.
 * `undecidable` receives the `nodes` and `domainNames` peers of a valid policy.
 */
export function parseClusterPolicy(
  obj: { [key: string]: unknown }, name: string, source: string, report: Report, undecidable: (p: UndecidablePeer) => void,
): ClusterPolicy | undefined {
  return parseTieredPolicy('ClusterNetworkPolicy', obj, name, source, report, undecidable);
}

/**
 * Parses one ClusterNetworkPolicy, AdminNetworkPolicy or BaselineAdminNetworkPolicy into the engine's tiers; reports
 * every problem and returns `undefined` if there was any. `undecidable` receives the `nodes` and `domainNames` peers
 * of a valid policy.
 */
export function parseTieredPolicy(
  kind: ClusterPolicyKind, obj: { [key: string]: unknown }, name: string, source: string, report: Report, undecidable: (p: UndecidablePeer) => void,
): ClusterPolicy | undefined {
  const dialect = DIALECTS.get(kind)!;
  let ok = true;
  const bad: Report = (path, message, category) => {
    ok = false;
    report(path, message, category);
  };
  if (kind === 'BaselineAdminNetworkPolicy' && name !== BASELINE_ADMIN_NETWORK_POLICY_NAME) {
    bad('metadata.name', `Invalid value: ${describe(name)}: Only one baseline admin network policy with metadata.name="default" can be created in the cluster: name it default`);
  }
  if (!present(obj.spec)) {
    bad('spec', `Required value: a ${kind} needs a spec with ${dialect.tier ? '' : 'tier, '}${dialect.hasPriority ? 'priority and ' : ''}subject`);
    return undefined;
  }
  const spec = obj.spec;
  if (!isPlainObject(spec)) {
    bad('spec', `must be an object, got ${describe(spec)}`);
    return undefined;
  }
  let tier: ClusterTier | undefined = dialect.tier;
  if (tier === undefined) {
    if (!present(spec.tier)) bad('spec.tier', 'Required value: set tier: Admin (before NetworkPolicy) or tier: Baseline (after it)');
    else if (!TIERS.includes(spec.tier as ClusterTier)) bad('spec.tier', `Unsupported value: ${describe(spec.tier)}: supported values: "Admin", "Baseline"`);
    else tier = spec.tier as ClusterTier;
  }

  // A BaselineAdminNetworkPolicy has no priority (there is one); it sorts after any Baseline ClusterNetworkPolicy.
  let priority: number | undefined = dialect.hasPriority ? undefined : CLUSTER_POLICY_LIMITS.maxPriority + 1;
  const { minPriority, maxPriority } = CLUSTER_POLICY_LIMITS;
  if (!dialect.hasPriority) {
    // spec.priority on it is an unknown field: the strict schema check reports it.
  } else if (!present(spec.priority)) {
    bad('spec.priority', `Required value: set a priority from ${minPriority} to ${maxPriority} (lower values are evaluated first)`);
  } else if (typeof spec.priority !== 'number' || !Number.isInteger(spec.priority)) {
    bad('spec.priority', `must be an integer from ${minPriority} to ${maxPriority}, got ${describe(spec.priority)}`);
  } else if (spec.priority < minPriority || spec.priority > maxPriority) {
    bad('spec.priority', `${spec.priority} is out of range: use ${minPriority} to ${maxPriority} (lower values are evaluated first)`);
  } else {
    priority = spec.priority;
  }

  const subject = parseSubject(spec.subject, dialect, bad);
  const ingress = parseRules(spec.ingress, 'ingress', dialect, bad);
  const egress = parseRules(spec.egress, 'egress', dialect, bad);
  if (!ok || tier === undefined || priority === undefined || !subject || !ingress || !egress) return undefined;
  for (const rule of [...ingress, ...egress]) {
    for (const peer of rule.peers) if (peer.undecidable) undecidable({ path: peer.path, kind: peer.undecidable });
  }
  return {
    id: kind === 'ClusterNetworkPolicy' ? name : `${kind}/${name}`,
    kind,
    name,
    source,
    tier,
    priority,
    ...(subject.namespaces ? { subjectNamespaces: subject.namespaces } : {}),
    ...(subject.pods ? { subjectPods: subject.pods } : {}),
    ingress,
    egress,
  };
}


/** Exactly one of `fields` is present in `raw` (the CRD's `minProperties: 1, maxProperties: 1`). */
function oneOf(raw: { [key: string]: unknown }, fields: readonly string[], path: string, what: string, bad: Report): string | undefined {
  const set = fields.filter((f) => present(raw[f]));
  if (set.length === 1) return set[0];
  const list = fields.join(', ');
  if (set.length === 0) bad(path, `${what} must set exactly one of ${list}; it sets none`);
  else bad(path, `${what} must set exactly one of ${list}; it sets ${set.join(' and ')}: split it into separate items`);
  return undefined;
}

function parseSubject(raw: unknown, dialect: Dialect, bad: Report): { namespaces?: Selector; pods?: ClusterPeer['pods'] } | undefined {
  const path = 'spec.subject';
  if (!present(raw)) {
    bad(path, 'Required value: set subject.namespaces (a namespace selector) or subject.pods (namespaceSelector and podSelector)');
    return undefined;
  }
  if (!isPlainObject(raw)) {
    bad(path, `must be an object with namespaces or pods, got ${describe(raw)}`);
    return undefined;
  }
  const field = oneOf(raw, ['namespaces', 'pods'], path, 'a subject', bad);
  if (field === 'namespaces') {
    const s = parseSelector(raw.namespaces, `${path}.namespaces`, bad);
    return s ? { namespaces: s } : undefined;
  }
  if (field === 'pods') {
    const pods = parsePods(raw.pods, `${path}.pods`, dialect, bad);
    return pods ? { pods } : undefined;
  }
  return undefined;
}

function parsePods(raw: unknown, path: string, dialect: Dialect, bad: Report): ClusterPeer['pods'] | undefined {
  if (!isPlainObject(raw)) {
    bad(path, `must be an object with namespaceSelector and podSelector, got ${describe(raw)}`);
    return undefined;
  }
  if (dialect.podsNeedNamespaceSelector && !present(raw.namespaceSelector)) {
    bad(`${path}.namespaceSelector`, 'Required value: set namespaceSelector ({} selects every namespace)');
    return undefined;
  }
  if (!present(raw.podSelector)) {
    bad(`${path}.podSelector`, 'Required value: set podSelector ({} selects every pod of the selected namespaces)');
    return undefined;
  }
  // In v1alpha2, namespaceSelector is optional: absent, it is the empty selector (every namespace).
  const namespaceSelector = parseSelector(raw.namespaceSelector, `${path}.namespaceSelector`, bad);
  const podSelector = parseSelector(raw.podSelector, `${path}.podSelector`, bad);
  return namespaceSelector && podSelector ? { namespaceSelector, podSelector } : undefined;
}

/** A list field with the CRD's item limits; `undefined` when absent, `null` when invalid. */
function listOf(raw: unknown, path: string, min: number, max: number, what: string, bad: Report): unknown[] | undefined | null {
  if (!present(raw)) return undefined;
  if (!Array.isArray(raw)) {
    bad(path, `must be a list of ${what}, got ${describe(raw)}`);
    return null;
  }
  if (raw.length < min) {
    bad(path, `must have at least ${min} item${min === 1 ? '' : 's'}: leave the field out instead of giving an empty list`);
    return null;
  }
  if (raw.length > max) {
    bad(path, `Too many: ${raw.length}: must have at most ${max} ${what} (the CRD's limit): split them over several rules or policies`);
    return null;
  }
  return raw;
}

function parseRules(raw: unknown, direction: 'ingress' | 'egress', dialect: Dialect, bad: Report): ClusterRule[] | undefined {
  const base = `spec.${direction}`;
  const items = listOf(raw, base, 0, dialect.limits.rules, 'rules', bad);
  if (items === null) return undefined;
  let ok = true;
  const fail: Report = (p, m, c) => {
    ok = false;
    bad(p, m, c);
  };
  const rules: ClusterRule[] = [];
  (items ?? []).forEach((r, i) => {
    const rule = parseRule(r, `${base}[${i}]`, direction, dialect, fail);
    if (rule) rules.push(rule);
  });
  return ok ? rules : undefined;
}

function parseRule(raw: unknown, path: string, direction: 'ingress' | 'egress', dialect: Dialect, bad: Report): ClusterRule | undefined {
  const portsField = dialect.portsField;
  if (!isPlainObject(raw)) {
    bad(path, `a rule must be an object with action, ${direction === 'ingress' ? 'from' : 'to'} and optionally name and ${portsField}, got ${describe(raw)}`);
    return undefined;
  }
  let ok = true;
  const fail: Report = (p, m, c) => {
    ok = false;
    bad(p, m, c);
  };
  let name: string | undefined;
  if (present(raw.name)) {
    if (typeof raw.name !== 'string') fail(`${path}.name`, `must be a string, got ${describe(raw.name)}`);
    else if (raw.name.length > CLUSTER_POLICY_LIMITS.ruleName) fail(`${path}.name`, `Too long: may not be more than ${CLUSTER_POLICY_LIMITS.ruleName} characters (it has ${raw.name.length})`);
    else if (raw.name !== '') name = raw.name;
  }
  const words = [...dialect.actions.keys()];
  const wordList = words.map((w) => `"${w}"`).join(', ');
  let action: ClusterAction | undefined;
  if (!present(raw.action)) {
    fail(`${path}.action`, `Required value: set action: ${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`);
  } else if (typeof raw.action !== 'string' || !dialect.actions.has(raw.action)) {
    const hint = dialect.kind !== 'ClusterNetworkPolicy' && raw.action === 'Accept' ? ` (${dialect.kind} says Allow; Accept is the ClusterNetworkPolicy word)`
      : dialect.kind === 'ClusterNetworkPolicy' && raw.action === 'Allow' ? ' (ClusterNetworkPolicy says Accept; Allow is the AdminNetworkPolicy word)'
        : dialect.kind === 'BaselineAdminNetworkPolicy' && raw.action === 'Pass' ? ' (a BaselineAdminNetworkPolicy is the last tier: there is nothing to pass to; leave the rule out to let NetworkPolicy defaults apply)'
          : '';
    fail(`${path}.action`, `Unsupported value: ${describe(raw.action)}: supported values: ${wordList}${hint}`);
  } else {
    action = dialect.actions.get(raw.action);
  }

  const peerField = direction === 'ingress' ? 'from' : 'to';
  const peerPath = `${path}.${peerField}`;
  const peers: ClusterPeer[] = [];
  if (!present(raw[peerField])) {
    fail(peerPath, `Required value: a rule needs at least one peer in ${peerField} (to match every pod, use namespaces: {})`);
  } else {
    const items = listOf(raw[peerField], peerPath, 1, dialect.limits.peers, 'peers', fail);
    (items ?? []).forEach((p, i) => {
      const peer = parsePeer(p, `${peerPath}[${i}]`, direction, dialect, fail);
      if (peer) peers.push(peer);
    });
  }
  const portItems = listOf(raw[portsField], `${path}.${portsField}`, 1, dialect.limits.ports, portsField === 'ports' ? 'ports' : 'protocols', fail);
  let ports: PolicyPort[] | undefined;
  let named = false;
  if (portItems) {
    ports = [];
    portItems.forEach((p, i) => {
      const entries = dialect.parsePort(p, `${path}.${portsField}[${i}]`, fail);
      if (entries && entries.some((e) => e.name !== undefined)) named = true;
      if (entries) ports!.push(...entries);
    });
  }
  // CEL on the egress rule: no named port with peers that have no named ports.
  if (named && peers.some((p) => p.networks || p.undecidable)) {
    const field = portsField === 'ports' ? 'namedPort' : 'destinationNamedPort';
    const numbers = portsField === 'ports' ? 'portNumber or portRange' : 'destinationPort numbers';
    fail(path, `networks, nodes and domainNames peers cannot be used with ${field} (they have no named ports): `
      + `use ${numbers}, or move those peers to a separate rule`);
  }
  if (!ok || action === undefined) return undefined;
  return { path, ...(name !== undefined ? { name } : {}), action, peers, ...(ports ? { ports } : {}) };
}

function parsePeer(raw: unknown, path: string, direction: 'ingress' | 'egress', dialect: Dialect, bad: Report): ClusterPeer | undefined {
  const fields = direction === 'ingress' ? ['namespaces', 'pods'] : dialect.egressPeers;
  if (!isPlainObject(raw)) {
    bad(path, `a peer must be an object with one of ${fields.join(', ')}, got ${describe(raw)}`);
    return undefined;
  }
  for (const f of ['networks', 'nodes', 'domainNames']) {
    if (!fields.includes(f) && present(raw[f])) {
      const why = direction === 'ingress' ? `an ingress peer is namespaces or pods (${f} peers exist only in egress rules)` : `a ${dialect.kind} egress peer is one of ${fields.join(', ')}`;
      bad(`${path}.${f}`, `unknown field ${describe(f)}: ${why}`);
      return undefined;
    }
  }
  const field = oneOf(raw, fields, path, 'a peer', bad);
  switch (field) {
    case 'namespaces': {
      const s = parseSelector(raw.namespaces, `${path}.namespaces`, bad);
      return s ? { path, namespaces: s } : undefined;
    }
    case 'pods': {
      const pods = parsePods(raw.pods, `${path}.pods`, dialect, bad);
      return pods ? { path, pods } : undefined;
    }
    case 'networks': {
      const networks = parseNetworks(raw.networks, `${path}.networks`, bad);
      return networks ? { path, networks } : undefined;
    }
    case 'nodes': {
      const s = parseSelector(raw.nodes, `${path}.nodes`, bad);
      return s ? { path, nodes: s, undecidable: 'nodes' } : undefined;
    }
    case 'domainNames':
      return parseDomainNames(raw.domainNames, `${path}.domainNames`, bad) ? { path, undecidable: 'domainNames' } : undefined;
    default:
      return undefined;
  }
}

function parseNetworks(raw: unknown, path: string, bad: Report): Cidr[] | undefined {
  const items = listOf(raw, path, 1, CLUSTER_POLICY_LIMITS.networks, 'CIDRs', bad);
  if (!items) return undefined;
  let ok = true;
  const out: Cidr[] = [];
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const p = `${path}[${i}]`;
    if (typeof item !== 'string') {
      ok = false;
      bad(p, `must be a CIDR string such as 10.0.0.0/8, got ${describe(item)}`);
      return;
    }
    if (item.length > CLUSTER_POLICY_LIMITS.cidrLength) {
      ok = false;
      bad(p, `Too long: may not be more than ${CLUSTER_POLICY_LIMITS.cidrLength} characters`);
      return;
    }
    // CEL isCIDR: address/prefix, strictly (no leading zeros, no zone); host bits may be set (they are masked).
    const cidr = parseCidr(item);
    if (!cidr) {
      ok = false;
      bad(p, `Invalid CIDR format provided: ${describe(item)}: write address/prefix, e.g. 10.0.0.0/8 or fd00::/8`);
      return;
    }
    // CEL isCIDR (library/cidr.go) refuses an IPv4-mapped IPv6 address (::ffff:a.b.c.d), whatever the prefix.
    if (cidr.family === 6 && isIpv4MappedIpv6(parseCidr(`${item.slice(0, item.indexOf('/'))}/128`)!)) {
      ok = false;
      bad(p, `Invalid CIDR format provided: ${describe(item)} is an IPv4-mapped IPv6 address, which isCIDR rejects: write the IPv4 block (e.g. 10.0.0.0/8 for ::ffff:10.0.0.0/104)`);
      return;
    }
    if (seen.has(item)) {
      ok = false;
      bad(p, `Duplicate value: ${describe(item)} (networks is a set): remove the repeated entry`);
      return;
    }
    seen.add(item);
    out.push(cidr);
  });
  return ok ? out : undefined;
}

function parseDomainNames(raw: unknown, path: string, bad: Report): boolean {
  const items = listOf(raw, path, 1, CLUSTER_POLICY_LIMITS.domainNames, 'domain names', bad);
  if (!items) return false;
  let ok = true;
  const seen = new Set<unknown>();
  items.forEach((item, i) => {
    const p = `${path}[${i}]`;
    if (typeof item !== 'string' || !DOMAIN_NAME.test(item)) {
      ok = false;
      bad(p, `${describe(item)} is not a domain name: write it as example.com or *.example.com (a wildcard only as the first label)`);
    } else if (seen.has(item)) {
      ok = false;
      bad(p, `Duplicate value: ${describe(item)} (domainNames is a set): remove the repeated entry`);
    }
    seen.add(item);
  });
  return ok;
}

/** One item of `protocols`: entries in the engine's port form. */
function parseProtocol(raw: unknown, path: string, bad: Report): PolicyPort[] | undefined {
  if (!isPlainObject(raw)) {
    bad(path, `must be an object with one of tcp, udp, sctp, destinationNamedPort, got ${describe(raw)}`);
    return undefined;
  }
  const field = oneOf(raw, ['tcp', 'udp', 'sctp', 'destinationNamedPort'], path, 'a protocols item', bad);
  if (field === undefined) return undefined;
  if (field === 'destinationNamedPort') {
    const name = raw.destinationNamedPort;
    if (typeof name !== 'string') {
      bad(`${path}.destinationNamedPort`, `must be a string (a container port name), got ${describe(name)}`);
      return undefined;
    }
    // The name resolves on the destination pod's container port of that name, whatever its protocol.
    return PROTOCOLS.map((protocol) => ({ protocol, name }));
  }
  const protocol = PROTOCOL_FIELDS.get(field)!;
  const body = raw[field];
  const bodyPath = `${path}.${field}`;
  if (!isPlainObject(body)) {
    bad(bodyPath, `must be an object with destinationPort, got ${describe(body)}`);
    return undefined;
  }
  if (!present(body.destinationPort)) {
    // An unknown field (a misspelt destinationPort) is reported by the schema check, with a "did you mean".
    if (Object.keys(body).length > 0) return undefined;
    // minProperties: 1 on the protocol struct.
    bad(bodyPath, `must set destinationPort (an empty ${field}: {} is rejected): give a number or a range, or list every port with range {start: 1, end: 65535}`);
    return undefined;
  }
  const portPath = `${bodyPath}.destinationPort`;
  const port = body.destinationPort;
  if (!isPlainObject(port)) {
    bad(portPath, `must be an object with number or range, got ${describe(port)}`);
    return undefined;
  }
  const which = oneOf(port, ['number', 'range'], portPath, 'a destinationPort', bad);
  if (which === 'number') {
    const n = port.number;
    if (!isPortNumber(n)) {
      bad(`${portPath}.number`, `must be an integer from 1 to 65535, got ${describe(n)}`);
      return undefined;
    }
    return [{ protocol, port: n as number }];
  }
  if (which === 'range') {
    const range = port.range;
    const rangePath = `${portPath}.range`;
    if (!isPlainObject(range)) {
      bad(rangePath, `must be an object with start and end, got ${describe(range)}`);
      return undefined;
    }
    let ok = true;
    for (const k of ['start', 'end']) {
      if (!present(range[k])) {
        ok = false;
        bad(`${rangePath}.${k}`, 'Required value: a range needs start and end (1 to 65535, start < end)');
      } else if (!isPortNumber(range[k])) {
        ok = false;
        bad(`${rangePath}.${k}`, `must be an integer from 1 to 65535, got ${describe(range[k])}`);
      }
    }
    if (!ok) return undefined;
    const start = range.start as number;
    const end = range.end as number;
    if (!(start < end)) {
      bad(rangePath, `Start port must be less than End port (start ${start}, end ${end})${start === end ? `: for one port use number: ${start}` : ''}`);
      return undefined;
    }
    return [{ protocol, port: start, endPort: end }];
  }
  return undefined;
}

function isPortNumber(n: unknown): boolean {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535;
}

/**
 * One item of an AdminNetworkPolicy or BaselineAdminNetworkPolicy rule's `ports` (v1alpha1): exactly one of
 * `portNumber` {protocol, port}, `portRange` {protocol, start, end} and `namedPort`. `protocol` defaults to TCP.
 * The CRD gives `protocol` no enum and `portRange` no start/end rule, so the API server stores `protocol: ICMP` or
 * `start: 90, end: 80`; what a plugin then enforces is undefined, so they are refused here (see docs/semantics.md).
 */
function parseAdminPort(raw: unknown, path: string, bad: Report): PolicyPort[] | undefined {
  if (!isPlainObject(raw)) {
    bad(path, `must be an object with one of portNumber, portRange, namedPort, got ${describe(raw)}`);
    return undefined;
  }
  const field = oneOf(raw, ['portNumber', 'portRange', 'namedPort'], path, 'a ports item', bad);
  if (field === undefined) return undefined;
  if (field === 'namedPort') {
    const name = raw.namedPort;
    if (typeof name !== 'string' || name === '') {
      bad(`${path}.namedPort`, `must be a container port name, got ${describe(name)}`);
      return undefined;
    }
    // The name resolves on the destination pod's container port of that name, whatever its protocol.
    return PROTOCOLS.map((protocol) => ({ protocol, name }));
  }
  const body = raw[field];
  const bodyPath = `${path}.${field}`;
  if (!isPlainObject(body)) {
    bad(bodyPath, `must be an object with ${field === 'portNumber' ? 'protocol and port' : 'protocol, start and end'}, got ${describe(body)}`);
    return undefined;
  }
  let ok = true;
  let protocol = 'TCP';
  if (present(body.protocol)) {
    if (typeof body.protocol !== 'string' || !PROTOCOLS.includes(body.protocol)) {
      ok = false;
      const upper = typeof body.protocol === 'string' && PROTOCOLS.includes(body.protocol.toUpperCase()) ? `: write ${body.protocol.toUpperCase()} (protocols are upper case)` : '';
      bad(`${bodyPath}.protocol`, `${describe(body.protocol)} is not TCP, UDP or SCTP: the CRD has no enum for it, so the API server stores it, and what a plugin enforces is undefined${upper || ': use TCP, UDP or SCTP'}`, 'ambiguous');
    } else {
      protocol = body.protocol;
    }
  }
  const numbers = field === 'portNumber' ? ['port'] : ['start', 'end'];
  for (const k of numbers) {
    if (!present(body[k])) {
      ok = false;
      bad(`${bodyPath}.${k}`, field === 'portNumber' ? 'Required value: set port (1 to 65535)' : 'Required value: a portRange needs start and end (1 to 65535, start < end)');
    } else if (!isPortNumber(body[k])) {
      ok = false;
      bad(`${bodyPath}.${k}`, `must be an integer from 1 to 65535, got ${describe(body[k])}`);
    }
  }
  if (!ok) return undefined;
  if (field === 'portNumber') return [{ protocol, port: body.port as number }];
  const start = body.start as number;
  const end = body.end as number;
  if (start > end) {
    bad(bodyPath, `start ${start} is after end ${end}: the API says End must be greater than Start, but the CRD does not check it, and what a plugin enforces for a reversed range is undefined: swap them`, 'ambiguous');
    return undefined;
  }
  return [start === end ? { protocol, port: start } : { protocol, port: start, endPort: end }];
}
