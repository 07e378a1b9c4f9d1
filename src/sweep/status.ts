// `learndyn sweep status DIR`: how many cells are done, failed, pending, and why the failed ones failed.
import { readCell, type CellRecord } from './cells.js';
import { readSweepFile } from './run.js';
import { axesText } from './spec.js';

export interface SweepCounts {
  cells: number;
  done: number;
  failed: number;
  pending: number;
}

export interface SweepStatus {
  counts: SweepCounts;
  failures: { index: number; id: string; axes: Record<string, unknown>; status: string; reason: string }[];
  records: (CellRecord & { index: number; id: string; axes: Record<string, unknown> })[];
}

export function sweepStatus(dir: string): SweepStatus {
  const sf = readSweepFile(dir);
  const counts: SweepCounts = { cells: sf.cells.length, done: 0, failed: 0, pending: 0 };
  const failures: SweepStatus['failures'] = [];
  const records: SweepStatus['records'] = [];
  for (const c of sf.cells) {
    const r = readCell(dir, c.id);
    counts[r.state]++;
    records.push({ ...r, ...c });
    if (r.state === 'failed') failures.push({ index: c.index, id: c.id, axes: c.axes, status: r.status ?? 'Error', reason: r.reason ?? '' });
  }
  return { counts, failures, records };
}

export function failureLines(st: SweepStatus): string[] {
  return st.failures.map(
    (f) => `failed: cell ${f.index} ${f.id} (${axesText(f.axes)}): ${f.status}${f.reason && f.reason !== f.status ? ` — ${f.reason}` : ''}`,
  );
}
