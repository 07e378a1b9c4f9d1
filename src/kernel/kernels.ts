/**
 * Inner-product kernel definitions h(s), s = ⟨x,x'⟩/d ∈ [−1,1] (kernel.md K3).
 *
 * A `KernelSpec` is plain JSON: a weighted sum of terms. Each term knows its value, its
 * derivatives h^{(k)}(s) (needed by the stable eigenvalue formula K9) and its Taylor
 * coefficients at 0 (K10, K13 limits).
 *
 * Arc-cosine family (exact closed forms, no Taylor truncation):
 *   κ0(s) = (π − arccos s)/π = ½ + arcsin(s)/π,
 *   κ1(s) = (s(π − arccos s) + √(1−s²))/π,  with κ1' = κ0,
 *   relu-ntk h = s κ0 + κ1  ⇒  h^{(k)} = s κ0^{(k)} + (k+1) κ0^{(k−1)}  (k ≥ 1).
 *   With g(s) = (1−s²)^{−½} = π κ0'(s):  g^{(n)}(s) = p_n(s) (1−s²)^{−n−½},
 *   p_0 = 1, p_{n+1} = (1−s²) p_n' + (2n+1) s p_n  — all coefficients ≥ 0, so evaluation has
 *   no cancellation. These polynomials also give K9 in closed form (see spectrum.ts).
 */

export type KernelTerm =
  | { type: 'exp'; tau: number; weight?: number }
  | { type: 'poly'; coeffs: number[] }
  | { type: 'taylor'; coeffs: number[] }
  | { type: 'arccos0'; weight?: number }
  | { type: 'arccos1'; weight?: number }
  | { type: 'relu-ntk'; weight?: number }
  | { type: 'gegenbauer'; dim: number; coeffs: number[] };

export interface KernelSpec {
  terms: KernelTerm[];
  /** optional display name */
  name?: string;
}

/** Anything accepted where a kernel is expected. */
export type KernelLike = KernelSpec | KernelTerm | KernelTerm[];

export class KernelSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KernelSpecError';
  }
}

