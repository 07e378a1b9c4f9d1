// `dmft run --grid theta` interruption contract with real processes (bin/learndyn.js → dist/; issue 11 item 4):
// SIGINT mid-run → exit 130, 'Terminated', the checkpoint in DIR/partial/; SIGKILL after a --checkpoint-every
// write; SIGINT during the 10·rtol error-estimate run; each time `--resume` with the same arguments finishes
// with arrays byte-identical to an uninterrupted run, and a resume with other arguments is refused (exit 2,
// one line). The signals are sent once the checkpoint file of the wanted run (read back from the file) is
// on disk, so they land mid-run on any machine.
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeState } from '../../src/dmft/checkpoint.js';

const bin = 'bin/learndyn.js';
// ≈ 2 s on a quiet machine at L = 32 (770 steps, then ≈ 240 in the 10·rtol run); on a machine (or kernel)
// fast enough that the solve takes < 1.5 s, L = 64 (≈ 4× the work) so that the signals still land mid-run.
const argsFor = (L: number) =>
  `dmft run --m 16 --alpha 0.3 --tau 0.3 --h 0,0.9,0,0.16666666666666666 --a0 1 --t-max 60 --grid theta --theta-nodes ${L} --rtol 1e-4 --no-progress`.split(
    ' ',
  );
let args = argsFor(32);
const ckpt = (dir: string) => join(dir, 'partial', 'checkpoint.ldstate');

/** Which run of the θ solve (1: reported, 2: 10·rtol) the checkpoint on disk belongs to (0: none yet). */
function passOnDisk(dir: string): number {
  if (!existsSync(ckpt(dir))) return 0;
  try {
    const f = decodeState(readFileSync(ckpt(dir))) as { state: { state: { pass: number } } };
    return f.state.state.pass;
  } catch {
    return 0; // (written atomically: cannot be half a file; a read race with a rename just polls again)
  }
}

/** Start a run, send `signal` once `ready()` holds (polled), resolve with exit code, stop delay and stderr. */
function interrupt(argv: string[], ready: () => boolean, signal: NodeJS.Signals): Promise<{ code: number | null; stopMs: number; err: string }> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [bin, ...argv], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (b) => (err += b));
    let sentAt = 0;
    const poll = setInterval(() => {
      if (sentAt === 0 && ready()) {
        sentAt = performance.now();
        child.kill(signal);
      }
    }, 25);
    child.on('error', rej);
    child.on('exit', (code) => {
      clearInterval(poll);
      res({ code, stopMs: sentAt ? performance.now() - sentAt : NaN, err });
    });
  });
}

const run = (argv: string[]) => spawnSync(process.execPath, [bin, ...argv], { encoding: 'utf8' });
const manifest = (dir: string) => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
const npy = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.npy'))
    .sort();

describe('dmft run --grid theta: interrupt, checkpoint, --resume (real processes)', () => {
  const root = mkdtempSync(join(tmpdir(), 'ld-theta-resume-'));
  const ref = join(root, 'ref');

  it('dist/ is built; the uninterrupted reference run', () => {
    expect(existsSync('dist/cli/main.js'), 'dist/ missing: run `npm run build`').toBe(true);
    expect(run([...args, '--out', ref]).status).toBe(0);
    if (manifest(ref).timings.stepMs < 1500) {
      args = argsFor(64);
      expect(run([...args, '--out', ref]).status).toBe(0);
    }
    expect(npy(ref).length).toBeGreaterThan(5);
  }, 120_000);

  /** --resume (with `refuse`: first a refused one with other arguments), then the arrays against the reference. */
  function resumeAndCompare(dir: string, refuse = false): void {
    if (refuse) {
      const other = run([...args.map((a) => (a === '1e-4' ? '2e-4' : a)), '--out', dir, '--resume']);
      expect(other.status).toBe(2);
      expect(other.stderr.trim().split('\n')).toHaveLength(1);
      expect(other.stderr).toMatch(/resume/);
      expect(existsSync(ckpt(dir))).toBe(true); // the refused resume left the checkpoint alone
    }
    expect(run([...args, '--out', dir, '--resume']).status).toBe(0);
    expect(manifest(dir).status).toBe('Success');
    expect(existsSync(join(dir, 'partial'))).toBe(false); // a finished run removes its checkpoint
    expect(npy(dir)).toEqual(npy(ref));
    for (const f of npy(ref)) expect(Buffer.compare(readFileSync(join(dir, f)), readFileSync(join(ref, f))), f).toBe(0);
    expect(JSON.stringify(manifest(dir).stats.theta)).toBe(JSON.stringify(manifest(ref).stats.theta)); // steps, history, error estimate
  }

  it('SIGINT in the reported run → exit 130, Terminated, rows so far + checkpoint; --resume = uninterrupted run', async () => {
    const dir = join(root, 'sigint');
    const r = await interrupt([...args, '--out', dir, '--checkpoint-every', '0.1'], () => passOnDisk(dir) === 1, 'SIGINT');
    expect(r.code).toBe(130);
    expect(r.stopMs).toBeLessThan(2000 * 2.5); // 2 s contract; margin for a loaded machine
    const m = manifest(dir);
    expect(m.status).toBe('Terminated');
    expect(m.stats.resumeFiles).toEqual(['partial/checkpoint.ldstate']);
    expect(m.stats.rowsComputed).toBeGreaterThan(0);
    expect(m.stats.rowsComputed).toBeLessThan(manifest(ref).stats.rowsComputed); // stopped mid-run
    expect(passOnDisk(dir)).toBe(1);
    resumeAndCompare(dir, true);
  }, 120_000);

  it('--checkpoint-every + SIGKILL → only the checkpoint on disk; --resume = uninterrupted run', async () => {
    const dir = join(root, 'sigkill');
    const r = await interrupt([...args, '--out', dir, '--checkpoint-every', '0.1'], () => passOnDisk(dir) === 1, 'SIGKILL');
    expect(r.code).toBe(null);
    expect(existsSync(join(dir, 'manifest.json'))).toBe(false);
    resumeAndCompare(dir);
  }, 120_000);

  it('SIGINT during the 10·rtol error-estimate run → Terminated with the complete curves; --resume finishes that run only', async () => {
    const dir = join(root, 'estimate');
    const r = await interrupt([...args, '--out', dir, '--checkpoint-every', '0.05'], () => passOnDisk(dir) === 2, 'SIGINT');
    expect(r.code).toBe(130);
    const m = manifest(dir);
    expect(m.status).toBe('Terminated');
    expect(r.err).toMatch(/status Terminated: .*error-estimate run/);
    expect(m.stats.rowsComputed).toBe(manifest(ref).stats.rowsComputed);
    expect(passOnDisk(dir)).toBe(2);
    resumeAndCompare(dir);
  }, 120_000);
});
