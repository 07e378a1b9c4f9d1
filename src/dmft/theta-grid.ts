// SymmDMFT to long times on the θ = t′/t grid (dmft-grid.md §2–§4; issue 11 items 1, 2, 6).
// src/numerics/dmft-theta.ts holds the slices and evaluates the right-hand side (thetaEval; in Wasm: assembly/dmft_theta.ts
// through src/dmft/theta-eval.ts, bitwise the same); this file steps them.
//
// Time stepping [D]: exponential time differencing. Each node's ray equation is dy/dt = −μ y + N(t, y) with
// μ the local (δ) rate of dmft-grid.md §4 frozen at the start of the step (C_X: λ_X(t) + θλ_X(θt); R_X:
// λ_X(t) − θλ_X(θt); v: λ_S; C_o(t,t): 2[ν + (Ka²/m)(h′(C_d) + (m−2)h′(C_o))]; each λ_X plus the near-diagonal
// memory rate κ_X, see `kappa` below) and N = f + μy everything
// else (the change of μ within the step included). ETD2RK (Cox–Matthews):
//   Y = e^{−hμ}y_k + hφ₁(−hμ)N_k,   y_{k+1} = Y + hφ₂(−hμ)(N(Y) − N_k),
// second order, exact for the local linear decay at any hμ (the stiff local mode never limits the step),
// quasi-static nodes (hμ ≫ 1) land on y ≈ N/μ. Embedded estimate: y_{k+1} − Y = hφ₂(N(Y) − N_k), the local
// error of the first-order exponential Euler step Y; err = max over all nodes and one-time variables of
// |y_{k+1} − Y|/(atol·scale + rtol·|y|). Accept if err ≤ 1, h ← h·clip(0.9 err^{−1/2}, 0.2, 2). The step
// advances with the second-order value (local extrapolation), so the global error ∝ rtol.
//
// History reads are linear in t between slices (O(Δt²), matching the order). Two evaluations per accepted
// step: the stage at Y, and the finalisation of the accepted slice (its sample side with the stage's
// values as predictor, its N for the next step).
import { series, type DmftProblem } from './problem.js';
import { stopRequested } from '../core/contract.js';
import { gridParams, type GridStepEvent } from './grid.js';
import { gridBytes, hostEvaluator, wasmEvaluator, type ThetaEvaluator } from './theta-eval.js';
import type { WasmRuntime } from '../wasm/runtime.js';
import {
  F_CA,
  F_MRD,
  F_MRS,
  F_RA,
  NF,
  NT,
  T_A,
  T_CDD,
  T_COD,
  T_ETR,
  T_ETS,
  T_LD,
  T_LS,
  T_NU,
  T_T,
  T_V,
  thetaAlloc,
  thetaGrid,
  thetaInit,
  thetaWork,
  type ThetaGrid,
  type ThetaParams,
  type ThetaState,
} from '../numerics/dmft-theta.js';

export interface ThetaControl {
  rtol: number;
  atol: number;
  /** θ nodes per slice (default 128). */
  L?: number;
  /** Range Λ = T·max λ for the node spacing (default: tMax·K·h′(1)·max(a₀², m)). */
  Lambda?: number;
  dt0?: number;
  dtMax?: number;
  maxSteps?: number;
  /** Sample-side passes per evaluation (default 1). */
  algIters?: number;
  /** Stability cap on the step: Δt·|λ_S(t_k)| ≤ dtLamMax (default 5; Infinity: none). See the step loop. */
  dtLamMax?: number;
}

export interface ThetaStepHistory {
  t: number[];
  dt: number[];
  err: number[];
  /** Δt·λ_S at the step (how far beyond the explicit stability limit the step is). */
  dtLam: number[];
}

export interface ThetaRaw {
  status: 'Success' | 'Unstable' | 'NotConverged' | 'Terminated';
  message?: string;
  rows: number;
  t: Float64Array;
  a: Float64Array;
  v: Float64Array;
  nu: Float64Array;
  etr: Float64Array;
  ets: Float64Array;
  coDiag: Float64Array;
  cd0: Float64Array;
  steps: number;
  rejections: number;
  L: number;
  Lambda: number;
  dtMin: number;
  dtMaxUsed: number;
  history: ThetaStepHistory;
  memoryBytes: number;
  stepMs: number;
  /** Paused by stopAfterSteps or stopped by the signal ('Terminated'): the state to continue from. */
  paused?: ThetaResume;
}

