import * as ps from '../../model/port-set';
import { Cluster, Endpoint, Policy, QueryPort, Rule } from '../../semantics/model';
import { analysisOf, isEmptySelector, list, peerMatch, policyObject, selectedEndpoints } from '../helpers';
import { LintRule, RawFinding } from '../model';
import { LintSeverity } from '../severity';

/** The query ports a rule's port entries stand for; entries for every port of a protocol are left out. */
function queryPorts(rule: Rule): QueryPort[] {
  return (rule.ports ?? []).flatMap((e): QueryPort[] => {
    if (e.name !== undefined) return [{ protocol: e.protocol, name: e.name }];
    if (e.port !== undefined) return [{ protocol: e.protocol, port: e.port }];
    return [];
  });
}

/**
 * The pods a rule names specifically: peers with a non-empty podSelector. Broad peers (whole namespaces, ipBlocks)
 * are left out: "everyone may connect" is not a flow anyone expects every source to have opened on its side.
 */
function namedPeers(policy: Policy, rule: Rule, cluster: Cluster): Endpoint[] {
  const specific = (rule.peers ?? []).filter((x) => x.podSelector !== undefined && !isEmptySelector(x.podSelector));
  return [...new Set(specific.flatMap((x) => peerMatch(cluster, x, policy.namespace).matches))];
}

/**
 * A connection needs both ends: the source's egress and the destination's ingress.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource
 */
export const NP014: LintRule = {
  id: 'NP014',
  name: 'half-open-flow',
  // An error: the input declares the flow (a rule names the pods at the other end) and certainly denies it.
  severity: LintSeverity.ERROR,
  summary: 'A rule allows a flow with specific pods (a peer with a podSelector) at one end that the other end\'s isolation denies: ingress at B from A while A\'s egress does not allow B, or the reverse.',
  why: 'A connection is allowed only when the source\'s egress and the destination\'s ingress both allow it. Allowing one side only is a dead rule that suggests the flow works when it does not; usually the other side was forgotten or uses another port.',
  fix: 'Add the matching rule on the other side (an egress rule on the source\'s policy, or an ingress rule on the destination\'s), with the same port; or remove the dead rule.',
  // Linear in the pairs each rule names: one connection analysis for the whole cluster (pods grouped into classes),
  // then for each pair a lookup of the other side's allowed ports, instead of evaluating every policy per flow.
  check: ({ cluster }) => {
    const findings: RawFinding[] = [];
    const analysis = analysisOf(cluster);
    for (const p of cluster.policies) {
      const sides = [
        { rules: p.isolatesIngress ? p.ingress : [], ingress: true },
        { rules: p.isolatesEgress ? p.egress : [], ingress: false },
      ];
      for (const side of sides) {
        for (const rule of side.rules) {
          if (rule.peers === undefined) continue;
          const ports = queryPorts(rule);
          if (ports.length === 0) continue;
          const selected = selectedEndpoints(cluster, p);
          const others = namedPeers(p, rule, cluster);
          const broken: string[] = [];
          let brokenCount = 0;
          const blockers = new Set<string>();
          for (const a of side.ingress ? others : selected) {
            const ai = analysis.indexOfEndpoint(a);
            for (const b of side.ingress ? selected : others) {
              if (a === b) continue;
              const bi = analysis.indexOfEndpoint(b);
              // The other side: the source's egress towards b, or the destination's ingress from a.
              const other = side.ingress ? analysis.side('egress', ai, bi) : analysis.side('ingress', bi, ai);
              if (other === undefined) continue; // not isolated: allows everything
              for (const q of ports) {
                const port = q.name === undefined ? q.port : b.ports.find((x) => x.name === q.name && x.protocol === q.protocol)?.port;
                if (port === undefined || ps.hasPort(other, q.protocol, port)) continue;
                brokenCount++;
                if (broken.length < 3) broken.push(`${a.id} -> ${b.id} on ${q.protocol}/${port}`);
                for (const x of analysis.isolating(side.ingress ? 'egress' : 'ingress', side.ingress ? ai : bi)) blockers.add(`NetworkPolicy ${x.id}`);
              }
            }
          }
          if (brokenCount === 0) continue;
          const flows = brokenCount <= 3 ? broken.join(', ') : `${broken.join(', ')} and ${brokenCount - 3} more`;
          const message = side.ingress
            ? `NetworkPolicy ${p.id}: ${rule.path} allows ingress for ${flows}, but the source's egress is isolated (by ${list([...blockers].sort(), 3)}) and does not allow it, so the connection is denied. Fix: add the matching egress rule (same destination and port) to a policy selecting the source, or remove this rule`
            : `NetworkPolicy ${p.id}: ${rule.path} allows egress for ${flows}, but the destination's ingress is isolated (by ${list([...blockers].sort(), 3)}) and does not allow it, so the connection is denied. Fix: add the matching ingress rule (same source and port) to a policy selecting the destination, or remove this rule`;
          findings.push({ object: policyObject(p), path: rule.path, message });
        }
      }
    }
    return findings;
  },
};
