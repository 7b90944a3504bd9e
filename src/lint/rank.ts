import { LintSeverity } from './severity';

const RANK: { [s: string]: number } = { error: 3, warning: 2, info: 1 };

/** True when `s` is at least as serious as `threshold`. */
export function atLeast(s: LintSeverity, threshold: LintSeverity): boolean {
  return RANK[s] >= RANK[threshold];
}
