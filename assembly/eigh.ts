// Symmetric eigensolver (f64, row-major) and tridiagonal tools (kernel.md §11.2, engineering.md §6).
//
// Reduction: top-down Householder (LAPACK dsytd2 'L' order): reflector k acts on indices k+1..n-1, so
// Q e_0 = e_0. The working triangle is the UPPER one of the row-major matrix, so the symmetric
// matvec (fused dot + axpy) and the rank-2 update walk contiguous rows (SIMD f64x2). The reflector
// v_k (v_k[0] = 1 stored explicitly) is kept in row k, columns k+1..n-1.
// Eigenvectors: Qᵀ is formed in place (backward accumulation, row operations), then implicit QL
// (tql2 family) rotates ROWS of Qᵀ (contiguous), and the result is transposed so that the output
// has eigenvectors in columns.
import { pairBarrier } from "./sync";
import { dot_f64, dot4_f64, axpy_f64, axpy4_f64, scale_f64, rot_f64, nrm2_f64, gemv_f64, transpose_sq_f64 } from "./blas";
import { gemm_pk_f64, gemm_pk_trap_f64, gemm_pk_ws_f64 } from "./gemm";
import { tridiag_2stage_f64 } from "./eigh_2stage";

@inline function ldf(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }
@inline function stf(p: usize, i: i32, v: f64): void { store<f64>(p + (<usize>i << 3), v); }
@inline function at(A: usize, n: i32, i: i32, j: i32): usize {
  return A + ((<usize>i * <usize>n + <usize>j) << 3);
}

const EPS: f64 = 2.220446049250313e-16;
/** QL iterations allowed per eigenvalue before giving up. */
const MAX_ITER: i32 = 60;

// t = x·v (returned) and p += a·x in one pass over x (length len).
@inline function dot_axpy(len: i32, x: usize, v: usize, p: usize, a: f64): f64 {
  let s: f64 = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const va = f64x2.splat(a);
    let acc = f64x2.splat(0);
    for (; i + 1 < len; i += 2) {
      const o = <usize>i << 3;
      const xv = v128.load(x + o);
      acc = f64x2.add(acc, f64x2.mul(xv, v128.load(v + o)));
      v128.store(p + o, f64x2.add(v128.load(p + o), f64x2.mul(va, xv)));
    }
    s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  }
  for (; i < len; i++) {
    const xv = ldf(x, i);
    s += xv * ldf(v, i);
    stf(p, i, ldf(p, i) + a * xv);
  }
  return s;
}

// x -= a·w + b·v (length len).
@inline export function rank2_row(len: i32, x: usize, w: usize, v: usize, a: f64, b: f64): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const va = f64x2.splat(a);
    const vb = f64x2.splat(b);
    for (; i + 1 < len; i += 2) {
      const o = <usize>i << 3;
      v128.store(x + o, f64x2.sub(v128.load(x + o),
        f64x2.add(f64x2.mul(va, v128.load(w + o)), f64x2.mul(vb, v128.load(v + o)))));
    }
  }
  for (; i < len; i++) stf(x, i, ldf(x, i) - (a * ldf(w, i) + b * ldf(v, i)));
}

/** Householder tridiagonalisation T = Qᵀ A Q of a symmetric row-major n×n A (only the upper
 *  triangle, j ≥ i, is read). Outputs: diag[0..n), off[0..n) with off[i] = T[i][i+1] (off[n-1] = 0);
 *  work (≥ 2n f64): work[0..n) = tau (tau[k] of reflector k; tau[n-2] = tau[n-1] = 0), work[n..2n)
 *  scratch. A keeps reflector k in row k, columns k+1..n-1 (v[0] = 1 stored); H_k = I − tau_k v vᵀ
 *  acts on indices k+1..n-1, Q = H_0 H_1 ⋯ H_{n-3}, so Q e_0 = e_0. The rest of A is overwritten. */
export function tridiag_f64(A: usize, n: i32, diag: usize, off: usize, work: usize): void {
  if (n <= 0) return;
  tridiag_from(A, n, 0, diag, off, work, work + (<usize>n << 3));
}

/** Generate the Householder reflector of x (len entries, LAPACK dlarfg): on exit x[0] = β,
 *  x[1..len) = the reflector tail v[1..] (v[0] = 1 implicit); returns τ with
 *  (I − τ v vᵀ) x_in = β e₀. τ = 0 when x[1..] = 0 (H = I, x unchanged). Used by the unblocked
 *  reduction and by both stages of the two-stage one (eigh_2stage.ts). */
export function house_f64(len: i32, x: usize): f64 {
  if (len <= 1) return 0;
  const alpha = load<f64>(x);
  const sigma = dot_f64(x + 8, x + 8, len - 1);
  if (sigma == 0) return 0;
  let nrm = sqrt(alpha * alpha + sigma);
  if (!isFinite(nrm) || nrm == 0) nrm = nrm2_f64(x, len);
  const beta = alpha >= 0 ? -nrm : nrm;
  scale_f64(len - 1, 1.0 / (alpha - beta), x + 8);
  store<f64>(x, beta);
  return (beta - alpha) / beta;
}

// Unblocked reduction from column k0 on (dsytd2 order); tau (n) and p (≥ n scratch).
function tridiag_from(A: usize, n: i32, k0: i32, diag: usize, off: usize, tau: usize, p: usize): void {
  for (let k = k0; k < n - 2; k++) {
    stf(diag, k, load<f64>(at(A, n, k, k)));
    const m = n - k - 1;
    const v = at(A, n, k, k + 1);
    const t = house_f64(m, v);
    stf(off, k, load<f64>(v)); // β
    store<f64>(v, 1.0);
    stf(tau, k, t);
    if (t == 0) continue;
    // p = tau · A22 v, A22 = trailing block (k+1..n-1), upper triangle stored row-wise
    memory.fill(p, 0, <usize>m << 3);
    for (let r = 0; r < m; r++) {
      const row = at(A, n, k + 1 + r, k + 1 + r);
      const vr = ldf(v, r);
      const s = dot_axpy(m - r - 1, row + 8, v + (<usize>(r + 1) << 3), p + (<usize>(r + 1) << 3), vr);
      stf(p, r, ldf(p, r) + load<f64>(row) * vr + s);
    }
    scale_f64(m, t, p);
    const kk = 0.5 * t * dot_f64(p, v, m);
    axpy_f64(m, -kk, v, p); // p = w
    for (let r = 0; r < m; r++) {
      const row = at(A, n, k + 1 + r, k + 1 + r);
      const ro = <usize>r << 3;
      rank2_row(m - r, row, p + ro, v + ro, ldf(v, r), ldf(p, r));
    }
  }
  if (n >= 2) {
    stf(diag, n - 2, load<f64>(at(A, n, n - 2, n - 2)));
    stf(off, n - 2, load<f64>(at(A, n, n - 2, n - 1)));
    stf(tau, n - 2, 0);
  }
  stf(diag, n - 1, load<f64>(at(A, n, n - 1, n - 1)));
  stf(off, n - 1, 0);
  stf(tau, n - 1, 0);
}

/** Apply Q (trans = 0) or Qᵀ (trans ≠ 0) from tridiag_f64 to B (n×ncols row-major), in place.
 *  A and tau as left by tridiag_f64; work ≥ ncols f64. Row 0 of B is never changed (Q e_0 = e_0). */
export function apply_q_f64(A: usize, n: i32, tau: usize, B: usize, ncols: i32, trans: i32, work: usize): void {
  if (n < 3 || ncols <= 0) return;
  for (let s = 0; s < n - 2; s++) {
    const k = trans != 0 ? s : n - 3 - s;
    const t = ldf(tau, k);
    if (t == 0) continue;
    const m = n - k - 1;
    const v = at(A, n, k, k + 1);
    // u = vᵀ B[k+1..n-1, :]
    memory.fill(work, 0, <usize>ncols << 3);
    for (let r = 0; r < m; r++) {
      const vr = ldf(v, r);
      if (vr != 0) axpy_f64(ncols, vr, at(B, ncols, k + 1 + r, 0), work);
    }
    for (let r = 0; r < m; r++) {
      const vr = ldf(v, r);
      if (vr != 0) axpy_f64(ncols, -t * vr, work, at(B, ncols, k + 1 + r, 0));
    }
  }
}

/** Overwrite A (holding tridiag_f64 reflectors) with Qᵀ (rows of the result = columns of Q).
 *  Backward accumulation Qᵀ = H_{n-3} ⋯ H_0 by right multiplications; only the trailing block is
 *  touched at each step. Reflectors are applied two at a time (k, k−1): per row one fused pass for
 *  both dot products (the second corrected by v_k·v_{k−1}) and one rank-2 pass.
 *  scratch ≥ n f64 (a copy of v_k, whose row is overwritten by the identity). */
function form_qt(A: usize, n: i32, tau: usize, scratch: usize): void {
  let k = n - 2;
  while (k >= 1) {
    const t1 = ldf(tau, k);
    const t2 = ldf(tau, k - 1);
    const m1 = n - k - 1; // length of v_k (cols k+1..n-1)
    const v2 = at(A, n, k - 1, k); // v_{k-1}: cols k..n-1, stays in row k-1
    memory.copy(scratch, at(A, n, k, k + 1), <usize>m1 << 3);
    const v1 = scratch;
    // rows/cols k+1 and k of the partial product are the identity
    for (let r = k + 1; r >= k; r--) {
      memory.fill(at(A, n, r, r), 0, <usize>(n - r) << 3);
      store<f64>(at(A, n, r, r), 1.0);
      for (let c = r + 1; c < n; c++) store<f64>(at(A, n, c, r), 0);
    }
    if (t1 == 0 && t2 == 0) { k -= 2; continue; }
    const vv = dot_f64(v1, v2 + 8, m1);
    const v20 = load<f64>(v2);
    for (let i = k; i < n; i++) {
      const row = at(A, n, i, k);
      const x = row + 8; // cols k+1..
      let d1: f64 = 0;
      let d2: f64 = 0;
      let c = 0;
      if (ASC_FEATURE_SIMD) {
        let a1 = f64x2.splat(0);
        let a2 = f64x2.splat(0);
        for (; c + 1 < m1; c += 2) {
          const o = <usize>c << 3;
          const xv = v128.load(x + o);
          a1 = f64x2.add(a1, f64x2.mul(xv, v128.load(v1 + o)));
          a2 = f64x2.add(a2, f64x2.mul(xv, v128.load(v2 + 8 + o)));
        }
        d1 = f64x2.extract_lane(a1, 0) + f64x2.extract_lane(a1, 1);
        d2 = f64x2.extract_lane(a2, 0) + f64x2.extract_lane(a2, 1);
      }
      for (; c < m1; c++) {
        const xv = ldf(x, c);
        d1 += xv * ldf(v1, c);
        d2 += xv * ldf(v2 + 8, c);
      }
      d2 += load<f64>(row) * v20;
      const g1 = t1 * d1;
      const g2 = t2 * (d2 - g1 * vv);
      store<f64>(row, load<f64>(row) - g2 * v20);
      rank2_row(m1, x, v1, v2 + 8, g1, g2);
    }
    k -= 2;
  }
  if (k == 0) {
    // last single reflector H_0
    const r = 1;
    memory.fill(at(A, n, r, r), 0, <usize>(n - r) << 3);
    store<f64>(at(A, n, r, r), 1.0);
    for (let c = r + 1; c < n; c++) store<f64>(at(A, n, c, r), 0);
    const t = ldf(tau, 0);
    if (t != 0) {
      const m = n - 1;
      const v = A + 8;
      for (let i = 1; i < n; i++) {
        const row = at(A, n, i, 1);
        const g = t * dot_f64(row, v, m);
        if (g != 0) axpy_f64(m, -g, v, row);
      }
    }
  }
  if (n >= 1) {
    memory.fill(A, 0, <usize>n << 3);
    store<f64>(A, 1.0);
    for (let c = 1; c < n; c++) store<f64>(at(A, n, c, 0), 0);
  }
}

/** Apply the rotation sequence of one QL sweep, i = m-1 down to l, to rows of Z:
 *  row_{i+1} ← s_i row_i + c_i row_{i+1},  row_i ← c_i row_i − s_i row_{i+1}.
 *  Column-blocked (8 columns = 4 f64x2 chains): each element is loaded and stored once per sweep and
 *  the running row stays in registers (the deferred form of LAPACK dlasr). Bitwise equal to applying
 *  the rotations one at a time. */
function apply_rotations(Z: usize, ldz: i32, zlen: i32, l: i32, m: i32, C: usize, S: usize): void {
  // chunks of ROT_CHUNK consecutive rotations: the chunk's rows (≤ 9 lines per column block) stay in
  // L1 even for power-of-two row strides, and each row is read/written once per chunk.
  for (let hi = m - 1; hi >= l; hi -= ROT_CHUNK) {
    const lo = max(l, hi - ROT_CHUNK + 1);
    rot_chunk(Z, ldz, zlen, lo, hi, C, S);
  }
}

const ROT_CHUNK: i32 = 8;

// rotations i = hi down to lo on rows lo..hi+1
function rot_chunk(Z: usize, ldz: i32, zlen: i32, lo: i32, hi: i32, C: usize, S: usize): void {
  const zrow = <usize>ldz << 3;
  let cb = 0;
  if (ASC_FEATURE_SIMD) {
    for (; cb + 7 < zlen; cb += 8) {
      let pm = Z + (<usize>cb << 3) + <usize>(hi + 1) * zrow;
      let k0 = v128.load(pm), k1 = v128.load(pm, 16), k2 = v128.load(pm, 32), k3 = v128.load(pm, 48);
      for (let i = hi; i >= lo; i--) {
        const vc = f64x2.splat(ldf(C, i));
        const vs = f64x2.splat(ldf(S, i));
        const pi = pm - zrow;
        const z0 = v128.load(pi), z1 = v128.load(pi, 16), z2 = v128.load(pi, 32), z3 = v128.load(pi, 48);
        v128.store(pm, f64x2.add(f64x2.mul(vs, z0), f64x2.mul(vc, k0)));
        v128.store(pm, f64x2.add(f64x2.mul(vs, z1), f64x2.mul(vc, k1)), 16);
        v128.store(pm, f64x2.add(f64x2.mul(vs, z2), f64x2.mul(vc, k2)), 32);
        v128.store(pm, f64x2.add(f64x2.mul(vs, z3), f64x2.mul(vc, k3)), 48);
        k0 = f64x2.sub(f64x2.mul(vc, z0), f64x2.mul(vs, k0));
        k1 = f64x2.sub(f64x2.mul(vc, z1), f64x2.mul(vs, k1));
        k2 = f64x2.sub(f64x2.mul(vc, z2), f64x2.mul(vs, k2));
        k3 = f64x2.sub(f64x2.mul(vc, z3), f64x2.mul(vs, k3));
        pm = pi;
      }
      v128.store(pm, k0);
      v128.store(pm, k1, 16);
      v128.store(pm, k2, 32);
      v128.store(pm, k3, 48);
    }
  }
  for (; cb < zlen; cb++) {
    let pm = Z + (<usize>cb << 3) + <usize>(hi + 1) * zrow;
    let k = load<f64>(pm);
    for (let i = hi; i >= lo; i--) {
      const c = ldf(C, i);
      const s = ldf(S, i);
      const pi = pm - zrow;
      const z = load<f64>(pi);
      store<f64>(pm, s * z + c * k);
      k = c * z - s * k;
      pm = pi;
    }
    store<f64>(pm, k);
  }
}

