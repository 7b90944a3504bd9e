import { Construct } from 'constructs';
import { FlowRecorder } from './flows';
import { IntentRegistry } from '../intent/registry';
import { IPeer } from '../model/peer';
import { Port } from '../model/port';
import { throwIfProblems } from '../private/errors';

/**
 * A permitted connection from one peer to another. At least one end is owned by the app: a `Tier` or a
 * `ZeroTrustNamespace`.
 */
export interface Flow {
  /** The end that opens connections: a Tier, a ZeroTrustNamespace, or a `Peer` (e.g. `Peer.ingressController()`). */
  readonly source: IPeer;
  /** The end that accepts them: a Tier, a ZeroTrustNamespace, or a `Peer` (e.g. `Peer.cidr('203.0.113.0/24')`). */
  readonly destination: IPeer;
  /**
   * The destination ports. Named ports are resolved on the destination pods.
   *
   * @default - the destination's own ports: a Service tier's target ports, UDP/TCP 53 for `Peer.kubeDns()`, TCP 443
   * for `Peer.kubernetesApi()`; required for any other destination
   */
  readonly ports?: Port[];
}

/**
 * Props of `TierAccess`.
 */
export interface TierAccessProps {
  /**
   * The flows. More can be added with `addFlow`.
   *
   * @default - no flow
   */
  readonly flows?: Flow[];
}

/**
 * Declared flows between tiers, namespaces, platform components and address blocks.
 *
 * Each flow is written on its owned ends only: an ingress allowance on an owned destination, an egress allowance on
 * an owned source, each in the direction that the app isolates (a ZeroTrustNamespace, or a Tier's `isolation`).
 * Nothing is ever written for pods the app does not own, and an allowance never isolates a direction by itself.
 * All flows of an app on the same pods end in one policy per tier (`<tier>-flows`), rendered at synthesis.
 *
 * Like a `Tier`, it is an ordinary construct of the tree: its flows are rendered into policies of the chart at
 * synthesis, and `node.addDependency` on it, or a lint suppression on it or on a construct that contains it, reaches
 * those policies.
 *
 * @example
 * const web = new Tier(this, 'web', { pods: PodSelection.labels({ app: 'web' }) });
 * const api = new Tier(this, 'api', { pods: PodSelection.labels({ app: 'api' }) });
 * new TierAccess(this, 'flows', {
 *   flows: [
 *     { source: Peer.ingressController(), destination: web, ports: [Port.tcp(8080)] },
 *     { source: web, destination: api, ports: [Port.tcp(8080)] },
 *     { source: api, destination: Peer.cidr('198.51.100.0/24'), ports: [Port.tcp(443)] },
 *   ],
 * });
 */
export class TierAccess extends Construct {
  private readonly flows: FlowRecorder;

  constructor(scope: Construct, id: string, props: TierAccessProps = {}) {
    super(scope, id);
    this.flows = new FlowRecorder(this);
    const flows = props?.flows ?? [];
    if (!Array.isArray(flows)) throwIfProblems(this, ['"flows" must be a list of flows'], 'give flows: [{ source, destination, ports }]');
    this.flows.add(flows.map((flow, i) => ({ flow, label: `flow #${i + 1}` })));
    IntentRegistry.of(this).record(this, () => {
      const problems: string[] = [];
      return { grants: this.flows.grants(problems), problems };
    });
  }

  /**
   * Adds a flow; it is checked now and rendered with the others at synthesis.
   */
  public addFlow(flow: Flow): void {
    this.flows.add([{ flow, label: `flow #${this.flows.size + 1}` }]);
  }
}
