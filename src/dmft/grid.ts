// Adaptive non-uniform time grid for the SymmDMFT (issue 11; dmft-grid.md §4 error control, §5 validation).
// The scheme is the reference discretisation of dmft.md §6 on a non-uniform grid (src/ref/dmft_grid.ts):
// first order, full two-time history on the grid (O(N²) memory, O(N³) work in the N adaptive steps, as
// KadanoffBaym.jl's variable-step scheme; the θ = t′/t grid of dmft-grid.md §2–§3 is not implemented).
//
// Step control [D]: the local error of the Euler step per unit time is (Δ_n/2)|ẍ|, with ẍ from the divided
// difference of the effective derivatives (x_{n+1} − x_n)/Δ_n of two successive accepted steps, for a, v,
// C_o(t,t) and the two-time entries C_x(t_n, t_l), R_x(t_n, t_l) outside the diagonal layer (errorNorm). Requiring it
// ≤ atol + rtol·|x| (error per unit step) makes the global error ∝ rtol (first order in rtol). Accept if
// err ≤ 1; Δ ← Δ·clip(0.9/err, 0.5, 1.25) (smooth grids: the Richardson estimate below needs the error
// expansion of a smoothly varying step); rejection Δ ← Δ·max(0.2, 0.9/err). Row n is independent of
// Δ_n, so a rejection costs only the O(n) update.
//
// A posteriori error estimate: the same scheme replayed on the coarse grid {t_0, t_2, t_4, …} (every other
// node; 1/8 of the cost) gives x_G − x_{G/2} ≈ −(error of x_G) at the even nodes (first order), and the
// extrapolation 2x_G − x_{G/2} (second order) — the non-uniform analogue of secondOrder (dmft.md §10.3
// option 3). stats.errorEstimate holds max |x_G − x_{G/2}| per observable.
//
// Stepping, stops and checkpoints (issue 11 item 4): the march is a generator that yields between rows;
// marchGrid/runAdaptive drive it synchronously, runAdaptiveAsync yields to the event loop every ~20 ms
// so an AbortSignal fired by SIGINT is seen at the next row ('Terminated' with the rows so far and a
// checkpoint, src/dmft/checkpoint.ts) and periodic checkpoints can be taken between rows.
import { DMFT_GRID_PAR, DMFT_GRID_PAR_LEN } from '../gen/dmft_layout.js';
import { gridInit, tri, type GridParams, type GridState } from '../numerics/dmft-grid.js';
import { phiCoeffs, series, type DmftProblem } from './problem.js';
import { tsRuntime, type WasmRuntime } from '../wasm/runtime.js';
import type { InvariantReport, SymmRowEvent } from './symm.js';
import { checkCheckpoint, DMFT_CHECKPOINT_KIND, DMFT_CHECKPOINT_VERSION, type DmftCheckpoint } from './checkpoint.js';
import { stopRequested } from '../core/contract.js';
import { ParameterError } from '../core/validate.js';

export interface AdaptiveControl {
  rtol: number;
  atol: number;
  /** Initial step (default 1e-3/λ_S(0), the centre-of-mass time of dmft-grid.md §1) and step cap. */
  dt0?: number;
  dtMax?: number;
  /** 'smooth' (default): a, v, C_o(t,t) and the two-time entries outside the boundary layer
   *  t − t′ < 3/λ_max at the diagonal; 'all': every two-time entry (far stricter: inside the layer the
   *  entries relax at the fast local rate, ẍ ~ λ², which pins Δ near 1/λ even where nothing else moves);
   *  'scalars': a, v, C_o(t,t) only (too lax: measured, the semi-implicit steps grow to Δλ ≫ 1 and the
   *  two-time fields degrade until e_tr < 0, m = 16, t ≈ 50). */
  errorNorm?: 'all' | 'scalars' | 'smooth';
  maxSteps?: number;
  /** Step cap Δ ≤ stabFactor/λ_max (default 0.45 explicit, 1 semi-implicit; halved by runAdaptive when the
   *  coarse replay goes unstable, e.g. when the memory, not the local term, sets the fastest rate). */
  stabFactor?: number;
}

export interface StepStats {
  steps: number;
  rejections: number;
  /** Grid rows (steps + 1). */
  gridSize: number;
  dtFirst: number;
  dtMin: number;
  dtMaxUsed: number;
  /** Accepted steps (t at the start of the step, Δ), thinned to ≤ 400 entries. */
  history: { t: number[]; dt: number[]; err: number[] };
}

export interface GridRaw {
  status: 'Success' | 'Unstable' | 'NotConverged' | 'Terminated';
  /** Set when stopAfterSteps paused the run or the signal stopped it: the state to resume from (rows
   *  0..rows−1 are final). */
  paused?: GridCheckpoint;
  /** With `finalCheckpoint`: the state at the head of the last row of a run that reached tMax (a stop
   *  during the coarse replay resumes from it). */
  last?: GridCheckpoint;
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
  invariants: InvariantReport;
  steps: StepStats;
  memoryBytes: number;
  stepMs: number;
  engine: 'ts' | 'wasm';
  simd: boolean;
}

