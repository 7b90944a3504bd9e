/**
 * The engine's internal, normalized view of a cluster: namespaces, endpoints (pods, and workloads standing for
 * their pods) and NetworkPolicies. Everything here is private: the public surface is `Reachability`.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
import { Cidr, IpAddress } from '../private/cidr';

export type { Problem } from '../manifests/problem';
export { formatProblem, InvalidManifestsError } from '../manifests/problem';

export type Labels = ReadonlyMap<string, string>;

export type Operator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface Requirement {
  readonly key: string;
  readonly operator: Operator;
  readonly values: ReadonlySet<string>;
}

/** A parsed label selector: matchLabels folded into `In` requirements with one value. */
export interface Selector {
  readonly requirements: readonly Requirement[];
  /** Canonical text, equal for equivalent selectors written differently; used as an interning key. */
  readonly text: string;
}

export interface Namespace {
  readonly name: string;
  readonly labels: Labels;
  /** True when a Namespace object was given, false when only referenced. */
  readonly declared: boolean;
}

/**
 * A Node of the input (`kubectl get nodes -o yaml`): what a ClusterNetworkPolicy or AdminNetworkPolicy `nodes` peer
 * matches. Its IPs are the addresses of `status.addresses` that are IP addresses (InternalIP, ExternalIP).
 */
export interface ClusterNode {
  readonly name: string;
  readonly labels: Labels;
  readonly ips: readonly IpAddress[];
  /** Where it was read: `file:line`. */
  readonly source: string;
}

export interface ContainerPort {
  readonly name?: string;
  readonly port: number;
  readonly protocol: string;
}

/** A pod, or a workload standing for the pods of its template. */
export interface Endpoint {
  /** `ns/name`: the stable id used in queries and output. */
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  /** `Pod`, `Deployment`, ... */
  readonly kind: string;
  readonly labels: Labels;
  /** `status.podIP` / `status.podIPs`; workloads have none. */
  readonly ips: readonly IpAddress[];
  readonly ports: readonly ContainerPort[];
  readonly source: string;
  /**
   * `spec.hostNetwork`: the pod uses its node's network namespace. NetworkPolicy behaviour for such pods is undefined
   * upstream ("the behavior of NetworkPolicy for host-network pods is undefined"), so flows to and from them cannot be
   * decided offline.
   */
  readonly hostNetwork: boolean;
  /**
   * How many pods the endpoint stands for, as far as the manifest says: 1 for a Pod, `spec.replicas` (default 1) for a
   * Deployment, StatefulSet or ReplicaSet, `parallelism` for a Job, and `Infinity` for a DaemonSet (one per node).
   */
  readonly replicas: number;
  /**
   * What its containers are configured with, where a client names the Services it uses: `env[].value`, `args` and
   * `command` strings (each at most 1,024 characters, at most 64), absent when there are none. Lint reads them to
   * find the clients of a Service (NP018).
   */
  readonly references?: readonly string[];
  /**
   * Set on a stand-in, a pod the input does not hold, built from a peer that names it (stand-ins.ts): where the peer is
   * written, e.g. `NetworkPolicy shop/web spec.ingress[0].from[0]`.
   */
  readonly standIn?: string;
  /**
   * Set on a pod or workload of the input annotated `cdk8s-netpol.dev/stand-in`: it stands for pods the repository does
   * not deploy. `declared in <source>: "<annotation value>"`. Lint does not judge it as the app's own.
   */
  readonly declaredStandIn?: string;
  /**
   * A Pod's controller (`metadata.ownerReferences` entry with `controller: true`), as `{kind, name}`, when its name
   * is a valid object name: what created the pod (a ReplicaSet `web-5d8f9c`, a StatefulSet, a Job...).
   */
  readonly owner?: { readonly kind: string; readonly name: string };
}

export interface ServicePort {
  readonly name?: string;
  readonly port: number;
  readonly protocol: string;
  /** The pod port: a number, or a container port name resolved on each endpoint pod. Defaults to `port`. */
  readonly targetPort: number | string;
}

