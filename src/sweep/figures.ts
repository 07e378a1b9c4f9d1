// Figures of a merged sweep, in the house style (src/plot): the family of curves coloured by the first
// axis (figure-curves), a summary scalar against the first numeric axis, one line per value of the
// second axis (figure-summary: a learning curve), and a heatmap of that scalar over the first two axes
// (figure-heatmap: a phase diagram). Each as .vl.json + .svg; deterministic bytes.
import { HOUSE_CONFIG, TAB10, vegaLiteSpec, type FigureDesc, type Panel, type Series } from '../plot/figure.js';
import { renderSvg } from '../plot/render.js';
import { show } from '../core/validate.js';
import type { SweepData } from './merge.js';
import { VOCABULARY } from '../core/vocabulary.js';
import { classifyRegime } from '../committee/analysis.js';
import { relaxationTime } from '../dmft/reduced.js';

/** A merged sweep; `files` (from `sweep merge`) holds the manifest whose spec names a ready-made sweep. */
type MergeResult = SweepData & { files?: Record<string, Uint8Array> };

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

/** figure-curves / figure-summary / figure-heatmap (and `figure`, the physics figure of a ready-made
 *  sweep), each as .vl.json and .svg. */
export async function sweepFigureFiles(m: MergeResult, scalar?: string): Promise<Record<string, Uint8Array>> {
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
  await add('figure', sweepPhysicsSpec(m));
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Physics figures of the ready-made sweeps (examples/sweeps): `sweep merge` recognises the sweep from
// its command and axes and writes figure.vl.json / figure.svg beside the generic ones. Labels come from
// the output vocabulary (src/core/vocabulary.ts); axis domains from the data.

/** The spec of a merged sweep (its manifest.json holds it). */
export interface MergedSpec {
  command: string;
  base: Record<string, unknown>;
  grid: Record<string, unknown[]>;
  zip: Record<string, unknown[]>;
}

export function mergedSpec(m: MergeResult): MergedSpec | undefined {
  const b = m.files?.['manifest.json'];
  if (!b) return undefined;
  try {
    const s = (JSON.parse(new TextDecoder().decode(b)) as { spec?: Partial<MergedSpec> }).spec;
    return s?.command ? { command: s.command, base: s.base ?? {}, grid: s.grid ?? {}, zip: s.zip ?? {} } : undefined;
  } catch {
    return undefined;
  }
}

type CellOf = MergeResult['cells'][number];
const unitOf = (name: string) => VOCABULARY[name]?.unit ?? '';
const withUnit = (words: string, name: string) => (unitOf(name) ? `${words} (${unitOf(name)})` : words);
const num = (c: CellOf, spec: MergedSpec, key: string): number => {
  const v = key in c.axes ? c.axes[key] : spec.base[key];
  return typeof v === 'number' ? v : NaN;
};
const fmt = (x: number) =>
  x === 0 ? '0' : Math.abs(Math.log10(Math.abs(x))) >= 5 || Math.abs(x) < 1e-3 ? x.toExponential(0).replace('e-', 'e−') : String(+x.toPrecision(3));
/** Data domain of a panel axis: a little room either side (multiplicative on a log axis). */
function domainOf(values: ArrayLike<number>, scale: 'log' | 'linear'): [number, number] | undefined {
  const v = Array.from(values).filter((x) => Number.isFinite(x) && (scale === 'linear' || x > 0));
  if (v.length === 0) return undefined;
  const lo = Math.min(...v),
    hi = Math.max(...v);
  if (scale === 'log') {
    const r = lo === hi ? 1.5 : Math.max(1.08, (hi / lo) ** 0.06);
    return [lo / r, hi * r];
  }
  const pad = lo === hi ? Math.abs(lo) * 0.1 || 1 : (hi - lo) * 0.06;
  return [lo - pad, hi + pad];
}
const sortedBy = (cs: CellOf[], key: (c: CellOf) => number) => [...cs].sort((a, b) => key(a) - key(b));
const groupBy = (cs: CellOf[], key: (c: CellOf) => unknown) => {
  const out = new Map<string, CellOf[]>();
  for (const c of cs) {
    const k = JSON.stringify(key(c) ?? null);
    out.set(k, [...(out.get(k) ?? []), c]);
  }
  return [...out.values()];
};
/** Value of array `name` of a cell at the grid time nearest (in log) to t. */
function at(c: CellOf, name: string, t: number): number {
  const y = c.arrays.get(name);
  if (!y || c.t.length === 0) return NaN;
  let best = 0;
  for (let i = 1; i < c.t.length; i++) if (Math.abs(Math.log(c.t[i] / t)) < Math.abs(Math.log(c.t[best] / t))) best = i;
  return y[best];
}

/** Kernel learning curve: train and test against n at a fixed t and at t = ∞, simulation beside T3
 *  and T4, with the Oracle World (n = ∞) at that t — the deep-bootstrap gap test − oracle closes as n
 *  grows. One row of two panels per dimension d. */
export function kernelLearningCurveFigure(m: MergeResult, spec: MergedSpec): FigureDesc | undefined {
  if (spec.command !== 'kernel run' || !m.axes.includes('samples')) return undefined;
  const done = m.cells.filter((c) => c.status === 'Success');
  const rows = groupBy(done, (c) => num(c, spec, 'dim'));
  const panels: Panel[] = [];
  const BLUE = TAB10[0],
    ORANGE = TAB10[1];
  for (const cs0 of rows) {
    const cs = sortedBy(cs0, (c) => num(c, spec, 'samples'));
    const d = num(cs[0], spec, 'dim');
    const n = cs.map((c) => num(c, spec, 'samples'));
    // The fixed time: the power of ten nearest the geometric mean of the first stage time t₁ over n
    // (there train has left 0 at large n and still interpolates at small n).
    const t1s = cs.map((c) => c.summary.t1).filter((x) => x > 0);
    const tFix = 10 ** Math.round(t1s.reduce((s, x) => s + Math.log10(x), 0) / Math.max(1, t1s.length));
    const ser = (name: string, arr: string, mark: Series['mark'], color: string, dash?: Series['dash']): Series => ({
      name,
      x: n,
      y: cs.map((c) => at(c, arr, tFix)),
      mark,
      color,
      ...(dash ? { dash } : {}),
      ...(mark === 'points' && cs.every((c) => c.arrays.has(`${arr}SE`)) ? { se: cs.map((c) => at(c, `${arr}SE`, tFix)) } : {}),
    });
    const GREEN = TAB10[2];
    const test: Series[] = [
      ser(`t = ${fmt(tFix)}, simulation`, 'test', 'points', BLUE),
      ser(`t = ${fmt(tFix)}, T3`, 'theoryTest', 'line', BLUE),
      ser(`t = ${fmt(tFix)}, T4`, 'eigenlearningTest', 'line', BLUE, 'dashed'),
      { name: 't = ∞, simulation', x: n, y: cs.map((c) => c.summary.testAtInfinity), mark: 'points', color: GREEN },
      { name: 't = ∞, T3', x: n, y: cs.map((c) => c.summary.theoryTestFinal), mark: 'line', color: GREEN },
      { name: 't = ∞, T4', x: n, y: cs.map((c) => c.summary.eigenlearningTestFinal), mark: 'line', color: GREEN, dash: 'dashed' },
      ser(`Oracle World at t = ${fmt(tFix)} (n = ∞)`, 'oracle', 'line', '#000000', 'dotted'),
    ].filter((s) => Array.from(s.y).some(Number.isFinite)) as Series[];
    const train: Series[] = [
      ser('simulation', 'train', 'points', ORANGE),
      ser('T3', 'theoryTrain', 'line', ORANGE),
      ser('T4', 'eigenlearningTrain', 'line', ORANGE, 'dashed'),
    ].filter((s) => Array.from(s.y).some(Number.isFinite));
    const trainInf = cs.map((c) => c.summary.trainAtInfinity);
    const xDomain = domainOf(n, 'log');
    panels.push({
      title: `test error, d = ${d}`,
      xTitle: 'samples n',
      yTitle: withUnit('excess test error', 'test'),
      xScale: 'log',
      yScale: 'linear',
      xDomain,
      yDomain: domainOf(
        test.flatMap((s) => Array.from(s.y)),
        'linear',
      ),
      series: test,
      legend: 'right',
    });
    panels.push({
      title: `train error at t = ${fmt(tFix)}, d = ${d}${trainInf.every((x) => x === 0) ? ' (0 at t = ∞)' : ''}`,
      xTitle: 'samples n',
      yTitle: withUnit('train error', 'train'),
      xScale: 'log',
      yScale: 'log',
      xDomain,
      yDomain: domainOf(
        train.flatMap((s) => Array.from(s.y)),
        'log',
      ),
      series: train,
      legend: 'bottom-right',
    });
  }
  if (panels.length === 0) return undefined;
  return {
    title: 'Kernel learning curve against n: simulation, T3 block theory, T4 eigenlearning; test − Oracle World = the deep-bootstrap gap',
    panels,
    columns: 2,
    width: 320,
    height: 230,
  };
}

/** `small:Q0:M0` → M0 (the initial teacher overlap scale of the named init family). */
function initM0(v: unknown): number {
  const parts = typeof v === 'string' ? v.split(':') : [];
  return parts[0] === 'small' ? (parts.length > 2 ? Number(parts[2]) : 1e-3) : NaN;
}

/** Committee plateau: escape time and height against p from the controlled `small:Q0:M0` family, one
 *  line per M0 (escape grows like log 1/M0 at each p; the height does not depend on M0). */
export function committeePlateauFigure(m: MergeResult, spec: MergedSpec): FigureDesc | undefined {
  if (!spec.command.startsWith('committee') || !m.axes.includes('p') || !m.summaryKeys.includes('plateauEscape')) return undefined;
  const done = m.cells.filter((c) => c.status === 'Success');
  const groups = groupBy(done, (c) => (m.axes.includes('initFamily') ? c.axes.initFamily : null));
  const esc: Series[] = [],
    hgt: Series[] = [];
  groups.forEach((g, i) => {
    const cs = sortedBy(g, (c) => num(c, spec, 'p'));
    const m0 = initM0(cs[0].axes.initFamily ?? spec.base.initFamily);
    const name = Number.isFinite(m0) ? `M₀ = ${fmt(m0)}` : label(cs[0].axes.initFamily ?? 'plateau');
    const x = cs.map((c) => num(c, spec, 'p'));
    const color = TAB10[i % TAB10.length];
    esc.push({ name, x, y: cs.map((c) => c.summary.plateauEscape), mark: 'line', color });
    hgt.push({ name, x, y: cs.map((c) => c.summary.plateauHeight), mark: 'line', color, dash: (['solid', 'dashed', 'dotted'] as const)[i % 3] });
  });
  if (esc.length === 0) return undefined;
  const xs = done.map((c) => num(c, spec, 'p'));
  const k = m.axes.includes('k') ? 'k = p' : `k = ${spec.base.k ?? '?'}`;
  const lr = num(done[0], spec, 'lr');
  const h = hgt.flatMap((s) => Array.from(s.y));
  return {
    title: `Saad–Solla plateau against the student width p (${k}, γ = ${fmt(lr)}, Q(0) = Q₀·I, M(0) = M₀·G)`,
    panels: [
      {
        title: 'escape time (grows like log 1/M₀)',
        xTitle: 'student width p',
        yTitle: 'escape time t = νγ/(pd)',
        xScale: 'linear',
        yScale: 'linear',
        xDomain: domainOf(xs, 'linear'),
        yDomain: domainOf([0, ...esc.flatMap((s) => Array.from(s.y))], 'linear'),
        series: esc,
        legend: 'top-left',
      },
      {
        title: 'height (the same for every M₀)',
        xTitle: 'student width p',
        yTitle: withUnit('plateau ε_g', 'risk'),
        xScale: 'linear',
        yScale: 'linear',
        xDomain: domainOf(xs, 'linear'),
        yDomain: domainOf([0, ...h], 'linear'),
        series: hgt,
        legend: 'none',
      },
    ],
  };
}

/** DMFT width: minimum test error and its time against m. */
export function dmftWidthFigure(m: MergeResult, spec: MergedSpec): FigureDesc | undefined {
  if (!spec.command.startsWith('dmft') || !m.axes.includes('m') || !m.summaryKeys.includes('testErrorMin')) return undefined;
  const cs = sortedBy(
    m.cells.filter((c) => c.status === 'Success'),
    (c) => num(c, spec, 'm'),
  );
  if (cs.length === 0) return undefined;
  const x = cs.map((c) => num(c, spec, 'm'));
  const tau = num(cs[0], spec, 'tau');
  const yMin = cs.map((c) => c.summary.testErrorMin);
  const tMin = cs.map((c) => c.summary.testErrorArgminT);
  const tMax = num(cs[0], spec, 'tMax');
  const bayes = Number.isFinite(tau)
    ? [
        {
          name: `Bayes error τ²/2 = ${fmt((tau * tau) / 2)}`,
          x: [Math.min(...x), Math.max(...x)],
          y: [(tau * tau) / 2, (tau * tau) / 2],
          mark: 'line' as const,
          color: '#000000',
          dash: 'dotted' as const,
        },
      ]
    : [];
  return {
    title: `Early stopping against the width m (DMFT, α = ${fmt(num(cs[0], spec, 'alpha'))}, τ = ${fmt(tau)})`,
    panels: [
      {
        title: 'minimum over t of the test error',
        xTitle: 'hidden units m',
        yTitle: withUnit('min test error e_ts', 'testError'),
        xScale: 'log',
        yScale: 'linear',
        xDomain: domainOf(x, 'log'),
        yDomain: domainOf([...yMin, ...(bayes.length ? [(tau * tau) / 2] : [])], 'linear'),
        series: [{ name: 'min over t of e_ts', x, y: yMin, mark: 'line', color: TAB10[0] }, ...bayes],
        legend: 'top-right',
      },
      {
        title: `its time (argmin; t_max = ${fmt(tMax)})`,
        xTitle: 'hidden units m',
        yTitle: 'time of the minimum t (gradient-flow time)',
        xScale: 'log',
        yScale: 'log',
        xDomain: domainOf(x, 'log'),
        yDomain: domainOf(tMin, 'log'),
        series: [
          { name: 'argmin t', x, y: tMin, mark: 'line', color: TAB10[1] },
          { name: 'argmin t ', x, y: tMin, mark: 'points', color: TAB10[1] },
        ],
        legend: 'none',
      },
    ],
  };
}

interface HeatCell {
  x: number;
  y: number;
  /** Colour value; null draws the cell grey (failed or not applicable). */
  v: number | null;
  /** A glyph drawn on the cell (e.g. '×' for a regime). */
  glyph?: string;
}
interface HeatLine {
  points: { x: number; y: number }[];
  color?: string;
}
interface HeatText {
  x: number;
  y: number;
  text: string;
  align?: 'left' | 'right' | 'center';
  color?: string;
}
interface HeatDesc {
  title: string;
  subtitle?: string[];
  xTitle: string;
  yTitle: string;
  vTitle: string;
  xLog: boolean;
  yLog: boolean;
  vLog: boolean;
  cells: HeatCell[];
  lines: HeatLine[];
  texts: HeatText[];
}

/** Cell edges of a sorted axis grid: midpoints (geometric on a log axis), the ends mirrored. */
function edgesOf(values: number[], log: boolean): number[] {
  const f = log ? Math.log : (x: number) => x;
  const g = log ? Math.exp : (x: number) => x;
  const u = values.map(f);
  if (u.length === 1) return [g(u[0] - 0.5), g(u[0] + 0.5)];
  const e = [u[0] - (u[1] - u[0]) / 2];
  for (let i = 0; i + 1 < u.length; i++) e.push((u[i] + u[i + 1]) / 2);
  e.push(u[u.length - 1] + (u[u.length - 1] - u[u.length - 2]) / 2);
  return e.map(g);
}

/** A phase diagram: a heatmap on quantitative (log or linear) axes with boundary lines and labels. */
export function phaseDiagramSpec(d: HeatDesc): Record<string, unknown> {
  const xs = [...new Set(d.cells.map((c) => c.x))].sort((a, b) => a - b);
  const ys = [...new Set(d.cells.map((c) => c.y))].sort((a, b) => a - b);
  const xe = edgesOf(xs, d.xLog),
    ye = edgesOf(ys, d.yLog);
  const rects = d.cells.map((c) => {
    const i = xs.indexOf(c.x),
      j = ys.indexOf(c.y);
    return { x0: xe[i], x1: xe[i + 1], y0: ye[j], y1: ye[j + 1], xc: c.x, yc: c.y, v: c.v, glyph: c.glyph ?? '' };
  });
  const x = {
    field: 'x0',
    type: 'quantitative',
    title: d.xTitle,
    scale: { type: d.xLog ? 'log' : 'linear', domain: [xe[0], xe[xe.length - 1]], nice: false, zero: false },
  };
  const y = {
    field: 'y0',
    type: 'quantitative',
    title: d.yTitle,
    scale: { type: d.yLog ? 'log' : 'linear', domain: [ye[0], ye[ye.length - 1]], nice: false, zero: false },
  };
  const axisFmt = (log: boolean) => ({ format: log ? '~g' : '~f', grid: false });
  const lineRows = d.lines.flatMap((l, k) => l.points.map((p, i) => ({ line: k, i, x: p.x, y: p.y, color: l.color ?? '#ffffff' })));
  const vals = rects.map((r) => r.v).filter((v): v is number => v !== null && Number.isFinite(v));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: d.title, ...(d.subtitle ? { subtitle: d.subtitle, subtitleFont: 'DejaVu Serif', subtitleFontSize: 11 } : {}) },
    width: 420,
    height: 300,
    layer: [
      {
        data: { values: rects.filter((r) => r.v === null) },
        mark: { type: 'rect', color: '#bbbbbb' },
        encoding: { x: { ...x, axis: axisFmt(d.xLog) }, x2: { field: 'x1' }, y: { ...y, axis: axisFmt(d.yLog) }, y2: { field: 'y1' } },
      },
      {
        data: { values: rects.filter((r) => r.v !== null) },
        mark: { type: 'rect' },
        encoding: {
          x: { ...x, axis: axisFmt(d.xLog) },
          x2: { field: 'x1' },
          y: { ...y, axis: axisFmt(d.yLog) },
          y2: { field: 'y1' },
          color: {
            field: 'v',
            type: 'quantitative',
            title: d.vTitle,
            scale: { scheme: 'viridis', ...(d.vLog && vals.length && Math.min(...vals) > 0 ? { type: 'log' } : {}) },
            legend: { format: '.0e', gradientLength: 220 },
          },
        },
      },
      {
        data: { values: rects.filter((r) => r.glyph) },
        mark: { type: 'text', color: 'white', fontSize: 13 },
        encoding: {
          x: { field: 'xc', type: 'quantitative', scale: x.scale },
          y: { field: 'yc', type: 'quantitative', scale: y.scale },
          text: { field: 'glyph' },
        },
      },
      ...(lineRows.length
        ? [
            {
              data: { values: lineRows },
              mark: { type: 'line', strokeWidth: 2.5, clip: true },
              encoding: {
                x: { field: 'x', type: 'quantitative', scale: x.scale },
                y: { field: 'y', type: 'quantitative', scale: y.scale },
                detail: { field: 'line' },
                order: { field: 'i' },
                color: { field: 'color', type: 'nominal', scale: null },
              },
            },
          ]
        : []),
      ...(['left', 'right', 'center'] as const)
        .map((align) => d.texts.filter((t) => (t.align ?? 'left') === align))
        .filter((ts) => ts.length)
        .map((ts) => ({
          data: { values: ts.map((t) => ({ x: t.x, y: t.y, text: t.text, color: t.color ?? '#ffffff' })) },
          mark: {
            type: 'text',
            align: ts[0].align ?? 'left',
            baseline: 'middle',
            dx: ts[0].align === 'right' ? -5 : ts[0].align === 'center' ? 0 : 5,
            fontSize: 12,
            fontStyle: 'italic',
          },
          encoding: {
            x: { field: 'x', type: 'quantitative', scale: x.scale },
            y: { field: 'y', type: 'quantitative', scale: y.scale },
            text: { field: 'text' },
            color: { field: 'color', type: 'nominal', scale: null },
          },
        })),
    ],
    resolve: { scale: { color: 'independent' } },
    config: HOUSE_CONFIG,
  };
}

