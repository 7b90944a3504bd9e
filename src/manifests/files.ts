/**
 * Reading manifests from files, directories and stdin, safely: the input may be a repository anyone can send a pull
 * request to.
 *
 * - Only regular files are read. Devices (`/dev/zero`), FIFOs and sockets are refused after `fstat` on a
 *   descriptor opened non-blocking, so a FIFO named `x.yaml` cannot block and a device cannot stream forever.
 * - A path named on the command line is followed if it is a symbolic link (the user named it). Inside a named
 *   directory, a symbolic link to a file is followed only when its target stays inside that directory; one that
 *   leads outside (`env.yaml -> /proc/self/environ`) or dangles is reported and not read. Symbolic links to
 *   directories are not descended into (as kubectl's directory walk).
 * - Every file is capped at 128 MiB and the whole input at 256 MiB; a file is never read past its cap.
 * - Nothing read is ever echoed: problems name the file, document, line and field.
 * - cdk8s's own `construct-metadata.json` is recognised and skipped; files matching an `--ignore` glob are skipped.
 */
import * as fs from 'fs';
import * as path from 'path';
import { decodeBytes, MAX_TEXT_BYTES, parseManifestText, SourcedObject } from './decode';
import { isPlainObject } from './objects';
import { Problem } from './problem';

const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];
/** The whole input (all files and stdin together). */
export const MAX_TOTAL_BYTES = 256 * 1024 * 1024;
/** Directories nested deeper are not walked (a symlink loop cannot occur: directory links are not followed). */
const MAX_DIRECTORY_DEPTH = 64;
/** The file cdk8s writes next to the manifests when validations are configured: not a manifest. */
export const CDK8S_METADATA_FILE = 'construct-metadata.json';

export interface ReadResult {
  readonly objects: SourcedObject[];
  readonly problems: Problem[];
}

export interface ReadOptions {
  /** Reads stdin, at most `limit` bytes (more means "too large"); only called when a path is `-`. */
  readonly readStdin: (limit: number) => string | Uint8Array;
  /**
   * Globs of files to skip inside named directories, matched against the path relative to that directory (`*`
   * within a name, `**` across directories, `?` one character); a glob without `/` matches the file name at any
   * depth.
   * @default - nothing is skipped
   */
  readonly ignore?: readonly string[];
}

