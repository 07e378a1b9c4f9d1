/**
 * Spectrum of inner-product kernels on the sphere S^{d−1}(√d) and the hypercube {±1}^d
 * (kernel.md §4, §10, §11.7).
 *
 * Eigenvalue routes (per kernel term; the spectrum is linear in h):
 *  - exp (e^{τs}):  closed form K12 with ₀F₁ (default), or K9 by Gauss–Jacobi (cross-check).
 *  - poly / taylor: K9 in closed form. h^{(k)} is a polynomial and the K9 moments are
 *                   E_a[s^{2i}] = (½)_i / (a+3/2)_i, so ξ is a sum of non-negative terms for
 *                   non-negative coefficients (no cancellation).
 *  - arccos0 / arccos1 / relu-ntk: K9 in closed form. h^{(k)} = p(s)(1−s²)^{β} with p a
 *                   polynomial (kernels.ts), so E_a[h^{(k)}] is a finite sum of Beta-moments
 *                   M(a, 2i, β) = E_a[s^{2i}(1−s²)^β]. No quadrature and no Taylor truncation.
 *  - gegenbauer (Σ c_j P_j^{(dim)}): exact by K4, ξ_k = c_k / B(d,k) when dim = d. When
 *                   dim ≠ d it is expanded in monomials (alternating signs: precision loss is
 *                   reported in `notes`).
 *  - K8 (direct ∫ h P_k) is exported for tests only (`eigenvalueK8`); it loses digits at large d.
 * Hypercube: exp terms in closed form λ_k = sinh(τ/d)^k cosh(τ/d)^{d−k} [D] (the expectation
 * E_x[e^{τ⟨x,1⟩/d} χ_S(x)] factorises over coordinates), poly/taylor terms by the series of the
 * same generating function (non-negative coefficients), arc-cos terms at d ≥ 64 by their Taylor
 * series through the same route; other terms by K26 (Krawtchouk sum with
 * the C(d,m)/C(d,k) factor), an exact sum but with cancellation ~ λ_0/λ_k — reported in `notes`
 * when it exceeds 1e8.
 */
import {
  toKernelSpec,
  type KernelLike,
  type KernelSpec,
  type KernelTerm,
  evalKernel,
  compileKernel,
  arcsinDerivPoly,
  arccosTaylor,
  gegenbauerAll,
  gegenbauerMonomial,
} from './kernels.js';
import { binomial, gammaRatio, hyp0f1, logBinomial } from './special.js';
import { expectJacobi } from './quadrature.js';

export { gegenbauerP, gegenbauerAll } from './kernels.js';

// ---------------------------------------------------------------------------------------------
// Multiplicities

/** B(d,k) = (2k+d−2)/k · C(k+d−3, k−1)  (K5); B(d,0) = 1. Infinity if it overflows. */
export function multiplicity(d: number, k: number): number {
  checDK(d, k);
  if (k === 0) return 1;
  const lb = logMultiplicity(d, k);
  if (lb > 700) return Math.exp(lb);
  // C(k+d−3, k−1) = Π_{j=1}^{k−1} (d−2+j)/j  (product: exact for moderate sizes)
  let p = (2 * k + d - 2) / k;
  for (let j = 1; j < k; j++) p = (p * (d - 2 + j)) / j;
  return p < 2 ** 53 ? Math.round(p) : p;
}

/** ln B(d,k) (K5, §11.7: log space when d^k > 1e300). */
export function logMultiplicity(d: number, k: number): number {
  checDK(d, k);
  if (k === 0) return 0;
  let s = Math.log((2 * k + d - 2) / k);
  for (let j = 1; j < k; j++) s += Math.log1p((d - 2) / j); // ln((d−2+j)/j)
  return s;
}

/** Hypercube multiplicity C(d,k) (§10). */
export function hypercubeMultiplicity(d: number, k: number): number {
  return binomial(d, k);
}

function checDK(d: number, k: number): void {
  if (!(Number.isInteger(d) && d >= 2)) throw new RangeError(`dim must be an integer ≥ 2 (got ${d})`);
  if (!(Number.isInteger(k) && k >= 0)) throw new RangeError(`degree must be a non-negative integer (got ${k})`);
}

// ---------------------------------------------------------------------------------------------
// Per-term eigenvalues on the sphere

