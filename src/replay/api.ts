/**
 * The public result of a replay (`Reachability.replay`, `cdk8s-netpol replay`): jsii-friendly structs.
 */

/** One connection seen in the recorded flows, and what the candidate policies say of it. */
export interface ReplayConnection {
  /** `namespace/pod` for a pod of the input, else the IP exactly as the flow gives it. */
  readonly source: string;
  /** As `source`. */
  readonly destination: string;
  /** `TCP`, `UDP` or `SCTP`. */
  readonly protocol: string;
  /** The responder's port. */
  readonly port: number;
  /**
   * `allowed` or `denied` under the candidate policies, or `undecidable` (an end is a node, a host-network pod or a
   * reserved identity: see `reason`).
   */
  readonly verdict: string;
  /** Why the verdict is undecidable. */
  readonly reason?: string;
  /** True when the connection worked when it was recorded (FORWARDED, REDIRECTED, AUDIT or TRACED). */
  readonly worked: boolean;
  /** True when a policy dropped it when it was recorded. */
  readonly dropped: boolean;
  /** How many flow lines name it. */
  readonly flows: number;
  /** The earliest `time` of those lines, when they give one. */
  readonly firstSeen?: string;
  /** The latest `time` of those lines. */
  readonly lastSeen?: string;
  /** For an address end: the DNS names the flows saw for it (`source_names`, `destination_names`), sorted, at most 10. */
  readonly sourceNames?: string[];
  /** As `sourceNames`, for the destination. */
  readonly destinationNames?: string[];
  /** For a denied connection: which policies isolate each side, and the side no rule allows (the `explain` text). */
  readonly explanation?: string;
}

/** A connection the candidate policies allow between two observed pods that no flow used. */
export interface ReplayUnobserved {
  readonly source: string;
  readonly destination: string;
  readonly protocol: string;
  readonly port: number;
}

/** Lines that named no connection, by reason. */
export interface ReplaySkipped {
  readonly reason: string;
  readonly lines: number;
}

/** What the recording can and cannot vouch for. */
export interface ReplayCoverage {
  /** Lines read. */
  readonly lines: number;
  /** The earliest time in the flows, when they give one. */
  readonly firstTime?: string;
  /** The latest time in the flows. */
  readonly lastTime?: string;
  /** Nodes that reported flows (`node_name`, without the cluster prefix Hubble Relay adds), sorted. */
  readonly nodesReporting: string[];
  /** Nodes of the input (Node objects) that reported nothing: no evidence from them. Sorted. */
  readonly nodesSilent: string[];
  /** Pods and workloads of the input that appear in no connection (a CronJob that did not run in the window). Sorted. */
  readonly neverSeen: string[];
  /** Lines skipped, by reason, most first. */
  readonly skipped: ReplaySkipped[];
}

/** The replay of recorded flows against candidate policies. */
export interface ReplayReport {
  /** Connections that worked when recorded and that the candidate policies deny. */
  readonly breaks: ReplayConnection[];
  /** Every observed connection, sorted by source, destination, protocol and port. */
  readonly connections: ReplayConnection[];
  /** Allowed and never used, between pods that appear in a decidable observed connection, on their declared ports. */
  readonly unobserved: ReplayUnobserved[];
  readonly coverage: ReplayCoverage;
}
