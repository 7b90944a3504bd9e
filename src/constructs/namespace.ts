import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { inputError } from '../private/errors';
import { dns1123LabelProblem } from '../private/labels';

/**
 * The namespace a construct emits into: the explicit prop, else the chart's namespace.
 */
export function resolveNamespace(scope: IConstruct, explicit: string | undefined, propName: string): string {
  const namespace = explicit ?? Chart.of(scope).namespace;
  if (namespace === undefined) {
    throw inputError(scope, 'no namespace is known for the policies', `set "${propName}", or create the chart with a "namespace"`);
  }
  const problem = dns1123LabelProblem(namespace);
  if (problem) throw inputError(scope, `namespace ${problem}`, 'use a valid namespace name such as "secure-app"');
  return namespace;
}

/** A policy name that must be a DNS label (we keep names short and readable, so the stricter rule). */
export function checkPolicyName(scope: IConstruct, name: string, fix: string): string {
  const problem = dns1123LabelProblem(name);
  if (problem) throw inputError(scope, `policy name ${problem}`, fix);
  return name;
}
