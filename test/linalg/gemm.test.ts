// The packed GEMM gemm_pk_f64 (assembly/gemm.ts) against its TS twin R.gemmPk, and the twin against
// the independent plain products R.gemm / R.gemmNt. Shapes cross every blocking edge of the kernel
// (4×4 micro tile, MC = 96 rows, KC = 256, NC = 512 columns); triangles leave sentinels untouched.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadWasm, type WasmRuntime } from '../../src/wasm/runtime.js';
import * as R from '../../src/ref/blas.js';
import * as L from '../../src/linalg/index.js';
import { maxAbsDiff, rng } from './helpers.js';

const rand = (len: number, seed: number) => {
  const r = rng(seed);
  return Float64Array.from({ length: len }, () => r() * 2 - 1);
};
// 'release' runs the relaxed-SIMD build where it validates (6×4 FMA tile), 'plain' the 4×4 mul + add one
const variants = ['release', 'plain', 'scalar'] as const;
const rts: Record<string, WasmRuntime> = {};
beforeAll(async () => {
  for (const v of variants) rts[v] = await loadWasm(v === 'plain' ? { variant: 'release', relaxed: false } : { variant: v });
});

describe('gemmPk twin', () => {
  it('equals the plain products gemm (NN) and gemmNt (NT), and transposes consistently', () => {
    const m = 7,
      k = 5,
      n = 6;
    const A = rand(m * k, 1),
      B = rand(k * n, 2),
      Bt = rand(n * k, 3);
    const c1 = new Float64Array(m * n),
      c2 = new Float64Array(m * n);
    R.gemm(A, B, c1, m, k, n, 1.5, 0);
    R.gemmPk(0, 0, m, n, k, 1.5, A, k, B, n, 0, c2, n);
    expect(maxAbsDiff(c1, c2)).toBeLessThan(1e-15);
    R.gemmNt(A, Bt, c1, m, k, n, 1, 0);
    R.gemmPk(0, 1, m, n, k, 1, A, k, Bt, k, 0, c2, n);
    expect(maxAbsDiff(c1, c2)).toBeLessThan(1e-15);
    // (Aᵀ)ᵀ: store A transposed (k×m) and ask for op = transpose
    const At = new Float64Array(k * m);
    for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) At[p * m + i] = A[i * k + p];
    const c3 = new Float64Array(m * n);
    R.gemmPk(1, 1, m, n, k, 1, At, m, Bt, k, 0, c3, n);
    expect(maxAbsDiff(c1, c3)).toBeLessThan(1e-15);
  });
});

