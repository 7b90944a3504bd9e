import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { EgressAllowList, LabelExpression, Peer, PodSelection, Port, Protocol, Reachability, Tier, TierAccess, ZeroTrustNamespace } from '../../src';
import { addKubeDns, addPod, newChart, ofKind, policy, schemaProblems, synth, toYaml } from '../util/synth';

const labels = (app: string) => PodSelection.labels({ app });
const tier = (chart: Chart, name: string, namespaceName?: string) => new Tier(chart, name, { pods: labels(name), namespaceName });

describe('TierAccess', () => {
  test('allows exactly the declared flows under default-deny, on both sides', () => {
    const chart = newChart({ namespace: 'shop' });
    new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
    const frontend = tier(chart, 'frontend');
    const backend = tier(chart, 'backend');
    const database = tier(chart, 'database');
    new TierAccess(chart, 'tiers', {
      flows: [
        { source: frontend, destination: backend, ports: [Port.tcp(80)] },
        { source: backend, destination: database, ports: [Port.tcp(5432)] },
      ],
    });
    for (const app of ['frontend', 'backend', 'database']) addPod(chart, 'shop', app, { app });
    addKubeDns(chart);
    const reach = Reachability.of(chart);

    reach.allows('shop/frontend', 'shop/backend', Port.tcp(80));
    reach.allowsFlow(frontend, backend, Port.tcp(80));
    reach.allowsFlow(backend, database, Port.tcp(5432));
    reach.denies('shop/frontend', 'shop/backend', Port.tcp(81));
    reach.denies('shop/frontend', 'shop/backend', Port.udp(80));
    reach.deniesFlow(frontend, database, Port.tcp(5432));
    reach.deniesFlow(backend, frontend, Port.tcp(80));
    reach.deniesFlow(database, backend, Port.tcp(5432));
    reach.allows('shop/database', 'kube-system/coredns', Port.DNS_UDP);
    reach.allowsFlow(database, Peer.kubeDns(), Port.DNS_TCP);
    expect(reach.matrix(Port.tcp(80))).toMatchSnapshot();
    expect(reach.matrix(Port.tcp(5432))).toMatchSnapshot();
    expect(schemaProblems(synth(chart))).toEqual([]);
    expect(toYaml(chart)).toMatchSnapshot();
  });

  test('emits one policy per tier with flows, listing only the directions it has flows in', () => {
    const chart = newChart({ namespace: 'shop' });
    new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
    const web = tier(chart, 'web');
    const api = tier(chart, 'api');
    tier(chart, 'idle');
    new TierAccess(chart, 'tiers', {
      flows: [
        { source: web, destination: api, ports: [Port.tcp(80)] },
        { source: web, destination: api, ports: [Port.tcp(443), Port.tcp(80)] },
      ],
    });
    const names = ofKind(chart, 'NetworkPolicy').map((o) => o.metadata.name).sort();
    expect(names).toEqual(['api-flows', 'shop-default-deny', 'web-flows']);
    expect(policy(chart, 'web-flows').spec.policyTypes).toEqual(['Egress']);
    expect(policy(chart, 'api-flows').spec.policyTypes).toEqual(['Ingress']);
    expect(policy(chart, 'api-flows').spec.ingress).toEqual([
      { from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 80, protocol: 'TCP' }, { port: 443, protocol: 'TCP' }] },
    ]);
  });

  test('a cross-namespace flow puts namespaceSelector and podSelector in ONE peer', () => {
    const chart = newChart({ namespace: 'shop' });
    new ZeroTrustNamespace(chart, 'shop-ns', { name: 'shop' });
    new ZeroTrustNamespace(chart, 'data-ns', { name: 'data' });
    const api = tier(chart, 'api');
    const db = tier(chart, 'db', 'data');
    new TierAccess(chart, 'tiers', { flows: [{ source: api, destination: db, ports: [Port.tcp(5432)] }] });
    addPod(chart, 'shop', 'api', { app: 'api' });
    addPod(chart, 'shop', 'other', { app: 'other' });
    addPod(chart, 'data', 'db', { app: 'db' });
    addPod(chart, 'elsewhere', 'api', { app: 'api' });
    const reach = Reachability.of(chart);
    reach.allowsFlow(api, db, Port.tcp(5432));
    reach.denies('shop/other', 'data/db', Port.tcp(5432));
    reach.denies('elsewhere/api', 'data/db', Port.tcp(5432));

    const dbPolicy = policy(chart, 'db-flows');
    expect(dbPolicy.metadata.namespace).toBe('data');
    expect(dbPolicy.spec.ingress[0].from).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: { app: 'api' } } },
    ]);
    expect(policy(chart, 'api-flows').spec.egress[0].to).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'data' } }, podSelector: { matchLabels: { app: 'db' } } },
    ]);
  });

  test.each([
    ['a single port', Port.tcp(8080), [{ protocol: 'TCP', port: 8080 }], [8080], [8081]],
    ['a range with endPort', Port.tcpRange(8000, 8010), [{ protocol: 'TCP', port: 8000, endPort: 8010 }], [8000, 8005, 8010], [7999, 8011]],
    ['every TCP port (no port: 0)', Port.allTcp(), [{ protocol: 'TCP' }], [1, 65535], []],
  ])('ports: %s', (_what, port, kube, allowed, denied) => {
    const chart = newChart({ namespace: 'shop' });
    new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
    const a = tier(chart, 'a');
    const b = tier(chart, 'b');
    new TierAccess(chart, 'tiers', { flows: [{ source: a, destination: b, ports: [port] }] });
    addPod(chart, 'shop', 'a', { app: 'a' });
    addPod(chart, 'shop', 'b', { app: 'b' });
    expect(policy(chart, 'b-flows').spec.ingress[0].ports).toEqual(kube);
    expect(policy(chart, 'a-flows').spec.egress[0].ports).toEqual(kube);
    const reach = Reachability.of(chart);
    for (const p of allowed) reach.allowsFlow(a, b, Port.tcp(p));
    for (const p of denied) reach.deniesFlow(a, b, Port.tcp(p));
    reach.deniesFlow(a, b, Port.udp(allowed[0]));
    reach.deniesFlow(b, a, Port.tcp(allowed[0]));
  });

  test('UDP and SCTP ports keep their protocol, and named ports resolve on the destination', () => {
    const chart = newChart({ namespace: 'shop' });
    new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
    const client = tier(chart, 'client');
    const server = tier(chart, 'server');
    new TierAccess(chart, 'tiers', {
      flows: [{ source: client, destination: server, ports: [Port.udp(5353), Port.sctp(3868), Port.named('metrics')] }],
    });
    addPod(chart, 'shop', 'client', { app: 'client' });
    addPod(chart, 'shop', 'server', { app: 'server' }, { ports: [{ name: 'metrics', containerPort: 9090 }] });
    const reach = Reachability.of(chart);
    reach.allowsFlow(client, server, Port.udp(5353));
    reach.deniesFlow(client, server, Port.tcp(5353));
    reach.allowsFlow(client, server, Port.sctp(3868));
    reach.allowsFlow(client, server, Port.tcp(9090));
    reach.allowsFlow(client, server, Port.named('metrics'));
    reach.deniesFlow(client, server, Port.udp(9090));
    reach.deniesFlow(client, server, Port.tcp(9091));
    expect(policy(chart, 'server-flows').spec.ingress[0].ports).toEqual([
      { protocol: 'TCP', port: 'metrics' },
      { protocol: 'UDP', port: 5353 },
      { protocol: 'SCTP', port: 3868 },
    ]);
  });

  test('tiers can be cdk8s-plus workloads, and a Service tier brings its selector and target ports', () => {
    const chart = newChart({ namespace: 'shop' });
    new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
    const web = new kplus.Deployment(chart, 'web', { metadata: { name: 'web' }, containers: [{ image: 'nginx', portNumber: 8080 }] });
    const dns = new kplus.Deployment(chart, 'dns', {
      metadata: { name: 'dns' },
      containers: [{ image: 'coredns', ports: [{ number: 5353, protocol: kplus.Protocol.UDP, name: 'dns' }] }],
    });
    const svc = new kplus.Service(chart, 'dns-svc', { selector: dns, ports: [{ port: 53, targetPort: 5353, protocol: kplus.Protocol.UDP }] });
    const webTier = new Tier(chart, 'web-tier', { name: 'web', pods: PodSelection.workload(web) });
    const resolver = new Tier(chart, 'resolver', { pods: PodSelection.service(svc) });
    new TierAccess(chart, 'tiers', { flows: [{ source: webTier, destination: resolver }] });
    const ingress = policy(chart, 'resolver-flows').spec.ingress[0];
    // cdk8s-plus would turn the UDP port into TCP; we keep UDP, and use the target port, not the service port.
    expect(ingress.ports).toEqual([{ protocol: 'UDP', port: 5353 }]);
    const reach = Reachability.of(chart);
    reach.allows('shop/web', 'shop/dns', Port.udp(5353));
    reach.allowsFlow(webTier, resolver, Port.udp(5353));
    reach.deniesFlow(webTier, resolver, Port.tcp(5353));
    reach.deniesFlow(webTier, resolver, Port.udp(53));
    reach.deniesFlow(resolver, webTier, Port.tcp(8080));
    expect(schemaProblems(synth(chart))).toEqual([]);
  });

  test('label expressions select tiers', () => {
    const chart = newChart({ namespace: 'shop' });
    new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
    const clients = new Tier(chart, 'clients', {
      pods: PodSelection.matching({ expressions: [LabelExpression.valueIn('role', ['web', 'cli']), LabelExpression.doesNotExist('canary')] }),
    });
    const api = new Tier(chart, 'api', { pods: PodSelection.matching({ labels: { app: 'api' }, expressions: [LabelExpression.exists('version')] }) });
    new TierAccess(chart, 'tiers', { flows: [{ source: clients, destination: api, ports: [Port.of({ protocol: Protocol.TCP, port: 80 })] }] });
    addPod(chart, 'shop', 'web', { role: 'web' });
    addPod(chart, 'shop', 'canary', { role: 'web', canary: 'yes' });
    addPod(chart, 'shop', 'api', { app: 'api', version: 'v2' });
    addPod(chart, 'shop', 'api-unversioned', { app: 'api' });
    const reach = Reachability.of(chart);
    reach.allows('shop/web', 'shop/api', Port.tcp(80));
    reach.denies('shop/canary', 'shop/api', Port.tcp(80));
    reach.denies('shop/web', 'shop/api-unversioned', Port.tcp(80));
    expect(policy(chart, 'clients-flows').spec.podSelector.matchExpressions).toEqual([
      { key: 'canary', operator: 'DoesNotExist' },
      { key: 'role', operator: 'In', values: ['cli', 'web'] },
    ]);
    expect(schemaProblems(synth(chart))).toEqual([]);
  });

  test('output does not depend on the order of tiers, flows or ports', () => {
    const build = (reverse: boolean) => {
      const chart = newChart({ namespace: 'shop' });
      new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
      const names = reverse ? ['c', 'b', 'a'] : ['a', 'b', 'c'];
      const t: { [name: string]: Tier } = {};
      for (const n of names) t[n] = tier(chart, n);
      const flows = [
        { source: t.a, destination: t.c, ports: [Port.tcp(2), Port.udp(1)] },
        { source: t.b, destination: t.c, ports: [Port.tcp(2), Port.udp(1)] },
        { source: t.a, destination: t.b, ports: [Port.tcp(3)] },
      ];
      new TierAccess(chart, 'tiers', {
        flows: reverse ? flows.reverse().map((f) => ({ ...f, ports: [...f.ports].reverse() })) : flows,
      });
      return ofKind(chart, 'NetworkPolicy').map((o) => JSON.stringify(o)).sort();
    };
    expect(build(true)).toEqual(build(false));
  });

  test('flows to address blocks go into the source tier policy, and only that tier reaches them', () => {
    const chart = newChart({ namespace: 'shop' });
    new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
    const frontend = tier(chart, 'frontend');
    const backend = tier(chart, 'backend');
    // A tier with address destinations and no tier flow still gets its policy.
    const batch = tier(chart, 'batch');
    const access = new TierAccess(chart, 'tiers', {
      flows: [
        { source: frontend, destination: backend, ports: [Port.tcp(80)] },
        { source: backend, destination: Peer.cidr('203.0.113.0/24', { exceptions: ['203.0.113.128/25'] }), ports: [Port.tcp(443)] },
        { source: backend, destination: Peer.cidr('2001:db8::/64'), ports: [Port.tcp(443)] },
      ],
    });
    access.addFlow({ source: batch, destination: Peer.cidr('198.51.100.0/24'), ports: [Port.udp(123)] });
    for (const app of ['frontend', 'backend', 'batch']) addPod(chart, 'shop', app, { app });
    addKubeDns(chart);
    const reach = Reachability.of(chart);

    expect(ofKind(chart, 'NetworkPolicy').map((o) => o.metadata.name).sort()).toEqual([
      'backend-flows', 'batch-flows', 'frontend-flows', 'shop-default-deny',
    ]);
    reach.allows('shop/backend', '203.0.113.10', Port.tcp(443));
    reach.allows('shop/backend', '2001:db8::1', Port.tcp(443));
    reach.allowsFlow(backend, Peer.cidr('203.0.113.0/24', { exceptions: ['203.0.113.128/25'] }), Port.tcp(443));
    reach.denies('shop/backend', '203.0.113.200', Port.tcp(443));
    reach.denies('shop/backend', '203.0.113.10', Port.tcp(80));
    reach.denies('shop/backend', '198.51.100.10', Port.udp(123));
    reach.denies('shop/frontend', '203.0.113.10', Port.tcp(443));
    reach.allows('shop/batch', '198.51.100.10', Port.udp(123));
    reach.denies('shop/batch', '198.51.100.10', Port.tcp(123));
    reach.deniesFlow(batch, backend, Port.tcp(80));
    reach.allowsFlow(frontend, backend, Port.tcp(80));
    reach.allowsFlow(backend, Peer.kubeDns(), Port.DNS_UDP);
    // The address block is not owned: nothing lets it in.
    reach.deniesFlow(Peer.cidr('203.0.113.0/25'), backend, Port.tcp(80));

    const backendPolicy = policy(chart, 'backend-flows');
    expect(backendPolicy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(backendPolicy.spec.egress).toEqual([
      { ports: [{ port: 443, protocol: 'TCP' }], to: [{ ipBlock: { cidr: '2001:db8::/64' } }, { ipBlock: { cidr: '203.0.113.0/24', except: ['203.0.113.128/25'] } }] },
    ]);
    expect(backendPolicy.metadata.annotations['cdk8s-netpol.dev/intent']).toBe(
      'tier backend: backend -> 2001:db8::/64 on TCP/443; backend -> 203.0.113.0/24 except 203.0.113.128/25 on TCP/443; frontend -> backend on TCP/80',
    );
    expect(policy(chart, 'batch-flows').spec.policyTypes).toEqual(['Egress']);
    expect(schemaProblems(synth(chart))).toEqual([]);
  });

  test('a workload that selects its pods by its own labels is selected by them', () => {
    const chart = newChart({ namespace: 'shop' });
    new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
    const deployment = (name: string) => {
      const d = new kplus.Deployment(chart, name, {
        metadata: { name },
        select: false,
        podMetadata: { labels: { app: name } },
        containers: [{ image: 'img', portNumber: 8080, securityContext: { ensureNonRoot: false } }],
      });
      d.select(kplus.LabelSelector.of({ labels: { app: name } }));
      return d;
    };
    const web = new Tier(chart, 'web-tier', { name: 'web', pods: PodSelection.workload(deployment('web')) });
    const api = new Tier(chart, 'api-tier', { name: 'api', pods: PodSelection.workload(deployment('api')) });
    // Another workload's pods that merely share no label with web/api stay out.
    new kplus.Deployment(chart, 'other', { metadata: { name: 'other' }, containers: [{ image: 'img', portNumber: 8080 }] });
    new TierAccess(chart, 'tiers', { flows: [{ source: web, destination: api, ports: [Port.tcp(8080)] }] });
    expect(policy(chart, 'api-flows').spec.podSelector).toEqual({ matchLabels: { app: 'api' } });
    expect(policy(chart, 'api-flows').spec.ingress[0].from).toEqual([{ podSelector: { matchLabels: { app: 'web' } } }]);
    const reach = Reachability.of(chart);
    reach.allows('shop/web', 'shop/api', Port.tcp(8080));
    reach.denies('shop/other', 'shop/api', Port.tcp(8080));
    reach.denies('shop/api', 'shop/web', Port.tcp(8080));
  });

  test('the construct-path annotation is off by default and on with the context key; it names the tier', () => {
    const build = (context?: boolean) => {
      const chart = newChart({ namespace: 'shop' });
      if (context !== undefined) chart.node.setContext('cdk8s-netpol:constructPathAnnotation', context);
      new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
      new TierAccess(chart, 'tiers', { flows: [{ source: tier(chart, 'web'), destination: tier(chart, 'api'), ports: [Port.tcp(80)] }] });
      return policy(chart, 'api-flows').metadata.annotations;
    };
    expect(Object.keys(build())).toEqual(['cdk8s-netpol.dev/intent']);
    expect(Object.keys(build(false))).toEqual(['cdk8s-netpol.dev/intent']);
    expect(build(true)).toEqual({
      'cdk8s-netpol.dev/intent': 'tier api: web -> api on TCP/80',
      'cdk8s-netpol.dev/construct': 'test/api, test/tiers',
    });
  });
});

