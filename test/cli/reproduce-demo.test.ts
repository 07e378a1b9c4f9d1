// `learndyn reproduce --list` / unknown id (issue 5) and `learndyn demo` (npm run demo).
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { REPRODUCTIONS } from '../../src/reproduce/index.js';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

// Every figure the specs list as reproducible (issue 5, item 3).
const REQUIRED = [
  'kernel-three-stages',
  'kernel-two-kernels',
  'committee-saad-solla-plateau',
  'committee-dimension-independence',
  'committee-noise-plateaus',
  'committee-mean-field',
  'dmft-fig2',
  'dmft-fig3',
  'dmft-fig4',
  'dmft-fig5',
  'dmft-lazy-closed-forms',
  'dmft-gd-comparison',
  'dmft-interpolation-threshold',
];

describe('learndyn reproduce', () => {
  it('--list names every reproducible figure with its source and full run time', async () => {
    const r = await run(['reproduce', '--list']);
    expect(r.code).toBe(0);
    for (const id of REQUIRED) expect(r.out).toMatch(new RegExp(`^${id} `, 'm'));
    expect(r.out.trim().split('\n')).toHaveLength(REPRODUCTIONS.length);
    for (const e of REPRODUCTIONS) {
      expect(e.source).toMatch(/\.md/);
      expect(e.fullTime.length).toBeGreaterThan(0);
    }
    expect(new Set(REPRODUCTIONS.map((e) => e.id)).size).toBe(REPRODUCTIONS.length);
  });

  it('an unknown id is one error line pointing at --list, exit 2', async () => {
    const r = await run(['reproduce', 'fig-99']);
    expect(r.code).toBe(2);
    expect(r.err).toBe('learndyn: unknown id fig-99 (`learndyn reproduce --list` lists them)\n');
    expect(r.out).toBe('');
  });
});

describe('learndyn demo', () => {
  it('writes a kernel and a committee folder with figures and says where', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ld-demo-'));
    const r = await run(['demo', '--out', dir, '--no-progress']);
    expect(r.code).toBe(0);
    for (const sub of ['kernel', 'committee']) {
      for (const f of ['figure.svg', 'figure.png', 'figure.vl.json', 'manifest.json', 'arrays.npz', 'curves.csv'])
        expect(existsSync(join(dir, sub, f))).toBe(true);
      expect(r.out).toContain(join(dir, sub, 'figure.svg'));
    }
    expect(readFileSync(join(dir, 'kernel', 'figure.svg'), 'utf8')).toContain('>t₂<');
    expect(r.out).toMatch(/plateau at R − Δ\/2 ≈ /);
  });
});
