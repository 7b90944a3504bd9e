import { Cidr, cidrsOverlap, parseCidr } from '../../private/cidr';
import { Reachability } from '../../reachability/reachability';
import { actionWord } from '../../semantics/cluster-policy';
import { clusterPolicySelects, policySelects, portsMatch, resolveQueryPort, Target } from '../../semantics/evaluate';
import { PolicyPort, QueryPort } from '../../semantics/model';
import { explainServiceFlow, isServiceRef, parseServiceRef, QueryEnds, resolveService, ServiceRef } from '../../semantics/services';
import { parseArgs, portFromArgs } from '../args';
import { CliIo, Command, EXIT_OK, UsageError } from '../io';
import { INPUT_FLAGS, INPUT_HELP, InputOptions, inputOptions, loadReachability, PATH_HELP, unaccepted, unanalyzedName, userQuery } from '../load';

export const explainCommand: Command = {
  name: 'explain',
  summary: 'explain why one connection is allowed or denied',
  help: `Usage: cdk8s-netpol explain PATH... --from NS/NAME|IP|svc/NS/NAME --to NS/NAME|IP|svc/NS/NAME:PORT --port P
                              [--protocol TCP|UDP|SCTP]

Explain whether a connection is allowed under the NetworkPolicies in PATH: which policies isolate each
end, and which rule (policy ns/name spec.ingress[i]) allows it, or that none does. The first line is
the verdict: ALLOWED, DENIED, or UNDECIDABLE with the reason (a pod that uses the host network, where
NetworkPolicy behaviour is undefined upstream). From a workload of several pods (spec.replicas above
1, a DaemonSet) to itself, the verdict is the one between two different replicas. With
ClusterNetworkPolicies (policy.networking.k8s.io/v1alpha2), each side names the tier that decided (Admin,
NetworkPolicy, Baseline, or the default) and the deciding ClusterNetworkPolicy rule, including a Pass that
hands the decision down.

Arguments:
${PATH_HELP}

Options:
  --from END           the source: a pod or workload (NS/NAME), an IP address outside the cluster, or
                       svc/NS/NAME: the endpoint pods of a Service (svc/NS/NAME:PORT keeps those that
                       serve that Service port)
  --to END             the destination: a pod or workload, an IP address, or svc/NS/NAME:PORT: the
                       Service's endpoint pods, each on the pod port its targetPort names there (a
                       number, or a container port name resolved on each pod); PORT is a Service port
                       number or name, or give it with --port
  --port P             the destination port: a number, or a container port name resolved on the
                       destination; for a Service destination, the Service port
  --protocol PROTO     TCP (default), UDP or SCTP; for a Service, only its ports of that protocol
${INPUT_HELP}

With a Service, the first line sums up (allowed to N of M endpoints) and each endpoint is explained
below it. The pods of a Service are those of its namespace with every label of spec.selector.

Exit status: 0 when explained (allowed, denied or undecidable), 2 invalid input or usage (also an
unknown Service or Service port, a Service without selector or without endpoints in the input, a
named targetPort that no endpoint declares).
`,
  run(args: string[], io: CliIo): number {
    const parsed = parseArgs(args, {
      from: { value: true },
      to: { value: true },
      port: { value: true },
      protocol: { value: true },
      ...INPUT_FLAGS,
    });
    if (parsed.switches.has('help')) {
      io.stdout(this.help);
      return EXIT_OK;
    }
    const from = parsed.values.get('from');
    const to = parsed.values.get('to');
    if (from === undefined) throw new UsageError('--from is required (namespace/name of a pod or workload, or an IP address)');
    if (to === undefined) throw new UsageError('--to is required (namespace/name of a pod or workload, or an IP address)');
    if (isServiceRef(from) || isServiceRef(to)) return explainService(parsed, from, to, io);
    const port = portFromArgs(parsed.values.get('port'), parsed.values.get('protocol'));
    const input = inputOptions(parsed);
    const reach = loadReachability(parsed.positionals, io, input);
    const text = userQuery(() => reach.explain(from, to, port));
    const src = reach._target(from);
    const dst = reach._target(to);
    const q: QueryPort = port.name !== undefined ? { protocol: port.protocol, name: port.name } : { protocol: port.protocol, port: port.number };
    const flow = { src, dst, protocol: port.protocol, port: resolveQueryPort(q, dst).port };
    io.stdout(text + '\n' + unanalyzedNote(reach, [flow], input) + ipBlockNote(reach, [flow]));
    return EXIT_OK;
  },
};

