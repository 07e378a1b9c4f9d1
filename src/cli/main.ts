// The learndyn CLI: parses, validates, calls the library, writes outputs. No numerics here.
// Exit codes: 0 Success, 2 bad input (one line on stderr), 3 NotConverged, 4 Unstable, 5 a reproduce check failed, 1 internal error.
import { Command, CommanderError } from 'commander';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ParameterError } from '../core/validate.js';
import { MemoryBudgetError } from '../wasm/arena.js';
import {
  committeeFlags,
  committeeSwitches,
  kernelRunFlags,
  kernelRunSwitches,
  kernelSpectrumFlags,
  normaliseConfig,
  parseValue,
  type Flag,
} from './options.js';
import { solveCommittee, type CommitteeSolution } from '../committee/solve.js';
import { committeeProblem } from '../committee/problem.js';
import { progressSink } from './progress.js';
import { solveKernel, validateKernelProblem, type KernelSolution } from '../kernel/solve.js';
import { buildSetup, spectrumTable } from '../kernel/setup.js';
import { compareKernels } from '../kernel/compare.js';
import { kernelProblem } from '../kernel/problem.js';
import { writeCommitteeOutputs, writeComparisonOutputs, writeKernelOutputs, writeKernelTheoryOutputs } from './output.js';
import { VERSION } from '../version.js';
import { registerDmft } from './dmft.js';
import { registerReproduce } from './reproduce.js';
import { registerDemo } from './demo.js';

/** What a subcommand module needs from the CLI: output streams, the argv (for manifests), and a way
 *  to set the exit code from a Solution's status (EXIT). Parameter errors are thrown as ParameterError. */
export interface CliContext {
  io: CliIO;
  argv: string[];
  setCode: (code: number) => void;
}

export interface CliIO {
  out: (s: string) => void;
  err: (s: string) => void;
}

const defaultIO: CliIO = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
};

class UsageExit extends Error {
  constructor(readonly code: number) {
    super('exit');
  }
}

/** `--out DIR` must be creatable and writable: DIR is a folder or does not exist yet, and its nearest
 *  existing ancestor is a writable folder. Nothing is created here. */
export function checkOutDir(dir: string): void {
  const bad = (why: string) => new ParameterError('out', dir, `a folder that can be created and written (${why})`);
  if (dir.trim() === '') throw bad('empty path');
  let p = resolve(dir);
  for (;;) {
    let st;
    try {
      st = statSync(p);
    } catch {
      const up = dirname(p);
      if (up === p) throw bad('no existing parent');
      p = up;
      continue;
    }
    if (!st.isDirectory()) throw bad(`${p} is not a folder`);
    try {
      accessSync(p, constants.W_OK);
    } catch {
      throw bad(`${p} is not writable`);
    }
    return;
  }
}

export const EXIT = { Success: 0, Internal: 1, BadInput: 2, NotConverged: 3, Unstable: 4, ChecksFailed: 5 } as const;

export function readConfig(path: string | undefined, flags: Flag[]): Record<string, unknown> {
  if (!path) return {};
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ParameterError('config', path, 'a readable JSON file');
  }
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    throw new ParameterError('config', path, `valid JSON (${(e as Error).message})`);
  }
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new ParameterError('config', path, 'a JSON object');
  // A manifest (rerun) carries its parameters under "problem".
  const o = obj as Record<string, unknown>;
  const params = o.problem && typeof o.problem === 'object' ? (o.problem as Record<string, unknown>) : o;
  return normaliseConfig(params, flags);
}

/** Flags given on the command line override the config file. */
export function collect(opts: Record<string, unknown>, flags: Flag[], switches: Flag[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of flags) {
    const v = opts[camelOpt(f.flag)];
    if (v !== undefined) out[f.key] = parseValue(f.kind, v);
  }
  for (const s of switches) {
    const name = camelOpt(s.flag.replace(/^no-/, ''));
    if (s.flag.startsWith('no-')) {
      if (opts[name] === false) out[s.key] = false;
    } else if (opts[name] === true) out[s.key] = true;
  }
  return out;
}

