import { LintSeverity } from './severity';

/**
 * Options for linting a cdk8s app's NetworkPolicies.
 */
export interface NetpolLintOptions {
  /**
   * The cluster's pod CIDRs, e.g. `10.244.0.0/16`: ipBlocks that overlap them are reported (NP012).
   *
   * @default - ipBlocks are not checked against the pod range
   */
  readonly podCidrs?: string[];

  /**
   * The cluster's service CIDRs, e.g. `10.96.0.0/12`: ipBlocks that overlap them are reported (NP012).
   *
   * @default - ipBlocks are not checked against the service range
   */
  readonly serviceCidrs?: string[];

  /**
   * The least severity that fails: synthesis with `NetpolLint.enable`, the check with the `NetpolLintValidation`
   * cdk8s-cli plugin.
   *
   * @default LintSeverity.ERROR
   */
  readonly failOn?: LintSeverity;

  /**
   * The least severity that `NetpolLint.enable` prints to standard error at synthesis without failing it (cdk8s has
   * no warnings channel), once per finding. Findings at or above `failOn` fail synthesis instead.
   *
   * @default LintSeverity.WARNING
   */
  readonly reportOn?: LintSeverity;
}

/**
 * One lint finding on a synthesized Kubernetes object.
 */
export interface LintFinding {
  /** The stable rule id, e.g. `NP003` (see docs/RULES.md). */
  readonly ruleId: string;

  /** The rule's short name, e.g. `egress-without-dns`. */
  readonly ruleName: string;

  /** How serious the finding is; `ERROR` findings fail synthesis by default. */
  readonly severity: LintSeverity;

  /** The object the finding is about, e.g. `NetworkPolicy shop/default-deny` or `Namespace shop`. */
  readonly objectName: string;

  /** The field inside the object, e.g. `spec.ingress[0].from[1]`; empty for the whole object. */
  readonly fieldPath: string;

  /** What is wrong and how to fix it. */
  readonly message: string;

  /**
   * The construct path of the ApiObject the finding is about.
   *
   * @default - the object is not an ApiObject of the app (e.g. a namespace that is only referenced)
   */
  readonly constructPath?: string;
}
