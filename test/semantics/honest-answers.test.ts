import * as fs from 'fs';
import * as path from 'path';
import { pod, policy } from './util';
import { Peer, PodSelection, Port, Reachability } from '../../src';
import { explainServiceFlow, parseServiceRef, resolveService } from '../../src/semantics/services';

const fixture = (name: string) => Reachability.fromYaml(fs.readFileSync(path.join(__dirname, '..', 'cli', 'honest', name), 'utf8'), name);

describe('host-network pods: undecidable offline', () => {
  const reach = fixture('node-exporter.yaml');

  test('a flow to a host-network DaemonSet is neither allowed nor denied, with the reason', () => {
    expect(reach.isAllowed('monitoring/prometheus', 'monitoring/node-exporter', Port.tcp(9100))).toBe(false);
    expect(reach.undecidableReason('monitoring/prometheus', 'monitoring/node-exporter', Port.tcp(9100)))
      .toMatch(/^DaemonSet monitoring\/node-exporter uses the host network \(spec\.hostNetwork: true\).*undefined upstream/);
    expect(() => reach.allows('monitoring/prometheus', 'monitoring/node-exporter', Port.tcp(9100))).toThrow(/to be allowed, but it cannot be decided offline/);
    expect(() => reach.denies('monitoring/grafana', 'monitoring/node-exporter', Port.tcp(9100))).toThrow(/to be denied, but it cannot be decided offline/);
  });

  test('so is a flow from it, and from an address outside the cluster to it', () => {
    expect(reach.undecidableReason('monitoring/node-exporter', 'monitoring/grafana', Port.tcp(3000))).toMatch(/host network/);
    expect(reach.undecidableReason('203.0.113.9', 'monitoring/node-exporter', Port.tcp(9100))).toMatch(/host network/);
    expect(reach.undecidableReason('monitoring/grafana', 'monitoring/prometheus', Port.tcp(9090))).toBeUndefined();
  });

  test('explain says UNDECIDABLE on its first line, then the reason, then what the policies alone say', () => {
    const lines = reach.explain('monitoring/grafana', 'monitoring/node-exporter', Port.tcp(9100)).split('\n');
    expect(lines[0]).toBe('monitoring/grafana -> monitoring/node-exporter on TCP/9100: UNDECIDABLE');
    expect(lines[1]).toMatch(/^ {2}undecidable offline: DaemonSet monitoring\/node-exporter uses the host network/);
    expect(lines[2]).toBe('  the policies alone would DENY it:');
    expect(lines).toContain('    ingress of monitoring/node-exporter: isolated by policy monitoring/node-exporter');
  });

  test('a host-network pod to itself stays allowed, and a missing named port stays denied', () => {
    const r = Reachability.fromObjects([{ ...pod('ns1/agent', { app: 'agent' }), spec: { hostNetwork: true, containers: [{ name: 'c', image: 'c' }] } }, pod('ns1/b')]);
    r.allows('ns1/agent', 'ns1/agent', Port.tcp(80));
    expect(r.undecidableReason('ns1/b', 'ns1/agent', Port.named('http'))).toBeUndefined();
    r.denies('ns1/b', 'ns1/agent', Port.named('http'));
  });

  test('the matrix marks undecidable pairs with ? and says why under the table; the diagonal of the DaemonSet too', () => {
    expect(reach.matrix(Port.tcp(9100))).toBe([
      'reachability on TCP/9100 (rows: from, columns: to; ✓ allowed, · denied, ? undecidable offline; diagonal: a pod to itself, or for * (several pods) one replica to another)',
      '                               1 2 3',
      '1. monitoring/grafana          ✓ ? ✓',
      '2. monitoring/node-exporter *  ? ? ?',
      '3. monitoring/prometheus       ✓ ? ✓',
      `? ${reach.undecidableReason('monitoring/grafana', 'monitoring/node-exporter', Port.tcp(9100))}`,
      '',
    ].join('\n'));
    expect(reach.allowedFlows(Port.tcp(9100))).toEqual(['monitoring/grafana -> monitoring/prometheus', 'monitoring/prometheus -> monitoring/grafana']);
  });

  test('connections leave the pairs of host-network pods out and list the pods apart', () => {
    expect(reach.connections().some((c) => c.source === 'monitoring/node-exporter' || c.destination === 'monitoring/node-exporter')).toBe(false);
    expect(reach.undecidableEndpoints()).toEqual([{ endpoint: 'monitoring/node-exporter', reason: expect.stringMatching(/host network/) }]);
  });

  test('the peer helpers fail on an undecidable pair, whichever way they assert', () => {
    const exporter = Peer.pods({ pods: PodSelection.labels({ 'app.kubernetes.io/name': 'node-exporter' }), namespaceName: 'monitoring' });
    const prometheus = Peer.pods({ pods: PodSelection.labels({ 'app.kubernetes.io/name': 'prometheus' }), namespaceName: 'monitoring' });
    expect(reach.isFlowAllowed(prometheus, exporter, Port.tcp(9100))).toBe(false);
    expect(() => reach.allowsFlow(prometheus, exporter, Port.tcp(9100))).toThrow(/1 pair\(s\) cannot be decided offline/);
    expect(() => reach.deniesFlow(prometheus, exporter, Port.tcp(9100))).toThrow(/1 pair\(s\) cannot be decided offline/);
  });
});

