/**
 * Turns raw Kubernetes objects into a `Cluster`, collecting every problem the API server would report instead of
 * evaluating a half-understood manifest.
 *
 * @see https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/networking/validation/validation.go
 */
import { parseTieredPolicy } from './cluster-policy';
import {
  Cluster, ClusterNode, ClusterPolicy, ClusterPolicyKind, ContainerPort, CustomResource,
  Endpoint, IpBlockPeer, Namespace, Peer, Policy, PolicyPort, Problem, Rule,
  Selector, Service, ServicePort, UnanalyzedObject,
} from './model';
import { isOperatorKind, mayCreatePods, operatorPods } from './operators';
import { describe, isPlainObject, parseSelector, Report } from './selector';
import { SourcedObject } from '../manifests/decode';
import { checkObject, expandLists } from '../manifests/objects';
import { ObjectRef, refText } from '../manifests/problem';
import { apiGroupOf, UnanalyzedKind, unanalyzedKind } from '../private/api-kinds';
import { cidrContainsCidr, cidrStrictlyContains, Cidr, exceptThatFits, IpAddress, mappedIpv4, parseCidr, parseIp } from '../private/cidr';
import { NAMESPACE_NAME_LABEL, STAND_IN_ANNOTATION, WORKLOAD_KINDS } from '../private/k8s';
import { dns1123LabelProblem, dns1123SubdomainProblem, labelsProblems, portNameProblem, portNumberProblem } from '../private/labels';
import { MAX_FREE_TEXT, quote } from '../private/text';

export { NAMESPACE_NAME_LABEL };
export type { SourcedObject };

const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];

/** The cluster-scoped tiered policy kinds, read into the Admin and Baseline tiers (cluster-policy.ts). */
const TIERED_KINDS: ReadonlySet<string> = new Set<ClusterPolicyKind>(['ClusterNetworkPolicy', 'AdminNetworkPolicy', 'BaselineAdminNetworkPolicy']);

export interface LoadResult {
  readonly cluster: Cluster;
  readonly problems: Problem[];
  /**
   * What the input says twice: the same object in two places. As `kubectl apply -f` of the set applies the later over
   * the earlier, the later one is used; each note names both places.
   */
  readonly notes: Problem[];
}

