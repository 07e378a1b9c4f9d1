// ODE integrators for the committee engine (committee.md §8.3, engineering.md §8): explicit Euler, classical RK4
// and adaptive Dormand–Prince 5(4) with FSAL and dense output. Generic over a model code; the whole loop runs
// inside one exported call (engineering.md §4). Kernels never allocate: y, out, work, stats are host-owned.
//
// Model codes (gen/committee_layout.ts): 0 committee (committee_rhs), 1 mean-field (meanfield_rhs), 2 linear test
// dy = A y (params[0] = n, A row-major at params[PAR_HEADER..]); 3 = MODEL_QUADRATIC_TEST (this file):
// dy_i = y_i² (params[0] = n), the blow-up model of the tests (y(t) = y0/(1 − y0 t)).
//
// ---- stats (f64, length ODE_STATS_LEN = 16; fixed-step methods need 16 + nsave) --------------------------
//   [0] h: DOPRI5 step size in/out (0 → automatic initial step, Hairer's hinit heuristic); Euler/RK4: dt used
//   [1] accepted steps (cumulative: the call adds)     [2] rejected steps (cumulative)
//   [3] RHS evaluations (cumulative)                   [4] t reached: time of the returned y
//   [5] 1 if work holds a valid FSAL derivative f(t, y) (k1) and dense-output coefficients of the last step
//   [6] t_old: start time of the last accepted step (the dense interpolant covers [t_old, t])
//   [7] facold: PI-controller memory (set to 1e-4 when stats[5] = 0)
//   [8] rows written by this call (save rows 0..rows-1 of out are valid)
//   [9] last accepted error norm
//   [16 + i] (Euler/RK4 only) actual time of save row i: t0 + m_i·dt, m_i = max(m_prev, round((tsave[i] − t0)/dt))
//
// ---- work (f64, ode_work_f64 entries) -----------------------------------------------------------------------
//   DOPRI5: [k1 | k2 | k3 | k4 | k5 | k6 | k7 | ynew | ystage | r1..r5 dense (5n)] = 14 n, then model workspace.
//           k1 (offset 0) is the FSAL derivative at (t, y); r1..r5 the dense coefficients of the last accepted
//           step; both survive between calls (stats[5] = 1), so the host may call again with the next chunk of
//           the save grid: pass t0 = stats[4] and the same y, work, stats.
//   Euler: [k | ynew], RK4: [k1..k4 | ynew | ystage]; model workspace at offset 14 n in every case.
//
// ---- status ------------------------------------------------------------------------------------------------
//   ODE_OK; ODE_MAX_STEPS (DOPRI5: maxSteps attempted steps in this call); ODE_STEP_TOO_SMALL (DOPRI5: h < hmin);
//   ODE_NON_FINITE (a non-finite stage derivative or new state: y keeps the last good state, t = stats[4], no
//   further rows are written; stats[8] says how many were). On MAX_STEPS / STEP_TOO_SMALL y, stats and work are
//   consistent, so the call can be resumed.
//
// Save semantics: DOPRI5 writes row i = y(tsave[i]) from the continuous extension of the step that covers
// tsave[i] (tsave ascending, ≥ t0; a save time equal to the current t is written from y directly). Steps are
// never truncated at save times, so chunked calls reproduce one long call bit for bit.
// Committee model: Q (leading p×p block of y) is re-symmetrised Q ← (Q + Qᵀ)/2 after every accepted step and in
// every saved row (committee.md §8.4).
import {
  MODEL_COMMITTEE, MODEL_MEANFIELD, MODEL_LINEAR_TEST, MODEL_QUADRATIC_TEST, PAR_HEADER, PAR_P,
  ODE_OK, ODE_MAX_STEPS, ODE_STEP_TOO_SMALL, ODE_NON_FINITE, ODE_STATS_LEN,
  ST_H, ST_ACC, ST_REJ, ST_NFEV, ST_T, ST_FSAL, ST_TOLD, ST_FACOLD, ST_ROWS, ST_ERR, odeWorkF64,
} from "./gen/committee_layout";
import {
  C2, C3, C4, C5, A21, A31, A32, A41, A42, A43, A51, A52, A53, A54, A61, A62, A63, A64, A65,
  A71, A73, A74, A75, A76, E1, E3, E4, E5, E6, E7, D1, D3, D4, D5, D6, D7, SAFE, FAC_MIN, FAC_MAX, BETA,
} from "./gen/dopri5";
import { meanfield_rhs } from "./meanfield";
import { committee_rhs } from "./committee";

