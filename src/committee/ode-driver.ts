// Host driver of the committee / mean-field ODEs: one Wasm integrator call per chunk of the save
// grid (progress, PSD checks, resumable DOPRI5 state), risk of every saved state by the same closed
// form the SGD uses (committee.md §3.3), statuses instead of NaN curves.
import type { WasmRuntime } from '../wasm/runtime.js';
import { minEigenvalue } from '../numerics/symeig.js';
import { MODEL, ODE_STATS_LEN, ODE_STATUS } from './layout.js';
import { stopRequested, TERMINATED_MESSAGE, type Status } from '../core/contract.js';
import { dopri5, euler, newStats, rk4, symmetriseQ, type Rhs } from '../numerics/ode.js';

/** The contract's Status: 'Terminated' when opts.signal fires between chunks of the save grid. */
export type OdeStatus = Status;

export interface OdeOptions {
  method: 'dopri5' | 'rk4' | 'euler';
  dt: number;
  rtol: number;
  atol: number;
  maxSteps: number;
  /** DOPRI5 step cap (default: horizon/50, as the thesis' reference runs). */
  hmax?: number;
  onProgress?: (fraction: number) => void;
  /** Checked between chunks of the save grid (integrateOverlaps): the rows saved so far are kept. */
  signal?: AbortSignal;
}

export interface OdeResult {
  status: OdeStatus;
  message?: string;
  /** Times of the saved rows (Euler/RK4: the actual step times nearest the grid). */
  t: Float64Array;
  /** Saved states, rows × n (only `rows` are valid). */
  states: Float64Array;
  risk: Float64Array;
  rows: number;
  stats: { accepted: number; rejected: number; rhsEvals: number; lastStep: number };
}

const CHUNK = 16;

/** Smallest eigenvalue of the leading p×p block (Q) of a state row. */
export function minEigenQ(row: Float64Array, p: number): number {
  const Q = row.slice(0, p * p);
  return minEigenvalue(Q, p);
}

const PSD_TOL = 1e-8;

/** Why a saved row cannot be accepted (non-finite, or Q no longer PSD beyond tolerance), or null. */
function rowProblem(row: Float64Array, p: number, checkQ: boolean, t: number): { status: OdeStatus; message: string } | null {
  for (let j = 0; j < row.length; j++) if (!Number.isFinite(row[j])) return { status: 'Unstable', message: `non-finite state near t = ${t.toPrecision(4)}` };
  if (!checkQ) return null;
  const lmin = minEigenQ(row, p);
  let scale = 1;
  for (let j = 0; j < p; j++) scale = Math.max(scale, Math.abs(row[j * p + j]));
  if (lmin < -PSD_TOL * scale)
    return { status: 'Unstable', message: `Q lost positive semi-definiteness at t = ${t.toPrecision(4)} (min eigenvalue ${lmin.toExponential(3)})` };
  return null;
}

const FAIL: Record<number, (t: number, opts: OdeOptions, hmin: number) => { status: OdeStatus; message: string }> = {
  [ODE_STATUS.nonFinite]: (t) => ({ status: 'Unstable', message: `non-finite state or derivative near t = ${t.toPrecision(4)}` }),
  [ODE_STATUS.stepTooSmall]: (t, _o, hmin) => ({ status: 'Unstable', message: `step size fell below ${hmin.toExponential(2)} at t = ${t.toPrecision(4)}` }),
  [ODE_STATUS.maxSteps]: (t, o) => ({ status: 'NotConverged', message: `maxSteps = ${o.maxSteps} reached at t = ${t.toPrecision(4)}` }),
};

