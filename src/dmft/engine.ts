// The DMFT engine's descriptor (dmft.md): SymmDMFT (`dmft run`, optionally with the real network
// beside it, or an m-independent reduced system with --reduced), the direct simulations (`dmft
// simulate`), the reduced systems from a config (`dmft reduced`) and the full non-symmetric DMFT for
// small m (`dmft general`): variants of one shape.
import { combineStatus, type SolveOptions, type Status } from '../core/contract.js';
import { command, curveSummary, type EngineDescriptor, type Field } from '../core/engine.js';
import { ParameterError, unusedParameter } from '../core/validate.js';
import type { NdArray, OutputBundle } from '../io/index.js';
import { dmftBundle, dmftVsSimulation, matrixArray, simulationArrays } from '../io/bundles.js';
import type { FigureDesc, Series } from '../plot/figure.js';
import { dmftFigure, dmftSimulationFigure, type DmftTimeAxis } from '../plot/engines.js';
import { VERSION } from '../version.js';
import { loadWasm } from '../wasm/runtime.js';
import { solveGeneralDmft, validateGeneralDmft, type GeneralDmftInput, type GeneralDmftSolution } from './general.js';
import { dmftMemoryBytes, phiCoeffs, type DmftProblem, type DmftProblemInput } from './problem.js';
import { parseReducedProblem, solveReduced, type ReducedProblem, type ReducedSolution } from './reduced.js';
import { DSIM_RNG_SCHEME, simulationJSON, type SimResult, type SimulateOptions } from './simulate.js';
import { planSimulation, runPlannedSimulation, type SimulationPlan, type SimulationProblemInput, type SimulationResult } from './simulate-solve.js';
import { solveDmft, validateDmftProblem, type DmftSolution } from './solve.js';

// ------------------------------------------------------------------------------------- fields

const dmftModel: Field[] = [
  {
    key: 'm',
    flag: 'm',
    kind: 'int',
    help: 'width m (hidden neurons)',
    widget: { label: 'width m', control: 'int', def: '16', slider: { min: 1, max: 256, step: 1 }, group: 'model' },
  },
  {
    key: 'alpha',
    flag: 'alpha',
    kind: 'number',
    help: 'α = n/(md) (the DMFT prefactor ᾱ/m)',
    widget: { label: 'α = n/(md)', control: 'number', def: '0.3', slider: { min: 0.01, max: 4, step: 0.01 }, group: 'model' },
  },
  { key: 'alphaBar', flag: 'alpha-bar', kind: 'number', help: 'ᾱ = n/d = α·m (instead of --alpha)' },
  {
    key: 'tau',
    flag: 'tau',
    kind: 'number',
    help: 'label-noise standard deviation τ',
    widget: { label: 'noise τ', control: 'number', def: '0.6', slider: { min: 0, max: 2, step: 0.05 }, group: 'model' },
  },
  {
    key: 'h',
    flag: 'h',
    kind: 'numbers',
    help: 'power-series coefficients of h(q) = Σ c_k q^k (comma list), e.g. 0,0.9,0,0.1666666667',
    widget: {
      label: 'h(q) coefficients',
      control: 'numbers',
      def: '0, 0.9, 0, 0.1666666667',
      group: 'model',
      help: 'h(q) = Σ c_k q^k; c_0 = 0 for the network simulation',
    },
  },
  {
    key: 'phiHat',
    flag: 'phi-hat',
    kind: 'string',
    default: 'same',
    help: 'φ̂: same (φ = σ) | none (pure noise) | comma list of coefficients',
    widget: { label: 'teacher φ̂', control: 'select', def: 'same', options: ['same', 'none'], group: 'model' },
  },
  { key: 'phiNorm2', flag: 'phi-norm2', kind: 'number', help: '‖φ‖² (default h(1) for same, 0 for none; required with a coefficient list)' },
  {
    key: 'init',
    flag: 'init',
    kind: 'string',
    default: 'mean-field',
    help: 'mean-field (a(0) = a0) | lazy (a(0) = γ0·√m)',
    widget: { label: 'init', control: 'select', def: 'mean-field', options: ['mean-field', 'lazy'], group: 'model' },
  },
  {
    key: 'a0',
    flag: 'a0',
    kind: 'number',
    default: '1',
    help: 'a(0) for the mean-field init',
    widget: {
      label: 'a(0)',
      control: 'number',
      def: '1',
      optional: true,
      group: 'model',
      help: 'mean-field init (empty: 1)',
      when: { key: 'init', value: 'mean-field' },
    },
  },
  {
    key: 'gamma0',
    flag: 'gamma0',
    kind: 'number',
    help: 'γ0 for the lazy init',
    widget: { label: 'γ₀', control: 'number', def: '1', optional: true, group: 'model', help: 'lazy init: a(0) = γ₀√m', when: { key: 'init', value: 'lazy' } },
  },
  {
    key: 'frozenA',
    flag: 'frozen-a',
    kind: 'switch',
    help: 'freeze the second layer (ȧ ≡ 0)',
    widget: { label: 'freeze second layer', control: 'bool', def: 'false', group: 'model' },
  },
  { key: 'nonSpherical', flag: 'non-spherical', kind: 'switch', help: 'ν ≡ 0 (the V1 linear-regression variant)' },
];