function camelOpt(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

export function addFlags(cmd: Command, flags: Flag[], switches: Flag[] = []): Command {
  for (const f of flags) cmd.option(`--${f.flag} <value>`, f.help);
  for (const s of switches) cmd.option(`--${s.flag}`, s.help);
  return cmd;
}

/** JSON with non-finite numbers written as null (JSON has no NaN/∞) and typed arrays as arrays. */
export function toJSON(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    (_k, v) => {
      if (typeof v === 'number' && !Number.isFinite(v)) return null;
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as Float64Array);
      return v;
    },
    indent,
  );
}

/** The flat, contract-shaped JSON of a kernel run: curve arrays aligned to "t" at the top level. */
export function kernelRunJSON(sol: KernelSolution): Record<string, unknown> {
  return {
    status: sol.status,
    message: sol.message,
    t: sol.t,
    ...sol.curves,
    stages: sol.stages,
    atInfinity: sol.atInfinity,
    spectrum: sol.spectrum,
    report: sol.report,
    stats: sol.stats,
    timings: sol.timings,
    problem: sol.problem,
  };
}

function readInitFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ParameterError('init-file', path, 'a readable JSON file with {Q, M, P?, a?, aStar?}');
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ParameterError('init-file', path, `valid JSON (${(e as Error).message})`);
  }
}

/** Contract JSON of the committee commands: arrays aligned to "t"; "risk" is the excess risk R − Δ/2
 *  (of the ODE for \`ode\`, the SGD mean for \`sgd\`, which adds "riskSE", "ode" and "agreement"). */
export function committeeJSON(sol: CommitteeSolution): Record<string, unknown> {
  const common = {
    status: sol.status,
    message: sol.message,
    t: sol.t,
    initial: sol.initial,
    plateaus: sol.plateaus,
    regime: sol.regime,
    stats: sol.stats,
    timings: sol.timings,
    problem: sol.problem,
  };
  if (!sol.sgd) return { ...common, risk: sol.odeRisk, Q: sol.Q, M: sol.M, a: sol.a };
  return {
    ...common,
    risk: sol.sgd.risk,
    riskSE: sol.sgd.riskSE,
    riskQ10: sol.sgd.riskQ10,
    riskQ90: sol.sgd.riskQ90,
    ode: sol.odeRisk,
    agreement: sol.agreement,
    Q: sol.sgd.Q,
    M: sol.sgd.M,
    odeQ: sol.Q,
    odeM: sol.M,
    steps: sol.sgd.steps,
    sgdPlateaus: sol.sgdPlateaus,
    seedsCompleted: sol.sgd.seedsCompleted,
  };
}

function committeeText(sol: CommitteeSolution): string {
  const f = (x: number) => (Number.isFinite(x) ? x.toExponential(3).padStart(10) : '       n/a');
  const lines = [`regime: ${sol.regime.regime} — ${sol.regime.explanation}`];
  for (const pl of sol.plateaus.plateaus)
    lines.push(`plateau: onset t ≈ ${pl.onset.toPrecision(3)}, height ${pl.height.toExponential(3)}, escape t ≈ ${pl.escape.toPrecision(3)}`);
  if (sol.plateaus.floor) lines.push(`final level: ${sol.plateaus.floor.height.toExponential(3)} from t ≈ ${sol.plateaus.floor.onset.toPrecision(3)}`);
  if (sol.agreement)
    lines.push(`agreement: sup|R_SGD − R_ODE| = ${sol.agreement.supAbs.toExponential(3)} = ${sol.agreement.supOverScale.toFixed(3)} × √(γ/(pd)) (at t ≈ ${sol.agreement.at.toPrecision(3)})`);
  lines.push(sol.sgd ? '         t   ODE risk   SGD risk     SGD se' : '         t   ODE risk');
  let lastLog = -Infinity;
  sol.t.forEach((t, i) => {
    if (Math.log10(t) - lastLog < 0.49 && i !== sol.t.length - 1) return;
    lastLog = Math.log10(t);
    lines.push([t, sol.odeRisk[i], ...(sol.sgd ? [sol.sgd.risk[i], sol.sgd.riskSE[i]] : [])].map(f).join(' '));
  });
  return lines.join('\n');
}

