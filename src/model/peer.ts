import { Port } from './port';
import { PodSelection } from './selection';
import { LabelSelectorOptions, resolveSelectorOptions, Selector } from './selector';
import { TextCache } from '../private/cache';
import { Cidr, cidrStrictlyContains, exceptThatFits, isIpv4MappedIpv6, parseCidr } from '../private/cidr';
import { canonicalJson } from '../private/json';
import { unknownKeyProblems } from '../private/keys';
import { dns1123LabelProblem } from '../private/labels';

/**
 * One end of a flow: pods, namespaces or addresses, as a small immutable value.
 *
 * Build peers with the `Peer` factories. A `Tier` (pods the app owns) and a `ZeroTrustNamespace` (every pod of a
 * namespace the app owns) are peers too. Policies are only ever written for the owned end of a flow.
 *
 * @example
 * Peer.ingressController();
 * Peer.pods({ namespaceName: 'monitoring', pods: PodSelection.labels({ app: 'grafana' }) });
 * Peer.cidr('192.0.2.0/24');
 */
export interface IPeer {
  /** Canonical text of the peer, its stable id, e.g. `pods monitoring/app.kubernetes.io/name=prometheus`. */
  readonly peerId: string;

  /**
   * What the peer selects, resolved now (a workload's selector is read from its synthesized object).
   * @internal
   */
  _peerSpec(): PeerSpec;
}

/**
 * A block of addresses with exceptions, resolved.
 * @internal
 */
export interface AddressBlock {
  readonly cidr: string;
  readonly exceptions: string[];
}

/**
 * The key of an owned group: its namespace and its canonical selector, so that every construct that owns the same
 * pods (a Tier, an allow list, a ZeroTrustNamespace for `{}`) computes the same key.
 * @internal
 */
export function ownedGroupKey(namespace: string, selector: Selector): string {
  return `${namespace}/${canonicalJson(selector)}`;
}

/**
 * Pods the app owns: policies may be written for them.
 * @internal
 */
export interface OwnedGroup {
  /** `namespace/selector-json`: pods of one group are selected by one canonical selector in one namespace. */
  readonly key: string;
  readonly namespace: string;
  readonly selector: Selector;
  /** The policy name this owner suggests, e.g. `web-flows`. */
  readonly nameHint: string;
  /** Lower ranks win the name: tiers (0) before allow lists (1) before namespaces (2). */
  readonly nameRank: number;
  /** The user gave `nameHint` explicitly (an allow list's `policyName`): it is never suffixed, and a collision is an error. */
  readonly explicitName?: boolean;
  /** How the owner is named in the intent annotation, e.g. `tier web`. */
  readonly label: string;
  /** The construct that owns the pods; the rendered policy is its child. */
  readonly ownerPath: string;
  /** Directions the owner asks to isolate even where no ZeroTrustNamespace isolates the namespace. */
  readonly isolate: { ingress: boolean; egress: boolean };
}

/**
 * A resolved peer, as render and the test helpers need it.
 * @internal
 */
export interface PeerSpec {
  readonly kind: 'pods' | 'namespaces' | 'addresses';
  /** Pods or namespaces: the namespace by name. */
  readonly namespace?: string;
  /** Pods or namespaces: the namespaces by labels (`{}` is every namespace); exclusive with `namespace`. */
  readonly namespaceSelector?: Selector;
  /** Pods: the pod selector (`{}` is every pod). */
  readonly podSelector?: Selector;
  /** Addresses: the blocks. */
  readonly blocks?: AddressBlock[];
  /** The ports a flow to this peer uses when the flow names none (a Service's target ports, DNS 53...). */
  readonly defaultPorts?: Port[];
  /** Set for pods the app owns. */
  readonly owned?: OwnedGroup;
  /** A short description for intent annotations and messages. */
  readonly description: string;
  /** What is wrong with the input; the construct that receives the peer throws them with its path. */
  readonly problems: string[];
}

