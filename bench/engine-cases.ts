/**
 * The reachability-engine part of `npm run bench`: runs bench/engine.ts (the engine owner's benchmark, unchanged)
 * once per cluster size in a fresh process, and parses its one-line report.
 */
import { runTs } from './lib/child';

export interface EngineCase {
  readonly pods: number;
  readonly policies?: number;
  readonly classes?: number;
  readonly loadMs?: number;
  readonly matrixMs?: number;
  readonly pairs: number;
  readonly pairsPerSecond?: number;
  readonly allowedPercent?: number;
  readonly naivePairsPerSecond?: number;
  /** Seconds the naive evaluator takes (or would take) for the full matrix. */
  readonly naiveFullSeconds?: number;
  readonly naiveMeasured: boolean;
  readonly disagreements?: string;
  readonly peakRssMB: number;
  /** The line bench/engine.ts printed, kept verbatim in the report. */
  readonly raw: string;
}

const num = (line: string, re: RegExp): number | undefined => {
  const m = re.exec(line);
  return m ? Number(m[1].replace(/,/g, '')) : undefined;
};

/**
 * @param pods cluster sizes
 * @param naiveAllUpTo run the naive evaluator on every pair for sizes up to this (slow: ~P^2 x policies)
 */
export function runEngineCases(pods: number[], naiveAllUpTo: number): { header: string; cases: EngineCase[] } {
  let header = '';
  const cases: EngineCase[] = [];
  for (const p of pods) {
    const naiveAll = p <= naiveAllUpTo;
    const r = runTs('bench/engine.ts', naiveAll ? [String(p), '--naive-all'] : [String(p)], 280_000);
    const lines = r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
    header = lines.find((l) => !l.startsWith('P=')) ?? header;
    const line = lines.find((l) => l.startsWith('P=')) ?? lines.join(' ');
    const matrixMs = num(line, /matrix=([\d.]+)ms/);
    const naivePairsPerSecond = num(line, /naive=([\d,.]+) pairs\/s/);
    const pairs = p * p;
    cases.push({
      pods: num(line, /P=(\d+)/) ?? p,
      policies: num(line, /policies=(\d+)/),
      classes: num(line, /classes=(\d+)/),
      loadMs: num(line, /load=([\d.]+)ms/),
      matrixMs,
      pairs,
      pairsPerSecond: num(line, /\(([\d,]+) pairs\/s/),
      allowedPercent: num(line, /([\d.]+)% allowed/),
      naivePairsPerSecond,
      // From the rate rather than the printed seconds, which are rounded to 0.1 s.
      naiveFullSeconds: naivePairsPerSecond ? pairs / naivePairsPerSecond : num(line, /full matrix ~?([\d.]+)s/),
      naiveMeasured: naiveAll && !/extrapolated/.test(line),
      disagreements: /disagreements=(\d+\/\d+)/.exec(line)?.[1],
      peakRssMB: r.peakRssMB,
      raw: line,
    });
  }
  return { header, cases };
}
