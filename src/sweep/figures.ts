// Figures of a merged sweep, in the house style (src/plot): the family of curves coloured by the first
// axis (figure-curves), a summary scalar against the first numeric axis, one line per value of the
// second axis (figure-summary: a learning curve), and a heatmap of that scalar over the first two axes
// (figure-heatmap: a phase diagram). Each as .vl.json + .svg; deterministic bytes.
import { HOUSE_CONFIG, TAB10, vegaLiteSpec, type FigureDesc, type Series } from '../plot/figure.js';
import { renderSvg } from '../plot/render.js';
import { show } from '../core/validate.js';
import type { SweepData } from './merge.js';

/** The curve a sweep figure shows: the first of these that the cells have. */
const MAIN_CURVES = ['test', 'risk', 'testError', 'theoryTest', 'oracle', 'trainError', 'train'];

const label = (v: unknown) => (typeof v === 'number' ? String(v) : typeof v === 'string' ? v : show(v));

export function mainCurve(m: SweepData): string | undefined {
  return MAIN_CURVES.find((k) => m.arrayNames.includes(k)) ?? m.arrayNames[0];
}

/** The summary scalar of the summary/heatmap figures: `<main>Min` if present. */
export function mainScalar(m: SweepData, prefer?: string): string | undefined {
  if (prefer && m.summaryKeys.includes(prefer)) return prefer;
  const c = mainCurve(m);
  return c && m.summaryKeys.includes(`${c}Min`) ? `${c}Min` : m.summaryKeys[0];
}

const uniq = (xs: unknown[]) => {
  const out: unknown[] = [];
  for (const x of xs) if (!out.some((y) => JSON.stringify(y) === JSON.stringify(x))) out.push(x);
  return out;
};

const positive = (xs: ArrayLike<number>) => Array.from(xs).every((x) => !Number.isFinite(x) || x > 0);

export function curvesFigure(m: SweepData, curve?: string): FigureDesc | undefined {
  const name = curve && m.arrayNames.includes(curve) ? curve : mainCurve(m);
  if (!name) return undefined;
  const axis = m.axes[0];
  const values = axis ? uniq(m.cells.map((c) => c.axes[axis])) : [];
  const series: Series[] = [];
  for (const c of m.cells) {
    const y = c.arrays.get(name);
    if (!y || c.t.length === 0) continue;
    const vi = axis ? values.findIndex((v) => JSON.stringify(v) === JSON.stringify(c.axes[axis])) : 0;
    // One legend entry per axis value: later cells with the same value reuse its name and colour.
    series.push({ name: axis ? `${axis} = ${label(c.axes[axis])}` : name, x: c.t, y, mark: 'line', color: TAB10[vi % TAB10.length] });
  }
  if (series.length === 0) return undefined;
  const t0 = m.cells.find((c) => c.t.length > 0)?.t ?? [];
  return {
    title: `${name} against t${axis ? `, coloured by ${axis}` : ''}`,
    panels: [
      {
        xTitle: 't',
        yTitle: name,
        xScale: t0.length && positive(t0) ? 'log' : 'linear',
        yScale: series.every((s) => positive(s.y)) ? 'log' : 'linear',
        series: dedupe(series),
        legend: 'right',
      },
    ],
  };
}

/** Cells that share the colouring axis value (other axes differ) get numbered names: one line each. */
function dedupe(series: Series[]): Series[] {
  const n = new Map<string, number>();
  return series.map((s) => {
    const k = (n.get(s.name) ?? 0) + 1;
    n.set(s.name, k);
    return k === 1 ? s : { ...s, name: `${s.name} (${k})` };
  });
}

