// Cheaper SVG renders for the cells of a sweep, byte-identical to src/plot/render.ts's renderSvg.
//
// Where the time of one render goes (committee ode figure, profiled): Vega-Lite compile ≈ 30 %,
// Vega parse ≈ 20 %, building the View ≈ 15 %, the dataflow run ≈ 30 %, writing the SVG ≈ 10 %.
// The cells of a sweep draw the same figure with other data: only the inline data, the titles, the
// series names and the explicit axis domains change. So the compiled and parsed spec (Vega's
// runtime description) is kept per figure *shape*: those values are replaced by placeholders, the
// placeholder spec is compiled and parsed once, and each cell's render substitutes its own values
// into the parsed spec (no Vega-Lite compile, no Vega parse; only the parts holding a value are
// copied, the rest is frozen and shared by all renders of the shape). Before a shape is trusted, its
// first render is made both ways and compared byte for byte; a shape whose template does not
// reproduce the direct render (or whose values cannot be placed safely, or whose render raises an
// error) always renders directly. With Vega's expression functions memoised (src/plot/render.ts),
// what remained of a render (profiled, warm) was about 25 % building the View, 55 % the dataflow run
// and 20 % writing the SVG. So each shape also keeps one live View (see Live): a cell sets its values
// into it and re-runs the dataflow; the first renders of the live View are checked against the path
// above (a mismatch or an error retires it). Measured (bench/figure.bench.ts, warm, loaded machine):
// the live View's render is ~1 ms for the empty run, ~1.3 ms for the cell's run, ~1.7 ms writing the
// SVG.
import { compile } from 'vega-lite';
import { View, logger, parse, Error as ErrorLevel } from 'vega';
import { renderSvg, VIEW_OPTIONS } from '../plot/render.js';

const DATA = '\uE000V';
const STR = (k: number) => `\uE000S${k}\uE000`;
const NUM_UNIT = 1.2345678901234e-200;
/** Keys whose string values are slotted (titles, series names in domains, sorts and filters). */
const STRING_KEYS = new Set(['title', 'text', 'subtitle']);
const STRING_ARRAYS = new Set(['domain', 'sort', 'oneOf']);
/** Characters that JSON or Vega's stringValue would escape: such strings cannot be placed inside
 *  generated code by plain substitution, so a spec holding one renders directly. */
const escaped = (s: string) => JSON.stringify(s).slice(1, -1) !== s || /[\u2028\u2029\uE000]/.test(s);

interface Slots {
  strings: string[];
  numbers: number[];
  data: unknown[][];
}

interface Template {
  /** The parsed placeholder spec (never handed to a View: copies are), verified on the shape's first
   *  use: with that cell's values substituted it renders the same bytes as the direct render. */
  runtime: unknown;
  /** The objects of `runtime` that each render copies (the others are frozen and shared). */
  variable: WeakSet<object>;
  /** The shape's live View (see Live), null once it failed a check or could not be built. */
  live?: Live | null;
}

/** One live View per shape (and thread): the shape's Vega spec with every variable value turned into
 *  a signal (titles, series names, domain numbers) and its inline datasets emptied; a cell sets the
 *  signals, swaps the datasets and re-runs the dataflow — no View to build, no operators to create.
 *  Vega keeps the visual items of axis ticks, legend entries and facet groups by their value between
 *  runs and appends new ones after the kept ones, so a View re-run straight from one cell's data to
 *  the next could order the SVG's elements differently from a fresh render. Each render therefore
 *  first runs the View empty (no data, the domain numbers NaN: no items, no ticks, no entries are
 *  left to keep), then with the cell's values, so every item enters afresh in data order. */
interface Live {
  view: View;
  /** Vega dataset name → index of the cell's dataset (Slots.data). */
  data: [string, number][];
  strings: string[];
  numbers: string[];
  /** Renders still to be checked against the copied-spec path (the shape's first ones). */
  unchecked: number;
  busy: boolean;
}

class Unplaceable extends Error {}

/** The spec with its variable values replaced by placeholders, and those values. Equal values share
 *  one placeholder (Vega-Lite merges equal inline datasets and equal axis titles), so the template's
 *  key records which values are equal, and the numbers' placeholders keep their order and sign. */
