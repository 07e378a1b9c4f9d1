// Level-1 linear-algebra API: thin wrappers that copy typed arrays into the Wasm arena, call one
// kernel, copy the result out and release the arena (mark/reset). Resident helpers (`*Ptr`) take
// pointers to buffers the caller already owns in the arena and never allocate.
// Layouts are row-major f64 throughout; see assembly/blas.ts, assembly/eigh.ts, assembly/kernel.ts.
import { DC_PANEL, eighDcWorkF64, eighWorkF64, GEMM_WS_F64, stedcWorkF64 } from './workspace.js';
import type { WasmRuntime } from '../wasm/runtime.js';
import type { Executor } from '../wasm/exec.js';
import { KMAP_KIND } from '../gen/kernel_layout.js';

export type KmapKind = keyof typeof KMAP_KIND;

type Arr = ArrayLike<number>;

function checkLen(name: string, a: Arr, len: number): void {
  if (a.length < len) throw new RangeError(`${name}: length ${a.length} < required ${len}`);
}

/** Run f with an arena mark; everything allocated inside is released afterwards. */
function scoped<T>(rt: WasmRuntime, f: () => T): T {
  const mark = rt.arena.mark();
  try {
    return f();
  } finally {
    rt.arena.reset(mark);
  }
}

// ------------------------------------------------------------------ Gram

/** Row boundaries [b0=0, b1, …, bP=n] that split the lower triangle of an n×n Gram matrix into P
 *  strips of about equal work (row i costs ∝ i+1), rounded to multiples of 4 (the register tile). */
export function gramStrips(n: number, parts: number): number[] {
  const b = [0];
  for (let p = 1; p < parts; p++) {
    const r = Math.round((n * Math.sqrt(p / parts)) / 4) * 4;
    b.push(Math.min(n, Math.max(b[b.length - 1], r)));
  }
  b.push(n);
  return b;
}

export { eighDcWorkF64, eighWorkF64, GEMM_WS_F64, stedcWorkF64 } from './workspace.js';

/** Resident: G = scale·X Xᵀ (full, symmetric). X: n×d at xPtr, G: n×n at gPtr. workPtr: a
 *  GEMM_WS_F64 workspace (allocated and released here when omitted). */
export function gramPtr(rt: WasmRuntime, xPtr: number, n: number, d: number, gPtr: number, scale = 1, workPtr = 0): void {
  const run = (w: number) => {
    rt.exports.gram_pk_f64(xPtr, n, d, gPtr, scale, 0, n, w);
    rt.exports.mirror_lower_f64(gPtr, n, 0, n);
  };
  if (workPtr) run(workPtr);
  else scoped(rt, () => run(rt.arena.allocF64(GEMM_WS_F64)));
}

/** Resident: C = α op(A) op(B) + β C, the one GEMM entry (assembly/gemm.ts gemm_pk_f64): op(A) m×k,
 *  op(B) k×n, leading dimensions in f64 entries; uplo 0 full, 1 only j − i ≤ doff, 2 only j − i ≥ doff. */
export function gemmPtr(
  rt: WasmRuntime,
  ta: boolean,
  tb: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  aPtr: number,
  lda: number,
  bPtr: number,
  ldb: number,
  beta: number,
  cPtr: number,
  ldc: number,
  opts: { uplo?: 0 | 1 | 2; doff?: number; workPtr?: number } = {},
): void {
  const run = (w: number) =>
    rt.exports.gemm_pk_f64(ta ? 1 : 0, tb ? 1 : 0, m, n, k, alpha, aPtr, lda, bPtr, ldb, beta, cPtr, ldc, opts.uplo ?? 0, opts.doff ?? 0, w);
  if (opts.workPtr) run(opts.workPtr);
  else scoped(rt, () => run(rt.arena.allocF64(GEMM_WS_F64)));
}

/** G = scale·X Xᵀ for X row-major n×d; returns the full symmetric n×n matrix. */
export function gram(rt: WasmRuntime, X: Arr, n: number, d: number, scale = 1): Float64Array {
  checkLen('gram X', X, n * d);
  return scoped(rt, () => {
    const x = rt.arena.copyIn(X.length === n * d ? X : Array.prototype.slice.call(X, 0, n * d));
    const g = rt.arena.allocF64(n * n);
    gramPtr(rt, x, n, d, g, scale);
    return rt.arena.copyOut(g, n * n);
  });
}

// ------------------------------------------------------------------ BLAS

