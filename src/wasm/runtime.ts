// Wasm runtime: one loader for Node and browsers, one imported WebAssembly.Memory, a host-side
// arena over it. Kernels are pure functions of (pointers, counts); the host owns every byte.
// Why no @assemblyscript/loader: deprecated since AS 0.20, and its copy-in bindings cost 8x (engineering.md §3).
import { Arena } from './arena.js';
import { HostMemory, tsKernels } from './ts-kernels.js';
import type { KernelExports } from './exports.gen.js';

export type { KernelExports, KernelName } from './exports.gen.js';

/** Wasm builds, plus 'ts': the plain-TS twins behind the same interface (no WebAssembly needed). */
export type Variant = 'release' | 'threads' | 'scalar' | 'debug' | 'ts';

export interface WasmRuntime {
  readonly variant: Variant;
  readonly simd: boolean;
  /** The relaxed-SIMD build of the variant runs (its GEMM micro-kernel multiplies and adds in one
   *  f64x2.relaxed_madd: fused where the CPU has FMA, so results differ from the other build by rounding). */
  readonly relaxedSimd: boolean;
  readonly shared: boolean;
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  readonly exports: KernelExports;
  readonly arena: Arena;
  /** Feature record for manifests. */
  features(): { variant: Variant; simd: boolean; threads: boolean; noLiftoff: boolean; relaxedSimd: boolean };
}

export interface LoadOptions {
  /** Which build; default: 'release' (SIMD), falling back to 'scalar' where SIMD does not validate. */
  variant?: Variant | 'auto';
  /** Upper bound on Wasm memory in bytes; allocations past it throw MemoryBudgetError. Default 3 GiB. */
  budgetBytes?: number;
  /** Share memory and module with a worker pool (uses the 'threads' build). */
  shared?: boolean;
  /** Run the relaxed-SIMD build of 'release' / 'threads' where the engine validates it. Default: yes,
   *  unless the environment variable LEARNDYN_RELAXED_SIMD is 0 (results then equal on every x86-64
   *  machine; the relaxed build fuses products on CPUs with FMA and not on others). */
  relaxed?: boolean;
}

export const DEFAULT_BUDGET_BYTES = 3 * 1024 ** 3;
export const WASM_PAGE = 65536;
/** wasm32 ceiling: 65536 pages = 4 GiB. The threads build declares exactly this maximum. */
export const MAX_PAGES = 65536;

const isNode = typeof process !== 'undefined' && !!process.versions?.node;
let noLiftoffSet = false;

/** In Node, turn off V8's Liftoff tier before compiling so one long Wasm call runs optimised code
 *  from its first instruction (engineering.md §4: 611 ms -> 190 ms for one Gram call). */
async function prepareEngine(): Promise<void> {
  if (!isNode || noLiftoffSet) return;
  const v8 = await import('node:v8');
  v8.setFlagsFromString('--no-liftoff');
  noLiftoffSet = true;
}

const bytesCache = new Map<string, Uint8Array>();

/** The .wasm files: each Wasm variant, and the relaxed-SIMD twins of 'release' and 'threads'. */
export type Build = Exclude<Variant, 'ts'> | 'relaxed' | 'threads-relaxed';

/** One literal `new URL(…, import.meta.url)` per build, so bundlers (Vite, webpack, esbuild) emit
 *  exactly these files as assets (a template string would make them glob the whole build/ folder). */
function wasmUrl(variant: Build): URL {
  switch (variant) {
    case 'release':
      return new URL('../../build/learndyn.wasm', import.meta.url);
    case 'threads':
      return new URL('../../build/learndyn-threads.wasm', import.meta.url);
    case 'relaxed':
      return new URL('../../build/learndyn-relaxed.wasm', import.meta.url);
    case 'threads-relaxed':
      return new URL('../../build/learndyn-threads-relaxed.wasm', import.meta.url);
    case 'scalar':
      return new URL('../../build/learndyn-scalar.wasm', import.meta.url);
    case 'debug':
      return new URL('../../build/learndyn-debug.wasm', import.meta.url);
  }
}

/** The .wasm bytes of a build: read from disk in Node, fetched by URL in browsers (bundlers rewrite
 *  `new URL(..., import.meta.url)` into an asset URL). */
export async function wasmBytes(variant: Build): Promise<Uint8Array> {
  const hit = bytesCache.get(variant);
  if (hit) return hit;
  const url = wasmUrl(variant);
  let bytes: Uint8Array;
  if (isNode) {
    const { readFile } = await import('node:fs/promises');
    bytes = new Uint8Array(await readFile(url));
  } else {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`cannot fetch ${url}: ${res.status}`);
    bytes = new Uint8Array(await res.arrayBuffer());
  }
  bytesCache.set(variant, bytes);
  return bytes;
}

/** Does this engine validate 128-bit SIMD? Checked on the real release module. */
export async function simdSupported(): Promise<boolean> {
  try {
    return WebAssembly.validate((await wasmBytes('release')) as Uint8Array<ArrayBuffer>);
  } catch {
    return false;
  }
}

let relaxedOk: Promise<boolean> | undefined;
/** Does this engine validate the relaxed-SIMD build? Node 20 needs V8's --experimental-wasm-relaxed-simd
 *  (set here, before any relaxed module is compiled, only when validation fails without it: newer Node
 *  versions, Node 24 among them, validate as is); browsers answer as they are. */
