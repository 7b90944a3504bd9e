import { spawnSync } from 'child_process';
import * as path from 'path';

/** The repository root. */
export const ROOT = path.join(__dirname, '..', '..');

export interface ChildResult {
  readonly stdout: string;
  readonly stderr: string;
  /** Peak RSS of the child in MB, as reported by its peak-rss preload. */
  readonly peakRssMB: number;
  /** Wall time of the whole child process (startup and TypeScript transpilation included), in ms. */
  readonly processMs: number;
}

/**
 * Runs a TypeScript file of the repository in a fresh Node process (transpile-only ts-node, test/tsconfig.json),
 * so measured cases share no heap, JIT state or caches. Throws with the child's stderr if it fails.
 */
export function runTs(script: string, args: string[], timeoutMs = 240_000): ChildResult {
  const started = process.hrtime.bigint();
  const r = spawnSync(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', path.join(ROOT, 'bench', 'lib', 'peak-rss.ts'), path.join(ROOT, script), ...args],
    {
      cwd: ROOT,
      env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'test', 'tsconfig.json') },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      timeout: timeoutMs,
    },
  );
  const processMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.error) throw new Error(`${script} ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) {
    throw new Error(`${script} ${args.join(' ')} exited with ${r.status ?? r.signal}:\n${r.stderr}\n${r.stdout}`);
  }
  const m = /__PEAK_RSS_KB=(\d+)/.exec(r.stderr);
  return {
    stdout: r.stdout,
    stderr: r.stderr.replace(/\n?__PEAK_RSS_KB=\d+\n?/, ''),
    peakRssMB: m ? Number(m[1]) / 1024 : NaN,
    processMs,
  };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
