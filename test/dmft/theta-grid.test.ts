// The θ = t′/t grid solver (src/numerics/dmft-theta.ts, src/dmft/theta-grid.ts; dmft-grid.md): checked against
// (1) its building blocks (nodes, Lambert W, stencils, quadrature) by exact polynomial / closed-form integrals;
// (2) the uniform explicit reference of dmft.md §6 extrapolated to η → 0 (Richardson over η, η/2);
// (3) V1 Marchenko–Pastur (D40) including long times, V2 lazy closed form (D33), V3 mean-field ODE (D38),
//     V5 invariants; the error order as rtol tightens; pause/resume bit-identical.
// Heavy (LEARNDYN_HEAVY=1): t ≤ 50 at m = 16 and 64, the feature-unlearning minimum at m = 16.
import { describe, expect, it, vi } from 'vitest';
import { solveDmft, type DmftSolution } from '../../src/dmft/solve.js';
import { dmftProblem, type DmftProblemInput } from '../../src/dmft/problem.js';
import { runTheta, runThetaAsync, type ThetaControl, type ThetaRaw } from '../../src/dmft/theta-grid.js';
import { meanFieldOde, interp } from '../../src/dmft/mean-field-ode.js';
import { lambertWm1, NS, stencil, thetaGrid, thetaNodes } from '../../src/numerics/dmft-theta.js';

vi.setConfig({ testTimeout: 300_000 }); // shares 2 cores with other suites
const heavy = process.env.LEARNDYN_HEAVY === '1';
const H3 = [0, 0.9, 0, 1 / 6];
const unlearn = { alpha: 0.3, tau: 0.3, h: H3, a0: 1 }; // V10 / Fig. 4 setting, mean-field init

const theta = (input: DmftProblemInput, ctl: ThetaControl): ThetaRaw => runTheta(dmftProblem({ ...input, grid: 'adaptive' }), { ctl });
/** Linear interpolation of a θ-run series at t (the runs are compared at their own times below). */
function atT(r: ThetaRaw, key: 'a' | 'v' | 'etr' | 'ets' | 'coDiag', t: number): number {
  let k = 0;
  while (k < r.rows - 2 && r.t[k + 1] < t) k++;
  const u = (t - r.t[k]) / (r.t[k + 1] - r.t[k]);
  return (1 - u) * r[key][k] + u * r[key][k + 1];
}
/** Richardson value 2x(η/2) − x(η) of the uniform explicit reference at grid time t. */
function rich(s1: DmftSolution, s2: DmftSolution, key: 'a' | 'v' | 'trainError' | 'testError' | 'Co', t: number): number {
  const k = Math.round(t / s1.stats.eta);
  return 2 * s2[key][2 * k] - s1[key][k];
}
const PAIRS = [
  ['a', 'a'],
  ['v', 'v'],
  ['etr', 'trainError'],
  ['ets', 'testError'],
  ['coDiag', 'Co'],
] as const;

