/**
 * From recorded connections to intents a person can review: a ZeroTrustNamespace per owned namespace, a Tier per
 * group of pods, TierAccess flows with Peers for what lives elsewhere. The plan is plain data; render.ts writes it
 * as a cdk8s app in TypeScript, and app.ts builds the very same constructs in this process, so the command can prove
 * its own output by replaying the flows against it.
 */
import { Cidr, cidrContainsIp, formatIp, parseIp } from '../private/cidr';
import { cmp } from '../private/json';
import { ReplayConnection } from '../replay/api';
import { Cluster, Endpoint } from '../semantics/model';

/** Labels that change with every rollout or replica: never part of a group's selector. */
const VOLATILE_LABELS = [
  'pod-template-hash',
  'controller-revision-hash',
  'statefulset.kubernetes.io/pod-name',
  'apps.kubernetes.io/pod-index',
  'pod-template-generation',
  'controller-uid',
  'batch.kubernetes.io/controller-uid',
  'job-name',
  'batch.kubernetes.io/job-name',
  'batch.kubernetes.io/job-completion-index',
];

/** Labels that name a workload, in the order they are tried for a group's name. */
const NAME_LABELS = ['app.kubernetes.io/name', 'app', 'k8s-app', 'name', 'app.kubernetes.io/component'];

export interface PlanTier {
  /** The TypeScript variable, e.g. `shopWeb`. */
  readonly variable: string;
  /** The construct id (and the policy's name hint), e.g. `web`. */
  readonly id: string;
  readonly namespace: string;
  /** The pods' stable labels: the selector. */
  readonly labels: { readonly [key: string]: string };
}

