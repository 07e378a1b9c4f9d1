// Large-m reduced DMFT systems and closed forms (dmft.md §8), all m-independent:
//   'lazy1'       lazy init, t = O(1/m), clock t̂ = tm: pure noise D33, single index D34/D35 (closed forms);
//   'lazy2'       lazy init, t = Θ(1), frozen γ₀: the two-time system D36 (pure noise; with a signal, the
//                 single-index mapping of §8c: noise inflated to τ′² = τ² + ‖φ‖² − φ̂′(0)²/h′(0));
//   'mean-field'  mean-field init, t = O(1): the ODE D38 (RK4 of src/dmft/mean-field-ode.ts); pure noise adds
//                 m·C_o(t,t), m·C_o(t,0) [D] with the plateau (τ² − ρ₀)/ρ₀ of §8e;
//   'pspin'       the zero-temperature CHSCK system D37 with covariance ξ = h̃ (mf2 clock of §8e);
//   'fixed-alpha-bar' fixed ᾱ, a = 1 frozen, pure noise, m → ∞ on t = Θ(m), clock t̃ = t/m (§8g): the spec's
//                 ansatz applied to D15–D24 [D] (equations in src/ref/dmft_reduced.ts fixedAlphaBarRows, the TS twin of
//                 the Wasm kernel dmft_fixed_abar_rows),
//                 checked against finite-m SymmDMFT (gap ∝ 1/m).
// Two-time systems run on the Wasm kernel dmft_reduced_rows when a runtime is passed, else on its TS twin.
import { z } from 'zod';
import { TERMINATED_MESSAGE, type SolveOptions, type Status } from '../core/contract.js';
import { finite, nonNegative, parseOrThrow, ParameterError, positive } from '../core/validate.js';
import type { WasmRuntime } from '../wasm/runtime.js';
import { dmftReducedWorkF64 as workLength } from '../gen/dmft_layout.js';
import { tsRuntime } from '../wasm/runtime.js';
import { meanFieldOde } from './mean-field-ode.js';

// ---------------------------------------------------------------------------------------------------------
// power series helpers

/** Σ c_k x^k and its first two derivatives. */
export function polyEval(c: ArrayLike<number>, x: number): [number, number, number] {
  let p = 0,
    d1 = 0,
    d2 = 0;
  for (let k = c.length - 1; k >= 0; k--) {
    d2 = d2 * x + d1;
    d1 = d1 * x + p;
    p = p * x + c[k];
  }
  return [p, d1, 2 * d2];
}
/** h̃ = h − h′(0) q as a power series. */
export function hTilde(h: ArrayLike<number>): Float64Array {
  const c = Float64Array.from(h);
  if (c.length > 1) c[1] = 0;
  return c;
}

// ---------------------------------------------------------------------------------------------------------
// closed forms

export interface Lazy1Params {
  alpha: number;
  tau: number;
  gamma0: number;
  h: ArrayLike<number>;
  /** φ̂ power series (single index); omit for pure noise. */
  phiHat?: ArrayLike<number>;
  /** ‖φ‖² (single index). */
  phiNorm2?: number;
}

/** D33 (pure noise) / D35 (single index) at scaled time t̂ = tm. e_tr = e_ts to leading order.
 *  v is √m·v (= v^{lz1}); mCo = m·C_o(t,t) = C_o^{lz1}(t̂,t̂) (pure noise only). */
export function lazy1At(p: Lazy1Params, that: number): { e: number; mCo?: number; v?: number; D?: number } {
  const [h1] = polyEval(p.h, 1);
  const hp0 = p.h.length > 1 ? p.h[1] : 0;
  const g2 = p.gamma0 * p.gamma0;
  const kappa = p.alpha * g2 * hp0;
  const ht1 = h1 - hp0;
  const e2 = Math.exp(-2 * kappa * that);
  if (!p.phiHat) {
    return { e: 0.5 * (p.tau * p.tau + g2 * ht1 + g2 * hp0 * e2), mCo: e2 - 1 };
  }
  const fp0 = p.phiHat.length > 1 ? p.phiHat[1] : 0;
  const vInf = fp0 / (p.gamma0 * hp0);
  const e1 = Math.exp(-kappa * that);
  const v = vInf * (1 - e1);
  const D = vInf * vInf * (1 - 2 * e1) + (1 + vInf * vInf) * e2;
  const e = 0.5 * (p.tau * p.tau + (p.phiNorm2 ?? 0) + g2 * ht1 - 2 * p.gamma0 * fp0 * v + g2 * hp0 * D);
  return { e, v, D };
}

/** Single-index lz1 limits (D34): v_∞ = φ̂′(0)/(γ₀h′(0)), e_ts,∞ = ½(τ² + ‖φ‖² − φ̂′(0)²/h′(0) + γ₀²h̃(1)),
 *  and the inflated lz2 noise τ′² = τ² + ‖φ‖² − φ̂′(0)²/h′(0). */
