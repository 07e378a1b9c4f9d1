// The one packed GEMM of the module (issue 12, item 4): C = α op(A) op(B) + β C, row-major f64, with
// an optional triangle restriction of C. BLIS loop order (Goto): jc over NC columns of C, pc over KC
// of the inner dimension (op(B) block packed, KC × NC, into 4-column micro-panels), ic over MC rows
// (op(A) block packed, MC × KC, into MR-row micro-panels, L2-resident), then jr / ir over MR×4 micro
// tiles. The micro-kernel is an f64x2 outer-product tile: per k step 2 vector loads of B, MR splat
// loads of A and 2·MR products into 2·MR vector accumulators: MR = 4 with mul + add (8 accumulators),
// MR = 6 with relaxed_madd in the relaxed-SIMD builds (12 accumulators, to cover the FMA latency; V8
// has 15 allocatable xmm registers: no spill in either).
// Packing makes every operand contiguous whatever the strides (no 4-KiB set aliasing of rows
// 512·8 bytes apart, engineering.md §6) and handles the transposes, so one kernel serves the Gram
// (A Xᵀ), gemm (A B), the syr2k of the blocked tridiagonalisation (Vᵀ W on a triangle) and the
// compact-WY back-transformation (V Qᵀ, Yᵀ V).
//
// Reproducibility: every C entry accumulates its k-sum in the same order (KC blocks in order, one
// lane per entry, ascending k inside a block) whatever the row/column range a call covers, so
// splitting rows of C over workers gives bitwise the one-call result.

import { gram_epilogue, gram_fused_on } from "./gram_fused";
import { GEMM_KC, GEMM_MC, GEMM_NC, GEMM_TILE_F64 } from "./gen/kernel_layout";

/** Rows of the micro tile: 6 in the relaxed-SIMD builds (12 f64x2 accumulators: a fused multiply-add has a
 *  4-cycle latency and two issue each cycle, so 8 independent chains, the 4-row tile's, left no slack; 12
 *  accumulators + 2 B vectors + 1 A splat = 15 of V8's 15 allocatable xmm), 4 otherwise. */
const MR: i32 = ASC_FEATURE_RELAXED_SIMD ? 6 : 4;
const NR: i32 = 4;
// block sizes and the tile scratch from codegen/contract.mjs (the host sizes the workspace from the same numbers)
const KC: i32 = GEMM_KC;
const MC: i32 = GEMM_MC;
const NC: i32 = GEMM_NC;

/** f64 workspace entries gemm_pk_f64 needs (packed A block + packed B block + one C tile, sized for the
 *  6-row tile in every build: GEMM_TILE_F64 ≥ MR·NR, so the host's one GEMM_WS_F64 fits both). */
export function gemm_pk_ws_f64(): i32 {
  return MC * KC + KC * NC + GEMM_TILE_F64;
}

@inline function ldf(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }

// op(A)[i][p] for i in [i0, i0+mc), p in [p0, p0+kc) → MR-row micro-panels: panel r holds, for each p,
// the MR values of rows i0+r·MR.. (zero-padded past mc).
function pack_a(ta: i32, A: usize, lda: i32, i0: i32, mc: i32, p0: i32, kc: i32, dst: usize): void {
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = min(MR, mc - ir);
    let d = dst + ((<usize>ir * <usize>kc) << 3);
    if (ta == 0) {
      // rows of A are contiguous in p
      const r0 = A + ((<usize>(i0 + ir) * <usize>lda + <usize>p0) << 3);
      const ld = <usize>lda << 3;
      if (rows == MR) {
        const r1 = r0 + ld, r2 = r1 + ld, r3 = r2 + ld, r4 = r3 + ld, r5 = r4 + ld; // r4, r5: MR = 6 only
        for (let p = 0; p < kc; p++) {
          const o = <usize>p << 3;
          store<f64>(d, load<f64>(r0 + o));
          store<f64>(d, load<f64>(r1 + o), 8);
          store<f64>(d, load<f64>(r2 + o), 16);
          store<f64>(d, load<f64>(r3 + o), 24);
          if (MR == 6) {
            store<f64>(d, load<f64>(r4 + o), 32);
            store<f64>(d, load<f64>(r5 + o), 40);
          }
          d += MR << 3;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const o = <usize>p << 3;
          for (let r = 0; r < MR; r++) store<f64>(d + (<usize>r << 3), r < rows ? load<f64>(r0 + <usize>r * ld + o) : 0.0);
          d += MR << 3;
        }
      }
    } else {
      // op(A)[i][p] = A[p][i]: the MR values of one p are contiguous
      let s = A + ((<usize>p0 * <usize>lda + <usize>(i0 + ir)) << 3);
      const ld = <usize>lda << 3;
      for (let p = 0; p < kc; p++) {
        if (rows == MR) {
          if (ASC_FEATURE_SIMD) {
            v128.store(d, v128.load(s));
            v128.store(d, v128.load(s, 16), 16);
            if (MR == 6) v128.store(d, v128.load(s, 32), 32);
          } else {
            for (let r = 0; r < MR; r++) store<f64>(d + (<usize>r << 3), load<f64>(s + (<usize>r << 3)));
          }
        } else {
          for (let r = 0; r < MR; r++) store<f64>(d + (<usize>r << 3), r < rows ? load<f64>(s + (<usize>r << 3)) : 0.0);
        }
        d += MR << 3;
        s += ld;
      }
    }
  }
}

