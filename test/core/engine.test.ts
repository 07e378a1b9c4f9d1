// Engine descriptors: a toy engine registered through the same path as the real ones runs through the
// CLI (flags, config, validation, --json, --out, exit codes, Terminated); field tables are consistent.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { command, type EngineDescriptor, type Field } from '../../src/core/engine.js';
import { ParameterError } from '../../src/core/validate.js';
import { ENGINES } from '../../src/engines.js';
import { decodeNpy } from '../../src/io/npy.js';

/** A toy engine: exponential decay y(t) = y0·e^{−rate·t} on a uniform grid (closed form). */
const toyFields: Field[] = [
  { key: 'rate', flag: 'rate', kind: 'number', help: 'decay rate' },
  { key: 'y0', flag: 'y0', kind: 'number', default: '1', help: 'initial value' },
  { key: 'count', flag: 'count', kind: 'int', default: '5', help: 'time points' },
];
interface ToyProblem {
  rate: number;
  y0: number;
  count: number;
}
const toy: EngineDescriptor = {
  name: 'toy',
  description: 'a toy engine for the descriptor test',
  commands: [
    command({
      name: 'decay',
      description: 'y(t) = y0 exp(−rate t)',
      fields: toyFields,
      prepare: (p): ToyProblem => {
        const rate = p.rate;
        if (typeof rate !== 'number' || !(rate > 0)) throw new ParameterError('rate', rate, 'a number > 0');
        return { rate, y0: (p.y0 as number | undefined) ?? 1, count: (p.count as number | undefined) ?? 5 };
      },
      solve: async (p, o) => {
        const t = Array.from({ length: p.count }, (_, i) => i);
        if (o.signal?.aborted) return { status: 'Terminated' as const, t: [], y: [], problem: p };
        return { status: 'Success' as const, t, y: t.map((x) => p.y0 * Math.exp(-p.rate * x)), problem: p };
      },
      json: (s) => ({ status: s.status, t: s.t, y: s.y, problem: s.problem }),
      text: (s) => `y(end) = ${s.y.at(-1)}`,
      bundle: (s, argv) => ({
        arrays: { t: Float64Array.from(s.t), y: Float64Array.from(s.y) },
        csv: { columns: { t: Float64Array.from(s.t), y: Float64Array.from(s.y) } },
        manifest: {
          version: 'test',
          command: argv,
          problem: s.problem,
          seed: null,
          rngScheme: 'none',
          wasm: { variant: 'ts', simd: false, threads: false, noLiftoff: false },
          status: s.status,
        },
        arrayDocs: { y: { definition: 'y0 exp(−rate t)', unit: 'y units' } },
      }),
      figure: (s) => ({ panels: [{ xTitle: 't', yTitle: 'y', xScale: 'linear', yScale: 'linear', series: [{ name: 'y', x: s.t, y: s.y, mark: 'line' }] }] }),
    }),
  ],
};

async function run(args: string[]) {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s) }, [...ENGINES, toy]);
  return { code, out, err };
}

describe('a toy engine registered like the real ones', () => {
  it('runs through the CLI path: flags, --json, config + flags, --out with the manifest, bad input', async () => {
    const r = await run(['toy', 'decay', '--rate', '0.5', '--count', '3', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.t).toEqual([0, 1, 2]);
    expect(j.y[2]).toBeCloseTo(Math.exp(-1), 15);

    const dir = mkdtempSync(join(tmpdir(), 'toy-'));
    const cfg = join(dir, 'cfg.json');
    writeFileSync(cfg, JSON.stringify({ rate: 2, y0: 3 }));
    const out = join(dir, 'out');
    const r2 = await run(['toy', 'decay', '--config', cfg, '--y0', '4', '--out', out]);
    expect(r2.code).toBe(0);
    const man = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(man.problem).toEqual({ rate: 2, y0: 4, count: 5 }); // the flag overrides the config
    expect(man.arrays.y.definition).toBe('y0 exp(−rate t)');
    for (const f of ['y.npy', 't.npy', 'arrays.npz', 'curves.csv', 'figure.svg', 'figure.vl.json']) expect(existsSync(join(out, f)), f).toBe(true);
    expect((decodeNpy(new Uint8Array(readFileSync(join(out, 'y.npy')))).data as Float64Array)[1]).toBeCloseTo(4 * Math.exp(-2), 15);

    const bad = await run(['toy', 'decay', '--rate', '-1']);
    expect(bad.code).toBe(2);
    expect(bad.err.trim().split('\n')).toHaveLength(1);
    expect(bad.err).toContain('rate');
  });
});

describe('descriptor tables', () => {
  it('within a command, keys and flags are unique; every field has help; switches and widgets are well-formed', () => {
    for (const e of ENGINES)
      for (const c of e.commands) {
        const keys = c.fields.map((f) => f.key);
        const flags = c.fields.map((f) => f.flag);
        expect(new Set(keys).size, `${e.name} ${c.name} keys`).toBe(keys.length);
        expect(new Set(flags).size, `${e.name} ${c.name} flags`).toBe(flags.length);
        for (const f of c.fields) {
          expect(f.help.length, `${f.key} help`).toBeGreaterThan(3);
          expect(f.flag).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
          if (f.widget?.control === 'select') expect(f.widget.options, `${f.key} options`).toContain(f.widget.def);
        }
      }
  });

  it('a key one command uses and a sibling does not is refused with the reason, in one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'foreign-'));
    const cfg = join(dir, 'cfg.json');
    writeFileSync(cfg, JSON.stringify({ dim: 20, samples: 50, energies: [0, 1], seeds: 3 }));
    const r = await run(['kernel', 'theory', '--config', cfg]);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/seeds = 3 is not used here: kernel theory does not use it \(kernel run does\)/);
  });
});
