// Mean-field (M, q) ODE (committee.md §5, §9 (i)): Gauss–Jacobi Ξ law, Wasm vs TS twin, explicit full-formula
// checks (S22 / S14+S18 on the explicit Ω̄), Ξ average vs Monte Carlo over random Ξ, erf and x² RHS and risk vs
// brute-force Monte Carlo over (x, Ξ), invariance of q = 0, and the mean-field vs full-ODE M dynamics at q = 0.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadWasm, type WasmRuntime } from '../../src/wasm/runtime.js';
import { MODEL } from '../../src/committee/layout.js';
import { meanfieldRhs, meanfieldRisk } from '../../src/ref/meanfield.js';
import { meanfieldParams, type MeanfieldSpec } from '../../src/committee/meanfield-params.js';
import { gaussJacobiXi } from '../../src/numerics/quadrature.js';
import * as O from '../../src/numerics/ode.js';
import { wasmOde } from './ode-helpers.js';
import { risk as committeeRisk } from '../../src/ref/committee.js';

// ---- small deterministic helpers --------------------------------------------------------------------------
function mulberry(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function gauss(u: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    let a = u();
    while (a === 0) a = u();
    const r = Math.sqrt(-2 * Math.log(a)),
      th = 2 * Math.PI * u();
    spare = r * Math.sin(th);
    return r * Math.cos(th);
  };
}
/** erf by Abramowitz–Stegun 7.1.26 (|error| < 1.5e-7: far below the Monte-Carlo errors it is used with). */
function erfAS(x: number): number {
  const s = x < 0 ? -1 : 1,
    a = Math.abs(x),
    t = 1 / (1 + 0.3275911 * a);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return s * y;
}
const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

/** Random valid mean-field state: M rows of norm < 0.8, q ∈ [0.1, 0.6]. */
function randomState(p: number, k: number, seed: number): Float64Array {
  const u = mulberry(seed),
    y = new Float64Array(p * k + p);
  for (let i = 0; i < p; i++) {
    for (let r = 0; r < k; r++) y[i * k + r] = (u() * 2 - 1) * 0.55;
    y[p * k + i] = 0.1 + 0.5 * u();
  }
  return y;
}

// ---- explicit full formulas on Ω (independent of the structured kernel) -----------------------------------
const TP = 2 / Math.PI;
const I3 = (c11: number, c12: number, c13: number, c23: number, c33: number) =>
  (TP * (c23 * (1 + c11) - c12 * c13)) / ((1 + c11) * Math.sqrt((1 + c11) * (1 + c33) - c13 * c13));
const I2 = (c11: number, c12: number, c22: number) => TP * Math.asin(c12 / Math.sqrt((1 + c11) * (1 + c22)));

/** Explicit erf RHS at a given Ξ (p×p, unit diagonal): Q̃ = A + DΞD, Q̃⊥ = DΞD; returns [dM, dq] and ε. */
function erfExplicit(p: number, k: number, y: ArrayLike<number>, Xi: Float64Array, aStar: number[]) {
  const M = (i: number, r: number) => y[i * k + r];
  const q = (i: number) => y[p * k + i];
  const Qt = new Float64Array(p * p),
    Qp = new Float64Array(p * p);
  for (let i = 0; i < p; i++)
    for (let j = 0; j < p; j++) {
      let a = 0;
      for (let r = 0; r < k; r++) a += M(i, r) * M(j, r);
      Qp[i * p + j] = Math.sqrt(q(i) * q(j)) * Xi[i * p + j];
      Qt[i * p + j] = a + Qp[i * p + j];
    }
  const dy = new Float64Array(p * k + p);
  for (let i = 0; i < p; i++) {
    for (let r = 0; r < k; r++) {
      let s = 0;
      for (let j = 0; j < p; j++) s -= I3(Qt[i * p + i], M(i, r), Qt[i * p + j], M(j, r), Qt[j * p + j]) / p;
      for (let u = 0; u < k; u++) s += (aStar[u] / k) * I3(Qt[i * p + i], M(i, r), M(i, u), r === u ? 1 : 0, 1);
      dy[i * k + r] = s;
    }
    let s = 0;
    for (let j = 0; j < p; j++) s -= I3(Qt[i * p + i], q(i), Qt[i * p + j], Qp[i * p + j], Qt[j * p + j]) / p;
    for (let u = 0; u < k; u++) s += (aStar[u] / k) * I3(Qt[i * p + i], q(i), M(i, u), 0, 1);
    dy[p * k + i] = 2 * s;
  }
  let ss = 0,
    st = 0,
    tt = 0;
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) ss += I2(Qt[i * p + i], Qt[i * p + j], Qt[j * p + j]);
    for (let r = 0; r < k; r++) st += aStar[r] * I2(Qt[i * p + i], M(i, r), 1);
  }
  for (let r = 0; r < k; r++) for (let u = 0; u < k; u++) tt += aStar[r] * aStar[u] * I2(1, r === u ? 1 : 0, 1);
  return { dy, eps: 0.5 * (ss / (p * p) - (2 * st) / (p * k) + tt / (k * k)) };
}

