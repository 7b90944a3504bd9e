/**
 * The public structs of the analyses (connection sets and diffs): jsii-friendly values, snapshot-friendly text.
 */
import { Protocol } from '../model/port';

/**
 * An inclusive range of port numbers.
 */
export interface PortRange {
  /** The first port (1-65535). */
  readonly first: number;
  /** The last port, inclusive (equal to `first` for one port). */
  readonly last: number;
}

/**
 * The ports of one protocol that a connection may use: sorted, merged, inclusive ranges.
 */
export interface AllowedPorts {
  /** The protocol. */
  readonly protocol: Protocol;
  /** Sorted, merged ranges; `[{first: 1, last: 65535}]` for every port. */
  readonly ranges: PortRange[];
}

/**
 * Everything one end may open to another: every protocol and port allowed from a source to a destination.
 */
export interface Connection {
  /** `namespace/name` of a pod or workload, or a block of addresses outside the cluster (e.g. `0.0.0.0/0 except 10.0.0.0/8`). */
  readonly source: string;
  /** `namespace/name` of a pod or workload, or a block of addresses outside the cluster. */
  readonly destination: string;
  /** The allowed ports, per protocol (TCP, UDP, SCTP order). */
  readonly allowed: AllowedPorts[];
  /** `a/b -> c/d: TCP/80,8000-8080 UDP/53` (`*` for every port): one line for snapshots. */
  readonly text: string;
  /**
   * When the source is a stand-in: where its peer is written (a pod the input does not hold, built from a peer), or
   * `declared in ...` (a pod of the input annotated `cdk8s-netpol.dev/stand-in`).
   */
  readonly sourceStandIn?: string;
  /** When the destination is a stand-in: as `sourceStandIn`. */
  readonly destinationStandIn?: string;
}

/**
 * Ports of one protocol between two ends that one input allows and the other does not.
 */
export interface ConnectionChange {
  /** The source end, named as in `Connection`. */
  readonly source: string;
  /** The destination end, named as in `Connection`. */
  readonly destination: string;
  /** The protocol. */
  readonly protocol: Protocol;
  /** The ports added (or removed). */
  readonly ranges: PortRange[];
  /**
   * For an added connection: the rules of the newer input that allow it, one line per side, e.g.
   * `ingress of shop/db: NetworkPolicy shop/db spec.ingress[1] (construct "app/db/policy")` (free text from the input, such as the construct
   * annotation, quoted and escaped); empty for removals.
   */
  readonly openedBy: string[];
  /** `a/b -> c/d: TCP/5432`: one line for snapshots. */
  readonly text: string;
}


/**
 * A pod or workload whose connections cannot be decided offline, and why.
 */
export interface UndecidableEndpoint {
  /** `namespace/name` of the pod or workload. */
  readonly endpoint: string;
  /** Why, e.g. it uses the host network, where upstream leaves NetworkPolicy behaviour undefined. */
  readonly reason: string;
}

/**
 * A stand-in: a pod the input does not hold, built from a peer that its policies name (an ingress controller, DNS,
 * Prometheus), so that the connections with it are listed, named by the labels it was given
 * (`ingress-nginx/stand-in[app.kubernetes.io/name=ingress-nginx]`); or a pod of the input declared as one with the
 * `cdk8s-netpol.dev/stand-in` annotation.
 */
export interface StandInEndpoint {
  /** `namespace/name` of the stand-in. */
  readonly endpoint: string;
  /**
   * A stand-in built from a peer: where the peer (or policy subject) is written, e.g.
   * `NetworkPolicy shop/web spec.ingress[0].from[0]`.
   */
  readonly peer?: string;
  /**
   * A pod or workload of the input annotated `cdk8s-netpol.dev/stand-in`: where, and what it stands for
   * (`declared in pods.yaml:3 (document 1): "Kafka brokers"`).
   */
  readonly declared?: string;
}