// √(a² + b²): one sqrt where the squares neither overflow nor underflow (NativeMath.hypot's
// scaling costs more and the QL sweep calls it O(n²) times: eigenvalues of a random tridiagonal at
// n = 4000 took 466 ms with hypot, 297 ms with this), else hypot.
@inline function hyp(a: f64, b: f64): f64 {
  const t = a * a + b * b;
  return t > 1e-290 && t < 1e290 ? sqrt(t) : NativeMath.hypot(a, b);
}

/** Implicit QL (tql2) on the symmetric tridiagonal (d, e), e[i] = T[i][i+1], e[n-1] ignored.
 *  Rotates rows i, i+1 of Z (row stride ldz, zlen entries per row). On exit d is ascending and the
 *  rows of Z are permuted to match; e is destroyed. Returns 0, or l+1 if eigenvalue l failed. */
function tql(d: usize, e: usize, n: i32, Z: usize, ldz: i32, zlen: i32, rot: usize): i32 {
  if (n <= 0) return 0;
  stf(e, n - 1, 0);
  for (let i = 0; i < n; i++) {
    if (!isFinite(ldf(d, i)) || !isFinite(ldf(e, i))) return n + 1; // NaN/Inf input: QL cannot converge
  }
  let f: f64 = 0;
  let tst1: f64 = 0;
  let status = 0;
  const zrow = <usize>ldz << 3;
  for (let l = 0; l < n; l++) {
    tst1 = max(tst1, abs(ldf(d, l)) + abs(ldf(e, l)));
    let m = l;
    while (m < n) {
      if (abs(ldf(e, m)) <= EPS * tst1) break;
      m++;
    }
    if (m >= n) m = n - 1;
    if (m > l) {
      let iter = 0;
      do {
        iter++;
        if (iter > MAX_ITER) { if (status == 0) status = l + 1; break; }
        let g = ldf(d, l);
        let p = (ldf(d, l + 1) - g) / (2.0 * ldf(e, l));
        let r = hyp(p, 1.0);
        if (p < 0) r = -r;
        stf(d, l, ldf(e, l) / (p + r));
        stf(d, l + 1, ldf(e, l) * (p + r));
        const dl1 = ldf(d, l + 1);
        let h = g - ldf(d, l);
        for (let i = l + 2; i < n; i++) stf(d, i, ldf(d, i) - h);
        f += h;
        p = ldf(d, m);
        let c: f64 = 1, c2: f64 = 1, c3: f64 = 1;
        const el1 = ldf(e, l + 1);
        let s: f64 = 0, s2: f64 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          const ei = ldf(e, i);
          g = c * ei;
          h = c * p;
          r = hyp(p, ei);
          stf(e, i + 1, s * r);
          s = ei / r;
          c = p / r;
          const di = ldf(d, i);
          p = c * di - s * g;
          stf(d, i + 1, h + s * (c * g + s * di));
          if (rot != 0) {
            stf(rot, i, c);
            stf(rot + (<usize>n << 3), i, s);
            continue;
          }
          const zi = Z + <usize>i * zrow;
          const zi1 = zi + zrow;
          if (zlen == 1) {
            const a = load<f64>(zi);
            const b = load<f64>(zi1);
            store<f64>(zi1, s * a + c * b);
            store<f64>(zi, c * a - s * b);
          } else {
            rot_f64(zlen, zi1, zi, c, s);
          }
        }
        if (rot != 0) apply_rotations(Z, ldz, zlen, l, m, rot, rot + (<usize>n << 3));
        p = -s * s2 * c3 * el1 * ldf(e, l) / dl1;
        stf(e, l, s * p);
        stf(d, l, c * p);
      } while (abs(ldf(e, l)) > EPS * tst1);
    }
    stf(d, l, ldf(d, l) + f);
    stf(e, l, 0);
  }
  // selection sort, ascending, permuting rows of Z
  for (let i = 0; i < n - 1; i++) {
    let k = i;
    let pmin = ldf(d, i);
    for (let j = i + 1; j < n; j++) {
      const dj = ldf(d, j);
      if (dj < pmin) { k = j; pmin = dj; }
    }
    if (k != i) {
      stf(d, k, ldf(d, i));
      stf(d, i, pmin);
      const zi = Z + <usize>i * zrow;
      const zk = Z + <usize>k * zrow;
      for (let c = 0; c < zlen; c++) {
        const o = <usize>c << 3;
        const t = load<f64>(zi + o);
        store<f64>(zi + o, load<f64>(zk + o));
        store<f64>(zk + o, t);
      }
    }
  }
  return status;
}

/** Eigenvalues of the symmetric tridiagonal T (diag, off with off[i] = T[i][i+1], length n each,
 *  off[n-1] ignored) and the FIRST ROW of its eigenvector matrix. z0 (length n) is the row being
 *  rotated: pass [1, 0, …, 0] for T itself (or the first row of a basis already applied). On exit
 *  diag holds ascending eigenvalues, z0[j] = first component of eigenvector j, off is destroyed.
 *  O(n²). Returns 0, or nonzero if QL did not converge (60 iterations per eigenvalue). */
export function tql_first_f64(diag: usize, off: usize, n: i32, z0: usize): i32 {
  return tql(diag, off, n, z0, 1, 1, 0);
}

/** Symmetric eigendecomposition A = V diag(W) Vᵀ. A: n×n row-major symmetric (upper triangle read),
 *  overwritten by V with eigenvectors in COLUMNS: V[i*n + j] = component i of eigenvector j.
 *  W (n): eigenvalues ascending. work ≥ 3n f64. Returns 0, or nonzero if QL failed to converge.
 *  = eigh_reduce_f64 + tql_cols_f64(0, n) + transpose_sq_f64 (the phases are exported so the QL
 *  phase can be split by columns over workers, see tql_cols_f64). */
export function eigh_f64(A: usize, n: i32, W: usize, work: usize): i32 {
  if (n <= 0) return 0;
  const off = work;
  const tw = work + (<usize>n << 3); // tau (n) + scratch (n)
  const e = eigh_range_scale_f64(A, n);
  eigh_reduce_f64(A, n, W, off, tw);
  const st = tql(W, off, n, A, n, n, tw); // tau is consumed: reuse tau + scratch (2n) for rotations
  transpose_sq_f64(A, n);
  range_unscale(W, n, e);
  return st;
}

/** Phase 1 of eigh_f64: Householder reduction and in-place formation of Qᵀ. On exit A holds Qᵀ
 *  (row-major; row r = column r of Q), diag/off the tridiagonal T = Qᵀ A Q (off[i] = T[i][i+1]).
 *  work ≥ 2n f64 (scratch). */
export function eigh_reduce_f64(A: usize, n: i32, diag: usize, off: usize, work: usize): void {
  if (n <= 0) return;
  tridiag_f64(A, n, diag, off, work);
  form_qt(A, n, work, work + (<usize>n << 3));
}

/** Phase 2 of eigh_f64 on columns [c0, c1) only: implicit QL on (diag, off) rotating rows of Z
 *  (row stride ldz) restricted to those columns, then sorting (diag ascending, rows permuted).
 *  The rotation sequence depends only on (diag, off), so workers that each get their own copy of
 *  diag/off/work and disjoint column ranges of a shared Z produce exactly the single-call result
 *  (use multiples of 8 for c0 for full SIMD blocks). diag/off are overwritten; work ≥ 2n f64.
 *  Returns 0 or nonzero on non-convergence. */
export function tql_cols_f64(diag: usize, off: usize, n: i32, Z: usize, ldz: i32, c0: i32, c1: i32, work: usize): i32 {
  const lo = max(c0, 0);
  const hi = min(c1, ldz);
  return tql(diag, off, n, Z + (<usize>lo << 3), ldz, max(hi - lo, 0), work);
}

/** Solve (T − shift·I) x = b for symmetric tridiagonal T (diag, off[i] = T[i][i+1]) by LDLᵀ without
 *  pivoting. b is overwritten by x. work ≥ 2n f64 (work[0..n) = D, work[n..2n) = L multipliers).
 *  Returns 0, or k+1 if pivot k vanished (then b is unchanged). Stable for T − shift·I definite. */
export function tridiag_solve_f64(diag: usize, off: usize, n: i32, shift: f64, b: usize, work: usize): i32 {
  if (n <= 0) return 0;
  const D = work;
  const L = work + (<usize>n << 3);
  let dk = ldf(diag, 0) - shift;
  if (dk == 0 || !isFinite(dk)) return 1;
  stf(D, 0, dk);
  stf(L, 0, 0);
  for (let k = 1; k < n; k++) {
    const e = ldf(off, k - 1);
    const l = e / dk;
    dk = ldf(diag, k) - shift - l * e;
    if (dk == 0 || !isFinite(dk)) return k + 1;
    stf(L, k, l);
    stf(D, k, dk);
  }
  for (let k = 1; k < n; k++) stf(b, k, ldf(b, k) - ldf(L, k) * ldf(b, k - 1));
  for (let k = 0; k < n; k++) stf(b, k, ldf(b, k) / ldf(D, k));
  for (let k = n - 2; k >= 0; k--) stf(b, k, ldf(b, k) - ldf(L, k + 1) * ldf(b, k + 1));
  return 0;
}

/** Lanczos with full reorthogonalisation (two passes of classical Gram–Schmidt against all previous
 *  basis vectors) for symmetric K (n×n row-major). Q: basis vectors as rows (row j = q_j, length n);
 *  the caller puts q_0 = y/‖y‖ in row 0. Runs steps j = j0 .. j1−1: writes alpha[j] = T[j][j],
 *  beta[j] = T[j][j+1] and q_{j+1} into row j+1 (so Q needs min(j1+1, n) rows). Stops early when
 *  beta[j] ≤ max(n,16)·ε·‖T‖ (invariant subspace; beta[j] is set to 0) or when j+1 = n (beta = 0).
 *  Returns the number of steps done in this call (the total is j0 + result; the last step has
 *  beta = 0 if the call stopped early). work ≥ n + j1 f64. */
export function lanczos_f64(
  K: usize, n: i32, Q: usize, alpha: usize, beta: usize, j0: i32, j1: i32, work: usize,
): i32 {
  const w = work;
  const c = work + (<usize>n << 3);
  let normT: f64 = 0;
  for (let i = 0; i < j0; i++) {
    normT = max(normT, abs(ldf(alpha, i)) + abs(ldf(beta, i)) + (i > 0 ? abs(ldf(beta, i - 1)) : 0));
  }
  const tol = <f64>max(n, 16) * EPS;
  let j = j0;
  for (; j < j1 && j < n; j++) {
    const qj = at(Q, n, j, 0);
    gemv_f64(K, qj, w, n, n, 1.0, 0.0, 0);
    let a = dot_f64(qj, w, n);
    axpy_f64(n, -a, qj, w);
    const bprev = j > 0 ? ldf(beta, j - 1) : 0.0;
    if (j > 0) axpy_f64(n, -bprev, at(Q, n, j - 1, 0), w);
    for (let pass = 0; pass < 2; pass++) {
      gemv_f64(Q, w, c, j + 1, n, 1.0, 0.0, 0);
      gemv_f64(Q, c, w, j + 1, n, -1.0, 1.0, 1);
      a += ldf(c, j);
    }
    stf(alpha, j, a);
    const b = nrm2_f64(w, n);
    normT = max(normT, abs(a) + b + abs(bprev));
    if (j + 1 >= n || !(b > tol * normT)) {
      stf(beta, j, 0);
      return j + 1 - j0;
    }
    stf(beta, j, b);
    const qn = at(Q, n, j + 1, 0);
    const rb = 1.0 / b;
    for (let i = 0; i < n; i++) stf(qn, i, ldf(w, i) * rb);
  }
  return j - j0;
}

// ------------------------------------------------------------------ blocked reduction (issue 12)
//
// LAPACK dsytrd/dlatrd ('L', column-major = our row-major upper triangle: "column" j of the
// symmetric matrix is memory row j, contiguous). Panels of NB reflectors are built with the trailing
// matrix left as it was at the panel start (S0) and the pending rank-2 corrections applied
// implicitly: column k ← column k − Σ_{j<k} (v_j w_j[k] + w_j v_j[k]); the symmetric product
// S0 v (level 2, the memory-bound half of dsytrd) is corrected by Σ v_j (w_j·v) + w_j (v_j·v).
// After the panel, the trailing block gets the rank-2NB update S ← S − V Wᵀ − W Vᵀ as ONE product
// [V;W]ᵀ [W;V] on the packed GEMM (upper triangle only: dsyr2k). The output is identical in
// layout to tridiag_f64 (reflector k in row k, columns k+1.., v[0] = 1 stored; same tau/off
// conventions), equal to rounding.

/** Panel width and the trailing size below which the unblocked code finishes. NB = 64 (LAPACK's
 *  dsytrd uses 32): the syr2k's inner dimension 2NB = 128 runs at ≈ 72 % of the peak instead of
 *  ≈ 63 %, with half the passes over the trailing matrix; the fused panel corrections keep the
 *  larger panel cheap (n = 2000: update 490 → 405 ms, panel +40 ms). */
const NB: i32 = 64;
const NX: i32 = 128;
/** Reflectors per block of the back-transformation (2NB). Measured at n = 1024 (CPU time, loaded
 *  machine; T built in halves with a GEMM coupling block for the larger sizes): 96 and 128 equal,
 *  192 +9 %, 256 +15 % (the packed op(B) block of Y, NBQ × 512 f64, outgrows L2 at 256). With the
 *  trapezoidal products (ormtr_impl) again: 96, 128, 192 within ±2 % at n = 1024 and 2000, 256
 *  +5 % at 1024. */
