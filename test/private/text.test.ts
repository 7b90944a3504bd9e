import { escapeControls, markdownCode, quote, safeOutput, truncate } from '../../src/private/text';

describe('showing untrusted text', () => {
  test.each([
    ['a plain string', 'web', '"web"'],
    ['quotes and backslashes', 'a"b\\c', '"a\\"b\\\\c"'],
    ['ESC and newlines', 'a\u001b[2J\nb', '"a\\u001b[2J\\nb"'],
    ['a number', 8080, '8080'],
    ['a boolean', true, 'true'],
    ['null', null, 'null'],
    ['nothing', undefined, 'nothing'],
    ['a map', { a: [1, 'x'] }, '{"a":[1,"x"]}'],
  ])('quotes %s', (_, value, expected) => {
    expect(quote(value)).toBe(expected);
  });

  test('cuts long strings and says how long they were', () => {
    expect(quote('x'.repeat(1000), 10)).toBe(`"${'x'.repeat(10)}… (1000 characters)"`);
    expect(truncate('abc', 5)).toBe('abc');
  });

  test('cuts big and cyclic values without walking them whole', () => {
    const cyclic: any = { a: 1 };
    cyclic.self = cyclic;
    expect(quote(cyclic)).toBe('{"a":1,"self":<cycle>}');
    const huge = Array.from({ length: 1e6 }, (_, i) => i);
    expect(quote(huge, 20)).toBe('[0,1,2,3,4,5,6,7,8,9…');
  });

  test('escapes C0, C1, DEL, line separators and bidi controls', () => {
    expect(escapeControls('\u0000\u007f\u0085\u2028\u202e\u2066')).toBe('\\u0000\\u007f\\u0085\\u2028\\u202e\\u2066');
  });

  test('the output filter keeps newlines and tabs, escapes the rest, and defuses workflow commands', () => {
    expect(safeOutput('ok\tline\n\u001b[31mred\n::error::forged\n  ::warning::x\n')).toBe('ok\tline\n\\u001b[31mred\n\\::error::forged\n  \\::warning::x\n');
  });
});

describe('workflow commands and IPv6 blocks', () => {
  test('an IPv6 address or block at the start of a line is no workflow command and stays as it is', () => {
    expect(safeOutput('::/0       shop/web  TCP/*\n  ::1 x\n::ffff:10.0.0.0/104, y\n')).toBe('::/0       shop/web  TCP/*\n  ::1 x\n::ffff:10.0.0.0/104, y\n');
  });

  test('anything else after :: at the start of a line is defused, addresses that hide a command included', () => {
    expect(safeOutput('::add-mask::x\n\t::dead::beef\n::/0::error::x\n')).toBe('\\::add-mask::x\n\t\\::dead::beef\n\\::/0::error::x\n');
  });

  test('the legacy ##[command] form, which the runner finds anywhere in a line, is defused everywhere', () => {
    expect(safeOutput('a ##[error]b ###[x]')).toBe('a #\\u0023[error]b ##\\u0023[x]');
    expect(JSON.parse(safeOutput(JSON.stringify('##[set-output name=a]\u202e')))).toBe('##[set-output name=a]\u202e');
  });
});

describe('markdownCode', () => {
  test.each([
    ['plain', 'shop/web', '`shop/web`'],
    ['a backtick inside', 'a`b', '``a`b``'],
    ['backticks at the ends', '`x``', '``` `x`` ```'],
    ['blanks at both ends', ' x ', '`  x  `'],
    ['a pipe', 'a|b', '`a\\|b`'],
    ['a newline and bidi', 'a\n\u202eb', '`a\\n\\u202eb`'],
  ])('%s', (_, text, expected) => {
    expect(markdownCode(text)).toBe(expected);
  });

  test('cuts long text', () => {
    expect(markdownCode('x'.repeat(300), 5)).toBe('`xxxxx… (300 characters)`');
  });
});
