/**
 * Services as ends of a query: `svc/NS/NAME[:PORT]` names the pods a Service sends to (its endpoints) and, for a
 * destination, the pod port a Service port forwards to on each of them (its `targetPort`).
 *
 * NetworkPolicies apply to pod IPs and pod ports after Service translation, so a flow "to Service web on 443" is the
 * set of flows to each endpoint pod on the port `targetPort` names there. A numeric targetPort is the same on every
 * endpoint; a named one is resolved on each endpoint pod's container ports for the Service port's protocol, and a pod
 * that does not declare it is not an endpoint of that port.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/service/#defining-a-service
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
import { explainFlow, evaluateFlow, FlowVerdict, Target } from './evaluate';
import { Cluster, Endpoint, QueryPort, Service, ServicePort } from './model';

export const SERVICE_PREFIX = 'svc/';

/** True when the Service's selector picks the endpoint: same namespace, and every selector label on the pod. */
export function serviceSelects(service: Service, endpoint: Endpoint): boolean {
  if (service.selector === undefined || service.namespace !== endpoint.namespace) return false;
  for (const [k, v] of service.selector) if (endpoint.labels.get(k) !== v) return false;
  return true;
}

/** Which Service sends to which endpoint, both ways: built once per cluster (lint asks for every rule's pods). */
interface ServiceIndex {
  readonly endpointsOf: Map<Service, Endpoint[]>;
  readonly servicesOf: Map<Endpoint, Service[]>;
}
const INDEXES = new WeakMap<Cluster, ServiceIndex>();

function indexOf(cluster: Cluster): ServiceIndex {
  let index = INDEXES.get(cluster);
  if (index) return index;
  index = { endpointsOf: new Map(), servicesOf: new Map() };
  const byNamespace = new Map<string, Endpoint[]>();
  for (const e of cluster.endpoints) {
    const list = byNamespace.get(e.namespace);
    if (list) list.push(e);
    else byNamespace.set(e.namespace, [e]);
  }
  for (const s of cluster.services) {
    const selected = (byNamespace.get(s.namespace) ?? []).filter((e) => serviceSelects(s, e));
    index.endpointsOf.set(s, selected);
    for (const e of selected) {
      const list = index.servicesOf.get(e);
      if (list) list.push(s);
      else index.servicesOf.set(e, [s]);
    }
  }
  INDEXES.set(cluster, index);
  return index;
}

/** The pods and workloads of the input a Service sends to, in id order. */
export function serviceEndpoints(cluster: Cluster, service: Service): Endpoint[] {
  return indexOf(cluster).endpointsOf.get(service) ?? [];
}

/** The Services of the input that send to an endpoint. */
export function servicesOf(cluster: Cluster, endpoint: Endpoint): Service[] {
  return indexOf(cluster).servicesOf.get(endpoint) ?? [];
}

/**
 * The pod port a Service port reaches on an endpoint: the numeric targetPort, or the container port of that name
 * and protocol on the pod; `undefined` when the pod declares no such name (the Service sends nothing there).
 */
export function targetPortOn(port: ServicePort, endpoint: Endpoint): number | undefined {
  if (typeof port.targetPort === 'number') return port.targetPort;
  return endpoint.ports.find((p) => p.name === port.targetPort && p.protocol === port.protocol)?.port;
}

/** A parsed `svc/NS/NAME[:PORT]`. */
export interface ServiceRef {
  readonly namespace: string;
  readonly name: string;
  /** The Service port as written: a number or a Service port name. */
  readonly port?: string;
}

/** One endpoint pod of a Service, with the pod port the queried Service port means on it. */
export interface ServiceBackend {
  readonly endpoint: Endpoint;
  /** The pod port; absent when no Service port was asked for (a source). */
  readonly port?: number;
}

export interface ResolvedService {
  readonly service: Service;
  readonly servicePort?: ServicePort;
  /** The endpoints serving the port (every endpoint when no port was asked for), in id order. */
  readonly backends: readonly ServiceBackend[];
  /** Endpoints left out because they do not declare a named targetPort, with the reason. */
  readonly skipped: readonly string[];
}

/** Whether an end names a Service (`svc/...`). */
export function isServiceRef(text: string): boolean {
  return text.startsWith(SERVICE_PREFIX);
}

/** Parses `svc/NS/NAME[:PORT]`; throws with the expected form. */
export function parseServiceRef(text: string): ServiceRef {
  const m = /^svc\/([^/:]+)\/([^/:]+)(?::([^/:]+))?$/.exec(text);
  if (!m) throw new Error(`"${text}" is not a Service reference: write svc/NAMESPACE/NAME, or svc/NAMESPACE/NAME:PORT (a Service port number or name)`);
  return { namespace: m[1], name: m[2], ...(m[3] !== undefined ? { port: m[3] } : {}) };
}

