// The θ grid's global error estimate (src/dmft/solve.ts solveThetaGrid, companionEstimate) and its step
// stability cap (src/dmft/theta-grid.ts, ThetaControl.dtLamMax; issue 11): the estimate max|x(rtol) − x(c·rtol)|/D
// is checked against the true error, measured independently as the distance to a run at rtol/10; when the 10·rtol
// companion does not finish cleanly the 3·rtol companion gives it (and a stop there resumes byte-identically).
// Heavy (LEARNDYN_HEAVY=1): m = 256 to t/m = 100 at rtol 1e-3 (the 10·rtol companion failed there before the cap).
import { describe, expect, it, vi } from 'vitest';
import type { DmftCheckpoint } from '../../src/dmft/checkpoint.js';
import { solveDmft, type DmftSolution } from '../../src/dmft/solve.js';
import { dmftProblem, type DmftProblemInput } from '../../src/dmft/problem.js';
import { runTheta, type ThetaRaw } from '../../src/dmft/theta-grid.js';
import { loadWasm } from '../../src/wasm/runtime.js';

vi.setConfig({ testTimeout: 300_000 }); // shares 2 cores with other suites
const heavy = process.env.LEARNDYN_HEAVY === '1';
const H3 = [0, 0.9, 0, 1 / 6];
const unlearn = { alpha: 0.3, tau: 0.3, h: H3, a0: 1, grid: 'theta', maxPoints: 1e6 } as const;
const KEYS = ['a', 'v', 'trainError', 'testError'] as const;

/** Linear interpolation of a solution's series at t. */
function at(s: DmftSolution, key: (typeof KEYS)[number], t: number): number {
  let k = 0;
  while (k < s.t.length - 2 && s.t[k + 1] < t) k++;
  const u = (t - s.t[k]) / (s.t[k + 1] - s.t[k]);
  return (1 - u) * s[key][k] + u * s[key][k + 1];
}
/** max over the run's times of |x − x_ref| per observable (the reference: the same problem at rtol/10). */
function trueError(s: DmftSolution, ref: DmftSolution): Record<(typeof KEYS)[number], number> {
  const out = { a: 0, v: 0, trainError: 0, testError: 0 };
  for (const key of KEYS) for (let k = 0; k < s.t.length; k++) out[key] = Math.max(out[key], Math.abs(s[key][k] - at(ref, key, s.t[k])));
  return out;
}
const hex = (s: DmftSolution) => Buffer.from(Float64Array.from([...s.t, ...s.trainError, ...s.testError, ...s.a, ...s.v, ...s.Co]).buffer).toString('hex');

// m = 64 to t = 640 (t/m = 10), L = 32: at rtol 1e-2 the steps reach the stability cap Δt·λ_S = 5 from t ≈ 100,
// so the 10·rtol companion takes 1.6× fewer steps, not √10× (its error is not 10× larger).
const input = { ...unlearn, m: 64, tMax: 640, thetaNodes: 32 } satisfies DmftProblemInput;

