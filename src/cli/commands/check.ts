import { readOptionFile } from '../../manifests/files';
import { quote, safeName } from '../../private/text';
import { parseArgs, portFromArgs } from '../args';
import { CliIo, Command, EXIT_FINDINGS, EXIT_OK, UsageError } from '../io';
import { INPUT_FLAGS, INPUT_HELP, inputOptions, loadReachability, userQuery } from '../load';

export const checkCommand: Command = {
  name: 'check',
  summary: 'fail when a stated flow is not allowed (or not denied) as expected',
  help: `Usage: cdk8s-netpol check PATH... --expect FILE

Check stated flows against the NetworkPolicies in PATH, one per line of FILE:

  # comments and blank lines are ignored
  allow shop/frontend -> shop/backend TCP/8080
  deny  shop/frontend -> shop/db 5432
  allow shop/api -> 203.0.113.10 TCP/443
  allow shop/frontend -> shop/backend http      (a container port name, resolved on the destination)

A port is NUMBER, NAME, PROTOCOL/NUMBER or PROTOCOL/NAME (TCP when no protocol is given). Ends are
namespace/name of a pod or workload, or an IP address. Each failed expectation prints the explanation.

Arguments:
  PATH                 a YAML/JSON file (multi-document), a directory (read recursively: *.yaml, *.yml,
                       *.json, in sorted order), or - for stdin

Options:
  --expect FILE        the expectations; required. Read as manifests are: a regular file of at most 4 MiB,
                       UTF-8, lines of at most 1000 characters; a symbolic link inside the working directory
                       only to a file inside it
${INPUT_HELP}

A flow to or from a host-network pod cannot be decided offline: its expectation fails, whichever it is.

Exit status: 0 every expectation holds, 1 at least one does not (or cannot be decided), 2 invalid input or
usage (including a malformed expectation or an unknown end).
`,
  run(args: string[], io: CliIo): number {
    const parsed = parseArgs(args, {
      expect: { value: true },
      ...INPUT_FLAGS,
    });
    if (parsed.switches.has('help')) {
      io.stdout(this.help);
      return EXIT_OK;
    }
    const file = parsed.values.get('expect');
    if (file === undefined) throw new UsageError('--expect FILE is required (lines such as "allow shop/frontend -> shop/backend TCP/8080")');
    const read = readOptionFile(file);
    if ('error' in read) throw new UsageError(`--expect ${read.error}`);
    const shown = safeName(file);
    const expectations = read.lines.map((line, k) => ({ line: line.replace(/#.*$/, '').trim(), n: k + 1 })).filter((x) => x.line !== '').map(({ line, n }) => {
      const m = /^(allow|deny)\s+(\S+)\s*->\s*(\S+)\s+(\S+)$/.exec(line);
      if (!m) throw new UsageError(`${shown}:${n}: ${quote(line)} is not an expectation: write "allow|deny FROM -> TO PORT", e.g. "deny shop/web -> shop/db TCP/5432"`);
      const [, verdict, from, to, portText] = m;
      const slash = portText.indexOf('/');
      const [protocol, number] = slash >= 0 ? [portText.slice(0, slash), portText.slice(slash + 1)] : [undefined, portText];
      const port = userQuery(() => {
        try {
          return portFromArgs(number, protocol);
        } catch (e) {
          throw new Error(`${shown}:${n}: ${(e as Error).message}`);
        }
      });
      return { verdict, from, to, port, n, line };
    });
    if (expectations.length === 0) throw new UsageError(`${shown}: no expectations (lines such as "allow shop/frontend -> shop/backend TCP/8080")`);
    const reach = loadReachability(parsed.positionals, io, inputOptions(parsed));
    // Evaluate everything first: an unknown end is a usage error before any verdict is printed.
    const verdicts = expectations.map((x) => userQuery(() => ({
      allowed: reach.isAllowed(x.from, x.to, x.port),
      undecidable: reach.undecidableReason(x.from, x.to, x.port),
    })));
    let failed = 0;
    for (const [k, x] of expectations.entries()) {
      const { allowed, undecidable } = verdicts[k];
      // An undecidable flow fails either expectation: the gate never passes on a guess.
      const ok = undecidable === undefined && allowed === (x.verdict === 'allow');
      if (ok) {
        io.stdout(`ok    ${x.verdict} ${x.from} -> ${x.to} ${x.port}\n`);
        continue;
      }
      failed++;
      const what = undecidable !== undefined
        ? 'it cannot be decided offline (check it in a cluster, and remove the line or move it to a test that runs there)'
        : `it is ${allowed ? 'allowed' : 'denied'}`;
      io.stdout(`FAIL  ${x.verdict} ${x.from} -> ${x.to} ${x.port} (${shown}:${x.n}): ${what}\n`);
      io.stdout(reach.explain(x.from, x.to, x.port).split('\n').map((l) => `      ${l}`).join('\n') + '\n');
    }
    io.stdout(`${expectations.length - failed} of ${expectations.length} expectations hold\n`);
    return failed > 0 ? EXIT_FINDINGS : EXIT_OK;
  },
};
