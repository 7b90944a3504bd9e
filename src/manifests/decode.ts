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
 * Documents are split as kubectl's stream decoder splits them (kubectlSegments), not as the YAML spec does.
 *
 * @see https://github.com/kubernetes-sigs/yaml/blob/master/yaml.go
 * @see https://github.com/kubernetes/cli-runtime/blob/master/pkg/resource/visitor.go (the BOM-aware file reader)
 */
import { Alias, Composer, Document, isAlias, isMap, isPair, isScalar, isSeq, Lexer, LineCounter, Parser, ParsedNode, Scalar, ScalarTag, visit } from 'yaml';
import { Problem } from './problem';
import { escapeControls, truncate } from '../private/text';

/** Deeper nesting than any Kubernetes object needs: refused before the YAML composer recurses into it. */
export const MAX_DEPTH = 100;
/**
 * Alias expansion is bounded as go-yaml bounds it (v2 and v3 alike, `allowedAliasRatio` in decode.go), by the share of
 * decoded values that come from aliases, not by the number of aliases: a `List` of 150 Pods that share one anchored
 * spec (149 aliases) decodes, an alias bomb does not. go-yaml counts one "decode" per node it decodes (the document,
 * every key, value and item, an alias node, and again every node under an alias each time it is expanded; a merge key
 * `<<` itself is not decoded) and fails as soon as more than 100 decodes come from aliases, there are more than 1000
 * decodes in all, and the share from aliases is above 99% (up to 400,000 decodes), falling linearly to 10% at
 * 4,000,000 decodes and beyond.
 * @see https://github.com/go-yaml/yaml/blob/v2/decode.go (allowedAliasRatio, decoder.unmarshal, decoder.merge)
 */
export const ALIAS_RATIO = { minAliased: 100, minDecodes: 1000, low: 400_000, high: 4_000_000 } as const;
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

/** The share of decodes go-yaml lets come from aliases, for a document of `decodes` decodes so far. */
function allowedAliasRatio(decodes: number): number {
  if (decodes <= ALIAS_RATIO.low) return 0.99;
  if (decodes >= ALIAS_RATIO.high) return 0.10;
  return 0.99 - 0.89 * ((decodes - ALIAS_RATIO.low) / (ALIAS_RATIO.high - ALIAS_RATIO.low));
}

/** A merge key `<<` (plain; the YAML library resolves it to a symbol): go-yaml does not decode it. */
function isMergeKey(key: unknown): boolean {
  if (!isScalar(key)) return false;
  const v = key.value;
  return (typeof v === 'symbol' && v.description === '<<') || (v === '<<' && (!key.type || key.type === Scalar.PLAIN));
}

/**
 * The node each alias of `doc` stands for: the last node with its anchor before it, in the YAML library's visiting
 * order (as `Alias.resolve` finds it), found in one pass. `Alias.resolve` itself scans the document, or the list of
 * all anchors and aliases, for each alias: 8,000 aliases took 24 s.
 */
function aliasTargets(doc: Document.Parsed): Map<Alias, unknown> {
  const latest = new Map<string, unknown>();
  const targets = new Map<Alias, unknown>();
  visit(doc, {
    Node: (_key, node) => {
      if (isAlias(node)) targets.set(node, latest.get(node.source));
      else if (node.anchor) latest.set(node.anchor, node);
    },
  });
  return targets;
}

/**
 * Counts the decodes of a document as go-yaml does (ALIAS_RATIO), in go-yaml's order: `excessive` with the counts at
 * the first point where go-yaml would fail with "document contains excessive aliasing", or the counts of the whole;
 * `cycle` when an anchored node holds an alias of itself (go-yaml: "anchor 'a' value contains itself").
 * Nodes outside aliases are counted one by one; an expansion is added at once from the size of its target (memoized),
 * which gives the same verdict: inside an expansion every decode comes from an alias, so the share from aliases only
 * grows and the allowed share never grows, so if go-yaml fails during an expansion it would also fail at its end.
 * So the cost is linear in the document as written, however large its expansion.
 */
