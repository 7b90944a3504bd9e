/**
 * The `cdk8s-netpol` command line. `bin/cdk8s-netpol` calls `main(process.argv)`; tests call it with their own io.
 * User mistakes print a message and exit 2; only a bug in the tool itself exits 3 (with a stack trace only when
 * CDK8S_NETPOL_DEBUG is set).
 */
import * as fs from 'fs';
import * as path from 'path';
import { COMMANDS } from './commands';
import { CliIo, EXIT_INTERNAL, EXIT_INVALID, EXIT_OK, UsageError } from './io';
import { readOptionFile } from '../manifests/files';
import { InvalidManifestsError } from '../manifests/problem';
import { safeOutput } from '../private/text';

export type { CliIo } from './io';

const NAME = 'cdk8s-netpol';

function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `Usage: ${NAME} COMMAND [options]

Check what Kubernetes NetworkPolicies allow, offline, from YAML/JSON manifests.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Options:
  -h, --help     show this help (also: ${NAME} COMMAND --help)
  --version      print the version

Exit status: 0 success, 1 findings (lint), a failed gate (diff --fail-on, replay --fail-on) or a failed expectation (check),
2 invalid input or usage.
`;
}

/**
 * Writes synchronously, waiting while a pipe is full: process.stdout.write on a pipe queues everything in memory
 * when the reader is slower than we are (ENOBUFS at gigabytes of output), and large outputs are streamed in chunks.
 */
function writeAll(fd: number, text: string): void {
  const buffer = Buffer.from(text, 'utf8');
  let offset = 0;
  while (offset < buffer.length) {
    try {
      offset += fs.writeSync(fd, buffer, offset);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
        continue;
      }
      if (code === 'EPIPE') return; // the reader has gone (e.g. `| head`): nothing more to say
      throw e;
    }
  }
}

const defaultIo: CliIo = {
  stdout: (text) => writeAll(1, text),
  stderr: (text) => writeAll(2, text),
  readStdin: readStdinBytes,
};

/** Reads fd 0 in chunks, never more than `limit` + 1 bytes (stdin may be `< /dev/zero`). */
function readStdinBytes(limit: number): Uint8Array {
  const chunks: Buffer[] = [];
  let size = 0;
  while (size <= limit) {
    const chunk = Buffer.alloc(Math.min(1024 * 1024, limit + 1 - size));
    let n: number;
    try {
      n = fs.readSync(0, chunk, 0, chunk.length, null);
    } catch (e) {
      if ((e as { code?: string }).code === 'EAGAIN') {
        // A non-blocking stdin with nothing yet: wait a little instead of spinning.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
        continue;
      }
      if ((e as { code?: string }).code === 'EOF') break;
      throw e;
    }
    if (n === 0) break;
    chunks.push(chunk.subarray(0, n));
    size += n;
  }
  return Buffer.concat(chunks);
}

/**
 * Runs the CLI.
 *
 * @param argv `process.argv`: the node binary, the script, then the arguments
 * @returns the exit code
 */
export function main(argv: readonly string[], rawIo: CliIo = defaultIo): number {
  // Names, labels and file names come from the input: nothing reaches a terminal or a CI log unescaped.
  const io: CliIo = {
    stdout: (text) => rawIo.stdout(safeOutput(text)),
    stderr: (text) => rawIo.stderr(safeOutput(text)),
    readStdin: rawIo.readStdin,
  };
  const args = argv.slice(2);
  const first = args[0];
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    (first === undefined ? io.stderr : io.stdout)(topHelp());
    return first === undefined ? EXIT_INVALID : EXIT_OK;
  }
  if (first === '--version') {
    io.stdout(`${version()}\n`);
    return EXIT_OK;
  }
  const command = COMMANDS.find((c) => c.name === first);
  if (!command) {
    io.stderr(`${NAME}: unknown command "${first}"\n\n${topHelp()}`);
    return EXIT_INVALID;
  }
  try {
    return command.run(args.slice(1), io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`${NAME} ${command.name}: ${e.message}\nRun '${NAME} ${command.name} --help' for usage.\n`);
      return EXIT_INVALID;
    }
    if (e instanceof InvalidManifestsError) {
      io.stderr(`${NAME} ${command.name}: ${e.message}\n`);
      return EXIT_INVALID;
    }
    const err = e as Error;
    io.stderr(`${NAME} ${command.name}: internal error (a bug in ${NAME}, please report it): ${quoteMessage(err?.message ?? String(e))}\n`);
    if (process.env.CDK8S_NETPOL_DEBUG) io.stderr(`${err?.stack}\n`);
    return EXIT_INTERNAL;
  }
}

/** An internal error's message, cut: it may quote input. */
function quoteMessage(text: string): string {
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

function version(): string {
  // src/cli and lib/cli are both two levels below the package root.
  try {
    const root = path.join(__dirname, '..', '..');
    const read = readOptionFile(path.join(root, 'package.json'), { root });
    return 'lines' in read ? JSON.parse(read.lines.join('\n')).version : 'unknown';
  } catch {
    return 'unknown';
  }
}
