// Plain-TS twin of assembly/meanfield.ts (committee.md §5): mean-field (M, q) ODE for σ = σ* ∈ {erf(x/√2), x²},
// plus the host-side pieces the kernel needs: the params tail (P⁻¹, Gauss–Jacobi nodes/weights of the law of
// Ξ_jl) built by meanfieldParams. Formulas and layout: see the header of assembly/meanfield.ts.
import { PAR, VAR_CODE, ACT_CODE, type VarTerms } from '../committee/layout.js';
import { tqlFirst } from './eigh.js';

const TWO_PI = 2 / Math.PI;
const clip1 = (x: number) => (x > 1 ? 1 : x < -1 ? -1 : x);

/** Nodes/weights (Σ w = 1) for E over z = ⟨g, g'⟩, g, g' i.i.d. uniform on S^{m−1}, m = d − k: density
 *  ∝ (1 − z²)^{(m−3)/2}. Gauss–Jacobi with α = β = a = (m−3)/2 by Golub–Welsch: symmetric Jacobi matrix with zero
 *  diagonal and off-diagonals √β_j, β_1 = 1/(3+2a), β_j = j(j+2a)/((2j+2a+1)(2j+2a−1)) (j ≥ 2); nodes = its
 *  eigenvalues, weights = squared first components of its eigenvectors. m = 1: z = ±1 (½ each); m ≤ 0: z = 0. */
export function gaussJacobiXi(d: number, k: number, n: number): { z: Float64Array; w: Float64Array } {
  const m = d - k;
  if (m <= 0 || n <= 0) return { z: Float64Array.of(0), w: Float64Array.of(1) };
  if (m === 1) return { z: Float64Array.of(-1, 1), w: Float64Array.of(0.5, 0.5) };
  const a = (m - 3) / 2;
  const diag = new Float64Array(n), off = new Float64Array(n), z0 = new Float64Array(n);
  for (let j = 1; j < n; j++) {
    const b = j === 1 ? 1 / (3 + 2 * a) : (j * (j + 2 * a)) / ((2 * j + 2 * a + 1) * (2 * j + 2 * a - 1));
    off[j - 1] = Math.sqrt(b);
  }
  z0[0] = 1;
  const st = tqlFirst(diag, off, n, z0);
  if (st !== 0) throw new Error('Gauss–Jacobi: QL did not converge');
  const w = new Float64Array(n);
  let sw = 0;
  for (let i = 0; i < n; i++) sw += (w[i] = z0[i] * z0[i]);
  for (let i = 0; i < n; i++) w[i] /= sw;
  return { z: diag, w };
}

export interface MeanfieldSpec {
  p: number;
  k: number;
  activation: 'erf' | 'quadratic';
  /** Teacher overlap P (k×k row-major); default I. */
  P?: ArrayLike<number>;
  /** Teacher second layer; default 1 (required 1 for quadratic). */
  aStar?: ArrayLike<number>;
  gammaOverP?: number;
  noise?: number;
  varTerms?: VarTerms;
  /** Input dimension d; 0 or Infinity → high-d mean field (no Ξ average). */
  d?: number;
  /** Gauss–Jacobi nodes for the erf Ξ average (default 24). */
  nodes?: number;
}

/** Inverse of a k×k row-major matrix (Gauss–Jordan, partial pivoting). */
export function invert(P: ArrayLike<number>, k: number): Float64Array {
  const A = Float64Array.from(P), X = new Float64Array(k * k);
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
    for (let j = 0; j < k; j++) { A[c * k + j] *= inv; X[c * k + j] *= inv; }
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = A[r * k + c];
      if (f === 0) continue;
      for (let j = 0; j < k; j++) { A[r * k + j] -= f * A[c * k + j]; X[r * k + j] -= f * X[c * k + j]; }
    }
  }
  return X;
}

