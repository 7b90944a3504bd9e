import * as path from 'path';
import { App, Chart, Include, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { ConnectionDiff, Protocol, Reachability } from '../../src';
import { ConnectionAnalysis } from '../../src/analysis/connections';
import { DiffEntry, diffClusters } from '../../src/analysis/diff';
import { ipBlockCidrs } from '../../src/analysis/external';
import * as ps from '../../src/model/port-set';
import { Cluster } from '../../src/semantics/model';
import { withSharedStandIns } from '../../src/semantics/stand-ins';
import { clusterArb } from '../semantics/arbitraries';

const fixtures = path.join(__dirname, '..', 'fixtures', 'diff');

/** An app whose one chart holds the objects of a synthesized manifest. */
function appOf(file: string): App {
  const app = Testing.app();
  const chart = new Chart(app, 'secure-app');
  new Include(chart, 'manifest', { url: path.join(fixtures, file) });
  return app;
}

describe('ConnectionDiff between two apps', () => {
  test('names the connection a change adds, with the rules and construct that open it', () => {
    const diff = ConnectionDiff.between(Reachability.of(appOf('secure-app-base.yaml')), Reachability.of(appOf('secure-app-head.yaml')));
    expect(diff.isBroadening).toBe(true);
    expect(diff.removed).toEqual([]);
    expect(diff.added).toEqual([{
      source: 'secure-app/frontend',
      destination: 'secure-app/database',
      protocol: Protocol.TCP,
      ranges: [{ first: 5432, last: 5432 }],
      openedBy: [
        'egress of secure-app/frontend: NetworkPolicy secure-app/frontend-flows spec.egress[1] (construct "secure-app/tiers")',
        'ingress of secure-app/database: NetworkPolicy secure-app/database-flows spec.ingress[0] (construct "secure-app/tiers")',
      ],
      text: 'secure-app/frontend -> secure-app/database: TCP/5432',
    }]);
  });

  test('is empty and not broadening for the same input', () => {
    const diff = ConnectionDiff.between(Reachability.of(appOf('secure-app-base.yaml')), Reachability.of(appOf('secure-app-base.yaml')));
    expect(diff.isBroadening).toBe(false);
    expect(diff.toString()).toBe('no change in allowed connections\n');
  });

  test('reports a narrower port range as a removal of the difference only', () => {
    const doc = (ports: string) => [
      'apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: ns1, labels: {app: a}}',
      'apiVersion: v1\nkind: Pod\nmetadata: {name: b, namespace: ns1, labels: {app: b}}',
      `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: b, namespace: ns1}\nspec:\n  podSelector: {matchLabels: {app: b}}\n  ingress: [{from: [{podSelector: {matchLabels: {app: a}}}], ports: ${ports}}]`,
    ].join('\n---\n');
    const diff = ConnectionDiff.between(Reachability.fromYaml(doc('[{port: 8000, endPort: 8100}]')), Reachability.fromYaml(doc('[{port: 8050, endPort: 8100}, {port: 53, protocol: UDP}]')));
    expect(diff.added.map((c) => c.text)).toEqual(['ns1/a -> ns1/b: UDP/53']);
    expect(diff.removed.map((c) => c.text)).toEqual(['ns1/a -> ns1/b: TCP/8000-8049']);
  });
});

describe('diff laws on random small clusters', () => {
  /** Every (from, to, protocol) -> ports of a cluster, with the outside cut as in the diff. */
  function connectionsOf(cluster: Cluster, other: Cluster): Map<string, string> {
    const out = new Map<string, string>();
    new ConnectionAnalysis(cluster, { extraCidrs: ipBlockCidrs(other) }).forEach((f, t, set) => {
      for (const [protocol, ranges] of set.byProtocol) out.set(`${f.id} -> ${t.id} ${protocol}`, JSON.stringify(ranges));
    });
    return out;
  }

  test('added is what the newer allows beyond the older, removed the reverse, broadening when anything was added', () => {
    fc.assert(fc.property(clusterArb, clusterArb, (x, y) => {
      // diffClusters gives both inputs the same stand-ins; the law is checked over those very clusters.
      const [rawA, rawB] = [Reachability.fromObjects(x)._cluster(), Reachability.fromObjects(y)._cluster()];
      const [a, b] = withSharedStandIns(rawA, rawB);
      const d = diffClusters(rawA, rawB);
      const [ca, cb] = [connectionsOf(a, b), connectionsOf(b, a)];
      const minus = (p: Map<string, string>, q: Map<string, string>) => {
        const out: string[] = [];
        for (const [k, v] of p) {
          const protocol = k.slice(k.lastIndexOf(' ') + 1);
          const ranges = (text: string | undefined): number[][] => (text ? JSON.parse(text) : []);
          const set = (text: string | undefined) => ps.portSetOf(ranges(text).map(([first, last]) => ({ protocol, first, last })));
          const rest = ps.difference(set(v), set(q.get(k)));
          if (!ps.isEmpty(rest)) out.push(`${k} ${ps.portSetText(rest)}`);
        }
        return out.sort();
      };
      const entries = (xs: DiffEntry[]) => xs.map((e) => `${e.from} -> ${e.to} ${e.protocol} ${ps.portSetText(ps.portSetOf(e.ports.map(([first, last]) => ({ protocol: e.protocol, first, last }))))}`).sort();
      expect(entries(d.added)).toEqual(minus(cb, ca));
      expect(entries(d.removed)).toEqual(minus(ca, cb));
      expect(d.broadening).toBe(d.added.length > 0);
      expect(diffClusters(rawA, rawA)).toEqual({ added: [], removed: [], broadening: false, unanalyzed: [] });
    }), { numRuns: 100 });
  });
});
