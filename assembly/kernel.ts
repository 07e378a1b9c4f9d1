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

/** Scalar h(s) (s is clamped to [-1, 1]). Same kinds and parameters as kmap_f64. */
export function kfun_f64(s0: f64, kind: i32, p0: f64, coef: usize, ncoef: i32): f64 {
  const s = clamp1(s0);
  switch (kind) {
    case 0: return NativeMath.exp(p0 * s);
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
    for (let i = 0; i < count; i++) {
      const o = <usize>i << 3;
      const v = weight * NativeMath.exp(p0 * clamp1(load<f64>(src + o)));
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
