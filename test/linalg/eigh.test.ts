import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadWasm, type WasmRuntime } from '../../src/wasm/runtime.js';
import * as L from '../../src/linalg/index.js';
import * as R from '../../src/ref/eigh.js';
import { gemm } from '../../src/ref/blas.js';
import { FIXTURES, colDiffUpToSign, eigChecks, frob, kernelLike, maxAbsDiff, randomSym, readNpy, rng } from './helpers.js';

const rts: Record<string, WasmRuntime> = {};
beforeAll(async () => {
  rts.release = await loadWasm({ variant: 'release' });
  rts.scalar = await loadWasm({ variant: 'scalar' });
});

function denseT(diag: ArrayLike<number>, off: ArrayLike<number>, n: number): Float64Array {
  const T = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    T[i * n + i] = diag[i];
    if (i + 1 < n) T[i * n + i + 1] = T[(i + 1) * n + i] = off[i];
  }
  return T;
}

describe('eigh_f64: residual and orthogonality', () => {
  const sizes = [1, 2, 3, 17, 64, 256, 600];
  it.each(sizes)('random symmetric n = %i', (n) => {
    const A = randomSym(n, n);
    for (const v of n <= 256 ? ['release', 'scalar'] : ['release']) {
      const { values, vectors, status } = L.eigh(rts[v], A, n);
      expect(status).toBe(0);
      const { resid, orth } = eigChecks(A, n, vectors, values);
      expect(resid).toBeLessThan(1e-12);
      expect(orth).toBeLessThan(1e-12);
      for (let i = 1; i < n; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]);
    }
  });
  it.each([3, 17, 64, 256, 600])('kernel-like exp(XXᵀ/d) n = %i (λ_max ≈ n, bulk O(1))', (n) => {
    const A = kernelLike(n, 8, n + 1);
    const { values, vectors, status } = L.eigh(rts.release, A, n);
    expect(status).toBe(0);
    const { resid, orth } = eigChecks(A, n, vectors, values);
    expect(resid).toBeLessThan(1e-12);
    expect(orth).toBeLessThan(1e-12);
    if (n >= 64) {
      expect(values[n - 1]).toBeGreaterThan(0.5 * n);
      expect(values[n - 2]).toBeLessThan(0.35 * n);
    }
  });
  it('n = 0 is a no-op; NaN input reports non-convergence instead of hanging', () => {
    const rt = rts.release;
    expect(L.eigh(rt, [], 0)).toEqual({ values: new Float64Array(0), vectors: new Float64Array(0), status: 0 });
    const A = randomSym(8, 3);
    A[3 * 8 + 5] = A[5 * 8 + 3] = NaN;
    expect(L.eigh(rt, A, 8).status).not.toBe(0);
    expect(R.eigh(A, 8).status).not.toBe(0);
  });
});

describe('eigh_f64 reads only the upper triangle', () => {
  it('garbage below the diagonal does not change the result', () => {
    const n = 40;
    const A = randomSym(n, 77);
    const G = A.slice();
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) G[i * n + j] = 1e6 * Math.sin(i * j + 1);
    const a = L.eigh(rts.release, A, n),
      g = L.eigh(rts.release, G, n);
    expect(Array.from(g.values)).toEqual(Array.from(a.values));
    expect(Array.from(g.vectors)).toEqual(Array.from(a.vectors));
  });
});

