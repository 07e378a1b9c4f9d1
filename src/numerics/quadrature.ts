// Gauss rules the host builds for the kernels' parameter blocks: the N(0,1) Gauss–Hermite rule of the committee
// ReLU I4 (same nodes as the AS kernel computes for itself) and the Gauss–Jacobi rule of the mean-field Ξ average
// (committee.md §5), both normalised to Σ w = 1.
import { symEig } from './symeig.js';

export interface GaussRule {
  x: Float64Array;
  w: Float64Array;
}
const ghCache = new Map<number, GaussRule>();

function hermiteOrtho(n: number, x: number): number {
  let pm = 0,
    pc = 1;
  for (let m = 0; m < n; m++) {
    const pn = (x * pc - Math.sqrt(m) * pm) / Math.sqrt(m + 1);
    pm = pc;
    pc = pn;
  }
  return pc;
}

/** n-point Gauss rule for E over N(0,1) (Σ w = 1): nodes by sign-change scan + bisection of the
 *  orthonormal Hermite p_n, weights by the Christoffel sum 1/Σ_{m<n} p_m(x)². Same as the AS kernel. */
export function gaussHermite(nIn: number): GaussRule {
  const n = Math.min(Math.max(Math.round(nIn) || 8, 2), 64);
  const hit = ghCache.get(n);
  if (hit) return hit;
  const x = new Float64Array(n),
    w = new Float64Array(n);
  const lim = Math.sqrt(4 * n + 2) + 0.5;
  const h = 0.005;
  let x0 = -lim,
    f0 = hermiteOrtho(n, x0),
    found = 0;
  while (x0 < lim && found < n) {
    const x1 = x0 + h;
    const f1 = hermiteOrtho(n, x1);
    if (f0 === 0 || f0 < 0 !== f1 < 0) {
      let a = x0,
        b = x1,
        fa = f0;
      for (let it = 0; it < 200; it++) {
        const m = 0.5 * (a + b);
        if (m <= a || m >= b) break;
        const fm = hermiteOrtho(n, m);
        if (fm < 0 === fa < 0) {
          a = m;
          fa = fm;
        } else b = m;
      }
      const r = 0.5 * (a + b);
      let pm = 0,
        pc = 1,
        s = 1;
      for (let m = 0; m < n - 1; m++) {
        const pn = (r * pc - Math.sqrt(m) * pm) / Math.sqrt(m + 1);
        pm = pc;
        pc = pn;
        s += pn * pn;
      }
      x[found] = r;
      w[found] = 1 / s;
      found++;
    }
    x0 = x1;
    f0 = f1;
  }
  for (let i = 0; i < n >> 1; i++) {
    const a = 0.5 * (x[n - 1 - i] - x[i]);
    const ww = 0.5 * (w[i] + w[n - 1 - i]);
    x[i] = -a;
    x[n - 1 - i] = a;
    w[i] = ww;
    w[n - 1 - i] = ww;
  }
  if (n & 1) x[n >> 1] = 0;
  const rule = { x, w };
  ghCache.set(n, rule);
  return rule;
}

/** Nodes/weights (Σ w = 1) for E over z = ⟨g, g'⟩, g, g' i.i.d. uniform on S^{m−1}, m = d − k: density
 *  ∝ (1 − z²)^{(m−3)/2}. Gauss–Jacobi with α = β = a = (m−3)/2 by Golub–Welsch: symmetric Jacobi matrix with zero
 *  diagonal and off-diagonals √β_j, β_1 = 1/(3+2a), β_j = j(j+2a)/((2j+2a+1)(2j+2a−1)) (j ≥ 2); nodes = its
 *  eigenvalues, weights = squared first components of its eigenvectors. m = 1: z = ±1 (½ each); m ≤ 0: z = 0. */
export function gaussJacobiXi(d: number, k: number, n: number): { z: Float64Array; w: Float64Array } {
  const m = d - k;
  if (m <= 0 || n <= 0) return { z: Float64Array.of(0), w: Float64Array.of(1) };
  if (m === 1) return { z: Float64Array.of(-1, 1), w: Float64Array.of(0.5, 0.5) };
  const a = (m - 3) / 2;
  const J = new Float64Array(n * n);
  for (let j = 1; j < n; j++) {
    const b = j === 1 ? 1 / (3 + 2 * a) : (j * (j + 2 * a)) / ((2 * j + 2 * a + 1) * (2 * j + 2 * a - 1));
    J[(j - 1) * n + j] = J[j * n + j - 1] = Math.sqrt(b);
  }
  const { values, vectors } = symEig(J, n);
  const w = new Float64Array(n);
  let sw = 0;
  for (let i = 0; i < n; i++) sw += w[i] = vectors[i] * vectors[i]; // first components (row 0)
  for (let i = 0; i < n; i++) w[i] /= sw;
  return { z: values, w };
}
