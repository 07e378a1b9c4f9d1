// The last fallback: the plain-TS twins behind the same raw-export interface, over an
// ArrayBuffer-backed memory. Engines run unchanged where WebAssembly is missing (or to cross-check
// a whole pipeline against the Wasm kernels: same results to rounding, different summation order).
// This is the only production module that imports src/ref (test/wasm/boundary.test.ts checks it).
import { eighDcWorkF64, eighWorkF64, GEMM_WS_F64, stedcWorkF64 } from '../linalg/workspace.js';
import { axpy, dot, gemm, gemmNt, gemmPk, gemv, gramSymLower, nrm2, scale } from '../ref/blas.js';
import { applyQ as applyQTs, eigh, lanczos, rangeScale, tql as tqlTs, tridiag as tridiagTs, tridiagSolve } from '../ref/eigh.js';
import { expFast, kfun, kmap } from '../ref/kmap.js';
import { gramKmapRows } from '../ref/blas.js';
import { RefStream, logPos } from '../numerics/rng.js';
import { asin, erf, erfc, phi1 } from '../ref/special.js';
import { I2, J2, I3, rhs as committeeRhs, risk as committeeRisk, supported as committeeSupported } from '../ref/committee.js';
import { dmftSymmInit, dmftSymmRun } from '../ref/dmft.js';
import { fixedAlphaBarRows, reducedRows } from '../ref/dmft_reduced.js';
import { gridRow, gridUpdate, gridWork, type GridWork } from '../ref/dmft_grid.js';
import { GRID_ONE_TIME, GRID_TWO_TIME, tri, type GridParams, type GridState } from '../numerics/dmft-grid.js';
import { thetaEval, thetaViews } from '../numerics/dmft-theta.js';
import { dsigma, hval, sigma } from '../ref/dmft_sim.js';
import { rawOdeTwins } from '../ref/ode.js';
import { sgdTwins } from '../ref/sgd.js';
import { PAR, committeeWorkF64, paramsLength, stateLength } from '../committee/layout.js';
import {
  DMFT_GRID_PAR as G,
  DMFT_GRID_PAR_LEN,
  DMFT_GRID_WORK_ROWS,
  DSIM_PAR_LEN,
  dmftReducedWorkF64,
  dsimGaussWorkLen,
  dsimNetWorkLen,
} from '../gen/dmft_layout.js';
import type { KernelExports, KernelName } from './exports.gen.js';

const PAGE = 65536;

/** Exports without a TS twin, and why. The 'ts' runtime lacks exactly these (calling one through an executor
 *  rejects with "no kernel named …"); every other export must have a twin with the same parameters. */
