import { ApiObject, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  ClusterGuardrails,
  GuardrailRendering,
  Isolation,
  Peer,
  PodSelection,
  Port,
  Reachability,
  Tier,
  TierAccess,
  ZeroTrustNamespace,
} from '../../src';
import { parseClusterPolicy } from '../../src/semantics/cluster-policy';
import { addKubeDns, addPod, errorOf, newChart, ofKind, synth } from '../util/synth';

const dev = Peer.namespaces({ labels: { env: 'dev' } });
const prod = Peer.namespaces({ labels: { env: 'prod' } });

/** Every problem the engine's CRD validation reports for the chart's ClusterNetworkPolicies. */
function crdProblems(chart: Chart): string[] {
  const problems: string[] = [];
  for (const p of ofKind(chart, 'ClusterNetworkPolicy')) {
    parseClusterPolicy(p, p.metadata.name, 'test', (path, message) => problems.push(`${p.metadata.name} ${path}: ${message}`), () => undefined);
  }
  return problems;
}

function cnp(chart: Chart, name: string): any {
  const found = ofKind(chart, 'ClusterNetworkPolicy').find((o) => o.metadata.name === name);
  if (!found) throw new Error(`no ClusterNetworkPolicy ${name}: ${ofKind(chart, 'ClusterNetworkPolicy').map((o) => o.metadata.name).join(', ')}`);
  return found;
}

/** Namespaces by labels, and a pod in each, for the engine. */
function cluster(chart: Chart): void {
  for (const [name, env] of [['dev', 'dev'], ['prod', 'prod'], ['team-x', 'staging']]) {
    new ApiObject(chart, `ns-${name}`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { env } } });
    addPod(chart, name, 'app', { app: 'app' }, { ports: [{ name: 'metrics', containerPort: 9090 }] });
  }
  addKubeDns(chart);
  addPod(chart, 'monitoring', 'prometheus', { 'app.kubernetes.io/name': 'prometheus' });
}

