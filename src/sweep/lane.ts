// One lane of `sweep run`: takes the next cell from a counter shared by all lanes, locks it, runs it
// and writes it, until the cells run out or the run is stopped. The same loop runs on the main thread
// and in every worker thread of the pool (src/sweep/run.ts): each lane claims its own cells (an
// Atomics counter in shared memory), so no lane ever waits for another thread to hand it work, and
// the main thread's event loop carries no per-cell traffic besides the outcomes it logs.
import type { EngineDescriptor } from '../core/engine.js';
import { readCell, tryLock, unlock } from './cells.js';
import { runCellJob, type CellOutcome } from './run-cell.js';

export interface LaneCell {
  index: number;
  id: string;
  params: Record<string, unknown>;
}

/** What every lane of a run shares (structured-cloned once to each worker). */
export interface LaneJob {
  dir: string;
  command: string;
  force: boolean;
  figures: boolean;
  figureCache?: boolean;
  cells: LaneCell[];
}

export type LaneEvent = { type: 'locked'; cell: LaneCell } | { type: 'skipped'; cell: LaneCell } | { type: 'done'; cell: LaneCell; outcome: CellOutcome };

/** Is the cell finished? Cells that threw (status 'Error') are retried; NotConverged/Unstable are results. */
export function cellFinished(dir: string, id: string): boolean {
  const r = readCell(dir, id);
  return r.state === 'done' || (r.state === 'failed' && r.status !== 'Error');
}

export interface LaneControl {
  /** 0 for the main thread, 1, 2, … for the workers (recorded in each outcome). */
  lane: number;
  /** The index of the next cell to claim (an Atomics counter when lanes share it). */
  next: () => number;
  /** Stop claiming cells (the run was interrupted). */
  stopped: () => boolean;
  /** The solve's signal: a cell in flight ends 'Terminated' when it fires. */
  signal: AbortSignal;
  emit: (e: LaneEvent) => void;
  /** A worker turns a throw into an 'Error' outcome and goes on (the main thread lets it propagate). */
  catchErrors?: boolean;
}

export async function runLane(engines: readonly EngineDescriptor[], job: LaneJob, ctl: LaneControl): Promise<void> {
  for (;;) {
    if (ctl.signal.aborted || ctl.stopped()) return;
    const i = ctl.next();
    if (i >= job.cells.length) return;
    const cell = job.cells[i];
    const l0 = performance.now();
    if (!tryLock(job.dir, cell.id)) {
      ctl.emit({ type: 'locked', cell });
      continue;
    }
    let out: CellOutcome;
    let lockMs = 0;
    try {
      // Another process may have finished it between the scan and the lock.
      if (!job.force && cellFinished(job.dir, cell.id)) {
        ctl.emit({ type: 'skipped', cell });
        continue;
      }
      lockMs = performance.now() - l0;
      const cellJob = { dir: job.dir, id: cell.id, command: job.command, params: cell.params, figures: job.figures, figureCache: job.figureCache };
      try {
        out = await runCellJob(engines, cellJob, ctl.signal);
      } catch (e) {
        if (!ctl.catchErrors) throw e;
        out = { id: cell.id, status: 'Error', message: (e as Error).message, solveMs: 0, totalMs: 0 };
      }
    } finally {
      const u0 = performance.now();
      unlock(job.dir, cell.id);
      lockMs += performance.now() - u0;
    }
    out.lockMs = lockMs;
    out.lane = ctl.lane;
    ctl.emit({ type: 'done', cell, outcome: out });
    // A macrotask turn between cells (writing a cell is synchronous): signals and, on the main
    // thread, the workers' outcomes are handled between two cells at the latest.
    await new Promise<void>((r) => setImmediate(r));
  }
}
