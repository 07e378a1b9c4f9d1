// θ-grid checkpoint/resume and stepping iterator in the library (src/dmft/theta-grid.ts, src/dmft/solve.ts,
// src/dmft/checkpoint.ts; issue 11 item 4): a run stopped by its signal (in the reported run or in the
// 10·rtol error-estimate run), paused by stopAfterSteps or checkpointed periodically, resumed from that
// checkpoint after a trip through the file bytes, ends byte-identical to the uninterrupted run (same
// arrays, same step statistics and error estimate); every field of ThetaState is carried; a checkpoint of
// another problem, solver or layout is refused; dmftSteps / onStep report every accepted step.
import { concatBytes } from '../../src/io/bytes.js';
import { describe, expect, it, vi } from 'vitest';
import { decodeState, encodeState, packState, unpackState, type DmftCheckpoint, type StateValue } from '../../src/dmft/checkpoint.js';
import { dmftSteps, solveDmft, type DmftSolution, type DmftSolveOptions } from '../../src/dmft/solve.js';
import { dmftProblem, type DmftProblemInput } from '../../src/dmft/problem.js';
import { runTheta, runThetaAsync, type ThetaResume } from '../../src/dmft/theta-grid.js';
import { runAdaptiveAsync } from '../../src/dmft/grid.js';
import { thetaAlloc } from '../../src/numerics/dmft-theta.js';

vi.setConfig({ testTimeout: 120_000 }); // shares 2 cores with other suites

const H3 = [0, 0.9, 0, 1 / 6];
const input = { m: 16, alpha: 0.3, tau: 0.3, h: H3, a0: 1, tMax: 12, grid: 'theta', thetaNodes: 24, rtol: 1e-3, maxPoints: 1e6 } satisfies DmftProblemInput;

const roundTrip = <T>(x: T): T => decodeState(concatBytes(encodeState(x))) as T;

/** Every output array, as hex of its f64 bytes (the .npy payloads are these bytes). */
const hex = (s: DmftSolution) =>
  Buffer.from(Float64Array.from([...s.t, ...s.trainError, ...s.testError, ...s.a, ...s.v, ...s.Co, ...s.Cd0, ...s.nu, ...s.gap]).buffer).toString('hex');
/** The deterministic stats (everything but timings): steps, history, error estimate, memory. */
const statsOf = (s: DmftSolution) => JSON.stringify(s.stats);

