// Committee ODE integration cost (committee.md §8.2–§8.3): erf, fixed second layer, varTerms 'full'
// (S10, S11 with I4), γ/p = 0.1, Δ = 1e-3, Gaussian W0 at d = 100, orthonormal teacher (P = I).
//   1. p = k = 4 to t = 1e4: DOPRI5 (rtol 1e-8, atol 1e-10) and Euler dt = 0.01 (1e6 steps), Wasm SIMD / scalar /
//      TS twin (src/numerics/ode.ts over src/ref/committee.ts; the TS Euler is timed on 1e5 steps and scaled).
//   2. p = k = 4, 8, 16: per-step cost of Euler (1 RHS) and of one DOPRI5 step (6 RHS).
// Native reference: C++ Euler dt = 0.01 to t = 1e4 at K = M = 4 (sgoldt/nn2pp) takes 10.5 s (10.5 µs/step).
// Run: node --import tsx bench/committee-ode.bench.ts [--quick]
import { loadWasm, type WasmRuntime } from '../src/wasm/runtime.js';
import { rhs as rhsTs, risk as riskTs } from '../src/ref/committee.js';
import * as O from '../src/numerics/ode.js';

const quick = process.argv.includes('--quick');
const MODEL_COMMITTEE = 0;

function params(p: number, k: number): Float64Array {
  const par = new Float64Array(16 + k * k + k);
  par.set([p, k, 0.1, 1e-3, 2, 0, 0, 0]);
  for (let r = 0; r < k; r++) {
    par[16 + r * k + r] = 1;
    par[16 + k * k + r] = 1;
  }
  return par;
}
function init(p: number, k: number, d: number, seed: number): Float64Array {
  let s = seed >>> 0;
  const u = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return (s + 0.5) / 4294967296;
  };
  const g = () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  const W = Array.from({ length: p * d }, g);
  const y = new Float64Array(p * p + p * k);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) {
      let a = 0;
      for (let c = 0; c < d; c++) a += W[i * d + c] * W[j * d + c];
      y[i * p + j] = a / d;
    }
    for (let r = 0; r < k; r++) y[p * p + i * k + r] = W[i * d + r] / Math.sqrt(d);
  }
  return y;
}
function guard(x: number): void {
  if (!Number.isFinite(x)) throw new Error('non-finite result in bench');
}

interface Run {
  ms: number;
  steps: number;
  nfev: number;
  status: number;
  risk: number;
}
function wasmRun(rt: WasmRuntime, method: 'euler' | 'dopri5', p: number, k: number, T: number, dt = 0.01): Run {
  const ex = rt.exports,
    ar = rt.arena;
  const par = params(p, k),
    y0 = init(p, k, 100, 7),
    n = y0.length;
  const m = ar.mark();
  const pp = ar.copyIn(par),
    py = ar.copyIn(y0),
    pt = ar.copyIn([T]),
    po = ar.allocF64(n);
  const pw = ar.allocF64(ex.ode_work_f64(MODEL_COMMITTEE, n, p, k)),
    pst = ar.allocF64(17);
  ar.f64(pst, 17).fill(0);
  const t0 = performance.now();
  const status =
    method === 'dopri5'
      ? ex.ode_dopri5(MODEL_COMMITTEE, pp, py, n, 0, pt, 1, po, 1e-8, 1e-10, 0, 0, 1e9, pw, pst)
      : ex.ode_euler(MODEL_COMMITTEE, pp, py, n, 0, dt, pt, 1, po, pw, pst);
  const ms = performance.now() - t0;
  const st = ar.copyOut(pst, 17);
  const risk = ex.committee_risk(pp, po);
  guard(risk);
  ar.reset(m);
  return { ms, steps: st[1] + st[2], nfev: st[3], status, risk };
}
function tsRun(method: 'euler' | 'dopri5', p: number, k: number, T: number, dt = 0.01): Run {
  const par = params(p, k),
    y = init(p, k, 100, 7),
    out = new Float64Array(y.length),
    st = O.newStats(1);
  const f: O.Rhs = (_t, a, b) => rhsTs(par, a, b);
  const t0 = performance.now();
  const status =
    method === 'dopri5'
      ? O.dopri5(f, y, 0, [T], out, { rtol: 1e-8, atol: 1e-10, post: O.symmetriseQ(p) }, undefined, st)
      : O.euler(f, y, 0, dt, [T], out, undefined, st, O.symmetriseQ(p));
  const ms = performance.now() - t0;
  const risk = riskTs(par, out);
  guard(risk);
  return { ms, steps: st[1] + st[2], nfev: st[3], status, risk };
}
const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];

