// solve(problem) → Solution for the kernel-flow engine: Oracle World (T1, exact), Empirical World
// simulation over S seeds (mean ± s.e.), theory for the Empirical World (T3 block approximation,
// T4 eigenlearning), stage boundaries and a text report. One Problem object feeds theory and
// simulation, and the Solution carries the resolved Problem so a manifest reproduces the run.
import { loadWasm, type WasmRuntime } from '../wasm/runtime.js';
import { InlineExecutor, WorkerPool, type Executor } from '../wasm/exec.js';
import { MemoryBudgetError } from '../wasm/arena.js';
import { kernelProblem, type KernelProblem, type KernelProblemInput } from './problem.js';
import { concurrency, estimateMemory, resolveMethod } from './memory.js';
import { allocateReplicate, runReplicate, type ReplicateResult } from './empirical.js';
import { buildSetup, type KernelSetup } from './setup.js';
import { theoryCurves } from './theory-curves.js';
import { allFinite, TERMINATED_MESSAGE, type ProgressEvent, type SolveOptions as ContractOptions, type Status } from '../core/contract.js';

export type { ProgressEvent };
/** Kernel solve options (the engine contract's); onPartial receives each finished seed's result. */
export type SolveOptions = ContractOptions<ReplicateResult & { seed: number }>;

export interface KernelCurves {
  oracle: number[];
  train: number[];
  test: number[];
  trainSE: number[];
  testSE: number[];
  testMC?: number[];
  testMCSE?: number[];
  theoryTrain: number[];
  theoryTest: number[];
  eigenlearningTrain: number[];
  eigenlearningTest: number[];
  gdTrain?: number[];
  gdTest?: number[];
  oracleGd?: number[];
}

/** Per-seed curves (rows = finished seeds in seed order), the rows behind the means `train`, `test`. */
export interface KernelBySeed {
  trainBySeed: number[][];
  testBySeed: number[][];
}

export interface KernelSolution {
  status: Status;
  message?: string;
  t: number[];
  curves: KernelCurves;
  bySeed: KernelBySeed;
  /** Values at t = ∞ (ridgeless interpolant; oracle: approximation error). */
  atInfinity: { train: number; test: number | null; oracle: number };
  stages: { ell: number; t1: number; t2: number; kappa: number };
  spectrum: { degrees: number[]; eigenvalues: number[]; multiplicities: number[] };
  report: string;
  stats: {
    seedsCompleted: number;
    method: 'eigh' | 'lanczos';
    memoryEstimateBytes: number;
    /** Arena high-water mark of the run (≤ the estimate). */
    memoryHighWaterBytes: number;
    /** memory.grow calls after allocation (always 0: buffers are allocated before computing). */
    memoryGrowthsDuringCompute: number;
    replicates: ReplicateResult['stats'][];
    wasm: ReturnType<WasmRuntime['features']>;
  };
  timings: { totalMs: number; replicates: Record<string, number>[] };
  problem: KernelProblem;
}

export function validateKernelProblem(input: KernelProblemInput): { problem: KernelProblem; setup: KernelSetup } {
  const problem = kernelProblem(input);
  const setup = buildSetup(problem); // validates the kernel and the degrees against the spectrum
  const est = estimateMemory(problem);
  if (est.bytes > problem.budgetBytes) throw new MemoryBudgetError(est.bytes, problem.budgetBytes);
  return { problem, setup };
}

