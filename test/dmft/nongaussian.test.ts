// Issue 14: the SymmDMFT is the exact n, d → ∞ theory of the Gaussian-process model (dmft.md §2.7,
// §11.2), not of the real network (§11.1). The two models share the population risk D4 and the
// covariances D5, and coincide for linear σ; for nonlinear σ the real network's dynamics differ by a
// non-Gaussian correction that does not shrink with d (it shrinks with m, see the heavy part).
// Evidence kept here, every side run in the test (no stored numbers):
//   1. a single-index teacher with a nonlinear h: GD on the Gaussian model with the teacher built from
//      the same tensors (§11.2 "with a signal") follows the DMFT within its seed standard error;
//   2. the real network in the same setting deviates from both by far more than its standard error,
//      by the same amount at d and 4d (so not a finite-d effect);
//   3. control: with linear σ (network = Gaussian model exactly) the network follows the DMFT.
// Heavy part (LEARNDYN_HEAVY=1): the Fig 4 setting (m = 16), and the gap shrinking as m grows.
// Mechanism (the leading term the Gaussian closure drops): sample μ's own gradient moves its
// preactivations at the rate κ_μ = (a²/m)·(1/m)Σ_i σ′(⟨w_i,x_μ⟩)²; the Gaussian model has the
// sample-independent κ = (a²/m)h′(1). With a teacher all neurons share the component v⟨u,x_μ⟩, so the
// neuron average does not remove the spread: for h = 0.9q + q³/6 the coefficient of variation of
// E[σ′(z)² | ⟨u,x⟩] is 0.08, 0.32, 0.72, 0.99 at v = 0.2, 0.4, 0.6, 0.7 (zero for linear σ), and it
// correlates with the residual, which also depends on ⟨u,x_μ⟩. The network and the DMFT part once v ≳ 0.4.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWasm, type WasmRuntime } from '../../src/wasm/runtime.js';
import { WorkerPool } from '../../src/wasm/exec.js';
import { solveDmft, type DmftSolution } from '../../src/dmft/solve.js';
import { simulateGaussianModel, simulateNetwork, type SimResult } from '../../src/dmft/simulate.js';

const HQ = [0, 0.9, 0.5]; // h = φ̂ = 0.9q + q²/2 (dmft.md §2.3 table)
const HC = [0, 0.9, 0, 1 / 6]; // h = φ̂ = 0.9q + q³/6 (Fig 4)
const HL = [0, 0.9]; // linear σ = √0.9·x
const HEAVY = process.env.LEARNDYN_HEAVY === '1';

type Field = 'testError' | 'trainError' | 'v' | 'a';
const SE = { testError: 'testErrorSE', trainError: 'trainErrorSE', v: 'vSE', a: 'aSE' } as const;

/** sim − DMFT at save point s, and the seed standard error of the sim. */
function gap(sol: DmftSolution, sim: SimResult, s: number, f: Field): { d: number; se: number } {
  const t = sim.t[s];
  const j = sol.t.findIndex((x) => Math.abs(x - t) < 1e-9);
  expect(j).toBeGreaterThanOrEqual(0);
  return { d: sim.summary[f][s] - sol[f][j], se: sim.summary[SE[f]][s] };
}

let rt: WasmRuntime;
let pool: WorkerPool;
beforeAll(async () => {
  rt = await loadWasm({ shared: true });
  pool = await WorkerPool.create(rt, 2);
});
afterAll(async () => {
  await pool?.close();
});

