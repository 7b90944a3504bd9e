/**
 * IPv4/IPv6 address and CIDR parsing shared by the constructs (construct-time validation) and the
 * semantics engine (ipBlock matching). Addresses are held as bigints so both families share one code path.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/#NetworkPolicySpec
 */

import { TextCache } from './cache';

export type IpFamily = 4 | 6;

export interface IpAddress {
  readonly family: IpFamily;
  readonly value: bigint;
}

export interface Cidr {
  readonly family: IpFamily;
  /** Network address (host bits cleared). */
  readonly network: bigint;
  readonly prefix: number;
  /** True when the text had host bits set (e.g. `10.0.0.1/24`): the API server masks them. */
  readonly hostBitsSet: boolean;
  /** Canonical text, e.g. `10.0.0.0/24`, `2001:db8::/32`. */
  readonly text: string;
}

function bitsOf(family: IpFamily): number {
  return family === 4 ? 32 : 128;
}

function parseIpv4(text: string, sloppy = false): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    // Leading zeros are ambiguous (octal in some parsers) and rejected by Go's net.ParseIP; the API server's
    // "sloppy" parser for legacy fields reads them as decimal.
    if (!(sloppy ? /^[0-9]{1,10}$/ : /^(0|[1-9][0-9]{0,2})$/).test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  if (text.length === 0 || text.includes(':::')) return undefined;
  const doubleColon = text.split('::');
  if (doubleColon.length > 2) return undefined;
  const groupsOf = (s: string): string[] => (s === '' ? [] : s.split(':'));
  let head = groupsOf(doubleColon[0]);
  let tail = doubleColon.length === 2 ? groupsOf(doubleColon[1]) : [];
  const all = [...head, ...tail];
  // An embedded IPv4 address may stand in the last two groups.
  let embedded: bigint | undefined;
  const last = all[all.length - 1];
  if (last !== undefined && last.includes('.')) {
    embedded = parseIpv4(last);
    if (embedded === undefined) return undefined;
    if (tail.length > 0) tail = tail.slice(0, -1);
    else head = head.slice(0, -1);
  }
  const hexGroups = [...head, ...tail];
  for (const g of hexGroups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
  }
  const groupCount = hexGroups.length + (embedded !== undefined ? 2 : 0);
  if (doubleColon.length === 2) {
    if (groupCount > 7) return undefined;
  } else if (groupCount !== 8) {
    return undefined;
  }
  const missing = 8 - groupCount;
  const groups: bigint[] = [
    ...head.map((g) => BigInt(parseInt(g, 16))),
    ...Array<bigint>(doubleColon.length === 2 ? missing : 0).fill(0n),
    ...tail.map((g) => BigInt(parseInt(g, 16))),
  ];
  let value = 0n;
  for (const g of groups) value = (value << 16n) | g;
  if (embedded !== undefined) value = (value << 32n) | embedded;
  return value;
}

/** Parses an IPv4 or IPv6 address; `undefined` when the text is not one. */
export function parseIp(text: string): IpAddress | undefined {
  if (typeof text !== 'string') return undefined;
  if (text.includes(':')) {
    const value = parseIpv6(text);
    return value === undefined ? undefined : { family: 6, value };
  }
  const value = parseIpv4(text);
  return value === undefined ? undefined : { family: 4, value };
}

export function formatIp(family: IpFamily, value: bigint): string {
  if (family === 4) {
    return [24n, 16n, 8n, 0n].map((s) => ((value >> s) & 255n).toString()).join('.');
  }
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((value >> BigInt(i * 16)) & 0xffffn));
  // RFC 5952: compress the longest run (length >= 2) of zero groups, the first one on ties.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/**
 * Parses `address/prefix`; `undefined` when malformed (the prefix is required).
 *
 * `sloppy` reads as the API server reads NetworkPolicy CIDRs (netutils.ParseCIDRSloppy): leading zeros in IPv4
 * octets and in the prefix length are decimal (`010.0.0.0/08` is `10.0.0.0/8`).
 *
 * @see https://github.com/kubernetes/utils/blob/master/net/parse.go
 */
