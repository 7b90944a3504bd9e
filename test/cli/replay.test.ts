import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { runCli as run } from '../util/cli';

const dir = path.join(__dirname, '..', 'fixtures', 'replay');
const flows = path.join(dir, 'flows.jsonl');
const cluster = path.join(dir, 'cluster.yaml');
const candidate = path.join(dir, 'candidate.yaml');

describe('replay', () => {
  test('--output json has the documented contract, and names the break with the policy and the side without a rule', () => {
    const r = run(['replay', flows, cluster, candidate, '-o', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(['connections', 'unobserved', 'breaks', 'coverage']);
    expect(doc.connections.map((c: any) => [c.from, c.to, c.protocol, c.port, c.observed, c.allowed])).toEqual([
      ['shop/agent', 'shop/api', 'TCP', 9090, true, false],
      ['shop/web', '203.0.113.9', 'TCP', 443, true, true],
      ['shop/web', 'shop/api', 'TCP', 5432, true, false],
      ['shop/web', 'shop/api', 'TCP', 8080, true, true],
    ]);
    expect(doc.connections[0].explanation).toMatch(/ingress of shop\/api: isolated by policy shop\/api/);
    expect(doc.connections[3].flows).toBe(2);
    expect(doc.breaks).toBe(1);
    expect(doc.coverage).toMatchObject({ nodesReporting: ['worker-1', 'worker-2'], nodesSilent: ['worker-3'], neverSeen: ['shop/report'], lines: 8 });
  });

  test('--fail-on breaks exits 1 on a break, 0 without one; a drop that is still denied is no break', () => {
    expect(run(['replay', flows, cluster, candidate, '--fail-on', 'breaks']).code).toBe(1);
    // Without the candidate's api policy, the agent's scrape is allowed again.
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-'));
    const webOnly = fs.readFileSync(candidate, 'utf8').split('---\n')[1];
    fs.writeFileSync(path.join(tmp, 'web.yaml'), webOnly);
    const r = run(['replay', flows, cluster, path.join(tmp, 'web.yaml'), '--fail-on', 'breaks']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^breaks: none/);
  });

  test('reads gzip files, directories and stdin alike', () => {
    const plain = run(['replay', flows, cluster, candidate, '-o', 'json']).stdout;
    expect(run(['replay', `${flows}.gz`, cluster, candidate, '-o', 'json']).stdout).toBe(plain);
    expect(run(['replay', '-', cluster, candidate, '-o', 'json'], fs.readFileSync(flows)).stdout).toBe(plain);
    expect(run(['replay', '-', cluster, candidate, '-o', 'json'], fs.readFileSync(`${flows}.gz`)).stdout).toBe(plain);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-'));
    fs.copyFileSync(`${flows}.gz`, path.join(tmp, 'a.json.gz'));
    fs.writeFileSync(path.join(tmp, 'notes.txt'), 'not read');
    expect(run(['replay', tmp, cluster, candidate, '-o', 'json']).stdout).toBe(plain);
  });

  test('a gzip file larger than the 1 MiB slot reads as its plain text, lines cut across chunks included', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-'));
    const text = Array.from({ length: 1500 }, () => fs.readFileSync(flows, 'utf8')).join('');
    expect(Buffer.byteLength(text)).toBeGreaterThan(3 * 1024 * 1024);
    fs.writeFileSync(path.join(tmp, 'big.jsonl'), text);
    fs.writeFileSync(path.join(tmp, 'big.jsonl.gz'), zlib.gzipSync(text));
    const plain = run(['replay', path.join(tmp, 'big.jsonl'), cluster, candidate, '-o', 'json']);
    expect(plain.code).toBe(0);
    expect(JSON.parse(plain.stdout).coverage.lines).toBe(12000);
    expect(run(['replay', path.join(tmp, 'big.jsonl.gz'), cluster, candidate, '-o', 'json']).stdout).toBe(plain.stdout);
  });

  test('text and markdown say what breaks first, then coverage', () => {
    const text = run(['replay', flows, cluster, candidate]).stdout;
    expect(text.split('\n')[0]).toBe('breaks: 1 connection that worked would be denied');
    expect(text).toMatch(/Nodes of the input that reported nothing \(no evidence from them\): worker-3/);
    expect(text).toMatch(/skipped 1: not JSON/);
    const md = run(['replay', flows, cluster, candidate, '-o', 'markdown']).stdout;
    expect(md).toMatch(/\*\*1 connection that worked would be denied\*\*/);
    expect(md).toMatch(/\| `shop\/agent` \| `shop\/api` \| TCP\/9090 \| 1 \|/);
  });

  test('bad input exits 2: a missing file, a broken gzip, a symbolic link out of a directory, usage', () => {
    expect(run(['replay', path.join(dir, 'nope.jsonl'), cluster]).code).toBe(2);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-'));
    fs.writeFileSync(path.join(tmp, 'bad.json.gz'), fs.readFileSync(`${flows}.gz`).subarray(0, 20));
    const broken = run(['replay', path.join(tmp, 'bad.json.gz'), cluster]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/bad\.json\.gz: not a valid gzip file/);
    const linked = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-'));
    fs.symlinkSync('/etc/hostname', path.join(linked, 'x.json'));
    expect(run(['replay', linked, cluster]).stderr).toMatch(/a symbolic link to a file outside .*: not followed/);
    expect(run(['replay', flows]).code).toBe(2);
    expect(run(['replay', '-', '-']).code).toBe(2);
    expect(run(['replay', flows, cluster, '--fail-on', 'always']).code).toBe(2);
    expect(run(['replay', flows, cluster, '-o', 'yaml']).code).toBe(2);
  });

  test('--help', () => {
    const r = run(['replay', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: cdk8s-netpol replay FLOWS MANIFESTS/);
  });
});
