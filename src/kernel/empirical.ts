// Empirical World (kernel.md §6): gradient flow on n samples from one spectral decomposition,
// train error (K19), exact L² test error (K22), Monte-Carlo test error with its standard error,
// the discrete-GD filter (K21) beside the flow. One replicate = one seed stream.
import type { WasmRuntime } from '../wasm/runtime.js';
import type { Executor } from '../wasm/exec.js';
import type { KernelProblem } from './problem.js';
import { EIGH_WORK, GRAM_PARTS, MC_CHUNK, eighSolver, filterColumns, lanczosCap } from './memory.js';
import { flowFilter, flowResidual, gdFilter, gdResidual, maxStableLr } from './filters.js';
import type { WasmTerm } from './setup.js';
import type { KernelSetup } from './setup.js';
import { seedStream } from '../rng/index.js';
import { GRAM_FLAG, GRAM_TERM_F64 } from '../gen/kernel_layout.js';
import {
  eighBlkOn,
  eighDcOn,
  eighDcPtrParallel,
  eighPtr,
  eighPtrParallel,
  GEMM_WS_F64,
  gemmNtOn,
  gemmOn,
  gemmSmallPtr,
  gemvPtr,
  gramStrips,
  lanczosStepsOn,
  tridiagSolvePtr,
} from '../linalg/index.js';

import { stopRequested, type Status } from '../core/contract.js';

export interface ReplicateResult {
  status: Status;
  message?: string;
  /** Arrays over the time grid (length T), then the value at t = ∞. */
  train: Float64Array;
  testExact?: Float64Array;
  testMC?: Float64Array;
  testMCSE?: Float64Array;
  gdTrain?: Float64Array;
  gdTest?: Float64Array;
  atInfinity: { train: number; test: number | null };
  /** Train error at t = 0 (mean y²) and exact test error at 0 (‖f_d‖²), for the G7 limits. */
  stats: {
    method: 'eigh' | 'lanczos';
    lambdaMax: number;
    lambdaMin: number;
    clipped: number;
    condition: number;
    maxStableLr: number;
    gdLr: number | null;
    /** GD is stable iff η < 2n/λ_max (K21); null when GD is off. */
    gdStable: boolean | null;
    lanczosSteps?: number;
    lanczosResidual?: number;
    meanY2: number;
  };
  timings: Record<string, number>;
}

/** Buffers of one replicate, all allocated before any computation starts. */
interface Buffers {
  state: number;
  X: number;
  y: number;
  b: number;
  K: number;
  G: number;
  lam: number;
  ytil: number;
  work: number;
  F: number;
  A: number;
  /** Kernel-map coefficient arrays, one per term, then the M map's (sphere). */
  coefs: number[];
  mCoef: number;
  /** Map records of the fused Gram (gram_kmap_pk_f64): the kernel terms, then the M term (sphere). */
  gramTerms: number;
  gramM: number;
  Q?: number;
  S?: number;
  /** Lanczos scratch: α, β, z, θ (cap each), two n-vectors. */
  lz?: { alpha: number; beta: number; z: number; theta: number; av: number; rv: number; solveWork: number };
  mcX?: number;
  mcS?: number;
  mcK?: number;
  mcP?: number;
}

/** Eigensolver/Lanczos workspace (f64): the 2-worker eigh needs 7n, Lanczos n + cap ≤ 2n. */
export { EIGH_WORK };

/** Every buffer a replicate touches, allocated up front: replicates run concurrently on a LIFO
 *  arena, and memory never grows while a replicate computes. */
