// Integrators (assembly/ode.ts, src/numerics/ode.ts): observed orders, dense output, resumable chunks, failure
// statuses, Wasm vs TS twin; committee-model checks (committee.md §9 (d), (e), §8.3) once committee_rhs exists.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadWasm, type WasmRuntime } from '../../src/wasm/runtime.js';
import { MODEL, ODE_STATUS, PAR } from '../../src/committee/layout.js';
import * as O from '../../src/numerics/ode.js';
import { rawOdeTwins } from '../../src/ref/ode.js';
import { wasmOde } from './ode-helpers.js';
import { meanfieldParams } from '../../src/committee/meanfield-params.js';
import { rhs as committeeRhsTs, risk as committeeRiskTs } from '../../src/ref/committee.js';

const MODEL_QUADRATIC_TEST = MODEL.quadraticTest;

/** Deterministic uniform(−1, 1) stream. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return (s / 4294967296) * 2 - 1;
  };
}

/** Random orthogonal V (Gram–Schmidt) and A = V diag(lam) Vᵀ; exact flow e^{At} y0 = V e^{Λt} Vᵀ y0. */
function symmetricModel(lam: number[], seed: number) {
  const n = lam.length,
    r = rng(seed);
  const V = Float64Array.from({ length: n * n }, () => r());
  for (let c = 0; c < n; c++) {
    for (let b = 0; b < c; b++) {
      let d = 0;
      for (let i = 0; i < n; i++) d += V[i * n + c] * V[i * n + b];
      for (let i = 0; i < n; i++) V[i * n + c] -= d * V[i * n + b];
    }
    let nn = 0;
    for (let i = 0; i < n; i++) nn += V[i * n + c] ** 2;
    nn = Math.sqrt(nn);
    for (let i = 0; i < n; i++) V[i * n + c] /= nn;
  }
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let c = 0; c < n; c++) s += V[i * n + c] * lam[c] * V[j * n + c];
      A[i * n + j] = s;
    }
  const exact = (y0: ArrayLike<number>, t: number) => {
    const c = new Float64Array(n),
      y = new Float64Array(n);
    for (let a = 0; a < n; a++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += V[i * n + a] * y0[i];
      c[a] = s * Math.exp(lam[a] * t);
    }
    for (let i = 0; i < n; i++) for (let a = 0; a < n; a++) y[i] += V[i * n + a] * c[a];
    return y;
  };
  return { n, A, exact };
}

function linearParams(A: Float64Array, n: number): Float64Array {
  const p = new Float64Array(PAR.HEADER + n * n);
  p[0] = n;
  p.set(A, PAR.HEADER);
  return p;
}

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};
const slope = (errs: number[]) => {
  // least-squares slope of log2(err) against halving index
  const xs = errs.map((_, i) => i),
    ys = errs.map((e) => -Math.log2(e));
  const mx = xs.reduce((a, b) => a + b) / xs.length,
    my = ys.reduce((a, b) => a + b) / ys.length;
  let sxy = 0,
    sxx = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
  }
  return sxy / sxx;
};

let rt: WasmRuntime;
let rtScalar: WasmRuntime;
beforeAll(async () => {
  rt = await loadWasm({ variant: 'release' });
  rtScalar = await loadWasm({ variant: 'scalar' });
});

const lam = [-2, -0.7, -0.1, 0.3, 0.5];
const M5 = symmetricModel(lam, 7);
const P5 = linearParams(M5.A, M5.n);
const y0 = [1, -0.5, 0.25, 2, -1];
const T = 1;
const yT = M5.exact(y0, T);

