import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { resolvePeer } from './flows';
import { AppObjects, IntentRegistry } from '../intent/registry';
import { IPeer, Peer, PeerSpec } from '../model/peer';
import { Port } from '../model/port';
import { throwIfProblems } from '../private/errors';
import { NAMESPACE_NAME_LABEL } from '../private/k8s';
import { dns1123LabelProblem } from '../private/labels';
import {
  GUARDRAIL_LIMITS,
  GuardAction,
  GuardFlow,
  guardFlowProblems,
  GuardrailIntent,
  KnownNamespace,
  renderClusterPolicies,
  RenderedClusterPolicy,
  renderFallbackPolicies,
} from '../render/guardrails';
import { IntentSet } from '../render/intents';
import { emitPolicy, INTENT_ANNOTATION, normalizePorts } from '../render/policy';

/**
 * How cluster guardrails are written.
 */
export enum GuardrailRendering {
  /**
   * ClusterNetworkPolicy objects (`policy.networking.k8s.io/v1alpha2`): Admin policies that no NetworkPolicy can
   * override, and a Baseline default-deny for pods no NetworkPolicy selects. Needs a network plugin that implements
   * them (Calico 3.32, Antrea 2.7, kube-network-policies, Kube-OVN; Cilium 1.20 behind a flag).
   */
  CLUSTER_NETWORK_POLICY = 'CLUSTER_NETWORK_POLICY',
  /**
   * NetworkPolicies in the namespaces the app knows, for plugins without ClusterNetworkPolicy: the default-deny and
   * the always-allow flows as allowances; an Admin Deny holds through the default-deny, and synthesis fails when a
   * flow of the app could allow what it denies (a NetworkPolicy cannot deny what another allows).
   */
  NETWORK_POLICIES = 'NETWORK_POLICIES',
}

/**
 * Ports of a guardrail flow.
 */
export interface GuardrailFlowOptions {
  /**
   * The ports.
   *
   * @default - for `denyBetween`, every port of every protocol; for `alwaysAllow`, the destination's own ports (UDP
   * and TCP 53 for `Peer.kubeDns()`), and an error for a destination that has none
   */
  readonly ports?: Port[];
}

/**
 * Props of `ClusterGuardrails`.
 */
export interface ClusterGuardrailsProps {
  /**
   * The prefix of every object name, e.g. `guardrails` gives `guardrails-baseline`.
   *
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Namespaces the default-deny and the cloud metadata deny leave alone: the platform's own.
   *
   * @default ClusterGuardrails.PLATFORM_NAMESPACES - kube-system, kube-public, kube-node-lease, and the namespaces of
   * the `Peer.ingressController()` and `Peer.prometheus()` presets (ingress-nginx, monitoring)
   */
  readonly exemptNamespaces?: string[];
  /**
   * A default-deny (ingress and egress, DNS excepted) for every namespace but the exempt ones, in the Baseline tier:
   * it applies to pods no NetworkPolicy selects, so a namespace that writes its own policies keeps them.
   *
   * @default true
   */
  readonly defaultDeny?: boolean;
  /**
   * Where DNS lookups may go: the carve-out of the default-deny. `[]` turns it off, explicitly.
   *
   * @default [Peer.kubeDns()] - on UDP and TCP 53
   */
  readonly dns?: IPeer[];
  /**
   * Deny every pod outside the exempt namespaces the cloud metadata endpoint (169.254.169.254/32 and AWS's IPv6
   * fd00:ec2::254/128), where node credentials live, in the Admin tier (no NetworkPolicy can allow it back). On GKE,
   * Workload Identity answers pods on this address: turn it off there, or exempt the namespaces that use it.
   *
   * @default true
   */
  readonly denyCloudMetadata?: boolean;
  /**
   * The priority of the first Admin policy (0-1000, lower first); the others take the next ones, one each.
   *
   * @default 100
   */
  readonly priority?: number;
  /**
   * The priority of the Baseline default-deny (0-1000, lower first).
   *
   * @default 1000 - after any other Baseline policy
   */
  readonly baselinePriority?: number;
  /**
   * How the guardrails are written.
   *
   * @default GuardrailRendering.CLUSTER_NETWORK_POLICY
   */
  readonly rendering?: GuardrailRendering;
  /**
   * With `GuardrailRendering.NETWORK_POLICIES`: namespaces to write policies in beyond those the app defines
   * (its Namespace objects and ZeroTrustNamespaces). Their labels are unknown: a namespace listed here carries only
   * its `kubernetes.io/metadata.name` label for the guardrails' selectors.
   *
   * @default - only the namespaces the app defines
   */
  readonly namespaceNames?: string[];
}

