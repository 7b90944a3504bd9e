/**
 * Runs the rules over loaded manifests: a rule that throws becomes a finding (the others still run), and findings
 * on an object are suppressed by its `cdk8s-netpol.dev/suppress` annotation, which must give a reason.
 */
import { endpointObject, endpointsIn } from './helpers';
import { Finding, LintContext, LintRule, LintSettings, RawFinding } from './model';
import { atLeast } from './rank';
import { RULES } from './rules';
import { LintSeverity } from './severity';
import { SourcedObject } from '../manifests/decode';
import { expandLists, isPlainObject } from '../manifests/objects';
import { ObjectRef, refText, whereText } from '../manifests/problem';
import { Cidr, parseCidr } from '../private/cidr';
import { SUPPRESS_ANNOTATION } from '../private/k8s';
import { quote } from '../private/text';
import { loadCluster } from '../semantics/load';
import { Problem, UnanalyzedObject } from '../semantics/model';

/** The annotation that suppresses findings on one object: one `NP003: reason` per line. */
export { SUPPRESS_ANNOTATION };

/** Not a check: the id under which a rule that crashed is reported. */
export const RULE_FAILED: Omit<LintRule, 'check'> = {
  id: 'NP000',
  name: 'rule-failed',
  severity: LintSeverity.ERROR,
  summary: 'A lint rule failed with an internal error (a bug in the linter); the other rules still ran.',
  why: 'The linter never silently skips a check: a crash is reported so the result is not mistaken for a clean bill of health.',
  fix: 'Report the message as a bug. Until it is fixed, the rule\'s findings are unknown for this input.',
};

/** Not a check of the policies: the id under which a malformed suppression is reported. */
export const BAD_SUPPRESSION: Omit<LintRule, 'check'> = {
  id: 'NP016',
  name: 'suppression-without-reason',
  severity: LintSeverity.ERROR,
  summary: `A \`${SUPPRESS_ANNOTATION}\` annotation entry has no reason, names an unknown rule, or cannot be read.`,
  why: 'A suppression hides a finding from everyone who reads the report later: without a reason nobody can tell a considered exception from a silenced mistake. An entry without a reason suppresses nothing.',
  fix: 'Write one entry per line as `NP003: why this is fine here` (several ids may share a reason: `NP005, NP006: reason`).',
};

/** Every id a report may contain, with its documentation, in id order. */
export const RULE_DOCS: readonly Omit<LintRule, 'check'>[] = [RULE_FAILED, ...RULES, BAD_SUPPRESSION].sort((a, b) => (a.id < b.id ? -1 : 1));

export interface Suppressed {
  readonly finding: Finding;
  readonly reason: string;
}

export interface LintResult {
  /** Sorted by source, object, path and rule id. */
  readonly findings: Finding[];
  readonly suppressed: Suppressed[];
  /** Objects the API server would reject: when there are any, no rule ran. */
  readonly problems: Problem[];
  /** The same object in two places (the later one is used, as kubectl apply does). */
  readonly notes?: Problem[];
  /** Objects of other policy APIs (Cilium, Calico...): read, not evaluated, so no rule saw them. */
  readonly unanalyzed?: readonly UnanalyzedObject[];
}

export interface LintRunOptions {
  readonly podCidrs?: readonly Cidr[];
  readonly serviceCidrs?: readonly Cidr[];
  /** @default - every rule */
  readonly rules?: readonly LintRule[];
}

/** Parses a `--pod-cidr` style value; throws with the expected form. */
export function parseCidrOption(text: string, what: string): Cidr {
  const c = parseCidr(text.trim());
  if (!c) throw new Error(`${what} ${JSON.stringify(text)} is not a valid CIDR: write address/prefix, e.g. 10.244.0.0/16 or fd00::/108`);
  return c;
}

interface ObjectInfo {
  readonly source: string;
  readonly file?: string;
  readonly document?: number;
  readonly line?: number;
  readonly locate?: (path: string) => number | undefined;
  readonly ref: ObjectRef;
  readonly annotations: { [key: string]: unknown };
  /** The object as written. */
  readonly object: { [key: string]: unknown };
}

/**
 * `Kind ns/name` (or `Namespace name`) of every object, as findings name them, with where the loader found it;
 * lists are unwrapped as the loader does.
 */
function indexObjects(objects: readonly SourcedObject[]): Map<string, ObjectInfo> {
  const index = new Map<string, ObjectInfo>();
  for (const o of expandLists(objects, [])) {
    const obj = o.object;
    if (!isPlainObject(obj) || typeof obj.kind !== 'string') continue;
    const metadata = isPlainObject(obj.metadata) ? obj.metadata : {};
    const name = typeof metadata.name === 'string' ? metadata.name : '';
    const namespace = typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : 'default';
    const ref: ObjectRef = obj.kind === 'Namespace' ? { kind: obj.kind, name } : { kind: obj.kind, namespace, name };
    const key = refText(ref);
    const annotations = isPlainObject(metadata.annotations) ? metadata.annotations : {};
    // The later of two copies is the one used (kubectl apply of the set applies it over the earlier one): so are its
    // place and its suppressions.
    index.set(key, {
      source: o.source, file: o.file ?? o.source, document: o.document, line: o.line, locate: o.locate, ref, annotations, object: obj,
    });
  }
  return index;
}

interface Suppression {
  readonly ids: Set<string>;
  readonly reason: string;
}

const ENTRY = /^(NP\d{3}(?:\s*,\s*NP\d{3})*)\s*(?::(.*))?$/;

