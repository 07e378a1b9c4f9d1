// Normals per second: Wasm (SIMD build, scalar build) vs the TS twins (u32-pair RefStream, BigInt)
// vs numpy's rng.standard_normal (ziggurat, C) timed in the same run via python3 if available.
// Run: node --import tsx bench/rng.bench.ts [N=1e6]
import { spawnSync } from 'node:child_process';
import { Bench } from 'tinybench';
import { loadWasm } from '../src/wasm/runtime.js';
import { RefStream, Xoshiro256ppBig, logPos, seedState } from '../src/numerics/rng.js';
import { createStreams } from '../src/rng/index.js';

const N = Number(process.argv[2] ?? 1e6);
const NBIG = Math.min(N, 2e4); // the BigInt twin is slow: time fewer draws
const rel = await loadWasm({ variant: 'release' });
const sca = await loadWasm({ variant: 'scalar' });

function guard(x: number): void {
  if (!Number.isFinite(x)) throw new Error('non-finite normal in bench');
}

interface Row {
  name: string;
  count: number;
  run: () => void;
}
const rows: Row[] = [];
for (const [tag, rt] of [
  ['Wasm SIMD build', rel],
  ['Wasm scalar build', sca],
] as const) {
  const st = createStreams(rt, 1, 1);
  const out = rt.arena.allocF64(N);
  rows.push({ name: `${tag}: rng_fill_normal`, count: N, run: () => (rt.exports.rng_fill_normal(st, out, N), guard(rt.arena.f64(out, 1)[0])) });
  rows.push({ name: `${tag}: rng_fill_uniform`, count: N, run: () => (rt.exports.rng_fill_uniform(st, out, N), guard(rt.arena.f64(out, 1)[0])) });
  const d = 500;
  const n = Math.max(1, Math.floor(N / d));
  rows.push({
    name: `${tag}: sample_sphere_rows d=${d}`,
    count: n * d,
    run: () => (rt.exports.sample_sphere_rows(st, out, n, d), guard(rt.arena.f64(out, 1)[0])),
  });
}
{
  const r = RefStream.fromSeed(1);
  const out = new Float64Array(N);
  rows.push({ name: 'TS twin (u32-pair Numbers): fillNormal', count: N, run: () => (r.fillNormal(out), guard(out[0])) });
  rows.push({ name: 'TS twin (u32-pair Numbers): fillUniform', count: N, run: () => (r.fillUniform(out), guard(out[0])) });
  const g = new Xoshiro256ppBig(seedState(1));
  const ob = new Float64Array(NBIG);
  rows.push({
    name: 'TS twin (BigInt): polar normals',
    count: NBIG,
    run: () => {
      let i = 0;
      while (i < NBIG) {
        const u = g.nextUniform() * 2 - 1;
        const v = g.nextUniform() * 2 - 1;
        const s = u * u + v * v;
        if (s >= 1 || s === 0) continue;
        const f = Math.sqrt((-2 * logPos(s)) / s);
        ob[i++] = u * f;
        ob[i++] = v * f;
      }
      guard(ob[0]);
    },
  });
  const om = new Float64Array(N);
  rows.push({
    name: 'JS Math.random + Math.log polar (not reproducible; speed reference)',
    count: N,
    run: () => {
      let i = 0;
      while (i < N) {
        const u = Math.random() * 2 - 1;
        const v = Math.random() * 2 - 1;
        const s = u * u + v * v;
        if (s >= 1 || s === 0) continue;
        const f = Math.sqrt((-2 * Math.log(s)) / s);
        om[i++] = u * f;
        if (i < N) om[i++] = v * f;
      }
      guard(om[0]);
    },
  });
}

const bench = new Bench({ time: 1500, iterations: 5, warmup: true });
for (const r of rows) bench.add(r.name, r.run);
await bench.run();

const table: Array<Record<string, string | number>> = [];
for (const [i, t] of bench.tasks.entries()) {
  const res = t.result as unknown as { latency?: { p50?: number; mean: number }; samplesCount?: number };
  const ms = res.latency?.p50 ?? res.latency?.mean ?? NaN;
  table.push({ task: t.name, 'draws/call': rows[i].count, 'median ms/call': +ms.toFixed(3), 'M draws/s': +(rows[i].count / ms / 1e3).toFixed(1) });
}

const pyCode = `import numpy as np, timeit, json, sys
n = int(float(sys.argv[1])); rng = np.random.default_rng(1); out = np.empty(n)
res = {}
for name, f in [("numpy default_rng().standard_normal (PCG64, ziggurat)", lambda: rng.standard_normal(n, out=out)),
                ("numpy default_rng().random (PCG64 uniform)", lambda: rng.random(n, out=out))]:
    f(); t = min(timeit.repeat(f, number=1, repeat=15)); res[name] = t
print(json.dumps(res))`;
const py = spawnSync('python3', ['-c', pyCode, String(N)], { encoding: 'utf8' });
if (py.status === 0) {
  for (const [name, sec] of Object.entries(JSON.parse(py.stdout) as Record<string, number>)) {
    table.push({ task: name + ' [min of 15]', 'draws/call': N, 'median ms/call': +(sec * 1e3).toFixed(3), 'M draws/s': +(N / sec / 1e6).toFixed(1) });
  }
} else console.log('python3/numpy not available: numpy rows skipped');

console.log(`Node ${process.version}, N = ${N}`);
console.table(table);
