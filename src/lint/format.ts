/**
 * Lint reports as text (for people), JSON (for scripts) and SARIF 2.1.0 (for code review in CI: GitHub code
 * scanning, Azure DevOps, GitLab).
 *
 * @see https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
 */
import { Finding } from './model';
import { LintResult, RULE_DOCS } from './pack';
import { LintSeverity } from './severity';
import { safeName } from '../private/text';

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
  const lines = result.findings.map((f) => `${f.source ? safeName(f.source) : '<input>'}: ${f.severity} ${f.ruleId} ${ruleName(f.ruleId)}: ${f.message}`);
  lines.push(summaryLine(result));
  return lines.join('\n') + '\n';
}

function findingJson(f: Finding) {
  return {
    ruleId: f.ruleId,
    rule: ruleName(f.ruleId),
    severity: f.severity,
    source: f.source,
    file: f.file ?? f.source,
    line: f.line ?? null,
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

export interface SarifOptions {
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
  const results = result.findings.map((f) => {
    const location: { [k: string]: unknown } = {
      logicalLocations: [{ fullyQualifiedName: f.path ? `${f.object}/${f.path}` : f.object, kind: 'object' }],
    };
    // The loader recorded file and line once; a chart path or <stdin> is no artifact.
    if (f.file && !f.file.startsWith('<') && f.line !== undefined) {
      location.physicalLocation = {
        artifactLocation: { uri: f.file.split('\\').join('/').replace(/^\.\//, '') },
        region: { startLine: f.line },
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