@inline function ld(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }
@inline function st(p: usize, i: i32, v: f64): void { store<f64>(p + (<usize>i << 3), v); }
@inline function bad(x: f64): bool { return x - x != 0.0; }

function linear_rhs(params: usize, y: usize, dy: usize): void {
  const n = <i32>ld(params, 0);
  const A = params + (<usize>PAR_HEADER << 3);
  for (let i = 0; i < n; i++) {
    const row = A + (<usize>(i * n) << 3);
    let s0 = 0.0, s1 = 0.0;
    let j = 0;
    for (; j + 1 < n; j += 2) {
      s0 += ld(row, j) * ld(y, j);
      s1 += ld(row, j + 1) * ld(y, j + 1);
    }
    if (j < n) s0 += ld(row, j) * ld(y, j);
    st(dy, i, s0 + s1);
  }
}

function quadratic_test_rhs(params: usize, y: usize, dy: usize): void {
  const n = <i32>ld(params, 0);
  for (let i = 0; i < n; i++) {
    const v = ld(y, i);
    st(dy, i, v * v);
  }
}

/** Model dispatch (unknown model codes give a NaN derivative → ODE_NON_FINITE). */
function rhs(model: i32, params: usize, y: usize, dy: usize, work: usize): void {
  switch (model) {
    case MODEL_COMMITTEE: committee_rhs(params, y, dy, work); break;
    case MODEL_MEANFIELD: meanfield_rhs(params, y, dy, work); break;
    case MODEL_LINEAR_TEST: linear_rhs(params, y, dy); break;
    case MODEL_QUADRATIC_TEST: quadratic_test_rhs(params, y, dy); break;
    default: {
      store<f64>(dy, NaN);
    }
  }
}

/** Post-step structure fix: committee Q ← (Q + Qᵀ)/2. */
function post(model: i32, params: usize, y: usize): void {
  if (model != MODEL_COMMITTEE) return;
  const p = <i32>ld(params, PAR_P);
  for (let i = 0; i < p; i++)
    for (let j = i + 1; j < p; j++) {
      const a = y + (<usize>(i * p + j) << 3), b = y + (<usize>(j * p + i) << 3);
      const m = 0.5 * (load<f64>(a) + load<f64>(b));
      store<f64>(a, m);
      store<f64>(b, m);
    }
}

/** Workspace (f64 entries) for every integrator on this model: 14 n + the model's own workspace.
 *  n = state length; p, k as in the layout (used by the model workspace). */
export function ode_work_f64(model: i32, n: i32, p: i32, k: i32): i32 {
  return odeWorkF64(model, n, p, k);
}

@inline function modelWork(work: usize, n: i32): usize { return work + (<usize>(14 * n) << 3); }

function copyRow(src: usize, dst: usize, n: i32): void {
  memory.copy(dst, src, <usize>n << 3);
}

// ------------------------------------------------------------------------------------------------ fixed step

function fixed_step(method: i32, model: i32, params: usize, y: usize, n: i32, dt: f64, work: usize,
                    stats: usize): bool {
  const mw = modelWork(work, n);
  const ynew = work + (<usize>(4 * n) << 3);
  if (method == 0) {
    const k = work;
    rhs(model, params, y, k, mw);
    st(stats, ST_NFEV, ld(stats, ST_NFEV) + 1.0);
    for (let i = 0; i < n; i++) {
      const v = ld(y, i) + dt * ld(k, i);
      if (bad(v)) return false;
      st(ynew, i, v);
    }
  } else {
    const k1 = work, k2 = work + (<usize>n << 3), k3 = work + (<usize>(2 * n) << 3), k4 = work + (<usize>(3 * n) << 3);
    const ys = work + (<usize>(5 * n) << 3);
    const h2 = 0.5 * dt;
    rhs(model, params, y, k1, mw);
    for (let i = 0; i < n; i++) st(ys, i, ld(y, i) + h2 * ld(k1, i));
    rhs(model, params, ys, k2, mw);
    for (let i = 0; i < n; i++) st(ys, i, ld(y, i) + h2 * ld(k2, i));
    rhs(model, params, ys, k3, mw);
    for (let i = 0; i < n; i++) st(ys, i, ld(y, i) + dt * ld(k3, i));
    rhs(model, params, ys, k4, mw);
    st(stats, ST_NFEV, ld(stats, ST_NFEV) + 4.0);
    const h6 = dt / 6.0;
    for (let i = 0; i < n; i++) {
      const v = ld(y, i) + h6 * (ld(k1, i) + 2.0 * (ld(k2, i) + ld(k3, i)) + ld(k4, i));
      if (bad(v)) return false;
      st(ynew, i, v);
    }
  }
  copyRow(ynew, y, n);
  post(model, params, y);
  return true;
}

