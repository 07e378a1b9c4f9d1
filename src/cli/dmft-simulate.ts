// `learndyn dmft simulate`: direct simulations of dmft.md §11 (real network GD/SGD, Gaussian-model
// GD). Registered on the `dmft` command by registerDmft (src/cli/dmft.ts). Validation happens
// before anything is allocated: a bad parameter is one line on stderr and exit 2.
import type { Command } from 'commander';
import { addFlags, collect, EXIT, readConfig, toJSON, type CliContext } from './main.js';
import type { Flag } from './options.js';
import { progressSink } from './progress.js';
import { intAtLeast, parseOrThrow, positive } from '../core/validate.js';
import { z } from 'zod';
import { MemoryBudgetError } from '../wasm/arena.js';
import { DEFAULT_BUDGET_BYTES, loadWasm } from '../wasm/runtime.js';
import { hardwareThreads, InlineExecutor, WorkerPool, type Executor } from '../wasm/exec.js';
import { writeOutputs } from '../io/index.js';
import { dmftSimulationFigure } from '../plot/engines.js';
import { figureExtra } from './output.js';
import { VERSION } from '../version.js';
import {
  DSIM_RNG_SCHEME,
  runSimulation,
  simulateMemoryBytes,
  simulateOptions,
  simulationJSON,
  type SimResult,
} from '../dmft/simulate.js';

export const dmftSimulateFlags: Flag[] = [
  { flag: 'model', key: 'model', kind: 'string', help: 'network (real two-layer network, §11.1) | gaussian (Gaussian-process model, §11.2) (default network)' },
  { flag: 'optimizer', key: 'optimizer', kind: 'string', help: 'gd (full-batch projected GD) | sgd (mini-batch, paper protocol) (default gd)' },
  { flag: 'm', key: 'm', kind: 'int', help: 'width m' },
  { flag: 'alpha', key: 'alpha', kind: 'number', help: 'α = n/(m d) (or give --alpha-bar)' },
  { flag: 'alpha-bar', key: 'alphaBar', kind: 'number', help: 'ᾱ = n/d = α m' },
  { flag: 'dim', key: 'dim', kind: 'int', help: 'input dimension d' },
  { flag: 'tau', key: 'tau', kind: 'number', help: 'label-noise standard deviation τ' },
  { flag: 'h', key: 'h', kind: 'numbers', help: 'h(q) = Σ c_k q^k as c_0,c_1,… (c_0 = 0; σ = Σ √c_k He_k/√k!)' },
  { flag: 'phi-hat', key: 'phiHat', kind: 'string', help: 'same (teacher φ = σ(⟨u,x⟩), φ̂ = h) | none (pure noise) (default same)' },
  { flag: 'a0', key: 'a0', kind: 'number', help: 'initial second layer a_i(0) = a0 (default 1)' },
  { flag: 'gamma0', key: 'gamma0', kind: 'number', help: 'lazy init: a_i(0) = γ₀√m (instead of --a0)' },
  { flag: 'lr', key: 'lr', kind: 'number', help: 'step: network lr (Δt = lr·d/n; default sgd 0.1, gd Δt = 0.02); gaussian η_GD (Δt = η; default 0.05)' },
  { flag: 'batch', key: 'batch', kind: 'int', help: 'SGD batch size (default 100)' },
  { flag: 'steps', key: 'steps', kind: 'int', help: 'number of steps (or --t-max)' },
  { flag: 't-max', key: 'tMax', kind: 'number', help: 'horizon in GF time t (or --steps)' },
  { flag: 'save-count', key: 'saveCount', kind: 'int', help: 'save points incl. t = 0 (default 51)' },
  { flag: 'grid', key: 'grid', kind: 'string', help: 'uniform | log save grid (default uniform)' },
  { flag: 'seeds', key: 'seeds', kind: 'int', help: 'replicates (default 1)' },
  { flag: 'seed', key: 'seed', kind: 'int', help: 'base seed (default 0); replicate r uses stream r' },
  { flag: 'threads', key: 'threads', kind: 'int', help: 'worker threads (default: min(seeds, cores))' },
  { flag: 'budget-bytes', key: 'budgetBytes', kind: 'number', help: 'Wasm memory budget in bytes (default 3 GiB)' },
];
export const dmftSimulateSwitches: Flag[] = [
  { flag: 'frozen-a', key: 'frozenA', kind: 'bool', help: 'freeze the second layer at a0' },
];

const hostSchema = z.object({
  threads: intAtLeast(1, 256).optional(),
  budgetBytes: positive().optional(),
});