/**
 * Cluster-wide guardrails that hold whatever each namespace's own policies say: a Baseline default-deny, environment
 * segmentation and other Admin denies, and Admin always-allow flows for platform components.
 *
 * Rendered as ClusterNetworkPolicy (`policy.networking.k8s.io/v1alpha2`) by default, or as NetworkPolicies in the
 * namespaces the app knows (`rendering: GuardrailRendering.NETWORK_POLICIES`). Everything is written at synthesis,
 * so calls made late count and the output does not depend on call order. See docs/cluster-guardrails.md.
 *
 * @example
 * const guardrails = new ClusterGuardrails(this, 'guardrails');
 * guardrails.denyBetween(Peer.namespaces({ labels: { env: 'dev' } }), Peer.namespaces({ labels: { env: 'prod' } }));
 * guardrails.alwaysAllow(Peer.prometheus(), Peer.allNamespaces(), { ports: [Port.named('metrics')] });
 */
export class ClusterGuardrails extends Construct {
  /** The namespaces exempt by default: kube-system, kube-public, kube-node-lease, ingress-nginx and monitoring (frozen). */
  public static readonly PLATFORM_NAMESPACES: string[] = Object.freeze(['ingress-nginx', 'kube-node-lease', 'kube-public', 'kube-system', 'monitoring']) as string[];

  /** The cloud metadata endpoint: 169.254.169.254/32 and AWS's IPv6 fd00:ec2::254/128 (frozen). */
  public static readonly CLOUD_METADATA_CIDRS: string[] = Object.freeze(['169.254.169.254/32', 'fd00:ec2::254/128']) as string[];

  /** The prefix of every object name. */
  public readonly guardrailsName: string;
  /** How the guardrails are written. */
  public readonly rendering: GuardrailRendering;
  private readonly flows: RecordedFlow[] = [];
  private readonly base: Omit<GuardrailIntent, 'flows'>;
  private readonly extraNamespaces: string[];

