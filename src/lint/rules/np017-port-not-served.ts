import { Endpoint, Service, ServicePort } from '../../semantics/model';
import { servicesOf, targetPortOn } from '../../semantics/services';
import { list, policyObject, ruleDestinations } from '../helpers';
import { LintRule, RawFinding } from '../model';
import { LintSeverity } from '../severity';

/** The ports a pod is known to serve: its declared container ports and the targetPorts of the Services in front of it. */
function servedPorts(services: readonly Service[], e: Endpoint): Set<string> {
  const served = new Set(e.ports.map((p) => `${p.protocol}/${p.port}`));
  for (const s of services) {
    for (const sp of s.ports) {
      const target = targetPortOn(sp, e);
      if (target !== undefined) served.add(`${sp.protocol}/${target}`);
    }
  }
  return served;
}

/** A Service port that is numbered `port` but sends to another pod port: the Service-port/pod-port confusion. */
function confusedServicePort(
  services: readonly Service[], e: Endpoint, protocol: string, port: number,
): { service: Service; sp: ServicePort; target: number } | undefined {
  for (const service of services) {
    for (const sp of service.ports) {
      if (sp.protocol !== protocol || sp.port !== port) continue;
      const target = targetPortOn(sp, e);
      if (target !== undefined && target !== port) return { service, sp, target };
    }
  }
  return undefined;
}

/**
 * NetworkPolicy ports are pod ports: the port a connection arrives on at the pod, after a Service has translated its
 * own port to the targetPort.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource
 */
export const NP017: LintRule = {
  id: 'NP017',
  name: 'port-not-served',
  severity: LintSeverity.ERROR,
  summary: 'A rule allows a port number that no destination pod serves, where the input shows the ports they serve.',
  why: 'NetworkPolicy ports are the ports of the destination pod, not of a Service in front of it. A policy that allows a Service port (443) where the pods listen on the targetPort (9443) allows nothing useful and denies the real traffic: a known scaffolding bug (admission webhooks, metrics endpoints). An error when a Service of the input maps the allowed port to another pod port; a warning when the pods\' declared container ports and Services simply do not include it. Pods that declare no container port and have no Service are not judged (container ports are optional).',
  fix: 'Allow the pod port: the Service\'s targetPort (or the container port it names), not the Service port.',
  check: ({ cluster }) => {
    const findings: RawFinding[] = [];
    for (const p of cluster.policies) {
      for (const [rules, ingress] of [[p.ingress, true], [p.egress, false]] as const) {
        for (const rule of rules) {
          const numbered = (rule.ports ?? []).map((e, i) => ({ e, i })).filter(({ e }) => e.port !== undefined && e.endPort === undefined);
          if (numbered.length === 0) continue;
          const dests = ruleDestinations(cluster, p, rule, ingress);
          if (!dests || dests.endpoints.length === 0) continue;
          const known = dests.endpoints.map((d) => {
            const services = servicesOf(cluster, d);
            return { d, services, served: servedPorts(services, d) };
          });
          // A pod that declares nothing and has no Service may serve anything: the input cannot tell.
          if (known.some((k) => k.served.size === 0 || k.d.hostNetwork)) continue;
          for (const { e, i } of numbered) {
            const key = `${e.protocol}/${e.port}`;
            if (known.some((k) => k.served.has(key))) continue;
            const confusion = known.map((k) => confusedServicePort(k.services, k.d, e.protocol, e.port!)).find((c) => c !== undefined);
            const served = [...new Set(known.flatMap((k) => [...k.served]))].sort();
            const whose = ingress ? 'the pods this policy selects' : 'the pods of the peers';
            const path = `${rule.path}.ports[${i}]`;
            if (confusion) {
              findings.push({
                object: policyObject(p),
                path,
                message: `NetworkPolicy ${p.id}: ${path} allows ${key}, the port of Service ${confusion.service.id}, but NetworkPolicy ports are pod ports and that Service sends ${key} to pod port ${e.protocol}/${confusion.target}${typeof confusion.sp.targetPort === 'string' ? ` (targetPort ${confusion.sp.targetPort})` : ''}, which this rule does not allow: the traffic through the Service is denied. Fix: allow port ${confusion.target}${typeof confusion.sp.targetPort === 'string' ? ` (or the named port ${confusion.sp.targetPort})` : ''} instead of ${e.port}`,
              });
            } else {
              findings.push({
                object: policyObject(p),
                path,
                severity: LintSeverity.WARNING,
                message: `NetworkPolicy ${p.id}: ${path} allows ${key}, but none of ${whose} (${list(known.map((k) => k.d.id), 3)}) serves it as far as the input shows (container ports and Service targetPorts: ${list(served, 8)}). Fix: allow the port the pods listen on, or declare the container port if they do listen on ${e.port}`,
              });
            }
          }
        }
      }
    }
    return findings;
  },
};
