// The engine contract (issue "One engine contract", item 2): every exported solve/simulate function,
// given an AbortSignal that has already fired, resolves to a Solution with status 'Terminated' (never a
// throw, never a crash); aborting mid-run does the same and keeps what was finished.
import { describe, expect, it } from 'vitest';
import {
  compareKernels,
  InlineExecutor,
  loadWasm,
  meanFieldOde,
  runSgd,
  runSimulation,
  simulateDmft,
  simulateGaussianModel,
  simulateNetwork,
  solveCommittee,
  solveDmft,
  solveGeneralDmft,
  solveKernel,
  solveReduced,
} from '../../src/index.js';
import { combineStatus, exitCode, EXIT, STATUSES } from '../../src/core/contract.js';

const aborted = () => {
  const c = new AbortController();
  c.abort();
  return c.signal;
};

const kernelSmall = { kernel: 'exp', dim: 10, samples: 60, energies: [0, 0.5, 0.5], noiseSd: 0.2, seeds: 3, tMin: 1, tMax: 1e4, tCount: 9, testPoints: 0 };
const committeeSmall = { p: 2, k: 2, activation: 'erf' as const, lr: 0.5, noise: 1e-3, dim: 100, tMax: 5, tCount: 11, seeds: 3 };
const dmftSmall = { m: 4, alpha: 0.3, tau: 0.6, h: [0, 0.9, 0, 1 / 6], eta: 0.05, tMax: 4 };
const simSmall = {
  model: 'network' as const,
  optimizer: 'gd' as const,
  m: 4,
  alpha: 0.3,
  dim: 30,
  tau: 0.6,
  h: [0, 0.9, 0, 1 / 6],
  a0: 1,
  tMax: 1,
  seeds: 2,
  threads: 1,
};
const h3 = [0, 0.9, 0, 1 / 6];

describe('Status and exit codes', () => {
  it('one exit code per status, Terminated = 130, and the most severe part wins', () => {
    expect(STATUSES.map(exitCode)).toEqual([0, 3, 4, 130]);
    expect(new Set(STATUSES.map(exitCode)).size).toBe(4);
    expect(EXIT.BadInput).toBe(2);
    expect(combineStatus('Success', 'NotConverged')).toBe('NotConverged');
    expect(combineStatus('Unstable', 'NotConverged', 'Success')).toBe('Unstable');
    expect(combineStatus('Unstable', 'Terminated')).toBe('Terminated');
    expect(combineStatus()).toBe('Success');
  });
});

describe('an already-aborted signal → status Terminated, no throw', () => {
  it('solveKernel and compareKernels', async () => {
    const sol = await solveKernel(kernelSmall, { signal: aborted() });
    expect(sol.status).toBe('Terminated');
    expect(sol.stats.seedsCompleted).toBe(0);
    const cmp = await compareKernels(kernelSmall, ['exp', 'poly:0,1,1'], { signal: aborted() });
    expect(cmp.solutions.map((s) => s.status)).toEqual(['Terminated', 'Terminated']);
  });

  it('solveCommittee: ODE, SGD and the mean-field model', async () => {
    for (const [input, simulate] of [
      [committeeSmall, false],
      [committeeSmall, true],
      [{ ...committeeSmall, activation: 'quadratic', model: 'meanfield', p: 20, k: 2, dim: 5 }, false],
    ] as const) {
      const sol = await solveCommittee(input, { simulate, signal: aborted() });
      expect(sol.status).toBe('Terminated');
      expect(sol.t).toEqual([]);
      expect(sol.odeRisk).toEqual([]);
      // The initial state is what was finished: it is reported.
      expect(sol.Q.length).toBe(input.p);
      if (simulate) expect(sol.sgd!.risk).toEqual([]);
    }
  });

  it('runSgd (the SGD building block)', async () => {
    const rt = await loadWasm();
    const res = await runSgd(rt, new InlineExecutor(rt), {
      p: 2,
      k: 2,
      d: 50,
      gammaOverP: 0.25,
      noise: 0,
      seed: 1,
      seeds: 2,
      saveTimes: [0, 1, 2],
      signal: aborted(),
    });
    expect(res.replicates.map((r) => r.status)).toEqual(['Terminated', 'Terminated']);
    // t = 0 needs no step: that save is finished before the first abort check.
    expect(res.replicates.map((r) => r.savesDone)).toEqual([1, 1]);
  });

  it('solveDmft (first and second order), solveReduced, solveGeneralDmft, meanFieldOde', async () => {
    const adaptive = await solveDmft({ m: 4, alpha: 0.3, tau: 0.6, h: h3, tMax: 4, grid: 'adaptive', rtol: 1e-2 }, { signal: aborted() });
    expect(adaptive.status).toBe('Terminated');
    for (const secondOrder of [false, true]) {
      const sol = await solveDmft({ ...dmftSmall, secondOrder }, { signal: aborted() });
      expect(sol.status).toBe('Terminated');
      expect(sol.t).toEqual([]);
    }
    const rt = await loadWasm();
    for (const input of [
      { kind: 'lazy1', alpha: 0.5, tau: 1, gamma0: 1, h: h3, eta: 0.5, tMax: 5 },
      { kind: 'lazy2', alpha: 0.5, tau: 1, gamma0: 1, h: h3, eta: 0.05, tMax: 1 },
      { kind: 'mean-field', alpha: 0.3, tau: 0.6, a0: 1, h: h3, eta: 0.01, tMax: 1 },
      { kind: 'pspin', h: h3, eta: 0.05, tMax: 1 },
    ] as const) {
      const r = await solveReduced(input, { runtime: rt, signal: aborted() });
      expect(r.status).toBe('Terminated');
      expect(r.trainError).toEqual([]);
    }
    const g = await solveGeneralDmft({ m: 2, alphaBar: 1, tau: 1, h: [0, 0.1, 0.5], phiHat: 'none', a0: [1, 1], eta: 0.1, tMax: 1 }, { signal: aborted() });
    expect(g.status).toBe('Terminated');
    const mf = await meanFieldOde({ alpha: 0.3, tau: 0.6, h: h3, phiHat: h3, phiNorm2: 1, a0: 1, tMax: 1 }, { signal: aborted() });
    expect(mf.status).toBe('Terminated');
    expect(mf.t).toEqual([]);
  });

  it('simulateDmft and the lower-level simulate functions', async () => {
    for (const model of ['network', 'gaussian'] as const) {
      const res = await simulateDmft({ ...simSmall, model }, { signal: aborted() });
      expect(res.status).toBe('Terminated');
    }
    const rt = await loadWasm();
    const ex = new InlineExecutor(rt);
    const { threads: _t, ...o } = simSmall;
    expect((await simulateNetwork(rt, ex, o, { signal: aborted() })).status).toBe('Terminated');
    expect((await simulateGaussianModel(rt, ex, { ...o, model: 'gaussian' }, { signal: aborted() })).status).toBe('Terminated');
    expect((await runSimulation(rt, ex, o, { signal: aborted() })).status).toBe('Terminated');
  });
});

