import { Port } from './port';
import { labelKeyProblem, labelValueProblem } from '../private/labels';

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

  /**
   * A `matchExpressions` entry read from a synthesized object.
   * @internal
   */
  public static _of(key: string, operator: string, values: string[] | undefined): LabelExpression {
    return new LabelExpression(key, operator, values);
  }

  private constructor(
    /** The label key. */
    public readonly key: string,
    private readonly op: string,
    private readonly vals: string[] | undefined,
  ) {}

  /** Canonical text, e.g. `tier In (api,web)`. */
  public toString(): string {
    if (this.op === 'Exists') return `${this.key}`;
    if (this.op === 'DoesNotExist') return `!${this.key}`;
    return `${this.key} ${this.op} (${[...(this.vals ?? [])].map(String).sort().join(',')})`;
  }

  /**
   * The `matchExpressions` entry, with the problems Kubernetes would reject.
   * @internal
   */
  public _toKube(): { entry: { [key: string]: any }; problems: string[] } {
    const problems: string[] = [];
    const k = labelKeyProblem(this.key);
    if (k) problems.push(k);
    if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(this.op)) {
      problems.push(`expression on "${this.key}" has the operator ${JSON.stringify(this.op)}: use In, NotIn, Exists or DoesNotExist`);
    }
    if (this.vals !== undefined && !Array.isArray(this.vals)) {
      problems.push(`expression "${this.key} ${this.op}" needs a list of values`);
      return { entry: { key: this.key, operator: this.op }, problems };
    }
    if ((this.op === 'In' || this.op === 'NotIn') && (this.vals === undefined || this.vals.length === 0)) {
      problems.push(`expression "${this.key} ${this.op}" needs at least one value`);
    }
    for (const value of this.vals ?? []) {
      const v = labelValueProblem(value);
      if (v) problems.push(`${v} (expression on "${this.key}")`);
    }
    const entry: { [key: string]: any } = { key: this.key, operator: this.op };
    if (this.vals && this.vals.length) entry.values = [...new Set(this.vals)].sort();
    return { entry, problems };
  }
}

/**
 * Labels and set-based expressions: a label selector for pods or namespaces.
 */
export interface LabelSelectorOptions {
  /**
   * Labels the objects must carry (`matchLabels`).
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
 * Labels and expressions that select pods.
 */
export interface PodSelectionOptions extends LabelSelectorOptions {}

/**
 * A Kubernetes label selector in canonical form (keys sorted, expressions sorted, values sorted and unique).
 * @internal
 */
export interface Selector {
  readonly matchLabels?: { [key: string]: string };
  readonly matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/**
 * A resolved selection, as the renderers need it.
 * @internal
 */
export interface ResolvedSelection {
  readonly selector: Selector;
  /** Canonical text of the selector, e.g. `app=web` or `every pod`. */
  readonly description: string;
  /** The object the selection was read from, e.g. `workload shop/web-deployment`, for messages. */
  readonly origin?: string;
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
 * Validates labels and expressions into a canonical selector. An empty selector is a problem: say `allPods()`.
 * @internal
 */
export function resolveLabels(
  labels: { [key: string]: string } | undefined,
  expressions: LabelExpression[] | undefined,
  what: string,
): ResolvedSelection {
  const problems: string[] = [];
  const matchLabels: { [key: string]: string } = {};
  if (labels !== undefined && (labels === null || typeof labels !== 'object' || Array.isArray(labels))) {
    problems.push(`${what}: labels must be a map of label keys to values, got ${JSON.stringify(labels)}`);
  } else {
    for (const key of Object.keys(labels ?? {}).sort()) {
      const value = labels![key];
      const k = labelKeyProblem(key);
      if (k) problems.push(k);
      const v = labelValueProblem(value);
      if (v) problems.push(`${v} (key "${key}")`);
      matchLabels[key] = value;
    }
  }
  const matchExpressions: any[] = [];
  if (expressions !== undefined && !Array.isArray(expressions)) {
    problems.push(`${what}: expressions must be a list of LabelExpression`);
  } else {
    for (const e of expressions ?? []) {
      if (!(e instanceof LabelExpression)) {
        problems.push(`${what}: ${JSON.stringify(e)} is not a LabelExpression: use LabelExpression.valueIn(...) and friends`);
        continue;
      }
      const { entry, problems: p } = e._toKube();
      problems.push(...p);
      matchExpressions.push(entry);
    }
  }
  const byKey = new Map<string, any>();
  for (const e of matchExpressions) byKey.set(JSON.stringify(e), e);
  const sortedExpressions = [...byKey.keys()].sort().map((k) => byKey.get(k));
  const selector: { matchLabels?: any; matchExpressions?: any[] } = {};
  if (Object.keys(matchLabels).length) selector.matchLabels = matchLabels;
  if (sortedExpressions.length) selector.matchExpressions = sortedExpressions;
  if (!selector.matchLabels && !selector.matchExpressions && problems.length === 0) {
    problems.push(
      `${what} is empty, which would silently select everything in the namespace: give labels, or use PodSelection.allPods() if every pod is meant`,
    );
  }
  return { selector, description: describeSelector(selector), problems, everyPod: false };
}

/**
 * Validates a label selector given as options (e.g. for namespaces).
 * @internal
 */
export function resolveSelectorOptions(options: LabelSelectorOptions, what: string): ResolvedSelection {
  if (options === null || typeof options !== 'object') {
    return { selector: {}, description: '(invalid)', problems: [`${what} must be { labels, expressions }`], everyPod: false };
  }
  return resolveLabels(options.labels, options.expressions, what);
}

/**
 * Canonical text of a selector: `app=web,tier In (a,b),!canary`; `every pod` for the empty selector.
 * @internal
 */
export function describeSelector(selector: Selector): string {
  const parts = Object.keys(selector.matchLabels ?? {})
    .sort()
    .map((k) => `${k}=${selector.matchLabels![k]}`);
  const expressions = (selector.matchExpressions ?? []).map((e) => LabelExpression._of(e.key, e.operator, e.values).toString());
  parts.push(...expressions.sort());
  return parts.length ? parts.join(',') : 'every pod';
}

/**
 * Whether a canonical selector matches a set of labels (the empty selector matches everything).
 * @internal
 */
export function selectorMatchesLabels(selector: Selector, labels: { [key: string]: string }): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const v = labels[e.key];
    if (e.operator === 'In' && !(has && (e.values ?? []).includes(v))) return false;
    if (e.operator === 'NotIn' && has && (e.values ?? []).includes(v)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}
