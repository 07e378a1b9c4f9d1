// SymmDMFT (dmft.md §6, §10.3): wall time of whole runs, Wasm SIMD vs the TS twin, and the effective
// bandwidth of the row sweeps. Step n reads each of the six lower-triangular two-time arrays once
// (C_d, C_o, C_A, R_d, R_o, R_A: 6·n²/2·8 = 24n² bytes), so a run moves ≈ 8N³ bytes. The sweeps go two to four
// rows at a time; the C/R one does 16 flops per 32 bytes of rows and is compute-bound (f64x2 mul + add).
// Side by side with the NumPy code abond19/DMFTv2 (third party; a checkout of it at LEARNDYN_DMFTV2=/path, run
// by bench/dmftv2_driver.py with the machine's python3 + numpy): same grid, explicit Euler, m = 16, η = 0.125,
// N rows; ours with 1 and 2 workers (threads), NumPy with 1 and 2 BLAS threads (OMP/OPENBLAS_NUM_THREADS),
// interleaved, medians of LEARNDYN_DMFTV2_REPS (default 3) runs, and the largest deviation between the curves.
// Run: [LEARNDYN_DMFTV2=/path] node --import tsx bench/dmft.bench.ts [N=2000] [N_ts=300] [N_big=4000] [imex_eta=1.25]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
const v10 = (n: number, scheme: 'explicit' | 'semi-implicit' = 'explicit', threads = 1): DmftProblemInput => ({
  threads,
  maxPoints: n + 1,
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

// Read-bandwidth baselines over 256 MiB (beyond the caches a run of N = 2000 fits in): stream_read_f64 as
// one stream and as four side by side (the row sweeps keep two to four row streams in flight), and
// sum_f64, whose single add chain caps it below the memory system (the baseline quoted before 6 Dec 2026).
{
  const len = 32 * 1024 * 1024;
  const mark = rt.arena.mark();
  const p = rt.arena.allocF64(len);
  rt.arena.f64(p, len).fill(1);
  const gbs = (f: () => number) => {
    f();
    const t0 = performance.now();
    for (let i = 0; i < 4; i++) f();
    return ((len * 8) / ((performance.now() - t0) / 4) / 1e6).toFixed(1);
  };
  const one = gbs(() => rt.exports.stream_read_f64(p, len, 1));
  const four = gbs(() => rt.exports.stream_read_f64(p, len, 4));
  const chain = gbs(() => rt.exports.sum_f64(p, len));
  console.log(`read bandwidth, 256 MiB, one thread: ${one} GB/s as one stream, ${four} GB/s as four streams (sum_f64, one add chain: ${chain} GB/s)`);
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

const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
const dmftv2 = process.env.LEARNDYN_DMFTV2;
if (dmftv2) {
  // Interleaved: ours 1 worker, ours 2 workers, NumPy 1 thread, NumPy 2 threads, repeated.
  const reps = Number(process.env.LEARNDYN_DMFTV2_REPS ?? 3);
  const dir = mkdtempSync(join(tmpdir(), 'dmftv2-'));
  const wall: Record<string, number[]> = { ours1: [], ours2: [], np1: [], np2: [] };
  let ours: DmftSolution | undefined;
  let ref: Record<string, number[]> | undefined;
  let twoEqualsOne = true;
  const numpy = (threads: number) => {
    const out = join(dir, `np${threads}.json`);
    // OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE (set on some hosts for old OpenBLAS builds) slow a current numpy: unset for this command only.
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      OMP_NUM_THREADS: String(threads),
      OPENBLAS_NUM_THREADS: String(threads),
      MKL_NUM_THREADS: String(threads),
    };
    delete env.OPENBLAS_CORETYPE;
    delete env.OPENBLAS_L2_SIZE;
    execFileSync('python3', [new URL('./dmftv2_driver.py', import.meta.url).pathname, dmftv2, '16', '0.125', String(N), out], { env, stdio: 'inherit' });
    const r = JSON.parse(readFileSync(out, 'utf8')) as Record<string, number[]> & { seconds: number };
    wall[`np${threads}`].push(r.seconds);
    return r;
  };
  for (let i = 0; i < reps; i++) {
    let t0 = performance.now();
    const one = await solveDmft(v10(N), { runtime: rt });
    wall.ours1.push((performance.now() - t0) / 1000);
    t0 = performance.now();
    const two = await solveDmft(v10(N, 'explicit', 2)); // own shared-memory runtime and pool of two (boot included)
    wall.ours2.push((performance.now() - t0) / 1000);
    if (two.stats.threads !== 2) throw new Error('the two-worker run did not use two workers');
    for (const f of ['a', 'v', 'trainError', 'testError', 'Co'] as const)
      for (let k = 0; k < one.t.length; k++) if (!Object.is(one[f][k], two[f][k])) twoEqualsOne = false;
    ours = one;
    ref = numpy(1);
    numpy(2);
    console.log(`  rep ${i + 1}: ${JSON.stringify(Object.fromEntries(Object.entries(wall).map(([k, v]) => [k, v[i]])))}`);
  }
  rmSync(dir, { recursive: true, force: true });
  let dev = 0;
  for (const f of ['a', 'v', 'trainError', 'testError', 'Co'] as const)
    for (let k = 0; k < ours!.t.length; k++) dev = Math.max(dev, Math.abs(ours![f][k] - ref![f][k]) / Math.max(1, Math.abs(ref![f][k])));
  const [o1, o2, n1, n2] = [wall.ours1, wall.ours2, wall.np1, wall.np2].map(median);
  console.log(`DMFTv2 side by side, m = 16, η = 0.125, N = ${N}, medians of ${reps} interleaved runs (wall s):`);
  console.log(`  learndyn 1 worker ${o1.toFixed(2)} | 2 workers ${o2.toFixed(2)} (×${(o1 / o2).toFixed(2)}; bitwise equal to 1: ${twoEqualsOne})`);
  console.log(`  DMFTv2 NumPy 1 thread ${n1.toFixed(2)} | 2 threads ${n2.toFixed(2)}`);
  console.log(`  ratios: 1-thread ${(n1 / o1).toFixed(2)}× | 2-thread ${(n2 / o2).toFixed(2)}× (NumPy time / learndyn time)`);
  console.log(`  largest deviation of a, v, e_tr, e_ts, C_o(t,t) (relative, floor 1): ${dev.toExponential(2)}`);
  console.log(`  runs: ${JSON.stringify(wall)}`);
}
const w = await solveDmft(v10(N), { runtime: rt });
line(`m = 16, t = ${N * 0.125}`, w, dmftv2 ? 'DMFTv2 side by side: above' : 'set LEARNDYN_DMFTV2=/path/to/DMFTv2 for the NumPy side by side');
// Wasm vs TS twin at N = nTs, on the stepping time (timings.stepMs: the O(N³) sweeps, without setup and
// output conversion), median over repeated runs (tinybench drives them; one Wasm run takes ~20 ms).
const stepMs: Record<string, number[]> = { ts: [], wasm: [] };
let t!: DmftSolution, ws!: DmftSolution;
const cmp = new Bench({ time: 3000, warmupIterations: 2 });
cmp.add('TS twin', async () => void stepMs.ts.push((t = await solveDmft(v10(nTs), { engine: 'ts' })).timings.stepMs));
cmp.add('Wasm SIMD', async () => void stepMs.wasm.push((ws = await solveDmft(v10(nTs), { runtime: rt })).timings.stepMs));
await cmp.run();
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
  line(`m = 16, t = ${nBig * 0.125}`, b, '');
}
// Semi-implicit at m = 256 to t/m = 10 (mean-field init, V10 setting otherwise).
const m = 256;
const im = await solveDmft({ m, alpha: 0.3, tau: 0.3, h: H3, a0: 1, eta: etaImex, tMax: 10 * m, scheme: 'semi-implicit' }, { runtime: rt });
const L = im.t.length - 1;
line(`m = 256, t/m = 10`, im, `a(t_end) = ${im.a[L].toFixed(4)}, e_tr = ${im.trainError[L].toExponential(3)}, e_ts = ${im.testError[L].toFixed(4)}`);
