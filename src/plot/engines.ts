// The standard figure of each engine's Solution: theory as lines, simulation as points with ±1 s.e.
// bars, log–log where the physics is (errors over many decades of time). Used by the CLI's --out,
// by `reproduce` and by the browser explorer, so all three show the same picture.
import type { KernelCurves, KernelSolution } from '../kernel/solve.js';
import type { KernelComparison } from '../kernel/compare.js';
import type { CommitteeSolution } from '../committee/solve.js';
import type { DmftSolution } from '../dmft/solve.js';
import type { FigureDesc, Panel, Series } from './figure.js';
import { TAB10 } from './figure.js';

const [BLUE, ORANGE, GREEN, RED, PURPLE, BROWN] = TAB10;

/** An integer in Unicode subscript digits (DejaVu has them). */
export function subscript(k: number): string {
  return String(k).replace(/\d/g, (c) => '₀₁₂₃₄₅₆₇₈₉'[Number(c)]);
}

/** Positive, finite values of several arrays. */
function positives(...arrays: (ArrayLike<number> | undefined)[]): number[] {
  const out: number[] = [];
  for (const a of arrays) if (a) for (let i = 0; i < a.length; i++) if (Number.isFinite(a[i]) && a[i] > 0) out.push(a[i]);
  return out;
}

/** A log y-range that shows the curves that matter (`main`) with some room, and lets curves that
 *  collapse (train error → 0) run off the bottom instead of squashing everything else. */
export function logRange(main: number[], floorFactor = 0.3, maxDecades = 6): [number, number] | undefined {
  if (main.length === 0) return undefined;
  const hi = Math.max(...main),
    lo = Math.min(...main);
  // Quarter-decade bounds keep the ticks tidy.
  const topQ = 10 ** (Math.ceil(Math.log10(hi * 1.15) * 4) / 4);
  const bottom = Math.max(lo * floorFactor, topQ * 10 ** -maxDecades);
  const bottomQ = 10 ** (Math.floor(Math.log10(bottom) * 4) / 4);
  return [bottomQ, topQ];
}

/** Kernel run (kernel.md): train/test simulation (mean ± s.e. over seeds), oracle T1, block
 *  approximation T3, eigenlearning T4, stage boundaries t₁ = n/κ_{>ℓ}, t₂ = 1/ξ_{d,ℓ+1}. */
/** What kernelFigure draws: a KernelSolution, or the theory curves alone (`kernel theory --out`,
 *  seedsCompleted = 0). */
export type KernelFigureInput = Pick<KernelSolution, 't' | 'stages' | 'problem'> & {
  curves: Pick<KernelCurves, 'oracle' | 'theoryTest' | 'theoryTrain' | 'eigenlearningTest' | 'eigenlearningTrain'> & Partial<KernelCurves>;
  stats: { seedsCompleted: number };
};

