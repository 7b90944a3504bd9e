import {
  endpointsIn, isEmptySelector, list, namespaceKnown, podMakersIn, podMakersNote, policyObject, selectedEndpoints,
} from '../helpers';
import { LintRule, RawFinding } from '../model';
import { LintSeverity } from '../severity';

export const NP004: LintRule = {
  id: 'NP004',
  name: 'policy-selects-nothing',
  // An error: the input holds the namespace's pods, and the policy certainly protects none of them. A warning where
  // custom resources of the input may make pods the input does not show.
  severity: LintSeverity.ERROR,
  summary: 'A policy\'s spec.podSelector selects no pod or workload of its namespace in the input.',
  why: 'A policy that selects nothing has no effect: usually a label typo, or labels that exist on the workload but not on its pod template. The pods it was written for stay unprotected (or blocked by a default-deny). Judged only for namespaces whose pods are in the input; where the input also holds custom resources that an operator may turn into pods, the finding is a warning that says so. Pods of prometheus-operator\'s Prometheus, Alertmanager and ThanosRuler are read from those resources; declare any other pods the input does not hold (see docs/cli.md, "Pods the input does not show").',
  fix: 'Make spec.podSelector match the pod template labels of the workload it is meant for (not the workload\'s own labels), or delete the policy.',
  check: ({ cluster }) => {
    const findings: RawFinding[] = [];
    for (const p of cluster.policies) {
      if (isEmptySelector(p.podSelector) || !namespaceKnown(cluster, p.namespace)) continue;
      if (selectedEndpoints(cluster, p).length > 0) continue;
      const inNs = endpointsIn(cluster, p.namespace);
      const labels = inNs.map((e) => `${e.name} {${[...e.labels].map(([k, v]) => `${k}=${v}`).join(', ')}}`);
      const makers = podMakersIn(cluster, [p.namespace]);
      findings.push({
        object: policyObject(p),
        path: 'spec.podSelector',
        ...(makers.length > 0 ? { severity: LintSeverity.WARNING } : {}),
        message: `NetworkPolicy ${p.id}: spec.podSelector ${p.podSelector.text} selects no pod or workload of namespace ${p.namespace} in the input, so the policy has no effect${podMakersNote(makers)}. Pod labels there: ${list(labels, 4)}. Fix: use labels of the pod template you mean, or delete the policy`,
      });
    }
    return findings;
  },
};
