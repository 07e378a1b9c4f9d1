// One-pass SGD simulator (committee.md §8.5, S1–S7): Wasm kernels (SIMD and scalar builds) vs the
// TS twin, hand-computed step, teacher/student init, ziggurat distribution, linear p = k = 1 mean
// dynamics (S21), determinism across executors, no memory growth while stepping.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWasm, type WasmRuntime } from '../../src/wasm/runtime.js';
import { InlineExecutor, WorkerPool } from '../../src/wasm/exec.js';
import { RefStream, seedHalves } from '../../src/numerics/rng.js';
import {
  ZigStream,
  actVal,
  expNeg,
  overlaps,
  sgdRun,
  sgdWorkLen,
  studentGaussian,
  teacherOrthonormal,
  zigguratTables,
  ZIG_TABLE_LEN,
  sgdTwins,
} from '../../src/ref/sgd.js';
import { runSgd, sgdMemoryBytes, summarizeSgd } from '../../src/committee/sgd.js';
import { ACT_CODE, PAR, paramsLength, stateLength, type Activation } from '../../src/committee/layout.js';

let rel: WasmRuntime;
let sca: WasmRuntime;
beforeAll(async () => {
  rel = await loadWasm({ variant: 'release' });
  sca = await loadWasm({ variant: 'scalar' });
});

function bitDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.max(a.length, b.length);
  let bad = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) bad++;
  return bad;
}
function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Independent erf for the tests: composite Simpson of (2/√π) e^{−t²} on [0, x] (error < 1e-15). */
function erfSimpson(x: number): number {
  const n = 4000;
  const h = x / n;
  let s = 1 + Math.exp(-x * x);
  for (let i = 1; i < n; i++) s += (i & 1 ? 4 : 2) * Math.exp(-((i * h) ** 2));
  return ((s * h) / 3) * (2 / Math.sqrt(Math.PI));
}
const Phi = (x: number) => 0.5 * (1 + (x >= 0 ? erfSimpson(x / Math.SQRT2) : -erfSimpson(-x / Math.SQRT2)));

interface Setup {
  p: number;
  k: number;
  d: number;
  gp: number;
  noise: number;
  act: Activation;
  tact: Activation;
  trainA: boolean;
}

function paramsBlock(s: Setup): Float64Array {
  const pr = new Float64Array(paramsLength(s.k));
  pr[PAR.P] = s.p;
  pr[PAR.K] = s.k;
  pr[PAR.GAMMA_OVER_P] = s.gp;
  pr[PAR.NOISE] = s.noise;
  pr[PAR.ACT] = ACT_CODE[s.act];
  pr[PAR.TACT] = ACT_CODE[s.tact];
  pr[PAR.TRAIN_A] = s.trainA ? 1 : 0;
  for (let r = 0; r < s.k; r++) {
    pr[PAR.HEADER + r * s.k + r] = 1;
    pr[PAR.HEADER + s.k * s.k + r] = 1 + 0.1 * r;
  }
  return pr;
}

/** Runs init + nsteps on a Wasm runtime; returns W, a, Wstar, state words, overlaps. */
function wasmRun(rt: WasmRuntime, s: Setup, seed: number, stream: number, nsteps: number) {
  const A = rt.arena;
  const ex = rt.exports;
  const mark = A.mark();
  const { p, k, d } = s;
  const st = A.alloc(32);
  const Ws = A.allocF64(k * d);
  const W = A.allocF64(p * d);
  const a = A.allocF64(p);
  const pr = paramsBlock(s);
  const params = A.copyIn(pr);
  const work = A.allocF64(sgdWorkLen(p, k, d));
  const L = stateLength(p, k, s.trainA);
  const out = A.allocF64(L);
  A.f64(work, ZIG_TABLE_LEN).set(zigguratTables());
  const [lo, hi] = seedHalves(seed);
  ex.rng_seed(st, lo, hi, stream);
  ex.teacher_orthonormal(st, Ws, k, d, work);
  ex.student_gaussian(st, W, p, d);
  A.f64(a, p).set(Array.from({ length: p }, (_, j) => 1 - 0.05 * j));
  const rc = ex.sgd_run(st, W, Ws, a, params + 8 * (PAR.HEADER + k * k), params, d, nsteps, work);
  ex.overlaps_f64(W, Ws, a, p, k, d, s.trainA ? 1 : 0, out);
  const res = {
    rc,
    W: A.copyOut(W, p * d),
    a: A.copyOut(a, p),
    Ws: A.copyOut(Ws, k * d),
    words: Array.from(A.u32(st, 8)),
    ov: A.copyOut(out, L),
  };
  A.reset(mark);
  return res;
}

