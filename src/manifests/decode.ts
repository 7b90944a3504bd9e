/**
 * Decoding manifest text as kubectl does: YAML 1.1 (merge keys `<<`, octal `0120`, `yes`/`off` booleans), JSON
 * (UTF-8, or UTF-16 with a byte order mark), any number of `---` separated documents. Everything else is rejected
 * with the file, document, line and column, never with the text itself.
 *
 * kubectl decodes YAML with sigs.k8s.io/yaml (go-yaml v2, YAML 1.1 scalars) and then JSON into the API types:
 * - integers: decimal, `0x1F`, `0o17`, `0b101`, and YAML 1.1 octal `0120` (= 80); `_` separators;
 * - booleans: y/Y/yes/Yes/YES/on/On/ON/true..., n/N/no/No/NO/off/Off/OFF/false...; a boolean where the API type has a
 *   string (a label value, a name) fails to decode, as it does here;
 * - timestamps and sexagesimal numbers (`1:30`) stay strings (go-yaml v2 decodes them so into interface{});
 * - `.inf`/`.nan` cannot become JSON and fail.
 *
 * @see https://github.com/kubernetes-sigs/yaml/blob/master/yaml.go
 * @see https://github.com/kubernetes/cli-runtime/blob/master/pkg/resource/visitor.go (the BOM-aware file reader)
 */
import { Composer, Document, isMap, isPair, isScalar, isSeq, Lexer, LineCounter, Parser, ParsedNode, Scalar, ScalarTag } from 'yaml';
import { Problem } from './problem';
import { escapeControls, truncate } from '../private/text';

/** Deeper nesting than any Kubernetes object needs: refused before the YAML composer recurses into it. */
export const MAX_DEPTH = 100;
/** Aliases per document (go-yaml v2 also refuses excessive aliasing): an alias bomb stops here. */
export const MAX_ALIASES = 100;
/** The largest manifest text read at once (a file, stdin, or `Reachability.fromYaml`). */
export const MAX_TEXT_BYTES = 128 * 1024 * 1024;
/**
 * YAML tokens (other than white space) per document. The syntax tree takes about 400 bytes a token and documents are
 * read one at a time, so this keeps memory under a few hundred MB however a document is written (a 16 MiB document
 * of `- 1` lines is 12 million tokens). The largest Kubernetes objects (a big ConfigMap, a CRD) are far below it.
 */
export const MAX_TOKENS = 750_000;

/** Thrown from the token stream when a document passes MAX_TOKENS. */
class TooLarge extends Error {}

/** The lexer's mark for the start of the text's first document (later ones start with a `---` token). */
const DOCUMENT_START = '\x02';

/** A raw object and where it came from. */
export interface SourcedObject {
  readonly object: unknown;
  /** For messages: `file:line (document N)`, a chart path, or a caller-given label. */
  readonly source: string;
  /** The file (or label) alone. @default - `source` */
  readonly file?: string;
  /** The 1-based document of a file, when it holds several. */
  readonly document?: number;
  /** The 1-based line the object starts on. */
  readonly line?: number;
  /** The line of a field path (`spec.ingress[0].from`) inside the object, when read from text. */
  readonly locate?: (path: string) => number | undefined;
}

/** 0o17 is octal for go-yaml v2 (Go's strconv with base 0), a string in YAML 1.1. */
const OCTAL_0O: ScalarTag = {
  identify: (value) => typeof value === 'number',
  default: true,
  tag: 'tag:yaml.org,2002:int',
  format: 'OCT',
  test: /^[-+]?0o[0-7_]+$/,
  resolve: (text: string) => {
    const sign = text.startsWith('-') ? -1 : 1;
    return sign * parseInt(text.replace(/^[-+]/, '').slice(2).replace(/_/g, ''), 8);
  },
};

/** The YAML 1.1 schema as go-yaml v2 reads it: no timestamps, no sexagesimal numbers, no binary/set/omap/pairs. */
function kubectlTags(tags: unknown[]): unknown[] {
  const drop = new Set(['tag:yaml.org,2002:timestamp', 'tag:yaml.org,2002:binary', 'tag:yaml.org,2002:omap', 'tag:yaml.org,2002:pairs', 'tag:yaml.org,2002:set']);
  const kept = tags.filter((t) => {
    const tag = t as { tag: string; format?: string };
    return !drop.has(tag.tag) && tag.format !== 'TIME';
  });
  return [...kept, OCTAL_0O];
}

