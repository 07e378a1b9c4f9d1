// Dense f64 BLAS kernels over host-owned linear memory (row-major, pointers as usize, counts as i32).
// SIMD paths use f64x2 with several independent accumulators and are guarded by ASC_FEATURE_SIMD so
// the scalar build compiles the plain loops. No kernel allocates. Alignment: any 8-byte aligned
// pointer works (Wasm v128 loads are unaligned-safe); 16 B alignment is faster.
//
// Gram design (engineering.md §6): f64x2 4x2 register tile (4 rows of A against 2 rows of B,
// 8 vector accumulators) with L2 row blocking: i-blocks of (262144/(8k)) & ~3 rows stay L2-resident
// while the j rows stream through L1.

import { gemm_pk_f64, gemm_pk_ws_f64 } from "./gemm";
import { gram_epilogue, gram_epilogue_set, gram_fused_enable } from "./gram_fused";

@inline function ldf(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }
@inline function stf(p: usize, i: i32, v: f64): void { store<f64>(p + (<usize>i << 3), v); }
@inline function rowp(p: usize, row: i32, ld: i32): usize { return p + ((<usize>row * <usize>ld) << 3); }

// ---------------------------------------------------------------- level 1

/** x·y over n entries. */
export function dot_f64(x: usize, y: usize, n: i32): f64 {
  let s: f64 = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    let a0 = f64x2.splat(0);
    let a1 = f64x2.splat(0);
    for (; i + 3 < n; i += 4) {
      const o = <usize>i << 3;
      a0 = f64x2.add(a0, f64x2.mul(v128.load(x + o), v128.load(y + o)));
      a1 = f64x2.add(a1, f64x2.mul(v128.load(x + o, 16), v128.load(y + o, 16)));
    }
    a0 = f64x2.add(a0, a1);
    s = f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1);
  } else {
    let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
    for (; i + 3 < n; i += 4) {
      s0 += ldf(x, i) * ldf(y, i);
      s1 += ldf(x, i + 1) * ldf(y, i + 1);
      s2 += ldf(x, i + 2) * ldf(y, i + 2);
      s3 += ldf(x, i + 3) * ldf(y, i + 3);
    }
    s = (s0 + s2) + (s1 + s3);
  }
  for (; i < n; i++) s += ldf(x, i) * ldf(y, i);
  return s;
}

/** Four dot products with one common vector: o_i ← x_i·u (i = 0..3, n entries each), one pass over u
 *  for the four (the reflector applications of the eigensolver's panels and bulges: 5 loads per
 *  2 entries of four vectors instead of 8). Each o_i is written as a separate pointer, so callers can
 *  scatter the four results. */
export function dot4_f64(n: i32, u: usize, x0: usize, x1: usize, x2: usize, x3: usize, o0: usize, o1: usize, o2: usize, o3: usize): void {
  let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
    for (; i + 1 < n; i += 2) {
      const q = <usize>i << 3;
      const uu = v128.load(u + q);
      a0 = f64x2.add(a0, f64x2.mul(v128.load(x0 + q), uu));
      a1 = f64x2.add(a1, f64x2.mul(v128.load(x1 + q), uu));
      a2 = f64x2.add(a2, f64x2.mul(v128.load(x2 + q), uu));
      a3 = f64x2.add(a3, f64x2.mul(v128.load(x3 + q), uu));
    }
    s0 = f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1);
    s1 = f64x2.extract_lane(a1, 0) + f64x2.extract_lane(a1, 1);
    s2 = f64x2.extract_lane(a2, 0) + f64x2.extract_lane(a2, 1);
    s3 = f64x2.extract_lane(a3, 0) + f64x2.extract_lane(a3, 1);
  }
  for (; i < n; i++) {
    const uu = ldf(u, i);
    s0 += ldf(x0, i) * uu;
    s1 += ldf(x1, i) * uu;
    s2 += ldf(x2, i) * uu;
    s3 += ldf(x3, i) * uu;
  }
  store<f64>(o0, s0);
  store<f64>(o1, s1);
  store<f64>(o2, s2);
  store<f64>(o3, s3);
}

