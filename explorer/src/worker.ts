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
import type { Engine, EngineParams, YScale } from './params.js';
import { ENGINES as REGISTRY } from '../../src/engines.js';
import type { SweepData } from '../../src/sweep/merge.js';
import { fromNpz, fromTables, runPageSweep } from '../../src/sweep/browse.js';
import { curvesFigure, heatmapSpec, mainCurve, mainScalar, summaryFigure } from '../../src/sweep/figures.js';
import { SweepSpecError } from '../../src/sweep/spec.js';

export interface NumberRow {
  key: string;
  label: string;
  value: number | string;
  /** Unit or a short note printed after the value. */
  note?: string;
}

/** How the figures are drawn (changes re-render without recomputing). */
export interface ViewOptions {
  yScale: YScale;
}

export interface SweepFigureOptions extends ViewOptions {
  scalar?: string;
  curve?: string;
}

/** Largest sweep the page runs (cells one after another in this worker). */
export const PAGE_SWEEP_MAX_CELLS = 64;

export type Request =
  | { kind: 'theory' | 'run'; id: number; engine: Engine; params: EngineParams; view: ViewOptions }
  /** Redraw the last theory/run figure of this worker with other view options. */
  | { kind: 'figure'; id: number; view: ViewOptions }
  | { kind: 'sweep-open'; id: number; files: [string, Uint8Array][]; view: SweepFigureOptions }
  | { kind: 'sweep-run'; id: number; spec: unknown; view: SweepFigureOptions }
  | { kind: 'sweep-figures'; id: number; view: SweepFigureOptions };

export interface SweepInfo {
  source: string;
  cells: number;
  done: number;
  failed: number;
  pending: number;
  axes: string[];
  scalars: string[];
  curves: string[];
  scalar?: string;
  curve?: string;
}

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
  | { kind: 'figure'; id: number; svg: string }
  | { kind: 'sweep'; id: number; info: SweepInfo; svgs: { curves?: string; summary?: string; heatmap?: string }; ms: number }
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

/** The last figure this worker drew (before the view options), to redraw on a y-axis switch. */
let lastFigure: FigureDesc | undefined;

/** The figure with the page's view options: every y axis log or linear when asked (an explicit y
 *  range made for the other scale is dropped, so the axis fits the data). */
export function applyView(fig: FigureDesc, view: ViewOptions): FigureDesc {
  if (view.yScale === 'auto') return fig;
  return {
    ...fig,
    panels: fig.panels.map((p) => ((p.yScale ?? 'log') === view.yScale ? p : { ...p, yScale: view.yScale as 'log' | 'linear', yDomain: undefined })),
  };
}

/** DMFT figures: both panels' x range = the DMFT curves' (theory and run figures then share it; the
 *  network's points outside it are left out), and the Bayes error τ²/2 as a dashed line on the error
 *  panel when the labels are noisy (τ > 0): the test error of the teacher itself, the floor no
 *  predictor goes below. */
function dmftView(fig: FigureDesc, tau: number): FigureDesc {
  const panels = fig.panels.map((p) => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const s of p.series)
      if (s.mark === 'line')
        for (let i = 0; i < s.x.length; i++) {
          const x = s.x[i];
          if (Number.isFinite(x) && x > 0 && Number.isFinite(s.y[i])) {
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
          }
        }
    return lo < hi ? { ...p, xDomain: [lo, hi] as [number, number] } : p;
  });
  if (tau > 0 && panels[0]?.xDomain) {
    const b = (tau * tau) / 2;
    panels[0] = {
      ...panels[0],
      series: [
        ...panels[0].series,
        { name: `Bayes error τ²/2 = ${fmtNum(b)}`, x: panels[0].xDomain, y: [b, b], mark: 'line', dash: 'dashed', color: '#555555' },
      ],
    };
  }
  return { ...fig, panels };
}

const fmtNum = (x: number) => (Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? String(Number(x.toPrecision(4))) : x.toExponential(3));

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

/** The theory card's ODE starts from the overlaps of seed `seed`'s initial weights (one draw); the
 *  run's ODE is the mean of one ODE per SGD seed, each from that seed's initial overlaps — so the two
 *  differ unless seeds = 1, and every row says which it is. */
function committeeRows(sol: CommitteeSolution): NumberRow[] {
  const rows: NumberRow[] = [];
  const p = sol.problem;
  const n = sol.sgd?.seedsCompleted ?? 0;
  const from = sol.sgd
    ? n > 1
      ? `mean of ${n} ODEs, each from an SGD seed's initial overlaps`
      : `from the SGD's initial overlaps (seed ${p.seed})`
    : `from the initial overlaps of seed ${p.seed}'s weights at d = ${p.dim}`;
  if (sol.sgd) {
    rows.push({ key: 'sgdFinal', label: `SGD excess risk at t max (mean of ${n} seed${n > 1 ? 's' : ''})`, value: last(sol.sgd.risk) });
    rows.push({ key: 'sgdFinalSE', label: '± s.e. over seeds', value: last(sol.sgd.riskSE) });
  }
  rows.push({ key: 'odeFinal', label: `ODE excess risk at t max (${from})`, value: last(sol.odeRisk) });
  if (sol.agreement) {
    rows.push({ key: 'supAbs', label: 'sup |R_SGD − R_ODE|', value: sol.agreement.supAbs });
    rows.push({ key: 'supOverScale', label: 'sup |ΔR| / √(γ/(pd))', value: sol.agreement.supOverScale });
    rows.push({ key: 'meanZ', label: 'mean |ΔR| / s.e.', value: sol.agreement.meanZ });
  }
  const pl = sol.plateaus.plateaus[0];
  rows.push({
    key: 'plateau',
    label: `plateau height of that ODE; onset t`,
    value: pl ? `${pl.height.toExponential(2)} from t ≈ ${pl.onset.toPrecision(3)}` : 'none',
  });
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
  const tau = sol.problem.tau;
  if (tau > 0) rows.push({ key: 'bayes', label: 'Bayes error τ²/2 (label noise τ: the teacher’s own test error)', value: (tau * tau) / 2 });
  rows.push({ key: 'grid', label: 'grid N; step η', value: `${sol.stats.N}; ${sol.stats.eta}` });
  return rows;
}

