import { parseArgs } from './args';
import { CliIo, UsageError } from './io';
import { readManifestPaths, ReadResult } from '../manifests/files';
import { applyNamespace, namespaceOptionProblem } from '../manifests/namespace';
import { formatProblem, Problem } from '../manifests/problem';
import { apiGroupOf, unanalyzedKindNames } from '../private/api-kinds';
import { quote, safeOutput } from '../private/text';
import { Reachability } from '../reachability/reachability';
import { UnanalyzedObject } from '../semantics/model';

/** The `--ignore GLOB` option every command that reads manifests takes. */
export const IGNORE_FLAG = { value: true, repeatable: true };

export const PATH_HELP = `  PATH                 a YAML/JSON file (multi-document), a directory (read recursively: *.yaml, *.yml,
                       *.json, in sorted order; symbolic links only to files inside it), or - for stdin`;

/** `-n/--namespace NS`, as `kubectl apply -n`: the namespace of objects that name none. */
export const NAMESPACE_FLAG = { value: true, alias: 'n' };

export const NAMESPACE_HELP = `  -n, --namespace NS   the namespace of objects that name none (as kubectl apply -n); an object that names
                       another one is an error. Default: default`;

/** The flags every command that reads manifests takes, besides its own: `--ignore`, `-n`, `--accept-unanalyzed`, `-h`. */
export const INPUT_FLAGS = {
  'ignore': IGNORE_FLAG,
  'namespace': NAMESPACE_FLAG,
  'accept-unanalyzed': { value: true, repeatable: true },
  'help': { value: false, alias: 'h' },
};

/** The input options every command that reads manifests takes. */
export interface InputOptions {
  readonly ignore?: readonly string[];
  readonly namespace?: string;
  /** `--accept-unanalyzed KIND`: kinds of other policy APIs the user accepts not being evaluated. */
  readonly acceptUnanalyzed?: readonly string[];
}

/** The input options of parsed arguments (`--ignore`, `-n`). */
export function inputOptions(parsed: ReturnType<typeof parseArgs>): InputOptions {
  const namespace = parsed.values.get('namespace');
  if (namespace !== undefined) {
    const problem = namespaceOptionProblem(namespace);
    if (problem) throw new UsageError(problem);
  }
  const acceptUnanalyzed = parsed.lists.get('accept-unanalyzed') ?? [];
  for (const a of acceptUnanalyzed) {
    if (!acceptsAnyKind(a)) {
      throw new UsageError(`--accept-unanalyzed ${quote(a)} names no kind that is read and not evaluated: give a kind (CiliumNetworkPolicy) or a kind and its group (NetworkPolicy.crd.projectcalico.org); they are: ${unanalyzedKindNames().join(', ')}`);
    }
  }
  return { ignore: parsed.lists.get('ignore'), namespace, acceptUnanalyzed };
}

/** `Kind`, `Kind.group` or `*.group` names at least one kind of the table. */
function acceptsAnyKind(value: string): boolean {
  // A name of the table is `Kind.group` (`*.group` for a whole group): accept it, its Kind, or `*.group`.
  return unanalyzedKindNames().some((n) => n === value || n.slice(0, n.indexOf('.')) === value || (value.startsWith('*.') && n.endsWith(value.slice(1))));
}

/** Whether `--accept-unanalyzed` values cover an object of `kind` in `apiVersion`: its kind, `Kind.group`, or `*.group`. */
export function isAccepted(kind: string, apiVersion: string, accepted: readonly string[]): boolean {
  const group = apiGroupOf(apiVersion);
  return accepted.some((a) => a === kind || a === `${kind}.${group}` || a === `*.${group}`);
}

/** `shop/allow-web` or `allow-all` (cluster-scoped). */
export function unanalyzedName(o: UnanalyzedObject): string {
  return `${o.kind} ${o.namespace !== undefined ? `${o.namespace}/` : ''}${o.name}`;
}

/** The objects of other policy APIs that the user did not accept: the ones every answer must mention. */
export function unaccepted(objects: readonly UnanalyzedObject[] | undefined, options: InputOptions): UnanalyzedObject[] {
  return (objects ?? []).filter((o) => !isAccepted(o.kind, o.apiVersion, options.acceptUnanalyzed ?? []));
}

