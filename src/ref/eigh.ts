// Plain-TS twin of assembly/eigh.ts: same algorithms, same layouts, same return codes.
// Householder tridiagonalisation (top-down, reflector k acts on k+1..n-1, upper triangle stored
// row-wise), in-place backward accumulation of Qᵀ, implicit QL rotating rows, transpose at the end.
import { axpy, dot, gemv, nrm2 } from './blas.js';

const EPS = 2.220446049250313e-16;
const MAX_ITER = 60;

export interface Tridiag {
  diag: Float64Array;
  /** off[i] = T[i][i+1], off[n-1] = 0 */
  off: Float64Array;
  /** tau[k] of reflector k (stored in row k of A, columns k+1..n-1, v[0] = 1) */
  tau: Float64Array;
}

/** In place on A (n×n row-major, upper triangle read); see tridiag_f64. */
export function tridiag(A: Float64Array, n: number): Tridiag {
  const diag = new Float64Array(n),
    off = new Float64Array(n),
    tau = new Float64Array(n);
  const p = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    diag[k] = A[k * n + k];
    const m = n - k - 1;
    const vo = k * n + k + 1;
    const alpha = A[vo];
    const sigma = dot(A, A, m - 1, vo + 1, vo + 1);
    let t = 0;
    let beta = alpha;
    if (sigma !== 0) {
      const nrm = Math.sqrt(alpha * alpha + sigma);
      beta = alpha >= 0 ? -nrm : nrm;
      t = (beta - alpha) / beta;
      const r = 1 / (alpha - beta);
      for (let i = 1; i < m; i++) A[vo + i] *= r;
    }
    A[vo] = 1;
    off[k] = beta;
    tau[k] = t;
    if (t === 0) continue;
    p.fill(0, 0, m);
    for (let r = 0; r < m; r++) {
      const ro = (k + 1 + r) * n + (k + 1 + r);
      const vr = A[vo + r];
      let s = A[ro] * vr;
      for (let c = r + 1; c < m; c++) {
        const x = A[ro + c - r];
        s += x * A[vo + c];
        p[c] += vr * x;
      }
      p[r] += s;
    }
    for (let i = 0; i < m; i++) p[i] *= t;
    let kk = 0;
    for (let i = 0; i < m; i++) kk += p[i] * A[vo + i];
    kk *= 0.5 * t;
    for (let i = 0; i < m; i++) p[i] -= kk * A[vo + i];
    for (let r = 0; r < m; r++) {
      const ro = (k + 1 + r) * n + (k + 1 + r);
      const vr = A[vo + r],
        wr = p[r];
      for (let c = r; c < m; c++) A[ro + c - r] -= vr * p[c] + wr * A[vo + c];
    }
  }
  if (n >= 2) {
    diag[n - 2] = A[(n - 2) * n + n - 2];
    off[n - 2] = A[(n - 2) * n + n - 1];
  }
  if (n >= 1) diag[n - 1] = A[n * n - 1];
  return { diag, off, tau };
}

/** B (n×ncols) ← Q B (trans false) or Qᵀ B (trans true). */
export function applyQ(A: Float64Array, n: number, tau: Float64Array, B: Float64Array, ncols: number, trans = false): void {
  if (n < 3) return;
  const u = new Float64Array(ncols);
  for (let s = 0; s < n - 2; s++) {
    const k = trans ? s : n - 3 - s;
    const t = tau[k];
    if (t === 0) continue;
    const m = n - k - 1,
      vo = k * n + k + 1;
    u.fill(0);
    for (let r = 0; r < m; r++) axpy(ncols, A[vo + r], B, u, (k + 1 + r) * ncols, 0);
    for (let r = 0; r < m; r++) axpy(ncols, -t * A[vo + r], u, B, 0, (k + 1 + r) * ncols);
  }
}

function formQt(A: Float64Array, n: number, tau: Float64Array): void {
  for (let k = n - 2; k >= 0; k--) {
    const r = k + 1;
    A.fill(0, r * n + r, r * n + n);
    A[r * n + r] = 1;
    for (let c = r + 1; c < n; c++) A[c * n + r] = 0;
    const t = tau[k];
    if (t === 0) continue;
    const m = n - k - 1,
      vo = k * n + k + 1;
    for (let i = k + 1; i < n; i++) {
      const ro = i * n + k + 1;
      const g = t * dot(A, A, m, ro, vo);
      if (g !== 0) for (let c = 0; c < m; c++) A[ro + c] -= g * A[vo + c];
    }
  }
  if (n >= 1) {
    A.fill(0, 0, n);
    A[0] = 1;
    for (let c = 1; c < n; c++) A[c * n] = 0;
  }
}

