// Small dense linear algebra on the host (k×k teacher overlaps and the like).

/** Inverse of a k×k row-major matrix (Gauss–Jordan, partial pivoting). */
export function invert(P: ArrayLike<number>, k: number): Float64Array {
  const A = Float64Array.from(P),
    X = new Float64Array(k * k);
  for (let i = 0; i < k; i++) X[i * k + i] = 1;
  for (let c = 0; c < k; c++) {
    let piv = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(A[r * k + c]) > Math.abs(A[piv * k + c])) piv = r;
    if (A[piv * k + c] === 0) throw new Error('P is singular');
    for (let j = 0; j < k; j++) {
      [A[c * k + j], A[piv * k + j]] = [A[piv * k + j], A[c * k + j]];
      [X[c * k + j], X[piv * k + j]] = [X[piv * k + j], X[c * k + j]];
    }
    const inv = 1 / A[c * k + c];
    for (let j = 0; j < k; j++) {
      A[c * k + j] *= inv;
      X[c * k + j] *= inv;
    }
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = A[r * k + c];
      if (f === 0) continue;
      for (let j = 0; j < k; j++) {
        A[r * k + j] -= f * A[c * k + j];
        X[r * k + j] -= f * X[c * k + j];
      }
    }
  }
  return X;
}
