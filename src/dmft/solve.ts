// solve for the SymmDMFT (dmft.md §5–§6, §10): Problem → Solution with the observables of D25 and §5,
// status 'Success' | 'Unstable' (runtime invariants, §10.4), partial curves kept up to the last good row.
// Output thinning: when N+1 > maxPoints (default 2000) every ⌈(N+1)/maxPoints⌉-th grid point is reported,
// plus the last good one; stats.N and stats.eta describe the full grid.
// Stops and resumes (dmft.md §10.4): the signal ends a solve 'Terminated' with the rows so far and a
// checkpoint (src/dmft/checkpoint.ts), which `resumeFrom` continues byte-identically on every grid;
// onStep / dmftSteps is the stepping iterator.
import { loadWasm } from '../wasm/runtime.js';
import { dmftProblem, dmftMemoryBytes, phiCoeffs, series, type DmftProblem, type DmftProblemInput } from './problem.js';
import { runSymm, type InvariantReport, type SymmRaw, type SymmState } from './symm.js';
import { defaultLambda, runThetaAsync, type ThetaControl, type ThetaRaw, type ThetaResume } from './theta-grid.js';
import { NF, NT, thetaAlloc, thetaGrid, type ThetaGrid } from '../numerics/dmft-theta.js';
import { runAdaptiveAsync, type AdaptiveRaw, type GridCheckpoint, type GridStepEvent, type StepStats } from './grid.js';
import { checkCheckpoint, DMFT_CHECKPOINT_KIND, DMFT_CHECKPOINT_VERSION, packState, unpackState, type DmftCheckpoint, type StateValue } from './checkpoint.js';
import { ParameterError } from '../core/validate.js';

import { checkpointClock, combineStatus, type SolveOptions, type Status } from '../core/contract.js';

/** @deprecated the engine contract's Status. */
export type DmftStatus = Status;

export interface DmftSolution {
  status: DmftStatus;
  message?: string;
  /** GF time t (D3 clock) of the reported points. */
  t: number[];
  /** e_tr = −½C_A(t,t) and e_ts (D25); both include the ½ and the label noise. */
  trainError: number[];
  testError: number[];
  a: number[];
  /** γ = a/√m. */
  gamma: number[];
  v: number[];
  /** Equal-time C_o(t,t), m·C_o(t,t), C_d(t,0) (weight movement ‖w(t) − w(0)‖² = 2 − 2C_d(t,0)). */
  Co: number[];
  mCo: number[];
  Cd0: number[];
  nu: number[];
  /** e_ts − e_tr. */
  gap: number[];
  /** Other clocks: t·m (lazy t̂) and t/m. */
  tm: number[];
  tOverM: number[];
  stats: {
    N: number;
    eta: number;
    scheme: 'explicit' | 'semi-implicit';
    /** Richardson-extrapolated (second order) from runs at η and η/2. */
    secondOrder: boolean;
    rowsComputed: number;
    lastGoodTime: number;
    thinStride: number;
    points: number;
    invariants: InvariantReport & { trainEqualsTestAtZero: number };
    /** η × the centre-of-mass relaxation rate α a(0)² h′(1) (§10.3); explicit Euler needs it ≲ 1. */
    stiffnessAtStart: number;
    engine: 'wasm' | 'ts';
    simd: boolean;
    /** Workers of the uniform grid's row sweeps (1 or 2; the adaptive grid: 1). */
    threads: number;
    /** Uniform grid with errorEstimate (default for semi-implicit and eta 'auto'): the Richardson estimate of the
     *  error of the reported values (see UniformErrorEstimate), and the companion run's stepping time. */
    errorEstimate?: UniformErrorEstimate & { companionMs: number };
    /** Why errorEstimate is missing although asked for (the 2η companion blew up). */
    errorEstimateNote?: string;
    /** eta 'auto': the tolerance and the runs tried (the last is reported). */
    etaAuto?: { rtol: number; tries: { eta: number; steps: number; estimate: number; status: Status }[] };
    memoryBytes: number;
    /** 'uniform' (N, eta describe the grid) or 'adaptive' (N = accepted steps, eta = the step cap). */
    grid: 'uniform' | 'adaptive' | 'theta';
    /** θ grid only (src/dmft/theta-grid.ts): nodes, tolerances, step statistics and history (thinned to ≤ 400
     *  steps), the largest accepted local error ratio, and the global error estimate: max over the output
     *  times of |x(rtol) − x(c·rtol)|/D per observable (D ≤ c − 1, companionEstimate), from a companion run at
     *  c·rtol: c = 10, or c = 3 when the 10·rtol run does not finish cleanly (`companions`). */
    theta?: {
      L: number;
      Lambda: number;
      rtol: number;
      atol: number;
      steps: number;
      rejections: number;
      dtMin: number;
      dtMaxUsed: number;
      history: { t: number[]; dt: number[]; err: number[]; dtLam: number[] };
      /** max_t |x(rtol) − x(c·rtol)|/D per observable (D ≤ c − 1, companionEstimate) from the companion at `companionRtol` = c·rtol (NaN
       *  when no companion finished cleanly). */
      errorEstimate: { a: number; v: number; trainError: number; testError: number; companionRtol: number };
      /** The companions tried in order (10·rtol, then 3·rtol when the first ends non-Success, stops after 1.25×
       *  the reported run's steps, or lands implausibly far from it): rtol, status, steps, the divisor D of
       *  the estimate max|x(rtol) − x(c·rtol)|/D (see companionEstimate), and why it was not used ('' for the
       *  one used). */
      companions: { rtol: number; status: Status; steps: number; divisor: number; rejected: string }[];
    };
    /** Adaptive grid only: tolerances, step statistics and history, a-posteriori error estimate. */
    adaptive?: StepStats & {
      rtol: number;
      atol: number;
      /** max |x_G − x_{G/2}| over the even nodes (coarse replay): the error of the first-order values; the
       *  extrapolated values (values 'extrapolated') are typically ≥ 5× closer (measured, issue 11). */
      errorEstimate: AdaptiveRaw['errorEstimate'];
      values: AdaptiveRaw['values'];
      stabilityRetries: number;
    };
  };
  problem: DmftProblem;
  timings: { stepMs: number; totalMs: number };
  /** Stopped by the signal (any grid) or paused by stopAfterSteps (adaptive, θ): the solver state to pass
   *  back as `resumeFrom` (src/dmft/checkpoint.ts). */
  checkpoint?: DmftCheckpoint;
}