export const TWINLESS = {
  rng_next_u64: 'test probe of one raw draw; RefStream.nextU64 is tested against it directly',
  rng_jump: 'test probe; RefStream/Xoshiro256ppBig.jump is tested against it directly',
  rng_fill_u64: 'test probe of raw draws; RefStream is tested against it directly',
  rng_fill_uniform: 'only src/rng uniform(), not called by any engine',
  fill_normal_scaled: 'only src/rng normalScaled(), not called by any engine',
  copy_f64: 'level-1 BLAS test probe; engines never call it',
  rot_f64: 'building block of the Wasm eigensolver; the twins twin eigh_f64 as a whole',
  gram_f64: 'unblocked Gram test probe; engines use gram_sym_f64 (twinned)',
  gemm_nt_rows_f64: 'row-strip variant of gemm_nt_f64 for worker pools, which need Wasm',
  gemm_ws_size_f64: 'workspace size of the packed GEMM (gemm_pk_ws_f64 is twinned)',
  gemm_ws_f64: 'gemm_f64 on the packed kernel with a caller workspace; its twin is gemm_pk_f64',
  transpose_sq_f64: 'building block of the Wasm eigensolver (src/linalg eighParallel needs Wasm workers)',
  tridiag_f64: 'building block of the Wasm eigensolver (src/linalg eighParallel needs Wasm workers)',
  apply_q_f64: 'building block of the Wasm eigensolver (src/linalg eighParallel needs Wasm workers)',
  tql_first_f64: 'building block of the Wasm eigensolver; its twin tqlFirst is tested directly',
  eigh_reduce_f64: 'building block of the Wasm eigensolver (src/linalg eighParallel needs Wasm workers)',
  tql_cols_f64: 'building block of the Wasm eigensolver (src/linalg eighParallel needs Wasm workers)',
  eigh_reduce_blk_f64: 'phase of the two-worker eigensolver (src/linalg eighDcPtrParallel needs Wasm workers); the twins twin eigh_dc_f64 as a whole',
  symv_rows: 'building block of the Wasm eigensolver (reduction kernels); the twins twin eigh_f64 as a whole',
  house_f64: 'building block of the Wasm eigensolver (Householder reflector, dlarfg); the twins twin eigh_f64 as a whole',
  rank2_row: 'building block of the Wasm eigensolver (reduction kernels); the twins twin eigh_f64 as a whole',
  build_t_gemm: 'building block of the Wasm eigensolver (compact WY); the twins twin eigh_f64 as a whole',
  eigh_nbq_f64: 'block size of the Wasm eigensolver (ld of build_t_gemm); no twin needed',
  eigvalsh_2stage_min_f64: 'crossover of the Wasm eigvalsh_f64 to the two-stage reduction; the twin eigvalsh_f64 is one method',
  sy2sb_f64: 'stage 1 of the two-stage reduction (eigvalsh_f64); the twins twin eigvalsh_f64 as a whole',
  sb2st_f64: 'stage 2 of the two-stage reduction (eigvalsh_f64); the twins twin eigvalsh_f64 as a whole',
  tridiag_2stage_f64: 'two-stage reduction inside eigvalsh_f64; the twins twin eigvalsh_f64 as a whole',
  tridiag_2stage_b_f64: 'two-stage reduction inside eigvalsh_f64; the twins twin eigvalsh_f64 as a whole',
  tridiag_2stage_ws_f64: 'workspace of the two-stage reduction (its kernels have no twin)',
  tridiag_2stage_nb_f64: 'half-bandwidth of the two-stage reduction (its kernels have no twin)',
  tridiag_panel_f64: 'phase of the two-worker eigensolver (src/linalg eighDcPtrParallel needs Wasm workers); the twins twin eigh_dc_f64 as a whole',
  panel_sync_f64: 'phase of the two-worker eigensolver (src/linalg eighDcPtrParallel needs Wasm workers); the twins twin eigh_dc_f64 as a whole',
  tridiag_panels_pair_f64: 'phase of the two-worker eigensolver (src/linalg eighDcPtrParallel needs Wasm workers); the twins twin eigh_dc_f64 as a whole',
  stedc_merge_defl_f64: 'phase of the two-worker eigensolver (src/linalg eighDcPtrParallel needs Wasm workers); the twins twin eigh_dc_f64 as a whole',
  stedc_merge_roots_f64: 'phase of the two-worker eigensolver (src/linalg eighDcPtrParallel needs Wasm workers); the twins twin eigh_dc_f64 as a whole',
  stedc_merge_gather_f64: 'phase of the two-worker eigensolver (src/linalg eighDcPtrParallel needs Wasm workers); the twins twin eigh_dc_f64 as a whole',
  stedc_merge_vecs_f64: 'phase of the two-worker eigensolver (src/linalg eighDcPtrParallel needs Wasm workers); the twins twin eigh_dc_f64 as a whole',
  stedc_merge_lowner_f64: 'phase of the two-worker eigensolver (src/linalg eighDcPtrParallel needs Wasm workers); the twins twin eigh_dc_f64 as a whole',
  stedc_merge_vec_rows_f64: 'phase of the two-worker eigensolver (src/linalg eighDcPtrParallel needs Wasm workers); the twins twin eigh_dc_f64 as a whole',
  stedc_merge_order_f64: 'phase of the two-worker eigensolver (src/linalg eighDcPtrParallel needs Wasm workers); the twins twin eigh_dc_f64 as a whole',
  ormtr_pair_f64: 'phase of the two-worker eigensolver (src/linalg eighDcPtrParallel needs Wasm workers); the twins twin eigh_dc_f64 as a whole',
  ormtr_sync_f64: 'phase of the two-worker eigensolver (src/linalg eighDcPtrParallel needs Wasm workers); the twins twin eigh_dc_f64 as a whole',
  tridiag_update_f64: 'phase of the two-worker eigensolver (src/linalg eighDcPtrParallel needs Wasm workers); the twins twin eigh_dc_f64 as a whole',
  tridiag_tail_f64: 'phase of the two-worker eigensolver (src/linalg eighDcPtrParallel needs Wasm workers); the twins twin eigh_dc_f64 as a whole',
  stedc_prep_f64: 'phase of the two-worker eigensolver (src/linalg eighDcPtrParallel needs Wasm workers); the twins twin eigh_dc_f64 as a whole',
  stedc_block_f64: 'phase of the two-worker eigensolver (src/linalg eighDcPtrParallel needs Wasm workers); the twins twin eigh_dc_f64 as a whole',
  stedc_tear_f64: 'phase of the two-worker eigensolver (src/linalg eighDcPtrParallel needs Wasm workers); the twins twin eigh_dc_f64 as a whole',
  stedc_merge_f64: 'phase of the two-worker eigensolver (src/linalg eighDcPtrParallel needs Wasm workers); the twins twin eigh_dc_f64 as a whole',
  stedc_merge_prep_f64: 'phase of the two-worker eigensolver (src/linalg eighDcPtrParallel needs Wasm workers); the twins twin eigh_dc_f64 as a whole',
  stedc_merge_rows_f64: 'phase of the two-worker eigensolver (src/linalg eighDcPtrParallel needs Wasm workers); the twins twin eigh_dc_f64 as a whole',
  stedc_merge_split_f64: 'phase of the two-worker eigensolver (src/linalg eighDcPtrParallel needs Wasm workers); the twins twin eigh_dc_f64 as a whole',
  stedc_merge_finish_f64: 'phase of the two-worker eigensolver (src/linalg eighDcPtrParallel needs Wasm workers); the twins twin eigh_dc_f64 as a whole',
  dmft_symm_run_mt: 'worker phase of the two-worker SymmDMFT sweeps (src/dmft/symm.ts needs Wasm workers); the twin dmftSymmRun is bitwise the same algorithm',
  committee_I4: 'takes a Gauss–Hermite scratch pointer; its twin I4 is tested directly',
  dsim_population: 'direct simulations need Wasm (src/dmft/simulate.ts); twins tested directly in test/dmft',
  dsim_net_run: 'direct simulations need Wasm (src/dmft/simulate.ts); twins tested directly in test/dmft',
  dsim_net_train_error: 'direct simulations need Wasm (src/dmft/simulate.ts); twins tested directly in test/dmft',
  dsim_gauss_train_error: 'direct simulations need Wasm (src/dmft/simulate.ts); twins tested directly in test/dmft',
  dsim_gauss_run: 'direct simulations need Wasm (src/dmft/simulate.ts); twins tested directly in test/dmft',
  dsim_normalize_rows: 'direct simulations need Wasm (src/dmft/simulate.ts); twins tested directly in test/dmft',
  dsim_net_labels: 'direct simulations need Wasm (src/dmft/simulate.ts); twins tested directly in test/dmft',
} as const satisfies Partial<Record<KernelName, string>>;
export type TwinlessName = keyof typeof TWINLESS;

