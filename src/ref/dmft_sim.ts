// TS twin of assembly/dmft_sim.ts (dmft.md §11): the real two-layer network under projected GD /
// mini-batch SGD and GD on the Gaussian-process model, in plain loops on Float64Arrays. Same
// algorithm and operation order per sample; sums inside the Wasm matrix products are ordered
// differently, so the twins agree to rounding (not bitwise). Also the reference (no-Wasm) engine.
import type { RefStream } from '../numerics/rng.js';

// Params block layout and sizes: codegen/contract.mjs → src/gen/dmft_layout.ts.
import { DSIM_PAR as PAR, DSIM_PAR_LEN, DSIM_MAX_DEGREE } from '../gen/dmft_layout.js';
export { PAR, DSIM_PAR_LEN, DSIM_MAX_DEGREE };

// The params block builder is host code shared with the engine: src/dmft/sim-params.ts.
export { paramsBlock, type SimParams } from '../dmft/sim-params.js';

export function sigma(P: Float64Array, x: number): number {
  const K = P[PAR.K];
  let h0 = 1.0,
    h1 = x;
  let s = P[PAR.B0];
  if (K >= 1) s += P[PAR.B0 + 1] * h1;
  for (let k = 1; k < K; k++) {
    const h2 = x * h1 - k * h0;
    h0 = h1;
    h1 = h2;
    s += P[PAR.B0 + k + 1] * h1;
  }
  return s;
}

export function dsigma(P: Float64Array, x: number): number {
  const K = P[PAR.K];
  let h0 = 1.0,
    h1 = x;
  let s = 0;
  if (K >= 1) s = P[PAR.B0 + 1];
  if (K >= 2) s += 2.0 * P[PAR.B0 + 2] * h1;
  for (let k = 2; k < K; k++) {
    const h2 = x * h1 - (k - 1) * h0;
    h0 = h1;
    h1 = h2;
    s += (k + 1) * P[PAR.B0 + k + 1] * h1;
  }
  return s;
}

export function hval(P: Float64Array, q: number): number {
  let s = 0;
  for (let k = P[PAR.K]; k >= 0; k--) s = s * q + P[PAR.C0 + k];
  return s;
}

function dot(a: Float64Array, ao: number, b: Float64Array, bo: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[ao + i] * b[bo + i];
  return s;
}

export interface Population {
  testError: number;
  a: number;
  v: number;
  Co: number;
}

/** Twin of dsim_population: D4 and the order parameters. */
export function population(P: Float64Array, W: Float64Array, a: Float64Array, u: Float64Array): Population {
  const m = P[PAR.M],
    d = P[PAR.D];
  const tau = P[PAR.TAU];
  const signal = P[PAR.SIGNAL] !== 0;
  let quad = 0,
    lin = 0,
    asum = 0,
    vsum = 0,
    co = 0;
  for (let i = 0; i < m; i++) {
    asum += a[i];
    let row = 0;
    for (let j = 0; j < m; j++) {
      const q = dot(W, i * d, W, j * d, d);
      row += a[j] * hval(P, q);
      if (j !== i) co += q;
    }
    quad += a[i] * row;
    const vi = dot(u, 0, W, i * d, d);
    vsum += vi;
    if (signal) lin += a[i] * hval(P, vi);
  }
  const phi2 = signal ? hval(P, 1) : 0;
  return {
    testError: 0.5 * (tau * tau + phi2) - lin / m + quad / (2 * m * m),
    a: asum / m,
    v: vsum / m,
    Co: m > 1 ? co / (m * (m - 1)) : 0,
  };
}

