/**
 * The floor of the scale rows: the time to just parse the YAML with the `yaml` package (every document to plain
 * JavaScript values), in this process. Prints `{"ms": ..., "documents": ...}`.
 */
import * as fs from 'fs';
import { parseAllDocuments } from 'yaml';

const text = fs.readFileSync(process.argv[2], 'utf8');
const started = process.hrtime.bigint();
let documents = 0;
for (const doc of parseAllDocuments(text)) {
  if ('toJS' in doc && doc.toJS() !== null) documents++;
}
const ms = Number(process.hrtime.bigint() - started) / 1e6;
console.log(JSON.stringify({ ms, documents }));
