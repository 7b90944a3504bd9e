import { unknownKeyProblems } from '../private/keys';
import { portNameProblem, portNumberProblem } from '../private/labels';

/**
 * A network protocol a NetworkPolicy port can name.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/#NetworkPolicySpec
 */
export enum Protocol {
  /** Transmission Control Protocol (the Kubernetes default). */
  TCP = 'TCP',
  /** User Datagram Protocol. */
  UDP = 'UDP',
  /** Stream Control Transmission Protocol. */
  SCTP = 'SCTP',
}

/**
 * Options to build any port with `Port.of`.
 */
export interface PortOptions {
  /**
   * The protocol.
   *
   * @default Protocol.TCP
   */
  readonly protocol?: Protocol;

  /**
   * A port number (1-65535), the start of a range when `endPort` is set.
   *
   * @default - every port of the protocol, unless `name` is set
   */
  readonly port?: number;

  /**
   * The last port of a range `port..endPort` (inclusive). Needs a numeric `port`.
   *
   * @default - a single port
   */
  readonly endPort?: number;

  /**
   * A named container port (IANA_SVC_NAME), resolved on the destination pod. Exclusive with `port`.
   *
   * @default - a numeric port or every port
   */
  readonly name?: string;
}

/**
 * A port (or port range, or named port) of one protocol: a small immutable value.
 *
 * Factories never throw: a port's problems (out of range, `endPort` below `port`, a named port with a range...) are
 * reported by the construct that receives it, with that construct's path.
 *
 * @example
 * Port.tcp(5432);
 * Port.tcpRange(8000, 8080);
 * Port.named('metrics');
 * Port.DNS_UDP;
 */
export class Port {
  /** DNS over UDP (53). */
  public static readonly DNS_UDP = Port.udp(53);
  /** DNS over TCP (53). */
  public static readonly DNS_TCP = Port.tcp(53);

  /** A single TCP port. */
  public static tcp(port: number): Port {
    return new Port(Protocol.TCP, port, undefined, undefined);
  }

  /** A single UDP port. */
  public static udp(port: number): Port {
    return new Port(Protocol.UDP, port, undefined, undefined);
  }

  /** A single SCTP port. */
  public static sctp(port: number): Port {
    return new Port(Protocol.SCTP, port, undefined, undefined);
  }

  /** The TCP ports `start..end`, inclusive. */
  public static tcpRange(start: number, end: number): Port {
    return new Port(Protocol.TCP, start, end, undefined);
  }

  /** The UDP ports `start..end`, inclusive. */
  public static udpRange(start: number, end: number): Port {
    return new Port(Protocol.UDP, start, end, undefined);
  }

  /** The SCTP ports `start..end`, inclusive. */
  public static sctpRange(start: number, end: number): Port {
    return new Port(Protocol.SCTP, start, end, undefined);
  }

  /**
   * A named container port, resolved on each destination pod (cdk8s-plus-28 takes numbers only).
   *
   * @param name the container port name (IANA_SVC_NAME, e.g. `http`)
   * @param protocol the protocol the destination declares the name for; default TCP
   */
  public static named(name: string, protocol?: Protocol): Port {
    return new Port(protocol ?? Protocol.TCP, undefined, undefined, name);
  }

  /** Every TCP port (the port is left out: Kubernetes rejects `port: 0`). */
  public static allTcp(): Port {
    return new Port(Protocol.TCP, undefined, undefined, undefined);
  }

  /** Every UDP port. */
  public static allUdp(): Port {
    return new Port(Protocol.UDP, undefined, undefined, undefined);
  }

  /** Every SCTP port. */
  public static allSctp(): Port {
    return new Port(Protocol.SCTP, undefined, undefined, undefined);
  }

  /** Any port from its parts. */
  public static of(options: PortOptions): Port {
    const port = new Port(options?.protocol ?? Protocol.TCP, options?.port, options?.endPort, options?.name);
    port.keyProblems = unknownKeyProblems('PortOptions', options, 'Port.of options');
    return port;
  }

  /** The protocol. */
  public readonly protocol: Protocol;
  /** The port number, or first port of the range; undefined for a named port or every port. */
  public readonly number?: number;
  /** The last port of the range, if this is a range. */
  public readonly endPort?: number;
  /** The container port name, if this is a named port. */
  public readonly name?: string;
  /** The canonical text, built on first use. */
  private text?: string;
  /** Unknown keys given to `Port.of`, reported by the construct that receives the port. */
  private keyProblems: string[] = [];

  private constructor(protocol: Protocol, port: number | undefined, endPort: number | undefined, name: string | undefined) {
    this.protocol = protocol;
    this.number = port;
    this.endPort = endPort;
    this.name = name;
  }

  /** True when this value covers every port of its protocol. */
  public get isAllPorts(): boolean {
    return this.number === undefined && this.name === undefined;
  }

  /**
   * Canonical text and stable id: `TCP/80`, `TCP/8000-8080`, `TCP/http`, `UDP/*`.
   */
  public toString(): string {
    // Render keys and sorts ports by this text, so it is built once (a Port never changes).
    if (this.text === undefined) this.text = this.computeText();
    return this.text;
  }

  private computeText(): string {
    let what: string;
    if (this.name !== undefined) what = this.name;
    else if (this.number === undefined) what = '*';
    else if (this.endPort !== undefined && this.endPort !== this.number) what = `${this.number}-${this.endPort}`;
    else what = `${this.number}`;
    return `${this.protocol}/${what}`;
  }

  /**
   * Why Kubernetes would reject this port, or an empty list.
   * @internal
   */
  public _problems(): string[] {
    const problems: string[] = [...this.keyProblems];
    if (!Object.values(Protocol).includes(this.protocol)) {
      problems.push(`protocol "${this.protocol}" is not one of TCP, UDP, SCTP`);
    }
    if (this.name !== undefined) {
      const p = portNameProblem(this.name);
      if (p) problems.push(p);
      if (this.number !== undefined) problems.push(`port ${this} sets both a number and a name: use one`);
      if (this.endPort !== undefined) {
        problems.push(`endPort ${this.endPort} cannot be used with the named port "${this.name}": a range needs a numeric port`);
      }
      return problems;
    }
    if (this.number !== undefined) {
      const p = portNumberProblem(this.number);
      if (p) problems.push(p);
    }
    if (this.endPort !== undefined) {
      if (this.number === undefined) {
        problems.push(`endPort ${this.endPort} needs a numeric start port`);
      } else {
        const p = portNumberProblem(this.endPort);
        if (p) {problems.push(`endPort: ${p}`);} else if (this.endPort < this.number) {
          problems.push(`endPort ${this.endPort} is below port ${this.number}: use Port.tcpRange(${Math.min(this.number, this.endPort)}, ${Math.max(this.number, this.endPort)})`);
        }
      }
    }
    return problems;
  }

  /**
   * The NetworkPolicyPort JSON. "Every port" leaves `port` out; a one-port range is a single port.
   * @internal
   */
  public _toKube(): { [key: string]: any } {
    const out: { [key: string]: any } = { protocol: this.protocol };
    if (this.name !== undefined) out.port = this.name;
    else if (this.number !== undefined) out.port = this.number;
    if (this.endPort !== undefined && this.endPort !== this.number) out.endPort = this.endPort;
    return out;
  }
}
