// Figures as data: a FigureDesc (panels of theory lines, simulation points with error bars, vertical
// rules and shaded bands) becomes one Vega-Lite v6 spec with the data inline (engineering.md §8), so
// Altair / vl-convert users can restyle it. Pure and browser-safe: no Node imports here.

export type AxisScale = 'log' | 'linear';

export interface Series {
  /** Legend label. */
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** 'line' for theory curves, 'points' for simulations. */
  mark: 'line' | 'points';
  /** Standard error: drawn as ±1 s.e. bars on points. */
  se?: ArrayLike<number>;
  dash?: 'solid' | 'dashed' | 'dotted' | 'dashdot';
  /** Hex colour; defaults to the next tab10 colour of the panel. */
  color?: string;
}

export interface Rule {
  x: number;
  label: string;
}

export interface Band {
  x0: number;
  x1: number;
  label: string;
}

export interface Panel {
  title?: string;
  xTitle: string;
  yTitle: string;
  xScale?: AxisScale;
  yScale?: AxisScale;
  xDomain?: [number, number];
  yDomain?: [number, number];
  series: Series[];
  rules?: Rule[];
  bands?: Band[];
  /** Legend corner inside the plot area, or 'right' outside it (for panels with many series). */
  legend?: 'top-right' | 'top-left' | 'bottom-right' | 'bottom-left' | 'right' | 'none';
}

export interface FigureDesc {
  title?: string;
  panels: Panel[];
  /** Size of one panel's plot area in px. */
  width?: number;
  height?: number;
  /** Panels per row (default: all in one row). */
  columns?: number;
}

/** matplotlib's tab10 cycle. */
export const TAB10 = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
export const FONT = 'DejaVu Serif';
const DASH: Record<NonNullable<Series['dash']>, number[]> = { solid: [], dashed: [6, 4], dotted: [1.5, 2.5], dashdot: [6, 3, 1.5, 3] };

/** matplotlib-like house style: serif, black frame, outward ticks, no grid, legend in a white box. */
export const HOUSE_CONFIG = {
  font: FONT,
  background: 'white',
  padding: 8,
  view: { stroke: 'black', strokeWidth: 1 },
  axis: {
    grid: false,
    domain: false, // the view's frame draws the box
    ticks: true,
    tickColor: 'black',
    tickSize: 5,
    tickWidth: 0.8,
    labelColor: 'black',
    labelFontSize: 11,
    titleFontSize: 12.5,
    titleFontWeight: 'normal',
    titleColor: 'black',
    labelFlush: false,
  },
  legend: {
    labelFontSize: 10.5,
    titleFontSize: 10.5,
    symbolStrokeWidth: 1.6,
    fillColor: 'white',
    strokeColor: '#cccccc',
    padding: 6,
    cornerRadius: 3,
    offset: 8,
    rowPadding: 2,
    symbolSize: 60,
    labelLimit: 260,
  },
  title: { fontSize: 13.5, fontWeight: 'normal', anchor: 'middle' },
  header: { labelFontSize: 12.5, titleFontSize: 12.5 },
} as const;

type Row = Record<string, number | string>;

const usable = (v: number, scale: AxisScale) => Number.isFinite(v) && (scale !== 'log' || v > 0);

const inside = (v: number, d?: [number, number]) => !d || (v >= d[0] && v <= d[1]);

/** Flatten the series into one long table (series, seg, x, y[, lo, hi]). Values a log axis cannot
 *  show (≤ 0) or that are not finite are dropped. Lines leaving the y-range are cut at its edge
 *  (interpolated in axis coordinates; a new `seg` starts when they come back) and points outside
 *  it are dropped, so no mark lies far outside the frame (resvg mis-renders those). Lower error
 *  bars are clipped to the axis floor. */