/** The stepping iterator's event (dmft.md §10.4): after each accepted row, its time and observables.
 *  Uniform grid with secondOrder: `pass` 1 is the η run, 2 the η/2 run (the output mixes both). */
export interface DmftStepEvent extends GridStepEvent {
  pass?: 1 | 2;
}

export interface DmftSolveOptions extends SolveOptions {
  /** 'ts' runs the TS twin of the row sweeps (reference; slow). */
  engine?: 'wasm' | 'ts';
  /** Called after each accepted row with t and the observables (stepping iterator; see dmftSteps). */
  onStep?: (e: DmftStepEvent) => void;
  /** Adaptive and θ grids: pause after this many accepted steps (status 'NotConverged', `checkpoint` set) … */
  stopAfterSteps?: number;
  /** … and continue from such a checkpoint, or one of a run stopped by its signal or written through
   *  onCheckpoint (same problem; refused otherwise): byte-identical to an uninterrupted run. Any grid.
   *  (SolveOptions.resumeState is the same, untyped.) */
  resumeFrom?: DmftCheckpoint;
  /** θ grid: step limit of the first (10·rtol) error-estimate companion (default: 1.25× the reported run's + 10);
   *  a test hook that makes it end 'NotConverged' to exercise the 3·rtol fallback. */
  thetaCompanionMaxSteps?: number;
}

/** The uniform grid's checkpoint state: which run of the Richardson pair (1: η, 2: η/2; always 1 without
 *  secondOrder), the state of that run, and the finished η run when in run 2. */
interface UniformState {
  [k: string]: StateValue;
  pass: 1 | 2;
  run: SymmState;
  /** JSON of the finished η run's scalars (status, rows, invariants, …) and its arrays. */
  coarse: null | { meta: string; arrays: { [k: string]: Float64Array } };
}

const RAW_ARRAYS = ['a', 'v', 'nu', 'etr', 'ets', 'coDiag', 'cd0', 'cdSub'] as const;
const rawToState = (r: SymmRaw): UniformState['coarse'] => {
  const { checkpoint: _c, ...rest } = r;
  const meta: Record<string, unknown> = { ...rest };
  const arrays: { [k: string]: Float64Array } = {};
  for (const k of RAW_ARRAYS) {
    arrays[k] = r[k];
    delete meta[k];
  }
  return { meta: JSON.stringify(meta), arrays };
};
const stateToRaw = (c: NonNullable<UniformState['coarse']>): SymmRaw => ({ ...(JSON.parse(c.meta) as SymmRaw), ...c.arrays });

/** The stepping iterator (dmft.md §10.4) as an async generator: yields an event after each accepted row
 *  (t and the observables) and returns the Solution. Leaving the loop early (break) stops the solve
 *  through its signal. Events come in bursts (the solve yields to the event loop between chunks of rows). */
export async function* dmftSteps(input: DmftProblemInput | DmftProblem, opts: DmftSolveOptions = {}): AsyncGenerator<DmftStepEvent, DmftSolution, void> {
  const ctl = new AbortController();
  const outer = opts.signal;
  const relay = () => ctl.abort();
  if (outer?.aborted) ctl.abort();
  else outer?.addEventListener('abort', relay, { once: true });
  const queue: DmftStepEvent[] = [];
  let wake: (() => void) | undefined;
  let done = false;
  let result: DmftSolution | undefined;
  let error: unknown;
  const run = solveDmft(input, {
    ...opts,
    signal: ctl.signal,
    onStep: (e) => {
      opts.onStep?.(e);
      queue.push(e);
      wake?.();
    },
  }).then(
    (r) => {
      result = r;
    },
    (e: unknown) => {
      error = e;
    },
  );
  void run.finally(() => {
    done = true;
    wake?.();
  });
  try {
    for (;;) {
      while (queue.length) yield queue.shift()!;
      if (done) break;
      await new Promise<void>((r) => (wake = r));
      wake = undefined;
    }
  } finally {
    outer?.removeEventListener('abort', relay);
    if (!done) {
      ctl.abort(); // the consumer left early
      await run;
    }
  }
  if (error !== undefined) throw error;
  return result!;
}

/** Per-row observables every grid's raw result holds (uniform rows, adaptive steps, θ-grid steps). */
interface RowObservables {
  etr: ArrayLike<number>;
  ets: ArrayLike<number>;
  a: ArrayLike<number>;
  v: ArrayLike<number>;
  coDiag: ArrayLike<number>;
  cd0: ArrayLike<number>;
  nu: ArrayLike<number>;
}