/** Committee phase diagram over (γ/p, Δ): the final excess risk, with the regime boundary of the
 *  `regime` field (classical gradient flow | high-dimensional Saad–Solla, committee.md §6) and the line
 *  beyond which the student does not specialise by t_max (no plateau escape; cells marked ×). */
export function committeePhaseSpec(m: MergeResult, spec: MergedSpec): Record<string, unknown> | undefined {
  if (!spec.command.startsWith('committee') || !m.axes.includes('lr') || !m.axes.includes('noise') || m.cells.length === 0) return undefined;
  const gp = (c: CellOf) => num(c, spec, 'lr') / num(c, spec, 'p');
  const cells: HeatCell[] = m.cells.map((c) => ({
    x: gp(c),
    y: num(c, spec, 'noise'),
    v: c.status === 'Success' && Number.isFinite(c.summary.riskFinal) ? Math.max(c.summary.riskFinal, 1e-12) : null,
    glyph: c.status === 'Success' && !Number.isFinite(c.summary.plateauEscape) ? '×' : c.status !== 'Success' ? '!' : '',
  }));
  const xs = [...new Set(cells.map((c) => c.x))].sort((a, b) => a - b);
  const ys = [...new Set(cells.map((c) => c.y))].sort((a, b) => a - b);
  const xe = edgesOf(xs, true),
    ye = edgesOf(ys, true);
  const lines: HeatLine[] = [];
  const texts: HeatText[] = [];
  // Regime of each column from the engine's own classification (the manifest's `regime` field).
  const dim = typeof spec.base.dim === 'number' ? spec.base.dim : 1000;
  const regimeOf = (x: number) => {
    const c = m.cells.find((cc) => gp(cc) === x)!;
    return classifyRegime(num(c, spec, 'p'), dim, num(c, spec, 'lr')).regime;
  };
  const regimes = xs.map(regimeOf);
  for (let i = 0; i + 1 < xs.length; i++)
    if (regimes[i] !== regimes[i + 1]) {
      const xb = xe[i + 1];
      lines.push({
        points: [
          { x: xb, y: ye[0] },
          { x: xb, y: ye[ye.length - 1] },
        ],
      });
      texts.push(
        { x: xb, y: ys[0], text: regimes[i], align: 'right' },
        { x: xb, y: ys[0], text: regimes[i + 1] === 'high-dimensional' ? 'high-dimensional (Saad–Solla)' : regimes[i + 1] },
      );
    }
  // Specialisation boundary: per column, the lower edge of the first Δ whose student stays unspecialised.
  const stair: { x: number; y: number }[] = [];
  xs.forEach((x, i) => {
    const col = cells.filter((c) => c.x === x);
    const j = ys.findIndex((yv) => col.find((c) => c.y === yv)?.glyph === '×');
    const yb = j < 0 ? ye[ye.length - 1] : ye[j];
    stair.push({ x: xe[i], y: yb }, { x: xe[i + 1], y: yb });
  });
  // Drawn where it lies inside the plot (runs along the top edge are left out).
  let run: { x: number; y: number }[] = [];
  const top = ye[ye.length - 1];
  for (let i = 0; i < stair.length; i += 2) {
    const inside = stair[i].y < top;
    if (inside && run.length === 0 && i > 0) run.push({ x: stair[i].x, y: top });
    if (inside || (run.length && i > 0 && stair[i - 1].y < top)) run.push(stair[i], stair[i + 1]);
    if (!inside && run.length) {
      lines.push({ points: run.slice(0, -1), color: '#ff4040' });
      run = [];
    }
  }
  if (run.length) lines.push({ points: run, color: '#ff4040' });
  const p = num(m.cells[0], spec, 'p'),
    k = num(m.cells[0], spec, 'k');
  return phaseDiagramSpec({
    title: `Committee phase diagram: final excess risk over (γ/p, Δ), p = ${p}, k = ${k}`,
    subtitle: [
      `overlap ODE to t_max = ${fmt(num(m.cells[0], spec, 'tMax'))}; the noise floor grows like (γ/p)Δ`,
      'white line: regime boundary (classical gradient flow for γ/p ≤ 0.02); red line and ×: no specialisation (plateau not escaped) by t_max',
    ],
    xTitle: 'learning rate over width γ/p',
    yTitle: 'label-noise variance Δ',
    vTitle: 'excess risk ε_g',
    xLog: true,
    yLog: true,
    vLog: true,
    cells,
    lines,
    texts,
  });
}

