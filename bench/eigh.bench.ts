// Symmetric eigendecomposition with eigenvectors (f64, row-major): Wasm SIMD, Wasm scalar, the TS
// twin, and numpy.linalg.eigh / eigvalsh (LAPACK, 1 thread) timed in the same run. Also the fast
// path: tridiag_f64 + tql_first_f64 (eigenvalues + first row of V). Matrix: random symmetric.
// Run: node --import tsx bench/eigh.bench.ts [n=1024]
import { spawnSync } from 'node:child_process';
import { Bench } from 'tinybench';
import { loadWasm } from '../src/wasm/runtime.js';
import { eigh as eighTs } from '../src/ref/eigh.js';
import { WorkerPool } from '../src/wasm/exec.js';
import { eighDcParallelWorkF64, eighDcPtrParallel, eighParallelWorkF64, eighPtrParallel } from '../src/linalg/index.js';

const n = Number(process.argv[2] ?? 1024);
const nTs = Math.min(n, 512); // TS twin timed at a smaller n and scaled by n³

function randomSym(m: number): Float64Array {
  let s = 12345;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296 - 0.5;
  };
  const A = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j <= i; j++) A[i * m + j] = A[j * m + i] = next();
  return A;
}
function guard(x: number): void {
  if (!Number.isFinite(x)) throw new Error('non-finite eigenvalue in bench');
}

const A0 = randomSym(n);
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
  const ar = rt.arena,
    ex = rt.exports;
  const a = ar.allocF64(n * n),
    w = ar.allocF64(n),
    work = ar.allocF64(Math.max(3 * n, ex.eigh_blk_ws_f64(n))),
    z = ar.allocF64(n);
  rows.push({
    name: `${tag}: eigh_f64 (values + vectors)`,
    n,
    run: () => {
      ar.f64(a, n * n).set(A0);
      const st = ex.eigh_f64(a, n, w, work);
      if (st !== 0) throw new Error('eigh did not converge');
      guard(ar.f64(w, n)[n - 1]);
    },
  });
  if (variant === 'release') {
    rows.push({
      name: `${tag}: tridiag_blk_f64 + tql_first_f64 (values + first row)`,
      n,
      run: () => {
        ar.f64(a, n * n).set(A0);
        ex.tridiag_blk_f64(a, n, w, work + 8 * n, work);
        ar.f64(work, n).set(ar.f64(work + 8 * n, n)); // off → work[0..n) for tql_first
        const zv = ar.f64(z, n);
        zv.fill(0);
        zv[0] = 1;
        if (ex.tql_first_f64(w, work, n, z) !== 0) throw new Error('tql did not converge');
        guard(ar.f64(w, n)[n - 1]);
      },
    });
  }
}
// divide and conquer (issue 12): one thread, and over two workers (bitwise equal)
{
  const rt = await loadWasm({ variant: 'release' });
  const ar = rt.arena,
    ex = rt.exports;
  const a = ar.allocF64(n * n),
    w = ar.allocF64(n),
    work = ar.allocF64(ex.eigh_dc_ws_f64(n));
  rows.push({
    name: 'Wasm SIMD: eigh_dc_f64 (blocked reduction + divide and conquer + blocked back-transformation)',
    n,
    run: () => {
      ar.f64(a, n * n).set(A0);
      if (ex.eigh_dc_f64(a, n, w, work) !== 0) throw new Error('eigh_dc failed');
      guard(ar.f64(w, n)[n - 1]);
    },
  });
}
// two workers over shared memory: reduction on one, QL rotations split by columns
const trt = await loadWasm({ shared: true });
const pool = await WorkerPool.create(trt, 2);
{
  const ar = trt.arena;
  const a = ar.allocF64(n * n),
    w = ar.allocF64(n),
    work = ar.allocF64(eighParallelWorkF64(n, 2));
  rows.push({
    name: 'Wasm SIMD threads, 2 workers: eigh (QL phase split by columns)',
    n,
    run: async () => {
      ar.f64(a, n * n).set(A0);
      if ((await eighPtrParallel(trt, pool, a, n, w, work, 2)) !== 0) throw new Error('eigh did not converge');
      guard(ar.f64(w, n)[n - 1]);
    },
  });
}
{
  const A = randomSym(nTs);
  rows.push({
    name: 'TS twin: eigh (values + vectors)',
    n: nTs,
    note: nTs < n ? `timed at n=${nTs}, ms scaled ×${((n / nTs) ** 3).toFixed(0)} (n³)` : undefined,
    run: () => guard(eighTs(A, nTs).values[nTs - 1]),
  });
}