const dmftGrid: Field[] = [
  {
    key: 'scheme',
    flag: 'scheme',
    kind: 'string',
    default: 'explicit',
    help: 'explicit (reference) | semi-implicit (IMEX, stable at large a²m)',
    widget: { label: 'scheme', control: 'select', def: 'explicit', options: ['explicit', 'semi-implicit'], group: 'time' },
  },
  {
    key: 'grid',
    flag: 'grid',
    kind: 'string',
    default: 'uniform',
    help: 'uniform (t_n = nη, the reference) | adaptive (error-controlled steps; --eta optional, the step cap) | theta (θ = t′/t grid for long times, docs/dmft-long-times.md)',
  },
  { key: 'thetaNodes', flag: 'theta-nodes', kind: 'int', default: '64', help: 'with --grid theta: ratio nodes θ = t′/t per step (accuracy; cost ∝ L²)' },
  {
    key: 'rtol',
    flag: 'rtol',
    kind: 'number',
    default: '1e-3',
    help: 'with --grid adaptive: relative tolerance of the local error per unit time; with --eta auto: of the estimated error (max over t)',
  },
  { key: 'atol', flag: 'atol', kind: 'number', default: 'rtol', help: 'with --grid adaptive: absolute tolerance' },
  {
    key: 'eta',
    flag: 'eta',
    kind: 'numberOrAuto',
    help: 'grid step η (cost ∝ (tMax/η)³, memory 24(tMax/η)² bytes); auto: uniform grid, η from the error estimate and --rtol',
    widget: { label: 'grid step η', control: 'number', def: '0.05', group: 'time', help: 'cost ∝ (t max/η)³' },
  },
  {
    key: 'tMax',
    flag: 't-max',
    kind: 'number',
    unit: 'GF time t',
    help: 'horizon (GF time t of D3)',
    widget: { label: 't max', control: 'number', def: '20', slider: { min: 1, max: 60, step: 1 }, group: 'time' },
  },
  { key: 'secondOrder', flag: 'second-order', kind: 'switch', help: 'Richardson extrapolation over η and η/2 (second order; two runs)' },
  {
    key: 'errorEstimate',
    flag: 'error-estimate',
    kind: 'switch',
    default: 'semi-implicit or --eta auto',
    help: 'uniform grid: estimate the error from a companion run at 2η (+1/8 cost) into stats.errorEstimate',
  },
  { key: 'maxPoints', flag: 'max-points', kind: 'int', default: '2000', help: 'at most this many output points (uniform thinning)' },
  { key: 'budgetBytes', flag: 'budget-bytes', kind: 'number', default: '3 GiB', unit: 'bytes', help: 'Wasm memory budget; refused before allocation above it' },
  {
    key: 'threads',
    flag: 'threads',
    kind: 'int',
    default: '1',
    help: 'uniform grid: workers for the row sweeps (2: split over two workers sharing the memory, bitwise equal to 1)',
  },
];

const dmftRunExtras: Field[] = [
  {
    key: 'timeAxis',
    flag: 'time-axis',
    kind: 'string',
    default: 't',
    help: "figure clock: 't', 'tm' (t·m, lazy scale) or 't/m' (overfitting scale)",
    widget: { label: 'figure clock', control: 'select', def: 't', options: ['t', 'tm', 't/m'], group: 'time', help: 't·m: lazy scale, t/m: overfitting scale' },
  },
  {
    key: 'simulateDim',
    flag: 'simulate-dim',
    kind: 'int',
    help: 'also run the real network (SGD, paper protocol) at this d beside the DMFT, same parameters (dmft.md §11.1)',
    widget: { label: 'network dimension d', control: 'int', def: '200', slider: { min: 10, max: 2000, step: 10 }, group: 'sim' },
  },
  {
    key: 'simulateSeeds',
    flag: 'simulate-seeds',
    kind: 'int',
    default: '4',
    help: 'replicates of that simulation (on the workers); needs --simulate-dim',
    widget: { label: 'network seeds', control: 'int', def: '2', slider: { min: 1, max: 16, step: 1 }, group: 'sim' },
  },
  {
    key: 'simulateSeed',
    flag: 'simulate-seed',
    kind: 'int',
    default: '0',
    help: 'base seed of that simulation; needs --simulate-dim',
    widget: { label: 'base seed', control: 'int', def: '0', group: 'sim' },
  },
  {
    key: 'reduced',
    flag: 'reduced',
    kind: 'string',
    help: 'solve an m-independent reduced system instead (dmft.md §8): lazy1 | lazy2 | mean-field | pspin | fixed-alpha-bar',
  },
];

