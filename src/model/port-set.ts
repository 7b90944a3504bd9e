/**
 * The port-set algebra: sets of (protocol, port) pairs, written once and used by the engine (connection sets), the
 * linter (redundancy) and, through `normalizePorts`, by render.
 *
 * Two kinds of set live here:
 * - `PortSet`: resolved numbers only, per protocol, as sorted, merged, inclusive ranges. This is what a rule allows
 *   towards one destination once its named ports are resolved on that destination's container ports.
 * - `PortSpec`: what a rule says before it meets a destination: numeric ranges plus named ports per protocol.
 *   Containment of specs is judged from their text (a name is only known to be covered by the same name, or by
 *   every port of its protocol, since it resolves to some port of that protocol on every destination).
 *
 * Private module: the public surface is `Port` and the structs of the analyses.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/#NetworkPolicyPort
 */
import { Port, Protocol } from './port';

/** The protocols NetworkPolicy knows, in canonical order. */
export const PROTOCOLS: readonly string[] = [Protocol.TCP, Protocol.UDP, Protocol.SCTP];
export const MIN_PORT = 1;
export const MAX_PORT = 65535;

/** An inclusive range `[first, last]`. */
export type Range = readonly [number, number];

/**
 * Sorted, disjoint, non-adjacent inclusive ranges.
 *
 * Immutable; build with the functions below. Each protocol maps to its ranges; a protocol without ranges is absent.
 */
export interface PortSet {
  readonly byProtocol: ReadonlyMap<string, readonly Range[]>;
}

export const EMPTY: PortSet = { byProtocol: new Map() };
export const ALL_PORTS: PortSet = {
  byProtocol: new Map(PROTOCOLS.map((p) => [p, [[MIN_PORT, MAX_PORT] as Range]])),
};

/** Sorts and merges overlapping or adjacent ranges (80-80 and 81-90 become 80-90). */
export function normalizeRanges(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    if (lo > hi) continue;
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

function unionRanges(a: readonly Range[], b: readonly Range[]): Range[] {
  if (a.length === 0) return [...b];
  if (b.length === 0) return [...a];
  return normalizeRanges([...a, ...b]);
}

function intersectRanges(a: readonly Range[], b: readonly Range[]): Range[] {
  const out: Range[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i][0], b[j][0]);
    const hi = Math.min(a[i][1], b[j][1]);
    if (lo <= hi) out.push([lo, hi]);
    if (a[i][1] < b[j][1]) i++;
    else j++;
  }
  return out;
}

function subtractRanges(a: readonly Range[], b: readonly Range[]): Range[] {
  const out: Range[] = [];
  let j = 0;
  for (const [lo0, hi] of a) {
    let lo = lo0;
    while (j < b.length && b[j][1] < lo) j++;
    let k = j;
    while (k < b.length && b[k][0] <= hi) {
      if (b[k][0] > lo) out.push([lo, b[k][0] - 1]);
      lo = Math.max(lo, b[k][1] + 1);
      k++;
    }
    if (lo <= hi) out.push([lo, hi]);
  }
  return out;
}

function build(entries: Iterable<[string, readonly Range[]]>): PortSet {
  const m = new Map<string, readonly Range[]>();
  for (const [p, r] of entries) if (r.length > 0) m.set(p, r);
  // Canonical protocol order, so equal sets iterate alike.
  return { byProtocol: new Map([...m].sort((x, y) => protocolRank(x[0]) - protocolRank(y[0]))) };
}

function protocolRank(p: string): number {
  const i = PROTOCOLS.indexOf(p);
  return i < 0 ? PROTOCOLS.length : i;
}

/** A set from (protocol, first, last) triples in any order, overlapping or not. */
export function portSetOf(items: readonly { protocol: string; first: number; last: number }[]): PortSet {
  const m = new Map<string, Range[]>();
  for (const it of items) {
    if (!m.has(it.protocol)) m.set(it.protocol, []);
    m.get(it.protocol)!.push([it.first, it.last]);
  }
  return build([...m].map(([p, r]) => [p, normalizeRanges(r)]));
}