export function allocateReplicate(rt: WasmRuntime, p: KernelProblem, setup: KernelSetup, method: 'eigh' | 'lanczos'): Buffers {
  const a = rt.arena;
  const n = p.samples;
  const d = p.dim;
  const C = filterColumns(p);
  const buf: Buffers = {
    state: a.alloc(64),
    X: a.allocF64(n * d),
    y: a.allocF64(n),
    b: a.allocF64(n),
    K: a.allocF64(n * n),
    G: a.allocF64(n * n),
    lam: a.allocF64(n),
    ytil: a.allocF64(n),
    work: a.allocF64(EIGH_WORK(n, method === 'eigh' ? eighSolver(p) : 'ql')),
    F: a.allocF64(n * C),
    A: a.allocF64(n * C),
    coefs: setup.kernelTerms.map((t) => a.copyIn(t.coef.length ? t.coef : [0])),
    mCoef: setup.mTerm ? a.copyIn(setup.mTerm.coef) : 0,
    gramTerms: 0,
    gramM: 0,
  };
  buf.gramTerms = a.copyIn(gramRecords(setup.kernelTerms, buf.coefs));
  if (setup.mTerm) buf.gramM = a.copyIn(gramRecords([setup.mTerm], [buf.mCoef]));
  if (method === 'lanczos') {
    const m = lanczosCap(p);
    buf.Q = a.allocF64(Math.min(m + 1, n) * n); // lanczos_f64 writes q_{j+1} after step j
    buf.S = a.allocF64(m * m);
    buf.lz = {
      alpha: a.allocF64(m),
      beta: a.allocF64(m + 1),
      z: a.allocF64(m),
      theta: a.allocF64(m),
      av: a.allocF64(n),
      rv: a.allocF64(n),
      solveWork: a.allocF64(2 * m),
    };
  }
  if (p.testPoints > 0) {
    const ct = Math.min(MC_CHUNK, p.testPoints);
    buf.mcX = a.allocF64(ct * d);
    buf.mcS = a.allocF64(ct * n);
    buf.mcK = a.allocF64(ct * n);
    buf.mcP = a.allocF64(ct * C);
  }
  return buf;
}

const now = () => performance.now();

/** Map records of gram_kmap_pk_f64 (GRAM_TERM_F64 f64 each: kind, p0, coef pointer, ncoef, weight). */
function gramRecords(terms: WasmTerm[], coefPtrs: number[]): Float64Array {
  const r = new Float64Array(Math.max(1, terms.length) * GRAM_TERM_F64);
  terms.forEach((t, q) => r.set([t.kind, t.p0, coefPtrs[q], t.coef.length, t.weight], q * GRAM_TERM_F64));
  return r;
}

/** Apply the kernel h = Σ terms to the similarities in `src` (count entries) into `dst`, in one
 *  chunk per worker (elementwise, so any split gives identical bits). */
async function applyKernel(ex: Executor, terms: WasmTerm[], src: number, dst: number, count: number, coefPtr: number[]) {
  const parts = Math.max(1, Math.min(ex.width, Math.floor(count / 65536)));
  // Chunk starts on multiples of 8 entries: SIMD lanes and remainders fall the same way as in one call.
  const bounds = Array.from({ length: parts + 1 }, (_, k) => (k === parts ? count : Math.round((count * k) / parts / 8) * 8));
  await Promise.all(
    bounds.slice(0, parts).map(async (lo, k) => {
      const len = bounds[k + 1] - lo;
      for (let i = 0; i < terms.length; i++) {
        const t = terms[i];
        const off = lo * 8;
        await ex.call('kmap_f64', src + off, dst + off, len, t.kind, t.p0, coefPtr[i], t.coef.length, t.weight, i === 0 ? 0 : 1);
      }
    }),
  );
}

/** Run one replicate. `onProgress` receives fractions in [0, 1]. */
/** A replicate stopped by the signal between phases: no curves (it is dropped by the solve). */
function terminatedReplicate(method: 'eigh' | 'lanczos', T: number, timings: Record<string, number>): ReplicateResult {
  const stats: ReplicateResult['stats'] = {
    method,
    lambdaMax: NaN,
    lambdaMin: NaN,
    clipped: 0,
    condition: NaN,
    maxStableLr: NaN,
    gdLr: null,
    gdStable: null,
    meanY2: NaN,
  };
  return { status: 'Terminated', message: 'terminated', train: new Float64Array(T), atInfinity: { train: NaN, test: null }, stats, timings };
}

