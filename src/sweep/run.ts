// `learndyn sweep run`: every selected cell in-process — on the main thread (--jobs 1) or on a pool of
// N worker threads (--jobs N), never a process per cell. Resumable (finished cells are skipped),
// shardable (--shard I/N takes the cells whose index ≡ I mod N), safe for concurrent runs on one DIR
// (a lock per cell) and interruptible (the signal stops new cells; cells in flight end 'Terminated'
// and are written as such; the next run recomputes them).
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineDescriptor } from '../core/engine.js';
import type { Status } from '../core/contract.js';
import { canonical } from '../io/manifest.js';
import { VERSION } from '../version.js';
import { cellFinished, runLane, type LaneEvent, type LaneJob } from './lane.js';
import type { CellOutcome } from './run-cell.js';
import { SweepSpecError, type ExpandedSweep } from './spec.js';

export const SWEEP_FILE = 'sweep.json';

export interface SweepFile {
  tool: 'learndyn';
  version: string;
  specHash: string;
  spec: unknown;
  axes: string[];
  cells: { index: number; id: string; axes: Record<string, unknown> }[];
}

/** The DIR's sweep.json: deterministic (the same from every shard and machine). */
export function sweepFile(sw: ExpandedSweep): SweepFile {
  return {
    tool: 'learndyn',
    version: VERSION,
    specHash: sw.specHash,
    spec: canonical(sw.spec),
    axes: sw.axisKeys,
    cells: sw.cells.map((c) => ({ index: c.index, id: c.id, axes: c.axes })),
  };
}

export function readSweepFile(dir: string): SweepFile {
  const p = join(dir, SWEEP_FILE);
  if (!existsSync(p)) throw new SweepSpecError(`sweep: ${dir} is not a sweep folder (no ${SWEEP_FILE})`);
  return JSON.parse(readFileSync(p, 'utf8')) as SweepFile;
}