describe('ClusterGuardrails as ClusterNetworkPolicy', () => {
  test('defaults: a Baseline default-deny with DNS for every namespace but the platform\'s, and the cloud metadata deny', () => {
    const chart = newChart();
    new ClusterGuardrails(chart, 'guardrails');
    const baseline = cnp(chart, 'guardrails-baseline');
    expect(baseline.spec.tier).toBe('Baseline');
    expect(baseline.spec.priority).toBe(1000);
    expect(baseline.spec.subject).toEqual({
      namespaces: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ClusterGuardrails.PLATFORM_NAMESPACES }] },
    });
    expect(baseline.spec.ingress).toEqual([{ name: 'deny-everything-else', action: 'Deny', from: [{ namespaces: {} }] }]);
    expect(baseline.spec.egress[0].action).toBe('Accept');
    expect(baseline.spec.egress[0].protocols).toEqual([{ tcp: { destinationPort: { number: 53 } } }, { udp: { destinationPort: { number: 53 } } }]);
    expect(baseline.spec.egress[1]).toEqual({ name: 'deny-everything-else', action: 'Deny', to: [{ namespaces: {} }, { networks: ['0.0.0.0/0', '::/0'] }] });
    const metadata = cnp(chart, 'guardrails-cloud-metadata');
    expect(metadata.spec).toMatchObject({ tier: 'Admin', priority: 100, egress: [{ action: 'Deny', to: [{ networks: ['169.254.169.254/32', 'fd00:ec2::254/128'] }] }] });
    expect(crdProblems(chart)).toEqual([]);
  });

  test('opting out: no default-deny, no metadata deny, own exempt list, own priorities', () => {
    const chart = newChart();
    const g = new ClusterGuardrails(chart, 'g', { name: 'fence', defaultDeny: false, denyCloudMetadata: false, priority: 7, exemptNamespaces: ['kube-system', 'kube-system'] });
    g.denyBetween(dev, prod);
    expect(ofKind(chart, 'ClusterNetworkPolicy').map((p) => [p.metadata.name, p.spec.priority])).toEqual([['fence-deny-namespaces-env-prod', 7]]);
    const chart2 = newChart();
    new ClusterGuardrails(chart2, 'g', { exemptNamespaces: ['kube-system', 'kube-system'], denyCloudMetadata: false, dns: [] });
    const baseline = cnp(chart2, 'g-baseline');
    expect(baseline.spec.subject.namespaces.matchExpressions[0].values).toEqual(['kube-system']);
    expect(baseline.spec.egress).toEqual([{ name: 'deny-everything-else', action: 'Deny', to: [{ namespaces: {} }, { networks: ['0.0.0.0/0', '::/0'] }] }]);
  });

  test('an Admin Deny wins over a NetworkPolicy that allows the flow; pods the app does not own are default-denied', () => {
    const chart = newChart();
    cluster(chart);
    // prod's own policy lets everything in: the Admin Deny still holds for dev.
    new ApiObject(chart, 'open-prod', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'open', namespace: 'prod' },
      spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] },
    });
    const g = new ClusterGuardrails(chart, 'guardrails');
    g.denyBetween(dev, prod);
    g.alwaysAllow(Peer.prometheus(), Peer.allNamespaces(), { ports: [Port.named('metrics')] });
    const reach = Reachability.of(chart);
    reach.denies('dev/app', 'prod/app', Port.tcp(9090));
    // From an exempt namespace, prod's own policy decides: it lets everything in.
    reach.allows('kube-system/coredns', 'prod/app', Port.tcp(9090));
    // No policy of team-x: the Baseline default-deny applies (DNS excepted), and Prometheus still scrapes it.
    reach.denies('dev/app', 'team-x/app', Port.tcp(9090));
    reach.denies('team-x/app', '203.0.113.9', Port.tcp(443));
    reach.denies('team-x/app', '169.254.169.254', Port.tcp(80));
    reach.allows('team-x/app', 'kube-system/coredns', Port.udp(53));
    reach.allows('monitoring/prometheus', 'team-x/app', Port.named('metrics'));
    reach.denies('monitoring/prometheus', 'team-x/app', Port.tcp(8080));
    expect(reach.explain('dev/app', 'prod/app', Port.tcp(9090))).toMatch(/guardrails-deny-namespaces-env-prod/);
  });

  test('an always-allow survives a namespace that isolates itself; a deny of the guardrails wins over it', () => {
    const chart = newChart();
    cluster(chart);
    new ZeroTrustNamespace(chart, 'prod-zt', { name: 'prod', createNamespace: false });
    const g = new ClusterGuardrails(chart, 'guardrails');
    g.alwaysAllow(Peer.prometheus(), Peer.allNamespaces(), { ports: [Port.tcp(9090)] });
    g.alwaysAllow(Peer.namespaces({ labels: { env: 'staging' } }), Peer.allNamespaces(), { ports: [Port.tcp(9090)] });
    g.denyBetween(Peer.namespaces({ labels: { env: 'staging' } }), prod, { ports: [Port.tcp(9090)] });
    const reach = Reachability.of(chart);
    reach.allows('monitoring/prometheus', 'prod/app', Port.tcp(9090));
    reach.allows('team-x/app', 'dev/app', Port.tcp(9090));
    reach.denies('team-x/app', 'prod/app', Port.tcp(9090));
    const names = ofKind(chart, 'ClusterNetworkPolicy').map((p) => `${p.spec.priority} ${p.metadata.name}`);
    expect(names.indexOf('101 guardrails-deny-namespaces-env-prod')).toBeGreaterThan(-1);
    expect(names.every((n) => !n.includes('accept') || Number(n.split(' ')[0]) > 101)).toBe(true);
  });

  test('ports: numbers, ranges, every port of a protocol, named ports; addresses become networks', () => {
    const chart = newChart();
    const g = new ClusterGuardrails(chart, 'g', { denyCloudMetadata: false, defaultDeny: false });
    const api = new Tier(chart, 'api', { pods: PodSelection.labels({ app: 'api' }), namespaceName: 'shop' });
    g.denyBetween(api, Peer.cidr('10.0.0.0/8'), { ports: [Port.tcp(25), Port.tcpRange(6000, 6100), Port.allUdp()] });
    g.alwaysAllow(Peer.prometheus(), api, { ports: [Port.named('metrics')] });
    const deny = cnp(chart, 'g-deny-api');
    expect(deny.spec.subject).toEqual({ pods: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: { app: 'api' } } } });
    expect(deny.spec.egress[0].to).toEqual([{ networks: ['10.0.0.0/8'] }]);
    expect(deny.spec.egress[0].protocols).toEqual([
      { tcp: { destinationPort: { number: 25 } } },
      { tcp: { destinationPort: { range: { start: 6000, end: 6100 } } } },
      { udp: { destinationPort: { range: { start: 1, end: 65535 } } } },
    ]);
    expect(cnp(chart, 'g-accept-api').spec.ingress[0].protocols).toEqual([{ destinationNamedPort: 'metrics' }]);
    expect(crdProblems(chart)).toEqual([]);
  });

  test('beyond the CRD\'s per-rule limits, peers and networks are split over several rules, and stay valid', () => {
    const chart = newChart();
    const g = new ClusterGuardrails(chart, 'g');
    const cidrs = Array.from({ length: 30 }, (_, i) => `10.${i}.0.0/16`);
    g.denyBetween(Peer.allNamespaces(), Peer.cidr(cidrs[0]));
    for (const c of cidrs.slice(1)) g.denyBetween(Peer.allNamespaces(), Peer.cidr(c));
    for (let i = 0; i < 30; i++) g.denyBetween(Peer.namespaces({ labels: { team: `t${i}` } }), prod);
    const egress = cnp(chart, 'g-deny-every-namespace').spec.egress;
    expect(egress.flatMap((r: any) => r.to.flatMap((p: any) => p.networks)).length).toBe(30);
    expect(egress.every((r: any) => r.to.length <= 25)).toBe(true);
    const ingress = cnp(chart, 'g-deny-namespaces-env-prod').spec.ingress;
    expect(ingress.map((r: any) => r.from.length)).toEqual([25, 5]);
    expect(crdProblems(chart)).toEqual([]);
  });

  test('the output does not depend on the order of the calls, and is the same on every synthesis', () => {
    const build = (reverse: boolean) => {
      const chart = new Chart(Testing.app(), 'test');
      const g = new ClusterGuardrails(chart, 'g');
      const calls = [
        () => g.denyBetween(dev, prod),
        () => g.denyBetween(Peer.namespaces({ labels: { env: 'staging' } }), prod),
        () => g.alwaysAllow(Peer.prometheus(), Peer.allNamespaces(), { ports: [Port.named('metrics'), Port.tcp(9100)] }),
        () => g.alwaysAllow(Peer.ingressController(), Peer.allNamespaces(), { ports: [Port.tcp(8080)] }),
        () => g.denyBetween(Peer.allNamespaces(), Peer.cidr('192.0.2.0/24')),
        // The same pods as Peer.prometheus(), described differently: one subject, one name either way.
        () => g.denyBetween(Peer.pods({ namespaceName: 'monitoring', pods: PodSelection.labels({ 'app.kubernetes.io/name': 'prometheus' }) }), Peer.cidr('192.0.2.0/24')),
        () => g.denyBetween(Peer.prometheus(), Peer.cidr('198.51.100.0/24')),
      ];
      (reverse ? calls.reverse() : calls).forEach((c) => c());
      return JSON.stringify(synth(chart));
    };
    expect(build(true)).toEqual(build(false));
    expect(build(false)).toEqual(build(false));
  });

  test('a call made after the construct, before synthesis, counts', () => {
    const chart = newChart();
    const g = new ClusterGuardrails(chart, 'g');
    new Tier(chart, 'late', { pods: PodSelection.labels({ app: 'x' }), namespaceName: 'shop' });
    g.denyBetween(dev, prod);
    expect(ofKind(chart, 'ClusterNetworkPolicy').map((p) => p.metadata.name)).toContain('g-deny-namespaces-env-prod');
  });

  test('a workload peer is read at synthesis: a select() after the call counts', () => {
    const chart = newChart({ namespace: 'shop' });
    const deployment = new kplus.Deployment(chart, 'api', { containers: [{ image: 'api', securityContext: { ensureNonRoot: false } }] });
    const g = new ClusterGuardrails(chart, 'g', { defaultDeny: false, denyCloudMetadata: false });
    g.denyBetween(dev, Peer.pods({ namespaceName: 'shop', pods: PodSelection.workload(deployment) }));
    deployment.select(kplus.LabelSelector.of({ labels: { tier: 'api' } }));
    const [policy] = ofKind(chart, 'ClusterNetworkPolicy');
    expect(policy.spec.subject.pods.podSelector.matchLabels).toMatchObject({ tier: 'api' });
  });

  test('in a chart with a namespace, the cluster-scoped objects carry none', () => {
    const chart = newChart({ namespace: 'shop' });
    new ClusterGuardrails(chart, 'g');
    expect(ofKind(chart, 'ClusterNetworkPolicy').every((p) => p.metadata.namespace === undefined)).toBe(true);
  });
});

