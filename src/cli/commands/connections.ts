import { ConnectionAnalysis, End, portSetJson, StandInEnd, standInEndpoints, standInOf, undecidableEnd } from '../../analysis/connections';
import * as ps from '../../model/port-set';
import { markdownCode } from '../../private/text';
import { parseArgs } from '../args';
import { CliIo, Command, EXIT_OK, UsageError } from '../io';
import { INPUT_FLAGS, INPUT_HELP, inputOptions, loadReachability } from '../load';
import { OutputStream } from '../stream';

const FORMATS = ['table', 'markdown', 'json', 'mermaid', 'dot'];

export const connectionsCommand: Command = {
  name: 'connections',
  summary: 'list every allowed connection with its protocols and ports (or, with --exposure, what is exposed)',
  help: `Usage: cdk8s-netpol connections PATH... [--output table|markdown|json|mermaid|dot] [--focus NS/NAME]... [--exposure]

List, for every ordered pair of different ends, every protocol and port the NetworkPolicies in PATH allow,
from one analysis (named ports resolved on each destination). Ends are the pods and workloads, and the
blocks of addresses outside the cluster that the ipBlocks (and ClusterNetworkPolicy networks) of the input
tell apart: exact sets of addresses covering every IPv4 and IPv6 address (0.0.0.0/0 and ::/0 are always
cut), each named by its addresses, e.g. "0.0.0.0/0 except 10.0.0.0/8". The pods a policy selects (as its
subject or a peer) that match no pod of the input, such as an ingress controller or DNS, are ends too:
stand-ins, one pod per selector, named by its labels ("ingress-nginx/stand-in[app=ingress-nginx]") and listed
under the output with the peer they stand for, as are pods annotated cdk8s-netpol.dev/stand-in. Pairs with
nothing allowed are left out. ClusterNetworkPolicies (policy.networking.k8s.io/v1alpha2) are evaluated with
their tiers; --exposure's "from every namespace" column still reads NetworkPolicy rules only.

Arguments:
  PATH                 a YAML/JSON file (multi-document), a directory (read recursively: *.yaml, *.yml,
                       *.json, in sorted order), or - for stdin

Options:
  --output FORMAT      table (default), markdown, json, mermaid or dot (graphs grouped by namespace,
                       edges labelled with their ports)
  --focus END          only the connections from or to this pod or workload (NS/NAME) or address block
                       (as listed, e.g. "0.0.0.0/0 except 10.0.0.0/8"); repeatable: from or to any of them
  --exposure           instead of connections: which pods any namespace may reach, which some address
                       outside the cluster may reach, and which may reach the whole internet (every
                       address of 0.0.0.0/0, or of ::/0) (table, markdown or json)
${INPUT_HELP}

Ports print as PROTOCOL/RANGES, e.g. TCP/80,8000-8080 UDP/53; * is every port. Output is sorted by source,
then destination (pods by name, then address blocks) and written as it is computed. A workload of several
pods (spec.replicas above 1, a DaemonSet) is listed with itself when two of its replicas may connect. The
connections of a pod that uses the host network cannot be decided offline (NetworkPolicy behaviour is
undefined upstream for such pods): they are left out, and the pod is listed apart with the reason
(JSON: "undecidable": [{"endpoint", "reason"}]).
Exit status: 0 success, 2 invalid input or usage.
`,
  run(args: string[], io: CliIo): number {
    const parsed = parseArgs(args, {
      output: { value: true, alias: 'o' },
      focus: { value: true, repeatable: true },
      exposure: { value: false },
      ...INPUT_FLAGS,
    });
    if (parsed.switches.has('help')) {
      io.stdout(this.help);
      return EXIT_OK;
    }
    const output = parsed.values.get('output') ?? 'table';
    if (!FORMATS.includes(output)) throw new UsageError(`--output ${output} is not supported: use ${FORMATS.join(', ')}`);
    const exposure = parsed.switches.has('exposure');
    if (exposure && (output === 'mermaid' || output === 'dot')) throw new UsageError(`--exposure prints table, markdown or json, not ${output}`);
    if (exposure && parsed.lists.has('focus')) throw new UsageError('--exposure and --focus cannot be combined');
    const reach = loadReachability(parsed.positionals, io, inputOptions(parsed));
    const analysis = reach._connections();
    const focusTexts = parsed.lists.get('focus');
    const focus = focusTexts?.map((focusText) => {
      const index = analysis.indexOf(focusText);
      if (index < 0) {
        const known = analysis.ends.map((e) => e.id);
        throw new UsageError(`--focus ${focusText}: no such end; use namespace/name of a pod or workload, or an address block: ${known.slice(0, 20).join(', ')}${known.length > 20 ? ', ...' : ''}`);
      }
      return index;
    });
    const out = new OutputStream(io);
    if (exposure) printExposure(analysis, output, out);
    else printConnections(analysis, output, out, focus);
    out.flush();
    return EXIT_OK;
  },
};

