// `learndyn dmft …` commands (dmft.md). Registered by main.ts; uses the shared helpers of main.ts
// (addFlags, collect, readConfig, toJSON, EXIT) and progressSink.
//   dmft run       SymmDMFT (§5–§6): explicit reference scheme or semi-implicit (§10.3), arrays aligned to "t"
//   dmft reduced   the m-independent reduced systems of §8 (src/dmft/reduced.ts), from a JSON config
//   dmft simulate  direct simulations (§11), registered by src/cli/dmft-simulate.ts
import type { Command } from 'commander';
import { addFlags, collect, EXIT, readConfig, toJSON, type CliContext } from './main.js';
import type { Flag } from './options.js';
import { progressSink } from './progress.js';
import { solveDmft, validateDmftProblem, type DmftSolution } from '../dmft/solve.js';
import { registerDmftSimulate } from './dmft-simulate.js';
import { solveReduced } from '../dmft/reduced.js';
import { solveGeneralDmft } from '../dmft/general.js';
import { loadWasm } from '../wasm/runtime.js';
import { WorkerPool } from '../wasm/exec.js';
import { runSimulation, simulateOptions, simulationJSON, type SimResult } from '../dmft/simulate.js';
import { dmftFigure, type DmftTimeAxis } from '../plot/engines.js';
import { figureExtra, type FigureOptions } from './output.js';
import { writeOutputs } from '../io/index.js';
import { dmftBundle, dmftVsSimulation } from '../io/bundles.js';
import { ParameterError } from '../core/validate.js';

export const dmftRunFlags: Flag[] = [
  { flag: 'm', key: 'm', kind: 'int', help: 'width m (hidden neurons)' },
  { flag: 'alpha', key: 'alpha', kind: 'number', help: 'α = n/(md) (the DMFT prefactor ᾱ/m)' },
  { flag: 'alpha-bar', key: 'alphaBar', kind: 'number', help: 'ᾱ = n/d = α·m (instead of --alpha)' },
  { flag: 'tau', key: 'tau', kind: 'number', help: 'label-noise standard deviation τ' },
  { flag: 'h', key: 'h', kind: 'numbers', help: 'power-series coefficients of h(q) = Σ c_k q^k (comma list), e.g. 0,0.9,0,0.1666666667' },
  { flag: 'phi-hat', key: 'phiHat', kind: 'string', help: "φ̂: same (φ = σ, default) | none (pure noise) | comma list of coefficients" },
  { flag: 'phi-norm2', key: 'phiNorm2', kind: 'number', help: '‖φ‖² (default h(1) for same, 0 for none; required with a coefficient list)' },
  { flag: 'init', key: 'init', kind: 'string', help: 'mean-field (a(0) = a0, default) | lazy (a(0) = γ0·√m)' },
  { flag: 'a0', key: 'a0', kind: 'number', help: 'a(0) for the mean-field init (default 1)' },
  { flag: 'gamma0', key: 'gamma0', kind: 'number', help: 'γ0 for the lazy init' },
  { flag: 'eta', key: 'eta', kind: 'number', help: 'grid step η (cost ∝ (tMax/η)³, memory 24(tMax/η)² bytes)' },
  { flag: 't-max', key: 'tMax', kind: 'number', help: 'horizon (GF time t of D3)' },
  { flag: 'scheme', key: 'scheme', kind: 'string', help: 'explicit (reference, default) | semi-implicit (IMEX, stable at large a²m)' },
  { flag: 'grid', key: 'grid', kind: 'string', help: 'uniform (t_n = nη, the reference, default) | adaptive (error-controlled steps; --eta optional, the step cap)' },
  { flag: 'rtol', key: 'rtol', kind: 'number', help: 'with --grid adaptive: relative tolerance of the local error per unit time (default 1e-3)' },
  { flag: 'atol', key: 'atol', kind: 'number', help: 'with --grid adaptive: absolute tolerance (default rtol)' },
  { flag: 'max-points', key: 'maxPoints', kind: 'int', help: 'at most this many output points (default 2000; uniform thinning)' },
  { flag: 'budget-bytes', key: 'budgetBytes', kind: 'number', help: 'Wasm memory budget in bytes (default 3 GiB); refused before allocation above it' },
  { flag: 'simulate-dim', key: 'simulateDim', kind: 'int', help: 'also run the real network (SGD, paper protocol) at this d beside the DMFT, same parameters (dmft.md §11.1)' },
  { flag: 'simulate-seeds', key: 'simulateSeeds', kind: 'int', help: 'replicates of that simulation (default 4, on the workers)' },
  { flag: 'reduced', key: 'reduced', kind: 'string', help: 'solve an m-independent reduced system instead (dmft.md §8): lazy1 | lazy2 | mean-field | pspin | fixed-alpha-bar' },
];