/** K9 prefactor 2^{−k} Γ(d/2)/Γ(k+d/2) = 1/(d(d+2)…(d+2k−2)). */
export function k9Prefactor(d: number, k: number): number {
  let p = 1;
  for (let j = 0; j < k; j++) p *= d + 2 * j;
  return 1 / p;
}

/** K9 parameter a = k + (d−3)/2 (density (1−s²)^a). */
const aK = (d: number, k: number) => k + (d - 3) / 2;

/** Beta moment M(a, j, β) = E_a[s^j (1−s²)^β] (0 for odd j). */
export function betaMoment(a: number, j: number, beta: number): number {
  if (j % 2 === 1) return 0;
  const i = j / 2;
  let half = 1; // (½)_i
  for (let m = 0; m < i; m++) half *= 0.5 + m;
  return half * gammaRatio(a + beta + 1, a + 1) * gammaRatio(a + 1.5, a + beta + i + 1.5);
}

/** ξ_{d,k} of e^{τs} by the closed form K12. */
export function eigenvalueExpK12(tau: number, d: number, k: number): number {
  return Math.pow(tau, k) * k9Prefactor(d, k) * hyp0f1(k + d / 2, (tau * tau) / 4);
}

/** ξ_{d,k} by K9 with an n-node Gauss–Jacobi rule (a = k + (d−3)/2). Only for terms whose
 *  derivatives are smooth on [−1,1] (exp, poly, gegenbauer). */
export function eigenvalueK9Quad(spec: KernelLike, d: number, k: number, nodes = 160): number {
  return k9Prefactor(d, k) * expectJacobi(compileKernel(spec, k), aK(d, k), nodes);
}

/** ξ_{d,k} by the direct integral K8, E_s[h(s)P_k(s)] (test cross-check; loses digits at large d). */
export function eigenvalueK8(spec: KernelLike, d: number, k: number, nodes = 200): number {
  const h = compileKernel(spec);
  return expectJacobi((s) => h(s) * gegenbauerAll(d, k, s)[k], (d - 3) / 2, nodes);
}

/** Polynomial Σ c_j s^j: K9 in closed form, ξ = A_k Σ_{j≥k} c_j j!/(j−k)! E_a[s^{j−k}]. */
function eigenvaluePoly(c: readonly number[], d: number, k: number): number {
  const a = aK(d, k);
  let acc = 0;
  let mom = 1; // E_a[s^{2i}] = (½)_i/(a+3/2)_i, built incrementally
  for (let i = 0; k + 2 * i < c.length; i++) {
    if (i > 0) mom *= (i - 0.5) / (a + 0.5 + i);
    const j = k + 2 * i;
    if (c[j] === 0) continue;
    let ff = 1;
    for (let r = 0; r < k; r++) ff *= j - r;
    acc += c[j] * ff * mom;
  }
  return k9Prefactor(d, k) * acc;
}

/** E_a[p(s)(1−s²)^β] for polynomial p (ascending coefficients), times optional extra s. */
function polyBetaExpect(p: readonly number[], a: number, beta: number, shift: number): number {
  let acc = 0;
  for (let j = 0; j < p.length; j++) if (p[j] !== 0 && (j + shift) % 2 === 0) acc += p[j] * betaMoment(a, j + shift, beta);
  return acc;
}

/** E_{a_k}[κ0^{(k)}] in closed form. */
function expectArccos0Deriv(d: number, k: number): number {
  if (k === 0) return 0.5; // arcsin part is odd
  return polyBetaExpect(arcsinDerivPoly(k - 1), aK(d, k), 0.5 - k, 0) / Math.PI;
}