/** α* from t_rel ≈ c(α* − α)^−2 (ν = 2, "observed universally", dmft.md §8c): t_rel^−1/2 is linear in α
 *  and vanishes at α*. Fitted on the three relaxed cells nearest the threshold (the free-ν fit of
 *  `reproduce` needs a grid close to α*; on a coarse sweep grid the far cells bias ν and α*). NaN with
 *  fewer than two relaxed cells. */
export function thresholdFitNu2(alpha: number[], tRel: number[]): number {
  const pts = alpha.map((a, i) => ({ a, y: tRel[i] ** -0.5 })).filter((p) => Number.isFinite(p.y) && p.y > 0);
  pts.sort((p, q) => p.a - q.a);
  const use = pts.slice(-3);
  if (use.length < 2) return NaN;
  const n = use.length;
  const ma = use.reduce((s, p) => s + p.a, 0) / n,
    my = use.reduce((s, p) => s + p.y, 0) / n;
  let sxy = 0,
    sxx = 0;
  for (const p of use) {
    sxy += (p.a - ma) * (p.y - my);
    sxx += (p.a - ma) ** 2;
  }
  const slope = sxy / sxx;
  return slope < 0 ? ma - my / slope : NaN;
}

/** DMFT interpolation threshold over (α, γ₀): train error at t_max (floored at 1e-12), and the
 *  threshold α*(γ₀) fitted from the relaxation times of each γ₀ row. */
