/**
 * A brute-force oracle for NetworkPolicy semantics, written straight from the spec over raw objects, sharing
 * nothing with the engine but the CIDR helpers. Small and slow on purpose: every pair against every policy.
 * Only handles the subset the random generator produces: Pods with podIP, valid policies. ClusterNetworkPolicies
 * (policy.networking.k8s.io/v1alpha2) are read as the network-policy-api docs describe the tiers: Admin rules by
 * priority (ties by name) and written order, first match wins, Pass goes on to NetworkPolicy; NetworkPolicy decides
 * for the pods it isolates; then Baseline the same way; then allow.
 */
import { cidrContainsIp, parseCidr, parseIp } from '../../src/private/cidr';

type Obj = any;

function matches(sel: Obj | undefined, labels: { [k: string]: string }): boolean {
  if (!sel) return true;
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    if (e.operator === 'In' && !(has && e.values.includes(labels[e.key]))) return false;
    if (e.operator === 'NotIn' && has && e.values.includes(labels[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

export interface OraclePort { protocol: string; port?: number; name?: string }

export function oracleAllowed(objects: Obj[], from: string, to: string, q: OraclePort): boolean {
  const pods = objects.filter((o) => o.kind === 'Pod');
  const nsLabels = (ns: string) => {
    const decl = objects.find((o) => o.kind === 'Namespace' && o.metadata.name === ns);
    return { ...(decl?.metadata.labels ?? {}), 'kubernetes.io/metadata.name': ns };
  };
  const nsOf = (o: Obj) => o.metadata.namespace ?? 'default';
  const find = (id: string) => pods.find((p) => `${nsOf(p)}/${p.metadata.name}` === id)!;
  const src = find(from);
  const dst = find(to);
  const declared = (pod: Obj, name: string, protocol: string) =>
    pod.spec.containers.flatMap((c: Obj) => c.ports ?? []).filter((p: Obj) => p.name === name && (p.protocol ?? 'TCP') === protocol).map((p: Obj) => p.containerPort);
  let port = q.port;
  if (q.name) {
    const found = declared(dst, q.name, q.protocol);
    if (found.length === 0) return false;
    port = found[0];
  }
  if (src === dst) return true;
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  const peerOk = (peer: Obj, policyNs: string, other: Obj) => {
    if (peer.ipBlock) {
      const ip = other.status?.podIP ? parseIp(other.status.podIP) : undefined;
      if (!ip) return false;
      return cidrContainsIp(parseCidr(peer.ipBlock.cidr)!, ip) && !(peer.ipBlock.except ?? []).some((e: string) => cidrContainsIp(parseCidr(e)!, ip));
    }
    if (peer.namespaceSelector) {
      if (!matches(peer.namespaceSelector, nsLabels(nsOf(other)))) return false;
    } else if (nsOf(other) !== policyNs) {return false;}
    return matches(peer.podSelector, other.metadata.labels ?? {});
  };
  const portOk = (entry: Obj) => {
    if ((entry.protocol ?? 'TCP') !== q.protocol) return false;
    if (entry.port === undefined) return true;
    if (typeof entry.port === 'string') return declared(dst, entry.port, q.protocol).includes(port);
    return port! >= entry.port && port! <= (entry.endPort ?? entry.port);
  };
  const cnps = objects.filter((o) => o.kind === 'ClusterNetworkPolicy')
    .sort((a, b) => a.spec.priority - b.spec.priority || (a.metadata.name < b.metadata.name ? -1 : 1));
  const podsOk = (sel: Obj, pod: Obj) =>
    matches(sel.namespaceSelector ?? {}, nsLabels(nsOf(pod))) && matches(sel.podSelector, pod.metadata.labels ?? {});
  const cnpPeerOk = (peer: Obj, other: Obj) => {
    if (peer.namespaces) return matches(peer.namespaces, nsLabels(nsOf(other)));
    if (peer.pods) return podsOk(peer.pods, other);
    if (peer.networks) {
      const ip = other.status?.podIP ? parseIp(other.status.podIP) : undefined;
      return ip !== undefined && peer.networks.some((c: string) => cidrContainsIp(parseCidr(c)!, ip));
    }
    return false;
  };
  const cnpPortOk = (item: Obj) => {
    if (item.destinationNamedPort !== undefined) {
      return dst.spec.containers.flatMap((c: Obj) => c.ports ?? [])
        .some((p: Obj) => p.name === item.destinationNamedPort && (p.protocol ?? 'TCP') === q.protocol && p.containerPort === port);
    }
    const key = Object.keys(item)[0];
    if (key.toUpperCase() !== q.protocol) return false;
    const d = item[key].destinationPort;
    return d.number !== undefined ? d.number === port : port! >= d.range.start && port! <= d.range.end;
  };
  const tierAction = (tier: string, subject: Obj, other: Obj, type: 'Ingress' | 'Egress'): string | undefined => {
    for (const p of cnps) {
      if (p.spec.tier !== tier) continue;
      const s = p.spec.subject;
      if (!(s.namespaces ? matches(s.namespaces, nsLabels(nsOf(subject))) : podsOk(s.pods, subject))) continue;
      for (const rule of p.spec[type === 'Ingress' ? 'ingress' : 'egress'] ?? []) {
        const peers = rule[type === 'Ingress' ? 'from' : 'to'];
        if (peers.some((peer: Obj) => cnpPeerOk(peer, other)) && (!rule.protocols || rule.protocols.some(cnpPortOk))) return rule.action;
      }
    }
    return undefined;
  };
  const direction = (subject: Obj, other: Obj, type: 'Ingress' | 'Egress') => {
    const admin = tierAction('Admin', subject, other, type);
    if (admin === 'Accept' || admin === 'Deny') return admin === 'Accept';
    const np = networkPolicies(subject, other, type);
    if (np !== undefined) return np;
    return tierAction('Baseline', subject, other, type) !== 'Deny';
  };
  /** `undefined` when no NetworkPolicy isolates the subject in this direction. */
  const networkPolicies = (subject: Obj, other: Obj, type: 'Ingress' | 'Egress'): boolean | undefined => {
    let isolated = false;
    for (const p of policies) {
      if (nsOf(p) !== nsOf(subject) || !matches(p.spec.podSelector, subject.metadata.labels ?? {})) continue;
      const rulesKey = type === 'Ingress' ? 'ingress' : 'egress';
      const types: string[] = p.spec.policyTypes?.length ? p.spec.policyTypes : ['Ingress', ...((p.spec.egress ?? []).length ? ['Egress'] : [])];
      if (!types.includes(type)) continue;
      isolated = true;
      for (const rule of p.spec[rulesKey] ?? []) {
        const peers = rule[type === 'Ingress' ? 'from' : 'to'];
        const peerMatch = !peers || peers.length === 0 || peers.some((peer: Obj) => peerOk(peer, nsOf(p), other));
        const portMatch = !rule.ports || rule.ports.length === 0 || rule.ports.some(portOk);
        if (peerMatch && portMatch) return true;
      }
    }
    return isolated ? false : undefined;
  };
  return direction(src, dst, 'Egress') && direction(dst, src, 'Ingress');
}