export const dmftRunFields: Field[] = [...dmftModel, ...dmftGrid, ...dmftRunExtras];

const simulateFields: Field[] = [
  {
    key: 'model',
    flag: 'model',
    kind: 'string',
    default: 'network',
    help: 'network (real two-layer network, §11.1) | gaussian (Gaussian-process model, §11.2)',
  },
  { key: 'optimizer', flag: 'optimizer', kind: 'string', default: 'gd', help: 'gd (full-batch projected GD) | sgd (mini-batch, paper protocol)' },
  { key: 'm', flag: 'm', kind: 'int', help: 'width m' },
  { key: 'alpha', flag: 'alpha', kind: 'number', help: 'α = n/(m d) (or give --alpha-bar)' },
  { key: 'alphaBar', flag: 'alpha-bar', kind: 'number', help: 'ᾱ = n/d = α m' },
  { key: 'dim', flag: 'dim', kind: 'int', help: 'input dimension d' },
  { key: 'tau', flag: 'tau', kind: 'number', help: 'label-noise standard deviation τ' },
  { key: 'h', flag: 'h', kind: 'numbers', help: 'h(q) = Σ c_k q^k as c_0,c_1,… (c_0 = 0; σ = Σ √c_k He_k/√k!)' },
  { key: 'phiHat', flag: 'phi-hat', kind: 'string', default: 'same', help: 'same (teacher φ = σ(⟨u,x⟩), φ̂ = h) | none (pure noise)' },
  { key: 'a0', flag: 'a0', kind: 'number', default: '1', help: 'initial second layer a_i(0) = a0' },
  { key: 'gamma0', flag: 'gamma0', kind: 'number', help: 'lazy init: a_i(0) = γ₀√m (instead of --a0)' },
  { key: 'frozenA', flag: 'frozen-a', kind: 'switch', help: 'freeze the second layer at a0' },
  { key: 'lr', flag: 'lr', kind: 'number', help: 'step: network lr (Δt = lr·d/n; default sgd 0.1, gd Δt = 0.02); gaussian η_GD (Δt = η; default 0.05)' },
  { key: 'batch', flag: 'batch', kind: 'int', default: '100', help: 'SGD batch size' },
  { key: 'steps', flag: 'steps', kind: 'int', help: 'number of steps (or --t-max)' },
  { key: 'tMax', flag: 't-max', kind: 'number', unit: 'GF time t', help: 'horizon in GF time t (or --steps)' },
  { key: 'saveCount', flag: 'save-count', kind: 'int', default: '51', help: 'save points incl. t = 0' },
  { key: 'grid', flag: 'grid', kind: 'string', default: 'uniform', help: 'uniform | log save grid' },
  { key: 'seeds', flag: 'seeds', kind: 'int', default: '1', help: 'replicates' },
  { key: 'seed', flag: 'seed', kind: 'int', default: '0', help: 'base seed; replicate r uses stream r' },
  { key: 'threads', flag: 'threads', kind: 'int', default: 'min(seeds, cores)', help: 'worker threads' },
  { key: 'budgetBytes', flag: 'budget-bytes', kind: 'number', default: '3 GiB', unit: 'bytes', help: 'Wasm memory budget' },
];

/** Run flags that the reduced systems take (the rest belong to SymmDMFT only). */
const REDUCED_KEYS = ['alpha', 'alphaBar', 'tau', 'h', 'phiHat', 'phiNorm2', 'gamma0', 'a0', 'eta', 'tMax', 'budgetBytes'];

/** `--phi-hat` as text: 'same' | 'none' | a comma list of numbers. */
function phiHatValue(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const s = v.trim();
  if (s === 'same' || s === 'none') return s;
  return s.split(',').map((x) => (x.trim() !== '' && Number.isFinite(Number(x)) ? Number(x) : x.trim()));
}

// ------------------------------------------------------------------------------------- dmft run

type DmftRunPlan = { kind: 'symm'; problem: DmftProblem; timeAxis: DmftTimeAxis; network?: SimulationPlan } | { kind: 'reduced'; problem: ReducedProblem };

