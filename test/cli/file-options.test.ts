/**
 * Every file a command-line option names is read as manifests are (issue 25 §1): a pull request controls the files
 * CI reads, so a symbolic link out of the checkout, a device, a FIFO, a huge or sparse file, or a megabyte line must
 * end quickly with exit 2, and nothing read may be echoed.
 *
 * The only option that names a file today is `check --expect FILE`; a new one gets its row in OPTIONS.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli as run } from '../util/cli';

const secureApp = path.join(__dirname, '..', 'fixtures', 'secure-app.yaml');
const SECRET = 'ghp_FAKESECRETTOKEN0123456789';

/** Each option that names a file: the arguments that make the command read `file` through it. */
const OPTIONS: [string, (file: string) => string[]][] = [
  ['check --expect', (file) => ['check', secureApp, '--expect', file]],
];

let tree: string;
let outside: string;
let cwd: string;

beforeAll(() => {
  cwd = process.cwd();
  tree = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-options-tree-')));
  outside = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-options-outside-')));
  fs.writeFileSync(path.join(outside, 'token'), `GITHUB_TOKEN=${SECRET}\n`);
  fs.mkdirSync(path.join(tree, 'manifests'));
  // The attack of the issue: a link in the checkout to a file outside it, and a linked directory.
  fs.symlinkSync(path.join(outside, 'token'), path.join(tree, 'manifests', 'flows.txt'));
  fs.symlinkSync(outside, path.join(tree, 'elsewhere'));
  fs.symlinkSync('/proc/self/environ', path.join(tree, 'environ.txt'));
  // A link that stays inside the tree is fine.
  fs.writeFileSync(path.join(tree, 'good.txt'), 'allow secure-app/frontend -> secure-app/backend TCP/80\n');
  fs.symlinkSync('../good.txt', path.join(tree, 'manifests', 'good-link.txt'));
  fs.writeFileSync(path.join(tree, 'long-line.txt'), `allow ${'x'.repeat(10 * 1024 * 1024)} -> a/b 80\n`);
  fs.writeFileSync(path.join(tree, 'line.txt'), `allow ${'y'.repeat(5000)}${SECRET} -> a/b 80\n`);
  fs.writeFileSync(path.join(tree, 'bad.txt'), `${SECRET}${'z'.repeat(200)} is not one\n`);
  fs.writeFileSync(path.join(tree, 'nul.txt'), `allow a/b -> c/d 80\n\0${SECRET}\n`);
  const sparse = fs.openSync(path.join(tree, 'sparse.txt'), 'w');
  fs.ftruncateSync(sparse, 200 * 1024 * 1024);
  fs.closeSync(sparse);
  execFileSync('mkfifo', [path.join(tree, 'fifo.txt')]);
  process.chdir(tree); // the working directory is the tree a pull request controls
});

afterAll(() => {
  process.chdir(cwd);
  fs.rmSync(tree, { recursive: true, force: true });
  fs.rmSync(outside, { recursive: true, force: true });
});

describe.each(OPTIONS)('%s FILE', (_, args) => {
  test.each([
    ['a symbolic link to a file outside the tree', 'manifests/flows.txt', /a symbolic link to a file outside the working directory/],
    ['a path through a linked directory outside the tree', 'elsewhere/token', /a symbolic link to a file outside the working directory/],
    ['a symbolic link to /proc/self/environ', 'environ.txt', /a symbolic link to a file outside the working directory/],
    ['/dev/zero', '/dev/zero', /a character device: only regular files are read/],
    ['a FIFO', 'fifo.txt', /a FIFO: only regular files are read/],
    ['a 200 MB sparse file', 'sparse.txt', /larger than 4 MiB \(209715200 bytes\): not read/],
    ['a 10 MB line', 'long-line.txt', /larger than 4 MiB/],
    ['a line of 5,000 characters', 'line.txt', /line 1 is longer than 1000 characters \(5\d+\): not read/],
    ['NUL bytes', 'nul.txt', /holds NUL bytes: not a text file/],
  ])('%s: exit 2 at once, nothing read is shown', (_what, file, message) => {
    const started = Date.now();
    const r = run(args(file));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    expect(r.stderr.length).toBeLessThan(2000);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  test('a malformed line is shown cut to 80 characters and escaped', () => {
    const r = run(args('bad.txt'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.txt:1: "ghp_FAKE[^"]*… \(\d+ characters\)" is not an expectation/);
    const shown = /bad\.txt:1: ("[^\n]*?") is not/.exec(r.stderr)![1];
    expect(shown.length).toBeLessThan(120);
  });

  test('a symbolic link that stays inside the tree is read', () => {
    const r = run(args('manifests/good-link.txt'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('the CLI reads files only through the safe readers', () => {
  test('no readFileSync or other fs read in src/cli', () => {
    const dir = path.join(__dirname, '..', '..', 'src', 'cli');
    const files = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? files(path.join(d, e.name)) : [path.join(d, e.name)]));
    for (const f of files(dir)) {
      const text = fs.readFileSync(f, 'utf8');
      expect([f, /readFileSync|readFile\(|createReadStream|openSync/.test(text)]).toEqual([f, false]);
    }
  });
});
