/**
 * Other libraries' workloads and Services as pod selections, read from what they synthesize (`ApiObject.toJson()`),
 * never from their internals: any cdk8s-plus major version and plain cdk8s `ApiObject`s work the same way.
 */
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { WORKLOAD_KINDS, WORKLOAD_KIND_LIST } from '../private/k8s';

/** A label expression as read (`{key, operator, values}`), validated by the model. */
export interface RawExpression {
  readonly key: string;
  readonly operator: string;
  readonly values?: string[];
}

/**
 * What a workload or Service says about its pods, as read: raw data that `model/selection.ts` validates into a
 * selection. `problem` when it cannot be read; `everyPod` for a cdk8s-plus selection of every pod.
 */
export interface RawSelection {
  readonly problem?: string;
  readonly everyPod?: boolean;
  readonly labels?: { [key: string]: string };
  readonly expressions?: RawExpression[];
  /** How the selector is named in messages, e.g. `app/web selector`. */
  readonly what?: string;
  readonly namespace?: string;
  /** `Deployment app/web`, `Service app/api`... */
  readonly origin?: string;
  /** A Service's ports: the protocol (default TCP) and the target port (a number, or a container port name). */
  readonly servicePorts?: { readonly protocol?: string; readonly target: string | number }[];
}

/**
 * The pods of a workload (or, with `service`, of a Service) as a selection.
 */
export function readWorkload(construct: IConstruct, service: boolean): RawSelection {
  const fail = (problem: string): RawSelection => ({ problem });
  if (!construct || typeof construct !== 'object' || !(construct as any).node) {
    return fail(`${JSON.stringify(construct)} is not a construct: pass a cdk8s-plus workload or Service, or an ApiObject`);
  }
  const path = construct.node.path;
  if (!service && !hasApiObject(construct) && typeof (construct as any).toPodSelectorConfig === 'function') {
    return podSelectorSelection(path, construct as any);
  }
  let json: any;
  try {
    json = apiObjectOf(construct).toJson();
  } catch (e) {
    return fail(`${path} does not synthesize a Kubernetes object (${(e as Error).message.split('\n')[0]}): pass a workload, a Service or an ApiObject`);
  }
  const kind = String(json?.kind);
  const namespace = typeof json?.metadata?.namespace === 'string' ? json.metadata.namespace : undefined;
  if (service) {
    if (kind !== 'Service') return fail(`${path} is a ${kind}, not a Service: use PodSelection.workload() for workloads`);
    return serviceSelection(path, json, namespace);
  }
  if (kind === 'Service') return fail(`${path} is a Service: use PodSelection.service() for its pods and target ports`);
  let selector: { matchLabels?: any; matchExpressions?: any[] } | undefined;
  let from: string;
  if (kind === 'Pod') {
    selector = { matchLabels: json.metadata?.labels };
    from = 'its labels';
  } else if (WORKLOAD_KINDS.has(kind)) {
    const workload = WORKLOAD_KINDS.get(kind)!;
    if (workload.selector === 'labelSelector' || (kind === 'Job' && json.spec?.selector)) {
      selector = json.spec?.selector;
      from = 'its spec.selector';
    } else if (workload.selector === 'labelMap' && json.spec?.selector) {
      selector = { matchLabels: json.spec.selector };
      from = 'its spec.selector';
    } else {
      selector = { matchLabels: at(json, workload.template)?.metadata?.labels };
      from = "its pod template's labels";
    }
  } else {
    return fail(`${path} is a ${kind}, which has no pods: pass a ${WORKLOAD_KIND_LIST} or Pod`);
  }
  const labels = selector?.matchLabels ?? undefined;
  const expressions: RawExpression[] = (selector?.matchExpressions ?? []).map((e: any) => ({ key: e.key, operator: e.operator, values: e.values }));
  if ((!labels || Object.keys(labels).length === 0) && expressions.length === 0) {
    return fail(`${path} (${kind}) selects its pods by ${from}, which are empty, so it would select every pod: give it labels (cdk8s-plus: select() with its pods' labels)`);
  }
  return { labels, expressions, what: `${path} selector`, namespace, origin: `${kind} ${path}` };
}

