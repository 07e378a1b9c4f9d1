// Sweeps in the browser (the explorer's Sweep tab), browser-safe: the merged cells (SweepData, what
// the sweep figures draw) rebuilt from the files `sweep merge` writes — table.csv + summary.csv, or
// manifest.json + table.npz (+ summary.csv) — or from a small sweep run in the page through the same
// descriptors and the same summaries as `sweep run` (commandBundle → manifest stats.summary).
import { commandBundle, curveSummary, normaliseParams, prepareCommand, type EngineDescriptor, type Solved } from '../core/engine.js';
import type { SolveOptions } from '../core/contract.js';
import { ParameterError } from '../core/validate.js';
import { MemoryBudgetError } from '../wasm/arena.js';
import { decodeNpz } from '../io/index.js';
import { parseNumber } from '../io/csv.js';
import type { CellData, SweepData } from './merge.js';
import { axesText, checkSpec, expandAxes, SweepSpecError } from './spec.js';
import { cellArgv } from './cell-argv.js';

/** RFC 4180 rows (quoted fields with "" escapes; \n or \r\n line ends). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** An axis value as merge wrote it (csvText): numbers, booleans, JSON lists/objects, else the text. */
function axisValue(s: string): unknown {
  if (s === 'true' || s === 'false') return s === 'true';
  if (/^[[{]/.test(s)) {
    try {
      return JSON.parse(s);
    } catch {
      return s;
    }
  }
  const n = parseNumber(s);
  return s !== '' && !Number.isNaN(n) ? n : /^(nan|-?inf)$/i.test(s) ? n : s;
}

/** Array names and summary keys in order of first appearance (as mergeSweep lists them). */
export function sweepData(cells: CellData[], axes: string[]): SweepData {
  const arrayNames: string[] = [];
  const summaryKeys: string[] = [];
  for (const c of cells) {
    for (const k of c.arrays.keys()) if (!arrayNames.includes(k)) arrayNames.push(k);
    for (const k of Object.keys(c.summary)) if (!summaryKeys.includes(k)) summaryKeys.push(k);
  }
  return { cells, axes, summaryKeys, arrayNames };
}

/** summary.csv → cells with axes, status and summary scalars (no curves). */
function cellsFromSummary(summaryCsv: string): { cells: CellData[]; axes: string[] } {
  const [head, ...rows] = parseCsv(summaryCsv).filter((r) => r.length > 1 || r[0] !== '');
  const st = head?.indexOf('status') ?? -1;
  if (head?.[0] !== 'cell' || st < 1) throw new Error('summary.csv: the header must start with cell, the axes, then status (a file of `learndyn sweep merge`)');
  const axes = head.slice(1, st);
  const keys = head.slice(st + 1);
  const cells = rows.map((r, index) => ({
    index,
    id: r[0],
    axes: Object.fromEntries(axes.map((a, j) => [a, axisValue(r[1 + j])])),
    status: r[st],
    t: [] as number[],
    arrays: new Map<string, ArrayLike<number>>(),
    summary: Object.fromEntries(keys.filter((_, j) => r[st + 1 + j] !== '').map((k) => [k, parseNumber(r[st + 1 + keys.indexOf(k)])])),
  }));
  return { cells, axes };
}

/** Curves from table.csv (one row per cell and time) into the cells (created when summary.csv is absent). */
function addTable(tableCsv: string, known?: { cells: CellData[]; axes: string[] }): { cells: CellData[]; axes: string[] } {
  const [head, ...rows] = parseCsv(tableCsv).filter((r) => r.length > 1 || r[0] !== '');
  const ti = head?.indexOf('t') ?? -1;
  if (head?.[0] !== 'cell' || ti < 1) throw new Error('table.csv: the header must start with cell, the axes, then t (a file of `learndyn sweep merge`)');
  const axes = head.slice(1, ti);
  const names = head.slice(ti + 1);
  const cells = known?.cells ?? [];
  const byId = new Map(cells.map((c) => [c.id, c]));
  const cols = new Map<CellData, { t: number[]; ys: number[][] }>();
  for (const r of rows) {
    let c = byId.get(r[0]);
    if (!c) {
      c = {
        index: cells.length,
        id: r[0],
        axes: Object.fromEntries(axes.map((a, j) => [a, axisValue(r[1 + j])])),
        status: 'Success',
        t: [],
        arrays: new Map(),
        summary: {},
      };
      cells.push(c);
      byId.set(c.id, c);
    }
    let col = cols.get(c);
    if (!col) cols.set(c, (col = { t: [], ys: names.map(() => []) }));
    col.t.push(parseNumber(r[ti]));
    names.forEach((_, j) => col.ys[j].push(parseNumber(r[ti + 1 + j] ?? '')));
  }
  for (const [c, col] of cols) {
    c.t = Float64Array.from(col.t);
    // Columns a cell does not have are empty in every one of its rows.
    names.forEach((n, j) => {
      if (col.ys[j].some((v) => !Number.isNaN(v)) || rows.length === 0) c.arrays.set(n, Float64Array.from(col.ys[j]));
    });
  }
  return { cells, axes: known?.axes ?? axes };
}

/** The merged sweep from table.csv and/or summary.csv (either alone works: curves or scalars only). */
export function fromTables(tableCsv?: string, summaryCsv?: string): SweepData {
  if (!tableCsv && !summaryCsv) throw new Error('choose table.csv and/or summary.csv');
  let got = summaryCsv ? cellsFromSummary(summaryCsv) : undefined;
  if (tableCsv) got = addTable(tableCsv, got);
  return sweepData(got!.cells, got!.axes);
}

/** The merged sweep from manifest.json + table.npz (+ summary.csv for the engines' own scalars). The
 *  cells' axes come from the spec in the manifest (cellIndex = index in its expansion order); without
 *  summary.csv the scalars are each curve's final value, minimum and its time (curveSummary). */
export function fromNpz(manifestJson: string, npz: Uint8Array, summaryCsv?: string): SweepData {
  const man = JSON.parse(manifestJson) as {
    spec?: { command: string; base?: object; grid?: Record<string, unknown[]>; zip?: Record<string, unknown[]> };
    axes?: string[];
  };
  if (!man.spec || !man.axes) throw new Error('manifest.json: not the manifest of `learndyn sweep merge` (no spec and axes)');
  const rowsAxes = expandAxes({ command: man.spec.command, base: {}, grid: man.spec.grid ?? {}, zip: man.spec.zip ?? {} });
  const z = decodeNpz(npz);
  const col = (k: string) => z[k]?.data as unknown as ArrayLike<number> | undefined;
  const index = col('cellIndex');
  const t = col('t');
  if (!index || !t) throw new Error('table.npz: no cellIndex and t columns (a file of `learndyn sweep merge`)');
  const skip = new Set(['cellIndex', 't', ...man.axes]);
  const names = Object.keys(z).filter((k) => !skip.has(k));
  const fromSummary = summaryCsv ? cellsFromSummary(summaryCsv).cells : undefined;
  const cells: CellData[] = [];
  let i = 0;
  while (i < index.length) {
    let j = i;
    while (j < index.length && index[j] === index[i]) j++;
    const ci = index[i];
    const arrays = new Map<string, ArrayLike<number>>();
    const tt = Float64Array.from({ length: j - i }, (_, q) => t[i + q]);
    for (const n of names) {
      const a = col(n)!;
      const y = Float64Array.from({ length: j - i }, (_, q) => a[i + q]);
      if (y.some((v) => !Number.isNaN(v))) arrays.set(n, y);
    }
    const s = fromSummary?.[ci];
    let summary = s?.summary;
    if (!summary) {
      summary = {};
      for (const [n, y] of arrays) Object.assign(summary, curveSummary(n, tt, y));
    }
    cells.push({ index: ci, id: s?.id ?? `cell ${ci}`, axes: rowsAxes[ci] ?? {}, status: s?.status ?? 'Success', t: tt, arrays, summary });
    i = j;
  }
  // Cells without rows (pending, failed) still appear with their axes.
  for (let ci = 0; ci < rowsAxes.length; ci++)
    if (!cells.some((c) => c.index === ci)) {
      const s = fromSummary?.[ci];
      cells.push({
        index: ci,
        id: s?.id ?? `cell ${ci}`,
        axes: rowsAxes[ci],
        status: s?.status ?? 'Pending',
        t: [],
        arrays: new Map(),
        summary: s?.summary ?? {},
      });
    }
  cells.sort((a, b) => a.index - b.index);
  return sweepData(cells, man.axes);
}

export interface PageSweepOptions {
  /** Refuse larger sweeps (the page runs cells one at a time in its worker). */
  maxCells: number;
  solve?: Omit<SolveOptions, 'onProgress'>;
  /** After each cell: its index, the count, its status. */
  onCell?: (done: number, total: number, status: string) => void;
  signal?: AbortSignal;
}

/** A small sweep run in the page: the spec checked and every cell prepared (validated) before any
 *  runs, as `sweep run` does; each cell's curves and summary scalars are those its --out bundle holds. */
export async function runPageSweep(raw: unknown, engines: readonly EngineDescriptor[], opts: PageSweepOptions): Promise<SweepData> {
  const { spec, engine, command } = checkSpec(raw, engines);
  const rows = expandAxes(spec);
  if (rows.length > opts.maxCells)
    throw new SweepSpecError(`sweep: ${rows.length} cells; the page runs at most ${opts.maxCells} (run larger sweeps with learndyn sweep run)`);
  const base = normaliseParams(spec.base, command.fields);
  const prepared: unknown[] = [];
  for (const [index, axes] of rows.entries()) {
    try {
      prepared.push(await prepareCommand(engine, command, { ...base, ...normaliseParams(axes, command.fields) }));
    } catch (e) {
      if (e instanceof ParameterError || e instanceof MemoryBudgetError) throw new SweepSpecError(`sweep cell ${index} (${axesText(axes)}): ${e.message}`);
      throw e;
    }
  }
  const cells: CellData[] = [];
  for (const [index, axes] of rows.entries()) {
    if (opts.signal?.aborted) break;
    const cell: CellData = { index, id: `cell ${index}`, axes, status: 'Error', t: [], arrays: new Map(), summary: {} };
    try {
      const sol = (await command.solve(prepared[index], { ...opts.solve, signal: opts.signal })) as Solved;
      const params = { ...base, ...normaliseParams(axes, command.fields) };
      const b = await commandBundle(command, sol, cellArgv(spec.command, command.fields, params));
      cell.status = sol.status;
      const arrays = b.arrays ?? {};
      const t = arrays.t as ArrayLike<number> | undefined;
      if (t && ArrayBuffer.isView(t)) {
        cell.t = t;
        for (const [k, a] of Object.entries(arrays))
          if (k !== 't' && ArrayBuffer.isView(a) && (a as ArrayLike<number>).length === t.length) cell.arrays.set(k, a as unknown as ArrayLike<number>);
      }
      // In key order, as the written manifest (canonical JSON) holds them and merge reads them.
      const sum = (b.manifest?.stats as { summary?: Record<string, number> } | undefined)?.summary ?? {};
      cell.summary = Object.fromEntries(Object.entries(sum).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    } catch (e) {
      cell.status = 'Error';
      cell.summary = {};
      if (!(e instanceof Error)) throw e;
    }
    cells.push(cell);
    opts.onCell?.(index + 1, rows.length, cell.status);
  }
  return sweepData(cells, [...Object.keys(spec.grid), ...Object.keys(spec.zip)]);
}