export interface DmftRunResult {
  status: Status;
  message?: string;
  kind: 'symm' | 'reduced';
  timeAxis: DmftTimeAxis;
  symm?: DmftSolution;
  sim?: SimResult;
  simulation?: Record<string, unknown>;
  reduced?: ReducedSolution;
}

async function prepareDmftRun(input: Record<string, unknown>): Promise<DmftRunPlan> {
  const params = { ...input };
  if ('phiHat' in params) params.phiHat = phiHatValue(params.phiHat);
  if (params.nonSpherical !== undefined) {
    if (params.nonSpherical === true) params.spherical = false;
    delete params.nonSpherical;
  }
  const { simulateDim, simulateSeeds, simulateSeed, timeAxis = 't', reduced, ...rest } = params;
  if (simulateDim === undefined) {
    if (simulateSeeds !== undefined)
      throw unusedParameter('simulate-seeds', simulateSeeds, 'it sets the network simulation of --simulate-dim, which is not given');
    if (simulateSeed !== undefined)
      throw unusedParameter('simulate-seed', simulateSeed, 'it sets the network simulation of --simulate-dim, which is not given');
  }
  if (!(['t', 'tm', 't/m'] as unknown[]).includes(timeAxis)) throw new ParameterError('time-axis', timeAxis, "'t', 'tm' or 't/m'");
  if (reduced !== undefined) {
    // `--reduced KIND`: the same flags feed the m-independent system of dmft.md §8.
    if (simulateDim !== undefined)
      throw unusedParameter(
        'simulate-dim',
        simulateDim,
        'the reduced systems have no network beside them (drop --reduced to compare the network with SymmDMFT)',
      );
    const used: Record<string, unknown> = { kind: reduced };
    for (const [k, v] of Object.entries(rest)) {
      if (v === undefined) continue;
      if (!REDUCED_KEYS.includes(k)) throw unusedParameter(k, v, `the reduced systems take only ${REDUCED_KEYS.join(', ')}`);
      used[k] = v;
    }
    return { kind: 'reduced', problem: parseReducedProblem(used) };
  }
  const problem = validateDmftProblem(rest as DmftProblemInput); // bad input: exit 2 before any allocation
  if (simulateDim !== undefined && rest.phiHat !== undefined && rest.phiHat !== 'same' && rest.phiHat !== 'none')
    throw new ParameterError('phi-hat', rest.phiHat, "'same' or 'none' with --simulate-dim (the network's teacher is σ(⟨u,x⟩) or pure noise)");
  // The network beside the DMFT: validated up front too (same m, α, τ, h, φ̂, a(0), horizon).
  const network =
    simulateDim === undefined
      ? undefined
      : await planSimulation({
          model: 'network',
          optimizer: 'sgd',
          m: problem.m,
          alpha: problem.alpha,
          dim: simulateDim as number,
          tau: problem.tau,
          h: problem.h,
          phiHat: rest.phiHat === 'none' ? 'none' : 'same',
          ...(problem.init === 'lazy' ? { gamma0: problem.gamma0 } : { a0: problem.a0 }),
          frozenA: problem.frozenA,
          tMax: problem.tMax,
          saveCount: 61,
          grid: 'log',
          seeds: (simulateSeeds as number | undefined) ?? 4,
          seed: (simulateSeed as number | undefined) ?? 0,
          threads: Math.min((simulateSeeds as number | undefined) ?? 4, 2),
        } as SimulationProblemInput);
  return { kind: 'symm', problem, timeAxis: timeAxis as DmftTimeAxis, network };
}

/** The checkpoint of `dmft run --simulate-dim` once the DMFT has finished and the network runs: the DMFT
 *  solution itself (its curves as Float64Arrays, so that every bit, −0 included, survives the file). */
const SYMM_DONE = 'learndyn/dmft-run-symm-done';
const CURVES = ['t', 'trainError', 'testError', 'a', 'gamma', 'v', 'Co', 'mCo', 'Cd0', 'nu', 'gap', 'tm', 'tOverM'] as const;
interface SymmDone {
  kind: typeof SYMM_DONE;
  version: 1;
  problem: string;
  curves: Record<string, Float64Array>;
  /** JSON of the rest of the solution. */
  rest: string;
}
function toSymmDone(sol: DmftSolution, problem: string): SymmDone {
  const curves: Record<string, Float64Array> = {};
  const rest: Record<string, unknown> = { ...sol };
  for (const k of CURVES) {
    curves[k] = Float64Array.from(sol[k]);
    delete rest[k];
  }
  return {
    kind: SYMM_DONE,
    version: 1,
    problem,
    curves,
    rest: JSON.stringify(rest, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? { $num: String(v) } : v)),
  };
}
function fromSymmDone(d: SymmDone): DmftSolution {
  const rest = JSON.parse(d.rest, (_k, v) => (v && typeof v === 'object' && typeof v.$num === 'string' ? Number(v.$num) : v)) as DmftSolution;
  for (const k of CURVES) rest[k] = Array.from(d.curves[k]);
  return rest;
}

