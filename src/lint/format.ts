/**
 * Lint reports as text (for people), JSON (for scripts) and SARIF 2.1.0 (for code review in CI: GitHub code
 * scanning, Azure DevOps, GitLab).
 *
 * @see https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
 */
import { Finding } from './model';
import { LintResult, RULE_DOCS } from './pack';
import { LintSeverity } from './severity';

const INFORMATION_URI = 'https://github.com/cdk8s-netpol/cdk8s-netpol/blob/main/docs/RULES.md';

function ruleName(id: string): string {
  return RULE_DOCS.find((r) => r.id === id)?.name ?? id;
}

export function summaryLine(result: LintResult): string {
  const count = (s: LintSeverity) => result.findings.filter((f) => f.severity === s).length;
  const parts = [`${count(LintSeverity.ERROR)} error(s)`, `${count(LintSeverity.WARNING)} warning(s)`, `${count(LintSeverity.INFO)} info`];
  const suppressed = result.suppressed.length > 0 ? `, ${result.suppressed.length} suppressed` : '';
  return result.findings.length === 0 ? `no findings${suppressed}` : `${parts.join(', ')}${suppressed}`;
}

/** One line per finding: `source: severity ID name: message`, then a summary line. */
export function formatText(result: LintResult): string {
  const lines = result.findings.map((f) => `${f.source || '<input>'}: ${f.severity} ${f.ruleId} ${ruleName(f.ruleId)}: ${f.message}`);
  lines.push(summaryLine(result));
  return lines.join('\n') + '\n';
}

function findingJson(f: Finding) {
  return {
    ruleId: f.ruleId,
    rule: ruleName(f.ruleId),
    severity: f.severity,
    source: f.source,
    object: f.object,
    path: f.path,
    message: f.message,
  };
}

export function formatJson(result: LintResult): string {
  const count = (s: LintSeverity) => result.findings.filter((f) => f.severity === s).length;
  return JSON.stringify({
    findings: result.findings.map(findingJson),
    suppressed: result.suppressed.map((s) => ({ ...findingJson(s.finding), reason: s.reason })),
    summary: {
      error: count(LintSeverity.ERROR),
      warning: count(LintSeverity.WARNING),
      info: count(LintSeverity.INFO),
      suppressed: result.suppressed.length,
    },
  }, undefined, 2) + '\n';
}

const LEVEL: { [s: string]: string } = { error: 'error', warning: 'warning', info: 'note' };

/** The file a source names: sources look like `dir/app.yaml (document 3) items[2]`. */
export function sourceFile(source: string): { file: string; document: number } {
  const m = /^(.*?)(?: \(document (\d+)\))?(?: items\[\d+\])?$/.exec(source);
  return { file: m ? m[1] : source, document: m && m[2] ? Number(m[2]) : 1 };
}

/**
 * Best effort: the 1-based line of `metadata.name: <name>` in document `document` of a YAML text (or of the
 * document's first line). Only used to place SARIF results; never affects findings.
 */
export function locateLine(text: string, document: number, name: string): number | undefined {
  const lines = text.split(/\r?\n/);
  let doc = 1;
  let start = -1;
  let seenContent = false;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (/^---(\s|$)/.test(l)) {
      if (seenContent) doc++;
      seenContent = false;
      if (doc === document && start < 0) start = i + 1;
      continue;
    }
    if (l.trim() !== '' && !l.trim().startsWith('#')) {
      if (!seenContent && doc === document && start < 0) start = i;
      seenContent = true;
    }
    if (doc > document) break;
    if (doc === document && start >= 0) {
      const m = /^\s*"?name"?\s*:\s*["']?([^"'\s,#}]+)["']?\s*,?\s*$/.exec(l);
      if (m && m[1] === name) return i + 1;
    }
  }
  return start >= 0 ? start + 1 : undefined;
}

export interface SarifOptions {
  /** Reads a source file, for result lines; `undefined` when it cannot be read. */
  readonly readFile?: (file: string) => string | undefined;
  readonly toolVersion?: string;
}

export function formatSarif(result: LintResult, options: SarifOptions = {}): string {
  const rules = RULE_DOCS.map((r) => ({
    id: r.id,
    name: r.name,
    shortDescription: { text: r.summary },
    fullDescription: { text: r.why },
    help: { text: `${r.why}\nFix: ${r.fix}`, markdown: `**${r.summary}**\n\n${r.why}\n\n**Fix:** ${r.fix}` },
    helpUri: `${INFORMATION_URI}#${r.id.toLowerCase()}`,
    defaultConfiguration: { level: LEVEL[r.severity] },
  }));
  const texts = new Map<string, string | undefined>();
  const read = (file: string) => {
    if (!texts.has(file)) texts.set(file, options.readFile?.(file));
    return texts.get(file);
  };
  const results = result.findings.map((f) => {
    const location: { [k: string]: unknown } = {
      logicalLocations: [{ fullyQualifiedName: f.path ? `${f.object}/${f.path}` : f.object, kind: 'object' }],
    };
    if (f.source && !f.source.startsWith('<')) {
      const { file, document } = sourceFile(f.source);
      const text = read(file);
      const name = f.object.split(' ').pop()!.split('/').pop()!;
      const line = text !== undefined ? locateLine(text, document, name) : undefined;
      location.physicalLocation = {
        artifactLocation: { uri: file.split('\\').join('/').replace(/^\.\//, '') },
        ...(line !== undefined ? { region: { startLine: line } } : {}),
      };
    }
    return {
      ruleId: f.ruleId,
      ruleIndex: RULE_DOCS.findIndex((r) => r.id === f.ruleId),
      level: LEVEL[f.severity],
      message: { text: f.message },
      locations: [location],
      partialFingerprints: { 'cdk8s-netpol/v1': `${f.ruleId}|${f.object}|${f.path}` },
    };
  });
  return JSON.stringify({
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'cdk8s-netpol', informationUri: INFORMATION_URI, ...(options.toolVersion ? { version: options.toolVersion } : {}), rules } },
      results,
    }],
  }, undefined, 2) + '\n';
}
