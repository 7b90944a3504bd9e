import { cidrsOverlap, parseCidr } from '../../private/cidr';
import { clusterPolicySelects, policySelects } from '../../semantics/evaluate';
import { Reachability } from '../../semantics/reachability';
import { parseArgs, portFromArgs } from '../args';
import { CliIo, Command, EXIT_OK, UsageError } from '../io';
import { INPUT_FLAGS, INPUT_HELP, inputOptions, loadReachability, PATH_HELP, userQuery } from '../load';

export const explainCommand: Command = {
  name: 'explain',
  summary: 'explain why one connection is allowed or denied',
  help: `Usage: cdk8s-netpol explain PATH... --from NS/NAME|IP --to NS/NAME|IP --port P [--protocol TCP|UDP|SCTP]

Explain whether a connection is allowed under the NetworkPolicies in PATH: which policies isolate each
end, and which rule (policy ns/name spec.ingress[i]) allows it, or that none does. With
ClusterNetworkPolicies (policy.networking.k8s.io/v1alpha2), each side names the tier that decided (Admin,
NetworkPolicy, Baseline, or the default) and the deciding ClusterNetworkPolicy rule, including a Pass that
hands the decision down.

Arguments:
${PATH_HELP}

Options:
  --from NS/NAME|IP    the source: a pod or workload, or an IP address outside the cluster
  --to NS/NAME|IP      the destination: a pod or workload, or an IP address
  --port P             the destination port: a number, or a container port name resolved on the destination
  --protocol PROTO     TCP (default), UDP or SCTP
${INPUT_HELP}

Exit status: 0 when explained (allowed or not), 2 invalid input or usage.
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
    const port = portFromArgs(parsed.values.get('port'), parsed.values.get('protocol'));
    const reach = loadReachability(parsed.positionals, io, inputOptions(parsed));
    const text = userQuery(() => reach.explain(from, to, port));
    io.stdout(text + '\n' + ipBlockNote(reach, [from, to]));
    return EXIT_OK;
  },
};

/** Ranges pod IPs are usually taken from: private and shared address space, and ULAs. */
const POD_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7'].map((c) => parseCidr(c)!);

/**
 * A note when a policy of either end has an ipBlock that may cover pod IPs: the engine matches ipBlocks against pods
 * only when the manifests give their IPs, while many network plugins match pod IPs against ipBlocks.
 */
function ipBlockNote(reach: Reachability, ends: string[]): string {
  const cluster = reach._cluster();
  const endpoints = cluster.endpoints.filter((e) => ends.includes(e.id));
  const blocks = new Set<string>();
  for (const policy of cluster.policies) {
    if (!endpoints.some((e) => policySelects(policy, e))) continue;
    for (const rule of [...policy.ingress, ...policy.egress]) {
      for (const peer of rule.peers ?? []) {
        const block = peer.ipBlock;
        if (block && (block.cidr.prefix === 0 || POD_RANGES.some((r) => cidrsOverlap(r, block.cidr)))) blocks.add(`${block.text} (policy ${policy.id})`);
      }
    }
  }
  // ClusterNetworkPolicy networks: upstream says they match cluster-internal traffic too.
  for (const policy of cluster.clusterPolicies ?? []) {
    if (!endpoints.some((e) => clusterPolicySelects(cluster, policy, e))) continue;
    for (const rule of policy.egress) {
      for (const peer of rule.peers) {
        for (const cidr of peer.networks ?? []) {
          if (cidr.prefix === 0 || POD_RANGES.some((r) => cidrsOverlap(r, cidr))) blocks.add(`${cidr.text} (ClusterNetworkPolicy ${policy.id})`);
        }
      }
    }
  }
  if (blocks.size === 0) return '';
  return `note: ${[...blocks].sort().join(', ')} may cover pod IPs. The engine matches an ipBlock (or network) against a pod only when the `
    + 'manifests give its IP (status.podIP); many network plugins match pod IPs against ipBlocks, so a pod-to-pod flow '
    + 'answered DENIED here may pass in the cluster (see lint NP010, NP012).\n';
}