function templateOf(spec: Record<string, unknown>): { key: string; tpl: Record<string, unknown>; slots: Slots; sentinels: number[] } {
  const strings: string[] = [];
  const data: unknown[][] = [];
  const dataKeys: string[] = [];
  const numbers: number[] = [];
  const str = (s: string) => {
    if (escaped(s)) throw new Unplaceable();
    let k = strings.indexOf(s);
    if (k < 0) k = strings.push(s) - 1;
    return STR(k);
  };
  // Domain numbers are marked first and given their placeholders once all are known (ranked).
  const walk = (v: unknown, key: string | undefined, inArray: string | undefined): unknown => {
    if (Array.isArray(v)) {
      if (key === 'values') {
        const j = JSON.stringify(v);
        let k = dataKeys.indexOf(j);
        if (k < 0) {
          k = dataKeys.push(j) - 1;
          data.push(v);
        }
        return [{ [DATA]: k }];
      }
      const arrKey = key !== undefined && STRING_ARRAYS.has(key) ? key : undefined;
      return v.map((x) => walk(x, undefined, arrKey));
    }
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = k === 'config' ? x : walk(x, k, undefined);
      return out;
    }
    if (typeof v === 'string' && ((key !== undefined && STRING_KEYS.has(key)) || inArray !== undefined)) return str(v);
    if (typeof v === 'number' && inArray === 'domain' && v !== 0) {
      if (!Number.isFinite(v)) throw new Unplaceable();
      numbers.push(v);
      return { __num: v };
    }
    return v;
  };
  const marked = walk(spec, undefined, undefined);
  // Rank the domain numbers; placeholders keep sign and order: −(n_neg − i)·u … −u, u, 2u, …
  const distinct = [...new Set(numbers)].sort((a, b) => a - b);
  const nNeg = distinct.filter((x) => x < 0).length;
  const sentinelOf = (v: number) => {
    const i = distinct.indexOf(v);
    return (i < nNeg ? -(nNeg - i) : i - nNeg + 1) * NUM_UNIT;
  };
  const fill = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(fill);
    if (v !== null && typeof v === 'object') {
      if ('__num' in v && Object.keys(v).length === 1) return sentinelOf((v as { __num: number }).__num);
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = k === 'config' ? x : fill(x);
      return out;
    }
    return v;
  };
  const tpl = fill(marked) as Record<string, unknown>;
  // The key: the placeholder spec (config included: it is the same object for every figure).
  return { key: JSON.stringify(tpl), tpl, slots: { strings, numbers: distinct, data }, sentinels: distinct.map(sentinelOf) };
}

/** A copy of the template's runtime spec with the cell's values in place of the placeholders. Only
 *  the objects in `variable` (those holding a placeholder somewhere below them) are copied; every
 *  other object is shared by all renders of the shape — frozen (markVariable), so a View that tried
 *  to change one would throw (and the shape falls back to the direct render), never leak a change
 *  into the next render. Without `variable` everything is copied. */
function substitute(v: unknown, slots: Slots, sentinels: number[], variable?: WeakSet<object>): unknown {
  if (variable && v !== null && typeof v === 'object' && !variable.has(v)) return v;
  if (Array.isArray(v)) {
    if (v.length === 1 && v[0] !== null && typeof v[0] === 'object' && DATA in (v[0] as object)) return slots.data[(v[0] as Record<string, number>)[DATA]];
    return v.map((x) => substitute(x, slots, sentinels, variable));
  }
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = substitute(x, slots, sentinels, variable);
    return out;
  }
  if (typeof v === 'string') {
    let s = v;
    if (s.includes('\uE000')) s = s.replace(/\uE000S(\d+)\uE000/g, (_, k: string) => slots.strings[Number(k)]);
    if (s.includes('e-200')) for (let i = 0; i < sentinels.length; i++) s = s.split(String(sentinels[i])).join(String(slots.numbers[i]));
    return s;
  }
  if (typeof v === 'number' && v !== 0 && Math.abs(v) < 1e-190) {
    const i = sentinels.indexOf(v);
    if (i >= 0) return slots.numbers[i];
  }
  return v;
}

/** Collect into `variable` the objects of a runtime spec that substitute must copy — those holding a
 *  placeholder below them, everything under `eventConfig` (the View turns its arrays into Sets in
 *  place) and an operator's initial `value` (a data operator's tuples get their ids written into them)
 *  — and freeze all others. Returns whether `v` is variable. */
