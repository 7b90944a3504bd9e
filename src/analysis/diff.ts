/**
 * The semantic diff of two inputs: which connections the newer one allows that the older one does not (added), and
 * the reverse (removed), per pair of ends and protocol, with the rules that open each added connection.
 *
 * Both sides cut the outside into the same regions (the ipBlocks of both inputs together, under both roots), and the
 * regions are exact, non-empty sets of addresses that partition the address space: comparing region by region is
 * comparing address by address, so "added" means allowed by the newer input and denied by the older at every
 * address of the block. Memory: the older side's allowed pairs, plus the diff itself.
 */
import { ConnectionAnalysis, End, Opening } from './connections';
import { ipBlockCidrs } from './external';
import * as ps from '../model/port-set';
import { markdownCode, MAX_FREE_TEXT, quote } from '../private/text';
import { Cluster, UnanalyzedObject } from '../semantics/model';
import { withSharedStandIns } from '../semantics/stand-ins';

/** Who opens an added connection: a rule of a policy on one side, or a side that is not isolated. */
export interface OpenedBy {
  readonly direction: 'egress' | 'ingress';
  /** The pod whose policies decide this side. */
  readonly subject: string;
  /** `ns/name` of the policy; absent when the subject is not isolated in this direction. */
  readonly policy?: string;
  /** `spec.ingress[1]` */
  readonly rule?: string;
  /** The `cdk8s-netpol.dev/construct` annotation of the policy, when present. */
  readonly construct?: string;
  /**
   * The tiered policy whose rule decided this side (its name; `clusterPolicyKind` says which API: ClusterNetworkPolicy,
   * AdminNetworkPolicy or BaselineAdminNetworkPolicy), with its tier and the rule's path and name.
   */
  readonly clusterPolicy?: string;
  readonly clusterPolicyKind?: string;
  readonly tier?: string;
  readonly ruleName?: string;
}

export interface DiffEntry {
  readonly from: string;
  readonly to: string;
  readonly protocol: string;
  readonly ports: ps.Range[];
  /** For added entries: what allows the first added port in the newer input. */
  readonly openedBy?: OpenedBy[];
}

/** An object of another policy API (read, not evaluated) that the change adds, changes or removes. */
export interface UnanalyzedChange {
  readonly change: 'added' | 'changed' | 'removed';
  readonly kind: string;
  readonly apiVersion: string;
  readonly namespace?: string;
  readonly name: string;
  /** Who enforces it: `Cilium`... */
  readonly owner: string;
  /** Where the newer input has it (the older one's, when removed). */
  readonly source: string;
}

export interface DiffResult {
  readonly added: DiffEntry[];
  readonly removed: DiffEntry[];
  /** Connections only: true when a connection was added. `unanalyzed` changes may broaden too, unseen. */
  readonly broadening: boolean;
  /**
   * Objects of other policy APIs added, changed or removed, sorted by group, kind, namespace and name: whatever
   * they do is not in `added` or `removed`.
   */
  readonly unanalyzed: UnanalyzedChange[];
}

/** The objects of other policy APIs that differ between two inputs (by content, status and server-set metadata aside). */
export function unanalyzedChanges(older: Cluster, newer: Cluster): UnanalyzedChange[] {
  const key = (o: UnanalyzedObject) => `${o.group}/${o.kind}/${o.namespace ?? ''}/${o.name}`;
  const before = new Map((older.unanalyzed ?? []).map((o) => [key(o), o]));
  const after = new Map((newer.unanalyzed ?? []).map((o) => [key(o), o]));
  const change = (o: UnanalyzedObject, what: UnanalyzedChange['change']): [string, UnanalyzedChange] => [key(o), {
    change: what,
    kind: o.kind,
    apiVersion: o.apiVersion,
    ...(o.namespace !== undefined ? { namespace: o.namespace } : {}),
    name: o.name,
    owner: o.owner,
    source: o.source,
  }];
  const out: [string, UnanalyzedChange][] = [];
  for (const [k, o] of after) {
    const old = before.get(k);
    if (!old) out.push(change(o, 'added'));
    else if (old.digest !== o.digest || old.apiVersion !== o.apiVersion) out.push(change(o, 'changed'));
  }
  for (const [k, o] of before) if (!after.has(k)) out.push(change(o, 'removed'));
  return out.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0)).map(([, c]) => c);
}