function aliasing(doc: Document.Parsed, targets: Map<Alias, unknown>): { excessive: boolean; cycle: boolean; aliased: number; decodes: number } {
  const sizes = new Map<unknown, number>();
  let cycle = false;
  /** What go-yaml decodes under a node, in its order (a missing key or value is a null node, decoded too). */
  const childrenOf = (node: unknown): unknown[] => {
    if (isAlias(node)) {
      const target = targets.get(node);
      return target ? [target] : [];
    }
    if (isSeq(node)) return node.items.map((i) => i ?? null);
    if (isMap(node)) {
      const out: unknown[] = [];
      for (const pair of node.items) {
        if (isMergeKey(pair.key)) {
          // decoder.merge: a sequence of maps is merged last to first, and the sequence node itself is not decoded.
          if (isSeq(pair.value)) for (let i = pair.value.items.length - 1; i >= 0; i--) out.push(pair.value.items[i] ?? null);
          else out.push(pair.value ?? null);
        } else {
          out.push(pair.key ?? null, pair.value ?? null);
        }
      }
      return out;
    }
    return [];
  };
  /** Decodes of `root` and everything under it, aliases expanded; without recursion (post-order on a stack). */
  const sizeOf = (root: unknown): number => {
    const stack: { node: unknown; open: boolean }[] = [{ node: root, open: false }];
    const open = new Set<unknown>();
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (!top.open) {
        if (sizes.has(top.node)) { // met twice before it was sized (two aliases of one anchor)
          stack.pop();
          continue;
        }
        if (open.has(top.node)) { // an anchor that holds an alias of itself
          cycle = true;
          sizes.set(top.node, 1);
          stack.pop();
          continue;
        }
        top.open = true;
        open.add(top.node);
        for (const child of childrenOf(top.node)) if (child !== null && !sizes.has(child)) stack.push({ node: child, open: false });
        continue;
      }
      stack.pop();
      open.delete(top.node);
      let total = 1;
      for (const child of childrenOf(top.node)) total += child === null ? 1 : sizes.get(child) ?? 1;
      sizes.set(top.node, total);
    }
    return sizes.get(root) ?? 1;
  };
  let decodes = 1; // the document node
  let aliased = 0;
  const failed = () => aliased > ALIAS_RATIO.minAliased && decodes > ALIAS_RATIO.minDecodes && aliased / decodes > allowedAliasRatio(decodes);
  // Outside aliases, in go-yaml's order: each node is one decode; an alias node is one more, then its expansion.
  const stack: unknown[] = doc.contents === null ? [] : [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    decodes++;
    if (failed()) return { excessive: true, cycle, aliased, decodes };
    if (node === null) continue;
    if (isAlias(node)) {
      const target = targets.get(node);
      if (!target) continue;
      const expansion = sizeOf(target);
      decodes += expansion;
      aliased += expansion;
      if (failed()) return { excessive: true, cycle, aliased, decodes };
      continue;
    }
    const children = childrenOf(node);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  return { excessive: false, cycle, aliased, decodes };
}

/**
 * Makes the YAML library resolve each alias to the node `aliasTargets` found, in constant time: its `resolve` keeps
 * the anchors and aliases of the document in `ctx.aliasResolveCache` and scans it up to the alias; a one-node list
 * holding the target gives the same answer at once. (If a later version of the library stops reading the cache, its
 * own, slower, scan gives the same answer.)
 */