/** ξ_{d,k} of an arc-cos family term with unit weight (K9 closed form). */
export function eigenvalueArc(type: 'arccos0' | 'arccos1' | 'relu-ntk', d: number, k: number): number {
  const a = aK(d, k);
  let E: number;
  if (type === 'arccos0') {
    E = expectArccos0Deriv(d, k);
  } else {
    // E_a[s·arcsin s] = M(a,0,½)/(2(a+1)) (one integration by parts); E_a[√(1−s²)] = M(a,0,½).
    const m = k === 0 ? betaMoment(a, 0, 0.5) : 0;
    if (type === 'arccos1') {
      if (k === 0) E = (m * (1 + 1 / (2 * (a + 1)))) / Math.PI;
      else if (k === 1)
        E = 0.5; // E[κ0]
      else E = polyBetaExpect(arcsinDerivPoly(k - 2), a, 1.5 - k, 0) / Math.PI; // κ1^{(k)} = κ0^{(k−1)}
    } else {
      if (k === 0)
        E = (m / (2 * (a + 1)) + m * (1 + 1 / (2 * (a + 1)))) / Math.PI; // E[sκ0] + E[κ1]
      else if (k === 1)
        E = 1; // E[sκ0'] = 0 (odd), 2E[κ0] = 1
      else E = (polyBetaExpect(arcsinDerivPoly(k - 1), a, 0.5 - k, 1) + (k + 1) * polyBetaExpect(arcsinDerivPoly(k - 2), a, 1.5 - k, 0)) / Math.PI;
    }
  }
  return k9Prefactor(d, k) * E;
}

export type SpectrumMethod = 'auto' | 'k9' | 'k8';

function termEigenvalue(t: KernelTerm, d: number, k: number, method: SpectrumMethod, nodes: number, notes: Set<string>): number {
  const w = 'weight' in t && t.weight !== undefined ? t.weight : 1;
  if (method === 'k8') return eigenvalueK8({ terms: [t] }, d, k, nodes);
  switch (t.type) {
    case 'exp':
      if (method === 'k9') return w * eigenvalueK9Quad({ type: 'exp', tau: t.tau }, d, k, nodes);
      return w * eigenvalueExpK12(t.tau, d, k);
    case 'poly':
    case 'taylor':
      return eigenvaluePoly(t.coeffs, d, k);
    case 'arccos0':
    case 'arccos1':
    case 'relu-ntk':
      return w * eigenvalueArc(t.type, d, k);
    case 'gegenbauer': {
      if (t.dim === d) return k < t.coeffs.length ? t.coeffs[k] / multiplicity(d, k) : 0; // K4, exact
      notes.add(`gegenbauer term with dim=${t.dim} ≠ d=${d}: expanded in monomials (alternating signs, possible precision loss)`);
      const mono = new Array<number>(t.coeffs.length).fill(0);
      t.coeffs.forEach((c, j) => {
        if (c === 0) return;
        gegenbauerMonomial(t.dim, j).forEach((m, i) => (mono[i] += c * m));
      });
      return eigenvaluePoly(mono, d, k);
    }
  }
}

/** ξ_{d,k} on the sphere (sum over terms, routes as in the file header). */
export function sphereEigenvalue(spec: KernelLike, d: number, k: number, opts: { method?: SpectrumMethod; nodes?: number } = {}): number {
  checDK(d, k);
  const sp = toKernelSpec(spec);
  const notes = new Set<string>();
  let xi = 0;
  for (const t of sp.terms) xi += termEigenvalue(t, d, k, opts.method ?? 'auto', opts.nodes ?? 160, notes);
  return xi;
}

// ---------------------------------------------------------------------------------------------
// Hypercube (K26)

/** Krawtchouk K_k(m) = Σ_j (−1)^j C(m,j) C(d−m,k−j). */
export function krawtchouk(d: number, k: number, m: number): number {
  let acc = 0;
  for (let j = 0; j <= Math.min(k, m); j++) {
    if (k - j > d - m) continue;
    const term = binomial(m, j) * binomial(d - m, k - j);
    acc += j % 2 === 0 ? term : -term;
  }
  return acc;
}

/**
 * Hypercube eigenvalue of e^{τs} in closed form [D]: E_x[e^{τΣx_i/d} χ_S(x)] factorises over
 * coordinates, λ_k = sinh(τ/d)^k cosh(τ/d)^{d−k}. No cancellation (K26 loses ~log10(λ_0/λ_k) digits).
 */
export function hypercubeEigenvalueExp(tau: number, d: number, k: number): number {
  if (k > d) return 0;
  return Math.pow(Math.sinh(tau / d), k) * Math.pow(Math.cosh(tau / d), d - k);
}

/** λ_k = 2^{−d} Σ_m C(d,m) h(1−2m/d) K_k(m)/C(d,k)  (K26; note the C(d,m)/C(d,k) factor). */
export function hypercubeEigenvalueK26(spec: KernelLike, d: number, k: number): number {
  const sp = toKernelSpec(spec);
  if (k > d) return 0;
  const lck = logBinomial(d, k);
  const h = compileKernel(sp);
  let acc = 0;
  for (let m = 0; m <= d; m++) {
    const wgt = Math.exp(logBinomial(d, m) - d * Math.LN2 - lck);
    acc += wgt * h(1 - (2 * m) / d) * krawtchouk(d, k, m);
  }
  return acc;
}

