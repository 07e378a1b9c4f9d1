// Plain-TS twins of assembly/blas.ts (row-major f64). Used as test oracles, benchmark baselines and
// the no-Wasm fallback. Same conventions: beta = 0 ignores the old output.
import { kmap } from './kmap.js';

export function dot(x: ArrayLike<number>, y: ArrayLike<number>, n = x.length, xo = 0, yo = 0): number {
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += x[xo + i] * y[yo + i];
    s1 += x[xo + i + 1] * y[yo + i + 1];
    s2 += x[xo + i + 2] * y[yo + i + 2];
    s3 += x[xo + i + 3] * y[yo + i + 3];
  }
  let s = s0 + s2 + (s1 + s3);
  for (; i < n; i++) s += x[xo + i] * y[yo + i];
  return s;
}

/** y += a x */
export function axpy(n: number, a: number, x: ArrayLike<number>, y: Float64Array, xo = 0, yo = 0): void {
  for (let i = 0; i < n; i++) y[yo + i] += a * x[xo + i];
}

export function scale(n: number, a: number, x: Float64Array, xo = 0): void {
  for (let i = 0; i < n; i++) x[xo + i] *= a;
}

export function nrm2(x: ArrayLike<number>, n = x.length): number {
  let m = 0;
  for (let i = 0; i < n; i++) m = Math.max(m, Math.abs(x[i]));
  if (m === 0 || !Number.isFinite(m)) return m;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const t = x[i] / m;
    s += t * t;
  }
  return m * Math.sqrt(s);
}

/** trans = 0: y = αAx + βy (A m×n); trans = 1: y = αAᵀx + βy. */
export function gemv(A: ArrayLike<number>, x: ArrayLike<number>, y: Float64Array, m: number, n: number, alpha = 1, beta = 0, trans = 0): void {
  if (!trans) {
    for (let i = 0; i < m; i++) {
      const v = alpha * dot(A, x, n, i * n, 0);
      y[i] = beta === 0 ? v : v + beta * y[i];
    }
  } else {
    for (let j = 0; j < n; j++) y[j] = beta === 0 ? 0 : beta * y[j];
    for (let i = 0; i < m; i++) axpy(n, alpha * x[i], A, y, i * n, 0);
  }
}

/** Lower triangle rows [row0,row1) of G = scale·X Xᵀ, JS register-blocked 4×2 (the fair JS baseline). */
export function gramSymLower(X: ArrayLike<number>, n: number, d: number, G: Float64Array, scale = 1, row0 = 0, row1 = n): void {
  for (let i = row0; i < row1; i++) {
    const oi = i * d;
    let j = 0;
    for (; j + 1 <= i; j += 2) {
      const oj = j * d,
        oj1 = oj + d;
      let s0 = 0,
        s1 = 0;
      for (let p = 0; p < d; p++) {
        const a = X[oi + p];
        s0 += a * X[oj + p];
        s1 += a * X[oj1 + p];
      }
      G[i * n + j] = scale * s0;
      G[i * n + j + 1] = scale * s1;
    }
    for (; j <= i; j++) G[i * n + j] = scale * dot(X, X, d, oi, j * d);
  }
}

export function mirrorLower(G: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) G[i * n + j] = G[j * n + i];
}

/** One map record of the fused Gram (assembly/blas.ts gram_kmap_pk_f64): weight·h(s) as kmap_f64. */
export interface GramMapTerm {
  kind: number;
  p0: number;
  coef: ArrayLike<number>;
  weight: number;
}

/** Twin of gram_kmap_pk_f64: rows [row0, row1) of the lower triangle of G = scale·X Xᵀ; flags 1:
 *  G[i][i] = 1; K = Σ terms (kmap); G ← m(G) in place when mterm; flags 2 / 4: K / G mirrored
 *  into the upper triangle (the strip's lower entries' images). */
