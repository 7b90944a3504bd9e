/**
 * The full reachability matrix for one port, fast enough for thousands of pods and policies.
 *
 * Pods that no policy can tell apart (same namespace, same answers to every pod selector that can apply in that
 * namespace, same ipBlock memberships, same declarations of the named ports in play) form one class. Classes are
 * evaluated pairwise with bitsets (one bit per class) and the answer is expanded back to pods. Evaluating the
 * representative of a class is exact, because nothing else about a pod is visible to NetworkPolicy semantics.
 *
 * With ClusterNetworkPolicies in the input, their selectors, networks and named ports join the class signature, and
 * each pair of classes is decided tier by tier on the representatives (priorities and first-match rule order do not
 * reduce to unions of bitsets), the NetworkPolicy tier's answer taken from the bitsets; still classes squared.
 */
import { clusterPolicySelects, hostNetworkReason, ipBlockContains, isReplicated, portsMatch, resolveQueryPort, Target, tieredAllowed } from './evaluate';
import { Cluster, ClusterPolicy, Endpoint, Peer, Policy, QueryPort, Rule, Selector } from './model';
import { selectorMatches } from './selector';
import { Bits } from '../private/bits';

export interface MatrixOptions {
  /** Put every pod in a class of its own (for testing that grouping changes nothing). */
  readonly noGrouping?: boolean;
}

export interface Matrix {
  readonly endpoints: readonly Endpoint[];
  readonly classCount: number;
  /** Class index of each endpoint. */
  readonly classOf: Int32Array;
  /** True when some pair is undecidable. */
  readonly anyUndecidable: boolean;
  /**
   * Is source endpoint `i` known to be allowed to reach destination endpoint `j`? Self pairs of an endpoint that
   * stands for one pod are, when the port exists there; for an endpoint of several pods (`replicas > 1`, DaemonSets)
   * the self pair is the verdict between two different replicas. False for an undecidable pair.
   */
  allowed(i: number, j: number): boolean;
  /** Why the pair cannot be decided offline (an end uses the host network), or `undefined`. */
  undecidable(i: number, j: number): string | undefined;
  /**
   * The verdict of the policies alone, as if every end were an ordinary pod: `allowed` for a decidable pair, and for an
   * undecidable one what the policies say before the plugin's host-network behaviour (which upstream leaves undefined).
   */
  policiesAlone(i: number, j: number): boolean;
}

/** Where a selector can matter: the namespaces of the pods it may be asked about. */
interface SelectorUse {
  readonly selector: Selector;
  readonly namespaces: Set<string>;
}

