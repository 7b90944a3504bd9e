/**
 * ClusterNetworkPolicy semantics, case by case. The expectations transcribe those of network-policy-api's
 * conformance suite (admin and baseline tiers: ingress/egress rules per protocol, Pass, priorities, the
 * Admin / NetworkPolicy / Baseline integration, inline CIDRs, named ports); the fixtures are our own.
 */
import { clusterPolicy, inTeam, namespace, pod, policy, team } from './util';
import { Port, Reachability } from '../../src';


/** Two namespaces of pods that serve web (TCP 80), 8080, dns (UDP 53) and 9003 (SCTP), and an outsider. */
const CLUSTER = [
  namespace('north', { team: 'north' }),
  namespace('south', { team: 'south' }),
  namespace('east', { team: 'east' }),
  ...['north/a', 'north/b', 'south/c', 'south/d', 'east/e'].map((id, i) => pod(id, { app: id.split('/')[1] }, {
    ip: `10.0.${i}.1`,
    ports: [{ name: 'web', containerPort: 80 }, { containerPort: 8080 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }, { containerPort: 9003, protocol: 'SCTP' }],
  })),
];
const reach = (...objects: any[]) => Reachability.fromObjects([...CLUSTER, ...objects]);

const admin = (name: string, priority: number, spec: any) => clusterPolicy(name, { tier: 'Admin', priority, ...spec });
const baseline = (name: string, priority: number, spec: any) => clusterPolicy(name, { tier: 'Baseline', priority, ...spec });
const denyIngressFromSouth = (action = 'Deny') => ({ subject: inTeam('north'), ingress: [{ name: 'from-south', action, from: [inTeam('south')] }] });
const denyEgressToSouth = (action = 'Deny') => ({ subject: inTeam('north'), egress: [{ name: 'to-south', action, to: [inTeam('south')] }] });
const npAllowSouth = policy('north/allow-south', {
  podSelector: {},
  policyTypes: ['Ingress', 'Egress'],
  ingress: [{ from: [{ namespaceSelector: team('south') }] }],
  egress: [{ to: [{ namespaceSelector: team('south') }] }],
});

