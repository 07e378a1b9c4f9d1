// A toy engine for the sweep tests: y(t) = y0·e^{−rate·t} on t = 1..count (closed form), with a way to
// make a cell end NotConverged (rate > 100), throw (y0 < 0 at solve time), or wait for its signal
// (started.block: resolves 'Terminated' when aborted; lets the interrupt test catch a cell in flight).
import { main } from '../../src/cli/main.js';
import { command, curveSummary, type EngineDescriptor, type Field } from '../../src/core/engine.js';
import { ParameterError } from '../../src/core/validate.js';
import { ENGINES } from '../../src/engines.js';

const fields: Field[] = [
  { key: 'rate', flag: 'rate', kind: 'number', help: 'decay rate' },
  { key: 'y0', flag: 'y0', kind: 'number', default: '1', help: 'initial value' },
  { key: 'count', flag: 'count', kind: 'int', default: '5', help: 'time points' },
];
export interface ToyProblem {
  rate: number;
  y0: number;
  count: number;
}
export const solveCounter = { n: 0 };
/** block: solves wait for their abort signal (then resolve 'Terminated' with the first point);
 *  hook: called when such a solve has started (the interrupt test aborts then). */
export const started: { block?: boolean; hook?: () => void } = {};

export const toy: EngineDescriptor = {
  name: 'toy',
  description: 'sweep test engine',
  commands: [
    command({
      name: 'decay',
      description: 'y(t) = y0 exp(−rate t)',
      fields,
      prepare: (p): ToyProblem => {
        const rate = p.rate;
        if (typeof rate !== 'number' || !(rate > 0)) throw new ParameterError('rate', rate, 'a number > 0');
        const count = (p.count as number | undefined) ?? 5;
        if (!Number.isInteger(count) || count < 1) throw new ParameterError('count', count, 'an integer ≥ 1');
        return { rate, y0: (p.y0 as number | undefined) ?? 1, count };
      },
      memoryBytes: (p) => p.count * 8 * 1024 ** 2,
      solve: async (p, o) => {
        solveCounter.n++;
        const t = Array.from({ length: p.count }, (_, i) => i + 1);
        if (started.block) {
          await new Promise<void>((resolve) => {
            if (o.signal?.aborted) return resolve();
            o.signal?.addEventListener('abort', () => resolve(), { once: true });
            started.hook?.();
          });
          return { status: 'Terminated' as const, message: 'terminated', t: t.slice(0, 1), y: [p.y0 * Math.exp(-p.rate)], problem: p };
        }
        if (p.y0 < 0) throw new Error('negative y0 reached the solver');
        const y = t.map((x) => p.y0 * Math.exp(-p.rate * x));
        return p.rate > 100
          ? { status: 'NotConverged' as const, message: 'rate above 100', t, y, problem: p }
          : { status: 'Success' as const, t, y, problem: p };
      },
      json: (s) => ({ status: s.status, t: s.t, y: s.y, problem: s.problem }),
      text: (s) => `y(end) = ${s.y.at(-1)}`,
      bundle: (s, argv) => ({
        arrays: { t: Float64Array.from(s.t), y: Float64Array.from(s.y), yHalf: Float64Array.from(s.y, (v) => v / 2) },
        csv: { columns: { t: Float64Array.from(s.t), y: Float64Array.from(s.y) } },
        manifest: {
          version: 'test',
          command: argv,
          problem: s.problem,
          seed: null,
          rngScheme: 'none',
          wasm: { variant: 'ts', simd: false, threads: false, noLiftoff: false },
          status: s.status,
          stats: { message: s.message ?? null },
        },
        arrayDocs: { y: { definition: 'y0 exp(−rate t)', unit: 'y units' }, yHalf: { definition: 'y/2', unit: 'y units' } },
      }),
      figure: (s) => ({ panels: [{ xTitle: 't', yTitle: 'y', xScale: 'linear', yScale: 'linear', series: [{ name: 'y', x: s.t, y: s.y, mark: 'line' }] }] }),
      summary: (s) => ({ ...curveSummary('y', s.t, s.y), y0: s.problem.y0 }),
    }),
  ],
};

export const TEST_ENGINES: readonly EngineDescriptor[] = [...ENGINES, toy];

export async function cli(args: string[]) {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s) }, TEST_ENGINES);
  return { code, out, err };
}
