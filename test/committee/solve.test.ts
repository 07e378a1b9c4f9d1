// Committee engine end to end (committee.md §9 (f), (h), plateaus), SGD and ODE from the same
// initial state; the expected behaviour comes from the spec, never from the code under test.
import { describe, expect, it } from 'vitest';
import { solveCommittee } from '../../src/committee/solve.js';
import { committeeProblem } from '../../src/committee/problem.js';
import { logspace } from '../../src/kernel/problem.js';

describe('(f) ODE vs SGD agreement, and the spread shrinking like √(γ/(pd))', () => {
  it('erf, p = k = 2, γ = 1, Δ = 1e-2, 12 seeds, d ∈ {250, 1000, 4000}', async () => {
    const spread: number[] = [];
    for (const d of [250, 1000, 4000]) {
      const sol = await solveCommittee(
        { p: 2, k: 2, activation: 'erf', lr: 1, noise: 1e-2, dim: d, seeds: 12, seed: 1, tMin: 0.5, tMax: 10, tCount: 15, threads: 2 },
        { simulate: true },
      );
      expect(sol.status).toBe('Success');
      expect(sol.sgd!.seedsCompleted).toBe(12);
      // |R_SGD − R_ODE| ≤ c √(γ/(pd)) with c ≈ 0.1–0.2 (committee.md §9 (f)); 4 seeds leave some noise.
      expect(sol.agreement!.supOverScale).toBeLessThan(0.4);
      // Seed standard deviation (s.e. × √12), root-mean-square over the grid.
      spread.push(Math.sqrt(sol.sgd!.riskSE.reduce((s, x) => s + 12 * x * x, 0) / sol.t.length));
    }
    // d → 4d halves the spread (ratio 0.5; 12 seeds leave ~20% sampling error on each sd).
    expect(spread[1] / spread[0]).toBeGreaterThan(0.3);
    expect(spread[1] / spread[0]).toBeLessThan(0.8);
    expect(spread[2] / spread[1]).toBeGreaterThan(0.3);
    expect(spread[2] / spread[1]).toBeLessThan(0.8);
  }, 300_000);
});

describe('(h) noise floor of the full Saad–Solla ODE', () => {
  it('is proportional to (γ/p)·Δ and linear in Δ (p = k = 2)', async () => {
    const floor = async (lr: number, noise: number) => {
      const sol = await solveCommittee({ p: 2, k: 2, activation: 'erf', lr, noise, dim: 1000, tMin: 1, tMax: 2e4, tCount: 40, variance: 'full', seed: 2 });
      expect(sol.status).toBe('Success');
      return sol.odeRisk[sol.odeRisk.length - 1];
    };
    const ratios: number[] = [];
    for (const gp of [0.1, 0.25, 0.5]) {
      const f3 = await floor(2 * gp, 1e-3);
      const f2 = await floor(2 * gp, 1e-2);
      expect(f2 / f3).toBeGreaterThan(9);
      expect(f2 / f3).toBeLessThan(11);
      ratios.push(f2 / (gp * 1e-2));
    }
    // ε∞ ≈ c·(γ/p)Δ: the constant varies by less than the (1 + O(γ/p)) corrections.
    expect(Math.max(...ratios) / Math.min(...ratios)).toBeLessThan(1.6);
  }, 120_000);
});

describe('the Saad–Solla plateau in an SGD run', () => {
  it('erf p = k = 2, d = 1000: a plateau near the symmetric fixed point, its escape, SGD tracking the ODE', async () => {
    const sol = await solveCommittee(
      { p: 2, k: 2, activation: 'erf', lr: 1, noise: 1e-3, dim: 1000, seeds: 2, seed: 0, tMin: 0.1, tMax: 400, tCount: 50, threads: 2 },
      { simulate: true },
    );
    expect(sol.status).toBe('Success');
    expect(sol.plateaus.plateaus.length).toBeGreaterThanOrEqual(1);
    const pl = sol.plateaus.plateaus[0];
    // Symmetric fixed point of K = 2: ε = 0.00290271 (committee.md S29); the plateau sits just above it.
    expect(pl.height).toBeGreaterThan(0.0029);
    expect(pl.height).toBeLessThan(0.01);
    expect(pl.escape).toBeGreaterThan(pl.onset);
    expect(sol.odeRisk[sol.odeRisk.length - 1]).toBeLessThan(pl.height / 10);
    expect(sol.sgdPlateaus!.plateaus.length).toBeGreaterThanOrEqual(1);
    expect(sol.agreement!.supOverScale).toBeLessThan(1);
    expect(sol.regime.regime).toBe('high-dimensional');
  }, 300_000);
});

