// The host's small symmetric eigensolver (src/numerics/symeig.ts, cyclic Jacobi) against the definition
// (A v = λ v, VᵀV = I), closed forms, and a second method (the tridiagonal QL twin of the Wasm eigh).
import { describe, expect, it } from 'vitest';
import { minEigenvalue, symEig } from '../../src/numerics/symeig.js';
import { eigh } from '../../src/ref/eigh.js';

function rand(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
}

describe('symEig (cyclic Jacobi)', () => {
  it('A v = λ v and VᵀV = I to rounding on random symmetric matrices; values ascending; equals QL', () => {
    for (const n of [1, 2, 3, 7, 24, 60]) {
      const r = rand(n);
      const A = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = i; j < n; j++) A[i * n + j] = A[j * n + i] = r();
      const { values, vectors } = symEig(A, n);
      let norm = 0;
      for (const x of A) norm = Math.max(norm, Math.abs(x));
      for (let j = 0; j < n; j++) {
        if (j > 0) expect(values[j]).toBeGreaterThanOrEqual(values[j - 1]);
        for (let i = 0; i < n; i++) {
          let av = 0;
          for (let k = 0; k < n; k++) av += A[i * n + k] * vectors[k * n + j];
          expect(Math.abs(av - values[j] * vectors[i * n + j])).toBeLessThan(50 * n * 2.2e-16 * norm);
        }
        for (let l = 0; l < n; l++) {
          let d = 0;
          for (let k = 0; k < n; k++) d += vectors[k * n + j] * vectors[k * n + l];
          expect(Math.abs(d - (j === l ? 1 : 0))).toBeLessThan(50 * n * 2.2e-16);
        }
      }
      const ql = eigh(A, n).values;
      for (let j = 0; j < n; j++) expect(Math.abs(values[j] - ql[j])).toBeLessThan(100 * n * 2.2e-16 * norm);
    }
  });

  it('closed forms: [[a, b], [b, a]] → a ∓ b; the path-graph Laplacian 2 − 2cos(kπ/(n+1)); PSD rank-one', () => {
    const two = symEig([3, 1.5, 1.5, 3], 2).values;
    expect(Math.abs(two[0] - 1.5)).toBeLessThan(4e-15);
    expect(Math.abs(two[1] - 4.5)).toBeLessThan(4e-15);
    const n = 12;
    const T = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      T[i * n + i] = 2;
      if (i + 1 < n) T[i * n + i + 1] = T[(i + 1) * n + i] = -1;
    }
    const v = symEig(T, n).values;
    for (let k = 1; k <= n; k++) expect(Math.abs(v[k - 1] - (2 - 2 * Math.cos((k * Math.PI) / (n + 1))))).toBeLessThan(1e-14);
    const u = [1, 2, -2];
    const R = u.flatMap((a) => u.map((b) => a * b)); // u uᵀ: eigenvalues 0, 0, |u|² = 9
    expect(Math.abs(minEigenvalue(R, 3))).toBeLessThan(1e-14);
    expect(Math.abs(symEig(R, 3).values[2] - 9)).toBeLessThan(1e-13);
    expect(minEigenvalue([], 0)).toBe(0);
  });
});
