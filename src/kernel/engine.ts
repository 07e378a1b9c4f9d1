// The kernel engine's descriptor (kernel.md): fields (flags, config keys, help, explorer widgets)
// and the computing commands `kernel run` and `kernel theory`.
import { command, curveSummary, type EngineDescriptor, type Field } from '../core/engine.js';
import { kernelBundle, kernelArrays } from '../io/bundles.js';
import { kernelFigure } from '../plot/engines.js';
import { VERSION } from '../version.js';
import { estimateMemory } from './memory.js';
import type { KernelProblemInput } from './problem.js';
import { solveKernel, validateKernelProblem, type KernelSolution } from './solve.js';
import { kernelTheory, type KernelTheory } from './theory-curves.js';

const model: Field[] = [
  {
    key: 'kernel',
    flag: 'kernel',
    kind: 'string',
    default: 'exp',
    help: 'kernel h(s): exp | exp:TAU | poly:a0,a1,.. | taylor:a0,a1,.. | gegenbauer:D:c0,c1,.. | relu-ntk | arccos0 | arccos1 | two-kernels-A|B|C, or a weighted sum such as 0.5*exp+gegenbauer:100:0,0,0,0,0,0,2',
    widget: {
      label: 'kernel h(s)',
      control: 'text',
      def: 'exp',
      options: ['exp', 'exp:0.5', 'relu-ntk', 'arccos0', 'arccos1', 'poly:0,1,0.5,0.25'],
      group: 'model',
      help: 'built-in name: exp, exp:τ, relu-ntk, arccos0, arccos1, poly:a0,a1,…',
    },
  },
  {
    key: 'domain',
    flag: 'domain',
    kind: 'string',
    default: 'sphere',
    help: 'data domain: sphere | hypercube',
    widget: { label: 'domain', control: 'select', def: 'sphere', options: ['sphere', 'hypercube'], group: 'model' },
  },
  {
    key: 'dim',
    flag: 'dim',
    kind: 'int',
    help: 'input dimension d',
    widget: { label: 'dimension d', control: 'int', def: '30', slider: { min: 2, max: 200, step: 1 }, group: 'model' },
  },
  {
    key: 'samples',
    flag: 'samples',
    kind: 'int',
    help: 'training samples n',
    widget: { label: 'samples n', control: 'int', def: '300', slider: { min: 10, max: 3000, step: 10 }, group: 'model' },
  },
  {
    key: 'energies',
    flag: 'energies',
    kind: 'numbers',
    help: 'degree energies c_0²,c_1²,… of the target (comma list)',
    widget: { label: 'energies c_k²', control: 'numbers', def: '0, 0.333, 0.333, 0.333', group: 'model', help: 'target energy per degree k = 0, 1, 2, …' },
  },
  {
    key: 'noiseSd',
    flag: 'noise-sd',
    kind: 'number',
    default: '0',
    unit: 'target units',
    help: 'label noise standard deviation σ',
    widget: { label: 'noise sd', control: 'number', def: '0.5', slider: { min: 0, max: 2, step: 0.05 }, group: 'model' },
  },
  { key: 'noisyRisk', flag: 'noisy-risk', kind: 'switch', help: 'report the noisy test risk (excess + σ²) instead of the excess risk' },
];

const time: Field[] = [
  {
    key: 'tMin',
    flag: 't-min',
    kind: 'number',
    default: '0.1',
    unit: 'flow time',
    help: 'first time of the log grid',
    widget: { label: 't min', control: 'number', def: '1', group: 'time' },
  },
  {
    key: 'tMax',
    flag: 't-max',
    kind: 'number',
    default: '1e9',
    unit: 'flow time',
    help: 'last time of the log grid',
    widget: { label: 't max', control: 'number', def: '1e8', slider: { min: 1, max: 12, step: 0.5, log: true }, group: 'time' },
  },
  {
    key: 'tCount',
    flag: 't-count',
    kind: 'int',
    default: '101',
    help: 'number of log-spaced times',
    widget: { label: 'time points', control: 'int', def: '71', group: 'time' },
  },
];

