import { describe, expect, it } from 'vitest';
import { agreement, classifyRegime, detectPlateaus } from '../../src/committee/analysis.js';
import { logspace } from '../../src/kernel/problem.js';

describe('plateau detection', () => {
  it('finds a Saad–Solla-like plateau and the final floor on a synthetic curve', () => {
    // R(t): fast fall to 3e-3 around t ≈ 1, plateau until t ≈ 300, escape to a 1e-6 floor.
    const t = Array.from(logspace(1e-2, 1e6, 401));
    const r = t.map((x) => 0.1 * Math.exp(-2 * x) + 3e-3 / (1 + (x / 300) ** 4) + 1e-6);
    const rep = detectPlateaus(t, r);
    expect(rep.plateaus).toHaveLength(1);
    const pl = rep.plateaus[0];
    expect(pl.height).toBeGreaterThan(2.5e-3);
    expect(pl.height).toBeLessThan(3.5e-3);
    expect(pl.onset).toBeGreaterThan(1);
    expect(pl.onset).toBeLessThan(10);
    expect(pl.escape).toBeGreaterThan(200);
    expect(pl.escape).toBeLessThan(600);
    expect(rep.floor!.height).toBeCloseTo(1e-6, 7);
    expect(rep.floor!.onset).toBeGreaterThan(1e3);
    expect(rep.floor!.onset).toBeLessThan(3e4);
  });

  it('a monotone power law has no plateau', () => {
    const t = Array.from(logspace(1e-2, 1e4, 200));
    expect(
      detectPlateaus(
        t,
        t.map((x) => 1 / (1 + x)),
      ).plateaus,
    ).toHaveLength(0);
  });
});

describe('regime of a run', () => {
  it('classifies the corners of the triangle (committee.md §6)', () => {
    expect(classifyRegime(10, 3, 0.05).regime).toBe('classical');
    expect(classifyRegime(2, 1000, 1).regime).toBe('high-dimensional');
    expect(classifyRegime(1000, 5, 1).regime).toBe('mean-field');
    const r = classifyRegime(8, 100, 8); // Veiga blue line: γ0 = p, κ = 0, δ = 0 → κ + δ = −ln 8/ln 100 …
    expect(r.gammaOverP).toBe(1);
    expect(r.kappa).toBeCloseTo(Math.log(8) / Math.log(100), 12);
    expect(classifyRegime(4, 1e4, 1e-3).phase).toBe('perfect-learning');
    expect(classifyRegime(2, 1000, 2).gammaOverPd).toBeCloseTo(1e-3, 15);
  });
});

describe('agreement figure', () => {
  it('is the sup distance over the grid relative to √(γ/(pd))', () => {
    const a = agreement([1, 2, 3], [0.1, 0.2, 0.3], [0.1, 0.25, 0.3], [0.01, 0.01, 0.01], 1, 2, 200);
    expect(a.supAbs).toBeCloseTo(0.05, 15);
    expect(a.scale).toBeCloseTo(Math.sqrt(1 / 400), 15);
    expect(a.supOverScale).toBeCloseTo(1, 12);
    expect(a.at).toBe(2);
    expect(a.meanZ).toBeCloseTo(5 / 3, 12);
  });
});
