import { Peer, Rule } from '../../semantics/model';
import { isEmptySelector, policyObject } from '../helpers';
import { LintRule, RawFinding } from '../model';
import { LintSeverity } from '../severity';

/**
 * The namespaceSelector-only and podSelector-only peers of a rule that lists both, if it does. An empty
 * namespaceSelector is left to NP009, which reports it whatever its neighbours.
 */
export function splitPeers(rule: Rule): { nsOnly: Peer; podOnly: Peer } | undefined {
  const peers = rule.peers ?? [];
  const nsOnly = peers.find((x) => x.namespaceSelector && !isEmptySelector(x.namespaceSelector) && !x.podSelector);
  const podOnly = peers.find((x) => x.podSelector && !x.namespaceSelector);
  return nsOnly && podOnly ? { nsOnly, podOnly } : undefined;
}

export const NP006: LintRule = {
  id: 'NP006',
  name: 'split-peer',
  severity: LintSeverity.WARNING,
  summary: 'One rule lists a namespaceSelector-only peer and a podSelector-only peer: one combined peer was most likely meant.',
  why: 'Two list items are ORed: the rule allows every pod of the selected namespaces, plus the selected pods of the policy\'s own namespace. Users who write "pods labelled X in namespace Y" this way (an extra `-`) open the rule to the whole namespace.',
  fix: 'Put both selectors in one peer (remove the `-` before `podSelector`). If the OR is intended, suppress the finding with a reason.',
  check: ({ cluster }) => {
    const findings: RawFinding[] = [];
    for (const p of cluster.policies) {
      for (const rule of [...p.ingress, ...p.egress]) {
        const split = splitPeers(rule);
        if (!split) continue;
        const { nsOnly, podOnly } = split;
        const field = rule.path.startsWith('spec.ingress') ? 'from' : 'to';
        findings.push({
          object: policyObject(p),
          path: `${rule.path}.${field}`,
          message: `NetworkPolicy ${p.id}: ${rule.path}.${field} has namespaceSelector ${nsOnly.namespaceSelector!.text} (${nsOnly.path}) and podSelector ${podOnly.podSelector!.text} (${podOnly.path}) as two peers, which allows every pod of those namespaces OR those pods of ${p.namespace}. Fix: if you meant pods matching the podSelector inside those namespaces, put both selectors in one peer (remove the \`-\` before podSelector)`,
        });
      }
    }
    return findings;
  },
};