const NBQ: i32 = 128;
/** Rows of the U and Y slots: 2NB for the reduction's syr2k operands, NBQ for the back-transformation. */
const QW: i32 = NBQ > 2 * NB ? NBQ : 2 * NB;
/** Workspace slot of the GEMM workspace (wsp). */
const GWS: i32 = 8;

/** f64 workspace entries tridiag_blk_f64 / form_qt_blk_f64 / eigh_blk_f64 / ormtr_blk_f64 need for order n. */
export function eigh_blk_ws_f64(n: i32): i32 {
  return 3 * n + (NB + 3 * QW) * n + 2 * NBQ * NBQ + NBQ + gemm_pk_ws_f64() + 16;
}

// workspace layout (f64 offsets): [0,n) tau | [n,2n) off (eigh_blk) | [2n,3n) p | W NB·n | U QW·n |
// Y QW·n | T NBQ² | z NBQ | TV (ormtr's W = T V) QW·n | G NBQ² | gemm workspace. Every block is a
// multiple of 2 f64 → 16-byte aligned.
@inline function wsp(work: usize, n: i32, slot: i32): usize {
  const nn = <usize>n;
  const nb = <usize>NB;
  const qw = <usize>QW;
  let o: usize = 0;
  if (slot >= 1) o += nn * 3; // after tau, off, p → W
  if (slot >= 2) o += nb * nn; // U
  if (slot >= 3) o += qw * nn; // Y
  if (slot >= 4) o += qw * nn; // T
  if (slot >= 5) o += <usize>(NBQ * NBQ); // z (T holds up to NBQ × NBQ for ormtr)
  if (slot >= 6) o += <usize>NBQ; // TV (ormtr's W = T V)
  if (slot >= 7) o += qw * nn; // G
  if (slot >= 8) o += <usize>(NBQ * NBQ); // gemm ws
  // 3n may be odd: round the offset up to an even count of f64 (16 bytes)
  const base = work + (o << 3);
  return slot == 0 ? work : (base + 15) & ~(<usize>15);
}

// The contributions of rows [r0, r1) of the stored upper triangle to p = S v: p[r] += S[r][r..m)·v[r..m)
// and p[c] += v[r] S[r][c] (c > r), for the symmetric m×m block S stored row-wise from Sbase with row
// stride ld (S[r][c] at Sbase + 8(r·ld + c), c ≥ r; the lower triangle is never read); rows [0, m) give
// p[0..m) += S v. Rows are
// taken four at a time: each pass over the columns c ≥ r+4 loads v[c] and p[c] once for four rows
// (6 loads + 1 store per 8 matrix entries instead of 4 per 2), the dot products S[r+i][c]·v[c] and
// the axpy p[c] += Σ_i v[r+i] S[r+i][c] fused: the level-2 half of the reduction reads the
// triangle once, at fewer L1 operations per entry.
export function symv_rows(r0: i32, r1: i32, m: i32, Sbase: usize, ld: i32, v: usize, p: usize): void {
  const ldb = <usize>ld << 3;
  let r = r0;
  for (; r + 3 < r1; r += 4) {
    const x0 = Sbase + ((<usize>r * <usize>ld + <usize>r) << 3);
    const x1 = x0 + ldb, x2 = x1 + ldb, x3 = x2 + ldb;
    const a0 = ldf(v, r), a1 = ldf(v, r + 1), a2 = ldf(v, r + 2), a3 = ldf(v, r + 3);
    // 4×4 diagonal block (upper triangle of rows r..r+3)
    const s01 = load<f64>(x0, 8), s02 = load<f64>(x0, 16), s03 = load<f64>(x0, 24);
    const s12 = load<f64>(x1, 16), s13 = load<f64>(x1, 24), s23 = load<f64>(x2, 24);
    let t0 = load<f64>(x0) * a0 + s01 * a1 + s02 * a2 + s03 * a3;
    let t1 = s01 * a0 + load<f64>(x1, 8) * a1 + s12 * a2 + s13 * a3;
    let t2 = s02 * a0 + s12 * a1 + load<f64>(x2, 16) * a2 + s23 * a3;
    let t3 = s03 * a0 + s13 * a1 + s23 * a2 + load<f64>(x3, 24) * a3;
    let c = r + 4;
    if (ASC_FEATURE_SIMD) {
      const va0 = f64x2.splat(a0), va1 = f64x2.splat(a1), va2 = f64x2.splat(a2), va3 = f64x2.splat(a3);
      let c0 = f64x2.splat(0), c1 = f64x2.splat(0), c2 = f64x2.splat(0), c3 = f64x2.splat(0);
      for (; c + 1 < m; c += 2) {
        const o = <usize>(c - r) << 3;
        const oc = <usize>c << 3;
        const y0 = v128.load(x0 + o), y1 = v128.load(x1 + o), y2 = v128.load(x2 + o), y3 = v128.load(x3 + o);
        const vv = v128.load(v + oc);
        c0 = f64x2.add(c0, f64x2.mul(y0, vv));
        c1 = f64x2.add(c1, f64x2.mul(y1, vv));
        c2 = f64x2.add(c2, f64x2.mul(y2, vv));
        c3 = f64x2.add(c3, f64x2.mul(y3, vv));
        const s = f64x2.add(f64x2.add(f64x2.mul(va0, y0), f64x2.mul(va1, y1)), f64x2.add(f64x2.mul(va2, y2), f64x2.mul(va3, y3)));
        v128.store(p + oc, f64x2.add(v128.load(p + oc), s));
      }
      t0 += f64x2.extract_lane(c0, 0) + f64x2.extract_lane(c0, 1);
      t1 += f64x2.extract_lane(c1, 0) + f64x2.extract_lane(c1, 1);
      t2 += f64x2.extract_lane(c2, 0) + f64x2.extract_lane(c2, 1);
      t3 += f64x2.extract_lane(c3, 0) + f64x2.extract_lane(c3, 1);
    }
    for (; c < m; c++) {
      const o = <usize>(c - r) << 3;
      const y0 = load<f64>(x0 + o), y1 = load<f64>(x1 + o), y2 = load<f64>(x2 + o), y3 = load<f64>(x3 + o);
      const vv = ldf(v, c);
      t0 += y0 * vv;
      t1 += y1 * vv;
      t2 += y2 * vv;
      t3 += y3 * vv;
      stf(p, c, ldf(p, c) + (a0 * y0 + a1 * y1 + (a2 * y2 + a3 * y3)));
    }
    stf(p, r, ldf(p, r) + t0);
    stf(p, r + 1, ldf(p, r + 1) + t1);
    stf(p, r + 2, ldf(p, r + 2) + t2);
    stf(p, r + 3, ldf(p, r + 3) + t3);
  }
  for (; r < r1; r++) {
    const row = Sbase + ((<usize>r * <usize>ld + <usize>r) << 3);
    const vr = ldf(v, r);
    const s = dot_axpy(m - r - 1, row + 8, v + (<usize>(r + 1) << 3), p + (<usize>(r + 1) << 3), vr);
    stf(p, r, ldf(p, r) + load<f64>(row) * vr + s);
  }
}

// The panel's pending rank-2 terms, fused (dlatrd's two gemv pairs): rows X1_j = X1 + j·ld1 and
// X2_j = X2 + j·ld2 (j < cnt; the panel's v_j in A and w_j in W) are taken two j at a time, so
// one pass over the columns serves four rows (v and y loaded once per four rows instead of once per
// row, as in four separate dot/axpy calls).
// o1[j] = X1_j·v and o2[j] = X2_j·v (length len).
function panel_dots(len: i32, v: usize, X1: usize, ld1: i32, X2: usize, ld2: i32, cnt: i32, o1: usize, o2: usize): void {
  const l1 = <usize>ld1 << 3, l2 = <usize>ld2 << 3;
  let j = 0;
  for (; j + 1 < cnt; j += 2) {
    const p0 = X1 + <usize>j * l1, p1 = p0 + l1;
    const q0 = X2 + <usize>j * l2, q1 = q0 + l2;
    const a = o1 + (<usize>j << 3), b = o2 + (<usize>j << 3);
    dot4_f64(len, v, p0, p1, q0, q1, a, a + 8, b, b + 8);
  }
  if (j < cnt) {
    stf(o1, j, dot_f64(X1 + <usize>j * l1, v, len));
    stf(o2, j, dot_f64(X2 + <usize>j * l2, v, len));
  }
}

// y[0..len) −= Σ_{j<cnt} (c1[j]·X1_j + c2[j]·X2_j).
function panel_axpys(len: i32, y: usize, X1: usize, ld1: i32, X2: usize, ld2: i32, cnt: i32, c1: usize, c2: usize): void {
  const l1 = <usize>ld1 << 3, l2 = <usize>ld2 << 3;
  let j = 0;
  for (; j + 1 < cnt; j += 2) {
    const p0 = X1 + <usize>j * l1, p1 = p0 + l1;
    const q0 = X2 + <usize>j * l2, q1 = q0 + l2;
    axpy4_f64(len, y, p0, p1, q0, q1, -ldf(c1, j), -ldf(c1, j + 1), -ldf(c2, j), -ldf(c2, j + 1));
  }
  if (j < cnt) {
    axpy_f64(len, -ldf(c1, j), X1 + <usize>j * l1, y);
    axpy_f64(len, -ldf(c2, j), X2 + <usize>j * l2, y);
  }
}

// Two workers in a panel (issue 12). Each reflector's work is cut into stages separated by barriers,
// and every stage into two parts that touch disjoint memory, so one thread running part 0 then part 1
// of each stage and two workers running one part each between barriers do the same operations in the
// same order: bitwise-identical results.
//   - the symmetric product p = S v (the level-2 half of the reduction) is split by ROWS at
//     b = symv_split(m): part 0 accumulates rows [0, b) into the W row, part 1 rows [b, m) into its
//     own vector p1, added into the W row afterwards;
//   - everything else — the pending update of the reflector's own column, the Householder vector's
//     norm and scaling, the pending rank-2 terms' dots and axpys, w = τp − ½τ²(pᵀv)v — is split by
//     COLUMNS at one global column gs per panel (panel_col_split): part 0 owns columns < gs, part 1
//     columns ≥ gs, for every reflector of the panel. The owner of a column of W writes it, so the next
//     reflector's column update reads only its own columns of W; the one entry it needs from the other
//     part, W_{i−1}[k] (column k < gs), part 1 recomputes from part 0's published pre-axpy value.
// Dot products over both parts (‖v‖², pᵀv, the pending terms' Wᵀv and Vᵀv) add part 0's partial sum
// and part 1's, in that order, in both modes. Stages of reflector i (k = k0 + i, m = n − k − 1):
//   0 column k's pending update on own columns, partial ‖v[1..)‖²             | barrier A1
//   1 (both, redundantly) α, β, τ; own columns of v scaled, W row zeroed      | barrier A2
//   2 symv rows (part's rows), pending-term partial dots (own columns)       | barrier B
//   3 p1 merged, pending-term axpys, ×τ, partial pᵀv (own columns)           | barrier C
//   4 w −= ½τ(pᵀv) v on own columns (then directly stage 0 of the next reflector)
// The scalars each reflector shares sit at sync + 64 (LS_*); the per-part arrays of nb entries at
// sync + 128 (panel_zs).
/** Rows [0, b) of the symmetric product go to part 0: b = 0.325m gives part 0 55 % of the triangle's
 *  entries, in long rows; the short rows of part 1 cost more per entry (the 4×4 diagonal blocks and
 *  tails of symv_rows). Measured on two workers at n = 1024: b = 0.293m (equal entries) leaves part 1
 *  21 % slower, 0.325m balances within 2 %. */
@inline function symv_split(m: i32): i32 { return m < 128 ? m : <i32>(<f64>m * 0.325) & ~3; }

/** Global column where part 1's columns start in the panel at k0: the middle of the panel's average
 *  trailing width, so the two parts' column work is about equal over the panel's reflectors. Every
 *  reflector k < k0 + NB keeps at least one column (k + 1) in part 0. */
@inline function panel_col_split(n: i32, k0: i32): i32 {
  const mid = (n - k0 - 1 - (NB >> 1)) >> 1;
  return min(n, k0 + 1 + (NB >> 1) + (mid & ~1));
}

// Shared scalars of the current reflector (f64 slots at sync + 64 + 8·slot).
const LS_ALPHA: i32 = 0; // v[0] after the column update (part 0's column)
const LS_SS0: i32 = 1; // ‖v[1..h)‖² (part 0), ‖v[h..m)‖² (part 1)
const LS_SS1: i32 = 2;
const LS_NRM: i32 = 3; // the overflow-safe norm when α² + σ over/underflows
const LS_PV0: i32 = 4; // partial pᵀv (after ×τ) of part 0 / part 1
const LS_PV1: i32 = 5;
const LS_W0: i32 = 6; // W row's entry 0 (column k+1) before the final axpy, for part 1
const LS_W0F: i32 = 7; // part 1's copy of that entry after the axpy (its column-update scalar)
@inline function lsld(sync: usize, slot: i32): f64 { return load<f64>(sync + 64 + (<usize>slot << 3)); }
@inline function lsst(sync: usize, slot: i32, v: f64): void { store<f64>(sync + 64 + (<usize>slot << 3), v); }
/** Array a (0 gathered W_j[k], 1 gathered V_j[k], 2 partial Wᵀv, 3 partial Vᵀv, 4 summed Wᵀv, 5 summed
 *  Vᵀv) of part q: nb f64 at sync + 128. */
@inline function panel_zs(sync: usize, nb: i32, q: i32, a: i32): usize {
  return sync + 128 + (<usize>(q * 6 + a) * <usize>nb << 3);
}

/** Whether α² + σ over/underflows, so that ‖v‖ needs the scaled nrm2 (both parts decide alike). */
@inline function needs_safe_norm(alpha: f64, sigma: f64): bool {
  const nrm = sqrt(alpha * alpha + sigma);
  return sigma != 0 && (!isFinite(nrm) || nrm == 0);
}

// The stages of reflector k = k0 + i, part q (see above). Every stage gets the panel's geometry: W
// rows of length n (w_{k0+j} in row j, global indices), gs = panel_col_split, p1 (part 1's symv
// rows), sync (barrier, LS_* slots, panel_zs arrays). Part q's own entries of the length-m vectors v
// and w (v = row k from column k+1) are local [c0, c1): [0, h) for part 0, [h, m) for part 1, h = gs − k − 1.
@inline function own_lo(q: i32, h: i32): i32 { return q == 0 ? 0 : h; }
@inline function own_hi(q: i32, h: i32, m: i32): i32 { return q == 0 ? h : m; }

