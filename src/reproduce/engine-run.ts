// `reproduce` poses its engine runs as (descriptor command, parameters) and runs them on the path every
// CLI command takes (src/cli/engine-command.ts): the registry's command (src/engines.ts), prepareCommand
// (parameters another command of the engine uses are refused, every parameter is validated and the
// memory estimate checked against the budget before any allocation), then command.solve. A run that a
// descriptor cannot express (a bespoke analysis over several solves) is imported directly instead and
// named, with its reason, in test/reproduce/descriptors.test.ts.
import type { SolveOptions } from '../core/contract.js';
import { findCommand, prepareCommand } from '../core/engine.js';
import { ENGINES } from '../engines.js';
import type { CommitteeProblemInput } from '../committee/problem.js';
import type { CommitteeSolution } from '../committee/solve.js';
import type { DmftRunResult } from '../dmft/engine.js';
import type { GeneralDmftInput, GeneralDmftSolution } from '../dmft/general.js';
import type { DmftProblemInput } from '../dmft/problem.js';
import type { ReducedProblemInput, ReducedSolution } from '../dmft/reduced.js';
import type { SimulationProblemInput, SimulationResult } from '../dmft/simulate-solve.js';
import type { DmftSolution } from '../dmft/solve.js';
import type { KernelProblemInput } from '../kernel/problem.js';
import type { KernelSolution } from '../kernel/solve.js';
import type { KernelTheory } from '../kernel/theory-curves.js';

/** The parameters (config keys, already parsed) and the Solution of each command reproduce runs. */
interface Commands {
  'kernel run': [KernelProblemInput, KernelSolution];
  'kernel theory': [KernelProblemInput, KernelTheory];
  'committee ode': [CommitteeProblemInput, CommitteeSolution];
  'committee sgd': [CommitteeProblemInput, CommitteeSolution];
  'dmft run': [DmftProblemInput & { simulateDim?: number; simulateSeeds?: number; simulateSeed?: number }, DmftRunResult];
  'dmft simulate': [SimulationProblemInput, SimulationResult];
  'dmft reduced': [ReducedProblemInput, ReducedSolution];
  'dmft general': [GeneralDmftInput, GeneralDmftSolution];
}
export type CommandPath = keyof Commands;

/** Run `path` (e.g. 'committee ode') with `params` as the CLI would with the same flags or config file. */
export async function runCommand<K extends CommandPath>(path: K, params: Commands[K][0], options: SolveOptions = {}): Promise<Commands[K][1]> {
  const found = findCommand(ENGINES, path);
  if (!found) throw new Error(`reproduce: no engine command '${path}' in the registry`);
  const prepared = await prepareCommand(found.engine, found.command, params as Record<string, unknown>);
  return (await found.command.solve(prepared, options)) as Commands[K][1];
}

/** `dmft run` without --reduced or --simulate-dim: its SymmDMFT Solution. */
export async function runSymmDmft(params: Commands['dmft run'][0], options: SolveOptions = {}): Promise<DmftSolution> {
  const r = await runCommand('dmft run', params, options);
  if (!r.symm) throw new Error('reproduce: dmft run gave no SymmDMFT solution');
  return r.symm;
}

/** The `committee ode` parameters of the problem an SGD run poses (the ODE beside a simulation, from the
 *  same start): the keys only `committee sgd` has (replicates, SGD step cap) left out, read off the
 *  descriptors so that nothing else is dropped. */
export function odeParams(params: CommitteeProblemInput): CommitteeProblemInput {
  const ode = findCommand(ENGINES, 'committee ode')!.command;
  const sgd = findCommand(ENGINES, 'committee sgd')!.command;
  const sgdOnly = new Set(sgd.fields.filter((f) => !ode.fields.some((g) => g.key === f.key)).map((f) => f.key));
  return Object.fromEntries(Object.entries(params).filter(([k]) => !sgdOnly.has(k))) as CommitteeProblemInput;
}
