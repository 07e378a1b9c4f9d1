// The output vocabulary (issue "One engine contract", item 7): for every computing command, the JSON
// array fields = the .npz keys = the .npy names, the CSV columns = the JSON's t-aligned 1-d arrays,
// a <name>BySeed array beside each mean over seeds, and a definition with a unit for every array.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { decodeNpz } from '../../src/io/npz.js';
import { describeArray } from '../../src/core/vocabulary.js';

const dir = mkdtempSync(join(tmpdir(), 'vocab-'));
const reducedCfg = join(dir, 'reduced.json');
writeFileSync(reducedCfg, JSON.stringify({ kind: 'lazy2', alpha: 0.5, tau: 1, gamma0: 1, h: [0, 0.9, 0, 1 / 6], eta: 0.05, tMax: 1 }));
const generalCfg = join(dir, 'general.json');
writeFileSync(generalCfg, JSON.stringify({ m: 2, alphaBar: 1, tau: 1, h: [0, 0.1, 0.5], phiHat: 'none', a0: [1, 1], eta: 0.1, tMax: 1 }));

const h3 = '0,0.9,0,0.16666666666666666';
const CASES: { name: string; args: string[]; bySeed: string[] }[] = [
  {
    name: 'kernel run',
    args: [
      'kernel',
      'run',
      '--dim',
      '10',
      '--samples',
      '60',
      '--energies',
      '0,0.5,0.5',
      '--noise-sd',
      '0.2',
      '--seeds',
      '2',
      '--t-count',
      '7',
      '--test-points',
      '200',
    ],
    bySeed: ['train', 'test'],
  },
  { name: 'kernel theory', args: ['kernel', 'theory', '--dim', '10', '--samples', '60', '--energies', '0,0.5,0.5', '--t-count', '7'], bySeed: [] },
  { name: 'committee ode', args: ['committee', 'ode', '--p', '2', '--k', '2', '--lr', '0.5', '--dim', '50', '--t-max', '2', '--t-count', '6'], bySeed: [] },
  {
    name: 'committee sgd',
    args: ['committee', 'sgd', '--p', '2', '--k', '2', '--lr', '0.5', '--dim', '50', '--t-max', '2', '--t-count', '6', '--seeds', '2'],
    bySeed: ['risk'],
  },
  { name: 'dmft run', args: ['dmft', 'run', '--m', '4', '--alpha', '0.3', '--tau', '0.6', '--h', h3, '--eta', '0.1', '--t-max', '1'], bySeed: [] },
  {
    name: 'dmft run --simulate-dim',
    args: [
      'dmft',
      'run',
      '--m',
      '4',
      '--alpha',
      '0.3',
      '--tau',
      '0.6',
      '--h',
      h3,
      '--eta',
      '0.1',
      '--t-max',
      '1',
      '--simulate-dim',
      '20',
      '--simulate-seeds',
      '2',
    ],
    bySeed: ['simTrainError', 'simTestError'],
  },
  {
    name: 'dmft run --reduced',
    args: ['dmft', 'run', '--reduced', 'lazy2', '--alpha', '0.5', '--tau', '1', '--gamma0', '1', '--h', h3, '--eta', '0.05', '--t-max', '1'],
    bySeed: [],
  },
  {
    name: 'dmft simulate',
    args: ['dmft', 'simulate', '--m', '4', '--alpha', '0.3', '--dim', '20', '--tau', '0.6', '--h', h3, '--t-max', '1', '--seeds', '2', '--threads', '1'],
    bySeed: ['trainError', 'testError', 'a', 'v', 'Co'],
  },
  { name: 'dmft reduced', args: ['dmft', 'reduced', '--config', reducedCfg], bySeed: [] },
  { name: 'dmft general', args: ['dmft', 'general', '--config', generalCfg], bySeed: [] },
];

async function run(args: string[]) {
  let out = '';
  let err = '';
  const code = await main([...args], { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

const isNumbers = (v: unknown): v is number[] => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number' || x === null);
const isRows = (v: unknown): v is number[][] => Array.isArray(v) && v.length > 0 && v.every(isNumbers);

describe('one output vocabulary across --json, .npz, .npy and curves.csv', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const out = join(dir, c.name.replace(/[^a-z]+/g, '-'));
      const r = await run([...c.args, '--no-progress', '--json', '--out', out]);
      expect(r.code, r.err).toBe(0);
      const j = JSON.parse(r.out) as Record<string, unknown>;
      const jsonArrays = Object.keys(j)
        .filter((k) => isNumbers(j[k]) || isRows(j[k]))
        .sort();
      const npz = Object.keys(decodeNpz(new Uint8Array(readFileSync(join(out, 'arrays.npz'))))).sort();
      const npy = readdirSync(out)
        .filter((f) => f.endsWith('.npy'))
        .map((f) => f.slice(0, -4))
        .sort();
      expect(npz).toEqual(npy);
      expect(jsonArrays).toEqual(npz);
      // curves.csv: exactly the JSON's 1-d arrays of the length of t.
      const T = (j.t as number[]).length;
      const header = readFileSync(join(out, 'curves.csv'), 'utf8').split('\n')[0].split(',').sort();
      expect(header).toEqual(jsonArrays.filter((k) => isNumbers(j[k]) && (j[k] as number[]).length === T).sort());
      for (const name of c.bySeed) {
        expect(npz, `${name}BySeed`).toContain(`${name}BySeed`);
        const rows = j[`${name}BySeed`] as number[][];
        const mean = j[name] as number[];
        expect(rows[0].length).toBe(mean.length);
        // The mean is the mean of the per-seed rows.
        const i = mean.length - 1;
        expect(mean[i]).toBeCloseTo(rows.reduce((s, row) => s + row[i], 0) / rows.length, 12);
      }
      // Every array has a definition and a unit in the manifest.
      const man = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
      for (const name of npz) {
        expect(man.arrays[name], name).toBeDefined();
        expect(man.arrays[name].definition, name).not.toMatch(/see the figure/);
      }
    });
  }

  it('derived names resolve to their base definitions', () => {
    expect(describeArray('trainBySeed')!.definition).toMatch(/^per seed/);
    expect(describeArray('riskSE')!.definition).toMatch(/standard error/);
    expect(describeArray('simTestError')!.definition).toMatch(/simulation beside/);
    expect(describeArray('testSEKernelB')!.definition).toMatch(/kernel B/);
    expect(describeArray('noSuchArray')).toBeUndefined();
  });
});