export function kernelFigure(sol: KernelFigureInput, opts: { title?: string } = {}): FigureDesc {
  const c = sol.curves,
    t = sol.t,
    p = sol.problem;
  const sim = sol.stats.seedsCompleted > 0;
  const rules = [
    { x: sol.stages.t1, label: 't₁' },
    { x: sol.stages.t2, label: 't₂' },
  ];
  // Left: the train error on log–log, where its collapse at t₁ = n/κ spans decades (kernel.md §7).
  const train: Series[] = [
    { name: 'train, block approx. (T3)', x: t, y: c.theoryTrain, mark: 'line', dash: 'dashed', color: ORANGE },
    { name: 'train, eigenlearning (T4)', x: t, y: c.eigenlearningTrain, mark: 'line', dash: 'dotted', color: ORANGE },
  ];
  if (sim && c.train)
    train.push({
      name: `train (simulation, ${sol.stats.seedsCompleted} seed${sol.stats.seedsCompleted > 1 ? 's' : ''})`,
      x: t,
      y: c.train,
      se: c.trainSE,
      mark: 'points',
      color: ORANGE,
    });
  const trainRange = logRange(positives(c.theoryTrain, sim ? c.train : undefined), 0.3, 6);
  // Values far below the floor become NaN (not drawn): resvg aborts on marks thousands of px outside.
  if (trainRange) for (const s of train) s.y = Array.from(s.y, (v) => (v < trainRange[0] / 10 ? NaN : v));
  // Right: test and oracle on a LINEAR y axis. The stages are O(1) level changes (‖f‖² → ‖P_{>ℓ}f‖²
  // → frozen, while the oracle keeps descending, §7 table); a log axis squashes them into one band.
  const test: Series[] = [
    { name: 'oracle (T1)', x: t, y: c.oracle, mark: 'line', color: GREEN },
    { name: 'test, block approx. (T3)', x: t, y: c.theoryTest, mark: 'line', dash: 'dashed', color: BLUE },
    { name: 'test, eigenlearning (T4)', x: t, y: c.eigenlearningTest, mark: 'line', dash: 'dotted', color: BLUE },
  ];
  if (sim && c.test) test.push({ name: 'test (simulation)', x: t, y: c.test, se: c.testSE, mark: 'points', color: BLUE });
  // The Stage-2/3 level ‖P_{>ℓ}f‖² (degree energies of the problem, K16).
  const ell = sol.stages.ell;
  const energies = (p as { energies?: number[] }).energies;
  if (energies && ell >= 0) {
    const level = energies.slice(ell + 1).reduce((a, b) => a + b, 0);
    if (level > 0)
      test.push({
        // ‖P>₁f‖²: the degree as a Unicode subscript, as in the reproduce figures (no subscript '>'
        // exists; ‖P₍>₁₎f‖² renders unevenly with resvg's fonts).
        name: `‖P>${subscript(ell)}f‖² = ${level.toPrecision(3)}`,
        x: [t[0], t[t.length - 1]],
        y: [level, level],
        mark: 'line',
        dash: 'dashdot',
        color: '#7f7f7f',
      });
  }
  const testVals = positives(c.oracle, c.theoryTest, sim ? c.test : undefined).filter((v) => v < 1e6);
  const top = testVals.length ? Math.max(...testVals) : 1;
  const xDomain: [number, number] = [t[0], t[t.length - 1]];
  const panels: Panel[] = [
    {
      title: 'train error',
      xTitle: 'time t',
      yTitle: 'train error',
      xScale: 'log',
      yScale: 'log',
      series: train,
      rules,
      xDomain,
      yDomain: trainRange,
      legend: 'bottom-left',
    },
    {
      title: 'test error and oracle',
      xTitle: 'time t',
      yTitle: 'excess test error',
      xScale: 'log',
      yScale: 'linear',
      series: test,
      rules,
      xDomain,
      yDomain: [0, Math.ceil(top * 1.08 * 20) / 20],
      legend: 'bottom-left',
    },
  ];
  return {
    title:
      opts.title ??
      `Kernel gradient flow: ${typeof p.kernel === 'string' ? p.kernel : 'custom kernel'}, d = ${p.dim}, n = ${p.samples} (stage ℓ = ${sol.stages.ell})`,
    panels,
    width: 380,
    height: 300,
  };
}

/** kernel.md §9: train and test of several kernels on the same data. */
export function kernelComparisonFigure(cmp: KernelComparison): FigureDesc {
  const series: Series[] = [];
  const all: number[] = [];
  cmp.solutions.forEach((sol, i) => {
    const color = TAB10[i % TAB10.length];
    const name = cmp.kernels[i];
    const sim = sol.stats.seedsCompleted > 0;
    series.push({
      name: `${name}: test`,
      x: sol.t,
      y: sim ? sol.curves.test : sol.curves.theoryTest,
      se: sim ? sol.curves.testSE : undefined,
      mark: sim ? 'points' : 'line',
      color,
    });
    series.push({ name: `${name}: train`, x: sol.t, y: sim ? sol.curves.train : sol.curves.theoryTrain, mark: 'line', dash: 'dashed', color });
    all.push(...positives(sim ? sol.curves.test : sol.curves.theoryTest, sim ? sol.curves.train : sol.curves.theoryTrain));
  });
  const p = cmp.solutions[0]?.problem;
  return {
    title: `Two kernels on the same data${p ? ` (d = ${p.dim}, n = ${p.samples})` : ''}: faster training need not generalise better`,
    // Four decades: the train errors' collapse shows, the test errors' gap stays readable.
    panels: [{ xTitle: 'time t', yTitle: 'error', series, yDomain: logRange(all, 0.3, 4), legend: 'bottom-left' }],
    width: 460,
    height: 320,
  };
}

