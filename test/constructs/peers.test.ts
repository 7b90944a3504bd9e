import { ApiObject, Chart, Cron } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { EgressAllowList, Isolation, Peer, PodSelection, Port, Reachability, Tier, TierAccess, ZeroTrustNamespace } from '../../src';
import { addKubeDns, addPod, newChart, ofKind, policy, schemaProblems, synth, toYaml } from '../util/synth';

const labels = (app: string) => PodSelection.labels({ app });
const podsIn = (namespaceName: string, app: string) => Peer.pods({ namespaceName, pods: labels(app) });
const namespacesOf = (chart: Chart) => [...new Set(ofKind(chart, 'NetworkPolicy').map((o) => o.metadata.namespace))].sort();

function addNamespace(chart: Chart, name: string, nsLabels: { [key: string]: string }): void {
  new ApiObject(chart, `ns-${name}`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...nsLabels } } });
}

describe('peers the app does not own', () => {
  test.each([
    ['an ingress controller', () => Peer.ingressController(), 'ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' }],
    ['Prometheus', () => Peer.prometheus(), 'monitoring', { 'app.kubernetes.io/name': 'prometheus' }],
  ])('%s reaching an owned tier: only the owned side is written, and the foreign pods keep every connection', (_what, foreign, foreignNs, foreignLabels) => {
    const chart = newChart({ namespace: 'shop' });
    new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
    const web = new Tier(chart, 'web', { pods: labels('web') });
    new TierAccess(chart, 'flows', { flows: [{ source: foreign(), destination: web, ports: [Port.tcp(8080)] }] });

    // Only shop is selected by any policy; nothing is emitted in the foreign namespace.
    expect(namespacesOf(chart)).toEqual(['shop']);
    expect(synth(chart).filter((o) => o.metadata.namespace === foreignNs)).toEqual([]);
    expect(policy(chart, 'web-flows').spec.policyTypes).toEqual(['Ingress']);
    expect(schemaProblems(synth(chart))).toEqual([]);

    // Through stand-ins built from the peers' selectors (no foreign pod in the chart).
    const reach = Reachability.of(chart);
    expect(reach.endpoints()).toEqual([]);
    reach.allowsFlow(foreign(), web, Port.tcp(8080));
    reach.deniesFlow(foreign(), web, Port.tcp(8081));
    reach.deniesFlow(podsIn(foreignNs, 'lookalike'), web, Port.tcp(8080));
    reach.deniesFlow(Peer.pods({ namespaceName: 'elsewhere', pods: PodSelection.labels(foreignLabels) }), web, Port.tcp(8080));
    reach.allowsFlow(foreign(), Peer.cidr('198.51.100.0/24'), Port.tcp(443));
    reach.allowsFlow(foreign(), Peer.kubeDns(), Port.DNS_UDP);
    reach.allowsFlow(foreign(), Peer.kubernetesApi(['10.0.0.1/32']), Port.tcp(443));
    reach.allowsFlow(foreign(), podsIn('other', 'backend'), Port.tcp(5432));
    reach.allowsFlow(Peer.cidr('203.0.113.0/24'), foreign(), Port.tcp(443));

    // The same with the foreign pods present in the input.
    addPod(chart, foreignNs, 'foreign', foreignLabels);
    addPod(chart, 'shop', 'web', { app: 'web' });
    addPod(chart, 'other', 'backend', { app: 'backend' });
    addKubeDns(chart);
    const withPods = Reachability.of(chart);
    withPods.allows(`${foreignNs}/foreign`, 'shop/web', Port.tcp(8080));
    withPods.allows(`${foreignNs}/foreign`, 'other/backend', Port.tcp(5432));
    withPods.allows(`${foreignNs}/foreign`, '198.51.100.7', Port.tcp(443));
    withPods.allows('other/backend', `${foreignNs}/foreign`, Port.tcp(9090));
    withPods.denies('other/backend', 'shop/web', Port.tcp(8080));
  });

  test('ingress from a CIDR (a load balancer range) is written on the owned destination only', () => {
    const chart = newChart({ namespace: 'shop' });
    new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
    const web = new Tier(chart, 'web', { pods: labels('web') });
    const api = new Tier(chart, 'api', { pods: labels('api') });
    new TierAccess(chart, 'flows', { flows: [{ source: Peer.cidr('192.0.2.0/24', { exceptions: ['192.0.2.128/25'] }), destination: web, ports: [Port.tcp(8080)] }] });
    addPod(chart, 'shop', 'web', { app: 'web' });
    addPod(chart, 'shop', 'api', { app: 'api' });
    const reach = Reachability.of(chart);
    reach.allows('192.0.2.10', 'shop/web', Port.tcp(8080));
    reach.allowsFlow(Peer.cidr('192.0.2.0/25'), web, Port.tcp(8080));
    reach.denies('192.0.2.200', 'shop/web', Port.tcp(8080));
    reach.denies('198.51.100.1', 'shop/web', Port.tcp(8080));
    reach.denies('192.0.2.10', 'shop/web', Port.tcp(443));
    reach.denies('192.0.2.10', 'shop/api', Port.tcp(8080));
    reach.deniesFlow(Peer.cidr('192.0.2.0/25'), api, Port.tcp(8080));
    expect(policy(chart, 'web-flows').spec).toEqual({
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ ipBlock: { cidr: '192.0.2.0/24', except: ['192.0.2.128/25'] } }], ports: [{ port: 8080, protocol: 'TCP' }] }],
    });
  });

  test('egress to a namespace by name and to namespaces by labels', () => {
    const chart = newChart({ namespace: 'shop' });
    new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
    const api = new Tier(chart, 'api', { pods: labels('api') });
    const web = new Tier(chart, 'web', { pods: labels('web') });
    new TierAccess(chart, 'flows', {
      flows: [
        { source: api, destination: Peer.namespaceNamed('data'), ports: [Port.tcp(5432)] },
        { source: web, destination: Peer.namespaces({ labels: { env: 'prod' } }), ports: [Port.tcp(443)] },
      ],
    });
    addNamespace(chart, 'data', {});
    addNamespace(chart, 'prod-a', { env: 'prod' });
    addNamespace(chart, 'prod-b', { env: 'prod' });
    addNamespace(chart, 'dev', { env: 'dev' });
    addPod(chart, 'shop', 'api', { app: 'api' });
    addPod(chart, 'shop', 'web', { app: 'web' });
    for (const ns of ['data', 'prod-a', 'prod-b', 'dev']) addPod(chart, ns, 'db', { app: 'db' });
    const reach = Reachability.of(chart);
    reach.allows('shop/api', 'data/db', Port.tcp(5432));
    reach.allowsFlow(api, Peer.namespaceNamed('data'), Port.tcp(5432));
    reach.deniesFlow(api, Peer.namespaceNamed('data'), Port.tcp(5433));
    reach.denies('shop/api', 'prod-a/db', Port.tcp(5432));
    reach.denies('shop/web', 'data/db', Port.tcp(5432));
    reach.allows('shop/web', 'prod-a/db', Port.tcp(443));
    reach.allows('shop/web', 'prod-b/db', Port.tcp(443));
    reach.allowsFlow(web, Peer.namespaces({ labels: { env: 'prod' } }), Port.tcp(443));
    reach.denies('shop/web', 'dev/db', Port.tcp(443));
    reach.denies('shop/web', 'prod-a/db', Port.tcp(80));
    reach.denies('shop/api', 'prod-b/db', Port.tcp(443));
    // The namespaces are not owned: their ingress stays as it was (open), nothing is emitted there.
    reach.allows('dev/db', 'prod-a/db', Port.tcp(443));
    expect(namespacesOf(chart)).toEqual(['shop']);
    expect(policy(chart, 'web-flows').spec.egress).toEqual([
      { ports: [{ port: 443, protocol: 'TCP' }], to: [{ namespaceSelector: { matchLabels: { env: 'prod' } } }] },
    ]);
  });
});

