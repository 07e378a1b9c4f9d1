// SymmDMFT (dmft.md §6, §10.3): wall time of whole runs, Wasm SIMD vs the TS twin, and the effective
// bandwidth of the row sweeps. Step n reads each of the six lower-triangular two-time arrays once
// (C_d, C_o, C_A, R_d, R_o, R_A: 6·n²/2·8 = 24n² bytes), so a run moves ≈ 8N³ bytes; the step is memory-bound.
// Reference (spec task): NumPy explicit N = 2000 → 13.3 s (1 thread), N = 4000 → 103 s.
// Run: node --import tsx bench/dmft.bench.ts [N=2000] [N_ts=300] [N_big=4000] [imex_eta=1.25]
import { Bench } from 'tinybench';
import { loadWasm } from '../src/wasm/runtime.js';
import { solveDmft, type DmftSolution } from '../src/dmft/solve.js';
import type { DmftProblemInput } from '../src/dmft/problem.js';

const N = Number(process.argv[2] ?? 2000);
const nTs = Number(process.argv[3] ?? 300);
const nBig = Number(process.argv[4] ?? 4000);
const etaImex = Number(process.argv[5] ?? 1.25);
const H3 = [0, 0.9, 0, 1 / 6];
// V10 setting at m = 16, η = 0.125 (explicit is stable there).
const v10 = (n: number, scheme: 'explicit' | 'semi-implicit' = 'explicit'): DmftProblemInput => ({
  m: 16,
  alpha: 0.3,
  tau: 0.3,
  h: H3,
  a0: 1,
  eta: 0.125,
  tMax: n * 0.125,
  scheme,
});

const rt = await loadWasm({ variant: 'release' });
await solveDmft(v10(200), { runtime: rt }); // warm-up

// Stream-read baseline: one pass of sum_f64 over 256 MiB (what the memory system gives a single thread).
{
  const len = 32 * 1024 * 1024;
  const mark = rt.arena.mark();
  const p = rt.arena.allocF64(len);
  rt.arena.f64(p, len).fill(1);
  rt.exports.sum_f64(p, len);
  const t0 = performance.now();
  for (let i = 0; i < 4; i++) rt.exports.sum_f64(p, len);
  const ms = (performance.now() - t0) / 4;
  console.log(`stream read baseline (sum_f64, 256 MiB): ${((len * 8) / ms / 1e6).toFixed(1)} GB/s`);
  rt.arena.reset(mark);
}

const line = (label: string, s: DmftSolution, extra = '') => {
  const n = s.stats.N;
  const sec = s.timings.stepMs / 1000;
  const gbs = (8 * n ** 3) / (s.timings.stepMs / 1000) / 1e9;
  console.log(
    `| ${label} | ${s.stats.scheme} | ${s.stats.engine}${s.stats.simd ? ' SIMD' : ''} | ${n} | ${s.stats.eta} | ${sec.toFixed(2)} | ${gbs.toFixed(1)} | ${s.status} | ${(s.stats.memoryBytes / 1024 ** 2).toFixed(0)} MiB | ${extra} |`,
  );
};
console.log('| case | scheme | engine | N | η | wall (s) | ≈8N³ bytes / wall (GB/s) | status | memory | note |');
console.log('|---|---|---|---|---|---|---|---|---|---|');

const w = await solveDmft(v10(N), { runtime: rt });
line(`m = 16, t = ${N * 0.125}`, w, 'NumPy reference N = 2000: 13.3 s');
// Wasm vs TS twin at N = nTs, on the stepping time (timings.stepMs: the O(N³) sweeps, without setup and
// output conversion), median over repeated runs (tinybench drives them; one Wasm run takes ~20 ms).
const stepMs: Record<string, number[]> = { ts: [], wasm: [] };
let t!: DmftSolution, ws!: DmftSolution;
const cmp = new Bench({ time: 3000, warmupIterations: 2 });
cmp.add('TS twin', async () => void stepMs.ts.push((t = await solveDmft(v10(nTs), { engine: 'ts' })).timings.stepMs));
cmp.add('Wasm SIMD', async () => void stepMs.wasm.push((ws = await solveDmft(v10(nTs), { runtime: rt })).timings.stepMs));
await cmp.run();
const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
const mTs = median(stepMs.ts),
  mW = median(stepMs.wasm);
const scaled = (mTs / 1000) * (N / nTs) ** 3;
line(
  `m = 16, t = ${nTs * 0.125}`,
  t,
  `TS twin at N = ${nTs}: median step time ${mTs.toFixed(1)} ms over ${stepMs.ts.length} runs; ×(N/${nTs})³ → ≈ ${scaled.toFixed(0)} s at N = ${N}`,
);
line(
  `m = 16, t = ${nTs * 0.125}`,
  ws,
  `same N: median step time ${mW.toFixed(1)} ms over ${stepMs.wasm.length} runs; Wasm/TS speed-up ${(mTs / mW).toFixed(1)}×`,
);
if (nBig > 0) {
  const b = await solveDmft(v10(nBig), { runtime: rt });
  line(`m = 16, t = ${nBig * 0.125}`, b, 'NumPy reference N = 4000: 103 s');
}
// Semi-implicit at m = 256 to t/m = 10 (mean-field init, V10 setting otherwise).
const m = 256;
const im = await solveDmft({ m, alpha: 0.3, tau: 0.3, h: H3, a0: 1, eta: etaImex, tMax: 10 * m, scheme: 'semi-implicit' }, { runtime: rt });
const L = im.t.length - 1;
line(`m = 256, t/m = 10`, im, `a(t_end) = ${im.a[L].toFixed(4)}, e_tr = ${im.trainError[L].toExponential(3)}, e_ts = ${im.testError[L].toFixed(4)}`);
