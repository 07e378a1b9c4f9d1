// The kernel engine's theory curves on the run's time grid, assembled once for `solveKernel`, the
// `kernel theory` command and the explorer: oracle T1, block approximation T3, eigenlearning T4
// (kernel.md §7), each shifted by σ² when the noisy risk is asked for, plus the stage boundaries.
import type { Status } from '../core/contract.js';
import { kernelProblem, type KernelProblem, type KernelProblemInput } from './problem.js';
import { buildSetup, type KernelSetup } from './setup.js';

export interface KernelTheoryCurves {
  oracle: number[];
  theoryTrain: number[];
  theoryTest: number[];
  eigenlearningTrain: number[];
  eigenlearningTest: number[];
}

/** The theory curves of a validated problem, test-side curves shifted by σ² under `noisyRisk`. */
export function theoryCurves(p: KernelProblem, setup: KernelSetup): KernelTheoryCurves {
  const shift = p.noisyRisk ? p.noiseSd ** 2 : 0;
  const th = setup.theory;
  const add = (v: number[]) => v.map((x) => x + shift);
  return {
    oracle: add(th.oracle),
    theoryTrain: th.blockTrain,
    theoryTest: add(th.blockTest),
    eigenlearningTrain: th.eigenlearningTrain,
    eigenlearningTest: add(th.eigenlearningTest),
  };
}

/** Theory only (no sampling): the result of `kernel theory`. */
export interface KernelTheory {
  status: Status;
  message?: string;
  t: number[];
  curves: KernelTheoryCurves;
  atInfinity: { oracle: number };
  stages: KernelSetup['stages'];
  spectrum: KernelSetup['spectrumSummary'];
  report: string;
  problem: KernelProblem;
}

export function kernelTheory(input: KernelProblemInput | KernelProblem): KernelTheory {
  const p = kernelProblem(input as KernelProblemInput);
  const setup = buildSetup(p);
  const shift = p.noisyRisk ? p.noiseSd ** 2 : 0;
  return {
    status: 'Success',
    t: Array.from(setup.times),
    curves: theoryCurves(p, setup),
    atInfinity: { oracle: setup.theory.oracleInfinity + shift },
    stages: setup.stages,
    spectrum: setup.spectrumSummary,
    report: setup.report,
    problem: p,
  };
}