/** C = α A B + β C (A m×k, B k×n). C is optional (zeros). Uses the packed kernel gemm_pk_f64. */
export function gemm(rt: WasmRuntime, A: Arr, B: Arr, m: number, k: number, n: number, opts: { alpha?: number; beta?: number; C?: Arr } = {}): Float64Array {
  checkLen('gemm A', A, m * k);
  checkLen('gemm B', B, k * n);
  return scoped(rt, () => {
    const a = rt.arena.copyIn(A),
      b = rt.arena.copyIn(B);
    const c = opts.C ? rt.arena.copyIn(opts.C) : rt.arena.allocF64(m * n);
    gemmPtr(rt, false, false, m, n, k, opts.alpha ?? 1, a, k, b, n, opts.C ? (opts.beta ?? 0) : 0, c, n);
    return rt.arena.copyOut(c, m * n);
  });
}

/** C = α A Bᵀ + β C (A m×k, B n×k): the cross-Gram K(Xtest, X) before the kernel map. */
export function gemmNt(rt: WasmRuntime, A: Arr, B: Arr, m: number, k: number, n: number, opts: { alpha?: number; beta?: number; C?: Arr } = {}): Float64Array {
  checkLen('gemmNt A', A, m * k);
  checkLen('gemmNt B', B, n * k);
  return scoped(rt, () => {
    const a = rt.arena.copyIn(A),
      b = rt.arena.copyIn(B);
    const c = opts.C ? rt.arena.copyIn(opts.C) : rt.arena.allocF64(m * n);
    gemmPtr(rt, false, true, m, n, k, opts.alpha ?? 1, a, k, b, k, opts.C ? (opts.beta ?? 0) : 0, c, n);
    return rt.arena.copyOut(c, m * n);
  });
}

/** y = α A x (trans false, A m×n) or α Aᵀ x (trans true). */
export function gemv(rt: WasmRuntime, A: Arr, x: Arr, m: number, n: number, opts: { alpha?: number; trans?: boolean } = {}): Float64Array {
  const ylen = opts.trans ? n : m;
  return scoped(rt, () => {
    const a = rt.arena.copyIn(A),
      xp = rt.arena.copyIn(x),
      y = rt.arena.allocF64(ylen);
    rt.exports.gemv_f64(a, xp, y, m, n, opts.alpha ?? 1, 0, opts.trans ? 1 : 0);
    return rt.arena.copyOut(y, ylen);
  });
}

export function dot(rt: WasmRuntime, x: Arr, y: Arr): number {
  const n = Math.min(x.length, y.length);
  return scoped(rt, () => rt.exports.dot_f64(rt.arena.copyIn(x), rt.arena.copyIn(y), n));
}

// ------------------------------------------------------------------ kernel maps

export interface KmapOptions {
  /** exp: τ in exp(τ s); gegenbauer: the dimension d */
  p0?: number;
  /** poly: coefficients of s^j; gegenbauer: coefficients of P_k^{(d)} */
  coef?: Arr;
  weight?: number;
  /** dst += weight·h(src) instead of dst = … (needs dst) */
  accumulate?: boolean;
  dst?: Arr;
}

/** Resident: in place or src→dst map of `count` entries (see kmap_f64). coefPtr may be 0 if unused. */
export function kmapPtr(
  rt: WasmRuntime,
  srcPtr: number,
  dstPtr: number,
  count: number,
  kind: KmapKind | number,
  p0 = 0,
  coefPtr = 0,
  ncoef = 0,
  weight = 1,
  accumulate = false,
): void {
  const k = typeof kind === 'number' ? kind : KMAP_KIND[kind];
  rt.exports.kmap_f64(srcPtr, dstPtr, count, k, p0, coefPtr, ncoef, weight, accumulate ? 1 : 0);
}

/** h applied entrywise to src (clamped to [-1,1]). */
export function kmap(rt: WasmRuntime, src: Arr, kind: KmapKind | number, opts: KmapOptions = {}): Float64Array {
  const n = src.length;
  return scoped(rt, () => {
    const s = rt.arena.copyIn(src);
    const d = opts.dst ? rt.arena.copyIn(opts.dst) : s;
    const coef = opts.coef ?? [];
    const c = coef.length ? rt.arena.copyIn(coef) : 0;
    kmapPtr(rt, s, d, n, kind, opts.p0 ?? 0, c, coef.length, opts.weight ?? 1, !!opts.accumulate && !!opts.dst);
    return rt.arena.copyOut(d, n);
  });
}

// ------------------------------------------------------------------ eigensolver

/** Resident: A (n×n at aPtr) is overwritten by eigenvectors in columns; values ascending at wPtr;
 *  workPtr ≥ eighWorkF64(n) f64 (blocked reduction, eigh_blk_f64). Returns 0 or nonzero if QL did
 *  not converge. */