export async function solveKernel(input: KernelProblemInput, opts: SolveOptions = {}): Promise<KernelSolution> {
  const start = performance.now();
  const { problem: p, setup } = validateKernelProblem(input);
  const est = estimateMemory(p);
  const method = resolveMethod(p);
  const width = concurrency(p);
  const useThreads = p.threads > 1 && typeof process !== 'undefined';
  const rt = opts.runtime ?? (await loadWasm({ shared: useThreads, budgetBytes: p.budgetBytes }));
  const ownPool = !opts.executor && useThreads && rt.shared;
  const ex: Executor = opts.executor ?? (ownPool ? await WorkerPool.create(rt, p.threads) : new InlineExecutor(rt));
  const progress = opts.onProgress ?? (() => {});
  const results: ReplicateResult[] = [];
  let status: Status = 'Success';
  let message: string | undefined;
  let growsBefore = 0;
  let growsDuring = 0;
  let highWater = 0;
  try {
    const mark = rt.arena.mark();
    const bufs = Array.from({ length: width }, () => allocateReplicate(rt, p, setup, method));
    growsBefore = rt.arena.growCount;
    highWater = rt.arena.highWater;
    // Seeds finished by an interrupted earlier run (--resume) are reused, not recomputed: a replicate
    // depends only on (problem, seed, stream r), so the assembled arrays are byte-identical.
    const finished = new Map<number, ReplicateResult>();
    for (const part of (opts.resume ?? []) as (ReplicateResult & { seed: number })[]) {
      if (Number.isInteger(part?.seed) && part.seed >= 0 && part.seed < p.seeds && part.status !== 'Terminated' && part.status !== 'Unstable')
        finished.set(part.seed, part);
    }
    const todo = Array.from({ length: p.seeds }, (_, r) => r).filter((r) => !finished.has(r));
    for (let first = 0; first < todo.length && status !== 'Unstable'; first += width) {
      if (opts.signal?.aborted) {
        status = 'Terminated';
        message = TERMINATED_MESSAGE;
        break;
      }
      const batch = todo.slice(first, first + width);
      const frac = new Float64Array(batch.length);
      const out = await Promise.all(
        batch.map((r, j) =>
          runReplicate(
            rt,
            ex,
            p,
            setup,
            bufs[j],
            r,
            method,
            (f) => {
              frac[j] = f;
              const done = finished.size + frac.reduce((s, x) => s + x, 0);
              progress({ phase: `seed ${r + 1}/${p.seeds}`, fraction: done / p.seeds });
            },
            opts.signal,
          ),
        ),
      );
      for (const [j, r] of out.entries()) {
        if (r.status === 'Terminated') {
          // Stopped between phases: this seed is dropped; the finished ones are kept.
          status = 'Terminated';
          message = TERMINATED_MESSAGE;
          continue;
        }
        if (r.status === 'Unstable') {
          // Non-finite spectrum: this replicate has no curves. Stop; the finished seeds are reported.
          status = 'Unstable';
          message = r.message;
          break;
        }
        finished.set(batch[j], r);
        opts.onPartial?.({ ...r, seed: batch[j] });
      }
    }
    // Seed order, whatever order they finished in (and whichever run finished them).
    for (const r of [...finished.keys()].sort((x, y) => x - y)) {
      const rep = finished.get(r)!;
      if (rep.status === 'NotConverged' && status !== 'Unstable' && status !== 'Terminated') {
        // Finite but not converged to tolerance (e.g. the Lanczos cap): kept, and the run is flagged.
        status = 'NotConverged';
        message = rep.message;
      }
      results.push(rep);
    }
    growsDuring = rt.arena.growCount - growsBefore;
    highWater = Math.max(highWater, rt.arena.highWater);
    rt.arena.reset(mark);
  } finally {
    if (ownPool) await ex.close();
  }
  const sol = assemble(p, setup, results, status, message);
  sol.stats.method = method;
  sol.stats.memoryEstimateBytes = est.bytes;
  sol.stats.memoryHighWaterBytes = highWater;
  sol.stats.memoryGrowthsDuringCompute = growsDuring;
  sol.stats.wasm = rt.features();
  sol.timings.totalMs = performance.now() - start;
  return sol;
}

function meanSE(rows: Float64Array[], T: number): { mean: number[]; se: number[] } {
  const S = rows.length;
  const mean = new Array<number>(T).fill(0);
  const se = new Array<number>(T).fill(0);
  if (S === 0) return { mean: [], se: [] };
  for (const r of rows) for (let i = 0; i < T; i++) mean[i] += r[i] / S;
  if (S > 1) {
    for (let i = 0; i < T; i++) {
      let v = 0;
      for (const r of rows) v += (r[i] - mean[i]) ** 2;
      se[i] = Math.sqrt(v / (S - 1) / S);
    }
  }
  return { mean, se };
}

