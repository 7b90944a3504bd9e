/**
 * The linter's private vocabulary: rules, the context they read, and the findings they return.
 */
import { LintSeverity } from './severity';
import { ObjectRef } from '../manifests/problem';
import { Cidr } from '../private/cidr';
import { Cluster } from '../semantics/model';

/** One problem found by a rule, before suppressions are applied. */
export interface RawFinding {
  /** `NetworkPolicy ns/name`, `Deployment ns/name`, `Namespace ns`: the object a suppression annotation goes on. */
  readonly object: string;
  /** Field path inside the object, e.g. `spec.ingress[0].from[1]`; empty for the whole object. */
  readonly path: string;
  /** What is wrong, naming the object and field, and how to fix it. */
  readonly message: string;
  /**
   * A severity for this finding below the rule's own (e.g. hardening advice where the rule's case is covered
   * otherwise); never above it, so `failOn` keeps meaning what RULES.md says of the rule.
   */
  readonly severity?: LintSeverity;
}

/** A finding as reported: the rule's id and severity, and where the object came from. */
export interface Finding extends RawFinding {
  readonly ruleId: string;
  readonly severity: LintSeverity;
  /** Where the object was read from, for people: `file:line (document N)`, or a chart path; empty when the object is not in the input. */
  readonly source: string;
  /** The file (or chart path) alone, as the loader recorded it. */
  readonly file?: string;
  /** The 1-based line of the field (or else of the object) in `file`. */
  readonly line?: number;
  /** The object the finding is on, as the loader read it; absent for objects not in the input. */
  readonly ref?: ObjectRef;
}

/** What the user tells the linter about the cluster it cannot see in the manifests. */
export interface LintSettings {
  readonly podCidrs: readonly Cidr[];
  readonly serviceCidrs: readonly Cidr[];
}

/** Everything a rule may read. */
export interface LintContext {
  readonly cluster: Cluster;
  readonly settings: LintSettings;
  /**
   * An object of the input as written, by `Kind ns/name` (`Namespace name`), for the few rules that read a field the
   * engine's model leaves out (annotations, how an empty selector was spelt). The later of two copies, as the loader.
   */
  rawObject(object: string): { [key: string]: unknown } | undefined;
}

/** A lint rule: one file in `rules/`, with a stable id that never changes meaning. */
export interface LintRule {
  /** `NP001`... */
  readonly id: string;
  /** Short kebab-case name, e.g. `missing-default-deny-ingress`. */
  readonly name: string;
  readonly severity: LintSeverity;
  /** One line: what the rule checks. */
  readonly summary: string;
  /** Why it matters (used for docs and SARIF help). */
  readonly why: string;
  /** How to fix a finding. */
  readonly fix: string;
  check(context: LintContext): RawFinding[];
}