export function eighPtr(rt: WasmRuntime, aPtr: number, n: number, wPtr: number, workPtr: number): number {
  return rt.exports.eigh_blk_f64(aPtr, n, wPtr, workPtr);
}

/** Resident divide-and-conquer eigh (dsyevd order: blocked reduction, stedc, blocked
 *  back-transformation). Same contract as eighPtr; workPtr ≥ eighDcWorkF64(n) f64. */
export function eighDcPtr(rt: WasmRuntime, aPtr: number, n: number, wPtr: number, workPtr: number): number {
  return rt.exports.eigh_dc_f64(aPtr, n, wPtr, workPtr);
}

const even = (x: number) => x + (x & 1);
/** f64 workspace of eighDcPtrParallel (2 workers): eighDcWorkF64 plus a second worker's scratch. */
export const eighDcParallelWorkF64 = (n: number) => {
  const l = dcParallelLayout(n);
  return l.total;
};
function dcParallelLayout(n: number) {
  const off = 0,
    tau = even(n),
    Z = tau + even(n);
  const ws0 = Z + even(n * n);
  const ws1 = ws0 + even(Math.max(eighWorkF64(n), stedcWorkF64(n)));
  // ws1: the second worker's scratch; during the top merge it holds both workers' panels and GEMM
  // workspaces (ws0 holds the merge state)
  const total = ws1 + even(Math.max(eighWorkF64(n), stedcWorkF64(n - (n >> 1)), 2 * even(DC_PANEL * n) + 2 * GEMM_WS_F64)) + 2;
  return { off, tau, Z, ws0, ws1, total };
}

/** Resident divide-and-conquer eigh over two workers, bitwise equal to eighDcPtr (eigh_dc_f64).
 *  Both workers run: the reduction's panel loop in one call each (per reflector, the symmetric
 *  product split by rows, the column update, Householder scaling, pending rank-2 terms and w split
 *  by columns, barriers in shared memory; the trailing updates by rows of the upper triangle); the
 *  two halves of the top-level divide and conquer; the top merge's gathered Q, secular roots,
 *  rank-one vectors, products and final order; the back-transformation (one compact-WY form per
 *  block, column halves); the copy of V. On one worker: the merge's deflation, the tails.
 *  workPtr ≥ eighDcParallelWorkF64(n) f64, 16-byte aligned. Needs a shared-memory runtime/executor
 *  whose two workers are idle (the paired calls wait for each other); with a one-wide executor it
 *  makes one whole-range call per step. */