/** Explicit S22 (x², a = a* = 1, P = I) at Ω̃ = (Q̃, M, I): dM, dq_i = Ψ⊥_ii, ε_g. */
function quadExplicit(p: number, k: number, y: ArrayLike<number>, Xi: Float64Array) {
  const M = (i: number, r: number) => y[i * k + r];
  const q = (i: number) => y[p * k + i];
  const Q = new Float64Array(p * p),
    Qp = new Float64Array(p * p);
  for (let i = 0; i < p; i++)
    for (let j = 0; j < p; j++) {
      let a = 0;
      for (let r = 0; r < k; r++) a += M(i, r) * M(j, r);
      Qp[i * p + j] = Math.sqrt(q(i) * q(j)) * Xi[i * p + j];
      Q[i * p + j] = a + Qp[i * p + j];
    }
  let trQ = 0,
    trQ2 = 0,
    mm = 0;
  for (let i = 0; i < p; i++) {
    trQ += Q[i * p + i];
    for (let j = 0; j < p; j++) trQ2 += Q[i * p + j] ** 2;
  }
  for (let i = 0; i < p * k; i++) mm += y[i] ** 2;
  const c = 1 - trQ / p; // TrP/k = 1
  const dy = new Float64Array(p * k + p);
  for (let i = 0; i < p; i++) {
    for (let r = 0; r < k; r++) {
      let qm = 0;
      for (let j = 0; j < p; j++) qm += Q[i * p + j] * M(j, r);
      dy[i * k + r] = 2 * c * M(i, r) + 4 * (M(i, r) / k - qm / p);
    }
    let qqp = 0;
    for (let j = 0; j < p; j++) qqp += Q[i * p + j] * Qp[j * p + i];
    dy[p * k + i] = 4 * c * Qp[i * p + i] - (8 / p) * qqp;
  }
  const eps = (k * k + 2 * k) / (2 * k * k) - (k * trQ + 2 * mm) / (p * k) + (trQ * trQ + 2 * trQ2) / (2 * p * p);
  return { dy, eps };
}

/** Ξ = GGᵀ for g_i uniform on S^{m−1}. */
function sampleXi(p: number, m: number, g: () => number): Float64Array {
  const G = new Float64Array(p * m);
  for (let i = 0; i < p; i++) {
    let nn = 0;
    for (let a = 0; a < m; a++) nn += (G[i * m + a] = g()) ** 2;
    nn = Math.sqrt(nn);
    for (let a = 0; a < m; a++) G[i * m + a] /= nn;
  }
  const X = new Float64Array(p * p);
  for (let i = 0; i < p; i++)
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (let a = 0; a < m; a++) s += G[i * m + a] * G[j * m + a];
      X[i * p + j] = i === j ? 1 : s;
    }
  return X;
}
const eye = (p: number) => Float64Array.from({ length: p * p }, (_, i) => (i % (p + 1) === 0 ? 1 : 0));

