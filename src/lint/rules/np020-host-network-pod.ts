import { list, peerMatch, policyObject, selectedEndpoints } from '../helpers';
import { LintRule, RawFinding } from '../model';
import { LintSeverity } from '../severity';

/**
 * "NetworkPolicy behavior for hostNetwork pods is undefined" (Kubernetes docs): most plugins cannot tell a
 * host-network pod's traffic from its node's, so they do not apply policies to it and do not match it as a peer.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-and-hostnetwork-pods
 */
export const NP020: LintRule = {
  id: 'NP020',
  name: 'host-network-pod',
  severity: LintSeverity.WARNING,
  summary: 'A policy selects host-network pods, or a peer relies on matching them: the behaviour is undefined upstream.',
  why: 'A pod with `hostNetwork: true` shares its node\'s network namespace. Most network plugins then neither apply the policies that select it (its ingress stays open) nor match it with a podSelector peer (its connections come from the node\'s IP, so a rule allowing it by labels lets nothing through). What the policy says is not what the cluster does, and offline analysis cannot decide those flows.',
  fix: 'Protect a host-network pod with host firewall rules, not NetworkPolicy. To admit its connections, allow the node addresses with an ipBlock (or run the pod without hostNetwork).',
  check: ({ cluster }) => {
    const findings: RawFinding[] = [];
    for (const p of cluster.policies) {
      const hosts = selectedEndpoints(cluster, p).filter((e) => e.hostNetwork);
      if (hosts.length > 0) {
        findings.push({
          object: policyObject(p),
          path: 'spec.podSelector',
          message: `NetworkPolicy ${p.id}: spec.podSelector selects ${list(hosts.map((e) => `${e.kind} ${e.id}`), 3)}, which ${hosts.length === 1 ? 'runs' : 'run'} with hostNetwork: true; how a policy applies to host-network pods is undefined, and most network plugins do not apply it. Fix: protect host-network pods with host firewall rules, or run them without hostNetwork`,
        });
      }
      for (const rule of [...p.ingress, ...p.egress]) {
        for (const peer of rule.peers ?? []) {
          if (peer.ipBlock || !peer.podSelector) continue;
          const matched = peerMatch(cluster, peer, p.namespace).matches;
          const hostPeers = matched.filter((e) => e.hostNetwork);
          if (hostPeers.length === 0 || hostPeers.length < matched.length) continue;
          findings.push({
            object: policyObject(p),
            path: peer.path,
            message: `NetworkPolicy ${p.id}: ${peer.path} matches only host-network pods (${list(hostPeers.map((e) => e.id), 3)}); their traffic carries the node's address, which most network plugins do not match against pod labels, so this peer likely allows nothing. Fix: allow the node addresses with an ipBlock`,
          });
        }
      }
    }
    return findings;
  },
};