describe('ClusterGuardrails errors name the construct and the fix', () => {
  test.each<[string, (chart: Chart) => void, RegExp]>([
    ['a bad name', (c) => new ClusterGuardrails(c, 'g', { name: 'Guard_Rails' }), /\[test\/g\] name "Guard_Rails" is not a valid DNS-1123 label/],
    ['a priority out of range', (c) => new ClusterGuardrails(c, 'g', { priority: 1001 }), /\[test\/g\] priority 1001 is not an integer from 0 to 1000/],
    ['a baseline priority that is not an integer', (c) => new ClusterGuardrails(c, 'g', { baselinePriority: 1.5 }), /baselinePriority 1.5 is not an integer/],
    ['a bad exempt namespace', (c) => new ClusterGuardrails(c, 'g', { exemptNamespaces: ['Kube'] }), /exemptNamespaces: "Kube" is not a valid DNS-1123 label/],
    ['namespaceNames without the NetworkPolicy rendering', (c) => new ClusterGuardrails(c, 'g', { namespaceNames: ['a'] }), /namespaceNames only applies to rendering: GuardrailRendering.NETWORK_POLICIES/],
    ['an unknown rendering', (c) => new ClusterGuardrails(c, 'g', { rendering: 'BOTH' as any }), /rendering "BOTH" is not one of CLUSTER_NETWORK_POLICY, NETWORK_POLICIES/],
    ['a DNS peer with exceptions', (c) => new ClusterGuardrails(c, 'g', { dns: [Peer.cidr('10.0.0.0/8', { exceptions: ['10.1.0.0/16'] })] }), /dns #1: 10.0.0.0\/8 has exceptions .* networks have no except/],
    ['a CIDR with exceptions', (c) => new ClusterGuardrails(c, 'g').denyBetween(dev, Peer.cidr('10.0.0.0/8', { exceptions: ['10.1.0.0/16'] })),
      /\[test\/g\] denyBetween #1 \(namespaces env=dev -> 10.0.0.0\/8 except 10.1.0.0\/16\): 10.0.0.0\/8 has exceptions \(10.1.0.0\/16\), but ClusterNetworkPolicy networks have no except: list the ranges/],
    ['addresses as a source', (c) => new ClusterGuardrails(c, 'g').denyBetween(Peer.cidr('192.0.2.0/24'), prod), /ClusterNetworkPolicy ingress peers are only namespaces and pods/],
    ['a named port towards addresses', (c) => new ClusterGuardrails(c, 'g').denyBetween(dev, Peer.anyIpv4(), { ports: [Port.named('http')] }), /a named port never matches addresses .* give the port number/],
    ['an always-allow without ports', (c) => new ClusterGuardrails(c, 'g').alwaysAllow(Peer.prometheus(), Peer.allNamespaces()), /\[test\/g\] alwaysAllow #1 .*: an Admin Accept needs ports/],
    ['empty ports', (c) => new ClusterGuardrails(c, 'g').denyBetween(dev, prod, { ports: [] }), /denyBetween #1: ports is empty: leave it out for every port/],
    ['a non-peer', (c) => new ClusterGuardrails(c, 'g').denyBetween('dev' as any, prod), /denyBetween #1 source "dev" is not a peer/],
    ['a bad port', (c) => new ClusterGuardrails(c, 'g').denyBetween(dev, prod, { ports: [Port.tcp(70000)] }), /denyBetween #1 port TCP\/70000/],
    ['priorities past 1000', (c) => {
      const g = new ClusterGuardrails(c, 'g', { priority: 999 });
      g.denyBetween(dev, prod);
      g.denyBetween(prod, dev);
    }, /\[test\/g\] the 3 Admin policies take priorities 999 to 1001, beyond the CRD's 1000: set priority to at most 998/],
    ['more than 25 rules on one subject', (c) => {
      const g = new ClusterGuardrails(c, 'g');
      for (let i = 1; i <= 26; i++) g.denyBetween(Peer.namespaces({ labels: { team: `t${i}` } }), prod, { ports: [Port.tcp(i)] });
    }, /\[test\/g\] policy g-deny-namespaces-env-prod would have 26 ingress rules, and the CRD allows 25: give the flows on this subject fewer distinct port lists .* or split them over two ClusterGuardrails/],
    ['two guardrails of one name', (c) => {
      new ClusterGuardrails(c, 'a', { name: 'guardrails', priority: 10 });
      new ClusterGuardrails(c, 'b', { name: 'guardrails', priority: 20, baselinePriority: 999 });
    }, /\[test\/b\] .*ClusterNetworkPolicy guardrails-cloud-metadata is also written by test\/a: applied, one would replace the other/],
    ['a ClusterNetworkPolicy of another construct with the same name', (c) => {
      new ApiObject(c, 'mine', { apiVersion: 'policy.networking.k8s.io/v1alpha2', kind: 'ClusterNetworkPolicy', metadata: { name: 'g-baseline' } });
      new ClusterGuardrails(c, 'g');
    }, /ClusterNetworkPolicy g-baseline is also written by test\/mine/],
    ['overlapping priorities', (c) => {
      new ClusterGuardrails(c, 'a').denyBetween(dev, prod);
      new ClusterGuardrails(c, 'b', { priority: 101, defaultDeny: false });
    }, /\[test\/b\] Admin priority 101 of b-cloud-metadata is also used by a-deny-namespaces-env-prod \(test\/a\).*Fix: set priority/],
    ['a tier whose flows the default-deny would silently deny', (c) => {
      new ClusterGuardrails(c, 'g');
      const web = new Tier(c, 'web', { pods: PodSelection.labels({ app: 'web' }) });
      new TierAccess(c, 'flows', { flows: [{ source: Peer.ingressController(), destination: web, ports: [Port.tcp(8080)] }] });
    }, /\[test\/g\] the default-deny covers namespace shop, where tier web has the flow .* Fix: declare shop as a ZeroTrustNamespace/],
  ])('%s', (_what, build, message) => {
    expect(errorOf(build)).toMatch(message);
  });

  test('a tier outside a ZeroTrustNamespace is fine when it isolates itself, or its namespace is exempt', () => {
    const chart = newChart({ namespace: 'shop' });
    new ClusterGuardrails(chart, 'g', { exemptNamespaces: ['kube-system', 'legacy'] });
    const web = new Tier(chart, 'web', { pods: PodSelection.labels({ app: 'web' }), isolation: Isolation.INGRESS_AND_EGRESS });
    const old = new Tier(chart, 'old', { pods: PodSelection.labels({ app: 'old' }), namespaceName: 'legacy' });
    new TierAccess(chart, 'flows', { flows: [{ source: Peer.ingressController(), destination: web, ports: [Port.tcp(8080)] }, { source: old, destination: web, ports: [Port.tcp(8080)] }] });
    expect(ofKind(chart, 'NetworkPolicy').map((p) => p.metadata.name)).toEqual(['web-flows']);
  });
});

describe('ClusterGuardrails as NetworkPolicies', () => {
  const fallback = { rendering: GuardrailRendering.NETWORK_POLICIES };

  test('writes the default-deny and the always-allow flows in the namespaces the app knows, and nothing in exempt ones', () => {
    const chart = newChart();
    cluster(chart);
    new ApiObject(chart, 'ns-monitoring', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'monitoring' } });
    new ZeroTrustNamespace(chart, 'prod-zt', { name: 'prod', createNamespace: false });
    const g = new ClusterGuardrails(chart, 'g', { ...fallback, namespaceNames: ['extra'] });
    g.denyBetween(dev, prod);
    g.alwaysAllow(Peer.prometheus(), Peer.allNamespaces(), { ports: [Port.named('metrics')] });
    const policies = ofKind(chart, 'NetworkPolicy').map((p) => `${p.metadata.namespace}/${p.metadata.name}`).sort();
    expect(policies).toEqual([
      'dev/g-always-allow', 'dev/g-default-deny',
      'extra/g-always-allow', 'extra/g-default-deny',
      'prod/g-always-allow', 'prod/prod-default-deny',
      'team-x/g-always-allow', 'team-x/g-default-deny',
    ]);
    expect(ofKind(chart, 'ClusterNetworkPolicy')).toEqual([]);
    const reach = Reachability.of(chart);
    reach.denies('dev/app', 'prod/app', Port.tcp(9090));
    reach.allows('monitoring/prometheus', 'prod/app', Port.named('metrics'));
    reach.denies('team-x/app', '169.254.169.254', Port.tcp(80));
  });

  test.each<[string, (chart: Chart) => void, RegExp]>([
    ['a flow of the app that crosses an Admin Deny', (c) => {
      const prodNs = new ZeroTrustNamespace(c, 'prod', { name: 'prod', labels: { env: 'prod' } });
      new ZeroTrustNamespace(c, 'dev', { name: 'dev', labels: { env: 'dev' } });
      const g = new ClusterGuardrails(c, 'g', fallback);
      g.denyBetween(dev, prod);
      new TierAccess(c, 'flows', { flows: [{ source: Peer.namespaceNamed('dev'), destination: prodNs, ports: [Port.tcp(80)] }] });
    }, /\[test\/g\] in NETWORK_POLICIES rendering the Admin Deny namespaces env=dev -> namespaces env=prod on every port cannot be enforced: the flow namespace dev -> namespace prod on TCP\/80 \(test\/flows\) may allow part of it in namespace prod, and a NetworkPolicy cannot deny what another allows. Fix: narrow or remove that flow, or render with GuardrailRendering.CLUSTER_NETWORK_POLICY/],
    ['egress to the whole internet next to the metadata deny', (c) => {
      new ZeroTrustNamespace(c, 'prod', { name: 'prod' });
      new ClusterGuardrails(c, 'g', fallback);
      const web = new Tier(c, 'web', { pods: PodSelection.labels({ app: 'web' }), namespaceName: 'prod' });
      new TierAccess(c, 'out', { flows: [{ source: web, destination: Peer.anyIpv4(), ports: [Port.tcp(80)] }] });
    }, /the Admin Deny every namespace but .* -> 169.254.169.254\/32, fd00:ec2::254\/128 cannot be enforced: the flow web -> 0.0.0.0\/0 on TCP\/80 .*Fix: exclude the cloud metadata endpoint from that flow's addresses/],
    ['an always-allow that crosses a deny', (c) => {
      new ZeroTrustNamespace(c, 'prod', { name: 'prod', labels: { env: 'prod' } });
      new ZeroTrustNamespace(c, 'dev', { name: 'dev', labels: { env: 'dev' } });
      const g = new ClusterGuardrails(c, 'g', fallback);
      g.denyBetween(dev, prod);
      g.alwaysAllow(Peer.allNamespaces(), Peer.allNamespaces(), { ports: [Port.tcp(9090)] });
    }, /the flow always-allow every namespace -> every namespace on TCP\/9090 may allow part of it in namespace prod/],
    ['a deny into an exempt namespace', (c) => {
      new ApiObject(c, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } });
      new ClusterGuardrails(c, 'g', fallback).denyBetween(dev, Peer.namespaceNamed('kube-system'));
    }, /namespace kube-system is not under a default-deny, and a NetworkPolicy cannot deny by itself. Fix: take kube-system out of exemptNamespaces/],
    ['a deny into every namespace, platform namespaces the app does not define included', (c) => {
      new ZeroTrustNamespace(c, 'prod', { name: 'prod' });
      new ClusterGuardrails(c, 'g', fallback).denyBetween(Peer.prometheus(), Peer.allNamespaces(), { ports: [Port.tcp(8080)] });
    }, /the Admin Deny Prometheus .* -> every namespace on TCP\/8080 cannot be enforced: namespace ingress-nginx is not under a default-deny/],
  ])('refuses what NetworkPolicies cannot express: %s', (_what, build, message) => {
    expect(errorOf(build)).toMatch(message);
  });

  test('the exceptions that keep the metadata endpoint out make the proof pass', () => {
    const chart = newChart();
    new ZeroTrustNamespace(chart, 'prod', { name: 'prod' });
    new ClusterGuardrails(chart, 'g', fallback);
    const web = new Tier(chart, 'web', { pods: PodSelection.labels({ app: 'web' }), namespaceName: 'prod' });
    new TierAccess(chart, 'out', { flows: [{ source: web, destination: Peer.cidr('0.0.0.0/0', { exceptions: ['169.254.0.0/16'] }), ports: [Port.tcp(80)] }] });
    expect(ofKind(chart, 'NetworkPolicy').map((p) => p.metadata.name).sort()).toEqual(['prod-default-deny', 'web-flows']);
  });
});