describe('fallbacks', () => {
  it('the pure-TS twins run the whole committee engine (ODE + SGD) to the same numbers as Wasm', async () => {
    const { loadWasm } = await import('../../src/wasm/runtime.js');
    const prob = { p: 3, k: 2, activation: 'erf' as const, lr: 0.5, noise: 1e-3, dim: 60, seeds: 2, seed: 4, tMin: 0.1, tMax: 5, tCount: 6 };
    const wasm = await solveCommittee(prob, { simulate: true });
    const ts = await solveCommittee(prob, { simulate: true, runtime: await loadWasm({ variant: 'ts' }) });
    expect(ts.stats.wasm.variant).toBe('ts');
    for (let i = 0; i < wasm.t.length; i++) {
      expect(Math.abs(ts.odeRisk[i] - wasm.odeRisk[i])).toBeLessThan(1e-10);
      // The SGD states are bit-identical; the risk closed form rounds differently in TS and Wasm.
      expect(Math.abs(ts.sgd!.risk[i] - wasm.sgd!.risk[i])).toBeLessThan(1e-13);
    }
  }, 120_000);
});

describe('general activation given as a function (library)', () => {
  it('σ = erf(x/√2) passed as a TS function reproduces the built-in closed-form ODE', async () => {
    const { erf } = await import('../../src/ref/special.js');
    const init = {
      Q: [
        [0.8, 0.1],
        [0.1, 0.6],
      ],
      M: [
        [0.2, 0.05],
        [0.1, 0.3],
      ],
    };
    const prob = { p: 2, k: 2, lr: 0.5, noise: 1e-3, variance: 'noise' as const, init, tMin: 0.1, tMax: 4, tCount: 5 };
    const builtIn = await solveCommittee({ ...prob, activation: 'erf' });
    const custom = await solveCommittee(
      { ...prob, activation: 'custom' },
      { customActivation: { sigma: (x) => erf(x / Math.SQRT2), sigmaPrime: (x) => Math.sqrt(2 / Math.PI) * Math.exp((-x * x) / 2) } },
    );
    expect(custom.status).toBe('Success');
    for (let i = 0; i < builtIn.t.length; i++) expect(Math.abs(custom.odeRisk[i] / builtIn.odeRisk[i] - 1)).toBeLessThan(1e-6);
    await expect(solveCommittee({ ...prob, activation: 'custom' })).rejects.toThrow(/customActivation/);
    await expect(solveCommittee({ ...prob, activation: 'custom', dim: 10 }, { simulate: true, customActivation: { sigma: Math.tanh } })).rejects.toThrow(
      /built-in activation/,
    );
  }, 120_000);
});

describe('fixed-step integrators and init-file second layers (issue "One engine contract", item 8)', () => {
  it('euler/rk4 report the times their states belong to, not the requested ones', async () => {
    const input = { p: 2, k: 2, lr: 0.5, dim: 100, tMin: 0.0137, tMax: 3.3, tCount: 7, method: 'euler' as const, dt: 0.05 };
    const sol = await solveCommittee(input);
    const requested = logspace(0.0137, 3.3, 7);
    for (let i = 0; i < sol.t.length; i++) {
      // Every reported time is a whole number of steps and the nearest one to the request.
      expect(Math.abs(sol.t[i] / 0.05 - Math.round(sol.t[i] / 0.05))).toBeLessThan(1e-9);
      expect(Math.abs(sol.t[i] - requested[i])).toBeLessThanOrEqual(0.025 + 1e-12);
    }
    expect(sol.t.some((x, i) => Math.abs(x - requested[i]) > 1e-6)).toBe(true);
    expect(sol.stats.ode.timeOffset).toBeGreaterThan(0);
    expect(sol.stats.ode.timeOffset).toBeLessThanOrEqual(0.025 + 1e-12);
    const dopri = await solveCommittee({ ...input, method: 'dopri5' });
    expect(dopri.t).toEqual(Array.from(requested));
    expect(dopri.stats.ode.timeOffset).toBe(0);
  });

  it("an init file's a is refused without --train-second-layer (the fixed a is 1), accepted when all ones or trained", () => {
    const init = {
      Q: [
        [1, 0],
        [0, 1],
      ],
      M: [
        [0.1, 0],
        [0, 0.1],
      ],
    };
    const base = { p: 2, k: 2, lr: 0.5, dim: 100 };
    expect(() => committeeProblem({ ...base, init: { ...init, a: [0.5, 0.5] } })).toThrow(/init\.a .* is not used here: the second layer is fixed at a_i = 1/);
    expect(() => committeeProblem({ ...base, init: { ...init, a: [1, 1] } })).not.toThrow();
    expect(() => committeeProblem({ ...base, trainSecondLayer: true, init: { ...init, a: [0.5, 0.5] } })).not.toThrow();
    expect(() => committeeProblem({ ...base, model: 'meanfield', trainSecondLayer: true })).toThrow(/train-second-layer .* not used here/);
  });
});
