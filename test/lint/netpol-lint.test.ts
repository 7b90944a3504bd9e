import { ApiObject, Chart, Testing } from 'cdk8s';
import { SecureApp } from '../../examples/secure-app/app';
import { LintSeverity, NetpolLint } from '../../src';

function chartWithBackend(): { chart: Chart; backend: ApiObject } {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'shop' });
  const backend = new ApiObject(chart, 'backend', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'backend' },
    spec: {
      selector: { matchLabels: { app: 'backend' } },
      template: { metadata: { labels: { app: 'backend' } }, spec: { containers: [{ name: 'api', image: 'api' }] } },
    },
  });
  return { chart, backend };
}

/** A default deny without DNS: NP003 (error) on the backend. */
function denyAll(chart: Chart, extra: object = {}): ApiObject {
  return new ApiObject(chart, 'deny', {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'deny' },
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ...extra },
  });
}

const DNS = {
  egress: [{
    to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
    ports: [{ protocol: 'UDP', port: 53 }],
  }],
};

describe('NetpolLint', () => {
  test('lets the secure-app example synthesize', () => {
    const app = Testing.app();
    const chart = new SecureApp(app, 'secure-app');
    NetpolLint.enable(chart);
    expect(() => chart.toJson()).not.toThrow();
    expect(NetpolLint.check(app)).toEqual([]);
  });

  test('fails synthesis on an error, naming the rule, the construct path and the fix', () => {
    const { chart } = chartWithBackend();
    denyAll(chart);
    NetpolLint.enable(chart);
    expect(() => chart.toJson()).toThrow(/\[test\] NP003 egress-without-dns at test\/backend: Deployment shop\/backend is isolated for Egress by NetworkPolicy shop\/deny.*Fix: add.*\(suppress with the annotation cdk8s-netpol.dev\/suppress: "NP003: <reason>"\)/);
  });

  test('does not fail on warnings unless failOn is WARNING', () => {
    const { chart } = chartWithBackend();
    denyAll(chart, { ...DNS, ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] });
    NetpolLint.enable(chart);
    expect(() => chart.toJson()).not.toThrow();

    const other = chartWithBackend();
    denyAll(other.chart, { ...DNS, ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] });
    NetpolLint.enable(other.chart, { failOn: LintSeverity.WARNING });
    expect(() => other.chart.toJson()).toThrow(/NP010 whole-ip-range-without-ports at test\/deny: /);
  });

  test('check returns findings of every severity with construct paths', () => {
    const { chart } = chartWithBackend();
    denyAll(chart, { ...DNS, ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] });
    expect(NetpolLint.check(chart)).toEqual([{
      ruleId: 'NP010',
      ruleName: 'whole-ip-range-without-ports',
      severity: LintSeverity.WARNING,
      objectName: 'NetworkPolicy shop/deny',
      fieldPath: 'spec.ingress[0].from[0].ipBlock.cidr',
      message: expect.stringMatching(/is the whole address space/),
      constructPath: 'test/deny',
    }]);
  });

  test('checks ipBlocks against the given cluster ranges', () => {
    const { chart } = chartWithBackend();
    denyAll(chart, { egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ protocol: 'UDP', port: 53 }] }] });
    expect(NetpolLint.check(chart, { podCidrs: ['10.244.0.0/16'] }).map((f) => f.ruleId)).toEqual(['NP012']);
    expect(() => NetpolLint.check(chart, { serviceCidrs: ['10.96.0.0/99'] })).toThrow(/serviceCidrs: "10.96.0.0\/99" is not a valid CIDR/);
  });

  test('suppress annotates the objects, and a suppressed finding no longer fails synthesis', () => {
    const { chart, backend } = chartWithBackend();
    denyAll(chart);
    NetpolLint.enable(chart);
    NetpolLint.suppress(backend, 'NP003', 'resolves through a sidecar proxy');
    const objects = chart.toJson();
    expect(objects.find((o) => o.kind === 'Deployment').metadata.annotations).toEqual({ 'cdk8s-netpol.dev/suppress': 'NP003: resolves through a sidecar proxy' });
    NetpolLint.suppress(backend, 'NP004', 'another');
    expect(chart.toJson().find((o) => o.kind === 'Deployment').metadata.annotations['cdk8s-netpol.dev/suppress'])
      .toBe('NP003: resolves through a sidecar proxy\nNP004: another');
  });

  test.each([
    ['NP042', 'x', /"NP042" is not a rule id/],
    ['NP003', ' ', /give a one-line reason/],
  ])('suppress(%s, %j) fails', (id, reason, message) => {
    const { backend } = chartWithBackend();
    expect(() => NetpolLint.suppress(backend, id, reason)).toThrow(message);
  });

  test('enabling twice validates once', () => {
    const { chart } = chartWithBackend();
    denyAll(chart);
    NetpolLint.enable(chart);
    NetpolLint.enable(chart);
    let message = '';
    try {
      chart.toJson();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.match(/NP003 egress-without-dns/g)).toHaveLength(1);
  });

  test('lints every chart of an app together', () => {
    const app = Testing.app();
    const workloads = new Chart(app, 'workloads', { namespace: 'shop' });
    new ApiObject(workloads, 'pod', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i' }] } });
    const policies = new Chart(app, 'policies', { namespace: 'shop' });
    denyAll(policies, DNS);
    expect(NetpolLint.check(app)).toEqual([]);
    expect(NetpolLint.check(workloads).map((f) => f.ruleId)).toEqual(['NP001', 'NP002']);
  });
});
