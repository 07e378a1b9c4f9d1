// θ = t′/t grid (src/dmft/theta-grid.ts, dmft-grid.md) vs the uniform grid and the full-history adaptive grid
// (src/dmft/grid.ts) at equal accuracy on the feature-unlearning setting (V10: h = φ̂ = 0.9q + q³/6,
// τ = α = 0.3, a0 = 1). Accuracy: max over t ∈ {1, 2, 5, 10, …, tMax} of |Δe_ts|, |Δe_tr|, |Δa|, |Δv| against
// the uniform explicit Richardson reference (η_ref, η_ref/2). Wall times on a loaded 2-core machine: compare
// the ratios within one run. Then the θ grid's step history to tLong (steps per doubling of t).
// Run: node --import tsx bench/dmft-theta.bench.ts [m=16] [tMax=50] [etaRef=0.03125] [tLong=0]
import { loadWasm } from '../src/wasm/runtime.js';
import { solveDmft, type DmftSolution } from '../src/dmft/solve.js';
import { dmftProblem } from '../src/dmft/problem.js';
import { runTheta, type ThetaRaw } from '../src/dmft/theta-grid.js';

const m = Number(process.argv[2] ?? 16);
const tMax = Number(process.argv[3] ?? 50);
const etaRef = Number(process.argv[4] ?? 0.03125);
const tLong = Number(process.argv[5] ?? 0);
const base = { m, alpha: 0.3, tau: 0.3, h: [0, 0.9, 0, 1 / 6], a0: 1, tMax, maxPoints: 1e7 };
const rt = await loadWasm({ variant: 'release' });
const T = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000].filter((t) => t <= tMax);
const s1 = await solveDmft({ ...base, eta: etaRef }, { runtime: rt });
const s2 = await solveDmft({ ...base, eta: etaRef / 2 }, { runtime: rt });
const ref = (k: 'testError' | 'trainError' | 'a' | 'v', t: number) => 2 * s2[k][2 * Math.round(t / etaRef)] - s1[k][Math.round(t / etaRef)];
console.log(`reference: uniform explicit Richardson η = ${etaRef}, ${etaRef / 2}: ${((s1.timings.totalMs + s2.timings.totalMs) / 1000).toFixed(1)} s`);
const lin = (ts: ArrayLike<number>, ys: ArrayLike<number>, t: number) => {
  let k = 0;
  while (k < ts.length - 2 && ts[k + 1] < t) k++;
  const u = (t - ts[k]) / (ts[k + 1] - ts[k]);
  return (1 - u) * ys[k] + u * ys[k + 1];
};
const errSol = (s: DmftSolution) => {
  let e = 0;
  for (const t of T) for (const f of ['testError', 'trainError', 'a', 'v'] as const) e = Math.max(e, Math.abs(lin(s.t, s[f], t) - ref(f, t)));
  return e;
};
const errTheta = (r: ThetaRaw) => {
  let e = 0;
  for (const t of T)
    for (const [f, g] of [
      ['ets', 'testError'],
      ['etr', 'trainError'],
      ['a', 'a'],
      ['v', 'v'],
    ] as const)
      e = Math.max(e, Math.abs(lin(r.t, r[f], t) - ref(g, t)));
  return e;
};
console.log('grid        setting                steps    wall s   max error   memory MB');
for (const eta of [0.25, 0.125]) {
  const s = await solveDmft({ ...base, eta, secondOrder: true }, { runtime: rt });
  console.log(
    `uniform     η = ${String(eta).padEnd(20)} ${String(s.stats.N).padStart(6)} ${(s.timings.totalMs / 1000).toFixed(2).padStart(9)}   ${errSol(s).toExponential(2)}   ${(s.stats.memoryBytes / 1e6).toFixed(1)}`,
  );
}
for (const rtol of [1e-3, 3e-4]) {
  const s = await solveDmft({ ...base, grid: 'adaptive', rtol }, { runtime: rt });
  console.log(
    `adaptive    rtol = ${String(rtol).padEnd(17)} ${String(s.stats.adaptive!.steps).padStart(6)} ${(s.timings.totalMs / 1000).toFixed(2).padStart(9)}   ${errSol(s).toExponential(2)}   ${(s.stats.memoryBytes / 1e6).toFixed(1)}`,
  );
}
const p = dmftProblem({ ...base, grid: 'adaptive' });
for (const [L, rtol] of [
  [48, 1e-3],
  [64, 1e-4],
  [96, 1e-4],
] as const) {
  const r = runTheta(p, { ctl: { rtol, atol: rtol, L } });
  console.log(
    `theta       L = ${L}, rtol = ${String(rtol).padEnd(9)} ${String(r.steps).padStart(6)} ${(r.stepMs / 1000).toFixed(2).padStart(9)}   ${errTheta(r).toExponential(2)}   ${(r.memoryBytes / 1e6).toFixed(1)}`,
  );
}
if (tLong > 0) {
  const q = dmftProblem({ ...base, tMax: tLong, grid: 'adaptive' });
  const r = runTheta(q, { ctl: { rtol: 1e-3, atol: 1e-3, L: 64 } });
  console.log(
    `\nθ grid step history, m = ${m}, t ≤ ${tLong}, L = 64, rtol = 1e-3: ${r.steps} steps, ${(r.stepMs / 1000).toFixed(1)} s, ${(r.memoryBytes / 1e6).toFixed(1)} MB`,
  );
  let mark = 1;
  for (let k = 0; k < r.history.t.length; k++)
    if (r.history.t[k] >= mark) {
      console.log(
        `t ${r.history.t[k].toPrecision(4).padStart(8)}  step ${String(k).padStart(6)}  Δt ${r.history.dt[k].toPrecision(3)}  Δt·λ_S ${r.history.dtLam[k].toPrecision(3)}`,
      );
      mark *= 2;
    }
}