/** y += (b0·x0 + b1·x1) + (b2·x2 + b3·x3) over n entries: four scaled vectors in one pass over y (the
 *  eigensolver's pending rank-2 terms and the two-stage column sets). Pass −b_i to subtract: negation is
 *  exact, so the result is bitwise that of y −= Σ b_i x_i. */
export function axpy4_f64(n: i32, y: usize, x0: usize, x1: usize, x2: usize, x3: usize, b0: f64, b1: f64, b2: f64, b3: f64): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const v0 = f64x2.splat(b0), v1 = f64x2.splat(b1), v2 = f64x2.splat(b2), v3 = f64x2.splat(b3);
    for (; i + 1 < n; i += 2) {
      const q = <usize>i << 3;
      const s = f64x2.add(f64x2.add(f64x2.mul(v0, v128.load(x0 + q)), f64x2.mul(v1, v128.load(x1 + q))),
        f64x2.add(f64x2.mul(v2, v128.load(x2 + q)), f64x2.mul(v3, v128.load(x3 + q))));
      v128.store(y + q, f64x2.add(v128.load(y + q), s));
    }
  }
  for (; i < n; i++) stf(y, i, ldf(y, i) + ((b0 * ldf(x0, i) + b1 * ldf(x1, i)) + (b2 * ldf(x2, i) + b3 * ldf(x3, i))));
}

/** y += a·x over n entries. */
export function axpy_f64(n: i32, a: f64, x: usize, y: usize): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const va = f64x2.splat(a);
    for (; i + 3 < n; i += 4) {
      const o = <usize>i << 3;
      v128.store(y + o, f64x2.add(v128.load(y + o), f64x2.mul(va, v128.load(x + o))));
      v128.store(y + o, f64x2.add(v128.load(y + o, 16), f64x2.mul(va, v128.load(x + o, 16))), 16);
    }
  }
  for (; i < n; i++) stf(y, i, ldf(y, i) + a * ldf(x, i));
}

/** x *= a over n entries. */
export function scale_f64(n: i32, a: f64, x: usize): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const va = f64x2.splat(a);
    for (; i + 1 < n; i += 2) {
      const o = <usize>i << 3;
      v128.store(x + o, f64x2.mul(va, v128.load(x + o)));
    }
  }
  for (; i < n; i++) stf(x, i, a * ldf(x, i));
}

/** y = x over n entries (non-overlapping or y <= x). */
export function copy_f64(n: i32, x: usize, y: usize): void {
  if (n > 0) memory.copy(y, x, <usize>n << 3);
}

/** Euclidean norm, overflow-safe (scaled by max |x_i|). */
export function nrm2_f64(x: usize, n: i32): f64 {
  let m: f64 = 0;
  for (let i = 0; i < n; i++) m = max(m, abs(ldf(x, i)));
  if (m == 0 || !isFinite(m)) return m;
  if (m > 1e-150 && m < 1e150) return sqrt(dot_f64(x, x, n));
  const r = 1.0 / m;
  let s: f64 = 0;
  for (let i = 0; i < n; i++) { const t = ldf(x, i) * r; s += t * t; }
  return m * sqrt(s);
}

/** Plane rotation of two vectors: x' = c x + s y, y' = c y − s x. */
export function rot_f64(n: i32, x: usize, y: usize, c: f64, s: f64): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vc = f64x2.splat(c);
    const vs = f64x2.splat(s);
    for (; i + 1 < n; i += 2) {
      const o = <usize>i << 3;
      const a = v128.load(x + o);
      const b = v128.load(y + o);
      v128.store(x + o, f64x2.add(f64x2.mul(vc, a), f64x2.mul(vs, b)));
      v128.store(y + o, f64x2.sub(f64x2.mul(vc, b), f64x2.mul(vs, a)));
    }
  }
  for (; i < n; i++) {
    const a = ldf(x, i);
    const b = ldf(y, i);
    stf(x, i, c * a + s * b);
    stf(y, i, c * b - s * a);
  }
}

// ---------------------------------------------------------------- level 2

/** Row-major A (m×n, leading dim n). trans = 0: y = α A x + β y (x: n, y: m);
 *  trans ≠ 0: y = α Aᵀ x + β y (x: m, y: n). β = 0 ignores the old y (NaN-safe). */
