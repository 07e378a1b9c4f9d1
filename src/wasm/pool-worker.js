// Worker side of the pool: one instance of the shared-memory build on the pool's memory.
// Plain JS so that it runs unchanged from src/ (tests) and dist/ (package).
import { parentPort, workerData } from 'node:worker_threads';
import v8 from 'node:v8';

v8.setFlagsFromString('--no-liftoff');
const { module, memory } = workerData;
const instance = new WebAssembly.Instance(module, {
  env: {
    memory,
    abort(_m, _f, line, col) {
      throw new Error(`wasm abort at ${line}:${col}`);
    },
    seed() {
      throw new Error('Math.random is not used in learndyn kernels');
    },
  },
});
const ex = instance.exports;

parentPort.on('message', (msg) => {
  const { id, fn, args } = msg;
  try {
    const f = ex[fn];
    if (typeof f !== 'function') throw new Error(`no kernel named ${fn}`);
    // The result as the export returns it (number, bigint for u64, undefined for void), as InlineExecutor does.
    parentPort.postMessage({ id, result: f(...args) });
  } catch (e) {
    parentPort.postMessage({ id, error: String(e?.stack ? e.stack : e) });
  }
});