/** Reads objects into a cluster. Never throws: every problem is returned. */
export function loadCluster(input: readonly SourcedObject[]): LoadResult {
  const problems: Problem[] = [];
  const objects = expandLists(input, problems);
  const declared = new Map<string, { labels: Map<string, string>; source: string }>();
  const notes: Problem[] = [];
  const endpoints = new Map<string, Endpoint>();
  const endpointOwner = new Map<string, string>();
  const policies = new Map<string, Policy>();
  const services = new Map<string, Service>();
  const customResources: CustomResource[] = [];
  const clusterPolicies = new Map<string, ClusterPolicy>();
  const unanalyzed = new Map<string, UnanalyzedObject>();
  const nodes = new Map<string, ClusterNode>();
  // The notes that a nodes peer is undecidable: dropped when the input holds Nodes.
  const nodesPeerNotes = new Set<Problem>();
  const usedNamespaces = new Set<string>();

  objects.forEach((o) => {
    const obj = o.object;
    const where = { source: o.file ?? o.source, document: o.document };
    const lineOf = (path: string) => o.locate?.(path) ?? o.line;
    // Until the object is known to be one: its kind and name as far as they can be told, for messages.
    let objectText = isPlainObject(obj) && typeof obj.kind === 'string' && obj.kind !== '' ? obj.kind : '';
    // Field problems of the strict schema wait until the engine's own checks ran: theirs are more specific.
    const schemaProblems: Problem[] = [];
    const checked = checkObject(obj, (path, message, category) => {
      const problem: Problem = { ...where, line: lineOf(path), object: objectText, path, message, category };
      if (category === 'invalid' && path !== 'kind' && path !== 'apiVersion') schemaProblems.push(problem);
      else problems.push(problem);
    });
    const kind = checked.kind ?? operatorKindOf(obj);
    if (kind === undefined || !isPlainObject(obj)) {
      problems.push(...schemaProblems);
      const other = isPlainObject(obj) && typeof obj.kind === 'string' && typeof obj.apiVersion === 'string'
        ? unanalyzedKind(obj.kind, obj.apiVersion) : undefined;
      if (other && isPlainObject(obj)) {
        const read = readUnanalyzed(obj, other, `${where.source}${o.line !== undefined ? `:${lineOf('')}` : ''}`);
        if (typeof read === 'string') problems.push({ ...where, line: lineOf('metadata.name'), object: String(obj.kind), path: 'metadata.name', message: read, category: 'invalid' });
        else unanalyzed.set(`${read.group}/${read.kind}/${read.namespace ?? ''}/${read.name}`, read);
        return;
      }
      if (isPlainObject(obj) && typeof obj.kind === 'string' && typeof obj.apiVersion === 'string' && mayCreatePods(obj.kind, obj.apiVersion)) {
        const meta = isPlainObject(obj.metadata) ? obj.metadata : {};
        const crNamespace = typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : undefined;
        customResources.push({ kind: obj.kind, ...(crNamespace ? { namespace: crNamespace } : {}), name: typeof meta.name === 'string' ? meta.name : '' });
      }
      return;
    }
    const metadata = isPlainObject(obj.metadata) ? obj.metadata : {};
    const rawName = metadata.name;
    const isNamespace = kind === 'Namespace';
    // Cluster-scoped kinds: a metadata.namespace on them is ignored, as the API server ignores it.
    const clusterScoped = isNamespace || kind === 'Node' || TIERED_KINDS.has(kind);
    const namespace = clusterScoped ? undefined : (typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : 'default');
    const name = typeof rawName === 'string' ? rawName : '';
    const ref: ObjectRef = { kind, namespace, name };
    objectText = refText({ ...ref, name: name || '<no name>' });
    for (const p of schemaProblems) Object.assign(p, { object: objectText, ref });
    const before = problems.length;
    const report: Report = (path, message, category = 'invalid') => problems.push({ ...where, line: lineOf(path), object: objectText, ref, path, message, category });
    // The same object again: kubectl apply of the set applies the later one over the earlier one.
    const note = (_what: string, earlierSource: string) => notes.push({
      ...where,
      line: o.line,
      object: objectText,
      ref,
      path: '',
      message: `appears again here (first at ${earlierSource}): the later one is used, as kubectl apply of the set applies it over the earlier one`,
    });
    const flushSchema = () => {
      const covered = problems.slice(before).filter((p) => p.object === objectText).map((p) => p.path);
      for (const p of schemaProblems) {
        if (!covered.some((c) => c === p.path || p.path.startsWith(`${c}.`) || p.path.startsWith(`${c}[`) || (c !== '' && c.startsWith(`${p.path}.`)))) problems.push(p);
      }
    };
    try {
      loadOne(obj, kind);
    } finally {
      flushSchema();
    }

    function loadOne(record: { [key: string]: unknown }, kindName: string) {
      if (!isPlainObject(record.metadata)) {
        report('metadata', 'metadata is required');
        return;
      }
      if (typeof rawName !== 'string' || rawName === '') {
        report('metadata.name', 'name or generateName is required (generateName cannot be evaluated: the engine needs a stable name)');
        return;
      }
      // Namespace names are DNS labels; Nodes, Pods, workloads and NetworkPolicies take DNS subdomains.
      const nameProblem = isNamespace ? dns1123LabelProblem(name) : dns1123SubdomainProblem(name);
      if (nameProblem) report('metadata.name', nameProblem);
      if (namespace !== undefined) {
        const nsProblem = dns1123LabelProblem(namespace);
        if (nsProblem) report('metadata.namespace', nsProblem);
        usedNamespaces.add(namespace);
      }
      const labels = readLabels(metadata.labels, 'metadata.labels', report);

      if (isNamespace) {
        const earlier = declared.get(name);
        if (earlier) note(`Namespace ${name}`, earlier.source);
        declared.set(name, { labels, source: o.source });
        return;
      }
      if (TIERED_KINDS.has(kindName)) {
        const tieredKind = kindName as ClusterPolicyKind;
        const policy = parseTieredPolicy(tieredKind, record, name, o.source, report, (peer) => {
          const n: Problem = {
            ...where,
            line: lineOf(peer.path),
            object: objectText,
            ref,
            path: peer.path,
            message: peer.kind === 'nodes'
              ? 'a nodes peer matches the IPs of Nodes, and the input holds no Node: it is read, matches no pod, and makes the answer for an IP address outside the cluster undecidable offline (explain says so). Add the Nodes (kubectl get nodes -o yaml) to decide it'
              : 'a domainNames peer matches what DNS resolves at run time: it is read, matches no pod, and makes the answer for an IP address outside the cluster undecidable offline (explain says so)',
          };
          notes.push(n);
          if (peer.kind === 'nodes') nodesPeerNotes.add(n);
        });
        const key = `${kindName}/${name}`;
        const earlier = clusterPolicies.get(key);
        if (earlier) note(`${kindName} ${name}`, earlier.source);
        if (policy) clusterPolicies.set(key, policy);
        return;
      }
      if (kindName === 'NetworkPolicy') {
        const policy = parsePolicy(record, namespace!, name, o.source, report);
        const id = `${namespace}/${name}`;
        const earlierPolicy = policies.get(id);
        if (earlierPolicy) note(`NetworkPolicy ${id}`, earlierPolicy.source);
        // The construct path render writes (cdk8s-netpol.dev/construct), so analyses can name the code behind a rule.
        const annotations = isPlainObject(record.metadata) && isPlainObject(record.metadata.annotations) ? record.metadata.annotations : {};
        const construct = annotations['cdk8s-netpol.dev/construct'];
        const intent = annotations['cdk8s-netpol.dev/intent'];
        if (policy) {
          policies.set(id, {
            ...policy,
            ...(typeof construct === 'string' ? { construct } : {}),
            ...(typeof intent === 'string' ? { intent } : {}),
          });
        }
        return;
      }
      if (kindName === 'Node') {
        const earlierNode = nodes.get(name);
        if (earlierNode) note(`Node ${name}`, earlierNode.source);
        nodes.set(name, { name, labels, ips: readNodeIps(record.status, report), source: o.source });
        return;
      }
      if (kindName === 'Service') {
        const service = parseService(record, namespace!, name, o.source, report);
        const earlierService = services.get(service.id);
        if (earlierService) note(`Service ${service.id}`, earlierService.source);
        services.set(service.id, service);
        return;
      }
      // A pod or a workload standing for its pods.
      let podLabels = labels;
      // The endpoint's name: the object's, but the operator's StatefulSet for a custom resource (prometheus-k8s).
      let endpointName = name;
      let podSpec: unknown;
      let specPath = 'spec';
      const ips: IpAddress[] = [];
      let ports: ContainerPort[];
      if (kindName === 'Pod') {
        podSpec = record.spec;
        readPodIps(record.status, report, ips);
        ports = readContainerPorts(podSpec, specPath, report);
      } else if (!WORKLOAD_KINDS.has(kindName)) {
        // A custom resource whose pods an operator creates: the operator's labels, then spec.podMetadata.labels.
        const spec = isPlainObject(record.spec) ? record.spec : {};
        const pods = operatorPods(kindName, name);
        endpointName = pods.workloadName;
        const podMetadata = isPlainObject(spec.podMetadata) ? spec.podMetadata : {};
        podLabels = new Map([...pods.labels, ...readLabels(podMetadata.labels, 'spec.podMetadata.labels', report)]);
        podSpec = spec;
        ports = [...pods.ports];
      } else {
        const steps = WORKLOAD_KINDS.get(kindName)!.template;
        let template: unknown = record;
        for (const step of steps) template = isPlainObject(template) ? template[step] : undefined;
        const templatePath = steps.join('.');
        if (!isPlainObject(template)) {
          report(templatePath, 'a pod template is required');
          return;
        }
        const templateMeta = isPlainObject(template.metadata) ? template.metadata : {};
        podLabels = readLabels(templateMeta.labels, `${templatePath}.metadata.labels`, report);
        podSpec = template.spec;
        specPath = `${templatePath}.spec`;
        ports = readContainerPorts(podSpec, specPath, report);
      }
      const id = `${namespace}/${endpointName}`;
      const owner = endpointOwner.get(id);
      if (owner !== undefined && owner !== kindName) {
        report('metadata.name', `the endpoint name ${id} is already used by a ${owner}: endpoints are named namespace/name, so give one of them another name`);
        return;
      }
      if (owner !== undefined) note(`${kindName} ${id}`, endpoints.get(id)!.source);
      endpointOwner.set(id, kindName);
      const hostNetwork = isPlainObject(podSpec) && podSpec.hostNetwork === true;
      const references = readReferences(podSpec);
      const controller = kindName === 'Pod' ? controllerOf(record.metadata) : undefined;
      // Declared as a stand-in for pods the repository does not deploy (docs/cli.md).
      const annotations = isPlainObject(record.metadata) && isPlainObject(record.metadata.annotations) ? record.metadata.annotations : {};
      const standIn = annotations[STAND_IN_ANNOTATION];
      endpoints.set(id, {
        id,
        namespace: namespace!,
        name: endpointName,
        kind: kindName,
        labels: podLabels,
        ips,
        ports,
        source: o.source,
        hostNetwork,
        replicas: replicasOf(record, kindName),
        ...(references.length > 0 ? { references } : {}),
        ...(controller ? { owner: controller } : {}),
        ...(typeof standIn === 'string' ? { declaredStandIn: `declared in ${o.source}: ${quote(standIn, MAX_FREE_TEXT)}` } : {}),
      });
    }
  });

  // Every namespace carries its name as a label; namespaces that are only referenced exist with just that label.
  const namespaces = new Map<string, Namespace>();
  for (const [name, d] of declared) {
    const labels = new Map(d.labels);
    labels.set(NAMESPACE_NAME_LABEL, name);
    namespaces.set(name, { name, labels, declared: true });
  }
  for (const name of [...usedNamespaces].sort()) {
    if (!namespaces.has(name)) namespaces.set(name, { name, labels: new Map([[NAMESPACE_NAME_LABEL, name]]), declared: false });
  }
  // Two APIs in one tier: upstream orders neither against the other. The engine merges them by priority (docs/semantics.md).
  for (const tier of ['Admin', 'Baseline']) {
    const apis = [...new Set([...clusterPolicies.values()].filter((p) => p.tier === tier).map((p) => p.kind))].sort();
    if (apis.length > 1) {
      const first = [...clusterPolicies.values()].find((p) => p.tier === tier && p.kind !== 'ClusterNetworkPolicy')!;
      notes.push({
        source: first.source,
        object: `${first.kind} ${first.name}`,
        path: '',
        message: `the ${tier} tier holds both ${apis.join(' and ')} objects: no API defines their order against each other, so they are `
          + `evaluated merged by priority, then name${tier === 'Baseline' ? ' (the BaselineAdminNetworkPolicy last)' : ''}; a plugin that enforces both may order them otherwise. Use one API per tier`,
      });
    }
  }
  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return {
    cluster: {
      namespaces,
      endpoints: [...endpoints.values()].sort(byId),
      policies: [...policies.values()].sort(byId),
      services: [...services.values()].sort(byId),
      customResources,
      ...(clusterPolicies.size > 0 ? { clusterPolicies: [...clusterPolicies.values()].sort(clusterPolicyOrder) } : {}),
      ...(unanalyzed.size > 0 ? { unanalyzed: [...unanalyzed.keys()].sort().map((k) => unanalyzed.get(k)!) } : {}),
      ...(nodes.size > 0 ? { nodes: [...nodes.keys()].sort().map((k) => nodes.get(k)!) } : {}),
    },
    problems,
    notes: nodes.size > 0 ? notes.filter((n) => !nodesPeerNotes.has(n)) : notes,
  };
}

