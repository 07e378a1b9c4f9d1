// Resume contract (library level, what `--resume` uses): a solve stopped by its signal hands out its
// finished parts through onPartial; the same problem solved with `resume: parts` (after the parts
// went through the on-disk encoding) gives arrays bit-identical to an uninterrupted solve, and the
// stopped run itself holds only finite values under 'Terminated'.
import { describe, expect, it } from 'vitest';
import { solveKernel } from '../../src/kernel/solve.js';
import { solveCommittee } from '../../src/committee/solve.js';
import { simulateDmft } from '../../src/dmft/simulate-solve.js';
import { decodePart, encodePart } from '../../src/io/folder.js';

const viaDisk = (parts: unknown[]) => parts.map((p) => decodePart(encodePart(p)));
const bits = (a: ArrayLike<number>) => Buffer.from(Float64Array.from(a).buffer).toString('hex');

describe('resume gives byte-identical results', () => {
  it('kernel: finished seeds are reused', async () => {
    const problem = {
      kernel: 'exp',
      dim: 12,
      samples: 90,
      energies: [0.1, 0.4, 0.3, 0.2],
      noiseSd: 0.3,
      seeds: 3,
      seed: 7,
      tMin: 1e-3,
      tMax: 300,
      tCount: 11,
      testPoints: 200,
    };
    const full = await solveKernel(problem);
    const ctl = new AbortController();
    const parts: unknown[] = [];
    const stopped = await solveKernel(problem, {
      signal: ctl.signal,
      onPartial: (p) => {
        parts.push(p);
        ctl.abort(); // stop after the first seed
      },
    });
    expect(stopped.status).toBe('Terminated');
    expect(stopped.stats.seedsCompleted).toBe(1);
    let recomputed = 0;
    const resumed = await solveKernel(problem, { resume: viaDisk(parts), onPartial: () => recomputed++ });
    expect(resumed.status).toBe('Success');
    expect(recomputed).toBe(2); // seeds 1 and 2 only
    for (const k of ['train', 'test', 'trainSE', 'testSE', 'testMC'] as const) expect(bits(resumed.curves[k]!), k).toBe(bits(full.curves[k]!));
    expect(resumed.bySeed.trainBySeed.map(bits)).toEqual(full.bySeed.trainBySeed.map(bits));
  });

  it('committee sgd: stopped replicates continue from their snapshot', async () => {
    const problem = { p: 2, k: 2, lr: 0.5, dim: 200, tMax: 5, tCount: 8, seeds: 2, seed: 3 };
    const full = await solveCommittee(problem, { simulate: true });
    const ctl = new AbortController();
    const parts: unknown[] = [];
    const stopped = await solveCommittee(problem, {
      simulate: true,
      signal: ctl.signal,
      onProgress: (e) => {
        if (e.fraction > 0.3) ctl.abort();
      },
      onPartial: (p) => parts.push(p),
    });
    expect(stopped.status).toBe('Terminated');
    expect(parts.length).toBe(2);
    const resumed = await solveCommittee(problem, { simulate: true, resume: viaDisk(parts) });
    expect(resumed.status).toBe('Success');
    expect(bits(resumed.t)).toBe(bits(full.t));
    expect(bits(resumed.odeRisk)).toBe(bits(full.odeRisk));
    expect(bits(resumed.sgd!.risk)).toBe(bits(full.sgd!.risk));
    expect(resumed.sgd!.riskBySeed.map(bits)).toEqual(full.sgd!.riskBySeed.map(bits));
    expect(bits(resumed.sgd!.Q.flat())).toBe(bits(full.sgd!.Q.flat()));
  });

  it('committee sgd: periodic snapshots (checkpointEveryMs, what a SIGKILL leaves on disk) resume bit-identically', async () => {
    const problem = { p: 2, k: 2, lr: 0.5, dim: 200, tMax: 5, tCount: 8, seeds: 2, seed: 3 };
    const full = await solveCommittee(problem, { simulate: true });
    const snaps: { replicate: number; status: string; stepsDone: number }[] = [];
    const again = await solveCommittee(problem, { simulate: true, checkpointEveryMs: 0, onPartial: (p) => snaps.push(viaDisk([p])[0] as never) });
    expect(bits(again.sgd!.risk)).toBe(bits(full.sgd!.risk)); // snapshots change nothing
    for (const r of [0, 1]) {
      const mine = snaps.filter((x) => x.replicate === r && x.status === 'Terminated');
      expect(mine.length).toBeGreaterThan(3);
      for (let i = 1; i < mine.length; i++) expect(mine[i].stepsDone).toBeGreaterThan(mine[i - 1].stepsDone);
    }
    // What the store holds after a kill: the latest snapshot of each replicate at that moment.
    const at = (r: number, i: number) => snaps.filter((x) => x.replicate === r && x.status === 'Terminated')[i];
    const resumed = await solveCommittee(problem, { simulate: true, resume: [at(0, 1), at(1, 3)] });
    expect(resumed.status).toBe('Success');
    expect(bits(resumed.sgd!.risk)).toBe(bits(full.sgd!.risk));
    expect(resumed.sgd!.riskBySeed.map(bits)).toEqual(full.sgd!.riskBySeed.map(bits));
    expect(bits(resumed.sgd!.Q.flat())).toBe(bits(full.sgd!.Q.flat()));
  });

  it('dmft simulate: finished replicates are reused; a stopped run holds no NaN', async () => {
    const problem = { m: 8, alpha: 0.5, dim: 40, tau: 0.6, h: [0, 0.9, 0, 1 / 6], phiHat: 'same' as const, a0: 1, tMax: 2, saveCount: 5, seeds: 3, threads: 1 };
    const full = await simulateDmft(problem);
    const ctl = new AbortController();
    const parts: unknown[] = [];
    const stopped = await simulateDmft(problem, {
      signal: ctl.signal,
      onPartial: (p) => {
        parts.push(p);
        ctl.abort();
      },
    });
    expect(stopped.status).toBe('Terminated');
    for (const a of [stopped.t, stopped.summary.trainError, stopped.summary.trainErrorSE, stopped.summary.a])
      expect(Array.from(a).every(Number.isFinite)).toBe(true);
    const resumed = await simulateDmft(problem, { resume: viaDisk(parts) });
    expect(resumed.status).toBe('Success');
    for (const k of ['trainError', 'testError', 'a', 'v', 'Co', 'trainErrorSE'] as const) expect(bits(resumed.summary[k]), k).toBe(bits(full.summary[k]));
  });
});

