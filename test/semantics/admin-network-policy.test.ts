/**
 * AdminNetworkPolicy and BaselineAdminNetworkPolicy (policy.networking.k8s.io/v1alpha1) are evaluated in the Admin
 * and Baseline tiers (issue 25 §2: an AdminNetworkPolicy that allowed everything passed the broadening gate unseen).
 * Case by case, then by law: any set of ClusterNetworkPolicies written in the v1alpha1 API decides every flow the
 * same way (and the ClusterNetworkPolicy engine agrees with the brute-force oracle in laws.test.ts).
 */
import * as fc from 'fast-check';
import { clusterArb, clusterPolicyArb, QUERIES } from './arbitraries';
import { clusterPolicy, inTeam, namespace, pod, policy, team } from './util';
import { Port, Reachability } from '../../src';
import { InvalidManifestsError } from '../../src/semantics/model';

const V1ALPHA1 = 'policy.networking.k8s.io/v1alpha1';
const anp = (name: string, spec: any) => ({ apiVersion: V1ALPHA1, kind: 'AdminNetworkPolicy', metadata: { name }, spec });
const banp = (spec: any, name = 'default') => ({ apiVersion: V1ALPHA1, kind: 'BaselineAdminNetworkPolicy', metadata: { name }, spec });


/** north and south are the app's; east belongs to another team and is in no policy of the app. */
const CLUSTER = [
  namespace('north', { team: 'north' }),
  namespace('south', { team: 'south' }),
  namespace('east', { team: 'east' }),
  ...['north/a', 'north/b', 'south/c', 'east/e'].map((id, i) => pod(id, { app: id.split('/')[1] }, {
    ip: `10.0.${i}.1`,
    ports: [{ name: 'web', containerPort: 80 }, { containerPort: 8080 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }],
  })),
];
const reach = (...objects: any[]) => Reachability.fromObjects([...CLUSTER, ...objects]);
const denyAll = (ns: string) => policy(`${ns}/deny-all`, { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });

describe('AdminNetworkPolicy', () => {
  test('the issue: an AdminNetworkPolicy that allows everything overrides a default deny', () => {
    const before = reach(denyAll('north'), denyAll('south'));
    before.denies('north/a', 'south/c', Port.tcp(80));
    const open = anp('allow-all', {
      priority: 10,
      subject: { namespaces: {} },
      ingress: [{ name: 'all-in', action: 'Allow', from: [{ namespaces: {} }] }],
      egress: [{ name: 'all-out', action: 'Allow', to: [{ namespaces: {} }] }],
    });
    const after = reach(denyAll('north'), denyAll('south'), open);
    after.allows('north/a', 'south/c', Port.tcp(80));
    after.allows('south/c', 'north/b', Port.udp(53));
    expect(after.explain('north/a', 'south/c', Port.tcp(80))).toMatch(
      /egress of north\/a: allowed: Allow by AdminNetworkPolicy allow-all \(Admin tier, priority 10\) spec\.egress\[0\] "all-out", final/,
    );
  });

  test('Deny stops the flow whatever NetworkPolicy allows, for the subject only; pods of another team are untouched', () => {
    const allowSouth = policy('north/allow-south', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: team('south') }] }] });
    const r = reach(allowSouth, anp('guard', { priority: 5, subject: inTeam('north'), ingress: [{ action: 'Deny', from: [inTeam('south')] }] }));
    r.denies('south/c', 'north/a', Port.tcp(80));
    r.denies('south/c', 'north/b', Port.udp(53));
    r.allows('east/e', 'south/c', Port.tcp(80)); // not a subject, not a peer
    r.allows('south/c', 'east/e', Port.tcp(8080));
  });

  test('Pass hands the decision to NetworkPolicy; without one, to the Baseline tier', () => {
    const pass = anp('pass', { priority: 1, subject: inTeam('north'), ingress: [{ action: 'Pass', from: [inTeam('south')] }] });
    const deny = anp('deny', { priority: 2, subject: inTeam('north'), ingress: [{ action: 'Deny', from: [inTeam('south')] }] });
    reach(pass, deny).allows('south/c', 'north/a', Port.tcp(80)); // passed: no NetworkPolicy, no baseline
    reach(pass, deny, denyAll('north')).denies('south/c', 'north/a', Port.tcp(80));
    reach(pass, deny, banp({ subject: inTeam('north'), ingress: [{ action: 'Deny', from: [inTeam('south')] }] })).denies('south/c', 'north/a', Port.tcp(80));
    // Without the Pass at priority 1, the Deny at 2 decides.
    reach(deny).denies('south/c', 'north/a', Port.tcp(80));
  });

  test('the lower priority is evaluated first, whatever the order of the input', () => {
    const allow = anp('allow', { priority: 1, subject: inTeam('north'), ingress: [{ action: 'Allow', from: [inTeam('south')] }] });
    const deny = anp('deny', { priority: 9, subject: inTeam('north'), ingress: [{ action: 'Deny', from: [{ namespaces: {} }] }] });
    for (const objects of [[allow, deny], [deny, allow]]) {
      const r = reach(...objects);
      r.allows('south/c', 'north/a', Port.tcp(80));
      r.denies('east/e', 'north/a', Port.tcp(80));
    }
  });

  test('ports: portNumber (TCP by default), portRange and namedPort', () => {
    const r = reach(denyAll('north'), anp('ports', {
      priority: 1,
      subject: inTeam('north'),
      ingress: [{
        action: 'Allow',
        from: [inTeam('south')],
        ports: [{ portNumber: { port: 80 } }, { portRange: { protocol: 'TCP', start: 8000, end: 8080 } }, { namedPort: 'dns' }],
      }],
    }));
    r.allows('south/c', 'north/a', Port.tcp(80));
    r.denies('south/c', 'north/a', Port.udp(80));
    r.allows('south/c', 'north/a', Port.tcp(8080));
    r.allows('south/c', 'north/a', Port.udp(53));
    r.denies('south/c', 'north/a', Port.tcp(53)); // dns is a UDP port of the pod
  });

  test('networks peers match addresses outside the cluster; nodes and domainNames peers are undecidable for them', () => {
    const r = reach(anp('egress', {
      priority: 1,
      subject: inTeam('north'),
      egress: [
        { action: 'Deny', to: [{ networks: ['203.0.113.0/24'] }] },
        { action: 'Deny', to: [{ domainNames: ['example.com'] }] },
      ],
    }));
    r.denies('north/a', '203.0.113.9', Port.tcp(443));
    expect(r.explain('north/a', '198.51.100.1', Port.tcp(443)))
      .toMatch(/UNDECIDABLE offline whether AdminNetworkPolicy egress spec\.egress\[1\]\.to\[0\] \(domainNames\) matches 198\.51\.100\.1/);
  });
});

