// Issue 10 in-process: output folders (ownership, --force, atomic replacement, the --out probe),
// inputs checked on every path before allocation, finite-or-flagged results, one line per error.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { decodePart, encodePart, probeOutDir, replaceFolder } from '../../src/io/folder.js';
import { readJsonFile } from '../../src/cli/common.js';
import { ParameterError } from '../../src/core/validate.js';
import { solveReduced } from '../../src/dmft/reduced.js';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

const ode = ['committee', 'ode', '--p', '2', '--k', '2', '--lr', '0.5', '--t-max', '10', '--t-count', '11', '--no-progress'];
const theory = ['kernel', 'theory', '--dim', '10', '--samples', '50', '--energies', '0,1', '--t-count', '11', '--no-progress'];

/** One error line "learndyn: …", no stack trace. */
function oneLine(err: string): void {
  expect(err.endsWith('\n')).toBe(true);
  expect(err.trimEnd().split('\n')).toHaveLength(1);
  expect(err).toMatch(/^learndyn: /);
  expect(err).not.toMatch(/\n\s+at /);
}

describe('output folders', () => {
  const root = mkdtempSync(join(tmpdir(), 'ld-robust-'));

  it("a folder of another command's run is refused (exit 2, untouched); --force replaces only its listed files", async () => {
    const dir = join(root, 'shared');
    expect((await run([...ode, '--out', dir])).code).toBe(0);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const before = readdirSync(dir).sort();
    const manifest = readFileSync(join(dir, 'manifest.json'), 'utf8');
    const r = await run([...theory, '--out', dir]);
    expect(r.code).toBe(2);
    oneLine(r.err);
    expect(r.err).toMatch(/committee ode/);
    expect(readdirSync(dir).sort()).toEqual(before);
    expect(readFileSync(join(dir, 'manifest.json'), 'utf8')).toBe(manifest);

    const f = await run([...theory, '--out', dir, '--force']);
    expect(f.code).toBe(0);
    const after = readdirSync(dir);
    expect(after).toContain('notes.txt'); // not listed by the old manifest: kept
    expect(after).not.toContain('Q.npy'); // listed by the old manifest: removed
    expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).command.slice(1, 3)).toEqual(['kernel', 'theory']);
    // no temporary or old siblings left behind
    expect(readdirSync(root).filter((x) => x.startsWith('.'))).toEqual([]);
  });

  it('the same command may rewrite its folder; a folder of unrelated files is refused', async () => {
    const dir = join(root, 'same');
    expect((await run([...ode, '--out', dir])).code).toBe(0);
    expect((await run([...ode, '--out', dir])).code).toBe(0);
    const other = join(root, 'photos');
    mkdirSync(other);
    writeFileSync(join(other, 'a.jpg'), 'x');
    const r = await run([...ode, '--out', other]);
    expect(r.code).toBe(2);
    oneLine(r.err);
    expect(readdirSync(other)).toEqual(['a.jpg']);
  });

  it('a failed write leaves the previous complete folder (atomic replacement)', async () => {
    const dir = join(root, 'atomic');
    await replaceFolder(dir, new Map([['a.txt', new TextEncoder().encode('one')]]));
    const bad = new Map<string, Uint8Array>([
      ['a.txt', new TextEncoder().encode('two')],
      ['b.txt', 42 as unknown as Uint8Array],
    ]);
    await expect(replaceFolder(dir, bad)).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(['a.txt']);
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('one');
    expect(readdirSync(root).filter((x) => x.startsWith('.'))).toEqual([]);
  });

  it('--out is probed before any work: an unwritable place is exit 2 at once, nothing created', async () => {
    if (existsSync('/proc/self')) {
      const r = await run([...ode, '--out', '/proc/learndyn-x']);
      expect(r.code).toBe(2);
      oneLine(r.err);
      expect(r.out).toBe('');
    }
    await expect(probeOutDir(join(root, 'new', 'deeper'))).resolves.toBeUndefined();
    expect(existsSync(join(root, 'new'))).toBe(false);
  });

  it('--resume and --force need --out; --resume needs a folder of the same command and parameters', async () => {
    for (const flag of ['--resume', '--force']) {
      const r = await run([...ode, flag]);
      expect(r.code).toBe(2);
      oneLine(r.err);
    }
    const dir = join(root, 'resume');
    const missing = await run([...ode, '--out', dir, '--resume']);
    expect(missing.code).toBe(2);
    oneLine(missing.err);
    const args = ['kernel', 'run', '--dim', '10', '--samples', '40', '--energies', '0,1', '--seeds', '2', '--t-count', '11', '--no-progress'];
    expect((await run([...args, '--out', dir])).code).toBe(0);
    // a finished run keeps no partial results; resuming it recomputes to the same arrays
    expect(existsSync(join(dir, 'partial'))).toBe(false);
    const train = readFileSync(join(dir, 'train.npy'));
    expect((await run([...args, '--out', dir, '--resume'])).code).toBe(0);
    expect(Buffer.compare(readFileSync(join(dir, 'train.npy')), train)).toBe(0);
    const other = await run([...theory, '--out', dir, '--resume']);
    expect(other.code).toBe(2);
    oneLine(other.err);
  });

  it('parts round-trip bit-exactly (typed arrays, NaN, ±∞, -0)', () => {
    const part = { seed: 3, train: Float64Array.from([1 / 3, NaN, -0, 5e-324]), x: [Infinity, -Infinity, 0.1], nested: { y: Float64Array.from([Math.PI]) } };
    const back = decodePart(encodePart(part)) as typeof part;
    expect(Buffer.compare(Buffer.from(back.train.buffer), Buffer.from(part.train.buffer))).toBe(0);
    expect(back.x).toEqual(part.x);
    expect(back.nested.y[0]).toBe(Math.PI);
    expect(back.seed).toBe(3);
  });
});

