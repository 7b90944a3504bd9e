import * as fs from 'fs';
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
  --expect FILE        the expectations; required
${INPUT_HELP}

Exit status: 0 every expectation holds, 1 at least one does not, 2 invalid input or usage (including a
malformed expectation or an unknown end).
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
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw new UsageError(`--expect ${file}: cannot be read: ${(e as Error).message}`);
    }
    const expectations = text.split(/\r?\n/).map((line, k) => ({ line: line.replace(/#.*$/, '').trim(), n: k + 1 })).filter((x) => x.line !== '').map(({ line, n }) => {
      const m = /^(allow|deny)\s+(\S+)\s*->\s*(\S+)\s+(\S+)$/.exec(line);
      if (!m) throw new UsageError(`${file}:${n}: "${line}" is not an expectation: write "allow|deny FROM -> TO PORT", e.g. "deny shop/web -> shop/db TCP/5432"`);
      const [, verdict, from, to, portText] = m;
      const slash = portText.indexOf('/');
      const [protocol, number] = slash >= 0 ? [portText.slice(0, slash), portText.slice(slash + 1)] : [undefined, portText];
      const port = userQuery(() => portFromArgs(number, protocol));
      return { verdict, from, to, port, n, line };
    });
    if (expectations.length === 0) throw new UsageError(`${file}: no expectations (lines such as "allow shop/frontend -> shop/backend TCP/8080")`);
    const reach = loadReachability(parsed.positionals, io, inputOptions(parsed));
    // Evaluate everything first: an unknown end is a usage error before any verdict is printed.
    const verdicts = expectations.map((x) => userQuery(() => reach.isAllowed(x.from, x.to, x.port)));
    let failed = 0;
    for (const [k, x] of expectations.entries()) {
      const allowed = verdicts[k];
      const ok = allowed === (x.verdict === 'allow');
      if (ok) {
        io.stdout(`ok    ${x.verdict} ${x.from} -> ${x.to} ${x.port}\n`);
        continue;
      }
      failed++;
      io.stdout(`FAIL  ${x.verdict} ${x.from} -> ${x.to} ${x.port} (${file}:${x.n}): it is ${allowed ? 'allowed' : 'denied'}\n`);
      io.stdout(reach.explain(x.from, x.to, x.port).split('\n').map((l) => `      ${l}`).join('\n') + '\n');
    }
    io.stdout(`${expectations.length - failed} of ${expectations.length} expectations hold\n`);
    return failed > 0 ? EXIT_FINDINGS : EXIT_OK;
  },
};