export function gemv_f64(A: usize, x: usize, y: usize, m: i32, n: i32, alpha: f64, beta: f64, trans: i32): void {
  if (trans == 0) {
    for (let i = 0; i < m; i++) {
      const v = alpha * dot_f64(rowp(A, i, n), x, n);
      stf(y, i, beta == 0 ? v : v + beta * ldf(y, i));
    }
  } else {
    if (beta == 0) memory.fill(y, 0, <usize>max(n, 0) << 3);
    else if (beta != 1) scale_f64(n, beta, y);
    for (let i = 0; i < m; i++) {
      const a = alpha * ldf(x, i);
      if (a != 0) axpy_f64(n, a, rowp(A, i, n), y);
    }
  }
}

// ---------------------------------------------------------------- level 3: A Bᵀ family (Gram)

@inline function putc(C: usize, ldc: i32, i: i32, j: i32, v: f64, alpha: f64, beta: f64): void {
  const p = rowp(C, i, ldc) + (<usize>j << 3);
  if (beta == 0) store<f64>(p, alpha * v);
  else store<f64>(p, alpha * v + beta * load<f64>(p));
}

/** C[i][j] = α A_i·B_j + β C[i][j] for i in [i0,i1), j in [j0,j1); lower ≠ 0 restricts to j ≤ i. */
function nt_driver(
  A: usize, lda: i32, B: usize, ldb: i32, C: usize, ldc: i32, k: i32,
  i0: i32, i1: i32, j0: i32, j1: i32, alpha: f64, beta: f64, lower: bool,
): void {
  if (i1 <= i0 || j1 <= j0) return;
  let bs = (262144 / (8 * max(k, 1))) & ~3;
  if (bs < 4) bs = 4;
  for (let ib = i0; ib < i1; ib += bs) {
    const ie = min(ib + bs, i1);
    const jend = lower ? min(j1, ie) : j1;
    let j = j0;
    for (; j + 1 < jend; j += 2) {
      let i = ib;
      if (lower && j > ib) i = ib + (((j - ib) >> 2) << 2);
      for (; i + 3 < ie; i += 4) tile42(A, lda, B, ldb, C, ldc, k, i, j, alpha, beta, lower);
      for (; i < ie; i++) {
        if (lower && i < j) continue;
        const pa = rowp(A, i, lda);
        putc(C, ldc, i, j, dot_f64(pa, rowp(B, j, ldb), k), alpha, beta);
        if (!lower || j + 1 <= i) putc(C, ldc, i, j + 1, dot_f64(pa, rowp(B, j + 1, ldb), k), alpha, beta);
      }
    }
    if (j < jend) {
      const pb = rowp(B, j, ldb);
      for (let i = lower ? max(ib, j) : ib; i < ie; i++) {
        putc(C, ldc, i, j, dot_f64(rowp(A, i, lda), pb, k), alpha, beta);
      }
    }
  }
}