/** The kind of a custom resource whose pods the engine models, if the object is one. */
function operatorKindOf(obj: unknown): string | undefined {
  if (!isPlainObject(obj) || typeof obj.kind !== 'string' || typeof obj.apiVersion !== 'string') return undefined;
  return isOperatorKind(obj.kind, obj.apiVersion) ? obj.kind : undefined;
}

/** How many pods a workload runs, as its manifest says (absent fields take the API server's defaults). */
function replicasOf(record: { [key: string]: unknown }, kind: string): number {
  const spec = isPlainObject(record.spec) ? record.spec : {};
  const count = (x: unknown) => (typeof x === 'number' && Number.isInteger(x) && x >= 0 ? x : 1);
  switch (kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'ReplicaSet':
    case 'ReplicationController':
    case 'Alertmanager':
    case 'ThanosRuler':
      return count(spec.replicas);
    case 'Prometheus':
      return count(spec.replicas) * count(spec.shards);
    case 'DaemonSet':
      return Infinity; // one pod per node
    case 'Job':
      return count(spec.parallelism);
    case 'CronJob': {
      const job = isPlainObject(spec.jobTemplate) && isPlainObject(spec.jobTemplate.spec) ? spec.jobTemplate.spec : {};
      return count(job.parallelism);
    }
    default:
      return 1;
  }
}

