import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { checkPolicyName, resolveNamespace } from './namespace';
import { ExternalDestination } from '../model/external';
import { Port } from '../model/port';
import { PodSelection, ResolvedSelection } from '../model/selection';
import { inputError, throwIfProblems } from '../private/errors';
import { Json, podPeer } from '../private/k8s';
import { dns1123LabelProblem } from '../private/labels';
import { EXTERNAL_FIX, ExternalGrants, externalGrants } from '../render/external';
import { buildRules, emitPolicy, normalizePorts } from '../render/policy';

/**
 * A tier: a named group of pods, in the TierAccess namespace or another one.
 */
export interface Tier {
  /** The tier name, unique within the TierAccess; it names the tier's policy (`<name>-flows`). */
  readonly name: string;
  /** The tier's pods. */
  readonly pods: PodSelection;
  /**
   * The tier's namespace.
   *
   * @default - the workload's namespace when `pods` is a workload or Service that has one, else the TierAccess namespace
   */
  readonly namespaceName?: string;
  /**
   * External destinations (CIDRs and ports) the tier's pods may reach, listed in the tier's own policy next to its
   * flows: one object per tier instead of a separate `EgressAllowList`.
   *
   * @default - no external egress
   */
  readonly externalDestinations?: ExternalDestination[];
}

/**
 * A permitted connection from one tier to another.
 */
export interface Flow {
  /** The name of the tier that opens connections. */
  readonly source: string;
  /** The name of the tier that accepts them. */
  readonly destination: string;
  /**
   * The destination ports. Named ports are resolved on the destination pods.
   *
   * @default - the target ports of the destination Service, when the destination tier is a Service; required otherwise
   */
  readonly ports?: Port[];
}

/**
 * Props of `TierAccess`.
 */
export interface TierAccessProps {
  /**
   * The namespace of tiers that do not name one.
   *
   * @default - the chart's namespace
   */
  readonly namespaceName?: string;
  /** The tiers. */
  readonly tiers: Tier[];
  /** The flows between tiers. Anything not declared stays denied (given a default-deny such as ZeroTrustNamespace). */
  readonly flows: Flow[];
}

interface ResolvedTier {
  readonly name: string;
  readonly namespace: string;
  readonly selection: ResolvedSelection;
  readonly external: ExternalGrants;
}

/**
 * Declared flows between tiers (frontend -> backend -> database), each emitted on both sides.
 *
 * Every flow is an ingress allowance on the destination tier AND an egress allowance on the source tier, so it
 * works under default-deny egress. Each tier that takes part in a flow or has external destinations gets exactly one
 * policy, `<tier>-flows`, in its namespace, listing only the directions it has flows in. Peers in another namespace
 * carry the namespace selector and the pod selector in one peer (AND).
 *
 * @example
 * new TierAccess(this, 'tiers', {
 *   namespaceName: 'secure-app',
 *   tiers: [
 *     { name: 'frontend', pods: PodSelection.labels({ app: 'frontend' }) },
 *     {
 *       name: 'backend',
 *       pods: PodSelection.labels({ app: 'backend' }),
 *       externalDestinations: [{ cidr: '203.0.113.0/24', ports: [Port.tcp(443)] }],
 *     },
 *   ],
 *   flows: [{ source: 'frontend', destination: 'backend', ports: [Port.tcp(80)] }],
 * });
 */
export class TierAccess extends Construct {
  /** The emitted policies, by tier name. */
  private readonly policiesByTier = new Map<string, ApiObject>();