/** Params block for MODEL_MEANFIELD: header, P, a*, then P⁻¹, z (nGJ), w (nGJ). */
export function meanfieldParams(spec: MeanfieldSpec): Float64Array {
  const { p, k } = spec;
  const P = spec.P ?? Float64Array.from({ length: k * k }, (_, i) => (i % (k + 1) === 0 ? 1 : 0));
  const aStar = spec.aStar ?? new Float64Array(k).fill(1);
  const d = spec.d === undefined || !Number.isFinite(spec.d) ? 0 : spec.d;
  const erf = spec.activation === 'erf';
  const gj = erf && d > 0 ? gaussJacobiXi(d, k, spec.nodes ?? 24) : { z: new Float64Array(0), w: new Float64Array(0) };
  const ng = gj.z.length;
  const out = new Float64Array(PAR.HEADER + 2 * k * k + k + 2 * ng);
  out[PAR.P] = p;
  out[PAR.K] = k;
  out[PAR.GAMMA_OVER_P] = spec.gammaOverP ?? 0;
  out[PAR.NOISE] = spec.noise ?? 0;
  out[PAR.VAR] = VAR_CODE[spec.varTerms ?? 'none'];
  out[PAR.ACT] = ACT_CODE[spec.activation];
  out[PAR.TACT] = ACT_CODE[spec.activation];
  out[PAR.DIM] = d;
  out[PAR.GJ_NODES] = ng;
  out.set(Array.from(P), PAR.HEADER);
  out.set(Array.from(aStar), PAR.HEADER + k * k);
  out.set(invert(P, k), PAR.HEADER + k * k + k);
  out.set(gj.z, PAR.HEADER + 2 * k * k + k);
  out.set(gj.w, PAR.HEADER + 2 * k * k + k + ng);
  return out;
}

export { meanfieldWorkF64 } from '../gen/committee_layout.js';

function prepare(params: Float64Array, y: ArrayLike<number>, p: number, k: number) {
  const o = PAR.HEADER + k * k + k;
  const T = new Float64Array(p * k), Aii = new Float64Array(p), Qd = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let a = 0;
    for (let r = 0; r < k; r++) {
      let s = 0;
      for (let u = 0; u < k; u++) s += y[i * k + u] * params[o + u * k + r];
      T[i * k + r] = s;
      a += s * y[i * k + r];
    }
    Aii[i] = a;
    Qd[i] = a + y[p * k + i];
  }
  return { T, Aii, Qd };
}

