import { describe, expect, it } from 'vitest';
import {
  eigenvalueExpK12,
  eigenvalueK8,
  eigenvalueK9Quad,
  gegenbauerAll,
  gegenbauerP,
  hypercubeEigenvalue,
  hypercubeEigenvalueExp,
  hypercubeEigenvalueK26,
  hypercubeEigenvaluePoly,
  kappaAbove,
  logMultiplicity,
  multiplicity,
  spectrum,
  truncatedSpectrum,
} from '../../src/kernel/spectrum.js';
import {
  KernelSpecError,
  compileKernel,
  evalKernel,
  h1,
  kernelDerivative,
  kernelMapTerms,
  kernelTaylor,
  parseKernel,
  toKernelSpec,
  type KernelSpec,
} from '../../src/kernel/kernels.js';
import { expectJacobi, gaussLegendre } from '../../src/kernel/quadrature.js';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
const EXP: KernelSpec = { terms: [{ type: 'exp', tau: 1 }] };

describe('G1: exp-kernel spectrum (K12 values from kernel.md §12)', () => {
  const table: Record<number, number[]> = {
    3: [1.1752011936, 3.6787944117e-1, 7.1562870129e-2, 1.0065090524e-2, 1.107236461e-3, 9.9962375201e-5],
    10: [1.0510541649, 1.0424185189e-1, 8.6356460072e-3, 6.1409980078e-4, 3.8248796288e-5, 2.1190601713e-6],
  };
  for (const d of [3, 10]) {
    it(`d = ${d}, k = 0..5 to 1e-9`, () => {
      const s = spectrum(EXP, { dim: d, maxDegree: 5 });
      table[d].forEach((x, k) => expect(rel(s.eigenvalues[k], x)).toBeLessThan(1e-9));
    });
  }
  it('d = 2 (circle): ξ_k = I_k(1), modified Bessel values; K9 with a = k − ½ agrees', () => {
    const I = [1.2660658777520082, 0.5651591039924851, 0.13574766976703828, 0.0221684249243319];
    I.forEach((v, k) => {
      expect(rel(eigenvalueExpK12(1, 2, k), v)).toBeLessThan(1e-14);
      expect(rel(eigenvalueK9Quad(EXP, 2, k), v)).toBeLessThan(1e-13);
    });
    expect(multiplicity(2, 3)).toBe(2);
  });
  it('d = 3 closed forms ξ_0 = sinh 1, ξ_1 = e^{−1}', () => {
    expect(rel(eigenvalueExpK12(1, 3, 0), Math.sinh(1))).toBeLessThan(1e-15);
    expect(rel(eigenvalueExpK12(1, 3, 1), Math.exp(-1))).toBeLessThan(1e-15);
  });
  for (const d of [3, 10, 50, 100, 400, 10000]) {
    it(`K9 (Gauss–Jacobi) ↔ K12 to 1e-10, d = ${d}, k ≤ 12`, () => {
      for (let k = 0; k <= 12; k++) {
        const a = eigenvalueK9Quad(EXP, d, k, 160);
        const b = eigenvalueExpK12(1, d, k);
        expect(rel(a, b)).toBeLessThan(1e-10);
      }
    });
  }
  for (const d of [3, 10, 50, 100]) {
    it(`direct K8 ↔ K12 to 1e-6 for k ≤ 6, d = ${d}`, () => {
      for (let k = 0; k <= 6; k++) expect(rel(eigenvalueK8(EXP, d, k, 200), eigenvalueExpK12(1, d, k))).toBeLessThan(1e-6);
    });
  }
  it('spectrum(method: k9 | k8) agrees with the default route; K9 stable for 100–400 nodes', () => {
    const auto = spectrum(EXP, { dim: 400, maxDegree: 8 });
    for (const nodes of [100, 200, 400]) {
      const k9 = spectrum(EXP, { dim: 400, maxDegree: 8, method: 'k9', nodes });
      auto.eigenvalues.forEach((x, k) => expect(rel(k9.eigenvalues[k], x)).toBeLessThan(1e-10));
      expect(k9.notes.join(' ')).toMatch(/K9/);
    }
    const k8 = spectrum(EXP, { dim: 10, maxDegree: 6, method: 'k8' });
    spectrum(EXP, { dim: 10, maxDegree: 6 }).eigenvalues.forEach((x, k) => expect(rel(k8.eigenvalues[k], x)).toBeLessThan(1e-6));
  });
  it('exp with τ ≠ 1 and weights: K12 ↔ K9', () => {
    const spec: KernelSpec = { terms: [{ type: 'exp', tau: -0.7, weight: 2.5 }] };
    const s = spectrum(spec, { dim: 20, maxDegree: 8 });
    for (let k = 0; k <= 8; k++) expect(rel(s.eigenvalues[k], eigenvalueK9Quad(spec, 20, k))).toBeLessThan(1e-10);
  });
});

