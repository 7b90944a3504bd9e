import { Port } from '../../model/port';
import { parseArgs, portFromArgs } from '../args';
import { CliIo, Command, EXIT_OK, UsageError } from '../io';
import { IGNORE_FLAG, IGNORE_HELP, loadReachability, PATH_HELP, userQuery } from '../load';

const FORMATS = ['table', 'markdown', 'json', 'mermaid'];

export const reachCommand: Command = {
  name: 'reach',
  summary: 'print the reachability matrix of all pods and workloads for one port',
  help: `Usage: cdk8s-netpol reach PATH... --port P [--protocol TCP|UDP|SCTP] [--output table|markdown|json|mermaid]

Print which pods and workloads may connect to which, on one port, under the NetworkPolicies in PATH.

Arguments:
${PATH_HELP}

Options:
  --port P             the destination port: a number (8080), or a container port name (http) that is
                       resolved on each destination; required
  --protocol PROTO     TCP (default), UDP or SCTP
  --output FORMAT      table (default), markdown, json or mermaid
${IGNORE_HELP}
  -h, --help           show this help

Rows are sources, columns destinations; self pairs are included (a pod cannot block access to itself).
Exit status: 0 success, 2 invalid input or usage.
`,
  run(args: string[], io: CliIo): number {
    const parsed = parseArgs(args, {
      port: { value: true },
      protocol: { value: true },
      output: { value: true, alias: 'o' },
      ignore: IGNORE_FLAG,
      help: { value: false, alias: 'h' },
    });
    if (parsed.switches.has('help')) {
      io.stdout(this.help);
      return EXIT_OK;
    }
    const output = parsed.values.get('output') ?? 'table';
    if (!FORMATS.includes(output)) throw new UsageError(`--output ${output} is not supported: use ${FORMATS.join(', ')}`);
    const portText = parsed.values.get('port');
    const port = portFromArgs(portText, parsed.values.get('protocol'));
    const reach = loadReachability(parsed.positionals, io, parsed.lists.get('ignore'));
    const ids = reach.endpoints();
    const m = userQuery(() => reach._matrix(port));
    switch (output) {
      case 'json': {
        const portValue = /^[0-9]+$/.test(portText!) ? Number(portText) : portText;
        const results = [];
        for (let i = 0; i < ids.length; i++) {
          for (let j = 0; j < ids.length; j++) {
            results.push({ from: ids[i], to: ids[j], port: portValue, protocol: port.protocol, allowed: m.allowed(i, j) });
          }
        }
        io.stdout(JSON.stringify({ results }, undefined, 2) + '\n');
        break;
      }
      case 'markdown':
        io.stdout(markdown(ids, (i, j) => m.allowed(i, j), port));
        break;
      case 'mermaid':
        io.stdout(mermaid(ids, (i, j) => m.allowed(i, j), port));
        break;
      default:
        io.stdout(reach.matrix(port));
    }
    return EXIT_OK;
  },
};

function markdown(ids: string[], allowed: (i: number, j: number) => boolean, port: Port): string {
  const lines = [
    `Reachability on ${port} (rows: from, columns: to; ✓ allowed, · denied)`,
    '',
    `| from \\ to | ${ids.map((id) => `\`${id}\``).join(' | ')} |`,
    `|---|${ids.map(() => ':---:').join('|')}|`,
  ];
  ids.forEach((id, i) => lines.push(`| \`${id}\` | ${ids.map((_, j) => (allowed(i, j) ? '✓' : '·')).join(' | ')} |`));
  return lines.join('\n') + '\n';
}

/** Allowed flows between different endpoints; self pairs are always allowed and left out to keep the graph readable. */
function mermaid(ids: string[], allowed: (i: number, j: number) => boolean, port: Port): string {
  const lines = ['flowchart LR'];
  ids.forEach((id, i) => lines.push(`  n${i}["${id}"]`));
  ids.forEach((_, i) => ids.forEach((__, j) => {
    if (i !== j && allowed(i, j)) lines.push(`  n${i} -->|${port}| n${j}`);
  }));
  return lines.join('\n') + '\n';
}