async function solveDmftRun(plan: DmftRunPlan, options: SolveOptions): Promise<DmftRunResult> {
  if (plan.kind === 'reduced') {
    if (options.checkpointEveryMs !== undefined)
      throw new ParameterError(
        'checkpoint-every',
        options.checkpointEveryMs / 1000,
        'not with --reduced (a reduced system runs in one call, without checkpoints)',
      );
    const reduced = solveReduced(plan.problem, { runtime: options.runtime ?? (await loadWasm()), signal: options.signal });
    return { status: reduced.status, message: reduced.message, kind: 'reduced', timeAxis: 't', reduced };
  }
  const share = plan.network ? 0.5 : 1;
  const key = JSON.stringify(plan.problem);
  const done = options.resumeState as SymmDone | undefined;
  const reuse = done?.kind === SYMM_DONE && done.version === 1 && done.problem === key;
  const symm = reuse
    ? fromSymmDone(done)
    : await solveDmft(plan.problem, {
        ...options,
        resumeState: done?.kind === SYMM_DONE ? undefined : options.resumeState,
        onProgress: (e) => options.onProgress?.({ phase: e.phase, fraction: share * e.fraction }),
      });
  if (!plan.network || symm.status === 'Terminated') return { status: symm.status, message: symm.message, kind: 'symm', timeAxis: plan.timeAxis, symm };
  // The DMFT is done: its solution becomes the checkpoint (a resume skips it), and the network's finished
  // replicates go to onPartial (the CLI stores them; --resume reuses them).
  if (!reuse) options.onCheckpoint?.(toSymmDone(symm, key));
  const sim = await runPlannedSimulation(plan.network, {
    signal: options.signal,
    resume: options.resume,
    onPartial: options.onPartial,
    onProgress: (e) => options.onProgress?.({ phase: `network SGD, ${e.phase}`, fraction: 0.5 + 0.5 * e.fraction }),
  });
  const simulation = { ...simulationJSON(sim), agreement: dmftVsSimulation(symm, sim.t, sim.summary.testError, sim.summary.testErrorSE) };
  const status = combineStatus(symm.status, sim.status);
  return { status, message: symm.message ?? sim.message, kind: 'symm', timeAxis: plan.timeAxis, symm, sim, simulation };
}

/** Contract JSON of `dmft run`: arrays aligned to "t" at the top level, then the rest of the Solution. */
export function dmftRunJSON(sol: DmftSolution): Record<string, unknown> {
  return {
    status: sol.status,
    message: sol.message,
    t: sol.t,
    trainError: sol.trainError,
    testError: sol.testError,
    a: sol.a,
    gamma: sol.gamma,
    v: sol.v,
    Co: sol.Co,
    mCo: sol.mCo,
    Cd0: sol.Cd0,
    nu: sol.nu,
    gap: sol.gap,
    tm: sol.tm,
    tOverM: sol.tOverM,
    stats: sol.stats,
    timings: sol.timings,
    problem: sol.problem,
  };
}

const jsonArrays = (arrays: Record<string, Float64Array | NdArray>) =>
  Object.fromEntries(Object.entries(arrays).map(([k, v]) => [k, ArrayBuffer.isView(v) ? Array.from(v) : ndRows(v)]));

/** A (rows, cols) array as nested rows (the JSON form of a BySeed array). */
export function ndRows(a: NdArray): number[][] {
  const [r, c] = a.shape ?? [1, a.data.length];
  return Array.from({ length: r }, (_, i) => Array.from(a.data.subarray(i * c, (i + 1) * c) as Float64Array));
}

