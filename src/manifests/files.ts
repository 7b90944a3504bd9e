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
import { Glob } from './glob';
import { isPlainObject } from './objects';
import { Problem } from './problem';
import { safeName } from '../private/text';

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

/** A glob without `/` also matches the file name at any depth (`package.json`, `*.tmpl.yaml`). */
function ignoredBy(globs: readonly Glob[], relative: string): boolean {
  const base = relative.slice(relative.lastIndexOf('/') + 1);
  return globs.some((g) => g.matches(relative) || (!g.pattern.includes('/') && g.matches(base)));
}

export function kindOfStat(s: fs.Stats): string {
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
  const globs = (opts.ignore ?? []).map((g) => new Glob(g));
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
    const read = readRegularFile(file, follow, MAX_TEXT_BYTES);
    // Decoding is outside the I/O error handling: a failure there is a bug of ours, not "cannot read".
    if (typeof read === 'string') cannot(display, read);
    else take(read, display);
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
      walkDirectory(p, real, {
        accept: (name) => MANIFEST_EXTENSIONS.includes(path.extname(name).toLowerCase()),
        ignored: globs.length > 0 ? (relative) => ignoredBy(globs, relative) : undefined,
        linkHint: ' (name the target on the command line if you mean it, or skip it with --ignore)',
      }, (open, display) => readRegular(open, false, display), cannot);
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

/**
 * Opens without blocking (and, unless `follow`, without following a last symbolic link), checks on the descriptor that
 * it is a regular file, and reads it in chunks, never past `cap` bytes. Returns the bytes, or why not (in words, without
 * the path or anything read).
 */
function readRegularFile(file: string, follow: boolean, cap: number): Buffer | string {
  const fd = openRegularFile(file, follow);
  if (typeof fd === 'string') return fd;
  try {
    const stat = fs.fstatSync(fd);
    if (stat.size > cap) return `larger than ${size(cap)} (${stat.size} bytes): not read`;
    // Files like /proc/self/environ report size 0: read in chunks, never past the cap.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(1024 * 1024, cap + 1 - total));
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > cap) return `larger than ${size(cap)}: not read`;
    }
    return Buffer.concat(chunks);
  } catch (e) {
    return openError(e);
  } finally {
    fs.closeSync(fd);
  }
}

const size = (n: number) => (n >= 1024 * 1024 ? mib(n) : `${n / 1024} KiB`);

/** The largest file an option names (`check --expect`): such files are a few lines long. */
export const MAX_OPTION_FILE_BYTES = 4 * 1024 * 1024;
/** The longest line of a file an option names; a longer one is refused without being shown. */
export const MAX_OPTION_LINE_CHARS = 1000;

export interface OptionFileOptions {
  /**
   * The tree the input comes from: a path that passes through a symbolic link inside it is read only when its target
   * stays inside it.
   * @default - the working directory
   */
  readonly root?: string;
  /** @default MAX_OPTION_FILE_BYTES */
  readonly maxBytes?: number;
  /** @default MAX_OPTION_LINE_CHARS */
  readonly maxLineChars?: number;
}

/** A text file an option names (`check --expect FILE`): its lines, or why it was not read. */
export type OptionFileResult = { readonly lines: readonly string[] } | { readonly error: string };

/**
 * Reads a text file named by a command-line option (`check --expect FILE`) with the rules of manifest paths: only a
 * regular file (a FIFO, a device or a socket is refused without blocking), at most `maxBytes`, and a symbolic link met
 * inside the working directory (the checkout a pull request controls) is followed only when the file it leads to is
 * inside the working directory too: `flows.txt -> /proc/self/environ` is refused. A path that does not pass through
 * a symbolic link inside the working directory is read where it is (the user named it). The text must be UTF-8 without
 * NUL bytes, and no line longer than `maxLineChars`. The error names the file (escaped, cut) and never shows what was
 * read.
 */
