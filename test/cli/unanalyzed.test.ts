/**
 * Policy APIs the engine does not evaluate are never skipped without a word (issue 25 §2). A pull request that adds
 * an AdminNetworkPolicy allowing everything, or a CiliumNetworkPolicy, passed `diff --fail-on broadening` with "no
 * change". Now AdminNetworkPolicy is evaluated, every other kind that can change connectivity is noted by every
 * command, fails the diff gate when it is added, changed or removed, and is named by `explain`.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli as run } from '../util/cli';

const APP = `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Namespace
metadata: {name: other}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {containers: [{name: c, image: x, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: shop, labels: {app: db}}
spec: {containers: [{name: c, image: x, ports: [{containerPort: 5432}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: x, namespace: other, labels: {app: x}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
`;

const ALLOW_ALL_ANP = `apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: allow-all}
spec:
  priority: 10
  subject: {namespaces: {}}
  ingress: [{name: all-in, action: Allow, from: [{namespaces: {}}]}]
  egress: [{name: all-out, action: Allow, to: [{namespaces: {}}]}]
`;

const cilium = (spec: string, extra = '') => `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: open-db, namespace: shop${extra}}
spec: ${spec}
`;
const CILIUM = cilium('{endpointSelector: {matchLabels: {app: db}}, ingress: [{fromEntities: [world]}]}');

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-unanalyzed-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A directory holding `files` (name -> text), next to the app. */
function tree(name: string, files: { [file: string]: string }): string {
  const d = path.join(dir, name);
  fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(path.join(d, 'app.yaml'), APP);
  for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(d, f), text);
  return d;
}

describe('the bypass of the issue', () => {
  test('an AdminNetworkPolicy that allows everything is a broadening, and explain says ALLOWED', () => {
    const old = tree('anp-old', {});
    const head = tree('anp-new', { 'anp.yaml': ALLOW_ALL_ANP });
    const d = run(['diff', old, head, '--fail-on', 'broadening']);
    expect(d.code).toBe(1);
    expect(d.stdout).toMatch(/^\+ shop\/web -> shop\/db TCP\/\*\n {4}egress of shop\/web: AdminNetworkPolicy allow-all \(Admin tier\) spec\.egress\[0\] "all-out"$/m);
    const e = run(['explain', head, '--from', 'shop/web', '--to', 'shop/db', '--port', '5432']);
    expect(e.code).toBe(0);
    expect(e.stdout).toMatch(/^shop\/web -> shop\/db on TCP\/5432: ALLOWED$/m);
    expect(e.stdout).toMatch(/AdminNetworkPolicy allow-all \(Admin tier, priority 10\)/);
    expect(run(['explain', old, '--from', 'shop/web', '--to', 'shop/db', '--port', '5432']).stdout).toMatch(/DENIED/);
  });

  test('a CiliumNetworkPolicy added fails --fail-on broadening and change, and says why', () => {
    const old = tree('cilium-old', {});
    const head = tree('cilium-new', { 'cilium.yaml': CILIUM });
    for (const gate of ['broadening', 'change']) {
      const d = run(['diff', old, head, '--fail-on', gate]);
      expect(d.code).toBe(1);
      expect(d.stdout).toMatch(/^no change in allowed connections\n! added CiliumNetworkPolicy shop\/open-db \(cilium\.io\/v2, enforced by Cilium; .*cilium\.yaml:1\): not evaluated/);
      expect(d.stderr).toMatch(/--fail-on \w+: 0 connections added, 0 removed; 1 object of other policy APIs was added, changed or removed \(added CiliumNetworkPolicy shop\/open-db\), which cdk8s-netpol does not evaluate, so the change may broaden what is allowed unseen/);
    }
    expect(run(['diff', old, head]).code).toBe(0); // --fail-on never
  });
});

