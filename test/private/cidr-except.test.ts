import { cidrStrictlyContains, exceptThatFits, parseCidr } from '../../src/private/cidr';

describe('exceptThatFits: the except meant by one written with host bits set', () => {
  const outer = parseCidr('198.51.100.0/24')!;
  test.each([
    ['masks to the cidr itself: the largest block from the address', '198.51.100.128/24', '198.51.100.128/25'],
    ['an address aligned on /26', '198.51.100.64/24', '198.51.100.64/26'],
    ['an odd address: one host', '198.51.100.7/24', '198.51.100.7/32'],
    ['masked strictly inside already', '198.51.100.130/25', '198.51.100.128/25'],
    ['the network address itself: the first half', '198.51.100.0/16', '198.51.100.0/25'],
  ])('%s', (_, written, expected) => {
    const fit = exceptThatFits(outer, written)!;
    expect(fit.text).toBe(expected);
    // Following the advice works: the API server accepts it.
    expect(cidrStrictlyContains(outer, fit)).toBe(true);
  });

  test('nothing fits an address outside the cidr, another family, or no CIDR', () => {
    expect(exceptThatFits(outer, '10.0.0.1/24')).toBeUndefined();
    expect(exceptThatFits(outer, 'fd00::1/64')).toBeUndefined();
    expect(exceptThatFits(outer, 'banana')).toBeUndefined();
  });

  test('IPv6, and the API server\'s sloppy IPv4 (leading zeros)', () => {
    expect(exceptThatFits(parseCidr('2001:db8::/32')!, '2001:db8:8000::/32')!.text).toBe('2001:db8:8000::/33');
    expect(exceptThatFits(outer, '198.51.100.0128/24', true)!.text).toBe('198.51.100.128/25');
  });
});