export function gridParams(p: DmftProblem): GridParams {
  return {
    m: p.m,
    K: p.alpha,
    tau2: p.tau * p.tau,
    phi2: p.phiNorm2,
    frozen: p.frozenA,
    spherical: p.spherical,
    imex: p.scheme === 'semi-implicit',
    h: Float64Array.from(p.h),
    ph: Float64Array.from(phiCoeffs(p)),
  };
}

/** λ_S(0) = K a₀²[h′(1) + (m−1)h′(0)]/m, the centre-of-mass rate at t = 0 (dmft-grid.md §1, ν(0) = 0). */
export function lambdaS0(p: DmftProblem): number {
  const h1 = series(p.h, 1)[1],
    h0 = series(p.h, 0)[1];
  return (p.alpha * p.a0 * p.a0 * (h1 + (p.m - 1) * h0)) / p.m;
}

/** Where the rows are computed: the kernel assembly/dmft_grid.ts (or its TS twin behind the TS runtime) over
 *  arena memory; S holds views of the state (re-derived after grow). */
interface GridEngine {
  S: GridState;
  row(n: number): boolean;
  update(n: number, dt: number): boolean;
  /** ν, L_d, L_o of the last row. */
  local(): [number, number, number];
  grow(cap: number, rows: number): void;
  bytes(cap: number): number;
  close(): void;
  name: 'ts' | 'wasm';
  simd: boolean;
}

const GRID_KEYS = ['t', 'Cd', 'Co', 'CA', 'Rd', 'Ro', 'RA', 'a', 'v', 'phv', 'nu', 'etr', 'ets'] as const;
const TWO_TIME = new Set(['Cd', 'Co', 'CA', 'Rd', 'Ro', 'RA']);

function wasmEngine(P: GridParams, cap0: number, rt: WasmRuntime): GridEngine {
  const ar = rt.arena,
    ex = rt.exports;
  const rowsW = ex.dmft_grid_work_rows();
  const mark = ar.mark();
  let par = 0;
  let ptr: Record<string, number> = {};
  let cap = 0;
  const alloc = (c: number) => {
    cap = c;
    par = ar.allocF64(DMFT_GRID_PAR_LEN);
    const hc = ar.copyIn(P.h),
      ph = ar.allocF64(Math.max(1, P.ph.length));
    ar.f64(ph, P.ph.length).set(P.ph);
    ptr = {};
    for (const k of GRID_KEYS) ptr[k] = ar.allocF64(TWO_TIME.has(k) ? tri(c) : c);
    const work = ar.allocF64(rowsW * c);
    // The parameter block's slots are generated (codegen/contract.mjs DMFT_GRID_PAR).
    const pv = ar.f64(par, DMFT_GRID_PAR_LEN);
    const G = DMFT_GRID_PAR;
    pv[G.CAP] = c;
    pv[G.M] = P.m;
    pv[G.K] = P.K;
    pv[G.TAU2] = P.tau2;
    pv[G.PHI2] = P.phi2;
    pv[G.FROZEN] = P.frozen ? 1 : 0;
    pv[G.SPHERICAL] = P.spherical ? 1 : 0;
    pv[G.IMEX] = P.imex ? 1 : 0;
    pv[G.NH] = P.h.length;
    pv[G.NPH] = P.ph.length;
    pv[G.HC] = hc;
    pv[G.PHC] = ph;
    pv[G.T] = ptr.t;
    pv[G.CD] = ptr.Cd;
    pv[G.CO] = ptr.Co;
    pv[G.CA] = ptr.CA;
    pv[G.RD] = ptr.Rd;
    pv[G.RO] = ptr.Ro;
    pv[G.RA] = ptr.RA;
    pv[G.A] = ptr.a;
    pv[G.V] = ptr.v;
    pv[G.PHV] = ptr.phv;
    pv[G.NU] = ptr.nu;
    pv[G.ETR] = ptr.etr;
    pv[G.ETS] = ptr.ets;
    pv[G.WORK] = work;
  };
  const views = (): GridState => {
    const o = { cap } as GridState;
    for (const k of GRID_KEYS) (o as unknown as Record<string, Float64Array>)[k] = ar.f64(ptr[k], TWO_TIME.has(k) ? tri(cap) : cap);
    return o;
  };
  alloc(cap0);
  const e: GridEngine = {
    S: views(),
    name: rt.variant === 'ts' ? 'ts' : 'wasm',
    simd: rt.simd,
    row: (n) => ex.dmft_grid_row(par, n) === 1,
    update: (n, dt) => ex.dmft_grid_update(par, n, dt) === 1,
    local: () => {
      const pv = ar.f64(par, DMFT_GRID_PAR_LEN);
      return [pv[DMFT_GRID_PAR.OUT_NU], pv[DMFT_GRID_PAR.OUT_LD], pv[DMFT_GRID_PAR.OUT_LO]];
    },
    grow: (next, rows) => {
      const keep: Record<string, Float64Array> = {};
      for (const k of GRID_KEYS) keep[k] = e.S[k].slice(0, TWO_TIME.has(k) ? tri(rows) : rows);
      ar.reset(mark);
      alloc(next);
      e.S = views();
      for (const k of GRID_KEYS) e.S[k].set(keep[k]);
    },
    bytes: (c) => 8 * (6 * tri(c) + 7 * c + rowsW * c + 64),
    close: () => ar.reset(mark),
  };
  return e;
}

