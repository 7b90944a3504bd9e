/**
 * Stand-ins: pods the input does not hold, built from the policies that name them (as subjects or peers), so that flows to and from an ingress
 * controller, Prometheus, Kafka or DNS are evaluated and listed like any other.
 *
 * A stand-in is one pod whose labels satisfy the peer's pod selector, in a namespace that satisfies its namespace
 * selector (or the namespace it names): `ingress-nginx/stand-in[app.kubernetes.io/name=ingress-nginx]`. It is built
 * only when no pod or workload of the input matches the peer, and never for a peer no pod can match (contradictory
 * requirements, or a namespace of the input whose labels the selector refuses). The policies of the input apply to it
 * as to any pod of its namespace. It declares no container port, so a named port never resolves on it.
 */
import { Cluster, Endpoint, Labels, Namespace, Selector } from './model';
import { selectorMatches } from './selector';
import { NAMESPACE_NAME_LABEL } from '../private/k8s';

/** Pods a peer selects, and where it was written. */
export interface PeerRequest {
  /** The namespace by name; exclusive with `namespaceSelector`. */
  readonly namespace?: string;
  /** The namespaces by labels; neither this nor `namespace`: every namespace. */
  readonly namespaceSelector?: Selector;
  readonly podSelector: Selector;
  /** `NetworkPolicy shop/web spec.ingress[0].from[1]`: what the stand-in stands for, in messages. */
  readonly where: string;
}

/** A stand-in pod and its namespace. */
export interface StandIn {
  readonly endpoint: Endpoint;
  readonly namespace: Namespace;
}

const EVERY: Selector = { requirements: [], text: '{}' };

/**
 * The pods the policies and tiered policies of a cluster name, in input order: the subjects (a policy's
 * `spec.podSelector` in its namespace, a tiered policy's `subject`) and the pod and namespace peers of their rules
 * (ipBlocks, networks and nodes aside).
 */
export function namedPods(cluster: Cluster): PeerRequest[] {
  const out: PeerRequest[] = [];
  for (const p of cluster.policies) {
    out.push({ namespace: p.namespace, podSelector: p.podSelector, where: `NetworkPolicy ${p.id} spec.podSelector` });
    for (const rule of [...p.ingress, ...p.egress]) {
      for (const peer of rule.peers ?? []) {
        if (peer.ipBlock) continue;
        const where = `NetworkPolicy ${p.id} ${peer.path}`;
        out.push(peer.namespaceSelector
          ? { namespaceSelector: peer.namespaceSelector, podSelector: peer.podSelector ?? EVERY, where }
          : { namespace: p.namespace, podSelector: peer.podSelector ?? EVERY, where });
      }
    }
  }
  for (const p of cluster.clusterPolicies ?? []) {
    const subject = `${p.kind} ${p.name} spec.subject`;
    if (p.subjectNamespaces) out.push({ namespaceSelector: p.subjectNamespaces, podSelector: EVERY, where: subject });
    if (p.subjectPods) out.push({ namespaceSelector: p.subjectPods.namespaceSelector, podSelector: p.subjectPods.podSelector, where: subject });
    for (const rule of [...p.ingress, ...p.egress]) {
      for (const peer of rule.peers) {
        const where = `${p.kind} ${p.name} ${peer.path}`;
        if (peer.namespaces) out.push({ namespaceSelector: peer.namespaces, podSelector: EVERY, where });
        else if (peer.pods) out.push({ namespaceSelector: peer.pods.namespaceSelector, podSelector: peer.pods.podSelector, where });
      }
    }
  }
  return out;
}

/**
 * The stand-ins for the named pods that match no pod or workload of some of the clusters (for a diff, both inputs:
 * each stand-in is then added to both, so the two sides are compared over the same ends), deduplicated, sorted by id.
 * The first request of a stand-in names it. Cost: one pass over the pods per distinct selector pair.
 */
