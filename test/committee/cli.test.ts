// The committee CLI contract (issue 3): names of the JSON fields, exit codes, one-line errors,
// --init-file, --out; and (g) dimension independence from identical initial overlaps.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { solveCommittee } from '../../src/committee/solve.js';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'ld-committee-'));
const initFile = join(dir, 'init.json');
const p = 6;
const k = 3;
// Small, asymmetric initial overlaps: Q ≈ I with off-diagonals, tiny M (a Saad–Solla-style start).
const Q = Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => (i === j ? 0.5 + 0.05 * i : 0.01 * ((i + j) % 3))));
const M = Array.from({ length: p }, (_, i) => Array.from({ length: k }, (_, r) => 1e-3 * (1 + ((i * 7 + r * 3) % 5))));
writeFileSync(
  initFile,
  JSON.stringify({
    Q,
    M,
    P: [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ],
  }),
);
const same = ['--p', '6', '--k', '3', '--activation', 'erf', '--lr', '0.5', '--noise', '1e-3', '--variance', 'noise', '--init-file', initFile];

describe('learndyn committee ode / sgd: contract', () => {
  it('ode prints t, risk (excess), and the final Q, M as nested arrays', async () => {
    const r = await run(['committee', 'ode', ...same, '--t-min', '1e-7', '--t-max', '1e4', '--t-count', '301', '--json', '--no-progress']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.t).toHaveLength(301);
    expect(j.risk).toHaveLength(301);
    expect(j.Q).toHaveLength(6);
    expect(j.Q[0]).toHaveLength(6);
    expect(j.M).toHaveLength(6);
    expect(j.M[0]).toHaveLength(3);
    // Risk at the start from the init overlaps by S15 with I2 of S16 (written out here independently).
    const I2 = (a: number, b: number, c: number) => (2 / Math.PI) * Math.asin(c / Math.sqrt((1 + a) * (1 + b)));
    let ss = 0;
    let st = 0;
    for (let i = 0; i < p; i++) for (let l = 0; l < p; l++) ss += I2(Q[i][i], Q[l][l], Q[i][l]);
    for (let i = 0; i < p; i++) for (let r2 = 0; r2 < k; r2++) st += I2(Q[i][i], 1, M[i][r2]);
    const tt = k * I2(1, 1, 1);
    const eps0 = 0.5 * (ss / p ** 2 - (2 * st) / (p * k) + tt / k ** 2);
    // t[0] = 1e-7: the risk has not moved from ε(0).
    expect(Math.abs(j.risk[0] - eps0)).toBeLessThan(1e-6 * eps0);
    expect(j.risk[300]).toBeLessThan(j.risk[0] / 10);
    expect(j.initial.Q).toEqual(Q);
    expect(j.status).toBe('Success');
  });

  it('sgd adds riskSE, ode and agreement on the same grid, from the same initial overlaps', async () => {
    const r = await run([
      'committee',
      'sgd',
      '--dim',
      '500',
      '--seeds',
      '4',
      ...same,
      '--t-max',
      '20',
      '--t-count',
      '21',
      '--json',
      '--no-progress',
      '--threads',
      '2',
    ]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    for (const key of ['risk', 'riskSE', 'ode']) expect(j[key], key).toHaveLength(j.t.length);
    expect(j.agreement.supOverScale).toBeLessThan(1);
    expect(j.agreement.scale).toBeCloseTo(Math.sqrt(0.5 / (6 * 500)), 12);
    // Same start: the realised weights have exactly the init overlaps.
    j.initial.Q.forEach((row: number[], i: number) => row.forEach((v, l) => expect(Math.abs(v - Q[i][l])).toBeLessThan(1e-12)));
    expect(Math.abs(j.risk[0] - j.ode[0])).toBeLessThan(5e-3);
  }, 120_000);

  it('writes --out files and reruns identically from the same seed', async () => {
    const out1 = join(dir, 'a');
    const out2 = join(dir, 'b');
    const args = ['committee', 'sgd', '--dim', '100', '--seeds', '2', ...same, '--t-max', '5', '--t-count', '11', '--no-progress'];
    expect((await run([...args, '--out', out1])).code).toBe(0);
    expect((await run([...args, '--out', out2])).code).toBe(0);
    for (const f of ['manifest.json', 'curves.csv', 'risk.npy', 'ode.npy', 'riskBySeed.npy', 'Q.npy', 'arrays.npz'])
      expect(existsSync(join(out1, f)), f).toBe(true);
    expect(readFileSync(join(out1, 'curves.csv'))).toEqual(readFileSync(join(out2, 'curves.csv')));
    const man = JSON.parse(readFileSync(join(out1, 'manifest.json'), 'utf8'));
    expect(man.problem.p).toBe(6);
    expect(man.problem.init.Q).toEqual(Q);
  }, 120_000);
});

describe('committee bad input: exit 2 with one line', () => {
  const base = ['committee', 'sgd', '--p', '2', '--k', '2', '--lr', '1', '--json', '--no-progress'];
  const bad = join(dir, 'bad.json');
  writeFileSync(
    bad,
    JSON.stringify({
      Q: [
        [1, 2],
        [2, 1],
      ],
      M: [
        [0, 0],
        [0, 0],
      ],
    }),
  );
  const shape = join(dir, 'shape.json');
  writeFileSync(shape, JSON.stringify({ Q: [[1]], M: [[0, 0]] }));
  const cases: [string[], RegExp][] = [
    [['--k', '3'], /k: 3 .*≤ p = 2/],
    [['--p', '0'], /p: 0/],
    [['--dim', '0'], /dim: 0/],
    [['--lr', '0'], /lr: 0/],
    [['--lr', '-1'], /lr: -1/],
    [['--noise', '-0.1'], /noise: -0.1/],
    [['--activation', 'tanh'], /activation: "tanh"/],
    [['--variance', 'some'], /variance: "some"/],
    [['--method', 'leapfrog'], /method: "leapfrog"/],
    [['--init-file', bad], /positive semi-definite/],
    [['--init-file', shape], /init.Q: "1×1"/],
    [['--init-file', join(dir, 'missing.json')], /init-file/],
    [['--seeds', '100000'], /seeds: 100000/],
    [['--t-max', '1e9', '--dim', '1000'], /tMax: 1000000000 .*maxSgdSteps/],
    [['--p', '64', '--dim', '100000', '--t-max', '1', '--budget-bytes', '1e7'], /memory estimate .* exceeds the Wasm memory budget/],
  ];
  for (const [extra, re] of cases) {
    it(extra.map((x) => x.replace(dir, '…')).join(' '), async () => {
      const r = await run([...base, ...extra]);
      expect(r.code).toBe(2);
      const lines = r.err.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(re);
    });
  }
});

describe('(g) dimension independence in the classical regime', () => {
  it('SGD at d = 5, 10, 50 from identical (Q0, M0, P) follows one ODE (γ = 0.05)', async () => {
    // Q0 = M Mᵀ + small orthogonal part, realised exactly at every d (k + rank ≤ 5).
    const pp = 2;
    const kk = 2;
    const init = {
      Q: [
        [0.5, 0.1],
        [0.1, 0.4],
      ],
      M: [
        [0.3, 0.2],
        [0.1, 0.4],
      ],
    };
    const common = {
      p: pp,
      k: kk,
      activation: 'erf' as const,
      lr: 0.05,
      noise: 1e-3,
      variance: 'noise' as const,
      init,
      tMin: 0.1,
      tMax: 20,
      tCount: 9,
      seeds: 4,
      threads: 2,
    };
    const ode = await solveCommittee({ ...common, dim: 50 });
    for (const d of [5, 10, 50]) {
      const sol = await solveCommittee({ ...common, dim: d }, { simulate: true });
      expect(sol.status).toBe('Success');
      for (let i = 0; i < sol.t.length; i++) {
        // The same ODE (d enters only through the initial overlaps, identical here); the SGD save
        // times are whole steps, so they differ from the grid by < γ/(pd).
        expect(Math.abs(sol.t[i] - ode.t[i])).toBeLessThan(0.05 / (2 * d));
        expect(Math.abs(sol.odeRisk[i] - ode.odeRisk[i])).toBeLessThan(0.01 * ode.odeRisk[i]);
        expect(Math.abs(sol.sgd!.risk[i] - sol.odeRisk[i])).toBeLessThan(0.05 * sol.odeRisk[i] + 4 * sol.sgd!.riskSE[i]);
      }
    }
  }, 120_000);
});

describe('committee blow-up', () => {
  it('linear p = k = 1 with γ > 2 ends Unstable, keeping the trajectory up to the last good point (exit 4)', async () => {
    const r = await run([
      'committee',
      'ode',
      '--p',
      '1',
      '--k',
      '1',
      '--activation',
      'linear',
      '--lr',
      '3',
      '--variance',
      'full',
      '--dim',
      '50',
      '--t-max',
      '1e4',
      '--t-count',
      '60',
      '--json',
      '--no-progress',
    ]);
    expect(r.code).toBe(4);
    const j = JSON.parse(r.out);
    expect(j.status).toBe('Unstable');
    expect(j.t.length).toBeGreaterThan(10);
    expect(j.t.length).toBeLessThan(60);
    for (const v of j.risk) expect(Number.isFinite(v)).toBe(true);
    // S21: ε grows like e^{(γ−2)t} for γ > 2.
    expect(j.risk[j.risk.length - 1]).toBeGreaterThan(1e3 * j.risk[0]);
    expect(r.err).toMatch(/Unstable/);
  });
});
