// A worker thread of the sweep pool: runs the cells the main thread sends, one at a time, each with
// its own Wasm runtime (created by the solve; the compiled module is cached per thread).
import { parentPort } from 'node:worker_threads';
import { ENGINES } from '../engines.js';
import { runCellJob, type CellJob } from './run-cell.js';

const ctl = new AbortController();
parentPort?.on('message', async (msg: { type: 'abort' } | { type: 'cell'; job: CellJob }) => {
  if (msg.type === 'abort') {
    ctl.abort();
    return;
  }
  try {
    parentPort?.postMessage({ type: 'done', outcome: await runCellJob(ENGINES, msg.job, ctl.signal) });
  } catch (e) {
    parentPort?.postMessage({ type: 'done', outcome: { id: msg.job.id, status: 'Error', message: (e as Error).message, solveMs: 0, totalMs: 0 } });
  }
});
