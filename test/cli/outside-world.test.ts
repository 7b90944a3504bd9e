/**
 * `diff` and `connections` on the outside world (issue 20 §2): the cases reported, each one seen to fail on the
 * code before the fix. The first repro, with NetworkPolicies alone, was already answered without an addition by the
 * older code; it failed there only for the missing `::/0` row, and stays as a guard on the gate.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli as run } from '../util/cli';

let dir: string;
beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outside-world-')); });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, ...docs: string[]): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, docs.join('\n---\n'));
  return p;
}

const pod = (name: string, ips: string[] = []) => [
  'apiVersion: v1',
  'kind: Pod',
  `metadata: {name: ${name}, namespace: default, labels: {app: ${name}}}`,
  'spec: {containers: [{name: c, image: x}]}',
  ...(ips.length ? [`status: {podIP: "${ips[0]}", podIPs: [${ips.map((ip) => `{ip: "${ip}"}`).join(', ')}]}`] : []),
].join('\n');
const policy = (name: string, spec: string) => `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: ${name}, namespace: default}\nspec:\n${spec}`;

describe('diff compares the outside world address by address', () => {
  test('an egress policy that narrows a pod to 10.128.0.0/24 except 10.128.0.10/32 adds nothing: the gate passes', () => {
    const older = file('narrow-old.yaml', pod('web'));
    const newer = file('narrow-new.yaml', pod('web'), policy('eg', [
      '  podSelector: {}',
      '  policyTypes: [Egress]',
      '  egress: [{to: [{ipBlock: {cidr: 10.128.0.0/24, except: [10.128.0.10/32]}}]}]',
    ].join('\n')));
    const r = run(['diff', older, newer, '--fail-on', 'broadening', '-o', 'json']);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d.added).toEqual([]);
    expect(d.broadening).toBe(false);
    // What is left of the world is removed, on every protocol; the allowed block itself is no change.
    expect([...new Set(d.removed.map((e: any) => `${e.from} -> ${e.to}`))]).toEqual([
      'default/web -> 0.0.0.0/0 except 10.128.0.0/24',
      'default/web -> 10.128.0.10/32',
      'default/web -> ::/0',
    ]);
    expect(d.removed.every((e: any) => JSON.stringify(e.ports) === '[[1,65535]]')).toBe(true);
  });

  test('an except rewritten as its two halves allows the same addresses: no change, no phantom block anywhere', () => {
    const dns = (except: string) => [pod('dns'), policy('in', [
      '  podSelector: {}',
      '  policyTypes: [Ingress]',
      `  ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0, except: [${except}]}}], ports: [{port: 53}]}]`,
    ].join('\n'))];
    const whole = file('except-whole.yaml', ...dns('10.0.0.0/8'));
    const halves = file('except-halves.yaml', ...dns('10.0.0.0/9, 10.128.0.0/9'));
    const d = run(['diff', whole, halves, '--fail-on', 'broadening']);
    expect(d.stdout).toBe('no change in allowed connections\n');
    expect(d.code).toBe(0);
    expect(run(['diff', halves, whole, '--fail-on', 'change']).code).toBe(0);
    // connections names the same addresses the same way, whichever CIDRs cut them out.
    const rows = (p: string) => JSON.parse(run(['connections', p, '-o', 'json']).stdout).connections.map((c: any) => `${c.from} -> ${c.to}`);
    expect(rows(halves)).toContain('0.0.0.0/0 except 10.0.0.0/8 -> default/dns');
    expect(rows(halves).filter((r: string) => r.endsWith('-> default/dns'))).toEqual(rows(whole).filter((r: string) => r.endsWith('-> default/dns')));
    const exposure = JSON.parse(run(['connections', halves, '--exposure', '-o', 'json']).stdout).exposure;
    expect(exposure).toEqual([{
      endpoint: 'default/dns',
      fromEveryNamespace: [],
      fromOutside: [{ protocol: 'TCP', ports: [[53, 53]] }],
      toWholeInternet: [{ protocol: 'TCP', ports: [[1, 65535]] }, { protocol: 'UDP', ports: [[1, 65535]] }, { protocol: 'SCTP', ports: [[1, 65535]] }],
    }]);
  });

  test('a dual-stack pod that loses its IPv4-only egress policy gains every IPv6 address: broadening', () => {
    const ips = ['10.0.0.5', 'fd00::5'];
    const older = file('ds-old.yaml', pod('app', ips), policy('eg', [
      '  podSelector: {}',
      '  policyTypes: [Egress]',
      '  egress: [{to: [{ipBlock: {cidr: 0.0.0.0/0}}, {namespaceSelector: {}}]}]',
    ].join('\n')));
    const newer = file('ds-new.yaml', pod('app', ips));
    const r = run(['diff', older, newer, '--fail-on', 'broadening']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe([
      '+ default/app -> ::/0 TCP/*',
      '    egress of default/app: not isolated for Egress',
      '+ default/app -> ::/0 UDP/*',
      '    egress of default/app: not isolated for Egress',
      '+ default/app -> ::/0 SCTP/*',
      '    egress of default/app: not isolated for Egress',
      '3 added, 0 removed (broadening)',
      '',
    ].join('\n'));
  });
});

describe('connections lists the outside world in both directions', () => {
  test('an unisolated pod reaches every address and is reached from every address, IPv4 and IPv6, block by block', () => {
    const p = file('sym.yaml', pod('web'), pod('db'), policy('db', [
      '  podSelector: {matchLabels: {app: db}}',
      '  policyTypes: [Ingress]',
      '  ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}]}]',
    ].join('\n')));
    const c = JSON.parse(run(['connections', p, '-o', 'json']).stdout).connections;
    const to = c.filter((x: any) => x.from === 'default/web' && x.to !== 'default/db').map((x: any) => x.to);
    const from = c.filter((x: any) => x.to === 'default/web' && x.from !== 'default/db').map((x: any) => x.from);
    expect(to).toEqual(['0.0.0.0/0 except 10.0.0.0/8', '10.0.0.0/8', '::/0']);
    expect(from).toEqual(to);
    // The isolated pod: ingress from what its rule allows only, egress everywhere.
    expect(c.filter((x: any) => x.to === 'default/db' && x.from !== 'default/web').map((x: any) => x.from)).toEqual(['0.0.0.0/0 except 10.0.0.0/8']);
    expect(c.filter((x: any) => x.from === 'default/db' && x.to !== 'default/web').map((x: any) => x.to)).toEqual(to);
  });

  test('--exposure counts the whole IPv6 internet', () => {
    const p = file('v6.yaml', pod('app'), policy('eg', [
      '  podSelector: {}',
      '  policyTypes: [Egress]',
      '  egress: [{to: [{ipBlock: {cidr: "::/0"}}], ports: [{port: 443}]}, {to: [{ipBlock: {cidr: 0.0.0.0/1}}], ports: [{port: 80}]}]',
    ].join('\n')));
    const exposure = JSON.parse(run(['connections', p, '--exposure', '-o', 'json']).stdout).exposure;
    expect(exposure.map((x: any) => [x.endpoint, x.toWholeInternet])).toEqual([['default/app', [{ protocol: 'TCP', ports: [[443, 443]] }]]]);
  });
});
