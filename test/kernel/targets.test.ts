import { describe, expect, it } from 'vitest';
import {
  describeTarget,
  evalTarget,
  evalTargetBatch,
  evalTargetDegreeParts,
  evalTargetTermUnit,
  hermiteEnergies,
  singleIndexEnergies,
  targetTermsFromEnergies,
  type TargetTerm,
} from '../../src/kernel/targets.js';
import { spectrum, multiplicity } from '../../src/kernel/spectrum.js';

/** seeded uniform (mulberry32) + Box–Muller normals */
function gaussianStream(seed: number) {
  let a = seed >>> 0;
  const u = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(1 - u()));
    const th = 2 * Math.PI * u();
    spare = r * Math.sin(th);
    return r * Math.cos(th);
  };
}

/** x = √d g/‖g‖ (K1) */
function sphereSample(d: number, g: () => number): Float64Array {
  const x = new Float64Array(d);
  let nn = 0;
  for (let i = 0; i < d; i++) {
    x[i] = g();
    nn += x[i] * x[i];
  }
  const sc = Math.sqrt(d / nn);
  for (let i = 0; i < d; i++) x[i] *= sc;
  return x;
}

/** Monte Carlo Gram matrix of the unit representatives with standard errors */
function mcGram(terms: TargetTerm[], d: number, N: number, seed: number) {
  const g = gaussianStream(seed);
  const m = terms.length;
  const s1 = new Float64Array(m * m);
  const s2 = new Float64Array(m * m);
  const v = new Float64Array(m);
  for (let r = 0; r < N; r++) {
    const x = sphereSample(d, g);
    for (let i = 0; i < m; i++) v[i] = evalTargetTermUnit(terms[i], x, d);
    for (let i = 0; i < m; i++)
      for (let j = 0; j <= i; j++) {
        const p = v[i] * v[j];
        s1[i * m + j] += p;
        s2[i * m + j] += p * p;
      }
  }
  return (i: number, j: number) => {
    const [a, b] = i >= j ? [i, j] : [j, i];
    const mean = s1[a * m + b] / N;
    const se = Math.sqrt((s2[a * m + b] / N - mean * mean) / N);
    return { mean, se };
  };
}

describe('K27 representatives', () => {
  it('terms: monomials for degrees 0–3 with the K27 scales, zonal above', () => {
    const d = 20;
    const t = targetTermsFromEnergies([0.5, 1 / 3, 1 / 3, 1 / 3, 0, 0.25], d);
    expect(t.map((x) => [x.degree, x.kind])).toEqual([
      [0, 'monomial'],
      [1, 'monomial'],
      [2, 'monomial'],
      [3, 'monomial'],
      [5, 'zonal'],
    ]);
    expect(t[0].coef).toBeCloseTo(Math.sqrt(0.5), 15);
    expect(t[2].scale).toBeCloseTo(Math.sqrt(22 / 20), 15);
    expect(t[3].scale).toBeCloseTo(Math.sqrt(22 * 24) / 20, 15);
    expect(t[4].scale).toBeCloseTo(Math.sqrt(multiplicity(20, 5)), 9);
    expect(describeTarget(t)).toMatch(/x1x2x3/);
  });

  for (const rep of ['monomial', 'zonal'] as const) {
    it(`${rep}: unit L² norm and orthogonality across degrees by Monte Carlo on S^{d−1}(√d)`, () => {
      const d = 20;
      const terms = targetTermsFromEnergies([1, 1, 1, 1, 1, 1], d, { representation: rep, zonalAxis: 3 });
      const G = mcGram(terms, d, 100000, rep === 'monomial' ? 12345 : 777);
      for (let i = 0; i < terms.length; i++)
        for (let j = 0; j <= i; j++) {
          const { mean, se } = G(i, j);
          const want = i === j ? 1 : 0;
          expect(Math.abs(mean - want)).toBeLessThan(4.5 * se + 1e-12);
        }
    });
  }

  it('standard test target (c_k² = 1/3, k = 1..3) has ‖f‖² ≈ 1; parts sum to f; batch = pointwise', () => {
    const d = 100;
    const terms = targetTermsFromEnergies([0, 1 / 3, 1 / 3, 1 / 3], d);
    const g = gaussianStream(99);
    const N = 50000;
    let s1 = 0;
    let s2 = 0;
    const X = new Float64Array(5 * d);
    for (let r = 0; r < N; r++) {
      const x = sphereSample(d, g);
      const f = evalTarget(terms, x, d);
      const parts = evalTargetDegreeParts(terms, x, d);
      expect(Math.abs(parts.reduce((a, b) => a + b, 0) - f)).toBeLessThan(1e-14);
      if (r < 5) X.set(x, r * d);
      s1 += f * f;
      s2 += f ** 4;
    }
    const mean = s1 / N;
    const se = Math.sqrt((s2 / N - mean * mean) / N);
    expect(Math.abs(mean - 1)).toBeLessThan(4.5 * se);
    const fb = evalTargetBatch(terms, X, d);
    for (let r = 0; r < 5; r++) expect(fb[r]).toBe(evalTarget(terms, X.subarray(r * d, (r + 1) * d), d));
    // the monomial for degree 3 is exactly (√((d+2)(d+4))/d)·x1x2x3 times c_3
    const x = new Float64Array(d).fill(1);
    expect(evalTargetDegreeParts(terms, x, d)[2]).toBeCloseTo(Math.sqrt(1 / 3) * (Math.sqrt(102 * 104) / 100), 15);
  });

  it('rejects bad input', () => {
    expect(() => targetTermsFromEnergies([-1], 10)).toThrow(/energies\[0\]/);
    expect(() => targetTermsFromEnergies([1], 10, { zonalAxis: 10 })).toThrow(/zonalAxis/);
  });
});