describe('multiplicities (K5)', () => {
  it('spec examples', () => {
    expect(multiplicity(100, 1)).toBe(100);
    expect(multiplicity(100, 2)).toBe(5049);
    expect(multiplicity(400, 2)).toBe(80199);
    expect(multiplicity(3, 4)).toBe(9);
    expect(multiplicity(2, 5)).toBe(2);
  });
  // independent: dim of harmonic polynomials = C(k+d−1, d−1) − C(k+d−3, d−1), in BigInt
  const big = (n: number, k: number): bigint => {
    if (k < 0 || k > n) return 0n;
    let r = 1n;
    for (let j = 1; j <= k; j++) r = (r * BigInt(n - k + j)) / BigInt(j);
    return r;
  };
  const exactB = (d: number, k: number) => big(k + d - 1, k) - big(k + d - 3, k - 2);
  it('agrees with the exact harmonic-space dimension (BigInt), incl. d = 1e4, k = 12 in log space', () => {
    for (const d of [3, 5, 10, 100, 400]) for (let k = 0; k <= 12; k++) expect(rel(multiplicity(d, k), Number(exactB(d, k)))).toBeLessThan(1e-14);
    const logBig = (x: bigint) => {
      const str = x.toString();
      return Math.log(Number('0.' + str.slice(0, 17))) + str.length * Math.LN10;
    };
    for (const k of [1, 5, 12, 40]) {
      const want = logBig(exactB(1e4, k));
      expect(Math.abs(logMultiplicity(1e4, k) - want)).toBeLessThan(1e-13 * want);
    }
    expect(Number.isFinite(multiplicity(1e4, 12))).toBe(true);
  });
});

describe('Gegenbauer polynomials (K6, K7)', () => {
  // independent explicit sum: C_n^λ(x) = Σ_m (−1)^m Γ(n−m+λ)/(Γ(λ) m! (n−2m)!) (2x)^{n−2m}
  function cExplicit(n: number, lam: number, x: number): number {
    let acc = 0;
    for (let m = 0; 2 * m <= n; m++) {
      let c = 1; // Γ(n−m+λ)/Γ(λ) = (λ)_{n−m}
      for (let i = 0; i < n - m; i++) c *= lam + i;
      let den = 1;
      for (let i = 2; i <= m; i++) den *= i;
      for (let i = 2; i <= n - 2 * m; i++) den *= i;
      acc += ((m % 2 ? -1 : 1) * c * (2 * x) ** (n - 2 * m)) / den;
    }
    return acc;
  }
  it('recurrence K6 equals C_k^{(d/2−1)}(s)/C_k^{(d/2−1)}(1)', () => {
    for (const d of [3, 4, 7, 12]) {
      const lam = d / 2 - 1;
      for (let k = 0; k <= 8; k++)
        for (const s of [-0.9, -0.3, 0, 0.25, 0.8, 1]) {
          const want = cExplicit(k, lam, s) / cExplicit(k, lam, 1);
          expect(Math.abs(gegenbauerP(d, k, s) - want)).toBeLessThan(1e-13);
        }
    }
  });
  it('d = 3 is Legendre', () => {
    const s = 0.37;
    expect(gegenbauerP(3, 2, s)).toBeCloseTo((3 * s * s - 1) / 2, 15);
    expect(gegenbauerP(3, 3, s)).toBeCloseTo((5 * s ** 3 - 3 * s) / 2, 15);
  });
  for (const d of [3, 10, 100, 10000]) {
    it(`E[P_k P_j]·B(d,k) = δ_kj by quadrature, d = ${d}`, () => {
      const K = 12;
      for (let k = 0; k <= K; k++)
        for (let j = 0; j <= k; j++) {
          const v =
            expectJacobi(
              (s) => {
                const p = gegenbauerAll(d, K, s);
                return p[k] * p[j];
              },
              (d - 3) / 2,
              40,
            ) * multiplicity(d, k);
          if (j === k) expect(Math.abs(v - 1)).toBeLessThan(1e-11);
          else expect(Math.abs(v)).toBeLessThan(1e-11 * Math.sqrt(multiplicity(d, k) / multiplicity(d, j)));
        }
    });
  }
});

