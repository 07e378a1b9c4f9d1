// General activations (committee.md §3.2, §4.4): the Gaussian integrals I2, J2, I3, I4 of S13 by tensor
// Gauss–Hermite quadrature on a square-root factor of the covariance, and the committee ODE right-hand
// side through S14 for any σ (student) and σ* (teacher) given as TS functions. Used by the engine when
// an activation pair has no closed form in the Wasm kernel (committee_supported(params) != 0).
//
// Factor: C = A Aᵀ with A = V diag(√max(λ, 0)) from a Jacobi eigendecomposition, so rank-deficient C
// (zero or slightly negative eigenvalues, e.g. c = e in I4, or Q = M Mᵀ) is handled exactly: z = A x with
// x ~ N(0, I) on the tensor rule. Smooth σ converge spectrally in the node count; kinks (relu) slowly.
// Also: Monte-Carlo helpers (seeded) used by the tests.
import { PAR, VAR_CODE } from './layout.js';
import { gaussHermite } from '../numerics/quadrature.js';

export type Fn = (x: number) => number;

/** Central-difference derivative (h ∝ max(1, |x|)·6e-6: error ~1e-10 for smooth σ). */
export function derivative(f: Fn): Fn {
  return (x: number) => {
    const h = 6e-6 * Math.max(1, Math.abs(x));
    return (f(x + h) - f(x - h)) / (2 * h);
  };
}

/** Symmetric eigendecomposition of a small dense matrix (cyclic Jacobi). Returns {values, vectors (columns, row-major)}. */
export function jacobiEigen(Cin: ArrayLike<number>, n: number): { values: Float64Array; vectors: Float64Array } {
  const A = Float64Array.from({ length: n * n }, (_, i) => Cin[i]);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) A[i * n + j] = A[j * n + i] = 0.5 * (A[i * n + j] + A[j * n + i]);
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0,
      tot = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) i === j ? (tot += A[i * n + j] ** 2) : (off += A[i * n + j] ** 2);
    if (off <= 1e-32 * (tot + off) || off === 0) break;
    for (let p = 0; p < n - 1; p++)
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q];
        if (apq === 0) continue;
        const theta = (A[q * n + q] - A[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1),
          s = t * c;
        for (let r = 0; r < n; r++) {
          const arp = A[r * n + p],
            arq = A[r * n + q];
          A[r * n + p] = c * arp - s * arq;
          A[r * n + q] = s * arp + c * arq;
        }
        for (let r = 0; r < n; r++) {
          const apr = A[p * n + r],
            aqr = A[q * n + r];
          A[p * n + r] = c * apr - s * aqr;
          A[q * n + r] = s * apr + c * aqr;
        }
        for (let r = 0; r < n; r++) {
          const vrp = V[r * n + p],
            vrq = V[r * n + q];
          V[r * n + p] = c * vrp - s * vrq;
          V[r * n + q] = s * vrp + c * vrq;
        }
      }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = A[i * n + i];
  return { values, vectors: V };
}

/** Square-root factor A (n×n row-major) with C = A Aᵀ, zero columns for non-positive eigenvalues. */
export function sqrtFactor(C: ArrayLike<number>, n: number): Float64Array {
  const { values, vectors } = jacobiEigen(C, n);
  const A = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const s = Math.sqrt(Math.max(values[j], 0));
    for (let i = 0; i < n; i++) A[i * n + j] = vectors[i * n + j] * s;
  }
  return A;
}

/** E[f(z)] for z ~ N(0, C) (n ≤ 4) by the tensor Gauss–Hermite rule with `nodes` points per dimension. */
export function gaussExpect(C: ArrayLike<number>, n: number, f: (z: Float64Array) => number, nodes: number): number {
  const A = sqrtFactor(C, n);
  const { x, w } = gaussHermite(nodes);
  const m = x.length;
  const z = new Float64Array(n);
  const idx = new Int32Array(n);
  const total = m ** n;
  let s = 0;
  for (let t = 0; t < total; t++) {
    let r = t,
      wt = 1;
    for (let d = 0; d < n; d++) {
      idx[d] = r % m;
      r = (r - idx[d]) / m;
      wt *= w[idx[d]];
    }
    for (let i = 0; i < n; i++) {
      let v = 0;
      for (let d = 0; d < n; d++) v += A[i * n + d] * x[idx[d]];
      z[i] = v;
    }
    s += wt * f(z);
  }
  return s;
}

export interface QuadOptions {
  /** Nodes per dimension for 2-, 3- and 4-dimensional integrals (default 48, 28, 20: ~1e-9 for erf-like σ at unit-variance fields). */
  nodes2?: number;
  nodes3?: number;
  nodes4?: number;
}

