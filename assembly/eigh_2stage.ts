// Two-stage tridiagonalisation for eigenvalues only (issue 12; LAPACK dsytrd_2stage =
// dsytrd_sy2sb + dsytrd_sb2st, Haidar–Ltaief–Dongarra bulge chasing).
//
// The one-stage reduction (tridiag_blk_f64, dsytrd) does half of its 4n³/3 flops as symmetric
// matrix–vector products, one pass over the trailing triangle per reflector (level 2, memory
// bound). Here:
//   1. dense → band of half-bandwidth b (sy2sb_f64): per panel of b columns a Householder QR of the
//      block below the band, then the two-sided update A₂₂ ← Qᵀ A₂₂ Q with Q = I − V T Vᵀ as one
//      symmetric product A₂₂ V and one rank-2b update, all on the packed GEMM (level 3);
//   2. band → tridiagonal (sb2st_f64): Householder bulge chasing on a compact copy of the band
//      (dsb2st_kernels' three task types), O(n²b) on cache-resident blocks.
// No reflector is kept (eigenvalues only: dsyevd_2stage with jobz = 'N').
//
// Storage: the convention of eigh.ts — row-major, only the UPPER triangle (j ≥ i) is read. Row i of
// the upper triangle is column i of the lower triangle of a column-major matrix, so LAPACK's 'L'
// algorithms map onto contiguous rows: the panel's columns below the band are rows i0..i0+b−1 right
// of the band, and the compact band row c holds the lower-band column c (entries (c+d, c), d ≥ 0).
import { dot_f64, dot4_f64, axpy_f64, axpy4_f64, scale_f64 } from "./blas";
import { gemm_pk_f64, gemm_pk_ws_f64 } from "./gemm";
import { symv_rows, rank2_row, build_t_gemm, eigh_nbq_f64, house_f64 } from "./eigh";

@inline function ldf(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }
@inline function stf(p: usize, i: i32, v: f64): void { store<f64>(p + (<usize>i << 3), v); }
@inline function at(A: usize, n: i32, i: i32, j: i32): usize {
  return A + ((<usize>i * <usize>n + <usize>j) << 3);
}
@inline function even(k: i32): i32 { return (k + 1) & ~1; }

/** Half-bandwidth of the intermediate band (eigvalsh's two-stage path): stage 1 runs its two
 *  products with inner dimension b and 2b (the packed GEMM nears its peak only from ≈ 128 on),
 *  stage 2 costs O(n²b). Measured (CPU time, loaded machine, one process, b = 32 / 48 / 64, ms):
 *  n = 1024: 115 / 117 / 128; 2000: 697 / 718 / 766; 3000: 2497 / 2487 / 2521;
 *  4000: 5814–6066 / 5624–5780 / 5729–6005. */
@inline function band_width(n: i32): i32 { return n <= 2500 ? 32 : 48; }
/** Rows per tile of the symmetric product A₂₂ V (the diagonal tile is mirrored into a square). */
const TILE: i32 = 256;

/** f64 workspace entries sy2sb_f64 / sb2st_f64 / tridiag_2stage_f64 need for order n and
 *  half-bandwidth b (1 ≤ b ≤ 128). */
export function tridiag_2stage_ws_f64(n: i32, b: i32): i32 {
  const nbq = eigh_nbq_f64();
  const stage1 = 3 * b * n + 2 * b * b + 2 * nbq * nbq + TILE * TILE + 2 * b + gemm_pk_ws_f64() + 16;
  const stage2 = even(n * (2 * b + 1)) + 4 * b + 16;
  return max(stage1, stage2);
}

// ------------------------------------------------------------------ column-set kernels
//
// A set of cnt vectors X_c = X + 8·c·ld (length len each, contiguous): the reflector applications of
// both stages act on such sets (the panel's columns below the band; a bulge's columns in the compact
// band). Four vectors per pass over the entries share the loads of the common vector and of y:
// 6 loads + 4 stores per 8 entries instead of 3 loads + 1 store per entry and vector.

// o[c] = X_c · u for c < cnt.
function set_dots(len: i32, cnt: i32, X: usize, ld: i32, u: usize, o: usize): void {
  const l = <usize>ld << 3;
  let c = 0;
  for (; c + 3 < cnt; c += 4) {
    const x0 = X + <usize>c * l, x1 = x0 + l, x2 = x1 + l, x3 = x2 + l;
    const oc = o + (<usize>c << 3);
    dot4_f64(len, u, x0, x1, x2, x3, oc, oc + 8, oc + 16, oc + 24);
  }
  for (; c < cnt; c++) stf(o, c, dot_f64(X + <usize>c * l, u, len));
}