  constructor(scope: Construct, id: string, props: ClusterGuardrailsProps = {}) {
    super(scope, id);
    const problems: string[] = [];
    const name = props.name ?? id;
    const nameProblem = typeof name === 'string' ? dns1123LabelProblem(name) : 'must be a string';
    if (nameProblem) problems.push(`name ${nameProblem}`);
    // The longest fixed object name is `<name>-cloud-metadata`; fallback NetworkPolicies are `<name>-always-allow-<6>`.
    else if (name.length > 63 - '-always-allow-000000'.length) problems.push(`name "${name}" is too long: use at most ${63 - '-always-allow-000000'.length} characters`);
    const rendering = props.rendering ?? GuardrailRendering.CLUSTER_NETWORK_POLICY;
    if (!Object.values(GuardrailRendering).includes(rendering)) {
      problems.push(`rendering ${JSON.stringify(rendering)} is not one of ${Object.values(GuardrailRendering).join(', ')}`);
    }
    const exempt = namesOf('exemptNamespaces', props.exemptNamespaces ?? ClusterGuardrails.PLATFORM_NAMESPACES, problems);
    const extra = namesOf('namespaceNames', props.namespaceNames ?? [], problems);
    if (props.namespaceNames !== undefined && rendering !== GuardrailRendering.NETWORK_POLICIES) {
      problems.push('namespaceNames only applies to rendering: GuardrailRendering.NETWORK_POLICIES (a ClusterNetworkPolicy covers every namespace): remove it');
    }
    const priority = props.priority ?? 100;
    const baselinePriority = props.baselinePriority ?? 1000;
    for (const [what, value] of [['priority', priority], ['baselinePriority', baselinePriority]] as const) {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > GUARDRAIL_LIMITS.maxPriority) {
        problems.push(`${what} ${JSON.stringify(value)} is not an integer from 0 to ${GUARDRAIL_LIMITS.maxPriority} (lower values are evaluated first)`);
      }
    }
    for (const [what, value] of [['defaultDeny', props.defaultDeny], ['denyCloudMetadata', props.denyCloudMetadata]] as const) {
      if (value !== undefined && typeof value !== 'boolean') problems.push(`${what} must be true or false, got ${JSON.stringify(value)}`);
    }
    const dns: { peer: PeerSpec; ports: Port[] }[] = [];
    const dnsPeers = props.dns ?? [Peer.kubeDns()];
    if (!Array.isArray(dnsPeers)) {
      problems.push('dns must be a list of peers, e.g. [Peer.kubeDns()] ([] for none)');
    } else {
      dnsPeers.forEach((peer, i) => {
        const spec = resolvePeer(this, `dns #${i + 1}`, '', peer, problems);
        if (!spec) return;
        const ports = spec.defaultPorts ?? [Port.DNS_UDP, Port.DNS_TCP];
        problems.push(...guardFlowProblems('Accept', Peer.allNamespaces()._peerSpec(), spec, ports).map((p) => `dns #${i + 1}: ${p}`));
        dns.push({ peer: spec, ports });
      });
    }
    throwIfProblems(this, problems);

