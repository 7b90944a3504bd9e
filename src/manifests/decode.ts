/**
 * Decoding manifest text (YAML or JSON, any number of documents) into raw objects with their sources.
 */
import { parseAllDocuments } from 'yaml';
import { Problem } from './problem';

/** A raw object and where it came from. */
export interface SourcedObject {
  readonly object: unknown;
  /** File name, chart path or caller label, plus the document number when there are several. */
  readonly source: string;
}

/**
 * Parses YAML or JSON text with any number of documents. Syntax errors become problems of the document.
 */
export function parseManifestText(text: string, source: string, problems: Problem[]): SourcedObject[] {
  const out: SourcedObject[] = [];
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [docs];
  const many = list.length > 1;
  list.forEach((doc, i) => {
    const where = many ? `${source} (document ${i + 1})` : source;
    if (doc.errors.length > 0) {
      problems.push({ source: where, object: `document ${i + 1}`, path: '', message: `not valid YAML/JSON: ${doc.errors[0].message.split('\n')[0]}` });
      return;
    }
    const value = doc.toJS({ maxAliasCount: 1000 });
    if (value === null || value === undefined) return; // empty document (e.g. a trailing `---`)
    out.push({ object: value, source: where });
  });
  return out;
}

