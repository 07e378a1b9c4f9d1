// The RNG scheme of learndyn in plain TS (engineering.md §2, §7), bit-exact with assembly/rng.ts:
// xoshiro256++ / SplitMix64 streams, uniforms, polar-method normals, sphere and hypercube rows. Host
// numerics: production code seeds with it and draws initial weights from it (committee init), and it is
// also the twin of the Wasm generator (src/wasm/ts-kernels.ts, test/rng).
//  - `Xoshiro256ppBig` / `splitmix64`: BigInt, a direct transcription of the published algorithms
//    (the readable reference; slow).
//  - `RefStream`: the same generator on u32 pairs held in plain Numbers (fast; the no-Wasm
//    fallback). Both produce identical words; tests prove it, and prove Wasm == RefStream.
// Seeding scheme (RNG_SCHEME): state = first 4 SplitMix64 outputs from x = seed, then `stream`
// xoshiro256 jump()s (2^128 steps each). See assembly/rng.ts for the full definition.

export const RNG_SCHEME = 'learndyn-xoshiro256pp-splitmix64-jump/v1';

const M64 = (1n << 64n) - 1n;
const GOLDEN = 0x9e3779b97f4a7c15n;
export const JUMP = [0x180ec6d33cfd0aban, 0xd5a61266f0c9392cn, 0xa9582618e03fc9aan, 0x39abdc4529b1661cn];
export const LONG_JUMP = [0x76e15d3efefdcbbfn, 0xc5004e441c522fb3n, 0x77710069854ee241n, 0x39109bb02acbe635n];

