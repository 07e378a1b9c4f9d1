// --out DIR for kernel runs: manifest.json (resolved problem, seed, version, Wasm features, stats,
// timings), curves.csv (one row per time), one .npy per curve and arrays.npz.
import { writeOutputs } from '../io/index.js';
import { RNG_SCHEME } from '../rng/index.js';
import type { KernelSolution } from '../kernel/solve.js';
import type { KernelComparison } from '../kernel/compare.js';
import type { CommitteeSolution } from '../committee/solve.js';
import { join } from 'node:path';
import { writeBytes } from '../io/index.js';
import { VERSION } from '../version.js';
import type { FigureDesc } from '../plot/figure.js';
import { figureFiles } from '../plot/render.js';
import { svgToPng } from '../plot/png.js';
import { committeeFigure, kernelComparisonFigure, kernelFigure } from '../plot/engines.js';

/** Figure options of every --out run: figure.vl.json + figure.svg always, figure.png on --png. */
export interface FigureOptions {
  png?: boolean;
}

/** figure.vl.json, figure.svg (and figure.png) as extra output files. */
export async function figureExtra(fig: FigureDesc, opts: FigureOptions = {}): Promise<Record<string, Uint8Array | undefined>> {
  return { ...(await figureFiles(fig, opts.png ? (svg) => svgToPng(svg) : undefined)) };
}

export function kernelArrays(sol: KernelSolution): Record<string, Float64Array> {
  const arrays: Record<string, Float64Array> = { t: Float64Array.from(sol.t) };
  for (const [name, v] of Object.entries(sol.curves)) if (Array.isArray(v)) arrays[name] = Float64Array.from(v);
  return arrays;
}

export async function writeKernelOutputs(dir: string, sol: KernelSolution, argv: string[], fig: FigureOptions = {}): Promise<string[]> {
  const arrays = kernelArrays(sol);
  const { totalMs, replicates } = sol.timings;
  const res = await writeOutputs(dir, {
    arrays: {
      ...arrays,
      spectrum_eigenvalues: Float64Array.from(sol.spectrum.eigenvalues),
    },
    csv: { columns: arrays },
    extra: await figureExtra(kernelFigure(sol), fig),
    manifest: {
      version: VERSION,
      command: ['learndyn', ...argv],
      problem: sol.problem,
      seed: sol.problem.seed,
      rngScheme: RNG_SCHEME,
      wasm: sol.stats.wasm,
      status: sol.status,
      stats: {
        message: sol.message ?? null,
        stages: sol.stages,
        atInfinity: sol.atInfinity,
        ...sol.stats,
      },
      timings: { totalMs, ...Object.fromEntries(replicates.flatMap((r, i) => Object.entries(r).map(([k, v]) => [`seed${i}.${k}`, v]))) },
    },
  });
  return res.paths;
}

/** One output folder per kernel (kernel-0, kernel-1, …) and comparison.json with the summary. */
export async function writeComparisonOutputs(dir: string, cmp: KernelComparison, argv: string[], fig: FigureOptions = {}): Promise<string[]> {
  const paths: string[] = [];
  for (let i = 0; i < cmp.solutions.length; i++) paths.push(...(await writeKernelOutputs(join(dir, `kernel-${i}`), cmp.solutions[i], argv, fig)));
  for (const [name, bytes] of Object.entries(await figureExtra(kernelComparisonFigure(cmp), fig))) {
    if (!bytes) continue;
    await writeBytes(join(dir, name), bytes);
    paths.push(join(dir, name));
  }
  const summary = { kernels: cmp.kernels, folders: cmp.kernels.map((_, i) => `kernel-${i}`), summary: cmp.summary };
  const p = join(dir, 'comparison.json');
  await writeBytes(p, new TextEncoder().encode(JSON.stringify(summary, null, 2) + '\n'));
  paths.push(p);
  return paths;
}

/** --out for committee runs: curves (t, risk, …) as .npy/.npz/CSV, final and initial overlaps as .npy, manifest. */
export async function writeCommitteeOutputs(dir: string, sol: CommitteeSolution, argv: string[], fig: FigureOptions = {}): Promise<string[]> {
  const columns: Record<string, Float64Array> = { t: Float64Array.from(sol.t), odeRisk: Float64Array.from(sol.odeRisk) };
  if (sol.sgd) {
    columns.sgdRisk = Float64Array.from(sol.sgd.risk);
    columns.sgdRiskSE = Float64Array.from(sol.sgd.riskSE);
    columns.sgdRiskQ10 = Float64Array.from(sol.sgd.riskQ10);
    columns.sgdRiskQ90 = Float64Array.from(sol.sgd.riskQ90);
  }
  const mat = (m: number[][]) => ({ data: Float64Array.from(m.flat()), shape: [m.length, m[0]?.length ?? 0] });
  const res = await writeOutputs(dir, {
    arrays: {
      ...columns,
      Q_final: mat(sol.Q),
      M_final: mat(sol.M),
      Q_initial: mat(sol.initial.Q),
      M_initial: mat(sol.initial.M),
      P: mat(sol.initial.P),
    },
    csv: { columns },
    extra: await figureExtra(committeeFigure(sol), fig),
    manifest: {
      version: VERSION,
      command: ['learndyn', ...argv],
      problem: sol.problem,
      seed: sol.problem.seed,
      rngScheme: sol.stats.rng ? `${sol.stats.rng.scheme} + ${sol.stats.rng.sgdScheme}` : RNG_SCHEME,
      wasm: sol.stats.wasm,
      status: sol.status,
      stats: { message: sol.message ?? null, agreement: sol.agreement ?? null, plateaus: sol.plateaus, regime: sol.regime, ode: sol.stats.ode, initial: sol.initial },
      timings: sol.timings,
    },
  });
  return res.paths;
}
