// The CLI contract of the kernel issue: JSON field names, exit codes, one-line errors, --out files,
// --config merging, rerun from a manifest, and the three stages of the reference run (G4).
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { decodeNpy } from '../../src/io/npy.js';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

const contractRun = [
  'kernel',
  'run',
  '--kernel',
  'exp',
  '--dim',
  '100',
  '--samples',
  '1000',
  '--energies',
  '0,0.3333333,0.3333333,0.3333333',
  '--noise-sd',
  '0.5',
  '--seeds',
  '5',
  '--t-min',
  '1',
  '--t-max',
  '1e9',
  '--t-count',
  '81',
  '--json',
  '--no-progress',
];

describe('learndyn kernel spectrum', () => {
  it('prints degrees, eigenvalues, multiplicities (contract) with values checked by quadrature', async () => {
    const r = await run(['kernel', 'spectrum', '--kernel', 'exp', '--dim', '100', '--max-degree', '5', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.degrees).toEqual([0, 1, 2, 3, 4, 5]);
    expect(j.multiplicities.slice(0, 3)).toEqual([1, 100, 5049]); // kernel.md K5 examples
    // ξ_0 = E[e^s] and ξ_1 = E[e^s s]·B(d,1)/… by plain Simpson quadrature of the law K7 of s.
    const d = 100;
    const N = 20000;
    let z = 0;
    let m0 = 0;
    let m1 = 0;
    for (let i = 0; i <= N; i++) {
      const s = -1 + (2 * i) / N;
      const w = (i === 0 || i === N ? 1 : i % 2 ? 4 : 2) * (1 - s * s) ** ((d - 3) / 2);
      z += w;
      m0 += w * Math.exp(s);
      m1 += w * Math.exp(s) * s;
    }
    expect(j.eigenvalues[0]).toBeCloseTo(m0 / z, 10);
    expect(j.eigenvalues[1]).toBeCloseTo(m1 / z, 10); // ξ_1 = E[h(s) P_1(s)], P_1 = s
  });

  it('refuses more degrees than supported, with one line', async () => {
    const r = await run(['kernel', 'spectrum', '--dim', '100', '--max-degree', '99', '--json']);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/max-degree.*99.*allowed/);
  });
});

