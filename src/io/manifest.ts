// manifest.json (engineering.md §8): what was run, with which seed/RNG scheme/Wasm build, and the
// sha256 of every output file, as deterministic JSON.
// Determinism contract: for the same input, manifestJson() is byte-identical. Top-level keys come
// in MANIFEST_KEY_ORDER; keys of every nested object are sorted (code-unit order); `files` are sorted
// by name; typed arrays become plain arrays; BigInt -> decimal string; NaN/±Infinity -> "nan",
// "inf", "-inf"; undefined members are dropped. The ONLY non-deterministic fields are `timings`
// (wall times) and `createdAt` (ISO time, present only when the caller asks for it): compare runs
// with deterministicView(), which removes both.

export interface ManifestFile {
  name: string;
  /** Lower-case hex sha256 of the file bytes; null when no hash implementation is available. */
  sha256: string | null;
  bytes: number;
}

export interface WasmRecord {
  variant: string;
  simd: boolean;
  threads: boolean;
  noLiftoff: boolean;
  /** The relaxed-SIMD build ran (products fused where the CPU has FMA); absent in older manifests. */
  relaxedSimd?: boolean;
}

export interface ManifestInput {
  tool?: string;
  version: string;
  /** The command line (argv array or one string). */
  command: string | readonly string[];
  /** The resolved problem (all defaults filled in): enough to re-run. */
  problem: unknown;
  /** User seed (u64). Stored as a JSON number when a safe integer, else as a decimal string. */
  seed: number | bigint | null;
  rngScheme: string;
  wasm: WasmRecord;
  status: string;
  stats?: Record<string, unknown>;
  /** Per array: its definition, unit and shape (the output vocabulary, src/core/vocabulary.ts). */
  arrays?: Record<string, { definition: string; unit: string; shape: number[] }>;
  files?: readonly ManifestFile[];
  /** Wall times etc. (non-deterministic). */
  timings?: Record<string, number>;
  /** Creation time: a Date/ISO string, or `true` for now (non-deterministic). Omitted by default. */
  createdAt?: string | Date | true;
}

export const MANIFEST_KEY_ORDER = [
  'tool',
  'version',
  'command',
  'status',
  'seed',
  'rngScheme',
  'wasm',
  'problem',
  'stats',
  'arrays',
  'files',
  'timings',
  'createdAt',
] as const;

export const NONDETERMINISTIC_KEYS = ['timings', 'createdAt'] as const;

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Manifest = { [K in (typeof MANIFEST_KEY_ORDER)[number]]?: Json };

/** Canonical JSON value: sorted object keys, plain arrays, no non-finite numbers or BigInts. */
export function canonical(v: unknown): Json | undefined {
  if (v === null) return null;
  switch (typeof v) {
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'boolean':
    case 'string':
      return v;
    case 'bigint':
      return v.toString();
    case 'number':
      if (Number.isNaN(v)) return 'nan';
      if (v === Infinity) return 'inf';
      if (v === -Infinity) return '-inf';
      return Object.is(v, -0) ? 0 : v;
  }
  if (v instanceof Date) return v.toISOString();
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    return Array.from(v as unknown as ArrayLike<number | bigint>, (x) => canonical(x) as Json);
  }
  if (Array.isArray(v)) return v.map((x) => canonical(x) ?? null);
  if (v instanceof Map) return canonical(Object.fromEntries(v));
  const o = v as Record<string, unknown>;
  if (typeof o.toJSON === 'function') return canonical(o.toJSON());
  const out: { [k: string]: Json } = {};
  for (const k of Object.keys(o).sort()) {
    const c = canonical(o[k]);
    if (c !== undefined) out[k] = c;
  }
  return out;
}

export function buildManifest(input: ManifestInput): Manifest {
  const seed =
    input.seed === null || input.seed === undefined
      ? null
      : typeof input.seed === 'bigint'
        ? input.seed <= BigInt(Number.MAX_SAFE_INTEGER)
          ? Number(input.seed)
          : input.seed.toString()
        : input.seed;
  const files = input.files
    ? [...input.files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((f) => ({ name: f.name, sha256: f.sha256, bytes: f.bytes }))
    : undefined;
  const createdAt = input.createdAt === true ? new Date().toISOString() : input.createdAt;
  const raw: Record<string, unknown> = {
    tool: input.tool ?? 'learndyn',
    version: input.version,
    command: typeof input.command === 'string' ? input.command : [...input.command],
    status: input.status,
    seed,
    rngScheme: input.rngScheme,
    wasm: input.wasm,
    problem: input.problem,
    stats: input.stats,
    arrays: input.arrays,
    files,
    timings: input.timings,
    createdAt: createdAt instanceof Date ? createdAt.toISOString() : createdAt,
  };
  const m: Manifest = {};
  for (const k of MANIFEST_KEY_ORDER) {
    const c = canonical(raw[k]);
    if (c !== undefined) m[k] = c;
  }
  return m;
}

/** The manifest without its non-deterministic fields (timings, createdAt). */
export function deterministicView(m: Manifest): Manifest {
  const out: Manifest = { ...m };
  for (const k of NONDETERMINISTIC_KEYS) delete out[k];
  return out;
}

/** Deterministic JSON text: 2-space indent, trailing newline. */
export function manifestJson(m: Manifest): string {
  return JSON.stringify(m, null, 2) + '\n';
}

export function encodeManifest(m: Manifest): Uint8Array {
  return new TextEncoder().encode(manifestJson(m));
}

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

// node:crypto, imported once (lazily: browsers never load it). A dynamic import per call goes through
// the ESM loader every time — with a loader hook (tsx) a round trip to its thread — for every file.
let nodeCrypto: Promise<typeof import('node:crypto')> | undefined;

/** Lower-case hex sha256: node:crypto in Node, SubtleCrypto in browsers, null if neither exists. */
export async function sha256Hex(bytes: Uint8Array): Promise<string | null> {
  if (isNode) {
    nodeCrypto ??= import('node:crypto');
    const { createHash } = await nodeCrypto;
    return createHash('sha256').update(bytes).digest('hex');
  }
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return null;
  const d = new Uint8Array(await subtle.digest('SHA-256', bytes as BufferSource));
  return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A `files` entry for output bytes. */
export async function fileEntry(name: string, bytes: Uint8Array): Promise<ManifestFile> {
  return { name, sha256: await sha256Hex(bytes), bytes: bytes.length };
}