/** A glob as a regular expression over `/`-separated relative paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      i++;
      if (glob[i + 1] === '/') {
        i++;
        re += '(?:.*/)?';
      } else {
        re += '.*';
      }
    } else if (c === '*') {
      re += '[^/]*';
    } else if (c === '?') {
      re += '[^/]';
    } else {
      re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${re}$`);
}

function ignoredBy(globs: readonly RegExp[], patterns: readonly string[], relative: string): boolean {
  const base = relative.split('/').pop()!;
  return globs.some((g, i) => g.test(relative) || (!patterns[i].includes('/') && g.test(base)));
}

function kindOfStat(s: fs.Stats): string {
  if (s.isFIFO()) return 'a FIFO';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  if (s.isSocket()) return 'a socket';
  if (s.isSymbolicLink()) return 'a symbolic link';
  if (s.isDirectory()) return 'a directory';
  return 'not a regular file';
}

const mib = (n: number) => `${n / 1024 / 1024} MiB`;

/** True when `inner` is `outer` or inside it (both real paths). */
function inside(outer: string, inner: string): boolean {
  const rel = path.relative(outer, inner);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Reads every path: a file (any extension, multi-document YAML or JSON), a directory (recursively, only `*.yaml`,
 * `*.yml`, `*.json`, in sorted order) or `-` for stdin. Never throws on bad input: every problem is returned.
 */
export function readManifestPaths(paths: readonly string[], options: ReadOptions | ((limit: number) => string | Uint8Array)): ReadResult {
  const opts: ReadOptions = typeof options === 'function' ? { readStdin: options } : options;
  const patterns = opts.ignore ?? [];
  const globs = patterns.map(globToRegExp);
  const objects: SourcedObject[] = [];
  const problems: Problem[] = [];
  let total = 0;
  const cannot = (source: string, message: string) => problems.push({ source, object: '', path: '', message, category: 'read' });

  /** Decodes the bytes of one source; false when the total budget is exhausted. */
  const take = (bytes: Uint8Array | string, source: string) => {
    total += typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.byteLength;
    if (total > MAX_TOTAL_BYTES) {
      cannot(source, `the input is larger than ${mib(MAX_TOTAL_BYTES)} in total: not read`);
      return;
    }
    const text = typeof bytes === 'string' ? bytes : decodeBytes(bytes);
    const decoded = parseManifestText(text, source, problems);
    if (path.basename(source) === CDK8S_METADATA_FILE && decoded.length === 1 && isCdk8sMetadata(decoded[0].object)) return;
    // A loop, not push(...): spreading 100,000 objects into one call overflows the stack.
    for (const o of decoded) objects.push(o);
  };

  /** Opens without blocking and without following a last symlink, checks the descriptor, reads up to the cap. */
  const readRegular = (file: string, follow: boolean, display: string) => {
    const bytes = readCapped(file, follow, display);
    // Decoding is outside the I/O error handling: a failure there is a bug of ours, not "cannot read".
    if (bytes) take(bytes, display);
  };

  /** Opens without blocking (and without following a last symlink), checks the descriptor, reads up to the cap. */
  const readCapped = (file: string, follow: boolean, display: string): Buffer | undefined => {
    let fd: number;
    try {
      // O_NONBLOCK: opening a FIFO must not wait for a writer; O_NOFOLLOW: the checked path is the opened one.
      fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | (follow ? 0 : fs.constants.O_NOFOLLOW));
    } catch (e) {
      cannot(display, openError(e));
      return undefined;
    }
    try {
      const stat = fs.fstatSync(fd);
      if (!stat.isFile()) {
        cannot(display, `${kindOfStat(stat)}: only regular files are read`);
        return undefined;
      }
      if (stat.size > MAX_TEXT_BYTES) {
        cannot(display, `larger than ${mib(MAX_TEXT_BYTES)} (${stat.size} bytes): not read`);
        return undefined;
      }
      // Files like /proc/self/environ report size 0: read in chunks, never past the cap.
      const chunks: Buffer[] = [];
      let size = 0;
      for (;;) {
        const chunk = Buffer.alloc(Math.min(1024 * 1024, MAX_TEXT_BYTES + 1 - size));
        const n = fs.readSync(fd, chunk, 0, chunk.length, null);
        if (n === 0) break;
        chunks.push(chunk.subarray(0, n));
        size += n;
        if (size > MAX_TEXT_BYTES) {
          cannot(display, `larger than ${mib(MAX_TEXT_BYTES)}: not read`);
          return undefined;
        }
      }
      return Buffer.concat(chunks);
    } catch (e) {
      cannot(display, openError(e));
      return undefined;
    } finally {
      fs.closeSync(fd);
    }
  };

  const walk = (dir: string, root: string, rootReal: string, depth: number) => {
    if (depth > MAX_DIRECTORY_DEPTH) {
      cannot(dir, `directories nested deeper than ${MAX_DIRECTORY_DEPTH} levels are not read`);
      return;
    }
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      cannot(dir, openError(e));
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      const relative = path.relative(root, full).split(path.sep).join('/');
      if (globs.length > 0 && ignoredBy(globs, patterns, relative)) continue;
      if (entry.isDirectory()) {
        walk(full, root, rootReal, depth + 1);
        continue;
      }
      if (!MANIFEST_EXTENSIONS.includes(path.extname(entry.name).toLowerCase())) continue;
      if (entry.isFile()) {
        readRegular(full, false, full);
      } else if (entry.isSymbolicLink()) {
        let target: string;
        try {
          target = fs.realpathSync(full);
        } catch {
          cannot(full, 'a symbolic link to nothing (dangling): not read');
          continue;
        }
        if (!inside(rootReal, target)) {
          cannot(full, `a symbolic link to a file outside ${root}: not followed (name the target on the command line if you mean it, or skip it with --ignore)`);
          continue;
        }
        readRegular(target, false, full);
      } else {
        // FIFOs, sockets, devices: never opened.
        cannot(full, `${entryKind(entry)}: only regular files are read`);
      }
    }
  };

  for (const p of paths) {
    if (p === '-') {
      let input: string | Uint8Array;
      try {
        input = opts.readStdin(MAX_TEXT_BYTES);
      } catch (e) {
        cannot('<stdin>', openError(e));
        continue;
      }
      const size = typeof input === 'string' ? input.length : input.byteLength;
      if (size > MAX_TEXT_BYTES) {
        cannot('<stdin>', `larger than ${mib(MAX_TEXT_BYTES)}: not read`);
        continue;
      }
      take(input, '<stdin>');
      continue;
    }
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p); // a named path is followed: the user chose it
    } catch (e) {
      cannot(p, openError(e));
      continue;
    }
    if (stat.isDirectory()) {
      let real: string;
      try {
        real = fs.realpathSync(p);
      } catch (e) {
        cannot(p, openError(e));
        continue;
      }
      walk(p, p, real, 0);
    } else if (stat.isFile()) {
      readRegular(p, true, p);
    } else {
      cannot(p, `${kindOfStat(stat)}: only regular files and directories are read`);
    }
  }
  if (objects.length === 0 && problems.length === 0) {
    cannot(paths.map((p) => (p === '-' ? '<stdin>' : p)).join(' '), 'no Kubernetes objects in the input (kubectl apply would say "no objects passed to apply"): give files or directories with manifests');
  }
  return { objects, problems };
}

function entryKind(entry: fs.Dirent): string {
  if (entry.isFIFO()) return 'a FIFO';
  if (entry.isCharacterDevice()) return 'a character device';
  if (entry.isBlockDevice()) return 'a block device';
  if (entry.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** `ENOENT` and friends in words, without the path (the problem names it already). */
function openError(e: unknown): string {
  const code = (e as { code?: string })?.code;
  switch (code) {
    case 'ENOENT': return 'no such file or directory';
    case 'EACCES':
    case 'EPERM': return 'permission denied';
    case 'ELOOP': return 'a symbolic link where a regular file was expected: not followed';
    case 'EISDIR': return 'a directory';
    case 'ENOTDIR': return 'not a directory';
    case 'EAGAIN': return 'not ready (a FIFO or a device?): only regular files are read';
    default: return `cannot be read (${code ?? 'error'})`;
  }
}

/** cdk8s's `construct-metadata.json`: `{ version, resources }`, no kind. */
function isCdk8sMetadata(x: unknown): boolean {
  return isPlainObject(x) && x.kind === undefined && x.apiVersion === undefined && 'resources' in x;
}
