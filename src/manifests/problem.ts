/**
 * Problems of the input: what cannot be read, decoded, or would be rejected by the API server.
 */

/** A reason the API server would reject an object (or the engine cannot model it). */
export interface Problem {
  /** File name, chart path or caller-given label. */
  readonly source: string;
  /** `Kind ns/name`, or `Kind name` for cluster-scoped objects, or `document N` when the object is unreadable. */
  readonly object: string;
  /** Field path, e.g. `spec.ingress[0].from[1].ipBlock.except[0]`; empty for the whole object. */
  readonly path: string;
  readonly message: string;
}

export function formatProblem(p: Problem): string {
  return `${p.source}: ${p.object}${p.path ? `: ${p.path}` : ''}: ${p.message}`;
}

/** Thrown by the facade when the input holds objects the API server would reject. */
export class InvalidManifestsError extends Error {
  constructor(public readonly problems: readonly Problem[]) {
    super(
      `${problems.length} problem${problems.length === 1 ? '' : 's'} in the manifests (the API server would reject them); nothing was evaluated:\n` +
      problems.map((p) => `  ${formatProblem(p)}`).join('\n'),
    );
    this.name = 'InvalidManifestsError';
  }
}

