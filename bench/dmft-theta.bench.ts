// θ = t′/t grid (src/dmft/theta-grid.ts, dmft-grid.md; issue 11 §2). Two modes:
//
//   node --import tsx bench/dmft-theta.bench.ts targets [rtol256=3e-4] [rtol1024=1e-3]
//     the issue-11 targets in one run (≈ 3 min on a quiet 2-core machine): the Wasm kernel vs its TS twin on the
//     same problem (ratio, bitwise check); m = 256 to t/m = 100 and m = 1024 to t/m = 10 through solveDmft
//     (`dmft run --grid theta`: the run plus its 10·rtol error-estimate run), with steps, wall, memory, the
//     estimated error, steps per doubling of t and the cost exponent in t_max.
//
//   node --import tsx bench/dmft-theta.bench.ts accuracy [m=16] [tMax=50] [etaRef=0.03125] [tLong=0]
//     the θ grid vs the uniform grid and the full-history adaptive grid (src/dmft/grid.ts) at equal accuracy on
//     the feature-unlearning setting (V10: h = φ̂ = 0.9q + q³/6, τ = α = 0.3, a0 = 1). Accuracy: max over t ∈ {1, 2,
//     5, 10, …, tMax} of |Δe_ts|, |Δe_tr|, |Δa|, |Δv| against the uniform explicit Richardson reference (η_ref,
//     η_ref/2). Then the θ grid's step history to tLong (steps per doubling of t).
//
// Wall times on a loaded machine are noisy: compare the ratios within one run.
import { loadWasm } from '../src/wasm/runtime.js';
import { solveDmft, type DmftSolution } from '../src/dmft/solve.js';
import { dmftProblem } from '../src/dmft/problem.js';
import { runTheta, type ThetaRaw } from '../src/dmft/theta-grid.js';

const mode = process.argv[2] ?? 'targets';
if (mode === 'targets') await targets(Number(process.argv[3] ?? 3e-4), Number(process.argv[4] ?? 1e-3));
else if (mode === 'accuracy') await accuracy();
else throw new Error(`mode ${mode}: targets | accuracy`);

