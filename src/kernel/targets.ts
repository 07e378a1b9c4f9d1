/**
 * Concrete unit-norm targets per degree (kernel.md K27, §11.6).
 *
 * The target is f_d = Σ_k c_k · φ_k with c_k = √(c_k²) and φ_k a unit-L² degree-k spherical
 * harmonic on S^{d−1}(√d):
 *   degree 0: the constant 1;
 *   degree 1: x₁;   degree 2: √((d+2)/d) · x₁x₂;   degree 3: (√((d+2)(d+4))/d) · x₁x₂x₃   (K27)
 *     (x₁x₂, x₁x₂x₃ are harmonic; E x₁²x₂² = d/(d+2), E x₁²x₂²x₃² = d²/((d+2)(d+4)));
 *   degree k ≥ 4 (or any degree with `representation: 'zonal'`): the zonal harmonic
 *     √B(d,k) · P_k^{(d)}(⟨u,x⟩/√d) with u = e_axis (default axis 0, i.e. u = e₁), since
 *     E[P_k(s)²] = 1/B(d,k) (K7).
 * Different degrees are orthogonal (harmonics of different degrees), whatever the mix of kinds.
 * Then (P_k f_d)(x) = c_k φ_k(x), as needed by K22.
 */
import { gegenbauerAll } from './kernels.js';
import { multiplicity } from './spectrum.js';
import { expectJacobi, gaussHermite } from './quadrature.js';

export interface TargetTerm {
  degree: number;
  /** c_k = √(energy_k) */
  coef: number;
  kind: 'monomial' | 'zonal';
  /** monomial: 0-based coordinate indices (empty for the constant) */
  indices?: number[];
  /** zonal: u = e_axis (0-based) */
  axis?: number;
  /** normalisation factor making φ_k unit-norm */
  scale: number;
}

export interface TargetOptions {
  /** 'sphere' (default) or 'hypercube': on {±1}^d every degree uses the Walsh monomial
   *  χ_{1..k}(x) = x₁⋯x_k, which has unit norm exactly (x_i² = 1), so scale = 1 (§10). */
  domain?: 'sphere' | 'hypercube';
  /** 'monomial' (default: K27 monomials for degrees ≤ 3, zonal above) or 'zonal' for every degree ≥ 1 */
  representation?: 'monomial' | 'zonal';
  /** coordinate used as u for zonal terms (default 0) */
  zonalAxis?: number;
}

/** Per-degree target terms from energies c_k² (degree = index). Zero energies are skipped. */
export function targetTermsFromEnergies(energies: readonly number[], d: number, opts: TargetOptions = {}): TargetTerm[] {
  if (!(Number.isInteger(d) && d >= 2)) throw new RangeError(`d must be an integer ≥ 2 (got ${d})`);
  const axis = opts.zonalAxis ?? 0;
  if (!(Number.isInteger(axis) && axis >= 0 && axis < d)) throw new RangeError(`zonalAxis must be an integer in [0, d) (got ${axis})`);
  const rep = opts.representation ?? 'monomial';
  const out: TargetTerm[] = [];
  energies.forEach((e, k) => {
    if (!(Number.isFinite(e) && e >= 0)) throw new RangeError(`energies[${k}] must be a finite number ≥ 0 (got ${e})`);
    if (e === 0) return;
    const coef = Math.sqrt(e);
    if (k === 0) out.push({ degree: 0, coef, kind: 'monomial', indices: [], scale: 1 });
    else if (opts.domain === 'hypercube') {
      if (k > d) throw new RangeError(`energies[${k}]: degree ${k} > d = ${d} does not exist on the hypercube`);
      out.push({ degree: k, coef, kind: 'monomial', indices: [...Array(k).keys()], scale: 1 });
    } else if (rep === 'monomial' && k <= 3 && d >= k) {
      const scale = k === 1 ? 1 : k === 2 ? Math.sqrt((d + 2) / d) : Math.sqrt((d + 2) * (d + 4)) / d;
      out.push({ degree: k, coef, kind: 'monomial', indices: [...Array(k).keys()], scale });
    } else out.push({ degree: k, coef, kind: 'zonal', axis, scale: Math.sqrt(multiplicity(d, k)) });
  });
  return out;
}