// X_c −= (alpha·a[c])·y for c < cnt (rank-1 update of the set).
function set_ger(len: i32, cnt: i32, X: usize, ld: i32, a: usize, alpha: f64, y: usize): void {
  const l = <usize>ld << 3;
  let c = 0;
  for (; c + 3 < cnt; c += 4) {
    const x0 = X + <usize>c * l, x1 = x0 + l, x2 = x1 + l, x3 = x2 + l;
    const b0 = alpha * ldf(a, c), b1 = alpha * ldf(a, c + 1), b2 = alpha * ldf(a, c + 2), b3 = alpha * ldf(a, c + 3);
    let i = 0;
    if (ASC_FEATURE_SIMD) {
      const v0 = f64x2.splat(b0), v1 = f64x2.splat(b1), v2 = f64x2.splat(b2), v3 = f64x2.splat(b3);
      for (; i + 1 < len; i += 2) {
        const q = <usize>i << 3;
        const yy = v128.load(y + q);
        v128.store(x0 + q, f64x2.sub(v128.load(x0 + q), f64x2.mul(v0, yy)));
        v128.store(x1 + q, f64x2.sub(v128.load(x1 + q), f64x2.mul(v1, yy)));
        v128.store(x2 + q, f64x2.sub(v128.load(x2 + q), f64x2.mul(v2, yy)));
        v128.store(x3 + q, f64x2.sub(v128.load(x3 + q), f64x2.mul(v3, yy)));
      }
    }
    for (; i < len; i++) {
      const yy = ldf(y, i);
      stf(x0, i, ldf(x0, i) - b0 * yy);
      stf(x1, i, ldf(x1, i) - b1 * yy);
      stf(x2, i, ldf(x2, i) - b2 * yy);
      stf(x3, i, ldf(x3, i) - b3 * yy);
    }
  }
  for (; c < cnt; c++) axpy_f64(len, -alpha * ldf(a, c), y, X + <usize>c * l);
}

// y = Σ_{c<cnt} a[c] X_c (overwrites y).
function set_combine(len: i32, cnt: i32, X: usize, ld: i32, a: usize, y: usize): void {
  const l = <usize>ld << 3;
  memory.fill(y, 0, <usize>len << 3);
  let c = 0;
  for (; c + 3 < cnt; c += 4) {
    const x0 = X + <usize>c * l, x1 = x0 + l, x2 = x1 + l, x3 = x2 + l;
    axpy4_f64(len, y, x0, x1, x2, x3, ldf(a, c), ldf(a, c + 1), ldf(a, c + 2), ldf(a, c + 3));
  }
  for (; c < cnt; c++) axpy_f64(len, ldf(a, c), X + <usize>c * l, y);
}

// ------------------------------------------------------------------ stage 1: dense → band

// Householder QR (dgeqr2) of the panel X = A[i0 .. i0+b)[t0 .. n)ᵀ (pn × b, column j = row i0+j of A
// right of the band, contiguous): reflectors j < pk = min(pn, b), each applied to all later columns
// (when pn < b the unfactored columns still need Qᵀ for the similarity). On exit row i0+j holds R's
// column j at columns t0..t0+j (inside the band) and v_j's tail after it; tau[j] = τ_j.
function panel_qr(A: usize, n: i32, i0: i32, t0: i32, b: i32, pn: i32, pk: i32, tau: usize, o: usize): void {
  for (let j = 0; j < pk; j++) {
    const x = at(A, n, i0 + j, t0 + j);
    const len = pn - j;
    const t = house_f64(len, x);
    stf(tau, j, t);
    if (t == 0 || j + 1 >= b) continue;
    // columns j+1..b−1 of X ← (I − τ v vᵀ) columns, v = [1, x[1..]] (β set aside meanwhile, as dgeqr2)
    const beta = load<f64>(x);
    store<f64>(x, 1.0);
    const X = at(A, n, i0 + j + 1, t0 + j);
    set_dots(len, b - j - 1, X, n, x, o);
    set_ger(len, b - j - 1, X, n, o, t, x);
    store<f64>(x, beta);
  }
}

