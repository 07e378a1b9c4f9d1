// SIMD helpers of the committee kernels (not re-exported: the scalar build never references them).
import { PIO2_HI, PIO2_LO, PS0, PS1, PS2, PS3, PS4, PS5, QS1, QS2, QS3, QS4 } from "./special_consts";

/** Two-lane arcsin (same rational as special.asin, both branches selected, no hi/lo split: <= ~2 ulp).
 *  The argument must lie in [−1, 1] (clip first). */
// @ts-ignore: decorator
@inline export function asin_v(x: v128): v128 {
  const ax = f64x2.abs(x);
  const half = f64x2.splat(0.5);
  const big = f64x2.ge(ax, half);
  const zb = f64x2.mul(f64x2.sub(f64x2.splat(1.0), ax), half);
  const z = v128.bitselect(zb, f64x2.mul(x, x), big);
  let p = f64x2.add(f64x2.splat(PS4), f64x2.mul(z, f64x2.splat(PS5)));
  p = f64x2.add(f64x2.splat(PS3), f64x2.mul(z, p));
  p = f64x2.add(f64x2.splat(PS2), f64x2.mul(z, p));
  p = f64x2.add(f64x2.splat(PS1), f64x2.mul(z, p));
  p = f64x2.add(f64x2.splat(PS0), f64x2.mul(z, p));
  p = f64x2.mul(z, p);
  let q = f64x2.add(f64x2.splat(QS3), f64x2.mul(z, f64x2.splat(QS4)));
  q = f64x2.add(f64x2.splat(QS2), f64x2.mul(z, q));
  q = f64x2.add(f64x2.splat(QS1), f64x2.mul(z, q));
  q = f64x2.add(f64x2.splat(1.0), f64x2.mul(z, q));
  const r = f64x2.div(p, q);
  const s = f64x2.sqrt(z);
  // big branch: π/2 − 2(s + s r) = PIO2_HI − (2(s + s r) − PIO2_LO)
  const twoS = f64x2.mul(f64x2.splat(2.0), f64x2.add(s, f64x2.mul(s, r)));
  const resBig = f64x2.sub(f64x2.splat(PIO2_HI), f64x2.sub(twoS, f64x2.splat(PIO2_LO)));
  const resSmall = f64x2.add(ax, f64x2.mul(ax, r));
  const res = v128.bitselect(resBig, resSmall, big);
  const signMask = f64x2.splat(-0.0);
  return v128.or(v128.andnot(res, signMask), v128.and(x, signMask));
}