/** Twin of meanfield_rhs: dy = [dM (p×k), dq (p)]. */
export function meanfieldRhs(params: Float64Array, y: ArrayLike<number>, dy: Float64Array): void {
  const p = params[PAR.P], k = params[PAR.K];
  const gp = params[PAR.GAMMA_OVER_P], delta = params[PAR.NOISE];
  const noise = params[PAR.VAR] >= 1 && delta !== 0;
  const d = params[PAR.DIM];
  const P = params.subarray(PAR.HEADER, PAR.HEADER + k * k);
  const aStar = params.subarray(PAR.HEADER + k * k, PAR.HEADER + k * k + k);
  const q = (i: number) => y[p * k + i];
  const { T, Qd } = prepare(params, y, p, k);
  if (params[PAR.ACT] === ACT_CODE.quadratic) {
    let trP = 0, trQ = 0, sq = 0;
    for (let r = 0; r < k; r++) trP += P[r * k + r];
    for (let i = 0; i < p; i++) { trQ += Qd[i]; sq += q(i); }
    const c = trP / k - trQ / p;
    const G = new Float64Array(k * k);
    for (let r = 0; r < k; r++)
      for (let s = 0; s < k; s++) {
        let g = 0;
        for (let i = 0; i < p; i++) g += y[i * k + r] * y[i * k + s];
        G[r * k + s] = g;
      }
    for (let i = 0; i < p; i++) {
      const qi = q(i);
      for (let r = 0; r < k; r++) {
        let mp = 0, tg = 0;
        for (let s = 0; s < k; s++) {
          mp += y[i * k + s] * P[s * k + r];
          tg += T[i * k + s] * G[s * k + r];
        }
        const mir = y[i * k + r];
        dy[i * k + r] = 2 * c * mir + 4 * (mp / k - (tg + qi * mir) / p);
      }
      let v = 4 * c * qi - (8 / p) * Qd[i] * qi;
      if (d > k) v -= ((8 / p) * qi * (sq - qi)) / (d - k);
      if (noise) v += gp * 4 * delta * Qd[i];
      dy[p * k + i] = v;
    }
    return;
  }
  const ng = d === 0 ? 0 : params[PAR.GJ_NODES];
  const zo = PAR.HEADER + 2 * k * k + k;
  const Z = params.subarray(zo, zo + ng), W = params.subarray(zo + ng, zo + 2 * ng);
  for (let i = 0; i < p; i++) {
    const a1 = 1 + Qd[i], qi = q(i);
    const selfS = TWO_PI / (a1 * Math.sqrt(1 + 2 * Qd[i]));
    let dqi = -(1 / p) * qi * selfS;
    for (let r = 0; r < k; r++) dy[i * k + r] = -(1 / p) * y[i * k + r] * selfS;
    for (let s = 0; s < k; s++) {
      const mis = y[i * k + s];
      const ws = aStar[s] / k;
      const inv = TWO_PI / (a1 * Math.sqrt(a1 * (1 + P[s * k + s]) - mis * mis));
      dqi += ws * (-qi * mis) * inv;
      for (let r = 0; r < k; r++) {
        const o = i * k + r;
        dy[o] = dy[o] + ws * (P[r * k + s] * a1 - y[o] * mis) * inv;
      }
    }
    dy[p * k + i] = dqi;
  }
  for (let i = 0; i < p; i++) {
    const a1 = 1 + Qd[i], qi = q(i);
    for (let j = i + 1; j < p; j++) {
      const a2 = 1 + Qd[j], qj = q(j);
      let aij = 0;
      for (let r = 0; r < k; r++) aij += T[i * k + r] * y[j * k + r];
      const sqq = Math.sqrt(Math.max(qi, 0) * Math.max(qj, 0));
      const a12 = a1 * a2;
      let S0 = 0, S1 = 0, S2 = 0;
      if (ng === 0) {
        const inv = 1 / Math.sqrt(a12 - aij * aij);
        S0 = inv; S1 = aij * inv;
      } else {
        for (let g = 0; g < ng; g++) {
          const z = Z[g], c = aij + sqq * z;
          const inv = W[g] / Math.sqrt(a12 - c * c);
          S0 += inv; S1 += c * inv; S2 += z * inv;
        }
      }
      const fi = (-(1 / p) * TWO_PI) / a1, fj = (-(1 / p) * TWO_PI) / a2;
      for (let r = 0; r < k; r++) {
        const mir = y[i * k + r], mjr = y[j * k + r];
        dy[i * k + r] = dy[i * k + r] + fi * (mjr * a1 * S0 - mir * S1);
        dy[j * k + r] = dy[j * k + r] + fj * (mir * a2 * S0 - mjr * S1);
      }
      dy[p * k + i] = dy[p * k + i] + fi * (a1 * sqq * S2 - qi * S1);
      dy[p * k + j] = dy[p * k + j] + fj * (a2 * sqq * S2 - qj * S1);
    }
  }
  for (let i = 0; i < p; i++) {
    let v = 2 * dy[p * k + i];
    if (noise) v += (gp * delta * TWO_PI) / Math.sqrt(1 + 2 * Qd[i]);
    dy[p * k + i] = v;
  }
}

