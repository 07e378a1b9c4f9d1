// CLI contract of `learndyn dmft run --grid adaptive [--rtol R] [--atol A]` (issue 11): the same JSON fields
// as the uniform grid, aligned to a non-uniform "t"; step statistics and the error estimate in stats;
// agreement with the uniform second-order (Richardson) run; bad combinations are one-line errors (exit 2).
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';

vi.setConfig({ testTimeout: 120_000 }); // shares 2 cores with other suites

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}
const base = ['dmft', 'run', '--m', '16', '--alpha', '0.3', '--tau', '0.3', '--h', '0,0.9,0,0.16666666666666666', '--t-max', '16', '--no-progress'];

describe('learndyn dmft run --grid adaptive', () => {
  it('fields aligned to a non-uniform t, stats.adaptive, agreement with the uniform Richardson run', async () => {
    const r = await run([...base, '--grid', 'adaptive', '--rtol', '3e-3', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.status).toBe('Success');
    const n = j.t.length;
    for (const k of ['trainError', 'testError', 'a', 'v', 'Co', 'gamma', 'mCo', 'Cd0', 'nu', 'gap', 'tm', 'tOverM']) expect(j[k], k).toHaveLength(n);
    expect(j.t[0]).toBe(0);
    expect(j.t[n - 1]).toBe(16);
    expect(j.stats.grid).toBe('adaptive');
    expect(j.stats.adaptive.rtol).toBe(3e-3);
    expect(j.stats.adaptive.atol).toBe(3e-3);
    expect(j.stats.adaptive.steps).toBeGreaterThan(10);
    expect(j.stats.adaptive.errorEstimate.ets).toBeGreaterThan(0);
    const u = JSON.parse((await run([...base, '--eta', '0.0625', '--second-order', '--json', '--max-points', '100000'])).out);
    expect(u.t[u.t.length - 1]).toBeCloseTo(16, 12);
    for (const k of ['testError', 'trainError', 'a', 'v']) expect(Math.abs(j[k][n - 1] - u[k][u.t.length - 1]), k).toBeLessThan(10 * 3e-3);
    const txt = await run([...base, '--grid', 'adaptive', '--rtol', '1e-2']);
    expect(txt.out).toMatch(/adaptive grid \(rtol 0\.01, atol 0\.01\): \d+ steps/);
  });
  it('one-line errors (exit 2): --rtol on the uniform grid, unknown grid, missing --eta on the uniform grid', async () => {
    for (const [args, re] of [
      [['--eta', '0.1', '--rtol', '1e-3'], /rtol.*only with grid adaptive/],
      [['--grid', 'log'], /invalid grid: "log"/],
      [[], /missing eta/],
    ] as const) {
      const r = await run([...base, ...args]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(re);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
  });
});