/**
 * Where a platform component runs, to override a preset's defaults.
 */
export interface PlatformPeerOptions {
  /**
   * The component's namespace.
   *
   * @default - the preset's namespace (e.g. `ingress-nginx` for `Peer.ingressController()`)
   */
  readonly namespaceName?: string;
  /**
   * The component's pods.
   *
   * @default - the preset's labels (e.g. `app.kubernetes.io/name: ingress-nginx`)
   */
  readonly pods?: PodSelection;
}

/**
 * Pods the app does not own, in one namespace given by name or in namespaces selected by labels.
 */
export interface ForeignPodsOptions {
  /** The pods (`PodSelection.allPods()` for every pod of the namespaces). */
  readonly pods: PodSelection;
  /**
   * The namespace of the pods, by name. Give exactly one of `namespaceName` and `namespaces`.
   *
   * @default - none: `namespaces` must be given
   */
  readonly namespaceName?: string;
  /**
   * The namespaces of the pods, by labels (e.g. `{ labels: { env: 'prod' } }`). Give exactly one of `namespaceName`
   * and `namespaces`.
   *
   * @default - none: `namespaceName` must be given
   */
  readonly namespaces?: LabelSelectorOptions;
}

/**
 * Options of an address block.
 */
export interface CidrOptions {
  /**
   * Ranges inside the block that stay excluded (the NetworkPolicy `except` field).
   *
   * @default - no exception
   */
  readonly exceptions?: string[];
}

/**
 * Factories for the ends of a flow that the app does not own: pods, namespaces, address blocks and platform
 * components. For pods the app owns, use a `Tier` (or a `ZeroTrustNamespace` for all of its pods).
 *
 * Factories never throw: the construct that receives a peer reports its problems with its own path.
 *
 * @example
 * Peer.prometheus(); // monitoring/app.kubernetes.io/name=prometheus
 * Peer.namespaces({ labels: { env: 'prod' } });
 * Peer.cidr('10.0.0.0/8', { exceptions: ['10.1.0.0/16'] });
 */
export class Peer {
  /**
   * Pods the app does not own: by labels, in a namespace given by name or in namespaces selected by labels.
   */
  public static pods(options: ForeignPodsOptions): IPeer {
    return new SimplePeer(() => foreignPods(options), isSelection(options?.pods) && options.pods._dynamic);
  }

  /** Every pod of one namespace, by name. */
  public static namespaceNamed(name: string): IPeer {
    return new SimplePeer(() => {
      const problems = namespaceProblems(name, 'namespace');
      return { kind: 'namespaces', namespace: name, description: `namespace ${name}`, problems };
    });
  }

  /** Every pod of the namespaces whose labels match, e.g. `{ labels: { env: 'prod' } }`. */
  public static namespaces(selector: LabelSelectorOptions): IPeer {
    return new SimplePeer(() => {
      const resolved = resolveSelectorOptions(selector, 'namespace selector');
      return {
        kind: 'namespaces',
        namespaceSelector: resolved.selector,
        description: `namespaces ${resolved.description}`,
        problems: [...unknownKeyProblems('LabelSelectorOptions', selector, 'Peer.namespaces() selector'), ...resolved.problems],
      };
    });
  }

  /** Every pod of every namespace, on purpose (an empty namespace selector). */
  public static allNamespaces(): IPeer {
    return new SimplePeer(() => ({ kind: 'namespaces', namespaceSelector: {}, description: 'every namespace', problems: [] }));
  }

  /** An IPv4 or IPv6 block, e.g. `203.0.113.0/24` or `2001:db8::/64`, with optional exceptions. */
  public static cidr(cidr: string, options: CidrOptions = {}): IPeer {
    const keyProblems = unknownKeyProblems('CidrOptions', options, `Peer.cidr(${JSON.stringify(cidr)}) options`);
    if (keyProblems.length > 0) return new SimplePeer(() => ({ kind: 'addresses', description: `${cidr} (invalid)`, problems: keyProblems }));
    return new SimplePeer(() => cidrSpec(cidr, options?.exceptions ?? []));
  }