const COMPOSE_OPTIONS = {
  version: '1.1' as const,
  merge: true,
  uniqueKeys: true,
  prettyErrors: false,
  customTags: kubectlTags as any,
  // The library's only warning (a collection as a mapping key) is caught by toPlain: it is a problem of the input.
  logLevel: 'warn' as const,
};

/**
 * A lexer that reads flow collections (`[...]`, `{...}`) as go-yaml (libyaml) does: inside them, the indentation of a
 * line does not matter, so a line that starts with a tab (`args: [`, newline, tab, `"-x",`) or with fewer spaces than
 * the block around it continues the collection, where the YAML library ends it with "must be sufficiently indented".
 * The library's lexer checks the indentation of each line inside a flow collection against `indentNext`, the
 * indentation the surrounding block needs: it is set to 0 while a flow collection is lexed, and restored after.
 * A `---` or `...` at the start of a line still ends the collection (an error), as in libyaml.
 */
function kubectlLexer(): Lexer {
  const lexer = new Lexer();
  const state = lexer as unknown as { indentNext: number; parseFlowCollection: () => Generator<string, string> };
  const flow = state.parseFlowCollection;
  state.parseFlowCollection = function* flowCollection() {
    const saved = state.indentNext;
    state.indentNext = 0;
    // A document marker met inside (an error) starts a new document with its own indentation: keep that one.
    let marker = false;
    const tokens = flow.call(lexer);
    try {
      for (;;) {
        const next = tokens.next();
        if (next.done) return next.value;
        if (next.value === '---' || next.value === '...') marker = true;
        yield next.value;
      }
    } finally {
      if (!marker && state.indentNext === 0) state.indentNext = saved;
    }
  };
  return lexer;
}

/** The syntax trees of `text`, lexed as kubectl does (kubectlLexer). */
function* parseCst(text: string, parser: Parser): Generator<ReturnType<Parser['next']> extends Generator<infer T> ? T : never> {
  for (const token of kubectlLexer().lex(text)) yield* parser.next(token);
  yield* parser.end();
}

/**
 * Converts a parsed document to plain values. A mapping key that is itself a map or list (`{{ .Values.name }}: x`,
 * `? [a, b]`) cannot be decoded by kubectl (JSON keys are strings), while the YAML library would make a string of it
 * and say so only through its logger: the logger's one warning is caught here and becomes the problem. A cheaper
 * check than walking every node before the conversion.
 */
function toPlain(doc: Document.Parsed): { value?: unknown; collectionKey?: boolean } {
  const emit = process.emitWarning;
  let collectionKey = false;
  process.emitWarning = ((warning: string | Error) => {
    if (String(warning).includes('Keys with collection values')) collectionKey = true;
  }) as typeof process.emitWarning;
  try {
    const value = doc.toJS({ maxAliasCount: MAX_ALIASES });
    return collectionKey ? { collectionKey } : { value };
  } finally {
    process.emitWarning = emit;
  }
}

/**
 * Bytes to text as kubectl's file reader does: a UTF-16 (LE or BE) or UTF-8 byte order mark decides the encoding;
 * without one, UTF-8 (invalid sequences become U+FFFD).
 */
export function decodeBytes(bytes: Uint8Array): string {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return b.subarray(2).toString('utf16le');
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) {
    const body = Buffer.from(b.subarray(2, 2 + ((b.length - 2) & ~1)));
    return body.swap16().toString('utf16le');
  }
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return b.subarray(3).toString('utf8');
  return b.toString('utf8');
}

/** The deepest nesting of a CST, walked without recursion (the composer recurses, so it must not see a deep one). */
function cstDepth(tokens: readonly unknown[]): number {
  let max = 0;
  const stack: [unknown, number][] = tokens.map((t) => [t, 0]);
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > max) max = depth;
    if (max > MAX_DEPTH) return max;
    const n = node as { items?: { key?: unknown; value?: unknown }[]; value?: unknown; contents?: unknown };
    if (Array.isArray(n.items)) {
      for (const item of n.items) {
        if (item && typeof item === 'object') {
          if (item.key && typeof item.key === 'object') stack.push([item.key, depth + 1]);
          if (item.value && typeof item.value === 'object') stack.push([item.value, depth + 1]);
        }
      }
    }
    if (n.value && typeof n.value === 'object' && !Array.isArray(n.value)) stack.push([n.value, depth + 1]);
    if (n.contents && typeof n.contents === 'object') stack.push([n.contents, depth]);
  }
  return max;
}

/** A YAML library message on one line, without the position (given separately) or any source text. */
function yamlMessage(message: string): string {
  const first = message.split('\n')[0].replace(/\s*at line \d+, column \d+:?\s*$/, '').replace(/:\s*$/, '');
  return truncate(escapeControls(first), 160);
}

