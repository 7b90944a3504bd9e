/**
 * Peers as endpoints, for the test helpers: the pods of the input that a peer selects, or, when the input holds none,
 * a stand-in pod built from the peer itself (labels that satisfy its selectors, in a namespace that matches), so that
 * flows to and from pods the app does not contain (an ingress controller, Prometheus) can be checked without writing
 * them by hand. An address block stands for one address inside it that none of its exceptions contains.
 */
import { Cluster, Endpoint, Labels, Selector } from './model';
import { parseSelector, selectorMatches } from './selector';
import { planStandIns, StandIn } from './stand-ins';
import { PeerSpec } from '../model/peer';
import { cidrContainsIp, formatIp, parseCidr } from '../private/cidr';
import { NAMESPACE_NAME_LABEL } from '../private/k8s';

/** What a peer stands for: endpoints of the cluster, an address, or a stand-in to add. */
export interface PeerEnds {
  readonly endpointIds: string[];
  readonly addresses: string[];
  /** The stand-in pod (and its namespace) to add, when the input holds no pod of the peer. */
  readonly standIn?: StandIn;
}

export function peerEnds(cluster: Cluster, spec: PeerSpec): PeerEnds {
  if (spec.problems.length) throw new Error(`invalid peer ${spec.description}: ${spec.problems.join('; ')}`);
  if (spec.kind === 'addresses') {
    return { endpointIds: [], addresses: (spec.blocks ?? []).map((b) => addressIn(b.cidr, b.exceptions)) };
  }
  const nsSelector = spec.namespaceSelector ? parse(spec.namespaceSelector) : undefined;
  const podSelector = spec.kind === 'pods' ? parse(spec.podSelector ?? {}) : undefined;
  const inNamespace = (e: Endpoint): boolean => {
    if (spec.namespace !== undefined) return e.namespace === spec.namespace;
    const ns = cluster.namespaces.get(e.namespace);
    const labels: Labels = ns?.labels ?? new Map([[NAMESPACE_NAME_LABEL, e.namespace]]);
    return selectorMatches(nsSelector!, labels);
  };
  const matching = cluster.endpoints.filter((e) => inNamespace(e) && (!podSelector || selectorMatches(podSelector, e.labels)));
  if (matching.length > 0) return { endpointIds: matching.map((e) => e.id), addresses: [] };

  // No pod of the input: a stand-in.
  const request = {
    ...(spec.namespace !== undefined ? { namespace: spec.namespace } : { namespaceSelector: nsSelector }),
    podSelector: podSelector ?? parse({}),
    where: spec.description,
  };
  const [standIn] = planStandIns([cluster], [request]);
  if (!standIn) throw new Error(`no pod can match ${spec.description}: its selectors contradict each other or the labels of its namespace`);
  return { endpointIds: [], addresses: [], standIn };
}

function parse(raw: object): Selector {
  const problems: string[] = [];
  const s = parseSelector(raw, 'selector', (p, m) => problems.push(`${p}: ${m}`));
  if (!s) throw new Error(`cdk8s-netpol bug: a peer selector does not parse: ${problems.join('; ')}`);
  return s;
}

/** An address in `cidr` outside every exception: the first of network+1, network, the last address. */
function addressIn(cidrText: string, exceptions: string[]): string {
  const cidr = parseCidr(cidrText)!;
  const bits = cidr.family === 4 ? 32 : 128;
  const size = 1n << BigInt(bits - cidr.prefix);
  const excepted = exceptions.map((e) => parseCidr(e)!);
  const candidates = [cidr.network + (size > 1n ? 1n : 0n), cidr.network, cidr.network + size - 1n, cidr.network + size / 2n];
  for (const value of candidates) {
    const ip = { family: cidr.family, value };
    if (!excepted.some((e) => cidrContainsIp(e, ip))) return formatIp(cidr.family, value);
  }
  throw new Error(`no address of ${cidrText} is outside its exceptions ${exceptions.join(', ')}`);
}
