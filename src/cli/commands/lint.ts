import { formatJson, formatSarif, formatText } from '../../lint/format';
import { lintObjects, parseCidrOption } from '../../lint/pack';
import { atLeast } from '../../lint/rank';
import { LintSeverity } from '../../lint/severity';
import { InvalidManifestsError } from '../../manifests/problem';
import { parseArgs } from '../args';
import { CliIo, Command, EXIT_FINDINGS, EXIT_OK, UsageError } from '../io';
import { ACCEPT_UNANALYZED_HELP, INPUT_FLAGS, inputOptions, NAMESPACE_HELP, printNotes, printUnanalyzed, readInput } from '../load';

const FORMATS = ['text', 'json', 'sarif'];
const FAIL_ON = ['error', 'warning'];
const REPEATABLE = ['pod-cidr', 'service-cidr'];

/** Takes the repeatable `--pod-cidr X` / `--pod-cidr=X` options out of the arguments (values may also be comma-separated). */
function takeRepeatable(args: string[]): { rest: string[]; values: Map<string, string[]> } {
  const values = new Map<string, string[]>(REPEATABLE.map((n) => [n, []]));
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      rest.push(...args.slice(i));
      break;
    }
    const name = REPEATABLE.find((n) => arg === `--${n}` || arg.startsWith(`--${n}=`));
    if (name === undefined) {
      rest.push(arg);
      continue;
    }
    const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[++i];
    if (value === undefined || value === '') throw new UsageError(`option --${name} needs a value (a CIDR such as 10.244.0.0/16)`);
    values.get(name)!.push(...value.split(',').filter((v) => v.trim() !== ''));
  }
  return { rest, values };
}

export const lintCommand: Command = {
  name: 'lint',
  summary: 'check NetworkPolicies for the classic mistakes (rules NP001... in docs/RULES.md)',
  help: `Usage: cdk8s-netpol lint PATH... [--output text|json|sarif] [--fail-on error|warning]
                          [--pod-cidr CIDR]... [--service-cidr CIDR]...

Check the NetworkPolicies in PATH, with the pods and workloads they apply to, for the classic mistakes:
namespaces without default-deny, egress isolation that breaks DNS, selectors that match nothing,
namespaceSelector and podSelector split into two peers (or merged into one), allow-all rules, ipBlocks
over the cluster's own ranges, unknown named ports, half-open flows and redundant policies.
Every rule is described in docs/RULES.md.

Arguments:
  PATH                   a YAML/JSON file (multi-document), a directory (read recursively: *.yaml, *.yml,
                         *.json, in sorted order; symbolic links only to files inside it), or - for stdin;
                         cdk8s's construct-metadata.json is skipped

Options:
  --output FORMAT        text (default), json, or sarif (SARIF 2.1.0, for code review in CI)
  --fail-on LEVEL        exit 1 when a finding of this severity or higher exists: error (default) or warning
  --pod-cidr CIDR        the cluster's pod range, e.g. 10.244.0.0/16 (repeatable, or comma-separated)
  --service-cidr CIDR    the cluster's service range, e.g. 10.96.0.0/12 (repeatable, or comma-separated)
  --ignore GLOB          skip matching files inside directories (repeatable): a glob over the path
                         relative to the directory (* ? **), or over the file name when it has no /
${NAMESPACE_HELP}
${ACCEPT_UNANALYZED_HELP}
  -h, --help             show this help

Suppress a finding on one object with the annotation
  cdk8s-netpol.dev/suppress: "NP003: why this is fine here"
(one entry per line; an entry without a reason is itself a finding, NP016).

Exit status: 0 no finding at or above --fail-on, 1 such findings, 2 invalid input or usage.
`,
  run(args: string[], io: CliIo): number {
    const { rest, values } = takeRepeatable(args);
    const parsed = parseArgs(rest, {
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
    const failOn = (parsed.values.get('fail-on') ?? 'error').toLowerCase();
    if (!FAIL_ON.includes(failOn)) throw new UsageError(`--fail-on ${parsed.values.get('fail-on')} is not supported: use ${FAIL_ON.join(' or ')}`);
    const cidrs = (name: string) => values.get(name)!.map((v) => {
      try {
        return parseCidrOption(v, `--${name}`);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
    });
    const podCidrs = cidrs('pod-cidr');
    const serviceCidrs = cidrs('service-cidr');
    const input = inputOptions(parsed);
    const read = readInput(parsed.positionals, io, input);
    const result = lintObjects(read.objects, { podCidrs, serviceCidrs }, read.problems);
    printNotes(result.notes ?? [], io);
    printUnanalyzed(result.unanalyzed, io, input);
    if (result.problems.length > 0) throw new InvalidManifestsError(result.problems);

    switch (output) {
      case 'json':
        io.stdout(formatJson(result));
        break;
      case 'sarif':
        io.stdout(formatSarif(result));
        break;
      default:
        io.stdout(formatText(result));
    }
    const threshold = failOn === 'warning' ? LintSeverity.WARNING : LintSeverity.ERROR;
    return result.findings.some((f) => atLeast(f.severity, threshold)) ? EXIT_FINDINGS : EXIT_OK;
  },
};
