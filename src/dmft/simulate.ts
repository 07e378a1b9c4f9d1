// Direct simulations of dmft.md §11 (kernels: assembly/dmft_sim.ts, twin: src/ref/dmft_sim.ts).
//   simulateNetwork      : the real two-layer network f(x) = (1/m)Σ a_i σ(⟨w_i,x⟩) (§11.1), full-batch
//                          projected GD or mini-batch SGD on n = α m d fixed samples.
//   simulateGaussianModel: GD (D.9) on the Gaussian-process model f^g (§11.2, D39).
// Both record, on a save grid in GF time t (§3), the train error on the training set, the test
// error from the population formula D4 (no test set), a = mean a_i, v = mean ⟨u,w_i⟩ and C_o = mean
// off-diagonal of WWᵀ; several replicates (seeds) run in parallel on an Executor.
//
// TIME (§3). Network: one step with learning rate lr on the (1/2|S|)-normalised batch loss
// advances t by Δt = lr·d/n. Gaussian model: the step carries the n/d factor, Δt = η_GD = lr.
//
// SEEDING SCHEME "learndyn-dmft-sim/v1" over RNG_SCHEME (src/numerics/rng.ts), user seed s, replicate r:
//   data stream  = stream r of s, polar normals (rng_fill_normal) drawn in this order:
//                  u (d; normalised), W0 (m·d; rows normalised), then the network's X (n·d) or the
//                  Gaussian model's J^{(1)} (n·d), J^{(2)} (n·d²), J^{(3)} (n·d³) for the degrees
//                  with c_k ≠ 0, then ξ (n). u is drawn even for pure noise. Each sample's J^{(2)}
//                  is then replaced by (J + Jᵀ)/2 (f^g sees only the symmetric part; the kernel
//                  needs one pass over it for the gradient).
//   batch stream = stream r of s advanced by one long_jump (2^192): one Fisher–Yates shuffle per
//                  SGD epoch; batches of B in order, the last one of an epoch with n mod B rows.
// Replicate r's records depend only on (s, r, options): not on the number of replicates, the
// executor, the number of workers or the chunking of steps into calls.
import { z } from 'zod';
import type { WasmRuntime } from '../wasm/runtime.js';
import { WorkerPool, type Executor } from '../wasm/exec.js';
import { MemoryBudgetError } from '../wasm/arena.js';
import { finite, intAtLeast, nonNegative, parseOrThrow, ParameterError, positive } from '../core/validate.js';
import { RNG_SCHEME, seedHalves, toSeed } from '../numerics/rng.js';
import { paramsBlock } from './sim-params.js';
import { symmetrizeJ2 } from '../numerics/dmft-sim.js';
import { DSIM_MAX_DEGREE, DSIM_PAR_LEN, dsimGaussWorkLen, dsimNetWorkLen, dsimPopulationWorkLen } from '../gen/dmft_layout.js';

export const DSIM_RNG_SCHEME = 'learndyn-dmft-sim/v1';
/** A simulation has no tolerance: the engine contract's Status minus 'NotConverged'. */
export type SimStatus = Exclude<import('../core/contract.js').Status, 'NotConverged'>;
import { stopRequested, TERMINATED_MESSAGE } from '../core/contract.js';

const hSchema = z
  .array(nonNegative('a list of non-negative Hermite energies c_0, c_1, …'), { error: 'a list of numbers c_0, c_1, … (h(q) = Σ c_k q^k)' })
  .min(2, { error: 'at least c_0, c_1' })
  .max(DSIM_MAX_DEGREE + 1, { error: `at most ${DSIM_MAX_DEGREE + 1} coefficients (degree ≤ ${DSIM_MAX_DEGREE})` })
  .refine((h) => h[0] === 0, { error: 'c_0 = 0 (σ is centred)' })
  .refine((h) => h.some((c) => c > 0), { error: 'some c_k > 0' });

