// Divide and conquer (stedc_f64: deflation, secular equation, Gu–Eisenstat vectors, merges on the
// packed GEMM), the blocked back-transformation (ormtr_blk_f64) and eigh_dc_f64 (dsyevd order).
// Independent checks: QL eigenvalues (tql_first_f64), the level-2 apply_q, numpy fixtures,
// residual ‖AV − VΛ‖_F/‖A‖_F and max|VᵀV − I| ≤ 1e-13 (issue 12 list of hard cases).
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadWasm, type WasmRuntime } from '../../src/wasm/runtime.js';
import * as L from '../../src/linalg/index.js';
import { FIXTURES, denseTri, eigChecks, frob, gluedWilkinson, kernelLike, maxAbsDiff, randomSym, readNpy, rng, withSpectrum } from './helpers.js';

const rts: Record<string, WasmRuntime> = {};
beforeAll(async () => {
  rts.release = await loadWasm({ variant: 'release' });
  rts.plain = await loadWasm({ variant: 'release', relaxed: false }); // the 4×4 mul + add GEMM tile
  rts.scalar = await loadWasm({ variant: 'scalar' });
  rts.ts = await loadWasm({ variant: 'ts' });
});
const TOL = 1e-13;

function triCases(): [string, number[], number[]][] {
  const r = rng(17);
  const out: [string, number[], number[]][] = [];
  for (const n of [1, 2, 3, 31, 32, 33, 65, 200, 513]) {
    out.push([`random ${n}`, Array.from({ length: n }, () => r() - 0.5), Array.from({ length: n - 1 }, () => r() - 0.5)]);
  }
  out.push(['Toeplitz (2, 1) n = 300', Array(300).fill(2), Array(299).fill(1)]);
  out.push(['diagonal with triple repeats n = 150', Array.from({ length: 150 }, (_, i) => i % 3), Array(149).fill(0)]);
  out.push(['all equal diagonal, zero couplings n = 100', Array(100).fill(0.5), Array(99).fill(0)]);
  out.push(['zero n = 70', Array(70).fill(0), Array(69).fill(0)]);
  const gd: number[] = [],
    ge: number[] = [];
  for (let b = 0; b < 10; b++) {
    for (let i = 0; i < 21; i++) {
      gd.push(Math.abs(10 - i));
      if (i < 20) ge.push(1);
    }
    if (b < 9) ge.push(1e-12);
  }
  out.push(['glued Wilkinson W21+ ×10, δ = 1e-12', gd, ge]);
  out.push([
    'tiny couplings n = 300',
    Array.from({ length: 300 }, () => r()),
    Array.from({ length: 299 }, (_, i) => (i % 3 === 0 ? 1e-290 : i % 3 === 1 ? 1e-17 : r())),
  ]);
  out.push(['graded 1e0..1e-12 n = 120', Array.from({ length: 120 }, (_, i) => 10 ** (-i / 10)), Array.from({ length: 119 }, (_, i) => 0.5 * 10 ** (-i / 10))]);
  return out;
}

