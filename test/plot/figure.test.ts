// Figures (issue 5): the Vega-Lite spec carries its data inline, lines are cut exactly at the frame,
// log axes are labelled like matplotlib, legend glyphs are the series as drawn (dots ± bar for
// points, strokes with their dash for lines: read off the scenegraph), SVG rendering is headless and deterministic, PNG has the
// promised size, and every --out run writes figure.vl.json + figure.svg (+ figure.png on --png).
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compile } from 'vega-lite';
import { parse, View } from 'vega';
import { logAxisLabelExpr, panelRows, vegaLiteSpec, type FigureDesc, type Panel } from '../../src/plot/figure.js';
import { figureFiles, renderSvg } from '../../src/plot/render.js';
import { svgToPng } from '../../src/plot/png.js';
import { main } from '../../src/cli/main.js';
import { decay } from './fixtures.js';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

describe('panelRows', () => {
  it('cuts a line at the y-range edge, interpolating in log–log coordinates, and restarts a segment on re-entry', () => {
    const panel: Panel = {
      xTitle: 'x',
      yTitle: 'y',
      yDomain: [1e-3, 10],
      series: [{ name: 'L', x: [1, 10, 100, 1000, 1e4], y: [1, 1e-2, 1e-4, 1e-2, 1], mark: 'line' }],
    };
    const rows = panelRows(panel);
    // Leaves between (10, 1e-2) and (100, 1e-4): log y crosses −3 halfway, at x = 10^1.5.
    const exit = rows[2];
    expect(exit.y as number).toBeCloseTo(1e-3, 15);
    expect(Math.abs((exit.x as number) - 10 ** 1.5) / 10 ** 1.5).toBeLessThan(1e-12);
    expect(exit.seg).toBe(0);
    // Comes back between (100, 1e-4) and (1000, 1e-2), at x = 10^2.5, in a new segment.
    const back = rows[3];
    expect(Math.abs((back.x as number) - 10 ** 2.5) / 10 ** 2.5).toBeLessThan(1e-12);
    expect(back.seg).toBe(1);
    expect(rows.filter((r) => r.seg === 1).map((r) => r.x)).toEqual([back.x, 1000, 1e4]);
    expect(rows.every((r) => (r.y as number) >= 1e-3 * (1 - 1e-12))).toBe(true);
  });

  it('drops points a log axis cannot show or outside the range, clips error bars to the floor', () => {
    const rows = panelRows(decay.panels[0]).filter((r) => r.series === 'simulation');
    expect(rows.map((r) => r.x)).toEqual([1, 10, 100]); // y = 0 dropped
    expect(rows[0].lo).toBeCloseTo(1.0, 12);
    expect(rows[0].hi).toBeCloseTo(1.2, 12);
    expect(rows[2].lo).toBe(1e-5); // 0.9e-4 − 2e-4 < 0 → the axis floor
    const nan = panelRows({ xTitle: '', yTitle: '', series: [{ name: 'n', x: [1, 2, 3], y: [1, NaN, 2], mark: 'line' }] });
    expect(nan.map((r) => r.seg)).toEqual([0, 1]); // a NaN breaks the line
  });
});

