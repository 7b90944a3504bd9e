import * as fc from 'fast-check';
import { flowLine, podEnd } from './util';
import { Reachability } from '../../src';
import { parseFlowLine, SKIP } from '../../src/replay/flows';
import { evaluateFlow } from '../../src/semantics/evaluate';
import { clusterArb } from '../semantics/arbitraries';
import { namespace, pod, policy } from '../semantics/util';

const WEB = podEnd('shop/web', '10.0.1.5');
const API = (port = 8080) => podEnd('shop/api', '10.0.2.7', port);

/** shop: web and api (http 8080), a Node, and a candidate policy that lets web reach api on 8080 only. */
const objects = (candidate: 'open' | 'closed' = 'open') => [
  namespace('shop'),
  pod('shop/web', { app: 'web' }, { ip: '10.0.1.5' }),
  pod('shop/api', { app: 'api' }, { ip: '10.0.2.7', ports: [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9090 }] }),
  pod('shop/agent', { app: 'agent' }, { ip: '192.168.0.10' }),
  { ...pod('shop/agent-host', { app: 'agent-host' }, { ip: '192.168.0.11' }), spec: { hostNetwork: true, containers: [{ name: 'c', image: 'x' }] } },
  { apiVersion: 'v1', kind: 'Node', metadata: { name: 'worker-1' }, status: { addresses: [{ type: 'InternalIP', address: '192.168.0.2' }] } },
  { apiVersion: 'v1', kind: 'Node', metadata: { name: 'worker-2' }, status: { addresses: [{ type: 'InternalIP', address: '192.168.0.3' }] } },
  policy('shop/api', {
    podSelector: { matchLabels: { app: 'api' } },
    ingress: candidate === 'open' ? [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 8080 }] }] : [],
    policyTypes: ['Ingress'],
  }),
];

const replay = (lines: string[], candidate: 'open' | 'closed' = 'open') => Reachability.fromObjects(objects(candidate)).replay(lines.join('\n') + '\n');
const conns = (r: ReturnType<typeof replay>) => r.connections.map((c) => `${c.source} -> ${c.destination} ${c.protocol}/${c.port} ${c.verdict}${c.worked ? '' : ' (dropped)'}`);
const skipped = (r: ReturnType<typeof replay>) => Object.fromEntries(r.coverage.skipped.map((s) => [s.reason, s.lines]));

