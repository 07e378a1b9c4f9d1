import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadWasm, type WasmRuntime } from '../../src/wasm/runtime.js';
import { RefStream, Xoshiro256ppBig, logPos, polarNormals, seedHalves, seedState, splitmix64 } from '../../src/numerics/rng.js';
import { createStreams, readState, sampleHypercube, sampleSphere, streamPtr } from '../../src/rng/index.js';

// Known answers computed independently by test/rng/fixtures/gen_kat.py (Python big ints, from the
// published SplitMix64 / xoshiro256++ definitions; the jump polynomials are checked there against
// T^(2^128), T^(2^192) of the GF(2) transition matrix).
interface Kat {
  splitmix64: Record<string, string[]>;
  xoshiro256pp: { state_1_2_3_4: string[] };
  jumpPolynomialsVerified: boolean;
  streams: Record<string, { state: string[]; out: string[] }>;
  longJump_seed1: string[];
}
const kat: Kat = JSON.parse(readFileSync(new URL('./fixtures/kat.json', import.meta.url), 'utf8'));
const hex = (xs: readonly bigint[]) => xs.map((x) => '0x' + x.toString(16));

function sameBits(a: ArrayLike<number>, b: ArrayLike<number>): number {
  // number of positions whose f64 bits differ (Object.is distinguishes -0 and NaNs equal)
  let bad = 0;
  if (a.length !== b.length) return Math.max(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) bad++;
  return bad;
}

describe('known-answer values (reference algorithm definitions)', () => {
  it('the fixture verified the jump polynomials', () => {
    expect(kat.jumpPolynomialsVerified).toBe(true);
  });
  it('SplitMix64 first 8 outputs (seed 0 starts 0xe220a8397b1dcdaf)', () => {
    expect(kat.splitmix64['0'][0]).toBe('0xe220a8397b1dcdaf');
    for (const [seed, want] of Object.entries(kat.splitmix64)) {
      const sm = splitmix64(BigInt(seed));
      expect(hex(Array.from({ length: 8 }, sm))).toEqual(want);
    }
  });
  it('xoshiro256++ from state (1,2,3,4), BigInt and u32-pair twins', () => {
    const g = new Xoshiro256ppBig([1n, 2n, 3n, 4n]);
    expect(hex(Array.from({ length: 8 }, () => g.next()))).toEqual(kat.xoshiro256pp.state_1_2_3_4);
    const r = new RefStream([1n, 2n, 3n, 4n]);
    expect(hex(Array.from({ length: 8 }, () => r.nextU64()))).toEqual(kat.xoshiro256pp.state_1_2_3_4);
  });
  it('seeding scheme: states and first outputs for (seed, stream)', () => {
    for (const [key, { state, out }] of Object.entries(kat.streams)) {
      const [seed, stream] = key.split('/');
      const st = seedState(BigInt(seed), Number(stream));
      expect(hex(st), key).toEqual(state);
      const r = new RefStream(st);
      expect(hex(Array.from({ length: 8 }, () => r.nextU64())), key).toEqual(out);
    }
  });
  it('long jump', () => {
    const g = new Xoshiro256ppBig(seedState(1, 0));
    g.longJump();
    expect(hex(g.s)).toEqual(kat.longJump_seed1);
  });
  it('BigInt and u32-pair generators agree on 20k words and uniforms', () => {
    for (const seed of [0, 7, 2 ** 53 - 1]) {
      const st = seedState(seed, 1);
      const g = new Xoshiro256ppBig(st);
      const r = new RefStream(st);
      for (let i = 0; i < 10000; i++) expect(r.nextU64()).toBe(g.next());
      for (let i = 0; i < 10000; i++) expect(r.nextUniform()).toBe(g.nextUniform());
    }
  });
  it('RefStream.fillNormal (inlined) == polarNormals driven by nextUniform, incl. odd n and state', () => {
    for (const [seed, n] of [
      [3, 100001],
      [4, 1],
      [5, 2],
      [6, 50000],
    ] as const) {
      const a = RefStream.fromSeed(seed, 2);
      const b = RefStream.fromSeed(seed, 2);
      const x = new Float64Array(n);
      const y = new Float64Array(n);
      a.fillNormal(x);
      polarNormals(() => b.nextUniform(), y, n);
      expect(sameBits(x, y)).toBe(0);
      expect(a.state()).toEqual(b.state());
    }
  });
  it('rejects bad seeds and streams', () => {
    expect(() => seedState(-1)).toThrow(RangeError);
    expect(() => seedState(1.5)).toThrow(RangeError);
    expect(() => seedState(1n << 64n)).toThrow(RangeError);
    expect(() => seedState(1, -1)).toThrow(RangeError);
    expect(seedHalves(2n ** 64n - 1n)).toEqual([0xffffffff, 0xffffffff]);
  });
});

