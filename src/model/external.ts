import { Port } from './port';

/**
 * An external destination: an IPv4 or IPv6 range, minus exceptions, on some ports.
 */
export interface ExternalDestination {
  /** The range, e.g. `203.0.113.0/24` or `2001:db8::/64`. Host bits must be zero. */
  readonly cidr: string;
  /**
   * Ranges inside `cidr` that stay denied (the NetworkPolicy `except` field).
   *
   * @default - no exception
   */
  readonly exceptions?: string[];
  /** The destination ports. To allow every port, say so: `Port.allTcp()`. */
  readonly ports: Port[];
}
