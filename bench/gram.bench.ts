// Gram matrix G = X Xᵀ (f64, X n×d row-major): Wasm SIMD (f64x2 4×2 tile, lower + mirror), Wasm
// scalar build, the plain-TS twin, and numpy X @ X.T (OpenBLAS, 1 thread) timed in the same run.
// GFLOP/s counts 2n²d (the full product), so exploiting symmetry shows as "effective" GFLOP/s.
// Run: node --import tsx bench/gram.bench.ts [n=4096] [d=512]
import { spawnSync } from 'node:child_process';
import { Bench } from 'tinybench';
import { loadWasm } from '../src/wasm/runtime.js';
import { gram as gramTs } from '../src/ref/blas.js';
import { WorkerPool } from '../src/wasm/exec.js';
import { GEMM_WS_F64, gramStrips } from '../src/linalg/index.js';

const n = Number(process.argv[2] ?? 4096);
const d = Number(process.argv[3] ?? 512);
const nTs = Math.min(n, 1024); // the TS twin is timed at a smaller n and scaled by flops
const flops = (m: number) => 2 * m * m * d;

function fill(a: Float64Array, seed: number): void {
  let s = seed >>> 0 || 1;
  for (let i = 0; i < a.length; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    a[i] = s / 4294967296 - 0.5;
  }
}
function guard(x: number): void {
  if (!Number.isFinite(x)) throw new Error('non-finite Gram entry in bench');
}

interface Row {
  name: string;
  n: number;
  run: () => void | Promise<void>;
  note?: string;
}
const rows: Row[] = [];
for (const [tag, variant] of [
  ['Wasm SIMD', 'release'],
  ['Wasm scalar', 'scalar'],
] as const) {
  const rt = await loadWasm({ variant });
  const x = rt.arena.allocF64(n * d);
  fill(rt.arena.f64(x, n * d), 1);
  const g = rt.arena.allocF64(n * n);
  const ex = rt.exports;
  rows.push({
    name: `${tag}: gram_sym_f64 + mirror_lower_f64`,
    n,
    run: () => {
      ex.gram_sym_f64(x, n, d, g, 1, 0, n);
      ex.mirror_lower_f64(g, n, 0, n);
      guard(rt.arena.f64(g + 8 * (n * n - 1), 1)[0]);
    },
  });
  if (variant === 'release') {
    const w = rt.arena.allocF64(GEMM_WS_F64);
    rows.push({
      name: `${tag}: gram_pk_f64 (packed GEMM, issue 12) + mirror_lower_f64`,
      n,
      run: () => {
        ex.gram_pk_f64(x, n, d, g, 1, 0, n, w);
        ex.mirror_lower_f64(g, n, 0, n);
        guard(rt.arena.f64(g + 8 * (n * n - 1), 1)[0]);
      },
    });
    rows.push({
      name: `${tag}: gemm_nt_f64 (full product, no symmetry)`,
      n,
      run: () => {
        ex.gemm_nt_f64(x, x, g, n, d, n, 1, 0);
        guard(rt.arena.f64(g + 8 * (n * n - 1), 1)[0]);
      },
    });
  }
}
// two workers over shared memory (threads build), triangle split by gramStrips
const trt = await loadWasm({ shared: true });
const pool = await WorkerPool.create(trt, 2);
{
  const x = trt.arena.allocF64(n * d);
  fill(trt.arena.f64(x, n * d), 1);
  const g = trt.arena.allocF64(n * n);
  const b = gramStrips(n, 2);
  rows.push({
    name: 'Wasm SIMD threads, 2 workers: gram_sym + mirror strips',
    n,
    note: `strips ${b.join('/')}`,
    run: async () => {
      await Promise.all([0, 1].map((p) => pool.call('gram_sym_f64', x, n, d, g, 1, b[p], b[p + 1])));
      await Promise.all([0, 1].map((p) => pool.call('mirror_lower_f64', g, n, b[p], b[p + 1])));
      guard(trt.arena.f64(g + 8 * (n * n - 1), 1)[0]);
    },
  });
}
{
  const X = new Float64Array(nTs * d);
  fill(X, 1);
  const G = new Float64Array(nTs * nTs);
  rows.push({
    name: `TS twin: gramSymLower + mirror`,
    n: nTs,
    note: nTs < n ? `timed at n=${nTs}, ms scaled ×${(flops(n) / flops(nTs)).toFixed(0)} by flops` : undefined,
    run: () => {
      gramTs(X, nTs, d, 1, G);
      guard(G[G.length - 1]);
    },
  });
}

const bench = new Bench({ time: 0, iterations: 5, warmup: true, warmupIterations: 1 });
for (const r of rows) bench.add(r.name, r.run);
await bench.run();
await pool.close();

const table: Array<Record<string, string | number>> = [];
let simdMs = NaN;
for (const [i, t] of bench.tasks.entries()) {
  const res = t.result as unknown as { latency?: { p50?: number; mean: number } };
  const raw = res.latency?.p50 ?? res.latency?.mean ?? NaN;
  const ms = raw * (flops(n) / flops(rows[i].n));
  if (i === 0) simdMs = ms;
  table.push({
    task: rows[i].name,
    n: rows[i].n,
    d,
    ['median ms (at n=' + n + ')']: +ms.toFixed(1),
    'GFLOP/s (2n²d)': +(flops(n) / ms / 1e6).toFixed(2),
    'vs SIMD': +(ms / simdMs).toFixed(2),
    note: rows[i].note ?? '',
  });
}

const pyCode = `import numpy as np, timeit, json, sys
n, d = int(sys.argv[1]), int(sys.argv[2])
rng = np.random.default_rng(1); X = rng.standard_normal((n, d))
f = lambda: X @ X.T
f(); ts = timeit.repeat(f, number=1, repeat=5); ts.sort()
print(json.dumps({"median": ts[len(ts)//2], "min": ts[0]}))`;
const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
delete env.OPENBLAS_CORETYPE;
delete env.OPENBLAS_L2_SIZE;
const py = spawnSync('python3', ['-c', pyCode, String(n), String(d)], { encoding: 'utf8', env });
if (py.status === 0) {
  const r = JSON.parse(py.stdout) as { median: number; min: number };
  const ms = r.median * 1e3;
  table.push({
    task: 'numpy X @ X.T (OpenBLAS syrk, 1 thread)',
    n,
    d,
    ['median ms (at n=' + n + ')']: +ms.toFixed(1),
    'GFLOP/s (2n²d)': +(flops(n) / ms / 1e6).toFixed(2),
    'vs SIMD': +(ms / simdMs).toFixed(2),
    note: `Wasm SIMD / numpy time = ${(simdMs / ms).toFixed(2)}`,
  });
} else console.log('python3/numpy not available: numpy row skipped\n' + py.stderr);

console.log(`Node ${process.version}, Gram n=${n}, d=${d} (median of 5 after 1 warm-up; 'vs SIMD' = time / SIMD time)`);
console.table(table);