// ---------------------------------------------------------------- (1) building blocks
describe('θ nodes, stencils and quadrature', () => {
  it('Lambert W₋₁ solves w·eʷ = x on the lower branch', () => {
    for (const x of [-1e-9, -1e-5, -0.01, -0.2, -0.3]) {
      const w = lambertWm1(x);
      expect(w).toBeLessThanOrEqual(-1);
      expect(Math.abs(w * Math.exp(w) - x)).toBeLessThan(1e-14 * Math.max(1, Math.abs(x)) + 1e-15 * Math.abs(x) * 10);
    }
  });
  it('nodes: θ_1 = 0, θ_L = 1, increasing, complements exact, geometric spacing at both ends', () => {
    const { th, thc } = thetaNodes(128, 1e6);
    expect(th[0]).toBe(0);
    expect(th[127]).toBe(1);
    for (let i = 1; i < 128; i++) {
      expect(th[i]).toBeGreaterThan(th[i - 1]);
      expect(thc[i]).toBeLessThan(thc[i - 1]);
      expect(Math.abs(th[i] + thc[i] - 1)).toBeLessThan(1e-15);
    }
    // Spacing ratio near both ends → e^η (dmft-grid.md §2); symmetric map.
    const { eta } = thetaNodes(128, 1e6);
    expect((th[3] - th[2]) / (th[2] - th[1])).toBeCloseTo(Math.exp(eta), 6);
    expect((thc[124] - thc[125]) / (thc[125] - thc[126])).toBeCloseTo(Math.exp(eta), 6);
    expect(thc[126] / th[1]).toBeCloseTo(1, 10);
  });
  it('stencils: exact at the nodes; interpolation error of e^{−lag/ε} boundary layers drops ≥ 30× per doubling of L', () => {
    const w = new Float64Array(NS);
    const G = thetaGrid(32, 1e4);
    for (let k = 0; k < 32; k++) {
      const s = stencil(G, G.th[k], G.thc[k], w, 0);
      for (let q = 0; q < NS; q++) expect(Math.abs(w[q] - (s + q === k ? 1 : 0))).toBeLessThan(1e-9);
    }
    const err = (L: number) => {
      const g = thetaGrid(L, 1e6);
      let e = 0;
      for (let k = 1; k < 400; k++) {
        const x = 10 ** ((-8 * k) / 400);
        for (const [th, thc] of [
          [x, 1 - x],
          [1 - x, x],
        ]) {
          const s = stencil(g, th, thc, w, 0);
          let v = 0;
          for (let q = 0; q < NS; q++) v += w[q] * Math.exp(-Math.min(g.th[s + q], g.thc[s + q]) / 1e-3);
          e = Math.max(e, Math.abs(v - Math.exp(-Math.min(th, thc) / 1e-3)));
        }
      }
      return e;
    };
    const e64 = err(64),
      e128 = err(128);
    expect(e128).toBeLessThan(1e-4); // measured 2.7e-5 (64: 9.8e-4)
    expect(e128).toBeLessThan(e64 / 30);
  });
  it('quadrature (trapezoid in u): Σw = 1, polynomials and e^{−θ/ε} boundary layers at both ends to ≤ 1e-5', () => {
    const G = thetaGrid(64, 1e4);
    let s0 = 0,
      s3 = 0;
    for (let i = 0; i < 64; i++) {
      s0 += G.w[i];
      s3 += G.w[i] * G.th[i] ** 3;
    }
    expect(Math.abs(s0 - 1)).toBeLessThan(1e-14);
    expect(Math.abs(s3 - 0.25)).toBeLessThan(1e-5);
    const err = (L: number) => {
      const g = thetaGrid(L, 1e4);
      let a = 0,
        b = 0;
      for (let i = 0; i < L; i++) {
        a += g.w[i] * Math.exp(-g.th[i] / 1e-3);
        b += g.w[i] * Math.exp(-g.thc[i] / 1e-3);
      }
      const ex = 1e-3 * -Math.expm1(-1e3);
      return Math.max(Math.abs(a - ex), Math.abs(b - ex)) / ex;
    };
    expect(err(64)).toBeLessThan(2e-5); // measured 9.1e-6 (L = 128: 2.0e-6)
  });
});

// ---------------------------------------------------------------- (2) vs the η → 0 reference
describe('θ grid vs the uniform explicit reference extrapolated to η → 0', () => {
  it('m = 16, t ≤ 4 (mean-field init, single index): within 10·rtol at rtol 1e-3 and 1e-4, error shrinking with rtol', async () => {
    const tMax = 4;
    const s1 = await solveDmft({ m: 16, ...unlearn, eta: 0.02, tMax, maxPoints: 1e7 });
    const s2 = await solveDmft({ m: 16, ...unlearn, eta: 0.01, tMax, maxPoints: 1e7 });
    const errs: number[] = [];
    for (const rtol of [1e-3, 1e-4]) {
      const r = theta({ m: 16, ...unlearn, tMax }, { rtol, atol: rtol, L: 48 });
      expect(r.status).toBe('Success');
      let e = 0;
      for (const t of [0.5, 1, 2, 3, 4]) for (const [k, kr] of PAIRS) e = Math.max(e, Math.abs(atT(r, k, t) - rich(s1, s2, kr, t)));
      expect(e, `rtol ${rtol}`).toBeLessThan(10 * rtol);
      errs.push(e);
    }
    expect(errs[1]).toBeLessThan(errs[0] / 3); // measured: 2.4e-4 → 8e-6 (≈ rtol¹)
  });
});