// 4 rows of A (i..i+3) against 2 rows of B (j, j+1).
@inline function tile42(
  A: usize, lda: i32, B: usize, ldb: i32, C: usize, ldc: i32, k: i32,
  i: i32, j: i32, alpha: f64, beta: f64, lower: bool,
): void {
  const a0 = rowp(A, i, lda);
  const a1 = a0 + (<usize>lda << 3);
  const a2 = a1 + (<usize>lda << 3);
  const a3 = a2 + (<usize>lda << 3);
  const b0 = rowp(B, j, ldb);
  const b1 = b0 + (<usize>ldb << 3);
  let s00: f64 = 0, s01: f64 = 0, s10: f64 = 0, s11: f64 = 0;
  let s20: f64 = 0, s21: f64 = 0, s30: f64 = 0, s31: f64 = 0;
  let p = 0;
  if (ASC_FEATURE_SIMD) {
    let c00 = f64x2.splat(0), c01 = f64x2.splat(0), c10 = f64x2.splat(0), c11 = f64x2.splat(0);
    let c20 = f64x2.splat(0), c21 = f64x2.splat(0), c30 = f64x2.splat(0), c31 = f64x2.splat(0);
    for (; p + 1 < k; p += 2) {
      const o = <usize>p << 3;
      const u0 = v128.load(b0 + o);
      const u1 = v128.load(b1 + o);
      let a = v128.load(a0 + o);
      c00 = f64x2.add(c00, f64x2.mul(a, u0));
      c01 = f64x2.add(c01, f64x2.mul(a, u1));
      a = v128.load(a1 + o);
      c10 = f64x2.add(c10, f64x2.mul(a, u0));
      c11 = f64x2.add(c11, f64x2.mul(a, u1));
      a = v128.load(a2 + o);
      c20 = f64x2.add(c20, f64x2.mul(a, u0));
      c21 = f64x2.add(c21, f64x2.mul(a, u1));
      a = v128.load(a3 + o);
      c30 = f64x2.add(c30, f64x2.mul(a, u0));
      c31 = f64x2.add(c31, f64x2.mul(a, u1));
    }
    s00 = f64x2.extract_lane(c00, 0) + f64x2.extract_lane(c00, 1);
    s01 = f64x2.extract_lane(c01, 0) + f64x2.extract_lane(c01, 1);
    s10 = f64x2.extract_lane(c10, 0) + f64x2.extract_lane(c10, 1);
    s11 = f64x2.extract_lane(c11, 0) + f64x2.extract_lane(c11, 1);
    s20 = f64x2.extract_lane(c20, 0) + f64x2.extract_lane(c20, 1);
    s21 = f64x2.extract_lane(c21, 0) + f64x2.extract_lane(c21, 1);
    s30 = f64x2.extract_lane(c30, 0) + f64x2.extract_lane(c30, 1);
    s31 = f64x2.extract_lane(c31, 0) + f64x2.extract_lane(c31, 1);
  }
  for (; p < k; p++) {
    const o = <usize>p << 3;
    const u0 = load<f64>(b0 + o);
    const u1 = load<f64>(b1 + o);
    let a = load<f64>(a0 + o);
    s00 += a * u0; s01 += a * u1;
    a = load<f64>(a1 + o);
    s10 += a * u0; s11 += a * u1;
    a = load<f64>(a2 + o);
    s20 += a * u0; s21 += a * u1;
    a = load<f64>(a3 + o);
    s30 += a * u0; s31 += a * u1;
  }
  if (!lower || j + 1 <= i) {
    putc(C, ldc, i, j, s00, alpha, beta); putc(C, ldc, i, j + 1, s01, alpha, beta);
    putc(C, ldc, i + 1, j, s10, alpha, beta); putc(C, ldc, i + 1, j + 1, s11, alpha, beta);
    putc(C, ldc, i + 2, j, s20, alpha, beta); putc(C, ldc, i + 2, j + 1, s21, alpha, beta);
    putc(C, ldc, i + 3, j, s30, alpha, beta); putc(C, ldc, i + 3, j + 1, s31, alpha, beta);
  } else {
    if (j <= i) putc(C, ldc, i, j, s00, alpha, beta);
    if (j + 1 <= i) putc(C, ldc, i, j + 1, s01, alpha, beta);
    if (j <= i + 1) putc(C, ldc, i + 1, j, s10, alpha, beta);
    if (j + 1 <= i + 1) putc(C, ldc, i + 1, j + 1, s11, alpha, beta);
    if (j <= i + 2) putc(C, ldc, i + 2, j, s20, alpha, beta);
    if (j + 1 <= i + 2) putc(C, ldc, i + 2, j + 1, s21, alpha, beta);
    if (j <= i + 3) putc(C, ldc, i + 3, j, s30, alpha, beta);
    if (j + 1 <= i + 3) putc(C, ldc, i + 3, j + 1, s31, alpha, beta);
  }
}

/** Gram matrix, lower triangle: G[i][j] = scale · X_i·X_j for j ≤ i and i in [row0, row1).
 *  X row-major n×d, G row-major n×n. Entries above the diagonal are not written (call
 *  mirror_lower_f64 afterwards). Rows are independent, so workers can split [0,n) into strips over
 *  shared memory; row i costs ∝ i+1, so balanced boundaries are ≈ n·√(p/P). */
