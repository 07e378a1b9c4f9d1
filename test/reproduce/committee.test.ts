// `learndyn reproduce` entries of the committee engine (committee.md §10): quick variants pass every
// check (the spec's closed forms and agreement bounds) and write figure + data.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { committeeEntries } from '../../src/reproduce/committee.js';
import { runReproduction } from '../../src/reproduce/index.js';

const root = mkdtempSync(join(tmpdir(), 'ld-repro-committee-'));

describe('committee reproductions (quick)', () => {
  const ids = ['committee-saad-solla-plateau', 'committee-dimension-independence', 'committee-noise-plateaus', 'committee-mean-field'];
  it('registers the four entries', () => {
    expect(committeeEntries.map((e) => e.id)).toEqual(ids);
  });
  for (const id of ids) {
    it(`${id}: every check passes; figure, arrays and manifest written`, async () => {
      const entry = committeeEntries.find((e) => e.id === id)!;
      const outDir = join(root, id);
      const run = await runReproduction(entry, { outDir, quick: true });
      for (const c of run.checks) expect(c.pass, `${c.name}: ${c.value} vs ${c.expected}`).toBe(true);
      expect(run.passed).toBe(true);
      expect(run.checks.length).toBeGreaterThan(3);
      for (const f of ['figure.svg', 'figure.vl.json', 'manifest.json', 'arrays.npz', 'checks.json']) expect(existsSync(join(outDir, f)), f).toBe(true);
      const vl = JSON.parse(readFileSync(join(outDir, 'figure.vl.json'), 'utf8'));
      const panels = vl.hconcat ?? [vl];
      for (const p of panels) expect(p.data.values.length).toBeGreaterThan(10);
      const man = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8'));
      // Every array is named in the output vocabulary (a definition, not the fallback).
      for (const [name, doc] of Object.entries(man.arrays as Record<string, { definition: string }>))
        expect(doc.definition, name).not.toMatch(/see the figure/);
      expect(man.status).toBe('Success');
      expect(man.problem.reproduce).toBe(id);
    }, 120_000);
  }
});
