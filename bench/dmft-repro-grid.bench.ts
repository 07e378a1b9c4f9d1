// Issue 11 §2: the DMFT parts of reproduce dmft-fig1/2/4/5, uniform semi-implicit grid (their old grid) vs the
// θ grid, side by side on the same problems. One command:
//
//   node --import tsx bench/dmft-repro-grid.bench.ts [which=fig4,fig2,fig5] [quick|full] [rtol=1e-4] [L=96]
//
// For each long run: wall time of each grid (the θ grid's includes its 10·rtol error-estimate run; the uniform
// semi-implicit run's its 2η Richardson companion), and the accuracy evidence: the uniform run's Richardson error
// estimate (stats.errorEstimate.max), the θ grid's estimate (stats.theta.errorEstimate), and the largest
// difference between the two grids in a, v, e_tr, e_ts over t ∈ {1, 2, 5, 10, …, tMax}. Fig 1's mean-field runs
// are Fig 4's (same problems). Wall times on a loaded machine are noisy: compare ratios within one run.
//
//   node --import tsx bench/dmft-repro-grid.bench.ts fig4,fig2,fig5 accuracy [rtol=1e-4] [L=96]
//
// accuracy: m = 16, t ≤ 80 against an independent second-order reference (uniform explicit, Richardson
// η = 1/16, 1/32): the θ grid and the uniform grid at the old η.
import { loadWasm } from '../src/wasm/runtime.js';
import { solveDmft, type DmftSolution } from '../src/dmft/solve.js';
import { dmftProblem } from '../src/dmft/problem.js';

const which = (process.argv[2] ?? 'fig4,fig2,fig5').split(',');
const quick = (process.argv[3] ?? 'quick') === 'quick';
const rtol = Number(process.argv[4] ?? 1e-4);
const L = Number(process.argv[5] ?? 96);
const H = [0, 0.9, 0, 1 / 6];
type Run = { m: number; eta: number; tMax: number };
const settings: Record<string, { base: { alpha: number; tau: number; h: number[]; phiHat: 'same' | 'none'; a0: number }; runs: Run[] }> = {
  fig4: {
    base: { alpha: 0.3, tau: 0.3, h: H, phiHat: 'same', a0: 1 },
    runs: (quick ? [4, 8, 16] : [16, 32, 64]).map((m) => ({ m, eta: m <= 16 ? 0.125 : 0.25, tMax: (quick ? 10 : 15) * m })),
  },
  fig2: {
    base: { alpha: 0.4, tau: 0.6, h: H, phiHat: 'none', a0: 1 },
    runs: (quick ? [8, 16, 32] : [16, 32, 64, 128]).map((m) => ({ m, eta: 0.25, tMax: 10 * m })),
  },
  fig5: {
    base: { alpha: 0.3, tau: 0.6, h: H, phiHat: 'same', a0: 1 },
    runs: (quick ? [8, 16, 32] : [16, 32, 64, 128]).map((m) => ({ m, eta: m >= 128 ? 0.5 : 0.25, tMax: 12 * m })),
  },
};
const rt = await loadWasm();
const at = (s: DmftSolution, f: 'a' | 'v' | 'trainError' | 'testError', t: number) => {
  let k = 0;
  while (k < s.t.length - 2 && s.t[k + 1] < t) k++;
  const u = Math.min(1, Math.max(0, (t - s.t[k]) / (s.t[k + 1] - s.t[k])));
  return (1 - u) * s[f][k] + u * s[f][k + 1];
};
const diffs = (x: DmftSolution, y: DmftSolution, ts: number[]) =>
  (['a', 'v', 'trainError', 'testError'] as const).map((f) => Math.max(...ts.map((t) => Math.abs(at(x, f, t) - at(y, f, t)))));
