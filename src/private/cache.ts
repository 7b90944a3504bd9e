/**
 * A cache of values computed once per text key, for inputs that come back across a platform (the same CIDR in every
 * namespace, in every policy of a cluster). It is emptied when it reaches its limit, so a long-running process never
 * grows it without bound. Values are frozen, deeply: whoever gets one can never change another caller's.
 */
export class TextCache<T> {
  private readonly values = new Map<string, T>();
  constructor(private readonly limit = 10_000) {}

  /** The value for `key`, computed by `compute` the first time. */
  public get(key: string, compute: () => T): T {
    if (this.values.has(key)) return this.values.get(key)!;
    if (this.values.size >= this.limit) this.values.clear();
    const value = deepFreeze(compute());
    this.values.set(key, value);
    return value;
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