/** The pairs of the analysis that can be decided offline: those of host-network ends are left out (listed apart). */
function decided(analysis: ConnectionAnalysis): (f: (from: End, to: End, set: ps.PortSet) => void, focus?: readonly number[]) => void {
  return (f, focus) => analysis.forEach((from, to, set) => {
    if (!from.endpoint?.hostNetwork && !to.endpoint?.hostNetwork) f(from, to, set);
  }, focus);
}

/** The stand-ins among the ends: built from a peer, or declared. */
function standInEnds(analysis: ConnectionAnalysis): StandInEnd[] {
  return standInEndpoints(analysis.ends.flatMap((e) => (e.endpoint ? [e.endpoint] : [])));
}

/** `for NetworkPolicy shop/web spec.ingress[0].from[0]`, `declared in pods.yaml:3 (document 1): "Kafka"`. */
function standInText(u: StandInEnd, code: (s: string) => string = (s) => s): string {
  return u.peer !== undefined ? `for ${code(u.peer)}` : code(u.declared!);
}

const STAND_INS = 'stand-ins, pods the app does not deploy (built from what its policies select, or declared with cdk8s-netpol.dev/stand-in)';

/** Ends whose connections cannot be decided offline, with the reason. */
function undecidableEnds(analysis: ConnectionAnalysis): { endpoint: string; reason: string }[] {
  return analysis.ends.flatMap((e) => {
    const reason = undecidableEnd(e);
    return reason === undefined ? [] : [{ endpoint: e.id, reason }];
  });
}

