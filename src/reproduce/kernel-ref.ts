// Independent reference values for the kernel reproductions (kernel.md §4, §6, G7): the exponential
// kernel's spectrum by its own ₀F₁ series (K12), multiplicities by K5, and a ridgeless Cholesky solve of
// one replicate's data with the exact L² error K22 — none of it goes through the engine's spectrum
// code or its eigendecomposition.
import { choleskySolve } from '../reference/dense.js';
import { RefStream } from '../numerics/rng.js';
import { kernelProblem, type KernelProblemInput } from '../kernel/problem.js';
import { buildSetup } from '../kernel/setup.js';
import { evalKernel } from '../kernel/kernels.js';

/** ₀F₁(; b; z) by its power series Σ zⁿ / ((b)_n n!). */
export function hyp0f1(b: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let n = 0; n < 200; n++) {
    term *= z / ((b + n) * (n + 1));
    sum += term;
    if (Math.abs(term) < 1e-18 * Math.abs(sum)) break;
  }
  return sum;
}

/** ξ_{d,k} of h(s) = e^{s} (K12 with τ = 1): ₀F₁(; k + d/2; 1/4) / Π_{j<k} (d + 2j). */
export function xiExp(d: number, k: number): number {
  let den = 1;
  for (let j = 0; j < k; j++) den *= d + 2 * j;
  return hyp0f1(k + d / 2, 0.25) / den;
}

/** B(d, k) = (2k + d − 2)/k · C(k + d − 3, k − 1) (K5), B(d, 0) = 1. */
export function multiplicityK5(d: number, k: number): number {
  if (k === 0) return 1;
  let c = 1; // C(k + d − 3, k − 1)
  for (let j = 1; j <= k - 1; j++) c = (c * (d - 2 + j)) / j;
  return ((2 * k + d - 2) / k) * c;
}

/** κ_{>ℓ} of e^s (K13): e − Σ_{k≤ℓ} ξ_k B(d,k). */
export function kappaExp(d: number, ell: number): number {
  let s = Math.E;
  for (let k = 0; k <= ell; k++) s -= xiExp(d, k) * multiplicityK5(d, k);
  return s;
}

/** A replicate's data regenerated in plain TS exactly as the engine draws it (same RNG streams), with
 *  the kernel matrix K = h(G) and the K22 ingredients: M = Σ_k ξ_k² B_k P_k(G), b = smoothed target, ‖f‖². */
export interface KernelData {
  n: number;
  d: number;
  X: Float64Array;
  y: Float64Array;
  K: Float64Array;
  M: Float64Array;
  b: Float64Array;
  f2: number;
}

export function regenerateKernelData(input: KernelProblemInput, replicate = 0): KernelData {
  const p = kernelProblem(input);
  const setup = buildSetup(p);
  const { samples: n, dim: d } = p;
  const rs = RefStream.fromSeed(p.seed, replicate);
  const X = new Float64Array(n * d);
  rs.sampleSphereRows(X, n, d);
  const eps = new Float64Array(n);
  rs.fillNormal(eps);
  const { value, smoothed } = setup.targetAt(X, n);
  const y = value.map((v, i) => v + p.noiseSd * eps[i]);
  const sp = setup.spectrum;
  const mc = sp.eigenvalues.map((x, k) => x * sp.mass[k]); // ξ_k² B_k
  const Kdeg = mc.length - 1;
  const K = new Float64Array(n * n);
  const M = new Float64Array(n * n);
  const P = new Float64Array(Kdeg + 1);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let l = 0; l < d; l++) s += X[i * d + l] * X[j * d + l];
      s = i === j ? 1 : s / d;
      const kv = evalKernel(setup.kernel, s);
      // Gegenbauer recurrence K6
      P[0] = 1;
      if (Kdeg >= 1) P[1] = s;
      for (let q = 1; q < Kdeg; q++) P[q + 1] = ((2 * q + d - 2) * s * P[q] - q * P[q - 1]) / (q + d - 2);
      let m = 0;
      for (let q = 0; q <= Kdeg; q++) m += mc[q] * P[q];
      K[i * n + j] = K[j * n + i] = kv;
      M[i * n + j] = M[j * n + i] = m;
    }
  }
  return { n, d, X, y, K, M, b: smoothed, f2: setup.targetNorm2 };
}

/**
 * G7, t = ∞: solve K a = y by Cholesky (no eigendecomposition) on the regenerated data and return the
 * ridgeless train error and the exact L² test error aᵀMa − 2aᵀb + ‖f‖² (K22).
 */
export function ridgelessCholesky(input: KernelProblemInput, replicate = 0): { train: number; test: number } {
  const { n, y, K, M, b: smoothed, f2 } = regenerateKernelData(input, replicate);
  const a = choleskySolve(K, y, n); // a = K⁻¹ y
  let train = 0;
  let test = f2;
  for (let i = 0; i < n; i++) {
    let ka = 0;
    let ma = 0;
    for (let j = 0; j < n; j++) {
      ka += K[i * n + j] * a[j];
      ma += M[i * n + j] * a[j];
    }
    train += (y[i] - ka) ** 2;
    test += a[i] * (ma - 2 * smoothed[i]);
  }
  return { train: train / n, test };
}