/** I2 = E[σA(z1) σB(z2)], C = [c11, c12, c22]. */
export function I2q(sA: Fn, sB: Fn, c11: number, c12: number, c22: number, nodes = 48): number {
  return gaussExpect([c11, c12, c12, c22], 2, (z) => sA(z[0]) * sB(z[1]), nodes);
}
/** J2 = E[σ′(z1)σ′(z2)]. */
export function J2q(dA: Fn, dB: Fn, c11: number, c12: number, c22: number, nodes = 48): number {
  return gaussExpect([c11, c12, c12, c22], 2, (z) => dA(z[0]) * dB(z[1]), nodes);
}
/** I3 = E[σ′(z1) z2 σ(z3)], C 3×3 row-major. */
export function I3q(d1: Fn, s3: Fn, C: ArrayLike<number>, nodes = 28): number {
  return gaussExpect(C, 3, (z) => d1(z[0]) * z[1] * s3(z[2]), nodes);
}
/** I4 = E[σ′(z1)σ′(z2)σ(z3)σ(z4)], C 4×4 row-major; s3/s4 may differ (teacher fields use σ*). */
export function I4q(d1: Fn, d2: Fn, s3: Fn, s4: Fn, C: ArrayLike<number>, nodes = 20): number {
  return gaussExpect(C, 4, (z) => d1(z[0]) * d2(z[1]) * s3(z[2]) * s4(z[3]), nodes);
}

/**
 * Committee ODE right-hand side (S10–S12 via S14) for general activations by quadrature. Same layout and
 * contract as committee_rhs / src/ref/committee.ts rhs (the activation codes in params are ignored).
 * @param sigma student σ; @param sigmaPrime its derivative (central differences if omitted);
 * @param teacherSigma σ* (default σ).
 */
