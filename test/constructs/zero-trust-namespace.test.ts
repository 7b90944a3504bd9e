import { DnsAccess, PodSecurityLevel, PodSelection, Port, Reachability, ZeroTrustNamespace } from '../../src';
import { addKubeDns, addPod, newChart, ofKind, policy, schemaProblems, synth, toYaml } from '../util/synth';

describe('ZeroTrustNamespace', () => {
  test('denies all ingress and egress except DNS to kube-dns', () => {
    const chart = newChart();
    new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
    addPod(chart, 'shop', 'a', { app: 'a' }, { ports: [{ name: 'http', containerPort: 8080 }] });
    addPod(chart, 'shop', 'b', { app: 'b' });
    addPod(chart, 'other', 'outside', { app: 'x' });
    addKubeDns(chart);
    const reach = Reachability.of(chart);

    reach.allows('shop/a', 'kube-system/coredns', Port.DNS_UDP);
    reach.allows('shop/a', 'kube-system/coredns', Port.DNS_TCP);
    reach.denies('shop/a', 'kube-system/coredns', Port.tcp(80));
    reach.denies('shop/a', 'shop/b', Port.tcp(80));
    reach.denies('shop/a', 'other/outside', Port.tcp(443));
    reach.denies('other/outside', 'shop/a', Port.tcp(8080));
    reach.denies('shop/a', '8.8.8.8', Port.DNS_UDP);
    reach.denies('8.8.8.8', 'shop/a', Port.tcp(8080));
    expect(reach.matrix(Port.DNS_UDP)).toMatchSnapshot();
  });

  test('emits the Namespace and one policy, valid against the Kubernetes schema', () => {
    const chart = newChart({ namespace: 'shop' });
    new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
    const objects = synth(chart);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Namespace/shop', 'NetworkPolicy/shop-default-deny']);
    expect(objects[0].metadata.namespace).toBeUndefined();
    expect(schemaProblems(objects)).toEqual([]);
    const deny = policy(chart, 'shop-default-deny');
    expect(deny.spec.podSelector).toEqual({});
    expect(deny.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(deny.spec.ingress).toBeUndefined();
    expect(deny.metadata.annotations['cdk8s-netpol.dev/intent']).toMatch(/default deny/);
    expect(toYaml(chart)).toMatchSnapshot();
  });

  test('adopts an existing namespace: policies only', () => {
    const chart = newChart();
    new ZeroTrustNamespace(chart, 'ns', { name: 'legacy', createNamespace: false });
    expect(ofKind(chart, 'Namespace')).toEqual([]);
    expect(policy(chart, 'legacy-default-deny').metadata.namespace).toBe('legacy');
  });

  test('allowSameNamespace lets pods of the namespace reach each other, and nothing else', () => {
    const chart = newChart();
    new ZeroTrustNamespace(chart, 'ns', { name: 'shop', allowSameNamespace: true });
    addPod(chart, 'shop', 'a', { app: 'a' });
    addPod(chart, 'shop', 'b', { app: 'b' });
    addPod(chart, 'other', 'c', { app: 'c' });
    const reach = Reachability.of(chart);
    reach.allows('shop/a', 'shop/b', Port.tcp(80));
    reach.allows('shop/b', 'shop/a', Port.udp(9000));
    reach.denies('shop/a', 'other/c', Port.tcp(80));
    reach.denies('other/c', 'shop/a', Port.tcp(80));
    expect(schemaProblems(synth(chart))).toEqual([]);
  });

  test('DNS can point at pods of your choice or at a node-local cache, or be turned off explicitly', () => {
    const chart = newChart();
    new ZeroTrustNamespace(chart, 'custom', {
      name: 'one',
      dns: DnsAccess.pods({ namespaceName: 'dns', pods: PodSelection.labels({ app: 'unbound' }), ports: [Port.DNS_UDP] }),
    });
    new ZeroTrustNamespace(chart, 'local', { name: 'two', dns: DnsAccess.cidrs(['169.254.20.10/32']) });
    new ZeroTrustNamespace(chart, 'none', { name: 'three', dns: DnsAccess.disabled() });
    addPod(chart, 'one', 'p1', { app: 'p' });
    addPod(chart, 'two', 'p2', { app: 'p' });
    addPod(chart, 'three', 'p3', { app: 'p' });
    addPod(chart, 'dns', 'unbound', { app: 'unbound' });
    addKubeDns(chart);
    const reach = Reachability.of(chart);
    reach.allows('one/p1', 'dns/unbound', Port.DNS_UDP);
    reach.denies('one/p1', 'dns/unbound', Port.DNS_TCP);
    reach.denies('one/p1', 'kube-system/coredns', Port.DNS_UDP);
    reach.allows('two/p2', '169.254.20.10', Port.DNS_UDP);
    reach.denies('two/p2', 'kube-system/coredns', Port.DNS_UDP);
    reach.denies('three/p3', 'kube-system/coredns', Port.DNS_UDP);
    reach.denies('three/p3', '169.254.20.10', Port.DNS_UDP);
    expect(policy(chart, 'three-default-deny').spec.egress).toBeUndefined();
    expect(schemaProblems(synth(chart))).toEqual([]);
  });

  test('sets Pod Security Standards labels', () => {
    const chart = newChart();
    new ZeroTrustNamespace(chart, 'ns', {
      name: 'shop',
      labels: { team: 'payments' },
      podSecurity: { enforce: PodSecurityLevel.RESTRICTED, warn: PodSecurityLevel.RESTRICTED, version: 'v1.28' },
    });
    expect(ofKind(chart, 'Namespace')[0].metadata.labels).toEqual({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'v1.28',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/warn-version': 'v1.28',
      'team': 'payments',
    });
  });
});