export const simulateSchema = z
  .strictObject({
    model: z.enum(['network', 'gaussian'], { error: "'network' or 'gaussian'" }).default('network'),
    m: intAtLeast(1, 1 << 16),
    alpha: positive().optional(),
    alphaBar: positive().optional(),
    dim: intAtLeast(1, 1 << 20),
    tau: nonNegative(),
    h: hSchema,
    phiHat: z.enum(['same', 'none'], { error: "'same' (φ̂ = h) or 'none' (pure noise)" }).default('same'),
    /** a_i(0) = a0 (default 1, or γ₀√m when gamma0 is given: the lazy init); a list gives one value
     *  per neuron (the non-symmetric settings of dmft.md Figs 6–7). */
    a0: z.union([finite(), z.array(finite())]).optional(),
    /** Initial rows tied together: row i starts as a copy of row tiedRows[i] (Figs 6–7 Setting 1:
     *  [0, 1, 0, 1] gives w₁ = w₃, w₂ = w₄). */
    tiedRows: z.array(intAtLeast(0)).optional(),
    gamma0: finite().optional(),
    frozenA: z.boolean({ error: 'true or false' }).default(false),
    optimizer: z.enum(['gd', 'sgd'], { error: "'gd' or 'sgd'" }).optional(),
    lr: positive().optional(),
    batch: intAtLeast(1).optional(),
    project: z.boolean({ error: 'true or false' }).optional(),
    steps: intAtLeast(1, 2 ** 40).optional(),
    tMax: positive().optional(),
    saveCount: intAtLeast(2, 100000).default(51),
    grid: z.enum(['uniform', 'log'], { error: "'uniform' or 'log'" }).default('uniform'),
    seeds: intAtLeast(1, 1 << 20).default(1),
    seed: intAtLeast(0).default(0),
    maxStepsPerCall: intAtLeast(1).optional(),
  })
  .superRefine((o, ctx) => {
    if ((o.alpha === undefined) === (o.alphaBar === undefined))
      ctx.addIssue({ code: 'custom', path: ['alpha'], message: 'exactly one of alpha = n/(md) and alphaBar = n/d' });
    if ((o.steps === undefined) === (o.tMax === undefined)) ctx.addIssue({ code: 'custom', path: ['tMax'], message: 'exactly one of tMax and steps' });
    if (Array.isArray(o.a0) && o.a0.length !== o.m) ctx.addIssue({ code: 'custom', path: ['a0'], message: `a number or m = ${o.m} values` });
    if (o.tiedRows && (o.tiedRows.length !== o.m || o.tiedRows.some((r) => r >= o.m)))
      ctx.addIssue({ code: 'custom', path: ['tiedRows'], message: `m = ${o.m} row indices < m` });
    if (o.a0 !== undefined && o.gamma0 !== undefined) ctx.addIssue({ code: 'custom', path: ['gamma0'], message: 'at most one of a0 and gamma0 (a0 = γ₀√m)' });
    if (o.model === 'gaussian' && o.optimizer === 'sgd')
      ctx.addIssue({ code: 'custom', path: ['optimizer'], message: "'gd' (the Gaussian model runs full-batch GD)" });
    if (o.model === 'gaussian' && o.h.length > 4) ctx.addIssue({ code: 'custom', path: ['h'], message: 'degree ≤ 3 for the Gaussian model' });
  });

export type SimulateInput = z.input<typeof simulateSchema>;

/** Validated, resolved options (all defaults filled in). */
export interface SimulateOptions {
  model: 'network' | 'gaussian';
  m: number;
  alpha: number;
  alphaBar: number;
  dim: number;
  /** Samples n = round(α m d). */
  n: number;
  tau: number;
  h: number[];
  phiHat: 'same' | 'none';
  /** a_i(0) (the mean when given per neuron); `a0s` holds the per-neuron values. */
  a0: number;
  a0s: number[];
  tiedRows?: number[];
  frozenA: boolean;
  optimizer: 'gd' | 'sgd';
  lr: number;
  batch: number;
  project: boolean;
  /** GF time per step. */
  dt: number;
  steps: number;
  tMax: number;
  saveCount: number;
  grid: 'uniform' | 'log';
  seeds: number;
  seed: number;
  maxStepsPerCall?: number;
}