describe('Admin tier', () => {
  test('an ingress Deny stops traffic from the peer namespace on every port, and nothing else', () => {
    const r = reach(admin('deny', 10, denyIngressFromSouth()));
    r.denies('south/c', 'north/a', Port.tcp(80));
    r.denies('south/d', 'north/a', Port.tcp(8080));
    r.denies('south/c', 'north/b', Port.udp(53));
    r.denies('south/c', 'north/b', Port.sctp(9003));
    r.allows('east/e', 'north/a', Port.tcp(80));
    r.allows('north/a', 'south/c', Port.tcp(80)); // an ingress rule says nothing about egress
  });

  test('an egress Deny stops traffic to the peer namespace', () => {
    const r = reach(admin('deny', 10, denyEgressToSouth()));
    r.denies('north/a', 'south/c', Port.tcp(80));
    r.denies('north/b', 'south/d', Port.udp(53));
    r.allows('north/a', 'east/e', Port.tcp(80));
    r.allows('south/c', 'north/a', Port.tcp(80));
  });

  test('an Admin Deny overrides a NetworkPolicy that allows the flow', () => {
    const r = reach(admin('deny', 10, { ...denyIngressFromSouth(), ...denyEgressToSouth() }), npAllowSouth);
    r.denies('south/c', 'north/a', Port.tcp(80));
    r.denies('north/a', 'south/c', Port.tcp(8080));
  });

  test('Pass hands the decision to NetworkPolicy, which allows what it allows and nothing more', () => {
    const r = reach(admin('pass', 10, { ...denyIngressFromSouth('Pass'), ...denyEgressToSouth('Pass') }), npAllowSouth);
    r.allows('south/c', 'north/a', Port.tcp(80));
    r.allows('north/a', 'south/c', Port.tcp(8080));
    r.denies('east/e', 'north/a', Port.tcp(80)); // the NetworkPolicy isolates north/a
  });

  test('Pass without a NetworkPolicy reaches the Baseline tier, whose Deny applies', () => {
    const r = reach(admin('pass', 10, denyIngressFromSouth('Pass')), baseline('default', 10, denyIngressFromSouth()));
    r.denies('south/c', 'north/a', Port.tcp(80));
    r.denies('south/d', 'north/a', Port.tcp(8080));
  });

  test('an Admin Accept overrides a NetworkPolicy that isolates the pod, and the Baseline tier', () => {
    const isolate = policy('north/deny-all', { podSelector: {}, policyTypes: ['Ingress'] });
    const r = reach(admin('accept', 10, denyIngressFromSouth('Accept')), isolate, baseline('default', 1, denyIngressFromSouth()));
    r.allows('south/c', 'north/a', Port.tcp(80));
    r.denies('east/e', 'north/a', Port.tcp(80));
  });

  test("an egress Accept is final for the source's egress only: the destination's ingress still applies", () => {
    const isolateEgress = policy('north/no-egress', { podSelector: {}, policyTypes: ['Egress'] });
    const r = reach(admin('accept', 10, denyEgressToSouth('Accept')), isolateEgress);
    r.allows('north/a', 'south/c', Port.tcp(80));
    r.denies('north/a', 'east/e', Port.tcp(80));
    const guarded = reach(admin('accept', 10, denyEgressToSouth('Accept')), admin('south-guard', 20, {
      subject: inTeam('south'), ingress: [{ action: 'Deny', from: [inTeam('north')] }],
    }));
    guarded.denies('north/a', 'south/c', Port.tcp(80));
  });

  test('lower priority values go first: a Deny at 50 beats a Pass at 60, a Pass at 40 beats the Deny', () => {
    const deny50 = admin('deny-50', 50, denyIngressFromSouth());
    const allowBaseline = baseline('default', 10, denyIngressFromSouth('Accept'));
    reach(deny50, admin('pass', 60, denyIngressFromSouth('Pass')), allowBaseline).denies('south/c', 'north/a', Port.tcp(80));
    reach(deny50, admin('pass', 40, denyIngressFromSouth('Pass')), allowBaseline).allows('south/c', 'north/a', Port.tcp(80));
  });

  test('equal priorities: the policy whose name sorts first goes first (upstream leaves it to the implementation)', () => {
    const r = reach(admin('b-deny', 5, denyIngressFromSouth()), admin('a-accept', 5, denyIngressFromSouth('Accept')));
    r.allows('south/c', 'north/a', Port.tcp(80));
    expect(r.explain('south/c', 'north/a', Port.tcp(80))).toMatch(/allowed: Accept by ClusterNetworkPolicy a-accept \(Admin tier, priority 5\)/);
  });

  test('within a policy the first matching rule wins', () => {
    const r = reach(admin('ordered', 10, {
      subject: inTeam('north'),
      ingress: [
        { action: 'Accept', from: [inTeam('south')], protocols: [{ tcp: { destinationPort: { number: 80 } } }] },
        { action: 'Deny', from: [inTeam('south')] },
      ],
    }));
    r.allows('south/c', 'north/a', Port.tcp(80));
    r.denies('south/c', 'north/a', Port.tcp(8080));
  });
});

describe('protocols', () => {
  const only = (protocols: any[]) => reach(admin('ports', 10, { subject: inTeam('north'), ingress: [{ action: 'Deny', from: [inTeam('south')], protocols }] }));

  test.each([
    ['a TCP port number', [{ tcp: { destinationPort: { number: 8080 } } }], [Port.tcp(8080)], [Port.tcp(80), Port.udp(8080)]],
    ['a UDP port number', [{ udp: { destinationPort: { number: 53 } } }], [Port.udp(53)], [Port.tcp(53), Port.udp(54)]],
    ['an SCTP port number', [{ sctp: { destinationPort: { number: 9003 } } }], [Port.sctp(9003)], [Port.tcp(9003)]],
    ['a TCP range (inclusive)', [{ tcp: { destinationPort: { range: { start: 80, end: 8080 } } } }], [Port.tcp(80), Port.tcp(8080)], [Port.tcp(79), Port.tcp(8081)]],
    ['a named port, resolved on the destination with its own protocol', [{ destinationNamedPort: 'dns' }], [Port.udp(53)], [Port.tcp(53), Port.tcp(80)]],
    ['several protocols (any of them)', [{ destinationNamedPort: 'web' }, { udp: { destinationPort: { number: 53 } } }], [Port.tcp(80), Port.udp(53)], [Port.tcp(8080)]],
  ])('%s', (_, protocols, denied, allowed) => {
    const r = only(protocols);
    for (const p of denied) r.denies('south/c', 'north/a', p);
    for (const p of allowed) r.allows('south/c', 'north/a', p);
  });

  test('a named port matches nothing on a destination that does not declare it', () => {
    const r = Reachability.fromObjects([
      namespace('north', { team: 'north' }), namespace('south', { team: 'south' }),
      pod('north/plain', {}, { ports: [{ containerPort: 80 }] }), pod('south/c'),
      admin('web', 10, { subject: inTeam('north'), ingress: [{ action: 'Deny', from: [inTeam('south')], protocols: [{ destinationNamedPort: 'web' }] }] }),
    ]);
    r.allows('south/c', 'north/plain', Port.tcp(80));
  });
});

