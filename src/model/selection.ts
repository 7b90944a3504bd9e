import { IConstruct } from 'constructs';
import { PodSelectionOptions, ResolvedSelection, resolveLabels } from './selector';
import { readWorkload } from '../interop/workload';

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
    return new PodSelection(() => resolveLabels(options?.labels, options?.expressions, 'pod selector'));
  }

  /**
   * The pods of a workload, read from what it synthesizes: a Deployment, StatefulSet, DaemonSet, ReplicaSet or
   * ReplicationController by its `spec.selector`, a Job or CronJob by its pod template's labels, a Pod by its labels. Any cdk8s-plus workload
   * (of any major version) or plain cdk8s `ApiObject` works. Its namespace, when set, is the tier's namespace.
   *
   * The object is read when the app is synthesized, so `select()` calls made after this one count.
   */
  public static workload(workload: IConstruct): PodSelection {
    return new PodSelection(() => readWorkload(workload, false), true);
  }

  /**
   * The pods behind a Service (any cdk8s-plus major version, or a plain `ApiObject`): its selector, and its target
   * ports as the default ports of flows to it.
   */
  public static service(service: IConstruct): PodSelection {
    return new PodSelection(() => readWorkload(service, true), true);
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