describe('diff --fail-on with objects of other policy APIs', () => {
  const old = () => tree('base', { 'cilium.yaml': CILIUM });

  test('unchanged: passes; a change of status or server-set metadata is no change', () => {
    const same = tree('same', { 'cilium.yaml': `${cilium('{endpointSelector: {matchLabels: {app: db}}, ingress: [{fromEntities: [world]}]}', ', resourceVersion: "42", uid: abc')}status: {ok: true}\n` });
    const d = run(['diff', old(), same, '--fail-on', 'change']);
    expect(d.code).toBe(0);
    expect(d.stdout).toBe('no change in allowed connections\n');
  });

  test('changed or removed: fails', () => {
    const changed = tree('changed', { 'cilium.yaml': cilium('{endpointSelector: {matchLabels: {app: web}}, ingress: [{fromEntities: [world]}]}') });
    const c = run(['diff', old(), changed, '--fail-on', 'broadening']);
    expect(c.code).toBe(1);
    expect(c.stdout).toMatch(/! changed CiliumNetworkPolicy shop\/open-db/);
    const removed = tree('removed', {});
    const r = run(['diff', old(), removed, '--fail-on', 'broadening']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/! removed CiliumNetworkPolicy shop\/open-db/);
  });

  test('--accept-unanalyzed KIND (or Kind.group) is the explicit opt-out, and silences the notes', () => {
    const head = tree('accepted', {});
    for (const accept of ['CiliumNetworkPolicy', 'CiliumNetworkPolicy.cilium.io']) {
      const d = run(['diff', old(), head, '--fail-on', 'change', '--accept-unanalyzed', accept]);
      expect(d.code).toBe(0);
      expect(d.stderr).toBe('');
      expect(d.stdout).toBe('no change in allowed connections\n');
    }
    // Accepting another kind does not accept this one.
    expect(run(['diff', old(), head, '--fail-on', 'change', '--accept-unanalyzed', 'GlobalNetworkPolicy']).code).toBe(1);
  });

  test('an --accept-unanalyzed value that names no such kind is a usage error listing them', () => {
    const d = run(['lint', old(), '--accept-unanalyzed', 'CiliumNetworkPolcy']);
    expect(d.code).toBe(2);
    expect(d.stderr).toMatch(/--accept-unanalyzed "CiliumNetworkPolcy" names no kind that is read and not evaluated: .*CiliumNetworkPolicy\.cilium\.io/);
  });

  test('JSON lists them; Markdown shows them in a section of their own, names in code spans', () => {
    const head = tree('json', { 'cilium.yaml': CILIUM.replace('open-db', 'x-`y`') });
    const json = JSON.parse(run(['diff', tree('json-old', {}), head, '--output', 'json']).stdout);
    expect(json.unanalyzed).toEqual([expect.objectContaining({ change: 'added', kind: 'CiliumNetworkPolicy', apiVersion: 'cilium.io/v2', namespace: 'shop', name: 'x-`y`', owner: 'Cilium' })]);
    expect(json.broadening).toBe(false);
    const md = run(['diff', tree('json-old', {}), head, '--output', 'markdown']).stdout;
    expect(md).toMatch(/#### Other policy APIs \(not evaluated/);
    expect(md).toMatch(/\| added \| `` CiliumNetworkPolicy shop\/x-`y` `` \| `cilium.io\/v2` \| Cilium \|/);
  });
});

describe('every command notes them on stderr', () => {
  const head = () => tree('every', { 'cilium.yaml': CILIUM });
  const NOTE = /^note: (?:OLD: |NEW: )?CiliumNetworkPolicy shop\/open-db \(.*cilium\.yaml:1\) is read but not evaluated \(cilium\.io\/v2, enforced by Cilium\): answers ignore it, and it may allow or deny more than they say; pass --accept-unanalyzed CiliumNetworkPolicy once reviewed$/m;

  test.each([
    ['lint', (d: string) => ['lint', d]],
    ['reach', (d: string) => ['reach', d, '--port', '80']],
    ['connections', (d: string) => ['connections', d]],
    ['explain', (d: string) => ['explain', d, '--from', 'shop/web', '--to', 'shop/db', '--port', '5432']],
    ['check', (d: string) => {
      fs.writeFileSync(path.join(dir, 'flows.txt'), 'deny shop/web -> shop/db TCP/5432\n');
      return ['check', d, '--expect', path.join(dir, 'flows.txt')];
    }],
    ['diff', (d: string) => ['diff', d, d]],
  ])('%s', (_name, args) => {
    const r = run(args(head()));
    expect(r.code).toBeLessThan(2);
    expect(r.stderr).toMatch(NOTE);
  });

  test('many objects of one kind: one note that names ten and counts the rest', () => {
    const many = Array.from({ length: 12 }, (_, i) => cilium('{endpointSelector: {}}').replace('open-db', `p${String(i).padStart(2, '0')}`)).join('---\n');
    const r = run(['lint', tree('many', { 'cilium.yaml': many })]);
    const notes = r.stderr.split('\n').filter((l) => l.startsWith('note:'));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^note: 12 CiliumNetworkPolicy objects, shop\/p00 \(.*\), .*shop\/p09 \([^)]*\) and 2 more are read but not evaluated/);
  });
});

