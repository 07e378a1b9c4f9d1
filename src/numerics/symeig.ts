// Small dense symmetric eigensolver for host-side checks and set-up (committee inputs: P, Q ⪰ 0, the
// factor of Q − M P⁻¹ Mᵀ; Golub–Welsch quadrature nodes). Cyclic Jacobi rotations (Golub & Van Loan §8.5,
// Rutishauser's formulation): unconditionally convergent, eigenvalues to high relative accuracy, O(n³) per
// sweep — meant for n up to a few hundred. The Wasm eigensolver (src/linalg eigh) is for the large matrices.

export interface SymEig {
  /** Eigenvalues, ascending. */
  values: Float64Array;
  /** Eigenvectors as columns of the row-major n×n matrix: vectors[i·n + j] = component i of vector j. */
  vectors: Float64Array;
  /** Jacobi sweeps used. */
  sweeps: number;
}

/** Eigen-decomposition of the symmetric n×n row-major matrix A (only the upper triangle is read). */
export function symEig(A: ArrayLike<number>, n: number, maxSweeps = 60): SymEig {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) a[i * n + j] = a[j * n + i] = A[i * n + j];
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let sweeps = 0;
  for (; sweeps < maxSweeps; sweeps++) {
    let off = 0,
      diag = 0;
    for (let i = 0; i < n; i++) {
      diag += a[i * n + i] * a[i * n + i];
      for (let j = i + 1; j < n; j++) off += a[i * n + j] * a[i * n + j];
    }
    if (!(off > 1e-34 * diag) || off === 0) break; // off-diagonal mass below (1e-17)² of the diagonal
    for (let p = 0; p < n - 1; p++)
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const app = a[p * n + p],
          aqq = a[q * n + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1),
          s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p],
            akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k],
            aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        a[p * n + q] = a[q * n + p] = 0;
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p],
            vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[i * n + i] - a[j * n + j]);
  const values = Float64Array.from(order, (i) => a[i * n + i]);
  const vectors = new Float64Array(n * n);
  order.forEach((src, j) => {
    // sign convention: the largest-magnitude component of each vector is positive (deterministic output)
    let big = 0;
    for (let i = 0; i < n; i++) if (Math.abs(v[i * n + src]) > Math.abs(v[big * n + src])) big = i;
    const sg = v[big * n + src] < 0 ? -1 : 1;
    for (let i = 0; i < n; i++) vectors[i * n + j] = sg * v[i * n + src];
  });
  return { values, vectors, sweeps };
}

/** Smallest eigenvalue of a symmetric n×n row-major matrix (0 for n = 0). */
export function minEigenvalue(A: ArrayLike<number>, n: number): number {
  return n ? symEig(A, n).values[0] : 0;
}
