import { CliIo, UsageError } from './io';
import { readManifestPaths, ReadResult } from '../manifests/files';
import { Reachability } from '../semantics/reachability';

/** The `--ignore GLOB` option every command that reads manifests takes. */
export const IGNORE_FLAG = { value: true, repeatable: true };

export const PATH_HELP = `  PATH                 a YAML/JSON file (multi-document), a directory (read recursively: *.yaml, *.yml,
                       *.json, in sorted order; symbolic links only to files inside it), or - for stdin`;

export const IGNORE_HELP = `  --ignore GLOB        skip matching files inside directories (repeatable): a glob over the path
                       relative to the directory (* ? **), or over the file name when it has no /`;

/** Reads the PATH arguments; every problem of the input (read, decode, validation) throws `InvalidManifestsError`. */
export function readInput(paths: readonly string[], io: CliIo, ignore: readonly string[] = []): ReadResult {
  if (paths.length === 0) throw new UsageError('give at least one PATH (a file, a directory, or - for stdin)');
  if (paths.filter((p) => p === '-').length > 1) throw new UsageError('stdin (-) can be read only once');
  return readManifestPaths(paths, { readStdin: io.readStdin, ignore });
}

/** Reads the PATH arguments into a Reachability; invalid manifests throw `InvalidManifestsError`. */
export function loadReachability(paths: readonly string[], io: CliIo, ignore: readonly string[] = []): Reachability {
  const { objects, problems } = readInput(paths, io, ignore);
  return Reachability._load(objects, problems);
}

/** Runs a query whose errors (an unknown endpoint, a bad port) are the user's mistake. */
export function userQuery<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