/** Validate and resolve (one-line ParameterError on bad input; nothing allocated). */
export function simulateOptions(input: unknown): SimulateOptions {
  const o = parseOrThrow(simulateSchema, input);
  const d = o.dim;
  const alpha = o.alpha ?? o.alphaBar! / o.m;
  const alphaBar = o.alphaBar ?? o.alpha! * o.m;
  const n = Math.round(alphaBar * d);
  if (n < 1) throw new ParameterError('alpha', o.alpha ?? o.alphaBar, 'a value giving n = α m d ≥ 1 samples');
  if (n > 2 ** 31 - 1) throw new ParameterError('alpha', o.alpha ?? o.alphaBar, 'n = α m d < 2^31');
  for (const k of o.model === 'network' ? [1] : degreesPresent(o.h))
    if (n * d ** k > 2 ** 31 - 1) throw new ParameterError('dim', d, `n·d^${k} < 2^31 entries per data array (n = ${n})`);
  const optimizer = o.optimizer ?? 'gd';
  if (o.batch !== undefined && o.batch > n) throw new ParameterError('batch', o.batch, `an integer in [1, n] (n = α m d = ${n} samples)`);
  const batch = optimizer === 'sgd' ? Math.min(o.batch ?? 100, n) : n; // the default 100 is capped at n
  let lr: number;
  let dt: number;
  if (o.model === 'gaussian') {
    lr = o.lr ?? 0.05;
    dt = lr;
  } else {
    // GD default: Δt = 0.02 in GF time; SGD default: the paper's lr = 0.1
    lr = o.lr ?? (optimizer === 'sgd' ? 0.1 : 0.02 * (n / d));
    dt = (lr * d) / n;
  }
  const steps = o.steps ?? Math.round(o.tMax! / dt);
  if (steps > 2 ** 40) throw new ParameterError('tMax', o.tMax, `at most 2^40 steps (Δt = ${dt})`);
  if (steps < 1) throw new ParameterError('tMax', o.tMax, `a horizon of at least one step (Δt = ${dt})`);
  return {
    model: o.model,
    m: o.m,
    alpha,
    alphaBar,
    dim: d,
    n,
    tau: o.tau,
    h: o.h,
    phiHat: o.phiHat,
    a0: Array.isArray(o.a0) ? o.a0.reduce((x, y) => x + y, 0) / o.m : (o.a0 ?? (o.gamma0 !== undefined ? o.gamma0 * Math.sqrt(o.m) : 1)),
    a0s: Array.isArray(o.a0) ? [...o.a0] : new Array(o.m).fill(o.a0 ?? (o.gamma0 !== undefined ? o.gamma0 * Math.sqrt(o.m) : 1)),
    tiedRows: o.tiedRows,
    frozenA: o.frozenA,
    optimizer,
    lr,
    batch,
    project: o.project ?? (o.model === 'network' && optimizer === 'gd'),
    dt,
    steps,
    tMax: steps * dt,
    saveCount: o.saveCount,
    grid: o.grid,
    seeds: o.seeds,
    seed: o.seed,
    maxStepsPerCall: o.maxStepsPerCall,
  };
}

/** Save steps: 0 and `count − 1` further points up to `steps`, uniform or log-spaced (deduplicated). */
export function saveGrid(steps: number, count: number, grid: 'uniform' | 'log'): number[] {
  const out = new Set<number>([0]);
  for (let s = 1; s < count; s++) {
    const f = s / (count - 1);
    out.add(grid === 'uniform' ? Math.round(f * steps) : Math.round(Math.exp(f * Math.log(Math.max(steps, 1)))));
  }
  return [...out].filter((v) => v <= steps).sort((a, b) => a - b);
}

// ---------------------------------------------------------------- memory