export function dmftThresholdSpec(m: MergeResult, spec: MergedSpec): Record<string, unknown> | undefined {
  if (
    !spec.command.startsWith('dmft') ||
    !m.axes.includes('alpha') ||
    !m.axes.includes('gamma0') ||
    !m.arrayNames.includes('trainError') ||
    m.cells.length === 0
  )
    return undefined;
  const tau = num(m.cells[0], spec, 'tau');
  const final = (c: CellOf) => {
    const y = c.arrays.get('trainError');
    return y?.length ? y[y.length - 1] : NaN;
  };
  const cells: HeatCell[] = m.cells.map((c) => ({
    x: num(c, spec, 'alpha'),
    y: num(c, spec, 'gamma0'),
    v: c.status === 'Success' && Number.isFinite(final(c)) ? Math.max(final(c), 1e-12) : null,
  }));
  const ys = [...new Set(cells.map((c) => c.y))].sort((a, b) => a - b);
  const star: { x: number; y: number }[] = [];
  for (const g of ys) {
    const row = sortedBy(
      m.cells.filter((c) => num(c, spec, 'gamma0') === g && c.status === 'Success'),
      (c) => num(c, spec, 'alpha'),
    );
    // t_rel = inf{t : e_tr < ε τ²}, ε = 1e-7 (dmft.md §8c), on the cells that relaxed by t_max.
    const tRel = row.map((c) => relaxationTime(c.t, c.arrays.get('trainError') ?? [], 1e-7 * tau * tau));
    const a = thresholdFitNu2(
      row.map((c) => num(c, spec, 'alpha')),
      tRel,
    );
    if (Number.isFinite(a)) star.push({ x: a, y: g });
  }
  const lines: HeatLine[] = star.length ? [{ points: star, color: '#ff4040' }] : [];
  const texts: HeatText[] = star.length ? [{ x: star[star.length - 1].x, y: star[star.length - 1].y, text: 'α*(γ₀)', color: '#ff4040' }] : [];
  return phaseDiagramSpec({
    title: `Interpolation threshold: train error at t = ${fmt(num(m.cells[0], spec, 'tMax'))} over (α, γ₀)`,
    subtitle: [
      `lazy reduced DMFT (${label(spec.base.kind)}, m → ∞, frozen second layer), pure noise τ = ${fmt(tau)}; train error → 0 left of the threshold`,
      'red: threshold α*(γ₀) from t_rel ≈ c(α* − α)^−2 on the three relaxed cells nearest it (t_rel = first t with e_tr < 1e−7·τ²)',
    ],
    xTitle: 'samples per dimension α = n/d',
    yTitle: 'initial scale γ₀',
    vTitle: 'train error e_tr',
    xLog: false,
    yLog: false,
    vLog: true,
    cells,
    lines,
    texts,
  });
}

