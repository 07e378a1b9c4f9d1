// Elementwise inner-product kernel maps h(s), s = <x,x'>/d in [-1, 1] (kernel.md K3, K6).
// kmap_f64 maps a whole buffer in one call (Liftoff pitfall, engineering.md §4).

const PI: f64 = 3.141592653589793;
const INV_PI: f64 = 0.3183098861837907;

import { KMAP_EXP, KMAP_POLY, KMAP_ARCCOS0, KMAP_ARCCOS1, KMAP_RELU_NTK, KMAP_GEGENBAUER } from "./gen/kernel_layout";

@inline function clamp1(s: f64): f64 {
  return s > 1.0 ? 1.0 : s < -1.0 ? -1.0 : s;
}

@inline function horner(coef: usize, ncoef: i32, s: f64): f64 {
  let r: f64 = 0;
  for (let j = ncoef - 1; j >= 0; j--) r = r * s + load<f64>(coef + (<usize>j << 3));
  return r;
}

/** Σ_k coef[k] P_k^{(d)}(s), normalised Gegenbauer recurrence (K6), P_k(1) = 1. Needs d > 1. */
@inline function gegen(coef: usize, ncoef: i32, d: f64, s: f64): f64 {
  if (ncoef <= 0) return 0;
  let pm: f64 = 1;  // P_{k-1}
  let r = load<f64>(coef);
  if (ncoef == 1) return r;
  let p: f64 = s;  // P_k, k = 1
  r += load<f64>(coef + 8) * p;
  for (let k = 1; k + 1 < ncoef; k++) {
    const kf = <f64>k;
    // the division does not depend on s: it overlaps with the recurrence chain
    const rk = 1.0 / (kf + d - 2);
    const pn = ((2 * kf + d - 2) * rk) * s * p - (kf * rk) * pm;
    pm = p;
    p = pn;
    r += load<f64>(coef + (<usize>(k + 1) << 3)) * p;
  }
  return r;
}

@inline function kappa0(s: f64): f64 {
  return (PI - NativeMath.acos(s)) * INV_PI;
}
@inline function kappa1(s: f64): f64 {
  return (s * (PI - NativeMath.acos(s)) + NativeMath.sqrt(max(0, 1 - s * s))) * INV_PI;
}

// s·κ0(s) + κ1(s) with one acos
@inline function relu_ntk(s: f64): f64 {
  const t = PI - NativeMath.acos(s);
  return (2 * s * t + NativeMath.sqrt(max(0, 1 - s * s))) * INV_PI;
}

// exp for the kernel maps (issue 12: the exp kernel's map fused into the Gram, f64x2). Range
// reduction x = k·ln2 + r, |r| ≤ ln2/2, k = round(x/ln2) by the 1.5·2^52 shift (round to nearest
// even; the low mantissa bits of kd then hold k); k·LN2_HI is exact (fdlibm's split of ln 2, 32
// significant bits) so r = (x − k·LN2_HI) − k·LN2_LO loses at most half an ulp of r. exp(r) =
// 1 + r + q, q = r²/2 + r³·P(r), P the Taylor series 1/3! … 1/13! by Horner (truncation error
// r¹⁴/14! ≤ 4e-18 at |r| = ln2/2); 1 + r is kept as a rounded sum plus its exact error (Fast2Sum),
// so the only large rounding is the last addition. 2^k enters through the exponent bits (exact:
// |x| ≤ 708 keeps k in [−1021, 1022] and the result normal). Measured against 120-bit mpmath exp on
// 40 000 points over [−708, 708]: ≤ 0.71 ulp, 95 % correctly rounded (V8's Math.exp: ≤ 0.80 ulp);
// against Math.exp: ≤ 1 ulp (test/linalg/gram-fused.test.ts). The
// vector and scalar forms do the same IEEE operations in the same order (Wasm has no implicit FMA),
// so every lane equals exp_fast_f64 bitwise and the TS twin (src/ref/kmap.ts expFast) is bit-exact.
// Outside |x| ≤ 708, NaN included, NativeMath.exp (overflow, subnormal results, specials).
const EXP_LOG2E: f64 = 1.4426950408889634;
const EXP_SHIFT: f64 = 6755399441055744.0; // 1.5·2^52
const EXP_LN2_HI: f64 = 6.93147180369123816490e-1;
const EXP_LN2_LO: f64 = 1.90821492927058770002e-10;
const EXP_ONE_BITS: u64 = 0x3ff0000000000000;
const EXP_FAST_MAX: f64 = 708.0;
// 1/k!, k = 3 … 13 (the doubles nearest to them, as JS prints 1/k!)
const E3: f64 = 0.16666666666666666;
const E4: f64 = 0.041666666666666664;
const E5: f64 = 0.008333333333333333;
const E6: f64 = 0.001388888888888889;
const E7: f64 = 0.0001984126984126984;
const E8: f64 = 0.0000248015873015873;
const E9: f64 = 0.0000027557319223985893;
const E10: f64 = 2.755731922398589e-7;
const E11: f64 = 2.505210838544172e-8;
const E12: f64 = 2.08767569878681e-9;
const E13: f64 = 1.6059043836821613e-10;

