// Solve one cell and write its folder: the same function runs on the main thread (--jobs 1) and in
// each worker thread of the pool (--jobs N), so a cell's files do not depend on where it ran.
import { findCommand, prepareCommand, type EngineDescriptor } from '../core/engine.js';
import type { Status } from '../core/contract.js';
import { cellArgv, writeCell, type WriteTimings } from './cells.js';

export interface CellJob {
  dir: string;
  id: string;
  command: string;
  params: Record<string, unknown>;
  /** Render figure.svg (default); false: figure.vl.json only. */
  figures?: boolean;
  /** Render through the per-shape cache (default); false: the direct render (benchmarks compare). */
  figureCache?: boolean;
}

export interface CellOutcome {
  id: string;
  status: Status | 'Error';
  message?: string;
  /** Wall time of the solve alone, and of the whole cell (prepare + solve + write). */
  solveMs: number;
  totalMs: number;
  /** The rest of the cell's time by stage (ms): checking the parameters (prepare), then writeCell's
   *  stages (bundle, svg, encode, write). The benchmark reports their medians. */
  stages?: { prepare: number } & WriteTimings;
  /** Set by the lane that ran it (src/sweep/lane.ts): taking the lock, checking that no other
   *  process finished the cell meanwhile, and the unlock. */
  lockMs?: number;
  /** The lane that ran it: 0 the main thread, 1, 2, … the worker threads. */
  lane?: number;
}

export async function runCellJob(engines: readonly EngineDescriptor[], job: CellJob, signal: AbortSignal): Promise<CellOutcome> {
  const t0 = performance.now();
  const found = findCommand(engines, job.command);
  if (!found) throw new Error(`unknown command ${job.command}`);
  const { engine, command } = found;
  const argv = cellArgv(job.command, command.fields, job.params);
  let solveMs = 0;
  try {
    const p0 = performance.now();
    const prepared = await prepareCommand(engine, command, job.params);
    const s0 = performance.now();
    const sol = await command.solve(prepared, { signal });
    solveMs = performance.now() - s0;
    const w = await writeCell(job.dir, job.id, command, argv, { sol }, job.figures ?? true, job.figureCache ?? true);
    const stages = { prepare: s0 - p0, ...w };
    return { id: job.id, status: sol.status, message: sol.message, solveMs, totalMs: performance.now() - t0, stages };
  } catch (e) {
    const message = (e as Error).message ?? String(e);
    await writeCell(job.dir, job.id, command, argv, { error: message });
    return { id: job.id, status: 'Error', message, solveMs, totalMs: performance.now() - t0 };
  }
}
