// --out DIR: manifest.json (resolved problem, seed, version, Wasm features, stats, timings, array
// definitions), curves.csv (one row per time), one .npy per array, arrays.npz, figure.vl.json,
// figure.svg[, figure.png]. The bundles themselves come from the engine descriptors (browser-safe).
import { join } from 'node:path';
import { writeBytes, writeOutputs, type OutputBundle } from '../io/index.js';
import type { KernelComparison } from '../kernel/compare.js';
import { kernelBundle } from '../io/bundles.js';
import type { FigureDesc } from '../plot/figure.js';
import { figureFiles } from '../plot/render.js';
import { svgToPng } from '../plot/png.js';
import { kernelComparisonFigure, kernelFigure } from '../plot/engines.js';

/** Figure options of every --out run: figure.vl.json + figure.svg always, figure.png on --png. */
export interface FigureOptions {
  png?: boolean;
  /** Keep DIR/partial/ (an interrupted run: `--resume` reads it). */
  keepPartial?: boolean;
}

/** figure.vl.json, figure.svg (and figure.png) as extra output files. */
export async function figureExtra(fig: FigureDesc, opts: FigureOptions = {}): Promise<Record<string, Uint8Array | undefined>> {
  return { ...(await figureFiles(fig, opts.png ? (svg) => svgToPng(svg) : undefined)) };
}

/** Write a run's bundle and its figure as the folder `dir`, atomically (src/io/folder.ts); returns the
 *  written paths. */
export async function writeRunOutputs(dir: string, bundle: OutputBundle, fig: FigureDesc, opts: FigureOptions = {}): Promise<string[]> {
  return (await writeOutputs(dir, { ...bundle, extra: { ...bundle.extra, ...(await figureExtra(fig, opts)) } }, { keepPartial: opts.keepPartial })).paths;
}

/** One output folder per kernel (kernel-0, kernel-1, …) and comparison.json with the summary. */
export async function writeComparisonOutputs(dir: string, cmp: KernelComparison, argv: string[], fig: FigureOptions = {}): Promise<string[]> {
  const paths: string[] = [];
  for (let i = 0; i < cmp.solutions.length; i++) {
    const sol = cmp.solutions[i];
    paths.push(...(await writeRunOutputs(join(dir, `kernel-${i}`), kernelBundle(sol, ['learndyn', ...argv]), kernelFigure(sol), fig)));
  }
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
