import { namespace, pod, policy } from './util';
import { ConnectionDiff, Peer, PodSelection, Port, Reachability, Tier, ZeroTrustNamespace } from '../../src';
import { ConnectionAnalysis } from '../../src/analysis/connections';
import { withSharedStandIns } from '../../src/semantics/stand-ins';
import { lintJson, ruleIds } from '../lint/util';
import { addPod, newChart } from '../util/synth';

const INGRESS = 'ingress-nginx/stand-in[app.kubernetes.io/name=ingress-nginx]';
const KAFKA = 'streaming/stand-in[app=kafka]';
const DNS = 'kube-system/stand-in[k8s-app=kube-dns]';

/** A platform as a newcomer writes it: its own pods, and peers it names but does not hold. */
function platform(options: { withPods?: boolean } = {}) {
  const chart = newChart({ namespace: 'shop' });
  new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
  const web = new Tier(chart, 'web', { pods: PodSelection.labels({ app: 'web' }) });
  web.allowFrom(Peer.ingressController(), Port.tcp(8080));
  web.allowTo(Peer.pods({ namespaceName: 'streaming', pods: PodSelection.labels({ app: 'kafka' }) }), Port.tcp(9092));
  if (options.withPods !== false) addPod(chart, 'shop', 'web', { app: 'web' });
  return chart;
}

const rows = (reach: Reachability) => reach.connections().map((c) => c.text);

