// Closed forms and small numerical tools for the committee reproductions (committee.md §4, §7):
// the symmetric fixed point S29, the finite-difference Jacobian of the GF-ODE there, the S21 noise
// floor, and the σ = x² risk S22 with the Ξ correction S27 — written here from the spec's formulas.
import { inverseIteration } from '../reference/dense.js';
import { PAR, paramsLength, stateLength, ACT_CODE } from '../committee/layout.js';
import * as ref from '../ref/committee.js';

/** Engine params block (GF: γ/p = 0, Δ = 0) for p = k = K, P = I, a* given. */
export function s29Params(K: number, aStar = 1, trained = false): Float64Array {
  const pr = new Float64Array(paramsLength(K));
  pr[PAR.P] = K;
  pr[PAR.K] = K;
  pr[PAR.ACT] = ACT_CODE.erf;
  pr[PAR.TACT] = ACT_CODE.erf;
  pr[PAR.TRAIN_A] = trained ? 1 : 0;
  for (let r = 0; r < K; r++) {
    pr[PAR.HEADER + r * K + r] = 1;
    pr[PAR.HEADER + K * K + r] = aStar;
  }
  return pr;
}

/** S29 state: Q_ij = 1/(2K−1), M_ir = 1/√(K(2K−1)) (and a = a0 if trained). */
export function s29State(K: number, a0?: number): Float64Array {
  const y = new Float64Array(stateLength(K, K, a0 !== undefined));
  const q = 1 / (2 * K - 1);
  const m = 1 / Math.sqrt(K * (2 * K - 1));
  for (let i = 0; i < K * K; i++) y[i] = q;
  for (let i = 0; i < K * K; i++) y[K * K + i] = m;
  if (a0 !== undefined) for (let i = 0; i < K; i++) y[2 * K * K + i] = a0;
  return y;
}

export const epsPlateau = (K: number) => 1 / (6 * K) - Math.asin(1 / (2 * K)) / Math.PI;
export const epsPlateauUnnormalised = (K: number) => K / 6 - ((K * K) / Math.PI) * Math.asin(1 / (2 * K));

/** Largest real eigenvalue of the GF Jacobian at S29 (central differences on the independent
 *  coordinates: upper triangle of Q, then M), by inverse iteration with shift 0.05. */
export function s29UnstableEigenvalue(K: number): { lambda: number; residual: number } {
  const params = s29Params(K);
  const y0 = s29State(K);
  const coords = (y: ArrayLike<number>) => {
    const x: number[] = [];
    for (let i = 0; i < K; i++) for (let j = i; j < K; j++) x.push(y[i * K + j]);
    for (let i = 0; i < K * K; i++) x.push(y[K * K + i]);
    return x;
  };
  const state = (x: number[]) => {
    const y = y0.slice();
    let t = 0;
    for (let i = 0; i < K; i++) for (let j = i; j < K; j++) y[i * K + j] = y[j * K + i] = x[t++];
    for (let i = 0; i < K * K; i++) y[K * K + i] = x[t++];
    return y;
  };
  const F = (x: number[]) => {
    const dy = new Float64Array(y0.length);
    ref.rhs(params, state(x), dy);
    return coords(dy);
  };
  const x0 = coords(y0);
  const n = x0.length;
  const h = 1e-6;
  const J = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let c = 0; c < n; c++) {
    const xp = x0.slice();
    const xm = x0.slice();
    xp[c] += h;
    xm[c] -= h;
    const fp = F(xp);
    const fm = F(xm);
    for (let r = 0; r < n; r++) J[r][c] = (fp[r] - fm[r]) / (2 * h);
  }
  const { lambda, residual } = inverseIteration(J, 0.05);
  return { lambda, residual };
}

/** Max |RHS| at S29 (GF): 0 at the fixed point. */
export function s29Residual(K: number): number {
  const dy = new Float64Array(stateLength(K, K, false));
  ref.rhs(s29Params(K), s29State(K), dy);
  return Math.max(...Array.from(dy, Math.abs));
}

/** σ = x², a = a* = 1 (S22): ε_g = ((TrP)² + 2Tr P²)/(2k²) − (TrP·TrQ + 2Tr MMᵀ)/(pk) + ((TrQ)² + 2Tr Q²)/(2p²). */
export function quadraticRisk(Q: number[][], M: number[][], P: number[][]): number {
  const p = Q.length;
  const k = P.length;
  const tr = (A: number[][]) => A.reduce((s, r, i) => s + r[i], 0);
  const tr2 = (A: number[][]) => A.reduce((s, r) => s + r.reduce((u, v) => u + v * v, 0), 0); // Tr A² for symmetric A
  const trMMt = M.reduce((s, r) => s + r.reduce((u, v) => u + v * v, 0), 0);
  return (tr(P) ** 2 + 2 * tr2(P)) / (2 * k * k) - (tr(P) * tr(Q) + 2 * trMMt) / (p * k) + (tr(Q) ** 2 + 2 * tr2(Q)) / (2 * p * p);
}

/** S27: E_Ξ[R(Ω̃)] = R(Ω̄) + (1/p²) Σ_i Σ_{j≠i} q_i q_j/(d − k), Ω̄ with Q̄ = MMᵀ + diag(q) (P = I). */
export function quadraticMeanfieldRisk(M: number[][], q: number[], d: number): number {
  const p = M.length;
  const k = M[0].length;
  const Qbar = M.map((mi, i) => M.map((mj, j) => mi.reduce((s, v, r) => s + v * mj[r], 0) + (i === j ? q[i] : 0)));
  const P = Array.from({ length: k }, (_, r) => Array.from({ length: k }, (_, s) => (r === s ? 1 : 0)));
  const sq = q.reduce((s, v) => s + v, 0);
  const sq2 = q.reduce((s, v) => s + v * v, 0);
  return quadraticRisk(Qbar, M, P) + (sq * sq - sq2) / (p * p * (d - k));
}
