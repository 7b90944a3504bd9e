/**
 * Strict field validation, as `kubectl apply` (server-side field validation `Strict`, the default since Kubernetes
 * 1.27) rejects an unknown or misspelt field at any level with its path: `spec.ingres`, `metadata.namespce`,
 * `ipBlock.exceptt`, a top-level `sepc`. Checked for every object the engine reads (NetworkPolicy, Namespace, Pod,
 * the workloads' pod templates down to container ports, Service); subtrees the engine never reads (env, volumes,
 * probes...) are accepted as they are. Types are checked where the API type would fail to decode (a boolean where a
 * string is expected, e.g. an unquoted `yes` label value).
 *
 * The field lists follow the Kubernetes 1.34 API.
 *
 * @see https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation
 */
import { nearestName, TWO_EDITS } from '../private/nearest';
import { quote, typeName } from '../private/text';

/** A node of the schema: a leaf type, a struct with known fields, a list, or a map of strings to values. */
export type Schema =
  | { readonly t: 'any' | 'str' | 'int' | 'bool' | 'intstr' }
  | { readonly t: 'obj'; readonly fields: ReadonlyMap<string, Schema> }
  | { readonly t: 'list'; readonly item: Schema }
  | { readonly t: 'map'; readonly value: Schema };

const ANY: Schema = { t: 'any' };
const STR: Schema = { t: 'str' };
const INT: Schema = { t: 'int' };
const BOOL: Schema = { t: 'bool' };
const INTSTR: Schema = { t: 'intstr' };
const obj = (fields: { [name: string]: Schema }): Schema => ({ t: 'obj', fields: new Map(Object.entries(fields)) });
const list = (item: Schema): Schema => ({ t: 'list', item });
const map = (value: Schema): Schema => ({ t: 'map', value });
/** Fields accepted with any value: parts of an API type the engine never reads. */
const anyOf = (...names: string[]): { [name: string]: Schema } => Object.fromEntries(names.map((n) => [n, ANY]));

const OBJECT_META = obj({
  name: STR,
  generateName: STR,
  namespace: STR,
  labels: map(STR),
  annotations: map(STR),
  finalizers: list(STR),
  generation: INT,
  deletionGracePeriodSeconds: INT,
  selfLink: STR,
  uid: STR,
  resourceVersion: STR,
  ...anyOf('creationTimestamp', 'deletionTimestamp', 'ownerReferences', 'managedFields'),
});

const LABEL_SELECTOR = obj({
  matchLabels: map(STR),
  matchExpressions: list(obj({ key: STR, operator: STR, values: list(STR) })),
});

const POLICY_PEER = obj({
  podSelector: LABEL_SELECTOR,
  namespaceSelector: LABEL_SELECTOR,
  ipBlock: obj({ cidr: STR, except: list(STR) }),
});
const POLICY_PORT = obj({ protocol: STR, port: INTSTR, endPort: INT });

const NETWORK_POLICY_SPEC = obj({
  podSelector: LABEL_SELECTOR,
  ingress: list(obj({ from: list(POLICY_PEER), ports: list(POLICY_PORT) })),
  egress: list(obj({ to: list(POLICY_PEER), ports: list(POLICY_PORT) })),
  policyTypes: list(STR),
});

/** ClusterNetworkPolicy (policy.networking.k8s.io/v1alpha2, experimental channel: a superset of standard). */
const CNP_PODS = obj({ namespaceSelector: LABEL_SELECTOR, podSelector: LABEL_SELECTOR });
const CNP_PROTOCOL_PORT = obj({ destinationPort: obj({ number: INT, range: obj({ start: INT, end: INT }) }) });
const CNP_PROTOCOL = obj({ tcp: CNP_PROTOCOL_PORT, udp: CNP_PROTOCOL_PORT, sctp: CNP_PROTOCOL_PORT, destinationNamedPort: STR });
const CLUSTER_NETWORK_POLICY_SPEC = obj({
  tier: STR,
  priority: INT,
  subject: obj({ namespaces: LABEL_SELECTOR, pods: CNP_PODS }),
  ingress: list(obj({ name: STR, action: STR, from: list(obj({ namespaces: LABEL_SELECTOR, pods: CNP_PODS })), protocols: list(CNP_PROTOCOL) })),
  egress: list(obj({
    name: STR,
    action: STR,
    to: list(obj({ namespaces: LABEL_SELECTOR, pods: CNP_PODS, networks: list(STR), nodes: LABEL_SELECTOR, domainNames: list(STR) })),
    protocols: list(CNP_PROTOCOL),
  })),
});

