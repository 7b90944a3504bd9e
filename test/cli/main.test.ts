import * as fs from 'fs';
import * as path from 'path';
import { runCli } from '../util/cli';

const fixtures = path.join(__dirname, '..', 'fixtures');
const secureApp = path.join(fixtures, 'secure-app.yaml');

const run = runCli;

describe('reach', () => {
  test('prints the matrix as a table by default and exits 0', () => {
    const r = run(['reach', secureApp, '--port', '80']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatchSnapshot();
  });

  test('prints exactly one JSON document with one result per ordered pair', () => {
    const r = run(['reach', secureApp, '--port', '80', '--output', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(['results']);
    expect(doc.results).toHaveLength(9);
    expect(doc.results[0]).toEqual({ from: 'secure-app/backend', to: 'secure-app/backend', port: 80, protocol: 'TCP', allowed: true });
    expect(doc.results.filter((x: any) => x.allowed && x.from !== x.to).map((x: any) => `${x.from} -> ${x.to}`))
      .toEqual(['secure-app/frontend -> secure-app/backend']);
    for (const result of doc.results) expect(Object.keys(result)).toEqual(['from', 'to', 'port', 'protocol', 'allowed']);
  });

  test('keeps a named port as a string in JSON and resolves it on each destination', () => {
    const r = run(['reach', secureApp, '--port', 'http', '-o', 'json']);
    const doc = JSON.parse(r.stdout);
    expect(doc.results[0].port).toBe('http');
    expect(doc.results.find((x: any) => x.from === 'secure-app/frontend' && x.to === 'secure-app/backend').allowed).toBe(true);
  });

  test('passes --protocol through', () => {
    const doc = JSON.parse(run(['reach', secureApp, '--port', '53', '--protocol', 'udp', '-o', 'json']).stdout);
    expect(new Set(doc.results.map((x: any) => x.protocol))).toEqual(new Set(['UDP']));
  });

  test('prints markdown', () => {
    const r = run(['reach', secureApp, '--port', '5432', '--output', 'markdown']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatchSnapshot();
  });

  test('prints a mermaid flowchart of the allowed flows', () => {
    const r = run(['reach', secureApp, '--port=5432', '--output=mermaid']);
    expect(r.stdout).toBe([
      'flowchart LR',
      '  n0["secure-app/backend"]',
      '  n1["secure-app/db"]',
      '  n2["secure-app/frontend"]',
      '  n0 -->|TCP/5432| n1',
      '',
    ].join('\n'));
  });

  test('reads stdin when a path is -', () => {
    const r = run(['reach', '-', '--port', '80', '-o', 'json'], fs.readFileSync(secureApp, 'utf8'));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).results).toHaveLength(9);
  });

  test('reads directories recursively, only YAML and JSON files, and unwraps Lists', () => {
    const r = run(['reach', path.join(fixtures, 'reach'), '--port', '80', '-o', 'json']);
    expect(r.code).toBe(0);
    const flows = JSON.parse(r.stdout).results.map((x: any) => `${x.from} -> ${x.to}: ${x.allowed}`);
    expect(flows).toEqual([
      'shop/api -> shop/api: true',
      'shop/api -> shop/web: true',
      'shop/web -> shop/api: true',
      'shop/web -> shop/web: true',
    ]);
  });

  test('combines several paths', () => {
    const r = run(['reach', secureApp, path.join(fixtures, 'reach'), '--port', '80', '-o', 'json']);
    expect(JSON.parse(r.stdout).results).toHaveLength(25);
  });
});

describe('explain', () => {
  test('explains an allowed flow with the rule that allows it', () => {
    const r = run(['explain', secureApp, '--from', 'secure-app/frontend', '--to', 'secure-app/backend', '--port', '80']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ALLOWED/);
    expect(r.stdout).toMatch(/allowed by policy secure-app\/frontend-to-backend spec\.ingress\[0\]/);
  });

  test('explains a denied flow to an IP', () => {
    const r = run(['explain', secureApp, '--from', 'secure-app/backend', '--to', '8.8.8.8', '--port', '53', '--protocol', 'UDP']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/DENIED/);
    expect(r.stdout).toMatch(/ingress of 8\.8\.8\.8: not a pod/);
  });
});

describe('usage and errors', () => {
  test.each([
    [['--help']], [['-h']], [['reach', '--help']], [['explain', '-h']],
  ])('prints help for %j and exits 0', (args) => {
    const r = run(args);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: cdk8s-netpol/);
  });

  test('prints the version', () => {
    expect(run(['--version'])).toEqual({ code: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+/), stderr: '' });
  });

  test.each([
    ['no command', [], /Usage: cdk8s-netpol COMMAND/],
    ['an unknown command', ['frobnicate'], /unknown command "frobnicate"/],
    ['a missing --port', ['reach', secureApp], /--port is required/],
    ['a port out of range', ['reach', secureApp, '--port', '0'], /--port 0: port 0 is out of range/],
    ['an unknown protocol', ['reach', secureApp, '--port', '80', '--protocol', 'ICMP'], /--protocol ICMP is not supported/],
    ['an unknown output format', ['reach', secureApp, '--port', '80', '-o', 'xml'], /--output xml is not supported/],
    ['an unknown option', ['reach', secureApp, '--prot', '80'], /unknown option --prot/],
    ['no PATH', ['reach', '--port', '80'], /give at least one PATH/],
    ['a missing file', ['reach', 'does-not-exist.yaml', '--port', '80'], /cannot read: does-not-exist\.yaml: no such file or directory/],
    ['a missing --from', ['explain', secureApp, '--to', 'a/b', '--port', '80'], /--from is required/],
    ['an unknown endpoint', ['explain', secureApp, '--from', 'nope/x', '--to', 'secure-app/db', '--port', '80'], /unknown endpoint "nope\/x".*Known endpoints: secure-app\/backend/],
    ['invalid YAML on stdin', ['reach', '-', '--port', '80'], /not YAML\/JSON: <stdin>:1: Flow sequence .* \(line 1, column 8\)\n/],
  ])('exits 2 on %s, with a message and no stack trace', (_, args, message) => {
    const r = run(args as string[], 'kind: [');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });

  test('exits 2 on objects the API server would reject, naming file, object and field', () => {
    const file = path.join(fixtures, 'invalid', 'bad-policy.yaml');
    const r = run(['reach', file, '--port', '80']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad-policy\.yaml:18 \(document 2\): NetworkPolicy shop\/broken: spec\.ingress\[0\]\.from\[0\]\.ipBlock\.except\[0\]: "10\.1\.0\.0\/24" must be a strict subset/);
    expect(r.stderr).toMatch(/NetworkPolicy shop\/broken: spec\.ingress\[0\]\.ports\[0\]\.endPort: 70 must be greater than or equal to `port`/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('explain and ipBlocks that may cover pod IPs', () => {
  const fixture = path.join(__dirname, 'ipblock-pods.yaml');

  test('adds a note when a policy of either end has an ipBlock over pod ranges', () => {
    const r = run(['explain', fixture, '--from', 'ns1/b', '--to', 'ns1/a', '--port', '80']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/: DENIED\n/);
    expect(r.stdout).toMatch(/^note: 0\.0\.0\.0\/0 \(policy ns1\/p spec\.ingress\[0\]\.from\[0\]\) may cover pod IPs\. .*many network plugins match pod IPs against ipBlocks/m);
  });

  // web: egress to db on every port, to 10.0.0.0/8 except 10.1.0.0/16 on 443 only; ingress from 10.0.0.0/8 on 9999 only.
  const webAndDb = ['web', 'db'].map((app) => `apiVersion: v1\nkind: Pod\nmetadata: {name: ${app}, namespace: shop, labels: {app: ${app}}}`).concat([`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress, Ingress]
  egress:
  - to: [{podSelector: {matchLabels: {app: db}}}]
  - to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}]
    ports: [{port: 443}]
  ingress:
  - from: [{ipBlock: {cidr: 10.0.0.0/8}}]
    ports: [{port: 9999}]`]).join('\n---\n');

  test('adds no note to a pod-to-pod flow that no rule with an ipBlock decides (another direction or port)', () => {
    const r = run(['explain', '-', '--from', 'shop/web', '--to', 'shop/db', '--port', '80'], webAndDb);
    expect(r.stdout).toMatch(/: ALLOWED\n/);
    expect(r.stdout).not.toMatch(/note:/);
    // On 443 the ipBlock rule is one that decides the flow: the note names it.
    const on443 = run(['explain', '-', '--from', 'shop/web', '--to', 'shop/db', '--port', '443'], webAndDb);
    expect(on443.stdout).toMatch(/^note: 10\.0\.0\.0\/8 except 10\.1\.0\.0\/16 \(policy shop\/web spec\.egress\[1\]\.to\[0\]\) may cover pod IPs/m);
    expect(on443.stdout).not.toMatch(/spec\.ingress/);
  });

  test('names the except that leaves an address out', () => {
    const r = run(['explain', '-', '--from', 'shop/web', '--to', '10.1.2.3', '--port', '443'], webAndDb);
    expect(r.stdout).toMatch(/: DENIED\n/);
    expect(r.stdout).toContain('    no rule of these policies allows this peer and port\n'
      + '    policy shop/web spec.egress[1].to[0]: ipBlock 10.0.0.0/8 would allow 10.1.2.3, but its except 10.1.0.0/16 leaves it out\n');
    // Not on a port that rule does not open, nor for an address outside the except.
    expect(run(['explain', '-', '--from', 'shop/web', '--to', '10.1.2.3', '--port', '80'], webAndDb).stdout).not.toMatch(/except 10\.1\.0\.0\/16 leaves/);
    expect(run(['explain', '-', '--from', 'shop/web', '--to', '10.2.0.1', '--port', '443'], webAndDb).stdout).toMatch(/: ALLOWED\n/);
  });

  test('adds no note when no policy of the ends has such an ipBlock', () => {
    const r = run(['explain', secureApp, '--from', 'secure-app/frontend', '--to', 'secure-app/db', '--port', '5432']);
    expect(r.stdout).not.toMatch(/note:/);
  });
});
