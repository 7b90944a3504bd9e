/**
 * Kubernetes API tables: the kinds the API server itself serves (Kubernetes 1.34, GA, beta and alpha versions), and
 * the kinds of other projects' APIs that change what may connect to what, which the engine does not evaluate.
 *
 * @see https://kubernetes.io/docs/reference/using-api/deprecation-guide/
 * @see https://kubernetes.io/docs/reference/generated/kubernetes-api/v1.34/
 */
import { A_THIRD, nearestName } from './nearest';

const kinds = (...names: string[]): ReadonlySet<string> => new Set(names);

const WORKLOADS = kinds('ControllerRevision', 'DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet');
const ADMISSION_POLICIES = kinds('ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding');
const RESOURCE = kinds('DeviceClass', 'ResourceClaim', 'ResourceClaimTemplate', 'ResourceSlice');

/**
 * The group/versions Kubernetes 1.34 serves and their kinds. A group here is built into the API server: any other
 * version of it (`apps/v1beta1`, `extensions/v1beta1`) and any other kind in it (`kind: Foo` in `v1`) is answered
 * "no matches for kind" by kubectl. (Lists are `List` or `<Kind>List` and are unwrapped before this table is read.)
 */
export const BUILTIN_GROUP_VERSIONS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['v1', kinds('Binding', 'ComponentStatus', 'ConfigMap', 'Endpoints', 'Event', 'LimitRange', 'Namespace', 'Node',
    'PersistentVolume', 'PersistentVolumeClaim', 'Pod', 'PodTemplate', 'ReplicationController', 'ResourceQuota', 'Secret',
    'Service', 'ServiceAccount')],
  ['apps/v1', WORKLOADS],
  ['batch/v1', kinds('CronJob', 'Job')],
  ['autoscaling/v1', kinds('HorizontalPodAutoscaler', 'Scale')],
  ['autoscaling/v2', kinds('HorizontalPodAutoscaler')],
  ['policy/v1', kinds('Eviction', 'PodDisruptionBudget')],
  ['rbac.authorization.k8s.io/v1', kinds('ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding')],
  ['networking.k8s.io/v1', kinds('Ingress', 'IngressClass', 'IPAddress', 'NetworkPolicy', 'ServiceCIDR')],
  ['networking.k8s.io/v1beta1', kinds('IPAddress', 'ServiceCIDR')],
  ['storage.k8s.io/v1', kinds('CSIDriver', 'CSINode', 'CSIStorageCapacity', 'StorageClass', 'VolumeAttachment', 'VolumeAttributesClass')],
  ['storage.k8s.io/v1beta1', kinds('VolumeAttributesClass')],
  ['storage.k8s.io/v1alpha1', kinds('VolumeAttributesClass')],
  ['admissionregistration.k8s.io/v1', kinds('MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding')],
  ['admissionregistration.k8s.io/v1beta1', ADMISSION_POLICIES],
  ['admissionregistration.k8s.io/v1alpha1', ADMISSION_POLICIES],
  ['apiextensions.k8s.io/v1', kinds('CustomResourceDefinition')],
  ['apiregistration.k8s.io/v1', kinds('APIService')],
  ['scheduling.k8s.io/v1', kinds('PriorityClass')],
  ['coordination.k8s.io/v1', kinds('Lease')],
  ['coordination.k8s.io/v1beta1', kinds('LeaseCandidate')],
  ['coordination.k8s.io/v1alpha2', kinds('LeaseCandidate')],
  ['node.k8s.io/v1', kinds('RuntimeClass')],
  ['discovery.k8s.io/v1', kinds('EndpointSlice')],
  ['certificates.k8s.io/v1', kinds('CertificateSigningRequest')],
  ['certificates.k8s.io/v1beta1', kinds('ClusterTrustBundle')],
  ['certificates.k8s.io/v1alpha1', kinds('ClusterTrustBundle', 'PodCertificateRequest')],
  ['events.k8s.io/v1', kinds('Event')],
  ['flowcontrol.apiserver.k8s.io/v1', kinds('FlowSchema', 'PriorityLevelConfiguration')],
  ['authentication.k8s.io/v1', kinds('SelfSubjectReview', 'TokenRequest', 'TokenReview')],
  ['authorization.k8s.io/v1', kinds('LocalSubjectAccessReview', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview', 'SubjectAccessReview')],
  ['resource.k8s.io/v1', RESOURCE],
  ['resource.k8s.io/v1beta2', RESOURCE],
  ['resource.k8s.io/v1beta1', RESOURCE],
  ['resource.k8s.io/v1alpha3', kinds('DeviceTaintRule')],
  ['storagemigration.k8s.io/v1alpha1', kinds('StorageVersionMigration')],
  ['internal.apiserver.k8s.io/v1alpha1', kinds('StorageVersion')],
]);

