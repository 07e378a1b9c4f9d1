// Issue 12: the vectorised exp of the kernel maps (assembly/kernel.ts exp_fast_f64) and the Gram with
// the maps and the mirror fused into its blocks (assembly/blas.ts gram_kmap_pk_f64).
// - exp against Math.exp (an independent implementation: V8's fdlibm port) over the whole range and
//   at the special values; release (f64x2) = scalar build = TS twin bitwise.
// - the fused Gram against the unfused sequence gram_pk_f64 → diagonal → kmap_lower_f64 per term →
//   mirror (bitwise: the same elementwise code on the same G), row splits against one call (bitwise),
//   two real workers against one call (bitwise), and the TS twin (different summation order: 1e-13).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWasm, type WasmRuntime } from '../../src/wasm/runtime.js';
import { WorkerPool } from '../../src/wasm/exec.js';
import { EXP_T2, expFast } from '../../src/ref/kmap.js';
import { gramKmapRows, gramSymLower, mirrorLower } from '../../src/ref/blas.js';
import { kmap as kmapRef } from '../../src/ref/kmap.js';
import { GEMM_WS_F64, gramStrips } from '../../src/linalg/index.js';
import { GRAM_FLAG, GRAM_TERM_F64 } from '../../src/gen/kernel_layout.js';
import { rng } from './helpers.js';

// 'release' runs the relaxed-SIMD build where it validates (6×4 FMA tile), 'plain' the 4×4 mul + add one
const variants = ['release', 'plain', 'scalar'] as const;
const rts: Record<string, WasmRuntime> = {};
let trt: WasmRuntime;
let pool: WorkerPool;
beforeAll(async () => {
  for (const v of variants) rts[v] = await loadWasm(v === 'plain' ? { variant: 'release', relaxed: false } : { variant: v });
  trt = await loadWasm({ shared: true });
  pool = await WorkerPool.create(trt, 2);
});
afterAll(async () => {
  await pool?.close();
});

const f64 = new Float64Array(1);
const u64 = new BigInt64Array(f64.buffer);
const bits = (x: number) => {
  f64[0] = x;
  return u64[0];
};
/** Distance in units in the last place between two finite doubles of the same sign. */
const ulps = (a: number, b: number) => Number(bits(a) > bits(b) ? bits(a) - bits(b) : bits(b) - bits(a));

function expPoints(): Float64Array {
  const r = rng(11);
  const pts: number[] = [];
  for (let i = 0; i < 20000; i++) pts.push((2 * r() - 1) * 2); // kernel range (|p0·s| small)
  for (let i = 0; i < 20000; i++) pts.push((2 * r() - 1) * 708);
  for (let k = -1021; k <= 1021; k += 7) pts.push(k * Math.LN2, k * Math.LN2 + 1e-9, (k + 0.5) * Math.LN2); // reduction edges
  for (let i = -20; i <= 20; i++) pts.push(i, i / 64, 1e-300 * i, 2 ** -30 * i);
  pts.push(707.999, 708, -708, 708.0000001, -708.0000001);
  return Float64Array.from(pts);
}

