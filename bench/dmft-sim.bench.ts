// Real-network simulation steps per second (dmft.md §11.1) at m = 64, d = 200, α = 0.3
// (n = α m d = 3840), h = 0.9q + q³/6: full-batch projected GD and SGD with batch 100.
// Wasm SIMD build, Wasm scalar build, the TS twin, and 2 workers running 2 replicates in parallel
// (aggregate steps/s). Median of several timed calls after a warm-up; NaN guard on every call.
// Run: node --import tsx bench/dmft-sim.bench.ts
import { loadWasm, type WasmRuntime } from '../src/wasm/runtime.js';
import { WorkerPool } from '../src/wasm/exec.js';
import { RefStream, seedHalves } from '../src/numerics/rng.js';
import * as twin from '../src/ref/dmft_sim.js';

const m = 64,
  d = 200,
  alpha = 0.3;
const n = Math.round(alpha * m * d);
const H = [0, 0.9, 0, 1 / 6];

function params(batch: number): Float64Array {
  const lr = batch >= n ? 0.02 * (n / d) : 0.1;
  return twin.paramsBlock({ m, d, n, h: H, lr, batch, trainA: true, project: batch >= n, tau: 0.6, signal: true });
}

/** Allocate one replicate on a runtime: [P, X, y, W, a, work, perm, state]. */
function setup(rt: WasmRuntime, batch: number, stream: number): number[] {
  const A = rt.arena;
  const ex = rt.exports;
  const P = A.copyIn(params(batch));
  const st = A.alloc(32);
  const [lo, hi] = seedHalves(1);
  ex.rng_seed(st, lo, hi, stream);
  const u = A.allocF64(d),
    W = A.allocF64(m * d),
    X = A.allocF64(n * d),
    y = A.allocF64(n),
    a = A.allocF64(m);
  ex.rng_fill_normal(st, u, d);
  ex.dsim_normalize_rows(u, 1, d);
  ex.rng_fill_normal(st, W, m * d);
  ex.dsim_normalize_rows(W, m, d);
  ex.rng_fill_normal(st, X, n * d);
  ex.rng_fill_normal(st, y, n);
  ex.dsim_net_labels(P, X, u, y);
  A.f64(a, m).fill(1);
  const work = A.allocF64(ex.dsim_net_work_len(m, d, n, batch));
  const perm = A.alloc((n + 2) * 4);
  const pv = A.i32(perm, n + 1);
  for (let i = 0; i < n; i++) pv[i] = i;
  pv[n] = n;
  const bst = A.alloc(32);
  ex.rng_seed(bst, lo, hi, stream);
  ex.rng_long_jump(bst);
  return [P, X, y, W, a, work, perm, bst];
}

function guard(rc: number): void {
  if (rc !== 0) throw new Error(`non-finite weights in the bench (rc ${rc})`);
}

function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
}

async function timeIt(f: () => Promise<void> | void, reps: number): Promise<number> {
  await f(); // warm-up
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await f();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

const rel = await loadWasm({ variant: 'release' });
const sca = await loadWasm({ variant: 'scalar' });
const shr = await loadWasm({ shared: true });
const pool = await WorkerPool.create(shr, 2);

const rows: string[][] = [];
for (const [label, batch, k] of [
  ['GD (full batch)', n, 4],
  ['SGD batch 100', 100, 200],
] as const) {
  const res: Record<string, number> = {};
  for (const [name, rt] of [
    ['wasm simd', rel],
    ['wasm scalar', sca],
  ] as const) {
    const mark = rt.arena.mark();
    const args = setup(rt, batch, 0);
    const ms = await timeIt(() => guard(rt.exports.dsim_net_run(args[0], args[1], args[2], args[3], args[4], k, args[5], args[6], args[7])), 7);
    res[name] = (k / ms) * 1000;
    rt.arena.reset(mark);
  }
  {
    // TS twin from the same data
    const mark = rel.arena.mark();
    const args = setup(rel, batch, 0);
    const A = rel.arena;
    const P = A.copyOut(args[0], twin.DSIM_PAR_LEN),
      X = A.copyOut(args[1], n * d),
      y = A.copyOut(args[2], n);
    const W = A.copyOut(args[3], m * d),
      a = A.copyOut(args[4], m);
    const perm = A.i32(args[6], n + 1).slice();
    const rs = RefStream.fromSeed(9, 0);
    rel.arena.reset(mark);
    const kt = batch >= n ? 1 : 20;
    const ms = await timeIt(() => guard(twin.netRun(P, X, y, W, a, kt, perm, rs)), 3);
    res['ts twin'] = (kt / ms) * 1000;
  }
  {
    const mark = shr.arena.mark();
    const a0 = setup(shr, batch, 0),
      a1 = setup(shr, batch, 1);
    const ms = await timeIt(async () => {
      const r = await Promise.all([a0, a1].map((g) => pool.call('dsim_net_run', g[0], g[1], g[2], g[3], g[4], k, g[5], g[6], g[7])));
      r.forEach(guard);
    }, 7);
    res['2 workers (aggregate)'] = ((2 * k) / ms) * 1000;
    shr.arena.reset(mark);
  }
  for (const [name, v] of Object.entries(res)) rows.push([label, name, v.toFixed(1), (v / res['ts twin']).toFixed(1)]);
}
await pool.close();

const flop = (b: number) => 4 * b * m * d;
console.log(
  `dmft simulate, real network: m = ${m}, d = ${d}, α = ${alpha}, n = ${n}; GD step ≈ ${(flop(n) / 1e6).toFixed(0)} MFLOP, SGD step ≈ ${(flop(100) / 1e6).toFixed(2)} MFLOP`,
);
console.log(['mode', 'engine', 'steps/s', '× TS'].join('\t'));
for (const r of rows) console.log(r.join('\t'));
