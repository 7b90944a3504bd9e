import { App, Chart } from 'cdk8s';
import { EgressAllowList, Peer, PodSelection, Port, Tier, TierAccess, ZeroTrustNamespace } from '../../src';

/** Issue 25 §5: constructs misused, as JavaScript users (or a second App) can misuse them. */
describe('constructs of another App', () => {
  const twoApps = () => {
    const other = new Chart(new App(), 'other', { namespace: 'other' });
    const app = new App();
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
    const web = new Tier(chart, 'web', { pods: PodSelection.labels({ app: 'web' }) });
    return { app, chart, other, web };
  };

  test('a ZeroTrustNamespace of another App as a flow end is refused at once, naming both constructs', () => {
    const { chart, other, web } = twoApps();
    const foreign = new ZeroTrustNamespace(other, 'ns', { name: 'other' });
    expect(() => new TierAccess(chart, 'flows', { flows: [{ source: web, destination: foreign, ports: [Port.tcp(80)] }] }))
      .toThrow(/\[shop\/flows\] flow #1 \(tier shop\/web -> namespace other\) destination other\/ns belongs to another App than shop\/flows.*Fix: create it in this App/);
  });

  test('a Tier of another App is refused where it is used (TierAccess, allowFrom, EgressAllowList), never as a cdk8s-netpol bug', () => {
    const { app, chart, other, web } = twoApps();
    const foreign = new Tier(other, 'api', { pods: PodSelection.labels({ app: 'api' }) });
    expect(() => new TierAccess(chart, 'flows', { flows: [{ source: web, destination: foreign, ports: [Port.tcp(80)] }] }))
      .toThrow(/destination other\/api belongs to another App than shop\/flows/);
    expect(() => web.allowTo(foreign, Port.tcp(80))).toThrow(/other\/api belongs to another App than shop\/web/);
    expect(() => new EgressAllowList(chart, 'out', { pods: PodSelection.labels({ app: 'web' }), destinations: [{ peer: foreign, ports: [Port.tcp(80)] }] }))
      .toThrow(/other\/api belongs to another App than shop\/out/);
    // Nothing was recorded: the app synthesizes the namespace's deny-all alone.
    expect(() => app.synth()).not.toThrow();
    expect(chart.toJson().map((o) => `${o.kind} ${o.metadata.name}`)).toEqual(['Namespace shop', 'NetworkPolicy shop-default-deny']);
  });

  test('a Peer value or a construct of the same App is accepted', () => {
    const { chart, web } = twoApps();
    const api = new Tier(chart, 'api', { pods: PodSelection.labels({ app: 'api' }) });
    expect(() => new TierAccess(chart, 'flows', { flows: [{ source: web, destination: api, ports: [Port.tcp(80)] }] })).not.toThrow();
    expect(() => web.allowTo(Peer.pods({ namespaceName: 'other', pods: PodSelection.labels({ app: 'api' }) }), Port.tcp(80))).not.toThrow();
  });
});

describe('an error leaves nothing half-written', () => {
  test('a bad constructPathAnnotation context value: the caught error leaves no Namespace without its default-deny', () => {
    const app = new App();
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    chart.node.setContext('cdk8s-netpol:constructPathAnnotation', 'yes');
    expect(() => new ZeroTrustNamespace(chart, 'ns', { name: 'shop' }))
      .toThrow(/\[shop\/ns\] context "cdk8s-netpol:constructPathAnnotation" is "yes"\. Fix: set it to true or false/);
    expect(chart.toJson()).toEqual([]);
  });
});