describe('exp_fast_f64 (vector exp of the kernel maps)', () => {
  const X = expPoints();
  it('is within 1 ulp of Math.exp on |x| ≤ 708 and exact at 0; TS twin and both builds agree bitwise', () => {
    let worst = 0;
    for (const x of X) {
      const y = expFast(x);
      if (Math.abs(x) <= 708) worst = Math.max(worst, ulps(y, Math.exp(x)));
    }
    expect(worst).toBeLessThanOrEqual(1);
    expect(expFast(0)).toBe(1);
    expect(expFast(-0)).toBe(1);
    for (const v of variants) {
      const rt = rts[v];
      const src = rt.arena.copyIn(X);
      const dst = rt.arena.allocF64(X.length);
      rt.exports.exp_fast_map_f64(src, dst, X.length);
      const got = rt.arena.f64(dst, X.length);
      let mism = 0;
      // bitwise on |x| ≤ 708 (the polynomial); beyond, each side's own exp (musl in AS, fdlibm in V8)
      const same = (y: number, x: number) => (Math.abs(x) <= 708 ? Object.is(y, expFast(x)) : ulps(y, expFast(x)) <= 1);
      for (let i = 0; i < X.length; i++) if (!same(got[i], X[i])) mism++;
      expect(mism).toBe(0);
      // odd offset: the lanes pair differently, the bits do not change
      rt.exports.exp_fast_map_f64(src + 8, dst, X.length - 1);
      const got1 = rt.arena.f64(dst, X.length - 1);
      for (let i = 0; i < X.length - 1; i++) if (!same(got1[i], X[i + 1])) mism++;
      expect(mism).toBe(0);
      expect(rt.exports.exp_fast_f64(1.5)).toBe(expFast(1.5));
    }
  });

  it('table 2^(j/128) = T_hi + T_lo: T_hi within 1 ulp of Math.pow, T_lo below half an ulp of T_hi, T_hi^(128/j)-consistent', () => {
    for (let j = 0; j < 128; j++) {
      const hi = EXP_T2[2 * j],
        lo = EXP_T2[2 * j + 1];
      expect(ulps(hi, 2 ** (j / 128))).toBeLessThanOrEqual(1);
      const u = 2 ** (Math.floor(Math.log2(hi)) - 52);
      expect(Math.abs(lo)).toBeLessThanOrEqual(u / 2);
    }
    // T[j]·T[128 − j] = 2 to double-double accuracy: (h1 + l1)(h2 + l2) − 2 with the product's error term
    for (let j = 1; j < 128; j++) {
      const h1 = EXP_T2[2 * j],
        l1 = EXP_T2[2 * j + 1],
        h2 = EXP_T2[2 * (128 - j)] ?? 2,
        l2 = EXP_T2[2 * (128 - j) + 1] ?? 0;
      // Dekker's exact product h1·h2 = p + e (Veltkamp splitting)
      const split = (a: number) => {
        const c = 134217729 * a;
        const hi = c - (c - a);
        return [hi, a - hi];
      };
      const p = h1 * h2;
      const [a1, a2] = split(h1),
        [b1, b2] = split(h2);
      const e = a1 * b1 - p + a1 * b2 + a2 * b1 + a2 * b2;
      expect(Math.abs(p - 2 + e + h1 * l2 + h2 * l1)).toBeLessThan(1e-30);
    }
  });

  it('special values: ±∞, NaN, overflow, subnormal and underflowing results', () => {
    const S = [Infinity, -Infinity, NaN, 709.78, 709.79, 710, 1e308, -708.5, -720, -745, -745.2, -746, -1e308];
    for (const v of variants) {
      const rt = rts[v];
      const src = rt.arena.copyIn(S);
      const dst = rt.arena.allocF64(S.length);
      rt.exports.exp_fast_map_f64(src, dst, S.length);
      const got = rt.arena.f64(dst, S.length);
      // outside |x| ≤ 708 the map falls back to AS's exp: the specials exactly, finite values to 1 ulp
      S.forEach((x, i) => {
        const want = Math.exp(x);
        const ok = Number.isFinite(want) && want > 0 ? ulps(got[i], want) <= 1 : Object.is(got[i], want);
        expect(ok, `exp(${x}) = ${got[i]}, Math.exp ${want}`).toBe(true);
      });
    }
  });

  it('kmap_f64 exp (f64x2, odd counts and offsets) equals the scalar form bitwise', () => {
    const r = rng(3);
    const S = Float64Array.from({ length: 1001 }, () => 2.4 * r() - 1.2); // includes clamped values
    S[5] = -0;
    S[8] = NaN;
    S[13] = Infinity;
    S[21] = -Infinity;
    const D0 = Float64Array.from({ length: S.length }, () => r() - 0.5); // accumulated into
    // |p0| ≤ 708: the vector loop without a range test (write) and with it (accumulate); |p0| > 708:
    // lanes out of the polynomial's range go to AS's exp (1 ulp from the TS twin's Math.exp)
    for (const p0 of [-2.5, 708, -900]) {
      for (const acc of [0, 1]) {
        for (const v of variants) {
          const rt = rts[v];
          const mk = rt.arena.mark();
          const src = rt.arena.copyIn(S);
          for (const off of [0, 1]) {
            const dst = rt.arena.copyIn(D0.subarray(off));
            rt.exports.kmap_f64(src + 8 * off, dst, S.length - off, 0, p0, 0, 0, 0.75, acc);
            const got = rt.arena.f64(dst, S.length - off);
            const ref = kmapRef(S.subarray(off), D0.slice(off), 0, p0, [], 0.75, acc === 1);
            for (let i = 0; i < ref.length; i++) {
              const same = Math.abs(p0) <= 708 ? Object.is(got[i], ref[i]) : Object.is(got[i], ref[i]) || ulps(got[i], ref[i]) <= 1;
              expect(same, `${v} p0 ${p0} acc ${acc} off ${off} s ${S[i + off]}: ${got[i]} vs ${ref[i]}`).toBe(true);
            }
            if (p0 === -2.5 && acc === 0)
              for (let i = 0; i < ref.length; i++) {
                const s = Math.min(1, Math.max(-1, S[i + off]));
                if (Number.isNaN(s)) expect(got[i]).toBeNaN();
                else expect(ulps(got[i] / 0.75, Math.exp(-2.5 * s))).toBeLessThanOrEqual(2);
              }
          }
          rt.arena.reset(mk);
        }
      }
    }
  });
});

