// learndyn PRNG kernels: xoshiro256++ streams seeded by SplitMix64, uniform/normal fills, sphere
// and hypercube rows (kernel.md K1, §10), scaled label noise (K2). engineering.md §2.
//
// STATE: 4 x u64 (32 bytes, little-endian words s0..s3) at a host pointer, one per stream.
//
// SEEDING SCHEME "learndyn-xoshiro256pp-splitmix64-jump/v1" (bit-exact twin: src/numerics/rng.ts):
//   seed   = u64 (passed as two u32 halves seed_lo, seed_hi so plain JS numbers work)
//   s0..s3 = the first four outputs of SplitMix64 started at x = seed
//            (x += 0x9E3779B97F4A7C15; z = x; z = (z^(z>>30))*0xBF58476D1CE4E5B9;
//             z = (z^(z>>27))*0x94D049BB133111EB; out = z^(z>>31))
//   stream k: then apply xoshiro256 jump() k times (each jump = 2^128 steps), so streams
//            0,1,2,... of one seed are non-overlapping blocks of 2^128 draws of one sequence.
//   Cost: O(k) jumps of ~256 steps each (~1 us); rng_seed_streams seeds a run of consecutive
//   streams incrementally.
//
// DRAWS:
//   uniform f64 u = (next() >>> 11) * 2^-53  in [0, 1).
//   normals: Marsaglia polar method (Box-Muller without sin/cos): u = 2U1-1, v = 2U2-1,
//     s = u*u + v*v, reject s >= 1 or s == 0, f = sqrt((-2*log(s))/s), emit u*f, v*f (both used).
//     log is OUR log_pos below (only +,-,*,/, exact bit manipulation; no FMA exists in Wasm
//     MVP/SIMD), written operation-for-operation the same in the TS twin, so normals are
//     bit-identical across the SIMD build, the scalar build and TypeScript. A fill of odd length n
//     draws ceil(n/2) pairs and drops the last second value (no spare is cached: state stays 32 B).
//   No SIMD is used where it could change bits (only element-wise scaling uses f64x2).

const GOLDEN: u64 = 0x9E3779B97F4A7C15;

// ---- log for positive normal doubles, bit-identical to src/numerics/rng.ts logPos ----
// x = 2^k m, m in (sqrt2/2, sqrt2]; f = m-1 (exact); s = f/(2+f); log(1+f) = f - hfsq + s*(hfsq+R),
// R = sum_{j=1..10} 2 z^j/(2j+1), z = s^2 (Taylor series of 2 atanh(s); |s| <= 0.1716 so the
// truncation error is < 1e-18 relative). k*LN2_HI is exact (LN2_HI has 21 significant bits).
const LN2_HI: f64 = 0.6931467056274414;
const LN2_LO: f64 = 4.7493250390316726e-7;
const SQRT2: f64 = 1.4142135623730951;
const C1: f64 = 0.6666666666666666;
const C2: f64 = 0.4;
const C3: f64 = 0.2857142857142857;
const C4: f64 = 0.2222222222222222;
const C5: f64 = 0.18181818181818182;
const C6: f64 = 0.15384615384615385;
const C7: f64 = 0.13333333333333333;
const C8: f64 = 0.11764705882352941;
const C9: f64 = 0.10526315789473684;
const C10: f64 = 0.09523809523809523;

// @ts-ignore: decorator
@inline
function log_pos(x: f64): f64 {
  const bits = reinterpret<u64>(x);
  let k = <i32>(bits >> 52) - 1023;
  let m = reinterpret<f64>((bits & 0x000FFFFFFFFFFFFF) | 0x3FF0000000000000);
  if (m > SQRT2) {
    m = m * 0.5;
    k = k + 1;
  }
  const f = m - 1.0;
  const hfsq = 0.5 * f * f;
  const s = f / (2.0 + f);
  const z = s * s;
  const R = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * (C6 + z * (C7 + z * (C8 + z * (C9 + z * C10)))))))));
  const dk = <f64>k;
  return dk * LN2_HI - ((hfsq - (s * (hfsq + R) + dk * LN2_LO)) - f);
}

/** Our log, exported for the bit-exactness/accuracy tests. Domain: positive normal doubles. */
export function rng_log(x: f64): f64 {
  return log_pos(x);
}

// ---- xoshiro256++ core on a state pointer ----
// Hot loops below keep the four words in locals (macro-style copies of this step).

// @ts-ignore: decorator
@inline
function splitmix_out(x: u64): u64 {
  let z = x;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
  return z ^ (z >> 31);
}

