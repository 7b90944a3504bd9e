/** Random small clusters for the property tests of the engine and the analyses. */
import * as fc from 'fast-check';
import { OraclePort } from './oracle';
import { Port } from '../../src';
import { cidrContainsCidr, parseCidr } from '../../src/private/cidr';

export const NAMESPACES = ['ns1', 'ns2'];
export const QUERIES: [Port, OraclePort][] = [
  [Port.tcp(80), { protocol: 'TCP', port: 80 }],
  [Port.tcp(8080), { protocol: 'TCP', port: 8080 }],
  [Port.udp(53), { protocol: 'UDP', port: 53 }],
  [Port.named('http'), { protocol: 'TCP', name: 'http' }],
];

export const labelsArb = fc.record({ app: fc.constantFrom('x', 'y'), tier: fc.constantFrom('1', '2') }, { requiredKeys: [] });
export const selectorArb = fc.record({
  matchLabels: labelsArb,
  matchExpressions: fc.array(fc.oneof(
    fc.record({ key: fc.constantFrom('app', 'tier', 'env'), operator: fc.constantFrom('In', 'NotIn'), values: fc.subarray(['x', 'y', '1', 'a'], { minLength: 1 }) }),
    fc.record({ key: fc.constantFrom('app', 'tier', 'env'), operator: fc.constantFrom('Exists', 'DoesNotExist') }),
  ), { maxLength: 2 }),
}, { requiredKeys: [] });
export const peerArb = fc.oneof(
  fc.record({ podSelector: selectorArb }),
  fc.record({ namespaceSelector: selectorArb }),
  fc.record({ podSelector: selectorArb, namespaceSelector: selectorArb }),
  fc.record({ ipBlock: fc.constantFrom({ cidr: '10.0.0.0/30' }, { cidr: '10.0.0.0/30', except: ['10.0.0.2/31'] }, { cidr: '10.0.0.1/32' }) }),
);
export const portEntryArb = fc.oneof(
  fc.record({ port: fc.constantFrom(80, 8080, 53) as fc.Arbitrary<any>, protocol: fc.constantFrom('TCP', 'UDP') }, { requiredKeys: ['port'] }),
  fc.record({ port: fc.constant('http') }),
  fc.record({ port: fc.constant(70), endPort: fc.constantFrom(80, 8079, 9000) }),
  fc.record({ protocol: fc.constantFrom('TCP', 'UDP') }),
);
export const ruleArb = (peerKey: 'from' | 'to') => fc.record({ [peerKey]: fc.array(peerArb, { maxLength: 2 }), ports: fc.array(portEntryArb, { maxLength: 2 }) }, { requiredKeys: [] });
export const policyArb = fc.record({
  ns: fc.constantFrom(...NAMESPACES),
  podSelector: selectorArb,
  policyTypes: fc.option(fc.subarray(['Ingress', 'Egress'], { minLength: 1 }), { nil: undefined }),
  ingress: fc.option(fc.array(ruleArb('from'), { maxLength: 2 }), { nil: undefined }),
  egress: fc.option(fc.array(ruleArb('to'), { maxLength: 2 }), { nil: undefined }),
});
export const podArb = fc.record({
  ns: fc.constantFrom(...NAMESPACES),
  labels: labelsArb,
  ip: fc.option(fc.constantFrom('10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.9'), { nil: undefined }),
  httpPort: fc.option(fc.constantFrom(80, 8080), { nil: undefined }),
});
export const clusterArb = fc.record({
  envLabel: fc.option(fc.constantFrom('a', 'b'), { nil: undefined }),
  pods: fc.array(podArb, { minLength: 1, maxLength: 5 }),
  policies: fc.array(policyArb, { maxLength: 4 }),
}).map(({ envLabel, pods, policies }) => [
  ...(envLabel ? [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns2', labels: { env: envLabel } } }] : []),
  ...pods.map((p, i) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `p${i}`, namespace: p.ns, labels: p.labels },
    spec: { containers: [{ name: 'c', ports: [...(p.httpPort ? [{ name: 'http', containerPort: p.httpPort }] : []), { name: 'dns', containerPort: 53, protocol: 'UDP' }] }] },
    ...(p.ip ? { status: { podIP: p.ip } } : {}),
  })),
  ...policies.map((p, i) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: `np${i}`, namespace: p.ns },
    spec: { podSelector: p.podSelector, policyTypes: p.policyTypes, ingress: p.ingress, egress: p.egress },
  })),
]);


/**
 * Random small clusters where some pods become workloads of one to three replicas (or DaemonSets, one pod per node)
 * and some use the host network: for the laws on replica-to-replica verdicts and undecidable flows.
 */
