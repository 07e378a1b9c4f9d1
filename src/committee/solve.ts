// solve for the committee engine: the ODE of the overlaps (committee.md §3, §5) and, when asked,
// the one-pass SGD it describes, from the SAME initial state (the overlaps of the simulation's actual
// initial weights, or the init file's overlaps realised exactly at dimension d), on one save grid,
// with the agreement figure, plateaus and the regime of the run.
import { loadWasm, type WasmRuntime } from '../wasm/runtime.js';
import { InlineExecutor, WorkerPool, type Executor } from '../wasm/exec.js';
import { MemoryBudgetError } from '../wasm/arena.js';
import { logspace } from '../kernel/problem.js';
import { committeeProblem, type CommitteeProblem, type CommitteeProblemInput } from './problem.js';
import { ACT_CODE, MODEL, PAR, VAR_CODE, committeeWorkF64, meanfieldStateLength, meanfieldWorkF64, odeWorkF64, paramsLength, stateLength } from './layout.js';
import { integrateOverlaps, integrateWith, type OdeResult } from './ode-driver.js';
import { combineStatus, TERMINATED_MESSAGE, type SolveOptions, type Status } from '../core/contract.js';
import { rhsGeneral, riskGeneral } from './integrals.js';
import { ParameterError } from '../core/validate.js';
import { runSgd, sgdMemoryBytes, summarizeSgd, type SgdReplicate, type SgdResult } from './sgd.js';
import { weightsFromOverlaps } from './init.js';
import { agreement, classifyRegime, detectPlateaus, type Agreement, type PlateauReport, type RegimeReport } from './analysis.js';
import { meanfieldParams } from './meanfield-params.js';

/** The engine contract's options (runtime, executor, signal, progress; onPartial receives each SGD
 *  replicate as it finishes), plus what only this engine takes. */
export interface CommitteeSolveOptions extends SolveOptions<SgdReplicate> {
  /** Run the SGD simulation beside the ODE (the `committee sgd` command). */
  simulate?: boolean;
  /** For activation 'custom': σ (and σ′, σ* if they differ) as functions; the ODE then runs in TS with
   *  the Gaussian integrals by Gauss–Hermite quadrature (committee.md §3.2). */
  customActivation?: { sigma: (x: number) => number; sigmaPrime?: (x: number) => number; teacherSigma?: (x: number) => number };
}

export interface CommitteeSolution {
  status: Status;
  message?: string;
  /** Save times t = νγ/(pd). */
  t: number[];
  /** ODE excess risk ε_g = R − Δ/2 (mean over the replicates' ODEs when simulating). */
  odeRisk: number[];
  /** Final overlaps of the ODE (p×p, p×k) and second layer. */
  Q: number[][];
  M: number[][];
  a?: number[];
  /** Initial state the ODE (and replicate 0 of the SGD) started from. */
  initial: { Q: number[][]; M: number[][]; P: number[][]; a?: number[]; aStar: number[] };
  sgd?: {
    risk: number[];
    riskSE: number[];
    riskQ10: number[];
    riskQ90: number[];
    /** Per replicate (rows: the replicates that entered the mean, in seed order). */
    riskBySeed: number[][];
    /** Actual save times ν_s γ/(pd) (the ODE is evaluated at these). */
    times: number[];
    steps: number[];
    Q: number[][];
    M: number[][];
    seedsCompleted: number;
    status: string[];
  };
  agreement?: Agreement;
  plateaus: PlateauReport;
  sgdPlateaus?: PlateauReport;
  regime: RegimeReport;
  stats: {
    ode: OdeResult['stats'] & {
      method: string /** Largest |t_row − t_requested| of the ODE rows (fixed steps; 0 for DOPRI5's dense output). */;
      timeOffset: number;
    };
    memoryEstimateBytes: number;
    wasm: ReturnType<WasmRuntime['features']>;
    rng?: SgdResult['rng'];
  };
  timings: { odeMs: number; sgdMs: number; totalMs: number };
  problem: CommitteeProblem;
}

const matrix = (v: ArrayLike<number>, off: number, rows: number, cols: number) =>
  Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => v[off + i * cols + j]));