function isFiniteNum(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

// Specs already validated (by identity): evaluation in hot loops then skips re-validation.
// Specs are treated as immutable data (engineering.md §8).
const validated = new WeakSet<object>();

/** Normalise and validate a kernel; throws KernelSpecError naming the bad field. */
export function toKernelSpec(k: KernelLike): KernelSpec {
  if (k && typeof k === 'object' && validated.has(k)) return k as KernelSpec;
  let spec: KernelSpec;
  if (Array.isArray(k)) spec = { terms: k };
  else if (k && typeof k === 'object' && 'terms' in k) spec = k as KernelSpec;
  else if (k && typeof k === 'object' && 'type' in k) spec = { terms: [k as KernelTerm] };
  else throw new KernelSpecError('kernel: expected {terms:[...]}, a term {type:...} or an array of terms');
  validateKernel(spec);
  if (spec === k) validated.add(spec);
  return spec;
}

export function validateKernel(spec: KernelSpec): void {
  if (!spec || !Array.isArray(spec.terms)) throw new KernelSpecError('kernel.terms must be an array');
  if (spec.terms.length === 0) throw new KernelSpecError('kernel.terms must not be empty');
  spec.terms.forEach((t, i) => {
    const at = `kernel.terms[${i}]`;
    if (!t || typeof t !== 'object') throw new KernelSpecError(`${at} must be an object`);
    const w = (t as { weight?: unknown }).weight;
    if (w !== undefined && !isFiniteNum(w)) throw new KernelSpecError(`${at}.weight must be a finite number (got ${String(w)})`);
    switch (t.type) {
      case 'exp':
        if (!isFiniteNum(t.tau)) throw new KernelSpecError(`${at}.tau must be a finite number (got ${String(t.tau)})`);
        break;
      case 'poly':
      case 'taylor':
      case 'gegenbauer': {
        if (!Array.isArray(t.coeffs) || t.coeffs.length === 0) throw new KernelSpecError(`${at}.coeffs must be a non-empty array of numbers`);
        t.coeffs.forEach((c, j) => {
          if (!isFiniteNum(c)) throw new KernelSpecError(`${at}.coeffs[${j}] must be a finite number (got ${String(c)})`);
        });
        if (t.type === 'gegenbauer' && !(Number.isInteger(t.dim) && t.dim >= 2))
          throw new KernelSpecError(`${at}.dim must be an integer ≥ 2 (got ${String(t.dim)})`);
        break;
      }
      case 'arccos0':
      case 'arccos1':
      case 'relu-ntk':
        break;
      default:
        throw new KernelSpecError(
          `${at}.type must be one of exp, poly, taylor, arccos0, arccos1, relu-ntk, gegenbauer (got ${String((t as { type?: unknown }).type)})`,
        );
    }
  });
}

function weightOf(t: KernelTerm): number {
  return 'weight' in t && t.weight !== undefined ? t.weight : 1;
}

// ---------------------------------------------------------------------------------------------
// Arc-cosine helpers

/** Coefficients of p_n (ascending powers), p_0 = 1, p_{n+1} = (1−s²)p_n' + (2n+1) s p_n. */
const pCache: number[][] = [[1]];
export function arcsinDerivPoly(n: number): number[] {
  while (pCache.length <= n) {
    const m = pCache.length - 1;
    const p = pCache[m];
    const q = new Array<number>(p.length + 1).fill(0);
    for (let j = 0; j < p.length; j++) {
      const c = p[j];
      if (j >= 1) {
        q[j - 1] += j * c; // p'
        q[j + 1] -= j * c; // −s² p'
      }
      q[j + 1] += (2 * m + 1) * c;
    }
    pCache.push(q);
  }
  return pCache[n];
}

function polyEval(c: readonly number[], s: number): number {
  let acc = 0;
  for (let j = c.length - 1; j >= 0; j--) acc = acc * s + c[j];
  return acc;
}

/** κ0^{(k)}(s), exact. */
export function arccos0Deriv(k: number, s: number): number {
  if (k === 0) return 0.5 + Math.asin(clamp1(s)) / Math.PI;
  const n = k - 1;
  const p = arcsinDerivPoly(n);
  // Evaluate at |s| and use parity (p_n has the parity of n) — all coefficients ≥ 0.
  const v = polyEval(p, Math.abs(s)) * (s < 0 && n % 2 === 1 ? -1 : 1);
  return (v * Math.pow(1 - s * s, -n - 0.5)) / Math.PI;
}

/** κ1^{(k)}(s), exact (κ1' = κ0). */
export function arccos1Deriv(k: number, s: number): number {
  if (k === 0) {
    const sc = clamp1(s);
    return (sc * (Math.PI - Math.acos(sc)) + Math.sqrt(Math.max(0, 1 - sc * sc))) / Math.PI;
  }
  return arccos0Deriv(k - 1, s);
}

/** relu-ntk h = sκ0 + κ1; h^{(k)} = s κ0^{(k)} + (k+1) κ0^{(k−1)} for k ≥ 1. */
export function reluNtkDeriv(k: number, s: number): number {
  if (k === 0) return s * arccos0Deriv(0, s) + arccos1Deriv(0, s);
  return s * arccos0Deriv(k, s) + (k + 1) * arccos0Deriv(k - 1, s);
}

function clamp1(s: number): number {
  return s > 1 ? 1 : s < -1 ? -1 : s;
}

/** Taylor coefficients of κ0, κ1, relu-ntk at 0 from the arcsin series
 *  arcsin s = Σ_i (2i)!/(4^i (i!)² (2i+1)) s^{2i+1} (independent of the derivative route). */
export function arccosTaylor(type: 'arccos0' | 'arccos1' | 'relu-ntk', K: number): number[] {
  const k0 = new Array<number>(K + 2).fill(0);
  k0[0] = 0.5;
  let r = 1; // (2i)!/(4^i (i!)²)
  for (let i = 0; 2 * i + 1 <= K + 1; i++) {
    if (i > 0) r *= (2 * i - 1) / (2 * i);
    k0[2 * i + 1] = r / (2 * i + 1) / Math.PI;
  }
  if (type === 'arccos0') return k0.slice(0, K + 1);
  const k1 = new Array<number>(K + 1).fill(0);
  k1[0] = 1 / Math.PI;
  for (let j = 1; j <= K; j++) k1[j] = k0[j - 1] / j; // κ1' = κ0
  if (type === 'arccos1') return k1;
  const ntk = new Array<number>(K + 1).fill(0);
  for (let j = 0; j <= K; j++) ntk[j] = k1[j] + (j >= 1 ? k0[j - 1] : 0);
  return ntk;
}

// ---------------------------------------------------------------------------------------------
// Gegenbauer helpers (K6)

/** All P_j^{(d)}(s), j = 0..k, by the recurrence K6 (normalised P_j(1) = 1). */
export function gegenbauerAll(d: number, k: number, s: number): Float64Array {
  const out = new Float64Array(k + 1);
  out[0] = 1;
  if (k >= 1) out[1] = s;
  for (let j = 1; j < k; j++) out[j + 1] = ((2 * j + d - 2) * s * out[j] - j * out[j - 1]) / (j + d - 2);
  return out;
}

/** P_k^{(d)}(s) by K6. */
export function gegenbauerP(d: number, k: number, s: number): number {
  return gegenbauerAll(d, k, s)[k];
}

/** j-th derivative of P_k^{(d)}: P_k^{(d)}' = k(d+k−2)/(d−1) · P_{k−1}^{(d+2)}
 *  (from dC_n^λ/ds = 2λ C_{n−1}^{λ+1} and C_n^λ(1) = (2λ)_n/n!). */
export function gegenbauerDeriv(d: number, k: number, j: number, s: number): number {
  if (j > k) return 0;
  let f = 1;
  for (let i = 0; i < j; i++) {
    const di = d + 2 * i;
    const ki = k - i;
    f *= (ki * (di + ki - 2)) / (di - 1);
  }
  return f * gegenbauerP(d + 2 * j, k - j, s);
}

/** Monomial coefficients of P_k^{(d)} (ascending). Alternating signs: use only for small d·k. */
export function gegenbauerMonomial(d: number, k: number): number[] {
  let pm: number[] = [1];
  let p: number[] = [0, 1];
  if (k === 0) return pm;
  for (let j = 1; j < k; j++) {
    const q = new Array<number>(j + 2).fill(0);
    for (let i = 0; i < p.length; i++) q[i + 1] += ((2 * j + d - 2) * p[i]) / (j + d - 2);
    for (let i = 0; i < pm.length; i++) q[i] -= (j * pm[i]) / (j + d - 2);
    pm = p;
    p = q;
  }
  return p;
}

// ---------------------------------------------------------------------------------------------
// Term evaluation

function fallingFactorial(j: number, k: number): number {
  let p = 1;
  for (let i = 0; i < k; i++) p *= j - i;
  return p;
}

/** k-th derivative of one term at s. */
export function termDerivative(t: KernelTerm, k: number, s: number): number {
  const w = weightOf(t);
  switch (t.type) {
    case 'exp':
      return w * Math.pow(t.tau, k) * Math.exp(t.tau * s);
    case 'poly':
    case 'taylor': {
      const c = t.coeffs;
      let acc = 0;
      for (let j = c.length - 1; j >= k; j--) acc = acc * s + c[j] * fallingFactorial(j, k);
      return acc;
    }
    case 'arccos0':
      return w * arccos0Deriv(k, s);
    case 'arccos1':
      return w * arccos1Deriv(k, s);
    case 'relu-ntk':
      return w * reluNtkDeriv(k, s);
    case 'gegenbauer': {
      let acc = 0;
      for (let j = k; j < t.coeffs.length; j++) if (t.coeffs[j] !== 0) acc += t.coeffs[j] * gegenbauerDeriv(t.dim, j, k, s);
      return acc;
    }
  }
}

/** h(s). */
export function evalKernel(spec: KernelLike, s: number): number {
  return kernelDerivative(spec, 0, s);
}

/** h^{(k)}(s) (exact for all term types; arc-cos terms via the p_n closed form). */
export function kernelDerivative(spec: KernelLike, k: number, s: number): number {
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`kernelDerivative: k must be a non-negative integer (got ${k})`);
  const sp = toKernelSpec(spec);
  let acc = 0;
  for (const t of sp.terms) acc += termDerivative(t, k, s);
  return acc;
}

