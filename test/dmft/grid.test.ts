// Adaptive non-uniform grid for the SymmDMFT (src/dmft/grid.ts, issue 11): checked against
// (1) the uniform reference scheme (a constant grid must reproduce it to rounding: same equations term by term),
// (2) the uniform explicit reference extrapolated to η → 0 (Richardson over η, η/2): within 10·rtol,
//     the coarse-replay error estimate within a factor 2 of the true error, first order in rtol,
// (3) V1 Marchenko–Pastur (D40), V2 lazy closed form (D33), V3 mean-field ODE (D38), V5 invariants.
// Heavy (LEARNDYN_HEAVY=1): t ≤ 50 at m = 16 and 64, the feature-unlearning minimum at m = 16.
import { describe, expect, it, vi } from 'vitest';
import { solveDmft, type DmftSolution } from '../../src/dmft/solve.js';
import { dmftProblem, type DmftProblemInput } from '../../src/dmft/problem.js';
import { marchGrid, runAdaptive } from '../../src/dmft/grid.js';
import { decodeState, encodeState, type DmftCheckpoint } from '../../src/dmft/checkpoint.js';
import { runSymm } from '../../src/dmft/symm.js';
import { meanFieldOde, interp } from '../../src/dmft/mean-field-ode.js';
import { ParameterError } from '../../src/core/validate.js';
import { loadWasm } from '../../src/wasm/runtime.js';

vi.setConfig({ testTimeout: 120_000 }); // shares 2 cores with other suites
const heavy = process.env.LEARNDYN_HEAVY === '1';
const H3 = [0, 0.9, 0, 1 / 6];
const unlearn = { alpha: 0.3, tau: 0.3, h: H3, a0: 1 }; // V10 / Fig. 4 setting, mean-field init

/** Cubic Lagrange interpolation on a uniform grid (the reference; its step is ≤ 1/16 of the adaptive ones). */
function at(ts: number[], ys: number[], t: number): number {
  const h = ts[1] - ts[0];
  const k = Math.max(0, Math.min(ts.length - 4, Math.floor(t / h) - 1));
  let s = 0;
  for (let i = 0; i < 4; i++) {
    let L = 1;
    for (let j = 0; j < 4; j++) if (j !== i) L *= (t - ts[k + j]) / (ts[k + i] - ts[k + j]);
    s += L * ys[k + i];
  }
  return s;
}
const FIELDS = ['testError', 'trainError', 'a', 'v'] as const;
function maxDev(s: DmftSolution, ref: DmftSolution, fields: readonly (keyof DmftSolution)[] = FIELDS): number {
  let e = 0;
  for (const f of fields) for (let k = 0; k < s.t.length; k++) e = Math.max(e, Math.abs((s[f] as number[])[k] - at(ref.t, ref[f] as number[], s.t[k])));
  return e;
}

// ---------------------------------------------------------------- (1) constant grid = the uniform scheme
describe('a constant grid reproduces the uniform reference scheme (dmft.md §6) to rounding', () => {
  const cases: [string, DmftProblemInput][] = [
    ['mean-field single index, m = 16', { m: 16, ...unlearn, eta: 0.125, tMax: 12 }],
    [
      'lazy pure noise frozen, m = 64',
      { m: 64, alpha: 0.5, tau: 1, h: [0, 0.3, 0.5], phiHat: 'none', init: 'lazy', gamma0: 1, frozenA: true, eta: 0.05 / 64, tMax: 8 / 64 },
    ],
    [
      'V1 non-spherical, m = 1',
      { m: 1, alpha: 2, tau: 0.5, h: [0, 1], phiHat: [0, 1], phiNorm2: 1, a0: 1, frozenA: true, spherical: false, eta: 0.05, tMax: 6 },
    ],
  ];
  for (const [name, input] of cases)
    for (const scheme of ['explicit', 'semi-implicit'] as const)
      it(`${name}, ${scheme}`, async () => {
        const p = dmftProblem({ ...input, scheme });
        const g = Float64Array.from({ length: p.steps + 1 }, (_, k) => k * p.eta);
        const r = marchGrid(p, { grid: g, budgetBytes: 1 << 30 });
        const u = await runSymm(p, { engine: 'ts' });
        expect(r.status).toBe('Success');
        expect(r.rows).toBe(u.rows);
        let d = 0;
        for (const f of ['a', 'v', 'etr', 'ets', 'coDiag', 'cd0', 'nu'] as const) for (let k = 0; k < u.rows; k++) d = Math.max(d, Math.abs(r[f][k] - u[f][k]));
        expect(d).toBeLessThan(1e-13); // same terms, summation order differs only in the Volterra rows
        expect(d).toBeGreaterThanOrEqual(0);
      });
});