describe('BaselineAdminNetworkPolicy', () => {
  const base = banp({ subject: { namespaces: {} }, ingress: [{ name: 'deny-in', action: 'Deny', from: [{ namespaces: {} }] }] });

  test('applies only to pods no NetworkPolicy isolates, after NetworkPolicy', () => {
    const allowSouth = policy('north/allow-south', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: team('south') }] }] });
    const r = reach(base, allowSouth);
    r.allows('south/c', 'north/a', Port.tcp(80)); // NetworkPolicy decides for north
    r.denies('north/a', 'south/c', Port.tcp(80)); // the baseline decides for south
    r.denies('north/a', 'east/e', Port.tcp(80)); // and for pods of another team
    expect(r.explain('north/a', 'south/c', Port.tcp(80))).toMatch(/denied: Deny by BaselineAdminNetworkPolicy default \(Baseline tier\) spec\.ingress\[0\] "deny-in", final/);
  });

  test('an Admin Allow overrides it', () => {
    const r = reach(base, anp('allow', { priority: 1, subject: inTeam('south'), ingress: [{ action: 'Allow', from: [inTeam('north')] }] }));
    r.allows('north/a', 'south/c', Port.tcp(80));
    r.denies('east/e', 'south/c', Port.tcp(80));
  });

  test('with a Baseline ClusterNetworkPolicy, both are evaluated, the BaselineAdminNetworkPolicy last, and a note says the order is the engine\'s', () => {
    const cnp = clusterPolicy('allow-north', { tier: 'Baseline', priority: 1000, subject: inTeam('south'), ingress: [{ action: 'Accept', from: [inTeam('north')] }] });
    const r = reach(base, cnp);
    r.allows('north/a', 'south/c', Port.tcp(80));
    r.denies('east/e', 'south/c', Port.tcp(80));
    expect(r._notes().map((n) => n.message).join('\n')).toMatch(/the Baseline tier holds both BaselineAdminNetworkPolicy and ClusterNetworkPolicy objects: no API defines their order/);
  });
});

