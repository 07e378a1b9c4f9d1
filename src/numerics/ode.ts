// ODE integrators in plain TS: explicit Euler, RK4, Dormand–Prince 5(4) (FSAL, PI control, dense output) over a JS
// right-hand side, with the same stats/work layout and status codes as the Wasm kernels (see the header of
// assembly/ode.ts). Host numerics: the committee engine integrates user-supplied (TS function) activations with
// them; they are also the twins of the Wasm integrators (src/ref/ode.ts wraps them behind the raw exports), doing
// the arithmetic in the same order, so Wasm and TS agree to rounding.
//
//   stats (Float64Array, ≥ ODE_STATS_LEN; fixed-step methods ≥ ODE_STATS_LEN + nsave):
//     [0] h  [1] accepted  [2] rejected  [3] RHS evaluations  [4] t reached  [5] FSAL/dense valid
//     [6] t_old  [7] facold  [8] rows written by this call  [9] last error norm  [16 + i] Euler/RK4 row times
//   work (Float64Array, ≥ 14 n): DOPRI5 [k1..k7 | ynew | ystage | r1..r5]; Euler/RK4 use the first 6 n.
// Status: 0 OK, 1 MAX_STEPS, 2 STEP_TOO_SMALL, 3 NON_FINITE. Layout, codes and the tableau: codegen/contract.mjs.
import { ODE_STATS_LEN, ODE_ST as ST, ODE_STATUS } from '../gen/committee_layout.js';
import * as DP from '../gen/dopri5.js';

/** Right-hand side dy = f(t, y); must not keep references to y or dy. */
export type Rhs = (t: number, y: Float64Array, dy: Float64Array) => void;
/** Optional structure fix applied to the state after each accepted step and to every saved row. */
export type Post = (y: Float64Array) => void;

export { ODE_STATS_LEN, ST };
const { ok: OK, maxSteps: MAX_STEPS, stepTooSmall: STEP_TOO_SMALL, nonFinite: NON_FINITE } = ODE_STATUS;

const bad = (x: number) => x - x !== 0;

/** Fresh stats block (length 16 + extra). */
export function newStats(extra = 0): Float64Array {
  return new Float64Array(ODE_STATS_LEN + extra);
}
export function odeWork(n: number): Float64Array {
  return new Float64Array(14 * n);
}

/** Committee-state symmetriser Q ← (Q + Qᵀ)/2 on the leading p×p block. */
export function symmetriseQ(p: number): Post {
  return (y) => {
    for (let i = 0; i < p; i++)
      for (let j = i + 1; j < p; j++) {
        const m = 0.5 * (y[i * p + j] + y[j * p + i]);
        y[i * p + j] = m;
        y[j * p + i] = m;
      }
  };
}

function fixedStep(method: 0 | 1, f: Rhs, t: number, y: Float64Array, n: number, dt: number, work: Float64Array, stats: Float64Array, post?: Post): boolean {
  const ynew = work.subarray(4 * n, 5 * n);
  if (method === 0) {
    const k = work.subarray(0, n);
    f(t, y, k);
    stats[ST.nfev] += 1;
    for (let i = 0; i < n; i++) {
      const v = y[i] + dt * k[i];
      if (bad(v)) return false;
      ynew[i] = v;
    }
  } else {
    const k1 = work.subarray(0, n),
      k2 = work.subarray(n, 2 * n),
      k3 = work.subarray(2 * n, 3 * n);
    const k4 = work.subarray(3 * n, 4 * n),
      ys = work.subarray(5 * n, 6 * n);
    const h2 = 0.5 * dt;
    f(t, y, k1);
    for (let i = 0; i < n; i++) ys[i] = y[i] + h2 * k1[i];
    f(t + h2, ys, k2);
    for (let i = 0; i < n; i++) ys[i] = y[i] + h2 * k2[i];
    f(t + h2, ys, k3);
    for (let i = 0; i < n; i++) ys[i] = y[i] + dt * k3[i];
    f(t + dt, ys, k4);
    stats[ST.nfev] += 4;
    const h6 = dt / 6;
    for (let i = 0; i < n; i++) {
      const v = y[i] + h6 * (k1[i] + 2 * (k2[i] + k3[i]) + k4[i]);
      if (bad(v)) return false;
      ynew[i] = v;
    }
  }
  y.set(ynew);
  post?.(y);
  return true;
}