function markVariable(v: unknown, sentinels: number[], variable: WeakSet<object>, copy = false): boolean {
  if (v !== null && typeof v === 'object') {
    let any = copy || (Array.isArray(v) && v.length === 1 && v[0] !== null && typeof v[0] === 'object' && DATA in (v[0] as object));
    const operator = !Array.isArray(v) && 'id' in v && 'type' in v;
    for (const [k, x] of Object.entries(v)) if (markVariable(x, sentinels, variable, copy || k === 'eventConfig' || (operator && k === 'value'))) any = true;
    if (any) variable.add(v);
    else Object.freeze(v);
    return any;
  }
  if (typeof v === 'string') return v.includes('\uE000') || v.includes('e-200');
  return typeof v === 'number' && v !== 0 && Math.abs(v) < 1e-190 && sentinels.includes(v);
}

/** Vega numbers clip paths and gradients with process-wide counters: renumber them in order of first
 *  appearance, as renderSvg does with two regular-expression passes (`\bclip(\d+)\b` from 1,
 *  `\bgradient_(\d+)\b` from 0) — here in one scan with indexOf (their matches never overlap, so
 *  one pass gives the same text; a regular expression over the whole SVG cost more than the rest of
 *  the post-processing). */
export function renumberIds(svg: string): string {
  const word = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
  const digit = (c: number) => c >= 48 && c <= 57;
  const clips = new Map<string, number>();
  const grads = new Map<string, number>();
  const parts: string[] = [];
  let last = 0;
  let from = 0;
  // The next match of each prefix, searched again only once passed (searching both from every match
  // rescanned the whole rest of the SVG for an absent prefix at every match of the other).
  let c = -2;
  let g = -2;
  for (;;) {
    if (c !== -1 && c < from) c = svg.indexOf('clip', from);
    if (g !== -1 && g < from) g = svg.indexOf('gradient_', from);
    if (c < 0 && g < 0) break;
    const isClip = g < 0 || (c >= 0 && c < g);
    const at = isClip ? c : g;
    const start = at + (isClip ? 4 : 9);
    let end = start;
    while (end < svg.length && digit(svg.charCodeAt(end))) end++;
    if (end === start || (at > 0 && word(svg.charCodeAt(at - 1))) || (end < svg.length && word(svg.charCodeAt(end)))) {
      from = at + 1;
      continue;
    }
    const n = svg.slice(start, end);
    const ids = isClip ? clips : grads;
    if (!ids.has(n)) ids.set(n, ids.size + (isClip ? 1 : 0));
    parts.push(svg.slice(last, start), String(ids.get(n)));
    last = end;
    from = end;
  }
  if (last === 0) return svg;
  parts.push(svg.slice(last));
  return parts.join('');
}

/** The same post-processing as renderSvg (stable clip and gradient ids). Vega's dataflow logs an
 *  error thrown by an operator and goes on rendering; here such an error (e.g. an operator writing
 *  into a shared, frozen part of the spec) fails the render, and the caller renders directly. */
async function svgOf(runtime: unknown): Promise<string> {
  const errors: unknown[] = [];
  const log = logger(ErrorLevel, undefined, (_method: string, level: string, args: unknown[]) => {
    if (level === 'ERROR') errors.push(args[0]);
  });
  const view = new View(runtime as never, { ...VIEW_OPTIONS, logger: log });
  try {
    const svg = await view.toSVG();
    if (errors.length) throw errors[0] instanceof Error ? errors[0] : new Error(String(errors[0]));
    return renumberIds(svg);
  } finally {
    view.finalize();
  }
}

const SIGNAL_S = (k: number) => `ld_slot_s${k}`;
const SIGNAL_N = (i: number) => `ld_slot_n${i}`;
/** Properties whose string is a Vega expression. */
const EXPR_KEYS = new Set(['signal', 'expr', 'update', 'test', 'init']);

/** The Vega spec of a shape with its placeholders turned into signal references (whole values) or
 *  signal names (inside expressions; a placeholder inside a string literal splits the literal:
 *  `"a<ph>b"` → `("a" + ld_slot_s0 + "b")`), its inline datasets emptied. Throws Unplaceable where
 *  a placeholder sits anywhere else (then the shape has no live View). */