function fixed_driver(method: i32, model: i32, params: usize, y: usize, n: i32, t0: f64, dt: f64, tsave: usize,
                      nsave: i32, out: usize, work: usize, stats: usize): i32 {
  st(stats, ST_H, dt);
  st(stats, ST_ROWS, 0.0);
  st(stats, ST_FSAL, 0.0);
  let m: i64 = 0;
  for (let s = 0; s < nsave; s++) {
    let target = <i64>Math.round((ld(tsave, s) - t0) / dt);
    if (target < m) target = m;
    while (m < target) {
      if (!fixed_step(method, model, params, y, n, dt, work, stats)) {
        st(stats, ST_T, t0 + <f64>m * dt);
        return ODE_NON_FINITE;
      }
      m++;
      st(stats, ST_ACC, ld(stats, ST_ACC) + 1.0);
    }
    copyRow(y, out + (<usize>s * <usize>n << 3), n);
    st(stats, ODE_STATS_LEN + s, t0 + <f64>m * dt);
    st(stats, ST_ROWS, <f64>(s + 1));
  }
  st(stats, ST_T, t0 + <f64>m * dt);
  return ODE_OK;
}

/** Explicit Euler, fixed dt. Row i of out (nsave × n) = state after m_i = max(m_{i−1}, round((tsave[i] − t0)/dt))
 *  steps; its actual time t0 + m_i·dt goes to stats[16 + i]. Returns ODE_OK or ODE_NON_FINITE. */
export function ode_euler(model: i32, params: usize, y: usize, n: i32, t0: f64, dt: f64, tsave: usize, nsave: i32,
                          out: usize, work: usize, stats: usize): i32 {
  return fixed_driver(0, model, params, y, n, t0, dt, tsave, nsave, out, work, stats);
}

/** Classical 4th-order Runge–Kutta, fixed dt; same contract as ode_euler. */
export function ode_rk4(model: i32, params: usize, y: usize, n: i32, t0: f64, dt: f64, tsave: usize, nsave: i32,
                        out: usize, work: usize, stats: usize): i32 {
  return fixed_driver(1, model, params, y, n, t0, dt, tsave, nsave, out, work, stats);
}

// ------------------------------------------------------------------------------------------------ DOPRI5

// Tableau, error weights, dense-output weights and controller constants: assembly/gen/dopri5.ts (codegen/contract.mjs).

/** Dense output row: y(t_old + θh) = r1 + θ(r2 + (1−θ)(r3 + θ(r4 + (1−θ) r5))). */
function dense_row(work: usize, n: i32, theta: f64, dst: usize): void {
  const r = work + (<usize>(9 * n) << 3);
  const nb = <usize>n << 3;
  const t1 = 1.0 - theta;
  for (let i = 0; i < n; i++) {
    const o = r + (<usize>i << 3);
    const v = load<f64>(o) + theta * (load<f64>(o + nb) + t1 * (load<f64>(o + 2 * nb) + theta * (load<f64>(o + 3 * nb)
      + t1 * load<f64>(o + 4 * nb))));
    st(dst, i, v);
  }
}

