import { splitPeers } from '../facts';
import { policyObject } from '../helpers';
import { LintRule, RawFinding } from '../model';
import { LintSeverity } from '../severity';

export const NP006: LintRule = {
  id: 'NP006',
  name: 'split-peer',
  severity: LintSeverity.WARNING,
  summary: 'One rule lists a namespaceSelector-only peer and a podSelector-only peer: one combined peer was most likely meant.',
  why: 'Two list items are ORed: the rule allows every pod of the selected namespaces, plus the selected pods of the policy\'s own namespace. Users who write "pods labelled X in namespace Y" this way (an extra `-`) open the rule to the whole namespace. A warning when the input shows that the podSelector matches no pod of the policy\'s namespace (so the second peer is dead and the first opens a whole namespace); hardening advice (info) when the input holds no pods of that namespace. Nothing is reported for `podSelector: {}` (which means "my namespace") or where the podSelector matches pods of the policy\'s namespace (a deliberate OR, as in the Kubernetes docs\' example).',
  fix: 'Put both selectors in one peer (remove the `-` before `podSelector`). If the OR is intended, suppress the finding with a reason.',
  check: ({ cluster }) => {
    const findings: RawFinding[] = [];
    for (const p of cluster.policies) {
      for (const rule of [...p.ingress, ...p.egress]) {
        const split = splitPeers(cluster, p, rule);
        if (!split) continue;
        const { nsOnly, podOnly } = split;
        const field = rule.path.startsWith('spec.ingress') ? 'from' : 'to';
        findings.push({
          object: policyObject(p),
          ...(split.deadLocally ? {} : { severity: LintSeverity.INFO }),
          path: `${rule.path}.${field}`,
          message: `NetworkPolicy ${p.id}: ${rule.path}.${field} has namespaceSelector ${nsOnly.namespaceSelector!.text} (${nsOnly.path}) and podSelector ${podOnly.podSelector!.text} (${podOnly.path}) as two peers, which allows every pod of those namespaces OR those pods of ${p.namespace}${split.deadLocally ? ` (the input holds no such pod in ${p.namespace})` : ''}. Fix: if you meant pods matching the podSelector inside those namespaces, put both selectors in one peer (remove the \`-\` before podSelector)`,
        });
      }
    }
    return findings;
  },
};
