// DMFT checkpoint/resume in the library (src/dmft/checkpoint.ts; issue 11 item 4): the state codec is exact,
// and a run stopped (signal) or checkpointed (onCheckpoint) part-way, resumed from that state after a trip
// through the file bytes, ends byte-identical to the uninterrupted run — uniform grid (explicit, semi-implicit,
// secondOrder in either pass) and adaptive grid (mid-march and during the coarse replay).
import { concatBytes } from '../../src/io/bytes.js';
import { describe, expect, it } from 'vitest';
import { decodeState, encodeState, type DmftCheckpoint } from '../../src/dmft/checkpoint.js';
import { dmftSteps, solveDmft, type DmftSolution, type DmftSolveOptions, type DmftStepEvent } from '../../src/dmft/solve.js';
import type { DmftProblemInput } from '../../src/dmft/problem.js';

const H3 = [0, 0.9, 0, 1 / 6];

const roundTrip = (cp: DmftCheckpoint): DmftCheckpoint => decodeState(concatBytes(encodeState(cp))) as DmftCheckpoint;

/** Every output array, as hex of its f64 bytes (the .npy payloads are these bytes). */
const hex = (s: DmftSolution) =>
  Buffer.from(Float64Array.from([...s.t, ...s.trainError, ...s.testError, ...s.a, ...s.v, ...s.Co, ...s.Cd0, ...s.nu, ...s.gap]).buffer).toString('hex');

/** Stop the solve once `when(row, pass)` holds (the signal fires from the stepping iterator). */
async function stopped(input: DmftProblemInput, when: (row: number, pass?: number) => boolean, extra: DmftSolveOptions = {}): Promise<DmftSolution> {
  const ctl = new AbortController();
  return solveDmft(input, {
    ...extra,
    signal: ctl.signal,
    onStep: (e) => {
      if (when(e.row, e.pass)) ctl.abort();
    },
  });
}

describe('state codec', () => {
  it('round-trips nested plain objects of f64 arrays and scalars bit for bit', () => {
    const odd = new Float64Array([0, -0, 1e-310, Math.PI, -Infinity, Infinity, NaN, 2 ** 53 + 2]);
    const v = { a: odd, nested: { list: [1, 'x', true, null, new Float64Array(0)], n: NaN, inf: -Infinity }, s: 'é∞' };
    const back = decodeState(concatBytes(encodeState(v))) as typeof v;
    expect(Buffer.from(back.a.buffer).equals(Buffer.from(odd.buffer))).toBe(true);
    expect(back.nested.list.slice(0, 4)).toEqual([1, 'x', true, null]);
    expect(back.nested.list[4]).toBeInstanceOf(Float64Array);
    expect(Number.isNaN(back.nested.n)).toBe(true);
    expect(back.nested.inf).toBe(-Infinity);
    expect(back.s).toBe('é∞');
  });
  it('refuses a file that is not one or is cut short', () => {
    expect(() => decodeState(new TextEncoder().encode('{"not": "a state"}'))).toThrow(/bad magic/);
    const b = concatBytes(encodeState({ x: new Float64Array(100) }));
    expect(() => decodeState(b.subarray(0, b.length - 8))).toThrow(/truncated/);
  });
});

describe('uniform grid: stop, resume, byte-identical', () => {
  const base = { m: 8, alpha: 0.5, tau: 0.3, h: H3, a0: 1, tMax: 6, eta: 0.05 } satisfies DmftProblemInput;
  for (const [name, input, when] of [
    ['explicit', base, (row: number) => row === 40],
    ['semi-implicit', { ...base, scheme: 'semi-implicit' as const }, (row: number) => row === 30],
    ['secondOrder, stopped in the η run', { ...base, secondOrder: true }, (row: number, pass?: number) => pass === 1 && row === 30],
    ['secondOrder, stopped in the η/2 run', { ...base, secondOrder: true }, (row: number, pass?: number) => pass === 2 && row === 150],
  ] as const) {
    it(name, async () => {
      const full = await solveDmft(input);
      expect(full.status).toBe('Success');
      const half = await stopped(input, when);
      expect(half.status).toBe('Terminated');
      expect(half.checkpoint?.solver).toBe('uniform');
      expect(half.t.length).toBeLessThan(full.t.length);
      const rest = await solveDmft(input, { resumeFrom: roundTrip(half.checkpoint!) });
      expect(rest.status).toBe('Success');
      expect(hex(rest)).toBe(hex(full));
      expect(JSON.stringify(rest.stats.invariants)).toBe(JSON.stringify(full.stats.invariants));
    });
  }

  it('periodic checkpoints (onCheckpoint): resuming from any of them gives the same bytes; another problem is refused', async () => {
    const fine = { ...base, eta: 0.02 }; // 301 rows: several chunks of rows
    const full = await solveDmft(fine);
    const cps: DmftCheckpoint[] = [];
    const again = await solveDmft(fine, { checkpointEveryMs: 0, onCheckpoint: (c) => cps.push(roundTrip(c as DmftCheckpoint)) });
    expect(hex(again)).toBe(hex(full)); // checkpointing does not change the run
    expect(cps.length).toBeGreaterThan(2);
    for (const cp of [cps[0], cps[Math.floor(cps.length / 2)], cps.at(-1)!]) {
      expect(cp.rows).toBeGreaterThan(0);
      expect(hex(await solveDmft(fine, { resumeFrom: cp }))).toBe(hex(full));
    }
    await expect(solveDmft({ ...fine, tau: 0.31 }, { resumeFrom: cps[0] })).rejects.toThrow(/different problem/);
    await expect(solveDmft({ ...fine, grid: 'adaptive' }, { resumeFrom: cps[0] })).rejects.toThrow(/written by the uniform solver/);
  });

  it('dmftSteps: an async iterator over the rows that returns the Solution; leaving it early stops the solve', async () => {
    const full = await solveDmft({ ...base, maxPoints: 1e6 });
    const seen: DmftStepEvent[] = [];
    const it = dmftSteps({ ...base, maxPoints: 1e6 });
    let r = await it.next();
    while (!r.done) {
      seen.push(r.value);
      r = await it.next();
    }
    expect(seen.map((e) => e.t)).toEqual(full.t);
    expect(hex(r.value)).toBe(hex(full));
    let n = 0;
    for await (const e of dmftSteps({ ...base, eta: 0.01 })) if (++n === 5 || e.row > 1000) break; // returns once the solve has stopped
    expect(n).toBe(5);
  });

  it('the stepping iterator sees every row once, in order, with the observables of the output', async () => {
    const ev: { t: number; e: number }[] = [];
    const s = await solveDmft({ ...base, maxPoints: 1e6 }, { onStep: (e) => ev.push({ t: e.t, e: e.testError }) });
    expect(ev.map((x) => x.t)).toEqual(s.t);
    expect(ev.map((x) => x.e)).toEqual(s.testError);
  });
});

