/**
 * Reading line-oriented exports (Hubble flow logs) from files, directories and stdin, line by line, with the safety
 * rules of files.ts: only regular files, a named path followed, no symbolic link inside a directory followed out of
 * it, nothing read echoed. Files are streamed in 1 MiB chunks, so memory does not grow with the file: a gzip file
 * (`.gz`, rotated exports) is decompressed as it is read, by a worker thread. Only stdin is read whole (at most
 * 1 GiB, decompressed whole when it is gzip).
 */
import * as fs from 'fs';
import { Worker } from 'worker_threads';
import * as zlib from 'zlib';
import { openError, openRegularFile, walkDirectory } from './files';

/** File names a directory walk reads: `*.json`, `*.jsonl`, `*.log`, and each of them gzipped. */
const LINE_FILE = /\.(json|jsonl|log)(\.gz)?$/i;
const CHUNK = 1024 * 1024;
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
      const lines = new LineSplitter((line) => f(line, { name: '-' }));
      lines.push(data);
      lines.end();
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

/** Cuts chunks of bytes into lines, keeping an unfinished line (cut at MAX_LINE_BYTES) for the next chunk. */
class LineSplitter {
  private rest: Buffer = Buffer.alloc(0);
  constructor(private readonly f: (line: string) => void) {}

  /** `chunk` may be reused by the caller afterwards. */
  public push(chunk: Buffer): void {
    let data = this.rest.byteLength > 0 ? Buffer.concat([this.rest, chunk]) : chunk;
    let start = 0;
    for (let nl = data.indexOf(10, start); nl >= 0; nl = data.indexOf(10, start)) {
      this.f(lineText(data, start, nl));
      start = nl + 1;
    }
    data = data.subarray(start);
    this.rest = Buffer.from(data.byteLength > MAX_LINE_BYTES ? data.subarray(0, MAX_LINE_BYTES) : data);
  }

  public end(): void {
    if (this.rest.byteLength > 0) this.f(lineText(this.rest, 0, this.rest.byteLength));
    this.rest = Buffer.alloc(0);
  }
}

function plainLines(file: string, follow: boolean, display: string, f: (line: string, source: LineSource) => void): string | undefined {
  const fd = openRegularFile(file, follow);
  if (typeof fd === 'string') return fd;
  const source = { name: display };
  const lines = new LineSplitter((line) => f(line, source));
  try {
    const chunk = Buffer.alloc(CHUNK);
    for (;;) {
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      lines.push(chunk.subarray(0, n));
    }
    lines.end();
    return undefined;
  } catch (e) {
    return openError(e);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The worker that decompresses a gzip file, streaming, into a shared buffer the main thread reads from: the
 * commands are synchronous, and zlib streams only asynchronously. Control words: state (0 empty, 1 full, 2 done,
 * 3 failed) and the length of the bytes in the slot.
 */
const GUNZIP_WORKER = `
const { workerData } = require('worker_threads');
const fs = require('fs');
const zlib = require('zlib');
const ctl = new Int32Array(workerData.shared, 0, 2);
const slot = new Uint8Array(workerData.shared, 8);
const put = (buf) => {
  for (let o = 0; o < buf.length;) {
    while (Atomics.load(ctl, 0) === 1) Atomics.wait(ctl, 0, 1);
    const n = Math.min(slot.length, buf.length - o);
    slot.set(buf.subarray(o, o + n));
    ctl[1] = n;
    Atomics.store(ctl, 0, 1);
    Atomics.notify(ctl, 0);
    o += n;
  }
};
const finish = (state) => {
  while (Atomics.load(ctl, 0) === 1) Atomics.wait(ctl, 0, 1);
  Atomics.store(ctl, 0, state);
  Atomics.notify(ctl, 0);
};
const gunzip = zlib.createGunzip();
gunzip.on('data', put);
gunzip.on('end', () => finish(2));
gunzip.on('error', () => finish(3));
const input = fs.createReadStream(null, { fd: workerData.fd, autoClose: false, highWaterMark: 1 << 20 });
input.on('error', () => finish(3));
input.pipe(gunzip);
`;

/** A gzip file, decompressed as it is read (memory: one 1 MiB slot, not the file), line by line. */
function gzipLines(file: string, follow: boolean, display: string, f: (line: string, source: LineSource) => void): string | undefined {
  const fd = openRegularFile(file, follow);
  if (typeof fd === 'string') return fd;
  const source = { name: display };
  const lines = new LineSplitter((line) => f(line, source));
  const shared = new SharedArrayBuffer(8 + CHUNK);
  const ctl = new Int32Array(shared, 0, 2);
  const slot = new Uint8Array(shared, 8);
  // The checked descriptor is read, not the path: what was checked is what is decompressed.
  const worker = new Worker(GUNZIP_WORKER, { eval: true, workerData: { shared, fd } });
  try {
    for (;;) {
      Atomics.wait(ctl, 0, 0);
      const state = Atomics.load(ctl, 0);
      if (state !== 1) {
        if (state === 3) return 'not a valid gzip file (or it cannot be read to its end)';
        lines.end();
        return undefined;
      }
      const chunk = Buffer.from(slot.subarray(0, ctl[1]));
      Atomics.store(ctl, 0, 0);
      Atomics.notify(ctl, 0);
      lines.push(chunk);
    }
  } finally {
    void worker.terminate();
    fs.closeSync(fd);
  }
}

/** The line's text, without a trailing `\r`, at most MAX_LINE_BYTES. */
function lineText(data: Buffer, start: number, end: number): string {
  let e = Math.min(end, start + MAX_LINE_BYTES);
  if (e > start && data[e - 1] === 13) e--;
  return data.toString('utf8', start, e);
}
