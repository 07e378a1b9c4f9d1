// End-to-end `learndyn kernel run` at the issue's size: d = 400, n = 8000, 81 times, 1 seed
// (exact L² test error included), beside the numpy/OpenBLAS pipeline doing the same work (Gram, exp
// map, full eigh, filters, A = V·F, M·A; bench/kernel-run-numpy.py) on the same 2 cores, and the
// ratio. Wall time of the whole solve (learndyn) and of Gram → M·A (numpy: data not timed).
// Run: node --import tsx bench/kernel-run.bench.ts [n=8000] [d=400] [--no-numpy] [--method=eigh|auto|lanczos]
//      [--threads=2]   (defaults: issue 12's bar, --method=eigh --threads=2, against numpy)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { solveKernel, type KernelSolution } from '../src/kernel/solve.js';
import { kernelBenchProblem } from './kernel-problem.js';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const opt = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const method = (opt('method') ?? 'eigh') as 'auto' | 'eigh' | 'lanczos';
const threadList = (opt('threads') ?? '2').split(',').map(Number);
const n = Number(args[0] ?? 8000);
const d = Number(args[1] ?? 400);
const withNumpy = !process.argv.includes('--no-numpy') && spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

const problem = { ...kernelBenchProblem(d), samples: n };

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

// The same work in numpy (bench/kernel-run-numpy.py; OpenBLAS threads = 2, its own kernels), timed
// in this run after the learndyn runs.
if (withNumpy) {
  const env = { ...process.env, OPENBLAS_NUM_THREADS: '2', OMP_NUM_THREADS: '2' } as Record<string, string | undefined>;
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const script = fileURLToPath(new URL('./kernel-run-numpy.py', import.meta.url));
  const r = spawnSync('python3', [script, String(n), String(d)], { env: env as NodeJS.ProcessEnv, encoding: 'utf8', maxBuffer: 1 << 20 });
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
  for (const r of rows.filter((q) => q.name.startsWith('learndyn')))
    console.log(
      `  ${r.name}: ${r.seconds.toFixed(1)} s / numpy ${np.seconds.toFixed(1)} s = ${(r.seconds / np.seconds).toFixed(2)}× (issue 12's bar: ≤ 2× with --method eigh, 2 threads)`,
    );
}
