// Output bundles of explorer runs, with the CLI's array names (src/cli/output.ts, src/cli/dmft.ts).
// Those CLI modules import node:path / commander at the top level, so the few lines that build a
// bundle are repeated here; the encoding itself is the library's (encodeOutputs, figureFiles).
import { encodeOutputs, type OutputBundle } from '../../src/io/index.js';
import { RNG_SCHEME } from '../../src/rng/index.js';
import { VERSION } from '../../src/version.js';
import { figureFiles } from '../../src/plot/render.js';
import type { FigureDesc } from '../../src/plot/figure.js';
import type { KernelSolution } from '../../src/kernel/solve.js';
import type { CommitteeSolution } from '../../src/committee/solve.js';
import type { DmftSolution } from '../../src/dmft/solve.js';
import { DSIM_RNG_SCHEME, type SimResult } from '../../src/dmft/simulate.js';
import type { WasmRecord } from '../../src/io/manifest.js';

const COMMAND = ['learndyn-explorer'];

async function encode(bundle: OutputBundle, fig: FigureDesc): Promise<Map<string, Uint8Array>> {
  const extra = { ...(await figureFiles(fig)) } as Record<string, Uint8Array>;
  // Browser downloads: arrays.npz, curves.csv, figures and the manifest (no loose .npy files).
  return (await encodeOutputs({ ...bundle, npy: false, extra })).files;
}

export function kernelBundle(sol: KernelSolution, fig: FigureDesc): Promise<Map<string, Uint8Array>> {
  const arrays: Record<string, Float64Array> = { t: Float64Array.from(sol.t) };
  for (const [name, v] of Object.entries(sol.curves)) if (Array.isArray(v)) arrays[name] = Float64Array.from(v);
  const { totalMs, replicates } = sol.timings;
  return encode(
    {
      arrays: { ...arrays, spectrum_eigenvalues: Float64Array.from(sol.spectrum.eigenvalues) },
      csv: { columns: arrays },
      manifest: {
        version: VERSION,
        command: [...COMMAND, 'kernel', 'run'],
        problem: sol.problem,
        seed: sol.problem.seed,
        rngScheme: RNG_SCHEME,
        wasm: sol.stats.wasm,
        status: sol.status,
        stats: { message: sol.message ?? null, stages: sol.stages, atInfinity: sol.atInfinity, ...sol.stats },
        timings: { totalMs, ...Object.fromEntries(replicates.flatMap((r, i) => Object.entries(r).map(([k, v]) => [`seed${i}.${k}`, v]))) },
      },
    },
    fig,
  );
}

export function committeeBundle(sol: CommitteeSolution, fig: FigureDesc): Promise<Map<string, Uint8Array>> {
  const columns: Record<string, Float64Array> = { t: Float64Array.from(sol.t), odeRisk: Float64Array.from(sol.odeRisk) };
  if (sol.sgd) {
    columns.sgdRisk = Float64Array.from(sol.sgd.risk);
    columns.sgdRiskSE = Float64Array.from(sol.sgd.riskSE);
    columns.sgdRiskQ10 = Float64Array.from(sol.sgd.riskQ10);
    columns.sgdRiskQ90 = Float64Array.from(sol.sgd.riskQ90);
  }
  const mat = (m: number[][]) => ({ data: Float64Array.from(m.flat()), shape: [m.length, m[0]?.length ?? 0] });
  return encode(
    {
      arrays: { ...columns, Q_final: mat(sol.Q), M_final: mat(sol.M), Q_initial: mat(sol.initial.Q), M_initial: mat(sol.initial.M), P: mat(sol.initial.P) },
      csv: { columns },
      manifest: {
        version: VERSION,
        command: [...COMMAND, 'committee', sol.sgd ? 'sgd' : 'ode'],
        problem: sol.problem,
        seed: sol.problem.seed,
        rngScheme: sol.stats.rng ? `${sol.stats.rng.scheme} + ${sol.stats.rng.sgdScheme}` : RNG_SCHEME,
        wasm: sol.stats.wasm,
        status: sol.status,
        stats: { message: sol.message ?? null, agreement: sol.agreement ?? null, plateaus: sol.plateaus, regime: sol.regime, ode: sol.stats.ode, initial: sol.initial },
        timings: sol.timings,
      },
    },
    fig,
  );
}

/** The DMFT test error (linear in t) against the simulated network on its grid (src/cli/dmft.ts). */
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

export function dmftBundle(sol: DmftSolution, fig: FigureDesc, wasm: WasmRecord, sim?: SimResult): Promise<Map<string, Uint8Array>> {
  const names = ['trainError', 'testError', 'a', 'gamma', 'v', 'Co', 'mCo', 'Cd0', 'nu', 'gap', 'tm', 'tOverM'] as const;
  const columns: Record<string, Float64Array> = { t: Float64Array.from(sol.t) };
  for (const k of names) columns[k] = Float64Array.from(sol[k]);
  const simArrays: Record<string, Float64Array> = {};
  const s = sim?.summary;
  if (sim && s)
    Object.assign(simArrays, {
      sim_t: sim.t, sim_trainError: s.trainError, sim_trainErrorSE: s.trainErrorSE,
      sim_testError: s.testError, sim_testErrorSE: s.testErrorSE, sim_a: s.a, sim_aSE: s.aSE, sim_v: s.v,
    });
  const simulation = sim && s
    ? { status: sim.status, message: sim.message ?? null, options: sim.options, rng: sim.rng, agreement: dmftVsSimulation(sol, sim.t, s.testError, s.testErrorSE) }
    : undefined;
  return encode(
    {
      arrays: { ...columns, ...simArrays },
      csv: { columns },
      manifest: {
        version: VERSION,
        command: [...COMMAND, 'dmft', 'run'],
        problem: sol.problem,
        seed: sim ? sim.options.seed : null,
        rngScheme: sim ? `${RNG_SCHEME} + ${DSIM_RNG_SCHEME}` : RNG_SCHEME,
        wasm,
        status: sol.status,
        stats: { message: sol.message ?? null, ...sol.stats, ...(simulation ? { simulation } : {}) },
        timings: sol.timings,
      },
    },
    fig,
  );
}
