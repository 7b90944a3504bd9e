import { Port } from './port';
import { PodSelection } from './selection';
import { parseCidr } from '../private/cidr';
import { Json, podPeer } from '../private/k8s';

/**
 * Where DNS lookups go, for pods under a default-deny egress policy.
 */
export interface DnsPodsOptions {
  /** The namespace of the DNS pods. */
  readonly namespaceName: string;
  /** How the DNS pods are selected. */
  readonly pods: PodSelection;
  /**
   * The DNS ports.
   *
   * @default [Port.DNS_UDP, Port.DNS_TCP]
   */
  readonly ports?: Port[];
}

/**
 * The DNS carve-out of a default-deny egress policy. Without it, every lookup of a Service name fails.
 *
 * @example
 * DnsAccess.kubeDns(); // kube-system pods labelled k8s-app=kube-dns, UDP and TCP 53
 * DnsAccess.cidrs(['169.254.20.10/32']); // NodeLocal DNSCache
 * DnsAccess.disabled(); // explicit: no DNS
 */
export class DnsAccess {
  /** The cluster DNS as kubeadm, EKS, GKE and AKS deploy it: pods `k8s-app: kube-dns` in `kube-system`, UDP/TCP 53. */
  public static kubeDns(): DnsAccess {
    return DnsAccess.pods({ namespaceName: 'kube-system', pods: PodSelection.labels({ 'k8s-app': 'kube-dns' }) });
  }

  /** DNS served by pods you select. */
  public static pods(options: DnsPodsOptions): DnsAccess {
    return new DnsAccess(
      'pods',
      options.ports ?? [Port.DNS_UDP, Port.DNS_TCP],
      options.namespaceName,
      options.pods,
      [],
    );
  }

  /** DNS served at IP ranges outside the pod network (e.g. NodeLocal DNSCache at `169.254.20.10/32`). */
  public static cidrs(cidrs: string[], ports?: Port[]): DnsAccess {
    return new DnsAccess('cidrs', ports ?? [Port.DNS_UDP, Port.DNS_TCP], undefined, undefined, cidrs);
  }

  /** No DNS carve-out: pods under default-deny egress cannot resolve names. Explicit on purpose. */
  public static disabled(): DnsAccess {
    return new DnsAccess('disabled', [], undefined, undefined, []);
  }

  private constructor(
    private readonly kind: 'pods' | 'cidrs' | 'disabled',
    private readonly ports: Port[],
    private readonly namespace: string | undefined,
    private readonly selection: PodSelection | undefined,
    private readonly cidrList: string[],
  ) {}

  /** A short description for intent annotations. */
  public toString(): string {
    switch (this.kind) {
      case 'disabled':
        return 'no DNS';
      case 'cidrs':
        return `DNS at ${this.cidrList.join(', ')} on ${this.ports.join(', ')}`;
      default:
        return `DNS at ${this.namespace}/${this.selection} on ${this.ports.join(', ')}`;
    }
  }

  /**
   * The egress rule, or undefined when disabled, with the problems of the input.
   * @internal
   */
  public _rule(policyNamespace: string): { rule?: Json; problems: string[] } {
    if (this.kind === 'disabled') return { problems: [] };
    const problems = this.ports.flatMap((p) => p._problems().map((x) => `DNS port ${p}: ${x}`));
    if (this.ports.length === 0) problems.push('DNS access needs at least one port');
    let peers: Json[];
    if (this.kind === 'cidrs') {
      if (this.cidrList.length === 0) problems.push('DnsAccess.cidrs() needs at least one CIDR');
      peers = this.cidrList.map((c) => {
        const parsed = parseCidr(c);
        if (!parsed) problems.push(`DNS CIDR "${c}" is not a valid CIDR (e.g. "169.254.20.10/32")`);
        else if (parsed.hostBitsSet) problems.push(`DNS CIDR "${c}" has host bits set: write "${parsed.text}" or a /32`);
        return { ipBlock: { cidr: parsed?.text ?? c } };
      });
    } else {
      const resolved = this.selection!._resolve();
      problems.push(...resolved.problems.map((p) => `DNS pods: ${p}`));
      peers = [podPeer(resolved.selector, this.namespace!, policyNamespace)];
    }
    return { rule: { to: peers, ports: this.ports.map((p) => p._toKube()) }, problems };
  }
}
