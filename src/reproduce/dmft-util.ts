// Helpers shared by the dmft reproductions (src/reproduce/dmft.ts): series thinning for figures,
// look-ups on solver grids, checks, small fits. No solver logic here.
import type { Check } from './types.js';
import type { Series } from '../plot/figure.js';
import type { DmftSolution } from '../dmft/solve.js';
import { runCommand } from './engine-run.js';

/** h = 0.9z + z³/6 (σ = √0.9·x + He₃/6), h(1) = 16/15. */
export const H_CUBIC = [0, 0.9, 0, 1 / 6];
/** h = 0.9z + z²/2, h(1) = 1.4. */
export const H_Q09 = [0, 0.9, 0.5];
/** h = 0.3z + z²/2, h(1) = 0.8. */
export const H_Q03 = [0, 0.3, 0.5];
/** h = 0.1z + z²/2, h(1) = 0.6. */
export const H_Q01 = [0, 0.1, 0.5];

export const hEval = (c: number[], q: number): number => c.reduce((s, x, k) => s + x * q ** k, 0);
export const hPrime = (c: number[], q: number): number => c.reduce((s, x, k) => s + (k ? k * x * q ** (k - 1) : 0), 0);

/** Paper colours for several m (one per width, ordered). */
export const M_COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2'];

export function chk(name: string, value: number, expected: number, tol: { tol?: number; relTol?: number }, source: string): Check {
  return { name, value, expected, ...tol, source };
}

/** Linear interpolation of (xs, ys) at x (xs increasing). */
export function interpAt(xs: ArrayLike<number>, ys: ArrayLike<number>, x: number): number {
  const n = xs.length;
  if (n === 0) return NaN;
  if (x <= xs[0]) return ys[0];
  if (x >= xs[n - 1]) return x === xs[n - 1] ? ys[n - 1] : NaN;
  let lo = 0,
    hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= x) lo = mid;
    else hi = mid;
  }
  const w = (x - xs[lo]) / (xs[hi] - xs[lo]);
  return ys[lo] + w * (ys[hi] - ys[lo]);
}

/** Value of a SymmDMFT observable at GF time t (interpolated on the reported grid). */
export function solAt(s: DmftSolution, f: 'trainError' | 'testError' | 'a' | 'v' | 'gamma' | 'mCo' | 'Co' | 'Cd0' | 'gap' | 'nu', t: number): number {
  return interpAt(s.t, s[f], t);
}

/** Indices of about n points of a grid, log-spaced in x (x > 0) or uniform; first and last kept. */
export function thinIdx(x: ArrayLike<number>, n: number, log: boolean): number[] {
  const L = x.length;
  if (L <= n) return Array.from({ length: L }, (_, i) => i);
  const out = new Set<number>();
  if (!log) {
    for (let k = 0; k < n; k++) out.add(Math.round((k * (L - 1)) / (n - 1)));
  } else {
    let i0 = 0;
    while (i0 < L && !(x[i0] > 0)) i0++;
    if (i0 >= L) return [];
    const a = Math.log(x[i0]),
      b = Math.log(x[L - 1]);
    let j = i0;
    for (let k = 0; k < n; k++) {
      const target = Math.exp(a + ((b - a) * k) / (n - 1));
      while (j < L - 1 && x[j] < target) j++;
      out.add(j);
    }
    out.add(i0);
    out.add(L - 1);
  }
  return [...out].sort((p, q) => p - q);
}

/** A figure series from aligned arrays, thinned to ~n points. */
export function line(
  name: string,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  o: { log?: boolean; n?: number; dash?: Series['dash']; color?: string; mark?: 'line' | 'points'; se?: ArrayLike<number> } = {},
): Series {
  const idx = thinIdx(x, o.n ?? 300, o.log ?? true);
  return {
    name,
    x: idx.map((i) => x[i]),
    y: idx.map((i) => y[i]),
    mark: o.mark ?? 'line',
    ...(o.se ? { se: idx.map((i) => o.se![i]) } : {}),
    ...(o.dash ? { dash: o.dash } : {}),
    ...(o.color ? { color: o.color } : {}),
  };
}

export const f64 = (x: ArrayLike<number>): Float64Array => Float64Array.from(x);

/** Least-squares slope of log y on log x (power-law exponent). */
export function logSlope(x: number[], y: number[]): number {
  const lx = x.map(Math.log),
    ly = y.map(Math.log);
  const n = lx.length;
  const mx = lx.reduce((a, b) => a + b, 0) / n,
    my = ly.reduce((a, b) => a + b, 0) / n;
  let sxy = 0,
    sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (lx[i] - mx) * (ly[i] - my);
    sxx += (lx[i] - mx) ** 2;
  }
  return sxy / sxx;
}

/** Largest increase e[k] − e[k−1] of a sequence (0 when non-increasing). */
export function maxRise(e: ArrayLike<number>): number {
  let r = 0;
  for (let k = 1; k < e.length; k++) r = Math.max(r, e[k] - e[k - 1]);
  return r;
}

export const fmtM = (m: number): string => `m = ${m}`;

/** The mean-field ODE D38 (a(t), v(t), e(t)) as `dmft reduced` kind 'mean-field' (RK4 step `dt`),
 *  thinned to about 2000 points for the figure and the arrays. */
export async function meanFieldCurve(p: {
  alpha: number;
  tau: number;
  h: number[];
  phiHat: number[];
  phiNorm2: number;
  a0: number;
  tMax: number;
  dt: number;
}): Promise<{ t: number[]; a: number[]; v: number[]; error: number[] }> {
  const { dt, ...rest } = p;
  const r = await runCommand('dmft reduced', { kind: 'mean-field', ...rest, eta: dt });
  if (r.status !== 'Success' || !r.a || !r.v) throw new Error(`mean-field ODE ended ${r.status}: ${r.message ?? ''}`);
  const every = Math.max(1, Math.ceil((r.t.length - 1) / 2000));
  const keep = <T>(x: T[]) => x.filter((_, i) => i % every === 0);
  return { t: keep(r.t), a: keep(r.a), v: keep(r.v), error: keep(r.trainError) };
}
