import * as ps from '../../model/port-set';
import { cidrContainsCidr, cidrsOverlap } from '../../private/cidr';
import { NAMESPACE_NAME_LABEL } from '../../semantics/load';
import { Cluster, Peer, Policy, Rule } from '../../semantics/model';
import { selectorMatches } from '../../semantics/selector';
import { isEmptySelector, list, policiesIn, policyObject, selectorCovers } from '../helpers';
import { LintRule, RawFinding } from '../model';
import { LintSeverity } from '../severity';

/** `outer` matches at least every connection `inner` matches, judged from the text of both (never from the input's pods). */
function peerContains(cluster: Cluster, namespace: string, outer: Peer, inner: Peer): boolean {
  if (inner.ipBlock || outer.ipBlock) {
    if (!inner.ipBlock || !outer.ipBlock) return false;
    const i = inner.ipBlock;
    return cidrContainsCidr(outer.ipBlock.cidr, i.cidr)
      && outer.ipBlock.except.every((e) => !cidrsOverlap(e, i.cidr) || i.except.some((x) => cidrContainsCidr(x, e)));
  }
  if (inner.namespaceSelector) {
    if (!outer.namespaceSelector || !selectorCovers(outer.namespaceSelector, inner.namespaceSelector)) return false;
  } else if (outer.namespaceSelector && !isEmptySelector(outer.namespaceSelector)) {
    // inner is the policy's own namespace: outer must select it for sure (its labels known, or selected by name).
    const ns = cluster.namespaces.get(namespace);
    const known = ns !== undefined && (ns.declared || outer.namespaceSelector.requirements.every((r) => r.key === NAMESPACE_NAME_LABEL));
    if (!known || !selectorMatches(outer.namespaceSelector, ns.labels)) return false;
  }
  if (outer.podSelector === undefined) return true;
  if (inner.podSelector === undefined) return isEmptySelector(outer.podSelector);
  return selectorCovers(outer.podSelector, inner.podSelector);
}

/** A rule's port spec, and the number of its canonical text (equal specs, equal numbers). */
interface InternedSpec { readonly spec: ps.PortSpec; readonly id: number }
const SPECS = new WeakMap<Rule, InternedSpec>();
const SPEC_IDS = new Map<string, number>();
function specOf(rule: Rule): InternedSpec {
  let interned = SPECS.get(rule);
  if (!interned) {
    const spec = ps.portSpecOf(rule.ports);
    const text = `${ps.portSetText(spec.numbers)} ${[...spec.names].sort().join(',')}`;
    let id = SPEC_IDS.get(text);
    if (id === undefined) SPEC_IDS.set(text, (id = SPEC_IDS.size));
    SPECS.set(rule, (interned = { spec, id }));
  }
  return interned;
}

/**
 * Port containment of two specs, decided once per pair of distinct specs: a rule set holds few distinct port lists
 * (a generated one, a handful), and NP015 asks the question once per pair of rules that may contain one another.
 */
const SPEC_CONTAINS = new Map<number, Map<number, boolean>>();
function specContains(outer: InternedSpec, inner: InternedSpec): boolean {
  let row = SPEC_CONTAINS.get(outer.id);
  if (!row) SPEC_CONTAINS.set(outer.id, (row = new Map()));
  let hit = row.get(inner.id);
  if (hit === undefined) row.set(inner.id, (hit = ps.specContains(outer.spec, inner.spec)));
  return hit;
}

function ruleContains(cluster: Cluster, namespace: string, outer: Rule, inner: Rule, s: Strategy): boolean {
  // Port sets, not entry by entry: 80-90 and 91-100 together contain 85-95. Checked first: it is the cheaper test,
  // and both must hold.
  if (!s.ports(outer, inner)) return false;
  return outer.peers === undefined
    || (inner.peers !== undefined && inner.peers.every((i) => outer.peers!.some((o) => peerContains(cluster, namespace, o, i))));
}

/**
 * The policies of a namespace whose podSelector covers `inner`, in id order (the order of `policiesIn`). Containment
 * depends on the selectors alone and a selector's text is canonical (equal for equal requirement sets), so it is
 * decided once per pair of distinct selector texts of the namespace, not once per pair of policies: with thousands of
 * policies over a few dozen selectors, that is what keeps the rule linear in the policies of a namespace.
 */
const COVERING = new WeakMap<Cluster, Map<string, Map<string, readonly Policy[]>>>();
function coveringPolicies(cluster: Cluster, namespace: string, inner: Policy['podSelector']): readonly Policy[] {
  let byNamespace = COVERING.get(cluster);
  if (!byNamespace) COVERING.set(cluster, (byNamespace = new Map()));
  let byInner = byNamespace.get(namespace);
  if (!byInner) byNamespace.set(namespace, (byInner = new Map()));
  let hit = byInner.get(inner.text);
  if (hit) return hit;
  const all = policiesIn(cluster, namespace);
  const covers = new Map<string, boolean>();
  for (const q of all) if (!covers.has(q.podSelector.text)) covers.set(q.podSelector.text, selectorCovers(q.podSelector, inner));
  hit = all.filter((q) => covers.get(q.podSelector.text));
  byInner.set(inner.text, hit);
  return hit;
}

