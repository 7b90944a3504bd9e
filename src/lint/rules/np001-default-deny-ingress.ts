import { defaultDenyFindings } from '../facts';
import { LintRule } from '../model';
import { LintSeverity } from '../severity';

/**
 * Namespaces with workloads and no default-deny, one rule per direction (this file for Ingress, NP002 for Egress).
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies
 */
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