/** Hairer's initial step heuristic (order 5). Uses k2 as scratch; k1 must hold f(t0, y). */
function hinit(model: i32, params: usize, y: usize, n: i32, rtol: f64, atol: f64, hmax: f64, work: usize,
               stats: usize): f64 {
  const k1 = work, k2 = work + (<usize>n << 3), ys = work + (<usize>(8 * n) << 3);
  let dnf = 0.0, dny = 0.0;
  for (let i = 0; i < n; i++) {
    const sk = atol + rtol * Math.abs(ld(y, i));
    const a = ld(k1, i) / sk, b = ld(y, i) / sk;
    dnf += a * a;
    dny += b * b;
  }
  let h = (dnf <= 1e-10 || dny <= 1e-10) ? 1e-6 : Math.sqrt(dny / dnf) * 0.01;
  if (h > hmax) h = hmax;
  for (let i = 0; i < n; i++) st(ys, i, ld(y, i) + h * ld(k1, i));
  rhs(model, params, ys, k2, modelWork(work, n));
  st(stats, ST_NFEV, ld(stats, ST_NFEV) + 1.0);
  let der2 = 0.0;
  for (let i = 0; i < n; i++) {
    const sk = atol + rtol * Math.abs(ld(y, i));
    const a = (ld(k2, i) - ld(k1, i)) / sk;
    der2 += a * a;
  }
  der2 = Math.sqrt(der2 / <f64>n) / h;
  const der12 = Math.max(Math.abs(der2), Math.sqrt(dnf / <f64>n));
  const h1 = der12 <= 1e-15 ? Math.max(1e-6, Math.abs(h) * 1e-3) : Math.pow(0.01 / der12, 0.2);
  h = Math.min(100.0 * Math.abs(h), h1);
  if (h > hmax) h = hmax;
  if (!(h > 0.0) || bad(h)) h = 1e-6;
  return h;
}

/** Adaptive Dormand–Prince 5(4), FSAL, PI step control (Hairer: β = 0.04, safety 0.9, factor in [0.2, 10]),
 *  error norm sqrt(mean((err_i/(atol + rtol·max(|y_i|, |ynew_i|)))²)), dense output at every tsave. hmax ≤ 0 →
 *  no cap; maxSteps counts attempted steps in this call. See the header for stats/work layout and statuses. */
