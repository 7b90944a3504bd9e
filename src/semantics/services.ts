/**
 * Services as the engine reads them: which pods a Service sends to, and which pod port a Service port reaches on
 * each of them. NetworkPolicy ports are pod ports, so a Service port means something to a policy only through this.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/service/#field-spec-ports
 */
import { Cluster, Endpoint, Service, ServicePort } from './model';

/** True when the Service's selector picks the endpoint: same namespace, and every selector label on the pod. */
export function serviceSelects(service: Service, endpoint: Endpoint): boolean {
  if (service.selector === undefined || service.namespace !== endpoint.namespace) return false;
  for (const [k, v] of service.selector) if (endpoint.labels.get(k) !== v) return false;
  return true;
}

/** The pods and workloads of the input a Service sends to, in id order. */
export function serviceEndpoints(cluster: Cluster, service: Service): Endpoint[] {
  return cluster.endpoints.filter((e) => serviceSelects(service, e));
}

/** The Services of the input that send to an endpoint. */
export function servicesOf(cluster: Cluster, endpoint: Endpoint): Service[] {
  return cluster.services.filter((s) => serviceSelects(s, endpoint));
}

/**
 * The pod port a Service port reaches on an endpoint: the numeric targetPort, or the container port of that name
 * and protocol on the pod; `undefined` when the pod declares no such name (the Service sends nothing there).
 */
export function targetPortOn(port: ServicePort, endpoint: Endpoint): number | undefined {
  if (typeof port.targetPort === 'number') return port.targetPort;
  return endpoint.ports.find((p) => p.name === port.targetPort && p.protocol === port.protocol)?.port;
}