const rtS = await loadWasm({ variant: 'release' });
const rtN = await loadWasm({ variant: 'scalar' });
// warm-up (Liftoff is off in Node, but the first call still pays lazy compilation)
wasmRun(rtS, 'euler', 4, 4, 1);
wasmRun(rtN, 'euler', 4, 4, 1);

const T = quick ? 1e3 : 1e4;
console.log(`\n1) erf p = k = 4, varTerms full, γ/p = 0.1, Δ = 1e-3, t = ${T}`);
const rows: string[][] = [['engine', 'method', 'wall', 'steps', 'RHS evals', 'µs/step', 'excess risk at T']];
const add = (eng: string, meth: string, r: Run, scale = 1) =>
  rows.push([
    eng,
    meth,
    `${((r.ms * scale) / 1000).toFixed(3)} s${scale !== 1 ? ` (×${scale} extrapolated)` : ''}`,
    `${r.steps * scale}`,
    `${r.nfev * scale}`,
    ((r.ms * 1000) / r.steps).toFixed(3),
    scale !== 1 ? '(ran to T/' + scale + ')' : r.status === 0 ? r.risk.toExponential(4) : `status ${r.status}`,
  ]);
for (const [tag, rt] of [
  ['Wasm SIMD', rtS],
  ['Wasm scalar', rtN],
] as const) {
  const reps = quick ? 1 : 3;
  const dps = Array.from({ length: reps }, () => wasmRun(rt, 'dopri5', 4, 4, T));
  add(tag, 'DOPRI5 rtol 1e-8', { ...dps[0], ms: median(dps.map((r) => r.ms)) });
  const eus = Array.from({ length: quick ? 1 : 2 }, () => wasmRun(rt, 'euler', 4, 4, T));
  add(tag, 'Euler dt = 0.01', { ...eus[0], ms: median(eus.map((r) => r.ms)) });
}
add('TS twin', 'DOPRI5 rtol 1e-8', tsRun('dopri5', 4, 4, T));
const tsScale = 10;
add('TS twin', 'Euler dt = 0.01', tsRun('euler', 4, 4, T / tsScale), tsScale);
rows.push(['C++ nn2pp (reference)', 'Euler dt = 0.01', '10.5 s (t = 1e4)', '1000000', '1000000', '10.5', '']);
printTable(rows);

console.log('\n2) per-step cost (erf, varTerms full), Euler: 1 RHS per step; DOPRI5: 6 RHS per step');
const rows2: string[][] = [
  ['p = k', 'state n', 'Wasm SIMD Euler µs/step', 'Wasm scalar Euler µs/step', 'TS Euler µs/step', 'Wasm SIMD DOPRI5 µs/step', 'SIMD speed-up vs TS'],
];
for (const p of [4, 8, 16]) {
  const steps = quick ? 2000 : Math.max(2000, Math.round(4e5 / (p * p * p)));
  const tEnd = steps * 0.01;
  const us = (r: Run) => (r.ms * 1000) / r.steps;
  const a = median([0, 1, 2].map(() => us(wasmRun(rtS, 'euler', p, p, tEnd))));
  const b = median([0, 1, 2].map(() => us(wasmRun(rtN, 'euler', p, p, tEnd))));
  const c = us(tsRun('euler', p, p, Math.max(0.05, tEnd / 20)));
  const dp = wasmRun(rtS, 'dopri5', p, p, 50);
  rows2.push([`${p}`, `${2 * p * p}`, a.toFixed(2), b.toFixed(2), c.toFixed(2), us(dp).toFixed(2), `${(c / a).toFixed(1)}×`]);
}
printTable(rows2);

function printTable(rs: string[][]): void {
  const w = rs[0].map((_, j) => Math.max(...rs.map((r) => (r[j] ?? '').length)));
  for (const [i, r] of rs.entries()) {
    console.log('| ' + r.map((c, j) => (c ?? '').padEnd(w[j])).join(' | ') + ' |');
    if (i === 0) console.log('|' + w.map((x) => '-'.repeat(x + 2)).join('|') + '|');
  }
}
