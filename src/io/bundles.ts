// The output bundle of each engine's Solution (arrays, curves.csv columns, manifest), shared by the
// CLI's --out (written to a folder) and the browser explorer (downloads). Browser-safe: no Node imports.
import type { NdArray, OutputBundle } from './index.js';
import type { WasmRecord } from './manifest.js';
import { RNG_SCHEME } from '../rng/index.js';
import { VERSION } from '../version.js';
import type { KernelSolution } from '../kernel/solve.js';
import type { CommitteeSolution } from '../committee/solve.js';
import type { DmftSolution } from '../dmft/solve.js';
import { DSIM_RNG_SCHEME, type SimResult } from '../dmft/simulate.js';

/** t and every curve of a kernel run (arrays aligned to t). */
export function kernelArrays(sol: Pick<KernelSolution, 't'> & { curves: Partial<KernelSolution['curves']> }): Record<string, Float64Array> {
  const arrays: Record<string, Float64Array> = { t: Float64Array.from(sol.t) };
  for (const [name, v] of Object.entries(sol.curves)) if (Array.isArray(v)) arrays[name] = Float64Array.from(v);
  return arrays;
}

/** Rows of equal length as a (rows, cols) array. */
export function matrixArray(rows: ArrayLike<number>[], cols: number): NdArray {
  const data = new Float64Array(rows.length * cols);
  rows.forEach((r, i) => data.set(Array.from(r).slice(0, cols), i * cols));
  return { data, shape: [rows.length, cols] };
}

/** Kernel run: curves, per-seed curves and spectrum eigenvalues; manifest with stages, t = ∞ values
 *  and per-seed timings. */
export function kernelBundle(sol: KernelSolution, command: readonly string[]): OutputBundle {
  const arrays = kernelArrays(sol);
  const { totalMs, replicates } = sol.timings;
  const T = sol.t.length;
  return {
    arrays: {
      ...arrays,
      trainBySeed: matrixArray(sol.bySeed.trainBySeed, T),
      testBySeed: matrixArray(sol.bySeed.testBySeed, T),
      spectrumEigenvalues: Float64Array.from(sol.spectrum.eigenvalues),
    },
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

/** Committee run: t-aligned curves under their JSON names (`risk` = the ODE for `ode`, the SGD mean
 *  for `sgd`, which adds riskSE, riskQ10, riskQ90, ode and riskBySeed), final and initial overlaps. */
export function committeeBundle(sol: CommitteeSolution, command: readonly string[]): OutputBundle {
  const f = (v: ArrayLike<number>) => Float64Array.from(v);
  const columns: Record<string, Float64Array> = { t: f(sol.t) };
  if (sol.sgd) {
    Object.assign(columns, {
      risk: f(sol.sgd.risk),
      riskSE: f(sol.sgd.riskSE),
      riskQ10: f(sol.sgd.riskQ10),
      riskQ90: f(sol.sgd.riskQ90),
      ode: f(sol.odeRisk),
      steps: f(sol.sgd.steps),
    });
  } else columns.risk = f(sol.odeRisk);
  const mat = (m: number[][]): NdArray => ({ data: Float64Array.from(m.flat()), shape: [m.length, m[0]?.length ?? 0] });
  const overlaps: Record<string, NdArray> = sol.sgd
    ? { Q: mat(sol.sgd.Q), M: mat(sol.sgd.M), odeQ: mat(sol.Q), odeM: mat(sol.M) }
    : { Q: mat(sol.Q), M: mat(sol.M), ...(sol.a ? { a: { data: Float64Array.from(sol.a), shape: [sol.a.length] } } : {}) };
  return {
    arrays: {
      ...columns,
      ...(sol.sgd ? { riskBySeed: matrixArray(sol.sgd.riskBySeed, sol.t.length) } : ({} as Record<string, NdArray>)),
      ...overlaps,
      initialQ: mat(sol.initial.Q),
      initialM: mat(sol.initial.M),
      P: mat(sol.initial.P),
    },
    csv: { columns },
    manifest: {
      version: VERSION,
      command,
      problem: sol.problem,
      seed: sol.problem.seed,
      rngScheme: sol.stats.rng ? `${sol.stats.rng.scheme} + ${sol.stats.rng.sgdScheme}` : RNG_SCHEME,
      wasm: sol.stats.wasm,
      status: sol.status,
      stats: {
        message: sol.message ?? null,
        agreement: sol.agreement ?? null,
        plateaus: sol.plateaus,
        regime: sol.regime,
        ode: sol.stats.ode,
        initial: sol.initial,
      },
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

/** The network beside a theory under the vocabulary's sim<Name> arrays (its own grid simT). */
export function simulationArrays(sim: SimResult): Record<string, Float64Array | NdArray> {
  const s = sim.summary;
  const L = sim.t.length;
  return {
    simT: sim.t,
    simTrainError: s.trainError,
    simTrainErrorSE: s.trainErrorSE,
    simTestError: s.testError,
    simTestErrorSE: s.testErrorSE,
    simA: s.a,
    simASE: s.aSE,
    simV: s.v,
    simVSE: s.vSE,
    simCo: s.Co,
    simCoSE: s.CoSE,
    simTrainErrorBySeed: matrixArray(
      sim.replicates.map((r) => r.trainError),
      L,
    ),
    simTestErrorBySeed: matrixArray(
      sim.replicates.map((r) => r.testError),
      L,
    ),
  };
}

/** SymmDMFT run (+ the network beside it, on its own grid, as sim<Name> arrays). `simulation` is the
 *  manifest record of the simulation (defaults to status, options, rng and the agreement figure). */
export function dmftBundle(
  sol: DmftSolution,
  command: readonly string[],
  wasm: WasmRecord,
  sim?: SimResult,
  simulation?: Record<string, unknown>,
): OutputBundle {
  const names = ['trainError', 'testError', 'a', 'gamma', 'v', 'Co', 'mCo', 'Cd0', 'nu', 'gap', 'tm', 'tOverM'] as const;
  const columns: Record<string, Float64Array> = { t: Float64Array.from(sol.t) };
  for (const k of names) columns[k] = Float64Array.from(sol[k]);
  const s = sim?.summary;
  if (sim && s)
    simulation ??= {
      status: sim.status,
      message: sim.message ?? null,
      options: sim.options,
      rng: sim.rng,
      agreement: dmftVsSimulation(sol, sim.t, s.testError, s.testErrorSE),
    };
  return {
    arrays: { ...columns, ...(sim ? simulationArrays(sim) : {}) },
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