interface MarchOpts {
  /** Wasm runtime for the kernel (default: the TS kernel). */
  runtime?: WasmRuntime;
  ctl?: AdaptiveControl;
  /** Replay a prescribed grid (times, increasing from 0) instead of the controller. */
  grid?: Float64Array;
  budgetBytes: number;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
  onStep?: (e: GridStepEvent) => void;
  /** Adaptive only: continue from a checkpoint of the same problem and control (byte-identical continuation). */
  resume?: GridCheckpoint;
  /** Adaptive only: pause (return paused = true with a checkpoint) once this many steps are accepted. */
  stopAfterSteps?: number;
  /** Adaptive only: on the command 'checkpoint' (async driver), the state goes here. */
  onCheckpoint?: (cp: GridCheckpoint) => void;
  /** Adaptive only: keep the state at the head of the last row (GridRaw.last). */
  finalCheckpoint?: boolean;
  /** Recorded in the checkpoint (the stability reruns of runAdaptive). */
  retries?: number;
}

/** What a driver tells the march at a yield (between rows): nothing, or write a checkpoint now. */
export type MarchCommand = 'checkpoint' | undefined;

/** After each accepted row: its time and observables (the stepping iterator of dmft.md §10.4). */
export interface GridStepEvent extends SymmRowEvent {
  /** Row index on the grid (θ grid: accepted steps so far). */
  row: number;
}

/** The adaptive grid's checkpoint (src/dmft/checkpoint.ts, solver 'adaptive'): the full solver state at the
 *  head of row n (dmft-grid.md §6 adapted to the full-history grid): rows 0..n of the two-time arrays,
 *  the one-time series to n, the divided-difference memory of the last step and the controller state. */
export type GridCheckpoint = DmftCheckpoint<GridCheckpointState>;

export interface GridCheckpointState {
  [k: string]: GridCheckpointState[keyof GridCheckpointState & string];
  n: number;
  /** JSON of the control (stabFactor included: a stability rerun continues as one) and the reruns so far. */
  control: string;
  retries: number;
  arrays: Record<string, Float64Array>;
  ctlState: {
    dt: number;
    dtPrev: number;
    pA: number;
    pV: number;
    pCoD: number;
    pCdD: number;
    steps: number;
    rejections: number;
    dtMin: number;
    dtMaxUsed: number;
    dtFirst: number;
  };
  hist: { t: Float64Array; dt: Float64Array; err: Float64Array };
  /** InvariantReport as JSON (plain numbers and objects). */
  invariants: string;
}

const ctlKey = (c: AdaptiveControl) =>
  JSON.stringify({ rtol: c.rtol, atol: c.atol, dt0: c.dt0, dtMax: c.dtMax, errorNorm: c.errorNorm, maxSteps: c.maxSteps, stabFactor: c.stabFactor });

/** Run a march (or runAdaptive's core) to its end synchronously. */
function drive<R>(g: Generator<number, R, MarchCommand>): R {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
  }
}

/** Run it with a macrotask yield every `yieldMs` (so SIGINT/SIGTERM handlers run and the signal is seen
 *  between rows) and a checkpoint whenever `checkpointDue()` says so. */
async function driveAsync<R>(g: Generator<number, R, MarchCommand>, signal?: AbortSignal, checkpointDue?: () => boolean, yieldMs = 20): Promise<R> {
  let last = performance.now();
  let r = g.next();
  while (!r.done) {
    let cmd: MarchCommand;
    if (performance.now() - last >= yieldMs) {
      await stopRequested(signal); // the march sees signal.aborted at its next row
      last = performance.now();
    }
    if (checkpointDue?.()) cmd = 'checkpoint'; // after every row: an interval shorter than yieldMs is honoured
    r = g.next(cmd);
  }
  return r.value;
}

/** March the SymmDMFT on an adaptive (ctl) or prescribed (grid) non-uniform grid from 0 to p.tMax. */
export function marchGrid(p: DmftProblem, o: MarchOpts): GridRaw {
  return drive(marchSteps(p, o));
}

/** The march as a generator: yields the row index at the head of each row after the first (the state is
 *  then complete: a checkpoint may be taken); the driver answers with a MarchCommand. */