/** Implicit QL; rows of Z (stride ldz, zlen entries) are rotated. Returns 0 or l+1 on failure. */
export function tql(d: Float64Array, e: Float64Array, n: number, Z: Float64Array, ldz: number, zlen: number): number {
  if (n <= 0) return 0;
  e[n - 1] = 0;
  for (let i = 0; i < n; i++) if (!Number.isFinite(d[i]) || !Number.isFinite(e[i])) return n + 1;
  let f = 0,
    tst1 = 0,
    status = 0;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]) <= EPS * tst1) break;
      m++;
    }
    if (m >= n) m = n - 1;
    if (m > l) {
      let iter = 0;
      do {
        iter++;
        if (iter > MAX_ITER) {
          if (status === 0) status = l + 1;
          break;
        }
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1,
          c2 = 1,
          c3 = 1,
          s = 0,
          s2 = 0;
        const el1 = e[l + 1];
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          const zi = i * ldz,
            zi1 = zi + ldz;
          for (let q = 0; q < zlen; q++) {
            const a = Z[zi + q],
              b = Z[zi1 + q];
            Z[zi1 + q] = s * a + c * b;
            Z[zi + q] = c * a - s * b;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > EPS * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
  for (let i = 0; i < n - 1; i++) {
    let k = i,
      pmin = d[i];
    for (let j = i + 1; j < n; j++)
      if (d[j] < pmin) {
        k = j;
        pmin = d[j];
      }
    if (k !== i) {
      d[k] = d[i];
      d[i] = pmin;
      for (let q = 0; q < zlen; q++) {
        const t = Z[i * ldz + q];
        Z[i * ldz + q] = Z[k * ldz + q];
        Z[k * ldz + q] = t;
      }
    }
  }
  return status;
}

/** Eigenvalues ascending + first row of the eigenvector matrix (z0 rotated in place). */
export function tqlFirst(diag: Float64Array, off: Float64Array, n: number, z0: Float64Array): number {
  return tql(diag, off, n, z0, 1, 1);
}

/** Twin of assembly/eigh.ts range_exponent: e with max|a| (upper triangle) · 2^e near 1 when max|a| lies
 *  outside [2^−400, 2^400] (dsyev's scaling step), else 0 (also for a zero or non-finite A). */
export function rangeExponent(A: ArrayLike<number>, n: number): number {
  let amax = 0;
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) amax = Math.max(amax, Math.abs(A[i * n + j]));
  if (!Number.isFinite(amax) || amax === 0 || (amax >= 2 ** -400 && amax <= 2 ** 400)) return 0;
  return Math.min(1000, Math.max(-1000, -Math.floor(Math.log2(amax))));
}

/** Twin of eigh_range_scale_f64: the upper triangle of A (row-major) times 2^e in place; returns e. */
export function rangeScale(A: Float64Array, n: number): number {
  const e = rangeExponent(A, n);
  if (e !== 0) for (let i = 0; i < n; i++) for (let j = i; j < n; j++) A[i * n + j] *= 2 ** e;
  return e;
}

/** A = V diag(values) Vᵀ; vectors row-major with eigenvectors in COLUMNS. A is not modified. A of tiny
 *  or huge norm is scaled by a power of two first, as the Wasm eigensolvers do (rangeScale). */
export function eigh(A: ArrayLike<number>, n: number): { values: Float64Array; vectors: Float64Array; status: number } {
  const V = Float64Array.from(A as ArrayLike<number>);
  if (n === 0) return { values: new Float64Array(0), vectors: V, status: 0 };
  const e = rangeScale(V, n);
  const { diag, off, tau } = tridiag(V, n);
  formQt(V, n, tau);
  const status = tql(diag, off, n, V, n, n);
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const t = V[i * n + j];
      V[i * n + j] = V[j * n + i];
      V[j * n + i] = t;
    }
  if (e !== 0) for (let i = 0; i < n; i++) diag[i] *= 2 ** -e;
  return { values: diag, vectors: V, status };
}

/** Solve (T − shift I)x = b in place (LDLᵀ, no pivoting). Returns 0 or k+1 for a zero pivot. */
export function tridiagSolve(diag: ArrayLike<number>, off: ArrayLike<number>, n: number, shift: number, b: Float64Array): number {
  if (n <= 0) return 0;
  const D = new Float64Array(n),
    L = new Float64Array(n);
  let dk = diag[0] - shift;
  if (dk === 0 || !Number.isFinite(dk)) return 1;
  D[0] = dk;
  for (let k = 1; k < n; k++) {
    const l = off[k - 1] / dk;
    dk = diag[k] - shift - l * off[k - 1];
    if (dk === 0 || !Number.isFinite(dk)) return k + 1;
    L[k] = l;
    D[k] = dk;
  }
  for (let k = 1; k < n; k++) b[k] -= L[k] * b[k - 1];
  for (let k = 0; k < n; k++) b[k] /= D[k];
  for (let k = n - 2; k >= 0; k--) b[k] -= L[k + 1] * b[k + 1];
  return 0;
}

/** Lanczos with full (two-pass CGS) reorthogonalisation; same contract as lanczos_f64. */
export function lanczos(K: ArrayLike<number>, n: number, Q: Float64Array, alpha: Float64Array, beta: Float64Array, j0: number, j1: number): number {
  const w = new Float64Array(n),
    c = new Float64Array(Math.max(j1, 1));
  let normT = 0;
  for (let i = 0; i < j0; i++) normT = Math.max(normT, Math.abs(alpha[i]) + Math.abs(beta[i]) + (i > 0 ? Math.abs(beta[i - 1]) : 0));
  const tol = Math.max(n, 16) * EPS;
  let j = j0;
  for (; j < j1 && j < n; j++) {
    const qj = Q.subarray(j * n, j * n + n);
    gemv(K, qj, w, n, n, 1, 0, 0);
    let a = dot(qj, w, n);
    axpy(n, -a, qj, w);
    const bprev = j > 0 ? beta[j - 1] : 0;
    if (j > 0) axpy(n, -bprev, Q, w, (j - 1) * n, 0);
    for (let pass = 0; pass < 2; pass++) {
      gemv(Q, w, c, j + 1, n, 1, 0, 0);
      gemv(Q, c, w, j + 1, n, -1, 1, 1);
      a += c[j];
    }
    alpha[j] = a;
    const b = nrm2(w, n);
    normT = Math.max(normT, Math.abs(a) + b + Math.abs(bprev));
    if (j + 1 >= n || !(b > tol * normT)) {
      beta[j] = 0;
      return j + 1 - j0;
    }
    beta[j] = b;
    for (let i = 0; i < n; i++) Q[(j + 1) * n + i] = w[i] / b;
  }
  return j - j0;
}