describe('workloads of several replicas: the verdict between two replicas', () => {
  const reach = fixture('replica-mesh.yaml');

  test('a StatefulSet of 3 under deny-all: its replicas cannot reach each other, and the first line says so', () => {
    expect(reach.isAllowed('cache/redis', 'cache/redis', Port.tcp(6379))).toBe(false);
    expect(() => reach.allows('cache/redis', 'cache/redis', Port.tcp(6379))).toThrow(/it is denied/);
    const lines = reach.explain('cache/redis', 'cache/redis', Port.named('redis')).split('\n');
    expect(lines[0]).toBe('cache/redis -> cache/redis on TCP/redis (= TCP/6379 on cache/redis): DENIED between two different replicas (StatefulSet cache/redis: 3 replicas)');
    expect(lines[lines.length - 1]).toMatch(/the same pod \(a replica reaching itself\) is always allowed/);
  });

  test('a rule allowing the peers opens the mesh', () => {
    reach.allows('db/postgres', 'db/postgres', Port.tcp(5432));
    expect(reach.explain('db/postgres', 'db/postgres', Port.tcp(5432))).toMatch(/^db\/postgres -> db\/postgres on TCP\/5432: ALLOWED between two different replicas/);
    expect(reach.allowedFlows(Port.tcp(5432))).toEqual(['db/postgres -> db/postgres']);
    expect(reach.connections().map((c) => c.text)).toEqual(['db/postgres -> db/postgres: TCP/5432']);
  });

  test('a workload of one replica keeps the pod-to-itself answer, and explain says what two replicas would get', () => {
    reach.allows('cache/sentinel-ui', 'cache/sentinel-ui', Port.tcp(6379));
    const text = reach.explain('cache/sentinel-ui', 'cache/sentinel-ui', Port.tcp(6379));
    expect(text.split('\n')[0]).toBe('cache/sentinel-ui -> cache/sentinel-ui on TCP/6379: ALLOWED');
    expect(text).toMatch(/if Deployment cache\/sentinel-ui ran more than one replica \(it declares 1\), between two of them policies would DENY it/);
  });

  test('the matrix diagonal shows the replica verdict for replicated workloads, the self answer for the others', () => {
    expect(reach.matrix(Port.tcp(5432))).toBe([
      'reachability on TCP/5432 (rows: from, columns: to; ✓ allowed, · denied; diagonal: a pod to itself, or for * (several pods) one replica to another)',
      '                      1 2 3',
      '1. cache/redis *      · · ·',
      '2. cache/sentinel-ui  · ✓ ·',
      '3. db/postgres *      · · ✓',
      '',
    ].join('\n'));
  });

  test('a DaemonSet (one pod per node) is a replica mesh too', () => {
    const r = Reachability.fromObjects([
      { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'ns1' }, spec: { template: { metadata: { labels: { app: 'agent' } } } } },
      policy('ns1/deny', { podSelector: {}, policyTypes: ['Ingress'] }),
    ]);
    expect(r.explain('ns1/agent', 'ns1/agent', Port.tcp(7946)).split('\n')[0]).toBe('ns1/agent -> ns1/agent on TCP/7946: DENIED between two different replicas (DaemonSet ns1/agent: one pod per node)');
  });
});

describe('Services resolved to their endpoint pods and pod ports', () => {
  const reach = fixture('webhook.yaml');
  const cluster = reach._cluster();
  const resolve = (ref: string, protocol?: string) => {
    const r = parseServiceRef(ref);
    return resolveService(cluster, r, r.port, protocol);
  };

  test('a numeric targetPort is the pod port on every endpoint', () => {
    const r = resolve('svc/system/webhook-service:443');
    expect(r.backends.map((b) => `${b.endpoint.id}:${b.port}`)).toEqual(['system/controller-manager:9443', 'system/controller-manager-canary:9443']);
  });

  test('a named targetPort is resolved on each endpoint; a pod without it is no endpoint of that port', () => {
    const r = resolve('svc/system/webhook-named:https');
    expect(r.backends.map((b) => `${b.endpoint.id}:${b.port}`)).toEqual(['system/controller-manager:9443']);
    expect(r.skipped).toEqual(['system/controller-manager-canary declares no TCP container port named "webhook-server", so it is not an endpoint of this port']);
  });

  test.each([
    ['svc/system/nope:80', /^unknown Service system\/nope: .*Services there: external-db, orphan, webhook-named, webhook-service$/],
    ['svc/system/webhook-service:9443', /^Service system\/webhook-service has no port 9443: its ports are 443\/TCP; .*a Service port, not a pod port/],
    ['svc/system/external-db:5432', /^Service system\/external-db has no spec\.selector/],
    ['svc/system/orphan:80', /^Service system\/orphan has no endpoints in the input: .*\(app=gone\)/],
    ['svc/system/webhook-named:metrics', /^no endpoint of Service system\/webhook-named declares a TCP container port named "metrics-http"/],
    ['svc/system', /is not a Service reference: write svc\/NAMESPACE\/NAME/],
  ])('%s is an error that says what to fix', (ref, message) => {
    expect(() => resolve(ref)).toThrow(message);
  });

  test('the summary counts the endpoints the flow reaches: a policy on the Service port 443 admits nothing on 9443', () => {
    const to = resolve('svc/system/webhook-service:443');
    const text = explainServiceFlow(cluster, { text: 'clients/caller', targets: [{ target: reach._target('clients/caller') }] },
      { text: 'svc/system/webhook-service:443', service: to, targets: to.backends.map((b) => ({ target: { endpoint: b.endpoint, id: b.endpoint.id }, port: b.port })) },
      undefined);
    const lines = text.split('\n');
    expect(lines[0]).toBe('clients/caller -> Service system/webhook-service:443 (TCP/443 -> targetPort 9443): PARTLY ALLOWED: allowed to 1 of 2 endpoints');
    expect(lines).toContain('  clients/caller -> system/controller-manager-canary on TCP/9443: DENIED');
  });
});
