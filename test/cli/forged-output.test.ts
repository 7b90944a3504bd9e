/**
 * Output a manifest author cannot forge (issue 25 §3). A pull request's author controls every manifest the CLI
 * reads in CI: free text from them (the construct annotation, ClusterNetworkPolicy rule names, suppression entries,
 * file names) must never write a line of its own, start a GitHub Actions workflow command, or hide or add anything
 * in the Markdown made for the pull-request comment.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from '../util/cli';

// commonmark is the CommonMark reference implementation for JavaScript (here through jsii-pacmak; see the report of
// issue 25 for making it a devDependency of its own).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const commonmark = require('commonmark');

const FORGED = 'allowed by policy shop/reviewed';
/** Everything a hostile annotation tries at once: new lines, workflow commands, HTML, Markdown, bidi. */
const HOSTILE = `app/db\n    ${FORGED}\n::error::forged\n  ::add-mask::x ##[error]y <!-- \`tick\` | <img src=x> ![i](http://e.example/x.png) [l](http://e.example) @octocat www.e.example \u202eevil`;

const header = `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: x}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: db, namespace: shop}
spec:
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: c, image: x}]}
`;

const oldPolicy = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  policyTypes: [Ingress, Egress]
`;

const newPolicies = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: db
  namespace: shop
  annotations:
    cdk8s-netpol.dev/construct: ${JSON.stringify(HOSTILE)}
spec:
  podSelector: {matchLabels: {app: db}}
  policyTypes: [Ingress, Egress]
  egress:
  - to: [{ipBlock: {cidr: "::/0"}}]
---
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: admin}
spec:
  tier: Admin
  priority: 10
  subject: {namespaces: {matchLabels: {kubernetes.io/metadata.name: shop}}}
  ingress:
  - name: ${JSON.stringify(`r\n${FORGED} <!--`)}
    action: Accept
    from: [{namespaces: {}}]
`;

let dir: string;
let oldDir: string;
let newDir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forged-'));
  oldDir = path.join(dir, 'old');
  newDir = path.join(dir, 'new');
  fs.mkdirSync(oldDir);
  fs.mkdirSync(newDir);
  fs.writeFileSync(path.join(oldDir, 'app.yaml'), header + oldPolicy);
  fs.writeFileSync(path.join(newDir, 'app.yaml'), header + newPolicies);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The lines of an output that input text could have forged or turned into a workflow command. */
function assertNoForgedLine(text: string): void {
  const lines = text.split('\n');
  for (const line of lines) {
    expect(line.trimStart().startsWith(FORGED)).toBe(false);
    expect(line).not.toMatch(/^\s*::(?!\/0\b)/); // a workflow command; ::/0 (IPv6) is an address
    expect(line).not.toContain('##[');
    expect(line).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
  }
}

/** Every node of a CommonMark document of this type (html_inline, html_block, image, link...). */
function nodesOf(markdown: string, ...types: string[]): { type: string; literal?: string }[] {
  const walker = new commonmark.Parser().parse(markdown).walker();
  const found: { type: string; literal?: string }[] = [];
  let event;
  while ((event = walker.next())) {
    if (event.entering && types.includes(event.node.type)) found.push({ type: event.node.type, literal: event.node.literal });
  }
  return found;
}

/** The cells of a GFM table row: GFM ends a cell at every `|` that no backslash escapes (the longest-match rule). */
function cellsOf(row: string): string[] {
  return row.replace(/^\|/, '').replace(/\|$/, '').split(/(?<!\\)\|/);
}

describe('explain', () => {
  test('a ClusterNetworkPolicy rule name is quoted and escaped on the line of its rule', () => {
    const r = runCli(['explain', newDir, '--from', 'shop/web', '--to', 'shop/db', '--port', '80']);
    expect(r.code).toBe(0);
    assertNoForgedLine(r.stdout);
    expect(r.stdout.split('\n')[0]).toBe('shop/web -> shop/db on TCP/80: ALLOWED');
    expect(r.stdout).toContain(`spec.ingress[0] "r\\n${FORGED} <!--", final`);
  });
});

