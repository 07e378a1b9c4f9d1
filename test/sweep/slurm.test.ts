// Real engines through the built CLI (dist/, as users and Slurm tasks run it): a `committee ode` sweep
// with --jobs 2 (worker threads) merges to the same bytes as the in-process --jobs 1 run; and on a real
// Slurm cluster (.ci/slurm-up.sh starts a one-node one), `sweep sbatch --submit` runs the job array,
// and its merge is byte-identical to the local one. Without Slurm the Slurm test skips with a message,
// and fails under CI=true.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cli } from './toy.js';

const ROOT = resolve(__dirname, '../..');
const BIN = join(ROOT, 'bin/learndyn.js');
const BUILT = existsSync(join(ROOT, 'dist/cli/sweep.js'));
const SPEC = {
  command: 'committee ode',
  base: { p: 2, k: 2, tMax: 50, tCount: 15, dim: 200 },
  grid: { lr: [0.5, 1] },
  zip: { noise: [0, 0.01], seed: [1, 2] },
};

function built(args: string[]): string {
  return execFileSync(process.execPath, [BIN, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function slurmReady(): { ok: boolean; why: string } {
  try {
    const state = execFileSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8', timeout: 10_000 }).trim();
    if (!/idle|mix|alloc/.test(state)) return { ok: false, why: `sinfo shows no usable node (${state || 'none'})` };
    execFileSync('sbatch', ['--version'], { encoding: 'utf8' });
    return { ok: true, why: '' };
  } catch (e) {
    return { ok: false, why: `no Slurm here (${(e as Error).message.split('\n')[0]}); start one with .ci/slurm-up.sh` };
  }
}

function mergedFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /^(table|summary|manifest|figure)/.test(f))
    .sort();
}

function expectSameMerge(a: string, b: string): void {
  const fa = mergedFiles(a);
  expect(fa).toEqual(mergedFiles(b));
  expect(fa).toContain('table.csv');
  for (const f of fa) expect(readFileSync(join(b, f)).equals(readFileSync(join(a, f))), f).toBe(true);
}

async function localMerged(dir: string, spec: string): Promise<string> {
  const out = join(dir, 'local');
  const r = await cli(['sweep', 'run', spec, '--out', out, '--no-progress']);
  expect(r.code, r.err).toBe(0);
  expect((await cli(['sweep', 'merge', out])).code).toBe(0);
  return out;
}

describe('sweeps of a real engine through the built CLI', () => {
  it('--jobs 2 (worker threads) gives the same cells and merge as --jobs 1 in-process', async () => {
    expect(BUILT, 'run `npm run build` first: the CLI runs dist/').toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'sweep-jobs-'));
    const spec = join(dir, 'spec.json');
    writeFileSync(spec, JSON.stringify(SPEC));
    const local = await localMerged(dir, spec);
    const pooled = join(dir, 'pooled');
    built(['sweep', 'run', spec, '--out', pooled, '--jobs', '2']);
    built(['sweep', 'merge', pooled]);
    expectSameMerge(local, pooled);
    const summary = readFileSync(join(local, 'summary.csv'), 'utf8').trim().split('\n');
    expect(summary).toHaveLength(5);
    expect(summary[0].startsWith('cell,lr,noise,seed,status,')).toBe(true);
    for (const row of summary.slice(1)) expect(row.split(',')[4]).toBe('Success');
  });

  const slurm = slurmReady();
  if (!slurm.ok) console.warn(`sweep Slurm test skipped: ${slurm.why}`);
  it.runIf(!slurm.ok && process.env.CI === 'true')('Slurm is required under CI (.ci/slurm-up.sh)', () => {
    throw new Error(`CI=true but ${slurm.why}`);
  });

  it.skipIf(!slurm.ok)(
    'sweep sbatch --submit runs the array on Slurm; the merge is byte-identical to a local run',
    async () => {
      expect(BUILT, 'run `npm run build` first: the Slurm tasks run dist/').toBe(true);
      const dir = mkdtempSync(join(tmpdir(), 'sweep-slurm-'));
      const spec = join(dir, 'spec.json');
      writeFileSync(spec, JSON.stringify(SPEC));
      const out = join(dir, 'slurm');
      const job = built(['sweep', 'sbatch', spec, '--out', out, '--shards', '3', '--max-parallel', '2', '--time', '00:10:00', '--submit']).trim();
      expect(job).toMatch(/^\d+$/);
      const script = readFileSync(join(out, 'sweep.sbatch'), 'utf8');
      expect(script).toMatch(/^#SBATCH --array=0-2%2$/m);
      expect(script).toContain(`${BIN} sweep run ${spec} --out ${out} --jobs 1 --shard "$SLURM_ARRAY_TASK_ID/3"`);
      const t0 = Date.now();
      while (execFileSync('squeue', ['-h', '-j', job], { encoding: 'utf8' }).trim() !== '') {
        if (Date.now() - t0 > 240_000) throw new Error(`Slurm job ${job} still queued after 240 s`);
        await new Promise((r) => setTimeout(r, 1000));
      }
      const status = JSON.parse(built(['sweep', 'status', out, '--json']));
      expect(status).toEqual({ cells: 4, done: 4, failed: 0, pending: 0 });
      expect(readdirSync(join(out, 'slurm')).length).toBe(3); // one log per array task
      built(['sweep', 'merge', out]);
      expectSameMerge(await localMerged(dir, spec), out);
    },
    300_000,
  );
});