// op(B)[p][j] for p in [p0, p0+kc), j in [j0, j0+nc) → NR-column micro-panels (zero-padded).
function pack_b(tb: i32, B: usize, ldb: i32, p0: i32, kc: i32, j0: i32, nc: i32, dst: usize): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = min(NR, nc - jr);
    let d = dst + ((<usize>jr * <usize>kc) << 3);
    if (tb == 0) {
      let s = B + ((<usize>p0 * <usize>ldb + <usize>(j0 + jr)) << 3);
      const ld = <usize>ldb << 3;
      for (let p = 0; p < kc; p++) {
        if (cols == NR) {
          if (ASC_FEATURE_SIMD) {
            v128.store(d, v128.load(s));
            v128.store(d, v128.load(s, 16), 16);
          } else {
            store<f64>(d, load<f64>(s)); store<f64>(d, load<f64>(s, 8), 8);
            store<f64>(d, load<f64>(s, 16), 16); store<f64>(d, load<f64>(s, 24), 24);
          }
        } else {
          for (let c = 0; c < NR; c++) store<f64>(d + (<usize>c << 3), c < cols ? load<f64>(s + (<usize>c << 3)) : 0.0);
        }
        d += 32;
        s += ld;
      }
    } else {
      // op(B)[p][j] = B[j][p]: rows of B are contiguous in p
      const r0 = B + ((<usize>(j0 + jr) * <usize>ldb + <usize>p0) << 3);
      const ld = <usize>ldb << 3;
      if (cols == NR) {
        const r1 = r0 + ld, r2 = r1 + ld, r3 = r2 + ld;
        for (let p = 0; p < kc; p++) {
          const o = <usize>p << 3;
          store<f64>(d, load<f64>(r0 + o));
          store<f64>(d, load<f64>(r1 + o), 8);
          store<f64>(d, load<f64>(r2 + o), 16);
          store<f64>(d, load<f64>(r3 + o), 24);
          d += 32;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const o = <usize>p << 3;
          for (let c = 0; c < NR; c++) store<f64>(d + (<usize>c << 3), c < cols ? load<f64>(r0 + <usize>c * ld + o) : 0.0);
          d += 32;
        }
      }
    }
  }
}

// C[i][j] ← (first ? β C : C) + α t, β = 0 ignoring the old value (NaN-safe).
@inline function upd(p: usize, t: f64, alpha: f64, beta: f64, first: bool): void {
  if (!first) store<f64>(p, load<f64>(p) + alpha * t);
  else if (beta == 0) store<f64>(p, alpha * t);
  else store<f64>(p, beta * load<f64>(p) + alpha * t);
}

// Does entry (i, j) of C belong to the stored part? uplo 1: j − i ≤ doff (lower); 2: j − i ≥ doff.
@inline function inside(uplo: i32, doff: i32, i: i32, j: i32): bool {
  return uplo == 0 || (uplo == 1 ? j - i <= doff : j - i >= doff);
}

// c + a·b per lane: one f64x2.relaxed_madd in the relaxed-SIMD builds (fused where the CPU has FMA: 1.48×
// the mul + add peak on the Intel test machine, peak_probe_f64 in both builds), a multiply and an add
// otherwise.
@inline function madd(a: v128, b: v128, c: v128): v128 {
  return ASC_FEATURE_RELAXED_SIMD ? f64x2.relaxed_madd(a, b, c) : f64x2.add(c, f64x2.mul(a, b));
}

