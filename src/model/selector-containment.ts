/**
 * Label-selector containment, written once: does one selector select at least every label set another selects?
 *
 * Judged from the selectors alone (never from the objects of an input), and sound: `true` only when it holds for
 * every possible label set. Requirements are ANDed, so `outer` contains `inner` when each requirement of `outer` is
 * implied by one requirement of `inner`. Private module: structural types, so the engine's parsed selectors and any
 * other representation with the same shape can use it.
 *
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
 */

export interface LabelRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values: ReadonlySet<string>;
}

export interface LabelSelector {
  readonly requirements: readonly LabelRequirement[];
}

function subset(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

function disjoint(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  for (const x of a) if (b.has(x)) return false;
  return true;
}

/** True when every label set that satisfies `i` satisfies `o` (same key). `NotIn` and `DoesNotExist` match a missing key. */
export function requirementImplies(i: LabelRequirement, o: LabelRequirement): boolean {
  if (i.key !== o.key) return false;
  switch (i.operator) {
    case 'In':
      // The key is present with a value in i.values.
      return (o.operator === 'In' && subset(i.values, o.values))
        || o.operator === 'Exists'
        || (o.operator === 'NotIn' && disjoint(i.values, o.values));
    case 'Exists':
      return o.operator === 'Exists';
    case 'NotIn':
      return o.operator === 'NotIn' && subset(o.values, i.values);
    case 'DoesNotExist':
      return o.operator === 'DoesNotExist' || o.operator === 'NotIn';
  }
}

/** True when `outer` selects at least every label set `inner` selects. The empty selector contains every selector. */
export function selectorContains(outer: LabelSelector, inner: LabelSelector): boolean {
  return outer.requirements.every((o) => inner.requirements.some((i) => requirementImplies(i, o)));
}
