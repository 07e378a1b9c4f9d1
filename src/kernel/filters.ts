// Spectral filters of the Empirical World (kernel.md K18, K19, K21, §11.3). Pure functions of
// (λ, t, n): cheap O(n) per time, so they live on the host.

/** g_t(λ) = (1 − e^{−λt/n})/λ = −expm1(−λt/n)/λ, with the series near 0 (§11.3).
 *  Eigenvalues at or below tol (≈ n·ε·λ_max: numerically zero or clipped) are projected out at every
 *  t, as the t = ∞ pseudo-inverse does (§11.4): for a PSD kernel those directions carry no function
 *  (vᵀKv = 0), and keeping g = t/n there only amplifies rounding noise at large t. */
export function flowFilter(lambda: number, t: number, n: number, tol: number): number {
  if (!(lambda > tol)) return 0;
  if (t === Infinity) return 1 / lambda;
  const x = (lambda * t) / n;
  if (Math.abs(x) < 1e-8) return (t / n) * (1 - x / 2 + (x * x) / 6);
  return -Math.expm1(-x) / lambda;
}

/** Residual factor of the train predictions: e^{−λt/n} (K18). */
export function flowResidual(lambda: number, t: number, n: number, tol: number): number {
  if (!(lambda > tol)) return 1;
  if (t === Infinity) return 0;
  return Math.exp((-lambda * t) / n);
}

/** Number of GD steps used for GF time t with step η: k = ⌊t/η⌋ (K21: t = kη). */
export function gdSteps(t: number, eta: number): number {
  return t === Infinity ? Infinity : Math.floor(t / eta + 1e-9);
}

/** GD residual factor (1 − ηλ/n)^k (K21). Integer k, so a negative base is fine. */
export function gdResidual(lambda: number, t: number, n: number, eta: number, tol: number): number {
  if (!(lambda > tol)) return 1;
  const k = gdSteps(t, eta);
  const base = 1 - (eta * lambda) / n;
  if (k === Infinity) return lambda > tol && Math.abs(base) < 1 ? 0 : Math.abs(base) < 1 ? 1 : Infinity;
  if (k === 0) return 1;
  if (base > 0) return Math.exp(k * Math.log1p((-eta * lambda) / n));
  return base ** k;
}

/** GD coefficient filter (1 − (1 − ηλ/n)^k)/λ; k η/n as λ → 0. */
export function gdFilter(lambda: number, t: number, n: number, eta: number, tol: number): number {
  if (!(lambda > tol)) return 0;
  const k = gdSteps(t, eta);
  if (k === Infinity) return flowFilter(lambda, Infinity, n, tol);
  const x = (eta * lambda) / n;
  if (Math.abs(x) < 1e-12) return (k * eta) / n;
  const base = 1 - x;
  if (base > 0) return -Math.expm1(k * Math.log1p(-x)) / lambda;
  return (1 - base ** k) / lambda;
}

/** GD on the Empirical World is stable iff η < 2n/λ_max (K21). */
export function maxStableLr(lambdaMax: number, n: number): number {
  return lambdaMax > 0 ? (2 * n) / lambdaMax : Infinity;
}