describe('G2: identities', () => {
  for (const d of [10, 50, 100, 400]) {
    it(`Σ ξ_k B(d,k) = e to 1e-12, d = ${d} (K11a)`, () => {
      const s = truncatedSpectrum(EXP, d);
      expect(s.tailReached).toBe(true);
      const sum = s.mass.reduce((a, b) => a + b, 0);
      expect(rel(sum, Math.E)).toBeLessThan(1e-12);
      expect(Math.abs(s.tailMass)).toBeLessThan(1e-12 * Math.E);
    });
  }
  it('Parseval at d = 50: Σ ξ_k² B = 1.0407788128 (K11b)', () => {
    const s = truncatedSpectrum(EXP, 50);
    let p = 0;
    s.eigenvalues.forEach((x, k) => (p += x * x * s.multiplicities[k]));
    expect(rel(p, 1.0407788128)).toBeLessThan(1e-9);
  });
  it('h = s², s³ top coefficients at d = 50 (K11c)', () => {
    const s2 = spectrum({ type: 'poly', coeffs: [0, 0, 1] }, { dim: 50, maxDegree: 4 });
    expect(rel(s2.eigenvalues[2], 2 / (50 * 52))).toBeLessThan(1e-14);
    expect(rel(s2.eigenvalues[2], 7.6923077e-4)).toBeLessThan(1e-8);
    expect(rel(s2.eigenvalues[0], 1 / 50)).toBeLessThan(1e-14); // E[s²] = 1/d
    expect(s2.eigenvalues[1]).toBe(0);
    expect(s2.eigenvalues[3]).toBe(0);
    const s3 = spectrum({ type: 'poly', coeffs: [0, 0, 0, 1] }, { dim: 50, maxDegree: 3 });
    expect(rel(s3.eigenvalues[3], 6 / (50 * 52 * 54))).toBeLessThan(1e-14);
    expect(rel(s3.eigenvalues[3], 4.2735043e-5)).toBeLessThan(1e-8);
    for (let k = 0; k <= 6; k++) {
      const p = { type: 'poly' as const, coeffs: [0.3, -1, 0.5, 2, 0, 0.1] };
      expect(Math.abs(spectrum(p, { dim: 7, maxDegree: 6 }).eigenvalues[k] - eigenvalueK8(p, 7, k))).toBeLessThan(1e-14);
    }
  });
  it('Gram reconstruction: |h(s) − Σ_{k≤K} ξ_k B_k P_k(s)| ≤ tail mass', () => {
    for (const d of [10, 100]) {
      const sp = spectrum(EXP, { dim: d, maxDegree: 6 });
      for (const s of [-1, -0.4, 0, 0.1, 0.7, 1]) {
        const P = gegenbauerAll(d, 6, s);
        let r = 0;
        for (let k = 0; k <= 6; k++) r += sp.mass[k] * P[k];
        expect(Math.abs(Math.exp(s) - r)).toBeLessThanOrEqual(sp.tailMass * (1 + 1e-12) + 1e-15);
      }
    }
  });
});

