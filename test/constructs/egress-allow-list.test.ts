import { EgressAllowList, Peer, PodSelection, Port, Reachability, Tier, TierAccess, ZeroTrustNamespace } from '../../src';
import { addKubeDns, addPod, newChart, ofKind, policy, schemaProblems, synth, toYaml } from '../util/synth';

const payments = () => Peer.pods({ namespaceName: 'shop', pods: PodSelection.labels({ app: 'payments' }) });

describe('EgressAllowList', () => {
  test('the selected pods reach only the listed ranges and ports, and DNS keeps working', () => {
    const chart = newChart({ namespace: 'shop' });
    new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
    new EgressAllowList(chart, 'payments-external', {
      pods: PodSelection.labels({ app: 'payments' }),
      destinations: [
        { peer: Peer.cidr('203.0.113.0/24', { exceptions: ['203.0.113.128/25'] }), ports: [Port.tcp(443)] },
        { peer: Peer.cidr('2001:db8::/32'), ports: [Port.tcp(443), Port.udp(443)] },
      ],
    });
    addPod(chart, 'shop', 'payments', { app: 'payments' });
    addPod(chart, 'shop', 'web', { app: 'web' });
    addKubeDns(chart);
    const reach = Reachability.of(chart);

    reach.allows('shop/payments', '203.0.113.10', Port.tcp(443));
    reach.denies('shop/payments', '203.0.113.200', Port.tcp(443));
    reach.denies('shop/payments', '203.0.113.10', Port.tcp(80));
    reach.denies('shop/payments', '198.51.100.1', Port.tcp(443));
    reach.allows('shop/payments', '2001:db8::1', Port.udp(443));
    reach.denies('shop/payments', '2001:db9::1', Port.tcp(443));
    reach.denies('shop/web', '203.0.113.10', Port.tcp(443));
    reach.allows('shop/payments', 'kube-system/coredns', Port.DNS_UDP);
    reach.allowsFlow(payments(), Peer.kubeDns(), Port.DNS_TCP);
    reach.denies('shop/payments', 'shop/web', Port.tcp(443));

    const spec = policy(chart, 'payments-external').spec;
    expect(spec.policyTypes).toEqual(['Egress']);
    expect(spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: '2001:db8::/32' } }], ports: [{ protocol: 'TCP', port: 443 }, { protocol: 'UDP', port: 443 }] },
      { to: [{ ipBlock: { cidr: '203.0.113.0/24', except: ['203.0.113.128/25'] } }], ports: [{ protocol: 'TCP', port: 443 }] },
    ]);
    expect(schemaProblems(synth(chart))).toEqual([]);
    expect(toYaml(chart)).toMatchSnapshot();
  });

  test('opt-in egress to the Kubernetes API server uses the addresses you give, on 443 by default', () => {
    const chart = newChart({ namespace: 'ops' });
    new ZeroTrustNamespace(chart, 'ns', { name: 'ops' });
    new EgressAllowList(chart, 'operator-egress', {
      pods: PodSelection.labels({ app: 'operator' }),
      destinations: [{ peer: Peer.kubernetesApi(['10.0.0.1/32', '10.0.0.2/32']) }],
    });
    addPod(chart, 'ops', 'operator', { app: 'operator' });
    const reach = Reachability.of(chart);
    reach.allows('ops/operator', '10.0.0.1', Port.tcp(443));
    reach.allows('ops/operator', '10.0.0.2', Port.tcp(443));
    reach.denies('ops/operator', '10.0.0.3', Port.tcp(443));
    reach.denies('ops/operator', '10.0.0.1', Port.tcp(6443));
    expect(policy(chart, 'operator-egress').spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: '10.0.0.1/32' } }, { ipBlock: { cidr: '10.0.0.2/32' } }], ports: [{ protocol: 'TCP', port: 443 }] },
    ]);
  });

  test('an IPv6 range is written canonically', () => {
    const chart = newChart({ namespace: 'shop' });
    new EgressAllowList(chart, 'v6', {
      pods: PodSelection.labels({ app: 'x' }),
      destinations: [{ peer: Peer.cidr('2001:0db8:0000::/48', { exceptions: ['2001:db8:0:ff00::/56'] }), ports: [Port.tcp(1)] }],
    });
    expect(policy(chart, 'v6').spec.egress[0].to).toEqual([{ ipBlock: { cidr: '2001:db8::/48', except: ['2001:db8:0:ff00::/56'] } }]);
  });

  test('outside a ZeroTrustNamespace it isolates egress on purpose and adds DNS itself; ingress stays open', () => {
    const chart = newChart({ namespace: 'shop' });
    new EgressAllowList(chart, 'payments-external', {
      pods: PodSelection.labels({ app: 'payments' }),
      destinations: [{ peer: Peer.cidr('203.0.113.0/24'), ports: [Port.tcp(443)] }],
    });
    addPod(chart, 'shop', 'payments', { app: 'payments' });
    addPod(chart, 'shop', 'web', { app: 'web' });
    addKubeDns(chart);
    const spec = policy(chart, 'payments-external').spec;
    expect(spec.policyTypes).toEqual(['Egress']);
    expect(ofKind(chart, 'NetworkPolicy')).toHaveLength(1);
    const reach = Reachability.of(chart);
    reach.allows('shop/payments', '203.0.113.10', Port.tcp(443));
    reach.denies('shop/payments', '198.51.100.1', Port.tcp(443));
    reach.denies('shop/payments', 'shop/web', Port.tcp(80));
    reach.allowsFlow(payments(), Peer.kubeDns(), Port.DNS_UDP);
    reach.allowsFlow(payments(), Peer.kubeDns(), Port.DNS_TCP);
    reach.deniesFlow(payments(), Peer.kubeDns(), Port.tcp(80));
    // Ingress is not isolated, and other pods keep all their egress.
    reach.allows('shop/web', 'shop/payments', Port.tcp(80));
    reach.allowsFlow(Peer.ingressController(), payments(), Port.tcp(8080));
    reach.allows('shop/web', '198.51.100.1', Port.tcp(443));
  });

  test('on the pods of a Tier, the destinations go into the tier policy: one policy', () => {
    const chart = newChart({ namespace: 'shop' });
    new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
    const web = new Tier(chart, 'web', { pods: PodSelection.labels({ app: 'web' }) });
    const api = new Tier(chart, 'api', { pods: PodSelection.labels({ app: 'api' }) });
    new TierAccess(chart, 'flows', { flows: [{ source: web, destination: api, ports: [Port.tcp(8080)] }] });
    new EgressAllowList(chart, 'api-external', {
      pods: PodSelection.labels({ app: 'api' }),
      destinations: [{ peer: Peer.cidr('198.51.100.0/24'), ports: [Port.tcp(443)] }],
    });
    expect(ofKind(chart, 'NetworkPolicy').map((o) => o.metadata.name).sort()).toEqual(['api-flows', 'shop-default-deny', 'web-flows']);
    const apiPolicy = policy(chart, 'api-flows');
    expect(apiPolicy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(apiPolicy.metadata.annotations['cdk8s-netpol.dev/intent']).toMatch(/^egress allow list api-external, tier api: /);
    const reach = Reachability.of(chart);
    reach.allowsFlow(web, api, Port.tcp(8080));
    reach.allowsFlow(api, Peer.cidr('198.51.100.0/24'), Port.tcp(443));
    reach.deniesFlow(web, Peer.cidr('198.51.100.0/24'), Port.tcp(443));
    reach.deniesFlow(api, Peer.cidr('203.0.113.0/24'), Port.tcp(443));
    reach.allowsFlow(api, Peer.kubeDns(), Port.DNS_UDP);
  });

  test('the allow list is a peer: a tier may reach its pods', () => {
    const chart = newChart({ namespace: 'shop' });
    new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
    const list = new EgressAllowList(chart, 'payments', {
      pods: PodSelection.labels({ app: 'payments' }),
      destinations: [{ peer: Peer.cidr('203.0.113.0/24'), ports: [Port.tcp(443)] }],
    });
    const web = new Tier(chart, 'web', { pods: PodSelection.labels({ app: 'web' }) });
    new TierAccess(chart, 'flows', { flows: [{ source: web, destination: list, ports: [Port.tcp(8443)] }] });
    const reach = Reachability.of(chart);
    reach.allowsFlow(web, list, Port.tcp(8443));
    reach.deniesFlow(web, list, Port.tcp(443));
    reach.deniesFlow(list, web, Port.tcp(8443));
    expect(policy(chart, 'payments').spec.policyTypes).toEqual(['Ingress', 'Egress']);
  });
});
