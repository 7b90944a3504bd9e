/**
 * Reading manifests from files, directories and stdin, for the CLI (and the future `lint` command).
 * Kept next to the loader so every entry point reports problems the same way.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseManifestText, SourcedObject } from './load';
import { Problem } from './model';

const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];

export interface ReadResult {
  readonly objects: SourcedObject[];
  readonly problems: Problem[];
}

/**
 * Reads every path: a file (any extension, multi-document YAML or JSON), a directory (recursively, only
 * `*.yaml`, `*.yml`, `*.json`, in sorted order) or `-` for stdin.
 */
export function readManifestPaths(paths: readonly string[], readStdin: () => string): ReadResult {
  const objects: SourcedObject[] = [];
  const problems: Problem[] = [];
  // A loop, not push(...): spreading 100,000 objects into one call overflows the stack.
  const readText = (text: string, source: string) => {
    for (const o of parseManifestText(text, source, problems)) objects.push(o);
  };
  for (const p of paths) {
    if (p === '-') {
      readText(readStdin(), '<stdin>');
      continue;
    }
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch {
      problems.push({ source: p, object: 'path', path: '', message: 'no such file or directory' });
      continue;
    }
    const files = stat.isDirectory() ? listManifests(p) : [p];
    if (stat.isDirectory() && files.length === 0) {
      problems.push({ source: p, object: 'directory', path: '', message: `no ${MANIFEST_EXTENSIONS.map((e) => `*${e}`).join(', ')} files in this directory` });
    }
    for (const file of files) {
      try {
        readText(fs.readFileSync(file, 'utf8'), file);
      } catch (e) {
        problems.push({ source: file, object: 'file', path: '', message: `cannot be read: ${(e as Error).message}` });
      }
    }
  }
  return { objects, problems };
}

function listManifests(dir: string): string[] {
  const out: string[] = [];
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listManifests(full));
    else if (MANIFEST_EXTENSIONS.includes(path.extname(entry.name).toLowerCase())) out.push(full);
  }
  return out;
}