function dmftText(sol: DmftSolution): string {
  const f = (x: number) => (Number.isFinite(x) ? x.toExponential(4).padStart(12) : '         n/a');
  const ad = sol.stats.adaptive;
  const th = sol.stats.theta;
  const gridText = th
    ? `θ grid (L ${th.L}, rtol ${th.rtol}, atol ${th.atol}): ${th.steps} steps, ${th.rejections} rejected, Δ ∈ [${th.dtMin.toPrecision(3)}, ${th.dtMaxUsed.toPrecision(3)}], est. error e_ts ${th.errorEstimate.testError.toExponential(2)} (companion at rtol ${th.errorEstimate.companionRtol.toPrecision(2)})`
    : ad
      ? `adaptive grid (rtol ${ad.rtol}, atol ${ad.atol}): ${ad.steps} steps, ${ad.rejections} rejected, Δ ∈ [${ad.dtMin.toPrecision(3)}, ${ad.dtMaxUsed.toPrecision(3)}], est. error e_ts ${(ad.errorEstimate.ets ?? NaN).toExponential(2)} (${ad.values})`
      : `η = ${sol.stats.eta}${sol.stats.etaAuto ? ` (auto, rtol ${sol.stats.etaAuto.rtol})` : ''}, N = ${sol.stats.N}${
          sol.stats.secondOrder ? ', second order (Richardson over η and η/2)' : ''
        }${
          sol.stats.errorEstimate
            ? `, est. error ${sol.stats.errorEstimate.max.toExponential(2)} (e_ts ${sol.stats.errorEstimate.ets.toExponential(2)}, ${sol.stats.errorEstimate.method})`
            : ''
        }${sol.stats.threads > 1 ? `, ${sol.stats.threads} workers` : ''}`;
  const lines = [
    `SymmDMFT m = ${sol.problem.m}, α = ${sol.problem.alpha}, ᾱ = ${sol.problem.alphaBar}, τ = ${sol.problem.tau}, ${th ? '' : `scheme ${sol.stats.scheme}, `}${gridText}`,
    '           t      e_train       e_test            a            v     C_o(t,t)',
  ];
  const n = sol.t.length;
  const step = Math.max(1, Math.floor(n / 20));
  const row = (i: number) => [sol.t[i], sol.trainError[i], sol.testError[i], sol.a[i], sol.v[i], sol.Co[i]].map(f).join(' ');
  for (let i = 0; i < n; i += step) lines.push(row(i));
  if (n > 0 && (n - 1) % step !== 0) lines.push(row(n - 1));
  lines.push(`status ${sol.status}${sol.message ? ': ' + sol.message : ''} (${(sol.timings.totalMs / 1000).toFixed(2)} s)`);
  return lines.join('\n');
}

/** Arrays of a reduced solution: t and every curve it has, under their vocabulary names. */
function reducedArrays(r: ReducedSolution): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = { t: Float64Array.from(r.t) };
  for (const k of ['trainError', 'testError', 'a', 'v', 'C0', 'Co', 'mCo', 'mCo0', 'nu', 'energy'] as const) {
    const v = r[k];
    if (v) out[k] = Float64Array.from(v);
  }
  return out;
}

function reducedBundle(r: ReducedSolution, argv: readonly string[]): OutputBundle {
  const columns = reducedArrays(r);
  return {
    arrays: columns,
    csv: { columns },
    manifest: {
      version: VERSION,
      command: argv,
      problem: r.problem,
      seed: null,
      rngScheme: 'none',
      wasm: { variant: r.stats.engine === 'wasm' ? 'release' : 'ts', simd: r.stats.engine === 'wasm', threads: false, noLiftoff: false },
      status: r.status,
      stats: { message: r.message ?? null, clock: r.clock, ...r.stats },
    },
    arrayDocs: {
      C0: { definition: 'C(t,0): C_d(t,0) (lazy2, fixed-alpha-bar) or C(t,0) (pspin)', unit: 'dimensionless' },
      mCo0: { definition: 'm·C_o(t,0) (mean-field pure noise)', unit: 'dimensionless' },
      energy: { definition: 'E(t) = −∫h̃′(C(t,s))R(t,s)ds (pspin)', unit: 'dimensionless' },
    },
  };
}

function reducedFigure(r: ReducedSolution): FigureDesc {
  const x = r.t.slice(1);
  const series: Series[] = [{ name: 'train', x, y: r.trainError.slice(1), mark: 'line' }];
  if (r.testError) series.push({ name: 'test', x, y: r.testError.slice(1), mark: 'line', dash: 'dashed' });
  return {
    title: `reduced system ${r.problem.kind} (clock ${r.clock})`,
    panels: [{ xTitle: `time (${r.clock})`, yTitle: 'error', xScale: 'log', yScale: 'log', series, legend: 'bottom-left' }],
  };
}

