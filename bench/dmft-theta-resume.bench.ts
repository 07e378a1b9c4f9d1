// Cost of stopping and resuming the θ grid (issue 11 item 4): the async driver's yields, periodic checkpoints
// to a file, and the previous chunked driver, against one synchronous runTheta call; then a stop half-way
// through the file bytes and a resume (byte-identical check) with the checkpoint's size and write/read times.
// Variants interleaved, medians of REPEATS (default 3). One command:
//   node --import tsx bench/dmft-theta-resume.bench.ts        (env: M, TMAX, L, RTOL, REPEATS, EVERY_MS)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dmftProblem } from '../src/dmft/problem.js';
import { runTheta, runThetaAsync, type ThetaRaw, type ThetaResume } from '../src/dmft/theta-grid.js';
import { packState, unpackState } from '../src/dmft/checkpoint.js';
import { CheckpointFile } from '../src/io/checkpoint-file.js';
import { NT } from '../src/numerics/dmft-theta.js';

const env = (k: string, d: number) => (process.env[k] ? Number(process.env[k]) : d);
const m = env('M', 256),
  tMax = env('TMAX', 512),
  L = env('L', 64),
  rtol = env('RTOL', 1e-3),
  REPEATS = env('REPEATS', 3),
  EVERY_MS = env('EVERY_MS', 1000);
const problem = (T: number) => dmftProblem({ m, alpha: 0.3, tau: 0.3, h: [0, 0.9, 0, 1 / 6], a0: 1, tMax: T, grid: 'adaptive' });
const p = problem(tMax);
const ctl = { rtol, atol: rtol, L };
const dir = mkdtempSync(join(tmpdir(), 'ld-theta-bench-'));
const file = new CheckpointFile(dir, 'bench');
const median = (x: number[]) => [...x].sort((a, b) => a - b)[Math.floor(x.length / 2)];
const same = (a: ThetaRaw, b: ThetaRaw) =>
  (['t', 'a', 'v', 'etr', 'ets', 'coDiag', 'cd0', 'nu'] as const).every((k) => Buffer.compare(Buffer.from(a[k].buffer), Buffer.from(b[k].buffer)) === 0);

console.log(`θ grid, m = ${m}, t_max = ${tMax}, L = ${L}, rtol = ${rtol} (unlearning setting: α = τ = 0.3, h = 0.9q + q³/6, a₀ = 1)`);
let ref: ThetaRaw | undefined;
let writes = 0;
const variants: Record<string, () => Promise<ThetaRaw>> = {
  'runTheta (one synchronous call)': async () => runTheta(p, { ctl }),
  'runThetaAsync + signal (yields every 20 ms)': () => runThetaAsync(p, { ctl, signal: new AbortController().signal }),
  [`… + checkpoint file every ${EVERY_MS / 1000} s`]: () => {
    let last = Date.now();
    return runThetaAsync(p, {
      ctl,
      signal: new AbortController().signal,
      checkpointDue: () => Date.now() - last >= EVERY_MS && ((last = Date.now()), true),
      onCheckpoint: (r) => {
        file.save(packState(r));
        writes++;
      },
    });
  },
  'previous driver: chunks of 16 steps via stopAfterSteps/resume': async () => {
    let resume: ThetaResume | undefined;
    for (;;) {
      const r = runTheta(p, { ctl, resume, stopAfterSteps: (resume?.steps ?? 0) + 16 });
      if (!r.paused) return r;
      resume = r.paused;
      await new Promise((res) => setImmediate(res));
    }
  },
};
runTheta(problem(tMax / 16), { ctl }); // warm-up (JIT)
const times: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
for (let rep = 0; rep < REPEATS; rep++)
  for (const [name, f] of Object.entries(variants)) {
    const t0 = performance.now();
    const r = await f();
    times[name].push(performance.now() - t0);
    if (!ref) ref = r;
    else if (!same(r, ref)) throw new Error(`${name}: not bit-identical to the first run`);
  }
const base = median(times[Object.keys(times)[0]]);
console.log(`${ref!.steps} steps, ${ref!.rejections} rejected, memory ${(ref!.memoryBytes / 1e6).toFixed(1)} MB; all variants bit-identical`);
console.log('| variant | median s | ratio |');
console.log('|---|---|---|');
for (const [name, t] of Object.entries(times)) console.log(`| ${name} | ${(median(t) / 1000).toFixed(2)} | ${(median(t) / base).toFixed(3)} |`);
console.log(`(checkpoint files written during the timed runs: ${writes})`);

// Stop half-way, write the checkpoint, read it back, resume: the arrays equal the uninterrupted run's.
const half = runTheta(p, { ctl, stopAfterSteps: Math.floor(ref!.steps / 2) }).paused!;
let t0 = performance.now();
const bytes = file.save(packState(half));
const writeMs = performance.now() - t0;
t0 = performance.now();
const back = unpackState(file.load() as never) as ThetaResume;
const readMs = performance.now() - t0;
const endState = runTheta(p, { ctl, stopAfterSteps: ref!.steps - 1 }).paused!;
t0 = performance.now();
const rest = runTheta(p, { ctl, resume: back });
const restMs = performance.now() - t0;
console.log(
  `stop at step ${half.steps} (t = ${half.state.T[half.state.K * NT].toPrecision(4)}): checkpoint ${(bytes / 1e6).toFixed(2)} MB, write+fsync ${writeMs.toFixed(0)} ms, read ${readMs.toFixed(0)} ms; resume to the end ${(restMs / 1000).toFixed(2)} s (${((100 * restMs) / base).toFixed(0)} % of a full run); byte-identical: ${same(rest, ref!)}`,
);
console.log(`checkpoint size near the end (step ${endState.steps}): ${(packBytes(endState) / 1e6).toFixed(2)} MB`);
rmSync(dir, { recursive: true, force: true });

function packBytes(r: ThetaResume): number {
  return file.save(packState(r));
}
