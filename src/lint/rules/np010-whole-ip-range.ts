import { isWholeRange, policyObject } from '../helpers';
import { LintRule, RawFinding } from '../model';
import { LintSeverity } from '../severity';

export const NP010: LintRule = {
  id: 'NP010',
  name: 'whole-ip-range-without-ports',
  severity: LintSeverity.WARNING,
  summary: 'An ipBlock of 0.0.0.0/0 or ::/0 in a rule without ports allows every address on every port.',
  why: 'The whole address space on every port is effectively allow-all for that direction (depending on the network plugin, pod IPs included). In an ingress rule that is rarely what a policy author wants (a warning); in an egress rule it is open egress, often deliberate, so the finding is hardening advice (info).',
  fix: 'Limit the rule to the ports you need (e.g. TCP/443), and narrow the cidr or add `except` ranges for private and cluster networks.',
  check: ({ cluster }) => {
    const findings: RawFinding[] = [];
    for (const p of cluster.policies) {
      for (const rule of [...p.ingress, ...p.egress]) {
        if (rule.ports !== undefined) continue;
        for (const peer of rule.peers ?? []) {
          if (!isWholeRange(peer)) continue;
          findings.push({
            object: policyObject(p),
            ...(rule.path.startsWith('spec.egress') ? { severity: LintSeverity.INFO } : {}),
            path: `${peer.path}.ipBlock.cidr`,
            message: `NetworkPolicy ${p.id}: ${peer.path}.ipBlock ${peer.ipBlock!.text} is the whole address space and ${rule.path} has no \`ports\`, so it allows every address on every port. Fix: add \`ports\` to ${rule.path} and narrow the cidr or add \`except\` ranges`,
          });
        }
      }
    }
    return findings;
  },
};