describe('connections list the pods the policies name and the input does not hold, as stand-ins', () => {
  test('an ingress controller, Kafka and DNS: each a marked stand-in, with exactly the flows the policies allow', () => {
    const reach = Reachability.of(platform());
    const texts = rows(reach);
    expect(texts).toContain(`${INGRESS} -> shop/web: TCP/8080`);
    expect(texts).toContain(`shop/web -> ${KAFKA}: TCP/9092`);
    expect(texts).toContain(`shop/web -> ${DNS}: TCP/53 UDP/53`);
    // Denied: Kafka and DNS may not open connections to web; web reaches nothing else in the cluster.
    expect(texts.filter((t) => t.endsWith('-> shop/web: TCP/8080') || t.includes('-> shop/web:'))).toEqual([`${INGRESS} -> shop/web: TCP/8080`]);
    expect(texts.filter((t) => t.startsWith('shop/web ->'))).toEqual([`shop/web -> ${DNS}: TCP/53 UDP/53`, `shop/web -> ${KAFKA}: TCP/9092`]);

    // Marked: on each connection, and listed with where the peer is written.
    const c = reach.connections().find((x) => x.text === `${INGRESS} -> shop/web: TCP/8080`)!;
    expect(c.sourceStandIn).toMatch(/^NetworkPolicy shop\/web-flows spec\.ingress\[0\]\.from\[0\]$/);
    expect(c.destinationStandIn).toBeUndefined();
    expect(reach.standIns().map((s) => s.endpoint)).toEqual([INGRESS, DNS, KAFKA]);

    // The input's own pods are what they were: endpoints() and the matrix do not list stand-ins.
    expect(reach.endpoints()).toEqual(['shop/web']);
    // Single flows take the stand-ins' names, as connections prints them.
    reach.allows(INGRESS, 'shop/web', Port.tcp(8080));
    reach.denies(INGRESS, 'shop/web', Port.tcp(8081));
    reach.denies(KAFKA, 'shop/web', Port.tcp(8080));
    expect(reach.explain(INGRESS, 'shop/web', Port.tcp(8080))).toMatch(/ALLOWED/);
  });

  test('stand-ins change no answer between the pods of the input', () => {
    const reach = Reachability.of(platform());
    const held = new ConnectionAnalysis(reach._cluster());
    const expected: string[] = [];
    held.forEach((from, to, set) => { if (from.endpoint && to.endpoint) expected.push(`${from.id} -> ${to.id} ${JSON.stringify([...set.byProtocol])}`); });
    const actual: string[] = [];
    reach._connections().forEach((from, to, set) => {
      if (from.endpoint && to.endpoint && !from.endpoint.standIn && !to.endpoint.standIn) actual.push(`${from.id} -> ${to.id} ${JSON.stringify([...set.byProtocol])}`);
    });
    expect(actual).toEqual(expected);
  });

  test('an app of policies only: its tiers stand in too, so the flows it declares are listed', () => {
    const reach = Reachability.of(platform({ withPods: false }));
    expect(reach.endpoints()).toEqual([]);
    expect(rows(reach)).toContain(`${INGRESS} -> shop/stand-in[app=web]: TCP/8080`);
    expect(reach.standIns().find((s) => s.endpoint === 'shop/stand-in[app=web]')!.peer).toBe('NetworkPolicy shop/web-flows spec.podSelector');
  });

  test('no stand-in for a peer the input holds a pod of: the pod is used', () => {
    const chart = platform();
    addPod(chart, 'ingress-nginx', 'controller', { 'app.kubernetes.io/name': 'ingress-nginx' });
    const reach = Reachability.of(chart);
    expect(reach.standIns().map((s) => s.endpoint)).toEqual([DNS, KAFKA]);
    expect(rows(reach)).toContain('ingress-nginx/controller -> shop/web: TCP/8080');
  });

  test('no stand-in where no pod can match: contradictory requirements, or a declared namespace whose labels the selector refuses', () => {
    const reach = Reachability.fromObjects([
      namespace('data', { team: 'a' }),
      pod('shop/web', { app: 'web' }),
      policy('shop/web', {
        podSelector: { matchLabels: { app: 'web' } },
        ingress: [{
          from: [
            { podSelector: { matchLabels: { app: 'x' }, matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['x'] }] } },
            { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'data', 'team': 'b' } }, podSelector: { matchLabels: { app: 'etl' } } },
          ],
        }],
      }),
    ]);
    expect(reach.standIns()).toEqual([]);
    expect(rows(reach).filter((t) => t.endsWith('-> shop/web: TCP/* UDP/* SCTP/*'))).toEqual([]);
  });

  test('a namespace the input only refers to takes the labels a stand-in needs, unless it holds pods of the input', () => {
    const peer = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'data', 'team': 'etl' } }, podSelector: { matchLabels: { app: 'etl' } } };
    const allowFromEtl = policy('shop/web', { podSelector: {}, ingress: [{ from: [peer] }] });
    // data is only referred to: a stand-in there, with team=etl.
    const empty = Reachability.fromObjects([pod('shop/web', { app: 'web' }), allowFromEtl]);
    expect(empty.standIns().map((s) => s.endpoint)).toEqual(['data/stand-in[app=etl]']);
    expect(rows(empty)).toContain('data/stand-in[app=etl] -> shop/web: TCP/* UDP/* SCTP/*');
    // data holds a pod of the input: its labels are what the input says (only its name), so the peer matches nothing
    // there, and no stand-in changes what data/other may do.
    const held = Reachability.fromObjects([pod('shop/web', { app: 'web' }), pod('data/other', { app: 'other' }), allowFromEtl]);
    expect(held.standIns()).toEqual([]);
    held.denies('data/other', 'shop/web', Port.tcp(80));
  });

  test('a namespace selector without a name: a namespace of the input it selects, else one of its own with the labels', () => {
    const peer = (team: string) => ({ namespaceSelector: { matchLabels: { team } }, podSelector: { matchLabels: { app: 'etl' } } });
    const reach = Reachability.fromObjects([
      namespace('data', { team: 'a' }),
      pod('shop/web', { app: 'web' }),
      policy('shop/web', { podSelector: {}, ingress: [{ from: [peer('a'), peer('b')] }] }),
    ]);
    expect(reach.standIns().map((s) => s.endpoint)).toEqual(['data/stand-in[app=etl]', 'stand-in[team=b]/stand-in[app=etl]']);
    reach.allows('stand-in[team=b]/stand-in[app=etl]', 'shop/web', Port.tcp(80));
    // Every namespace: one of its own, so that no policy of the app's namespaces applies to it.
    const any = Reachability.fromObjects([
      pod('shop/web', { app: 'web' }),
      policy('shop/web', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'otel' } } }] }] }),
    ]);
    expect(any.standIns().map((s) => s.endpoint)).toEqual(['stand-in/stand-in[app=otel]']);
  });

  test('the same input in another order gives the same stand-ins', () => {
    const objects = [
      pod('shop/web', { app: 'web' }),
      policy('shop/a', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'x' } } }] }] }),
      policy('shop/b', { podSelector: {}, egress: [{ to: [{ namespaceSelector: { matchLabels: { team: 't' } } }] }] }),
    ];
    const ids = (xs: any[]) => Reachability.fromObjects(xs).standIns();
    expect(ids([...objects].reverse())).toEqual(ids(objects));
  });
});

