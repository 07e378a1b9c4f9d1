// dmft.md V4: GD on the Gaussian model (§11.2) vs SymmDMFT, the exact finite-d counterpart — the gap
// must be within a few standard errors at the larger d. Both sides run here (no stored numbers).
import { describe, expect, it } from 'vitest';
import { loadWasm } from '../../src/wasm/runtime.js';
import { WorkerPool } from '../../src/wasm/exec.js';
import { solveDmft } from '../../src/dmft/solve.js';
import { simulateGaussianModel } from '../../src/dmft/simulate.js';

describe('V4: GD on the Gaussian model vs SymmDMFT (m = 2, pure noise)', () => {
  it('e_tr(1), e_tr(4), a(4) agree within the seed standard error at d = 100', async () => {
    const common = { m: 2, alphaBar: 1.5, tau: 1, h: [0, 0.1, 0.5], phiHat: 'none' as const, a0: 1 };
    const dmft = await solveDmft({ ...common, eta: 0.025, tMax: 4 });
    expect(dmft.status).toBe('Success');
    const at = (t: number) => dmft.t.findIndex((x) => Math.abs(x - t) < 1e-9);
    const rt = await loadWasm({ shared: true });
    const pool = await WorkerPool.create(rt, 2);
    try {
      const sim = await simulateGaussianModel(rt, pool, { ...common, model: 'gaussian', dim: 100, seeds: 40, seed: 5, tMax: 4, saveCount: 5, grid: 'uniform' });
      expect(sim.status).toBe('Success');
      const s = sim.summary;
      const idx = (t: number) => sim.t.findIndex((x: number) => Math.abs(x - t) < 1e-9);
      for (const t of [1, 4]) {
        const i = idx(t);
        const j = at(t);
        expect(i).toBeGreaterThanOrEqual(0);
        expect(j).toBeGreaterThanOrEqual(0);
        // O(1/d) finite-size and O(η) discretisation effects on top of the sampling error.
        expect(Math.abs(s.trainError[i] - dmft.trainError[j])).toBeLessThan(4 * s.trainErrorSE[i] + 0.01);
      }
      const ia = idx(4);
      expect(Math.abs(s.a[ia] - dmft.a[at(4)])).toBeLessThan(4 * s.aSE[ia] + 0.02);
    } finally {
      await pool.close();
    }
  }, 180_000);
});

describe('dmft run --reduced', () => {
  it('solves the lazy t = O(1/m) closed form and the mean-field ODE from the run flags', async () => {
    const { main } = await import('../../src/cli/main.js');
    const run = async (args: string[]) => {
      let out = '';
      const code = await main(args, { out: (s) => (out += s), err: () => {} });
      return { code, j: JSON.parse(out) };
    };
    const lazy = await run([
      'dmft',
      'run',
      '--reduced',
      'lazy1',
      '--alpha',
      '0.5',
      '--tau',
      '1',
      '--gamma0',
      '1',
      '--h',
      '0,0.3,0.5',
      '--phi-hat',
      'none',
      '--eta',
      '0.05',
      '--t-max',
      '10',
      '--json',
    ]);
    expect(lazy.code).toBe(0);
    // dmft.md §8a: e(t̂) = 0.75 + 0.15 e^{−0.3 t̂}.
    lazy.j.t.forEach((t: number, i: number) => expect(lazy.j.trainError[i]).toBeCloseTo(0.75 + 0.15 * Math.exp(-0.3 * t), 12));
    const mf = await run([
      'dmft',
      'run',
      '--reduced',
      'mean-field',
      '--alpha',
      '0.3',
      '--tau',
      '0.6',
      '--h',
      '0,0.9,0,0.16666666666666666',
      '--phi-hat',
      'same',
      '--a0',
      '1',
      '--eta',
      '0.001',
      '--t-max',
      '40',
      '--json',
    ]);
    expect(mf.code).toBe(0);
    // D38 with φ̂ = h, h′(0) > 0: (a, v) → (1, 1) and e → τ²/2 = 0.18 (Bayes).
    expect(mf.j.trainError[mf.j.trainError.length - 1]).toBeCloseTo(0.18, 2);
  });
});

describe('dmft run --simulate-dim: the network beside the DMFT', () => {
  it('adds a simulation block on the same parameters with an agreement figure', async () => {
    const { main } = await import('../../src/cli/main.js');
    let out = '';
    const code = await main(
      [
        'dmft',
        'run',
        '--m',
        '8',
        '--alpha',
        '0.3',
        '--tau',
        '0.3',
        '--h',
        '0,0.9,0,0.16666666666666666',
        '--phi-hat',
        'same',
        '--a0',
        '1',
        '--eta',
        '0.125',
        '--t-max',
        '20',
        '--simulate-dim',
        '60',
        '--simulate-seeds',
        '2',
        '--json',
        '--no-progress',
      ],
      { out: (s) => (out += s), err: () => {} },
    );
    expect(code).toBe(0);
    const j = JSON.parse(out);
    expect(j.simulation.status).toBe('Success');
    expect(j.simulation.t[0]).toBe(0);
    expect(j.simulation.trainErrorSE).toHaveLength(j.simulation.t.length);
    // Same start: e_tr(0) of the network vs the DMFT's ½Σ_C(0,0) within sampling error (d = 60).
    expect(Math.abs(j.simulation.testError[0] - j.testError[0])).toBeLessThan(0.1);
    expect(j.simulation.agreement.supAbsTestError).toBeGreaterThanOrEqual(0);
    expect(j.simulation.agreement.supAbsTestError).toBeLessThan(0.2);
  });
});

describe('V9: the real network vs SymmDMFT on t = O(1)', () => {
  it('test errors agree within the SGD noise (m = 16, d = 200, 8 seeds, t ≤ 5)', async () => {
    const { main } = await import('../../src/cli/main.js');
    let out = '';
    const code = await main(
      [
        'dmft',
        'run',
        '--m',
        '16',
        '--alpha',
        '0.3',
        '--tau',
        '0.6',
        '--h',
        '0,0.9,0,0.16666666666666666',
        '--eta',
        '0.025',
        '--t-max',
        '5',
        '--simulate-dim',
        '200',
        '--simulate-seeds',
        '8',
        '--json',
        '--no-progress',
      ],
      { out: (s) => (out += s), err: () => {} },
    );
    expect(code).toBe(0);
    const ag = JSON.parse(out).simulation.agreement;
    expect(ag.meanZ).toBeLessThan(3); // mean gap in seed standard errors (measured 1.4)
    expect(ag.supAbsTestError).toBeLessThan(0.06); // largest gap, at t = 5 (measured 0.035)
  }, 120_000);
});
