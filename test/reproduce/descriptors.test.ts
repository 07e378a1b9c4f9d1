// `reproduce` runs its engine problems through the descriptors (issue 8: "the CLI, the explorer worker
// and reproduce iterate over the descriptors"): src/reproduce/engine-run.ts poses each run as (command,
// parameters) and takes the CLI's path (findCommand, prepareCommand, command.solve). This test fails
// when a reproduce module imports an engine's solve/simulate function directly, except the short list
// below, each with the reason no descriptor command can express it.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findCommand } from '../../src/core/engine.js';
import { ENGINES } from '../../src/engines.js';
import { odeParams, runCommand } from '../../src/reproduce/engine-run.js';
import { ParameterError } from '../../src/core/validate.js';

const DIR = 'src/reproduce';
const ENGINE_DIRS = ['kernel', 'committee', 'dmft'];

/** Engine functions that run a problem (what a descriptor's `solve` wraps). */
const isSolveFunction = (name: string) => /^(solve|simulate|run)[A-Z]/.test(name) || ['meanFieldOde', 'compareKernels', 'thresholdScan'].includes(name);

/** file → allowed direct imports, with the reason. */
const EXCEPTIONS: Record<string, Record<string, string>> = {
  'dmft-misc.ts': {
    thresholdScan: 'a bespoke analysis: one reduced solve per α of a grid, each stopped at relaxation, then the power-law fit of t_rel',
  },
};

/** Value (non-type) names a file imports from an engine folder, with the folder. */
function engineImports(text: string): { name: string; from: string }[] {
  const out: { name: string; from: string }[] = [];
  for (const m of text.matchAll(/import\s+(type\s+)?\{([^}]*)\}\s*from\s*['"]\.\.\/(\w+)\/([^'"]+)['"]/g)) {
    if (m[1] || !ENGINE_DIRS.includes(m[3])) continue;
    for (const part of m[2].split(',')) {
      const s = part.trim();
      if (!s || s.startsWith('type ')) continue;
      out.push({ name: s.split(/\s+as\s+/)[0], from: `${m[3]}/${m[4]}` });
    }
  }
  for (const m of text.matchAll(/import\s+\*\s+as\s+\w+\s+from\s*['"]\.\.\/(\w+)\/([^'"]+)['"]/g))
    if (ENGINE_DIRS.includes(m[1])) out.push({ name: '*', from: `${m[1]}/${m[2]}` });
  return out;
}

describe('reproduce runs engine problems through the descriptors', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.ts'));

  it('no reproduce module imports an engine solve function, except the listed bespoke analyses', () => {
    const bad: string[] = [];
    for (const f of files)
      for (const { name, from } of engineImports(readFileSync(join(DIR, f), 'utf8')))
        if ((name === '*' || isSolveFunction(name)) && !EXCEPTIONS[f]?.[name]) bad.push(`${f}: ${name} from ${from}`);
    expect(bad).toEqual([]);
  });

  it('every listed exception is still used (the list cannot go stale)', () => {
    const stale = Object.entries(EXCEPTIONS).flatMap(([f, names]) => {
      const imported = engineImports(readFileSync(join(DIR, f), 'utf8')).map((i) => i.name);
      return Object.keys(names).filter((n) => !imported.includes(n));
    });
    expect(stale).toEqual([]);
  });

  it('the import scan sees what it polices (value imports found, type imports skipped)', () => {
    const found = engineImports(
      "import { solveDmft, type DmftSolution } from '../dmft/solve.js';\nimport type { X } from '../kernel/solve.js';\nimport * as c from '../committee/solve.js';",
    );
    expect(found).toEqual([
      { name: 'solveDmft', from: 'dmft/solve.js' },
      { name: '*', from: 'committee/solve.js' },
    ]);
  });

  it('every module that runs engine problems reaches them through engine-run', () => {
    const runners = files.filter((f) => /runCommand|runSymmDmft|meanFieldCurve|simulate\(/.test(readFileSync(join(DIR, f), 'utf8')));
    const viaEngineRun = (f: string) => /from '\.\/(engine-run|dmft-util|dmft-sim)\.js'/.test(readFileSync(join(DIR, f), 'utf8'));
    expect(runners.length).toBeGreaterThan(5);
    expect(runners.filter((f) => f !== 'engine-run.ts' && !viaEngineRun(f))).toEqual([]);
  });

  it('runCommand validates like the CLI: a parameter of another command is refused before any work', async () => {
    // `seeds` belongs to `committee sgd`; the ODE refuses it with the reason (exit 2 in the CLI).
    const p = { p: 2, k: 2, activation: 'erf' as const, lr: 0.5, dim: 100, tMax: 1, tCount: 2, seeds: 3 };
    await expect(runCommand('committee ode', p)).rejects.toThrow(ParameterError);
    await expect(runCommand('committee ode', p)).rejects.toThrow(/committee sgd/);
    // odeParams drops exactly the keys only the SGD has, read off the descriptors.
    const ode = findCommand(ENGINES, 'committee ode')!.command;
    expect(Object.keys(odeParams(p)).every((k) => ode.fields.some((f) => f.key === k))).toBe(true);
    expect(Object.keys(odeParams(p)).sort()).toEqual(
      Object.keys(p)
        .filter((k) => k !== 'seeds')
        .sort(),
    );
    // And the same run without it gives the ODE's Solution.
    const sol = await runCommand('committee ode', odeParams(p));
    expect(sol.status).toBe('Success');
    expect(sol.t.length).toBe(2);
  });
});