function printConnections(analysis: ConnectionAnalysis, output: string, out: OutputStream, focus: readonly number[] | undefined): void {
  const each = decided(analysis);
  const undecidable = undecidableEnds(analysis);
  // With --focus, only the stand-ins of the rows shown.
  const shown = focus === undefined ? undefined : new Set<number>();
  if (shown) each((from, to) => { shown.add(from.index); shown.add(to.index); }, focus);
  const standIns = standInEnds(analysis).filter((u) => !shown || shown.has(analysis.indexOf(u.endpoint)));
  switch (output) {
    case 'json': {
      // Pairs of the same two classes share one port-set value: its JSON is written once and reused.
      const ids = new Map<number, string>();
      const idJson = (e: End) => {
        let s = ids.get(e.index);
        if (s === undefined) ids.set(e.index, (s = JSON.stringify(e.id)));
        return s;
      };
      const sets = new WeakMap<ps.PortSet, string>();
      out.write('{ "connections": [');
      let first = true;
      each((from, to, set) => {
        let allowed = sets.get(set);
        if (allowed === undefined) sets.set(set, (allowed = JSON.stringify(portSetJson(set))));
        out.write(`${first ? '' : ','}\n  {"from":${idJson(from)},"to":${idJson(to)},"allowed":${allowed}}`);
        first = false;
      }, focus);
      out.write(`${first ? '' : '\n'}], "standIns": [${standIns.map((u, k) => `${k === 0 ? '' : ','}\n  ${JSON.stringify(u)}`).join('')}`);
      out.write(`${standIns.length === 0 ? '' : '\n'}], "undecidable": [${undecidable.map((u, k) => `${k === 0 ? '' : ','}\n  ${JSON.stringify(u)}`).join('')}`);
      out.write(`${undecidable.length === 0 ? '' : '\n'}] }\n`);
      return;
    }
    case 'markdown': {
      out.line('| from | to | allowed |');
      out.line('|---|---|---|');
      let any = false;
      each((from, to, set) => {
        any = true;
        out.line(`| ${markdownCode(from.id)} | ${markdownCode(to.id)} | ${ps.portSetText(set)} |`);
      }, focus);
      if (!any) out.line('| (none) | | |');
      if (standIns.length > 0) ['', `${STAND_INS}:`, ''].forEach((l) => out.line(l));
      for (const u of standIns) out.line(`- ${markdownCode(u.endpoint)}: ${standInText(u, markdownCode)}`);
      if (undecidable.length > 0) out.line('');
      for (const u of undecidable) out.line(`Undecidable offline, left out: ${markdownCode(u.endpoint)}: ${u.reason}.`);
      return;
    }
    case 'mermaid':
    case 'dot':
      printGraph(analysis, output, out, focus);
      for (const u of standIns) out.line(`${output === 'dot' ? '//' : '%%'} stand-in: ${u.endpoint} ${standInText(u)}`);
      for (const u of undecidable) out.line(`${output === 'dot' ? '//' : '%%'} undecidable offline, left out: ${u.endpoint}: ${u.reason}`);
      return;
    default: {
      const pad = (s: string, w: number) => (s.length >= w ? s : s + ' '.repeat(w - s.length));
      const print = (rows: (f: (from: string, to: string, ports: string) => void) => void, width: number) => {
        let any = false;
        rows((from, to, ports) => {
          if (!any) out.line(`${pad('FROM', width)}  ${pad('TO', width)}  ALLOWED`);
          any = true;
          out.line(`${pad(from, width)}  ${pad(to, width)}  ${ports}`);
        });
        if (!any) out.line('no connection is allowed between different ends');
      };
      if (focus === undefined) {
        // Streamed: the columns are as wide as the longest end of all.
        print((row) => each((from, to, set) => row(from.id, to.id, ps.portSetText(set))), widthOf(analysis.ends.map((e) => e.id)));
      } else {
        // A few rows (those of the focused ends): the columns fit the ends they show, on both sides.
        const rows: [string, string, string][] = [];
        each((from, to, set) => rows.push([from.id, to.id, ps.portSetText(set)]), focus);
        print((row) => rows.forEach((r) => row(...r)), widthOf(rows.flatMap(([from, to]) => [from, to])));
      }
      if (standIns.length > 0) out.line(`${STAND_INS}:`);
      for (const u of standIns) out.line(`  ${u.endpoint}: ${standInText(u)}`);
      for (const u of undecidable) out.line(`undecidable offline, left out: ${u.endpoint}: ${u.reason}`);
    }
  }
}

/** The width of a column of ends: the longest (at least `FROM`), at most 60 characters. */
function widthOf(ids: readonly string[]): number {
  return Math.min(60, ids.reduce((w, id) => Math.max(w, id.length), 4));
}

/** Namespace of an end for grouping; address blocks go in a group of their own. */
function groupOf(e: End): string {
  return e.endpoint ? e.endpoint.namespace : '';
}

function labelOf(e: End): string {
  return e.endpoint ? e.endpoint.name : e.id;
}

