/**
 * The floor of the scale rows: the time to just parse YAML files with the `yaml` package (every document to plain
 * JavaScript values), timed in this process after reading the files. Prints `{"ms": ..., "documents": ...}`.
 */
import * as fs from 'fs';
import { parseAllDocuments } from 'yaml';

const texts = process.argv.slice(2).map((f) => fs.readFileSync(f, 'utf8'));
const started = process.hrtime.bigint();
let documents = 0;
for (const text of texts) {
  for (const doc of parseAllDocuments(text)) {
    if ('toJS' in doc && doc.toJS() !== null) documents++;
  }
}
const ms = Number(process.hrtime.bigint() - started) / 1e6;
console.log(JSON.stringify({ ms, documents }));