describe('kmap_f64 Gegenbauer series (f64x2, four entries per step)', () => {
  it('equals the scalar build bitwise, at any offset and count (write and accumulate)', () => {
    const r = rng(5);
    const S = Float64Array.from({ length: 203 }, () => 2.4 * r() - 1.2);
    S[7] = -0;
    const coef = [0.3, -1, 0.25, 2, 0.5, 1e-3, 7];
    const run = (v: 'release' | 'scalar', off: number, acc: number) => {
      const rt = rts[v];
      const mk = rt.arena.mark();
      const src = rt.arena.copyIn(S);
      const dst = rt.arena.copyIn(S.map((x) => x * 3));
      rt.exports.kmap_f64(src + 8 * off, dst, S.length - off, 5, 30, rt.arena.copyIn(coef), coef.length, 1.25, acc);
      const out = rt.arena.f64(dst, S.length - off).slice();
      rt.arena.reset(mk);
      return out;
    };
    for (const off of [0, 1, 3])
      for (const acc of [0, 1]) {
        const a = run('release', off, acc),
          b = run('scalar', off, acc);
        let bad = 0;
        for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) bad++;
        expect(bad).toBe(0);
      }
  });
});

// ——— fused Gram ———
interface Term {
  kind: number;
  p0: number;
  coef: number[];
  weight: number;
}
const EXP: Term = { kind: 0, p0: 1, coef: [], weight: 1 };
const POLY: Term = { kind: 1, p0: 0, coef: [0.5, -1, 0.25], weight: 0.5 };
const GEG: Term = { kind: 5, p0: 30, coef: [1, 0.5, 0.25, 0.125], weight: 1 };

/** Write the map records (coefficients first) into the runtime's arena; returns the table pointer. */
function records(rt: WasmRuntime, terms: Term[]): number {
  const coefs = terms.map((t) => (t.coef.length ? rt.arena.copyIn(t.coef) : 0));
  const tab = new Float64Array(Math.max(1, terms.length) * GRAM_TERM_F64);
  terms.forEach((t, q) => tab.set([t.kind, t.p0, coefs[q], t.coef.length, t.weight], q * GRAM_TERM_F64));
  return rt.arena.copyIn(tab);
}

function data(n: number, d: number, seed: number): Float64Array {
  const r = rng(seed);
  // rows on the sphere of radius √d, as the kernel engine samples them: XᵢᵀXᵢ/d = 1 up to rounding
  const X = Float64Array.from({ length: n * d }, () => 2 * r() - 1);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let p = 0; p < d; p++) s += X[i * d + p] ** 2;
    const f = Math.sqrt(d / s);
    for (let p = 0; p < d; p++) X[i * d + p] *= f;
  }
  return X;
}

const ALL = GRAM_FLAG.UNIT_DIAG | GRAM_FLAG.MIRROR_K | GRAM_FLAG.MIRROR_G;

