/**
 * The one-port matrix as fixed-width text, line by line, so the CLI can stream it (the text grows with pods²).
 */
import { Matrix } from './matrix';

export function matrixLines(m: Matrix, portText: string, emit: (line: string) => void): void {
  const ids = m.endpoints.map((e) => e.id);
  const n = ids.length;
  emit(`reachability on ${portText} (rows: from, columns: to; ✓ allowed, · denied)`);
  if (n === 0) {
    emit('(no pods or workloads)');
    return;
  }
  const cell = Math.max(2, String(n).length + 1);
  let widest = 0;
  for (const id of ids) widest = Math.max(widest, id.length);
  const width = widest + String(n).length + 3;
  const pad = (s: string, w: number) => s + ' '.repeat(Math.max(0, w - s.length));
  const padLeft = (s: string, w: number) => ' '.repeat(Math.max(0, w - s.length)) + s;
  const header: string[] = [pad('', width)];
  for (let j = 0; j < n; j++) header.push(padLeft(String(j + 1), cell));
  emit(header.join(''));
  const yes = padLeft('✓', cell);
  const no = padLeft('·', cell);
  for (let i = 0; i < n; i++) {
    const row: string[] = [pad(`${padLeft(String(i + 1), String(n).length)}. ${ids[i]}`, width)];
    for (let j = 0; j < n; j++) row.push(m.allowed(i, j) ? yes : no);
    emit(row.join(''));
  }
}
