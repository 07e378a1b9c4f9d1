// The full non-symmetric DMFT (dmft.md §4) against the independent SymmDMFT solver: with a symmetric
// initialisation the m² functions collapse to (C_d, C_o, R_d, R_o) and both codes must agree; with the
// paper's Figs 6–7 initialisations the invariants of V5 hold.
import { describe, expect, it } from 'vitest';
import { solveGeneralDmft } from '../../src/dmft/general.js';
import { solveDmft } from '../../src/dmft/solve.js';

describe('general DMFT (§4)', () => {
  for (const phiHat of ['none', 'same'] as const) {
    it(`reduces to SymmDMFT under symmetric initialisation (m = 3, φ̂ ${phiHat})`, async () => {
      const common = { m: 3, alphaBar: 0.9, tau: 0.6, h: [0, 0.9, 0, 1 / 6], phiHat, eta: 0.05, tMax: 3 };
      const sym = await solveDmft({ ...common, init: 'mean-field', a0: 1, scheme: 'explicit' });
      const gen = solveGeneralDmft({ ...common, a0: [1, 1, 1] });
      expect(gen.status).toBe('Success');
      expect(gen.t.length).toBe(sym.t.length);
      for (let n = 0; n < gen.t.length; n++) {
        expect(gen.t[n]).toBeCloseTo(sym.t[n], 12);
        expect(Math.abs(gen.trainError[n] - sym.trainError[n])).toBeLessThan(1e-10);
        expect(Math.abs(gen.testError[n] - sym.testError[n])).toBeLessThan(1e-10);
        expect(Math.abs(gen.a[0][n] - sym.a[n])).toBeLessThan(1e-10);
        expect(Math.abs(gen.v[2][n] - sym.v[n])).toBeLessThan(1e-10);
        expect(Math.abs(gen.Ctt[n][0][1] - sym.Co[n])).toBeLessThan(1e-10);
      }
    });
  }

  it('Figs 6–7 settings (pure noise, τ = 1, m = 4, h = z/10 + z²/2, ᾱ = 1.5): invariants hold', () => {
    const base = { m: 4, alphaBar: 1.5, tau: 1, h: [0, 0.1, 0.5], phiHat: 'none' as const, eta: 0.1, tMax: 4 };
    const C0 = [
      [1, 0, 1, 0],
      [0, 1, 0, 1],
      [1, 0, 1, 0],
      [0, 1, 0, 1],
    ];
    for (const sol of [
      solveGeneralDmft({ ...base, a0: [1, 1, -1, -1], C0 }), // Setting 1
      solveGeneralDmft({ ...base, a0: [-1, -0.5, 1 / 3, 2 / 3] }), // Setting 2
    ]) {
      expect(sol.status).toBe('Success');
      // e_tr(0) = e_ts(0); e_tr non-increasing; C_ii(t,t) = 1; |C_ij(t,t)| ≤ 1; C(t,t) symmetric.
      expect(Math.abs(sol.trainError[0] - sol.testError[0])).toBeLessThan(1e-12);
      for (let n = 1; n < sol.t.length; n++) expect(sol.trainError[n]).toBeLessThanOrEqual(sol.trainError[n - 1] * (1 + 1e-9));
      for (const Ct of sol.Ctt)
        for (let i = 0; i < 4; i++)
          for (let j = 0; j < 4; j++) {
            if (i === j) expect(Ct[i][j]).toBe(1);
            expect(Math.abs(Ct[i][j])).toBeLessThanOrEqual(1 + 1e-9);
            expect(Math.abs(Ct[i][j] - Ct[j][i])).toBeLessThan(1e-9);
          }
      expect(sol.trainError[sol.t.length - 1]).toBeLessThan(sol.trainError[0]);
    }
  });

  it('refuses bad shapes with one-line errors', () => {
    expect(() => solveGeneralDmft({ m: 2, alphaBar: 1, tau: 1, h: [0, 1], a0: [1], eta: 0.1, tMax: 1 })).toThrow(/a0/);
    expect(() =>
      solveGeneralDmft({
        m: 2,
        alphaBar: 1,
        tau: 1,
        h: [0, 1],
        a0: [1, 1],
        C0: [
          [1, 0],
          [0, 2],
        ],
        eta: 0.1,
        tMax: 1,
      }),
    ).toThrow(/C0/);
  });
});

describe('learndyn dmft general', () => {
  it('runs the Setting 2 config from a file', async () => {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { main } = await import('../../src/cli/main.js');
    const f = join(mkdtempSync(join(tmpdir(), 'ld-gen-')), 'gen.json');
    writeFileSync(f, JSON.stringify({ m: 4, alphaBar: 1.5, tau: 1, h: [0, 0.1, 0.5], phiHat: 'none', a0: [-1, -0.5, 1 / 3, 2 / 3], eta: 0.1, tMax: 2 }));
    let out = '';
    const code = await main(['dmft', 'general', '--config', f, '--json'], { out: (s) => (out += s), err: () => {} });
    expect(code).toBe(0);
    const j = JSON.parse(out);
    expect(j.t).toHaveLength(21);
    expect(j.aByNeuron).toHaveLength(4); // per-neuron a_i(t) under its vocabulary name
    expect(j.aByNeuron[0]).toHaveLength(21);
  });
});