export function lazy1Limits(p: Lazy1Params): { vInf: number; testInf: number; tauPrime2: number } {
  const [h1] = polyEval(p.h, 1);
  const hp0 = p.h.length > 1 ? p.h[1] : 0;
  const fp0 = p.phiHat && p.phiHat.length > 1 ? p.phiHat[1] : 0;
  const tauPrime2 = p.tau * p.tau + (p.phiNorm2 ?? 0) - (fp0 * fp0) / hp0;
  return {
    vInf: fp0 / (p.gamma0 * hp0),
    testInf: 0.5 * (tauPrime2 + p.gamma0 * p.gamma0 * (h1 - hp0)),
    tauPrime2,
  };
}

/** Mean-field init, pure noise, t = O(1) (§8e, V6): m·C_o(t,t) → (τ² − ρ₀)/ρ₀ with ρ₀ = α a₀² h′(0). */
export function meanFieldNoisePlateau(alpha: number, tau: number, a0: number, hp0: number): number {
  const rho0 = alpha * a0 * a0 * hp0;
  return (tau * tau - rho0) / rho0;
}

/** Mean-field init, pure noise, t = O(1): the full curves [D] (project derivation from D15–D24 at leading order in
 *  1/m with R_A = δ, C_A = −τ², C_d = R_d = 1, a = a₀; not in the spec, check against SymmDMFT as in V6):
 *    m·R_o(t,s) = e^{−ρ₀(t−s)} − 1 (G.6),  m·C_o(t,0) = e^{−ρ₀t} − 1,
 *    d(m·C_o(t,t))/dt = 2[τ²(1 − e^{−ρ₀t}) − ρ₀ − ρ₀ m·C_o(t,t)]  ⇒
 *    m·C_o(t,t) = [(τ² − ρ₀) − 2τ² e^{−ρ₀t} + (τ² + ρ₀) e^{−2ρ₀t}]/ρ₀,
 *  which starts at 0, tends to the plateau (τ² − ρ₀)/ρ₀ and reduces to D33 (e^{−2ρ₀t} − 1) at τ = 0.
 *  Checked against finite-m SymmDMFT (V6 setting, m = 4096, η = 0.025): within 0.005 on t ≤ 15. */
export function meanFieldNoiseCo(alpha: number, tau: number, a0: number, hp0: number, t: number): { mCo: number; mCo0: number } {
  const rho0 = alpha * a0 * a0 * hp0;
  const t2 = tau * tau;
  const e1 = Math.exp(-rho0 * t);
  return { mCo: (t2 - rho0 - 2 * t2 * e1 + (t2 + rho0) * e1 * e1) / rho0, mCo0: e1 - 1 };
}

/** CHSCK threshold energy for a monomial h̃ = c² z^k: E = −2c√((k−1)/k); undefined (NaN) otherwise. */
export function thresholdEnergy(ht: ArrayLike<number>): number {
  let k = -1;
  for (let i = 0; i < ht.length; i++) {
    if (ht[i] !== 0) {
      if (k >= 0) return NaN;
      k = i;
    }
  }
  if (k < 2 || !(ht[k] > 0)) return NaN;
  return -2 * Math.sqrt(ht[k]) * Math.sqrt((k - 1) / k);
}

// ---------------------------------------------------------------------------------------------------------
// two-time driver

export interface TwoTimeParams {
  /** 0: lz2 (D36), 1: CHSCK (D37). */
  mode: 0 | 1;
  N: number;
  eta: number;
  /** h̃ power series. */
  ht: ArrayLike<number>;
  g2?: number;
  alpha?: number;
  tau2?: number;
  /** Keep the final (N+1)² arrays C, R (and C_A, R_A in mode 0). */
  keepState?: boolean;
  /** mode 0: stop (checked every 32 rows) once e_tr < stopBelow; `stopped` is then set and `rows` < N + 1. */
  stopBelow?: number;
}
export interface TwoTimeResult {
  /** rows completed with finite observables (N + 1 on success, fewer when stopped or unstable) */
  rows: number;
  /** stopped early at relaxation (stopBelow) */
  stopped?: boolean;
  etr: Float64Array;
  nu: Float64Array;
  /** mode 1: energy E_n; mode 0: I_n = ∫R_A */
  third: Float64Array;
  C0: Float64Array;
  wallMs: number;
  state?: { C: Float64Array; R: Float64Array; CA?: Float64Array; RA?: Float64Array };
}

/** Bytes of the two-time arrays for N steps. */
export function twoTimeBytes(N: number): number {
  const L = N + 1;
  return 8 * (4 * L * L + workLength(N) + 4 * L + 16);
}

