// The θ-grid Wasm kernel (assembly/dmft_theta.ts, dmft_theta_eval) against its TS twin thetaEval
// (src/numerics/dmft-theta.ts): the kernel is a literal port with the S/D lanes paired in f64x2 and no
// reassociation, so whole runs agree bitwise — SIMD build, scalar build, the twin behind the 'ts' runtime and
// the host solver — on settings that exercise every branch (mean-field and lazy init, φ̂ present or not,
// spherical or not, frozen a, m = 1). Also: the evaluator's slice mirror across chunks, pause/resume and state
// objects it has not seen, and that it gives its arena memory back.
import { describe, expect, it } from 'vitest';
import { dmftProblem, type DmftProblemInput } from '../../src/dmft/problem.js';
import { runTheta, runThetaAsync, thetaParams, type ThetaRaw } from '../../src/dmft/theta-grid.js';
import { wasmEvaluator } from '../../src/dmft/theta-eval.js';
import { thetaGrid } from '../../src/numerics/dmft-theta.js';
import { loadWasm, tsRuntime, type WasmRuntime } from '../../src/wasm/runtime.js';

const H3 = [0, 0.9, 0, 1 / 6];
const SERIES = ['t', 'a', 'v', 'nu', 'etr', 'ets', 'coDiag', 'cd0'] as const;

/** Bitwise equality of every output series (Object.is: also −0 and NaN patterns). */
function expectSame(x: ThetaRaw, y: ThetaRaw, what: string): void {
  expect(y.rows, what).toBe(x.rows);
  expect(y.steps, what).toBe(x.steps);
  expect(y.rejections, what).toBe(x.rejections);
  for (const k of SERIES) {
    const bad = Array.from(x[k]).findIndex((v, i) => !Object.is(v, y[k][i]));
    expect(bad, `${what}: ${k}[${bad}]`).toBe(-1);
  }
}

const CASES: [string, DmftProblemInput, number][] = [
  ['mean-field init, single index (V10 unlearning), m = 16', { m: 16, alpha: 0.3, tau: 0.3, h: H3, a0: 1, tMax: 3 }, 24],
  [
    'lazy init, pure noise, frozen a, no φ̂ (V2), m = 64',
    { m: 64, alpha: 0.5, tau: 1, h: [0, 0.3, 0.5], phiHat: 'none', init: 'lazy', gamma0: 1, frozenA: true, tMax: 0.2 },
    20,
  ],
  [
    'Marchenko–Pastur (V1): m = 1, frozen a, not spherical',
    { m: 1, alpha: 2, tau: 0.5, h: [0, 1], phiHat: [0, 1], phiNorm2: 1, a0: 1, frozenA: true, spherical: false, tMax: 2 },
    20,
  ],
];

describe('dmft_theta_eval (Wasm) vs thetaEval (TS twin): whole runs bitwise equal', async () => {
  const runtimes: [string, WasmRuntime][] = [
    ['release (SIMD)', await loadWasm({ variant: 'release' })],
    ['scalar', await loadWasm({ variant: 'scalar' })],
    ["twin behind the 'ts' runtime", tsRuntime()],
  ];
  for (const [name, input, L] of CASES)
    it(name, () => {
      const p = dmftProblem({ ...input, grid: 'adaptive' });
      const ctl = { rtol: 1e-3, atol: 1e-3, L };
      const grid = thetaGrid(L, 1e4);
      const host = runTheta(p, { ctl, grid });
      expect(host.status).toBe('Success');
      expect(host.steps).toBeGreaterThan(10);
      for (const [rn, rt] of runtimes) expectSame(host, runTheta(p, { ctl, grid, runtime: rt }), rn);
    });
});

describe('the evaluator: slice mirror, resumption, memory', async () => {
  const rt = await loadWasm({ variant: 'release' });
  const p = dmftProblem({ m: 16, alpha: 0.3, tau: 0.3, h: H3, a0: 1, tMax: 3, grid: 'adaptive' });
  const ctl = { rtol: 1e-3, atol: 1e-3, L: 24 };
  it('the async driver (one mirror across its yields) and pause/resume (a fresh state object) equal one host run bit for bit', async () => {
    const host = runTheta(p, { ctl });
    const before = rt.arena.mark();
    expectSame(host, await runThetaAsync(p, { ctl, runtime: rt }, 5), 'runThetaAsync, yielding every 5 ms');
    const half = runTheta(p, { ctl, runtime: rt, stopAfterSteps: 17 });
    expect(half.paused).toBeDefined();
    expectSame(host, runTheta(p, { ctl, runtime: rt, resume: structuredClone(half.paused!) }), 'paused on Wasm, resumed on Wasm');
    expectSame(host, runTheta(p, { ctl, resume: structuredClone(half.paused!) }), 'paused on Wasm, resumed on the host');
    expect(rt.arena.mark()).toBe(before); // every evaluator gave its memory back
  });
  it('one evaluator reused for another run of the same problem resynchronises its mirror', () => {
    const G = thetaGrid(24, 1e3);
    const host = runTheta(p, { ctl, grid: G });
    const ev = wasmEvaluator(rt, thetaParams(p), G);
    const first = runTheta(p, { ctl, grid: G, evaluator: ev });
    const tighter = runTheta(p, { ctl: { ...ctl, rtol: 3e-4, atol: 3e-4 }, grid: G, evaluator: ev }); // other slice times
    const again = runTheta(p, { ctl, grid: G, evaluator: ev });
    ev.dispose();
    expectSame(host, first, 'first run');
    expectSame(runTheta(p, { ctl: { ...ctl, rtol: 3e-4, atol: 3e-4 }, grid: G }), tighter, 'a run with other slice times');
    expectSame(host, again, 'the first problem again');
    expect(ev.bytes).toBeGreaterThan(0);
  });
});

// The near-diagonal memory rate κ in the frozen ETD rates (src/dmft/theta-grid.ts): without it the loose run of
// the error estimate (rtol 1e-2) at m = 1024 blew up near t ≈ 5200 (e_ts ≈ 2·10⁴, 'Unstable'); with it the run
// ends 'Success' and tracks the rtol 1e-3 run within its own tolerance on e_ts. Two long runs, ≈ 5 s in Wasm on a loaded machine.
describe('the 10·rtol estimate run stays stable (m = 1024 to t = 10240)', async () => {
  const rt = await loadWasm({ variant: 'release' });
  it('rtol 1e-2 ends Success, within 1e-2 (its rtol) of the rtol 1e-3 run in e_ts, in fewer steps', () => {
    const p = dmftProblem({ m: 1024, alpha: 0.3, tau: 0.3, h: H3, a0: 1, tMax: 10240, grid: 'adaptive' });
    const tight = runTheta(p, { ctl: { rtol: 1e-3, atol: 1e-3, L: 64 }, runtime: rt });
    const loose = runTheta(p, { ctl: { rtol: 1e-2, atol: 1e-2, L: 64 }, runtime: rt });
    expect(tight.status).toBe('Success');
    expect(loose.status).toBe('Success');
    let gap = 0;
    for (let k = 0; k < loose.rows; k++) {
      let i = 0;
      while (i < tight.rows - 2 && tight.t[i + 1] < loose.t[k]) i++;
      const u = (loose.t[k] - tight.t[i]) / (tight.t[i + 1] - tight.t[i]);
      gap = Math.max(gap, Math.abs((1 - u) * tight.ets[i] + u * tight.ets[i + 1] - loose.ets[k]));
    }
    expect(gap).toBeLessThan(1e-2);
    expect(loose.steps).toBeLessThan(tight.steps);
  });
});