let rt: WasmRuntime, rtS: WasmRuntime;
beforeAll(async () => {
  rt = await loadWasm({ variant: 'release' });
  rtS = await loadWasm({ variant: 'scalar' });
});

function wasmRhs(r: WasmRuntime, params: Float64Array, y: Float64Array) {
  const ar = r.arena,
    ex = r.exports,
    p = params[0],
    k = params[1];
  const m = ar.mark();
  const pp = ar.copyIn(params),
    py = ar.copyIn(y),
    pd = ar.allocF64(y.length),
    pw = ar.allocF64(ex.ode_work_f64(MODEL.meanfield, y.length, p, k) - 14 * y.length);
  ex.meanfield_rhs(pp, py, pd, pw);
  const dy = ar.copyOut(pd, y.length);
  const eps = ex.meanfield_risk(pp, py, pw);
  ar.reset(m);
  return { dy, eps };
}

describe('Gauss–Jacobi law of Ξ_jl (Golub–Welsch)', () => {
  it('weights sum to 1 and moments match E z² = 1/m, E z⁴ = 3/(m(m+2)) for uniform g on S^{m−1}', () => {
    for (const m of [2, 3, 4, 7, 20]) {
      const { z, w } = gaussJacobiXi(m + 2, 2, 12);
      let s0 = 0,
        s2 = 0,
        s4 = 0,
        s1 = 0;
      for (let i = 0; i < z.length; i++) {
        s0 += w[i];
        s1 += w[i] * z[i];
        s2 += w[i] * z[i] ** 2;
        s4 += w[i] * z[i] ** 4;
      }
      expect(s0).toBeCloseTo(1, 14);
      expect(Math.abs(s1)).toBeLessThan(1e-14);
      expect(s2).toBeCloseTo(1 / m, 13);
      expect(s4).toBeCloseTo(3 / (m * (m + 2)), 13);
      for (const v of z) expect(Math.abs(v)).toBeLessThan(1);
    }
    expect(Array.from(gaussJacobiXi(3, 2, 10).z)).toEqual([-1, 1]);
  });
});

