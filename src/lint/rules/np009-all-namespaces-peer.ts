import { isEmptySelector, policyObject } from '../helpers';
import { LintRule, RawFinding } from '../model';
import { LintSeverity } from '../severity';

export const NP009: LintRule = {
  id: 'NP009',
  name: 'all-namespaces-peer',
  // Hardening advice: the peer says plainly what it allows (every namespace), and platform flows often mean it.
  severity: LintSeverity.INFO,
  summary: 'A peer `namespaceSelector: {}` without a podSelector (or with `podSelector: {}`) matches every pod of every namespace.',
  why: 'An empty namespaceSelector selects all namespaces. Alone, it allows every pod of the cluster, including namespaces created later; users often write it meaning "my namespace".',
  fix: 'Select the namespaces you mean (e.g. `kubernetes.io/metadata.name: <name>`), and the pods with a podSelector in the same peer; use a podSelector-only peer for the policy\'s own namespace.',
  check: ({ cluster }) => {
    const findings: RawFinding[] = [];
    for (const p of cluster.policies) {
      for (const rule of [...p.ingress, ...p.egress]) {
        for (const peer of rule.peers ?? []) {
          if (!isEmptySelector(peer.namespaceSelector)) continue;
          if (peer.podSelector !== undefined && !isEmptySelector(peer.podSelector)) continue;
          findings.push({
            object: policyObject(p),
            path: `${peer.path}.namespaceSelector`,
            message: `NetworkPolicy ${p.id}: ${peer.path} has \`namespaceSelector: {}\`${peer.podSelector ? ' and `podSelector: {}`' : ' and no podSelector'}, which matches every pod in every namespace of the cluster. Fix: select namespaces by label (e.g. kubernetes.io/metadata.name: <namespace>) and pods with a podSelector in the same peer`,
          });
        }
      }
    }
    return findings;
  },
};
