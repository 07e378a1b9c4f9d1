// SVG → PNG with @resvg/resvg-wasm (no native Cairo). resvg-wasm cannot see system fonts, so the
// house font (DejaVu Serif, from the dejavu-fonts-ttf package) is handed over as bytes.
import { initWasm, Resvg } from '@resvg/resvg-wasm';
import { FONT } from './figure.js';

let ready: Promise<void> | null = null;
let fonts: Uint8Array[] = [];

/** Initialise once. In Node the Wasm and fonts are read from node_modules; a browser passes bytes
 *  (or a Response/URL for the Wasm). */
export function initPng(source?: { wasm: Parameters<typeof initWasm>[0]; fonts: Uint8Array[] }): Promise<void> {
  if (!ready) {
    ready = (async () => {
      if (source) {
        fonts = source.fonts;
        await initWasm(source.wasm);
        return;
      }
      const { readFile } = await import('node:fs/promises');
      const { createRequire } = await import('node:module');
      const require = createRequire(import.meta.url);
      const wasm = await readFile(require.resolve('@resvg/resvg-wasm/index_bg.wasm'));
      const ttf = (name: string) => readFile(require.resolve(`dejavu-fonts-ttf/ttf/${name}`));
      fonts = (
        await Promise.all(['DejaVuSerif.ttf', 'DejaVuSerif-Italic.ttf', 'DejaVuSerif-Bold.ttf', 'DejaVuSans.ttf', 'DejaVuSans-Oblique.ttf'].map(ttf))
      ).map((b) => new Uint8Array(b));
      await initWasm(wasm);
    })();
    ready.catch(() => (ready = null));
  }
  return ready;
}

/** Rasterise an SVG at `scale`× (2 → 144 dpi for a 72-dpi SVG), white background. */
export async function svgToPng(svg: string, scale = 2): Promise<Uint8Array> {
  await initPng();
  const r = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: scale },
    font: { fontBuffers: fonts, defaultFontFamily: FONT, serifFamily: FONT, loadSystemFonts: false },
  });
  // No explicit free(): resvg's free() after render() throws an aliasing error; wasm-bindgen's
  // finalizers reclaim both objects.
  return r.render().asPng();
}