describe('every path validated before allocation (exit 2, one line)', () => {
  const root = mkdtempSync(join(tmpdir(), 'ld-valid-'));
  const general = (obj: Record<string, unknown>) => {
    const p = join(root, `g-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(p, JSON.stringify({ m: 2, alphaBar: 1, tau: 0.5, h: [0, 1], a0: [1, 1], eta: 0.1, tMax: 1, ...obj }));
    return p;
  };
  const sim = ['dmft', 'simulate', '--dim', '10', '--m', '4', '--alpha', '0.3', '--tau', '0.6', '--h', '0,0.9'];
  it.each([
    ['kernel spec exp:', ['kernel', 'run', '--dim', '10', '--samples', '50', '--energies', '0,1', '--kernel', 'exp:'], /exp:/],
    ['kernel spec exp:0', ['kernel', 'run', '--dim', '10', '--samples', '50', '--energies', '0,1', '--kernel', 'exp:0'], /> 0/],
    ['kernel noise beyond 1e100', ['kernel', 'run', '--dim', '10', '--samples', '50', '--energies', '0,1', '--noise-sd', '1e308'], /1e100/],
    ['committee noise beyond 1e100', ['committee', 'ode', '--p', '2', '--k', '2', '--lr', '0.5', '--noise', '1e308'], /1e100/],
    [
      'reduced DMFT step count',
      ['dmft', 'run', '--reduced', 'lazy1', '--alpha', '0.5', '--tau', '1', '--gamma0', '1', '--h', '0,0.3,0.5', '--eta', '0.1', '--t-max', '1e9'],
      /1e7 steps/,
    ],
    [
      'reduced DMFT γ₀ overflow',
      ['dmft', 'run', '--reduced', 'lazy1', '--alpha', '0.5', '--tau', '1', '--gamma0', '1e308', '--h', '0,0.3,0.5', '--eta', '0.1', '--t-max', '10'],
      /gamma0/,
    ],
    [
      '--simulate-seeds without --simulate-dim',
      ['dmft', 'run', '--alpha', '0.5', '--tau', '1', '--h', '0,0.3,0.5', '--m', '8', '--eta', '0.1', '--t-max', '1', '--simulate-seeds', 'abc'],
      /simulate-dim/,
    ],
    ['--config empty', ['kernel', 'run', '--config', ''], /config/],
    ['dmft simulate batch > n', [...sim, '--optimizer', 'sgd', '--batch', '100000', '--steps', '5'], /batch/],
    ['dmft simulate steps 0', [...sim, '--steps', '0'], /steps/],
  ])('%s', async (_what, args, msg) => {
    const dir = join(root, `out-${Math.random().toString(36).slice(2)}`);
    const r = await run([...(args as string[]), '--no-progress', '--out', dir]);
    expect(r.code).toBe(2);
    oneLine(r.err);
    expect(r.err).toMatch(msg as RegExp);
    expect(existsSync(dir)).toBe(false);
  });

  it('dmft general: a non-symmetric or indefinite C0 and a wrong-length v0 are refused', async () => {
    for (const [cfg, msg] of [
      [
        {
          C0: [
            [1, 0.5],
            [0.2, 1],
          ],
        },
        /symmetric/,
      ],
      [
        {
          C0: [
            [1, 2],
            [2, 1],
          ],
        },
        /semi-definite/,
      ],
      [{ v0: [0.1] }, /v0/],
    ] as const) {
      const r = await run(['dmft', 'general', '--config', general(cfg), '--no-progress']);
      expect(r.code).toBe(2);
      oneLine(r.err);
      expect(r.err).toMatch(msg);
    }
  });

  it('JSON parse errors name the file, line and column on one line', async () => {
    const p = join(root, 'broken.json');
    writeFileSync(p, '{\n  "dim": 10,\n  "samples": 50 x\n}\n');
    expect(() => readJsonFile('config', p, 'JSON file')).toThrow(ParameterError);
    const r = await run(['kernel', 'run', '--config', p, '--no-progress']);
    expect(r.code).toBe(2);
    oneLine(r.err);
    expect(r.err).toContain(p);
    expect(r.err).toMatch(/line 3, column \d+/);
  });

  it("commander's suggestion is on the error's line", async () => {
    const r = await run(['kernel', 'run', '--dimm', '3']);
    expect(r.code).toBe(2);
    oneLine(r.err);
    expect(r.err).toMatch(/Did you mean --dim\?/);
  });
});

describe('finite or flagged', () => {
  it('kernel GD beyond 2n/λ_max: Unstable with a note naming the bound; no GD curve with Inf/NaN', async () => {
    const r = await run(['kernel', 'run', '--dim', '10', '--samples', '50', '--energies', '0,0.5,0.5', '--gd-lr', '1e6', '--json', '--no-progress']);
    expect(r.code).toBe(4);
    const j = JSON.parse(r.out);
    expect(j.status).toBe('Unstable');
    expect(j.message).toMatch(/2n\/λ_max/);
    // the overflowing GD curves are left out; one that stays finite may remain (it diverges visibly)
    expect(j.gdTrain === undefined || j.gdTest === undefined).toBe(true);
    for (const k of ['gdTrain', 'gdTest']) if (j[k] !== undefined) expect((j[k] as (number | null)[]).every((x) => x !== null)).toBe(true);
    for (const k of ['train', 'test', 'theoryTrain', 'theoryTest', 'oracle']) expect((j[k] as (number | null)[]).every((x) => x !== null)).toBe(true);
  });

  it('a reduced system whose curves overflow is never Success: Unstable, cut before the first non-finite row', () => {
    // γ₀ at the top of its range: γ₀² h(1) stays finite, e(t) too; the status is Success only with finite curves.
    const s = solveReduced({ kind: 'lazy1', alpha: 0.5, tau: 1, gamma0: 1e100, h: [0, 0.3, 0.5], eta: 0.5, tMax: 5 });
    const curves = [s.t, s.trainError, s.testError ?? []];
    if (s.status === 'Success') for (const c of curves) expect(c.every(Number.isFinite)).toBe(true);
    else {
      expect(s.status).toBe('Unstable');
      for (const c of curves) expect(c.every(Number.isFinite)).toBe(true);
    }
  });
});