export function readOptionFile(file: string, options: OptionFileOptions = {}): OptionFileResult {
  const shown = safeName(file);
  const fail = (why: string): OptionFileResult => ({ error: `${shown}: ${why}` });
  const root = path.resolve(options.root ?? process.cwd());
  const absolute = path.resolve(file);
  let target = absolute;
  if (inside(root, absolute)) {
    let linked = false;
    let current = root;
    for (const part of path.relative(root, absolute).split(path.sep).filter((x) => x !== '')) {
      current = path.join(current, part);
      let stat: fs.Stats;
      try {
        stat = fs.lstatSync(current);
      } catch (e) {
        return fail(openError(e));
      }
      if (stat.isSymbolicLink()) {
        linked = true;
        break;
      }
    }
    if (linked) {
      let rootReal: string;
      try {
        target = fs.realpathSync(absolute);
        rootReal = fs.realpathSync(root);
      } catch {
        return fail('a symbolic link to nothing (dangling): not read');
      }
      if (!inside(rootReal, target)) {
        return fail('a symbolic link to a file outside the working directory: not followed (name the file itself if you mean it)');
      }
    }
  }
  const bytes = readRegularFile(target, target === absolute, options.maxBytes ?? MAX_OPTION_FILE_BYTES);
  if (typeof bytes === 'string') return fail(bytes);
  if (bytes.includes(0)) return fail('holds NUL bytes: not a text file');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail('not UTF-8 text');
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split(/\r?\n/);
  const max = options.maxLineChars ?? MAX_OPTION_LINE_CHARS;
  const long = lines.findIndex((l) => l.length > max);
  if (long >= 0) return fail(`line ${long + 1} is longer than ${max} characters (${lines[long].length}): not read`);
  return { lines };
}

function entryKind(entry: fs.Dirent): string {
  if (entry.isFIFO()) return 'a FIFO';
  if (entry.isCharacterDevice()) return 'a character device';
  if (entry.isBlockDevice()) return 'a block device';
  if (entry.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** `ENOENT` and friends in words, without the path (the problem names it already). */
export function openError(e: unknown): string {
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

/**
 * Opens without blocking (O_NONBLOCK: opening a FIFO must not wait for a writer) and, unless `follow`, without
 * following a last symbolic link (O_NOFOLLOW: the checked path is the opened one), and checks on the descriptor that
 * it is a regular file. Returns the descriptor (the caller closes it), or why not, in words.
 */
export function openRegularFile(file: string, follow: boolean): number | string {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | (follow ? 0 : fs.constants.O_NOFOLLOW));
  } catch (e) {
    return openError(e);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (stat.isFile()) return fd;
    fs.closeSync(fd);
    return `${kindOfStat(stat)}: only regular files are read`;
  } catch (e) {
    fs.closeSync(fd);
    return openError(e);
  }
}

export interface WalkOptions {
  /** Whether a file name is one to read (e.g. `*.yaml`). */
  readonly accept: (name: string) => boolean;
  /** Whether a path relative to the root is skipped (`--ignore`). */
  readonly ignored?: (relative: string) => boolean;
  /** Added to the message for a symbolic link that leads outside the root. */
  readonly linkHint?: string;
}

/**
 * Walks a directory named on the command line, in sorted order, recursively: `onFile(open, display)` for each
 * regular file it accepts, where `open` is the path to open without following links (a symbolic link's target, once
 * checked to lie inside the root) and `display` the path to name. Symbolic links to directories are not descended
 * into; links that dangle or lead outside the root, FIFOs, sockets and devices are reported through `cannot`.
 */
export function walkDirectory(
  root: string,
  rootReal: string,
  options: WalkOptions,
  onFile: (open: string, display: string) => void,
  cannot: (source: string, message: string) => void,
): void {
  const walk = (dir: string, depth: number) => {
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
      if (options.ignored?.(path.relative(root, full).split(path.sep).join('/'))) continue;
      if (entry.isDirectory()) {
        walk(full, depth + 1);
        continue;
      }
      if (!options.accept(entry.name)) continue;
      if (entry.isFile()) {
        onFile(full, full);
      } else if (entry.isSymbolicLink()) {
        let target: string;
        try {
          target = fs.realpathSync(full);
        } catch {
          cannot(full, 'a symbolic link to nothing (dangling): not read');
          continue;
        }
        if (!inside(rootReal, target)) {
          cannot(full, `a symbolic link to a file outside ${root}: not followed${options.linkHint ?? ''}`);
          continue;
        }
        onFile(target, full);
      } else {
        // FIFOs, sockets, devices: never opened.
        cannot(full, `${entryKind(entry)}: only regular files are read`);
      }
    }
  };
  walk(root, 0);
}
