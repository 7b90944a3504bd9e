/**
 * The boundary where constructs receive peers and ports: every value is checked here (a non-peer, a non-port, a named
 * port towards addresses...) so that render only ever sees valid input, and flows become grants on their owned ends.
 */
import { Construct, IConstruct } from 'constructs';
import { IntentRegistry } from '../intent/registry';
import { isPeer, IPeer, PeerSpec } from '../model/peer';
import { Port } from '../model/port';
import { throwIfProblems } from '../private/errors';
import { Grant } from '../render/intents';
import { normalizePorts } from '../render/policy';

/** A flow after checking: its two resolved ends and its ports. */
export interface CheckedFlow {
  readonly source: PeerSpec;
  readonly destination: PeerSpec;
  readonly ports: Port[];
}

/**
 * Resolves and checks one flow; problems are appended with `label` (e.g. `flow #2 (web -> api)`).
 * `requireOwned`: at least one end must be pods the app owns, or nothing could ever be written.
 */
export function checkFlow(
  scope: IConstruct,
  label: string,
  source: IPeer,
  destination: IPeer,
  ports: Port[] | undefined,
  problems: string[],
  portsChecked = false,
): CheckedFlow | undefined {
  const before = problems.length;
  const src = resolvePeer(scope, label, 'source', source, problems);
  const dst = resolvePeer(scope, label, 'destination', destination, problems);
  if (!src || !dst) return undefined;
  if (!src.owned && !dst.owned) {
    problems.push(
      `${label}: neither ${src.description} nor ${dst.description} is owned by this app, so no policy could be written for it: ` +
      'make one end a Tier (pods the app owns) or a ZeroTrustNamespace',
    );
  }
  const chosen = ports ?? dst.defaultPorts;
  if (ports !== undefined && !Array.isArray(ports)) {
    problems.push(`${label}: ports must be a list of Port values such as [Port.tcp(80)]`);
    return undefined;
  }
  if (!chosen || chosen.length === 0) {
    problems.push(`${label} has no ports: list them (e.g. [Port.tcp(80)]); to allow every port say so with Port.allTcp()`);
    return undefined;
  }
  // Ports are immutable values: checked once where the flow entered; at synthesis only the peers are read again.
  for (const port of portsChecked ? [] : chosen) {
    if (!(port instanceof Port)) {
      problems.push(`${label}: ${JSON.stringify(port)} is not a Port: use Port.tcp(80), Port.named('http')...`);
      continue;
    }
    for (const p of port._problems()) problems.push(`${label} port ${port}: ${p}`);
    if (dst.kind === 'addresses' && port.name !== undefined) {
      problems.push(`${label} port ${port}: a named port is resolved on destination pods, so it never matches addresses (${dst.description}): give the port number`);
    }
  }
  return problems.length === before ? { source: src, destination: dst, ports: chosen } : undefined;
}

/**
 * Resolves a peer value received by the construct `scope`, or reports that it is not one. Problems start with `label`
 * and `role` (e.g. `flow #2 (web -> api) source`), both left out when empty; the label is only built when there is a
 * problem. A construct used as a peer (a Tier, a ZeroTrustNamespace) must belong to the same App as `scope`: the
 * intents of one App are rendered together, so one from another App would leave half a flow, or none.
 */
export function resolvePeer(scope: IConstruct, label: string, role: string, peer: IPeer, problems: string[]): PeerSpec | undefined {
  const prefix = () => [label, role].filter((s) => s).join(' ');
  if (!isPeer(peer)) {
    problems.push(`${prefix()} ${JSON.stringify(peer) ?? String(peer)} is not a peer: use a Tier, a ZeroTrustNamespace or a Peer factory (Peer.cidr(...), Peer.pods(...)...)`);
    return undefined;
  }
  if (Construct.isConstruct(peer) && peer.node.root !== scope.node.root) {
    problems.push(
      `${prefix()} ${peer.node.path} belongs to another App than ${scope.node.path || 'this construct'}: the policies of one App are rendered ` +
      'together, so a construct of another App cannot be a flow end. Fix: create it in this App (or use a Peer value, e.g. Peer.pods(...), for pods another App owns)',
    );
    return undefined;
  }
  const spec = peer._peerSpec();
  for (const p of spec.problems) problems.push(`${prefix()} ${spec.description}: ${p}`);
  return spec;
}

/** The grants of a flow: ingress on an owned destination, egress on an owned source. */
export function grantsOf(flow: CheckedFlow, recordedBy?: string): Grant[] {
  const intent = `${flow.source.description} -> ${flow.destination.description} on ${normalizePorts(flow.ports).join(', ')}`;
  const grants: Grant[] = [];
  if (flow.destination.owned) grants.push({ owner: flow.destination.owned, direction: 'ingress', peer: flow.source, ports: flow.ports, intent, recordedBy });
  if (flow.source.owned) grants.push({ owner: flow.source.owned, direction: 'egress', peer: flow.destination, ports: flow.ports, intent, recordedBy });
  return grants;
}

/** A short text of a peer for labels, e.g. `web`. */
export function peerLabel(peer: IPeer): string {
  return isPeer(peer) ? peer.peerId : String(peer);
}

/** One flow as a construct received it (a `Flow` of a TierAccess, a Tier's `allowFrom`/`allowTo`). */
export interface FlowInput {
  readonly source: IPeer;
  readonly destination: IPeer;
  readonly ports?: Port[];
}

/**
 * The flows one construct records (a TierAccess's table, a Tier's `allowFrom` and `allowTo`): each is checked where it
 * enters, so an error names the construct and the flow; at synthesis the peers are read again (a workload may have
 * changed) and the flows become grants, merged with every other construct's on the same pods.
 */
export class FlowRecorder {
  private readonly flows: { flow: FlowInput; label: string }[] = [];

  constructor(private readonly owner: IConstruct) {}

  /** How many flows are recorded. */
  public get size(): number {
    return this.flows.length;
  }

  /**
   * Checks flows and records them; throws, naming the owner, when any is not valid (then none is recorded) or when
   * the app is already synthesized (the flows would be lost). `label` is e.g. `flow #3`.
   */
  public add(entries: { flow: FlowInput; label: string }[]): void {
    IntentRegistry.of(this.owner).checkOpen(this.owner);
    const problems: string[] = [];
    const labelled = entries.map(({ flow, label }) => ({
      flow,
      label: flow && typeof flow === 'object' ? `${label} (${peerLabel(flow.source)} -> ${peerLabel(flow.destination)})` : label,
    }));
    for (const { flow, label } of labelled) {
      if (!flow || typeof flow !== 'object') {
        problems.push(`${label} is not a flow: give { source, destination, ports }`);
        continue;
      }
      checkFlow(this.owner, label, flow.source, flow.destination, flow.ports, problems);
    }
    throwIfProblems(this.owner, problems);
    this.flows.push(...labelled);
  }

  /** The grants of the recorded flows, at synthesis; problems found then are appended to `problems`. */
  public grants(problems: string[]): Grant[] {
    return this.flows
      .map(({ flow, label }) => checkFlow(this.owner, label, flow.source, flow.destination, flow.ports, problems, true))
      .filter((f): f is CheckedFlow => f !== undefined)
      .flatMap((f) => grantsOf(f, this.owner.node.path));
  }
}