function assemble(p: KernelProblem, setup: KernelSetup, reps: ReplicateResult[], status: Status, message: string | undefined): KernelSolution {
  const T = p.tCount;
  const t = Array.from(setup.times);
  const noise2 = p.noiseSd ** 2;
  const shift = p.noisyRisk ? noise2 : 0;
  const train = meanSE(
    reps.map((r) => r.train),
    T,
  );
  const exact = reps.every((r) => r.testExact);
  const testRows = reps.map((r) => (exact ? r.testExact! : r.testMC!)).filter(Boolean);
  const test = meanSE(testRows, T);
  const hasMC = reps.length > 0 && reps.every((r) => r.testMC);
  const mc = hasMC
    ? meanSE(
        reps.map((r) => r.testMC!),
        T,
      )
    : undefined;
  // MC s.e. of the seed mean: across-seed spread already contains the MC noise; with one seed use
  // the MC standard error itself.
  const mcSE = hasMC ? (reps.length > 1 ? mc!.se : Array.from(reps[0].testMCSE!)) : undefined;
  const gd = reps.length > 0 && reps.every((r) => r.gdTrain);
  const addShift = (v: number[]) => v.map((x) => x + shift);
  const curves: KernelCurves = {
    ...theoryCurves(p, setup),
    train: train.mean,
    test: addShift(test.mean),
    trainSE: train.se,
    testSE: reps.length > 1 ? test.se : exact ? new Array(T).fill(0) : (mcSE ?? new Array(T).fill(0)),
    testMC: mc ? addShift(mc.mean) : undefined,
    testMCSE: mcSE,
    gdTrain: gd
      ? meanSE(
          reps.map((r) => r.gdTrain!),
          T,
        ).mean
      : undefined,
    gdTest:
      gd && reps.every((r) => r.gdTest)
        ? addShift(
            meanSE(
              reps.map((r) => r.gdTest!),
              T,
            ).mean,
          )
        : undefined,
  };
  const avg = (f: (r: ReplicateResult) => number | null) => {
    const v = reps.map(f).filter((x): x is number => x !== null && Number.isFinite(x));
    return v.length ? v.reduce((s, x) => s + x, 0) / v.length : NaN;
  };
  const testInf = avg((r) => r.atInfinity.test);
  if (status === 'Success' && reps.length === 0) {
    status = 'NotConverged';
    message = 'no seed finished';
  }
  const bySeed: KernelBySeed = {
    trainBySeed: reps.map((r) => Array.from(r.train.subarray(0, T))),
    testBySeed: testRows.map((r) => Array.from(r.subarray(0, T), (x) => x + shift)),
  };
  if ((curves.gdTrain && !allFinite(curves.gdTrain)) || (curves.gdTest && !allFinite(curves.gdTest))) {
    // A GD step beyond the stability bound 2n/λ_max (K21) makes the GD residuals grow without bound:
    // the GD curves are left out (never written with Inf/NaN) and the run is flagged with the bound.
    const bound = Math.min(...reps.map((r) => r.stats.maxStableLr));
    const eta = reps[0]?.stats.gdLr;
    const dropped: string[] = [];
    for (const k of ['gdTrain', 'gdTest'] as const) {
      if (curves[k] && !allFinite(curves[k]!)) {
        delete curves[k];
        dropped.push(k);
      }
    }
    if (status === 'Success' || status === 'NotConverged') {
      status = 'Unstable';
      message = `GD step η = ${eta} is beyond the stability bound 2n/λ_max = ${bound.toPrecision(4)}: ${dropped.join(' and ')} overflow and ${dropped.length > 1 ? 'are' : 'is'} left out (use --gd-lr auto or a step below the bound)`;
    }
  }
  const finite = Object.values(curves).every((v) => v === undefined || allFinite(v));
  if (status === 'Success' && !finite) {
    // Never a non-finite value under Success (e.g. a GD step beyond 2n/λ_max overflows the GD curves).
    status = 'Unstable';
    const bad = Object.entries(curves)
      .filter(([, v]) => v !== undefined && !allFinite(v))
      .map(([k]) => k);
    message = `non-finite values in ${bad.join(', ')}`;
  }
  return {
    status,
    message,
    t,
    curves,
    bySeed,
    atInfinity: {
      train: avg((r) => r.atInfinity.train),
      test: Number.isFinite(testInf) ? testInf + shift : null,
      oracle: setup.theory.oracleInfinity + shift,
    },
    stages: setup.stages,
    spectrum: setup.spectrumSummary,
    report: setup.report,
    stats: {
      seedsCompleted: reps.length,
      method: 'eigh',
      memoryEstimateBytes: 0,
      memoryHighWaterBytes: 0,
      memoryGrowthsDuringCompute: 0,
      replicates: reps.map((r) => r.stats),
      wasm: { variant: 'release', simd: true, threads: false, noLiftoff: false, relaxedSimd: false }, // placeholder: solveKernel sets rt.features()
    },
    timings: { totalMs: 0, replicates: reps.map((r) => r.timings) },
    problem: p,
  };
}