const shapesArb = fc.array(fc.record({
  kind: fc.constantFrom('Pod', 'Deployment', 'StatefulSet', 'DaemonSet'),
  replicas: fc.constantFrom(1, 2, 3),
  hostNetwork: fc.constantFrom(false, false, false, true),
}), { minLength: 5, maxLength: 5 });

/** Pods of a random cluster made workloads of the given shapes (other objects unchanged). */
function asWorkloads(objects: any[], shapes: { kind: string; replicas: number; hostNetwork: boolean }[]): any[] {
  let k = 0;
  return objects.map((o: any) => {
    if (o.kind !== 'Pod') return o;
    const shape = shapes[k++];
    const spec = { ...o.spec, ...(shape.hostNetwork ? { hostNetwork: true } : {}) };
    if (shape.kind === 'Pod') return { ...o, spec };
    return {
      apiVersion: 'apps/v1',
      kind: shape.kind,
      metadata: { name: o.metadata.name, namespace: o.metadata.namespace },
      spec: {
        ...(shape.kind === 'DaemonSet' ? {} : { replicas: shape.replicas }),
        selector: { matchLabels: o.metadata.labels },
        template: { metadata: { labels: o.metadata.labels }, spec },
      },
    };
  });
}

export const workloadClusterArb = fc.tuple(clusterArb, shapesArb).map(([objects, shapes]) => asWorkloads(objects, shapes));

/** Random ClusterNetworkPolicies over the same namespaces, labels, addresses and ports. */
const nsSelectorArb = fc.constantFrom({}, { matchLabels: { 'kubernetes.io/metadata.name': 'ns1' } }, { matchLabels: { env: 'a' } },
  { matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] });
const cnpPodsArb = fc.record({ namespaceSelector: nsSelectorArb, podSelector: selectorArb }, { requiredKeys: ['podSelector'] });
const cnpPeerArb = (egress: boolean) => fc.oneof(
  fc.record({ namespaces: nsSelectorArb }),
  fc.record({ pods: cnpPodsArb }),
  ...(egress ? [fc.record({ networks: fc.constantFrom(['10.0.0.0/30'], ['10.0.0.1/32', '10.0.0.9/32'], ['0.0.0.0/0']) })] : []),
);
const cnpProtocolArb = fc.oneof(
  fc.record({
    tcp: fc.record({
      destinationPort: fc.oneof(fc.record({ number: fc.constantFrom(80, 8080) }), fc.record({ range: fc.constant({ start: 70, end: 8079 }) })),
    }),
  }),
  fc.record({ udp: fc.constant({ destinationPort: { number: 53 } }) }),
  fc.record({ destinationNamedPort: fc.constantFrom('http', 'dns') }),
);
const cnpRuleArb = (egress: boolean) => fc.record({
  action: fc.constantFrom('Accept', 'Deny', 'Pass'),
  peers: fc.array(cnpPeerArb(egress), { minLength: 1, maxLength: 2 }),
  protocols: fc.option(fc.array(cnpProtocolArb, { minLength: 1, maxLength: 2 }), { nil: undefined }),
}).map(({ action, peers, protocols }) => {
  // The CRD refuses a named port next to a networks peer.
  const named = protocols?.some((p: any) => p.destinationNamedPort !== undefined) && peers.some((p: any) => p.networks);
  const ok = named ? protocols!.filter((p: any) => p.destinationNamedPort === undefined) : protocols;
  return { action, [egress ? 'to' : 'from']: peers, ...(ok && ok.length ? { protocols: ok } : {}) };
});
export const clusterPolicyArb = fc.record({
  tier: fc.constantFrom('Admin', 'Baseline'),
  priority: fc.constantFrom(1, 2, 3),
  subject: fc.oneof(fc.record({ namespaces: nsSelectorArb }), fc.record({ pods: cnpPodsArb })),
  ingress: fc.array(cnpRuleArb(false), { maxLength: 2 }),
  egress: fc.array(cnpRuleArb(true), { maxLength: 2 }),
});
export const tieredClusterArb = fc.record({
  objects: clusterArb,
  clusterPolicies: fc.array(clusterPolicyArb, { minLength: 1, maxLength: 3 }),
}).map(({ objects, clusterPolicies }) => [
  ...objects,
  ...clusterPolicies.map((spec, i) => ({ apiVersion: 'policy.networking.k8s.io/v1alpha2', kind: 'ClusterNetworkPolicy', metadata: { name: `cnp${i}` }, spec })),
]);

