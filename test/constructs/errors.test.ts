import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  DnsAccess,
  EgressAllowList,
  PodSelection,
  Port,
  LabelExpression,
  TierAccess,
  ZeroTrustNamespace,
} from '../../src';
import { errorOf } from '../util/synth';

const web = PodSelection.labels({ app: 'web' });
const api = PodSelection.labels({ app: 'api' });

function tiers(flowPorts: Port[], extra: { pods?: PodSelection } = {}) {
  return (chart: Chart) =>
    new TierAccess(chart, 'tiers', {
      tiers: [
        { name: 'web', pods: extra.pods ?? web },
        { name: 'api', pods: api },
      ],
      flows: [{ source: 'web', destination: 'api', ports: flowPorts }],
    });
}

function egress(cidr: string, exceptions?: string[], ports: Port[] = [Port.tcp(443)]) {
  return (chart: Chart) =>
    new EgressAllowList(chart, 'external', { pods: api, destinations: [{ cidr, exceptions, ports }] });
}

describe('bad input fails at construct time, naming the construct path and the fix', () => {
  test.each([
    ['an invalid CIDR', egress('203.0.113.0/33'), /\[test\/external\].*"203\.0\.113\.0\/33" is not a valid CIDR.*Fix:/s],
    ['an invalid IPv6 CIDR', egress('2001:db8:::/64'), /\[test\/external\].*not a valid CIDR/s],
    ['a CIDR with host bits set', egress('203.0.113.7/24'), /host bits set.*"203\.0\.113\.0\/24"/s],
    ['an except outside its CIDR', egress('10.0.0.0/16', ['10.1.0.0/24']), /\[test\/external\].*exception "10\.1\.0\.0\/24" is not strictly inside 10\.0\.0\.0\/16/s],
    ['an except equal to its CIDR', egress('10.0.0.0/16', ['10.0.0.0/16']), /not strictly inside/],
    ['an except of the other family', egress('10.0.0.0/16', ['2001:db8::/64']), /not strictly inside/],
    ['an external destination without ports', egress('10.0.0.0/16', undefined, []), /has no ports.*Port\.allTcp\(\)/s],
    ['port 0', tiers([Port.tcp(0)]), /\[test\/tiers\].*port 0 is out of range.*leave the port out to mean every port/s],
    ['port 65536', tiers([Port.udp(65536)]), /port 65536 is out of range/],
    ['a fractional port', tiers([Port.tcp(80.5)]), /port 80\.5 is out of range/],
    ['endPort below port', tiers([Port.tcpRange(9000, 8000)]), /endPort 8000 is below port 9000.*Port\.tcpRange\(8000, 9000\)/s],
    ['endPort out of range', tiers([Port.tcpRange(9000, 70000)]), /endPort: port 70000 is out of range/],
    ['endPort with a named port', tiers([Port.of({ name: 'http', endPort: 90 })]), /endPort 90 cannot be used with the named port "http"/],
    ['an invalid port name', tiers([Port.named('HTTP_port')]), /"HTTP_port" is not a valid port name/],
    ['an invalid label key', tiers([Port.tcp(80)], { pods: PodSelection.labels({ 'bad key!': 'x' }) }), /\[test\/tiers\].*label key "bad key!" has an invalid name/s],
    ['an invalid label key prefix', tiers([Port.tcp(80)], { pods: PodSelection.labels({ 'Example.COM/app': 'x' }) }), /invalid prefix "Example\.COM"/],
    ['an invalid label value', tiers([Port.tcp(80)], { pods: PodSelection.labels({ app: '-web' }) }), /label value "-web" is invalid/],
    ['a too long label value', tiers([Port.tcp(80)], { pods: PodSelection.labels({ app: 'a'.repeat(64) }) }), /label value "a{64}" is invalid/],
    ['an empty selector', tiers([Port.tcp(80)], { pods: PodSelection.labels({}) }), /\[test\/tiers\].*selector is empty, which would silently select every pod.*PodSelection\.allPods\(\)/s],
    [
      'In without values',
      tiers([Port.tcp(80)], { pods: PodSelection.matching({ expressions: [LabelExpression.valueIn('app', [])] }) }),
      /expression "app In" needs at least one value/,
    ],
    [
      'an expression with an invalid key',
      tiers([Port.tcp(80)], { pods: PodSelection.matching({ expressions: [LabelExpression.exists('app;')] }) }),
      /label key "app;" has an invalid name/,
    ],
    [
      'duplicate tier names',
      (chart: Chart) =>
        new TierAccess(chart, 'tiers', {
          tiers: [
            { name: 'web', pods: web },
            { name: 'web', pods: api },
          ],
          flows: [],
        }),
      /\[test\/tiers\].*tier name "web" is declared twice/s,
    ],
    [
      'a flow naming an undeclared tier',
      (chart: Chart) =>
        new TierAccess(chart, 'tiers', {
          tiers: [{ name: 'web', pods: web }],
          flows: [{ source: 'web', destination: 'db', ports: [Port.tcp(5432)] }],
        }),
      /\[test\/tiers\].*flow #1 \(web -> db\) names undeclared tier "db"; declared tiers: web/s,
    ],
    [
      'a flow without ports',
      (chart: Chart) =>
        new TierAccess(chart, 'tiers', {
          tiers: [
            { name: 'web', pods: web },
            { name: 'api', pods: api },
          ],
          flows: [{ source: 'web', destination: 'api' }],
        }),
      /flow #1 \(web -> api\) has no ports/,
    ],
    ['an invalid tier name', (chart: Chart) => new TierAccess(chart, 'tiers', { tiers: [{ name: 'Web_Tier', pods: web }], flows: [] }), /tier name "Web_Tier" is not a valid DNS-1123 label/],
    ['an invalid namespace name', (chart: Chart) => new ZeroTrustNamespace(chart, 'ns', { name: 'Secure_App' }), /\[test\/ns\].*"Secure_App" is not a valid DNS-1123 label/s],
    [
      'labels on an adopted namespace',
      (chart: Chart) => new ZeroTrustNamespace(chart, 'ns', { name: 'shop', createNamespace: false, labels: { team: 'a' } }),
      /adopted namespace, where they would be silently lost/,
    ],
    ['an empty DNS CIDR list', (chart: Chart) => new ZeroTrustNamespace(chart, 'ns', { name: 'shop', dns: DnsAccess.cidrs([]) }), /needs at least one CIDR/],
    [
      'an empty DNS selector',
      (chart: Chart) => new ZeroTrustNamespace(chart, 'ns', { name: 'shop', dns: DnsAccess.pods({ namespaceName: 'kube-system', pods: PodSelection.labels({}) }) }),
      /DNS pods: the selector is empty/,
    ],
    ['an allow list without destinations', (chart: Chart) => new EgressAllowList(chart, 'external', { pods: api, destinations: [] }), /no destination is given/],
    [
      'API server access without addresses',
      (chart: Chart) => new EgressAllowList(chart, 'external', { pods: api, destinations: [], kubernetesApi: { cidrs: [] } }),
      /kubernetesApi needs at least one CIDR/,
    ],
    [
      'a workload in another namespace than the one given',
      (chart: Chart) => {
        const d = new kplus.Deployment(chart, 'd', { metadata: { namespace: 'other' }, containers: [{ image: 'x' }] });
        return new EgressAllowList(chart, 'external', { namespaceName: 'shop', pods: PodSelection.workload(d), destinations: [{ cidr: '10.0.0.0/8', ports: [Port.tcp(1)] }] });
      },
      /namespace is "shop" but workload test\/d lives in "other"/,
    ],
    [
      'a Service without selector as a tier',
      (chart: Chart) => {
        const svc = new kplus.Service(chart, 'svc', { ports: [{ port: 80 }] });
        return new TierAccess(chart, 'tiers', {
          tiers: [
            { name: 'web', pods: web },
            { name: 'api', pods: PodSelection.service(svc) },
          ],
          flows: [{ source: 'web', destination: 'api' }],
        });
      },
      /service test\/svc has no pod selector/,
    ],
    [
      'a tier external destination with a bad CIDR or no ports',
      (chart: Chart) =>
        new TierAccess(chart, 'tiers', {
          tiers: [
            { name: 'web', pods: web, externalDestinations: [{ cidr: '203.0.113.7/24', ports: [Port.tcp(443)] }, { cidr: '198.51.100.0/24', ports: [] }] },
          ],
          flows: [],
        }),
      /\[test\/tiers\] 2 problems:.*tier "web" external destination #1 \(203\.0\.113\.7\/24\): "203\.0\.113\.7\/24" has host bits set.*tier "web" external destination #2 \(198\.51\.100\.0\/24\) has no ports.*Fix: .*give valid CIDRs/s,
    ],
    [
      'a workload that selects no pods (select: false, no select())',
      (chart: Chart) => {
        const d = new kplus.Deployment(chart, 'd', { select: false, containers: [{ image: 'x' }] });
        return new EgressAllowList(chart, 'external', { pods: PodSelection.workload(d), destinations: [{ cidr: '10.0.0.0/8', ports: [Port.tcp(1)] }] });
      },
      /\[test\/external\] pods: test\/d has no pod selector \(select: false and no select\(\) call\): call select\(\)/,
    ],
    [
      'a construct-path annotation switch that is not a boolean',
      (chart: Chart) => {
        chart.node.setContext('cdk8s-netpol:constructPathAnnotation', 'yes');
        return new EgressAllowList(chart, 'external', { pods: api, destinations: [{ cidr: '10.0.0.0/8', ports: [Port.tcp(1)] }] });
      },
      /\[test\/external\] context "cdk8s-netpol:constructPathAnnotation" is "yes"\. Fix: set it to true or false/,
    ],
  ])('rejects %s', (_what, build, message) => {
    const error = errorOf(build);
    expect(error).toMatch(message);
    expect(error).toMatch(/Fix: /);
  });

  test('a construct without a known namespace asks for one', () => {
    expect(errorOf(egress('10.0.0.0/8'), {})).toMatch(/\[test\/external\] no namespace is known.*set "namespaceName", or create the chart with a "namespace"/s);
  });

  test('all problems of one construct are listed together', () => {
    const error = errorOf(tiers([Port.tcp(0), Port.tcpRange(9, 8)]));
    expect(error).toMatch(/2 problems/);
    expect(error).toMatch(/port 0 is out of range/);
    expect(error).toMatch(/endPort 8 is below port 9/);
  });

  test('two constructs emitting the same policy name fail the synthesis', () => {
    const error = errorOf((chart) => {
      egress('10.0.0.0/8')(chart);
      new EgressAllowList(chart, 'other', { policyName: 'external', pods: web, destinations: [{ cidr: '10.0.0.0/8', ports: [Port.tcp(1)] }] });
    });
    expect(error).toMatch(/NetworkPolicy shop\/external is emitted by test\/external\/Resource and test\/other\/Resource/);
  });

  test('an error means no YAML is written', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-'));
    const app = new App({ outdir });
    const chart = new Chart(app, 'bad', { namespace: 'shop' });
    new ZeroTrustNamespace(chart, 'ns', { name: 'shop' });
    expect(() => tiers([Port.tcp(0)])(chart)).toThrow(/out of range/);
    // A later validation error (duplicate names) stops synthesis before any file is written.
    egress('10.0.0.0/8')(chart);
    new EgressAllowList(chart, 'again', { policyName: 'external', pods: web, destinations: [{ cidr: '10.0.0.0/8', ports: [Port.tcp(1)] }] });
    expect(() => app.synth()).toThrow(/is emitted by/);
    expect(fs.readdirSync(outdir)).toEqual([]);
  });
});