describe('θ grid: stop, resume, byte-identical', () => {
  let full: DmftSolution;
  it('the uninterrupted reference run', async () => {
    full = await solveDmft(input);
    expect(full.status).toBe('Success');
    expect(full.stats.theta!.steps).toBeGreaterThan(40);
    expect(full.checkpoint).toBeUndefined();
  });

  it('signal in the reported run (from the stepping iterator): Terminated + checkpoint; resume = uninterrupted', async () => {
    const ctl = new AbortController();
    const half = await solveDmft(input, { signal: ctl.signal, onStep: (e) => void (e.row === 20 && ctl.abort()) });
    expect(half.status).toBe('Terminated');
    expect(half.checkpoint?.solver).toBe('theta');
    expect(half.t.length).toBeLessThan(full.t.length);
    expect(half.testError.every(Number.isFinite)).toBe(true);
    const cp = roundTrip(half.checkpoint!);
    expect(cp.rows).toBe(half.t.length); // rows 0..rows−1 final, the curves written so far
    expect(cp.t).toBe(half.t.at(-1));
    const rest = await solveDmft(input, { resumeFrom: cp });
    expect(rest.status).toBe('Success');
    expect(hex(rest)).toBe(hex(full));
    expect(statsOf(rest)).toBe(statsOf(full));
  });

  it('signal in the 10·rtol error-estimate run: Terminated with complete curves; resume finishes only that run', async () => {
    const ctl = new AbortController();
    const late = await solveDmft(input, {
      signal: ctl.signal,
      onProgress: (e) => {
        if (e.fraction > 0.8 && e.fraction < 1) ctl.abort();
      },
    });
    expect(late.status).toBe('Terminated');
    expect(late.message).toMatch(/error-estimate run/);
    expect(hex({ ...late, stats: full.stats } as DmftSolution)).toBe(hex(full)); // the curves are complete
    const cp = roundTrip(late.checkpoint!);
    expect((cp.state as { pass: number }).pass).toBe(2);
    const steps: number[] = [];
    const rest = await solveDmft(input, { resumeFrom: cp, onStep: (e) => steps.push(e.row) });
    expect(steps).toEqual([]); // the reported run is not computed again
    expect(hex(rest)).toBe(hex(full));
    expect(statsOf(rest)).toBe(statsOf(full)); // the same error estimate
  });

  it('periodic checkpoints (both runs): any of them resumes to the same bytes; checkpointing does not change the run', async () => {
    const cps: DmftCheckpoint[] = [];
    const again = await solveDmft(input, { checkpointEveryMs: 0, onCheckpoint: (c) => cps.push(roundTrip(c as DmftCheckpoint)) });
    expect(hex(again)).toBe(hex(full));
    expect(statsOf(again)).toBe(statsOf(full));
    const pass = (c: DmftCheckpoint) => (c.state as { pass: number }).pass;
    expect(cps.filter((c) => pass(c) === 1).length).toBeGreaterThan(1);
    for (let i = 1; i < cps.length; i++) if (pass(cps[i]) === 1) expect(cps[i].rows).toBeGreaterThan(cps[i - 1].rows);
    const picks = [cps[0], cps[Math.floor(cps.length / 2)], cps.at(-1)!];
    for (const cp of picks) {
      const rest = await solveDmft(input, { resumeFrom: cp });
      expect(hex(rest)).toBe(hex(full));
      expect(statsOf(rest)).toBe(statsOf(full));
    }
  });

  it('stopAfterSteps: NotConverged with a checkpoint, the resume completes byte-identically', async () => {
    const paused = await solveDmft(input, { stopAfterSteps: 15 });
    expect(paused.status).toBe('NotConverged');
    expect(paused.stats.theta!.steps).toBe(15);
    const rest = await solveDmft(input, { resumeFrom: roundTrip(paused.checkpoint!) });
    expect(hex(rest)).toBe(hex(full));
  });

  it('refused (one line): another problem, another solver, another state layout or step control', async () => {
    const ctl = new AbortController();
    const half = await solveDmft(input, { signal: ctl.signal, onStep: (e) => void (e.row === 5 && ctl.abort()) });
    const cp = half.checkpoint!;
    await expect(solveDmft({ ...input, tau: 0.31 }, { resumeFrom: cp })).rejects.toThrow(/different problem/);
    await expect(solveDmft({ ...input, thetaNodes: 32 }, { resumeFrom: cp })).rejects.toThrow(/different problem/);
    await expect(solveDmft({ ...input, grid: 'adaptive' }, { resumeFrom: cp })).rejects.toThrow(/written by the theta solver/);
    const layout = { ...cp, state: { ...cp.state, layout: '{"NF":0}' } };
    await expect(solveDmft(input, { resumeFrom: layout })).rejects.toThrow(/another version/);
    const control = { ...cp, state: { ...cp.state, control: '{}' } };
    await expect(solveDmft(input, { resumeFrom: control })).rejects.toThrow(/different control/);
    for (const bad of [layout, control]) await solveDmft(input, { resumeFrom: bad }).catch((e: Error) => expect(e.message.split('\n')).toHaveLength(1));
  });
});

