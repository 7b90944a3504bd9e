import * as fs from 'fs';
import * as path from 'path';
import { rulesMarkdown } from '../../src/lint/docs';
import { RULE_DOCS } from '../../src/lint/pack';

const RULES_MD = path.join(__dirname, '..', '..', 'docs', 'RULES.md');

describe('docs/RULES.md', () => {
  test('is up to date with the rules (regenerate as src/lint/docs.ts says)', () => {
    expect(fs.readFileSync(RULES_MD, 'utf8')).toBe(rulesMarkdown());
  });

  test.each(RULE_DOCS.map((r) => [r.id, r] as const))('documents %s: id, severity, what, why and fix', (_id, r) => {
    const md = rulesMarkdown();
    const section = md.slice(md.indexOf(`### ${r.id} ${r.name}`));
    expect(section).toMatch(new RegExp(`^### ${r.id} ${r.name}\\n\\nSeverity: \\*\\*${r.severity}\\*\\*\\n\\n\\*\\*What:\\*\\* .+\\n\\n\\*\\*Why:\\*\\* .+\\n\\n\\*\\*Fix:\\*\\* .+`));
  });
});
