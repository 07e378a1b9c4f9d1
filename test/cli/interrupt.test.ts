// Interruption contract with real processes (bin/learndyn.js → dist/): SIGINT/SIGTERM during a run
// with --out stops it within 2 s, writes what was finished with "status": "Terminated" in the
// manifest, exits 130; `--resume` with the same command and folder continues (finished seeds are not
// recomputed) and its final arrays are byte-identical to an uninterrupted run's.
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = 'bin/learndyn.js';

/** Start a run, send `signal` once `ready(stderr so far)` holds (polled), resolve with exit code and stop delay. */
function interrupt(args: string[], ready: (err: string) => boolean, signal: NodeJS.Signals): Promise<{ code: number | null; stopMs: number; err: string }> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (b) => (err += b));
    let sentAt = 0;
    const poll = setInterval(() => {
      if (sentAt === 0 && ready(err)) {
        sentAt = performance.now();
        child.kill(signal);
      }
    }, 50);
    child.on('error', rej);
    child.on('exit', (code) => {
      clearInterval(poll);
      res({ code, stopMs: sentAt ? performance.now() - sentAt : NaN, err });
    });
  });
}

function run(args: string[]): number | null {
  return spawnSync(process.execPath, [bin, ...args], { stdio: 'ignore' }).status;
}

function npyFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.npy'))
    .sort();
}

function expectSameArrays(a: string, b: string): void {
  expect(npyFiles(a)).toEqual(npyFiles(b));
  for (const f of npyFiles(a)) expect(Buffer.compare(readFileSync(join(a, f)), readFileSync(join(b, f))), f).toBe(0);
}

