import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli as run } from '../util/cli';

const fixtures = path.join(__dirname, '..', 'fixtures');
const secureApp = path.join(fixtures, 'secure-app.yaml');
const base = path.join(fixtures, 'diff', 'secure-app-base.yaml');
const head = path.join(fixtures, 'diff', 'secure-app-head.yaml');

describe('connections', () => {
  test('prints one JSON document in the documented form', () => {
    const r = run(['connections', base, '-o', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(['connections', 'standIns', 'undecidable']);
    expect(doc.undecidable).toEqual([]);
    // kube-dns is named by the default-deny's DNS rule and not in the input: a stand-in, listed and marked.
    const dns = 'kube-system/stand-in[k8s-app=kube-dns]';
    expect(doc.standIns).toEqual([{ endpoint: dns, peer: 'NetworkPolicy secure-app/secure-app-default-deny spec.egress[0].to[0]' }]);
    const all = [{ protocol: 'TCP', ports: [[1, 65535]] }, { protocol: 'UDP', ports: [[1, 65535]] }, { protocol: 'SCTP', ports: [[1, 65535]] }];
    const dnsPorts = [{ protocol: 'TCP', ports: [[53, 53]] }, { protocol: 'UDP', ports: [[53, 53]] }];
    expect(doc.connections).toEqual([
      // No policy isolates kube-system in the input: the stand-in reaches and is reached from everywhere.
      { from: dns, to: '0.0.0.0/0 except 203.0.113.0/24', allowed: all },
      { from: dns, to: '203.0.113.0/24', allowed: all },
      { from: dns, to: '::/0', allowed: all },
      { from: 'secure-app/backend', to: dns, allowed: dnsPorts },
      { from: 'secure-app/backend', to: 'secure-app/database', allowed: [{ protocol: 'TCP', ports: [[5432, 5432]] }] },
      { from: 'secure-app/backend', to: '203.0.113.0/24', allowed: [{ protocol: 'TCP', ports: [[443, 443]] }] },
      { from: 'secure-app/database', to: dns, allowed: dnsPorts },
      { from: 'secure-app/frontend', to: dns, allowed: dnsPorts },
      { from: 'secure-app/frontend', to: 'secure-app/backend', allowed: [{ protocol: 'TCP', ports: [[80, 80]] }] },
      { from: '0.0.0.0/0 except 203.0.113.0/24', to: dns, allowed: all },
      { from: '203.0.113.0/24', to: dns, allowed: all },
      { from: '::/0', to: dns, allowed: all },
    ]);
  });

  test.each(['table', 'markdown', 'mermaid', 'dot'])('prints %s deterministically', (format) => {
    const r = run(['connections', base, '-o', format]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatchSnapshot();
  });

  test('--focus keeps the connections from or to one end', () => {
    const doc = JSON.parse(run(['connections', base, '-o', 'json', '--focus', 'secure-app/database']).stdout);
    expect(doc.connections.map((c: any) => `${c.from} -> ${c.to}`)).toEqual([
      'secure-app/backend -> secure-app/database',
      'secure-app/database -> kube-system/stand-in[k8s-app=kube-dns]',
    ]);
    expect(doc.standIns.map((u: any) => u.endpoint)).toEqual(['kube-system/stand-in[k8s-app=kube-dns]']);
    // Stand-ins of rows not shown are not listed.
    expect(JSON.parse(run(['connections', base, '-o', 'json', '--focus', '203.0.113.0/24']).stdout).standIns).toHaveLength(1);
  });

  test('--focus can be repeated: the connections from or to any of the ends, in the usual order', () => {
    const doc = JSON.parse(run(['connections', base, '-o', 'json', '--focus', 'secure-app/database', '--focus', '203.0.113.0/24']).stdout);
    expect(doc.connections.map((c: any) => `${c.from} -> ${c.to}`)).toEqual([
      'kube-system/stand-in[k8s-app=kube-dns] -> 203.0.113.0/24',
      'secure-app/backend -> secure-app/database',
      'secure-app/backend -> 203.0.113.0/24',
      'secure-app/database -> kube-system/stand-in[k8s-app=kube-dns]',
      '203.0.113.0/24 -> kube-system/stand-in[k8s-app=kube-dns]',
    ]);
    // The same end twice is the same focus.
    const twice = JSON.parse(run(['connections', base, '-o', 'json', '--focus', 'secure-app/database', '--focus', 'secure-app/database']).stdout);
    expect(twice.connections).toHaveLength(2);
    expect(run(['connections', base, '--focus', 'secure-app/database', '--focus', 'x/y']).code).toBe(2);
  });

  test('--focus keeps the table columns aligned: as wide as the longest end they show, on both sides', () => {
    const r = run(['connections', base, '--focus', 'secure-app/backend']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe([
      'FROM                                    TO                                      ALLOWED',
      'secure-app/backend                      kube-system/stand-in[k8s-app=kube-dns]  TCP/53 UDP/53',
      'secure-app/backend                      secure-app/database                     TCP/5432',
      'secure-app/backend                      203.0.113.0/24                          TCP/443',
      'secure-app/frontend                     secure-app/backend                      TCP/80',
      'stand-ins, pods the app does not deploy (built from what its policies select, or declared with cdk8s-netpol.dev/stand-in):',
      '  kube-system/stand-in[k8s-app=kube-dns]: for NetworkPolicy secure-app/secure-app-default-deny spec.egress[0].to[0]',
      '',
    ].join('\n'));
  });

  test('--exposure reports what every namespace, the outside and the internet can reach', () => {
    const objects = [
      'apiVersion: v1\nkind: Pod\nmetadata: {name: open, namespace: a}',
      'apiVersion: v1\nkind: Pod\nmetadata: {name: shut, namespace: a, labels: {app: shut}}',
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: shut, namespace: a}\nspec:\n  podSelector: {matchLabels: {app: shut}}\n  policyTypes: [Ingress, Egress]',
    ].join('\n---\n');
    const doc = JSON.parse(run(['connections', '-', '--exposure', '-o', 'json'], objects).stdout);
    const all = [{ protocol: 'TCP', ports: [[1, 65535]] }, { protocol: 'UDP', ports: [[1, 65535]] }, { protocol: 'SCTP', ports: [[1, 65535]] }];
    expect(doc.exposure).toEqual([{ endpoint: 'a/open', fromEveryNamespace: all, fromOutside: all, toWholeInternet: all }]);
  });

  test('--exposure names the ports each kind of exposure allows', () => {
    const objects = [
      'apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: a, labels: {app: web}}',
      'apiVersion: v1\nkind: Pod\nmetadata: {name: db, namespace: a, labels: {app: db}}',
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: a}\nspec: {podSelector: {}, policyTypes: [Ingress, Egress]}',
      `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: web, namespace: a}\nspec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress, Egress]
  ingress:
    - from: [{namespaceSelector: {}}]
      ports: [{port: 80}]
    - from: [{ipBlock: {cidr: 198.51.100.0/24}}]
      ports: [{port: 443}]
  egress:
    - to: [{ipBlock: {cidr: 0.0.0.0/0}}]
      ports: [{port: 443}]
    - to: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}]
      ports: [{port: 8443}]`,
    ].join('\n---\n');
    const doc = JSON.parse(run(['connections', '-', '--exposure', '-o', 'json'], objects).stdout);
    // The pod-only namespaceSelector peer is every namespace; the except leaves 10.0.0.0/8 out of "the whole internet".
    expect(doc.exposure).toEqual([{
      endpoint: 'a/web',
      fromEveryNamespace: [{ protocol: 'TCP', ports: [[80, 80]] }],
      fromOutside: [{ protocol: 'TCP', ports: [[443, 443]] }],
      toWholeInternet: [{ protocol: 'TCP', ports: [[443, 443]] }],
    }]);
    expect(run(['connections', '-', '--exposure'], objects).stdout).toMatch(/a\/web\s+TCP\/80\s+TCP\/443\s+TCP\/443\n1 of 2 pods and workloads exposed/);
  });

  test('fails with 2 on an unknown --focus or format', () => {
    expect(run(['connections', base, '--focus', 'x/y']).code).toBe(2);
    expect(run(['connections', base, '-o', 'yaml']).code).toBe(2);
  });
});

describe('diff', () => {
  test('lists the connection a change opens, with the rules and constructs that open it', () => {
    const r = run(['diff', base, head, '-o', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.broadening).toBe(true);
    expect(doc.removed).toEqual([]);
    expect(doc.added).toEqual([{
      from: 'secure-app/frontend',
      to: 'secure-app/database',
      protocol: 'TCP',
      ports: [[5432, 5432]],
      openedBy: [
        { direction: 'egress', subject: 'secure-app/frontend', policy: 'secure-app/frontend-flows', rule: 'spec.egress[1]', construct: 'secure-app/tiers' },
        { direction: 'ingress', subject: 'secure-app/database', policy: 'secure-app/database-flows', rule: 'spec.ingress[0]', construct: 'secure-app/tiers' },
      ],
    }]);
  });

  test('the other way round, the change is a removal and not broadening', () => {
    const doc = JSON.parse(run(['diff', head, base, '-o', 'json']).stdout);
    expect(doc).toEqual({ added: [], removed: [{ from: 'secure-app/frontend', to: 'secure-app/database', protocol: 'TCP', ports: [[5432, 5432]] }], broadening: false, unanalyzed: [] });
  });

  test.each([
    ['broadening', 'an opening', base, head, 1],
    ['broadening', 'a closing', head, base, 0],
    ['change', 'a closing', head, base, 1],
    ['change', 'no change', base, base, 0],
    ['never', 'an opening', base, head, 0],
  ])('--fail-on %s on %s exits %d', (failOn, _, older, newer, code) => {
    expect(run(['diff', older as string, newer as string, '--fail-on', failOn as string]).code).toBe(code);
  });

  test('prints Markdown for a pull-request comment', () => {
    expect(run(['diff', base, head, '-o', 'markdown']).stdout).toMatchSnapshot();
  });

  test('reads directories, and exits 2 for bad input', () => {
    const dir = (file: string) => {
      const d = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-diff-'));
      fs.copyFileSync(file, path.join(d, 'app.yaml'));
      return d;
    };
    expect(run(['diff', dir(base), dir(base)]).stdout).toBe('no change in allowed connections\n');
    expect(run(['diff', base]).code).toBe(2);
    expect(run(['diff', base, 'missing.yaml']).code).toBe(2);
    expect(run(['diff', base, head, '--fail-on', 'sometimes']).code).toBe(2);
  });
});

describe('check', () => {
  const expectations = (text: string) => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-check-')), 'flows.txt');
    fs.writeFileSync(file, text);
    return file;
  };

  test('exits 0 when every stated flow holds', () => {
    const file = expectations('# secure-app\nallow secure-app/frontend -> secure-app/backend TCP/80\ndeny secure-app/frontend -> secure-app/db 5432\nallow secure-app/frontend -> secure-app/backend http\n');
    const r = run(['check', secureApp, '--expect', file]);
    expect(r.stdout).toMatch(/3 of 3 expectations hold/);
    expect(r.code).toBe(0);
  });

  test('exits 1 and explains a flow that is not as stated', () => {
    const file = expectations('deny secure-app/frontend -> secure-app/database TCP/5432\n');
    const r = run(['check', head, '--expect', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL {2}deny secure-app\/frontend -> secure-app\/database TCP\/5432 .*: it is allowed/);
    expect(r.stdout).toMatch(/allowed by policy secure-app\/database-flows spec.ingress\[0\]/);
  });

  test.each([
    ['a malformed line', 'permit a -> b 80\n'],
    ['an unknown end', 'allow secure-app/nope -> secure-app/backend 80\n'],
    ['a bad port', 'allow secure-app/frontend -> secure-app/backend TCP/70000\n'],
  ])('exits 2 on %s', (_, text) => {
    expect(run(['check', secureApp, '--expect', expectations(text)]).code).toBe(2);
  });
});

describe('every new command has --help', () => {
  test.each(['connections', 'diff', 'check'])('%s --help', (name) => {
    const r = run([name, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: cdk8s-netpol ${name} `));
  });
});
