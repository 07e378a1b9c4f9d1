// Issue 12 benchmark table: a Wasm f64x2 peak probe, then each linear-algebra phase with its
// fraction of that peak, and the ratio to numpy/OpenBLAS (1 thread, its own kernels: the
// OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE overrides are removed for numpy only) in the same run.
//   Gram with exp: gram_kmap_pk_f64 (packed GEMM on the lower triangle, exp and mirror fused into
//     its blocks), vs numpy exp((X @ X.T)/d).
//   eigh with vectors: blocked reduction (tridiag_blk_f64), divide and conquer (stedc_f64), blocked
//     back-transformation (ormtr_blk_f64); eigh_dc_f64 on 1 thread and over 2 workers; the old
//     unblocked eigh_f64 (QL) for reference; eigenvalues only (eigvalsh_f64: tridiag_blk_f64 + QL).
// Medians of `reps` runs, in CPU time of this process (and process_time for numpy) next to wall time;
// the probe runs right before and after each timed call and the fraction uses the larger rate.
// Run: node --import tsx bench/linalg-peak.bench.ts [eigh sizes=1024,2000] [gram sizes=4096x512] [reps=3] [--old]
import { cpuMs, probeGflops } from './measure.js';
import { spawnSync } from 'node:child_process';
import { loadWasm } from '../src/wasm/runtime.js';
import { WorkerPool } from '../src/wasm/exec.js';
import { GEMM_WS_F64, eighDcParallelWorkF64, eighDcPtrParallel } from '../src/linalg/index.js';
import { GRAM_FLAG } from '../src/gen/kernel_layout.js';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const eighSizes = (args[0] ?? '1024,2000').split(',').filter(Boolean).map(Number);
const gramSizes = (args[1] ?? '4096x512')
  .split(',')
  .filter(Boolean)
  .map((s) => s.split('x').map(Number));
const reps = Number(args[2] ?? 3);
const withOld = process.argv.includes('--old');

const rt = await loadWasm({ shared: true });
const ex = rt.exports,
  ar = rt.arena;
const pool = await WorkerPool.create(rt, 2);
const now = () => performance.now();
const cpu = cpuMs;
const probeGf = () => probeGflops(rt);
const med = (x: number[]) => [...x].sort((a, b) => a - b)[x.length >> 1];
/** median ms and median fraction of the probe (flops = work actually done, 0 = not a flop phase). */
async function timed(f: () => unknown, flops = 0): Promise<{ ms: number; cpu: number; frac: number; peak: number }> {
  await f(); // warm-up (tier-up)
  const ms: number[] = [],
    cp: number[] = [],
    fr: number[] = [],
    pk: number[] = [];
  for (let r = 0; r < reps; r++) {
    const p1 = probeGf();
    const t = now(),
      c = cpu();
    await f();
    const dt = now() - t,
      dc = cpu() - c;
    const p = Math.max(p1, probeGf());
    ms.push(dt);
    cp.push(dc);
    pk.push(p);
    if (flops) fr.push(flops / (dc * 1e6) / p);
  }
  return { ms: med(ms), cpu: med(cp), frac: fr.length ? med(fr) : NaN, peak: med(pk) };
}
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
const rows: Array<Record<string, string | number>> = [];
const py = (code: string, ...a: (string | number)[]) => {
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const r = spawnSync('python3', ['-c', code, ...a.map(String)], { encoding: 'utf8', env });
  return r.status === 0 ? (JSON.parse(r.stdout) as Record<string, number>) : null;
};
/** np: numpy's median CPU ms for the same task (ratio by CPU time; 1-thread rows only). */
const row = (task: string, size: string, t: { ms: number; cpu: number; frac: number; peak: number }, np?: number, oneThread = true) => {
  // one line as soon as a row is measured (a long run on a loaded machine keeps what it measured)
  console.error(`${task.trim()} ${size}: wall ${t.ms.toFixed(0)} ms, CPU ${t.cpu.toFixed(0)} ms${np ? `, numpy CPU ${np.toFixed(0)} ms` : ''}`);
  rows.push({
    task,
    size,
    'wall ms': +t.ms.toFixed(1),
    'CPU ms': oneThread ? +t.cpu.toFixed(1) : '',
    'fraction of peak (CPU)': Number.isFinite(t.frac) && oneThread ? +(100 * t.frac).toFixed(0) + ' %' : '',
    'probe GF/s (CPU)': +t.peak.toFixed(1),
    'ratio to numpy (CPU)': np && oneThread ? +(t.cpu / np).toFixed(2) : '',
  });
};