describe.each(variants)('gemm_pk_f64 (%s build)', (variant) => {
  const shapes: [number, number, number][] = [
    [0, 3, 2],
    [3, 0, 2],
    [1, 1, 1],
    [3, 5, 0],
    [5, 3, 1],
    [4, 4, 4],
    [9, 7, 3],
    [97, 13, 259],
    [101, 530, 17],
    [37, 41, 513],
  ];
  it.each([
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ])('ta=%i tb=%i, full C, β ∈ {0, −0.5}, padded leading dimensions', (ta, tb) => {
    const rt = rts[variant],
      ex = rt.exports,
      ar = rt.arena;
    const w = ar.allocF64(ex.gemm_pk_ws_f64());
    for (const [m, n, k] of shapes) {
      const mk = ar.mark();
      const lda = (ta ? m : k) + 3,
        ldb = (tb ? k : n) + 1,
        ldc = n + 2;
      const A = rand((ta ? k : m) * lda, m + 7 * k),
        B = rand((tb ? n : k) * ldb, n + 3 * k),
        C0 = rand(Math.max(m * ldc, 1), m * n + 1);
      for (const beta of [0, -0.5]) {
        const pa = ar.copyIn(A),
          pb = ar.copyIn(B),
          pc = ar.copyIn(C0);
        ex.gemm_pk_f64(ta, tb, m, n, k, 1.25, pa, lda, pb, ldb, beta, pc, ldc, 0, 0, w);
        const ref = C0.slice();
        R.gemmPk(ta, tb, m, n, k, 1.25, A, lda, B, ldb, beta, ref, ldc);
        expect(maxAbsDiff(ar.f64(pc, C0.length), ref)).toBeLessThan(1e-13);
      }
      ar.reset(mk);
    }
  });
  it('triangles (uplo 1/2, offsets) never touch entries outside; row splits are bitwise equal', () => {
    const rt = rts[variant],
      ex = rt.exports,
      ar = rt.arena;
    const w = ar.allocF64(ex.gemm_pk_ws_f64());
    for (const [m, n, k] of [
      [13, 13, 5],
      [130, 130, 300],
      [61, 600, 7],
    ] as const) {
      for (const uplo of [1, 2]) {
        for (const doff of [0, 3, -5]) {
          const mk = ar.mark();
          const A = rand(m * k, m + k),
            B = rand(n * k, n + 2 * k);
          const pa = ar.copyIn(A),
            pb = ar.copyIn(B),
            pc = ar.allocF64(m * n);
          ar.f64(pc, m * n).fill(-7);
          ex.gemm_pk_f64(0, 1, m, n, k, 0.5, pa, k, pb, k, 0, pc, n, uplo, doff, w);
          const ref = new Float64Array(m * n).fill(-7);
          R.gemmPk(0, 1, m, n, k, 0.5, A, k, B, k, 0, ref, n, uplo, doff);
          const got = ar.f64(pc, m * n);
          let touched = 0,
            err = 0;
          for (let i = 0; i < m * n; i++) {
            if (ref[i] === -7) touched += got[i] === -7 ? 0 : 1;
            else err = Math.max(err, Math.abs(got[i] - ref[i]));
          }
          expect(touched).toBe(0);
          expect(err).toBeLessThan(1e-13);
          // the same triangle in two row strips (rows shift the diagonal offset by the strip start)
          const one = got.slice();
          ar.f64(pc, m * n).fill(-7);
          const s = Math.floor(m / 3) + 1;
          ex.gemm_pk_f64(0, 1, s, n, k, 0.5, pa, k, pb, k, 0, pc, n, uplo, doff, w);
          ex.gemm_pk_f64(0, 1, m - s, n, k, 0.5, pa + 8 * s * k, k, pb, k, 0, pc + 8 * s * n, n, uplo, doff + s, w);
          expect(Array.from(ar.f64(pc, m * n))).toEqual(Array.from(one));
          ar.reset(mk);
        }
      }
    }
  });
  it('α = 0 or k = 0 scales C by β on the stored part only', () => {
    const rt = rts[variant],
      ex = rt.exports,
      ar = rt.arena;
    const w = ar.allocF64(ex.gemm_pk_ws_f64());
    const m = 6,
      n = 6;
    const C0 = rand(m * n, 9);
    const pc = ar.copyIn(C0);
    ex.gemm_pk_f64(0, 0, m, n, 0, 1, 0, 1, 0, 1, 2, pc, n, 1, 0, w);
    const got = ar.f64(pc, m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) expect(got[i * n + j]).toBe(j <= i ? 2 * C0[i * n + j] : C0[i * n + j]);
  });
  it('gram_pk_f64 strips = the lower triangle of scale·XXᵀ, bitwise independent of the split', () => {
    const rt = rts[variant],
      ex = rt.exports,
      ar = rt.arena;
    const w = ar.allocF64(ex.gemm_pk_ws_f64());
    for (const [n, d] of [
      [1, 1],
      [7, 9],
      [66, 17],
      [203, 300],
    ]) {
      const mk = ar.mark();
      const X = rand(n * d, n + d);
      const px = ar.copyIn(X),
        pg = ar.allocF64(n * n),
        pg1 = ar.allocF64(n * n);
      ar.f64(pg, n * n).fill(-7);
      ar.f64(pg1, n * n).fill(-7);
      ex.gram_pk_f64(px, n, d, pg1, 1 / d, 0, n, w);
      const b = L.gramStrips(n, 3);
      for (let p = 0; p < 3; p++) ex.gram_pk_f64(px, n, d, pg, 1 / d, b[p], b[p + 1], w);
      expect(Array.from(ar.f64(pg, n * n))).toEqual(Array.from(ar.f64(pg1, n * n)));
      const ref = R.gram(X, n, d, 1 / d),
        G = ar.f64(pg, n * n);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          if (j > i) expect(G[i * n + j]).toBe(-7);
          else expect(Math.abs(G[i * n + j] - ref[i * n + j])).toBeLessThan(1e-14);
        }
      ar.reset(mk);
    }
  });
});