function tsRun(s: Setup, seed: number, stream: number, nsteps: number) {
  const { p, k, d } = s;
  const rs = RefStream.fromSeed(seed, stream);
  const Ws = new Float64Array(k * d);
  const W = new Float64Array(p * d);
  teacherOrthonormal(rs, Ws, k, d);
  studentGaussian(rs, W, p, d);
  const a = Float64Array.from({ length: p }, (_, j) => 1 - 0.05 * j);
  const pr = paramsBlock(s);
  const work = new Float64Array(sgdWorkLen(p, k, d));
  work.set(zigguratTables());
  const zs = ZigStream.fromRef(rs);
  const rc = sgdRun(zs, W, Ws, a, pr.subarray(PAR.HEADER + k * k), pr, d, nsteps, work);
  const ov = new Float64Array(stateLength(p, k, s.trainA));
  overlaps(W, Ws, a, p, k, d, s.trainA, ov);
  const words = Array.from(zs.s);
  return { rc, W, a, Ws, words, ov };
}

describe('ziggurat normals', () => {
  it('Wasm SIMD, Wasm scalar and the TS twin draw bit-identical streams', () => {
    const n = 200_001;
    const outs: Float64Array[] = [];
    const words: number[][] = [];
    for (const rt of [rel, sca]) {
      const A = rt.arena;
      const mark = A.mark();
      const st = A.alloc(32);
      const work = A.allocF64(ZIG_TABLE_LEN);
      A.f64(work, ZIG_TABLE_LEN).set(zigguratTables());
      const o = A.allocF64(n);
      rt.exports.rng_seed(st, 11, 0, 3);
      rt.exports.sgd_zig_fill(st, work, o, n);
      outs.push(A.copyOut(o, n));
      words.push(Array.from(A.u32(st, 8)));
      A.reset(mark);
    }
    const zs = ZigStream.fromRef(RefStream.fromSeed(11, 3));
    const t = new Float64Array(n);
    zs.fillZig(zigguratTables(), t, 0, n);
    expect(bitDiff(outs[0], t)).toBe(0);
    expect(bitDiff(outs[1], t)).toBe(0);
    expect(words[0]).toEqual(Array.from(zs.s));
    expect(words[1]).toEqual(Array.from(zs.s));
  });

  it('tables close the top layer (r ≈ 3.6541528853610088)', () => {
    const t = zigguratTables();
    expect(t[1]).toBeCloseTo(3.6541528853610088, 9);
    expect(t[256]).toBe(0);
    expect(t[257 + 256]).toBe(1);
    for (let i = 1; i < 256; i++) expect(t[i]).toBeGreaterThan(t[i + 1]);
  });

  it('follows N(0,1): CDF at 13 points, tail mass past r, moments (N = 2e6)', () => {
    const A = rel.arena;
    const mark = A.mark();
    const n = 2_000_000;
    const st = A.alloc(32);
    const work = A.allocF64(ZIG_TABLE_LEN);
    A.f64(work, ZIG_TABLE_LEN).set(zigguratTables());
    const o = A.allocF64(n);
    rel.exports.rng_seed(st, 2024, 0, 0);
    rel.exports.sgd_zig_fill(st, work, o, n);
    const z = A.copyOut(o, n);
    A.reset(mark);
    const pts = [-3.8, -3, -2.2, -1.5, -1, -0.5, 0, 0.3, 0.8, 1.2, 2, 2.7, 3.65];
    for (const x of pts) {
      let c = 0;
      for (let i = 0; i < n; i++) if (z[i] <= x) c++;
      const F = Phi(x);
      expect(Math.abs(c / n - F)).toBeLessThan(5 * Math.sqrt((F * (1 - F)) / n) + 1e-7);
    }
    const r = 3.6541528853610088;
    let tail = 0;
    let m1 = 0;
    let m2 = 0;
    let m4 = 0;
    for (let i = 0; i < n; i++) {
      const v = z[i];
      if (Math.abs(v) > r) tail++;
      m1 += v;
      m2 += v * v;
      m4 += v * v * v * v;
    }
    const pt = 2 * (1 - Phi(r));
    expect(Math.abs(tail / n - pt)).toBeLessThan(5 * Math.sqrt(pt / n));
    expect(Math.abs(m1 / n)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(m2 / n - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(m4 / n - 3)).toBeLessThan(5 * Math.sqrt(96 / n));
  });
});

describe('own exp and erf (bit-exact twins)', () => {
  it('exp_neg and erf(x/√2): Wasm == TS bitwise, close to Math.exp / Simpson erf', () => {
    for (let i = 0; i < 2000; i++) {
      const x = -Math.pow(i / 60, 2) - (i % 7) * 1e-3;
      const w = rel.exports.sgd_exp_neg(x);
      expect(Object.is(w, expNeg(x))).toBe(true);
      expect(Object.is(sca.exports.sgd_exp_neg(x), w)).toBe(true);
      const m = Math.exp(x);
      expect(Math.abs(w - m)).toBeLessThanOrEqual(4e-16 * m + 1e-320);
    }
    for (let i = -90; i <= 90; i++) {
      const l = i / 9.7;
      const e = rel.exports.sgd_act(0, l);
      expect(Object.is(e, actVal(0, l))).toBe(true);
      const ref = l >= 0 ? erfSimpson(l / Math.SQRT2) : -erfSimpson(-l / Math.SQRT2);
      expect(Math.abs(e - ref)).toBeLessThan(1e-14);
    }
  });
});

describe('initialisation', () => {
  it('teacher: P = W*W*ᵀ/d = I to 1e-13', () => {
    for (const [k, d] of [
      [4, 500],
      [10, 64],
      [3, 3],
    ]) {
      const r = wasmRun(rel, { p: 1, k, d, gp: 0.1, noise: 0, act: 'erf', tact: 'erf', trainA: false }, 5, 0, 0);
      const Ws = r.Ws;
      for (let i = 0; i < k; i++)
        for (let j = 0; j < k; j++) {
          let s = 0;
          for (let t = 0; t < d; t++) s += Ws[i * d + t] * Ws[j * d + t];
          expect(Math.abs(s / d - (i === j ? 1 : 0))).toBeLessThan(1e-13);
        }
    }
  });

  it('student Gaussian init: Q0 ≈ I and M0 ≈ 0 within sampling error', () => {
    const p = 8;
    const k = 4;
    const d = 4000;
    const r = wasmRun(rel, { p, k, d, gp: 0.1, noise: 0, act: 'erf', tact: 'erf', trainA: false }, 9, 0, 0);
    const tol = 5 / Math.sqrt(d);
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < p; j++) {
        const q = r.ov[i * p + j];
        expect(Math.abs(q - (i === j ? 1 : 0))).toBeLessThan(i === j ? tol * Math.SQRT2 : tol);
      }
      for (let c = 0; c < k; c++) expect(Math.abs(r.ov[p * p + i * k + c])).toBeLessThan(tol);
    }
  });
});