    this.guardrailsName = name;
    this.rendering = rendering;
    this.extraNamespaces = extra;
    this.base = {
      name,
      priority,
      baselinePriority,
      exempt,
      defaultDeny: props.defaultDeny ?? true,
      dns,
      metadataCidrs: props.denyCloudMetadata ?? true ? [...ClusterGuardrails.CLOUD_METADATA_CIDRS] : [],
    };
    IntentRegistry.of(this).record(this, (app) => ({ settle: (intents) => this.settle(app, intents) }));
  }

  /**
   * Denies every flow from `source` to `destination` (Admin tier): no NetworkPolicy can allow it back.
   *
   * Written on the destination's ingress (on the source's egress when the destination is addresses). Denies come
   * before always-allow flows, so a Deny wins over an `alwaysAllow` that overlaps it.
   *
   * @example
   * new ClusterGuardrails(this, 'guardrails').denyBetween(Peer.namespaces({ labels: { env: 'dev' } }), Peer.namespaces({ labels: { env: 'prod' } }));
   */
  public denyBetween(source: IPeer, destination: IPeer, options: GuardrailFlowOptions = {}): void {
    this.addFlow('Deny', `denyBetween #${this.count('Deny') + 1}`, source, destination, options?.ports, true);
  }

  /**
   * Allows a platform flow that must survive any namespace's NetworkPolicy (Admin tier Accept), e.g. Prometheus
   * scraping every pod on `metrics`.
   *
   * Written on both ends (the destination's ingress and the source's egress), so neither end's NetworkPolicy can drop
   * it. An Admin Deny of these guardrails still wins where they overlap.
   *
   * @example
   * new ClusterGuardrails(this, 'guardrails').alwaysAllow(Peer.prometheus(), Peer.allNamespaces(), { ports: [Port.named('metrics')] });
   */
  public alwaysAllow(source: IPeer, destination: IPeer, options: GuardrailFlowOptions = {}): void {
    this.addFlow('Accept', `alwaysAllow #${this.count('Accept') + 1}`, source, destination, options?.ports, false);
  }

  private count(action: GuardAction): number {
    return this.flows.filter((f) => f.action === action).length;
  }

  private addFlow(
    action: GuardAction, label: string, source: IPeer, destination: IPeer, ports: Port[] | undefined, allPortsByDefault: boolean,
  ): void {
    const problems: string[] = [];
    if (ports !== undefined && !Array.isArray(ports)) problems.push(`${label}: ports must be a list of Port values such as [Port.tcp(80)]`);
    for (const port of Array.isArray(ports) ? ports : []) {
      if (!(port instanceof Port)) problems.push(`${label}: ${JSON.stringify(port)} is not a Port: use Port.tcp(80), Port.named('metrics')...`);
      else problems.push(...port._problems().map((p) => `${label} port ${port}: ${p}`));
    }
    if (Array.isArray(ports) && ports.length === 0) problems.push(`${label}: ports is empty: leave it out${allPortsByDefault ? ' for every port' : ''}, or list the ports`);
    const record: RecordedFlow = { action, label, source, destination, ports: Array.isArray(ports) ? [...ports] : undefined, allPortsByDefault };
    if (problems.length === 0) resolveFlow(this, record, problems);
    // Checked where the flow enters; resolved again at synthesis, where a workload's late select() counts.
    throwIfProblems(this, problems);
    this.flows.push(record);
  }

  /** Renders at synthesis, with the whole app's intents (its namespaces, and its flows for the fallback's proof). */
  private settle(app: AppObjects, intents: IntentSet): string[] {
    const problems = this.tiersOutsideIsolation(intents);
    const flows = this.flows.map((f) => resolveFlow(this, f, problems)).filter((f): f is GuardFlow => f !== undefined);
    if (problems.length) return problems;
    const g: GuardrailIntent = { ...this.base, flows };
    if (this.rendering === GuardrailRendering.CLUSTER_NETWORK_POLICY) {
      const result = renderClusterPolicies(g);
      problems.push(...result.problems);
      if (problems.length) return problems;
      problems.push(...this.collisions(app, result.policies));
      if (problems.length) return problems;
      for (const p of result.policies) {
        const object = new ApiObject(this, p.name, {
          apiVersion: 'policy.networking.k8s.io/v1alpha2',
          kind: 'ClusterNetworkPolicy',
          metadata: { name: p.name, annotations: { [INTENT_ANNOTATION]: p.intent } },
          spec: p.spec,
        });
        // Cluster-scoped: drop the namespace cdk8s copies from the chart onto every object.
        if (Chart.of(this).namespace !== undefined) object.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
      }
      return problems;
    }
    const known = new Map<string, KnownNamespace>();
    for (const [name, objects] of app.namespaces) {
      const labels = objects[objects.length - 1].toJson().metadata?.labels ?? {};
      known.set(name, { name, labels: { ...labels, [NAMESPACE_NAME_LABEL]: name }, zeroTrust: false });
    }
    for (const n of intents.isolatedNamespaces) known.set(n.namespace, { name: n.namespace, labels: n.labels, zeroTrust: true });
    for (const name of this.extraNamespaces) {
      if (!known.has(name)) known.set(name, { name, labels: { [NAMESPACE_NAME_LABEL]: name }, zeroTrust: false });
    }
    const result = renderFallbackPolicies(g, [...known.values()], intents.grants);
    problems.push(...result.problems);
    if (problems.length) return problems;
    for (const p of result.policies) {
      emitPolicy(this, `${p.namespace}.${p.name}`, {
        name: p.name,
        namespace: p.namespace,
        intent: p.intent,
        podSelector: p.podSelector,
        ingress: p.ingress,
        egress: p.egress,
      });
    }
    return problems;
  }

  /**
   * Two ClusterNetworkPolicies of one name replace each other when applied; two of equal priority in a tier are
   * evaluated in an order upstream leaves to the implementation. Both are refused across the app.
   */
  private collisions(app: AppObjects, policies: RenderedClusterPolicy[]): string[] {
    const root = this.node.root;
    let claims = CLAIMS.get(root);
    if (!claims) {
      claims = { names: new Map(), priorities: new Map() };
      CLAIMS.set(root, claims);
    }
    const problems: string[] = [];
    for (const p of policies) {
      const other = claims.names.get(p.name) ?? app.all.find((o) => o.kind === 'ClusterNetworkPolicy' && o.name === p.name)?.node.path;
      if (other !== undefined) {
        problems.push(`ClusterNetworkPolicy ${p.name} is also written by ${other}: applied, one would replace the other. Fix: give this construct another name`);
      }
      const key = `${p.spec.tier} ${p.spec.priority}`;
      const same = claims.priorities.get(key);
      if (same !== undefined) {
        problems.push(`${p.spec.tier} priority ${p.spec.priority} of ${p.name} is also used by ${same}, and upstream leaves the order of equal priorities ` +
          'to the implementation. Fix: set priority (or baselinePriority) so that the guardrails\' ranges do not overlap');
      }
    }
    for (const p of policies) {
      claims.names.set(p.name, this.node.path);
      claims.priorities.set(`${p.spec.tier} ${p.spec.priority}`, `${p.name} (${this.node.path})`);
    }
    return problems;
  }

  /**
   * Pods of the app in a namespace the default-deny covers but no ZeroTrustNamespace isolates: their flows would not
   * be written (render writes flows only where a direction is isolated), so the default-deny would silently deny
   * them. Refused, with the fix.
   */
  private tiersOutsideIsolation(intents: IntentSet): string[] {
    if (!this.base.defaultDeny) return [];
    const zeroTrust = new Set(intents.isolatedNamespaces.map((n) => n.namespace));
    const problems: string[] = [];
    for (const grant of intents.grants) {
      const ns = grant.owner.namespace;
      const explicit = grant.direction === 'ingress' ? grant.owner.isolate.ingress : grant.owner.isolate.egress;
      if (zeroTrust.has(ns) || explicit || this.base.exempt.includes(ns)) continue;
      problems.push(
        `the default-deny covers namespace ${ns}, where ${grant.owner.label} has the flow ${grant.intent}, but no ZeroTrustNamespace of the app isolates ${ns}, ` +
        `so that flow's ${grant.direction} side is never written and the default-deny would deny it. ` +
        `Fix: declare ${ns} as a ZeroTrustNamespace (createNamespace: false adopts an existing one), or add it to exemptNamespaces`,
      );
    }
    return [...new Set(problems)].sort();
  }
}

