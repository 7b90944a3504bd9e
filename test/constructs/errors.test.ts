import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  EgressAllowList,
  Isolation,
  LabelExpression,
  NetpolLint,
  Peer,
  PodSecurityLevel,
  PodSelection,
  Port,
  Tier,
  TierAccess,
  ZeroTrustNamespace,
} from '../../src';
import { errorOf, newChart, synth } from '../util/synth';

const web = PodSelection.labels({ app: 'web' });
const api = PodSelection.labels({ app: 'api' });

/** Tiers web and api, and a TierAccess `tiers` with one flow web -> api on the given ports. */
function tiers(flowPorts: Port[] | undefined, extra: { pods?: PodSelection } = {}) {
  return (chart: Chart) => {
    const w = new Tier(chart, 'web', { pods: extra.pods ?? web });
    const a = new Tier(chart, 'api', { pods: api });
    return new TierAccess(chart, 'tiers', { flows: [{ source: w, destination: a, ports: flowPorts }] });
  };
}

/** A TierAccess `tiers` with one flow from a tier web to `peer`. */
function flowTo(peer: any, ports: any = [Port.tcp(443)]) {
  return (chart: Chart) => new TierAccess(chart, 'tiers', { flows: [{ source: new Tier(chart, 'web', { pods: web }), destination: peer, ports }] });
}

function egress(cidr: string, exceptions?: string[], ports: Port[] = [Port.tcp(443)]) {
  return (chart: Chart) =>
    new EgressAllowList(chart, 'external', { pods: api, destinations: [{ peer: Peer.cidr(cidr, { exceptions }), ports }] });
}

