import { defaultDenyFindings } from '../facts';
import { LintRule } from '../model';
import { LintSeverity } from '../severity';

export const NP002: LintRule = {
  id: 'NP002',
  name: 'missing-default-deny-egress',
  // Open egress is hardening advice: nothing the input declares is broken by it.
  severity: LintSeverity.INFO,
  summary: 'A namespace with workloads has no default-deny policy for Egress.',
  why: 'Pods that no policy selects for Egress may connect anywhere, including the internet and other namespaces: a compromised pod can exfiltrate data or move laterally. This is hardening advice (info): open egress breaks no flow, and many sound installs leave it open on purpose.',
  fix: 'Add a NetworkPolicy with `podSelector: {}` and `policyTypes: [Egress]` and an egress rule that allows DNS (ZeroTrustNamespace does this), then allow the flows you need. A Baseline ClusterNetworkPolicy whose subject holds the whole namespace and that denies egress to `namespaces: {}` and `networks: [0.0.0.0/0]` on every port counts too.',
  check: (context) => defaultDenyFindings(context, 'Egress'),
};
