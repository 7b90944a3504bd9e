import { deployment, namespace, pod, policy } from './util';
import { Port, Reachability } from '../../src';

const denyAll = (ns: string) => policy(`${ns}/deny-all`, { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
const allowAllEgress = (ns: string) => policy(`${ns}/allow-egress`, { podSelector: {}, policyTypes: ['Egress'], egress: [{}] });
const allowAllIngress = (ns: string) => policy(`${ns}/allow-ingress`, { podSelector: {}, ingress: [{}] });
const a = pod('ns1/a', { app: 'a' }, { ip: '10.0.0.1', ports: [{ name: 'http', containerPort: 8080 }] });
const b = pod('ns1/b', { app: 'b' }, { ip: '10.0.0.2', ports: [{ name: 'http', containerPort: 80 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }] });
const c = pod('ns2/c', { app: 'c' }, { ip: '10.0.1.3' });
const v6 = pod('ns2/v6', { app: 'v6' }, { ip: 'fd00::5' });
const ingressTo = (selector: any, rules: any[]) => policy('ns1/ingress', { podSelector: selector, policyTypes: ['Ingress'], ingress: rules });
const egressFrom = (ns: string, selector: any, rules: any[]) => policy(`${ns}/egress`, { podSelector: selector, policyTypes: ['Egress'], egress: rules });
const onlyB = { matchLabels: { app: 'b' } };

type Case = [string, any[], string, string, Port, boolean];

function check(objects: any[], from: string, to: string, port: Port, expected: boolean) {
  const reach = Reachability.fromObjects(objects);
  expect({ flow: `${from} -> ${to} ${port}`, allowed: reach.isAllowed(from, to, port) })
    .toEqual({ flow: `${from} -> ${to} ${port}`, allowed: expected });
}

describe('isolation and policy types', () => {
  const cases: Case[] = [
    ['allows everything when no policy exists', [a, b], 'ns1/a', 'ns1/b', Port.tcp(80), true],
    ['denies ingress to a pod selected by a policy with no ingress rules', [a, b, ingressTo(onlyB, [])], 'ns1/a', 'ns1/b', Port.tcp(80), false],
    ['leaves pods the policy does not select open', [a, b, ingressTo(onlyB, [])], 'ns1/b', 'ns1/a', Port.tcp(80), true],
    ['allows everything with the rule {}', [a, b, ingressTo(onlyB, [{}])], 'ns1/a', 'ns1/b', Port.udp(9999), true],
    ['isolates ingress when policyTypes is absent, even for an egress-only policy',
      [a, b, policy('ns1/p', { podSelector: onlyB, egress: [{}] })], 'ns1/a', 'ns1/b', Port.tcp(80), false],
    ['isolates egress when policyTypes is absent and egress rules exist',
      [a, b, policy('ns1/p', { podSelector: { matchLabels: { app: 'a' } }, egress: [{ to: [{ ipBlock: { cidr: '192.168.0.0/16' } }] }] })], 'ns1/a', 'ns1/b', Port.tcp(80), false],
    ['does not isolate egress when policyTypes is absent and there are no egress rules',
      [a, b, policy('ns1/p', { podSelector: { matchLabels: { app: 'a' } } })], 'ns1/a', 'ns1/b', Port.tcp(80), true],
    ['treats policyTypes [] like an absent field', [a, b, policy('ns1/p', { podSelector: onlyB, policyTypes: [] })], 'ns1/a', 'ns1/b', Port.tcp(80), false],
    ['ignores ingress rules of a policy whose policyTypes is only Egress',
      [a, b, policy('ns1/p', { podSelector: onlyB, policyTypes: ['Egress'], ingress: [{}] }), ingressTo(onlyB, [])], 'ns1/a', 'ns1/b', Port.tcp(80), false],
    ['does not let a policy select pods of another namespace', [a, c, policy('ns1/p', { podSelector: {} })], 'ns1/a', 'ns2/c', Port.tcp(80), true],
    ['selects every pod of its namespace with an empty podSelector', [a, b, denyAll('ns1')], 'ns1/a', 'ns1/b', Port.tcp(80), false],
    ['takes the union of the rules of all policies',
      [a, b, ingressTo(onlyB, []), policy('ns1/more', { podSelector: onlyB, ingress: [{ ports: [{ port: 80 }] }] })], 'ns1/a', 'ns1/b', Port.tcp(80), true],
    ['needs the egress of the source and the ingress of the destination: ingress open, egress closed',
      [a, b, denyAll('ns1'), allowAllIngress('ns1')], 'ns1/a', 'ns1/b', Port.tcp(80), false],
    ['needs the egress of the source and the ingress of the destination: egress open, ingress closed',
      [a, b, denyAll('ns1'), allowAllEgress('ns1')], 'ns1/a', 'ns1/b', Port.tcp(80), false],
    ['allows when both sides allow', [a, b, denyAll('ns1'), allowAllEgress('ns1'), allowAllIngress('ns1')], 'ns1/a', 'ns1/b', Port.tcp(80), true],
  ];
  test.each(cases)('%s', (_, objects, from, to, port, expected) => check(objects, from, to, port, expected));
});

describe('peers', () => {
  const ns2 = namespace('ns2', { env: 'prod' });
  const cases: Case[] = [
    ['matches a podSelector peer in the policy namespace', [a, b, ingressTo(onlyB, [{ from: [{ podSelector: { matchLabels: { app: 'a' } } }] }])], 'ns1/a', 'ns1/b', Port.tcp(80), true],
    ['does not match a podSelector peer in another namespace', [c, b, ingressTo(onlyB, [{ from: [{ podSelector: {} }] }])], 'ns2/c', 'ns1/b', Port.tcp(80), false],
    ['matches every pod of a namespace chosen by namespaceSelector', [c, b, ns2, ingressTo(onlyB, [{ from: [{ namespaceSelector: { matchLabels: { env: 'prod' } } }] }])], 'ns2/c', 'ns1/b', Port.tcp(80), true],
    ['does not match pods of namespaces the namespaceSelector rejects', [a, b, ns2, ingressTo(onlyB, [{ from: [{ namespaceSelector: { matchLabels: { env: 'prod' } } }] }])], 'ns1/a', 'ns1/b', Port.tcp(80), false],
    ['selects a namespace by its kubernetes.io/metadata.name label, even when not declared',
      [c, b, ingressTo(onlyB, [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ns2' } } }] }])], 'ns2/c', 'ns1/b', Port.tcp(80), true],
    ['matches all namespaces with namespaceSelector {}', [c, b, ingressTo(onlyB, [{ from: [{ namespaceSelector: {} }] }])], 'ns2/c', 'ns1/b', Port.tcp(80), true],
    ['ANDs namespaceSelector and podSelector in one peer',
      [c, b, ns2, ingressTo(onlyB, [{ from: [{ namespaceSelector: { matchLabels: { env: 'prod' } }, podSelector: { matchLabels: { app: 'x' } } }] }])], 'ns2/c', 'ns1/b', Port.tcp(80), false],
    ['ORs namespaceSelector and podSelector in two peers (the classic mistake)',
      [c, b, ns2, ingressTo(onlyB, [{ from: [{ namespaceSelector: { matchLabels: { env: 'prod' } } }, { podSelector: { matchLabels: { app: 'x' } } }] }])], 'ns2/c', 'ns1/b', Port.tcp(80), true],
    ['matches In', [a, b, ingressTo(onlyB, [{ from: [{ podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['a', 'z'] }] } }] }])], 'ns1/a', 'ns1/b', Port.tcp(80), true],
    ['matches NotIn when the key is absent', [a, b, ingressTo(onlyB, [{ from: [{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] } }] }])], 'ns1/a', 'ns1/b', Port.tcp(80), true],
    ['rejects NotIn when the value is listed', [a, b, ingressTo(onlyB, [{ from: [{ podSelector: { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['a'] }] } }] }])], 'ns1/a', 'ns1/b', Port.tcp(80), false],
    ['matches Exists', [a, b, ingressTo(onlyB, [{ from: [{ podSelector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] } }] }])], 'ns1/a', 'ns1/b', Port.tcp(80), true],
    ['rejects DoesNotExist when the key is present', [a, b, ingressTo(onlyB, [{ from: [{ podSelector: { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] } }] }])], 'ns1/a', 'ns1/b', Port.tcp(80), false],
    ['ANDs matchLabels and matchExpressions', [a, b, ingressTo(onlyB, [{ from: [{ podSelector: { matchLabels: { app: 'a' }, matchExpressions: [{ key: 'tier', operator: 'Exists' }] } }] }])], 'ns1/a', 'ns1/b', Port.tcp(80), false],
    ['matches an ipBlock against the pod IP', [a, b, ingressTo(onlyB, [{ from: [{ ipBlock: { cidr: '10.0.0.0/24' } }] }])], 'ns1/a', 'ns1/b', Port.tcp(80), true],
    ['honours ipBlock except', [a, b, ingressTo(onlyB, [{ from: [{ ipBlock: { cidr: '10.0.0.0/24', except: ['10.0.0.0/31'] } }] }])], 'ns1/a', 'ns1/b', Port.tcp(80), false],
    ['matches IPv6 ipBlocks', [v6, b, ingressTo(onlyB, [{ from: [{ ipBlock: { cidr: 'fd00::/64', except: ['fd00::8/125'] } }] }])], 'ns2/v6', 'ns1/b', Port.tcp(80), true],
    ['never matches an IPv4 block against an IPv6 address', [v6, b, ingressTo(onlyB, [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }])], 'ns2/v6', 'ns1/b', Port.tcp(80), false],
    ['does not match an ipBlock for a workload, which has no IP', [deployment('ns1/w', { app: 'w' }), b, ingressTo(onlyB, [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }])], 'ns1/w', 'ns1/b', Port.tcp(80), false],
    ['admits an external source through an ingress ipBlock', [b, ingressTo(onlyB, [{ from: [{ ipBlock: { cidr: '203.0.113.0/24' } }] }])], '203.0.113.7', 'ns1/b', Port.tcp(80), true],
    ['never matches a selector against an external source', [b, ingressTo(onlyB, [{ from: [{ namespaceSelector: {} }] }])], '203.0.113.7', 'ns1/b', Port.tcp(80), false],
    ['lets a pod reach an external IP through an egress ipBlock', [a, egressFrom('ns1', {}, [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }] }])], 'ns1/a', '8.8.8.8', Port.tcp(443), true],
    ['denies an external IP inside an except range', [a, egressFrom('ns1', {}, [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }] }])], 'ns1/a', '10.9.9.9', Port.tcp(443), false],
    ['treats an IP that belongs to a known pod as that pod', [a, b, ingressTo(onlyB, [])], 'ns1/a', '10.0.0.2', Port.tcp(80), false],
    ['allows traffic between two external IPs: no pod, no policy', [a, denyAll('ns1')], '1.1.1.1', '2.2.2.2', Port.tcp(80), true],
  ];
  test.each(cases)('%s', (_, objects, from, to, port, expected) => check(objects, from, to, port, expected));
});