describe('mean-field RHS and risk', () => {
  const cases: MeanfieldSpec[] = [
    { p: 5, k: 2, activation: 'erf', d: 5, nodes: 20 },
    { p: 6, k: 3, activation: 'erf', d: 0 },
    { p: 4, k: 2, activation: 'erf', d: 9, nodes: 16, aStar: [1.3, 0.6], P: [1.2, 0.3, 0.3, 0.8], gammaOverP: 0.01, noise: 0.1, varTerms: 'noise' },
    { p: 7, k: 2, activation: 'quadratic', d: 5, gammaOverP: 0.02, noise: 0.05, varTerms: 'noise', P: [1.1, -0.2, -0.2, 0.9] },
    { p: 5, k: 3, activation: 'quadratic', d: 0 },
  ];
  it('Wasm (SIMD, scalar) and TS twin agree', () => {
    for (const [c, spec] of cases.entries()) {
      const params = meanfieldParams(spec),
        y = randomState(spec.p, spec.k, 10 + c);
      const dyT = new Float64Array(y.length);
      meanfieldRhs(params, y, dyT);
      const epsT = meanfieldRisk(params, y);
      for (const r of [rt, rtS]) {
        const { dy, eps } = wasmRhs(r, params, y);
        expect(maxAbs(dy, dyT)).toBeLessThan(1e-15);
        expect(Math.abs(eps - epsT)).toBeLessThan(1e-15);
      }
    }
  });

  it('d = ∞ (Ξ = I) equals the explicit full formulas at Ω̄ (erf S14+S18 with the ⊥ covariances; x² S22)', () => {
    const p = 6,
      k = 2;
    const y = randomState(p, k, 3);
    const e = meanfieldParams({ p, k, activation: 'erf', d: 0 });
    const dy = new Float64Array(y.length);
    meanfieldRhs(e, y, dy);
    const ex = erfExplicit(p, k, y, eye(p), [1, 1]);
    expect(maxAbs(dy, ex.dy)).toBeLessThan(1e-15);
    expect(meanfieldRisk(e, y)).toBeCloseTo(ex.eps, 15);
    const qd = meanfieldParams({ p, k, activation: 'quadratic', d: 0 });
    meanfieldRhs(qd, y, dy);
    const eq = quadExplicit(p, k, y, eye(p));
    expect(maxAbs(dy, eq.dy)).toBeLessThan(1e-14);
    expect(meanfieldRisk(qd, y)).toBeCloseTo(eq.eps, 14);
  });

  it('Ξ average (Gauss–Jacobi for erf, S27 for x²) = Monte-Carlo average of the full formula over random Ξ', () => {
    const p = 4,
      k = 2,
      d = 5,
      N = 40000;
    const y = randomState(p, k, 5);
    const g = gauss(mulberry(99));
    const pe = meanfieldParams({ p, k, activation: 'erf', d, nodes: 24 });
    const pq = meanfieldParams({ p, k, activation: 'quadratic', d });
    const dyE = new Float64Array(y.length),
      dyQ = new Float64Array(y.length);
    meanfieldRhs(pe, y, dyE);
    meanfieldRhs(pq, y, dyQ);
    const n = y.length + 1;
    const sE = new Float64Array(n),
      s2E = new Float64Array(n),
      sQ = new Float64Array(n),
      s2Q = new Float64Array(n);
    for (let it = 0; it < N; it++) {
      const Xi = sampleXi(p, d - k, g);
      const a = erfExplicit(p, k, y, Xi, [1, 1]),
        b = quadExplicit(p, k, y, Xi);
      for (let i = 0; i < n; i++) {
        const va = i < y.length ? a.dy[i] : a.eps,
          vb = i < y.length ? b.dy[i] : b.eps;
        sE[i] += va;
        s2E[i] += va * va;
        sQ[i] += vb;
        s2Q[i] += vb * vb;
      }
    }
    const targetE = [...dyE, meanfieldRisk(pe, y)],
      targetQ = [...dyQ, meanfieldRisk(pq, y)];
    // the high-d (Ξ = I) values differ from the Ξ average by more than the MC error for at least the q rows
    const hiE = erfExplicit(p, k, y, eye(p), [1, 1]);
    let separated = 0;
    for (let i = 0; i < n; i++) {
      const mE = sE[i] / N,
        seE = Math.sqrt(Math.max(s2E[i] / N - mE * mE, 0) / N) + 1e-15;
      const mQ = sQ[i] / N,
        seQ = Math.sqrt(Math.max(s2Q[i] / N - mQ * mQ, 0) / N) + 1e-15;
      expect(Math.abs(targetE[i] - mE)).toBeLessThan(5 * seE);
      expect(Math.abs(targetQ[i] - mQ)).toBeLessThan(5 * seQ);
      const hv = i < y.length ? hiE.dy[i] : hiE.eps;
      if (Math.abs(hv - mE) > 10 * seE) separated++;
    }
    expect(separated).toBeGreaterThan(0);
  });

  it('brute-force Monte Carlo over (x, Ξ) of dM = E[σ′(λ)λ*E*], dq = 2E[σ′(λ)λ⊥E*], ε = ½E[E*²] (erf and x²)', () => {
    const p = 3,
      k = 2,
      d = 5,
      m = d - k,
      N = 1_500_000;
    const y = randomState(p, k, 21);
    const aStar = [1, 1];
    const g = gauss(mulberry(7));
    for (const act of ['erf', 'quadratic'] as const) {
      const params = meanfieldParams({ p, k, activation: act, d, nodes: 24 });
      const dy = new Float64Array(y.length);
      meanfieldRhs(params, y, dy);
      const target = [...dy, meanfieldRisk(params, y)];
      const sig = act === 'erf' ? (x: number) => erfAS(x / Math.SQRT2) : (x: number) => x * x;
      const dsig = act === 'erf' ? (x: number) => Math.sqrt(2 / Math.PI) * Math.exp(-0.5 * x * x) : (x: number) => 2 * x;
      const n = y.length + 1;
      const s = new Float64Array(n),
        s2 = new Float64Array(n),
        v = new Float64Array(n);
      const lam = new Float64Array(p),
        lp = new Float64Array(p),
        ls = new Float64Array(k),
        gg = new Float64Array(m),
        xp = new Float64Array(m);
      for (let it = 0; it < N; it++) {
        for (let r = 0; r < k; r++) ls[r] = g();
        for (let a = 0; a < m; a++) xp[a] = g();
        let es = 0;
        for (let r = 0; r < k; r++) es += (aStar[r] / k) * sig(ls[r]);
        for (let i = 0; i < p; i++) {
          let nn = 0;
          for (let a = 0; a < m; a++) nn += (gg[a] = g()) ** 2;
          let dot = 0;
          for (let a = 0; a < m; a++) dot += gg[a] * xp[a];
          lp[i] = (Math.sqrt(y[p * k + i]) * dot) / Math.sqrt(nn);
          let l = lp[i];
          for (let r = 0; r < k; r++) l += y[i * k + r] * ls[r];
          lam[i] = l;
          es -= sig(l) / p;
        }
        for (let i = 0; i < p; i++) {
          const ds = dsig(lam[i]) * es;
          for (let r = 0; r < k; r++) v[i * k + r] = ds * ls[r];
          v[p * k + i] = 2 * ds * lp[i];
        }
        v[n - 1] = 0.5 * es * es;
        for (let i = 0; i < n; i++) {
          s[i] += v[i];
          s2[i] += v[i] * v[i];
        }
      }
      for (let i = 0; i < n; i++) {
        const mu = s[i] / N,
          se = Math.sqrt((s2[i] / N - mu * mu) / N);
        expect(Math.abs(target[i] - mu), `${act} component ${i}: ${target[i]} vs MC ${mu} ± ${se}`).toBeLessThan(5 * se);
      }
    }
  });
});