/** Every port of one protocol. */
export function allOf(protocol: string): PortSet {
  return build([[protocol, [[MIN_PORT, MAX_PORT]]]]);
}

export function union(a: PortSet, b: PortSet): PortSet {
  if (a.byProtocol.size === 0) return b;
  if (b.byProtocol.size === 0) return a;
  const keys = new Set([...a.byProtocol.keys(), ...b.byProtocol.keys()]);
  return build([...keys].map((p) => [p, unionRanges(a.byProtocol.get(p) ?? [], b.byProtocol.get(p) ?? [])]));
}

export function intersection(a: PortSet, b: PortSet): PortSet {
  if (a === ALL_PORTS) return b;
  if (b === ALL_PORTS) return a;
  const out: [string, Range[]][] = [];
  for (const [p, r] of a.byProtocol) {
    const s = b.byProtocol.get(p);
    if (s) out.push([p, intersectRanges(r, s)]);
  }
  return build(out);
}

/** `a` minus `b`. */
export function difference(a: PortSet, b: PortSet): PortSet {
  const out: [string, Range[]][] = [];
  for (const [p, r] of a.byProtocol) {
    const s = b.byProtocol.get(p);
    out.push([p, s ? subtractRanges(r, s) : [...r]]);
  }
  return build(out);
}

export function isEmpty(a: PortSet): boolean {
  return a.byProtocol.size === 0;
}

/** True when every port of `inner` is in `outer`. */
export function contains(outer: PortSet, inner: PortSet): boolean {
  return isEmpty(difference(inner, outer));
}

export function equals(a: PortSet, b: PortSet): boolean {
  return portSetText(a) === portSetText(b);
}

export function hasPort(a: PortSet, protocol: string, port: number): boolean {
  const r = a.byProtocol.get(protocol);
  if (!r) return false;
  // Binary search: the ranges are sorted and disjoint.
  let lo = 0;
  let hi = r.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (port < r[mid][0]) hi = mid - 1;
    else if (port > r[mid][1]) lo = mid + 1;
    else return true;
  }
  return false;
}

/** Canonical text: `TCP/80,8000-8080 UDP/53`, `TCP/* UDP/* SCTP/*` for every port, `-` for none. */
export function portSetText(a: PortSet): string {
  if (a.byProtocol.size === 0) return '-';
  return [...a.byProtocol].map(([p, r]) => `${p}/${rangesText(r)}`).join(' ');
}

