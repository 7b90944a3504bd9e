/**
 * The address space outside the cluster, cut into the blocks that the ipBlocks of the input tell apart.
 *
 * CIDRs are either nested or disjoint, so all the CIDRs of the input (every `cidr` and every `except`) form a tree
 * under the root of each family. Both roots, `0.0.0.0/0` and `::/0`, are always there: a pod reaches or is reached by
 * IPv6 addresses whether or not a policy names one. Each node stands for its addresses minus those of its children:
 * every address of such a region is in exactly the same ipBlocks, so one region is one end for the analysis. A node
 * whose children cover it holds no address and is no region. The regions partition both address spaces exactly, so
 * a set of regions is an exact set of addresses, and two inputs cut by the same CIDRs compare address by address.
 *
 * A region is named by its addresses alone (the smallest CIDR that holds them, plus ` except ...` for the fewest
 * CIDRs of the rest): the same addresses get the same name whatever CIDRs cut them out.
 */
import {
  AddressRange, Cidr, cidrContainsCidr, cidrLast, cidrMinus, enclosingCidr, familyRoot, hostCidr, IpAddress, rangeCidrs,
} from '../private/cidr';
import { Cluster, IpBlockPeer } from '../semantics/model';

export interface ExternalRegion {
  /** `203.0.113.0/24`, or `0.0.0.0/0 except 10.0.0.0/8`. */
  readonly id: string;
  readonly node: Cidr;
  readonly children: readonly Cidr[];
  /** Its addresses (the node minus its children): sorted, disjoint, never empty. */
  readonly ranges: readonly AddressRange[];
}

/**
 * Every CIDR an ipBlock of the cluster names (cidr and except entries), every ClusterNetworkPolicy network, and the
 * IPs of the Nodes of the input when a `nodes` peer is there.
 */
export function ipBlockCidrs(cluster: Cluster): Cidr[] {
  const out: Cidr[] = [];
  for (const p of cluster.policies) {
    for (const rule of [...p.ingress, ...p.egress]) {
      for (const peer of rule.peers ?? []) {
        if (peer.ipBlock) out.push(peer.ipBlock.cidr, ...peer.ipBlock.except);
      }
    }
  }
  // ClusterNetworkPolicy networks peers cut the outside too, and so do the IPs of the input's Nodes when a nodes peer
  // may match them: each node IP is a region of its own.
  let nodesPeer = false;
  for (const p of cluster.clusterPolicies ?? []) {
    for (const rule of p.egress) {
      for (const peer of rule.peers) {
        out.push(...(peer.networks ?? []));
        if (peer.nodes) nodesPeer = true;
      }
    }
  }
  if (nodesPeer) for (const n of cluster.nodes ?? []) for (const ip of n.ips) out.push(hostCidr(ip));
  return out;
}

function compareCidr(a: Cidr, b: Cidr): number {
  if (a.family !== b.family) return a.family - b.family;
  if (a.network !== b.network) return a.network < b.network ? -1 : 1;
  return a.prefix - b.prefix;
}

/** `2001:db8::/32`, or `0.0.0.0/0 except 10.0.0.0/8,192.168.0.0/16`: a name that depends on the addresses only. */
function nameOf(ranges: readonly AddressRange[]): string {
  const family = ranges[0].family;
  const outer = enclosingCidr({ family, first: ranges[0].first, last: ranges[ranges.length - 1].last });
  const gaps: Cidr[] = [];
  let next = outer.network;
  for (const r of ranges) {
    if (r.first > next) gaps.push(...rangeCidrs({ family, first: next, last: r.first - 1n }));
    next = r.last + 1n;
  }
  const end = cidrLast(outer);
  if (next <= end) gaps.push(...rangeCidrs({ family, first: next, last: end }));
  return gaps.length === 0 ? outer.text : `${outer.text} except ${gaps.map((g) => g.text).join(',')}`;
}

/**
 * The regions for a set of CIDRs, in canonical order (IPv4 first, then IPv6; by the address of the node that cuts
 * them, wider first). Both families' roots are always there; nodes that hold no address of their own are left out.
 */
export function externalRegions(cidrs: readonly Cidr[]): ExternalRegion[] {
  const unique = new Map<string, Cidr>();
  for (const root of [familyRoot(4), familyRoot(6)]) unique.set(root.text, root);
  for (const c of cidrs) unique.set(c.text, c);
  const sorted = [...unique.values()].sort(compareCidr);
  // Sorted by address then prefix, a node's parent is the nearest enclosing CIDR on the stack.
  const children = new Map<Cidr, Cidr[]>(sorted.map((c) => [c, []]));
  const stack: Cidr[] = [];
  for (const c of sorted) {
    while (stack.length > 0 && !cidrContainsCidr(stack[stack.length - 1], c)) stack.pop();
    if (stack.length > 0) children.get(stack[stack.length - 1])!.push(c);
    stack.push(c);
  }
  return sorted.flatMap((node) => {
    const kids = children.get(node)!;
    const ranges = cidrMinus(node, kids);
    return ranges.length === 0 ? [] : [{ id: nameOf(ranges), node, children: kids, ranges }];
  });
}

/**
 * True when every address of the region is in the ipBlock. Because the CIDRs are nested or disjoint and the
 * region's node is one of them, the region is inside the block exactly when its node is inside the block's cidr and
 * inside none of its excepts (an except strictly inside the node lies within one of the node's children).
 */
export function regionInBlock(region: ExternalRegion, block: IpBlockPeer): boolean {
  return cidrContainsCidr(block.cidr, region.node) && !block.except.some((e) => cidrContainsCidr(e, region.node));
}

/** One address of a region: its first. */
export function regionAddress(region: ExternalRegion): IpAddress {
  return { family: region.node.family, value: region.ranges[0].first };
}
