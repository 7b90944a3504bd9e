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
  fix: 'Select in-cluster peers with podSelector/namespaceSelector, and exclude the pod and service CIDRs from wide ipBlocks with `except`. A block inside the service CIDR (a Service ClusterIP, such as the API server\'s `kubernetes` Service) matches nothing: allow the Service\'s endpoint addresses instead.',
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
          const overlap = `NetworkPolicy ${p.id}: ${peer.path}.ipBlock ${block.text} overlaps the cluster's ${hits.map(({ c, what }) => `${what} CIDR ${c.text}`).join(' and ')}`;
          // A block inside the service CIDR names Service ClusterIPs, typically the API server's (`kubernetes`,
          // 10.96.0.1): policies see the endpoint address after translation, so the fix is that address, not an except.
          const serviceIps = hits.find(({ c, what }) => what === 'service' && cidrContainsCidr(c, block.cidr));
          findings.push({
            object: policyObject(p),
            path: `${peer.path}.ipBlock`,
            message: serviceIps
              ? `${overlap}: it names Service ClusterIPs, which are translated to the Service's endpoints before policies apply, so it matches nothing. Fix: allow the endpoint addresses (for the API server, \`kubectl get endpointslices -l kubernetes.io/service-name=kubernetes -n default\`; in code, \`Peer.kubernetesApi([...])\` with those addresses), or select the Service's pods with podSelector/namespaceSelector`
              : `${overlap}: ipBlocks are for traffic outside the cluster, and pod and service IPs do not match them reliably. Fix: select in-cluster peers with podSelector/namespaceSelector, and add ${hits.map(({ c }) => c.text).join(', ')} to \`except\``,
          });
        }
      }
    }
    return findings;
  },
};
