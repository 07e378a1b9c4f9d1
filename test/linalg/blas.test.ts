import { beforeAll, describe, expect, it } from 'vitest';
import { loadWasm, type WasmRuntime } from '../../src/wasm/runtime.js';
import * as R from '../../src/ref/blas.js';
import * as L from '../../src/linalg/index.js';
import { maxAbsDiff, rng } from './helpers.js';

const rand = (len: number, seed: number) => {
  const r = rng(seed);
  return Float64Array.from({ length: len }, () => r() * 2 - 1);
};

const variants = ['release', 'scalar'] as const;
const rts: Record<string, WasmRuntime> = {};
beforeAll(async () => {
  for (const v of variants) rts[v] = await loadWasm({ variant: v });
});

describe.each(variants)('BLAS (%s build)', (variant) => {
  it('dot, axpy, scale, nrm2, rot, copy match the TS twin for n = 0..37', () => {
    const rt = rts[variant];
    const ex = rt.exports,
      ar = rt.arena;
    for (let n = 0; n <= 37; n++) {
      const m = ar.mark();
      const x = rand(n, n + 1),
        y = rand(n, n + 100);
      const px = ar.copyIn(x),
        py = ar.copyIn(y);
      expect(ex.dot_f64(px, py, n)).toBeCloseTo(R.dot(x, y), 13);
      ex.axpy_f64(n, 0.75, px, py);
      const y2 = y.slice();
      R.axpy(n, 0.75, x, y2);
      expect(maxAbsDiff(ar.f64(py, n), y2)).toBeLessThan(1e-15);
      ex.scale_f64(n, -3, px);
      expect(
        maxAbsDiff(
          ar.f64(px, n),
          x.map((v) => -3 * v),
        ),
      ).toBe(0);
      expect(ex.nrm2_f64(px, n)).toBeCloseTo(R.nrm2(x.map((v) => -3 * v)), 12);
      const a = ar.f64(px, n).slice(),
        b = ar.f64(py, n).slice();
      const c = 0.6,
        s = 0.8;
      ex.rot_f64(n, px, py, c, s);
      expect(
        maxAbsDiff(
          ar.f64(px, n),
          a.map((v, i) => c * v + s * b[i]),
        ),
      ).toBeLessThan(1e-15);
      expect(
        maxAbsDiff(
          ar.f64(py, n),
          b.map((v, i) => c * v - s * a[i]),
        ),
      ).toBeLessThan(1e-15);
      const pz = ar.allocF64(n);
      ex.copy_f64(n, py, pz);
      expect(Array.from(ar.f64(pz, n))).toEqual(Array.from(ar.f64(py, n)));
      ar.reset(m);
    }
    // nrm2 is overflow/underflow safe
    const m = ar.mark();
    const p = ar.copyIn([3e200, 4e200]);
    expect(ex.nrm2_f64(p, 2)).toBeCloseTo(5e200, -190);
    const q = ar.copyIn([3e-200, 4e-200]);
    expect(ex.nrm2_f64(q, 2) / 5e-200).toBeCloseTo(1, 14);
    ar.reset(m);
  });

  it('gemv (both orientations, beta = 0 ignores NaN)', () => {
    const rt = rts[variant];
    for (const [m, n] of [
      [0, 3],
      [1, 1],
      [3, 5],
      [7, 2],
      [33, 17],
    ]) {
      const A = rand(m * n, m * 31 + n);
      const x = rand(n, 5),
        xt = rand(m, 6);
      expect(
        maxAbsDiff(
          L.gemv(rt, A, x, m, n, { alpha: 2 }),
          (() => {
            const y = new Float64Array(m);
            R.gemv(A, x, y, m, n, 2);
            return y;
          })(),
        ),
      ).toBeLessThan(1e-14);
      expect(
        maxAbsDiff(
          L.gemv(rt, A, xt, m, n, { trans: true }),
          (() => {
            const y = new Float64Array(n);
            R.gemv(A, xt, y, m, n, 1, 0, 1);
            return y;
          })(),
        ),
      ).toBeLessThan(1e-14);
      // beta != 0 path, resident
      const ar = rt.arena,
        mk = ar.mark();
      const pa = ar.copyIn(A),
        px = ar.copyIn(x),
        y0 = rand(m, 9),
        py = ar.copyIn(y0);
      rt.exports.gemv_f64(pa, px, py, m, n, 1.5, -0.5, 0);
      const yr = y0.slice();
      R.gemv(A, x, yr, m, n, 1.5, -0.5, 0);
      expect(maxAbsDiff(ar.f64(py, m), yr)).toBeLessThan(1e-14);
      ar.f64(py, m).fill(NaN);
      rt.exports.gemv_f64(pa, px, py, m, n, 1, 0, 0);
      expect(ar.f64(py, m).every(Number.isFinite)).toBe(true);
      ar.reset(mk);
    }
  });

  it('gemm C = αAB + βC for odd/edge shapes', () => {
    const rt = rts[variant];
    const shapes = [
      [0, 0, 0],
      [1, 1, 1],
      [1, 5, 3],
      [4, 4, 4],
      [5, 3, 7],
      [9, 1, 6],
      [13, 17, 11],
      [64, 33, 130],
      [3, 0, 4],
    ];
    for (const [m, k, n] of shapes) {
      const A = rand(m * k, m + 7 * k),
        B = rand(k * n, n + 3 * k),
        C0 = rand(m * n, m * n + 1);
      const ref = C0.slice();
      R.gemm(A, B, ref, m, k, n, 0.7, -1.3);
      const got = L.gemm(rt, A, B, m, k, n, { alpha: 0.7, beta: -1.3, C: C0 });
      expect(maxAbsDiff(got, ref)).toBeLessThan(1e-13);
      const ref0 = new Float64Array(m * n);
      R.gemm(A, B, ref0, m, k, n);
      expect(maxAbsDiff(L.gemm(rt, A, B, m, k, n), ref0)).toBeLessThan(1e-13);
    }
  });

  it('gemm_ws_f64 (packed B panels) equals the TS twin across block edges', () => {
    const rt = rts[variant];
    const ar = rt.arena;
    const shapes = [
      [0, 3, 3],
      [1, 1, 1],
      [3, 5, 7],
      [5, 9, 8],
      [7, 300, 17],
      [33, 257, 130],
      [4, 600, 264],
      [9, 16, 1024],
    ];
    for (const [m, k, n] of shapes) {
      const mk = ar.mark();
      const A = rand(m * k, m + 3 * k),
        B = rand(k * n, n + 7 * k),
        C0 = rand(m * n, 11);
      const pa = ar.copyIn(A),
        pb = ar.copyIn(B),
        pc = ar.copyIn(C0),
        w = ar.allocF64(rt.exports.gemm_ws_size_f64());
      rt.exports.gemm_ws_f64(pa, pb, pc, m, k, n, 1.25, -0.5, w);
      const ref = C0.slice();
      R.gemm(A, B, ref, m, k, n, 1.25, -0.5);
      expect(maxAbsDiff(ar.f64(pc, m * n), ref)).toBeLessThan(1e-12);
      ar.reset(mk);
    }
  });

  it('gemm_nt C = αABᵀ + βC (cross-Gram) for odd/edge shapes', () => {
    const rt = rts[variant];
    const shapes = [
      [0, 3, 2],
      [1, 1, 1],
      [2, 3, 1],
      [5, 7, 3],
      [8, 8, 8],
      [13, 1, 9],
      [37, 20, 41],
    ];
    for (const [m, k, n] of shapes) {
      const A = rand(m * k, m + 11 * k),
        B = rand(n * k, n + 5 * k),
        C0 = rand(m * n, 3);
      const ref = C0.slice();
      R.gemmNt(A, B, ref, m, k, n, -0.5, 2);
      expect(maxAbsDiff(L.gemmNt(rt, A, B, m, k, n, { alpha: -0.5, beta: 2, C: C0 }), ref)).toBeLessThan(1e-13);
      // rows split
      const ar = rt.arena,
        mk = ar.mark();
      const pa = ar.copyIn(A),
        pb = ar.copyIn(B),
        pc = ar.allocF64(m * n);
      const mid = Math.floor(m / 2);
      rt.exports.gemm_nt_rows_f64(pa, pb, pc, m, k, n, 1, 0, 0, mid);
      rt.exports.gemm_nt_rows_f64(pa, pb, pc, m, k, n, 1, 0, mid, m);
      const r1 = new Float64Array(m * n);
      R.gemmNt(A, B, r1, m, k, n);
      expect(maxAbsDiff(ar.f64(pc, m * n), r1)).toBeLessThan(1e-13);
      ar.reset(mk);
    }
  });

  it('gram_sym_f64 + mirror = scale·XXᵀ, exactly symmetric, strips compose, upper untouched', () => {
    const rt = rts[variant];
    const ex = rt.exports,
      ar = rt.arena;
    for (const [n, d] of [
      [0, 4],
      [1, 1],
      [1, 5],
      [2, 3],
      [3, 1],
      [5, 2],
      [7, 9],
      [8, 8],
      [13, 31],
      [66, 17],
      [101, 64],
    ]) {
      const X = rand(n * d, n * 13 + d);
      const ref = R.gram(X, n, d, 1 / d);
      const got = L.gram(rt, X, n, d, 1 / d);
      expect(maxAbsDiff(got, ref)).toBeLessThan(1e-14);
      for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) expect(got[i * n + j]).toBe(got[j * n + i]);
      // strips over 3 "workers" and a sentinel in the upper triangle
      const mk = ar.mark();
      const px = ar.copyIn(X),
        pg = ar.allocF64(n * n);
      ar.f64(pg, n * n).fill(-7);
      const b = L.gramStrips(n, 3);
      expect(b[0]).toBe(0);
      expect(b[3]).toBe(n);
      for (let p = 0; p < 3; p++) ex.gram_sym_f64(px, n, d, pg, 1 / d, b[p], b[p + 1]);
      const G = ar.f64(pg, n * n);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          if (j > i) expect(G[i * n + j]).toBe(-7);
          else expect(Math.abs(G[i * n + j] - ref[i * n + j])).toBeLessThan(1e-14);
        }
      ex.mirror_lower_f64(pg, n, 0, Math.floor(n / 2));
      ex.mirror_lower_f64(pg, n, Math.floor(n / 2), n);
      // L.gram runs on the packed kernel (gram_pk_f64): same sums in another order
      expect(maxAbsDiff(ar.f64(pg, n * n), got)).toBeLessThan(1e-14);
      const pf = ar.allocF64(n * n);
      ex.gram_f64(px, n, d, pf, 1 / d);
      expect(maxAbsDiff(ar.f64(pg, n * n), ar.f64(pf, n * n))).toBe(0);
      ar.reset(mk);
    }
  });

  it('gram_sym_f64 with arbitrary (unaligned, empty, out-of-range) strip boundaries', () => {
    const rt = rts[variant];
    const ex = rt.exports,
      ar = rt.arena;
    const n = 29,
      d = 11;
    const X = rand(n * d, 123);
    const ref = R.gram(X, n, d);
    const mk = ar.mark();
    const px = ar.copyIn(X),
      pg = ar.allocF64(n * n);
    ar.f64(pg, n * n).fill(0);
    for (const [a, b] of [
      [0, 5],
      [5, 5],
      [5, 11],
      [11, 12],
      [12, 27],
      [27, 40],
      [-3, 0],
    ])
      ex.gram_sym_f64(px, n, d, pg, 1, a, b);
    ex.mirror_lower_f64(pg, n, 0, 7);
    ex.mirror_lower_f64(pg, n, 7, 100);
    expect(maxAbsDiff(ar.f64(pg, n * n), ref)).toBeLessThan(1e-13);
    ar.reset(mk);
  });

  it('gram_f64 (full) and transpose_sq_f64', () => {
    const rt = rts[variant];
    const ex = rt.exports,
      ar = rt.arena,
      mk = ar.mark();
    const n = 45,
      d = 7;
    const X = rand(n * d, 4);
    const px = ar.copyIn(X),
      pg = ar.allocF64(n * n);
    ex.gram_f64(px, n, d, pg, 2);
    expect(maxAbsDiff(ar.f64(pg, n * n), R.gram(X, n, d, 2))).toBeLessThan(1e-13);
    const M = rand(n * n, 8);
    const pm = ar.copyIn(M);
    ex.transpose_sq_f64(pm, n);
    const T = ar.f64(pm, n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(T[i * n + j]).toBe(M[j * n + i]);
    ar.reset(mk);
  });
});