/** What the twins must provide: every other export, with its exact parameter list. */
export type TwinExports = Omit<KernelExports, TwinlessName>;

type Arity<F> = F extends (...args: infer A) => unknown ? A['length'] : never;
/** TS accepts a function with fewer parameters where more are declared; a twin must not silently drop one. */
type ExactArity<T> = {
  [K in keyof T]: K extends KernelName
    ? Arity<T[K]> extends Arity<KernelExports[K]>
      ? Arity<KernelExports[K]> extends Arity<T[K]>
        ? T[K]
        : never
      : never
    : never;
};
/** Identity with two compile-time checks: the twins cover TwinExports with matching types, and exact arities. */
export function exactTwins<T extends TwinExports>(twins: T & ExactArity<T>): T {
  return twins;
}

/** Minimal stand-in for WebAssembly.Memory: `buffer` is replaced (old views detach) on growth. */
export class HostMemory {
  buffer: ArrayBuffer;
  constructor(pages: number) {
    this.buffer = new ArrayBuffer(pages * PAGE);
  }
  grow(pages: number): number {
    const old = this.buffer.byteLength / PAGE;
    const next = new ArrayBuffer(this.buffer.byteLength + pages * PAGE);
    new Uint8Array(next).set(new Uint8Array(this.buffer));
    this.buffer = next;
    return old;
  }
}

