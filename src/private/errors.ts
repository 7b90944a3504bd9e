import { IConstruct } from 'constructs';

/**
 * Builds the error a construct throws for bad input: the construct path, what was wrong, and how to fix it.
 * Thrown from constructors, so an error always means no YAML is written.
 */
export function inputError(scope: IConstruct, problem: string, fix: string): Error {
  return new Error(`[${scope.node.path}] ${problem}. Fix: ${fix}`);
}

/**
 * Throws one error listing every problem (so users fix all of them in one go). Each problem says its own fix; `fix`
 * adds a last line only where one fix covers them all.
 */
export function throwIfProblems(scope: IConstruct, problems: string[], fix?: string): void {
  if (problems.length === 0) return;
  const text = problems.length === 1 ? problems[0] : `${problems.length} problems:\n  - ${problems.join('\n  - ')}`;
  throw new Error(`[${scope.node.path}] ${text}${fix ? `${problems.length === 1 ? '. ' : '\n'}Fix: ${fix}` : ''}`);
}