/** Committee run (committee.md): excess risk R − Δ/2 of the ODE (line) and of SGD (mean ± s.e.
 *  over seeds, points), plateaus (onset → escape) shaded. */
export function committeeFigure(sol: CommitteeSolution, opts: { title?: string } = {}): FigureDesc {
  const p = sol.problem;
  const series: Series[] = [
    { name: p.model === 'meanfield' ? 'mean-field ODE (M, q)' : `ODE (${sol.stats.ode.method})`, x: sol.t, y: sol.odeRisk, mark: 'line', color: BLUE },
  ];
  if (sol.sgd) {
    const n = sol.sgd.seedsCompleted;
    series.push({
      name: `SGD, d = ${p.dim} (${n} seed${n > 1 ? 's' : ''})`,
      x: sol.sgd.times,
      y: sol.sgd.risk,
      se: sol.sgd.riskSE,
      mark: 'points',
      color: RED,
    });
  }
  const bands = sol.plateaus.plateaus.map((pl, i) => ({
    x0: pl.onset,
    x1: Number.isFinite(pl.escape) ? pl.escape : sol.t[sol.t.length - 1],
    label: sol.plateaus.plateaus.length > 1 ? `plateau ${i + 1}` : 'plateau',
  }));
  const ag = sol.agreement;
  const agText = ag && Number.isFinite(ag.supOverScale) ? `; sup|ΔR| = ${ag.supOverScale.toPrecision(2)}·√(γ/pd)` : '';
  return {
    title:
      opts.title ??
      `Committee ${p.activation}: p = ${p.p}, k = ${p.k}, γ = ${p.lr}, Δ = ${p.noise}${p.trainSecondLayer ? ', second layer trained' : ''}${agText}`,
    panels: [
      {
        xTitle: 'time t = νγ/(pd)',
        yTitle: 'excess risk R − Δ/2',
        series,
        bands,
        yDomain: logRange(positives(sol.odeRisk, sol.sgd?.risk), 0.3, 8),
        legend: 'bottom-left',
      },
    ],
    width: 460,
    height: 320,
  };
}

export type DmftTimeAxis = 't' | 'tm' | 't/m';

/** Simulated network / Gaussian model beside a DMFT solution (GF time, mean ± s.e.). */
export interface DmftSimulationCurves {
  label: string;
  t: ArrayLike<number>;
  trainError: ArrayLike<number>;
  trainErrorSE: ArrayLike<number>;
  testError: ArrayLike<number>;
  testErrorSE: ArrayLike<number>;
  a?: ArrayLike<number>;
  aSE?: ArrayLike<number>;
}

const AXIS_TITLE: Record<DmftTimeAxis, string> = { t: 'time t', tm: 't·m (lazy scale)', 't/m': 't/m (overfitting scale)' };

/** DMFT run (dmft.md): e_train, e_test (left, log–log) and a, v (right) on the chosen clock
 *  t·m, t or t/m; a simulation, when given, as points with ±1 s.e. */
/** How the curves were computed, for a title: the uniform grid's scheme and step, or the adaptive/θ grid
 *  and its tolerance (their `eta` is only a step cap). */
function dmftGridLabel(sol: DmftSolution): string {
  const st = sol.stats;
  if (st.theta) return `θ grid, L = ${st.theta.L}, rtol ${st.theta.rtol}`;
  if (st.adaptive) return `adaptive grid, rtol ${st.adaptive.rtol}`;
  return `${st.scheme}, η = ${st.eta}${st.secondOrder ? ', second order' : ''}`;
}