/** A readable excerpt of the curves: about two rows per decade. */
export function curvesTable(sol: KernelSolution): string {
  const c = sol.curves;
  const f = (x: number) => (Number.isFinite(x) ? x.toExponential(3).padStart(10) : '       n/a');
  const rows = ['         t      train       test     oracle   T3 train    T3 test'];
  let last = -Infinity;
  sol.t.forEach((t, i) => {
    if (Math.log10(t) - last < 0.49 && i !== sol.t.length - 1) return;
    last = Math.log10(t);
    rows.push([t, c.train[i], c.test[i], c.oracle[i], c.theoryTrain[i], c.theoryTest[i]].map(f).join(' '));
  });
  rows.push(`  t = ∞: train ${f(sol.atInfinity.train)}, test ${f(sol.atInfinity.test ?? NaN)}, oracle ${f(sol.atInfinity.oracle)}`);
  return rows.join('\n');
}

export async function main(argv: string[], io: CliIO = defaultIO): Promise<number> {
  const program = new Command('learndyn')
    .description('Learning dynamics in high dimension: theory curves and simulations side by side')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  let code = 0;
  // --out is checked before the run starts, so a finished run never fails on an unwritable folder.
  program.hook('preAction', (_root, action) => {
    const out = action.opts().out;
    if (typeof out === 'string') checkOutDir(out);
  });

  const kernel = program.command('kernel').description('kernel gradient flow: Oracle World vs Empirical World (kernel.md)');

  addFlags(
    kernel.command('spectrum').description('eigenvalues ξ_{d,k} and multiplicities B(d,k) of an inner-product kernel'),
    kernelSpectrumFlags,
  )
    .option('--json', 'print JSON')
    .action((opts: Record<string, unknown>) => {
      const params = { kernel: 'exp', domain: 'sphere', maxDegree: 5, ...collect(opts, kernelSpectrumFlags) };
      const table = spectrumTable(params);
      if (opts.json) io.out(toJSON(table) + '\n');
      else {
        io.out(`k\tB(d,k)\txi_{d,k}\txi*B\n`);
        table.degrees.forEach((k, i) =>
          io.out(`${k}\t${table.multiplicities[i]}\t${table.eigenvalues[i].toExponential(10)}\t${(table.mass[i]).toExponential(6)}\n`),
        );
      }
    });

  const runCmd = (name: string, desc: string, fromManifest: boolean) => {
    const c = kernel.command(name).description(desc);
    if (fromManifest) c.argument('<manifest>', 'manifest.json of an earlier run');
    addFlags(c, kernelRunFlags, kernelRunSwitches)
      .option('--config <file>', 'JSON file with the same parameters (flags override it)')
      .option('--json', 'print the result as JSON on stdout')
      .option('--out <dir>', 'write manifest.json, curves.csv, arrays (.npy, .npz), figure.vl.json and figure.svg to DIR')
      .option('--png', 'with --out: also write figure.png')
      .option('--no-progress', 'no progress output on stderr')
      .action(async (...args: unknown[]) => {
        const opts = (fromManifest ? args[1] : args[0]) as Record<string, unknown>;
        const cfgPath = fromManifest ? (args[0] as string) : (opts.config as string | undefined);
        const params = { ...readConfig(cfgPath, kernelRunFlags), ...collect(opts, kernelRunFlags, kernelRunSwitches) };
        validateKernelProblem(params as never); // bad input: exit 2 before any allocation
        const sink = progressSink(opts.progress !== false, 'kernel run');
        const argvCopy = [...argv];
        const sol = await solveKernel(params as never, { onProgress: (e) => sink.update(e.fraction, e.phase) });
        sink.stop();
        if (opts.out) {
          const files = await writeKernelOutputs(String(opts.out), sol, argvCopy, { png: !!opts.png });
          io.err(`wrote ${files.length} files to ${opts.out}\n`);
        }
        if (opts.json) io.out(toJSON(kernelRunJSON(sol)) + '\n');
        else io.out(sol.report + '\n\n' + curvesTable(sol) + '\n');
        if (sol.status !== 'Success') io.err(`status ${sol.status}: ${sol.message ?? ''}\n`);
        code = sol.status === 'Success' ? 0 : sol.status === 'NotConverged' ? EXIT.NotConverged : EXIT.Unstable;
      });
  };
  runCmd('run', 'simulate the Empirical World over seeds beside the Oracle World and the theory curves', false);
  runCmd('rerun', 'rerun the kernel run described by a manifest.json (flags override it)', true);

  addFlags(
    kernel.command('theory').description('theory curves only (no simulation): oracle T1, block approximation T3, eigenlearning T4, stages'),
    kernelRunFlags,
    kernelRunSwitches,
  )
    .option('--config <file>', 'JSON file with the same parameters (flags override it)')
    .option('--json', 'print JSON')
    .option('--out <dir>', 'write manifest.json, curves.csv, arrays (.npy, .npz), figure.vl.json and figure.svg to DIR')
    .option('--png', 'with --out: also write figure.png')
    .action(async (opts: Record<string, unknown>) => {
      const params = { ...readConfig(opts.config as string | undefined, kernelRunFlags), ...collect(opts, kernelRunFlags, kernelRunSwitches) };
      const p = kernelProblem(params as never);
      const setup = buildSetup(p);
      const shift = p.noisyRisk ? p.noiseSd ** 2 : 0;
      const th = setup.theory;
      const res = {
        t: Array.from(setup.times),
        oracle: th.oracle.map((x) => x + shift),
        theoryTrain: th.blockTrain,
        theoryTest: th.blockTest.map((x) => x + shift),
        eigenlearningTrain: th.eigenlearningTrain,
        eigenlearningTest: th.eigenlearningTest.map((x) => x + shift),
        stages: setup.stages,
        spectrum: setup.spectrumSummary,
        report: setup.report,
        problem: p,
      };
      if (opts.out) {
        const { t, oracle, theoryTrain, theoryTest, eigenlearningTrain, eigenlearningTest, stages, problem } = res;
        const curves = { t, oracle, theoryTrain, theoryTest, eigenlearningTrain, eigenlearningTest, stages, problem };
        const files = await writeKernelTheoryOutputs(String(opts.out), curves, [...argv], { png: !!opts.png });
        io.err(`wrote ${files.length} files to ${opts.out}\n`);
      }
      io.out(opts.json ? toJSON(res) + '\n' : setup.report + '\n');
    });

  addFlags(
    kernel.command('compare').description('two or more kernels on the same data (kernel.md §9: faster training need not generalise better)'),
    kernelRunFlags.filter((f) => f.flag !== 'kernel'),
    kernelRunSwitches,
  )
    .requiredOption('--kernels <list>', "kernels separated by ';' (or ',' when no kernel has parameters), e.g. two-kernels-A,two-kernels-C")
    .option('--config <file>', 'JSON file with the same parameters (flags override it)')
    .option('--json', 'print JSON')
    .option('--out <dir>', 'write one folder per kernel plus comparison.json and the comparison figure')
    .option('--png', 'with --out: also write figure.png')
    .option('--no-progress', 'no progress output on stderr')
    .action(async (opts: Record<string, unknown>) => {
      const list = String(opts.kernels);
      const kernels = (list.includes(';') || list.includes(':') ? list.split(';') : list.split(',')).map((k) => k.trim()).filter(Boolean);
      const params = { ...readConfig(opts.config as string | undefined, kernelRunFlags), ...collect(opts, kernelRunFlags, kernelRunSwitches) };
      delete (params as Record<string, unknown>).kernel;
      const sink = progressSink(opts.progress !== false, 'kernel compare');
      const cmp = await compareKernels(params as never, kernels, { onProgress: (e) => sink.update(e.fraction, e.phase) });
      sink.stop();
      if (opts.out) await writeComparisonOutputs(String(opts.out), cmp, [...argv], { png: !!opts.png });
      if (opts.json) {
        io.out(
          toJSON({
            t: cmp.t,
            kernels: cmp.kernels,
            train: cmp.solutions.map((s) => s.curves.train),
            test: cmp.solutions.map((s) => s.curves.test),
            oracle: cmp.solutions.map((s) => s.curves.oracle),
            theoryTrain: cmp.solutions.map((s) => s.curves.theoryTrain),
            theoryTest: cmp.solutions.map((s) => s.curves.theoryTest),
            stages: cmp.solutions.map((s) => s.stages),
            status: cmp.solutions.map((s) => s.status),
            summary: cmp.summary,
          }) + '\n',
        );
      } else io.out(cmp.summary.text + '\n');
      const bad = cmp.solutions.find((s) => s.status !== 'Success');
      code = !bad ? 0 : bad.status === 'NotConverged' ? EXIT.NotConverged : EXIT.Unstable;
    });

  const committee = program.command('committee').description('one-pass SGD in two-layer teacher–student networks: overlap ODEs and the SGD they describe (committee.md)');
  const committeeCmd = (name: 'ode' | 'sgd', desc: string) =>
    addFlags(committee.command(name).description(desc), committeeFlags, committeeSwitches)
      .option('--init-file <file>', 'JSON with the initial overlaps {Q, M, P?, a?, aStar?}')
      .option('--config <file>', 'JSON file with the same parameters (flags override it)')
      .option('--json', 'print the result as JSON on stdout')
      .option('--out <dir>', 'write manifest.json, curves.csv, arrays (.npy, .npz), figure.vl.json and figure.svg to DIR')
      .option('--png', 'with --out: also write figure.png')
      .option('--no-progress', 'no progress output on stderr')
      .action(async (opts: Record<string, unknown>) => {
        const params: Record<string, unknown> = { ...readConfig(opts.config as string | undefined, committeeFlags), ...collect(opts, committeeFlags, committeeSwitches) };
        if (opts.initFile) params.init = readInitFile(String(opts.initFile));
        committeeProblem(params as never); // bad input: exit 2 before any allocation
        const sink = progressSink(opts.progress !== false, `committee ${name}`);
        const sol = await solveCommittee(params as never, { simulate: name === 'sgd', onProgress: (e) => sink.update(e.fraction, e.phase) });
        sink.stop();
        if (opts.out) {
          const files = await writeCommitteeOutputs(String(opts.out), sol, [...argv], { png: !!opts.png });
          io.err(`wrote ${files.length} files to ${opts.out}\n`);
        }
        if (opts.json) io.out(toJSON(committeeJSON(sol)) + '\n');
        else io.out(committeeText(sol) + '\n');
        if (sol.status !== 'Success') io.err(`status ${sol.status}: ${sol.message ?? ''}\n`);
        code = sol.status === 'Success' ? 0 : sol.status === 'NotConverged' ? EXIT.NotConverged : EXIT.Unstable;
      });
  committeeCmd('ode', 'integrate the overlap ODE (Q, M[, a]) or the mean-field (M, q) ODE');
  committeeCmd('sgd', 'run one-pass SGD over seeds and the ODE from the same initial state, with the agreement figure');

  registerDmft(program, { io, argv, setCode: (c) => (code = c) });
  registerReproduce(program, { io, argv, setCode: (c) => (code = c) });
  registerDemo(program, { io, argv, setCode: (c) => (code = c) });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof UsageExit) return e.code;
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0) return 0;
      return EXIT.BadInput; // commander already printed one line
    }
    if (e instanceof ParameterError || e instanceof MemoryBudgetError) {
      io.err(`learndyn: ${e.message}\n`);
      return EXIT.BadInput;
    }
    io.err(`learndyn: internal error: ${(e as Error).stack ?? e}\n`);
    return EXIT.Internal;
  }
  return code;
}