/** Taylor coefficients h^{(k)}(0)/k!, k = 0..K (K10, K13). */
export function kernelTaylor(spec: KernelLike, K: number): number[] {
  const sp = toKernelSpec(spec);
  const out = new Array<number>(K + 1).fill(0);
  for (const t of sp.terms) {
    const w = weightOf(t);
    if (t.type === 'exp') {
      let c = w;
      for (let k = 0; k <= K; k++) {
        out[k] += c;
        c *= t.tau / (k + 1);
      }
    } else if (t.type === 'poly' || t.type === 'taylor') {
      for (let k = 0; k <= K && k < t.coeffs.length; k++) out[k] += t.coeffs[k];
    } else if (t.type === 'gegenbauer') {
      for (let j = 0; j < t.coeffs.length; j++) {
        if (t.coeffs[j] === 0) continue;
        const m = gegenbauerMonomial(t.dim, j);
        for (let k = 0; k <= K && k < m.length; k++) out[k] += t.coeffs[j] * m[k];
      }
    } else {
      const c = arccosTaylor(t.type, K);
      for (let k = 0; k <= K; k++) out[k] += w * c[k];
    }
  }
  return out;
}

/** A fast evaluator s ↦ h^{(k)}(s) (validated once; for loops over Gram entries). */
export function compileKernel(spec: KernelLike, k = 0): (s: number) => number {
  const sp = toKernelSpec(spec);
  const terms = sp.terms.map((t) => structuredClone(t));
  if (terms.length === 1) {
    const t = terms[0];
    if (t.type === 'exp') {
      const w = weightOf(t) * Math.pow(t.tau, k);
      const tau = t.tau;
      return (s) => w * Math.exp(tau * s);
    }
    return (s) => termDerivative(t, k, s);
  }
  return (s) => {
    let acc = 0;
    for (const t of terms) acc += termDerivative(t, k, s);
    return acc;
  };
}

