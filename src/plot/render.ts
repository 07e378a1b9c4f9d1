// Headless rendering (engineering.md §8): Vega-Lite → Vega → SVG with renderer 'none', so no DOM or
// canvas is needed; the same code runs in Node and in the browser. PNG goes through resvg (png.ts).
import { compile } from 'vega-lite';
import { View, parse } from 'vega';
import { vegaLiteSpec, type FigureDesc } from './figure.js';

/** SVG text of a Vega-Lite spec. */
export async function renderSvg(vlSpec: Record<string, unknown>): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const vg = compile(vlSpec as any).spec;
  const view = new View(parse(vg), { renderer: 'none' });
  try {
    return await view.toSVG();
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
export async function figureFiles(
  fig: FigureDesc,
  png?: (svg: string) => Promise<Uint8Array>,
): Promise<FigureFiles> {
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
