import { describe, expect, it } from 'vitest';
import { weightsFromOverlaps } from '../../src/committee/init.js';
import { committeeProblem } from '../../src/committee/problem.js';
import { ParameterError } from '../../src/core/validate.js';

function overlapsOf(A: Float64Array, B: Float64Array, ra: number, rb: number, d: number): number[][] {
  return Array.from({ length: ra }, (_, i) =>
    Array.from({ length: rb }, (_, j) => {
      let s = 0;
      for (let t = 0; t < d; t++) s += A[i * d + t] * B[j * d + t];
      return s / d;
    }),
  );
}

describe('weights with prescribed overlaps', () => {
  it('realises (Q, M, P) exactly, including a rank-deficient Q⊥ and a non-identity P', () => {
    const P = [
      [1.5, 0.2],
      [0.2, 0.8],
    ];
    const M = [
      [0.3, -0.1],
      [0.05, 0.4],
      [0.2, 0.2],
    ];
    // Q = M P⁻¹ Mᵀ + v vᵀ with one extra direction: Q⊥ has rank 1.
    const det = 1.5 * 0.8 - 0.04;
    const Pinv = [
      [0.8 / det, -0.2 / det],
      [-0.2 / det, 1.5 / det],
    ];
    const v = [0.5, -0.3, 0.1];
    const Q = M.map((mi, i) => M.map((mj, j) => mi.reduce((s, a, r) => s + a * (Pinv[r][0] * mj[0] + Pinv[r][1] * mj[1]), 0) + v[i] * v[j]));
    const d = 40;
    const { W, Wstar } = weightsFromOverlaps({ Q, M, P }, d, 3, 0);
    const close = (A: number[][], B: number[][]) => A.forEach((r, i) => r.forEach((x, j) => expect(Math.abs(x - B[i][j])).toBeLessThan(1e-12)));
    close(overlapsOf(Wstar, Wstar, 2, 2, d), P);
    close(overlapsOf(W, Wstar, 3, 2, d), M);
    close(overlapsOf(W, W, 3, 3, d), Q);
  });

  it('refuses overlaps that need more dimensions than d', () => {
    const Q = [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ];
    const M = [[0], [0], [0]];
    expect(() => weightsFromOverlaps({ Q, M }, 3, 0, 0)).toThrow(ParameterError);
  });
});

describe('committee problem validation', () => {
  const base = { p: 2, k: 2, lr: 1 };
  it('rejects k > p, bad shapes, asymmetric or indefinite initial overlaps with one-line errors', () => {
    expect(() => committeeProblem({ ...base, k: 3 })).toThrow(/invalid k: 3 .*≤ p = 2/);
    expect(() => committeeProblem({ ...base, lr: 0 })).toThrow(/invalid lr: 0/);
    expect(() => committeeProblem({ ...base, noise: -1 })).toThrow(/invalid noise: -1/);
    expect(() => committeeProblem({ ...base, activation: 'tanh' as never })).toThrow(/invalid activation: "tanh"/);
    expect(() => committeeProblem({ ...base, init: { Q: [[1]], M: [[0, 0]] } })).toThrow(/init.Q: "1×1" .*2×2/);
    expect(() =>
      committeeProblem({
        ...base,
        init: {
          Q: [
            [1, 0.5],
            [0.4, 1],
          ],
          M: [
            [0, 0],
            [0, 0],
          ],
        },
      }),
    ).toThrow(/symmetric/);
    expect(() =>
      committeeProblem({
        ...base,
        init: {
          Q: [
            [1, 2],
            [2, 1],
          ],
          M: [
            [0, 0],
            [0, 0],
          ],
        },
      }),
    ).toThrow(/positive semi-definite Q/);
    expect(() =>
      committeeProblem({
        ...base,
        init: {
          Q: [
            [1, 0],
            [0, 1],
          ],
          M: [
            [2, 0],
            [0, 0],
          ],
        },
      }),
    ).toThrow(/jointly positive semi-definite/);
    const ok = committeeProblem({
      ...base,
      init: {
        Q: [
          [1, 0.2],
          [0.2, 1],
        ],
        M: [
          [0.1, 0],
          [0, 0.1],
        ],
      },
    });
    expect(ok.teacherActivation).toBe('erf');
    expect(ok.tMin).toBe(1e-2);
  });
});