/** Claim DIR for this spec: a DIR made for another spec is refused unless `force`. */
export function claimDir(dir: string, sw: ExpandedSweep, force: boolean): void {
  mkdirSync(dir, { recursive: true });
  const p = join(dir, SWEEP_FILE);
  if (existsSync(p)) {
    let hash = '';
    try {
      hash = (JSON.parse(readFileSync(p, 'utf8')) as SweepFile).specHash;
    } catch {
      /* unreadable: rewritten below */
    }
    if (hash === sw.specHash) return;
    if (hash && !force)
      throw new SweepSpecError(
        `sweep: ${dir} holds another sweep (spec hash ${hash.slice(0, 12)} ≠ ${sw.specHash.slice(0, 12)}); use another --out or --force`,
      );
  }
  const tmp = `${p}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(sweepFile(sw), null, 2) + '\n');
  renameSync(tmp, p);
}

export interface RunOptions {
  jobs?: number;
  shard?: { index: number; count: number };
  force?: boolean;
  /** false: cells get figure.vl.json but no figure.svg (skips the SVG render of every cell). */
  cellFigures?: boolean;
  /** false: render each cell's figure directly, without the per-shape cache (for benchmarks). */
  figureCache?: boolean;
  /** false: with --jobs N, N worker threads run the cells and the main thread only collects outcomes
   *  (default true: the main thread is one of the N lanes). Tests use it to run every cell in a worker. */
  mainLane?: boolean;
  signal?: AbortSignal;
  /** One line per event (cell finished, skipped). */
  log?: (line: string) => void;
  /** Worker threads load the registry; tests with other engines use jobs = 1. */
  engines: readonly EngineDescriptor[];
}

export interface RunReport {
  selected: number;
  skipped: number;
  lockedElsewhere: number;
  ran: CellOutcome[];
  terminated: boolean;
  wallMs: number;
  /** From the start of the run to the first cell's outcome (with --jobs N: the workers' start-up and
   *  their first cell, which compiles the Wasm module and the figure's shape). */
  firstOutcomeMs?: number;
}

/** The worker threads of a run: each runs the lane loop (src/sweep/lane.ts) on the shared counter. */
class WorkerPool {
  private constructor(private readonly workers: import('node:worker_threads').Worker[]) {}

  static async create(n: number): Promise<WorkerPool> {
    const { Worker } = await import('node:worker_threads');
    const ts = import.meta.url.endsWith('.ts');
    const url = new URL(ts ? './cell-worker.ts' : './cell-worker.js', import.meta.url);
    if (!ts) return new WorkerPool(Array.from({ length: n }, () => new Worker(url)));
    // From the sources (tsx, vitest): a worker does not inherit the parent's TypeScript loader, so
    // each one registers tsx's ESM hooks itself before importing the .ts worker module.
    const { createRequire } = await import('node:module');
    const { pathToFileURL } = await import('node:url');
    const tsx = pathToFileURL(
      createRequire(import.meta.url)
        .resolve('tsx/esm/api')
        .replace(/\.cjs$/, '.mjs'),
    ).href;
    const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
    return new WorkerPool(Array.from({ length: n }, () => new Worker(boot, { eval: true })));
  }

  /** Every worker runs lanes on `job` with the shared counter; resolves once all have run out of cells. */
  run(job: LaneJob, counter: SharedArrayBuffer, emit: (e: LaneEvent) => void): Promise<void> {
    return Promise.all(
      this.workers.map(
        (worker, w) =>
          new Promise<void>((resolve, reject) => {
            const onMsg = (m: LaneEvent | { type: 'idle' } | { type: 'error'; message: string }) => {
              if (m.type === 'idle' || m.type === 'error') {
                worker.off('message', onMsg);
                worker.off('error', onErr);
                if (m.type === 'idle') resolve();
                else reject(new Error(m.message));
                return;
              }
              emit(m);
            };
            const onErr = (e: Error) => {
              worker.off('message', onMsg);
              reject(e);
            };
            worker.on('message', onMsg);
            worker.once('error', onErr);
            worker.postMessage({ type: 'run', job, counter, lane: w + 1 });
          }),
      ),
    ).then(() => undefined);
  }

  abort(): void {
    for (const w of this.workers) w.postMessage({ type: 'abort' });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

export async function runSweep(sw: ExpandedSweep, dir: string, opts: RunOptions): Promise<RunReport> {
  const t0 = performance.now();
  const jobs = Math.max(1, Math.floor(opts.jobs ?? 1));
  const force = !!opts.force;
  const log = opts.log ?? (() => {});
  claimDir(dir, sw, force);
  const shard = opts.shard ?? { index: 0, count: 1 };
  const selected = sw.cells.filter((c) => c.index % shard.count === shard.index);
  const todo = force ? selected : selected.filter((c) => !cellFinished(dir, c.id));
  const report: RunReport = { selected: selected.length, skipped: selected.length - todo.length, lockedElsewhere: 0, ran: [], terminated: false, wallMs: 0 };
  if (todo.length < selected.length) log(`${selected.length - todo.length} of ${selected.length} cells already finished`);
  // --jobs N: the main thread is one lane and N − 1 worker threads are the others (the main thread has
  // loaded the engines already; a worker has to load them and warm up). All lanes take cells from one
  // counter in shared memory ([0] the next cell, [1] set when the run is interrupted).
  const lanes = Math.min(jobs, todo.length);
  const mainLane = lanes <= 1 || opts.mainLane !== false;
  const counter = new SharedArrayBuffer(8);
  const ctr = new Int32Array(counter);
  const pool = lanes > 1 ? await WorkerPool.create(mainLane ? lanes - 1 : lanes) : undefined;
  const local = new AbortController();
  const onAbort = () => {
    report.terminated = true;
    Atomics.store(ctr, 1, 1);
    local.abort();
    pool?.abort();
  };
  if (opts.signal?.aborted) onAbort();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });
  let done = 0;
  const emit = (e: LaneEvent) => {
    if (e.type === 'locked') {
      report.lockedElsewhere++;
      log(`cell ${e.cell.index} (${e.cell.id}): being computed by another process, skipped`);
    } else if (e.type === 'skipped') report.skipped++;
    else {
      const out = e.outcome;
      report.firstOutcomeMs ??= performance.now() - t0;
      report.ran.push(out);
      done++;
      log(
        `[${done}/${todo.length}] cell ${e.cell.index} ${e.cell.id}: ${out.status}${out.status !== 'Success' && out.message ? ` (${out.message})` : ''} ${(out.totalMs / 1000).toFixed(2)} s`,
      );
    }
  };
  const job: LaneJob = {
    dir,
    command: sw.spec.command,
    force,
    figures: opts.cellFigures ?? true,
    figureCache: opts.figureCache,
    cells: todo.map((c) => ({ index: c.index, id: c.id, params: c.params })),
  };
  try {
    const others = pool?.run(job, counter, emit);
    // If a worker fails, the main lane stops claiming cells (the error is thrown below).
    others?.catch(() => Atomics.store(ctr, 1, 1));
    await Promise.all([
      mainLane
        ? runLane(opts.engines, job, { lane: 0, next: () => Atomics.add(ctr, 0, 1), stopped: () => Atomics.load(ctr, 1) !== 0, signal: local.signal, emit })
        : undefined,
      others,
    ]);
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await pool?.close();
  }
  report.wallMs = performance.now() - t0;
  return report;
}

/** Exit status of a run: Terminated if interrupted, else the most severe cell status. */
export function runStatus(r: RunReport): Status | 'Error' {
  if (r.terminated) return 'Terminated';
  const order: (Status | 'Error')[] = ['Success', 'NotConverged', 'Unstable', 'Error', 'Terminated'];
  let worst: Status | 'Error' = 'Success';
  for (const c of r.ran) if (order.indexOf(c.status) > order.indexOf(worst)) worst = c.status;
  return worst;
}