/** A Service: a stable address in front of the pods its selector matches. */
export interface Service {
  /** `ns/name` */
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  /** `spec.selector`; `undefined` when the Service has none (its endpoints are managed by hand or it is ExternalName). */
  readonly selector?: Labels;
  readonly type: string;
  readonly ports: readonly ServicePort[];
  readonly source: string;
}

export interface IpBlockPeer {
  readonly cidr: Cidr;
  readonly except: readonly Cidr[];
  /** Canonical text: `cidr` or `cidr except a,b`. */
  readonly text: string;
}

export interface Peer {
  /** Field path of the peer inside its policy. */
  readonly path: string;
  readonly podSelector?: Selector;
  readonly namespaceSelector?: Selector;
  readonly ipBlock?: IpBlockPeer;
}

export interface PolicyPort {
  readonly protocol: string;
  /** A number, unless `name` is set; neither means every port of the protocol. */
  readonly port?: number;
  readonly endPort?: number;
  readonly name?: string;
}

export interface Rule {
  /** `spec.ingress[1]` */
  readonly path: string;
  /** `undefined` when `from`/`to` is absent or empty: every peer. */
  readonly peers?: readonly Peer[];
  /** `undefined` when `ports` is absent or empty: every port. */
  readonly ports?: readonly PolicyPort[];
}

export interface Policy {
  /** `ns/name` */
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  readonly source: string;
  readonly podSelector: Selector;
  /** Effective policy types after API-server defaulting. */
  readonly isolatesIngress: boolean;
  readonly isolatesEgress: boolean;
  readonly ingress: readonly Rule[];
  readonly egress: readonly Rule[];
  /** The `cdk8s-netpol.dev/construct` annotation: the construct path that rendered the policy, when present. */
  /** The `cdk8s-netpol.dev/intent` annotation: the policy says what it is for (lint keeps such policies first). */
  readonly intent?: string;
  readonly construct?: string;
}

export type ClusterTier = 'Admin' | 'Baseline';
/** The API a tiered policy comes from: the engine reads all three into the same tiers (docs/semantics.md). */
export type ClusterPolicyKind = 'ClusterNetworkPolicy' | 'AdminNetworkPolicy' | 'BaselineAdminNetworkPolicy';
export type ClusterAction = 'Accept' | 'Deny' | 'Pass';

/**
 * A peer of a ClusterNetworkPolicy rule (policy.networking.k8s.io/v1alpha2): exactly one of its kinds is set.
 *
 * @see https://github.com/kubernetes-sigs/network-policy-api/blob/main/apis/v1alpha2/clusternetworkpolicy_types.go
 */
export interface ClusterPeer {
  /** `spec.egress[0].to[1]` */
  readonly path: string;
  /** `namespaces`: every pod of the matching namespaces. */
  readonly namespaces?: Selector;
  /** `pods`: pods matching `podSelector` in namespaces matching `namespaceSelector` (absent = every namespace). */
  readonly pods?: { readonly namespaceSelector: Selector; readonly podSelector: Selector };
  /** `networks` (egress only): addresses in any of these CIDRs, pods included when their IPs are known. */
  readonly networks?: readonly Cidr[];
  /**
   * `nodes` (experimental, egress only): the IPs of the matching Nodes. Decided against the Node objects of the input
   * when it holds any (taken as all the cluster's nodes); without them, undecidable for an IP address.
   */
  readonly nodes?: Selector;
  /**
   * `nodes` or `domainNames` (experimental, egress only): what they may match is not in the manifests (for `nodes`,
   * when the input holds no Node). They never match a pod; whether they match an IP address cannot be decided then.
   */
  readonly undecidable?: 'nodes' | 'domainNames';
}