function* marchSteps(p: DmftProblem, o: MarchOpts): Generator<number, GridRaw, MarchCommand> {
  const P = gridParams(p);
  const ctl = o.ctl;
  const tMax = o.grid ? o.grid[o.grid.length - 1] : p.tMax;
  const cp = o.resume;
  if (cp && (o.grid || !ctl)) throw new Error('resume: only for the adaptive controller');
  if (cp) {
    checkCheckpoint(cp, 'adaptive', JSON.stringify(p));
    if (cp.state.control !== ctlKey(ctl!))
      throw new ParameterError('resume', 'adaptive checkpoint', 'a checkpoint of this problem and step control (it was written for a different control)');
  }
  const cs = cp?.state;
  let cap = o.grid ? o.grid.length + 1 : Math.max(256, cs ? cs.n + 2 : 0);
  if (o.runtime && typeof o.runtime.exports.dmft_grid_row !== 'function') throw new Error('internal: the Wasm module has no dmft_grid_row (rebuild)');
  // Without a Wasm runtime the same driver runs the kernel's TS twin behind the TS runtime's exports.
  const eng = wasmEngine(P, cap, o.runtime ?? tsRuntime(o.budgetBytes));
  let S: GridState = eng.S;
  try {
    gridInit(P, S, p.a0);
    if (cs) for (const k of ['Cd', 'Co', 'CA', 'Rd', 'Ro', 'RA', 't', 'a', 'v', 'phv', 'nu', 'etr', 'ets'] as const) S[k].set(cs.arrays[k]);
    const t0 = performance.now();
    // Effective derivatives of the last accepted step (for the divided difference).
    let pCd = new Float64Array(cap),
      pCo = new Float64Array(cap),
      pRd = new Float64Array(cap),
      pRo = new Float64Array(cap);
    let pA = 0,
      pV = 0,
      pCoD = 0,
      pCdD = 0,
      dtPrev = 0;
    const lam0 = Math.max(lambdaS0(p), 1e-12);
    let dt = ctl ? Math.min(ctl.dt0 ?? 1e-3 / lam0, ctl.dtMax ?? Infinity, tMax) : 0;
    const dtMax = ctl?.dtMax ?? Infinity;
    const maxSteps = ctl?.maxSteps ?? 200_000;
    const norm = ctl?.errorNorm ?? 'smooth';
    const scalarsOnly = norm === 'scalars';
    let lamMax = 0;
    let capNow = Infinity; // the step cap of the last step (min of dtMax and the stability cap)
    const hist = { t: [] as number[], dt: [] as number[], err: [] as number[] };
    let steps = 0,
      rejections = 0,
      dtMin = Infinity,
      dtMaxUsed = 0,
      dtFirst = 0;
    const tolTrain = 1e-6 + (ctl ? 10 * ctl.rtol : 1e-2 * (tMax / Math.max(1, (o.grid?.length ?? 2) - 1)));
    const tolBound = 1e-3;
    const inv: InvariantReport = {
      checkedRows: 0,
      maxTrainIncrease: 0,
      maxAbsV: 0,
      maxAbsCo: 0,
      maxCdDiagDev: 0,
      maxCdSubDev: 0,
      tolerances: { trainIncrease: tolTrain, bound: tolBound },
    };
    let status: GridRaw['status'] = 'Success';
    let message: string | undefined;
    let n = 0;
    let rows = 0;
    let paused: GridCheckpoint | undefined;
    let last: GridCheckpoint | undefined;
    if (cs) {
      n = cs.n;
      rows = n;
      pCd.set(cs.arrays.pCd);
      pCo.set(cs.arrays.pCo);
      pRd.set(cs.arrays.pRd);
      pRo.set(cs.arrays.pRo);
      ({ dt, dtPrev, pA, pV, pCoD, pCdD, steps, rejections, dtMin, dtMaxUsed, dtFirst } = cs.ctlState);
      for (const k of ['t', 'dt', 'err'] as const) for (const x of cs.hist[k]) hist[k].push(x); // (no spread: up to maxSteps entries)
      Object.assign(inv, JSON.parse(cs.invariants));
    }
    const startSteps = steps;
    const startRow = n;
    const checkpoint = (): GridCheckpoint => {
      const T = tri(n + 1);
      const arrays: Record<string, Float64Array> = {};
      for (const k of ['Cd', 'Co', 'CA', 'Rd', 'Ro', 'RA'] as const) arrays[k] = S[k].slice(0, T);
      for (const k of ['t', 'a', 'v', 'phv', 'nu', 'etr', 'ets'] as const) arrays[k] = S[k].slice(0, n + 1);
      for (const [k, x] of [
        ['pCd', pCd],
        ['pCo', pCo],
        ['pRd', pRd],
        ['pRo', pRo],
      ] as const)
        arrays[k] = x.slice(0, n + 1);
      return {
        kind: DMFT_CHECKPOINT_KIND,
        version: DMFT_CHECKPOINT_VERSION,
        solver: 'adaptive',
        problem: JSON.stringify(p),
        rows: n,
        t: n > 0 ? S.t[n - 1] : NaN,
        state: {
          n,
          control: ctlKey(ctl!),
          retries: o.retries ?? 0,
          arrays,
          ctlState: { dt, dtPrev, pA, pV, pCoD, pCdD, steps, rejections, dtMin, dtMaxUsed, dtFirst },
          hist: { t: Float64Array.from(hist.t), dt: Float64Array.from(hist.dt), err: Float64Array.from(hist.err) },
          invariants: JSON.stringify(inv),
        },
      };
    };
    const fail = (row: number, what: string, st: GridRaw['status'] = 'Unstable') => {
      status = st;
      message = `${st === 'Unstable' ? 'unstable' : 'stopped'} at t = ${S.t[row].toPrecision(6)} (row ${row}): ${what}; last good time ${row > 0 ? S.t[row - 1].toPrecision(6) : 'none'}`;
      inv.violation = { row, t: S.t[row], what };
    };
    for (;;) {
      if (n > startRow) {
        // Between rows (the state is complete here): the driver may yield to the event loop and ask for
        // a checkpoint (src/dmft/checkpoint.ts).
        const cmd = yield n;
        if (cmd === 'checkpoint' && ctl) o.onCheckpoint?.(checkpoint());
      }
      if (o.signal?.aborted) {
        // Seen between rows (the async driver yields to the event loop every few ms). Rows so far are
        // kept, with a checkpoint to continue from (never a throw: the engine contract).
        status = 'Terminated';
        message = `terminated by its AbortSignal after ${rows} rows`;
        if (ctl) paused = checkpoint();
        break;
      }
      if (ctl && o.stopAfterSteps !== undefined && steps >= o.stopAfterSteps && steps !== startSteps) {
        paused = checkpoint();
        break;
      }
      // Row n: Σ, Volterra, observables at t_n, derivative parts; then the V5 checks of row n.
      const ok = eng.row(n);
      const on = tri(n);
      const etr = S.etr[n],
        co = S.Co[on + n],
        cdd = S.Cd[on + n];
      let bad: string | undefined;
      if (!ok || ![etr, S.ets[n], S.a[n], S.v[n], co, cdd].every(Number.isFinite)) bad = 'a non-finite value (NaN/∞)';
      else {
        const inc = n > 0 ? (etr - S.etr[n - 1]) / Math.max(S.etr[0], 1e-300) : 0;
        inv.maxTrainIncrease = Math.max(inv.maxTrainIncrease, inc);
        inv.maxAbsV = Math.max(inv.maxAbsV, Math.abs(S.v[n]));
        if (p.m > 1) inv.maxAbsCo = Math.max(inv.maxAbsCo, Math.abs(co));
        if (p.spherical) inv.maxCdDiagDev = Math.max(inv.maxCdDiagDev, Math.abs(cdd - 1));
        if (etr < -1e-12 * Math.max(1, S.etr[0])) bad = `negative train error e_tr = ${etr}`;
        else if (inc > tolTrain) bad = `train error increased by ${(inc * S.etr[0]).toExponential(3)} (gradient flow needs e_tr non-increasing)`;
        else if (Math.abs(S.v[n]) > 1 + tolBound) bad = `|v| = ${Math.abs(S.v[n])} > 1`;
        else if (p.m > 1 && Math.abs(co) > 1 + tolBound) bad = `|C_o(t,t)| = ${Math.abs(co)} > 1`;
        else if (p.spherical && Math.abs(cdd - 1) > 1e-9) bad = `C_d(t,t) = ${cdd} ≠ 1`;
      }
      if (bad) {
        fail(n, bad);
        rows = n;
        break;
      }
      rows = n + 1;
      inv.checkedRows = rows;
      o.onStep?.({ t: S.t[n], a: S.a[n], v: S.v[n], trainError: etr, testError: S.ets[n], Co: co, row: n });
      if (o.grid ? n + 1 >= o.grid.length : S.t[n] >= tMax * (1 - 1e-14)) {
        if (ctl && o.finalCheckpoint) last = checkpoint();
        break;
      }
      if (ctl && steps >= maxSteps) {
        fail(n, `maxSteps = ${maxSteps} reached`, 'NotConverged');
        break;
      }
      // Capacity for row n+1 (copy of the prefix; the triangles do not depend on the capacity).
      if (n + 2 > cap) {
        const next = Math.ceil(cap * 1.5) + 2;
        if (eng.bytes(next) > o.budgetBytes) {
          fail(n, `the grid needs more than the memory budget (${o.budgetBytes} bytes) at ${n + 1} rows; raise budgetBytes or rtol`, 'NotConverged');
          break;
        }
        eng.grow(next, n + 1);
        S = eng.S;
        eng.row(n); // recompute the work of row n in the new buffers (deterministic)
        const grow = (x: Float64Array) => {
          const y = new Float64Array(next);
          y.set(x);
          return y;
        };
        pCd = grow(pCd);
        pCo = grow(pCo);
        pRd = grow(pRd);
        pRo = grow(pRo);
        cap = next;
      }
      if (o.grid) {
        if (!eng.update(n, o.grid[n + 1] - o.grid[n])) {
          fail(n + 1, 'a non-finite value (NaN/∞)');
          break;
        }
      } else {
        // Adaptive step with error control. Explicit: also Δ ≤ 0.45/λ_max, λ_max = max(λ_S, λ_D) with
        // λ_S = ν + (L_d + (m−1)L_o)/m, λ_D = ν + (L_d − L_o)/m (the local rates of dmft-grid.md §4), so that the
        // local Euler factors 1 − Δλ and 1 − 2Δλ (equal-time C_o) stay in [0, 1], and the coarse replay
        // (steps ≈ 2Δ) stays stable (|1 − 2·2Δλ| < 1). Measured: without it the error estimate of the
        // scalars does not see the instability until e_tr goes negative.
        const c = ctl!;
        const [nuL, LdL, LoL] = eng.local();
        const lamS = nuL + (LdL + (p.m - 1) * LoL) / p.m,
          lamD = nuL + (LdL - LoL) / p.m;
        lamMax = Math.max(Math.abs(lamS), Math.abs(lamD), 1e-300);
        // Semi-implicit: Δ ≤ 1/λ_max (measured: with Δλ ≈ 2–8 the IMEX two-time fields degrade while the
        // divided-difference estimate stays small, m = 256 mean-field init, e_tr rose at t ≈ 178).
        const dtStab = (ctl!.stabFactor ?? (P.imex ? 1 : 0.45)) / lamMax;
        capNow = Math.min(dtMax, dtStab);
        let accepted = false;
        let err = 0;
        for (let tries = 0; tries < 60; tries++) {
          const rem = tMax - S.t[n];
          let h = Math.min(dt, dtMax, dtStab);
          if (h >= rem * (1 - 1e-12) || rem - h < 0.1 * h) h = rem;
          else if (rem < 2 * h) h = rem / 2;
          const fin = eng.update(n, h);
          err = fin ? (n === 0 ? 0 : estimate(S, n, h, dtPrev, c, scalarsOnly)) : Infinity;
          if (err <= 1) {
            dt = h;
            accepted = true;
            break;
          }
          rejections++;
          dt = h * (Number.isFinite(err) ? Math.max(0.2, 0.9 / err) : 0.25);
          if (dt < 1e-14 * Math.max(1, S.t[n])) break;
        }
        if (!accepted) {
          fail(n + 1, `step size underflow (Δ = ${dt.toExponential(3)}, err = ${err.toExponential(3)})`, 'Unstable');
          break;
        }
        steps++;
        if (n === 0) dtFirst = dt;
        dtMin = Math.min(dtMin, dt);
        dtMaxUsed = Math.max(dtMaxUsed, dt);
        hist.t.push(S.t[n]);
        hist.dt.push(dt);
        hist.err.push(err);
        // Store the effective derivatives of this step; next step size.
        const on1 = tri(n + 1);
        for (let l = 0; l <= n; l++) {
          pCd[l] = (S.Cd[on1 + l] - S.Cd[on + l]) / dt;
          pCo[l] = (S.Co[on1 + l] - S.Co[on + l]) / dt;
          pRd[l] = l < n ? (S.Rd[on1 + l] - S.Rd[on + l]) / dt : 0;
          pRo[l] = l < n ? (S.Ro[on1 + l] - S.Ro[on + l]) / dt : 0;
        }
        pA = (S.a[n + 1] - S.a[n]) / dt;
        pV = (S.v[n + 1] - S.v[n]) / dt;
        pCoD = (S.Co[on1 + n + 1] - S.Co[on + n]) / dt;
        pCdD = (S.Cd[on1 + n + 1] - S.Cd[on + n]) / dt;
        dtPrev = dt;
        dt = dt * Math.min(1.25, Math.max(0.5, err > 0 ? 0.9 / err : 1.25));
      }
      n++;
      // Fraction of the work (row n costs ∝ n²): rows so far against the rows expected at the current step.
      const expected = o.grid ? o.grid.length : n + remainingSteps(S.t[n], dtPrev, capNow, tMax);
      o.onProgress?.(Math.min(1, (n / expected) ** 3));
    }

    function estimate(St: GridState, k: number, h: number, hp: number, c: AdaptiveControl, scalars: boolean): number {
      // (h/2)|ẍ|, ẍ ≈ (D_k − D_{k−1}) / ((h + hp)/2), against atol + rtol|x|.
      const f = h / (h + hp);
      let e = 0;
      const on = tri(k),
        on1 = tri(k + 1);
      const one = (x0: number, x1: number, dPrev: number) => {
        const d = (x1 - x0) / h;
        const r = (f * Math.abs(d - dPrev)) / (c.atol + c.rtol * Math.max(Math.abs(x0), Math.abs(x1)));
        if (r > e) e = r;
      };
      one(St.a[k], St.a[k + 1], pA);
      one(St.v[k], St.v[k + 1], pV);
      one(St.Co[on + k], St.Co[on1 + k + 1], pCoD);
      if (!p.spherical) one(St.Cd[on + k], St.Cd[on1 + k + 1], pCdD); // non-spherical: C_d(t,t) evolves
      if (!scalars) {
        // 'smooth': two-time entries outside the boundary layer t − t′ < 3/λ_max of the diagonal.
        let lEnd = k;
        if (norm === 'smooth') {
          const tl = St.t[k] - 3 / lamMax;
          while (lEnd > 0 && St.t[lEnd - 1] > tl) lEnd--;
        }
        for (let l = 0; l < lEnd; l++) {
          one(St.Cd[on + l], St.Cd[on1 + l], pCd[l]);
          one(St.Co[on + l], St.Co[on1 + l], pCo[l]);
        }
        for (let l = 0; l < Math.min(lEnd, k - 1); l++) {
          one(St.Rd[on + l], St.Rd[on1 + l], pRd[l]);
          one(St.Ro[on + l], St.Ro[on1 + l], pRo[l]);
        }
      }
      return e;
    }

    const stride = Math.max(1, Math.ceil(hist.t.length / 400));
    const thin = (x: number[]) => x.filter((_, i) => i % stride === 0 || i === x.length - 1);
    const out = (x: Float64Array) => x.slice(0, rows);
    const coDiag = new Float64Array(rows),
      cd0 = new Float64Array(rows);
    for (let k = 0; k < rows; k++) {
      coDiag[k] = S.Co[tri(k) + k];
      cd0[k] = S.Cd[tri(k)];
    }
    return {
      status,
      message,
      rows,
      paused,
      ...(last ? { last } : {}),
      t: out(S.t),
      a: out(S.a),
      v: out(S.v),
      nu: out(S.nu),
      etr: out(S.etr),
      ets: out(S.ets),
      coDiag,
      cd0,
      invariants: inv,
      steps: {
        steps: o.grid ? Math.max(0, rows - 1) : steps,
        rejections,
        gridSize: rows,
        dtFirst,
        dtMin: Number.isFinite(dtMin) ? dtMin : 0,
        dtMaxUsed,
        history: { t: thin(hist.t), dt: thin(hist.dt), err: thin(hist.err) },
      },
      memoryBytes: eng.bytes(cap),
      stepMs: performance.now() - t0,
      engine: eng.name,
      simd: eng.simd,
    };
  } finally {
    eng.close();
  }
}