describe('interruption with real signals', () => {
  const root = mkdtempSync(join(tmpdir(), 'ld-interrupt-'));

  it('dist/ is built', () => {
    expect(existsSync('dist/cli/main.js'), 'dist/ missing: run `npm run build`').toBe(true);
  });

  it('kernel run: SIGINT after the first seed → Terminated with that seed, exit 130; --resume = uninterrupted run', async () => {
    const args = ['kernel', 'run', '--dim', '20', '--samples', '700', '--energies', '0,0.5,0.5', '--seeds', '4', '--t-count', '31', '--no-progress'];
    const dir = join(root, 'kernel');
    const first = join(dir, 'partial', 'part-000000.json');
    const r = await interrupt([...args, '--out', dir], () => existsSync(first), 'SIGINT');
    expect(r.code).toBe(130);
    expect(r.stopMs).toBeLessThan(2000 * 2.5); // 2 s contract; margin for a loaded CI machine
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(m.status).toBe('Terminated');
    expect(m.stats.seedsCompleted).toBeGreaterThanOrEqual(1);
    expect(m.stats.seedsCompleted).toBeLessThan(4);
    expect(existsSync(join(dir, 'trainBySeed.npy'))).toBe(true);
    const done = readdirSync(join(dir, 'partial')).length;
    expect(done).toBe(m.stats.seedsCompleted);

    expect(run([...args, '--out', dir, '--resume'])).toBe(0);
    const m2 = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(m2.status).toBe('Success');
    expect(existsSync(join(dir, 'partial'))).toBe(false); // a finished run keeps no partial results
    const ref = join(root, 'kernel-ref');
    expect(run([...args, '--out', ref])).toBe(0);
    expectSameArrays(dir, ref);
  }, 240_000);

  it('committee sgd: SIGTERM mid-run → Terminated, exit 130; --resume continues the replicates bit-identically', async () => {
    // 2 × 1.2·10⁶ SGD steps: ≈ 12 s on a quiet core. The signal goes once the first progress line shows the
    // solve running (a fixed delay can land before the handler exists when the machine is loaded: start-up
    // alone took 1.8–2.7 s there).
    const args = [
      'committee',
      'sgd',
      '--p',
      '2',
      '--k',
      '2',
      '--lr',
      '0.5',
      '--dim',
      '1000',
      '--t-max',
      '300',
      '--t-count',
      '15',
      '--seeds',
      '2',
      '--no-progress',
    ];
    const dir = join(root, 'sgd');
    const withProgress = args.filter((a) => a !== '--no-progress');
    const r = await interrupt([...withProgress, '--out', dir], (err) => /committee sgd: [\d.]+%/.test(err), 'SIGTERM');
    expect(r.code).toBe(130);
    expect(r.stopMs).toBeLessThan(2000 * 2.5);
    expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).status).toBe('Terminated');
    expect(readdirSync(join(dir, 'partial'))).toEqual(['part-000000.json', 'part-000001.json']);

    expect(run([...args, '--out', dir, '--resume'])).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).status).toBe('Success');
    const ref = join(root, 'sgd-ref');
    expect(run([...args, '--out', ref])).toBe(0);
    expectSameArrays(dir, ref);
  }, 240_000);

  it('reproduce: SIGINT while the entry computes (in a worker thread) → Terminated manifest, exit 130 within 2 s', async () => {
    const dir = join(root, 'reproduce');
    const t0 = performance.now();
    const r = await interrupt(
      ['reproduce', 'committee-noise-plateaus', '--quick', '--out', dir, '--no-progress'],
      () => performance.now() - t0 > 3000,
      'SIGINT',
    );
    expect(r.code).toBe(130);
    expect(r.stopMs).toBeLessThan(2000);
    expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).status).toBe('Terminated');
  }, 60_000);

  // ---- DMFT checkpoints (issue 11 item 4) and --checkpoint-every (issue 10): the signal (or SIGKILL) lands
  // after the first checkpoint file appeared, i.e. mid-run on any machine.
  const dmftBase = ['dmft', 'run', '--m', '8', '--alpha', '0.5', '--tau', '0.3', '--h', '0,0.9,0,0.16666666666666666', '--no-progress'];
  const ckpt = (dir: string) => join(dir, 'partial', 'checkpoint.ldstate');

  /** Interrupt (SIGINT, or SIGKILL: no manifest) after the first checkpoint, --resume, compare with a fresh run. */
  async function stopAndResume(name: string, args: string[], signal: NodeJS.Signals, checkForce = false): Promise<void> {
    const dir = join(root, name);
    let seenAt = 0;
    const r = await interrupt(
      [...args, '--out', dir, '--checkpoint-every', '0.2'],
      () => {
        if (!seenAt && existsSync(ckpt(dir))) seenAt = performance.now();
        return seenAt > 0 && performance.now() - seenAt > 300;
      },
      signal,
    );
    if (signal === 'SIGKILL') {
      expect(r.code).toBe(null);
      expect(existsSync(join(dir, 'manifest.json'))).toBe(false); // killed: only the checkpoint is there
    } else {
      expect(r.code).toBe(130);
      expect(r.stopMs).toBeLessThan(2000 * 2.5); // 2 s contract; margin for a loaded CI machine
      const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
      expect(m.status).toBe('Terminated');
      expect(m.stats.resumeFiles).toEqual(['partial/checkpoint.ldstate']); // listed: --force removes it
      expect(m.stats.rowsComputed).toBeGreaterThan(0); // the partial curves are written
      expect(existsSync(join(dir, 'testError.npy'))).toBe(true);
      if (checkForce) {
        // Another command with --force over a copy: the listed checkpoint goes with the old run's files.
        const copy = join(root, `${name}-force`);
        cpSync(dir, copy, { recursive: true });
        expect(run(['committee', 'ode', '--p', '2', '--k', '2', '--lr', '0.5', '--t-max', '2', '--no-progress', '--out', copy, '--force'])).toBe(0);
        expect(existsSync(join(copy, 'partial'))).toBe(false);
        expect(existsSync(join(copy, 'testError.npy'))).toBe(false);
        expect(JSON.parse(readFileSync(join(copy, 'manifest.json'), 'utf8')).command.slice(1, 3)).toEqual(['committee', 'ode']);
      }
    }
    expect(existsSync(ckpt(dir))).toBe(true);
    expect(run([...args, '--out', dir, '--resume'])).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).status).toBe('Success');
    expect(existsSync(join(dir, 'partial'))).toBe(false); // a finished run removes its checkpoint
    const ref = join(root, `${name}-ref`);
    expect(run([...args, '--out', ref])).toBe(0);
    expectSameArrays(dir, ref);
  }

  it('dmft run, uniform explicit: SIGINT mid-run → Terminated + checkpoint, exit 130; --resume = uninterrupted run', async () => {
    // long enough (≈ 5 s for the whole process on a quiet machine) that the signal lands mid-run, not after the solve
    await stopAndResume('dmft-uniform', [...dmftBase, '--t-max', '16', '--eta', '0.01'], 'SIGINT');
  }, 240_000);

  it('dmft run, uniform semi-implicit second order: --checkpoint-every + SIGKILL, --resume = uninterrupted run', async () => {
    // ≈ 4.7 s for the whole process on a quiet machine (t-max 8 took 0.5 s: a fast CI machine finished it
    // between the first checkpoint and the kill, 300 ms later)
    await stopAndResume('dmft-imex', [...dmftBase, '--t-max', '14', '--eta', '0.02', '--scheme', 'semi-implicit', '--second-order'], 'SIGKILL');
  }, 240_000);

  it('dmft run, adaptive grid: SIGINT mid-run → Terminated + checkpoint, exit 130; --resume = uninterrupted run', async () => {
    await stopAndResume(
      'dmft-adaptive',
      // ≈ 5.7 s quiet (t-max 80 took 3.1 s once the sweeps went several rows at a time)
      [...dmftBase.slice(0, 3), '16', ...dmftBase.slice(4), '--t-max', '100', '--grid', 'adaptive', '--rtol', '3e-4'],
      'SIGINT',
      true,
    );
  }, 240_000);

  it('committee sgd: --checkpoint-every + SIGKILL → the replicate snapshots on disk; --resume = uninterrupted run', async () => {
    const args = [
      'committee',
      'sgd',
      '--p',
      '2',
      '--k',
      '2',
      '--lr',
      '0.5',
      '--dim',
      '1000',
      '--t-max',
      '80',
      '--t-count',
      '15',
      '--seeds',
      '2',
      '--no-progress',
    ];
    const dir = join(root, 'sgd-kill');
    const parts = ['part-000000.json', 'part-000001.json'].map((f) => join(dir, 'partial', f));
    let seenAt = 0;
    const r = await interrupt(
      [...args, '--out', dir, '--checkpoint-every', '0.3'],
      () => {
        if (!seenAt && parts.every((f) => existsSync(f))) seenAt = performance.now();
        return seenAt > 0 && performance.now() - seenAt > 400;
      },
      'SIGKILL',
    );
    expect(r.code).toBe(null);
    expect(existsSync(join(dir, 'manifest.json'))).toBe(false);
    const saved = JSON.parse(readFileSync(parts[0], 'utf8')).part;
    expect(saved.status).toBe('Terminated'); // a periodic snapshot of a running replicate
    expect(saved.stepsDone).toBeGreaterThan(0);
    expect(run([...args, '--out', dir, '--resume'])).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).status).toBe('Success');
    const ref = join(root, 'sgd-kill-ref');
    expect(run([...args, '--out', ref])).toBe(0);
    expectSameArrays(dir, ref);
  }, 240_000);

  it('--checkpoint-every: refused without --out, with a non-positive value, and on a command without checkpoints (exit 2, one line)', () => {
    const one = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
    for (const args of [
      [...dmftBase, '--t-max', '1', '--eta', '0.1', '--checkpoint-every', '5'],
      [...dmftBase, '--t-max', '1', '--eta', '0.1', '--checkpoint-every', '0', '--out', join(root, 'never')],
      [...dmftBase, '--t-max', '1', '--eta', '0.1', '--checkpoint-every', 'abc', '--out', join(root, 'never')],
      ['committee', 'ode', '--p', '2', '--k', '2', '--lr', '0.5', '--t-max', '1', '--checkpoint-every', '5', '--out', join(root, 'never')],
    ]) {
      const r = one(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(existsSync(join(root, 'never'))).toBe(false);
  });
});
