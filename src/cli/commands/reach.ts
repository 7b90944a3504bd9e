import { isReplicated } from '../../semantics/evaluate';
import { matrixLegend, matrixLines, matrixMark, undecidableNotes } from '../../semantics/matrix-text';
import { parseArgs, portFromArgs } from '../args';
import { CliIo, Command, EXIT_OK, UsageError } from '../io';
import { INPUT_FLAGS, INPUT_HELP, inputOptions, loadReachability, PATH_HELP, userQuery } from '../load';
import { OutputStream } from '../stream';

const FORMATS = ['table', 'markdown', 'json', 'mermaid'];

export const reachCommand: Command = {
  name: 'reach',
  summary: 'print the reachability matrix of all pods and workloads for one port',
  help: `Usage: cdk8s-netpol reach PATH... --port P [--protocol TCP|UDP|SCTP] [--output table|markdown|json|mermaid]

Print which pods and workloads may connect to which, on one port, under the NetworkPolicies in PATH
(and its ClusterNetworkPolicies, policy.networking.k8s.io/v1alpha2: Admin and Baseline tiers).

Arguments:
${PATH_HELP}

Options:
  --port P             the destination port: a number (8080), or a container port name (http) that is
                       resolved on each destination; required
  --protocol PROTO     TCP (default), UDP or SCTP
  --output FORMAT      table (default), markdown, json or mermaid
${INPUT_HELP}

Rows are sources, columns destinations. Marks: ✓ allowed, · denied, ? undecidable offline (an end uses
the host network, where NetworkPolicy behaviour is undefined upstream; a line under the table says
which; in JSON "allowed": null, "decidable": false, the "reason", and "policiesAlone", the verdict of
the policies alone). Self pairs are included: a pod
cannot block access to itself, and for a workload of several pods (spec.replicas above 1, a
DaemonSet) the cell is the verdict between two different replicas.
Exit status: 0 success, 2 invalid input or usage.
`,
  run(args: string[], io: CliIo): number {
    const parsed = parseArgs(args, {
      port: { value: true },
      protocol: { value: true },
      output: { value: true, alias: 'o' },
      ...INPUT_FLAGS,
    });
    if (parsed.switches.has('help')) {
      io.stdout(this.help);
      return EXIT_OK;
    }
    const output = parsed.values.get('output') ?? 'table';
    if (!FORMATS.includes(output)) throw new UsageError(`--output ${output} is not supported: use ${FORMATS.join(', ')}`);
    const portText = parsed.values.get('port');
    const port = portFromArgs(portText, parsed.values.get('protocol'));
    const reach = loadReachability(parsed.positionals, io, inputOptions(parsed));
    const ids = reach.endpoints();
    const m = userQuery(() => reach._matrix(port));
    // Streamed: the output grows with pods², so it is never built as one string.
    const out = new OutputStream(io);
    const n = ids.length;
    switch (output) {
      case 'json': {
        const portValue = JSON.stringify(/^[0-9]+$/.test(portText!) ? Number(portText) : portText);
        const protocol = JSON.stringify(port.protocol);
        out.write('{ "results": [');
        for (let i = 0; i < n; i++) {
          const from = JSON.stringify(ids[i]);
          for (let j = 0; j < n; j++) {
            // An undecidable pair is neither allowed nor denied: `allowed` is null, so that a consumer reading it sees
            // no verdict, and `policiesAlone` carries what the policies alone say (what explain prints).
            const reason = m.anyUndecidable ? m.undecidable(i, j) : undefined;
            const verdict = reason === undefined
              ? `"allowed":${m.allowed(i, j)}`
              : `"allowed":null,"decidable":false,"reason":${JSON.stringify(reason)},"policiesAlone":${m.policiesAlone(i, j)}`;
            out.write(`${i + j === 0 ? '' : ','}\n  {"from":${from},"to":${JSON.stringify(ids[j])},"port":${portValue},"protocol":${protocol},${verdict}}`);
          }
        }
        out.write(`${n === 0 ? '' : '\n'}] }\n`);
        break;
      }
      case 'markdown':
        out.line(`Reachability on ${port} (${matrixLegend(m)})`);
        out.line('');
        out.line(`| from \\ to | ${ids.map((id) => `\`${id}\``).join(' | ')} |`);
        out.line(`|---|${ids.map(() => ':---:').join('|')}|`);
        for (let i = 0; i < n; i++) {
          const cells: string[] = [];
          for (let j = 0; j < n; j++) cells.push(matrixMark(m, i, j));
          out.line(`| \`${ids[i]}\` | ${cells.join(' | ')} |`);
        }
        if (m.anyUndecidable) out.line('');
        for (const note of undecidableNotes(m)) out.line(note.replace(/^\?/, '`?`'));
        break;
      case 'mermaid':
        // Allowed flows between different pods; a pod to itself is always allowed and left out to keep the graph
        // readable, a workload of several pods keeps its loop when two of its replicas may connect.
        out.line('flowchart LR');
        ids.forEach((id, i) => out.line(`  n${i}["${id}"]`));
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) if ((i !== j || isReplicated(m.endpoints[i])) && m.allowed(i, j)) out.line(`  n${i} -->|${port}| n${j}`);
        }
        for (const note of undecidableNotes(m)) out.line(`  %% ${note.replace(/^\? /, 'undecidable offline, left out: ')}`);
        break;
      default:
        matrixLines(m, String(port), (l) => out.line(l));
    }
    out.flush();
    return EXIT_OK;
  },
};
