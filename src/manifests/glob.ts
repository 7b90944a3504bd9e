/**
 * `--ignore` globs, matched in linear time.
 *
 * The globs come from the command line, but the paths they are matched against come from the input tree, which a pull
 * request controls (60 nested directories, a 245-character file name). A glob turned into a regular expression
 * backtracks: `**` + `/a` eight times over 60 nested directories took over a minute, and five `*` over a 245-character
 * name tens of seconds (issue 25 §4). So a glob is compiled into a small nondeterministic automaton (Thompson's
 * construction) and simulated with a set of states: every character of the path is read once, against at most every
 * state of the glob, so a match costs O(path length x glob length) whatever the two hold. No regular expression is
 * involved.
 *
 * The syntax, unchanged from the regular expressions it replaces:
 * - `*` any run of characters other than `/` (within one name), `?` one character other than `/`;
 * - `**` followed by `/` any number of whole directories (none included): `**` + `/x.yaml` matches `x.yaml` and
 *   `a/b/x.yaml`;
 * - `**` elsewhere any run of characters, `/` included: `charts/**` matches everything under `charts/`;
 * - every other character stands for itself (no `[...]` classes, no `{a,b}`, no escapes);
 * - the glob matches the whole path.
 * Whether a glob without `/` also matches the file name at any depth is decided by the caller (files.ts).
 *
 * @see https://swtch.com/~rsc/regexp/regexp1.html (why simulating the automaton is linear and backtracking is not)
 */

/** What one transition reads: a given character, any character but `/`, or any character at all. */
type Read = { readonly char: string } | 'name' | 'any';

interface State {
  /** Transitions that read one character. */
  readonly reads: { readonly read: Read; readonly to: number }[];
  /** Transitions that read nothing; they always lead to a later state, so one pass in state order closes a set. */
  readonly empty: number[];
}

/** A compiled glob: `matches(path)` over `/`-separated relative paths, in time linear in the path. */
export class Glob {
  private readonly states: State[] = [];
  private readonly accept: number;

  constructor(public readonly pattern: string) {
    const add = (): number => this.states.push({ reads: [], empty: [] }) - 1;
    let current = add();
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i];
      if (c === '*' && pattern[i + 1] === '*') {
        i++;
        if (pattern[i + 1] === '/') {
          // `**/`: nothing, or any characters that end with `/` (whole directories).
          i++;
          const inner = add();
          const next = add();
          this.states[current].empty.push(next, inner);
          this.states[inner].reads.push({ read: 'any', to: inner }, { read: { char: '/' }, to: next });
          current = next;
        } else {
          const next = add();
          this.states[current].reads.push({ read: 'any', to: current });
          this.states[current].empty.push(next);
          current = next;
        }
      } else if (c === '*') {
        const next = add();
        this.states[current].reads.push({ read: 'name', to: current });
        this.states[current].empty.push(next);
        current = next;
      } else {
        const next = add();
        this.states[current].reads.push({ read: c === '?' ? 'name' : { char: c }, to: next });
        current = next;
      }
    }
    this.accept = current;
  }

  /** True when the glob matches the whole of `path`. */
  public matches(path: string): boolean {
    const n = this.states.length;
    let active = new Uint8Array(n);
    let next = new Uint8Array(n);
    active[0] = 1;
    this.close(active);
    // Code points, not UTF-16 units: `?` is one character of a name, an emoji included.
    for (const ch of path) {
      next.fill(0);
      let any = false;
      for (let s = 0; s < n; s++) {
        if (!active[s]) continue;
        for (const { read, to } of this.states[s].reads) {
          if (read === 'any' || (read === 'name' ? ch !== '/' : read.char === ch)) {
            next[to] = 1;
            any = true;
          }
        }
      }
      if (!any) return false;
      this.close(next);
      [active, next] = [next, active];
    }
    return active[this.accept] === 1;
  }

  /** Adds every state reachable by transitions that read nothing (they point forward: one pass suffices). */
  private close(set: Uint8Array): void {
    for (let s = 0; s < set.length; s++) {
      if (set[s]) for (const to of this.states[s].empty) set[to] = 1;
    }
  }
}