// Stage 0: column k −= Σ_{j<i} W_j[k] v_j + V_j[k] w_j (dlatrd's pending update of the column about
// to be reduced) on own entries of row k (part 0 from the diagonal on); partial ‖v[1..)‖².
function latrd_column(q: i32, A: usize, n: i32, k0: i32, i: i32, nb: i32, gs: i32, W: usize, sync: usize): void {
  const k = k0 + i;
  const m = n - k - 1;
  const rowk = at(A, n, k, k);
  const v = rowk + 8;
  const h = gs - k - 1;
  if (i > 0) {
    const za = panel_zs(sync, nb, q, 0), zb = panel_zs(sync, nb, q, 1);
    const V0 = at(A, n, k0, k), W0 = W + (<usize>k << 3);
    for (let j = 0; j < i; j++) {
      stf(za, j, load<f64>(W0 + ((<usize>j * <usize>n) << 3)));
      stf(zb, j, load<f64>(V0 + ((<usize>j * <usize>n) << 3)));
    }
    // W_{i−1}[k] is part 0's entry: part 1 takes its own copy (part 0 may still be writing it)
    if (q == 1) stf(za, i - 1, lsld(sync, LS_W0F));
    const s = q == 0 ? 0 : 1 + h, len = q == 0 ? 1 + h : m - h;
    panel_axpys(len, rowk + (<usize>s << 3), V0 + (<usize>s << 3), n, W0 + (<usize>s << 3), n, i, za, zb);
  }
  if (q == 0) {
    lsst(sync, LS_ALPHA, load<f64>(v));
    lsst(sync, LS_SS0, dot_f64(v + 8, v + 8, h - 1));
  } else lsst(sync, LS_SS1, dot_f64(v + (<usize>h << 3), v + (<usize>h << 3), m - h));
}

// Stage 1: the Householder vector (dlarfg) from the shared α, σ — both parts compute β, τ alike —
// own entries of v scaled, own entries of the W row zeroed (part 1 also its p1 rows); part 0 stores
// diag, off, tau and v[0] = 1.
function latrd_householder(q: i32, A: usize, n: i32, k0: i32, i: i32, gs: i32, diag: usize, off: usize, tau: usize, W: usize, p1: usize, sync: usize): void {
  const k = k0 + i;
  const m = n - k - 1;
  const rowk = at(A, n, k, k);
  const v = rowk + 8;
  const h = gs - k - 1;
  const c0 = own_lo(q, h), c1 = own_hi(q, h, m);
  const alpha = lsld(sync, LS_ALPHA);
  const sigma = lsld(sync, LS_SS0) + lsld(sync, LS_SS1);
  let t: f64 = 0;
  let beta = alpha;
  if (sigma != 0) {
    const nrm = needs_safe_norm(alpha, sigma) ? lsld(sync, LS_NRM) : sqrt(alpha * alpha + sigma);
    beta = alpha >= 0 ? -nrm : nrm;
    t = (beta - alpha) / beta;
    const sc = 1.0 / (alpha - beta);
    if (q == 0) scale_f64(h - 1, sc, v + 8);
    else scale_f64(m - h, sc, v + (<usize>h << 3));
  }
  memory.fill(W + ((<usize>i * <usize>n + <usize>(k + 1 + c0)) << 3), 0, <usize>(c1 - c0) << 3);
  if (q == 0) {
    stf(diag, k, load<f64>(rowk));
    store<f64>(v, 1.0);
    stf(off, k, beta);
    stf(tau, k, t);
  } else {
    const b = symv_split(m);
    memory.fill(p1 + (<usize>b << 3), 0, <usize>(m - b) << 3);
  }
}

// Stage 2 (τ ≠ 0): p = S0 v over the trailing block as it was at the panel start (upper triangle,
// rows k+1..; part 0 rows [0, b) into the W row, part 1 rows [b, m) into p1), and the pending rank-2
// terms' partial dots Wᵀv, Vᵀv over own entries.
function latrd_product(q: i32, A: usize, n: i32, k0: i32, i: i32, nb: i32, gs: i32, W: usize, p1: usize, sync: usize): void {
  const k = k0 + i;
  const m = n - k - 1;
  const v = at(A, n, k, k + 1);
  const h = gs - k - 1;
  const c0 = own_lo(q, h), c1 = own_hi(q, h, m);
  const b = symv_split(m);
  const S = at(A, n, k + 1, k + 1);
  if (q == 0) symv_rows(0, b, m, S, n, v, W + ((<usize>i * <usize>n + <usize>(k + 1)) << 3));
  else symv_rows(b, m, m, S, n, v, p1);
  if (i > 0) {
    const o = <usize>c0 << 3;
    panel_dots(c1 - c0, v + o, W + (<usize>(k + 1) << 3) + o, n, at(A, n, k0, k + 1) + o, n, i, panel_zs(sync, nb, q, 2), panel_zs(sync, nb, q, 3));
  }
}

// Stage 3: on own entries, p += p1 (part 1's rows), p −= V (Wᵀv) + W (Vᵀv) with both parts' dots
// added, p ← τp; the partial pᵀv, and (part 0) the W row's entry 0 for part 1's next column update.
function latrd_correct(q: i32, A: usize, n: i32, k0: i32, i: i32, nb: i32, gs: i32, tau: usize, W: usize, p1: usize, sync: usize): void {
  const k = k0 + i;
  const m = n - k - 1;
  const t = ldf(tau, k);
  const v = at(A, n, k, k + 1);
  const wk = W + ((<usize>i * <usize>n + <usize>(k + 1)) << 3);
  const h = gs - k - 1;
  const c0 = own_lo(q, h), c1 = own_hi(q, h, m);
  const o = <usize>c0 << 3;
  let pv: f64 = 0;
  if (t != 0) {
    for (let c = max(symv_split(m), c0); c < c1; c++) stf(wk, c, ldf(wk, c) + ldf(p1, c));
    if (i > 0) {
      const ze = panel_zs(sync, nb, q, 4), zf = panel_zs(sync, nb, q, 5);
      const a0 = panel_zs(sync, nb, 0, 2), a1 = panel_zs(sync, nb, 1, 2);
      const b0 = panel_zs(sync, nb, 0, 3), b1 = panel_zs(sync, nb, 1, 3);
      for (let j = 0; j < i; j++) {
        stf(ze, j, ldf(a0, j) + ldf(a1, j));
        stf(zf, j, ldf(b0, j) + ldf(b1, j));
      }
      panel_axpys(c1 - c0, wk + o, at(A, n, k0, k + 1) + o, n, W + (<usize>(k + 1) << 3) + o, n, i, ze, zf);
    }
    scale_f64(c1 - c0, t, wk + o);
    pv = dot_f64(wk + o, v + o, c1 - c0);
  }
  lsst(sync, q == 0 ? LS_PV0 : LS_PV1, pv);
  if (q == 0) lsst(sync, LS_W0, load<f64>(wk));
}

// Stage 4: w = τp − ½τ(τpᵀv) v (dlatrd) on own entries; part 1 keeps w's entry 0 as the axpy makes it
// in part 0 (v[0] = 1: the same operation, the same bits).
function latrd_finish(q: i32, A: usize, n: i32, k0: i32, i: i32, gs: i32, tau: usize, W: usize, sync: usize): void {
  const k = k0 + i;
  const m = n - k - 1;
  const t = ldf(tau, k);
  if (t == 0) {
    if (q == 1) lsst(sync, LS_W0F, 0);
    return;
  }
  const h = gs - k - 1;
  const c0 = own_lo(q, h), c1 = own_hi(q, h, m);
  const o = <usize>c0 << 3;
  const kk = 0.5 * t * (lsld(sync, LS_PV0) + lsld(sync, LS_PV1));
  axpy_f64(c1 - c0, -kk, at(A, n, k, k + 1) + o, W + ((<usize>i * <usize>n + <usize>(k + 1)) << 3) + o);
  if (q == 1) lsst(sync, LS_W0F, lsld(sync, LS_W0) + -kk * 1.0);
}

@inline function latrd_stage(st: i32, q: i32, A: usize, n: i32, k0: i32, i: i32, nb: i32, gs: i32, diag: usize, off: usize, tau: usize, W: usize, p1: usize, sync: usize): void {
  if (st == 0) latrd_column(q, A, n, k0, i, nb, gs, W, sync);
  else if (st == 1) latrd_householder(q, A, n, k0, i, gs, diag, off, tau, W, p1, sync);
  else if (st == 2) {
    if (ldf(tau, k0 + i) != 0) latrd_product(q, A, n, k0, i, nb, gs, W, p1, sync); // H_k = I: w_k = 0
  } else if (st == 3) latrd_correct(q, A, n, k0, i, nb, gs, tau, W, p1, sync);
  else latrd_finish(q, A, n, k0, i, gs, tau, W, sync);
}

// One dlatrd panel: reflectors k0..k0+nb−1; W row i (length n, global indices) receives w_{k0+i}.
// role −1: one thread running both parts of each stage; 0 or 1: that part, on one of two workers,
// between barriers on `sync` (two i32, zero before the pair's first panel). p1: n-vector of part 1.
function latrd_panel(A: usize, n: i32, k0: i32, nb: i32, diag: usize, off: usize, tau: usize, W: usize, role: i32, p1: usize, sync: usize): void {
  const gs = panel_col_split(n, k0);
  for (let i = 0; i < nb; i++) {
    for (let st = 0; st < 5; st++) {
      if (role < 0) {
        latrd_stage(st, 0, A, n, k0, i, nb, gs, diag, off, tau, W, p1, sync);
        latrd_stage(st, 1, A, n, k0, i, nb, gs, diag, off, tau, W, p1, sync);
      } else latrd_stage(st, role, A, n, k0, i, nb, gs, diag, off, tau, W, p1, sync);
      if (role >= 0 && st < 4) pairBarrier(sync);
      // ‖v‖ by the scaled nrm2 when α² + σ over/underflows: part 0 reads all of v (complete after
      // barrier A1) before either part scales it
      if (st == 0 && needs_safe_norm(lsld(sync, LS_ALPHA), lsld(sync, LS_SS0) + lsld(sync, LS_SS1))) {
        const k = k0 + i;
        if (role <= 0) lsst(sync, LS_NRM, nrm2_f64(at(A, n, k, k + 1), n - k - 1));
        if (role >= 0) pairBarrier(sync);
      }
    }
  }
}

/** Blocked Householder tridiagonalisation (dsytrd): same contract and output layout as tridiag_f64
 *  (tau in work[0..n)), work ≥ eigh_blk_ws_f64(n) f64, 16-byte aligned. Small n (≤ 128) runs the
 *  unblocked code. */
export function tridiag_blk_f64(A: usize, n: i32, diag: usize, off: usize, work: usize): void {
  if (n <= 0) return;
  const gw = wsp(work, n, GWS);
  let k0 = 0;
  while (n - k0 > NX) {
    tridiag_panel_f64(A, n, k0, diag, off, work);
    tridiag_update_f64(A, n, k0, 0, n - k0 - NB, work, gw);
    k0 += NB;
  }
  tridiag_tail_f64(A, n, k0, diag, off, work);
}

/** Panel width NB and crossover NX of the blocked reduction (the host mirrors the panel loop:
 *  k0 = 0, NB, 2NB, … while n − k0 > NX, then the tail). */
export function eigh_nb_f64(): i32 { return NB; }
/** Leading dimension of build_t_gemm's T and G (NBQ). */
export function eigh_nbq_f64(): i32 { return NBQ; }
export function eigh_nx_f64(): i32 { return NX; }

/** One dlatrd panel of tridiag_blk_f64 at k0 (reflectors k0..k0+NB−1) and the operands of its
 *  trailing update: U = [V; W], Y = [W; V] over indices k0+NB..n−1, inside work. */
export function tridiag_panel_f64(A: usize, n: i32, k0: i32, diag: usize, off: usize, work: usize): void {
  panel_and_operands(A, n, k0, diag, off, work, -1);
}

/** Byte address of the panel barrier's two i32 inside work (for the host to zero them). */
export function panel_sync_f64(work: usize, n: i32): usize {
  return wsp(work, n, 7);
}

// The panel (role as latrd_panel), then the operands of its trailing update, U = [V; W] and Y = [W; V]
// over indices t0 = k0+NB..n−1: each part copies its own columns (those it wrote last), one thread both.
function panel_and_operands(A: usize, n: i32, k0: i32, diag: usize, off: usize, work: usize, role: i32): void {
  const W = wsp(work, n, 1), U = wsp(work, n, 2), Y = wsp(work, n, 3);
  latrd_panel(A, n, k0, NB, diag, off, work, W, role, wsp(work, n, 6), wsp(work, n, 7));
  const t0 = k0 + NB;
  const m = n - t0;
  const gs = max(t0, panel_col_split(n, k0));
  const c0 = role == 1 ? gs : t0, c1 = role == 0 ? gs : n;
  const o = <usize>(c0 - t0) << 3;
  const bytes = <usize>(c1 - c0) << 3;
  for (let j = 0; j < NB; j++) {
    const vj = at(A, n, k0 + j, c0);
    const wj = W + ((<usize>j * <usize>n + <usize>c0) << 3);
    memory.copy(U + ((<usize>j * <usize>m) << 3) + o, vj, bytes);
    memory.copy(U + ((<usize>(NB + j) * <usize>m) << 3) + o, wj, bytes);
    memory.copy(Y + ((<usize>j * <usize>m) << 3) + o, wj, bytes);
    memory.copy(Y + ((<usize>(NB + j) * <usize>m) << 3) + o, vj, bytes);
  }
}

/** Rows [r0, r1) (relative to t0 = k0+NB) of the trailing update after tridiag_panel_f64:
 *  S[r][c] −= Σ_q U[q][r] Y[q][c] for c ≥ r (dsyr2k, upper). Row ranges are independent: workers
 *  with private gemm workspaces gw (≥ gemm_pk_ws_f64()) give bitwise the one-call result. */
export function tridiag_update_f64(A: usize, n: i32, k0: i32, r0: i32, r1: i32, work: usize, gw: usize): void {
  const t0 = k0 + NB;
  const m = n - t0;
  const a = max(r0, 0);
  const b = min(r1, m);
  if (b <= a) return;
  const U = wsp(work, n, 2), Y = wsp(work, n, 3);
  gemm_pk_f64(1, 0, b - a, m, 2 * NB, -1.0, U + (<usize>a << 3), m, Y, m, 1.0, at(A, n, t0 + a, t0), n, 2, a, gw);
}

/** Rows of the trailing update's first part on two workers: the upper triangle of the m×m trailing
 *  block split at equal entries, b = m(1 − 1/√2), a multiple of 4. */
