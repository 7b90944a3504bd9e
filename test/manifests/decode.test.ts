import { manifestErrorOf } from './util';
import { Reachability } from '../../src';
import { parseManifestText } from '../../src/manifests/decode';
import { Problem } from '../../src/manifests/problem';
import { Port } from '../../src/model/port';
import { runCli } from '../util/cli';

/** Two pods in ns1 and a policy whose spec is the given YAML flow text. */
function withPolicySpec(spec: string, podPorts = '[{containerPort: 80}]'): string {
  return `apiVersion: v1
kind: Pod
metadata: {name: a, namespace: ns1, labels: {app: a}}
spec: {containers: [{name: c, image: i, ports: ${podPorts}}]}
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: ns1, labels: {app: b}}
spec: {containers: [{name: c, image: i}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: ns1}
spec: ${spec}
`;
}

const errorOf = manifestErrorOf;

describe('YAML 1.1, as kubectl decodes it', () => {
  test('a merge key `<<` makes the merged rules part of the policy (allow-all ingress here)', () => {
    const reach = Reachability.fromYaml(withPolicySpec('{<<: {podSelector: {}, ingress: [{}]}}'));
    reach.allows('ns1/b', 'ns1/a', Port.tcp(80));
  });

  test('a merge key through an anchor and alias in block style', () => {
    const text = withPolicySpec('\n  <<: *base').replace('apiVersion: networking.k8s.io/v1\n', 'apiVersion: networking.k8s.io/v1\nx-base: &base {podSelector: {}, ingress: []}\n');
    // x-base is an unknown top-level field: strict validation rejects it even though the merge worked.
    expect(errorOf(() => Reachability.fromYaml(text))).toMatch(/NetworkPolicy ns1\/p: x-base: unknown field "x-base"/);
  });

  test.each([
    ['a policy port', '{podSelector: {}, ingress: [{ports: [{port: 0120}]}]}', 80, true],
    ['a policy port written 0o120', '{podSelector: {}, ingress: [{ports: [{port: 0o120}]}]}', 80, true],
    ['a policy port 0120 is not 120', '{podSelector: {}, ingress: [{ports: [{port: 0120}]}]}', 120, false],
    ['an endPort', '{podSelector: {}, ingress: [{ports: [{port: 70, endPort: 0120}]}]}', 80, true],
    ['an endPort 0120 stops before 81', '{podSelector: {}, ingress: [{ports: [{port: 70, endPort: 0120}]}]}', 81, false],
    ['a hex port', '{podSelector: {}, ingress: [{ports: [{port: 0x50}]}]}', 80, true],
  ])('reads octal and hex integers as kubectl does: %s', (_, spec, port, allowed) => {
    const reach = Reachability.fromYaml(withPolicySpec(spec));
    expect(reach.isAllowed('ns1/b', 'ns1/a', Port.tcp(port))).toBe(allowed);
  });

  test('reads an octal containerPort (0120 = 80) for named ports', () => {
    const reach = Reachability.fromYaml(withPolicySpec('{podSelector: {}, ingress: [{ports: [{port: http}]}]}', '[{name: http, containerPort: 0120}]'));
    reach.allows('ns1/b', 'ns1/a', Port.tcp(80));
    reach.denies('ns1/b', 'ns1/a', Port.tcp(120));
  });

  test.each(['yes', 'no', 'on', 'off', 'y', 'N', 'True'])('an unquoted label value %s is a boolean and fails to decode, as in kubectl', (value) => {
    const text = `apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: ns1, labels: {enabled: ${value}}}\nspec: {containers: [{name: c, image: i}]}\n`;
    expect(errorOf(() => Reachability.fromYaml(text, 'pod.yaml'))).toMatch(/pod\.yaml:3: Pod ns1\/a: metadata\.labels\.enabled: (must be a string, got a boolean|a label value must be a string)/);
  });

  test('a boolean in a selector value fails with the field path', () => {
    expect(errorOf(() => Reachability.fromYaml(withPolicySpec('{podSelector: {matchLabels: {on: off}}}'))))
      .toMatch(/spec\.podSelector\.matchLabels\.true: a label value must be a string, got false/);
  });

  test('timestamps and sexagesimal numbers stay strings, as go-yaml v2 leaves them', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: ns1, labels: {date: 2001-12-14, time: 1:30}}\nspec: {containers: [{name: c, image: i}]}\n';
    expect(errorOf(() => Reachability.fromYaml(text))).toMatch(/label value "1:30" is invalid/);
    const ok = text.replace(', time: 1:30', '');
    expect(Reachability.fromYaml(ok).endpoints()).toEqual(['ns1/a']);
  });

  test('.inf cannot become JSON and is rejected, not read as a number', () => {
    expect(errorOf(() => Reachability.fromYaml(withPolicySpec('{podSelector: {}, ingress: [{ports: [{port: .inf}]}]}'), 'p.yaml')))
      .toMatch(/not YAML\/JSON: p\.yaml:11 \(document 3\): Infinity \(\.inf or \.nan\) cannot be represented in JSON/);
  });

  test.each([
    ['a tab', '\t'],
    ['less indentation than the block around it', ''],
  ])('a line inside a flow sequence may start with %s, as go-yaml reads it (issue 20 §3.1)', (_, lead) => {
    const text = `apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: ns1}\nspec:\n  containers:\n  - name: c\n    image: i\n    args: [\n${lead}"-x",\n${lead}"-y"]\n    ports: [{containerPort: 80}]\n`;
    const problems: Problem[] = [];
    const objects = parseManifestText(text, 'pod.yaml', problems);
    expect(problems).toEqual([]);
    expect((objects[0].object as any).spec.containers[0]).toEqual({ name: 'c', image: 'i', args: ['-x', '-y'], ports: [{ containerPort: 80 }] });
    // Fields after the flow sequence keep their lines.
    expect(objects[0].locate!('spec.containers[0].ports')).toBe(11);
  });

  test('a document marker inside an unclosed flow sequence is still an error, and the next document is read', () => {
    const problems: Problem[] = [];
    const objects = parseManifestText('a: [x,\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns\n', 'f.yaml', problems);
    expect(problems.map((p) => p.message)).toEqual([expect.stringMatching(/Flow sequence/)]);
    expect(objects.map((o) => o.object)).toEqual([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns' } }]);
  });

  test('duplicate keys are rejected with their line', () => {
    expect(errorOf(() => Reachability.fromYaml('apiVersion: v1\nkind: Pod\nkind: Pod\n', 'd.yaml'))).toMatch(/not YAML\/JSON: d\.yaml:3: Map keys must be unique \(line 3, column 1\)/);
  });
});