describe('adaptive grid: stop mid-march or during the coarse replay, resume, byte-identical', () => {
  const input = { m: 16, alpha: 0.3, tau: 0.3, h: H3, a0: 1, tMax: 20, grid: 'adaptive' as const, rtol: 3e-3 } satisfies DmftProblemInput;
  it('mid-march and in the replay', async () => {
    const full = await solveDmft(input);
    expect(full.status).toBe('Success');
    const rows = full.stats.adaptive!.gridSize;
    const half = await stopped(input, (row) => row === Math.floor(rows / 2));
    expect(half.status).toBe('Terminated');
    expect(half.checkpoint?.solver).toBe('adaptive');
    expect(hex(await solveDmft(input, { resumeFrom: roundTrip(half.checkpoint!) }))).toBe(hex(full));

    // The coarse replay re-emits no step events; stop it from its progress (fraction past 8/9).
    const ctl = new AbortController();
    const late = await solveDmft(input, {
      signal: ctl.signal,
      onProgress: (e) => {
        if (e.fraction > 8 / 9 + 0.01 && e.fraction < 1) ctl.abort();
      },
    });
    expect(late.status).toBe('Terminated');
    expect(late.message).toMatch(/coarse replay/);
    const rest = await solveDmft(input, { resumeFrom: roundTrip(late.checkpoint!) });
    expect(hex(rest)).toBe(hex(full));
    expect(JSON.stringify(rest.stats.adaptive!.errorEstimate)).toBe(JSON.stringify(full.stats.adaptive!.errorEstimate));
  });

  it('periodic checkpoints between rows (the async driver asks after every row): any of them resumes to the same bytes', async () => {
    // 288 rows in ≈ 0.35 s on the 2-core machine: a 20 ms clock gives ≈ 15 checkpoints, still several on a
    // machine five times faster (at 100 ms a fast CI machine gave only one)
    const long = { ...input, tMax: 40, rtol: 3e-4 };
    const full = await solveDmft(long);
    const cps: DmftCheckpoint[] = [];
    const ctl = new AbortController(); // a signal makes the driver yield (and ask for checkpoints)
    const again = await solveDmft(long, { signal: ctl.signal, checkpointEveryMs: 20, onCheckpoint: (c) => cps.push(roundTrip(c as DmftCheckpoint)) });
    expect(hex(again)).toBe(hex(full));
    expect(cps.length).toBeGreaterThan(1);
    for (let i = 1; i < cps.length; i++) expect(cps[i].rows).toBeGreaterThan(cps[i - 1].rows);
    expect(hex(await solveDmft(long, { resumeFrom: cps[Math.floor(cps.length / 2)] }))).toBe(hex(full));
  });
});

describe('dmft run --simulate-dim: a stop during the network keeps the finished DMFT as the checkpoint', () => {
  it('the resume skips the DMFT and reuses the finished replicates; bytes equal the uninterrupted run', async () => {
    const { dmftRun } = await import('../../src/dmft/engine.js');
    const { simulationArrays } = await import('../../src/io/bundles.js');
    const { decodePart, encodePart } = await import('../../src/io/folder.js');
    const plan = await dmftRun.prepare({ m: 4, alpha: 0.5, tau: 0.3, h: H3, a0: 1, tMax: 2, eta: 0.05, simulateDim: 30, simulateSeeds: 3 });
    const full = await dmftRun.solve(plan, {});
    expect(full.status).toBe('Success');
    const ctl = new AbortController();
    const parts: unknown[] = [];
    let state: unknown;
    const stopped = await dmftRun.solve(plan, {
      signal: ctl.signal,
      onCheckpoint: (s) => (state = decodeState(concatBytes(encodeState(s)))),
      onPartial: (p) => {
        parts.push(decodePart(encodePart(p)));
        ctl.abort(); // after the first network replicate
      },
    });
    expect(stopped.status).toBe('Terminated');
    expect(state).toBeDefined();
    const phases: string[] = [];
    const resumed = await dmftRun.solve(plan, { resumeState: state, resume: parts, onProgress: (e) => phases.push(e.phase) });
    expect(resumed.status).toBe('Success');
    expect(phases.some((p) => p.startsWith('row'))).toBe(false); // the DMFT rows were not computed again
    expect(hex(resumed.symm!)).toBe(hex(full.symm!));
    const arr = (r: typeof full) =>
      Object.entries(simulationArrays(r.sim!)).map(([k, v]) => `${k}:${Buffer.from((ArrayBuffer.isView(v) ? v : v.data).buffer).toString('hex')}`);
    expect(arr(resumed)).toEqual(arr(full));
  });
});
