// Shared by the committee ODE tests: one Wasm integrator call on arena buffers.
import type { WasmRuntime } from '../../src/wasm/runtime.js';
import * as O from '../../src/numerics/ode.js';

/** Wasm driver: runs one integrator call on arena buffers; returns y, out, stats and status. */
export interface WasmRun {
  status: number;
  y: Float64Array;
  out: Float64Array;
  stats: Float64Array;
}
export function wasmOde(
  rt: WasmRuntime,
  method: 'euler' | 'rk4' | 'dopri5',
  model: number,
  params: Float64Array,
  y0: ArrayLike<number>,
  t0: number,
  tsave: ArrayLike<number>,
  o: { dt?: number; rtol?: number; atol?: number; hmax?: number; hmin?: number; maxSteps?: number; p?: number; k?: number; h0?: number } = {},
): WasmRun {
  const ar = rt.arena,
    ex = rt.exports;
  const n = y0.length,
    ns = tsave.length;
  const mark = ar.mark();
  try {
    const pp = ar.copyIn(params),
      py = ar.copyIn(y0),
      pt = ar.copyIn(tsave);
    const pout = ar.allocF64(Math.max(1, ns * n));
    ar.f64(pout, ns * n).fill(NaN);
    const pw = ar.allocF64(ex.ode_work_f64(model, n, o.p ?? 0, o.k ?? 0));
    const pst = ar.allocF64(O.ODE_STATS_LEN + ns);
    ar.f64(pst, O.ODE_STATS_LEN + ns).fill(0);
    ar.f64(pst, 1)[0] = o.h0 ?? 0;
    const status =
      method === 'dopri5'
        ? ex.ode_dopri5(model, pp, py, n, t0, pt, ns, pout, o.rtol ?? 1e-8, o.atol ?? 1e-10, o.hmax ?? 0, o.hmin ?? 0, o.maxSteps ?? 1e8, pw, pst)
        : ex[`ode_${method}`](model, pp, py, n, t0, o.dt!, pt, ns, pout, pw, pst);
    return { status, y: ar.copyOut(py, n), out: ar.copyOut(pout, ns * n), stats: ar.copyOut(pst, O.ODE_STATS_LEN + ns) };
  } finally {
    ar.reset(mark);
  }
}
