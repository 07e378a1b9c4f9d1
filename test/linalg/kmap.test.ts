import { beforeAll, describe, expect, it } from 'vitest';
import { loadWasm, type WasmRuntime } from '../../src/wasm/runtime.js';
import { kfun, kmap as kmapRef, KMAP_KIND, gegenbauerSeries } from '../../src/ref/kmap.js';
import * as L from '../../src/linalg/index.js';
import { maxAbsDiff, rng } from './helpers.js';

const variants = ['release', 'scalar'] as const;
const rts: Record<string, WasmRuntime> = {};
beforeAll(async () => {
  for (const v of variants) rts[v] = await loadWasm({ variant: v });
});

// s grid including the endpoints, values just outside [-1,1] (clamped) and random interior points
const r = rng(42);
const S = Float64Array.from([-1.5, -1, -1 + 1e-12, -0.5, 0, 1e-17, 0.25, 0.5, 1 - 1e-15, 1, 1.0000001, ...Array.from({ length: 200 }, () => 2 * r() - 1)]);

const cases: { kind: number; p0: number; coef: number[] }[] = [
  { kind: 0, p0: 1, coef: [] },
  { kind: 0, p0: -2.5, coef: [] },
  { kind: 1, p0: 0, coef: [0.5, -1, 0.25, 2] },
  { kind: 1, p0: 0, coef: [] },
  { kind: 2, p0: 0, coef: [] },
  { kind: 3, p0: 0, coef: [] },
  { kind: 4, p0: 0, coef: [] },
  { kind: 5, p0: 3, coef: [1, 0.5, 0.25, 0.125, 0.0625] },
  { kind: 5, p0: 50, coef: [0.1, 1, 0, 0.3, 0, 0, 2] },
  { kind: 5, p0: 2, coef: [0, 0, 0, 1] },
];

