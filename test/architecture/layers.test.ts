/**
 * The layers of src/ (docs/architecture.md): every import of a folder goes to its own folder or to a lower layer.
 * A new import that runs upward, or a new cycle between folders, fails here.
 */
import * as fs from 'fs';
import * as path from 'path';

/** Lowest first. Folders in one entry may import each other (none do today). */
const LAYERS: string[][] = [
  ['private'],
  ['manifests'],
  ['interop'],
  ['model'],
  ['render'],
  ['intent'],
  ['semantics'],
  ['analysis'],
  ['replay'],
  ['reachability'],
  ['lint'],
  ['constructs'],
  ['generate'],
  ['cli'],
];

const SRC = path.join(__dirname, '..', '..', 'src');

function layerOf(folder: string): number {
  return LAYERS.findIndex((l) => l.includes(folder));
}

/** `[from folder, to folder, file]` for every relative import between two folders of src/. */
function imports(): [string, string, string][] {
  const out: [string, string, string][] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) {walk(file);} else if (entry.name.endsWith('.ts')) {
        const from = path.relative(SRC, file).split(path.sep);
        if (from.length < 2) continue; // src/index.ts re-exports every layer
        for (const m of fs.readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
          const to = path.relative(SRC, path.resolve(path.dirname(file), m[1])).split(path.sep);
          if (to[0] !== from[0]) out.push([from[0], to.length > 1 ? to[0] : '.', path.relative(SRC, file)]);
        }
      }
    }
  };
  walk(SRC);
  return out;
}

test('every folder of src/ has a layer', () => {
  const folders = fs.readdirSync(SRC, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  expect(folders.filter((f) => layerOf(f) < 0)).toEqual([]);
});

test('every import between folders runs down the layers', () => {
  const upward = imports()
    .filter(([from, to]) => to === '.' || layerOf(to) > layerOf(from))
    .map(([from, to, file]) => `${file}: ${from} -> ${to}`);
  expect(upward).toEqual([]);
});

test('the layer test sees an upward import', () => {
  // The check itself: lint importing the constructs would run up two layers.
  expect(layerOf('constructs') > layerOf('lint')).toBe(true);
  expect(imports().length).toBeGreaterThan(50);
});

test('no lint rule imports another: what rules share lives in src/lint/facts.ts or helpers.ts', () => {
  const dir = path.join(SRC, 'lint', 'rules');
  const offending = fs.readdirSync(dir).filter((f) => /^np\d+/.test(f)).flatMap((f) => {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    return [...text.matchAll(/from '\.\/(np[^']+)'/g)].map((m) => `${f} imports ${m[1]}`);
  });
  expect(offending).toEqual([]);
});