describe('mean-field dynamics', () => {
  it('q = 0 is invariant under the GF mean-field ODE (erf with Ξ average, x² with S27), Wasm DOPRI5', () => {
    const p = 8,
      k = 2;
    for (const act of ['erf', 'quadratic'] as const) {
      const params = meanfieldParams({ p, k, activation: act, d: 5, nodes: 16 });
      const y0 = randomState(p, k, 31).map((v, i) => (i >= p * k ? 0 : v));
      const ts = [0, 1, 10, 50];
      const r = wasmOde(rt, 'dopri5', MODEL.meanfield, params, y0, 0, ts, { rtol: 1e-9, atol: 1e-12, p, k });
      expect(r.status).toBe(0);
      for (let s = 0; s < ts.length; s++) for (let i = 0; i < p; i++) expect(r.out[s * y0.length + p * k + i]).toBe(0);
      // and the M dynamics moved
      expect(maxAbs(r.out.subarray(0, p * k), r.out.subarray(3 * y0.length, 3 * y0.length + p * k))).toBeGreaterThan(1e-2);
    }
  });

  it('at q = 0 the mean-field M dynamics equals the full GF-ODE M dynamics (explicit full formulas at Q = M P⁻¹Mᵀ)', () => {
    // Under GF the full ODE started at Q0 = M0 M0ᵀ (P = I) stays on Q = M Mᵀ, so it suffices to compare the M-RHS on
    // the trajectory, and to integrate both: the full explicit (Q, M) ODE in TS vs the mean-field kernel in Wasm.
    const p = 5,
      k = 2;
    for (const act of ['erf', 'quadratic'] as const) {
      const params = meanfieldParams({ p, k, activation: act, d: 7, nodes: 16 });
      const y0 = randomState(p, k, 41).map((v, i) => (i >= p * k ? 0 : v));
      const ts = [0.5, 2, 8];
      const mf = wasmOde(rt, 'dopri5', MODEL.meanfield, params, y0, 0, ts, { rtol: 1e-10, atol: 1e-12, p, k });
      expect(mf.status).toBe(0);
      // full GF-ODE on (Q, M) with explicit formulas (Ξ irrelevant: Q⊥ = 0)
      const full: O.Rhs = (_t, z, dz) => {
        // z = [Q (p×p), M (p×k)]; reuse the explicit formulas through a state with q = 0 and A = Q
        const Q = z.subarray(0, p * p),
          M = z.subarray(p * p);
        const f = (i: number, j: number) => Q[i * p + j];
        for (let i = 0; i < p; i++)
          for (let j = 0; j < p; j++) {
            let s = 0;
            if (act === 'erf') {
              for (let c = 0; c < p; c++) {
                s -= (I3(f(i, i), f(i, j), f(i, c), f(j, c), f(c, c)) + I3(f(j, j), f(j, i), f(j, c), f(i, c), f(c, c))) / p;
              }
              for (let u = 0; u < k; u++) s += (I3(f(i, i), f(i, j), M[i * k + u], M[j * k + u], 1) + I3(f(j, j), f(j, i), M[j * k + u], M[i * k + u], 1)) / k;
            } else {
              let trQ = 0;
              for (let c = 0; c < p; c++) trQ += f(c, c);
              let mm = 0,
                qq = 0;
              for (let u = 0; u < k; u++) mm += M[i * k + u] * M[j * k + u];
              for (let c = 0; c < p; c++) qq += f(i, c) * f(c, j);
              s = 4 * (1 - trQ / p) * f(i, j) + 8 * (mm / k - qq / p);
            }
            dz[i * p + j] = s;
          }
        for (let i = 0; i < p; i++)
          for (let r = 0; r < k; r++) {
            let s = 0;
            if (act === 'erf') {
              for (let c = 0; c < p; c++) s -= I3(f(i, i), M[i * k + r], f(i, c), M[c * k + r], f(c, c)) / p;
              for (let u = 0; u < k; u++) s += I3(f(i, i), M[i * k + r], M[i * k + u], r === u ? 1 : 0, 1) / k;
            } else {
              let trQ = 0,
                qm = 0;
              for (let c = 0; c < p; c++) {
                trQ += f(c, c);
                qm += f(i, c) * M[c * k + r];
              }
              s = 2 * (1 - trQ / p) * M[i * k + r] + 4 * (M[i * k + r] / k - qm / p);
            }
            dz[p * p + i * k + r] = s;
          }
      };
      const z0 = new Float64Array(p * p + p * k);
      for (let i = 0; i < p; i++)
        for (let j = 0; j < p; j++) {
          let a = 0;
          for (let r = 0; r < k; r++) a += y0[i * k + r] * y0[j * k + r];
          z0[i * p + j] = a;
        }
      z0.set(y0.subarray(0, p * k), p * p);
      const out = new Float64Array(ts.length * z0.length);
      expect(O.dopri5(full, z0, 0, ts, out, { rtol: 1e-10, atol: 1e-12, post: O.symmetriseQ(p) })).toBe(0);
      for (let s = 0; s < ts.length; s++) {
        const Mf = out.subarray(s * z0.length + p * p, (s + 1) * z0.length);
        const Mm = mf.out.subarray(s * y0.length, s * y0.length + p * k);
        expect(maxAbs(Mf, Mm)).toBeLessThan(1e-8);
      }
    }
  });

  it('Wasm DOPRI5 on the mean-field model matches the TS twin driven by meanfieldRhs', () => {
    const p = 12,
      k = 3;
    const params = meanfieldParams({ p, k, activation: 'erf', d: 8, nodes: 20, gammaOverP: 0.01, noise: 1e-2, varTerms: 'noise' });
    const y0 = randomState(p, k, 51);
    const ts = [0.1, 1, 5, 20];
    const w = wasmOde(rt, 'dopri5', MODEL.meanfield, params, y0, 0, ts, { rtol: 1e-9, atol: 1e-12, p, k });
    const y = Float64Array.from(y0),
      out = new Float64Array(ts.length * y.length),
      st = O.newStats();
    expect(O.dopri5((_t, a, b) => meanfieldRhs(params, a, b), y, 0, ts, out, { rtol: 1e-9, atol: 1e-12 }, undefined, st)).toBe(0);
    expect(w.status).toBe(0);
    expect(maxAbs(w.out, out)).toBeLessThan(1e-12);
    expect(st[1]).toBe(w.stats[1]);
    for (let i = 0; i < p; i++) expect(w.out[3 * y.length + p * k + i]).toBeGreaterThanOrEqual(0);
  });

  it('(Fig. 3-left setting) x², k = 2, d = 5, GF: mean-field with the Ξ correction tracks the full committee ODE at p = 200 from the same W0; the high-d variant does not', () => {
    for (const [p, act, tolEarly, tolLate] of [
      [200, 'quadratic', 0.03, 0.35],
      [100, 'erf', 0.02, 0.35],
    ] as const) {
      const k = 2,
        d = 5;
      // W0 ~ N(0, I_d) rows, W* = √d·(e_1, e_2): Q0 = W0W0ᵀ/d, M0 = W0W*ᵀ/d; mean-field (M0, q0 = |w⊥|²/d)
      const g = gauss(mulberry(777));
      const W = Array.from({ length: p * d }, g);
      const yc = new Float64Array(p * p + p * k),
        ym = new Float64Array(p * k + p);
      for (let i = 0; i < p; i++) {
        for (let j = 0; j < p; j++) {
          let a = 0;
          for (let c = 0; c < d; c++) a += W[i * d + c] * W[j * d + c];
          yc[i * p + j] = a / d;
        }
        for (let r = 0; r < k; r++) ym[i * k + r] = yc[p * p + i * k + r] = W[i * d + r] / Math.sqrt(d);
        let q = 0;
        for (let c = k; c < d; c++) q += W[i * d + c] ** 2;
        ym[p * k + i] = q / d;
      }
      const code = act === 'erf' ? 0 : 2;
      const cp = new Float64Array(16 + k * k + k);
      cp.set([p, k, 0, 0, 0, code, code]);
      cp.set([1, 0, 0, 1, 1, 1], 16);
      const mf = meanfieldParams({ p, k, activation: act, d, nodes: 24 });
      const hi = meanfieldParams({ p, k, activation: act, d: 0 });
      const ts = [0, 0.1, 0.3, 1, 3, 10, 30];
      const o = { rtol: 1e-8, atol: 1e-10, p, k };
      const c = wasmOde(rt, 'dopri5', MODEL.committee, cp, yc, 0, ts, o);
      const m = wasmOde(rt, 'dopri5', MODEL.meanfield, mf, ym, 0, ts, o);
      const h = wasmOde(rt, 'dopri5', MODEL.meanfield, hi, ym, 0, ts, o);
      expect([c.status, m.status, h.status]).toEqual([0, 0, 0]);
      let worseHi = 0;
      for (let s = 0; s < ts.length; s++) {
        const rc = committeeRisk(cp, c.out.subarray(s * yc.length, (s + 1) * yc.length));
        const rm = meanfieldRisk(mf, m.out.subarray(s * ym.length, (s + 1) * ym.length));
        const rh = meanfieldRisk(hi, h.out.subarray(s * ym.length, (s + 1) * ym.length));
        const em = Math.abs(rm - rc) / rc,
          eh = Math.abs(rh - rc) / rc;
        expect(em, `${act} t = ${ts[s]}`).toBeLessThan(ts[s] <= 0.3 ? tolEarly : tolLate);
        if (eh > 3 * em) worseHi++;
      }
      // x²: the Ξ correction is O(1) (App. D (c): mismatch already at t = 0)
      if (act === 'quadratic') expect(worseHi).toBe(ts.length);
    }
  });
});