/** AdminNetworkPolicy and BaselineAdminNetworkPolicy (policy.networking.k8s.io/v1alpha1, v0.1.8 experimental channel). */
const ANP_PORT = obj({
  portNumber: obj({ protocol: STR, port: INT }),
  portRange: obj({ protocol: STR, start: INT, end: INT }),
  namedPort: STR,
});
const anpSpec = (priority: boolean, domainNames: boolean): Schema => obj({
  ...(priority ? { priority: INT } : {}),
  subject: obj({ namespaces: LABEL_SELECTOR, pods: CNP_PODS }),
  ingress: list(obj({ name: STR, action: STR, from: list(obj({ namespaces: LABEL_SELECTOR, pods: CNP_PODS })), ports: list(ANP_PORT) })),
  egress: list(obj({
    name: STR,
    action: STR,
    to: list(obj({
      namespaces: LABEL_SELECTOR, pods: CNP_PODS, nodes: LABEL_SELECTOR, networks: list(STR), ...(domainNames ? { domainNames: list(STR) } : {}),
    })),
    ports: list(ANP_PORT),
  })),
});

const CONTAINER_FIELDS = {
  name: STR,
  image: STR,
  command: list(STR),
  args: list(STR),
  workingDir: STR,
  ports: list(obj({ containerPort: INT, hostIP: STR, hostPort: INT, name: STR, protocol: STR })),
  restartPolicy: STR,
  terminationMessagePath: STR,
  terminationMessagePolicy: STR,
  imagePullPolicy: STR,
  stdin: BOOL,
  stdinOnce: BOOL,
  tty: BOOL,
  ...anyOf('envFrom', 'env', 'resources', 'resizePolicy', 'restartPolicyRules', 'volumeMounts', 'volumeDevices',
    'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle', 'securityContext'),
};
const CONTAINER = obj(CONTAINER_FIELDS);
const EPHEMERAL_CONTAINER = obj({ ...CONTAINER_FIELDS, targetContainerName: STR });

const POD_SPEC = obj({
  containers: list(CONTAINER),
  initContainers: list(CONTAINER),
  ephemeralContainers: list(EPHEMERAL_CONTAINER),
  hostNetwork: BOOL,
  nodeSelector: map(STR),
  restartPolicy: STR,
  dnsPolicy: STR,
  serviceAccountName: STR,
  serviceAccount: STR,
  nodeName: STR,
  hostname: STR,
  subdomain: STR,
  schedulerName: STR,
  priorityClassName: STR,
  runtimeClassName: STR,
  preemptionPolicy: STR,
  hostnameOverride: STR,
  ...anyOf('volumes', 'terminationGracePeriodSeconds', 'activeDeadlineSeconds', 'automountServiceAccountToken',
    'hostPID', 'hostIPC', 'shareProcessNamespace', 'securityContext', 'imagePullSecrets', 'affinity', 'tolerations',
    'hostAliases', 'priority', 'dnsConfig', 'readinessGates', 'enableServiceLinks', 'overhead',
    'topologySpreadConstraints', 'setHostnameAsFQDN', 'os', 'hostUsers', 'schedulingGates', 'resourceClaims',
    'resources'),
});

const POD_TEMPLATE = obj({ metadata: OBJECT_META, spec: POD_SPEC });

const JOB_SPEC = obj({
  template: POD_TEMPLATE,
  selector: LABEL_SELECTOR,
  ...anyOf('parallelism', 'completions', 'activeDeadlineSeconds', 'podFailurePolicy', 'successPolicy', 'backoffLimit',
    'backoffLimitPerIndex', 'maxFailedIndexes', 'manualSelector', 'ttlSecondsAfterFinished', 'completionMode',
    'suspend', 'podReplacementPolicy', 'managedBy'),
});

const top = (spec: Schema | undefined, status: boolean): Schema => obj({
  apiVersion: STR,
  kind: STR,
  metadata: OBJECT_META,
  ...(spec ? { spec } : {}),
  ...(status ? { status: ANY } : {}),
});