/** One xoshiro256++ step on the state at `state`; returns the output. */
export function rng_next_u64(state: usize): u64 {
  let s0 = load<u64>(state), s1 = load<u64>(state, 8), s2 = load<u64>(state, 16), s3 = load<u64>(state, 24);
  const r = rotl<u64>(s0 + s3, 23) + s0;
  const t = s1 << 17;
  s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl<u64>(s3, 45);
  store<u64>(state, s0); store<u64>(state, s1, 8); store<u64>(state, s2, 16); store<u64>(state, s3, 24);
  return r;
}

function jump_poly(state: usize, j0: u64, j1: u64, j2: u64, j3: u64): void {
  let a0: u64 = 0, a1: u64 = 0, a2: u64 = 0, a3: u64 = 0;
  let s0 = load<u64>(state), s1 = load<u64>(state, 8), s2 = load<u64>(state, 16), s3 = load<u64>(state, 24);
  for (let w = 0; w < 4; w++) {
    const jw = w == 0 ? j0 : w == 1 ? j1 : w == 2 ? j2 : j3;
    for (let b = 0; b < 64; b++) {
      if ((jw >> <u64>b) & 1) { a0 ^= s0; a1 ^= s1; a2 ^= s2; a3 ^= s3; }
      const t = s1 << 17;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl<u64>(s3, 45);
    }
  }
  store<u64>(state, a0); store<u64>(state, a1, 8); store<u64>(state, a2, 16); store<u64>(state, a3, 24);
}

/** Advance the stream by 2^128 steps (xoshiro256 JUMP polynomial). */
export function rng_jump(state: usize): void {
  jump_poly(state, 0x180EC6D33CFD0ABA, 0xD5A61266F0C9392C, 0xA9582618E03FC9AA, 0x39ABDC4529B1661C);
}

/** Advance the stream by 2^192 steps (xoshiro256 LONG_JUMP polynomial). */
export function rng_long_jump(state: usize): void {
  jump_poly(state, 0x76E15D3EFEFDCBBF, 0xC5004E441C522FB3, 0x77710069854EE241, 0x39109BB02ACBE635);
}

/** Seed one 32-byte state for (seed = seed_hi*2^32 + seed_lo, stream); scheme in the file header. */
export function rng_seed(state: usize, seed_lo: u32, seed_hi: u32, stream: u32): void {
  let x: u64 = (<u64>seed_hi << 32) | <u64>seed_lo;
  x += GOLDEN; store<u64>(state, splitmix_out(x));
  x += GOLDEN; store<u64>(state, splitmix_out(x), 8);
  x += GOLDEN; store<u64>(state, splitmix_out(x), 16);
  x += GOLDEN; store<u64>(state, splitmix_out(x), 24);
  for (let k: u32 = 0; k < stream; k++) rng_jump(state);
}

/** Seed `count` consecutive states (32 B apart) for streams first, first+1, ... of one seed;
 *  identical to calling rng_seed for each, but O(first + count) jumps in total. */
export function rng_seed_streams(states: usize, seed_lo: u32, seed_hi: u32, first: u32, count: i32): void {
  if (count <= 0) return;
  rng_seed(states, seed_lo, seed_hi, first);
  for (let i = 1; i < count; i++) {
    const p = states + (<usize>i << 5);
    const q = p - 32;
    store<u64>(p, load<u64>(q)); store<u64>(p, load<u64>(q, 8), 8);
    store<u64>(p, load<u64>(q, 16), 16); store<u64>(p, load<u64>(q, 24), 24);
    rng_jump(p);
  }
}

/** out[0..n) = raw u64 outputs. */
export function rng_fill_u64(state: usize, out: usize, n: i32): void {
  let s0 = load<u64>(state), s1 = load<u64>(state, 8), s2 = load<u64>(state, 16), s3 = load<u64>(state, 24);
  for (let i = 0; i < n; i++) {
    const r = rotl<u64>(s0 + s3, 23) + s0;
    const t = s1 << 17;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl<u64>(s3, 45);
    store<u64>(out + (<usize>i << 3), r);
  }
  store<u64>(state, s0); store<u64>(state, s1, 8); store<u64>(state, s2, 16); store<u64>(state, s3, 24);
}

/** out[0..n) = uniform f64 in [0,1) from the top 53 bits: (x >>> 11) * 2^-53. */
export function rng_fill_uniform(state: usize, out: usize, n: i32): void {
  let s0 = load<u64>(state), s1 = load<u64>(state, 8), s2 = load<u64>(state, 16), s3 = load<u64>(state, 24);
  for (let i = 0; i < n; i++) {
    const r = rotl<u64>(s0 + s3, 23) + s0;
    const t = s1 << 17;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl<u64>(s3, 45);
    store<f64>(out + (<usize>i << 3), <f64>(r >> 11) * 1.1102230246251565e-16);
  }
  store<u64>(state, s0); store<u64>(state, s1, 8); store<u64>(state, s2, 16); store<u64>(state, s3, 24);
}