export function computeMatrix(cluster: Cluster, q: QueryPort, options: MatrixOptions = {}): Matrix {
  const endpoints = cluster.endpoints;
  const namespaceNames = [...cluster.namespaces.keys()];

  // 1. Intern pod selectors with the namespaces where each can apply.
  const nsSelectorCache = new Map<string, Set<string>>();
  const namespacesMatching = (s: Selector): Set<string> => {
    let hit = nsSelectorCache.get(s.text);
    if (!hit) {
      hit = new Set(namespaceNames.filter((n) => selectorMatches(s, cluster.namespaces.get(n)!.labels)));
      nsSelectorCache.set(s.text, hit);
    }
    return hit;
  };
  const selectorIndex = new Map<string, number>();
  const uses: SelectorUse[] = [];
  const useSelector = (s: Selector, namespaces: Iterable<string>): number => {
    let i = selectorIndex.get(s.text);
    if (i === undefined) {
      i = uses.length;
      selectorIndex.set(s.text, i);
      uses.push({ selector: s, namespaces: new Set() });
    }
    for (const n of namespaces) uses[i].namespaces.add(n);
    return i;
  };
  const ipBlockIndex = new Map<string, number>();
  const ipBlocks: Peer[] = [];
  const namedPorts = new Set<string>();
  if (q.name !== undefined) namedPorts.add(`${q.protocol}/${q.name}`);
  for (const policy of cluster.policies) {
    useSelector(policy.podSelector, [policy.namespace]);
    for (const rule of [...policy.ingress, ...policy.egress]) {
      for (const entry of rule.ports ?? []) if (entry.name !== undefined) namedPorts.add(`${entry.protocol}/${entry.name}`);
      for (const peer of rule.peers ?? []) {
        if (peer.ipBlock) {
          if (!ipBlockIndex.has(peer.ipBlock.text)) {
            ipBlockIndex.set(peer.ipBlock.text, ipBlocks.length);
            ipBlocks.push(peer);
          }
        } else if (peer.podSelector) {
          useSelector(peer.podSelector, peer.namespaceSelector ? namespacesMatching(peer.namespaceSelector) : [policy.namespace]);
        }
      }
    }
  }
  // ClusterNetworkPolicies: their pod selectors (where they can apply), their networks, their named ports.
  const clusterPolicies = cluster.clusterPolicies ?? [];
  const usePods = (pods: { namespaceSelector: Selector; podSelector: Selector } | undefined) => {
    if (pods) useSelector(pods.podSelector, namespacesMatching(pods.namespaceSelector));
  };
  for (const policy of clusterPolicies) {
    usePods(policy.subjectPods);
    for (const rule of [...policy.ingress, ...policy.egress]) {
      for (const entry of rule.ports ?? []) if (entry.name !== undefined) namedPorts.add(`${entry.protocol}/${entry.name}`);
      for (const peer of rule.peers) {
        usePods(peer.pods);
        for (const cidr of peer.networks ?? []) {
          if (!ipBlockIndex.has(cidr.text)) {
            ipBlockIndex.set(cidr.text, ipBlocks.length);
            ipBlocks.push({ path: peer.path, ipBlock: { cidr, except: [], text: cidr.text } });
          }
        }
      }
    }
  }
  const namedPortList = [...namedPorts].sort();

  // 2. Signature of each endpoint; equal signatures share a class.
  const usesByNamespace = new Map<string, number[]>();
  uses.forEach((u, i) => {
    for (const n of u.namespaces) {
      if (!usesByNamespace.has(n)) usesByNamespace.set(n, []);
      usesByNamespace.get(n)!.push(i);
    }
  });
  const matchedSelectors: Set<number>[] = [];
  const classIndex = new Map<string, number>();
  const reps: number[] = [];
  const classOf = new Int32Array(endpoints.length);
  endpoints.forEach((e, i) => {
    const matched = new Set<number>();
    for (const s of usesByNamespace.get(e.namespace) ?? []) if (selectorMatches(uses[s].selector, e.labels)) matched.add(s);
    matchedSelectors.push(matched);
    let key: string;
    if (options.noGrouping) {
      key = e.id;
    } else {
      const ipBits = e.ips.length === 0 ? '' : ipBlocks.map((p, k) => (e.ips.some((ip) => ipBlockContains(p.ipBlock!, ip)) ? k : -1)).filter((k) => k >= 0).join(',');
      const portSig = namedPortList.map((np) => {
        const [protocol, name] = [np.slice(0, np.indexOf('/')), np.slice(np.indexOf('/') + 1)];
        return e.ports.filter((p) => p.name === name && p.protocol === protocol).map((p) => p.port).join('+');
      }).join(',');
      key = `${e.namespace}|${[...matched].join(',')}|${ipBits}|${portSig}`;
    }
    let c = classIndex.get(key);
    if (c === undefined) {
      c = reps.length;
      classIndex.set(key, c);
      reps.push(i);
    }
    classOf[i] = c;
  });
  const C = reps.length;
  const repTarget: Target[] = reps.map((i) => ({ endpoint: endpoints[i], id: endpoints[i].id }));
  const classesByNamespace = new Map<string, number[]>();
  reps.forEach((i, c) => {
    const n = endpoints[i].namespace;
    if (!classesByNamespace.has(n)) classesByNamespace.set(n, []);
    classesByNamespace.get(n)!.push(c);
  });

  // 3. Per class: the port number the query means there.
  const portOf = new Int32Array(C).fill(-1);
  const resolvable = new Bits(C);
  reps.forEach((_, c) => {
    const r = resolveQueryPort(q, repTarget[c]);
    if (r.port !== undefined) {
      portOf[c] = r.port;
      resolvable.set(c);
    }
  });

  // 4. Bitset of the classes each peer matches (as the other end of a flow).
  const peerBitsCache = new Map<Peer, Bits>();
  const peerBits = (policy: Policy, peer: Peer): Bits => {
    let bits = peerBitsCache.get(peer);
    if (bits) return bits;
    bits = new Bits(C);
    if (peer.ipBlock) {
      for (let c = 0; c < C; c++) if (endpoints[reps[c]].ips.some((ip) => ipBlockContains(peer.ipBlock!, ip))) bits.set(c);
    } else {
      const nsList = peer.namespaceSelector ? [...namespacesMatching(peer.namespaceSelector)] : [policy.namespace];
      const sel = peer.podSelector ? selectorIndex.get(peer.podSelector.text)! : -1;
      for (const n of nsList) {
        for (const c of classesByNamespace.get(n) ?? []) {
          if (sel < 0 || matchedSelectors[reps[c]].has(sel)) bits.set(c);
        }
      }
    }
    peerBitsCache.set(peer, bits);
    return bits;
  };
  const ALL = Bits.all(C);
  const ruleBitsCache = new Map<Rule, Bits>();
  const rulePeers = (policy: Policy, rule: Rule): Bits => {
    if (rule.peers === undefined) return ALL;
    let bits = ruleBitsCache.get(rule);
    if (!bits) {
      bits = new Bits(C);
      for (const p of rule.peers) bits.or(peerBits(policy, p));
      ruleBitsCache.set(rule, bits);
    }
    return bits;
  };
  const portOkOf = (rule: Rule, c: number) => resolvable.has(c) && portsMatch(rule, q.protocol, portOf[c], repTarget[c]);

  // 5. Which policies select each class, per direction.
  const ingressPolicies: Policy[][] = Array.from({ length: C }, () => []);
  const egressPolicies: Policy[][] = Array.from({ length: C }, () => []);
  for (const policy of cluster.policies) {
    if (!policy.isolatesIngress && !policy.isolatesEgress) continue;
    const sel = selectorIndex.get(policy.podSelector.text)!;
    for (const c of classesByNamespace.get(policy.namespace) ?? []) {
      if (!matchedSelectors[reps[c]].has(sel)) continue;
      if (policy.isolatesIngress) ingressPolicies[c].push(policy);
      if (policy.isolatesEgress) egressPolicies[c].push(policy);
    }
  }

  // 6. Ingress: the source classes each destination class admits.
  const ingressFrom: Bits[] = [];
  for (let b = 0; b < C; b++) {
    if (ingressPolicies[b].length === 0) {
      ingressFrom.push(ALL);
      continue;
    }
    const acc = new Bits(C);
    for (const policy of ingressPolicies[b]) {
      for (const rule of policy.ingress) if (portOkOf(rule, b)) acc.or(rulePeers(policy, rule));
    }
    ingressFrom.push(acc);
  }

  // 7. Egress: the destination classes each source class may reach (peer and port both depend on the destination).
  const portOkCache = new Map<Rule, Bits>();
  const rulePortOk = (rule: Rule): Bits => {
    let bits = portOkCache.get(rule);
    if (!bits) {
      bits = new Bits(C);
      for (let c = 0; c < C; c++) if (portOkOf(rule, c)) bits.set(c);
      portOkCache.set(rule, bits);
    }
    return bits;
  };
  const egressTo: Bits[] = [];
  for (let a = 0; a < C; a++) {
    if (egressPolicies[a].length === 0) {
      egressTo.push(ALL);
      continue;
    }
    const acc = new Bits(C);
    for (const policy of egressPolicies[a]) {
      for (const rule of policy.egress) acc.orAnd(rulePeers(policy, rule), rulePortOk(rule));
    }
    egressTo.push(acc);
  }

  // 8. Class pairs.
  const classAllowed = new Uint8Array(C * C);
  if (clusterPolicies.length > 0) {
    // Tiers: Admin, then NetworkPolicy (the bitsets above, for classes it isolates), then Baseline, then allow.
    const selecting: ClusterPolicy[][] = reps.map((i) => clusterPolicies.filter((p) => clusterPolicySelects(cluster, p, endpoints[i])));
    for (let a = 0; a < C; a++) {
      const src = endpoints[reps[a]];
      for (let b = 0; b < C; b++) {
        if (!resolvable.has(b)) continue;
        const np = egressPolicies[a].length > 0 ? egressTo[a].has(b) : undefined;
        if (!tieredAllowed(cluster, 'egress', src, repTarget[b], repTarget[b], q.protocol, portOf[b], np, selecting[a])) continue;
        const npIn = ingressPolicies[b].length > 0 ? ingressFrom[b].has(a) : undefined;
        if (tieredAllowed(cluster, 'ingress', endpoints[reps[b]], repTarget[a], repTarget[b], q.protocol, portOf[b], npIn, selecting[b])) classAllowed[a * C + b] = 1;
      }
    }
  } else {
    for (let a = 0; a < C; a++) {
      const out = egressTo[a];
      for (let b = 0; b < C; b++) {
        if (resolvable.has(b) && out.has(b) && ingressFrom[b].has(a)) classAllowed[a * C + b] = 1;
      }
    }
  }
  // 9. The diagonal: a pod to itself is always allowed (when the port exists there); an endpoint of several pods
  // means two different replicas, which is its class paired with itself. Host-network ends are undecidable, except
  // for a pod to itself; like the evaluator, a port the destination lacks is a decided "denied".
  const replicated = new Uint8Array(endpoints.length);
  endpoints.forEach((e, i) => { replicated[i] = isReplicated(e) ? 1 : 0; });
  const hostNetwork = endpoints.some((e) => e.hostNetwork);
  // The reason of a pair with one host-network end depends on that end only: built once per such end.
  const reasons = new Map<number, string>();
  const undecidable = (i: number, j: number): string | undefined => {
    if (!hostNetwork || (!endpoints[i].hostNetwork && !endpoints[j].hostNetwork)) return undefined;
    if ((i === j && !replicated[i]) || !resolvable.has(classOf[j])) return undefined;
    if (i !== j && endpoints[i].hostNetwork && endpoints[j].hostNetwork) return hostNetworkReason(targetOf(endpoints[i]), targetOf(endpoints[j]));
    const k = endpoints[i].hostNetwork ? i : j;
    let reason = reasons.get(k);
    if (reason === undefined) reasons.set(k, (reason = hostNetworkReason(targetOf(endpoints[k]), targetOf(endpoints[k]))!));
    return reason;
  };
  const classPair = (i: number, j: number) => classAllowed[classOf[i] * C + classOf[j]] === 1;
  const policiesAlone = (i: number, j: number) => (i === j && !replicated[i] ? resolvable.has(classOf[i]) : classPair(i, j));
  return {
    endpoints,
    classCount: C,
    classOf,
    anyUndecidable: hostNetwork && endpoints.some((e, h) => e.hostNetwork
      && endpoints.some((_, j) => undecidable(h, j) !== undefined || undecidable(j, h) !== undefined)),
    undecidable,
    policiesAlone,
    allowed: (i, j) => !(hostNetwork && undecidable(i, j) !== undefined) && policiesAlone(i, j),
  };
}

function targetOf(e: Endpoint): Target {
  return { endpoint: e, id: e.id };
}
