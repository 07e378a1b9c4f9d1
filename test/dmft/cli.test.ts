// CLI contract of `learndyn dmft run`: field names aligned to "t", status and exit codes, one-line errors
// (exit 2) for bad inputs, --out files, --config merging.
import { describe, expect, it, vi } from 'vitest';

vi.setConfig({ testTimeout: 60_000 }); // runs share 2 cores with other suites
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

const contract = [
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
  '--phi-hat',
  'same',
  '--init',
  'mean-field',
  '--a0',
  '1',
  '--eta',
  '0.025',
  '--t-max',
  '20',
  '--json',
  '--no-progress',
];

describe('learndyn dmft run', () => {
  it('contract command: arrays aligned to "t", status Success, exit 0', async () => {
    const r = await run(contract);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.status).toBe('Success');
    expect(j.t.length).toBe(801);
    expect(j.t[0]).toBe(0);
    expect(j.t[800]).toBeCloseTo(20, 12);
    for (const k of ['trainError', 'testError', 'a', 'v', 'Co', 'gamma', 'mCo', 'Cd0', 'nu', 'gap', 'tm', 'tOverM']) {
      expect(j[k], k).toHaveLength(801);
      expect(
        j[k].every((x: unknown) => typeof x === 'number' && Number.isFinite(x)),
        k,
      ).toBe(true);
    }
    // e_tr(0) = e_ts(0) = ½(τ² + ‖φ‖² + a0²h(1)/m) with h(0) = 0 (§5, [D]).
    const e0 = 0.5 * (0.36 + 16 / 15 + 16 / 15 / 16);
    expect(j.trainError[0]).toBeCloseTo(e0, 12);
    expect(j.testError[0]).toBeCloseTo(e0, 12);
    expect(j.a[0]).toBe(1);
    expect(j.stats.scheme).toBe('explicit');
    expect(j.stats.N).toBe(800);
    expect(j.problem.alphaBar).toBeCloseTo(4.8, 12);
    expect(j.trainError[800]).toBeLessThan(j.testError[800]);
  });

  it('--scheme semi-implicit, --out files and --config merging', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ld-dmft-'));
    const cfg = join(dir, 'cfg.json');
    writeFileSync(cfg, JSON.stringify({ m: 8, alpha: 0.3, tau: 0.6, h: [0, 0.9, 0, 1 / 6], eta: 0.05, tMax: 4, scheme: 'explicit' }));
    const out = join(dir, 'out');
    const r = await run(['dmft', 'run', '--config', cfg, '--scheme', 'semi-implicit', '--out', out, '--json', '--no-progress']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.stats.scheme).toBe('semi-implicit');
    expect(j.problem.m).toBe(8);
    expect(j.t).toHaveLength(81);
    for (const f of ['manifest.json', 'curves.csv']) expect(existsSync(join(out, f)), f).toBe(true);
    const man = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(man.problem.alpha).toBe(0.3);
    expect(man.problem.alphaBar).toBeCloseTo(2.4, 12);
    const csv = readFileSync(join(out, 'curves.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toContain('trainError');
    expect(csv).toHaveLength(82);
  });

  it('explicit blow-up: exit 4, status Unstable, partial curves kept', async () => {
    // Lazy init a = γ0√m with η far above the explicit stability bound 1/(α γ0² m h′) (§10.3).
    const r = await run([
      'dmft',
      'run',
      '--m',
      '64',
      '--alpha',
      '0.5',
      '--tau',
      '1',
      '--h',
      '0,0.3,0.5',
      '--phi-hat',
      'none',
      '--init',
      'lazy',
      '--gamma0',
      '2',
      '--frozen-a',
      '--eta',
      '0.5',
      '--t-max',
      '40',
      '--json',
      '--no-progress',
    ]);
    expect(r.code).toBe(4);
    const j = JSON.parse(r.out);
    expect(j.status).toBe('Unstable');
    expect(j.message).toMatch(/unstable at t = /);
    expect(j.t.length).toBeGreaterThan(0);
    expect(j.t.length).toBeLessThan(81);
    expect(j.trainError.every(Number.isFinite)).toBe(true);
    expect(r.err).toMatch(/status Unstable/);
  });

  const bad: [string, string[], RegExp][] = [
    ['m < 1', ['--m', '0'], /invalid m: 0/],
    ['α ≤ 0', ['--alpha', '0'], /invalid alpha: 0/],
    ['τ < 0', ['--tau', '-0.1'], /invalid tau: -0.1/],
    ['η ≤ 0', ['--eta', '0'], /invalid eta: 0/],
    ['t-max/η above budget', ['--eta', '0.001', '--t-max', '100'], /memory estimate .*bytes.* exceeds the budget/],
    ['h(1) ≤ 0', ['--h', '0,0,0'], /invalid h: \[0,0,0\].*h\(1\)/],
    ['divergent series', ['--h', '0,1e308,1e308'], /invalid h: .*converging at q = 1/],
    ['negative kernel coefficient', ['--h', '0,1,-0.5'], /invalid h\[2\]: -0.5/],
    ['lazy without γ0', ['--init', 'lazy'], /missing gamma0/],
    ['unknown scheme', ['--scheme', 'rk4'], /invalid scheme: "rk4"/],
    ['phi-hat list without ‖φ‖²', ['--phi-hat', '0,1'], /missing phiNorm2/],
  ];
  for (const [name, patch, msg] of bad) {
    it(`bad input (${name}) → exit 2 with one line`, async () => {
      const args = [...contract];
      for (let i = 0; i < patch.length; i += 2) {
        const k = args.indexOf(patch[i]);
        if (k >= 0) args[k + 1] = patch[i + 1];
        else args.push(patch[i], patch[i + 1]);
      }
      const r = await run(args);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(msg);
    });
  }
});
