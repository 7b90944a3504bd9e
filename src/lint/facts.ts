/**
 * Facts more than one rule stands on (a rule never imports another: what two rules share lives here): the
 * namespace-wide default-deny (NP001, NP002), split and merged peers (NP006, NP007, and NP005, which leaves them
 * to those), and a selector written empty by accident (NP021, and NP019, which leaves it to NP021).
 */
import { endpointsIn, isEmptySelector, namespaceKnown, namespacesWithEndpoints, peerMatch, plural, policiesIn, policyObject } from './helpers';
import { LintContext, RawFinding } from './model';
import { LintSeverity } from './severity';
import { isPlainObject } from '../manifests/objects';
import { policySelects } from '../semantics/evaluate';
import { Cluster, ClusterPeer, ClusterPolicy, Peer, Policy, Rule } from '../semantics/model';
import { selectorMatches } from '../semantics/selector';

/** Every pod of every namespace: `namespaces: {}`, or `pods` with both selectors empty. */
function everyPod(peer: ClusterPeer): boolean {
  if (peer.namespaces) return isEmptySelector(peer.namespaces);
  return peer.pods !== undefined && isEmptySelector(peer.pods.namespaceSelector) && isEmptySelector(peer.pods.podSelector);
}

/** `networks` holding the whole IPv4 space (0.0.0.0/0): the internet. */
function everyIpv4Address(peer: ClusterPeer): boolean {
  return (peer.networks ?? []).some((c) => c.family === 4 && c.prefix === 0);
}

/**
 * A Baseline-tier ClusterNetworkPolicy that is a default-deny for every pod of `ns` in a direction: its subject holds
 * the whole namespace, and one of its rules of that direction denies, on every port, every pod (and for egress every
 * IPv4 address too; ingress peers of v1alpha2 can only be pods). Rules before it are the carve-outs.
 *
 * @see https://network-policy-api.sigs.k8s.io/api-overview/
 */
export function baselineDefaultDeny(cluster: Cluster, ns: string, direction: 'Ingress' | 'Egress'): ClusterPolicy | undefined {
  const labels = cluster.namespaces.get(ns)?.labels;
  if (!labels) return undefined;
  return (cluster.clusterPolicies ?? []).find((p) => {
    if (p.tier !== 'Baseline') return false;
    const wholeNamespace = p.subjectNamespaces
      ? selectorMatches(p.subjectNamespaces, labels)
      : selectorMatches(p.subjectPods!.namespaceSelector, labels) && isEmptySelector(p.subjectPods!.podSelector);
    if (!wholeNamespace) return false;
    const rules = direction === 'Ingress' ? p.ingress : p.egress;
    return rules.some((r) => r.action === 'Deny' && r.ports === undefined && r.peers.some(everyPod)
      && (direction === 'Ingress' || r.peers.some(everyIpv4Address)));
  });
}

export function defaultDenyFindings(context: LintContext, direction: 'Ingress' | 'Egress'): RawFinding[] {
  const { cluster } = context;
  const findings: RawFinding[] = [];
  const namespaces = namespacesWithEndpoints(cluster);
  for (const ns of namespaces) {
    const policies = policiesIn(cluster, ns);
    const denies = policies.some((p) => isEmptySelector(p.podSelector) && (direction === 'Ingress' ? p.isolatesIngress : p.isolatesEgress));
    // A Baseline ClusterNetworkPolicy default-deny covers the namespace as well: it applies to every pod no
    // NetworkPolicy isolates, which is exactly the gap a namespace-wide NetworkPolicy default-deny closes.
    if (denies || baselineDefaultDeny(cluster, ns, direction)) continue;
    // Stand-ins declared for pods the repository does not deploy are not the namespace's workloads.
    const endpoints = endpointsIn(cluster, ns).filter((e) => e.declaredStandIn === undefined);
    if (endpoints.length === 0) continue;
    const workloads = endpoints.length;
    // Every workload already isolated by a policy of its own (the pattern of many official installs): a namespace-wide
    // default-deny is hardening for pods added later, not a hole today.
    const isolates = (p: typeof policies[number]) => (direction === 'Ingress' ? p.isolatesIngress : p.isolatesEgress);
    const allIsolated = policies.length > 0 && endpoints.every((e) => policies.some((p) => isolates(p) && policySelects(p, e)));
    if (allIsolated) {
      findings.push({
        object: `Namespace ${ns}`,
        path: '',
        severity: LintSeverity.INFO,
        message: `namespace ${ns}: ${workloads === 1 ? 'its one pod/workload is' : `every one of its ${plural(workloads, 'pod/workload')} is`} isolated for ${direction} by a policy of its own, but no namespace-wide default-deny covers pods added later. Hardening: add a NetworkPolicy in ${ns} with \`podSelector: {}\` and \`policyTypes: [${direction}]\``,
      });
      continue;
    }
    const why = policies.length === 0
      ? 'has no NetworkPolicy at all, so every pod accepts and opens any connection'
      : `has no default-deny policy for ${direction}, so any pod no policy selects (including pods added later) is not isolated for ${direction}`;
    findings.push({
      object: `Namespace ${ns}`,
      path: '',
      message: `namespace ${ns} (${plural(workloads, 'pod/workload')}) ${why}. Fix: add a NetworkPolicy in ${ns} with \`podSelector: {}\` and \`policyTypes: [${direction}]\` (no ${direction === 'Ingress' ? 'ingress' : 'egress'} rules), then allow the flows you need`,
    });
  }
  return findings;
}

