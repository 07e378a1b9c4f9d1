// Special functions in f64 (engineering.md §2, committee.md §8.4): Wasm has sqrt but no arcsin or erf.
//
// asin: the classic fdlibm/musl scheme. |x| < 0.5: asin x = x + x·R(x²); |x| >= 0.5: with
//   z = (1 − |x|)/2, s = √z, asin|x| = π/2 − 2(s + s·R(z)), where R(z) = z·P(z)/Q(z) is the
//   degree-(5,4) rational approximation of (asin√z − √z)/√z^3; for 0.5 <= |x| < 0.975 the extra
//   precision of 2s is recovered by splitting s = f + c (f = s with its low word cleared). ~1 ulp.
// asin_v (SIMD f64x2): the same rational, both branches computed and selected, without the
//   hi/lo split (<= ~2 ulp); used in the I4 inner loops. Callers clip to [−1, 1].
// erf/erfc: for |x| < 2, the all-positive series erf x = (2/√π) x e^{−x²} Σ_n (2x²)^n/(2n+1)!!
//   (no cancellation; ~35 terms at |x| = 2); for |x| >= 1 (erfc) / 2 (erf) the Laplace continued
//   fraction erfc x = e^{−x²}/√π · 1/(x + (1/2)/(x + (2/2)/(x + (3/2)/(x + …)))) evaluated
//   backwards with a depth chosen per range (tested to 1e-17 truncation). erfc below 1 is 1 − erf
//   (erf/erfc <= 5.4 there, so relative error stays ~1e-15). Relative accuracy ~1e-16 for erf.
// phi1(x) = expm1(x)/x with its Taylor series for |x| < 1e-3.
import { PIO2_HI, PIO2_LO, PS0, PS1, PS2, PS3, PS4, PS5, QS1, QS2, QS3, QS4 } from "./special_consts";

const PIO4_HI: f64 = 7.85398163397448278999e-01;

@inline function asinR(z: f64): f64 {
  const p = z * (PS0 + z * (PS1 + z * (PS2 + z * (PS3 + z * (PS4 + z * PS5)))));
  const q = 1.0 + z * (QS1 + z * (QS2 + z * (QS3 + z * QS4)));
  return p / q;
}

/** arcsin in f64 (fdlibm-style, ~1 ulp). NaN outside [−1, 1]. */
export function asin(x: f64): f64 {
  const ax = abs(x);
  if (ax >= 1.0) {
    if (ax == 1.0) return copysign<f64>(PIO2_HI + PIO2_LO, x);
    return NaN;
  }
  if (ax < 0.5) {
    if (ax < 1.4901161193847656e-8) return x; // 2^-26: x + x·R(x²) rounds to x
    return x + x * asinR(x * x);
  }
  const z = (1.0 - ax) * 0.5;
  const s = sqrt(z);
  const r = asinR(z);
  let res: f64;
  if (ax >= 0.975) {
    res = PIO2_HI - (2.0 * (s + s * r) - PIO2_LO);
  } else {
    const f = reinterpret<f64>(reinterpret<u64>(s) & 0xFFFFFFFF00000000);
    const c = (z - f * f) / (s + f);
    const p = 2.0 * s * r - (PIO2_LO - 2.0 * c);
    const q = PIO4_HI - 2.0 * f;
    res = PIO4_HI - (p - q);
  }
  return copysign<f64>(res, x);
}

/** asin(min(max(x, −1), 1)): the clipped arcsin used by every closed form (committee.md §8.4). */
@inline export function asin_clip(x: f64): f64 {
  return asin(min(max(x, -1.0), 1.0));
}

const TWO_OVER_SQRT_PI: f64 = 1.1283791670955126;
const ONE_OVER_SQRT_PI: f64 = 0.5641895835477563;

/** erf(x) for |x| < 2 by the positive series. */
function erfSeries(ax: f64): f64 {
  const x2 = ax * ax;
  const t2 = 2.0 * x2;
  let term: f64 = 1.0;
  let sum: f64 = 1.0;
  let n: f64 = 0.0;
  for (let i = 0; i < 80; i++) {
    n += 1.0;
    term *= t2 / (2.0 * n + 1.0);
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return TWO_OVER_SQRT_PI * ax * Math.exp(-x2) * sum;
}

/** erfc(x) for x >= 1 by the Laplace continued fraction. */
function erfcCF(x: f64): f64 {
  if (x > 27.3) return 0.0;
  let depth: i32;
  if (x >= 4.0) depth = 24;
  else if (x >= 3.0) depth = 34;
  else if (x >= 2.5) depth = 42;
  else if (x >= 2.0) depth = 60;
  else if (x >= 1.5) depth = 96;
  else depth = 210;
  let t: f64 = 0.0;
  for (let n = depth; n >= 1; n--) t = (<f64>n * 0.5) / (x + t);
  // e^{−x²} = e^{−z²} e^{(z−x)(z+x)}, z = x with its low word cleared (z² exact)
  const z = reinterpret<f64>(reinterpret<u64>(x) & 0xFFFFFFFF00000000);
  return ONE_OVER_SQRT_PI * Math.exp(-z * z) * Math.exp((z - x) * (z + x)) / (x + t);
}

export function erf(x: f64): f64 {
  if (isNaN(x)) return x;
  const ax = abs(x);
  let r: f64;
  if (ax < 2.0) r = erfSeries(ax);
  else if (ax > 6.0) r = 1.0;
  else r = 1.0 - erfcCF(ax);
  return copysign<f64>(r, x);
}

export function erfc(x: f64): f64 {
  if (isNaN(x)) return x;
  if (x < 1.0) {
    if (x > -2.0) return 1.0 - copysign<f64>(erfSeries(abs(x)), x);
    if (x < -6.0) return 2.0;
    return 2.0 - erfcCF(-x);
  }
  return erfcCF(x);
}

/** φ₁(x) = expm1(x)/x, with φ₁(0) = 1 (Taylor series for |x| < 1e-3). */
export function phi1(x: f64): f64 {
  if (abs(x) < 1e-3) return 1.0 + x * (0.5 + x * (1.0 / 6.0 + x * (1.0 / 24.0 + x * (1.0 / 120.0 + x * (1.0 / 720.0)))));
  return Math.expm1(x) / x;
}

// Exports for tests.
export function special_asin(x: f64): f64 { return asin(x); }
export function special_erf(x: f64): f64 { return erf(x); }
export function special_erfc(x: f64): f64 { return erfc(x); }
export function special_phi1(x: f64): f64 { return phi1(x); }
