// Property-based fuzz of the CLI and the library (issue 10 §6), seeded so CI failures replay.
// CLI: every subcommand, its flags (from the engine descriptors) and config / init files, each
// invocation carrying at least one value its field can never accept, plus random others (valid or
// not, in any order). Asserted: exit 2, exactly one line on stderr ("learndyn: …", no stack
// trace), nothing on stdout, nothing created at --out. Library: every problem schema with one field
// made NaN, ±∞, a string, null, an object, or an extra key → a typed ParameterError (never a
// TypeError, a RangeError or a result). In-process (main(args, io)): ≥ 1,000 CLI invocations per run.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { ENGINES } from '../../src/engines.js';
import type { Field, FieldKind } from '../../src/core/engine.js';
import { ParameterError } from '../../src/core/validate.js';
import { MemoryBudgetError } from '../../src/wasm/arena.js';
import { validateKernelProblem } from '../../src/kernel/solve.js';
import { validateCommitteeProblem } from '../../src/committee/solve.js';
import { validateDmftProblem } from '../../src/dmft/solve.js';
import { parseReducedProblem } from '../../src/dmft/reduced.js';
import { simulateOptions } from '../../src/dmft/simulate.js';
import { solveGeneralDmft } from '../../src/dmft/general.js';

// LEARNDYN_FUZZ_SEED / LEARNDYN_FUZZ_RUNS explore further (CI keeps the fixed seed).
const SEED = Number(process.env.LEARNDYN_FUZZ_SEED ?? 20261206);
const RUNS = Number(process.env.LEARNDYN_FUZZ_RUNS ?? 1500);
const root = mkdtempSync(join(tmpdir(), 'ld-fuzz-'));
const file = (name: string, text: string) => {
  const p = join(root, name);
  writeFileSync(p, text);
  return p;
};
const FILES = {
  broken: file('broken.json', '{\n  "a": 1,\n  "b": oops\n}\n'),
  array: file('array.json', '[1, 2, 3]'),
  string: file('string.json', '"text"'),
  empty: file('empty.json', ''),
  missing: join(root, 'does-not-exist.json'),
};

/** Values a field of this kind never accepts (as flag text). */
const NEVER: Record<Exclude<FieldKind, 'switch'>, string[]> = {
  int: ['abc', 'NaN', 'inf', '-inf', '1.5', '1e400', '0x10', '2^3', '', ' ', '1,2'],
  number: ['abc', 'NaN', 'inf', '-Infinity', '1e400', '-1e400', '0x1', '1,2', '', '1..2'],
  numbers: ['a,b', '1,NaN', 'inf,1', '1,,x', '1e400', 'NaN'],
  numberOrAuto: ['autox', 'NaN', 'inf', '-1e400', 'abc'],
  string: ['%%%', 'zzz-unknown', '#!', 'exp:', 'exp:0', 'poly:', 'x'.repeat(300)],
  jsonFile: [FILES.broken, FILES.array, FILES.string, FILES.empty, FILES.missing, ''],
};
/** Plausible values (often valid): mixed in beside the bad one. */
const PLAUSIBLE = ['1', '2', '0.5', '10', '0,1', '0,0.5,0.5', 'exp', 'sphere', 'erf', '0', '-1', '1e-3', '1e9', 'auto', 'full', 'gd'];
/** JSON values a config key (a field) never accepts. */
const NEVER_JSON: unknown[] = [null, 'abc', [], {}, true, 'NaN', [null], { x: 1 }, '1e400'];

type Cmd = { path: string[]; fields: Field[] };
const COMMANDS: Cmd[] = ENGINES.flatMap((e) => e.commands.filter((c) => c.fields.length > 0).map((c) => ({ path: [e.name, c.name], fields: c.fields })));
const valueFields = (c: Cmd) => c.fields.filter((f) => f.kind !== 'switch');