describe('diff compares over the stand-ins of both inputs', () => {
  const base = [
    pod('shop/web', { app: 'web' }),
    policy('shop/deny', { podSelector: {}, policyTypes: ['Ingress'] }),
  ];
  const fromIngress = policy('shop/web', {
    podSelector: { matchLabels: { app: 'web' } },
    ingress: [{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } } }],
      ports: [{ port: 8080 }],
    }],
  });

  test('a rule newly admitting pods the input does not hold is an addition, and broadening', () => {
    const diff = ConnectionDiff.between(Reachability.fromObjects(base), Reachability.fromObjects([...base, fromIngress]));
    expect(diff.added.map((c) => c.text)).toEqual([`${INGRESS} -> shop/web: TCP/8080`]);
    expect(diff.added[0].openedBy).toEqual([`egress of ${INGRESS}: not isolated for Egress`, 'ingress of shop/web: NetworkPolicy shop/web spec.ingress[0]']);
    expect(diff.isBroadening).toBe(true);
    expect(diff.removed).toEqual([]);
  });

  test('the other way round, a removal', () => {
    const diff = ConnectionDiff.between(Reachability.fromObjects([...base, fromIngress]), Reachability.fromObjects(base));
    expect(diff.added).toEqual([]);
    expect(diff.removed.map((c) => c.text)).toEqual([`${INGRESS} -> shop/web: TCP/8080`]);
  });

  test('the same peer in both inputs: no change', () => {
    const diff = ConnectionDiff.between(Reachability.fromObjects([...base, fromIngress]), Reachability.fromObjects([...base, fromIngress]));
    expect(diff.added).toEqual([]);
    expect(diff.removed).toEqual([]);
  });
});

describe('pods declared as stand-ins (cdk8s-netpol.dev/stand-in)', () => {
  const declared = (id: string, labels: { [key: string]: string }, why: string) => {
    const p = pod(id, labels, { ports: [{ name: 'tcp-clients', containerPort: 9092 }] });
    return { ...p, metadata: { ...p.metadata, annotations: { 'cdk8s-netpol.dev/stand-in': why } } };
  };
  const app = [
    namespace('shop'),
    pod('shop/web', { app: 'web' }),
    policy('shop/deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'], egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] }),
    policy('shop/web', {
      podSelector: { matchLabels: { app: 'web' } },
      egress: [{
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'streaming' } }, podSelector: { matchLabels: { 'strimzi.io/cluster': 'events' } } }],
        ports: [{ port: 'tcp-clients' }],
      }],
    }),
  ];

  test('lint does not judge them, nor a namespace that holds only them, as the app\'s own', () => {
    const kafka = declared('streaming/events-kafka-0', { 'strimzi.io/cluster': 'events' }, 'brokers the Strimzi operator creates from Kafka streaming/events');
    const withDeclared = lintJson([...app, kafka]);
    expect(withDeclared.findings.filter((f) => f.object === 'Namespace streaming' || f.object.endsWith('streaming/events-kafka-0'))).toEqual([]);
    // The same pod without the annotation is the app's: its namespace has no default-deny (NP001, NP002).
    const { metadata: { annotations: _, ...metadata }, ...rest } = kafka as any;
    const asOwn = lintJson([...app, { ...rest, metadata }]);
    expect(asOwn.findings.filter((f) => f.object === 'Namespace streaming').map((f) => f.ruleId).sort()).toEqual(['NP001', 'NP002']);
    // A declared pod still satisfies the peers and named ports that name it: no NP005, no NP013.
    expect(ruleIds(withDeclared).filter((id) => id === 'NP005' || id === 'NP013')).toEqual([]);
  });

  test('connections mark them, with where they are declared and what they stand for', () => {
    const reach = Reachability.fromObjects([...app, declared('streaming/events-kafka-0', { 'strimzi.io/cluster': 'events' }, 'Kafka brokers')]);
    expect(reach.standIns()).toEqual([{ endpoint: 'streaming/events-kafka-0', declared: 'declared in objects[4]: "Kafka brokers"' }]);
    const c = reach.connections().find((x) => x.source === 'shop/web' && x.destination === 'streaming/events-kafka-0')!;
    expect(c.text).toBe('shop/web -> streaming/events-kafka-0: TCP/9092 UDP/53');
    expect(c.destinationStandIn).toBe('declared in objects[4]: "Kafka brokers"');
  });
});

describe('stand-ins of two inputs', () => {
  test('a stand-in that fits a peer in one input only does not stand for it in the other', () => {
    // fast-check found it: ns2 is env=a before and env=b after; the subject stand-in of ns2 matched the newer input's
    // peer "namespaces env=a" only in the older input, so the newer input had no pod of that peer at all.
    const older = Reachability.fromObjects([
      namespace('ns2', { env: 'a' }),
      pod('ns1/p0'),
      policy('ns2/np0', { podSelector: {} }),
    ])._cluster();
    const newer = Reachability.fromObjects([
      namespace('ns2', { env: 'b' }),
      pod('ns1/p0'),
      policy('ns1/np0', { podSelector: {}, egress: [{ to: [{ namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['a'] }] } }] }] }),
    ])._cluster();
    const [a, b] = withSharedStandIns(older, newer);
    const ids = (c: any) => c.endpoints.map((e: any) => e.id);
    expect(ids(a)).toEqual(['ns1/p0', 'ns2/stand-in', 'stand-in[env=a]/stand-in']);
    const [a2, b2] = withSharedStandIns(a, b);
    expect(ids(a2)).toEqual(ids(a));
    expect(ids(b2)).toEqual(ids(b));
  });
});
