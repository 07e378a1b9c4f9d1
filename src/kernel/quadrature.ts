/**
 * Gauss quadrature for the kernel spectrum (kernel.md K7–K9).
 *
 * The expectations needed are E_a[f] = ∫ f(s)(1−s²)^a ds / ∫ (1−s²)^a ds, a ≥ −½:
 * the law of s = ⟨x,x'⟩/d is a = (d−3)/2 (K7) and K9 uses a = k + (d−3)/2.
 * For large d this weight is very peaked (width ≈ 1/√d), so nodes must be accurate
 * in absolute terms near s = 0. Method (Golub–Welsch + polish):
 *   1. eigenvalues of the symmetric Jacobi matrix (own implicit-QL, `symTridiagEigenvalues`);
 *   2. one or two Newton steps on the orthonormal polynomial p_n (three-term recurrence);
 *   3. Christoffel weights w_i = 1 / Σ_{j<n} p_j(x_i)² (sum of positive terms, no cancellation),
 *      normalised to Σ w_i = 1, so Σ w_i f(x_i) is directly the expectation E_a[f].
 */

/** Symmetric tridiagonal eigenvalues by implicit QL with Wilkinson-type shifts.
 *  diag: length n; off: length n−1 (off[i] couples i and i+1). Returns ascending eigenvalues. */
export function symTridiagEigenvalues(diag: ArrayLike<number>, off: ArrayLike<number>): Float64Array {
  const n = diag.length;
  const d = Float64Array.from(diag);
  const e = new Float64Array(n);
  for (let i = 0; i < n - 1; i++) e[i] = off[i];
  const EPS = 2.220446049250313e-16;
  for (let l = 0; l < n; l++) {
    let iter = 0;
    for (;;) {
      let m = l;
      for (; m < n - 1; m++) {
        const dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
        if (Math.abs(e[m]) <= EPS * dd) break;
      }
      if (m === l) break;
      if (++iter > 60) throw new Error('symTridiagEigenvalues: QL did not converge');
      // Shift from the leading 2×2 block.
      let g = (d[l + 1] - d[l]) / (2 * e[l]);
      let r = Math.hypot(g, 1);
      g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
      let s = 1;
      let c = 1;
      let p = 0;
      let i = m - 1;
      let deflated = false;
      for (; i >= l; i--) {
        const f = s * e[i];
        const b = c * e[i];
        r = Math.hypot(f, g);
        e[i + 1] = r;
        if (r === 0) {
          // Underflow: split the problem and restart at l.
          d[i + 1] -= p;
          e[m] = 0;
          deflated = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1] - p;
        r = (d[i] - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
      }
      if (deflated) continue;
      d[l] -= p;
      e[l] = g;
      e[m] = 0;
    }
  }
  return d.sort();
}

export interface GaussRule {
  /** nodes in (−1, 1), ascending */
  nodes: Float64Array;
  /** weights, normalised so that Σ w = 1 (probability weights of the density) */
  weights: Float64Array;
}

/** Recurrence coefficient β_j of the monic orthogonal polynomials of (1−s²)^a (j ≥ 1). */
function betaSym(j: number, a: number): number {
  if (j === 1) return 1 / (2 * a + 3); // limit form, also valid at a = −½ (Chebyshev)
  return (j * (j + 2 * a)) / ((2 * j + 2 * a + 1) * (2 * j + 2 * a - 1));
}

const ruleCache = new Map<string, GaussRule>();

/**
 * n-point Gauss rule for the probability density ∝ (1−s²)^a on [−1,1] (symmetric Gauss–Jacobi,
 * α = β = a > −1). Exact for polynomials of degree ≤ 2n−1. Cached by (n, a).
 */
export function gaussJacobiSym(n: number, a: number): GaussRule {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`gaussJacobiSym: n must be a positive integer (got ${n})`);
  if (!(a > -1)) throw new RangeError(`gaussJacobiSym: a must be > −1 (got ${a})`);
  const key = `${n}:${a}`;
  const hit = ruleCache.get(key);
  if (hit) return hit;
  const sb = new Float64Array(n + 1); // sb[j] = √β_j
  for (let j = 1; j <= n; j++) sb[j] = Math.sqrt(betaSym(j, a));
  const diag = new Float64Array(n);
  const off = new Float64Array(Math.max(n - 1, 0));
  for (let j = 0; j < n - 1; j++) off[j] = sb[j + 1];
  const x = symTridiagEigenvalues(diag, off);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let xi = x[i];
    // Newton polish on the orthonormal p_n (symmetry: nodes come in ± pairs).
    for (let it = 0; it < 3; it++) {
      let p0 = 1;
      let p1 = xi / sb[1];
      let dp0 = 0;
      let dp1 = 1 / sb[1];
      if (n === 1) {
        p1 = xi;
        dp1 = 1;
      } else {
        for (let j = 1; j < n; j++) {
          const p2 = (xi * p1 - sb[j] * p0) / sb[j + 1];
          const dp2 = (p1 + xi * dp1 - sb[j] * dp0) / sb[j + 1];
          p0 = p1;
          p1 = p2;
          dp0 = dp1;
          dp1 = dp2;
        }
      }
      if (!Number.isFinite(p1) || !Number.isFinite(dp1) || dp1 === 0) break;
      const step = p1 / dp1;
      if (!(Math.abs(step) < 1e-6)) break; // only polish, never jump to another root
      xi -= step;
      if (Math.abs(step) <= 1e-17) break;
    }
    x[i] = xi;
    // Christoffel weight 1/Σ p_j² (orthonormal, μ0 = 1).
    let q0 = 1;
    let q1 = xi / sb[1];
    let ss = 1 + (n > 1 ? q1 * q1 : 0);
    for (let j = 1; j < n - 1; j++) {
      const q2 = (xi * q1 - sb[j] * q0) / sb[j + 1];
      ss += q2 * q2;
      q0 = q1;
      q1 = q2;
    }
    w[i] = Number.isFinite(ss) ? 1 / ss : 0;
  }
  // Symmetrise (the rule is exactly symmetric) and renormalise.
  for (let i = 0; i < n >> 1; i++) {
    const j = n - 1 - i;
    const xm = 0.5 * (x[j] - x[i]);
    x[i] = -xm;
    x[j] = xm;
    const wm = 0.5 * (w[i] + w[j]);
    w[i] = wm;
    w[j] = wm;
  }
  if (n % 2 === 1) x[n >> 1] = 0;
  let sw = 0;
  for (let i = 0; i < n; i++) sw += w[i];
  for (let i = 0; i < n; i++) w[i] /= sw;
  const rule = { nodes: x, weights: w };
  ruleCache.set(key, rule);
  return rule;
}

