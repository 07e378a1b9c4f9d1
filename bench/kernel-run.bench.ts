// End-to-end `learndyn kernel run` at the issue's size: d = 400, n = 8000, 81 times, 1 seed
// (exact L² test error included), on 1 and 2 threads, beside a numpy/OpenBLAS pipeline doing the
// same work (Gram, exp map, full eigh, filters, A = V·F, M·A) on the same 2 cores.
// Run: node --import tsx bench/kernel-run.bench.ts [n=8000] [d=400] [--no-numpy] [--method=auto|eigh|lanczos]
//      [--threads=1,2]   (issue 12's bar: --method=eigh --threads=2 against the numpy pipeline)
import { spawnSync } from 'node:child_process';
import { Bench } from 'tinybench';
import { solveKernel, type KernelSolution } from '../src/kernel/solve.js';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const opt = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const method = (opt('method') ?? 'auto') as 'auto' | 'eigh' | 'lanczos';
const threadList = (opt('threads') ?? '1,2').split(',').map(Number);
const n = Number(args[0] ?? 8000);
const d = Number(args[1] ?? 400);
const withNumpy = !process.argv.includes('--no-numpy') && spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

const problem = {
  kernel: 'exp',
  dim: d,
  samples: n,
  energies: [0, 1 / 3, 1 / 3, 1 / 3],
  noiseSd: 0.5,
  seeds: 1,
  tMin: 1,
  tMax: 1e9,
  tCount: 81,
  testPoints: 0,
};

const last: Record<string, KernelSolution> = {};
const bench = new Bench({ iterations: 1, warmupIterations: 0, time: 0, warmupTime: 0 });
for (const threads of threadList) {
  bench.add(`learndyn kernel run --method ${method}, ${threads} thread${threads > 1 ? 's' : ''}`, async () => {
    const sol = await solveKernel({ ...problem, threads, method });
    if (sol.status !== 'Success' || !sol.curves.test.every(Number.isFinite)) throw new Error('bad run');
    last[threads] = sol;
  });
}
if (n <= 3000 && method !== 'eigh')
  bench.add('learndyn kernel run, full eigh (1 thread)', async () => {
    const sol = await solveKernel({ ...problem, method: 'eigh' });
    if (sol.status !== 'Success') throw new Error('bad run');
  });
await bench.run();

const rows: { name: string; seconds: number; note?: string }[] = bench.tasks.map((t) => ({
  name: t.name,
  seconds: ((t.result as { latency?: { mean: number } })?.latency?.mean ?? NaN) / 1000,
}));

// The same work in numpy (1 process, OpenBLAS threads = 2), timed in this run.
if (withNumpy) {
  const py = `
import numpy as np, time, math
n, d, T = ${n}, ${d}, 81
env0 = time.perf_counter()
rng = np.random.default_rng(0)
g = rng.standard_normal((n, d)); X = math.sqrt(d) * g / np.linalg.norm(g, axis=1, keepdims=True)
x1, x2, x3 = X[:, 0], X[:, 1], X[:, 2]
f = (x1 + math.sqrt((d + 2) / d) * x1 * x2 + math.sqrt((d + 2) * (d + 4)) / d * x1 * x2 * x3) / math.sqrt(3)
y = f + 0.5 * rng.standard_normal(n)
t0 = time.perf_counter()
G = X @ X.T / d
K = np.exp(G)
t1 = time.perf_counter()
w, V = np.linalg.eigh(K)
t2 = time.perf_counter()
yt = V.T @ y
ts = np.logspace(0, 9, T)
lam = np.maximum(w, 0)
F = np.empty((n, T))
for c, t in enumerate(ts):
    x = lam * t / n
    F[:, c] = np.where(x < 1e-8, t / n, -np.expm1(-x) / np.where(lam > 0, lam, 1)) * yt
A = V @ F
train = [(np.exp(-2 * lam * t / n) * yt**2).sum() / n for t in ts]
# M = m(G) with m(s) = sum_k xi_k^2 B_k P_k(s), degrees 0..20 (coefficients are arbitrary here: same work)
P0, P1 = np.ones_like(G), G.copy(); M = 1.0 * P0 + 0.5 * P1
for k in range(1, 20):
    P0, P1 = P1, ((2 * k + d - 2) * G * P1 - k * P0) / (k + d - 2)
    M += 1e-3 * P1
MA = M @ A
t3 = time.perf_counter()
print(f"{t3 - t0:.3f} {t2 - t1:.3f}")
`;
  const env = { ...process.env, OPENBLAS_NUM_THREADS: '2', OMP_NUM_THREADS: '2' } as Record<string, string | undefined>;
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const r = spawnSync('python3', ['-c', py], { env: env as NodeJS.ProcessEnv, encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status === 0) {
    const [total, eigh] = r.stdout.trim().split(' ').map(Number);
    rows.push({ name: 'numpy/OpenBLAS pipeline, 2 threads (full eigh)', seconds: total, note: `eigh ${eigh.toFixed(1)} s` });
  } else rows.push({ name: 'numpy pipeline', seconds: NaN, note: `failed: ${r.stderr.split('\n').slice(-2).join(' ')}` });
}

console.log(`\nkernel run end to end: d = ${d}, n = ${n}, 81 times, 1 seed, exact L² test error`);
console.log('| run | wall time (s) | note |\n|---|---:|---|');
for (const r of rows) console.log(`| ${r.name} | ${r.seconds.toFixed(2)} | ${r.note ?? ''} |`);
for (const [th, sol] of Object.entries(last)) {
  const rep = sol.timings.replicates[0];
  const st = sol.stats.replicates[0];
  console.log(
    `  ${th} thread(s): ${Object.entries(rep)
      .map(([k, v]) => `${k} ${(v / 1000).toFixed(2)} s`)
      .join(', ')}; ` + `Lanczos steps ${st.lanczosSteps}, residual ${st.lanczosResidual?.toExponential(1)}`,
  );
}
const np = rows.find((r) => r.name.startsWith('numpy'));
if (np && Number.isFinite(np.seconds)) {
  const best = Math.min(...rows.filter((r) => r.name.startsWith('learndyn')).map((r) => r.seconds));
  console.log(`  learndyn best / numpy: ${(best / np.seconds).toFixed(2)}× the time (bar from the issue: numpy 41 s)`);
}
