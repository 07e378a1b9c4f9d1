// The named, seeded initial state 'small:Q0:M0' (issue 9): Q = Q0·I, M = M0·G with G a seeded Gaussian;
// its plateau escape time is controlled by M0 (grows as M0 shrinks: the symmetric fixed point is left
// along an unstable direction, t_esc ≈ λ⁻¹ log(c/M0)) and does not depend on anything but the seed.
import { describe, expect, it } from 'vitest';
import { committeeProblem, parseInitFamily, smallInit } from '../../src/committee/problem.js';
import { solveCommittee } from '../../src/committee/solve.js';

describe('committee init family small:Q0:M0', () => {
  it('is Q0·I and M0·G, G from the seed only: M is linear in M0, another seed gives another G', () => {
    const a = smallInit(3, 2, { q0: 0.02, m0: 1e-3 }, 7);
    const b = smallInit(3, 2, { q0: 0.02, m0: 1e-5 }, 7);
    expect(a.Q).toEqual([
      [0.02, 0, 0],
      [0, 0.02, 0],
      [0, 0, 0.02],
    ]);
    a.M.flat().forEach((x, i) => expect(b.M.flat()[i]).toBeCloseTo(x * 1e-2, 18));
    expect(smallInit(3, 2, { q0: 0.02, m0: 1e-3 }, 7)).toEqual(a);
    expect(smallInit(3, 2, { q0: 0.02, m0: 1e-3 }, 8).M).not.toEqual(a.M);
    // A standard Gaussian G: |G_ij| < 6 and not all equal.
    for (const x of a.M.flat()) expect(Math.abs(x / 1e-3)).toBeLessThan(6);
    expect(parseInitFamily('small')).toEqual({ q0: 1e-2, m0: 1e-3 });
    for (const bad of ['big', 'small:1', 'small:-1:0', 'small:x:1']) expect(() => parseInitFamily(bad), bad).toThrow(/init-family/);
  });

  it('is the problem’s init (and is refused beside a different --init-file)', () => {
    const p = committeeProblem({ p: 2, k: 2, lr: 1, initFamily: 'small:0.01:0.001', seed: 3 });
    expect(p.init).toEqual(smallInit(2, 2, { q0: 0.01, m0: 1e-3 }, 3));
    expect(committeeProblem(p).init).toEqual(p.init); // a resolved problem validates again
    expect(() =>
      committeeProblem({
        p: 2,
        k: 2,
        lr: 1,
        initFamily: 'small',
        init: {
          Q: [
            [1, 0],
            [0, 1],
          ],
          M: [
            [0, 0],
            [0, 0],
          ],
        },
      }),
    ).toThrow(/init-family names the initial state/);
  });

  it('sets the plateau escape time: later for smaller M0, same plateau height', async () => {
    const esc: number[] = [];
    const heights: number[] = [];
    for (const m0 of [1e-2, 1e-4, 1e-6]) {
      const sol = await solveCommittee({ p: 2, k: 2, lr: 0.5, initFamily: `small:0.01:${m0}`, tMax: 3000, tCount: 400 });
      expect(sol.status).toBe('Success');
      expect(sol.plateaus.plateaus.length).toBeGreaterThan(0);
      esc.push(sol.plateaus.plateaus[0].escape);
      heights.push(sol.plateaus.plateaus[0].height);
    }
    expect(esc[1]).toBeGreaterThan(esc[0]);
    expect(esc[2]).toBeGreaterThan(esc[1]);
    // Linear in log(1/M0): equal steps of log M0 give escape increments equal within the grid's
    // resolution (400 log-spaced points over 5.5 decades: 3 % per point, ≈ 10 % of an increment).
    const d1 = esc[1] - esc[0];
    const d2 = esc[2] - esc[1];
    expect(Math.abs(d2 - d1) / Math.max(d1, d2)).toBeLessThan(0.1); // measured 1e-3
    for (const h of heights) expect(h).toBeCloseTo(heights[0], 5);
  });
});