describe('aborting mid-run keeps what was finished', () => {
  it('kernel: the seeds finished before the abort are kept and equal an uninterrupted run', async () => {
    const rt = await loadWasm();
    const full = await solveKernel(kernelSmall, { runtime: rt });
    const c = new AbortController();
    let partials = 0;
    const sol = await solveKernel(kernelSmall, {
      runtime: rt,
      signal: c.signal,
      onPartial: () => {
        if (++partials === 2) c.abort();
      },
    });
    expect(sol.status).toBe('Terminated');
    expect(sol.stats.seedsCompleted).toBe(2);
    // The mean over the 2 finished seeds equals a 2-seed run (seed r = stream r).
    const two = await solveKernel({ ...kernelSmall, seeds: 2 }, { runtime: rt });
    expect(sol.curves.train).toEqual(two.curves.train);
    expect(full.stats.seedsCompleted).toBe(3);
  });

  it('committee SGD: the trajectory to the last completed save, summarised over the replicates', async () => {
    const c = new AbortController();
    const sol = await solveCommittee(
      { ...committeeSmall, tMax: 50, tCount: 40 },
      {
        simulate: true,
        signal: c.signal,
        onProgress: (e) => {
          if (e.fraction > 0.3) c.abort();
        },
      },
    );
    expect(sol.status).toBe('Terminated');
    const rows = sol.t.length;
    expect(rows).toBeGreaterThan(1);
    expect(rows).toBeLessThan(40);
    expect(sol.sgd!.risk.length).toBe(rows);
    expect(sol.odeRisk.length).toBe(rows);
    expect(sol.sgd!.risk.every(Number.isFinite)).toBe(true);
    // The same prefix as an uninterrupted run (same seeds, same save grid).
    const full = await solveCommittee({ ...committeeSmall, tMax: 50, tCount: 40 }, { simulate: true });
    expect(sol.sgd!.risk).toEqual(full.sgd!.risk.slice(0, rows));
  });

  it('committee ODE: stopped between chunks of the save grid, the saves reached kept and equal to the full run', async () => {
    const input = { p: 2, k: 2, lr: 0.5, dim: 100, tMax: 100, tCount: 200 };
    const c = new AbortController();
    const sol = await solveCommittee(input, { signal: c.signal, onProgress: (e) => e.phase.startsWith('ODE') && e.fraction > 0 && c.abort() });
    expect(sol.status).toBe('Terminated');
    const full = await solveCommittee(input);
    expect(sol.t.length).toBeGreaterThan(0);
    expect(sol.t.length).toBeLessThan(full.t.length);
    expect(sol.odeRisk).toEqual(full.odeRisk.slice(0, sol.t.length));
  });

  it('DMFT: the rows computed before the abort, equal to the uninterrupted run', async () => {
    const c = new AbortController();
    const input = { ...dmftSmall, tMax: 20, eta: 0.05 };
    const sol = await solveDmft(input, { signal: c.signal, onProgress: (e) => e.fraction > 0.05 && c.abort() });
    expect(sol.status).toBe('Terminated');
    const full = await solveDmft(input);
    expect(sol.t.length).toBeGreaterThan(1);
    expect(sol.t.length).toBeLessThan(full.t.length);
    expect(sol.testError).toEqual(full.testError.slice(0, sol.t.length));
  });

  it('simulateDmft: Terminated, replicates reported', async () => {
    const c = new AbortController();
    const res = await simulateDmft({ ...simSmall, tMax: 4 }, { signal: c.signal, onProgress: (e) => e.fraction > 0.2 && c.abort() });
    expect(res.status).toBe('Terminated');
    expect(res.replicates.some((r) => r.status === 'Terminated')).toBe(true);
  });
});
