// Committee ODE right-hand side evaluations per second (committee.md §8.2): Wasm SIMD build vs Wasm
// scalar build vs the plain-TS twin (src/ref/committee.ts), erf (and relu) activation, random PSD state.
// Reference: a C++ code needs 10.5 µs per Euler step at K = M = 4 (132 µs at 8, 1.9 ms at 16).
// Run: node --import tsx bench/committee-rhs.bench.ts
import { Bench } from 'tinybench';
import { loadWasm, type WasmRuntime } from '../src/wasm/runtime.js';
import * as ref from '../src/ref/committee.js';
import { ACT_CODE, PAR, paramsLength, stateLength, VAR_CODE } from '../src/committee/layout.js';
import { randomCovariance } from '../src/committee/integrals.js';

const rel = await loadWasm({ variant: 'release' });
const sca = await loadWasm({ variant: 'scalar' });

interface Case {
  label: string;
  p: number;
  k: number;
  vt: number;
  act?: number;
}
const cases: Case[] = [
  { label: 'erf p=k=4 full', p: 4, k: 4, vt: VAR_CODE.full },
  { label: 'erf p=k=4 noise', p: 4, k: 4, vt: VAR_CODE.noise },
  { label: 'erf p=k=8 full', p: 8, k: 8, vt: VAR_CODE.full },
  { label: 'erf p=k=16 full', p: 16, k: 16, vt: VAR_CODE.full },
  { label: 'erf p=k=16 noise', p: 16, k: 16, vt: VAR_CODE.noise },
  { label: 'erf p=64 k=4 full', p: 64, k: 4, vt: VAR_CODE.full },
  { label: 'relu p=k=4 full (exact I4)', p: 4, k: 4, vt: VAR_CODE.full, act: ACT_CODE.relu },
  { label: 'relu p=k=4 noise', p: 4, k: 4, vt: VAR_CODE.noise, act: ACT_CODE.relu },
];

function problem(c: Case) {
  const n = c.p + c.k;
  const Om = randomCovariance(n, 7 + n, n + 2, 0.05).map((v) => 0.5 * v);
  const params = new Float64Array(paramsLength(c.k));
  params[PAR.P] = c.p;
  params[PAR.K] = c.k;
  params[PAR.GAMMA_OVER_P] = 0.1;
  params[PAR.NOISE] = 1e-3;
  params[PAR.VAR] = c.vt;
  params[PAR.ACT] = params[PAR.TACT] = c.act ?? ACT_CODE.erf;
  for (let r = 0; r < c.k; r++) {
    for (let s = 0; s < c.k; s++) params[PAR.HEADER + r * c.k + s] = Om[(c.p + r) * n + c.p + s];
    params[PAR.HEADER + c.k * c.k + r] = 1;
  }
  const y = new Float64Array(stateLength(c.p, c.k, false));
  for (let i = 0; i < c.p; i++) {
    for (let j = 0; j < c.p; j++) y[i * c.p + j] = Om[i * n + j];
    for (let r = 0; r < c.k; r++) y[c.p * c.p + i * c.k + r] = Om[i * n + c.p + r];
  }
  return { params, y };
}

function guard(x: number): void {
  if (!Number.isFinite(x)) throw new Error('non-finite RHS in bench');
}

function wasmTask(rt: WasmRuntime, params: Float64Array, y: Float64Array) {
  const ar = rt.arena;
  const p = params[PAR.P],
    k = params[PAR.K];
  const pp = ar.allocF64(params.length),
    yp = ar.allocF64(y.length),
    dp = ar.allocF64(y.length);
  const wp = ar.allocF64(rt.exports.committee_work_f64(p, k));
  ar.f64(pp, params.length).set(params);
  ar.f64(yp, y.length).set(y);
  const f = rt.exports.committee_rhs;
  // batch 8 calls per sample to amortise timer overhead
  return () => {
    for (let i = 0; i < 8; i++) f(pp, yp, dp, wp);
    guard(ar.f64(dp, 1)[0]);
  };
}

const bench = new Bench({ time: 800, iterations: 5, warmup: true });
for (const c of cases) {
  const { params, y } = problem(c);
  bench.add(`${c.label} | Wasm SIMD`, wasmTask(rel, params, y));
  bench.add(`${c.label} | Wasm scalar`, wasmTask(sca, params, y));
  const dy = new Float64Array(y.length);
  bench.add(`${c.label} | TS twin`, () => {
    for (let i = 0; i < 8; i++) ref.rhs(params, y, dy);
    guard(dy[0]);
  });
}
await bench.run();

const us = new Map<string, number>();
for (const t of bench.tasks) {
  const res = t.result as unknown as { latency?: { p50?: number; mean: number } };
  us.set(t.name, ((res.latency?.p50 ?? res.latency?.mean ?? NaN) * 1e3) / 8);
}
const table: Array<Record<string, string | number>> = [];
for (const c of cases) {
  const s = us.get(`${c.label} | Wasm SIMD`)!,
    x = us.get(`${c.label} | Wasm scalar`)!,
    t = us.get(`${c.label} | TS twin`)!;
  table.push({
    case: c.label,
    'SIMD µs': +s.toFixed(2),
    'scalar µs': +x.toFixed(2),
    'TS µs': +t.toFixed(2),
    'SIMD RHS/s': Math.round(1e6 / s),
    'TS/SIMD': +(t / s).toFixed(1),
    'TS/scalar': +(t / x).toFixed(1),
  });
}
console.log(`Node ${process.version}; median per RHS evaluation (batches of 8)`);
console.table(table);
