// Figure cost per --out run: Vega-Lite spec + headless vega SVG, and resvg PNG (2×), for a figure the
// size of a kernel run's (7 series × 81 points, rules) and of a two-panel DMFT figure.
// Then a sweep's cells through the shape cache with and without its live View (issue 9).
// Run: npm run build (the committee solves need build/*.wasm), then node --import tsx bench/figure.bench.ts
import { Bench } from 'tinybench';
import { vegaLiteSpec, type FigureDesc, type Series } from '../src/plot/figure.js';
import { renderSvg } from '../src/plot/render.js';
import { svgToPng } from '../src/plot/png.js';
import { FigureRenderer } from '../src/sweep/figure-cache.js';
import { ENGINES } from '../src/engines.js';
import { findCommand, prepareCommand } from '../src/core/engine.js';

const t = Array.from({ length: 81 }, (_, i) => 10 ** (i / 10));
const curve = (a: number, b: number) => t.map((x) => a * Math.exp(-x / b) + 1e-3);
const series: Series[] = [
  ...[1e2, 1e3, 1e4, 1e5, 1e6].map((b, i): Series => ({ name: `theory ${i}`, x: t, y: curve(1, b), mark: 'line', dash: i % 2 ? 'dashed' : 'solid' })),
  { name: 'test (simulation)', x: t, y: curve(0.9, 1e3), se: t.map(() => 0.01), mark: 'points' },
  { name: 'train (simulation)', x: t, y: curve(1.1, 3e2), se: t.map(() => 0.01), mark: 'points' },
];
const one: FigureDesc = {
  title: 'kernel-like',
  panels: [
    {
      xTitle: 't',
      yTitle: 'error',
      series,
      rules: [
        { x: 1e3, label: 't₁' },
        { x: 1e4, label: 't₂' },
      ],
    },
  ],
};
const two: FigureDesc = { title: 'dmft-like', panels: [one.panels[0], { ...one.panels[0], yScale: 'linear' }] };
const svg1 = await renderSvg(vegaLiteSpec(one));
await svgToPng(svg1); // initialise resvg and the fonts once

const bench = new Bench({ time: 2000 });
bench
  .add('spec + SVG, 1 panel (7 series × 81 points)', async () => void (await renderSvg(vegaLiteSpec(one))))
  .add('spec + SVG, 2 panels', async () => void (await renderSvg(vegaLiteSpec(two))))
  .add('PNG 2× from the 1-panel SVG (resvg)', async () => void (await svgToPng(svg1)));
await bench.run();
const latency = (x: (typeof bench.tasks)[number]) => (x.result as unknown as { latency?: { p50?: number; mean: number } }).latency;
console.table(bench.tasks.map((x) => ({ task: x.name, 'median ms': latency(x)?.p50?.toFixed(1), 'mean ms': latency(x)?.mean.toFixed(1) })));

// A sweep's cells: the same figure shape with other titles, domains and data. Three ways, interleaved
// cell by cell (medians; the machine's load drifts): the direct render, the shape cache building a
// View per cell from a copied spec (before the live View), and the shape's live View (the default).
const cellFig = (k: number): FigureDesc => {
  const b = 10 ** (2 + (k % 17) / 4);
  return {
    title: `cell ${k}: γ = ${(0.1 * (1 + (k % 20))).toFixed(1)}`,
    panels: [
      {
        xTitle: 't',
        yTitle: 'error',
        series: [
          { name: 'theory', x: t, y: curve(1, b), mark: 'line' },
          { name: 'simulation', x: t, y: curve(0.9, b / 2), se: t.map(() => 0.01), mark: 'points' },
        ],
        rules: [{ x: b, label: 't₁' }],
        yDomain: [1e-4 / (1 + (k % 5)), 2],
      },
    ],
  };
};
const synthetic = Array.from({ length: 200 }, (_, k) => vegaLiteSpec(cellFig(k)));
// The cells of bench/sweep.bench.ts's committee ode sweep (40 of them: lr × noise).
const { engine, command: cmd } = findCommand(ENGINES, 'committee ode')!;
const committee: Record<string, unknown>[] = [];
for (let i = 0; i < 40; i++) {
  const params = { p: 6, k: 3, tMax: 5000, tCount: 100, lr: 0.1 + 0.1 * (i % 20), noise: 1e-4 * Math.floor(i / 20) };
  committee.push(vegaLiteSpec(cmd.figure(await cmd.solve(await prepareCommand(engine, cmd, params), {}))));
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
for (const [label, cells, rounds] of [
  ['synthetic sweep (200 cells: 2 series × 81 points, error bars, rule, explicit y domain)', synthetic, 2],
  ['committee ode sweep (40 cells of bench/sweep.bench.ts, each rendered 4 times)', committee, 5],
] as const) {
  const ways = [
    { name: 'direct render (renderSvg)', svg: (s: Record<string, unknown>) => renderSvg(s) },
    {
      name: 'shape cache, View per cell (before)',
      svg: (
        (r) => (s: Record<string, unknown>) =>
          r.svg(s)
      )(new FigureRenderer(32, false)),
    },
    {
      name: 'shape cache, live View (after)',
      svg: (
        (r) => (s: Record<string, unknown>) =>
          r.svg(s)
      )(new FigureRenderer()),
    },
  ];
  const times = ways.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++)
    for (const [k, s] of cells.entries())
      for (let j = 0; j < ways.length; j++) {
        const w = (j + k + round) % ways.length; // rotate the order
        const t0 = performance.now();
        await ways[w].svg(s);
        if (round) times[w].push(performance.now() - t0); // round 0 warms the JIT and the shapes
      }
  console.log(`per-cell figure render, ${label}; interleaved, medians after a warm-up pass:`);
  for (let j = 0; j < ways.length; j++) console.log(`  ${ways[j].name.padEnd(38)} ${med(times[j]).toFixed(2)} ms`);
  console.log(`  live View / View per cell: ${(med(times[2]) / med(times[1])).toFixed(2)}`);
}