describe('finer Gram strips (abort checks between them) change no bit', () => {
  it('G = XXᵀ/d from 1, 3 or 13 strips is bit-identical', async () => {
    const { loadWasm } = await import('../../src/wasm/runtime.js');
    const { InlineExecutor } = await import('../../src/wasm/exec.js');
    const { gramSymRowsOn } = await import('../../src/linalg/index.js');
    const { stripBounds } = await import('../../src/kernel/empirical.js');
    const rt = await loadWasm();
    const ex = new InlineExecutor(rt);
    const n = 67;
    const d = 9;
    const X = rt.arena.copyIn(Array.from({ length: n * d }, (_, i) => Math.sin(1 + i * 0.7)));
    const out: string[] = [];
    for (const parts of [1, 3, 13]) {
      const G = rt.arena.allocF64(n * n);
      for (const [r0, r1] of stripBounds(n, parts)) await gramSymRowsOn(ex, X, n, d, G, 1 / d, r0, r1);
      const g = rt.arena.f64(G, n * n);
      // lower triangle (the mirror is a copy)
      out.push(
        bits(
          Array.from({ length: (n * (n + 1)) / 2 }, (_, k) => {
            const i = Math.floor((Math.sqrt(8 * k + 1) - 1) / 2);
            return g[i * n + (k - (i * (i + 1)) / 2)];
          }),
        ),
      );
    }
    expect(out[1]).toBe(out[0]);
    expect(out[2]).toBe(out[0]);
  });
});
