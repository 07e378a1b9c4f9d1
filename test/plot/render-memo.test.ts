// renderSvg keeps Vega's compiled expression functions by their code (src/plot/render.ts) instead of
// compiling them again for every View. The second method: the same figures rendered through a View
// with Vega's own expression compiler (no `expr` option), byte for byte, with the memo warm (every
// figure rendered twice, in interleaved order) — line charts with log axes, bands, rules, error bars,
// legends, two panels, and a heatmap with a gradient legend.
import { describe, expect, it } from 'vitest';
import { compile } from 'vega-lite';
import { Error as ErrorLevel, logger, parse, View } from 'vega';
import { ENGINES } from '../../src/engines.js';
import { findCommand, prepareCommand } from '../../src/core/engine.js';
import { vegaLiteSpec } from '../../src/plot/figure.js';
import { renderSvg, VIEW_OPTIONS } from '../../src/plot/render.js';
import { decay } from './fixtures.js';

/** Vega's default pipeline (its own expression compiler), with renderSvg's id renumbering. */
async function plainSvg(vl: Record<string, unknown>): Promise<string> {
  const view = new View(parse(compile(vl as never, { logger: logger(ErrorLevel) }).spec), { renderer: 'none', logLevel: ErrorLevel });
  const renumber = (svg: string, re: RegExp, prefix: string, first: number) => {
    const ids = new Map<string, number>();
    return svg.replace(re, (_, n: string) => {
      if (!ids.has(n)) ids.set(n, ids.size + first);
      return `${prefix}${ids.get(n)}`;
    });
  };
  try {
    return renumber(renumber(await view.toSVG(), /\bclip(\d+)\b/g, 'clip', 1), /\bgradient_(\d+)\b/g, 'gradient_', 0);
  } finally {
    view.finalize();
  }
}

const heatmap = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  title: 'heat',
  width: 200,
  height: 150,
  data: { values: Array.from({ length: 12 }, (_, i) => ({ a: i % 4, b: Math.floor(i / 4), v: Math.exp(-i / 3) })) },
  mark: 'rect',
  encoding: {
    x: { field: 'a', type: 'ordinal' },
    y: { field: 'b', type: 'ordinal' },
    color: { field: 'v', type: 'quantitative', scale: { type: 'log' } },
  },
};

async function engineSpec(command: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
  const { engine, command: cmd } = findCommand(ENGINES, command)!;
  return vegaLiteSpec(cmd.figure(await cmd.solve(await prepareCommand(engine, cmd, params), {})));
}

describe('renderSvg with memoised expression functions', () => {
  it('uses the memo (Vega exports its runtime context)', () => {
    expect(typeof VIEW_OPTIONS.expr?.encode).toBe('function');
  });

  it('gives the bytes of Vega’s own expression compiler', async () => {
    const specs = [
      vegaLiteSpec(decay),
      heatmap,
      await engineSpec('committee ode', { p: 2, k: 2, tMax: 300, tCount: 30, lr: 0.5 }),
      await engineSpec('committee ode', { p: 2, k: 2, tMax: 300, tCount: 30, lr: 1.5 }),
      await engineSpec('kernel theory', { dim: 40, energies: [0, 0.5, 0.5], tCount: 20, samples: 300 }),
    ];
    for (let round = 0; round < 2; round++) for (const s of round ? [...specs].reverse() : specs) expect(await renderSvg(s)).toBe(await plainSvg(s));
  }, 60_000);
});
