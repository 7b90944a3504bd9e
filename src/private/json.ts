/**
 * JSON with object keys sorted: a canonical string, used as a stable id for rules and peers. Written with loops and
 * string concatenation (no intermediate arrays): render calls it for every selector and peer (docs/benchmarks.md).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      // As Array.prototype.join would: an element with no JSON form (undefined, a function) is empty.
      const item = canonicalJson(value[i]);
      if (item !== undefined) out += item;
    }
    return out + ']';
  }
  const obj = value as { [key: string]: unknown };
  const keys = Object.keys(obj).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const item = obj[key];
    if (item === undefined) continue;
    if (!first) out += ',';
    first = false;
    out += JSON.stringify(key) + ':' + canonicalJson(item);
  }
  return out + '}';
}

/** A JSON object (not null, not an array): the one test every reader of manifests and exports uses. */
export function isPlainObject(x: unknown): x is { [key: string]: unknown } {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Texts in code-unit order (not locale order): the one order for sorted, deterministic output. */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