export async function eighDcPtrParallel(rt: WasmRuntime, ex: Executor, aPtr: number, n: number, wPtr: number, workPtr: number): Promise<number> {
  if (n <= 0) return 0;
  const E = rt.exports;
  const L = dcParallelLayout(n);
  const at = (o: number) => workPtr + 8 * o;
  const off = at(L.off),
    tau = at(L.tau),
    Z = at(L.Z),
    ws0 = at(L.ws0),
    ws1 = at(L.ws1);
  const gw0 = ws1,
    gw1 = ws1 + 8 * GEMM_WS_F64;
  const NB = E.eigh_nb_f64(),
    NX = E.eigh_nx_f64();
  const scaleExp = await ex.call('eigh_range_scale_f64', aPtr, n); // A of tiny or huge norm → 2^e A (eigh_dc_f64's scaling)
  // 1. blocked reduction. Two workers: the whole panel loop in one call each (tridiag_panels_pair_f64:
  //    each panel's stages split over the pair, the trailing update by rows, barriers in shared
  //    memory). One worker: a call per panel and per update (the bench times them apart).
  let k0 = 0;
  const two = ex.width >= 2;
  if (two) {
    // panel barrier state: zero before the pair's first barrier
    new Int32Array(rt.memory.buffer, E.panel_sync_f64(ws0, n) >>> 0, 2).fill(0);
    [k0] = await Promise.all([
      ex.call('tridiag_panels_pair_f64', aPtr, n, wPtr, off, ws0, gw0, 0),
      ex.call('tridiag_panels_pair_f64', aPtr, n, wPtr, off, ws0, gw1, 1),
    ]);
  } else
    for (; n - k0 > NX; k0 += NB) {
      await ex.call('tridiag_panel_f64', aPtr, n, k0, wPtr, off, ws0);
      await ex.call('tridiag_update_f64', aPtr, n, k0, 0, n - k0 - NB, ws0, gw0);
    }
  await ex.call('tridiag_tail_f64', aPtr, n, k0, wPtr, off, ws0);
  rt.arena.f64(tau, n).set(rt.arena.f64(ws0, n));
  // 2. divide and conquer: the two top-level halves concurrently, then the top merge
  const nrm = await ex.call('stedc_prep_f64', wPtr, off, n, Z);
  let st = 0;
  if (!Number.isFinite(nrm)) st = n + 1;
  else if (nrm > 0) {
    if (n > 32) {
      const n1 = n >> 1;
      await ex.call('stedc_tear_f64', wPtr, off, 0, n);
      const s = await Promise.all([ex.call('stedc_block_f64', wPtr, off, n, Z, 0, n1, ws0), ex.call('stedc_block_f64', wPtr, off, n, Z, n1, n - n1, ws1)]);
      st = s.find((v) => v !== 0) ?? 0;
      // top merge (stedc_merge_f64 in steps): the deflation on one worker; the gathered Q by row
      // halves, the secular roots by halves of [0, k), then the rank-one problem's vectors, the
      // products and the final column order split over both
      const k = await ex.call('stedc_merge_defl_f64', wPtr, off, n, Z, 0, n, ws0);
      const h = two ? Math.round(n / 2 / 4) * 4 : n;
      await Promise.all([ex.call('stedc_merge_gather_f64', n, Z, 0, n, 0, h, ws0), ex.call('stedc_merge_gather_f64', n, Z, 0, n, h, n, ws0)]);
      const jh = two ? k >> 1 : k;
      await Promise.all([ex.call('stedc_merge_roots_f64', n, Z, 0, n, 0, jh, ws0), ex.call('stedc_merge_roots_f64', n, Z, 0, n, jh, k, ws0)]);
      const P0 = ws1,
        P1 = ws1 + 8 * even(DC_PANEL * n);
      // the rank-one problem's vectors (stedc_merge_vecs_f64, O(k²)) split by halves of [0, k) too:
      // Löwner's ẑ, then the vectors (private row scratch in P0, P1) beside the eigenvalue order
      if (two) {
        await Promise.all([ex.call('stedc_merge_lowner_f64', n, Z, 0, n, 0, jh, ws0), ex.call('stedc_merge_lowner_f64', n, Z, 0, n, jh, k, ws0)]);
        await Promise.all([
          ex.call('stedc_merge_vec_rows_f64', n, Z, 0, n, 0, jh, ws0, P0),
          ex.call('stedc_merge_vec_rows_f64', n, Z, 0, n, jh, k, ws0, P1),
          ex.call('stedc_merge_order_f64', wPtr, 0, n, ws0),
        ]);
      } else await ex.call('stedc_merge_vecs_f64', wPtr, n, Z, 0, n, ws0);
      const g0 = P1 + 8 * even(DC_PANEL * n),
        g1 = g0 + 8 * GEMM_WS_F64;
      // one call over all rows on a one-wide executor (same bits: rows are independent); the products'
      // rows split where the two parts' work is equal (it depends on the deflation types), the final
      // column order by halves
      const hr = two ? E.stedc_merge_split_f64(n, ws0) : n;
      await Promise.all([ex.call('stedc_merge_rows_f64', n, Z, 0, n, 0, hr, ws0, P0, g0), ex.call('stedc_merge_rows_f64', n, Z, 0, n, hr, n, ws0, P1, g1)]);
      await Promise.all([ex.call('stedc_merge_finish_f64', n, Z, 0, n, 0, h, ws0), ex.call('stedc_merge_finish_f64', n, Z, 0, n, h, n, ws0)]);
    } else st = await ex.call('stedc_block_f64', wPtr, off, n, Z, 0, n, ws0);
    const w = rt.arena.f64(wPtr, n);
    for (let i = 0; i < n; i++) w[i] *= nrm;
  }
  // 3. back-transformation by column halves, then V into A
  const c = ex.width >= 2 ? Math.round(n / 2 / 8) * 8 : n;
  if (two) {
    // one compact-WY form per block shared by the pair (built by worker 0, Ṽ's rows split)
    new Int32Array(rt.memory.buffer, E.ormtr_sync_f64(ws0, n) >>> 0, 2).fill(0);
    await Promise.all([ex.call('ormtr_pair_f64', aPtr, n, tau, Z, n, 0, c, ws0, ws0, 0), ex.call('ormtr_pair_f64', aPtr, n, tau, Z, n, c, n, ws0, ws1, 1)]);
  } else await ex.call('ormtr_cols_f64', aPtr, n, tau, Z, n, 0, n, ws0);
  // V into A by row halves (a one-wide executor: one call)
  await Promise.all([ex.call('copy_f64', c * n, Z, aPtr), ex.call('copy_f64', (n - c) * n, Z + 8 * c * n, aPtr + 8 * c * n)]);
  unscaleValues(rt, wPtr, n, scaleExp);
  return st;
}

