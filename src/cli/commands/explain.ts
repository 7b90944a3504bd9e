import { parseArgs, portFromArgs } from '../args';
import { CliIo, Command, EXIT_OK, UsageError } from '../io';
import { IGNORE_FLAG, IGNORE_HELP, loadReachability, PATH_HELP, userQuery } from '../load';

export const explainCommand: Command = {
  name: 'explain',
  summary: 'explain why one connection is allowed or denied',
  help: `Usage: cdk8s-netpol explain PATH... --from NS/NAME|IP --to NS/NAME|IP --port P [--protocol TCP|UDP|SCTP]

Explain whether a connection is allowed under the NetworkPolicies in PATH: which policies isolate each
end, and which rule (policy ns/name spec.ingress[i]) allows it, or that none does.

Arguments:
${PATH_HELP}

Options:
  --from NS/NAME|IP    the source: a pod or workload, or an IP address outside the cluster
  --to NS/NAME|IP      the destination: a pod or workload, or an IP address
  --port P             the destination port: a number, or a container port name resolved on the destination
  --protocol PROTO     TCP (default), UDP or SCTP
${IGNORE_HELP}
  -h, --help           show this help

Exit status: 0 when explained (allowed or not), 2 invalid input or usage.
`,
  run(args: string[], io: CliIo): number {
    const parsed = parseArgs(args, {
      from: { value: true },
      to: { value: true },
      port: { value: true },
      protocol: { value: true },
      ignore: IGNORE_FLAG,
      help: { value: false, alias: 'h' },
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
    const reach = loadReachability(parsed.positionals, io, parsed.lists.get('ignore'));
    io.stdout(userQuery(() => reach.explain(from, to, port)) + '\n');
    return EXIT_OK;
  },
};
