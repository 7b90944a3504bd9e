/** The immutable label every namespace carries, which selects a namespace by name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** The lint suppression annotation: `"NP004: <reason>"` entries, one per line. */
export const SUPPRESS_ANNOTATION = 'cdk8s-netpol.dev/suppress';

/** Plain Kubernetes JSON. */
export type Json = { [key: string]: any };

/** A peer for pods selected by `selector` in namespace `peerNamespace`, seen from a policy in `policyNamespace`. */
export function podPeer(selector: Json, peerNamespace: string, policyNamespace: string): Json {
  if (peerNamespace === policyNamespace) return { podSelector: selector };
  // Both selectors in ONE peer: pods matching the selector inside that namespace (AND), not either (OR).
  return {
    namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: peerNamespace } },
    podSelector: selector,
  };
}
