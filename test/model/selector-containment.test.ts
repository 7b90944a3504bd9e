import * as fc from 'fast-check';
import { LabelRequirement, LabelSelector, selectorContains } from '../../src/model/selector-containment';
import { selectorMatches } from '../../src/semantics/selector';

// A small universe: two keys, three values, so that random selectors often overlap, nest or exclude each other.
const KEYS = ['app', 'tier'];
const VALUES = ['a', 'b', 'c'];
const requirementArb: fc.Arbitrary<LabelRequirement> = fc.oneof(
  fc.record({ key: fc.constantFrom(...KEYS), operator: fc.constantFrom('In' as const, 'NotIn' as const), values: fc.subarray(VALUES, { minLength: 1 }).map((v) => new Set(v)) }),
  fc.record({ key: fc.constantFrom(...KEYS), operator: fc.constantFrom('Exists' as const, 'DoesNotExist' as const), values: fc.constant(new Set<string>()) }),
);
const selectorArb: fc.Arbitrary<LabelSelector> = fc.array(requirementArb, { maxLength: 3 }).map((requirements) => ({ requirements }));

/** Every label set of the universe: each key absent or one of the values. */
const LABEL_SETS: Map<string, string>[] = [];
for (const app of [undefined, ...VALUES]) {
  for (const tier of [undefined, ...VALUES]) {
    const m = new Map<string, string>();
    if (app) m.set('app', app);
    if (tier) m.set('tier', tier);
    LABEL_SETS.push(m);
  }
}
const matches = (s: LabelSelector, labels: Map<string, string>) => selectorMatches({ requirements: s.requirements, text: '' }, labels);

describe('selector containment', () => {
  test('is sound: when outer contains inner, every label set inner selects, outer selects', () => {
    fc.assert(fc.property(selectorArb, selectorArb, (outer, inner) => {
      if (!selectorContains(outer, inner)) return;
      for (const labels of LABEL_SETS) if (matches(inner, labels)) expect(matches(outer, labels)).toBe(true);
    }), { numRuns: 2000 });
  });

  test('is reflexive, and the empty selector contains everything', () => {
    fc.assert(fc.property(selectorArb, (s) => {
      expect(selectorContains(s, s)).toBe(true);
      expect(selectorContains({ requirements: [] }, s)).toBe(true);
    }));
  });

  test('is transitive', () => {
    fc.assert(fc.property(selectorArb, selectorArb, selectorArb, (a, b, c) => {
      if (selectorContains(a, b) && selectorContains(b, c)) expect(selectorContains(a, c)).toBe(true);
    }), { numRuns: 1000 });
  });

  const req = (key: string, operator: LabelRequirement['operator'], ...values: string[]): LabelRequirement => ({ key, operator, values: new Set(values) });
  test.each([
    ['app in (a) is inside app in (a,b)', [req('app', 'In', 'a', 'b')], [req('app', 'In', 'a')], true],
    ['app in (a) is inside app exists', [req('app', 'Exists')], [req('app', 'In', 'a')], true],
    ['app in (a) is inside app notin (b)', [req('app', 'NotIn', 'b')], [req('app', 'In', 'a')], true],
    ['no app label is inside app notin (b)', [req('app', 'NotIn', 'b')], [req('app', 'DoesNotExist')], true],
    ['app notin (a,b) is inside app notin (a)', [req('app', 'NotIn', 'a')], [req('app', 'NotIn', 'a', 'b')], true],
    ['app in (a,b) is not inside app in (a)', [req('app', 'In', 'a')], [req('app', 'In', 'a', 'b')], false],
    ['a narrower selector does not contain a wider one', [req('app', 'In', 'a'), req('tier', 'Exists')], [req('app', 'In', 'a')], false],
  ])('%s', (_, outer, inner, expected) => {
    expect(selectorContains({ requirements: outer as LabelRequirement[] }, { requirements: inner as LabelRequirement[] })).toBe(expected);
  });
});
