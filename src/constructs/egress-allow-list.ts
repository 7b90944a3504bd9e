import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { CheckedFlow, checkFlow, grantsOf, peerLabel } from './flows';
import { IntentRegistry } from '../intent/registry';
import { IPeer, isSelection, OwnedGroup, ownedGroupKey, PeerSpec } from '../model/peer';
import { Port } from '../model/port';
import { PodSelection } from '../model/selection';
import { inputError, throwIfProblems } from '../private/errors';
import { unknownKeyProblems } from '../private/keys';
import { dns1123LabelProblem } from '../private/labels';

/**
 * One destination of an egress allow list: a peer and its ports.
 */
export interface EgressDestination {
  /** Where the pods may connect: `Peer.cidr(...)`, `Peer.kubernetesApi([...])`, `Peer.namespace(...)`, a Tier... */
  readonly peer: IPeer;
  /**
   * The destination ports.
   *
   * @default - the peer's own ports (TCP 443 for `Peer.kubernetesApi()`, UDP/TCP 53 for `Peer.kubeDns()`); required
   * for any other peer
   */
  readonly ports?: Port[];
}

/**
 * Props of `EgressAllowList`.
 */
export interface EgressAllowListProps {
  /** The pods whose egress is listed: pods the app owns. */
  readonly pods: PodSelection;
  /** The only destinations the pods may reach, besides the cluster DNS and what other flows allow. */
  readonly destinations: EgressDestination[];
  /**
   * The namespace of the pods.
   *
   * @default - the workload's namespace when `pods` is a workload that has one, else the chart's namespace
   */
  readonly namespaceName?: string;
  /**
   * The policy name, when the pods are not a tier (a tier's policy keeps its `<tier>-flows` name). A name given here
   * is used as given: when another policy of the app in the namespace would have it too, synthesis fails.
   *
   * @default - the construct id (suffixed with a short hash of the selector if a tier's policy already has that name)
   */
  readonly policyName?: string;
}

/**
 * The only destinations selected pods may reach: their egress is isolated, on purpose, even outside a
 * ZeroTrustNamespace, and DNS keeps working.
 *
 * Outside a ZeroTrustNamespace, the policy also allows the cluster DNS (`Peer.kubeDns()`); inside one, the namespace's
 * default-deny already does. When the pods are also a `Tier`, the destinations are listed in the tier's policy.
 *
 * Like a `Tier`, it is an ordinary construct of the tree: its flows are rendered into policies of the chart at
 * synthesis, and `node.addDependency` on it, or a lint suppression on it or on a construct that contains it, reaches
 * those policies.
 *
 * @example
 * new EgressAllowList(this, 'backend-external', {
 *   namespaceName: 'secure-app',
 *   pods: PodSelection.labels({ app: 'backend' }),
 *   destinations: [{ peer: Peer.cidr('203.0.113.0/24'), ports: [Port.tcp(443)] }],
 * });
 */
export class EgressAllowList extends Construct implements IPeer {
  /** `egress allow list <namespace>/<policy name>`. */
  public readonly peerId: string;
  /** The namespace of the pods. */
  public readonly namespaceName: string;
  private readonly pods: PodSelection;
  private readonly policyName: string;
  private readonly explicitName: boolean;
  private spec?: PeerSpec;

  constructor(scope: Construct, id: string, props: EgressAllowListProps) {
    super(scope, id);
    if (!props || !isSelection(props.pods)) {
      throw inputError(this, '"pods" is not a PodSelection', 'give pods: PodSelection.labels({...}) or PodSelection.workload(deployment)');
    }
    const problems: string[] = unknownKeyProblems('EgressAllowListProps', props, 'props');
    const selection = props.pods._resolve();
    problems.push(...selection.problems.map((p) => `pods: ${p}`));
    if (props.namespaceName !== undefined && selection.namespace !== undefined && props.namespaceName !== selection.namespace) {
      problems.push(`namespaceName is "${props.namespaceName}" but ${selection.origin ?? selection.description} lives in "${selection.namespace}"`);
    }
    const namespace = props.namespaceName ?? selection.namespace ?? Chart.of(this).namespace;
    if (namespace === undefined) problems.push('no namespace is known for the pods: set "namespaceName", or create the chart with a "namespace"');
    else if (dns1123LabelProblem(namespace)) problems.push(`namespace ${dns1123LabelProblem(namespace)}`);
    const policyName = props.policyName ?? id;
    const nameProblem = dns1123LabelProblem(policyName);
    if (nameProblem) problems.push(`policy name ${nameProblem}: set "policyName" to a DNS label such as "backend-external"`);
    const destinations = Array.isArray(props.destinations) ? props.destinations : [];
    if (destinations.length === 0) {
      problems.push('no destination is given, which would deny all egress but DNS while reading as an allow list: list the destinations');
    }
    throwIfProblems(this, problems);
    this.pods = props.pods;
    this.namespaceName = namespace!;
    this.policyName = policyName;
    this.explicitName = props.policyName !== undefined;
    this.peerId = `egress allow list ${this.namespaceName}/${policyName}`;

    const check = (into: string[], portsChecked: boolean) => destinations
      .map((d, i) => {
        const label = `destination #${i + 1} (${d && typeof d === 'object' ? peerLabel(d.peer) : JSON.stringify(d)})`;
        if (!d || typeof d !== 'object') {
          into.push(`${label} is not a destination: give { peer, ports }`);
          return undefined;
        }
        if (!portsChecked) into.push(...unknownKeyProblems('EgressDestination', d, label));
        return checkFlow(this, label, this, d.peer, d.ports, into, portsChecked);
      })
      .filter((f): f is CheckedFlow => f !== undefined);
    check(problems, false);
    throwIfProblems(this, problems);

    IntentRegistry.of(this).record(this, () => {
      const late: string[] = [];
      const flows = check(late, true);
      return { groups: [this._peerSpec().owned!], grants: flows.flatMap((f) => grantsOf(f, this.node.path)), problems: late };
    });
  }

  /** @internal */
  public _peerSpec(): PeerSpec {
    // Each destination's check reads it: computed once, unless the pods are read from a workload (which may change).
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
      nameHint: this.policyName,
      label: `egress allow list ${this.policyName}`,
      nameRank: 1,
      ...(this.explicitName ? { explicitName: true } : {}),
      ownerPath: this.node.path,
      isolate: { ingress: false, egress: true },
    };
    return {
      kind: 'pods',
      namespace: this.namespaceName,
      podSelector: selection.selector,
      owned,
      description: selection.description,
      problems: selection.problems,
    };
  }
}