export function fixedDriver(
  method: 0 | 1,
  f: Rhs,
  y: Float64Array,
  t0: number,
  dt: number,
  tsave: ArrayLike<number>,
  out: Float64Array,
  work: Float64Array,
  stats: Float64Array,
  post?: Post,
): number {
  const n = y.length,
    nsave = tsave.length;
  stats[ST.h] = dt;
  stats[ST.rows] = 0;
  stats[ST.fsal] = 0;
  let m = 0;
  for (let s = 0; s < nsave; s++) {
    let target = Math.round((tsave[s] - t0) / dt);
    if (target < m) target = m;
    while (m < target) {
      if (!fixedStep(method, f, t0 + m * dt, y, n, dt, work, stats, post)) {
        stats[ST.t] = t0 + m * dt;
        return NON_FINITE;
      }
      m++;
      stats[ST.accepted] += 1;
    }
    out.set(y, s * n);
    stats[ODE_STATS_LEN + s] = t0 + m * dt;
    stats[ST.rows] = s + 1;
  }
  stats[ST.t] = t0 + m * dt;
  return OK;
}

/** Explicit Euler (twin of ode_euler). Row i of out = state after round((tsave[i] − t0)/dt) steps (monotone);
 *  stats[16 + i] = its actual time. */
export function euler(
  f: Rhs,
  y: Float64Array,
  t0: number,
  dt: number,
  tsave: ArrayLike<number>,
  out: Float64Array,
  work: Float64Array = odeWork(y.length),
  stats: Float64Array = newStats(tsave.length),
  post?: Post,
): number {
  return fixedDriver(0, f, y, t0, dt, tsave, out, work, stats, post);
}

/** Classical RK4 (twin of ode_rk4), same contract as euler. */
export function rk4(
  f: Rhs,
  y: Float64Array,
  t0: number,
  dt: number,
  tsave: ArrayLike<number>,
  out: Float64Array,
  work: Float64Array = odeWork(y.length),
  stats: Float64Array = newStats(tsave.length),
  post?: Post,
): number {
  return fixedDriver(1, f, y, t0, dt, tsave, out, work, stats, post);
}

export interface Dopri5Options {
  rtol?: number;
  atol?: number;
  /** ≤ 0 or undefined: no cap. */
  hmax?: number;
  hmin?: number;
  maxSteps?: number;
  post?: Post;
}

const {
  C2,
  C3,
  C4,
  C5,
  A21,
  A31,
  A32,
  A41,
  A42,
  A43,
  A51,
  A52,
  A53,
  A54,
  A61,
  A62,
  A63,
  A64,
  A65,
  A71,
  A73,
  A74,
  A75,
  A76,
  E1,
  E3,
  E4,
  E5,
  E6,
  E7,
  D1,
  D3,
  D4,
  D5,
  D6,
  D7,
  SAFE,
  FAC_MIN,
  FAC_MAX,
  BETA,
} = DP;

function denseRow(work: Float64Array, n: number, theta: number, dst: Float64Array, off: number): void {
  const r = 9 * n;
  const t1 = 1 - theta;
  for (let i = 0; i < n; i++) {
    const o = r + i;
    dst[off + i] = work[o] + theta * (work[o + n] + t1 * (work[o + 2 * n] + theta * (work[o + 3 * n] + t1 * work[o + 4 * n])));
  }
}

