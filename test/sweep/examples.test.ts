// The ready-made sweeps of examples/sweeps run at reduced size (fewer axis values, shorter horizons,
// smaller problems; the same commands and keys), merge, and draw their figures.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseSpecText, expandSweep } from '../../src/sweep/spec.js';
import { runSweep } from '../../src/sweep/run.js';
import { mergeSweep, writeMerged } from '../../src/sweep/merge.js';
import { sweepFigureFiles } from '../../src/sweep/figures.js';
import { ENGINES } from '../../src/engines.js';

const EX = resolve(__dirname, '../../examples/sweeps');
/** Per example: base overrides and how many values of each axis to keep. */
const REDUCE: Record<string, { base: Record<string, unknown>; keep: number; scalar: string }> = {
  'kernel-learning-curve.json': {
    base: { dim: 20, seeds: 1, tCount: 11, testPoints: 200 },
    keep: 2,
    scalar: 'testAtInfinity,theoryTestFinal,eigenlearningTestFinal',
  },
  'committee-plateau.json': { base: { tMax: 600, tCount: 60 }, keep: 2, scalar: 'plateauEscape' },
  'committee-phase.json': { base: { tMax: 100, tCount: 20 }, keep: 2, scalar: 'riskFinal' },
  'dmft-width.json': { base: { tMax: 4, eta: 0.2 }, keep: 2, scalar: 'testErrorMin' },
  'dmft-interpolation.yaml': { base: { tMax: 2 }, keep: 2, scalar: 'trainErrorFinal' },
};

describe('examples/sweeps at reduced size', () => {
  it('every example is listed here', () => {
    expect(readdirSync(EX).sort()).toEqual(Object.keys(REDUCE).sort());
  });
  for (const [file, red] of Object.entries(REDUCE))
    it(file, async () => {
      const spec = (await parseSpecText(readFileSync(join(EX, file), 'utf8'), file)) as { base: object; grid: Record<string, unknown[]> };
      const small = {
        ...spec,
        base: { ...spec.base, ...red.base },
        grid: Object.fromEntries(Object.entries(spec.grid).map(([k, v]) => [k, v.slice(0, red.keep)])),
      };
      const sw = await expandSweep(small, ENGINES);
      const out = mkdtempSync(join(tmpdir(), 'sweep-example-'));
      const rep = await runSweep(sw, out, { engines: ENGINES });
      expect(rep.ran.map((c) => c.status)).toEqual(sw.cells.map(() => 'Success'));
      const m = await mergeSweep(out);
      for (const k of red.scalar.split(',')) expect(m.summaryKeys, k).toContain(k);
      for (const c of m.cells) for (const k of red.scalar.split(',')) expect(Number.isFinite(c.summary[k]), `${k} of cell ${c.index}`).toBe(true);
      writeMerged(out, { ...m.files, ...(await sweepFigureFiles(m, red.scalar)) });
      for (const f of ['table.csv', 'summary.csv', 'figure-curves.svg', 'figure-summary.svg']) expect(existsSync(join(out, f)), f).toBe(true);
      expect(existsSync(join(out, 'figure-heatmap.svg'))).toBe(sw.axisKeys.length >= 2);
    });
});