export function gram_sym_f64(X: usize, n: i32, d: i32, G: usize, scale: f64, row0: i32, row1: i32): void {
  const r0 = max(row0, 0);
  const r1 = min(row1, n);
  nt_driver(X, d, X, d, G, n, d, r0, r1, 0, r1, scale, 0, true);
}

/** gram_sym_f64 on the packed kernel (assembly/gemm.ts): rows [row0, row1) of the lower triangle of
 *  G = scale·X Xᵀ. work ≥ gemm_pk_ws_f64() f64, private per worker. Any row split gives bitwise the
 *  one-call result (see gemm.ts). Entries above the diagonal are not written. */
export function gram_pk_f64(X: usize, n: i32, d: i32, G: usize, scale: f64, row0: i32, row1: i32, work: usize): void {
  const r0 = max(row0, 0);
  const r1 = min(row1, n);
  // local row i − r0 against global column j: j ≤ i ⇔ j − (i − r0) ≤ r0
  if (r1 > r0) gemm_pk_f64(0, 1, r1 - r0, r1, d, scale, X + ((<usize>r0 * <usize>d) << 3), d, X, d, 0, G + ((<usize>r0 * <usize>n) << 3), n, 1, r0, work);
}

/** The Gram with the kernel maps and the mirror fused into its blocks (issue 12, item 4): rows
 *  [row0, row1) of the lower triangle of G = scale·X Xᵀ (packed GEMM, as gram_pk_f64, bitwise the
 *  same G), and, on each block of G as soon as it is final (kernel.ts gram_epilogue):
 *  - flags & GRAM_UNIT_DIAG: G[i][i] = 1 exactly;
 *  - K = Σ_t w_t h_t(G) on those entries (nterms records of GRAM_TERM_F64 f64 at `terms`: kind,
 *    p0, coef pointer, ncoef, weight, as kmap_f64; nterms = 0: K untouched);
 *  - G ← m(G) in place when mterm ≠ 0 (one record);
 *  - flags & GRAM_MIRROR_K / GRAM_MIRROR_G: the entries copied to the upper triangle.
 *  Every value equals gram_pk_f64, then kmap_lower_f64 per term, then the mirror, bitwise. A row
 *  strip writes only its rows' lower entries and their mirror images (the strip's columns), so
 *  strips over workers need no barrier and give the one-call bits. K may be G only with nterms = 1
 *  and mterm = 0 (in-place map). work ≥ gemm_pk_ws_f64() f64, private per worker. */
export function gram_kmap_pk_f64(
  X: usize, n: i32, d: i32, G: usize, scale: f64, row0: i32, row1: i32, work: usize,
  K: usize, terms: usize, nterms: i32, mterm: usize, flags: i32,
): void {
  const r0 = max(row0, 0);
  const r1 = min(row1, n);
  if (r1 <= r0) return;
  gram_epilogue_set(G, K, n, r0, terms, nterms, mterm, flags);
  if (d > 0 && scale != 0) {
    gram_fused_enable(true);
    gemm_pk_f64(0, 1, r1 - r0, r1, d, scale, X + ((<usize>r0 * <usize>d) << 3), d, X, d, 0, G + ((<usize>r0 * <usize>n) << 3), n, 1, r0, work);
    gram_fused_enable(false);
  } else {
    // no product to fuse into: zero the strip's lower triangle, then one epilogue over it
    for (let i = r0; i < r1; i++) memory.fill(G + ((<usize>i * <usize>n) << 3), 0, (<usize>(i + 1)) << 3);
    gram_epilogue(0, r1 - r0, 0, r1);
  }
}

/** Copy the lower triangle to the upper one for upper rows i in [row0, row1): G[i][j] = G[j][i], j > i.
 *  Blocked 32×32 so the strided reads stay in cache. Run after every strip of gram_sym_f64 is done. */
export function mirror_lower_f64(G: usize, n: i32, row0: i32, row1: i32): void {
  const r0 = max(row0, 0);
  const r1 = min(row1, n);
  const BS = 32;
  for (let ib = r0; ib < r1; ib += BS) {
    const ie = min(ib + BS, r1);
    for (let jb = ib; jb < n; jb += BS) {
      const je = min(jb + BS, n);
      for (let i = ib; i < ie; i++) {
        const gi = rowp(G, i, n);
        for (let j = max(jb, i + 1); j < je; j++) {
          store<f64>(gi + (<usize>j << 3), load<f64>(rowp(G, j, n) + (<usize>i << 3)));
        }
      }
    }
  }
}

