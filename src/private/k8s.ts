/** The immutable label every namespace carries, which selects a namespace by name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** The lint suppression annotation: `"NP004: <reason>"` entries, one per line. */
export const SUPPRESS_ANNOTATION = 'cdk8s-netpol.dev/suppress';
/**
 * On a Pod or workload of the input: it stands in for pods the repository does not deploy (an operator's, another
 * team's), declared so the engine can evaluate flows with them. The value says what it stands for. Lint does not judge
 * such objects, nor a namespace that holds only such objects, as the app's own.
 */
export const STAND_IN_ANNOTATION = 'cdk8s-netpol.dev/stand-in';

/** Plain Kubernetes JSON. */
export type Json = { [key: string]: any };

/** How a workload kind says which pods are its own. */
export interface WorkloadKind {
  /** The group/version the API server serves the kind under. */
  readonly apiVersion: string;
  /** Where its pod template lives in the object. */
  readonly template: readonly string[];
  /**
   * Which field selects the pods the controller adopts: a LabelSelector in `spec.selector`, a plain label map in
   * `spec.selector` (ReplicationController; absent, it defaults to the template's labels), or none (the pod
   * template's labels: a Job unless it sets `manualSelector`, a CronJob).
   */
  readonly selector: 'labelSelector' | 'labelMap' | 'template';
}

/**
 * The workload kinds, in one table for the constructs (a Tier of a workload), the engine (a workload stands for
 * its pods) and the manifest reader. A Map, so that a kind named `constructor` is just unknown.
 */
export const WORKLOAD_KINDS: ReadonlyMap<string, WorkloadKind> = new Map<string, WorkloadKind>([
  ['Deployment', { apiVersion: 'apps/v1', template: ['spec', 'template'], selector: 'labelSelector' }],
  ['StatefulSet', { apiVersion: 'apps/v1', template: ['spec', 'template'], selector: 'labelSelector' }],
  ['DaemonSet', { apiVersion: 'apps/v1', template: ['spec', 'template'], selector: 'labelSelector' }],
  ['ReplicaSet', { apiVersion: 'apps/v1', template: ['spec', 'template'], selector: 'labelSelector' }],
  ['ReplicationController', { apiVersion: 'v1', template: ['spec', 'template'], selector: 'labelMap' }],
  ['Job', { apiVersion: 'batch/v1', template: ['spec', 'template'], selector: 'template' }],
  ['CronJob', { apiVersion: 'batch/v1', template: ['spec', 'jobTemplate', 'spec', 'template'], selector: 'template' }],
]);

/** The workload kinds in prose, for messages: "Deployment, StatefulSet, ..., Job or CronJob". */
export const WORKLOAD_KIND_LIST = `${[...WORKLOAD_KINDS.keys()].slice(0, -1).join(', ')} or ${[...WORKLOAD_KINDS.keys()].slice(-1)[0]}`;
