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
// what remains of a render (profiled, warm) is about 25 % building the View, 55 % the dataflow run
// and 20 % writing the SVG.
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
  for (;;) {
    const c = svg.indexOf('clip', from);
    const g = svg.indexOf('gradient_', from);
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

/** Renders of figures that share shapes: at most `limit` shapes kept (a sweep has one or a few). */
export class FigureRenderer {
  private readonly templates = new Map<string, Template | null>();
  stats = { cached: 0, direct: 0, shapes: 0 };
  constructor(private readonly limit = 32) {}

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
        const runtime = parse(compile(t.tpl as never, { logger: logger(ErrorLevel) }).spec);
        const variable = new WeakSet<object>();
        markVariable(runtime, sentinels, variable);
        if (
          (await svgOf(substitute(runtime, t.slots, sentinels, variable))) === direct &&
          (await svgOf(substitute(runtime, t.slots, sentinels, variable))) === direct
        )
          ok = { runtime, variable };
      } catch {
        ok = null;
      }
      if (this.templates.size >= this.limit) this.templates.delete(this.templates.keys().next().value as string);
      this.templates.set(t.key, ok);
      this.stats.direct++;
      return direct;
    }
    try {
      const svg = await svgOf(substitute(tpl.runtime, t.slots, sentinels, tpl.variable));
      this.stats.cached++;
      return svg;
    } catch {
      // A render that failed on the shared parts (a View that writes into its spec): the shape renders
      // directly from now on.
      this.templates.set(t.key, null);
      this.stats.direct++;
      return renderSvg(spec);
    }
  }
}