export const dmftRun = command({
  name: 'run',
  description: 'SymmDMFT (dmft.md §5–§6): e_train, e_test, a, v, C_o vs GF time t; --reduced KIND for an m-independent system',
  fields: dmftRunFields,
  prepare: prepareDmftRun,
  memoryBytes: (plan) =>
    plan.kind === 'symm' ? dmftMemoryBytes(plan.problem.steps, plan.problem.h.length + phiCoeffs(plan.problem).length) + (plan.network?.memoryBytes ?? 0) : 0,
  solve: solveDmftRun,
  checkpoints: 'state',
  json: (r) => {
    if (r.reduced) return { ...r.reduced };
    const sol = r.symm!;
    return { ...dmftRunJSON(sol), ...(r.sim ? jsonArrays(simulationArrays(r.sim)) : {}), ...(r.simulation ? { simulation: r.simulation } : {}) };
  },
  text: (r) => (r.reduced ? JSON.stringify(r.reduced, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) : dmftText(r.symm!)),
  bundle: async (r, argv) => {
    if (r.reduced) return reducedBundle(r.reduced, argv);
    return dmftBundle(r.symm!, argv, (await loadWasm()).features(), r.sim, r.simulation);
  },
  summary: (r) => {
    if (r.reduced) {
      const red = r.reduced;
      return { ...curveSummary('trainError', red.t, red.trainError), ...curveSummary('testError', red.t, red.testError) };
    }
    const sol = r.symm!;
    const gap = sol.gap as ArrayLike<number> | undefined;
    return {
      ...curveSummary('trainError', sol.t, sol.trainError),
      ...curveSummary('testError', sol.t, sol.testError),
      gapFinal: gap?.length ? gap[gap.length - 1] : NaN,
      ...(r.sim ? curveSummary('simTestError', r.sim.t, r.sim.summary.testError) : {}),
    };
  },
  figure: (r) => {
    if (r.reduced) return reducedFigure(r.reduced);
    const s = r.sim?.summary;
    return dmftFigure(r.symm!, {
      timeAxis: r.timeAxis,
      simulation: r.sim && s ? { label: `network SGD, d = ${r.sim.options.dim}`, t: r.sim.t, ...s } : undefined,
    });
  },
});

// ------------------------------------------------------------------------------------- dmft simulate

/** Per-seed records of a simulation, shape (seeds, saves). */
function simulationBySeed(res: SimResult): Record<string, NdArray> {
  const L = res.t.length;
  const rows = (k: 'trainError' | 'testError' | 'a' | 'v' | 'Co') =>
    matrixArray(
      res.replicates.map((r) => r[k]),
      L,
    );
  return { trainErrorBySeed: rows('trainError'), testErrorBySeed: rows('testError'), aBySeed: rows('a'), vBySeed: rows('v'), CoBySeed: rows('Co') };
}

function simulationColumns(res: SimResult): Record<string, Float64Array> {
  const s = res.summary;
  const o = res.options;
  return {
    t: res.t,
    trainError: s.trainError,
    trainErrorSE: s.trainErrorSE,
    testError: s.testError,
    testErrorSE: s.testErrorSE,
    excessTestError: s.testError.map((x) => x - (o.tau * o.tau) / 2),
    a: s.a,
    aSE: s.aSE,
    gamma: s.gamma,
    v: s.v,
    vSE: s.vSE,
    Co: s.Co,
    CoSE: s.CoSE,
    count: s.count,
  };
}

function simulationText(res: SimulationResult): string {
  const o = res.options;
  const s = res.summary;
  const head = `dmft simulate: ${o.model}${o.model === 'network' ? ` (${o.optimizer}, lr ${o.lr}, batch ${o.batch})` : ` (GD, η ${o.lr})`}, m ${o.m}, d ${o.dim}, n ${o.n}, α ${o.alpha}, τ ${o.tau}, ${o.seeds} seed(s), Δt ${o.dt.toPrecision(4)}, status ${res.status}`;
  const rows = ['t\ttrainError\t±\ttestError\t±\ta\tv\tCo'];
  for (let i = 0; i < res.t.length; i++)
    rows.push(
      [res.t[i], s.trainError[i], s.trainErrorSE[i], s.testError[i], s.testErrorSE[i], s.a[i], s.v[i], s.Co[i]]
        .map((x) => (Number.isFinite(x) ? x.toPrecision(6) : 'nan'))
        .join('\t'),
    );
  return head + '\n' + rows.join('\n');
}

const simLabel = (o: SimulateOptions) => (o.model === 'network' ? `network ${o.optimizer.toUpperCase()}, d = ${o.dim}` : `Gaussian model GD, d = ${o.dim}`);

