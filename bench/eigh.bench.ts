// Symmetric eigendecomposition with eigenvectors (f64, row-major) against numpy.linalg.eigh /
// eigvalsh (LAPACK dsyevd / dsytrd + dsterf, OpenBLAS, 1 thread, its own AVX-512 kernels:
// OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed for numpy only), in the same run, for each n:
//   - the Wasm f64x2 peak probe (peak_probe_f64: mul + add, or relaxed_madd in the relaxed-SIMD build
//     that loadWasm picks where it validates) before and after each timed call;
//   - eigh_dc_f64 on one thread, with each phase's time and fraction of the probe's peak, taken from
//     the same call sequence run by the host (the kernels eighDcPtrParallel calls, on one inline
//     executor: bitwise the same result as eigh_dc_f64), and the share of the one-thread time spent
//     in the calls the two-worker driver splits;
//   - eighDcPtrParallel over two workers, its speed-up over one thread (wall time);
//   - eigvalsh_f64 (blocked reduction + QL without vectors);
//   - the accuracy of the one-thread result: ‖AV − VΛ‖_F/‖A‖_F and max|VᵀV − I|;
//   - with several n, the time exponent of eigh (least squares of log t on log n).
// Times are medians; "CPU ms" is this process's user+system time (numpy: time.process_time), the
// fair measure on a loaded machine; wall ms is what a quiet machine shows. Ratios are given both ways.
//   - numpy's own phases: dsytrd, dstedc and dormtr called one by one in numpy's OpenBLAS (its
//     LAPACKE entries, column-major), so each phase has its ratio to LAPACK's in the same run.
// Run: node --import tsx bench/eigh.bench.ts [sizes=1024] [reps]   e.g. 1024,2000,4000
// EIGH_KERNELS=1 also prints each kernel's median CPU time (stderr).
// (reps default: 5 for n ≤ 2000, 2 above; about 3 minutes at n = 4000 on a quiet machine.)
import { cpuMs, probeGflops } from './measure.js';
import { spawnSync } from 'node:child_process';
import { loadWasm } from '../src/wasm/runtime.js';
import { type Executor, InlineExecutor, WorkerPool } from '../src/wasm/exec.js';
import { eighDcParallelWorkF64, eighDcPtrParallel } from '../src/linalg/index.js';

const sizes = (process.argv[2] ?? '1024').split(',').filter(Boolean).map(Number);
const repsArg = process.argv[3] ? Number(process.argv[3]) : 0;

const rt = await loadWasm({ shared: true });
/** What the build's GEMM issues (and the probe measures): relaxed_madd in the relaxed-SIMD build. */
const probeOp = rt.relaxedSimd ? 'f64x2 relaxed_madd' : 'f64x2 mul+add';
const ex = rt.exports,
  ar = rt.arena;
const pool = await WorkerPool.create(rt, 2);
const now = () => performance.now();
const cpu = cpuMs;
const probeGf = () => probeGflops(rt);
/** Median; the lower one for an even count (of 2 runs on a loaded machine, the less disturbed). */
const med = (x: number[]) => [...x].sort((a, b) => a - b)[(x.length - 1) >> 1];
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
/** numpy's medians (ms); with its OpenBLAS's LAPACKE entries found, also dsyevd's phases by name
 *  (reduction = dsytrd, divide and conquer = dstedc, back-transformation = dormtr; CPU ms). */