export function panelRows(panel: Panel): Row[] {
  const xs = panel.xScale ?? 'log',
    ys = panel.yScale ?? 'log';
  const fx = (v: number) => (xs === 'log' ? Math.log(v) : v),
    gx = (u: number) => (xs === 'log' ? Math.exp(u) : u);
  const fy = (v: number) => (ys === 'log' ? Math.log(v) : v),
    gy = (u: number) => (ys === 'log' ? Math.exp(u) : u);
  const rows: Row[] = [];
  const yd = panel.yDomain,
    xd = panel.xDomain;
  const floor = yd?.[0];
  for (const s of panel.series) {
    const n = Math.min(s.x.length, s.y.length);
    if (s.mark === 'points') {
      for (let i = 0; i < n; i++) {
        const x = s.x[i],
          y = s.y[i];
        if (!usable(x, xs) || !usable(y, ys) || !inside(y, yd) || !inside(x, xd)) continue;
        const row: Row = { series: s.name, seg: 0, x, y };
        const se = s.se?.[i];
        if (se !== undefined && Number.isFinite(se) && se > 0) {
          let lo = y - se;
          if (ys === 'log' && !(lo > 0)) lo = floor !== undefined && floor > 0 ? floor : y / 10;
          row.lo = yd ? Math.max(lo, yd[0]) : lo;
          row.hi = yd ? Math.min(y + se, yd[1]) : y + se;
        }
        rows.push(row);
      }
      continue;
    }
    let seg = 0,
      prev: [number, number] | null = null,
      prevIn = false;
    const lo = yd ? fy(yd[0]) : -Infinity,
      hi = yd ? fy(yd[1]) : Infinity;
    for (let i = 0; i < n; i++) {
      const x = s.x[i],
        y = s.y[i];
      if (!usable(x, xs) || !usable(y, ys)) {
        if (prev) seg++;
        prev = null;
        continue;
      }
      const cur: [number, number] = [fx(x), fy(y)];
      const curIn = cur[1] >= lo && cur[1] <= hi;
      if (prev && prevIn !== curIn) {
        // Crossing the edge: add the boundary point (on whichever edge is crossed).
        const edge = (prevIn ? cur[1] : prev[1]) < lo ? lo : hi;
        const w = (edge - prev[1]) / (cur[1] - prev[1]);
        rows.push({ series: s.name, seg, x: gx(prev[0] + w * (cur[0] - prev[0])), y: gy(edge) });
        if (prevIn) seg++;
      }
      if (curIn) rows.push({ series: s.name, seg, x, y });
      prev = cur;
      prevIn = curIn;
    }
  }
  return rows;
}

const SUP: Record<string, string> = { '−': '⁻', '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹' };

/** matplotlib-like log-axis labels: only decades are labelled (minor ticks stay unlabelled), as
 *  plain numbers when every decade in range lies in [1e-3, 1e4], else as 10ᵏ. Spans under 1.5
 *  decades label the 1-2-5 ticks, under half a decade every tick. */
export function logAxisLabelExpr(range: [number, number] | undefined): string | undefined {
  if (!range || !(range[0] > 0) || !(range[1] > range[0])) return undefined;
  const span = Math.log10(range[1] / range[0]);
  if (span < 0.5) return undefined;
  if (span < 1.5) {
    // Under 1.5 decades: label the 1-2-5 ticks.
    const lead = 'datum.value / pow(10, floor(log(datum.value) / LN10 + 1e-9))';
    return `(abs(${lead} - 1) < 1e-6 || abs(${lead} - 2) < 1e-6 || abs(${lead} - 5) < 1e-6) ? format(datum.value, '~g') : ''`;
  }
  const k = 'round(log(datum.value) / LN10)';
  const isDecade = `abs(log(datum.value) / LN10 - ${k}) < 1e-6`;
  const plain = range[0] >= 0.999e-3 && range[1] <= 1.001e4;
  let sup = `format(${k}, 'd')`;
  for (const [from, to] of Object.entries(SUP)) sup = `replace(${sup}, regexp('${from}', 'g'), '${to}')`;
  return `${isDecade} ? ${plain ? "format(datum.value, '~g')" : `'10' + ${sup}`} : ''`;
}

