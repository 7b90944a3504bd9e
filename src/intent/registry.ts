/**
 * The per-app intent registry: constructs record what they mean (owned pods, grants, isolated namespaces); the
 * registry renders every NetworkPolicy once, when the app is synthesized, so that the order of construct calls never
 * changes the output and intents of several constructs on the same pods end in one policy.
 */
import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { OwnedGroup } from '../model/peer';
import { detachedIdClash } from '../private/detached';
import { SUPPRESS_ANNOTATION } from '../private/k8s';
import { Grant, IntentSet, NamespaceIsolation, renderPolicies } from '../render/intents';
import { constructPathAnnotationEnabled, emitPolicy, isOurs, sourceOf } from '../render/policy';

/** The ApiObjects of the app by kind, indexed once at synthesis, for checks against what other libraries emit. */
export interface AppObjects {
  /** Every ApiObject of the app. */
  readonly all: readonly ApiObject[];
  /** Namespace objects by name. */
  readonly namespaces: ReadonlyMap<string, readonly ApiObject[]>;
}

/** What one construct records; called at synthesis, so late changes (a workload's `select()`) count. */
export interface Contribution {
  readonly groups?: OwnedGroup[];
  readonly grants?: Grant[];
  readonly isolatedNamespaces?: NamespaceIsolation[];
  /** Problems found at synthesis (e.g. a workload that lost its selector), reported with the construct path. */
  readonly problems?: string[];
  /**
   * Called once every construct's intents are collected, before the NetworkPolicies are rendered, with the whole
   * app's intents: for constructs whose output depends on the rest of the app (cluster guardrails). Returns problems.
   */
  readonly settle?: (intents: IntentSet) => string[];
}

const REGISTRIES = new WeakMap<IConstruct, IntentRegistry>();

/**
 * One per construct tree (keyed by its root).
 */
export class IntentRegistry {
  /** The registry of the tree `scope` belongs to, created on first use. */
  public static of(scope: IConstruct): IntentRegistry {
    const root = scope.node.root;
    let registry = REGISTRIES.get(root);
    if (!registry) {
      registry = new IntentRegistry(root);
      REGISTRIES.set(root, registry);
    }
    return registry;
  }

  /** Renders the tree's intents if it has a registry; returns the problems (empty when fine). */
  public static renderTree(scope: IConstruct): string[] {
    const registry = REGISTRIES.get(scope.node.root);
    return registry ? registry.render() : [];
  }

  private readonly contributors: { construct: IConstruct; collect: (app: AppObjects) => Contribution }[] = [];
  private readonly namespaceOwners = new Map<string, IConstruct>();
  private readonly suppressions = new Map<string, string[]>();
  private rendered?: string[];

  private constructor(private readonly root: IConstruct) {
    // Validations run before cdk8s collects a chart's objects (App.synth, chart.toJson, Testing.synth): the root's
    // own validations run first, so the policies exist before anything reads the tree.
    // The problems are thrown, not returned: cdk8s prefixes each returned error with the path of the construct that
    // validates, and the root's path is empty, so every message began with a stray `[]`. Each problem names its own
    // construct (`[team/tiers] flow ...`); the header is cdk8s's own.
    root.node.addValidation({
      validate: () => {
        const problems = this.render();
        if (problems.length > 0) throw new Error(`Validation failed with the following errors:\n  ${problems.join('\n  ')}`);
        return [];
      },
    });
  }

  /**
   * Records a construct's intents. Throws once the app is synthesized: a late intent would be silently lost.
   */
  public record(construct: IConstruct, collect: (app: AppObjects) => Contribution): void {
    if (this.rendered) {
      throw new Error(
        `[${construct.node.path}] intents were added after the app was synthesized, so they would be lost. ` +
        'Fix: create every cdk8s-netpol construct before calling app.synth(), chart.toJson() or Reachability.of()',
      );
    }
    // Checked where the intent enters, so a bad switch names the construct, not the policy rendered later.
    constructPathAnnotationEnabled(construct);
    this.contributors.push({ construct, collect });
  }

  /** The ZeroTrustNamespace construct of a namespace, if the app has one. */
  public namespaceOwner(namespace: string): IConstruct | undefined {
    return this.namespaceOwners.get(namespace);
  }

  /** Notes the ZeroTrustNamespace of a namespace (after checking `namespaceOwner`). */
  public claimNamespace(construct: IConstruct, namespace: string): void {
    this.namespaceOwners.set(namespace, construct);
  }