describe('Wasm (SIMD, scalar) vs the TS twin', () => {
  const cases: Setup[] = [
    { p: 4, k: 4, d: 64, gp: 0.5, noise: 0.01, act: 'erf', tact: 'erf', trainA: false },
    { p: 3, k: 2, d: 37, gp: 0.3, noise: 0.1, act: 'erf', tact: 'relu', trainA: true },
    { p: 5, k: 1, d: 50, gp: 0.2, noise: 0.05, act: 'relu', tact: 'erf', trainA: true },
    { p: 2, k: 2, d: 41, gp: 0.05, noise: 0, act: 'quadratic', tact: 'quadratic', trainA: false },
    { p: 1, k: 1, d: 30, gp: 0.5, noise: 0.2, act: 'linear', tact: 'linear', trainA: true },
  ];
  for (const s of cases) {
    it(`2000 steps, ${s.act}/${s.tact}, p=${s.p} k=${s.k} d=${s.d}${s.trainA ? ', trained a' : ''}: same draws, weights within 1e-12 (bitwise)`, () => {
      const t = tsRun(s, 77, 2, 2000);
      for (const rt of [rel, sca]) {
        const w = wasmRun(rt, s, 77, 2, 2000);
        expect(w.rc).toBe(0);
        expect(t.rc).toBe(0);
        expect(w.words).toEqual(t.words); // the x/ξ streams consumed identically
        expect(maxAbsDiff(w.Ws, t.Ws)).toBe(0);
        expect(maxAbsDiff(w.W, t.W)).toBeLessThanOrEqual(1e-12);
        expect(maxAbsDiff(w.a, t.a)).toBeLessThanOrEqual(1e-12);
        expect(bitDiff(w.W, t.W)).toBe(0);
        expect(bitDiff(w.ov, t.ov)).toBe(0);
      }
    });
  }
});