/** Range of a channel over the rows (and its explicit domain, if any). */
function rangeOf(rows: Row[], key: 'x' | 'y', domain?: [number, number]): [number, number] | undefined {
  if (domain) return domain;
  let lo = Infinity,
    hi = -Infinity;
  for (const r of rows) {
    const v = r[key] as number;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : undefined;
}

function scaleOf(type: AxisScale, domain?: [number, number]) {
  const s: Record<string, unknown> = { type };
  if (domain) s.domain = domain;
  if (type === 'linear') s.zero = false;
  return s;
}

/** Vega symbol size of every legend glyph: a stroke of √size ≈ 14 px, long enough for a dash period.
 *  One size for all entries (Vega lays the labels out from it); the point glyph is a custom path
 *  drawn small inside that box. */
const GLYPH_SIZE = 200;
/** A filled dot of radius ≈ 3.5 px at GLYPH_SIZE (unit-square path coordinates, scaled by √size). */
const DOT = 'M-0.25,0A0.25,0.25 0 1,0 0.25,0A0.25,0.25 0 1,0 -0.25,0Z';
/** The dot with a vertical ±1 s.e. bar through it, as simulations with error bars are drawn. */
const DOT_BAR = `${DOT}M0,-0.5L0,0.5`;

/** Legend glyph of a series as it is drawn: a dot (with a bar when it has error bars) for points
 *  (simulations), a stroke with the series' dash pattern for lines (theories). */
export function legendGlyph(s: Series): { shape: string } {
  return { shape: s.mark === 'points' ? (drawsBars(s) ? DOT_BAR : DOT) : 'stroke' };
}

/** Whether panelRows gives the series any error bar (a finite, positive s.e.; one seed has none). */
function drawsBars(s: Series): boolean {
  if (!s.se) return false;
  for (let i = 0; i < s.se.length; i++) if (Number.isFinite(s.se[i]) && s.se[i] > 0) return true;
  return false;
}

/** A Vega expression picking, by legend entry (datum.value = series name), one of `values`. */
function byEntry(names: string[], values: unknown[]): { signal: string } {
  return { signal: `${JSON.stringify(values)}[indexof(${JSON.stringify(names)}, datum.value)]` };
}

/** Per-entry symbol encoding of a panel's one legend (Vega legend `encode.symbols.update`): one
 *  legend covers lines and points, so the glyph's shape is set per series instead of one
 *  symbolType. Colour (stroke and fill) and dash come from the layers' color and strokeDash scales,
 *  which Vega-Lite attaches to the merged legend. */
export function legendSymbols(series: Series[]): Record<string, unknown> {
  return {
    shape: byEntry(
      series.map((s) => s.name),
      series.map((s) => legendGlyph(s).shape),
    ),
    opacity: { value: 1 },
  };
}

/** One panel as a layered Vega-Lite chart. */
export function panelSpec(panel: Panel, width: number, height: number): Record<string, unknown> {
  const xs = panel.xScale ?? 'log',
    ys = panel.yScale ?? 'log';
  const names = panel.series.map((s) => s.name);
  const colors = panel.series.map((s, i) => s.color ?? TAB10[i % TAB10.length]);
  const dashes = panel.series.map((s) => DASH[s.dash ?? 'solid']);
  const legend =
    panel.legend === 'none'
      ? null
      : {
          title: null,
          orient: panel.legend ?? 'top-right',
          symbolSize: GLYPH_SIZE,
          encode: { symbols: { update: legendSymbols(panel.series) } },
        };
  const rows = panelRows(panel);
  const axisOf = (scale: AxisScale, key: 'x' | 'y', domain?: [number, number]) => {
    const expr = scale === 'log' ? logAxisLabelExpr(rangeOf(rows, key, domain)) : undefined;
    // '~f': vega adapts the precision to the tick step (10 → "10", not "1e+1" as with '~g').
    return expr ? { labelExpr: expr, labelOverlap: false } : { format: scale === 'log' ? '~g' : '~f' };
  };
  const xEnc = { field: 'x', type: 'quantitative', title: panel.xTitle, scale: scaleOf(xs, panel.xDomain), axis: axisOf(xs, 'x', panel.xDomain) };
  const yEnc = { field: 'y', type: 'quantitative', title: panel.yTitle, scale: scaleOf(ys, panel.yDomain), axis: axisOf(ys, 'y', panel.yDomain) };
  const color = { field: 'series', type: 'nominal', scale: { domain: names, range: colors }, legend, sort: names };
  const lineNames = panel.series.filter((s) => s.mark === 'line').map((s) => s.name);
  const pointNames = panel.series.filter((s) => s.mark === 'points').map((s) => s.name);
  const hasBars = panel.series.some((s) => s.mark === 'points' && s.se);
  const oneOf = (list: string[]) => ({ field: 'series', oneOf: list });
  const layers: Record<string, unknown>[] = [];
  for (const b of panel.bands ?? []) {
    layers.push({
      data: { values: [{ x0: b.x0, x1: b.x1, label: b.label }] },
      mark: { type: 'rect', color: '#000000', opacity: 0.06 },
      encoding: { x: { field: 'x0', type: 'quantitative' }, x2: { field: 'x1' } },
    });
    layers.push({
      data: { values: [{ x: Math.sqrt(Math.max(b.x0, 1e-300) * b.x1), label: b.label }] },
      mark: { type: 'text', baseline: 'bottom', dy: -3, fontSize: 10, fontStyle: 'italic', y: 0 },
      encoding: { x: { field: 'x', type: 'quantitative' }, text: { field: 'label' } },
    });
  }
  if (lineNames.length) {
    layers.push({
      transform: [{ filter: oneOf(lineNames) }],
      mark: { type: 'line', strokeWidth: 1.8, clip: true, interpolate: 'linear' },
      encoding: {
        x: xEnc,
        y: yEnc,
        color,
        strokeDash: { field: 'series', type: 'nominal', scale: { domain: names, range: dashes }, legend: null },
        detail: [{ field: 'series' }, { field: 'seg' }],
        // Connect points in data order, not sorted by x: trajectories (e.g. overlaps in a plane) turn back.
        order: { value: null },
      },
    });
  }
  if (hasBars) {
    layers.push({
      transform: [{ filter: oneOf(pointNames) }, { filter: 'isValid(datum.lo)' }],
      mark: { type: 'rule', strokeWidth: 1, clip: true },
      encoding: { x: xEnc, y: { ...yEnc, field: 'lo' }, y2: { field: 'hi' }, color },
    });
  }
  if (pointNames.length) {
    layers.push({
      transform: [{ filter: oneOf(pointNames) }],
      mark: { type: 'point', filled: true, size: 22, opacity: 0.9, clip: true },
      encoding: { x: xEnc, y: yEnc, color },
    });
  }
  const rules = panel.rules ?? [];
  if (rules.length) {
    layers.push({
      data: { values: rules.map((r) => ({ x: r.x, label: r.label })) },
      transform: xs === 'log' ? [{ filter: 'datum.x > 0' }] : [],
      mark: { type: 'rule', color: 'black', strokeDash: [4, 3], strokeWidth: 1 },
      encoding: { x: { field: 'x', type: 'quantitative' } },
    });
    layers.push({
      data: { values: rules.map((r) => ({ x: r.x, label: r.label })) },
      transform: xs === 'log' ? [{ filter: 'datum.x > 0' }] : [],
      mark: { type: 'text', align: 'left', baseline: 'top', dx: 3, y: 4, fontSize: 11, fontStyle: 'italic' },
      encoding: { x: { field: 'x', type: 'quantitative' }, text: { field: 'label' } },
    });
  }
  return {
    ...(panel.title ? { title: panel.title } : {}),
    width,
    height,
    data: { values: rows },
    layer: layers,
    resolve: { scale: { strokeDash: 'shared', color: 'shared' } },
  };
}

/** The whole figure as a Vega-Lite v6 spec (panels side by side, independent legends). */
export function vegaLiteSpec(fig: FigureDesc): Record<string, unknown> {
  const w = fig.width ?? 360,
    h = fig.height ?? 260;
  const panels = fig.panels.map((p) => panelSpec(p, w, h));
  const resolve = { scale: { color: 'independent', strokeDash: 'independent', x: 'independent', y: 'independent' }, legend: { color: 'independent' } };
  const wrap = fig.columns !== undefined && fig.columns < panels.length;
  const body =
    panels.length === 1 ? panels[0] : wrap ? { concat: panels, columns: fig.columns, spacing: 28, resolve } : { hconcat: panels, spacing: 28, resolve };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(fig.title ? { title: fig.title } : {}),
    ...body,
    config: HOUSE_CONFIG,
  };
}
