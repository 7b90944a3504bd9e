import * as ps from '../../model/port-set';
import { PolicyPort } from '../../semantics/model';
import { isWholeRange, policyObject } from '../helpers';
import { LintRule, RawFinding } from '../model';
import { LintSeverity } from '../severity';

/** An entry that names port 53 explicitly (a number or a range containing it, any protocol). */
function names53(e: PolicyPort): boolean {
  return e.port !== undefined && e.name === undefined && ps.hasPort(ps.portSpecOf([e]).numbers, e.protocol, 53);
}

export const NP011: LintRule = {
  id: 'NP011',
  name: 'dns-to-any-destination',
  severity: LintSeverity.WARNING,
  summary: 'DNS is allowed as "any destination on port 53": an egress rule to port 53 with no `to` peers, or to 0.0.0.0/0 or ::/0.',
  why: 'Pods then reach any DNS server, including ones outside the cluster: a channel for data exfiltration (DNS tunnelling) and a way around the cluster\'s DNS, and anything else listening on port 53.',
  fix: 'Allow port 53 only to the cluster DNS, in one peer: `namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}` with `podSelector: {matchLabels: {k8s-app: kube-dns}}` (or the DNS service\'s IP range as an ipBlock).',
  check: ({ cluster }) => {
    const findings: RawFinding[] = [];
    for (const p of cluster.policies) {
      if (!p.isolatesEgress) continue;
      for (const rule of p.egress) {
        if (rule.ports === undefined || !rule.ports.some(names53)) continue;
        const wide = rule.peers === undefined ? undefined : rule.peers.find(isWholeRange);
        if (rule.peers !== undefined && wide === undefined) continue;
        const what = wide ? `to ${wide.ipBlock!.text} (${wide.path})` : 'with no `to` peers';
        findings.push({
          object: policyObject(p),
          path: wide ? wide.path : rule.path,
          message: `NetworkPolicy ${p.id}: ${rule.path} allows port 53 ${what}, i.e. DNS to any server, inside or outside the cluster. Fix: restrict \`to\` to the cluster DNS: one peer with namespaceSelector kubernetes.io/metadata.name: kube-system and podSelector k8s-app: kube-dns`,
        });
      }
    }
    return findings;
  },
};
