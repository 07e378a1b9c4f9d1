// Host driver of the one-pass SGD simulator (committee.md §8.5, S1–S7; kernels in assembly/sgd.ts,
// twin in src/ref/sgd.ts). Allocates every buffer once, initialises teacher and students, then
// runs the replicates in parallel on an Executor (one sgd_run chain per replicate; a WorkerPool
// dispatches each call to a free worker) and records the committee state [Q, M, a?] at the save
// steps.
//
// TIME. The API time is t = ν γ/(p d) (committee.md §2.2) with γ = (γ/p)·p. Save time t_s is
// recorded after ν_s = round(t_s · p · d / γ) = round(t_s · d / (γ/p)) steps; the result reports
// the actual times ν_s γ/(pd) next to the requested ones.
//
// SEEDING SCHEME "learndyn-sgd-ziggurat256/v1" over RNG_SCHEME (src/numerics/rng.ts) for a user seed s:
//   teacher  : the state of (s, stream 0) advanced by one xoshiro long_jump (2^192 steps: disjoint
//              from every replicate stream), then teacher_orthonormal (k·d polar normals, MGS ×2,
//              rows × √d). ONE teacher per run, shared by all replicates: the paper runs one SGD
//              per curve against a fixed teacher, and replicates ("seeds") average over student
//              initialisation and data (committee.md §9 (f), §10), with P = I in every case.
//   replicate r (r = 0..seeds−1): stream r of s. 'gaussian' init: student_gaussian draws p·d
//              polar normals first; then every step draws d + 1 ziggurat normals (x, then ξ).
//              With init {M}: W0 = M W* (gemm), no draws, so Q0 = M Mᵀ (P = I), M0 = M, for every
//              replicate and every d (committee.md §8.5, "same overlaps at any d").
//   Replicate r's records do not depend on the number of replicates, on the executor, on the
//   number of workers, on the chunking of the steps into calls, or on Wasm SIMD vs scalar vs TS
//   (all bit-identical, see assembly/sgd.ts).
import type { WasmRuntime } from '../wasm/runtime.js';
import { WorkerPool, type Executor } from '../wasm/exec.js';
import { gemmSmallPtr } from '../linalg/index.js';
import { MemoryBudgetError } from '../wasm/arena.js';
import { seedHalves, toSeed, RNG_SCHEME } from '../numerics/rng.js';
import { SGD_RNG_SCHEME, zigguratTables } from '../numerics/ziggurat.js';
import { sgdWorkLen, ZIG_TABLE_LEN } from '../gen/sgd_layout.js';
import { ACT_CODE, PAR, paramsLength, stateLength, type Activation } from './layout.js';

import { stopRequested, type Status } from '../core/contract.js';

/** A replicate is never 'NotConverged' (SGD has no tolerance): the contract's Status minus that. */
export type SgdStatus = Exclude<Status, 'NotConverged'>;

export interface SgdOptions {
  p: number;
  k: number;
  d: number;
  /** γ/p (the ODE control parameter); the SGD learning rate is γ = (γ/p)·p. */
  gammaOverP: number;
  /** Label-noise variance Δ. */
  noise: number;
  activation?: Activation;
  /** Default: the student activation. */
  teacherActivation?: Activation;
  trainSecondLayer?: boolean;
  /** Initial student second layer (p entries), default all 1. */
  a0?: ArrayLike<number>;
  /** Teacher second layer a* (k entries), default all 1. */
  astar?: ArrayLike<number>;
  seed: number | bigint;
  /** Number of replicates (streams 0..seeds−1). Default 1. */
  seeds?: number;
  /** 'gaussian': W0 ~ N(0,1) entries; {M}: W0 = M W* (M is p×k, rows normally on the unit sphere). */
  init?: 'gaussian' | { M: ArrayLike<ArrayLike<number>> } | ExplicitWeights;
  /** Requested save times t (non-decreasing, ≥ 0). */
  saveTimes: ArrayLike<number>;
  onProgress?: (ev: SgdProgress) => void;
  signal?: AbortSignal;
  /** Replicates of an interrupted earlier run of the same problem (status, saves and snapshot):
   *  finished ones are kept as they are, stopped ones continue from their snapshot. */
  resume?: readonly SgdReplicate[];
  /** Upper bound on SGD steps per kernel call (chunking; results do not depend on it). */
  maxStepsPerCall?: number;
  /** Periodic snapshots (`--checkpoint-every`): every replicate still running hands a copy of itself,
   *  status 'Terminated' with its snapshot (what `resume` continues from), to onSnapshot at least every
   *  snapshotEveryMs (between chunks), and once more when it finishes. */
  snapshotEveryMs?: number;
  onSnapshot?: (rep: SgdReplicate) => void;
}

