import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Connection, StandInEndpoint, UndecidableEndpoint } from './api';
import { allowedPortsOf } from './convert';
import { ConnectionAnalysis, standInEndpoints, standInOf, undecidableEnd } from '../analysis/connections';
import { parseManifestText, SourcedObject } from '../manifests/decode';
import { applyNamespace, namespaceOptionProblem } from '../manifests/namespace';
import { IPeer, isPeer } from '../model/peer';
import { Port } from '../model/port';
import { portSetText } from '../model/port-set';
import { parseIp } from '../private/cidr';
import { quote } from '../private/text';
import { ReplayReport } from '../replay/api';
import { forEachLine } from '../replay/flows';
import { Replayer } from '../replay/replay';
import { evaluateFlow, explainFlow, isReplicated, Target } from '../semantics/evaluate';
import { loadCluster } from '../semantics/load';
import { computeMatrix, Matrix } from '../semantics/matrix';
import { matrixLines } from '../semantics/matrix-text';
import { Cluster, Endpoint, InvalidManifestsError, Problem, QueryPort } from '../semantics/model';
import { peerEnds } from '../semantics/peers';
import { namedPods, planStandIns, StandIn, withStandIns } from '../semantics/stand-ins';

/**
 * What a set of Kubernetes manifests lets through, evaluated offline with networking.k8s.io/v1 semantics.
 *
 * ClusterNetworkPolicies (policy.networking.k8s.io/v1alpha2) in the input are evaluated with their tiers: the Admin
 * tier first (by priority, first matching rule; Pass hands the decision to NetworkPolicy), then NetworkPolicy for
 * the pods it isolates, then the Baseline tier, then the default (allow).
 *
 * Endpoints are named `namespace/name`: a Pod, or a workload (Deployment, StatefulSet, DaemonSet, ReplicaSet,
 * ReplicationController, Job, CronJob) standing for the pods of its template. A source or destination may also be an IP address, for traffic
 * from or to outside the cluster: only the pod end's policies apply then. Objects the API server would reject make
 * the factories throw, listing file (or chart), object and field; nothing is evaluated silently.
 *
 * A workload of several pods (`spec.replicas` above 1, a DaemonSet) to itself means two of its replicas, which the
 * policies decide like any other pair. A flow to or from a pod that uses the host network cannot be decided offline
 * (upstream leaves NetworkPolicy behaviour for such pods undefined): `isAllowed` answers false, `undecidableReason`
 * says why, and `allows` and `denies` both throw.
 *
 * @example
 * const reach = Reachability.of(this);
 * reach.allows('shop/frontend', 'shop/backend', Port.tcp(8080));
 * reach.denies('shop/frontend', 'shop/db', Port.tcp(5432));
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
export class Reachability {
  /**
   * Evaluates every Chart in a construct tree: the scope itself if it is a Chart, and every Chart below it.
   *
   * Synthesizes the charts with `chart.toJson()`, so the app's validations run first.
   */
  public static of(scope: IConstruct): Reachability {
    const charts = scope.node.findAll().filter((c): c is Chart => Chart.isChart(c));
    if (charts.length === 0) {
      throw new Error(`Reachability.of(${scope.node.path || '<app>'}): no Chart found in this construct tree: pass a Chart or an App that contains charts`);
    }
    const objects: SourcedObject[] = [];
    for (const chart of charts) {
      const source = `chart ${chart.node.path}`;
      for (const object of chart.toJson()) objects.push({ object, source });
    }
    return Reachability._load(objects);
  }

  /**
   * Evaluates Kubernetes objects given as plain JSON values (`List` objects are unwrapped).
   *
   * @param objects the manifests, e.g. parsed YAML documents
   * @param namespaceName the namespace of objects that name none, as `kubectl apply -n`; `default` when left out
   */
  public static fromObjects(objects: any[], namespaceName?: string): Reachability {
    if (!Array.isArray(objects)) {
      throw new InvalidManifestsError([{ source: 'objects', object: '', path: '', message: 'must be a list of Kubernetes objects', category: 'object' }]);
    }
    return Reachability._load(...withNamespace(objects.map((object, i) => ({ object, source: `objects[${i}]` })), [], namespaceName));
  }

  /**
   * Evaluates the Kubernetes objects in a YAML or JSON text with any number of `---` separated documents.
   *
   * @param text the manifests
   * @param sourceName the name used in error messages, e.g. a file name; `<yaml>` when left out
   * @param namespaceName the namespace of objects that name none, as `kubectl apply -n` (an object naming another one
   * is an error); `default` when left out
   */
  public static fromYaml(text: string, sourceName?: string, namespaceName?: string): Reachability {
    const problems: Problem[] = [];
    if (typeof text !== 'string') {
      throw new InvalidManifestsError([{ source: sourceName ?? '<yaml>', object: '', path: '', message: 'the manifests must be given as a string', category: 'read' }]);
    }
    const objects = parseManifestText(text, sourceName ?? '<yaml>', problems);
    return Reachability._load(...withNamespace(objects, problems, namespaceName));
  }

  /**
   * Loads sourced objects; throws one error listing every problem.
   * @internal
   */
  public static _load(objects: SourcedObject[], earlier: Problem[] = []): Reachability {
    const { cluster, problems, notes } = loadCluster(objects);
    const all = [...earlier, ...problems];
    if (all.length > 0) throw new InvalidManifestsError(all);
    return new Reachability(cluster, notes);
  }


  private readonly cluster: Cluster;
  private byIdMap?: Map<string, Endpoint>;
  private readonly matrices = new Map<string, Matrix>();
  /** The cluster with a stand-in for each peer its policies name and it holds no pod of; built once. */
  private namedPodsCluster?: Cluster;
  /** The same, with the stand-ins of the peers that `allowsFlow` and friends were asked about, by their ids. */
  private readonly withPeers = new Map<string, Cluster>();
  private connectionAnalysis?: ConnectionAnalysis;

  private readonly notes: readonly Problem[];

  private constructor(cluster: Cluster, notes: readonly Problem[] = []) {
    this.cluster = cluster;
    this.notes = notes;
  }
  /**
   * What the input says twice (the same object in two places; the later one is used, as kubectl apply does).
   * @internal
   */
  public _notes(): readonly Problem[] {
    return this.notes;
  }


  /**
   * Whether every pod of `source` may reach every pod of `destination` on `port`.
   *
   * Peers are Tiers, ZeroTrustNamespaces or `Peer` values. A peer stands for the pods of the input that it selects;
   * when the input holds none (an ingress controller, Prometheus, pods of another team), for a stand-in pod built
   * from its selectors; an address block stands for one address inside it, outside its exceptions.
   */
  public isFlowAllowed(source: IPeer, destination: IPeer, port: Port): boolean {
    return this.flowVerdicts(source, destination, port).every((v) => v.allowed && v.undecidable === undefined);
  }

  /**
   * Asserts that every pod of `source` may reach every pod of `destination` on `port`; throws with the explanation of
   * each denied pair otherwise. For tests: `reach.allowsFlow(web, api, Port.tcp(8080))`.
   */
  public allowsFlow(source: IPeer, destination: IPeer, port: Port): void {
    const verdicts = this.flowVerdicts(source, destination, port);
    const denied = verdicts.filter((v) => !v.allowed && v.undecidable === undefined);
    const undecidable = verdicts.filter((v) => v.undecidable !== undefined);
    if (denied.length + undecidable.length > 0) {
      throw new Error(`expected ${source.peerId} -> ${destination.peerId} on ${port} to be allowed, but ${failedPairs(denied.length, undecidable.length)}:\n`
        + `${[...denied, ...undecidable].map((v) => v.explain()).join('\n')}`);
    }
  }

  /**
   * Asserts that no pod of `source` may reach any pod of `destination` on `port`; throws with the explanation of each
   * allowed pair otherwise.
   */
  public deniesFlow(source: IPeer, destination: IPeer, port: Port): void {
    const verdicts = this.flowVerdicts(source, destination, port);
    const allowed = verdicts.filter((v) => v.allowed);
    const undecidable = verdicts.filter((v) => v.undecidable !== undefined);
    if (allowed.length + undecidable.length > 0) {
      throw new Error(`expected ${source.peerId} -> ${destination.peerId} on ${port} to be denied, but ${failedPairs(allowed.length, undecidable.length, 'allowed')}:\n`
        + `${[...allowed, ...undecidable].map((v) => v.explain()).join('\n')}`);
    }
  }

  private flowVerdicts(source: IPeer, destination: IPeer, port: Port): { allowed: boolean; undecidable?: string; explain: () => string }[] {
    for (const [what, peer] of [['source', source], ['destination', destination]] as const) {
      if (!isPeer(peer)) throw new Error(`${what} ${JSON.stringify(peer)} is not a peer: pass a Tier, a ZeroTrustNamespace or a Peer value`);
    }
    const full = this._withStandIns();
    const src = peerEnds(full, source._peerSpec());
    const dst = peerEnds(full, destination._peerSpec());
    const extra = [src.standIn, dst.standIn].filter((x): x is StandIn => x !== undefined);
    let cluster = full;
    if (extra.length > 0) {
      const key = extra.map((x) => x.endpoint.id).join('\u0000');
      let known = this.withPeers.get(key);
      if (!known) this.withPeers.set(key, (known = withStandIns(full, extra)));
      cluster = known;
    }
    const byId = new Map(cluster.endpoints.map((e) => [e.id, e]));
    const target = (id: string): Target => (byId.has(id) ? { endpoint: byId.get(id)!, id } : { ip: parseIp(id)!, id });
    const ends = (e: typeof src) => [...e.endpointIds, ...e.addresses, ...(e.standIn ? [e.standIn.endpoint.id] : [])];
    const out: { allowed: boolean; undecidable?: string; explain: () => string }[] = [];
    const q = queryPort(port);
    for (const a of ends(src)) {
      for (const b of ends(dst)) {
        // A pod to itself is always allowed; a workload of several pods to itself is two of its replicas.
        if (a === b && !(byId.has(a) && isReplicated(byId.get(a)!))) continue;
        const v = evaluateFlow(cluster, target(a), target(b), q);
        out.push({ allowed: v.allowed, undecidable: v.undecidable, explain: () => explainFlow(cluster, target(a), target(b), q) });
      }
    }
    return out;
  }

  /**
   * Every pod and workload, as sorted `namespace/name` strings.
   */
  public endpoints(): string[] {
    return this.cluster.endpoints.map((e) => e.id);
  }

  /**
   * Whether a connection from `source` to `destination` on `port` is known to be allowed.
   *
   * False when it is denied, and when it cannot be decided offline (an end uses the host network: see
   * `undecidableReason`), so a test never passes on a guess. A workload of several pods (`spec.replicas` above 1, a
   * DaemonSet) to itself means two of its replicas; a pod to itself is always allowed.
   *
   * @param source `namespace/name` of a pod or workload, or an IP address outside the cluster
   * @param destination `namespace/name` of a pod or workload, or an IP address
   * @param port one port (a number, or a name resolved on the destination); not a range
   */
  public isAllowed(source: string, destination: string, port: Port): boolean {
    return evaluateFlow(this._withStandIns(), this.target(source), this.target(destination), queryPort(port)).allowed;
  }

  /**
   * Why a connection cannot be decided offline, or `undefined` when it can.
   *
   * A flow to or from a pod that uses the host network (`spec.hostNetwork: true`) cannot: upstream leaves the
   * behaviour of NetworkPolicy for such pods undefined, and most network plugins cannot tell their traffic from
   * their node's. `isAllowed` answers false for such a flow, and `allows` and `denies` both throw.
   *
   * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-and-hostnetwork-pods
   */
  public undecidableReason(source: string, destination: string, port: Port): string | undefined {
    return evaluateFlow(this._withStandIns(), this.target(source), this.target(destination), queryPort(port)).undecidable;
  }

  /**
   * Why a connection is allowed or denied: which policies isolate each end and which rules allow it.
   */
  public explain(source: string, destination: string, port: Port): string {
    return explainFlow(this._withStandIns(), this.target(source), this.target(destination), queryPort(port));
  }

  /**
   * Asserts that the connection is allowed; throws an Error with the explanation otherwise (also when it cannot be
   * decided offline). For tests.
   */
  public allows(source: string, destination: string, port: Port): void {
    const v = evaluateFlow(this._withStandIns(), this.target(source), this.target(destination), queryPort(port));
    if (!v.allowed) {
      const what = v.undecidable !== undefined ? 'it cannot be decided offline' : 'it is denied';
      throw new Error(`expected ${source} -> ${destination} on ${port} to be allowed, but ${what}:\n${this.explain(source, destination, port)}`);
    }
  }

  /**
   * Asserts that the connection is denied; throws an Error with the explanation otherwise (also when it cannot be
   * decided offline). For tests.
   */
  public denies(source: string, destination: string, port: Port): void {
    const v = evaluateFlow(this._withStandIns(), this.target(source), this.target(destination), queryPort(port));
    if (v.allowed || v.undecidable !== undefined) {
      const what = v.undecidable !== undefined ? 'it cannot be decided offline' : 'it is allowed';
      throw new Error(`expected ${source} -> ${destination} on ${port} to be denied, but ${what}:\n${this.explain(source, destination, port)}`);
    }
  }

  /**
   * The matrix for one port as fixed-width text.
   *
   * A row per source, a column per destination (numbered, with a legend), `✓` allowed, `·` denied and `?` undecidable
   * offline (an end uses the host network; a line under the table says why). Self pairs are included: a pod to itself
   * is allowed, and a workload of several pods to itself is the verdict between two of its replicas. Deterministic, so
   * it works as a jest snapshot.
   */
  public matrix(port: Port): string {
    const lines: string[] = [];
    matrixLines(this.matrixOf(port), String(port), (l) => lines.push(l));
    return lines.join('\n') + '\n';
  }

  /**
   * Every allowed flow between two different pods on one port, as sorted `"a/b -> c/d"` strings.
   *
   * A workload of several pods appears with itself (`"ns/web -> ns/web"`) when two of its replicas may connect.
   * Undecidable flows (see `undecidableReason`) are left out.
   */
  public allowedFlows(port: Port): string[] {
    const m = this.matrixOf(port);
    const out: string[] = [];
    m.endpoints.forEach((a, i) => m.endpoints.forEach((b, j) => {
      if ((i !== j || isReplicated(a)) && m.allowed(i, j)) out.push(`${a.id} -> ${b.id}`);
    }));
    return out;
  }

  /**
   * Every connection allowed between two different ends, over every protocol and port, from one analysis.
   *
   * Ends are the pods and workloads (`namespace/name`); a stand-in for each peer the policies name and the input holds
   * no pod of (an ingress controller, DNS: see `standIns()`, and `sourceStandIn`/`destinationStandIn` on each
   * connection); and the blocks of addresses outside the cluster that the ipBlocks of the input tell apart: exact sets
   * of addresses that cover every IPv4 and every IPv6 address, each named by its addresses (e.g.
   * `0.0.0.0/0 except 10.0.0.0/8`, `::/0`). Named ports are resolved on each destination. Pairs with nothing allowed
   * are left out; sorted by source then destination, pods before address blocks. A workload of several pods appears with itself when two of
   * its replicas may connect. The pairs of an end that uses the host network cannot be decided offline and are left
   * out: `undecidableEndpoints()` lists those ends. Use `c.text` for a snapshot.
   */
  public connections(): Connection[] {
    const out: Connection[] = [];
    this._connections().forEach((from, to, set) => {
      if (from.endpoint?.hostNetwork || to.endpoint?.hostNetwork) return; // undecidable: listed by undecidableEndpoints()
      out.push({
        source: from.id,
        destination: to.id,
        allowed: allowedPortsOf(set),
        text: `${from.id} -> ${to.id}: ${portSetText(set)}`,
        ...(standInOf(from.endpoint) !== undefined ? { sourceStandIn: standInOf(from.endpoint) } : {}),
        ...(standInOf(to.endpoint) !== undefined ? { destinationStandIn: standInOf(to.endpoint) } : {}),
      });
    });
    return out;
  }

  /**
   * The stand-ins `connections()` lists, sorted by id: a pod for each peer the policies name (an ingress controller,
   * DNS, Prometheus) that matches no pod or workload of the input, with labels that satisfy its selectors, in a
   * namespace that satisfies its namespace selector (or the namespace it names). The policies of the input apply to
   * it as to any pod of its namespace; it declares no container port, so a named port never resolves on it.
   */
  public standIns(): StandInEndpoint[] {
    return standInEndpoints(this._withStandIns().endpoints);
  }

  /**
   * The pods and workloads whose connections cannot be decided offline, with the reason, sorted by id.
   *
   * Those that use the host network (`spec.hostNetwork: true`): upstream leaves the behaviour of NetworkPolicy for
   * them undefined. `connections()` leaves their pairs out.
   */
  public undecidableEndpoints(): UndecidableEndpoint[] {
    return this._connections().ends.flatMap((e) => {
      const reason = undecidableEnd(e);
      return reason === undefined ? [] : [{ endpoint: e.id, reason }];
    });
  }

  /**
   * Replays recorded traffic against these manifests, taken as the candidate policies and the cluster's objects
   * (`kubectl get ns,nodes,pods -A -o yaml` with the synthesized policies): which connections that worked when they
   * were recorded the policies would deny (`breaks`), what they allow between the observed pods that nobody used, and
   * what the recording covers (time window, silent nodes, workloads never seen, lines skipped by reason).
   *
   * @param flows a Hubble flow export as text: `hubble observe -o json` (or `-o jsonpb`) lines, legacy bare Flow lines,
   * or Hubble exporter lines, one JSON object per line; lines that name no connection are counted, never an error
   * @see docs/replay.md
   */
  public replay(flows: string): ReplayReport {
    if (typeof flows !== 'string') throw new Error('replay(flows): give the flow export as text, one JSON object per line');
    const replayer = new Replayer(this.cluster);
    forEachLine(flows, (line) => replayer.add(line));
    return replayer.report();
  }

  /**
   * The connection analysis, computed once.
   * @internal
   */
  public _connections(): ConnectionAnalysis {
    if (!this.connectionAnalysis) this.connectionAnalysis = new ConnectionAnalysis(this._withStandIns());
    return this.connectionAnalysis;
  }

  /**
   * The matrix for a port, computed once.
   * @internal
   */
  public _matrix(port: Port): Matrix {
    return this.matrixOf(port);
  }

  /** @internal */
  public _cluster(): Cluster {
    return this.cluster;
  }

  /**
   * A query end by text (`namespace/name` or an IP), as the queries read it; throws for an unknown end.
   * @internal
   */
  public _target(text: string): Target {
    return this.target(text);
  }

  /**
   * The cluster with a stand-in for every peer its policies name and it holds no pod of (stand-ins.ts): what
   * `connections()` lists and single flows are evaluated on. The matrix and `endpoints()` keep to the input's pods.
   * @internal
   */
  public _withStandIns(): Cluster {
    if (!this.namedPodsCluster) this.namedPodsCluster = withStandIns(this.cluster, planStandIns([this.cluster], namedPods(this.cluster)));
    return this.namedPodsCluster;
  }

  private get byId(): Map<string, Endpoint> {
    if (!this.byIdMap) this.byIdMap = new Map(this._withStandIns().endpoints.map((e) => [e.id, e]));
    return this.byIdMap;
  }

  private matrixOf(port: Port): Matrix {
    const q = queryPort(port);
    const key = `${q.protocol}/${q.name ?? q.port}`;
    let m = this.matrices.get(key);
    if (!m) {
      m = computeMatrix(this.cluster, q);
      this.matrices.set(key, m);
    }
    return m;
  }

  private target(text: string): Target {
    const endpoint = this.byId.get(text);
    if (endpoint) return { endpoint, id: endpoint.id };
    const ip = parseIp(text);
    if (ip) {
      // An IP that belongs to a known pod is that pod: its policies apply.
      const owner = this._withStandIns().endpoints.find((e) => e.ips.some((x) => x.family === ip.family && x.value === ip.value));
      return owner ? { endpoint: owner, id: owner.id } : { ip, id: text };
    }
    const known = this._withStandIns().endpoints.map((e) => e.id);
    throw new Error(
      `unknown endpoint ${quote(text)}: use namespace/name of a pod or workload, or an IP address. ` +
      `Known endpoints: ${known.length ? known.join(', ') : '(none)'}`,
    );
  }
}

