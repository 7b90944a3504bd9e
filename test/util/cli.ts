import { main } from '../../src/cli/main';

/** What one in-process run of the CLI produced. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process, as `cdk8s-netpol ...args`, with `stdin` as standard input. */
export function runCli(args: string[], stdin: string | Uint8Array = ''): CliRun {
  let stdout = '';
  let stderr = '';
  const code = main(['node', 'cdk8s-netpol', ...args], {
    stdout: (t) => { stdout += t; },
    stderr: (t) => { stderr += t; },
    readStdin: () => stdin,
  });
  return { code, stdout, stderr };
}