// exp(x) for |x| ≤ 708 (see above); no range check.
@inline function exp_core(x: f64): f64 {
  const kd = x * EXP_LOG2E + EXP_SHIFT;
  const k = kd - EXP_SHIFT;
  const r = x - k * EXP_LN2_HI - k * EXP_LN2_LO;
  let p = E13 * r + E12;
  p = p * r + E11;
  p = p * r + E10;
  p = p * r + E9;
  p = p * r + E8;
  p = p * r + E7;
  p = p * r + E6;
  p = p * r + E5;
  p = p * r + E4;
  p = p * r + E3;
  const r2 = r * r;
  const q = r2 * 0.5 + r2 * r * p;
  const h = 1.0 + r;
  const e = h + ((r - (h - 1.0)) + q); // 1 + r as h + its exact rounding error (Fast2Sum, |r| < 1)
  return e * reinterpret<f64>((reinterpret<u64>(kd) << 52) + EXP_ONE_BITS);
}

/** exp(x) as the kernel maps compute it: the polynomial above for |x| ≤ 708, NativeMath.exp
 *  outside (and for NaN). Scalar form of every lane of the vector map. */
export function exp_fast_f64(x: f64): f64 {
  return abs(x) <= EXP_FAST_MAX ? exp_core(x) : NativeMath.exp(x);
}

// Two lanes of exp_core, operation for operation.
@inline function exp_core_v(x: v128): v128 {
  const kd = f64x2.add(f64x2.mul(x, f64x2.splat(EXP_LOG2E)), f64x2.splat(EXP_SHIFT));
  const k = f64x2.sub(kd, f64x2.splat(EXP_SHIFT));
  const r = f64x2.sub(f64x2.sub(x, f64x2.mul(k, f64x2.splat(EXP_LN2_HI))), f64x2.mul(k, f64x2.splat(EXP_LN2_LO)));
  let p = f64x2.add(f64x2.mul(f64x2.splat(E13), r), f64x2.splat(E12));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(E11));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(E10));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(E9));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(E8));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(E7));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(E6));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(E5));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(E4));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(E3));
  const r2 = f64x2.mul(r, r);
  const q = f64x2.add(f64x2.mul(r2, f64x2.splat(0.5)), f64x2.mul(f64x2.mul(r2, r), p));
  const h = f64x2.add(f64x2.splat(1.0), r);
  const e = f64x2.add(h, f64x2.add(f64x2.sub(r, f64x2.sub(h, f64x2.splat(1.0))), q));
  const s = i64x2.add(i64x2.shl(kd, 52), i64x2.splat(EXP_ONE_BITS));
  return f64x2.mul(e, s);
}

// Two lanes of exp_fast_f64: the vector polynomial when both lanes are in range, else per lane.
@inline function exp_fast_v(x: v128): v128 {
  if (v128.all_true<i64>(f64x2.le(f64x2.abs(x), f64x2.splat(EXP_FAST_MAX)))) return exp_core_v(x);
  return f64x2.replace_lane(f64x2.splat(exp_fast_f64(f64x2.extract_lane(x, 0))), 1, exp_fast_f64(f64x2.extract_lane(x, 1)));
}

/** dst[i] = exp_fast_f64(src[i]), i < count (test probe and bench of the vector exp; may alias). */
export function exp_fast_map_f64(src: usize, dst: usize, count: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 1 < count; i += 2) {
      const o = <usize>i << 3;
      v128.store(dst + o, exp_fast_v(v128.load(src + o)));
    }
  }
  for (; i < count; i++) {
    const o = <usize>i << 3;
    store<f64>(dst + o, exp_fast_f64(load<f64>(src + o)));
  }
}