describe('eigh_f64 vs numpy.linalg.eigh fixtures', () => {
  const index = JSON.parse(readFileSync(FIXTURES + 'index.json', 'utf8')) as {
    cases: Record<string, { n: number; vectors: boolean; normA: number }>;
  };
  it.each(Object.keys(index.cases))('%s', (name) => {
    const c = index.cases[name];
    const n = c.n;
    const A = readNpy(`${FIXTURES}${name}_A.npy`).data;
    const w = readNpy(`${FIXTURES}${name}_w.npy`).data;
    for (const v of ['release', 'scalar']) {
      const res = L.eigh(rts[v], A, n);
      expect(res.status).toBe(0);
      expect(maxAbsDiff(res.values, w) / c.normA).toBeLessThan(1e-12);
      const { resid, orth } = eigChecks(A, n, res.vectors, res.values);
      expect(resid).toBeLessThan(1e-12);
      expect(orth).toBeLessThan(1e-12);
      if (c.vectors) {
        const V = readNpy(`${FIXTURES}${name}_V.npy`).data;
        // columns with a clear gap are unique up to sign; clusters are compared as projectors
        const cols: number[] = [];
        for (let j = 0; j < n; j++) {
          const gap = Math.min(j > 0 ? w[j] - w[j - 1] : Infinity, j + 1 < n ? w[j + 1] - w[j] : Infinity);
          if (gap > 1e-6 * c.normA) cols.push(j);
        }
        expect(colDiffUpToSign(res.vectors, V, n, cols)).toBeLessThan(1e-9);
        // projector onto each cluster of (numerically) equal eigenvalues
        for (let j0 = 0; j0 < n; ) {
          let j1 = j0 + 1;
          while (j1 < n && w[j1] - w[j1 - 1] <= 1e-6 * c.normA) j1++;
          if (j1 - j0 > 1) {
            let err = 0;
            for (let a = 0; a < n; a++)
              for (let b = 0; b < n; b++) {
                let p = 0,
                  q = 0;
                for (let j = j0; j < j1; j++) {
                  p += res.vectors[a * n + j] * res.vectors[b * n + j];
                  q += V[a * n + j] * V[b * n + j];
                }
                err = Math.max(err, Math.abs(p - q));
              }
            expect(err).toBeLessThan(1e-6);
          }
          j0 = j1;
        }
      }
    }
  });
});

describe('degenerate and clustered spectra', () => {
  it('identity, diagonal with repeats, zero matrix', () => {
    const rt = rts.release;
    for (const n of [1, 5, 33]) {
      const I = new Float64Array(n * n);
      for (let i = 0; i < n; i++) I[i * n + i] = 1;
      const r = L.eigh(rt, I, n);
      expect(r.status).toBe(0);
      expect(maxAbsDiff(r.values, new Float64Array(n).fill(1))).toBe(0);
      expect(eigChecks(I, n, r.vectors, r.values).orth).toBeLessThan(1e-14);
      const Z = L.eigh(rt, new Float64Array(n * n), n);
      expect(Z.status).toBe(0);
      expect(maxAbsDiff(Z.values, new Float64Array(n))).toBe(0);
      expect(eigChecks(I, n, Z.vectors, Z.values).orth).toBeLessThan(1e-14);
    }
    const n = 12;
    const d = [3, 1, 3, 2, 1, 3, 2, 2, 1, 3, 3, 1];
    const D = new Float64Array(n * n);
    d.forEach((v, i) => (D[i * n + i] = v));
    const r = L.eigh(rt, D, n);
    expect(Array.from(r.values)).toEqual([...d].sort((a, b) => a - b));
    const { resid, orth } = eigChecks(D, n, r.vectors, r.values);
    expect(resid).toBeLessThan(1e-15);
    expect(orth).toBeLessThan(1e-15);
  });
  it('tridiagonal with tiny couplings (Wilkinson-like W21+)', () => {
    const n = 21;
    const diag = Array.from({ length: n }, (_, i) => Math.abs(10 - i));
    const off = new Array(n).fill(1);
    const T = denseT(diag, off, n);
    const r = L.eigh(rts.release, T, n);
    expect(r.status).toBe(0);
    const { resid, orth } = eigChecks(T, n, r.vectors, r.values);
    expect(resid).toBeLessThan(1e-14);
    expect(orth).toBeLessThan(1e-13);
    // the two largest eigenvalues of W21+ agree to ~1e-14 (10.7461941829033...)
    expect(r.values[n - 1] - r.values[n - 2]).toBeLessThan(1e-12);
    expect(r.values[n - 1]).toBeCloseTo(10.746194182903393, 12);
  });
});