describe('one SGD step against the formula (independent code)', () => {
  for (const [act, tact, trainA] of [
    ['erf', 'erf', true],
    ['relu', 'linear', true],
    ['quadratic', 'erf', false],
    ['linear', 'relu', true],
  ] as const) {
    it(`${act} student, ${tact} teacher${trainA ? ', trained a' : ''}`, () => {
      const p = 3;
      const k = 2;
      const d = 23;
      const gp = 0.7;
      const noise = 0.3;
      const A = rel.arena;
      const ex = rel.exports;
      const mark = A.mark();
      const st = A.alloc(32);
      const st2 = A.alloc(32);
      const Ws = A.allocF64(k * d);
      const W = A.allocF64(p * d);
      const a = A.allocF64(p);
      const pr = paramsBlock({ p, k, d, gp, noise, act, tact, trainA });
      const params = A.copyIn(pr);
      const work = A.allocF64(sgdWorkLen(p, k, d));
      A.f64(work, ZIG_TABLE_LEN).set(zigguratTables());
      ex.rng_seed(st, 1, 0, 0);
      ex.teacher_orthonormal(st, Ws, k, d, 0);
      ex.student_gaussian(st, W, p, d);
      A.f64(a, p).set([0.9, 1.1, -0.4]);
      // the step's draws, from a copy of the state
      A.u32(st2, 8).set(A.u32(st, 8));
      const xb = A.allocF64(d + 1);
      ex.sgd_zig_fill(st2, work, xb, d + 1);
      const x = A.copyOut(xb, d + 1);
      const W0 = A.copyOut(W, p * d);
      const Wsv = A.copyOut(Ws, k * d);
      const a0 = A.copyOut(a, p);
      const astar = pr.subarray(PAR.HEADER + k * k);
      const rc = ex.sgd_run(st, W, Ws, a, params + 8 * (PAR.HEADER + k * k), params, d, 1, work);
      expect(rc).toBe(0);
      const W1 = A.copyOut(W, p * d);
      const a1 = A.copyOut(a, p);
      A.reset(mark);

      const sig = (c: string, z: number) =>
        c === 'erf' ? (z >= 0 ? erfSimpson(z / Math.SQRT2) : -erfSimpson(-z / Math.SQRT2)) : c === 'linear' ? z : c === 'quadratic' ? z * z : Math.max(z, 0);
      const dsig = (c: string, z: number) =>
        c === 'erf' ? Math.sqrt(2 / Math.PI) * Math.exp((-z * z) / 2) : c === 'linear' ? 1 : c === 'quadratic' ? 2 * z : z > 0 ? 1 : 0;
      const lam = (M: Float64Array, j: number) => {
        let s = 0;
        for (let t = 0; t < d; t++) s += M[j * d + t] * x[t];
        return s / Math.sqrt(d);
      };
      let yhat = 0;
      for (let j = 0; j < p; j++) yhat += a0[j] * sig(act, lam(W0, j));
      yhat /= p;
      let y = 0;
      for (let r = 0; r < k; r++) y += astar[r] * sig(tact, lam(Wsv, r));
      y = y / k + Math.sqrt(noise) * x[d];
      const E = y - yhat;
      const gamma = gp * p;
      for (let j = 0; j < p; j++) {
        const l = lam(W0, j);
        for (let t = 0; t < d; t++) {
          const want = W0[j * d + t] + (gamma / p) * E * a0[j] * dsig(act, l) * (x[t] / Math.sqrt(d));
          expect(Math.abs(W1[j * d + t] - want)).toBeLessThan(1e-13);
        }
        const aw = trainA ? a0[j] + (gamma / (p * d)) * E * sig(act, l) : a0[j];
        expect(Math.abs(a1[j] - aw)).toBeLessThan(1e-14);
      }
    });
  }
});