function readSuppressions(object: string, info: ObjectInfo, known: Set<string>, bad: (f: RawFinding) => void): Suppression[] {
  const raw = info.annotations[SUPPRESS_ANNOTATION];
  if (raw === undefined) return [];
  const path = `metadata.annotations.${SUPPRESS_ANNOTATION}`;
  if (typeof raw !== 'string') {
    bad({ object, path, message: `${object}: ${path} must be a string of \`NP003: reason\` lines, got ${quote(raw)}` });
    return [];
  }
  const out: Suppression[] = [];
  for (const line of raw.split('\n').map((l) => l.trim()).filter((l) => l !== '')) {
    const m = ENTRY.exec(line);
    if (!m) {
      bad({ object, path, message: `${object}: ${path}: cannot read ${quote(line)}. Fix: write one entry per line as \`NP003: reason\`` });
      continue;
    }
    const ids = m[1].split(',').map((s) => s.trim());
    const unknown = ids.filter((id) => !known.has(id));
    if (unknown.length > 0) {
      bad({ object, path, message: `${object}: ${path}: ${unknown.join(', ')} ${unknown.length === 1 ? 'is not a rule id' : 'are not rule ids'}. Fix: use the ids in docs/RULES.md (NP001...)` });
    }
    const reason = (m[2] ?? '').trim();
    if (reason === '') {
      bad({ object, path, message: `${object}: ${path}: the suppression of ${ids.join(', ')} gives no reason, so it suppresses nothing. Fix: write \`${ids.join(', ')}: <why this is fine here>\`` });
      continue;
    }
    out.push({ ids: new Set(ids), reason });
  }
  return out;
}

function compare(a: Finding, b: Finding): number {
  const ka = [a.file ?? a.source, a.line ?? 0, a.source, a.object, a.path, a.ruleId, a.message];
  const kb = [b.file ?? b.source, b.line ?? 0, b.source, b.object, b.path, b.ruleId, b.message];
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
  return 0;
}

/**
 * Lints Kubernetes objects. Invalid manifests are returned as problems and no rule runs: the linter, like the
 * engine, never judges an object it had to guess at.
 */
export function lintObjects(objects: readonly SourcedObject[], options: LintRunOptions = {}, earlier: readonly Problem[] = []): LintResult {
  const { cluster, problems, notes } = loadCluster(objects);
  const allProblems = [...earlier, ...problems];
  if (allProblems.length > 0) return { findings: [], suppressed: [], problems: allProblems };

  const settings: LintSettings = { podCidrs: options.podCidrs ?? [], serviceCidrs: options.serviceCidrs ?? [] };
  const index = indexObjects(objects);
  const context: LintContext = { cluster, settings, rawObject: (object) => index.get(object)?.object };
  // A namespace that is only referenced has no object of its own: point at its first workload instead.
  const infoOf = (object: string) => index.get(object)
    ?? (object.startsWith('Namespace ')
      ? endpointsIn(cluster, object.slice('Namespace '.length)).map((e) => index.get(`${e.kind} ${e.id}`)).find((info) => info)
      : undefined);
  const placed = (f: RawFinding) => {
    const info = infoOf(f.object);
    if (!info) return { source: '' };
    const own = index.get(f.object) === info;
    const line = (own && f.path ? info.locate?.(f.path) : undefined) ?? info.line;
    // Read from text: `file:line (document N)` of the finding's own field; a chart path stays as it is.
    const source = info.file !== undefined && line !== undefined ? whereText(info.file, info.document, line) : info.source;
    return { source, file: info.file, line, ref: own ? info.ref : undefined };
  };
  const rules = options.rules ?? RULES;

  // Objects declared as stand-ins (cdk8s-netpol.dev/stand-in) are not the app's: no finding is about them.
  const standIns = new Set(cluster.endpoints.filter((e) => e.declaredStandIn !== undefined).map((e) => endpointObject(e)));
  const found: Finding[] = [];
  for (const rule of rules) {
    let raw: RawFinding[];
    try {
      raw = rule.check(context);
    } catch (e) {
      found.push({
        ruleId: RULE_FAILED.id,
        severity: RULE_FAILED.severity,
        object: `rule ${rule.id}`,
        path: '',
        source: '',
        message: `rule ${rule.id} (${rule.name}) failed: ${(e as Error)?.message ?? String(e)}. This is a bug in cdk8s-netpol: please report it. The other rules ran`,
      });
      continue;
    }
    for (const f of raw) {
      if (standIns.has(f.object)) continue;
      // A finding may be below its rule's severity (hardening advice), never above it.
      const severity = f.severity !== undefined && !atLeast(f.severity, rule.severity) ? f.severity : rule.severity;
      found.push({ ...f, ruleId: rule.id, severity, ...placed(f) });
    }
  }

  const known = new Set(RULE_DOCS.map((r) => r.id));
  const suppressions = new Map<string, Suppression[]>();
  for (const [object, info] of index) {
    const bad = (f: RawFinding) => found.push({ ...f, ruleId: BAD_SUPPRESSION.id, severity: BAD_SUPPRESSION.severity, ...placed(f) });
    suppressions.set(object, readSuppressions(object, info, known, bad));
  }

  const findings: Finding[] = [];
  const suppressed: Suppressed[] = [];
  for (const f of found) {
    const s = f.ruleId === BAD_SUPPRESSION.id || f.ruleId === RULE_FAILED.id
      ? undefined
      : (suppressions.get(f.object) ?? []).find((x) => x.ids.has(f.ruleId));
    if (s) suppressed.push({ finding: f, reason: s.reason });
    else findings.push(f);
  }
  findings.sort(compare);
  suppressed.sort((a, b) => compare(a.finding, b.finding));
  return { findings, suppressed, problems: [], notes, ...(cluster.unanalyzed ? { unanalyzed: cluster.unanalyzed } : {}) };
}