describe('θ grid: the state is carried field by field', () => {
  it('every field of a running ThetaState survives the checkpoint bytes (fails if one is dropped)', () => {
    const p = dmftProblem({ ...input, grid: 'adaptive' });
    const ctl = { rtol: 1e-3, atol: 1e-3, L: 24 };
    const paused = runTheta(p, { ctl, stopAfterSteps: 10 }).paused!;
    // The fields a ThetaState has (from the allocator, so a field added there is checked too) are all in the
    // snapshot, and each comes back from the bytes with the same type and bits.
    const fields = Object.keys(thetaAlloc(24, 4)).sort();
    expect(Object.keys(paused.state).sort()).toEqual(fields);
    const back = unpackState(roundTrip(packState(paused))) as ThetaResume;
    expect(Object.keys(back.state).sort()).toEqual(fields);
    for (const k of fields) {
      const a = (paused.state as unknown as Record<string, unknown>)[k];
      const b = (back.state as unknown as Record<string, unknown>)[k];
      if (ArrayBuffer.isView(a)) {
        expect((b as object).constructor, k).toBe(a.constructor);
        expect(Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from((b as Float64Array).buffer)), k).toBe(0);
      } else expect(b, k).toEqual(a);
    }
    // The rest of the resume state: controller scalars, f arrays, history (Float64 bits, −0 included).
    for (const k of Object.keys(paused) as (keyof ThetaResume)[]) if (k !== 'state') expect(back[k], k).toEqual(paused[k]);
  });

  it('packState round-trips typed arrays of other types, number arrays (−0, NaN) and nested objects exactly', () => {
    const v = {
      i32: new Int32Array([-(2 ** 31), 0, 2 ** 31 - 1]),
      u8: new Uint8Array([0, 255]),
      f32: new Float32Array([Math.fround(Math.PI), -0]),
      f64: new Float64Array([1e-310, -0]),
      nums: [0, -0, NaN, Infinity, 2 ** 53 + 2],
      mixed: [1, 'x', null, { y: [true] }],
      nested: { s: 'é', n: -Infinity, skip: undefined },
    };
    const back = unpackState(roundTrip(packState(v))) as typeof v;
    expect(back.i32).toBeInstanceOf(Int32Array);
    expect(Array.from(back.i32)).toEqual(Array.from(v.i32));
    expect(back.u8).toBeInstanceOf(Uint8Array);
    expect(Array.from(back.u8)).toEqual([0, 255]);
    expect(back.f32).toBeInstanceOf(Float32Array);
    expect(Object.is(back.f32[1], -0) && back.f32[0] === v.f32[0]).toBe(true);
    expect(Object.is(back.f64[1], -0) && back.f64[0] === 1e-310).toBe(true);
    expect(Object.is(back.nums[1], -0)).toBe(true);
    expect(Number.isNaN(back.nums[2]) && back.nums[3] === Infinity && back.nums[4] === 2 ** 53 + 2).toBe(true);
    expect(back.mixed).toEqual(v.mixed);
    expect(back.nested).toEqual({ s: 'é', n: -Infinity });
    expect(() => packState({ big: new BigInt64Array(1) })).toThrow(/BigInt64Array/);
    expect(() => packState({ d: new Date() })).toThrow(/not a plain value/);
    expect(() => packState({ $x: 1 } as unknown as StateValue)).toThrow(/reserved/);
  });

  it('the checkpoint clock is asked after every step, not only at the event-loop yields (a fast machine)', async () => {
    // yieldMs = 1e9: the run never yields, as on a machine that finishes it within one 20 ms yield (CI:
    // a checkpointEveryMs of 0 then gave a single checkpoint). An always-due clock must still give one
    // checkpoint per step, on the θ grid and on the adaptive grid.
    const p = dmftProblem({ ...input, grid: 'adaptive' });
    const ctl = { rtol: 1e-3, atol: 1e-3, L: 24 };
    let theta = 0;
    const r = await runThetaAsync(p, { ctl, checkpointDue: () => true, onCheckpoint: () => void theta++ }, 1e9);
    expect(r.steps).toBeGreaterThan(40);
    expect(theta).toBeGreaterThanOrEqual(r.steps - 1);
    let adaptive = 0;
    const a = await runAdaptiveAsync(
      p,
      { rtol: 1e-2, atol: 1e-2, dtMax: p.eta },
      { budgetBytes: 1 << 30, checkpointDue: () => true, onCheckpoint: () => void adaptive++, yieldMs: 1e9 },
    );
    expect(a.rows).toBeGreaterThan(10);
    expect(adaptive).toBeGreaterThanOrEqual(a.rows - 2);
  });

  it('a resume keeps the paused state intact (it can be resumed twice) and allocates the capacity the run had', async () => {
    const p = dmftProblem({ ...input, grid: 'adaptive' });
    const ctl = { rtol: 1e-3, atol: 1e-3, L: 24 };
    const full = runTheta(p, { ctl });
    const paused = runTheta(p, { ctl, stopAfterSteps: 70 }).paused!; // past the first growth of the slices
    expect(paused.capacity).toBeGreaterThan(64);
    const keep = Buffer.from(paused.state.S.buffer).toString('hex');
    for (let i = 0; i < 2; i++) {
      const rest = await runThetaAsync(p, { ctl, resume: paused }, 0);
      expect(Array.from(rest.ets)).toEqual(Array.from(full.ets));
      expect(rest.memoryBytes).toBe(full.memoryBytes);
      expect(rest.history).toEqual(full.history);
    }
    expect(Buffer.from(paused.state.S.buffer).toString('hex')).toBe(keep);
  });
});