/** Run the two-time solver for N steps (rows 0..N) on the Wasm kernel (rt) or the TS twin. */
export function runTwoTime(p: TwoTimeParams, rt?: WasmRuntime): TwoTimeResult {
  const { mode, N, eta } = p;
  const L = N + 1;
  const g2 = p.g2 ?? 0,
    alpha = p.alpha ?? 0,
    tau2 = p.tau2 ?? 0;
  const hc = Float64Array.from(p.ht);
  const t0 = performance.now();
  let rows: { rows: number; stopped: boolean };
  let stopped = false;
  let out: Float64Array;
  let state: TwoTimeResult['state'];
  {
    // No runtime: the TS twin of dmft_reduced_rows behind the same exports (the synchronous 'ts' runtime).
    const r = rt ?? tsRuntime();
    const ar = r.arena;
    const mark = ar.mark();
    try {
      const sq = L * L;
      const pC = ar.allocF64(sq),
        pR = ar.allocF64(sq);
      const pCA = mode === 0 ? ar.allocF64(sq) : ar.allocF64(1);
      const pRA = mode === 0 ? ar.allocF64(sq) : ar.allocF64(1);
      const pw = ar.allocF64(workLength(N)),
        po = ar.allocF64(4 * L),
        ph = ar.copyIn(hc);
      ar.f64(pC, sq).fill(0);
      ar.f64(pR, sq).fill(0);
      if (mode === 0) {
        ar.f64(pCA, sq).fill(0);
        ar.f64(pRA, sq).fill(0);
      }
      rows = chunked(
        L,
        p.stopBelow,
        (n0, n1) => r.exports.dmft_reduced_rows(mode, N, eta, g2, alpha, tau2, ph, hc.length, pC, pR, pCA, pRA, pw, po, n0, n1),
        (n) => ar.f64(po, 4 * L)[4 * n],
      );
      stopped = rows.stopped;
      out = ar.copyOut(po, 4 * L);
      if (p.keepState)
        state = {
          C: ar.copyOut(pC, sq),
          R: ar.copyOut(pR, sq),
          ...(mode === 0 ? { CA: ar.copyOut(pCA, sq), RA: ar.copyOut(pRA, sq) } : {}),
        };
    } finally {
      ar.reset(mark);
    }
  }
  const wallMs = performance.now() - t0;
  const etr = new Float64Array(L),
    nu = new Float64Array(L),
    third = new Float64Array(L),
    C0 = new Float64Array(L);
  for (let n = 0; n < L; n++) {
    etr[n] = out[4 * n];
    nu[n] = out[4 * n + 1];
    third[n] = out[4 * n + 2];
    C0[n] = out[4 * n + 3];
  }
  return { rows: rows.rows, stopped, etr, nu, third, C0, wallMs, state };
}

/** Run rows [0, L) in chunks of 32 through `step` (returns n1, or the first bad row); with stopBelow, stop after
 *  the chunk in which the observable `obs(n)` first drops below it. */
function chunked(
  L: number,
  stopBelow: number | undefined,
  step: (n0: number, n1: number) => number,
  obs: (n: number) => number,
): { rows: number; stopped: boolean } {
  if (stopBelow === undefined) return { rows: step(0, L), stopped: false };
  for (let n0 = 0; n0 < L; n0 += 32) {
    const n1 = Math.min(L, n0 + 32);
    const ret = step(n0, n1);
    if (ret < n1) return { rows: ret, stopped: false };
    for (let n = n0; n < n1; n++) if (obs(n) < stopBelow) return { rows: n1, stopped: n1 < L };
  }
  return { rows: L, stopped: false };
}

// ---------------------------------------------------------------------------------------------------------
// the reduced problem

const series = z
  .array(finite('finite numbers'), { error: 'a power series (array of coefficients)' })
  .min(2, { error: 'at least 2 coefficients' })
  .max(64, { error: 'at most 64 coefficients' });

export const reducedProblemSchema = z.strictObject({
  kind: z.enum(['lazy1', 'lazy2', 'mean-field', 'pspin', 'fixed-alpha-bar'], {
    error: "'lazy1', 'lazy2', 'mean-field', 'pspin' or 'fixed-alpha-bar'",
  }),
  /** α = n/(md); not used by 'pspin' and 'fixed-alpha-bar'. */
  alpha: positive().optional(),
  /** ᾱ = n/d ('fixed-alpha-bar' only). */
  alphaBar: positive().optional(),
  /** label-noise sd τ; not used by 'pspin'. */
  tau: nonNegative().optional(),
  /** h(q) = Σ h[k] q^k (h[0] = 0: σ centred; coefficients ≥ 0). */
  h: series,
  /** φ̂ power series, 'same' (φ = σ, φ̂ = h) or 'none' (pure noise). */
  phiHat: z.union([series, z.enum(['same', 'none'])], { error: "a power series, 'same' or 'none'" }).default('none'),
  /** ‖φ‖²; required with an explicit φ̂ series ('same' → h(1), 'none' → 0). */
  phiNorm2: nonNegative().optional(),
  /** lazy scale γ₀ (a₀ = γ₀√m); 'lazy1', 'lazy2'. */
  gamma0: positive('a finite number in (0, 1e100] (γ₀² must not overflow)')
    .refine((x) => x <= 1e100, { error: 'a finite number in (0, 1e100] (γ₀² must not overflow)' })
    .optional(),
  /** mean-field a₀; 'mean-field' (default 1). */
  a0: finite().optional(),
  /** step: Euler step of the two-time systems, RK4 step of D38, sampling step of the closed forms. */
  eta: positive(),
  /** horizon in the kind's clock (lazy1: t̂ = tm; pspin: the D37 time). */
  tMax: positive(),
  /** ε of t_rel = inf{t : e_tr < ε τ²} (lazy2, fixed-alpha-bar). */
  epsilon: positive().default(1e-7),
  /** lazy2, fixed-alpha-bar: stop once e_tr < ε τ² (t_rel scans); the curves then end there. */
  stopWhenRelaxed: z.boolean({ error: 'true or false' }).default(false),
  /** refuse above this many two-time steps. */
  maxSteps: z.number().int().min(1).max(40000).default(12000),
  /** memory budget for the two-time arrays, bytes. */
  budgetBytes: positive().default(2 * 1024 ** 3),
});
export type ReducedProblemInput = z.input<typeof reducedProblemSchema>;
export type ReducedProblem = z.output<typeof reducedProblemSchema>;
export type ReducedKind = ReducedProblem['kind'];

