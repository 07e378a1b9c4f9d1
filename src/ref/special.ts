// Plain-TS twins of assembly/special.ts (same algorithms, same constants): fdlibm-style asin, erf/erfc by
// the positive series (|x| < 2) and the Laplace continued fraction, φ₁(x) = expm1(x)/x.

const PIO2H = 1.5707963267948966;
const PIO2L = 6.123233995736766e-17;
const PIO4H = 7.853981633974483e-1;
const PS = [
  1.66666666666666657415e-1, -3.25565818622400915405e-1, 2.01212532134862925881e-1, -4.00555345006794114027e-2, 7.91534994289814532176e-4,
  3.4793310759602116757e-5,
];
const QS = [-2.40339491173441421878, 2.02094576023350569471, -6.8828397160545329303e-1, 7.70381505559019352791e-2];

function asinR(z: number): number {
  const p = z * (PS[0] + z * (PS[1] + z * (PS[2] + z * (PS[3] + z * (PS[4] + z * PS[5])))));
  const q = 1 + z * (QS[0] + z * (QS[1] + z * (QS[2] + z * QS[3])));
  return p / q;
}

const f64buf = new Float64Array(1);
const u32buf = new Uint32Array(f64buf.buffer);

/** arcsin, fdlibm scheme (~1 ulp). */
export function asin(x: number): number {
  const ax = Math.abs(x);
  if (ax >= 1) return ax === 1 ? Math.sign(x) * (PIO2H + PIO2L) : NaN;
  if (ax < 0.5) {
    if (ax < 1.4901161193847656e-8) return x;
    return x + x * asinR(x * x);
  }
  const z = (1 - ax) * 0.5;
  const s = Math.sqrt(z);
  const r = asinR(z);
  let res: number;
  if (ax >= 0.975) res = PIO2H - (2 * (s + s * r) - PIO2L);
  else {
    f64buf[0] = s;
    u32buf[0] = 0; // little-endian: clear the low word
    const f = f64buf[0];
    const c = (z - f * f) / (s + f);
    const p = 2 * s * r - (PIO2L - 2 * c);
    const q = PIO4H - 2 * f;
    res = PIO4H - (p - q);
  }
  return x < 0 ? -res : res;
}

export function asinClip(x: number): number {
  return asin(Math.min(Math.max(x, -1), 1));
}

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;

function erfSeries(ax: number): number {
  const x2 = ax * ax;
  const t2 = 2 * x2;
  let term = 1,
    sum = 1,
    n = 0;
  for (let i = 0; i < 80; i++) {
    n += 1;
    term *= t2 / (2 * n + 1);
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return TWO_OVER_SQRT_PI * ax * Math.exp(-x2) * sum;
}

function erfcCF(x: number): number {
  if (x > 27.3) return 0;
  const depth = x >= 4 ? 24 : x >= 3 ? 34 : x >= 2.5 ? 42 : x >= 2 ? 60 : x >= 1.5 ? 96 : 210;
  let t = 0;
  for (let n = depth; n >= 1; n--) t = (n * 0.5) / (x + t);
  // e^{−x²} = e^{−z²} e^{(z−x)(z+x)} with z = x rounded to 32 high bits (z² exact): no x² rounding error
  f64buf[0] = x;
  u32buf[0] = 0;
  const z = f64buf[0];
  return (ONE_OVER_SQRT_PI * Math.exp(-z * z) * Math.exp((z - x) * (z + x))) / (x + t);
}

export function erf(x: number): number {
  if (Number.isNaN(x)) return x;
  const ax = Math.abs(x);
  const r = ax < 2 ? erfSeries(ax) : ax > 6 ? 1 : 1 - erfcCF(ax);
  return x < 0 ? -r : r;
}

export function erfc(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x < 1) {
    if (x > -2) return 1 - (x < 0 ? -erfSeries(-x) : erfSeries(x));
    if (x < -6) return 2;
    return 2 - erfcCF(-x);
  }
  return erfcCF(x);
}

/** φ₁(x) = expm1(x)/x, φ₁(0) = 1. */
export function phi1(x: number): number {
  if (Math.abs(x) < 1e-3) return 1 + x * (0.5 + x * (1 / 6 + x * (1 / 24 + x * (1 / 120 + x / 720))));
  return Math.expm1(x) / x;
}
