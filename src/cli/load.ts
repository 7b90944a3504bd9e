import { CliIo, UsageError } from './io';
import { readManifestPaths } from '../manifests/files';
import { Reachability } from '../semantics/reachability';

/** Reads the PATH arguments into a Reachability; invalid manifests throw `InvalidManifestsError`. */
export function loadReachability(paths: readonly string[], io: CliIo): Reachability {
  if (paths.length === 0) throw new UsageError('give at least one PATH (a file, a directory, or - for stdin)');
  const { objects, problems } = readManifestPaths(paths, io.readStdin);
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