export interface EighResult {
  /** ascending */
  values: Float64Array;
  /** row-major n×n, eigenvectors in COLUMNS: vectors[i*n + j] = component i of eigenvector j */
  vectors: Float64Array;
  /** 0 = converged; nonzero = QL iteration cap hit (results are then not reliable) */
  status: number;
}

/** Symmetric eigendecomposition (only the upper triangle of A is read). method 'dc' (default):
 *  divide and conquer (≈ 3n² f64 of scratch); 'ql': implicit QL after the blocked reduction. */
export function eigh(rt: WasmRuntime, A: Arr, n: number, method: 'dc' | 'ql' = 'dc'): EighResult {
  checkLen('eigh A', A, n * n);
  return scoped(rt, () => {
    const a = rt.arena.copyIn(A.length === n * n ? A : Array.prototype.slice.call(A, 0, n * n));
    const w = rt.arena.allocF64(n);
    const work = rt.arena.allocF64(method === 'dc' ? eighDcWorkF64(n) : eighWorkF64(n));
    const status = method === 'dc' ? eighDcPtr(rt, a, n, w, work) : eighPtr(rt, a, n, w, work);
    return { values: rt.arena.copyOut(w, n), vectors: rt.arena.copyOut(a, n * n), status };
  });
}

/** Resident eigenvalues only (ascending at wPtr): reduction to tridiagonal (two stages, dense → band
 *  → tridiagonal, from n = eigvalsh_2stage_min_f64() on; the blocked one-stage reduction below) +
 *  QL without vectors; A at aPtr is destroyed. workPtr ≥ eighWorkF64(n) f64 (it covers both
 *  reductions). Returns 0, or nonzero if QL did not converge. */
export function eigvalshPtr(rt: WasmRuntime, aPtr: number, n: number, wPtr: number, workPtr: number): number {
  return rt.exports.eigvalsh_f64(aPtr, n, wPtr, workPtr);
}

/** Eigenvalues (ascending) of the symmetric A (only the upper triangle is read), without vectors:
 *  the reduction to tridiagonal T (two-stage for large n, as LAPACK dsyevd_2stage) and a QL sweep on
 *  T, O(n²) after the reduction (numpy's eigvalsh). */
export function eigvalsh(rt: WasmRuntime, A: Arr, n: number): { values: Float64Array; status: number } {
  checkLen('eigvalsh A', A, n * n);
  return scoped(rt, () => {
    const a = rt.arena.copyIn(A.length === n * n ? A : Array.prototype.slice.call(A, 0, n * n));
    const w = rt.arena.allocF64(Math.max(n, 1));
    const status = eigvalshPtr(rt, a, n, w, rt.arena.allocF64(eighWorkF64(n)));
    return { values: rt.arena.copyOut(w, n), status };
  });
}

/** Eigenvalues (ascending) and eigenvectors (columns of the row-major n×n result) of the symmetric
 *  tridiagonal (diag, off[i] = T[i][i+1]) by divide and conquer. */
export function stedc(rt: WasmRuntime, diag: Arr, off: Arr): EighResult {
  const n = diag.length;
  return scoped(rt, () => {
    const d = rt.arena.copyIn(diag),
      e = rt.arena.allocF64(Math.max(n, 1));
    const ev = rt.arena.f64(e, Math.max(n, 1));
    ev.fill(0);
    for (let i = 0; i + 1 < n; i++) ev[i] = off[i];
    const z = rt.arena.allocF64(n * n),
      work = rt.arena.allocF64(stedcWorkF64(n));
    const status = rt.exports.stedc_f64(d, e, n, z, work);
    return { values: rt.arena.copyOut(d, n), vectors: rt.arena.copyOut(z, n * n), status };
  });
}

/** f64 workspace entries eighPtrParallel needs for `parts` column ranges. */
export const eighParallelWorkF64 = (n: number, parts: number) => eighWorkF64(n) + (parts - 1) * 4 * n;

/** Resident, multi-worker eigh: the reduction runs on one worker, then the QL phase is split by
 *  columns over `parts` workers (each replays the same scalar QL recurrence on its own copy of the
 *  tridiagonal and rotates only its columns), then one transpose. Bitwise identical to eighPtr.
 *  Needs a shared-memory runtime/executor; workPtr ≥ eighParallelWorkF64(n, parts) f64. */