/** Truncated power-series product (ascending coefficients, length J+1). */
function seriesMul(a: Float64Array, b: Float64Array): Float64Array {
  const J = a.length - 1;
  const c = new Float64Array(J + 1);
  for (let i = 0; i <= J; i++) if (a[i] !== 0) for (let j = 0; i + j <= J; j++) c[i + j] += a[i] * b[j];
  return c;
}

function seriesPow(a: Float64Array, m: number): Float64Array {
  let result: Float64Array = new Float64Array(a.length);
  result[0] = 1;
  let base: Float64Array = a;
  while (m > 0) {
    if (m & 1) result = seriesMul(result, base);
    m >>= 1;
    if (m > 0) base = seriesMul(base, base);
  }
  return result;
}

/**
 * Hypercube eigenvalues of a polynomial Σ_j c_j s^j without cancellation [D]:
 * E_x[e^{u⟨x,1⟩/d} χ_S(x)] = sinh(u/d)^k cosh(u/d)^{d−k}, so E[s^j χ_S] = j!·[u^j] of that series,
 * whose coefficients are all ≥ 0. Returns λ_k for the given k (J = coefficient count − 1 ≤ 170).
 */
export function hypercubeEigenvaluePoly(coeffs: readonly number[], d: number, k: number): number {
  if (k > d) return 0;
  const J = coeffs.length - 1;
  if (J > 170) throw new RangeError(`hypercubeEigenvaluePoly: at most 171 coefficients (got ${J + 1})`);
  // Work in w = u/√d (the natural scale of s ~ d^{−1/2}) so that neither the series coefficients
  // nor j!/√d^j under/overflow for j ≤ 170: E[s^j χ_S] = (j!/√d^j) [w^j] sinh(w/√d)^k cosh(w/√d)^{d−k}.
  const c = Math.sqrt(d);
  const sh = new Float64Array(J + 1);
  const ch = new Float64Array(J + 1);
  let f = 1;
  for (let j = 0; j <= J; j++) {
    if (j > 0) f /= c * j; // c^{−j}/j!
    if (j % 2) sh[j] = f;
    else ch[j] = f;
  }
  const F = seriesMul(seriesPow(sh, k), seriesPow(ch, d - k));
  let acc = 0;
  let r = 1; // j!/c^j
  for (let j = 0; j <= J; j++) {
    if (j > 0) r *= j / c;
    if (coeffs[j] !== 0) acc += coeffs[j] * (r * F[j]);
  }
  return acc;
}

const ARC_SERIES_MIN_DIM = 64;

/** K26 applied to the unit-weight term minus its truncated Taylor polynomial, on the grid points
 *  with |s|^{J+1} ≥ 1e-18 only (elsewhere the remainder is below rounding). */
function hypercubeRemainderK26(t: KernelTerm, a: readonly number[], d: number, k: number): number {
  const J = a.length - 1;
  const unit = compileKernel({ terms: [{ ...t, weight: 1 } as KernelTerm] });
  const lck = logBinomial(d, k);
  let acc = 0;
  for (let m = 0; m <= d; m++) {
    const sm = 1 - (2 * m) / d;
    if (Math.pow(Math.abs(sm), J + 1) < 1e-18) continue;
    let partial = 0;
    for (let j = J; j >= 0; j--) partial = partial * sm + a[j];
    const wgt = Math.exp(logBinomial(d, m) - d * Math.LN2 - lck);
    acc += wgt * (unit(sm) - partial) * krawtchouk(d, k, m);
  }
  return acc;
}

/** Hypercube eigenvalue: exp terms in closed form, poly/taylor terms (and arc-cos terms for
 *  d ≥ 64, via their Taylor series) by the series route, others by K26. */