// ---------------------------------------------------------------- (2) vs the η → 0 reference
describe('adaptive vs the uniform explicit reference extrapolated to η → 0 (Richardson η, η/2)', () => {
  const check = async (m: number, tMax: number, eta: number, rtols: number[]) => {
    const ref = await solveDmft({ m, ...unlearn, eta, tMax, secondOrder: true, maxPoints: 1e7 });
    expect(ref.status).toBe('Success');
    const rows: { rtol: number; first: number; ext: number; est: number; steps: number }[] = [];
    for (const rtol of rtols) {
      const first = await solveDmft({ m, ...unlearn, tMax, grid: 'adaptive', rtol, secondOrder: false, maxPoints: 1e7 });
      const ext = await solveDmft({ m, ...unlearn, tMax, grid: 'adaptive', rtol, maxPoints: 1e7 });
      for (const s of [first, ext]) {
        expect(s.status).toBe('Success');
        expect(s.t.at(-1)).toBe(tMax);
        expect(s.stats.grid).toBe('adaptive');
      }
      expect(ext.stats.adaptive!.values).toBe('extrapolated');
      const est = first.stats.adaptive!.errorEstimate.ets!;
      const e1 = maxDev(first, ref, ['testError']);
      rows.push({ rtol, first: maxDev(first, ref), ext: maxDev(ext, ref), est, steps: first.stats.adaptive!.steps });
      // The a-posteriori estimate (coarse replay) is the actual first-order error within a factor 2.
      expect(e1).toBeLessThan(2 * est);
      expect(e1).toBeGreaterThan(0.5 * est);
    }
    for (const r of rows) {
      expect(r.first).toBeLessThan(10 * r.rtol); // the contract of issue 11, first-order values
      expect(r.ext).toBeLessThan(r.rtol); // the default (extrapolated) values: measured ≥ 6× below rtol
    }
    // First order in rtol: the error of the first-order values drops ≈ ∝ rtol.
    for (let i = 1; i < rows.length; i++) {
      const slope = Math.log(rows[i - 1].first / rows[i].first) / Math.log(rows[i - 1].rtol / rows[i].rtol);
      expect(slope).toBeGreaterThan(0.7);
      expect(slope).toBeLessThan(1.3);
      expect(rows[i].steps).toBeGreaterThan(rows[i - 1].steps);
    }
    return rows;
  };
  it('m = 16, t ≤ 20, rtol ∈ {1e-2, 3e-3, 1e-3}', async () => {
    await check(16, 20, 0.0625, [1e-2, 3e-3, 1e-3]);
  });
  it.runIf(heavy)(
    'm = 16 and m = 64, t ≤ 50 (heavy, LEARNDYN_HEAVY=1)',
    async () => {
      await check(16, 50, 0.0625, [1e-2, 3e-3, 1e-3]);
      await check(64, 50, 0.0625, [1e-2, 3e-3, 1e-3]);
    },
    900_000,
  );
});

// ---------------------------------------------------------------- (3) closed forms and limits
/** ∫ f dμ over the continuous Marchenko–Pastur part (λ = ᾱx, ratio 1/ᾱ), midpoint rule in θ (x = centre + radius·cos θ). */
function mpIntegral(ab: number, f: (l: number) => number, K = 4000): number {
  const y = 1 / ab,
    a = (1 - Math.sqrt(y)) ** 2,
    b = (1 + Math.sqrt(y)) ** 2;
  let s = 0;
  for (let i = 0; i < K; i++) {
    const th = (Math.PI * (i + 0.5)) / K;
    const x = (a + b) / 2 + ((b - a) / 2) * Math.cos(th);
    s += ((((b - a) / 2) ** 2 * Math.sin(th) ** 2) / (2 * Math.PI * y * x)) * (Math.PI / K) * f(ab * x);
  }
  return s;
}
/** D40, c = f₁ = 1. */
function d40(ab: number, t: number, tau = 0.5): { train: number; test: number } {
  const atom = Math.max(0, 1 - ab);
  const i1 = mpIntegral(ab, (l) => Math.exp(-2 * l * t)) + atom;
  const i2 = mpIntegral(ab, (l) => (1 - Math.exp(-l * t)) ** 2 / l);
  const i3 = mpIntegral(ab, (l) => 1 - Math.exp(-2 * l * t));
  const i4 = mpIntegral(ab, (l) => l * Math.exp(-2 * l * t));
  return { test: 0.5 * (tau * tau + 2 * i1 + tau * tau * i2), train: 0.5 * (tau * tau * (1 - i3 / ab) + (2 / ab) * i4) };
}