/** `apps` of `apps/v1`, `` (the core group) of `v1`. */
export function apiGroupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * The API groups built into the API server, whose kinds are all known: those of the table, and groups it served
 * once (`extensions`), whose every version is gone.
 */
export const BUILTIN_GROUPS: ReadonlySet<string> = new Set([...[...BUILTIN_GROUP_VERSIONS.keys()].map(apiGroupOf), 'extensions']);

/** What the table knows of a kind in a built-in group: `undefined` when the group is not built in. */
export function builtinKindProblem(kind: string, apiVersion: string): string | undefined {
  const group = apiGroupOf(apiVersion);
  if (!BUILTIN_GROUPS.has(group)) return undefined;
  const served = BUILTIN_GROUP_VERSIONS.get(apiVersion);
  if (served?.has(kind)) return undefined;
  if (kind === 'List' || (kind.endsWith('List') && served?.has(kind.slice(0, -'List'.length)))) return undefined;
  const elsewhere = [...BUILTIN_GROUP_VERSIONS].filter(([, ks]) => ks.has(kind)).map(([gv]) => gv);
  if (served === undefined) {
    return `no matches for kind ${JSON.stringify(kind)} in version ${JSON.stringify(apiVersion)}: Kubernetes 1.34 does not serve ${JSON.stringify(apiVersion)}`
      + (elsewhere.length > 0 ? `; ${kind} is served as ${elsewhere.join(', ')}` : '');
  }
  const head = `no matches for kind ${JSON.stringify(kind)} in version ${JSON.stringify(apiVersion)}`;
  if (elsewhere.length > 0) return `${head}: ${kind} is served as ${elsewhere.join(', ')}`;
  const near = nearestName(kind, served, A_THIRD);
  if (near !== undefined) return `${head}: did you mean ${near}?`;
  return `${head}: ${apiVersion} serves ${[...served].sort().join(', ')}`;
}

/** A kind of another API that can change connectivity and that the engine does not evaluate. */
export interface UnanalyzedKind {
  /** Who enforces it, for messages: `Cilium`. */
  readonly owner: string;
  /**
   * True when it may change flows of pods in any namespace (a cluster-scoped policy, or a set or group that policies
   * anywhere refer to); false when only flows to or from pods of its own namespace.
   */
  readonly clusterWide: boolean;
  /** Whether objects of the kind live in a namespace; `undefined` when the table does not know (a whole group). */
  readonly namespaced?: boolean;
}

const namespaced = (owner: string): UnanalyzedKind => ({ owner, clusterWide: false, namespaced: true });
const clusterScoped = (owner: string): UnanalyzedKind => ({ owner, clusterWide: true, namespaced: false });
/** A namespaced set of addresses or pods that policies of any namespace may select (Calico's NetworkSet). */
const namespacedSet = (owner: string): UnanalyzedKind => ({ owner, clusterWide: true, namespaced: true });
const wholeGroup = (owner: string): UnanalyzedKind => ({ owner, clusterWide: true });