export interface ReducedSolution {
  /** time grid in `clock` */
  t: number[];
  clock: 'tm' | 't' | 'mf2' | 't/m';
  trainError: number[];
  testError?: number[];
  /** second layer a(t) (mean-field) */
  a?: number[];
  /** alignment: v(t) (mean-field), √m·v (lazy1) */
  v?: number[];
  /** C(t,0): C_d(t,0) (lazy2, fixed-alpha-bar), C(t,0) (pspin) */
  C0?: number[];
  /** C_o(t,t) (fixed-alpha-bar, O(1) there) */
  Co?: number[];
  /** m·C_o(t,t) (lazy1 pure noise: D33; mean-field pure noise: the [D] curve of meanFieldNoiseCo) */
  mCo?: number[];
  /** m·C_o(t,0) (mean-field pure noise, [D]) */
  mCo0?: number[];
  /** Lagrange multiplier ν(t) (two-time systems; fixed-alpha-bar: ν̃ = mν) */
  nu?: number[];
  /** E(t) = −∫h̃′(C(t,s))R(t,s)ds (pspin) */
  energy?: number[];
  status: Status;
  message?: string;
  stats: {
    steps: number;
    wallMs: number;
    engine: 'closed-form' | 'wasm' | 'ts' | 'rk4';
    /** lazy2, fixed-alpha-bar: t_rel in the kind's clock (NaN if e_tr never dropped below ε τ′²) */
    tRel?: number;
    /** lazy2: the effective noise variance τ′² */
    tauEff2?: number;
    /** lazy1/lazy2 single index: v_∞, e_ts,∞ */
    vInf?: number;
    testInf?: number;
    /** mean-field pure noise: lim m·C_o(t,t) */
    mCoPlateau?: number;
    /** pspin: threshold energy for monomial h̃, and A_∞ = −τ√α E when α, τ are given */
    energyThreshold?: number;
    aInf?: number;
  };
  problem: ReducedProblem;
}

function need<T>(v: T | undefined, name: string, kind: string): T {
  if (v === undefined) throw new ParameterError(name, v, `for kind '${kind}'`);
  return v;
}

/** Validate a reduced problem (one-line ParameterError on failure). */
export function parseReducedProblem(input: unknown): ReducedProblem {
  const p = parseOrThrow(reducedProblemSchema, input);
  if (p.h[0] !== 0) throw new ParameterError('h[0]', p.h[0], '0 (σ centred: h(0) = 0)');
  for (let k = 0; k < p.h.length; k++) if (p.h[k] < 0) throw new ParameterError(`h[${k}]`, p.h[k], 'a coefficient ≥ 0 (h(q) = Σ s_k² q^k)');
  if (p.kind === 'fixed-alpha-bar') {
    need(p.alphaBar, 'alphaBar', p.kind);
    need(p.tau, 'tau', p.kind);
    if (p.phiHat !== 'none') throw new ParameterError('phiHat', p.phiHat, "'none' for kind 'fixed-alpha-bar' (pure noise, a = 1 frozen)");
    if (p.alpha !== undefined) throw new ParameterError('alpha', p.alpha, "absent for kind 'fixed-alpha-bar' (give alphaBar)");
  }
  if (Array.isArray(p.phiHat) && p.phiNorm2 === undefined) throw new ParameterError('phiNorm2', undefined, 'required with an explicit phiHat series');
  if (p.kind !== 'pspin' && p.kind !== 'fixed-alpha-bar') {
    need(p.alpha, 'alpha', p.kind);
    need(p.tau, 'tau', p.kind);
  }
  const hp0 = p.h[1];
  if (p.kind === 'lazy1' || p.kind === 'lazy2') {
    need(p.gamma0, 'gamma0', p.kind);
    if (p.phiHat !== 'none' && !(hp0 > 0)) throw new ParameterError('h[1]', hp0, '> 0 with a signal (v_∞ = φ̂′(0)/(γ₀h′(0)))');
  }
  if (p.kind === 'lazy2' || p.kind === 'pspin' || p.kind === 'fixed-alpha-bar') {
    const N = Math.ceil(p.tMax / p.eta - 1e-9);
    if (N > p.maxSteps) throw new ParameterError('tMax/eta', N, `at most maxSteps = ${p.maxSteps} steps`);
    const bytes = p.kind === 'fixed-alpha-bar' ? 8 * 6 * (N + 1) ** 2 : twoTimeBytes(N);
    if (bytes > p.budgetBytes) throw new ParameterError('tMax/eta', N, `a step count whose two-time arrays fit budgetBytes = ${p.budgetBytes} (need ${bytes})`);
  } else {
    // One-time kinds (closed forms, the D38 RK4): one row per step of every curve.
    const N = Math.ceil(p.tMax / p.eta - 1e-9);
    if (!(N <= 1e7)) throw new ParameterError('tMax/eta', N, 'at most 1e7 steps (one row per step of every curve)');
  }
  if (p.kind === 'pspin' && p.h.every((c, k) => k < 2 || c === 0))
    throw new ParameterError('h', p.h, 'a series with a term of degree ≥ 2 (h̃ = h − h′(0)q must not vanish)');
  return p;
}

