/**
 * Replay: recorded connections (flows.ts) judged by candidate policies, with what they would break, what they allow
 * that nobody used, and what the recording covers.
 *
 * Endpoints, in this order: a pod of the input by namespace and pod name; a pod by IP; a Node address or a
 * host-network pod (undecidable, named by the IP; a host-network pod found by name keeps its name); a reserved
 * identity other than world (undecidable, named by the IP); `reserved:world`, `cidr:` labels or no labels (an
 * address outside the cluster, named by the IP as the flow writes it); anything else is a pod the input does not
 * hold, and the line is skipped and counted. Memory holds the distinct connections, not the lines.
 */
import { ReplayConnection, ReplayCoverage, ReplayReport, ReplayUnobserved } from './api';
import { FlowAttempt, FlowEnd, parseFlowLine } from './flows';
import { ConnectionAnalysis } from '../analysis/connections';
import * as ps from '../model/port-set';
import { parseIp } from '../private/cidr';
import { cmp } from '../private/json';
import { evaluateFlow, explainFlow, Target } from '../semantics/evaluate';
import { Cluster, Endpoint } from '../semantics/model';

const RESERVED_UNDECIDABLE = ['host', 'remote-node', 'health', 'kube-apiserver', 'ingress', 'init', 'unmanaged'];
/** Cilium's reserved numeric identities other than world (2): host, unmanaged, health, init, remote-node, kube-apiserver, ingress. */
const RESERVED_IDS = new Set([1, 3, 4, 5, 6, 7, 8]);

const SKIP_UNKNOWN_END = 'an end is a pod the input does not hold (identity labels, no pod of that name or IP)';
const SKIP_SELF = 'a pod to itself';

/** One end, resolved against the input. */
interface ResolvedEnd {
  readonly id: string;
  readonly endpoint?: Endpoint;
  /** Set when flows to or from it cannot be decided offline. */
  readonly undecidable?: string;
}

interface Observed {
  readonly from: ResolvedEnd;
  readonly to: ResolvedEnd;
  readonly protocol: string;
  readonly port: number;
  flows: number;
  worked: boolean;
  dropped: boolean;
  first?: string;
  last?: string;
  firstKey: number;
  lastKey: number;
  sourceNames?: Set<string>;
  destinationNames?: Set<string>;
}

/** Reads lines one at a time; `report()` judges what was read. */
export class Replayer {
  private readonly observed = new Map<string, Map<string, Map<number, Observed>>>();
  private readonly skipped = new Map<string, number>();
  private readonly nodes = new Set<string>();
  private readonly byName: Map<string, Endpoint>;
  private readonly byIp: Map<string, Endpoint>;
  private readonly nodeIps: Map<string, string>;
  private lines = 0;
  private first?: string;
  private last?: string;
  private firstKey = Infinity;
  private lastKey = -Infinity;
  /** Ends resolved by pod name or IP, by (namespace, pod, IP): most lines name the same few ends again and again. */
  private readonly ends = new Map<string, ResolvedEnd | undefined>();

  constructor(private readonly cluster: Cluster) {
    this.byName = new Map(cluster.endpoints.map((e) => [e.id, e]));
    this.byIp = new Map();
    for (const e of cluster.endpoints) for (const ip of e.ips) this.byIp.set(ipKey(ip.family, ip.value), e);
    this.nodeIps = new Map();
    for (const n of cluster.nodes ?? []) for (const ip of n.ips) this.nodeIps.set(ipKey(ip.family, ip.value), n.name);
  }

  public add(line: string): void {
    this.lines++;
    const read = parseFlowLine(line);
    if (read.node) this.nodes.add(read.node.slice(read.node.indexOf('/') + 1));
    const key = read.time !== undefined ? timeKey(read.time) : undefined;
    if (key !== undefined) {
      if (key < this.firstKey) [this.firstKey, this.first] = [key, read.time];
      if (key > this.lastKey) [this.lastKey, this.last] = [key, read.time];
    }
    if ('skip' in read) {
      this.skip(read.skip);
      return;
    }
    this.attempt(read.attempt, key);
  }

  private skip(reason: string): void {
    this.skipped.set(reason, (this.skipped.get(reason) ?? 0) + 1);
  }