/**
 * A Service's selector and ports. Only what the engine uses is read; the strict schema has checked the field types.
 * `targetPort` defaults to `port`, as the API server defaults it.
 */
function parseService(record: { [key: string]: unknown }, namespace: string, name: string, source: string, report: Report): Service {
  const spec = isPlainObject(record.spec) ? record.spec : {};
  const selector = isPlainObject(spec.selector) && Object.keys(spec.selector).length > 0
    ? readLabels(spec.selector, 'spec.selector', report)
    : undefined;
  const ports: ServicePort[] = [];
  if (Array.isArray(spec.ports)) {
    spec.ports.forEach((item, i) => {
      if (!isPlainObject(item) || typeof item.port !== 'number') return;
      const protocol = typeof item.protocol === 'string' && item.protocol !== '' ? item.protocol : 'TCP';
      const target = item.targetPort;
      const targetPort = typeof target === 'number' && target > 0 ? target
        : typeof target === 'string' && target !== '' ? target : item.port;
      if (typeof targetPort === 'string') {
        const problem = portNameProblem(targetPort);
        if (problem) report(`spec.ports[${i}].targetPort`, problem);
      }
      ports.push({ ...(typeof item.name === 'string' && item.name !== '' ? { name: item.name } : {}), port: item.port, protocol, targetPort });
    });
  }
  const type = typeof spec.type === 'string' && spec.type !== '' ? spec.type : 'ClusterIP';
  return { id: `${namespace}/${name}`, namespace, name, ...(selector ? { selector } : {}), type, ports, source };
}

/** Metadata the API server sets, and status: not part of what an object says. */
const SERVER_SET_METADATA = ['managedFields', 'resourceVersion', 'uid', 'creationTimestamp', 'generation', 'selfLink'];
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** An object of another policy API, or the message of why it cannot be one (no name: the API server needs one). */
function readUnanalyzed(obj: { [key: string]: unknown }, k: UnanalyzedKind, source: string): UnanalyzedObject | string {
  const meta = isPlainObject(obj.metadata) ? obj.metadata : {};
  const name = meta.name;
  if (typeof name !== 'string' || name === '') return 'name or generateName is required (generateName cannot be compared: a stable name is needed)';
  const given = typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : undefined;
  const namespace = k.namespaced === false ? undefined : given ?? (k.namespaced ? 'default' : undefined);
  const kind = obj.kind as string;
  const apiVersion = obj.apiVersion as string;
  return {
    kind,
    apiVersion,
    group: apiGroupOf(apiVersion),
    ...(namespace !== undefined ? { namespace } : {}),
    name,
    owner: k.owner,
    clusterWide: k.clusterWide,
    source,
    digest: contentDigest(obj, namespace),
  };
}