function phiOf(p: ReducedProblem): { phiHat?: number[]; phiNorm2: number } {
  if (p.phiHat === 'none') return { phiNorm2: 0 };
  if (p.phiHat === 'same') return { phiHat: p.h, phiNorm2: polyEval(p.h, 1)[0] };
  return { phiHat: p.phiHat, phiNorm2: p.phiNorm2 ?? 0 };
}

function grid(tMax: number, eta: number): number[] {
  const N = Math.ceil(tMax / eta - 1e-9);
  return Array.from({ length: N + 1 }, (_, n) => n * eta);
}

/** t_rel = inf{t : e < threshold}, log-linear interpolation between grid points; NaN if never reached. */
export function relaxationTime(t: ArrayLike<number>, e: ArrayLike<number>, threshold: number): number {
  for (let n = 0; n < e.length; n++) {
    if (e[n] < threshold) {
      if (n === 0) return t[0];
      const a = e[n - 1],
        b = e[n];
      if (a > 0 && b > 0) {
        const f = Math.log(a / threshold) / Math.log(a / b);
        return t[n - 1] + f * (t[n] - t[n - 1]);
      }
      return t[n];
    }
  }
  return NaN;
}

/** Solve one reduced problem. With `opts.runtime` the two-time systems run on Wasm, else on the TS twin. */
export function solveReduced(input: ReducedProblemInput | ReducedProblem, opts: Pick<SolveOptions, 'runtime' | 'signal'> = {}): ReducedSolution {
  const problem = parseReducedProblem(input);
  if (opts.signal?.aborted) {
    // Synchronous solve: an abort can only be seen before it starts, and then nothing is finished.
    const clock = problem.kind === 'lazy1' ? 'tm' : problem.kind === 'fixed-alpha-bar' ? 't/m' : 't';
    return {
      t: [],
      clock,
      trainError: [],
      status: 'Terminated',
      message: TERMINATED_MESSAGE,
      stats: { steps: 0, wallMs: 0, engine: opts.runtime ? 'wasm' : 'ts' },
      problem,
    };
  }
  return finiteOrUnstable(solveKind(problem, opts));
}

function solveKind(problem: ReducedProblem, opts: Pick<SolveOptions, 'runtime' | 'signal'>): ReducedSolution {
  switch (problem.kind) {
    case 'lazy1':
      return solveLazy1(problem);
    case 'lazy2':
      return solveLazy2(problem, opts.runtime);
    case 'pspin':
      return solvePspin(problem, opts.runtime);
    case 'mean-field':
      return solveMeanField(problem);
    case 'fixed-alpha-bar':
      return solveFixedAlphaBar(problem, opts.runtime);
    default:
      throw new ParameterError('kind', problem.kind, "'lazy1', 'lazy2', 'mean-field' or 'pspin'");
  }
}

/** Never a non-finite value under Success: a curve that overflows (e.g. a closed form at an extreme
 *  γ₀) ends the run Unstable with every curve cut before the first non-finite row. */
function finiteOrUnstable(sol: ReducedSolution): ReducedSolution {
  const all = Object.entries(sol).filter(([k, v]) => Array.isArray(v) && k !== 't' && v.length === sol.t.length) as [string, number[]][];
  // A curve with no finite value is one the kind does not define (e.g. pspin's trainError): left as it
  // is; the run is Unstable only when the curves it defines turn non-finite (or none is finite).
  const curves = all.filter(([, v]) => v.some(Number.isFinite));
  let rows = curves.length === 0 && all.length > 0 && sol.t.length > 0 ? 0 : sol.t.length;
  for (const [, v] of curves) {
    const bad = v.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) rows = Math.min(rows, bad);
  }
  if (rows === sol.t.length) return sol;
  const out = { ...sol } as ReducedSolution & Record<string, unknown>;
  out.t = sol.t.slice(0, rows);
  for (const [k, v] of all) out[k] = v.slice(0, rows);
  if (sol.status === 'Success' || sol.status === 'NotConverged') {
    out.status = 'Unstable';
    out.message = `non-finite values from t = ${sol.t[rows]} on (curves cut there; ${rows} rows kept)`;
  }
  return out;
}

function solveLazy1(p: ReducedProblem): ReducedSolution {
  const t0 = performance.now();
  const { phiHat, phiNorm2 } = phiOf(p);
  const par: Lazy1Params = { alpha: p.alpha!, tau: p.tau!, gamma0: p.gamma0!, h: p.h, phiHat, phiNorm2 };
  const t = grid(p.tMax, p.eta);
  const pts = t.map((x) => lazy1At(par, x));
  const e = pts.map((q) => q.e);
  const sol: ReducedSolution = {
    t,
    clock: 'tm',
    trainError: e,
    testError: e.slice(),
    status: 'Success',
    stats: { steps: t.length - 1, wallMs: 0, engine: 'closed-form' },
    problem: p,
  };
  if (phiHat) {
    sol.v = pts.map((q) => q.v!);
    const lim = lazy1Limits(par);
    sol.stats.vInf = lim.vInf;
    sol.stats.testInf = lim.testInf;
  } else sol.mCo = pts.map((q) => q.mCo!);
  sol.stats.wallMs = performance.now() - t0;
  return sol;
}