describe('single index, nonlinear h (m = 2, ᾱ = 1.5, τ = 0.3, a₀ = 1): the DMFT describes the Gaussian model, not the real network', () => {
  const base = { m: 2, alphaBar: 1.5, tau: 0.3, phiHat: 'same' as const, a0: 1, tMax: 8 };
  const dmft = (h: number[]) => solveDmft({ ...base, h, eta: 0.025 });
  const simBase = { ...base, saveCount: 5 };

  it('Gaussian model with the teacher (d = 60, 32 seeds) follows SymmDMFT at t = 2, 4, 6, 8', async () => {
    const sol = await dmft(HQ);
    expect(sol.status).toBe('Success');
    const gp = await simulateGaussianModel(rt, pool, { ...simBase, h: HQ, dim: 60, seeds: 32, seed: 5 });
    expect(gp.status).toBe('Success');
    for (let s = 1; s < 5; s++) {
      // seed noise plus the O(1/d) and O(η_GD) effects of a d = 60 GD run
      const tol = { testError: 0.015, trainError: 0.004, v: 0.03, a: 0.02 };
      for (const f of ['testError', 'trainError', 'v', 'a'] as const) {
        const g = gap(sol, gp, s, f);
        expect(Math.abs(g.d), `${f} at t = ${gp.t[s]}: ${g.d} ± ${g.se}`).toBeLessThan(3 * g.se + tol[f]);
      }
    }
  }, 120_000);

  it('the real network deviates by a gap that does not shrink from d = 120 to d = 480; linear σ agrees', async () => {
    const sol = await dmft(HQ);
    const gaps: number[] = [];
    for (const dim of [120, 480]) {
      const net = await simulateNetwork(rt, pool, { ...simBase, h: HQ, dim, seeds: 12, seed: 5 });
      expect(net.status).toBe('Success');
      for (const s of [2, 4]) {
        const g = gap(sol, net, s, 'testError');
        // measured (20 seeds): +0.12 at t = 4, +0.13 at t = 8, 6–13 s.e., at d = 60, 120, 240 and 480
        expect(g.d, `network test error − DMFT at d = ${dim}, t = ${net.t[s]}`).toBeGreaterThan(Math.max(0.06, 4 * g.se));
        // the network learns the feature less (v lower) while fitting the samples at least as well
        expect(gap(sol, net, s, 'v').d).toBeLessThan(-0.05);
      }
      gaps.push(gap(sol, net, 4, 'testError').d);
    }
    // not a finite-d effect: the gap at d = 480 is no smaller than half the gap at d = 120
    expect(gaps[1]).toBeGreaterThan(0.5 * gaps[0]);
    // control: linear σ, where the network is the Gaussian model
    const solL = await dmft(HL);
    const lin = await simulateNetwork(rt, pool, { ...simBase, h: HL, dim: 480, seeds: 12, seed: 5 });
    for (let s = 1; s < 5; s++) {
      const g = gap(solL, lin, s, 'testError');
      expect(Math.abs(g.d), `linear σ at t = ${lin.t[s]}: ${g.d} ± ${g.se}`).toBeLessThan(4 * g.se + 0.01);
    }
  }, 120_000);
});

describe.skipIf(!HEAVY)('HEAVY (LEARNDYN_HEAVY=1): the Fig 4 setting (m = 16, α = 0.3, τ = 0.3, h = φ̂ = 0.9q + q³/6, a₀ = 1)', () => {
  const fig4 = { alpha: 0.3, tau: 0.3, h: HC, phiHat: 'same' as const, a0: 1, tMax: 20 };
  const simFig4 = { ...fig4, saveCount: 11 };

  it('Gaussian model (d = 30, 8 seeds) follows SymmDMFT; the network (d = 100) is ≥ 0.025 above it in test error for t ≥ 8', async () => {
    const sol = await solveDmft({ ...fig4, m: 16, eta: 0.05 });
    const gp = await simulateGaussianModel(rt, pool, { ...simFig4, m: 16, dim: 30, seeds: 8, seed: 7 });
    const net = await simulateNetwork(rt, pool, { ...simFig4, m: 16, dim: 100, seeds: 4, seed: 7 });
    for (let s = 1; s < 11; s++) {
      const g = gap(sol, gp, s, 'testError');
      console.log(
        `t = ${gp.t[s]}: DMFT ${(gp.summary.testError[s] - g.d).toFixed(4)}, Gaussian model ${gp.summary.testError[s].toFixed(4)} ± ${g.se.toFixed(4)}, network ${net.summary.testError[s].toFixed(4)} ± ${net.summary.testErrorSE[s].toFixed(4)}`,
      );
      // measured at d = 20, 30, 40: |gap| ≤ 0.03 early (seed noise ~0.015), ≈ 0.004 at t = 20
      expect(Math.abs(g.d)).toBeLessThan(3 * g.se + 0.01);
      // measured at d = 100 and 200: +0.04 (t = 5), +0.055 (t = 10, 20)
      if (gp.t[s] >= 8) expect(gap(sol, net, s, 'testError').d).toBeGreaterThan(0.025);
    }
  }, 1_800_000);

  it('the network–DMFT gap shrinks as m grows at fixed α (m = 16 → 64, d = 100, GD)', async () => {
    const sup: number[] = [];
    for (const m of [16, 64]) {
      const sol = await solveDmft({ ...fig4, m, eta: 0.05 });
      const net = await simulateNetwork(rt, pool, { ...simFig4, m, dim: 100, seeds: 2, seed: 3 });
      let s0 = 0;
      for (let s = 1; s < 11; s++) s0 = Math.max(s0, gap(sol, net, s, 'testError').d);
      sup.push(s0);
      console.log(`m = ${m}: sup_t≤20 (network − DMFT test error) = ${s0.toFixed(4)}`);
    }
    expect(sup[1]).toBeLessThan(0.6 * sup[0]);
  }, 1_800_000);
});