/** Raw-export twins; pointers are byte offsets into `mem.buffer`. */
export function tsKernels(mem: HostMemory): KernelExports {
  const f64 = (p: number, n: number) => new Float64Array(mem.buffer, p, n);
  const u32 = (p: number, n: number) => new Uint32Array(mem.buffer, p, n);
  const stream = (p: number) => RefStream.fromWords(u32(p, 8));
  const save = (p: number, s: RefStream) => {
    const w = u32(p, 8);
    s.state().forEach((x, i) => {
      w[2 * i] = Number(x & 0xffffffffn);
      w[2 * i + 1] = Number(x >> 32n);
    });
  };
  const withStream = (p: number, f: (s: RefStream) => void) => {
    const s = stream(p);
    f(s);
    save(p, s);
  };
  // Committee engine: RHS/risk over the params block and state layout.
  const params = (pp: number) => f64(pp, paramsLength(f64(pp, PAR.HEADER)[PAR.K]));
  const state = (pp: number, py: number) => {
    const h = f64(pp, PAR.HEADER);
    return f64(py, stateLength(h[PAR.P], h[PAR.K], h[PAR.TRAIN_A] !== 0));
  };
  const dsimPar = (P: number) => f64(P, DSIM_PAR_LEN);
  /** The adaptive grid's parameters, state and work as views of the block at `par` (assembly/dmft_grid.ts). */
  const grid = (par: number): { P: GridParams; S: GridState; W: GridWork } => {
    const pv = f64(par, DMFT_GRID_PAR_LEN);
    const cap = pv[G.CAP];
    const P: GridParams = {
      m: pv[G.M],
      K: pv[G.K],
      tau2: pv[G.TAU2],
      phi2: pv[G.PHI2],
      frozen: pv[G.FROZEN] !== 0,
      spherical: pv[G.SPHERICAL] !== 0,
      imex: pv[G.IMEX] !== 0,
      h: f64(pv[G.HC], pv[G.NH]),
      ph: f64(pv[G.PHC], pv[G.NPH]),
    };
    const slot = { t: G.T, Cd: G.CD, Co: G.CO, CA: G.CA, Rd: G.RD, Ro: G.RO, RA: G.RA, a: G.A, v: G.V, phv: G.PHV, nu: G.NU, etr: G.ETR, ets: G.ETS };
    const S = { cap } as GridState;
    for (const k of GRID_ONE_TIME) S[k] = f64(pv[slot[k]], cap);
    for (const k of GRID_TWO_TIME) S[k] = f64(pv[slot[k]], tri(cap));
    // Work rows in the kernel's order (gridWork's keys), each cap long.
    const W = gridWork(0);
    let r = 0;
    for (const k of Object.keys(W) as (keyof GridWork)[])
      if (W[k] instanceof Float64Array) (W as unknown as Record<string, Float64Array>)[k] = f64(pv[G.WORK] + 8 * cap * r++, cap);
    return { P, S, W };
  };
  const twins = exactTwins({
    heap_base: () => 1024,
    simd_enabled: () => 0,
    sum_f64: (p, n) => f64(p, n).reduce((a, b) => a + b, 0),
    stream_read_f64: (p, n, streams) => (streams === 1 || streams === 4 ? f64(p, n).reduce((a, b) => a + b, 0) : NaN),
    rng_log: (x) => logPos(x),
    rng_seed: (p, lo, hi, streamIdx) => save(p, RefStream.fromSeed((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0), streamIdx)),
    rng_fill_normal: (p, out, n) => withStream(p, (s) => s.fillNormal(f64(out, n), n)),
    sample_sphere_rows: (p, X, n, d) => withStream(p, (s) => s.sampleSphereRows(f64(X, n * d), n, d)),
    sample_hypercube_rows: (p, X, n, d) => withStream(p, (s) => s.sampleHypercubeRows(f64(X, n * d), n, d)),
    dot_f64: (x, y, n) => dot(f64(x, n), f64(y, n), n),
    axpy4_f64: (n, y, x0, x1, x2, x3, b0, b1, b2, b3) => {
      const [Y, X0, X1, X2, X3] = [y, x0, x1, x2, x3].map((p) => f64(p, n));
      for (let i = 0; i < n; i++) Y[i] += b0 * X0[i] + b1 * X1[i] + (b2 * X2[i] + b3 * X3[i]);
    },
    dot4_f64: (n, u, x0, x1, x2, x3, o0, o1, o2, o3) => {
      const uu = f64(u, n);
      for (const [x, o] of [
        [x0, o0],
        [x1, o1],
        [x2, o2],
        [x3, o3],
      ])
        f64(o, 1)[0] = dot(f64(x, n), uu, n);
    },
    axpy_f64: (n, a, x, y) => axpy(n, a, f64(x, n), f64(y, n)),
    scale_f64: (n, a, x) => scale(n, a, f64(x, n)),
    nrm2_f64: (x, n) => nrm2(f64(x, n), n),
    gram_sym_f64: (X, n, d, G, s, r0, r1) => gramSymLower(f64(X, n * d), n, d, f64(G, n * n), s, r0, r1),
    gram_pk_f64: (X, n, d, G, scale, r0, r1, _work) => gramSymLower(f64(X, n * d), n, d, f64(G, n * n), scale, Math.max(r0, 0), Math.min(r1, n)),
    gemm_pk_ws_f64: () => GEMM_WS_F64,
    // whole memory as one f64 view: the twin indexes A/B/C by element offsets (pointers are 8-aligned)
    gemm_pk_f64: (ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, uplo, doff, _work) => {
      const all = new Float64Array(mem.buffer);
      gemmPk(ta, tb, m, n, k, alpha, all, lda, all, ldb, beta, all, ldc, uplo, doff, A / 8, B / 8, C / 8);
    },
    gemm_pk_trap_f64: (ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, uplo, doff, _work, atrap) => {
      const all = new Float64Array(mem.buffer);
      gemmPk(ta, tb, m, n, k, alpha, all, lda, all, ldb, beta, all, ldc, uplo, doff, A / 8, B / 8, C / 8, atrap);
    },
    mirror_lower_f64: (G, n, r0, r1) => {
      const g = f64(G, n * n);
      for (let i = r0; i < r1; i++) for (let j = 0; j < i; j++) g[j * n + i] = g[i * n + j];
    },
    gram_kmap_pk_f64: (X, n, d, G, scale, r0, r1, _work, K, terms, nterms, mterm, flags) => {
      const rec = (p: number) => {
        const r = f64(p, 5);
        return { kind: r[0], p0: r[1], coef: f64(r[2], r[3]), weight: r[4] };
      };
      const ts = Array.from({ length: Math.max(nterms, 0) }, (_, t) => rec(terms + 40 * t));
      gramKmapRows(f64(X, n * d), n, d, f64(G, n * n), scale, r0, r1, f64(K, n * n), ts, mterm ? rec(mterm) : null, flags);
    },
    exp_fast_f64: (x) => expFast(x),
    exp_fast_map_f64: (src, dst, count) => {
      const s = f64(src, count);
      const o = f64(dst, count);
      for (let i = 0; i < count; i++) o[i] = expFast(s[i]);
    },
    kfun_f64: (s0, kind, p0, coef, ncoef) => kfun(s0, kind, p0, f64(coef, ncoef)),
    kmap_lower_f64: (src, dst, n, r0, r1, kind, p0, coef, ncoef, weight, acc) => {
      for (let i = Math.max(r0, 0); i < Math.min(r1, n); i++)
        kmap(f64(src + 8 * i * n, i + 1), f64(dst + 8 * i * n, i + 1), kind, p0, f64(coef, ncoef), weight, acc !== 0, i + 1);
    },
    kmap_f64: (src, dst, count, kind, p0, coef, ncoef, weight, acc) =>
      void kmap(f64(src, count), f64(dst, count), kind, p0, f64(coef, ncoef), weight, acc !== 0, count),
    gemm_f64: (A, B, C, m, k, n, alpha, beta) => gemm(f64(A, m * k), f64(B, k * n), f64(C, m * n), m, k, n, alpha, beta),
    gemm_nt_f64: (A, B, C, m, k, n, alpha, beta) => gemmNt(f64(A, m * k), f64(B, n * k), f64(C, m * n), m, k, n, alpha, beta),
    gemv_f64: (A, x, y, m, n, alpha, beta, trans) => gemv(f64(A, m * n), f64(x, trans ? m : n), f64(y, trans ? n : m), m, n, alpha, beta, trans),
    // The twins allocate their own scratch: the `work` pointers of the Wasm kernels are not needed.
    eigh_f64: (A, n, W, _work) => {
      const r = eigh(f64(A, n * n), n);
      f64(A, n * n).set(r.vectors);
      f64(W, n).set(r.values);
      return r.status;
    },
    eigh_range_scale_f64: (A, n) => rangeScale(f64(A, n * n), n),
    // the blocked solver's twin is the unblocked reference (same contract, equal to rounding)
    eigh_blk_ws_f64: eighWorkF64,
    eigvalsh_f64: (A, n, W, _work) => {
      const r = eigh(f64(A, n * n), n);
      f64(W, n).set(r.values);
      return r.status;
    },
    eigh_blk_f64: (A, n, W, _work) => {
      const r = eigh(f64(A, n * n), n);
      f64(A, n * n).set(r.vectors);
      f64(W, n).set(r.values);
      return r.status;
    },
    // divide and conquer: the twins share the contract (QL inside; equal to rounding, not bitwise)
    stedc_ws_f64: stedcWorkF64,
    stedc_f64: (diag, off, n, Z, _work) => {
      const d = f64(diag, n),
        e = f64(off, n),
        z = new Float64Array(n * n);
      for (let i = 0; i < n; i++) z[i * n + i] = 1;
      const st = tqlTs(d, e, n, z, n, n); // rows of z = eigenvectors
      const out = f64(Z, n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = z[j * n + i];
      return st;
    },
    eigh_dc_ws_f64: eighDcWorkF64,
    eigh_dc_f64: (A, n, W, _work) => {
      const r = eigh(f64(A, n * n), n);
      f64(A, n * n).set(r.vectors);
      f64(W, n).set(r.values);
      return r.status;
    },
    ormtr_blk_f64: (A, n, tau, Z, ncols, _work) => applyQTs(f64(A, n * n), n, f64(tau, n), f64(Z, n * ncols), ncols, false),
    ormtr_cols_f64: (A, n, tau, Z, ldz, c0, c1, _work) => {
      const lo = Math.max(c0, 0),
        hi = Math.min(c1, ldz),
        w = hi - lo;
      if (w <= 0) return;
      const z = f64(Z, n * ldz),
        sub = new Float64Array(n * w);
      for (let i = 0; i < n; i++) sub.set(z.subarray(i * ldz + lo, i * ldz + hi), i * w);
      applyQTs(f64(A, n * n), n, f64(tau, n), sub, w, false);
      for (let i = 0; i < n; i++) z.set(sub.subarray(i * w, (i + 1) * w), i * ldz + lo);
    },
    // Qᵀ in place from the reflectors: row r = Q e_r (level-2 apply on the identity)
    form_qt_blk_f64: (A, n, tau, _work) => {
      const a = f64(A, n * n),
        I = new Float64Array(n * n);
      for (let i = 0; i < n; i++) I[i * n + i] = 1;
      applyQTs(a, n, f64(tau, n), I, n, false);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = I[j * n + i];
    },
    eigh_nb_f64: () => 64,
    eigh_nx_f64: () => 128,
    peak_probe_f64: (iters, x, y) => {
      let s = 0.1;
      for (let i = 0; i < iters; i++) s = s * x + y;
      return s;
    },
    tridiag_blk_f64: (A, n, diag, off, work) => {
      const t = tridiagTs(f64(A, n * n), n);
      f64(diag, n).set(t.diag);
      f64(off, n).set(t.off);
      f64(work, n).set(t.tau);
    },
    tridiag_solve_f64: (diag, off, n, shift, b, _work) => tridiagSolve(f64(diag, n), f64(off, n), n, shift, f64(b, n)),
    lanczos_f64: (K, n, Q, alpha, beta, j0, j1, _work) => lanczos(f64(K, n * n), n, f64(Q, Math.min(j1 + 1, n) * n), f64(alpha, j1), f64(beta, j1), j0, j1),
    special_asin: (x) => asin(x),
    special_erf: (x) => erf(x),
    special_erfc: (x) => erfc(x),
    special_phi1: (x) => phi1(x),
    committee_I2: (a, b, c11, c12, c22) => I2(a, b, c11, c12, c22),
    committee_J2: (a, c11, c12, c22) => J2(a, c11, c12, c22),
    committee_I3: (a, c11, c12, c13, c22, c23, c33) => I3(a, c11, c12, c13, c22, c23, c33),
    committee_work_f64: (p, k) => committeeWorkF64(p, k),
    committee_supported: (pp) => committeeSupported(params(pp)),
    committee_rhs: (pp, py, pdy, _work) => {
      const y = state(pp, py);
      committeeRhs(params(pp), y, f64(pdy, y.length));
    },
    committee_risk: (pp, py) => committeeRisk(params(pp), state(pp, py)),
    ...rawOdeTwins(mem),
    ...sgdTwins(() => mem.buffer),
    // DMFT: the SymmDMFT twin reads the same parameter block (byte pointers) over the whole memory.
    dmft_symm_init: (par, a0) => dmftSymmInit(new Float64Array(mem.buffer), par, a0),
    dmft_symm_run: (par, n0, n1) => dmftSymmRun(new Float64Array(mem.buffer), par, n0, n1),
    dmft_reduced_rows: (mode, N, eta, g2, alpha, tau2, hc, nc, C, R, CA, RA, work, out, n0, n1) => {
      const sq = (N + 1) * (N + 1);
      const sqA = mode === 0 ? sq : 1;
      return reducedRows(
        mode,
        N,
        eta,
        g2,
        alpha,
        tau2,
        f64(hc, nc),
        f64(C, sq),
        f64(R, sq),
        f64(CA, sqA),
        f64(RA, sqA),
        f64(work, dmftReducedWorkF64(N)),
        f64(out, 4 * (N + 1)),
        n0,
        n1,
      );
    },
    dmft_fixed_abar_rows: (N, eta, alphaBar, tau2, hc, nc, Cd, Co, CA, Rd, Ro, RA, _work, out, n0, n1) => {
      const sq = (N + 1) * (N + 1);
      return fixedAlphaBarRows(
        N,
        eta,
        alphaBar,
        tau2,
        f64(hc, nc),
        f64(Cd, sq),
        f64(Co, sq),
        f64(CA, sq),
        f64(Rd, sq),
        f64(Ro, sq),
        f64(RA, sq),
        f64(out, 5 * (N + 1)),
        n0,
        n1,
      );
    },
    // Adaptive DMFT grid: the twin reads the kernel's parameter block (slots DMFT_GRID_PAR, byte pointers)
    // and works on views of the same memory; the row's scalars go to the block's OUT_* slots as in the kernel.
    dmft_grid_work_rows: () => DMFT_GRID_WORK_ROWS,
    dmft_grid_row: (par, n) => {
      const g = grid(par);
      const ok = gridRow(g.P, g.S, g.W, n);
      const pv = f64(par, DMFT_GRID_PAR_LEN);
      [pv[G.OUT_NU], pv[G.OUT_I], pv[G.OUT_LD], pv[G.OUT_LO], pv[G.OUT_ADOT], pv[G.OUT_VE]] = [g.W.nu, g.W.In, g.W.Ld, g.W.Lo, g.W.adot, g.W.vE];
      return ok ? 1 : 0;
    },
    dmft_grid_update: (par, n, dt) => {
      const g = grid(par);
      const pv = f64(par, DMFT_GRID_PAR_LEN);
      [g.W.nu, g.W.In, g.W.Ld, g.W.Lo, g.W.adot, g.W.vE] = [pv[G.OUT_NU], pv[G.OUT_I], pv[G.OUT_LD], pv[G.OUT_LO], pv[G.OUT_ADOT], pv[G.OUT_VE]];
      return gridUpdate(g.P, g.S, g.W, n, dt) ? 1 : 0;
    },
    // θ grid: the twin is the host solver's thetaEval itself, on views of the kernel's parameter block.
    dmft_theta_eval: (par, slot, algIters) => {
      const v = thetaViews(mem.buffer, par, slot);
      return thetaEval(v.P, v.G, v.st, v.W, slot, algIters) ? 1 : 0;
    },
    dsim_sigma: (P, x) => sigma(dsimPar(P), x),
    dsim_dsigma: (P, x) => dsigma(dsimPar(P), x),
    dsim_h: (P, q) => hval(dsimPar(P), q),
    dsim_net_work_len: (m, d, n, B) => dsimNetWorkLen(m, d, n, B),
    dsim_gauss_work_len: (m, d, n) => dsimGaussWorkLen(m, d, n),
  });
  return twins as TwinExports as KernelExports;
}
