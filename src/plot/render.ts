// Headless rendering (engineering.md §8): Vega-Lite → Vega → SVG with renderer 'none', so no DOM or
// canvas is needed; the same code runs in Node and in the browser. PNG goes through resvg (png.ts).
import { compile } from 'vega-lite';
import * as vega from 'vega';
import { View, parse, logger, Error as ErrorLevel } from 'vega';
import { vegaLiteSpec, type FigureDesc } from './figure.js';

// Advance widths of DejaVu Serif in em (read off the TTF's hmtx table), by character class.
const NARROW = new Set(" .,:;!|'()[]ijlft/·");
const WIDE = new Set('mwMW+=−');
function charEm(c: string): number {
  if (NARROW.has(c)) return 0.34;
  if (WIDE.has(c)) return 0.9;
  if (c >= '0' && c <= '9') return 0.636;
  if (c >= 'a' && c <= 'z') return 0.6;
  if (c >= 'A' && c <= 'Z') return 0.74;
  if ('⁰¹²³⁴⁵⁶⁷⁸⁹₀₁₂₃₄₅₆₇₈₉'.includes(c)) return 0.4;
  return 0.64;
}

/** Without a canvas vega estimates every glyph at 0.8 em, which makes titles and legends far too
 *  wide (large blank margins); use the house font's widths instead. */
function houseTextWidth(item: { fontSize?: number; text?: unknown; limit?: number }, text?: unknown): number {
  const size = item.fontSize != null ? +item.fontSize || 0 : 11;
  const str = (text ?? item.text ?? '') + '';
  let em = 0;
  for (const c of str.trim()) em += charEm(c);
  const w = em * size;
  return item.limit && item.limit > 0 ? Math.min(w, item.limit) : w;
}

// textMetrics is exported by vega (from vega-scenegraph) but missing from its typings.
const textMetrics = (vega as unknown as { textMetrics?: { width: unknown; estimateWidth: unknown } }).textMetrics;
if (textMetrics && textMetrics.width === textMetrics.estimateWidth) textMetrics.width = houseTextWidth;

// Vega compiles every expression of a View (encoders, filters, formulas, signal updates) with
// `Function`: a fresh function per View, so each render interprets code it compiled a moment ago and
// never reaches optimised code. The same code text gives the same function (the generated code has no
// closure: it reads only its arguments and `this`, which is bound per View as Vega does), so the
// compiled functions are kept by their code and only bound again — the outputs cannot change.
type CodegenFn = (...args: unknown[]) => unknown;
type CodegenKind = 'operator' | 'parameter' | 'event' | 'handler' | 'encode';
type Codegen = Record<CodegenKind, (ctx: { functions?: object } | null, e: { code?: string }) => CodegenFn> & { codegen?: unknown };
const runtimeContext = (vega as unknown as { runtimeContext?: (df: unknown, transforms: unknown, fns: unknown) => { expr?: Codegen } }).runtimeContext;
function memoCodegen(): Codegen | undefined {
  let base: Codegen | undefined;
  try {
    base = runtimeContext?.({ events() {} }, {}, undefined)?.expr;
  } catch {
    return undefined;
  }
  const kinds: CodegenKind[] = ['operator', 'parameter', 'event', 'handler', 'encode'];
  if (!base || !kinds.every((k) => typeof base[k] === 'function')) return undefined;
  const from = base;
  const memo = new Map<string, CodegenFn>();
  // A frozen spec object cannot change, so its function is also found by the object itself (the sweep's
  // figure cache shares frozen parts of a spec between renders: no key to build for those).
  const out = { ...from } as Codegen;
  for (const kind of kinds) {
    const frozen = new WeakMap<object, CodegenFn>();
    out[kind] = (ctx, e) => {
      const still = Object.isFrozen(e);
      let fn = still ? frozen.get(e) : undefined;
      if (!fn) {
        // The encode generator reads the mark type and every channel's code: its key is all of them.
        const key = `${kind}\u0000${kind === 'encode' ? JSON.stringify(e) : e.code}`;
        fn = memo.get(key);
        if (!fn) {
          if (memo.size >= 8192) memo.clear();
          fn = from[kind](null, e); // without a context: the unbound function
          memo.set(key, fn);
        }
        if (still) frozen.set(e, fn);
      }
      return ctx?.functions ? fn.bind(ctx.functions) : fn;
    };
  }
  return out;
}
/** View options of every headless render (src/sweep/figure-cache.ts uses the same). */
export const VIEW_OPTIONS = { renderer: 'none', logLevel: ErrorLevel, expr: memoCodegen() } as const;

/** Replace the numbers of `re`'s matches by first, first + 1, … in order of first appearance. */
function renumber(svg: string, re: RegExp, prefix: string, first: number): string {
  const ids = new Map<string, number>();
  return svg.replace(re, (_, n: string) => {
    if (!ids.has(n)) ids.set(n, ids.size + first);
    return `${prefix}${ids.get(n)}`;
  });
}

/** SVG text of a Vega-Lite spec. */
export async function renderSvg(vlSpec: Record<string, unknown>): Promise<string> {
  const vg = compile(vlSpec as never, { logger: logger(ErrorLevel) }).spec;
  const view = new View(parse(vg), VIEW_OPTIONS);
  try {
    // Vega numbers clip paths and gradients with process-wide counters; renumber them in order of
    // appearance so the same figure gives the same bytes in any process.
    return renumber(renumber(await view.toSVG(), /\bclip(\d+)\b/g, 'clip', 1), /\bgradient_(\d+)\b/g, 'gradient_', 0);
  } finally {
    view.finalize();
  }
}

export interface FigureFiles {
  'figure.vl.json': Uint8Array;
  'figure.svg': Uint8Array;
  'figure.png'?: Uint8Array;
}

/** figure.vl.json and figure.svg (and figure.png when a PNG renderer is given) for one figure. */
export async function figureFiles(fig: FigureDesc, png?: (svg: string) => Promise<Uint8Array>): Promise<FigureFiles> {
  const enc = new TextEncoder();
  const spec = vegaLiteSpec(fig);
  const svg = await renderSvg(spec);
  const files: FigureFiles = {
    'figure.vl.json': enc.encode(JSON.stringify(spec, null, 1) + '\n'),
    'figure.svg': enc.encode(svg),
  };
  if (png) files['figure.png'] = await png(svg);
  return files;
}