export function planStandIns(clusters: readonly Cluster[], requests: readonly PeerRequest[]): StandIn[] {
  const planned = new Map<string, StandIn>();
  const plannedNamespaces = new Map<string, Namespace>();
  const namespaceOf = (name: string): Namespace | undefined => {
    for (const c of clusters) {
      const ns = c.namespaces.get(name);
      if (ns) return ns;
    }
    return plannedNamespaces.get(name);
  };
  const byNamespace = clusters.map((c) => {
    const m = new Map<string, Endpoint[]>();
    for (const e of c.endpoints) {
      if (!m.has(e.namespace)) m.set(e.namespace, []);
      m.get(e.namespace)!.push(e);
    }
    return m;
  });
  const occupied = (name: string) => byNamespace.some((m) => m.has(name));
  const allNamespaces = [...new Map(clusters.flatMap((c) => [...c.namespaces.values()].map((ns): [string, Namespace] => [ns.name, ns]))).values()]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const labelsOf = (c: Cluster, ns: string): Labels => c.namespaces.get(ns)?.labels ?? new Map([[NAMESPACE_NAME_LABEL, ns]]);
  const holds = (k: number, r: PeerRequest): boolean => {
    const c = clusters[k];
    for (const [ns, endpoints] of byNamespace[k]) {
      if (r.namespace !== undefined ? ns !== r.namespace
        : r.namespaceSelector !== undefined && !selectorMatches(r.namespaceSelector, labelsOf(c, ns))) continue;
      if (endpoints.some((e) => selectorMatches(r.podSelector, e.labels))) return true;
    }
    return false;
  };
  const seen = new Set<string>();
  for (const r of requests) {
    const key = `${r.namespace ?? ''}\u0000${r.namespace === undefined ? r.namespaceSelector?.text ?? '*' : ''}\u0000${r.podSelector.text}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (clusters.every((_, k) => holds(k, r))) continue;
    // A stand-in already planned may be one of its pods, if it is in every input: its namespace has the labels
    // an input declares for it there (the stand-in's own where none does), so a planned stand-in may match the peer in
    // one input and not in the other (then this peer gets its own, and planning again adds nothing: idempotent).
    const everywhere = (st: StandIn) => selectorMatches(r.podSelector, st.endpoint.labels) && clusters.every((c) => {
      if (r.namespace !== undefined) return st.namespace.name === r.namespace;
      const declared = c.namespaces.get(st.namespace.name);
      const labels = declared?.declared ? declared.labels : st.namespace.labels;
      return r.namespaceSelector === undefined || selectorMatches(r.namespaceSelector, labels);
    });
    if ([...planned.values()].some(everywhere)) continue;
    const s = standInFor(r, namespaceOf, occupied, allNamespaces);
    if (!s || planned.has(s.endpoint.id)) continue;
    planned.set(s.endpoint.id, s);
    if (!plannedNamespaces.has(s.namespace.name)) plannedNamespaces.set(s.namespace.name, s.namespace);
  }
  return [...planned.values()].sort((a, b) => (a.endpoint.id < b.endpoint.id ? -1 : a.endpoint.id > b.endpoint.id ? 1 : 0));
}

/**
 * The cluster with the stand-ins added, and their namespaces where the cluster declares none of that name (a
 * namespace it only refers to takes the stand-in's labels).
 */
export function withStandIns(cluster: Cluster, standIns: readonly StandIn[]): Cluster {
  if (standIns.length === 0) return cluster;
  const namespaces = new Map(cluster.namespaces);
  for (const s of standIns) {
    const existing = namespaces.get(s.namespace.name);
    const labels = new Map([...(existing?.labels ?? []), ...s.namespace.labels]);
    if (!existing?.declared) namespaces.set(s.namespace.name, { ...s.namespace, labels });
  }
  const known = new Set(cluster.endpoints.map((e) => e.id));
  const endpoints = [...cluster.endpoints, ...standIns.map((s) => s.endpoint).filter((e) => !known.has(e.id))]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { ...cluster, namespaces, endpoints };
}

/** One pod for a peer, or `undefined` when no pod can match it. */
function standInFor(
  r: PeerRequest, namespaceOf: (name: string) => Namespace | undefined, occupied: (name: string) => boolean, all: readonly Namespace[],
): StandIn | undefined {
  const podLabels = satisfying(r.podSelector);
  if (!podLabels) return undefined;
  let namespace: Namespace | undefined;
  if (r.namespace !== undefined) {
    namespace = namespaceOf(r.namespace) ?? { name: r.namespace, labels: new Map([[NAMESPACE_NAME_LABEL, r.namespace]]), declared: false };
  } else {
    const selector = r.namespaceSelector ?? EVERY;
    const labels = satisfying(selector);
    if (!labels) return undefined;
    const named = labels.get(NAMESPACE_NAME_LABEL);
    if (named !== undefined) {
      // The selector names its namespace: that one, unless the input gives it labels the selector refuses.
      // A namespace the input only refers to, and holds no pod of, has unknown labels: the stand-in's are given to it.
      // Never to one with pods of the input: their answers would change.
      const existing = namespaceOf(named);
      namespace = existing && (existing.declared || occupied(named)) ? existing
        : { name: named, labels: new Map([...(existing?.labels ?? []), ...labels]), declared: false };
    } else if (selector.requirements.length > 0) {
      // A namespace of the input that the labels select, else one of the stand-in's own, with the labels.
      namespace = all.find((ns) => selectorMatches(selector, ns.labels));
      if (!namespace) {
        const name = `stand-in${labelText(labels)}`;
        namespace = { name, labels: new Map([...labels, [NAMESPACE_NAME_LABEL, name]]), declared: false };
      }
    } else {
      // Every namespace: one of its own, so that the policies of the app's namespaces do not apply to it.
      namespace = { name: 'stand-in', labels: new Map([[NAMESPACE_NAME_LABEL, 'stand-in']]), declared: false };
    }
    if (!selectorMatches(selector, namespace.labels)) return undefined;
  }
  const name = `stand-in${labelText(podLabels)}`;
  return {
    namespace,
    endpoint: {
      id: `${namespace.name}/${name}`,
      namespace: namespace.name,
      name,
      kind: 'Pod',
      labels: podLabels,
      ips: [],
      ports: [],
      source: `stand-in for ${r.where}`,
      hostNetwork: false,
      replicas: 1,
      standIn: r.where,
    },
  };
}

/** `[app=web,tier=front]`, or '' for no label. */
function labelText(labels: Labels): string {
  const parts = [...labels].filter(([k]) => k !== NAMESPACE_NAME_LABEL).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`);
  return parts.length === 0 ? '' : `[${parts.join(',')}]`;
}

/**
 * Labels a selector matches: the smallest value of each `In`, `stand-in` for each `Exists`, nothing for `NotIn` and
 * `DoesNotExist`; `undefined` when they do not match after all (requirements that contradict each other).
 */
function satisfying(selector: Selector): Labels | undefined {
  const labels = new Map<string, string>();
  for (const r of selector.requirements) {
    if (r.operator === 'In' && !labels.has(r.key)) labels.set(r.key, [...r.values].sort()[0]);
  }
  for (const r of selector.requirements) {
    if (r.operator === 'Exists' && !labels.has(r.key)) labels.set(r.key, 'stand-in');
  }
  return selectorMatches(selector, labels) ? labels : undefined;
}

/**
 * Two inputs with the same stand-ins (those either one needs, added to both), so that a diff compares them over the
 * same ends: a rule newly admitting pods neither input holds is then an addition.
 */
export function withSharedStandIns(older: Cluster, newer: Cluster): [Cluster, Cluster] {
  const standIns = planStandIns([older, newer], [...namedPods(older), ...namedPods(newer)]);
  return [withStandIns(older, standIns), withStandIns(newer, standIns)];
}
