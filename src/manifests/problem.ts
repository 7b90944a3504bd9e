/**
 * Problems of the input, in four kinds the user fixes differently: a path that cannot be read, text that is not
 * YAML/JSON, a document that is not a Kubernetes object, and an object the API server would reject (or stores, with a
 * value whose enforcement is undefined: refused all the same, as no answer would be exact).
 */
import { escapeControls, safeName, truncate } from '../private/text';

/** What went wrong, from the outside in. */
export type ProblemCategory = 'read' | 'decode' | 'object' | 'invalid' | 'ambiguous';

const LABELS: { [c in ProblemCategory]: string } = {
  read: 'cannot read',
  decode: 'not YAML/JSON',
  object: 'not a Kubernetes object',
  invalid: 'the API server would reject',
  ambiguous: 'the API server stores it, but enforcement is undefined',
};

/** Which object: made once by the loader from the object's fields, never parsed back from text. */
export interface ObjectRef {
  readonly kind: string;
  /** @default - cluster-scoped (a Namespace) */
  readonly namespace?: string;
  readonly name: string;
}

/** `Kind ns/name`, or `Kind name` for a cluster-scoped object: how messages and findings name an object. */
export function refText(ref: ObjectRef): string {
  return ref.namespace === undefined ? `${ref.kind} ${ref.name}` : `${ref.kind} ${ref.namespace}/${ref.name}`;
}

/** A reason the input cannot be evaluated. */
export interface Problem {
  /** File name, chart path or caller-given label. */
  readonly source: string;
  /** The 1-based document of a multi-document file. */
  readonly document?: number;
  /** `Kind ns/name`, or `Kind name` for cluster-scoped objects, or `document N` when the object is unreadable. */
  readonly object: string;
  /** Field path, e.g. `spec.ingress[0].from[1].ipBlock.except[0]`; empty for the whole object. */
  readonly path: string;
  readonly message: string;
  /** @default 'invalid' */
  readonly category?: ProblemCategory;
  /** The 1-based line of the field (or object) in the file, when known. */
  readonly line?: number;
  /** The object, once kind and name are known. */
  readonly ref?: ObjectRef;
}

/** `file:line (document N)`: where an object or problem is. */
export function whereText(source: string, document?: number, line?: number): string {
  return `${safeName(source)}${line !== undefined ? `:${line}` : ''}${document !== undefined ? ` (document ${document})` : ''}`;
}

/** `file:line (document N): object: path: message`, on one line whatever the input held. */
export function formatProblem(p: Problem): string {
  const where = whereText(p.source, p.document, p.line);
  return `${where}: ${p.object ? `${safeName(p.object)}: ` : ''}${p.path ? `${safeName(p.path)}: ` : ''}${truncate(escapeControls(p.message), 2000)}`;
}

/** The kind of problem as the error list shows it: `cannot read`, `not YAML/JSON`... */
export function problemLabel(p: Problem): string {
  return LABELS[p.category ?? 'invalid'];
}

/** Thrown by the facade when the input cannot be evaluated: every problem, grouped by kind. */
export class InvalidManifestsError extends Error {
  constructor(public readonly problems: readonly Problem[]) {
    super(
      `${problems.length} problem${problems.length === 1 ? '' : 's'} in the input; nothing was evaluated:\n` +
      problems.map((p) => `  ${problemLabel(p)}: ${formatProblem(p)}`).join('\n'),
    );
    this.name = 'InvalidManifestsError';
  }
}