  private attempt(a: FlowAttempt, time: number | undefined): void {
    const from = this.resolve(a.initiator);
    const to = this.resolve(a.responder);
    if (!from || !to) {
      this.skip(SKIP_UNKNOWN_END);
      return;
    }
    if (from.endpoint !== undefined && from.endpoint === to.endpoint) {
      this.skip(SKIP_SELF);
      return;
    }
    // By source, destination, then port and protocol: no key text is built per line.
    let byTo = this.observed.get(from.id);
    if (!byTo) this.observed.set(from.id, (byTo = new Map()));
    let byPort = byTo.get(to.id);
    if (!byPort) byTo.set(to.id, (byPort = new Map()));
    const key = a.port * 4 + (a.protocol === 'TCP' ? 0 : a.protocol === 'UDP' ? 1 : 2);
    let o = byPort.get(key);
    if (!o) {
      o = { from, to, protocol: a.protocol, port: a.port, flows: 0, worked: false, dropped: false, firstKey: Infinity, lastKey: -Infinity };
      byPort.set(key, o);
    }
    o.flows++;
    if (!from.endpoint && a.initiator.names) o.sourceNames = addNames(o.sourceNames, a.initiator.names);
    if (!to.endpoint && a.responder.names) o.destinationNames = addNames(o.destinationNames, a.responder.names);
    if (a.outcome === 'worked') o.worked = true;
    else o.dropped = true;
    if (time !== undefined) {
      if (time < o.firstKey) [o.firstKey, o.first] = [time, a.time];
      if (time > o.lastKey) [o.lastKey, o.last] = [time, a.time];
    }
  }

  private resolve(end: FlowEnd): ResolvedEnd | undefined {
    const key = `${end.namespace ?? ''}\u0000${end.podName ?? ''}\u0000${end.ip ?? ''}`;
    if (this.ends.has(key)) return this.ends.get(key);
    const found = this.resolveByNameOrIp(end);
    if (found !== 'other') {
      if (this.ends.size < 1_000_000) this.ends.set(key, found);
      return found;
    }
    return this.resolveByIdentity(end);
  }

  /** By pod name, then IP (pods, then Nodes); `other` when neither names it (the identity labels decide then). */
  private resolveByNameOrIp(end: FlowEnd): ResolvedEnd | undefined | 'other' {
    const ip = end.ip !== undefined ? parseIp(end.ip) : undefined;
    // Named by the IP exactly as the flow writes it, once it parses as one (nothing else from a line is repeated).
    const ipText = ip ? end.ip! : '';
    if (end.namespace !== undefined && end.podName !== undefined) {
      const e = this.byName.get(`${end.namespace}/${end.podName}`);
      if (e) return e.hostNetwork ? { id: e.id, endpoint: e, undecidable: `${e.id} uses the host network` } : { id: e.id, endpoint: e };
    }
    if (ip) {
      const e = this.byIp.get(ipKey(ip.family, ip.value));
      if (e) return e.hostNetwork ? { id: ipText, undecidable: `${ipText} is host-network pod ${e.id}` } : { id: e.id, endpoint: e };
      const node = this.nodeIps.get(ipKey(ip.family, ip.value));
      if (node !== undefined) return { id: ipText, undecidable: `${ipText} is an address of Node ${node}` };
    }
    return ip ? 'other' : undefined;
  }

  private resolveByIdentity(end: FlowEnd): ResolvedEnd | undefined {
    const ipText = end.ip!;
    const reserved = end.labels.filter((l) => l.startsWith('reserved:')).map((l) => l.slice('reserved:'.length));
    const special = reserved.find((r) => RESERVED_UNDECIDABLE.includes(r));
    if (special !== undefined || (end.labels.length === 0 && end.identity !== undefined && RESERVED_IDS.has(end.identity))) {
      return { id: ipText, undecidable: `${ipText} is Cilium's reserved:${special ?? `identity ${end.identity}`}, not a pod or an outside address` };
    }
    const outside = reserved.some((r) => r.startsWith('world')) || end.labels.some((l) => l.startsWith('cidr:')) || end.labels.length === 0;
    if (outside) return { id: ipText };
    return undefined;
  }

  public report(): ReplayReport {
    const observed = [...this.observed.values()]
      .flatMap((byTo) => [...byTo.values()].flatMap((byPort) => [...byPort.values()]))
      .sort((x, y) => cmp(x.from.id, y.from.id) || cmp(x.to.id, y.to.id) || cmp(x.protocol, y.protocol) || x.port - y.port);
    const analysis = new ConnectionAnalysis(this.cluster);
    const connections = observed.map((o) => this.judge(o, analysis));
    const breaks = connections.filter((c) => c.worked && c.verdict === 'denied');
    const seen = new Set(observed.flatMap((o) => [o.from.id, o.to.id]));
    const nodesReporting = [...this.nodes].sort();
    const coverage: ReplayCoverage = {
      lines: this.lines,
      ...(this.first !== undefined ? { firstTime: this.first } : {}),
      ...(this.last !== undefined ? { lastTime: this.last } : {}),
      nodesReporting,
      nodesSilent: (this.cluster.nodes ?? []).map((n) => n.name).filter((n) => !this.nodes.has(n)),
      neverSeen: this.cluster.endpoints.map((e) => e.id).filter((id) => !seen.has(id)),
      skipped: [...this.skipped].sort((a, b) => b[1] - a[1] || cmp(a[0], b[0])).map(([reason, lines]) => ({ reason, lines })),
    };
    return { breaks, connections, unobserved: this.unobserved(observed, analysis), coverage };
  }