export interface SplitPeers {
  readonly nsOnly: Peer;
  readonly podOnly: Peer;
  /** True when the input shows the podSelector peer matches nothing in the policy's namespace. */
  readonly deadLocally: boolean;
}

/**
 * The namespaceSelector-only and podSelector-only peers of a rule that lists both, when they read as one peer split
 * in two. Not when the OR is evidently meant:
 * - `podSelector: {}` in a peer of its own means "every pod of my namespace": it cannot have been meant inside the
 *   other peer (that would be the namespaceSelector alone);
 * - the podSelector matches pods of the policy's own namespace in the input: both alternatives select real pods (the
 *   Kubernetes docs' own example, "pods of namespaces labelled X, or frontend pods of this namespace").
 * An empty namespaceSelector is left to NP009, which reports it whatever its neighbours.
 */
export function splitPeers(cluster: Cluster, policy: Policy, rule: Rule): SplitPeers | undefined {
  const peers = rule.peers ?? [];
  const nsOnly = peers.find((x) => x.namespaceSelector && !isEmptySelector(x.namespaceSelector) && !x.podSelector);
  const podOnly = peers.find((x) => x.podSelector && !isEmptySelector(x.podSelector) && !x.namespaceSelector);
  if (!nsOnly || !podOnly) return undefined;
  const known = namespaceKnown(cluster, policy.namespace);
  if (known && peerMatch(cluster, podOnly, policy.namespace).matches.length > 0) return undefined;
  return { nsOnly, podOnly, deadLocally: known };
}

/**
 * A peer with both selectors that matches nothing, while its podSelector alone matches pods of the policy's own
 * namespace (which the namespaceSelector does not select): the author most likely wanted two peers.
 */
export function looksLikeTwoPeers(cluster: Cluster, policy: Policy, peer: Peer): boolean {
  if (!peer.namespaceSelector || !peer.podSelector) return false;
  const m = peerMatch(cluster, peer, policy.namespace);
  if (!m.complete || m.matches.length > 0) return false;
  const own = cluster.namespaces.get(policy.namespace);
  if (own && selectorMatches(peer.namespaceSelector, own.labels)) return false;
  const podOnly: Peer = { path: peer.path, podSelector: peer.podSelector };
  return peerMatch(cluster, podOnly, policy.namespace).matches.length > 0;
}

const EMPTY_FIELDS = ['matchLabels', 'matchExpressions'];

/** True when `matchLabels`/`matchExpressions` is written but empty: `{matchLabels: null}`, `{matchLabels: {}}`. */
function writtenEmpty(selector: unknown): string | undefined {
  if (!isPlainObject(selector)) return undefined;
  return EMPTY_FIELDS.find((f) => f in selector);
}

/** The empty-selector field a policy was written with, if any: such a policy selects every pod by accident. */
export function emptySelectorField(context: LintContext, p: Policy): string | undefined {
  if (!isEmptySelector(p.podSelector)) return undefined;
  const raw = context.rawObject(policyObject(p));
  return writtenEmpty(raw && isPlainObject(raw.spec) ? raw.spec.podSelector : undefined);
}