const ALIGN = 64;
const al = (b: number) => Math.ceil(b / ALIGN) * ALIGN;

function degreesPresent(h: number[]): number[] {
  return [1, 2, 3].filter((k) => k < h.length && h[k] !== 0);
}

/** Data floats of one replicate (X or the J tensors). */
function dataLen(o: SimulateOptions): number[] {
  const { n, dim: d } = o;
  if (o.model === 'network') return [n * d];
  return degreesPresent(o.h).map((k) => n * d ** k);
}

/** One work buffer serves the run/train-error kernels and dsim_population (sizes: codegen/contract.mjs). */
function workLen(o: SimulateOptions): number {
  const { m, dim: d, n, batch: B } = o;
  const run = o.model === 'network' ? dsimNetWorkLen(m, d, n, B) : dsimGaussWorkLen(m, d, n);
  return Math.max(run, dsimPopulationWorkLen(m));
}

/** Wasm bytes a simulation allocates with `slots` concurrent replicates (upper bound). */
export function simulateMemoryBytes(o: SimulateOptions, slots: number): number {
  const { m, dim: d, n } = o;
  const per =
    dataLen(o).reduce((s, l) => s + al(l * 8), 0) +
    al(n * 8) * 2 + // y, ξ
    al(m * d * 8) +
    al(m * 8) +
    al(d * 8) +
    al(workLen(o) * 8) +
    al((n + 2) * 4) +
    2 * al(32) +
    al(8 * 8) +
    al(DSIM_PAR_LEN * 8);
  return al(DSIM_PAR_LEN * 8) * 2 + slots * per + ALIGN;
}

// ---------------------------------------------------------------- results

export interface SimReplicate {
  replicate: number;
  stream: number;
  status: SimStatus;
  stepsDone: number;
  /** Per save (NaN after a blow-up). */
  trainError: Float64Array;
  testError: Float64Array;
  a: Float64Array;
  v: Float64Array;
  Co: Float64Array;
}

export interface SimSummary {
  /** Mean and standard error (sd/√k) over the replicates with a finite value at each save. */
  trainError: Float64Array;
  trainErrorSE: Float64Array;
  testError: Float64Array;
  testErrorSE: Float64Array;
  a: Float64Array;
  aSE: Float64Array;
  v: Float64Array;
  vSE: Float64Array;
  Co: Float64Array;
  CoSE: Float64Array;
  /** γ = a/√m (mean). */
  gamma: Float64Array;
  /** Replicates contributing at each save. */
  count: Float64Array;
}

export interface SimResult {
  options: SimulateOptions;
  status: SimStatus;
  message?: string;
  /** Save steps and GF times t = ν·Δt. */
  stepsGrid: Float64Array;
  t: Float64Array;
  replicates: SimReplicate[];
  summary: SimSummary;
  rng: { scheme: string; simScheme: string; seed: string; data: string; batches: string };
  stats: { wasmBytes: number; slots: number; growsDuringStepping: number; wallMs: number };
}

export interface SimProgress {
  replicate: number;
  save: number;
  fraction: number;
}

export interface SimRunControl {
  onProgress?: (e: SimProgress) => void;
  signal?: AbortSignal;
  /** Called with each replicate as soon as it has run through (or blown up). */
  onReplicate?: (rep: SimReplicate) => void;
  /** Replicates finished by an interrupted earlier run of the same options (`--resume`): reused as
   *  they are (a replicate depends only on the options and its stream r), never recomputed. */
  resume?: readonly SimReplicate[];
}