describe('V1: Marchenko–Pastur (D40), m = 1, a frozen, ν ≡ 0', () => {
  const v1 = async (ab: number, ts: number[], shrink = true) => {
    for (const t of ts) {
      const ref = d40(ab, t);
      const errs: number[] = [];
      for (const rtol of [1e-2, 3e-3]) {
        const s = await solveDmft({
          m: 1,
          alpha: ab,
          tau: 0.5,
          h: [0, 1],
          phiHat: [0, 1],
          phiNorm2: 1,
          a0: 1,
          frozenA: true,
          spherical: false,
          tMax: t,
          grid: 'adaptive',
          rtol,
        });
        expect(s.status).toBe('Success');
        const e = Math.max(Math.abs(s.trainError.at(-1)! - ref.train), Math.abs(s.testError.at(-1)! - ref.test));
        expect(e, `t = ${t}, rtol = ${rtol}`).toBeLessThan(10 * rtol); // the contract; measured ≤ rtol (0.1–1.04·rtol)
        errs.push(e);
      }
      if (shrink) expect(errs[1]).toBeLessThan(Math.max(1e-5, 0.6 * errs[0]));
    }
  };
  for (const ab of [2, 0.5]) {
    it(`ᾱ = ${ab}: at t ∈ {0.5${ab === 2 ? '' : ', 2'}}, error < rtol and shrinking with rtol (1e-2 → 3e-3)`, () => v1(ab, ab === 2 ? [0.5] : [0.5, 2]));
    // At t = 8, ᾱ = 0.5 the explicit steps sit at the cap 0.45/λ_max while the Volterra memory, not the local
    // term, sets the fastest rate (≈ 6× λ_max): the error is then not monotone in rtol (measured 4.4e-4 at
    // rtol 1e-2 after a stability retry, 3.1e-3 at 3e-3), so only the 10·rtol contract is asserted there.
    it.runIf(heavy)(`ᾱ = ${ab}: at t = 8 (and 2) (heavy, LEARNDYN_HEAVY=1)`, () => v1(ab, [2, 8], false), 600_000);
  }
});

describe('V2: lazy pure noise, e(t̂) = 0.75 + 0.15e^{−0.3t̂} (τ = γ0 = 1, α = 0.5, h = 0.3z + z²/2, frozen)', () => {
  it('at t̂ = tm = 10 the gap to the closed form shrinks ≈ ∝ 1/m (m = 256 → 1024; the finite-m gap, not the grid, dominates)', async () => {
    const gap = async (m: number) => {
      const s = await solveDmft({
        m,
        alpha: 0.5,
        tau: 1,
        h: [0, 0.3, 0.5],
        phiHat: 'none',
        init: 'lazy',
        gamma0: 1,
        frozenA: true,
        tMax: 10 / m,
        grid: 'adaptive',
        rtol: 1e-3,
      });
      expect(s.status).toBe('Success');
      return Math.abs(s.trainError.at(-1)! - (0.75 + 0.15 * Math.exp(-3)));
    };
    const g256 = await gap(256),
      g1024 = await gap(1024);
    expect(g1024).toBeLessThan(0.35 * g256);
    expect(g1024).toBeLessThan(0.02);
  });
});