describe('integrators on the linear test model (exact e^{At})', () => {
  it('Euler has observed order 1, RK4 order 4 (Wasm and TS twin)', () => {
    for (const [method, h0, order, tol] of [
      ['euler', 0.02, 1, 0.05],
      ['rk4', 0.2, 4, 0.15],
    ] as const) {
      const errs: number[] = [],
        errsTs: number[] = [];
      for (let j = 0; j < 5; j++) {
        const dt = h0 / 2 ** j;
        const r = wasmOde(rt, method, MODEL.linearTest, P5, y0, 0, [T], { dt });
        expect(r.status).toBe(ODE_STATUS.ok);
        expect(r.stats[1]).toBe(Math.round(T / dt));
        expect(r.stats[O.ODE_STATS_LEN]).toBeCloseTo(T, 12);
        errs.push(maxAbs(r.out, yT));
        const y = Float64Array.from(y0),
          out = new Float64Array(M5.n);
        const st = (method === 'euler' ? O.euler : O.rk4)(O.linearRhs(M5.A, M5.n), y, 0, dt, [T], out);
        expect(st).toBe(0);
        errsTs.push(maxAbs(out, yT));
        expect(maxAbs(out, r.out)).toBeLessThan(1e-14);
      }
      expect(Math.abs(slope(errs) - order)).toBeLessThan(tol);
      expect(Math.abs(slope(errsTs) - order)).toBeLessThan(tol);
    }
  });

  it('DOPRI5 5th-order solution at fixed step has observed order 5', () => {
    const errs: number[] = [];
    for (let j = 0; j < 4; j++) {
      const h = 0.125 / 2 ** j;
      // rtol huge → every step accepted; hmax = h keeps the step fixed (T is a multiple of h: no dense output)
      const r = wasmOde(rt, 'dopri5', MODEL.linearTest, P5, y0, 0, [T], { rtol: 1e6, atol: 1e6, hmax: h, h0: h });
      expect(r.status).toBe(0);
      expect(r.stats[1]).toBe(Math.round(T / h));
      expect(r.stats[2]).toBe(0);
      errs.push(maxAbs(r.y, yT));
    }
    expect(Math.abs(slope(errs) - 5)).toBeLessThan(0.3);
  });

  it('DOPRI5 adaptive: global error ∝ rtol (tolerance proportionality), FSAL count 6 per step', () => {
    const errs: number[] = [];
    const rtols = [1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9];
    for (const rtol of rtols) {
      const r = wasmOde(rt, 'dopri5', MODEL.linearTest, P5, y0, 0, [T], { rtol, atol: rtol });
      expect(r.status).toBe(0);
      // 1 initial f + 1 hinit f + 6 per attempted step
      expect(r.stats[3]).toBe(2 + 6 * (r.stats[1] + r.stats[2]));
      errs.push(maxAbs(r.out, yT));
    }
    // log10 err vs log10 rtol: slope ≈ 1 (per decade), error within a modest factor of rtol
    const s = (Math.log10(errs[0]) - Math.log10(errs[errs.length - 1])) / (rtols.length - 1);
    expect(s).toBeGreaterThan(0.8);
    expect(s).toBeLessThan(1.2);
    for (let i = 0; i < rtols.length; i++) expect(errs[i]).toBeLessThan(50 * rtols[i]);
  });

  it('dense output at save points between steps matches the exact flow and a tight-tolerance run', () => {
    const ts = Array.from({ length: 41 }, (_, i) => 3 * (i / 40) ** 1.5);
    const loose = wasmOde(rt, 'dopri5', MODEL.linearTest, P5, y0, 0, ts, { rtol: 1e-7, atol: 1e-9 });
    const tight = wasmOde(rt, 'dopri5', MODEL.linearTest, P5, y0, 0, ts, { rtol: 1e-12, atol: 1e-14 });
    expect(loose.stats[1]).toBeLessThan(ts.length); // fewer steps than save points: dense output is exercised
    let eL = 0,
      eT = 0,
      eX = 0;
    for (let s = 0; s < ts.length; s++) {
      const ex = M5.exact(y0, ts[s]);
      const row = loose.out.subarray(s * 5, s * 5 + 5),
        rowT = tight.out.subarray(s * 5, s * 5 + 5);
      const scale = Math.max(1, ...Array.from(ex, Math.abs));
      eL = Math.max(eL, maxAbs(row, ex) / scale);
      eT = Math.max(eT, maxAbs(rowT, ex) / scale);
      eX = Math.max(eX, maxAbs(row, rowT) / scale);
    }
    expect(eT).toBeLessThan(1e-10);
    expect(eL).toBeLessThan(2e-6);
    expect(eX).toBeLessThan(2e-6);
    expect(loose.stats[8]).toBe(ts.length);
  });

  it('chunked calls on consecutive pieces of the save grid reproduce one call bit for bit (Wasm and TS)', () => {
    const ts = Array.from({ length: 30 }, (_, i) => 0.1 * i + 0.05 * (i % 3));
    const one = wasmOde(rt, 'dopri5', MODEL.linearTest, P5, y0, 0, ts, { rtol: 1e-6, atol: 1e-8 });
    const ar = rt.arena,
      ex = rt.exports,
      n = 5;
    const mark = ar.mark();
    const pp = ar.copyIn(P5),
      py = ar.copyIn(y0),
      pt = ar.copyIn(ts);
    const pout = ar.allocF64(ts.length * n),
      pw = ar.allocF64(ex.ode_work_f64(MODEL.linearTest, n, 0, 0));
    const pst = ar.allocF64(16);
    ar.f64(pst, 16).fill(0);
    const yTs = Float64Array.from(y0),
      outTs = new Float64Array(ts.length * n),
      wTs = O.odeWork(n),
      stTs = O.newStats();
    const rhs = O.linearRhs(M5.A, n);
    for (let c = 0; c < ts.length; c += 7) {
      const m = Math.min(7, ts.length - c);
      const t0 = c === 0 ? 0 : ar.f64(pst, 16)[4];
      const st = ex.ode_dopri5(MODEL.linearTest, pp, py, n, t0, pt + 8 * c, m, pout + 8 * c * n, 1e-6, 1e-8, 0, 0, 1e8, pw, pst);
      expect(st).toBe(0);
      expect(ar.f64(pst, 16)[8]).toBe(m);
      const stT = O.dopri5(rhs, yTs, c === 0 ? 0 : stTs[4], ts.slice(c, c + m), outTs.subarray(c * n), { rtol: 1e-6, atol: 1e-8 }, wTs, stTs);
      expect(stT).toBe(0);
    }
    expect(Array.from(ar.f64(pout, ts.length * n))).toEqual(Array.from(one.out));
    expect(ar.f64(pst, 16)[1]).toBe(one.stats[1]);
    expect(maxAbs(outTs, one.out)).toBeLessThan(1e-13);
    ar.reset(mark);
  });

  it('Wasm SIMD, Wasm scalar and the TS twin agree (DOPRI5 with dense output)', () => {
    const ts = [0, 0.3, 0.77, 1.5, 2.2, 4];
    const a = wasmOde(rt, 'dopri5', MODEL.linearTest, P5, y0, 0, ts, { rtol: 1e-9, atol: 1e-12 });
    const b = wasmOde(rtScalar, 'dopri5', MODEL.linearTest, P5, y0, 0, ts, { rtol: 1e-9, atol: 1e-12 });
    const y = Float64Array.from(y0),
      out = new Float64Array(ts.length * 5),
      st = O.newStats();
    expect(O.dopri5(O.linearRhs(M5.A, 5), y, 0, ts, out, { rtol: 1e-9, atol: 1e-12 }, undefined, st)).toBe(0);
    expect(maxAbs(a.out, b.out)).toBeLessThan(1e-13);
    expect(maxAbs(a.out, out)).toBeLessThan(1e-13);
    expect(st[1]).toBe(a.stats[1]);
    expect(st[2]).toBe(a.stats[2]);
    expect(Array.from(a.out.subarray(0, 5))).toEqual(y0);
  });
});