describe('non-finite weights stop the run', () => {
  it('x² student with a huge learning rate returns nonzero and the driver reports Unstable', async () => {
    const res = await runSgd(rel, new InlineExecutor(rel), {
      p: 2,
      k: 2,
      d: 20,
      gammaOverP: 200,
      noise: 0,
      activation: 'quadratic',
      seed: 3,
      saveTimes: [1, 1e4],
    });
    const rep = res.replicates[0];
    expect(rep.status).toBe('Unstable');
    expect(rep.stepsDone).toBeLessThan(res.steps[1]);
    expect(Number.isNaN(rep.states[rep.states.length - 1])).toBe(true);
  });
});

describe('linear p = k = 1: SGD mean follows S21 (committee.md §9 (d))', () => {
  it('ε(t) = ε∞ + (ε0 − ε∞) e^{−(2−γ)t}, d = 500, 12 seeds', async () => {
    const gamma = 0.5; // = γ/p for p = 1
    const noise = 0.2;
    const d = 500;
    const seeds = 12;
    const ts = [0, 0.25, 0.5, 1, 1.5, 2, 3, 5];
    const res = await runSgd(rel, new InlineExecutor(rel), {
      p: 1,
      k: 1,
      d,
      gammaOverP: gamma,
      noise,
      activation: 'linear',
      seed: 42,
      seeds,
      saveTimes: ts,
    });
    const P = res.P[0];
    const eps = (s: ArrayLike<number>, o: number) => 0.5 * (s[o] - 2 * s[o + 1] + P);
    const eInf = (gamma * noise) / (2 * (2 - gamma));
    // per replicate: residual of ε(t) against S21 started from that replicate's own ε0
    for (let s = 0; s < ts.length; s++) {
      const t = res.times[s];
      const decay = Math.exp(-(2 - gamma) * t);
      const preds = res.replicates.map((r) => eInf + (eps(r.initial, 0) - eInf) * decay);
      const resid = res.replicates.map((r, i) => eps(r.states, s * res.stateLength) - preds[i]);
      const mean = resid.reduce((x, y) => x + y, 0) / seeds;
      const sd = Math.sqrt(resid.reduce((x, y) => x + (y - mean) ** 2, 0) / (seeds - 1));
      const se = sd / Math.sqrt(seeds);
      const want = preds.reduce((x, y) => x + y, 0) / seeds;
      expect(Math.abs(mean)).toBeLessThanOrEqual(4 * se + 0.5 * Math.sqrt(gamma / d) * want);
    }
    // and the floor itself is resolved: at t = 5 the mean sits within 5% of ε∞ + (ε0 − ε∞)e^{−7.5}
    const last = res.replicates.map((r) => eps(r.states, (ts.length - 1) * res.stateLength));
    expect(Math.abs(last.reduce((x, y) => x + y, 0) / seeds / eInf - 1)).toBeLessThan(0.05);
  });
});

describe('coarse performance guard', () => {
  it('Wasm SIMD sgd_run is ≥ 3× the TS twin per step (p = k = 4, d = 1000, erf; best of 3)', () => {
    const s: Setup = { p: 4, k: 4, d: 1000, gp: 0.25, noise: 1e-3, act: 'erf', tact: 'erf', trainA: false };
    const best = (f: () => void) => {
      let b = Infinity;
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        f();
        b = Math.min(b, performance.now() - t0);
      }
      return b;
    };
    const nW = 4000;
    const nT = 400;
    const wasmMs = best(() => expect(wasmRun(rel, s, 1, 0, nW).rc).toBe(0)) / nW;
    const tsMs = best(() => expect(tsRun(s, 1, 0, nT).rc).toBe(0)) / nT;
    expect(tsMs / wasmMs).toBeGreaterThan(3);
  });
});