@inline function update_split(m: i32): i32 {
  return min(m, max(0, (<i32>(<f64>m * 0.2928932188134524 + 2.0)) & ~3));
}

/** The blocked reduction's panel loop (tridiag_blk_f64 up to the tail) on two workers in one call
 *  each: role 0 and role 1 (same A, n, work; gw a private gemm workspace ≥ gemm_pk_ws_f64() each),
 *  running at the same time on the shared memory: each panel's stages split over the pair
 *  (latrd_panel), then the trailing update's rows split at update_split, a barrier after each (no
 *  host round trip per step). Bitwise equal to tridiag_panel_f64 + tridiag_update_f64 steps; returns the
 *  k0 where tridiag_tail_f64 goes on. The barrier's two i32 (panel_sync_f64) must be zero first. */
export function tridiag_panels_pair_f64(A: usize, n: i32, diag: usize, off: usize, work: usize, gw: usize, role: i32): i32 {
  let k0 = 0;
  if (!ASC_FEATURE_THREADS) {
    // no second worker: role 0 does all (role 1 nothing)
    if (role != 0) return 0;
    while (n - k0 > NX) {
      tridiag_panel_f64(A, n, k0, diag, off, work);
      tridiag_update_f64(A, n, k0, 0, n - k0 - NB, work, gw);
      k0 += NB;
    }
    return k0;
  }
  const sync = wsp(work, n, 7);
  while (n - k0 > NX) {
    panel_and_operands(A, n, k0, diag, off, work, role);
    pairBarrier(sync); // U, Y complete
    const m = n - k0 - NB;
    const b = update_split(m);
    if (role == 0) tridiag_update_f64(A, n, k0, 0, b, work, gw);
    else tridiag_update_f64(A, n, k0, b, m, work, gw);
    pairBarrier(sync); // the trailing block updated before the next panel reads it
    k0 += NB;
  }
  return k0;
}

/** The unblocked end of tridiag_blk_f64 from column k0 on. */
export function tridiag_tail_f64(A: usize, n: i32, k0: i32, diag: usize, off: usize, work: usize): void {
  tridiag_from(A, n, k0, diag, off, work, work + (<usize>(2 * n) << 3));
}

// Compact WY of reflectors [kb, ke) (dlarft, forward, columnwise): V (nbb × m, m = n−kb−1, row j−kb =
// v_j on indices kb+1..n−1, zeros before index j+1) and T (upper, ld NB) with
// H_kb ⋯ H_{ke−1} = I − Vᵀ… in column terms I − V T Vᵀ. z: NB scratch.
function build_vt(A: usize, n: i32, kb: i32, ke: i32, tau: usize, Vb: usize, T: usize, ldt: i32, z: usize): void {
  const nbb = ke - kb;
  const m = n - kb - 1;
    // 1. V (nbb × m): row j−kb = v_j on indices kb+1..n−1 (zeros before index j+1)
    for (let j = kb; j < ke; j++) {
      const row = Vb + ((<usize>(j - kb) * <usize>m) << 3);
      memory.fill(row, 0, <usize>(j - kb) << 3);
      memory.copy(row + (<usize>(j - kb) << 3), at(A, n, j, j + 1), <usize>(n - j - 1) << 3);
    }
    // 2. T (nbb × nbb upper, ld NB): T_ii = τ_i, T[0:i, i] = T[0:i,0:i] · (−τ_i V[0:i] v_i)
    for (let i = 0; i < nbb; i++) {
      const ti = ldf(tau, kb + i);
      const vi = Vb + ((<usize>i * <usize>m) << 3);
      for (let j = 0; j < i; j++) {
        // v_j·v_i: both vanish before index max(i,j)+kb+1 → start at q = i
        const o = <usize>i << 3;
        stf(z, j, -ti * dot_f64(Vb + ((<usize>j * <usize>m) << 3) + o, vi + o, m - i));
      }
      for (let j = 0; j < i; j++) {
        let sacc: f64 = 0;
        for (let l = j; l < i; l++) sacc += load<f64>(T + ((<usize>(j * ldt + l)) << 3)) * ldf(z, l);
        store<f64>(T + ((<usize>(j * ldt + i)) << 3), sacc);
      }
      store<f64>(T + ((<usize>(i * ldt + i)) << 3), ti);
    }
}

/** Blocked formation of Qᵀ in place (dorgqr with compact WY, backward over blocks of NB
 *  reflectors): for block [kb, ke) with V (reflectors, zero-padded to indices kb+1..n−1) and T
 *  upper triangular (dlarft, H_kb ⋯ H_{ke−1} = I − V T Vᵀ), the columns of Q on indices kb+1.. (memory
 *  rows of the row-major Qᵀ, the block's own columns set to identity first) are updated by
 *  Y = V Qmᵀ, Y ← T Y, Qm ← Qm − Yᵀ V: two products on the packed GEMM. Same output as form_qt
 *  (to rounding). tau: n entries (may live inside work[0..n)); work ≥ eigh_blk_ws_f64(n). */
export function form_qt_blk_f64(A: usize, n: i32, tau: usize, work: usize): void {
  if (n <= 0) return;
  const K = n - 2; // reflectors 0..K−1
  if (n <= NX) {
    form_qt(A, n, tau, work + (<usize>(2 * n) << 3));
    return;
  }
  const Vb = wsp(work, n, 2), Yb = wsp(work, n, 3), T = wsp(work, n, 4), z = wsp(work, n, 5), gw = wsp(work, n, GWS);
  // stale matrix entries below the diagonal → 0; rows beyond the last reflector → identity
  for (let r = 1; r < n; r++) memory.fill(at(A, n, r, 0), 0, <usize>r << 3);
  for (let c = K + 1; c < n; c++) {
    memory.fill(at(A, n, c, c), 0, <usize>(n - c) << 3);
    store<f64>(at(A, n, c, c), 1.0);
  }
  const nblocks = (K + NB - 1) / NB;
  for (let b = nblocks - 1; b >= 0; b--) {
    const kb = b * NB;
    const ke = min(kb + NB, K);
    const nbb = ke - kb;
    const m = n - kb - 1;
    build_vt(A, n, kb, ke, tau, Vb, T, NB, z);
    // 3. the block's own columns kb+1..ke start as identity columns
    for (let c = kb + 1; c <= ke; c++) {
      memory.fill(at(A, n, c, kb + 1), 0, <usize>m << 3);
      store<f64>(at(A, n, c, c), 1.0);
    }
    const Qm = at(A, n, kb + 1, kb + 1);
    // 4. Y = V Qmᵀ (nbb × m)
    gemm_pk_f64(0, 1, nbb, m, m, 1.0, Vb, m, Qm, n, 0.0, Yb, m, 0, 0, gw);
    // 5. Y ← T Y (upper triangular, in place, rows ascending)
    for (let i = 0; i < nbb; i++) {
      const yi = Yb + ((<usize>i * <usize>m) << 3);
      scale_f64(m, load<f64>(T + ((<usize>(i * NB + i)) << 3)), yi);
      for (let j = i + 1; j < nbb; j++) {
        const tij = load<f64>(T + ((<usize>(i * NB + j)) << 3));
        if (tij != 0) axpy_f64(m, tij, Yb + ((<usize>j * <usize>m) << 3), yi);
      }
    }
    // 6. Qm ← Qm − Yᵀ V
    gemm_pk_f64(1, 0, m, m, nbb, -1.0, Yb, m, Vb, m, 1.0, Qm, n, 0, 0, gw);
  }
  memory.fill(A, 0, <usize>n << 3);
  store<f64>(A, 1.0);
}

/** Phase 1 of eigh_blk_f64: blocked reduction + blocked formation of Qᵀ (as eigh_reduce_f64).
 *  work ≥ eigh_blk_ws_f64(n); on exit work[0..n) is scratch. */
export function eigh_reduce_blk_f64(A: usize, n: i32, diag: usize, off: usize, work: usize): void {
  if (n <= 0) return;
  tridiag_blk_f64(A, n, diag, off, work);
  form_qt_blk_f64(A, n, work, work);
}

/** eigh_f64 with the blocked reduction and Qᵀ formation (LAPACK-class level 3), then implicit QL.
 *  work ≥ eigh_blk_ws_f64(n) f64, 16-byte aligned. */
export function eigh_blk_f64(A: usize, n: i32, W: usize, work: usize): i32 {
  if (n <= 0) return 0;
  const off = work + (<usize>n << 3);
  const e = eigh_range_scale_f64(A, n);
  eigh_reduce_blk_f64(A, n, W, off, work);
  const st = tql(W, off, n, A, n, n, work + (<usize>(2 * n) << 3));
  transpose_sq_f64(A, n);
  range_unscale(W, n, e);
  return st;
}

/** Eigenvalues only (LAPACK dsyevd with jobz = 'N' does dsytrd + dsterf; dsyevd_2stage does
 *  dsytrd_2stage + dsterf): from order EIGVALSH_2STAGE_MIN on the two-stage reduction
 *  (eigh_2stage.ts: dense → band at GEMM speed, then bulge chasing), below it the blocked one-stage
 *  reduction; then implicit QL on T rotating no vectors (O(n²) against the reduction's 4n³/3).
 *  A of tiny or huge norm is scaled first (see RANGE_LO). A (n×n, upper triangle read) is
 *  destroyed; W (n) receives the eigenvalues ascending.
 *  work ≥ eigh_blk_ws_f64(n) f64, 16-byte aligned (it covers the two-stage workspace after off).
 *  Returns 0, or nonzero if QL did not converge / the input is not finite. */
export function eigvalsh_f64(A: usize, n: i32, W: usize, work: usize): i32 {
  if (n <= 0) return 0;
  const e = eigh_range_scale_f64(A, n);
  const off = work + (<usize>n << 3);
  if (n >= EIGVALSH_2STAGE_MIN) tridiag_2stage_f64(A, n, W, off, work + (<usize>(2 * n) << 3));
  else tridiag_blk_f64(A, n, W, off, work);
  const st = tql(W, off, n, 0, 0, 0, 0);
  range_unscale(W, n, e);
  return st;
}

/** max|A[i][j]| outside [2^−400, 2^400] is brought near 1 first (dsyev's scaling into [rmin, rmax]),
 *  by a power of two so that scaling and unscaling are exact: smaller entries square to subnormals in
 *  the reflector norms (A·1e−160 lost 3 digits of its eigenvalues, A·1e−170 all of them), larger
 *  ones overflow (A·1e200 gave NaN). */
const RANGE_LO: f64 = 3.872591914849318e-121; // 2^−400
const RANGE_HI: f64 = 2.5822498780869086e120; // 2^400

// The exponent e of the scale 2^e for A (upper triangle), 0 when max|a| is in range, zero or not finite.
function range_exponent(A: usize, n: i32): i32 {
  let amax: f64 = 0;
  for (let i = 0; i < n; i++) {
    const row = at(A, n, i, i);
    const len = n - i;
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      let m = f64x2.splat(0);
      for (; j + 1 < len; j += 2) m = f64x2.max(m, f64x2.abs(v128.load(row + (<usize>j << 3))));
      amax = max(amax, max(f64x2.extract_lane(m, 0), f64x2.extract_lane(m, 1)));
    }
    for (; j < len; j++) amax = max(amax, abs(ldf(row, j)));
  }
  if (!isFinite(amax) || amax == 0 || (amax >= RANGE_LO && amax <= RANGE_HI)) return 0;
  return <i32>min<f64>(1000, max<f64>(-1000, -NativeMath.floor(NativeMath.log2(amax))));
}

/** Scale A (upper triangle) by 2^e so that max|a| is near 1 when it lies outside [RANGE_LO, RANGE_HI]
 *  (dsyev's scaling step), in place; returns e (0: A untouched). The eigenvectors of 2^e A are those
 *  of A and its eigenvalues are 2^e times A's: undo with range_unscale on W. Every eigensolver entry
 *  (eigvalsh_f64, eigh_f64, eigh_blk_f64, eigh_dc_f64, and the two-worker drivers through this export)
 *  scales: unscaled, A·1e−170 returned eigenvalues wrong in every digit and A·1e200 NaN (QL path), both
 *  with status 0. */
export function eigh_range_scale_f64(A: usize, n: i32): i32 {
  const e = range_exponent(A, n);
  if (e != 0) for (let i = 0; i < n; i++) scale_f64(n - i, NativeMath.pow(2.0, <f64>e), at(A, n, i, i));
  return e;
}

// W ← 2^−e W (exact: a power of two), the eigenvalues of A from those of 2^e A.
function range_unscale(W: usize, n: i32, e: i32): void {
  if (e != 0) scale_f64(n, NativeMath.pow(2.0, <f64>-e), W);
}

/** Order from which eigvalsh_f64 reduces in two stages (eigh_2stage.ts). Reduction CPU time,
 *  two-stage / one-stage (loaded machine, medians of 7): n = 768 1.07, 896 1.03, 1024 0.96,
 *  1280 0.88, 1536 0.87 (2000 0.87, 4000 0.85–0.90). */
const EIGVALSH_2STAGE_MIN: i32 = 1000;
/** eigvalsh_f64's crossover to the two-stage reduction (tests, benches). */
export function eigvalsh_2stage_min_f64(): i32 { return EIGVALSH_2STAGE_MIN; }

// ------------------------------------------------------------------ divide and conquer (issue 12)
//
// dstedc-style tridiagonal eigensolver. T is scaled to max|entry| = 1, torn recursively at the
// middle (T = diag(T1', T2') + β w wᵀ, β = |e|, w = e_last + sign(e)·e_first, T1'/T2' with β
// subtracted from the touching diagonal entries), leaves of ≤ DC_LEAF rows solved by implicit QL.
// A merge (dlaed1/2/3 roles): z = [last row of Q1, sign·first row of Q2]/√2, ρ = 2β; deflation of
// components with ρ|z_j| ≤ tol and of pairs of close poles by a Givens rotation (tol = 8ε·max(|D|, |z|));
// the secular equation 1/ρ + Σ z_i²/(d_i − λ) = 0 solved per root by a safeguarded fixed-weight
// (two-pole rational) iteration inside a bisection bracket, with λ kept as origin + τ relative to the
// nearer pole so the differences d_i − λ are accurate; z recomputed by the Gu–Eisenstat/Löwner
// formula ẑ_i² = −Π_j (d_i − λ_j) / Π_{j≠i} (d_i − d_j), so the eigenvectors ẑ_i/(d_i − λ_j) of the
// merged problem are orthogonal to working precision; the merged eigenvectors are two products on
// the packed GEMM (upper rows against columns of types 1+2, lower rows against types 2+3).
// Z is row-major with eigenvectors in COLUMNS; every finished block keeps its columns sorted.

