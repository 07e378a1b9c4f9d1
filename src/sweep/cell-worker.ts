// A worker thread of the sweep pool: runs the lane loop (src/sweep/lane.ts) on the cells the main
// thread shares, claiming them from the shared counter, each with its own Wasm runtime (created by the
// solve; the compiled module is cached per thread). Outcomes go back as messages; 'idle' ends.
import { parentPort } from 'node:worker_threads';
import { ENGINES } from '../engines.js';
import { runLane, type LaneJob } from './lane.js';

const ctl = new AbortController();
parentPort?.on('message', async (msg: { type: 'abort' } | { type: 'run'; job: LaneJob; counter: SharedArrayBuffer; lane: number }) => {
  if (msg.type === 'abort') {
    ctl.abort();
    return;
  }
  const ctr = new Int32Array(msg.counter);
  try {
    await runLane(ENGINES, msg.job, {
      lane: msg.lane,
      next: () => Atomics.add(ctr, 0, 1),
      stopped: () => Atomics.load(ctr, 1) !== 0,
      signal: ctl.signal,
      emit: (e) => parentPort?.postMessage(e),
      catchErrors: true,
    });
    parentPort?.postMessage({ type: 'idle' });
  } catch (e) {
    parentPort?.postMessage({ type: 'error', message: (e as Error).message ?? String(e) });
  }
});