// which OpenBLAS kernel numpy runs with the overrides removed (threadpoolctl's internal_api, or the
// library's own openblas_get_corename when threadpoolctl is not installed)
const core = py(`import json, glob, os, ctypes, numpy
try:
    from threadpoolctl import threadpool_info
    print(json.dumps({"core": [i.get("architecture") for i in threadpool_info() if i.get("internal_api") == "openblas"][0]}))
except Exception:
    lib = ctypes.CDLL(glob.glob(os.path.join(os.path.dirname(numpy.__file__), "..", "numpy.libs", "libscipy_openblas*.so"))[0])
    f = [getattr(lib, n) for n in ("scipy_openblas_get_corename64_", "scipy_openblas_get_corename", "openblas_get_corename") if hasattr(lib, n)][0]
    f.restype = ctypes.c_char_p
    print(json.dumps({"core": f().decode()}))`);
const coreName = core ? String((core as unknown as { core: string }).core) : 'unknown';

for (const [n, d] of gramSizes) {
  const mk = ar.mark();
  const x = ar.allocF64(n * d),
    g = ar.allocF64(n * n),
    k = ar.allocF64(n * n),
    w = ar.allocF64(2 * GEMM_WS_F64);
  fill(ar.f64(x, n * d), 1);
  const npg = py(
    `import numpy as np, timeit, json, sys
n, d = int(sys.argv[1]), int(sys.argv[2]); X = np.random.default_rng(1).standard_normal((n, d)) / np.sqrt(d)
import time
def f():
    G = X @ X.T
    np.exp(G, out=G)
g = lambda: X @ X.T
def cpu_med(h):
    h(); ts = []
    for _ in range(${reps}):
        t = time.process_time(); h(); ts.append(time.process_time() - t)
    return sorted(ts)[len(ts)//2] * 1e3
print(json.dumps({"gramexp": cpu_med(f), "gram": cpu_med(g)}))`,
    n,
    d,
  );
  const tg = await timed(() => ex.gram_pk_f64(x, n, d, g, 1 / d, 0, n, w), n * (n + 1) * d);
  row('Gram lower triangle, packed GEMM (1 thread)', `${n}x${d}`, tg, npg?.gram);
  const tab = ar.copyIn([0, 1, 0, 0, 1]); // one map record: exp(1·s), weight 1
  const tge = await timed(() => ex.gram_kmap_pk_f64(x, n, d, g, 1 / d, 0, n, w, k, tab, 1, 0, GRAM_FLAG.MIRROR_K), n * (n + 1) * d);
  row('Gram + exp + mirror fused, gram_kmap_pk_f64 (1 thread)', `${n}x${d}`, tge, npg?.gramexp);
  const tg2 = await timed(
    async () => {
      await Promise.all(
        [0, 1].map((p) => {
          const b = [0, Math.round((n * Math.SQRT1_2) / 4) * 4, n];
          return pool.call('gram_pk_f64', x, n, d, g, 1 / d, b[p], b[p + 1], w + 8 * p * GEMM_WS_F64);
        }),
      );
    },
    n * (n + 1) * d,
  );
  row('Gram lower triangle, 2 workers', `${n}x${d}`, tg2, npg?.gram, false);
  ar.reset(mk);
}

