import { manifestErrorOf } from './util';
import { Reachability } from '../../src';
import { Port } from '../../src/model/port';
import { pod, policy } from '../semantics/util';
import { runCli } from '../util/cli';

const errorOf = manifestErrorOf;

describe('typed lists, as the API server returns them', () => {
  test('a PodList and a NetworkPolicyList whose items have no kind take it from the list', () => {
    const text = `apiVersion: v1
kind: PodList
metadata: {resourceVersion: "1"}
items:
- metadata: {name: a, namespace: ns1, labels: {app: a}}
  spec: {containers: [{name: c, image: i}]}
- metadata: {name: b, namespace: ns1, labels: {app: b}}
  spec: {containers: [{name: c, image: i}]}
- metadata: {name: c, namespace: ns1, labels: {app: c}}
  spec: {containers: [{name: c, image: i}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicyList
items:
- metadata: {name: only-b, namespace: ns1}
  spec: {podSelector: {matchLabels: {app: a}}, ingress: [{from: [{podSelector: {matchLabels: {app: b}}}]}]}
`;
    const reach = Reachability.fromYaml(text);
    expect(reach.endpoints()).toEqual(['ns1/a', 'ns1/b', 'ns1/c']);
    reach.allows('ns1/b', 'ns1/a', Port.tcp(80));
    reach.denies('ns1/c', 'ns1/a', Port.tcp(80));
  });

  test('an item of a typed list that gives apiVersion but no kind is of the list\'s item type (issue 20 §3.2)', () => {
    const text = 'apiVersion: v1\nkind: PodList\nitems:\n- apiVersion: v1\n  metadata: {name: a, namespace: ns1}\n  spec: {containers: [{name: c, image: i}]}\n'
      + '- kind: Pod\n  metadata: {name: b, namespace: ns1}\n  spec: {containers: [{name: c, image: i}]}\n';
    expect(Reachability.fromYaml(text, 'l.yaml').endpoints()).toEqual(['ns1/a', 'ns1/b']);
  });

  test.each([
    ['List', 'List'],
    ['PodList', 'PodList'],
  ])('a %s nested in a List is refused, as kubectl refuses it (issue 25 §4)', (_, inner) => {
    const text = `apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ${inner}\n  items:\n  - {apiVersion: v1, kind: Pod, metadata: {name: a, namespace: ns1}, spec: {containers: [{name: c, image: i}]}}\n`;
    expect(errorOf(() => Reachability.fromYaml(text, 'l.yaml'))).toMatch(new RegExp(`l\\.yaml:4: List: items\\[0\\]: a list inside a list is not read: kubectl refuses it \\(no matches for kind "${inner}"\\)`));
  });

  test('an item of a typed list is validated strictly, with its line', () => {
    const text = 'apiVersion: v1\nkind: PodList\nitems:\n- metadata: {name: a, namespace: ns1}\n  sepc: {}\n';
    expect(errorOf(() => Reachability.fromYaml(text, 'l.yaml'))).toMatch(/l\.yaml:5: Pod ns1\/a: sepc: unknown field "sepc": did you mean spec\?/);
  });

  test('the items of a plain List need their own kind', () => {
    const text = 'apiVersion: v1\nkind: List\nitems:\n- metadata: {name: a, namespace: ns1}\n- {apiVersion: v1, metadata: {name: b, namespace: ns1}}\n';
    const message = errorOf(() => Reachability.fromYaml(text, 'l.yaml'));
    expect(message).toMatch(/not a Kubernetes object: l\.yaml:4: no apiVersion or kind/);
    expect(message).toMatch(/not a Kubernetes object: l\.yaml:5: kind: kind not set/);
  });
});