// Normal fill over a usize count (sphere rows need n*d > 2^31 in principle).
function fill_normal_n(state: usize, out: usize, n: usize): void {
  let s0 = load<u64>(state), s1 = load<u64>(state, 8), s2 = load<u64>(state, 16), s3 = load<u64>(state, 24);
  let i: usize = 0;
  while (i < n) {
    // u
    let r = rotl<u64>(s0 + s3, 23) + s0;
    let t = s1 << 17;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl<u64>(s3, 45);
    const u = <f64>(r >> 11) * 1.1102230246251565e-16 * 2.0 - 1.0;
    // v
    r = rotl<u64>(s0 + s3, 23) + s0;
    t = s1 << 17;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl<u64>(s3, 45);
    const v = <f64>(r >> 11) * 1.1102230246251565e-16 * 2.0 - 1.0;
    const s = u * u + v * v;
    if (s >= 1.0 || s == 0.0) continue;
    const f = Math.sqrt((-2.0 * log_pos(s)) / s);
    store<f64>(out + (i << 3), u * f);
    if (i + 1 < n) store<f64>(out + (i << 3), v * f, 8);
    i += 2;
  }
  store<u64>(state, s0); store<u64>(state, s1, 8); store<u64>(state, s2, 16); store<u64>(state, s3, 24);
}

/** out[0..n) = standard normals (polar method, see header). */
export function rng_fill_normal(state: usize, out: usize, n: i32): void {
  if (n <= 0) return;
  fill_normal_n(state, out, <usize>n);
}

// x[0..n) *= a, element-wise (bit-identical with or without SIMD).
function scale_inplace(x: usize, n: usize, a: f64): void {
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const va = f64x2.splat(a);
    for (; i + 1 < n; i += 2) {
      const p = x + (i << 3);
      v128.store(p, f64x2.mul(v128.load(p), va));
    }
  }
  for (; i < n; i++) {
    const p = x + (i << 3);
    store<f64>(p, load<f64>(p) * a);
  }
}

/** out[0..n) = sd * (standard normals, exactly as rng_fill_normal draws them). Label noise (K2). */
export function fill_normal_scaled(state: usize, out: usize, n: i32, sd: f64): void {
  if (n <= 0) return;
  fill_normal_n(state, out, <usize>n);
  scale_inplace(out, <usize>n, sd);
}

/** X (n x d, row-major) = rows uniform on S^{d-1}(sqrt d) (kernel.md K1): X is first filled with
 *  n*d normals exactly as rng_fill_normal(state, X, n*d); then each row is scaled by
 *  sqrt(d / ss), ss = sum of its squares accumulated sequentially (j = 0..d-1), so ||x||^2 = d to
 *  rounding. (A row with ss == 0, probability ~2^-53 d, becomes sqrt(d) e_0.) */
export function sample_sphere_rows(state: usize, X: usize, n: i32, d: i32): void {
  if (n <= 0 || d <= 0) return;
  const dd = <usize>d;
  fill_normal_n(state, X, <usize>n * dd);
  const fd = <f64>d;
  for (let i: usize = 0; i < <usize>n; i++) {
    const row = X + ((i * dd) << 3);
    let ss: f64 = 0;
    for (let j: usize = 0; j < dd; j++) {
      const g = load<f64>(row + (j << 3));
      ss += g * g;
    }
    if (ss == 0.0) {
      store<f64>(row, Math.sqrt(fd));
      continue;
    }
    scale_inplace(row, dd, Math.sqrt(fd / ss));
  }
}

/** X (n x d, row-major) = i.i.d. +-1 entries (kernel.md §10). Entry e (row-major index) takes bit
 *  (e & 63) of the (e >> 6)-th u64 drawn in this call: bit 1 -> +1, bit 0 -> -1. Consumes
 *  ceil(n*d/64) draws; unused bits of the last one are dropped. */
export function sample_hypercube_rows(state: usize, X: usize, n: i32, d: i32): void {
  if (n <= 0 || d <= 0) return;
  const total = <usize>n * <usize>d;
  let s0 = load<u64>(state), s1 = load<u64>(state, 8), s2 = load<u64>(state, 16), s3 = load<u64>(state, 24);
  let e: usize = 0;
  while (e < total) {
    const r = rotl<u64>(s0 + s3, 23) + s0;
    const t = s1 << 17;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl<u64>(s3, 45);
    const m = total - e < 64 ? total - e : 64;
    for (let b: usize = 0; b < m; b++) {
      store<f64>(X + ((e + b) << 3), ((r >> <u64>b) & 1) != 0 ? 1.0 : -1.0);
    }
    e += m;
  }
  store<u64>(state, s0); store<u64>(state, s1, 8); store<u64>(state, s2, 16); store<u64>(state, s3, 24);
}
