// Host helpers over the Wasm rng kernels (assembly/rng.ts). Thin: allocate in the runtime's arena,
// call the kernel, return pointers. Views are built fresh by the caller (rt.arena.f64(ptr, len)).
// Seeding scheme: RNG_SCHEME (src/numerics/rng.ts): state(seed, stream) = 4 SplitMix64(seed) outputs,
// then `stream` xoshiro256 jump()s. One stream per replicate/purpose; streams never overlap.
import type { WasmRuntime } from '../wasm/runtime.js';
import { RNG_SCHEME, seedHalves, toSeed } from '../numerics/rng.js';

export { RNG_SCHEME, RefStream, seedState, toSeed, seedHalves } from '../numerics/rng.js';

/** Bytes of one xoshiro256++ state. */
export const STATE_BYTES = 32;

/** Pointer of stream i inside a block returned by createStreams. */
export function streamPtr(base: number, i: number): number {
  return base + i * STATE_BYTES;
}

/** Allocate and seed `count` consecutive streams first..first+count-1 of `seed`; returns the
 *  pointer to count*32 bytes of state (stream i at base + 32 i). */
export function createStreams(rt: WasmRuntime, seed: number | bigint, count: number, first = 0): number {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`bad stream count ${count}`);
  if (!Number.isInteger(first) || first < 0 || first + count > 0xffffffff) throw new RangeError(`bad first stream ${first}`);
  const [lo, hi] = seedHalves(seed);
  const ptr = rt.arena.alloc(Math.max(count, 1) * STATE_BYTES, 64);
  rt.exports.rng_seed_streams(ptr, lo, hi, first, count);
  return ptr;
}

/** Re-seed one existing state in place. */
export function seedStream(rt: WasmRuntime, statePtr: number, seed: number | bigint, stream = 0): void {
  const [lo, hi] = seedHalves(seed);
  rt.exports.rng_seed(statePtr, lo, hi, stream);
}

/** The 4 state words at statePtr. */
export function readState(rt: WasmRuntime, statePtr: number): bigint[] {
  return Array.from(rt.arena.u64(statePtr, 4));
}

function allocRows(rt: WasmRuntime, n: number, d: number): number {
  if (!Number.isInteger(n) || !Number.isInteger(d) || n < 0 || d < 0) throw new RangeError(`bad shape ${n}x${d}`);
  return rt.arena.allocF64(n * d);
}

/** n x d rows uniform on S^{d-1}(√d) (kernel.md K1); returns the pointer to the row-major block. */
export function sampleSphere(rt: WasmRuntime, statePtr: number, n: number, d: number): number {
  const X = allocRows(rt, n, d);
  rt.exports.sample_sphere_rows(statePtr, X, n, d);
  return X;
}

/** n x d rows with i.i.d. ±1 entries (kernel.md §10). */
export function sampleHypercube(rt: WasmRuntime, statePtr: number, n: number, d: number): number {
  const X = allocRows(rt, n, d);
  rt.exports.sample_hypercube_rows(statePtr, X, n, d);
  return X;
}

/** n draws sd·N(0,1) (label noise, K2); returns a pointer. */
export function sampleNoise(rt: WasmRuntime, statePtr: number, n: number, sd: number): number {
  const p = allocRows(rt, n, 1);
  rt.exports.fill_normal_scaled(statePtr, p, n, sd);
  return p;
}

/** Convenience (copies out): n standard normals. */
export function normals(rt: WasmRuntime, statePtr: number, n: number): Float64Array {
  const mark = rt.arena.mark();
  const p = rt.arena.allocF64(n);
  rt.exports.rng_fill_normal(statePtr, p, n);
  const out = rt.arena.copyOut(p, n);
  rt.arena.reset(mark);
  return out;
}

/** Convenience (copies out): n uniforms in [0,1). */
export function uniforms(rt: WasmRuntime, statePtr: number, n: number): Float64Array {
  const mark = rt.arena.mark();
  const p = rt.arena.allocF64(n);
  rt.exports.rng_fill_uniform(statePtr, p, n);
  const out = rt.arena.copyOut(p, n);
  rt.arena.reset(mark);
  return out;
}

/** The manifest record of the RNG (engineering.md §2). */
export function rngRecord(seed: number | bigint): { scheme: string; seed: string; generator: string; normals: string } {
  return {
    scheme: RNG_SCHEME,
    seed: toSeed(seed).toString(),
    generator: 'xoshiro256++; state = SplitMix64(seed) x4, stream k = k jump()s (2^128 each)',
    normals: 'Marsaglia polar method, own log (bit-identical Wasm SIMD/scalar/TS)',
  };
}