function resolveAliasesFrom(targets: Map<Alias, unknown>): void {
  const resolve = Alias.prototype.resolve;
  for (const [alias, target] of targets) {
    alias.resolve = function (this: Alias, doc, ctx) {
      if (ctx) ctx.aliasResolveCache = target ? [target as never] : [];
      return resolve.call(this, doc, ctx);
    };
  }
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
    // Aliases were bounded before (excessiveAliasing), as go-yaml bounds them: no second, tighter count here.
    const value = doc.toJS({ maxAliasCount: -1 });
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

/** Go's unicode.IsSpace: the white space kubectl skips before sniffing JSON, and after a JSON object. */
const GO_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
/** How far kubectl looks for the `{` that makes a stream JSON (the decoder's buffer, in UTF-8 bytes). */
const JSON_SNIFF_BYTES = 4096;

/** One piece of text kubectl decodes as one document: a JSON value, or the text between two `---` lines. */
interface Segment {
  readonly start: number;
  readonly end: number;
  readonly json: boolean;
}

/** Where kubectl stops reading a stream, and why. */
interface StreamStop {
  readonly offset: number;
  readonly message: string;
}

/**
 * The end of the JSON value that starts at `start` (a JSON-whitespace-free position), or -1 when the text there is
 * not one (a syntax error or the end of the text inside it). The end is found by matching brackets outside strings;
 * `JSON.parse` then decides whether the value is JSON, so a value is accepted exactly when it is.
 */
function jsonValueEnd(text: string, start: number): number {
  let end = -1;
  const c = text[start];
  const stringEnd = (from: number): number => { // `from` is just after the opening quote
    for (let i = from; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 92) i++; // a backslash escapes the next character
      else if (ch === 34) return i + 1;
    }
    return -1;
  };
  if (c === '{' || c === '[') {
    let depth = 0;
    for (let i = start; i < text.length && end < 0; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 34) {
        const e = stringEnd(i + 1);
        if (e < 0) return -1;
        i = e - 1;
      } else if (ch === 123 || ch === 91) {
        depth++;
      } else if ((ch === 125 || ch === 93) && --depth === 0) {
        end = i + 1;
      }
    }
  } else if (c === '"') {
    end = stringEnd(start + 1);
  } else {
    // A number or a literal runs to the next delimiter (Go's decoder reads it so).
    end = start;
    while (end < text.length && !/[\s{}[\],:"]/.test(text[end])) end++;
  }
  if (end <= start) return -1;
  try {
    JSON.parse(text.slice(start, end));
    return end;
  } catch {
    return -1;
  }
}

/**
 * The documents of a text as kubectl decodes them (apimachinery's YAMLOrJSONDecoder, Kubernetes 1.33 and later),
 * checked against that decoder built from source:
 * - When the first non-space character (within 4,096 bytes) is `{`, the text is read as a stream of JSON values
 *   (`{...}{...}`, or one per line). If a value is not JSON and at most one was read before it, kubectl tries YAML
 *   from there instead (after the white space up to the first line break): so a JSON object followed by `---` and
 *   YAML documents is read, and so is JSON with comments. After two JSON values, it stops with the JSON error.
 * - YAML is split into documents at lines that start with `---`. Such a line may hold only white space or a comment
 *   after the marker: anything else (`--- |`, `----`) stops kubectl with "invalid Yaml document separator". Each
 *   piece is then decoded as one YAML document: what follows a `...` in it is ignored, and a `%YAML` or `%TAG`
 *   directive (which must stand before a `---` line) is alone in its piece and cannot be decoded. Both are checked
 *   when the pieces are read (parseManifestText).
 * @see https://github.com/kubernetes/apimachinery/blob/master/pkg/util/yaml/decoder.go
 */
function kubectlSegments(text: string): { segments: Segment[]; stop?: StreamStop } {
  const segments: Segment[] = [];
  let from = 0;
  let lead = 0;
  while (lead < text.length && GO_SPACE.test(text[lead])) lead++;
  if (text[lead] === '{' && Buffer.byteLength(text.slice(0, lead + 1), 'utf8') <= JSON_SNIFF_BYTES) {
    let pos = 0; // the end of the last value read
    let values = 0;
    for (;;) {
      let p = pos;
      while (p < text.length && (text[p] === ' ' || text[p] === '\t' || text[p] === '\r' || text[p] === '\n')) p++;
      if (p === text.length) return { segments };
      const end = jsonValueEnd(text, p);
      if (end > 0) {
        segments.push({ start: p, end, json: true });
        values++;
        pos = end;
        continue;
      }
      if (values > 1) {
        return {
          segments,
          stop: { offset: p, message: `not JSON after ${values} JSON values: kubectl reads this file as a stream of JSON values and stops here; write every document in JSON, or every document after the first in YAML after a \`---\` line` },
        };
      }
      from = pos;
      while (from < text.length && GO_SPACE.test(text[from])) {
        if (text[from++] === '\n') break;
      }
      break;
    }
  }
  let chunkStart = from;
  for (let i = from; i < text.length;) {
    const nl = text.indexOf('\n', i);
    const lineEnd = nl < 0 ? text.length : nl + 1;
    if (text.startsWith('---', i)) {
      let a = i + 3;
      let b = lineEnd;
      while (a < b && GO_SPACE.test(text[a])) a++;
      while (b > a && GO_SPACE.test(text[b - 1])) b--;
      if (a < b && text[a] !== '#') {
        return {
          segments,
          stop: { offset: i, message: 'a `---` line with more than a comment after the marker: kubectl splits documents at `---` lines and stops here ("invalid Yaml document separator"); put the document on the lines after a `---` line of its own' },
        };
      }
      if (i > chunkStart) segments.push({ start: chunkStart, end: i, json: false });
      chunkStart = lineEnd;
    }
    i = lineEnd;
  }
  if (chunkStart < text.length) segments.push({ start: chunkStart, end: text.length, json: false });
  return { segments };
}

/**
 * Parses YAML or JSON text with any number of documents, split as kubectl splits them (kubectlSegments). Problems
 * (syntax, aliasing, depth, values JSON cannot hold, text kubectl stops at or ignores) are reported per document,
 * with line and column; a document that fails is left out, the others are read.
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
  // Lines of the whole text; each document is parsed on its own, at an offset into it.
  const lines = new LineCounter();
  lines.addNewLine(0);
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', nl + 1)) lines.addNewLine(nl + 1);
  const lineAt = (offset: number) => lines.linePos(offset).line;
  const { segments, stop } = kubectlSegments(text);
  const read: { value: unknown; index: number; line?: number; range: [number, number] }[] = [];
  let index = 0;
  let fatal = false;
  /** Reads the first YAML document of a segment (the only one of a JSON value); `base` is the segment's offset. */
  const take = (doc: Document.Parsed, i: number, base: number) => {
    const issue = doc.errors[0] ?? doc.warnings[0];
    if (issue) {
      const pos = lines.linePos(base + issue.pos[0]);
      fail(i, `${yamlMessage(issue.message)} (line ${pos.line}, column ${pos.col})`, pos.line);
      return;
    }
    const targets = aliasTargets(doc);
    const aliases = aliasing(doc, targets);
    if (aliases.cycle) {
      fail(i, 'an anchor holds an alias of itself, which cannot be decoded (go-yaml: "anchor value contains itself")');
      return;
    }
    resolveAliasesFrom(targets);
    if (aliases.excessive) {
      fail(i, `too many aliases: ${aliases.aliased} of the first ${aliases.decodes} values decoded come from aliases, more than kubectl's YAML decoder allows ("excessive aliasing", as in an alias bomb): write the values out`);
      return;
    }
    const line = doc.contents ? lineAt(base + doc.contents.range[0]) : undefined;
    let value: unknown;
    try {
      const plain = toPlain(doc);
      if (plain.collectionKey) {
        fail(i, 'a mapping key is itself a map or a list, which cannot be decoded (JSON keys are strings; an unquoted `{{ ... }}` is one)', line);
        return;
      }
      value = plain.value;
    } catch (e) {
      const message = (e as Error)?.message ?? '';
      fail(i, `cannot be decoded: ${yamlMessage(message)}`);
      return;
    }
    if (value === null || value === undefined) return; // an empty document (only comments, say)
    const bad = notJson(value);
    if (bad) {
      fail(i, bad, line);
      return;
    }
    // The YAML library shares one value between an anchor and its aliases; kubectl decodes every alias into a copy of
    // its own (YAML -> JSON text -> object). Copies here too, so nothing done to one object can change another. The
    // size of the copy is bounded by the aliasing bound above.
    if (aliases.aliased > 0) value = JSON.parse(JSON.stringify(value));
    read.push({ value, index: i, line, range: [base + doc.range[0], base + doc.range[2]] });
  };
  const tooLarge = () => problems.push({
    source,
    object: '',
    path: '',
    category: 'decode',
    message: `a document of more than ${MAX_TOKENS} YAML tokens: too large to read safely (no Kubernetes object is; split it)`,
  });
  // One lexer pass per segment feeds the parser token by token and counts the tokens: a huge document is refused
  // before its syntax tree grows past the cap.
  function* syntaxTrees(slice: string): Generator<ReturnType<Parser['next']> extends Generator<infer T> ? T : never> {
    const parser = new Parser();
    let count = 0;
    for (const token of kubectlLexer().lex(slice)) {
      // White space comes as tokens of its own, which start with it; they do not count.
      const c = token.charCodeAt(0);
      if (c !== 32 && c !== 10 && c !== 13 && c !== 9 && token !== DOCUMENT_START && ++count > MAX_TOKENS) throw new TooLarge();
      yield* parser.next(token);
    }
    yield* parser.end();
  }
  try {
    for (const segment of segments) {
      const i = index++;
      const slice = text.slice(segment.start, segment.end);
      const composer = new Composer(COMPOSE_OPTIONS);
      let first: Document.Parsed | undefined;
      let ignored: Document.Parsed | undefined;
      let directive: number | undefined;
      let documents = 0;
      const seen = (doc: Document.Parsed) => {
        if (!first) first = doc;
        else if (!ignored && (doc.contents !== null || doc.errors.length > 0)) ignored = doc;
      };
      for (const cst of syntaxTrees(slice)) {
        if (cstDepth([cst]) > MAX_DEPTH) {
          fail(undefined, `nested deeper than ${MAX_DEPTH} levels (no Kubernetes object is): not read`);
          fatal = true;
          break;
        }
        // A directive before the segment's first document; one after a `...` belongs to the text kubectl ignores.
        if (cst.type === 'document') documents++;
        else if (cst.type === 'directive' && documents === 0 && directive === undefined) directive = cst.offset;
        for (const doc of composer.next(cst)) seen(doc);
      }
      if (fatal) break;
      for (const doc of composer.end()) seen(doc);
      if (directive !== undefined) {
        const line = lineAt(segment.start + directive);
        fail(i, `a %YAML or %TAG directive (line ${line}): kubectl splits documents at \`---\` lines, so the directive stands alone and cannot be decoded (go-yaml: "did not find expected <document start>"); remove it`, line);
        continue;
      }
      if (ignored) {
        const line = lineAt(segment.start + ignored.range[0]);
        fail(i, `text after a \`...\` document end (line ${line}) up to the next \`---\` line: kubectl decodes one document between \`---\` lines and ignores the rest, so it would never be applied; start the document with a \`---\` line instead of \`...\``, line);
        continue;
      }
      if (first) take(first, i, segment.start);
    }
  } catch (e) {
    if (e instanceof TooLarge) {
      tooLarge();
      return [];
    }
    fail(undefined, `cannot be decoded: ${yamlMessage((e as Error)?.message ?? String(e))}`);
    fatal = true;
  }
  if (stop && !fatal) {
    const pos = lines.linePos(stop.offset);
    fail(index++, `${stop.message} (line ${pos.line}, column ${pos.col})`, pos.line);
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
      again = { root: doc?.contents ?? null, lines: counter, base: lineAt(entry.range[0]) - 1 };
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