describe('SIMD vs scalar vs TS twin', () => {
  it.each([7, 100, 203])('n = %i', (n) => {
    const A = kernelLike(n, 5, 7 * n);
    const a = L.eigh(rts.release, A, n);
    const b = L.eigh(rts.scalar, A, n);
    const c = R.eigh(A, n);
    const na = frob(A);
    expect(maxAbsDiff(a.values, b.values) / na).toBeLessThan(1e-13);
    expect(maxAbsDiff(a.values, c.values) / na).toBeLessThan(1e-13);
    const cols = [...Array(n).keys()].filter(
      (j) => Math.min(j > 0 ? a.values[j] - a.values[j - 1] : Infinity, j + 1 < n ? a.values[j + 1] - a.values[j] : Infinity) > 1e-6 * na,
    );
    expect(colDiffUpToSign(a.vectors, b.vectors, n, cols)).toBeLessThan(1e-8);
    expect(colDiffUpToSign(a.vectors, c.vectors, n, cols)).toBeLessThan(1e-8);
    const rc = eigChecks(A, n, c.vectors, c.values);
    expect(rc.resid).toBeLessThan(1e-12);
    expect(rc.orth).toBeLessThan(1e-12);
  });
});

describe('tridiag_f64 + apply_q_f64', () => {
  it.each([1, 2, 3, 4, 9, 50, 131])('A = Q T Qᵀ, Q e_0 = e_0, QᵀQ = I, matches the TS twin (n = %i)', (n) => {
    const rt = rts.release;
    const A = randomSym(n, 100 + n);
    const t = L.tridiag(rt, A, n);
    const Ar = A.slice();
    const tr = R.tridiag(Ar, n);
    const na = Math.max(frob(A), 1e-300);
    // T is not forward-stable entry by entry (Krylov sensitivity), so the twin check is loose
    expect(maxAbsDiff(t.diag, tr.diag) / na).toBeLessThan(1e-10);
    expect(maxAbsDiff(t.off, tr.off) / na).toBeLessThan(1e-10);
    expect(t.off[n - 1]).toBe(0);
    const T = denseT(t.diag, t.off, n);
    const QT = L.applyQ(rt, t, n, T, n); // Q T
    const QTt = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) QTt[i * n + j] = QT[j * n + i];
    const QTQt = L.applyQ(rt, t, n, QTt, n); // Q (Q T)ᵀ = Q T Qᵀ
    expect(maxAbsDiff(QTQt, A) / na).toBeLessThan(1e-14);
    // Q e_0 = e_0 and row 0 of B is untouched
    const B = Float64Array.from({ length: n * 3 }, (_, i) => Math.sin(i + 1));
    const QB = L.applyQ(rt, t, n, B, 3);
    expect(Array.from(QB.subarray(0, 3))).toEqual(Array.from(B.subarray(0, 3)));
    const e0 = new Float64Array(n);
    e0[0] = 1;
    expect(Array.from(L.applyQ(rt, t, n, e0, 1))).toEqual(Array.from(e0));
    // Qᵀ Q B = B and the TS twin agrees
    expect(maxAbsDiff(L.applyQ(rt, t, n, QB, 3, true), B)).toBeLessThan(1e-14);
    const QBr = B.slice();
    R.applyQ(Ar, n, tr.tau, QBr, 3);
    expect(maxAbsDiff(QB, QBr)).toBeLessThan(1e-10);
  });
});