describe('peers and subjects', () => {
  test('a pods peer selects pods by namespace AND pod labels; a pods subject likewise', () => {
    const r = reach(admin('pods', 10, {
      subject: { pods: { namespaceSelector: team('north'), podSelector: { matchLabels: { app: 'a' } } } },
      ingress: [{ action: 'Deny', from: [{ pods: { namespaceSelector: team('south'), podSelector: { matchLabels: { app: 'c' } } } }] }],
    }));
    r.denies('south/c', 'north/a', Port.tcp(80));
    r.allows('south/d', 'north/a', Port.tcp(80));
    r.allows('south/c', 'north/b', Port.tcp(80));
  });

  test('a pods peer without namespaceSelector matches in every namespace', () => {
    const r = reach(admin('pods', 10, { subject: inTeam('north'), ingress: [{ action: 'Deny', from: [{ pods: { podSelector: { matchLabels: { app: 'e' } } } }] }] }));
    r.denies('east/e', 'north/a', Port.tcp(80));
    r.allows('south/c', 'north/a', Port.tcp(80));
  });

  test('networks match addresses outside the cluster and pods by their IPs', () => {
    const r = reach(admin('cidr', 10, { subject: inTeam('north'), egress: [{ action: 'Deny', to: [{ networks: ['10.0.2.0/24', '203.0.113.0/24'] }] }] }));
    r.denies('north/a', '203.0.113.9', Port.tcp(443));
    r.allows('north/a', '198.51.100.1', Port.tcp(443));
    r.denies('north/a', 'south/c', Port.tcp(80)); // south/c is 10.0.2.1
    r.allows('north/a', 'south/d', Port.tcp(80));
  });

  test('a Deny to 0.0.0.0/0 after a Pass for pods leaves pod traffic to NetworkPolicy and blocks the internet', () => {
    const r = reach(admin('egress', 10, {
      subject: inTeam('north'),
      egress: [{ action: 'Pass', to: [{ namespaces: {} }] }, { action: 'Deny', to: [{ networks: ['0.0.0.0/0'] }] }],
    }));
    r.allows('north/a', 'south/c', Port.tcp(80));
    r.denies('north/a', '8.8.8.8', Port.udp(53));
  });

  test('a pod reaching itself is not subject to ClusterNetworkPolicy', () => {
    const r = reach(admin('deny-all', 10, { subject: { namespaces: {} }, ingress: [{ action: 'Deny', from: [{ namespaces: {} }] }] }));
    expect(r.isAllowed('north/a', 'north/a', Port.tcp(80))).toBe(true);
    r.denies('north/b', 'north/a', Port.tcp(80));
  });
});