describe('K10 scaling and d = 1e4', () => {
  it('ξ_{d,k}·d(d+2)…(d+2k−2)/h^{(k)}(0) → 1 with O(1/d), and ξB → 1/k!', () => {
    for (const d of [1000, 10000]) {
      const s = spectrum(EXP, { dim: d, maxDegree: 12 });
      for (let k = 0; k <= 12; k++) {
        let den = 1;
        for (let j = 0; j < k; j++) den *= d + 2 * j;
        const r = s.eigenvalues[k] * den; // h^{(k)}(0) = 1
        expect(r).toBeGreaterThan(1);
        expect(r - 1).toBeLessThan(1 / d);
        let kf = 1;
        for (let j = 2; j <= k; j++) kf *= j;
        expect(Math.abs(s.mass[k] * kf - 1)).toBeLessThan((k * k + 1) / d);
      }
    }
  });
  it('d = 1e4, degrees to 12: finite and positive for exp, relu-ntk, arccos1', () => {
    for (const spec of [EXP, parseKernel('relu-ntk'), parseKernel('arccos1'), parseKernel('arccos0')]) {
      const s = spectrum(spec, { dim: 1e4, maxDegree: 12 });
      s.eigenvalues.forEach((x) => expect(Number.isFinite(x) && x >= 0).toBe(true));
      s.mass.forEach((x) => expect(Number.isFinite(x)).toBe(true));
      // K10 limit for the arc-cos family too: ξB·k! → h^{(k)}(0), via the independent Taylor series
      const tay = kernelTaylor(spec, 12);
      for (let k = 0; k <= 12; k++) expect(Math.abs(s.mass[k] - tay[k])).toBeLessThan(2e-3 * Math.max(tay[k], 1e-3));
    }
  });
});

describe('arc-cosine kernels', () => {
  // Independent K8 in the angle θ (s = cos θ): κ0 = (π−θ)/π, κ1 = (cosθ(π−θ) + sinθ)/π are analytic in
  // θ, the density is ∝ sin^{d−2}θ; Gauss–Legendre on [0, π] converges exponentially.
  function xiTheta(type: 'arccos0' | 'arccos1' | 'relu-ntk', d: number, k: number): number {
    const { nodes, weights } = gaussLegendre(400, 0, Math.PI);
    let num = 0;
    let den = 0;
    for (let i = 0; i < nodes.length; i++) {
      const th = nodes[i];
      const c = Math.cos(th);
      const k0 = (Math.PI - th) / Math.PI;
      const k1 = (c * (Math.PI - th) + Math.sin(th)) / Math.PI;
      const h = type === 'arccos0' ? k0 : type === 'arccos1' ? k1 : c * k0 + k1;
      const w = weights[i] * Math.sin(th) ** (d - 2);
      num += w * h * gegenbauerP(d, k, c);
      den += w;
    }
    return num / den;
  }
  for (const type of ['arccos0', 'arccos1', 'relu-ntk'] as const) {
    it(`${type}: K9 closed form ↔ angle quadrature of K8 (d = 3, 4, 7, 10, 30; k ≤ 8)`, () => {
      for (const d of [3, 4, 7, 10, 30])
        for (let k = 0; k <= 8; k++) {
          const got = spectrum({ type }, { dim: d, maxDegree: k }).eigenvalues[k];
          const want = xiTheta(type, d, k);
          expect(Math.abs(got - want)).toBeLessThan(1e-13 + 1e-10 * Math.abs(want));
        }
    });
  }
  it('hand value: arccos0 at d = 3 has ξ_1 = 1/8', () => {
    expect(rel(spectrum({ type: 'arccos0' }, { dim: 3, maxDegree: 1 }).eigenvalues[1], 1 / 8)).toBeLessThan(1e-14);
  });
  it('Taylor series (arcsin route) matches the closed form for |s| ≤ 0.9 and the exact derivatives at 0', () => {
    for (const type of ['arccos0', 'arccos1', 'relu-ntk'] as const) {
      const c = kernelTaylor({ type }, 800);
      for (const s of [-0.9, -0.5, 0, 0.3, 0.9]) {
        let v = 0;
        for (let j = c.length - 1; j >= 0; j--) v = v * s + c[j];
        expect(Math.abs(v - evalKernel({ type }, s))).toBeLessThan(1e-13);
      }
      let kf = 1;
      for (let k = 0; k <= 20; k++) {
        if (k > 0) kf *= k;
        const d0 = kernelDerivative({ type }, k, 0) / kf;
        expect(Math.abs(d0 - c[k])).toBeLessThan(1e-14 * Math.max(1, Math.abs(c[k])));
      }
    }
  });
  it('closed-form derivatives match finite differences', () => {
    for (const type of ['arccos0', 'arccos1', 'relu-ntk'] as const)
      for (const s of [-0.6, 0.3, 0.8])
        for (let k = 0; k <= 4; k++) {
          const hh = 1e-5;
          const fd = (kernelDerivative({ type }, k, s + hh) - kernelDerivative({ type }, k, s - hh)) / (2 * hh);
          expect(rel(fd, kernelDerivative({ type }, k + 1, s))).toBeLessThan(1e-7);
        }
  });
  it('κ1 and relu-ntk values at s = 1, 0, −1', () => {
    expect(evalKernel({ type: 'arccos1' }, 1)).toBeCloseTo(1, 15);
    expect(evalKernel({ type: 'arccos1' }, 0)).toBeCloseTo(1 / Math.PI, 15);
    expect(evalKernel({ type: 'arccos0' }, -1)).toBe(0);
    expect(h1({ type: 'relu-ntk' })).toBeCloseTo(2, 15);
  });
});