describe('validation, as the v1alpha1 CRDs and their CEL rules', () => {
  const problems = (...objects: any[]): string[] => {
    try {
      Reachability.fromObjects([...CLUSTER, ...objects]);
      return [];
    } catch (e) {
      if (!(e instanceof InvalidManifestsError)) throw e;
      return e.problems.map((p) => `${p.object} ${p.path}: ${p.message}`);
    }
  };

  test.each([
    ['a BaselineAdminNetworkPolicy not named default', banp({ subject: { namespaces: {} } }, 'base'),
      /BaselineAdminNetworkPolicy base metadata\.name: .*Only one baseline admin network policy with metadata\.name="default"/],
    ['Pass in a BaselineAdminNetworkPolicy', banp({ subject: { namespaces: {} }, ingress: [{ action: 'Pass', from: [{ namespaces: {} }] }] }),
      /spec\.ingress\[0\]\.action: Unsupported value: "Pass": supported values: "Allow", "Deny" \(a BaselineAdminNetworkPolicy is the last tier/],
    ['a priority on a BaselineAdminNetworkPolicy', banp({ priority: 3, subject: { namespaces: {} } }), /spec\.priority: unknown field "priority"/],
    ['the ClusterNetworkPolicy word Accept', anp('a', { priority: 1, subject: { namespaces: {} }, ingress: [{ action: 'Accept', from: [{ namespaces: {} }] }] }),
      /Unsupported value: "Accept": supported values: "Allow", "Deny", "Pass" \(AdminNetworkPolicy says Allow/],
    ['no priority', anp('a', { subject: { namespaces: {} } }), /spec\.priority: Required value/],
    ['a priority out of range', anp('a', { priority: 1001, subject: { namespaces: {} } }), /spec\.priority: 1001 is out of range: use 0 to 1000/],
    ['a tier (a v1alpha2 field)', anp('a', { tier: 'Admin', priority: 1, subject: { namespaces: {} } }), /spec\.tier: unknown field "tier"/],
    ['pods without namespaceSelector', anp('a', { priority: 1, subject: { pods: { podSelector: {} } } }),
      /spec\.subject\.pods\.namespaceSelector: Required value/],
    ['a named port with a networks peer', anp('a', { priority: 1, subject: { namespaces: {} }, egress: [{ action: 'Deny', to: [{ networks: ['10.0.0.0/8'] }], ports: [{ namedPort: 'web' }] }] }),
      /spec\.egress\[0\]: networks, nodes and domainNames peers cannot be used with namedPort/],
    ['domainNames in a BaselineAdminNetworkPolicy', banp({ subject: { namespaces: {} }, egress: [{ action: 'Deny', to: [{ domainNames: ['example.com'] }] }] }),
      /unknown field "domainNames"/],
    ['two port kinds in one item', anp('a', { priority: 1, subject: { namespaces: {} }, ingress: [{ action: 'Deny', from: [{ namespaces: {} }], ports: [{ portNumber: { port: 80 }, namedPort: 'web' }] }] }),
      /a ports item must set exactly one of portNumber, portRange, namedPort; it sets portNumber and namedPort/],
    ['a bad CIDR', anp('a', { priority: 1, subject: { namespaces: {} }, egress: [{ action: 'Deny', to: [{ networks: ['10.0.0.0/33'] }] }] }), /Invalid CIDR format provided/],
    ['an empty from', anp('a', { priority: 1, subject: { namespaces: {} }, ingress: [{ action: 'Deny', from: [] }] }), /spec\.ingress\[0\]\.from: must have at least 1 item/],
    ['the v1alpha2 version', { ...anp('a', { priority: 1, subject: { namespaces: {} } }), apiVersion: 'policy.networking.k8s.io/v1alpha2' },
      /does not serve AdminNetworkPolicy .*use apiVersion: policy\.networking\.k8s\.io\/v1alpha1/],
  ])('%s is refused', (_what, object, message) => {
    expect(problems(object).join('\n')).toMatch(message);
  });

  test.each([
    ['a lower-case protocol', { portNumber: { protocol: 'tcp', port: 80 } }, /"tcp" is not TCP, UDP or SCTP: .*write TCP/],
    ['ICMP', { portNumber: { protocol: 'ICMP', port: 80 } }, /"ICMP" is not TCP, UDP or SCTP/],
    ['a reversed range', { portRange: { start: 90, end: 80 } }, /start 90 is after end 80: .*swap them/],
  ])('%s, which the API server stores but whose enforcement is undefined, is refused as ambiguous', (_what, port, message) => {
    try {
      reach(anp('a', { priority: 1, subject: { namespaces: {} }, ingress: [{ action: 'Deny', from: [{ namespaces: {} }], ports: [port] }] }));
      throw new Error('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidManifestsError);
      const [p] = (e as InvalidManifestsError).problems;
      expect(p.message).toMatch(message);
      expect(p.category).toBe('ambiguous');
    }
  });

  test('a one-port range is one port', () => {
    const r = reach(denyAll('north'), anp('a', { priority: 1, subject: inTeam('north'), ingress: [{ action: 'Allow', from: [inTeam('south')], ports: [{ portRange: { start: 80, end: 80 } }] }] }));
    r.allows('south/c', 'north/a', Port.tcp(80));
    r.denies('south/c', 'north/a', Port.tcp(81));
  });
});

/** A ClusterNetworkPolicy spec written in the v1alpha1 API: Allow for Accept, `ports` for `protocols`, a required namespaceSelector. */
function toV1alpha1(spec: any): any {
  const pods = (p: any) => ({ namespaceSelector: p.namespaceSelector ?? {}, podSelector: p.podSelector });
  const peer = (p: any) => (p.pods ? { pods: pods(p.pods) } : p);
  const port = (p: any): any => {
    if (p.destinationNamedPort !== undefined) return { namedPort: p.destinationNamedPort };
    const [field, body] = Object.entries(p)[0] as [string, any];
    const protocol = field.toUpperCase();
    const d = body.destinationPort;
    if (d.number !== undefined) return { portNumber: { protocol, port: d.number } };
    return { portRange: { protocol, start: d.range.start, end: d.range.end } };
  };
  const rule = (peers: 'from' | 'to') => (r: any) => ({
    action: r.action === 'Accept' ? 'Allow' : r.action,
    [peers]: r[peers].map(peer),
    ...(r.protocols ? { ports: r.protocols.map(port) } : {}),
  });
  return {
    ...(spec.tier === 'Admin' ? { priority: spec.priority } : {}),
    subject: spec.subject.pods ? { pods: pods(spec.subject.pods) } : spec.subject,
    ingress: spec.ingress.map(rule('from')),
    egress: spec.egress.map(rule('to')),
  };
}

describe('law: the same policies in either API decide every flow the same way', () => {
  // At most one Baseline policy (there is one BaselineAdminNetworkPolicy) and no Pass in it (it has no Pass).
  const policiesArb = fc.array(clusterPolicyArb, { minLength: 1, maxLength: 3 }).filter((specs) => {
    const baselines = specs.filter((s) => s.tier === 'Baseline');
    return baselines.length <= 1 && baselines.every((s) => [...s.ingress, ...s.egress].every((r: any) => r.action !== 'Pass'));
  });

  test('ClusterNetworkPolicies and their AdminNetworkPolicy / BaselineAdminNetworkPolicy translation', () => {
    fc.assert(fc.property(clusterArb, policiesArb, (objects, specs) => {
      const v1alpha2 = specs.map((spec, i) => clusterPolicy(`p${i}`, spec));
      const v1alpha1 = specs.map((spec, i) => (spec.tier === 'Admin' ? anp(`p${i}`, toV1alpha1(spec)) : banp(toV1alpha1(spec))));
      const flows = (o: any[]) => {
        const r = Reachability.fromObjects(o);
        return QUERIES.map(([p]) => r.allowedFlows(p));
      };
      expect(flows([...objects, ...v1alpha1])).toEqual(flows([...objects, ...v1alpha2]));
    }), { numRuns: 150 });
  });
});

describe('nodes peers of the v1alpha1 APIs', () => {
  test('a BaselineAdminNetworkPolicy Deny to worker nodes is decided against the Nodes of the input', () => {
    const node = (name: string, role: string, ip: string) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { role } }, status: { addresses: [{ type: 'InternalIP', address: ip }] } });
    const deny = banp({ subject: inTeam('north'), egress: [{ name: 'no-workers', action: 'Deny', to: [{ nodes: { matchLabels: { role: 'worker' } } }] }] });
    const r = reach(deny, node('w1', 'worker', '192.0.2.11'), node('cp1', 'control-plane', '192.0.2.21'));
    r.denies('north/a', '192.0.2.11', Port.tcp(10250));
    r.allows('north/a', '192.0.2.21', Port.tcp(10250));
    expect(r.explain('north/a', '192.0.2.11', Port.tcp(10250))).toMatch(/BaselineAdminNetworkPolicy default/);
  });
});
