import { endpointsIn, isEmptySelector, list, namespaceKnown, policyObject, selectedEndpoints } from '../helpers';
import { LintRule, RawFinding } from '../model';
import { LintSeverity } from '../severity';

export const NP004: LintRule = {
  id: 'NP004',
  name: 'policy-selects-nothing',
  severity: LintSeverity.WARNING,
  summary: 'A policy\'s spec.podSelector selects no pod or workload of its namespace in the input.',
  why: 'A policy that selects nothing has no effect: usually a label typo, or labels that exist on the workload but not on its pod template. The pods it was written for stay unprotected (or blocked by a default-deny).',
  fix: 'Make spec.podSelector match the pod template labels of the workload it is meant for (not the workload\'s own labels), or delete the policy.',
  check: ({ cluster }) => {
    const findings: RawFinding[] = [];
    for (const p of cluster.policies) {
      if (isEmptySelector(p.podSelector) || !namespaceKnown(cluster, p.namespace)) continue;
      if (selectedEndpoints(cluster, p).length > 0) continue;
      const inNs = endpointsIn(cluster, p.namespace);
      const labels = inNs.map((e) => `${e.name} {${[...e.labels].map(([k, v]) => `${k}=${v}`).join(', ')}}`);
      findings.push({
        object: policyObject(p),
        path: 'spec.podSelector',
        message: `NetworkPolicy ${p.id}: spec.podSelector ${p.podSelector.text} selects no pod or workload of namespace ${p.namespace} in the input, so the policy has no effect. Pod labels there: ${list(labels, 4)}. Fix: use labels of the pod template you mean, or delete the policy`,
      });
    }
    return findings;
  },
};