describe('gegenbauer term and the two-kernel preset (§9)', () => {
  it('ξ is exact (K4) and equals K8 quadrature', () => {
    const C = parseKernel('two-kernels-C');
    const s = spectrum(C, { dim: 100, maxDegree: 8 });
    const e = spectrum(EXP, { dim: 100, maxDegree: 8 });
    for (let k = 0; k <= 8; k++) {
      const want = 0.5 * e.eigenvalues[k] + (k === 6 ? 2 / multiplicity(100, 6) : 0);
      expect(rel(s.eigenvalues[k], want)).toBeLessThan(1e-14);
    }
    const g = { type: 'gegenbauer' as const, dim: 100, coeffs: [0, 0, 0, 0, 0, 0, 2] };
    expect(rel(eigenvalueK8(g, 100, 6, 100), 2 / multiplicity(100, 6))).toBeLessThan(1e-8);
    expect(Math.abs(eigenvalueK8(g, 100, 4, 100))).toBeLessThan(1e-16);
    expect(rel(kappaAbove(s, 1), 0.5 * kappaAbove(e, 1) + 2)).toBeLessThan(1e-13);
    expect(rel(h1(C), 0.5 * Math.E + 2)).toBeLessThan(1e-15);
  });
  it('dim ≠ d falls back to monomials and agrees with K8', () => {
    const g = { type: 'gegenbauer' as const, dim: 5, coeffs: [0.2, 0, 1, 0, 0.5] };
    const s = spectrum(g, { dim: 8, maxDegree: 5 });
    for (let k = 0; k <= 5; k++) expect(Math.abs(s.eigenvalues[k] - eigenvalueK8(g, 8, k))).toBeLessThan(1e-14);
    expect(s.notes.some((n) => n.includes('dim=5'))).toBe(true);
  });
});