/** Params block of the layout (src/committee/layout.ts) for a problem and its teacher (P, a*). */
export function buildParams(p: CommitteeProblem, P: ArrayLike<number>, aStar: ArrayLike<number>): Float64Array {
  const out = new Float64Array(paramsLength(p.k));
  out[PAR.P] = p.p;
  out[PAR.K] = p.k;
  out[PAR.GAMMA_OVER_P] = p.lr / p.p;
  out[PAR.NOISE] = p.noise;
  out[PAR.VAR] = VAR_CODE[p.variance];
  out[PAR.ACT] = p.activation === 'custom' ? -1 : ACT_CODE[p.activation];
  out[PAR.TACT] = p.teacherActivation === 'custom' ? -1 : ACT_CODE[p.teacherActivation];
  out[PAR.TRAIN_A] = p.trainSecondLayer ? 1 : 0;
  out[PAR.GH_NODES] = 0; // ReLU I4: exact (Stein + Plackett orthant reduction); n > 0 selects n-node Gauss–Hermite
  out[PAR.DIM] = p.dim;
  out[PAR.GJ_NODES] = 48;
  out.set(P, PAR.HEADER);
  out.set(aStar, PAR.HEADER + p.k * p.k);
  return out;
}

/** Wasm bytes a run allocates: the ODE driver's buffers (params, state, save rows, integrator and
 *  model work, stats, risk work; one replicate's ODE at a time), the SGD's (sgdMemoryBytes) and the
 *  SGD summary's risk evaluation. */
export function committeeMemoryBytes(p: CommitteeProblem, simulate: boolean): number {
  const mf = p.model === 'meanfield';
  const model = mf ? MODEL.meanfield : MODEL.committee;
  const n = mf ? meanfieldStateLength(p.p, p.k) : stateLength(p.p, p.k, p.trainSecondLayer);
  const nsave = p.tCount + 2;
  const modelWork = mf ? meanfieldWorkF64(p.p, p.k) : committeeWorkF64(p.p, p.k);
  // The mean-field params block also carries P⁻¹ and ≤ 48 Gauss–Jacobi nodes and weights.
  const params = paramsLength(p.k) + (mf ? p.k * p.k + 2 * 48 + 16 : 0);
  const odeF64 = params + n + nsave + nsave * n + odeWorkF64(model, n, p.p, p.k) + 64 + 16 + nsave + modelWork + 64;
  const ode = odeF64 * 8 + 8 * 64 + (1 << 20); // alignment of 8 buffers + slack
  // Without an init file even the ODE draws one set of weights to start from.
  const sgd = simulate ? sgdMemoryBytes(p.p, p.k, p.dim, p.seeds, p.trainSecondLayer) : p.init ? 0 : sgdMemoryBytes(p.p, p.k, p.dim, 1, p.trainSecondLayer);
  // SGD summary: the exact risk of each recorded (Q, M) by the committee closed forms (also for mean-field runs).
  const L = stateLength(p.p, p.k, p.trainSecondLayer);
  const summary = simulate ? (paramsLength(p.k) + L + committeeWorkF64(p.p, p.k) + 64) * 8 + 3 * 64 : 0;
  return ode + sgd + summary;
}

/** Validate a committee problem for the ODE alone or with the SGD (simulate): schema, custom
 *  activations, the SGD step budget and the memory estimate; throws before anything is allocated. */
export function validateCommitteeProblem(
  input: CommitteeProblemInput,
  simulate: boolean,
  customActivation?: CommitteeSolveOptions['customActivation'],
): { problem: CommitteeProblem; memoryBytes: number } {
  const p = committeeProblem(input);
  const custom = p.activation === 'custom' || p.teacherActivation === 'custom';
  if (custom && !customActivation) throw new ParameterError('activation', 'custom', 'a function passed as options.customActivation (library only)');
  if (custom && (simulate || p.model === 'meanfield' || p.activation !== p.teacherActivation))
    throw new ParameterError(
      'activation',
      'custom',
      'the full ODE only, with the same custom σ for student and teacher (SGD and mean-field need a built-in activation)',
    );
  if (simulate) {
    const steps = ((p.tMax * p.p * p.dim) / p.lr) * p.seeds;
    if (steps > p.maxSgdSteps)
      throw new ParameterError(
        'tMax',
        p.tMax,
        `a horizon needing ≤ maxSgdSteps = ${p.maxSgdSteps.toExponential(2)} SGD steps (this one needs ${steps.toExponential(2)} = t·p·d/γ × seeds)`,
      );
  }
  const memoryBytes = committeeMemoryBytes(p, simulate);
  if (memoryBytes > p.budgetBytes) throw new MemoryBudgetError(memoryBytes, p.budgetBytes);
  return { problem: p, memoryBytes };
}