// ---------------------------------------------------------------- dispatch

async function handle(req: Request): Promise<void> {
  if (req.kind === 'figure') {
    if (!lastFigure) throw new Error('nothing to redraw');
    post({ kind: 'figure', id: req.id, svg: await figureSvg(applyView(lastFigure, req.view)) });
    return;
  }
  if (req.kind === 'sweep-open' || req.kind === 'sweep-run' || req.kind === 'sweep-figures') return handleSweep(req);
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
    fig = dmftView(
      dmftFigure(sol, {
        timeAxis: params.timeAxis,
        simulation: sim ? { label: simLabel(sim), t: sim.t, ...sim.summary } : undefined,
      }),
      sol.problem.tau,
    );
    numbers = dmftRows(sol, sim);
    if (req.kind === 'run') {
      onProgress({ phase: 'writing outputs', fraction: 1 });
      files = await dmftBundle(sol, fig, r.features(), sim);
    }
  }
  numbers.push({ key: 'wasm', label: 'engine', value: wasmLabel(r) });
  lastFigure = fig;
  const svg = await figureSvg(applyView(fig, req.view));
  const list = [...files.entries()];
  post(
    { kind: 'result', id, mode: req.kind, status, message, numbers, svg, files: list, ms: performance.now() - start },
    list.map(([, b]) => b.buffer as ArrayBuffer),
  );
}

// ---------------------------------------------------------------- sweeps

let lastSweep: { data: SweepData; source: string } | undefined;

const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** Merged files chosen by the user → the sweep's cells. */
function openSweep(files: [string, Uint8Array][]): { data: SweepData; source: string } {
  const find = (re: RegExp) => files.find(([n]) => re.test(n.toLowerCase()));
  const table = find(/table.*\.csv$/);
  const summary = find(/summary.*\.csv$/);
  const npz = find(/\.npz$/);
  const manifest = find(/\.json$/);
  if (npz && manifest)
    return { data: fromNpz(text(manifest[1]), npz[1], summary && text(summary[1])), source: [manifest[0], npz[0], summary?.[0]].filter(Boolean).join(' + ') };
  if (npz) throw new Error('table.npz needs the merge’s manifest.json beside it (the sweep spec and axes are there)');
  if (table || summary)
    return { data: fromTables(table && text(table[1]), summary && text(summary[1])), source: [table?.[0], summary?.[0]].filter(Boolean).join(' + ') };
  throw new Error('choose the files of `learndyn sweep merge DIR`: table.csv and/or summary.csv, or manifest.json + table.npz');
}

async function sweepReply(id: number, start: number, view: SweepFigureOptions): Promise<void> {
  const { data, source } = lastSweep!;
  const scalar = mainScalar(data, view.scalar);
  const curve = view.curve && data.arrayNames.includes(view.curve) ? view.curve : mainCurve(data);
  const svgs: { curves?: string; summary?: string; heatmap?: string } = {};
  const curves = curvesFigure(data, curve);
  if (curves) svgs.curves = await figureSvg(applyView(curves, view));
  const summary = summaryFigure(data, scalar);
  if (summary) svgs.summary = await figureSvg(applyView(summary, view));
  const heat = heatmapSpec(data, scalar);
  if (heat) svgs.heatmap = await renderSvg(heat);
  const count = (s: string) => data.cells.filter((c) => c.status === s).length;
  const done = count('Success');
  const pending = count('Pending');
  post({
    kind: 'sweep',
    id,
    svgs,
    ms: performance.now() - start,
    info: {
      source,
      cells: data.cells.length,
      done,
      pending,
      failed: data.cells.length - done - pending,
      axes: data.axes,
      scalars: data.summaryKeys,
      curves: data.arrayNames,
      scalar,
      curve,
    },
  });
}

async function handleSweep(req: Extract<Request, { kind: 'sweep-open' | 'sweep-run' | 'sweep-figures' }>): Promise<void> {
  const start = performance.now();
  if (req.kind === 'sweep-open') lastSweep = openSweep(req.files);
  else if (req.kind === 'sweep-run') {
    const runtime = await rt();
    const data = await runPageSweep(req.spec, REGISTRY, {
      maxCells: PAGE_SWEEP_MAX_CELLS,
      solve: { runtime },
      onCell: (done, total, status) => post({ kind: 'progress', id: req.id, fraction: done / total, phase: `cell ${done}/${total}: ${status}` }),
    });
    const command = (req.spec as { command?: string }).command ?? '';
    lastSweep = { data, source: `run in the page: ${command}, ${data.cells.length} cells` };
  } else if (!lastSweep) throw new Error('no sweep to redraw');
  await sweepReply(req.id, start, req.view);
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
    else if (e instanceof SweepSpecError || e instanceof MemoryBudgetError) post({ kind: 'error', id: req.id, message: e.message });
    else post({ kind: 'error', id: req.id, message: e instanceof Error ? e.message : String(e) });
  });
};

rt().then(
  (r) => post({ kind: 'ready', wasm: wasmLabel(r) }),
  (e: unknown) => post({ kind: 'error', id: -1, message: `cannot load the Wasm module: ${(e as Error).message}` }),
);
