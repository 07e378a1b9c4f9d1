// Plain-TS twin of assembly/kernel.ts: inner-product kernel maps h(s), s clamped to [-1, 1].

import { KMAP_KIND } from '../gen/kernel_layout.js';
export { KMAP_KIND };
export type KmapKind = keyof typeof KMAP_KIND;

const clamp1 = (s: number) => (s > 1 ? 1 : s < -1 ? -1 : s);
const kappa0 = (s: number) => (Math.PI - Math.acos(s)) / Math.PI;
const kappa1 = (s: number) => (s * (Math.PI - Math.acos(s)) + Math.sqrt(Math.max(0, 1 - s * s))) / Math.PI;

/** Σ_k coef[k] P_k^{(d)}(s), normalised Gegenbauer recurrence (kernel.md K6). */
export function gegenbauerSeries(coef: ArrayLike<number>, d: number, s: number): number {
  const nc = coef.length;
  if (nc === 0) return 0;
  let r = coef[0];
  if (nc === 1) return r;
  let pm = 1;
  let p = s;
  r += coef[1] * p;
  for (let k = 1; k + 1 < nc; k++) {
    const rk = 1 / (k + d - 2);
    const pn = (2 * k + d - 2) * rk * s * p - k * rk * pm;
    pm = p;
    p = pn;
    r += coef[k + 1] * p;
  }
  return r;
}

/** h(s) for a kernel kind (numeric code as in kmap_f64). */
export function kfun(s0: number, kind: number, p0 = 0, coef: ArrayLike<number> = []): number {
  const s = clamp1(s0);
  switch (kind) {
    case 0:
      return Math.exp(p0 * s);
    case 1: {
      let r = 0;
      for (let j = coef.length - 1; j >= 0; j--) r = r * s + coef[j];
      return r;
    }
    case 2:
      return kappa0(s);
    case 3:
      return kappa1(s);
    case 4: {
      const t = Math.PI - Math.acos(s);
      return (2 * s * t + Math.sqrt(Math.max(0, 1 - s * s))) / Math.PI; // s·κ0(s) + κ1(s)
    }
    case 5:
      return gegenbauerSeries(coef, p0, s);
    default:
      return NaN;
  }
}

/** dst = weight·h(src) or dst += weight·h(src). */
export function kmap(
  src: ArrayLike<number>,
  dst: Float64Array,
  kind: number,
  p0 = 0,
  coef: ArrayLike<number> = [],
  weight = 1,
  accumulate = false,
  count = src.length,
): Float64Array {
  for (let i = 0; i < count; i++) {
    const v = weight * kfun(src[i], kind, p0, coef);
    dst[i] = accumulate ? dst[i] + v : v;
  }
  return dst;
}
