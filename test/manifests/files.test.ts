import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MAX_TEXT_BYTES } from '../../src/manifests/decode';
import { runCli } from '../util/cli';

const POD = (name: string) => `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: ns1}\nspec: {containers: [{name: c, image: i}]}\n`;
const SECRET = 'TOPSECRET-4f1b2c-value';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-files-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function write(rel: string, text: string | Buffer): string {
  const file = path.join(dir, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

/** Runs `reach` and `lint` on the paths; both must agree on the exit code. */
function both(paths: string[], stdin = '') {
  const reach = runCli(['reach', ...paths, '--port', '80'], stdin);
  const lint = runCli(['lint', ...paths], stdin);
  return { reach, lint };
}

describe('only regular files, never outside the named tree', () => {
  test('a symbolic link to a file outside the directory is reported and not read (no secret in the output)', () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-outside-'));
    try {
      fs.writeFileSync(path.join(outside, 'secret.yaml'), `token: ${SECRET}\n`);
      write('manifests/pod.yaml', POD('a'));
      fs.symlinkSync(path.join(outside, 'secret.yaml'), path.join(dir, 'manifests', 'env.yaml'));
      const { reach, lint } = both([path.join(dir, 'manifests')]);
      for (const r of [reach, lint]) {
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(/cannot read: .*env\.yaml: a symbolic link to a file outside .*: not followed/);
        expect(r.stderr + r.stdout).not.toContain(SECRET);
      }
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  test('env.yaml -> /proc/self/environ leaks nothing', () => {
    process.env.NETPOL_TEST_SECRET = SECRET;
    try {
      write('m/pod.yaml', POD('a'));
      fs.symlinkSync('/proc/self/environ', path.join(dir, 'm', 'env.yaml'));
      const { reach } = both([path.join(dir, 'm')]);
      expect(reach.code).toBe(2);
      expect(reach.stderr).not.toContain(SECRET);
    } finally {
      delete process.env.NETPOL_TEST_SECRET;
    }
  });

  test('a symbolic link that stays inside the directory is read', () => {
    write('m/real/pod.yaml', POD('a'));
    fs.symlinkSync(path.join('real', 'pod.yaml'), path.join(dir, 'm', 'alias.yaml'));
    const r = runCli(['lint', path.join(dir, 'm'), '-o', 'json']);
    // Read twice, through the link and directly: the same object again, which kubectl apply applies twice (a note).
    expect(r.stderr).toMatch(/note: .*pod\.yaml:1: Pod ns1\/a: appears again here \(first at .*alias\.yaml:1\)/);
    expect(r.code).not.toBe(2);
  });

  test('a dangling symbolic link is reported', () => {
    write('m/pod.yaml', POD('a'));
    fs.symlinkSync(path.join(dir, 'm', 'gone.yaml'), path.join(dir, 'm', 'x.yaml'));
    const r = runCli(['lint', path.join(dir, 'm')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/x\.yaml: a symbolic link to nothing \(dangling\)/);
  });

  test('a symbolic link to a directory is not descended into, as kubectl walks directories', () => {
    write('m/pod.yaml', POD('a'));
    write('other/pod.yaml', POD('b'));
    fs.symlinkSync(path.join(dir, 'other'), path.join(dir, 'm', 'linked'));
    const r = runCli(['reach', path.join(dir, 'm'), '--port', '80', '-o', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).results.map((x: any) => x.from)).toEqual(['ns1/a']);
  });

  test('/dev/zero named as a path is refused at once', () => {
    const { reach, lint } = both(['/dev/zero']);
    for (const r of [reach, lint]) {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/cannot read: \/dev\/zero: a character device: only regular files and directories are read/);
    }
  });

  test('/dev/zero linked into a directory is refused', () => {
    write('m/pod.yaml', POD('a'));
    fs.symlinkSync('/dev/zero', path.join(dir, 'm', 'zero.yaml'));
    const r = runCli(['lint', path.join(dir, 'm')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/zero\.yaml: a symbolic link to a file outside/);
  });

  test('a FIFO named x.yaml, in a directory or named, never blocks', () => {
    write('m/pod.yaml', POD('a'));
    const fifo = path.join(dir, 'm', 'x.yaml');
    execFileSync('mkfifo', [fifo]);
    const inDir = runCli(['lint', path.join(dir, 'm')]);
    expect(inDir.code).toBe(2);
    expect(inDir.stderr).toMatch(/x\.yaml: a FIFO: only regular files are read/);
    const named = runCli(['lint', fifo]);
    expect(named.code).toBe(2);
    expect(named.stderr).toMatch(/x\.yaml: a FIFO: only regular files and directories are read/);
  });

  test('a file over 128 MiB is refused without being read', () => {
    const big = path.join(dir, 'big.yaml');
    fs.writeFileSync(big, '');
    fs.truncateSync(big, MAX_TEXT_BYTES + 1024 * 1024);
    const r = runCli(['lint', big]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`big\\.yaml: larger than 128 MiB \\(${MAX_TEXT_BYTES + 1024 * 1024} bytes\\): not read`));
    fs.unlinkSync(big);
  });

  test('stdin over 128 MiB is refused', () => {
    const r = runCli(['lint', '-'], Buffer.alloc(MAX_TEXT_BYTES + 1, 0x20));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/<stdin>: larger than 128 MiB: not read/);
  });
});

describe('never echo contents, control characters or unbounded values', () => {
  test('a huge label value gives a short message', () => {
    const r = runCli(['lint', '-'], `apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: ns1, labels: {a: "${'x'.repeat(10 * 1024 * 1024)}"}}\n`);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/label value "x+… \(10485760 characters\)" is invalid/);
    expect(r.stderr.length).toBeLessThan(2000);
  });

  test('a document that is not an object is described, not shown', () => {
    const r = runCli(['lint', '-'], `${SECRET}\n---\n- ${SECRET}\n`);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a Kubernetes object: <stdin>:1 \(document 1\): a Kubernetes object is a map, got a string/);
    expect(r.stderr).toMatch(/<stdin>:3 \(document 2\): a Kubernetes object is a map, got a list/);
    expect(r.stderr).not.toContain(SECRET);
  });

  test('a YAML error does not quote the text', () => {
    const r = runCli(['lint', '-'], `a: "${SECRET}\nb: [\n`);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain(SECRET);
  });

  test.each([
    ['ESC (clear screen)', 'a\u001b[2Jb'],
    ['a newline and a workflow command', 'a\n::error file=x::forged'],
    ['a C1 control (CSI)', 'a\u009b2Jb'],
    ['a bidi override', 'a\u202eb'],
  ])('a name with %s reaches stderr escaped, on one line', (_, name) => {
    const r = runCli(['lint', '-'], `apiVersion: v1\nkind: Pod\nmetadata: {name: ${JSON.stringify(name)}, namespace: ns1, labels: {${JSON.stringify(name)}: ${JSON.stringify(name)}}}\n`);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(r.stderr).not.toMatch(/^\s*::/m);
    expect(r.stderr).toMatch(/\\u001b|\\n|\\u009b|\\u202e/);
  });

  test('a file name that would forge a workflow command is neutralised', () => {
    write('m/pod.yaml', POD('a'));
    write('m/x\n::error::forged.yaml', 'kind: [');
    const r = runCli(['lint', path.join(dir, 'm')]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/^\s*::/m);
    expect(r.stderr).toMatch(/x\\n::error::forged\.yaml/);
  });

  test('a line the output starts with :: gets a backslash', () => {
    write('::warning::x.yaml', 'kind: [');
    const r = runCli(['lint', path.join(dir, '::warning::x.yaml')]);
    expect(r.stderr).not.toMatch(/^\s*::/m);
  });
});

describe('empty input and non-Kubernetes files', () => {
  test.each([
    ['an empty file', () => [write('empty.yaml', '')], ''],
    ['a file with only comments and ---', () => [write('c.yaml', '# nothing\n---\n')], ''],
    ['empty stdin', () => ['-'], ''],
    ['an empty directory', () => [fs.mkdirSync(path.join(dir, 'e')) ?? path.join(dir, 'e')], ''],
    ['a directory without manifests', () => [write('d/README.md', 'hi') && path.join(dir, 'd')], ''],
  ])('%s is an error (exit 2), as kubectl apply says "no objects passed to apply"', (_, paths, stdin) => {
    const { reach, lint } = both(paths(), stdin);
    for (const r of [reach, lint]) {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/cannot read: (<stdin>|.*\.yaml|.*\/[ed]): no Kubernetes objects in the input/);
    }
  });

  test('cdk8s\'s construct-metadata.json is skipped', () => {
    write('dist/app.k8s.yaml', POD('a'));
    write('dist/construct-metadata.json', JSON.stringify({ version: '1.0.0', resources: { 'app/pod': { path: 'app/pod' } } }));
    const r = runCli(['lint', path.join(dir, 'dist')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0); // read: NP001 (a warning) on ns1
    expect(r.stdout).toMatch(/warning NP001/);
  });

  test('another non-Kubernetes file is reported with the way to skip it, and --ignore skips it', () => {
    write('m/app.yaml', POD('a'));
    write('m/package.json', JSON.stringify({ name: 'x', version: '1.0.0' }));
    write('m/sub/values.yaml', 'replicas: 2\n');
    const r = runCli(['lint', path.join(dir, 'm')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a Kubernetes object: .*package\.json:1: no apiVersion or kind: .*--ignore GLOB/);
    expect(r.stderr).toMatch(/not a Kubernetes object: .*values\.yaml:1: no apiVersion or kind/);
    const ignored = runCli(['lint', path.join(dir, 'm'), '--ignore', 'package.json', '--ignore', 'sub/**']);
    expect(ignored.stderr).toBe('');
    expect(ignored.code).toBe(0);
    expect(ignored.stdout).toMatch(/warning NP001/);
  });

  test('--ignore globs over a hostile tree (60 nested directories, a 245-character name) take no time', () => {
    const deep = Array(60).fill('a').join('/');
    write(`m/${deep}/pod.yaml`, POD('deep'));
    write(`m/${'a'.repeat(245)}.yaml`, POD('long'));
    const start = Date.now();
    const r = runCli(['lint', path.join(dir, 'm'), '--ignore', '**/a/**/a/**/a/**/a/**/a/**/a/**/a/**/b', '--ignore', '*a*a*a*a*b']);
    const ms = Date.now() - start;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0); // both pods read (NP001, a warning)
    expect(ms).toBeLessThan(5000); // the regular expressions took over a minute
  });
});