export async function runReplicate(
  rt: WasmRuntime,
  ex: Executor,
  p: KernelProblem,
  setup: KernelSetup,
  buf: Buffers,
  replicate: number,
  method: 'eigh' | 'lanczos',
  onProgress: (f: number) => void = () => {},
  signal?: AbortSignal,
): Promise<ReplicateResult> {
  const E = rt.exports;
  const a = rt.arena;
  const n = p.samples;
  const d = p.dim;
  const T = p.tCount;
  const times = setup.times; // length T, then ∞ appended below
  const C1 = T + 1;
  const withGd = p.gdLr !== null;
  const C = filterColumns(p);
  const timings: Record<string, number> = {};
  let t0 = now();

  // 1. Data: x on S^{d−1}(√d) or {±1}^d, labels y = f_d(x) + σ ε (K1, K2). Stream = replicate index.
  seedStream(rt, buf.state, p.seed, replicate);
  if (p.domain === 'sphere') E.sample_sphere_rows(buf.state, buf.X, n, d);
  else E.sample_hypercube_rows(buf.state, buf.X, n, d);
  E.rng_fill_normal(buf.state, buf.y, n);
  const fx = setup.targetAt(a.f64(buf.X, n * d), n);
  const y = a.f64(buf.y, n);
  let meanY2 = 0;
  for (let i = 0; i < n; i++) {
    y[i] = fx.value[i] + p.noiseSd * y[i];
    meanY2 += y[i] * y[i];
  }
  meanY2 /= n;
  a.f64(buf.b, n).set(fx.smoothed); // b_i = (H f_d)(x_i) (K22)
  timings.data = now() - t0;
  if (await stopRequested(signal)) return terminatedReplicate(method, T, timings);

  // 2. Gram G = XXᵀ/d (strips over the executor's workers), diag set to exactly 1 (§11.1),
  //    K = h(G); G is then mapped in place to M = m(G) for the exact test error (K22).
  //    One fused kernel (gram_kmap_pk_f64, issue 12): the lower triangle on the packed GEMM, and on
  //    each block as soon as it is final (in cache) the unit diagonal, K = Σ h_t, M = m(G) in place
  //    (sphere) and the mirror of both: each map runs on n(n+1)/2 entries, no pass over memory.
  //    One GEMM workspace per concurrent strip inside buf.work (free until step 3).
  t0 = now();
  const parts = Math.min(ex.width, GRAM_PARTS);
  const mInGram = p.exactTest && setup.mTerm ? buf.gramM : 0;
  const flags = GRAM_FLAG.UNIT_DIAG | GRAM_FLAG.MIRROR_K | (p.exactTest ? GRAM_FLAG.MIRROR_G : 0);
  {
    // Rows are independent, so more strips change no bit; ~1e9 multiply-adds per round keeps a signal
    // seen within about a second at large n (n = 8000, d = 400: 13 rounds instead of one call).
    const rounds = Math.max(1, Math.ceil((n * n * d) / 2 / 1e9));
    const fine = stripBounds(n, parts * rounds);
    for (let i = 0; i < fine.length; i += parts) {
      await Promise.all(
        fine
          .slice(i, i + parts)
          .map(([r0, r1], k) =>
            ex.call(
              'gram_kmap_pk_f64',
              buf.X,
              n,
              d,
              buf.G,
              1 / d,
              r0,
              r1,
              buf.work + 8 * k * GEMM_WS_F64,
              buf.K,
              buf.gramTerms,
              setup.kernelTerms.length,
              mInGram,
              flags,
            ),
          ),
      );
      if (rounds > 1 && (await stopRequested(signal))) return terminatedReplicate(method, T, timings);
    }
  }
  const coefPtrs = buf.coefs;
  timings.gram = now() - t0;
  if (await stopRequested(signal)) return terminatedReplicate(method, T, timings);
  t0 = now();
  // hypercube: M's map is not a kernel-map record (setup.mapM), applied to the mirrored G
  if (p.exactTest && !mInGram) setup.mapM(rt, buf.G, n * n);
  timings.kernelMaps = now() - t0;
  onProgress(0.1);
  if (await stopRequested(signal)) return terminatedReplicate(method, T, timings);

  // 3. Spectral decomposition.
  t0 = now();
  const tolFactor = n * 2.220446049250313e-16;
  let lam: Float64Array;
  let lanczosSteps: number | undefined;
  let lanczosResidual: number | undefined;
  let status: Status = 'Success';
  let message: string | undefined;
  if (method === 'eigh') {
    // One replicate at a time with idle workers: split the solver over two of them (bitwise equal
    // to one thread). Divide and conquer when its scratch fits the budget (eighSolver).
    const split = ex.width > 1 && Math.min(p.seeds, p.threads) === 1;
    const info =
      eighSolver(p) === 'dc'
        ? split
          ? await eighDcPtrParallel(rt, ex, buf.K, n, buf.lam, buf.work)
          : await eighDcOn(ex, buf.K, n, buf.lam, buf.work)
        : split
          ? await eighPtrParallel(rt, ex, buf.K, n, buf.lam, buf.work, Math.min(ex.width, 2))
          : await eighBlkOn(ex, buf.K, n, buf.lam, buf.work);
    if (info !== 0) {
      status = 'NotConverged';
      message = `eigensolver did not converge (info ${info})`;
    }
    lam = a.f64(buf.lam, n).slice();
    // ỹ = Vᵀy (eigenvectors are the columns of V stored in K).
    gemmSmallPtr(rt, buf.y, buf.K, buf.ytil, 1, n, n, 1, 0);
  } else {
    const r = await lanczosDecompose(rt, ex, p, buf, (f) => onProgress(0.1 + 0.6 * f), signal);
    lam = r.theta;
    lanczosSteps = r.steps;
    lanczosResidual = r.residual;
    if (!r.converged) {
      status = 'NotConverged';
      message = `Lanczos residual ${r.residual.toExponential(2)} above ${p.lanczosTol} after ${r.steps} steps`;
    }
  }
  timings.eigen = now() - t0;
  onProgress(0.7);
  if (await stopRequested(signal)) return terminatedReplicate(method, T, timings);

  const m = lam.length; // n for eigh, the Krylov dimension for Lanczos
  const ytil = a.f64(buf.ytil, m).slice();
  let lambdaMax = -Infinity;
  let lambdaMin = Infinity;
  let nonFinite = false;
  for (const l of lam) {
    if (!Number.isFinite(l)) nonFinite = true;
    if (l > lambdaMax) lambdaMax = l;
    if (l < lambdaMin) lambdaMin = l;
  }
  const tol = tolFactor * Math.max(lambdaMax, 1e-300);
  let clipped = 0;
  for (let i = 0; i < m; i++) {
    if (lam[i] < 0) {
      if (lam[i] < -tol) clipped++;
      if (p.eigenClip === 'clip') lam[i] = 0;
      else if (p.eigenClip === 'abs') lam[i] = -lam[i];
    }
  }
  if (nonFinite) {
    status = 'Unstable';
    message = 'non-finite eigenvalues (kernel matrix has NaN/∞ entries)';
  } else if (clipped > 0 && p.eigenClip === 'error') {
    status = 'Unstable';
    message = `${clipped} eigenvalues below −${tol.toExponential(2)} (min ${lambdaMin.toExponential(3)}) with eigenClip 'error'`;
  }
  const etaMax = maxStableLr(lambdaMax, n);
  const eta = p.gdLr === null ? null : p.gdLr === 'auto' ? 0.5 * etaMax : p.gdLr;
  const stats: ReplicateResult['stats'] = {
    method,
    lambdaMax,
    lambdaMin,
    clipped,
    condition: lambdaMin > 0 ? lambdaMax / lambdaMin : Infinity,
    maxStableLr: etaMax,
    gdLr: eta,
    gdStable: eta === null ? null : eta < etaMax,
    lanczosSteps,
    lanczosResidual,
    meanY2,
  };
  const empty = new Float64Array(T);
  if (status === 'Unstable') {
    return { status, message, train: empty, atInfinity: { train: NaN, test: null }, stats, timings };
  }

  // 4. Train error from the spectrum (K19; GD: K21). ỹ² weights: (v_iᵀy)² (eigh) or ‖y‖² s_{0i}² (Lanczos).
  const tAll = [...times, Infinity];
  const w2 = ytil.map((v) => v * v);
  const train = new Float64Array(C1);
  const gdTrain = withGd ? new Float64Array(C1) : undefined;
  for (let c = 0; c < C1; c++) {
    let s = 0;
    let sg = 0;
    for (let i = 0; i < m; i++) {
      s += flowResidual(lam[i], tAll[c], n, tol) ** 2 * w2[i];
      if (gdTrain) sg += gdResidual(lam[i], tAll[c], n, eta!, tol) ** 2 * w2[i];
    }
    // Lanczos: the Krylov space holds y exactly, so Σ w2 = ‖y‖² and the same formula applies.
    train[c] = s / n;
    if (gdTrain) gdTrain[c] = sg / n;
  }

  // 5. Coefficients a_t = V diag(g_t(λ)) Vᵀ y for all times at once: F[i,c] = g_{t_c}(λ_i) ỹ_i, A = V F.
  t0 = now();
  {
    const F = a.f64(buf.F, m * C);
    for (let i = 0; i < m; i++) {
      for (let c = 0; c < C1; c++) {
        F[i * C + c] = flowFilter(lam[i], tAll[c], n, tol) * ytil[i];
        if (withGd) F[i * C + C1 + c] = gdFilter(lam[i], tAll[c], n, eta!, tol) * ytil[i];
      }
    }
  }
  if (method === 'eigh') {
    // row strips over the workers (multiples of 8 rows: the same bits as one call, as for M·A below)
    await Promise.all(stripBounds(n, ex.width, false).map(([r0, r1]) => gemmOn(ex, buf.K + r0 * n * 8, buf.F, buf.A + r0 * C * 8, r1 - r0, n, C, 1, 0)));
  } else {
    // V = Qᵀ S (Q rows are the Lanczos vectors, m × n): A = Qᵀ (S F), formed as Aᵀ = (S F)ᵀ Q.
    const SF = buf.K;
    await gemmOn(ex, buf.S!, buf.F, SF, m, m, C, 1, 0);
    transposeInPlaceTo(a.f64(SF, m * C), m, C, a.f64(buf.F, m * C));
    await gemmOn(ex, buf.F, buf.Q!, SF, C, m, n, 1, 0);
    transposeInPlaceTo(a.f64(SF, C * n), C, n, a.f64(buf.A, n * C));
  }
  timings.coefficients = now() - t0;
  if (await stopRequested(signal)) return terminatedReplicate(method, T, timings);

  // 6. Exact L² test error (K22): aᵀMa − 2aᵀb + ‖f_d‖², with MA = M·A computed in one product.
  let testExact: Float64Array | undefined;
  let gdTest: Float64Array | undefined;
  if (p.exactTest) {
    t0 = now();
    await Promise.all(stripBounds(n, ex.width, false).map(([r0, r1]) => gemmOn(ex, buf.G + r0 * n * 8, buf.A, buf.F + r0 * C * 8, r1 - r0, n, C, 1, 0)));
    const A = a.f64(buf.A, n * C);
    const MA = a.f64(buf.F, n * C);
    const b = a.f64(buf.b, n);
    const all = new Float64Array(C);
    for (let i = 0; i < n; i++) {
      const bi = b[i];
      const row = i * C;
      for (let c = 0; c < C; c++) all[c] += A[row + c] * (MA[row + c] - 2 * bi);
    }
    for (let c = 0; c < C; c++) all[c] += setup.targetNorm2;
    testExact = all.slice(0, C1);
    if (withGd) gdTest = all.slice(C1, 2 * C1);
    timings.exactTest = now() - t0;
  }
  onProgress(0.8);
  if (await stopRequested(signal)) return terminatedReplicate(method, T, timings);

  // 7. Monte-Carlo test error on fresh points from the same stream (§11.5a).
  let testMC: Float64Array | undefined;
  let testMCSE: Float64Array | undefined;
  if (p.testPoints > 0) {
    t0 = now();
    const sum = new Float64Array(C);
    const sum2 = new Float64Array(C);
    let done = 0;
    while (done < p.testPoints) {
      const ct = Math.min(MC_CHUNK, p.testPoints - done);
      if (p.domain === 'sphere') E.sample_sphere_rows(buf.state, buf.mcX!, ct, d);
      else E.sample_hypercube_rows(buf.state, buf.mcX!, ct, d);
      await gemmNtOn(ex, buf.mcX!, buf.X, buf.mcS!, ct, d, n, 1 / d, 0);
      await applyKernel(ex, setup.kernelTerms, buf.mcS!, buf.mcK!, ct * n, coefPtrs);
      await gemmOn(ex, buf.mcK!, buf.A, buf.mcP!, ct, n, C, 1, 0);
      const ft = setup.targetAt(a.f64(buf.mcX!, ct * d), ct).value;
      const P = a.f64(buf.mcP!, ct * C);
      for (let j = 0; j < ct; j++) {
        for (let c = 0; c < C; c++) {
          const e = (P[j * C + c] - ft[j]) ** 2;
          sum[c] += e;
          sum2[c] += e * e;
        }
      }
      done += ct;
      onProgress(0.8 + (0.2 * done) / p.testPoints);
      if (await stopRequested(signal)) return terminatedReplicate(method, T, timings);
    }
    const N = p.testPoints;
    testMC = new Float64Array(C1);
    testMCSE = new Float64Array(C1);
    for (let c = 0; c < C1; c++) {
      const mean = sum[c] / N;
      testMC[c] = mean;
      testMCSE[c] = N > 1 ? Math.sqrt(Math.max(0, sum2[c] / N - mean * mean) / (N - 1)) : 0;
    }
    if (!gdTest && withGd && !p.exactTest) gdTest = Float64Array.from({ length: C1 }, (_, c) => sum[C1 + c] / N);
    timings.mcTest = now() - t0;
  }
  onProgress(1);

  const split = (v: Float64Array | undefined) => (v ? v.slice(0, T) : undefined);
  const inf = (v: Float64Array | undefined) => (v ? v[T] : null);
  return {
    status,
    message,
    train: train.slice(0, T),
    testExact: split(testExact),
    testMC: split(testMC),
    testMCSE: split(testMCSE),
    gdTrain: split(gdTrain),
    gdTest: split(gdTest),
    atInfinity: { train: train[T], test: inf(testExact) ?? inf(testMC) },
    stats,
    timings,
  };
}