/** Fused call over the given row strips (one call per strip, in order) → [G, K]. */
function fused(rt: WasmRuntime, X: Float64Array, n: number, d: number, terms: Term[], m: Term | null, flags: number, strips: number[]) {
  const a = rt.arena;
  const mk = a.mark();
  const x = a.copyIn(X);
  const g = a.allocF64(n * n);
  const k = a.allocF64(n * n);
  a.f64(g, n * n).fill(NaN); // sentinels: every entry must be written
  a.f64(k, n * n).fill(NaN);
  const w = a.allocF64(GEMM_WS_F64);
  const tab = records(rt, terms);
  const mt = m ? records(rt, [m]) : 0;
  for (let s = 0; s + 1 < strips.length; s++) rt.exports.gram_kmap_pk_f64(x, n, d, g, 1 / d, strips[s], strips[s + 1], w, k, tab, terms.length, mt, flags);
  const out = [a.f64(g, n * n).slice(), a.f64(k, n * n).slice()];
  a.reset(mk);
  return out;
}

/** The unfused sequence the pipeline ran before: packed Gram, unit diagonal, maps on the lower
 *  triangle, in-place M map, mirrors. */
function unfused(rt: WasmRuntime, X: Float64Array, n: number, d: number, terms: Term[], m: Term | null) {
  const a = rt.arena;
  const mk = a.mark();
  const E = rt.exports;
  const x = a.copyIn(X);
  const g = a.allocF64(n * n);
  const k = a.allocF64(n * n);
  const w = a.allocF64(GEMM_WS_F64);
  E.gram_pk_f64(x, n, d, g, 1 / d, 0, n, w);
  const G = a.f64(g, n * n);
  for (let i = 0; i < n; i++) G[i * n + i] = 1;
  terms.forEach((t, q) => E.kmap_lower_f64(g, k, n, 0, n, t.kind, t.p0, t.coef.length ? a.copyIn(t.coef) : 0, t.coef.length, t.weight, q ? 1 : 0));
  if (m) E.kmap_lower_f64(g, g, n, 0, n, m.kind, m.p0, a.copyIn(m.coef), m.coef.length, m.weight, 0);
  E.mirror_lower_f64(k, n, 0, n);
  E.mirror_lower_f64(g, n, 0, n);
  const out = [a.f64(g, n * n).slice(), a.f64(k, n * n).slice()];
  a.reset(mk);
  return out;
}

const sameBits = (a: Float64Array, b: Float64Array) => {
  let bad = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) bad++;
  return bad;
};