describe('strict field validation, like kubectl apply', () => {
  const np = (extra: string) => `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: ns1}\n${extra}`;
  test.each([
    ['an ipBlock except misspelt', np('spec: {podSelector: {}, ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8, exceptt: [10.1.0.0/16]}}]}]}\n'),
      /spec\.ingress\[0\]\.from\[0\]\.ipBlock\.exceptt: unknown field "exceptt": did you mean except\?/],
    ['spec.ingres', np('spec: {podSelector: {}, ingres: [{}]}\n'), /NetworkPolicy ns1\/p: spec\.ingres: unknown field "ingres": did you mean ingress\?/],
    ['metadata.namespce', 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespce: ns1}\nspec: {podSelector: {}}\n',
      /NetworkPolicy default\/p: metadata\.namespce: unknown field "namespce": did you mean namespace\?/],
    ['a top-level sepc', np('sepc: {podSelector: {}}\n'), /NetworkPolicy ns1\/p: sepc: unknown field "sepc": did you mean spec\?/],
    ['a status on a NetworkPolicy', np('status: {}\n'), /NetworkPolicy ns1\/p: status: unknown field "status"/],
    ['a container port field', 'apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: ns1}\nspec: {containers: [{name: c, image: i, ports: [{containerPort: 80, protocl: UDP}]}]}\n',
      /Pod ns1\/a: spec\.containers\[0\]\.ports\[0\]\.protocl: unknown field "protocl": did you mean protocol\?/],
    ['a pod template field', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: ns1}\nspec: {template: {metadata: {lables: {a: b}}, spec: {containers: []}}}\n',
      /Deployment ns1\/d: spec\.template\.metadata\.lables: unknown field "lables": did you mean labels\?/],
    ['a CronJob job template field', 'apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: j, namespace: ns1}\nspec: {schedule: "* * * * *", jobTemplate: {spec: {templat: {}}}}\n',
      /CronJob ns1\/j: spec\.jobTemplate\.spec\.templat: unknown field "templat": did you mean template\?/],
    ['a Namespace field', 'apiVersion: v1\nkind: Namespace\nmetadata: {name: ns1, label: {a: b}}\n', /Namespace ns1: metadata\.label: unknown field "label": did you mean labels\?/],
    ['a Service port field', 'apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: ns1}\nspec: {ports: [{port: 80, targetport: 8080}]}\n',
      /Service ns1\/s: spec\.ports\[0\]\.targetport: unknown field "targetport": did you mean targetPort\?/],
    ['a non-string metadata.namespace', 'apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: 5}\nspec: {containers: []}\n',
      /Pod default\/a: metadata\.namespace: must be a string, got a number/],
    ['a boolean namespace', 'apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: yes}\nspec: {containers: []}\n',
      /metadata\.namespace: must be a string, got a boolean \(YAML 1\.1 reads unquoted yes\/no\/on\/off\/y\/n as booleans/],
    ['an annotation that is not a string', 'apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: ns1, annotations: {x: 1}}\nspec: {containers: []}\n',
      /metadata\.annotations\.x: must be a string, got a number/],
  ])('rejects %s with its field path and line', (_, text, message) => {
    expect(errorOf(() => Reachability.fromYaml(text, 'in.yaml'))).toMatch(message);
    expect(errorOf(() => Reachability.fromYaml(text, 'in.yaml'))).toMatch(/the API server would reject: in\.yaml:\d+: /);
  });

  test('accepts fields the engine does not read (env, probes, volumes, resources)', () => {
    const text = `apiVersion: apps/v1
kind: Deployment
metadata: {name: d, namespace: ns1, annotations: {a: b}, creationTimestamp: null}
spec:
  replicas: 2
  selector: {matchLabels: {app: d}}
  strategy: {type: RollingUpdate}
  template:
    metadata: {labels: {app: d}}
    spec:
      volumes: [{name: v, emptyDir: {}}]
      containers:
      - name: c
        image: i
        env: [{name: A, value: b}]
        readinessProbe: {httpGet: {path: /, port: 80}}
        resources: {limits: {cpu: 1}}
        ports: [{containerPort: 80, name: http, protocol: TCP}]
status: {replicas: 2}
`;
    expect(Reachability.fromYaml(text).endpoints()).toEqual(['ns1/d']);
  });

  test.each([
    ['networkpolicy', /no kind "networkpolicy" in "networking\.k8s\.io\/v1": kinds are case-sensitive, did you mean NetworkPolicy\?/],
    ['pod', /no kind "pod" in "networking\.k8s\.io\/v1": kinds are case-sensitive, did you mean Pod\?/],
  ])('reports kind: %s (wrong case) instead of skipping it', (kind, message) => {
    const text = `apiVersion: networking.k8s.io/v1\nkind: ${kind}\nmetadata: {name: p, namespace: ns1}\nspec: {podSelector: {}}\n`;
    expect(errorOf(() => Reachability.fromYaml(text))).toMatch(message);
  });

  test('reports an apiVersion that does not serve the kind', () => {
    const text = 'apiVersion: extensions/v1beta1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: ns1}\nspec: {podSelector: {}}\n';
    expect(errorOf(() => Reachability.fromYaml(text))).toMatch(/apiVersion: "extensions\/v1beta1" does not serve NetworkPolicy .*use apiVersion: networking\.k8s\.io\/v1/);
  });

  test('skips kinds it does not evaluate (ConfigMaps, custom resources) without validating them', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: ns1}\ndata: {a: b}\nwhatever: 1\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {x: 1}\n';
    expect(Reachability.fromYaml(text).endpoints()).toEqual([]);
  });
});

describe('accepts what the API server accepts', () => {
  test('a null label value is the empty string', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: ns1, labels: {tier: null}}\nspec: {containers: [{name: c, image: i}]}\n'
      + '---\napiVersion: v1\nkind: Pod\nmetadata: {name: b, namespace: ns1}\nspec: {containers: [{name: c, image: i}]}\n'
      + '---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: ns1}\n'
      + 'spec: {podSelector: {matchLabels: {tier: null}}, ingress: [{from: [{podSelector: {matchExpressions: [{key: x, operator: NotIn, values: [null]}]}}], ports: [null]}]}\n';
    const reach = Reachability.fromYaml(text);
    // The policy selects a (tier=""); b (no x label, so NotIn [""] matches) may reach it on every TCP port.
    reach.allows('ns1/b', 'ns1/a', Port.tcp(8080));
    reach.denies('ns1/b', 'ns1/a', Port.udp(53));
  });

  test.each(['10.0.0.0/08', '010.0.0.0/8'])('the CIDR %s reads as 10.0.0.0/8 (ParseCIDRSloppy)', (cidr) => {
    const reach = Reachability.fromObjects([
      pod('ns1/a', {}, { ip: '10.1.1.1' }),
      policy('ns1/p', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr, except: ['10.2.0.0/016'] } }] }] }),
    ]);
    reach.allows('10.3.0.1', 'ns1/a', Port.tcp(80));
    reach.denies('10.2.0.1', 'ns1/a', Port.tcp(80));
    reach.denies('11.0.0.1', 'ns1/a', Port.tcp(80));
  });
});

