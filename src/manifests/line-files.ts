/**
 * Reading line-oriented exports (Hubble flow logs) from files, directories and stdin, line by line, with the safety
 * rules of files.ts: only regular files, a named path followed, no symbolic link inside a directory followed out of
 * it, nothing read echoed. Plain files are streamed in 1 MiB chunks, so memory does not grow with the file; a gzip
 * file (`.gz`, rotated exports) is decompressed whole (at most 64 MiB compressed, 1 GiB decompressed) and its lines
 * are handed out one at a time.
 */
import * as fs from 'fs';
import * as zlib from 'zlib';
import { openError, openRegularFile, walkDirectory } from './files';

/** File names a directory walk reads: `*.json`, `*.jsonl`, `*.log`, and each of them gzipped. */
const LINE_FILE = /\.(json|jsonl|log)(\.gz)?$/i;
const CHUNK = 1024 * 1024;
const MAX_GZIP_BYTES = 64 * 1024 * 1024;
const MAX_GUNZIPPED_BYTES = 1024 * 1024 * 1024;
/** A longer line is cut there (and will not parse): a truncated or hostile file cannot grow one line forever. */
const MAX_LINE_BYTES = 16 * 1024 * 1024;

export interface LineSource {
  /** The file a line comes from (or `-`). */
  readonly name: string;
}

/**
 * Calls `f` for every line of every path (`-` is stdin, read through `readStdin`), in order; a directory's files in
 * sorted order, recursively. Returns the problems (a path that cannot be read), each naming the path; reading goes on
 * with the other paths.
 */
export function forEachLineOf(
  paths: readonly string[],
  readStdin: (limit: number) => string | Uint8Array,
  f: (line: string, source: LineSource) => void,
): { source: string; message: string }[] {
  const problems: { source: string; message: string }[] = [];
  const cannot = (source: string, message: string) => problems.push({ source, message });
  const file = (name: string, follow: boolean) => {
    const error = name.toLowerCase().endsWith('.gz') ? gzipLines(name, follow, name, f) : plainLines(name, follow, name, f);
    if (error !== undefined) cannot(name, error);
  };
  for (const p of paths) {
    if (p === '-') {
      const input = readStdin(MAX_GUNZIPPED_BYTES);
      const buf = typeof input === 'string' ? Buffer.from(input) : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
      if (buf.byteLength > MAX_GUNZIPPED_BYTES) {
        cannot('-', 'stdin is larger than 1 GiB: not read');
        continue;
      }
      let data = buf;
      if (isGzip(buf)) {
        try {
          data = zlib.gunzipSync(buf, { maxOutputLength: MAX_GUNZIPPED_BYTES });
        } catch {
          cannot('-', 'not a valid gzip stream, or more than 1 GiB once decompressed');
          continue;
        }
      }
      bufferLines(data, (line) => f(line, { name: '-' }));
      continue;
    }
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch (e) {
      cannot(p, openError(e));
      continue;
    }
    if (stat.isDirectory()) {
      let real = p;
      try {
        real = fs.realpathSync(p);
      } catch {
        // unreadable: the walk reports it
      }
      walkDirectory(p, real, { accept: (name) => LINE_FILE.test(name) }, (open, display) => {
        const error = open.toLowerCase().endsWith('.gz') || display.toLowerCase().endsWith('.gz')
          ? gzipLines(open, false, display, f) : plainLines(open, false, display, f);
        if (error !== undefined) cannot(display, error);
      }, cannot);
    } else {file(p, true);}
  }
  return problems;

  function isGzip(b: Buffer): boolean {
    return b.byteLength >= 2 && b[0] === 0x1f && b[1] === 0x8b;
  }
}

function plainLines(file: string, follow: boolean, display: string, f: (line: string, source: LineSource) => void): string | undefined {
  const fd = openRegularFile(file, follow);
  if (typeof fd === 'string') return fd;
  const source = { name: display };
  try {
    let rest: Buffer = Buffer.alloc(0);
    const chunk = Buffer.alloc(CHUNK);
    for (;;) {
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      let data = rest.byteLength > 0 ? Buffer.concat([rest, chunk.subarray(0, n)]) : chunk.subarray(0, n);
      let start = 0;
      for (let nl = data.indexOf(10, start); nl >= 0; nl = data.indexOf(10, start)) {
        f(lineText(data, start, nl), source);
        start = nl + 1;
      }
      data = data.subarray(start);
      // Keep the unfinished line (a copy: the chunk buffer is reused), cut at the cap.
      rest = Buffer.from(data.byteLength > MAX_LINE_BYTES ? data.subarray(0, MAX_LINE_BYTES) : data);
    }
    if (rest.byteLength > 0) f(lineText(rest, 0, rest.byteLength), source);
    return undefined;
  } catch (e) {
    return openError(e);
  } finally {
    fs.closeSync(fd);
  }
}

function gzipLines(file: string, follow: boolean, display: string, f: (line: string, source: LineSource) => void): string | undefined {
  const fd = openRegularFile(file, follow);
  if (typeof fd === 'string') return fd;
  let compressed: Buffer;
  try {
    const stat = fs.fstatSync(fd);
    if (stat.size > MAX_GZIP_BYTES) return `larger than 64 MiB compressed (${stat.size} bytes): not read`;
    compressed = fs.readFileSync(fd);
  } catch (e) {
    return openError(e);
  } finally {
    fs.closeSync(fd);
  }
  let data: Buffer;
  try {
    data = zlib.gunzipSync(compressed, { maxOutputLength: MAX_GUNZIPPED_BYTES });
  } catch (e) {
    const code = (e as { code?: string }).code;
    return code === 'ERR_BUFFER_TOO_LARGE' ? 'more than 1 GiB once decompressed: not read' : 'not a valid gzip file';
  }
  bufferLines(data, (line) => f(line, { name: display }));
  return undefined;
}

function bufferLines(data: Buffer, f: (line: string) => void): void {
  let start = 0;
  for (let nl = data.indexOf(10, start); nl >= 0; nl = data.indexOf(10, start)) {
    f(lineText(data, start, nl));
    start = nl + 1;
  }
  if (start < data.byteLength) f(lineText(data, start, data.byteLength));
}

/** The line's text, without a trailing `\r`, at most MAX_LINE_BYTES. */
function lineText(data: Buffer, start: number, end: number): string {
  let e = Math.min(end, start + MAX_LINE_BYTES);
  if (e > start && data[e - 1] === 13) e--;
  return data.toString('utf8', start, e);
}