export function parseCidr(text: string, sloppy = false): Cidr | undefined {
  if (typeof text !== 'string') return undefined;
  return (sloppy ? SLOPPY_PARSED : PARSED).get(text, () => parseCidrUncached(text, sloppy));
}

const PARSED = new TextCache<Cidr | undefined>();
const SLOPPY_PARSED = new TextCache<Cidr | undefined>();

function parseCidrUncached(text: string, sloppy: boolean): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const address = text.slice(0, slash);
  const ip = sloppy && !address.includes(':')
    ? (() => {
      const value = parseIpv4(address, true);
      return value === undefined ? undefined : { family: 4 as IpFamily, value };
    })()
    : parseIp(address);
  const prefixText = text.slice(slash + 1);
  if (!ip || !(sloppy ? /^[0-9]{1,10}$/ : /^(0|[1-9][0-9]{0,2})$/).test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  const bits = bitsOf(ip.family);
  if (prefix > bits) return undefined;
  const mask = prefixMask(ip.family, prefix);
  const network = ip.value & mask;
  return {
    family: ip.family,
    network,
    prefix,
    hostBitsSet: network !== ip.value,
    text: `${formatIp(ip.family, network)}/${prefix}`,
  };
}

function prefixMask(family: IpFamily, prefix: number): bigint {
  const bits = BigInt(bitsOf(family));
  const all = (1n << bits) - 1n;
  return prefix === 0 ? 0n : (all >> (bits - BigInt(prefix))) << (bits - BigInt(prefix));
}

/** The last address of a CIDR. */
export function cidrLast(cidr: Cidr): bigint {
  return cidr.network + (1n << BigInt(bitsOf(cidr.family) - cidr.prefix)) - 1n;
}

/** The whole address space of a family: `0.0.0.0/0` or `::/0`. */
export function familyRoot(family: IpFamily): Cidr {
  return parseCidr(family === 4 ? '0.0.0.0/0' : '::/0')!;
}

/** The CIDR of one address: `10.0.0.5/32`, `2001:db8::5/128`. */
export function hostCidr(ip: IpAddress): Cidr {
  return cidrOf(ip.family, ip.value, bitsOf(ip.family));
}

/** An inclusive range of addresses of one family. */
export interface AddressRange {
  readonly family: IpFamily;
  readonly first: bigint;
  readonly last: bigint;
}

function cidrOf(family: IpFamily, network: bigint, prefix: number): Cidr {
  return parseCidr(`${formatIp(family, network)}/${prefix}`)!;
}

/** The addresses of `cidr` outside every CIDR of `cut`, as sorted, disjoint, non-adjacent ranges (empty when covered). */
export function cidrMinus(cidr: Cidr, cut: readonly Cidr[]): AddressRange[] {
  const last = cidrLast(cidr);
  const holes = cut.filter((c) => cidrsOverlap(cidr, c)).map((c) => ({ first: c.network, last: cidrLast(c) }))
    .sort((x, y) => (x.first < y.first ? -1 : x.first > y.first ? 1 : 0));
  const out: AddressRange[] = [];
  let next = cidr.network;
  for (const h of holes) {
    if (h.first > next) out.push({ family: cidr.family, first: next, last: h.first - 1n });
    if (h.last + 1n > next) next = h.last + 1n;
  }
  if (next <= last) out.push({ family: cidr.family, first: next, last });
  return out;
}

/** The smallest CIDR that holds every address of the range. */
export function enclosingCidr(range: AddressRange): Cidr {
  const bits = bitsOf(range.family);
  const differing = (range.first ^ range.last).toString(2).length - (range.first === range.last ? 1 : 0);
  const prefix = bits - differing;
  return cidrOf(range.family, range.first & prefixMask(range.family, prefix), prefix);
}