describe('learndyn kernel run: contract and the three stages (G4)', () => {
  it('prints the contract fields aligned to t, and the curves show the three stages', async () => {
    const r = await run(contractRun);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    const T = j.t.length;
    expect(T).toBe(81);
    for (const k of ['oracle', 'train', 'test', 'trainSE', 'testSE', 'theoryTrain', 'theoryTest']) {
      expect(j[k], k).toHaveLength(T);
      for (const v of j[k]) expect(Number.isFinite(v), k).toBe(true);
    }
    expect(j.stages.t1).toBeGreaterThan(0);
    expect(j.stages.t2).toBeGreaterThan(j.stages.t1);
    // t1 = n/κ_{>1}, κ_{>1} = e − ξ_0 − 100 ξ_1 (K13) with the spectrum printed alongside.
    const kappa = Math.E - j.spectrum.eigenvalues[0] - 100 * j.spectrum.eigenvalues[1];
    expect(j.stages.t1).toBeCloseTo(1000 / kappa, 6);
    const at = (t: number) => j.t.findIndex((x: number) => x >= t);
    const y2 = j.train[0];
    // Stage 1: all curves together (train ≈ test + σ², test ≈ oracle).
    const i1 = at(10);
    expect(Math.abs(j.test[i1] - j.oracle[i1])).toBeLessThan(0.03);
    expect(Math.abs(j.train[i1] - (j.test[i1] + 0.25))).toBeLessThan(0.08);
    // Stage 2 (t ≈ 3e3, between t1 ≈ 1.4e3 and t2 ≈ 1e4): train collapses while test stays near the
    // oracle and the plateau ‖P_{>1}f‖² = 2/3 (finite-d excess above it, kernel.md §7 caveat).
    const i2 = at(3e3);
    expect(j.train[i2]).toBeLessThan(0.05 * y2);
    expect(j.test[i2]).toBeGreaterThan(0.6);
    expect(j.test[i2]).toBeLessThan(0.8);
    expect(Math.abs(j.test[i2] - j.oracle[i2])).toBeLessThan(0.25);
    // Stage 3: test frozen while the oracle keeps learning degrees 2 and 3.
    const i3a = at(1e5);
    const i3b = T - 1;
    expect(j.train[i3a]).toBeLessThan(1e-12);
    expect(Math.abs(j.test[i3b] - j.test[i3a])).toBeLessThan(1e-6);
    expect(j.oracle[i3a] - j.oracle[i3b]).toBeGreaterThan(0.25);
    expect(j.oracle[i3b]).toBeLessThan(1e-3);
    // Theory beside the simulation: T3 follows the simulated test error within a few percent.
    for (let i = 0; i < T; i++) expect(Math.abs(j.theoryTest[i] - j.test[i])).toBeLessThan(0.05);
    // Monte-Carlo test error with its standard error vs the exact K22 curve (G4 tolerance ±0.02).
    for (let i = 0; i < T; i++) expect(Math.abs(j.testMC[i] - j.test[i])).toBeLessThan(0.02 + 3 * j.testMCSE[i]);
    expect(j.stats.seedsCompleted).toBe(5);
    expect(j.testSE[i2]).toBeGreaterThan(0);
  }, 120_000);

  it('--noisy-risk adds σ² to the test and oracle curves only', async () => {
    const base = [
      'kernel',
      'run',
      '--dim',
      '20',
      '--samples',
      '100',
      '--energies',
      '0,1',
      '--noise-sd',
      '0.5',
      '--t-count',
      '5',
      '--json',
      '--no-progress',
      '--test-points',
      '0',
    ];
    const a = JSON.parse((await run(base)).out);
    const b = JSON.parse((await run([...base, '--noisy-risk'])).out);
    for (let i = 0; i < 5; i++) {
      expect(b.test[i] - a.test[i]).toBeCloseTo(0.25, 12);
      expect(b.oracle[i] - a.oracle[i]).toBeCloseTo(0.25, 12);
      expect(b.train[i]).toBe(a.train[i]);
    }
  });
});

describe('bad input: exit 2 and one line naming parameter, value and what is allowed', () => {
  const base = ['kernel', 'run', '--dim', '20', '--samples', '100', '--energies', '0,1', '--json', '--no-progress'];
  const cases: [string[], RegExp][] = [
    [['--dim', '0'], /dim: 0 .*allowed: an integer in \[2/],
    [['--dim', '2.5'], /dim: 2\.5/],
    [['--samples', '-3'], /samples: -3/],
    [['--samples', 'abc'], /samples: "abc"/],
    [['--noise-sd', '-1'], /noiseSd: -1/],
    [['--noise-sd', 'NaN'], /noiseSd: NaN/],
    [['--energies', '0,-1'], /energies.1: -1/],
    [['--energies', '0,inf'], /energies.1: Infinity/],
    [['--energies', '0,1,1,1,1,1,1,1,1,1,1,1,1,1'], /energies.*at most 13/],
    [['--kernel', 'foo'], /kernel: "foo".*unknown kernel type/],
    [['--t-min', '10', '--t-max', '1'], /tMin: 10 .*< tMax/],
    [['--t-max', 'inf'], /tMax: Infinity/],
    [['--samples', '40000', '--dim', '1000'], /memory estimate .* GiB exceeds the Wasm memory budget 3\.00 GiB/],
    [['--domain', 'torus'], /domain: "torus"/],
    [['--method', 'qr'], /method: "qr"/],
  ];
  for (const [extra, re] of cases) {
    it(extra.join(' '), async () => {
      const r = await run([...base, ...extra]);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      const lines = r.err.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(re);
    });
  }
  it('an unknown flag is refused by the parser with exit 2', async () => {
    const r = await run([...base, '--bogus', '3']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown option/);
  });
  it('a bad config file is refused with exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ld-'));
    writeFileSync(join(dir, 'c.json'), '{"dim": 20,');
    const r = await run(['kernel', 'run', '--config', join(dir, 'c.json')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/config/);
  });
});

