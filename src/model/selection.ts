import { IConstruct } from 'constructs';
import { Port, Protocol } from './port';
import { LabelExpression, PodSelectionOptions, ResolvedSelection, resolveLabels } from './selector';
import { RawSelection, readWorkload } from '../interop/workload';
import { unknownKeyProblems } from '../private/keys';
import { portNameProblem } from '../private/labels';

/** Validates what interop read from a workload or Service into a selection (interop only reads). */
function resolveRaw(raw: RawSelection): ResolvedSelection {
  if (raw.problem !== undefined) return { selector: {}, description: '(invalid)', problems: [raw.problem], everyPod: false };
  const where = { ...(raw.namespace !== undefined ? { namespace: raw.namespace } : {}), ...(raw.origin !== undefined ? { origin: raw.origin } : {}) };
  if (raw.everyPod) return { selector: {}, description: 'every pod', problems: [], everyPod: true, ...where };
  const expressions = (raw.expressions ?? []).map((e) => LabelExpression._of(e.key, e.operator, e.values));
  const resolved = resolveLabels(raw.labels, expressions, raw.what ?? 'selector');
  if (raw.servicePorts === undefined) return { ...resolved, ...where };
  const problems = [...resolved.problems];
  const servicePorts: Port[] = [];
  for (const p of raw.servicePorts) {
    const protocol = (p.protocol ?? Protocol.TCP) as Protocol;
    if (typeof p.target === 'string' && !/^[0-9]+$/.test(p.target)) {
      const named = portNameProblem(p.target);
      if (named) problems.push(named);
      servicePorts.push(Port.named(p.target, protocol));
    } else {
      servicePorts.push(Port.of({ protocol, port: Number(p.target) }));
    }
  }
  return { ...resolved, problems, servicePorts, ...where };
}

/**
 * Which pods a tier, an allow list or a peer selects: labels, a workload, or a Service.
 *
 * @example
 * PodSelection.labels({ app: 'backend' });
 * PodSelection.matching({ expressions: [LabelExpression.valueIn('tier', ['web', 'api'])] });
 */
export class PodSelection {
  /** Pods carrying all of these labels. */
  public static labels(labels: { [key: string]: string }): PodSelection {
    return new PodSelection(() => resolveLabels(labels, undefined, 'pod selector'));
  }

  /** Pods matching labels and set-based expressions. */
  public static matching(options: PodSelectionOptions): PodSelection {
    return new PodSelection(() => {
      const resolved = resolveLabels(options?.labels, options?.expressions, 'pod selector');
      const keyProblems = unknownKeyProblems('PodSelectionOptions', options, 'PodSelection.matching() options');
      return keyProblems.length ? { ...resolved, problems: [...keyProblems, ...resolved.problems] } : resolved;
    });
  }

  /**
   * The pods of a workload, read from what it synthesizes: a Deployment, StatefulSet, DaemonSet, ReplicaSet or
   * ReplicationController by its `spec.selector`, a Job or CronJob by its pod template's labels, a Pod by its labels. Any cdk8s-plus workload
   * (of any major version) or plain cdk8s `ApiObject` works. Its namespace, when set, is the tier's namespace.
   *
   * The object is read when the app is synthesized, so `select()` calls made after this one count.
   */
  public static workload(workload: IConstruct): PodSelection {
    return new PodSelection(() => resolveRaw(readWorkload(workload, false)), true);
  }

  /**
   * The pods behind a Service (any cdk8s-plus major version, or a plain `ApiObject`): its selector, and its target
   * ports as the default ports of flows to it.
   */
  public static service(service: IConstruct): PodSelection {
    return new PodSelection(() => resolveRaw(readWorkload(service, true)), true);
  }

  /**
   * Every pod of the namespace, on purpose (an empty selector). Other factories reject an empty selector, because
   * it silently means "all pods".
   */
  public static allPods(): PodSelection {
    return new PodSelection(() => ({ selector: {}, description: 'every pod', problems: [], everyPod: true }));
  }

  private cached?: ResolvedSelection;

  /**
   * @param resolver computes the selection
   * @param dynamic read from another construct's synthesized object, which may change until synthesis (a later
   * `select()`): resolved again each time; other selections are immutable and resolved once
   */
  private constructor(private readonly resolver: () => ResolvedSelection, private readonly dynamic: boolean = false) {}

  /**
   * Whether the selection is read from another construct (and so may change until synthesis).
   * @internal
   */
  public get _dynamic(): boolean {
    return this.dynamic;
  }

  /** A short human description, used in intent annotations and errors. */
  public toString(): string {
    return this.resolver().description;
  }

  /** @internal */
  public _resolve(): ResolvedSelection {
    if (this.dynamic) return this.resolver();
    if (!this.cached) this.cached = this.resolver();
    return this.cached;
  }
}

