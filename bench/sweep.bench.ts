// Sweep benchmarks (issue 9 targets):
//  1. per-cell overhead in-process (prepare + write the cell's --out folder, figure included, + lock/
//     rename), beyond the solve: ≤ 20 ms (median over the cells of a committee ode sweep, --jobs 1),
//     beside the direct figure render (before the shape cache) and --no-cell-figures;
//  2. a 200-cell `committee ode` sweep with --jobs 2 finishes in ≤ 0.6 × the sum of its cells' solve
//     times (measured by the same run);
//  3. merging 10⁴ cells × 100 times (synthetic cell folders) ≤ 10 s.
// Runs the built code (dist/: the worker pool needs it; npm run build first).
// Usage: node --import tsx bench/sweep.bench.ts [cells=200]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENGINES } from '../dist/engines.js';
import { expandSweep } from '../dist/sweep/spec.js';
import { runSweep, sweepFile } from '../dist/sweep/run.js';
import { mergeSweep } from '../dist/sweep/merge.js';
import { encodeOutputs } from '../dist/io/index.js';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
type Outcome = Awaited<ReturnType<typeof runSweep>>['ran'][number];
/** A cell's overhead beyond its solve: its time in runCellJob minus the solve, plus its lane's lock,
 *  check and unlock. */
const overheadOf = (c: Outcome) => c.totalMs - c.solveMs + (c.lockMs ?? 0);
const cellsArg = Number(process.argv[2] ?? 200);
const skipRun = cellsArg === 0;
const root = mkdtempSync(join(tmpdir(), 'sweep-bench-'));
let ok = true;

if (!skipRun) {
  // 1 + 2. A committee ode sweep over (lr, noise): 200 cells, solves of a few tens of ms each.
  const lrs = Array.from({ length: 20 }, (_, i) => 0.1 + 0.1 * i);
  const noises = Array.from({ length: Math.max(1, Math.round(cellsArg / 20)) }, (_, i) => 1e-4 * i);
  const spec = { command: 'committee ode', base: { p: 6, k: 3, tMax: 5000, tCount: 100 }, grid: { lr: lrs, noise: noises } };
  const sw = await expandSweep(spec, ENGINES);
  console.log(`committee ode sweep: ${sw.cells.length} cells (measured on a loaded 2-core machine; ratios from one run)`);

  // Warm-up (module compile, figure renderer) outside the timed runs.
  await runSweep(await expandSweep({ ...spec, grid: { lr: [0.3], noise: [0.5] } }, ENGINES), join(root, 'warm'), { engines: ENGINES });

  // 1. --jobs 1 three ways in one run, interleaved by blocks of cells (the machine's load drifts):
  //    figures through the shape cache (the default), figures rendered directly (before the cache),
  //    no cell figures. Per-cell overhead = the cell's wall time − its solve time.
  const modes = [
    { name: 'figures (shape cache)', opts: { cellFigures: true } },
    { name: 'figures (direct render)', opts: { cellFigures: true, figureCache: false } },
    { name: '--no-cell-figures', opts: { cellFigures: false } },
  ];
  const blocks = 5;
  const perBlock = Math.ceil(sw.cells.length / blocks);
  const overheads = modes.map(() => [] as number[]);
  const solves = modes.map(() => [] as number[]);
  const outcomes = modes.map(() => [] as Outcome[]);
  for (let b = 0; b < blocks; b++) {
    const part = { ...sw, cells: sw.cells.slice(b * perBlock, (b + 1) * perBlock) };
    for (let i = 0; i < modes.length; i++) {
      const k = (i + b) % modes.length; // rotate the order
      const r = await runSweep(part, join(root, `jobs1-${k}-${b}`), { engines: ENGINES, jobs: 1, ...modes[k].opts });
      for (const c of r.ran) {
        overheads[k].push(overheadOf(c));
        solves[k].push(c.solveMs);
        outcomes[k].push(c);
      }
    }
  }
  const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(0.9 * xs.length)];
  for (let k = 0; k < modes.length; k++)
    console.log(
      `--jobs 1, ${modes[k].name.padEnd(24)} per-cell overhead median ${median(overheads[k]).toFixed(1)} ms (p90 ${p90(overheads[k]).toFixed(1)} ms); solve median ${median(solves[k]).toFixed(1)} ms`,
    );
  // Where the overhead of the default mode goes: medians of each stage (they need not add up to the
  // median overhead exactly; "other" is the median of what no stage timer covers: awaits, the
  // runtime's set-up outside the solve, the outcome).
  const stageNames = ['prepare', 'bundle', 'svg', 'encode', 'write', 'lock'] as const;
  const stageOf = (c: Outcome, n: (typeof stageNames)[number]) => (n === 'lock' ? (c.lockMs ?? 0) : (c.stages?.[n] ?? 0));
  for (let k = 0; k < modes.length; k++) {
    const cells = outcomes[k];
    const other = cells.map((c) => overheadOf(c) - stageNames.reduce((s, n) => s + stageOf(c, n), 0));
    console.log(
      `  breakdown, ${modes[k].name} (medians, ms): ${stageNames.map((n) => `${n} ${median(cells.map((c) => stageOf(c, n))).toFixed(2)}`).join(', ')}, other ${median(other).toFixed(2)}`,
    );
  }
  const ovh = median(overheads[0]);
  console.log(
    `  ${ovh <= 20 ? 'PASS' : 'FAIL'}: per-cell overhead with the figure ${ovh.toFixed(1)} ms (target ≤ 20 ms; aim ≤ 10 ms: ${ovh <= 10 ? 'met' : 'missed'})`,
  );
  if (ovh > 20) ok = false;
  const sumSolve1 = solves.flat().reduce((s, x) => s + x, 0) / modes.length;

  // 2. --jobs 2 over the whole sweep (with and without cell figures) against Σ solve of --jobs 1.
  for (const figures of [true, false]) {
    const two = await runSweep(sw, join(root, `jobs2-${figures}`), { engines: ENGINES, jobs: 2, cellFigures: figures });
    const sumSolve2 = two.ran.reduce((s, c) => s + c.solveMs, 0);
    const sumTotal2 = two.ran.reduce((s, c) => s + c.totalMs, 0);
    const sumOver2 = two.ran.reduce((s, c) => s + overheadOf(c), 0);
    // Σ solve in the --jobs 1 runs is the reference (in the pool each solve shares the cores).
    const ratio = two.wallMs / sumSolve1;
    console.log(
      `--jobs 2${figures ? '' : ' --no-cell-figures'}: wall ${(two.wallMs / 1000).toFixed(2)} s = ${ratio.toFixed(2)} × Σ solve (jobs 1: ${(sumSolve1 / 1000).toFixed(2)} s); Σ solve inside the pool ${(sumSolve2 / 1000).toFixed(2)} s (wall = ${(two.wallMs / sumSolve2).toFixed(3)} × that), Σ overhead ${(sumOver2 / 1000).toFixed(2)} s`,
    );
    // Lane occupancy: Σ cell time in the two lanes (the main thread and one worker) / (2 × wall) — 1
    // when no lane ever waits (start-up, the last cell, anything serialised); on a loaded machine the
    // solves themselves slow down (Σ solve inside the pool > Σ solve of --jobs 1), which this
    // separates out. Per lane: how many cells it ran and their median solve and overhead (the worker
    // starts cold: it loads the engines and its JIT warms up on its first cells).
    console.log(
      `  lane occupancy ${(sumTotal2 / (2 * two.wallMs)).toFixed(2)} (Σ cell time in the lanes ${(sumTotal2 / 1000).toFixed(2)} s / (2 × wall)); per-cell overhead in the pool median ${median(two.ran.map(overheadOf)).toFixed(1)} ms; first outcome after ${(two.firstOutcomeMs ?? NaN).toFixed(0)} ms`,
    );
    for (const lane of [0, 1]) {
      const mine = two.ran.filter((c) => (c.lane ?? 0) === lane);
      if (mine.length)
        console.log(
          `  lane ${lane} (${lane ? 'worker' : 'main thread'}): ${mine.length} cells, solve median ${median(mine.map((c) => c.solveMs)).toFixed(1)} ms, overhead median ${median(mine.map(overheadOf)).toFixed(1)} ms (${stageNames.map((n) => `${n} ${median(mine.map((c) => stageOf(c, n))).toFixed(2)}`).join(', ')})`,
        );
    }
    console.log(`  ${ratio <= 0.6 ? 'PASS' : 'FAIL'}: --jobs 2${figures ? '' : ' --no-cell-figures'} wall ${ratio.toFixed(2)} × Σ solve (target ≤ 0.6)`);
    if (ratio > 0.6 && figures) ok = false;
  }
}