describe('θ grid error estimate against the true error (m = 64, t/m = 10, L = 32)', () => {
  let ref: DmftSolution;
  it('reference: the same problem at rtol 1e-3', async () => {
    ref = await solveDmft({ ...input, rtol: 1e-3 });
    expect(ref.status).toBe('Success');
  });

  it('rtol 1e-2, 10·rtol companion under the stability cap: the estimate is within 3× of the true error', async () => {
    const s = await solveDmft({ ...input, rtol: 1e-2 });
    expect(s.status).toBe('Success');
    const th = s.stats.theta!;
    expect(Math.max(...th.history.dtLam)).toBeLessThanOrEqual(5 * (1 + 1e-12)); // the cap holds
    expect(th.companions).toHaveLength(1);
    expect(th.companions[0]).toMatchObject({ rtol: 0.1, status: 'Success', rejected: '' });
    expect(th.errorEstimate.companionRtol).toBe(0.1);
    expect(th.companions[0].divisor).toBeLessThan(9); // the step-count divisor, not c − 1
    const err = trueError(s, ref);
    for (const key of KEYS) {
      const ratio = th.errorEstimate[key] / err[key];
      expect(ratio, `${key}: estimate ${th.errorEstimate[key]} vs true ${err[key]}`).toBeGreaterThan(1 / 3);
      expect(ratio, `${key}: estimate ${th.errorEstimate[key]} vs true ${err[key]}`).toBeLessThan(3);
    }
  });

  let fallback: DmftSolution;
  it('the 10·rtol companion fails (its step limit hit): the 3·rtol companion gives the estimate, within 3× of the true error', async () => {
    fallback = await solveDmft({ ...input, rtol: 1e-2 }, { thetaCompanionMaxSteps: 20 });
    expect(fallback.status).toBe('Success');
    const th = fallback.stats.theta!;
    expect(th.companions.map((c) => [c.rtol, c.status])).toEqual([
      [0.1, 'NotConverged'],
      [0.03, 'Success'],
    ]);
    expect(th.companions[0].rejected).toMatch(/NotConverged/);
    expect(th.errorEstimate.companionRtol).toBe(0.03);
    const err = trueError(fallback, ref);
    for (const key of KEYS) {
      const ratio = th.errorEstimate[key] / err[key];
      expect(Number.isFinite(ratio), key).toBe(true);
      expect(ratio, `${key}: estimate ${th.errorEstimate[key]} vs true ${err[key]}`).toBeGreaterThan(1 / 3);
      expect(ratio, `${key}: estimate ${th.errorEstimate[key]} vs true ${err[key]}`).toBeLessThan(3);
    }
  });

  it('a stop during the 3·rtol companion: Terminated with the complete curves; the resume ends byte-identical', async () => {
    const ctl = new AbortController();
    const handed: DmftCheckpoint[] = [];
    const stopped = await solveDmft(
      { ...input, rtol: 1e-2 },
      {
        thetaCompanionMaxSteps: 20,
        signal: ctl.signal,
        onCheckpoint: (c) => void handed.push(c as DmftCheckpoint),
        onProgress: (e) => void (e.phase.startsWith('3·rtol') && e.fraction > 0.85 && ctl.abort()),
      },
    );
    expect(stopped.status).toBe('Terminated');
    expect(stopped.message).toMatch(/error-estimate run at rtol 0\.03/);
    const cp = stopped.checkpoint!;
    expect(cp.state).toMatchObject({ pass: 2, companion: 1 });
    expect(handed.at(-1)).toBe(cp); // the stop hands its checkpoint to onCheckpoint too (the CLI writes it)
    const rest = await solveDmft({ ...input, rtol: 1e-2 }, { thetaCompanionMaxSteps: 20, resumeFrom: cp });
    expect(rest.status).toBe('Success');
    expect(hex(rest)).toBe(hex(fallback));
    expect(JSON.stringify(rest.stats)).toBe(JSON.stringify(fallback.stats));
  });
});

describe('the stability cap Δt·λ_S ≤ 5 (m = 256 to t = 4000, rtol 1e-2, L = 64)', () => {
  it('without it the steps pass Δt·λ_S ≈ 7, get rejected and the error grows; with it the error is ≥ 3× smaller', async () => {
    const rt = await loadWasm({ variant: 'release' });
    const p = dmftProblem({ m: 256, alpha: 0.3, tau: 0.3, h: H3, a0: 1, tMax: 4000, grid: 'adaptive' });
    const run = (rtol: number, dtLamMax?: number) => runTheta(p, { ctl: { rtol, atol: rtol, L: 64, dtLamMax }, runtime: rt });
    const ref = run(1e-3);
    const dist = (r: ThetaRaw) => {
      let e = 0;
      for (let k = 0; k < r.rows; k++) {
        let j = 0;
        while (j < ref.rows - 2 && ref.t[j + 1] < r.t[k]) j++;
        const u = (r.t[k] - ref.t[j]) / (ref.t[j + 1] - ref.t[j]);
        e = Math.max(e, Math.abs(r.ets[k] - ((1 - u) * ref.ets[j] + u * ref.ets[j + 1])));
      }
      return e;
    };
    const free = run(1e-2, Number.POSITIVE_INFINITY),
      capped = run(1e-2);
    expect(free.status).toBe('Success');
    expect(capped.status).toBe('Success');
    expect(Math.max(...free.history.dtLam)).toBeGreaterThan(7);
    expect(Math.max(...capped.history.dtLam)).toBeLessThanOrEqual(5 * (1 + 1e-12));
    expect(capped.rejections).toBeLessThan(free.rejections);
    expect(dist(capped) * 3, `e_ts error capped ${dist(capped)}, free ${dist(free)}`).toBeLessThan(dist(free));
  });
});

describe.runIf(heavy)('heavy (LEARNDYN_HEAVY=1): m = 256 to t/m = 100, rtol 1e-3', () => {
  it('a finite error estimate ≤ 1e-3 in e_ts and e_tr (before the stability cap: NaN, the 10·rtol run lost a)', async () => {
    const s = await solveDmft({ ...unlearn, m: 256, tMax: 25600, thetaNodes: 64, rtol: 1e-3, maxPoints: 2000 });
    expect(s.status).toBe('Success');
    const e = s.stats.theta!.errorEstimate;
    expect(Number.isFinite(e.companionRtol)).toBe(true);
    expect(e.testError).toBeLessThanOrEqual(1e-3);
    expect(e.trainError).toBeLessThanOrEqual(1e-3);
    expect(Math.max(...s.stats.theta!.history.dtLam)).toBeLessThanOrEqual(5 * (1 + 1e-12));
  });
});
