// The output bundle of each engine's Solution (arrays, curves.csv columns, manifest), shared by the
// CLI's --out (written to a folder) and the browser explorer (downloads). Browser-safe: no Node imports.
import type { OutputBundle } from './index.js';
import type { WasmRecord } from './manifest.js';
import { RNG_SCHEME } from '../rng/index.js';
import { VERSION } from '../version.js';
import type { KernelSolution } from '../kernel/solve.js';
import type { CommitteeSolution } from '../committee/solve.js';
import type { DmftSolution } from '../dmft/solve.js';
import { DSIM_RNG_SCHEME, type SimResult } from '../dmft/simulate.js';

/** t and every curve of a kernel run (arrays aligned to t). */
export function kernelArrays(sol: KernelSolution): Record<string, Float64Array> {
  const arrays: Record<string, Float64Array> = { t: Float64Array.from(sol.t) };
  for (const [name, v] of Object.entries(sol.curves)) if (Array.isArray(v)) arrays[name] = Float64Array.from(v);
  return arrays;
}

/** Kernel run: curves + spectrum eigenvalues; manifest with stages, t = ∞ values and per-seed timings. */
export function kernelBundle(sol: KernelSolution, command: readonly string[]): OutputBundle {
  const arrays = kernelArrays(sol);
  const { totalMs, replicates } = sol.timings;
  return {
    arrays: { ...arrays, spectrum_eigenvalues: Float64Array.from(sol.spectrum.eigenvalues) },
    csv: { columns: arrays },
    manifest: {
      version: VERSION,
      command,
      problem: sol.problem,
      seed: sol.problem.seed,
      rngScheme: RNG_SCHEME,
      wasm: sol.stats.wasm,
      status: sol.status,
      stats: { message: sol.message ?? null, stages: sol.stages, atInfinity: sol.atInfinity, ...sol.stats },
      timings: { totalMs, ...Object.fromEntries(replicates.flatMap((r, i) => Object.entries(r).map(([k, v]) => [`seed${i}.${k}`, v]))) },
    },
  };
}

/** Committee run: risk curves (ODE, SGD mean/s.e./quantiles) and the initial/final overlaps. */
export function committeeBundle(sol: CommitteeSolution, command: readonly string[]): OutputBundle {
  const columns: Record<string, Float64Array> = { t: Float64Array.from(sol.t), odeRisk: Float64Array.from(sol.odeRisk) };
  if (sol.sgd) {
    columns.sgdRisk = Float64Array.from(sol.sgd.risk);
    columns.sgdRiskSE = Float64Array.from(sol.sgd.riskSE);
    columns.sgdRiskQ10 = Float64Array.from(sol.sgd.riskQ10);
    columns.sgdRiskQ90 = Float64Array.from(sol.sgd.riskQ90);
  }
  const mat = (m: number[][]) => ({ data: Float64Array.from(m.flat()), shape: [m.length, m[0]?.length ?? 0] });
  return {
    arrays: { ...columns, Q_final: mat(sol.Q), M_final: mat(sol.M), Q_initial: mat(sol.initial.Q), M_initial: mat(sol.initial.M), P: mat(sol.initial.P) },
    csv: { columns },
    manifest: {
      version: VERSION,
      command,
      problem: sol.problem,
      seed: sol.problem.seed,
      rngScheme: sol.stats.rng ? `${sol.stats.rng.scheme} + ${sol.stats.rng.sgdScheme}` : RNG_SCHEME,
      wasm: sol.stats.wasm,
      status: sol.status,
      stats: { message: sol.message ?? null, agreement: sol.agreement ?? null, plateaus: sol.plateaus, regime: sol.regime, ode: sol.stats.ode, initial: sol.initial },
      timings: sol.timings,
    },
  };
}

/** DMFT test error (linear in t) against a simulation on its own grid: the largest gap and the mean
 *  gap in units of the seed standard error. */
export function dmftVsSimulation(sol: DmftSolution, t: ArrayLike<number>, test: ArrayLike<number>, se: ArrayLike<number>) {
  let supAbs = 0;
  let at = NaN;
  let z = 0;
  let nz = 0;
  for (let i = 0; i < t.length; i++) {
    const x = t[i];
    if (!(x <= sol.t[sol.t.length - 1])) continue;
    let j = 1;
    while (j < sol.t.length - 1 && sol.t[j] < x) j++;
    const t0 = sol.t[j - 1];
    const t1 = sol.t[j];
    const w = t1 > t0 ? (x - t0) / (t1 - t0) : 0;
    const dm = sol.testError[j - 1] + w * (sol.testError[j] - sol.testError[j - 1]);
    const e = Math.abs(test[i] - dm);
    if (e > supAbs) {
      supAbs = e;
      at = x;
    }
    if (se[i] > 0) {
      z += e / se[i];
      nz++;
    }
  }
  return { supAbsTestError: supAbs, at, meanZ: nz ? z / nz : null };
}

/** SymmDMFT run (+ the network beside it, on its own grid, as sim_* arrays). `simulation` is the
 *  manifest record of the simulation (defaults to status, options, rng and the agreement figure). */
export function dmftBundle(
  sol: DmftSolution, command: readonly string[], wasm: WasmRecord, sim?: SimResult, simulation?: Record<string, unknown>,
): OutputBundle {
  const names = ['trainError', 'testError', 'a', 'gamma', 'v', 'Co', 'mCo', 'Cd0', 'nu', 'gap', 'tm', 'tOverM'] as const;
  const columns: Record<string, Float64Array> = { t: Float64Array.from(sol.t) };
  for (const k of names) columns[k] = Float64Array.from(sol[k]);
  const simArrays: Record<string, Float64Array> = {};
  const s = sim?.summary;
  if (sim && s) {
    Object.assign(simArrays, {
      sim_t: sim.t, sim_trainError: s.trainError, sim_trainErrorSE: s.trainErrorSE,
      sim_testError: s.testError, sim_testErrorSE: s.testErrorSE, sim_a: s.a, sim_aSE: s.aSE, sim_v: s.v,
    });
    simulation ??= { status: sim.status, message: sim.message ?? null, options: sim.options, rng: sim.rng, agreement: dmftVsSimulation(sol, sim.t, s.testError, s.testErrorSE) };
  }
  return {
    arrays: { ...columns, ...simArrays },
    csv: { columns },
    manifest: {
      version: VERSION,
      command,
      problem: sol.problem,
      seed: sim ? sim.options.seed : null,
      rngScheme: sim ? `${RNG_SCHEME} + ${DSIM_RNG_SCHEME}` : RNG_SCHEME,
      wasm,
      status: sol.status,
      stats: { message: sol.message ?? null, ...sol.stats, ...(simulation ? { simulation } : {}) },
      timings: sol.timings,
    },
  };
}
