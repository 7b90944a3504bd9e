import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { IntentRegistry } from '../intent/registry';
import { LintFinding, NetpolLintOptions } from '../lint/api';
import { checkLintOptions } from '../lint/options';
import { lintObjects, RULE_DOCS, SUPPRESS_ANNOTATION } from '../lint/pack';
import { atLeast } from '../lint/rank';
import { SourcedObject } from '../manifests/decode';
import { formatProblem } from '../semantics/model';

const ENABLED = new WeakSet<IConstruct>();

/**
 * Lints the NetworkPolicies of a cdk8s app for the classic mistakes, at synth time.
 *
 * The rules (NP001...) are those of `cdk8s-netpol lint`, described in docs/RULES.md. They read the synthesized
 * objects of every Chart in the scope together (a default-deny in one chart counts for workloads in another).
 *
 * @example
 * NetpolLint.enable(this);
 */
export class NetpolLint {
  /**
   * Fails synthesis when the charts in `scope` have lint findings at or above `failOn` (errors by default).
   *
   * Adds a validation to `scope`; `app.synth()` and `chart.toJson()` then fail with one line per finding, each naming
   * the rule, the construct path and how to fix it. Enabling twice on the same scope has no further effect.
   *
   * @param scope a Chart, or an App (or any construct) containing charts
   */
  public static enable(scope: IConstruct, options: NetpolLintOptions = {}): void {
    const { failOn, reportOn } = checkLintOptions(options, `NetpolLint.enable(${scope.node.path || '<app>'})`);
    if (ENABLED.has(scope)) return;
    ENABLED.add(scope);
    // cdk8s validates the whole app once per chart: print each finding below failOn once, not once per chart.
    const printed = new Set<string>();
    const line = (f: LintFinding) =>
      `${f.ruleId} ${f.ruleName} at ${f.constructPath ?? f.objectName}: ${f.message} (suppress with the annotation ${SUPPRESS_ANNOTATION}: "${f.ruleId}: <reason>")`;
    scope.node.addValidation({
      validate: () => {
        const findings = NetpolLint.check(scope, options);
        for (const f of findings) {
          if (atLeast(f.severity, failOn) || !atLeast(f.severity, reportOn)) continue;
          const text = `cdk8s-netpol lint ${f.severity}: ${line(f)}`;
          if (printed.has(text)) continue;
          printed.add(text);
          process.stderr.write(`${text}\n`);
        }
        return findings.filter((f) => atLeast(f.severity, failOn)).map(line);
      },
    });
  }

  /**
   * The lint findings (of every severity) of the charts in `scope`, without failing anything.
   *
   * Reads each ApiObject with `toJson()`, not `chart.toJson()`, so it may run inside a validation. Throws when the
   * objects hold values the API server would reject.
   *
   * @param scope a Chart, or an App (or any construct) containing charts
   */
  public static check(scope: IConstruct, options: NetpolLintOptions = {}): LintFinding[] {
    const checked = checkLintOptions(options, `NetpolLint.check(${scope.node.path || '<app>'})`);
    // The policies of the app's intents are rendered at synthesis: render them first, so lint sees them.
    const renderProblems = IntentRegistry.renderTree(scope);
    if (renderProblems.length > 0) {
      throw new Error(`NetpolLint: the intents of ${scope.node.path || '<app>'} cannot be rendered:\n${renderProblems.map((p) => `  ${p}`).join('\n')}`);
    }
    const objects: SourcedObject[] = [];
    const paths = new Map<string, string>();
    for (const apiObject of apiObjectsOf(scope)) {
      const object = apiObject.toJson();
      objects.push({ object, source: apiObject.node.path });
      paths.set(objectKey(object), apiObject.node.path);
    }
    const result = lintObjects(objects, { podCidrs: checked.podCidrs, serviceCidrs: checked.serviceCidrs });
    if (result.problems.length > 0) {
      throw new Error(`NetpolLint: the objects of ${scope.node.path || '<app>'} would be rejected by the API server:\n${result.problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`);
    }
    return result.findings.map((f) => ({
      ruleId: f.ruleId,
      ruleName: RULE_DOCS.find((r) => r.id === f.ruleId)?.name ?? f.ruleId,
      severity: f.severity,
      objectName: f.object,
      fieldPath: f.path,
      message: f.message,
      constructPath: paths.get(f.object) ?? (f.object.startsWith('Namespace ') ? undefined : f.source || undefined),
    }));
  }

  /**
   * Suppresses one rule on the Kubernetes objects of a construct, with a reason, by adding the
   * `cdk8s-netpol.dev/suppress` annotation (so `cdk8s-netpol lint` on the synthesized YAML honours it too).
   *
   * @param construct an ApiObject, or a construct whose ApiObjects (e.g. a Deployment's) get the annotation
   * @param ruleId the rule to suppress, e.g. `NP003`
   * @param reason why the finding is fine here; required
   */
  public static suppress(construct: IConstruct, ruleId: string, reason: string): void {
    if (!RULE_DOCS.some((r) => r.id === ruleId)) {
      throw new Error(`NetpolLint.suppress(${construct.node.path}): ${JSON.stringify(ruleId)} is not a rule id: use one of ${RULE_DOCS.map((r) => r.id).join(', ')}`);
    }
    if (reason.trim() === '' || reason.includes('\n')) {
      throw new Error(`NetpolLint.suppress(${construct.node.path}, ${ruleId}): give a one-line reason, e.g. "the backend pods are deployed by another team"`);
    }
    const entry = `${ruleId}: ${reason.trim()}`;
    const registry = IntentRegistry.of(construct);
    const targets = ApiObject.isApiObject(construct) ? [construct] : construct.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c));
    if (targets.length === 0 && !registry.holdsContributor(construct)) throw new Error(`NetpolLint.suppress(${construct.node.path}): no ApiObject in this construct to annotate`);
    // The policies of a Tier, TierAccess, EgressAllowList... are rendered at synthesis: those of the construct and of
    // every construct under it get the annotation then.
    registry.addSuppression(construct, entry);
    for (const target of targets) {
      const existing = target.metadata.toJson().annotations?.[SUPPRESS_ANNOTATION];
      target.metadata.addAnnotation(SUPPRESS_ANNOTATION, existing ? `${existing}\n${entry}` : entry);
    }
  }

  private constructor() {}
}

/** The ApiObjects of every chart in `scope`, in construct order. */
function apiObjectsOf(scope: IConstruct): ApiObject[] {
  const all = scope.node.findAll();
  if (!all.some((c) => Chart.isChart(c)) && !hasChartAbove(scope)) {
    throw new Error(`NetpolLint: no Chart found in ${scope.node.path || '<app>'}: pass a Chart or an App that contains charts`);
  }
  return all.filter((c): c is ApiObject => ApiObject.isApiObject(c));
}

function hasChartAbove(scope: IConstruct): boolean {
  return scope.node.scopes.some((c) => Chart.isChart(c));
}

/** `Kind ns/name` as lint findings name objects (namespaced kinds default to `default`). */
function objectKey(object: any): string {
  const name = object?.metadata?.name ?? '';
  if (object?.kind === 'Namespace') return `Namespace ${name}`;
  return `${object?.kind} ${object?.metadata?.namespace || 'default'}/${name}`;
}