/** Given weights: teacher W* (k×d) and student W0 (p×d), row-major — e.g. realising an init file's
 *  overlaps exactly (src/committee/init.ts). Every replicate starts from the same W0 and teacher. */
export interface ExplicitWeights {
  W: Float64Array;
  Wstar: Float64Array;
}

const isExplicit = (i: SgdOptions['init']): i is ExplicitWeights => !!i && typeof i === 'object' && 'W' in i;

export interface SgdProgress {
  replicate: number;
  /** Index of the save just recorded. */
  save: number;
  /** Steps done by this replicate. */
  steps: number;
  /** Fraction of all steps of all replicates done. */
  fraction: number;
}

export interface SgdReplicate {
  replicate: number;
  /** RNG stream of this replicate (= replicate index). */
  stream: number;
  /** Committee state of the actual initial weights: [Q0, M0, a0 if trained]. */
  initial: Float64Array;
  /** nsave × stateLength, row s = state after steps[s] steps (NaN after a failure). */
  states: Float64Array;
  status: SgdStatus;
  /** SGD updates applied. */
  stepsDone: number;
  /** Saves recorded (rows of `states` that hold a state; the rest are NaN). */
  savesDone: number;
  /** A replicate stopped by the signal: its full state after `stepsDone` updates (weights, second
   *  layer, the RNG stream's 32 state bytes), enough to continue bit-identically (`--resume`). */
  snapshot?: SgdSnapshot;
}

/** What continues a stopped replicate: the SGD state after `stepsDone` steps. */
export interface SgdSnapshot {
  W: Float64Array;
  a: Float64Array;
  /** The xoshiro state (32 bytes) viewed as 4 float64 (bits kept exactly; never used as numbers). */
  rng: Float64Array;
}

export interface SgdResult {
  p: number;
  k: number;
  d: number;
  gammaOverP: number;
  noise: number;
  activation: Activation;
  teacherActivation: Activation;
  trainSecondLayer: boolean;
  stateLength: number;
  requestedTimes: Float64Array;
  /** Save steps ν_s = round(t_s p d / γ). */
  steps: Float64Array;
  /** Actual save times ν_s γ/(p d). */
  times: Float64Array;
  /** P = W*W*ᵀ/d of the actual teacher (k×k, = I to rounding). */
  P: Float64Array;
  astar: Float64Array;
  /** The committee params block (layout.ts) with the measured P: feed it to committee_risk. */
  params: Float64Array;
  replicates: SgdReplicate[];
  rng: { scheme: string; sgdScheme: string; seed: string; teacher: string; replicates: string };
  stats: { wasmBytes: number; growsDuringStepping: number; wallMs: number };
}

const ALIGN = 64;
const al = (b: number) => Math.ceil(b / ALIGN) * ALIGN;

/** Wasm bytes runSgd allocates (upper bound incl. alignment). */
export function sgdMemoryBytes(p: number, k: number, d: number, seeds = 1, trainA = false): number {
  const L = stateLength(p, k, trainA);
  const shared = al(paramsLength(k) * 8) + al(k * d * 8) + al(32) + al(2 * k * k * 8) + al(p * k * 8);
  const per = al(32) + al(p * d * 8) + al(p * 8) + al(sgdWorkLen(p, k, d) * 8) + al(L * 8);
  return shared + seeds * per + ALIGN;
}

/** ν = round(t·p·d/γ) = round(t·d/(γ/p)). */
export function saveSteps(times: ArrayLike<number>, d: number, gammaOverP: number): Float64Array {
  const out = new Float64Array(times.length);
  for (let i = 0; i < times.length; i++) out[i] = Math.round((times[i] * d) / gammaOverP);
  return out;
}