const CALICO_KINDS: ReadonlyArray<[string, UnanalyzedKind]> = [
  ['NetworkPolicy', namespaced('Calico')],
  ['GlobalNetworkPolicy', clusterScoped('Calico')],
  ['NetworkSet', namespacedSet('Calico')],
  ['GlobalNetworkSet', clusterScoped('Calico')],
  ['Tier', clusterScoped('Calico')],
  ['HostEndpoint', clusterScoped('Calico')],
];
const ANTREA_KINDS: ReadonlyArray<[string, UnanalyzedKind]> = [
  ['NetworkPolicy', namespaced('Antrea')],
  ['ClusterNetworkPolicy', clusterScoped('Antrea')],
  ['Tier', clusterScoped('Antrea')],
  ['ClusterGroup', clusterScoped('Antrea')],
  ['Group', namespaced('Antrea')],
];
const LINKERD_KINDS: ReadonlyArray<[string, UnanalyzedKind]> = ['Server', 'ServerAuthorization', 'AuthorizationPolicy', 'MeshTLSAuthentication', 'NetworkAuthentication']
  .map((k) => [k, namespaced('Linkerd')]);

/**
 * Kinds of other APIs that allow or deny connections (or name the addresses and groups that policies allow), by
 * API group and kind. Objects of these kinds are read, never evaluated: every command says so on stderr, and `diff
 * --fail-on` fails when one is added, changed or removed.
 */
export const UNANALYZED_KINDS: ReadonlyMap<string, ReadonlyMap<string, UnanalyzedKind>> = new Map<string, ReadonlyMap<string, UnanalyzedKind>>([
  ['cilium.io', new Map([
    ['CiliumNetworkPolicy', namespaced('Cilium')],
    ['CiliumClusterwideNetworkPolicy', clusterScoped('Cilium')],
    ['CiliumCIDRGroup', clusterScoped('Cilium')],
  ])],
  ['projectcalico.org', new Map(CALICO_KINDS)],
  ['crd.projectcalico.org', new Map(CALICO_KINDS)],
  ['crd.antrea.io', new Map(ANTREA_KINDS)],
  ['security.antrea.tanzu.vmware.com', new Map(ANTREA_KINDS)],
  ['core.antrea.tanzu.vmware.com', new Map([['ClusterGroup', clusterScoped('Antrea')]])],
  ['k8s.ovn.org', new Map([['EgressFirewall', namespaced('OVN-Kubernetes')]])],
  ['networking.gke.io', new Map([['FQDNNetworkPolicy', namespaced('GKE')]])],
  ['security.istio.io', new Map([['AuthorizationPolicy', namespaced('Istio')]])],
  ['policy.linkerd.io', new Map(LINKERD_KINDS)],
]);

/**
 * Groups whose every kind is taken to change connectivity: network-policy-api's (its kinds the engine evaluates
 * are read before this table), and EKS's network policy API (ApplicationNetworkPolicy, ClusterNetworkPolicy...).
 */
const UNANALYZED_GROUPS: ReadonlyMap<string, UnanalyzedKind> = new Map([
  ['policy.networking.k8s.io', wholeGroup('network-policy-api')],
  ['networking.k8s.aws', wholeGroup('Amazon EKS')],
]);

/** The table entry of a kind, or `undefined` for a kind that does not change connectivity as far as the table knows. */
export function unanalyzedKind(kind: string, apiVersion: string): UnanalyzedKind | undefined {
  const group = apiGroupOf(apiVersion);
  return UNANALYZED_KINDS.get(group)?.get(kind) ?? UNANALYZED_GROUPS.get(group);
}

/** Every kind of the table, as `Kind.group`, for `--accept-unanalyzed` and the docs. */
export function unanalyzedKindNames(): string[] {
  const names: string[] = [];
  for (const [group, ks] of UNANALYZED_KINDS) for (const k of ks.keys()) names.push(`${k}.${group}`);
  for (const group of UNANALYZED_GROUPS.keys()) names.push(`*.${group}`);
  return names;
}
