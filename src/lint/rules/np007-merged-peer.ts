import { looksLikeTwoPeers } from '../facts';
import { policyObject } from '../helpers';
import { LintRule, RawFinding } from '../model';
import { LintSeverity } from '../severity';

export const NP007: LintRule = {
  id: 'NP007',
  name: 'merged-peer',
  severity: LintSeverity.WARNING,
  summary: 'namespaceSelector and podSelector in one peer match nothing, while the podSelector alone matches pods of the policy\'s namespace: two peers were most likely meant.',
  why: 'In one peer the two selectors are ANDed (matching pods inside matching namespaces); as two list items they are ORed. Merging them by accident (a missing `-`) silently denies the pods the podSelector was written for.',
  fix: 'If you meant "these namespaces, or these pods of this namespace", write two peers: start `podSelector:` with its own `-`. Otherwise fix the labels so the pods exist in the selected namespaces.',
  check: ({ cluster }) => {
    const findings: RawFinding[] = [];
    for (const p of cluster.policies) {
      for (const rule of [...p.ingress, ...p.egress]) {
        for (const peer of rule.peers ?? []) {
          if (!looksLikeTwoPeers(cluster, p, peer)) continue;
          findings.push({
            object: policyObject(p),
            path: peer.path,
            message: `NetworkPolicy ${p.id}: ${peer.path} has namespaceSelector ${peer.namespaceSelector!.text} and podSelector ${peer.podSelector!.text} in one peer (ANDed): no pod of the input matches both, but the podSelector alone matches pods of ${p.namespace}. Fix: if you meant either of them, make them two peers (give \`podSelector:\` its own \`-\`)`,
          });
        }
      }
    }
    return findings;
  },
};