function portText(p: ServicePort): string {
  return `${p.port}/${p.protocol}${p.name ? ` (${p.name})` : ''}`;
}

/**
 * The endpoints of a Service and, when `port` is given, the pod port it forwards to on each. Throws an Error (a
 * user's mistake) for an unknown Service or port, a Service without selector or without endpoints in the input,
 * and a named targetPort that no endpoint declares.
 *
 * @param protocol restricts the Service ports considered (a port number served on TCP and UDP needs it)
 */
export function resolveService(cluster: Cluster, ref: ServiceRef, port: string | undefined, protocol: string | undefined): ResolvedService {
  const id = `${ref.namespace}/${ref.name}`;
  const service = cluster.services.find((s) => s.id === id);
  if (!service) {
    const inNamespace = cluster.services.filter((s) => s.namespace === ref.namespace).map((s) => s.name);
    throw new Error(`unknown Service ${id}: the input has no Service ${ref.name} in namespace ${ref.namespace}`
      + (inNamespace.length > 0 ? `; Services there: ${inNamespace.join(', ')}` : cluster.services.length > 0
        ? `; Services of the input: ${cluster.services.map((s) => s.id).join(', ')}` : '; the input holds no Service: add its manifest to PATH'));
  }
  if (service.selector === undefined) {
    throw new Error(`Service ${id} has no spec.selector (type ${service.type}): its endpoints are not chosen by labels, so the input does not `
      + 'say which pods back it; name the pod or workload as NAMESPACE/NAME instead');
  }
  const selector = service.selector;
  const endpoints = serviceEndpoints(cluster, service);
  const selectorText = [...selector].map(([k, v]) => `${k}=${v}`).join(',');
  if (endpoints.length === 0) {
    throw new Error(`Service ${id} has no endpoints in the input: no pod or workload of namespace ${service.namespace} has the labels of its selector `
      + `(${selectorText}); add the workload's manifests to PATH, or fix spec.selector or the pod template labels`);
  }
  if (port === undefined) return { service, backends: endpoints.map((endpoint) => ({ endpoint })), skipped: [] };

  const candidates = service.ports.filter((p) => (/^[0-9]+$/.test(port) ? p.port === Number(port) : p.name === port)
    && (protocol === undefined || p.protocol === protocol));
  if (candidates.length === 0) {
    throw new Error(`Service ${id} has no port ${port}${protocol ? ` for ${protocol}` : ''}: its ports are `
      + `${service.ports.length > 0 ? service.ports.map(portText).join(', ') : '(none)'}; give one of them as svc/${id}:PORT (a Service port, not a pod port)`);
  }
  if (candidates.length > 1) {
    throw new Error(`Service ${id} port ${port} is served on ${candidates.map((p) => p.protocol).join(' and ')}: choose one with --protocol`);
  }
  const servicePort = candidates[0];
  const target = servicePort.targetPort;
  if (typeof target === 'number') return { service, servicePort, backends: endpoints.map((endpoint) => ({ endpoint, port: target })), skipped: [] };
  const backends: ServiceBackend[] = [];
  const skipped: string[] = [];
  for (const endpoint of endpoints) {
    const found = targetPortOn(servicePort, endpoint);
    if (found !== undefined) backends.push({ endpoint, port: found });
    else skipped.push(`${endpoint.id} declares no ${servicePort.protocol} container port named "${target}", so it is not an endpoint of this port`);
  }
  if (backends.length === 0) {
    throw new Error(`no endpoint of Service ${id} declares a ${servicePort.protocol} container port named "${target}" (the targetPort of port `
      + `${portText(servicePort)}); endpoints: ${endpoints.map((e) => e.id).join(', ')}; fix spec.ports[].targetPort, or name the container port `
      + `"${target}" in the pod template (ports[].name)`);
  }
  return { service, servicePort, backends, skipped };
}

/** One end of a Service-aware query: a Service's backends, or one ordinary target. */
export interface QueryEnds {
  /** How the end was written (`svc/shop/web:443`, `shop/web`, an IP). */
  readonly text: string;
  readonly service?: ResolvedService;
  /** The targets: the Service's backends, or the one target. */
  readonly targets: readonly { target: Target; port?: number }[];
}

/**
 * Explains a flow where either end may be a Service: one explanation per pair of targets (on each backend's pod
 * port for a Service destination), under a first line that sums them up.
 *
 * @param port the query port when the destination is not a Service (a Service destination brings its own)
 */