/** Progress estimate of the steps left from t with the last step dt: relaxing dynamics let the controller
 *  grow Δ roughly ∝ t (Δ = ct gives ln(t_c/t)/c steps up to t_c, where ct_c reaches the cap), then
 *  steps of the cap. A guess for the ETA only (one run, unlearning setting, m = 16, t ≤ 40, rtol 3e-4: at
 *  step 432 of 560 it reports 30 % against (432/560)³ = 46 % of the work; the plain (tMax − t)/Δ gave 7 %). */
function remainingSteps(t: number, dt: number, cap: number, tMax: number): number {
  if (!(t > 0) || !(dt > 0)) return 0;
  const c = dt / t;
  const tc = Math.min(tMax, Math.max(t, cap / c));
  return Math.log(tc / t) / c + Math.max(0, tMax - tc) / Math.min(cap, Math.max(dt, c * tc));
}

export type GridObservable = 'a' | 'v' | 'etr' | 'ets' | 'coDiag' | 'cd0' | 'nu';
const OBS: GridObservable[] = ['a', 'v', 'etr', 'ets', 'coDiag', 'cd0', 'nu'];

export interface AdaptiveRaw extends GridRaw {
  /** max over the coarse nodes of |x_G − x_{G/2}| (≈ the first-order error of x_G), per observable; the
   *  coarse replay is skipped (empty) when fewer than 5 rows. */
  errorEstimate: Partial<Record<GridObservable, number>>;
  /** 'extrapolated': the values are 2x_G − x_{G/2} at the even nodes (second order). */
  values: 'first-order' | 'extrapolated';
  /** Reruns with a halved step cap because the coarse replay was unstable (0 normally). */
  stabilityRetries: number;
}

