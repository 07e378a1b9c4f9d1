// `learndyn sweep merge DIR`: table.csv (one row per (cell, t)), summary.csv (one row per cell),
// table.npz and manifest.json, from the cell folders alone — so the bytes do not depend on where or in
// which order the cells ran (local, shards, Slurm). Nothing here holds a path, a time or a host.
// Figures: a family of curves coloured by one axis, a summary scalar against one axis, and (two axes or
// more) a heatmap of it over the first two.
import { concatBytes } from '../io/bytes.js';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CELLS, readCell } from './cells.js';
import { readSweepFile, type SweepFile } from './run.js';
import { decodeNpy, decodeNpz, encodeNpz, formatNumber, sha256Hex, canonical, type NdArray } from '../io/index.js';
import { VERSION } from '../version.js';

export const MERGED_FILES = { table: 'table.csv', summary: 'summary.csv', npz: 'table.npz', manifest: 'manifest.json' } as const;

function csvText(v: unknown): string {
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export interface CellData {
  index: number;
  id: string;
  axes: Record<string, unknown>;
  status: string;
  t: ArrayLike<number>;
  arrays: Map<string, ArrayLike<number>>;
  summary: Record<string, number>;
}

/** The t-aligned arrays of one cell (1-d, len(t), from arrays.npz or the .npy files), its status and
 *  summary scalars (manifest stats.summary). */
function readCellData(dir: string, c: SweepFile['cells'][number]): CellData {
  const folder = join(dir, CELLS, c.id);
  const rec = readCell(dir, c.id);
  const base: CellData = {
    index: c.index,
    id: c.id,
    axes: c.axes,
    status: rec.state === 'pending' ? 'Pending' : (rec.status ?? 'Error'),
    t: [],
    arrays: new Map(),
    summary: {},
  };
  if (rec.state === 'pending' || rec.status === 'Error') return base;
  const m = rec.manifest as {
    arrays?: Record<string, { shape: number[] }>;
    stats?: { summary?: Record<string, number | string> };
  };
  const sum = m.stats?.summary ?? {};
  for (const [k, v] of Object.entries(sum))
    base.summary[k] = typeof v === 'number' ? v : v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : NaN;
  const shapes = m.arrays ?? {};
  const tShape = shapes.t?.shape;
  if (tShape?.length !== 1) return base;
  const n = tShape[0];
  const names = Object.keys(shapes).filter((k) => shapes[k].shape.length === 1 && shapes[k].shape[0] === n);
  const npzPath = join(folder, 'arrays.npz');
  const get: (name: string) => ArrayLike<number> = existsSync(npzPath)
    ? (() => {
        const z = decodeNpz(readFileSync(npzPath));
        return (name: string) => z[name].data as unknown as ArrayLike<number>;
      })()
    : (name: string) => decodeNpy(readFileSync(join(folder, `${name}.npy`))).data as unknown as ArrayLike<number>;
  base.t = get('t');
  for (const k of names) if (k !== 't') base.arrays.set(k, get(k));
  return base;
}

/** The merged cells (what the figures draw; the explorer builds the same from merged files). */
export interface SweepData {
  cells: CellData[];
  axes: string[];
  summaryKeys: string[];
  arrayNames: string[];
}

export interface MergeResult extends SweepData {
  files: Record<string, Uint8Array>;
}

/** Build the merged files in memory (deterministic). */
export async function mergeSweep(dir: string): Promise<MergeResult> {
  const sf = readSweepFile(dir);
  const cells = sf.cells.map((c) => readCellData(dir, c));
  const axes = sf.axes;
  const arrayNames: string[] = [];
  const summaryKeys: string[] = [];
  for (const c of cells) {
    for (const k of c.arrays.keys()) if (!arrayNames.includes(k)) arrayNames.push(k);
    for (const k of Object.keys(c.summary)) if (!summaryKeys.includes(k)) summaryKeys.push(k);
  }
  // table.csv: one row per (cell, t).
  const enc = new TextEncoder();
  const head = ['cell', ...axes, 't', ...arrayNames].map(csvText).join(',');
  // Encoded cell by cell (one string per cell, not one per row: 10⁶ rows stay cheap for the GC);
  // the formatted times are reused while consecutive cells share their time grid.
  const chunks: Uint8Array[] = [enc.encode(head + '\n')];
  let total = 0;
  for (const c of cells) total += c.t.length;
  const npzCols: Record<string, Float64Array> = { cellIndex: new Float64Array(total), t: new Float64Array(total) };
  const numericAxes = axes.filter((k) => cells.every((c) => typeof c.axes[k] === 'number'));
  for (const k of numericAxes) npzCols[k] = new Float64Array(total);
  for (const k of arrayNames) npzCols[k] = new Float64Array(total).fill(NaN);
  let r = 0;
  let prevT: ArrayLike<number> = [];
  let tText: string[] = [];
  for (const c of cells) {
    const prefix = [c.id, ...axes.map((k) => csvText(c.axes[k]))].join(',') + ',';
    const cols = arrayNames.map((k) => c.arrays.get(k));
    let same = prevT.length === c.t.length;
    for (let i = 0; same && i < c.t.length; i++) same = Object.is(prevT[i], c.t[i]);
    if (!same) tText = Array.from(c.t, formatNumber);
    prevT = c.t;
    let text = '';
    for (let i = 0; i < c.t.length; i++, r++) {
      let line = prefix + tText[i];
      for (const a of cols) line += a && i < a.length ? ',' + formatNumber(a[i]) : ',';
      text += line + '\n';
      npzCols.cellIndex[r] = c.index;
      npzCols.t[r] = c.t[i];
      for (const k of numericAxes) npzCols[k][r] = c.axes[k] as number;
    }
    arrayNames.forEach((k, j) => {
      const a = cols[j];
      if (a) npzCols[k].set(Array.from(a).slice(0, c.t.length), r - c.t.length);
    });
    chunks.push(enc.encode(text));
  }
  const table = concatBytes(chunks);
  // summary.csv: one row per cell.
  const srows = [['cell', ...axes, 'status', ...summaryKeys].map(csvText).join(',')];
  for (const c of cells)
    srows.push(
      [c.id, ...axes.map((k) => csvText(c.axes[k])), c.status, ...summaryKeys.map((k) => (k in c.summary ? formatNumber(c.summary[k]) : ''))].join(','),
    );
  const summary = enc.encode(srows.join('\n') + '\n');
  const npz = encodeNpz(npzCols as Record<string, Float64Array | NdArray>);
  const files: Record<string, Uint8Array> = { [MERGED_FILES.table]: table, [MERGED_FILES.summary]: summary, [MERGED_FILES.npz]: npz };
  const counts = { cells: cells.length, done: cells.filter((c) => c.status === 'Success').length, pending: cells.filter((c) => c.status === 'Pending').length };
  const manifest = canonical({
    tool: 'learndyn',
    version: VERSION,
    command: ['learndyn', 'sweep', 'merge'],
    specHash: sf.specHash,
    spec: sf.spec,
    axes,
    counts: { ...counts, failed: cells.length - counts.done - counts.pending },
    columns: { table: ['cell', ...axes, 't', ...arrayNames], summary: ['cell', ...axes, 'status', ...summaryKeys], npz: Object.keys(npzCols).sort() },
    notes: 'table.npz: cellIndex = the cell’s index in the spec’s expansion order (sweep.json); non-numeric axes are in table.csv only',
    files: await Promise.all(Object.entries(files).map(async ([name, b]) => ({ name, bytes: b.length, sha256: await sha256Hex(b) }))),
  });
  files[MERGED_FILES.manifest] = enc.encode(JSON.stringify(manifest, null, 2) + '\n');
  return { files, cells, axes, summaryKeys, arrayNames };
}

/** Write the merged files (each via a temporary name and a rename). */
export function writeMerged(dir: string, files: Record<string, Uint8Array>): string[] {
  const out: string[] = [];
  for (const [name, bytes] of Object.entries(files)) {
    const p = join(dir, name);
    writeFileSync(`${p}.tmp-${process.pid}`, bytes);
    renameSync(`${p}.tmp-${process.pid}`, p);
    out.push(p);
  }
  return out;
}
