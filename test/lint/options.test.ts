import { ApiObject } from 'cdk8s';
import { LintSeverity, NetpolLint, NetpolLintValidation } from '../../src';
import { newChart } from '../util/synth';

describe('lint options fail closed', () => {
  test.each([
    [{ failOn: 'warn' }, /failOn "warn" is not a severity: use one of "error", "warning", "info"/],
    [{ failOn: 3 }, /failOn 3 is not a severity/],
    [{ failon: 'warning' }, /options: unknown key "failon" \(did you mean "failOn"\?\); NetpolLintOptions has failOn, podCidrs, reportOn, serviceCidrs/],
    [{ reportOn: 'warnings' }, /reportOn "warnings" is not a severity/],
    [{ podCidrs: '10.0.0.0/8' }, /podCidrs must be a list of CIDR strings/],
    [{ serviceCidrs: ['10.96.0.0/12', 'ten'] }, /serviceCidrs: "ten" is not a valid CIDR/],
  ])('NetpolLint.enable rejects %j with the scope path', (options, message) => {
    const chart = newChart({ namespace: 'shop' });
    expect(() => NetpolLint.enable(chart, options as any)).toThrow(message);
    expect(() => NetpolLint.enable(chart, options as any)).toThrow(/NetpolLint\.enable\(test\)/);
  });

  test('the cdk8s-cli plugin rejects the same values when cdk8s loads it', () => {
    expect(() => new NetpolLintValidation({ failOn: 'warn' } as any)).toThrow(/cdk8s\.yaml.*failOn "warn" is not a severity/);
    expect(() => new NetpolLintValidation({ fail_on: 'error' } as any)).toThrow(/unknown key "fail_on" \(did you mean "failOn"\?\)/);
  });

  test('valid options are accepted, and failOn still decides what fails', () => {
    const chart = newChart({ namespace: 'shop' });
    expect(() => NetpolLint.enable(chart, { failOn: LintSeverity.WARNING, podCidrs: ['10.244.0.0/16'] })).not.toThrow();
    expect(() => new NetpolLintValidation({ failOn: LintSeverity.INFO, serviceCidrs: ['10.96.0.0/12'] })).not.toThrow();
  });
});

describe('synth-time findings below failOn', () => {
  function chartWithWarning() {
    const chart = newChart({ namespace: 'shop' });
    new ApiObject(chart, 'open', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'from-anywhere' },
      spec: { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] },
    });
    return chart;
  }

  test('are printed to stderr once each, by default from warnings on, and do not fail synthesis', () => {
    const chart = chartWithWarning();
    NetpolLint.enable(chart);
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      chart.toJson();
      chart.toJson();
      const lines = write.mock.calls.map((c) => String(c[0]));
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.every((l) => /^cdk8s-netpol lint warning: NP\d{3} /.test(l))).toBe(true);
      expect(new Set(lines).size).toEqual(lines.length);
    } finally {
      write.mockRestore();
    }
  });

  test('reportOn: error prints nothing, failOn: warning fails instead', () => {
    const quiet = chartWithWarning();
    NetpolLint.enable(quiet, { reportOn: LintSeverity.ERROR });
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      quiet.toJson();
      expect(write).not.toHaveBeenCalled();
    } finally {
      write.mockRestore();
    }
    const strict = chartWithWarning();
    NetpolLint.enable(strict, { failOn: LintSeverity.WARNING });
    expect(() => strict.toJson()).toThrow(/NP\d{3} /);
  });
});