describe('stedc_f64 (divide and conquer on a tridiagonal)', () => {
  it.each(triCases())('%s', (_name, d, e) => {
    const n = d.length;
    for (const v of ['release', 'plain', 'scalar']) {
      const rt = rts[v];
      const r = L.stedc(rt, d, e);
      expect(r.status).toBe(0);
      const q = L.tqlFirst(rt, d, e);
      const T = denseTri(d, e);
      const nt = Math.max(frob(T), 1e-300);
      expect(maxAbsDiff(r.values, q.values) / nt).toBeLessThan(1e-14);
      const { resid, orth } = eigChecks(T, n, r.vectors, r.values);
      expect(resid).toBeLessThan(TOL);
      expect(orth).toBeLessThan(TOL);
      for (let i = 1; i < n; i++) expect(r.values[i]).toBeGreaterThanOrEqual(r.values[i - 1]);
    }
  });
  it('TS twin (QL) agrees on values and on vectors with a gap', () => {
    const [, d, e] = triCases()[6];
    const a = L.stedc(rts.release, d, e),
      b = L.stedc(rts.ts, d, e);
    expect(maxAbsDiff(a.values, b.values)).toBeLessThan(1e-14);
    const n = d.length;
    let worst = 0;
    for (let j = 0; j < n; j++) {
      let dp = 0,
        dm = 0;
      for (let i = 0; i < n; i++) {
        dp = Math.max(dp, Math.abs(a.vectors[i * n + j] - b.vectors[i * n + j]));
        dm = Math.max(dm, Math.abs(a.vectors[i * n + j] + b.vectors[i * n + j]));
      }
      worst = Math.max(worst, Math.min(dp, dm));
    }
    expect(worst).toBeLessThan(1e-10);
  });
  it('workspace formulas match the Wasm exports (the TS twins take theirs from the same functions)', () => {
    for (const n of [0, 1, 7, 129, 1000]) {
      expect(L.stedcWorkF64(n)).toBe(rts.release.exports.stedc_ws_f64(n));
      expect(L.eighDcWorkF64(n)).toBe(rts.release.exports.eigh_dc_ws_f64(n));
    }
  });
});

describe('gemm_pk_trap_f64 (trapezoidal op(A), the back-transformation products)', () => {
  // op(A) m×k with zeros for p < i (atrap 1, rows of V and T) or p > i (atrap 2, Vᵀ); k and m past
  // the GEMM's KC = 256 and MC = 96 blocks, m not a multiple of 4
  it.each([
    [1, 0, 130, 70, 300],
    [1, 0, 301, 37, 129],
    [2, 1, 301, 45, 128],
    [2, 0, 90, 33, 300],
    [2, 1, 7, 5, 3],
  ])('atrap %i, ta %i, m = %i, n = %i, k = %i: equals the dense product (zeros skipped)', (atrap, ta, m, n, k) => {
    const r = rng(31 * m + k);
    const lda = ta ? m : k;
    const A = Float64Array.from({ length: m * k }, () => r() - 0.5);
    for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) if ((atrap === 1 && p < i) || (atrap === 2 && p > i)) A[ta ? p * lda + i : i * lda + p] = 0;
    const B = Float64Array.from({ length: k * n }, () => r() - 0.5);
    const C0 = Float64Array.from({ length: m * n }, () => r() - 0.5);
    for (const v of ['release', 'plain', 'scalar', 'ts']) {
      const ex = rts[v].exports,
        ar = rts[v].arena,
        mk = ar.mark();
      const pa = ar.copyIn(A),
        pb = ar.copyIn(B),
        w = ar.allocF64(ex.gemm_pk_ws_f64());
      for (const beta of [0, 1, 0.5]) {
        const c1 = ar.copyIn(C0),
          c2 = ar.copyIn(C0);
        ex.gemm_pk_trap_f64(ta, 0, m, n, k, -1.25, pa, lda, pb, n, beta, c1, n, 0, 0, w, atrap);
        ex.gemm_pk_f64(ta, 0, m, n, k, -1.25, pa, lda, pb, n, beta, c2, n, 0, 0, w);
        // the same k order without the zero terms: bitwise equal (Object.is tells −0 from +0)
        const x = ar.f64(c1, m * n),
          y = ar.f64(c2, m * n);
        let same = true;
        for (let q = 0; q < m * n; q++) same &&= Object.is(x[q], y[q]);
        expect(same).toBe(true);
      }
      ar.reset(mk);
    }
  });
});