/** h(1) = H_d(x,x) (K3). */
export function h1(spec: KernelLike): number {
  return evalKernel(spec, 1);
}

/** True if every term is a (finite) polynomial; returns its degree, else −1. */
export function polynomialDegree(spec: KernelLike): number {
  const sp = toKernelSpec(spec);
  let deg = 0;
  for (const t of sp.terms) {
    if (t.type === 'poly' || t.type === 'taylor' || t.type === 'gegenbauer') {
      let last = -1;
      t.coeffs.forEach((c, j) => {
        if (c !== 0) last = j;
      });
      deg = Math.max(deg, last);
    } else if (t.type === 'exp' && (t.tau === 0 || weightOf(t) === 0)) {
      deg = Math.max(deg, 0);
    } else return -1;
  }
  return deg;
}

// ---------------------------------------------------------------------------------------------
// Parsing and presets

function parseNums(s: string, field: string): number[] {
  const xs = s.split(',').map((x) => x.trim());
  return xs.map((x, j) => {
    const v = Number(x);
    if (x === '' || !Number.isFinite(v)) throw new KernelSpecError(`${field}[${j}]: '${x}' is not a finite number`);
    return v;
  });
}

/** Named presets (§9 two-kernel example). */
export const KERNEL_PRESETS: Record<string, KernelSpec> = {
  exp: { name: 'exp', terms: [{ type: 'exp', tau: 1 }] },
  'relu-ntk': { name: 'relu-ntk', terms: [{ type: 'relu-ntk' }] },
  arccos0: { name: 'arccos0', terms: [{ type: 'arccos0' }] },
  arccos1: { name: 'arccos1', terms: [{ type: 'arccos1' }] },
  // h_A = e^s; h_B = e^s + 2P_6^{(100)}; h_C = 0.5 e^s + 2P_6^{(100)} (kernel.md §9)
  'two-kernels-A': { name: 'two-kernels-A', terms: [{ type: 'exp', tau: 1 }] },
  'two-kernels-B': {
    name: 'two-kernels-B',
    terms: [
      { type: 'exp', tau: 1 },
      { type: 'gegenbauer', dim: 100, coeffs: [0, 0, 0, 0, 0, 0, 2] },
    ],
  },
  'two-kernels-C': {
    name: 'two-kernels-C',
    terms: [
      { type: 'exp', tau: 1, weight: 0.5 },
      { type: 'gegenbauer', dim: 100, coeffs: [0, 0, 0, 0, 0, 0, 2] },
    ],
  },
};

/**
 * Parse a kernel string. Grammar: sum of terms joined by '+', each optionally 'w*term':
 *   exp | exp:τ | poly:c0,c1,… | taylor:c0,c1,… | arccos0 | arccos1 | relu-ntk |
 *   gegenbauer:dim:c0,c1,… | two-kernels-A|B|C
 * e.g. '0.5*exp+gegenbauer:100:0,0,0,0,0,0,2'.
 */
