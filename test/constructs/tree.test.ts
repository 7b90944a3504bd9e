import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { ClusterGuardrails, EgressAllowList, NetpolLint, Peer, PodSelection, Port, Tier, TierAccess, ZeroTrustNamespace } from '../../src';
import { newChart, policy, synth } from '../util/synth';

const labels = (app: string) => PodSelection.labels({ app });
const configMap = (scope: IConstruct, id: string) => new ApiObject(scope as Construct, id, {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: id, namespace: 'shop' },
});
const names = (objects: any[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`);

/** A namespace with a web and an api tier, their flow, and the api tier's allow list. */
function platform(chart: Chart) {
  new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
  const web = new Tier(chart, 'web', { pods: labels('web') });
  const api = new Tier(chart, 'api', { pods: labels('api') });
  const access = new TierAccess(chart, 'flows', { flows: [{ source: web, destination: api, ports: [Port.tcp(8080)] }] });
  const external = new EgressAllowList(chart, 'web-external', {
    pods: labels('web'),
    destinations: [{ peer: Peer.cidr('203.0.113.0/24'), ports: [Port.tcp(443)] }],
  });
  return { web, api, access, external };
}

describe('Tier, TierAccess and EgressAllowList are ordinary constructs of the tree', () => {
  test('they are children of their scope, and aspects-style walks (findAll) see them', () => {
    const chart = newChart({ namespace: 'shop' });
    const { web, access, external } = platform(chart);
    expect(chart.node.tryFindChild('web')).toBe(web);
    expect(chart.node.tryFindChild('flows')).toBe(access);
    expect(chart.node.tryFindChild('web-external')).toBe(external);
    expect(chart.node.findAll()).toEqual(expect.arrayContaining([web, access, external]));
  });

  test.each(['web', 'flows', 'web-external'])('an ApiObject added under %s is synthesized', (id) => {
    const chart = newChart({ namespace: 'shop' });
    platform(chart);
    configMap(chart.node.findChild(id), 'settings');
    expect(names(synth(chart))).toContain('ConfigMap/settings');
  });

  test.each(['web', 'flows', 'web-external'])('a validation added to %s runs at synthesis and fails it', (id) => {
    const chart = newChart({ namespace: 'shop' });
    platform(chart);
    chart.node.findChild(id).node.addValidation({ validate: () => ['not on Fridays'] });
    expect(() => synth(chart)).toThrow(`[test/${id}] not on Fridays`);
  });

  test('no construct of this library drops what a user attaches: every one synthesizes objects and runs validations added to it', () => {
    const chart = newChart({ namespace: 'shop' });
    const { web } = platform(chart);
    const constructs: IConstruct[] = [
      chart.node.findChild('ns'), web, chart.node.findChild('flows'), chart.node.findChild('web-external'),
      new ClusterGuardrails(chart, 'guardrails'), Tier.of(new ApiObject(chart, 'api-pod', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'api', labels: { app: 'api' } } })),
    ];
    constructs.forEach((c, i) => configMap(c, `attached-${i}`));
    expect(names(synth(chart)).filter((n) => n.startsWith('ConfigMap/'))).toEqual(constructs.map((_, i) => `ConfigMap/attached-${i}`));
    constructs.forEach((c) => c.node.addValidation({ validate: () => [`checked ${c.constructor.name}`] }));
    const message = (() => {
      try {
        synth(chart);
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    for (const c of constructs) expect(message).toContain(`[${c.node.path}] checked ${c.constructor.name}`);
  });

  test('a second construct with the same id in the same scope is refused by the constructs library', () => {
    const chart = newChart({ namespace: 'shop' });
    new Tier(chart, 'web', { pods: labels('web') });
    expect(() => new Construct(chart, 'web')).toThrow(/There is already a Construct with name 'web'/);
    expect(() => new TierAccess(chart, 'web')).toThrow(/There is already a Construct with name 'web'/);
  });
});

describe('dependencies on and of intent constructs order their policies, as cdk8s orders ApiObjects', () => {
  // Without dependencies cdk8s emits a chart's objects in construct order, and the rendered policies come last.
  test('without a dependency, the policies come after the chart\'s other objects', () => {
    const chart = newChart({ namespace: 'shop' });
    platform(chart);
    configMap(chart, 'late');
    expect(names(synth(chart))).toEqual([
      'Namespace/shop', 'NetworkPolicy/shop-default-deny', 'ConfigMap/late', 'NetworkPolicy/api-flows', 'NetworkPolicy/web-flows',
    ]);
  });

  test.each(['web', 'web-external'])('a ConfigMap that depends on %s comes after the web tier\'s policy', (id) => {
    const chart = newChart({ namespace: 'shop' });
    platform(chart);
    const late = configMap(chart, 'late');
    late.node.addDependency(chart.node.findChild(id));
    const order = names(synth(chart));
    expect(order.indexOf('ConfigMap/late')).toBeGreaterThan(order.indexOf('NetworkPolicy/web-flows'));
    // The api tier's policy is not the web tier's: it keeps its place after the ConfigMap.
    expect(order.indexOf('NetworkPolicy/api-flows')).toBeGreaterThan(order.indexOf('ConfigMap/late'));
  });

  test('a ConfigMap that depends on a TierAccess comes after every policy carrying its flows', () => {
    const chart = newChart({ namespace: 'shop' });
    platform(chart);
    const late = configMap(chart, 'late');
    late.node.addDependency(chart.node.findChild('flows'));
    const order = names(synth(chart));
    expect(order.slice(-1)).toEqual(['ConfigMap/late']);
  });

  test('a dependency on a construct that contains a Tier orders the Tier\'s policy too', () => {
    const chart = newChart({ namespace: 'shop' });
    new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
    const group = new Construct(chart, 'group');
    const web = new Tier(group, 'web', { pods: labels('web') });
    new TierAccess(group, 'flows', { flows: [{ source: web, destination: Peer.cidr('203.0.113.0/24'), ports: [Port.tcp(443)] }] });
    const late = configMap(chart, 'late');
    late.node.addDependency(group);
    const order = names(synth(chart));
    expect(order.indexOf('ConfigMap/late')).toBeGreaterThan(order.indexOf('NetworkPolicy/web-flows'));
  });

  test('a Tier that depends on an object of a later chart puts its chart after that one', () => {
    const app = new App({ outdir: Testing.app().outdir });
    const policies = new Chart(app, 'policies', { namespace: 'shop' });
    const config = new Chart(app, 'config', { namespace: 'shop' });
    const { web } = platform(policies);
    web.node.addDependency(configMap(config, 'settings'));
    const docs = app.synthYaml().split('\n---\n');
    expect(docs.findIndex((d) => d.includes('name: settings'))).toBeLessThan(docs.findIndex((d) => d.includes('name: web-flows')));
  });

  test('an object that depends on a Tier of a later chart comes after its policy', () => {
    const app = new App({ outdir: Testing.app().outdir });
    const workloads = new Chart(app, 'workloads', { namespace: 'shop' });
    const policies = new Chart(app, 'policies', { namespace: 'shop' });
    const { web } = platform(policies);
    configMap(workloads, 'cm').node.addDependency(web);
    const docs = app.synthYaml().split('\n---\n');
    expect(docs.findIndex((d) => d.includes('name: web-flows'))).toBeLessThan(docs.findIndex((d) => d.includes('name: cm')));
  });
});

describe('a lint suppression reaches the policies of the intent constructs under it', () => {
  const suppressed = (o: any) => o.metadata.annotations?.['cdk8s-netpol.dev/suppress'];

  test('on a construct that contains a Tier', () => {
    const chart = newChart({ namespace: 'shop' });
    new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
    const team = new Construct(chart, 'team');
    const web = new Tier(team, 'web', { pods: labels('web') });
    new TierAccess(chart, 'flows', { flows: [{ source: web, destination: Peer.cidr('203.0.113.0/24'), ports: [Port.tcp(443)] }] });
    NetpolLint.suppress(team, 'NP003', 'the web pods are deployed by another team');
    expect(suppressed(policy(chart, 'web-flows'))).toBe('NP003: the web pods are deployed by another team');
    expect(suppressed(policy(chart, 'shop-default-deny'))).toBeUndefined();
  });

  test('on a chart, including a Tier added after the call', () => {
    const chart = newChart({ namespace: 'shop' });
    new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
    NetpolLint.suppress(chart, 'NP003', 'reviewed');
    const web = new Tier(chart, 'web', { pods: labels('web') });
    new TierAccess(chart, 'flows', { flows: [{ source: web, destination: Peer.cidr('203.0.113.0/24'), ports: [Port.tcp(443)] }] });
    expect(suppressed(policy(chart, 'web-flows'))).toBe('NP003: reviewed');
  });

  test('a construct with neither objects nor intent constructs is still refused', () => {
    const chart = newChart({ namespace: 'shop' });
    const empty = new Construct(chart, 'empty');
    expect(() => NetpolLint.suppress(empty, 'NP003', 'reviewed')).toThrow('NetpolLint.suppress(test/empty): no ApiObject in this construct to annotate');
  });
});