export function summarize(reps: SimReplicate[], m: number, nsave: number): SimSummary {
  const stat = (key: 'trainError' | 'testError' | 'a' | 'v' | 'Co') => {
    const mean = new Float64Array(nsave);
    const se = new Float64Array(nsave);
    const cnt = new Float64Array(nsave);
    for (let s = 0; s < nsave; s++) {
      const v = reps.map((r) => r[key][s]).filter(Number.isFinite);
      const k = v.length;
      const mu = k ? v.reduce((x, y) => x + y, 0) / k : NaN;
      // One replicate has no spread to estimate: its s.e. is written 0 (as the kernel engine does),
      // never NaN (no non-finite value in the outputs).
      const sd = k > 1 ? Math.sqrt(v.reduce((x, y) => x + (y - mu) ** 2, 0) / (k - 1)) : 0;
      mean[s] = mu;
      se[s] = k > 0 ? sd / Math.sqrt(k) : NaN;
      cnt[s] = k;
    }
    return [mean, se, cnt] as const;
  };
  const [tr, trSE, count] = stat('trainError');
  const [ts, tsSE] = stat('testError');
  const [a, aSE] = stat('a');
  const [v, vSE] = stat('v');
  const [Co, CoSE] = stat('Co');
  return {
    trainError: tr,
    trainErrorSE: trSE,
    testError: ts,
    testErrorSE: tsSE,
    a,
    aSE,
    v,
    vSE,
    Co,
    CoSE,
    gamma: a.map((x) => x / Math.sqrt(m)),
    count,
  };
}

// ---------------------------------------------------------------- driver