describe.each(variants)('kmap_f64 (%s build)', (variant) => {
  it('matches the TS twin for every kind (write, accumulate, weight, in place)', () => {
    const rt = rts[variant];
    for (const c of cases) {
      const ref = kmapRef(S, new Float64Array(S.length), c.kind, c.p0, c.coef, 1.5);
      const got = L.kmap(rt, S, c.kind, { p0: c.p0, coef: c.coef, weight: 1.5, dst: new Float64Array(S.length) });
      expect(maxAbsDiff(got, ref)).toBeLessThan(1e-14 * Math.max(1, ...ref.map(Math.abs)));
      const base = Float64Array.from(S, (_, i) => i);
      const refAcc = kmapRef(S, base.slice(), c.kind, c.p0, c.coef, -2, true);
      const gotAcc = L.kmap(rt, S, c.kind, { p0: c.p0, coef: c.coef, weight: -2, dst: base, accumulate: true });
      expect(maxAbsDiff(gotAcc, refAcc)).toBeLessThan(1e-13 * Math.max(1, ...refAcc.map(Math.abs)));
      // in place (src == dst)
      expect(maxAbsDiff(L.kmap(rt, S, c.kind, { p0: c.p0, coef: c.coef }), kmapRef(S, new Float64Array(S.length), c.kind, c.p0, c.coef))).toBeLessThan(
        1e-13 * Math.max(1, ...ref.map(Math.abs)),
      );
    }
  });

  it('closed values', () => {
    const rt = rts[variant];
    const at = (kind: number, s: number[], p0 = 0, coef: number[] = []) => L.kmap(rt, s, kind, { p0, coef });
    expect(Array.from(at(2, [1, 0, -1]))).toEqual([1, 0.5, 0]);
    const k1 = at(3, [1, 0, -1]);
    expect(k1[0]).toBeCloseTo(1, 15);
    expect(k1[1]).toBeCloseTo(1 / Math.PI, 15);
    expect(Math.abs(k1[2])).toBeLessThan(1e-16);
    const ntk = at(4, [1, 0, -1, 2, -3]);
    expect(ntk[0]).toBeCloseTo(2, 15);
    expect(ntk[1]).toBeCloseTo(1 / Math.PI, 15);
    expect(Math.abs(ntk[2])).toBeLessThan(1e-16);
    expect(ntk[3]).toBe(ntk[0]); // clamped
    expect(ntk[4]).toBe(ntk[2]);
    expect(at(0, [0.3], 2)[0]).toBeCloseTo(Math.exp(0.6), 15);
    expect(at(0, [7], 1)[0]).toBe(Math.exp(1));
    // Gegenbauer: d = 3 Legendre P2 = (3s²−1)/2, P3 = (5s³−3s)/2; d = 2 Chebyshev cos(kθ); P_k(1) = 1
    for (const s of [-0.9, -0.3, 0.1, 0.77]) {
      expect(at(5, [s], 3, [0, 0, 1])[0]).toBeCloseTo((3 * s * s - 1) / 2, 14);
      expect(at(5, [s], 3, [0, 0, 0, 1])[0]).toBeCloseTo((5 * s ** 3 - 3 * s) / 2, 14);
      expect(at(5, [s], 2, [0, 0, 0, 0, 0, 1])[0]).toBeCloseTo(Math.cos(5 * Math.acos(s)), 13);
    }
    for (const d of [3, 10, 400])
      for (let k = 0; k < 8; k++) {
        const coef = new Array(k + 1).fill(0);
        coef[k] = 1;
        expect(at(5, [1], d, coef)[0]).toBeCloseTo(1, 12);
      }
    // polynomial Horner, empty coefficient list is 0; unknown kind is NaN
    expect(at(1, [0.5], 0, [1, 2, 3])[0]).toBeCloseTo(1 + 1 + 0.75, 15);
    expect(at(1, [0.5])[0]).toBe(0);
    expect(at(5, [0.5], 3)[0]).toBe(0);
    expect(Number.isNaN(at(99, [0.5])[0])).toBe(true);
  });

  it('count = 0 is a no-op; scalar kfun_f64 export matches kfun', () => {
    const rt = rts[variant];
    const ar = rt.arena,
      m = ar.mark();
    const p = ar.copyIn([0.3, 0.4]);
    rt.exports.kmap_f64(p, p, 0, 0, 1, 0, 0, 1, 0);
    expect(Array.from(ar.f64(p, 2))).toEqual([0.3, 0.4]);
    const coef = ar.copyIn([1, 2, 3]);
    for (const s of [-2, -0.4, 0.9]) {
      for (const kind of [0, 1, 2, 3, 4, 5]) {
        expect(rt.exports.kfun_f64(s, kind, 5, coef, 3)).toBeCloseTo(kfun(s, kind, 5, [1, 2, 3]), 14);
      }
    }
    ar.reset(m);
  });
});

describe('TS twin self-checks', () => {
  it('Gegenbauer orthogonality under the d-dimensional law (K7), d = 5', () => {
    // E[P_j P_k] = δ_jk / B(d,k); density ∝ (1−s²)^{(d−3)/2} = (1−s²) for d = 5; Simpson on a fine grid
    const d = 5,
      N = 20000;
    const B = (k: number) => (k === 0 ? 1 : ((2 * k + d - 2) / k) * [1, 4, 10, 20, 35][k - 1]);
    const integ = (f: (s: number) => number) => {
      let s = 0;
      for (let i = 0; i <= N; i++) {
        const x = -1 + (2 * i) / N;
        const w = i === 0 || i === N ? 1 : i % 2 ? 4 : 2;
        s += w * f(x) * (1 - x * x);
      }
      return (s * 2) / N / 3;
    };
    const Z = integ(() => 1);
    const P = (k: number) => (s: number) =>
      gegenbauerSeries(
        Array.from({ length: k + 1 }, (_, i) => (i === k ? 1 : 0)),
        d,
        s,
      );
    for (let j = 0; j < 4; j++)
      for (let k = 0; k < 4; k++) {
        const v = integ((s) => P(j)(s) * P(k)(s)) / Z;
        expect(v).toBeCloseTo(j === k ? 1 / B(k) : 0, 8);
      }
  });
  it('KMAP_KIND codes', () => {
    expect(KMAP_KIND).toEqual({ exp: 0, poly: 1, arccos0: 2, arccos1: 3, reluNtk: 4, gegenbauer: 5 });
  });
});