function finish(r: TwoTimeResult, N: number, eta: number): { status: 'Success' | 'Unstable'; message?: string; len: number } {
  if (r.rows >= N + 1) return { status: 'Success', len: N + 1 };
  if (r.stopped) return { status: 'Success', message: `stopped at relaxation (e_tr < ε τ²) at t = ${((r.rows - 1) * eta).toPrecision(6)}`, len: r.rows };
  return {
    status: 'Unstable',
    message: `non-finite state at row ${r.rows} (t = ${(r.rows * eta).toPrecision(6)}); trajectory kept up to the last good row`,
    len: r.rows,
  };
}

function solveLazy2(p: ReducedProblem, rt?: WasmRuntime): ReducedSolution {
  const { phiHat, phiNorm2 } = phiOf(p);
  const tau = p.tau!,
    g0 = p.gamma0!;
  const par: Lazy1Params = { alpha: p.alpha!, tau, gamma0: g0, h: p.h, phiHat, phiNorm2 };
  const lim = lazy1Limits(par);
  const tau2 = phiHat ? lim.tauPrime2 : tau * tau;
  if (!(tau2 >= 0)) throw new ParameterError('tau', tau, `a value with τ′² = τ² + ‖φ‖² − φ̂′(0)²/h′(0) ≥ 0 (got ${tau2})`);
  const t = grid(p.tMax, p.eta);
  const N = t.length - 1;
  const r = runTwoTime(
    { mode: 0, N, eta: p.eta, ht: hTilde(p.h), g2: g0 * g0, alpha: p.alpha!, tau2, stopBelow: p.stopWhenRelaxed ? p.epsilon * tau2 : undefined },
    rt,
  );
  const fin = finish(r, N, p.eta);
  // runtime guard (§10.4): under GF e_tr is non-increasing and ≥ 0; a rise (beyond rounding) or a negative value
  // is the explicit-Euler instability of a too-large η: stop the trajectory at the last good row.
  const tol = 1e-12 * Math.abs(r.etr[0]);
  for (let n = 1; n < fin.len; n++) {
    if (r.etr[n] > r.etr[n - 1] + tol || r.etr[n] < -tol) {
      fin.status = 'Unstable';
      fin.message = `e_tr ${r.etr[n] < 0 ? 'negative' : 'increased'} at t = ${(n * p.eta).toPrecision(6)} (explicit Euler unstable: reduce eta); trajectory kept up to the last good row`;
      fin.len = n;
      break;
    }
  }
  const [h1] = polyEval(p.h, 1);
  const testConst = phiHat ? lim.testInf : 0.5 * (tau * tau + g0 * g0 * (h1 - p.h[1]));
  const tt = t.slice(0, fin.len);
  const etr = Array.from(r.etr.subarray(0, fin.len));
  const sol: ReducedSolution = {
    t: tt,
    clock: 't',
    trainError: etr,
    testError: tt.map(() => testConst),
    C0: Array.from(r.C0.subarray(0, fin.len)),
    nu: Array.from(r.nu.subarray(0, fin.len)),
    status: fin.status,
    ...(fin.message ? { message: fin.message } : {}),
    stats: {
      steps: N,
      wallMs: r.wallMs,
      engine: rt ? 'wasm' : 'ts',
      tRel: fin.status === 'Success' ? relaxationTime(tt, etr, p.epsilon * tau2) : NaN,
      tauEff2: tau2,
    },
    problem: p,
  };
  if (phiHat) {
    sol.stats.vInf = lim.vInf;
    sol.stats.testInf = lim.testInf;
  }
  return sol;
}

/** The fixed-ᾱ m → ∞ system (§8g [D]) for N steps on the Wasm kernel dmft_fixed_abar_rows (rt) or its TS twin.
 *  out: 5 f64 per row [e_tr, e_ts, ν̃, C̃_d(t,0), C̃_o(t,t)]. */
export function runFixedAlphaBar(
  N: number,
  eta: number,
  alphaBar: number,
  tau2: number,
  h: ArrayLike<number>,
  rt?: WasmRuntime,
  stopBelow?: number,
): { rows: number; stopped: boolean; out: Float64Array } {
  const L = N + 1;
  const hc = Float64Array.from(h);
  // No runtime: the TS twin of dmft_fixed_abar_rows behind the same exports (the synchronous 'ts' runtime).
  const r = rt ?? tsRuntime();
  const ar = r.arena;
  const mark = ar.mark();
  try {
    const sq = L * L;
    const ptrs = [ar.allocF64(sq), ar.allocF64(sq), ar.allocF64(sq), ar.allocF64(sq), ar.allocF64(sq), ar.allocF64(sq)] as const;
    for (const q of ptrs) ar.f64(q, sq).fill(0);
    const pw = ar.allocF64(16 * L),
      po = ar.allocF64(5 * L),
      ph = ar.copyIn(hc);
    const c = chunked(
      L,
      stopBelow,
      (n0, n1) => r.exports.dmft_fixed_abar_rows(N, eta, alphaBar, tau2, ph, hc.length, ...ptrs, pw, po, n0, n1),
      (n) => ar.f64(po, 5 * L)[5 * n],
    );
    return { rows: c.rows, stopped: c.stopped, out: ar.copyOut(po, 5 * L) };
  } finally {
    ar.reset(mark);
  }
}

