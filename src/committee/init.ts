// Weights with prescribed overlaps (committee.md §8.1, §8.5): given (Q, M, P) and d, build a teacher
// W* (k×d) and a student W0 (p×d) with W*W*ᵀ/d = P, W0W*ᵀ/d = M and W0W0ᵀ/d = Q exactly (to rounding),
// so that SGD and the ODE start from the same state whatever the init file says.
//   W* = C_P U*·√d (C_P C_Pᵀ = P),  W0 = M P⁻¹ W* + L U⊥·√d (L Lᵀ = Q⊥ = Q − M P⁻¹ Mᵀ),
// with U*, U⊥ orthonormal rows drawn from a seeded Gaussian and orthonormalised together.
import { ParameterError } from '../core/validate.js';
import { symEig } from '../numerics/symeig.js';
import { RefStream } from '../numerics/rng.js';
import { invert } from '../numerics/dense.js';

export interface Overlaps {
  Q: number[][];
  M: number[][];
  P?: number[][];
}

function cholesky(A: number[][]): number[][] {
  const n = A.length;
  const L = A.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i][j];
      for (let t = 0; t < j; t++) s -= L[i][t] * L[j][t];
      if (i === j) {
        if (!(s > 0)) throw new ParameterError('init.P', `pivot ${s}`, 'a positive definite P');
        L[i][i] = Math.sqrt(s);
      } else L[i][j] = s / L[j][j];
    }
  }
  return L;
}

/** `count` orthonormal rows in R^d (modified Gram–Schmidt, twice), from a Gaussian of the stream. */
export function orthonormalRows(count: number, d: number, rs: RefStream): Float64Array {
  const U = new Float64Array(count * d);
  rs.fillNormal(U);
  for (let i = 0; i < count; i++) {
    const ui = U.subarray(i * d, (i + 1) * d);
    for (let pass = 0; pass < 2; pass++) {
      for (let j = 0; j < i; j++) {
        const uj = U.subarray(j * d, (j + 1) * d);
        let s = 0;
        for (let t = 0; t < d; t++) s += ui[t] * uj[t];
        for (let t = 0; t < d; t++) ui[t] -= s * uj[t];
      }
    }
    let nrm = 0;
    for (let t = 0; t < d; t++) nrm += ui[t] * ui[t];
    nrm = Math.sqrt(nrm);
    for (let t = 0; t < d; t++) ui[t] /= nrm;
  }
  return U;
}

/** Teacher and student weights (row-major k×d and p×d) with exactly the given overlaps. */
export function weightsFromOverlaps(ov: Overlaps, d: number, seed: number, stream: number): { Wstar: Float64Array; W: Float64Array } {
  const p = ov.Q.length;
  const k = ov.M[0]?.length ?? 0;
  const P = ov.P ?? Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => (i === j ? 1 : 0)));
  const Pinv = invert(P.flat(), k);
  const MPinv = ov.M.map((row) => Array.from({ length: k }, (_, s) => row.reduce((acc, m, r) => acc + m * Pinv[r * k + s], 0)));
  // Q⊥ = Q − M P⁻¹ Mᵀ and its factor L (p × r) from the eigenvalues above the rounding level.
  const Qperp = new Float64Array(p * p);
  for (let i = 0; i < p; i++)
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (let r = 0; r < k; r++) s += MPinv[i][r] * ov.M[j][r];
      Qperp[i * p + j] = ov.Q[i][j] - s;
    }
  const { values, vectors } = symEig(Qperp, p);
  const scale = Math.max(1e-300, ...values.map(Math.abs));
  const keep = Array.from(values.keys()).filter((i) => values[i] > 1e-12 * scale);
  const r = keep.length;
  if (k + r > d) throw new ParameterError('dim', d, `≥ k + rank(Q − M P⁻¹ Mᵀ) = ${k + r} to realise the initial overlaps`);
  const U = orthonormalRows(k + r, d, RefStream.fromSeed(seed, stream));
  const sd = Math.sqrt(d);
  const C = cholesky(P);
  const Wstar = new Float64Array(k * d);
  for (let i = 0; i < k; i++) for (let j = 0; j <= i; j++) for (let t = 0; t < d; t++) Wstar[i * d + t] += C[i][j] * U[j * d + t] * sd;
  const W = new Float64Array(p * d);
  for (let i = 0; i < p; i++) {
    for (let s = 0; s < k; s++) {
      const c = MPinv[i][s];
      if (c !== 0) for (let t = 0; t < d; t++) W[i * d + t] += c * Wstar[s * d + t];
    }
    keep.forEach((e, q) => {
      const c = vectors[i * p + e] * Math.sqrt(values[e]) * sd;
      if (c !== 0) for (let t = 0; t < d; t++) W[i * d + t] += c * U[(k + q) * d + t];
    });
  }
  return { Wstar, W };
}
