// `learndyn reproduce` entries added for issue 13 (kernel-extra.ts, committee-extra.ts, dmft-fig1.ts):
// each quick variant passes every check and writes figure + data, and every array is named in the
// output vocabulary.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findReproduction, runReproduction } from '../../src/reproduce/index.js';

const root = mkdtempSync(join(tmpdir(), 'ld-repro-extra-'));

const IDS = [
  'kernel-oracle-staircase',
  'kernel-degree-split',
  'kernel-three-stages-large',
  'committee-fig2-left',
  'committee-fig3-right',
  'committee-phase-diagram',
  'dmft-fig1',
];

describe('issue-13 reproductions (quick)', () => {
  for (const id of IDS) {
    it(`${id}: every check passes; figure, arrays and manifest written`, async () => {
      const entry = findReproduction(id);
      expect(entry, id).toBeDefined();
      const outDir = join(root, id);
      const run = await runReproduction(entry!, { outDir, quick: true });
      for (const c of run.checks) expect(c.pass, `${c.name}: ${c.value} vs ${c.expected}`).toBe(true);
      expect(run.passed).toBe(true);
      expect(run.checks.length).toBeGreaterThan(4);
      for (const f of ['figure.svg', 'figure.vl.json', 'manifest.json', 'arrays.npz', 'checks.json']) expect(existsSync(join(outDir, f)), f).toBe(true);
      const vl = JSON.parse(readFileSync(join(outDir, 'figure.vl.json'), 'utf8'));
      const panels = vl.hconcat ?? vl.vconcat ?? vl.concat ?? [vl];
      for (const p of panels) expect(p.data.values.length).toBeGreaterThan(3);
      const man = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8'));
      // Every array is named in the output vocabulary (a definition, not the fallback).
      for (const [name, doc] of Object.entries(man.arrays as Record<string, { definition: string }>))
        expect(doc.definition, name).not.toMatch(/see the figure/);
      expect(man.status).toBe('Success');
      expect(man.problem.reproduce).toBe(id);
    }, 120_000);
  }
});