/** `CiliumNetworkPolicy shop/allow-web`, `CiliumClusterwideNetworkPolicy allow-all`. */
export function unanalyzedChangeName(c: UnanalyzedChange): string {
  return `${c.kind} ${c.namespace !== undefined ? `${c.namespace}/` : ''}${c.name}`;
}

export function openedByOf(o: Opening): OpenedBy {
  if (o.clusterPolicy) {
    const name = o.clusterRule!.name !== undefined ? { ruleName: o.clusterRule!.name } : {};
    const tier = o.clusterPolicy.tier;
    return {
      direction: o.direction,
      subject: o.subject,
      clusterPolicy: o.clusterPolicy.name,
      clusterPolicyKind: o.clusterPolicy.kind,
      tier,
      rule: o.clusterRule!.path,
      ...name,
    };
  }
  if (!o.policy) return { direction: o.direction, subject: o.subject };
  const construct = o.policy.construct ? { construct: o.policy.construct } : {};
  return { direction: o.direction, subject: o.subject, policy: o.policy.id, rule: o.rule!.path, ...construct };
}

/**
 * `egress of a/b: not isolated`, `ingress of c/d: NetworkPolicy c/db spec.ingress[1] (construct "app/db")`. Names
 * (validated by the loader) are shown through `name`, free text from the input (the construct annotation, a
 * ClusterNetworkPolicy rule name) through `free`: quoted in text, code spans in Markdown.
 */
function describeOpening(o: OpenedBy, name: (s: string) => string, free: (s: string) => string): string {
  if (o.clusterPolicy) {
    return `${o.direction} of ${name(o.subject)}: ${o.clusterPolicyKind ?? 'ClusterNetworkPolicy'} ${name(o.clusterPolicy)} (${o.tier} tier) ${name(o.rule!)}${o.ruleName !== undefined ? ` ${free(o.ruleName)}` : ''}`;
  }
  const what = o.policy
    ? `NetworkPolicy ${name(o.policy)} ${name(o.rule!)}${o.construct !== undefined ? ` (construct ${free(o.construct)})` : ''}`
    : `not isolated for ${o.direction === 'egress' ? 'Egress' : 'Ingress'}`;
  return `${o.direction} of ${name(o.subject)}: ${what}`;
}

/** One opening as text: free text from the input quoted and escaped, so it cannot write a line of its own. */
export function openedByText(o: OpenedBy): string {
  return describeOpening(o, (s) => s, (s) => quote(s, MAX_FREE_TEXT));
}

/** One opening in Markdown: every value from the input in a code span. */
export function openedByMarkdown(o: OpenedBy): string {
  return describeOpening(o, (s) => markdownCode(s), (s) => markdownCode(s));
}

export function diffClusters(older: Cluster, newer: Cluster): DiffResult {
  // Same ends on both sides: the stand-ins for the peers either input names and one of them holds no pod of (so a rule
  // newly admitting a pod the input does not hold is an addition), and the regions the ipBlocks of both cut.
  const [withOlder, withNewer] = withSharedStandIns(older, newer);
  const a = new ConnectionAnalysis(withOlder, { extraCidrs: ipBlockCidrs(newer) });
  const b = new ConnectionAnalysis(withNewer, { extraCidrs: ipBlockCidrs(older) });
  const key = (from: End, to: End) => `${from.id}\u0000${to.id}`;
  const before = new Map<string, { from: End; to: End; set: ps.PortSet }>();
  a.forEach((from, to, set) => before.set(key(from, to), { from, to, set }));
  const added: { from: End; to: End; set: ps.PortSet }[] = [];
  const removed: { from: End; to: End; set: ps.PortSet }[] = [];
  b.forEach((from, to, set) => {
    const k = key(from, to);
    const old = before.get(k);
    before.delete(k);
    const plus = old ? ps.difference(set, old.set) : set;
    if (!ps.isEmpty(plus)) added.push({ from, to, set: plus });
    if (old) {
      const minus = ps.difference(old.set, set);
      if (!ps.isEmpty(minus)) removed.push({ from: old.from, to: old.to, set: minus });
    }
  });
  for (const v of before.values()) removed.push(v);
  const order = (x: End, y: End) => {
    const xp = x.endpoint !== undefined;
    const yp = y.endpoint !== undefined;
    if (xp !== yp) return xp ? -1 : 1;
    if (!xp) return x.index - y.index; // regions: same list on both sides
    return x.id < y.id ? -1 : x.id > y.id ? 1 : 0;
  };
  type Item = { from: End; to: End; set: ps.PortSet };
  const sort = (xs: Item[]) => xs.sort((x, y) => order(x.from, y.from) || order(x.to, y.to));
  const entries = (xs: Item[], explain: boolean): DiffEntry[] => sort(xs).flatMap((x) => [...x.set.byProtocol].map(([protocol, ranges]) => ({
    from: x.from.id,
    to: x.to.id,
    protocol,
    ports: ranges.map(([lo, hi]): ps.Range => [lo, hi]),
    ...(explain ? { openedBy: b.openings(x.from.index, x.to.index, protocol, ranges[0][0]).map(openedByOf) } : {}),
  })));
  const addedEntries = entries(added, true);
  return { added: addedEntries, removed: entries(removed, false), broadening: addedEntries.length > 0, unanalyzed: unanalyzedChanges(older, newer) };
}