  /** Every IPv4 address (0.0.0.0/0), on purpose. */
  public static anyIpv4(): IPeer {
    return Peer.cidr('0.0.0.0/0');
  }

  /** Every IPv6 address (::/0), on purpose. */
  public static anyIpv6(): IPeer {
    return Peer.cidr('::/0');
  }

  /**
   * The cluster DNS as kubeadm, EKS, GKE and AKS deploy it: pods `k8s-app: kube-dns` in `kube-system`. Flows to it
   * use UDP and TCP 53 unless they name ports.
   */
  public static kubeDns(options: PlatformPeerOptions = {}): IPeer {
    return preset('cluster DNS', 'kube-system', { 'k8s-app': 'kube-dns' }, options, [Port.DNS_UDP, Port.DNS_TCP]);
  }

  /** An ingress controller: ingress-nginx by default (pods `app.kubernetes.io/name: ingress-nginx` in `ingress-nginx`). */
  public static ingressController(options: PlatformPeerOptions = {}): IPeer {
    return preset('ingress controller', 'ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' }, options, undefined);
  }

  /** A Prometheus scraper: pods `app.kubernetes.io/name: prometheus` in `monitoring` by default. */
  public static prometheus(options: PlatformPeerOptions = {}): IPeer {
    return preset('Prometheus', 'monitoring', { 'app.kubernetes.io/name': 'prometheus' }, options, undefined);
  }

  /**
   * The Kubernetes API server, outside the pod network: its endpoint addresses, which only you know (see
   * `kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes`). Not the `kubernetes` Service's
   * ClusterIP (often 10.96.0.1): Service addresses are translated to endpoints before policies apply, so a rule on the
   * ClusterIP matches nothing (lint NP012 says so when given `--service-cidr`). Flows to it use TCP 443 unless they
   * name ports; name the endpoints' port when it differs (kubeadm serves on 6443).
   */
  public static kubernetesApi(cidrs: string[]): IPeer {
    return new SimplePeer(() => addresses(blocksOf(cidrs), [Port.tcp(443)], 'Kubernetes API server '));
  }

  /**
   * The control plane as a client (admission and conversion webhooks, API server proxies): the addresses it calls
   * from, which only you know. Flows from it name the webhook's ports.
   */
  public static controlPlane(cidrs: string[]): IPeer {
    return new SimplePeer(() => addresses(blocksOf(cidrs), undefined, 'control plane '));
  }

  private constructor() {}
}

/**
 * A peer whose spec is computed once: peers are immutable values (a selection read from another construct is the
 * one exception, and is resolved again each time). The id is the description of the first resolution.
 */
class SimplePeer implements IPeer {
  public readonly peerId: string;
  private readonly spec: PeerSpec;
  constructor(private readonly resolver: () => PeerSpec, private readonly dynamic: boolean = false) {
    this.spec = resolver();
    this.peerId = this.spec.description;
  }

  public _peerSpec(): PeerSpec {
    return this.dynamic ? this.resolver() : this.spec;
  }

  public toString(): string {
    return this.peerId;
  }
}