export function relaxedSimdSupported(): Promise<boolean> {
  relaxedOk ??= (async () => {
    try {
      const bytes = (await wasmBytes('relaxed')) as Uint8Array<ArrayBuffer>;
      if (WebAssembly.validate(bytes)) return true;
      if (!isNode) return false;
      const v8 = await import('node:v8');
      v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
      return WebAssembly.validate(bytes);
    } catch {
      return false;
    }
  })();
  return relaxedOk;
}

/** Is the relaxed-SIMD build wanted: the option, else LEARNDYN_RELAXED_SIMD (default on). */
function relaxedWanted(opt: boolean | undefined): boolean {
  if (opt !== undefined) return opt;
  return !(isNode && process.env.LEARNDYN_RELAXED_SIMD === '0');
}

const moduleCache = new Map<string, WebAssembly.Module>();

export async function compileVariant(variant: Build): Promise<WebAssembly.Module> {
  await prepareEngine();
  const hit = moduleCache.get(variant);
  if (hit) return hit;
  const mod = await WebAssembly.compile((await wasmBytes(variant)) as Uint8Array<ArrayBuffer>);
  moduleCache.set(variant, mod);
  return mod;
}

export function imports(memory: WebAssembly.Memory): WebAssembly.Imports {
  return {
    env: {
      memory,
      abort(_msg: number, _file: number, line: number, col: number) {
        throw new Error(`wasm abort at ${line}:${col}`);
      },
      seed: () => {
        throw new Error('Math.random is not used in learndyn kernels');
      },
    },
  };
}

/** Instantiate a compiled module on a given memory (main thread or a worker). */
export function instantiate(mod: WebAssembly.Module, memory: WebAssembly.Memory): KernelExports {
  const inst = new WebAssembly.Instance(mod, imports(memory));
  const start = inst.exports._initialize;
  if (typeof start === 'function') start();
  // The interface is generated from the AS sources; test/wasm/boundary.test.ts checks it against the module.
  return inst.exports as unknown as KernelExports;
}

export async function loadWasm(opts: LoadOptions = {}): Promise<WasmRuntime> {
  const budget = opts.budgetBytes ?? DEFAULT_BUDGET_BYTES;
  let variant: Variant;
  const hasWasm = typeof WebAssembly !== 'undefined';
  if (opts.shared) variant = 'threads';
  else if (!opts.variant || opts.variant === 'auto') variant = !hasWasm ? 'ts' : (await simdSupported()) ? 'release' : 'scalar';
  else variant = opts.variant;
  if (variant === 'ts') return tsRuntime(budget);
  if (variant === 'threads' && !(await simdSupported())) throw new Error('threads build needs SIMD');
  const shared = variant === 'threads';
  const relaxedSimd = (variant === 'release' || variant === 'threads') && relaxedWanted(opts.relaxed) && (await relaxedSimdSupported());
  const mod = await compileVariant(relaxedSimd ? (shared ? 'threads-relaxed' : 'relaxed') : variant);
  const memory = shared
    ? new WebAssembly.Memory({ initial: 16, maximum: MAX_PAGES, shared: true })
    : new WebAssembly.Memory({ initial: 16, maximum: MAX_PAGES });
  const exports = instantiate(mod, memory);
  const base = exports.heap_base() >>> 0;
  const arena = new Arena(memory, base, budget);
  if (!isNode) warmUp(exports, arena);
  const simd = variant !== 'scalar' && exports.simd_enabled() === 1;
  return {
    variant,
    simd,
    relaxedSimd,
    shared,
    module: mod,
    memory,
    exports,
    arena,
    features: () => ({ variant, simd, threads: shared, noLiftoff: noLiftoffSet, relaxedSimd }),
  };
}

/** The pure-TS fallback runtime (feature detection found no WebAssembly, or asked for explicitly). Synchronous:
 *  synchronous solvers use it as their no-Wasm engine. */
export function tsRuntime(budget = DEFAULT_BUDGET_BYTES): WasmRuntime {
  const memory = new HostMemory(16) as unknown as WebAssembly.Memory;
  const exports = tsKernels(memory as unknown as HostMemory);
  const arena = new Arena(memory, exports.heap_base(), budget);
  return {
    variant: 'ts',
    simd: false,
    relaxedSimd: false,
    shared: false,
    module: undefined as unknown as WebAssembly.Module,
    memory,
    exports,
    arena,
    features: () => ({ variant: 'ts', simd: false, threads: false, noLiftoff: false, relaxedSimd: false }),
  };
}

/** Browsers keep Liftoff: a tiny first call lets the next, long call tier up (engineering.md §4). */
function warmUp(ex: KernelExports, arena: Arena): void {
  const mark = arena.mark();
  const p = arena.allocF64(8);
  for (let i = 0; i < 4; i++) ex.sum_f64(p, 8);
  arena.reset(mark);
}

let shared: Promise<WasmRuntime> | undefined;
/** The process-wide default runtime (SIMD if available). */
export function defaultRuntime(): Promise<WasmRuntime> {
  shared ??= loadWasm();
  return shared;
}