describe('V3: → mean-field ODE D38 as m grows (τ = 0.6, α = 0.3, h = φ̂ = 0.9z + z³/6, a0 = 1), V5 invariants', () => {
  const ode = meanFieldOde({ alpha: 0.3, tau: 0.6, h: H3, phiHat: H3, phiNorm2: 16 / 15, a0: 1, tMax: 20, dt: 1e-3 });
  it('m = 16 → 64: the deviation of (a, v) from the ODE shrinks; invariants hold on every row', async () => {
    const dev = (s: DmftSolution) => Math.max(...s.t.map((t, k) => Math.abs(s.a[k] - interp(ode.t, ode.a, t)) + Math.abs(s.v[k] - interp(ode.t, ode.v, t))));
    const sols = [];
    for (const m of [16, 64]) {
      const s = await solveDmft({ m, alpha: 0.3, tau: 0.6, h: H3, a0: 1, tMax: 20, grid: 'adaptive', rtol: 1e-3, maxPoints: 1e6 });
      expect(s.status).toBe('Success');
      const inv = s.stats.invariants;
      expect(inv.violation).toBeUndefined();
      expect(inv.maxCdDiagDev).toBe(0);
      expect(inv.maxAbsV).toBeLessThanOrEqual(1);
      expect(inv.maxAbsCo).toBeLessThanOrEqual(1);
      expect(s.trainError[0]).toBeCloseTo(0.5 * (0.36 + 16 / 15 + 16 / 15 / m), 13); // e_tr(0) = ½Σ_C(0,0)
      expect(inv.trainEqualsTestAtZero).toBe(0);
      for (let i = 1; i < s.t.length; i++) expect(s.trainError[i]).toBeLessThanOrEqual(s.trainError[i - 1] + 1e-9);
      for (const k of [s.t.length - 1]) expect(s.trainError[k]).toBeLessThan(s.testError[k]);
      sols.push(s);
    }
    expect(dev(sols[1])).toBeLessThan(0.6 * dev(sols[0]));
  });
});

// ---------------------------------------------------------------- controller, statistics, validation
describe('step statistics and parameters', () => {
  it('stats: steps, rejections, grid size, step history; steps grow where the dynamics slows', async () => {
    const s = await solveDmft({ m: 16, ...unlearn, tMax: 30, grid: 'adaptive', rtol: 3e-3, secondOrder: false });
    const A = s.stats.adaptive!;
    expect(A.gridSize).toBe(A.steps + 1);
    expect(s.t.length).toBe(A.gridSize);
    expect(A.history.t.length).toBe(Math.min(A.steps, A.history.t.length));
    expect(A.history.dt.every((d) => d > 0)).toBe(true);
    for (let i = 1; i < s.t.length; i++) expect(s.t[i]).toBeGreaterThan(s.t[i - 1]);
    expect(A.dtMaxUsed).toBeGreaterThan(20 * A.dtFirst); // Δ grows from 1e-3/λ_S(0) as the transient dies out
  });
  it('eta caps the step; rtol/atol refused on the uniform grid; eta required there', () => {
    expect(() => dmftProblem({ m: 4, ...unlearn, tMax: 1 })).toThrow(ParameterError);
    expect(() => dmftProblem({ m: 4, ...unlearn, eta: 0.1, tMax: 1, rtol: 1e-3 })).toThrow(ParameterError);
    const p = dmftProblem({ m: 4, ...unlearn, tMax: 10, grid: 'adaptive', eta: 0.05 });
    const r = runAdaptive(p, { rtol: 1e-2, atol: 1e-2, dtMax: p.eta }, { budgetBytes: 1 << 30 });
    expect(r.steps.dtMaxUsed).toBeLessThanOrEqual(0.05);
  });
  it('same input → byte-identical output', async () => {
    const a = await solveDmft({ m: 8, ...unlearn, tMax: 10, grid: 'adaptive', rtol: 1e-2 });
    const b = await solveDmft({ m: 8, ...unlearn, tMax: 10, grid: 'adaptive', rtol: 1e-2 });
    expect(JSON.stringify([a.t, a.testError, a.a])).toBe(JSON.stringify([b.t, b.testError, b.a]));
  });
});

describe('feature unlearning at m = 16 (τ = α = 0.3, h = φ̂ = 0.9q + q³/6, a0 = 1)', () => {
  it.runIf(heavy)(
    'the test-error minimum (time and value) agrees with the η → 0 reference (heavy, LEARNDYN_HEAVY=1)',
    async () => {
      const tMax = 120;
      const ref = await solveDmft({ m: 16, ...unlearn, eta: 0.0625, tMax, secondOrder: true, maxPoints: 1e7 });
      const s = await solveDmft({ m: 16, ...unlearn, tMax, grid: 'adaptive', rtol: 1e-3, maxPoints: 1e7 });
      expect(ref.status).toBe('Success');
      expect(s.status).toBe('Success');
      const iR = ref.testError.indexOf(Math.min(...ref.testError));
      const iS = s.testError.indexOf(Math.min(...s.testError));
      expect(ref.t[iR]).toBeGreaterThan(2); // an interior minimum, then the rise of feature unlearning
      expect(ref.testError.at(-1)!).toBeGreaterThan(ref.testError[iR] + 1e-3);
      expect(Math.abs(s.testError[iS] - ref.testError[iR])).toBeLessThan(1e-3);
      expect(Math.abs(s.t[iS] - ref.t[iR])).toBeLessThan(0.1 * ref.t[iR] + 2);
    },
    900_000,
  );
});

