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

// exp as the Wasm kernel maps compute it (assembly/kernel.ts exp_fast_f64, issue 12): the same IEEE
// operations in the same order, so the values are bitwise those of the Wasm (release and scalar).
// x = k·ln2 + r (k by the 1.5·2^52 shift, fdlibm's two-part ln 2), exp(r) = (1 + r) + (r²/2 + r³P(r))
// (1 + r by Fast2Sum) with P the Taylor series 1/3! … 1/13!, times 2^k built in the exponent bits; Math.exp outside
// |x| ≤ 708 and for NaN.
const EXP_LOG2E = 1.4426950408889634;
const EXP_SHIFT = 6755399441055744; // 1.5·2^52
const EXP_LN2_HI = 6.9314718036912381649e-1;
const EXP_LN2_LO = 1.90821492927058770002e-10;
const E = [
  0.16666666666666666, 0.041666666666666664, 0.008333333333333333, 0.001388888888888889, 0.0001984126984126984, 0.0000248015873015873, 0.0000027557319223985893,
  2.755731922398589e-7, 2.505210838544172e-8, 2.08767569878681e-9, 1.6059043836821613e-10,
] as const; // 1/k!, k = 3 … 13
const scaleF = new Float64Array(1);
const scaleW = new Int32Array(scaleF.buffer); // little-endian: [low word, high word]

/** exp(x) bitwise as assembly/kernel.ts exp_fast_f64 (≤ 0.71 ulp from the exact value measured on |x| ≤ 708). */
export function expFast(x: number): number {
  if (!(Math.abs(x) <= 708)) return Math.exp(x);
  const kd = x * EXP_LOG2E + EXP_SHIFT;
  const k = kd - EXP_SHIFT;
  const r = x - k * EXP_LN2_HI - k * EXP_LN2_LO;
  let p = E[10] * r + E[9];
  for (let j = 8; j >= 0; j--) p = p * r + E[j];
  const r2 = r * r;
  const q = r2 * 0.5 + r2 * r * p;
  const h = 1 + r;
  const e = h + (r - (h - 1) + q); // 1 + r with its exact rounding error (Fast2Sum)
  scaleW[0] = 0;
  scaleW[1] = (k + 1023) << 20; // 2^k, k in [−1021, 1022]
  return e * scaleF[0];
}

/** h(s) for a kernel kind (numeric code as in kmap_f64). */
export function kfun(s0: number, kind: number, p0 = 0, coef: ArrayLike<number> = []): number {
  const s = clamp1(s0);
  switch (kind) {
    case 0:
      return expFast(p0 * s);
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