/** One invocation of an engine command: one bad flag or config key, 0–4 random others, shuffled. */
const engineInvocation = fc
  .constantFrom(...COMMANDS)
  .chain((cmd) =>
    fc.record({
      cmd: fc.constant(cmd),
      bad: fc.constantFrom(...valueFields(cmd)).chain((f) => fc.record({ f: fc.constant(f), v: fc.constantFrom(...NEVER[f.kind as keyof typeof NEVER]) })),
      inConfig: fc.boolean(),
      jsonBad: fc.constantFrom(...NEVER_JSON),
      others: fc.array(fc.record({ f: fc.constantFrom(...cmd.fields), v: fc.constantFrom(...PLAUSIBLE, ...Object.values(NEVER).flat()) }), { maxLength: 4 }),
      out: fc.boolean(),
    }),
  )
  .map(({ cmd, bad, inConfig, jsonBad, others, out }) => {
    const args: string[][] = [];
    for (const o of others) {
      if (o.f.key === bad.f.key) continue;
      args.push(o.f.kind === 'switch' ? [`--${o.f.flag}`] : [`--${o.f.flag}`, o.f.kind === 'jsonFile' ? FILES.missing : o.v]);
    }
    let config: string | undefined;
    if (inConfig && bad.f.kind !== 'jsonFile') {
      // The bad value in a config file: as JSON (null, [], {}, …) or as the flag text.
      config = file(`cfg-${Math.random().toString(36).slice(2)}.json`, JSON.stringify({ [bad.f.key]: typeof jsonBad === 'string' ? bad.v : jsonBad }));
    } else args.push([`--${bad.f.flag}`, bad.v]);
    const flat = args.flat();
    return [...cmd.path, ...flat, ...(config ? ['--config', config] : []), ...(out ? ['--out', join(root, `out-${Math.random().toString(36).slice(2)}`)] : [])];
  });

/** Other bad invocations: unknown commands and flags, missing values, reproduce ids, config files. */
const otherInvocation = fc.oneof(
  fc.constantFrom(['kernl'], ['kernel', 'rn'], ['committee', 'od'], ['dmft', 'simulat'], ['reproduc', 'x'], ['demo', '--bogus']),
  fc.record({ c: fc.constantFrom(...COMMANDS), flag: fc.stringMatching(/^[a-z]{2,8}$/) }).map(({ c, flag }) => [...c.path, `--zz${flag}`, '1']),
  fc.constantFrom(...COMMANDS).map((c) => [...c.path, `--${valueFields(c)[0].flag}`]), // value missing
  fc
    .record({ id: fc.stringMatching(/^[a-z0-9-]{1,20}$/), quick: fc.boolean() })
    .map(({ id, quick }) => ['reproduce', `zz-${id}`, ...(quick ? ['--quick'] : [])]),
  fc
    .constantFrom(...Object.values(FILES))
    .chain((p) =>
      fc.constantFrom(['dmft', 'general', '--config', p], ['dmft', 'reduced', '--config', p], ['kernel', 'rerun', p], ['committee', 'ode', '--config', p]),
    ),
  fc
    .record({ k: fc.constantFrom('zzz', 'exp:', 'exp:0', 'poly:', 'relu-ntk:1', '%'), sep: fc.constantFrom(',', ';') })
    .map(({ k, sep }) => ['kernel', 'compare', '--dim', '10', '--samples', '20', '--energies', '0,1', '--kernels', `exp${sep}${k}`]),
  fc.constantFrom(...Object.values(NEVER.int)).map((v) => ['kernel', 'spectrum', '--dim', v]),
  fc
    .record({ key: fc.constantFrom('m', 'alphaBar', 'tau', 'h', 'a0', 'C0', 'v0', 'eta', 'tMax', 'bogus'), v: fc.constantFrom(...NEVER_JSON, -1) })
    .map(({ key, v }) => [
      'dmft',
      'general',
      '--config',
      file(
        `gen-${Math.random().toString(36).slice(2)}.json`,
        JSON.stringify({ m: 2, alphaBar: 1, tau: 0.5, h: [0, 1], a0: [1, 1], eta: 0.1, tMax: 1, [key]: v }),
      ),
    ]),
);

