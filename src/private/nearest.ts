/**
 * "Did you mean": the known name closest to a misspelt one, for every message that suggests one (unknown props
 * keys, unknown manifest fields, unknown kinds).
 */

/** Edit distance (Levenshtein) of two strings, case-insensitive; `Infinity` past `cap` (cheap on long inputs). */
export function editDistance(a: string, b: string, cap = Infinity): number {
  if (Math.abs(a.length - b.length) > cap) return Infinity;
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= y.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
      rowMin = Math.min(rowMin, current[j]);
    }
    if (rowMin > cap) return Infinity;
    previous = current;
  }
  return previous[y.length] > cap ? Infinity : previous[y.length];
}

/**
 * The known name closest to `name` (case-insensitive edit distance; the first of equals), when it is within
 * `within(candidate)` edits of it; `undefined` otherwise.
 */
export function nearestName(name: string, known: Iterable<string>, within: (candidate: string) => number): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = editDistance(name, k, within(k));
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

/** At most two edits: a slip in a field or kind name. */
export const TWO_EDITS = (): number => 2;

/** At most a third of the candidate's length (at least one edit): a slip in a short key. */
export const A_THIRD = (candidate: string): number => Math.max(1, Math.floor(candidate.length / 3));