export async function integrateOverlaps(
  rt: WasmRuntime,
  model: (typeof MODEL)['committee'] | (typeof MODEL)['meanfield'],
  params: Float64Array,
  y0: Float64Array,
  tsave: Float64Array,
  opts: OdeOptions,
): Promise<OdeResult> {
  const E = rt.exports;
  const a = rt.arena;
  const p = params[0];
  const k = params[1];
  const n = y0.length;
  const nsave = tsave.length;
  const mark = a.mark();
  try {
    const parP = a.copyIn(params);
    const y = a.copyIn(y0);
    const ts = a.copyIn(tsave);
    const out = a.allocF64(nsave * n);
    const work = a.allocF64(E.ode_work_f64(model, n, p, k) + 64);
    const stats = a.allocF64(ODE_STATS_LEN + nsave);
    const riskWork = a.allocF64((model === MODEL.committee ? E.committee_work_f64(p, k) : E.meanfield_work_f64(p, k)) + 64);
    const riskFn = model === MODEL.committee ? E.committee_risk : E.meanfield_risk;
    a.f64(stats, ODE_STATS_LEN + nsave).fill(0);
    const times = new Float64Array(nsave);
    const risk = new Float64Array(nsave);
    const hmax = opts.hmax ?? tsave[nsave - 1] / 50;
    const hmin = 1e-14 * Math.max(1, tsave[nsave - 1]);
    let rows = 0;
    let status: OdeStatus = 'Success';
    let message: string | undefined;
    let t0 = 0;
    while (rows < nsave) {
      // Between chunks (≤ 16 saves each) the signal is seen: a stop keeps the rows saved so far.
      if (await stopRequested(opts.signal)) {
        status = 'Terminated';
        message = `${TERMINATED_MESSAGE} (${rows} of ${nsave} saves)`;
        break;
      }
      const cnt = Math.min(CHUNK, nsave - rows);
      let code: number;
      if (opts.method === 'dopri5') {
        const used = a.f64(stats, 4);
        const budget = opts.maxSteps - (used[1] + used[2]);
        code = E.ode_dopri5(
          model,
          parP,
          y,
          n,
          t0,
          ts + rows * 8,
          cnt,
          out + rows * n * 8,
          opts.rtol,
          opts.atol,
          hmax,
          hmin,
          Math.max(1, Math.min(2 ** 31 - 1, budget)),
          work,
          stats,
        );
      } else {
        // Fixed steps: the row times are t0 + m·dt; a chunk restarts from the last saved state and time.
        const fn = opts.method === 'euler' ? E.ode_euler : E.ode_rk4;
        code = fn(model, parP, y, n, t0, opts.dt, ts + rows * 8, cnt, out + rows * n * 8, work, stats);
      }
      const st = a.f64(stats, ODE_STATS_LEN + cnt);
      const got = st[8];
      const base = rows;
      for (let i = 0; i < got && status === 'Success'; i++) {
        const r = base + i;
        times[r] = opts.method === 'dopri5' ? tsave[r] : st[ODE_STATS_LEN + i];
        const bad = rowProblem(a.f64(out + r * n * 8, n), p, model === MODEL.committee, times[r]);
        if (bad) ({ status, message } = bad);
        else {
          risk[r] = riskFn(parP, out + r * n * 8, riskWork);
          rows = r + 1;
        }
      }
      if (status !== 'Success') break;
      t0 = st[4];
      if (code !== ODE_STATUS.ok) {
        ({ status, message } = FAIL[code](st[4], opts, hmin));
        break;
      }
      opts.onProgress?.(rows / nsave);
    }
    const st = a.f64(stats, 4);
    return {
      status,
      message,
      t: times.slice(0, rows),
      states: a.copyOut(out, rows * n),
      risk: risk.slice(0, rows),
      rows,
      stats: { accepted: st[1], rejected: st[2], rhsEvals: st[3], lastStep: st[0] },
    };
  } finally {
    a.reset(mark);
  }
}

/** The same contract with a TS right-hand side and risk (general activations given as functions,
 *  committee.md §3.2 by Gauss–Hermite quadrature): the TS twins of the integrators, one call. */
export function integrateWith(f: Rhs, riskOf: (y: Float64Array) => number, p: number, y0: Float64Array, tsave: Float64Array, opts: OdeOptions): OdeResult {
  const n = y0.length;
  const nsave = tsave.length;
  const y = y0.slice();
  const out = new Float64Array(nsave * n);
  const stats = newStats(nsave);
  const hmax = opts.hmax ?? tsave[nsave - 1] / 50;
  const hmin = 1e-14 * Math.max(1, tsave[nsave - 1]);
  const post = symmetriseQ(p);
  const code =
    opts.method === 'dopri5'
      ? dopri5(f, y, 0, tsave, out, { rtol: opts.rtol, atol: opts.atol, hmax, hmin, maxSteps: opts.maxSteps, post }, undefined, stats)
      : (opts.method === 'euler' ? euler : rk4)(f, y, 0, opts.dt, tsave, out, undefined, stats, post);
  const dstats = opts.method === 'dopri5' ? undefined : stats;
  const got = stats[8];
  const times = new Float64Array(nsave);
  const risk = new Float64Array(nsave);
  let status: OdeStatus = 'Success';
  let message: string | undefined;
  let rows = 0;
  for (let r = 0; r < got && status === 'Success'; r++) {
    times[r] = dstats ? dstats[ODE_STATS_LEN + r] : tsave[r];
    const row = out.subarray(r * n, (r + 1) * n);
    const bad = rowProblem(row, p, true, times[r]);
    if (bad) ({ status, message } = bad);
    else {
      risk[r] = riskOf(row);
      rows = r + 1;
    }
  }
  if (status === 'Success' && code !== ODE_STATUS.ok) ({ status, message } = FAIL[code](times[Math.max(0, rows - 1)], opts, hmin));
  opts.onProgress?.(1);
  return {
    status,
    message,
    t: times.slice(0, rows),
    states: out.slice(0, rows * n),
    risk: risk.slice(0, rows),
    rows,
    stats: { accepted: stats[1], rejected: stats[2], rhsEvals: stats[3], lastStep: stats[0] },
  };
}