/** The ClusterNetworkPolicy names and tier priorities taken in each app (keyed by its root). */
const CLAIMS = new WeakMap<IConstruct, { names: Map<string, string>; priorities: Map<string, string> }>();

/** A flow as recorded: its peers are resolved at synthesis (a workload's selector may change until then). */
interface RecordedFlow {
  readonly action: GuardAction;
  readonly label: string;
  readonly source: IPeer;
  readonly destination: IPeer;
  readonly ports?: Port[];
  readonly allPortsByDefault: boolean;
}

/** Resolves a recorded flow; appends its problems (with its label) and returns `undefined` when there is any. */
function resolveFlow(scope: IConstruct, flow: RecordedFlow, problems: string[]): GuardFlow | undefined {
  const before = problems.length;
  const src = resolvePeer(scope, flow.label, 'source', flow.source, problems);
  const dst = resolvePeer(scope, flow.label, 'destination', flow.destination, problems);
  if (!src || !dst || problems.length > before) return undefined;
  const ports = flow.ports ?? (flow.allPortsByDefault ? undefined : dst.defaultPorts);
  problems.push(...guardFlowProblems(flow.action, src, dst, ports).map((p) => `${flow.label} (${src.description} -> ${dst.description}): ${p}`));
  if (problems.length > before) return undefined;
  const intent = `${src.description} -> ${dst.description} on ${ports === undefined ? 'every port' : normalizePorts(ports).join(', ')}`;
  return { action: flow.action, source: src, destination: dst, ports, intent };
}

function namesOf(what: string, names: string[], problems: string[]): string[] {
  if (!Array.isArray(names)) {
    problems.push(`${what} must be a list of namespace names`);
    return [];
  }
  for (const n of names) {
    const p = typeof n === 'string' ? dns1123LabelProblem(n) : 'must be a string';
    if (p) problems.push(`${what}: ${p}`);
  }
  return [...new Set(names.filter((n) => typeof n === 'string'))].sort();
}
