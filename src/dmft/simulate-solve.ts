// The direct simulations of dmft.md §11 behind the engine contract: simulateDmft(problem, options)
// validates the problem and the host settings (threads, memory budget) before any allocation, makes
// the runtime and executor it needs (unless given), runs the replicates and resolves to a SimResult
// whose status is one of the contract's ('Terminated' when options.signal fires).
import { z } from 'zod';
import { intAtLeast, parseOrThrow, positive } from '../core/validate.js';
import type { SolveOptions } from '../core/contract.js';
import { MemoryBudgetError } from '../wasm/arena.js';
import { DEFAULT_BUDGET_BYTES, loadWasm, type WasmRuntime } from '../wasm/runtime.js';
import { hardwareThreads, InlineExecutor, WorkerPool, type Executor } from '../wasm/exec.js';
import {
  runSimulation,
  simulateMemoryBytes,
  simulateOptions,
  type SimReplicate,
  type SimResult,
  type SimulateInput,
  type SimulateOptions,
} from './simulate.js';

/** A simulation problem: the model's parameters plus where it runs. */
export type SimulationProblemInput = SimulateInput & { threads?: number; budgetBytes?: number };

const hostSchema = z.object({
  threads: intAtLeast(1, 256).optional(),
  budgetBytes: positive().optional(),
});

export interface SimulationPlan {
  options: SimulateOptions;
  /** Replicates run at once (workers), and the Wasm bytes they need. */
  width: number;
  budgetBytes: number;
  memoryBytes: number;
}

/** Validate everything (exit 2 in the CLI) and size the run; nothing is allocated. */
export async function planSimulation(input: SimulationProblemInput): Promise<SimulationPlan> {
  const { threads, budgetBytes, ...problem } = input as Record<string, unknown>;
  const host = parseOrThrow(hostSchema, { threads, budgetBytes });
  const options = simulateOptions(problem);
  const width = Math.max(1, Math.min(options.seeds, host.threads ?? (await hardwareThreads())));
  const budget = host.budgetBytes ?? DEFAULT_BUDGET_BYTES;
  const memoryBytes = simulateMemoryBytes(options, width);
  if (memoryBytes > budget) throw new MemoryBudgetError(memoryBytes, budget);
  return { options, width, budgetBytes: budget, memoryBytes };
}

/** A simulation's result with the Wasm build it ran on (for the manifest). */
export type SimulationResult = SimResult & { wasm: ReturnType<WasmRuntime['features']> };

/** Run the network (§11.1) or the Gaussian-process model (§11.2), by `model`. */
export async function simulateDmft(input: SimulationProblemInput, opts: SolveOptions<SimReplicate> = {}): Promise<SimulationResult> {
  return runPlannedSimulation(await planSimulation(input), opts);
}

/** Run a validated plan (see planSimulation). */
export async function runPlannedSimulation(plan: SimulationPlan, opts: SolveOptions<SimReplicate> = {}): Promise<SimulationResult> {
  const useThreads = plan.width > 1 && !opts.runtime && !opts.executor;
  const rt = opts.runtime ?? (await loadWasm({ shared: useThreads, budgetBytes: plan.budgetBytes }));
  const ownPool = useThreads && rt.shared;
  const exec: Executor = opts.executor ?? (ownPool ? await WorkerPool.create(rt, plan.width) : new InlineExecutor(rt));
  try {
    const res = await runSimulation(rt, exec, plan.options, {
      signal: opts.signal,
      onProgress: (e) => opts.onProgress?.({ phase: `seed ${e.replicate + 1}/${plan.options.seeds}`, fraction: e.fraction }),
      // Each replicate is handed out as soon as it has run (the CLI stores it for --resume).
      onReplicate: (r) => opts.onPartial?.(r),
      resume: opts.resume as SimReplicate[] | undefined,
    });
    return { ...res, wasm: rt.features() };
  } finally {
    if (ownPool) await exec.close();
  }
}