/** Everything needed to continue a run bit for bit: the slices, the controller, the series. A plain object
 *  (the CLI checkpoint of src/dmft/solve.ts packs it field by field, ThetaState's included). */
export interface ThetaResume {
  /** The slices 0..K+1 (cap = K + 2); the other fields of the running state, copied. */
  state: ThetaState;
  /** The running state's slice capacity (a resume allocates the same, so memoryBytes and the growth
   *  sequence match the uninterrupted run). */
  capacity: number;
  dt: number;
  steps: number;
  rejections: number;
  dtMin: number;
  dtMaxUsed: number;
  fk: Float64Array;
  f1k: Float64Array;
  history: ThetaStepHistory;
}

/** The θ grid's parameters are the adaptive grid's without the scheme switch (it has its own ETD2 step). */
export function thetaParams(p: DmftProblem): ThetaParams {
  const { imex: _imex, ...rest } = gridParams(p);
  return rest;
}

function phi12(z: number): [number, number] {
  // φ₁(z) = (eᶻ − 1)/z, φ₂(z) = (eᶻ − 1 − z)/z²; series near 0.
  if (Math.abs(z) < 1e-3) return [1 + z / 2 + (z * z) / 6 + (z * z * z) / 24, 0.5 + z / 6 + (z * z) / 24 + (z * z * z) / 120];
  const em = Math.expm1(z);
  return [em / z, (em - z) / (z * z)];
}

export function defaultLambda(p: DmftProblem): number {
  const h1 = series(p.h, 1)[1];
  return Math.max(10 * p.tMax, p.tMax * p.alpha * h1 * Math.max(p.a0 * p.a0, p.m));
}

/** After each accepted step (and for row 0 at the start of a fresh run): its time and observables. */
export type ThetaStepEvent = GridStepEvent;

export interface ThetaOpts {
  ctl: ThetaControl;
  signal?: AbortSignal;
  /** The stepping iterator (dmft.md §10.4): row 0, then every accepted step. */
  onStep?: (e: ThetaStepEvent) => void;
  /** Pause (ThetaRaw.paused) once this many steps are accepted in total (at least one in this call). */
  stopAfterSteps?: number;
  /** Continue from a `paused` state (not modified: it can be resumed again). */
  resume?: ThetaResume;
  /** Precomputed grid (tests reuse it across runs). */
  grid?: ThetaGrid;
  /** Between steps, when the driver asks (runThetaAsync: checkpointDue), the state to continue from. */
  onCheckpoint?: (r: ThetaResume) => void;
  /** Evaluate on this runtime's kernel dmft_theta_eval (assembly/dmft_theta.ts; its TS twin behind the 'ts'
   *  runtime); default: the host thetaEval. Bitwise the same results either way. */
  runtime?: WasmRuntime;
  /** An evaluator kept across calls (runThetaAsync's chunks); takes precedence over runtime. */
  evaluator?: ThetaEvaluator;
}

/** What a driver tells the march between steps: nothing, or hand out a checkpoint now. */
type ThetaCommand = 'checkpoint' | undefined;

/** March the SymmDMFT on the θ grid from 0 to p.tMax (synchronous: a signal is seen only if it fired before). */
export function runTheta(p: DmftProblem, o: ThetaOpts): ThetaRaw {
  const g = thetaMarch(p, o);
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
  }
}

/** The march as a generator: it yields between accepted steps (the state is then complete: a checkpoint
 *  may be taken, the driver may wait for the event loop) and returns the result. */