describe('isolation is only where the app asks for it', () => {
  test('a TierAccess without a ZeroTrustNamespace emits nothing, and every flow stays open', () => {
    const chart = newChart({ namespace: 'shop' });
    const web = new Tier(chart, 'web', { pods: labels('web') });
    const api = new Tier(chart, 'api', { pods: labels('api') });
    new TierAccess(chart, 'flows', {
      flows: [
        { source: Peer.ingressController(), destination: web, ports: [Port.tcp(8080)] },
        { source: web, destination: api, ports: [Port.tcp(8080)] },
        { source: api, destination: Peer.cidr('198.51.100.0/24'), ports: [Port.tcp(443)] },
      ],
    });
    expect(ofKind(chart, 'NetworkPolicy')).toEqual([]);
    const reach = Reachability.of(chart);
    reach.allowsFlow(Peer.ingressController(), web, Port.tcp(8080));
    reach.allowsFlow(web, api, Port.tcp(8080));
    reach.allowsFlow(api, Peer.cidr('198.51.100.0/24'), Port.tcp(443));
    // Not declared, and still open: an allowance never isolates.
    reach.allowsFlow(api, web, Port.tcp(9999));
    reach.allowsFlow(web, Peer.cidr('203.0.113.0/24'), Port.tcp(25));
    reach.allowsFlow(Peer.cidr('203.0.113.0/24'), api, Port.tcp(22));
  });

  test('Isolation.INGRESS isolates only ingress: declared sources get in, egress stays open', () => {
    const chart = newChart({ namespace: 'shop' });
    const web = new Tier(chart, 'web', { pods: labels('web') });
    const api = new Tier(chart, 'api', { pods: labels('api'), isolation: Isolation.INGRESS });
    new TierAccess(chart, 'flows', {
      flows: [
        { source: web, destination: api, ports: [Port.tcp(8080)] },
        { source: api, destination: Peer.cidr('198.51.100.0/24'), ports: [Port.tcp(443)] },
      ],
    });
    expect(ofKind(chart, 'NetworkPolicy').map((o) => o.metadata.name)).toEqual(['api-flows']);
    expect(policy(chart, 'api-flows').spec.policyTypes).toEqual(['Ingress']);
    const reach = Reachability.of(chart);
    reach.allowsFlow(web, api, Port.tcp(8080));
    reach.deniesFlow(web, api, Port.tcp(8081));
    reach.deniesFlow(Peer.ingressController(), api, Port.tcp(8080));
    reach.deniesFlow(podsIn('shop', 'other'), api, Port.tcp(8080));
    reach.allowsFlow(api, Peer.cidr('203.0.113.0/24'), Port.tcp(25));
    reach.allowsFlow(api, web, Port.tcp(9999));
    reach.allowsFlow(Peer.ingressController(), web, Port.tcp(8080));
  });

  test('Isolation.EGRESS isolates only egress, and keeps DNS', () => {
    const chart = newChart({ namespace: 'shop' });
    const web = new Tier(chart, 'web', { pods: labels('web'), isolation: Isolation.EGRESS });
    const api = new Tier(chart, 'api', { pods: labels('api') });
    new TierAccess(chart, 'flows', { flows: [{ source: web, destination: api, ports: [Port.tcp(8080)] }] });
    expect(ofKind(chart, 'NetworkPolicy').map((o) => o.metadata.name)).toEqual(['web-flows']);
    expect(policy(chart, 'web-flows').spec.policyTypes).toEqual(['Egress']);
    const reach = Reachability.of(chart);
    reach.allowsFlow(web, api, Port.tcp(8080));
    reach.deniesFlow(web, api, Port.tcp(8081));
    reach.allowsFlow(web, Peer.kubeDns(), Port.DNS_UDP);
    reach.allowsFlow(web, Peer.kubeDns(), Port.DNS_TCP);
    reach.deniesFlow(web, Peer.cidr('203.0.113.0/24'), Port.tcp(443));
    reach.deniesFlow(web, Peer.prometheus(), Port.tcp(9090));
    reach.allowsFlow(Peer.ingressController(), web, Port.tcp(8080));
    reach.allowsFlow(api, web, Port.tcp(9999));
    reach.allowsFlow(api, Peer.cidr('203.0.113.0/24'), Port.tcp(443));
  });

  test('Isolation.INGRESS_AND_EGRESS without flows still writes the isolation (deny all but DNS)', () => {
    const chart = newChart({ namespace: 'shop' });
    const vault = new Tier(chart, 'vault', { pods: labels('vault'), isolation: Isolation.INGRESS_AND_EGRESS });
    expect(policy(chart, 'vault-flows').spec.policyTypes).toEqual(['Ingress', 'Egress']);
    const reach = Reachability.of(chart);
    reach.deniesFlow(podsIn('shop', 'web'), vault, Port.tcp(8200));
    reach.deniesFlow(vault, Peer.cidr('203.0.113.0/24'), Port.tcp(443));
    reach.allowsFlow(vault, Peer.kubeDns(), Port.DNS_UDP);
  });
});

