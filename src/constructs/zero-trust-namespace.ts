import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { resolvePeer } from './flows';
import { IntentRegistry } from '../intent/registry';
import { IPeer, OwnedGroup, ownedGroupKey, Peer, PeerSpec } from '../model/peer';
import { Port } from '../model/port';
import { TextCache } from '../private/cache';
import { inputError, throwIfProblems } from '../private/errors';
import { Json, NAMESPACE_NAME_LABEL } from '../private/k8s';
import { unknownKeyProblems } from '../private/keys';
import { dns1123LabelProblem, labelsProblems } from '../private/labels';
import { peersToKube } from '../render/intents';
import { buildRules, constructPathAnnotationEnabled, emitPolicy, normalizePorts } from '../render/policy';

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
   * Where DNS lookups may go: the carve-out of the default-deny egress. `[]` turns it off, explicitly.
   *
   * @default [Peer.kubeDns()]
   */
  readonly dns?: IPeer[];

  /**
   * The DNS ports.
   *
   * @default - the DNS peers' own ports (UDP and TCP 53 for `Peer.kubeDns()`), UDP and TCP 53 for any other peer
   */
  readonly dnsPorts?: Port[];

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
 * directions, and allows only egress to the cluster DNS. With `allowSameNamespace`, also `<name>-same-namespace`.
 * The namespace is a peer too: every pod of it, e.g. the destination of "Prometheus scrapes every pod on `metrics`".
 *
 * @example
 * new ZeroTrustNamespace(this, 'ns', { name: 'secure-app' });
 */
export class ZeroTrustNamespace extends Construct implements IPeer {
  /** The namespace name. */
  public readonly name: string;
  /** `namespace <name>`. */
  public readonly peerId: string;
  /** The Namespace object; unless adopted (`createNamespace: false`, or removed at synthesis when another construct of the app defines the Namespace). */
  public readonly namespaceObject?: ApiObject;
  /** The default-deny policy. */
  public readonly defaultDeny: ApiObject;

  constructor(scope: Construct, id: string, props: ZeroTrustNamespaceProps) {
    super(scope, id);
    // Everything is checked before any child is created: an error leaves nothing half-written.
    const problems: string[] = [];
    const createNamespace = props?.createNamespace ?? true;
    if (typeof createNamespace !== 'boolean') problems.push(`createNamespace must be true or false, got ${JSON.stringify(createNamespace)}`);
    const name = props?.name;
    if (typeof name !== 'string') {
      throw inputError(this, `name must be a namespace name (a string), got ${JSON.stringify(name)}`, 'give name: "secure-app"');
    }
    const nsProblem = dns1123LabelProblem(name);
    if (nsProblem) {
      problems.push(`namespace ${nsProblem}`);
    } else if (name.length > 63 - '-default-deny'.length) {
      problems.push(`namespace name "${name}" is too long for the policy name "${name}-default-deny": use at most 50 characters`);
    }
    problems.push(...unknownKeyProblems('ZeroTrustNamespaceProps', props, 'props'));
    problems.push(...unknownKeyProblems('PodSecurityOptions', props.podSecurity, 'podSecurity'));
    problems.push(...podSecurityProblems(props.podSecurity));
    const labels = { ...(props.labels ?? {}), ...podSecurityLabels(props.podSecurity) };
    if (!createNamespace && Object.keys(labels).length > 0) {
      problems.push('labels and podSecurity are set on an adopted namespace, where they would be silently lost: set createNamespace: true, or label the existing namespace where it is managed');
    }
    problems.push(...labelsProblems(labels));

    const dnsPeers = props.dns ?? [DEFAULT_DNS];
    const dnsGrants: { peer: Json; ports: Port[] }[] = [];
    const dnsText: string[] = [];
    if (!Array.isArray(dnsPeers)) {
      problems.push('dns must be a list of peers, e.g. [Peer.kubeDns()] or [Peer.cidr("169.254.20.10/32")] ([] for none)');
    } else {
      dnsPeers.forEach((peer, i) => {
        const spec = resolvePeer(this, `dns #${i + 1}`, '', peer, problems);
        if (!spec) return;
        const ports = props.dnsPorts ?? spec.defaultPorts ?? [Port.DNS_UDP, Port.DNS_TCP];
        if (!Array.isArray(ports) || ports.length === 0) {
          problems.push('dnsPorts needs at least one port, e.g. [Port.DNS_UDP, Port.DNS_TCP]');
          return;
        }
        for (const port of ports) {
          if (!(port instanceof Port)) {
            problems.push(`dns port ${JSON.stringify(port)} is not a Port: use Port.DNS_UDP, Port.DNS_TCP`);
            continue;
          }
          problems.push(...port._problems().map((p) => `dns port ${port}: ${p}`));
          if (spec.kind === 'addresses' && port.name !== undefined) {
            problems.push(`dns port ${port}: a named port never matches addresses (${spec.description}): give the number`);
          }
        }
        if (problems.length) return;
        for (const k of peersToKube(spec, name)) dnsGrants.push({ peer: k, ports });
        dnsText.push(`${spec.description} on ${normalizePorts(ports).join(', ')}`);
      });
    }
    const registry = IntentRegistry.of(this);
    const existing = registry.namespaceOwner(name);
    if (existing) {
      problems.push(`namespace "${name}" is already a ZeroTrustNamespace at ${existing.node.path}: declare each namespace once`);
    }
    throwIfProblems(this, problems);
    // The policies read this switch when they are emitted: read it now, before the Namespace exists, so that a bad
    // value leaves no Namespace without its default-deny behind a caught error.
    constructPathAnnotationEnabled(this);

    registry.claimNamespace(this, name);
    this.name = name;
    this.peerId = `namespace ${name}`;
    if (createNamespace) {
      this.namespaceObject = new ApiObject(this, 'Namespace', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name, ...(Object.keys(labels).length ? { labels: sortKeys(labels) } : {}) },
      });
      // A Namespace is cluster-scoped: drop the namespace cdk8s copies from the chart onto every object.
      if (Chart.of(this).namespace !== undefined) this.namespaceObject.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    }

    this.defaultDeny = emitPolicy(this, 'DefaultDeny', {
      name: `${name}-default-deny`,
      namespace: name,
      intent: `default deny: no ingress, no egress except ${dnsText.length ? `DNS (${[...dnsText].sort().join('; ')})` : 'nothing (DNS disabled)'}`,
      podSelector: {},
      ingress: [],
      egress: props.dns === undefined && props.dnsPorts === undefined ? defaultDnsRules(name, dnsGrants) : buildRules(dnsGrants, 'to'),
    });

    if (props.allowSameNamespace) {
      emitPolicy(this, 'SameNamespace', {
        name: `${name}-same-namespace`,
        namespace: name,
        intent: `every pod of ${name} may reach every pod of ${name}, on every port`,
        podSelector: {},
        ingress: [{ from: [{ podSelector: {} }] }],
        egress: [{ to: [{ podSelector: {} }] }],
      });
    }
    const hasLabels = Object.keys(labels).length > 0;
    registry.record(this, (app) => {
      // Another construct library already defines this Namespace: adopt it instead of emitting a second one, unless
      // this construct was asked to label it (those labels would be lost).
      const others = (app.namespaces.get(name) ?? []).filter((o) => o !== this.namespaceObject);
      if (this.namespaceObject && others.length > 0) {
        if (hasLabels) {
          return {
            problems: [
              `the app already defines Namespace ${name} at ${others[0].node.path}, and this construct would emit a second one with its labels. ` +
              `Fix: set createNamespace: false here and put the labels and Pod Security levels on ${others[0].node.path}`,
            ],
          };
        }
        this.node.tryRemoveChild('Namespace');
      }
      const object = this.node.tryFindChild('Namespace') ? this.namespaceObject : others[0];
      const objectLabels: { [key: string]: string } = object?.toJson().metadata?.labels ?? labels;
      return {
        isolatedNamespaces: [{ namespace: name, labels: { ...objectLabels, [NAMESPACE_NAME_LABEL]: name } }],
        groups: [this._peerSpec().owned!],
      };
    });
  }

  /** @internal */
  public _peerSpec(): PeerSpec {
    const owned: OwnedGroup = {
      key: ownedGroupKey(this.name, {}),
      namespace: this.name,
      selector: {},
      nameHint: `${this.name}-all-pods`,
      label: `namespace ${this.name}`,
      nameRank: 2,
      ownerPath: this.node.path,
      isolate: { ingress: false, egress: false },
    };
    return { kind: 'namespaces', namespace: this.name, owned, description: `namespace ${this.name}`, problems: [] };
  }
}