type NumpyTimes = { eigh: number; eigvalsh: number; eighWall: number; eigvalshWall: number } & Record<string, number | undefined>;
function numpy(n: number, reps: number): NumpyTimes | null {
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const code = `import numpy as np, json, sys, time
n, reps = int(sys.argv[1]), int(sys.argv[2]); a = np.random.default_rng(1).standard_normal((n, n)); a = (a + a.T) / 2
res = {}
for name, f in [("eigh", lambda: np.linalg.eigh(a)), ("eigvalsh", lambda: np.linalg.eigvalsh(a))]:
    if n <= 2000: f()
    c, w = [], []
    for _ in range(reps):
        t0, t1 = time.process_time(), time.perf_counter(); f(); c.append(time.process_time() - t0); w.append(time.perf_counter() - t1)
    res[name] = sorted(c)[(len(c)-1)//2] * 1e3; res[name + "Wall"] = sorted(w)[(len(w)-1)//2] * 1e3
# dsyevd's three phases, called one by one in numpy's own OpenBLAS (its LAPACKE entries, column-major:
# no transposes), CPU medians; skipped when the wheel's library or its symbols are not found
try:
    import ctypes as C, glob, os
    lib = C.CDLL(glob.glob(os.path.join(os.path.dirname(np.__file__), "..", "numpy.libs", "*openblas*.so*"))[0])
    def sym(name):
        for pat in ("scipy_LAPACKE_%s64_", "LAPACKE_%s64_"):
            if hasattr(lib, pat % name): return getattr(lib, pat % name)
        raise AttributeError(name)
    trd, stedc, ormtr = sym("dsytrd"), sym("dstedc"), sym("dormtr")
    I, ch, CM = C.c_int64, (lambda s: C.c_char(s.encode())), 102
    P = lambda x: x.ctypes.data_as(C.c_void_p)
    def med(f, prep):
        prep(); f(); ts = []
        for _ in range(reps):
            prep(); t0 = time.process_time(); f(); ts.append(time.process_time() - t0)
        return sorted(ts)[(len(ts) - 1) // 2] * 1e3
    w = np.empty((n, n), order="F"); d = np.empty(n); e = np.empty(n - 1); tau = np.empty(n - 1)
    def p1(): w[:] = a
    res["reduction"] = med(lambda: trd(CM, ch("L"), I(n), P(w), I(n), P(d), P(e), P(tau)), p1)
    p1(); trd(CM, ch("L"), I(n), P(w), I(n), P(d), P(e), P(tau))
    d0, e0, z = d.copy(), e.copy(), np.empty((n, n), order="F")
    def p2(): d[:] = d0; e[:] = e0
    res["divide and conquer"] = med(lambda: stedc(CM, ch("I"), I(n), P(d), P(e), P(z), I(n)), p2)
    z0 = z.copy()
    def p3(): z[:] = z0
    res["back-transformation"] = med(lambda: ormtr(CM, ch("L"), ch("L"), ch("N"), I(n), I(n), P(w), I(n), P(tau), P(z), I(n)), p3)
except (IndexError, OSError, AttributeError) as err:
    print("LAPACK phases skipped:", err, file=sys.stderr)
print(json.dumps(res))`;
  const r = spawnSync('python3', ['-c', code, String(n), String(reps)], { encoding: 'utf8', env });
  if (r.status !== 0) {
    console.error(`python3/numpy not available: numpy rows skipped\n${r.stderr}`);
    return null;
  }
  return JSON.parse(r.stdout);
}

/** The phase a kernel called by eighDcPtrParallel belongs to, and whether the 2-worker driver splits it. */
const PHASE: Record<string, [string, boolean]> = {
  // split over the pair except each reflector's Householder vector and own column update (O(n²·NB))
  eigh_range_scale_f64: ['reduction', false], // dsyev's scaling of A of tiny or huge norm (O(n²), usually a no-op)
  tridiag_panel_f64: ['reduction', true],
  tridiag_update_f64: ['reduction', true],
  tridiag_tail_f64: ['reduction', false],
  stedc_prep_f64: ['divide and conquer', false],
  stedc_tear_f64: ['divide and conquer', false],
  stedc_block_f64: ['divide and conquer', true],
  stedc_merge_defl_f64: ['divide and conquer', false],
  stedc_merge_gather_f64: ['divide and conquer', true],
  stedc_merge_roots_f64: ['divide and conquer', true],
  stedc_merge_vecs_f64: ['divide and conquer', false],
  stedc_merge_rows_f64: ['divide and conquer', true],
  stedc_merge_finish_f64: ['divide and conquer', true],
  ormtr_cols_f64: ['back-transformation', true],
  ormtr_pair_f64: ['back-transformation', true],
  copy_f64: ['copy', false],
};
/** One-thread executor that runs each kernel inline and adds its wall and CPU time to `acc[name]`. */
class TimingExecutor implements Executor {
  readonly width = 1;
  private readonly inner: InlineExecutor;
  acc = new Map<string, { ms: number; cpu: number }>();
  constructor() {
    this.inner = new InlineExecutor(rt);
  }
  async call(fn: any, ...args: any[]): Promise<any> {
    const t = now(),
      c = cpu();
    const r = await (this.inner.call as any)(fn, ...args);
    const a = this.acc.get(fn) ?? { ms: 0, cpu: 0 };
    a.ms += now() - t;
    a.cpu += cpu() - c;
    this.acc.set(fn, a);
    return r;
  }
  async close(): Promise<void> {}
}

interface Timed {
  ms: number;
  cpu: number;
  peak: number;
}
async function timed(f: () => unknown, reps: number): Promise<Timed> {
  const ms: number[] = [],
    cp: number[] = [],
    pk: number[] = [];
  for (let r = 0; r < reps; r++) {
    const p1 = probeGf();
    const t = now(),
      c = cpu();
    await f();
    ms.push(now() - t);
    cp.push(cpu() - c);
    pk.push(Math.max(p1, probeGf()));
  }
  return { ms: med(ms), cpu: med(cp), peak: med(pk) };
}

