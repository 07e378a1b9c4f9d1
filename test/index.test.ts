import { describe, expect, expectTypeOf, it } from 'vitest';
import * as learndyn from '../src/index.js';
import type { KernelSolution, KernelProblemInput } from '../src/index.js';
import { VERSION } from '../src/version.js';
import pkg from '../package.json' with { type: 'json' };

describe('library entry', () => {
  it('exposes the engine API, typed', async () => {
    expectTypeOf(learndyn.solveKernel).parameter(0).toEqualTypeOf<KernelProblemInput>();
    expectTypeOf(learndyn.solveKernel).returns.resolves.toEqualTypeOf<KernelSolution>();
    const sol = await learndyn.solveKernel({ dim: 10, samples: 50, energies: [0, 1], tCount: 3, testPoints: 0 });
    expect(sol.status).toBe('Success');
    expect(sol.problem.kernel).toBe('exp');
    expect(sol.t).toHaveLength(3);
    // A Solution carries its resolved, JSON-serialisable Problem: re-solving it reproduces the curves.
    const again = await learndyn.solveKernel(JSON.parse(JSON.stringify(sol.problem)));
    expect(again.curves).toEqual(sol.curves);
  });

  it('bad problems throw ParameterError naming the field before any work', () => {
    expect(() => learndyn.kernelProblem({ dim: 10, samples: 0, energies: [1] })).toThrow(learndyn.ParameterError);
    expect(() => learndyn.kernelProblem({ dim: 10, samples: 0, energies: [1] })).toThrow(/samples: 0/);
  });

  it('version matches package.json', () => {
    expect(VERSION).toBe(pkg.version);
  });
});