/** The synthesis error of a program, or undefined when it synthesizes. */
function errorOrNothing(build: (chart: Chart) => void): string | undefined {
  const chart = newChart({ namespace: 'shop' });
  build(chart);
  try {
    synth(chart);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

describe('bad input fails at construct time, naming the construct path and the fix', () => {
  test.each([
    ['an invalid CIDR', egress('203.0.113.0/33'), /\[test\/external\].*"203\.0\.113\.0\/33" is not a valid CIDR \(e\.g\. "203\.0\.113\.0\/24"/s],
    ['an invalid IPv6 CIDR', egress('2001:db8:::/64'), /\[test\/external\].*not a valid CIDR/s],
    ['a CIDR with host bits set', egress('203.0.113.7/24'), /\[test\/external\].*host bits set.*"203\.0\.113\.0\/24"/s],
    ['an except outside its CIDR', egress('10.0.0.0/16', ['10.1.0.0/24']), /\[test\/external\].*exception "10\.1\.0\.0\/24" is not strictly inside 10\.0\.0\.0\/16/s],
    ['an except equal to its CIDR', egress('10.0.0.0/16', ['10.0.0.0/16']), /not strictly inside/],
    ['an except of the other family', egress('10.0.0.0/16', ['2001:db8::/64']), /not strictly inside/],
    ['an IPv4-mapped IPv6 range', egress('::ffff:10.0.0.0/104'), /\[test\/external\].*"::ffff:10\.0\.0\.0\/104" is an IPv4-mapped IPv6 range.*write the IPv4 block/s],
    ['an IPv4-mapped IPv6 range in a flow', flowTo(Peer.cidr('::ffff:10.0.0.0/104')), /\[test\/tiers\].*IPv4-mapped IPv6/s],
    ['an address destination without ports', egress('10.0.0.0/16', undefined, []), /\[test\/external\].*has no ports.*Port\.allTcp\(\)/s],
    ['a named port to a CIDR', flowTo(Peer.cidr('203.0.113.0/24'), [Port.named('https')]), /\[test\/tiers\].*named port is resolved on destination pods, so it never matches addresses \(203\.0\.113\.0\/24\): give the port number/s],
    ['a named port to the API server', (chart: Chart) => new EgressAllowList(chart, 'external', { pods: api, destinations: [{ peer: Peer.kubernetesApi(['10.0.0.1/32']), ports: [Port.named('https')] }] }), /\[test\/external\].*never matches addresses/s],
    ['port 0', tiers([Port.tcp(0)]), /\[test\/tiers\].*port 0 is out of range.*leave the port out to mean every port/s],
    ['port 65536', tiers([Port.udp(65536)]), /\[test\/tiers\].*port 65536 is out of range/s],
    ['a fractional port', tiers([Port.tcp(80.5)]), /port 80\.5 is out of range/],
    ['endPort below port', tiers([Port.tcpRange(9000, 8000)]), /endPort 8000 is below port 9000.*Port\.tcpRange\(8000, 9000\)/s],
    ['endPort out of range', tiers([Port.tcpRange(9000, 70000)]), /endPort: port 70000 is out of range/],
    ['endPort with a named port', tiers([Port.of({ name: 'http', endPort: 90 })]), /endPort 90 cannot be used with the named port "http"/],
    ['an invalid port name', tiers([Port.named('HTTP_port')]), /"HTTP_port" is not a valid port name/],
    ['a number where a Port belongs', tiers([80 as any]), /\[test\/tiers\].*flow #1 \(tier shop\/web -> tier shop\/api\): 80 is not a Port: use Port\.tcp\(80\)/s],
    ['a string where a Port belongs', tiers(['tcp/80' as any]), /\[test\/tiers\].*"tcp\/80" is not a Port/s],
    ['ports that are not a list', tiers(Port.tcp(80) as any), /\[test\/tiers\].*ports must be a list of Port values/s],
    ['a string where a peer belongs', flowTo('api'), /\[test\/tiers\].*destination "api" is not a peer: use a Tier, a ZeroTrustNamespace or a Peer factory/s],
    ['a string as the source', (chart: Chart) => new TierAccess(chart, 'tiers', { flows: [{ source: 'web' as any, destination: new Tier(chart, 'api', { pods: api }), ports: [Port.tcp(1)] }] }), /\[test\/tiers\].*source "web" is not a peer/s],
    ['a string as an allow list destination', (chart: Chart) => new EgressAllowList(chart, 'external', { pods: api, destinations: [{ peer: '10.0.0.0/8' as any, ports: [Port.tcp(1)] }] }), /\[test\/external\].*"10\.0\.0\.0\/8" is not a peer/s],
    ['a flow that is not an object', (chart: Chart) => new TierAccess(chart, 'tiers', { flows: ['web -> api' as any] }), /\[test\/tiers\].*flow #1 is not a flow: give \{ source, destination, ports \}/s],
    ['a flow with both ends foreign', (chart: Chart) => new TierAccess(chart, 'tiers', { flows: [{ source: Peer.ingressController(), destination: Peer.prometheus(), ports: [Port.tcp(9090)] }] }), /\[test\/tiers\].*neither ingress controller .* nor Prometheus .* is owned by this app, so no policy could be written.*make one end a Tier/s],
    ['a flow from a CIDR to a namespace peer', (chart: Chart) => new TierAccess(chart, 'tiers', { flows: [{ source: Peer.cidr('192.0.2.0/24'), destination: Peer.namespaceNamed('other'), ports: [Port.tcp(1)] }] }), /\[test\/tiers\].*is owned by this app/s],
    ['an invalid label key', tiers([Port.tcp(80)], { pods: PodSelection.labels({ 'bad key!': 'x' }) }), /\[test\/web\].*label key "bad key!" has an invalid name/s],
    ['an invalid label key prefix', tiers([Port.tcp(80)], { pods: PodSelection.labels({ 'Example.COM/app': 'x' }) }), /\[test\/web\].*invalid prefix "Example\.COM"/s],
    ['an invalid label value', tiers([Port.tcp(80)], { pods: PodSelection.labels({ app: '-web' }) }), /label value "-web" is invalid/],
    ['a too long label value', tiers([Port.tcp(80)], { pods: PodSelection.labels({ app: 'a'.repeat(64) }) }), /label value "a{64}" is invalid/],
    ['an empty selector', tiers([Port.tcp(80)], { pods: PodSelection.labels({}) }), /\[test\/web\].*selector is empty, which would silently select everything in the namespace.*PodSelection\.allPods\(\)/s],
    [
      'In without values',
      tiers([Port.tcp(80)], { pods: PodSelection.matching({ expressions: [LabelExpression.valueIn('app', [])] }) }),
      /\[test\/web\].*expression "app In" needs at least one value/s,
    ],
    [
      'an expression with an invalid key',
      tiers([Port.tcp(80)], { pods: PodSelection.matching({ expressions: [LabelExpression.exists('app;')] }) }),
      /label key "app;" has an invalid name/,
    ],
    ['pods that are not a PodSelection', (chart: Chart) => new Tier(chart, 'web', { pods: { app: 'web' } as any }), /\[test\/web\] "pods" is not a PodSelection/],
    ['an unknown isolation', (chart: Chart) => new Tier(chart, 'web', { pods: web, isolation: 'BOTH' as Isolation }), /\[test\/web\].*isolation "BOTH" is not one of NAMESPACE, INGRESS, EGRESS, INGRESS_AND_EGRESS/s],
    ['a flow without ports to a tier', tiers(undefined), /\[test\/tiers\].*flow #1 \(tier shop\/web -> tier shop\/api\) has no ports/s],
    ['an invalid tier name', (chart: Chart) => new Tier(chart, 'tier', { name: 'Web_Tier', pods: web }), /\[test\/tier\].*tier name "Web_Tier" is not a valid DNS-1123 label/s],
    ['a too long tier name', (chart: Chart) => new Tier(chart, 'tier', { name: 'a'.repeat(58), pods: web }), /\[test\/tier\].*is too long for its policy name/s],
    ['an invalid namespace name', (chart: Chart) => new ZeroTrustNamespace(chart, 'ns', { name: 'Secure_App' }), /\[test\/ns\].*"Secure_App" is not a valid DNS-1123 label/s],
    ['a namespace name that is not a string', (chart: Chart) => new ZeroTrustNamespace(chart, 'ns', { name: 42 as any }), /\[test\/ns\] name must be a namespace name \(a string\), got 42/],
    ['a namespace declared twice', (chart: Chart) => { new ZeroTrustNamespace(chart, 'a', { name: 'shop' }); new ZeroTrustNamespace(chart, 'b', { name: 'shop' }); }, /\[test\/b\].*already a ZeroTrustNamespace at test\/a/s],
    [
      'labels on an adopted namespace',
      (chart: Chart) => new ZeroTrustNamespace(chart, 'ns', { name: 'shop', createNamespace: false, labels: { team: 'a' } }),
      /\[test\/ns\].*adopted namespace, where they would be silently lost/s,
    ],
    ['Pod Security level "strict"', (chart: Chart) => new ZeroTrustNamespace(chart, 'ns', { name: 'shop', podSecurity: { enforce: 'strict' as PodSecurityLevel } }), /\[test\/ns\].*podSecurity\.enforce "strict" is not a Pod Security level/s],
    ['Pod Security version without v', (chart: Chart) => new ZeroTrustNamespace(chart, 'ns', { name: 'shop', podSecurity: { enforce: PodSecurityLevel.BASELINE, version: '1.28' } }), /\[test\/ns\].*podSecurity\.version "1\.28" is not a Pod Security version: use "latest" or "v1\.<minor>"/s],
    ['Pod Security version without level', (chart: Chart) => new ZeroTrustNamespace(chart, 'ns', { name: 'shop', podSecurity: { version: 'v1.28' } }), /\[test\/ns\].*version is set without a level/s],
    ['an empty DNS CIDR list', (chart: Chart) => new ZeroTrustNamespace(chart, 'ns', { name: 'shop', dns: [Peer.controlPlane([])] }), /\[test\/ns\].*needs at least one CIDR/s],
    ['DNS that is not a list', (chart: Chart) => new ZeroTrustNamespace(chart, 'ns', { name: 'shop', dns: Peer.kubeDns() as any }), /\[test\/ns\].*dns must be a list of peers/s],
    ['a string as a DNS peer', (chart: Chart) => new ZeroTrustNamespace(chart, 'ns', { name: 'shop', dns: ['10.0.0.10/32' as any] }), /\[test\/ns\].*dns #1 "10\.0\.0\.10\/32" is not a peer/s],
    ['a bad namespace in the DNS peer', (chart: Chart) => new ZeroTrustNamespace(chart, 'ns', { name: 'shop', dns: [Peer.kubeDns({ namespaceName: 'Bad_NS' })] }), /\[test\/ns\].*cluster DNS namespaceName: namespace "Bad_NS" is not a valid DNS-1123 label/s],
    [
      'an empty DNS selector',
      (chart: Chart) => new ZeroTrustNamespace(chart, 'ns', { name: 'shop', dns: [Peer.pods({ namespaceName: 'kube-system', pods: PodSelection.labels({}) })] }),
      /\[test\/ns\].*selector is empty/s,
    ],
    ['a named DNS port to an address', (chart: Chart) => new ZeroTrustNamespace(chart, 'ns', { name: 'shop', dns: [Peer.cidr('169.254.20.10/32')], dnsPorts: [Port.named('dns')] }), /\[test\/ns\].*named port never matches addresses/s],
    ['a non-Port DNS port', (chart: Chart) => new ZeroTrustNamespace(chart, 'ns', { name: 'shop', dnsPorts: [53 as any] }), /\[test\/ns\].*dns port 53 is not a Port/s],
    ['a foreign pods peer with both namespace forms', flowTo(Peer.pods({ pods: api, namespaceName: 'a', namespaces: { labels: { env: 'prod' } } })), /\[test\/tiers\].*needs exactly one of "namespaceName".*and "namespaces"/s],
    ['an allow list without destinations', (chart: Chart) => new EgressAllowList(chart, 'external', { pods: api, destinations: [] }), /\[test\/external\].*no destination is given/s],
    [
      'API server access without addresses',
      (chart: Chart) => new EgressAllowList(chart, 'external', { pods: api, destinations: [{ peer: Peer.kubernetesApi([]) }] }),
      /\[test\/external\].*Kubernetes API server needs at least one CIDR/s,
    ],
    [
      'a workload in another namespace than the one given',
      (chart: Chart) => {
        const d = new kplus.Deployment(chart, 'd', { metadata: { namespace: 'other' }, containers: [{ image: 'x' }] });
        return new EgressAllowList(chart, 'external', { namespaceName: 'shop', pods: PodSelection.workload(d), destinations: [{ peer: Peer.cidr('10.0.0.0/8'), ports: [Port.tcp(1)] }] });
      },
      /\[test\/external\].*namespaceName is "shop" but .* lives in "other"/s,
    ],
    [
      'a Service without selector as a tier',
      (chart: Chart) => {
        const svc = new kplus.Service(chart, 'svc', { ports: [{ port: 80 }] });
        return new Tier(chart, 'api', { pods: PodSelection.service(svc) });
      },
      /\[test\/api\].*service test\/svc has no pod selector/s,
    ],
    [
      'a workload given as a Service',
      (chart: Chart) => new Tier(chart, 'api', { pods: PodSelection.service(new kplus.Deployment(chart, 'd', { containers: [{ image: 'x' }] })) }),
      /\[test\/api\].*test\/d is a Deployment, not a Service/s,
    ],
    [
      'a construct that is not a workload',
      (chart: Chart) => new Tier(chart, 'api', { pods: PodSelection.workload(new kplus.ConfigMap(chart, 'cm')) }),
      /\[test\/api\].*test\/cm is a ConfigMap, which has no pods/s,
    ],
    [
      'flows with a bad CIDR and no ports, all listed',
      (chart: Chart) => {
        const w = new Tier(chart, 'web', { pods: web });
        return new TierAccess(chart, 'tiers', {
          flows: [
            { source: w, destination: Peer.cidr('203.0.113.7/24'), ports: [Port.tcp(443)] },
            { source: w, destination: Peer.cidr('198.51.100.0/24'), ports: [] },
          ],
        });
      },
      /\[test\/tiers\] 2 problems:.*flow #1 .*"203\.0\.113\.7\/24" has host bits set.*flow #2 \(tier shop\/web -> 198\.51\.100\.0\/24\) has no ports/s,
    ],
    [
      // Masked, 198.51.100.128/24 is the cidr itself, which an exception cannot be: the fix must be a block that fits.
      'an exception with host bits set',
      (chart: Chart) => new TierAccess(chart, 'tiers', {
        flows: [{ source: new Tier(chart, 'web', { pods: web }), destination: Peer.cidr('198.51.100.0/24', { exceptions: ['198.51.100.128/24'] }), ports: [Port.tcp(443)] }],
      }),
      /exception "198\.51\.100\.128\/24" of 198\.51\.100\.0\/24 has host bits set, which is ambiguous: write "198\.51\.100\.128\/25" \(masked it would be 198\.51\.100\.0\/24, not strictly inside .*\) or "198\.51\.100\.128\/32" for one host/,
    ],
    [
      'a workload that selects no pods (select: false, no select())',
      (chart: Chart) => {
        const d = new kplus.Deployment(chart, 'd', { select: false, containers: [{ image: 'x' }] });
        return new EgressAllowList(chart, 'external', { pods: PodSelection.workload(d), destinations: [{ peer: Peer.cidr('10.0.0.0/8'), ports: [Port.tcp(1)] }] });
      },
      /\[test\/external\].*test\/d \(Deployment\) selects its pods by its spec\.selector, which are empty.*select\(\)/s,
    ],
    [
      'a tier on a workload that selects no pods',
      (chart: Chart) => new Tier(chart, 'api', { pods: PodSelection.workload(new kplus.Deployment(chart, 'd', { select: false, containers: [{ image: 'x' }] })) }),
      /\[test\/api\].*test\/d \(Deployment\) selects its pods by its spec\.selector, which are empty/s,
    ],
    [
      'a construct-path annotation switch that is not a boolean',
      (chart: Chart) => {
        chart.node.setContext('cdk8s-netpol:constructPathAnnotation', 'yes');
        return new EgressAllowList(chart, 'external', { pods: api, destinations: [{ peer: Peer.cidr('10.0.0.0/8'), ports: [Port.tcp(1)] }] });
      },
      /\[test\/external\] context "cdk8s-netpol:constructPathAnnotation" is "yes"\. Fix: set it to true or false/,
    ],
  ])('rejects %s', (_what, build, message) => {
    const error = errorOf(build as (chart: Chart) => any);
    expect(error).toMatch(message);
    // Every message names the construct path; each problem carries its own fix (no generic tail).
    expect(error).toMatch(/\[test\/[a-z0-9-]+\]/);
  });

  test('a construct without a known namespace asks for one', () => {
    expect(errorOf(egress('10.0.0.0/8'), {})).toMatch(/\[test\/external\] no namespace is known.*set "namespaceName", or create the chart with a "namespace"/s);
    expect(errorOf((chart) => new Tier(chart, 'web', { pods: web }), {})).toMatch(/\[test\/web\] no namespace is known for the tier/);
  });

  test('all problems of one construct are listed together', () => {
    const error = errorOf(tiers([Port.tcp(0), Port.tcpRange(9, 8)]));
    expect(error).toMatch(/\[test\/tiers\] 2 problems/);
    expect(error).toMatch(/port 0 is out of range/);
    expect(error).toMatch(/endPort 8 is below port 9/);
  });

  test('addFlow checks the flow at once, with the construct path', () => {
    const chart = newChart({ namespace: 'shop' });
    const access = new TierAccess(chart, 'tiers');
    const w = new Tier(chart, 'web', { pods: web });
    expect(() => access.addFlow({ source: w, destination: Peer.cidr('10.0.0.0/8'), ports: [Port.named('http')] })).toThrow(/\[test\/tiers\] flow #1 .*named port/s);
    expect(() => access.addFlow({ source: w, destination: 'db' as any, ports: [Port.tcp(1)] })).toThrow(/\[test\/tiers\].*"db" is not a peer/s);
  });

  test('namespaces selected by labels that include a ZeroTrustNamespace of the app fail synthesis; every namespace does not', () => {
    const build = (peer: any, labels: any = { env: 'prod' }) => errorOrNothing((chart) => {
      new ZeroTrustNamespace(chart, 'prod', { name: 'prod', labels });
      new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
      new TierAccess(chart, 'tiers', { flows: [{ source: peer, destination: new Tier(chart, 'web', { pods: web }), ports: [Port.tcp(80)] }] });
    });
    expect(build(Peer.namespaces({ labels: { env: 'prod' } }))).toMatch(
      /\[test\/tiers\] flow namespaces env=prod -> web on TCP\/80: namespaces env=prod includes pods of prod, a ZeroTrustNamespace.*or narrow the namespace selector so it leaves out prod/s,
    );
    expect(build(Peer.pods({ namespaces: { labels: { env: 'prod' } }, pods: PodSelection.labels({ app: 'x' }) }))).toMatch(/includes pods of prod/);
    // The name label every namespace carries counts too.
    expect(build(Peer.namespaces({ expressions: [LabelExpression.valueIn('kubernetes.io/metadata.name', ['prod', 'other'])] }), {})).toMatch(/includes pods of prod/);
    // Namespaces the selector leaves out, and the deliberate "every namespace", synthesize.
    expect(build(Peer.namespaces({ labels: { env: 'dev' } }))).toBeUndefined();
    expect(build(Peer.allNamespaces())).toBeUndefined();
  });

  test('a foreign end inside a ZeroTrustNamespace of the app fails synthesis and asks for a Tier', () => {
    const error = errorOf((chart) => {
      new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
      const w = new Tier(chart, 'web', { pods: web });
      new TierAccess(chart, 'tiers', {
        flows: [{ source: Peer.pods({ namespaceName: 'shop', pods: PodSelection.labels({ app: 'client' }) }), destination: w, ports: [Port.tcp(8080)] }],
      });
    });
    expect(error).toMatch(/\[test\/tiers\] flow pods shop\/app=client -> web on TCP\/8080: pods shop\/app=client includes pods of shop, a ZeroTrustNamespace of this app that isolates their egress, but they are not a Tier of the app/);
    expect(error).toMatch(/Fix: declare those pods as a Tier \(new Tier\(\.\.\.\)\) and use it in the flow/);
    // The same in the other direction, with the namespace declared in another chart of the app.
    const app = Testing.app();
    new ZeroTrustNamespace(new Chart(app, 'platform'), 'ns', { name: 'data' });
    const team = new Chart(app, 'team', { namespace: 'shop' });
    new TierAccess(team, 'tiers', {
      flows: [{ source: new Tier(team, 'web', { pods: web }), destination: Peer.pods({ namespaceName: 'data', pods: PodSelection.labels({ app: 'db' }) }), ports: [Port.tcp(5432)] }],
    });
    expect(() => app.synth()).toThrow(/\[team\/tiers\] flow .*pods data\/app=db includes pods of data, a ZeroTrustNamespace of this app that isolates their ingress.*declare those pods as a Tier/s);
    // Each problem line begins with the construct that made it, not with cdk8s's empty path of the app (`[] [team/tiers]`).
    expect(() => app.synth()).toThrow(/^Validation failed with the following errors:\n {2}\[team\/tiers\] flow /);
  });

  test('a policy name that collides with a ZeroTrustNamespace policy fails the synthesis, naming both constructs', () => {
    const error = errorOf((chart) => {
      new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
      new EgressAllowList(chart, 'external', { policyName: 'shop-default-deny', pods: web, destinations: [{ peer: Peer.cidr('10.0.0.0/8'), ports: [Port.tcp(1)] }] });
    });
    expect(error).toMatch(/NetworkPolicy shop\/shop-default-deny is emitted by test\/ns and test\/external/);
  });

  test('an error means no YAML is written', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-'));
    const app = new App({ outdir });
    const chart = new Chart(app, 'bad', { namespace: 'shop' });
    new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
    expect(() => tiers([Port.tcp(0)])(chart)).toThrow(/out of range/);
    // A later validation error (duplicate names) stops synthesis before any file is written.
    new EgressAllowList(chart, 'again', { policyName: 'shop-default-deny', pods: PodSelection.labels({ app: 'batch' }), destinations: [{ peer: Peer.cidr('10.0.0.0/8'), ports: [Port.tcp(1)] }] });
    expect(() => app.synth()).toThrow(/is emitted by/);
    expect(fs.readdirSync(outdir)).toEqual([]);
  });

  test('a ZeroTrustNamespace error, caught, leaves nothing of it: no Namespace without its default-deny', () => {
    const bad = [
      { name: 'shop', podSecurity: { enforce: 'strict' as PodSecurityLevel } },
      { name: 'shop', dns: [Peer.kubeDns({ namespaceName: 'Bad_NS' })] },
      { name: 'shop', createNamespace: false, labels: { team: 'a' } },
    ];
    for (const props of bad) {
      const chart = newChart({ namespace: 'shop' });
      expect(() => new ZeroTrustNamespace(chart, 'ns', props)).toThrow(/\[test\/ns\]/);
      const objects = synth(chart);
      expect(objects).toEqual([]);
      expect(chart.node.tryFindChild('ns')?.node.children ?? []).toEqual([]);
    }
  });

  test('a caught ZeroTrustNamespace error does not isolate its namespace for tiers declared after it', () => {
    const chart = newChart({ namespace: 'shop' });
    expect(() => new ZeroTrustNamespace(chart, 'ns', { name: 'shop', podSecurity: { enforce: PodSecurityLevel.BASELINE, version: '1.28' } })).toThrow(/Pod Security version/);
    // The namespace was not claimed: declaring it again works.
    new ZeroTrustNamespace(chart, 'ns2', { name: 'shop' });
    expect(synth(chart).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Namespace/shop', 'NetworkPolicy/shop-default-deny']);
  });

  test('the intent annotation is canonical: label expressions in another order give the same policy', () => {
    const build = (reverse: boolean) => {
      const chart = newChart({ namespace: 'shop' });
      new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
      const expressions = [LabelExpression.valueIn('role', ['web', 'cli']), LabelExpression.doesNotExist('canary'), LabelExpression.valueNotIn('track', ['b', 'a'])];
      const pods = PodSelection.matching({ labels: { app: 'web' }, expressions: reverse ? [...expressions].reverse() : expressions });
      const w = new Tier(chart, 'web', { pods });
      const target = Peer.pods({
        namespaces: { labels: { env: 'prod' }, expressions: reverse ? [...expressions].reverse() : expressions },
        pods: PodSelection.matching({ expressions: reverse ? [LabelExpression.exists('b'), LabelExpression.exists('a')] : [LabelExpression.exists('a'), LabelExpression.exists('b')] }),
      });
      new TierAccess(chart, 'tiers', { flows: [{ source: w, destination: target, ports: [Port.tcp(443), Port.udp(53)] }] });
      return synth(chart).find((o) => o.metadata.name === 'web-flows');
    };
    const a = build(false);
    const b = build(true);
    expect(b.metadata.annotations).toEqual(a.metadata.annotations);
    expect(JSON.stringify(b)).toEqual(JSON.stringify(a));
  });

  test('lint options fail closed: a misspelt failOn and unknown keys throw', () => {
    expect(() => NetpolLint.enable(newChart(), { failOn: 'warn' as any })).toThrow(/failOn/);
    expect(() => NetpolLint.enable(newChart(), { failon: 'warning' } as any)).toThrow(/failon/);
  });

  test('a plain ApiObject that is not a workload is rejected with its path', () => {
    const error = errorOf((chart) => {
      const cm = new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } });
      new Tier(chart, 'api', { pods: PodSelection.workload(cm) });
    });
    expect(error).toMatch(/\[test\/api\].*test\/cm is a ConfigMap, which has no pods/s);
  });
});
