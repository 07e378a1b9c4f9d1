// Matrices of tiny or huge norm in every eigensolver entry (eigh_range_scale_f64, dsyev's scaling step):
// without it the reflector norms underflow (A·1e−170: eigenvalues wrong in every digit) or overflow
// (A·1e200: NaN from the QL path), both with status 0. Independent check: the eigenvalues of s·A are s
// times those of A (s a power of ten, not of two, so the scaled problem is not the same bits), and the
// eigenvectors of s·A satisfy the residual and orthogonality bounds against s·A itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWasm, type WasmRuntime } from '../../src/wasm/runtime.js';
import type { WorkerPool } from '../../src/wasm/exec.js';
import * as L from '../../src/linalg/index.js';
import { eigChecks, randomSym } from './helpers.js';

const rts: Record<string, WasmRuntime> = {};
let shared: WasmRuntime;
let pool: WorkerPool;
beforeAll(async () => {
  rts.release = await loadWasm({ variant: 'release' });
  rts.scalar = await loadWasm({ variant: 'scalar' });
  rts.ts = await loadWasm({ variant: 'ts' });
  shared = await loadWasm({ shared: true });
  const { WorkerPool } = await import('../../src/wasm/exec.js');
  pool = await WorkerPool.create(shared, 2);
});
afterAll(async () => {
  await pool?.close();
});

const SCALES = [1e-300, 1e-170, 1e-160, 1e200, 1e300];
const SIZES = [7, 150, 301]; // unblocked, blocked one-stage; 301 > the blocked crossover NX

/** max_i |values_i / s − ref_i| / max|ref|: the eigenvalues of s·A against s × those of A. */
function valueError(values: ArrayLike<number>, ref: ArrayLike<number>, s: number): number {
  let d = 0,
    m = 0;
  for (let i = 0; i < ref.length; i++) {
    d = Math.max(d, Math.abs(values[i] / s - ref[i]));
    m = Math.max(m, Math.abs(ref[i]));
  }
  return d / m;
}

/** Residual and orthogonality of (V, Λ) for s·A, computed on A with Λ/s (the same bounds, no overflow). */
function vectorChecks(A: Float64Array, n: number, vectors: Float64Array, values: ArrayLike<number>, s: number) {
  return eigChecks(
    A,
    n,
    vectors,
    Float64Array.from(values, (x) => x / s),
  );
}

describe('eigensolvers on matrices of tiny or huge norm', () => {
  for (const n of SIZES) {
    const A = randomSym(n, 40 + n);
    it.each(['release', 'scalar', 'ts'])(`eigh (dc and ql) and eigvalsh, n = ${n} (%s)`, (name) => {
      const rt = rts[name];
      const ref = L.eigh(rt, A, n, 'dc').values;
      for (const s of SCALES) {
        const B = A.map((x) => x * s);
        for (const method of ['dc', 'ql'] as const) {
          const r = L.eigh(rt, B, n, method);
          expect(r.status, `${method} s = ${s}`).toBe(0);
          expect(valueError(r.values, ref, s), `${method} s = ${s}`).toBeLessThan(1e-13);
          const c = vectorChecks(A, n, r.vectors, r.values, s);
          expect(c.resid, `${method} s = ${s}`).toBeLessThan(1e-13);
          expect(c.orth, `${method} s = ${s}`).toBeLessThan(1e-13);
        }
        const v = L.eigvalsh(rt, B, n);
        expect(v.status).toBe(0);
        expect(valueError(v.values, ref, s), `eigvalsh s = ${s}`).toBeLessThan(1e-13);
      }
    });
  }

  it.each([150, 301])('the two-worker drivers (eighDcPtrParallel, eighPtrParallel) scale too, n = %i', async (n) => {
    const A = randomSym(n, 90 + n);
    const ref = L.eigh(shared, A, n, 'dc').values;
    const ar = shared.arena;
    for (const s of [1e-170, 1e200]) {
      const B = A.map((x) => x * s);
      for (const [name, run, ws] of [
        ['eighDcPtrParallel', L.eighDcPtrParallel, L.eighDcParallelWorkF64(n)],
        ['eighPtrParallel', L.eighPtrParallel, L.eighParallelWorkF64(n, 2)],
      ] as const) {
        const mk = ar.mark();
        try {
          const a = ar.copyIn(B),
            w = ar.allocF64(n),
            work = ar.allocF64(ws);
          expect(await run(shared, pool, a, n, w, work), `${name} s = ${s}`).toBe(0);
          const values = ar.f64(w, n).slice();
          expect(valueError(values, ref, s), `${name} s = ${s}`).toBeLessThan(1e-13);
          const c = vectorChecks(A, n, ar.f64(a, n * n).slice(), values, s);
          expect(c.resid, `${name} s = ${s}`).toBeLessThan(1e-13);
          expect(c.orth, `${name} s = ${s}`).toBeLessThan(1e-13);
        } finally {
          ar.reset(mk);
        }
      }
    }
  });
});
