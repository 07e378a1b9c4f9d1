// The `learndyn sweep …` commands of README's "Sweeps and clusters" section run as written (paths of
// the output folders moved to a temporary folder; `--submit` lines need Slurm: slurm.test.ts).
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cli } from './toy.js';

const ROOT = resolve(__dirname, '../..');

describe('README: Sweeps and clusters', () => {
  it('every sweep command of the section runs (exit 0) in the documented order', async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const sec = readme.slice(readme.indexOf('## Sweeps and clusters'), readme.indexOf('## Figures'));
    const lines = sec
      .replace(/\\\n\s*/g, ' ')
      .split('\n')
      .filter((l) => l.startsWith('npx learndyn sweep') && !l.includes('--submit'))
      .map((l) => l.replace(/\s+#.*$/, '').trim());
    expect(lines.length).toBeGreaterThanOrEqual(4);
    const tmp = mkdtempSync(join(tmpdir(), 'sweep-readme-'));
    for (const line of lines) {
      const args = line
        .split(/\s+/)
        .slice(2)
        .map((a) => (a.startsWith('examples/') ? join(ROOT, a) : a === 'phase' || a === '/shared/phase' ? join(tmp, 'phase') : a));
      const r = await cli(args);
      expect(r.code, `${line}\n${r.err}`).toBe(0);
      if (args[1] === 'status') {
        // The cell count of the example spec (its grid's product), not a number copied here.
        const spec = JSON.parse(readFileSync(join(ROOT, 'examples/sweeps/committee-phase.json'), 'utf8')) as { grid: Record<string, unknown[]> };
        const n = Object.values(spec.grid).reduce((p, v) => p * v.length, 1);
        expect(JSON.parse(r.out)).toEqual({ cells: n, done: n, failed: 0, pending: 0 });
      }
    }
    expect(existsSync(join(tmp, 'phase', 'figure-heatmap.svg'))).toBe(true);
    expect(readFileSync(join(tmp, 'phase', 'sweep.sbatch'), 'utf8')).toMatch(/#SBATCH --array=0-7%4/);
  });
});
