/**
 * Pods that operators create from custom resources, read from the resources themselves, so that policies and peers
 * that select them are judged against them rather than against nothing.
 *
 * prometheus-operator runs each Prometheus, Alertmanager and ThanosRuler as a StatefulSet whose pods carry the
 * operator's labels (`app.kubernetes.io/name`, `app.kubernetes.io/instance`, `app.kubernetes.io/managed-by`, and the
 * older `prometheus: <name>` / `alertmanager: <name>` / `thanos-ruler: <name>`), plus the labels of
 * `spec.podMetadata.labels`, and serve their well-known named ports.
 *
 * @see https://prometheus-operator.dev/docs/api-reference/api/
 */
import { ContainerPort } from './model';

/** What the engine knows of the pods of a custom resource it recognises. */
export interface OperatorPods {
  /** Labels every pod of the resource carries, whatever its spec. */
  readonly labels: ReadonlyMap<string, string>;
  readonly ports: readonly ContainerPort[];
  /**
   * The name of the StatefulSet the operator creates, which its pods are named after: `prometheus-k8s` for a
   * Prometheus `k8s` (its first shard; further shards add `-shard-N`), `alertmanager-main`, `thanos-ruler-<name>`.
   */
  readonly workloadName: string;
}

interface OperatorKind {
  /** `app.kubernetes.io/name` of the pods. */
  readonly appName: string;
  /** The older label the operator sets to the resource's name. */
  readonly nameLabel: string;
  /** The operator names the StatefulSet (and so its pods) `<prefix><resource name>`. */
  readonly workloadPrefix: string;
  readonly ports: readonly ContainerPort[];
}

const RELOADER: ContainerPort = { name: 'reloader-web', port: 8080, protocol: 'TCP' };

const OPERATOR_KINDS: ReadonlyMap<string, OperatorKind> = new Map([
  ['Prometheus', { appName: 'prometheus', nameLabel: 'prometheus', workloadPrefix: 'prometheus-', ports: [{ name: 'web', port: 9090, protocol: 'TCP' }, RELOADER] }],
  ['Alertmanager', {
    appName: 'alertmanager',
    nameLabel: 'alertmanager',
    workloadPrefix: 'alertmanager-',
    ports: [
      { name: 'web', port: 9093, protocol: 'TCP' }, { name: 'mesh-tcp', port: 9094, protocol: 'TCP' },
      { name: 'mesh-udp', port: 9094, protocol: 'UDP' }, RELOADER,
    ],
  }],
  ['ThanosRuler', {
    appName: 'thanos-ruler',
    nameLabel: 'thanos-ruler',
    workloadPrefix: 'thanos-ruler-',
    ports: [{ name: 'grpc', port: 10901, protocol: 'TCP' }, { name: 'web', port: 10902, protocol: 'TCP' }, RELOADER],
  }],
]);

/** The API group prometheus-operator serves these kinds under (any version). */
const GROUP = 'monitoring.coreos.com/';

/** True for a custom resource whose pods the engine models (`monitoring.coreos.com` Prometheus, Alertmanager, ThanosRuler). */
export function isOperatorKind(kind: string, apiVersion: string): boolean {
  return OPERATOR_KINDS.has(kind) && apiVersion.startsWith(GROUP);
}

/** The kinds recognised, for docs and messages. */
export const OPERATOR_KIND_NAMES: readonly string[] = [...OPERATOR_KINDS.keys()];

/** The labels and ports of the pods of a recognised resource named `name`. */
export function operatorPods(kind: string, name: string): OperatorPods {
  const k = OPERATOR_KINDS.get(kind)!;
  const labels = new Map<string, string>([
    ['app.kubernetes.io/name', k.appName],
    ['app.kubernetes.io/instance', name],
    ['app.kubernetes.io/managed-by', 'prometheus-operator'],
    [k.nameLabel, name],
  ]);
  if (kind === 'Prometheus') labels.set('operator.prometheus.io/name', name);
  return { labels, ports: k.ports, workloadName: `${k.workloadPrefix}${name}` };
}

/**
 * API groups of Kubernetes itself: their kinds (ConfigMap, Role, Ingress, HorizontalPodAutoscaler...) never make pods
 * the engine does not already read. Any other group is a custom resource that an operator may turn into pods.
 */
export function isCustomResource(apiVersion: string): boolean {
  const slash = apiVersion.indexOf('/');
  if (slash < 0) return false; // the core group: v1
  const group = apiVersion.slice(0, slash);
  if (!group.includes('.')) return false; // apps, batch, policy, autoscaling
  if (group === 'k8s.io' || group.endsWith('.k8s.io')) return false;
  return true;
}

/** prometheus-operator kinds that configure scraping and alerting but run no pods. */
const NO_POD_KINDS = new Set(['ServiceMonitor', 'PodMonitor', 'PrometheusRule', 'Probe', 'ScrapeConfig', 'AlertmanagerConfig']);

/** True when a custom resource may make pods (as far as the engine can tell: any kind not known to run none). */
export function mayCreatePods(kind: string, apiVersion: string): boolean {
  return isCustomResource(apiVersion) && !(apiVersion.startsWith(GROUP) && NO_POD_KINDS.has(kind)) && !isOperatorKind(kind, apiVersion);
}
