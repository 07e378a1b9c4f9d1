// The Gram epilogue (issue 12, item 4): the kernel maps and the mirror fused into the packed Gram.
// Not re-exported by index.ts: internal to blas.ts gram_kmap_pk_f64 and gemm.ts gemm_pk_run.
import { kmap_f64 } from "./kernel";
import { GRAM_UNIT_DIAG, GRAM_MIRROR_K, GRAM_MIRROR_G, GRAM_TERM_F64 } from "./gen/kernel_layout";

// gram_kmap_pk_f64 (blas.ts) sets this state, then runs gemm_pk_f64, which calls gram_epilogue
// on every mc×nc block of C right after the block's last inner-dimension (KC) pass: the block is then
// final and still in L2 (96×512 f64 = 384 KiB), so the maps and the mirror read it from cache, not
// from memory as separate passes over n² entries do. Module globals are per instance, hence per
// worker: two workers on two row strips each have their own state.
/** True only inside gram_kmap_pk_f64's GEMM call: gemm_pk_f64 then calls gram_epilogue per block. */
export let gram_fused_on: bool = false;
export function gram_fused_enable(on: bool): void {
  gram_fused_on = on;
}
let ep_G: usize = 0; // G = scale·XXᵀ, n×n row-major
let ep_K: usize = 0; // K = Σ_t w_t h_t(G), n×n
let ep_n: i32 = 0;
let ep_r0: i32 = 0; // global row of the GEMM call's local row 0
let ep_terms: usize = 0; // nterms records of GRAM_TERM_F64 f64: kind, p0, coef pointer, ncoef, weight
let ep_nterms: i32 = 0;
let ep_mterm: usize = 0; // one record, applied to G in place after K (0: none)
let ep_flags: i32 = 0;

export function gram_epilogue_set(G: usize, K: usize, n: i32, r0: i32, terms: usize, nterms: i32, mterm: usize, flags: i32): void {
  ep_G = G;
  ep_K = K;
  ep_n = n;
  ep_r0 = r0;
  ep_terms = terms;
  ep_nterms = nterms;
  ep_mterm = mterm;
  ep_flags = flags;
}

@inline function map_record(rec: usize, src: usize, dst: usize, len: i32, accumulate: i32): void {
  kmap_f64(src, dst, len, <i32>load<f64>(rec), load<f64>(rec, 8), <usize>load<f64>(rec, 16), <i32>load<f64>(rec, 24), load<f64>(rec, 32), accumulate);
}

// dst[j][i] = dst[i][j] for the block's lower entries j < i (rows i of the block, columns j in
// [jc, je)), eight columns at a time: each source row segment of 8 entries is one cache line read
// once, and the 8 destination rows are 8 write streams. (Column by column, the block's rows, n·8
// bytes apart, fall into the same L1 sets and evict each other before the next column reuses them.)
// Rows of the upper triangle written by a strip are the strip's own columns: two workers on disjoint
// row strips write disjoint entries.
function mirror_block(M: usize, n: i32, i0: i32, i1: i32, jc: i32, je: i32): void {
  const ld = <usize>n << 3;
  let touched: f64 = 0;
  for (let jb = jc; jb < je; jb += 8) {
    const jt = min(jb + 8, je);
    touched += touch_rows(M, ld, i0, i1, jt, min(jt + 8, je));
    for (let i = max(i0, jb + 1); i < i1; i++) {
      const src = M + <usize>i * ld;
      const col = <usize>i << 3;
      const j1 = min(jt, i);
      for (let j = jb; j < j1; j++) store<f64>(M + <usize>j * ld + col, load<f64>(src + (<usize>j << 3)));
    }
  }
  mirror_touched = touched;
}

// The mirror's stores go to the upper triangle, cold in cache: each line costs a read for ownership
// from memory, and the stores leave the store buffer in order, so those misses come one after
// another. Loading one entry of each destination line of the next 8-column chunk first (Wasm has no
// prefetch) has the misses of the whole chunk in flight together, and the stores then hit: the
// mirror went from about 31 to 21–25 ms of the fused Gram at n = 4096, d = 512. (Spread through the
// product's micro tiles instead, the loads stalled it: an outstanding miss holds the reorder buffer.)
@inline function touch_rows(M: usize, ld: usize, i0: i32, i1: i32, j0: i32, j1: i32): f64 {
  let s: f64 = 0;
  for (let j = j0; j < j1; j++) {
    const row = M + <usize>j * ld;
    for (let i = max(i0, j + 1) & ~7; i < i1; i += 8) s += load<f64>(row + (<usize>i << 3));
  }
  return s;
}
/** Sink for the touched values (keeps the loads). */
let mirror_touched: f64 = 0;

/** Called by the packed GEMM (gemm.ts, gram mode) when rows [ic, ic+mc) (local to the call) ×
 *  columns [jc, jc+nc) of G are final. Maps their lower-triangle part into K, then G in place,
 *  then mirrors. Each entry is mapped once, by kmap_f64 on row segments: the result equals
 *  kmap_lower_f64 on the finished Gram bitwise (elementwise map, the same code). */
export function gram_epilogue(ic: i32, mc: i32, jc: i32, nc: i32): void {
  const n = ep_n;
  const i0 = ep_r0 + ic;
  const i1 = ep_r0 + ic + mc;
  for (let i = i0; i < i1; i++) {
    const j1 = min(jc + nc, i + 1);
    if (j1 <= jc) continue;
    const off = (<usize>i * <usize>n + <usize>jc) << 3;
    const g = ep_G + off;
    if ((ep_flags & GRAM_UNIT_DIAG) != 0 && j1 == i + 1) store<f64>(g + (<usize>(i - jc) << 3), 1.0);
    for (let t = 0; t < ep_nterms; t++) map_record(ep_terms + ((<usize>(t * GRAM_TERM_F64)) << 3), g, ep_K + off, j1 - jc, t == 0 ? 0 : 1);
    if (ep_mterm != 0) map_record(ep_mterm, g, g, j1 - jc, 0);
  }
  const je = min(jc + nc, i1);
  if (ep_nterms > 0 && (ep_flags & GRAM_MIRROR_K) != 0) mirror_block(ep_K, n, i0, i1, jc, je);
  if ((ep_flags & GRAM_MIRROR_G) != 0 && (ep_K != ep_G || ep_nterms == 0)) mirror_block(ep_G, n, i0, i1, jc, je);
}