/** Through the bytes of the checkpoint file (src/dmft/checkpoint.ts). */
const roundTrip = (cp: DmftCheckpoint): DmftCheckpoint => {
  const chunks = encodeState(cp);
  const all = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    all.set(c, o);
    o += c.length;
  }
  return decodeState(all) as DmftCheckpoint;
};

describe('stepping iterator and checkpoint/resume (adaptive grid)', () => {
  const input = { m: 16, ...unlearn, tMax: 40, grid: 'adaptive' as const, rtol: 3e-3 };
  it('pause after K steps, byte round trip of the checkpoint, resume: byte-identical to the uninterrupted run', async () => {
    const events: number[] = [];
    const full = await solveDmft(input, { onStep: (e) => events.push(e.t) });
    expect(full.status).toBe('Success');
    expect(events.length).toBe(full.stats.adaptive!.gridSize); // one event per accepted row (and row 0)
    for (let i = 1; i < events.length; i++) expect(events[i]).toBeGreaterThan(events[i - 1]);
    const half = await solveDmft(input, { stopAfterSteps: 60 });
    expect(half.status).toBe('NotConverged');
    expect(half.checkpoint).toBeDefined();
    expect(half.t.at(-1)!).toBeLessThan(40);
    const cp = roundTrip(half.checkpoint!);
    // Two pauses in a row, then the rest.
    const mid = await solveDmft(input, { resumeFrom: cp, stopAfterSteps: 90 });
    expect(mid.status).toBe('NotConverged');
    const rest = await solveDmft(input, { resumeFrom: roundTrip(mid.checkpoint!) });
    expect(rest.status).toBe('Success');
    const bytes = (s: DmftSolution) =>
      Buffer.from(Float64Array.from([...s.t, ...s.testError, ...s.trainError, ...s.a, ...s.v, ...s.Co, ...s.nu, ...s.Cd0]).buffer).toString('hex');
    expect(bytes(rest)).toBe(bytes(full));
    expect(rest.stats.adaptive!.steps).toBe(full.stats.adaptive!.steps);
    expect(JSON.stringify(rest.stats.adaptive!.errorEstimate)).toBe(JSON.stringify(full.stats.adaptive!.errorEstimate));
    await expect(solveDmft({ ...input, tau: 0.31 }, { resumeFrom: cp })).rejects.toThrow(/different problem/);
  });
});

describe('Wasm kernel (assembly/dmft_grid.ts) vs the TS twin (src/ref/dmft_grid.ts)', () => {
  for (const scheme of ['explicit', 'semi-implicit'] as const)
    it(`adaptive run, ${scheme}: scalar build bitwise equal, SIMD build equal to rounding`, async () => {
      const input = { m: 16, ...unlearn, tMax: 30, grid: 'adaptive' as const, rtol: 3e-3, scheme };
      const ts = await solveDmft(input, { engine: 'ts' });
      expect(ts.stats.engine).toBe('ts');
      const sc = await solveDmft(input, { runtime: await loadWasm({ variant: 'scalar' }) });
      expect(sc.stats.engine).toBe('wasm');
      expect(sc.stats.simd).toBe(false);
      const bytes = (s: DmftSolution) =>
        Buffer.from(Float64Array.from([...s.t, ...s.testError, ...s.trainError, ...s.a, ...s.v, ...s.Co, ...s.nu]).buffer).toString('hex');
      expect(bytes(sc)).toBe(bytes(ts));
      const simd = await solveDmft(input, { runtime: await loadWasm({ variant: 'release' }) });
      expect(simd.stats.simd).toBe(true);
      expect(simd.t.length).toBe(ts.t.length);
      for (const f of ['t', 'testError', 'trainError', 'a', 'v'] as const)
        for (let k = 0; k < ts.t.length; k++) expect(Math.abs(simd[f][k] - ts[f][k])).toBeLessThan(1e-10);
    });
});