describe('Intent constructs (Tier, TierAccess, EgressAllowList) in the construct tree', () => {
  test('are children of their scope (test/constructs/tree.test.ts), and their flows render as before', () => {
    const chart = newChart({ namespace: 'shop' });
    new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
    const web = tier(chart, 'web');
    const api = tier(chart, 'api');
    const access = new TierAccess(chart, 'tiers', { flows: [{ source: web, destination: api, ports: [Port.tcp(8080)] }] });
    const external = new EgressAllowList(chart, 'api-external', {
      pods: labels('api'),
      destinations: [{ peer: Peer.cidr('203.0.113.0/24'), ports: [Port.tcp(443)] }],
    });
    expect([web, access, external].map((c) => c.node.path)).toEqual(['test/web', 'test/tiers', 'test/api-external']);
    for (const c of [web, access, external]) expect(chart.node.tryFindChild(c.node.id)).toBe(c);
    expect(policy(chart, 'web-flows').spec.egress).toEqual([
      { to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 8080, protocol: 'TCP' }] },
    ]);
    addPod(chart, 'shop', 'web', { app: 'web' });
    addPod(chart, 'shop', 'api', { app: 'api' });
    const reach = Reachability.of(chart);
    reach.allowsFlow(web, api, Port.tcp(8080));
    reach.deniesFlow(api, web, Port.tcp(8080));
  });

  test('a construct with the id of a tier or an allow list is refused at once, by the constructs library', () => {
    const chart = newChart({ namespace: 'shop' });
    tier(chart, 'web');
    new EgressAllowList(chart, 'api-external', { pods: labels('api'), destinations: [{ peer: Peer.cidr('203.0.113.0/24'), ports: [Port.tcp(443)] }] });
    expect(() => new kplus.Deployment(chart, 'web', { containers: [{ image: 'web' }] })).toThrow(/There is already a Construct with name 'web'/);
    expect(() => new TierAccess(chart, 'api-external')).toThrow(/There is already a Construct with name 'api-external'/);
  });

  test('policies are named by their policy name in a chart of one namespace, qualified by namespace in a chart of several', () => {
    const one = newChart({ namespace: 'shop' });
    new ZeroTrustNamespace(one, 'ns', { name: 'shop' });
    new TierAccess(one, 'tiers', { flows: [{ source: tier(one, 'web'), destination: tier(one, 'api'), ports: [Port.tcp(80)] }] });
    synth(one);
    expect(one.node.children.map((c) => c.node.id)).toEqual(['ns', 'web', 'api', 'tiers', 'cdk8s-netpol.api-flows', 'cdk8s-netpol.web-flows']);

    const several = newChart();
    for (const ns of ['a', 'b']) {
      new ZeroTrustNamespace(several, `ns-${ns}`, { name: ns });
      new TierAccess(several, `tiers-${ns}`, {
        flows: [{ source: tier(several, `web-${ns}`, ns), destination: tier(several, `api-${ns}`, ns), ports: [Port.tcp(80)] }],
      });
    }
    synth(several);
    expect(several.node.children.map((c) => c.node.id).filter((id) => id.startsWith('cdk8s-netpol'))).toEqual([
      'cdk8s-netpol.a.api-a-flows', 'cdk8s-netpol.a.web-a-flows', 'cdk8s-netpol.b.api-b-flows', 'cdk8s-netpol.b.web-b-flows',
    ]);
  });
});