export function hypercubeEigenvalue(spec: KernelLike, d: number, k: number): number {
  const sp = toKernelSpec(spec);
  let acc = 0;
  const rest: KernelTerm[] = [];
  for (const t of sp.terms) {
    if (t.type === 'exp') acc += (t.weight ?? 1) * hypercubeEigenvalueExp(t.tau, d, k);
    else if ((t.type === 'poly' || t.type === 'taylor') && t.coeffs.length <= 171) acc += hypercubeEigenvaluePoly(t.coeffs, d, k);
    else if ((t.type === 'arccos0' || t.type === 'arccos1' || t.type === 'relu-ntk') && d >= ARC_SERIES_MIN_DIM) {
      // Taylor coefficients ≥ 0 and E[s^j χ_S] ≥ 0: no cancellation. The remainder beyond j = 170
      // only lives near |s| = 1 (|s|^171 < 1e-18 for |s| < 0.785), where the Krawtchouk weights are
      // ~2^{−d}; it is added by K26 restricted to those grid points, so Σ_k λ_k C(d,k) = h(1) exactly.
      const a = arccosTaylor(t.type, 170);
      acc += (t.weight ?? 1) * (hypercubeEigenvaluePoly(a, d, k) + hypercubeRemainderK26(t, a, d, k));
    } else rest.push(t);
  }
  if (rest.length > 0) acc += hypercubeEigenvalueK26({ terms: rest }, d, k);
  return acc;
}

// ---------------------------------------------------------------------------------------------
// Spectrum objects

export type Domain = 'sphere' | 'hypercube';

export interface Spectrum {
  domain: Domain;
  dim: number;
  /** 0..truncationDegree */
  degrees: number[];
  /** ξ_{d,k} (sphere) or λ_k (hypercube) */
  eigenvalues: number[];
  /** B(d,k) or C(d,k) (may be Infinity; use logMultiplicities) */
  multiplicities: number[];
  logMultiplicities: number[];
  /** ξ_k · B(d,k) */
  mass: number[];
  /** h(1) = Σ_k ξ_k B(d,k) (K11a) */
  h1: number;
  /** h(1) − Σ_{k ≤ K} ξ_k B(d,k) */
  tailMass: number;
  /** K, the largest degree included */
  truncationDegree: number;
  /** for truncatedSpectrum: whether the §11.7 tail criterion was met before the cap */
  tailReached: boolean;
  /** how the eigenvalues were computed, and warnings */
  notes: string[];
  /** the kernel (so that consumers can extend the degree range) */
  kernel: KernelSpec;
}

export interface SpectrumOptions {
  dim: number;
  maxDegree: number;
  domain?: Domain;
  method?: SpectrumMethod;
  /** Gauss–Jacobi nodes for quadrature routes (default 160) */
  nodes?: number;
}

function methodNotes(spec: KernelLike, domain: Domain, method: SpectrumMethod): string[] {
  const sp = toKernelSpec(spec);
  if (domain === 'hypercube')
    return [
      'hypercube: exp terms sinh(τ/d)^k cosh(τ/d)^{d−k}; poly/taylor (and arc-cos for d ≥ 64, Taylor to degree 170) by the same generating function; otherwise K26 (Krawtchouk sum)',
    ];
  if (method === 'k8') return ['direct K8 quadrature (test route; loses digits at large d)'];
  const out = new Set<string>();
  for (const t of sp.terms) {
    if (t.type === 'exp') out.add(method === 'k9' ? 'exp: K9 Gauss–Jacobi quadrature' : 'exp: closed form K12 (0F1)');
    else if (t.type === 'poly' || t.type === 'taylor') out.add(`${t.type}: K9 exact moments`);
    else if (t.type === 'gegenbauer') out.add('gegenbauer: exact ξ_k = c_k/B(d,k) (K4)');
    else out.add(`${t.type}: K9 closed form (Beta moments of the arcsin-derivative polynomials)`);
  }
  return [...out];
}