/** Canonical JSON (sorted keys) of what an object says: no status, no server-set metadata, the namespace as applied. */
function contentDigest(obj: { [key: string]: unknown }, namespace: string | undefined): string {
  const meta: { [key: string]: unknown } = isPlainObject(obj.metadata) ? { ...obj.metadata } : {};
  for (const f of SERVER_SET_METADATA) delete meta[f];
  if (namespace === undefined) delete meta.namespace;
  else meta.namespace = namespace;
  if (isPlainObject(meta.annotations) && LAST_APPLIED in meta.annotations) {
    const annotations = { ...meta.annotations };
    delete annotations[LAST_APPLIED];
    meta.annotations = annotations;
  }
  const content: { [key: string]: unknown } = { ...obj, metadata: meta };
  delete content.status;
  return canonicalJson(content);
}

function canonicalJson(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(canonicalJson).join(',')}]`;
  if (isPlainObject(x)) {
    return `{${Object.keys(x).filter((k) => x[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(x[k])}`).join(',')}}`;
  }
  return JSON.stringify(x) ?? 'null';
}

/** Evaluation order within a tier: priority, then name (upstream leaves equal priorities to the implementation). */
export function clusterPolicyOrder(a: ClusterPolicy, b: ClusterPolicy): number {
  if (a.priority !== b.priority) return a.priority - b.priority;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0;
}

function readLabels(raw: unknown, path: string, report: Report): Map<string, string> {
  const labels = new Map<string, string>();
  if (raw === undefined || raw === null) return labels;
  if (!isPlainObject(raw)) {
    report(path, `labels must be a map, got ${describe(raw)}`);
    return labels;
  }
  // No prototype: a label key such as `__proto__` is just a (bad) key.
  const strings: { [key: string]: string } = Object.create(null);
  for (const [k, rawValue] of Object.entries(raw)) {
    // null decodes to the zero value of a Go string: "" (the API server accepts it).
    const v = rawValue === null ? '' : rawValue;
    if (typeof v !== 'string') {
      report(`${path}.${k}`, `a label value must be a string, got ${describe(v)} (quote it in YAML)`);
      continue;
    }
    strings[k] = v;
    labels.set(k, v);
  }
  for (const p of labelsProblems(strings)) report(path, p);
  return labels;
}

function readPodIps(status: unknown, report: Report, out: IpAddress[]) {
  if (!isPlainObject(status)) return;
  const add = (text: unknown, path: string) => {
    const ip = typeof text === 'string' ? parseIp(text) : undefined;
    if (!ip) {
      report(path, `${describe(text)} is not an IP address`);
      return;
    }
    if (!out.some((x) => x.family === ip.family && x.value === ip.value)) out.push(ip);
  };
  if (status.podIP !== undefined && status.podIP !== null && status.podIP !== '') add(status.podIP, 'status.podIP');
  if (Array.isArray(status.podIPs)) {
    status.podIPs.forEach((entry, i) => add(isPlainObject(entry) ? entry.ip : entry, `status.podIPs[${i}].ip`));
  }
}

/** Address types whose value is an IP address (the others, Hostname, InternalDNS and ExternalDNS, hold names). */
const NODE_IP_TYPES = new Set(['InternalIP', 'ExternalIP']);

/**
 * The IPs of a Node: the addresses of `status.addresses` that are IP addresses, which a `nodes` peer matches
 * (network-policy-api: "matching on the IPs present in the node.Status.Addresses field"). An InternalIP or
 * ExternalIP that is not an IP address is an error; a name (Hostname, InternalDNS...) is no IP and is left out.
 */
function readNodeIps(status: unknown, report: Report): IpAddress[] {
  const out: IpAddress[] = [];
  if (!isPlainObject(status) || status.addresses === undefined || status.addresses === null) return out;
  if (!Array.isArray(status.addresses)) {
    report('status.addresses', `must be a list of {type, address}, got ${describe(status.addresses)}`);
    return out;
  }
  status.addresses.forEach((entry, i) => {
    const path = `status.addresses[${i}]`;
    if (!isPlainObject(entry) || typeof entry.address !== 'string' || typeof entry.type !== 'string') {
      report(path, `must be {type, address} with two strings, got ${describe(entry)}`);
      return;
    }
    const ip = parseIp(entry.address);
    if (!ip) {
      if (NODE_IP_TYPES.has(entry.type)) report(`${path}.address`, `${describe(entry.address)} is not an IP address (type ${entry.type})`);
      return;
    }
    if (!out.some((x) => x.family === ip.family && x.value === ip.value)) out.push(ip);
  });
  return out;
}

/** The configuration strings of a pod spec's containers that may name a Service: env values, args and command. */
function readReferences(spec: unknown): string[] {
  const out: string[] = [];
  if (!isPlainObject(spec)) return out;
  const add = (x: unknown) => {
    if (typeof x === 'string' && x.length > 0 && x.length <= 1024 && out.length < 64) out.push(x);
  };
  for (const list of ['containers', 'initContainers']) {
    const containers = spec[list];
    if (!Array.isArray(containers)) continue;
    for (const c of containers) {
      if (!isPlainObject(c)) continue;
      if (Array.isArray(c.env)) for (const e of c.env) if (isPlainObject(e)) add(e.value);
      for (const field of ['args', 'command']) if (Array.isArray(c[field])) (c[field] as unknown[]).forEach(add);
    }
  }
  return out;
}

function readContainerPorts(spec: unknown, specPath: string, report: Report): ContainerPort[] {
  const ports: ContainerPort[] = [];
  if (!isPlainObject(spec)) return ports;
  for (const list of ['containers', 'initContainers']) {
    const containers = spec[list];
    if (!Array.isArray(containers)) continue;
    containers.forEach((c, ci) => {
      if (!isPlainObject(c) || !Array.isArray(c.ports)) return;
      c.ports.forEach((item, pi) => {
        const path = `${specPath}.${list}[${ci}].ports[${pi}]`;
        const p = item === null ? {} : item; // a null item decodes to the zero value
        if (!isPlainObject(p)) {
          report(path, `must be an object, got ${describe(p)}`);
          return;
        }
        const number = p.containerPort;
        const numberProblem = typeof number === 'number' ? portNumberProblem(number) : `containerPort is required and must be a number, got ${describe(number)}`;
        if (numberProblem) report(`${path}.containerPort`, numberProblem);
        const protocol = p.protocol === undefined || p.protocol === null ? 'TCP' : p.protocol;
        if (typeof protocol !== 'string' || !PROTOCOLS.includes(protocol)) {
          report(`${path}.protocol`, `${describe(protocol)} is not supported: use TCP, UDP or SCTP`);
          return;
        }
        let name: string | undefined;
        if (p.name !== undefined && p.name !== null && p.name !== '') {
          const nameProblem = typeof p.name === 'string' ? portNameProblem(p.name) : `a port name must be a string, got ${describe(p.name)}`;
          if (nameProblem) report(`${path}.name`, nameProblem);
          else name = p.name as string;
        }
        if (numberProblem) return;
        ports.push({ name, port: number as number, protocol });
      });
    });
  }
  return ports;
}

function parsePolicy(obj: { [key: string]: unknown }, namespace: string, name: string, source: string, report: Report): Policy | undefined {
  let ok = true;
  const bad: Report = (path, message) => {
    ok = false;
    report(path, message);
  };
  const spec = obj.spec === undefined || obj.spec === null ? {} : obj.spec;
  if (!isPlainObject(spec)) {
    bad('spec', `must be an object, got ${describe(spec)}`);
    return undefined;
  }
  // podSelector is a required non-pointer field: absent decodes as the empty selector, which selects every pod.
  const podSelector = parseSelector(spec.podSelector, 'spec.podSelector', bad);
  const ingress = parseRules(spec.ingress, 'ingress', 'from', bad);
  const egress = parseRules(spec.egress, 'egress', 'to', bad);

  let types: string[] = [];
  const rawTypes = spec.policyTypes;
  if (rawTypes !== undefined && rawTypes !== null) {
    if (!Array.isArray(rawTypes)) {
      bad('spec.policyTypes', `must be a list, got ${describe(rawTypes)}`);
    } else if (rawTypes.length > 2) {
      bad('spec.policyTypes', 'may not specify more than two policyTypes');
    } else {
      rawTypes.forEach((t, i) => {
        if (t !== 'Ingress' && t !== 'Egress') bad(`spec.policyTypes[${i}]`, `Unsupported value: ${describe(t)}: supported values: "Ingress", "Egress"`);
      });
      types = rawTypes as string[];
    }
  }
  if (!ok || !podSelector || !ingress || !egress) return undefined;
  // API-server defaulting: no policyTypes means Ingress, plus Egress when there are egress rules.
  const isolatesIngress = types.length === 0 ? true : types.includes('Ingress');
  const isolatesEgress = types.length === 0 ? egress.length > 0 : types.includes('Egress');
  return {
    id: `${namespace}/${name}`, namespace, name, source, podSelector, isolatesIngress, isolatesEgress, ingress, egress,
  };
}

function parseRules(raw: unknown, direction: 'ingress' | 'egress', peerField: 'from' | 'to', bad: Report): Rule[] | undefined {
  if (raw === undefined || raw === null) return [];
  const base = `spec.${direction}`;
  if (!Array.isArray(raw)) {
    bad(base, `must be a list of rules, got ${describe(raw)}`);
    return undefined;
  }
  let ok = true;
  const rules: Rule[] = [];
  raw.forEach((r, i) => {
    const path = `${base}[${i}]`;
    if (r === null) r = {};
    if (!isPlainObject(r)) {
      ok = false;
      bad(path, `a rule must be an object, got ${describe(r)}`);
      return;
    }
    for (const key of Object.keys(r)) {
      if (key !== peerField && key !== 'ports') {
        ok = false;
        bad(`${path}.${key}`, `unknown field of an ${direction} rule (expected ${peerField}, ports)`);
      }
    }
    const peers = parseList(r[peerField], `${path}.${peerField}`, bad, parsePeer);
    const ports = parseList(r.ports, `${path}.ports`, bad, parsePort);
    if (peers === null || ports === null) {
      ok = false;
      return;
    }
    rules.push({ path, peers, ports });
  });
  return ok ? rules : undefined;
}

/** `undefined` for absent or empty (meaning "all"), `null` when invalid. */
function parseList<T>(
  raw: unknown, path: string, bad: Report, item: (x: unknown, path: string, bad: Report) => T | undefined,
): T[] | undefined | null {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) {
    bad(path, `must be a list, got ${describe(raw)}`);
    return null;
  }
  let ok = true;
  const out: T[] = [];
  raw.forEach((x, i) => {
    const parsed = item(x, `${path}[${i}]`, (p, m) => {
      ok = false;
      bad(p, m);
    });
    if (parsed === undefined) ok = false;
    else out.push(parsed);
  });
  if (!ok) return null;
  return out.length === 0 ? undefined : out;
}

