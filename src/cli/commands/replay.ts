import { forEachLineOf } from '../../manifests/line-files';
import { markdownCode } from '../../private/text';
import { ReplayConnection, ReplayReport } from '../../replay/api';
import { Replayer } from '../../replay/replay';
import { InvalidManifestsError } from '../../semantics/model';
import { parseArgs } from '../args';
import { CliIo, Command, EXIT_FINDINGS, EXIT_OK, UsageError } from '../io';
import { INPUT_FLAGS, INPUT_HELP, inputOptions, loadReachability } from '../load';
import { OutputStream } from '../stream';

const FORMATS = ['text', 'markdown', 'json'];
const FAIL_ON = ['breaks', 'never'];

export const replayCommand: Command = {
  name: 'replay',
  summary: 'replay recorded Hubble flows against candidate policies: what the change breaks, what nobody used',
  help: `Usage: cdk8s-netpol replay FLOWS MANIFESTS... [--output text|markdown|json] [--fail-on breaks|never]

Judge connections recorded by Hubble with the NetworkPolicies (and ClusterNetworkPolicies) in MANIFESTS, offline:
which connections that worked when they were recorded the candidate denies (what it breaks, with the policy
and the side no rule allows), what it allows between the observed pods that no flow used (on the ports they
declare), and what the recording covers (time window, nodes that reported and Nodes that did not, pods and
workloads never seen, lines skipped by reason). A connection is (initiator, responder, protocol, responder
port), read from is_reply (or a policy drop, or a TCP SYN without ACK), never from traffic_direction.

Arguments:
  FLOWS                a flow export: hubble observe -o json / -o jsonpb lines, legacy bare Flow lines, or
                       Hubble exporter files; a file (.gz decompressed), a directory (every *.json, *.jsonl,
                       *.log and their .gz, sorted), or - for stdin. Lines that name no connection (blank,
                       not JSON, lost_events, replies, ICMP, drops for other reasons) are counted, not errors
  MANIFESTS            the candidate policies and the cluster's objects, as every command reads them, e.g.
                       dist/ and the output of kubectl get ns,nodes,pods -A -o yaml

Options:
  --output FORMAT      text (default), markdown (for a pull-request comment) or json
  --fail-on WHEN       breaks: exit 1 when a connection that worked would be denied; never (default)
${INPUT_HELP}

Endpoints: a pod of MANIFESTS by namespace and pod_name, else by IP; a Node address, a host-network pod or a
Cilium reserved identity (host, remote-node, kube-apiserver...) is undecidable; reserved:world and cidr:
identities are addresses outside the cluster, named by their IP. A flow whose end is a pod MANIFESTS does
not hold is skipped and counted. See docs/replay.md.
Exit status: 0 success (or no break with --fail-on breaks), 1 something breaks (--fail-on breaks),
2 invalid input or usage.
`,
  run(args: string[], io: CliIo): number {
    const parsed = parseArgs(args, {
      'output': { value: true, alias: 'o' },
      'fail-on': { value: true },
      ...INPUT_FLAGS,
    });
    if (parsed.switches.has('help')) {
      io.stdout(this.help);
      return EXIT_OK;
    }
    const output = parsed.values.get('output') ?? 'text';
    if (!FORMATS.includes(output)) throw new UsageError(`--output ${output} is not supported: use ${FORMATS.join(', ')}`);
    const failOn = parsed.values.get('fail-on') ?? 'never';
    if (!FAIL_ON.includes(failOn)) throw new UsageError(`--fail-on ${failOn} is not supported: use ${FAIL_ON.join(', ')}`);
    if (parsed.positionals.length < 2) {
      throw new UsageError('give the flow export first, then the manifests (the candidate policies and the cluster\'s objects)');
    }
    const [flows, ...manifests] = parsed.positionals;
    if (flows === '-' && manifests.includes('-')) throw new UsageError('stdin can be read once: give the flows or the manifests as files');
    const reach = loadReachability(manifests, io, inputOptions(parsed));
    const replayer = new Replayer(reach._cluster());
    const problems = forEachLineOf([flows], io.readStdin, (line) => replayer.add(line));
    if (problems.length > 0) {
      throw new InvalidManifestsError(problems.map((p) => ({ source: p.source, object: '', path: '', message: p.message, category: 'read' })));
    }
    const report = replayer.report();
    const out = new OutputStream(io);
    if (output === 'json') printJson(report, out);
    else if (output === 'markdown') printMarkdown(report, out);
    else printText(report, out);
    out.flush();
    return failOn === 'breaks' && report.breaks.length > 0 ? EXIT_FINDINGS : EXIT_OK;
  },
};

const name = (c: { source: string; destination: string; protocol: string; port: number }) => `${c.source} -> ${c.destination} ${c.protocol}/${c.port}`;

