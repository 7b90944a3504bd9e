/**
 * Constructs that only record intents (Tier, TierAccess, EgressAllowList) hold no objects: their policies are
 * rendered into the chart at synthesis. cdk8s 2.x walks the whole app once per chart, so each of their tree nodes
 * cost time in every chart of the app (docs/benchmarks.md). They leave the tree right after construction: a detached
 * construct keeps its scope (so its path, chart and app stay known, and messages name it), but its scope's
 * `node.children` and `findAll()` do not list it, and aspects do not visit it.
 *
 * Its id stays reserved in its scope: a later detached construct with the same id throws at construction, a later
 * construct of the tree with the same id fails synthesis (`detachedIdClash`, checked by the intent registry).
 */
import { IConstruct } from 'constructs';
import { inputError } from './errors';

const DETACHED = new WeakMap<IConstruct, Map<string, IConstruct>>();

/** Takes a construct out of its scope's children; throws if a detached construct already has its id there. */
export function detachFromTree(construct: IConstruct): void {
  const scope = construct.node.scope!;
  const id = construct.node.id;
  scope.node.tryRemoveChild(id);
  const other = DETACHED.get(scope)?.get(id);
  if (other) {
    throw inputError(construct, `there is already a ${other.constructor.name} with id "${id}" in ${scope.node.path || 'the app'}`, 'give each construct of a scope its own id');
  }
}

/** Reserves a detached construct's id once it is valid (a construct that failed validation reserves nothing). */
export function reserveDetachedId(construct: IConstruct): void {
  const scope = construct.node.scope!;
  let ids = DETACHED.get(scope);
  if (!ids) {
    ids = new Map();
    DETACHED.set(scope, ids);
  }
  ids.set(construct.node.id, construct);
}

/** The problem when a construct of the tree took a detached construct's id (and so its path), or undefined. */
export function detachedIdClash(construct: IConstruct): string | undefined {
  const scope = construct.node.scope;
  if (!scope || DETACHED.get(scope)?.get(construct.node.id) !== construct) return undefined;
  const other = scope.node.tryFindChild(construct.node.id);
  if (!other) return undefined;
  return `the construct path ${construct.node.path} is both this ${construct.constructor.name}'s and a ${other.constructor.name}'s: give one of them another id`;
}