describe('own log (the only transcendental in the normal sampler)', () => {
  it('is within 1 ulp of Math.log over the normal range and at powers of two', () => {
    let maxUlp = 0;
    let x = 2.2250738585072014e-308;
    const r = RefStream.fromSeed(99);
    for (let i = 0; i < 200000; i++) {
      const y = i < 100000 ? Math.exp((r.nextUniform() - 0.5) * 1410) : r.nextUniform() || 0.5;
      const a = logPos(y);
      const b = Math.log(y);
      const ulp = Math.abs(a - b) / (Math.abs(b) * 2 ** -52 || 2 ** -1074);
      if (ulp > maxUlp) maxUlp = ulp;
    }
    expect(maxUlp).toBeLessThanOrEqual(1);
    for (let k = -1022; k <= 1023; k += 7) {
      const b = Math.log(2 ** k);
      expect(Math.abs(logPos(2 ** k) - b)).toBeLessThanOrEqual(Math.abs(b) * 2 ** -52);
    }
    expect(logPos(1)).toBe(0);
    x = 1 - 2 ** -53;
    expect(Math.abs(logPos(x) - Math.log(x))).toBeLessThanOrEqual(2 ** -106);
  });
});

for (const variant of ['release', 'scalar', 'threads', 'debug'] as const) {
  describe(`Wasm ${variant} build is bit-exact with the TS twin`, () => {
    let rt: WasmRuntime;
    beforeAll(async () => {
      rt = await loadWasm({ variant });
    });

    it('rng_seed / rng_seed_streams match the scheme (incl. 64-bit seeds)', () => {
      const m = rt.arena.mark();
      for (const seed of [0, 1, 42, 0xdeadbeefcafebaben]) {
        const p = createStreams(rt, seed, 8);
        for (let k = 0; k < 8; k++) expect(hex(readState(rt, streamPtr(p, k)))).toEqual(hex(seedState(seed, k)));
        const q = rt.arena.alloc(32);
        const [lo, hi] = seedHalves(seed);
        rt.exports.rng_seed(q, lo, hi, 5);
        expect(hex(readState(rt, q))).toEqual(hex(seedState(seed, 5)));
        const r = createStreams(rt, seed, 3, 4);
        expect(hex(readState(rt, streamPtr(r, 2)))).toEqual(hex(seedState(seed, 6)));
      }
      rt.arena.reset(m);
    });

    it('KAT outputs through rng_next_u64 (BigInt) and rng_fill_u64', () => {
      const m = rt.arena.mark();
      for (const [key, { out }] of Object.entries(kat.streams)) {
        const [seed, stream] = key.split('/');
        const p = createStreams(rt, BigInt(seed), 1, Number(stream));
        const next = rt.exports.rng_next_u64 as unknown as (p: number) => bigint;
        const first = [next(p), next(p)].map((x) => BigInt.asUintN(64, x));
        const o = rt.arena.alloc(6 * 8);
        rt.exports.rng_fill_u64(p, o, 6);
        expect(hex([...first, ...rt.arena.u64(o, 6)]), key).toEqual(out);
      }
      rt.arena.reset(m);
    });

    it('jump and long jump', () => {
      const m = rt.arena.mark();
      const p = createStreams(rt, 1, 1);
      rt.exports.rng_long_jump(p);
      expect(hex(readState(rt, p))).toEqual(kat.longJump_seed1);
      const q = createStreams(rt, 3, 1);
      rt.exports.rng_jump(q);
      rt.exports.rng_jump(q);
      expect(hex(readState(rt, q))).toEqual(hex(seedState(3, 2)));
      rt.arena.reset(m);
    });

    it('uniforms: 1e5 draws x 5 seeds', () => {
      const m = rt.arena.mark();
      const n = 100000;
      const o = rt.arena.allocF64(n);
      const ref = new Float64Array(n);
      for (const seed of [0, 1, 2, 12345, 2 ** 40 + 3]) {
        const p = createStreams(rt, seed, 1, 3);
        rt.exports.rng_fill_uniform(p, o, n);
        const r = RefStream.fromSeed(seed, 3);
        r.fillUniform(ref);
        expect(sameBits(rt.arena.f64(o, n), ref)).toBe(0);
        expect(hex(readState(rt, p))).toEqual(hex(r.state()));
      }
      rt.arena.reset(m);
    });

    it('normals: 1e5 draws x 24 (seed, stream) pairs, odd and even n, state continues identically', () => {
      const m = rt.arena.mark();
      const o = rt.arena.allocF64(100001);
      const ref = new Float64Array(100001);
      for (let seed = 0; seed < 8; seed++) {
        for (const stream of [0, 1, 9]) {
          const n = seed % 2 === 0 ? 100000 : 100001;
          const p = createStreams(rt, seed * 1000003, 1, stream);
          const r = RefStream.fromSeed(seed * 1000003, stream);
          rt.exports.rng_fill_normal(p, o, n);
          r.fillNormal(ref, n);
          expect(sameBits(rt.arena.f64(o, n), ref.subarray(0, n))).toBe(0);
          // a second small call continues the same stream
          rt.exports.rng_fill_normal(p, o, 7);
          r.fillNormal(ref, 7);
          expect(sameBits(rt.arena.f64(o, 7), ref.subarray(0, 7))).toBe(0);
          expect(hex(readState(rt, p))).toEqual(hex(r.state()));
        }
      }
      rt.arena.reset(m);
    });

    it('normals through the BigInt generator (readable reference) agree too', () => {
      const m = rt.arena.mark();
      const n = 20000;
      const p = createStreams(rt, 77, 1, 2);
      const o = rt.arena.allocF64(n);
      rt.exports.rng_fill_normal(p, o, n);
      const g = new Xoshiro256ppBig(seedState(77, 2));
      const ref = new Float64Array(n);
      // same polar transform, driven by the BigInt uniforms
      let i = 0;
      while (i < n) {
        const u = g.nextUniform() * 2 - 1;
        const v = g.nextUniform() * 2 - 1;
        const s = u * u + v * v;
        if (s >= 1 || s === 0) continue;
        const f = Math.sqrt((-2 * logPos(s)) / s);
        ref[i++] = u * f;
        ref[i++] = v * f;
      }
      expect(sameBits(rt.arena.f64(o, n), ref)).toBe(0);
      rt.arena.reset(m);
    });

    it('fill_normal_scaled = sd * normals', () => {
      const m = rt.arena.mark();
      const n = 10001;
      const p = createStreams(rt, 5, 1);
      const o = rt.arena.allocF64(n);
      rt.exports.fill_normal_scaled(p, o, n, 0.37);
      const ref = new Float64Array(n);
      RefStream.fromSeed(5).fillNormalScaled(ref, n, 0.37);
      expect(sameBits(rt.arena.f64(o, n), ref)).toBe(0);
      rt.arena.reset(m);
    });

    it('sphere rows: bit-exact, ||x||^2 = d to 1e-12, E x_i^2 ~ 1, E x_i x_j ~ 0', () => {
      const m = rt.arena.mark();
      for (const [n, d] of [
        [2000, 37],
        [300, 256],
        [5, 1],
        [3, 2],
      ]) {
        const p = createStreams(rt, 2024, 1, 1);
        const X = sampleSphere(rt, p, n, d);
        const x = rt.arena.f64(X, n * d);
        const ref = new Float64Array(n * d);
        RefStream.fromSeed(2024, 1).sampleSphereRows(ref, n, d);
        expect(sameBits(x, ref)).toBe(0);
        for (let i = 0; i < n; i++) {
          let ss = 0;
          for (let j = 0; j < d; j++) ss += x[i * d + j] ** 2;
          expect(Math.abs(ss - d) / d).toBeLessThan(1e-12);
        }
        if (n >= 2000) {
          // per-coordinate second moments: Var(x_j^2) ~ 2, so SE = sqrt(2/n)
          const se = Math.sqrt(2 / n);
          for (let j = 0; j < d; j++) {
            let s2 = 0;
            let s01 = 0;
            for (let i = 0; i < n; i++) {
              s2 += x[i * d + j] ** 2;
              s01 += x[i * d + j] * x[i * d + ((j + 1) % d)];
            }
            expect(Math.abs(s2 / n - 1)).toBeLessThan(5 * se);
            expect(Math.abs(s01 / n)).toBeLessThan(5 / Math.sqrt(n));
          }
        }
      }
      rt.arena.reset(m);
    });

    it('hypercube rows: bit-exact ±1, balanced', () => {
      const m = rt.arena.mark();
      const [n, d] = [301, 67];
      const p = createStreams(rt, 8, 1);
      const X = sampleHypercube(rt, p, n, d);
      const x = rt.arena.f64(X, n * d);
      const ref = new Float64Array(n * d);
      const r = RefStream.fromSeed(8);
      r.sampleHypercubeRows(ref, n, d);
      expect(sameBits(x, ref)).toBe(0);
      expect(hex(readState(rt, p))).toEqual(hex(r.state()));
      let s = 0;
      for (const v of x) {
        expect(Math.abs(v)).toBe(1);
        s += v;
      }
      expect(Math.abs(s / (n * d))).toBeLessThan(5 / Math.sqrt(n * d));
      rt.arena.reset(m);
    });

    it('rng_log equals logPos bit for bit', () => {
      const r = RefStream.fromSeed(4);
      let bad = 0;
      for (let i = 0; i < 100000; i++) {
        const y = Math.exp((r.nextUniform() - 0.5) * 1400);
        if (!Object.is(rt.exports.rng_log(y), logPos(y))) bad++;
      }
      expect(bad).toBe(0);
    });

    it('n <= 0 is a no-op and touches neither memory nor state', () => {
      const m = rt.arena.mark();
      const p = createStreams(rt, 1, 1);
      const o = rt.arena.allocF64(4);
      rt.arena.f64(o, 4).fill(9);
      const before = hex(readState(rt, p));
      for (const f of ['rng_fill_normal', 'rng_fill_uniform', 'rng_fill_u64'] as const) {
        rt.exports[f](p, o, 0);
        rt.exports[f](p, o, -3);
      }
      rt.exports.sample_sphere_rows(p, o, 0, 4);
      rt.exports.sample_sphere_rows(p, o, 4, 0);
      rt.exports.sample_hypercube_rows(p, o, -1, 4);
      rt.exports.fill_normal_scaled(p, o, 0, 2);
      expect(Array.from(rt.arena.f64(o, 4))).toEqual([9, 9, 9, 9]);
      expect(hex(readState(rt, p))).toEqual(before);
      rt.arena.reset(m);
    });
  });
}

