/**
 * Label selectors (metav1.LabelSelector): parsing with the API server's validation, and matching.
 *
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
 */
import { Labels, Operator, Requirement, Selector } from './model';
import { isPlainObject } from '../private/json';
import { labelKeyProblem, labelValueProblem } from '../private/labels';
import { quote } from '../private/text';

/**
 * Receives one problem of a field. `category` is `invalid` (the API server rejects it) unless said otherwise:
 * `ambiguous` for a value the API server stores but whose enforcement is undefined.
 */
export type Report = (path: string, message: string, category?: 'invalid' | 'ambiguous') => void;

const OPERATORS: readonly Operator[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

export { isPlainObject };

/** A value for a message: bounded, control characters escaped (it may come from a hostile manifest). */
export function describe(x: unknown): string {
  return quote(x);
}

/** Parses a selector; reports every problem and returns `undefined` if there was any. */
export function parseSelector(raw: unknown, path: string, report: Report): Selector | undefined {
  if (raw === null || raw === undefined) return parsedSelector([]);
  if (!isPlainObject(raw)) {
    report(path, `a label selector must be an object, got ${describe(raw)}`);
    return undefined;
  }
  let ok = true;
  const bad = (p: string, m: string) => {
    ok = false;
    report(p, m);
  };
  const requirements: Requirement[] = [];
  for (const field of Object.keys(raw)) {
    if (field !== 'matchLabels' && field !== 'matchExpressions') bad(`${path}.${field}`, 'unknown field of a label selector (expected matchLabels, matchExpressions)');
  }
  const matchLabels = raw.matchLabels;
  if (matchLabels !== undefined && matchLabels !== null) {
    if (!isPlainObject(matchLabels)) {
      bad(`${path}.matchLabels`, `must be a map of label keys to values, got ${describe(matchLabels)}`);
    } else {
      for (const key of Object.keys(matchLabels)) {
        // null decodes to the zero value of a Go string: "" (the API server accepts it).
        const value = matchLabels[key] === null ? '' : matchLabels[key];
        const keyProblem = labelKeyProblem(key);
        if (keyProblem) bad(`${path}.matchLabels`, keyProblem);
        if (typeof value !== 'string') {
          bad(`${path}.matchLabels.${key}`, `a label value must be a string, got ${describe(value)} (quote it in YAML)`);
          continue;
        }
        const valueProblem = labelValueProblem(value);
        if (valueProblem) bad(`${path}.matchLabels.${key}`, valueProblem);
        requirements.push({ key, operator: 'In', values: new Set([value]) });
      }
    }
  }
  const exprs = raw.matchExpressions;
  if (exprs !== undefined && exprs !== null) {
    if (!Array.isArray(exprs)) {
      bad(`${path}.matchExpressions`, `must be a list, got ${describe(exprs)}`);
    } else {
      exprs.forEach((expr, i) => {
        const ePath = `${path}.matchExpressions[${i}]`;
        if (!isPlainObject(expr)) {
          bad(ePath, `must be an object with key, operator and values, got ${describe(expr)}`);
          return;
        }
        const key = expr.key;
        const keyProblem = typeof key === 'string' ? labelKeyProblem(key) : `key is required, got ${describe(key)}`;
        if (keyProblem) bad(`${ePath}.key`, keyProblem);
        const operator = expr.operator;
        const rawValues = expr.values === null || expr.values === undefined ? [] : expr.values;
        // A null item decodes to "" (the zero value of a Go string), as the API server reads it.
        const values = Array.isArray(rawValues) ? rawValues.map((v: unknown) => (v === null ? '' : v)) : rawValues;
        if (!Array.isArray(values)) {
          bad(`${ePath}.values`, `must be a list of strings, got ${describe(values)}`);
          return;
        }
        if (!OPERATORS.includes(operator as Operator)) {
          bad(`${ePath}.operator`, `${describe(operator)} is not a valid selector operator: use In, NotIn, Exists or DoesNotExist`);
          return;
        }
        if ((operator === 'In' || operator === 'NotIn') && values.length === 0) {
          bad(`${ePath}.values`, 'must be specified when `operator` is \'In\' or \'NotIn\'');
        }
        if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length > 0) {
          bad(`${ePath}.values`, 'may not be specified when `operator` is \'Exists\' or \'DoesNotExist\'');
        }
        values.forEach((v: unknown, j: number) => {
          if (typeof v !== 'string') {bad(`${ePath}.values[${j}]`, `a label value must be a string, got ${describe(v)} (quote it in YAML)`);} else {
            const p = labelValueProblem(v);
            if (p) bad(`${ePath}.values[${j}]`, p);
          }
        });
        if (typeof key === 'string') {
          requirements.push({ key, operator: operator as Operator, values: new Set(values.map(String)) });
        }
      });
    }
  }
  return ok ? parsedSelector(requirements) : undefined;
}

function parsedSelector(requirements: Requirement[]): Selector {
  const parts = requirements
    .map((r) => {
      switch (r.operator) {
        case 'Exists': return r.key;
        case 'DoesNotExist': return `!${r.key}`;
        default: return `${r.key} ${r.operator === 'In' ? 'in' : 'notin'} (${[...r.values].sort().join(',')})`;
      }
    });
  // Duplicates are harmless (ANDed), so drop them to make the text canonical.
  const text = [...new Set(parts)].sort().join(', ');
  return { requirements, text: text === '' ? '{}' : `{${text}}` };
}

/** Label selector semantics: requirements ANDed; `NotIn` and `DoesNotExist` match a missing key. */
export function selectorMatches(selector: Selector, labels: Labels): boolean {
  for (const r of selector.requirements) {
    const value = labels.get(r.key);
    switch (r.operator) {
      case 'In':
        if (value === undefined || !r.values.has(value)) return false;
        break;
      case 'NotIn':
        if (value !== undefined && r.values.has(value)) return false;
        break;
      case 'Exists':
        if (value === undefined) return false;
        break;
      case 'DoesNotExist':
        if (value !== undefined) return false;
        break;
    }
  }
  return true;
}