describe('gramStrips', () => {
  it('balances the triangle', () => {
    const n = 4096,
      b = L.gramStrips(n, 2);
    const work = (a: number, c: number) => (c * (c + 1) - a * (a + 1)) / 2;
    expect(b.every((v) => v % 4 === 0)).toBe(true);
    expect(work(b[0], b[1]) / work(b[1], b[2])).toBeCloseTo(1, 2);
    for (const [nn, parts] of [
      [0, 2],
      [3, 2],
      [10, 3],
      [1000, 4],
    ]) {
      const bb = L.gramStrips(nn, parts);
      expect(bb.length).toBe(parts + 1);
      for (let p = 0; p < parts; p++) expect(bb[p + 1]).toBeGreaterThanOrEqual(bb[p]);
      expect(bb[parts]).toBe(nn);
    }
  });
});

describe('Gram over shared memory with two workers (threads build)', () => {
  it('balanced strips in parallel equal the single-thread result bitwise', async () => {
    const { WorkerPool } = await import('../../src/wasm/exec.js');
    const rt = await loadWasm({ shared: true });
    const pool = await WorkerPool.create(rt, 2);
    try {
      const n = 203,
        d = 37;
      const X = rand(n * d, 77);
      const ar = rt.arena;
      const px = ar.copyIn(X),
        pg = ar.allocF64(n * n),
        pg1 = ar.allocF64(n * n);
      const b = L.gramStrips(n, 2);
      await Promise.all([0, 1].map((p) => pool.call('gram_sym_f64', px, n, d, pg, 1 / d, b[p], b[p + 1])));
      await Promise.all([0, 1].map((p) => pool.call('mirror_lower_f64', pg, n, b[p], b[p + 1])));
      rt.exports.gram_f64(px, n, d, pg1, 1 / d);
      expect(Array.from(ar.f64(pg, n * n))).toEqual(Array.from(ar.f64(pg1, n * n)));
      expect(maxAbsDiff(ar.f64(pg, n * n), R.gram(X, n, d, 1 / d))).toBeLessThan(1e-14);
    } finally {
      await pool.close();
    }
  });
});