function solveFixedAlphaBar(p: ReducedProblem, rt?: WasmRuntime): ReducedSolution {
  const t = grid(p.tMax, p.eta);
  const N = t.length - 1;
  const tau2 = p.tau! * p.tau!;
  const t0 = performance.now();
  const { rows, stopped, out } = runFixedAlphaBar(N, p.eta, p.alphaBar!, tau2, p.h, rt, p.stopWhenRelaxed ? p.epsilon * tau2 : undefined);
  const wallMs = performance.now() - t0;
  const col = (k: number) => Array.from({ length: N + 1 }, (_, n) => out[5 * n + k]);
  const etrAll = col(0);
  const fin = finish({ rows, stopped } as TwoTimeResult, N, p.eta);
  const tol = 1e-12 * Math.abs(etrAll[0]);
  for (let n = 1; n < fin.len; n++) {
    if (etrAll[n] > etrAll[n - 1] + tol || etrAll[n] < -tol) {
      fin.status = 'Unstable';
      fin.message = `e_tr ${etrAll[n] < 0 ? 'negative' : 'increased'} at t/m = ${(n * p.eta).toPrecision(6)} (explicit Euler unstable: reduce eta); trajectory kept up to the last good row`;
      fin.len = n;
      break;
    }
  }
  const cut = (a: number[]) => a.slice(0, fin.len);
  const tt = cut(t),
    etr = cut(etrAll);
  return {
    t: tt,
    clock: 't/m',
    trainError: etr,
    testError: cut(col(1)),
    nu: cut(col(2)),
    C0: cut(col(3)),
    Co: cut(col(4)),
    status: fin.status,
    ...(fin.message ? { message: fin.message } : {}),
    stats: {
      steps: N,
      wallMs,
      engine: rt ? 'wasm' : 'ts',
      tRel: fin.status === 'Success' ? relaxationTime(tt, etr, p.epsilon * tau2) : NaN,
      tauEff2: tau2,
    },
    problem: p,
  };
}

function solvePspin(p: ReducedProblem, rt?: WasmRuntime): ReducedSolution {
  const t = grid(p.tMax, p.eta);
  const N = t.length - 1;
  const ht = hTilde(p.h);
  const r = runTwoTime({ mode: 1, N, eta: p.eta, ht }, rt);
  const fin = finish(r, N, p.eta);
  // runtime guard: GF on the p-spin energy, E(t) is non-increasing
  for (let n = 1; n < fin.len; n++) {
    if (r.third[n] > r.third[n - 1] + 1e-12) {
      fin.status = 'Unstable';
      fin.message = `energy increased at t = ${(n * p.eta).toPrecision(6)} (explicit Euler unstable: reduce eta); trajectory kept up to the last good row`;
      fin.len = n;
      break;
    }
  }
  const energy = Array.from(r.third.subarray(0, fin.len));
  const Eth = thresholdEnergy(ht);
  const sol: ReducedSolution = {
    t: t.slice(0, fin.len),
    clock: 'mf2',
    trainError: energy.map(() => NaN),
    energy,
    C0: Array.from(r.C0.subarray(0, fin.len)),
    nu: Array.from(r.nu.subarray(0, fin.len)),
    status: fin.status,
    ...(fin.message ? { message: fin.message } : {}),
    stats: { steps: N, wallMs: r.wallMs, engine: rt ? 'wasm' : 'ts', energyThreshold: Eth },
    problem: p,
  };
  if (p.alpha !== undefined && p.tau !== undefined && Number.isFinite(Eth)) sol.stats.aInf = -p.tau * Math.sqrt(p.alpha) * Eth;
  return sol;
}

function solveMeanField(p: ReducedProblem): ReducedSolution {
  // D38 by RK4 with step η: the SymmDMFT engineer's integrator (src/dmft/mean-field-ode.ts), reported every step.
  const t0 = performance.now();
  const { phiHat, phiNorm2 } = phiOf(p);
  const alpha = p.alpha!,
    tau = p.tau!,
    a0 = p.a0 ?? 1;
  const ode = meanFieldOde({ alpha, tau, h: p.h, phiHat: phiHat ?? [], phiNorm2, a0, tMax: p.tMax, dt: p.eta, every: 1 });
  let len = ode.t.length;
  let status: ReducedSolution['status'] = 'Success';
  let message: string | undefined;
  for (let n = 0; n < ode.t.length; n++) {
    if (!Number.isFinite(ode.a[n]) || !Number.isFinite(ode.v[n]) || !Number.isFinite(ode.error[n])) {
      len = n;
      status = 'Unstable';
      message = `non-finite state at t = ${ode.t[n]}; trajectory kept up to the last good point`;
      break;
    }
  }
  const E = ode.error.slice(0, len);
  const sol: ReducedSolution = {
    t: ode.t.slice(0, len),
    clock: 't',
    trainError: E,
    testError: E.slice(),
    a: ode.a.slice(0, len),
    v: ode.v.slice(0, len),
    status,
    ...(message ? { message } : {}),
    stats: { steps: len - 1, wallMs: performance.now() - t0, engine: 'rk4' },
    problem: p,
  };
  if (!phiHat && p.h[1] > 0 && a0 !== 0) {
    sol.stats.mCoPlateau = meanFieldNoisePlateau(alpha, tau, a0, p.h[1]);
    const co = sol.t.map((x) => meanFieldNoiseCo(alpha, tau, a0, p.h[1], x));
    sol.mCo = co.map((c) => c.mCo);
    sol.mCo0 = co.map((c) => c.mCo0);
  }
  return sol;
}