/** `allowed`, `DENIED`, `undecidable (reason)`, with what was recorded. */
function verdictText(c: ReplayConnection): string {
  const recorded = c.worked && c.dropped ? 'worked and was dropped' : c.worked ? 'worked' : 'dropped by policy';
  const verdict = c.verdict === 'undecidable' ? `undecidable: ${c.reason}` : c.verdict;
  return `${verdict} (recorded: ${recorded}, ${c.flows} flow${c.flows === 1 ? '' : 's'})`;
}

function coverageLines(r: ReplayReport): string[] {
  const c = r.coverage;
  const lines = [
    `window: ${c.firstTime !== undefined ? `${c.firstTime} to ${c.lastTime}` : 'no times in the flows'}`,
    `nodes reporting: ${c.nodesReporting.length > 0 ? c.nodesReporting.join(', ') : 'none named'}`,
  ];
  if (c.nodesSilent.length > 0) lines.push(`Nodes of the input that reported nothing (no evidence from them): ${c.nodesSilent.join(', ')}`);
  if (c.neverSeen.length > 0) lines.push(`never seen in a flow (${c.neverSeen.length}): ${c.neverSeen.slice(0, 20).join(', ')}${c.neverSeen.length > 20 ? ', ...' : ''}`);
  lines.push(`lines read: ${c.lines}`);
  for (const s of c.skipped) lines.push(`  skipped ${s.lines}: ${s.reason}`);
  return lines;
}

function printText(r: ReplayReport, out: OutputStream): void {
  out.line(r.breaks.length === 0 ? 'breaks: none (every connection that worked is still allowed)' : `breaks: ${r.breaks.length} connection${r.breaks.length === 1 ? '' : 's'} that worked would be denied`);
  for (const c of r.breaks) {
    out.line(`  ! ${name(c)} (${c.flows} flow${c.flows === 1 ? '' : 's'})`);
    for (const l of (c.explanation ?? '').split('\n').slice(1)) if (l !== '') out.line(`    ${l.trim()}`);
  }
  out.line(`connections observed: ${r.connections.length}`);
  for (const c of r.connections) out.line(`  ${name(c)}: ${verdictText(c)}`);
  out.line(`allowed and never used: ${r.unobserved.length}`);
  for (const u of r.unobserved) out.line(`  ${name(u)}`);
  out.line('coverage:');
  for (const l of coverageLines(r)) out.line(`  ${l}`);
}

function printMarkdown(r: ReplayReport, out: OutputStream): void {
  out.line('### Replay of recorded traffic');
  out.line('');
  out.line(r.breaks.length === 0
    ? `No break: every connection that worked is still allowed (${r.connections.length} observed).`
    : `**${r.breaks.length} connection${r.breaks.length === 1 ? '' : 's'} that worked would be denied** (${r.connections.length} observed).`);
  if (r.breaks.length > 0) {
    out.line('');
    out.line('| from | to | port | flows | why |');
    out.line('|---|---|---|---|---|');
    for (const c of r.breaks) {
      const why = (c.explanation ?? '').split('\n').slice(1).map((l) => l.trim()).filter((l) => l !== '').map((l) => markdownCode(l, 400)).join('<br>');
      out.line(`| ${markdownCode(c.source)} | ${markdownCode(c.destination)} | ${c.protocol}/${c.port} | ${c.flows} | ${why} |`);
    }
  }
  if (r.unobserved.length > 0) {
    out.line('');
    out.line(`<details><summary>Allowed and never used: ${r.unobserved.length}</summary>`);
    out.line('');
    for (const u of r.unobserved) out.line(`- ${markdownCode(u.source)} -> ${markdownCode(u.destination)} ${u.protocol}/${u.port}`);
    out.line('');
    out.line('</details>');
  }
  out.line('');
  out.line('#### Coverage');
  out.line('');
  for (const l of coverageLines(r)) out.line(`- ${l.trim()}`);
}

function printJson(r: ReplayReport, out: OutputStream): void {
  const connection = (c: ReplayConnection) => ({
    from: c.source,
    to: c.destination,
    protocol: c.protocol,
    port: c.port,
    observed: true,
    allowed: c.verdict === 'undecidable' ? null : c.verdict === 'allowed',
    ...(c.reason !== undefined ? { reason: c.reason } : {}),
    worked: c.worked,
    dropped: c.dropped,
    flows: c.flows,
    ...(c.firstSeen !== undefined ? { firstSeen: c.firstSeen, lastSeen: c.lastSeen } : {}),
    ...(c.explanation !== undefined ? { explanation: c.explanation } : {}),
  });
  out.write('{"connections":[');
  r.connections.forEach((c, k) => out.write(`${k === 0 ? '' : ','}\n  ${JSON.stringify(connection(c))}`));
  out.write(`${r.connections.length === 0 ? '' : '\n'}],"unobserved":[`);
  r.unobserved.forEach((u, k) => out.write(`${k === 0 ? '' : ','}\n  ${JSON.stringify({ from: u.source, to: u.destination, protocol: u.protocol, port: u.port })}`));
  out.write(`${r.unobserved.length === 0 ? '' : '\n'}],"breaks":${r.breaks.length},"coverage":${JSON.stringify(r.coverage)}}\n`);
}