/** φ_k(x) of one term (unit norm), without the coefficient. */
export function evalTargetTermUnit(term: TargetTerm, x: ArrayLike<number>, d: number, offset = 0): number {
  if (term.kind === 'monomial') {
    let p = term.scale;
    for (const i of term.indices ?? []) p *= x[offset + i];
    return p;
  }
  const s = x[offset + (term.axis ?? 0)] / Math.sqrt(d);
  return term.scale * gegenbauerAll(d, term.degree, s)[term.degree];
}

/** (P_k f)(x) per term, in the order of `terms`. */
export function evalTargetDegreeParts(terms: readonly TargetTerm[], x: ArrayLike<number>, d: number): Float64Array {
  const out = new Float64Array(terms.length);
  terms.forEach((t, i) => (out[i] = t.coef * evalTargetTermUnit(t, x, d)));
  return out;
}

/** f_d(x) = Σ_k c_k φ_k(x). */
export function evalTarget(terms: readonly TargetTerm[], x: ArrayLike<number>, d: number): number {
  let acc = 0;
  for (const t of terms) acc += t.coef * evalTargetTermUnit(t, x, d);
  return acc;
}

/** f_d at each row of X (row-major n × d). */
export function evalTargetBatch(terms: readonly TargetTerm[], X: Float64Array, d: number): Float64Array {
  const n = Math.floor(X.length / d);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (const t of terms) acc += t.coef * evalTargetTermUnit(t, X, d, i * d);
    out[i] = acc;
  }
  return out;
}

/** Human-readable formula, e.g. "0.577·x1 + 0.577·1.01·x1x2". */
export function describeTarget(terms: readonly TargetTerm[]): string {
  return terms
    .map((t) => {
      const c = t.coef.toPrecision(4);
      if (t.kind === 'monomial') return t.degree === 0 ? c : `${c}·${t.scale.toPrecision(6)}·${(t.indices ?? []).map((i) => `x${i + 1}`).join('')}`;
      return `${c}·√B·P_${t.degree}(x${(t.axis ?? 0) + 1}/√d)`;
    })
    .join(' + ');
}

/**
 * Single-index target φ(⟨u,x⟩) (K27): c_k² = B(d,k) (E_s[φ(√d s) P_k(s)])², s with density ∝
 * (1−s²)^{(d−3)/2} (Gauss–Jacobi). Exact for polynomial φ of degree < 2·nodes − k.
 */
export function singleIndexEnergies(phi: (z: number) => number, d: number, K: number, nodes = 200): number[] {
  const out: number[] = [];
  const sd = Math.sqrt(d);
  for (let k = 0; k <= K; k++) {
    const m = expectJacobi((s) => phi(sd * s) * gegenbauerAll(d, k, s)[k], (d - 3) / 2, nodes);
    out.push(multiplicity(d, k) * m * m);
  }
  return out;
}

/** d → ∞ limit of `singleIndexEnergies`: (E[φ(G) He_k(G)])²/k!, G ~ N(0,1) (Gauss–Hermite). */
export function hermiteEnergies(phi: (z: number) => number, K: number, nodes = 120): number[] {
  const { nodes: z, weights: w } = gaussHermite(nodes);
  const out: number[] = [];
  for (let k = 0; k <= K; k++) {
    let acc = 0;
    for (let i = 0; i < z.length; i++) {
      // orthonormal He_k/√k! by recurrence
      let p0 = 1;
      let p1 = z[i];
      let pk = k === 0 ? 1 : p1;
      for (let j = 1; j < k; j++) {
        const p2 = (z[i] * p1 - Math.sqrt(j) * p0) / Math.sqrt(j + 1);
        p0 = p1;
        p1 = p2;
        pk = p2;
      }
      acc += w[i] * phi(z[i]) * pk;
    }
    out.push(acc * acc);
  }
  return out;
}