function liveSpec(vg: unknown, sentinels: number[]): { spec: Record<string, unknown>; data: [string, number][] } {
  const data: [string, number][] = [];
  const sentinelIndex = (v: unknown) => (typeof v === 'number' && v !== 0 && Math.abs(v) < 1e-190 ? sentinels.indexOf(v) : -1);
  const wholeString = (s: string) => {
    const m = /^\uE000S(\d+)\uE000$/.exec(s);
    return m ? Number(m[1]) : -1;
  };
  const expr = (code: string): string => {
    let out = code.replace(/"([^"\\]*)"/g, (lit: string, body: string) => {
      if (!body.includes('\uE000')) return lit;
      const parts = body.split(/\uE000S(\d+)\uE000/);
      const terms: string[] = [];
      for (let i = 0; i < parts.length; i++) terms.push(i % 2 ? SIGNAL_S(Number(parts[i])) : JSON.stringify(parts[i]));
      return `(${terms.join(' + ')})`;
    });
    for (let i = 0; i < sentinels.length; i++) out = out.split(String(sentinels[i])).join(`(${SIGNAL_N(i)})`);
    if (out.includes('\uE000') || out.includes('e-200')) throw new Unplaceable();
    return out;
  };
  const walk = (v: unknown, key: string | undefined): unknown => {
    if (Array.isArray(v)) return v.map((x) => walk(x, undefined));
    if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (Array.isArray(o.values) && o.values.length === 1 && o.values[0] !== null && typeof o.values[0] === 'object' && DATA in o.values[0]) {
        // An inline dataset: filled per cell with view.data, which skips `format` (allowed: none, or plain JSON).
        const fmt = o.format as Record<string, unknown> | undefined;
        if (typeof o.name !== 'string' || (fmt !== undefined && Object.keys(fmt).some((k) => k !== 'type' || fmt.type !== 'json'))) throw new Unplaceable();
        data.push([o.name, (o.values[0] as Record<string, number>)[DATA]]);
        const out: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(o)) out[k] = k === 'values' ? [] : walk(x, k);
        return out;
      }
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(o)) out[k] = walk(x, k);
      return out;
    }
    if (typeof v === 'string') {
      if (key !== undefined && EXPR_KEYS.has(key)) return expr(v);
      const k = wholeString(v);
      if (k >= 0) return { signal: SIGNAL_S(k) };
      if (v.includes('\uE000') || v.includes('e-200')) throw new Unplaceable();
      return v;
    }
    const i = sentinelIndex(v);
    if (i >= 0) return { signal: SIGNAL_N(i) };
    return v;
  };
  const spec = walk(vg, undefined) as Record<string, unknown>;
  return { spec, data };
}

/** Build a shape's live View from its placeholder Vega spec, with `slots` as the initial values. */
function buildLive(vg: unknown, slots: Slots, sentinels: number[], checks: number): Live {
  const { spec, data } = liveSpec(vg, sentinels);
  if (JSON.stringify(vg).includes('ld_slot_')) throw new Unplaceable(); // a name clash with ours
  const strings = slots.strings.map((_, k) => SIGNAL_S(k));
  const numbers = sentinels.map((_, i) => SIGNAL_N(i));
  const declared = [...strings.map((name, k) => ({ name, value: slots.strings[k] })), ...numbers.map((name, i) => ({ name, value: slots.numbers[i] }))];
  spec.signals = [...declared, ...((spec.signals as unknown[] | undefined) ?? [])];
  const errors: unknown[] = [];
  const log = logger(ErrorLevel, undefined, (_method: string, level: string, args: unknown[]) => {
    if (level === 'ERROR') errors.push(args[0]);
  });
  const view = new View(parse(spec as never), { ...VIEW_OPTIONS, logger: log });
  (view as unknown as { ldErrors: unknown[] }).ldErrors = errors;
  return { view, data, strings, numbers, unchecked: checks, busy: false };
}

