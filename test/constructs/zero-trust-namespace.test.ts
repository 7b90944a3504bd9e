import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Peer, PodSecurityLevel, PodSelection, Port, Reachability, Tier, TierAccess, ZeroTrustNamespace } from '../../src';
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
      dns: [Peer.pods({ namespaceName: 'dns', pods: PodSelection.labels({ app: 'unbound' }) })],
      dnsPorts: [Port.DNS_UDP],
    });
    new ZeroTrustNamespace(chart, 'local', { name: 'two', dns: [Peer.cidr('169.254.20.10/32')] });
    new ZeroTrustNamespace(chart, 'none', { name: 'three', dns: [] });
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
    reach.allows('two/p2', '169.254.20.10', Port.DNS_TCP);
    expect(policy(chart, 'three-default-deny').spec.egress).toBeUndefined();
    expect(policy(chart, 'three-default-deny').spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy(chart, 'three-default-deny').metadata.annotations['cdk8s-netpol.dev/intent']).toMatch(/DNS disabled/);
    expect(schemaProblems(synth(chart))).toEqual([]);
  });

  test('Prometheus scrapes every pod of the namespace on the named port "metrics", and nothing else', () => {
    const chart = newChart({ namespace: 'shop' });
    const ns = new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
    new TierAccess(chart, 'scrape', { flows: [{ source: Peer.prometheus(), destination: ns, ports: [Port.named('metrics')] }] });
    addPod(chart, 'shop', 'web', { app: 'web' }, { ports: [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9090 }] });
    addPod(chart, 'shop', 'api', { app: 'api' }, { ports: [{ name: 'metrics', containerPort: 9100 }] });
    addPod(chart, 'shop', 'db', { app: 'db' }, { ports: [{ name: 'postgres', containerPort: 5432 }] });
    addPod(chart, 'other', 'lookalike', { 'app.kubernetes.io/name': 'prometheus' });
    const prom = Peer.prometheus();
    const pods = (app: string) => Peer.pods({ namespaceName: 'shop', pods: PodSelection.labels({ app }) });
    const reach = Reachability.of(chart);
    reach.allowsFlow(prom, pods('web'), Port.tcp(9090));
    reach.allowsFlow(prom, pods('api'), Port.tcp(9100));
    reach.allowsFlow(prom, pods('web'), Port.named('metrics'));
    reach.deniesFlow(prom, pods('web'), Port.tcp(8080));
    reach.deniesFlow(prom, pods('api'), Port.tcp(9090));
    reach.deniesFlow(prom, pods('db'), Port.tcp(5432));
    reach.deniesFlow(prom, pods('db'), Port.tcp(9090));
    reach.denies('other/lookalike', 'shop/web', Port.tcp(9090));
    reach.denies('shop/api', 'shop/web', Port.tcp(9090));
    // Prometheus is not owned: only the namespace side is written, and Prometheus keeps its egress.
    reach.allowsFlow(prom, Peer.cidr('198.51.100.0/24'), Port.tcp(443));
    const all = policy(chart, 'shop-all-pods');
    expect(all.spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }],
        ports: [{ port: 'metrics', protocol: 'TCP' }],
      }],
    });
    expect(ofKind(chart, 'NetworkPolicy').map((o) => o.metadata.namespace)).toEqual(['shop', 'shop']);
    expect(schemaProblems(synth(chart))).toEqual([]);
  });

  test('isolates its namespace for tiers declared in another chart of the app', () => {
    const app = Testing.app();
    const platform = new Chart(app, 'platform');
    const team = new Chart(app, 'team', { namespace: 'shop' });
    new ZeroTrustNamespace(platform, 'ns', { name: 'shop' });
    const web = new Tier(team, 'web', { pods: PodSelection.labels({ app: 'web' }) });
    const api = new Tier(team, 'api', { pods: PodSelection.labels({ app: 'api' }) });
    new TierAccess(team, 'flows', { flows: [{ source: web, destination: api, ports: [Port.tcp(8080)] }] });
    addPod(team, 'shop', 'web', { app: 'web' });
    addPod(team, 'shop', 'api', { app: 'api' });
    expect(ofKind(team, 'NetworkPolicy').map((o) => o.metadata.name).sort()).toEqual(['api-flows', 'web-flows']);
    const reach = Reachability.of(app);
    reach.allowsFlow(web, api, Port.tcp(8080));
    reach.deniesFlow(api, web, Port.tcp(8080));
    reach.deniesFlow(web, api, Port.tcp(8081));
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

describe('ZeroTrustNamespace in the construct tree', () => {
  test('owns its objects: a dependency on it puts the Namespace and the default-deny before the dependent workload', () => {
    const chart = newChart();
    const deployment = new kplus.Deployment(chart, 'web', { metadata: { namespace: 'shop' }, containers: [{ image: 'web' }] });
    const ns = new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
    deployment.node.addDependency(ns);
    const kinds = synth(chart).map((o) => `${o.kind}/${o.metadata.name}`);
    expect(kinds.indexOf('Namespace/shop')).toBeLessThan(kinds.indexOf('Deployment/' + deployment.name));
    expect(kinds.indexOf('NetworkPolicy/shop-default-deny')).toBeLessThan(kinds.indexOf('Deployment/' + deployment.name));
    expect(ns.node.children.map((c) => c.node.id)).toEqual(['Namespace', 'DefaultDeny']);
  });
});