describe('statistical sanity (Wasm release, 2e6 draws; bounds = 5 standard errors)', () => {
  let rt: WasmRuntime;
  beforeAll(async () => {
    rt = await loadWasm({ variant: 'release' });
  });

  it('normals: mean, variance, skewness, kurtosis', () => {
    const m = rt.arena.mark();
    const n = 2_000_000;
    const p = createStreams(rt, 31337, 1);
    const o = rt.arena.allocF64(n);
    rt.exports.rng_fill_normal(p, o, n);
    const x = rt.arena.f64(o, n);
    let s1 = 0,
      s2 = 0,
      s3 = 0,
      s4 = 0;
    for (const v of x) {
      const v2 = v * v;
      s1 += v;
      s2 += v2;
      s3 += v2 * v;
      s4 += v2 * v2;
    }
    s1 /= n;
    s2 /= n;
    s3 /= n;
    s4 /= n;
    // SEs for N(0,1): mean 1/sqrt n, E x^2: sqrt(2/n), E x^3: sqrt(15/n), E x^4: sqrt(96/n)
    expect(Math.abs(s1)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(s2 - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(s3)).toBeLessThan(5 * Math.sqrt(15 / n));
    expect(Math.abs(s4 - 3)).toBeLessThan(5 * Math.sqrt(96 / n));
    // tail frequency P(|z| > 3) = 0.0026998
    let tail = 0;
    for (const v of x) if (Math.abs(v) > 3) tail++;
    const pt = 0.0026997960632601866;
    expect(Math.abs(tail / n - pt)).toBeLessThan(5 * Math.sqrt((pt * (1 - pt)) / n));
    rt.arena.reset(m);
  });

  it('uniforms: chi-square over 1000 bins and mean', () => {
    const m = rt.arena.mark();
    const n = 2_000_000;
    const bins = 1000;
    const p = createStreams(rt, 4242, 1);
    const o = rt.arena.allocF64(n);
    rt.exports.rng_fill_uniform(p, o, n);
    const x = rt.arena.f64(o, n);
    const c = new Float64Array(bins);
    let s = 0;
    let outside = 0;
    for (const v of x) {
      if (!(v >= 0 && v < 1)) outside++;
      c[Math.floor(v * bins)]++;
      s += v;
    }
    expect(outside).toBe(0);
    const e = n / bins;
    let chi = 0;
    for (const k of c) chi += (k - e) ** 2 / e;
    // chi^2 with 999 dof: mean 999, sd sqrt(2*999)
    expect(Math.abs(chi - (bins - 1))).toBeLessThan(5 * Math.sqrt(2 * (bins - 1)));
    expect(Math.abs(s / n - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    rt.arena.reset(m);
  });

  it('different streams and seeds are uncorrelated (lag 0 and lag 1)', () => {
    const m = rt.arena.mark();
    const n = 500_000;
    const streams = createStreams(rt, 1, 3);
    const other = createStreams(rt, 2, 1);
    const bufs = [0, 1, 2, 3].map(() => rt.arena.allocF64(n));
    for (let k = 0; k < 3; k++) rt.exports.rng_fill_normal(streamPtr(streams, k), bufs[k], n);
    rt.exports.rng_fill_normal(other, bufs[3], n);
    const corr = (a: Float64Array, b: Float64Array, lag: number) => {
      let s = 0;
      for (let i = 0; i + lag < a.length; i++) s += a[i] * b[i + lag];
      return s / (a.length - lag);
    };
    for (const [i, j] of [
      [0, 1],
      [1, 2],
      [0, 2],
      [0, 3],
    ]) {
      for (const lag of [0, 1]) {
        const r = corr(rt.arena.f64(bufs[i], n), rt.arena.f64(bufs[j], n), lag);
        expect(Math.abs(r), `${i}-${j} lag ${lag}`).toBeLessThan(5 / Math.sqrt(n));
      }
    }
    // and within one stream at lag 1 (pairs from one polar draw share s)
    expect(Math.abs(corr(rt.arena.f64(bufs[0], n), rt.arena.f64(bufs[0], n), 1))).toBeLessThan(5 / Math.sqrt(n));
    rt.arena.reset(m);
  });
});
