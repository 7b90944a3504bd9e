/** What a command may touch: injected so tests call `main()` without spawning a process. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Reads stdin, at most `limit` + 1 bytes (only called when a path is `-`). */
  readonly readStdin: (limit: number) => string | Uint8Array;
}

/** Exit codes. 1 is for findings: `lint` findings, a failed `diff --fail-on` gate, a failed `check` expectation. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_INVALID = 2;
export const EXIT_INTERNAL = 3;

/** A mistake in the command line: printed with the usage hint, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A command: one file in `commands/` and one entry in the table of `commands/index.ts`. */
export interface Command {
  readonly name: string;
  /** One line for the top-level help. */
  readonly summary: string;
  /** The full `--help` text. */
  readonly help: string;
  /** Runs with the arguments after the command name; returns the exit code. */
  run(args: string[], io: CliIo): number;
}
