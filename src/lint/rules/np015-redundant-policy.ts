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

const SPECS = new WeakMap<Rule, ps.PortSpec>();
function specOf(rule: Rule): ps.PortSpec {
  let spec = SPECS.get(rule);
  if (!spec) SPECS.set(rule, (spec = ps.portSpecOf(rule.ports)));
  return spec;
}

function ruleContains(cluster: Cluster, namespace: string, outer: Rule, inner: Rule): boolean {
  // Port sets, not entry by entry: 80-90 and 91-100 together contain 85-95.
  const ports = ps.specContains(specOf(outer), specOf(inner));
  const peers = outer.peers === undefined
    || (inner.peers !== undefined && inner.peers.every((i) => outer.peers!.some((o) => peerContains(cluster, namespace, o, i))));
  return ports && peers;
}

/** The policies that make `p` redundant, or undefined when it is not. */
function coveredBy(cluster: Cluster, p: Policy, pool: ReadonlySet<Policy>): Policy[] | undefined {
  const used = new Set<Policy>();
  const directions = [
    { on: p.isolatesIngress, rules: p.ingress, isolates: (q: Policy) => q.isolatesIngress, rulesOf: (q: Policy) => q.ingress },
    { on: p.isolatesEgress, rules: p.egress, isolates: (q: Policy) => q.isolatesEgress, rulesOf: (q: Policy) => q.egress },
  ];
  if (!p.isolatesIngress && !p.isolatesEgress) return undefined;
  for (const d of directions) {
    if (!d.on) continue;
    // Every pod p selects must stay isolated, and each of p's rules must be allowed by a policy selecting those pods.
    const wider = policiesIn(cluster, p.namespace)
      .filter((q) => q !== p && pool.has(q) && d.isolates(q) && selectorCovers(q.podSelector, p.podSelector));
    if (wider.length === 0) return undefined;
    used.add(wider[0]);
    for (const rule of d.rules) {
      const by = wider.find((q) => d.rulesOf(q).some((r) => ruleContains(cluster, p.namespace, r, rule)));
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
  check: ({ cluster }) => {
    const findings: RawFinding[] = [];
    // Later policies are checked first and dropped from the pool once found redundant, so of two duplicates only
    // one is reported, and every reported policy is redundant given the ones that remain. Policies that say what
    // they are for (the cdk8s-netpol.dev/intent annotation) are checked last: of a readable policy and a hashed
    // duplicate another library wrote, the duplicate is the one to delete.
    const pool = new Set(cluster.policies);
    const order = [...cluster.policies].reverse();
    const candidates = [...order.filter((p) => p.intent === undefined), ...order.filter((p) => p.intent !== undefined)];
    for (const p of candidates) {
      const by = coveredBy(cluster, p, pool);
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
  },
};

/** The `ns/name` of a finding's policy (`NetworkPolicy ns/name`). */
function idOf(f: RawFinding): string {
  return f.object.replace(/^NetworkPolicy /, '');
}