/** One rule of a ClusterNetworkPolicy. */
export interface ClusterRule {
  /** `spec.ingress[1]` */
  readonly path: string;
  /** `spec.ingress[1].name`, when given. */
  readonly name?: string;
  readonly action: ClusterAction;
  /** At least one peer (the CRD requires `from`/`to`). */
  readonly peers: readonly ClusterPeer[];
  /**
   * `undefined` when `protocols` is absent: every port. A `destinationNamedPort` becomes one named entry per
   * protocol, so it resolves to the destination's container port of that name, whatever its protocol.
   */
  readonly ports?: readonly PolicyPort[];
}

/**
 * A cluster-scoped tiered policy: a ClusterNetworkPolicy (v1alpha2), or an AdminNetworkPolicy (Admin tier) or
 * BaselineAdminNetworkPolicy (Baseline tier) of v1alpha1, whose actions Allow/Deny/Pass read as Accept/Deny/Pass.
 */
export interface ClusterPolicy {
  /** `metadata.name` for a ClusterNetworkPolicy; `AdminNetworkPolicy/<name>`, `BaselineAdminNetworkPolicy/default` for the others. */
  readonly id: string;
  readonly kind: ClusterPolicyKind;
  readonly name: string;
  readonly source: string;
  readonly tier: ClusterTier;
  /** `spec.priority`; a BaselineAdminNetworkPolicy, which has none, sorts after every Baseline ClusterNetworkPolicy (1001). */
  readonly priority: number;
  /** `spec.subject.namespaces`: every pod of the matching namespaces. */
  readonly subjectNamespaces?: Selector;
  /** `spec.subject.pods`. */
  readonly subjectPods?: { readonly namespaceSelector: Selector; readonly podSelector: Selector };
  readonly ingress: readonly ClusterRule[];
  readonly egress: readonly ClusterRule[];
}

export interface Cluster {
  readonly namespaces: ReadonlyMap<string, Namespace>;
  /** Sorted by id. */
  readonly endpoints: readonly Endpoint[];
  readonly policies: readonly Policy[];
  /** Sorted by id. */
  readonly services: readonly Service[];
  /**
   * Custom resources of the input that an operator may turn into pods the input does not show (any kind outside
   * Kubernetes' own API groups, except those the engine models or knows to run no pods), in input order.
   */
  readonly customResources: readonly CustomResource[];
  /**
   * ClusterNetworkPolicies, in evaluation order within each tier: by priority, then by name (upstream leaves ties to
   * the implementation; see docs/semantics.md). Absent or empty when the input has none.
   */
  readonly clusterPolicies?: readonly ClusterPolicy[];
  /** The Node objects of the input, sorted by name; absent when it holds none (then `nodes` peers are undecidable). */
  readonly nodes?: readonly ClusterNode[];
  /** Objects of other policy APIs, read and not evaluated, sorted by group, kind, namespace and name. */
  readonly unanalyzed?: readonly UnanalyzedObject[];
}

/**
 * An object of another API that can change what may connect (a CiliumNetworkPolicy, a Calico GlobalNetworkPolicy,
 * an Istio AuthorizationPolicy...): read, never evaluated. Answers it may change say so.
 */
export interface UnanalyzedObject {
  readonly kind: string;
  readonly apiVersion: string;
  /** `cilium.io` */
  readonly group: string;
  /** `undefined` for a cluster-scoped object. */
  readonly namespace?: string;
  readonly name: string;
  /** Who enforces it: `Cilium`, `Calico`... */
  readonly owner: string;
  /** True when it may change flows of pods in any namespace; false: only flows of pods in its namespace. */
  readonly clusterWide: boolean;
  /** Where it was read: `file:line`. */
  readonly source: string;
  /** The object's content (without status and server-set metadata) as canonical JSON: two objects differ when their digests do. */
  readonly digest: string;
}

export interface CustomResource {
  readonly kind: string;
  /** `undefined` for a cluster-scoped resource. */
  readonly namespace?: string;
  readonly name: string;
}

/** The port of a query: one number, or a name resolved on the destination. */
export interface QueryPort {
  readonly protocol: string;
  readonly port?: number;
  readonly name?: string;
}

export function queryPortText(q: QueryPort): string {
  return `${q.protocol}/${q.name ?? q.port}`;
}
