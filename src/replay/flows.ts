/**
 * Hubble flow exports, read as Hubble writes them (../shared/HUBBLE.md): one JSON object per line, either a
 * `GetFlowsResponse` (`{"flow":{...},"node_name":...,"time":...}`, what `hubble observe -o json` / `-o jsonpb` and
 * the exporter write) or a bare `Flow` (`HUBBLE_COMPAT=legacy-json-output`). Field names are the proto names
 * (`pod_name`, `is_reply`, `IP`, `l4`, `TCP`); the lowerCamelCase spellings protojson also accepts (`podName`,
 * `isReply`) are read too. Every field is optional.
 *
 * A line names an attempted connection (initiator, responder, protocol, responder port) only when its initiator is
 * known; everything else is skipped and counted by reason, never an error.
 */
import { isPlainObject } from '../private/json';

/** One end of a flow as the line gives it. */
export interface FlowEnd {
  readonly ip?: string;
  readonly port?: number;
  readonly namespace?: string;
  readonly podName?: string;
  /** `k8s:app=web`, `reserved:world`, `cidr:10.0.0.0/8`... */
  readonly labels: readonly string[];
  /** DNS names the IP had (`source_names` / `destination_names`), those that are DNS names. */
  readonly names?: readonly string[];
  readonly identity?: number;
}

/** A line that names an attempted connection, oriented from its initiator to its responder. */
export interface FlowAttempt {
  readonly initiator: FlowEnd;
  readonly responder: FlowEnd;
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
  /** The responder's port. */
  readonly port: number;
  /** `worked` for FORWARDED, REDIRECTED, AUDIT and TRACED; `denied` for a drop by policy. */
  readonly outcome: 'worked' | 'denied';
  readonly verdict: string;
  readonly time?: string;
  readonly node?: string;
}

export type FlowLine = { readonly attempt: FlowAttempt; readonly node?: string; readonly time?: string }
| { readonly skip: string; readonly node?: string; readonly time?: string };

/** Reasons a line names no connection, as reported (stable texts: the JSON output and the docs use them). */
export const SKIP = {
  blank: 'blank line',
  notJson: 'not JSON (a truncated line, log noise)',
  lostEvents: 'lost_events record',
  nodeStatus: 'node_status record',
  notFlow: 'not a flow',
  sock: 'trace-sock event (it carries the Service address before translation)',
  icmp: 'ICMP',
  otherProtocol: 'not TCP, UDP or SCTP',
  error: 'ERROR verdict',
  otherDrop: 'dropped for a reason other than policy',
  unknownVerdict: 'no verdict in scope (unknown, or TRANSLATED)',
  reply: 'a reply, not a connection',
  unattributable: 'initiator unknown (no is_reply, not a policy drop, not a TCP SYN)',
  noAddress: 'no source or destination address',
  noPort: 'no destination port',
} as const;

const VERDICTS = ['VERDICT_UNKNOWN', 'FORWARDED', 'DROPPED', 'ERROR', 'AUDIT', 'REDIRECTED', 'TRACED', 'TRANSLATED'];
const WORKED = new Set(['FORWARDED', 'REDIRECTED', 'AUDIT', 'TRACED']);
/** Drop reasons that mean a policy denied the packet: POLICY_DENIED (133, default deny), POLICY_DENY (181, a deny rule). */
const POLICY_DROPS = new Set(['POLICY_DENIED', 'POLICY_DENY', '133', '181']);

type Json = { [key: string]: unknown };
const isObject = (x: unknown): x is Json => isPlainObject(x);

/** The lowerCamelCase JSON name of each proto name read (protojson accepts both spellings). */
const CAMEL = new Map<string, string>();

/** The field by its proto name, else its lowerCamelCase JSON name. */
function field(o: unknown, name: string): unknown {
  if (!isObject(o)) return undefined;
  const v = o[name];
  if (v !== undefined) return v;
  let camel = CAMEL.get(name);
  if (camel === undefined) {
    camel = name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    CAMEL.set(name, camel);
  }
  return camel !== name ? o[camel] : undefined;
}

const str = (x: unknown): string | undefined => (typeof x === 'string' && x !== '' ? x : undefined);
/** Text the output repeats is kept only in its expected shape, so a line cannot write into a report. */
const TIME = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$/;
const NODE = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,252}$/;
const timeOf = (x: unknown): string | undefined => (typeof x === 'string' && TIME.test(x) ? x : undefined);
const nodeOf = (x: unknown): string | undefined => (typeof x === 'string' && NODE.test(x) ? x : undefined);
/** Proto numbers: 32-bit ones as numbers, 64-bit ones as strings. */
const num = (x: unknown): number | undefined => {
  const n = typeof x === 'number' ? x : typeof x === 'string' && /^[0-9]+$/.test(x) ? Number(x) : NaN;
  return Number.isInteger(n) ? n : undefined;
};
/** An enum by name, or by number in `names`. */
const enumName = (x: unknown, names: readonly string[]): string | undefined => {
  if (typeof x === 'string') return x;
  return typeof x === 'number' ? names[x] : undefined;
};

/** A DNS name as the output may repeat it (letters, digits, dashes, dots, a leading `*.`). */
const DNS_NAME = /^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,62}\.)*[A-Za-z0-9-]{1,63}\.?$/;

function namesOf(x: unknown): string[] | undefined {
  if (!Array.isArray(x)) return undefined;
  const names = x.filter((n): n is string => typeof n === 'string' && n.length <= 253 && DNS_NAME.test(n));
  return names.length > 0 ? names : undefined;
}