  private judge(o: Observed, analysis: ConnectionAnalysis): ReplayConnection {
    const base = {
      source: o.from.id,
      destination: o.to.id,
      protocol: o.protocol,
      port: o.port,
      worked: o.worked,
      dropped: o.dropped,
      flows: o.flows,
      ...(o.first !== undefined ? { firstSeen: o.first } : {}),
      ...(o.last !== undefined ? { lastSeen: o.last } : {}),
      ...(o.sourceNames ? { sourceNames: [...o.sourceNames].sort() } : {}),
      ...(o.destinationNames ? { destinationNames: [...o.destinationNames].sort() } : {}),
    };
    const reason = o.from.undecidable ?? o.to.undecidable;
    if (reason !== undefined) return { ...base, verdict: 'undecidable', reason };
    const q = { protocol: o.protocol, port: o.port };
    if (o.from.endpoint && o.to.endpoint) {
      // Pod to pod: the connection analysis's port set of the pair (the same answer as evaluateFlow, law-tested in
      // test/analysis), computed once per pair of pod classes.
      const allowed = analysis.between(analysis.indexOfEndpoint(o.from.endpoint), analysis.indexOfEndpoint(o.to.endpoint));
      if (ps.hasPort(allowed, o.protocol, o.port)) return { ...base, verdict: 'allowed' };
    } else {
      const v = evaluateFlow(this.cluster, targetOf(o.from), targetOf(o.to), q);
      if (v.undecidable !== undefined) return { ...base, verdict: 'undecidable', reason: v.undecidable };
      if (v.allowed) return { ...base, verdict: 'allowed' };
    }
    return { ...base, verdict: 'denied', explanation: explainFlow(this.cluster, targetOf(o.from), targetOf(o.to), q) };
  }

  /**
   * For every ordered pair of distinct pods that appear in a decidable observed connection, every container port the
   * destination declares that the candidate allows and no flow used.
   */
  private unobserved(observed: readonly Observed[], analysis: ConnectionAnalysis): ReplayUnobserved[] {
    const pods = new Map<string, Endpoint>();
    for (const o of observed) {
      if (o.from.undecidable !== undefined || o.to.undecidable !== undefined) continue;
      for (const end of [o.from, o.to]) if (end.endpoint) pods.set(end.endpoint.id, end.endpoint);
    }
    if (pods.size < 2) return [];
    const used = new Set(observed.map((o) => `${o.from.id}\u0000${o.to.id}\u0000${o.protocol}\u0000${o.port}`));
    const declaredOf = new Map<Endpoint, { protocol: string; port: number }[]>();
    const declared = (b: Endpoint) => {
      let list = declaredOf.get(b);
      if (!list) {
        list = [...new Map(b.ports.map((p) => [`${p.protocol}/${p.port}`, { protocol: p.protocol, port: p.port }])).values()]
          .sort((x, y) => cmp(x.protocol, y.protocol) || x.port - y.port);
        declaredOf.set(b, list);
      }
      return list;
    };
    const out: ReplayUnobserved[] = [];
    // The analysis visits only the pairs with something allowed, in (source, destination) id order.
    analysis.forEach((from, to, allowed) => {
      const a = from.endpoint;
      const b = to.endpoint;
      if (!a || !b || a === b || !pods.has(a.id) || !pods.has(b.id)) return;
      for (const p of declared(b)) {
        if (ps.hasPort(allowed, p.protocol, p.port) && !used.has(`${a.id}\u0000${b.id}\u0000${p.protocol}\u0000${p.port}`)) {
          out.push({ source: a.id, destination: b.id, protocol: p.protocol, port: p.port });
        }
      }
    });
    return out;
  }
}

/** At most 10 names per end: enough for a comment, bounded memory. */
function addNames(set: Set<string> | undefined, names: readonly string[]): Set<string> {
  const out = set ?? new Set<string>();
  for (const n of names) if (out.size < 10) out.add(n.toLowerCase());
  return out;
}

function targetOf(end: ResolvedEnd): Target {
  return end.endpoint ? { endpoint: end.endpoint, id: end.endpoint.id } : { ip: parseIp(end.id)!, id: end.id };
}

/**
 * An RFC 3339 time (as flows.ts admits it) as a number that orders like the instant: milliseconds with the offset
 * applied, plus the sub-millisecond digits as a fraction.
 */
function timeKey(t: string): number {
  const dot = t.indexOf('.');
  let sub = 0;
  if (dot > 0) {
    let end = dot + 1;
    while (end < t.length && t.charCodeAt(end) >= 48 && t.charCodeAt(end) <= 57) end++;
    const digits = t.slice(dot + 4, end);
    sub = digits === '' ? 0 : Number(`0.${digits}`);
  }
  return Date.parse(t) + sub;
}

function ipKey(family: number, value: bigint): string {
  return `${family}:${value}`;
}

