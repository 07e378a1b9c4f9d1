// Runs one `reproduce` entry in a worker thread for the CLI: the main thread stays free to see
// SIGINT/SIGTERM while the entry computes (an entry's synchronous Wasm phases would otherwise hold
// the signal back until it ends), and ends the run at once by terminating this worker.
import { parentPort, workerData } from 'node:worker_threads';
import { findReproduction } from '../reproduce/index.js';

const { id, quick } = workerData as { id: string; quick: boolean };
const entry = findReproduction(id);
if (!entry || !parentPort) throw new Error(`reproduce worker: unknown id ${id}`);
const port = parentPort;
entry.run({ quick, progress: (fraction, phase) => port.postMessage({ type: 'progress', fraction, phase }) }).then(
  (result) => port.postMessage({ type: 'result', result }),
  (e: unknown) => port.postMessage({ type: 'error', message: (e as Error)?.stack ?? String(e) }),
);