const simulation: Field[] = [
  {
    key: 'seeds',
    flag: 'seeds',
    kind: 'int',
    default: '1',
    help: 'number of replicates S',
    widget: { label: 'seeds', control: 'int', def: '2', slider: { min: 1, max: 16, step: 1 }, group: 'sim' },
  },
  {
    key: 'seed',
    flag: 'seed',
    kind: 'int',
    default: '0',
    help: 'base seed; replicate r uses stream r',
    widget: { label: 'base seed', control: 'int', def: '0', group: 'sim' },
  },
  {
    key: 'testPoints',
    flag: 'test-points',
    kind: 'int',
    default: '2000',
    help: 'Monte-Carlo test points per seed (0 = off)',
    widget: { label: 'MC test points', control: 'int', def: '2000', group: 'sim' },
  },
  { key: 'exactTest', flag: 'no-exact-test', kind: 'switch', help: 'skip the exact L² test error (K22); Monte-Carlo only' },
  { key: 'gdLr', flag: 'gd-lr', kind: 'numberOrAuto', default: 'none', help: 'GD step η beside the flow: number | auto (half the max stable 2n/λ_max) | none' },
  { key: 'method', flag: 'method', kind: 'string', default: 'auto', help: 'auto | eigh | lanczos (auto: the faster by a cost model in n, steps, threads)' },
  { key: 'lanczosTol', flag: 'lanczos-tol', kind: 'number', default: '1e-10', help: 'Lanczos stop: ‖y − K a_∞‖/‖y‖' },
  { key: 'lanczosMaxSteps', flag: 'lanczos-max-steps', kind: 'int', default: '1500', help: 'Lanczos Krylov dimension cap' },
  { key: 'eigenClip', flag: 'eigen-clip', kind: 'string', default: 'clip', help: 'negative eigenvalues: clip | abs | error' },
  { key: 'budgetBytes', flag: 'budget-bytes', kind: 'number', default: '3 GiB', unit: 'bytes', help: 'Wasm memory budget; refused before allocation above it' },
  { key: 'threads', flag: 'threads', kind: 'int', default: '1', help: 'worker threads' },
];

/** Every kernel problem field, in form order. */
export const kernelFields: Field[] = [...model, ...time, ...simulation];

/** The flat, contract-shaped JSON of a kernel run: curve arrays aligned to "t" at the top level. */
export function kernelRunJSON(sol: KernelSolution): Record<string, unknown> {
  return {
    status: sol.status,
    message: sol.message,
    t: sol.t,
    ...sol.curves,
    ...sol.bySeed,
    stages: sol.stages,
    atInfinity: sol.atInfinity,
    spectrum: sol.spectrum,
    spectrumEigenvalues: sol.spectrum.eigenvalues,
    report: sol.report,
    stats: sol.stats,
    timings: sol.timings,
    problem: sol.problem,
  };
}

const fmt = (x: number) => (Number.isFinite(x) ? x.toExponential(3).padStart(10) : '       n/a');

/** A readable excerpt of the curves: about two rows per decade. */
export function curvesTable(sol: KernelSolution): string {
  const c = sol.curves;
  const rows = ['         t      train       test     oracle   T3 train    T3 test'];
  let last = -Infinity;
  sol.t.forEach((t, i) => {
    if (Math.log10(t) - last < 0.49 && i !== sol.t.length - 1) return;
    last = Math.log10(t);
    rows.push([t, c.train[i], c.test[i], c.oracle[i], c.theoryTrain[i], c.theoryTest[i]].map(fmt).join(' '));
  });
  rows.push(`  t = ∞: train ${fmt(sol.atInfinity.train)}, test ${fmt(sol.atInfinity.test ?? NaN)}, oracle ${fmt(sol.atInfinity.oracle)}`);
  return rows.join('\n');
}