/** One end of a flow. */
/** The presets a foreign group is written as when it fits one: its namespace, and the preset's labels among its own. */
const PRESETS: readonly { readonly call: string; readonly namespace: string; readonly labels: { readonly [key: string]: string } }[] = [
  { call: 'kubeDns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
  { call: 'ingressController', namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
  { call: 'prometheus', namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } },
];

export type PlanEnd = { readonly tier: PlanTier }
| { readonly pods: { readonly namespace: string; readonly labels: { readonly [key: string]: string } } }
| { readonly preset: string }
/** `names`: the DNS names the flows saw for the address (`destination_names`), for a comment. */
| { readonly cidr: string; readonly names?: readonly string[] };

export interface PlanPort {
  readonly protocol: string;
  readonly port: number;
  /** The destination's container port name, when it declares one for this number and protocol. */
  readonly name?: string;
}

export interface PlanFlow {
  readonly source: PlanEnd;
  readonly destination: PlanEnd;
  readonly ports: readonly PlanPort[];
  /** The owned namespace whose chart holds the flow. */
  readonly chart: string;
}

export interface Plan {
  /** The owned namespaces, sorted. */
  readonly namespaces: readonly string[];
  /** Sorted by namespace, then id. */
  readonly tiers: readonly PlanTier[];
  /** Sorted by chart, then by source and destination as written. */
  readonly flows: readonly PlanFlow[];
  /** What was seen and not written, as comment lines for the file's header. */
  readonly notWritten: readonly string[];
  /** Connections written. */
  readonly written: number;
}

export interface PlanOptions {
  /** Only these namespaces are owned (default: every namespace with a decidable observed pod, except kube-system). */
  readonly namespaces?: readonly string[];
  /** Write the connections seen only as policy drops too. */
  readonly includeDropped?: boolean;
  /** Blocks the user names: an address inside one is written as the block (the first that holds it). */
  readonly externalBlocks?: readonly Cidr[];
  /** Aggregate the other IPv4 addresses into blocks of this prefix length (opt-in; IPv6 addresses stay /128). */
  readonly aggregate?: number;
}


/** The labels that select a pod's group: its labels without the volatile ones. */
function stableLabels(e: Endpoint): { [key: string]: string } {
  const out: { [key: string]: string } = {};
  for (const [k, v] of [...e.labels].sort(([a], [b]) => cmp(a, b))) if (!VOLATILE_LABELS.includes(k)) out[k] = v;
  return out;
}

export function planIntents(cluster: Cluster, connections: readonly ReplayConnection[], options: PlanOptions = {}): Plan {
  const byId = new Map(cluster.endpoints.map((e) => [e.id, e]));
  const decidable = connections.filter((c) => c.verdict !== 'undecidable');
  const observedNamespaces = [...new Set(decidable.flatMap((c) => [c.source, c.destination]).map((id) => byId.get(id)?.namespace)
    .filter((n): n is string => n !== undefined))].sort(cmp);
  const owned = new Set(options.namespaces ?? observedNamespaces.filter((n) => n !== 'kube-system'));
  const notWritten: string[] = [];

  // Groups: pods of an owned namespace with the same stable labels. One without any is not written (its selector
  // would be every pod of the namespace).
  const tiers = new Map<string, PlanTier>();
  const used = new Set<string>();
  const usedVariables = new Set<string>(['app', 'chart']);
  const groupKey = (e: Endpoint) => `${e.namespace}\u0000${JSON.stringify(stableLabels(e))}`;
  const tierOf = (e: Endpoint): PlanTier | undefined => {
    const key = groupKey(e);
    const existing = tiers.get(key);
    if (existing) return existing;
    const labels = stableLabels(e);
    if (Object.keys(labels).length === 0) return undefined;
    const base = constructId(workloadName(e) ?? NAME_LABELS.map((k) => labels[k]).find((v) => v !== undefined) ?? e.name);
    let id = base;
    for (let k = 2; used.has(`${e.namespace}/${id}`); k++) id = `${base}-${k}`;
    used.add(`${e.namespace}/${id}`);
    let variable = variableName(e.namespace, id);
    for (let k = 2; usedVariables.has(variable); k++) variable = `${variableName(e.namespace, id)}${k}`;
    usedVariables.add(variable);
    const tier = { variable, id, namespace: e.namespace, labels };
    tiers.set(key, tier);
    return tier;
  };
  // Tiers in a stable order, whatever the order of the connections: by namespace, then by the group's labels.
  const pods = [...new Set(decidable.flatMap((c) => [c.source, c.destination]))].map((id) => byId.get(id))
    .filter((e): e is Endpoint => e !== undefined && owned.has(e.namespace))
    .sort((a, b) => cmp(groupKey(a), groupKey(b)) || cmp(a.id, b.id));
  for (const e of pods) tierOf(e);

  const addressOf = (id: string, names: readonly string[] | undefined): PlanEnd => {
    const ip = parseIp(id)!;
    const block = (options.externalBlocks ?? []).find((b) => cidrContainsIp(b, ip));
    if (block) return { cidr: block.text };
    if (options.aggregate !== undefined && ip.family === 4) {
      const shift = BigInt(32 - options.aggregate);
      return { cidr: `${formatIp(4, (ip.value >> shift) << shift)}/${options.aggregate}` };
    }
    return { cidr: `${id}/${ip.family === 4 ? 32 : 128}`, ...(names && names.length > 0 ? { names } : {}) };
  };
  const endOf = (id: string, names?: readonly string[]): PlanEnd | string => {
    const e = byId.get(id);
    if (!e) return addressOf(id, names);
    if (owned.has(e.namespace)) return tierOf(e) ? { tier: tierOf(e)! } : `${id} has no labels but volatile ones`;
    const labels = stableLabels(e);
    if (Object.keys(labels).length === 0) return `${id} has no labels but volatile ones`;
    const preset = PRESETS.find((p) => p.namespace === e.namespace && Object.entries(p.labels).every(([k, v]) => labels[k] === v));
    if (preset) return { preset: preset.call };
    return { pods: { namespace: e.namespace, labels } };
  };
  const flows = new Map<string, { source: PlanEnd; destination: PlanEnd; ports: Map<string, PlanPort>; chart: string }>();
  const mergeNames = (a: PlanEnd, b: PlanEnd): PlanEnd => ('cidr' in a && 'cidr' in b && (a.names || b.names)
    ? { cidr: a.cidr, names: [...new Set([...(a.names ?? []), ...(b.names ?? [])])].sort(cmp) }
    : a);
  let written = 0;
  for (const c of decidable) {
    const what = `${c.source} -> ${c.destination} ${c.protocol}/${c.port}`;
    if (!c.worked && !options.includeDropped) {
      notWritten.push(`denied attempt (seen only as a policy drop): ${what}`);
      continue;
    }
    const source = endOf(c.source, c.sourceNames);
    const destination = endOf(c.destination, c.destinationNames);
    if (typeof source === 'string' || typeof destination === 'string') {
      notWritten.push(`${what}: ${typeof source === 'string' ? source : destination}`);
      continue;
    }
    // DNS to the cluster DNS is the ZeroTrustNamespace's own carve-out: no flow needed.
    if ('preset' in destination && destination.preset === 'kubeDns' && c.port === 53 && (c.protocol === 'UDP' || c.protocol === 'TCP')) {
      notWritten.push(`DNS, allowed by the ZeroTrustNamespace's DNS carve-out: ${what}`);
      continue;
    }
    const chart = 'tier' in destination ? destination.tier.namespace : 'tier' in source ? source.tier.namespace : undefined;
    if (chart === undefined) continue; // between pods and addresses no owned namespace holds: no policy of ours applies
    const dst = byId.get(c.destination);
    const name = dst?.ports.find((p) => p.port === c.port && p.protocol === c.protocol && p.name !== undefined)?.name;
    const key = `${chart}\u0000${endKey(source)}\u0000${endKey(destination)}`;
    let flow = flows.get(key);
    if (!flow) flows.set(key, (flow = { source, destination, ports: new Map(), chart }));
    else flow.source = mergeNames(flow.source, source), flow.destination = mergeNames(flow.destination, destination);
    flow.ports.set(`${c.protocol}/${c.port}`, { protocol: c.protocol, port: c.port, ...(name !== undefined ? { name } : {}) });
    written++;
  }
  for (const c of connections) {
    if (c.verdict === 'undecidable') notWritten.push(`undecidable, not written: ${c.source} -> ${c.destination} ${c.protocol}/${c.port} (${c.reason})`);
  }
  const sortedTiers = [...tiers.values()].sort((a, b) => cmp(a.namespace, b.namespace) || cmp(a.id, b.id));
  const sortedFlows = [...flows.entries()].sort(([a], [b]) => cmp(a, b)).map(([, f]) => ({
    source: f.source,
    destination: f.destination,
    chart: f.chart,
    ports: [...f.ports.values()].sort((x, y) => cmp(x.protocol, y.protocol) || x.port - y.port),
  }));
  return {
    namespaces: [...owned].sort(cmp),
    tiers: sortedTiers,
    flows: sortedFlows,
    notWritten: [...new Set(notWritten)].sort(cmp),
    written,
  };
}

/**
 * The workload that owns a pod, by its controller: a ReplicaSet's Deployment (its name without the
 * `-<pod-template-hash>` suffix), a Job's CronJob (without the `-<schedule time>` suffix), else the controller itself.
 */
export function workloadName(e: Endpoint): string | undefined {
  const o = e.owner;
  if (!o) return undefined;
  const hash = e.labels.get('pod-template-hash');
  if (o.kind === 'ReplicaSet' && hash !== undefined && o.name.endsWith(`-${hash}`)) return o.name.slice(0, -hash.length - 1);
  if (o.kind === 'Job' && /-[0-9]{8,}$/.test(o.name)) return o.name.replace(/-[0-9]{8,}$/, '');
  return o.name;
}

/** A stable text for an end, for sorting and merging flows. */
function endKey(e: PlanEnd): string {
  if ('tier' in e) return `1 ${e.tier.namespace}/${e.tier.id}`;
  if ('pods' in e) return `2 ${e.pods.namespace}/${JSON.stringify(e.pods.labels)}`;
  if ('preset' in e) return `2 preset ${e.preset}`;
  return `3 ${e.cidr}`;
}

/** A construct id from a label value or pod name: lower-case letters, digits and dashes. */
function constructId(text: string): string {
  const id = text.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
  return id === '' ? 'pods' : id;
}

/** `shopWeb` from namespace `shop` and id `web`. */
function variableName(namespace: string, id: string): string {
  const words = `${namespace}-${id}`.split(/[^a-zA-Z0-9]+/).filter((w) => w !== '');
  const name = words.map((w, i) => (i === 0 ? w.toLowerCase() : w[0].toUpperCase() + w.slice(1).toLowerCase())).join('');
  return /^[0-9]/.test(name) ? `ns${name}` : name;
}