describe('an IPv4-mapped IPv6 except in an IPv4 ipBlock (issue 25 §4: it was refused)', () => {
  test('is accepted, as legacy validation accepts it, and means its IPv4 block', () => {
    const reach = Reachability.fromObjects([
      pod('ns1/a', {}, { ip: '10.9.9.9' }),
      policy('ns1/p', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['::ffff:10.1.0.0/112'] } }] }] }),
    ]);
    reach.allows('ns1/a', '10.2.0.1', Port.tcp(80));
    reach.denies('ns1/a', '10.1.2.3', Port.tcp(80)); // 10.1.0.0/16 is excepted
    reach.denies('ns1/a', '11.0.0.1', Port.tcp(80));
  });

  test('a mapped except outside the cidr is still refused', () => {
    expect(() => Reachability.fromObjects([
      pod('ns1/a', {}, { ip: '10.9.9.9' }),
      policy('ns1/p', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['::ffff:11.1.0.0/112'] } }] }] }),
    ])).toThrow(/must be a strict subset of `cidr`/);
  });
});

describe('hostile objects never crash the engine', () => {
  const names = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'];

  test.each(names)('kind: %s in v1 is refused as the API server refuses it (exit 2, not 3)', (kind) => {
    const text = `apiVersion: v1\nkind: "${kind}"\nmetadata: {name: a, namespace: ns1}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ns1}\nspec: {containers: [{name: c, image: i}]}\n`;
    for (const args of [['reach', '-', '--port', '80'], ['lint', '-']]) {
      const run = runCli(args, text);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(new RegExp(`no matches for kind "${kind}" in version "v1"`));
    }
  });

  test.each(names)('kind: %s in a custom group is an unknown custom resource for reach and lint (exit 0, not 3)', (kind) => {
    const text = `apiVersion: example.com/v1\nkind: "${kind}"\nmetadata: {name: a, namespace: ns1}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ns1}\nspec: {containers: [{name: c, image: i}]}\n`;
    const reach = runCli(['reach', '-', '--port', '80'], text);
    expect(reach.stderr).toBe('');
    expect(reach.code).toBe(0);
    const lint = runCli(['lint', '-'], text);
    expect(lint.code).toBeLessThan(2);
    expect(lint.stderr).toBe('');
  });

  test.each(names.filter((n) => n !== '__proto__' && n !== 'prototype'))('a label key %s is an ordinary label', (key) => {
    const labels = JSON.parse(`{"${key}": "x"}`);
    const reach = Reachability.fromObjects([
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', namespace: 'ns1', labels }, spec: { containers: [] } },
      pod('ns1/b'),
      policy('ns1/p', { podSelector: { matchLabels: labels }, ingress: [] }),
    ]);
    reach.denies('ns1/b', 'ns1/a', Port.tcp(80));
    reach.allows('ns1/a', 'ns1/b', Port.tcp(80));
  });

  test('a label key __proto__ is reported as a bad key, not lost', () => {
    const object = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', namespace: 'ns1', labels: JSON.parse('{"__proto__": "x"}') }, spec: { containers: [] } };
    expect(errorOf(() => Reachability.fromObjects([object]))).toMatch(/metadata\.labels: label key "__proto__" has an invalid name/);
    const yaml = 'apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: ns1, labels: {__proto__: x}}\nspec: {containers: []}\n';
    expect(errorOf(() => Reachability.fromYaml(yaml))).toMatch(/label key "__proto__" has an invalid name/);
  });

  const cyclic: any = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', namespace: 'ns1' } };
  cyclic.spec = cyclic;
  test.each([
    ['a number', 5],
    ['a string', 'kind: Pod'],
    ['null', null],
    ['a list', [1, 2]],
    ['a kind that is a map', { apiVersion: 'v1', kind: { a: 1 }, metadata: {} }],
    ['metadata that is a list', { apiVersion: 'v1', kind: 'Pod', metadata: [] }],
    ['a cyclic object', cyclic],
    ['a list whose items are not a list', { apiVersion: 'v1', kind: 'PodList', items: 5 }],
  ])('Reachability.fromObjects rejects %s with InvalidManifestsError, never a TypeError', (_, junk) => {
    expect(errorOf(() => Reachability.fromObjects([junk]))).toMatch(/objects\[0\]/);
  });

  test('Reachability.fromObjects rejects something that is not a list', () => {
    expect(errorOf(() => Reachability.fromObjects({ kind: 'Pod' } as any))).toMatch(/must be a list of Kubernetes objects/);
  });
});
