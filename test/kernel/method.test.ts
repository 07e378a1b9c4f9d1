// `--method auto` from the cost model (issue 12): the chosen method's predicted spectral cost is
// the smaller of two increasing functions of n, so it is monotone in n (no cliff at the switch).
import { describe, expect, it } from 'vitest';
import { COST, methodCosts, predictRunSeconds, resolveMethod } from '../../src/kernel/memory.js';
import type { KernelProblem } from '../../src/kernel/problem.js';

const base = (samples: number, threads: number, extra: Partial<KernelProblem> = {}) =>
  ({ method: 'auto', samples, lanczosMaxSteps: 1500, threads, seeds: 1, dim: 400, tCount: 81, gdLr: null, exactTest: true, ...extra }) as KernelProblem;

describe('resolveMethod (auto)', () => {
  it('explicit methods are kept', () => {
    expect(resolveMethod(base(50_000, 1, { method: 'eigh' }))).toBe('eigh');
    expect(resolveMethod(base(10, 1, { method: 'lanczos' }))).toBe('lanczos');
  });
  it.each([1, 2])('predicted cost of the auto choice is monotone in n and picks the cheaper (threads = %i)', (threads) => {
    let prev = 0;
    let switches = 0;
    let last = resolveMethod(base(2, threads));
    for (let n = 2; n <= 20_000; n += 7) {
      const p = base(n, threads);
      const c = methodCosts(p);
      const m = resolveMethod(p);
      const cost = m === 'eigh' ? c.eigh : c.lanczos;
      expect(cost).toBe(Math.min(c.eigh, c.lanczos));
      expect(cost).toBeGreaterThanOrEqual(prev);
      prev = cost;
      if (m !== last) switches++;
      last = m;
    }
    expect(switches).toBe(1);
    expect(last).toBe('lanczos');
    expect(resolveMethod(base(100, threads))).toBe('eigh');
  });
  it('a small Lanczos cap makes Lanczos cheaper earlier, two workers make eigh cheaper longer', () => {
    const sw = (f: (n: number) => KernelProblem) => {
      for (let n = 2; ; n++) if (resolveMethod(f(n)) === 'lanczos') return n;
    };
    expect(sw((n) => base(n, 1, { lanczosMaxSteps: 50 }))).toBeLessThan(sw((n) => base(n, 1)));
    expect(sw((n) => base(n, 2))).toBeGreaterThan(sw((n) => base(n, 1)));
  });
  it.each([
    [1, 1, {}],
    [2, 1, {}],
    [2, 2, {}],
    [2, 1, { lanczosMaxSteps: 50 }],
    [1, 1, { dim: 10, exactTest: false }],
    [2, 1, { dim: 3000, gdLr: 'auto' as const }],
  ])('predicted whole-run time is monotone in n (threads %i, seeds %i, %o)', (threads, seeds, extra) => {
    let prev = 0;
    for (let n = 2; n <= 30_000; n += 11) {
      const t = predictRunSeconds(base(n, threads, { seeds, ...extra }));
      expect(t).toBeGreaterThanOrEqual(prev);
      prev = t;
    }
  });
  it('the spectral models are the documented formulas: eigh ∝ n³, Lanczos ∝ steps·(n² + 2·steps·n)', () => {
    // second evaluation from the constants, independent of methodCosts' code path
    const p = base(3000, 1);
    const c = methodCosts(p);
    expect(c.eigh / COST.eighN3).toBeCloseTo(3000 ** 3, -3);
    const m = COST.lanczosSteps;
    expect(c.lanczos / COST.lanczosEntry).toBeCloseTo(m * (3000 ** 2 + 2 * m * 3000), -3);
    expect(methodCosts(base(3000, 2)).eigh).toBeCloseTo(c.eigh / COST.eighSplitGain, 12);
    expect(methodCosts(base(3000, 2, { seeds: 2 })).eigh).toBe(c.eigh); // two replicates: no split
  });
});
