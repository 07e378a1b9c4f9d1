// The sweep's figure renderer (src/sweep/figure-cache.ts) against the direct render (src/plot/render.ts,
// what `--out` writes): the same SVG bytes for the cells of real engine sweeps — titles, series names,
// domains and data differing from cell to cell — while the later cells of a shape take the cached path.
import { describe, expect, it } from 'vitest';
import { ENGINES } from '../../src/engines.js';
import { findCommand, prepareCommand } from '../../src/core/engine.js';
import { vegaLiteSpec } from '../../src/plot/figure.js';
import { renderSvg } from '../../src/plot/render.js';
import { FigureRenderer, renumberIds } from '../../src/sweep/figure-cache.js';

async function specs(command: string, base: Record<string, unknown>, axis: string, values: unknown[]): Promise<Record<string, unknown>[]> {
  const { engine, command: cmd } = findCommand(ENGINES, command)!;
  const out: Record<string, unknown>[] = [];
  for (const v of values) {
    const sol = await cmd.solve(await prepareCommand(engine, cmd, { ...base, [axis]: v }), {});
    out.push(vegaLiteSpec(cmd.figure(sol)));
  }
  return out;
}

async function check(list: Record<string, unknown>[]): Promise<FigureRenderer> {
  const r = new FigureRenderer(32, 0); // live renders unchecked inside: each is checked here
  for (const s of list) expect(await r.svg(s)).toBe(await renderSvg(s));
  return r;
}

/** renderSvg's post-processing: two regular-expression passes. */
function twoPass(svg: string): string {
  const pass = (text: string, re: RegExp, prefix: string, first: number) => {
    const ids = new Map<string, number>();
    return text.replace(re, (_, n: string) => {
      if (!ids.has(n)) ids.set(n, ids.size + first);
      return `${prefix}${ids.get(n)}`;
    });
  };
  return pass(pass(svg, /\bclip(\d+)\b/g, 'clip', 1), /\bgradient_(\d+)\b/g, 'gradient_', 0);
}

describe('renumberIds (one indexOf scan)', () => {
  it('equals the two regular-expression passes, word boundaries included', () => {
    const cases = [
      '',
      'no ids',
      'clip7 clip3 clip7 gradient_9 gradient_2 gradient_9',
      'url(#clip12)"clip-path"clip12a xclip4 clip_5 clip gradient_ gradient_x gradient_33_ _gradient_4 clip44',
      'clip1clip2 gradient_1gradient_2 clip9\nclip9.clip10',
    ];
    // Random strings over an alphabet dense in the prefixes and boundaries.
    let seed = 12345;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const atoms = ['clip', 'gradient_', '1', '23', '0', 'a', '_', ' ', '#', ')', 'x'];
    for (let k = 0; k < 400; k++) cases.push(Array.from({ length: 1 + Math.floor(rnd() * 30) }, () => atoms[Math.floor(rnd() * atoms.length)]).join(''));
    for (const c of cases) expect(renumberIds(c), c).toBe(twoPass(c));
  });
});

describe('sweep figure renderer', () => {
  it('committee ode: byte-identical to the direct render over lr (titles, domains, plateau bands vary)', async () => {
    const list = await specs('committee ode', { p: 2, k: 2, tMax: 3000, tCount: 60 }, 'lr', [0.05, 0.5, 1, 2, 3]);
    const r = await check(list);
    expect(r.stats.cached).toBeGreaterThanOrEqual(2); // the later cells of a shape skip compile and parse
  }, 60_000);

  it('kernel theory (two panels, linear and log axes): byte-identical over the sample size', async () => {
    const list = await specs('kernel theory', { dim: 40, energies: [0, 0.5, 0.5], tCount: 25 }, 'samples', [200, 400, 800]);
    const r = await check(list);
    expect(r.stats.cached).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('a heatmap with a gradient legend (clip and gradient ids renumbered in one pass): byte-identical', async () => {
    const heat = (k: number) => ({
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: `heat ${k}`,
      width: 200,
      height: 150,
      data: { values: Array.from({ length: 12 }, (_, i) => ({ a: i % 4, b: Math.floor(i / 4), v: Math.exp(-i / (k + 2)) })) },
      layer: [
        {
          mark: { type: 'rect', clip: true },
          encoding: {
            x: { field: 'a', type: 'ordinal' },
            y: { field: 'b', type: 'ordinal' },
            color: { field: 'v', type: 'quantitative', scale: { type: 'log' } },
          },
        },
      ],
    });
    const r = await check([heat(1), heat(2), heat(3)]);
    expect(r.stats.cached).toBeGreaterThanOrEqual(1);
    expect(await renderSvg(heat(3))).toMatch(/gradient_0/);
  }, 60_000);

  it("an error inside Vega's dataflow (which Vega only logs) makes the shape render directly", async () => {
    const broken = (k: number) => ({
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: `broken ${k}`,
      data: {
        values: [
          { x: 1, y: k },
          { x: 2, y: k + 1 },
        ],
      },
      transform: [{ calculate: 'datum.missing.field', as: 'z' }],
      mark: 'line',
      encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
    });
    const r = await check([broken(1), broken(2)]);
    expect(r.stats).toMatchObject({ cached: 0, direct: 2 });
  }, 60_000);

  it('a title that generated code would escape renders directly (still identical)', async () => {
    const [s] = await specs('committee ode', { p: 2, k: 2, tMax: 100, tCount: 20 }, 'lr', [0.5]);
    const quoted = { ...s, title: 'a "quoted" \\ title' };
    const r = await check([quoted, quoted]);
    expect(r.stats).toMatchObject({ cached: 0, direct: 2 });
  }, 60_000);
});

describe('sweep figure renderer, live View per shape', () => {
  it('many cells through the reused View: byte-identical to fresh renders (log axes whose ticks shift down and up, NaN and empty series, legends)', async () => {
    // Data ranges that move the log axis' ticks both ways between consecutive cells (a View that kept
    // its tick items would append the new, smaller ones after the kept ones), NaN points and a series
    // that is empty in some cells.
    const cell = (k: number): Record<string, unknown> => {
      const lo = 10 ** -(2 + ((k * 7) % 9)); // 1e-2 … 1e-10, jumping around
      const t = Array.from({ length: 30 }, (_, i) => 10 ** (i / 6));
      const y = t.map((x) => Math.max(lo, Math.exp(-x / (5 + k))));
      const sim = k % 3 === 0 ? [] : t.map((_, i) => (i % 7 === 3 ? Number.NaN : y[i] * (1 + 0.1 * Math.sin(i + k))));
      return vegaLiteSpec({
        title: `cell ${k}`,
        panels: [
          {
            xTitle: 'time t',
            yTitle: `error (k = ${k})`,
            series: [
              { name: 'theory', x: t, y, mark: 'line' },
              { name: 'simulation', x: sim.length ? t : [], y: sim, se: sim.map(() => 0.01), mark: 'points' },
            ],
            rules: [{ x: 10 + k, label: 't₁' }],
            yDomain: k % 2 ? [lo / 10, 10] : undefined,
          },
        ],
      });
    };
    const list = Array.from({ length: 14 }, (_, k) => cell(k));
    const r = new FigureRenderer(32, 0); // no check inside the renderer: every live render is checked here
    for (const s of [...list, ...[...list].reverse()]) expect(await r.svg(s)).toBe(await renderSvg(s));
    expect(r.stats.live).toBeGreaterThanOrEqual(10); // the shapes' later cells went through their live Views
  }, 120_000);
});
