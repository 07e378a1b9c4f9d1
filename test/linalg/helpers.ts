// Shared helpers for the linalg tests: a tiny .npy reader, a seeded RNG, matrix generators, checks.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gemm } from '../../src/ref/blas.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/eigh/', import.meta.url));

/** Read a little-endian float64 C-order .npy (format 1.0/2.0/3.0). */
export function readNpy(path: string): { shape: number[]; data: Float64Array } {
  const buf = readFileSync(path);
  if (buf.readUInt8(0) !== 0x93 || buf.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${path}: not .npy`);
  const major = buf.readUInt8(6);
  const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const hstart = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', hstart, hstart + hlen);
  if (!/'descr':\s*'<f8'/.test(header)) throw new Error(`${path}: only <f8 supported: ${header}`);
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${path}: fortran order not supported`);
  const m = /'shape':\s*\(([^)]*)\)/.exec(header);
  const shape = m![1]
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  const off = hstart + hlen;
  const len = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(len);
  for (let i = 0; i < len; i++) data[i] = buf.readDoubleLE(off + 8 * i);
  return { shape, data };
}

/** xorshift-based uniform in [0,1) with a fixed seed (test-only). */
export function rng(seed: number): () => number {
  let s = (seed * 2654435761) >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}
export function normal(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

export function randomSym(n: number, seed: number): Float64Array {
  const r = rng(seed);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) A[i * n + j] = A[j * n + i] = r() - 0.5;
  return A;
}

/** Points on the sphere of radius √d, n×d row-major. */
export function spherePoints(n: number, d: number, seed: number): Float64Array {
  const r = rng(seed);
  const X = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += (X[i * d + k] = normal(r)) ** 2;
    const f = Math.sqrt(d / s);
    for (let k = 0; k < d; k++) X[i * d + k] *= f;
  }
  return X;
}

/** exp(G), G = X Xᵀ/d of sphere points: λ_max ≈ n·ξ_0, bulk O(1). */
export function kernelLike(n: number, d: number, seed: number): Float64Array {
  const X = spherePoints(n, d, seed);
  const K = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += X[i * d + k] * X[j * d + k];
      K[i * n + j] = K[j * n + i] = Math.exp(i === j ? 1 : s / d);
    }
  return K;
}

export function frob(A: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < A.length; i++) s += A[i] * A[i];
  return Math.sqrt(s);
}

/** ‖AV − VΛ‖_F/‖A‖_F and max|VᵀV − I| for V with eigenvectors in columns. */
export function eigChecks(A: Float64Array, n: number, V: Float64Array, w: Float64Array): { resid: number; orth: number } {
  const AV = new Float64Array(n * n);
  gemm(A, V, AV, n, n, n);
  let num = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) num += (AV[i * n + j] - V[i * n + j] * w[j]) ** 2;
  const Vt = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Vt[j * n + i] = V[i * n + j];
  const G = new Float64Array(n * n);
  gemm(Vt, V, G, n, n, n);
  let orth = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) orth = Math.max(orth, Math.abs(G[i * n + j] - (i === j ? 1 : 0)));
  const na = frob(A);
  return { resid: na === 0 ? Math.sqrt(num) : Math.sqrt(num) / na, orth };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** max over columns of min(|v − u|, |v + u|) (eigenvectors up to sign), V and U n×n column vectors. */
export function colDiffUpToSign(V: ArrayLike<number>, U: ArrayLike<number>, n: number, cols: number[] = [...Array(n).keys()]): number {
  let worst = 0;
  for (const j of cols) {
    let dp = 0,
      dm = 0;
    for (let i = 0; i < n; i++) {
      dp = Math.max(dp, Math.abs(V[i * n + j] - U[i * n + j]));
      dm = Math.max(dm, Math.abs(V[i * n + j] + U[i * n + j]));
    }
    worst = Math.max(worst, Math.min(dp, dm));
  }
  return worst;
}

/** Q diag(w) Qᵀ with Q a product of 4 random Householder reflectors (orthogonal to rounding). */
export function withSpectrum(w: number[], seed: number): Float64Array {
  const n = w.length,
    r = rng(seed);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) A[i * n + i] = w[i];
  for (let h = 0; h < 4; h++) {
    const v = Float64Array.from({ length: n }, () => r() - 0.5);
    const vv = v.reduce((s, x) => s + x * x, 0);
    // A ← H A H, H = I − 2vvᵀ/vᵀv
    const Av = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Av[i] += A[i * n + j] * v[j];
    const vAv = v.reduce((s, x, i) => s + x * Av[i], 0);
    const c = 2 / vv;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] += -c * (v[i] * Av[j] + Av[i] * v[j]) + c * c * vAv * v[i] * v[j];
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) A[i * n + j] = A[j * n + i] = 0.5 * (A[i * n + j] + A[j * n + i]);
  return A;
}

/** Dense symmetric tridiagonal matrix. */
export function denseTri(d: number[], e: number[]): Float64Array {
  const n = d.length,
    T = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    T[i * n + i] = d[i];
    if (i + 1 < n) T[i * n + i + 1] = T[(i + 1) * n + i] = e[i];
  }
  return T;
}

/** Glued Wilkinson W21+ blocks (diagonal |10 − i|, couplings 1), glued by δ. */
export function gluedWilkinson(blocks: number, delta: number): Float64Array {
  const d: number[] = [],
    e: number[] = [];
  for (let b = 0; b < blocks; b++) {
    for (let i = 0; i < 21; i++) {
      d.push(Math.abs(10 - i));
      if (i < 20) e.push(1);
    }
    if (b + 1 < blocks) e.push(delta);
  }
  return denseTri(d, e);
}