  /** Renders every policy, once; returns the problems as validation errors. */
  public render(): string[] {
    if (this.rendered) return this.rendered;
    const problems: string[] = [];
    const intents: { groups: OwnedGroup[]; grants: Grant[]; isolatedNamespaces: NamespaceIsolation[] } = {
      groups: [],
      grants: [],
      isolatedNamespaces: [],
    };
    const byPath = new Map<string, IConstruct>();
    const settlers: { construct: IConstruct; settle: (intents: IntentSet) => string[] }[] = [];
    const app = indexObjects(this.root);
    for (const { construct, collect } of this.contributors) {
      byPath.set(construct.node.path, construct);
      let contribution: Contribution;
      try {
        contribution = collect(app);
      } catch (e) {
        problems.push(`[${construct.node.path}] ${(e as Error).message}`);
        continue;
      }
      const clash = detachedIdClash(construct);
      if (clash) problems.push(`[${construct.node.path}] ${clash}`);
      if (contribution.problems?.length) {
        problems.push(...contribution.problems.map((p) => `[${construct.node.path}] ${p}`));
        continue;
      }
      intents.groups.push(...(contribution.groups ?? []));
      intents.grants.push(...(contribution.grants ?? []));
      intents.isolatedNamespaces.push(...(contribution.isolatedNamespaces ?? []));
      if (contribution.settle) settlers.push({ construct, settle: contribution.settle });
    }
    for (const { construct, settle } of problems.length === 0 ? settlers : []) {
      problems.push(...settle(intents as IntentSet).map((p) => `[${construct.node.path}] ${p}`));
    }
    if (problems.length === 0) {
      const result = renderPolicies(intents as IntentSet);
      problems.push(...result.problems);
      if (problems.length === 0) {
        const ours = new Set<ApiObject>();
        // Policies land in the chart of their first owner, after its other objects, in (namespace, name) order: the
        // output does not depend on the order in which constructs were declared.
        const placed = result.policies.map((policy) => {
          const owner = byPath.get(policy.ownerPath);
          if (!owner) throw new Error(`cdk8s-netpol bug: no construct at ${policy.ownerPath} for policy ${policy.name}`);
          return { policy, chart: Chart.of(owner) };
        });
        // A chart that holds one namespace's policies names them `cdk8s-netpol.<name>`, the same ids in every such
        // chart: cdk8s walks the whole app once per chart, and charts whose children share their ids share one shape
        // in V8, which made those walks about 30% faster at 1,000 charts (docs/benchmarks.md). A chart that holds
        // several namespaces' policies names them `cdk8s-netpol.<namespace>.<name>`. Ids never reach the YAML.
        const chartNamespaces = new Map<Chart, Set<string>>();
        for (const { policy, chart } of placed) {
          const set = chartNamespaces.get(chart) ?? new Set<string>();
          set.add(policy.namespace);
          chartNamespaces.set(chart, set);
        }
        for (const { policy, chart } of placed) {
          // Directly under the chart (a container construct would add a node that cdk8s walks once per chart).
          const suppressions = [...new Set(policy.constructPaths.flatMap((p) => this.suppressions.get(p) ?? []))].sort();
          const id = chartNamespaces.get(chart)!.size === 1
            ? `${CONTAINER_ID}.${policy.name}`
            : `${CONTAINER_ID}.${policy.namespace}.${policy.name}`;
          const emitted = emitPolicy(chart, id, {
            constructPaths: policy.constructPaths,
            annotations: suppressions.length ? { [SUPPRESS_ANNOTATION]: suppressions.join('\n') } : undefined,
            name: policy.name,
            namespace: policy.namespace,
            intent: policy.intent,
            podSelector: policy.spec.podSelector,
            ingress: policy.spec.policyTypes.includes('Ingress') ? [...(policy.spec.ingress ?? [])] : undefined,
            egress: policy.spec.policyTypes.includes('Egress') ? [...(policy.spec.egress ?? [])] : undefined,
          });
          ours.add(emitted);
        }
        problems.push(...foreignCollisions(app, ours));
      }
    }
    this.rendered = problems;
    return problems;
  }

  /** Whether a construct records intents (its policies are rendered at synthesis, not children of it). */
  public isContributor(construct: IConstruct): boolean {
    return this.contributors.some((c) => c.construct === construct);
  }

  /** Records a lint suppression for the policies rendered from a construct's intents. */
  public addSuppression(construct: IConstruct, entry: string): void {
    const path = construct.node.path;
    this.suppressions.set(path, [...(this.suppressions.get(path) ?? []), entry]);
  }
}

/** The id prefix, in each chart, of the policies rendered from the app's intents. */
const CONTAINER_ID = 'cdk8s-netpol';


function indexObjects(root: IConstruct): AppObjects {
  const all = root.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c));
  const namespaces = new Map<string, ApiObject[]>();
  for (const o of all) {
    if (o.kind !== 'Namespace') continue;
    const list = namespaces.get(o.name);
    if (list) list.push(o);
    else namespaces.set(o.name, [o]);
  }
  return { all, namespaces };
}

/**
 * A NetworkPolicy of another library (cdk8s-plus, a plain ApiObject) with the name of one of ours, in the same
 * namespace: applied, one would silently replace the other.
 */
function foreignCollisions(app: AppObjects, ours: Set<ApiObject>): string[] {
  const byKey = new Map<string, ApiObject>();
  for (const o of ours) byKey.set(`${o.metadata.namespace ?? 'default'}/${o.name}`, o);
  const problems: string[] = [];
  for (const other of app.all) {
    if (other.kind !== 'NetworkPolicy' || ours.has(other) || isOurs(other)) continue;
    const key = `${other.metadata.namespace ?? 'default'}/${other.name}`;
    const mine = byKey.get(key);
    if (mine) {
      problems.push(
        `[${sourceOf(mine)}] NetworkPolicy ${key} is also emitted by ${other.node.path}: applied, one would replace the other. ` +
        'Fix: rename one (a Tier\'s "name", an EgressAllowList\'s "policyName", or the other object\'s metadata.name)',
      );
    }
  }
  return problems;
}