/** Twin of meanfield_risk: excess risk ε_g = E_Ξ ε_g(Ω̃) (R = ε_g + Δ/2). */
export function meanfieldRisk(params: Float64Array, y: ArrayLike<number>): number {
  const p = params[PAR.P], k = params[PAR.K];
  const d = params[PAR.DIM];
  const P = params.subarray(PAR.HEADER, PAR.HEADER + k * k);
  const aStar = params.subarray(PAR.HEADER + k * k, PAR.HEADER + k * k + k);
  const Pinv = params.subarray(PAR.HEADER + k * k + k, PAR.HEADER + 2 * k * k + k);
  const q = (i: number) => y[p * k + i];
  const { T, Aii, Qd } = prepare(params, y, p, k);
  if (params[PAR.ACT] === ACT_CODE.quadratic) {
    let trP = 0, trP2 = 0, trQ = 0, sq = 0, sq2 = 0, aq = 0, mm = 0;
    for (let r = 0; r < k; r++) {
      trP += P[r * k + r];
      for (let s = 0; s < k; s++) trP2 += P[r * k + s] * P[s * k + r];
    }
    for (let i = 0; i < p; i++) {
      const qi = q(i);
      trQ += Qd[i]; sq += qi; sq2 += qi * qi; aq += Aii[i] * qi;
      for (let r = 0; r < k; r++) mm += y[i * k + r] * y[i * k + r];
    }
    const G = new Float64Array(k * k), B = new Float64Array(k * k);
    for (let r = 0; r < k; r++)
      for (let s = 0; s < k; s++) {
        let g = 0;
        for (let i = 0; i < p; i++) g += y[i * k + r] * y[i * k + s];
        G[r * k + s] = g;
      }
    for (let r = 0; r < k; r++)
      for (let s = 0; s < k; s++) {
        let b = 0;
        for (let u = 0; u < k; u++) b += Pinv[r * k + u] * G[u * k + s];
        B[r * k + s] = b;
      }
    let trA2 = 0;
    for (let r = 0; r < k; r++) for (let s = 0; s < k; s++) trA2 += B[r * k + s] * B[s * k + r];
    const trQ2 = trA2 + 2 * aq + sq2;
    let eps = (trP * trP + 2 * trP2) / (2 * k * k) - (trP * trQ + 2 * mm) / (p * k) + (trQ * trQ + 2 * trQ2) / (2 * p * p);
    if (d > k) eps += (sq * sq - sq2) / (d - k) / (p * p);
    return eps;
  }
  const ng = d === 0 ? 0 : params[PAR.GJ_NODES];
  const zo = PAR.HEADER + 2 * k * k + k;
  const Z = params.subarray(zo, zo + ng), W = params.subarray(zo + ng, zo + 2 * ng);
  let ss = 0, st = 0, tt = 0;
  for (let r = 0; r < k; r++)
    for (let s = 0; s < k; s++)
      tt += aStar[r] * aStar[s] * Math.asin(clip1(P[r * k + s] / Math.sqrt((1 + P[r * k + r]) * (1 + P[s * k + s]))));
  for (let i = 0; i < p; i++) {
    const a1 = 1 + Qd[i];
    ss += Math.asin(clip1(Qd[i] / a1));
    for (let r = 0; r < k; r++) st += aStar[r] * Math.asin(clip1(y[i * k + r] / Math.sqrt(a1 * (1 + P[r * k + r]))));
    const qi = q(i);
    for (let j = i + 1; j < p; j++) {
      const a2 = 1 + Qd[j];
      let aij = 0;
      for (let r = 0; r < k; r++) aij += T[i * k + r] * y[j * k + r];
      const inv = 1 / Math.sqrt(a1 * a2);
      let v = 0;
      if (ng === 0) v = Math.asin(clip1(aij * inv));
      else {
        const sqq = Math.sqrt(Math.max(qi, 0) * Math.max(q(j), 0));
        for (let g = 0; g < ng; g++) v += W[g] * Math.asin(clip1((aij + sqq * Z[g]) * inv));
      }
      ss += 2 * v;
    }
  }
  return 0.5 * TWO_PI * (ss / (p * p) - (2 * st) / (p * k) + tt / (k * k));
}
