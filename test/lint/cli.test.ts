import * as path from 'path';
import { CliRun, runCli } from '../util/cli';

// Relative to the working directory, as users pass them (and as SARIF wants its artifact URIs).
const fixtures = path.relative(process.cwd(), path.join(__dirname, '..', 'fixtures'));
const lintFixtures = path.join(fixtures, 'lint');
const secureApp = path.join(lintFixtures, 'secure-app.k8s.yaml');
const mistakes = path.join(lintFixtures, 'mistakes.yaml');
const warningsOnly = path.join(lintFixtures, 'warnings-only.yaml');

/** Runs `cdk8s-netpol lint ...args` in-process. */
function run(args: string[], stdin = ''): CliRun {
  return runCli(['lint', ...args], stdin);
}

describe('cdk8s-netpol lint', () => {
  test('exits 0 with no finding on the synthesized secure-app example', () => {
    const r = run([secureApp]);
    expect(r).toEqual({ code: 0, stdout: 'no findings\n', stderr: '' });
  });

  test('prints one line per finding with file, severity, id and message, and exits 1 on errors', () => {
    const r = run([mistakes]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^.*mistakes\.yaml:8 \(document 2\): error NP003 egress-without-dns: Deployment shop\/frontend is isolated for Egress/);
    expect(lines[2]).toMatch(/mistakes\.yaml:61 \(document 5\): warning NP008 allow-all-rule: NetworkPolicy shop\/frontend-public: spec\.ingress\[0\] has no `from`/);
    expect(lines[3]).toBe('2 error(s), 1 warning(s), 0 info');
  });

  test.each([
    [[], 0],
    [['--fail-on', 'error'], 0],
    [['--fail-on', 'warning'], 1],
    [['--fail-on=WARNING'], 1],
  ])('with only warnings and %j exits %d', (args, code) => {
    expect(run([warningsOnly, ...(args as string[])]).code).toBe(code);
  });

  test('prints JSON with findings, suppressed and a summary', () => {
    const r = run([mistakes, '--output', 'json']);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(['findings', 'suppressed', 'summary']);
    expect(doc.summary).toEqual({ error: 2, warning: 1, info: 0, suppressed: 0 });
    expect(doc.findings[0]).toEqual({
      ruleId: 'NP003',
      rule: 'egress-without-dns',
      severity: 'error',
      source: `${mistakes}:8 (document 2)`,
      file: mistakes,
      line: 8,
      object: 'Deployment shop/frontend',
      path: '',
      message: expect.stringMatching(/Fix: /),
    });
  });

  test('prints SARIF 2.1.0 with the rules, levels and file locations', () => {
    const r = run([mistakes, '-o', 'sarif']);
    expect(r.code).toBe(1);
    const sarif = JSON.parse(r.stdout);
    expect(sarif.version).toBe('2.1.0');
    const driver = sarif.runs[0].tool.driver;
    expect(driver.name).toBe('cdk8s-netpol');
    expect(driver.rules.map((x: any) => x.id)).toContain('NP016');
    const results = sarif.runs[0].results;
    expect(results.map((x: any) => [x.ruleId, x.level])).toEqual([['NP003', 'error'], ['NP003', 'error'], ['NP008', 'warning']]);
    for (const x of results) expect(driver.rules[x.ruleIndex].id).toBe(x.ruleId);
    const loc = results[2].locations[0];
    expect(loc.physicalLocation.artifactLocation.uri).toBe(mistakes.split(path.sep).join('/'));
    // The finding's field, spec.ingress[0] (`- {}`), is on line 61 of the fixture.
    expect(loc.physicalLocation.region).toEqual({ startLine: 61 });
    expect(loc.logicalLocations[0].fullyQualifiedName).toBe('NetworkPolicy shop/frontend-public/spec.ingress[0]');
  });

  test('checks ipBlocks against --pod-cidr and --service-cidr (repeatable and comma-separated)', () => {
    const r = run([secureApp, '--pod-cidr', '10.244.0.0/16,203.0.113.128/25', '--service-cidr=10.96.0.0/12', '--fail-on', 'warning']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/warning NP012 ipblock-covers-cluster-cidr: NetworkPolicy secure-app\/backend-external: spec\.egress\[0\]\.to\[0\]\.ipBlock 203\.0\.113\.0\/24 overlaps the cluster's pod CIDR 203\.0\.113\.128\/25/);
  });

  test('reads stdin', () => {
    const r = run(['-'], 'apiVersion: v1\nkind: Pod\nmetadata: { name: p, namespace: a }\nspec: { containers: [{ name: c, image: i }] }\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^<stdin>:1: warning NP001/);
  });

  test.each([
    [['--output', 'xml', secureApp], /--output xml is not supported: use text, json, sarif/],
    [['--fail-on', 'info', secureApp], /--fail-on info is not supported: use error or warning/],
    [['--pod-cidr', '10.0.0.0/33', secureApp], /--pod-cidr "10.0.0.0\/33" is not a valid CIDR/],
    [['--pod-cidr'], /option --pod-cidr needs a value/],
    [[], /give at least one PATH/],
    [[path.join(fixtures, 'invalid')], /problems in the input; nothing was evaluated:\n  the API server would reject: /],
    [[path.join(lintFixtures, 'missing.yaml')], /no such file or directory/],
  ])('exits 2 for invalid input or usage: %j', (args, message) => {
    const r = run(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  test('prints help', () => {
    const r = run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: cdk8s-netpol lint PATH\.\.\. \[--output text\|json\|sarif\] \[--fail-on error\|warning\]/);
  });

  test('is listed in the top-level help', () => {
    expect(runCli(['--help']).stdout).toMatch(/lint\s+check NetworkPolicies for the classic mistakes/);
  });
});

describe('cdk8s-netpol lint suppressions', () => {
  const yaml = `apiVersion: v1
kind: Namespace
metadata:
  name: a
  annotations:
    cdk8s-netpol.dev/suppress: "NP001: the mesh filters ingress"
---
apiVersion: v1
kind: Pod
metadata: { name: p, namespace: a }
spec: { containers: [{ name: c, image: i }] }
`;

  test('a suppressed error does not fail, and JSON lists it with its reason', () => {
    const r = run(['-', '-o', 'json'], yaml);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.findings.map((f: any) => f.ruleId)).toEqual(['NP002']);
    expect(doc.suppressed).toEqual([expect.objectContaining({ ruleId: 'NP001', object: 'Namespace a', reason: 'the mesh filters ingress' })]);
  });

  test('a suppression without a reason is an error (NP016) and suppresses nothing', () => {
    const r = run(['-'], yaml.replace('NP001: the mesh filters ingress', 'NP001'));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/error NP016 suppression-without-reason: Namespace a: metadata\.annotations\.cdk8s-netpol\.dev\/suppress: the suppression of NP001 gives no reason/);
    expect(r.stdout).toMatch(/warning NP001/);
  });
});