for (const n of eighSizes) {
  const mk = ar.mark();
  const A0 = new Float64Array(n * n);
  {
    const t = new Float64Array(n * n);
    fill(t, 7);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) A0[i * n + j] = A0[j * n + i] = t[i * n + j];
  }
  const np = py(
    `import numpy as np, timeit, json, sys
n = int(sys.argv[1]); a = np.random.default_rng(1).standard_normal((n, n)); a = (a + a.T) / 2
import time
res = {}
for name, f in [("eigh", lambda: np.linalg.eigh(a)), ("eigvalsh", lambda: np.linalg.eigvalsh(a))]:
    f(); ts = []
    for _ in range(${reps}):
        t = time.process_time(); f(); ts.append(time.process_time() - t)
    res[name] = sorted(ts)[len(ts)//2] * 1e3
print(json.dumps(res))`,
    n,
  );
  const a = ar.allocF64(n * n),
    W = ar.allocF64(n),
    off = ar.allocF64(n),
    tau = ar.allocF64(n);
  const work = ar.allocF64(eighDcParallelWorkF64(n));
  const Z = ar.allocF64(n * n);
  const ws = work; // ≥ eigh_blk_ws and stedc_ws
  const set = () => ar.f64(a, n * n).set(A0);
  // phases (each on its own input state)
  const tr = await timed(
    () => {
      set();
      ex.tridiag_blk_f64(a, n, W, off, ws);
    },
    (4 / 3) * n ** 3,
  );
  row('  reduction tridiag_blk_f64 (4/3 n³; half level 2)', `n=${n}`, tr);
  ar.f64(tau, n).set(ar.f64(ws, n));
  const R = ar.f64(a, n * n).slice(),
    Wd = ar.f64(W, n).slice(),
    Od = ar.f64(off, n).slice();
  const tdc = await timed(() => {
    ar.f64(W, n).set(Wd);
    ar.f64(off, n).set(Od);
    ex.stedc_f64(W, off, n, Z, ws);
  });
  row('  divide and conquer stedc_f64', `n=${n}`, tdc);
  const Zd = ar.f64(Z, n * n).slice();
  const tbt = await timed(
    () => {
      ar.f64(a, n * n).set(R);
      ar.f64(Z, n * n).set(Zd);
      ex.ormtr_blk_f64(a, n, tau, Z, n, ws);
    },
    2 * n ** 3,
  );
  row('  back-transformation ormtr_blk_f64 (2n³)', `n=${n}`, tbt);
  const t1 = await timed(() => {
    set();
    if (ex.eigh_dc_f64(a, n, W, work) !== 0) throw new Error('eigh_dc failed');
  });
  row('eigh_dc_f64 with vectors, 1 thread', `n=${n}`, t1, np?.eigh);
  const t2 = await timed(async () => {
    set();
    if ((await eighDcPtrParallel(rt, pool, a, n, W, work)) !== 0) throw new Error('eigh_dc failed');
  });
  row(`eigh_dc, 2 workers (wall speed-up ${(t1.ms / t2.ms).toFixed(2)}×)`, `n=${n}`, t2, np?.eigh, false);
  if (withOld && n <= 2048) {
    const to = await timed(() => {
      set();
      ex.eigh_f64(a, n, W, work);
    });
    row('old eigh_f64 (unblocked reduction + QL), 1 thread', `n=${n}`, to, np?.eigh);
  }
  const tv = await timed(() => {
    set();
    if (ex.eigvalsh_f64(a, n, W, ws) !== 0) throw new Error('eigvalsh failed');
  });
  row('eigenvalues only: eigvalsh_f64 (tridiag_blk_f64 + QL, no vectors)', `n=${n}`, tv, np?.eigvalsh);
  if (np) {
    rows.push({ task: 'numpy.linalg.eigh (1 thread)', size: `n=${n}`, 'CPU ms': +np.eigh.toFixed(1) });
    rows.push({ task: 'numpy.linalg.eigvalsh (1 thread)', size: `n=${n}`, 'CPU ms': +np.eigvalsh.toFixed(1) });
  }
  ar.reset(mk);
}
await pool.close();
console.log(
  `Node ${process.version}; numpy's OpenBLAS kernel: ${coreName}; medians of ${reps}; CPU time (process user+system; numpy: time.process_time) is the fair measure on a loaded machine; fraction of peak = flops actually done / CPU time / probe rate (f64x2 mul+add, CPU time)`,
);
console.table(rows);
