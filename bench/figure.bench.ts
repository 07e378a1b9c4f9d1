// Figure cost per --out run: Vega-Lite spec + headless vega SVG, and resvg PNG (2×), for a figure the
// size of a kernel run's (7 series × 81 points, rules) and of a two-panel DMFT figure.
// Run: node --import tsx bench/figure.bench.ts
import { Bench } from 'tinybench';
import { vegaLiteSpec, type FigureDesc, type Series } from '../src/plot/figure.js';
import { renderSvg } from '../src/plot/render.js';
import { svgToPng } from '../src/plot/png.js';

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
