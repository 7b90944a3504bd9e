/**
 * A fixed-size bitset over class indexes, shared by the engine's matrix (src/semantics/matrix.ts) and the connection
 * analysis (src/analysis/connections.ts).
 */
export class Bits {
  /** Every index below `size` set. */
  public static all(size: number): Bits {
    return new Bits(size, true);
  }

  public readonly words: Uint32Array;

  constructor(public readonly size: number, all = false) {
    this.words = new Uint32Array((size + 31) >>> 5);
    if (all) this.words.fill(0xffffffff);
  }

  public set(i: number) { this.words[i >>> 5] |= 1 << (i & 31); }

  public has(i: number): boolean { return (this.words[i >>> 5] & (1 << (i & 31))) !== 0; }

  /** this |= other */
  public or(other: Bits) {
    const w = this.words;
    const o = other.words;
    for (let k = 0; k < w.length; k++) w[k] |= o[k];
  }

  /** this |= a & b */
  public orAnd(a: Bits, b: Bits) {
    const w = this.words;
    for (let k = 0; k < w.length; k++) w[k] |= a.words[k] & b.words[k];
  }

  /** Calls `f` with each set index below `size`, ascending. */
  public forEach(f: (i: number) => void) {
    const w = this.words;
    for (let k = 0; k < w.length; k++) {
      let x = w[k];
      while (x !== 0) {
        const low = x & -x;
        const i = (k << 5) + 31 - Math.clz32(low);
        if (i >= this.size) return;
        f(i);
        x ^= low;
      }
    }
  }
}