/** Full Gram: G = scale · X Xᵀ (lower tiles + mirror), X n×d, G n×n. */
export function gram_f64(X: usize, n: i32, d: i32, G: usize, scale: f64): void {
  gram_sym_f64(X, n, d, G, scale, 0, n);
  mirror_lower_f64(G, n, 0, n);
}

/** C = α A Bᵀ + β C. A m×k, B n×k, C m×n, all row-major and dense. β = 0 ignores old C. */
export function gemm_nt_f64(A: usize, B: usize, C: usize, m: i32, k: i32, n: i32, alpha: f64, beta: f64): void {
  nt_driver(A, k, B, k, C, n, k, 0, m, 0, n, alpha, beta, false);
}

/** Rows [row0,row1) of C = α A Bᵀ + β C (for splitting the cross-Gram over workers). */
export function gemm_nt_rows_f64(
  A: usize, B: usize, C: usize, m: i32, k: i32, n: i32, alpha: f64, beta: f64, row0: i32, row1: i32,
): void {
  nt_driver(A, k, B, k, C, n, k, max(row0, 0), min(row1, m), 0, n, alpha, beta, false);
}

// ---------------------------------------------------------------- level 3: A B

/** C = α A B + β C. A m×k, B k×n, C m×n, row-major dense. β = 0 ignores old C (NaN-safe).
 *  f64x2 4×4 register tile (8 vector accumulators), k-blocked so a k-panel of B stays in L2. */
export function gemm_f64(A: usize, B: usize, C: usize, m: i32, k: i32, n: i32, alpha: f64, beta: f64): void {
  if (m <= 0 || n <= 0) return;
  const mn = m * n;
  if (beta == 0) memory.fill(C, 0, <usize>mn << 3);
  else if (beta != 1) scale_f64(mn, beta, C);
  if (alpha == 0 || k <= 0) return;
  // blocks: B (kb × nb ≈ 256 KiB) stays in L2 while 4-row strips of A (4 × kb) sit in L1; C is
  // read/written once per k-block.
  const kb = min(k, 256);
  const nb = min(n, 128);
  for (let jb = 0; jb < n; jb += nb) {
    const je = min(jb + nb, n);
    for (let pb = 0; pb < k; pb += kb) {
      const pe = min(pb + kb, k);
      gemm_block(A, B, C, m, k, n, alpha, jb, je, pb, pe);
    }
  }
}

