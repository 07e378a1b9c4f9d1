// Sweep specs: expansion order (grid = nested loops in key order, zip in lockstep as the innermost
// loop), stable cell ids, and every kind of bad input refused with one line before anything runs.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandAxes, expandSweep, parseShard, parseSpecText, SweepSpecError } from '../../src/sweep/spec.js';
import { cli, TEST_ENGINES } from './toy.js';

describe('sweep spec expansion', () => {
  it('grid is a Cartesian product (first key slowest), zip lockstep crossed as the innermost loop', () => {
    const rows = expandAxes({ command: 'toy decay', base: {}, grid: { a: [1, 2], b: ['x', 'y', 'z'] }, zip: { c: [10, 20], d: [0.1, 0.2] } });
    expect(rows).toHaveLength(2 * 3 * 2);
    // Independent enumeration by nested loops.
    const want: Record<string, unknown>[] = [];
    for (const a of [1, 2]) for (const b of ['x', 'y', 'z']) for (let i = 0; i < 2; i++) want.push({ a, b, c: [10, 20][i], d: [0.1, 0.2][i] });
    expect(rows).toEqual(want);
    expect(expandAxes({ command: 'toy decay', base: {}, grid: {}, zip: {} })).toEqual([{}]);
  });

  it('cells carry base ∪ axes; ids depend only on the resolved problem', async () => {
    const a = await expandSweep({ command: 'toy decay', base: { count: 3 }, grid: { rate: [0.5, 1] } }, TEST_ENGINES);
    expect(a.cells.map((c) => c.params)).toEqual([
      { count: 3, rate: 0.5 },
      { count: 3, rate: 1 },
    ]);
    // The same problem reached another way (default y0 written out, key as the kebab flag, zip instead of grid).
    const b = await expandSweep({ command: 'toy decay', base: { y0: 1 }, zip: { rate: [1, 0.5], count: ['3', 3] } }, TEST_ENGINES);
    expect(b.cells.map((c) => c.id)).toEqual([a.cells[1].id, a.cells[0].id]);
    expect(new Set(a.cells.map((c) => c.id)).size).toBe(2);
    expect(a.specHash).not.toBe(b.specHash);
    expect(a.cells[0].memoryBytes).toBe(3 * 8 * 1024 ** 2);
  });

  it('YAML specs parse like JSON', async () => {
    const y = await parseSpecText('command: toy decay\nbase:\n  count: 3\ngrid:\n  rate: [0.5, 1]\n', 's.yaml');
    expect(y).toEqual({ command: 'toy decay', base: { count: 3 }, grid: { rate: [0.5, 1] } });
  });

  it('shards parse as I/N with 0 ≤ I < N', () => {
    expect(parseShard('2/5')).toEqual({ index: 2, count: 5 });
    for (const bad of ['5/5', '1', '-1/2', 'a/b', '0/0']) expect(() => parseShard(bad), bad).toThrow();
  });
});

describe('bad sweep input: exit 2, one line naming it, nothing run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sweep-spec-'));
  const cases: [string, unknown, RegExp][] = [
    ['unknown command', { command: 'toy nope', grid: { rate: [1] } }, /unknown command "toy nope"/],
    ['unknown key', { command: 'toy decay', base: { rate: 1 }, grid: { speed: [1] } }, /unknown key "speed" in "grid"/],
    ['unknown top-level key', { command: 'toy decay', griid: {} }, /unknown key "griid"/],
    ['empty axis', { command: 'toy decay', grid: { rate: [] } }, /grid\.rate is an empty axis/],
    ['unequal zip', { command: 'toy decay', base: { rate: 1 }, zip: { count: [1, 2], y0: [1] } }, /unequal lengths \(count: 2, y0: 1\)/],
    [
      'a value the schema refuses, named with its cell axes',
      { command: 'toy decay', grid: { rate: [0.5, -2], count: [4] } },
      /^learndyn: sweep cell 1 \(rate=-2, count=4\): invalid rate: -2 \(allowed: a number > 0\)$/,
    ],
    ['a key of a sibling command', { command: 'committee ode', base: { p: 2, k: 2, lr: 1 }, grid: { seeds: [2] } }, /unknown key "seeds"/],
    ['the same problem twice', { command: 'toy decay', zip: { rate: [1, 1] } }, /same problem as cell 0/],
  ];
  for (const [name, spec, re] of cases)
    it(name, async () => {
      const p = join(dir, `${name.replace(/\W+/g, '-')}.json`);
      writeFileSync(p, JSON.stringify(spec));
      const out = join(dir, `out-${name.replace(/\W+/g, '-')}`);
      const r = await cli(['sweep', 'run', p, '--out', out]);
      expect(r.code).toBe(2);
      const lines = r.err.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(re);
      expect(existsSync(join(out, 'cells'))).toBe(false);
    });

  it('an unreadable spec and invalid JSON', async () => {
    expect((await cli(['sweep', 'run', join(dir, 'missing.json'), '--out', join(dir, 'o')])).code).toBe(2);
    const p = join(dir, 'bad.json');
    writeFileSync(p, '{"command": ');
    const r = await cli(['sweep', 'run', p, '--out', join(dir, 'o')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/invalid JSON/);
    await expect(expandSweep({ command: 3 }, TEST_ENGINES)).rejects.toBeInstanceOf(SweepSpecError);
  });
});
