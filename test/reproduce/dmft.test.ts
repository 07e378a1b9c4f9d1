// `learndyn reproduce` dmft entries (src/reproduce/dmft.ts): each quick variant runs, every check passes,
// and the folder holds the figure, the arrays and the manifest.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dmftEntries } from '../../src/reproduce/dmft.js';
import { runReproduction } from '../../src/reproduce/index.js';

const IDS = [
  'dmft-fig2',
  'dmft-fig3',
  'dmft-fig4',
  'dmft-fig5',
  'dmft-lazy-closed-forms',
  'dmft-gd-comparison',
  'dmft-interpolation-threshold',
  'dmft-finite-d',
];

describe('dmft reproductions (quick variants)', () => {
  it('registers the eight entries with the expected ids', () => {
    expect(dmftEntries.map((e) => e.id)).toEqual(IDS);
    for (const e of dmftEntries) {
      expect(e.engine).toBe('dmft');
      expect(e.fullTime).toMatch(/min/);
    }
  });
  for (const entry of dmftEntries) {
    it(`${entry.id}: all checks pass, figure + data + manifest written`, async () => {
      const dir = mkdtempSync(join(tmpdir(), `ld-${entry.id}-`));
      const fractions: number[] = [];
      const run = await runReproduction(entry, { outDir: dir, quick: true, progress: (f) => fractions.push(f) });
      const failed = run.checks.filter((c) => !c.pass).map((c) => `${c.name}: ${c.value} vs ${c.expected}`);
      expect(failed).toEqual([]);
      expect(run.passed).toBe(true);
      expect(run.checks.length).toBeGreaterThan(5);
      for (const c of run.checks) {
        expect(c.source).toMatch(/dmft\.md/);
        expect(Number.isFinite(c.value)).toBe(true);
      }
      for (const f of ['figure.svg', 'figure.vl.json', 'manifest.json', 'arrays.npz', 'checks.json']) expect(existsSync(join(dir, f)), f).toBe(true);
      const man = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
      // Every array is named in the output vocabulary (a definition, not the fallback).
      for (const [name, doc] of Object.entries(man.arrays as Record<string, { definition: string }>))
        expect(doc.definition, name).not.toMatch(/see the figure/);
      expect(man.status).toBe('Success');
      expect(man.problem.reproduce).toBe(entry.id);
      expect(man.problem.quick).toBe(true);
      expect(readFileSync(join(dir, 'figure.svg'), 'utf8')).toMatch(/<svg/);
      expect(fractions.length).toBeGreaterThan(0);
      expect(fractions.every((f) => f >= 0 && f <= 1)).toBe(true);
      expect(run.wallMs).toBeLessThan(60_000);
    }, 120_000);
  }
});