describe('explain names the objects that may decide the flow', () => {
  test('a namespaced one of either end, a cluster-wide one always; not a namespaced one elsewhere', () => {
    const ccnp = `apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: world}
spec: {endpointSelector: {}}
---
apiVersion: crd.projectcalico.org/v1
kind: NetworkPolicy
metadata: {name: elsewhere, namespace: other}
spec: {selector: all()}
`;
    const d = tree('explain', { 'cilium.yaml': CILIUM, 'more.yaml': ccnp });
    const e = run(['explain', d, '--from', 'shop/web', '--to', 'shop/db', '--port', '5432']);
    expect(e.stdout).toMatch(/^ {2}NOT EVALUATED, and may decide this differently: objects of other policy APIs that apply to these ends$/m);
    expect(e.stdout).toMatch(/^ {4}CiliumNetworkPolicy shop\/open-db \(cilium\.io\/v2, enforced by Cilium; /m);
    expect(e.stdout).toMatch(/^ {4}CiliumClusterwideNetworkPolicy world \(cilium\.io\/v2, enforced by Cilium; /m);
    expect(e.stdout).not.toMatch(/elsewhere/);
    const accepted = run(['explain', d, '--from', 'shop/web', '--to', 'shop/db', '--port', '5432', '--accept-unanalyzed', 'CiliumNetworkPolicy']);
    expect(accepted.stdout).not.toMatch(/open-db/);
    expect(accepted.stdout).toMatch(/CiliumClusterwideNetworkPolicy world/);
  });
});

describe('unknown kinds of Kubernetes\' own groups are errors, as the API server answers', () => {
  test.each([
    ['kind: Foo in v1', 'apiVersion: v1\nkind: Foo\nmetadata: {name: a}\n', /no matches for kind "Foo" in version "v1"/],
    ['a tiered policy at a version its group does not serve', 'apiVersion: policy.networking.k8s.io/v1alpha1\nkind: ClusterNetworkPolicy\nmetadata: {name: a}\n',
      /does not serve ClusterNetworkPolicy .*use apiVersion: policy\.networking\.k8s\.io\/v1alpha2/],
    ['a prototype name', 'apiVersion: v1\nkind: constructor\nmetadata: {name: a}\n', /no matches for kind "constructor" in version "v1"/],
    ['a plural', 'apiVersion: v1\nkind: ConfigMaps\nmetadata: {name: a}\n', /no matches for kind "ConfigMaps" in version "v1": did you mean ConfigMap\?/],
    ['a removed version', 'apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: a}\n',
      /no matches for kind "Ingress" in version "extensions\/v1beta1": Kubernetes 1\.34 does not serve "extensions\/v1beta1"; Ingress is served as networking\.k8s\.io\/v1/],
    ['a kind of another group', 'apiVersion: v1\nkind: Role\nmetadata: {name: a}\n', /no matches for kind "Role" in version "v1": Role is served as rbac\.authorization\.k8s\.io\/v1/],
  ])('%s', (_what, text, message) => {
    const d = tree(`kind-${_what.replace(/\W+/g, '-')}`, { 'bad.yaml': text });
    const r = run(['lint', d]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  test('kinds it serves, lists, and custom resources read as before', () => {
    const ok = `apiVersion: v1
kind: ConfigMap
metadata: {name: a, namespace: shop}
---
apiVersion: v1
kind: List
items: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: a, namespace: shop}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: a, namespace: shop}
`;
    const r = run(['lint', tree('kinds-ok', { 'ok.yaml': ok })]);
    expect(r.code).toBeLessThan(2);
    expect(r.stderr).not.toMatch(/no matches/);
  });
});
