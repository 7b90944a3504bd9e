import { policyObject } from '../helpers';
import { LintRule, RawFinding } from '../model';
import { LintSeverity } from '../severity';

export const NP008: LintRule = {
  id: 'NP008',
  name: 'allow-all-rule',
  severity: LintSeverity.WARNING,
  summary: 'A rule with neither peers nor ports (`ingress: [{}]`, `egress: [{}]`) allows every peer on every port.',
  why: 'An empty rule matches everything, so the policy isolates nothing in that direction for the pods it selects, and because policies only add, no other policy can take it back. It is easily written by accident when meaning "no rules" (`ingress: []`).',
  fix: 'To deny everything, use `ingress: []` (or leave the rules out) with the direction in policyTypes. Otherwise list the peers (`from`/`to`) and `ports` you mean. An empty rule that is the only rule of its direction is the deliberate idiom for leaving that direction open (`egress: [{}]`, a public front door\'s `ingress: [{}]`) and is reported as info.',
  check: ({ cluster }) => {
    const findings: RawFinding[] = [];
    for (const p of cluster.policies) {
      const sides = [
        { rules: p.ingress, on: p.isolatesIngress, peer: 'from', dir: 'ingress' },
        { rules: p.egress, on: p.isolatesEgress, peer: 'to', dir: 'egress' },
      ];
      for (const side of sides) {
        if (!side.on) continue;
        for (const rule of side.rules) {
          if (rule.peers !== undefined || rule.ports !== undefined) continue;
          if (side.rules.length === 1) {
            // The only rule of its direction: the documented idiom for leaving that direction open on purpose
            // (`egress: [{}]` beside isolated ingress, `ingress: [{}]` on a public front door): noted, not warned.
            findings.push({
              object: policyObject(p),
              path: rule.path,
              severity: LintSeverity.INFO,
              message: `NetworkPolicy ${p.id}: ${rule.path} has no \`${side.peer}\` and no \`ports\`, so it allows all ${side.dir} traffic of the pods the policy selects; as the only ${side.dir} rule, that is the idiom for leaving ${side.dir} open on purpose. Fix: if you meant to deny all ${side.dir}, write \`${side.dir}: []\``,
            });
            continue;
          }
          findings.push({
            object: policyObject(p),
            path: rule.path,
            message: `NetworkPolicy ${p.id}: ${rule.path} has no \`${side.peer}\` and no \`ports\`, so it allows all ${side.dir} traffic of the pods the policy selects, and the policy's other ${side.dir} rules add nothing. Fix: to deny all, write \`${side.dir}: []\`; otherwise list the peers in \`${side.peer}\` and the \`ports\``,
          });
        }
      }
    }
    return findings;
  },
};
