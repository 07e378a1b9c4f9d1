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