/** Scalar h(s) (s is clamped to [-1, 1]). Same kinds and parameters as kmap_f64. */
export function kfun_f64(s0: f64, kind: i32, p0: f64, coef: usize, ncoef: i32): f64 {
  const s = clamp1(s0);
  switch (kind) {
    case 0: return exp_fast_f64(p0 * s);
    case 1: return horner(coef, ncoef, s);
    case 2: return kappa0(s);
    case 3: return kappa1(s);
    case 4: return relu_ntk(s);
    case 5: return gegen(coef, ncoef, p0, s);
    default: return NaN;
  }
}

/** dst[i] = weight·h(src[i]) (accumulate = 0) or dst[i] += weight·h(src[i]) (accumulate ≠ 0),
 *  i < count; src is clamped to [-1, 1] first. src and dst may alias (in-place map).
 *  kind: 0 exp(p0·s); 1 Σ_j coef[j] s^j (Horner); 2 arc-cosine κ0 = (π − acos s)/π;
 *  3 arc-cosine κ1 = (s(π − acos s) + √(1−s²))/π; 4 two-layer ReLU NTK s·κ0(s) + κ1(s);
 *  5 Gegenbauer series Σ_k coef[k] P_k^{(d)}(s), d = p0 (K6). Unknown kind writes NaN. */
export function kmap_f64(
  src: usize, dst: usize, count: i32, kind: i32, p0: f64, coef: usize, ncoef: i32, weight: f64, accumulate: i32,
): void {
  const acc = accumulate != 0;
  // one loop per kind so the hot loop has no switch
  if (kind == 0) {
    let i = 0;
    if (ASC_FEATURE_SIMD) {
      // two lanes per step, each lane the same operations as the scalar loop below (f64x2.min/max
      // propagate NaN and keep −0 as clamp1 does), so any chunking of a buffer gives the same bits
      const lo = f64x2.splat(-1.0), hi = f64x2.splat(1.0), vp = f64x2.splat(p0), vw = f64x2.splat(weight);
      for (; i + 1 < count; i += 2) {
        const o = <usize>i << 3;
        const s = f64x2.min(f64x2.max(v128.load(src + o), lo), hi);
        let v = f64x2.mul(vw, exp_fast_v(f64x2.mul(vp, s)));
        if (acc) v = f64x2.add(v128.load(dst + o), v);
        v128.store(dst + o, v);
      }
    }
    for (; i < count; i++) {
      const o = <usize>i << 3;
      const v = weight * exp_fast_f64(p0 * clamp1(load<f64>(src + o)));
      store<f64>(dst + o, acc ? load<f64>(dst + o) + v : v);
    }
  } else if (kind == 1) {
    for (let i = 0; i < count; i++) {
      const o = <usize>i << 3;
      const v = weight * horner(coef, ncoef, clamp1(load<f64>(src + o)));
      store<f64>(dst + o, acc ? load<f64>(dst + o) + v : v);
    }
  } else if (kind == 5) {
    for (let i = 0; i < count; i++) {
      const o = <usize>i << 3;
      const v = weight * gegen(coef, ncoef, p0, clamp1(load<f64>(src + o)));
      store<f64>(dst + o, acc ? load<f64>(dst + o) + v : v);
    }
  } else {
    for (let i = 0; i < count; i++) {
      const o = <usize>i << 3;
      const v = weight * kfun_f64(load<f64>(src + o), kind, p0, coef, ncoef);
      store<f64>(dst + o, acc ? load<f64>(dst + o) + v : v);
    }
  }
}

/** kmap_f64 on the lower triangle only (j ≤ i) of rows [row0, row1) of n×n row-major src → dst
 *  (issue 12: the Gram is computed on its lower triangle, so the map runs on n(n+1)/2 entries and
 *  the result is mirrored afterwards with mirror_lower_f64). Elementwise: any row split gives the
 *  same bits as one call, and the values equal kmap_f64 on the full symmetric matrix. */
export function kmap_lower_f64(
  src: usize, dst: usize, n: i32, row0: i32, row1: i32, kind: i32, p0: f64, coef: usize, ncoef: i32, weight: f64, accumulate: i32,
): void {
  const r1 = min(row1, n);
  for (let i = max(row0, 0); i < r1; i++) {
    const o = (<usize>i * <usize>n) << 3;
    kmap_f64(src + o, dst + o, i + 1, kind, p0, coef, ncoef, weight, accumulate);
  }
}