describe('hypercube (K26) vs brute force', () => {
  function cube(d: number): number[][] {
    const xs: number[][] = [];
    for (let m = 0; m < 1 << d; m++) xs.push(Array.from({ length: d }, (_, i) => ((m >> i) & 1 ? -1 : 1)));
    return xs;
  }
  /** cyclic Jacobi eigenvalues of a symmetric matrix (test-only reference) */
  function jacobiEigenvalues(A: Float64Array, n: number): number[] {
    const a = Float64Array.from(A);
    for (let sweep = 0; sweep < 50; sweep++) {
      let off = 0;
      for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] ** 2;
      if (off < 1e-30) break;
      for (let p = 0; p < n; p++)
        for (let q = p + 1; q < n; q++) {
          const apq = a[p * n + q];
          if (Math.abs(apq) < 1e-300) continue;
          const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
          const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          const c = 1 / Math.sqrt(t * t + 1);
          const s = t * c;
          for (let k = 0; k < n; k++) {
            const akp = a[k * n + p];
            const akq = a[k * n + q];
            a[k * n + p] = c * akp - s * akq;
            a[k * n + q] = s * akp + c * akq;
          }
          for (let k = 0; k < n; k++) {
            const apk = a[p * n + k];
            const aqk = a[q * n + k];
            a[p * n + k] = c * apk - s * aqk;
            a[q * n + k] = s * apk + c * aqk;
          }
        }
    }
    return Array.from({ length: n }, (_, i) => a[i * n + i]).sort((x, y) => x - y);
  }
  for (const spec of [EXP, parseKernel('relu-ntk')]) {
    it(`full eigenvalue multiset at d = 6 (${spec.name ?? 'exp'})`, () => {
      const d = 6;
      const xs = cube(d);
      const N = xs.length;
      const M = new Float64Array(N * N);
      for (let i = 0; i < N; i++)
        for (let j = 0; j < N; j++) {
          let dot = 0;
          for (let t = 0; t < d; t++) dot += xs[i][t] * xs[j][t];
          M[i * N + j] = evalKernel(spec, dot / d) / N;
        }
      const ev = jacobiEigenvalues(M, N);
      const sp = spectrum(spec, { dim: d, maxDegree: d, domain: 'hypercube' });
      const want: number[] = [];
      sp.eigenvalues.forEach((l, k) => {
        for (let r = 0; r < sp.multiplicities[k]; r++) want.push(l);
      });
      want.sort((x, y) => x - y);
      for (let i = 0; i < N; i++) expect(Math.abs(ev[i] - want[i])).toBeLessThan(1e-12);
      expect(
        rel(
          sp.mass.reduce((a, b) => a + b, 0),
          h1(spec),
        ),
      ).toBeLessThan(1e-13);
    });
  }
  it('exp closed form sinh^k cosh^{d−k} equals the K26 sum (d ≤ 16)', () => {
    for (const d of [1, 2, 5, 10, 16])
      for (let k = 0; k <= d; k++) {
        const a = hypercubeEigenvalueExp(1.3, d, k);
        const b = hypercubeEigenvalueK26({ type: 'exp', tau: 1.3 }, d, k);
        expect(Math.abs(a - b)).toBeLessThan(1e-14 * hypercubeEigenvalueExp(1.3, d, 0));
      }
    expect(hypercubeEigenvalueExp(0.7, 1, 1)).toBeCloseTo(Math.sinh(0.7), 15);
  });
  it('poly series route equals K26 (d ≤ 12) and stays accurate at d = 200', () => {
    const c = [0.5, 1, 0.7, 0.2, 0.05, 0.01];
    for (const d of [1, 3, 7, 12])
      for (let k = 0; k <= d; k++) {
        const a = hypercubeEigenvaluePoly(c, d, k);
        const b = hypercubeEigenvalueK26({ type: 'poly', coeffs: c }, d, k);
        expect(Math.abs(a - b)).toBeLessThan(1e-14);
      }
    // s^2 on {±1}^d: λ_0 = 1/d, λ_2 = 2/d², others 0 (E[s² x1x2] = 2/d²)
    expect(hypercubeEigenvaluePoly([0, 0, 1], 200, 0)).toBeCloseTo(1 / 200, 16);
    expect(rel(hypercubeEigenvaluePoly([0, 0, 1], 200, 2), 2 / 200 ** 2)).toBeLessThan(1e-14);
    expect(hypercubeEigenvaluePoly([0, 0, 1], 200, 1)).toBe(0);
    // mass identity at d = 200 with the series route: Σ_k λ_k C(d,k) = h(1)
    const sp = spectrum({ type: 'poly', coeffs: c }, { dim: 200, maxDegree: 5, domain: 'hypercube' });
    expect(
      rel(
        sp.mass.reduce((a, b) => a + b, 0),
        c.reduce((a, b) => a + b, 0),
      ),
    ).toBeLessThan(1e-13);
    expect(rel(sp.eigenvalues[5], (0.01 * 120) / 200 ** 5)).toBeLessThan(1e-12);
  });
  it('arc-cos on the hypercube at d ≥ 64 (Taylor series route) agrees with K26 where K26 is accurate', () => {
    for (const type of ['arccos0', 'arccos1', 'relu-ntk'] as const) {
      const d = 64;
      const sp = spectrum({ type }, { dim: d, maxDegree: d, domain: 'hypercube' });
      for (let k = 0; k <= 3; k++) {
        const ref = hypercubeEigenvalueK26({ type }, d, k);
        expect(Math.abs(sp.eigenvalues[k] - ref)).toBeLessThan(1e-9 * Math.abs(sp.eigenvalues[0]) * 64 ** -k + 1e-16);
      }
      expect(
        rel(
          sp.mass.reduce((a, b) => a + b, 0),
          h1({ type }),
        ),
      ).toBeLessThan(1e-12);
      sp.eigenvalues.forEach((x) => expect(x).toBeGreaterThanOrEqual(-1e-25)); // rounding of the remainder (~2^{−d}·eps)
    }
  });
  it('Walsh monomials are eigenvectors with λ_k at d = 10 (M χ_S = λ_k χ_S), K26 and closed form', () => {
    const d = 10;
    const xs = cube(d);
    const N = xs.length;
    for (let k = 0; k <= d; k++) {
      const lam = hypercubeEigenvalueK26(EXP, d, k);
      expect(Math.abs(lam - hypercubeEigenvalue(EXP, d, k))).toBeLessThan(1e-15);
      const chi = xs.map((x) => x.slice(0, k).reduce((a, b) => a * b, 1));
      for (const i of [0, 5, 77, 1023]) {
        let acc = 0;
        for (let j = 0; j < N; j++) {
          let dot = 0;
          for (let t = 0; t < d; t++) dot += xs[i][t] * xs[j][t];
          acc += (Math.exp(dot / d) / N) * chi[j];
        }
        expect(Math.abs(acc - lam * chi[i])).toBeLessThan(1e-14);
      }
    }
  });
});