/** Spectrum for degrees 0..maxDegree. */
export function spectrum(spec: KernelLike, opts: SpectrumOptions): Spectrum {
  const sp = toKernelSpec(spec);
  const { dim: d, maxDegree: K } = opts;
  const domain = opts.domain ?? 'sphere';
  const method = opts.method ?? 'auto';
  checDK(d, 0);
  if (!(Number.isInteger(K) && K >= 0)) throw new RangeError(`maxDegree must be a non-negative integer (got ${K})`);
  const notes = new Set<string>(methodNotes(sp, domain, method));
  const Kc = domain === 'hypercube' ? Math.min(K, d) : K;
  const degrees: number[] = [];
  const eig: number[] = [];
  const mult: number[] = [];
  const lmult: number[] = [];
  const mass: number[] = [];
  const h1v = evalKernel(sp, 1);
  for (let k = 0; k <= Kc; k++) {
    let xi: number;
    let lb: number;
    let B: number;
    if (domain === 'sphere') {
      xi = 0;
      for (const t of sp.terms) xi += termEigenvalue(t, d, k, method, opts.nodes ?? 160, notes);
      lb = logMultiplicity(d, k);
      B = multiplicity(d, k);
    } else {
      xi = hypercubeEigenvalue(sp, d, k);
      lb = logBinomial(d, k);
      B = binomial(d, k);
      if (
        k > 0 &&
        Math.abs(xi) > 0 &&
        Math.abs(eig[0] / xi) > 1e8 &&
        d < ARC_SERIES_MIN_DIM &&
        sp.terms.some((t) => t.type !== 'exp' && t.type !== 'poly' && t.type !== 'taylor')
      )
        notes.add(`hypercube K26 at degree ${k}: cancellation ~${(Math.abs(eig[0] / xi)).toExponential(1)}× λ_0; relative error ≈ that × 1e-16`);
    }
    degrees.push(k);
    eig.push(xi);
    mult.push(B);
    lmult.push(lb);
    mass.push(Number.isFinite(B) ? xi * B : Math.sign(xi) * Math.exp(Math.log(Math.abs(xi)) + lb));
  }
  let sum = 0;
  for (const m of mass) sum += m;
  return {
    domain,
    dim: d,
    degrees,
    eigenvalues: eig,
    multiplicities: mult,
    logMultiplicities: lmult,
    mass,
    h1: h1v,
    tailMass: h1v - sum,
    truncationDegree: Kc,
    tailReached: Math.abs(h1v - sum) < 1e-12 * Math.abs(h1v),
    notes: [...notes],
    kernel: sp,
  };
}

export interface TruncationOptions {
  domain?: Domain;
  /** relative tail tolerance (§11.7: 1e-12) */
  rtol?: number;
  /** maximum degree (default 40) */
  cap?: number;
  method?: SpectrumMethod;
}

/**
 * §11.7 truncation: the smallest K with tail Σ_{k>K} ξ_k B_k < rtol·h(1) (tail computed as
 * h(1) − Σ_{k≤K} ξ_k B_k). If the cap is reached first, `tailReached` is false and a note says so
 * (e.g. arc-cos kernels, whose degree masses decay only polynomially).
 */
export function truncatedSpectrum(spec: KernelLike, dim: number, opts: TruncationOptions = {}): Spectrum {
  const rtol = opts.rtol ?? 1e-12;
  const domain = opts.domain ?? 'sphere';
  const cap = Math.min(opts.cap ?? 40, domain === 'hypercube' ? dim : Infinity);
  const full = spectrum(spec, { dim, maxDegree: cap, domain, method: opts.method });
  let sum = 0;
  let K = cap;
  for (let k = 0; k <= cap; k++) {
    sum += full.mass[k];
    if (Math.abs(full.h1 - sum) < rtol * Math.abs(full.h1)) {
      K = k;
      break;
    }
  }
  const cut = <T>(xs: T[]) => xs.slice(0, K + 1);
  let s2 = 0;
  for (let k = 0; k <= K; k++) s2 += full.mass[k];
  const tail = full.h1 - s2;
  const reached = Math.abs(tail) < rtol * Math.abs(full.h1);
  const notes = [...full.notes];
  if (!reached) notes.push(`truncation cap ${cap} reached with tail ${tail.toExponential(3)} ≥ ${rtol}·h(1)`);
  return {
    ...full,
    degrees: cut(full.degrees),
    eigenvalues: cut(full.eigenvalues),
    multiplicities: cut(full.multiplicities),
    logMultiplicities: cut(full.logMultiplicities),
    mass: cut(full.mass),
    tailMass: tail,
    truncationDegree: K,
    tailReached: reached,
    notes,
  };
}

/** κ_{>ℓ} = h(1) − Σ_{k≤ℓ} ξ_k B(d,k)  (K13). ℓ = −1 gives h(1). */
export function kappaAbove(s: Spectrum, ell: number): number {
  let acc = 0;
  for (let k = 0; k <= Math.min(ell, s.truncationDegree); k++) acc += s.mass[k];
  return s.h1 - acc;
}