/** The curve fields of a DmftSolution at the kept rows idx (times t), the same for every grid. */
function curveFields(p: DmftProblem, t: number[], idx: number[], raw: RowObservables) {
  const at = (f: (k: number) => number) => idx.map(f);
  const sm = Math.sqrt(p.m);
  return {
    t,
    trainError: at((k) => raw.etr[k]),
    testError: at((k) => raw.ets[k]),
    a: at((k) => raw.a[k]),
    gamma: at((k) => raw.a[k] / sm),
    v: at((k) => raw.v[k]),
    Co: at((k) => raw.coDiag[k]),
    mCo: at((k) => p.m * raw.coDiag[k]),
    Cd0: at((k) => raw.cd0[k]),
    nu: at((k) => raw.nu[k]),
    gap: at((k) => raw.ets[k] - raw.etr[k]),
    tm: t.map((x) => x * p.m),
    tOverM: t.map((x) => x / p.m),
  };
}

/** Validate only (for the CLI: exit 2 before any allocation). */
export function validateDmftProblem(input: DmftProblemInput): DmftProblem {
  return dmftProblem(input);
}

export async function solveDmft(input: DmftProblemInput | DmftProblem, opts: DmftSolveOptions = {}): Promise<DmftSolution> {
  const start = performance.now();
  const p = dmftProblem(stripDerived(input));
  const key = JSON.stringify(p);
  const from = (opts.resumeFrom ?? opts.resumeState) as DmftCheckpoint | undefined;
  if (from) checkCheckpoint(from, p.grid, key);
  const due = checkpointClock(opts.checkpointEveryMs);
  if (p.grid === 'adaptive') return solveAdaptive(p, opts, start, from as GridCheckpoint | undefined, due);
  if (p.grid === 'theta') return solveThetaGrid(p, opts, start, key, from, due);
  if (p.etaAuto) return solveEtaAuto(p, opts, start);
  return solveUniform(p, opts, start, key, from, due);
}

/** Error measure of eta 'auto' and of errorEstimate.max: max over e_tr, e_ts, a, v, m·C_o(t,t) of
 *  max_t |Δx(t)| / max(1, max_t |x(t)|) (absolute for O(1) curves, relative for large a or mC_o). */
export type UniformErrorEstimate = {
  /** '2eta': |x(η) − x(2η)| on the common nodes, the first-order error of the η values (companion run, +1/8 cost);
   *  'eta/2': with secondOrder, |x(η) − x(η/2)|, the error of the first-order η/2 values (the extrapolated values
   *  reported are typically much closer). */
  method: '2eta' | 'eta/2';
  etr: number;
  ets: number;
  a: number;
  v: number;
  mCo: number;
  max: number;
};

function estimateError(p: DmftProblem, x: RawRows, y: RawRows, yStride: number, xStride: number, method: UniformErrorEstimate['method']): UniformErrorEstimate {
  // Nodes k·(common step): x[k·xStride] and y[k·yStride].
  const K = Math.min(Math.floor((x.rows - 1) / xStride), Math.floor((y.rows - 1) / yStride));
  const f = (get: (r: RawRows, k: number) => number) => {
    let d = 0,
      scale = 1;
    for (let k = 0; k <= K; k++) {
      const a = get(x, k * xStride);
      d = Math.max(d, Math.abs(a - get(y, k * yStride)));
      scale = Math.max(scale, Math.abs(a));
    }
    return [d, d / scale];
  };
  const e = {
    etr: f((r, k) => r.etr[k]),
    ets: f((r, k) => r.ets[k]),
    a: f((r, k) => r.a[k]),
    v: f((r, k) => r.v[k]),
    mCo: f((r, k) => p.m * r.coDiag[k]),
  };
  return {
    method,
    etr: e.etr[0],
    ets: e.ets[0],
    a: e.a[0],
    v: e.v[0],
    mCo: e.mCo[0],
    max: Math.max(...Object.values(e).map((z) => z[1])),
  };
}

type RawRows = Awaited<ReturnType<typeof runSymm>>;

/** eta 'auto' (uniform grid): pilot at η = tMax/AUTO_PILOT_STEPS (halved on a blow-up), then η ← 0.7·η·rtol/E
 *  (first order: E ∝ η) until the companion estimate E ≤ rtol (at most AUTO_TRIES runs), within the memory budget. */
async function solveEtaAuto(p: DmftProblem, opts: DmftSolveOptions, start: number): Promise<DmftSolution> {
  const rtol = p.rtol ?? 1e-3;
  const tries: { eta: number; steps: number; estimate: number; status: Status }[] = [];
  let eta = p.eta;
  let sol: DmftSolution | undefined;
  for (let i = 0; i < AUTO_TRIES; i++) {
    const steps = Math.max(1, Math.ceil(p.tMax / eta - 1e-9));
    const q: DmftProblem = { ...p, etaAuto: false, errorEstimate: true, eta, steps };
    // Each try is its own grid: no checkpoints (a stop keeps the rows so far; --resume starts eta auto again).
    sol = await solveUniform(q, { ...opts, onCheckpoint: undefined }, start, JSON.stringify(q), undefined, undefined);
    const est = sol.stats.errorEstimate?.max ?? Infinity;
    tries.push({ eta, steps, estimate: est, status: sol.status });
    if (sol.status === 'Terminated') break;
    let next: number;
    if (sol.status === 'Unstable') next = eta / 4;
    else if (est <= rtol) break;
    else if (!Number.isFinite(est))
      next = eta / 2; // the 2η companion blew up: η is near the stability limit
    else next = (0.7 * eta * rtol) / est;
    // Stay within the memory budget (and the 1e6-step cap): the finest affordable grid, tried once.
    let nSteps = Math.ceil(p.tMax / next - 1e-9);
    while (nSteps > 1e6 || dmftMemoryBytes(nSteps, p.h.length + phiCoeffs(p).length) > p.budgetBytes) nSteps = Math.floor(nSteps * 0.9);
    if (nSteps <= steps) break;
    eta = p.tMax / nSteps;
  }
  const s = sol!;
  const est = s.stats.errorEstimate?.max ?? Infinity;
  const reached = s.status === 'Success' && est <= rtol;
  const { checkpoint: _c, ...rest } = s;
  return {
    ...rest,
    status: s.status === 'Success' && !reached ? 'NotConverged' : s.status,
    message: reached
      ? s.message
      : (s.message ?? `eta auto: estimated error ${est.toExponential(2)} > rtol ${rtol} at η = ${s.stats.eta} (memory budget or ${AUTO_TRIES} tries)`),
    stats: { ...s.stats, etaAuto: { rtol, tries } },
    timings: { ...s.timings, totalMs: performance.now() - start },
  };
}
const AUTO_TRIES = 4;