describe('Baseline tier', () => {
  test('a Baseline Deny applies to pods no NetworkPolicy selects in that direction', () => {
    const r = reach(baseline('default', 10, denyIngressFromSouth()));
    r.denies('south/c', 'north/a', Port.tcp(80));
    r.allows('east/e', 'north/a', Port.tcp(80));
  });

  test('a NetworkPolicy that selects the pod overrides the Baseline tier, in its direction only', () => {
    const r = reach(baseline('default', 10, { ...denyIngressFromSouth(), ...denyEgressToSouth() }), policy('north/ingress-from-south', {
      podSelector: {}, ingress: [{ from: [{ namespaceSelector: team('south') }] }],
    }));
    r.allows('south/c', 'north/a', Port.tcp(80)); // ingress: the NetworkPolicy decides
    r.denies('north/a', 'south/c', Port.tcp(80)); // egress: not isolated by it, so the Baseline Deny applies
  });

  test('a Baseline default-deny with a DNS carve-out', () => {
    const r = reach(baseline('default-deny', 100, {
      subject: { namespaces: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['east'] }] } },
      ingress: [{ action: 'Deny', from: [{ namespaces: {} }] }],
      egress: [
        { name: 'dns', action: 'Accept', to: [{ namespaces: {} }], protocols: [{ udp: { destinationPort: { number: 53 } } }] },
        { action: 'Deny', to: [{ namespaces: {} }, { networks: ['0.0.0.0/0', '::/0'] }] },
      ],
    }));
    r.denies('north/a', 'north/b', Port.tcp(80));
    r.denies('north/a', 'east/e', Port.tcp(80));
    r.allows('north/a', 'east/e', Port.udp(53));
    r.denies('north/a', '203.0.113.1', Port.tcp(443));
    r.allows('east/e', '203.0.113.1', Port.tcp(443));
  });

  test('a Baseline Pass means the default: allowed', () => {
    const r = reach(baseline('pass', 1, denyIngressFromSouth('Pass')), baseline('deny', 2, denyIngressFromSouth()));
    r.allows('south/c', 'north/a', Port.tcp(80));
  });
});

describe('explain names the deciding policy, tier and rule', () => {
  test('an Admin Deny', () => {
    const text = reach(admin('guard', 10, denyIngressFromSouth())).explain('south/c', 'north/a', Port.tcp(80));
    expect(text).toMatch(/DENIED/);
    expect(text).toMatch(/ingress of north\/a: denied: Deny by ClusterNetworkPolicy guard \(Admin tier, priority 10\) spec\.ingress\[0\] "from-south", final/);
    expect(text).toMatch(/egress of south\/c: no Admin tier rule matches/);
  });

  test('a Pass that hands the decision down to NetworkPolicy', () => {
    const text = reach(admin('pass', 10, denyIngressFromSouth('Pass')), npAllowSouth).explain('south/c', 'north/a', Port.tcp(80));
    expect(text).toMatch(/ALLOWED/);
    expect(text).toMatch(/ingress of north\/a: passed on: Pass by ClusterNetworkPolicy pass \(Admin tier, priority 10\) spec\.ingress\[0\] "from-south": the decision passes down to NetworkPolicy/);
    expect(text).toMatch(/isolated by policy north\/allow-south \(NetworkPolicy decides, the Baseline tier is not consulted\)/);
    expect(text).toMatch(/allowed by policy north\/allow-south spec\.ingress\[0\]/);
  });

  test('a Baseline Deny after a Pass', () => {
    const text = reach(admin('pass', 10, denyIngressFromSouth('Pass')), baseline('default', 3, denyIngressFromSouth())).explain('south/c', 'north/a', Port.tcp(80));
    expect(text).toMatch(/no NetworkPolicy selects it for Ingress, so the Baseline tier applies/);
    expect(text).toMatch(/denied: Deny by ClusterNetworkPolicy default \(Baseline tier, priority 3\) spec\.ingress\[0\] "from-south", final/);
  });

  test('nodes and domainNames peers are reported as undecidable for an address, and noted at load', () => {
    const r = reach(admin('fqdn', 10, { subject: inTeam('north'), egress: [{ action: 'Accept', to: [{ domainNames: ['api.example.com'] }] }, { action: 'Deny', to: [{ nodes: {} }] }] }));
    expect(r.explain('north/a', '203.0.113.1', Port.tcp(443)))
      .toMatch(/UNDECIDABLE offline whether ClusterNetworkPolicy fqdn spec\.egress\[0\]\.to\[0\] \(domainNames\) matches 203\.0\.113\.1; answered as if it does not/);
    expect(r._notes().map((n) => `${n.path}: ${n.message}`)).toEqual([
      expect.stringMatching(/^spec\.egress\[0\]\.to\[0\]: a domainNames peer .* undecidable offline/),
      expect.stringMatching(/^spec\.egress\[1\]\.to\[0\]: a nodes peer .* matches no pod/),
    ]);
    r.allows('north/a', 'south/c', Port.tcp(80)); // they never match a pod
  });
});