export async function eighPtrParallel(
  rt: WasmRuntime,
  ex: Executor,
  aPtr: number,
  n: number,
  wPtr: number,
  workPtr: number,
  parts = ex.width,
): Promise<number> {
  if (n <= 0) return 0;
  parts = Math.max(1, Math.min(parts, Math.floor(n / 8) || 1));
  // blocked reduction on one worker; then work[0..n) and [2n..4n) are free, off sits in [n..2n)
  const off = workPtr + 8 * n,
    scratch = workPtr + 16 * n;
  const scaleExp = await ex.call('eigh_range_scale_f64', aPtr, n); // A of tiny or huge norm → 2^e A (eigh_f64's scaling)
  await ex.call('eigh_reduce_blk_f64', aPtr, n, wPtr, off, workPtr);
  const bounds = [0];
  for (let p = 1; p < parts; p++) bounds.push(Math.min(n, Math.round((n * p) / parts / 8) * 8));
  bounds.push(n);
  // Every worker's private copy of (diag, off) is taken before any job starts: worker 0 runs on
  // the originals in place, so copying after its job was posted would race with it.
  const args: [number, number, number][] = [[wPtr, off, scratch]];
  for (let p = 1; p < parts; p++) {
    const base = workPtr + 8 * (eighWorkF64(n) + (p - 1) * 4 * n);
    rt.arena.f64(base, n).set(rt.arena.f64(wPtr, n));
    rt.arena.f64(base + 8 * n, n).set(rt.arena.f64(off, n));
    args.push([base, base + 8 * n, base + 16 * n]);
  }
  const jobs = args.map(([d, e, rot], p) => ex.call('tql_cols_f64', d, e, n, aPtr, n, bounds[p], bounds[p + 1], rot));
  const st = await Promise.all(jobs);
  await ex.call('transpose_sq_f64', aPtr, n);
  unscaleValues(rt, wPtr, n, scaleExp);
  return st.find((v) => v !== 0) ?? 0;
}

/** The eigenvalues of A from those of 2^e A (eigh_range_scale_f64): times 2^−e, exact. */
function unscaleValues(rt: WasmRuntime, wPtr: number, n: number, e: number): void {
  if (e === 0) return;
  const w = rt.arena.f64(wPtr, n);
  for (let i = 0; i < n; i++) w[i] *= 2 ** -e;
}

export interface TridiagResult {
  diag: Float64Array;
  /** off[i] = T[i][i+1]; off[n-1] = 0 */
  off: Float64Array;
  tau: Float64Array;
  /** A after the reduction: reflector k in row k, columns k+1..n-1 */
  reflectors: Float64Array;
}

/** Householder tridiagonalisation T = Qᵀ A Q with Q e_0 = e_0. */
export function tridiag(rt: WasmRuntime, A: Arr, n: number): TridiagResult {
  checkLen('tridiag A', A, n * n);
  return scoped(rt, () => {
    const a = rt.arena.copyIn(A);
    const d = rt.arena.allocF64(n),
      e = rt.arena.allocF64(n),
      work = rt.arena.allocF64(2 * n);
    rt.exports.tridiag_f64(a, n, d, e, work);
    return {
      diag: rt.arena.copyOut(d, n),
      off: rt.arena.copyOut(e, n),
      tau: rt.arena.copyOut(work, n),
      reflectors: rt.arena.copyOut(a, n * n),
    };
  });
}

/** B (n×ncols) ← Q B, or Qᵀ B with trans = true, for Q from `tridiag`. */
export function applyQ(rt: WasmRuntime, t: TridiagResult, n: number, B: Arr, ncols: number, trans = false): Float64Array {
  return scoped(rt, () => {
    const a = rt.arena.copyIn(t.reflectors),
      tau = rt.arena.copyIn(t.tau),
      b = rt.arena.copyIn(B);
    const work = rt.arena.allocF64(Math.max(ncols, 1));
    rt.exports.apply_q_f64(a, n, tau, b, ncols, trans ? 1 : 0, work);
    return rt.arena.copyOut(b, n * ncols);
  });
}

/** Eigenvalues (ascending) of the tridiagonal (diag, off[i] = T[i][i+1]) and the first row z0 of the
 *  eigenvector matrix (z0[j] = first component of eigenvector j). Starting row defaults to e_0. */