describe('spectrum objects and truncation (§11.7, K13)', () => {
  it('fields are consistent', () => {
    const s = spectrum(EXP, { dim: 100, maxDegree: 5 });
    expect(s.degrees).toEqual([0, 1, 2, 3, 4, 5]);
    s.mass.forEach((m, k) => expect(rel(m, s.eigenvalues[k] * s.multiplicities[k])).toBeLessThan(1e-15));
    s.logMultiplicities.forEach((l, k) => expect(Math.abs(l - Math.log(s.multiplicities[k]))).toBeLessThan(1e-12));
    expect(rel(s.tailMass, Math.E - s.mass.reduce((a, b) => a + b, 0))).toBeLessThan(1e-12);
    expect(JSON.parse(JSON.stringify(s)).eigenvalues).toEqual(s.eigenvalues);
  });
  it('polynomial kernels truncate at their degree; arc-cos reports the cap', () => {
    expect(truncatedSpectrum({ type: 'poly', coeffs: [1, 1, 0.5] }, 30).truncationDegree).toBe(2);
    const a = truncatedSpectrum({ type: 'arccos0' }, 10, { cap: 20 });
    expect(a.tailReached).toBe(false);
    expect(a.truncationDegree).toBe(20);
    expect(a.notes.join(' ')).toMatch(/cap 20/);
  });
  it('κ_{>ℓ} → Σ_{k>ℓ} 1/k! for exp (K13)', () => {
    const s = truncatedSpectrum(EXP, 1e4);
    expect(Math.abs(kappaAbove(s, 1) - (Math.E - 2))).toBeLessThan(2e-3);
    expect(Math.abs(kappaAbove(s, 2) - (Math.E - 2.5))).toBeLessThan(2e-3);
    expect(kappaAbove(s, -1)).toBe(s.h1);
  });
});