const fmt = (d: number[]) => `a ${d[0].toExponential(1)} v ${d[1].toExponential(1)} e_tr ${d[2].toExponential(1)} e_ts ${d[3].toExponential(1)}`;
if (process.argv[3] === 'accuracy') {
  // An independent reference on a shorter horizon (t ≤ 5m at m = 16): the uniform explicit grid at η = 1/16,
  // extrapolated (Richardson η, η/2: second order; explicit Euler has ≈ 1/19 the error constant of the semi-implicit scheme). Against it: the θ grid at (rtol, L) and the uniform grid at the
  // reproductions' old η.
  const m = 16,
    tMax = 80;
  const ts = [1, 2, 5, 10, 20, 40, 60, 80];
  for (const w of which) {
    const { base, runs } = settings[w];
    const oldEta = runs.find((r) => r.m === m)?.eta ?? 0.25;
    const common = { ...base, m, tMax, maxPoints: 1_000_000 };
    let t0 = performance.now();
    const ref = await solveDmft(dmftProblem({ ...common, scheme: 'explicit', eta: 1 / 16, secondOrder: true }), { runtime: rt });
    const dr = performance.now() - t0;
    const old = await solveDmft(dmftProblem({ ...common, scheme: 'semi-implicit', eta: oldEta }), { runtime: rt });
    t0 = performance.now();
    const th = await solveDmft(dmftProblem({ ...common, grid: 'theta', thetaNodes: L, rtol, atol: rtol }), { runtime: rt });
    const dt = performance.now() - t0;
    console.log(
      `${w} m = ${m}, t ≤ ${tMax}, max over t ∈ {${ts.join(', ')}} of |x − reference| (reference: explicit Richardson η = 1/16, 1/32, ${(dr / 1000).toFixed(1)} s; ${ref.status}):`,
    );
    console.log(`  uniform semi-implicit η = ${oldEta}: ${fmt(diffs(old, ref, ts))}`);
    console.log(
      `  θ grid L = ${L}, rtol ${rtol} (${(dt / 1000).toFixed(1)} s): ${fmt(diffs(th, ref, ts))}; its own estimate ${fmt(['a', 'v', 'trainError', 'testError'].map((f) => th.stats.theta!.errorEstimate[f as 'a']))}`,
    );
  }
  process.exit(0);
}
console.log(`DMFT parts of the reproductions, ${quick ? 'quick' : 'full'} settings; θ grid L = ${L}, rtol = atol = ${rtol}`);
for (const w of which) {
  const { base, runs } = settings[w];
  let tu = 0,
    tt = 0;
  for (const r of runs) {
    const common = { ...base, m: r.m, tMax: r.tMax, maxPoints: 1_000_000 };
    let t0 = performance.now();
    const u = await solveDmft(dmftProblem({ ...common, scheme: 'semi-implicit', eta: r.eta }), { runtime: rt });
    const du = performance.now() - t0;
    t0 = performance.now();
    const th = await solveDmft(dmftProblem({ ...common, grid: 'theta', thetaNodes: L, rtol, atol: rtol }), { runtime: rt });
    const dt = performance.now() - t0;
    tu += du;
    tt += dt;
    const ts = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000].filter((t) => t <= r.tMax).concat([r.tMax]);
    let diff = 0;
    for (const f of ['a', 'v', 'trainError', 'testError'] as const) for (const t of ts) diff = Math.max(diff, Math.abs(at(u, f, t) - at(th, f, t)));
    const e = th.stats.theta!.errorEstimate;
    let rise = 0;
    for (let k = 1; k < th.trainError.length; k++) rise = Math.max(rise, th.trainError[k] - th.trainError[k - 1]);
    console.log(
      `${w} m = ${r.m} t ≤ ${r.tMax}: uniform η = ${r.eta} ${(du / 1000).toFixed(1)} s (${u.status}, Richardson est ${u.stats.errorEstimate?.max.toExponential(1)}), ` +
        `θ ${(dt / 1000).toFixed(1)} s (${th.status}, ${th.stats.N} steps, est a ${e.a.toExponential(1)} v ${e.v.toExponential(1)} e_tr ${e.trainError.toExponential(1)} e_ts ${e.testError.toExponential(1)}; e_tr rise ${rise.toExponential(1)}); ` +
        `max |uniform − θ| ${diff.toExponential(1)}; ratio ${(du / dt).toFixed(1)}×`,
    );
  }
  console.log(`${w} total: uniform ${(tu / 1000).toFixed(1)} s, θ ${(tt / 1000).toFixed(1)} s, ratio ${(tu / tt).toFixed(1)}×`);
}