/** Twin of net_step on rows idx (or all rows). */
function netStep(P: Float64Array, X: Float64Array, y: Float64Array, rows: ArrayLike<number>, W: Float64Array, a: Float64Array): boolean {
  const m = P[PAR.M],
    d = P[PAR.D];
  const lr = P[PAR.LR];
  const trainA = P[PAR.TRAIN_A] !== 0;
  const project = P[PAR.PROJECT] !== 0;
  const b = rows.length;
  const scale = 1 / m / b;
  const G = new Float64Array(m * d);
  const ga = new Float64Array(m);
  const z = new Float64Array(m);
  for (let r = 0; r < b; r++) {
    const mu = rows[r];
    let f = 0;
    for (let i = 0; i < m; i++) {
      z[i] = dot(X, mu * d, W, i * d, d);
      f += a[i] * sigma(P, z[i]);
    }
    const rs = (f / m - y[mu]) * scale;
    for (let i = 0; i < m; i++) {
      ga[i] += rs * sigma(P, z[i]);
      const c = rs * a[i] * dsigma(P, z[i]);
      for (let k = 0; k < d; k++) G[i * d + k] += c * X[mu * d + k];
    }
  }
  let ok = true;
  for (let i = 0; i < m; i++) {
    const o = i * d;
    if (project) {
      const gw = dot(G, o, W, o, d);
      const s = 1 + lr * gw;
      for (let k = 0; k < d; k++) W[o + k] = s * W[o + k] - lr * G[o + k];
    } else for (let k = 0; k < d; k++) W[o + k] -= lr * G[o + k];
    const nrm = Math.sqrt(dot(W, o, W, o, d));
    if (!(nrm > 0) || !Number.isFinite(nrm)) ok = false;
    for (let k = 0; k < d; k++) W[o + k] /= nrm;
    if (trainA) {
      a[i] -= lr * ga[i];
      if (!Number.isFinite(a[i])) ok = false;
    }
  }
  return ok;
}

/** Twin of dsim_net_run; perm has n + 1 entries (the position last). */
export function netRun(
  P: Float64Array,
  X: Float64Array,
  y: Float64Array,
  W: Float64Array,
  a: Float64Array,
  nsteps: number,
  perm: Int32Array,
  rs: RefStream,
): number {
  const n = P[PAR.N];
  const B = P[PAR.B];
  if (B >= n) {
    const all = Array.from({ length: n }, (_, i) => i);
    for (let s = 0; s < nsteps; s++) if (!netStep(P, X, y, all, W, a)) return s + 1;
    return 0;
  }
  for (let s = 0; s < nsteps; s++) {
    let pos = perm[n];
    if (pos >= n) {
      for (let i = n - 1; i > 0; i--) {
        let j = Math.floor(rs.nextUniform() * (i + 1));
        if (j > i) j = i;
        const t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
      }
      pos = 0;
    }
    const b = Math.min(B, n - pos);
    const rows = perm.slice(pos, pos + b);
    perm[n] = pos + b;
    if (!netStep(P, X, y, rows, W, a)) return s + 1;
  }
  return 0;
}

export function netTrainError(P: Float64Array, X: Float64Array, y: Float64Array, W: Float64Array, a: Float64Array): number {
  const m = P[PAR.M],
    d = P[PAR.D],
    n = P[PAR.N];
  let sum = 0;
  for (let mu = 0; mu < n; mu++) {
    let f = 0;
    for (let i = 0; i < m; i++) f += a[i] * sigma(P, dot(X, mu * d, W, i * d, d));
    const r = f / m - y[mu];
    sum += r * r;
  }
  return (0.5 * sum) / n;
}

export function netLabels(P: Float64Array, X: Float64Array, u: Float64Array, xi: Float64Array): Float64Array {
  const d = P[PAR.D],
    n = P[PAR.N];
  const y = new Float64Array(n);
  for (let mu = 0; mu < n; mu++) y[mu] = P[PAR.TAU] * xi[mu] + (P[PAR.SIGNAL] !== 0 ? sigma(P, dot(X, mu * d, u, 0, d)) : 0);
  return y;
}

export function normalizeRows(W: Float64Array, r: number, d: number): void {
  for (let i = 0; i < r; i++) {
    const nrm = Math.sqrt(dot(W, i * d, W, i * d, d));
    for (let k = 0; k < d; k++) W[i * d + k] /= nrm;
  }
}

// ---------------------------------------------------------------- Gaussian-process model

// Host numerics the production driver uses too (src/numerics/dmft-sim.ts), re-exported for the twin's users.
export { symmetrizeJ2 } from '../numerics/dmft-sim.js';

export interface GaussTensors {
  J1?: Float64Array; // n×d
  J2?: Float64Array; // n×d²
  J3?: Float64Array; // n×d³
}

/** F[i] = Σ_k √c_k ⟨J^{(k)}_μ, w_i^{⊗k}⟩ and E[i,:] = ∇_{w_i}F[i] (direct index sums). Like the kernel,
 *  the gradient assumes each sample's J2 symmetric (symmetrizeJ2) unless `generalJ2`. */
