// --out DIR: manifest.json (resolved problem, seed, version, Wasm features, stats, timings),
// curves.csv (one row per time), one .npy per array, arrays.npz, figure.vl.json, figure.svg[, figure.png].
// The bundles themselves are built by src/io/bundles.ts (shared with the browser explorer).
import { writeOutputs } from '../io/index.js';
import type { KernelSolution } from '../kernel/solve.js';
import type { KernelComparison } from '../kernel/compare.js';
import type { CommitteeSolution } from '../committee/solve.js';
import { join } from 'node:path';
import { writeBytes } from '../io/index.js';
import { committeeBundle, kernelArrays, kernelBundle } from '../io/bundles.js';
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

export { kernelArrays };

export async function writeKernelOutputs(dir: string, sol: KernelSolution, argv: string[], fig: FigureOptions = {}): Promise<string[]> {
  const bundle = kernelBundle(sol, ['learndyn', ...argv]);
  return (await writeOutputs(dir, { ...bundle, extra: await figureExtra(kernelFigure(sol), fig) })).paths;
}

/** `kernel theory --out`: the theory curves (T1, T3, T4) on the grid, their figure with the stage rules. */
export async function writeKernelTheoryOutputs(
  dir: string,
  th: { t: number[]; oracle: number[]; theoryTrain: number[]; theoryTest: number[]; eigenlearningTrain: number[]; eigenlearningTest: number[]; stages: KernelSolution['stages']; problem: KernelSolution['problem'] },
  argv: string[],
  fig: FigureOptions = {},
): Promise<string[]> {
  const { t, stages, problem, ...curves } = th;
  const columns: Record<string, Float64Array> = { t: Float64Array.from(t) };
  for (const [k, v] of Object.entries(curves)) columns[k] = Float64Array.from(v);
  const figure = kernelFigure({ t, stages, problem, curves, stats: { seedsCompleted: 0 } }, { title: `Kernel theory: ${typeof problem.kernel === 'string' ? problem.kernel : 'custom kernel'}, d = ${problem.dim}, n = ${problem.samples} (stage ℓ = ${stages.ell})` });
  const out = await writeOutputs(dir, {
    arrays: columns,
    csv: { columns },
    extra: await figureExtra(figure, fig),
    manifest: {
      version: VERSION,
      command: ['learndyn', ...argv],
      problem,
      seed: null, // no sampling: the theory curves are deterministic
      rngScheme: 'none',
      wasm: { variant: 'ts', simd: false, threads: false, noLiftoff: false }, // computed in TypeScript
      status: 'Success',
      stats: { stages },
    },
  });
  return out.paths;
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
  const bundle = committeeBundle(sol, ['learndyn', ...argv]);
  return (await writeOutputs(dir, { ...bundle, extra: await figureExtra(committeeFigure(sol), fig) })).paths;
}