describe('which lines name a connection, and who initiated it', () => {
  test('is_reply false: the source initiated it; is_reply true, the deprecated reply: true, and a SYN+ACK are replies', () => {
    const r = replay([
      flowLine(WEB, API(), { isReply: false, direction: 'INGRESS' }),
      flowLine(API(), WEB, { isReply: true, flags: { ACK: true }, direction: 'EGRESS' }),
      flowLine(API(), WEB, { reply: true, flags: { ACK: true } }),
      flowLine(API(), WEB, { flags: { SYN: true, ACK: true } }),
    ]);
    expect(conns(r)).toEqual(['shop/web -> shop/api TCP/8080 allowed']);
    expect(skipped(r)).toEqual({ [SKIP.reply]: 3 });
  });

  test('without is_reply: a policy drop or a TCP SYN without ACK is the initiator\'s; anything else is not attributable', () => {
    const r = replay([
      flowLine(WEB, API(9090), { verdict: 'DROPPED', dropReason: 'POLICY_DENIED', direction: 'EGRESS' }),
      flowLine(WEB, API(), { flags: { SYN: true } }),
      flowLine(API(), WEB, { flags: { ACK: true } }), // mid-stream overlay packet
      flowLine(WEB, API(), { protocol: 'UDP' }),
    ]);
    expect(conns(r)).toEqual(['shop/web -> shop/api TCP/8080 allowed', 'shop/web -> shop/api TCP/9090 denied (dropped)']);
    expect(skipped(r)).toEqual({ [SKIP.unattributable]: 2 });
  });

  test('traffic_direction never decides: a request delivered on the same node can say EGRESS', () => {
    const r = replay([flowLine(WEB, API(), { isReply: false, direction: 'EGRESS' })]);
    expect(conns(r)).toEqual(['shop/web -> shop/api TCP/8080 allowed']);
  });

  test('verdicts in scope, and drops by policy by name or number; other verdicts and drops are counted', () => {
    const r = replay([
      ...['FORWARDED', 'REDIRECTED', 'AUDIT', 'TRACED'].map((verdict) => flowLine(WEB, API(), { verdict, isReply: false })),
      flowLine(WEB, API(9091), { verdict: 'DROPPED', dropReason: 'POLICY_DENY' }),
      flowLine(WEB, API(9092), { verdict: 'DROPPED', dropReasonNumber: 133 }),
      flowLine(WEB, API(9093), { verdict: 'DROPPED', dropReasonNumber: 181 }),
      flowLine(WEB, API(9094), { verdict: 'DROPPED', dropReason: 'CT_MAP_INSERTION_FAILED' }),
      flowLine(WEB, API(), { verdict: 'ERROR', isReply: false }),
      flowLine(WEB, API(), { verdict: 'TRANSLATED', type: 'SOCK', isReply: false }),
      flowLine(WEB, API(), { protocol: 'ICMPv4', isReply: false }),
    ]);
    expect(r.connections.find((c) => c.port === 8080)!.flows).toBe(4);
    expect(conns(r)).toEqual([
      'shop/web -> shop/api TCP/8080 allowed',
      'shop/web -> shop/api TCP/9091 denied (dropped)',
      'shop/web -> shop/api TCP/9092 denied (dropped)',
      'shop/web -> shop/api TCP/9093 denied (dropped)',
    ]);
    expect(skipped(r)).toEqual({ [SKIP.otherDrop]: 1, [SKIP.error]: 1, [SKIP.sock]: 1, [SKIP.icmp]: 1 });
  });

  test('L7 records are evidence of their L4 connection; repeats from new source ports and other nodes collapse into one', () => {
    const r = replay([
      flowLine(WEB, API(), { l7: true, isReply: false }),
      flowLine({ ...WEB, port: 50001 }, API(), { isReply: false, node: 'kind/worker-2', time: '2026-12-01T11:00:00Z' }),
      flowLine({ ...WEB, port: 50002 }, API(), { isReply: false, time: '2026-12-01T09:00:00Z' }),
    ]);
    expect(r.connections).toHaveLength(1);
    expect(r.connections[0]).toMatchObject({ flows: 3, firstSeen: '2026-12-01T09:00:00Z', lastSeen: '2026-12-01T11:00:00Z' });
  });

  test('a pod talking to itself is ignored', () => {
    const r = replay([flowLine(WEB, { ...WEB, port: 8080 }, { isReply: false })]);
    expect(r.connections).toEqual([]);
    expect(r.coverage.skipped).toEqual([{ reason: 'a pod to itself', lines: 1 }]);
  });

  test('blank lines, lines that are not JSON, lost_events and node_status are counted, never an error', () => {
    const r = replay(['', 'level=info msg="starting"', '{"flow":{"verdict":"FORW', '{"lost_events":{"source":"HUBBLE_RING_BUFFER","num_events_lost":"572"},"node_name":"kind/worker-1"}', '{"node_status":{"state_change":"NODE_CONNECTED","node_names":["kind/worker-1"]}}']);
    expect(skipped(r)).toEqual({ [SKIP.blank]: 1, [SKIP.notJson]: 2, [SKIP.lostEvents]: 1, [SKIP.nodeStatus]: 1 });
    expect(r.coverage.lines).toBe(5);
  });

  test('legacy bare Flow lines and lowerCamelCase field names read alike', () => {
    const wrapped = JSON.parse(flowLine(WEB, API(), { isReply: false }));
    const camel = JSON.stringify(wrapped.flow).replace(/"pod_name"/g, '"podName"').replace(/"is_reply"/g, '"isReply"')
      .replace(/"destination_port"/g, '"destinationPort"').replace(/"source_port"/g, '"sourcePort"');
    expect(conns(replay([JSON.stringify(wrapped.flow)]))).toEqual(['shop/web -> shop/api TCP/8080 allowed']);
    expect(conns(replay([camel]))).toEqual(['shop/web -> shop/api TCP/8080 allowed']);
    expect('attempt' in parseFlowLine(camel)).toBe(true);
  });
});

describe('endpoints', () => {
  test('by name, else by IP; a Node address, a host-network pod and a reserved identity are undecidable; world is an address', () => {
    const r = replay([
      flowLine({ ip: '10.0.1.5' }, API(), { isReply: false }), // web by IP, without pod fields
      flowLine({ ip: '192.168.0.2', labels: ['reserved:host'], identity: 1 }, API(), { isReply: false }),
      flowLine({ ip: '192.168.0.3', labels: ['reserved:remote-node'], identity: 6 }, API(9090), { isReply: false }),
      flowLine(podEnd('shop/agent-host', '192.168.0.11'), API(9090), { isReply: false }),
      flowLine({ ip: '192.168.0.11', labels: ['reserved:host'] }, API(8080), { isReply: false, flags: { SYN: true } }),
      flowLine({ ip: '172.16.0.9', labels: ['reserved:kube-apiserver', 'reserved:world'], identity: 16777217 }, API(), { isReply: false }),
      flowLine(WEB, { ip: '203.0.113.9', port: 443, labels: ['reserved:world'] }, { isReply: false }),
      flowLine(WEB, { ip: '198.51.100.7', port: 443, labels: ['cidr:198.51.100.0/24', 'reserved:world'], identity: 16777218 }, { isReply: false }),
      flowLine({ ip: '10.9.9.9', namespace: 'other', pod: 'gone', labels: ['k8s:app=gone'] }, API(), { isReply: false }),
    ]);
    expect(r.connections.map((c) => `${c.source} -> ${c.destination}:${c.port} ${c.verdict}${c.reason ? ` (${c.reason})` : ''}`)).toEqual([
      '172.16.0.9 -> shop/api:8080 undecidable (172.16.0.9 is Cilium\'s reserved:kube-apiserver, not a pod or an outside address)',
      '192.168.0.11 -> shop/api:8080 undecidable (192.168.0.11 is host-network pod shop/agent-host)',
      '192.168.0.2 -> shop/api:8080 undecidable (192.168.0.2 is an address of Node worker-1)',
      '192.168.0.3 -> shop/api:9090 undecidable (192.168.0.3 is an address of Node worker-2)',
      'shop/agent-host -> shop/api:9090 undecidable (shop/agent-host uses the host network)',
      'shop/web -> 198.51.100.7:443 allowed',
      'shop/web -> 203.0.113.9:443 allowed',
      'shop/web -> shop/api:8080 allowed',
    ]);
    expect(skipped(r)).toEqual({ 'an end is a pod the input does not hold (identity labels, no pod of that name or IP)': 1 });
  });
});

