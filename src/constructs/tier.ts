import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { IntentRegistry } from '../intent/registry';
import { IPeer, isSelection, OwnedGroup, PeerSpec } from '../model/peer';
import { PodSelection } from '../model/selection';
import { inputError, throwIfProblems } from '../private/errors';
import { canonicalJson } from '../private/json';
import { dns1123LabelProblem } from '../private/labels';

/**
 * Which directions of a tier's pods are isolated: only declared flows get through an isolated direction.
 */
export enum Isolation {
  /**
   * As the namespace is: both directions isolated where a ZeroTrustNamespace of the app covers the namespace, none
   * elsewhere (flows then need no policy, and none is written).
   */
  NAMESPACE = 'NAMESPACE',
  /** Ingress isolated even outside a ZeroTrustNamespace: only declared sources reach the pods. */
  INGRESS = 'INGRESS',
  /** Egress isolated even outside a ZeroTrustNamespace: only declared destinations, plus the cluster DNS. */
  EGRESS = 'EGRESS',
  /** Both directions isolated even outside a ZeroTrustNamespace. */
  INGRESS_AND_EGRESS = 'INGRESS_AND_EGRESS',
}

/**
 * Props of `Tier`.
 */
export interface TierProps {
  /** The tier's pods: labels, a workload or a Service. */
  readonly pods: PodSelection;
  /**
   * The tier name: it names the tier's policy (`<name>-flows`) and stands for the tier in intent annotations.
   *
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The tier's namespace.
   *
   * @default - the workload's namespace when `pods` is a workload or Service that has one, else the chart's namespace
   */
  readonly namespaceName?: string;
  /**
   * Directions to isolate beyond what the namespace isolates.
   *
   * @default Isolation.NAMESPACE - isolated where a ZeroTrustNamespace of the app covers the namespace
   */
  readonly isolation?: Isolation;
}

/**
 * A group of pods the app owns, usable as either end of a flow.
 *
 * A tier emits nothing by itself. Flows that name it (in a `TierAccess`, an `EgressAllowList`) are written into one
 * policy, `<name>-flows`, in the tier's namespace, for the directions that are isolated. Several constructs' flows
 * on tiers that select the same pods in the same namespace end in that one policy.
 *
 * A tier is an ordinary construct of the tree: objects added under it synthesize, its validations run, and
 * `node.addDependency` on it (either way) also orders the policies that carry its flows, which are rendered into its
 * chart at synthesis. A lint suppression on it, or on a construct that contains it, reaches those policies.
 *
 * @example
 * const web = new Tier(this, 'web', { pods: PodSelection.labels({ app: 'web' }) });
 */
export class Tier extends Construct implements IPeer {
  /** The tier name. */
  public readonly tierName: string;
  /** The tier's namespace. */
  public readonly namespaceName: string;
  /** `tier <namespace>/<name>`. */
  public readonly peerId: string;
  private readonly pods: PodSelection;
  private readonly isolation: Isolation;
  private spec?: PeerSpec;

  constructor(scope: Construct, id: string, props: TierProps) {
    super(scope, id);
    const problems: string[] = [];
    this.tierName = props?.name ?? id;
    const nameProblem = typeof this.tierName === 'string' ? dns1123LabelProblem(this.tierName) : 'must be a string';
    if (nameProblem) problems.push(`tier name ${nameProblem}`);
    else if (this.tierName.length > 63 - '-flows'.length) problems.push(`tier name "${this.tierName}" is too long for its policy name "${this.tierName}-flows" (at most 57 characters)`);
    if (!props || !isSelection(props.pods)) {
      throw inputError(this, '"pods" is not a PodSelection', 'give pods: PodSelection.labels({...}), PodSelection.workload(deployment) or PodSelection.service(svc)');
    }
    this.pods = props.pods;
    const isolation = props.isolation ?? Isolation.NAMESPACE;
    if (!Object.values(Isolation).includes(isolation)) {
      problems.push(`isolation ${JSON.stringify(isolation)} is not one of ${Object.values(Isolation).join(', ')}`);
    }
    this.isolation = isolation;
    const selection = this.pods._resolve();
    problems.push(...selection.problems);
    if (props.namespaceName !== undefined && selection.namespace !== undefined && props.namespaceName !== selection.namespace) {
      problems.push(`namespaceName is "${props.namespaceName}" but ${selection.origin ?? selection.description} lives in "${selection.namespace}"`);
    }
    const namespace = props.namespaceName ?? selection.namespace ?? Chart.of(this).namespace;
    if (namespace === undefined) {
      problems.push('no namespace is known for the tier: set "namespaceName", or create the chart with a "namespace"');
    } else if (typeof namespace !== 'string' || dns1123LabelProblem(namespace)) {
      problems.push(`namespace ${dns1123LabelProblem(namespace) ?? 'must be a string'}`);
    }
    throwIfProblems(this, problems);
    this.namespaceName = namespace!;
    this.peerId = `tier ${this.namespaceName}/${this.tierName}`;
    IntentRegistry.of(this).record(this, () => {
      const spec = this._peerSpec();
      return { groups: [spec.owned!], problems: spec.problems };
    });
  }

  /** @internal */
  public _peerSpec(): PeerSpec {
    // Immutable unless the pods are read from another construct (a workload whose select() may come later).
    if (this.spec && !this.pods._dynamic) return this.spec;
    this.spec = this.computeSpec();
    return this.spec;
  }

  private computeSpec(): PeerSpec {
    const selection = this.pods._resolve();
    const owned: OwnedGroup = {
      key: `${this.namespaceName}/${canonicalJson(selection.selector)}`,
      namespace: this.namespaceName,
      selector: selection.selector,
      nameHint: `${this.tierName}-flows`,
      label: `tier ${this.tierName}`,
      nameRank: 0,
      ownerPath: this.node.path,
      isolate: {
        ingress: this.isolation === Isolation.INGRESS || this.isolation === Isolation.INGRESS_AND_EGRESS,
        egress: this.isolation === Isolation.EGRESS || this.isolation === Isolation.INGRESS_AND_EGRESS,
      },
    };
    return {
      kind: 'pods',
      namespace: this.namespaceName,
      podSelector: selection.selector,
      defaultPorts: selection.servicePorts,
      owned,
      description: this.tierName,
      problems: selection.problems,
    };
  }
}