function* thetaMarch(p: DmftProblem, o: ThetaOpts): Generator<void, ThetaRaw, ThetaCommand> {
  const P = thetaParams(p);
  const ctl = o.ctl;
  const L = ctl.L ?? 128;
  const Lambda = ctl.Lambda ?? defaultLambda(p);
  const G = o.grid ?? thetaGrid(L, Lambda);
  const m = p.m;
  const W = thetaWork(L);
  const ev = o.evaluator ?? (o.runtime ? wasmEvaluator(o.runtime, P, G) : hostEvaluator(P, G));
  const t0 = performance.now();
  const r = o.resume;
  if (r && r.state.L !== L) throw new Error(`theta grid: resume from a state with L = ${r.state.L} nodes (this run: ${L})`);
  // A resume copies the state into the capacity the paused run had (the same growth sequence from there).
  let st: ThetaState = r ? thetaAlloc(L, Math.max(r.capacity ?? 0, r.state.cap), r.state) : thetaAlloc(L, 64);
  const h1 = series(p.h, 1)[1];
  const lam0 = Math.max((p.alpha * p.a0 * p.a0 * (h1 + (m - 1) * series(p.h, 0)[1])) / m, 1e-12);
  let dt = r ? r.dt : Math.min(ctl.dt0 ?? 1e-3 / lam0, ctl.dtMax ?? Infinity, p.tMax);
  const dtMax = ctl.dtMax ?? Infinity;
  const maxSteps = ctl.maxSteps ?? 1_000_000;
  const algIters = ctl.algIters ?? 1;
  const dtLamMax = ctl.dtLamMax ?? 5;
  let steps = r?.steps ?? 0,
    rejections = r?.rejections ?? 0,
    dtMin = r?.dtMin ?? Infinity,
    dtMaxUsed = r?.dtMaxUsed ?? 0;
  const hist: ThetaStepHistory = r ? structuredClone(r.history) : { t: [], dt: [], err: [], dtLam: [] };
  const n4 = 4 * L;
  const fk = new Float64Array(n4),
    f1k = new Float64Array(4);
  const mu = new Float64Array(n4),
    mu1 = new Float64Array(4);
  const yk = new Float64Array(n4),
    y1k = new Float64Array(4);
  const Nk = new Float64Array(n4),
    N1k = new Float64Array(4);
  const e1 = new Float64Array(n4),
    p1 = new Float64Array(n4),
    p2 = new Float64Array(n4);
  let status: ThetaRaw['status'] = 'Success';
  let message: string | undefined;
  const startSteps = steps;
  let paused: ThetaResume | undefined;
  const sc1 = [Math.max(1, Math.abs(p.a0)), 1 / Math.sqrt(m), 1 / m, 1];
  const fields = [0, 1, 2, 3]; // C_S, C_D, R_S, R_D in the interleaved slice layout
  // Near-diagonal memory in the frozen rates [D] (dmft-grid.md §7, item 2): the regular part of M_R acts on a node like
  // an extra local rate κ_X(t) = (1/m)∫_0^t M̃_R,X(t,s)ds (C_X(s,t′) ≈ C_X(t,t′) over its width τ_µ), of the
  // opposite sign to the δ part once R̃_A < 0; left explicit it limits the step to Δt·λ_S ≈ 3–4 and the 10·rtol
  // error-estimate run blew up (m = 1024 to t = 10240 at rtol 1e-2: e_ts 2e4). μ uses λ_X + κ_X (clamped at 0);
  // ETD stays exact for any frozen μ (N = f + μy), so this changes the split, not the equations. κ is a
  // function of one slice's stored values (recomputed after a resume: bitwise the same).
  const kapS: number[] = [],
    kapD: number[] = [];
  const kappa = (k: number, X: 0 | 1): number => {
    const cache = X === 0 ? kapS : kapD;
    const hit = cache[k];
    if (hit !== undefined) return hit;
    const so = k * NF * L,
      t = st.T[k * NT + T_T];
    let acc = 0;
    for (let i = 0; i < L; i++) acc += G.w[i] * st.S[so + i * NF + (X === 0 ? F_MRS : F_MRD)];
    const v = Math.max((t * acc) / m, -st.T[k * NT + (X === 0 ? T_LS : T_LD)]);
    cache[k] = v;
    return v;
  };
  const kappaAt = (top: number, x: number, X: 0 | 1): number => interpInT(st.T, top, x, (k) => kappa(k, X));
  if (r) {
    fk.set(r.fk);
    f1k.set(r.f1k);
  } else {
    thetaInit(st, p.a0);
    if (!ev.evaluate(st, W, 0, algIters)) throw new Error('theta grid: non-finite initial evaluation');
    fk.set(W.f);
    f1k.set(W.f1);
  }
  const slotOf = (k: number) => k * NF * L;
  const event = (k: number) => {
    const T = st.T,
      o1 = k * NT;
    o.onStep?.({ t: T[o1 + T_T], a: T[o1 + T_A], v: T[o1 + T_V], trainError: T[o1 + T_ETR], testError: T[o1 + T_ETS], Co: T[o1 + T_COD], row: k });
  };
  // The state at the head of step K (slices 0..K+1; slot K+1 as it is, the next step overwrites it): a copy,
  // every field of the running state carried (typed arrays copied), so fields added to ThetaState follow.
  const snapshot = (): ThetaResume => {
    const K = st.K;
    const state = { ...st, cap: K + 2 } as ThetaState & Record<string, unknown>;
    for (const [k, x] of Object.entries(st)) if (ArrayBuffer.isView(x) && k !== 'S' && k !== 'T') state[k] = (x as Float64Array).slice();
    state.S = st.S.slice(0, (K + 2) * NF * L);
    state.T = st.T.slice(0, (K + 2) * NT);
    return {
      state,
      capacity: st.cap,
      dt,
      steps,
      rejections,
      dtMin,
      dtMaxUsed,
      fk: fk.slice(),
      f1k: f1k.slice(),
      history: structuredClone(hist),
    };
  };
  if (!r) event(0);
  for (;;) {
    const K = st.K;
    const tk = st.T[K * NT + T_T];
    if (tk >= p.tMax * (1 - 1e-14)) break;
    if (steps !== startSteps) {
      // Between steps: the driver may wait for the event loop here and ask for a checkpoint.
      const cmd = yield;
      if (cmd === 'checkpoint') o.onCheckpoint?.(snapshot());
    }
    if (o.signal?.aborted) {
      // The rows so far are kept, with the state to continue from (never a throw: the engine contract).
      status = 'Terminated';
      message = `terminated by its AbortSignal at t = ${tk}`;
      paused = snapshot();
      break;
    }
    if (o.stopAfterSteps !== undefined && steps >= o.stopAfterSteps && steps !== startSteps) {
      paused = snapshot();
      break;
    }
    if (steps >= maxSteps) {
      status = 'NotConverged';
      message = `maxSteps = ${maxSteps} reached at t = ${tk}`;
      break;
    }
    if (K + 3 > st.cap) st = thetaAlloc(L, Math.ceil(st.cap * 1.5) + 4, st);
    const S = st.S,
      T = st.T;
    const ko = slotOf(K),
      k1 = slotOf(K + 1),
      kt = K * NT,
      kt1 = (K + 1) * NT;
    // Frozen local rates μ (dmft-grid.md §4 f_I) at t_k.
    const nuK = T[kt + T_NU],
      aK = T[kt + T_A],
      coK = T[kt + T_COD],
      cdK = T[kt + T_CDD];
    const lS0 = T[kt + T_LS],
      lD0 = T[kt + T_LD];
    const lS = lS0 + kappa(K, 0),
      lD = lD0 + kappa(K, 1);
    for (let j = 0; j < L; j++) {
      const x = G.th[j] * tk;
      const lSj = K === 0 ? lS : oneTime(T, K, x, T_LS) + kappaAt(K, x, 0),
        lDj = K === 0 ? lD : oneTime(T, K, x, T_LD) + kappaAt(K, x, 1);
      mu[j] = lS + G.th[j] * lSj;
      mu[L + j] = lD + G.th[j] * lDj;
      mu[2 * L + j] = lS - G.th[j] * lSj;
      mu[3 * L + j] = lD - G.th[j] * lDj;
    }
    const hp = p.h;
    mu1[0] = 0;
    mu1[1] = lS;
    mu1[2] = 2 * (nuK + ((p.alpha * aK * aK) / m) * (series(hp, cdK)[1] + (m - 2) * series(hp, coK)[1])) + kappa(K, 0) + kappa(K, 1);
    mu1[3] = P.spherical ? 0 : 2 * (nuK + (p.alpha * aK * aK * series(hp, cdK)[1]) / m);
    for (let q = 0; q < 4; q++)
      for (let j = 0; j < L; j++) {
        yk[q * L + j] = S[ko + j * NF + fields[q]];
        Nk[q * L + j] = fk[q * L + j] + mu[q * L + j] * yk[q * L + j];
      }
    y1k[0] = aK;
    y1k[1] = T[kt + T_V];
    y1k[2] = coK;
    y1k[3] = cdK;
    for (let q = 0; q < 4; q++) N1k[q] = f1k[q] + mu1[q] * y1k[q];
    let accepted = false;
    let err = 0;
    let h = 0;
    // Stability cap [D]: ETD is exact for the frozen local rate μ, but the explicit remainder (the memory
    // integrals beyond κ, the change of μ within the step) is not; past Δt·λ_S ≈ 7 the march turns noisy —
    // the embedded estimate still accepts most steps, rejections alternate with err ≈ 0.4 steps, and e_ts
    // wanders by 1e-3 (measured, m = 256, h = 0.9z + z³/6, α = τ = 0.3: rtol 1e-3 from t ≈ 12000, rtol 1e-2
    // from t ≈ 1500, where the loose run then lost a and ended at e_ts 0.58 against 0.053). The embedded
    // estimate compares two steps with the same explicit part, so it does not see this; the cap does.
    const hStab = dtLamMax / Math.max(Math.abs(lS0), 1e-300);
    for (let tries = 0; tries < 60; tries++) {
      const rem = p.tMax - tk;
      h = Math.min(dt, dtMax, hStab);
      if (h >= rem * (1 - 1e-12) || rem - h < 0.1 * h) h = rem;
      // Stage: Y into slot K+1 (last node of each field is fixed by thetaEval).
      for (let q = 0; q < 4; q++)
        for (let j = 0; j < L - 1; j++) {
          const i = q * L + j;
          const z = -h * mu[i];
          const [f1, f2] = phi12(z);
          p1[i] = f1;
          p2[i] = f2;
          S[k1 + j * NF + fields[q]] = Math.exp(z) * yk[i] + h * f1 * Nk[i];
        }
      if (m === 1)
        for (let j = 0; j < L - 1; j++) {
          S[k1 + j * NF + 1] = S[k1 + j * NF + 0];
          S[k1 + j * NF + 3] = S[k1 + j * NF + 2];
        }
      const Y1 = [0, 0, 0, 0],
        q1: number[] = [];
      for (let q = 0; q < 4; q++) {
        const z = -h * mu1[q];
        const [f1, f2] = phi12(z);
        q1.push(f2);
        Y1[q] = Math.exp(z) * y1k[q] + h * f1 * N1k[q];
      }
      if (P.frozen) Y1[0] = aK;
      if (m === 1) Y1[2] = 0;
      if (P.spherical) Y1[3] = 1;
      T[kt1 + T_T] = tk + h;
      T[kt1 + T_A] = Y1[0];
      T[kt1 + T_V] = Y1[1];
      T[kt1 + T_COD] = Y1[2];
      T[kt1 + T_CDD] = Y1[3];
      // Predictor of the slot's sample side: ray extrapolation of the last two slices (or a copy).
      for (let j = 0; j < L; j++)
        for (let fl = F_RA; fl <= F_CA; fl++) {
          const vK = S[ko + j * NF + fl];
          if (K >= 1) {
            const tp = T[(K - 1) * NT + T_T];
            const vP = S[slotOf(K - 1) + j * NF + fl];
            S[k1 + j * NF + fl] = vK + ((vK - vP) * h) / (tk - tp);
          } else S[k1 + j * NF + fl] = vK;
        }
      st.K = K; // slot = K+1
      const ok = ev.evaluate(st, W, K + 1, algIters);
      err = 0;
      if (ok) {
        for (let q = 0; q < 4; q++)
          for (let j = 0; j < L - 1; j++) {
            const i = q * L + j;
            const Y = S[k1 + j * NF + fields[q]];
            const NY = W.f[i] + mu[i] * Y;
            const d = h * p2[i] * (NY - Nk[i]);
            e1[i] = Y + d;
            const r = Math.abs(d) / (ctl.atol + ctl.rtol * Math.max(Math.abs(yk[i]), Math.abs(Y + d)));
            if (r > err || Number.isNaN(r)) err = Number.isNaN(r) ? Infinity : r;
          }
        for (let q = 0; q < (P.spherical ? 3 : 4); q++) {
          if ((q === 0 && P.frozen) || (q === 2 && m === 1)) continue;
          const NY = W.f1[q] + mu1[q] * Y1[q];
          const d = h * q1[q] * (NY - N1k[q]);
          Y1[q] += d;
          const r = Math.abs(d) / (ctl.atol * sc1[q] + ctl.rtol * Math.max(Math.abs(y1k[q]), Math.abs(Y1[q])));
          if (r > err || Number.isNaN(r)) err = Number.isNaN(r) ? Infinity : r;
        }
      } else err = Infinity;
      if (err <= 1) {
        accepted = true;
        // Accept: the second-order values into the slot, then finalise it as slice K+1.
        for (let q = 0; q < 4; q++) for (let j = 0; j < L - 1; j++) S[k1 + j * NF + fields[q]] = e1[q * L + j];
        if (m === 1)
          for (let j = 0; j < L - 1; j++) {
            S[k1 + j * NF + 1] = S[k1 + j * NF + 0];
            S[k1 + j * NF + 3] = S[k1 + j * NF + 2];
          }
        T[kt1 + T_A] = Y1[0];
        T[kt1 + T_V] = Y1[1];
        T[kt1 + T_COD] = Y1[2];
        T[kt1 + T_CDD] = P.spherical ? 1 : Y1[3];
        break;
      }
      rejections++;
      dt = h * (Number.isFinite(err) ? Math.max(0.2, 0.9 / Math.sqrt(err)) : 0.25);
      if (dt < 1e-14 * Math.max(1, tk)) break;
    }
    if (!accepted) {
      status = 'Unstable';
      message = `step size underflow at t = ${tk} (Δ = ${dt.toExponential(3)}, err = ${err.toExponential(3)})`;
      break;
    }
    st.K = K + 1;
    if (!ev.evaluate(st, W, K + 1, algIters)) {
      st.K = K;
      status = 'Unstable';
      message = `a non-finite value at t = ${tk + h}; last good time ${tk}`;
      break;
    }
    fk.set(W.f);
    f1k.set(W.f1);
    steps++;
    dtMin = Math.min(dtMin, h);
    dtMaxUsed = Math.max(dtMaxUsed, h);
    hist.t.push(tk);
    hist.dt.push(h);
    hist.err.push(err);
    hist.dtLam.push(h * Math.abs(lS0));
    event(K + 1);
    dt = h * Math.min(2, Math.max(0.2, err > 0 ? 0.9 / Math.sqrt(err) : 2));
  }
  const evBytes = ev.bytes;
  if (!o.evaluator) ev.dispose();
  const rows = st.K + 1;
  const col = (c: number) => {
    const x = new Float64Array(rows);
    for (let k = 0; k < rows; k++) x[k] = st.T[k * NT + c];
    return x;
  };
  const cd0 = new Float64Array(rows);
  for (let k = 0; k < rows; k++) cd0[k] = (st.S[k * NF * L + 0] + (m - 1) * st.S[k * NF * L + 1]) / m;
  return {
    status,
    message,
    rows,
    t: col(T_T),
    a: col(T_A),
    v: col(T_V),
    nu: col(T_NU),
    etr: col(T_ETR),
    ets: col(T_ETS),
    coDiag: col(T_COD),
    cd0,
    steps,
    rejections,
    L,
    Lambda,
    dtMin: Number.isFinite(dtMin) ? dtMin : 0,
    dtMaxUsed,
    history: hist,
    memoryBytes: st.S.byteLength + st.T.byteLength + gridBytes(G) + evBytes,
    stepMs: performance.now() - t0,
    paused,
  };
}