/** Cluster policies together with workloads of several replicas and host-network pods. */
export const tieredWorkloadClusterArb = fc.tuple(tieredClusterArb, shapesArb).map(([objects, shapes]) => asWorkloads(objects, shapes));

/**
 * Random small clusters for the laws on the outside world: ipBlocks of both families with excepts (nested, split,
 * covering), dual-stack pods, and peers next to them. The CIDRs are picked from one list so that blocks nest, cut
 * one another and cover one another exactly (`10.0.0.0/8` is `10.0.0.0/9` and `10.128.0.0/9`).
 */
export const ADDRESS_CIDRS = [
  '0.0.0.0/0', '10.0.0.0/8', '10.0.0.0/9', '10.128.0.0/9', '10.128.0.0/24', '10.128.0.0/25', '10.128.0.128/25', '10.128.0.10/32',
  '192.168.0.0/16', '::/0', 'fd00::/8', 'fd00::/9', 'fd80::/9', 'fd00::/64', '2001:db8::/32',
];
const strictlyInside = (outer: string, inner: string) => {
  const [o, i] = [parseCidr(outer)!, parseCidr(inner)!];
  return cidrContainsCidr(o, i) && i.prefix > o.prefix;
};
export const ipBlockArb = fc.constantFrom(...ADDRESS_CIDRS).chain((cidr) => {
  const inside = ADDRESS_CIDRS.filter((c) => strictlyInside(cidr, c));
  return (inside.length === 0 ? fc.constant([] as string[]) : fc.subarray(inside, { maxLength: Math.min(3, inside.length) }))
    .map((except) => (except.length === 0 ? { cidr } : { cidr, except }));
});
const addressPeerArb = fc.oneof(
  { weight: 3, arbitrary: fc.record({ ipBlock: ipBlockArb }) },
  { weight: 1, arbitrary: fc.record({ podSelector: fc.record({ matchLabels: fc.record({ app: fc.constantFrom('x', 'y') }) }) }) },
  { weight: 1, arbitrary: fc.constant({ namespaceSelector: {} }) },
);
const addressPortsArb = fc.array(fc.oneof(
  fc.record({ port: fc.constantFrom(80, 53) as fc.Arbitrary<any>, protocol: fc.constantFrom('TCP', 'UDP') }),
  fc.record({ port: fc.constant(70), endPort: fc.constant(80) }),
  fc.record({ port: fc.constant('http') }),
), { maxLength: 2 });
const addressRuleArb = (peerKey: 'from' | 'to') => fc.record({ [peerKey]: fc.array(addressPeerArb, { minLength: 1, maxLength: 3 }), ports: addressPortsArb }, { requiredKeys: [peerKey] });
export const addressPolicyArb = fc.record({
  ns: fc.constantFrom(...NAMESPACES),
  podSelector: fc.oneof(fc.constant({}), fc.record({ matchLabels: fc.record({ app: fc.constantFrom('x', 'y') }) })),
  policyTypes: fc.subarray(['Ingress', 'Egress'], { minLength: 1 }),
  ingress: fc.array(addressRuleArb('from'), { maxLength: 2 }),
  egress: fc.array(addressRuleArb('to'), { maxLength: 2 }),
});
export const addressPodArb = fc.record({
  ns: fc.constantFrom(...NAMESPACES),
  app: fc.constantFrom('x', 'y'),
  ips: fc.constantFrom([], ['10.0.0.5'], ['10.128.0.10'], ['10.0.0.5', 'fd00::5'], ['fd80::1']),
});
export function addressPodObject(p: { ns: string; app: string; ips: string[] }, i: number): any {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `p${i}`, namespace: p.ns, labels: { app: p.app } },
    spec: { containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 80 }] }] },
    ...(p.ips.length > 0 ? { status: { podIP: p.ips[0], podIPs: p.ips.map((ip) => ({ ip })) } } : {}),
  };
}
export function addressPolicyObject(p: { ns: string; podSelector: any; policyTypes: string[]; ingress: any[]; egress: any[] }, i: number): any {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: `np${i}`, namespace: p.ns },
    spec: {
      podSelector: p.podSelector,
      policyTypes: p.policyTypes,
      ...(p.policyTypes.includes('Ingress') ? { ingress: p.ingress } : {}),
      ...(p.policyTypes.includes('Egress') ? { egress: p.egress } : {}),
    },
  };
}
export const addressClusterArb = fc.record({
  pods: fc.array(addressPodArb, { minLength: 1, maxLength: 3 }),
  policies: fc.array(addressPolicyArb, { maxLength: 3 }),
});