export function parseKernel(text: string): KernelSpec {
  if (typeof text !== 'string' || text.trim() === '') throw new KernelSpecError('kernel: empty kernel string');
  const src = text.trim();
  if (KERNEL_PRESETS[src]) return structuredClone(KERNEL_PRESETS[src]);
  const terms: KernelTerm[] = [];
  for (const raw of src.split('+')) {
    let part = raw.trim();
    let weight = 1;
    const star = part.indexOf('*');
    if (star >= 0) {
      const wtxt = part.slice(0, star).trim();
      weight = Number(wtxt);
      if (wtxt === '' || !Number.isFinite(weight)) throw new KernelSpecError(`kernel '${raw}': weight '${wtxt}' is not a finite number`);
      part = part.slice(star + 1).trim();
    }
    const [name, ...rest] = part.split(':');
    const arg = rest.join(':');
    switch (name) {
      case 'exp': {
        if (rest.length > 0 && arg.trim() === '')
          throw new KernelSpecError(`kernel '${raw}': exp: needs tau after the colon (exp:TAU with TAU > 0, or exp for TAU = 1)`);
        const tau = arg === '' ? 1 : Number(arg);
        if (!Number.isFinite(tau)) throw new KernelSpecError(`kernel '${raw}': tau '${arg}' is not a finite number`);
        // h(s) = exp(τ s): τ = 0 is the constant kernel (rank one; no degree k ≥ 1 is learnt), τ < 0
        // is not positive definite. Both are refused here, not met as a singular Gram matrix later.
        if (!(tau > 0)) throw new KernelSpecError(`kernel '${raw}': tau ${arg} must be > 0`);
        terms.push({ type: 'exp', tau, ...(weight !== 1 ? { weight } : {}) });
        break;
      }
      case 'poly':
      case 'taylor': {
        if (arg === '') throw new KernelSpecError(`kernel '${raw}': ${name} needs coefficients, e.g. ${name}:1,0.5,0.25`);
        const coeffs = parseNums(arg, `${name}.coeffs`).map((c) => c * weight);
        terms.push({ type: name, coeffs });
        break;
      }
      case 'gegenbauer': {
        const [dtxt, ctxt] = [rest[0], rest.slice(1).join(':')];
        const dim = Number(dtxt);
        if (!(Number.isInteger(dim) && dim >= 2)) throw new KernelSpecError(`kernel '${raw}': gegenbauer.dim '${dtxt}' must be an integer ≥ 2`);
        if (!ctxt) throw new KernelSpecError(`kernel '${raw}': gegenbauer needs coefficients, e.g. gegenbauer:100:0,0,1`);
        terms.push({ type: 'gegenbauer', dim, coeffs: parseNums(ctxt, 'gegenbauer.coeffs').map((c) => c * weight) });
        break;
      }
      case 'arccos0':
      case 'arccos1':
      case 'relu-ntk':
        if (arg !== '') throw new KernelSpecError(`kernel '${raw}': ${name} takes no parameters`);
        terms.push({ type: name, ...(weight !== 1 ? { weight } : {}) });
        break;
      default:
        throw new KernelSpecError(`kernel '${raw}': unknown kernel type '${name}' (expected exp, poly, taylor, arccos0, arccos1, relu-ntk, gegenbauer)`);
    }
  }
  const spec: KernelSpec = { terms, name: src };
  validateKernel(spec);
  return spec;
}

// ---------------------------------------------------------------------------------------------
// Host-side mapping to the Wasm map kinds (assembly/kernel.ts)

export interface KernelMapTerm {
  /** 0 exp(p0·s); 1 polynomial coef; 2 arccos0; 3 arccos1; 4 relu-ntk; 5 Gegenbauer series with d = p0 */
  kind: 0 | 1 | 2 | 3 | 4 | 5;
  p0: number;
  coef: number[];
  weight: number;
}

/** h(s) = Σ weight · map_kind(s); 'taylor' is sent as a polynomial (kind 1). */
export function kernelMapTerms(spec: KernelLike): KernelMapTerm[] {
  const sp = toKernelSpec(spec);
  return sp.terms.map((t): KernelMapTerm => {
    switch (t.type) {
      case 'exp':
        return { kind: 0, p0: t.tau, coef: [], weight: weightOf(t) };
      case 'poly':
      case 'taylor':
        return { kind: 1, p0: 0, coef: [...t.coeffs], weight: 1 };
      case 'arccos0':
        return { kind: 2, p0: 0, coef: [], weight: weightOf(t) };
      case 'arccos1':
        return { kind: 3, p0: 0, coef: [], weight: weightOf(t) };
      case 'relu-ntk':
        return { kind: 4, p0: 0, coef: [], weight: weightOf(t) };
      case 'gegenbauer':
        return { kind: 5, p0: t.dim, coef: [...t.coeffs], weight: 1 };
    }
  });
}
