import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { deployment, pod, policy } from './util';
import { Port, Reachability } from '../../src';

const secureAppYaml = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'secure-app.yaml'), 'utf8');

function secureAppChart(scope: App, id: string, namespace: string): Chart {
  const chart = new Chart(scope, id, { namespace });
  new ApiObject(chart, 'web', deployment(`${namespace}/web`, { app: 'web' }, [{ name: 'http', containerPort: 8080 }]));
  new ApiObject(chart, 'api', deployment(`${namespace}/api`, { app: 'api' }, [{ name: 'http', containerPort: 80 }]));
  new ApiObject(chart, 'deny', policy(`${namespace}/deny-all`, { podSelector: {}, policyTypes: ['Ingress'] }));
  new ApiObject(chart, 'allow', policy(`${namespace}/api-from-web`, {
    podSelector: { matchLabels: { app: 'api' } },
    ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 'http' }] }],
  }));
  return chart;
}

describe('Reachability.of', () => {
  test('evaluates a Chart', () => {
    const chart = secureAppChart(Testing.app(), 'shop', 'shop');
    const reach = Reachability.of(chart);
    reach.allows('shop/web', 'shop/api', Port.tcp(80));
    reach.denies('shop/api', 'shop/web', Port.tcp(8080));
    expect(reach.endpoints()).toEqual(['shop/api', 'shop/web']);
  });

  test('evaluates every Chart of an App', () => {
    const app = Testing.app();
    secureAppChart(app, 'one', 'one');
    secureAppChart(app, 'two', 'two');
    expect(Reachability.of(app).endpoints()).toEqual(['one/api', 'one/web', 'two/api', 'two/web']);
  });

  test('fails when the tree has no Chart', () => {
    expect(() => Reachability.of(new App())).toThrow(/no Chart found/);
  });

  test('names the chart path of an invalid object', () => {
    const chart = new Chart(Testing.app(), 'broken');
    new ApiObject(chart, 'np', policy('default/bad', { podSelector: {}, ingress: [{ from: [{}] }] }));
    expect(() => Reachability.of(chart)).toThrow(/chart broken: NetworkPolicy default\/bad: spec\.ingress\[0\]\.from\[0\]: must specify a peer/);
  });
});

describe('test helpers', () => {
  const reach = Reachability.fromYaml(secureAppYaml, 'secure-app.yaml');

  test('allows passes silently for an allowed flow', () => {
    expect(() => reach.allows('secure-app/frontend', 'secure-app/backend', Port.tcp(80))).not.toThrow();
  });

  test('allows fails with the explanation when the flow is denied', () => {
    expect(() => reach.allows('secure-app/frontend', 'secure-app/db', Port.tcp(5432))).toThrow(
      /expected secure-app\/frontend -> secure-app\/db on TCP\/5432 to be allowed, but it is denied:\n.*DENIED\n\s+egress of secure-app\/frontend: isolated by policy secure-app\/default-deny, policy secure-app\/frontend-egress/,
    );
  });

  test('denies fails with the explanation when the flow is allowed', () => {
    expect(() => reach.denies('secure-app/backend', 'secure-app/db', Port.tcp(5432)))
      .toThrow(/to be denied, but it is allowed:[^]*allowed by policy secure-app\/backend-to-db spec\.ingress\[0\]/);
  });

  test('explain names the isolating policies and the allowing rules', () => {
    expect(reach.explain('secure-app/frontend', 'secure-app/backend', Port.named('http'))).toBe([
      'secure-app/frontend -> secure-app/backend on TCP/http (= TCP/80 on secure-app/backend): ALLOWED',
      '  egress of secure-app/frontend: isolated by policy secure-app/default-deny, policy secure-app/frontend-egress',
      '    allowed by policy secure-app/frontend-egress spec.egress[0]',
      '  ingress of secure-app/backend: isolated by policy secure-app/default-deny, policy secure-app/frontend-to-backend',
      '    allowed by policy secure-app/frontend-to-backend spec.ingress[0]',
    ].join('\n'));
  });

  test('explain says when a side is not isolated', () => {
    const open = Reachability.fromObjects([pod('a/x'), pod('a/y')]);
    expect(open.explain('a/x', 'a/y', Port.tcp(1))).toMatch(/egress of a\/x: not isolated \(no policy selects it for Egress\), so everything is allowed/);
  });

  test('matrix renders a deterministic text table', () => {
    expect(reach.matrix(Port.tcp(5432))).toMatchSnapshot();
  });

  test('allowedFlows lists flows between different endpoints, sorted', () => {
    expect(reach.allowedFlows(Port.tcp(80))).toEqual(['secure-app/frontend -> secure-app/backend']);
    expect(reach.allowedFlows(Port.tcp(5432))).toEqual(['secure-app/backend -> secure-app/db']);
  });

  test('unknown endpoints fail with the list of known endpoints', () => {
    expect(() => reach.isAllowed('secure-app/nope', 'secure-app/db', Port.tcp(1)))
      .toThrow(/unknown endpoint "secure-app\/nope".*Known endpoints: secure-app\/backend, secure-app\/db, secure-app\/frontend/);
  });

  test.each([
    ['a range', Port.tcpRange(80, 90)],
    ['every port', Port.allTcp()],
  ])('queries reject %s: a connection goes to one port', (_, port) => {
    expect(() => reach.isAllowed('secure-app/frontend', 'secure-app/db', port)).toThrow(/a connection goes to one port/);
  });

  test('queries reject an invalid port', () => {
    expect(() => reach.matrix(Port.tcp(0))).toThrow(/invalid port TCP\/0: port 0 is out of range/);
  });

  test('an empty input has an empty matrix', () => {
    expect(Reachability.fromYaml('').matrix(Port.tcp(80))).toMatch(/\(no pods or workloads\)/);
  });
});