// ---------------------------------------------------------------- (3) closed forms, limits, invariants
/** ∫ f dμ over the continuous Marchenko–Pastur part (λ = ᾱx, ratio 1/ᾱ), Gauss–Chebyshev in the angle. */
function mpIntegral(ab: number, f: (l: number) => number, K = 4000): number {
  const y = 1 / ab,
    a = (1 - Math.sqrt(y)) ** 2,
    b = (1 + Math.sqrt(y)) ** 2;
  let s = 0;
  for (let i = 0; i < K; i++) {
    const th = (Math.PI * (i + 0.5)) / K;
    const x = (a + b) / 2 + ((b - a) / 2) * Math.cos(th);
    s += ((((b - a) / 2) ** 2 * Math.sin(th) ** 2) / (2 * Math.PI * y * x)) * (Math.PI / K) * f(ab * x);
  }
  return s;
}
/** D40, c = f₁ = 1. */
function d40(ab: number, t: number, tau = 0.5): { train: number; test: number } {
  const atom = Math.max(0, 1 - ab);
  const i1 = mpIntegral(ab, (l) => Math.exp(-2 * l * t)) + atom;
  const i2 = mpIntegral(ab, (l) => (1 - Math.exp(-l * t)) ** 2 / l);
  const i3 = mpIntegral(ab, (l) => 1 - Math.exp(-2 * l * t));
  const i4 = mpIntegral(ab, (l) => l * Math.exp(-2 * l * t));
  return { test: 0.5 * (tau * tau + 2 * i1 + tau * tau * i2), train: 0.5 * (tau * tau * (1 - i3 / ab) + (2 / ab) * i4) };
}
const V1 = { m: 1, tau: 0.5, h: [0, 1], phiHat: [0, 1], phiNorm2: 1, a0: 1, frozenA: true, spherical: false };

describe('V1: Marchenko–Pastur (D40), m = 1, a frozen, ν ≡ 0', () => {
  const v1 = (ab: number, tMax: number, ts: number[], L: number) => {
    const r = theta({ ...V1, alpha: ab, tMax }, { rtol: 1e-4, atol: 1e-4, L });
    expect(r.status).toBe('Success');
    for (const t of ts) {
      const ref = d40(ab, t);
      const e = Math.max(Math.abs(atT(r, 'etr', t) - ref.train), Math.abs(atT(r, 'ets', t) - ref.test));
      expect(e, `ᾱ = ${ab}, t = ${t}`).toBeLessThan(1e-3); // 10·rtol
    }
    return r;
  };
  for (const ab of [2, 0.5]) it(`ᾱ = ${ab}: t ∈ {0.5, 2, 8} within 10·rtol (rtol 1e-4, L = 48)`, () => v1(ab, 8, [0.5, 2, 8], 48));
  it.runIf(heavy)('ᾱ = 2 to t = 100 (heavy): within 10·rtol, steps sublinear in t', () => {
    const r = v1(2, 100, [8, 32, 100], 96);
    expect(r.steps).toBeLessThan(1500);
  });
});

describe('V2: lazy pure noise, e(t̂) = 0.75 + 0.15e^{−0.3t̂} (τ = γ0 = 1, α = 0.5, h = 0.3z + z²/2, frozen)', () => {
  it('at t̂ = tm = 10 the gap shrinks ≈ ∝ 1/m (m = 256 → 1024)', () => {
    const gap = (m: number) => {
      const r = theta(
        { m, alpha: 0.5, tau: 1, h: [0, 0.3, 0.5], phiHat: 'none', init: 'lazy', gamma0: 1, frozenA: true, tMax: 10 / m },
        { rtol: 1e-4, atol: 1e-4, L: 32 },
      );
      expect(r.status).toBe('Success');
      return Math.abs(r.etr[r.rows - 1] - (0.75 + 0.15 * Math.exp(-3)));
    };
    const g256 = gap(256),
      g1024 = gap(1024);
    expect(g1024).toBeLessThan(0.35 * g256);
    expect(g1024).toBeLessThan(0.02);
  });
});

