/**
 * Untrusted text in human-readable output. Manifests come from repositories anyone can send a pull request to, so a
 * name, a label value or a file name may hold terminal escapes (ESC), newlines that start a forged line, GitHub
 * Actions workflow commands (`::error::`), bidirectional overrides, or megabytes of text. Every message shows such
 * values through `quote`, and the CLI passes everything it prints through `safeOutput`.
 *
 * @see https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions
 */
import { parseCidr, parseIp } from './cidr';

/** C0 and C1 controls, DEL, line/paragraph separators and bidi controls ("Trojan Source"). */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** The same, except newline and tab: the layout characters of our own output. */
const UNSAFE_IN_OUTPUT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** The longest value a message shows; longer values are cut with `…` and their length. */
export const MAX_SHOWN = 80;

function hex4(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

const NAMED: { [c: string]: string } = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Escapes every control character of one-line text (newlines included) as `\n` or `\uXXXX`. */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, (c) => NAMED[c] ?? hex4(c));
}

/** Cuts text to `max` characters (not splitting a surrogate pair), saying how long it was. */
export function truncate(text: string, max: number = MAX_SHOWN): string {
  if (text.length <= max) return text;
  let cut = max;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return `${text.slice(0, cut)}… (${text.length} characters)`;
}

/** What kind of JSON value this is, without showing it: `a string`, `a number`, `a map`... */
export function typeName(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string': return 'a string';
    case 'number': return 'a number';
    case 'boolean': return 'a boolean';
    case 'object': return 'a map';
    default: return `a ${typeof value}`;
  }
}

/**
 * A value for a message: strings in double quotes, other values as compact JSON; control characters escaped, and
 * cut to `max` characters. Never throws (cycles and exotic values included) and never walks more than it shows.
 */
export function quote(value: unknown, max: number = MAX_SHOWN): string {
  if (typeof value === 'string') return `"${truncate(escapeControls(value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')), max)}"`;
  if (value === undefined) return 'nothing';
  const out: string[] = [];
  let length = 0;
  let cut = false;
  const push = (s: string) => {
    if (cut) return;
    if (length + s.length > max) {
      out.push(s.slice(0, Math.max(0, max - length)));
      cut = true;
      return;
    }
    out.push(s);
    length += s.length;
  };
  const seen = new Set<unknown>();
  const visit = (v: unknown) => {
    if (cut) return;
    if (v === null || typeof v === 'boolean') return push(String(v));
    if (typeof v === 'number') return push(Number.isFinite(v) ? String(v) : String(v));
    if (typeof v === 'string') return push(`"${escapeControls(v.replace(/\\/g, '\\\\').replace(/"/g, '\\"'))}"`);
    if (typeof v !== 'object') return push(`<${typeof v}>`);
    if (seen.has(v)) return push('<cycle>');
    seen.add(v);
    if (Array.isArray(v)) {
      push('[');
      for (let i = 0; i < v.length && !cut; i++) {
        if (i > 0) push(',');
        visit(v[i]);
      }
      push(']');
    } else {
      push('{');
      let first = true;
      for (const key of Object.keys(v as object)) {
        if (cut) break;
        if (!first) push(',');
        first = false;
        push(`"${escapeControls(key)}":`);
        visit((v as { [k: string]: unknown })[key]);
      }
      push('}');
    }
    seen.delete(v);
  };
  try {
    visit(value);
  } catch {
    return `<${typeName(value)}>`;
  }
  return cut ? `${out.join('')}…` : out.join('');
}

/** A file name or other untrusted identifier on one line: control characters escaped, cut at 200 characters. */
export function safeName(text: string): string {
  return truncate(escapeControls(text), 200);
}

/** Free text shown in messages, e.g. a construct path: longer than a name, still cut. */
export const MAX_FREE_TEXT = 200;

/**
 * A line that starts (after blanks) with `::` may be a GitHub Actions workflow command (`::error::`, `::add-mask::`).
 * An IPv6 address or block there (`::/0`, `::1`, `::ffff:10.0.0.0/104`, as the first column of a table) is none:
 * no command name is an address, so it is left as it is.
 */
const LINE_START_COLONS = /^([^\S\r\n]*)::([^\s]*)/gm;

function isIpv6Literal(text: string): boolean {
  const bare = text.replace(/[,;)|]+$/, '');
  return bare.includes('/') ? parseCidr(bare) !== undefined : parseIp(bare)?.family === 6;
}

/**
 * Everything the CLI prints goes through this: control characters other than newline and tab are escaped, a line
 * that would start a GitHub Actions workflow command (`::`) gets a backslash in front, and the legacy form `##[`,
 * which the runner reads anywhere in a line, loses its second `#` to `\u0023` (valid inside a JSON string too, where
 * it decodes to the same text).
 */
export function safeOutput(text: string): string {
  return text
    .replace(UNSAFE_IN_OUTPUT, hex4)
    .replace(LINE_START_COLONS, (match, blanks: string, rest: string) => (isIpv6Literal(`::${rest}`) ? match : `${blanks}\\::${rest}`))
    .replace(/##\[/g, '#\\u0023[');
}

/**
 * Untrusted text inside a Markdown code span, for a pull-request comment: a code span renders its content literally
 * (no HTML tag or comment, no image, link, autolink, @mention or emoji), so nothing in it can hide or forge the rest
 * of the comment. Controls and newlines are escaped first (a code span stays on one line), the fence is one backtick
 * longer than the longest run inside (CommonMark's rule, so a backtick ends nothing), padded when the content
 * starts or ends with a backtick or a blank, and `|` is written `\|` so that a GFM table cell does not end there
 * (GFM drops the backslash before a pipe in a cell, code spans included).
 *
 * @see https://spec.commonmark.org/0.31.2/#code-spans
 * @see https://github.github.com/gfm/#example-200
 */
export function markdownCode(text: string, max: number = MAX_FREE_TEXT): string {
  const content = truncate(escapeControls(text), max);
  let longest = 0;
  for (const run of content.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(longest + 1);
  const pad = /^[` ]|[` ]$/.test(content) && content.trim() !== '' ? ' ' : '';
  return `${fence}${pad}${content.replace(/\|/g, '\\|')}${pad}${fence}`;
}
