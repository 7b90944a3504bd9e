import { Endpoint } from '../../semantics/model';
import { list, policyObject, ruleDestinations } from '../helpers';
import { LintRule, RawFinding } from '../model';
import { LintSeverity } from '../severity';

function declares(e: Endpoint, name: string, protocol: string): boolean {
  return e.ports.some((p) => p.name === name && p.protocol === protocol);
}

function declared(endpoints: readonly Endpoint[]): string {
  const names = [...new Set(endpoints.flatMap((e) => e.ports.filter((p) => p.name).map((p) => `${p.protocol}/${p.name}`)))].sort();
  return names.length > 0 ? `declared names: ${list(names, 8)}` : 'they declare no named container ports';
}

/**
 * A named port resolves on the destination pod: the selected pods for ingress, the peers' pods for egress.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/#NetworkPolicySpec
 */
export const NP013: LintRule = {
  id: 'NP013',
  name: 'unknown-named-port',
  severity: LintSeverity.ERROR,
  summary: 'A rule uses a named port that no destination pod declares (for that protocol).',
  why: 'A named port is resolved on the destination pod\'s container ports; when no destination declares the name, the rule allows nothing, and the connection it was written for is denied. A named port never matches an ipBlock destination.',
  fix: 'Use the container port name the destination declares (spec.containers[].ports[].name, same protocol), or a port number.',
  check: ({ cluster }) => {
    const findings: RawFinding[] = [];
    for (const p of cluster.policies) {
      const sides = [
        { rules: p.ingress, ingress: true },
        { rules: p.egress, ingress: false },
      ];
      for (const side of sides) {
        for (const rule of side.rules) {
          const named = (rule.ports ?? []).map((e, i) => ({ e, i })).filter(({ e }) => e.name !== undefined);
          if (named.length === 0) continue;
          const dests = ruleDestinations(cluster, p, rule, side.ingress);
          if (!dests) continue;
          const { endpoints: destinations, onlyIpBlocks } = dests;
          if (destinations.length === 0 && !onlyIpBlocks) continue; // NP004/NP005 report the selector itself
          for (const { e, i } of named) {
            if (destinations.some((d) => declares(d, e.name!, e.protocol))) continue;
            const where = onlyIpBlocks
              ? 'the rule only has ipBlock peers, and a named port never matches an ipBlock destination'
              : `no destination pod declares it (${side.ingress ? 'the pods the policy selects' : 'the pods of the peers'}: ${list(destinations.map((d) => d.id))}; ${declared(destinations)})`;
            findings.push({
              object: policyObject(p),
              path: `${rule.path}.ports[${i}]`,
              message: `NetworkPolicy ${p.id}: ${rule.path}.ports[${i}] uses the named port ${e.protocol}/${e.name}, but ${where}, so the rule allows nothing. Fix: use a container port name the destination declares, or the port number`,
            });
          }
        }
      }
    }
    return findings;
  },
};