describe.each(variants)('gram_kmap_pk_f64 (%s build)', (variant) => {
  // n crosses the 4-row tile, MC = 96 and NC = 512 blocks; d crosses KC = 256 (several final passes)
  const shapes: [number, number][] = [
    [1, 3],
    [5, 7],
    [37, 300],
    [203, 64],
    [600, 270],
  ];
  it.each(shapes)('n = %i, d = %i: equals Gram → maps → mirror bitwise; row strips equal one call bitwise', (n, d) => {
    const rt = rts[variant];
    const X = data(n, d, n + d);
    const [G1, K1] = fused(rt, X, n, d, [EXP, POLY], GEG, ALL, [0, n]);
    const [G0, K0] = unfused(rt, X, n, d, [EXP, POLY], GEG);
    expect(sameBits(G1, G0)).toBe(0);
    expect(sameBits(K1, K0)).toBe(0);
    for (const parts of [2, 3]) {
      const [G2, K2] = fused(rt, X, n, d, [EXP, POLY], GEG, ALL, gramStrips(n, parts));
      expect(sameBits(G2, G1)).toBe(0);
      expect(sameBits(K2, K1)).toBe(0);
    }
  });

  it('matches the TS twin within 1e-13 (summation order differs) and the definition exp(XXᵀ/d)', () => {
    const rt = rts[variant];
    const n = 130,
      d = 300;
    const X = data(n, d, 9);
    const [G1, K1] = fused(rt, X, n, d, [EXP], null, GRAM_FLAG.MIRROR_K | GRAM_FLAG.MIRROR_G, [0, n]);
    const G = new Float64Array(n * n),
      K = new Float64Array(n * n);
    gramKmapRows(X, n, d, G, 1 / d, 0, n, K, [EXP], null, GRAM_FLAG.MIRROR_K | GRAM_FLAG.MIRROR_G);
    // independent: plain Gram, Math.exp, full symmetric matrix
    const Gp = new Float64Array(n * n);
    gramSymLower(X, n, d, Gp, 1 / d);
    mirrorLower(Gp, n);
    let eg = 0,
      ek = 0,
      ed = 0;
    for (let i = 0; i < n * n; i++) {
      eg = Math.max(eg, Math.abs(G1[i] - G[i]));
      ek = Math.max(ek, Math.abs(K1[i] - K[i]) / K[i]);
      ed = Math.max(ed, Math.abs(K1[i] - Math.exp(Gp[i])) / Math.exp(Gp[i]));
    }
    expect(eg).toBeLessThan(1e-13);
    expect(ek).toBeLessThan(1e-13);
    expect(ed).toBeLessThan(1e-13);
  });

  it('in place (K = G, one term), no terms, d = 0, empty strips', () => {
    const rt = rts[variant];
    const a = rt.arena;
    const n = 41,
      d = 17;
    const X = data(n, d, 4);
    const [, K1] = fused(rt, X, n, d, [EXP], null, GRAM_FLAG.MIRROR_K, [0, n]);
    const mk = a.mark();
    const x = a.copyIn(X);
    const g = a.allocF64(n * n);
    const w = a.allocF64(GEMM_WS_F64);
    const tab = records(rt, [EXP]);
    rt.exports.gram_kmap_pk_f64(x, n, d, g, 1 / d, 0, n, w, g, tab, 1, 0, GRAM_FLAG.MIRROR_K | GRAM_FLAG.MIRROR_G);
    expect(sameBits(a.f64(g, n * n), K1)).toBe(0);
    // no terms: G alone, mirrored, with the unit diagonal
    rt.exports.gram_kmap_pk_f64(x, n, d, g, 1 / d, 0, n, w, 0, 0, 0, 0, GRAM_FLAG.UNIT_DIAG | GRAM_FLAG.MIRROR_G);
    const G = a.f64(g, n * n);
    for (let i = 0; i < n; i++) {
      expect(G[i * n + i]).toBe(1);
      for (let j = 0; j < i; j++) expect(G[j * n + i]).toBe(G[i * n + j]);
    }
    // d = 0: G = 0, K = h(0) = 1 for exp
    const k = a.allocF64(n * n);
    rt.exports.gram_kmap_pk_f64(x, n, 0, g, 1, 0, n, w, k, tab, 1, 0, GRAM_FLAG.MIRROR_K | GRAM_FLAG.MIRROR_G);
    expect(a.f64(g, n * n).every((v) => v === 0)).toBe(true);
    expect(a.f64(k, n * n).every((v) => v === 1)).toBe(true);
    // empty and reversed strips write nothing
    a.f64(k, n * n).fill(7);
    rt.exports.gram_kmap_pk_f64(x, n, d, g, 1 / d, 5, 5, w, k, tab, 1, 0, ALL);
    rt.exports.gram_kmap_pk_f64(x, n, d, g, 1 / d, 9, 3, w, k, tab, 1, 0, ALL);
    expect(a.f64(k, n * n).every((v) => v === 7)).toBe(true);
    a.reset(mk);
  });
});

describe('gram_kmap_pk_f64 on two workers', () => {
  it('two concurrent strips equal one call bitwise (n = 700, d = 300)', async () => {
    const n = 700,
      d = 300;
    const X = data(n, d, 21);
    const a = trt.arena;
    const mk = a.mark();
    const x = a.copyIn(X);
    const g = a.allocF64(n * n),
      k = a.allocF64(n * n);
    const w = a.allocF64(2 * GEMM_WS_F64);
    const tab = records(trt, [EXP, POLY]);
    const mt = records(trt, [GEG]);
    const b = gramStrips(n, 2);
    await Promise.all([0, 1].map((p) => pool.call('gram_kmap_pk_f64', x, n, d, g, 1 / d, b[p], b[p + 1], w + 8 * p * GEMM_WS_F64, k, tab, 2, mt, ALL)));
    const G2 = a.f64(g, n * n).slice(),
      K2 = a.f64(k, n * n).slice();
    a.reset(mk);
    const [G1, K1] = fused(rts.release, X, n, d, [EXP, POLY], GEG, ALL, [0, n]);
    expect(sameBits(G2, G1)).toBe(0);
    expect(sameBits(K2, K1)).toBe(0);
  });
});