describe('V5 positivity: −C_A is positive semi-definite up to O(η)', () => {
  it('on a coarse subgrid, the negative part is small and shrinks with η', () => {
    const minEig = (eta: number) => {
      const sol = solveGeneralDmft({ m: 2, alphaBar: 1.5, tau: 1, h: [0, 0.1, 0.5], phiHat: 'none', a0: [1, 0.5], eta, tMax: 4 });
      const S = sol.t.length;
      const step = Math.round(0.5 / eta); // subgrid t = 0, 0.5, …, 4 (independent of η)
      const ids = Array.from({ length: Math.floor((S - 1) / step) + 1 }, (_, i) => i * step);
      const k = ids.length;
      // Smallest eigenvalue of the symmetric k×k matrix −C_A by cyclic Jacobi (written here, independent).
      const A = ids.map((i) => ids.map((j) => -sol.CA[i * S + j]));
      for (let sweep = 0; sweep < 60; sweep++)
        for (let p = 0; p < k; p++)
          for (let q = p + 1; q < k; q++) {
            if (Math.abs(A[p][q]) < 1e-300) continue;
            const th = (A[q][q] - A[p][p]) / (2 * A[p][q]);
            const t = Math.sign(th || 1) / (Math.abs(th) + Math.sqrt(th * th + 1));
            const c = 1 / Math.sqrt(t * t + 1);
            const s = t * c;
            for (let r = 0; r < k; r++) {
              const arp = A[r][p];
              const arq = A[r][q];
              A[r][p] = c * arp - s * arq;
              A[r][q] = s * arp + c * arq;
            }
            for (let r = 0; r < k; r++) {
              const apr = A[p][r];
              const aqr = A[q][r];
              A[p][r] = c * apr - s * aqr;
              A[q][r] = s * apr + c * aqr;
            }
          }
      const eig = A.map((r, i) => r[i]);
      return Math.min(...eig) / Math.max(...eig);
    };
    const coarse = minEig(0.05);
    const fine = minEig(0.025);
    expect(coarse).toBeGreaterThan(-1e-2);
    expect(fine).toBeGreaterThan(-1e-2);
    if (coarse < 0) expect(fine).toBeGreaterThan(coarse); // the discrete-time defect shrinks with η
  });
});

describe('Figs 6–7: GD on the Gaussian model vs the full DMFT (m = 4, pure noise)', () => {
  it('Settings 1 (tied rows, a = (1,1,−1,−1)) and 2 (a = (−1,−½,⅓,⅔)) agree within a few standard errors at d = 100', async () => {
    const { loadWasm } = await import('../../src/wasm/runtime.js');
    const { WorkerPool } = await import('../../src/wasm/exec.js');
    const { simulateGaussianModel } = await import('../../src/dmft/simulate.js');
    const rt = await loadWasm({ shared: true });
    const pool = await WorkerPool.create(rt, 2);
    const base = { m: 4, alphaBar: 1.5, tau: 1, h: [0, 0.1, 0.5], phiHat: 'none' as const };
    const settings = [
      {
        a0: [1, 1, -1, -1],
        C0: [
          [1, 0, 1, 0],
          [0, 1, 0, 1],
          [1, 0, 1, 0],
          [0, 1, 0, 1],
        ],
        tiedRows: [0, 1, 0, 1],
      },
      { a0: [-1, -0.5, 1 / 3, 2 / 3] },
    ];
    try {
      for (const st of settings) {
        const dm = solveGeneralDmft({ ...base, a0: st.a0, C0: st.C0, eta: 0.05, tMax: 4 });
        const sim = await simulateGaussianModel(rt, pool, {
          ...base,
          model: 'gaussian',
          dim: 100,
          seeds: 40,
          seed: 3,
          a0: st.a0,
          tiedRows: st.tiedRows,
          lr: 0.05,
          tMax: 4,
          saveCount: 5,
          grid: 'uniform',
        });
        expect(sim.status).toBe('Success');
        for (const t of [1, 2, 4]) {
          const i = Array.from(sim.t).findIndex((x) => Math.abs(x - t) < 1e-9);
          const j = dm.t.findIndex((x) => Math.abs(x - t) < 1e-9);
          // Sampling error plus O(1/d) and O(η) effects.
          expect(Math.abs(sim.summary.trainError[i] - dm.trainError[j])).toBeLessThan(4 * sim.summary.trainErrorSE[i] + 0.01);
          expect(Math.abs(sim.summary.testError[i] - dm.testError[j])).toBeLessThan(4 * sim.summary.testErrorSE[i] + 0.01);
        }
      }
    } finally {
      await pool.close();
    }
  }, 180_000);
});