export async function solveCommittee(input: CommitteeProblemInput, opts: CommitteeSolveOptions = {}): Promise<CommitteeSolution> {
  const start = performance.now();
  const simulate = !!opts.simulate;
  const { problem: p, memoryBytes: est } = validateCommitteeProblem(input, simulate, opts.customActivation);
  const custom = p.activation === 'custom' || p.teacherActivation === 'custom';
  const useThreads = p.threads > 1 && typeof process !== 'undefined';
  const rt = opts.runtime ?? (await loadWasm({ shared: useThreads, budgetBytes: p.budgetBytes }));
  const ownPool = !opts.executor && useThreads && rt.shared;
  const ex: Executor = opts.executor ?? (ownPool ? await WorkerPool.create(rt, p.threads) : new InlineExecutor(rt));
  const progress = opts.onProgress ?? (() => {});
  const tsave = logspace(p.tMin, p.tMax, p.tCount);
  const L = stateLength(p.p, p.k, p.trainSecondLayer);
  let sgdMs = 0;
  try {
    // 1. Initial state. ODE only with init overlaps: take them as they are. Otherwise draw the
    //    weights (Gaussian W0 and an orthonormal teacher, or weights realising the init overlaps
    //    exactly at d) and, when simulating, run the SGD; the ODE starts from their overlaps.
    const t0 = performance.now();
    let sgd: SgdResult | undefined;
    let P: Float64Array;
    let aStar: Float64Array;
    let initials: Float64Array[];
    // Replicates whose trajectories enter the summary, and how many saves they all hold.
    let used: SgdReplicate[] = [];
    let saves = tsave.length;
    if (!simulate && p.init) {
      P = Float64Array.from(p.init.P ? p.init.P.flat() : identity(p.k));
      aStar = Float64Array.from(p.init.aStar ?? new Array(p.k).fill(1));
      const y = new Float64Array(L);
      y.set(p.init.Q.flat(), 0);
      y.set(p.init.M.flat(), p.p * p.p);
      if (p.trainSecondLayer) y.set(p.init.a ?? new Array(p.p).fill(1), p.p * p.p + p.p * p.k);
      initials = [y];
    } else {
      const explicit = p.init ? weightsFromOverlaps(p.init, p.dim, p.seed, 0) : undefined;
      sgd = await runSgd(rt, ex, {
        p: p.p,
        k: p.k,
        d: p.dim,
        gammaOverP: p.lr / p.p,
        noise: p.noise,
        // A custom σ does not enter the initial draw; the SGD kernels need a built-in code there.
        activation: custom ? 'erf' : (p.activation as Exclude<typeof p.activation, 'custom'>),
        teacherActivation: custom ? 'erf' : (p.teacherActivation as Exclude<typeof p.activation, 'custom'>),
        trainSecondLayer: p.trainSecondLayer,
        a0: p.init?.a,
        astar: p.init?.aStar,
        seed: p.seed,
        seeds: simulate ? p.seeds : 1,
        init: explicit ? { W: explicit.W, Wstar: explicit.Wstar } : 'gaussian',
        saveTimes: simulate ? tsave : [0],
        signal: opts.signal,
        resume: simulate ? (opts.resume as SgdReplicate[] | undefined) : undefined,
        // --checkpoint-every: running replicates hand out their snapshot periodically (stored for --resume).
        snapshotEveryMs: simulate ? opts.checkpointEveryMs : undefined,
        onSnapshot: simulate && opts.onPartial ? (r) => opts.onPartial!(r) : undefined,
        // Replicates step in parallel (interleaved chunks): the phase names them all, never "replicate 4/4".
        onProgress: (e) => progress({ phase: simulate && p.seeds > 1 ? `SGD, ${p.seeds} replicates in parallel` : 'SGD', fraction: 0.8 * e.fraction }),
      });
      P = sgd.P;
      aStar = sgd.astar;
      // Unstable replicates are left out; replicates stopped by the signal enter with the saves that
      // all of them reached (the trajectory to the last completed save).
      used = simulate ? sgd.replicates.filter((r) => r.status !== 'Unstable') : [sgd.replicates[0]];
      if (simulate) saves = used.length ? Math.min(...used.map((r) => r.savesDone)) : 0;
      if (simulate) for (const r of used) opts.onPartial?.(r);
      initials = used.map((r) => r.initial);
    }
    const aborted = opts.signal?.aborted === true;
    if (aborted && !simulate) saves = 0; // the ODE alone is one call: nothing of it is finished
    sgdMs = performance.now() - t0;
    // Our params block: the problem's variance/activations and the teacher (P, a*).
    const params = buildParams(p, P, aStar);
    const model = p.model === 'meanfield' ? MODEL.meanfield : MODEL.committee;
    // The mean-field model carries P⁻¹ and the Gauss–Jacobi nodes of its Ξ average (committee.md §5).
    const odeParams =
      model === MODEL.meanfield
        ? meanfieldParams({
            p: p.p,
            k: p.k,
            P,
            aStar,
            d: p.dim,
            activation: p.activation as 'erf' | 'quadratic',
            gammaOverP: p.lr / p.p,
            noise: p.noise,
            varTerms: p.variance,
            nodes: 48,
          })
        : params;
    const odeTimes = (sgd && simulate ? Float64Array.from(sgd.times) : tsave).slice(0, saves);

    // 2. One ODE per replicate from its own initial overlaps (cheap next to the SGD); risk averaged.
    const ode0 = performance.now();
    const odes: OdeResult[] = [];
    for (let i = 0; i < initials.length && odeTimes.length > 0; i++) {
      const y0 = model === MODEL.meanfield ? meanfieldState(initials[i], p) : initials[i].slice();
      const odeOpts = {
        method: p.method,
        dt: p.dt,
        rtol: p.rtol,
        atol: p.atol,
        maxSteps: p.maxSteps,
        onProgress: (f: number) =>
          progress({ phase: `ODE ${i + 1}/${initials.length}`, fraction: (simulate ? 0.8 : 0) + ((simulate ? 0.2 : 1) * (i + f)) / initials.length }),
      };
      const ca = opts.customActivation;
      const r = ca
        ? integrateWith(
            (_t, y, dy) => rhsGeneral(odeParams, y, dy, ca.sigma, ca.sigmaPrime, ca.teacherSigma),
            (y) => riskGeneral(odeParams, y, ca.sigma, ca.teacherSigma),
            p.p,
            y0,
            odeTimes,
            odeOpts,
          )
        : // Beside the SGD the ODE only follows the saves the SGD reached (cheap): the signal stops the SGD.
          await integrateOverlaps(rt, model, odeParams, y0, odeTimes, { ...odeOpts, signal: simulate ? undefined : opts.signal });
      odes.push(r);
      if (r.status !== 'Success') break;
    }
    const odeMs = performance.now() - ode0;
    const main: OdeResult | undefined = odes[0];
    const rows = odes.length ? Math.min(...odes.map((o) => o.rows)) : 0;
    const odeRisk = Array.from({ length: rows }, (_, s) => odes.reduce((acc, o) => acc + o.risk[s], 0) / odes.length);
    const failed = odes.find((o) => o.status !== 'Success');
    let status: Status = failed?.status ?? 'Success';
    let message = failed?.message;
    if (aborted) {
      status = 'Terminated';
      message = TERMINATED_MESSAGE;
    } else if (initials.length === 0) {
      status = 'Unstable';
      message = 'every SGD replicate produced non-finite weights';
    }
    // Final state: the ODE's last row, or the initial state when nothing was integrated.
    const y0 = initials[0] ?? new Float64Array(L);
    const n = main && main.rows > 0 ? main.states.length / main.rows : 0;
    const last = main && main.rows > 0 ? main.states.subarray((main.rows - 1) * n, main.rows * n) : model === MODEL.meanfield ? meanfieldState(y0, p) : y0;
    const finalQM = model === MODEL.meanfield ? meanfieldToQM(last, p) : { Q: matrix(last, 0, p.p, p.p), M: matrix(last, p.p * p.p, p.p, p.k) };
    const init0 = y0;
    // Fixed-step integrators save the state of the step nearest each requested time: without the SGD,
    // t holds those actual times; beside the SGD, t is the SGD's save times and stats.ode says how far
    // the ODE rows sit from them (≤ dt/2).
    const fixedStep = p.method !== 'dopri5' && main !== undefined;
    const t = fixedStep && !simulate ? Array.from(main.t.subarray(0, rows)) : Array.from(odeTimes.slice(0, rows));
    const odeTimeOffset = fixedStep ? Math.max(0, ...Array.from(main.t.subarray(0, rows), (x, i) => Math.abs(x - odeTimes[i]))) : 0;
    const sol: CommitteeSolution = {
      status,
      message,
      t,
      odeRisk,
      Q: finalQM.Q,
      M: finalQM.M,
      a: p.trainSecondLayer && model === MODEL.committee ? Array.from(last.subarray(p.p * p.p + p.p * p.k, L)) : undefined,
      initial: {
        Q: matrix(init0, 0, p.p, p.p),
        M: matrix(init0, p.p * p.p, p.p, p.k),
        P: matrix(P, 0, p.k, p.k),
        a: p.trainSecondLayer ? Array.from(init0.subarray(p.p * p.p + p.p * p.k, L)) : undefined,
        aStar: Array.from(aStar),
      },
      plateaus: detectPlateaus(t, odeRisk),
      regime: classifyRegime(p.p, p.dim, p.lr),
      stats: {
        ode: { ...(main?.stats ?? EMPTY_ODE_STATS), method: p.method, timeOffset: odeTimeOffset },
        memoryEstimateBytes: est,
        wasm: rt.features(),
        rng: sgd?.rng,
      },
      timings: { odeMs, sgdMs, totalMs: 0 },
      problem: p,
    };
    if (simulate && sgd) {
      const riskOf = (y: Float64Array) => rt.exports.committee_risk(rt.arena.copyIn(params), rt.arena.copyIn(y));
      const mark = rt.arena.mark();
      const summary = summarizeSgd(
        sgd,
        (y) => {
          const m = rt.arena.mark();
          const v = riskOf(y);
          rt.arena.reset(m);
          return v;
        },
        used,
        rows,
      );
      const riskBySeed = used.map((r) =>
        Array.from({ length: rows }, (_, s) => {
          const m = rt.arena.mark();
          const v = riskOf(r.states.subarray(s * L, (s + 1) * L));
          rt.arena.reset(m);
          return v;
        }),
      );
      rt.arena.reset(mark);
      const ok = rows > 0 ? used : [];
      const lastRow = (r: SgdReplicate) => r.states.subarray((rows - 1) * L, rows * L);
      const meanLast = new Float64Array(L);
      for (const r of ok) lastRow(r).forEach((v, i) => (meanLast[i] += v / ok.length));
      const riskSE = Array.from(summary.stderr, (x) => (Number.isFinite(x) ? x : 0));
      sol.sgd = {
        risk: Array.from(summary.mean.slice(0, rows)),
        riskSE: riskSE.slice(0, rows),
        riskQ10: Array.from(summary.q10.slice(0, rows)),
        riskQ90: Array.from(summary.q90.slice(0, rows)),
        riskBySeed,
        times: Array.from(sgd.times.slice(0, rows)),
        steps: Array.from(sgd.steps.slice(0, rows)),
        Q: matrix(meanLast, 0, p.p, p.p),
        M: matrix(meanLast, p.p * p.p, p.p, p.k),
        seedsCompleted: used.filter((r) => r.status === 'Success').length,
        status: sgd.replicates.map((r) => r.status),
      };
      sol.agreement = agreement(t, sol.sgd.risk, odeRisk, ok.length > 1 ? sol.sgd.riskSE : null, p.lr, p.p, p.dim);
      sol.sgdPlateaus = detectPlateaus(t, sol.sgd.risk);
      const unstable = sgd.replicates.length - used.length;
      if (unstable > 0 && combineStatus(sol.status, 'Unstable') === 'Unstable') {
        sol.status = 'Unstable';
        sol.message = `${unstable} SGD replicate(s) produced non-finite weights`;
      }
    }
    sol.timings.totalMs = performance.now() - start;
    return sol;
  } finally {
    if (ownPool) await ex.close();
  }
}