async function solveUniform(
  p: DmftProblem,
  opts: DmftSolveOptions,
  start: number,
  key: string,
  from: DmftCheckpoint | undefined,
  due: (() => boolean) | undefined,
): Promise<DmftSolution> {
  const rs = from?.state as UniformState | undefined;
  const wrap = (pass: 1 | 2, run: SymmState, coarse: UniformState['coarse']): DmftCheckpoint => ({
    kind: DMFT_CHECKPOINT_KIND,
    version: DMFT_CHECKPOINT_VERSION,
    solver: 'uniform',
    problem: key,
    rows: run.n,
    t: run.n > 0 ? (run.n - 1) * run.eta : NaN,
    state: { pass, run, coarse },
  });
  let checkpoint: DmftCheckpoint | undefined;
  const run = (q: DmftProblem, pass: 1 | 2, lo: number, hi: number, coarse: UniformState['coarse']) =>
    runSymm(q, {
      runtime: opts.runtime,
      engine: opts.engine,
      executor: opts.executor,
      signal: opts.signal,
      onProgress: opts.onProgress
        ? (f, row) =>
            opts.onProgress!({
              phase: `${p.secondOrder ? `${pass === 1 ? 'η' : 'η/2'} run, ` : ''}row ${row}/${q.steps + 1}, t = ${((row - 1) * q.eta).toPrecision(4)}`,
              fraction: lo + (hi - lo) * f,
            })
        : undefined,
      onRow: opts.onStep ? (k, e) => opts.onStep!({ ...e, row: k, ...(p.secondOrder ? { pass } : {}) }) : undefined,
      resumeFrom: rs && rs.pass === pass ? rs.run : undefined,
      checkpointDue: opts.onCheckpoint ? due : undefined,
      onCheckpoint: opts.onCheckpoint ? (st) => opts.onCheckpoint!(wrap(pass, st, coarse)) : undefined,
    }).then((r) => {
      if (r.checkpoint) checkpoint = wrap(pass, r.checkpoint, coarse);
      return r;
    });
  let raw: SymmRaw;
  let errorEstimate: UniformErrorEstimate | undefined;
  let estimateNote: string | undefined;
  let companionMs = 0;
  if (!p.secondOrder) {
    raw = await run(p, 1, 0, p.errorEstimate ? 8 / 9 : 1, null);
    if (p.errorEstimate && raw.status !== 'Terminated' && raw.rows > 2) {
      // Companion at 2η over the rows computed: x(2η) − x(η) ≈ x(η) − x(0) for a first-order scheme. It is not
      // checkpointed: a stop during it ends 'Terminated' (the η curves complete) and a resume starts again.
      const half = Math.ceil((raw.rows - 1) / 2);
      const c = await runSymm(
        { ...p, eta: 2 * p.eta, steps: half, secondOrder: false },
        {
          runtime: opts.runtime,
          engine: opts.engine,
          executor: opts.executor,
          signal: opts.signal,
          onProgress: opts.onProgress ? (f) => opts.onProgress!({ phase: '2η error-estimate run', fraction: 8 / 9 + f / 9 }) : undefined,
        },
      );
      companionMs = c.stepMs;
      if (c.status === 'Success') errorEstimate = estimateError(p, raw, c, 1, 2, '2eta');
      else if (c.status === 'Unstable')
        // Explicit Euler within 2× of its stability limit: no first-order estimate from 2η.
        estimateNote = `no error estimate: the 2η companion run is unstable (${c.message}); use a smaller η or --second-order`;
      else if (c.status === 'Terminated')
        raw = { ...raw, status: 'Terminated', message: `${c.message} (in the 2η error-estimate run; the η curves are complete)` };
    }
  } else {
    // Richardson over η and η/2 (the scheme is O(η)): x₂ = 2·x(η/2) − x(η) on the η grid, O(η²).
    const coarse = rs?.pass === 2 && rs.coarse ? stateToRaw(rs.coarse) : await run(p, 1, 0, 1 / 9, null);
    if (coarse.status === 'Terminated') raw = { ...coarse, message: `${coarse.message}; first-order values (the η/2 run had not started)` };
    else {
      const fine = await run({ ...p, eta: p.eta / 2, steps: 2 * p.steps }, 2, 1 / 9, 1, rawToState(coarse));
      if (p.errorEstimate && fine.rows > 2) errorEstimate = estimateError(p, coarse, fine, 2, 1, 'eta/2');
      raw = richardson(coarse, fine);
    }
  }
  if (checkpoint) opts.onCheckpoint?.(checkpoint);
  const rows = raw.rows;
  const stride = Math.max(1, Math.ceil((p.steps + 1) / p.maxPoints));
  const idx: number[] = [];
  for (let k = 0; k < rows; k += stride) idx.push(k);
  if (rows > 0 && idx[idx.length - 1] !== rows - 1) idx.push(rows - 1);
  const t = idx.map((k) => k * p.eta);
  const h1p = series(p.h, 1)[1];
  return {
    status: raw.status,
    message: raw.message,
    ...curveFields(p, t, idx, raw),
    stats: {
      N: p.steps,
      eta: p.eta,
      scheme: p.scheme,
      secondOrder: p.secondOrder,
      rowsComputed: rows,
      lastGoodTime: rows > 0 ? (rows - 1) * p.eta : NaN,
      thinStride: stride,
      points: idx.length,
      invariants: { ...raw.invariants, trainEqualsTestAtZero: rows > 0 ? Math.abs(raw.etr[0] - raw.ets[0]) : NaN },
      stiffnessAtStart: p.eta * p.alpha * p.a0 * p.a0 * h1p,
      engine: raw.engine,
      simd: raw.simd,
      threads: raw.threads,
      ...(errorEstimate ? { errorEstimate: { ...errorEstimate, companionMs } } : {}),
      ...(estimateNote ? { errorEstimateNote: estimateNote } : {}),
      memoryBytes: dmftMemoryBytes(p.steps, p.h.length + phiCoeffs(p).length),
      grid: 'uniform',
    },
    problem: p,
    timings: { stepMs: raw.stepMs, totalMs: performance.now() - start },
    ...(checkpoint ? { checkpoint } : {}),
  };
}

