import { looksLikeTwoPeers, splitPeers } from '../facts';
import { peerMatch, pinnedNamespaces, podMakersIn, podMakersNote, policyObject } from '../helpers';
import { LintRule, RawFinding } from '../model';
import { LintSeverity } from '../severity';

export const NP005: LintRule = {
  id: 'NP005',
  name: 'peer-matches-nothing',
  // An error: the input shows every pod the peer could match, so the flow it was written for is certainly denied. A
  // warning where custom resources of those namespaces may make pods the input does not show.
  severity: LintSeverity.ERROR,
  summary: 'A podSelector/namespaceSelector peer matches no pod or workload, where the input shows every pod it could match.',
  why: 'A peer that matches nothing allows nothing: usually a label typo, so the flow it was written for is denied. Peers in namespaces absent from the input, and label-based namespace selectors, are not judged: those pods may exist elsewhere. A podSelector peer split from a namespaceSelector peer is reported by NP006 instead, and a merged peer that looks like two by NP007. Where the input also holds custom resources that an operator may turn into pods in those namespaces, the finding is a warning that says so.',
  fix: 'Correct the peer\'s labels to those of the pod templates it is meant for, or delete the peer.',
  check: ({ cluster }) => {
    const findings: RawFinding[] = [];
    for (const p of cluster.policies) {
      for (const rule of [...p.ingress, ...p.egress]) {
        // A podSelector-only peer split from its namespaceSelector is reported once, by NP006.
        const split = splitPeers(cluster, p, rule)?.podOnly;
        for (const peer of rule.peers ?? []) {
          if (peer.ipBlock || peer === split) continue;
          const m = peerMatch(cluster, peer, p.namespace);
          if (!m.complete || m.matches.length > 0 || looksLikeTwoPeers(cluster, p, peer)) continue;
          const what = [
            peer.namespaceSelector ? `namespaceSelector ${peer.namespaceSelector.text}` : `namespace ${p.namespace}`,
            peer.podSelector ? `podSelector ${peer.podSelector.text}` : undefined,
          ].filter((x) => x !== undefined).join(' and ');
          const makers = podMakersIn(cluster, peer.namespaceSelector ? pinnedNamespaces(peer.namespaceSelector) ?? [] : [p.namespace]);
          findings.push({
            object: policyObject(p),
            path: peer.path,
            ...(makers.length > 0 ? { severity: LintSeverity.WARNING } : {}),
            message: `NetworkPolicy ${p.id}: ${peer.path} (${what}) matches no pod or workload of the input, so it allows nothing${podMakersNote(makers)}. Fix: use the labels of the pod templates you mean, or delete the peer`,
          });
        }
      }
    }
    return findings;
  },
};