/** Linear interpolation in t of value(k) between the slices that bracket time x (slices 0..top, times
 *  increasing); at or past slice top's time, value(top). */
function interpInT(T: Float64Array, top: number, x: number, value: (k: number) => number): number {
  let lo = 0,
    hi = top;
  if (x >= T[hi * NT + T_T]) return value(top);
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (T[mid * NT + T_T] <= x) lo = mid;
    else hi = mid;
  }
  const ta = T[lo * NT + T_T],
    tb = T[hi * NT + T_T];
  const u = tb > ta ? (x - ta) / (tb - ta) : 1;
  return (1 - u) * value(lo) + u * value(hi);
}

/** One-time column c of the slices, interpolated in t at time x. */
const oneTime = (T: Float64Array, top: number, x: number, c: number): number => interpInT(T, top, x, (k) => T[k * NT + c]);

/** runTheta yielding to the event loop between steps once `yieldMs` have passed (when there is a signal),
 *  so that an AbortSignal fired by SIGINT is seen (issue 10: stop within 2 s; one step costs ≲ 70 ms at
 *  L = 64) — the run then ends 'Terminated' with the rows so far and `paused`, the state to continue from —
 *  and handing a checkpoint to `onCheckpoint` whenever `checkpointDue()` says so. The same steps as one
 *  runTheta call, bit for bit (the yields do not touch the state). */
export async function runThetaAsync(p: DmftProblem, o: ThetaOpts & { checkpointDue?: () => boolean }, yieldMs = 20): Promise<ThetaRaw> {
  const t0 = performance.now();
  const g = thetaMarch(p, o);
  let last = performance.now();
  let r = g.next();
  while (!r.done) {
    let cmd: ThetaCommand;
    if (performance.now() - last >= yieldMs) {
      await stopRequested(o.signal); // the march sees signal.aborted before its next step
      last = performance.now();
    }
    // Asked after every step, not only at the yields: a checkpoint interval shorter than yieldMs (0 in
    // tests: every step) is honoured on a fast machine too. The clock is one Date.now() per step.
    if (o.checkpointDue?.()) cmd = 'checkpoint';
    r = g.next(cmd);
  }
  return { ...r.value, stepMs: performance.now() - t0 };
}