export function dmftFigure(sol: DmftSolution, opts: { timeAxis?: DmftTimeAxis; simulation?: DmftSimulationCurves; title?: string } = {}): FigureDesc {
  const axis = opts.timeAxis ?? 't';
  const m = sol.problem.m;
  const scale = axis === 'tm' ? m : axis === 't/m' ? 1 / m : 1;
  const x = sol.t.map((v) => v * scale);
  const left: Series[] = [
    { name: 'test (DMFT)', x, y: sol.testError, mark: 'line', color: BLUE },
    { name: 'train (DMFT)', x, y: sol.trainError, mark: 'line', color: PURPLE },
  ];
  const right: Series[] = [
    { name: 'a (DMFT)', x, y: sol.a, mark: 'line', color: RED },
    { name: 'v = ⟨w, u⟩ (DMFT)', x, y: sol.v, mark: 'line', color: BROWN },
  ];
  const sim = opts.simulation;
  if (sim) {
    const xs = Array.from(sim.t, (v) => v * scale);
    left.push({ name: `test (${sim.label})`, x: xs, y: sim.testError, se: sim.testErrorSE, mark: 'points', color: BLUE });
    left.push({ name: `train (${sim.label})`, x: xs, y: sim.trainError, se: sim.trainErrorSE, mark: 'points', color: PURPLE });
    if (sim.a) right.push({ name: `a (${sim.label})`, x: xs, y: sim.a, se: sim.aSE, mark: 'points', color: RED });
  }
  const pr = sol.problem;
  return {
    title: opts.title ?? `SymmDMFT m = ${m}, α = ${pr.alpha}, τ = ${pr.tau} (${dmftGridLabel(sol)})${sol.status !== 'Success' ? ` — ${sol.status}` : ''}`,
    panels: [
      {
        xTitle: AXIS_TITLE[axis],
        yTitle: 'error',
        series: left,
        // Train errors that collapse (interpolation) stay visible down to 5 decades below the top.
        yDomain: logRange(positives(sol.testError, sol.trainError, sim?.testError, sim?.trainError), 0.3, 5),
        legend: 'bottom-left',
      },
      { xTitle: AXIS_TITLE[axis], yTitle: 'second layer a, overlap v', yScale: 'linear', series: right, legend: 'top-left' },
    ],
    width: 340,
    height: 260,
  };
}

/** `dmft simulate` alone: the simulated errors and a (mean ± s.e. over seeds) vs GF time. */
export function dmftSimulationFigure(sim: DmftSimulationCurves, opts: { title: string; bayes?: number }): FigureDesc {
  const left: Series[] = [
    { name: `test (${sim.label})`, x: sim.t, y: sim.testError, se: sim.testErrorSE, mark: 'points', color: BLUE },
    { name: `train (${sim.label})`, x: sim.t, y: sim.trainError, se: sim.trainErrorSE, mark: 'points', color: PURPLE },
  ];
  if (opts.bayes !== undefined)
    left.push({
      name: 'Bayes error τ²/2',
      x: [sim.t[1] ?? sim.t[0], sim.t[sim.t.length - 1]],
      y: [opts.bayes, opts.bayes],
      mark: 'line',
      dash: 'dashed',
      color: '#555555',
    });
  const panels: Panel[] = [{ xTitle: 'time t', yTitle: 'error', series: left, yDomain: logRange(positives(sim.testError), 0.3, 7), legend: 'bottom-left' }];
  if (sim.a)
    panels.push({
      xTitle: 'time t',
      yTitle: 'second layer a',
      yScale: 'linear',
      series: [{ name: `a (${sim.label})`, x: sim.t, y: sim.a, se: sim.aSE, mark: 'points', color: RED }],
      legend: 'top-left',
    });
  return { title: opts.title, panels, width: 340, height: 260 };
}
