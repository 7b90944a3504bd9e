/** The immutable label every namespace carries, which selects a namespace by name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** The lint suppression annotation: `"NP004: <reason>"` entries, one per line. */
export const SUPPRESS_ANNOTATION = 'cdk8s-netpol.dev/suppress';

/** Plain Kubernetes JSON. */
export type Json = { [key: string]: any };
