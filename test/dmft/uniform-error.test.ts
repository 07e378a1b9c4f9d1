// Uniform grid (issue 11 item 3): the Richardson error estimate of stats.errorEstimate (companion run at 2η:
// x(2η) − x(η) ≈ x(η) − x(0) for the first-order schemes) against the true error, measured against an
// independent η → 0 reference (explicit, second order by Richardson over 1/64 and 1/128), and eta 'auto'
// reaching its tolerance: achieved error within a small factor of rtol.
import { describe, expect, it } from 'vitest';
import { solveDmft, type DmftSolution } from '../../src/dmft/solve.js';
import type { DmftProblemInput } from '../../src/dmft/problem.js';

const H3 = [0, 0.9, 0, 1 / 6];
const base: DmftProblemInput = { m: 16, alpha: 0.3, tau: 0.3, h: H3, a0: 1, tMax: 8, maxPoints: 100_000 };

/** 4-point Lagrange interpolation of a uniform-grid solution at t (error O(h⁴), far below the errors tested). */
function interp(r: DmftSolution, y: number[], t: number): number {
  const n = r.t.length;
  const i = Math.max(0, Math.min(n - 4, Math.floor(t / r.stats.eta) - 1));
  let s = 0;
  for (let a = 0; a < 4; a++) {
    let w = 1;
    for (let b = 0; b < 4; b++) if (b !== a) w *= (t - r.t[i + b]) / (r.t[i + a] - r.t[i + b]);
    s += w * y[i + a];
  }
  return s;
}

/** The measure of UniformErrorEstimate.max: max over fields of max_t |Δx| / max(1, max_t |x|). */
type Curve = 'trainError' | 'testError' | 'a' | 'v' | 'mCo';
function trueError(s: DmftSolution, ref: DmftSolution, fields: readonly Curve[] = ['trainError', 'testError', 'a', 'v', 'mCo']): number {
  let worst = 0;
  for (const f of fields) {
    let d = 0,
      scale = 1;
    for (let k = 0; k < s.t.length; k++) {
      const x = interp(ref, ref[f], s.t[k]);
      d = Math.max(d, Math.abs(s[f][k] - x));
      scale = Math.max(scale, Math.abs(x));
    }
    worst = Math.max(worst, d / scale);
  }
  return worst;
}

/** The curves README's example prints and discusses. */
const README_FIELDS = ['trainError', 'testError', 'a', 'v'] as const;

describe('uniform grid: error estimate and eta auto', () => {
  let ref: DmftSolution;
  it('reference: explicit, second order (η = 1/64 and 1/128)', async () => {
    ref = await solveDmft({ ...base, eta: 1 / 64, secondOrder: true, threads: 2 });
    expect(ref.status).toBe('Success');
  }, 60_000);

  for (const scheme of ['explicit', 'semi-implicit'] as const)
    it(`${scheme}: the 2η estimate is within a factor 1.5 of the true error (η = 0.125, 0.0625), which halves with η`, async () => {
      const errs: number[] = [];
      for (const eta of [0.125, 0.0625]) {
        const s = await solveDmft({ ...base, eta, scheme, errorEstimate: true });
        const est = s.stats.errorEstimate!;
        expect(est.method).toBe('2eta');
        const err = trueError(s, ref);
        errs.push(err);
        expect(est.max / err, `η = ${eta}`).toBeGreaterThan(1 / 1.5);
        expect(est.max / err, `η = ${eta}`).toBeLessThan(1.5);
      }
      expect(errs[1] / errs[0]).toBeGreaterThan(0.4); // first order: ratio ≈ 0.5
      expect(errs[1] / errs[0]).toBeLessThan(0.6);
    }, 60_000);

  it("README's DMFT example: second order at η = 0.25 beats first order at η = 0.125 (about the same work)", async () => {
    // README chooses `--eta 0.25 --second-order` by accuracy: Richardson over η and η/2 is O(η²).
    const second = await solveDmft({ ...base, eta: 0.25, secondOrder: true });
    const first = await solveDmft({ ...base, eta: 0.125 });
    const e2 = trueError(second, ref, README_FIELDS);
    const e1 = trueError(first, ref, README_FIELDS);
    // README: below 1e-3 over the whole run (the early transient dominates), ≈ 10× better than first order.
    expect(e2).toBeLessThan(1e-3);
    expect(e1 / e2).toBeGreaterThan(5);
  }, 60_000);

  it('semi-implicit reports the estimate by default, explicit does not', async () => {
    const si = await solveDmft({ ...base, tMax: 2, eta: 0.1, scheme: 'semi-implicit' });
    const ex = await solveDmft({ ...base, tMax: 2, eta: 0.1 });
    expect(si.stats.errorEstimate).toBeDefined();
    expect(ex.stats.errorEstimate).toBeUndefined();
  });

  for (const [scheme, rtol] of [
    ['explicit', 3e-3],
    ['semi-implicit', 1e-2],
  ] as const)
    it(`eta auto, ${scheme}, rtol ${rtol}: achieved error (vs the reference) in [rtol/10, 1.5·rtol]`, async () => {
      const s = await solveDmft({ ...base, eta: 'auto', rtol, scheme });
      expect(s.status).toBe('Success');
      expect(s.stats.etaAuto!.rtol).toBe(rtol);
      expect(s.stats.errorEstimate!.max).toBeLessThanOrEqual(rtol);
      const err = trueError(s, ref);
      expect(err).toBeLessThan(1.5 * rtol);
      expect(err).toBeGreaterThan(rtol / 10);
    }, 60_000);

  it('eta auto is refused with the adaptive grid and with secondOrder; rtol without it on the uniform grid', async () => {
    await expect(solveDmft({ ...base, grid: 'adaptive', eta: 'auto' })).rejects.toThrow(/eta/);
    await expect(solveDmft({ ...base, eta: 'auto', secondOrder: true })).rejects.toThrow(/secondOrder/);
    await expect(solveDmft({ ...base, eta: 0.1, rtol: 1e-3 })).rejects.toThrow(/rtol/);
  });
});