/** Options of runAdaptive beyond the march's. */
export type AdaptiveOpts = Omit<MarchOpts, 'ctl' | 'grid' | 'finalCheckpoint'> & { extrapolate?: boolean };

/** The adaptive solve: controller run, coarse replay on every other node, error estimate (and the
 *  second-order extrapolation when `extrapolate`). Synchronous (the signal is seen only if it fired before). */
export function runAdaptive(p: DmftProblem, ctl: AdaptiveControl, o: AdaptiveOpts): AdaptiveRaw {
  return drive(adaptiveSteps(p, ctl, o));
}

/** runAdaptive yielding to the event loop every `yieldMs` between rows: a signal stops it mid-run (status
 *  'Terminated' with the rows so far and `paused`, the checkpoint to resume from), and `onCheckpoint`
 *  receives the state whenever `checkpointDue()` holds. */
export function runAdaptiveAsync(
  p: DmftProblem,
  ctl: AdaptiveControl,
  o: AdaptiveOpts & { checkpointDue?: () => boolean; yieldMs?: number },
): Promise<AdaptiveRaw> {
  return driveAsync(adaptiveSteps(p, ctl, o), o.signal, o.checkpointDue, o.yieldMs);
}

function* adaptiveSteps(p: DmftProblem, ctl0: AdaptiveControl, o: AdaptiveOpts): Generator<number, AdaptiveRaw, MarchCommand> {
  // A checkpoint carries its control (a stability rerun's halved cap) and rerun count.
  const ctl: AdaptiveControl = o.resume ? { ...ctl0, ...(JSON.parse(o.resume.state.control) as AdaptiveControl) } : ctl0;
  const retries = o.resume ? o.resume.state.retries : (o.retries ?? 0);
  // The fine run takes 8/9 of the work (the coarse replay has half the rows: 1/8 of the O(N³) work).
  const fine = yield* marchSteps(p, {
    ...o,
    ctl,
    retries,
    finalCheckpoint: !!o.signal,
    onProgress: o.onProgress ? (f) => o.onProgress!((8 / 9) * f) : undefined,
  });
  const errorEstimate: AdaptiveRaw['errorEstimate'] = {};
  const { last, ...fineRaw } = fine;
  if (fine.rows < 5 || fine.paused) return { ...fineRaw, errorEstimate, values: 'first-order', stabilityRetries: retries };
  // Coarse grid: the even nodes 0, 2, 4, …, plus the last node when the step count is odd (its last coarse
  // step is then a single fine step; the difference there is the one propagated from t_{N−1}).
  const N = fine.rows - 1;
  const fi: number[] = [];
  for (let k = 0; k <= N; k += 2) fi.push(k);
  if (fi[fi.length - 1] !== N) fi.push(N);
  const cg = Float64Array.from(fi, (k) => fine.t[k]);
  const coarse = yield* marchSteps(p, {
    grid: cg,
    budgetBytes: o.budgetBytes,
    signal: o.signal,
    runtime: o.runtime,
    onProgress: o.onProgress ? (f) => o.onProgress!(8 / 9 + f / 9) : undefined,
  });
  if (coarse.status === 'Terminated')
    // Stopped during the replay: the fine run's first-order values, and its state at the last row (a
    // resume recomputes that row, then the replay).
    return {
      ...fineRaw,
      status: 'Terminated',
      message: `${coarse.message ?? 'terminated'} (during the coarse replay; first-order values)`,
      ...(last ? { paused: last } : {}),
      errorEstimate,
      values: 'first-order',
      stabilityRetries: retries,
    };
  if (fine.status === 'Success' && coarse.status === 'Unstable' && retries < 3) {
    // The doubled steps of the replay crossed a stability limit that λ_max (local rates) does not see
    // (measured: V1, ᾱ = 0.5, t ≈ 5, where the Volterra memory sets the fastest rate): halve the cap, redo
    // from the start (also after a resume: the uninterrupted run does the same).
    const f0 = ctl.stabFactor ?? (p.scheme === 'semi-implicit' ? 1 : 0.45);
    return yield* adaptiveSteps(p, { ...ctl, stabFactor: f0 / 2 }, { ...o, resume: undefined, retries: retries + 1 });
  }
  const rowsC = Math.min(cg.length, coarse.rows);
  for (const f of OBS) {
    let e = 0;
    for (let k = 0; k < rowsC; k++) e = Math.max(e, Math.abs(fine[f][fi[k]] - coarse[f][k]));
    errorEstimate[f] = e;
  }
  o.onProgress?.(1);
  if (!o.extrapolate) return { ...fineRaw, errorEstimate, values: 'first-order', stabilityRetries: retries };
  const mix = (x: Float64Array, c: Float64Array) => {
    const y = new Float64Array(rowsC);
    for (let k = 0; k < rowsC; k++) y[k] = 2 * x[fi[k]] - c[k];
    return y;
  };
  const bad = fine.status !== 'Success' ? fine : coarse;
  return {
    ...fineRaw,
    status: bad.status,
    message: bad.message,
    rows: rowsC,
    t: cg.slice(0, rowsC),
    a: mix(fine.a, coarse.a),
    v: mix(fine.v, coarse.v),
    nu: mix(fine.nu, coarse.nu),
    etr: mix(fine.etr, coarse.etr),
    ets: mix(fine.ets, coarse.ets),
    coDiag: mix(fine.coDiag, coarse.coDiag),
    cd0: mix(fine.cd0, coarse.cd0),
    errorEstimate,
    values: 'extrapolated',
    stepMs: fine.stepMs + coarse.stepMs,
    stabilityRetries: retries,
  };
}