/** A cell's SVG through the shape's live View: run it empty, then with the cell's values. */
async function liveSvg(live: Live, slots: Slots): Promise<string> {
  const { view } = live;
  const errors = (view as unknown as { ldErrors: unknown[] }).ldErrors;
  errors.length = 0;
  for (const [name] of live.data) view.data(name, []);
  for (const name of live.numbers) view.signal(name, Number.NaN);
  await view.runAsync();
  for (let k = 0; k < live.strings.length; k++) view.signal(live.strings[k], slots.strings[k]);
  for (let i = 0; i < live.numbers.length; i++) view.signal(live.numbers[i], slots.numbers[i]);
  // Copies: Vega writes its tuple ids into the objects it ingests.
  for (const [name, k] of live.data)
    view.data(
      name,
      (slots.data[k] as object[]).map((o) => ({ ...o })),
    );
  // Vega sizes the view (autosize 'pad': the origin and the SVG's size from the bounds) only on a
  // View's first run or when asked: ask, as a fresh View would.
  view.resize();
  await view.runAsync();
  const svg = await view.toSVG();
  if (errors.length) throw errors[0] instanceof Error ? errors[0] : new Error(String(errors[0]));
  return renumberIds(svg);
}

/** Renders of figures that share shapes: at most `limit` shapes kept (a sweep has one or a few). */
export class FigureRenderer {
  private readonly templates = new Map<string, Template | null>();
  stats = { cached: 0, direct: 0, shapes: 0, live: 0 };
  /** `liveChecks`: how many live renders of each shape are checked against the copied-spec path;
   *  false: no live Views (every cached render builds a View from a copied spec, as before). */
  constructor(
    private readonly limit = 32,
    private readonly liveChecks: number | false = 3,
  ) {}

  async svg(spec: Record<string, unknown>): Promise<string> {
    let t: ReturnType<typeof templateOf>;
    try {
      t = templateOf(spec);
    } catch (e) {
      if (!(e instanceof Unplaceable)) throw e;
      this.stats.direct++;
      return renderSvg(spec);
    }
    const { sentinels } = t;
    const tpl = this.templates.get(t.key);
    if (tpl === null) {
      this.stats.direct++;
      return renderSvg(spec);
    }
    if (tpl === undefined) {
      // A new shape: compile and parse the placeholder spec, then check it against the direct render —
      // twice, the second time with the first render's shared (frozen) parts reused.
      this.stats.shapes++;
      const direct = await renderSvg(spec);
      let ok: Template | null = null;
      try {
        const vg = compile(t.tpl as never, { logger: logger(ErrorLevel) }).spec;
        const runtime = parse(vg);
        const variable = new WeakSet<object>();
        markVariable(runtime, sentinels, variable);
        if (
          (await svgOf(substitute(runtime, t.slots, sentinels, variable))) === direct &&
          (await svgOf(substitute(runtime, t.slots, sentinels, variable))) === direct
        )
          ok = { runtime, variable };
        if (ok && this.liveChecks !== false) {
          try {
            ok.live = buildLive(vg, t.slots, sentinels, this.liveChecks);
          } catch {
            ok.live = null;
          }
        }
      } catch {
        ok = null;
      }
      if (this.templates.size >= this.limit) {
        const oldest = this.templates.keys().next().value as string;
        this.templates.get(oldest)?.live?.view.finalize();
        this.templates.delete(oldest);
      }
      this.templates.set(t.key, ok);
      this.stats.direct++;
      return direct;
    }
    const live = tpl.live;
    if (live && !live.busy) {
      live.busy = true;
      try {
        const svg = await liveSvg(live, t.slots);
        // The shape's first live renders are checked against the copied-spec path (itself checked
        // against the direct render); a mismatch or an error retires the live View for good.
        if (live.unchecked > 0) {
          live.unchecked--;
          const ref = await svgOf(substitute(tpl.runtime, t.slots, sentinels, tpl.variable));
          if (svg !== ref) throw new Error('live View differs');
        }
        this.stats.cached++;
        this.stats.live++;
        return svg;
      } catch {
        tpl.live = null;
        live.view.finalize();
      } finally {
        live.busy = false;
      }
    }
    try {
      const svg = await svgOf(substitute(tpl.runtime, t.slots, sentinels, tpl.variable));
      this.stats.cached++;
      return svg;
    } catch {
      // A render that failed on the shared parts (a View that writes into its spec): the shape renders
      // directly from now on.
      if (tpl.live && !tpl.live.busy) tpl.live.view.finalize();
      this.templates.set(t.key, null);
      this.stats.direct++;
      return renderSvg(spec);
    }
  }
}