/** `2 pair(s) are denied and 1 cannot be decided offline` */
function failedPairs(wrong: number, undecidable: number, verdict = 'denied'): string {
  const parts = [...(wrong > 0 ? [`${wrong} pair(s) are ${verdict}`] : []), ...(undecidable > 0 ? [`${undecidable} pair(s) cannot be decided offline`] : [])];
  return parts.join(' and ');
}

/** One port of one protocol: what a single connection targets. */
function queryPort(port: Port): QueryPort {
  const problems = port._problems();
  if (problems.length > 0) throw new Error(`invalid port ${port}: ${problems.join('; ')}`);
  if (port.name !== undefined) return { protocol: port.protocol, name: port.name };
  if (port.number === undefined || (port.endPort !== undefined && port.endPort !== port.number)) {
    throw new Error(`a connection goes to one port, got ${port}: query a single port such as Port.tcp(80) or Port.named('http')`);
  }
  return { protocol: port.protocol, port: port.number };
}

/** Applies `-n` (when given) to the objects; a bad namespace or a conflicting object is a problem. */
function withNamespace(objects: SourcedObject[], problems: Problem[], namespace: string | undefined): [SourcedObject[], Problem[]] {
  if (namespace === undefined) return [objects, problems];
  const all = [...problems];
  const bad = namespaceOptionProblem(String(namespace));
  if (bad) {
    all.push({ source: 'namespace', object: '', path: '', message: bad.replace('--namespace', 'namespace'), category: 'read' });
    return [objects, all];
  }
  return [applyNamespace(objects, namespace, all), all];
}
