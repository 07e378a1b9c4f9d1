// kernel.md G5 (d = 400, n = 8000, one seed: clean stages) and the K22-vs-Monte-Carlo check at
// 10⁶ test points (§12 "other invariants"). Both fit the regular suite thanks to the Lanczos path.
import { describe, expect, it } from 'vitest';
import { solveKernel } from '../../src/kernel/solve.js';

describe('G5: d = 400, n = 8000, clean stages', () => {
  it('Stage 2: train → 0 while test ≈ oracle near 2/3; Stage 3: test frozen while the oracle keeps descending', async () => {
    const sol = await solveKernel({
      kernel: 'exp',
      dim: 400,
      samples: 8000,
      energies: [0, 1 / 3, 1 / 3, 1 / 3],
      noiseSd: 0.5,
      seeds: 1,
      tMin: 1,
      tMax: 1e9,
      tCount: 37,
      testPoints: 0,
      threads: 2,
    });
    expect(sol.status).toBe('Success');
    expect(sol.stats.method).toBe('lanczos');
    const { t, curves: c, stages } = sol;
    expect(stages.t1).toBeLessThan(stages.t2);
    const at = (x: number) => t.findIndex((v) => v >= x);
    // Stage 2 starts once the train error has collapsed (here t ≈ 2e4, just past t1 ≈ 1.1e4): the
    // empirical test error then sits near the plateau ‖P_{>1}f‖² = 2/3 and near the oracle (at finite
    // d within ≈ 0.1: the oracle already starts on degree 2, whose scale is t2 ≈ 1.6e5).
    const i2 = c.train.findIndex((v) => v < 0.05 * c.train[0]);
    expect(t[i2]).toBeGreaterThan(stages.t1);
    expect(t[i2]).toBeLessThan(stages.t2);
    expect(Math.abs(c.test[i2] - 2 / 3)).toBeLessThan(0.06);
    expect(Math.abs(c.test[i2] - c.oracle[i2])).toBeLessThan(0.12);
    // Stage 1: all curves together.
    const i1 = at(30);
    expect(Math.abs(c.test[i1] - c.oracle[i1])).toBeLessThan(0.002);
    // Stage 3: the empirical test error is frozen, the oracle descends the T1 staircase (1/3 then 0).
    const i3 = at(3e7);
    const last = t.length - 1;
    expect(Math.abs(c.test[last] - c.test[i3])).toBeLessThan(1e-6);
    expect(c.oracle[at(1e6)]).toBeLessThan(0.4);
    expect(c.oracle[at(1e6)]).toBeGreaterThan(0.25);
    expect(c.oracle[last]).toBeLessThan(1e-3);
    expect(c.test[last]).toBeGreaterThan(0.6);
    // T3 beside the simulation.
    for (let i = 0; i < t.length; i++) expect(Math.abs(c.theoryTest[i] - c.test[i])).toBeLessThan(0.03);
  }, 300_000);
});

describe('K22 vs Monte Carlo with 10⁶ test points', () => {
  it('agree within the Monte-Carlo standard error', async () => {
    const sol = await solveKernel({
      kernel: 'exp',
      dim: 12,
      samples: 80,
      energies: [0.1, 0.4, 0.3, 0.2],
      noiseSd: 0.3,
      seed: 11,
      tMin: 0.1,
      tMax: 1e5,
      tCount: 7,
      testPoints: 1_000_000,
      gdLr: null,
      threads: 2,
    });
    const c = sol.curves;
    for (let i = 0; i < sol.t.length; i++) {
      expect(c.testMCSE![i]).toBeLessThan(0.01);
      expect(Math.abs(c.testMC![i] - c.test[i])).toBeLessThan(4 * c.testMCSE![i]);
    }
  }, 300_000);
});
