/**
 * The one-port matrix as fixed-width text, line by line, so the CLI can stream it (the text grows with pods²).
 */
import { hostNetworkReason, isReplicated } from './evaluate';
import { Matrix } from './matrix';

/** The mark after a workload of several pods (spec.replicas above 1, a DaemonSet): its diagonal cell is replica to replica. */
export const REPLICATED_MARK = '*';

/** True when some row stands for several pods, so the diagonal mixes the two meanings and the legend tells them apart. */
function anyReplicated(m: Matrix): boolean {
  return m.endpoints.some(isReplicated);
}

/**
 * The legend of a matrix: `?` only appears when some pair is undecidable. The diagonal says what it is: a pod to
 * itself (always allowed), and, for the workloads of several pods marked `*`, one replica to another.
 */
export function matrixLegend(m: Matrix): string {
  const diagonal = anyReplicated(m) ? `diagonal: a pod to itself, or for ${REPLICATED_MARK} (several pods) one replica to another` : 'diagonal: a pod to itself';
  return `rows: from, columns: to; ✓ allowed, · denied${m.anyUndecidable ? ', ? undecidable offline' : ''}; ${diagonal}`;
}

/** ` *` after a workload of several pods, nothing after the others. */
export function replicatedMark(m: Matrix, i: number): string {
  return isReplicated(m.endpoints[i]) ? ` ${REPLICATED_MARK}` : '';
}

/** `✓`, `·` or `?` for one pair. */
export function matrixMark(m: Matrix, i: number, j: number): string {
  return m.allowed(i, j) ? '✓' : m.anyUndecidable && m.undecidable(i, j) !== undefined ? '?' : '·';
}

/** One line per host-network endpoint saying why its flows are `?`; none when no pair is undecidable. */
export function undecidableNotes(m: Matrix): string[] {
  if (!m.anyUndecidable) return [];
  return m.endpoints.filter((e) => e.hostNetwork).map((e) => `? ${hostNetworkReason({ endpoint: e, id: e.id }, { endpoint: e, id: e.id })}`);
}

export function matrixLines(m: Matrix, portText: string, emit: (line: string) => void): void {
  const ids = m.endpoints.map((e) => e.id);
  const n = ids.length;
  emit(`reachability on ${portText} (${matrixLegend(m)})`);
  if (n === 0) {
    emit('(no pods or workloads)');
    return;
  }
  const cell = Math.max(2, String(n).length + 1);
  let widest = 0;
  ids.forEach((id, i) => (widest = Math.max(widest, id.length + replicatedMark(m, i).length)));
  const width = widest + String(n).length + 3;
  const pad = (s: string, w: number) => s + ' '.repeat(Math.max(0, w - s.length));
  const padLeft = (s: string, w: number) => ' '.repeat(Math.max(0, w - s.length)) + s;
  const header: string[] = [pad('', width)];
  for (let j = 0; j < n; j++) header.push(padLeft(String(j + 1), cell));
  emit(header.join(''));
  const marks = new Map(['✓', '·', '?'].map((x) => [x, padLeft(x, cell)]));
  for (let i = 0; i < n; i++) {
    const row: string[] = [pad(`${padLeft(String(i + 1), String(n).length)}. ${ids[i]}${replicatedMark(m, i)}`, width)];
    for (let j = 0; j < n; j++) row.push(marks.get(matrixMark(m, i, j))!);
    emit(row.join(''));
  }
  for (const note of undecidableNotes(m)) emit(note);
}