export function tqlFirst(rt: WasmRuntime, diag: Arr, off: Arr, z0?: Arr): { values: Float64Array; z0: Float64Array; status: number } {
  const n = diag.length;
  return scoped(rt, () => {
    const d = rt.arena.copyIn(diag);
    const e = rt.arena.allocF64(n);
    const ev = rt.arena.f64(e, n);
    ev.fill(0);
    for (let i = 0; i + 1 < n; i++) ev[i] = off[i];
    const z = rt.arena.allocF64(n);
    const zv = rt.arena.f64(z, n);
    zv.fill(0); // arena memory is not zeroed
    if (z0) zv.set(z0);
    else if (n > 0) zv[0] = 1;
    const status = rt.exports.tql_first_f64(d, e, n, z);
    return { values: rt.arena.copyOut(d, n), z0: rt.arena.copyOut(z, n), status };
  });
}

/** x = (T − shift I)⁻¹ b (LDLᵀ). status ≠ 0 on a zero pivot. */
export function tridiagSolve(rt: WasmRuntime, diag: Arr, off: Arr, b: Arr, shift = 0): { x: Float64Array; status: number } {
  const n = diag.length;
  return scoped(rt, () => {
    const d = rt.arena.copyIn(diag),
      e = rt.arena.allocF64(Math.max(n, 1)),
      x = rt.arena.copyIn(b);
    const ev = rt.arena.f64(e, n);
    for (let i = 0; i + 1 < n; i++) ev[i] = off[i];
    const work = rt.arena.allocF64(2 * n);
    const status = rt.exports.tridiag_solve_f64(d, e, n, shift, x, work);
    return { x: rt.arena.copyOut(x, n), status };
  });
}

export interface LanczosResult {
  /** number of steps m (T is m×m) */
  steps: number;
  alpha: Float64Array;
  /** beta[i] = T[i][i+1], length m (beta[m-1] = 0 on an invariant subspace) */
  beta: Float64Array;
  /** basis rows q_0..q_{m-1} (m×n), if requested */
  Q?: Float64Array;
  /** ‖y‖ */
  norm: number;
}

/** m steps of Lanczos with full reorthogonalisation on symmetric K (n×n) from y; chunk = steps per
 *  Wasm call (the host can stop between calls: `stop(alpha, beta, steps)` returning true ends it). */
export function lanczos(
  rt: WasmRuntime,
  K: Arr,
  n: number,
  y: Arr,
  m: number,
  opts: { chunk?: number; keepBasis?: boolean; stop?: (alpha: Float64Array, beta: Float64Array, steps: number) => boolean } = {},
): LanczosResult {
  m = Math.min(m, n);
  let norm = 0;
  for (let i = 0; i < n; i++) norm += y[i] * y[i];
  norm = Math.sqrt(norm);
  if (m <= 0 || norm === 0) return { steps: 0, alpha: new Float64Array(0), beta: new Float64Array(0), norm };
  return scoped(rt, () => {
    const k = rt.arena.copyIn(K);
    const rows = Math.min(m + 1, n);
    const q = rt.arena.allocF64(rows * n);
    const qv = rt.arena.f64(q, n);
    for (let i = 0; i < n; i++) qv[i] = y[i] / norm;
    const a = rt.arena.allocF64(m),
      b = rt.arena.allocF64(m),
      work = rt.arena.allocF64(n + m);
    const chunk = Math.max(1, opts.chunk ?? m);
    let steps = 0;
    while (steps < m) {
      const j1 = Math.min(m, steps + chunk);
      const done = rt.exports.lanczos_f64(k, n, q, a, b, steps, j1, work);
      steps += done;
      if (steps < j1) break;
      if (opts.stop?.(rt.arena.f64(a, steps).slice(), rt.arena.f64(b, steps).slice(), steps)) break;
    }
    return {
      steps,
      alpha: rt.arena.copyOut(a, steps),
      beta: rt.arena.copyOut(b, steps),
      Q: opts.keepBasis ? rt.arena.copyOut(q, steps * n) : undefined,
      norm,
    };
  });
}

// ------------------------------------------------------------------ resident kernels on an executor
// The engines' only way to BLAS and the eigensolvers: pointer-level calls over buffers the caller owns,
// run on an Executor (the runtime's own instance, or a worker of a pool sharing its memory). Row-major f64.

/** Rows [r0, r1) of G = scale·X Xᵀ's lower triangle; X: n×d, G: n×n. Strips of a whole G may run concurrently. */
export function gramSymRowsOn(ex: Executor, xPtr: number, n: number, d: number, gPtr: number, scale: number, r0: number, r1: number): Promise<void> {
  return ex.call('gram_sym_f64', xPtr, n, d, gPtr, scale, r0, r1);
}

