// The explorer's sweep data (src/sweep/browse.ts) against `sweep merge`: the cells rebuilt from
// table.csv + summary.csv, from manifest.json + table.npz (+ summary.csv), and a sweep run in the
// page equal the merge's own cells (axes, status, curves, summary scalars), and draw the same figures.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergeSweep, type SweepData } from '../../src/sweep/merge.js';
import { fromNpz, fromTables, parseCsv, runPageSweep } from '../../src/sweep/browse.js';
import { curvesFigure, heatmapSpec, summaryFigure } from '../../src/sweep/figures.js';
import { vegaLiteSpec } from '../../src/plot/figure.js';
import { cli, TEST_ENGINES } from './toy.js';

// Axis values of several kinds (numbers, a list, a string) exercise the CSV round trip.
const SPEC = { command: 'toy decay', base: { count: 4 }, grid: { rate: [0.5, 1, 2, 200] }, zip: { y0: [1, 3] } };

const plain = (d: SweepData) => ({
  axes: d.axes,
  summaryKeys: d.summaryKeys,
  arrayNames: d.arrayNames,
  cells: d.cells.map((c) => ({
    axes: c.axes,
    status: c.status,
    t: Array.from(c.t),
    arrays: Object.fromEntries([...c.arrays].map(([k, v]) => [k, Array.from(v)])),
    summary: c.summary,
  })),
});

async function merged() {
  const dir = mkdtempSync(join(tmpdir(), 'sweep-browse-'));
  const spec = join(dir, 'spec.json');
  writeFileSync(spec, JSON.stringify(SPEC));
  const out = join(dir, 'sweep');
  await cli(['sweep', 'run', spec, '--out', out, '--no-cell-figures']);
  expect((await cli(['sweep', 'merge', out, '--no-figures'])).code).toBe(0);
  return { out, m: await mergeSweep(out) };
}

describe('sweep data in the browser', () => {
  it('parses RFC 4180 CSV (quotes, escaped quotes, CRLF)', () => {
    expect(parseCsv('a,"b,c","d ""e"""\r\n1,,x\n')).toEqual([
      ['a', 'b,c', 'd "e"'],
      ['1', '', 'x'],
    ]);
  });

  it('table.csv + summary.csv, and manifest.json + table.npz + summary.csv, give the merge’s cells', async () => {
    const { out, m } = await merged();
    const want = plain(m);
    expect(want.cells.some((c) => c.status === 'NotConverged')).toBe(true);
    const table = readFileSync(join(out, 'table.csv'), 'utf8');
    const summary = readFileSync(join(out, 'summary.csv'), 'utf8');
    expect(plain(fromTables(table, summary))).toEqual(want);
    const npz = new Uint8Array(readFileSync(join(out, 'table.npz')));
    const manifest = readFileSync(join(out, 'manifest.json'), 'utf8');
    expect(plain(fromNpz(manifest, npz, summary))).toEqual(want);
    // Without summary.csv: the curves' own summaries (final, min, argmin t) stand in for the engine's.
    const bare = fromNpz(manifest, npz);
    const c0 = bare.cells[0];
    const y = Array.from(c0.arrays.get('y')!);
    expect(c0.summary.yFinal).toBe(y.at(-1));
    expect(c0.summary.yMin).toBe(Math.min(...y));
    // summary.csv alone: scalars without curves (the learning curve and heatmap still draw).
    const only = fromTables(undefined, summary);
    expect(only.cells.map((c) => c.summary)).toEqual(want.cells.map((c) => c.summary));
    expect(vegaLiteSpec(summaryFigure(only, 'yMin')!)).toEqual(vegaLiteSpec(summaryFigure(m, 'yMin')!));
    expect(heatmapSpec(only, 'yMin')).toEqual(heatmapSpec(m, 'yMin'));
  });

  it('a sweep run in the page equals `sweep run` + merge, and draws the same figures', async () => {
    const { m } = await merged();
    const seen: string[] = [];
    const page = await runPageSweep(SPEC, TEST_ENGINES, { maxCells: 16, onCell: (i, n, s) => seen.push(`${i}/${n} ${s}`) });
    expect(seen).toHaveLength(8);
    expect(plain(page)).toEqual(plain(m));
    expect(vegaLiteSpec(curvesFigure(page)!)).toEqual(vegaLiteSpec(curvesFigure(m)!));
    await expect(runPageSweep(SPEC, TEST_ENGINES, { maxCells: 4 })).rejects.toThrow(/8 cells; the page runs at most 4/);
    await expect(runPageSweep({ ...SPEC, grid: { rate: [1, -1] } }, TEST_ENGINES, { maxCells: 16 })).rejects.toThrow(/sweep cell 2 \(rate=-1, y0=1\)/);
  });
});