export function rhsGeneral(
  params: ArrayLike<number>,
  y: ArrayLike<number>,
  dy: Float64Array,
  sigma: Fn,
  sigmaPrime?: Fn,
  teacherSigma?: Fn,
  opts: QuadOptions = {},
): void {
  const p = params[PAR.P],
    k = params[PAR.K],
    n = p + k;
  const trained = params[PAR.TRAIN_A] !== 0;
  const vt = params[PAR.VAR],
    gp = params[PAR.GAMMA_OVER_P],
    delta = params[PAR.NOISE];
  const ds = sigmaPrime ?? derivative(sigma);
  const ts = teacherSigma ?? sigma;
  const n2 = opts.nodes2 ?? 48,
    n3 = opts.nodes3 ?? 28,
    n4 = opts.nodes4 ?? 20;
  const om = new Float64Array(n * n),
    w = new Float64Array(n);
  const ao = p * p + p * k;
  const a = (j: number) => (trained ? y[ao + j] : 1);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) om[i * n + j] = y[i * p + j];
    for (let r = 0; r < k; r++) om[i * n + p + r] = om[(p + r) * n + i] = y[p * p + i * k + r];
    w[i] = -a(i) / p;
  }
  for (let r = 0; r < k; r++) {
    for (let s = 0; s < k; s++) om[(p + r) * n + p + s] = params[PAR.HEADER + r * k + s];
    w[p + r] = params[PAR.HEADER + k * k + r] / k;
  }
  const O = (i: number, j: number) => om[i * n + j];
  const plain = (c: number) => (c < p ? sigma : ts);
  const sub = (idx: number[]) => {
    const m = idx.length,
      C = new Float64Array(m * m);
    for (let u = 0; u < m; u++) for (let v = 0; v < m; v++) C[u * m + v] = O(idx[u], idx[v]);
    return C;
  };
  // E[f(z_idx)] over the DISTINCT fields of idx only (coincident fields, e.g. j = l or c = e, lower the
  // dimension: exact for rank-deficient C and much faster/more accurate than a singular 4-d rule).
  const nodesFor = (m: number) => (m <= 2 ? n2 : m === 3 ? n3 : n4);
  const expectFields = (idx: number[], f: (v: Float64Array) => number): number => {
    const uniq: number[] = [];
    const pos = idx.map((i) => {
      let q = uniq.indexOf(i);
      if (q < 0) q = uniq.push(i) - 1;
      return q;
    });
    const m = uniq.length;
    const vals = new Float64Array(idx.length);
    const g = (z: Float64Array) => {
      for (let t = 0; t < idx.length; t++) vals[t] = z[pos[t]];
      return f(vals);
    };
    if (m === 1) {
      const c = O(uniq[0], uniq[0]);
      return gaussExpect([c], 1, g, n2);
    }
    return gaussExpect(sub(uniq), m, g, nodesFor(m));
  };
  // T_j(b) = Σ_c w_c I3(j, b, c)
  const T = new Float64Array(p * n);
  for (let j = 0; j < p; j++)
    for (let b = 0; b < n; b++) {
      let s = 0;
      for (let c = 0; c < n; c++) {
        const sc = plain(c);
        s += w[c] * expectFields([j, b, c], (v) => ds(v[0]) * v[1] * sc(v[2]));
      }
      T[j * n + b] = s;
    }
  for (let j = 0; j < p; j++) for (let r = 0; r < k; r++) dy[p * p + j * k + r] = a(j) * T[j * n + p + r];
  for (let j = 0; j < p; j++)
    for (let l = j; l < p; l++) {
      let v = a(j) * T[j * n + l] + a(l) * T[l * n + j];
      if (vt !== VAR_CODE.none) {
        let vv = delta * expectFields([j, l], (z) => ds(z[0]) * ds(z[1]));
        if (vt === VAR_CODE.full) {
          let s = 0;
          for (let c = 0; c < n; c++)
            for (let e = c; e < n; e++) {
              const sc = plain(c),
                se = plain(e);
              s += (c === e ? 1 : 2) * w[c] * w[e] * expectFields([j, l, c, e], (z) => ds(z[0]) * ds(z[1]) * sc(z[2]) * se(z[3]));
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
      for (let c = 0; c < n; c++) {
        const sc = plain(c);
        s += w[c] * expectFields([j, c], (z) => sigma(z[0]) * sc(z[1]));
      }
      dy[ao + j] = s;
    }
}

/** ε_g (S15) for general activations by 2-d quadrature. */
export function riskGeneral(params: ArrayLike<number>, y: ArrayLike<number>, sigma: Fn, teacherSigma?: Fn, nodes = 48): number {
  const p = params[PAR.P],
    k = params[PAR.K],
    n = p + k;
  const trained = params[PAR.TRAIN_A] !== 0;
  const ts = teacherSigma ?? sigma;
  const O = (i: number, j: number): number => {
    if (i < p && j < p) return y[i * p + j];
    if (i < p) return y[p * p + i * k + j - p];
    if (j < p) return y[p * p + j * k + i - p];
    return params[PAR.HEADER + (i - p) * k + j - p];
  };
  const w = (c: number) => (c < p ? -(trained ? y[p * p + p * k + c] : 1) / p : params[PAR.HEADER + k * k + c - p] / k);
  let s = 0;
  for (let c = 0; c < n; c++) for (let e = 0; e < n; e++) s += w(c) * w(e) * I2q(c < p ? sigma : ts, e < p ? sigma : ts, O(c, c), O(c, e), O(e, e), nodes);
  return 0.5 * s;
}

// ------------------------------------------------------------------ Monte Carlo helpers (tests)

/** Seeded xoshiro128**-free simple generator: SplitMix-style 32-bit (mulberry32) + Box–Muller normals. */
export class NormalStream {
  private s: number;
  private spare = NaN;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  uniform(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const hi = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    t = this.s = (this.s + 0x6d2b79f5) >>> 0;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const lo = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return hi + lo / 4294967296 + 1 / 18446744073709551616;
  }
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const v = this.spare;
      this.spare = NaN;
      return v;
    }
    const u1 = this.uniform(),
      u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }
}

/** Monte-Carlo mean and standard error of f(z), z ~ N(0, C) (n-dim, C row-major), N samples. */
export function monteCarlo(C: ArrayLike<number>, n: number, f: (z: Float64Array) => number, N: number, seed = 1): { mean: number; se: number } {
  const A = sqrtFactor(C, n);
  const g = new NormalStream(seed);
  const x = new Float64Array(n),
    z = new Float64Array(n);
  let s = 0,
    s2 = 0;
  for (let t = 0; t < N; t++) {
    for (let d = 0; d < n; d++) x[d] = g.normal();
    for (let i = 0; i < n; i++) {
      let v = 0;
      for (let d = 0; d < n; d++) v += A[i * n + d] * x[d];
      z[i] = v;
    }
    const v = f(z);
    s += v;
    s2 += v * v;
  }
  const mean = s / N;
  return { mean, se: Math.sqrt(Math.max(s2 / N - mean * mean, 0) / N) };
}

/** A random, well-conditioned but asymmetric SPD matrix (Wishart-like: X Xᵀ/m + εI), seeded. */
export function randomCovariance(n: number, seed: number, m = n + 3, ridge = 0.05): Float64Array {
  const g = new NormalStream(seed);
  const X = Array.from({ length: n }, (_, i) => Array.from({ length: m }, () => g.normal() * (0.6 + 0.3 * i)));
  const C = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < m; t++) s += X[i][t] * X[j][t];
      C[i * n + j] = s / m + (i === j ? ridge : 0);
    }
  return C;
}