async function runCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

describe('CLI fuzz: bad input is exit 2, one line, nothing created', () => {
  it('≥ 1,000 generated invocations across every subcommand', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof({ arbitrary: engineInvocation, weight: 4 }, { arbitrary: otherInvocation, weight: 1 }), async (generated) => {
        const args = [...(generated as readonly string[])];
        runs++;
        const outIdx = args.indexOf('--out');
        const r = await runCli(args);
        const ctx = `learndyn ${args.map((a) => JSON.stringify(a)).join(' ')}\n${r.err}`;
        expect(r.code, ctx).toBe(2);
        expect(r.err.endsWith('\n'), ctx).toBe(true);
        expect(r.err.trimEnd().split('\n'), ctx).toHaveLength(1);
        expect(r.err, ctx).toMatch(/^learndyn: /);
        expect(r.err, ctx).not.toMatch(/\bat .*\.(ts|js):\d+/);
        expect(r.out, ctx).toBe('');
        if (outIdx >= 0) expect(existsSync(args[outIdx + 1]), ctx).toBe(false);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    expect(runs).toBeGreaterThanOrEqual(1000);
  }, 170_000);
});

describe('library fuzz: typed ParameterError for NaN, ±∞, strings, null, objects and extra keys', () => {
  const base: Record<string, { valid: Record<string, unknown>; check: (x: Record<string, unknown>) => unknown }> = {
    kernel: { valid: { dim: 10, samples: 50, energies: [0, 1], tCount: 11 }, check: (x) => validateKernelProblem(x as never) },
    committee: { valid: { p: 2, k: 2, lr: 0.5, tMax: 10 }, check: (x) => validateCommitteeProblem(x as never, false) },
    dmft: { valid: { m: 8, alpha: 0.5, tau: 1, h: [0, 0.3, 0.5], eta: 0.1, tMax: 1 }, check: (x) => validateDmftProblem(x as never) },
    reduced: { valid: { kind: 'lazy1', alpha: 0.5, tau: 1, gamma0: 1, h: [0, 0.3, 0.5], eta: 0.1, tMax: 1 }, check: (x) => parseReducedProblem(x) },
    simulate: { valid: { m: 4, alpha: 0.5, dim: 10, tau: 0.5, h: [0, 1], steps: 5 }, check: (x) => simulateOptions(x) },
    general: {
      valid: { m: 2, alphaBar: 1, tau: 0.5, h: [0, 1], a0: [1, 1], eta: 0.1, tMax: 1 },
      check: (x) => {
        const ctl = new AbortController();
        ctl.abort(); // validate without computing
        return solveGeneralDmft(x as never, { signal: ctl.signal });
      },
    },
  };
  it('the valid bases pass (so each refusal below is the mutation)', () => {
    for (const b of Object.values(base)) expect(() => b.check(b.valid)).not.toThrow();
  });
  it('mutations are refused with ParameterError', () => {
    const badValue = fc.constantFrom<unknown>(NaN, Infinity, -Infinity, 'abc', '1', null, { a: 1 }, [NaN], true);
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(base)), fc.nat(), badValue, fc.boolean(), (name, i, v, extra) => {
        const b = base[name];
        const keys = Object.keys(b.valid);
        const input = extra ? { ...b.valid, [`zz${i % 7}`]: v ?? 1 } : { ...b.valid, [keys[i % keys.length]]: v };
        let err: unknown;
        try {
          b.check(input);
        } catch (e) {
          err = e;
        }
        expect(err instanceof ParameterError || err instanceof MemoryBudgetError, `${name} ${JSON.stringify(input)}: ${String(err)}`).toBe(true);
      }),
      { seed: SEED, numRuns: 700 },
    );
  });
});
