// Plain-TS twin of assembly/committee.ts (committee.md §3–§4): closed-form Gaussian integrals and the
// Saad–Solla ODE right-hand side S10–S12 through the linear decomposition S14. Same layout as the Wasm
// kernel (src/committee/layout.ts): params = [16 header | P (k×k) | a* (k)], y = [Q (p×p) | M (p×k) | a (p)?].
// Activation codes: 0 erf(x/√2), 1 linear, 2 quadratic x², 3 relu. Supported RHS pairs: equal student and
// teacher activation (supported() returns 1 otherwise); risk() supports every pair. ReLU I4 ('full'):
// exact by Stein + Plackett (reluI4Exact) unless params GH_NODES > 0 asks for tensor Gauss–Hermite.
import { ACT_CODE, PAR, VAR_CODE } from '../committee/layout.js';
import { asinClip } from './special.js';
import { gaussHermite, type GaussRule } from '../numerics/quadrature.js';

const TWO_OVER_PI = 2 / Math.PI;
const FOUR_OVER_PI2 = 4 / (Math.PI * Math.PI);
const INV_TWO_PI = 1 / (2 * Math.PI);
const SQRT_TWO_OVER_PI = Math.sqrt(2 / Math.PI);
const INV_SQRT_TWO_PI = 1 / Math.sqrt(2 * Math.PI);
const { erf: ERF, linear: LIN, quadratic: QUAD } = ACT_CODE;

/** I2 = E[σ_A(z1) σ_B(z2)] (full expectation, S16/S20/S24 and mixed closed forms). */
export function I2(actA: number, actB: number, c11: number, c12: number, c22: number): number {
  if (actA > actB) return I2(actB, actA, c22, c12, c11);
  if (actA === ERF) {
    if (actB === ERF) return TWO_OVER_PI * asinClip(c12 / Math.sqrt((1 + c11) * (1 + c22)));
    if (actB === LIN) return (c12 * SQRT_TWO_OVER_PI) / Math.sqrt(1 + c11);
    if (actB === QUAD) return 0;
    return c12 / Math.sqrt(2 * Math.PI * (1 + c11));
  }
  if (actA === LIN) {
    if (actB === LIN) return c12;
    if (actB === QUAD) return 0;
    return 0.5 * c12;
  }
  if (actA === QUAD) {
    if (actB === QUAD) return c11 * c22 + 2 * c12 * c12;
    if (c22 <= 0) return 0;
    return ((c11 * c22 + c12 * c12) * INV_SQRT_TWO_PI) / Math.sqrt(c22);
  }
  const d = c11 * c22;
  if (d <= 0) return 0;
  return (Math.sqrt(Math.max(d - c12 * c12, 0)) + c12 * (0.5 * Math.PI + asinClip(c12 / Math.sqrt(d)))) * INV_TWO_PI;
}

/** J2 = E[σ′(z1)σ′(z2)]. */
export function J2(act: number, c11: number, c12: number, c22: number): number {
  if (act === ERF) return TWO_OVER_PI / Math.sqrt((1 + c11) * (1 + c22) - c12 * c12);
  if (act === LIN) return 1;
  if (act === QUAD) return 4 * c12;
  const d = c11 * c22;
  return 0.25 + (d > 0 ? asinClip(c12 / Math.sqrt(d)) * INV_TWO_PI : 0);
}

/** I3 = E[σ′(z1) z2 σ(z3)]. */
export function I3(act: number, c11: number, c12: number, c13: number, c22: number, c23: number, c33: number): number {
  void c22;
  if (act === ERF) {
    const o1 = 1 + c11;
    return (TWO_OVER_PI * (c23 * o1 - c12 * c13)) / (o1 * Math.sqrt(o1 * (1 + c33) - c13 * c13));
  }
  if (act === LIN) return c23;
  if (act === QUAD) return 2 * (c12 * c33 + 2 * c13 * c23);
  const d = c11 * c33;
  let alpha = 0,
    beta = 0.25;
  if (d > 0) {
    alpha = (Math.sqrt(Math.max(d - c13 * c13, 0)) * INV_TWO_PI) / c11;
    beta = 0.25 + asinClip(c13 / Math.sqrt(d)) * INV_TWO_PI;
  }
  return c12 * alpha + c23 * beta;
}

