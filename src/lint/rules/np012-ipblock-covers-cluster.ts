import { cidrContainsCidr, cidrsOverlap } from '../../private/cidr';
import { policyObject } from '../helpers';
import { LintRule, RawFinding } from '../model';
import { LintSeverity } from '../severity';

export const NP012: LintRule = {
  id: 'NP012',
  name: 'ipblock-covers-cluster-cidr',
  severity: LintSeverity.WARNING,
  summary: 'An ipBlock overlaps the cluster\'s pod or service CIDR (checked only when they are given: --pod-cidr, --service-cidr).',
  why: 'ipBlock is meant for traffic to and from outside the cluster. Pod IPs change on every restart, and whether an ipBlock matches pod traffic depends on the network plugin; Service IPs are translated to pod IPs before policies apply, so a rule on a service CIDR matches nothing. Such rules do not do what users think.',
  fix: 'Select in-cluster peers with podSelector/namespaceSelector, and exclude the pod and service CIDRs from wide ipBlocks with `except`.',
  check: ({ cluster, settings }) => {
    const ranges = [
      ...settings.podCidrs.map((c) => ({ c, what: 'pod' })),
      ...settings.serviceCidrs.map((c) => ({ c, what: 'service' })),
    ];
    const findings: RawFinding[] = [];
    if (ranges.length === 0) return findings;
    for (const p of cluster.policies) {
      for (const rule of [...p.ingress, ...p.egress]) {
        for (const peer of rule.peers ?? []) {
          const block = peer.ipBlock;
          if (!block) continue;
          const hits = ranges.filter(({ c }) => cidrsOverlap(block.cidr, c) && !block.except.some((e) => cidrContainsCidr(e, c)));
          if (hits.length === 0) continue;
          findings.push({
            object: policyObject(p),
            path: `${peer.path}.ipBlock`,
            message: `NetworkPolicy ${p.id}: ${peer.path}.ipBlock ${block.text} overlaps the cluster's ${hits.map(({ c, what }) => `${what} CIDR ${c.text}`).join(' and ')}: ipBlocks are for traffic outside the cluster, and pod and service IPs do not match them reliably. Fix: select in-cluster peers with podSelector/namespaceSelector, and add ${hits.map(({ c }) => c.text).join(', ')} to \`except\``,
          });
        }
      }
    }
    return findings;
  },
};