describe('ormtr_blk_f64 (blocked back-transformation)', () => {
  it.each([
    [150, 150],
    [301, 7],
    [140, 333],
    [520, 64],
  ])('Q Z equals the level-2 apply_q (n = %i, %i columns)', (n, nc) => {
    for (const v of ['release', 'plain', 'scalar', 'ts']) {
      const rt = rts[v],
        ex = rt.exports,
        ar = rt.arena,
        mk = ar.mark();
      const t = L.tridiag(rts.release, randomSym(n, n + 1), n);
      const B = Float64Array.from({ length: n * nc }, (_, i) => Math.sin(0.37 * i + 1));
      const ref = L.applyQ(rts.release, t, n, B, nc);
      const a = ar.copyIn(t.reflectors),
        tau = ar.copyIn(t.tau),
        z = ar.copyIn(B);
      const w = ar.allocF64(L.eighWorkF64(Math.max(n, nc)));
      ex.ormtr_blk_f64(a, n, tau, z, nc, w);
      expect(maxAbsDiff(ar.f64(z, n * nc), ref)).toBeLessThan(1e-13);
      ar.reset(mk);
    }
  });
});

describe('eigh_dc_f64 (dsyevd order)', () => {
  const check = (rt: WasmRuntime, A: Float64Array, n: number) => {
    const r = L.eigh(rt, A, n, 'dc');
    expect(r.status).toBe(0);
    for (let i = 1; i < n; i++) expect(r.values[i]).toBeGreaterThanOrEqual(r.values[i - 1]);
    const c = eigChecks(A, n, r.vectors, r.values);
    expect(c.resid).toBeLessThan(TOL);
    expect(c.orth).toBeLessThan(TOL);
    return r;
  };
  it.each([1, 2, 3, 4, 33, 129, 300])('random symmetric n = %i (release, scalar) vs QL values', (n) => {
    const A = randomSym(n, 5 * n + 3);
    const q = L.eigh(rts.release, A, n, 'ql');
    for (const v of ['release', 'plain', 'scalar']) {
      const r = check(rts[v], A, n);
      expect(maxAbsDiff(r.values, q.values) / Math.max(frob(A), 1e-300)).toBeLessThan(1e-14);
    }
  });
  it('zero matrix and n = 0', () => {
    for (const n of [1, 2, 3, 140]) {
      const r = check(rts.release, new Float64Array(n * n), n);
      expect(Array.from(r.values).every((x) => x === 0)).toBe(true);
    }
    expect(L.eigh(rts.release, [], 0, 'dc').status).toBe(0);
  });
  it('non-finite input reports failure', () => {
    const A = randomSym(40, 3);
    A[5 * 40 + 7] = A[7 * 40 + 5] = NaN;
    expect(L.eigh(rts.release, A, 40, 'dc').status).not.toBe(0);
  });
  it('exact multiplicities (kernel-matrix blocks of equal eigenvalues) are resolved to rounding', () => {
    const w = [...Array(1).fill(40), ...Array(12).fill(3), ...Array(78).fill(0.25), ...Array(109).fill(0.01)];
    const n = w.length;
    const A = withSpectrum(w, 23);
    const r = check(rts.release, A, n);
    expect(
      maxAbsDiff(
        r.values,
        [...w].sort((a, b) => a - b),
      ) / frob(A),
    ).toBeLessThan(1e-14);
  });
  it('glued Wilkinson and tiny couplings as dense matrices', () => {
    for (const A of [gluedWilkinson(9, 1e-12), gluedWilkinson(9, 1e-300)]) check(rts.release, A, Math.round(Math.sqrt(A.length)));
  });
  it.each([200, 333])('kernel-like exp(XXᵀ/d) n = %i', (n) => {
    check(rts.release, kernelLike(n, 6, n + 1), n);
  });
  it('numpy.linalg.eigh fixtures: values and vectors (up to sign / cluster projectors)', () => {
    const index = JSON.parse(readFileSync(FIXTURES + 'index.json', 'utf8')) as { cases: Record<string, { n: number; vectors: boolean; normA: number }> };
    for (const [name, c] of Object.entries(index.cases)) {
      const n = c.n;
      const A = readNpy(`${FIXTURES}${name}_A.npy`).data;
      const w = readNpy(`${FIXTURES}${name}_w.npy`).data;
      const r = check(rts.release, A, n);
      expect(maxAbsDiff(r.values, w) / c.normA).toBeLessThan(1e-13);
      if (!c.vectors) continue;
      const V = readNpy(`${FIXTURES}${name}_V.npy`).data;
      for (let j0 = 0; j0 < n; ) {
        let j1 = j0 + 1;
        while (j1 < n && w[j1] - w[j1 - 1] <= 1e-6 * c.normA) j1++;
        // projector onto the cluster [j0, j1) (a single column: sign-free)
        let err = 0;
        for (let a = 0; a < n; a++)
          for (let b = 0; b < n; b++) {
            let p = 0,
              q = 0;
            for (let j = j0; j < j1; j++) {
              p += r.vectors[a * n + j] * r.vectors[b * n + j];
              q += V[a * n + j] * V[b * n + j];
            }
            err = Math.max(err, Math.abs(p - q));
          }
        expect(err).toBeLessThan(1e-8);
        j0 = j1;
      }
    }
  });
});