// Y (pk × m, ld m) = V A₂₂ for the symmetric m×m A₂₂ = A[t0..][t0..] (upper triangle, ld n) and
// V (pk × m, ld m): row blocks I of TILE rows, the diagonal tile mirrored into the square S
// (TILE², ld TILE), the tile row right of it R = A₂₂[I][r1..m) used twice, as R (Y[:, r1..] += V[:, I] R)
// and as Rᵀ (Y[:, I] += V[:, r1..] Rᵀ): every stored entry is read once per panel, at GEMM speed.
function sym_times(A: usize, n: i32, t0: i32, m: i32, V: usize, pk: i32, Y: usize, S: usize, gw: usize): void {
  memory.fill(Y, 0, (<usize>pk * <usize>m) << 3);
  const A22 = at(A, n, t0, t0);
  for (let r0 = 0; r0 < m; r0 += TILE) {
    const h = min(TILE, m - r0);
    const r1 = r0 + h;
    for (let i = 0; i < h; i++) {
      const src = at(A22, n, r0 + i, r0 + i);
      const dst = S + ((<usize>i * <usize>(TILE + 1)) << 3);
      memory.copy(dst, src, <usize>(h - i) << 3);
      for (let j = i + 1; j < h; j++) store<f64>(S + ((<usize>j * <usize>TILE + <usize>i) << 3), ldf(dst, j - i));
    }
    gemm_pk_f64(0, 0, pk, h, h, 1.0, V + (<usize>r0 << 3), m, S, TILE, 1.0, Y + (<usize>r0 << 3), m, 0, 0, gw);
    if (r1 < m) {
      const R = at(A22, n, r0, r1);
      gemm_pk_f64(0, 0, pk, m - r1, h, 1.0, V + (<usize>r0 << 3), m, R, n, 1.0, Y + (<usize>r1 << 3), m, 0, 0, gw);
      gemm_pk_f64(0, 1, pk, h, m - r1, 1.0, V + (<usize>r1 << 3), m, R, n, 1.0, Y + (<usize>r0 << 3), m, 0, 0, gw);
    }
  }
}

/** Dense → band (LAPACK dsytrd_sy2sb, 'L' order): the symmetric row-major n×n A (upper triangle
 *  read) becomes B = Qᵀ A Q with B[i][j] = 0 for j − i > b; on exit A's upper triangle holds B
 *  (entries beyond the band set to 0; the strict lower triangle is scratch). Panel i0 = 0, b, 2b, …
 *  while more than one row lies below the band: QR of the block below the band, X = Q R with
 *  Q = H₀ ⋯ H_{pk−1} = I − V T Vᵀ (compact WY, dlarft), then A₂₂ ← Qᵀ A₂₂ Q as
 *  P = A₂₂ V T, W = P − ½ V (Tᵀ Vᵀ P), A₂₂ −= V Wᵀ + W Vᵀ (dsytrd_sy2sb's update). V, P, W are
 *  kept transposed (pk rows of length pn): Pᵀ = Tᵀ (Vᵀ A₂₂), Wᵀ = Pᵀ − ½ (Pᵀ V) T Vᵀ.
 *  1 ≤ b ≤ 128; work ≥ tridiag_2stage_ws_f64(n, b) f64, 16-byte aligned. */
export function sy2sb_f64(A: usize, n: i32, b: i32, work: usize): void {
  const nbq = eigh_nbq_f64();
  // workspace: [V | W | V'] 3·b·n (V' = Y, then a copy of V) | Mt b² | K b² | T nbq² | G nbq² |
  // S TILE² | tau b | o b | gemm
  const V = work;
  const Mt = V + ((<usize>(3 * b) * <usize>n) << 3);
  const K = Mt + (<usize>(b * b) << 3);
  const T = K + (<usize>(b * b) << 3);
  const G = T + (<usize>(nbq * nbq) << 3);
  const S = G + (<usize>(nbq * nbq) << 3);
  const tau = S + (<usize>(TILE * TILE) << 3);
  const gw = (tau + (<usize>(2 * b) << 3) + 15) & ~(<usize>15);
  for (let i0 = 0; n - i0 - b > 1; i0 += b) {
    const t0 = i0 + b;
    const pn = n - t0;
    const pk = min(pn, b);
    panel_qr(A, n, i0, t0, b, pn, pk, tau, tau + (<usize>b << 3));
    // V (pk × pn): row j = v_j on indices t0..n−1 (zeros before j, 1 at j); the reflector tails
    // leave A (beyond the band: B's zeros)
    const blk = (<usize>pk * <usize>pn) << 3;
    const W = V + blk, Y = W + blk;
    for (let j = 0; j < pk; j++) {
      const row = V + ((<usize>j * <usize>pn) << 3);
      memory.fill(row, 0, <usize>j << 3);
      stf(row, j, 1.0);
      const tail = at(A, n, i0 + j, t0 + j + 1);
      memory.copy(row + (<usize>(j + 1) << 3), tail, <usize>(pn - j - 1) << 3);
      memory.fill(tail, 0, <usize>(pn - j - 1) << 3);
    }
    build_t_gemm(V, pn, pk, tau, T, G, gw);
    sym_times(A, n, t0, pn, V, pk, Y, S, gw);
    // Pᵀ = Tᵀ Y (= (A₂₂ V_cols T)ᵀ), into W
    gemm_pk_f64(1, 0, pk, pn, pk, 1.0, T, nbq, Y, pn, 0.0, W, pn, 0, 0, gw);
    // Wᵀ = Pᵀ − ½ Mᵀ T V with Mᵀ = Pᵀ Vᵀ (pk × pk): Mt, then K = Mt T
    gemm_pk_f64(0, 1, pk, pk, pn, 1.0, W, pn, V, pn, 0.0, Mt, b, 0, 0, gw);
    gemm_pk_f64(0, 0, pk, pk, pk, 1.0, Mt, b, T, nbq, 0.0, K, b, 0, 0, gw);
    gemm_pk_f64(0, 0, pk, pn, pk, -0.5, K, b, V, pn, 1.0, W, pn, 0, 0, gw);
    // A₂₂ −= [V; W]ᵀ [W; V] on the upper triangle (dsyr2k, as tridiag_update_f64)
    memory.copy(Y, V, blk);
    gemm_pk_f64(1, 0, pn, pn, 2 * pk, -1.0, V, pn, W, pn, 1.0, at(A, n, t0, t0), n, 2, 0, gw);
  }
}

