import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { checkPolicyName, resolveNamespace } from './namespace';
import { ExternalDestination } from '../model/external';
import { Port } from '../model/port';
import { PodSelection } from '../model/selection';
import { throwIfProblems } from '../private/errors';
import { EXTERNAL_FIX, externalGrants } from '../render/external';
import { buildRules, emitPolicy } from '../render/policy';

/**
 * Egress to the Kubernetes API server, which is outside the pod network: an ipBlock only you know.
 */
export interface KubernetesApiAccess {
  /** The API server endpoint addresses, e.g. `['10.0.0.1/32']` (see `kubectl get endpoints kubernetes`). */
  readonly cidrs: string[];
  /**
   * The API server ports.
   *
   * @default [Port.tcp(443)]
   */
  readonly ports?: Port[];
}

/**
 * Props of `EgressAllowList`.
 */
export interface EgressAllowListProps {
  /** The pods whose external egress is listed. */
  readonly pods: PodSelection;
  /** The only external destinations the pods may reach (beyond what other policies allow, such as DNS). */
  readonly destinations: ExternalDestination[];
  /**
   * Opt-in egress to the Kubernetes API server.
   *
   * @default - no API server access
   */
  readonly kubernetesApi?: KubernetesApiAccess;
  /**
   * The namespace of the pods.
   *
   * @default - the workload's namespace when `pods` is a workload that has one, else the chart's namespace
   */
  readonly namespaceName?: string;
  /**
   * The policy name.
   *
   * @default - the construct id
   */
  readonly policyName?: string;
}

/**
 * The external destinations (CIDRs and ports) selected pods may reach, and nothing else.
 *
 * Emits one egress policy. Combined with a `ZeroTrustNamespace`, DNS keeps working: policies add up, and the
 * namespace's default-deny policy allows DNS for every pod.
 *
 * @example
 * new EgressAllowList(this, 'backend-external', {
 *   namespaceName: 'secure-app',
 *   pods: PodSelection.labels({ app: 'backend' }),
 *   destinations: [{ cidr: '203.0.113.0/24', ports: [Port.tcp(443)] }],
 * });
 */
export class EgressAllowList extends Construct {
  /** The emitted policy. */
  public readonly policy: ApiObject;

  constructor(scope: Construct, id: string, props: EgressAllowListProps) {
    super(scope, id);
    const problems: string[] = [];
    const selection = props.pods._resolve();
    problems.push(...selection.problems.map((p) => `pods: ${p}`));
    if (props.namespaceName && selection.namespace && props.namespaceName !== selection.namespace) {
      problems.push(`namespace is "${props.namespaceName}" but ${props.pods} lives in "${selection.namespace}"`);
    }
    const namespace = resolveNamespace(this, props.namespaceName ?? selection.namespace, 'namespaceName');
    const name = checkPolicyName(this, props.policyName ?? id, 'set "policyName" to a DNS label such as "backend-external"');

    const destinations: ExternalDestination[] = [...(props.destinations ?? [])];
    if (props.kubernetesApi) {
      if (!props.kubernetesApi.cidrs || props.kubernetesApi.cidrs.length === 0) {
        problems.push('kubernetesApi needs at least one CIDR (the API server endpoint addresses)');
      }
      for (const cidr of props.kubernetesApi.cidrs ?? []) {
        destinations.push({ cidr, ports: props.kubernetesApi.ports ?? [Port.tcp(443)] });
      }
    }
    if (destinations.length === 0) {
      problems.push('no destination is given, which would deny all egress but DNS while reading as an allow list');
    }

    const { grants, described } = externalGrants(destinations, 'destination', problems);
    throwIfProblems(this, problems, EXTERNAL_FIX);

    this.policy = emitPolicy(this, 'Resource', {
      name,
      namespace,
      intent: `egress of ${props.pods} only to: ${[...new Set(described)].sort().join('; ')}`,
      podSelector: selection.selector,
      egress: buildRules(grants, 'to'),
    });
  }
}