const DC_LEAF: i32 = 32;
/** Rows per product panel in a merge (P scratch = DC_PANEL × n). */
const DC_PANEL: i32 = 256;

@inline function ldi(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }
@inline function sti(p: usize, i: i32, v: i32): void { store<i32>(p + (<usize>i << 2), v); }

/** f64 workspace entries stedc_f64 needs for order n (one n×n scratch matrix + a panel + vectors). */
export function stedc_ws_f64(n: i32): i32 {
  return n * n + (DC_PANEL + 16) * n + gemm_pk_ws_f64() + 64;
}

// Workspace pointers of the running stedc call: module globals (per instance, so per worker; no
// allocation), set by stedc_f64.
let wQ: usize = 0, wz: usize = 0, wdl: usize = 0, wzl: usize = 0, wzh: usize = 0, wdn: usize = 0;
let wrow: usize = 0, wes: usize = 0, wet: usize = 0, wrot: usize = 0, widx: usize = 0, wct: usize = 0;
let wpos: usize = 0, wcol: usize = 0, wdcol: usize = 0, wperm: usize = 0, wgw: usize = 0, wP: usize = 0;

@inline function rotate_cols(B: usize, ld: i32, m: i32, a: i32, b: i32, c: f64, s: f64): void {
  // (col_a, col_b) ← (c·col_a + s·col_b, c·col_b − s·col_a)
  for (let r = 0; r < m; r++) {
    const p = B + ((<usize>r * <usize>ld) << 3);
    const x = ldf(p, a);
    const y = ldf(p, b);
    stf(p, a, c * x + s * y);
    stf(p, b, c * y - s * x);
  }
}

// Sums over poles i in [a, b) at the offset τ (δ_i = delta[i] − τ): Σ z_i²/δ_i → gS, Σ (z_i/δ_i)² →
// gD, Σ |z_i²/δ_i| → gA. Two lanes (the divisions dominate the secular equation's O(k²) work per
// merge); the lane sums are added in a fixed order, so every call is deterministic.
let gS: f64 = 0, gD: f64 = 0, gA: f64 = 0;
function sec_sums(a: i32, b: i32, delta: usize, z: usize, tau: f64): void {
  let s: f64 = 0, d: f64 = 0, ab: f64 = 0;
  let i = a;
  if (ASC_FEATURE_SIMD) {
    const vt = f64x2.splat(tau);
    let vs = f64x2.splat(0), vd = f64x2.splat(0), va = f64x2.splat(0);
    for (; i + 1 < b; i += 2) {
      const o = <usize>i << 3;
      const zi = v128.load(z + o);
      const t = f64x2.div(zi, f64x2.sub(v128.load(delta + o), vt));
      const zt = f64x2.mul(zi, t);
      vs = f64x2.add(vs, zt);
      vd = f64x2.add(vd, f64x2.mul(t, t));
      va = f64x2.add(va, f64x2.abs(zt));
    }
    s = f64x2.extract_lane(vs, 0) + f64x2.extract_lane(vs, 1);
    d = f64x2.extract_lane(vd, 0) + f64x2.extract_lane(vd, 1);
    ab = f64x2.extract_lane(va, 0) + f64x2.extract_lane(va, 1);
  }
  for (; i < b; i++) {
    const zi = ldf(z, i);
    const t = zi / (ldf(delta, i) - tau);
    s += zi * t;
    d += t * t;
    ab += abs(zi * t);
  }
  gS = s;
  gD = d;
  gA = ab;
}

/** Root j (0-based) of 1/ρ + Σ_{i<k} z_i²/(d_i − λ) = 0, d strictly ascending, ρ > 0. Writes
 *  delta[i] = d_i − λ_j and returns λ_j. zz = Σ z_i². */
function secular_root(k: i32, d: usize, z: usize, rho: f64, zz: f64, j: i32, delta: usize): f64 {
  const rhoinv = 1.0 / rho;
  const last = j == k - 1;
  let org: f64;
  let lo: f64, hi: f64;
  if (last) {
    org = ldf(d, j);
    lo = 0;
    hi = rho * zz;
    for (let i = 0; i < k; i++) stf(delta, i, ldf(d, i) - org);
  } else {
    const dj = ldf(d, j);
    const dj1 = ldf(d, j + 1);
    const gap = dj1 - dj;
    // f at the midpoint decides which pole is nearer
    const mid = 0.5 * gap;
    for (let i = 0; i < k; i++) stf(delta, i, ldf(d, i) - dj);
    sec_sums(0, k, delta, z, mid);
    const f = rhoinv + gS;
    if (f >= 0) {
      org = dj;
      lo = 0;
      hi = mid;
    } else {
      // differences to the upper pole (exact for neighbouring poles of the same sign)
      org = dj1;
      lo = -mid;
      hi = 0;
      for (let i = 0; i < k; i++) stf(delta, i, ldf(d, i) - org);
    }
  }
  let tau = 0.5 * (lo + hi);
  const ip = j; // ψ: poles ≤ j, φ: poles > j
  for (let it = 0; it < 100; it++) {
    sec_sums(0, ip + 1, delta, z, tau);
    const psi = gS, dpsi = gD;
    let abss = gA;
    sec_sums(ip + 1, k, delta, z, tau);
    const phi = gS, dphi = gD;
    abss += gA;
    const w = rhoinv + psi + phi;
    const erretm = 8.0 * abss + 2.0 * rhoinv + 3.0 * abs(tau) * (dpsi + dphi);
    if (abs(w) <= EPS * erretm) break;
    if (w > 0) hi = tau; else lo = tau;
    if (hi - lo <= 2.0 * EPS * max(abs(lo), abs(hi))) break;
    // fixed-weight step from the two nearest poles (one pole for the last root)
    let tn: f64;
    const p = ldf(delta, j) - tau;
    if (last) {
      const c = w - p * dpsi;
      tn = c != 0 ? tau + p + (p * p * dpsi) / c : NaN;
    } else {
      const q = ldf(delta, j + 1) - tau;
      const a = (p + q) * w - p * q * (dpsi + dphi);
      const b = p * q * w;
      const c = w - p * dpsi - q * dphi;
      let x: f64;
      if (c == 0) x = b / a;
      else {
        const disc = sqrt(abs(a * a - 4.0 * b * c));
        x = a <= 0 ? (a - disc) / (2.0 * c) : (2.0 * b) / (a + disc);
      }
      tn = tau + x;
    }
    if (!(tn > lo && tn < hi)) tn = 0.5 * (lo + hi);
    tau = tn;
  }
  for (let i = 0; i < k; i++) stf(delta, i, ldf(delta, i) - tau);
  return org + tau;
}

// Merge block [s, s+m) of Z (columns 0..n1 and n1..m eigenvectors of the torn halves, each half
// sorted) with coupling e (signed); D = d + s in column order. Returns nothing; on exit the block
// holds the sorted eigenvectors of the merged tridiagonal and D is ascending.
function dc_merge_deflate(Z: usize, n: i32, s: i32, m: i32, n1: i32, e: f64, D: usize): void {
  const B = Z + ((<usize>s * <usize>n + <usize>s) << 3);
  const beta = abs(e);
  const sg: f64 = e < 0 ? -1.0 : 1.0;
  const r2 = 0.7071067811865476;
  const z = wz;
  let zmax: f64 = 0, dmax: f64 = 0;
  for (let c = 0; c < m; c++) {
    const v = c < n1 ? ldf(B + ((<usize>(n1 - 1) * <usize>n) << 3), c) : sg * ldf(B + ((<usize>n1 * <usize>n) << 3), c);
    stf(z, c, v * r2);
    zmax = max(zmax, abs(v * r2));
    dmax = max(dmax, abs(ldf(D, c)));
    sti(wct, c, c < n1 ? 1 : 3);
  }
  const rho = 2.0 * beta;
  const tol = 8.0 * EPS * max(dmax, zmax);
  // merge the two ascending runs
  {
    let a = 0, b = n1, t = 0;
    while (t < m) {
      if (b >= m || (a < n1 && ldf(D, a) <= ldf(D, b))) { sti(widx, t, a); a++; } else { sti(widx, t, b); b++; }
      t++;
    }
  }
  // deflation
  let k = 0, nd = 0, pj = -1;
  const allDeflate = rho * zmax <= tol;
  for (let t = 0; t < m; t++) {
    const c = ldi(widx, t);
    if (allDeflate || rho * abs(ldf(z, c)) <= tol) { sti(wdcol, nd++, c); continue; }
    if (pj < 0) { pj = c; continue; }
    const sz = ldf(z, pj);
    const cz = ldf(z, c);
    const tau = NativeMath.hypot(cz, sz);
    const tt = ldf(D, c) - ldf(D, pj);
    const cc = cz / tau;
    const ss = -sz / tau;
    if (abs(tt * cc * ss) <= tol) {
      stf(z, c, tau);
      stf(z, pj, 0);
      rotate_cols(B, n, m, pj, c, cc, ss);
      if (ldi(wct, pj) != ldi(wct, c)) { sti(wct, pj, 2); sti(wct, c, 2); }
      const dp = ldf(D, pj), dc = ldf(D, c);
      stf(D, pj, dp * cc * cc + dc * ss * ss);
      stf(D, c, dp * ss * ss + dc * cc * cc);
      sti(wdcol, nd++, pj);
    } else {
      sti(wcol, k++, pj);
    }
    pj = c;
  }
  if (pj >= 0) sti(wcol, k++, pj);
  // deflated columns ascending in their (possibly rotated) D (nearly sorted: insertion sort)
  for (let a = 1; a < nd; a++) {
    const c = ldi(wdcol, a);
    const v = ldf(D, c);
    let b = a - 1;
    while (b >= 0 && ldf(D, ldi(wdcol, b)) > v) { sti(wdcol, b + 1, ldi(wdcol, b)); b--; }
    sti(wdcol, b + 1, c);
  }
  // type order of the non-deflated columns: 1, 2, 3
  let k1 = 0, k2 = 0;
  for (let i = 0; i < k; i++) { const t = ldi(wct, ldi(wcol, i)); if (t == 1) k1++; else if (t == 2) k2++; }
  {
    let p1 = 0, p2 = k1, p3 = k1 + k2;
    for (let i = 0; i < k; i++) {
      const t = ldi(wct, ldi(wcol, i));
      sti(wpos, i, t == 1 ? p1++ : t == 2 ? p2++ : p3++);
    }
  }
  // secular equation on the non-deflated part; X row j = δ_j, then eigenvector j. X lives in the
  // block's own storage (ld n): its columns were all gathered into Q above.
  const X = B;
  const ldx = n;
  const dl = wdl, zl = wzl, zh = wzh, dn = wdn;
  let zz: f64 = 0;
  for (let i = 0; i < k; i++) {
    const c = ldi(wcol, i);
    stf(dl, i, ldf(D, c));
    stf(zl, i, ldf(z, c));
    zz += ldf(z, c) * ldf(z, c);
  }
  sti(wrot, 0, k);
  sti(wrot, 1, k1);
  sti(wrot, 2, k2);
  sti(wrot, 3, nd);
  store<f64>(wrot, rho, 16);
  store<f64>(wrot, zz, 24);
}

// Merge phase 1a, then the gather of [Qg | Qd] (the block's columns in the type order, then the
// deflated ones) into Q for every row; the secular roots overwrite the block's rows after it.
function dc_merge_prep(Z: usize, n: i32, s: i32, m: i32, n1: i32, e: f64, D: usize): void {
  dc_merge_deflate(Z, n, s, m, n1, e, D);
  dc_merge_gather(Z, n, s, m, 0, m);
}

// Rows [r0, r1) of the gather into Q (m × m, ld m). Rows are independent: any split gives the same Q.
function dc_merge_gather(Z: usize, n: i32, s: i32, m: i32, r0: i32, r1: i32): void {
  const B = Z + ((<usize>s * <usize>n + <usize>s) << 3);
  const k = ldi(wrot, 0), nd = ldi(wrot, 3);
  for (let r = max(r0, 0); r < min(r1, m); r++) {
    const src = B + ((<usize>r * <usize>n) << 3);
    const dst = wQ + ((<usize>r * <usize>m) << 3);
    for (let i = 0; i < k; i++) stf(dst, ldi(wpos, i), ldf(src, ldi(wcol, i)));
    for (let t = 0; t < nd; t++) stf(dst, k + t, ldf(src, ldi(wdcol, t)));
  }
}

// Merge phase 1b: roots [j0, j1) of the secular equation (row j of the block ← δ_j, dn[j] ← λ_j).
// Roots are independent: any split over workers gives the same bits.
function dc_merge_roots(Z: usize, n: i32, s: i32, j0: i32, j1: i32): void {
  const X = Z + ((<usize>s * <usize>n + <usize>s) << 3);
  const k = ldi(wrot, 0);
  const rho = load<f64>(wrot, 16), zz = load<f64>(wrot, 24);
  for (let j = max(j0, 0); j < min(j1, k); j++) stf(wdn, j, secular_root(k, wdl, wzl, rho, zz, j, X + ((<usize>j * <usize>n) << 3)));
}

// Merge phase 1c: z by Löwner's formula, the rank-one problem's eigenvectors, the sorted order.
function dc_merge_vecs(Z: usize, n: i32, s: i32, m: i32, D: usize): void {
  const k = ldi(wrot, 0);
  dc_merge_lowner(Z, n, s, 0, k);
  dc_merge_vec_rows(Z, n, s, 0, k, wrow);
  dc_merge_order(m, D);
}

// Löwner / Gu–Eisenstat for ẑ_i, i ∈ [i0, i1): ẑ_i² = −Π_j δ_j(i) / Π_{j≠i}(d_i − d_j), accumulated
// as ratios over j in ascending order for every i, so any split of [0, k) gives the same bits.
function dc_merge_lowner(Z: usize, n: i32, s: i32, i0: i32, i1: i32): void {
  const X = Z + ((<usize>s * <usize>n + <usize>s) << 3);
  const ldx = n;
  const dl = wdl, zl = wzl, zh = wzh;
  const k = ldi(wrot, 0);
  const a = max(i0, 0), b = min(i1, k);
  for (let i = a; i < b; i++) stf(zh, i, ldf(X + ((<usize>i * <usize>ldx) << 3), i));
  for (let j = 0; j < k; j++) {
    const xj = X + ((<usize>j * <usize>ldx) << 3);
    const dj = ldf(dl, j);
    for (let i = a; i < b; i++) {
      if (i == j) continue;
      stf(zh, i, ldf(zh, i) * (ldf(xj, i) / (ldf(dl, i) - dj)));
    }
  }
  for (let i = a; i < b; i++) {
    const v = sqrt(max(0.0, -ldf(zh, i)));
    stf(zh, i, ldf(zl, i) >= 0 ? v : -v);
  }
}