/** `explain` with a Service at either end: each endpoint pod explained, under a summary. */
function explainService(parsed: ReturnType<typeof parseArgs>, from: string, to: string, io: CliIo): number {
  const fromRef = isServiceRef(from) ? userQuery(() => parseServiceRef(from)) : undefined;
  const toRef = isServiceRef(to) ? userQuery(() => parseServiceRef(to)) : undefined;
  const protocolText = parsed.values.get('protocol');
  const portText = parsed.values.get('port');
  let query: QueryPort | undefined;
  let servicePort: string | undefined;
  const protocol = protocolText === undefined ? undefined : portFromArgs('1', protocolText).protocol;
  if (toRef) {
    if (toRef.port !== undefined && portText !== undefined) {
      throw new UsageError(`give the Service port once: --to ${to} names port ${toRef.port}, and --port ${portText} is given too`);
    }
    servicePort = toRef.port ?? portText;
    if (servicePort === undefined) throw new UsageError(`--to ${to}: which Service port? write svc/${toRef.namespace}/${toRef.name}:PORT (a Service port number or name)`);
  } else {
    const port = portFromArgs(portText, protocolText);
    query = port.name !== undefined ? { protocol: port.protocol, name: port.name } : { protocol: port.protocol, port: port.number };
  }
  const input = inputOptions(parsed);
  const reach = loadReachability(parsed.positionals, io, input);
  const cluster = reach._withStandIns();
  const ends = (text: string, ref: ServiceRef | undefined, port: string | undefined): QueryEnds => userQuery(() => {
    if (!ref) return { text, targets: [{ target: reach._target(text) }] };
    const service = resolveService(cluster, ref, port, port === undefined ? undefined : protocol);
    return { text, service, targets: service.backends.map((b) => ({ target: { endpoint: b.endpoint, id: b.endpoint.id }, port: b.port })) };
  });
  const src = ends(from, fromRef, fromRef?.port);
  const dst = ends(to, toRef, servicePort);
  const flowProtocol = query?.protocol ?? dst.service?.servicePort?.protocol ?? protocol ?? 'TCP';
  const flows = src.targets.flatMap((s) => dst.targets.map((d) => ({
    src: s.target,
    dst: d.target,
    protocol: flowProtocol,
    port: d.port ?? (query ? resolveQueryPort(query, d.target).port : undefined),
  })));
  io.stdout(explainServiceFlow(cluster, src, dst, query) + '\n' + unanalyzedNote(reach, flows, input) + ipBlockNote(reach, flows));
  return EXIT_OK;
}

/**
 * The objects of other policy APIs (read, not evaluated) that may decide one of the flows too: cluster-wide ones, and
 * namespaced ones in the namespace of a pod end. Accepted kinds (`--accept-unanalyzed`) are left out.
 */
function unanalyzedNote(reach: Reachability, flows: readonly NotedFlow[], input: InputOptions): string {
  const namespaces = new Set(flows.flatMap((f) => [f.src.endpoint?.namespace, f.dst.endpoint?.namespace]).filter((n) => n !== undefined));
  const relevant = unaccepted(reach._cluster().unanalyzed, input)
    .filter((o) => o.clusterWide || (o.namespace !== undefined && namespaces.has(o.namespace)));
  if (relevant.length === 0) return '';
  const lines = ['  NOT EVALUATED, and may decide this differently: objects of other policy APIs that apply to these ends'];
  for (const o of relevant) lines.push(`    ${unanalyzedName(o)} (${o.apiVersion}, enforced by ${o.owner}; ${o.source})`);
  lines.push('    the answer above is what the NetworkPolicies and tiered policies alone decide');
  return lines.join('\n') + '\n';
}