export function ode_dopri5(model: i32, params: usize, y: usize, n: i32, t0: f64, tsave: usize, nsave: i32, out: usize,
                           rtol: f64, atol: f64, hmax: f64, hmin: f64, maxSteps: i32, work: usize, stats: usize): i32 {
  const nb = <usize>n << 3;
  const k1 = work, k2 = work + nb, k3 = work + 2 * nb, k4 = work + 3 * nb, k5 = work + 4 * nb, k6 = work + 5 * nb;
  const k7 = work + 6 * nb, ynew = work + 7 * nb, ys = work + 8 * nb;
  const r1 = work + 9 * nb, r2 = r1 + nb, r3 = r2 + nb, r4 = r3 + nb, r5 = r4 + nb;
  const mw = modelWork(work, n);
  if (!(hmax > 0.0)) hmax = Infinity;
  st(stats, ST_ROWS, 0.0);
  let t = t0;
  st(stats, ST_T, t);
  let valid = ld(stats, ST_FSAL) == 1.0;
  let s = 0;
  // rows already covered by the previous call's last step (resume) or equal to t0
  while (s < nsave) {
    const ts = ld(tsave, s);
    const row = out + <usize>s * nb;
    if (ts == t) { copyRow(y, row, n); post(model, params, row); }
    else if (valid && ts < t) {
      const told = ld(stats, ST_TOLD);
      dense_row(work, n, (ts - told) / (t - told), row);
      post(model, params, row);
    } else break;
    s++;
    st(stats, ST_ROWS, <f64>s);
  }
  if (s >= nsave) return ODE_OK;
  if (!valid) {
    rhs(model, params, y, k1, mw);
    st(stats, ST_NFEV, ld(stats, ST_NFEV) + 1.0);
    for (let i = 0; i < n; i++) if (bad(ld(k1, i)) || bad(ld(y, i))) return ODE_NON_FINITE;
    st(stats, ST_FACOLD, 1e-4);
  }
  let h = ld(stats, ST_H);
  if (!(h > 0.0)) h = hinit(model, params, y, n, rtol, atol, hmax, work, stats);
  if (h > hmax) h = hmax;
  let facold = ld(stats, ST_FACOLD);
  let lastRejected = false;
  let steps = 0;
  const expo1 = 0.2 - BETA * 0.75;
  while (s < nsave) {
    if (steps >= maxSteps) { st(stats, ST_H, h); st(stats, ST_FACOLD, facold); return ODE_MAX_STEPS; }
    if (h < hmin) { st(stats, ST_H, h); st(stats, ST_FACOLD, facold); return ODE_STEP_TOO_SMALL; }
    steps++;
    // stages
    for (let i = 0; i < n; i++) st(ys, i, ld(y, i) + h * A21 * ld(k1, i));
    rhs(model, params, ys, k2, mw);
    for (let i = 0; i < n; i++) st(ys, i, ld(y, i) + h * (A31 * ld(k1, i) + A32 * ld(k2, i)));
    rhs(model, params, ys, k3, mw);
    for (let i = 0; i < n; i++) st(ys, i, ld(y, i) + h * (A41 * ld(k1, i) + A42 * ld(k2, i) + A43 * ld(k3, i)));
    rhs(model, params, ys, k4, mw);
    for (let i = 0; i < n; i++)
      st(ys, i, ld(y, i) + h * (A51 * ld(k1, i) + A52 * ld(k2, i) + A53 * ld(k3, i) + A54 * ld(k4, i)));
    rhs(model, params, ys, k5, mw);
    for (let i = 0; i < n; i++)
      st(ys, i, ld(y, i) + h * (A61 * ld(k1, i) + A62 * ld(k2, i) + A63 * ld(k3, i) + A64 * ld(k4, i) + A65 * ld(k5, i)));
    rhs(model, params, ys, k6, mw);
    for (let i = 0; i < n; i++)
      st(ynew, i, ld(y, i) + h * (A71 * ld(k1, i) + A73 * ld(k3, i) + A74 * ld(k4, i) + A75 * ld(k5, i) + A76 * ld(k6, i)));
    rhs(model, params, ynew, k7, mw);
    st(stats, ST_NFEV, ld(stats, ST_NFEV) + 6.0);
    // error norm + finiteness
    let err = 0.0;
    let nonFinite = false;
    for (let i = 0; i < n; i++) {
      const yi = ld(y, i), yn = ld(ynew, i);
      const e = h * (E1 * ld(k1, i) + E3 * ld(k3, i) + E4 * ld(k4, i) + E5 * ld(k5, i) + E6 * ld(k6, i) + E7 * ld(k7, i));
      if (bad(yn) || bad(e) || bad(ld(k7, i))) nonFinite = true;
      const sk = atol + rtol * Math.max(Math.abs(yi), Math.abs(yn));
      const q = e / sk;
      err += q * q;
    }
    if (nonFinite) {
      st(stats, ST_H, h);
      st(stats, ST_FSAL, 0.0);
      return ODE_NON_FINITE;
    }
    err = Math.sqrt(err / <f64>n);
    const fac11 = Math.pow(err, expo1);
    if (err <= 1.0) {
      // accept
      let fac = fac11 / Math.pow(facold, BETA);
      fac = Math.max(1.0 / FAC_MAX, Math.min(1.0 / FAC_MIN, fac / SAFE));
      let hnew = h / fac;
      if (hnew > hmax) hnew = hmax;
      if (lastRejected && hnew > h) hnew = h;
      facold = Math.max(err, 1e-4);
      for (let i = 0; i < n; i++) {
        const yi = ld(y, i), yn = ld(ynew, i);
        const ydiff = yn - yi, bspl = h * ld(k1, i) - ydiff;
        st(r1, i, yi);
        st(r2, i, ydiff);
        st(r3, i, bspl);
        st(r4, i, ydiff - h * ld(k7, i) - bspl);
        st(r5, i, h * (D1 * ld(k1, i) + D3 * ld(k3, i) + D4 * ld(k4, i) + D5 * ld(k5, i) + D6 * ld(k6, i) + D7 * ld(k7, i)));
      }
      copyRow(k7, k1, n);
      copyRow(ynew, y, n);
      post(model, params, y);
      const told = t;
      t = t + h;
      st(stats, ST_ACC, ld(stats, ST_ACC) + 1.0);
      st(stats, ST_T, t);
      st(stats, ST_TOLD, told);
      st(stats, ST_FSAL, 1.0);
      st(stats, ST_ERR, err);
      while (s < nsave && ld(tsave, s) <= t) {
        const row = out + <usize>s * nb;
        const ts = ld(tsave, s);
        if (ts == t) copyRow(y, row, n);
        else dense_row(work, n, (ts - told) / h, row);
        post(model, params, row);
        s++;
        st(stats, ST_ROWS, <f64>s);
      }
      h = hnew;
      lastRejected = false;
    } else {
      h = h / Math.min(1.0 / FAC_MIN, fac11 / SAFE);
      lastRejected = true;
      st(stats, ST_REJ, ld(stats, ST_REJ) + 1.0);
    }
  }
  st(stats, ST_H, h);
  st(stats, ST_FACOLD, facold);
  return ODE_OK;
}
