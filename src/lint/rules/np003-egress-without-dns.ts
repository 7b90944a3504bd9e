import { policySelects } from '../../semantics/evaluate';
import { allowsDns, endpointObject, list, policiesIn } from '../helpers';
import { LintRule, RawFinding } from '../model';
import { LintSeverity } from '../severity';

export const NP003: LintRule = {
  id: 'NP003',
  name: 'egress-without-dns',
  severity: LintSeverity.ERROR,
  summary: 'A pod is isolated for Egress and no egress rule allows DNS (UDP/53).',
  why: 'Once a pod is egress-isolated, everything not allowed is denied, including name lookups: the pod can no longer resolve service names, which breaks almost every application in ways that look unrelated to network policy.',
  fix: 'Add an egress rule to UDP/53 and TCP/53 of the cluster DNS, in one peer: `namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}` with `podSelector: {matchLabels: {k8s-app: kube-dns}}`.',
  check: ({ cluster }) => {
    const findings: RawFinding[] = [];
    for (const e of cluster.endpoints) {
      const isolating = policiesIn(cluster, e.namespace).filter((p) => p.isolatesEgress && policySelects(p, e));
      if (isolating.length === 0) continue;
      if (isolating.some((p) => p.egress.some((r) => allowsDns(cluster, p, r)))) continue;
      findings.push({
        object: endpointObject(e),
        path: '',
        message: `${e.kind} ${e.id} is isolated for Egress by ${list(isolating.map((p) => `NetworkPolicy ${p.id}`))}, but no rule in ${isolating.length === 1 ? 'its' : 'their'} spec.egress allows DNS on UDP/53, so name lookups fail. Fix: add to ${isolating.length === 1 ? 'it' : 'one of them'} an egress rule with ports UDP/53 and TCP/53 to the cluster DNS (one peer with namespaceSelector kubernetes.io/metadata.name: kube-system and podSelector k8s-app: kube-dns)`,
      });
    }
    return findings;
  },
};
