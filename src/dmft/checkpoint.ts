// Checkpoints of the DMFT solvers (issue 11 item 4, dmft.md §10.4): the full solver state at the head of a
// row, enough to continue bit-identically. Browser-safe (no Node imports); the CLI writes the bytes of
// encodeState() into DIR/partial/ atomically (src/io/checkpoint-file.ts).
import { ParameterError } from '../core/validate.js';
//
// The interface every DMFT solver plugs into (uniform grid: src/dmft/symm.ts + the Richardson wrapper in
// src/dmft/solve.ts; adaptive grid: src/dmft/grid.ts; θ grid: src/dmft/theta-grid.ts + its two runs in
// src/dmft/solve.ts, its state packed field by field with packState; a new solver adds its own `solver` name):
//  - A checkpoint is a PLAIN OBJECT: `kind`, `version`, `solver`, the problem key (JSON of the validated
//    problem; a resume with another one is refused), `rows` (rows 0..rows−1 are final) and `t` (the time of
//    the last final row), and `state`: the solver's own plain object of Float64Arrays, numbers, strings,
//    booleans, nulls, arrays and nested plain objects — nothing else (no class instances, no closures), so
//    that encodeState/decodeState round-trip it exactly (every f64 bit, NaN payloads aside).
//  - The solver takes it (`resumeFrom`) and refuses a wrong `kind`, `version`, `solver` or problem key with
//    a one-line Error; it continues from `rows` and its outputs are byte-identical to an uninterrupted run.
//  - The solver hands checkpoints out through `onCheckpoint` when asked (every `checkpointEveryMs`, between
//    rows, never mid-row) and attaches one to a Solution ended 'Terminated' by its signal (or paused).
//  - `version` changes when a solver's `state` layout changes; an old file is then refused, not misread.

/** A value of a checkpoint's state: scalars, f64 arrays and plain containers of them. */
export type StateValue = number | string | boolean | null | Float64Array | StateValue[] | { [k: string]: StateValue };

export const DMFT_CHECKPOINT_KIND = 'learndyn/dmft-checkpoint';
export const DMFT_CHECKPOINT_VERSION = 1;

export interface DmftCheckpoint<S extends { [k: string]: StateValue } = { [k: string]: StateValue }> {
  kind: typeof DMFT_CHECKPOINT_KIND;
  version: typeof DMFT_CHECKPOINT_VERSION;
  /** Which solver wrote it: 'uniform' (src/dmft/symm.ts via solve.ts), 'adaptive' (src/dmft/grid.ts), … */
  solver: string;
  /** JSON of the validated problem. */
  problem: string;
  /** Rows 0..rows−1 are final. */
  rows: number;
  /** Time of row rows−1 (NaN before the first row). */
  t: number;
  state: S;
}

/** Check that `cp` is a checkpoint of `solver` for the problem `problemKey`; throws a one-line
 *  ParameterError (parameter 'resume') otherwise. */
export function checkCheckpoint(cp: DmftCheckpoint, solver: string, problemKey: string): void {
  const bad = (what: string) =>
    new ParameterError('resume', `${cp?.solver ?? '?'} checkpoint`, `a checkpoint of the ${solver} solver for this problem (${what})`);
  if (!cp || cp.kind !== DMFT_CHECKPOINT_KIND || cp.version !== DMFT_CHECKPOINT_VERSION)
    throw bad(`not a DMFT checkpoint of version ${DMFT_CHECKPOINT_VERSION}`);
  if (cp.solver !== solver) throw bad(`it was written by the ${cp.solver} solver`);
  if (cp.problem !== problemKey) throw bad('it was written for a different problem');
}

// ---- byte encoding (any plain object of StateValues; used for DMFT checkpoints and by the CLI)
//
// Layout: "LDSTATE1" (8 bytes), header length H (u32 LE), 4 bytes 0, the header (UTF-8 JSON, space-padded
// to a multiple of 8), then the raw little-endian bytes of every Float64Array in header order. In the header
// a Float64Array is {"$f64": [offset, length]} (offset in f64 entries from the start of the data) and a
// non-finite number {"$num": "NaN" | "Infinity" | "-Infinity"}.

const MAGIC = 'LDSTATE1';
const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