async function simulate(
  rt: WasmRuntime,
  exec: Executor,
  input: SimulateOptions | unknown,
  ctl: SimRunControl,
  model: 'network' | 'gaussian',
): Promise<SimResult> {
  const o = isResolved(input) ? input : simulateOptions({ ...(input as object), model });
  if (o.model !== model) throw new ParameterError('model', o.model, `'${model}' for this entry point`);
  if (exec instanceof WorkerPool && !rt.shared) throw new Error('a WorkerPool needs the shared-memory runtime it was created on');
  const t0 = performance.now();
  const { m, dim: d, n } = o;
  const slots = Math.min(o.seeds, exec.width);
  const need = simulateMemoryBytes(o, slots);
  if (rt.arena.bytesInUse + need > rt.arena.budgetBytes) throw new MemoryBudgetError(rt.arena.bytesInUse + need, rt.arena.budgetBytes);
  const grid = saveGrid(o.steps, o.saveCount, o.grid);
  const nsave = grid.length;
  const A = rt.arena;
  const mark = A.mark();
  const [lo, hi] = seedHalves(o.seed);
  const degs = degreesPresent(o.h);
  try {
    const P = A.copyIn(
      paramsBlock({ m, d, n, h: o.h, lr: o.lr, batch: o.batch, trainA: !o.frozenA, project: o.project, tau: o.tau, signal: o.phiHat === 'same' }),
    );
    const P1 = A.copyIn(paramsBlock({ m: 1, d, n, h: o.h, lr: o.lr, batch: o.batch, trainA: false, project: false, tau: o.tau, signal: true }));
    interface Slot {
      data: number[];
      y: number;
      xi: number;
      W: number;
      a: number;
      u: number;
      work: number;
      perm: number;
      st: number;
      bst: number;
      out: number;
      one: number;
    }
    const sl: Slot[] = [];
    const WL = workLen(o);
    for (let s = 0; s < slots; s++) {
      sl.push({
        data: dataLen(o).map((l) => A.allocF64(l)),
        y: A.allocF64(n),
        xi: A.allocF64(n),
        W: A.allocF64(m * d),
        a: A.allocF64(m),
        u: A.allocF64(d),
        work: A.allocF64(WL),
        perm: A.alloc((n + 2) * 4),
        st: A.alloc(32),
        bst: A.alloc(32),
        out: A.allocF64(8),
        one: A.allocF64(1),
      });
    }
    const growsAfterAlloc = A.growCount;
    const reps: SimReplicate[] = Array.from({ length: o.seeds }, (_, r) => ({
      replicate: r,
      stream: r,
      status: 'Success' as SimStatus,
      stepsDone: 0,
      trainError: new Float64Array(nsave).fill(NaN),
      testError: new Float64Array(nsave).fill(NaN),
      a: new Float64Array(nsave).fill(NaN),
      v: new Float64Array(nsave).fill(NaN),
      Co: new Float64Array(nsave).fill(NaN),
    }));
    const J = (x: Slot, k: number) => (degs.includes(k) ? x.data[degs.indexOf(k)] : 0);
    const chunkMax = Math.max(1, o.maxStepsPerCall ?? Math.max(1, Math.floor(3e8 / Math.max(1, costPerStep(o)))));
    const total = o.steps * o.seeds;
    let doneAll = 0;
    // Gaussian model: the train error at a save (other than the last) is the one dsim_gauss_run leaves
    // in work[0] from the first forward pass of the next run call (the state on entry = the saved
    // state; same operations, same value), not a separate pass over the J's (half the cost of a step).
    const gaussTrain = (x: Slot) => exec.call('dsim_gauss_train_error', P, J(x, 1), J(x, 2), J(x, 3), x.y, x.W, x.a, x.work);
    const measure = async (x: Slot, rep: SimReplicate, s: number, deferTrain: boolean) => {
      const tr = deferTrain ? NaN : o.model === 'network' ? await exec.call('dsim_net_train_error', P, x.data[0], x.y, x.W, x.a, x.work) : await gaussTrain(x);
      await exec.call('dsim_population', P, x.W, x.a, x.u, x.work, x.out);
      const v = A.f64(x.out, 4);
      rep.trainError[s] = tr;
      rep.testError[s] = v[0];
      rep.a[s] = v[1];
      rep.v[s] = v[2];
      rep.Co[s] = v[3];
    };
    const runReplicate = async (x: Slot, r: number) => {
      const rep = reps[r];
      // ---- data (stream r)
      await exec.call('rng_seed', x.st, lo, hi, r);
      await exec.call('rng_fill_normal', x.st, x.u, d);
      await exec.call('dsim_normalize_rows', x.u, 1, d);
      await exec.call('rng_fill_normal', x.st, x.W, m * d);
      await exec.call('dsim_normalize_rows', x.W, m, d);
      const lens = dataLen(o);
      for (let i = 0; i < lens.length; i++) await exec.call('rng_fill_normal', x.st, x.data[i], lens[i]);
      // J^(2): stored symmetrised, (J + Jᵀ)/2 per sample (the kernel's contract; same model, D39).
      if (o.model === 'gaussian' && degs.includes(2)) symmetrizeJ2(A.f64(J(x, 2), n * d * d), n, d);
      await exec.call('rng_fill_normal', x.st, x.xi, n);
      if (o.tiedRows) {
        const W = A.f64(x.W, m * d);
        o.tiedRows.forEach((src, i) => {
          if (src !== i) W.copyWithin(i * d, src * d, src * d + d);
        });
      }
      A.f64(x.a, m).set(o.a0s);
      if (o.model === 'network') {
        A.f64(x.y, n).set(A.f64(x.xi, n));
        await exec.call('dsim_net_labels', P, x.data[0], x.u, x.y);
      } else {
        const yv = A.f64(x.y, n);
        yv.fill(0);
        if (o.phiHat === 'same') {
          A.f64(x.one, 1)[0] = 1;
          await exec.call('dsim_gauss_train_error', P1, J(x, 1), J(x, 2), J(x, 3), x.y, x.u, x.one, x.work);
          yv.set(A.f64(x.work, n)); // F(u) = f^g with m = 1, a = 1
        }
        const xv = A.f64(x.xi, n);
        for (let i = 0; i < n; i++) yv[i] += o.tau * xv[i];
      }
      // ---- batch stream, identity permutation, pos = n (shuffle first)
      await exec.call('rng_seed', x.bst, lo, hi, r);
      await exec.call('rng_long_jump', x.bst);
      const pv = A.i32(x.perm, n + 1);
      for (let i = 0; i < n; i++) pv[i] = i;
      pv[n] = n;
      // ---- steps
      let nu = 0;
      let pending = -1; // save whose train error the next dsim_gauss_run call reports
      for (let s = 0; s < nsave; s++) {
        while (nu < grid[s]) {
          if (await stopRequested(ctl.signal)) {
            if (pending >= 0) rep.trainError[pending] = await gaussTrain(x); // still the saved state
            rep.status = 'Terminated';
            return;
          }
          const k = Math.min(chunkMax, grid[s] - nu);
          const rc =
            o.model === 'network'
              ? await exec.call('dsim_net_run', P, x.data[0], x.y, x.W, x.a, k, x.work, x.perm, x.bst)
              : await exec.call('dsim_gauss_run', P, J(x, 1), J(x, 2), J(x, 3), x.y, x.W, x.a, k, x.work);
          if (pending >= 0) {
            rep.trainError[pending] = A.f64(x.work, 1)[0];
            const bad = !Number.isFinite(rep.trainError[pending]);
            pending = -1;
            if (bad) {
              rep.status = 'Unstable';
              rep.stepsDone = nu;
              doneAll += k;
              return;
            }
          }
          if (rc !== 0) {
            rep.status = 'Unstable';
            rep.stepsDone = nu + rc;
            doneAll += k;
            return;
          }
          nu += k;
          rep.stepsDone = nu;
          doneAll += k;
          ctl.onProgress?.({ replicate: r, save: s, fraction: total ? doneAll / total : 1 });
        }
        const defer = o.model === 'gaussian' && s < nsave - 1;
        await measure(x, rep, s, defer);
        if (defer) pending = s;
        if (![defer ? 0 : rep.trainError[s], rep.testError[s], rep.a[s]].every(Number.isFinite)) {
          rep.status = 'Unstable';
          return;
        }
      }
    };
    const reused = new Set<number>();
    for (const old of ctl.resume ?? []) {
      const r = old?.replicate;
      if (!Number.isInteger(r) || r < 0 || r >= o.seeds || (old.status !== 'Success' && old.status !== 'Unstable')) continue;
      if (![old.trainError, old.testError, old.a, old.v, old.Co].every((v) => v instanceof Float64Array && v.length === nsave)) continue;
      reps[r] = { ...old, replicate: r, stream: r };
      reused.add(r);
      doneAll += o.steps;
    }
    const todo = Array.from({ length: o.seeds }, (_, r) => r).filter((r) => !reused.has(r));
    let next = 0;
    await Promise.all(
      sl.map(async (x) => {
        while (next < todo.length) {
          const r = todo[next++];
          await runReplicate(x, r);
          if (reps[r].status !== 'Terminated') ctl.onReplicate?.(reps[r]);
        }
      }),
    );
    const growsDuringStepping = A.growCount - growsAfterAlloc;
    const unstable = reps.filter((r) => r.status === 'Unstable').length;
    const terminated = reps.some((r) => r.status === 'Terminated');
    // Outputs hold no NaN padding: replicates that blew up are left out when others ran through
    // (they are counted in the message); otherwise every record is cut at the last save that all
    // kept replicates reached with finite values (a blow-up, or the stop of a terminated run).
    // Kept: the replicates that ran through; when none did, those stopped by the signal (cut at the
    // last save they all reached); when all blew up, all of them (cut at the last finite save).
    const good = reps.filter((r) => r.status === 'Success');
    const stopped = reps.filter((r) => r.status === 'Terminated');
    const kept = good.length ? good : stopped.length ? stopped : reps;
    const finiteRows = (r: SimReplicate) => {
      let i = 0;
      while (i < nsave && [r.trainError[i], r.testError[i], r.a[i], r.v[i], r.Co[i]].every(Number.isFinite)) i++;
      return i;
    };
    const rows = kept.length ? Math.min(...kept.map(finiteRows)) : 0;
    const cut = (r: SimReplicate): SimReplicate => ({
      ...r,
      trainError: r.trainError.slice(0, rows),
      testError: r.testError.slice(0, rows),
      a: r.a.slice(0, rows),
      v: r.v.slice(0, rows),
      Co: r.Co.slice(0, rows),
    });
    const out = kept.map(cut);
    return {
      options: o,
      status: terminated ? 'Terminated' : unstable ? 'Unstable' : 'Success',
      message: terminated
        ? `${TERMINATED_MESSAGE} (${good.length ? `${good.length} of ${o.seeds} replicates finished` : `${rows} saves kept`})`
        : unstable
          ? good.length
            ? `${unstable} of ${o.seeds} replicates blew up and are left out (${good.length} kept)`
            : `${unstable} of ${o.seeds} replicates blew up (records cut at the last finite save, ${rows} of ${nsave})`
          : undefined,
      stepsGrid: Float64Array.from(grid.slice(0, rows)),
      t: Float64Array.from(grid.slice(0, rows), (g) => g * o.dt),
      replicates: out,
      summary: summarize(out, m, rows),
      rng: {
        scheme: RNG_SCHEME,
        simScheme: DSIM_RNG_SCHEME,
        seed: toSeed(o.seed).toString(),
        data: `replicate r = stream r: polar normals u (d), W0 (m·d), ${o.model === 'network' ? 'X (n·d)' : `J^(k) (n·d^k) for k ∈ {${degs.join(',')}}`}, ξ (n)`,
        batches: 'stream r + one long_jump: Fisher–Yates per epoch, batches in order, last batch of an epoch n mod B rows (no drop_last)',
      },
      stats: { wasmBytes: need, slots, growsDuringStepping, wallMs: performance.now() - t0 },
    };
  } finally {
    A.reset(mark);
  }
}