/** E_a[f] with an n-point symmetric Gauss–Jacobi rule (density ∝ (1−s²)^a). */
export function expectJacobi(f: (s: number) => number, a: number, n = 160): number {
  const { nodes, weights } = gaussJacobiSym(n, a);
  let acc = 0;
  for (let i = 0; i < n; i++) acc += weights[i] * f(nodes[i]);
  return acc;
}

/** Gauss–Legendre rule on [lo, hi] (weights sum to hi − lo). */
export function gaussLegendre(n: number, lo = -1, hi = 1): GaussRule {
  const r = gaussJacobiSym(n, 0);
  const half = 0.5 * (hi - lo);
  const mid = 0.5 * (hi + lo);
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    nodes[i] = mid + half * r.nodes[i];
    weights[i] = 2 * half * r.weights[i];
  }
  return { nodes, weights };
}

/** n-point Gauss–Hermite rule for the standard normal N(0,1) (probabilists'; weights sum to 1).
 *  Golub–Welsch on the Jacobi matrix with off-diagonal √j, Christoffel weights. */
export function gaussHermite(n: number): GaussRule {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`gaussHermite: n must be a positive integer (got ${n})`);
  const off = new Float64Array(Math.max(n - 1, 0));
  for (let j = 0; j < n - 1; j++) off[j] = Math.sqrt(j + 1);
  const x = symTridiagEigenvalues(new Float64Array(n), off);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    // orthonormal He_j/√j!: x p_j = √(j+1) p_{j+1} + √j p_{j−1}
    let p0 = 1;
    let p1 = x[i];
    let ss = 1 + (n > 1 ? p1 * p1 : 0);
    for (let j = 1; j < n - 1; j++) {
      const p2 = (x[i] * p1 - Math.sqrt(j) * p0) / Math.sqrt(j + 1);
      ss += p2 * p2;
      p0 = p1;
      p1 = p2;
    }
    w[i] = Number.isFinite(ss) ? 1 / ss : 0;
  }
  let sw = 0;
  for (let i = 0; i < n; i++) sw += w[i];
  for (let i = 0; i < n; i++) w[i] /= sw;
  return { nodes: x, weights: w };
}