// ---------------------------------------------------------------------------------------------------------
// interpolation threshold (§8c end, V8 idea)

export interface PowerLawFit {
  /** α* (threshold) */
  xStar: number;
  c: number;
  nu: number;
  /** residual sum of squares on logs */
  rss: number;
}

function linFit(x: number[], y: number[]): { a: number; b: number; rss: number } {
  const n = x.length;
  let sx = 0,
    sy = 0,
    sxx = 0,
    sxy = 0;
  for (let i = 0; i < n; i++) {
    sx += x[i];
    sy += y[i];
    sxx += x[i] * x[i];
    sxy += x[i] * y[i];
  }
  const b = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  const a = (sy - b * sx) / n;
  let rss = 0;
  for (let i = 0; i < n; i++) rss += (y[i] - a - b * x[i]) ** 2;
  return { a, b, rss };
}

/** Least-squares fit of t ≈ c(x* − x)^{−ν} on logs: for each x* the fit is linear in (log c, ν); x* is found by
 *  a log-spaced scan over the gap x* − max x followed by golden-section refinement. Needs ≥ 4 finite points. */
export function fitThresholdPowerLaw(xs: ArrayLike<number>, ts: ArrayLike<number>): PowerLawFit {
  const X: number[] = [],
    T: number[] = [];
  for (let i = 0; i < xs.length; i++)
    if (Number.isFinite(ts[i]) && ts[i] > 0 && Number.isFinite(xs[i])) {
      X.push(xs[i]);
      T.push(Math.log(ts[i]));
    }
  if (X.length < 4) throw new ParameterError('points', X.length, 'at least 4 finite (x, t_rel) pairs');
  const xmax = Math.max(...X),
    span = xmax - Math.min(...X);
  const at = (lg: number) => {
    const xs_ = xmax + Math.exp(lg);
    const r = linFit(
      X.map((x) => Math.log(xs_ - x)),
      T,
    );
    return { rss: r.rss, c: Math.exp(r.a), nu: -r.b, xStar: xs_ };
  };
  const lo0 = Math.log(span * 1e-6),
    hi0 = Math.log(span * 100);
  let best = lo0,
    bestR = Infinity;
  const K = 400;
  for (let k = 0; k <= K; k++) {
    const lg = lo0 + ((hi0 - lo0) * k) / K;
    const r = at(lg).rss;
    if (r < bestR) {
      bestR = r;
      best = lg;
    }
  }
  const step = (hi0 - lo0) / K;
  let a = best - step,
    b = best + step;
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a),
    d = a + g * (b - a);
  let fc = at(c).rss,
    fd = at(d).rss;
  for (let it = 0; it < 100; it++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = at(c).rss;
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = at(d).rss;
    }
  }
  const r = at((a + b) / 2);
  return { xStar: r.xStar, c: r.c, nu: r.nu, rss: r.rss };
}

/** t_rel on a grid of α (default; t_rel diverges as α ↑ α*) or of γ₀ (t_rel diverges as γ₀ ↓ γ*_GF) for a frozen
 *  lz2 problem (pure noise or mapped single index), or of ᾱ for 'fixed-alpha-bar' (t_rel/m diverges as ᾱ ↑ ᾱ_GF(∞),
 *  V8), and the power-law fit t_rel ≈ c|x* − x|^{−ν} when at least 4 points relaxed (fitted on the side where the
 *  points lie: x < x* for α and ᾱ, x > x* for γ₀). */
export function thresholdScan(
  base: Omit<ReducedProblemInput, 'kind' | 'alpha'> & { alpha?: number },
  grid: number[],
  opts: { runtime?: WasmRuntime; over?: 'alpha' | 'gamma0' | 'alphaBar' } = {},
): { grid: number[]; over: 'alpha' | 'gamma0' | 'alphaBar'; tRel: number[]; fit?: PowerLawFit } {
  const over = opts.over ?? 'alpha';
  const kind = over === 'alphaBar' ? 'fixed-alpha-bar' : 'lazy2';
  const tRel = grid.map((x) => solveReduced({ stopWhenRelaxed: true, ...base, kind, [over]: x }, opts).stats.tRel ?? NaN);
  let fit: PowerLawFit | undefined;
  if (tRel.filter(Number.isFinite).length >= 4) {
    if (over !== 'gamma0') fit = fitThresholdPowerLaw(grid, tRel);
    else {
      const f = fitThresholdPowerLaw(
        grid.map((x) => -x),
        tRel,
      );
      fit = { ...f, xStar: -f.xStar };
    }
  }
  return { grid, over, tRel, fit };
}
