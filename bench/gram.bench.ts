// Gram matrix G = X Xᵀ and the Gram with the exp kernel map K = exp(X Xᵀ/d) (f64, X n×d row-major):
// Wasm SIMD (packed GEMM on the lower triangle + mirror; the fused gram_kmap_pk_f64 with the map and
// the mirror in its blocks; the old unfused passes), the Wasm scalar build, the plain-TS twin, two
// workers, and numpy (OpenBLAS, 1 thread, its own kernels) on the same tasks in the same run.
// Columns: median wall and CPU ms (process user + system: on a loaded machine the fair measure);
// "% of peak" = flops actually done (n(n+1)d multiply–adds for a triangle, 2n²d for the full product;
// the map and the mirror count zero) / CPU time / the f64x2 peak probe's rate, probed around each row;
// "vs numpy" = CPU time / numpy's CPU time for the same task (Gram, or Gram + exp).
// Run: node --import tsx bench/gram.bench.ts [n=4096] [d=512] [reps=5] [--core]
//   --core: only the Wasm SIMD packed/fused rows, two workers and numpy (for n = 10000, d = 1000:
//   the scalar build, the TS twin and the unpacked full product would add minutes and 1.7 GB).
import { cpuMs, probeGflops } from './measure.js';
import { spawnSync } from 'node:child_process';
import { loadWasm, type WasmRuntime } from '../src/wasm/runtime.js';
import { gram as gramTs } from '../src/ref/blas.js';
import { WorkerPool } from '../src/wasm/exec.js';
import { GEMM_WS_F64, gramStrips } from '../src/linalg/index.js';
import { GRAM_FLAG } from '../src/gen/kernel_layout.js';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const core = process.argv.includes('--core');
const n = Number(args[0] ?? 4096);
const d = Number(args[1] ?? 512);
const reps = Number(args[2] ?? 5);
const nTs = Math.min(n, 1024); // the TS twin is timed at a smaller n and scaled by flops
const tri = (m: number) => m * (m + 1) * d; // flops of the lower triangle (multiply + add)
const full = (m: number) => 2 * m * m * d;

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
const cpu = cpuMs;
const med = (x: number[]) => [...x].sort((a, b) => a - b)[x.length >> 1];
let probeRt!: WasmRuntime;
const probe = () => probeGflops(probeRt);

interface Row {
  name: string;
  /** flops actually done at the row's own size (0: not counted) */
  flops: number;
  /** scale the row's times to size n (the TS twin runs smaller) */
  scale?: number;
  /** numpy task to compare with */
  vs?: 'gram' | 'gramexp';
  /** wall time only (workers: the process CPU time adds both workers) */
  parallel?: boolean;
  note?: string;
  run: () => unknown;
}
const rows: Row[] = [];
const guard = (rt: WasmRuntime, p: number) => {
  const v = rt.arena.f64(p + 8 * (n * n - 1), 1)[0];
  if (!Number.isFinite(v)) throw new Error('non-finite entry in bench');
};

