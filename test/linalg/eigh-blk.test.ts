// Blocked reduction (tridiag_blk_f64, dsytrd/dlatrd panels + syr2k on the packed GEMM), blocked
// formation of Qᵀ (form_qt_blk_f64, compact WY) and the eigensolver eigh_blk_f64 on hard spectra
// (issue 12 accuracy list): ‖AV − VΛ‖_F/‖A‖_F and max|VᵀV − I| ≤ 1e-13.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadWasm, type WasmRuntime } from '../../src/wasm/runtime.js';
import * as L from '../../src/linalg/index.js';
import { readFileSync } from 'node:fs';
import { FIXTURES, denseTri, eigChecks, frob, gluedWilkinson, kernelLike, maxAbsDiff, randomSym, readNpy, rng, withSpectrum } from './helpers.js';

const rts: Record<string, WasmRuntime> = {};
beforeAll(async () => {
  rts.release = await loadWasm({ variant: 'release' });
  rts.scalar = await loadWasm({ variant: 'scalar' });
  rts.ts = await loadWasm({ variant: 'ts' });
});

function solve(rt: WasmRuntime, A: Float64Array, n: number) {
  const r = L.eigh(rt, A, n);
  expect(r.status).toBe(0);
  for (let i = 1; i < n; i++) expect(r.values[i]).toBeGreaterThanOrEqual(r.values[i - 1]);
  return { ...r, ...eigChecks(A, n, r.vectors, r.values) };
}

describe('blocked reduction and Qᵀ formation', () => {
  it('workspace formula matches the export', () => {
    for (const n of [0, 1, 7, 128, 129, 1000]) expect(L.eighWorkF64(n)).toBe(rts.release.exports.eigh_blk_ws_f64(n));
    expect(L.GEMM_WS_F64).toBe(rts.release.exports.gemm_pk_ws_f64());
  });
  it.each([129, 200, 333])('A = Q T Qᵀ with the blocked reflectors; formed Qᵀ = apply_q(I) (n = %i)', (n) => {
    for (const v of ['release', 'scalar']) {
      const rt = rts[v],
        ex = rt.exports,
        ar = rt.arena,
        mk = ar.mark();
      const A = randomSym(n, n + 5);
      const na = frob(A);
      const a = ar.copyIn(A),
        d = ar.allocF64(n),
        e = ar.allocF64(n),
        w = ar.allocF64(L.eighWorkF64(n));
      ex.tridiag_blk_f64(a, n, d, e, w);
      // unblocked reduction of the same matrix: T agrees up to Krylov sensitivity (loose, as the TS twin check)
      const u = L.tridiag(rt, A, n);
      expect(maxAbsDiff(ar.f64(d, n), u.diag) / na).toBeLessThan(1e-10);
      expect(maxAbsDiff(ar.f64(e, n), u.off) / na).toBeLessThan(1e-10);
      const tb = { diag: ar.f64(d, n).slice(), off: ar.f64(e, n).slice(), tau: ar.f64(w, n).slice(), reflectors: ar.f64(a, n * n).slice() };
      // Q T Qᵀ = A with the level-2 apply_q on the blocked reflectors
      const T = denseTri(Array.from(tb.diag), Array.from(tb.off.subarray(0, n - 1)));
      const QT = L.applyQ(rt, tb, n, T, n);
      const QTt = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) QTt[i * n + j] = QT[j * n + i];
      expect(maxAbsDiff(L.applyQ(rt, tb, n, QTt, n), A) / na).toBeLessThan(1e-14);
      // form_qt_blk: row r of the result = column r of Q = Q e_r
      const I = new Float64Array(n * n);
      for (let i = 0; i < n; i++) I[i * n + i] = 1;
      const Q = L.applyQ(rt, tb, n, I, n);
      ex.form_qt_blk_f64(a, n, w, w);
      const Qt = ar.f64(a, n * n);
      let err = 0;
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) err = Math.max(err, Math.abs(Qt[i * n + j] - Q[j * n + i]));
      expect(err).toBeLessThan(1e-13);
      ar.reset(mk);
    }
  });
});

