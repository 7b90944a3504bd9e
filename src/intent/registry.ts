/**
 * The per-app intent registry: constructs record what they mean (owned pods, grants, isolated namespaces); the
 * registry renders every NetworkPolicy once, when the app is synthesized, so that the order of construct calls never
 * changes the output and intents of several constructs on the same pods end in one policy.
 */
import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { OwnedGroup } from '../model/peer';
import { SUPPRESS_ANNOTATION } from '../private/k8s';
import { Grant, IntentSet, NamespaceIsolation, renderPolicies } from '../render/intents';
import { constructPathAnnotationEnabled, emitPolicy, isOurs, sourceOf } from '../render/policy';

/** The ApiObjects of the app by kind, indexed once at synthesis, for checks against what other libraries emit. */
export interface AppObjects {
  /** Every ApiObject of the app. */
  readonly all: readonly ApiObject[];
  /** Every construct of the app, in construct order (before the policies are rendered). */
  readonly constructs: readonly IConstruct[];
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
    this.checkOpen(construct);
    // Checked where the intent enters, so a bad switch names the construct, not the policy rendered later.
    constructPathAnnotationEnabled(construct);
    this.contributors.push({ construct, collect });
  }

  /** Throws when the app is already synthesized: an intent added now would be silently lost. */
  public checkOpen(construct: IConstruct): void {
    if (this.rendered) {
      throw new Error(
        `[${construct.node.path}] intents were added after the app was synthesized, so they would be lost. ` +
        'Fix: create every cdk8s-netpol construct, and add every flow, before calling app.synth(), chart.toJson() or Reachability.of()',
      );
    }
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
        const byContributor = new Map<string, ApiObject[]>();
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
          // Directly under the chart, not under its owner: the chart's output then lists the policies after its other
          // objects in (namespace, name) order, whatever order the constructs were declared in.
          const suppressions = [...new Set(policy.constructPaths.flatMap((p) => this.suppressionsOf(p)))].sort();
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
          for (const path of policy.constructPaths) {
            const list = byContributor.get(path);
            if (list) list.push(emitted);
            else byContributor.set(path, [emitted]);
          }
        }
        orderPolicies(app, byContributor);
        problems.push(...foreignCollisions(app, ours));
      }
    }
    this.rendered = problems;
    return problems;
  }

  /** Whether a construct, or a construct under it, records intents (whose policies are rendered at synthesis). */
  public holdsContributor(construct: IConstruct): boolean {
    const path = construct.node.path;
    return this.contributors.some((c) => isWithin(c.construct.node.path, path));
  }

  /**
   * Records a lint suppression for the policies rendered from the intents of a construct and of every construct under
   * it, including ones added after this call.
   */
  public addSuppression(construct: IConstruct, entry: string): void {
    const path = construct.node.path;
    this.suppressions.set(path, [...(this.suppressions.get(path) ?? []), entry]);
  }

  /** The suppressions recorded on a construct path and on the paths above it. */
  private suppressionsOf(path: string): string[] {
    if (this.suppressions.size === 0) return [];
    const found: string[] = [];
    for (const [at, entries] of this.suppressions) if (isWithin(path, at)) found.push(...entries);
    return found;
  }
}

/** Whether `path` is `scope`'s path or a path under it (the app's path is empty). */
function isWithin(path: string, scope: string): boolean {
  return scope === '' || path === scope || path.startsWith(`${scope}/`);
}

/**
 * cdk8s orders a chart's objects by `node.addDependency`, read from the ApiObjects under each end of a dependency. A
 * rendered policy is a child of its chart, not of the constructs whose intents it carries: so a dependency on (or of)
 * such a construct, or a construct that contains one, is given to its policies here, as cdk8s gives it to the
 * ApiObjects under it (cdk8s reads dependencies before the validation that renders the policies, so it cannot).
 */
function orderPolicies(app: AppObjects, byContributor: ReadonlyMap<string, readonly ApiObject[]>): void {
  const policiesUnder = (c: IConstruct): ApiObject[] => {
    const path = c.node.path;
    const found: ApiObject[] = [];
    for (const [at, policies] of byContributor) if (isWithin(at, path)) found.push(...policies);
    return found;
  };
  for (const source of app.constructs) {
    const dependencies = source.node.dependencies;
    if (dependencies.length === 0) continue;
    const sourcePolicies = policiesUnder(source);
    for (const target of dependencies) {
      const targetPolicies = policiesUnder(target);
      if (sourcePolicies.length === 0 && targetPolicies.length === 0) continue;
      const ours = new Set([...sourcePolicies, ...targetPolicies]);
      const sources = [...sourcePolicies, ...apiObjectsUnder(source)];
      const targets = [...targetPolicies, ...apiObjectsUnder(target)];
      for (const s of sources) {
        for (const t of targets) {
          if (s !== t && (ours.has(s) || ours.has(t))) s.node.addDependency(t);
        }
      }
    }
  }
}

function apiObjectsUnder(c: IConstruct): ApiObject[] {
  return c.node.findAll().filter((o): o is ApiObject => ApiObject.isApiObject(o));
}

/** The id prefix, in each chart, of the policies rendered from the app's intents. */
const CONTAINER_ID = 'cdk8s-netpol';


function indexObjects(root: IConstruct): AppObjects {
  const constructs = root.node.findAll();
  const all = constructs.filter((c): c is ApiObject => ApiObject.isApiObject(c));
  const namespaces = new Map<string, ApiObject[]>();
  for (const o of all) {
    if (o.kind !== 'Namespace') continue;
    const list = namespaces.get(o.name);
    if (list) list.push(o);
    else namespaces.set(o.name, [o]);
  }
  return { all, constructs, namespaces };
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