describe('ports', () => {
  const rule = (ports: any[]) => ingressTo(onlyB, [{ ports }]);
  const cases: Case[] = [
    ['defaults the protocol to TCP', [a, b, rule([{ port: 53 }])], 'ns1/a', 'ns1/b', Port.udp(53), false],
    ['matches an explicit protocol', [a, b, rule([{ port: 53, protocol: 'UDP' }])], 'ns1/a', 'ns1/b', Port.udp(53), true],
    ['matches SCTP', [a, b, rule([{ port: 9, protocol: 'SCTP' }])], 'ns1/a', 'ns1/b', Port.sctp(9), true],
    ['matches the first port of an endPort range', [a, b, rule([{ port: 8000, endPort: 8080 }])], 'ns1/a', 'ns1/b', Port.tcp(8000), true],
    ['matches the last port of an endPort range', [a, b, rule([{ port: 8000, endPort: 8080 }])], 'ns1/a', 'ns1/b', Port.tcp(8080), true],
    ['does not match past an endPort range', [a, b, rule([{ port: 8000, endPort: 8080 }])], 'ns1/a', 'ns1/b', Port.tcp(8081), false],
    ['matches every port of the protocol when port is left out', [a, b, rule([{ protocol: 'UDP' }])], 'ns1/a', 'ns1/b', Port.udp(12345), true],
    ['does not match another protocol when port is left out', [a, b, rule([{ protocol: 'UDP' }])], 'ns1/a', 'ns1/b', Port.tcp(12345), false],
    ['resolves a named ingress port on the destination pod', [a, b, rule([{ port: 'http' }])], 'ns1/a', 'ns1/b', Port.tcp(80), true],
    ['does not resolve a named ingress port on the source pod', [a, b, rule([{ port: 'http' }])], 'ns1/a', 'ns1/b', Port.tcp(8080), false],
    ['needs the protocol of a named port to match the declaration', [a, b, rule([{ port: 'dns' }])], 'ns1/a', 'ns1/b', Port.udp(53), false],
    ['matches a named UDP port declared for UDP', [a, b, rule([{ port: 'dns', protocol: 'UDP' }])], 'ns1/a', 'ns1/b', Port.udp(53), true],
    ['resolves a named egress port on the peer (destination) pod',
      [a, b, egressFrom('ns1', { matchLabels: { app: 'a' } }, [{ ports: [{ port: 'http' }] }])], 'ns1/a', 'ns1/b', Port.tcp(80), true],
    ['never matches a named egress port to an IP destination',
      [a, egressFrom('ns1', { matchLabels: { app: 'a' } }, [{ ports: [{ port: 'http' }] }])], 'ns1/a', '8.8.8.8', Port.tcp(80), false],
    ['resolves a named query port on each destination', [a, b, rule([{ port: 80 }])], 'ns1/a', 'ns1/b', Port.named('http'), true],
    ['denies a named query port the destination does not declare', [a, c], 'ns1/a', 'ns2/c', Port.named('http'), false],
    ['ANDs peers and ports in a rule', [a, b, ingressTo(onlyB, [{ from: [{ podSelector: {} }], ports: [{ port: 443 }] }])], 'ns1/a', 'ns1/b', Port.tcp(80), false],
  ];
  test.each(cases)('%s', (_, objects, from, to, port, expected) => check(objects, from, to, port, expected));
});

