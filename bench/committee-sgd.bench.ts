// One-pass SGD steps per second (committee.md §8.5), p = k = 4, erf(x/√2) student and teacher,
// d = 1000 and d = 1e4: Wasm SIMD build, Wasm scalar build, the TS twin, and 2 workers running
// 2 replicates in parallel (aggregate steps/s). Ratio to the native C++ reference of the brief
// (27.4k steps/s at d = 1000, 2.8k at d = 1e4, one core).
// Run: node --import tsx bench/committee-sgd.bench.ts
import { Bench } from 'tinybench';
import { loadWasm, type WasmRuntime } from '../src/wasm/runtime.js';
import { WorkerPool } from '../src/wasm/exec.js';
import { RefStream, seedHalves } from '../src/numerics/rng.js';
import { ZigStream, sgdRun, sgdWorkLen, studentGaussian, teacherOrthonormal, zigguratTables, ZIG_TABLE_LEN } from '../src/ref/sgd.js';
import { PAR, paramsLength } from '../src/committee/layout.js';

const P = 4;
const K = 4;
const NATIVE: Record<number, number> = { 1000: 27.4e3, 10000: 2.8e3 };

function params(): Float64Array {
  const pr = new Float64Array(paramsLength(K));
  pr[PAR.P] = P;
  pr[PAR.K] = K;
  pr[PAR.GAMMA_OVER_P] = 0.25;
  pr[PAR.NOISE] = 1e-3;
  for (let r = 0; r < K; r++) {
    pr[PAR.HEADER + r * K + r] = 1;
    pr[PAR.HEADER + K * K + r] = 1;
  }
  return pr;
}

/** Allocate and initialise one replicate on a runtime; returns the sgd_run argument list. */
/** sgd_run's arguments up to (not including) nsteps. */
function setup(rt: WasmRuntime, d: number, stream: number): [number, number, number, number, number, number, number] {
  const A = rt.arena;
  const ex = rt.exports;
  const st = A.alloc(32);
  const Ws = A.allocF64(K * d);
  const W = A.allocF64(P * d);
  const a = A.allocF64(P);
  const pr = A.copyIn(params());
  const work = A.allocF64(sgdWorkLen(P, K, d));
  A.f64(work, ZIG_TABLE_LEN).set(zigguratTables());
  A.f64(a, P).fill(1);
  const [lo, hi] = seedHalves(1);
  ex.rng_seed(st, lo, hi, stream);
  ex.teacher_orthonormal(st, Ws, K, d, 0);
  ex.student_gaussian(st, W, P, d);
  return [st, W, Ws, a, pr + 8 * (PAR.HEADER + K * K), pr, d];
}

function guard(rc: number): void {
  if (rc !== 0) throw new Error(`non-finite weights in the bench (rc ${rc})`);
}

const rel = await loadWasm({ variant: 'release' });
const sca = await loadWasm({ variant: 'scalar' });
const shr = await loadWasm({ shared: true });
const pool = await WorkerPool.create(shr, 2);

interface Row {
  name: string;
  d: number;
  steps: number;
  run: () => void | Promise<void>;
}
const rows: Row[] = [];
for (const d of [1000, 10000]) {
  const nW = d === 1000 ? 20000 : 2000;
  for (const [tag, rt] of [
    ['Wasm SIMD', rel],
    ['Wasm scalar', sca],
  ] as const) {
    const args = setup(rt, d, 0);
    const work = rt.arena.allocF64(sgdWorkLen(P, K, d));
    rt.arena.f64(work, ZIG_TABLE_LEN).set(zigguratTables());
    rows.push({ name: `${tag}, 1 thread`, d, steps: nW, run: () => guard(rt.exports.sgd_run(...args, nW, work)) });
  }
  {
    const nT = Math.max(1, Math.floor(nW / 8));
    const rs = RefStream.fromSeed(1, 0);
    const Ws = new Float64Array(K * d);
    const W = new Float64Array(P * d);
    teacherOrthonormal(rs, Ws, K, d);
    studentGaussian(rs, W, P, d);
    const zs = ZigStream.fromRef(rs);
    const a = new Float64Array(P).fill(1);
    const pr = params();
    const work = new Float64Array(sgdWorkLen(P, K, d));
    work.set(zigguratTables());
    rows.push({ name: 'TS twin, 1 thread', d, steps: nT, run: () => guard(sgdRun(zs, W, Ws, a, pr.subarray(PAR.HEADER + K * K), pr, d, nT, work)) });
  }
  {
    const reps = [0, 1].map((r) => {
      const args = setup(shr, d, r);
      const work = shr.arena.allocF64(sgdWorkLen(P, K, d));
      shr.arena.f64(work, ZIG_TABLE_LEN).set(zigguratTables());
      return [...args, nW, work] as const;
    });
    rows.push({
      name: 'Wasm SIMD, 2 workers × 1 replicate (aggregate)',
      d,
      steps: 2 * nW,
      run: async () => {
        const rcs = await Promise.all(reps.map((args) => pool.call('sgd_run', ...args)));
        rcs.forEach(guard);
      },
    });
  }
}

const bench = new Bench({ time: 2000, iterations: 5, warmup: true });
for (const r of rows) bench.add(`${r.name} d=${r.d}`, r.run);
await bench.run();
await pool.close();

const table: Array<Record<string, string | number>> = [];
for (const [i, t] of bench.tasks.entries()) {
  const res = t.result as unknown as { latency?: { p50?: number; mean: number } };
  const ms = res.latency?.p50 ?? res.latency?.mean ?? NaN;
  const sps = (rows[i].steps / ms) * 1e3;
  table.push({
    variant: rows[i].name,
    d: rows[i].d,
    'steps/call': rows[i].steps,
    'median ms/call': +ms.toFixed(2),
    'steps/s': Math.round(sps),
    'µs/step': +((1e3 * ms) / rows[i].steps).toFixed(2),
    'x native C++ ref': +(sps / NATIVE[rows[i].d]).toFixed(2),
  });
}
console.log(`Node ${process.version}; p = k = 4, erf(x/√2), one-pass SGD steps (d + 1 ziggurat normals + 2(p+k)d multiply-adds per step)`);
console.log('native reference (brief): 27.4k steps/s at d = 1000, 2.8k at d = 1e4 (one core); target ≥ 5x');
console.table(table);