describe('replay against candidate policies', () => {
  const recorded = [
    flowLine(WEB, API(), { isReply: false, node: 'kind/worker-1', time: '2026-12-01T10:00:00Z' }),
    flowLine(podEnd('shop/agent', '192.168.0.10'), API(9090), { isReply: false, node: 'kind/worker-1', time: '2026-12-01T10:05:00Z' }),
  ];

  test('what breaks: a connection that worked and that the candidate denies, with the policy and the missing rule', () => {
    const r = replay(recorded, 'closed');
    expect(r.breaks.map((c) => `${c.source} -> ${c.destination} ${c.protocol}/${c.port}`)).toEqual([
      'shop/agent -> shop/api TCP/9090',
      'shop/web -> shop/api TCP/8080',
    ]);
    expect(r.breaks[1].explanation).toMatch(/ingress of shop\/api: isolated by policy shop\/api/);
    expect(r.breaks[1].explanation).toMatch(/DENIED/);
    // The open candidate lets web through but not the agent's scrape.
    expect(replay(recorded, 'open').breaks.map((c) => c.source)).toEqual(['shop/agent']);
  });

  test('what it allows that nobody used, on the ports the destination declares', () => {
    const r = replay(recorded, 'open');
    // web may reach api on 8080 (used); the agent and api are not isolated for egress/ingress elsewhere.
    expect(r.unobserved.map((u) => `${u.source} -> ${u.destination} ${u.protocol}/${u.port}`)).toEqual([]);
    const wide = Reachability.fromObjects(objects('open').filter((o) => o.kind !== 'NetworkPolicy')).replay(recorded.join('\n'));
    expect(wide.unobserved.map((u) => `${u.source} -> ${u.destination} ${u.protocol}/${u.port}`)).toEqual([
      'shop/agent -> shop/api TCP/8080',
      'shop/web -> shop/api TCP/9090',
    ]);
  });

  test('coverage: the window, the nodes that reported and those that did not, workloads never seen', () => {
    const r = replay(recorded);
    expect(r.coverage).toMatchObject({
      firstTime: '2026-12-01T10:00:00Z',
      lastTime: '2026-12-01T10:05:00Z',
      nodesReporting: ['worker-1'],
      nodesSilent: ['worker-2'],
      neverSeen: ['shop/agent-host'],
    });
  });
});

describe('replay agrees with the engine on random clusters', () => {
  test('flows recorded under a cluster\'s own policies replay with no break, and every verdict is the engine\'s', () => {
    const picksArb = fc.array(fc.tuple(fc.nat(4), fc.nat(4), fc.constantFrom(80, 8080, 53)), { minLength: 1, maxLength: 8 });
    fc.assert(fc.property(clusterArb, picksArb, (objs, picks) => {
      const reach = Reachability.fromObjects(objs);
      const cluster = reach._cluster();
      const pods = cluster.endpoints.filter((e) => e.ips.length > 0);
      if (pods.length < 2) return;
      const lines: string[] = [];
      const truth = new Map<string, boolean>();
      for (const [i, j, port] of picks) {
        const a = pods[i % pods.length];
        const b = pods[j % pods.length];
        if (a === b) continue;
        const protocol = port === 53 ? 'UDP' : 'TCP';
        const allowed = evaluateFlow(cluster, { endpoint: a, id: a.id }, { endpoint: b, id: b.id }, { protocol, port }).allowed;
        truth.set(`${a.id} -> ${b.id} ${protocol}/${port}`, allowed);
        const [ns, name] = a.id.split('/');
        const [ns2, name2] = b.id.split('/');
        const ip = (e: typeof a) => `10.0.0.${Number(e.ips[0].value & 255n)}`;
        lines.push(flowLine({ ip: ip(a), namespace: ns, pod: name }, { ip: ip(b), namespace: ns2, pod: name2, port }, allowed
          ? { protocol, isReply: false }
          : { protocol, verdict: 'DROPPED', dropReason: 'POLICY_DENIED' }));
      }
      const r = reach.replay(lines.join('\n'));
      expect(r.breaks).toEqual([]);
      const judged = new Map(r.connections.map((c) => [`${c.source} -> ${c.destination} ${c.protocol}/${c.port}`, c.verdict === 'allowed']));
      expect(judged).toEqual(truth);
    }), { numRuns: 150 });
  });
});
