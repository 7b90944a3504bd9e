import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Port, Protocol } from './port';
import { labelKeyProblem, labelValueProblem, portNameProblem } from '../private/labels';

/**
 * One set-based requirement of a label selector (a `matchExpressions` entry).
 *
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#set-based-requirement
 *
 * @example
 * LabelExpression.valueIn('tier', ['web', 'api']);
 * LabelExpression.doesNotExist('canary');
 */
export class LabelExpression {
  /** The label's value is one of `values`. */
  public static valueIn(key: string, values: string[]): LabelExpression {
    return new LabelExpression(key, 'In', values);
  }

  /** The label is absent, or its value is none of `values`. */
  public static valueNotIn(key: string, values: string[]): LabelExpression {
    return new LabelExpression(key, 'NotIn', values);
  }

  /** The label is present, whatever its value. */
  public static exists(key: string): LabelExpression {
    return new LabelExpression(key, 'Exists', undefined);
  }

  /** The label is absent. */
  public static doesNotExist(key: string): LabelExpression {
    return new LabelExpression(key, 'DoesNotExist', undefined);
  }

  private constructor(
    /** The label key. */
    public readonly key: string,
    private readonly op: string,
    private readonly vals: string[] | undefined,
  ) {}

  /** Canonical text, e.g. `tier In (api,web)`. */
  public toString(): string {
    return this.vals ? `${this.key} ${this.op} (${[...this.vals].sort().join(',')})` : `${this.op === 'Exists' ? '' : '!'}${this.key}`;
  }

  /**
   * The `matchExpressions` entry, with the problems Kubernetes would reject.
   * @internal
   */
  public _toKube(): { entry: { [key: string]: any }; problems: string[] } {
    const problems: string[] = [];
    const k = labelKeyProblem(this.key);
    if (k) problems.push(k);
    if (this.vals !== undefined && this.vals.length === 0) {
      problems.push(`expression "${this.key} ${this.op}" needs at least one value`);
    }
    for (const value of this.vals ?? []) {
      const v = labelValueProblem(value);
      if (v) problems.push(`${v} (expression on "${this.key}")`);
    }
    const entry: { [key: string]: any } = { key: this.key, operator: this.op };
    if (this.vals) entry.values = [...new Set(this.vals)].sort();
    return { entry, problems };
  }
}

/**
 * Labels and expressions that select pods.
 */
export interface PodSelectionOptions {
  /**
   * Labels the pods must carry (`matchLabels`).
   *
   * @default - no label requirement
   */
  readonly labels?: { [key: string]: string };
  /**
   * Set-based requirements (`matchExpressions`), ANDed with `labels`.
   *
   * @default - no expression
   */
  readonly expressions?: LabelExpression[];
}

/**
 * A resolved selection, as the renderers need it.
 * @internal
 */
export interface ResolvedSelection {
  readonly selector: { matchLabels?: { [key: string]: string }; matchExpressions?: any[] };
  /** The namespace the selected object lives in, when the selection comes from an object that has one. */
  readonly namespace?: string;
  /** Target ports of a Service, used as a flow's default ports. */
  readonly servicePorts?: Port[];
  /** Problems with the input; the receiving construct throws them with its path. */
  readonly problems: string[];
  /** True when the selection deliberately means every pod of the namespace. */
  readonly everyPod: boolean;
}

/**
 * Which pods a tier, an allow list or a DNS carve-out applies to: labels, a cdk8s-plus-28 workload or a Service.
 *
 * @example
 * PodSelection.labels({ app: 'backend' });
 * PodSelection.matching({ expressions: [LabelExpression.valueIn('tier', ['web', 'api'])] });
 */
export class PodSelection {
  /** Pods carrying all of these labels. */
  public static labels(labels: { [key: string]: string }): PodSelection {
    return new PodSelection(() => resolveLabels(labels, undefined), describeLabels(labels, undefined));
  }

  /** Pods matching labels and set-based expressions. */
  public static matching(options: PodSelectionOptions): PodSelection {
    return new PodSelection(
      () => resolveLabels(options.labels, options.expressions),
      describeLabels(options.labels, options.expressions),
    );
  }

  /**
   * The pods of a cdk8s-plus-28 workload or pod: Deployment, StatefulSet, DaemonSet, Job, Pod...
   * A workload's pods are the ones its own selector (`spec.selector`) selects: cdk8s-plus's generated
   * `cdk8s.io/metadata.addr` label by default, or the labels it was given with `select()`. A pod is selected by its
   * `cdk8s.io/metadata.addr` label. Its namespace, when set, is the tier's namespace.
   */
  public static workload(workload: kplus.IPodSelector): PodSelection {
    return new PodSelection(() => resolveWorkload(workload), `workload ${workload.node.path}`);
  }

  /**
   * The pods behind a cdk8s-plus-28 Service: its selector, and its target ports as the default ports of flows to it.
   */
  public static service(service: kplus.Service): PodSelection {
    return new PodSelection(() => resolveService(service), `service ${service.node.path}`);
  }

  /**
   * Every pod of the namespace, on purpose (an empty selector). Other factories reject an empty selector, because
   * it silently means "all pods".
   */
  public static allPods(): PodSelection {
    return new PodSelection(() => ({ selector: {}, problems: [], everyPod: true }), 'every pod');
  }

