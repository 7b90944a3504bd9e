/**
 * The address space outside the cluster, cut into the blocks that the ipBlocks of the input tell apart.
 *
 * CIDRs are either nested or disjoint, so all the CIDRs of the input (every `cidr` and every `except`) form a tree
 * under the root of each family (`0.0.0.0/0`, `::/0`). Each node stands for its addresses minus those of its
 * children: every address of such a region is in exactly the same ipBlocks, so one region is one end for the
 * analysis. A region is named by its CIDR, plus ` except ...` for the children cut out of it.
 */
import { Cidr, cidrContainsCidr, IpAddress, parseCidr } from '../private/cidr';
import { Cluster, IpBlockPeer } from '../semantics/model';

export interface ExternalRegion {
  /** `203.0.113.0/24`, or `0.0.0.0/0 except 10.0.0.0/8`. */
  readonly id: string;
  readonly node: Cidr;
  readonly children: readonly Cidr[];
}

/** Every CIDR an ipBlock of the cluster names (cidr and except entries), and every ClusterNetworkPolicy network. */
export function ipBlockCidrs(cluster: Cluster): Cidr[] {
  const out: Cidr[] = [];
  for (const p of cluster.policies) {
    for (const rule of [...p.ingress, ...p.egress]) {
      for (const peer of rule.peers ?? []) {
        if (peer.ipBlock) out.push(peer.ipBlock.cidr, ...peer.ipBlock.except);
      }
    }
  }
  // ClusterNetworkPolicy networks peers cut the outside too.
  for (const p of cluster.clusterPolicies ?? []) {
    for (const rule of p.egress) for (const peer of rule.peers) out.push(...(peer.networks ?? []));
  }
  return out;
}

function compareCidr(a: Cidr, b: Cidr): number {
  if (a.family !== b.family) return a.family - b.family;
  if (a.network !== b.network) return a.network < b.network ? -1 : 1;
  return a.prefix - b.prefix;
}

/**
 * The regions for a set of CIDRs, in canonical order (IPv4 first, by address, wider first). IPv4's root is always
 * there (the internet); IPv6's only when some CIDR is IPv6.
 */
export function externalRegions(cidrs: readonly Cidr[]): ExternalRegion[] {
  const unique = new Map<string, Cidr>();
  unique.set('0.0.0.0/0', parseCidr('0.0.0.0/0')!);
  if (cidrs.some((c) => c.family === 6)) unique.set('::/0', parseCidr('::/0')!);
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
  return sorted.map((node) => {
    const kids = children.get(node)!;
    return { id: kids.length === 0 ? node.text : `${node.text} except ${kids.map((k) => k.text).join(',')}`, node, children: kids };
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

/** One address of a region (its node minus its children), or `undefined` when the children cover the node. */
export function regionAddress(region: ExternalRegion): IpAddress | undefined {
  const node = region.node;
  const bits = node.family === 4 ? 32 : 128;
  const last = node.network + (1n << BigInt(bits - node.prefix)) - 1n;
  let candidate = node.network;
  // Direct children are disjoint; in address order, skip each one that starts at the candidate.
  for (const child of [...region.children].sort((x, y) => (x.network < y.network ? -1 : x.network > y.network ? 1 : 0))) {
    if (child.network > candidate) break;
    const childLast = child.network + (1n << BigInt(bits - child.prefix)) - 1n;
    if (childLast >= candidate) candidate = childLast + 1n;
  }
  return candidate <= last ? { family: node.family, value: candidate } : undefined;
}