// tier-up of every kernel on a small problem first (the runtime sets --no-liftoff; this is a guard)
const rows: Array<Record<string, string | number>> = [];
const summary: Array<{ n: number; eigh: number; eighWall: number; npEigh?: number; npEighWall?: number }> = [];
const fmt = (x: number) => +x.toFixed(1);
for (const n of [160, ...sizes]) {
  const warm = n === 160 && rows.length === 0;
  const reps = warm ? 1 : repsArg || (n <= 2000 ? 5 : 2);
  const mk = ar.mark();
  const A0 = new Float64Array(n * n);
  {
    const t = new Float64Array(n * n);
    fill(t, 7);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) A0[i * n + j] = A0[j * n + i] = t[i * n + j];
  }
  const np = warm ? null : numpy(n, reps);
  const a = ar.allocF64(n * n),
    W = ar.allocF64(n);
  const work = ar.allocF64(eighDcParallelWorkF64(n));
  const set = () => ar.f64(a, n * n).set(A0);
  const guard = () => {
    const w = ar.f64(W, n);
    if (!Number.isFinite(w[0]) || !Number.isFinite(w[n - 1])) throw new Error('non-finite eigenvalue in bench');
  };
  // 1. eigh_dc_f64, one thread
  const t1 = await timed(() => {
    set();
    if (ex.eigh_dc_f64(a, n, W, work) !== 0) throw new Error('eigh_dc failed');
    guard();
  }, reps);
  // accuracy of that result: ‖AV − VΛ‖_F/‖A‖_F and max|VᵀV − I| (two products on the packed GEMM)
  let resid = NaN,
    orth = NaN;
  if (!warm) {
    const mk2 = ar.mark();
    const a0 = ar.allocF64(n * n),
      r = ar.allocF64(n * n),
      gw = ar.allocF64(ex.gemm_pk_ws_f64());
    ar.f64(a0, n * n).set(A0);
    ex.gemm_pk_f64(0, 0, n, n, n, 1, a0, n, a, n, 0, r, n, 0, 0, gw); // A V
    const R = ar.f64(r, n * n),
      V = ar.f64(a, n * n),
      w = ar.f64(W, n);
    let num = 0,
      den = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        const d = R[i * n + j] - V[i * n + j] * w[j];
        num += d * d;
        den += A0[i * n + j] ** 2;
      }
    resid = Math.sqrt(num / den);
    ex.gemm_pk_f64(1, 0, n, n, n, 1, a, n, a, n, 0, r, n, 0, 0, gw); // Vᵀ V
    const G = ar.f64(r, n * n);
    orth = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) orth = Math.max(orth, Math.abs(G[i * n + j] - (i === j ? 1 : 0)));
    ar.reset(mk2);
  }
  // 2. the same call sequence on one inline, timing executor: the phase breakdown (medians per kernel)
  const per = new Map<string, { ms: number[]; cpu: number[] }>();
  const probes: number[] = [];
  for (let r = 0; r < reps; r++) {
    const te = new TimingExecutor();
    probes.push(probeGf());
    set();
    if ((await eighDcPtrParallel(rt, te, a, n, W, work)) !== 0) throw new Error('eigh_dc (inline) failed');
    guard();
    for (const [k, v] of te.acc) {
      const e = per.get(k) ?? { ms: [], cpu: [] };
      e.ms.push(v.ms);
      e.cpu.push(v.cpu);
      per.set(k, e);
    }
  }
  const peak = Math.max(med(probes), t1.peak);
  if (process.env.EIGH_KERNELS && !warm) for (const [k, v] of per) console.error(`  ${k}: ${fmt(med(v.cpu))} ms CPU`);
  // 3. two workers
  const t2 = await timed(async () => {
    set();
    if ((await eighDcPtrParallel(rt, pool, a, n, W, work)) !== 0) throw new Error('eigh_dc (2 workers) failed');
    guard();
  }, reps);
  // 4. eigenvalues only
  const tv = await timed(() => {
    set();
    if (ex.eigvalsh_f64(a, n, W, work) !== 0) throw new Error('eigvalsh failed');
    guard();
  }, reps);
  ar.reset(mk);
  if (warm) continue;

  const phases = new Map<string, { ms: number; cpu: number }>();
  let splitCpu = 0,
    totalCpu = 0;
  for (const [k, v] of per) {
    const [ph, split] = PHASE[k] ?? ['other', false];
    const p = phases.get(ph) ?? { ms: 0, cpu: 0 };
    p.ms += med(v.ms);
    p.cpu += med(v.cpu);
    phases.set(ph, p);
    totalCpu += med(v.cpu);
    if (split) splitCpu += med(v.cpu);
  }
  const flops: Record<string, number> = { reduction: (4 / 3) * n ** 3, 'back-transformation': 2 * n ** 3 };
  for (const [ph, p] of phases) {
    const f = flops[ph];
    rows.push({
      n,
      task: `  phase: ${ph}${f ? (ph === 'reduction' ? ' (4n³/3 flops)' : ' (2n³ flops)') : ''}`,
      'wall ms': fmt(p.ms),
      'CPU ms': fmt(p.cpu),
      'fraction of peak (CPU)': f ? `${((100 * f) / (p.cpu * 1e6) / peak).toFixed(0)} %` : '',
      'ratio to numpy (CPU)': np?.[ph] ? `${(p.cpu / (np[ph] as number)).toFixed(2)} (LAPACK ${fmt(np[ph] as number)} ms)` : '',
      note:
        ph === 'reduction'
          ? `panels (level 2) ${fmt(med(per.get('tridiag_panel_f64')?.cpu ?? [0]))} ms CPU, trailing syr2k ${fmt(med(per.get('tridiag_update_f64')?.cpu ?? [0]))}`
          : '',
    });
  }
  const ratio = (x: number, y?: number) => (y ? +(x / y).toFixed(2) : '');
  rows.push({
    n,
    task: 'eigh_dc_f64 with vectors, 1 thread',
    'wall ms': fmt(t1.ms),
    'CPU ms': fmt(t1.cpu),
    'ratio to numpy (wall)': ratio(t1.ms, np?.eighWall),
    'ratio to numpy (CPU)': ratio(t1.cpu, np?.eigh),
    note: `${((100 * splitCpu) / totalCpu).toFixed(1)} % of the 1-thread CPU time is in calls the 2-worker driver splits`,
  });
  rows.push({
    n,
    task: 'eigh_dc_f64 accuracy',
    note: `‖AV − VΛ‖_F/‖A‖_F = ${resid.toExponential(2)}, max|VᵀV − I| = ${orth.toExponential(2)}`,
  });
  rows.push({
    n,
    task: 'eigh_dc, 2 workers (eighDcPtrParallel)',
    'wall ms': fmt(t2.ms),
    'ratio to numpy (wall)': ratio(t2.ms, np?.eighWall),
    note: `speed-up over 1 thread (wall) ${(t1.ms / t2.ms).toFixed(2)}×`,
  });
  rows.push({
    n,
    task: 'eigvalsh_f64 (values only)',
    'wall ms': fmt(tv.ms),
    'CPU ms': fmt(tv.cpu),
    'ratio to numpy (wall)': ratio(tv.ms, np?.eigvalshWall),
    'ratio to numpy (CPU)': ratio(tv.cpu, np?.eigvalsh),
  });
  if (np) {
    rows.push({ n, task: 'numpy.linalg.eigh (1 thread)', 'wall ms': fmt(np.eighWall), 'CPU ms': fmt(np.eigh) });
    rows.push({ n, task: 'numpy.linalg.eigvalsh (1 thread)', 'wall ms': fmt(np.eigvalshWall), 'CPU ms': fmt(np.eigvalsh) });
  }
  rows.push({ n, task: `peak probe (${probeOp}), GFLOP/s CPU`, 'CPU ms': fmt(peak) });
  summary.push({ n, eigh: t1.cpu, eighWall: t1.ms, npEigh: np?.eigh, npEighWall: np?.eighWall });
  console.error(`n=${n} done: eigh 1 thread ${fmt(t1.ms)} ms wall, ${fmt(t1.cpu)} ms CPU${np ? `; numpy ${fmt(np.eighWall)} ms wall` : ''}`);
}
await pool.close();