export function rangesText(r: readonly Range[]): string {
  if (r.length === 1 && r[0][0] === MIN_PORT && r[0][1] === MAX_PORT) return '*';
  return r.map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}-${hi}`)).join(',');
}

/** True when the set is every port of every protocol. */
export function isAll(a: PortSet): boolean {
  return PROTOCOLS.every((p) => {
    const r = a.byProtocol.get(p);
    return r !== undefined && r.length === 1 && r[0][0] === MIN_PORT && r[0][1] === MAX_PORT;
  });
}

// ----------------------------------------------------------------------------------------------- unresolved specs

/** One entry of a rule's `ports`, as the engine parses it. */
export interface PortEntry {
  readonly protocol: string;
  /** A number, unless `name` is set; neither means every port of the protocol. */
  readonly port?: number;
  readonly endPort?: number;
  readonly name?: string;
}

/** What a port list says, before named ports are resolved: numbers per protocol plus names per protocol. */
export interface PortSpec {
  readonly numbers: PortSet;
  /** `PROTOCOL/name` keys. */
  readonly names: ReadonlySet<string>;
}

/** A rule's ports: `undefined` (no `ports`) is every port of every protocol. */
export function portSpecOf(entries: readonly PortEntry[] | undefined): PortSpec {
  if (entries === undefined) return { numbers: ALL_PORTS, names: new Set() };
  const items: { protocol: string; first: number; last: number }[] = [];
  const names = new Set<string>();
  for (const e of entries) {
    if (e.name !== undefined) names.add(`${e.protocol}/${e.name}`);
    else if (e.port === undefined) items.push({ protocol: e.protocol, first: MIN_PORT, last: MAX_PORT });
    else items.push({ protocol: e.protocol, first: e.port, last: e.endPort ?? e.port });
  }
  const numbers = portSetOf(items);
  // A name whose protocol is wholly covered adds nothing: it resolves to some port of that protocol.
  for (const key of [...names]) {
    const protocol = key.slice(0, key.indexOf('/'));
    if (contains(numbers, allOf(protocol))) names.delete(key);
  }
  return { numbers, names };
}

/**
 * True when `outer` allows every connection `inner` allows, on every possible destination: its numbers contain
 * inner's numbers, and each of inner's names is one of outer's names or falls in a protocol outer wholly allows.
 */
export function specContains(outer: PortSpec, inner: PortSpec): boolean {
  if (!contains(outer.numbers, inner.numbers)) return false;
  for (const key of inner.names) {
    if (outer.names.has(key)) continue;
    const protocol = key.slice(0, key.indexOf('/'));
    if (!contains(outer.numbers, allOf(protocol))) return false;
  }
  return true;
}

/** The container ports a destination declares, as `resolve` needs them. */
export interface DeclaredPort {
  readonly name?: string;
  readonly port: number;
  readonly protocol: string;
}

/**
 * What a spec allows towards one destination: its numbers, plus each name resolved on the destination's container
 * ports (same name and protocol). An IP destination (no pod) declares nothing, so names then match nothing.
 */
export function resolve(spec: PortSpec, declared: readonly DeclaredPort[]): PortSet {
  if (spec.names.size === 0) return spec.numbers;
  const items: { protocol: string; first: number; last: number }[] = [];
  for (const d of declared) {
    if (d.name !== undefined && spec.names.has(`${d.protocol}/${d.name}`)) items.push({ protocol: d.protocol, first: d.port, last: d.port });
  }
  return items.length === 0 ? spec.numbers : union(spec.numbers, portSetOf(items));
}

/** True when a spec allows `protocol`/`port` towards a destination declaring `declared`. */
export function specAllows(spec: PortSpec, protocol: string, port: number, declared: readonly DeclaredPort[]): boolean {
  if (hasPort(spec.numbers, protocol, port)) return true;
  return spec.names.size > 0 && declared.some((d) => d.port === port && d.protocol === protocol && d.name !== undefined && spec.names.has(`${protocol}/${d.name}`));
}

// ----------------------------------------------------------------------------------------------------- render

/**
 * Normalizes a list of `Port` values for rendering: merges overlapping and adjacent numeric ranges, drops what is
 * subsumed (a range inside another, anything of a protocol that is wholly allowed, a named port of a protocol that is
 * wholly allowed, duplicates), and returns them in canonical order: by protocol (TCP, UDP, SCTP), then every-port,
 * numeric ranges ascending, names sorted. The result allows exactly the same connections on every destination.
 *
 * Idempotent and independent of the input order. Ports with problems (`Port._problems()`) should be rejected
 * before; they are passed through unchanged at the end so that nothing is silently lost.
 */
export function normalizePorts(ports: readonly Port[]): Port[] {
  const valid = ports.filter((p) => p._problems().length === 0);
  const invalid = ports.filter((p) => p._problems().length > 0);
  const spec = portSpecOf(valid.map((p) => ({ protocol: p.protocol, port: p.number, endPort: p.endPort, name: p.name })));
  const out: Port[] = [];
  const protocols = [...new Set([...spec.numbers.byProtocol.keys(), ...[...spec.names].map((k) => k.slice(0, k.indexOf('/')))])]
    .sort((a, b) => protocolRank(a) - protocolRank(b));
  for (const protocol of protocols) {
    const proto = protocol as Protocol;
    for (const [lo, hi] of spec.numbers.byProtocol.get(protocol) ?? []) {
      if (lo === MIN_PORT && hi === MAX_PORT) out.push(Port.of({ protocol: proto }));
      else if (lo === hi) out.push(Port.of({ protocol: proto, port: lo }));
      else out.push(Port.of({ protocol: proto, port: lo, endPort: hi }));
    }
    const names = [...spec.names].filter((k) => k.startsWith(`${protocol}/`)).map((k) => k.slice(protocol.length + 1)).sort();
    for (const name of names) out.push(Port.named(name, proto));
  }
  return [...out, ...invalid];
}