/** Run flags that the reduced systems take (the rest belong to SymmDMFT only). */
const REDUCED_KEYS = ['alpha', 'alphaBar', 'tau', 'h', 'phiHat', 'phiNorm2', 'gamma0', 'a0', 'eta', 'tMax', 'budgetBytes'];

export const dmftRunSwitches: Flag[] = [
  { flag: 'second-order', key: 'secondOrder', kind: 'bool', help: 'Richardson extrapolation over η and η/2 (second order; two runs)' },
  { flag: 'frozen-a', key: 'frozenA', kind: 'bool', help: 'freeze the second layer (ȧ ≡ 0)' },
  { flag: 'non-spherical', key: 'nonSpherical', kind: 'bool', help: 'ν ≡ 0 (the V1 linear-regression variant)' },
];

/** Extra `dmft` subcommands registered by other modules: push a registrar here (called by registerDmft). */
export const registerDmftExtras: Array<(dmftCommand: Command, ctx: CliContext) => void> = [];

/** Contract JSON of `dmft run`: arrays aligned to "t" at the top level, then the rest of the Solution. */
export function dmftRunJSON(sol: DmftSolution): Record<string, unknown> {
  return {
    status: sol.status,
    message: sol.message,
    t: sol.t,
    trainError: sol.trainError,
    testError: sol.testError,
    a: sol.a,
    gamma: sol.gamma,
    v: sol.v,
    Co: sol.Co,
    mCo: sol.mCo,
    Cd0: sol.Cd0,
    nu: sol.nu,
    gap: sol.gap,
    tm: sol.tm,
    tOverM: sol.tOverM,
    stats: sol.stats,
    timings: sol.timings,
    problem: sol.problem,
  };
}

function dmftText(sol: DmftSolution): string {
  const f = (x: number) => (Number.isFinite(x) ? x.toExponential(4).padStart(12) : '         n/a');
  const ad = sol.stats.adaptive;
  const gridText = ad
    ? `adaptive grid (rtol ${ad.rtol}, atol ${ad.atol}): ${ad.steps} steps, ${ad.rejections} rejected, Δ ∈ [${ad.dtMin.toPrecision(3)}, ${ad.dtMaxUsed.toPrecision(3)}], est. error e_ts ${(ad.errorEstimate.ets ?? NaN).toExponential(2)} (${ad.values})`
    : `η = ${sol.stats.eta}, N = ${sol.stats.N}`;
  const lines = [
    `SymmDMFT m = ${sol.problem.m}, α = ${sol.problem.alpha}, ᾱ = ${sol.problem.alphaBar}, τ = ${sol.problem.tau}, scheme ${sol.stats.scheme}, ${gridText}`,
    '           t      e_train       e_test            a            v     C_o(t,t)',
  ];
  const n = sol.t.length;
  const step = Math.max(1, Math.floor(n / 20));
  for (let i = 0; i < n; i += step) lines.push([sol.t[i], sol.trainError[i], sol.testError[i], sol.a[i], sol.v[i], sol.Co[i]].map(f).join(' '));
  if (n > 0 && (n - 1) % step !== 0) lines.push([sol.t[n - 1], sol.trainError[n - 1], sol.testError[n - 1], sol.a[n - 1], sol.v[n - 1], sol.Co[n - 1]].map(f).join(' '));
  lines.push(`status ${sol.status}${sol.message ? ': ' + sol.message : ''} (${(sol.timings.totalMs / 1000).toFixed(2)} s)`);
  return lines.join('\n');
}