/** ODE statistics of a solve that integrated nothing (stopped before the ODE). */
const EMPTY_ODE_STATS: OdeResult['stats'] = { accepted: 0, rejected: 0, rhsEvals: 0, lastStep: 0 };

function identity(k: number): number[] {
  return Array.from({ length: k * k }, (_, i) => (i % (k + 1) === 0 ? 1 : 0));
}

/** Mean-field state (M, q) from a committee state: q_i = (Q − M P⁻¹ Mᵀ)_ii (P = I after the teacher QR). */
function meanfieldState(y: Float64Array, p: CommitteeProblem): Float64Array {
  const out = new Float64Array(p.p * p.k + p.p);
  const M = y.subarray(p.p * p.p, p.p * p.p + p.p * p.k);
  out.set(M, 0);
  for (let i = 0; i < p.p; i++) {
    let mm = 0;
    for (let r = 0; r < p.k; r++) mm += M[i * p.k + r] ** 2;
    out[p.p * p.k + i] = Math.max(0, y[i * p.p + i] - mm);
  }
  return out;
}

/** Q̄ = M Mᵀ + diag(q) (P = I) and M from a mean-field state. */
function meanfieldToQM(y: Float64Array, p: CommitteeProblem): { Q: number[][]; M: number[][] } {
  const M = matrix(y, 0, p.p, p.k);
  const Q = M.map((mi, i) => M.map((mj, j) => mi.reduce((s, v, r) => s + v * mj[r], 0) + (i === j ? y[p.p * p.k + i] : 0)));
  return { Q, M };
}