function foreignPods(options: ForeignPodsOptions): PeerSpec {
  const problems: string[] = [];
  if (!options || !isSelection(options.pods)) {
    return { kind: 'pods', description: 'pods (invalid)', problems: ['Peer.pods() needs "pods": a PodSelection such as PodSelection.labels({ app: "web" })'] };
  }
  const pods = options.pods._resolve();
  problems.push(...unknownKeyProblems('ForeignPodsOptions', options, 'Peer.pods() options'));
  problems.push(...unknownKeyProblems('LabelSelectorOptions', options.namespaces, 'Peer.pods() namespaces'));
  problems.push(...pods.problems);
  const hasName = options.namespaceName !== undefined;
  const hasLabels = options.namespaces !== undefined;
  if (hasName === hasLabels) {
    problems.push(`Peer.pods(${pods.description}) needs exactly one of "namespaceName" (a namespace by name) and "namespaces" (namespaces by labels)`);
    return { kind: 'pods', podSelector: pods.selector, description: `pods ${pods.description}`, problems };
  }
  if (hasName) {
    problems.push(...namespaceProblems(options.namespaceName!, 'namespaceName'));
    return {
      kind: 'pods',
      namespace: options.namespaceName,
      podSelector: pods.selector,
      description: `pods ${options.namespaceName}/${pods.description}`,
      problems,
    };
  }
  const ns = resolveSelectorOptions(options.namespaces!, 'namespace selector');
  problems.push(...ns.problems);
  return {
    kind: 'pods',
    namespaceSelector: ns.selector,
    podSelector: pods.selector,
    description: `pods ${pods.description} in namespaces ${ns.description}`,
    problems,
  };
}

function preset(what: string, namespace: string, labels: { [key: string]: string }, options: PlatformPeerOptions, ports: Port[] | undefined): IPeer {
  const dynamic = isSelection(options?.pods) && options.pods._dynamic;
  return new SimplePeer(() => {
    const opts = options ?? {};
    const ns = opts.namespaceName ?? namespace;
    const selection = opts.pods ?? PodSelection.labels(labels);
    const problems: string[] = [];
    if (!isSelection(selection)) {
      return { kind: 'pods', description: `${what} (invalid)`, problems: [`${what}: "pods" must be a PodSelection`] };
    }
    problems.push(...unknownKeyProblems('PlatformPeerOptions', options, `${what} options`));
    problems.push(...namespaceProblems(ns, `${what} namespaceName`));
    const pods = selection._resolve();
    problems.push(...pods.problems.map((p) => `${what}: ${p}`));
    return {
      kind: 'pods',
      namespace: ns,
      podSelector: pods.selector,
      defaultPorts: ports,
      description: `${what} ${ns}/${pods.description}`,
      problems,
    };
  }, dynamic);
}

const CIDR_SPECS = new TextCache<PeerSpec>();

/**
 * The spec of `Peer.cidr`: a platform names the same blocks in every namespace, so each (block, exceptions) is checked
 * once and its spec shared, frozen (specs are values; nothing changes one). Input that is not text is never cached.
 */
function cidrSpec(cidr: string, exceptions: string[]): PeerSpec {
  const cacheable = typeof cidr === 'string' && Array.isArray(exceptions) && exceptions.every((e) => typeof e === 'string');
  if (!cacheable) return addresses([{ cidr, exceptions }], undefined, '');
  return CIDR_SPECS.get(`${cidr} ${exceptions.join(' ')}`, () => addresses([{ cidr, exceptions: [...exceptions] }], undefined, ''));
}

function blocksOf(cidrs: string[]): AddressBlock[] {
  return Array.isArray(cidrs) ? cidrs.map((cidr) => ({ cidr, exceptions: [] })) : [];
}

/**
 * What to write instead of an exception with host bits set: the block that fits inside `cidr` (masking alone may give
 * the cidr itself, which an exception cannot be), or one host.
 */
function exceptFix(cidr: Cidr, written: string): string {
  const fit = exceptThatFits(cidr, written);
  if (!fit) return `its address is not inside ${cidr.text}: write a block inside it`;
  const host = parseCidr(`${written.slice(0, written.indexOf('/'))}/${cidr.family === 4 ? 32 : 128}`)!.text;
  const masked = parseCidr(written)!;
  const why = cidrStrictlyContains(cidr, masked)
    ? ''
    : ` (masked it would be ${masked.text}, not strictly inside ${cidr.text}: this is the largest block from its address that is)`;
  return `write "${fit.text}"${why}${fit.text === host ? '' : ` or "${host}" for one host`}`;
}