/** The adaptive non-uniform grid (src/dmft/grid.ts): same Solution fields, t non-uniform. */
async function solveAdaptive(
  p: DmftProblem,
  opts: DmftSolveOptions,
  start: number,
  resume: GridCheckpoint | undefined,
  due: (() => boolean) | undefined,
): Promise<DmftSolution> {
  const engine = opts.engine ?? 'wasm';
  const rt = engine === 'ts' ? undefined : (opts.runtime ?? (await loadWasm({ variant: 'auto', budgetBytes: p.budgetBytes })));
  let at = { row: 0, t: 0 };
  const raw = await runAdaptiveAsync(
    p,
    { rtol: p.rtol!, atol: p.atol!, dtMax: p.eta },
    {
      budgetBytes: p.budgetBytes,
      signal: opts.signal,
      runtime: rt && typeof rt.exports.dmft_grid_row === 'function' ? rt : undefined,
      extrapolate: p.secondOrder,
      onStep: (e) => {
        at = e;
        opts.onStep?.(e);
      },
      stopAfterSteps: opts.stopAfterSteps,
      resume,
      checkpointDue: opts.onCheckpoint ? due : undefined,
      onCheckpoint: opts.onCheckpoint,
      onProgress: opts.onProgress
        ? (f) =>
            opts.onProgress!({ phase: f <= 8 / 9 ? `step ${at.row}, t = ${at.t.toPrecision(4)}/${p.tMax}` : 'coarse replay (error estimate)', fraction: f })
        : undefined,
    },
  );
  if (raw.paused && raw.status === 'Terminated') opts.onCheckpoint?.(raw.paused);
  const rows = raw.rows;
  const stride = Math.max(1, Math.ceil(rows / p.maxPoints));
  const idx: number[] = [];
  for (let k = 0; k < rows; k += stride) idx.push(k);
  if (rows > 0 && idx[idx.length - 1] !== rows - 1) idx.push(rows - 1);
  const t = idx.map((k) => raw.t[k]);
  const h1p = series(p.h, 1)[1];
  return {
    status: raw.paused && raw.status !== 'Terminated' ? 'NotConverged' : raw.status,
    message:
      raw.paused && raw.status !== 'Terminated'
        ? `paused after ${raw.steps.steps} steps at t = ${raw.t[rows - 1]} (checkpoint attached; pass it as resumeFrom)`
        : raw.message,
    ...(raw.paused ? { checkpoint: raw.paused } : {}),
    ...curveFields(p, t, idx, raw),
    stats: {
      N: raw.steps.steps,
      eta: p.eta,
      scheme: p.scheme,
      secondOrder: raw.values === 'extrapolated',
      rowsComputed: rows,
      lastGoodTime: rows > 0 ? raw.t[rows - 1] : NaN,
      thinStride: stride,
      points: idx.length,
      invariants: { ...raw.invariants, trainEqualsTestAtZero: rows > 0 ? Math.abs(raw.etr[0] - raw.ets[0]) : NaN },
      stiffnessAtStart: raw.steps.dtFirst * p.alpha * p.a0 * p.a0 * h1p,
      engine: raw.engine,
      simd: raw.simd,
      threads: 1,
      memoryBytes: raw.memoryBytes,
      grid: 'adaptive',
      adaptive: { ...raw.steps, rtol: p.rtol!, atol: p.atol!, errorEstimate: raw.errorEstimate, values: raw.values, stabilityRetries: raw.stabilityRetries },
    },
    problem: p,
    timings: { stepMs: raw.stepMs, totalMs: performance.now() - start },
  };
}

/** The θ grid's checkpoint state (solver 'theta'): which run (1: the reported one at rtol; 2: a companion of
 *  the error estimate, `companion` its index in COMPANIONS, `companions` the ones tried before it), that run's ThetaResume packed field by field (packState: every field
 *  of ThetaState, whatever the kernels add), and in run 2 the finished first run's result (small: the
 *  one-time series and the step history), so that neither run is computed twice. */