describe('encodings and limits, the same for files, stdin and text', () => {
  const json = JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'utf' } });

  test.each([
    ['UTF-16 LE with a BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json, 'utf16le')])],
    ['UTF-16 BE with a BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(json, 'utf16le').swap16()])],
    ['UTF-8 with a BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json, 'utf8')])],
  ])('reads JSON in %s, as kubectl does', (_, bytes) => {
    const r = runCli(['lint', '-', '-o', 'json'], bytes);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  const bomb = [
    'a: &a [x, x, x, x, x, x, x, x, x, x]',
    'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
    'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
    'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
    'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]',
    'f: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]',
  ].join('\n');

  test('an alias bomb is refused with exit 2 on stdin, exactly as in a file or in fromYaml', () => {
    const r = runCli(['reach', '-', '--port', '80'], bomb);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not YAML\/JSON: <stdin>: too many aliases/);
    expect(errorOf(() => Reachability.fromYaml(bomb, 'bomb.yaml'))).toMatch(/bomb\.yaml: too many aliases/);
  });

  test.each([
    ['flow sequences', 'a: ' + '['.repeat(20000) + ']'.repeat(20000)],
    ['block sequences', '- '.repeat(20000) + 'x'],
    ['flow maps', 'a: ' + '{a: '.repeat(10000) + '}'.repeat(10000)],
  ])('deep nesting (%s) gives a clean error, not a stack overflow', (_, text) => {
    const r = runCli(['lint', '-'], text);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not YAML\/JSON: <stdin>: nested deeper than 100 levels/);
    expect(r.stderr).not.toMatch(/call stack|internal error/);
  });

  test('a YAML syntax error names line and column, and ends with them (no dangling "column 3:")', () => {
    const r = runCli(['lint', '-'], 'apiVersion: v1\nkind: [unclosed\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not YAML\/JSON: <stdin>:3: Flow sequence in block collection must be sufficiently indented and end with a \] \(line 3, column 1\)\n/);
    expect(r.stderr).not.toMatch(/column \d+:\s*$/m);
  });
});

describe('aliases, bounded by the decoded size as go-yaml bounds them', () => {
  /** A List of `n` Pods in ns1 that share one anchored spec (n - 1 aliases), and a policy that isolates them. */
  function sharedSpecList(n: number): string {
    const items = Array.from({ length: n }, (_, i) => [
      '- apiVersion: v1',
      '  kind: Pod',
      `  metadata: {name: p${i}, namespace: ns1, labels: {app: web}}`,
      i === 0 ? '  spec: &spec {containers: [{name: c, image: i, ports: [{containerPort: 80}]}]}' : '  spec: *spec',
    ].join('\n'));
    return ['apiVersion: v1', 'kind: List', 'items:', ...items, '---', 'apiVersion: networking.k8s.io/v1', 'kind: NetworkPolicy',
      'metadata: {name: p, namespace: ns1}', 'spec: {podSelector: {matchLabels: {app: web}}, ingress: [{from: [{podSelector: {}}]}]}'].join('\n');
  }

  test('a List of 150 Pods that share one anchor (149 aliases) is read, as kubectl decodes it', () => {
    const text = sharedSpecList(150);
    const reach = Reachability.fromYaml(text, 'list.yaml');
    reach.allows('ns1/p0', 'ns1/p149', Port.tcp(80));
    reach.allows('ns1/p149', 'ns1/p1', Port.tcp(80));
    const r = runCli(['lint', '-', '-o', 'json'], text);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  test('every alias decodes to a value of its own, as kubectl decodes each into a copy', () => {
    const problems: Problem[] = [];
    const [object] = parseManifestText('a: &x {b: [1]}\nc: *x\n', 'x.yaml', problems);
    expect(problems).toEqual([]);
    const value = object.object as { a: unknown; c: unknown };
    expect(value.c).toEqual(value.a);
    expect(value.c).not.toBe(value.a);
  });

  /** Levels of ten: `a` lists ten scalars, each further level lists ten aliases of the one before. */
  const levels = (n: number) => ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: n - 1 }, (_, i) => {
    const name = String.fromCharCode(98 + i);
    const prev = String.fromCharCode(97 + i);
    return `${name}: &${name} [${Array(10).fill(`*${prev}`).join(', ')}]`;
  })].join('\n');

  // go-yaml's count (decode.go): the document, the top map, every key, value and item, each alias node, and every node
  // of an expansion again. Three levels: 1358 decodes, 1320 of them from aliases (97.2%, under 99%). A fourth level
  // adds 1221 decodes per alias: after its third alias, 4983 of 5026 decodes come from aliases (99.1%): excessive.
  test('three levels of ten aliases decode, four are refused (the 99% share of go-yaml)', () => {
    const three: Problem[] = [];
    parseManifestText(levels(3), 'levels.yaml', three);
    expect(three).toEqual([]);
    const four: Problem[] = [];
    parseManifestText(levels(4), 'levels.yaml', four);
    expect(four.map((p) => p.message)).toEqual([expect.stringMatching(/^too many aliases: 4983 of the first 5026 values decoded come from aliases, more than kubectl's YAML decoder allows/)]);
  });

  test('a billion laughs (nine levels) is refused at once', () => {
    const start = Date.now();
    const problems: Problem[] = [];
    parseManifestText(levels(9), 'laughs.yaml', problems);
    expect(problems.map((p) => p.message)).toEqual([expect.stringMatching(/^too many aliases/)]);
    expect(Date.now() - start).toBeLessThan(2000);
  });

  test('8,000 aliases of one value decode in linear time (the YAML library looks each alias up in the whole list)', () => {
    const text = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: c, namespace: ns1}', 'data:', '  k0: &v value',
      ...Array.from({ length: 7999 }, (_, i) => `  k${i + 1}: *v`)].join('\n');
    const start = Date.now();
    const problems: Problem[] = [];
    const [object] = parseManifestText(text, 'cm.yaml', problems);
    expect(problems).toEqual([]);
    expect((object.object as { data: Record<string, string> }).data.k7999).toBe('value');
    expect(Date.now() - start).toBeLessThan(5000); // 24 s when each alias scanned the list of anchors and aliases
  });

  test('an anchor that holds an alias of itself is refused, as go-yaml refuses it', () => {
    const problems: Problem[] = [];
    parseManifestText('a: &a [1, *a]\n', 'self.yaml', problems);
    expect(problems.map((p) => p.message)).toEqual([expect.stringMatching(/an anchor holds an alias of itself/)]);
  });
});

describe('memory stays bounded', () => {
  test('a document with more YAML tokens than the budget is refused before its syntax tree is built', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  a:\n' + '  - 1\n'.repeat(260000);
    const r = runCli(['lint', '-'], text);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not YAML\/JSON: <stdin>: a document of more than 750000 YAML tokens: too large to read safely/);
  });

  test('many documents together over the budget are read: the budget holds per document', () => {
    const doc = (i: number) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c${i}, namespace: ns1}\ndata:\n  a:\n` + '  - 1\n'.repeat(2000);
    const text = Array.from({ length: 400 }, (_, i) => doc(i)).join('---\n');
    const r = runCli(['lint', '-'], text);
    expect(r.stderr).not.toMatch(/YAML tokens/);
  });

  test('a long list just under the budget is read (no stack overflow on big arrays)', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: ns1}\ndata:\n  a:\n' + '  - 1\n'.repeat(200000)
      + '---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ns1}\nspec: {containers: [{name: c, image: i}]}\n';
    const r = runCli(['lint', '-'], text);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/warning NP001/);
  });
});

describe('templates are not manifests until rendered', () => {
  test('a Helm template gets "render it first", with file and line', () => {
    const text = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: {{ include "app.fullname" . }}\n{{- if .Values.netpol.enabled }}\nspec:\n  podSelector: {}\n{{- end }}\n';
    const r = runCli(['lint', '-'], text);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not YAML\/JSON: <stdin>.*render it first \(helm template CHART/);
  });

  test('a template that happens to parse as YAML (`name: {{ .Values.name }}` is a map key that is a map) is no object either', () => {
    const text = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Values.name }}\n';
    const r = runCli(['lint', '-'], text);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not YAML\/JSON: <stdin>:1: a mapping key is itself a map or a list, which cannot be decoded.*render it first \(helm template CHART/);
    expect(r.stderr).not.toMatch(/Warning|stringified/); // the YAML library's own logging never reaches the user
  });

  test('an explicit collection key (`? [a, b]`) is rejected as kubectl rejects it, and the other documents are read', () => {
    const problems: Problem[] = [];
    const objects = parseManifestText('a: 1\n? [x, y]\n: 2\n---\nb: 2\n', 'in.yaml', problems);
    expect(problems.map((p) => `${p.document}: ${p.message}`)).toEqual(['1: a mapping key is itself a map or a list, which cannot be decoded (JSON keys are strings; an unquoted `{{ ... }}` is one)']);
    expect(objects.map((o) => o.object)).toEqual([{ b: 2 }]);
  });

  test('plain YAML with braces in a quoted value gets no template hint', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: ns1}\ndata: {a: "{not a template}"}\n---\n: bad\n  - x\n';
    const r = runCli(['lint', '-'], text);
    expect(r.stderr).not.toMatch(/render it first/);
  });
});

describe('documents split as kubectl splits them (apimachinery YAMLOrJSONDecoder, Kubernetes 1.34)', () => {
  // Each expectation was checked against that decoder built from source (`kubectl apply -f` reads files through it).
  const ns = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  const nsJson = (name: string) => JSON.stringify(ns(name));
  const nsYaml = (name: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;
  const decode = (text: string) => {
    const problems: Problem[] = [];
    const objects = parseManifestText(text, 'f', problems).map((o) => o.object);
    return { objects, problems: problems.map((p) => `${p.document ?? '-'}: ${p.message}`) };
  };

  test.each([
    ['a JSON object followed by `---` and YAML documents (read since Kubernetes 1.33)', `${nsJson('a')}\n---\n${nsYaml('b')}---\n${nsYaml('c')}`, ['a', 'b', 'c']],
    ['a stream of JSON objects, one per line', `${nsJson('a')}\n${nsJson('b')}\n`, ['a', 'b']],
    ['a stream of JSON objects on one line', `${nsJson('a')} ${nsJson('b')}`, ['a', 'b']],
    ['a JSON object followed by a YAML document without `---`', `${nsJson('a')}\n${nsYaml('b')}`, ['a', 'b']],
    ['JSON with a comment, which is YAML', '{\n  # the namespace\n  "apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}\n}\n', ['a']],
    ['a `%YAML` directive after a `...` document end, before `---`', `${nsYaml('a')}...\n%YAML 1.1\n---\n${nsYaml('b')}`, ['a', 'b']],
    ['a comment after a `---` marker', `${nsYaml('a')}--- # next\n${nsYaml('b')}`, ['a', 'b']],
    ['CRLF line ends', `${nsYaml('a')}---\n${nsYaml('b')}`.replace(/\n/g, '\r\n'), ['a', 'b']],
  ])('reads %s', (_, text, names) => {
    const { objects, problems } = decode(text);
    expect(problems).toEqual([]);
    expect(objects).toEqual(names.map(ns));
  });

  test('after two JSON values, text that is not JSON stops the stream as it stops kubectl, with the line', () => {
    const { objects, problems } = decode(`${nsJson('a')}${nsJson('b')}\n---\n${nsYaml('c')}`);
    expect(objects).toEqual([ns('a'), ns('b')]);
    expect(problems).toEqual([expect.stringMatching(/^3: not JSON after 2 JSON values: kubectl reads this file as a stream of JSON values and stops here; .* \(line 2, column 1\)$/)]);
  });

  test('a `%YAML` directive before the first `---` is refused, as kubectl cannot decode it alone', () => {
    const { objects, problems } = decode(`%YAML 1.1\n---\n${nsYaml('a')}`);
    expect(objects).toEqual([ns('a')]);
    expect(problems).toEqual([expect.stringMatching(/^1: a %YAML or %TAG directive \(line 1\): kubectl splits documents at `---` lines, so the directive stands alone and cannot be decoded .*; remove it$/)]);
    expect(decode(`${nsYaml('a')}---\n%TAG ! tag:example.com,2000:\n---\n${nsYaml('b')}`).problems).toEqual([expect.stringMatching(/^2: a %YAML or %TAG directive \(line 6\)/)]);
  });

  test('a document after `...` without `---` is refused: kubectl would ignore it, so it would never be applied', () => {
    const { objects, problems } = decode(`${nsYaml('a')}...\n${nsYaml('b')}`);
    expect(objects).toEqual([]);
    expect(problems).toEqual([expect.stringMatching(/^-: text after a `\.\.\.` document end \(line 6\) up to the next `---` line: kubectl decodes one document between `---` lines and ignores the rest/)]);
    // Comments, and a directive for the next document, are no document: nothing is ignored.
    expect(decode(`${nsYaml('a')}...\n# done\n`)).toEqual({ objects: [ns('a')], problems: [] });
  });

  test('a `---` line with content after the marker stops kubectl ("invalid Yaml document separator")', () => {
    for (const marker of ['--- |', '----', '--- {a: 1}']) {
      const { problems } = decode(`${nsYaml('a')}${marker}\n  x\n`);
      expect(problems).toEqual([expect.stringMatching(/^-: a `---` line with more than a comment after the marker: kubectl splits documents at `---` lines and stops here .* \(line 5, column 1\)$/)]);
    }
  });

  test('the documents of a file are numbered by kubectl\'s split: a trailing `---` adds none', () => {
    const problems: Problem[] = [];
    const [object] = parseManifestText(`${nsYaml('a')}---\n`, 'f.yaml', problems);
    expect(problems).toEqual([]);
    expect(object.source).toBe('f.yaml:1');
  });

  test('a JSON file kubectl refuses exits 2 through the CLI, naming file and line', () => {
    const r = runCli(['lint', '-'], `${nsJson('a')}\n${nsJson('b')}\nkind: Pod\n`);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/<stdin>.*line 3, column 1/);
  });
});
