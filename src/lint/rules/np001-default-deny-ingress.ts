import { endpointsIn, isEmptySelector, namespacesWithEndpoints, plural, policiesIn } from '../helpers';
import { LintContext, LintRule, RawFinding } from '../model';
import { LintSeverity } from '../severity';

/**
 * Namespaces with workloads and no default-deny, one rule per direction (this file for Ingress, NP002 for Egress).
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies
 */
export function defaultDenyFindings(context: LintContext, direction: 'Ingress' | 'Egress'): RawFinding[] {
  const { cluster } = context;
  const findings: RawFinding[] = [];
  const namespaces = namespacesWithEndpoints(cluster);
  for (const ns of namespaces) {
    const policies = policiesIn(cluster, ns);
    const denies = policies.some((p) => isEmptySelector(p.podSelector) && (direction === 'Ingress' ? p.isolatesIngress : p.isolatesEgress));
    if (denies) continue;
    const workloads = endpointsIn(cluster, ns).length;
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
  severity: LintSeverity.ERROR,
  summary: 'A namespace with workloads has no default-deny policy for Ingress.',
  why: 'Pods that no policy selects for Ingress accept connections from anywhere; without a namespace-wide deny, every new workload starts out open.',
  fix: 'Add a NetworkPolicy with `podSelector: {}` and `policyTypes: [Ingress]` to the namespace (ZeroTrustNamespace does this), then allow the flows you need.',
  check: (context) => defaultDenyFindings(context, 'Ingress'),
};
