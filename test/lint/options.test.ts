import { LintSeverity, NetpolLint, NetpolLintValidation } from '../../src';
import { newChart } from '../util/synth';

describe('lint options fail closed', () => {
  test.each([
    [{ failOn: 'warn' }, /failOn "warn" is not a severity: use one of "error", "warning", "info"/],
    [{ failOn: 3 }, /failOn 3 is not a severity/],
    [{ failon: 'warning' }, /unknown option "failon": the options are podCidrs, serviceCidrs, failOn, reportOn/],
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
    expect(() => new NetpolLintValidation({ fail_on: 'error' } as any)).toThrow(/unknown option "fail_on"/);
  });

  test('valid options are accepted, and failOn still decides what fails', () => {
    const chart = newChart({ namespace: 'shop' });
    expect(() => NetpolLint.enable(chart, { failOn: LintSeverity.WARNING, podCidrs: ['10.244.0.0/16'] })).not.toThrow();
    expect(() => new NetpolLintValidation({ failOn: LintSeverity.INFO, serviceCidrs: ['10.96.0.0/12'] })).not.toThrow();
  });
});