  constructor(scope: Construct, id: string, props: TierAccessProps) {
    super(scope, id);
    const defaultNamespace = resolveNamespace(this, props.namespaceName, 'namespaceName');
    const tiers = this.resolveTiers(props.tiers ?? [], defaultNamespace);
    const flows = this.resolveFlows(props.flows ?? [], tiers);

    const ingress = new Map<string, { peer: Json; ports: Port[] }[]>();
    const egress = new Map<string, { peer: Json; ports: Port[] }[]>();
    const described = new Map<string, string[]>();
    for (const flow of flows) {
      const src = tiers.get(flow.source)!;
      const dst = tiers.get(flow.destination)!;
      push(ingress, dst.name, { peer: podPeer(src.selection.selector, src.namespace, dst.namespace), ports: flow.ports });
      push(egress, src.name, { peer: podPeer(dst.selection.selector, dst.namespace, src.namespace), ports: flow.ports });
      const text = `${src.name} -> ${dst.name} on ${normalizePorts(flow.ports).join(', ')}`;
      push(described, src.name, text);
      push(described, dst.name, text);
    }
    for (const tier of tiers.values()) {
      for (const grant of tier.external.grants) push(egress, tier.name, grant);
      for (const text of tier.external.described) push(described, tier.name, `${tier.name} -> ${text}`);
    }

    // Tier order is the declaration order of names, sorted: output does not depend on flow order.
    for (const name of [...tiers.keys()].sort()) {
      const tier = tiers.get(name)!;
      if (!described.has(name)) continue;
      const policyName = checkPolicyName(this, `${name}-flows`, `shorten the tier name "${name}"`);
      const intents = [...new Set(described.get(name)!)].sort();
      this.policiesByTier.set(
        name,
        emitPolicy(this, `${name}-flows`, {
          name: policyName,
          namespace: tier.namespace,
          intent: `tier ${name}: ${intents.join('; ')}`,
          podSelector: tier.selection.selector,
          ingress: ingress.has(name) ? buildRules(ingress.get(name)!, 'from') : undefined,
          egress: egress.has(name) ? buildRules(egress.get(name)!, 'to') : undefined,
        }),
      );
    }
  }

  /** The policy of a tier (`<tier>-flows`); throws when the tier has no flow. */
  public policyOf(tierName: string): ApiObject {
    const policy = this.policiesByTier.get(tierName);
    if (!policy) {
      throw inputError(this, `tier "${tierName}" has no policy`, `use one of: ${[...this.policiesByTier.keys()].join(', ')}`);
    }
    return policy;
  }

  private resolveTiers(tiers: Tier[], defaultNamespace: string): Map<string, ResolvedTier> {
    const resolved = new Map<string, ResolvedTier>();
    const problems: string[] = [];
    for (const tier of tiers) {
      const nameProblem = dns1123LabelProblem(tier.name);
      if (nameProblem) {
        problems.push(`tier name ${nameProblem}`);
        continue;
      }
      if (resolved.has(tier.name)) {
        problems.push(`tier name "${tier.name}" is declared twice`);
        continue;
      }
      if (!tier.pods) {
        problems.push(`tier "${tier.name}" has no "pods"`);
        continue;
      }
      const selection = tier.pods._resolve();
      problems.push(...selection.problems.map((p) => `tier "${tier.name}": ${p}`));
      if (tier.namespaceName && selection.namespace && tier.namespaceName !== selection.namespace) {
        problems.push(
          `tier "${tier.name}" says namespace "${tier.namespaceName}" but its ${tier.pods} lives in "${selection.namespace}"`,
        );
      }
      const namespace = tier.namespaceName ?? selection.namespace ?? defaultNamespace;
      const nsProblem = dns1123LabelProblem(namespace);
      if (nsProblem) problems.push(`tier "${tier.name}" namespace ${nsProblem}`);
      const external = externalGrants(tier.externalDestinations ?? [], `tier "${tier.name}" external destination`, problems);
      resolved.set(tier.name, { name: tier.name, namespace, selection, external });
    }
    throwIfProblems(
      this,
      problems,
      'give each tier a unique DNS-label name and a non-empty, valid selector; for external destinations, ' + EXTERNAL_FIX,
    );
    return resolved;
  }

  private resolveFlows(flows: Flow[], tiers: Map<string, ResolvedTier>): { source: string; destination: string; ports: Port[] }[] {
    const problems: string[] = [];
    const out: { source: string; destination: string; ports: Port[] }[] = [];
    const known = [...tiers.keys()].sort().join(', ') || '(none)';
    flows.forEach((flow, i) => {
      const label = `flow #${i + 1} (${flow.source} -> ${flow.destination})`;
      const unknown = [flow.source, flow.destination].filter((t) => !tiers.has(t));
      if (unknown.length) {
        problems.push(`${label} names undeclared tier ${unknown.map((t) => `"${t}"`).join(' and ')}; declared tiers: ${known}`);
        return;
      }
      const ports = flow.ports ?? tiers.get(flow.destination)!.selection.servicePorts;
      if (!ports || ports.length === 0) {
        problems.push(
          `${label} has no ports: list them (e.g. [Port.tcp(80)]); to allow every port say so with Port.allTcp()`,
        );
        return;
      }
      for (const port of ports) problems.push(...port._problems().map((p) => `${label} port ${port}: ${p}`));
      out.push({ source: flow.source, destination: flow.destination, ports });
    });
    throwIfProblems(this, problems, 'declare every tier a flow names, and give valid ports (1-65535, endPort >= port, no range on a named port)');
    return out;
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