interface ThetaCheckpointState {
  [k: string]: StateValue;
  pass: 1 | 2;
  /** JSON of the first run's control (L, tolerances, step cap). */
  control: string;
  /** NF, NT, the field names of ThetaState and a hash of the θ grid (nodes, weights, stencils; dmft-grid.md
   *  §6): a checkpoint of another layout or node placement is refused, not misread. */
  layout: string;
  run: StateValue;
  main: StateValue | null;
  /** Pass 2: index into COMPANIONS of the running companion (absent in older checkpoints: the first). */
  companion: number;
  /** Pass 2: JSON of the companions tried and rejected before it (stats.theta.companions). */
  companions: string;
}
const thetaLayout = (G: ThetaGrid) => JSON.stringify({ NF, NT, fields: Object.keys(thetaAlloc(2, 1)).sort(), grid: gridHash(G) });
/** FNV-1a (32 bit) over the scalars and the bytes of every array of the grid, field by field. */
function gridHash(G: ThetaGrid): string {
  let h = 0x811c9dc5;
  const eat = (b: Uint8Array) => {
    for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193);
  };
  for (const [k, v] of Object.entries(G).sort(([a], [b]) => (a < b ? -1 : 1))) {
    eat(new TextEncoder().encode(k));
    if (ArrayBuffer.isView(v)) eat(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    else eat(new Uint8Array(new Float64Array([Number(v)]).buffer));
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
/** The error-estimate companions' tolerance factors, tried in order until one finishes cleanly. */
const COMPANIONS = [10, 3] as const;
/** A companion's control: tolerances ×c, at most 1.25× the reported run's steps + 10 (it needs ≈ 1/√c of them
 *  while the tolerance sets the steps, about as many where the stability cap does; more means it is in trouble). */
const companionControl = (ctl: ThetaControl, c: number, mainSteps: number): ThetaControl => ({
  ...ctl,
  rtol: c * ctl.rtol,
  atol: c * ctl.atol,
  maxSteps: mainSteps,
});
/** Relative deviation (max over t of |x(rtol) − x(c·rtol)| over max |x(rtol)|) of e_tr, e_ts, a or v beyond
 *  which a companion is not a perturbation of the reported run but another trajectory (the failed rtol 1e-2 run
 *  at m = 256, t/m = 100 ended at e_ts 0.58 against 0.053, a ≈ 0 against 1.26). A companion within its
 *  tolerance is O(c·rtol·constant) off; 0.25 leaves room for an error constant of 25 at c·rtol = 1e-2. */
const COMPANION_FAR = 0.25;
/** max_t |x(rtol) − x(c·rtol)|/D per observable at the companion's times (the reported run interpolated
 *  linearly), and which observable (if any) is implausibly far (COMPANION_FAR).
 *  D: a second-order march has global error ∝ N⁻² in its N steps, so x(rtol) − x(c·rtol) ≈ e(rtol)·((N/N_c)² − 1);
 *  tolerance-limited steps give N/N_c = √c and D = c − 1 (global error ∝ rtol). Where the stability cap
 *  (ThetaControl.dtLamMax) limits both runs' steps, N/N_c < √c and the companion is less than c times worse:
 *  D = (N/N_c)² − 1, kept in [1, c − 1] (m = 64, t = 640, rtol 1e-2: N/N_c = 1.6, D = 1.5; with D = 9 the
 *  estimate was 4× below the error). */
export function companionEstimate(main: ThetaRaw, loose: ThetaRaw, c: number) {
  const D = Math.min(c - 1, Math.max(1, (main.steps / Math.max(loose.steps, 1)) ** 2 - 1));
  const lin = (ts: Float64Array, ys: Float64Array, t: number) => {
    let k = 0;
    while (k < ts.length - 2 && ts[k + 1] < t) k++;
    const u = (t - ts[k]) / (ts[k + 1] - ts[k]);
    return (1 - u) * ys[k] + u * ys[k + 1];
  };
  const out = { a: NaN, v: NaN, trainError: NaN, testError: NaN, far: '', divisor: D };
  for (const [f, g] of [
    ['a', 'a'],
    ['v', 'v'],
    ['etr', 'trainError'],
    ['ets', 'testError'],
  ] as const) {
    let d = 0,
      scale = 0;
    for (let k = 0; k < main.rows; k++) scale = Math.max(scale, Math.abs(main[f][k]));
    for (let k = 0; k < loose.rows; k++) {
      const x = Math.abs(lin(main.t, main[f], loose.t[k]) - loose[f][k]);
      d = Number.isNaN(x) ? NaN : Math.max(d, x);
    }
    out[g] = d / D;
    if (!out.far && d > COMPANION_FAR * scale) out.far = `max |Δ${g}| ${d.toPrecision(3)} > ${COMPANION_FAR}·max |${g}| (${scale.toPrecision(3)})`;
  }
  return out;
}

/** The θ = t′/t grid (src/dmft/theta-grid.ts): same Solution fields, t at the accepted steps. Stops and
 *  resumes like the other grids: a signal ends it 'Terminated' with a checkpoint (also during the 10·rtol
 *  error-estimate run, which is resumed, not restarted), `resumeFrom` continues byte-identically. */
async function solveThetaGrid(
  p: DmftProblem,
  opts: DmftSolveOptions,
  start: number,
  key: string,
  from: DmftCheckpoint | undefined,
  due: (() => boolean) | undefined,
): Promise<DmftSolution> {
  const ctl: ThetaControl = { rtol: p.rtol!, atol: p.atol!, L: p.thetaNodes ?? 64, dtMax: p.eta };
  const control = JSON.stringify(ctl);
  // The evaluations run in the Wasm kernel dmft_theta_eval (bitwise equal to the host thetaEval, engine 'ts').
  const engine = opts.engine ?? 'wasm';
  const rt = engine === 'ts' ? undefined : (opts.runtime ?? (await loadWasm({ variant: 'auto', budgetBytes: p.budgetBytes })));
  const runtime = rt && typeof rt.exports.dmft_theta_eval === 'function' ? rt : undefined;
  // One grid for both runs (same L and range Λ); its hash goes into the checkpoint.
  const grid = thetaGrid(ctl.L!, defaultLambda(p));
  const layout = thetaLayout(grid);
  const rs = from?.state as ThetaCheckpointState | undefined;
  if (rs && (rs.control !== control || rs.layout !== layout))
    throw new ParameterError(
      'resume',
      'theta checkpoint',
      `a checkpoint of this problem, step control and state layout (it was written ${rs.control !== control ? 'for a different control' : 'by another version'})`,
    );
  const wrap = (pass: 1 | 2, run: ThetaResume, main: ThetaRaw | null, companion = 0, tried = '[]'): DmftCheckpoint => {
    const K = run.state.K;
    const rows = pass === 1 ? K + 1 : main!.rows;
    return {
      kind: DMFT_CHECKPOINT_KIND,
      version: DMFT_CHECKPOINT_VERSION,
      solver: 'theta',
      problem: key,
      rows,
      t: pass === 1 ? run.state.T[K * NT] : main!.t[rows - 1],
      state: {
        pass,
        control,
        layout,
        run: packState(run),
        main: main ? packState({ ...main, paused: undefined }) : null,
        companion,
        companions: tried,
      } satisfies ThetaCheckpointState,
    };
  };
  const resumeOf = (pass: 1 | 2) => (rs && rs.pass === pass ? (unpackState(rs.run) as ThetaResume) : undefined);
  const tMax = p.tMax;
  // Progress: the reported run ≈ 3/4 of the work, the 10·rtol run (≈ √10 fewer steps) the rest (a fallback
  // companion at 3·rtol restarts the last quarter). Within a
  // run the fraction is √(t/tMax): the step count grows like t^0.4–0.6 (measured, docs/dmft-long-times.md),
  // so the ETA (from the rate of the fraction) is not dominated by the short early steps as t/tMax would be.
  const progress = (lo: number, hi: number, what: string) =>
    opts.onProgress
      ? (e: { t: number; row: number }) =>
          opts.onProgress!({ phase: `${what}step ${e.row}, t = ${e.t.toPrecision(4)}/${tMax}`, fraction: lo + (hi - lo) * Math.sqrt(e.t / tMax) })
      : undefined;
  let checkpoint: DmftCheckpoint | undefined;
  let raw: ThetaRaw;
  if (rs?.pass === 2) raw = unpackState(rs.main!) as ThetaRaw;
  else {
    const prog = progress(0, 0.75, '');
    raw = await runThetaAsync(p, {
      ctl,
      grid,
      runtime,
      signal: opts.signal,
      resume: resumeOf(1),
      stopAfterSteps: opts.stopAfterSteps,
      onStep: (e) => {
        opts.onStep?.(e);
        prog?.(e);
      },
      checkpointDue: opts.onCheckpoint ? due : undefined,
      onCheckpoint: opts.onCheckpoint ? (r) => opts.onCheckpoint!(wrap(1, r, null)) : undefined,
    });
    if (raw.paused) checkpoint = wrap(1, raw.paused, null);
  }
  // Global error estimate from a companion run at c·rtol: max_t |x(rtol) − x(c·rtol)|/D (companionEstimate).
  // c = 10 first (cheapest, ≈ √10 fewer steps); when that companion does not finish cleanly — it ends
  // non-Success, needs more than 1.25× the reported run's steps (a looser run that works harder is in trouble: the
  // m = 256, t/m = 100 run at rtol 1e-2 crawled on for 34k steps and lost a), or lands implausibly far from the
  // reported run — the estimate falls back to c = 3 (issue 11: `--rtol 1e-3` at t/m = 100 gave no error bar).
  let loose: ThetaRaw | undefined;
  let est = { a: NaN, v: NaN, trainError: NaN, testError: NaN, companionRtol: NaN };
  const companions: { rtol: number; status: Status; steps: number; divisor: number; rejected: string }[] =
    rs?.pass === 2 ? JSON.parse((rs.companions as string | undefined) ?? '[]') : [];
  let stoppedInEstimate = false,
    stoppedRtol = NaN;
  if (raw.status === 'Success' && !raw.paused) {
    const main = raw;
    const resumedAt = rs?.pass === 2 ? ((rs.companion as number | undefined) ?? 0) : -1;
    for (let ci = Math.max(resumedAt, 0); ci < COMPANIONS.length; ci++) {
      const c = COMPANIONS[ci];
      const prog = progress(0.75, 1, `${c}·rtol error-estimate run, `);
      const tried = JSON.stringify(companions);
      loose = await runThetaAsync(p, {
        ctl: companionControl(ctl, c, ci === 0 && opts.thetaCompanionMaxSteps !== undefined ? opts.thetaCompanionMaxSteps : Math.ceil(1.25 * main.steps) + 10),
        grid,
        runtime,
        signal: opts.signal,
        resume: resumedAt === ci ? resumeOf(2) : undefined,
        onStep: prog,
        checkpointDue: opts.onCheckpoint ? due : undefined,
        onCheckpoint: opts.onCheckpoint ? (r) => opts.onCheckpoint!(wrap(2, r, main, ci, tried)) : undefined,
      });
      if (loose.paused) {
        checkpoint = wrap(2, loose.paused, main, ci, tried);
        stoppedInEstimate = loose.status === 'Terminated';
        stoppedRtol = c * ctl.rtol;
        break;
      }
      const e = companionEstimate(main, loose, c);
      const rejected =
        loose.status !== 'Success'
          ? `${loose.status}: ${loose.message ?? ''}`
          : !(Number.isFinite(e.a) && Number.isFinite(e.v) && Number.isFinite(e.trainError) && Number.isFinite(e.testError))
            ? 'non-finite estimate'
            : e.far
              ? `implausible: ${e.far}`
              : '';
      companions.push({ rtol: c * ctl.rtol, status: loose.status, steps: loose.steps, divisor: e.divisor, rejected });
      if (!rejected) {
        est = { a: e.a, v: e.v, trainError: e.trainError, testError: e.testError, companionRtol: c * ctl.rtol };
        break;
      }
    }
  }
  if (checkpoint && (raw.status === 'Terminated' || stoppedInEstimate)) opts.onCheckpoint?.(checkpoint);
  const rows = raw.rows;
  const stride = Math.max(1, Math.ceil(rows / p.maxPoints));
  const idx: number[] = [];
  for (let k = 0; k < rows; k += stride) idx.push(k);
  if (rows > 0 && idx[idx.length - 1] !== rows - 1) idx.push(rows - 1);
  const t = idx.map((k) => raw.t[k]);
  const h1p = series(p.h, 1)[1];
  const hs = Math.max(1, Math.ceil(raw.history.t.length / 400));
  const thin = (x: number[]) => x.filter((_, i) => i % hs === 0 || i === x.length - 1);
  let etrInc = 0,
    vMax = 0,
    coMax = 0;
  for (let k = 0; k < rows; k++) {
    if (k > 0) etrInc = Math.max(etrInc, (raw.etr[k] - raw.etr[k - 1]) / Math.max(raw.etr[0], 1e-300));
    vMax = Math.max(vMax, Math.abs(raw.v[k]));
    if (p.m > 1) coMax = Math.max(coMax, Math.abs(raw.coDiag[k]));
  }
  // A stop during the error-estimate run keeps the finished curves but says the run was stopped.
  return {
    status: stoppedInEstimate ? 'Terminated' : raw.paused && raw.status !== 'Terminated' ? 'NotConverged' : raw.status,
    message: stoppedInEstimate
      ? `${loose!.message} (in the error-estimate run at rtol ${stoppedRtol}; the curves are complete)`
      : raw.paused && raw.status !== 'Terminated'
        ? `paused after ${raw.steps} steps at t = ${raw.t[raw.rows - 1]} (checkpoint attached; pass it as resumeFrom)`
        : raw.message,
    ...curveFields(p, t, idx, raw),
    stats: {
      N: raw.steps,
      eta: p.eta,
      scheme: p.scheme,
      secondOrder: false,
      rowsComputed: rows,
      lastGoodTime: rows > 0 ? raw.t[rows - 1] : NaN,
      thinStride: stride,
      points: idx.length,
      invariants: {
        checkedRows: rows,
        maxTrainIncrease: etrInc,
        maxAbsV: vMax,
        maxAbsCo: coMax,
        maxCdDiagDev: 0,
        maxCdSubDev: 0,
        tolerances: { trainIncrease: 10 * p.rtol!, bound: 1e-3 },
        trainEqualsTestAtZero: rows > 0 ? Math.abs(raw.etr[0] - raw.ets[0]) : NaN,
      },
      stiffnessAtStart: (raw.history.dt[0] ?? 0) * p.alpha * p.a0 * p.a0 * h1p,
      engine: runtime ? 'wasm' : 'ts',
      simd: runtime?.simd ?? false,
      threads: 1,
      memoryBytes: raw.memoryBytes,
      grid: 'theta',
      theta: {
        L: raw.L,
        Lambda: raw.Lambda,
        rtol: p.rtol!,
        atol: p.atol!,
        steps: raw.steps,
        rejections: raw.rejections,
        dtMin: raw.dtMin,
        dtMaxUsed: raw.dtMaxUsed,
        history: { t: thin(raw.history.t), dt: thin(raw.history.dt), err: thin(raw.history.err), dtLam: thin(raw.history.dtLam) },
        errorEstimate: est,
        companions,
      },
    },
    problem: p,
    timings: { stepMs: raw.stepMs + (loose?.stepMs ?? 0), totalMs: performance.now() - start },
    ...(checkpoint ? { checkpoint } : {}),
  };
}

/** Combine two runs (η and η/2) into the second-order values on the η grid; rows up to the shorter one,
 *  the worse status wins. */
function richardson(coarse: Awaited<ReturnType<typeof runSymm>>, fine: Awaited<ReturnType<typeof runSymm>>): Awaited<ReturnType<typeof runSymm>> {
  const rows = Math.min(coarse.rows, Math.floor((fine.rows - 1) / 2) + 1);
  const mix = (c: Float64Array, f: Float64Array) => {
    const out = new Float64Array(rows);
    for (let k = 0; k < rows; k++) out[k] = 2 * f[2 * k] - c[k];
    return out;
  };
  const bad = coarse.status !== 'Success' ? coarse : fine;
  return {
    ...coarse,
    rows,
    status: combineStatus(coarse.status, fine.status),
    message: bad.message,
    etr: mix(coarse.etr, fine.etr),
    ets: mix(coarse.ets, fine.ets),
    a: mix(coarse.a, fine.a),
    v: mix(coarse.v, fine.v),
    coDiag: mix(coarse.coDiag, fine.coDiag),
    cd0: mix(coarse.cd0, fine.cd0),
    nu: mix(coarse.nu, fine.nu),
    stepMs: coarse.stepMs + fine.stepMs,
  };
}

/** A resolved problem (e.g. from a manifest) fed back: drop the derived fields before validation. */
function stripDerived(input: DmftProblemInput | DmftProblem): DmftProblemInput {
  const o = { ...(input as Record<string, unknown>) };
  if ('steps' in o) {
    if (o.etaAuto === true) o.eta = 'auto';
    if (o.grid === 'adaptive' || o.grid === 'theta') delete o.errorEstimate;
    delete o.etaAuto;
    delete o.steps;
    delete o.alphaBar;
    if (o.init === 'lazy') delete o.a0;
  }
  return o as DmftProblemInput;
}
