// Small dense reference solvers in plain TS (row-major Float64Array or number[][]), used as
// independent checks by tests and `reproduce` only: no Wasm, no eigendecomposition.

/** Solve A x = rhs for symmetric positive definite A (n×n) by Cholesky A = L Lᵀ. */
export function choleskySolve(A: Float64Array, rhs: ArrayLike<number>, n: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      L[i * n + j] = i === j ? Math.sqrt(s) : s / L[j * n + j];
    }
  }
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = rhs[i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * z[k];
    z[i] = s / L[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * x[k];
    x[i] = s / L[i * n + i];
  }
  return x;
}

/** Solve A x = b by Gaussian elimination with partial pivoting. */
export function gaussSolve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((r, i) => [...r, b[i]]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[piv][c])) piv = r;
    [M[c], M[piv]] = [M[piv], M[c]];
    for (let r = c + 1; r < n; r++) {
      const f = M[r][c] / M[c][c];
      for (let q = c; q <= n; q++) M[r][q] -= f * M[c][q];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r][n];
    for (let q = r + 1; q < n; q++) s -= M[r][q] * x[q];
    x[r] = s / M[r][r];
  }
  return x;
}

/** The eigenvalue of J closest to `shift` by inverse iteration, its eigenvector, and ‖Jv − λv‖. */
export function inverseIteration(J: number[][], shift: number, iters = 80): { lambda: number; vector: number[]; residual: number } {
  const n = J.length;
  const A = J.map((row, i) => row.map((v, j) => v - (i === j ? shift : 0)));
  let v = Array.from({ length: n }, (_, i) => 1 + 0.1 * i);
  let lambda = 0;
  for (let it = 0; it < iters; it++) {
    const u = gaussSolve(A, v);
    const nu = Math.hypot(...u);
    lambda = shift + v.reduce((s, vi, i) => s + vi * u[i], 0) / u.reduce((s, ui) => s + ui * ui, 0);
    v = u.map((ui) => ui / nu);
  }
  const Jv = J.map((row) => row.reduce((s, a, j) => s + a * v[j], 0));
  return { lambda, vector: v, residual: Math.hypot(...Jv.map((a, i) => a - lambda * v[i])) };
}