/** The kinds whose objects are validated strictly, by kind. */
export const SCHEMAS: ReadonlyMap<string, Schema> = new Map<string, Schema>([
  ['NetworkPolicy', top(NETWORK_POLICY_SPEC, false)],
  ['ClusterNetworkPolicy', top(CLUSTER_NETWORK_POLICY_SPEC, true)],
  ['AdminNetworkPolicy', top(anpSpec(true, true), true)],
  ['BaselineAdminNetworkPolicy', top(anpSpec(false, false), true)],
  ['Namespace', top(obj({ finalizers: list(STR) }), true)],
  ['Node', top(obj(anyOf('podCIDR', 'podCIDRs', 'providerID', 'unschedulable', 'taints', 'configSource', 'externalID')), true)],
  ['Pod', top(POD_SPEC, true)],
  ['Deployment', top(obj({
    template: POD_TEMPLATE,
    selector: LABEL_SELECTOR,
    ...anyOf('replicas', 'strategy', 'minReadySeconds', 'revisionHistoryLimit', 'paused', 'progressDeadlineSeconds'),
  }), true)],
  ['StatefulSet', top(obj({
    template: POD_TEMPLATE,
    selector: LABEL_SELECTOR,
    serviceName: STR,
    ...anyOf('replicas', 'volumeClaimTemplates', 'podManagementPolicy', 'updateStrategy', 'revisionHistoryLimit',
      'minReadySeconds', 'persistentVolumeClaimRetentionPolicy', 'ordinals'),
  }), true)],
  ['DaemonSet', top(obj({
    template: POD_TEMPLATE,
    selector: LABEL_SELECTOR,
    ...anyOf('updateStrategy', 'minReadySeconds', 'revisionHistoryLimit'),
  }), true)],
  ['ReplicaSet', top(obj({
    template: POD_TEMPLATE,
    selector: LABEL_SELECTOR,
    ...anyOf('replicas', 'minReadySeconds'),
  }), true)],
  ['ReplicationController', top(obj({
    template: POD_TEMPLATE,
    selector: map(STR),
    ...anyOf('replicas', 'minReadySeconds'),
  }), true)],
  ['Job', top(JOB_SPEC, true)],
  ['CronJob', top(obj({
    jobTemplate: obj({ metadata: OBJECT_META, spec: JOB_SPEC }),
    schedule: STR,
    timeZone: STR,
    concurrencyPolicy: STR,
    ...anyOf('startingDeadlineSeconds', 'suspend', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit'),
  }), true)],
  ['Service', top(obj({
    ports: list(obj({ name: STR, protocol: STR, appProtocol: STR, port: INT, targetPort: INTSTR, nodePort: INT })),
    selector: map(STR),
    clusterIP: STR,
    clusterIPs: list(STR),
    type: STR,
    externalIPs: list(STR),
    sessionAffinity: STR,
    loadBalancerIP: STR,
    loadBalancerSourceRanges: list(STR),
    externalName: STR,
    externalTrafficPolicy: STR,
    healthCheckNodePort: INT,
    publishNotReadyAddresses: BOOL,
    ipFamilies: list(STR),
    ipFamilyPolicy: STR,
    allocateLoadBalancerNodePorts: BOOL,
    loadBalancerClass: STR,
    internalTrafficPolicy: STR,
    trafficDistribution: STR,
    ...anyOf('sessionAffinityConfig'),
  }), true)],
]);

const STRING_HINT = ' (YAML 1.1 reads unquoted yes/no/on/off/y/n as booleans and digits as numbers: quote the value)';

/**
 * Reports every unknown field and every value of the wrong type under `value`. `null` is accepted anywhere, as the
 * API types decode it to the zero value. Never throws, whatever the value.
 */
export function checkSchema(value: unknown, schema: Schema, path: string, report: (path: string, message: string) => void): void {
  if (value === null || value === undefined) return;
  const join = (key: string) => (path === '' ? key : `${path}.${key}`);
  switch (schema.t) {
    case 'any':
      return;
    case 'str':
      if (typeof value !== 'string') report(path, `must be a string, got ${typeName(value)}${typeof value === 'boolean' || typeof value === 'number' ? STRING_HINT : ''}`);
      return;
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value)) report(path, `must be an integer, got ${typeof value === 'number' ? quote(value) : typeName(value)}`);
      return;
    case 'bool':
      if (typeof value !== 'boolean') report(path, `must be true or false, got ${typeName(value)}`);
      return;
    case 'intstr':
      if (typeof value !== 'string' && !(typeof value === 'number' && Number.isInteger(value))) report(path, `must be an integer or a string, got ${typeName(value)}`);
      return;
    case 'list':
      if (!Array.isArray(value)) {
        report(path, `must be a list, got ${typeName(value)}`);
        return;
      }
      value.forEach((item, i) => checkSchema(item, schema.item, `${path}[${i}]`, report));
      return;
    case 'map':
      if (typeof value !== 'object' || Array.isArray(value)) {
        report(path, `must be a map, got ${typeName(value)}`);
        return;
      }
      for (const key of Object.keys(value as object)) checkSchema((value as { [k: string]: unknown })[key], schema.value, join(key), report);
      return;
    case 'obj':
      if (typeof value !== 'object' || Array.isArray(value)) {
        report(path, `must be a map, got ${typeName(value)}`);
        return;
      }
      for (const key of Object.keys(value as object)) {
        const field = schema.fields.get(key);
        if (field === undefined) {
          const hint = nearestName(key, schema.fields.keys(), TWO_EDITS);
          report(join(key), `unknown field ${quote(key)}${hint ? `: did you mean ${hint}?` : ''} (kubectl apply rejects unknown fields; remove it or fix its name)`);
          continue;
        }
        checkSchema((value as { [k: string]: unknown })[key], field, join(key), report);
      }
      return;
  }
}
