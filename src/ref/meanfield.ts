// Plain-TS twin of assembly/meanfield.ts (committee.md §5): mean-field (M, q) ODE for σ = σ* ∈ {erf(x/√2), x²}.
// The params block it reads is built by src/committee/meanfield-params.ts. Formulas and layout: see the header
// of assembly/meanfield.ts.
import { ACT_CODE, PAR, meanfieldPinvOffset, meanfieldZOffset } from '../committee/layout.js';

const TWO_PI = 2 / Math.PI;
const clip1 = (x: number) => (x > 1 ? 1 : x < -1 ? -1 : x);

export { meanfieldWorkF64 } from '../gen/committee_layout.js';

function prepare(params: Float64Array, y: ArrayLike<number>, p: number, k: number) {
  const o = PAR.HEADER + k * k + k;
  const T = new Float64Array(p * k),
    Aii = new Float64Array(p),
    Qd = new Float64Array(p);
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
  const p = params[PAR.P],
    k = params[PAR.K];
  const gp = params[PAR.GAMMA_OVER_P],
    delta = params[PAR.NOISE];
  const noise = params[PAR.VAR] >= 1 && delta !== 0;
  const d = params[PAR.DIM];
  const P = params.subarray(PAR.HEADER, PAR.HEADER + k * k);
  const aStar = params.subarray(PAR.HEADER + k * k, PAR.HEADER + k * k + k);
  const q = (i: number) => y[p * k + i];
  const { T, Qd } = prepare(params, y, p, k);
  if (params[PAR.ACT] === ACT_CODE.quadratic) {
    let trP = 0,
      trQ = 0,
      sq = 0;
    for (let r = 0; r < k; r++) trP += P[r * k + r];
    for (let i = 0; i < p; i++) {
      trQ += Qd[i];
      sq += q(i);
    }
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
        let mp = 0,
          tg = 0;
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
  const zo = meanfieldZOffset(k);
  const Z = params.subarray(zo, zo + ng),
    W = params.subarray(zo + ng, zo + 2 * ng);
  for (let i = 0; i < p; i++) {
    const a1 = 1 + Qd[i],
      qi = q(i);
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
    const a1 = 1 + Qd[i],
      qi = q(i);
    for (let j = i + 1; j < p; j++) {
      const a2 = 1 + Qd[j],
        qj = q(j);
      let aij = 0;
      for (let r = 0; r < k; r++) aij += T[i * k + r] * y[j * k + r];
      const sqq = Math.sqrt(Math.max(qi, 0) * Math.max(qj, 0));
      const a12 = a1 * a2;
      let S0 = 0,
        S1 = 0,
        S2 = 0;
      if (ng === 0) {
        const inv = 1 / Math.sqrt(a12 - aij * aij);
        S0 = inv;
        S1 = aij * inv;
      } else {
        for (let g = 0; g < ng; g++) {
          const z = Z[g],
            c = aij + sqq * z;
          const inv = W[g] / Math.sqrt(a12 - c * c);
          S0 += inv;
          S1 += c * inv;
          S2 += z * inv;
        }
      }
      const fi = (-(1 / p) * TWO_PI) / a1,
        fj = (-(1 / p) * TWO_PI) / a2;
      for (let r = 0; r < k; r++) {
        const mir = y[i * k + r],
          mjr = y[j * k + r];
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
  const p = params[PAR.P],
    k = params[PAR.K];
  const d = params[PAR.DIM];
  const P = params.subarray(PAR.HEADER, PAR.HEADER + k * k);
  const aStar = params.subarray(PAR.HEADER + k * k, PAR.HEADER + k * k + k);
  const Pinv = params.subarray(meanfieldPinvOffset(k), meanfieldZOffset(k));
  const q = (i: number) => y[p * k + i];
  const { T, Aii, Qd } = prepare(params, y, p, k);
  if (params[PAR.ACT] === ACT_CODE.quadratic) {
    let trP = 0,
      trP2 = 0,
      trQ = 0,
      sq = 0,
      sq2 = 0,
      aq = 0,
      mm = 0;
    for (let r = 0; r < k; r++) {
      trP += P[r * k + r];
      for (let s = 0; s < k; s++) trP2 += P[r * k + s] * P[s * k + r];
    }
    for (let i = 0; i < p; i++) {
      const qi = q(i);
      trQ += Qd[i];
      sq += qi;
      sq2 += qi * qi;
      aq += Aii[i] * qi;
      for (let r = 0; r < k; r++) mm += y[i * k + r] * y[i * k + r];
    }
    const G = new Float64Array(k * k),
      B = new Float64Array(k * k);
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
  const zo = meanfieldZOffset(k);
  const Z = params.subarray(zo, zo + ng),
    W = params.subarray(zo + ng, zo + 2 * ng);
  let ss = 0,
    st = 0,
    tt = 0;
  for (let r = 0; r < k; r++)
    for (let s = 0; s < k; s++) tt += aStar[r] * aStar[s] * Math.asin(clip1(P[r * k + s] / Math.sqrt((1 + P[r * k + r]) * (1 + P[s * k + s]))));
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