/** The fewest CIDRs that together hold exactly the addresses of the range, in address order. */
export function rangeCidrs(range: AddressRange): Cidr[] {
  const bits = bitsOf(range.family);
  const out: Cidr[] = [];
  let first = range.first;
  while (first <= range.last) {
    // The widest block aligned at `first` that ends within the range.
    let size = 0;
    while (size < bits && (first & ((1n << BigInt(size + 1)) - 1n)) === 0n && first + (1n << BigInt(size + 1)) - 1n <= range.last) size++;
    out.push(cidrOf(range.family, first, bits - size));
    first += 1n << BigInt(size);
  }
  return out;
}

/** True when `address` lies inside `cidr` (same family only). */
export function cidrContainsIp(cidr: Cidr, address: IpAddress): boolean {
  return cidr.family === address.family && (address.value & prefixMask(cidr.family, cidr.prefix)) === cidr.network;
}

/** True when `inner` is inside `outer` (equal counts as inside). */
export function cidrContainsCidr(outer: Cidr, inner: Cidr): boolean {
  return (
    outer.family === inner.family &&
    inner.prefix >= outer.prefix &&
    (inner.network & prefixMask(outer.family, outer.prefix)) === outer.network
  );
}

/** True when `inner` is a strict subset of `outer`, which is what the API server requires of `except`. */
export function cidrStrictlyContains(outer: Cidr, inner: Cidr): boolean {
  return cidrContainsCidr(outer, inner) && inner.prefix > outer.prefix;
}

/** True when the two ranges share at least one address. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return cidrContainsCidr(a, b) || cidrContainsCidr(b, a);
}

const IPV4_MAPPED = parseCidr('::ffff:0:0/96')!;

/**
 * True for a range inside `::ffff:0:0/96` (IPv4-mapped IPv6, e.g. `::ffff:10.0.0.0/104`): network plugins disagree on
 * whether it matches IPv4 traffic, so the constructs refuse it and ask for the IPv4 block.
 */
export function isIpv4MappedIpv6(cidr: Cidr): boolean {
  return cidr.family === 6 && cidrContainsCidr(IPV4_MAPPED, cidr);
}

/**
 * The IPv4 block an IPv4-mapped IPv6 CIDR of prefix 96 or more denotes (`::ffff:10.1.0.0/112` is `10.1.0.0/16`), as
 * Go's net.ParseCIDR reads it (a 4-in-6 address, the mask's last 32 bits); `undefined` for any other CIDR.
 */
export function mappedIpv4(cidr: Cidr): Cidr | undefined {
  if (!isIpv4MappedIpv6(cidr) || cidr.prefix < 96) return undefined;
  const v4 = cidr.network & 0xffffffffn;
  return parseCidr(`${formatIp(4, v4)}/${cidr.prefix - 96}`);
}

/**
 * The block an `except` most likely means when, written with host bits set, it is not strictly inside `outer` as the
 * API server reads it (masked: `198.51.100.128/24` is `198.51.100.0/24`, the cidr itself): the largest block that
 * starts at the written address and lies strictly inside `outer`, i.e. the shortest prefix longer than outer's at
 * which the address is aligned (`198.51.100.128/25`; `198.51.100.64` gives `/26`). When the masked block is strictly
 * inside already, that is the answer (`10.1.2.3/16` in `10.0.0.0/8` is `10.1.0.0/16`). `undefined` when the address
 * is not inside `outer` at all, or the text is no CIDR.
 */
export function exceptThatFits(outer: Cidr, text: string, sloppy = false): Cidr | undefined {
  const written = parseCidr(text, sloppy);
  if (!written || written.family !== outer.family) return undefined;
  if (cidrStrictlyContains(outer, written)) return written;
  const slash = text.indexOf('/');
  const address = sloppy && outer.family === 4 ? parseIpv4(text.slice(0, slash), true) : parseIp(text.slice(0, slash))?.value;
  if (address === undefined || !cidrContainsIp(outer, { family: outer.family, value: address })) return undefined;
  for (let prefix = outer.prefix + 1; prefix <= bitsOf(outer.family); prefix++) {
    if ((address & prefixMask(outer.family, prefix)) === address) return parseCidr(`${formatIp(outer.family, address)}/${prefix}`);
  }
  return undefined;
}