console.log(
  `Node ${process.version}; ${rt.relaxedSimd ? 'relaxed-SIMD build (LEARNDYN_RELAXED_SIMD=0 for the plain one)' : 'plain SIMD build'}; medians; CPU = process user+system time (numpy: time.process_time); fraction of peak = flops / CPU time / probe rate`,
);
console.table(rows);
if (summary.length >= 2) {
  const slope = (pick: (s: (typeof summary)[number]) => number | undefined) => {
    const pts = summary.map((s) => [Math.log(s.n), Math.log(pick(s) ?? NaN)]).filter(([, y]) => Number.isFinite(y));
    const mx = pts.reduce((s, p) => s + p[0], 0) / pts.length,
      my = pts.reduce((s, p) => s + p[1], 0) / pts.length;
    const sxy = pts.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0),
      sxx = pts.reduce((s, p) => s + (p[0] - mx) ** 2, 0);
    return (sxy / sxx).toFixed(2);
  };
  console.log(
    `time exponent over n = ${summary.map((s) => s.n).join(', ')}: eigh_dc 1 thread n^${slope((s) => s.eighWall)} (wall), n^${slope((s) => s.eigh)} (CPU); numpy n^${slope((s) => s.npEighWall)} (wall), n^${slope((s) => s.npEigh)} (CPU)`,
  );
}
