// Direct simulations beside the DMFT in the dmft reproductions, as `dmft simulate` runs: one
// shared-memory runtime and a 2-worker pool per call (handed to each run), closed afterwards.
import { loadWasm, type WasmRuntime } from '../wasm/runtime.js';
import { WorkerPool } from '../wasm/exec.js';
import type { SimResult, SimulateInput } from '../dmft/simulate.js';
import { runCommand } from './engine-run.js';
import type { DmftSolution } from '../dmft/solve.js';
import { interpAt } from './dmft-util.js';

export async function withPool<T>(f: (rt: WasmRuntime, pool: WorkerPool) => Promise<T>): Promise<T> {
  const rt = await loadWasm({ shared: true });
  const pool = await WorkerPool.create(rt, 2);
  try {
    return await f(rt, pool);
  } finally {
    await pool.close();
  }
}

export async function simulate(inputs: SimulateInput[], progress: (f: number) => void): Promise<SimResult[]> {
  return withPool(async (rt, pool) => {
    const out: SimResult[] = [];
    for (const [k, inp] of inputs.entries())
      out.push(await runCommand('dmft simulate', inp, { runtime: rt, executor: pool, onProgress: (e) => progress((k + e.fraction) / inputs.length) }));
    return out;
  });
}

/** Mean |sim − DMFT| / s.e. of the test error over the save points with t ≤ tMax (V9 "within SGD noise"),
 *  and the largest absolute gap. */
export function agreementZ(
  sol: DmftSolution,
  sim: SimResult,
  tMax: number,
  field: 'testError' | 'trainError' = 'testError',
): { meanZ: number; supAbs: number; points: number } {
  const y = sim.summary[field],
    se = field === 'testError' ? sim.summary.testErrorSE : sim.summary.trainErrorSE;
  let z = 0,
    n = 0,
    sup = 0;
  for (let i = 0; i < sim.t.length; i++) {
    const t = sim.t[i];
    if (t > tMax || !(se[i] > 0)) continue;
    const d = Math.abs(y[i] - interpAt(sol.t, sol[field], t));
    sup = Math.max(sup, d);
    z += d / se[i];
    n++;
  }
  return { meanZ: n ? z / n : NaN, supAbs: sup, points: n };
}
