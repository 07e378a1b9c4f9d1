// Two-worker row sweeps of the uniform SymmDMFT grid (assembly/dmft.ts dmft_symm_run_mt, issue 11): the sweeps
// are split at a row R (rows [0, R) and [R, E) accumulate separately and are added), so one thread and two
// workers run the same floating-point operations: bitwise-equal curves. The TS twin does the same split.
import { describe, expect, it } from 'vitest';
import { solveDmft } from '../../src/dmft/solve.js';
import type { DmftProblemInput } from '../../src/dmft/problem.js';

const H3 = [0, 0.9, 0, 1 / 6];
// N = 320 rows: the split starts at 128 rows, so most steps use it.
const v10: DmftProblemInput = { m: 16, alpha: 0.3, tau: 0.3, h: H3, a0: 1, eta: 0.125, tMax: 40, maxPoints: 400 };
const FIELDS = ['trainError', 'testError', 'a', 'v', 'Co', 'nu', 'Cd0'] as const;

describe('SymmDMFT uniform grid on two workers', () => {
  for (const scheme of ['explicit', 'semi-implicit'] as const)
    it(`${scheme}: two workers bitwise equal to one thread; the TS twin equal to rounding`, async () => {
      const one = await solveDmft({ ...v10, scheme });
      const two = await solveDmft({ ...v10, scheme, threads: 2 });
      expect(one.stats.threads).toBe(1);
      expect(two.stats.threads).toBe(2);
      expect(two.status).toBe('Success');
      expect(two.t.length).toBe(321);
      for (const f of FIELDS) expect(Buffer.from(new Float64Array(two[f]).buffer).equals(Buffer.from(new Float64Array(one[f]).buffer)), f).toBe(true);
      const twin = await solveDmft({ ...v10, scheme, tMax: 20 }, { engine: 'ts' });
      for (const f of FIELDS)
        for (let k = 0; k < twin.t.length; k++) expect(Math.abs(one[f][k] - twin[f][k]), `${f}[${k}]`).toBeLessThan(1e-12 * (1 + Math.abs(twin[f][k])));
    }, 30_000);

  it('an explicit blow-up ends Unstable at the same row on two workers', async () => {
    const p: DmftProblemInput = { m: 64, alpha: 0.3, tau: 0.3, h: H3, a0: 2, eta: 0.5, tMax: 100 };
    const one = await solveDmft(p);
    const two = await solveDmft({ ...p, threads: 2 });
    expect(one.status).toBe('Unstable');
    expect(two.status).toBe('Unstable');
    expect(two.stats.rowsComputed).toBe(one.stats.rowsComputed);
    expect(two.message).toBe(one.message);
  }, 30_000);
});