const VERSION = /^(latest|v1\.(0|[1-9][0-9]*))$/;

/** What the Pod Security admission controller rejects: unknown levels and malformed versions. */
function podSecurityProblems(options?: PodSecurityOptions): string[] {
  if (options === undefined) return [];
  if (options === null || typeof options !== 'object') return ['podSecurity must be { enforce, audit, warn, version }'];
  const problems: string[] = [];
  const levels = Object.values(PodSecurityLevel) as string[];
  for (const mode of ['enforce', 'audit', 'warn'] as const) {
    const level = options[mode];
    if (level !== undefined && !levels.includes(level)) {
      problems.push(`podSecurity.${mode} ${JSON.stringify(level)} is not a Pod Security level: use PodSecurityLevel.PRIVILEGED, BASELINE or RESTRICTED`);
    }
  }
  if (options.version !== undefined && (typeof options.version !== 'string' || !VERSION.test(options.version))) {
    problems.push(`podSecurity.version ${JSON.stringify(options.version)} is not a Pod Security version: use "latest" or "v1.<minor>" such as "v1.28"`);
  }
  if (options.version !== undefined && !options.enforce && !options.audit && !options.warn) {
    problems.push('podSecurity.version is set without a level: set enforce, audit or warn');
  }
  return problems;
}

function podSecurityLabels(options?: PodSecurityOptions): { [key: string]: string } {
  const labels: { [key: string]: string } = {};
  if (!options || typeof options !== 'object') return labels;
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

/** The default DNS peer, `Peer.kubeDns()`: an immutable value, made once. */
const DEFAULT_DNS = Peer.kubeDns();
const DEFAULT_DNS_RULES = new TextCache<Json[]>();

/**
 * The egress rules of the default DNS carve-out: the same in every namespace but `kube-system` (where the peer needs
 * no namespace selector), so built once each and shared, frozen, by every default-deny.
 */
function defaultDnsRules(namespace: string, grants: { peer: Json; ports: Port[] }[]): Json[] {
  const inKubeSystem = namespace === DEFAULT_DNS._peerSpec().namespace;
  return DEFAULT_DNS_RULES.get(inKubeSystem ? 'in the DNS namespace' : 'elsewhere', () => buildRules(grants, 'to'));
}
