import * as ps from '../../model/port-set';
import { evaluateFlow, ruleSpec, policySelects } from '../../semantics/evaluate';
import { Cluster, Endpoint, Service } from '../../semantics/model';
import { serviceClients, serviceEndpoints, targetPortOn } from '../../semantics/services';
import { list, policiesIn } from '../helpers';
import { LintRule, RawFinding } from '../model';
import { LintSeverity } from '../severity';

/**
 * A Service exists to be reached: when every pod behind it is isolated for Ingress and no ingress rule of theirs
 * allows any of its target ports from anyone, no client can use it.
 */
export const NP018: LintRule = {
  id: 'NP018',
  name: 'service-unreachable',
  severity: LintSeverity.ERROR,
  summary: 'A Service whose pods are all isolated for Ingress and admit no client on any of its ports, or none of the input while a workload is configured to use it.',
  why: 'A Service declares that clients connect to its pods on its ports. When every pod behind it is isolated for Ingress and no ingress rule allows any of its target ports, from any peer, every connection through the Service is denied: usually a default-deny without the allowance it needs, or an allowance on the wrong port. When rules do admit the ports, but only from peers the input does not hold, the Service is judged only if a workload of the input names it in its configuration (env values, args, command: `name.namespace[.svc...]`, or `http://name` / `name:port` in its own namespace) and no pod of the input may reach it: that client is cut off. Services without a selector, and host-network pods (whose policy behaviour is undefined), are not judged.',
  fix: 'Add an ingress rule for the Service\'s target port (the pod port) from the clients that use it, or delete the Service if nothing should reach it.',
  check: ({ cluster }) => {
    const findings: RawFinding[] = [];
    for (const service of cluster.services) {
      if (service.selector === undefined || service.ports.length === 0) continue;
      const endpoints = serviceEndpoints(cluster, service);
      if (endpoints.length === 0 || endpoints.some((e) => e.hostNetwork)) continue;
      const admits = (e: Endpoint): boolean => {
        const isolating = policiesIn(cluster, e.namespace).filter((p) => p.isolatesIngress && policySelects(p, e));
        if (isolating.length === 0) return true;
        return service.ports.some((sp) => {
          const target = targetPortOn(sp, e);
          return target !== undefined && isolating.some((p) => p.ingress.some((r) => ps.specAllows(ruleSpec(r), sp.protocol, target, e.ports)));
        });
      };
      const ports = service.ports.map((sp) => `${sp.protocol}/${sp.port} -> ${sp.targetPort}`);
      if (endpoints.some(admits)) {
        const clients = deniedClients(cluster, service, endpoints);
        if (clients.length > 0) {
          findings.push({
            object: `Service ${service.id}`,
            path: 'spec.ports',
            message: `Service ${service.id} (ports ${list(ports, 4)}) is used by ${list(clients.map((c) => c.id), 3)} (named in its configuration), but no pod of the input may reach ${list(endpoints.map((e) => e.id), 3)}, which are isolated for Ingress, on its target ports: the rules that admit those ports name only peers the input does not hold. Fix: allow the target port from ${clients[0].id} (and the Service's other clients) in a policy that selects those pods, and egress to them from the clients; \`cdk8s-netpol explain --from ${clients[0].id} --to svc/${service.id}:${service.ports[0].port}\` shows which side denies`,
          });
        }
        continue;
      }
      // A rule for the Service port instead of the pod port: the cause, which NP017 reports on the rule.
      const servicePortAllowed = service.ports.filter((sp) => endpoints.some((e) => policiesIn(cluster, e.namespace)
        .some((p) => p.isolatesIngress && policySelects(p, e) && p.ingress.some((r) => ps.specAllows(ruleSpec(r), sp.protocol, sp.port, e.ports)))));
      const cause = servicePortAllowed.length > 0
        ? ` (a rule allows the Service port ${servicePortAllowed.map((sp) => `${sp.protocol}/${sp.port}`).join(', ')} instead of the pod port: see NP017)`
        : '';
      findings.push({
        object: `Service ${service.id}`,
        path: 'spec.ports',
        message: `Service ${service.id} (ports ${list(ports, 4)}) sends to ${list(endpoints.map((e) => e.id), 3)}, which are isolated for Ingress, and no ingress rule of theirs allows any of its target ports from any peer${cause}: no client can reach the Service. Fix: allow the target port from the Service's clients in a policy that selects those pods, or delete the Service`,
      });
    }
    return findings;
  },
};

/**
 * The clients a Service's configuration names (serviceClients) when no pod of the input, those clients included, may
 * reach any of its pods on any of its target ports: the rules that let the port in admit only peers the input does not
 * hold. Empty otherwise, and when an end uses the host network (undecidable).
 */
function deniedClients(cluster: Cluster, service: Service, endpoints: readonly Endpoint[]): Endpoint[] {
  const clients = serviceClients(cluster, service);
  if (clients.length === 0 || clients.some((c) => c.hostNetwork)) return [];
  const own = new Set(endpoints);
  const reaches = (from: Endpoint) => endpoints.some((e) => service.ports.some((sp) => {
    const port = targetPortOn(sp, e);
    if (port === undefined) return false;
    return evaluateFlow(cluster, { endpoint: from, id: from.id }, { endpoint: e, id: e.id }, { protocol: sp.protocol, port }).allowed;
  }));
  if (clients.some(reaches)) return [];
  if (cluster.endpoints.some((c) => !own.has(c) && !c.hostNetwork && reaches(c))) return [];
  return clients;
}
