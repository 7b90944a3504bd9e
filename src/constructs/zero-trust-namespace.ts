import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { resolveNamespace } from './namespace';
import { DnsAccess } from '../model/dns';
import { inputError, throwIfProblems } from '../private/errors';
import { labelsProblems } from '../private/labels';
import { emitPolicy } from '../render/policy';

/**
 * A Pod Security Standards level.
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
export enum PodSecurityLevel {
  /** Unrestricted. */
  PRIVILEGED = 'privileged',
  /** Prevents known privilege escalations. */
  BASELINE = 'baseline',
  /** Hardening best practices. */
  RESTRICTED = 'restricted',
}

/**
 * Pod Security Admission labels of a namespace.
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-admission/
 */
export interface PodSecurityOptions {
  /**
   * Pods violating this level are rejected (`pod-security.kubernetes.io/enforce`).
   *
   * @default - no enforce label
   */
  readonly enforce?: PodSecurityLevel;
  /**
   * Violations are recorded in the audit log (`pod-security.kubernetes.io/audit`).
   *
   * @default - no audit label
   */
  readonly audit?: PodSecurityLevel;
  /**
   * Violations are returned as warnings to users (`pod-security.kubernetes.io/warn`).
   *
   * @default - no warn label
   */
  readonly warn?: PodSecurityLevel;
  /**
   * The policy version for every mode set, e.g. `v1.28` or `latest` (`pod-security.kubernetes.io/<mode>-version`).
   *
   * @default - no version labels (the API server uses `latest`)
   */
  readonly version?: string;
}

/**
 * Props of `ZeroTrustNamespace`.
 */
export interface ZeroTrustNamespaceProps {
  /** The namespace name. */
  readonly name: string;

  /**
   * Create the Namespace object. `false` adopts an existing namespace by name: only the policies are emitted.
   *
   * @default true
   */
  readonly createNamespace?: boolean;

  /**
   * Extra labels of the Namespace object (needs `createNamespace`).
   *
   * @default - no extra labels
   */
  readonly labels?: { [key: string]: string };

  /**
   * The DNS carve-out of the default-deny egress policy. `DnsAccess.disabled()` turns it off, explicitly.
   *
   * @default DnsAccess.kubeDns()
   */
  readonly dns?: DnsAccess;

  /**
   * Allow every pod of the namespace to reach every other pod of the namespace, on every port.
   *
   * @default false - pods of the namespace reach each other only through declared flows
   */
  readonly allowSameNamespace?: boolean;

  /**
   * Pod Security Standards labels of the Namespace object (needs `createNamespace`).
   *
   * @default - no Pod Security labels
   */
  readonly podSecurity?: PodSecurityOptions;
}

/**
 * A namespace where nothing flows unless declared: default-deny ingress and egress, DNS excepted.
 *
 * Emits the Namespace (unless adopted) and `<name>-default-deny`, which selects every pod, isolates both
 * directions, and allows only egress to the cluster DNS. With `allowSameNamespace`, also
 * `<name>-same-namespace`.
 *
 * @example
 * new ZeroTrustNamespace(this, 'ns', { name: 'secure-app' });
 */
export class ZeroTrustNamespace extends Construct {
  /** The namespace name. */
  public readonly name: string;
  /** The Namespace object, unless the namespace was adopted. */
  public readonly namespaceObject?: ApiObject;
  /** The default-deny policy. */
  public readonly defaultDeny: ApiObject;

  constructor(scope: Construct, id: string, props: ZeroTrustNamespaceProps) {
    super(scope, id);
    const createNamespace = props.createNamespace ?? true;
    const dns = props.dns ?? DnsAccess.kubeDns();
    this.name = resolveNamespace(this, props.name, 'name');
    if (this.name.length > 63 - '-default-deny'.length) {
      throw inputError(this, `namespace name "${this.name}" is too long for the policy name "${this.name}-default-deny"`, 'use a namespace name of at most 50 characters');
    }

    const labels = { ...(props.labels ?? {}), ...podSecurityLabels(props.podSecurity) };
    if (!createNamespace && Object.keys(labels).length > 0) {
      throw inputError(
        this,
        'labels and podSecurity are set on an adopted namespace, where they would be silently lost',
        'set createNamespace: true, or label the existing namespace where it is managed',
      );
    }
    throwIfProblems(this, labelsProblems(labels), 'use valid Kubernetes label keys and values');

    if (createNamespace) {
      this.namespaceObject = new ApiObject(this, 'Namespace', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: this.name, ...(Object.keys(labels).length ? { labels: sortKeys(labels) } : {}) },
      });
      // A Namespace is cluster-scoped: drop the namespace cdk8s copies from the chart onto every object.
      if (Chart.of(this).namespace !== undefined) this.namespaceObject.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    }

    const dnsRule = dns._rule(this.name);
    throwIfProblems(this, dnsRule.problems, 'fix the DnsAccess passed as "dns"');
    this.defaultDeny = emitPolicy(this, 'DefaultDeny', {
      name: `${this.name}-default-deny`,
      namespace: this.name,
      intent: `default deny: no ingress, no egress except ${dns}`,
      podSelector: {},
      ingress: [],
      egress: dnsRule.rule ? [dnsRule.rule] : [],
    });

    if (props.allowSameNamespace) {
      emitPolicy(this, 'SameNamespace', {
        name: `${this.name}-same-namespace`,
        namespace: this.name,
        intent: `every pod of ${this.name} may reach every pod of ${this.name}, on every port`,
        podSelector: {},
        ingress: [{ from: [{ podSelector: {} }] }],
        egress: [{ to: [{ podSelector: {} }] }],
      });
    }
  }
}

function podSecurityLabels(options?: PodSecurityOptions): { [key: string]: string } {
  const labels: { [key: string]: string } = {};
  if (!options) return labels;
  for (const mode of ['enforce', 'audit', 'warn'] as const) {
    const level = options[mode];
    if (level === undefined) continue;
    labels[`pod-security.kubernetes.io/${mode}`] = level;
    if (options.version !== undefined) labels[`pod-security.kubernetes.io/${mode}-version`] = options.version;
  }
  return labels;
}

function sortKeys(map: { [key: string]: string }): { [key: string]: string } {
  const out: { [key: string]: string } = {};
  for (const k of Object.keys(map).sort()) out[k] = map[k];
  return out;
}
