/**
 * Hubble flow lines in the format `hubble observe -o jsonpb` writes (../shared/HUBBLE.md): proto field names,
 * `{"flow":{...},"node_name":...,"time":...}`, zero values left out.
 */

export interface EndOptions {
  readonly ip: string;
  readonly port?: number;
  readonly namespace?: string;
  readonly pod?: string;
  readonly labels?: string[];
  readonly identity?: number;
}

export interface FlowOptions {
  readonly verdict?: string;
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP' | 'ICMPv4';
  readonly isReply?: boolean;
  readonly reply?: boolean;
  readonly flags?: { SYN?: boolean; ACK?: boolean; FIN?: boolean };
  readonly dropReason?: string;
  readonly dropReasonNumber?: number;
  readonly type?: string;
  readonly node?: string;
  readonly time?: string;
  readonly direction?: 'INGRESS' | 'EGRESS';
  readonly l7?: boolean;
}

function end(e: EndOptions): any {
  const labels = e.labels ?? (e.pod ? [`k8s:io.kubernetes.pod.namespace=${e.namespace}`] : ['reserved:world']);
  return {
    ...(e.identity !== undefined ? { identity: e.identity } : { identity: e.pod ? 12345 : 2 }),
    ...(e.namespace ? { namespace: e.namespace } : {}),
    labels,
    ...(e.pod ? { pod_name: e.pod } : {}),
  };
}

/** One jsonpb line from `src` to `dst`. */
export function flowLine(src: EndOptions, dst: EndOptions, o: FlowOptions = {}): string {
  const protocol = o.protocol ?? 'TCP';
  const ports = { source_port: src.port ?? 40000, destination_port: dst.port ?? 80 };
  const l4 = protocol === 'ICMPv4' ? { ICMPv4: { type: 8 } }
    : { [protocol]: { ...ports, ...(protocol === 'TCP' && o.l7 !== true ? { flags: o.flags ?? { SYN: true } } : {}) } };
  const node = o.node ?? 'kind/worker-1';
  const time = o.time ?? '2026-12-01T10:00:00.000000001Z';
  const flow = {
    time,
    verdict: o.verdict ?? 'FORWARDED',
    ...(o.dropReasonNumber !== undefined ? { drop_reason: o.dropReasonNumber } : {}),
    IP: { source: src.ip, destination: dst.ip, ipVersion: src.ip.includes(':') ? 'IPv6' : 'IPv4' },
    l4,
    source: end(src),
    destination: end(dst),
    Type: o.type ?? (o.l7 ? 'L7' : 'L3_L4'),
    node_name: node,
    ...(o.reply ? { reply: true } : {}),
    event_type: { type: o.l7 ? 129 : o.verdict === 'DROPPED' ? 1 : 4 },
    ...(o.direction ? { traffic_direction: o.direction } : {}),
    ...(o.dropReason ? { drop_reason_desc: o.dropReason } : {}),
    ...(o.isReply !== undefined ? { is_reply: o.isReply } : {}),
    ...(o.l7 ? { l7: { type: 'REQUEST', http: { method: 'GET', url: 'http://api/' } } } : {}),
    Summary: 'TCP Flags: SYN',
  };
  return JSON.stringify({ flow, node_name: node, time });
}

/** A pod of the input as a flow end. */
export const podEnd = (id: string, ip: string, port?: number): EndOptions => {
  const [namespace, pod] = id.split('/');
  return { ip, namespace, pod, ...(port !== undefined ? { port } : {}) };
};