// Eigenvectors j ∈ [j0, j1) of D + ρzzᵀ (after every ẑ_i): ẑ_i/δ_j(i), normalised, rows permuted to
// the type order, into row j of the block. row: k f64 of scratch private to the caller.
function dc_merge_vec_rows(Z: usize, n: i32, s: i32, j0: i32, j1: i32, row: usize): void {
  const X = Z + ((<usize>s * <usize>n + <usize>s) << 3);
  const ldx = n;
  const zh = wzh;
  const k = ldi(wrot, 0);
  for (let j = max(j0, 0); j < min(j1, k); j++) {
    const xj = X + ((<usize>j * <usize>ldx) << 3);
    let nrm: f64 = 0;
    for (let i = 0; i < k; i++) {
      const v = ldf(zh, i) / ldf(xj, i);
      stf(row, i, v);
      nrm += v * v;
    }
    const sc = 1.0 / sqrt(nrm);
    for (let i = 0; i < k; i++) stf(xj, ldi(wpos, i), ldf(row, i) * sc);
  }
}

// The merged eigenvalues in Q's column order (new ones, then the deflated) sorted ascending into D,
// the permutation into wperm (merge of the ascending runs [0, k) and [k, m)). Uses wrow.
function dc_merge_order(m: i32, D: usize): void {
  const row = wrow, dn = wdn;
  const k = ldi(wrot, 0), nd = ldi(wrot, 3);
  for (let t = 0; t < nd; t++) stf(row, k + t, ldf(D, ldi(wdcol, t)));
  for (let j = 0; j < k; j++) stf(row, j, ldf(dn, j));
  {
    let a = 0, b = k, t = 0;
    while (t < m) {
      if (b >= m || (a < k && ldf(row, a) <= ldf(row, b))) { sti(wperm, t, a); a++; } else { sti(wperm, t, b); b++; }
      t++;
    }
  }
  for (let t = 0; t < m; t++) stf(D, t, ldf(row, ldi(wperm, t)));
}

// Merge phase 2: the products for rows [ra, rb) of the block into Q's rows (P: DC_PANEL × m
// scratch, gw: GEMM workspace; both private to the caller). Any row split gives the same bits.
function dc_merge_rows(Z: usize, n: i32, s: i32, m: i32, n1: i32, ra: i32, rb: i32, P: usize, gw: usize): void {
  const B = Z + ((<usize>s * <usize>n + <usize>s) << 3);
  const Q = wQ;
  const X = B;
  const ldx = n;
  const k = ldi(wrot, 0), k1 = ldi(wrot, 1), k2 = ldi(wrot, 2);
  if (k == 0) return;
  for (let r0 = max(ra, 0); r0 < min(rb, m); r0 += DC_PANEL) {
    const r1 = min(min(r0 + DC_PANEL, m), rb);
    if (r0 < n1) {
      const e1 = min(r1, n1);
      gemm_pk_f64(0, 1, e1 - r0, k, k1 + k2, 1.0, Q + ((<usize>r0 * <usize>m) << 3), m, X, ldx, 0.0, P, k, 0, 0, gw);
      for (let r = r0; r < e1; r++) memory.copy(Q + ((<usize>r * <usize>m) << 3), P + ((<usize>(r - r0) * <usize>k) << 3), <usize>k << 3);
    }
    if (r1 > n1) {
      const b0 = max(r0, n1);
      gemm_pk_f64(0, 1, r1 - b0, k, k - k1, 1.0, Q + ((<usize>b0 * <usize>m + <usize>k1) << 3), m, X + (<usize>k1 << 3), ldx, 0.0, P, k, 0, 0, gw);
      for (let r = b0; r < r1; r++) memory.copy(Q + ((<usize>r * <usize>m) << 3), P + ((<usize>(r - b0) * <usize>k) << 3), <usize>k << 3);
    }
  }
}

// Merge phase 3 (after every row's products): rows [ra, rb) of the block ← Q's rows with the
// columns in ascending eigenvalue order.
function dc_merge_finish(Z: usize, n: i32, s: i32, m: i32, ra: i32, rb: i32): void {
  const B = Z + ((<usize>s * <usize>n + <usize>s) << 3);
  for (let r = max(ra, 0); r < min(rb, m); r++) {
    const p = B + ((<usize>r * <usize>n) << 3);
    const q = wQ + ((<usize>r * <usize>m) << 3);
    for (let t = 0; t < m; t++) stf(p, t, ldf(q, ldi(wperm, t)));
  }
}

function dc_merge(Z: usize, n: i32, s: i32, m: i32, n1: i32, e: f64, D: usize): void {
  dc_merge_prep(Z, n, s, m, n1, e, D);
  dc_merge_roots(Z, n, s, 0, m);
  dc_merge_vecs(Z, n, s, m, D);
  dc_merge_rows(Z, n, s, m, n1, 0, m, wP, wgw);
  dc_merge_finish(Z, n, s, m, 0, m);
}

function dc_rec(d: usize, Z: usize, n: i32, s: i32, m: i32): i32 {
  if (m <= DC_LEAF) {
    const B = Z + ((<usize>s * <usize>n + <usize>s) << 3);
    for (let r = 0; r < m; r++) store<f64>(B + ((<usize>r * <usize>n + <usize>r) << 3), 1.0);
    for (let i = 0; i < m; i++) stf(wet, i, i + 1 < m ? ldf(wes, s + i) : 0.0);
    const st = tql(d + (<usize>s << 3), wet, m, B, n, m, wrot);
    // rows → columns
    for (let i = 0; i < m; i++) {
      for (let j = i + 1; j < m; j++) {
        const p = B + ((<usize>i * <usize>n + <usize>j) << 3);
        const q = B + ((<usize>j * <usize>n + <usize>i) << 3);
        const t = load<f64>(p);
        store<f64>(p, load<f64>(q));
        store<f64>(q, t);
      }
    }
    return st;
  }
  const n1 = m >> 1;
  const e = ldf(wes, s + n1 - 1);
  stedc_tear_f64(d, wes, s, m);
  let st = dc_rec(d, Z, n, s, n1);
  const st2 = dc_rec(d, Z, n, s + n1, m - n1);
  if (st == 0) st = st2;
  dc_merge(Z, n, s, m, n1, e, d + (<usize>s << 3));
  return st;
}

/** Eigenvalues (ascending, in diag) and eigenvectors of the symmetric tridiagonal (diag, off with
 *  off[i] = T[i][i+1], off[n−1] ignored) by divide and conquer. Z: n×n row-major, on exit
 *  eigenvector j in COLUMN j. off is destroyed. work ≥ stedc_ws_f64(n) f64, 16-byte aligned.
 *  Returns 0, or nonzero if a leaf's QL did not converge (or the input is not finite). */
export function stedc_f64(diag: usize, off: usize, n: i32, Z: usize, work: usize): i32 {
  if (n <= 0) return 0;
  const nrm = stedc_prep_f64(diag, off, n, Z);
  if (!isFinite(nrm)) return n + 1;
  if (nrm == 0) return 0;
  const st = stedc_block_f64(diag, off, n, Z, 0, n, work);
  for (let i = 0; i < n; i++) stf(diag, i, ldf(diag, i) * nrm);
  return st;
}

// Scratch pointers for a block of order m (see stedc_ws_f64(m)).
function dc_setws(work: usize, m: i32): void {
  const mm = <usize>m * <usize>m;
  wQ = work;
  wP = work + (mm << 3);
  const v = wP + ((<usize>DC_PANEL * <usize>m) << 3);
  const nv = (<usize>m + 1) & ~(<usize>1); // one vector slot, even count of f64
  wz = v; wdl = v + (nv << 3); wzl = v + (nv << 4); wzh = v + 3 * (nv << 3); wdn = v + 4 * (nv << 3);
  wrow = v + 5 * (nv << 3); wet = v + 7 * (nv << 3); wrot = v + 8 * (nv << 3); // rot: 2 slots
  widx = v + 10 * (nv << 3); wct = widx + (<usize>m << 2); // i32 pairs in one f64 slot each
  wpos = v + 11 * (nv << 3); wcol = wpos + (<usize>m << 2);
  wdcol = v + 12 * (nv << 3); wperm = wdcol + (<usize>m << 2);
  wgw = (v + 13 * (nv << 3) + 15) & ~(<usize>15);
}

/** Phase 1 of stedc_f64 (for splitting it over workers): Z ← 0, T scaled to max|entry| = 1 in
 *  place (off[n−1] ← 0; off then holds the couplings every block and merge reads). Returns the
 *  scale (0: T = 0 and Z = I, done; non-finite: bad input). */
export function stedc_prep_f64(diag: usize, off: usize, n: i32, Z: usize): f64 {
  if (n <= 0) return 0;
  memory.fill(Z, 0, (<usize>n * <usize>n) << 3);
  let nrm: f64 = 0;
  for (let i = 0; i < n; i++) {
    nrm = max(nrm, abs(ldf(diag, i)));
    if (i + 1 < n) nrm = max(nrm, abs(ldf(off, i)));
  }
  if (!isFinite(nrm)) return NaN;
  if (nrm == 0) {
    for (let i = 0; i < n; i++) store<f64>(Z + ((<usize>i * <usize>n + <usize>i) << 3), 1.0);
    return 0;
  }
  const inv = 1.0 / nrm;
  for (let i = 0; i < n; i++) {
    stf(diag, i, ldf(diag, i) * inv);
    stf(off, i, i + 1 < n ? ldf(off, i) * inv : 0.0);
  }
  return nrm;
}

/** Divide and conquer on the block [s, s+m) of a prepared problem (stedc_prep_f64): tears, solves,
 *  merges recursively; Z's diagonal block receives the block's eigenvectors (columns, sorted).
 *  Split point of a block: m >> 1 (stedc_tear_f64 + two stedc_block_f64 + stedc_merge_f64 equal
 *  one stedc_block_f64 call bitwise). work ≥ stedc_ws_f64(m), private per worker. */
export function stedc_block_f64(diag: usize, es: usize, n: i32, Z: usize, s: i32, m: i32, work: usize): i32 {
  dc_setws(work, m);
  wes = es;
  return dc_rec(diag, Z, n, s, m);
}

/** Tear block [s, s+m) at s + (m >> 1): subtract |e| from the two touching diagonal entries. */
export function stedc_tear_f64(diag: usize, es: usize, s: i32, m: i32): void {
  const n1 = m >> 1;
  const beta = abs(ldf(es, s + n1 - 1));
  stf(diag, s + n1 - 1, ldf(diag, s + n1 - 1) - beta);
  stf(diag, s + n1, ldf(diag, s + n1) - beta);
}

/** The top merge split over workers: stedc_merge_prep_f64 (deflation, secular equation, vectors of
 *  the rank-one problem; one worker, its work), then stedc_merge_rows_f64 on row ranges (each worker
 *  with the SAME work pointer for the shared state, and private P (≥ DC_PANEL·m = 256·m f64) and gw
 *  (≥ gemm_pk_ws_f64())), then, after all rows, stedc_merge_finish_f64 on row ranges. Bitwise equal
 *  to stedc_merge_f64. */
export function stedc_merge_prep_f64(diag: usize, es: usize, n: i32, Z: usize, s: i32, m: i32, work: usize): i32 {
  dc_setws(work, m);
  wes = es;
  const n1 = m >> 1;
  dc_merge_prep(Z, n, s, m, n1, ldf(es, s + n1 - 1), diag + (<usize>s << 3));
  dc_merge_roots(Z, n, s, 0, m);
  dc_merge_vecs(Z, n, s, m, diag + (<usize>s << 3));
  return ldi(wrot, 0);
}
/** stedc_merge_prep_f64 in four calls, so its O(m²) parts can be split over workers (each with the
 *  SAME work): stedc_merge_defl_f64 (deflation; one worker; returns k, the non-deflated count), then
 *  stedc_merge_gather_f64 on ranges of rows [r0, r1) ⊂ [0, m) (the gathered Q), then (after all rows)
 *  stedc_merge_roots_f64 on ranges of roots [j0, j1) ⊂ [0, k), then stedc_merge_vecs_f64 (or its
 *  split form below). Bitwise equal to stedc_merge_prep_f64. */
export function stedc_merge_defl_f64(diag: usize, es: usize, n: i32, Z: usize, s: i32, m: i32, work: usize): i32 {
  dc_setws(work, m);
  wes = es;
  const n1 = m >> 1;
  dc_merge_deflate(Z, n, s, m, n1, ldf(es, s + n1 - 1), diag + (<usize>s << 3));
  return ldi(wrot, 0);
}
export function stedc_merge_gather_f64(n: i32, Z: usize, s: i32, m: i32, r0: i32, r1: i32, work: usize): void {
  dc_setws(work, m);
  dc_merge_gather(Z, n, s, m, r0, r1);
}
export function stedc_merge_roots_f64(n: i32, Z: usize, s: i32, m: i32, j0: i32, j1: i32, work: usize): void {
  dc_setws(work, m);
  dc_merge_roots(Z, n, s, j0, j1);
}
export function stedc_merge_vecs_f64(diag: usize, n: i32, Z: usize, s: i32, m: i32, work: usize): void {
  dc_setws(work, m);
  dc_merge_vecs(Z, n, s, m, diag + (<usize>s << 3));
}
/** Row split of the top merge's products (stedc_merge_rows_f64) into two parts of about equal work,
 *  after stedc_merge_defl_f64 on the same work: rows [0, n1) of the block multiply Q's k1 + k2 type-1
 *  and type-2 columns, rows [n1, m) its k − k1 type-2 and type-3 ones (n1 = m >> 1; dlaed3's two
 *  products), so the halves cost ∝ n1(k1 + k2) and (m − n1)(k − k1). A multiple of 4 in [0, m]. */