/** Ranges pod IPs are usually taken from: private and shared address space, and ULAs. */
const POD_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7'].map((c) => parseCidr(c)!);

/** One flow an explanation answers: its ends, protocol, and the port on the destination (absent: a named port it does not declare). */
interface NotedFlow {
  readonly src: Target;
  readonly dst: Target;
  readonly protocol: string;
  readonly port?: number;
}

/**
 * A note when a rule that decides one of the explained pod-to-pod flows has an ipBlock (or a ClusterNetworkPolicy
 * network) that may cover pod IPs: the engine matches them against pods only when the manifests give their IPs, while
 * many network plugins match pod IPs against them. Only the rules that decide the flow count: egress rules of the
 * source's policies, ingress rules of the destination's, on the flow's protocol and port; an ipBlock of another
 * direction or port cannot change this answer (issue 20: the note was added to unrelated pod-to-pod flows). Which way the
 * answer may be wrong depends on the rule: an ipBlock or an Accept network may let a flow answered DENIED pass, a
 * Deny network may deny a flow answered ALLOWED, and a Pass network may do either.
 */
function ipBlockNote(reach: Reachability, flows: readonly NotedFlow[]): string {
  const cluster = reach._cluster();
  const blocks = new Set<string>();
  let mayOpen = false;
  let mayClose = false;
  const coversPods = (cidr: Cidr) => cidr.prefix === 0 || POD_RANGES.some((r) => cidrsOverlap(r, cidr));
  const onPort = (rule: { readonly ports?: readonly PolicyPort[] }, f: NotedFlow) => portsMatch(rule, f.protocol, f.port!, f.dst);
  for (const f of flows) {
    const src = f.src.endpoint;
    const dst = f.dst.endpoint;
    // A named port the destination does not declare: nothing to connect to, no rule decides.
    if (f.port === undefined) continue;
    for (const policy of cluster.policies) {
      const rules = [
        ...(src && policy.isolatesEgress && policySelects(policy, src) ? policy.egress : []),
        ...(dst && policy.isolatesIngress && policySelects(policy, dst) ? policy.ingress : []),
      ];
      for (const rule of rules) {
        if (!onPort(rule, f)) continue;
        for (const peer of rule.peers ?? []) {
          const block = peer.ipBlock;
          if (block && coversPods(block.cidr)) {
            blocks.add(`${block.text} (policy ${policy.id} ${peer.path})`);
            mayOpen = true;
          }
        }
      }
    }
    // ClusterNetworkPolicy networks (egress only): upstream says they match cluster-internal traffic too.
    for (const policy of cluster.clusterPolicies ?? []) {
      if (!src || !clusterPolicySelects(cluster, policy, src)) continue;
      for (const rule of policy.egress) {
        if (!onPort(rule, f)) continue;
        for (const peer of rule.peers) {
          for (const cidr of peer.networks ?? []) {
            if (!coversPods(cidr)) continue;
            blocks.add(`${cidr.text} (${policy.kind} ${policy.name} ${rule.path}, ${actionWord(policy.kind, rule.action)})`);
            if (rule.action !== 'Deny') mayOpen = true;
            if (rule.action !== 'Accept') mayClose = true;
          }
        }
      }
    }
  }
  if (blocks.size === 0) return '';
  const effect = mayOpen && mayClose
    ? 'so a pod-to-pod flow answered DENIED here may pass in the cluster, and one answered ALLOWED may be denied'
    : mayClose
      ? 'so a pod-to-pod flow answered ALLOWED here may be denied in the cluster'
      : 'so a pod-to-pod flow answered DENIED here may pass in the cluster';
  return `note: ${[...blocks].sort().join(', ')} may cover pod IPs. The engine matches an ipBlock (or network) against a pod only when the `
    + `manifests give its IP (status.podIP); many network plugins match pod IPs against ipBlocks and networks, ${effect} (see lint NP010, NP012).\n`;
}