for (const variant of core ? (['release'] as const) : (['release', 'scalar'] as const)) {
  const rt = await loadWasm({ variant });
  if (variant === 'release') probeRt = rt;
  const tag = variant === 'release' ? (rt.relaxedSimd ? 'Wasm SIMD (relaxed)' : 'Wasm SIMD') : 'Wasm scalar';
  const a = rt.arena;
  const x = a.allocF64(n * d);
  fill(a.f64(x, n * d), 1);
  const g = a.allocF64(n * n);
  const w = a.allocF64(GEMM_WS_F64);
  const tab = a.copyIn([0, 1, 0, 0, 1]); // one map record: exp(1·s), weight 1
  const ex = rt.exports;
  if (variant === 'release') {
    rows.push({
      name: `${tag}: gram_pk_f64 (packed GEMM, lower triangle) + mirror_lower_f64`,
      flops: tri(n),
      vs: 'gram',
      run: () => {
        ex.gram_pk_f64(x, n, d, g, 1, 0, n, w);
        ex.mirror_lower_f64(g, n, 0, n);
        guard(rt, g);
      },
    });
    rows.push({
      name: `${tag}: gram_kmap_pk_f64, G = XXᵀ/d, exp and mirror fused (in place)`,
      flops: tri(n),
      vs: 'gramexp',
      run: () => {
        ex.gram_kmap_pk_f64(x, n, d, g, 1 / d, 0, n, w, g, tab, 1, 0, GRAM_FLAG.MIRROR_K);
        guard(rt, g);
      },
    });
    rows.push({
      name: `${tag}: unfused: gram_pk_f64 + kmap_lower_f64 (exp) + mirror`,
      flops: tri(n),
      vs: 'gramexp',
      run: () => {
        ex.gram_pk_f64(x, n, d, g, 1 / d, 0, n, w);
        ex.kmap_lower_f64(g, g, n, 0, n, 0, 1, 0, 0, 1, 0);
        ex.mirror_lower_f64(g, n, 0, n);
        guard(rt, g);
      },
    });
    if (!core)
      rows.push({
        name: `${tag}: gemm_nt_f64 (full product, no symmetry, unpacked 4×2 tile)`,
        flops: full(n),
        vs: 'gram',
        run: () => {
          ex.gemm_nt_f64(x, x, g, n, d, n, 1, 0);
          guard(rt, g);
        },
      });
  } else {
    rows.push({
      name: `${tag}: gram_sym_f64 + mirror_lower_f64`,
      flops: tri(n),
      vs: 'gram',
      run: () => {
        ex.gram_sym_f64(x, n, d, g, 1, 0, n);
        ex.mirror_lower_f64(g, n, 0, n);
        guard(rt, g);
      },
    });
  }
}
// two workers over shared memory (threads build), triangle split by gramStrips
const trt = await loadWasm({ shared: true });
const pool = await WorkerPool.create(trt, 2);
{
  const a = trt.arena;
  const x = a.allocF64(n * d);
  fill(a.f64(x, n * d), 1);
  const g = a.allocF64(n * n);
  const w = a.allocF64(2 * GEMM_WS_F64);
  const tab = a.copyIn([0, 1, 0, 0, 1]);
  const b = gramStrips(n, 2);
  rows.push({
    name: 'Wasm SIMD threads, 2 workers: gram_pk_f64 + mirror strips',
    flops: tri(n),
    parallel: true,
    note: `strips ${b.join('/')}`,
    run: async () => {
      await Promise.all([0, 1].map((p) => pool.call('gram_pk_f64', x, n, d, g, 1, b[p], b[p + 1], w + 8 * p * GEMM_WS_F64)));
      await Promise.all([0, 1].map((p) => pool.call('mirror_lower_f64', g, n, b[p], b[p + 1])));
      guard(trt, g);
    },
  });
  rows.push({
    name: 'Wasm SIMD threads, 2 workers: gram_kmap_pk_f64 (exp + mirror fused)',
    flops: tri(n),
    parallel: true,
    note: `strips ${b.join('/')}`,
    run: async () => {
      await Promise.all(
        [0, 1].map((p) => pool.call('gram_kmap_pk_f64', x, n, d, g, 1 / d, b[p], b[p + 1], w + 8 * p * GEMM_WS_F64, g, tab, 1, 0, GRAM_FLAG.MIRROR_K)),
      );
      guard(trt, g);
    },
  });
}
if (!core) {
  const X = new Float64Array(nTs * d);
  fill(X, 1);
  const G = new Float64Array(nTs * nTs);
  rows.push({
    name: 'TS twin: gramSymLower + mirror',
    flops: tri(nTs),
    scale: tri(n) / tri(nTs),
    vs: 'gram',
    note: nTs < n ? `timed at n=${nTs}, ms scaled ×${(tri(n) / tri(nTs)).toFixed(0)} by flops` : undefined,
    run: () => {
      gramTs(X, nTs, d, 1, G);
      if (!Number.isFinite(G[G.length - 1])) throw new Error('non-finite');
    },
  });
}

