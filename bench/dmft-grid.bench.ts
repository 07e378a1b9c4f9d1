// Adaptive non-uniform grid (src/dmft/grid.ts, issue 11) vs the uniform grid at equal accuracy, and the
// step history on the feature-unlearning setting (V10: h = φ̂ = 0.9q + q³/6, τ = α = 0.3, a0 = 1).
// Accuracy: max over the output points of |Δe_ts|, |Δe_tr|, |Δa|, |Δv| against the uniform explicit
// Richardson reference at η_ref (η_ref, η_ref/2). Uniform candidates: explicit with secondOrder (η, η/2);
// adaptive: extrapolated values (default) at several rtol. Wall times on a loaded 2-core machine: compare
// the ratios within one run.
// Run: node --import tsx bench/dmft-grid.bench.ts [m=16] [tMax=50] [etaRef=0.03125]
import { loadWasm } from '../src/wasm/runtime.js';
import { solveDmft, type DmftSolution } from '../src/dmft/solve.js';

const m = Number(process.argv[2] ?? 16);
const tMax = Number(process.argv[3] ?? 50);
const etaRef = Number(process.argv[4] ?? 0.03125);
const base = { m, alpha: 0.3, tau: 0.3, h: [0, 0.9, 0, 1 / 6], a0: 1, tMax, maxPoints: 1e7 };
const rt = await loadWasm({ variant: 'release' });

function at(ts: number[], ys: number[], t: number): number {
  const h = ts[1] - ts[0];
  const k = Math.max(0, Math.min(ts.length - 4, Math.floor(t / h) - 1));
  let s = 0;
  for (let i = 0; i < 4; i++) {
    let L = 1;
    for (let j = 0; j < 4; j++) if (j !== i) L *= (t - ts[k + j]) / (ts[k + i] - ts[k + j]);
    s += L * ys[k + i];
  }
  return s;
}
const ref = await solveDmft({ ...base, eta: etaRef, secondOrder: true }, { runtime: rt });
console.log(
  `reference: uniform explicit Richardson η = ${etaRef}, ${etaRef / 2}: ${(ref.timings.totalMs / 1000).toFixed(1)} s, e_ts(${tMax}) = ${ref.testError.at(-1)}`,
);
const err = (s: DmftSolution) => {
  let e = 0;
  for (const f of ['testError', 'trainError', 'a', 'v'] as const)
    for (let k = 0; k < s.t.length; k++) e = Math.max(e, Math.abs(s[f][k] - at(ref.t, ref[f], s.t[k])));
  return e;
};
console.log('grid      setting            steps   wall s   max error   est. error (first order)');
for (const eta of [0.5, 0.25, 0.125]) {
  const s = await solveDmft({ ...base, eta, secondOrder: true }, { runtime: rt });
  console.log(
    `uniform   η = ${String(eta).padEnd(14)} ${String(s.stats.N).padStart(6)} ${(s.timings.totalMs / 1000).toFixed(2).padStart(8)}   ${err(s).toExponential(2)}`,
  );
}
for (const rtol of [1e-2, 3e-3, 1e-3, 3e-4]) {
  const s = await solveDmft({ ...base, grid: 'adaptive', rtol }, { runtime: rt });
  const A = s.stats.adaptive!;
  console.log(
    `adaptive  rtol = ${String(rtol).padEnd(11)} ${String(A.steps).padStart(6)} ${(s.timings.totalMs / 1000).toFixed(2).padStart(8)}   ${err(s).toExponential(2)}   ${A.errorEstimate.ets!.toExponential(2)}`,
  );
}