function serviceSelection(path: string, json: any, namespace: string | undefined): RawSelection {
  const selector = json.spec?.selector ?? {};
  if (Object.keys(selector).length === 0) {
    return { problem: `service ${path} has no pod selector: give it one (cdk8s-plus: the "selector" prop or select())` };
  }
  const servicePorts = (json.spec?.ports ?? []).map((p: any) => ({ protocol: p.protocol, target: p.targetPort ?? p.port }));
  return { labels: selector, expressions: [], what: `service ${path} selector`, namespace, servicePorts, origin: `Service ${path}` };
}

/**
 * A cdk8s-plus pod selection that synthesizes nothing (`Pods.select`, `Pods.all`): read through its public
 * `toPodSelectorConfig()`. Its label selector renders with `_toKube()`, the method cdk8s-plus itself uses for network
 * policy peers, present in every major; a selector without it is refused rather than guessed. cdk8s-plus always puts
 * an empty label selector beside namespace names (`Namespaces.select({ names })`): that is one namespace by name.
 */
function podSelectorSelection(path: string, selector: any): RawSelection {
  const fail = (problem: string): RawSelection => ({ problem });
  const config = selector.toPodSelectorConfig();
  const kube = renderSelector(config?.labelSelector);
  if (kube === undefined) return fail(`${path}: this cdk8s-plus version's pod selector cannot be read: give the pods' labels with PodSelection.labels()`);
  const labels = kube.matchLabels ?? undefined;
  const expressions: RawExpression[] = (kube.matchExpressions ?? []).map((e: any) => ({ key: e.key, operator: e.operator, values: e.values }));
  const everyPod = (!labels || Object.keys(labels).length === 0) && expressions.length === 0;
  const names: string[] = config?.namespaces?.names ?? [];
  const nsSelector = config?.namespaces?.labelSelector ? renderSelector(config.namespaces.labelSelector) : undefined;
  const nsSelectorEmpty = !nsSelector || (Object.keys(nsSelector.matchLabels ?? {}).length === 0 && (nsSelector.matchExpressions ?? []).length === 0);
  if (names.length > 1 || !nsSelectorEmpty || (config?.namespaces && names.length === 0)) {
    return fail(
      `${path} selects pods in several namespaces (${names.length ? names.join(', ') : 'by namespace labels'}), and a tier lives in one: ` +
      'declare one Tier per namespace, or, for pods the app does not own, use Peer.pods({ namespaces: { labels } })',
    );
  }
  const origin = `pod selector ${path}`;
  return everyPod ? { everyPod: true, namespace: names[0], origin } : { labels, expressions, what: `${path} selector`, namespace: names[0], origin };
}

function renderSelector(labelSelector: any): { matchLabels?: any; matchExpressions?: any[] } | undefined {
  if (!labelSelector || typeof labelSelector._toKube !== 'function') return undefined;
  return labelSelector._toKube() ?? {};
}

/** Whether a construct is, or holds as its own ApiObject, a Service (read from its kind, not its internals). */
export function isServiceObject(construct: IConstruct): boolean {
  if (!hasApiObject(construct)) return false;
  try {
    return apiObjectOf(construct).kind === 'Service';
  } catch {
    return false;
  }
}

function hasApiObject(construct: IConstruct): boolean {
  return ApiObject.isApiObject(construct) || construct.node.tryFindChild('Resource') !== undefined;
}

/** The construct's own ApiObject: itself, or its `Resource` child (cdk8s-plus and most L2 libraries). */
function apiObjectOf(construct: IConstruct): ApiObject {
  if (ApiObject.isApiObject(construct)) return construct;
  return ApiObject.of(construct);
}

function at(value: any, path: readonly string[]): any {
  let v = value;
  for (const key of path) v = v?.[key];
  return v;
}
