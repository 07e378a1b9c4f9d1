/// <reference lib="webworker" />
// Module worker of the explorer: loads the library's Wasm once (the same module and loader as the
// library: loadWasm, inline executor, no shared memory), computes theory curves and simulations,
// renders the engines' standard figures (src/plot/engines.ts) to SVG and encodes the downloads.
// Two instances run: one for the live theory, one for simulations (terminated on Cancel).
import { loadWasm, type WasmRuntime } from '../../src/wasm/runtime.js';
import { InlineExecutor } from '../../src/wasm/exec.js';
import { ParameterError } from '../../src/core/validate.js';
import { MemoryBudgetError } from '../../src/wasm/arena.js';
import type { KernelProblemInput } from '../../src/kernel/problem.js';
import { kernelTheory, type KernelTheory } from '../../src/kernel/theory-curves.js';
import { solveKernel } from '../../src/kernel/solve.js';
import { solveCommittee, type CommitteeSolution } from '../../src/committee/solve.js';
import { solveDmft, type DmftSolution } from '../../src/dmft/solve.js';
import { simulateNetwork, simulateOptions, type SimResult } from '../../src/dmft/simulate.js';
import { vegaLiteSpec, type FigureDesc } from '../../src/plot/figure.js';
import { renderSvg } from '../../src/plot/render.js';
import { committeeFigure, dmftFigure, kernelFigure } from '../../src/plot/engines.js';
import { committeeBundle, dmftBundle, dmftVsSimulation, kernelBundle } from './bundle.js';
import type { Engine, EngineParams } from './params.js';

export interface NumberRow {
  key: string;
  label: string;
  value: number | string;
  /** Unit or a short note printed after the value. */
  note?: string;
}

export type Request = { kind: 'theory' | 'run'; id: number; engine: Engine; params: EngineParams };

export type Reply =
  | { kind: 'ready'; wasm: string }
  | { kind: 'progress'; id: number; fraction: number; phase: string; live?: DmftLive }
  | {
      kind: 'result';
      id: number;
      mode: 'theory' | 'run';
      status: string;
      message?: string;
      numbers: NumberRow[];
      svg: string;
      files: [string, Uint8Array][];
      ms: number;
    }
  | { kind: 'error'; id: number; message: string; parameter?: string; allowed?: string; network?: boolean };

/** DMFT live curves (the solver's stepping iterator, thinned to ≤ ~1000 points per pass): the points
 *  accepted since the previous progress message. Uniform grid with second order: pass 1 (η) then pass 2
 *  (η/2, restarting at t = 0); a consumer may draw the latest pass only. */
export interface DmftLive {
  pass: number;
  t: number[];
  trainError: number[];
  testError: number[];
}

const ctx = self as unknown as DedicatedWorkerGlobalScope;
let runtime: Promise<WasmRuntime> | undefined;
const rt = () => (runtime ??= loadWasm());

const post = (r: Reply, transfer: Transferable[] = []) => ctx.postMessage(r, transfer);
const last = (a: ArrayLike<number>) => (a.length ? a[a.length - 1] : NaN);

async function figureSvg(fig: FigureDesc): Promise<string> {
  return renderSvg(vegaLiteSpec(fig));
}

function wasmLabel(r: WasmRuntime): string {
  const f = r.features();
  return `${f.variant}${f.simd ? ' (SIMD)' : ''}`;
}

// ---------------------------------------------------------------- kernel

function kernelTheoryRows(sol: Pick<KernelTheory, 'curves' | 'atInfinity'> & { stages: Pick<KernelTheory['stages'], 'ell' | 't1' | 't2'> }): NumberRow[] {
  const c = sol.curves;
  return [
    { key: 'theoryTest', label: 'test error, T3 at t max', value: last(c.theoryTest) },
    { key: 'theoryTrain', label: 'train error, T3 at t max', value: last(c.theoryTrain) },
    { key: 'eigenTest', label: 'test error, T4 at t max', value: last(c.eigenlearningTest) },
    { key: 'oracle', label: 'oracle error at t max', value: last(c.oracle) },
    { key: 'oracleInf', label: 'oracle error at t = ∞', value: sol.atInfinity.oracle },
    { key: 'stage', label: 'stage ℓ; t₁, t₂', value: `${sol.stages.ell}; ${sol.stages.t1.toExponential(2)}, ${sol.stages.t2.toExponential(2)}` },
  ];
}

// ---------------------------------------------------------------- committee

