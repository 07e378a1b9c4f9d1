// --out is checked before anything runs: a path under a file, or a file itself, is bad input (exit 2,
// one line naming the parameter), and nothing is created; a new nested folder is fine.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkOutDir } from '../../src/cli/common.js';
import { main } from '../../src/cli/main.js';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

describe('--out DIR validation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ld-outdir-'));
  const file = join(dir, 'a-file');
  writeFileSync(file, 'x');
  const ode = ['committee', 'ode', '--p', '2', '--k', '2', '--lr', '0.5', '--t-max', '10', '--t-count', '11', '--no-progress'];

  it.each([
    ['a path under a file', join(file, 'sub')],
    ['an existing file', file],
  ])('%s → exit 2 with one line, nothing created', async (_what, out) => {
    const r = await run([...ode, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^learndyn: invalid out: .* \(allowed: a folder that can be created and written/);
    expect(r.out).toBe('');
  });

  it('reproduce checks its --out too, before running', async () => {
    const r = await run(['reproduce', 'kernel-three-stages', '--quick', '--out', join(file, 'x'), '--no-progress']);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n').pop()).toMatch(/invalid out/);
  });

  it('a new nested folder passes and is created by the run', async () => {
    const out = join(dir, 'new', 'nested');
    expect(() => checkOutDir(out)).not.toThrow();
    expect(existsSync(out)).toBe(false); // the check creates nothing
    const r = await run([...ode, '--out', out]);
    expect(r.code).toBe(0);
    expect(existsSync(join(out, 'figure.svg'))).toBe(true);
  });
});