/** Rows [r0, r1) of the upper triangle of G copied from its lower triangle (after all gramSymRowsOn strips). */
export function mirrorLowerRowsOn(ex: Executor, gPtr: number, n: number, r0: number, r1: number): Promise<void> {
  return ex.call('mirror_lower_f64', gPtr, n, r0, r1);
}

/** C = α A B + β C; A: m×k, B: k×n, C: m×n (pointers may address row blocks of larger matrices with the same ld). */
export function gemmOn(ex: Executor, aPtr: number, bPtr: number, cPtr: number, m: number, k: number, n: number, alpha = 1, beta = 0): Promise<void> {
  return ex.call('gemm_f64', aPtr, bPtr, cPtr, m, k, n, alpha, beta);
}

/** C = α A Bᵀ + β C; A: m×k, B: n×k, C: m×n. */
export function gemmNtOn(ex: Executor, aPtr: number, bPtr: number, cPtr: number, m: number, k: number, n: number, alpha = 1, beta = 0): Promise<void> {
  return ex.call('gemm_nt_f64', aPtr, bPtr, cPtr, m, k, n, alpha, beta);
}

/** Symmetric eigendecomposition in place (eigenvectors as columns of A, eigenvalues ascending into W);
 *  workPtr ≥ eighWorkF64(n) f64. Returns 0, or the QL iteration that did not converge. */
/** Rows [r0, r1) of the lower triangle of G = scale·XXᵀ by the packed GEMM (ws: GEMM_WS_F64 f64 per concurrent call). */
export function gramPackedRowsOn(
  ex: Executor,
  xPtr: number,
  n: number,
  d: number,
  gPtr: number,
  scale: number,
  r0: number,
  r1: number,
  wsPtr: number,
): Promise<void> {
  return ex.call('gram_pk_f64', xPtr, n, d, gPtr, scale, r0, r1, wsPtr);
}

/** Dense symmetric eigendecomposition by blocked reduction + divide and conquer (work: eighDcWorkF64(n)). */
export function eighDcOn(ex: Executor, aPtr: number, n: number, wPtr: number, workPtr: number): Promise<number> {
  return ex.call('eigh_dc_f64', aPtr, n, wPtr, workPtr);
}

/** Dense symmetric eigendecomposition by blocked reduction + QL (work: eighWorkF64(n)). */
export function eighBlkOn(ex: Executor, aPtr: number, n: number, wPtr: number, workPtr: number): Promise<number> {
  return ex.call('eigh_blk_f64', aPtr, n, wPtr, workPtr);
}

export function eighOn(ex: Executor, aPtr: number, n: number, wPtr: number, workPtr: number): Promise<number> {
  return ex.call('eigh_f64', aPtr, n, wPtr, workPtr);
}

/** Lanczos steps j0..j1−1 on K (n×n) with full reorthogonalisation; Q holds the basis rows, alpha/beta the
 *  tridiagonal. Returns the number of steps done (fewer on breakdown). workPtr ≥ n + j1 f64. */
export function lanczosStepsOn(
  ex: Executor,
  kPtr: number,
  n: number,
  qPtr: number,
  alphaPtr: number,
  betaPtr: number,
  j0: number,
  j1: number,
  workPtr: number,
): Promise<number> {
  return ex.call('lanczos_f64', kPtr, n, qPtr, alphaPtr, betaPtr, j0, j1, workPtr);
}

/** Resident: y = α op(A) x + β y with op(A) = A (m×n) or Aᵀ. */
export function gemvPtr(rt: WasmRuntime, aPtr: number, xPtr: number, yPtr: number, m: number, n: number, alpha = 1, beta = 0, trans = false): void {
  rt.exports.gemv_f64(aPtr, xPtr, yPtr, m, n, alpha, beta, trans ? 1 : 0);
}

/** Resident: solve (T − shift I) x = b in place for the symmetric tridiagonal T (diag, off); returns 0, or k + 1
 *  if pivot k vanished. workPtr ≥ 2n f64. */
export function tridiagSolvePtr(rt: WasmRuntime, diagPtr: number, offPtr: number, n: number, shift: number, bPtr: number, workPtr: number): number {
  return rt.exports.tridiag_solve_f64(diagPtr, offPtr, n, shift, bPtr, workPtr);
}

/** Resident, synchronous row-major C = αAB + βC (A m×k, B k×n, no transposes, no workspace) on the
 *  runtime's own instance: small products between executor phases. */
export function gemmSmallPtr(rt: WasmRuntime, aPtr: number, bPtr: number, cPtr: number, m: number, k: number, n: number, alpha = 1, beta = 0): void {
  rt.exports.gemm_f64(aPtr, bPtr, cPtr, m, k, n, alpha, beta);
}