// ------------------------------------------------------------------ stage 2: band → tridiagonal
//
// The band lives in AB (n rows, ld = 2b+1): AB row c, entry d = lower-band entry (c+d, c) = upper
// A[c][c+d]; d ≤ b initially, the bulges reach d ≤ 2b−1. A block (r0.., c0..) of the lower triangle
// is column-contiguous: entries (r, c) at AB + 8(c·ld + r − c). Seen with row stride ld − 1, the
// square (st.., st..) is an upper-stored row-major matrix: symv_rows applies to it unchanged.

// Two-sided H S H on the symmetric lm×lm diagonal block at st (LAPACK dlarfy): w = τ S v,
// w −= ½ τ (wᵀv) v, S −= v wᵀ + w vᵀ (upper rows of the strided view).
function larfy(AB: usize, ld: i32, st: i32, lm: i32, v: usize, t: f64, w: usize): void {
  if (t == 0) return;
  const S0 = AB + ((<usize>st * <usize>ld) << 3);
  const lds = ld - 1;
  memory.fill(w, 0, <usize>lm << 3);
  symv_rows(0, lm, lm, S0, lds, v, w);
  scale_f64(lm, t, w);
  axpy_f64(lm, -0.5 * t * dot_f64(w, v, lm), v, w);
  for (let i = 0; i < lm; i++) {
    const row = S0 + ((<usize>i * <usize>lds + <usize>i) << 3);
    rank2_row(lm - i, row, w + (<usize>i << 3), v + (<usize>i << 3), ldf(v, i), ldf(w, i));
  }
}

// One sweep of the bulge chase (dsb2st_kernels, lower, task types 1 → (2, 3)*): annihilate column s
// below its subdiagonal with H (type 1: reflector + dlarfy on the diagonal block st..ed); then, block
// by block down the band, apply the last H from the right to the lm×ln block (j1..j2, st..ed) below
// it (the bulge), annihilate the bulge's first column with a new H, apply that from the left to the
// bulge's other columns (type 2) and two-sided to the next diagonal block (type 3). The rest of the
// bulge is left for the next sweeps (LAPACK's scheme). v, u: b-vectors (current and next
// reflector), y, o: b scratch.
function sweep(AB: usize, ld: i32, n: i32, b: i32, s: i32, v: usize, u: usize, y: usize, o: usize): void {
  let st = s + 1;
  let ed = min(s + b, n - 1);
  let lm = ed - st + 1;
  let x = AB + ((<usize>s * <usize>ld + 1) << 3); // (st.., s)
  let t = house_f64(lm, x);
  stf(v, 0, 1.0);
  memory.copy(v + 8, x + 8, <usize>(lm - 1) << 3);
  memory.fill(x + 8, 0, <usize>(lm - 1) << 3);
  larfy(AB, ld, st, lm, v, t, y);
  for (;;) {
    const j1 = ed + 1;
    if (j1 >= n) break;
    const j2 = min(ed + b, n - 1);
    const ln = ed - st + 1;
    lm = j2 - j1 + 1;
    // type 2, right: block (j1..j2, st..ed) ← block · (I − τ v vᵀ): y = block v, block −= τ y vᵀ
    const B0 = AB + ((<usize>st * <usize>ld + <usize>(j1 - st)) << 3); // (j1, st); column c at B0 + 8c·(ld−1)
    if (t != 0) {
      set_combine(lm, ln, B0, ld - 1, v, y);
      set_ger(lm, ln, B0, ld - 1, v, t, y);
    }
    // new reflector from the bulge's first column (j1..j2, st)
    x = B0;
    t = house_f64(lm, x);
    stf(u, 0, 1.0);
    memory.copy(u + 8, x + 8, <usize>(lm - 1) << 3);
    memory.fill(x + 8, 0, <usize>(lm - 1) << 3);
    // type 2, left: columns st+1..ed of the bulge ← (I − τ u uᵀ) columns
    if (t != 0) {
      const X = B0 + (<usize>(ld - 1) << 3);
      set_dots(lm, ln - 1, X, ld - 1, u, o);
      set_ger(lm, ln - 1, X, ld - 1, o, t, u);
    }
    // type 3: the next diagonal block
    larfy(AB, ld, j1, lm, u, t, y);
    st = j1;
    ed = j2;
    const sw = v;
    v = u;
    u = sw;
  }
}