describe('failure statuses keep the last good state and the rows written', () => {
  // dy = y², y0 = 1: y = 1/(1 − t) blows up at t = 1
  const Pq = new Float64Array(PAR.HEADER);
  Pq[0] = 1;
  const ts = [0.5, 0.9, 2];

  it('NON_FINITE (DOPRI5, hmin = 0): rows before the blow-up are correct, y is finite', () => {
    for (const r of [rt, rtScalar]) {
      const res = wasmOde(r, 'dopri5', MODEL_QUADRATIC_TEST, Pq, [1], 0, ts, { rtol: 1e-8, atol: 1e-10 });
      expect(res.status).toBe(ODE_STATUS.nonFinite);
      expect(res.stats[8]).toBe(2);
      expect(res.out[0]).toBeCloseTo(2, 6);
      expect(res.out[1]).toBeCloseTo(10, 5);
      expect(Number.isFinite(res.y[0])).toBe(true);
      expect(res.y[0]).toBeGreaterThan(1e100);
      expect(res.stats[4]).toBeLessThan(1.001);
      expect(Number.isNaN(res.out[2])).toBe(true);
    }
    const y = Float64Array.of(1),
      out = new Float64Array(3),
      st = O.newStats();
    expect(O.dopri5(O.quadraticTestRhs, y, 0, ts, out, { rtol: 1e-8, atol: 1e-10 }, undefined, st)).toBe(ODE_STATUS.nonFinite);
    expect(st[8]).toBe(2);
    expect(Number.isFinite(y[0])).toBe(true);
  });

  it('STEP_TOO_SMALL (DOPRI5, hmin = 1e-9) and MAX_STEPS', () => {
    const res = wasmOde(rt, 'dopri5', MODEL_QUADRATIC_TEST, Pq, [1], 0, ts, { rtol: 1e-8, atol: 1e-10, hmin: 1e-9 });
    expect(res.status).toBe(ODE_STATUS.stepTooSmall);
    expect(res.stats[8]).toBe(2);
    expect(res.stats[0]).toBeLessThan(1e-9);
    // y is the good state at t reached
    expect(Math.abs(res.y[0] * (1 - res.stats[4]) - 1)).toBeLessThan(0.1);
    const res2 = wasmOde(rt, 'dopri5', MODEL_QUADRATIC_TEST, Pq, [1], 0, ts, { rtol: 1e-8, atol: 1e-10, maxSteps: 50 });
    expect(res2.status).toBe(ODE_STATUS.maxSteps);
    expect(res2.stats[1] + res2.stats[2]).toBe(50);
  });

  it('NON_FINITE (Euler/RK4): linear model with eigenvalue 1e3 overflows; last good state kept', () => {
    const Pl = linearParams(Float64Array.of(1000), 1);
    for (const method of ['euler', 'rk4'] as const) {
      const res = wasmOde(rt, method, MODEL.linearTest, Pl, [1], 0, [0.5, 100], { dt: 0.05 });
      expect(res.status).toBe(ODE_STATUS.nonFinite);
      expect(res.stats[8]).toBe(1);
      expect(Number.isFinite(res.y[0])).toBe(true);
      expect(res.y[0]).toBeGreaterThan(1e300);
      const y = Float64Array.of(1),
        out = new Float64Array(2),
        st = O.newStats(2);
      expect((method === 'euler' ? O.euler : O.rk4)(O.linearRhs([1000], 1), y, 0, 0.05, [0.5, 100], out, undefined, st)).toBe(ODE_STATUS.nonFinite);
      expect(y[0]).toBe(res.y[0]);
      expect(st[8]).toBe(1);
    }
  });
});