export function explainServiceFlow(cluster: Cluster, from: QueryEnds, to: QueryEnds, port: QueryPort | undefined): string {
  const pairs: { src: Target; dst: Target; q: QueryPort; v: FlowVerdict }[] = [];
  for (const s of from.targets) {
    for (const d of to.targets) {
      const q: QueryPort = to.service ? { protocol: to.service.servicePort!.protocol, port: d.port } : port!;
      pairs.push({ src: s.target, dst: d.target, q, v: evaluateFlow(cluster, s.target, d.target, q) });
    }
  }
  const allowed = pairs.filter((p) => p.v.allowed).length;
  const undecidable = pairs.filter((p) => p.v.undecidable !== undefined).length;
  const n = pairs.length;
  const word = allowed === n ? 'ALLOWED' : allowed > 0 ? 'PARTLY ALLOWED' : undecidable > 0 ? 'UNDECIDABLE' : 'DENIED';
  const unit = `${from.service && to.service ? 'pairs of endpoints' : 'endpoints'}`.replace(/s$/, n === 1 ? '' : 's');
  const prep = from.service && to.service ? 'for' : to.service ? 'to' : 'from';
  const counts = [`allowed ${prep} ${allowed} of ${n} ${unit}`, ...(undecidable > 0 ? [`undecidable offline ${prep} ${undecidable}`] : [])];
  const describe = (e: QueryEnds) => {
    if (!e.service) return e.text;
    const r = e.service;
    const sp = r.servicePort ? `:${r.servicePort.port}` : '';
    const target = r.servicePort ? ` -> targetPort ${r.servicePort.targetPort}` : '';
    return `Service ${r.service.id}${sp}${r.servicePort ? ` (${r.servicePort.protocol}/${r.servicePort.port}${target})` : ''}`;
  };
  const portPart = to.service ? '' : ` on ${port!.protocol}/${port!.name ?? port!.port}`;
  const lines = [`${describe(from)} -> ${describe(to)}${portPart}: ${word}: ${counts.join(', ')}`];
  for (const e of [from, to]) {
    if (!e.service) continue;
    const backends = e.service.backends.map((b) => `${b.endpoint.id}${b.port !== undefined ? ` (pod port ${e.service!.servicePort!.protocol}/${b.port})` : ''}`);
    lines.push(`  endpoints of Service ${e.service.service.id}: ${backends.join(', ')}`);
    for (const s of e.service.skipped) lines.push(`  not an endpoint: ${s}`);
  }
  for (const p of pairs) {
    lines.push(...explainFlow(cluster, p.src, p.dst, p.q).split('\n').map((l) => `  ${l}`));
    if (to.service) lines.push(...servicePortConfusion(cluster, p, to.service.servicePort!));
  }
  return lines.join('\n');
}

/**
 * A note for a side that denies the pod port but has a rule for the Service port: NetworkPolicy ports are pod ports,
 * so a rule written for the Service port (443 in front of 9443) does not apply (a known scaffolding bug).
 */
function servicePortConfusion(cluster: Cluster, p: { src: Target; dst: Target; q: QueryPort; v: FlowVerdict }, servicePort: ServicePort): string[] {
  if (p.v.allowed || p.v.port === undefined || p.v.port === servicePort.port) return [];
  const asService = evaluateFlow(cluster, p.src, p.dst, { protocol: p.q.protocol, port: servicePort.port });
  const out: string[] = [];
  for (const side of ['egress', 'ingress'] as const) {
    const now = p.v[side];
    const then = asService[side];
    if (!now || now.allowed || !then || then.allowedBy.length === 0) continue;
    out.push(`    note: ${then.allowedBy.join(', ')} ${then.allowedBy.length === 1 ? 'allows' : 'allow'} ${p.q.protocol}/${servicePort.port}, the Service port; `
      + `NetworkPolicy ports are pod ports (after the Service), so allow ${p.q.protocol}/${p.v.port}, the targetPort on ${p.dst.id}`);
  }
  return out;
}

/**
 * The endpoints whose configuration (env values, args, command) names a Service as a host: `name.namespace`,
 * `name.namespace.svc` and `name.namespace.svc.<cluster domain>` from any namespace; from the Service's own
 * namespace also the bare name, but only with a scheme (`http://name`) or a port (`name:8080`), since a bare word
 * is too often something else. The Service's own pods are left out.
 */
export function serviceClients(cluster: Cluster, service: Service): Endpoint[] {
  const own = new Set(serviceEndpoints(cluster, service));
  const name = escapeRegExp(service.name);
  const ns = escapeRegExp(service.namespace);
  const before = '(?:^|[\\s/@=,;"\'(])';
  const after = '(?=$|[\\s:/,;"\'?)])';
  const qualified = new RegExp(`${before}${name}\\.${ns}(?:\\.svc(?:\\.[a-z0-9-]+)*)?${after}`);
  const bare = new RegExp(`(?:://${name}${after}|${before}${name}:[0-9]+(?=$|[^0-9]))`);
  return cluster.endpoints.filter((e) => e.references !== undefined && !own.has(e)
    && e.references.some((r) => qualified.test(r) || (e.namespace === service.namespace && bare.test(r))));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