export function gaussFeatures(P: Float64Array, J: GaussTensors, mu: number, W: Float64Array, F: Float64Array, E?: Float64Array, generalJ2 = false): void {
  const m = P[PAR.M],
    d = P[PAR.D],
    K = P[PAR.K];
  const c = (k: number) => (K >= k ? P[PAR.C0 + k] : 0);
  F.fill(0);
  E?.fill(0);
  for (let i = 0; i < m; i++) {
    const w = (k: number) => W[i * d + k];
    if (c(1) !== 0) {
      const s = Math.sqrt(c(1));
      const o = mu * d;
      for (let x = 0; x < d; x++) {
        F[i] += s * J.J1![o + x] * w(x);
        if (E) E[i * d + x] += s * J.J1![o + x];
      }
    }
    if (c(2) !== 0) {
      const s = Math.sqrt(c(2));
      const o = mu * d * d;
      for (let x = 0; x < d; x++)
        for (let z = 0; z < d; z++) {
          const j = J.J2![o + x * d + z];
          F[i] += s * j * w(x) * w(z);
          if (E) {
            // Symmetric J2 (the kernel's contract, as the host stores it): ∇_w wᵀJw = 2Jw, one term.
            // `generalJ2`: the two-term gradient (J + Jᵀ)w valid for any J (the old two-pass result).
            E[i * d + x] += (generalJ2 ? 1 : 2) * s * j * w(z);
            if (generalJ2) E[i * d + z] += s * j * w(x);
          }
        }
    }
    if (c(3) !== 0) {
      const s = Math.sqrt(c(3));
      const o = mu * d * d * d;
      for (let x = 0; x < d; x++)
        for (let z = 0; z < d; z++)
          for (let q = 0; q < d; q++) {
            const j = J.J3![o + (x * d + z) * d + q];
            F[i] += s * j * w(x) * w(z) * w(q);
            if (E) {
              E[i * d + x] += s * j * w(z) * w(q);
              E[i * d + z] += s * j * w(x) * w(q);
              E[i * d + q] += s * j * w(x) * w(z);
            }
          }
    }
  }
}

export function gaussTrainError(P: Float64Array, J: GaussTensors, y: Float64Array, W: Float64Array, a: Float64Array): number {
  const m = P[PAR.M],
    n = P[PAR.N];
  const F = new Float64Array(m);
  let sum = 0;
  for (let mu = 0; mu < n; mu++) {
    gaussFeatures(P, J, mu, W, F);
    let f = 0;
    for (let i = 0; i < m; i++) f += a[i] * F[i];
    const r = f / m - y[mu];
    sum += r * r;
  }
  return (0.5 * sum) / n;
}

/** Twin of dsim_gauss_run: GD (D.9) with the n/d factor inside the step (J2 symmetric unless `generalJ2`). */
export function gaussRun(P: Float64Array, J: GaussTensors, y: Float64Array, W: Float64Array, a: Float64Array, nsteps: number, generalJ2 = false): number {
  const m = P[PAR.M],
    d = P[PAR.D],
    n = P[PAR.N];
  const eta = (P[PAR.LR] * n) / d;
  const trainA = P[PAR.TRAIN_A] !== 0;
  const F = new Float64Array(m);
  const E = new Float64Array(m * d);
  for (let s = 0; s < nsteps; s++) {
    const G = new Float64Array(m * d);
    const ga = new Float64Array(m);
    for (let mu = 0; mu < n; mu++) {
      gaussFeatures(P, J, mu, W, F, E, generalJ2);
      let f = 0;
      for (let i = 0; i < m; i++) f += a[i] * F[i];
      const rs = (f / m - y[mu]) / m / n;
      for (let i = 0; i < m; i++) {
        ga[i] += rs * F[i];
        for (let k = 0; k < d; k++) G[i * d + k] += rs * a[i] * E[i * d + k];
      }
    }
    let ok = true;
    for (let i = 0; i < m; i++) {
      for (let k = 0; k < d; k++) W[i * d + k] -= eta * G[i * d + k];
      const nrm = Math.sqrt(dot(W, i * d, W, i * d, d));
      if (!(nrm > 0) || !Number.isFinite(nrm)) ok = false;
      for (let k = 0; k < d; k++) W[i * d + k] /= nrm;
      if (trainA) {
        a[i] -= eta * ga[i];
        if (!Number.isFinite(a[i])) ok = false;
      }
    }
    if (!ok) return s + 1;
  }
  return 0;
}