/** Set the x-axis ticks of every panel layer of a figure spec to `values`. */
function withXTicks(spec: Record<string, unknown>, values: number[]): Record<string, unknown> {
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    const x = (o.encoding as Record<string, Record<string, unknown>> | undefined)?.x;
    if (x?.axis && x.field === 'x') x.axis = { values, format: '~g', labelOverlap: false };
    for (const k of ['layer', 'hconcat', 'vconcat', 'concat']) if (k in o) visit(o[k]);
  };
  visit(spec);
  return spec;
}

/** The physics figure of a ready-made sweep (examples/sweeps), when `m` is one: figure.vl.json/.svg. */
export function sweepPhysicsSpec(m: MergeResult): Record<string, unknown> | undefined {
  const spec = mergedSpec(m);
  if (!spec) return undefined;
  const desc = kernelLearningCurveFigure(m, spec) ?? committeePlateauFigure(m, spec) ?? dmftWidthFigure(m, spec);
  if (desc) {
    // x ticks at the swept values (n, p or m: a handful), not the axis' default 1-2-5 ticks.
    const xv = [...new Set(desc.panels.flatMap((p) => p.series.flatMap((s) => Array.from(s.x))))].sort((a, b) => a - b);
    return xv.length <= 12 ? withXTicks(vegaLiteSpec(desc), xv) : vegaLiteSpec(desc);
  }
  return committeePhaseSpec(m, spec) ?? dmftThresholdSpec(m, spec);
}