/** A user seed as u64 BigInt. Numbers must be non-negative safe integers. */
export function toSeed(seed: number | bigint): bigint {
  if (typeof seed === 'number') {
    if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed must be a non-negative safe integer, got ${seed}`);
    return BigInt(seed);
  }
  if (seed < 0n || seed > M64) throw new RangeError(`seed must fit in u64, got ${seed}`);
  return seed;
}

/** The (lo, hi) u32 halves passed to the Wasm `rng_seed`. */
export function seedHalves(seed: number | bigint): [number, number] {
  const s = toSeed(seed);
  return [Number(s & 0xffffffffn), Number(s >> 32n)];
}

/** SplitMix64 (Steele, Lea, Flood 2014) started at x = seed; returns the output generator. */
export function splitmix64(seed: bigint): () => bigint {
  let x = seed & M64;
  return () => {
    x = (x + GOLDEN) & M64;
    let z = x;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M64;
    return z ^ (z >> 31n);
  };
}

const rotl = (x: bigint, k: bigint) => ((x << k) | (x >> (64n - k))) & M64;

/** xoshiro256++ (Blackman, Vigna 2019) in BigInt. */
export class Xoshiro256ppBig {
  readonly s: bigint[];
  constructor(state: readonly bigint[]) {
    if (state.length !== 4) throw new RangeError('xoshiro256 state is 4 words');
    this.s = state.map((w) => w & M64);
  }
  next(): bigint {
    const s = this.s;
    const r = (rotl((s[0] + s[3]) & M64, 23n) + s[0]) & M64;
    const t = (s[1] << 17n) & M64;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45n);
    return r;
  }
  /** Uniform in [0,1) from the top 53 bits. */
  nextUniform(): number {
    return Number(this.next() >> 11n) * 2 ** -53;
  }
  private jumpWith(poly: readonly bigint[]): void {
    const acc = [0n, 0n, 0n, 0n];
    for (const w of poly) {
      for (let b = 0n; b < 64n; b++) {
        if ((w >> b) & 1n) for (let i = 0; i < 4; i++) acc[i] ^= this.s[i];
        this.next();
      }
    }
    for (let i = 0; i < 4; i++) this.s[i] = acc[i];
  }
  jump(): void {
    this.jumpWith(JUMP);
  }
  longJump(): void {
    this.jumpWith(LONG_JUMP);
  }
}

/** The 4-word state for (seed, stream) under RNG_SCHEME. */
export function seedState(seed: number | bigint, stream = 0): bigint[] {
  if (!Number.isInteger(stream) || stream < 0 || stream > 0xffffffff) throw new RangeError(`bad stream ${stream}`);
  const sm = splitmix64(toSeed(seed));
  const g = new Xoshiro256ppBig([sm(), sm(), sm(), sm()]);
  for (let k = 0; k < stream; k++) g.jump();
  return g.s.slice();
}

// ---- log for positive normal doubles: operation-for-operation the same as assembly/rng.ts ----
const LN2_HI = 0.6931467056274414;
const LN2_LO = 4.7493250390316726e-7;
const SQRT2 = 1.4142135623730951;
const C1 = 0.6666666666666666;
const C2 = 0.4;
const C3 = 0.2857142857142857;
const C4 = 0.2222222222222222;
const C5 = 0.18181818181818182;
const C6 = 0.15384615384615385;
const C7 = 0.13333333333333333;
const C8 = 0.11764705882352941;
const C9 = 0.10526315789473684;
const C10 = 0.09523809523809523;
const fbuf = new Float64Array(1);
const ubuf = new Uint32Array(fbuf.buffer); // little-endian: [lo, hi]

/** log(x) for positive normal x, bit-identical to the Wasm `rng_log` (≤ 1 ulp from Math.log in tests). */
export function logPos(x: number): number {
  fbuf[0] = x;
  const hx = ubuf[1];
  let k = (hx >>> 20) - 1023;
  ubuf[1] = (hx & 0x000fffff) | 0x3ff00000;
  let m = fbuf[0];
  if (m > SQRT2) {
    m = m * 0.5;
    k = k + 1;
  }
  const f = m - 1.0;
  const hfsq = 0.5 * f * f;
  const s = f / (2.0 + f);
  const z = s * s;
  const R = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * (C6 + z * (C7 + z * (C8 + z * (C9 + z * C10)))))))));
  const dk = k;
  return dk * LN2_HI - (hfsq - (s * (hfsq + R) + dk * LN2_LO) - f);
}

/** Marsaglia polar normals from a uniform source, exactly as the Wasm fill (odd n drops the last
 *  second value of the final pair). */
export function polarNormals(uniform: () => number, out: Float64Array, n = out.length, offset = 0): void {
  let i = 0;
  while (i < n) {
    const u = uniform() * 2.0 - 1.0;
    const v = uniform() * 2.0 - 1.0;
    const s = u * u + v * v;
    if (s >= 1.0 || s === 0.0) continue;
    const f = Math.sqrt((-2.0 * logPos(s)) / s);
    out[offset + i] = u * f;
    if (i + 1 < n) out[offset + i + 1] = v * f;
    i += 2;
  }
}

/** Row scaling of sample_sphere_rows: each row of X (n x d) scaled to squared norm d. */
export function normalizeRowsToSphere(X: Float64Array, n: number, d: number): void {
  for (let i = 0; i < n; i++) {
    const o = i * d;
    let ss = 0;
    for (let j = 0; j < d; j++) ss += X[o + j] * X[o + j];
    if (ss === 0) {
      X[o] = Math.sqrt(d);
      continue;
    }
    const a = Math.sqrt(d / ss);
    for (let j = 0; j < d; j++) X[o + j] = X[o + j] * a;
  }
}

/** Fast xoshiro256++ on u32 pairs (plain Numbers): the reference twin of every Wasm rng kernel. */
export class RefStream {
  private s0h = 0;
  private s0l = 0;
  private s1h = 0;
  private s1l = 0;
  private s2h = 0;
  private s2l = 0;
  private s3h = 0;
  private s3l = 0;
  private hi = 0; // high/low words of the last output
  private lo = 0;

  constructor(state: readonly bigint[]) {
    this.setState(state);
  }
  static fromSeed(seed: number | bigint, stream = 0): RefStream {
    return new RefStream(seedState(seed, stream));
  }
  /** From the 32 bytes of a Wasm state (u32 words, little-endian). */
  static fromWords(w: ArrayLike<number>): RefStream {
    const st: bigint[] = [];
    for (let i = 0; i < 4; i++) st.push((BigInt(w[2 * i + 1] >>> 0) << 32n) | BigInt(w[2 * i] >>> 0));
    return new RefStream(st);
  }
  setState(st: readonly bigint[]): void {
    const h = (x: bigint) => Number((x >> 32n) & 0xffffffffn);
    const l = (x: bigint) => Number(x & 0xffffffffn);
    this.s0h = h(st[0]);
    this.s0l = l(st[0]);
    this.s1h = h(st[1]);
    this.s1l = l(st[1]);
    this.s2h = h(st[2]);
    this.s2l = l(st[2]);
    this.s3h = h(st[3]);
    this.s3l = l(st[3]);
  }
  state(): bigint[] {
    const w = (h: number, l: number) => (BigInt(h >>> 0) << 32n) | BigInt(l >>> 0);
    return [w(this.s0h, this.s0l), w(this.s1h, this.s1l), w(this.s2h, this.s2l), w(this.s3h, this.s3l)];
  }
  jump(): void {
    const g = new Xoshiro256ppBig(this.state());
    g.jump();
    this.setState(g.s);
  }

  /** Advance one step; the output is left in (this.hi, this.lo). */
  private step(): void {
    const s0h = this.s0h,
      s0l = this.s0l,
      s1h = this.s1h,
      s1l = this.s1l;
    let s2h = this.s2h,
      s2l = this.s2l,
      s3h = this.s3h,
      s3l = this.s3l;
    // r = rotl(s0 + s3, 23) + s0
    const al = (s0l + s3l) >>> 0;
    const ah = (s0h + s3h + (al < s0l ? 1 : 0)) >>> 0;
    const rh = ((ah << 23) | (al >>> 9)) >>> 0;
    const rl = ((al << 23) | (ah >>> 9)) >>> 0;
    const ol = (rl + s0l) >>> 0;
    this.lo = ol;
    this.hi = (rh + s0h + (ol < rl ? 1 : 0)) >>> 0;
    // t = s1 << 17
    const th = ((s1h << 17) | (s1l >>> 15)) >>> 0;
    const tl = (s1l << 17) >>> 0;
    s2h = (s2h ^ s0h) >>> 0;
    s2l = (s2l ^ s0l) >>> 0;
    s3h = (s3h ^ s1h) >>> 0;
    s3l = (s3l ^ s1l) >>> 0;
    this.s1h = (s1h ^ s2h) >>> 0;
    this.s1l = (s1l ^ s2l) >>> 0;
    this.s0h = (s0h ^ s3h) >>> 0;
    this.s0l = (s0l ^ s3l) >>> 0;
    this.s2h = (s2h ^ th) >>> 0;
    this.s2l = (s2l ^ tl) >>> 0;
    // s3 = rotl(s3, 45): swap halves, then rotl 13
    this.s3h = ((s3l << 13) | (s3h >>> 19)) >>> 0;
    this.s3l = ((s3h << 13) | (s3l >>> 19)) >>> 0;
  }

  nextU64(): bigint {
    this.step();
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }
  /** Uniform in [0,1) from the top 53 bits (exact: hi*2^21 + lo>>>11 < 2^53). */
  nextUniform(): number {
    this.step();
    return (this.hi * 2097152 + (this.lo >>> 11)) * 1.1102230246251565e-16;
  }
  fillU64(out: BigUint64Array, n = out.length): void {
    for (let i = 0; i < n; i++) out[i] = this.nextU64();
  }
  fillUniform(out: Float64Array, n = out.length): void {
    for (let i = 0; i < n; i++) out[i] = this.nextUniform();
  }
  /** Polar normals (same bits as polarNormals(() => this.nextUniform(), out, n)), with the
   *  generator inlined on local variables for speed. */
  fillNormal(out: Float64Array, n = out.length): void {
    let s0h = this.s0h,
      s0l = this.s0l,
      s1h = this.s1h,
      s1l = this.s1l;
    let s2h = this.s2h,
      s2l = this.s2l,
      s3h = this.s3h,
      s3l = this.s3l;
    let i = 0;
    let u = 0;
    let k = 0; // 0: drawing u, 1: drawing v
    while (i < n) {
      const al = (s0l + s3l) >>> 0;
      const ah = (s0h + s3h + (al < s0l ? 1 : 0)) >>> 0;
      const rh = ((ah << 23) | (al >>> 9)) >>> 0;
      const rl = ((al << 23) | (ah >>> 9)) >>> 0;
      const ol = (rl + s0l) >>> 0;
      const oh = (rh + s0h + (ol < rl ? 1 : 0)) >>> 0;
      const th = ((s1h << 17) | (s1l >>> 15)) >>> 0;
      const tl = (s1l << 17) >>> 0;
      s2h = (s2h ^ s0h) >>> 0;
      s2l = (s2l ^ s0l) >>> 0;
      s3h = (s3h ^ s1h) >>> 0;
      s3l = (s3l ^ s1l) >>> 0;
      s1h = (s1h ^ s2h) >>> 0;
      s1l = (s1l ^ s2l) >>> 0;
      s0h = (s0h ^ s3h) >>> 0;
      s0l = (s0l ^ s3l) >>> 0;
      s2h = (s2h ^ th) >>> 0;
      s2l = (s2l ^ tl) >>> 0;
      const nh = ((s3l << 13) | (s3h >>> 19)) >>> 0;
      s3l = ((s3h << 13) | (s3l >>> 19)) >>> 0;
      s3h = nh;
      const w = (oh * 2097152 + (ol >>> 11)) * 1.1102230246251565e-16 * 2.0 - 1.0;
      if (k === 0) {
        u = w;
        k = 1;
        continue;
      }
      k = 0;
      const v = w;
      const s = u * u + v * v;
      if (s >= 1.0 || s === 0.0) continue;
      const f = Math.sqrt((-2.0 * logPos(s)) / s);
      out[i] = u * f;
      if (i + 1 < n) out[i + 1] = v * f;
      i += 2;
    }
    this.s0h = s0h;
    this.s0l = s0l;
    this.s1h = s1h;
    this.s1l = s1l;
    this.s2h = s2h;
    this.s2l = s2l;
    this.s3h = s3h;
    this.s3l = s3l;
  }
  fillNormalScaled(out: Float64Array, n: number, sd: number): void {
    this.fillNormal(out, n);
    for (let i = 0; i < n; i++) out[i] = out[i] * sd;
  }
  sampleSphereRows(X: Float64Array, n: number, d: number): void {
    if (n <= 0 || d <= 0) return;
    this.fillNormal(X, n * d);
    normalizeRowsToSphere(X, n, d);
  }
  sampleHypercubeRows(X: Float64Array, n: number, d: number): void {
    if (n <= 0 || d <= 0) return;
    const total = n * d;
    for (let e = 0; e < total; e += 64) {
      this.step();
      const m = Math.min(64, total - e);
      for (let b = 0; b < m; b++) {
        const bit = b < 32 ? (this.lo >>> b) & 1 : (this.hi >>> (b - 32)) & 1;
        X[e + b] = bit ? 1 : -1;
      }
    }
  }
}
