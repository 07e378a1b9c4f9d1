// Vite config of the browser explorer (`npm run explorer`, `npm run explorer:build`).
// The page lives in explorer/; it imports the library from ../src and the Wasm builds from ../build
// (src/wasm/runtime.ts fetches one literal `new URL('../../build/<file>.wasm', import.meta.url)` per build).
import { defineConfig, type Plugin } from 'vite';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));
const repo = fileURLToPath(new URL('..', import.meta.url));

/** The library imports node: builtins only lazily, inside Node-only branches (runtime.ts reads the
 *  .wasm from disk in Node, fetches it in browsers). In the page they resolve to an empty module. */
function nodeBuiltinsStub(): Plugin {
  const prefix = '\0node-stub:';
  return {
    name: 'learndyn-node-builtins-stub',
    enforce: 'pre',
    resolveId: (id) => (id.startsWith('node:') ? prefix + id : null),
    load: (id) => (id.startsWith(prefix) ? 'export default {};' : null),
  };
}

export default defineConfig({
  root,
  plugins: [nodeBuiltinsStub()],
  base: './',
  clearScreen: false,
  server: {
    host: '127.0.0.1',
    port: 5174,
    open: false,
    fs: { allow: [repo] },
  },
  preview: { host: '127.0.0.1', port: 5175 },
  // Pre-bundle the worker's dependencies on start (otherwise the first load re-optimises and reloads).
  optimizeDeps: { entries: ['index.html', 'src/worker.ts'], include: ['vega', 'vega-lite', 'fflate', 'zod'] },
  worker: { format: 'es', plugins: () => [nodeBuiltinsStub()] },
  build: {
    outDir: fileURLToPath(new URL('../dist-explorer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 4000,
    // The worker bundle (vega, vega-lite) is built inside the page build; on a busy machine Rolldown's
    // "callbacks took n s" timing notice is noise in test logs.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
});
