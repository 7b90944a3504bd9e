import { cidrLast, cidrMinus, enclosingCidr, familyRoot, parseCidr, rangeCidrs } from '../../src/private/cidr';

const c = (text: string) => parseCidr(text)!;
const texts = (xs: { text: string }[]) => xs.map((x) => x.text);

describe('address ranges of CIDRs', () => {
  test('the roots and the last address of a block', () => {
    expect(familyRoot(4).text).toBe('0.0.0.0/0');
    expect(familyRoot(6).text).toBe('::/0');
    expect(cidrLast(c('10.0.0.0/8'))).toBe(c('10.255.255.255/32').network);
    expect(cidrLast(c('::/0'))).toBe((1n << 128n) - 1n);
  });

  test('a block minus others: nothing when they cover it, else the ranges left in order', () => {
    expect(cidrMinus(c('10.0.0.0/8'), [c('10.0.0.0/9'), c('10.128.0.0/9')])).toEqual([]);
    expect(cidrMinus(c('10.0.0.0/8'), [c('0.0.0.0/0')])).toEqual([]);
    expect(cidrMinus(c('10.0.0.0/8'), [c('192.168.0.0/16')])).toEqual([{ family: 4, first: c('10.0.0.0/8').network, last: cidrLast(c('10.0.0.0/8')) }]);
    const left = cidrMinus(c('10.128.0.0/24'), [c('10.128.0.10/32'), c('10.128.0.0/30')]);
    expect(left.map((r) => [r.first - c('10.128.0.0/32').network, r.last - c('10.128.0.0/32').network])).toEqual([[4n, 9n], [11n, 255n]]);
  });

  test('the fewest CIDRs of a range, and the smallest CIDR that holds it', () => {
    const base = c('10.128.0.0/32').network;
    expect(texts(rangeCidrs({ family: 4, first: base + 11n, last: base + 255n }))).toEqual([
      '10.128.0.11/32', '10.128.0.12/30', '10.128.0.16/28', '10.128.0.32/27', '10.128.0.64/26', '10.128.0.128/25',
    ]);
    expect(texts(rangeCidrs({ family: 6, first: 0n, last: (1n << 128n) - 1n }))).toEqual(['::/0']);
    expect(enclosingCidr({ family: 4, first: base + 4n, last: base + 255n }).text).toBe('10.128.0.0/24');
    expect(enclosingCidr({ family: 4, first: base + 10n, last: base + 10n }).text).toBe('10.128.0.10/32');
    expect(enclosingCidr({ family: 6, first: c('fd00::/9').network, last: cidrLast(c('fd80::/9')) }).text).toBe('fd00::/8');
  });
});
