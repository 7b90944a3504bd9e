import * as fc from 'fast-check';
import { Glob } from '../../src/manifests/glob';

/**
 * The reference: the regular expression the globs were once turned into (exponential on hostile input, exact on
 * small input). `.` is `[^]` here: the automaton reads a newline in a name like any other character.
 */
function oracle(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      i++;
      if (glob[i + 1] === '/') {
        i++;
        re += '(?:[^]*/)?';
      } else {
        re += '[^]*';
      }
    } else if (c === '*') {
      re += '[^/]*';
    } else if (c === '?') {
      re += '[^/]';
    } else {
      re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${re}$`);
}

/** Milliseconds that `f` takes. */
function timed(f: () => unknown): number {
  const start = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

describe('--ignore globs', () => {
  test.each([
    ['package.json', 'package.json', true],
    ['package.json', 'a/package.json', false],
    ['*.yaml', 'x.yaml', true],
    ['*.yaml', 'a/x.yaml', false],
    ['?.yaml', 'x.yaml', true],
    ['?.yaml', 'xy.yaml', false],
    ['?', '/', false],
    ['charts/**', 'charts/a/b.yaml', true],
    ['charts/**', 'charts', false],
    ['charts/**', 'chartsx/a.yaml', false],
    ['**/x.yaml', 'x.yaml', true],
    ['**/x.yaml', 'a/b/x.yaml', true],
    ['**/x.yaml', 'a/bx.yaml', false],
    ['a/**/b', 'a/b', true],
    ['a/**/b', 'a/x/y/b', true],
    ['a/**/b', 'ab', false],
    ['a**b', 'a/x/b', true],
    ['a*b', 'a/b', false],
    ['[ab].yaml', '[ab].yaml', true],
    ['[ab].yaml', 'a.yaml', false],
    ['', '', true],
    ['', 'a', false],
  ])('%j matches %j: %s', (glob, file, expected) => {
    expect(new Glob(glob).matches(file)).toBe(expected);
  });

  test('agrees with the regular expression it replaces on small globs and paths', () => {
    const glob = fc.array(fc.constantFrom('a', 'b', '/', '.', '*', '**', '**/', '?'), { maxLength: 7 }).map((p) => p.join(''));
    const file = fc.array(fc.constantFrom('a', 'b', '/', '.', '\n'), { maxLength: 9 }).map((p) => p.join(''));
    fc.assert(fc.property(glob, file, (g, f) => new Glob(g).matches(f) === oracle(g).test(f)), { numRuns: 5000 });
  });

  // Shapes that made the regular expressions backtrack for a minute (issue 25 §4); a pull request controls the tree.
  test.each([
    ['eight `**` segments over 60 nested directories', '**/a/**/a/**/a/**/a/**/a/**/a/**/a/**/b', Array(60).fill('a').join('/')],
    ['five `*` over a 245-character name', '*a*a*a*a*b', 'a'.repeat(245)],
    ['twenty `*` over a 255-character name', '*a'.repeat(20) + 'b', 'a'.repeat(255)],
  ])('matches in linear time: %s', (_, glob, file) => {
    const g = new Glob(glob);
    let result: boolean | undefined;
    const ms = timed(() => { result = g.matches(file); });
    expect(result).toBe(false);
    expect(ms).toBeLessThan(500);
  });
});