function parsePeer(rawPeer: unknown, path: string, bad: Report): Peer | undefined {
  const raw = rawPeer === null ? {} : rawPeer; // a null item decodes to the zero value: an empty peer
  if (!isPlainObject(raw)) {
    bad(path, `a peer must be an object with podSelector, namespaceSelector or ipBlock, got ${describe(raw)}`);
    return undefined;
  }
  for (const key of Object.keys(raw)) {
    if (!['podSelector', 'namespaceSelector', 'ipBlock'].includes(key)) bad(`${path}.${key}`, 'unknown field of a peer (expected podSelector, namespaceSelector, ipBlock)');
  }
  // A field set to null is absent (a nil pointer in the API types); `{}` is present and selects everything.
  const has = (k: string) => raw[k] !== undefined && raw[k] !== null;
  const podSelector = has('podSelector') ? parseSelector(raw.podSelector, `${path}.podSelector`, bad) : undefined;
  const namespaceSelector = has('namespaceSelector') ? parseSelector(raw.namespaceSelector, `${path}.namespaceSelector`, bad) : undefined;
  const ipBlock = has('ipBlock') ? parseIpBlock(raw.ipBlock, `${path}.ipBlock`, bad) : undefined;
  const count = ['podSelector', 'namespaceSelector', 'ipBlock'].filter(has).length;
  if (count === 0) {
    bad(path, 'must specify a peer: set podSelector, namespaceSelector or ipBlock (an empty peer `{}` is rejected; leave `from`/`to` out to allow every peer)');
    return undefined;
  }
  if (count > 1 && has('ipBlock')) {
    bad(path, 'may not specify both ipBlock and another peer: use separate list items');
    return undefined;
  }
  if ((has('podSelector') && !podSelector) || (has('namespaceSelector') && !namespaceSelector) || (has('ipBlock') && !ipBlock)) return undefined;
  return { path, podSelector, namespaceSelector, ipBlock };
}