// numpy first (its own process; Node idle meanwhile)
const pyCode = `import numpy as np, time, json, sys
n, d, reps = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
X = np.random.default_rng(1).standard_normal((n, d))
def gram():
    return X @ X.T
def gramexp():
    G = X @ X.T
    G *= 1.0 / d
    np.exp(G, out=G)
    return G
res = {}
for name, f in [("gram", gram), ("gramexp", gramexp)]:
    f(); wall, cpu = [], []
    for _ in range(reps):
        t, c = time.perf_counter(), time.process_time(); f()
        wall.append(time.perf_counter() - t); cpu.append(time.process_time() - c)
    res[name] = {"wall": sorted(wall)[reps // 2] * 1e3, "cpu": sorted(cpu)[reps // 2] * 1e3}
print(json.dumps(res))`;
const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
delete env.OPENBLAS_CORETYPE;
delete env.OPENBLAS_L2_SIZE;
const py = spawnSync('python3', ['-c', pyCode, String(n), String(d), String(reps)], { encoding: 'utf8', env });
const np = py.status === 0 ? (JSON.parse(py.stdout) as Record<'gram' | 'gramexp', { wall: number; cpu: number }>) : null;
if (!np) console.log(`python3/numpy not available: numpy rows skipped\n${py.stderr}`);

const table: Array<Record<string, string | number>> = [];
for (const r of rows) {
  await r.run(); // warm-up (tier-up)
  const wall: number[] = [],
    cp: number[] = [],
    frac: number[] = [];
  for (let k = 0; k < reps; k++) {
    const p1 = probe();
    const t = performance.now(),
      c = cpu();
    await r.run();
    const dw = performance.now() - t,
      dc = cpu() - c;
    const pk = Math.max(p1, probe());
    wall.push(dw);
    cp.push(dc);
    if (!r.parallel) frac.push(r.flops / (dc * 1e6) / pk);
  }
  const s = r.scale ?? 1;
  const w = med(wall) * s,
    c = med(cp) * s;
  const ratio = np && r.vs && !r.parallel ? c / np[r.vs].cpu : NaN;
  table.push({
    task: r.name,
    [`wall ms (n=${n})`]: +w.toFixed(1),
    'CPU ms': r.parallel ? '' : +c.toFixed(1),
    'GFLOP/s done (CPU)': r.parallel ? +((r.flops * s) / w / 1e6).toFixed(1) + ' (wall)' : +((r.flops * s) / c / 1e6).toFixed(1),
    '% of peak': frac.length ? `${(100 * med(frac)).toFixed(0)} %` : '',
    'vs numpy (CPU)': Number.isFinite(ratio) ? +ratio.toFixed(2) : '',
    note: r.note ?? '',
  });
}
await pool.close();
if (np) {
  for (const [k, label] of [
    ['gram', 'numpy X @ X.T (OpenBLAS syrk + its mirror, 1 thread)'],
    ['gramexp', 'numpy exp(X @ X.T / d) in place (1 thread)'],
  ] as const)
    table.push({
      task: label,
      [`wall ms (n=${n})`]: +np[k].wall.toFixed(1),
      'CPU ms': +np[k].cpu.toFixed(1),
      'GFLOP/s done (CPU)': +(tri(n) / np[k].cpu / 1e6).toFixed(1),
      '% of peak': '',
      'vs numpy (CPU)': 1,
      note: 'GFLOP/s on n(n+1)d (syrk)',
    });
}
const pk = med(Array.from({ length: 5 }, probe));
console.log(
  `Node ${process.version}, Gram n=${n}, d=${d}; medians of ${reps} after a warm-up; f64x2 peak probe (${probeRt.relaxedSimd ? 'relaxed_madd: the relaxed-SIMD build, LEARNDYN_RELAXED_SIMD=0 for the plain one' : 'mul + add'}) ${pk.toFixed(1)} GFLOP/s (CPU time, this run)`,
);
console.table(table);
if (np) {
  // the bound the 128-bit lane sets: even at 100 % of the probe's rate, the triangle takes
  // tri / peak, against numpy's measured time for the same task
  const best = tri(n) / pk / 1e6;
  console.log(
    `numpy's Gram runs at ${(tri(n) / np.gram.cpu / 1e6).toFixed(1)} GFLOP/s (CPU) = ${((tri(n) / np.gram.cpu / 1e6 / pk) * 100).toFixed(0)} % of the Wasm f64x2 peak: ` +
      `at 100 % of the peak the Wasm triangle would take ${best.toFixed(0)} ms = ${(best / np.gram.cpu).toFixed(2)}× numpy's Gram, ${(best / np.gramexp.cpu).toFixed(2)}× numpy's Gram + exp`,
  );
}
