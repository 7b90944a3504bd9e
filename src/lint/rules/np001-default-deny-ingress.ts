import { policySelects } from '../../semantics/evaluate';
import { Cluster, ClusterPeer, ClusterPolicy } from '../../semantics/model';
import { selectorMatches } from '../../semantics/selector';
import { endpointsIn, isEmptySelector, namespacesWithEndpoints, plural, policiesIn } from '../helpers';
import { LintContext, LintRule, RawFinding } from '../model';
import { LintSeverity } from '../severity';

/**
 * Namespaces with workloads and no default-deny, one rule per direction (this file for Ingress, NP002 for Egress).
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies
 */
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

export const NP001: LintRule = {
  id: 'NP001',
  name: 'missing-default-deny-ingress',
  // A warning where a workload of the namespace accepts anything (a likely gap, but nothing the input declares is
  // broken); hardening advice (info) where every workload is already isolated by its own policy.
  severity: LintSeverity.WARNING,
  summary: 'A namespace with workloads has no default-deny policy for Ingress.',
  why: 'Pods that no policy selects for Ingress accept connections from anywhere; without a namespace-wide deny, every new workload starts out open. Where every workload of the namespace is already isolated by a policy of its own, the finding is hardening advice (info).',
  fix: 'Add a NetworkPolicy with `podSelector: {}` and `policyTypes: [Ingress]` to the namespace (ZeroTrustNamespace does this), then allow the flows you need. A Baseline ClusterNetworkPolicy whose subject holds the whole namespace and that denies ingress from `namespaces: {}` on every port counts too.',
  check: (context) => defaultDenyFindings(context, 'Ingress'),
};
