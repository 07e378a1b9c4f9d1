// `learndyn reproduce` entries of the kernel engine (kernel.md §9, §13): quick variants pass every
// check and write figure + data; the CLI runs one entry end to end.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kernelEntries } from '../../src/reproduce/kernel.js';
import { runReproduction } from '../../src/reproduce/index.js';
import { main } from '../../src/cli/main.js';

const root = mkdtempSync(join(tmpdir(), 'ld-repro-kernel-'));

describe('kernel reproductions (quick)', () => {
  for (const id of ['kernel-three-stages', 'kernel-two-kernels']) {
    it(`${id}: every check passes; figure, arrays and manifest written`, async () => {
      const entry = kernelEntries.find((e) => e.id === id);
      expect(entry).toBeDefined();
      const outDir = join(root, id);
      const run = await runReproduction(entry!, { outDir, quick: true });
      for (const c of run.checks) expect(c.pass, `${c.name}: ${c.value} vs ${c.expected}`).toBe(true);
      expect(run.passed).toBe(true);
      expect(run.checks.length).toBeGreaterThan(5);
      for (const f of ['figure.svg', 'figure.vl.json', 'manifest.json', 'arrays.npz', 'checks.json', 'curves.csv'])
        expect(existsSync(join(outDir, f)), f).toBe(true);
      const vl = JSON.parse(readFileSync(join(outDir, 'figure.vl.json'), 'utf8'));
      const panels = vl.hconcat ?? [vl];
      for (const p of panels) expect(p.data.values.length).toBeGreaterThan(10);
      const man = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8'));
      // Every array is named in the output vocabulary (a definition, not the fallback).
      for (const [name, doc] of Object.entries(man.arrays as Record<string, { definition: string }>))
        expect(doc.definition, name).not.toMatch(/see the figure/);
      expect(man.status).toBe('Success');
      expect(man.seed).toBe(0);
      expect(man.problem.reproduce).toBe(id);
    }, 120_000);
  }

  it('CLI: learndyn reproduce kernel-three-stages --quick --out DIR exits 0', async () => {
    const outDir = join(root, 'cli');
    let out = '';
    const code = await main(['reproduce', 'kernel-three-stages', '--quick', '--out', outDir, '--no-progress'], { out: (s) => (out += s), err: () => {} });
    expect(code).toBe(0);
    expect(out).toMatch(/checks pass/);
    expect(out).not.toMatch(/FAIL/);
    expect(existsSync(join(outDir, 'figure.svg'))).toBe(true);
  }, 120_000);
});