function committeeRows(sol: CommitteeSolution): NumberRow[] {
  const rows: NumberRow[] = [];
  if (sol.sgd) {
    rows.push({ key: 'sgdFinal', label: 'SGD excess risk at t max', value: last(sol.sgd.risk) });
    rows.push({ key: 'sgdFinalSE', label: '± s.e. over seeds', value: last(sol.sgd.riskSE) });
  }
  rows.push({ key: 'odeFinal', label: 'ODE excess risk at t max', value: last(sol.odeRisk) });
  if (sol.agreement) {
    rows.push({ key: 'supAbs', label: 'sup |R_SGD − R_ODE|', value: sol.agreement.supAbs });
    rows.push({ key: 'supOverScale', label: 'sup |ΔR| / √(γ/(pd))', value: sol.agreement.supOverScale });
    rows.push({ key: 'meanZ', label: 'mean |ΔR| / s.e.', value: sol.agreement.meanZ });
  }
  const pl = sol.plateaus.plateaus[0];
  rows.push({ key: 'plateau', label: 'plateau (ODE)', value: pl ? `${pl.height.toExponential(2)} from t ≈ ${pl.onset.toPrecision(3)}` : 'none' });
  rows.push({ key: 'regime', label: 'regime', value: sol.regime.regime });
  return rows;
}

// ---------------------------------------------------------------- DMFT

const simLabel = (sim: SimResult) => `network SGD, d = ${sim.options.dim}`;

function dmftRows(sol: DmftSolution, sim?: SimResult): NumberRow[] {
  const rows: NumberRow[] = [
    { key: 'dmftTest', label: 'test error e_ts (DMFT) at t max', value: last(sol.testError) },
    { key: 'dmftTrain', label: 'train error e_tr (DMFT) at t max', value: last(sol.trainError) },
    { key: 'dmftA', label: 'a (DMFT) at t max', value: last(sol.a) },
  ];
  if (sim) {
    const s = sim.summary;
    rows.push({ key: 'simTest', label: 'test error (network) at t max', value: last(s.testError) });
    rows.push({ key: 'simTrain', label: 'train error (network) at t max', value: last(s.trainError) });
    rows.push({ key: 'supAbs', label: 'sup |e_ts network − DMFT|', value: dmftVsSimulation(sol, sim.t, s.testError, s.testErrorSE).supAbsTestError });
    rows.push({ key: 'samples', label: 'samples n; SGD steps', value: `${sim.options.n}; ${sim.options.steps}` });
  }
  rows.push({ key: 'grid', label: 'grid N; step η', value: `${sol.stats.N}; ${sol.stats.eta}` });
  return rows;
}

// ---------------------------------------------------------------- dispatch

