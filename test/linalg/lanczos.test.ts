import { beforeAll, describe, expect, it } from 'vitest';
import { loadWasm, type WasmRuntime } from '../../src/wasm/runtime.js';
import * as L from '../../src/linalg/index.js';
import * as R from '../../src/ref/eigh.js';
import { gemv } from '../../src/ref/blas.js';
import { frob, kernelLike, maxAbsDiff, randomSym, rng } from './helpers.js';

const rts: Record<string, WasmRuntime> = {};
beforeAll(async () => {
  rts.release = await loadWasm({ variant: 'release' });
  rts.scalar = await loadWasm({ variant: 'scalar' });
});

function orthErr(Q: Float64Array, m: number, n: number): number {
  let e = 0;
  for (let i = 0; i < m; i++)
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += Q[i * n + k] * Q[j * n + k];
      e = Math.max(e, Math.abs(s - (i === j ? 1 : 0)));
    }
  return e;
}

/** ‖y‖ Q_mᵀ f(T_m) e_0 via tql_first (Gauss quadrature form) */
function lanczosApply(rt: WasmRuntime, res: L.LanczosResult, n: number, f: (l: number) => number): Float64Array {
  const m = res.steps;
  const T = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    T[i * m + i] = res.alpha[i];
    if (i + 1 < m) T[i * m + i + 1] = T[(i + 1) * m + i] = res.beta[i];
  }
  const { values, vectors } = L.eigh(rt, T, m);
  // c = f(T) e_0 = S f(Λ) Sᵀ e_0
  const c = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const w = f(values[j]) * vectors[j]; // vectors[0*m + j] = S[0][j]
    for (let i = 0; i < m; i++) c[i] += vectors[i * m + j] * w;
  }
  const out = new Float64Array(n);
  gemv(res.Q!, c, out, m, n, res.norm, 0, 1);
  return out;
}

describe.each(['release', 'scalar'])('lanczos_f64 (%s build)', (variant) => {
  it.each([1, 2, 5, 40, 150])('m = n steps reproduce the spectrum and QᵀQ = I (n = %i)', (n) => {
    const rt = rts[variant];
    const K = n > 30 ? kernelLike(n, 6, n) : randomSym(n, n);
    const r = rng(3 * n);
    const y = Float64Array.from({ length: n }, () => r() - 0.5);
    const res = L.lanczos(rt, K, n, y, n, { keepBasis: true, chunk: 7 });
    const m = res.steps;
    expect(m).toBeGreaterThan(0);
    expect(res.beta[m - 1]).toBe(0);
    expect(orthErr(res.Q!, m, n)).toBeLessThan(1e-12);
    const t = L.tqlFirst(rt, res.alpha, res.beta);
    expect(t.status).toBe(0);
    const full = L.eigh(rt, K, n);
    if (m === n) expect(maxAbsDiff(t.values, full.values) / frob(K)).toBeLessThan(1e-10);
    // Ritz values are eigenvalues in any case
    for (const th of t.values) expect(Math.min(...full.values.map((l) => Math.abs(l - th))) / frob(K)).toBeLessThan(1e-10);
    // TS twin
    const Q = new Float64Array((n + 1) * n),
      a = new Float64Array(n),
      b = new Float64Array(n);
    const ny = Math.hypot(...y);
    for (let i = 0; i < n; i++) Q[i] = y[i] / ny;
    expect(R.lanczos(K, n, Q, a, b, 0, n)).toBe(m);
    expect(maxAbsDiff(a.subarray(0, m), res.alpha) / frob(K)).toBeLessThan(1e-10);
  });

  it('stops early on an invariant subspace (y in a 3-dim eigenspace)', () => {
    const rt = rts[variant];
    const n = 30;
    const K = new Float64Array(n * n);
    for (let i = 0; i < n; i++) K[i * n + i] = i + 1;
    const y = new Float64Array(n);
    y[2] = 1;
    y[7] = -2;
    y[20] = 0.5;
    const res = L.lanczos(rt, K, n, y, n, { keepBasis: true });
    expect(res.steps).toBe(3);
    expect(res.beta[2]).toBe(0);
    const t = L.tqlFirst(rt, res.alpha, res.beta);
    expect(maxAbsDiff(t.values, [3, 8, 21])).toBeLessThan(1e-12);
    // Gauss quadrature weights z0² = normalised energies of y
    expect(
      maxAbsDiff(
        t.z0.map((z) => z * z),
        [1 / 5.25, 4 / 5.25, 0.25 / 5.25],
      ),
    ).toBeLessThan(1e-13);
  });

  it('K⁻¹y ≈ ‖y‖ Qᵀ T⁻¹ e_0 converges on a well-conditioned matrix', () => {
    const rt = rts[variant];
    const n = 200;
    const K = kernelLike(n, 4, 11); // exp kernel: λ_min = O(1), λ_max ≈ n
    for (let i = 0; i < n; i++) K[i * n + i] += 1; // ridge keeps cond ~ n
    const r = rng(5);
    const y = Float64Array.from({ length: n }, () => r() - 0.5);
    const full = L.eigh(rt, K, n);
    // exact K⁻¹ y
    const a = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += full.vectors[i * n + j] * y[i];
      s /= full.values[j];
      for (let i = 0; i < n; i++) a[i] += full.vectors[i * n + j] * s;
    }
    let prev = Infinity;
    const errs: number[] = [];
    for (const m of [5, 10, 20, 40, 80]) {
      const res = L.lanczos(rt, K, n, y, m, { keepBasis: true });
      const x = lanczosApply(rt, res, n, (l) => 1 / l);
      const err = maxAbsDiff(x, a) / Math.max(...a.map(Math.abs));
      errs.push(err);
      // monotone until the rounding floor of the reference K⁻¹y itself (≈ cond·ε ≈ 1e-14 here)
      expect(err).toBeLessThan(Math.max(prev * 1.0001, 1e-13));
      prev = err;
    }
    expect(errs[errs.length - 1]).toBeLessThan(1e-10);
    // and via tridiag_solve on T (the fast path): K⁻¹y = ‖y‖ Qᵀ T⁻¹ e_0
    const res = L.lanczos(rt, K, n, y, 80, { keepBasis: true });
    const e0 = new Float64Array(res.steps);
    e0[0] = 1;
    const { x: c, status } = L.tridiagSolve(rt, res.alpha, res.beta, e0);
    expect(status).toBe(0);
    const x = new Float64Array(n);
    gemv(res.Q!, c, x, res.steps, n, res.norm, 0, 1);
    expect(maxAbsDiff(x, a) / Math.max(...a.map(Math.abs))).toBeLessThan(1e-10);
  });

  it('chunked calls equal one call; stop callback ends the run; zero vector / n = 0', () => {
    const rt = rts[variant];
    const n = 60;
    const K = randomSym(n, 9);
    const y = Float64Array.from({ length: n }, (_, i) => Math.cos(i));
    const one = L.lanczos(rt, K, n, y, 25);
    const chunked = L.lanczos(rt, K, n, y, 25, { chunk: 4 });
    expect(Array.from(chunked.alpha)).toEqual(Array.from(one.alpha));
    expect(Array.from(chunked.beta)).toEqual(Array.from(one.beta));
    const stopped = L.lanczos(rt, K, n, y, 25, { chunk: 4, stop: (_a, _b, s) => s >= 8 });
    expect(stopped.steps).toBe(8);
    expect(L.lanczos(rt, K, n, new Float64Array(n), 5).steps).toBe(0);
    expect(L.lanczos(rt, [], 0, [], 5).steps).toBe(0);
  });
});
