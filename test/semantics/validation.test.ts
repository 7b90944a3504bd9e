import { pod, policy } from './util';
import { Reachability } from '../../src';

/** The error for one invalid NetworkPolicy spec in ns1/bad. */
function errorFor(spec: any): string {
  try {
    Reachability.fromObjects([policy('ns1/bad', spec)]);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the policy to be rejected');
}

const peer = (p: any) => ({ podSelector: {}, ingress: [{ from: [p] }] });
const port = (p: any) => ({ podSelector: {}, ingress: [{ ports: [p] }] });
const selector = (s: any) => ({ podSelector: s });

describe('rejects what the API server rejects, naming object and field', () => {
  test.each([
    ['an empty peer {}', peer({}), /spec\.ingress\[0\]\.from\[0\]: must specify a peer/],
    ['an ipBlock together with a podSelector', peer({ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }), /from\[0\]: may not specify both ipBlock and another peer/],
    ['an ipBlock together with a namespaceSelector', peer({ ipBlock: { cidr: '10.0.0.0/8' }, namespaceSelector: {} }), /from\[0\]: may not specify both ipBlock/],
    ['an ipBlock without cidr', peer({ ipBlock: {} }), /ipBlock\.cidr: Required value/],
    ['a malformed cidr', peer({ ipBlock: { cidr: '10.0.0.0' } }), /ipBlock\.cidr: "10\.0\.0\.0" is not a valid CIDR/],
    ['a cidr with a prefix too long', peer({ ipBlock: { cidr: '10.0.0.0/33' } }), /ipBlock\.cidr: .* not a valid CIDR/],
    ['a malformed except', peer({ ipBlock: { cidr: '10.0.0.0/8', except: ['banana'] } }), /ipBlock\.except\[0\]: "banana" is not a valid CIDR/],
    ['an except outside the cidr', peer({ ipBlock: { cidr: '10.0.0.0/8', except: ['11.0.0.0/16'] } }), /except\[0\]: "11\.0\.0\.0\/16" must be a strict subset of `cidr`/],
    ['an except equal to the cidr', peer({ ipBlock: { cidr: '10.0.0.0/8', except: ['10.0.0.0/8'] } }), /except\[0\]: .* strict subset .*equals the cidr/],
    // Host bits set: masked, the except would be the cidr itself; the fix is the block from its address that fits.
    ['an except with host bits set that masks to the cidr', peer({ ipBlock: { cidr: '198.51.100.0/24', except: ['198.51.100.128/24'] } }),
      /except\[0\]: "198\.51\.100\.128\/24" must be a strict subset .*it has host bits set, so it reads as 198\.51\.100\.0\/24; write 198\.51\.100\.128\/25 \(/],
    ['an except with host bits set, a /26 fits', peer({ ipBlock: { cidr: '198.51.100.0/24', except: ['198.51.100.64/24'] } }), /write 198\.51\.100\.64\/26 /],
    ['an except of another IP family', peer({ ipBlock: { cidr: '10.0.0.0/8', except: ['fd00::/64'] } }), /except\[0\]: .* strict subset/],
    ['port 0', port({ port: 0 }), /ports\[0\]\.port: port 0 is out of range/],
    ['port 65536', port({ port: 65536 }), /ports\[0\]\.port: port 65536 is out of range/],
    ['a port name that is not an IANA_SVC_NAME', port({ port: 'Not_Valid' }), /ports\[0\]\.port: "Not_Valid" is not a valid port name/],
    ['a quoted number as port', port({ port: '80' }), /ports\[0\]\.port: .*write the number unquoted/],
    ['endPort below port', port({ port: 90, endPort: 80 }), /ports\[0\]\.endPort: 80 must be greater than or equal to `port`/],
    ['endPort out of range', port({ port: 90, endPort: 70000 }), /ports\[0\]\.endPort: port 70000 is out of range/],
    ['endPort with a named port', port({ port: 'http', endPort: 80 }), /ports\[0\]\.endPort: may not be specified when `port` is non-numeric/],
    ['endPort without port', port({ endPort: 80 }), /ports\[0\]\.endPort: may not be specified when `port` is not specified/],
    ['an unknown protocol', port({ protocol: 'ICMP', port: 1 }), /ports\[0\]\.protocol: Unsupported value: "ICMP"/],
    ['a lowercase protocol', port({ protocol: 'tcp', port: 1 }), /ports\[0\]\.protocol: Unsupported value: "tcp"/],
    ['an unknown policy type', { podSelector: {}, policyTypes: ['Ingress', 'Sideways'] }, /spec\.policyTypes\[1\]: Unsupported value: "Sideways"/],
    ['more than two policy types', { podSelector: {}, policyTypes: ['Ingress', 'Egress', 'Ingress'] }, /spec\.policyTypes: may not specify more than two policyTypes/],
    ['In without values', selector({ matchExpressions: [{ key: 'a', operator: 'In' }] }), /podSelector\.matchExpressions\[0\]\.values: must be specified when `operator` is 'In' or 'NotIn'/],
    ['NotIn with an empty value list', selector({ matchExpressions: [{ key: 'a', operator: 'NotIn', values: [] }] }), /matchExpressions\[0\]\.values: must be specified/],
    ['Exists with values', selector({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }), /matchExpressions\[0\]\.values: may not be specified when `operator` is 'Exists' or 'DoesNotExist'/],
    ['DoesNotExist with values', selector({ matchExpressions: [{ key: 'a', operator: 'DoesNotExist', values: ['x'] }] }), /matchExpressions\[0\]\.values: may not be specified/],
    ['an unknown operator', selector({ matchExpressions: [{ key: 'a', operator: 'Equals', values: ['x'] }] }), /matchExpressions\[0\]\.operator: "Equals" is not a valid selector operator/],
    ['a bad label key in matchLabels', selector({ matchLabels: { '-bad': 'x' } }), /podSelector\.matchLabels: label key "-bad" has an invalid name/],
    ['a bad label key prefix', selector({ matchLabels: { 'Bad_Prefix/x': 'y' } }), /label key "Bad_Prefix\/x" has an invalid prefix/],
    ['a bad label value in matchLabels', selector({ matchLabels: { a: 'no spaces' } }), /podSelector\.matchLabels\.a: label value "no spaces" is invalid/],
    ['a non-string label value', selector({ matchLabels: { a: 1 } }), /matchLabels\.a: a label value must be a string, got 1/],
    ['a bad value in matchExpressions', selector({ matchExpressions: [{ key: 'a', operator: 'In', values: ['$'] }] }), /matchExpressions\[0\]\.values\[0\]: label value "\$" is invalid/],
    ['a bad key in matchExpressions', selector({ matchExpressions: [{ key: 'a/b/c', operator: 'Exists' }] }), /matchExpressions\[0\]\.key: label key "a\/b\/c" has more than one/],
    ['a bad namespaceSelector in a peer', peer({ namespaceSelector: { matchLabels: { a: '!' } } }), /from\[0\]\.namespaceSelector\.matchLabels\.a/],
    ['a misspelt selector field', selector({ matchLabel: { a: 'b' } }), /spec\.podSelector\.matchLabel: unknown field/],
    ['rules that are not a list', { podSelector: {}, egress: { to: [] } }, /spec\.egress: must be a list/],
  ])('%s', (_, spec, message) => {
    expect(errorFor(spec)).toMatch(new RegExp(`objects\\[0\\]: NetworkPolicy ns1/bad: [^\\n]*${message.source}`));
  });

  test('a NetworkPolicy without a name', () => {
    expect(() => Reachability.fromObjects([{ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace: 'x' }, spec: {} }]))
      .toThrow(/NetworkPolicy x\/<no name>: metadata\.name: name or generateName is required/);
  });

  test('a name that is not a DNS subdomain', () => {
    expect(() => Reachability.fromObjects([policy('ns1/Bad_Name', {})])).toThrow(/metadata\.name: "Bad_Name" is not a valid DNS-1123 subdomain/);
  });

  test('a namespace that is not a DNS label', () => {
    expect(() => Reachability.fromObjects([pod('my.ns/a')])).toThrow(/Pod my\.ns\/a: metadata\.namespace: "my\.ns" is not a valid DNS-1123 label/);
  });

  test('a pod with a bad label and a bad IP', () => {
    const bad = { ...pod('ns1/a', { x: 'y z' }), status: { podIP: '10.0.0.300' } };
    expect(() => Reachability.fromObjects([bad])).toThrow(/Pod ns1\/a: metadata\.labels: label value "y z"[^]*Pod ns1\/a: status\.podIP: "10\.0\.0\.300" is not an IP address/);
  });

  test('a bad container port', () => {
    expect(() => Reachability.fromObjects([pod('ns1/a', {}, { ports: [{ name: 'HTTP', containerPort: 99999 }] })]))
      .toThrow(/spec\.containers\[0\]\.ports\[0\]\.containerPort: port 99999 is out of range[^]*ports\[0\]\.name: "HTTP" is not a valid port name/);
  });

  test('a workload template path in errors', () => {
    const d = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'n' }, spec: { template: { metadata: { labels: { ok: 'no way' } } } } };
    expect(() => Reachability.fromObjects([d])).toThrow(/Deployment n\/d: spec\.template\.metadata\.labels: label value "no way"/);
  });

  test('the same object twice: the later one is used, as kubectl apply of the set does, with a note naming both', () => {
    const later = { ...pod('ns1/a'), metadata: { name: 'a', namespace: 'ns1', labels: { version: 'later' } } };
    const reach = Reachability.fromObjects([pod('ns1/a'), later]);
    expect(reach.endpoints()).toEqual(['ns1/a']);
    expect(reach._notes().map((n) => `${n.source}: ${n.object}: ${n.message}`)).toEqual([
      'objects[1]: Pod ns1/a: appears again here (first at objects[0]): the later one is used, as kubectl apply of the set applies it over the earlier one',
    ]);
    expect(reach._cluster().endpoints[0].labels.get('version')).toEqual('later');
  });

  test('a pod and a workload with the same name', () => {
    expect(() => Reachability.fromObjects([pod('ns1/a'), { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'a', namespace: 'ns1' }, spec: { template: {} } }]))
      .toThrow(/the endpoint name ns1\/a is already used by a Pod/);
  });

  test('YAML syntax errors, with the document number', () => {
    expect(() => Reachability.fromYaml('apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\nkind: [unclosed\n', 'app.yaml'))
      .toThrow(/not YAML\/JSON: app\.yaml:6 \(document 2\): Flow sequence .* \(line 6, column 1\)$/);
  });

  test('lists every problem at once and evaluates nothing', () => {
    const message = errorFor({ podSelector: {}, ingress: [{ from: [{}], ports: [{ port: 0 }] }], policyTypes: ['X'] });
    expect(message).toMatch(/^3 problems in the input/);
    expect(message).toMatch(/^  the API server would reject: objects\[0\]: NetworkPolicy ns1\/bad: spec\.ingress\[0\]\.from\[0\]: must specify a peer/m);
    expect(message).toMatch(/nothing was evaluated/);
  });

  test('accepts a cidr with host bits set, as the API server does', () => {
    expect(() => Reachability.fromObjects([policy('ns1/ok', peer({ ipBlock: { cidr: '10.1.2.3/8' } }))])).not.toThrow();
  });

  test('accepts null fields as absent', () => {
    expect(() => Reachability.fromObjects([policy('ns1/ok', { podSelector: null, ingress: [{ from: null, ports: null }], egress: null })])).not.toThrow();
  });
});