describe('log-axis labels', () => {
  const labels = async (lo: number, hi: number) => {
    const svg = await renderSvg(
      vegaLiteSpec({
        panels: [
          { xTitle: 'x', yTitle: 'y', xScale: 'linear', series: [{ name: 's', x: [0, 50], y: [lo, hi], mark: 'line' }], yDomain: [lo, hi], legend: 'none' },
        ],
      }),
    );
    // y-axis labels are the right-anchored texts
    return [...svg.matchAll(/<text text-anchor="end"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
  };
  it('labels decades as 10ᵏ over a wide range, with no mantissa labels', async () => {
    const t = await labels(1e-6, 1);
    expect(t).toContain('10⁻⁶');
    expect(t).toContain('10⁻³');
    expect(t).toContain('10⁰');
    expect(t.some((s) => /^[2-9]/.test(s))).toBe(false);
  });
  it('labels plain decades between 1e-3 and 1e4, and 1-2-5 ticks on a short range', async () => {
    const wide = await labels(0.01, 1000);
    expect(wide).toEqual(expect.arrayContaining(['0.01', '0.1', '1', '10', '100', '1000']));
    expect(wide).not.toContain('20');
    const short = await labels(0.1, 1);
    expect(short).toEqual(expect.arrayContaining(['0.1', '0.2', '0.5', '1']));
    expect(short).not.toContain('0.3');
    expect(logAxisLabelExpr([0.3, 0.6])).toBeUndefined(); // under half a decade: every tick
  });
  it('linear axes print plain numbers at the tick precision (10, not 1e+1)', async () => {
    const svg = await renderSvg(
      vegaLiteSpec({
        panels: [
          { xTitle: 'x', yTitle: 'y', xScale: 'linear', yScale: 'linear', series: [{ name: 's', x: [0, 10], y: [0, 0.5], mark: 'line' }], legend: 'none' },
        ],
      }),
    );
    const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(texts).toEqual(expect.arrayContaining(['0', '2', '10', '0.1', '0.5']));
    expect(texts.some((t) => t.includes('e+'))).toBe(false);
  });
});

describe('Vega-Lite spec and SVG', () => {
  it('is a v6 spec with inline data that vega-lite compiles, log scales and the rules', () => {
    const spec = vegaLiteSpec(decay) as Record<string, any>;
    expect(spec.$schema).toBe('https://vega.github.io/schema/vega-lite/v6.json');
    expect(spec.data.values.length).toBeGreaterThan(0);
    expect(spec.layer.find((l: any) => l.mark.type === 'line').encoding.y.scale.type).toBe('log');
    expect(spec.layer.some((l: any) => l.data?.values?.[0]?.label === 't₁')).toBe(true);
    expect(spec.config.font).toBe('DejaVu Serif');
    const vg = compile(spec as never).spec;
    expect(vg.marks?.length).toBeGreaterThan(0);
  });

  it('panels side by side, or wrapped in rows with `columns`; legends inside or outside', () => {
    const p = decay.panels[0];
    const row = vegaLiteSpec({ panels: [p, p, p] }) as Record<string, any>;
    expect(row.hconcat).toHaveLength(3);
    const grid = vegaLiteSpec({ panels: [p, p, p, { ...p, legend: 'right' }], columns: 2 }) as Record<string, any>;
    expect(grid.concat).toHaveLength(4);
    expect(grid.columns).toBe(2);
    const legendOf = (panel: any) => panel.layer.find((l: any) => l.mark.type === 'line').encoding.color.legend;
    expect(legendOf(grid.concat[3]).orient).toBe('right');
    expect(legendOf(grid.concat[0]).orient).toBe('top-right');
    expect(compile(grid as never).spec.marks?.length).toBeGreaterThan(0);
  });

  it('renders headlessly, deterministically, with legend, rule and band labels, without huge margins', async () => {
    const a = await renderSvg(vegaLiteSpec(decay));
    const b = await renderSvg(vegaLiteSpec(decay));
    expect(a).toBe(b);
    for (const s of ['theory', 'simulation', 't₁', 'plateau', 'time t', 'error']) expect(a).toContain(`>${s}<`);
    const width = Number(/width="(\d+(?:\.\d+)?)"/.exec(a)![1]);
    expect(width).toBeGreaterThan(360);
    expect(width).toBeLessThan(360 * 1.45); // plot 360 px + axis labels, legend inside
  });

  it('PNG: valid signature and 2× the SVG size', async () => {
    const files = await figureFiles(decay, (svg) => svgToPng(svg, 2));
    const svg = new TextDecoder().decode(files['figure.svg']);
    const png = files['figure.png']!;
    expect(Array.from(png.slice(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    const dv = new DataView(png.buffer, png.byteOffset);
    const w = Number(/width="(\d+(?:\.\d+)?)"/.exec(svg)![1]);
    const h = Number(/height="(\d+(?:\.\d+)?)"/.exec(svg)![1]);
    expect(dv.getUint32(16)).toBe(Math.round(2 * w));
    expect(dv.getUint32(20)).toBe(Math.round(2 * h));
    expect(JSON.parse(new TextDecoder().decode(files['figure.vl.json'])).data.values.length).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------- legend glyphs (issue 13)

interface Glyph {
  name: string;
  shape: string;
  dash: number[];
}
/** The legend symbols Vega draws (scenegraph of a headless view), one list per legend. */
async function legendGlyphs(vl: Record<string, unknown>): Promise<Glyph[][]> {
  const view = new View(parse(compile(vl as never).spec), { renderer: 'none' });
  await view.runAsync();
  const legends: Glyph[][] = [];
  const walk = (node: any, cur: Glyph[] | null) => {
    if (!node) return;
    let into = cur;
    if (node.marktype === 'group' && node.role === 'legend') legends.push((into = []));
    if (node.marktype === 'symbol' && node.role === 'legend-symbol' && into)
      for (const it of node.items) into.push({ name: it.datum.value, shape: it.shape, dash: it.strokeDash ?? [] });
    for (const it of node.items ?? []) walk(it, into);
  };
  walk((view.scenegraph() as unknown as { root: unknown }).root, null);
  view.finalize();
  return legends;
}

/** How each series of a panel spec is drawn, read off its layers: 'line' (with its dash from the
 *  strokeDash scale) or 'points' (with or without error-bar rows). */
function drawnAs(panel: any): Map<string, { kind: 'line' | 'points'; dash: number[]; bars: boolean }> {
  const out = new Map<string, { kind: 'line' | 'points'; dash: number[]; bars: boolean }>();
  const rows = panel.data.values as { series: string; lo?: number }[];
  for (const l of panel.layer) {
    const names: string[] | undefined = l.transform?.[0]?.filter?.oneOf;
    if (!names) continue;
    if (l.mark.type === 'line') {
      const sc = l.encoding.strokeDash.scale;
      for (const n of names) out.set(n, { kind: 'line', dash: sc.range[sc.domain.indexOf(n)], bars: false });
    } else if (l.mark.type === 'point')
      for (const n of names) out.set(n, { kind: 'points', dash: [], bars: rows.some((r) => r.series === n && r.lo !== undefined) });
  }
  return out;
}

/** Every legend entry's glyph is the series' mark as drawn: a stroke with the line's dash pattern
 *  for lines, a filled dot (a closed arc path) for points, with a vertical bar iff the points carry
 *  error bars. Returns the number of entries checked. */
async function expectLegendsMatchMarks(vl: Record<string, unknown>): Promise<number> {
  const v = vl as any;
  const panels = (v.hconcat ?? v.concat ?? [v]) as unknown[];
  const drawn = panels.map(drawnAs);
  const legends = await legendGlyphs(vl);
  let checked = 0;
  for (const legend of legends) {
    const names = legend.map((g) => g.name);
    const panel = drawn.find((d) => names.every((n) => d.has(n)) && d.size === names.length);
    expect(panel, `a panel with the series ${names.join(', ')}`).toBeDefined();
    for (const g of legend) {
      const d = panel!.get(g.name)!;
      if (d.kind === 'line') {
        expect(g.shape, g.name).toBe('stroke');
        expect(g.dash, g.name).toEqual(d.dash);
      } else {
        expect(g.shape, g.name).toMatch(/^M[^A]*A.*Z/); // a closed arc: the dot
        expect(/Z.*M.*L/.test(g.shape), `${g.name}: error bar in the glyph`).toBe(d.bars);
        expect(g.dash, g.name).toEqual([]);
      }
      checked++;
    }
  }
  return checked;
}

describe('legend glyphs are drawn as the series are', () => {
  it('lines: strokes with their dash pattern; points: dots, with a bar when they have error bars', async () => {
    const x = [1, 10, 100];
    const fig: FigureDesc = {
      panels: [
        {
          xTitle: 't',
          yTitle: 'y',
          series: [
            { name: 'solid theory', x, y: [1, 0.5, 0.2], mark: 'line' },
            { name: 'dashed theory', x, y: [1, 0.4, 0.1], mark: 'line', dash: 'dashed' },
            { name: 'dotted theory', x, y: [1, 0.3, 0.1], mark: 'line', dash: 'dotted' },
            { name: 'dashdot level', x, y: [0.2, 0.2, 0.2], mark: 'line', dash: 'dashdot' },
            { name: 'simulation ± s.e.', x, y: [1, 0.45, 0.15], se: [0.1, 0.05, 0.02], mark: 'points' },
            { name: 'simulation, no bars', x, y: [0.9, 0.4, 0.12], mark: 'points' },
          ],
        },
        { xTitle: 't', yTitle: 'y', series: [{ name: 'points only', x, y: [1, 2, 3], se: [0.1, 0.1, 0.1], mark: 'points' }], legend: 'right' },
      ],
    };
    const vl = vegaLiteSpec(fig);
    const [a, b] = await legendGlyphs(vl);
    // Spelled out once (the helper below derives the same from the layers):
    expect(a.map((g) => g.shape === 'stroke')).toEqual([true, true, true, true, false, false]);
    expect(a.slice(0, 4).map((g) => g.dash)).toEqual([[], [6, 4], [1.5, 2.5], [6, 3, 1.5, 3]]);
    expect(a[4].shape).toMatch(/Z.*M.*L/);
    expect(a[5].shape).not.toMatch(/Z.*M.*L/);
    expect(b.map((g) => g.name)).toEqual(['points only']);
    expect(await expectLegendsMatchMarks(vl)).toBe(7);
  });
});

describe('--out writes the figures', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ld-fig-'));
  it('committee ode --out --png: figure.vl.json, figure.svg, figure.png, listed in the manifest', async () => {
    const out = join(dir, 'c');
    const r = await run([
      'committee',
      'ode',
      '--p',
      '2',
      '--k',
      '2',
      '--lr',
      '0.5',
      '--t-max',
      '100',
      '--t-count',
      '31',
      '--out',
      out,
      '--png',
      '--no-progress',
    ]);
    expect(r.code).toBe(0);
    for (const f of ['figure.vl.json', 'figure.svg', 'figure.png']) expect(existsSync(join(out, f))).toBe(true);
    const man = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    const names = man.files.map((f: { name: string }) => f.name);
    expect(names).toEqual(expect.arrayContaining(['figure.vl.json', 'figure.svg', 'figure.png']));
    const vl = JSON.parse(readFileSync(join(out, 'figure.vl.json'), 'utf8'));
    const risk = vl.data.values.filter((v: { series: string }) => v.series.startsWith('ODE'));
    const csv = readFileSync(join(out, 'curves.csv'), 'utf8').trim().split('\n');
    expect(risk.length).toBeGreaterThan(0);
    expect(risk.length).toBeLessThanOrEqual(csv.length - 1);
    expect(await expectLegendsMatchMarks(vl)).toBe(1);
  });

  it('committee sgd, dmft run --simulate-dim, dmft simulate: legend glyphs as drawn (points vs lines)', async () => {
    const c = join(dir, 'cs');
    const common = ['--no-progress', '--out'];
    expect(
      (await run(['committee', 'sgd', '--p', '2', '--k', '2', '--lr', '0.5', '--dim', '40', '--seeds', '2', '--t-max', '5', '--t-count', '11', ...common, c]))
        .code,
    ).toBe(0);
    const dr = join(dir, 'dr');
    expect(
      (
        await run([
          'dmft',
          'run',
          '--m',
          '4',
          '--alpha',
          '0.3',
          '--tau',
          '0.6',
          '--h',
          '0,0.9',
          '--phi-hat',
          'same',
          '--eta',
          '0.2',
          '--t-max',
          '1',
          '--simulate-dim',
          '20',
          '--simulate-seeds',
          '2',
          ...common,
          dr,
        ])
      ).code,
    ).toBe(0);
    const ds = join(dir, 'ds');
    expect(
      (
        await run([
          'dmft',
          'simulate',
          '--model',
          'gaussian',
          '--m',
          '2',
          '--alpha-bar',
          '1.5',
          '--dim',
          '10',
          '--tau',
          '1',
          '--h',
          '0,0.1,0.5',
          '--phi-hat',
          'none',
          '--t-max',
          '1',
          '--seeds',
          '2',
          ...common,
          ds,
        ])
      ).code,
    ).toBe(0);
    const vl = (f: string) => JSON.parse(readFileSync(join(f, 'figure.vl.json'), 'utf8'));
    expect(await expectLegendsMatchMarks(vl(c))).toBe(2); // ODE line, SGD points
    expect(await expectLegendsMatchMarks(vl(dr))).toBe(7); // 4 DMFT lines + 3 simulation point series
    expect(await expectLegendsMatchMarks(vl(ds))).toBeGreaterThanOrEqual(3); // simulated test, train, a (+ Bayes line)
  });

  it('kernel run --out writes the figure with the stage rules; without --png no PNG', async () => {
    const out = join(dir, 'k');
    const r = await run([
      'kernel',
      'run',
      '--kernel',
      'exp',
      '--dim',
      '30',
      '--samples',
      '200',
      '--energies',
      '0,0.5,0.5',
      '--seeds',
      '1',
      '--t-count',
      '21',
      '--out',
      out,
      '--no-progress',
    ]);
    expect(r.code).toBe(0);
    expect(existsSync(join(out, 'figure.png'))).toBe(false);
    const svg = readFileSync(join(out, 'figure.svg'), 'utf8');
    expect(svg).toContain('>t₁<');
    expect(svg).toContain('>oracle (T1)<');
    // Legends: simulation points as dots with bars, T3 dashed, T4 dotted, the level dash-dotted.
    expect(await expectLegendsMatchMarks(JSON.parse(readFileSync(join(out, 'figure.vl.json'), 'utf8')))).toBe(8);
  });

  it('kernel theory --out: theory curves only (no simulation series), stage rules, manifest', async () => {
    const out = join(dir, 'th');
    const r = await run(['kernel', 'theory', '--kernel', 'exp', '--dim', '100', '--samples', '1000', '--energies', '0,0.5,0.5', '--out', out]);
    expect(r.code).toBe(0);
    const vl = JSON.parse(readFileSync(join(out, 'figure.vl.json'), 'utf8'));
    // Two panels (issue 13): train on log–log; test and oracle on a linear y axis with the ‖P>ℓf‖² level (ℓ as a subscript).
    const panels = (vl.hconcat ?? [vl]) as { data: { values: { series: string }[] } }[];
    expect(panels).toHaveLength(2);
    const names = new Set(panels.flatMap((p) => p.data.values.map((v) => v.series)));
    expect(names).toEqual(
      new Set([
        'oracle (T1)',
        'test, block approx. (T3)',
        'train, block approx. (T3)',
        'test, eigenlearning (T4)',
        'train, eigenlearning (T4)',
        '‖P>₁f‖² = 0.500',
      ]),
    );
    // Train panel log–log (no linear scale anywhere); test panel: a linear y scale.
    expect(JSON.stringify(panels[0])).not.toContain('"type":"linear"');
    expect(JSON.stringify(panels[1])).toContain('"type":"linear"');
    expect(readFileSync(join(out, 'figure.svg'), 'utf8')).toContain('>t₂<');
    const man = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(man.files.map((f: { name: string }) => f.name)).toEqual(expect.arrayContaining(['oracle.npy', 'arrays.npz', 'curves.csv', 'figure.svg']));
    expect(existsSync(join(out, 'report.npy'))).toBe(false);
  });

  it('dmft run: --time-axis picks the clock; a bad value is exit 2 with one line', async () => {
    const base = [
      'dmft',
      'run',
      '--m',
      '8',
      '--alpha',
      '0.3',
      '--tau',
      '0.6',
      '--h',
      '0,0.9',
      '--phi-hat',
      'same',
      '--eta',
      '0.1',
      '--t-max',
      '2',
      '--no-progress',
    ];
    const out = join(dir, 'd');
    const r = await run([...base, '--time-axis', 't/m', '--out', out]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(out, 'figure.svg'), 'utf8')).toContain('t/m (overfitting scale)');
    const bad = await run([...base, '--time-axis', 'hours']);
    expect(bad.code).toBe(2);
    expect(bad.err.trim().split('\n')).toHaveLength(1);
    expect(bad.err).toContain('time-axis');
  });
});