// One MR×NR micro tile over kc packed steps; rows/cols < MR/NR or a triangle cut go through `tile`.
function micro(
  kc: i32, pa: usize, pb: usize, C: usize, ldc: i32, i: i32, j: i32, rows: i32, cols: i32,
  alpha: f64, beta: f64, first: bool, uplo: i32, doff: i32, tile: usize,
): void {
  const cut = uplo != 0 && !(inside(uplo, doff, i + MR - 1, j) && inside(uplo, doff, i, j + NR - 1));
  const full = rows == MR && cols == NR && !cut;
  const c0 = C + ((<usize>i * <usize>ldc + <usize>j) << 3);
  const ld = <usize>ldc << 3;
  if (ASC_FEATURE_SIMD) {
    let c00 = f64x2.splat(0), c01 = f64x2.splat(0), c10 = f64x2.splat(0), c11 = f64x2.splat(0);
    let c20 = f64x2.splat(0), c21 = f64x2.splat(0), c30 = f64x2.splat(0), c31 = f64x2.splat(0);
    let c40 = f64x2.splat(0), c41 = f64x2.splat(0), c50 = f64x2.splat(0), c51 = f64x2.splat(0); // MR = 6
    let a = pa, b = pb;
    // one k step per iteration: unrolled by two, V8 (TurboFan) hoists the second step's loads and
    // spills accumulators to the stack (seen with --print-wasm-code); this form keeps all 8 in xmm
    let p = 0;
    for (; p < kc; p++) {
      const b0 = v128.load(b);
      const b1 = v128.load(b, 16);
      let av = v128.load64_splat(a);
      c00 = madd(av, b0, c00);
      c01 = madd(av, b1, c01);
      av = v128.load64_splat(a, 8);
      c10 = madd(av, b0, c10);
      c11 = madd(av, b1, c11);
      av = v128.load64_splat(a, 16);
      c20 = madd(av, b0, c20);
      c21 = madd(av, b1, c21);
      av = v128.load64_splat(a, 24);
      c30 = madd(av, b0, c30);
      c31 = madd(av, b1, c31);
      if (MR == 6) {
        av = v128.load64_splat(a, 32);
        c40 = madd(av, b0, c40);
        c41 = madd(av, b1, c41);
        av = v128.load64_splat(a, 40);
        c50 = madd(av, b0, c50);
        c51 = madd(av, b1, c51);
      }
      a += MR << 3;
      b += 32;
    }
    if (full) {
      const va = f64x2.splat(alpha);
      if (!first || beta == 1) { // β = 1 on the first block: 1·C + αt = C + αt exactly
        let r = c0;
        v128.store(r, f64x2.add(v128.load(r), f64x2.mul(va, c00))); v128.store(r, f64x2.add(v128.load(r, 16), f64x2.mul(va, c01)), 16); r += ld;
        v128.store(r, f64x2.add(v128.load(r), f64x2.mul(va, c10))); v128.store(r, f64x2.add(v128.load(r, 16), f64x2.mul(va, c11)), 16); r += ld;
        v128.store(r, f64x2.add(v128.load(r), f64x2.mul(va, c20))); v128.store(r, f64x2.add(v128.load(r, 16), f64x2.mul(va, c21)), 16); r += ld;
        v128.store(r, f64x2.add(v128.load(r), f64x2.mul(va, c30))); v128.store(r, f64x2.add(v128.load(r, 16), f64x2.mul(va, c31)), 16);
        if (MR == 6) {
          r += ld;
          v128.store(r, f64x2.add(v128.load(r), f64x2.mul(va, c40))); v128.store(r, f64x2.add(v128.load(r, 16), f64x2.mul(va, c41)), 16); r += ld;
          v128.store(r, f64x2.add(v128.load(r), f64x2.mul(va, c50))); v128.store(r, f64x2.add(v128.load(r, 16), f64x2.mul(va, c51)), 16);
        }
        return;
      }
      if (beta == 0) {
        let r = c0;
        v128.store(r, f64x2.mul(va, c00)); v128.store(r, f64x2.mul(va, c01), 16); r += ld;
        v128.store(r, f64x2.mul(va, c10)); v128.store(r, f64x2.mul(va, c11), 16); r += ld;
        v128.store(r, f64x2.mul(va, c20)); v128.store(r, f64x2.mul(va, c21), 16); r += ld;
        v128.store(r, f64x2.mul(va, c30)); v128.store(r, f64x2.mul(va, c31), 16);
        if (MR == 6) {
          r += ld;
          v128.store(r, f64x2.mul(va, c40)); v128.store(r, f64x2.mul(va, c41), 16); r += ld;
          v128.store(r, f64x2.mul(va, c50)); v128.store(r, f64x2.mul(va, c51), 16);
        }
        return;
      }
    }
    v128.store(tile, c00); v128.store(tile, c01, 16);
    v128.store(tile, c10, 32); v128.store(tile, c11, 48);
    v128.store(tile, c20, 64); v128.store(tile, c21, 80);
    v128.store(tile, c30, 96); v128.store(tile, c31, 112);
    if (MR == 6) {
      v128.store(tile, c40, 128); v128.store(tile, c41, 144);
      v128.store(tile, c50, 160); v128.store(tile, c51, 176);
    }
  } else {
    for (let q = 0; q < MR * NR; q++) store<f64>(tile + (<usize>q << 3), 0.0);
    let a = pa, b = pb;
    for (let p = 0; p < kc; p++) {
      for (let r = 0; r < MR; r++) {
        const av = load<f64>(a + (<usize>r << 3));
        const t = tile + (<usize>(r * NR) << 3);
        store<f64>(t, load<f64>(t) + av * load<f64>(b));
        store<f64>(t, load<f64>(t, 8) + av * load<f64>(b, 8), 8);
        store<f64>(t, load<f64>(t, 16) + av * load<f64>(b, 16), 16);
        store<f64>(t, load<f64>(t, 24) + av * load<f64>(b, 24), 24);
      }
      a += MR << 3;
      b += 32;
    }
  }
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      if (cut && !inside(uplo, doff, i + r, j + c)) continue;
      upd(c0 + <usize>r * ld + (<usize>c << 3), ldf(tile, r * NR + c), alpha, beta, first);
    }
  }
}

