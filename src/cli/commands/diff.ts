import { diffClusters, diffMarkdown, diffText, unanalyzedChangeName } from '../../analysis/diff';
import { parseArgs } from '../args';
import { CliIo, Command, EXIT_FINDINGS, EXIT_OK, UsageError } from '../io';
import { INPUT_FLAGS, INPUT_HELP, inputOptions, isAccepted, loadReachability } from '../load';
import { OutputStream } from '../stream';

const FORMATS = ['text', 'markdown', 'json'];
const FAIL_ON = ['broadening', 'change', 'never'];

export const diffCommand: Command = {
  name: 'diff',
  summary: 'list the connections a change adds and removes; gate on broadening',
  help: `Usage: cdk8s-netpol diff OLD NEW [--output text|markdown|json] [--fail-on broadening|change|never]

Compare what the NetworkPolicies (and ClusterNetworkPolicies) of OLD and NEW allow, over every protocol and
port: the connections NEW allows and OLD does not (added), and the reverse (removed). Addresses outside the
cluster (IPv4 and IPv6) compare address by address: a block is added only when NEW allows every address of
it and OLD denies it, so a change that only narrows adds nothing. Each added connection
names the rules that open it (policy ns/name spec.ingress[i], or the ClusterNetworkPolicy, its tier and rule),
and the construct path when the policy carries the cdk8s-netpol.dev/construct annotation (cdk8s-netpol's
constructs write it).

Arguments:
  OLD, NEW             each a YAML/JSON file (multi-document) or a directory (read recursively: *.yaml,
                       *.yml, *.json, in sorted order), e.g. the synth output of the base and of the head
                       of a pull request

Options:
  --output FORMAT      text (default), markdown (for a pull-request comment) or json
  --fail-on WHEN       broadening: exit 1 when anything was added; change: exit 1 when anything was
                       added or removed; never (default): exit 0. With broadening or change, an object
                       of another policy API (Cilium, Calico, Antrea, Istio...) added, changed or
                       removed fails too, as it may open anything: see --accept-unanalyzed
${INPUT_HELP}

Exit status: 0 success (or no failing change), 1 the --fail-on gate failed, 2 invalid input or usage.
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
    if (parsed.positionals.length !== 2) {
      throw new UsageError(`give exactly two paths, OLD and NEW (got ${parsed.positionals.length}); a directory reads every manifest in it`);
    }
    if (parsed.positionals.includes('-')) throw new UsageError('diff reads files or directories, not stdin');
    // Only the clusters are compared: keeping the older Reachability would keep its input (every object as plain
    // values, and the text each came from) on the heap while the newer input is read, and the collector would walk it
    // again and again (on 25,000 policies, 20.0 s and 491 MB instead of 23.3 s and 560 MB; bench/scale/run.ts).
    const input = inputOptions(parsed);
    const older = loadReachability([parsed.positionals[0]], io, input, 'OLD')._cluster();
    const newer = loadReachability([parsed.positionals[1]], io, input, 'NEW')._cluster();
    const all = diffClusters(older, newer);
    const accepted = input.acceptUnanalyzed ?? [];
    const d = { ...all, unanalyzed: all.unanalyzed.filter((c) => !isAccepted(c.kind, c.apiVersion, accepted)) };
    const out = new OutputStream(io);
    if (output === 'json') {
      const list = (name: string, xs: readonly object[]) => {
        out.write(`  "${name}": [`);
        xs.forEach((x, k) => out.write(`${k === 0 ? '' : ','}\n    ${JSON.stringify(x)}`));
        out.write(`${xs.length === 0 ? '' : '\n  '}],\n`);
      };
      out.write('{\n');
      list('added', d.added);
      list('removed', d.removed);
      list('unanalyzed', d.unanalyzed);
      out.write(`  "broadening": ${d.broadening}\n}\n`);
    } else {
      out.write(output === 'markdown' ? diffMarkdown(d) : diffText(d));
    }
    out.flush();
    const others = d.unanalyzed.length;
    const failed = failOn !== 'never' && ((failOn === 'broadening' && d.added.length > 0) || (failOn === 'change' && (d.added.length > 0 || d.removed.length > 0)) || others > 0);
    if (failed) {
      const why = others === 0 ? '' : `; ${others} object${others === 1 ? '' : 's'} of other policy APIs ${others === 1 ? 'was' : 'were'} `
        + `added, changed or removed (${d.unanalyzed.slice(0, 5).map((c) => `${c.change} ${unanalyzedChangeName(c)}`).join(', ')}${others > 5 ? ', ...' : ''}), `
        + 'which cdk8s-netpol does not evaluate, so the change may broaden what is allowed unseen: review them, then pass --accept-unanalyzed KIND';
      io.stderr(`cdk8s-netpol diff: --fail-on ${failOn}: ${d.added.length} connection${d.added.length === 1 ? '' : 's'} added, ${d.removed.length} removed${why}\n`);
    }
    return failed ? EXIT_FINDINGS : EXIT_OK;
  },
};