  private constructor(private readonly resolver: () => ResolvedSelection, private readonly description: string) {}

  /** A short human description, used in intent annotations and errors. */
  public toString(): string {
    return this.description;
  }

  /** @internal */
  public _resolve(): ResolvedSelection {
    return this.resolver();
  }
}

function describeLabels(labels?: { [key: string]: string }, expressions?: LabelExpression[]): string {
  const parts = Object.keys(labels ?? {})
    .sort()
    .map((k) => `${k}=${labels![k]}`);
  for (const e of expressions ?? []) parts.push(e.toString());
  return parts.length ? parts.join(',') : '(empty selector)';
}

function resolveLabels(labels?: { [key: string]: string }, expressions?: LabelExpression[]): ResolvedSelection {
  const problems: string[] = [];
  const matchLabels: { [key: string]: string } = {};
  for (const key of Object.keys(labels ?? {}).sort()) {
    const value = labels![key];
    const k = labelKeyProblem(key);
    if (k) problems.push(k);
    const v = labelValueProblem(value);
    if (v) problems.push(`${v} (key "${key}")`);
    matchLabels[key] = value;
  }
  const matchExpressions: any[] = [];
  for (const e of expressions ?? []) {
    const { entry, problems: p } = e._toKube();
    problems.push(...p);
    matchExpressions.push(entry);
  }
  matchExpressions.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  const selector: ResolvedSelection['selector'] = {};
  if (Object.keys(matchLabels).length) selector.matchLabels = matchLabels;
  if (matchExpressions.length) selector.matchExpressions = matchExpressions;
  if (!selector.matchLabels && !selector.matchExpressions) {
    problems.push(
      'the selector is empty, which would silently select every pod of the namespace: give labels, or use PodSelection.allPods() if every pod is meant',
    );
  }
  return { selector, problems, everyPod: false };
}

function resolveWorkload(workload: kplus.IPodSelector): ResolvedSelection {
  const own = workloadSelector(workload);
  if (own && !own.matchLabels && !own.matchExpressions) {
    const problem = `${workload.node.path} has no pod selector (select: false and no select() call): call select() with its pods' labels`;
    return { selector: {}, problems: [problem], everyPod: false };
  }
  const config = workload.toPodSelectorConfig();
  // `_toKube` is how cdk8s-plus itself renders a LabelSelector into NetworkPolicy peers.
  const kube = own ?? ((config.labelSelector as any)._toKube() as { matchLabels?: any; matchExpressions?: any[] });
  const expressions = (kube.matchExpressions ?? []).map((e) => expressionOf(e.key, e.operator, e.values));
  const resolved = resolveLabels(kube.matchLabels, expressions);
  const names = config.namespaces?.names ?? [];
  const problems = [...resolved.problems];
  if (config.namespaces?.labelSelector || names.length > 1) {
    problems.push(`${workload.node.path} selects pods across several namespaces: give one tier per namespace`);
  }
  return { ...resolved, problems, namespace: names[0] };
}

/**
 * A cdk8s-plus workload's own selector (its `spec.selector`): the pods Kubernetes counts as the workload's. By default
 * cdk8s-plus's generated `cdk8s.io/metadata.addr` label; the labels given to `select()` when the workload chooses its
 * own (e.g. `app: backend`). Undefined for pods and other selectors, which have no `spec.selector`.
 */
function workloadSelector(workload: kplus.IPodSelector): { matchLabels?: any; matchExpressions?: any[] } | undefined {
  const w = workload as any;
  if (typeof w.select !== 'function' || typeof w.matchLabels !== 'object' || !Array.isArray(w.matchExpressions)) {
    return undefined;
  }
  const matchLabels: { [key: string]: string } = w.matchLabels;
  const matchExpressions: any[] = w.matchExpressions;
  return {
    matchLabels: Object.keys(matchLabels).length ? matchLabels : undefined,
    matchExpressions: matchExpressions.length ? matchExpressions : undefined,
  };
}

function resolveService(service: kplus.Service): ResolvedSelection {
  const json = ApiObject.of(service).toJson();
  const selector = json.spec?.selector ?? {};
  const resolved = resolveLabels(selector, undefined);
  const problems = [...resolved.problems];
  if (Object.keys(selector).length === 0) {
    problems.push(`service ${service.node.path} has no pod selector: give it one (kplus Service "selector" or select())`);
  }
  const servicePorts: Port[] = [];
  for (const p of json.spec?.ports ?? []) {
    const protocol = (p.protocol ?? Protocol.TCP) as Protocol;
    const target = p.targetPort ?? p.port;
    if (typeof target === 'string' && !/^[0-9]+$/.test(target)) {
      const named = portNameProblem(target);
      if (named) problems.push(named);
      servicePorts.push(Port.named(target, protocol));
    } else {
      servicePorts.push(Port.of({ protocol, port: Number(target) }));
    }
  }
  return { ...resolved, problems, namespace: json.metadata?.namespace, servicePorts };
}

function expressionOf(key: string, operator: string, values: string[] | undefined): LabelExpression {
  switch (operator) {
    case 'In':
      return LabelExpression.valueIn(key, values ?? []);
    case 'NotIn':
      return LabelExpression.valueNotIn(key, values ?? []);
    case 'Exists':
      return LabelExpression.exists(key);
    default:
      return LabelExpression.doesNotExist(key);
  }
}