describe('V3: the mean-field ODE (D38) as m grows (h = φ̂ = 0.9z + z³/6, τ = 0.6, α = 0.3, a₀ = 1)', () => {
  it('the deviation of (a, v) on t ≤ 6 shrinks ≈ ∝ 1/m (m = 16 → 64 → 256)', () => {
    const ode = meanFieldOde({ alpha: 0.3, tau: 0.6, h: H3, phiHat: H3, phiNorm2: 16 / 15, a0: 1, tMax: 6, dt: 1e-3 });
    const dev = (m: number) => {
      const r = theta({ m, alpha: 0.3, tau: 0.6, h: H3, a0: 1, tMax: 6 }, { rtol: 3e-4, atol: 3e-4, L: 24 });
      expect(r.status).toBe('Success');
      let e = 0;
      for (let k = 0; k < r.rows; k++) {
        e = Math.max(e, Math.abs(r.a[k] - interp(ode.t, ode.a, r.t[k])), Math.abs(r.v[k] - interp(ode.t, ode.v, r.t[k])));
      }
      return e;
    };
    const d16 = dev(16),
      d64 = dev(64),
      d256 = dev(256);
    expect(d64).toBeLessThan(0.4 * d16);
    expect(d256).toBeLessThan(0.4 * d64);
  });
});

describe('V5 invariants and resumption', () => {
  it('e_tr(0) = e_ts(0), e_tr ≥ 0 and non-increasing, |v| ≤ 1, |C_o(t,t)| ≤ 1 (m = 16 to t = 20)', () => {
    const r = theta({ m: 16, ...unlearn, tMax: 20 }, { rtol: 1e-3, atol: 1e-3, L: 32 });
    expect(r.status).toBe('Success');
    expect(Math.abs(r.etr[0] - r.ets[0])).toBeLessThan(1e-14);
    for (let k = 1; k < r.rows; k++) {
      expect(r.etr[k]).toBeGreaterThan(0);
      expect(r.etr[k] - r.etr[k - 1]).toBeLessThan(1e-2 * 1e-3 + 1e-9);
      expect(Math.abs(r.v[k])).toBeLessThanOrEqual(1);
      expect(Math.abs(r.coDiag[k])).toBeLessThanOrEqual(1);
    }
  });
  it('stopAfterSteps + resume continues bit for bit', () => {
    const p = dmftProblem({ m: 16, ...unlearn, tMax: 3, grid: 'adaptive' });
    const ctl = { rtol: 1e-3, atol: 1e-3, L: 24 };
    const full = runTheta(p, { ctl });
    const half = runTheta(p, { ctl, stopAfterSteps: 20 });
    expect(half.paused).toBeDefined();
    const rest = runTheta(p, { ctl, resume: structuredClone(half.paused!) });
    expect(rest.rows).toBe(full.rows);
    expect(Array.from(rest.ets)).toEqual(Array.from(full.ets));
    expect(Array.from(rest.a)).toEqual(Array.from(full.a));
    expect(rest.steps).toBe(full.steps);
  });
  it('the async driver (runThetaAsync, yields to the event loop between steps) equals one runTheta call bit for bit', async () => {
    const p = dmftProblem({ m: 16, ...unlearn, tMax: 3, grid: 'adaptive' });
    const ctl = { rtol: 1e-3, atol: 1e-3, L: 24 };
    const full = runTheta(p, { ctl });
    const chunked = await runThetaAsync(p, { ctl, signal: new AbortController().signal }, 0); // a yield after every step
    expect(chunked.status).toBe('Success');
    expect(chunked.steps).toBe(full.steps);
    expect(Array.from(chunked.t)).toEqual(Array.from(full.t));
    expect(Array.from(chunked.ets)).toEqual(Array.from(full.ets));
    expect(Array.from(chunked.a)).toEqual(Array.from(full.a));
  });
  it('a signal fired mid-run ends the solve Terminated with the rows so far (seen between chunks)', async () => {
    const ctl = new AbortController();
    let events = 0;
    const sol = await solveDmft(
      { m: 16, ...unlearn, tMax: 20, grid: 'theta', thetaNodes: 24, rtol: 1e-3, atol: 1e-3 },
      { signal: ctl.signal, onProgress: () => void (++events === 40 && ctl.abort()) },
    );
    expect(sol.status).toBe('Terminated');
    expect(sol.t.length).toBeGreaterThan(1);
    expect(sol.t[sol.t.length - 1]).toBeLessThan(20);
    expect(sol.testError.every(Number.isFinite)).toBe(true);
  });
});