export function registerDmftSimulate(dmftCommand: Command, ctx: CliContext): void {
  const { io, argv } = ctx;
  addFlags(
    dmftCommand.command('simulate').description('direct simulations (dmft.md §11): the real network under GD/SGD, or GD on the Gaussian-process model; errors, a, v, C_o vs GF time'),
    dmftSimulateFlags,
    dmftSimulateSwitches,
  )
    .option('--config <file>', 'JSON file with the same parameters (flags override it)')
    .option('--json', 'print the result as JSON on stdout (arrays aligned to "t")')
    .option('--out <dir>', 'write manifest.json, curves.csv, arrays (.npy, .npz), figure.vl.json and figure.svg to DIR')
    .option('--png', 'with --out: also write figure.png')
    .option('--no-progress', 'no progress output on stderr')
    .action(async (opts: Record<string, unknown>) => {
      const params: Record<string, unknown> = {
        ...readConfig(opts.config as string | undefined, [...dmftSimulateFlags, ...dmftSimulateSwitches]),
        ...collect(opts, dmftSimulateFlags, dmftSimulateSwitches),
      };
      const { threads, budgetBytes, ...problem } = params;
      const host = parseOrThrow(hostSchema, { threads, budgetBytes });
      const o = simulateOptions(problem); // exit 2 before any allocation
      const width = Math.max(1, Math.min(o.seeds, host.threads ?? (await hardwareThreads())));
      const budget = host.budgetBytes ?? DEFAULT_BUDGET_BYTES;
      const need = simulateMemoryBytes(o, width);
      if (need > budget) throw new MemoryBudgetError(need, budget);
      const useThreads = width > 1;
      const rt = await loadWasm({ shared: useThreads, budgetBytes: budget });
      let exec: Executor = new InlineExecutor(rt);
      if (useThreads && rt.shared) exec = await WorkerPool.create(rt, width);
      const sink = progressSink(opts.progress !== false, `dmft simulate (${o.model})`);
      let res: SimResult;
      try {
        res = await runSimulation(rt, exec, o, { onProgress: (e) => sink.update(e.fraction, `seed ${e.replicate}`) });
      } finally {
        sink.stop();
        await exec.close();
      }
      if (opts.out) {
        const s = res.summary;
        const label = o.model === 'network' ? `network ${o.optimizer.toUpperCase()}, d = ${o.dim}` : `Gaussian model GD, d = ${o.dim}`;
        const fig = dmftSimulationFigure(
          { label, t: res.t, ...s },
          { title: `dmft simulate: ${label}, m = ${o.m}, α = ${o.alpha}, τ = ${o.tau}, ${o.seeds} seed(s)`, bayes: (o.tau * o.tau) / 2 },
        );
        const out = await writeOutputs(String(opts.out), {
          extra: await figureExtra(fig, { png: !!opts.png }),
          arrays: {
            t: res.t, trainError: s.trainError, testError: s.testError, a: s.a, v: s.v, Co: s.Co,
            trainErrorSE: s.trainErrorSE, testErrorSE: s.testErrorSE, gamma: s.gamma,
            trainErrorSeeds: { data: concat(res, 'trainError'), shape: [o.seeds, res.t.length] },
            testErrorSeeds: { data: concat(res, 'testError'), shape: [o.seeds, res.t.length] },
          },
          csv: {
            columns: {
              t: res.t, trainError: s.trainError, trainErrorSE: s.trainErrorSE, testError: s.testError, testErrorSE: s.testErrorSE,
              excessTestError: s.testError.map((x) => x - (o.tau * o.tau) / 2), a: s.a, gamma: s.gamma, v: s.v, Co: s.Co,
            },
          },
          manifest: {
            version: VERSION,
            command: [...argv],
            problem: o,
            seed: o.seed,
            rngScheme: `${res.rng.scheme} + ${DSIM_RNG_SCHEME}`,
            wasm: rt.features(),
            status: res.status,
            stats: { message: res.message ?? null, rng: res.rng, replicates: res.replicates.map((r) => ({ status: r.status, stepsDone: r.stepsDone })), wasmBytes: res.stats.wasmBytes, slots: res.stats.slots },
            timings: { totalMs: res.stats.wallMs },
          },
        });
        io.err(`wrote ${out.paths.length} files to ${opts.out}\n`);
      }
      if (opts.json) io.out(toJSON(simulationJSON(res)) + '\n');
      else io.out(text(res) + '\n');
      if (res.status !== 'Success') io.err(`status ${res.status}: ${res.message ?? ''}\n`);
      ctx.setCode(res.status === 'Success' ? EXIT.Success : EXIT.Unstable);
    });
}

function concat(res: SimResult, key: 'trainError' | 'testError'): Float64Array {
  const L = res.t.length;
  const out = new Float64Array(res.replicates.length * L);
  res.replicates.forEach((r, i) => out.set(r[key], i * L));
  return out;
}

function text(res: SimResult): string {
  const o = res.options;
  const s = res.summary;
  const head = `dmft simulate: ${o.model}${o.model === 'network' ? ` (${o.optimizer}, lr ${o.lr}, batch ${o.batch})` : ` (GD, η ${o.lr})`}, m ${o.m}, d ${o.dim}, n ${o.n}, α ${o.alpha}, τ ${o.tau}, ${o.seeds} seed(s), Δt ${o.dt.toPrecision(4)}, status ${res.status}`;
  const rows = ['t\ttrainError\t±\ttestError\t±\ta\tv\tCo'];
  for (let i = 0; i < res.t.length; i++)
    rows.push([res.t[i], s.trainError[i], s.trainErrorSE[i], s.testError[i], s.testErrorSE[i], s.a[i], s.v[i], s.Co[i]].map((x) => (Number.isFinite(x) ? x.toPrecision(6) : 'nan')).join('\t'));
  return head + '\n' + rows.join('\n');
}