async function targets(rtol256: number, rtol1024: number): Promise<void> {
  const rt = await loadWasm({ variant: 'release' });
  const base = { alpha: 0.3, tau: 0.3, h: [0, 0.9, 0, 1 / 6], a0: 1 };
  const L = 64;
  console.log(`θ grid targets (issue 11 §2), V10 unlearning setting, L = ${L}; Wasm ${rt.variant}, SIMD ${rt.simd}`);
  // 1. Wasm vs the TS twin (the host thetaEval) on the same problem.
  {
    const p = dmftProblem({ m: 256, ...base, tMax: 256, grid: 'adaptive' });
    const ctl = { rtol: 1e-3, atol: 1e-3, L };
    runTheta(dmftProblem({ m: 256, ...base, tMax: 8, grid: 'adaptive' }), { ctl, runtime: rt }); // warm-up
    const ms: Record<string, number[]> = { ts: [], wasm: [] };
    let a: ThetaRaw | undefined, b: ThetaRaw | undefined;
    for (let rep = 0; rep < 3; rep++) {
      let t0 = performance.now();
      a = runTheta(p, { ctl });
      ms.ts.push(performance.now() - t0);
      t0 = performance.now();
      b = runTheta(p, { ctl, runtime: rt });
      ms.wasm.push(performance.now() - t0);
    }
    const med = (x: number[]) => [...x].sort((u, v) => u - v)[x.length >> 1];
    const same = a!.rows === b!.rows && a!.ets.every((x, i) => Object.is(x, b!.ets[i])) && a!.a.every((x, i) => Object.is(x, b!.a[i]));
    console.log(
      `\nWasm vs TS twin, m = 256 to t = 256, rtol 1e-3 (${a!.steps} steps, ${2 * a!.steps + a!.rejections + 1} evaluations; median of 3, interleaved):` +
        `\n  TS ${(med(ms.ts) / 1000).toFixed(2)} s, Wasm ${(med(ms.wasm) / 1000).toFixed(2)} s: ratio ${(med(ms.ts) / med(ms.wasm)).toFixed(1)}×; ` +
        `${(med(ms.wasm) / (2 * a!.steps + a!.rejections + 1)).toFixed(2)} ms per evaluation in Wasm; outputs bitwise equal: ${same}`,
    );
  }
  // 2. The two long runs through solveDmft (`dmft run --grid theta`), counting accepted steps by their progress events.
  for (const [m, tm, rtol] of [
    [256, 100, rtol256],
    [1024, 10, rtol1024],
  ] as const) {
    const tMax = m * tm;
    const ts: number[] = [],
      walls: number[] = [];
    const t0 = performance.now();
    const s = await solveDmft(
      { m, ...base, tMax, grid: 'theta', thetaNodes: L, rtol, atol: rtol, maxPoints: 1e7 },
      {
        runtime: rt,
        // The stepping iterator reports every accepted step of the reported run (not of its error-estimate run).
        onStep: (e) => {
          ts.push(e.t);
          walls.push(performance.now() - t0);
        },
      },
    );
    const wall = (performance.now() - t0) / 1000;
    const mainWall = walls[walls.length - 1] / 1000;
    const th = s.stats.theta!;
    const est = th.errorEstimate;
    console.log(
      `\nm = ${m} to t/m = ${tm} (t = ${tMax}), rtol ${rtol}: ${s.status}; ${th.steps} steps (${th.rejections} rejected); wall ${wall.toFixed(1)} s ` +
        `(run ${mainWall.toFixed(1)} s + error-estimate run at rtol ${est.companionRtol.toPrecision(2)} ${(wall - mainWall).toFixed(1)} s); memory ${(s.stats.memoryBytes / 2 ** 20).toFixed(0)} MiB (θ state + tables + Wasm mirror), ` +
        `process peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB` +
        `\n  estimated global error (max over t of |x(rtol) − x(c·rtol)|/D, dmft-long-times.md): e_ts ${est.testError.toExponential(1)}, e_tr ${est.trainError.toExponential(1)}, a ${est.a.toExponential(1)}, v ${est.v.toExponential(1)}` +
        `\n  at t = ${tMax}: e_ts ${s.testError[s.testError.length - 1].toFixed(6)}, e_tr ${s.trainError[s.trainError.length - 1].toExponential(4)}, a ${s.a[s.a.length - 1].toFixed(5)}, v ${s.v[s.v.length - 1].toFixed(5)}; ` +
        `Δt at the end ${th.history.dt[th.history.dt.length - 1].toPrecision(3)}, Δt·λ_S ${th.history.dtLam[th.history.dtLam.length - 1].toPrecision(3)}`,
    );
    // Steps per doubling of t and the cost exponent: the run to t_max = T costs what this run spent up to T (the
    // node spacing depends on t_max only through ln Λ), so the slope of ln(wall) and ln(steps) against ln t over the
    // last three doublings is the exponent in t_max.
    const upTo = (T: number) => {
      let k = 0;
      while (k < ts.length && ts[k] <= T * (1 + 1e-12)) k++;
      return k;
    };
    const dbl: string[] = [];
    for (let T = 1; T * 2 <= tMax * (1 + 1e-9); T *= 2) dbl.push(`${T}→${2 * T}: ${upTo(2 * T) - upTo(T)}`);
    console.log(`  steps per doubling of t: ${dbl.join(', ')}`);
    const pts = [tMax / 8, tMax / 4, tMax / 2, tMax].map((T) => ({ T, k: upTo(T), w: walls[Math.max(upTo(T) - 1, 0)] }));
    const slope = (ys: number[]) => {
      const xs = pts.map((q) => Math.log(q.T));
      const ly = ys.map(Math.log);
      const mx = xs.reduce((u, v) => u + v, 0) / xs.length,
        my = ly.reduce((u, v) => u + v, 0) / ly.length;
      let num = 0,
        den = 0;
      for (let i = 0; i < xs.length; i++) {
        num += (xs[i] - mx) * (ly[i] - my);
        den += (xs[i] - mx) ** 2;
      }
      return num / den;
    };
    console.log(
      `  cost exponent in t_max over t ∈ [${tMax / 8}, ${tMax}]: wall ∝ t_max^${slope(pts.map((q) => q.w)).toFixed(2)}, steps ∝ t_max^${slope(pts.map((q) => q.k)).toFixed(2)} ` +
        `(${pts.map((q) => `t ${q.T}: ${q.k} steps, ${(q.w / 1000).toFixed(1)} s`).join('; ')})`,
    );
  }
}

async function accuracy(): Promise<void> {
  const m = Number(process.argv[3] ?? 16);
  const tMax = Number(process.argv[4] ?? 50);
  const etaRef = Number(process.argv[5] ?? 0.03125);
  const tLong = Number(process.argv[6] ?? 0);
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
    const r = runTheta(p, { ctl: { rtol, atol: rtol, L }, runtime: rt });
    console.log(
      `theta       L = ${L}, rtol = ${String(rtol).padEnd(9)} ${String(r.steps).padStart(6)} ${(r.stepMs / 1000).toFixed(2).padStart(9)}   ${errTheta(r).toExponential(2)}   ${(r.memoryBytes / 1e6).toFixed(1)}`,
    );
  }
  if (tLong > 0) {
    const q = dmftProblem({ ...base, tMax: tLong, grid: 'adaptive' });
    const r = runTheta(q, { ctl: { rtol: 1e-3, atol: 1e-3, L: 64 }, runtime: rt });
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
}