/** C = α op(A) op(B) + β C on C's m×n block (row-major, leading dimension ldc), op(A) m×k,
 *  op(B) k×n. ta = 0: op(A)[i][p] = A[i·lda + p]; ta ≠ 0: A[p·lda + i] (A stored k×m). Likewise tb.
 *  uplo = 0: all of C; 1: only entries with j − i ≤ doff (lower triangle for doff = 0); 2: only
 *  j − i ≥ doff (upper). Entries outside are neither read nor written. β = 0 ignores the old C.
 *  work ≥ gemm_pk_ws_f64() f64, 16-byte aligned, private to the caller (one per worker). */
export function gemm_pk_f64(
  ta: i32, tb: i32, m: i32, n: i32, k: i32, alpha: f64, A: usize, lda: i32, B: usize, ldb: i32,
  beta: f64, C: usize, ldc: i32, uplo: i32, doff: i32, work: usize,
): void {
  gemm_pk_trap_f64(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, uplo, doff, work, 0);
}

/** gemm_pk_f64 with op(A) known to vanish on one side of its diagonal, a trapezoid (the reflector
 *  rows V and the triangular T of a compact-WY block; LAPACK dlarfb splits such a V into a
 *  triangular head, dtrmm, and a dense tail): atrap = 1: op(A)[i][p] = 0 for p < i; 2: op(A)[i][p]
 *  = 0 for p > i; 0: dense (gemm_pk_f64). Each MR-row tile runs its k loop only over the packed
 *  steps where one of its rows may be nonzero, so the zero part costs no multiply-adds and no extra
 *  packing. The terms left out are exact zeros and a sum that starts at +0 is unchanged by adding
 *  ±0, so for finite B the result is bitwise gemm_pk_f64's (and calls on parts of C agree with one
 *  call as gemm_pk_f64's do). The entries of op(A) in the zero part must be zeros: a tile reads its
 *  rows from its first row's diagonal on. */