// ---- committee model (committee_rhs) ---------------------------------------------------------------------

function committeeParams(p: number, k: number, o: { gp?: number; delta?: number; varTerms?: number; act?: number } = {}): Float64Array {
  const par = new Float64Array(PAR.HEADER + k * k + k);
  par[PAR.P] = p;
  par[PAR.K] = k;
  par[PAR.GAMMA_OVER_P] = o.gp ?? 0;
  par[PAR.NOISE] = o.delta ?? 0;
  par[PAR.VAR] = o.varTerms ?? 0;
  par[PAR.ACT] = o.act ?? 0;
  par[PAR.TACT] = o.act ?? 0;
  for (let r = 0; r < k; r++) {
    par[PAR.HEADER + r * k + r] = 1;
    par[PAR.HEADER + k * k + r] = 1;
  }
  return par;
}

/** Q0 = W0W0ᵀ/d, M0 = W0W*ᵀ/d with Gaussian W0 (p×d) and W* = √d·(first k basis vectors) (P = I). */
function gaussianInit(p: number, k: number, d: number, seed: number): Float64Array {
  const u = rng(seed);
  const g = () => {
    let a = (u() + 1) / 2;
    while (a === 0) a = (u() + 1) / 2;
    return Math.sqrt(-2 * Math.log(a)) * Math.cos(Math.PI * (u() + 1));
  };
  const W = Array.from({ length: p * d }, g);
  const y = new Float64Array(p * p + p * k);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) {
      let a = 0;
      for (let c = 0; c < d; c++) a += W[i * d + c] * W[j * d + c];
      y[i * p + j] = a / d;
    }
    for (let r = 0; r < k; r++) y[p * p + i * k + r] = (W[i * d + r] * Math.sqrt(d)) / d;
  }
  return y;
}

function riskRows(params: Float64Array, out: Float64Array, n: number, rows: number): number[] {
  return Array.from({ length: rows }, (_, s) => committeeRiskTs(params, out.subarray(s * n, (s + 1) * n)));
}