/** Band → tridiagonal (LAPACK dsytrd_sb2st without vectors): A (n×n row-major, upper triangle) is a
 *  symmetric band matrix of half-bandwidth b (only entries 0 ≤ j − i ≤ b are read; A is not
 *  modified); diag[0..n), off[0..n) receive T = Qᵀ A Q (off[i] = T[i][i+1], off[n−1] = 0), the same
 *  eigenvalues. The band is copied into a compact (2b+1)-wide array so the chase stays in cache;
 *  n − 2 sweeps. work ≥ tridiag_2stage_ws_f64(n, b) f64, 16-byte aligned. */
export function sb2st_f64(A: usize, n: i32, b: i32, diag: usize, off: usize, work: usize): void {
  if (n <= 0) return;
  const ld = 2 * b + 1;
  const AB = work;
  for (let c = 0; c < n; c++) {
    const row = AB + ((<usize>c * <usize>ld) << 3);
    const len = min(b + 1, n - c);
    memory.copy(row, at(A, n, c, c), <usize>len << 3);
    memory.fill(row + (<usize>len << 3), 0, <usize>(ld - len) << 3);
  }
  const v = (AB + ((<usize>even(n * ld)) << 3) + 15) & ~(<usize>15);
  const u = v + (<usize>b << 3), y = u + (<usize>b << 3), o = y + (<usize>b << 3);
  for (let s = 0; s < n - 2; s++) sweep(AB, ld, n, b, s, v, u, y, o);
  for (let c = 0; c < n; c++) {
    stf(diag, c, load<f64>(AB + ((<usize>c * <usize>ld) << 3)));
    stf(off, c, c + 1 < n ? load<f64>(AB + ((<usize>c * <usize>ld + 1) << 3)) : 0.0);
  }
}

/** Two-stage tridiagonalisation for eigenvalues (dsytrd_2stage, no Q): sy2sb_f64 with
 *  b = tridiag_2stage_nb_f64(n), then sb2st_f64. Same diag/off contract as tridiag_blk_f64 (A
 *  destroyed, no reflectors kept). work ≥ tridiag_2stage_ws_f64(n, tridiag_2stage_nb_f64(n)) f64,
 *  16-byte aligned. */
export function tridiag_2stage_f64(A: usize, n: i32, diag: usize, off: usize, work: usize): void {
  tridiag_2stage_b_f64(A, n, band_width(n), diag, off, work);
}

/** tridiag_2stage_f64 with the half-bandwidth b (1 ≤ b ≤ 128, clamped) as a parameter (measurements,
 *  tests). work ≥ tridiag_2stage_ws_f64(n, b). */
export function tridiag_2stage_b_f64(A: usize, n: i32, b: i32, diag: usize, off: usize, work: usize): void {
  if (n <= 0) return;
  const bw = max(1, min(min(b, eigh_nbq_f64()), n - 1)); // T of the compact WY has ld NBQ
  sy2sb_f64(A, n, bw, work);
  sb2st_f64(A, n, bw, diag, off, work);
}

/** Half-bandwidth tridiag_2stage_f64 uses for order n. */
export function tridiag_2stage_nb_f64(n: i32): i32 { return band_width(n); }