export function gemm_pk_trap_f64(
  ta: i32, tb: i32, m: i32, n: i32, k: i32, alpha: f64, A: usize, lda: i32, B: usize, ldb: i32,
  beta: f64, C: usize, ldc: i32, uplo: i32, doff: i32, work: usize, atrap: i32,
): void {
  if (m <= 0 || n <= 0) return;
  if (alpha == 0 || k <= 0) {
    if (beta == 1) return;
    for (let i = 0; i < m; i++) {
      const row = C + ((<usize>i * <usize>ldc) << 3);
      for (let j = 0; j < n; j++) {
        if (!inside(uplo, doff, i, j)) continue;
        const p = row + (<usize>j << 3);
        store<f64>(p, beta == 0 ? 0.0 : beta * load<f64>(p));
      }
    }
    return;
  }
  const pA = work;
  const pB = work + ((<usize>MC * <usize>KC) << 3);
  const tile = pB + ((<usize>KC * <usize>NC) << 3);
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    // rows that can meet the stored part of columns [jc, jc+nc)
    let i0 = 0, i1 = m;
    if (uplo == 1) i0 = max(0, jc - doff);
    else if (uplo == 2) i1 = min(m, jc + nc - doff);
    if (i1 <= i0) continue;
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const first = pc == 0;
      pack_b(tb, B, ldb, pc, kc, jc, nc, pB);
      for (let ic = i0; ic < i1; ic += MC) {
        const mc = min(MC, i1 - ic);
        pack_a(ta, A, lda, ic, mc, pc, kc, pA);
        // ir outer, jr inner: the tiles of one MR-row stripe of C follow each other along its rows
        // (MR sequential streams the hardware prefetcher follows; walking down columns of tiles
        // instead missed on every C line when k is short, as in the back-transformation's k = 64)
        for (let ir = 0; ir < mc; ir += MR) {
          const i = ic + ir;
          const rows = min(MR, mc - ir);
          const pa = pA + ((<usize>ir * <usize>kc) << 3);
          // trapezoidal op(A): packed steps [0, kz) and [kc − kt, kc) of this row stripe are zero
          let kz = 0, kt = 0;
          if (atrap == 1) kz = min(kc, max(0, i - pc));
          else if (atrap == 2) kt = min(kc, max(0, pc + kc - (i + rows)));
          for (let jr = 0; jr < nc; jr += NR) {
            const j = jc + jr;
            const cols = min(NR, nc - jr);
            if (uplo == 1 && j - (i + rows - 1) > doff) continue; // tile wholly above
            if (uplo == 2 && (j + cols - 1) - i < doff) continue; // tile wholly below
            if (kz + kt >= kc && (!first || beta == 1)) continue; // all zeros: C unchanged
            // kz packed steps: MR f64 each in A's micro-panel, NR in B's
            micro(kc - kz - kt, pa + ((<usize>kz * <usize>MR) << 3), pB + ((<usize>jr * <usize>kc) << 3) + (<usize>kz << 5), C, ldc, i, j, rows, cols, alpha, beta, first, uplo, doff, tile);
          }
        }
        // the fused Gram (blas.ts gram_kmap_pk_f64): the block's entries are final after the last KC
        // pass and still in cache, so the kernel maps and the mirror run on them now (gram_fused.ts)
        if (gram_fused_on && pc + kc >= k) gram_epilogue(ic, mc, jc, nc);
      }
    }
  }
}

/** Wasm f64x2 peak probe (issue 12, item 6): `iters` rounds of 12 independent chains
 *  acc ← acc·x + y (one mul + one add per lane, or one relaxed_madd in the relaxed-SIMD builds; no
 *  memory traffic) = 48·iters flops. The benches
 *  divide measured kernel flop rates by this rate. Returns a checksum so nothing is dead code. */
export function peak_probe_f64(iters: i32, x: f64, y: f64): f64 {
  if (ASC_FEATURE_SIMD) {
    const vx = f64x2.splat(x), vy = f64x2.splat(y);
    let a0 = f64x2.splat(0.1), a1 = f64x2.splat(0.2), a2 = f64x2.splat(0.3), a3 = f64x2.splat(0.4);
    let a4 = f64x2.splat(0.5), a5 = f64x2.splat(0.6), a6 = f64x2.splat(0.7), a7 = f64x2.splat(0.8);
    let a8 = f64x2.splat(0.9), a9 = f64x2.splat(1.0), a10 = f64x2.splat(1.1), a11 = f64x2.splat(1.2);
    // the build's own peak: what its GEMM micro-kernel issues (madd)
    for (let i = 0; i < iters; i++) {
      a0 = madd(a0, vx, vy); a1 = madd(a1, vx, vy); a2 = madd(a2, vx, vy); a3 = madd(a3, vx, vy);
      a4 = madd(a4, vx, vy); a5 = madd(a5, vx, vy); a6 = madd(a6, vx, vy); a7 = madd(a7, vx, vy);
      a8 = madd(a8, vx, vy); a9 = madd(a9, vx, vy); a10 = madd(a10, vx, vy); a11 = madd(a11, vx, vy);
    }
    let s = f64x2.add(f64x2.add(f64x2.add(a0, a1), f64x2.add(a2, a3)), f64x2.add(f64x2.add(a4, a5), f64x2.add(a6, a7)));
    s = f64x2.add(s, f64x2.add(f64x2.add(a8, a9), f64x2.add(a10, a11)));
    return f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  }
  let s: f64 = 0.1;
  for (let i = 0; i < iters; i++) s = s * x + y;
  return s;
}
