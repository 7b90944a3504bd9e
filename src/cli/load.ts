import { parseArgs } from './args';
import { CliIo, UsageError } from './io';
import { readManifestPaths, ReadResult } from '../manifests/files';
import { applyNamespace, namespaceOptionProblem } from '../manifests/namespace';
import { formatProblem, Problem } from '../manifests/problem';
import { safeOutput } from '../private/text';
import { Reachability } from '../semantics/reachability';

/** The `--ignore GLOB` option every command that reads manifests takes. */
export const IGNORE_FLAG = { value: true, repeatable: true };

export const PATH_HELP = `  PATH                 a YAML/JSON file (multi-document), a directory (read recursively: *.yaml, *.yml,
                       *.json, in sorted order; symbolic links only to files inside it), or - for stdin`;

/** `-n/--namespace NS`, as `kubectl apply -n`: the namespace of objects that name none. */
export const NAMESPACE_FLAG = { value: true, alias: 'n' };

export const NAMESPACE_HELP = `  -n, --namespace NS   the namespace of objects that name none (as kubectl apply -n); an object that names
                       another one is an error. Default: default`;

/** The flags every command that reads manifests takes, besides its own: `--ignore`, `-n`, `-h`. */
export const INPUT_FLAGS = {
  ignore: IGNORE_FLAG,
  namespace: NAMESPACE_FLAG,
  help: { value: false, alias: 'h' },
};

/** The input options every command that reads manifests takes. */
export interface InputOptions {
  readonly ignore?: readonly string[];
  readonly namespace?: string;
}

/** The input options of parsed arguments (`--ignore`, `-n`). */
export function inputOptions(parsed: ReturnType<typeof parseArgs>): InputOptions {
  const namespace = parsed.values.get('namespace');
  if (namespace !== undefined) {
    const problem = namespaceOptionProblem(namespace);
    if (problem) throw new UsageError(problem);
  }
  return { ignore: parsed.lists.get('ignore'), namespace };
}

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
export function loadReachability(paths: readonly string[], io: CliIo, options: InputOptions = {}): Reachability {
  const { objects, problems } = readInput(paths, io, options);
  const reach = Reachability._load(objects, problems);
  printNotes(reach._notes(), io);
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
  -h, --help           show this help`;
