import { describe, expect, it } from 'vitest';
import { gaussHermite, gaussJacobiSym, gaussLegendre, expectJacobi, symTridiagEigenvalues } from '../../src/kernel/quadrature.js';
import { gamma, gammaRatio, hyp0f1, lgamma, lgammaRatio, logBinomial, binomial } from '../../src/kernel/special.js';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

/** E_a[s^{2m}] for density ∝ (1−s²)^a: s² ~ Beta(½, a+1) ⇒ (½)_m / (a+3/2)_m (independent closed form). */
function evenMoment(a: number, m: number): number {
  let p = 1;
  for (let i = 0; i < m; i++) p *= (0.5 + i) / (a + 1.5 + i);
  return p;
}

describe('symmetric tridiagonal QL', () => {
  it('matches the analytic spectrum of tridiag(−1, 2, −1)', () => {
    const n = 50;
    const ev = symTridiagEigenvalues(new Float64Array(n).fill(2), new Float64Array(n - 1).fill(-1));
    const exact = Array.from({ length: n }, (_, j) => 2 - 2 * Math.cos(((j + 1) * Math.PI) / (n + 1))).sort((a, b) => a - b);
    for (let i = 0; i < n; i++) expect(Math.abs(ev[i] - exact[i])).toBeLessThan(1e-13);
  });
  it('handles 1×1 and diagonal matrices', () => {
    expect(Array.from(symTridiagEigenvalues([3], []))).toEqual([3]);
    expect(Array.from(symTridiagEigenvalues([3, 1, 2], [0, 0]))).toEqual([1, 2, 3]);
  });
});

describe('Gauss–Jacobi (symmetric) rules', () => {
  it('reproduces tabulated 5-point Gauss–Legendre nodes and weights', () => {
    const r = gaussLegendre(5);
    const nodes = [-0.906179845938664, -0.5384693101056831, 0, 0.5384693101056831, 0.906179845938664];
    const weights = [0.2369268850561891, 0.4786286704993665, 0.5688888888888889, 0.4786286704993665, 0.2369268850561891];
    for (let i = 0; i < 5; i++) {
      expect(Math.abs(r.nodes[i] - nodes[i])).toBeLessThan(1e-15);
      expect(Math.abs(r.weights[i] - weights[i])).toBeLessThan(1e-15);
    }
  });

  for (const a of [-0.5, 0, 0.5, 3.5, 48.5, 198.5, 4998.5]) {
    it(`is exact for even moments up to degree 2n−2 (a = ${a}, the weight of d = ${2 * a + 3})`, () => {
      const n = 40;
      const { nodes, weights } = gaussJacobiSym(n, a);
      let sw = 0;
      for (let i = 0; i < n; i++) sw += weights[i];
      expect(Math.abs(sw - 1)).toBeLessThan(1e-15);
      for (let i = 1; i < n; i++) expect(nodes[i]).toBeGreaterThan(nodes[i - 1]);
      for (const m of [1, 2, 5, 10, 20, 39]) {
        const q = expectJacobi((s) => s ** (2 * m), a, n);
        expect(rel(q, evenMoment(a, m))).toBeLessThan(1e-12);
      }
    });
  }

  it('Chebyshev (a = −½) nodes are cos((2i−1)π/2n) with equal weights', () => {
    const n = 17;
    const { nodes, weights } = gaussJacobiSym(n, -0.5);
    const exact = Array.from({ length: n }, (_, i) => Math.cos(((2 * i + 1) * Math.PI) / (2 * n))).sort((x, y) => x - y);
    for (let i = 0; i < n; i++) {
      expect(Math.abs(nodes[i] - exact[i])).toBeLessThan(1e-14);
      expect(Math.abs(weights[i] - 1 / n)).toBeLessThan(1e-14);
    }
  });

  it('stays accurate for the very peaked weight of d = 1e4 with 400 nodes', () => {
    const a = (1e4 - 3) / 2;
    // E[e^{s}] = ₀F₁(; d/2; 1/4) for the law K7 (independent series evaluated here)
    let term = 1;
    let sum = 1;
    for (let k = 0; k < 30; k++) {
      term *= 0.25 / ((5000 + k) * (k + 1));
      sum += term;
    }
    expect(rel(expectJacobi(Math.exp, a, 400), sum)).toBeLessThan(1e-14);
    expect(
      rel(
        expectJacobi((s) => s ** 24, a, 400),
        evenMoment(a, 12),
      ),
    ).toBeLessThan(1e-12);
  });
});

describe('Gauss–Hermite', () => {
  it('integrates Gaussian moments (2m−1)!!', () => {
    let df = 1;
    for (let m = 1; m <= 15; m++) {
      df *= 2 * m - 1;
      let q = 0;
      const { nodes, weights } = gaussHermite(40);
      for (let i = 0; i < 40; i++) q += weights[i] * nodes[i] ** (2 * m);
      expect(rel(q, df)).toBeLessThan(1e-12);
    }
  });
});

describe('special functions', () => {
  it('lgamma / gamma agree with exact values', () => {
    expect(rel(lgamma(0.5), 0.5 * Math.log(Math.PI))).toBeLessThan(1e-15);
    expect(rel(lgamma(10), Math.log(362880))).toBeLessThan(1e-15);
    expect(rel(lgamma(100), 359.134205369575398776044)).toBeLessThan(1e-15);
    expect(rel(gamma(5.5), 52.342777784553520181149)).toBeLessThan(1e-14);
    expect(rel(gamma(-0.5), -2 * Math.sqrt(Math.PI))).toBeLessThan(1e-14);
    expect(rel(lgamma(1e6), 12815504.56914761)).toBeLessThan(1e-15);
  });
  it('Γ(x+½)/Γ(x) at large x matches its asymptotic series (no lgamma cancellation)', () => {
    for (const x of [500, 5000, 50000]) {
      const series = Math.sqrt(x) * (1 - 1 / (8 * x) + 1 / (128 * x * x) + 5 / (1024 * x ** 3) - 21 / (32768 * x ** 4));
      expect(rel(gammaRatio(x + 0.5, x), series)).toBeLessThan(2e-15);
      expect(rel(Math.exp(lgammaRatio(x, x + 0.5)), 1 / series)).toBeLessThan(2e-15);
    }
    expect(gammaRatio(7, 4)).toBe(4 * 5 * 6);
  });
  it('₀F₁ reproduces sinh(z)/z and cosh z', () => {
    for (const z of [0.1, 1, 3, 10]) {
      expect(rel(hyp0f1(1.5, (z * z) / 4), Math.sinh(z) / z)).toBeLessThan(1e-14);
      expect(rel(hyp0f1(0.5, (z * z) / 4), Math.cosh(z))).toBeLessThan(1e-14);
    }
  });
  it('binomials', () => {
    expect(binomial(10, 3)).toBe(120);
    expect(binomial(52, 5)).toBe(2598960);
    expect(rel(logBinomial(1000, 500), lgamma(1001) - 2 * lgamma(501))).toBeLessThan(1e-13);
  });
});