function hinit(f: Rhs, t: number, y: Float64Array, n: number, rtol: number, atol: number, hmax: number, work: Float64Array, stats: Float64Array): number {
  const k1 = work.subarray(0, n),
    k2 = work.subarray(n, 2 * n),
    ys = work.subarray(8 * n, 9 * n);
  let dnf = 0,
    dny = 0;
  for (let i = 0; i < n; i++) {
    const sk = atol + rtol * Math.abs(y[i]);
    const a = k1[i] / sk,
      b = y[i] / sk;
    dnf += a * a;
    dny += b * b;
  }
  let h = dnf <= 1e-10 || dny <= 1e-10 ? 1e-6 : Math.sqrt(dny / dnf) * 0.01;
  if (h > hmax) h = hmax;
  for (let i = 0; i < n; i++) ys[i] = y[i] + h * k1[i];
  f(t + h, ys, k2);
  stats[ST.nfev] += 1;
  let der2 = 0;
  for (let i = 0; i < n; i++) {
    const sk = atol + rtol * Math.abs(y[i]);
    const a = (k2[i] - k1[i]) / sk;
    der2 += a * a;
  }
  der2 = Math.sqrt(der2 / n) / h;
  const der12 = Math.max(Math.abs(der2), Math.sqrt(dnf / n));
  const h1 = der12 <= 1e-15 ? Math.max(1e-6, Math.abs(h) * 1e-3) : Math.pow(0.01 / der12, 0.2);
  h = Math.min(100 * Math.abs(h), h1);
  if (h > hmax) h = hmax;
  if (!(h > 0) || bad(h)) h = 1e-6;
  return h;
}

/** Dormand–Prince 5(4) (twin of ode_dopri5). Resumable: call again with t0 = stats[4] and the same y/work/stats.
 *  Returns the status code; stats[8] = rows of out written by this call. */