function parseIpBlock(raw: unknown, path: string, bad: Report): IpBlockPeer | undefined {
  if (!isPlainObject(raw)) {
    bad(path, `must be an object with cidr and except, got ${describe(raw)}`);
    return undefined;
  }
  if (raw.cidr === undefined || raw.cidr === null || raw.cidr === '') {
    bad(`${path}.cidr`, 'Required value: an ipBlock needs a cidr such as 10.0.0.0/8 or 2001:db8::/32');
    return undefined;
  }
  // The API server parses these with netutils.ParseCIDRSloppy: `/08` is `/8`.
  const cidr = typeof raw.cidr === 'string' ? parseCidr(raw.cidr, true) : undefined;
  if (!cidr) {
    bad(`${path}.cidr`, `${describe(raw.cidr)} is not a valid CIDR: write address/prefix, e.g. 10.0.0.0/8`);
    return undefined;
  }
  let ok = true;
  const except: Cidr[] = [];
  const rawExcept = raw.except === undefined || raw.except === null ? [] : raw.except;
  if (!Array.isArray(rawExcept)) {
    bad(`${path}.except`, `must be a list of CIDRs, got ${describe(rawExcept)}`);
    return undefined;
  }
  rawExcept.forEach((e, i) => {
    const ePath = `${path}.except[${i}]`;
    const parsed = typeof e === 'string' ? parseCidr(e, true) : undefined;
    if (!parsed) {
      ok = false;
      bad(ePath, `${describe(e)} is not a valid CIDR: write address/prefix, e.g. 10.1.0.0/16`);
      return;
    }
    // Legacy validation (ParseCIDRSloppy, net.IPNet.Contains) accepts an IPv4-mapped except in an IPv4 cidr and
    // means its IPv4 block: ::ffff:10.1.0.0/112 is 10.1.0.0/16 (issue 25 §4).
    const c = cidr.family === 4 ? mappedIpv4(parsed) ?? parsed : parsed;
    if (!cidrStrictlyContains(cidr, c)) {
      ok = false;
      // Host bits set: the API server masks them, and the masked block may be the cidr itself. Suggest the block that fits.
      const fit = c.hostBitsSet ? exceptThatFits(cidr, e, true) : undefined;
      const hint = fit
        ? `it has host bits set, so it reads as ${c.text}; write ${fit.text} (the largest block from its address inside ${cidr.text})`
        : cidrContainsCidr(cidr, c) ? 'it equals the cidr: drop the ipBlock instead' : `it is not inside ${cidr.text}`;
      bad(ePath, `${describe(e)} must be a strict subset of \`cidr\` (${raw.cidr}): ${hint}`);
      return;
    }
    except.push(c);
  });
  if (!ok) return undefined;
  const exceptText = except.map((c) => c.text).sort();
  return { cidr, except, text: exceptText.length ? `${cidr.text} except ${exceptText.join(',')}` : cidr.text };
}

