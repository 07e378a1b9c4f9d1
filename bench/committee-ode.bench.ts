// Committee ODE integration cost (committee.md §8.2–§8.3): erf, fixed second layer, varTerms 'full'
// (S10, S11 with I4), γ/p = 0.1, Δ = 1e-3, Gaussian W0 at d = 100, orthonormal teacher (P = I).
//   1. p = k = 4 to t = 1e4: DOPRI5 (rtol 1e-8, atol 1e-10) and Euler dt = 0.01 (1e6 steps), Wasm SIMD / scalar /
//      TS twin (src/numerics/ode.ts over src/ref/committee.ts; the TS Euler is timed on 1e5 steps and scaled).
//   2. p = k = 4, 8, 16: per-step cost of Euler (1 RHS) and of one DOPRI5 step (6 RHS).
//   3. The reference code sgoldt/nn2pp (C++ scmpp_ode, explicit Euler) on the SAME problem, when
//      LEARNDYN_NN2PP=/path/to/scmpp_ode.exe is set (build: docs/reference-codes.md): agreement of the two
//      Euler runs, equal-work and equal-accuracy ratios, whole process (CLI) and solver only.
// Run: node --import tsx bench/committee-ode.bench.ts [--quick] [--reference]   (part 3 runs the CLI: `npm run build` first)
import { loadWasm, type WasmRuntime } from '../src/wasm/runtime.js';
import { rhs as rhsTs, risk as riskTs } from '../src/ref/committee.js';
import * as O from '../src/numerics/ode.js';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const quick = process.argv.includes('--quick');
// --reference: only part 3 (the comparison with the reference code).
const referenceOnly = process.argv.includes('--reference');
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

if (referenceOnly) {
  await referenceComparison();
  process.exit(0);
}

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

await referenceComparison();

/** Part 3: sgoldt/nn2pp's scmpp_ode (C++, Armadillo, explicit Euler in α = ν/N) against `learndyn committee ode` on
 *  one problem. Their network is un-normalised, Σ v_i g(λ_i) with --uniform 0.25 = our (1/p)Σ a_i σ(λ_i) with a = 1
 *  at p = k = 4; their update w += (η/√N) e v g′ x and dα = 1/N give, per unit α, our ODE at γ/p = η/4 (lr γ = η)
 *  advanced by t = (γ/p)α: at η = 0.5, t = α/8, so their Euler dt = 0.01 is our Euler dt = 0.00125 (committee.md §2,
 *  §10 table; their noise σ is our √Δ). The initial overlaps are written to their --prefix files and our --init-file. */