function endOf(x: unknown, ip: unknown, port: unknown, names?: unknown): FlowEnd {
  const labels = field(x, 'labels');
  const end: { -readonly [K in keyof FlowEnd]: FlowEnd[K] } = {
    labels: !Array.isArray(labels) ? [] : labels.every((l) => typeof l === 'string') ? labels : labels.filter((l): l is string => typeof l === 'string'),
  };
  if (str(ip)) end.ip = ip as string;
  const p = num(port);
  if (p !== undefined) end.port = p;
  const ns = str(field(x, 'namespace'));
  if (ns) end.namespace = ns;
  const pod = str(field(x, 'pod_name'));
  if (pod) end.podName = pod;
  const identity = num(field(x, 'identity'));
  if (identity !== undefined) end.identity = identity;
  const dns = namesOf(names);
  if (dns) end.names = dns;
  return end;
}

/** Reads one line of an export. */
export function parseFlowLine(line: string): FlowLine {
  // A line of JSON starts with `{`; only other lines are looked at for blankness (trim() would copy every line).
  if (line.charCodeAt(0) !== 123 && /^\s*$/.test(line)) return { skip: SKIP.blank };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { skip: SKIP.notJson };
  }
  if (!isObject(value)) return { skip: SKIP.notFlow };
  const wrapped = field(value, 'flow');
  if (!isObject(wrapped)) {
    const where = { node: nodeOf(field(value, 'node_name')), time: timeOf(field(value, 'time')) };
    if (field(value, 'lost_events') !== undefined) return { skip: SKIP.lostEvents, ...where };
    if (field(value, 'node_status') !== undefined) return { skip: SKIP.nodeStatus, ...where };
  }
  // A bare Flow (legacy JSON output) has the flow's own fields at the top.
  const flow = isObject(wrapped) ? wrapped : ['IP', 'l4', 'verdict', 'source', 'destination'].some((k) => k in value) ? value : undefined;
  if (!flow) return { skip: SKIP.notFlow, node: nodeOf(field(value, 'node_name')), time: timeOf(field(value, 'time')) };
  // The flow's own node and time; the response's copies when the flow has none (a field-masked export).
  const node = nodeOf(field(flow, 'node_name')) ?? (flow !== value ? nodeOf(field(value, 'node_name')) : undefined);
  const time = timeOf(field(flow, 'time')) ?? (flow !== value ? timeOf(field(value, 'time')) : undefined);
  const skip = (reason: string): FlowLine => ({ skip: reason, node, time });

  const type = enumName(field(flow, 'Type'), ['UNKNOWN_TYPE', 'L3_L4', 'L7', 'SOCK']);
  const verdict = enumName(field(flow, 'verdict'), VERDICTS) ?? 'VERDICT_UNKNOWN';
  if (type === 'SOCK' || verdict === 'TRANSLATED') return skip(SKIP.sock);

  const l4 = field(flow, 'l4');
  const tcp = field(l4, 'TCP');
  const udp = field(l4, 'UDP');
  const sctp = field(l4, 'SCTP');
  const transport = isObject(tcp) ? tcp : isObject(udp) ? udp : isObject(sctp) ? sctp : undefined;
  if (!transport) return skip(isObject(field(l4, 'ICMPv4')) || isObject(field(l4, 'ICMPv6')) ? SKIP.icmp : SKIP.otherProtocol);
  const protocol = transport === tcp ? 'TCP' : transport === udp ? 'UDP' : 'SCTP';

  let outcome: FlowAttempt['outcome'];
  if (WORKED.has(verdict)) {outcome = 'worked';} else if (verdict === 'DROPPED') {
    const reason = str(field(flow, 'drop_reason_desc')) ?? (num(field(flow, 'drop_reason')) !== undefined ? String(num(field(flow, 'drop_reason'))) : undefined);
    if (reason === undefined || !POLICY_DROPS.has(reason)) return skip(SKIP.otherDrop);
    outcome = 'denied';
  } else if (verdict === 'ERROR') {return skip(SKIP.error);} else {return skip(SKIP.unknownVerdict);}

  // Who initiated: is_reply (or the deprecated reply: true) when known; a TCP SYN+ACK is a reply; without is_reply, a
  // policy drop or a TCP SYN without ACK is the initiator's packet. traffic_direction never decides it: it is relative
  // to the endpoint that emitted the event.
  const isReply = field(flow, 'is_reply');
  const flags = field(tcp, 'flags');
  const syn = field(flags, 'SYN') === true;
  const ack = field(flags, 'ACK') === true;
  const reply = (isObject(isReply) ? field(isReply, 'value') : isReply) === true || field(flow, 'reply') === true;
  const known = typeof isReply === 'boolean' || isObject(isReply);
  if (reply || (protocol === 'TCP' && syn && ack)) return skip(SKIP.reply);
  if (!known && !(outcome === 'denied' || (protocol === 'TCP' && syn && !ack))) return skip(SKIP.unattributable);

  const ipField = field(flow, 'IP');
  const source = endOf(field(flow, 'source'), field(ipField, 'source'), field(transport, 'source_port'), field(flow, 'source_names'));
  const destination = endOf(field(flow, 'destination'), field(ipField, 'destination'), field(transport, 'destination_port'), field(flow, 'destination_names'));
  if (source.ip === undefined || destination.ip === undefined) return skip(SKIP.noAddress);
  if (destination.port === undefined || destination.port < 1 || destination.port > 65535) return skip(SKIP.noPort);
  return { attempt: { initiator: source, responder: destination, protocol, port: destination.port, outcome, verdict, time, node }, node, time };
}

/**
 * Splits text into lines and feeds them one at a time (`\n`, with `\r\n` tolerated). For the library, where the
 * export is given as one string.
 */
export function forEachLine(text: string, f: (line: string) => void): void {
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end > start && text[end - 1] === '\r' ? end - 1 : end);
    if (end < text.length || line !== '') f(line);
    start = end + 1;
  }
}
