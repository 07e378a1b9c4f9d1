// Two-kernel comparison (kernel.md §9): several kernels trained on the SAME data (the draws depend
// only on the seed and the replicate stream, never on the kernel), to show that the kernel whose
// train error collapses first need not have the lower test error.
import { solveKernel, validateKernelProblem, type KernelSolution, type SolveOptions } from './solve.js';
import type { KernelProblemInput } from './problem.js';
import { ParameterError } from '../core/validate.js';

export interface KernelComparison {
  t: number[];
  kernels: string[];
  solutions: KernelSolution[];
  summary: {
    /** First time (log-interpolated) at which each kernel's train error falls below 10% of its t = 0 value. */
    trainCollapseTime: number[];
    /** Index of the kernel that trains fastest (smallest collapse time). */
    fastestTraining: number;
    /** Per time, the index of the kernel with the lowest test error. */
    bestTestAt: number[];
    /** Fraction of the window [min t₁, max t₂] where the fastest-training kernel has the lowest test error. */
    fastestAlsoBestFraction: number;
    text: string;
  };
}

/** Log-interpolated first crossing of `level` by a decreasing curve; ∞ if never reached. */
export function crossingTime(t: readonly number[], y: readonly number[], level: number): number {
  for (let i = 0; i < t.length; i++) {
    if (y[i] <= level) {
      if (i === 0) return t[0];
      const [l0, l1] = [Math.log(t[i - 1]), Math.log(t[i])];
      const f = (y[i - 1] - level) / (y[i - 1] - y[i]);
      return Math.exp(l0 + f * (l1 - l0));
    }
  }
  return Infinity;
}

export async function compareKernels(
  input: Omit<KernelProblemInput, 'kernel'>,
  kernels: (string | object)[],
  opts: SolveOptions = {},
): Promise<KernelComparison> {
  if (kernels.length < 2) throw new ParameterError('kernels', kernels, 'at least two kernels');
  // Validate every kernel before running any.
  for (const k of kernels) validateKernelProblem({ ...input, kernel: k } as KernelProblemInput);
  const solutions: KernelSolution[] = [];
  for (let i = 0; i < kernels.length; i++) {
    const sol = await solveKernel({ ...input, kernel: kernels[i] } as KernelProblemInput, {
      ...opts,
      onProgress: (e) => opts.onProgress?.({ phase: `kernel ${i + 1}/${kernels.length}, ${e.phase}`, fraction: (i + e.fraction) / kernels.length }),
    });
    solutions.push(sol);
  }
  return compareSolutions(kernels, solutions);
}

/** The §9 comparison of kernels already solved on the same data (same input apart from the kernel). */
export function compareSolutions(kernels: (string | object)[], solutions: KernelSolution[]): KernelComparison {
  const t = solutions[0].t;
  const names = kernels.map((k) => (typeof k === 'string' ? k : JSON.stringify(k)));
  const collapse = solutions.map((s) => crossingTime(s.t, s.curves.train, 0.1 * s.curves.train[0]));
  const fastest = collapse.indexOf(Math.min(...collapse));
  const bestTestAt = t.map((_, i) => {
    let best = 0;
    solutions.forEach((s, j) => {
      if (s.curves.test[i] < solutions[best].curves.test[i]) best = j;
    });
    return best;
  });
  const lo = Math.min(...solutions.map((s) => s.stages.t1));
  const hi = Math.max(...solutions.map((s) => s.stages.t2));
  const window = t.map((x, i) => [x, i] as const).filter(([x]) => x >= lo && x <= hi);
  const frac = window.length ? window.filter(([, i]) => bestTestAt[i] === fastest).length / window.length : NaN;
  const fmt = (x: number) => (Number.isFinite(x) ? x.toExponential(2) : '∞');
  const lines = [
    `train error below 10% of its start: ${names.map((n, i) => `${n} at t ≈ ${fmt(collapse[i])}`).join(', ')}`,
    `fastest training: ${names[fastest]}; it has the lowest test error at ${(100 * frac).toFixed(0)}% of the times in [${fmt(lo)}, ${fmt(hi)}]`,
    frac < 0.5 ? 'faster training did not give better generalisation here (kernel.md §9)' : 'here the faster-training kernel also generalises better',
  ];
  return {
    t,
    kernels: names,
    solutions,
    summary: { trainCollapseTime: collapse, fastestTraining: fastest, bestTestAt, fastestAlsoBestFraction: frac, text: lines.join('\n') },
  };
}
