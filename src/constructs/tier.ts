import { Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { FlowRecorder } from './flows';
import { IntentRegistry } from '../intent/registry';
import { isServiceObject } from '../interop/workload';
import { IPeer, isSelection, OwnedGroup, ownedGroupKey, PeerSpec } from '../model/peer';
import { Port } from '../model/port';
import { PodSelection } from '../model/selection';
import { inputError, throwIfProblems } from '../private/errors';
import { unknownKeyProblems } from '../private/keys';
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
 * Options of `Tier.of`.
 */
export interface TierOfOptions {
  /**
   * The tier name: it names the tier's policy (`<name>-flows`).
   *
   * @default - the workload's construct id
   */
  readonly name?: string;
  /**
   * The tier's namespace, for a workload that does not set one.
   *
   * @default - the workload's namespace, else the chart's namespace
   */
  readonly namespaceName?: string;
  /**
   * Directions to isolate beyond what the namespace isolates.
   *
   * @default Isolation.NAMESPACE - isolated where a ZeroTrustNamespace of the app covers the namespace
   */
  readonly isolation?: Isolation;
}

/** The id of the tier `Tier.of` creates under a workload. */
const TIER_OF_ID = 'NetpolTier';

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
 * Flows are declared on the tier itself (`allowFrom`, `allowTo`, in the style of aws-cdk's `connections`), in a
 * `TierAccess` table, or both: they are recorded the same way and merged into the same policies.
 *
 * @example
 * const web = new Tier(this, 'web', { pods: PodSelection.labels({ app: 'web' }) });
 * web.allowFrom(Peer.ingressController(), Port.tcp(8080));
 */
export class Tier extends Construct implements IPeer {
  /**
   * The tier of a workload's pods, in one call: created on the first call as a child of the workload (so it needs no
   * id of its own), returned as it is by later calls. A Service's tier selects its pods and defaults a flow's ports
   * to the Service's target ports, as `PodSelection.service` does.
   *
   * @param workload a cdk8s-plus workload (Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod), a Service, or an
   *   ApiObject of one
   * @param options the tier name, namespace and isolation; on a later call, only the same values are accepted
   * @example
   * declare const webDeployment: Construct; // e.g. a cdk8s-plus Deployment
   * declare const apiDeployment: Construct;
   * const web = Tier.of(webDeployment);
   * const api = Tier.of(apiDeployment);
   * api.allowFrom(web, Port.tcp(8080));
   */
  public static of(workload: IConstruct, options: TierOfOptions = {}): Tier {
    if (!workload || typeof workload !== 'object' || !(workload as any).node) {
      throw new Error(`Tier.of(${JSON.stringify(workload)}): not a construct. Fix: pass a cdk8s-plus workload or Service, or an ApiObject`);
    }
    const keyProblems = unknownKeyProblems('TierOfOptions', options, 'Tier.of() options');
    if (keyProblems.length > 0) throwIfProblems(workload, keyProblems);
    const existing = workload.node.tryFindChild(TIER_OF_ID);
    if (existing instanceof Tier) {
      existing.checkSameOptions(options ?? {});
      return existing;
    }
    const name = options?.name ?? workload.node.id;
    if (options?.name === undefined && dns1123LabelProblem(name)) {
      const suggestion = name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 57) || 'tier';
      throw inputError(workload, `Tier.of(): the construct id "${name}" is not a DNS label, so it cannot name the tier and its policy`, `give a name: Tier.of(x, { name: '${suggestion}' })`);
    }
    const pods = isServiceObject(workload) ? PodSelection.service(workload) : PodSelection.workload(workload);
    const tier = new Tier(workload as Construct, TIER_OF_ID, {
      pods,
      name,
      namespaceName: options?.namespaceName,
      isolation: options?.isolation,
    });
    return tier;
  }

  /** The tier name. */
  public readonly tierName: string;
  /** The tier's namespace. */
  public readonly namespaceName: string;
  /** `tier <namespace>/<name>`. */
  public readonly peerId: string;
  private readonly pods: PodSelection;
  private readonly isolation: Isolation;
  private readonly flows: FlowRecorder;
  private spec?: PeerSpec;

  constructor(scope: Construct, id: string, props: TierProps) {
    super(scope, id);
    const problems: string[] = unknownKeyProblems('TierProps', props, 'props');
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
    this.flows = new FlowRecorder(this);
    IntentRegistry.of(this).record(this, () => {
      const spec = this._peerSpec();
      const late = [...spec.problems];
      return { groups: [spec.owned!], grants: this.flows.grants(late), problems: late };
    });
  }

  /**
   * Allows connections from a peer to the tier's pods, on the given ports. Recorded like a `TierAccess` flow
   * `{ source: peer, destination: this, ports }`, checked now and rendered at synthesis.
   *
   * @param peer where connections come from: another Tier, a ZeroTrustNamespace or a `Peer`
   * @param ports the tier's ports, named ports resolved on its pods; when none is given, a Service tier's target ports
   *   (any other tier needs ports)
   * @example
   * declare const web: Tier;
   * declare const api: Tier;
   * api.allowFrom(web, Port.tcp(8080));
   * api.allowFrom(Peer.prometheus(), Port.named('metrics'));
   */
  public allowFrom(peer: IPeer, ...ports: Port[]): void {
    this.flows.add([{ flow: { source: peer, destination: this, ports: ports.length > 0 ? ports : undefined }, label: `allowFrom #${this.flows.size + 1}` }]);
  }

  /**
   * Allows connections from the tier's pods to a peer, on the given ports. Recorded like a `TierAccess` flow
   * `{ source: this, destination: peer, ports }`, checked now and rendered at synthesis.
   *
   * @param peer where the pods connect: another Tier, a ZeroTrustNamespace or a `Peer`
   * @param ports the destination ports; when none is given, the peer's own (UDP/TCP 53 for `Peer.kubeDns()`, TCP 443 for
   *   `Peer.kubernetesApi()`, a Service tier's target ports), required for any other peer
   * @example
   * declare const api: Tier;
   * api.allowTo(Peer.cidr('198.51.100.0/24'), Port.tcp(443));
   */
  public allowTo(peer: IPeer, ...ports: Port[]): void {
    this.flows.add([{ flow: { source: this, destination: peer, ports: ports.length > 0 ? ports : undefined }, label: `allowTo #${this.flows.size + 1}` }]);
  }

  /** A later `Tier.of` call: options may only repeat what the tier already is. */
  private checkSameOptions(options: TierOfOptions): void {
    const has = { name: this.tierName, namespaceName: this.namespaceName, isolation: this.isolation };
    const differ = (['name', 'namespaceName', 'isolation'] as const)
      .filter((k) => options[k] !== undefined && options[k] !== has[k])
      .map((k) => `${k} ${JSON.stringify(options[k])}, but the tier has ${JSON.stringify(has[k])}`);
    if (differ.length > 0) {
      throw inputError(this, `Tier.of() was called again with other options (${differ.join('; ')})`, 'give the options on the first call only: later calls return the same tier');
    }
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
      key: ownedGroupKey(this.namespaceName, selection.selector),
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