/** out = transpose of the rows × cols row-major matrix src (out is cols × rows). */
function transposeInPlaceTo(src: Float64Array, rows: number, cols: number, out: Float64Array): void {
  const tmp = src.slice(0, rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = tmp[i * cols + j];
}

/** Row strips [r0, r1) for the executor's workers: equal work on a lower triangle (the Gram
 *  kernel's split, multiples of 4) or equal row counts on multiples of 8, so a split gives the same
 *  bits as one call (rows stay in the kernels' main 4-row tiles). */
export function stripBounds(n: number, parts: number, triangle = true): [number, number][] {
  const b = triangle ? gramStrips(n, parts) : [...Array.from({ length: parts }, (_, k) => Math.min(n, Math.round((n * k) / parts / 8) * 8)), n];
  const out: [number, number][] = [];
  for (let k = 0; k + 1 < b.length; k++) if (b[k + 1] > b[k]) out.push([b[k], b[k + 1]]);
  return out;
}

/** Lanczos on K with q₀ = y/‖y‖ (full reorthogonalisation), stopped when the t = ∞ coefficient
 *  a_∞ = ‖y‖ Q_mᵀ T_m⁻¹ e₀ solves K a = y to `lanczosTol` (the hardest column: g = 1/λ). Fills
 *  buf.S with the eigenvectors of T_m and buf.ytil with ‖y‖·S[0,:], returns the Ritz values. */
async function lanczosDecompose(
  rt: WasmRuntime,
  ex: Executor,
  p: KernelProblem,
  buf: Buffers,
  onProgress: (f: number) => void,
  signal?: AbortSignal,
): Promise<{ theta: Float64Array; steps: number; residual: number; converged: boolean }> {
  const a = rt.arena;
  const n = p.samples;
  const cap = lanczosCap(p);
  const { alpha, beta, z, av, rv, theta, solveWork } = buf.lz!;
  const y = a.f64(buf.y, n);
  let ynorm = 0;
  for (let i = 0; i < n; i++) ynorm += y[i] * y[i];
  ynorm = Math.sqrt(ynorm);
  {
    const q0 = a.f64(buf.Q!, n);
    for (let i = 0; i < n; i++) q0[i] = y[i] / ynorm;
  }
  let steps = 0;
  let residual = Infinity;
  const chunk = 32;
  while (steps < cap) {
    const want = Math.min(cap, steps + chunk);
    const got = await lanczosStepsOn(ex, buf.K, n, buf.Q!, alpha, beta, steps, want, buf.work);
    const early = got < want - steps;
    steps += got;
    // a_∞ ≈ ‖y‖ Qᵀ T⁻¹ e₀ → residual ‖y − K a‖/‖y‖.
    const zv = a.f64(z, steps);
    zv.fill(0);
    zv[0] = 1;
    tridiagSolvePtr(rt, alpha, beta, steps, 0, z, solveWork); // T z = e₀
    gemvPtr(rt, buf.Q!, z, av, steps, n, ynorm, 0, true);
    gemvPtr(rt, buf.K, av, rv, n, n, 1, 0, false);
    const r = a.f64(rv, n);
    let rr = 0;
    for (let i = 0; i < n; i++) rr += (y[i] - r[i]) ** 2;
    residual = Math.sqrt(rr) / ynorm;
    onProgress(Math.min(1, steps / cap));
    if (residual < p.lanczosTol || early) break;
    if (await stopRequested(signal)) break; // the replicate is dropped by the check after this phase
  }
  // Small dense eigenproblem of T_m: S (m × m, columns = eigenvectors), θ ascending.
  const m = steps;
  const S = a.f64(buf.S!, m * m);
  S.fill(0);
  const al = a.f64(alpha, m);
  const be = a.f64(beta, m);
  for (let i = 0; i < m; i++) {
    S[i * m + i] = al[i];
    if (i + 1 < m) S[i * m + i + 1] = S[(i + 1) * m + i] = be[i];
  }
  const info = eighPtr(rt, buf.S!, m, theta, buf.work);
  const th = a.f64(theta, m).slice();
  const yt = a.f64(buf.ytil, m);
  const S0 = a.f64(buf.S!, m);
  for (let j = 0; j < m; j++) yt[j] = ynorm * S0[j];
  return { theta: th, steps: m, residual, converged: info === 0 && residual < p.lanczosTol };
}