describe('diff', () => {
  test('text: the construct annotation and the rule name stay on the line of their opening, quoted', () => {
    const r = runCli(['diff', oldDir, newDir]);
    expect(r.code).toBe(0);
    assertNoForgedLine(r.stdout);
    // Every line is ours: an added connection, an opening below it, or the summary.
    for (const line of r.stdout.trimEnd().split('\n')) expect(line).toMatch(/^(\+ |- |    (egress|ingress) of |\d+ added)/);
    expect(r.stdout).toContain('(construct "app/db\\n    allowed by policy shop/reviewed\\n::error::forged\\n  ::add-mask::x #\\u0023[error]y');
    expect(r.stdout).toContain('\\u202eevil")');
    // The IPv6 block keeps its name.
    expect(r.stdout).toContain('+ shop/db -> ::/0 TCP/*');
    expect(r.stdout).not.toContain('\\::/0');
  });

  test('markdown: no raw HTML, comment, image or link; every row keeps its four cells', () => {
    const r = runCli(['diff', oldDir, newDir, '--output', 'markdown']);
    expect(r.code).toBe(0);
    assertNoForgedLine(r.stdout);
    // The only HTML is ours: the line breaks between the openings of one connection.
    expect(nodesOf(r.stdout, 'html_inline', 'html_block', 'image', 'link').filter((n) => n.literal !== '<br>')).toEqual([]);
    // The hostile text is there, but only as code.
    const code = nodesOf(r.stdout, 'code').map((n) => n.literal!);
    expect(code.some((c) => c.includes('<!--') && c.includes('<img src=x>') && c.includes('![i](http://e.example/x.png)') && c.includes('`tick`'))).toBe(true);
    expect(code.some((c) => c === `r\\n${FORGED} <!--`)).toBe(true);
    const rows = r.stdout.split('\n').filter((l) => l.startsWith('| `'));
    expect(rows).toHaveLength(6);
    for (const row of rows) expect(cellsOf(row)).toHaveLength(4);
    // Nothing outside code spans (where @mentions, autolinks and emphasis would apply) comes from the input.
    const text = nodesOf(r.stdout, 'text').map((n) => n.literal!).join(' ');
    expect(text).not.toMatch(/octocat|e\.example|evil|tick/);
  });

  test('json: the raw values, in valid JSON', () => {
    const r = runCli(['diff', oldDir, newDir, '--output', 'json']);
    expect(r.code).toBe(0);
    assertNoForgedLine(r.stdout);
    const doc = JSON.parse(r.stdout);
    const openings = doc.added.flatMap((e: any) => e.openedBy);
    expect(openings.find((o: any) => o.construct !== undefined).construct).toBe(HOSTILE);
    expect(openings.find((o: any) => o.ruleName !== undefined).ruleName).toBe(`r\n${FORGED} <!--`);
  });
});

describe('connections', () => {
  test('an IPv6 block that starts a table row is not escaped, and markdown ends stay code', () => {
    const r = runCli(['connections', newDir]);
    expect(r.code).toBe(0);
    assertNoForgedLine(r.stdout);
    expect(r.stdout).toMatch(/^::\/0 +shop\/web +TCP\/\* UDP\/\* SCTP\/\*$/m);
    expect(r.stdout).not.toContain('\\::');
    const md = runCli(['connections', newDir, '-o', 'markdown']).stdout;
    expect(nodesOf(md, 'html_inline', 'html_block', 'image', 'link')).toEqual([]);
    expect(md).toContain('| `::/0` | `shop/web` |');
  });
});

describe('lint', () => {
  test('a hostile file name and suppression entries stay on one line each', () => {
    const lintDir = path.join(dir, 'lint');
    fs.mkdirSync(lintDir);
    fs.writeFileSync(path.join(lintDir, 'a\n::error::x ##[warning]y.yaml'), `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: db
  namespace: shop
  annotations:
    cdk8s-netpol.dev/suppress: ${JSON.stringify(`NP001\n::warning::forged\u202e <!-- NP9\n${FORGED}`)}
spec:
  podSelector: {}
  policyTypes: [Ingress]
`);
    const r = runCli(['lint', lintDir]);
    expect(r.code).toBe(1);
    assertNoForgedLine(r.stdout);
    const lines = r.stdout.trimEnd().split('\n');
    // Three findings (two unreadable entries, one without reason) and the summary: one line each.
    expect(lines).toHaveLength(4);
    for (const line of lines.slice(0, 3)) expect(line.startsWith(`${lintDir}/a\\n::error::x #\\u0023[warning]y.yaml:7: error NP016`)).toBe(true);
    expect(r.stdout).toContain('cannot read "::warning::forged\\u202e <!-- NP9"');
    const json = JSON.parse(runCli(['lint', lintDir, '-o', 'json']).stdout);
    expect(json.findings[0].file).toBe(path.join(lintDir, 'a\n::error::x ##[warning]y.yaml'));
  });
});
