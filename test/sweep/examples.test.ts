// The ready-made sweeps of examples/sweeps run at reduced size (fewer axis values, shorter horizons,
// smaller problems; the same commands and keys), merge, and draw their figures — the generic ones and
// the physics figure (figure.svg) that `sweep merge` draws for each of them. The helpers of the physics
// figures are checked against closed forms.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseSpecText, expandSweep } from '../../src/sweep/spec.js';
import { runSweep } from '../../src/sweep/run.js';
import { mergeSweep, writeMerged } from '../../src/sweep/merge.js';
import { sweepFigureFiles, thresholdFitNu2 } from '../../src/sweep/figures.js';
import { ENGINES } from '../../src/engines.js';

const EX = resolve(__dirname, '../../examples/sweeps');
/** Per example: base overrides, how many values of each grid/zip axis to keep (or explicit values), the
 *  summary scalars the cells must have, and a string the physics figure's Vega-Lite spec must contain. */
const REDUCE: Record<string, { base: Record<string, unknown>; keep: number; axes?: Record<string, unknown[]>; scalar: string; figure: string }> = {
  'kernel-learning-curve.json': {
    base: { seeds: 1, tCount: 11, testPoints: 200 },
    keep: 2,
    axes: { dim: [20] },
    scalar: 'testAtInfinity,theoryTestFinal,eigenlearningTestFinal',
    figure: 'Oracle World at t = ',
  },
  'committee-plateau.json': { base: { tMax: 1500, tCount: 60 }, keep: 2, scalar: 'plateauEscape,plateauHeight', figure: 'escape time' },
  'committee-phase.json': {
    base: { tMax: 100, tCount: 20 },
    keep: 2,
    // Across the classical | high-dimensional boundary (γ/p = 0.02 at p = 2).
    axes: { lr: [0.01, 0.1] },
    scalar: 'riskFinal',
    figure: 'high-dimensional (Saad–Solla)',
  },
  'dmft-width.json': { base: { tMax: 4, eta: 0.2 }, keep: 2, scalar: 'testErrorMin,testErrorArgminT', figure: 'time of the minimum' },
  // Four cells that relax by t = 8 (γ₀ = 2, small α): the figure fits and draws the threshold α*(γ₀).
  'dmft-interpolation.yaml': { base: { tMax: 8 }, keep: 2, axes: { gamma0: [2], alpha: [0.05, 0.1, 0.15, 0.2] }, scalar: '', figure: 'α*(γ₀)' },
};

describe('examples/sweeps at reduced size', () => {
  it('every example is listed here', () => {
    expect(readdirSync(EX).sort()).toEqual(Object.keys(REDUCE).sort());
  });
  for (const [file, red] of Object.entries(REDUCE))
    it(file, async () => {
      const spec = (await parseSpecText(readFileSync(join(EX, file), 'utf8'), file)) as {
        base: object;
        grid: Record<string, unknown[]>;
        zip?: Record<string, unknown[]>;
      };
      const cut = (axes: Record<string, unknown[]>) => Object.fromEntries(Object.entries(axes).map(([k, v]) => [k, red.axes?.[k] ?? v.slice(0, red.keep)]));
      const small = { ...spec, base: { ...spec.base, ...red.base }, grid: cut(spec.grid), ...(spec.zip ? { zip: cut(spec.zip) } : {}) };
      const sw = await expandSweep(small, ENGINES);
      const out = mkdtempSync(join(tmpdir(), 'sweep-example-'));
      const rep = await runSweep(sw, out, { engines: ENGINES });
      expect(rep.ran.map((c) => c.status)).toEqual(sw.cells.map(() => 'Success'));
      const m = await mergeSweep(out);
      const scalars = red.scalar.split(',').filter(Boolean);
      for (const k of scalars) expect(m.summaryKeys, k).toContain(k);
      for (const c of m.cells) for (const k of scalars) expect(Number.isFinite(c.summary[k]), `${k} of cell ${c.index}`).toBe(true);
      writeMerged(out, { ...m.files, ...(await sweepFigureFiles(m, red.scalar || undefined)) });
      for (const f of ['table.csv', 'summary.csv', 'figure-curves.svg', 'figure.svg']) expect(existsSync(join(out, f)), f).toBe(true);
      // `dmft reduced` has no summary scalars: no summary figure (its physics figure reads the curves).
      expect(existsSync(join(out, 'figure-summary.svg'))).toBe(m.summaryKeys.length > 0);
      expect(existsSync(join(out, 'figure-heatmap.svg'))).toBe(sw.axisKeys.length >= 2 && m.summaryKeys.length > 0);
      expect(readFileSync(join(out, 'figure.vl.json'), 'utf8')).toContain(red.figure);
    });
});

describe('interpolation threshold fit (ν = 2)', () => {
  it('recovers α* from exact t_rel = c(α* − α)^−2 and ignores unrelaxed cells', () => {
    const aStar = 0.63,
      c = 2.5;
    const alpha = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7];
    // Cells at or past α* never relax (t_rel = ∞); the far cells may follow another law (offset).
    const tRel = alpha.map((a) => (a < aStar ? c * (aStar - a) ** -2 + (a < 0.3 ? 50 : 0) : Infinity));
    expect(thresholdFitNu2(alpha, tRel)).toBeCloseTo(aStar, 12);
    expect(thresholdFitNu2([0.1, 0.2], [10, Infinity])).toBeNaN();
  });
});