/** I4 = E[σ′(z1)σ′(z2)σ(z3)σ(z4)], C row-major 4×4; relu exact (ghN = 0, default) or tensor Gauss–Hermite (ghN > 0). */
export function I4(act: number, C: ArrayLike<number>, ghN = 0): number {
  const c11 = C[0],
    c12 = C[1],
    c13 = C[2],
    c14 = C[3],
    c22 = C[5],
    c23 = C[6],
    c24 = C[7];
  const c33 = C[10],
    c34 = C[11],
    c44 = C[15];
  if (act === ERF) {
    const o1 = 1 + c11,
      o2 = 1 + c22;
    const l4 = o1 * o2 - c12 * c12;
    const l0 = l4 * c34 - c23 * c24 * o1 - c13 * c14 * o2 + c12 * c13 * c24 + c12 * c14 * c23;
    const l1 = l4 * (1 + c33) - c23 * c23 * o1 - c13 * c13 * o2 + 2 * c12 * c13 * c23;
    const l2 = l4 * (1 + c44) - c24 * c24 * o1 - c14 * c14 * o2 + 2 * c12 * c14 * c24;
    return (FOUR_OVER_PI2 / Math.sqrt(l4)) * asinClip(l0 / Math.sqrt(l1 * l2));
  }
  if (act === LIN) return c34;
  if (act === QUAD) {
    return 4 * (c12 * (c33 * c44 + 2 * c34 * c34) + 2 * c13 * (c23 * c44 + 2 * c24 * c34) + 2 * c14 * (c24 * c33 + 2 * c23 * c34));
  }
  return ghN > 0 ? reluI4GH(C, gaussHermite(ghN)) : reluI4Exact(C);
}

/** ReLU I4 by tensor Gauss–Hermite (ghN nodes per dimension): the spec's quadrature route, O(1/n) bias. */
export function reluI4Quadrature(C: ArrayLike<number>, ghN = 8): number {
  return reluI4GH(C, gaussHermite(ghN));
}

// ------------------------------------------------------------------ Gauss–Hermite for N(0, 1)

/** Lower Cholesky (row-major 4×4) with zero columns at zero pivots. */
export function chol4(C: ArrayLike<number>): Float64Array {
  const L = new Float64Array(16);
  const tol = 1e-13 * Math.max(C[0], C[5], C[10], C[15], 1e-300);
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j <= i; j++) {
      let s = C[i * 4 + j];
      for (let m = 0; m < j; m++) s -= L[i * 4 + m] * L[j * 4 + m];
      if (i === j) L[i * 4 + i] = s > tol ? Math.sqrt(s) : 0;
      else L[i * 4 + j] = L[j * 4 + j] > 0 ? s / L[j * 4 + j] : 0;
    }
  }
  return L;
}

function reluI4GH(C: ArrayLike<number>, rule: GaussRule): number {
  const L = chol4(C);
  const { x, w } = rule;
  const n = x.length;
  let total = 0;
  for (let a = 0; a < n; a++) {
    const z1 = L[0] * x[a];
    if (!(z1 > 0)) continue;
    let sa = 0;
    for (let b = 0; b < n; b++) {
      const z2 = L[4] * x[a] + L[5] * x[b];
      if (!(z2 > 0)) continue;
      const p3 = L[8] * x[a] + L[9] * x[b],
        p4 = L[12] * x[a] + L[13] * x[b];
      let sb = 0;
      for (let c = 0; c < n; c++) {
        const z3 = p3 + L[10] * x[c];
        if (!(z3 > 0)) continue;
        const q4 = p4 + L[14] * x[c];
        let sc = 0;
        for (let e = 0; e < n; e++) {
          const z4 = q4 + L[15] * x[e];
          if (z4 > 0) sc += w[e] * z4;
        }
        sb += w[c] * z3 * sc;
      }
      sa += w[b] * sb;
    }
    total += w[a] * sa;
  }
  return total;
}

// ------------------------------------------------------------------ exact ReLU I4 [D]
// E[Θ(z1)Θ(z2) relu(z3) relu(z4)] = E[z3 z4 1{z > 0}]. Stein's lemma twice reduces it to 3- and 2-d orthant
// probabilities (closed forms: 1/8 + Σ asin ρ/(4π), 1/4 + asin ρ/(2π)) and one 4-d orthant probability, which
// Plackett's reduction writes as 1/16 + ∫_0^1 Σ_{i<j} R_ij φ2(0,0; tR_ij) P(X_k>0, X_l>0 | X_i = X_j = 0; R(t)) dt
// along R(t) = I + t(R − I) (smooth; t = 1 − s² and 24-point Gauss–Legendre in s). Coincident (|ρ| = 1) fields
// are merged first (Θ(z)relu(z) = relu(z); relu(z)² = z² 1{z>0}; opposite fields give 0).