describe('tql_first_f64', () => {
  it.each([1, 2, 3, 10, 64, 300])('eigenvalues and first row match the full eigh (n = %i)', (n) => {
    const rt = rts.release;
    const r = rng(n + 5);
    const diag = Array.from({ length: n }, () => r() * 4 - 2);
    const off = Array.from({ length: n }, () => r() + 0.1);
    const T = denseT(diag, off, n);
    const full = L.eigh(rt, T, n);
    const f = L.tqlFirst(rt, diag, off);
    expect(f.status).toBe(0);
    expect(maxAbsDiff(f.values, full.values)).toBeLessThan(1e-13 * frob(T));
    // eigenvector components are accurate to ~ε‖T‖/gap
    const nt = frob(T);
    const tolj = (j: number) =>
      1e-12 + (1e-13 * nt) / Math.min(j > 0 ? full.values[j] - full.values[j - 1] : Infinity, j + 1 < n ? full.values[j + 1] - full.values[j] : Infinity);
    for (let j = 0; j < n; j++) expect(Math.abs(Math.abs(f.z0[j]) - Math.abs(full.vectors[j]))).toBeLessThan(tolj(j));
    let s = 0;
    for (const z of f.z0) s += z * z;
    expect(s).toBeCloseTo(1, 13);
    // TS twin
    const d2 = Float64Array.from(diag),
      e2 = Float64Array.from(off),
      z2 = new Float64Array(n);
    if (n) z2[0] = 1;
    expect(R.tqlFirst(d2, e2, n, z2)).toBe(0);
    expect(maxAbsDiff(d2, f.values)).toBeLessThan(1e-13 * frob(T));
    for (let j = 0; j < n; j++) expect(Math.abs(Math.abs(z2[j]) - Math.abs(f.z0[j]))).toBeLessThan(tolj(j));
  });
  it('fast path: tridiag(A) + tql_first gives the first row of eigvecs(A) (Q e_0 = e_0)', () => {
    const rt = rts.release;
    const n = 120;
    const A = kernelLike(n, 6, 3);
    const full = L.eigh(rt, A, n);
    const t = L.tridiag(rt, A, n);
    const f = L.tqlFirst(rt, t.diag, t.off);
    expect(maxAbsDiff(f.values, full.values) / frob(A)).toBeLessThan(1e-13);
    const gaps = (j: number) => Math.min(j > 0 ? full.values[j] - full.values[j - 1] : Infinity, j + 1 < n ? full.values[j + 1] - full.values[j] : Infinity);
    for (let j = 0; j < n; j++) if (gaps(j) > 1e-8) expect(Math.abs(Math.abs(f.z0[j]) - Math.abs(full.vectors[j]))).toBeLessThan(1e-9);
  });
  it('n = 0 is a no-op', () => {
    expect(L.tqlFirst(rts.release, [], []).status).toBe(0);
  });
});

describe('tridiag_solve_f64', () => {
  it.each([1, 2, 5, 40])('solves (T − σI)x = b (n = %i)', (n) => {
    const rt = rts.release;
    const r = rng(n);
    const diag = Array.from({ length: n }, () => 4 + r());
    const off = Array.from({ length: n }, () => r() - 0.5);
    const b = Array.from({ length: n }, () => r() - 0.5);
    for (const shift of [0, 0.7, -2]) {
      const { x, status } = L.tridiagSolve(rt, diag, off, b, shift);
      expect(status).toBe(0);
      const T = denseT(
        diag.map((v) => v - shift),
        off,
        n,
      );
      const Tx = new Float64Array(n);
      gemm(T, x, Tx, n, n, 1);
      expect(maxAbsDiff(Tx, b)).toBeLessThan(1e-14);
      const xr = Float64Array.from(b);
      expect(R.tridiagSolve(diag, off, n, shift, xr)).toBe(0);
      expect(maxAbsDiff(xr, x)).toBeLessThan(1e-15);
    }
  });
  it('reports a zero pivot', () => {
    const rt = rts.release;
    expect(L.tridiagSolve(rt, [1, 1], [1], [1, 1], 1).status).toBe(1);
    expect(L.tridiagSolve(rt, [1, 1], [1], [1, 1], 0).status).toBe(2);
    expect(L.tridiagSolve(rt, [], [], [], 0).status).toBe(0);
  });
});

describe('eigh split over two workers (threads build)', () => {
  it.each([5, 64, 203])('bitwise equal to the single call (n = %i)', async (n) => {
    const { WorkerPool } = await import('../../src/wasm/exec.js');
    const rt = await loadWasm({ shared: true });
    const pool = await WorkerPool.create(rt, 2);
    try {
      const A = kernelLike(n, 5, n + 3);
      const ar = rt.arena;
      const a = ar.copyIn(A),
        w = ar.allocF64(n),
        work = ar.allocF64(L.eighParallelWorkF64(n, 2));
      const st = await L.eighPtrParallel(rt, pool, a, n, w, work, 2);
      expect(st).toBe(0);
      const ref = L.eigh(rt, A, n, 'ql'); // the QL path (L.eigh defaults to divide and conquer)
      expect(Array.from(ar.f64(w, n))).toEqual(Array.from(ref.values));
      expect(Array.from(ar.f64(a, n * n))).toEqual(Array.from(ref.vectors));
    } finally {
      await pool.close();
    }
  });
});