describe('kernel specs, parsing, Wasm map terms', () => {
  it('parses the named kernels', () => {
    expect(parseKernel('exp').terms).toEqual([{ type: 'exp', tau: 1 }]);
    expect(parseKernel('exp:0.5').terms).toEqual([{ type: 'exp', tau: 0.5 }]);
    expect(parseKernel('poly:1,0.5,0.25').terms).toEqual([{ type: 'poly', coeffs: [1, 0.5, 0.25] }]);
    expect(parseKernel('relu-ntk').terms).toEqual([{ type: 'relu-ntk' }]);
    expect(parseKernel('arccos0').terms).toEqual([{ type: 'arccos0' }]);
    expect(parseKernel('arccos1').terms).toEqual([{ type: 'arccos1' }]);
    const c = parseKernel('0.5*exp+gegenbauer:100:0,0,0,0,0,0,2');
    expect(rel(evalKernel(c, 0.3), evalKernel(parseKernel('two-kernels-C'), 0.3))).toBeLessThan(1e-15);
    expect(rel(evalKernel(parseKernel('poly:1,0.5,0.25'), 0.4), 1 + 0.2 + 0.04)).toBeLessThan(1e-15);
  });
  it('errors name the bad field', () => {
    expect(() => parseKernel('exp:abc')).toThrow(/tau/);
    expect(() => parseKernel('poly:1,x')).toThrow(/poly.coeffs\[1\]/);
    expect(() => parseKernel('rbf')).toThrow(KernelSpecError);
    expect(() => toKernelSpec({ terms: [{ type: 'exp', tau: Number.NaN }] })).toThrow(/terms\[0\]\.tau/);
    expect(() => toKernelSpec({ terms: [{ type: 'gegenbauer', dim: 1.5, coeffs: [1] }] })).toThrow(/terms\[0\]\.dim/);
    expect(() => toKernelSpec({ terms: [{ type: 'arccos0', weight: Infinity }] })).toThrow(/terms\[0\]\.weight/);
  });
  it('maps to Wasm kinds', () => {
    const m = kernelMapTerms(parseKernel('0.5*exp:2+poly:1,2+arccos0+arccos1+relu-ntk+gegenbauer:100:0,1'));
    expect(m.map((t) => t.kind)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(m[0]).toEqual({ kind: 0, p0: 2, coef: [], weight: 0.5 });
    expect(m[5]).toEqual({ kind: 5, p0: 100, coef: [0, 1], weight: 1 });
  });
  it('compileKernel equals evalKernel / kernelDerivative', () => {
    const spec = parseKernel('0.5*exp:2+poly:1,2+arccos0+arccos1+relu-ntk+gegenbauer:10:0,1,0,1');
    for (const k of [0, 1, 3]) {
      const f = compileKernel(spec, k);
      for (const s of [-0.7, 0, 0.45, 0.99]) expect(f(s)).toBeCloseTo(kernelDerivative(spec, k, s), 10);
    }
    expect(compileKernel(EXP)(0.3)).toBe(Math.exp(0.3));
  });
  it('derivatives of exp, poly, gegenbauer are exact', () => {
    expect(kernelDerivative({ type: 'exp', tau: 2 }, 3, 0.5)).toBeCloseTo(8 * Math.exp(1), 13);
    expect(kernelDerivative({ type: 'poly', coeffs: [1, 2, 3, 4] }, 2, 0.5)).toBeCloseTo(6 + 24 * 0.5, 13);
    const g = { type: 'gegenbauer' as const, dim: 7, coeffs: [0, 0, 0, 0, 1] };
    const hh = 1e-5;
    for (const s of [-0.5, 0.2, 0.9]) expect(rel((evalKernel(g, s + hh) - evalKernel(g, s - hh)) / (2 * hh), kernelDerivative(g, 1, s))).toBeLessThan(1e-8);
    expect(kernelTaylor(EXP, 4).map((x) => x * 1)).toEqual([1, 1, 0.5, 1 / 6, 1 / 24]);
  });
});
