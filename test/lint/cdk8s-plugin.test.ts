import * as path from 'path';
import { Cdk8sValidationViolation, ICdk8sValidationContext, LintSeverity, NetpolLintValidation } from '../../src';

const lintFixtures = path.join(__dirname, '..', 'fixtures', 'lint');

/** A stand-in for cdk8s-cli's ValidationContext, recording what the plugin reports. */
function context(...files: string[]): ICdk8sValidationContext & { violations: Cdk8sValidationViolation[]; status?: string } {
  const ctx = {
    manifests: files.map((f) => path.resolve(lintFixtures, f)),
    violations: [] as Cdk8sValidationViolation[],
    status: undefined as string | undefined,
    report: {
      addViolation: (v: Cdk8sValidationViolation) => { ctx.violations.push(v); },
      submit: (status: string) => { ctx.status = status; },
    },
  };
  return ctx;
}

describe('NetpolLintValidation (cdk8s-cli plugin)', () => {
  test('submits success with no violation for the secure-app example', () => {
    const ctx = context('secure-app.k8s.yaml');
    new NetpolLintValidation().validate(ctx);
    expect(ctx.status).toBe('success');
    expect(ctx.violations).toEqual([]);
  });

  test('reports one violation per rule with the resources, and fails on errors', () => {
    const ctx = context('mistakes.yaml');
    new NetpolLintValidation({}).validate(ctx);
    expect(ctx.status).toBe('failure');
    expect(ctx.violations.map((v) => v.ruleName)).toEqual(['NP003 egress-without-dns (error)', 'NP008 allow-all-rule (warning)']);
    expect(ctx.violations[0].violatingResources.map((r) => r.resourceName)).toEqual(['frontend', 'backend']);
    expect(ctx.violations[1].violatingResources).toEqual([{
      resourceName: 'frontend-public',
      locations: [expect.stringMatching(/^spec\.ingress\[0\]: NetworkPolicy shop\/frontend-public: spec\.ingress\[0\] has no `from`/)],
      manifestPath: path.join(lintFixtures, 'mistakes.yaml'),
    }]);
    expect(ctx.violations[1].fix).toMatch(/ingress: \[\]/);
  });

  test('succeeds on warnings unless failOn is warning', () => {
    const lenient = context('warnings-only.yaml');
    new NetpolLintValidation().validate(lenient);
    expect(lenient.status).toBe('success');
    expect(lenient.violations.map((v) => v.ruleName)).toEqual(['NP010 whole-ip-range-without-ports (warning)']);

    const strict = context('warnings-only.yaml');
    new NetpolLintValidation({ failOn: LintSeverity.WARNING }).validate(strict);
    expect(strict.status).toBe('failure');
  });

  test('fails with the problems when the manifests are invalid', () => {
    const ctx = context('../invalid/bad-policy.yaml');
    new NetpolLintValidation().validate(ctx);
    expect(ctx.status).toBe('failure');
    expect(ctx.violations.map((v) => v.ruleName)).toEqual(['invalid-manifests']);
    expect(ctx.violations[0].violatingResources[0].locations[0]).toMatch(/must be a strict subset of `cidr`/);
  });
});
