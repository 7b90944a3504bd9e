/**
 * The floor of the scale rows: the time to just parse YAML files with the `yaml` package, every document to plain
 * JavaScript values, timed in this process after reading the files. Two ways, both printed:
 * - `ms`: one document at a time (`Composer` over `Parser`), the faster way and the floor the ratios use;
 * - `allDocumentsMs`: `parseAllDocuments`, the usual call, which holds every parse tree at once.
 * Prints `{"ms": ..., "allDocumentsMs": ..., "documents": ...}`; `--stream-only` skips the second (null).
 */
import * as fs from 'fs';
import { Composer, parseAllDocuments, Parser } from 'yaml';

const streamOnly = process.argv.includes('--stream-only');
const texts = process.argv.slice(2).filter((a) => a !== '--stream-only').map((f) => fs.readFileSync(f, 'utf8'));
const time = (f: () => number) => {
  const started = process.hrtime.bigint();
  const n = f();
  return { n, ms: Number(process.hrtime.bigint() - started) / 1e6 };
};
const streamed = time(() => {
  let n = 0;
  for (const text of texts) for (const doc of new Composer().compose(new Parser().parse(text))) if (doc.toJS() !== null) n++;
  return n;
});
const all = streamOnly ? { n: streamed.n, ms: NaN } : time(() => {
  let n = 0;
  for (const text of texts) for (const doc of parseAllDocuments(text)) if ('toJS' in doc && doc.toJS() !== null) n++;
  return n;
});
if (streamed.n !== all.n) throw new Error(`the two parses disagree: ${streamed.n} and ${all.n} documents`);
console.log(JSON.stringify({ ms: streamed.ms, allDocumentsMs: all.ms, documents: streamed.n }));