/** At most this many objects are named per kind in a note; the rest are counted. */
const NAMED_PER_KIND = 10;

/**
 * One `note:` per kind of the objects of other policy APIs the input holds and the user did not accept: what is
 * not evaluated, by whom it is enforced, and how to accept it.
 */
export function printUnanalyzed(objects: readonly UnanalyzedObject[] | undefined, io: CliIo, options: InputOptions, label?: string): void {
  const byKind = new Map<string, UnanalyzedObject[]>();
  for (const o of unaccepted(objects, options)) {
    const key = `${o.kind}.${o.group}`;
    byKind.set(key, [...(byKind.get(key) ?? []), o]);
  }
  for (const [, os] of byKind) {
    const first = os[0];
    const named = os.slice(0, NAMED_PER_KIND).map((o) => `${unanalyzedName(o).slice(first.kind.length + 1)} (${o.source})`).join(', ');
    const more = os.length > NAMED_PER_KIND ? ` and ${os.length - NAMED_PER_KIND} more` : '';
    const count = os.length === 1 ? `${first.kind} ${named}` : `${os.length} ${first.kind} objects, ${named}${more}`;
    io.stderr(`note: ${label !== undefined ? `${label}: ` : ''}${count} ${os.length === 1 ? 'is' : 'are'} read but not evaluated `
      + `(${first.apiVersion}, enforced by ${first.owner}): answers ignore ${os.length === 1 ? 'it' : 'them'}, and ${os.length === 1 ? 'it' : 'they'} may allow or deny `
      + `more than they say; pass --accept-unanalyzed ${first.kind} once reviewed\n`);
  }
}


export const ACCEPT_UNANALYZED_HELP = `  --accept-unanalyzed KIND
                       objects of other policy APIs (CiliumNetworkPolicy, Calico GlobalNetworkPolicy, Istio
                       AuthorizationPolicy...) are read, not evaluated: each command notes them on stderr and
                       diff --fail-on fails when one changes. KIND (Kind or Kind.group; repeatable) accepts that`;

export const IGNORE_HELP = `  --ignore GLOB        skip matching files inside directories (repeatable): a glob over the path
                       relative to the directory (* ? **), or over the file name when it has no /`;

/** Reads the PATH arguments; every problem of the input (read, decode, validation) throws `InvalidManifestsError`. */
export function readInput(paths: readonly string[], io: CliIo, options: InputOptions = {}): ReadResult {
  if (paths.length === 0) throw new UsageError('give at least one PATH (a file, a directory, or - for stdin)');
  if (paths.filter((p) => p === '-').length > 1) throw new UsageError('stdin (-) can be read only once');
  const read = readManifestPaths(paths, { readStdin: io.readStdin, ignore: options.ignore ?? [] });
  if (options.namespace === undefined) return read;
  const problems = [...read.problems];
  return { objects: applyNamespace(read.objects, options.namespace, problems), problems };
}

/** Reads the PATH arguments into a Reachability; invalid manifests throw `InvalidManifestsError`. */
export function loadReachability(paths: readonly string[], io: CliIo, options: InputOptions = {}, label?: string): Reachability {
  const { objects, problems } = readInput(paths, io, options);
  const reach = Reachability._load(objects, problems);
  printNotes(reach._notes(), io);
  printUnanalyzed(reach._cluster().unanalyzed, io, options, label);
  return reach;
}

/** Notes (the same object twice, the later one used) go to stderr and change no exit status. */
export function printNotes(notes: readonly Problem[], io: CliIo): void {
  for (const n of notes) io.stderr(safeOutput(`note: ${formatProblem(n)}\n`));
}

/** Runs a query whose errors (an unknown endpoint, a bad port) are the user's mistake. */
export function userQuery<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** The help lines of INPUT_FLAGS. */
export const INPUT_HELP = `${IGNORE_HELP}
${NAMESPACE_HELP}
${ACCEPT_UNANALYZED_HELP}
  -h, --help           show this help`;