/** How the two containment questions are answered: the fast path and the reference answer them alike. */
interface Strategy {
  /** The policies of `p`'s namespace whose podSelector covers `p`'s, in id order. */
  readonly covering: (cluster: Cluster, p: Policy) => readonly Policy[];
  /** True when the ports of rule `outer` contain those of rule `inner`. */
  readonly ports: (outer: Rule, inner: Rule) => boolean;
}

const FAST: Strategy = {
  covering: (cluster, p) => coveringPolicies(cluster, p.namespace, p.podSelector),
  ports: (outer, inner) => specContains(specOf(outer), specOf(inner)),
};

/** The reference: every policy of the namespace compared with `p` each time, every pair of port lists computed. */
const REFERENCE: Strategy = {
  covering: (cluster, p) => policiesIn(cluster, p.namespace).filter((q) => selectorCovers(q.podSelector, p.podSelector)),
  ports: (outer, inner) => ps.specContains(ps.portSpecOf(outer.ports), ps.portSpecOf(inner.ports)),
};

/** The policies that make `p` redundant, or undefined when it is not. */
function coveredBy(cluster: Cluster, p: Policy, pool: ReadonlySet<Policy>, s: Strategy): Policy[] | undefined {
  const used = new Set<Policy>();
  const directions = [
    { on: p.isolatesIngress, rules: p.ingress, isolates: (q: Policy) => q.isolatesIngress, rulesOf: (q: Policy) => q.ingress },
    { on: p.isolatesEgress, rules: p.egress, isolates: (q: Policy) => q.isolatesEgress, rulesOf: (q: Policy) => q.egress },
  ];
  if (!p.isolatesIngress && !p.isolatesEgress) return undefined;
  for (const d of directions) {
    if (!d.on) continue;
    // Every pod p selects must stay isolated, and each of p's rules must be allowed by a policy selecting those pods.
    const wider = s.covering(cluster, p).filter((q) => q !== p && pool.has(q) && d.isolates(q));
    if (wider.length === 0) return undefined;
    used.add(wider[0]);
    for (const rule of d.rules) {
      const by = wider.find((q) => d.rulesOf(q).some((r) => ruleContains(cluster, p.namespace, r, rule, s)));
      if (!by) return undefined;
      used.add(by);
    }
  }
  return [...used];
}

export const NP015: LintRule = {
  id: 'NP015',
  name: 'redundant-policy',
  severity: LintSeverity.INFO,
  summary: 'A policy is made fully redundant by others: they select at least its pods, isolate the same directions and allow everything it allows.',
  why: 'Policies only add allowances, so a policy whose every effect is already produced by others changes nothing. It adds review burden, and its author probably expected it to do something (e.g. to restrict what another policy allows).',
  fix: 'Delete the redundant policy, or, if it was meant to restrict traffic, narrow the wider policy instead: policies cannot subtract from each other.',
  check: ({ cluster }) => redundantPolicies(cluster, FAST),
};

/**
 * NP015's findings computed the straightforward way, every policy's selector compared with every other's of its
 * namespace: the reference the fast path is tested against (test/lint/np015-reference.test.ts).
 *
 * @internal
 */
export function _redundantPoliciesReference(cluster: Cluster): RawFinding[] {
  return redundantPolicies(cluster, REFERENCE);
}

function redundantPolicies(cluster: Cluster, s: Strategy): RawFinding[] {
  const findings: RawFinding[] = [];
  // Later policies are checked first and dropped from the pool once found redundant, so of two duplicates only
  // one is reported, and every reported policy is redundant given the ones that remain. Policies that say what
  // they are for (the cdk8s-netpol.dev/intent annotation) are checked last: of a readable policy and a hashed
  // duplicate another library wrote, the duplicate is the one to delete.
  const pool = new Set(cluster.policies);
  const order = [...cluster.policies].reverse();
  const checked = [...order.filter((p) => p.intent === undefined), ...order.filter((p) => p.intent !== undefined)];
  for (const p of checked) {
    const by = coveredBy(cluster, p, pool, s);
    if (!by) continue;
    pool.delete(p);
    findings.push({
      object: policyObject(p),
      path: '',
      message: `NetworkPolicy ${p.id} is redundant: ${list(by.map((q) => `NetworkPolicy ${q.id}`))} already select${by.length === 1 ? 's' : ''} its pods (spec.podSelector ${p.podSelector.text}), isolate${by.length === 1 ? 's' : ''} the same directions and allow${by.length === 1 ? 's' : ''} everything its rules allow. Fix: delete it, or narrow the wider policy if this one was meant to restrict traffic`,
    });
  }
  // Reported in input order.
  const position = new Map(cluster.policies.map((p, i) => [p.id, i]));
  return findings.sort((a, b) => (position.get(idOf(a)) ?? 0) - (position.get(idOf(b)) ?? 0));
}

/** The `ns/name` of a finding's policy (`NetworkPolicy ns/name`). */
function idOf(f: RawFinding): string {
  return f.object.replace(/^NetworkPolicy /, '');
}
