// Registry and runner of `learndyn reproduce`. The runner writes figure + data + manifest (with the
// checks) into a folder and returns the checks; the CLI prints them.
import { committeeEntries } from './committee.js';
import { committeeExtraEntries } from './committee-extra.js';
import { dmftEntries } from './dmft.js';
import { dmftFig1Entries } from './dmft-fig1.js';
import { kernelEntries } from './kernel.js';
import { kernelExtraEntries } from './kernel-extra.js';
import { checkPasses, type Check, type ReproduceContext, type ReproduceEntry, type ReproduceResult } from './types.js';
import { figureFiles } from '../plot/render.js';
import { svgToPng } from '../plot/png.js';
import { writeOutputs } from '../io/index.js';
import { VERSION } from '../version.js';
import { RNG_SCHEME } from '../rng/index.js';
import { loadWasm } from '../wasm/runtime.js';

export * from './types.js';

export const REPRODUCTIONS: ReproduceEntry[] = [
  ...kernelEntries,
  ...kernelExtraEntries,
  ...committeeEntries,
  ...committeeExtraEntries,
  ...dmftFig1Entries,
  ...dmftEntries,
];

export function findReproduction(id: string): ReproduceEntry | undefined {
  return REPRODUCTIONS.find((e) => e.id === id);
}

export interface ReproduceRun {
  entry: ReproduceEntry;
  result: ReproduceResult;
  checks: (Check & { pass: boolean })[];
  passed: boolean;
  paths: string[];
  wallMs: number;
  /** Stopped by the signal: the folder holds a manifest with status 'Terminated' (no figure, no checks:
   *  an entry's result exists only when it has finished). */
  terminated?: boolean;
}

export interface ReproduceRunOptions {
  outDir: string;
  quick: boolean;
  png?: boolean;
  argv?: string[];
  progress?: ReproduceContext['progress'];
  /** Stop: resolves at once with `terminated` and a 'Terminated' manifest in outDir. */
  signal?: AbortSignal;
  /** Compute the entry's result elsewhere (the CLI runs it in a worker thread, so that a signal is
   *  seen while the entry computes); default: `entry.run` in this thread. */
  compute?: (entry: ReproduceEntry, ctx: ReproduceContext) => Promise<ReproduceResult>;
}

/** Run one entry and write its folder (figure.vl.json, figure.svg[, figure.png], arrays, curves.csv,
 *  checks.json, manifest.json). */
export async function runReproduction(entry: ReproduceEntry, opts: ReproduceRunOptions): Promise<ReproduceRun> {
  const t0 = performance.now();
  const ctx: ReproduceContext = { quick: opts.quick, progress: opts.progress ?? (() => {}), signal: opts.signal };
  const work = (opts.compute ?? ((e, c) => e.run(c)))(entry, ctx);
  const stopped = new Promise<'stopped'>((res) => {
    if (opts.signal?.aborted) res('stopped');
    opts.signal?.addEventListener('abort', () => res('stopped'), { once: true });
  });
  const result = await Promise.race([work, stopped]);
  const wallMs = performance.now() - t0;
  const manifestBase = {
    version: VERSION,
    command: ['learndyn', ...(opts.argv ?? ['reproduce', entry.id])],
    rngScheme: RNG_SCHEME,
  };
  if (result === 'stopped') {
    work.catch(() => {}); // the abandoned computation may still fail; nothing waits for it
    const out = await writeOutputs(opts.outDir, {
      manifest: {
        ...manifestBase,
        problem: { reproduce: entry.id, quick: opts.quick },
        seed: null,
        wasm: { variant: 'none', simd: false, threads: false, noLiftoff: false },
        status: 'Terminated',
        stats: {
          title: entry.title,
          source: entry.source,
          message: 'terminated by a signal before the entry finished; a reproduction keeps nothing partial (run it again)',
        },
        timings: { totalMs: wallMs },
      },
    });
    const empty: ReproduceResult = {
      figure: { title: entry.title, series: [] } as unknown as ReproduceResult['figure'],
      arrays: {},
      checks: [],
      parameters: {},
    };
    return { entry, result: empty, checks: [], passed: false, paths: out.paths, wallMs, terminated: true };
  }
  const checks = result.checks.map((c) => ({ ...c, pass: checkPasses(c) }));
  const fig = await figureFiles(result.figure, opts.png ? (svg) => svgToPng(svg) : undefined);
  const csvNames = result.csv ?? [];
  const columns = Object.fromEntries(csvNames.map((n) => [n, result.arrays[n] as Float64Array]));
  const enc = new TextEncoder();
  const out = await writeOutputs(opts.outDir, {
    arrays: result.arrays,
    csv: csvNames.length ? { columns } : undefined,
    extra: {
      ...fig,
      'checks.json': enc.encode(JSON.stringify(checks, null, 2) + '\n'),
    },
    manifest: {
      ...manifestBase,
      problem: { reproduce: entry.id, quick: opts.quick, ...result.parameters },
      seed: result.seed ?? null,
      wasm: result.wasm ?? (await loadWasm()).features(),
      status: checks.every((c) => c.pass) ? 'Success' : 'ChecksFailed',
      stats: { title: entry.title, source: entry.source, checks, notes: result.notes ?? [] },
      timings: { totalMs: wallMs },
    },
  });
  return { entry, result, checks, passed: checks.every((c) => c.pass), paths: out.paths, wallMs };
}

const fmt = (v: number) => (Number.isFinite(v) ? (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(4) : v.toPrecision(6)) : String(v));

/** Human-readable check table: value obtained beside the expected one. */
export function formatChecks(checks: (Check & { pass: boolean })[]): string {
  const lines = checks.map((c) => {
    const tol = c.relTol !== undefined ? `±${(c.relTol * 100).toPrecision(3)}%` : `±${fmt(c.tol ?? 0)}`;
    return `  ${c.pass ? 'PASS' : 'FAIL'}  ${c.name}: obtained ${fmt(c.value)}, expected ${fmt(c.expected)} (${tol}; ${c.source})`;
  });
  return lines.join('\n');
}