export function entryPortsText(e: DiffEntry): string {
  return `${e.protocol}/${ps.rangesText(e.ports)}`;
}

/** Markdown for a pull-request comment. */
export function diffMarkdown(d: DiffResult, title = 'NetworkPolicy connectivity diff'): string {
  const lines = [`### ${title}`, ''];
  if (d.added.length === 0 && d.removed.length === 0) {
    lines.push('No change in allowed connections.');
    lines.push(...unanalyzedMarkdown(d));
    return lines.join('\n') + '\n';
  }
  const n = (k: number) => `${k} connection${k === 1 ? '' : 's'}`;
  lines.push(d.broadening
    ? `**${n(d.added.length)} added (broadening)**, ${n(d.removed.length)} removed.`
    : `No connection added; ${n(d.removed.length)} removed.`);
  if (d.added.length > 0) {
    lines.push('', '#### Added', '', '| from | to | ports | opened by |', '|---|---|---|---|');
    for (const e of d.added) {
      lines.push(`| ${markdownCode(e.from)} | ${markdownCode(e.to)} | ${entryPortsText(e)} | ${(e.openedBy ?? []).map(openedByMarkdown).join('<br>')} |`);
    }
  }
  if (d.removed.length > 0) {
    lines.push('', '#### Removed', '', '| from | to | ports |', '|---|---|---|');
    for (const e of d.removed) lines.push(`| ${markdownCode(e.from)} | ${markdownCode(e.to)} | ${entryPortsText(e)} |`);
  }
  lines.push(...unanalyzedMarkdown(d));
  return lines.join('\n') + '\n';
}

const NOT_EVALUATED = 'not evaluated: what it allows or denies is in no line above';

function unanalyzedMarkdown(d: DiffResult): string[] {
  if (d.unanalyzed.length === 0) return [];
  const lines = ['', '#### Other policy APIs (not evaluated: what they allow or deny is in no row above)', '', '| change | object | API | enforced by |', '|---|---|---|---|'];
  for (const c of d.unanalyzed) lines.push(`| ${c.change} | ${markdownCode(unanalyzedChangeName(c))} | ${markdownCode(c.apiVersion)} | ${c.owner} |`);
  return lines;
}

/** Plain text: `+ a -> b TCP/5432` lines with the openings indented below, then `- ...` lines. */
export function diffText(d: DiffResult): string {
  const others = d.unanalyzed.map((c) => `! ${c.change} ${unanalyzedChangeName(c)} (${c.apiVersion}, enforced by ${c.owner}; ${c.source}): ${NOT_EVALUATED}`);
  if (d.added.length === 0 && d.removed.length === 0) return ['no change in allowed connections', ...others].join('\n') + '\n';
  const lines: string[] = [];
  for (const e of d.added) {
    lines.push(`+ ${e.from} -> ${e.to} ${entryPortsText(e)}`);
    for (const o of e.openedBy ?? []) lines.push(`    ${openedByText(o)}`);
  }
  for (const e of d.removed) lines.push(`- ${e.from} -> ${e.to} ${entryPortsText(e)}`);
  lines.push(...others);
  lines.push(`${d.added.length} added, ${d.removed.length} removed${d.broadening ? ' (broadening)' : ''}`);
  return lines.join('\n') + '\n';
}
