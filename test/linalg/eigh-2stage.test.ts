// Two-stage reduction for eigenvalues (assembly/eigh_2stage.ts: sy2sb_f64 dense → band, sb2st_f64
// band → tridiagonal bulge chasing, tridiag_2stage_f64 both; eigvalsh_f64 uses it from
// eigvalsh_2stage_min_f64() on): eigenvalues against the one-stage path within 1e-13·‖A‖_F, the band
// stage alone (zeros outside the band, same spectrum), the workspace the host allocates.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadWasm, type WasmRuntime } from '../../src/wasm/runtime.js';
import * as L from '../../src/linalg/index.js';
import { denseTri, frob, gluedWilkinson, kernelLike, maxAbsDiff, randomSym, withSpectrum } from './helpers.js';

const rts: Record<string, WasmRuntime> = {};
beforeAll(async () => {
  rts.release = await loadWasm({ variant: 'release' });
  rts.scalar = await loadWasm({ variant: 'scalar' });
});

/** Eigenvalues (ascending) by the two-stage reduction with half-bandwidth b, then QL (tql_first_f64). */
function values2stage(rt: WasmRuntime, A: Float64Array, n: number, b: number): { values: Float64Array; status: number } {
  const ex = rt.exports,
    ar = rt.arena,
    mk = ar.mark();
  const a = ar.copyIn(A),
    d = ar.allocF64(Math.max(n, 1)),
    e = ar.allocF64(Math.max(n, 1)),
    z = ar.allocF64(Math.max(n, 1)),
    w = ar.allocF64(ex.tridiag_2stage_ws_f64(n, b));
  ex.tridiag_2stage_b_f64(a, n, b, d, e, w);
  const status = n > 0 ? ex.tql_first_f64(d, e, n, z) : 0;
  const values = ar.f64(d, n).slice();
  ar.reset(mk);
  return { values, status };
}

function expectSameValues(A: Float64Array, n: number, got: { values: Float64Array; status: number }, ref: ArrayLike<number>) {
  expect(got.status).toBe(0);
  const scale = Math.max(frob(A), Number.MIN_VALUE);
  expect(maxAbsDiff(got.values, ref) / scale).toBeLessThan(1e-13);
  for (let i = 1; i < n; i++) expect(got.values[i]).toBeGreaterThanOrEqual(got.values[i - 1]);
}

describe('two-stage reduction (sy2sb + sb2st) for eigenvalues', () => {
  const B = (n: number) => rts.release.exports.tridiag_2stage_nb_f64(n);

  it('eigvalsh workspace (eighWorkF64) covers the two-stage path from the crossover on', () => {
    const ex = rts.release.exports;
    const n0 = ex.eigvalsh_2stage_min_f64();
    for (const n of [n0, n0 + 1, 2000, 4000, 10000]) expect(2 * n + ex.tridiag_2stage_ws_f64(n, B(n))).toBeLessThanOrEqual(L.eighWorkF64(n));
  });

  it.each([1, 2, 3, 5, 64, 65, 200, 513])('random n = %i: values equal to the one-stage path (b = 8, 32, 48)', (n) => {
    const A = randomSym(n, 31 + n);
    const ref = L.eigvalsh(rts.release, A, n).values; // one stage below the crossover
    for (const v of ['release', 'scalar']) for (const b of [8, 32, 48]) expectSameValues(A, n, values2stage(rts[v], A, n, b), ref);
  });

  it('hard spectra: multiplicities, glued Wilkinson, tiny off-diagonals, zero matrix', () => {
    const tiny = denseTri(
      Array.from({ length: 150 }, (_, i) => (i % 7) - 3),
      Array.from({ length: 149 }, (_, i) => (i % 3 === 0 ? 1e-300 : i % 3 === 1 ? 1e-15 : 0.5)),
    );
    const cases: [Float64Array, number][] = [
      [kernelLike(260, 6, 5), 260], // exact multiplicities (degree blocks)
      [gluedWilkinson(9, 1e-12), 189],
      [tiny, 150],
      [new Float64Array(200 * 200), 200],
      [withSpectrum([1, 1, 1, 2, 2, 3, -1e-300, 0], 2), 8],
    ];
    for (const [A, n] of cases) {
      const ref = L.eigh(rts.release, A, n).values;
      for (const b of [8, 32, 48]) expectSameValues(A, n, values2stage(rts.release, A, n, b), ref);
    }
  });

  it.each([
    [200, 32],
    [333, 64],
    [130, 64],
  ])('band stage alone (n = %i, b = %i): zeros outside the band, same eigenvalues', (n, b) => {
    const rt = rts.release,
      ex = rt.exports,
      ar = rt.arena,
      mk = ar.mark();
    const A = randomSym(n, 7 * n + b);
    const a = ar.copyIn(A),
      w = ar.allocF64(ex.tridiag_2stage_ws_f64(n, b));
    ex.sy2sb_f64(a, n, b, w);
    const out = ar.f64(a, n * n);
    const Bd = new Float64Array(n * n);
    let outside = 0;
    for (let i = 0; i < n; i++)
      for (let j = i; j < n; j++) {
        if (j - i > b) outside = Math.max(outside, Math.abs(out[i * n + j]));
        else Bd[i * n + j] = Bd[j * n + i] = out[i * n + j];
      }
    ar.reset(mk);
    expect(outside).toBe(0);
    // the entries on the outermost diagonal are R's diagonal: nonzero for a random matrix (a real band)
    expect(Math.abs(Bd[b])).toBeGreaterThan(0);
    const na = frob(A);
    expect(maxAbsDiff(L.eigh(rt, Bd, n).values, L.eigh(rt, A, n).values) / na).toBeLessThan(1e-13);
    expect(Math.abs(frob(Bd) - na) / na).toBeLessThan(1e-13); // orthogonal similarity keeps ‖·‖_F
  });

  it('eigvalsh_f64 scales matrices of tiny or huge norm (one and two stages)', () => {
    for (const n of [150, rts.release.exports.eigvalsh_2stage_min_f64() + 1]) {
      const A = randomSym(n, 11);
      const ref = L.eigvalsh(rts.release, A, n).values;
      const na = frob(A);
      for (const s of [1e-300, 1e-170, 1e-160, 1e200, 1e300]) {
        const r = L.eigvalsh(
          rts.release,
          A.map((x) => x * s),
          n,
        );
        expect(r.status).toBe(0);
        expect(
          maxAbsDiff(
            r.values.map((x) => x / s),
            ref,
          ) / na,
        ).toBeLessThan(1e-13);
      }
    }
  });

  it('eigvalsh_f64 above the crossover (two stages) equals eigh; a NaN entry gives a nonzero status', () => {
    const n = rts.release.exports.eigvalsh_2stage_min_f64() + 3;
    const A = randomSym(n, 5);
    expectSameValues(A, n, L.eigvalsh(rts.release, A, n), L.eigh(rts.release, A, n).values);
    A[17 * n + 400] = Number.NaN;
    expect(L.eigvalsh(rts.release, A, n).status).not.toBe(0);
  });
});