describe('--out, --config and rerun', () => {
  it('writes manifest.json, curves.csv and .npy/.npz arrays; a config file is overridden by flags; rerun reproduces the bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ld-'));
    const cfg = join(dir, 'cfg.json');
    writeFileSync(cfg, JSON.stringify({ kernel: 'exp', dim: 15, samples: 120, energies: [0, 0.5, 0.5], 'noise-sd': 0.2, seeds: 3, tCount: 11, seed: 3 }));
    const out1 = join(dir, 'a');
    const r = await run(['kernel', 'run', '--config', cfg, '--samples', '100', '--out', out1, '--json', '--no-progress']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.problem.samples).toBe(100); // flag wins
    expect(j.problem.dim).toBe(15); // from config
    expect(j.problem.noiseSd).toBe(0.2);
    for (const f of ['manifest.json', 'curves.csv', 't.npy', 'train.npy', 'test.npy', 'oracle.npy', 'theoryTest.npy', 'arrays.npz'])
      expect(existsSync(join(out1, f)), f).toBe(true);
    const man = JSON.parse(readFileSync(join(out1, 'manifest.json'), 'utf8'));
    expect(man.problem.samples).toBe(100);
    expect(man.problem.budgetBytes).toBeGreaterThan(0); // resolved defaults are recorded
    expect(man.seed).toBe(3);
    expect(man.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(man.wasm.simd).toBe(true);
    expect(man.timings.totalMs).toBeGreaterThan(0);
    expect(man.files.map((f: { name: string }) => f.name)).toContain('curves.csv');
    const train = decodeNpy(readFileSync(join(out1, 'train.npy')));
    expect(Array.from(train.data as Float64Array)).toEqual(j.train);
    const csv = readFileSync(join(out1, 'curves.csv'), 'utf8').split('\n');
    expect(csv[0].split(',')).toContain('theoryTest');
    expect(csv.filter(Boolean)).toHaveLength(12);
    if (hasNumpy) {
      const py = execFileSync('python3', [
        '-c',
        `import numpy as np; a=np.load('${join(out1, 'arrays.npz')}'); print(repr(float(a['test'][-1])), a['t'].shape)`,
      ]).toString();
      expect(py).toContain(`(11,)`);
      expect(Number(py.split(' ')[0])).toBe(j.test[10]);
    }
    const out2 = join(dir, 'b');
    const r2 = await run(['kernel', 'rerun', join(out1, 'manifest.json'), '--out', out2, '--no-progress']);
    expect(r2.code).toBe(0);
    expect(readFileSync(join(out2, 'curves.csv'))).toEqual(readFileSync(join(out1, 'curves.csv')));
    expect(readFileSync(join(out2, 'arrays.npz'))).toEqual(readFileSync(join(out1, 'arrays.npz')));
  });
});

describe('the installed bin', () => {
  it('runs the compiled CLI (npm run build must have run: CI does it through npm ci)', () => {
    expect(existsSync('dist/cli/main.js'), 'dist/ missing: run `npm run build`').toBe(true);
    const r = spawnSync(process.execPath, ['bin/learndyn.js', 'kernel', 'spectrum', '--dim', '10', '--max-degree', '5', '--json'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    // kernel.md G1, d = 10.
    const want = [1.0510541649, 1.0424185189e-1, 8.6356460072e-3, 6.1409980078e-4, 3.8248796288e-5, 2.1190601713e-6];
    j.eigenvalues.forEach((x: number, k: number) => expect(Math.abs(x / want[k] - 1)).toBeLessThan(1e-9));
    const bad = spawnSync(process.execPath, ['bin/learndyn.js', 'kernel', 'run', '--dim', '-5', '--samples', '10', '--energies', '1'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('missing parameters', () => {
  it('name the parameter and what it needs', async () => {
    const r = await run(['kernel', 'run', '--dim', '3', '--energies', '1']);
    expect(r.code).toBe(2);
    expect(r.err.trim()).toMatch(/^learndyn: missing samples \(required: an integer in \[1, 50000\]\)$/);
  });
});