async function handle(req: Request): Promise<void> {
  const start = performance.now();
  const { id, engine, params } = req;
  let lastPost = -Infinity;
  let live: DmftLive | undefined; // DMFT only: points not yet posted
  const onProgress = (e: { phase: string; fraction: number }) => {
    const now = performance.now();
    if (now - lastPost < 50 && e.fraction < 1) return; // at most ~20 progress messages a second
    lastPost = now;
    post({ kind: 'progress', id, fraction: e.fraction, phase: e.phase, ...(live?.t.length ? { live } : {}) });
    if (live) live = { ...live, t: [], trainError: [], testError: [] };
  };
  const r = await rt();
  let status = 'Success';
  let message: string | undefined;
  let numbers: NumberRow[];
  let fig: FigureDesc;
  let files = new Map<string, Uint8Array>();
  if (engine === 'kernel') {
    if (req.kind === 'theory') {
      const sol = kernelTheory(params.problem as KernelProblemInput);
      fig = kernelFigure({ ...sol, stats: { seedsCompleted: 0 } });
      numbers = kernelTheoryRows(sol);
    } else {
      const sol = await solveKernel(params.problem as never, { runtime: r, onProgress });
      status = sol.status;
      message = sol.message;
      fig = kernelFigure(sol);
      numbers = [
        { key: 'simTest', label: 'test error (simulation) at t max', value: last(sol.curves.test) },
        { key: 'simTestSE', label: '± s.e. over seeds', value: last(sol.curves.testSE) },
        { key: 'simTrain', label: 'train error (simulation) at t max', value: last(sol.curves.train) },
        { key: 'testInf', label: 'test error at t = ∞ (interpolant)', value: sol.atInfinity.test ?? NaN },
        ...kernelTheoryRows(sol).slice(0, 4),
        { key: 'seeds', label: 'seeds completed', value: String(sol.stats.seedsCompleted) },
      ];
      onProgress({ phase: 'writing outputs', fraction: 1 });
      files = await kernelBundle(sol, fig);
    }
  } else if (engine === 'committee') {
    const simulate = req.kind === 'run';
    const sol = await solveCommittee(params.problem as never, { runtime: r, simulate, onProgress });
    status = sol.status;
    message = sol.message;
    fig = committeeFigure(sol);
    numbers = committeeRows(sol);
    if (simulate) {
      onProgress({ phase: 'writing outputs', fraction: 1 });
      files = await committeeBundle(sol, fig);
    }
  } else {
    const simulate = req.kind === 'run' && params.network;
    // Validate the network before the (N³) DMFT so a bad network field costs nothing.
    const netOpts = simulate ? validated(() => simulateOptions(params.network), true) : undefined;
    const tMax = Number((params.problem as { tMax?: unknown }).tMax) || 1;
    let lastT = -Infinity;
    live = { pass: 1, t: [], trainError: [], testError: [] };
    const sol = await solveDmft(params.problem as never, {
      runtime: r,
      onProgress: (e) => onProgress({ phase: 'DMFT ' + e.phase, fraction: simulate ? 0.5 * e.fraction : e.fraction }),
      // The stepping iterator feeds the live plot (cheap: a few numbers per kept row).
      onStep: (e) => {
        const pass = e.pass ?? 1;
        if (pass !== live!.pass) {
          live = { pass, t: [], trainError: [], testError: [] };
          lastT = -Infinity;
        }
        if (e.t - lastT < tMax / 1000) return;
        lastT = e.t;
        live!.t.push(e.t);
        live!.trainError.push(e.trainError);
        live!.testError.push(e.testError);
      },
    });
    live = undefined;
    let sim: SimResult | undefined;
    if (netOpts) {
      sim = await simulateNetwork(r, new InlineExecutor(r), netOpts, {
        onProgress: (e) => onProgress({ phase: `network SGD, seed ${e.replicate + 1}`, fraction: 0.5 + 0.5 * e.fraction }),
      });
    }
    status = sol.status;
    message = sol.message;
    if (sim && sim.status !== 'Success' && status === 'Success') {
      status = sim.status;
      message = sim.message;
    }
    fig = dmftFigure(sol, {
      timeAxis: params.timeAxis,
      simulation: sim ? { label: simLabel(sim), t: sim.t, ...sim.summary } : undefined,
    });
    numbers = dmftRows(sol, sim);
    if (req.kind === 'run') {
      onProgress({ phase: 'writing outputs', fraction: 1 });
      files = await dmftBundle(sol, fig, r.features(), sim);
    }
  }
  numbers.push({ key: 'wasm', label: 'engine', value: wasmLabel(r) });
  const svg = await figureSvg(fig);
  const list = [...files.entries()];
  post(
    { kind: 'result', id, mode: req.kind, status, message, numbers, svg, files: list, ms: performance.now() - start },
    list.map(([, b]) => b.buffer as ArrayBuffer),
  );
}

class NetworkParameterError extends Error {
  constructor(readonly inner: ParameterError) {
    super(inner.message);
  }
}

function validated<T>(f: () => T, network: boolean): T {
  try {
    return f();
  } catch (e) {
    if (network && e instanceof ParameterError) throw new NetworkParameterError(e);
    throw e;
  }
}

ctx.onmessage = (ev: MessageEvent<Request>) => {
  const req = ev.data;
  handle(req).catch((e: unknown) => {
    if (e instanceof NetworkParameterError)
      post({ kind: 'error', id: req.id, message: e.inner.message, parameter: e.inner.parameter, allowed: e.inner.allowed, network: true });
    else if (e instanceof ParameterError) post({ kind: 'error', id: req.id, message: e.message, parameter: e.parameter, allowed: e.allowed });
    else if (e instanceof MemoryBudgetError) post({ kind: 'error', id: req.id, message: e.message });
    else post({ kind: 'error', id: req.id, message: e instanceof Error ? e.message : String(e) });
  });
};

rt().then(
  (r) => post({ kind: 'ready', wasm: wasmLabel(r) }),
  (e: unknown) => post({ kind: 'error', id: -1, message: `cannot load the Wasm module: ${(e as Error).message}` }),
);