export const dmftSimulate = command({
  name: 'simulate',
  description: 'direct simulations (dmft.md §11): the real network under GD/SGD, or GD on the Gaussian-process model; errors, a, v, C_o vs GF time',
  fields: simulateFields,
  prepare: (params) => planSimulation(params as SimulationProblemInput),
  memoryBytes: (plan) => plan.memoryBytes,
  solve: (plan, options) => runPlannedSimulation(plan, options),
  json: (res) => ({ ...simulationJSON(res), ...jsonArrays({ ...simulationColumns(res), ...simulationBySeed(res) }) }),
  text: simulationText,
  summary: (res) => ({ ...curveSummary('trainError', res.t, res.summary.trainError), ...curveSummary('testError', res.t, res.summary.testError) }),
  bundle: (res, argv) => {
    const columns = simulationColumns(res);
    return {
      arrays: { ...columns, ...simulationBySeed(res) },
      csv: { columns },
      manifest: {
        version: VERSION,
        command: argv,
        problem: res.options,
        seed: res.options.seed,
        rngScheme: `${res.rng.scheme} + ${DSIM_RNG_SCHEME}`,
        wasm: res.wasm,
        status: res.status,
        stats: {
          message: res.message ?? null,
          rng: res.rng,
          replicates: res.replicates.map((r) => ({ status: r.status, stepsDone: r.stepsDone })),
          wasmBytes: res.stats.wasmBytes,
          slots: res.stats.slots,
        },
        timings: { totalMs: res.stats.wallMs },
      },
    };
  },
  figure: (res) => {
    const o = res.options;
    return dmftSimulationFigure(
      { label: simLabel(o), t: res.t, ...res.summary },
      { title: `dmft simulate: ${simLabel(o)}, m = ${o.m}, α = ${o.alpha}, τ = ${o.tau}, ${o.seeds} seed(s)`, bayes: (o.tau * o.tau) / 2 },
    );
  },
});

// ------------------------------------------------------------------------------------- dmft reduced / general

export const dmftReduced = command({
  name: 'reduced',
  description: 'm-independent reduced systems and closed forms (dmft.md §8), parameters from a config {kind, …}',
  fields: [],
  prepare: (params) => parseReducedProblem(params),
  solve: async (p, options) => solveReduced(p, { runtime: options.runtime ?? (await loadWasm()), signal: options.signal }),
  json: (r) => ({ ...r }),
  text: (r) => JSON.stringify(r, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2),
  bundle: reducedBundle,
  figure: reducedFigure,
});

function generalArrays(g: GeneralDmftSolution): Record<string, Float64Array | NdArray> {
  const T = g.t.length;
  return {
    t: Float64Array.from(g.t),
    trainError: Float64Array.from(g.trainError),
    testError: Float64Array.from(g.testError),
    aByNeuron: matrixArray(g.a, T),
    vByNeuron: matrixArray(g.v, T),
  };
}

/** The general DMFT's JSON: per-neuron a_i(t), v_i(t) under their vocabulary names (C_A stays in the library). */
function generalJSON(g: GeneralDmftSolution): Record<string, unknown> {
  const { a, v, CA: _ca, ...rest } = g;
  return { ...rest, aByNeuron: a, vByNeuron: v };
}

export const dmftGeneral = command({
  name: 'general',
  description:
    'full non-symmetric DMFT for small m (dmft.md §4, Figs 6–7 settings), parameters from a config {m, alphaBar, tau, h, phiHat, a0: [...], C0?, v0?, eta, tMax}',
  fields: [],
  prepare: (params) => {
    validateGeneralDmft(params as GeneralDmftInput);
    return params as GeneralDmftInput;
  },
  solve: async (p, options) => solveGeneralDmft(p, { signal: options.signal }),
  json: generalJSON,
  text: (g) => JSON.stringify(generalJSON(g), (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2),
  bundle: (g, argv) => {
    const arrays = generalArrays(g);
    const columns = { t: arrays.t as Float64Array, trainError: arrays.trainError as Float64Array, testError: arrays.testError as Float64Array };
    return {
      arrays,
      csv: { columns },
      manifest: {
        version: VERSION,
        command: argv,
        problem: g.problem,
        seed: null,
        rngScheme: 'none',
        wasm: { variant: 'ts', simd: false, threads: false, noLiftoff: false },
        status: g.status,
        stats: { message: g.message ?? null },
      },
    };
  },
  figure: (g) => ({
    title: `general DMFT, m = ${g.problem.m}`,
    panels: [
      {
        xTitle: 'time t',
        yTitle: 'error',
        series: [
          { name: 'train', x: g.t, y: g.trainError, mark: 'line' },
          { name: 'test', x: g.t, y: g.testError, mark: 'line', dash: 'dashed' },
        ],
        legend: 'top-right',
      },
    ],
  }),
});

export const dmftEngine: EngineDescriptor = {
  name: 'dmft',
  description: 'DMFT of large two-layer networks (Montanari, Urbani): two-time solvers and the networks they describe',
  commands: [dmftRun, dmftSimulate, dmftReduced, dmftGeneral],
};
