import { A_THIRD, nearestName } from './nearest';

/**
 * The keys of every struct the public API receives (props, options, flows, destinations). TypeScript checks them at
 * compile time, but JavaScript callers (and jsii callers building maps) can pass anything: a misspelt key such as
 * `exception` for `exceptions` would be silently ignored, and the policy would allow more than asked. Every
 * boundary checks its structs against this table; test/private/keys.test.ts proves that the table lists exactly the
 * properties of each exported interface.
 */
export const STRUCT_KEYS: ReadonlyMap<string, readonly string[]> = new Map<string, readonly string[]>([
  ['CidrOptions', ['exceptions']],
  ['ClusterGuardrailsProps', ['baselinePriority', 'defaultDeny', 'denyCloudMetadata', 'dns', 'exemptNamespaces', 'name', 'namespaceNames', 'priority', 'rendering']],
  ['EgressAllowListProps', ['destinations', 'namespaceName', 'pods', 'policyName']],
  ['EgressDestination', ['peer', 'ports']],
  ['Flow', ['destination', 'ports', 'source']],
  ['ForeignPodsOptions', ['namespaceName', 'namespaces', 'pods']],
  ['GuardrailFlowOptions', ['ports']],
  ['LabelSelectorOptions', ['expressions', 'labels']],
  ['NetpolLintOptions', ['failOn', 'podCidrs', 'reportOn', 'serviceCidrs']],
  ['NetpolLintValidationProps', ['failOn', 'podCidrs', 'reportOn', 'serviceCidrs']],
  ['PlatformPeerOptions', ['namespaceName', 'pods']],
  ['PodSecurityOptions', ['audit', 'enforce', 'version', 'warn']],
  ['PodSelectionOptions', ['expressions', 'labels']],
  ['PortOptions', ['endPort', 'name', 'port', 'protocol']],
  ['TierAccessProps', ['flows']],
  ['TierOfOptions', ['isolation', 'name', 'namespaceName']],
  ['TierProps', ['isolation', 'name', 'namespaceName', 'pods']],
  ['ZeroTrustNamespaceProps', ['allowSameNamespace', 'createNamespace', 'dns', 'dnsPorts', 'labels', 'name', 'podSecurity']],
]);

/**
 * The unknown keys of a struct value, as problems naming `what` (e.g. `Peer.cidr options`), each key, and the
 * nearest known key. A value that is not a plain object is left to the caller's own checks.
 */
export function unknownKeyProblems(struct: string, value: unknown, what: string): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  const known = STRUCT_KEYS.get(struct);
  if (!known) throw new Error(`cdk8s-netpol bug: no keys known for ${struct}`);
  const problems: string[] = [];
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const near = nearestName(key, known, A_THIRD);
    problems.push(`${what}: unknown key ${JSON.stringify(key)}${near ? ` (did you mean ${JSON.stringify(near)}?)` : ''}; ${struct} has ${known.join(', ')}`);
  }
  return problems;
}