export function gramKmapRows(
  X: ArrayLike<number>,
  n: number,
  d: number,
  G: Float64Array,
  scale: number,
  row0: number,
  row1: number,
  K: Float64Array,
  terms: GramMapTerm[],
  mterm: GramMapTerm | null,
  flags: number,
): void {
  const r0 = Math.max(row0, 0);
  const r1 = Math.min(row1, n);
  if (r1 <= r0) return;
  gramSymLower(X, n, d, G, scale, r0, r1);
  const inPlace = K.buffer === G.buffer && K.byteOffset === G.byteOffset;
  for (let i = r0; i < r1; i++) {
    const g = G.subarray(i * n, i * n + i + 1);
    if (flags & 1) g[i] = 1;
    const k = K.subarray(i * n, i * n + i + 1);
    terms.forEach((t, q) => kmap(g, k, t.kind, t.p0, t.coef, t.weight, q > 0));
    if (mterm) kmap(g, g, mterm.kind, mterm.p0, mterm.coef, mterm.weight, false);
    for (let j = 0; j < i; j++) {
      if (terms.length && flags & 2) K[j * n + i] = K[i * n + j];
      if (flags & 4 && (!inPlace || !terms.length)) G[j * n + i] = G[i * n + j];
    }
  }
}

/** Full G = scale·X Xᵀ (n×n). */
export function gram(X: ArrayLike<number>, n: number, d: number, scale = 1, G = new Float64Array(n * n)): Float64Array {
  gramSymLower(X, n, d, G, scale, 0, n);
  mirrorLower(G, n);
  return G;
}

/** C = αAB + βC, A m×k, B k×n. */
export function gemm(A: ArrayLike<number>, B: ArrayLike<number>, C: Float64Array, m: number, k: number, n: number, alpha = 1, beta = 0): void {
  for (let i = 0; i < m * n; i++) C[i] = beta === 0 ? 0 : beta * C[i];
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const a = alpha * A[i * k + p];
      if (a !== 0) axpy(n, a, B, C, p * n, i * n);
    }
  }
}

/** C = αABᵀ + βC, A m×k, B n×k. */
export function gemmNt(A: ArrayLike<number>, B: ArrayLike<number>, C: Float64Array, m: number, k: number, n: number, alpha = 1, beta = 0): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const v = alpha * dot(A, B, k, i * k, j * k);
      C[i * n + j] = beta === 0 ? v : v + beta * C[i * n + j];
    }
  }
}

/** Twin of gemm_pk_f64 (assembly/gemm.ts): C = α op(A) op(B) + β C on an m×n block of C (leading
 *  dimension ldc, element offsets ao/bo/co into the arrays). ta/tb ≠ 0 transpose A/B (stored k×m /
 *  n×k). uplo 0 all entries; 1 only j − i ≤ doff; 2 only j − i ≥ doff; entries outside untouched.
 *  β = 0 ignores the old C. Plain k-ascending sums (differs from the Wasm kernel in rounding only).
 *  atrap (twin of gemm_pk_trap_f64): 1 takes op(A)[i][p] as 0 for p < i, 2 for p > i. */
export function gemmPk(
  ta: number,
  tb: number,
  m: number,
  n: number,
  k: number,
  alpha: number,
  A: ArrayLike<number>,
  lda: number,
  B: ArrayLike<number>,
  ldb: number,
  beta: number,
  C: Float64Array,
  ldc: number,
  uplo = 0,
  doff = 0,
  ao = 0,
  bo = 0,
  co = 0,
  atrap = 0,
): void {
  for (let i = 0; i < m; i++) {
    const p0 = atrap === 1 ? Math.min(i, k) : 0;
    const p1 = atrap === 2 ? Math.min(i + 1, k) : k;
    for (let j = 0; j < n; j++) {
      if (uplo === 1 && j - i > doff) continue;
      if (uplo === 2 && j - i < doff) continue;
      let s = 0;
      if (alpha !== 0) {
        for (let p = p0; p < p1; p++) {
          const a = ta ? A[ao + p * lda + i] : A[ao + i * lda + p];
          const b = tb ? B[bo + j * ldb + p] : B[bo + p * ldb + j];
          s += a * b;
        }
      }
      const q = co + i * ldc + j;
      C[q] = beta === 0 ? alpha * s : beta * C[q] + alpha * s;
    }
  }
}