export function stedc_merge_split_f64(m: i32, work: usize): i32 {
  dc_setws(work, m);
  const k = ldi(wrot, 0), k1 = ldi(wrot, 1), k2 = ldi(wrot, 2);
  const n1 = m >> 1;
  const c0 = <f64>(k1 + k2), c1 = <f64>(k - k1);
  const half = 0.5 * (<f64>n1 * c0 + <f64>(m - n1) * c1);
  // rows of the first part: all of [0, n1) and some of [n1, m), or part of [0, n1)
  let h: f64 = <f64>m * 0.5;
  if (<f64>n1 * c0 >= half) h = c0 > 0 ? half / c0 : <f64>n1;
  else h = <f64>n1 + (c1 > 0 ? (half - <f64>n1 * c0) / c1 : 0);
  return min(m, max(0, (<i32>(h + 2.0)) & ~3));
}
/** stedc_merge_vecs_f64 in three calls, so its O(k²) parts can be split over workers (each with
 *  the SAME work; bitwise equal to stedc_merge_vecs_f64): stedc_merge_lowner_f64 on ranges [i0, i1)
 *  ⊂ [0, k) of ẑ, then (after all of them) stedc_merge_vec_rows_f64 on ranges [j0, j1) of the
 *  eigenvectors (row: k f64 private to the caller; 0: a slot of work) and stedc_merge_order_f64
 *  (one call, may run beside the vector rows). */
export function stedc_merge_lowner_f64(n: i32, Z: usize, s: i32, m: i32, i0: i32, i1: i32, work: usize): void {
  dc_setws(work, m);
  dc_merge_lowner(Z, n, s, i0, i1);
}
export function stedc_merge_vec_rows_f64(n: i32, Z: usize, s: i32, m: i32, j0: i32, j1: i32, work: usize, row: usize): void {
  dc_setws(work, m);
  dc_merge_vec_rows(Z, n, s, j0, j1, row != 0 ? row : wrow);
}
export function stedc_merge_order_f64(diag: usize, s: i32, m: i32, work: usize): void {
  dc_setws(work, m);
  dc_merge_order(m, diag + (<usize>s << 3));
}
export function stedc_merge_rows_f64(n: i32, Z: usize, s: i32, m: i32, r0: i32, r1: i32, work: usize, P: usize, gw: usize): void {
  dc_setws(work, m);
  dc_merge_rows(Z, n, s, m, m >> 1, r0, r1, P, gw);
}
export function stedc_merge_finish_f64(n: i32, Z: usize, s: i32, m: i32, r0: i32, r1: i32, work: usize): void {
  dc_setws(work, m);
  dc_merge_finish(Z, n, s, m, r0, r1);
}

/** Merge the two solved halves of block [s, s+m) (split at m >> 1). work ≥ stedc_ws_f64(m). */
export function stedc_merge_f64(diag: usize, es: usize, n: i32, Z: usize, s: i32, m: i32, work: usize): void {
  dc_setws(work, m);
  wes = es;
  const n1 = m >> 1;
  dc_merge(Z, n, s, m, n1, ldf(es, s + n1 - 1), diag + (<usize>s << 3));
}

// Rows [r0, r1) of G = V Vᵀ (lower triangle, G[i][l] = v_i·v_l for l ≤ i, ld NBQ; V: nbb × m rows
// of Vb, ld m, zero-padded as in build_vt; r0 a multiple of 4). Row i of V vanishes before index i,
// so the rows from r0 on are summed over indices ≥ r0 only, and inside that the trapezoidal GEMM
// starts each 4-row tile at its first row's index: G costs ≈ nbb²·m/2 multiply-adds, not nbb²·m.
function vvt_rows(Vb: usize, m: i32, G: usize, r0: i32, r1: i32, gw: usize): void {
  if (r1 <= r0) return;
  const o = <usize>r0 << 3;
  const A0 = Vb + ((<usize>r0 * <usize>m) << 3) + o;
  gemm_pk_trap_f64(0, 1, r1 - r0, r1, m - r0, 1.0, A0, m, Vb + o, m, 0.0, G + ((<usize>(r0 * NBQ)) << 3), NBQ, 1, r0, gw, 1);
}

// First row of G's second part (vvt_rows): the rows below it cost about as much as those above
// (row i ≈ (i+1)(m−i) multiply-adds: the split near nbb/√2), a multiple of 4. One call and the
// pair compute G in the same two parts, so their G (and all that follows) agree bitwise.
@inline function vvt_split(nbb: i32): i32 {
  return ((nbb * 181) >> 8) & ~3;
}

// T of the compact WY form of reflectors kb..kb+nbb−1 from G = V Vᵀ (vvt_rows):
// H_kb ⋯ H_{kb+nbb−1} = I − V T Vᵀ in column terms (dlarft, forward, columnwise). T (nbb × nbb,
// ld NBQ) is written in full, zeros below the diagonal: T[0:i,i] = −τ_i T[0:i,0:i] G[i][0:i]ᵀ, row i
// of G and the rows of T contiguous (dot products).
function t_from_gram(nbb: i32, tau: usize, G: usize, T: usize): void {
  const ldt = NBQ;
  for (let i = 0; i < nbb; i++) memory.fill(T + ((<usize>(i * ldt)) << 3), 0, <usize>nbb << 3);
  for (let i = 0; i < nbb; i++) {
    const ti = ldf(tau, i);
    const gi = G + ((<usize>(i * ldt)) << 3);
    for (let j = 0; j < i; j++) {
      // T[j][i] = −τ_i Σ_{l=j}^{i−1} T[j][l] G[i][l]
      const tj = T + ((<usize>(j * ldt)) << 3);
      const o = <usize>j << 3;
      stf(tj, i, -ti * dot_f64(tj + o, gi + o, i - j));
    }
    store<f64>(T + ((<usize>(i * ldt + i)) << 3), ti);
  }
}

/** T of the compact WY form of reflectors kb..kb+nbb−1 (rows of Vb, nbb × m, ld m, zero-padded as in
 *  build_vt): H_kb ⋯ H_{kb+nbb−1} = I − V T Vᵀ (dlarft, forward, columnwise); T (nbb × nbb, ld NBQ) in
 *  full, zeros below the diagonal; G (NBQ × NBQ) scratch. G = V Vᵀ on the trapezoidal GEMM in the two
 *  parts ormtr uses, then T from G (for the two-stage reduction's panels, eigh_2stage.ts). */
export function build_t_gemm(Vb: usize, m: i32, nbb: i32, tau: usize, T: usize, G: usize, gw: usize): void {
  const gh = vvt_split(nbb);
  vvt_rows(Vb, m, G, 0, gh, gw);
  vvt_rows(Vb, m, G, gh, nbb, gw);
  t_from_gram(nbb, tau, G, T);
}

/** Z ← Q Z (dormtr, blocked): Q = H_0 ⋯ H_{n−3} from tridiag_blk_f64/tridiag_f64 (reflectors in
 *  the rows of A, tau), Z n×ncols row-major. Blocks of NBQ reflectors from the last one back; each
 *  block is Z_sub ← (I − Vᵀ T V) Z_sub (Z_sub = rows kb+1..n−1) as three products on the packed
 *  GEMM: W = T V (nbb × m, T folded into the reflectors once per block instead of T·Y per column
 *  chunk), Y = W Z_sub, Z_sub ← Z_sub − Vᵀ Y. V and W are upper trapezoidal (row i zero before
 *  column i: T is upper triangular) and Vᵀ lower, so all three run as trapezoids
 *  (gemm_pk_trap_f64, LAPACK dlarfb's triangular head + dense tail in one call): nbb²·ncols fewer
 *  multiply-adds per block than dense V and Ṽ = Vᵀ T. work ≥ eigh_blk_ws_f64(max(n, ncols)) f64
 *  (tau may live at work[0..n)). */
export function ormtr_blk_f64(A: usize, n: i32, tau: usize, Z: usize, ncols: i32, work: usize): void {
  ormtr_cols_f64(A, n, tau, Z, ncols, 0, ncols, work);
}

/** ormtr_blk_f64 on columns [c0, c1) of Z (n × ldz): columns are independent, so workers with
 *  disjoint ranges (and private work) give bitwise the one-call result. */
export function ormtr_cols_f64(A: usize, n: i32, tau: usize, Z0: usize, ldz: i32, c0: i32, c1: i32, work: usize): void {
  ormtr_impl(A, n, tau, Z0, ldz, c0, c1, work, work, -1);
}

/** ormtr_cols_f64 on a pair of workers sharing one compact-WY form per block: call it at the same
 *  time on two workers, role 0 with columns [c0, c1) and role 1 with the rest, the SAME `work`
 *  (V, G = V Vᵀ, W = T V and the barrier; V's and G's rows and W's columns split) and private
 *  `priv` (T, Y; role 0 may pass work; role 1 ≥ eigh_blk_ws_f64(n) of its own). The two i32 at
 *  ormtr_sync_f64(work, n) must be zero before. Bitwise equal to ormtr_cols_f64 on each range. Without threads: ormtr_cols_f64. */
export function ormtr_pair_f64(A: usize, n: i32, tau: usize, Z0: usize, ldz: i32, c0: i32, c1: i32, work: usize, priv: usize, role: i32): void {
  if (!ASC_FEATURE_THREADS) {
    ormtr_cols_f64(A, n, tau, Z0, ldz, c0, c1, priv);
    return;
  }
  ormtr_impl(A, n, tau, Z0, ldz, c0, c1, work, priv, role == 0 ? 0 : 1);
}

/** Byte address of ormtr_pair_f64's barrier (two i32) inside work. */
export function ormtr_sync_f64(work: usize, n: i32): usize {
  return wsp(work, n, 5);
}

// role −1: one call (work = priv); 0 / 1: the pair (shared V, G, W in work; T, Y and the GEMM
// workspace in priv; four barriers per block). Each step is split the same way in the one call
// and in the pair (G by vvt_split, W by columns, Z by the caller's columns), and each role builds
// its own T from the shared G with the same code, so every value agrees bitwise.
function ormtr_impl(A: usize, n: i32, tau: usize, Z0: usize, ldz: i32, c0: i32, c1: i32, work: usize, priv: usize, role: i32): void {
  const K = n - 2;
  if (K < 1) return;
  const ncols = min(c1, ldz) - max(c0, 0);
  if (role < 0 && ncols <= 0) return;
  const Z = Z0 + (<usize>max(c0, 0) << 3);
  // shared slots sized for n (both roles must agree); one call sizes them for max(n, ncols)
  const nw = role < 0 ? max(n, ncols) : n;
  const Vb = wsp(work, nw, 2), Wb = wsp(work, nw, 6), G = wsp(work, nw, 7);
  const sync = wsp(work, nw, 5);
  const T = wsp(priv, nw, 4), Yb = wsp(priv, nw, 3), gw = wsp(priv, nw, GWS);
  const nblocks = (K + NBQ - 1) / NBQ;
  for (let b = nblocks - 1; b >= 0; b--) {
    const kb = b * NBQ;
    const ke = min(kb + NBQ, K);
    const nbb = ke - kb;
    const m = n - kb - 1;
    // V (nbb × m): row j−kb = v_j on indices kb+1..n−1 (zeros before index j+1); rows halved over the pair
    const vh = role < 0 ? ke : kb + (nbb >> 1);
    for (let j = role <= 0 ? kb : vh; j < (role == 0 ? vh : ke); j++) {
      const row = Vb + ((<usize>(j - kb) * <usize>m) << 3);
      memory.fill(row, 0, <usize>(j - kb) << 3);
      memory.copy(row + (<usize>(j - kb) << 3), at(A, n, j, j + 1), <usize>(n - j - 1) << 3);
    }
    if (role >= 0) pairBarrier(sync); // V ready
    const gh = vvt_split(nbb);
    if (role <= 0) vvt_rows(Vb, m, G, 0, gh, gw);
    if (role != 0) vvt_rows(Vb, m, G, gh, nbb, gw);
    if (role >= 0) pairBarrier(sync); // G ready
    t_from_gram(nbb, tau + (<usize>kb << 3), G, T);
    // W = T V (nbb × m, ld m), columns split over the pair (GEMM columns: the same bits)
    const mh = role < 0 ? m : (m >> 1) & ~3;
    if (role <= 0) tv_cols(Vb, m, nbb, T, Wb, 0, mh, gw);
    if (role != 0) tv_cols(Vb, m, nbb, T, Wb, role < 0 ? m : mh, m, gw);
    if (role >= 0) pairBarrier(sync); // W ready
    if (ncols > 0) {
      const Zs = Z + ((<usize>(kb + 1) * <usize>ldz) << 3);
      gemm_pk_trap_f64(0, 0, nbb, ncols, m, 1.0, Wb, m, Zs, ldz, 0.0, Yb, ncols, 0, 0, gw, 1);
      gemm_pk_trap_f64(1, 0, m, ncols, nbb, -1.0, Vb, m, Yb, ncols, 1.0, Zs, ldz, 0, 0, gw, 2);
    }
    if (role >= 0) pairBarrier(sync); // V, G, W free for the next block
  }
}

// Columns [c0, c1) of W = T V (nbb × m, ld m; T upper triangular, so W is upper trapezoidal like V:
// the zeros below T's diagonal are skipped and W's entries before its diagonal come out exactly 0).
function tv_cols(Vb: usize, m: i32, nbb: i32, T: usize, Wb: usize, c0: i32, c1: i32, gw: usize): void {
  if (c1 <= c0) return;
  const o = <usize>c0 << 3;
  gemm_pk_trap_f64(0, 0, nbb, c1 - c0, nbb, 1.0, T, NBQ, Vb + o, m, 0.0, Wb + o, m, 0, 0, gw, 1);
}

/** f64 workspace entries eigh_dc_f64 needs: Z (n²) + the divide-and-conquer scratch (2n² + O(n))
 *  + tau/off. */
export function eigh_dc_ws_f64(n: i32): i32 {
  return 2 * n + 2 + n * n + max(eigh_blk_ws_f64(n), stedc_ws_f64(n));
}

/** Symmetric eigendecomposition as dsyevd: blocked reduction (tridiag_blk_f64), divide and conquer
 *  on T (stedc_f64), blocked back-transformation (ormtr_blk_f64). Same contract as eigh_f64 (A
 *  overwritten by eigenvectors in columns, W ascending); work ≥ eigh_dc_ws_f64(n) f64, 16-byte
 *  aligned. Returns 0 or nonzero on failure (non-finite input, a leaf QL not converging). */
export function eigh_dc_f64(A: usize, n: i32, W: usize, work: usize): i32 {
  if (n <= 0) return 0;
  const tau = work;
  const off = work + (<usize>n << 3);
  const nn = <usize>n * <usize>n;
  const Z = (work + (<usize>(2 * n) << 3) + 15) & ~(<usize>15);
  const ws = Z + (nn << 3);
  const e = eigh_range_scale_f64(A, n);
  tridiag_blk_f64(A, n, W, off, ws);
  memory.copy(tau, ws, <usize>n << 3);
  const st = stedc_f64(W, off, n, Z, ws);
  ormtr_blk_f64(A, n, tau, Z, n, ws);
  memory.copy(A, Z, nn << 3);
  range_unscale(W, n, e);
  return st;
}