function costPerStep(o: SimulateOptions): number {
  const { m, dim: d, n, batch } = o;
  if (o.model === 'network') return 4 * Math.min(batch, n) * m * d + 20 * Math.min(batch, n) * m;
  return n * degreesPresent(o.h).reduce((s, k) => s + 4 * m * d ** k, 0) + 4 * n * m * d;
}

function isResolved(x: unknown): x is SimulateOptions {
  return !!x && typeof x === 'object' && 'dt' in x && 'n' in x;
}

/** The real network (§11.1). `input`: a SimulateInput (validated here) or resolved options. */
export function simulateNetwork(rt: WasmRuntime, exec: Executor, input: SimulateInput | SimulateOptions, ctl: SimRunControl = {}): Promise<SimResult> {
  return simulate(rt, exec, input, ctl, 'network');
}

/** GD on the Gaussian-process model (§11.2). */
export function simulateGaussianModel(rt: WasmRuntime, exec: Executor, input: SimulateInput | SimulateOptions, ctl: SimRunControl = {}): Promise<SimResult> {
  return simulate(rt, exec, input, ctl, 'gaussian');
}

/** Either model, by `model`. */
export function runSimulation(rt: WasmRuntime, exec: Executor, input: SimulateInput | SimulateOptions, ctl: SimRunControl = {}): Promise<SimResult> {
  const o = isResolved(input) ? input : simulateOptions(input);
  return simulate(rt, exec, o, ctl, o.model);
}

/** The flat contract JSON: arrays aligned to "t". */
export function simulationJSON(res: SimResult): Record<string, unknown> {
  const s = res.summary;
  return {
    status: res.status,
    message: res.message,
    model: res.options.model,
    t: res.t,
    trainError: s.trainError,
    testError: s.testError,
    a: s.a,
    v: s.v,
    Co: s.Co,
    trainErrorSE: s.trainErrorSE,
    testErrorSE: s.testErrorSE,
    aSE: s.aSE,
    vSE: s.vSE,
    CoSE: s.CoSE,
    gamma: s.gamma,
    count: s.count,
    options: res.options,
    replicates: res.replicates.map((r) => ({
      replicate: r.replicate,
      status: r.status,
      stepsDone: r.stepsDone,
      trainError: r.trainError,
      testError: r.testError,
      a: r.a,
      v: r.v,
      Co: r.Co,
    })),
    rng: res.rng,
  };
}