/** Encode as a list of chunks (the arrays are views, not copies: write them out before changing them). */
export function encodeState(value: unknown): Uint8Array[] {
  const arrays: Float64Array[] = [];
  let offset = 0;
  const header = JSON.stringify(value, function (this: unknown, key: string, v: unknown) {
    // JSON.stringify hands typed arrays to the replacer as themselves (toJSON does not exist on them).
    const raw = (this as Record<string, unknown>)[key];
    if (raw instanceof Float64Array) {
      arrays.push(raw);
      const ref = { $f64: [offset, raw.length] };
      offset += raw.length;
      return ref;
    }
    if (typeof v === 'number' && !Number.isFinite(v)) return { $num: String(v) };
    if (ArrayBuffer.isView(raw)) throw new Error(`encodeState: only Float64Array is supported (${key})`);
    return v;
  });
  let hb = new TextEncoder().encode(header);
  const pad = (8 - (hb.length % 8)) % 8;
  if (pad) {
    const p = new Uint8Array(hb.length + pad).fill(0x20);
    p.set(hb);
    hb = p;
  }
  const head = new Uint8Array(16);
  head.set(new TextEncoder().encode(MAGIC));
  new DataView(head.buffer).setUint32(8, hb.length, true);
  return [
    head,
    hb,
    ...arrays.map((a) => {
      const b = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
      if (LITTLE_ENDIAN) return b;
      const c = new Uint8Array(b.length); // big-endian host: store little-endian
      const dv = new DataView(c.buffer);
      for (let i = 0; i < a.length; i++) dv.setFloat64(8 * i, a[i], true);
      return c;
    }),
  ];
}

/** Decode bytes written by encodeState (the arrays are fresh copies). Throws one line on a bad file. */
export function decodeState(bytes: Uint8Array): unknown {
  if (bytes.length < 16 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) throw new Error('not a learndyn state file (bad magic)');
  const H = new DataView(bytes.buffer, bytes.byteOffset, 16).getUint32(8, true);
  if (16 + H > bytes.length) throw new Error('truncated learndyn state file (header)');
  const data = bytes.subarray(16 + H);
  return JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + H)), (_k, v) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      if (Array.isArray(v.$f64)) {
        const [off, len] = v.$f64 as [number, number];
        if (8 * (off + len) > data.length) throw new Error('truncated learndyn state file (data)');
        const out = new Float64Array(len);
        const src = data.subarray(8 * off, 8 * (off + len));
        if (LITTLE_ENDIAN) new Uint8Array(out.buffer).set(src);
        else {
          const dv = new DataView(src.buffer, src.byteOffset, src.byteLength);
          for (let i = 0; i < len; i++) out[i] = dv.getFloat64(8 * i, true);
        }
        return out;
      }
      if (typeof v.$num === 'string') return Number(v.$num);
    }
    return v;
  });
}

/** Total bytes of encoded chunks. */
export function stateBytes(chunks: readonly Uint8Array[]): number {
  return chunks.reduce((s, c) => s + c.length, 0);
}

// ---- generic packing of a solver's own state into StateValues (used by the θ grid, whose ThetaState is
// extended by its kernels: every own field is carried, so a field added later is not silently dropped)

/** Tagged forms: {$typed: ctor, data} for a typed array other than Float64Array (the element values are
 *  exact in f64 for every 8/16/32-bit integer and f32 type), {$nums: data} for an array of plain numbers
 *  (−0 and NaN survive, which JSON numbers would not). */
const TYPED: Record<string, new (a: ArrayLike<number>) => ArrayLike<number>> = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
};

/** A plain value (numbers, strings, booleans, null, typed arrays, arrays, plain objects; undefined fields
 *  are left out) as a StateValue; anything else (BigInt arrays, class instances, functions) throws. */
export function packState(v: unknown, path = 'state'): StateValue {
  if (v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Float64Array) return v;
  if (ArrayBuffer.isView(v)) {
    const name = v.constructor.name;
    if (!(name in TYPED)) throw new Error(`packState: ${path} is a ${name} (not supported)`);
    return { $typed: name, data: Float64Array.from(v as unknown as ArrayLike<number>) };
  }
  if (Array.isArray(v)) {
    if (v.length > 0 && v.every((x) => typeof x === 'number')) return { $nums: Float64Array.from(v as number[]) };
    return v.map((x, i) => packState(x, `${path}[${i}]`));
  }
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const out: { [k: string]: StateValue } = {};
    for (const [k, x] of Object.entries(v)) {
      if (k.startsWith('$')) throw new Error(`packState: ${path}.${k}: keys starting with $ are reserved`);
      if (x !== undefined) out[k] = packState(x, `${path}.${k}`);
    }
    return out;
  }
  throw new Error(`packState: ${path} is not a plain value (${typeof v})`);
}

/** The inverse of packState (fresh typed arrays of the original types; number arrays as number[]). */
export function unpackState(v: StateValue): unknown {
  if (v === null || typeof v !== 'object' || v instanceof Float64Array) return v;
  if (Array.isArray(v)) return v.map(unpackState);
  if (typeof v.$typed === 'string' && v.data instanceof Float64Array) {
    const C = TYPED[v.$typed];
    if (!C) throw new Error(`unpackState: unknown array type ${v.$typed}`);
    return new C(v.data);
  }
  if (v.$nums instanceof Float64Array) return Array.from(v.$nums);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = unpackState(x);
  return out;
}
