import { parseCidrOption } from './pack';
import { LintSeverity } from './severity';
import { Cidr } from '../private/cidr';
import { STRUCT_KEYS, unknownKeyProblems } from '../private/keys';

/** The checked options of the linter. */
export interface CheckedLintOptions {
  readonly failOn: LintSeverity;
  readonly reportOn: LintSeverity;
  readonly podCidrs: Cidr[];
  readonly serviceCidrs: Cidr[];
}

const KNOWN = STRUCT_KEYS.get('NetpolLintOptions')!;

/**
 * Checks lint options given in code (`NetpolLint.enable`) or in cdk8s.yaml (`NetpolLintValidation` properties):
 * an unknown key or value throws, naming `where`, instead of being silently ignored (a `failOn: warn` that never
 * fails anything is worse than an error).
 */
export function checkLintOptions(options: unknown, where: string): CheckedLintOptions {
  if (options === undefined || options === null) {
    return { failOn: LintSeverity.ERROR, reportOn: LintSeverity.WARNING, podCidrs: [], serviceCidrs: [] };
  }
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new Error(`${where}: the options must be an object with ${KNOWN.join(', ')}, got ${JSON.stringify(options)}`);
  }
  const o = options as { [key: string]: unknown };
  const problems: string[] = [];
  problems.push(...unknownKeyProblems('NetpolLintOptions', o, 'options'));
  const severities = Object.values(LintSeverity) as string[];
  const severity = (key: string, fallback: LintSeverity): LintSeverity => {
    const value = o[key];
    if (value === undefined) return fallback;
    if (typeof value === 'string' && severities.includes(value)) return value as LintSeverity;
    problems.push(`${key} ${JSON.stringify(value)} is not a severity: use one of ${severities.map((s) => `"${s}"`).join(', ')} (LintSeverity.ERROR, WARNING, INFO)`);
    return fallback;
  };
  const failOn = severity('failOn', LintSeverity.ERROR);
  const reportOn = severity('reportOn', LintSeverity.WARNING);
  const cidrs = (key: string): Cidr[] => {
    const value = o[key];
    if (value === undefined) return [];
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
      problems.push(`${key} must be a list of CIDR strings such as ["10.244.0.0/16"], got ${JSON.stringify(value)}`);
      return [];
    }
    const out: Cidr[] = [];
    for (const v of value) {
      try {
        out.push(parseCidrOption(v, `${key}:`));
      } catch (e) {
        problems.push((e as Error).message);
      }
    }
    return out;
  };
  const podCidrs = cidrs('podCidrs');
  const serviceCidrs = cidrs('serviceCidrs');
  if (problems.length) throw new Error(`${where}: ${problems.join('; ')}`);
  return { failOn, reportOn, podCidrs, serviceCidrs };
}