export const kernelRun = command({
  name: 'run',
  description: 'simulate the Empirical World over seeds beside the Oracle World and the theory curves',
  fields: kernelFields,
  prepare: (params) => validateKernelProblem(params as KernelProblemInput).problem,
  memoryBytes: (p) => estimateMemory(p).bytes,
  solve: (p, options) => solveKernel(p, options),
  json: kernelRunJSON,
  text: (sol) => sol.report + '\n\n' + curvesTable(sol),
  bundle: (sol, argv) => kernelBundle(sol, argv),
  figure: (sol) => kernelFigure(sol),
  summary: (sol) => ({
    ...kernelCurveSummary(sol.t, sol.curves as unknown as Record<string, ArrayLike<number>>),
    t1: sol.stages.t1,
    t2: sol.stages.t2,
    trainAtInfinity: sol.atInfinity.train,
    testAtInfinity: sol.atInfinity.test ?? NaN,
    oracleAtInfinity: sol.atInfinity.oracle,
  }),
});

/** Final/min/argmin of the kernel curves that exist (simulation and theories T1, T3, T4). */
function kernelCurveSummary(t: ArrayLike<number>, curves: Record<string, ArrayLike<number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of ['train', 'test', 'oracle', 'theoryTrain', 'theoryTest', 'eigenlearningTrain', 'eigenlearningTest'])
    if (curves[k]) Object.assign(out, curveSummary(k, t, curves[k]));
  return out;
}

export const kernelTheoryCommand = command({
  name: 'theory',
  description: 'theory curves only (no simulation): oracle T1, block approximation T3, eigenlearning T4, stages',
  fields: [...model, ...time],
  prepare: (params) => kernelTheory(params as KernelProblemInput).problem,
  solve: async (p, options): Promise<KernelTheory> => {
    if (options.signal?.aborted)
      return {
        ...kernelTheory(p),
        status: 'Terminated',
        t: [],
        curves: { oracle: [], theoryTrain: [], theoryTest: [], eigenlearningTrain: [], eigenlearningTest: [] },
      };
    return kernelTheory(p);
  },
  json: (th) => ({
    status: th.status,
    t: th.t,
    ...th.curves,
    stages: th.stages,
    atInfinity: th.atInfinity,
    spectrum: th.spectrum,
    report: th.report,
    problem: th.problem,
  }),
  text: (th) => th.report,
  bundle: (th, argv) => {
    const columns = kernelArrays(th);
    return {
      arrays: columns,
      csv: { columns },
      manifest: {
        version: VERSION,
        command: argv,
        problem: th.problem,
        seed: null, // no sampling: the theory curves are deterministic
        rngScheme: 'none',
        wasm: { variant: 'ts', simd: false, threads: false, noLiftoff: false }, // computed in TypeScript
        status: th.status,
        stats: { stages: th.stages, atInfinity: th.atInfinity },
      },
    };
  },
  figure: (th) =>
    kernelFigure(
      { ...th, stats: { seedsCompleted: 0 } },
      {
        title: `Kernel theory: ${typeof th.problem.kernel === 'string' ? th.problem.kernel : 'custom kernel'}, d = ${th.problem.dim}, n = ${th.problem.samples} (stage ℓ = ${th.stages.ell})`,
      },
    ),
});

kernelTheoryCommand.summary = (th) => ({
  ...kernelCurveSummary(th.t, th.curves as unknown as Record<string, ArrayLike<number>>),
  t1: th.stages.t1,
  t2: th.stages.t2,
  oracleAtInfinity: th.atInfinity.oracle,
});

export const kernelEngine: EngineDescriptor = {
  name: 'kernel',
  description: 'kernel gradient flow: Oracle World vs Empirical World (Ghosh, Mei, Yu)',
  commands: [kernelRun, kernelTheoryCommand],
};