function gemm_block(
  A: usize, B: usize, C: usize, m: i32, k: i32, n: i32, alpha: f64, jb: i32, je: i32, pb: i32, pe: i32,
): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    // 2×8 register tile: each B row segment is one 64-byte line, 8 vector accumulators
    const va = f64x2.splat(alpha);
    const ldb = <usize>n << 3;
    for (; i + 1 < m; i += 2) {
      const a0 = rowp(A, i, k);
      const a1 = a0 + (<usize>k << 3);
      const c0 = rowp(C, i, n);
      const c1 = c0 + (<usize>n << 3);
      let j = jb;
      for (; j + 7 < je; j += 8) {
        let x00 = f64x2.splat(0), x01 = f64x2.splat(0), x02 = f64x2.splat(0), x03 = f64x2.splat(0);
        let x10 = f64x2.splat(0), x11 = f64x2.splat(0), x12 = f64x2.splat(0), x13 = f64x2.splat(0);
        let pbp = B + ((<usize>pb * <usize>n + <usize>j) << 3);
        for (let p = pb; p < pe; p++) {
          const u0 = v128.load(pbp);
          const u1 = v128.load(pbp, 16);
          const u2 = v128.load(pbp, 32);
          const u3 = v128.load(pbp, 48);
          pbp += ldb;
          const o = <usize>p << 3;
          let a = f64x2.splat(load<f64>(a0 + o));
          x00 = f64x2.add(x00, f64x2.mul(a, u0));
          x01 = f64x2.add(x01, f64x2.mul(a, u1));
          x02 = f64x2.add(x02, f64x2.mul(a, u2));
          x03 = f64x2.add(x03, f64x2.mul(a, u3));
          a = f64x2.splat(load<f64>(a1 + o));
          x10 = f64x2.add(x10, f64x2.mul(a, u0));
          x11 = f64x2.add(x11, f64x2.mul(a, u1));
          x12 = f64x2.add(x12, f64x2.mul(a, u2));
          x13 = f64x2.add(x13, f64x2.mul(a, u3));
        }
        const o = <usize>j << 3;
        v128.store(c0 + o, f64x2.add(v128.load(c0 + o), f64x2.mul(va, x00)));
        v128.store(c0 + o, f64x2.add(v128.load(c0 + o, 16), f64x2.mul(va, x01)), 16);
        v128.store(c0 + o, f64x2.add(v128.load(c0 + o, 32), f64x2.mul(va, x02)), 32);
        v128.store(c0 + o, f64x2.add(v128.load(c0 + o, 48), f64x2.mul(va, x03)), 48);
        v128.store(c1 + o, f64x2.add(v128.load(c1 + o), f64x2.mul(va, x10)));
        v128.store(c1 + o, f64x2.add(v128.load(c1 + o, 16), f64x2.mul(va, x11)), 16);
        v128.store(c1 + o, f64x2.add(v128.load(c1 + o, 32), f64x2.mul(va, x12)), 32);
        v128.store(c1 + o, f64x2.add(v128.load(c1 + o, 48), f64x2.mul(va, x13)), 48);
      }
      for (; j < je; j++) {
        let t0: f64 = 0, t1: f64 = 0;
        for (let p = pb; p < pe; p++) {
          const b = load<f64>(B + ((<usize>p * <usize>n + <usize>j) << 3));
          const o = <usize>p << 3;
          t0 += load<f64>(a0 + o) * b;
          t1 += load<f64>(a1 + o) * b;
        }
        stf(c0, j, ldf(c0, j) + alpha * t0);
        stf(c1, j, ldf(c1, j) + alpha * t1);
      }
    }
  }
  // remaining rows (all rows in the scalar build): C_i[jb..je) += α Σ_p A[i][p] B_p[jb..je)
  const w = je - jb;
  for (; i < m; i++) {
    const ai = rowp(A, i, k);
    const ci = rowp(C, i, n) + (<usize>jb << 3);
    for (let p = pb; p < pe; p++) {
      const a = alpha * ldf(ai, p);
      if (a != 0) axpy_f64(w, a, rowp(B, p, n) + (<usize>jb << 3), ci);
    }
  }
}

/** f64 workspace entries gemm_ws_f64 needs: one packed k-block × n-block panel of B. */
export function gemm_ws_size_f64(): i32 { return gemm_pk_ws_f64(); }

/** C = α A B + β C like gemm_f64, on the packed kernel gemm_pk_f64 (work ≥ gemm_ws_size_f64() f64,
 *  16-byte aligned). work = 0 falls back to gemm_f64. */
export function gemm_ws_f64(
  A: usize, B: usize, C: usize, m: i32, k: i32, n: i32, alpha: f64, beta: f64, work: usize,
): void {
  if (work == 0) {
    gemm_f64(A, B, C, m, k, n, alpha, beta);
    return;
  }
  gemm_pk_f64(0, 0, m, n, k, alpha, A, k, B, n, beta, C, n, 0, 0, work);
}

/** In-place transpose of a square row-major n×n matrix. */
export function transpose_sq_f64(A: usize, n: i32): void {
  const BS = 32;
  for (let ib = 0; ib < n; ib += BS) {
    const ie = min(ib + BS, n);
    for (let jb = ib; jb < n; jb += BS) {
      const je = min(jb + BS, n);
      for (let i = ib; i < ie; i++) {
        for (let j = max(jb, i + 1); j < je; j++) {
          const p = rowp(A, i, n) + (<usize>j << 3);
          const q = rowp(A, j, n) + (<usize>i << 3);
          const t = load<f64>(p);
          store<f64>(p, load<f64>(q));
          store<f64>(q, t);
        }
      }
    }
  }
}