describe('workloads and self traffic', () => {
  test('a workload stands for the pods of its template', () => {
    const reach = Reachability.fromObjects([
      deployment('ns1/web', { app: 'web' }),
      pod('ns1/client', { app: 'client' }),
      policy('ns1/p', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }] }] }),
    ]);
    reach.allows('ns1/client', 'ns1/web', Port.tcp(80));
    expect(reach.explain('ns1/client', 'ns1/web', Port.named('http'))).toMatch(/ns1\/web declares no TCP container port named "http"/);
    expect(reach.endpoints()).toEqual(['ns1/client', 'ns1/web']);
  });

  test.each([
    ['Pod', pod('ns1/a', { app: 'a' })],
    ['Deployment', deployment('ns1/a', { app: 'a' })],
  ])('allows a %s to reach itself under deny-all: a pod cannot block access to itself', (_, object) => {
    const reach = Reachability.fromObjects([object, denyAll('ns1')]);
    expect(reach.isAllowed('ns1/a', 'ns1/a', Port.tcp(80))).toBe(true);
    expect(reach.explain('ns1/a', 'ns1/a', Port.tcp(80))).toMatch(/cannot block access to itself/);
  });

  test('explains what policies would say between two replicas of a workload of one replica', () => {
    const reach = Reachability.fromObjects([deployment('ns1/a', { app: 'a' }), denyAll('ns1')]);
    expect(reach.explain('ns1/a', 'ns1/a', Port.tcp(80))).toMatch(/if Deployment ns1\/a ran more than one replica \(it declares 1\), between two of them policies would DENY it/);
  });

  test.each([
    ['StatefulSet', { apiVersion: 'apps/v1', kind: 'StatefulSet', spec: { template: { metadata: { labels: { x: '1' } } } } }],
    ['DaemonSet', { apiVersion: 'apps/v1', kind: 'DaemonSet', spec: { template: { metadata: { labels: { x: '1' } } } } }],
    ['ReplicaSet', { apiVersion: 'apps/v1', kind: 'ReplicaSet', spec: { template: { metadata: { labels: { x: '1' } } } } }],
    ['Job', { apiVersion: 'batch/v1', kind: 'Job', spec: { template: { metadata: { labels: { x: '1' } } } } }],
    ['CronJob', { apiVersion: 'batch/v1', kind: 'CronJob', spec: { jobTemplate: { spec: { template: { metadata: { labels: { x: '1' } } } } } } }],
  ])('reads the pod template labels of a %s', (_, raw) => {
    const reach = Reachability.fromObjects([
      { ...raw, metadata: { name: 'w', namespace: 'ns1' } },
      pod('ns1/b', {}),
      policy('ns1/p', { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { x: '1' } } }] }] }),
    ]);
    reach.allows('ns1/w', 'ns1/b', Port.tcp(80));
    reach.denies('ns1/b', 'ns1/w', Port.tcp(80));
  });

  test('ignores kinds that NetworkPolicy semantics do not depend on', () => {
    const reach = Reachability.fromObjects([{ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } }, pod('ns1/a')]);
    expect(reach.endpoints()).toEqual(['ns1/a']);
  });

  test('unwraps List objects', () => {
    const reach = Reachability.fromObjects([{ apiVersion: 'v1', kind: 'List', items: [pod('ns1/a'), pod('ns1/b')] }]);
    expect(reach.endpoints()).toEqual(['ns1/a', 'ns1/b']);
  });

  test('puts objects without a namespace in default', () => {
    const reach = Reachability.fromObjects([{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'lonely' } }]);
    expect(reach.endpoints()).toEqual(['default/lonely']);
  });

  test('keeps kubernetes.io/metadata.name on declared namespaces', () => {
    const reach = Reachability.fromObjects([
      namespace('ns2', { env: 'prod' }), c, b,
      ingressTo(onlyB, [{ from: [{ namespaceSelector: { matchLabels: { 'env': 'prod', 'kubernetes.io/metadata.name': 'ns2' } } }] }]),
    ]);
    reach.allows('ns2/c', 'ns1/b', Port.tcp(80));
  });
});
