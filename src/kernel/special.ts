/**
 * Special functions for the kernel spectrum (kernel.md §4, §11.7). Pure TS, f64.
 *
 * Why hand-written: we need Γ-ratios Γ(x)/Γ(y) at arguments up to ~5e3 (d = 1e4) to
 * ~1e-13 relative accuracy. Taking exp(lgamma(x) − lgamma(y)) naively would cost
 * ~|lgamma| · eps ≈ 4e4 · 1e-16 of relative accuracy; `lgammaRatio` below avoids
 * this cancellation with a log1p form of the Stirling difference.
 */

const HALF_LOG_2PI = 0.9189385332046727417803297; // ½ ln(2π)
const STIRLING_MIN = 20; // shift arguments up to here; the Stirling tail is < 2e-15 there

/** Stirling correction series ln Γ(z) − [(z−½)ln z − z + ½ln 2π], valid for z ≥ 20. */
function stirlingSeries(z: number): number {
  const z2 = 1 / (z * z);
  // Bernoulli terms B_{2m}/(2m(2m−1) z^{2m−1}), m = 1..6
  return (1 / z) * (1 / 12 + z2 * (-1 / 360 + z2 * (1 / 1260 + z2 * (-1 / 1680 + z2 * (1 / 1188 + z2 * (-691 / 360360))))));
}

/** ln|Γ(x)| for real x (x not a non-positive integer). */
export function lgamma(x: number): number {
  if (!Number.isFinite(x)) return x === Infinity ? Infinity : NaN;
  if (x <= 0 && Number.isInteger(x)) return Infinity;
  if (x < 0.5) {
    // Reflection Γ(x)Γ(1−x) = π / sin(πx)
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  }
  if (x === 1 || x === 2) return 0;
  let shiftLog = 0;
  let z = x;
  if (z < STIRLING_MIN) {
    // Γ(x) = Γ(x+n) / (x(x+1)…(x+n−1)); the product stays < 1e30, no overflow
    let prod = 1;
    while (z < STIRLING_MIN) {
      prod *= z;
      z += 1;
    }
    shiftLog = Math.log(prod);
  }
  return (z - 0.5) * Math.log(z) - z + HALF_LOG_2PI + stirlingSeries(z) - shiftLog;
}

/** Γ(x) (may overflow to Infinity). */
export function gamma(x: number): number {
  if (Number.isInteger(x) && x > 0 && x <= 171) {
    let p = 1;
    for (let i = 2; i < x; i++) p *= i;
    return p;
  }
  const s = x > 0 ? 1 : Math.sign(Math.sin(Math.PI * x)) * 1;
  return s * Math.exp(lgamma(x));
}

/**
 * ln(Γ(x)/Γ(y)) for x, y > 0, accurate even when x, y are large and close
 * (the case Γ(d/2)/Γ((d−1)/2) at d = 1e4). Uses
 * (x−½)ln x − (y−½)ln y − (x−y) = (y−½)·log1p(δ/y) + δ(ln x − 1), δ = x − y.
 */
export function lgammaRatio(x: number, y: number): number {
  if (!(x > 0 && y > 0)) throw new RangeError(`lgammaRatio: arguments must be > 0 (got ${x}, ${y})`);
  const delta = x - y;
  if (delta === 0) return 0;
  let corr = 0;
  let xs = x;
  let ys = y;
  // Shift both arguments up by the same integer so that δ is preserved exactly.
  while (Math.min(xs, ys) < STIRLING_MIN) {
    corr += Math.log1p(delta / ys); // ln(x+i) − ln(y+i)
    xs += 1;
    ys += 1;
  }
  const main = (ys - 0.5) * Math.log1p(delta / ys) + delta * (Math.log(xs) - 1);
  return main + (stirlingSeries(xs) - stirlingSeries(ys)) - corr;
}

/** Γ(x)/Γ(y); exact product when x − y is a small integer. */
export function gammaRatio(x: number, y: number): number {
  const delta = x - y;
  if (Number.isInteger(delta) && Math.abs(delta) <= 64 && x > 0 && y > 0) {
    // Γ(y+n)/Γ(y) = y(y+1)…(y+n−1): rounding only (no lgamma)
    if (delta >= 0) return pochhammer(y, delta);
    return 1 / pochhammer(x, -delta);
  }
  return Math.exp(lgammaRatio(x, y));
}

/** Rising factorial (a)_n = a(a+1)…(a+n−1), n a non-negative integer. */
export function pochhammer(a: number, n: number): number {
  let p = 1;
  for (let i = 0; i < n; i++) p *= a + i;
  return p;
}

/** ln n! */
export function logFactorial(n: number): number {
  if (n < 0 || !Number.isInteger(n)) throw new RangeError(`logFactorial: n must be a non-negative integer (got ${n})`);
  if (n <= 170) return Math.log(factorial(n));
  return lgamma(n + 1);
}

/** n! (Infinity beyond 170). */
export function factorial(n: number): number {
  let p = 1;
  for (let i = 2; i <= n; i++) p *= i;
  return p;
}

/** ln C(n, k) for integers 0 ≤ k ≤ n (sum of logs: accurate and overflow-free). */
export function logBinomial(n: number, k: number): number {
  if (k < 0 || k > n) return -Infinity;
  const kk = Math.min(k, n - k);
  if (kk <= 64) {
    let s = 0;
    for (let j = 1; j <= kk; j++) s += Math.log((n - kk + j) / j);
    return s;
  }
  return lgamma(n + 1) - lgamma(kk + 1) - lgamma(n - kk + 1);
}

/** C(n, k) for integers (exact up to 2^53 for the product form). */
export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  const kk = Math.min(k, n - k);
  if (kk <= 64) {
    let p = 1;
    for (let j = 1; j <= kk; j++) p = (p * (n - kk + j)) / j;
    return p < 2 ** 53 ? Math.round(p) : p;
  }
  return Math.exp(logBinomial(n, k));
}

/**
 * Confluent hypergeometric limit function ₀F₁(; b; z) = Σ_n z^n / ((b)_n n!)  (used by K12).
 * For z ≥ 0 all terms are positive (no cancellation). Series stops at relative 1e-17.
 */
export function hyp0f1(b: number, z: number): number {
  if (!(b > 0)) throw new RangeError(`hyp0f1: b must be > 0 (got ${b})`);
  let term = 1;
  let sum = 1;
  for (let n = 0; n < 100000; n++) {
    term *= z / ((b + n) * (n + 1));
    sum += term;
    if (Math.abs(term) <= 1e-17 * Math.abs(sum) && n > Math.abs(z) / (b + n)) break;
  }
  return sum;
}

/** log-sum-exp of an array (for masses in log space). */
export function logSumExp(xs: readonly number[]): number {
  let m = -Infinity;
  for (const x of xs) if (x > m) m = x;
  if (m === -Infinity) return -Infinity;
  let s = 0;
  for (const x of xs) s += Math.exp(x - m);
  return m + Math.log(s);
}
