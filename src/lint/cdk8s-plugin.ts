/**
 * A cdk8s-cli validation plugin: `cdk8s synth` runs the lint rules on the synthesized manifests when cdk8s.yaml lists
 * it under `validations`. The CLI loads the class by name from this package, constructs it with the `properties`
 * of the entry, and awaits `validate(context)`; the report must be submitted before it returns.
 *
 * @see https://github.com/cdk8s-team/cdk8s-cli/blob/main/src/plugins/validation.ts
 */
import { NetpolLintOptions } from './api';
import { Finding } from './model';
import { CheckedLintOptions, checkLintOptions } from './options';
import { lintObjects, RULE_DOCS } from './pack';
import { atLeast } from './rank';
import { readManifestPaths } from '../manifests/files';
import { formatProblem, problemLabel } from '../manifests/problem';

/**
 * Properties of the cdk8s-cli validation plugin, given as `properties` in cdk8s.yaml: the options of
 * `NetpolLint` (`podCidrs`, `serviceCidrs`, `failOn`, as `error` or `warning`).
 */
export interface NetpolLintValidationProps extends NetpolLintOptions {}

/**
 * A resource that violates a rule, as cdk8s-cli's `ValidationViolatingResource`.
 */
export interface Cdk8sViolatingResource {
  /** The `metadata.name` of the object; cdk8s-cli maps it to a construct path. */
  readonly resourceName: string;
  /** Where in the object, and what is wrong there. */
  readonly locations: string[];
  /** The manifest file the object was read from. */
  readonly manifestPath: string;
}

/**
 * One violated rule, as cdk8s-cli's `ValidationViolation`.
 */
export interface Cdk8sValidationViolation {
  readonly ruleName: string;
  readonly recommendation: string;
  readonly fix: string;
  readonly violatingResources: Cdk8sViolatingResource[];
}

/**
 * The report of cdk8s-cli's `ValidationContext`: the part the plugin uses.
 */
export interface ICdk8sValidationReport {
  /** Adds one violated rule. */
  addViolation(violation: Cdk8sValidationViolation): void;
  /** Submits the report: `success` or `failure`. */
  submit(status: string): void;
}

/**
 * cdk8s-cli's `ValidationContext`: the part the plugin uses.
 */
export interface ICdk8sValidationContext {
  /** The paths of the synthesized manifests. */
  readonly manifests: string[];
  /** Where violations are reported. */
  readonly report: ICdk8sValidationReport;
}

/**
 * Runs the cdk8s-netpol lint rules as a cdk8s-cli validation plugin during `cdk8s synth`.
 *
 * Install the package in the cdk8s project and enable it in cdk8s.yaml by its path (cdk8s-cli loads a `./` path
 * as it is, but installs a bare package name again from the npm registry); the version must be the exact installed
 * version, as cdk8s-cli requires:
 *
 * ```yaml
 * validations:
 *   - package: ./node_modules/cdk8s-netpol
 *     version: 1.2.3
 *     class: NetpolLintValidation
 *     properties:
 *       failOn: warning
 *       podCidrs: [10.244.0.0/16]
 * ```
 */
export class NetpolLintValidation {
  private readonly options: CheckedLintOptions;

  constructor(props: NetpolLintValidationProps = {}) {
    // cdk8s.yaml is untyped: an unknown key or a misspelt severity throws here, when cdk8s-cli loads the plugin.
    this.options = checkLintOptions(props, 'cdk8s-netpol NetpolLintValidation properties (cdk8s.yaml)');
  }

  /**
   * Lints the manifests of the context, adds one violation per rule with findings and submits the report: a
   * failure when a finding is at or above `failOn`, or when the manifests are invalid.
   */
  public validate(context: ICdk8sValidationContext): void {
    // The same safe reader as the CLI (regular files only, size caps), and no stdin.
    const { objects, problems } = readManifestPaths(context.manifests, { readStdin: () => '' });
    const result = lintObjects(objects, { podCidrs: this.options.podCidrs, serviceCidrs: this.options.serviceCidrs }, problems);

    if (result.problems.length > 0) {
      context.report.addViolation({
        ruleName: 'invalid-manifests',
        recommendation: 'The API server would reject these objects; nothing was linted.',
        fix: 'Correct each field named in the locations.',
        violatingResources: result.problems.map((p) => ({
          resourceName: p.ref?.name ?? '',
          locations: [`${problemLabel(p)}: ${formatProblem(p)}`],
          manifestPath: p.source,
        })),
      });
      context.report.submit('failure');
      return;
    }

    const failOn = this.options.failOn;
    for (const rule of RULE_DOCS) {
      const findings = result.findings.filter((f) => f.ruleId === rule.id);
      if (findings.length === 0) continue;
      context.report.addViolation({
        ruleName: `${rule.id} ${rule.name} (${rule.severity})`,
        recommendation: rule.summary,
        fix: rule.fix,
        violatingResources: findings.map(resourceOf),
      });
    }
    context.report.submit(result.findings.some((f) => atLeast(f.severity, failOn)) ? 'failure' : 'success');
  }
}

function resourceOf(f: Finding): Cdk8sViolatingResource {
  return {
    resourceName: f.ref?.name ?? '',
    locations: [f.path ? `${f.path}: ${f.message}` : f.message],
    manifestPath: f.file ?? f.source,
  };
}
