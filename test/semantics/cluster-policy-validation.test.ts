import { clusterPolicy, pod } from './util';
import { Reachability } from '../../src';

/** The error for one invalid ClusterNetworkPolicy spec named `bad`. */
function errorFor(spec: any): string {
  try {
    Reachability.fromObjects([clusterPolicy('bad', spec)]);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the ClusterNetworkPolicy to be rejected');
}

const ALL_NAMESPACES = { namespaces: {} };
const base = { tier: 'Admin', priority: 10, subject: ALL_NAMESPACES };
const ingressRule = (rule: any) => ({ ...base, ingress: [{ action: 'Deny', from: [ALL_NAMESPACES], ...rule }] });
const egressRule = (rule: any) => ({ ...base, egress: [{ action: 'Deny', to: [ALL_NAMESPACES], ...rule }] });
const protocol = (p: any) => ingressRule({ protocols: [p] });
const times = (n: number, x: any) => Array.from({ length: n }, () => x);

describe('ClusterNetworkPolicy: rejects what the CRD schema and its CEL rules reject, naming object and field', () => {
  test.each([
    ['no spec', undefined, /spec: Required value/],
    ['no tier', { priority: 1, subject: ALL_NAMESPACES }, /spec\.tier: Required value/],
    ['an unknown tier', { ...base, tier: 'Developer' }, /spec\.tier: Unsupported value: "Developer"/],
    ['no priority', { tier: 'Admin', subject: ALL_NAMESPACES }, /spec\.priority: Required value/],
    ['a negative priority', { ...base, priority: -1 }, /spec\.priority: -1 is out of range: use 0 to 1000/],
    ['priority 1001', { ...base, priority: 1001 }, /spec\.priority: 1001 is out of range/],
    ['a fractional priority', { ...base, priority: 1.5 }, /spec\.priority: must be an integer/],
    ['no subject', { tier: 'Admin', priority: 1 }, /spec\.subject: Required value/],
    ['an empty subject', { ...base, subject: {} }, /spec\.subject: a subject must set exactly one of namespaces, pods; it sets none/],
    ['a subject with both namespaces and pods', { ...base, subject: { namespaces: {}, pods: { podSelector: {} } } },
      /spec\.subject: a subject must set exactly one of namespaces, pods; it sets namespaces and pods/],
    ['subject pods without podSelector', { ...base, subject: { pods: { namespaceSelector: {} } } }, /spec\.subject\.pods\.podSelector: Required value/],
    ['a bad subject selector', { ...base, subject: { namespaces: { matchLabels: { a: '!' } } } }, /spec\.subject\.namespaces\.matchLabels\.a: label value "!" is invalid/],
    ['26 ingress rules', { ...base, ingress: times(26, { action: 'Deny', from: [ALL_NAMESPACES] }) }, /spec\.ingress: Too many: 26: must have at most 25 rules/],
    ['26 egress rules', { ...base, egress: times(26, { action: 'Deny', to: [ALL_NAMESPACES] }) }, /spec\.egress: Too many: 26/],
    ['a rule without action', { ...base, ingress: [{ from: [ALL_NAMESPACES] }] }, /spec\.ingress\[0\]\.action: Required value/],
    ['an unknown action', ingressRule({ action: 'Allow' }), /spec\.ingress\[0\]\.action: Unsupported value: "Allow": supported values: "Accept", "Deny", "Pass"/],
    ['a rule name of 101 characters', ingressRule({ name: 'x'.repeat(101) }), /spec\.ingress\[0\]\.name: Too long: may not be more than 100 characters/],
    ['an ingress rule without from', { ...base, ingress: [{ action: 'Deny' }] }, /spec\.ingress\[0\]\.from: Required value/],
    ['an egress rule without to', { ...base, egress: [{ action: 'Deny' }] }, /spec\.egress\[0\]\.to: Required value/],
    ['an empty from', ingressRule({ from: [] }), /spec\.ingress\[0\]\.from: must have at least 1 item/],
    ['26 peers', ingressRule({ from: times(26, ALL_NAMESPACES) }), /spec\.ingress\[0\]\.from: Too many: 26: must have at most 25 peers/],
    ['an empty peer', ingressRule({ from: [{}] }), /from\[0\]: a peer must set exactly one of namespaces, pods; it sets none/],
    ['a peer with namespaces and pods', ingressRule({ from: [{ namespaces: {}, pods: { podSelector: {} } }] }), /from\[0\]: a peer must set exactly one of/],
    ['an ingress networks peer', ingressRule({ from: [{ networks: ['10.0.0.0/8'] }] }), /from\[0\]\.networks: unknown field "networks": an ingress peer is namespaces or pods/],
    ['an egress peer with networks and nodes', egressRule({ to: [{ networks: ['10.0.0.0/8'], nodes: {} }] }), /to\[0\]: a peer must set exactly one of namespaces, pods, networks, nodes, domainNames; it sets networks and nodes/],
    ['a peer pods without podSelector', ingressRule({ from: [{ pods: { namespaceSelector: {} } }] }), /from\[0\]\.pods\.podSelector: Required value/],
    ['an invalid CIDR', egressRule({ to: [{ networks: ['10.0.0.0'] }] }), /to\[0\]\.networks\[0\]: Invalid CIDR format provided/],
    ['a CIDR with a leading zero', egressRule({ to: [{ networks: ['10.0.0.0/08'] }] }), /networks\[0\]: Invalid CIDR format/],
    ['an IPv4-mapped IPv6 network (issue 20 §3.4)', egressRule({ to: [{ networks: ['::ffff:10.0.0.0/104'] }] }),
      /to\[0\]\.networks\[0\]: Invalid CIDR format provided: "::ffff:10\.0\.0\.0\/104" is an IPv4-mapped IPv6 address/],
    ['an IPv4-mapped IPv6 address under a shorter prefix', egressRule({ to: [{ networks: ['::ffff:10.0.0.0/64'] }] }), /networks\[0\]: .* IPv4-mapped IPv6 address/],
    ['a CIDR longer than 43 characters', egressRule({ to: [{ networks: [`${'0:'.repeat(20)}:/64`] }] }), /networks\[0\]: Too long: may not be more than 43 characters/],
    ['an empty networks list', egressRule({ to: [{ networks: [] }] }), /to\[0\]\.networks: must have at least 1 item/],
    ['26 networks', egressRule({ to: [{ networks: Array.from({ length: 26 }, (_, i) => `10.${i}.0.0/16`) }] }), /to\[0\]\.networks: Too many: 26/],
    ['a repeated network', egressRule({ to: [{ networks: ['10.0.0.0/8', '10.0.0.0/8'] }] }), /networks\[1\]: Duplicate value/],
    ['a bad domain name', egressRule({ action: 'Accept', to: [{ domainNames: ['*example.com'] }] }), /domainNames\[0\]: "\*example\.com" is not a domain name/],
    ['a single-label domain name', egressRule({ action: 'Accept', to: [{ domainNames: ['localhost'] }] }), /domainNames\[0\]: "localhost" is not a domain name/],
    ['a named port with networks', egressRule({ to: [{ networks: ['10.0.0.0/8'] }], protocols: [{ destinationNamedPort: 'web' }] }),
      /spec\.egress\[0\]: networks, nodes and domainNames peers cannot be used with destinationNamedPort/],
    ['a named port with nodes', egressRule({ to: [ALL_NAMESPACES, { nodes: {} }], protocols: [{ destinationNamedPort: 'web' }] }), /spec\.egress\[0\]: networks, nodes and domainNames/],
    ['an empty protocols list', ingressRule({ protocols: [] }), /spec\.ingress\[0\]\.protocols: must have at least 1 item/],
    ['26 protocols', ingressRule({ protocols: times(26, { tcp: { destinationPort: { number: 80 } } }) }), /spec\.ingress\[0\]\.protocols: Too many: 26: must have at most 25 protocols/],
    ['an empty protocol', protocol({}), /protocols\[0\]: a protocols item must set exactly one of tcp, udp, sctp, destinationNamedPort; it sets none/],
    ['tcp and udp in one item', protocol({ tcp: { destinationPort: { number: 1 } }, udp: { destinationPort: { number: 1 } } }), /protocols\[0\]: .* it sets tcp and udp/],
    ['tcp: {}', protocol({ tcp: {} }), /protocols\[0\]\.tcp: must set destinationPort/],
    ['an empty destinationPort', protocol({ udp: { destinationPort: {} } }), /protocols\[0\]\.udp\.destinationPort: a destinationPort must set exactly one of number, range/],
    ['number and range together', protocol({ sctp: { destinationPort: { number: 1, range: { start: 1, end: 2 } } } }), /sctp\.destinationPort: .* it sets number and range/],
    ['port 0', protocol({ tcp: { destinationPort: { number: 0 } } }), /tcp\.destinationPort\.number: must be an integer from 1 to 65535, got 0/],
    ['port 65536', protocol({ tcp: { destinationPort: { number: 65536 } } }), /destinationPort\.number: must be an integer from 1 to 65535/],
    ['a range without end', protocol({ tcp: { destinationPort: { range: { start: 1 } } } }), /destinationPort\.range\.end: Required value/],
    ['a range ending above 65535', protocol({ tcp: { destinationPort: { range: { start: 1, end: 70000 } } } }), /range\.end: must be an integer from 1 to 65535/],
    ['a range with start = end', protocol({ tcp: { destinationPort: { range: { start: 80, end: 80 } } } }), /destinationPort\.range: Start port must be less than End port .*use number: 80/],
    ['a range with start > end', protocol({ tcp: { destinationPort: { range: { start: 90, end: 80 } } } }), /destinationPort\.range: Start port must be less than End port/],
    ['a misspelt field', { ...base, ingres: [] }, /spec\.ingres: unknown field "ingres": did you mean ingress\?/],
    ['a misspelt protocol field', protocol({ tcp: { destinationPorts: { number: 1 } } }), /protocols\[0\]\.tcp\.destinationPorts: unknown field/],
  ])('%s', (_, spec, message) => {
    expect(errorFor(spec)).toMatch(new RegExp(`objects\\[0\\]: ClusterNetworkPolicy bad: [^\\n]*${message.source}`));
  });

  test('a v1alpha1 apiVersion is refused with the version that serves the kind', () => {
    expect(() => Reachability.fromObjects([{ ...clusterPolicy('bad', base), apiVersion: 'policy.networking.k8s.io/v1alpha1' }]))
      .toThrow(/does not serve ClusterNetworkPolicy .*use apiVersion: policy\.networking\.k8s\.io\/v1alpha2/);
  });
});

describe('ClusterNetworkPolicy: accepts what the CRD accepts', () => {
  test.each([
    ['the smallest policy', base],
    ['priority 0 and 1000', { ...base, priority: 0 }],
    ['priority 1000', { ...base, priority: 1000 }],
    ['a Baseline policy with pods subject and no namespaceSelector', { tier: 'Baseline', priority: 0, subject: { pods: { podSelector: { matchLabels: { app: 'x' } } } } }],
    ['25 rules of 25 peers and 25 protocols', {
      ...base,
      ingress: times(25, { action: 'Pass', from: times(25, { pods: { namespaceSelector: {}, podSelector: {} } }), protocols: times(25, { destinationNamedPort: 'web' }) }),
    }],
    ['every kind of egress peer and protocol', {
      ...base,
      egress: [
        { name: 'x'.repeat(100), action: 'Accept', to: [{ networks: ['10.0.0.1/8', 'fd00::/8'] }, { nodes: {} }], protocols: [{ udp: { destinationPort: { range: { start: 1, end: 65535 } } } }] },
        { action: 'Accept', to: [{ domainNames: ['example.com', '*.example.org.'] }], protocols: [{ sctp: { destinationPort: { number: 9 } } }] },
        { action: 'Deny', to: [ALL_NAMESPACES], protocols: [{ destinationNamedPort: 'dns' }] },
      ],
    }],
    ['empty rule lists', { ...base, ingress: [], egress: [] }],
  ])('%s', (_, spec) => {
    expect(() => Reachability.fromObjects([clusterPolicy('good', spec), pod('ns1/a')])).not.toThrow();
  });

  test('a metadata.namespace on the cluster-scoped object is ignored', () => {
    const object = clusterPolicy('good', base);
    object.metadata.namespace = 'ns1';
    const reach = Reachability.fromObjects([object, pod('ns1/a')]);
    expect(reach.endpoints()).toEqual(['ns1/a']);
  });
});