describe('policies merge across constructs', () => {
  /** Two teams, each with its own TierAccess and a Tier named web; `samePods` decides whether they select one group. */
  function twoTeams(samePods: boolean, swap: boolean): Chart {
    const chart = newChart({ namespace: 'shop' });
    new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
    const teamA = () => {
      const web = new Tier(chart, 'team-a-web', { name: 'web', pods: labels('web') });
      const api = new Tier(chart, 'team-a-api', { name: 'api', pods: labels('api') });
      new TierAccess(chart, 'team-a', { flows: [{ source: web, destination: api, ports: [Port.tcp(8080)] }] });
    };
    const teamB = () => {
      const web = new Tier(chart, 'team-b-web', { name: 'web', pods: samePods ? labels('web') : labels('web-b') });
      new TierAccess(chart, 'team-b', {
        flows: [
          { source: Peer.ingressController(), destination: web, ports: [Port.tcp(8443)] },
          { source: web, destination: Peer.cidr('198.51.100.0/24'), ports: [Port.tcp(443)] },
        ],
      });
    };
    if (swap) {
      teamB();
      teamA();
    } else {
      teamA();
      teamB();
    }
    addPod(chart, 'shop', 'web', { app: 'web' });
    addPod(chart, 'shop', 'web-b', { app: 'web-b' });
    addPod(chart, 'shop', 'api', { app: 'api' });
    return chart;
  }
  const policies = (chart: Chart) => ofKind(chart, 'NetworkPolicy').filter((o) => o.metadata.name !== 'shop-default-deny');

  test('two teams naming the same pods "web" get one policy web-flows with both teams\' flows', () => {
    const chart = twoTeams(true, false);
    expect(policies(chart).map((o) => o.metadata.name).sort()).toEqual(['api-flows', 'web-flows']);
    const web = policy(chart, 'web-flows');
    expect(web.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(web.metadata.annotations['cdk8s-netpol.dev/intent']).toBe(
      'tier web: ingress controller ingress-nginx/app.kubernetes.io/name=ingress-nginx -> web on TCP/8443; web -> 198.51.100.0/24 on TCP/443; web -> api on TCP/8080',
    );
    const reach = Reachability.of(chart);
    reach.allows('shop/web', 'shop/api', Port.tcp(8080));
    reach.allows('shop/web', '198.51.100.1', Port.tcp(443));
    reach.allowsFlow(Peer.ingressController(), podsIn('shop', 'web'), Port.tcp(8443));
    reach.denies('shop/api', 'shop/web', Port.tcp(8080));
    reach.denies('shop/web', 'shop/api', Port.tcp(8443));
  });

  test('two teams naming different pods "web" get two policies with distinct suffixed names', () => {
    const chart = twoTeams(false, false);
    const names = policies(chart).map((o) => o.metadata.name).sort();
    expect(names).toHaveLength(3);
    expect(names[0]).toBe('api-flows');
    expect(names[1]).toMatch(/^web-flows-[0-9a-f]{6}$/);
    expect(names[2]).toMatch(/^web-flows-[0-9a-f]{6}$/);
    expect(names[1]).not.toEqual(names[2]);
    const selectors = policies(chart).filter((o) => o.metadata.name !== 'api-flows').map((o) => o.spec.podSelector.matchLabels.app).sort();
    expect(selectors).toEqual(['web', 'web-b']);
    // The names are stable: they come from the pods, not from the declaration order.
    expect(policies(twoTeams(false, true)).map((o) => o.metadata.name).sort()).toEqual(names);
    const reach = Reachability.of(chart);
    reach.allows('shop/web', 'shop/api', Port.tcp(8080));
    reach.denies('shop/web-b', 'shop/api', Port.tcp(8080));
    reach.allows('shop/web-b', '198.51.100.1', Port.tcp(443));
    reach.denies('shop/web', '198.51.100.1', Port.tcp(443));
    reach.allowsFlow(Peer.ingressController(), podsIn('shop', 'web-b'), Port.tcp(8443));
    reach.deniesFlow(Peer.ingressController(), podsIn('shop', 'web'), Port.tcp(8443));
    expect(schemaProblems(synth(chart))).toEqual([]);
  });

  test('the output is byte-identical whatever the order of the teams (same pods)', () => {
    expect(toYaml(twoTeams(true, true))).toEqual(toYaml(twoTeams(true, false)));
  });

  test('the policies are identical whatever the order of the teams (different pods)', () => {
    const documents = (chart: Chart) => synth(chart).map((o) => JSON.stringify(o)).sort();
    expect(documents(twoTeams(false, true))).toEqual(documents(twoTeams(false, false)));
  });

  // Rendered policies land in one container per chart, in (namespace, name) order, so the documents' order does not
  // follow the declaration order either.
  test('the output is byte-identical whatever the order of the teams (different pods)', () => {
    expect(toYaml(twoTeams(false, true))).toEqual(toYaml(twoTeams(false, false)));
  });

  test('an EgressAllowList on the pods of a tier ends in the tier policy, whatever the order', () => {
    const build = (listFirst: boolean) => {
      const chart = newChart({ namespace: 'shop' });
      new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
      const list = () => new EgressAllowList(chart, 'api-external', { pods: labels('api'), destinations: [{ peer: Peer.cidr('198.51.100.0/24'), ports: [Port.tcp(443)] }] });
      if (listFirst) list();
      const api = new Tier(chart, 'api', { pods: labels('api') });
      new TierAccess(chart, 'flows', { flows: [{ source: Peer.ingressController(), destination: api, ports: [Port.tcp(8080)] }] });
      if (!listFirst) list();
      return chart;
    };
    const chart = build(false);
    expect(policies(chart).map((o) => o.metadata.name)).toEqual(['api-flows']);
    expect(policy(chart, 'api-flows').spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(toYaml(build(true))).toEqual(toYaml(chart));
    const reach = Reachability.of(chart);
    reach.allowsFlow(Peer.ingressController(), podsIn('shop', 'api'), Port.tcp(8080));
    reach.allowsFlow(podsIn('shop', 'api'), Peer.cidr('198.51.100.0/24'), Port.tcp(443));
    reach.deniesFlow(podsIn('shop', 'api'), Peer.cidr('203.0.113.0/24'), Port.tcp(443));
    reach.allowsFlow(podsIn('shop', 'api'), Peer.kubeDns(), Port.DNS_UDP);
  });
});

describe('workloads as tiers, read from their synthesized objects', () => {
  test('a cdk8s-plus Job and CronJob and a plain ApiObject Deployment', () => {
    const chart = newChart({ namespace: 'shop' });
    new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
    const job = new kplus.Job(chart, 'migrate', {
      podMetadata: { labels: { app: 'migrate' } },
      containers: [{ image: 'migrate', securityContext: { ensureNonRoot: false } }],
    });
    const cron = new kplus.CronJob(chart, 'report', {
      schedule: Cron.daily(),
      podMetadata: { labels: { app: 'report' } },
      containers: [{ image: 'report', securityContext: { ensureNonRoot: false } }],
    });
    const db = new ApiObject(chart, 'postgres', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'postgres' },
      spec: {
        selector: { matchLabels: { app: 'postgres' } },
        template: { metadata: { labels: { app: 'postgres', version: '16' } }, spec: { containers: [{ name: 'pg', image: 'postgres:16' }] } },
      },
    });
    const migrate = new Tier(chart, 'migrate-tier', { name: 'migrate', pods: PodSelection.workload(job) });
    const report = new Tier(chart, 'report-tier', { name: 'report', pods: PodSelection.workload(cron) });
    const postgres = new Tier(chart, 'postgres-tier', { name: 'postgres', pods: PodSelection.workload(db) });
    new TierAccess(chart, 'flows', {
      flows: [
        { source: migrate, destination: postgres, ports: [Port.tcp(5432)] },
        { source: report, destination: postgres, ports: [Port.tcp(5432)] },
      ],
    });
    expect(policy(chart, 'postgres-flows').spec.podSelector).toEqual({ matchLabels: { app: 'postgres' } });
    expect(policy(chart, 'migrate-flows').metadata.namespace).toBe('shop');
    addPod(chart, 'shop', 'stranger', { app: 'stranger' });
    const reach = Reachability.of(chart);
    // The Job and CronJob stand for the pods of their templates.
    expect(reach.endpoints()).toEqual(['shop/postgres', 'shop/stranger', expect.stringMatching(/^shop\/test-migrate-/), expect.stringMatching(/^shop\/test-report-/)]);
    reach.allowsFlow(migrate, postgres, Port.tcp(5432));
    reach.allowsFlow(report, postgres, Port.tcp(5432));
    reach.deniesFlow(report, postgres, Port.tcp(5433));
    reach.deniesFlow(postgres, report, Port.tcp(5432));
    reach.deniesFlow(migrate, report, Port.tcp(5432));
    reach.denies('shop/stranger', 'shop/postgres', Port.tcp(5432));
    reach.allowsFlow(report, Peer.kubeDns(), Port.DNS_UDP);
    expect(schemaProblems(synth(chart))).toEqual([]);
  });

  test('a select() call made after the tier was declared counts', () => {
    const chart = newChart({ namespace: 'shop' });
    new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
    const d = new kplus.Deployment(chart, 'api', { select: false, podMetadata: { labels: { app: 'api' } }, containers: [{ image: 'api', securityContext: { ensureNonRoot: false } }] });
    const api = new Tier(chart, 'api-tier', { name: 'api', pods: PodSelection.labels({ app: 'api' }) });
    const viaWorkload = PodSelection.workload(d);
    d.select(kplus.LabelSelector.of({ labels: { app: 'api' } }));
    const web = new Tier(chart, 'web', { pods: labels('web') });
    new TierAccess(chart, 'flows', { flows: [{ source: web, destination: api, ports: [Port.tcp(8080)] }] });
    new EgressAllowList(chart, 'api-out', { pods: viaWorkload, destinations: [{ peer: Peer.cidr('198.51.100.0/24'), ports: [Port.tcp(443)] }] });
    // Same pods by labels and by workload: one policy.
    expect(ofKind(chart, 'NetworkPolicy').map((o) => o.metadata.name).sort()).toEqual(['api-flows', 'shop-default-deny', 'web-flows']);
  });
});