function check(opts: SgdOptions): void {
  const { p, k, d, gammaOverP, noise } = opts;
  for (const [n, v] of [
    ['p', p],
    ['k', k],
    ['d', d],
  ] as const)
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${n} must be a positive integer, got ${v}`);
  if (!(gammaOverP > 0) || !Number.isFinite(gammaOverP)) throw new RangeError(`gammaOverP must be > 0, got ${gammaOverP}`);
  if (!(noise >= 0) || !Number.isFinite(noise)) throw new RangeError(`noise must be ≥ 0, got ${noise}`);
  if (k > d) throw new RangeError(`an orthonormal teacher needs k ≤ d (k = ${k}, d = ${d})`);
  if (p * d > 2 ** 31 - 1 || k * d > 2 ** 31 - 1) throw new RangeError('p·d and k·d must be < 2^31');
  const seeds = opts.seeds ?? 1;
  if (!Number.isInteger(seeds) || seeds < 1) throw new RangeError(`seeds must be a positive integer, got ${seeds}`);
  let prev = 0;
  for (let i = 0; i < opts.saveTimes.length; i++) {
    const t = opts.saveTimes[i];
    if (!(t >= prev) || !Number.isFinite(t)) throw new RangeError('saveTimes must be finite, ≥ 0 and non-decreasing');
    prev = t;
  }
  if (opts.a0 && opts.a0.length !== p) throw new RangeError('a0 needs p entries');
  if (opts.astar && opts.astar.length !== k) throw new RangeError('astar needs k entries');
  if (isExplicit(opts.init)) {
    if (opts.init.W.length !== p * d || opts.init.Wstar.length !== k * d) throw new RangeError('init.W must be p×d and init.Wstar k×d');
  } else if (opts.init && opts.init !== 'gaussian') {
    const M = opts.init.M;
    if (M.length !== p || Array.from(M).some((r) => r.length !== k)) throw new RangeError('init.M must be p×k');
  }
}

/** Run `seeds` SGD replicates and record their committee states at the save times. */
export async function runSgd(rt: WasmRuntime, exec: Executor, opts: SgdOptions): Promise<SgdResult> {
  check(opts);
  if (exec instanceof WorkerPool && !rt.shared) throw new Error('a WorkerPool needs the shared-memory runtime it was created on');
  const t0 = performance.now();
  const { p, k, d, gammaOverP, noise } = opts;
  const seeds = opts.seeds ?? 1;
  const act = opts.activation ?? 'erf';
  const tact = opts.teacherActivation ?? act;
  const trainA = !!opts.trainSecondLayer;
  const L = stateLength(p, k, trainA);
  const nsave = opts.saveTimes.length;
  const requestedTimes = Float64Array.from(opts.saveTimes);
  const steps = saveSteps(requestedTimes, d, gammaOverP);
  const times = steps.map((nu) => (nu * gammaOverP) / d);
  const need = sgdMemoryBytes(p, k, d, seeds, trainA);
  if (rt.arena.bytesInUse + need > rt.arena.budgetBytes) throw new MemoryBudgetError(rt.arena.bytesInUse + need, rt.arena.budgetBytes);
  const ex = rt.exports;
  const A = rt.arena;
  const mark = A.mark();
  try {
    // ---- allocate everything
    const PL = paramsLength(k);
    const params = A.allocF64(PL);
    const Wstar = A.allocF64(k * d);
    const tstate = A.alloc(32);
    const Ptmp = A.allocF64(2 * k * k); // overlaps_f64(W*, W*) writes [P, P]
    const Mptr = A.allocF64(p * k);
    const W: number[] = [];
    const av: number[] = [];
    const st: number[] = [];
    const work: number[] = [];
    const out: number[] = [];
    const WL = sgdWorkLen(p, k, d);
    for (let r = 0; r < seeds; r++) {
      st.push(A.alloc(32));
      W.push(A.allocF64(p * d));
      av.push(A.allocF64(p));
      work.push(A.allocF64(WL));
      out.push(A.allocF64(L));
    }
    const growsAfterAlloc = A.growCount;

    // ---- params block (P filled from the actual teacher below)
    const astar = new Float64Array(k).fill(1);
    if (opts.astar) astar.set(Array.from(opts.astar));
    {
      const pr = A.f64(params, PL);
      pr.fill(0);
      pr[PAR.P] = p;
      pr[PAR.K] = k;
      pr[PAR.GAMMA_OVER_P] = gammaOverP;
      pr[PAR.NOISE] = noise;
      pr[PAR.ACT] = ACT_CODE[act];
      pr[PAR.TACT] = ACT_CODE[tact];
      pr[PAR.TRAIN_A] = trainA ? 1 : 0;
      pr[PAR.DIM] = d;
      pr.set(astar, PAR.HEADER + k * k);
    }
    // ---- teacher: stream 0 + long jump
    const [lo, hi] = seedHalves(opts.seed);
    ex.rng_seed(tstate, lo, hi, 0);
    ex.rng_long_jump(tstate);
    if (isExplicit(opts.init)) A.f64(Wstar, k * d).set(opts.init.Wstar);
    else if (ex.teacher_orthonormal(tstate, Wstar, k, d, 0) !== 0) throw new Error('teacher rows became dependent (k > d?)');
    ex.overlaps_f64(Wstar, Wstar, 0, k, k, d, 0, Ptmp); // Q block = P
    const P = A.copyOut(Ptmp, k * k);
    A.f64(params, PL).set(P, PAR.HEADER);

    // ---- students
    const tables = zigguratTables();
    const a0 = new Float64Array(p).fill(1);
    if (opts.a0) a0.set(Array.from(opts.a0));
    if (opts.init && opts.init !== 'gaussian' && !isExplicit(opts.init)) {
      const mv = A.f64(Mptr, p * k);
      for (let i = 0; i < p; i++) for (let r = 0; r < k; r++) mv[i * k + r] = opts.init.M[i][r];
    }
    const replicates: SgdReplicate[] = [];
    for (let r = 0; r < seeds; r++) {
      ex.rng_seed_streams(st[r], lo, hi, r, 1);
      if (!opts.init || opts.init === 'gaussian') ex.student_gaussian(st[r], W[r], p, d);
      else if (isExplicit(opts.init)) A.f64(W[r], p * d).set(opts.init.W);
      else gemmSmallPtr(rt, Mptr, Wstar, W[r], p, k, d, 1, 0);
      A.f64(av[r], p).set(a0);
      A.f64(work[r], ZIG_TABLE_LEN).set(tables);
      ex.overlaps_f64(W[r], Wstar, av[r], p, k, d, trainA ? 1 : 0, out[r]);
      replicates.push({
        replicate: r,
        stream: r,
        initial: A.copyOut(out[r], L),
        states: new Float64Array(nsave * L).fill(NaN),
        status: 'Success',
        stepsDone: 0,
        savesDone: 0,
      });
    }

    // ---- resume: continue stopped replicates from their snapshot (chunking does not change a
    // replicate: each step draws its d + 1 normals from the stream in order), keep finished ones.
    const startStep = new Array<number>(seeds).fill(0);
    for (const old of opts.resume ?? []) {
      const r = old?.replicate;
      if (!Number.isInteger(r) || r < 0 || r >= seeds || !(old.states instanceof Float64Array) || old.states.length !== nsave * L) continue;
      if (old.status === 'Unstable') continue;
      if (old.status === 'Terminated' && !(old.snapshot && old.snapshot.W.length === p * d && old.snapshot.a.length === p && old.snapshot.rng.length === 4))
        continue;
      const rep = replicates[r];
      rep.states.set(old.states);
      rep.savesDone = old.savesDone;
      rep.stepsDone = old.stepsDone;
      startStep[r] = old.stepsDone;
      if (old.snapshot) {
        A.f64(W[r], p * d).set(old.snapshot.W);
        A.f64(av[r], p).set(old.snapshot.a);
        new Uint8Array(rt.memory.buffer, st[r], 32).set(new Uint8Array(old.snapshot.rng.buffer, old.snapshot.rng.byteOffset, 32));
      }
    }

    // ---- run
    const total = nsave ? steps[nsave - 1] * seeds : 0;
    let doneAll = startStep.reduce((a, b) => a + b, 0);
    // default chunk ≈ 10–20 ms of work per call (cost model: (p+k)d multiply-adds + ~50d for the
    // d ziggurat normals): postMessage latency stays < 1%, progress stays live
    const chunkMax = Math.max(1, Math.min(2 ** 30, Math.floor(opts.maxStepsPerCall ?? Math.max(64, Math.floor(2e8 / ((p + k) * d + 50 * d))))));
    const astarPtr = params + 8 * (PAR.HEADER + k * k);
    const snapshotOf = (r: number): SgdSnapshot => {
      const rng = new Float64Array(4);
      new Uint8Array(rng.buffer).set(new Uint8Array(rt.memory.buffer, st[r], 32));
      return { W: A.f64(W[r], p * d).slice(), a: A.f64(av[r], p).slice(), rng };
    };
    const every = opts.onSnapshot && opts.snapshotEveryMs !== undefined ? opts.snapshotEveryMs : undefined;
    const runOne = async (r: number) => {
      const rep = replicates[r];
      let nu = startStep[r];
      let lastSnap = Date.now();
      for (let s = rep.savesDone; s < nsave; s++) {
        const target = steps[s];
        while (nu < target) {
          if (await stopRequested(opts.signal)) {
            rep.status = 'Terminated';
            rep.snapshot = snapshotOf(r);
            return;
          }
          if (every !== undefined && Date.now() - lastSnap >= every) {
            // The state after `nu` steps, as a stopped replicate (resume continues it bit-identically).
            opts.onSnapshot!({ ...rep, states: rep.states.slice(), status: 'Terminated', snapshot: snapshotOf(r) });
            lastSnap = Date.now();
          }
          const n = Math.min(chunkMax, target - nu);
          const rc = await exec.call('sgd_run', st[r], W[r], Wstar, av[r], astarPtr, params, d, n, work[r]);
          if (rc !== 0) {
            rep.status = 'Unstable';
            rep.stepsDone = nu + rc - 1;
            doneAll += n;
            return;
          }
          nu += n;
          rep.stepsDone = nu;
          doneAll += n;
        }
        await exec.call('overlaps_f64', W[r], Wstar, av[r], p, k, d, trainA ? 1 : 0, out[r]);
        rep.states.set(A.f64(out[r], L), s * L);
        rep.savesDone = s + 1;
        opts.onProgress?.({ replicate: r, save: s, steps: nu, fraction: total ? doneAll / total : 1 });
      }
      if (every !== undefined) opts.onSnapshot!({ ...rep, states: rep.states.slice() });
    };
    await Promise.all(replicates.map((_, r) => runOne(r)));
    const growsDuringStepping = A.growCount - growsAfterAlloc;

    return {
      p,
      k,
      d,
      gammaOverP,
      noise,
      activation: act,
      teacherActivation: tact,
      trainSecondLayer: trainA,
      stateLength: L,
      requestedTimes,
      steps,
      times,
      P,
      astar,
      params: A.copyOut(params, PL),
      replicates,
      rng: {
        scheme: RNG_SCHEME,
        sgdScheme: SGD_RNG_SCHEME,
        seed: toSeed(opts.seed).toString(),
        teacher: 'stream 0 + one long_jump; polar normals, MGS twice, rows × √d; shared by all replicates',
        replicates: `replicate r = stream r (r < ${seeds}): W0 polar normals (gaussian init), then d + 1 ziggurat normals per step (x, ξ)`,
      },
      stats: { wasmBytes: need, growsDuringStepping, wallMs: performance.now() - t0 },
    };
  } finally {
    A.reset(mark);
  }
}

export interface SgdSummary {
  times: Float64Array;
  /** Per save: mean, standard error (sd/√n), 10/50/90% quantiles over the successful replicates. */
  mean: Float64Array;
  stderr: Float64Array;
  q10: Float64Array;
  q50: Float64Array;
  q90: Float64Array;
  /** Replicates that contributed (status 'Success'). */
  count: number;
}

function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** Ensemble statistics of a scalar functional of the recorded state (e.g. the risk from
 *  committee_risk(params, y), or one overlap) over the successful replicates (committee.md §8.5),
 *  or over the given ones on their first `saves` rows (e.g. replicates stopped by a signal). */
export function summarizeSgd(
  res: SgdResult,
  f: (state: Float64Array) => number,
  ok: SgdReplicate[] = res.replicates.filter((r) => r.status === 'Success'),
  saves = res.times.length,
): SgdSummary {
  const n = saves;
  const out: SgdSummary = {
    times: res.times.slice(0, n),
    mean: new Float64Array(n),
    stderr: new Float64Array(n),
    q10: new Float64Array(n),
    q50: new Float64Array(n),
    q90: new Float64Array(n),
    count: ok.length,
  };
  const L = res.stateLength;
  for (let s = 0; s < n; s++) {
    const v = ok.map((r) => f(r.states.subarray(s * L, (s + 1) * L))).sort((a, b) => a - b);
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    const sd = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1)) : NaN;
    out.mean[s] = m;
    out.stderr[s] = sd / Math.sqrt(v.length);
    out.q10[s] = quantile(v, 0.1);
    out.q50[s] = quantile(v, 0.5);
    out.q90[s] = quantile(v, 0.9);
  }
  return out;
}