/** Panels' rare paths: columns already reduced (τ = 0 reflectors: zero rows and columns off the
 *  diagonal in the first panel) and entries whose squares overflow (‖v‖ by the scaled nrm2). */
function panelEdgeCase(kind: 'zero-columns' | 'huge', n: number): Float64Array {
  const A = randomSym(n, n + 11);
  if (kind === 'huge') return A.map((x) => x * 1e160);
  for (let i = 0; i < 70; i++)
    for (let j = 0; j < n; j++)
      if (j !== i) {
        A[i * n + j] = 0;
        A[j * n + i] = 0;
      }
  return A;
}

describe('eigh_dc over two workers (threads build)', () => {
  /** eighDcPtrParallel on a pool of two over rt: bitwise the single call, residual and orthogonality. */
  async function twoWorkersEqualOne(rt: WasmRuntime, A: Float64Array, n: number): Promise<void> {
    const { WorkerPool } = await import('../../src/wasm/exec.js');
    const pool = await WorkerPool.create(rt, 2);
    try {
      const ar = rt.arena;
      const a = ar.copyIn(A),
        w = ar.allocF64(n),
        work = ar.allocF64(L.eighDcParallelWorkF64(n));
      const st = await L.eighDcPtrParallel(rt, pool, a, n, w, work);
      expect(st).toBe(0);
      const ref = L.eigh(rt, A, n, 'dc');
      expect(Array.from(ar.f64(w, n))).toEqual(Array.from(ref.values));
      expect(Array.from(ar.f64(a, n * n))).toEqual(Array.from(ref.vectors));
      const c = eigChecks(A, n, ref.vectors, ref.values);
      expect(c.resid).toBeLessThan(TOL);
      expect(c.orth).toBeLessThan(TOL);
    } finally {
      await pool.close();
    }
  }
  it.each([
    [5, 'kernel'],
    [40, 'kernel'],
    [203, 'kernel'],
    [300, 'kernel'],
    [520, 'kernel'],
    [260, 'zero-columns'],
    [260, 'huge'],
  ] as const)('bitwise equal to the single call (n = %i, %s)', async (n, kind) => {
    await twoWorkersEqualOne(await loadWasm({ shared: true }), kind === 'kernel' ? kernelLike(n, 5, n + 3) : panelEdgeCase(kind, n), n);
  });
  it('the plain threads build (4×4 mul + add GEMM tile) too: bitwise equal to its single call (n = 300)', async () => {
    const rt = await loadWasm({ shared: true, relaxed: false });
    expect(rt.relaxedSimd).toBe(false);
    await twoWorkersEqualOne(rt, kernelLike(300, 5, 303), 300);
  });
});
