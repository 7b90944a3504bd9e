import { emptySelectorField } from '../facts';
import { endpointsIn, isEmptySelector, list, policyObject } from '../helpers';
import { LintRule, RawFinding } from '../model';
import { LintSeverity } from '../severity';

/**
 * `podSelector: {}` is how a policy says "every pod of the namespace", and nobody writes `matchLabels: null` to
 * mean it: that is a label list left empty (a Helm value not set, a template that lost its labels).
 */
export const NP021: LintRule = {
  id: 'NP021',
  name: 'whole-namespace-selector',
  severity: LintSeverity.WARNING,
  summary: 'A policy that reads as scoped to some pods selects every pod of its namespace: its podSelector is empty although written with `matchLabels`/`matchExpressions`, or its name names one workload.',
  why: 'An empty spec.podSelector selects every pod of the namespace, so the policy isolates all of them in its directions: flows to and from the other workloads that nothing allows are cut. Written as `podSelector: {matchLabels: null}` (or `{}` labels), or in a policy named after one workload ("allow-grafana-access"), it was almost always meant for a few pods.',
  fix: 'Give spec.podSelector the pod template labels of the workload the policy is for; write `podSelector: {}` only where every pod of the namespace is meant.',
  check: (context) => {
    const { cluster } = context;
    const findings: RawFinding[] = [];
    for (const p of cluster.policies) {
      if (!isEmptySelector(p.podSelector) || (p.ingress.length === 0 && p.egress.length === 0)) continue;
      const field = emptySelectorField(context, p);
      const endpoints = endpointsIn(cluster, p.namespace);
      // Named after one workload of several: "grafana", "allow-grafana-access".
      const namedAfter = (e: { name: string }) => e.name.length >= 3 && p.name.includes(e.name);
      const named = endpoints.length > 1 && !endpoints.every(namedAfter) ? endpoints.find(namedAfter) : undefined;
      if (field === undefined && named === undefined) continue;
      const reads = field !== undefined ? `is written with an empty \`${field}\`` : `is empty, in a policy named after ${named!.kind} ${named!.id}`;
      findings.push({
        object: policyObject(p),
        path: field !== undefined ? `spec.podSelector.${field}` : 'spec.podSelector',
        message: `NetworkPolicy ${p.id}: spec.podSelector ${reads}, so it selects every pod of ${p.namespace}${endpoints.length > 0 ? ` (${list(endpoints.map((e) => e.name), 4)})` : ''} and isolates all of them for ${[p.isolatesIngress ? 'Ingress' : '', p.isolatesEgress ? 'Egress' : ''].filter((x) => x).join(' and ')}. Fix: select the pods the policy is for with their pod template labels, or write \`podSelector: {}\` if every pod is meant`,
      });
    }
    return findings;
  },
};