describe('eigh (blocked reduction) on hard spectra', () => {
  const tol = 1e-13;
  it.each([1, 2, 3, 17, 130, 300])('random symmetric n = %i, release/scalar/ts', (n) => {
    const A = randomSym(n, 3 * n + 1);
    const ref = solve(rts.ts, A, n);
    for (const v of ['release', 'scalar']) {
      const r = solve(rts[v], A, n);
      expect(r.resid).toBeLessThan(tol);
      expect(r.orth).toBeLessThan(tol);
      expect(maxAbsDiff(r.values, ref.values) / Math.max(frob(A), 1e-300)).toBeLessThan(1e-13);
    }
  });
  it('zero matrix: zero eigenvalues, orthonormal vectors', () => {
    for (const n of [1, 3, 150]) {
      const r = solve(rts.release, new Float64Array(n * n), n);
      expect(Array.from(r.values).every((x) => x === 0)).toBe(true);
      expect(r.orth).toBeLessThan(tol);
    }
  });
  it('exact multiplicities as in kernel matrices (blocks of equal eigenvalues)', () => {
    // degeneracies 1, 12, 78, 59 (a sphere kernel's B(d,k) pattern at d = 12, truncated) at n = 150
    const w = [...Array(1).fill(40), ...Array(12).fill(3), ...Array(78).fill(0.25), ...Array(59).fill(0.01)];
    const n = w.length;
    const A = withSpectrum(w, 11);
    const r = solve(rts.release, A, n);
    expect(r.resid).toBeLessThan(tol);
    expect(r.orth).toBeLessThan(tol);
    const sorted = [...w].sort((a, b) => a - b);
    expect(maxAbsDiff(r.values, sorted) / frob(A)).toBeLessThan(1e-14);
  });
  it('glued Wilkinson W21+ (δ = 1e-12, 7 blocks = 147) and tiny off-diagonals', () => {
    for (const A of [gluedWilkinson(7, 1e-12), gluedWilkinson(7, 1e-300)]) {
      const n = Math.round(Math.sqrt(A.length));
      const r = solve(rts.release, A, n);
      expect(r.resid).toBeLessThan(tol);
      expect(r.orth).toBeLessThan(tol);
    }
    // tridiagonal with couplings far below ε·‖T‖
    const n = 140,
      r0 = rng(5);
    const d = Array.from({ length: n }, () => r0());
    const e = Array.from({ length: n - 1 }, (_, i) => (i % 3 === 0 ? 1e-290 : i % 3 === 1 ? 1e-17 : r0()));
    const T = denseTri(d, e);
    const r = solve(rts.release, T, n);
    expect(r.resid).toBeLessThan(tol);
    expect(r.orth).toBeLessThan(tol);
  });
  it.each([150, 260])('kernel-like exp(XXᵀ/d) n = %i', (n) => {
    const A = kernelLike(n, 6, n + 9);
    const r = solve(rts.release, A, n);
    expect(r.resid).toBeLessThan(tol);
    expect(r.orth).toBeLessThan(tol);
  });
});

describe('TS twins of the blocked kernels (ts runtime)', () => {
  it('form_qt_blk_f64 and ormtr_cols_f64: Wasm = twin', () => {
    const n = 150,
      nc = 40;
    const t = L.tridiag(rts.release, randomSym(n, 8), n);
    const Z0 = Float64Array.from({ length: n * nc }, (_, i) => Math.cos(0.3 * i));
    const out: Float64Array[][] = [];
    for (const v of ['release', 'ts']) {
      const rt = rts[v],
        ex = rt.exports,
        ar = rt.arena,
        mk = ar.mark();
      const a = ar.copyIn(t.reflectors),
        tau = ar.copyIn(t.tau),
        z = ar.copyIn(Z0),
        w = ar.allocF64(L.eighWorkF64(n));
      ex.ormtr_cols_f64(a, n, tau, z, nc, 8, 29, w);
      const zq = ar.f64(z, n * nc).slice();
      ex.form_qt_blk_f64(a, n, tau, w);
      out.push([zq, ar.f64(a, n * n).slice()]);
      ar.reset(mk);
    }
    expect(maxAbsDiff(out[0][0], out[1][0])).toBeLessThan(1e-13);
    expect(maxAbsDiff(out[0][1], out[1][1])).toBeLessThan(1e-13);
    // columns outside [8, 29) untouched
    for (let i = 0; i < n; i++) for (const j of [0, 7, 29, nc - 1]) expect(out[0][0][i * nc + j]).toBe(Z0[i * nc + j]);
  });
});

describe('eigenvalues only (eigvalsh_f64: blocked reduction + QL without vectors)', () => {
  it('numpy.linalg.eigh fixtures: values within 1e-13·‖A‖_F', () => {
    const index = JSON.parse(readFileSync(FIXTURES + 'index.json', 'utf8')) as { cases: Record<string, { n: number; normA: number }> };
    for (const [name, c] of Object.entries(index.cases)) {
      const A = readNpy(`${FIXTURES}${name}_A.npy`).data;
      const w = readNpy(`${FIXTURES}${name}_w.npy`).data;
      for (const v of ['release', 'scalar', 'ts']) {
        const r = L.eigvalsh(rts[v], A, c.n);
        expect(r.status).toBe(0);
        expect(maxAbsDiff(r.values, w) / c.normA).toBeLessThan(1e-13);
      }
    }
  });
  it('blocked sizes and hard spectra: equal to the divide-and-conquer values (second method)', () => {
    const cases: [Float64Array, number][] = [
      [randomSym(333, 4), 333],
      [kernelLike(260, 6, 5), 260], // exact multiplicities (degree blocks)
      [gluedWilkinson(9, 1e-12), 189],
      [new Float64Array(200 * 200), 200], // zero matrix
      [withSpectrum([1, 1, 1, 2, 2, 3, -1e-300, 0], 2), 8],
    ];
    for (const n of [1, 2, 3]) cases.push([randomSym(n, n), n]);
    for (const [A, n] of cases) {
      const r = L.eigvalsh(rts.release, A, n);
      const ref = L.eigh(rts.release, A, n);
      expect(r.status).toBe(0);
      const scale = Math.max(frob(A), Number.MIN_VALUE);
      expect(maxAbsDiff(r.values, ref.values) / scale).toBeLessThan(1e-13);
      for (let i = 1; i < n; i++) expect(r.values[i]).toBeGreaterThanOrEqual(r.values[i - 1]);
    }
  });
});