export function dopri5(
  f: Rhs,
  y: Float64Array,
  t0: number,
  tsave: ArrayLike<number>,
  out: Float64Array,
  opts: Dopri5Options = {},
  work: Float64Array = odeWork(y.length),
  stats: Float64Array = newStats(),
): number {
  const n = y.length,
    nsave = tsave.length;
  const rtol = opts.rtol ?? 1e-8,
    atol = opts.atol ?? 1e-10;
  const hmax = opts.hmax && opts.hmax > 0 ? opts.hmax : Infinity;
  const hmin = opts.hmin ?? 0,
    maxSteps = opts.maxSteps ?? 1e8;
  const post = opts.post;
  const k1 = work.subarray(0, n),
    k2 = work.subarray(n, 2 * n),
    k3 = work.subarray(2 * n, 3 * n);
  const k4 = work.subarray(3 * n, 4 * n),
    k5 = work.subarray(4 * n, 5 * n),
    k6 = work.subarray(5 * n, 6 * n);
  const k7 = work.subarray(6 * n, 7 * n),
    ynew = work.subarray(7 * n, 8 * n),
    ys = work.subarray(8 * n, 9 * n);
  const R = 9 * n;
  stats[ST.rows] = 0;
  let t = t0;
  stats[ST.t] = t;
  const valid = stats[ST.fsal] === 1;
  let s = 0;
  const saveRow = (s: number) => post?.(out.subarray(s * n, (s + 1) * n));
  while (s < nsave) {
    const ts = tsave[s];
    if (ts === t) {
      out.set(y, s * n);
      saveRow(s);
    } else if (valid && ts < t) {
      const told = stats[ST.told];
      denseRow(work, n, (ts - told) / (t - told), out, s * n);
      saveRow(s);
    } else break;
    s++;
    stats[ST.rows] = s;
  }
  if (s >= nsave) return OK;
  if (!valid) {
    f(t, y, k1);
    stats[ST.nfev] += 1;
    for (let i = 0; i < n; i++) if (bad(k1[i]) || bad(y[i])) return NON_FINITE;
    stats[ST.facold] = 1e-4;
  }
  let h = stats[ST.h];
  if (!(h > 0)) h = hinit(f, t, y, n, rtol, atol, hmax, work, stats);
  if (h > hmax) h = hmax;
  let facold = stats[ST.facold];
  let lastRejected = false;
  let steps = 0;
  const expo1 = 0.2 - BETA * 0.75;
  while (s < nsave) {
    if (steps >= maxSteps) {
      stats[ST.h] = h;
      stats[ST.facold] = facold;
      return MAX_STEPS;
    }
    if (h < hmin) {
      stats[ST.h] = h;
      stats[ST.facold] = facold;
      return STEP_TOO_SMALL;
    }
    steps++;
    for (let i = 0; i < n; i++) ys[i] = y[i] + h * A21 * k1[i];
    f(t + C2 * h, ys, k2);
    for (let i = 0; i < n; i++) ys[i] = y[i] + h * (A31 * k1[i] + A32 * k2[i]);
    f(t + C3 * h, ys, k3);
    for (let i = 0; i < n; i++) ys[i] = y[i] + h * (A41 * k1[i] + A42 * k2[i] + A43 * k3[i]);
    f(t + C4 * h, ys, k4);
    for (let i = 0; i < n; i++) ys[i] = y[i] + h * (A51 * k1[i] + A52 * k2[i] + A53 * k3[i] + A54 * k4[i]);
    f(t + C5 * h, ys, k5);
    for (let i = 0; i < n; i++) ys[i] = y[i] + h * (A61 * k1[i] + A62 * k2[i] + A63 * k3[i] + A64 * k4[i] + A65 * k5[i]);
    f(t + h, ys, k6);
    for (let i = 0; i < n; i++) ynew[i] = y[i] + h * (A71 * k1[i] + A73 * k3[i] + A74 * k4[i] + A75 * k5[i] + A76 * k6[i]);
    f(t + h, ynew, k7);
    stats[ST.nfev] += 6;
    let err = 0;
    let nonFinite = false;
    for (let i = 0; i < n; i++) {
      const yi = y[i],
        yn = ynew[i];
      const e = h * (E1 * k1[i] + E3 * k3[i] + E4 * k4[i] + E5 * k5[i] + E6 * k6[i] + E7 * k7[i]);
      if (bad(yn) || bad(e) || bad(k7[i])) nonFinite = true;
      const sk = atol + rtol * Math.max(Math.abs(yi), Math.abs(yn));
      const q = e / sk;
      err += q * q;
    }
    if (nonFinite) {
      stats[ST.h] = h;
      stats[ST.fsal] = 0;
      return NON_FINITE;
    }
    err = Math.sqrt(err / n);
    const fac11 = Math.pow(err, expo1);
    if (err <= 1) {
      let fac = fac11 / Math.pow(facold, BETA);
      fac = Math.max(1 / FAC_MAX, Math.min(1 / FAC_MIN, fac / SAFE));
      let hnew = h / fac;
      if (hnew > hmax) hnew = hmax;
      if (lastRejected && hnew > h) hnew = h;
      facold = Math.max(err, 1e-4);
      for (let i = 0; i < n; i++) {
        const yi = y[i],
          yn = ynew[i];
        const ydiff = yn - yi,
          bspl = h * k1[i] - ydiff;
        work[R + i] = yi;
        work[R + n + i] = ydiff;
        work[R + 2 * n + i] = bspl;
        work[R + 3 * n + i] = ydiff - h * k7[i] - bspl;
        work[R + 4 * n + i] = h * (D1 * k1[i] + D3 * k3[i] + D4 * k4[i] + D5 * k5[i] + D6 * k6[i] + D7 * k7[i]);
      }
      k1.set(k7);
      y.set(ynew);
      post?.(y);
      const told = t;
      t = t + h;
      stats[ST.accepted] += 1;
      stats[ST.t] = t;
      stats[ST.told] = told;
      stats[ST.fsal] = 1;
      stats[ST.err] = err;
      while (s < nsave && tsave[s] <= t) {
        const ts = tsave[s];
        if (ts === t) out.set(y, s * n);
        else denseRow(work, n, (ts - told) / h, out, s * n);
        saveRow(s);
        s++;
        stats[ST.rows] = s;
      }
      h = hnew;
      lastRejected = false;
    } else {
      h = h / Math.min(1 / FAC_MIN, fac11 / SAFE);
      lastRejected = true;
      stats[ST.rejected] += 1;
    }
  }
  stats[ST.h] = h;
  stats[ST.facold] = facold;
  return OK;
}

/** TS twins of the test models of assembly/ode.ts: linear dy = A y (A row-major n×n), quadratic dy_i = y_i². */
export function linearRhs(A: ArrayLike<number>, n: number): Rhs {
  return (_t, y, dy) => {
    for (let i = 0; i < n; i++) {
      let s0 = 0,
        s1 = 0,
        j = 0;
      for (; j + 1 < n; j += 2) {
        s0 += A[i * n + j] * y[j];
        s1 += A[i * n + j + 1] * y[j + 1];
      }
      if (j < n) s0 += A[i * n + j] * y[j];
      dy[i] = s0 + s1;
    }
  };
}
export const quadraticTestRhs: Rhs = (_t, y, dy) => {
  for (let i = 0; i < y.length; i++) dy[i] = y[i] * y[i];
};
