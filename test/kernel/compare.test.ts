// kernel.md G6 (§9 preset): kernel C = 0.5 e^s + 2 P_6^{(100)} trains faster than A = e^s on the
// same data, yet has the larger test error through Stages 1–2. No end-point ordering is asserted.
import { describe, expect, it } from 'vitest';
import { compareKernels, crossingTime } from '../../src/kernel/compare.js';
import { main } from '../../src/cli/main.js';

const preset = {
  dim: 100,
  samples: 1000,
  energies: [0, 1 / 3, 1 / 3, 1 / 3],
  noiseSd: 0.5,
  seeds: 3,
  tMin: 1,
  tMax: 1e8,
  tCount: 29,
  testPoints: 0,
};

describe('two-kernel comparison (G6)', () => {
  it('the faster-training kernel generalises worse at intermediate times', async () => {
    const cmp = await compareKernels(preset, ['two-kernels-A', 'two-kernels-C']);
    const [A, C] = cmp.solutions;
    // Same data: identical train error at the smallest time up to the kernels' O(t) difference.
    expect(A.problem.seed).toBe(C.problem.seed);
    // κ_{>1}(C) = 0.5 κ_{>1}(A) + 2 (kernel.md §9).
    expect(C.stages.kappa).toBeCloseTo(0.5 * A.stages.kappa + 2, 8);
    expect(cmp.summary.fastestTraining).toBe(1);
    const lo = C.stages.t1;
    const hi = A.stages.t2;
    let checked = 0;
    for (let i = 0; i < cmp.t.length; i++) {
      const t = cmp.t[i];
      if (t >= lo && t <= hi) {
        expect(C.curves.train[i]).toBeLessThan(A.curves.train[i]); // Stage 2: C's train error is lower
        checked++;
      }
      if (t >= 10 && t <= 2e3) expect(C.curves.test[i]).toBeGreaterThan(A.curves.test[i]); // Stages 1–2: C generalises worse
    }
    expect(checked).toBeGreaterThan(2);
    expect(cmp.summary.fastestAlsoBestFraction).toBeLessThanOrEqual(0.5);
  }, 120_000);

  it('crossingTime interpolates in log time', () => {
    expect(crossingTime([1, 10, 100], [1, 0.5, 0.1], 0.5)).toBeCloseTo(10, 12);
    expect(crossingTime([1, 100], [1, 0], 0.5)).toBeCloseTo(10, 12);
    expect(crossingTime([1, 10], [1, 0.9], 0.5)).toBe(Infinity);
  });

  it('the CLI prints per-kernel curves and the summary', async () => {
    let out = '';
    const code = await main(
      [
        'kernel',
        'compare',
        '--kernels',
        'exp;0.5*exp+gegenbauer:30:0,0,0,0,0,0,2',
        '--dim',
        '30',
        '--samples',
        '200',
        '--energies',
        '0,0.5,0.5',
        '--t-count',
        '9',
        '--json',
        '--no-progress',
        '--test-points',
        '0',
      ],
      { out: (s) => (out += s), err: () => {} },
    );
    expect(code).toBe(0);
    const j = JSON.parse(out);
    expect(j.kernels).toHaveLength(2);
    expect(j.train).toHaveLength(2);
    expect(j.test[1]).toHaveLength(9);
    expect(j.summary.text).toMatch(/fastest training/);
  });
});