describe('committee model', () => {
  it('(d) linear p = k = 1, full variance: ε(t) = ε∞ + (ε0 − ε∞) e^{−(2−γ)t} (S21), unstable for γ > 2', () => {
    const ts = [0.1, 0.5, 1, 2, 5, 10, 20];
    for (const gamma of [0.5, 1.5, 2.5]) {
      const delta = 0.01;
      const par = committeeParams(1, 1, { gp: gamma, delta, varTerms: 2, act: 1 });
      const y0 = [0.3, 0.1]; // Q, M
      const r = wasmOde(rt, 'dopri5', MODEL.committee, par, y0, 0, ts, { rtol: 1e-11, atol: 1e-13, p: 1, k: 1 });
      expect(r.status).toBe(0);
      const e0 = 0.5 * (0.3 - 2 * 0.1 + 1),
        einf = (gamma * delta) / (2 * (2 - gamma));
      for (let s = 0; s < ts.length; s++) {
        const e = 0.5 * (r.out[2 * s] - 2 * r.out[2 * s + 1] + 1);
        const exact = einf + (e0 - einf) * Math.exp(-(2 - gamma) * ts[s]);
        expect(Math.abs(e - exact) / Math.abs(exact)).toBeLessThan(1e-9);
        expect(committeeRiskTs(par, r.out.subarray(2 * s, 2 * s + 2))).toBeCloseTo(e, 12);
      }
      if (gamma > 2) expect(0.5 * (r.out[12] - 2 * r.out[13] + 1)).toBeGreaterThan(100 * e0);
    }
  });

  it('Wasm DOPRI5 = TS twin (dopri5 over the TS committee rhs); Q stays exactly symmetric', () => {
    const p = 4,
      k = 3;
    const par = committeeParams(p, k, { gp: 0.1, delta: 1e-2, varTerms: 2 });
    const y0 = gaussianInit(p, k, 20, 3);
    const ts = [0, 0.5, 3, 10, 40];
    const n = y0.length;
    const w = wasmOde(rt, 'dopri5', MODEL.committee, par, y0, 0, ts, { rtol: 1e-8, atol: 1e-10, p, k });
    expect(w.status).toBe(0);
    const y = Float64Array.from(y0),
      out = new Float64Array(ts.length * n),
      st = O.newStats();
    expect(O.dopri5((_t, a, b) => committeeRhsTs(par, a, b), y, 0, ts, out, { rtol: 1e-8, atol: 1e-10, post: O.symmetriseQ(p) }, undefined, st)).toBe(0);
    expect(maxAbs(w.out, out)).toBeLessThan(1e-9);
    expect(Math.abs(st[1] - w.stats[1])).toBeLessThanOrEqual(1);
    for (let s = 0; s < ts.length; s++) for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) expect(w.out[s * n + i * p + j]).toBe(w.out[s * n + j * p + i]);
    // risk decreases from the Gaussian init
    const R = riskRows(par, w.out, n, ts.length);
    expect(R[4]).toBeLessThan(R[0]);
  });

  it('(e) Fig. 2-left setting (erf, p = 10, k = 2, γ/p = 0.005, Δ = 1e-3, noise): Euler dt = 1e-3 vs DOPRI5 rtol 1e-8 to t = 1e3', () => {
    const p = 10,
      k = 2,
      d = 3;
    const par = committeeParams(p, k, { gp: 0.005, delta: 1e-3, varTerms: 1 });
    const y0 = gaussianInit(p, k, d, 12345);
    const n = y0.length;
    const grid = Array.from({ length: 27 }, (_, i) => 0.05 * 10 ** (i / 6))
      .filter((t) => t <= 1000)
      .concat([1000]);
    const eu = wasmOde(rt, 'euler', MODEL.committee, par, y0, 0, grid, { dt: 1e-3, p, k });
    expect(eu.status).toBe(0);
    const tEuler = Array.from(eu.stats.subarray(16, 16 + grid.length)); // actual Euler save times (multiples of dt)
    const dp = wasmOde(rt, 'dopri5', MODEL.committee, par, y0, 0, tEuler, { rtol: 1e-8, atol: 1e-10, p, k });
    expect(dp.status).toBe(0);
    const Re = riskRows(par, eu.out, n, grid.length),
      Rd = riskRows(par, dp.out, n, grid.length);
    const rel = Re.map((r, i) => Math.abs(r - Rd[i]) / Rd[i]);
    // Euler's global error: ≤ 5e-4 relative in the fast transient (t ~ 1–3), ≤ 2e-4 from t = 10 on
    expect(Math.max(...rel)).toBeLessThan(5e-4);
    expect(Math.max(...rel.filter((_, i) => tEuler[i] >= 10))).toBeLessThan(2e-4);
    expect(dp.stats[3] * 100).toBeLessThan(eu.stats[3]);
    // the difference is Euler's O(dt) error: halving dt halves it (checked to t = 5)
    const short = tEuler.filter((t) => t <= 5);
    const eu2 = wasmOde(rt, 'euler', MODEL.committee, par, y0, 0, short, { dt: 5e-4, p, k });
    const R2 = riskRows(par, eu2.out, n, short.length);
    const iMax = rel.slice(0, short.length).indexOf(Math.max(...rel.slice(0, short.length)));
    const ratio = Math.abs(Re[iMax] - Rd[iMax]) / Math.abs(R2[iMax] - Rd[iMax]);
    expect(ratio).toBeGreaterThan(1.8);
    expect(ratio).toBeLessThan(2.2);
  });

  it('(i) GF (varTerms none): risk non-increasing, Q symmetric and PSD along the DOPRI5 trajectory; no memory growth', () => {
    const p = 6,
      k = 3;
    const par = committeeParams(p, k);
    const y0 = gaussianInit(p, k, 8, 11);
    const n = y0.length;
    const ts = Array.from({ length: 60 }, (_, i) => 0.01 * 10 ** (i / 15));
    const bytes = rt.memory.buffer.byteLength;
    const r = wasmOde(rt, 'dopri5', MODEL.committee, par, y0, 0, ts, { rtol: 1e-9, atol: 1e-11, p, k });
    expect(rt.memory.buffer.byteLength).toBe(bytes);
    expect(r.status).toBe(0);
    const R = riskRows(par, r.out, n, ts.length);
    for (let s = 1; s < ts.length; s++) expect(R[s]).toBeLessThanOrEqual(R[s - 1] * (1 + 1e-9));
    expect(R[ts.length - 1]).toBeLessThan(0.5 * R[0]);
    for (let s = 0; s < ts.length; s += 7) {
      // PSD: Cholesky with a tiny shift succeeds
      const Q = Array.from(r.out.subarray(s * n, s * n + p * p));
      for (let i = 0; i < p; i++) Q[i * p + i] += 1e-12;
      for (let j = 0; j < p; j++) {
        let dd = Q[j * p + j];
        for (let c = 0; c < j; c++) dd -= Q[j * p + c] ** 2;
        expect(dd).toBeGreaterThan(0);
        const l = Math.sqrt(dd);
        Q[j * p + j] = l;
        for (let i = j + 1; i < p; i++) {
          let v = Q[i * p + j];
          for (let c = 0; c < j; c++) v -= Q[i * p + c] * Q[j * p + c];
          Q[i * p + j] = v / l;
        }
      }
    }
  });

  it('raw-pointer TS twins (rawOdeTwins) reproduce the Wasm exports on the same memory (committee, mean-field, linear)', () => {
    const p = 3,
      k = 2;
    const twins = rawOdeTwins(rt.memory);
    const cases: [number, Float64Array, Float64Array][] = [
      [MODEL.committee, committeeParams(p, k, { gp: 0.2, delta: 1e-2, varTerms: 2 }), gaussianInit(p, k, 10, 5)],
      [MODEL.linearTest, P5, Float64Array.from(y0)],
      [
        MODEL.meanfield,
        meanfieldParams({ p, k, activation: 'erf', d: 6, nodes: 12, gammaOverP: 0.01, noise: 0.01, varTerms: 'noise' }),
        Float64Array.of(0.3, 0.1, -0.2, 0.4, 0.05, 0.2, 0.5, 0.4, 0.3),
      ],
    ];
    const ts = [0, 0.7, 2.5, 6];
    for (const [model, par, yInit] of cases) {
      for (const method of ['dopri5', 'euler', 'rk4'] as const) {
        const w = wasmOde(rt, method, model, par, yInit, 0, ts, { dt: 0.01, rtol: 1e-9, atol: 1e-11, p, k });
        const ar = rt.arena,
          n = yInit.length,
          m = ar.mark();
        const pp = ar.copyIn(par),
          py = ar.copyIn(yInit),
          pt = ar.copyIn(ts),
          po = ar.allocF64(ts.length * n);
        const pw = ar.allocF64(twins.ode_work_f64(model, n, p, k) as number),
          pst = ar.allocF64(16 + ts.length);
        ar.f64(pst, 16 + ts.length).fill(0);
        const st =
          method === 'dopri5'
            ? twins.ode_dopri5(model, pp, py, n, 0, pt, ts.length, po, 1e-9, 1e-11, 0, 0, 1e8, pw, pst)
            : twins[`ode_${method}`](model, pp, py, n, 0, 0.01, pt, ts.length, po, pw, pst);
        expect(st).toBe(w.status);
        expect(maxAbs(ar.f64(po, ts.length * n), w.out)).toBeLessThan(1e-11);
        expect(ar.f64(pst, 16)[8]).toBe(ts.length);
        ar.reset(m);
      }
    }
  });
});