function printGraph(analysis: ConnectionAnalysis, output: string, out: OutputStream, focus: readonly number[] | undefined): void {
  const each = decided(analysis);
  // First pass: the ends that appear in an edge (a graph of every pod with no edge is noise).
  const used = new Set<number>();
  each((from, to) => {
    used.add(from.index);
    used.add(to.index);
  }, focus);
  for (const k of focus ?? []) used.add(k);
  const groups = new Map<string, End[]>();
  for (const e of analysis.ends) {
    if (!used.has(e.index)) continue;
    const g = groupOf(e);
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g)!.push(e);
  }
  const names = [...groups.keys()].sort((a, b) => (a === '' ? 1 : b === '' ? -1 : a < b ? -1 : a > b ? 1 : 0));
  const quote = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  if (output === 'mermaid') {
    out.line('flowchart LR');
    names.forEach((g, k) => {
      out.line(`  subgraph g${k}["${g === '' ? 'outside the cluster' : `namespace ${g}`}"]`);
      for (const e of groups.get(g)!) out.line(`    n${e.index}["${quote(labelOf(e))}"]${standInOf(e.endpoint) !== undefined ? ':::standIn' : ''}`);
      out.line('  end');
    });
    if (analysis.ends.some((e) => used.has(e.index) && standInOf(e.endpoint) !== undefined)) out.line('  classDef standIn stroke-dasharray: 5 5');
    each((from, to, set) => out.line(`  n${from.index} -->|"${ps.portSetText(set)}"| n${to.index}`), focus);
    return;
  }
  out.line('digraph connections {');
  out.line('  rankdir=LR;');
  out.line('  node [shape=box];');
  names.forEach((g, k) => {
    out.line(`  subgraph cluster_${k} {`);
    out.line(`    label="${g === '' ? 'outside the cluster' : `namespace ${quote(g)}`}";`);
    for (const e of groups.get(g)!) out.line(`    "${quote(e.id)}" [label="${quote(labelOf(e))}"${standInOf(e.endpoint) !== undefined ? ', style=dashed' : ''}];`);
    out.line('  }');
  });
  each((from, to, set) => out.line(`  "${quote(from.id)}" -> "${quote(to.id)}" [label="${ps.portSetText(set)}"];`), focus);
  out.line('}');
}

function printExposure(analysis: ConnectionAnalysis, output: string, out: OutputStream): void {
  const rows: { id: string; fromEveryNamespace: ps.PortSet; fromOutside: ps.PortSet; toWholeInternet: ps.PortSet }[] = [];
  // The input's pods: stand-ins are not the app's.
  const pods = analysis.ends.filter((e) => e.endpoint !== undefined && standInOf(e.endpoint) === undefined);
  const undecidable = undecidableEnds(analysis);
  for (const e of pods) {
    if (undecidableEnd(e) !== undefined) continue;
    const x = analysis.exposure(e.index);
    if (ps.isEmpty(x.fromEveryNamespace) && ps.isEmpty(x.fromOutside) && ps.isEmpty(x.toWholeInternet)) continue;
    rows.push({ id: e.id, ...x });
  }
  if (output === 'json') {
    out.write('{ "exposure": [');
    rows.forEach((r, k) => out.write(`${k === 0 ? '' : ','}\n  ${JSON.stringify({
      endpoint: r.id,
      fromEveryNamespace: portSetJson(r.fromEveryNamespace),
      fromOutside: portSetJson(r.fromOutside),
      toWholeInternet: portSetJson(r.toWholeInternet),
    })}`));
    out.write(`${rows.length === 0 ? '' : '\n'}], "undecidable": [${undecidable.map((u, k) => `${k === 0 ? '' : ','}\n  ${JSON.stringify(u)}`).join('')}`);
    out.write(`${undecidable.length === 0 ? '' : '\n'}] }\n`);
    return;
  }
  const head = ['endpoint', 'from every namespace', 'from outside the cluster', 'to the whole internet'];
  if (output === 'markdown') {
    out.line(`| ${head.join(' | ')} |`);
    out.line('|---|---|---|---|');
    for (const r of rows) out.line(`| ${markdownCode(r.id)} | ${ps.portSetText(r.fromEveryNamespace)} | ${ps.portSetText(r.fromOutside)} | ${ps.portSetText(r.toWholeInternet)} |`);
  } else {
    const texts = rows.map((r) => [r.id, ps.portSetText(r.fromEveryNamespace), ps.portSetText(r.fromOutside), ps.portSetText(r.toWholeInternet)]);
    const cells = [head.map((h) => h.toUpperCase()), ...texts];
    const widths = head.map((_, k) => cells.reduce((w, c) => Math.max(w, c[k].length), 0));
    if (rows.length > 0) for (const c of cells) out.line(c.map((x, k) => (k === c.length - 1 ? x : x.padEnd(widths[k]))).join('  '));
  }
  out.line(`${output === 'markdown' ? '\n' : ''}${rows.length} of ${pods.length} pods and workloads exposed (- means nothing)`);
  for (const u of undecidable) out.line(`undecidable offline, left out: ${u.endpoint}: ${u.reason}`);
}