describe('θ grid: the stepping iterator', () => {
  it('onStep sees row 0 and every accepted step once, in order, with the observables of the output', async () => {
    const ev: { t: number; row: number; tr: number; ts: number; a: number; v: number; co: number }[] = [];
    const s = await solveDmft(input, { onStep: (e) => ev.push({ t: e.t, row: e.row, tr: e.trainError, ts: e.testError, a: e.a, v: e.v, co: e.Co }) });
    expect(ev.map((x) => x.row)).toEqual(s.t.map((_, k) => k));
    expect(ev.map((x) => x.t)).toEqual(s.t);
    expect(ev.map((x) => x.tr)).toEqual(s.trainError);
    expect(ev.map((x) => x.ts)).toEqual(s.testError);
    expect(ev.map((x) => x.a)).toEqual(s.a);
    expect(ev.map((x) => x.v)).toEqual(s.v);
    expect(ev.map((x) => x.co)).toEqual(s.Co);
  });

  it('dmftSteps yields the steps and returns the Solution; leaving early stops the solve', async () => {
    const full = await solveDmft(input);
    const it = dmftSteps(input);
    const ts: number[] = [];
    let r = await it.next();
    while (!r.done) {
      ts.push(r.value.t);
      r = await it.next();
    }
    expect(ts).toEqual(full.t);
    expect(hex(r.value)).toBe(hex(full));
    let n = 0;
    const t0 = performance.now();
    for await (const _ of dmftSteps({ ...input, tMax: 1e4 } as DmftProblemInput)) if (++n === 5) break; // would take minutes
    expect(n).toBe(5);
    expect(performance.now() - t0).toBeLessThan(20_000);
  });

  it('progress: fraction √(t/tMax) over the reported run, then the error-estimate run; increasing, ends at 1', async () => {
    const seen: { fraction: number; phase: string }[] = [];
    await solveDmft(input, { onProgress: (e) => seen.push(e) } satisfies DmftSolveOptions);
    const f = seen.map((e) => e.fraction);
    for (let i = 1; i < f.length; i++) expect(f[i]).toBeGreaterThanOrEqual(f[i - 1]);
    expect(f.at(-1)).toBeCloseTo(1, 12);
    expect(seen[1].phase).toMatch(/^step 1, t = /);
    expect(seen.some((e) => /error-estimate run/.test(e.phase))).toBe(true);
  });
});