describe('dimension independence in the small-γ regime (committee.md §6, §9 (g))', () => {
  it('from the same (Q0, M0, P) via W0 = M W*, the mean overlaps at d = 5, 20, 50 agree', async () => {
    const M = [
      [0.6, 0.3],
      [0.2, 0.5],
    ].map((r) => r.map((x) => x / Math.hypot(...r)));
    const runs = [];
    for (const d of [5, 20, 50]) {
      runs.push(
        await runSgd(rel, new InlineExecutor(rel), {
          p: 2,
          k: 2,
          d,
          gammaOverP: 0.005,
          noise: 0,
          activation: 'erf',
          seed: 4,
          seeds: 8,
          init: { M },
          saveTimes: [1, 3],
        }),
      );
    }
    const ref = runs[2];
    for (const idx of [0, 1, 3, 4, 5, 6, 7]) {
      const b = summarizeSgd(ref, (y) => y[idx]);
      for (const r of runs.slice(0, 2)) {
        const a = summarizeSgd(r, (y) => y[idx]);
        for (let s = 0; s < 2; s++) {
          expect(Math.abs(a.mean[s] - b.mean[s])).toBeLessThan(4 * Math.hypot(a.stderr[s], b.stderr[s]) + 2e-3);
        }
      }
    }
    // and the overlaps did move (not a trivially frozen run)
    expect(Math.abs(summarizeSgd(ref, (y) => y[1]).mean[1] - ref.replicates[0].initial[1])).toBeGreaterThan(0.1);
  });
});