const GL_N = 24;
let glCache: { x: Float64Array; w: Float64Array } | null = null;
/** Gauss–Legendre on [0, 1] (Newton on P_n from Chebyshev-like guesses). */
export function gaussLegendre01(n = GL_N): { x: Float64Array; w: Float64Array } {
  if (n === GL_N && glCache) return glCache;
  const x = new Float64Array(n),
    w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let z = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let it = 0; it < 100; it++) {
      let p0 = 1,
        p1 = z;
      for (let m = 2; m <= n; m++) {
        const p2 = ((2 * m - 1) * z * p1 - (m - 1) * p0) / m;
        p0 = p1;
        p1 = p2;
      }
      dp = (n * (z * p1 - p0)) / (z * z - 1);
      const dz = p1 / dp;
      z -= dz;
      if (Math.abs(dz) < 1e-16) break;
    }
    x[i] = 0.5 * (1 - z);
    w[i] = 1 / ((1 - z * z) * dp * dp);
  }
  const r = { x, w };
  if (n === GL_N) glCache = r;
  return r;
}

const TINY = 1e-13;
const pdf0 = (v: number) => (v > 0 ? 1 / Math.sqrt(2 * Math.PI * v) : 0);
const corr = (C: number[][], i: number, j: number) => {
  const d = C[i][i] * C[j][j];
  return d > 0 ? Math.min(Math.max(C[i][j] / Math.sqrt(d), -1), 1) : 0;
};
/** Covariance conditional on X_k = 0 (Schur complement; row/column k become 0). */
function condition(C: number[][], k: number): number[][] {
  const ckk = C[k][k];
  return C.map((row, i) => row.map((v, j) => (ckk > 0 ? v - (C[i][k] * C[k][j]) / ckk : v)));
}
/** P(X_B > 0) for |B| ≤ 4 (zero-variance members count as ½: the limit of a vanishing independent part). */
function orthant(C: number[][], B: number[]): number {
  const scale = Math.max(...B.map((i) => Math.abs(C[i][i])), 1e-300);
  const live = B.filter((i) => C[i][i] > TINY * scale);
  const f = 0.5 ** (B.length - live.length);
  const m = live.length;
  if (m === 0) return f;
  if (m === 1) return 0.5 * f;
  if (m === 2) return f * (0.25 + asinClip(corr(C, live[0], live[1])) * INV_TWO_PI);
  if (m === 3) {
    const [a, b, c] = live;
    return f * (0.125 + (asinClip(corr(C, a, b)) + asinClip(corr(C, a, c)) + asinClip(corr(C, b, c))) / (4 * Math.PI));
  }
  return f * orthant4(live.map((i) => live.map((j) => corr(C, i, j))));
}
/** 4-d orthant probability of a correlation matrix R by Plackett's reduction. */
function orthant4(R: number[][]): number {
  const { x, w } = gaussLegendre01();
  const pairs: [number, number, number, number][] = [
    [0, 1, 2, 3],
    [0, 2, 1, 3],
    [0, 3, 1, 2],
    [1, 2, 0, 3],
    [1, 3, 0, 2],
    [2, 3, 0, 1],
  ];
  let total = 0;
  for (let q = 0; q < x.length; q++) {
    const s = x[q],
      t = 1 - s * s,
      jac = 2 * s;
    let g = 0;
    for (const [i, j, k, l] of pairs) {
      const rij = R[i][j];
      if (rij === 0) continue;
      const r = t * rij;
      const det = 1 - r * r;
      // conditional covariance of (k, l) given (i, j) under R(t)
      const a = (u: number, v: number) => (u === v ? 1 : t * R[u][v]);
      const inv00 = 1 / det,
        inv01 = -r / det;
      const cond = (u: number, v: number) => a(u, v) - (a(u, i) * (inv00 * a(i, v) + inv01 * a(j, v)) + a(u, j) * (inv01 * a(i, v) + inv00 * a(j, v)));
      const skk = cond(k, k),
        sll = cond(l, l),
        skl = cond(k, l);
      const rho = skk > 0 && sll > 0 ? skl / Math.sqrt(skk * sll) : 0;
      g += (rij / (2 * Math.PI * Math.sqrt(det))) * (0.25 + asinClip(rho) * INV_TWO_PI);
    }
    total += w[q] * jac * g;
  }
  return 1 / 16 + total;
}
/** P(X > 0) for X ~ N(0, C), C n×n row-major, n ≤ 4 (closed forms; Plackett's reduction for n = 4). */
export function orthantProbability(Cflat: ArrayLike<number>, n: number): number {
  const C = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => Cflat[i * n + j]));
  return orthant(
    C,
    Array.from({ length: n }, (_, i) => i),
  );
}