describe('single-index energies (K27)', () => {
  it('φ(z) = z³: exact finite-d values c_1² = 9d²/(d+2)², Σc² = E[(√d s)^6] = 15d²/((d+2)(d+4))', () => {
    for (const d of [10, 50, 400]) {
      const c = singleIndexEnergies((z) => z ** 3, d, 6);
      expect(Math.abs(c[1] - (9 * d * d) / (d + 2) ** 2)).toBeLessThan(1e-11);
      const tot = c.reduce((a, b) => a + b, 0);
      expect(Math.abs(tot - (15 * d * d) / ((d + 2) * (d + 4)))).toBeLessThan(1e-11);
      for (const k of [0, 2, 4, 5, 6]) expect(c[k]).toBeLessThan(1e-20);
    }
  });
  it('φ(z) = e^{τz}: c_k² = B(d,k)·ξ_{d,k}(e^{τ√d s})² matches the K12 spectrum', () => {
    const d = 50;
    const tau = 0.3;
    const c = singleIndexEnergies((z) => Math.exp(tau * z), d, 6);
    const sp = spectrum({ type: 'exp', tau: tau * Math.sqrt(d) }, { dim: d, maxDegree: 6 });
    for (let k = 0; k <= 6; k++) expect(Math.abs(c[k] / (sp.multiplicities[k] * sp.eigenvalues[k] ** 2) - 1)).toBeLessThan(1e-10);
  });
  it('d → ∞ Hermite limit: e^{z} has (E[e^G He_k])²/k! = e/k!; z³ has 9 and 6', () => {
    const h = hermiteEnergies(Math.exp, 6);
    let kf = 1;
    for (let k = 0; k <= 6; k++) {
      if (k > 0) kf *= k;
      expect(Math.abs(h[k] - Math.E / kf)).toBeLessThan(1e-12);
    }
    const h3 = hermiteEnergies((z) => z ** 3, 4);
    expect(h3[1]).toBeCloseTo(9, 12);
    expect(h3[3]).toBeCloseTo(6, 12);
    const big = singleIndexEnergies(Math.exp, 1e4, 6, 200);
    for (let k = 0; k <= 6; k++) expect(Math.abs(big[k] / h[k] - 1)).toBeLessThan(((k * k + 2) / 1e4) * 2);
  });
});

describe('hypercube targets (§10)', () => {
  it('Walsh monomials are exactly orthonormal (full enumeration of {±1}^8)', () => {
    const d = 8;
    const terms = targetTermsFromEnergies([1, 1, 1, 1, 0, 1, 1, 0, 1], d, { domain: 'hypercube' });
    expect(terms.every((t) => t.kind === 'monomial' && t.scale === 1)).toBe(true);
    const m = terms.length;
    const G = new Float64Array(m * m);
    const x = new Float64Array(d);
    for (let mask = 0; mask < 1 << d; mask++) {
      for (let i = 0; i < d; i++) x[i] = (mask >> i) & 1 ? -1 : 1;
      const v = terms.map((t) => evalTargetTermUnit(t, x, d));
      for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) G[i * m + j] += (v[i] * v[j]) / (1 << d);
    }
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) expect(G[i * m + j]).toBe(i === j ? 1 : 0);
    expect(() => targetTermsFromEnergies([0, 0, 0, 1], 2, { domain: 'hypercube' })).toThrow(/degree 3/);
  });
});