// ---------------------------------------------------------------- heavy: the feature-unlearning settings
describe.runIf(heavy)('heavy (LEARNDYN_HEAVY=1): t ≤ 50 at m = 16 and 64, the unlearning minimum at m = 16', () => {
  for (const m of [16, 64])
    it(`m = ${m}: t ≤ 50 within 10·rtol of the η → 0 reference`, async () => {
      const rtol = 1e-4;
      const s1 = await solveDmft({ m, ...unlearn, eta: 0.0625, tMax: 50, maxPoints: 1e7 });
      const s2 = await solveDmft({ m, ...unlearn, eta: 0.03125, tMax: 50, maxPoints: 1e7 });
      const r = theta({ m, ...unlearn, tMax: 50 }, { rtol, atol: rtol, L: 96 });
      expect(r.status).toBe('Success');
      let e = 0;
      for (const t of [1, 5, 10, 20, 30, 40, 50]) for (const [k, kr] of PAIRS) e = Math.max(e, Math.abs(atT(r, k, t) - rich(s1, s2, kr, t)));
      expect(e).toBeLessThan(10 * rtol);
    });
  it('m = 16: the test-error minimum (value and time) of the η → 0 reference', async () => {
    const s1 = await solveDmft({ m: 16, ...unlearn, eta: 0.0625, tMax: 30, maxPoints: 1e7 });
    const s2 = await solveDmft({ m: 16, ...unlearn, eta: 0.03125, tMax: 30, maxPoints: 1e7 });
    let best = Infinity,
      tb = 0;
    for (let k = 0; k < s1.t.length; k++) {
      const x = 2 * s2.testError[2 * k] - s1.testError[k];
      if (x < best) [best, tb] = [x, s1.t[k]];
    }
    const r = theta({ m: 16, ...unlearn, tMax: 30 }, { rtol: 1e-4, atol: 1e-4, L: 96 });
    let rb = Infinity,
      rt = 0;
    for (let k = 0; k < r.rows; k++) if (r.ets[k] < rb) [rb, rt] = [r.ets[k], r.t[k]];
    expect(Math.abs(rb - best)).toBeLessThan(1e-4);
    expect(Math.abs(rt - tb)).toBeLessThan(1);
  });
});

describe('solveDmft / dmft run --grid theta', () => {
  it('same Solution fields, stats.theta with steps, history and a finite error estimate; bad thetaNodes refused before any work', async () => {
    const s = await solveDmft({ m: 16, ...unlearn, tMax: 2, grid: 'theta', thetaNodes: 24, rtol: 1e-3 });
    expect(s.status).toBe('Success');
    expect(s.stats.grid).toBe('theta');
    const th = s.stats.theta!;
    expect(th.L).toBe(24);
    expect(th.steps).toBe(s.stats.N);
    expect(s.t.at(-1)).toBe(2);
    for (const k of ['trainError', 'testError', 'a', 'v', 'Co', 'nu', 'gamma', 'mCo', 'Cd0', 'gap'] as const) expect(s[k].length).toBe(s.t.length);
    for (const e of Object.values(th.errorEstimate)) expect(Number.isFinite(e) && e >= 0).toBe(true);
    expect(th.history.t.length).toBeGreaterThan(0);
    expect(() => dmftProblem({ m: 16, ...unlearn, tMax: 2, grid: 'theta', thetaNodes: 8 })).toThrow(/thetaNodes/);
  });
});