/** E[X_b 1{X_B > 0}], b ∈ B. */
function T1(C: number[][], B: number[], b: number): number {
  let s = 0;
  for (const m of B) {
    if (C[b][m] === 0 || !(C[m][m] > 0)) continue;
    s +=
      C[b][m] *
      pdf0(C[m][m]) *
      orthant(
        condition(C, m),
        B.filter((u) => u !== m),
      );
  }
  return s;
}
/** E[X_a X_b 1{X_B > 0}], a, b ∈ B (a = b allowed). */
function T2(C: number[][], B: number[], a: number, b: number): number {
  let s = C[a][b] * orthant(C, B);
  for (const k of B) {
    if (k === b || C[a][k] === 0 || !(C[k][k] > 0)) continue;
    s +=
      C[a][k] *
      pdf0(C[k][k]) *
      T1(
        condition(C, k),
        B.filter((u) => u !== k),
        b,
      );
  }
  return s;
}
/** Exact E[Θ(z1)Θ(z2) relu(z3) relu(z4)] (see above). */
export function reluI4Exact(Cflat: ArrayLike<number>): number {
  const C = [0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => Cflat[i * 4 + j]));
  const scale = Math.max(C[0][0], C[1][1], C[2][2], C[3][3], 1e-300);
  for (let i = 0; i < 4; i++) if (!(C[i][i] > TINY * scale)) return 0; // a field ≡ 0: relu(0) = 0, Θ(0) := 0
  // merge coincident fields: rep[i] = representative index; opposite fields → 0
  const rep = [0, 1, 2, 3];
  for (let i = 0; i < 4; i++)
    for (let j = 0; j < i; j++) {
      if (rep[j] !== j) continue;
      const r = corr(C, i, j);
      if (r <= -1 + 1e-12) return 0;
      if (r >= 1 - 1e-12 && rep[i] === i) rep[i] = j;
    }
  const B = [...new Set(rep)];
  return T2(C, B, rep[2], rep[3]);
}

// ------------------------------------------------------------------ fields

export interface Fields {
  p: number;
  k: number;
  n: number;
  /** Ω, N×N row-major. */
  om: Float64Array;
  /** E* weights: −a_c/p students, +a*_r/k teachers. */
  w: Float64Array;
  /** per-field activation code (σ for students, σ* for teachers). */
  act: Int32Array;
}

export function fields(params: ArrayLike<number>, y: ArrayLike<number>): Fields {
  const p = params[PAR.P],
    k = params[PAR.K],
    n = p + k;
  const trained = params[PAR.TRAIN_A] !== 0;
  const om = new Float64Array(n * n),
    w = new Float64Array(n),
    act = new Int32Array(n);
  const mo = p * p,
    ao = p * p + p * k,
    po = PAR.HEADER,
    aso = PAR.HEADER + k * k;
  for (let a = 0; a < p; a++) {
    for (let b = 0; b < p; b++) om[a * n + b] = y[a * p + b];
    for (let r = 0; r < k; r++) om[a * n + p + r] = om[(p + r) * n + a] = y[mo + a * k + r];
    w[a] = -(trained ? y[ao + a] : 1) / p;
    act[a] = params[PAR.ACT];
  }
  for (let r = 0; r < k; r++) {
    for (let s = 0; s < k; s++) om[(p + r) * n + p + s] = params[po + r * k + s];
    w[p + r] = params[aso + r] / k;
    act[p + r] = params[PAR.TACT];
  }
  return { p, k, n, om, w, act };
}

/** 0 ok, 1 unsupported activation pair, 2 bad code, 3 bad sizes (same as committee_supported). */
export function supported(params: ArrayLike<number>): number {
  const p = params[PAR.P],
    k = params[PAR.K],
    a = params[PAR.ACT],
    t = params[PAR.TACT],
    v = params[PAR.VAR];
  if (!(p >= 1 && k >= 1)) return 3;
  if (![0, 1, 2, 3].includes(a) || ![0, 1, 2, 3].includes(t) || ![0, 1, 2].includes(v)) return 2;
  return a === t ? 0 : 1;
}

/** ε_g = R − Δ/2 (S15) = ½ Σ_{c,e} w_c w_e I2(c, e). */
export function risk(params: ArrayLike<number>, y: ArrayLike<number>): number {
  const { n, om, w, act } = fields(params, y);
  let total = 0;
  for (let c = 0; c < n; c++) for (let e = 0; e < n; e++) total += w[c] * w[e] * I2(act[c], act[e], om[c * n + c], om[c * n + e], om[e * n + e]);
  return 0.5 * total;
}

