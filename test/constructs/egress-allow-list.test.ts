import { EgressAllowList, PodSelection, Port, Reachability, ZeroTrustNamespace } from '../../src';
import { addKubeDns, addPod, newChart, policy, schemaProblems, synth, toYaml } from '../util/synth';

describe('EgressAllowList', () => {
  test('the selected pods reach only the listed ranges and ports, and DNS keeps working', () => {
    const chart = newChart({ namespace: 'shop' });
    new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
    new EgressAllowList(chart, 'payments-external', {
      pods: PodSelection.labels({ app: 'payments' }),
      destinations: [
        { cidr: '203.0.113.0/24', exceptions: ['203.0.113.128/25'], ports: [Port.tcp(443)] },
        { cidr: '2001:db8::/32', ports: [Port.tcp(443), Port.udp(443)] },
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
      destinations: [],
      kubernetesApi: { cidrs: ['10.0.0.1/32', '10.0.0.2/32'] },
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
      destinations: [{ cidr: '2001:0db8:0000::/48', exceptions: ['2001:db8:0:ff00::/56'], ports: [Port.tcp(1)] }],
    });
    expect(policy(chart, 'v6').spec.egress[0].to).toEqual([{ ipBlock: { cidr: '2001:db8::/48', except: ['2001:db8:0:ff00::/56'] } }]);
  });
});