describe('nodes peers, decided against the Nodes of the input', () => {
  const node = (name: string, labels: { [k: string]: string }, ...addresses: { type: string; address: string }[]) => ({
    apiVersion: 'v1', kind: 'Node', metadata: { name, labels }, status: { addresses },
  });
  const NODES = [
    node('worker-1', { role: 'worker' }, { type: 'InternalIP', address: '192.0.2.11' }, { type: 'Hostname', address: 'worker-1' }),
    node('cp-1', { role: 'control-plane' }, { type: 'InternalIP', address: '192.0.2.21' }, { type: 'ExternalIP', address: '2001:db8::21' }),
  ];
  /** north may reach the kubelet (TCP 10250) of worker nodes, and no other node IP. */
  const KUBELET = admin('kubelet', 10, {
    subject: inTeam('north'),
    egress: [
      { action: 'Accept', to: [{ nodes: { matchLabels: { role: 'worker' } } }], protocols: [{ tcp: { destinationPort: { number: 10250 } } }] },
      { action: 'Deny', to: [{ nodes: {} }] },
    ],
  });

  test('a nodes peer matches the IPs of the matching Nodes, and no other address', () => {
    const r = reach(KUBELET, ...NODES);
    r.allows('north/a', '192.0.2.11', Port.tcp(10250));
    r.denies('north/a', '192.0.2.11', Port.tcp(22)); // the Deny of every node
    r.denies('north/a', '192.0.2.21', Port.tcp(10250)); // a control-plane node
    r.denies('north/a', '2001:db8::21', Port.tcp(10250)); // its ExternalIP too
    r.allows('north/a', '192.0.2.99', Port.tcp(10250)); // no node: no rule matches, nothing isolates north
    r.allows('south/c', '192.0.2.21', Port.tcp(22)); // not a subject
    r.allows('north/a', 'south/c', Port.tcp(80)); // a nodes peer never matches a pod
    expect(r.explain('north/a', '192.0.2.11', Port.tcp(10250))).not.toMatch(/UNDECIDABLE/);
    expect(r.explain('north/a', '192.0.2.21', Port.tcp(10250))).toMatch(/denied: Deny by ClusterNetworkPolicy kubelet \(Admin tier, priority 10\) spec\.egress\[1\]/);
    expect(r._notes()).toEqual([]); // the note that nodes peers are undecidable is for inputs without Nodes
  });

  test('without Nodes, the same policy stays undecidable for an address, and says how to decide it', () => {
    const r = reach(KUBELET);
    expect(r.explain('north/a', '192.0.2.11', Port.tcp(10250))).toMatch(/UNDECIDABLE offline whether ClusterNetworkPolicy kubelet spec\.egress\[0\]\.to\[0\] \(nodes\) matches 192\.0\.2\.11/);
    expect(r._notes().map((n) => n.message)).toEqual([
      expect.stringMatching(/the input holds no Node: .* Add the Nodes \(kubectl get nodes -o yaml\) to decide it$/),
      expect.stringMatching(/the input holds no Node/),
    ]);
  });

  test('connections list each node IP as an end of its own, with the ports the nodes peers leave open', () => {
    const r = reach(KUBELET, ...NODES);
    const lines = r.connections().filter((c) => c.source === 'north/a' && c.destination.includes('/') && !c.destination.startsWith('north') && !/^[a-z]/.test(c.destination)).map((c) => c.text);
    expect(lines).toEqual([
      'north/a -> 0.0.0.0/0 except 192.0.2.11/32,192.0.2.21/32: TCP/* UDP/* SCTP/*',
      'north/a -> 192.0.2.11/32: TCP/10250',
      'north/a -> ::/0 except 2001:db8::21/128: TCP/* UDP/* SCTP/*',
    ]);
    // Without Nodes, the addresses are not cut: nothing tells node IPs apart.
    expect(reach(KUBELET).connections().filter((c) => c.source === 'north/a' && /^[0-9:]/.test(c.destination)).map((c) => c.destination)).toEqual(['0.0.0.0/0', '::/0']);
  });

  test('a Node address of type InternalIP that is no IP address is an error naming the field', () => {
    expect(() => reach(KUBELET, node('bad', {}, { type: 'InternalIP', address: 'worker-9' }))).toThrow(/Node bad: status\.addresses\[0\]\.address: "worker-9" is not an IP address \(type InternalIP\)/);
  });
});