/** dy = F(y) (S10–S12 through S14), same contract as committee_rhs. */
export function rhs(params: ArrayLike<number>, y: ArrayLike<number>, dy: Float64Array): void {
  const p = params[PAR.P],
    k = params[PAR.K];
  const trained = params[PAR.TRAIN_A] !== 0;
  const len = p * p + p * k + (trained ? p : 0);
  if (supported(params) !== 0) {
    dy.fill(NaN, 0, len);
    return;
  }
  const act = params[PAR.ACT],
    vt = params[PAR.VAR];
  const gp = params[PAR.GAMMA_OVER_P],
    delta = params[PAR.NOISE];
  const ghN = params[PAR.GH_NODES] || 0; // 0: exact ReLU I4; > 0: Gauss–Hermite nodes
  const F = fields(params, y);
  const { n, om, w } = F;
  const ao = p * p + p * k;
  const a = (j: number) => (trained ? y[ao + j] : 1);
  const O = (i: number, j: number) => om[i * n + j];

  if (act === QUAD) {
    // matrix forms: T = tr SΩ, G = ΩSΩ, H = GSΩ, tr(SΩSΩ)
    let T = 0;
    for (let c = 0; c < n; c++) T += w[c] * O(c, c);
    const G = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let c = 0; c < n; c++) s += O(i, c) * w[c] * O(c, j);
        G[i * n + j] = s;
      }
    let trSS = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) trSS += w[i] * w[j] * O(i, j) * O(i, j);
    for (let j = 0; j < p; j++) for (let r = 0; r < k; r++) dy[p * p + j * k + r] = a(j) * 2 * (O(j, p + r) * T + 2 * G[j * n + p + r]);
    for (let j = 0; j < p; j++)
      for (let l = j; l < p; l++) {
        const ojl = O(j, l),
          gjl = G[j * n + l];
        let v = (a(j) + a(l)) * 2 * (ojl * T + 2 * gjl);
        if (vt !== VAR_CODE.none) {
          let vv = 4 * delta * ojl;
          if (vt === VAR_CODE.full) {
            let h = 0;
            for (let c = 0; c < n; c++) h += G[j * n + c] * w[c] * O(c, l);
            vv += 4 * (ojl * (T * T + 2 * trSS) + 4 * gjl * T + 8 * h);
          }
          v += gp * a(j) * a(l) * vv;
        }
        dy[j * p + l] = dy[l * p + j] = v;
      }
    if (trained)
      for (let j = 0; j < p; j++) {
        let s = 0;
        for (let c = 0; c < n; c++) s += w[c] * O(j, c) * O(j, c);
        dy[ao + j] = O(j, j) * T + 2 * s;
      }
    return;
  }

  // T_a(b) = Σ_c w_c I3(a, b, c)
  const T = new Float64Array(p * n);
  for (let j = 0; j < p; j++)
    for (let b = 0; b < n; b++) {
      let s = 0;
      for (let c = 0; c < n; c++) s += w[c] * I3(act, O(j, j), O(j, b), O(j, c), O(b, b), O(b, c), O(c, c));
      T[j * n + b] = s;
    }
  for (let j = 0; j < p; j++) for (let r = 0; r < k; r++) dy[p * p + j * k + r] = a(j) * T[j * n + p + r];
  const C4 = new Float64Array(16);
  for (let j = 0; j < p; j++)
    for (let l = j; l < p; l++) {
      let v = a(j) * T[j * n + l] + a(l) * T[l * n + j];
      if (vt !== VAR_CODE.none) {
        let vv = delta * J2(act, O(j, j), O(j, l), O(l, l));
        if (vt === VAR_CODE.full) {
          let s = 0;
          const idx = [j, l, 0, 0];
          for (let c = 0; c < n; c++)
            for (let e = c; e < n; e++) {
              idx[2] = c;
              idx[3] = e;
              for (let u = 0; u < 4; u++) for (let z = 0; z < 4; z++) C4[u * 4 + z] = O(idx[u], idx[z]);
              s += (c === e ? 1 : 2) * w[c] * w[e] * I4(act, C4, ghN);
            }
          vv += s;
        }
        v += gp * a(j) * a(l) * vv;
      }
      dy[j * p + l] = dy[l * p + j] = v;
    }
  if (trained)
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (let c = 0; c < n; c++) s += w[c] * I2(act, act, O(j, j), O(j, c), O(c, c));
      dy[ao + j] = s;
    }
}