export function summaryFigure(m: SweepData, scalar?: string): FigureDesc | undefined {
  // Several scalars (comma list): one line each against the first numeric axis.
  const keys = (scalar ?? '').split(',').filter((k) => m.summaryKeys.includes(k));
  const xAxis = m.axes.find((k) => m.cells.every((c) => typeof c.axes[k] === 'number'));
  if (keys.length > 1 && xAxis) {
    const cs = [...m.cells].sort((a, b) => (a.axes[xAxis] as number) - (b.axes[xAxis] as number));
    const xs = cs.map((c) => c.axes[xAxis] as number);
    const series: Series[] = keys.map((k, i) => ({ name: k, x: xs, y: cs.map((c) => c.summary[k] ?? NaN), mark: 'line', color: TAB10[i % TAB10.length] }));
    const ys = series.flatMap((s) => Array.from(s.y));
    return {
      title: `summary against ${xAxis}`,
      panels: [
        {
          xTitle: xAxis,
          yTitle: 'value',
          xScale: positive(xs) && Math.max(...xs) / Math.min(...xs) >= 8 ? 'log' : 'linear',
          yScale: positive(ys) ? 'log' : 'linear',
          series,
          legend: 'right',
        },
      ],
    };
  }
  const key = mainScalar(m, scalar?.split(',')[0]);
  const x = m.axes.find((k) => m.cells.every((c) => typeof c.axes[k] === 'number'));
  if (!key || !x) return undefined;
  const other = m.axes.find((k) => k !== x);
  const groups = other ? uniq(m.cells.map((c) => c.axes[other])) : [undefined];
  const series: Series[] = groups.map((g, i) => {
    const cs = m.cells
      .filter((c) => !other || JSON.stringify(c.axes[other]) === JSON.stringify(g))
      .sort((a, b) => (a.axes[x] as number) - (b.axes[x] as number));
    return {
      name: other ? `${other} = ${label(g)}` : key,
      x: cs.map((c) => c.axes[x] as number),
      y: cs.map((c) => c.summary[key] ?? NaN),
      mark: 'line',
      color: TAB10[i % TAB10.length],
    };
  });
  const xs = m.cells.map((c) => c.axes[x] as number);
  const ys = series.flatMap((s) => Array.from(s.y));
  return {
    title: `${key} against ${x}`,
    panels: [
      {
        xTitle: x,
        yTitle: key,
        xScale: positive(xs) && Math.max(...xs) / Math.min(...xs) >= 8 ? 'log' : 'linear',
        yScale: positive(ys) && ys.some(Number.isFinite) ? 'log' : 'linear',
        series,
        legend: other ? 'right' : 'none',
      },
    ],
  };
}

/** Vega-Lite heatmap of a summary scalar over the first two axes (ordinal cells, viridis). */
export function heatmapSpec(m: SweepData, scalar?: string): Record<string, unknown> | undefined {
  const key = mainScalar(m, scalar?.split(',')[0]);
  if (!key || m.axes.length < 2) return undefined;
  const [ax, ay] = m.axes;
  const data = m.cells.map((c) => {
    const v = c.summary[key];
    return { x: label(c.axes[ax]), y: label(c.axes[ay]), v: Number.isFinite(v) ? v : null };
  });
  const sortBy = (k: string) =>
    uniq(m.cells.map((c) => c.axes[k]))
      .sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : 0))
      .map(label);
  const vals = data.map((d) => d.v).filter((v): v is number => v !== null);
  const logScale = vals.length > 0 && vals.every((v) => v > 0) && Math.max(...vals) / Math.min(...vals) > 100;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `${key} over (${ax}, ${ay})`,
    width: 360,
    height: 260,
    data: { values: data },
    mark: { type: 'rect' },
    encoding: {
      x: { field: 'x', type: 'ordinal', title: ax, sort: sortBy(ax) },
      y: { field: 'y', type: 'ordinal', title: ay, sort: sortBy(ay).reverse() },
      color: { field: 'v', type: 'quantitative', title: key, scale: { scheme: 'viridis', ...(logScale ? { type: 'log' } : {}) } },
    },
    config: HOUSE_CONFIG,
  };
}

/** figure-curves / figure-summary / figure-heatmap, each as .vl.json and .svg. */
export async function sweepFigureFiles(m: SweepData, scalar?: string): Promise<Record<string, Uint8Array>> {
  const enc = new TextEncoder();
  const out: Record<string, Uint8Array> = {};
  const add = async (name: string, spec: Record<string, unknown> | undefined) => {
    if (!spec) return;
    out[`${name}.vl.json`] = enc.encode(JSON.stringify(spec, null, 1) + '\n');
    out[`${name}.svg`] = enc.encode(await renderSvg(spec));
  };
  const curves = curvesFigure(m);
  await add('figure-curves', curves && vegaLiteSpec(curves));
  const summary = summaryFigure(m, scalar);
  await add('figure-summary', summary && vegaLiteSpec(summary));
  await add('figure-heatmap', heatmapSpec(m, scalar));
  return out;
}