{
  const ar = trt.arena;
  const a = ar.allocF64(n * n),
    w = ar.allocF64(n),
    work = ar.allocF64(eighDcParallelWorkF64(n));
  rows.push({
    name: 'Wasm SIMD threads, 2 workers: eigh_dc (updates, D&C halves, top merge, back-transformation split)',
    n,
    run: async () => {
      ar.f64(a, n * n).set(A0);
      if ((await eighDcPtrParallel(trt, pool, a, n, w, work)) !== 0) throw new Error('eigh_dc failed');
      guard(ar.f64(w, n)[n - 1]);
    },
  });
}

const bench = new Bench({ time: 0, iterations: 5, warmup: true, warmupIterations: 1 });
for (const r of rows) bench.add(r.name, r.run);
await bench.run();
await pool.close();

const table: Array<Record<string, string | number>> = [];
const msOf: number[] = [];
for (const [i, t] of bench.tasks.entries()) {
  const res = t.result as unknown as { latency?: { p50?: number; mean: number } };
  const ms = (res.latency?.p50 ?? res.latency?.mean ?? NaN) * (n / rows[i].n) ** 3;
  msOf.push(ms);
  table.push({ task: rows[i].name, n: rows[i].n, [`median ms (at n=${n})`]: +ms.toFixed(1), note: rows[i].note ?? '' });
}

const pyCode = `import numpy as np, timeit, json, sys
n = int(sys.argv[1]); rng = np.random.default_rng(1); a = rng.standard_normal((n, n)); a = (a + a.T) / 2
res = {}
for name, f in [("eigh", lambda: np.linalg.eigh(a)), ("eigvalsh", lambda: np.linalg.eigvalsh(a))]:
    f(); ts = sorted(timeit.repeat(f, number=1, repeat=5)); res[name] = ts[len(ts)//2]
print(json.dumps(res))`;
const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
delete env.OPENBLAS_CORETYPE;
delete env.OPENBLAS_L2_SIZE;
const py = spawnSync('python3', ['-c', pyCode, String(n)], { encoding: 'utf8', env });
if (py.status === 0) {
  const r = JSON.parse(py.stdout) as { eigh: number; eigvalsh: number };
  const e = r.eigh * 1e3,
    v = r.eigvalsh * 1e3;
  table.push({
    task: 'numpy.linalg.eigh (LAPACK syevd, 1 thread)',
    n,
    [`median ms (at n=${n})`]: +e.toFixed(1),
    note: `Wasm SIMD eigh / numpy eigh = ${(msOf[0] / e).toFixed(2)}`,
  });
  const dcRow = rows.findIndex((r) => r.name.includes('eigh_dc_f64'));
  const dc2Row = rows.findIndex((r) => r.name.includes('2 workers: eigh_dc'));
  table[dcRow].note = `eigh_dc / numpy eigh = ${(msOf[dcRow] / e).toFixed(2)}`;
  table[dc2Row].note = `2-worker eigh_dc / numpy eigh = ${(msOf[dc2Row] / e).toFixed(2)}`;
  table.push({
    task: 'numpy.linalg.eigvalsh (1 thread)',
    n,
    [`median ms (at n=${n})`]: +v.toFixed(1),
    note: `tridiag+tql_first / eigvalsh = ${(msOf[1] / v).toFixed(2)}`,
  });
  const qlRow = rows.findIndex((r) => r.name.includes('QL phase split'));
  table[qlRow].note = `2-worker eigh (QL) / numpy eigh = ${(msOf[qlRow] / e).toFixed(2)}`;
} else console.log('python3/numpy not available: numpy rows skipped\n' + py.stderr);

console.log(`Node ${process.version}, symmetric eigendecomposition n=${n} (median of 5 after 1 warm-up)`);
console.table(table);