describe('driver', () => {
  let pool1: WorkerPool | undefined;
  let pool2: WorkerPool | undefined;
  afterAll(async () => {
    await pool1?.close();
    await pool2?.close();
  });

  const base = {
    p: 4,
    k: 2,
    d: 200,
    gammaOverP: 0.5,
    noise: 0.01,
    activation: 'erf' as const,
    trainSecondLayer: true,
    seed: 123,
    seeds: 3,
    saveTimes: [0, 0.01, 0.5, 1, 2.5],
  };

  it('save steps, actual times, initial state, memory estimate, no growth while stepping', async () => {
    const rt = await loadWasm({ variant: 'release' });
    const before = rt.arena.bytesInUse;
    const res = await runSgd(rt, new InlineExecutor(rt), base);
    expect(rt.arena.bytesInUse).toBe(before);
    const gamma = base.gammaOverP * base.p;
    for (let s = 0; s < base.saveTimes.length; s++) {
      expect(res.steps[s]).toBe(Math.round((base.saveTimes[s] * base.p * base.d) / gamma));
      expect(res.times[s]).toBeCloseTo((res.steps[s] * gamma) / (base.p * base.d), 15);
    }
    expect(res.stateLength).toBe(stateLength(4, 2, true));
    expect(res.stats.growsDuringStepping).toBe(0);
    expect(res.stats.wasmBytes).toBe(sgdMemoryBytes(4, 2, 200, 3, true));
    expect(rt.arena.highWater).toBeLessThanOrEqual(res.stats.wasmBytes + before);
    for (const r of res.replicates) {
      expect(r.status).toBe('Success');
      // the t = 0 record is the initial state
      expect(bitDiff(r.states.subarray(0, res.stateLength), r.initial)).toBe(0);
      expect(Array.from(r.initial.subarray(res.stateLength - 4))).toEqual([1, 1, 1, 1]);
    }
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) expect(Math.abs(res.P[i * 2 + j] - (i === j ? 1 : 0))).toBeLessThan(1e-13);
    // replicates differ
    expect(bitDiff(res.replicates[0].initial, res.replicates[1].initial)).toBeGreaterThan(0);
  });

  it('no memory growth inside sgd_run (arena and memory size unchanged)', () => {
    const A = rel.arena;
    const mark = A.mark();
    const s: Setup = { p: 4, k: 4, d: 300, gp: 0.5, noise: 0.01, act: 'erf', tact: 'erf', trainA: true };
    wasmRun(rel, s, 1, 0, 1); // allocates (and resets) the same buffers once
    const g0 = A.growCount;
    const bytes0 = rel.memory.buffer.byteLength;
    const r = wasmRun(rel, s, 1, 0, 3000);
    expect(r.rc).toBe(0);
    expect(A.growCount).toBe(g0);
    expect(rel.memory.buffer.byteLength).toBe(bytes0);
    A.reset(mark);
  });

  it('determinism: same seed → identical records; inline vs 1 and 2 workers; chunking; replicate r independent of seeds', async () => {
    const a = await runSgd(rel, new InlineExecutor(rel), base);
    const b = await runSgd(rel, new InlineExecutor(rel), { ...base, maxStepsPerCall: 37 });
    const rtS = await loadWasm({ shared: true });
    pool1 = await WorkerPool.create(rtS, 1);
    const c = await runSgd(rtS, pool1, base);
    pool2 = await WorkerPool.create(rtS, 2);
    const e = await runSgd(rtS, pool2, base);
    const one = await runSgd(sca, new InlineExecutor(sca), { ...base, seeds: 1 });
    for (const other of [b, c, e]) {
      for (let r = 0; r < base.seeds; r++) {
        expect(bitDiff(a.replicates[r].states, other.replicates[r].states)).toBe(0);
        expect(bitDiff(a.replicates[r].initial, other.replicates[r].initial)).toBe(0);
      }
    }
    expect(bitDiff(a.replicates[0].states, one.replicates[0].states)).toBe(0);
  });

  it('progress events, abort → Terminated, ensemble summary, pool on a non-shared runtime refused', async () => {
    const events: number[] = [];
    const res = await runSgd(rel, new InlineExecutor(rel), { ...base, onProgress: (e) => events.push(e.fraction) });
    expect(events.length).toBe(base.seeds * base.saveTimes.length);
    expect(events[events.length - 1]).toBe(1);
    const sum = summarizeSgd(res, (y) => y[0]);
    expect(sum.count).toBe(base.seeds);
    const v = res.replicates.map((r) => r.states[2 * res.stateLength]);
    expect(sum.mean[2]).toBeCloseTo(v.reduce((a, b) => a + b, 0) / v.length, 14);
    expect(sum.q10[2]).toBeLessThanOrEqual(sum.q50[2]);
    expect(sum.q50[2]).toBeLessThanOrEqual(sum.q90[2]);
    const ac = new AbortController();
    ac.abort();
    const ab = await runSgd(rel, new InlineExecutor(rel), { ...base, signal: ac.signal });
    for (const r of ab.replicates) expect(r.status).toBe('Terminated');
    const rtS = await loadWasm({ shared: true });
    const pool = await WorkerPool.create(rtS, 1);
    await expect(runSgd(rel, pool, base)).rejects.toThrow(/shared-memory/);
    await pool.close();
  });

  it('pure-TS runtime (with the sgd twins), Wasm SIMD and Wasm scalar give the same records bit for bit (both inits)', async () => {
    const rtTs = await loadWasm({ variant: 'ts' });
    Object.assign(
      rtTs.exports,
      sgdTwins(() => rtTs.memory.buffer as ArrayBuffer),
    );
    const M = [
      [0.6, 0.8],
      [0.8, -0.6],
      [1, 0],
      [0, 1],
    ];
    for (const init of ['gaussian' as const, { M }]) {
      const opts = { ...base, d: 60, saveTimes: [0, 0.3, 1], init };
      const a = await runSgd(rtTs, new InlineExecutor(rtTs), opts);
      const b = await runSgd(rel, new InlineExecutor(rel), opts);
      const c = await runSgd(sca, new InlineExecutor(sca), opts);
      for (const other of [b, c]) {
        for (let r = 0; r < base.seeds; r++) {
          expect(bitDiff(a.replicates[r].initial, other.replicates[r].initial)).toBe(0);
          expect(bitDiff(a.replicates[r].states, other.replicates[r].states)).toBe(0);
        }
        expect(bitDiff(a.P, other.P)).toBe(0);
      }
    }
  });

  it('same-overlaps init W0 = M W*: Q0 = M Mᵀ, M0 = M for every replicate and every d', async () => {
    const M = [
      [0.6, 0.8],
      [0.8, -0.6],
      [Math.SQRT1_2, Math.SQRT1_2],
    ];
    for (const d of [5, 50, 400]) {
      const res = await runSgd(rel, new InlineExecutor(rel), {
        p: 3,
        k: 2,
        d,
        gammaOverP: 0.05,
        noise: 1e-3,
        seed: 8,
        seeds: 2,
        init: { M },
        saveTimes: [0.5],
      });
      for (const r of res.replicates) {
        for (let i = 0; i < 3; i++) {
          for (let j = 0; j < 3; j++) {
            const want = M[i][0] * M[j][0] + M[i][1] * M[j][1];
            expect(Math.abs(r.initial[i * 3 + j] - want)).toBeLessThan(1e-13);
          }
          for (let c = 0; c < 2; c++) expect(Math.abs(r.initial[9 + i * 2 + c] - M[i][c])).toBeLessThan(1e-13);
        }
        expect(r.status).toBe('Success');
      }
    }
  });
});
