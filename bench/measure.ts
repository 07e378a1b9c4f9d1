// Timing helpers shared by the linear-algebra benchmarks.
import type { WasmRuntime } from '../src/wasm/runtime.js';

/** CPU milliseconds of this process (user + system): on a shared machine the wall time includes waiting for
 *  a core, CPU time does not (numpy is timed with time.process_time). */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e3;
}

/** GFLOP/s of CPU time of the f64x2 peak probe (assembly/gemm.ts peak_probe_f64: 12 independent chains of
 *  mul + add, or of relaxed_madd in the relaxed-SIMD build, 48 flops per round): the peak of rt's own build. */
export function probeGflops(rt: WasmRuntime): number {
  const it = 1.2e7; // ≈ 20 ms: a few-ms probe right after an idle moment caught short clock boosts (±5 % between rows)
  const t = cpuMs();
  rt.exports.peak_probe_f64(it, 0.999999, 1e-7);
  return (48 * it) / (Math.max(cpuMs() - t, 1e-3) * 1e6);
}