/** Checks that a decoded value is JSON (finite numbers, plain maps and lists); returns a problem text if not. */
function notJson(value: unknown): string | undefined {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'number' && !Number.isFinite(v)) return `${v} (.inf or .nan) cannot be represented in JSON, so kubectl cannot send it`;
    if (v !== null && typeof v === 'object') {
      if (Array.isArray(v)) {
        for (const item of v) stack.push(item);
      } else if (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null) {
        for (const item of Object.values(v as object)) stack.push(item);
      } else {
        return 'a value of an explicit YAML type that is not JSON';
      }
    }
  }
  return undefined;
}

/** Splits a field path (`spec.ingress[0].from`, `metadata.labels.app.kubernetes.io/name`) into steps. */
function pathSteps(path: string): (string | number)[] {
  const steps: (string | number)[] = [];
  for (const part of path.split('.')) {
    const m = /^([^[]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) {
      steps.push(part);
      continue;
    }
    if (m[1] !== '') steps.push(m[1]);
    for (const idx of m[2].match(/\d+/g) ?? []) steps.push(Number(idx));
  }
  return steps;
}

/** The line of the node at `path` under `root` (the deepest node found on the way). */
function lineOf(root: ParsedNode | null, path: string, lines: LineCounter): number | undefined {
  let node: unknown = root;
  let line: number | undefined;
  const lineAt = (n: unknown) => {
    const range = (n as { range?: [number, number, number] })?.range;
    return range ? lines.linePos(range[0]).line : undefined;
  };
  line = lineAt(node);
  const steps = path === '' ? [] : pathSteps(path);
  for (let i = 0; i < steps.length && node; ) {
    const step = steps[i];
    if (isSeq(node) && typeof step === 'number') {
      node = node.items[step];
      i++;
    } else if (isMap(node)) {
      // Label keys hold dots: try the longest key first.
      let found = false;
      for (let j = steps.length; j > i && !found; j--) {
        const key = steps.slice(i, j).join('.');
        const pair = ((node as { items: unknown[] }).items)
          .find((p): p is { key: unknown; value: unknown } => isPair(p) && isScalar(p.key) && String((p.key as Scalar).value) === key);
        if (pair) {
          const keyLine = lineAt(pair.key);
          if (keyLine !== undefined) line = keyLine;
          node = pair.value;
          i = j;
          found = true;
        }
      }
      if (!found) return line;
      continue;
    } else {
      return line;
    }
    const l = lineAt(node);
    if (l !== undefined) line = l;
  }
  return line;
}

/**
 * Parses YAML or JSON text with any number of documents. Problems (syntax, aliasing, depth, values JSON cannot hold)
 * are reported per document, with line and column; a document that fails is left out, the others are read.
 */
export function parseManifestText(text: string, source: string, problems: Problem[]): SourcedObject[] {
  // Decoding problems by 0-based document index: documents are numbered once their count is known.
  const pending: { index?: number; message: string; line?: number }[] = [];
  // A Helm or other Go template is not YAML until it is rendered: say so instead of only quoting the parser.
  const template = /\{\{-?\s*[.$a-zA-Z/]/.test(text);
  const fail = (index: number | undefined, message: string, line?: number) => pending.push({
    index,
    message: template ? `${message}; the file holds Go template syntax ({{ ... }}): render it first (helm template CHART, or your tool's equivalent) and read the output` : message,
    line,
  });
  const flush = (many: boolean) => {
    for (const f of pending) {
      const document = many && f.index !== undefined ? f.index + 1 : undefined;
      problems.push({ source, document, line: f.line, object: '', path: '', message: f.message, category: 'decode' });
    }
  };
  if (text.length > MAX_TEXT_BYTES) {
    problems.push({ source, object: 'file', path: '', message: `larger than ${MAX_TEXT_BYTES / 1024 / 1024} MiB: not read`, category: 'read' });
    return [];
  }
  // One document at a time: each syntax tree is dropped once converted, so memory follows the largest document,
  // not the text (parseAllDocuments holds every tree at once).
  const lines = new LineCounter();
  const composer = new Composer(COMPOSE_OPTIONS);
  const read: { value: unknown; index: number; line?: number; range: [number, number] }[] = [];
  let index = 0;
  let fatal = false;
  const take = (doc: Document.Parsed) => {
    const i = index++;
    const issue = doc.errors[0] ?? doc.warnings[0];
    if (issue) {
      const pos = issue.linePos?.[0] ?? lines.linePos(issue.pos[0]);
      fail(i, `${yamlMessage(issue.message)} (line ${pos.line}, column ${pos.col})`, pos.line);
      return;
    }
    let value: unknown;
    try {
      const plain = toPlain(doc);
      if (plain.collectionKey) {
        const line = doc.contents ? lines.linePos(doc.contents.range[0]).line : undefined;
        fail(i, 'a mapping key is itself a map or a list, which cannot be decoded (JSON keys are strings; an unquoted `{{ ... }}` is one)', line);
        return;
      }
      value = plain.value;
    } catch (e) {
      const message = (e as Error)?.message ?? '';
      fail(i, /alias/i.test(message)
        ? `too many aliases (more than ${MAX_ALIASES} expansions, as in an alias bomb): write the values out`
        : `cannot be decoded: ${yamlMessage(message)}`);
      return;
    }
    if (value === null || value === undefined) return; // an empty document (e.g. a trailing `---`)
    const line = doc.contents ? lines.linePos(doc.contents.range[0]).line : undefined;
    const bad = notJson(value);
    if (bad) {
      fail(i, bad, line);
      return;
    }
    read.push({ value, index: i, line, range: [doc.range[0], doc.range[2]] });
  };
  const tooLarge = () => problems.push({
    source,
    object: '',
    path: '',
    category: 'decode',
    message: `a document of more than ${MAX_TOKENS} YAML tokens: too large to read safely (no Kubernetes object is; split it)`,
  });
  // One lexer pass feeds the parser token by token and counts the tokens of the current document: a huge document
  // is refused before its syntax tree grows past the cap (the lexer marks the first document's start with \x02, later
  // ones start with `---`).
  function* documents(): Generator<ReturnType<Parser['next']> extends Generator<infer T> ? T : never> {
    const parser = new Parser(lines.addNewLine);
    lines.addNewLine(0); // as Parser.parse() does: line 1 starts at offset 0
    let count = 0;
    for (const token of kubectlLexer().lex(text)) {
      if (token === DOCUMENT_START || token === '---' || token === '...') {
        count = 0;
      } else {
        // White space comes as tokens of its own, which start with it; they do not count.
        const c = token.charCodeAt(0);
        if (c !== 32 && c !== 10 && c !== 13 && c !== 9 && ++count > MAX_TOKENS) throw new TooLarge();
      }
      yield* parser.next(token);
    }
    yield* parser.end();
  }
  try {
    for (const cst of documents()) {
      if (cstDepth([cst]) > MAX_DEPTH) {
        fail(undefined, `nested deeper than ${MAX_DEPTH} levels (no Kubernetes object is): not read`);
        fatal = true;
        break;
      }
      for (const doc of composer.next(cst)) take(doc);
    }
    if (!fatal) for (const doc of composer.end()) take(doc);
  } catch (e) {
    if (e instanceof TooLarge) {
      tooLarge();
      return [];
    }
    fail(undefined, `cannot be decoded: ${yamlMessage((e as Error)?.message ?? String(e))}`);
    fatal = true;
  }
  // Documents are numbered only when there are several.
  const many = index > 1;
  flush(many);
  if (fatal) return [];
  // Lines of fields are looked up rarely (for problems and findings): the syntax tree is not kept; the one document
  // asked about is parsed again on its first lookup.
  const reparsed = new Map<number, { root: ParsedNode | null; lines: LineCounter; base: number }>();
  const located = (entry: { index: number; range: [number, number] }, path: string) => {
    let again = reparsed.get(entry.index);
    if (!again) {
      const counter = new LineCounter();
      const slice = text.slice(entry.range[0], entry.range[1]);
      counter.addNewLine(0);
      const [doc] = [...new Composer(COMPOSE_OPTIONS).compose(parseCst(slice, new Parser(counter.addNewLine)))];
      again = { root: doc?.contents ?? null, lines: counter, base: lines.linePos(entry.range[0]).line - 1 };
      reparsed.clear(); // one at a time: findings come grouped by object
      reparsed.set(entry.index, again);
    }
    const line = lineOf(again.root, path, again.lines);
    return line === undefined ? undefined : line + again.base;
  };
  return read.map((entry) => {
    const document = many ? entry.index + 1 : undefined;
    return {
      object: entry.value,
      source: `${source}${entry.line !== undefined ? `:${entry.line}` : ''}${many ? ` (document ${document})` : ''}`,
      file: source,
      document,
      line: entry.line,
      locate: (path: string) => located(entry, path),
    };
  });
}