async function writeDmftOutputs(
  dir: string, sol: DmftSolution, argv: string[], fig: FigureOptions & { timeAxis?: DmftTimeAxis; sim?: SimResult; simulation?: Record<string, unknown> },
): Promise<string[]> {
  const s = fig.sim?.summary;
  const figure = dmftFigure(sol, {
    timeAxis: fig.timeAxis,
    simulation: fig.sim && s ? { label: `network SGD, d = ${fig.sim.options.dim}`, t: fig.sim.t, ...s } : undefined,
  });
  const bundle = dmftBundle(sol, ['learndyn', ...argv], (await loadWasm()).features(), fig.sim, fig.simulation);
  return (await writeOutputs(dir, { ...bundle, extra: await figureExtra(figure, fig) })).paths;
}

/** `--phi-hat` from the command line: 'same' | 'none' | a comma list of numbers. */
function phiHatValue(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const s = v.trim();
  if (s === 'same' || s === 'none') return s;
  return s.split(',').map((x) => (x.trim() !== '' && Number.isFinite(Number(x)) ? Number(x) : x.trim()));
}

export function registerDmft(program: Command, ctx: CliContext): void {
  const { io, argv } = ctx;
  const dmft = program.command('dmft').description('DMFT of large two-layer networks (dmft.md): two-time solvers and the networks they describe');

  addFlags(dmft.command('run').description('SymmDMFT (dmft.md §5–§6): e_train, e_test, a, v, C_o vs GF time t'), dmftRunFlags, dmftRunSwitches)
    .option('--config <file>', 'JSON file with the same parameters (flags override it)')
    .option('--json', 'print the result as JSON on stdout (arrays aligned to "t")')
    .option('--out <dir>', 'write manifest.json, curves.csv, arrays (.npy, .npz), figure.vl.json and figure.svg to DIR')
    .option('--png', 'with --out: also write figure.png')
    .option('--time-axis <axis>', "figure clock: 't', 'tm' (t·m, lazy scale) or 't/m' (overfitting scale)", 't')
    .option('--no-progress', 'no progress output on stderr (the cost grows as N³)')
    .action(async (opts: Record<string, unknown>) => {
      const params: Record<string, unknown> = {
        ...readConfig(opts.config as string | undefined, [...dmftRunFlags, ...dmftRunSwitches]),
        ...collect(opts, dmftRunFlags, dmftRunSwitches),
      };
      if (params.nonSpherical !== undefined) {
        if (params.nonSpherical === true) params.spherical = false;
        delete params.nonSpherical;
      }
      if ('phiHat' in params) params.phiHat = phiHatValue(params.phiHat);
      if (params.reduced !== undefined) {
        // `--reduced KIND`: the same flags feed the m-independent system of dmft.md §8.
        const input: Record<string, unknown> = { kind: params.reduced };
        for (const k of REDUCED_KEYS) if (params[k] !== undefined) input[k] = params[k];
        const rsol = solveReduced(input as never, { runtime: await loadWasm() });
        io.out((opts.json ? toJSON(rsol) : toJSON(rsol, 2)) + '\n');
        if (rsol.status !== 'Success') io.err(`status ${rsol.status}: ${rsol.message ?? ''}\n`);
        ctx.setCode(rsol.status === 'Success' ? EXIT.Success : EXIT.Unstable);
        return;
      }
      const simDim = params.simulateDim as number | undefined;
      const simSeeds = (params.simulateSeeds as number | undefined) ?? 4;
      delete params.simulateDim;
      delete params.simulateSeeds;
      const timeAxis = String(opts.timeAxis ?? 't');
      if (!(['t', 'tm', 't/m'] as string[]).includes(timeAxis)) throw new ParameterError('time-axis', timeAxis, "'t', 'tm' or 't/m'");
      const problem = validateDmftProblem(params as never); // bad input: exit 2 before any allocation
      if (simDim !== undefined && params.phiHat !== undefined && params.phiHat !== 'same' && params.phiHat !== 'none')
        throw new ParameterError('phi-hat', params.phiHat, "'same' or 'none' with --simulate-dim (the network's teacher is σ(⟨u,x⟩) or pure noise)");
      // The network beside the DMFT: validated up front too (same m, α, τ, h, φ̂, a(0), horizon).
      const simInput =
        simDim === undefined
          ? undefined
          : simulateOptions({
              model: 'network',
              optimizer: 'sgd',
              m: problem.m,
              alpha: problem.alpha,
              dim: simDim,
              tau: problem.tau,
              h: problem.h,
              phiHat: params.phiHat === 'none' ? 'none' : 'same',
              ...(problem.init === 'lazy' ? { gamma0: problem.gamma0 } : { a0: problem.a0 }),
              frozenA: problem.frozenA,
              tMax: problem.tMax,
              saveCount: 61,
              grid: 'log',
              seeds: simSeeds,
            });
      const sink = progressSink(opts.progress !== false, 'dmft run');
      const sol = await solveDmft(params as never, { onProgress: (e) => sink.update(simInput ? 0.5 * e.fraction : e.fraction, e.phase) });
      let simulation: Record<string, unknown> | undefined;
      let sim: SimResult | undefined;
      if (simInput) {
        const rt = await loadWasm({ shared: true });
        const pool = await WorkerPool.create(rt, Math.min(simSeeds, 2));
        try {
          sim = await runSimulation(rt, pool, simInput, { onProgress: (e) => sink.update(0.5 + 0.5 * e.fraction, 'network SGD') });
          simulation = { ...simulationJSON(sim), agreement: dmftVsSimulation(sol, sim.t, sim.summary.testError, sim.summary.testErrorSE) };
        } finally {
          await pool.close();
        }
      }
      sink.stop();
      if (opts.out) {
        const files = await writeDmftOutputs(String(opts.out), sol, [...argv], { png: !!opts.png, timeAxis: timeAxis as DmftTimeAxis, sim, simulation });
        io.err(`wrote ${files.length} files to ${opts.out}\n`);
      }
      if (opts.json) io.out(toJSON({ ...dmftRunJSON(sol), ...(simulation ? { simulation } : {}) }) + '\n');
      else io.out(dmftText(sol) + '\n');
      if (sol.status !== 'Success') io.err(`status ${sol.status}: ${sol.message ?? ''}\n`);
      ctx.setCode(sol.status === 'Success' ? EXIT.Success : sol.status === 'NotConverged' ? EXIT.NotConverged : EXIT.Unstable);
    });

  // The reduced systems of §8 take a JSON config (kind + parameters, see src/dmft/reduced.ts).
  dmft
    .command('reduced')
    .description('m-independent reduced systems and closed forms (dmft.md §8), parameters from a JSON config')
    .requiredOption('--config <file>', 'JSON file with the ReducedProblem (kind, …)')
    .option('--json', 'print the result as JSON on stdout')
    .action(async (opts: Record<string, unknown>) => {
      const params = readConfig(String(opts.config), []);
      const sol = solveReduced(params as never, { runtime: await loadWasm() }) as unknown as { status?: string; message?: string };
      io.out(toJSON(sol, opts.json ? undefined : 2) + '\n');
      const st = sol.status ?? 'Success';
      if (st !== 'Success') io.err(`status ${st}: ${sol.message ?? ''}\n`);
      ctx.setCode(st === 'Success' ? EXIT.Success : st === 'NotConverged' ? EXIT.NotConverged : EXIT.Unstable);
    });

  // The full non-symmetric DMFT for small m (§4): per-neuron a(0), C(0,0) and v(0) from a JSON config.
  dmft
    .command('general')
    .description('full non-symmetric DMFT for small m (dmft.md §4, Figs 6–7 settings), parameters from a JSON config {m, alphaBar, tau, h, phiHat, a0: [...], C0?, v0?, eta, tMax}')
    .requiredOption('--config <file>', 'JSON file with the problem')
    .option('--json', 'print the result as JSON on stdout')
    .action((opts: Record<string, unknown>) => {
      const sol = solveGeneralDmft(readConfig(String(opts.config), []) as never);
      io.out(toJSON(sol, opts.json ? undefined : 2) + '\n');
      if (sol.status !== 'Success') io.err(`status ${sol.status}: ${sol.message ?? ''}\n`);
      ctx.setCode(sol.status === 'Success' ? EXIT.Success : EXIT.Unstable);
    });

  registerDmftSimulate(dmft, ctx);
  for (const extra of registerDmftExtras) extra(dmft, ctx);
}
