import * as fc from 'fast-check';
import { Peer } from '../../src';
import { parseCidr } from '../../src/private/cidr';
import { canonicalJson } from '../../src/private/json';

/** The straightforward form canonicalJson replaced: map, filter, sort, join. */
function reference(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const obj = value as { [key: string]: unknown };
    return `{${Object.keys(obj).filter((k) => obj[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${reference(obj[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

describe('canonicalJson', () => {
  test('agrees with the straightforward form on any value, undefined members included', () => {
    const value = fc.letrec((tie) => ({
      leaf: fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined)),
      node: fc.oneof({ depthSize: 'small' }, tie('leaf'), fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(fc.string(), tie('node'), { maxKeys: 5 })),
    })).node;
    fc.assert(fc.property(value, (v) => canonicalJson(v) === reference(v)), { numRuns: 2000 });
  });

  test('sorts keys, so key order never changes the text', () => {
    expect(canonicalJson({ b: [1, { d: 'x', c: null }], a: 'y', z: undefined })).toBe('{"a":"y","b":[1,{"c":null,"d":"x"}]}');
  });
});

describe('parseCidr cache', () => {
  test('returns the same frozen answer for the same text, strict and sloppy apart', () => {
    const first = parseCidr('10.0.0.1/24')!;
    expect(parseCidr('10.0.0.1/24')).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(first).toMatchObject({ text: '10.0.0.0/24', hostBitsSet: true, prefix: 24 });
    expect(() => {
      (first as any).prefix = 8;
    }).toThrow(TypeError);
    expect(parseCidr('010.0.0.0/08')).toBeUndefined();
    expect(parseCidr('010.0.0.0/08', true)!.text).toBe('10.0.0.0/8');
    expect(parseCidr('010.0.0.0/08')).toBeUndefined();
  });
});

describe('Peer.cidr specs', () => {
  test('are checked once per block and exceptions, and shared frozen; invalid input is never cached', () => {
    const a = Peer.cidr('203.0.113.0/24', { exceptions: ['203.0.113.128/25'] })._peerSpec();
    const b = Peer.cidr('203.0.113.0/24', { exceptions: ['203.0.113.128/25'] })._peerSpec();
    expect(b).toBe(a);
    expect(Object.isFrozen(a.blocks![0].exceptions)).toBe(true);
    expect(Peer.cidr('203.0.113.0/24')._peerSpec()).not.toBe(a);
    expect(Peer.cidr('203.0.113.1/24')._peerSpec().problems).toEqual([
      '"203.0.113.1/24" has host bits set, which is ambiguous: write "203.0.113.0/24" or a /32 for one host',
    ]);
    expect(Peer.cidr(42 as any)._peerSpec().problems[0]).toMatch(/must be a string/);
  });
});