async function referenceComparison(): Promise<void> {
  const exe = process.env.LEARNDYN_NN2PP;
  console.log('\n3) reference code sgoldt/nn2pp (C++ explicit Euler) on the same problem');
  if (!exe) {
    console.log('   skipped: set LEARNDYN_NN2PP=/path/to/scmpp_ode.exe (how to build it: docs/reference-codes.md)');
    return;
  }
  const p = 4,
    lr = 0.5,
    noise = 1e-3;
  const alphaMax = quick ? 1e3 : 1e4;
  const tMax = (alphaMax * lr) / p; // t = (γ/p)·α: at η = γ = 0.5, p = 4, α/8
  const scale = alphaMax / tMax;
  const dir = mkdtempSync(join(tmpdir(), 'learndyn-nn2pp-'));
  try {
    // Initial overlaps of Gaussian W0 at d = 100 (as parts 1–2), orthonormal teacher.
    const y0 = init(p, p, 100, 7);
    const Q = Array.from({ length: p }, (_, i) => Array.from(y0.subarray(i * p, (i + 1) * p)));
    const M = Array.from({ length: p }, (_, i) => Array.from(y0.subarray(p * p + i * p, p * p + (i + 1) * p)));
    const I = Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => (i === j ? 1 : 0)));
    const mat = (m: number[][]) => m.map((r) => r.map((x) => x.toPrecision(17)).join(' ')).join('\n') + '\n';
    writeFileSync(join(dir, 'init_Q0.dat'), mat(Q));
    writeFileSync(join(dir, 'init_R0.dat'), mat(M));
    writeFileSync(join(dir, 'init_T0.dat'), mat(I));
    writeFileSync(join(dir, 'init_A0.dat'), mat([Array(p).fill(1 / p)]).replace(/ /g, '\n'));
    writeFileSync(join(dir, 'init_v0.dat'), mat([Array(p).fill(1 / p)]).replace(/ /g, '\n'));
    writeFileSync(join(dir, 'init.json'), JSON.stringify({ Q, M, P: I }));
    const cxxArgs = ['--g', '1', '-M', `${p}`, '-K', `${p}`, '--lr', `${lr}`, '--sigma', `${Math.sqrt(noise)}`, '--uniform', `${1 / p}`];
    const cxx = (steps: number) => {
      const t0 = performance.now();
      const r = spawnSync(exe, [...cxxArgs, '--dt', '0.01', '--steps', `${steps}`, '--prefix', 'init'], { cwd: dir, encoding: 'utf8' });
      const ms = performance.now() - t0;
      if (r.status !== 0) throw new Error(`${exe} failed: ${r.stderr}`);
      const rows = readFileSync(join(dir, 'init_ode.dat'), 'utf8')
        .split('\n')
        .filter((l) => l && !l.startsWith('#'))
        .map((l) => l.split(',').map(Number));
      return { ms, t: rows.map((r) => r[0] / scale), risk: rows.map((r) => r[1]) };
    };
    const cli = (args: string[]) => {
      const t0 = performance.now();
      const r = spawnSync(
        process.execPath,
        [
          'bin/learndyn.js',
          'committee',
          'ode',
          '--p',
          `${p}`,
          '--k',
          `${p}`,
          '--activation',
          'erf',
          '--lr',
          `${lr}`,
          '--noise',
          `${noise}`,
          '--variance',
          'full',
          '--init-file',
          join(dir, 'init.json'),
          '--t-min',
          `${0.1 / scale}`,
          '--t-max',
          `${tMax}`,
          '--t-count',
          '300',
          '--json',
          '--no-progress',
          ...args,
        ],
        { encoding: 'utf8', maxBuffer: 1 << 28 },
      );
      const ms = performance.now() - t0;
      if (r.status !== 0) throw new Error(`learndyn committee ode ${args.join(' ')} failed: ${r.stderr}`);
      const j = JSON.parse(r.stdout) as { t: number[]; risk: number[]; timings: { odeMs: number }; stats: Record<string, unknown> };
      return { ms, solverMs: j.timings.odeMs, t: j.t, risk: j.risk };
    };
    // The converged curve: DOPRI5 at rtol 1e-12 on a fine log grid, read off at any time by 4-point Lagrange
    // interpolation in ln t (its own error is far below every error measured here).
    const ref = cli(['--rtol', '1e-12', '--atol', '1e-15', '--t-count', '20001']);
    const exact = (t: number) => {
      const x = ref.t.map(Math.log),
        u = Math.log(t);
      let i = x.findIndex((v) => v >= u);
      i = Math.min(Math.max(i - 2, 0), x.length - 4);
      let s = 0;
      for (let a = i; a < i + 4; a++) {
        let w = 1;
        for (let b = i; b < i + 4; b++) if (b !== a) w *= (u - x[b]) / (x[a] - x[b]);
        s += w * ref.risk[a];
      }
      return s;
    };
    const supRel = (c: { t: number[]; risk: number[] }) =>
      Math.max(...c.t.map((t, i) => (t >= ref.t[1] && t <= ref.t[ref.t.length - 2] ? Math.abs(c.risk[i] / exact(t) - 1) : 0)));
    // Agreement of the two Euler runs at the C++ save points: our Euler kernel (the one the CLI runs) with
    // dt = 0.01/8 asked for the states at their times (sums of their dt's, so on our step grid).
    const c0 = cxx(alphaMax);
    const ours = eulerAt(rtS, Q, M, lr / p, noise, 0.01 / scale, c0.t);
    const agree = Math.max(...c0.t.map((_, i) => Math.abs(ours[i] - c0.risk[i])));
    const euler = ['--method', 'euler', '--dt', `${0.01 / scale}`];
    const errEuler = supRel(c0);
    // Equal accuracy: the loosest DOPRI5 rtol whose sup relative error is at most the C++ Euler's.
    const rtols = [1e-2, 3e-3, 1e-3, 3e-4, 1e-4, 3e-5, 1e-5, 3e-6, 1e-6];
    let rtolEq = rtols[rtols.length - 1];
    const scan: string[] = [];
    for (const rt of rtols) {
      const d = cli(['--rtol', `${rt}`, '--atol', `${rt * 1e-3}`]);
      const err = supRel(d);
      scan.push(`${rt}: ${err.toExponential(2)}`);
      if (err <= errEuler) {
        rtolEq = rt;
        break;
      }
    }
    const dopri = ['--rtol', `${rtolEq}`, '--atol', `${rtolEq * 1e-3}`];
    // Startup of the C++ process (a run of a few steps), subtracted for its solver-only time.
    const startup = median([0, 1, 2].map(() => cxx(0.2).ms));
    // Interleaved repetitions, medians.
    const reps = quick ? 1 : 3;
    const T = { cxx: [] as number[], eu: [] as number[], euS: [] as number[], dp: [] as number[], dpS: [] as number[] };
    let dpErr = NaN;
    for (let r = 0; r < reps; r++) {
      T.cxx.push(cxx(alphaMax).ms);
      const e = cli(euler);
      T.eu.push(e.ms);
      T.euS.push(e.solverMs);
      const d = cli(dopri);
      T.dp.push(d.ms);
      T.dpS.push(d.solverMs);
      dpErr = supRel(d);
    }
    const m = Object.fromEntries(Object.entries(T).map(([k, v]) => [k, median(v)])) as Record<keyof typeof T, number>;
    const cxxSolver = m.cxx - startup;
    console.log(`   problem: erf, p = k = 4, lr γ = η = ${lr} (γ/p = ${lr / p}), Δ = σ² = ${noise}, variance full, fixed second layer (their --uniform 0.25),`);
    console.log(`   our t ∈ [${(0.1 / scale).toPrecision(3)}, ${tMax}] = their α/${scale} ∈ [0.1, ${alphaMax}], 300 log-spaced save points`);
    console.log(`   C++ binary: ${exe}; medians of ${reps} interleaved runs; machine shared with other work (loaded)`);
    console.log(`   agreement of the two Euler runs at their ${c0.t.length} save points: max |Δrisk| = ${agree.toExponential(2)}`);
    console.log(`   sup relative error of the risk vs the converged curve: Euler dt = 0.01 (theirs = ours) ${errEuler.toExponential(2)}`);
    console.log(`   DOPRI5 rtol scan (sup rel. error): ${scan.join(', ')}  → rtol ${rtolEq} (error ${dpErr.toExponential(2)})`);
    const r3: string[][] = [['run', 'whole process', 'solver only', 'C++ / run (whole)', 'C++ / run (solver)']];
    r3.push(['C++ nn2pp Euler dt = 0.01', `${(m.cxx / 1000).toFixed(2)} s`, `${(cxxSolver / 1000).toFixed(2)} s (startup ${startup.toFixed(0)} ms)`, '1', '1']);
    r3.push([
      `learndyn Euler dt = ${0.01 / scale} (equal work)`,
      `${(m.eu / 1000).toFixed(2)} s`,
      `${(m.euS / 1000).toFixed(3)} s`,
      `${(m.cxx / m.eu).toFixed(1)}×`,
      `${(cxxSolver / m.euS).toFixed(1)}×`,
    ]);
    r3.push([
      `learndyn DOPRI5 rtol ${rtolEq} (equal accuracy)`,
      `${(m.dp / 1000).toFixed(2)} s`,
      `${(m.dpS / 1000).toFixed(4)} s`,
      `${(m.cxx / m.dp).toFixed(1)}×`,
      `${(cxxSolver / m.dpS).toFixed(0)}×`,
    ]);
    printTable(r3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The committee Euler kernel (ode_euler) from (Q, M), P = I, a = a* = 1, erf, variance full: the excess risk at
 *  `times` (each rounded to its nearest step, as the fixed-step kernels do; committee_risk is the noise-free part). */
function eulerAt(rt: WasmRuntime, Q: number[][], M: number[][], gp: number, noise: number, dt: number, times: number[]): number[] {
  const p = Q.length,
    k = M[0].length,
    ex = rt.exports,
    ar = rt.arena;
  const par = params(p, k);
  par[2] = gp;
  par[3] = noise;
  const y0 = Float64Array.from([...Q.flat(), ...M.flat()]),
    n = y0.length;
  const mk = ar.mark();
  const pp = ar.copyIn(par),
    py = ar.copyIn(y0),
    pt = ar.copyIn(times),
    po = ar.allocF64(n * times.length);
  const pw = ar.allocF64(ex.ode_work_f64(MODEL_COMMITTEE, n, p, k)),
    pst = ar.allocF64(16 + times.length);
  ar.f64(pst, 16 + times.length).fill(0);
  const status = ex.ode_euler(MODEL_COMMITTEE, pp, py, n, 0, dt, pt, times.length, po, pw, pst);
  if (status !== 0) throw new Error(`ode_euler status ${status}`);
  const risk = times.map((_, i) => ex.committee_risk(pp, po + 8 * n * i));
  ar.reset(mk);
  return risk;
}

function printTable(rs: string[][]): void {
  const w = rs[0].map((_, j) => Math.max(...rs.map((r) => (r[j] ?? '').length)));
  for (const [i, r] of rs.entries()) {
    console.log('| ' + r.map((c, j) => (c ?? '').padEnd(w[j])).join(' | ') + ' |');
    if (i === 0) console.log('|' + w.map((x) => '-'.repeat(x + 2)).join('|') + '|');
  }
}