// 3. Merge of 10⁴ synthetic cells × 100 times (t, risk, riskSE).
const N = Number(process.env.MERGE_CELLS ?? 10_000);
const T = 100;
const mdir = join(root, 'merge');
mkdirSync(join(mdir, 'cells'), { recursive: true });
const fake = await expandSweep(
  { command: 'committee ode', base: { p: 2, k: 2, lr: 1 }, grid: { noise: Array.from({ length: N }, (_, i) => i * 1e-6) } },
  ENGINES,
);
const t = Float64Array.from({ length: T }, (_, i) => 10 ** (i / 25));
for (const c of fake.cells) {
  const risk = t.map((x) => Math.exp(-x / (1 + c.index)));
  const enc = await encodeOutputs({
    arrays: { t, risk, riskSE: risk.map((x) => x / 10) },
    npy: false,
    manifest: {
      version: 'bench',
      command: ['bench'],
      problem: c.params,
      seed: 0,
      rngScheme: 'none',
      wasm: { variant: 'ts', simd: false, threads: false, noLiftoff: false },
      status: 'Success',
      stats: { summary: { riskFinal: risk[T - 1] } },
    },
  });
  const d = join(mdir, 'cells', c.id);
  mkdirSync(d);
  for (const [name, bytes] of enc.files) writeFileSync(join(d, name), bytes);
}
writeFileSync(join(mdir, 'sweep.json'), JSON.stringify(sweepFile(fake)));
const m0 = performance.now();
const merged = await mergeSweep(mdir);
const mergeMs = performance.now() - m0;
console.log(
  `merge of ${N} cells × ${T} times: ${(mergeMs / 1000).toFixed(2)} s (table.csv ${(merged.files['table.csv'].length / 1e6).toFixed(1)} MB; target ≤ 10 s)`,
);
console.log(`  ${mergeMs <= 10_000 ? 'PASS' : 'FAIL'}: merge ${(mergeMs / 1000).toFixed(2)} s (target ≤ 10 s)`);
if (mergeMs > 10_000) ok = false;
if (process.env.KEEP) console.log(`kept ${root}`);
else rmSync(root, { recursive: true, force: true });
process.exitCode = ok ? 0 : 1;