/** Validates address blocks: a CIDR with host bits zero, exceptions strictly inside, no IPv4-mapped IPv6. */
function addresses(blocks: AddressBlock[], defaultPorts: Port[] | undefined, prefix: string): PeerSpec {
  const problems: string[] = [];
  const out: AddressBlock[] = [];
  const invalid: string[] = [];
  if (blocks.length === 0) problems.push(`${prefix || 'an address peer '}needs at least one CIDR`);
  for (const block of blocks) {
    if (typeof block.cidr !== 'string') {
      problems.push(`CIDR ${text(block.cidr)} must be a string such as "203.0.113.0/24"`);
      invalid.push(text(block.cidr));
      continue;
    }
    const cidr = parseCidr(block.cidr);
    if (!cidr) {
      problems.push(`${text(block.cidr)} is not a valid CIDR (e.g. "203.0.113.0/24" or "2001:db8::/64")`);
      invalid.push(text(block.cidr));
      continue;
    }
    if (cidr.hostBitsSet) {
      problems.push(`${text(block.cidr)} has host bits set, which is ambiguous: write "${cidr.text}" or a /${cidr.family === 4 ? 32 : 128} for one host`);
    }
    if (isIpv4MappedIpv6(cidr)) {
      problems.push(`${text(block.cidr)} is an IPv4-mapped IPv6 range, whose meaning depends on the network plugin: write the IPv4 block instead`);
    }
    const except: string[] = [];
    if (!Array.isArray(block.exceptions)) {
      problems.push(`the exceptions of ${cidr.text} must be a list of CIDRs`);
    } else {
      for (const e of block.exceptions) {
        const inner = typeof e === 'string' ? parseCidr(e) : undefined;
        if (!inner) {
          problems.push(`exception ${text(e)} of ${cidr.text} is not a valid CIDR`);
        } else if (inner.hostBitsSet) {
          problems.push(`exception ${text(e)} of ${cidr.text} has host bits set, which is ambiguous: ${exceptFix(cidr, e as string)}`);
        } else if (!cidrStrictlyContains(cidr, inner)) {
          problems.push(`exception ${text(e)} is not strictly inside ${cidr.text}, which the API server rejects`);
        } else {
          except.push(inner.text);
        }
      }
    }
    out.push({ cidr: cidr.text, exceptions: [...new Set(except)].sort() });
  }
  const unique = new Map<string, AddressBlock>();
  for (const b of out) unique.set(`${b.cidr} ${b.exceptions.join(',')}`, b);
  const sorted = [...unique.values()].sort((a, b) => (a.cidr < b.cidr ? -1 : a.cidr > b.cidr ? 1 : 0));
  const shown = [...sorted.map((b) => (b.exceptions.length ? `${b.cidr} except ${b.exceptions.join(', ')}` : b.cidr)), ...invalid];
  const description = prefix + shown.join(', ');
  return { kind: 'addresses', blocks: sorted, defaultPorts, description: description || `${prefix}(no CIDR)`, problems };
}

function namespaceProblems(name: unknown, what: string): string[] {
  if (typeof name !== 'string') return [`${what} must be a namespace name (a string), got ${text(name)}`];
  const p = dns1123LabelProblem(name);
  return p ? [`${what}: namespace ${p}`] : [];
}

/** True for a PodSelection value (a non-string where a selection belongs is reported, not a TypeError). */
export function isSelection(value: unknown): value is PodSelection {
  return value instanceof PodSelection;
}

/** True for a peer value. */
export function isPeer(value: unknown): value is IPeer {
  return value !== null && typeof value === 'object' && typeof (value as any)._peerSpec === 'function';
}

/** Quotes a value for a message, short. */
export function text(value: unknown): string {
  const s = typeof value === 'string' ? JSON.stringify(value) : value === undefined ? 'undefined' : JSON.stringify(value) ?? String(value);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