function parsePort(rawPort: unknown, path: string, bad: Report): PolicyPort | undefined {
  // A null item decodes to the zero value: a port entry with neither protocol nor port (every TCP port).
  const raw = rawPort === null ? {} : rawPort;
  if (!isPlainObject(raw)) {
    bad(path, `a port must be an object with protocol, port and endPort, got ${describe(raw)}`);
    return undefined;
  }
  let ok = true;
  const fail: Report = (p, m) => {
    ok = false;
    bad(p, m);
  };
  for (const key of Object.keys(raw)) {
    if (!['protocol', 'port', 'endPort'].includes(key)) fail(`${path}.${key}`, 'unknown field of a port (expected protocol, port, endPort)');
  }
  const protocol = raw.protocol === undefined || raw.protocol === null ? 'TCP' : raw.protocol;
  if (typeof protocol !== 'string' || !PROTOCOLS.includes(protocol)) {
    fail(`${path}.protocol`, `Unsupported value: ${describe(protocol)}: supported values: "TCP", "UDP", "SCTP"`);
  }
  const port = raw.port;
  const endPort = raw.endPort === null ? undefined : raw.endPort;
  if (endPort !== undefined && (typeof endPort !== 'number' || !Number.isInteger(endPort))) {
    fail(`${path}.endPort`, `must be an integer, got ${describe(endPort)}`);
  }
  if (port === undefined || port === null) {
    if (endPort !== undefined) fail(`${path}.endPort`, 'may not be specified when `port` is not specified');
    return ok ? { protocol: protocol as string } : undefined;
  }
  if (typeof port === 'number') {
    const p = portNumberProblem(port);
    if (p) fail(`${path}.port`, p);
    if (typeof endPort === 'number') {
      if (endPort < port) fail(`${path}.endPort`, `${endPort} must be greater than or equal to \`port\` (${port})`);
      const e = portNumberProblem(endPort);
      if (e) fail(`${path}.endPort`, e);
    }
    return ok ? { protocol: protocol as string, port, endPort: endPort as number | undefined } : undefined;
  }
  if (typeof port === 'string') {
    if (endPort !== undefined) fail(`${path}.endPort`, 'may not be specified when `port` is non-numeric: a range needs a numeric port');
    const p = portNameProblem(port);
    if (p) fail(`${path}.port`, /^[0-9]+$/.test(port) ? `${p} (write the number unquoted to mean port ${port})` : p);
    return ok ? { protocol: protocol as string, name: port } : undefined;
  }
  fail(`${path}.port`, `must be a number or a port name, got ${describe(port)}`);
  return undefined;
}

/** Convenience for tests and the facade: the selector of a policy or peer as canonical text. */
export function selectorText(s: Selector | undefined): string {
  return s ? s.text : '(none)';
}

/** The controller of an object (`ownerReferences` with `controller: true`), when kind and name are well formed. */
function controllerOf(metadata: unknown): { kind: string; name: string } | undefined {
  const refs = isPlainObject(metadata) ? metadata.ownerReferences : undefined;
  if (!Array.isArray(refs)) return undefined;
  const ref = refs.find((r) => isPlainObject(r) && r.controller === true);
  if (!isPlainObject(ref) || typeof ref.kind !== 'string' || typeof ref.name !== 'string') return undefined;
  if (!/^[A-Z][A-Za-z0-9]{0,62}$/.test(ref.kind) || dns1123SubdomainProblem(ref.name) !== undefined) return undefined;
  return { kind: ref.kind, name: ref.name };
}
