// Coarse performance guards (engineering.md §4/§7): catch a ≥3× regression (e.g. Liftoff, a lost
// SIMD path, a de-blocked loop) using ratios to the TS twin measured in the same process, so machine
// load mostly cancels. Budgets are far from the measured ratios (gram ≈ 9×, eigh ≈ 10×).
import { describe, expect, it } from 'vitest';
import { loadWasm } from '../../src/wasm/runtime.js';
import { gram as gramTs } from '../../src/ref/blas.js';
import { eigh as eighTs } from '../../src/ref/eigh.js';
import { randomSym } from './helpers.js';

function best(f: () => void, reps: number): number {
  let b = Infinity;
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    f();
    b = Math.min(b, performance.now() - t);
  }
  return b;
}

describe('performance guards (ratios to the TS twin)', () => {
  it('Gram (n=512, d=256): Wasm SIMD ≥ 3× the TS twin', async () => {
    const rt = await loadWasm({ variant: 'release' });
    const n = 512,
      d = 256;
    const X = Float64Array.from({ length: n * d }, (_, i) => Math.sin(i));
    const x = rt.arena.copyIn(X),
      g = rt.arena.allocF64(n * n);
    const tW = best(() => {
      rt.exports.gram_sym_f64(x, n, d, g, 1, 0, n);
      rt.exports.mirror_lower_f64(g, n, 0, n);
    }, 5);
    const G = new Float64Array(n * n);
    const tT = best(() => gramTs(X, n, d, 1, G), 3);
    expect(Number.isFinite(rt.arena.f64(g, 1)[0])).toBe(true);
    expect(tT / tW).toBeGreaterThan(3);
  });
  it('eigh (n=256): Wasm SIMD ≥ 3× the TS twin', async () => {
    const rt = await loadWasm({ variant: 'release' });
    const n = 256;
    const A = randomSym(n, 1);
    const a = rt.arena.allocF64(n * n),
      w = rt.arena.allocF64(n),
      work = rt.arena.allocF64(3 * n);
    const tW = best(() => {
      rt.arena.f64(a, n * n).set(A);
      expect(rt.exports.eigh_f64(a, n, w, work)).toBe(0);
    }, 5);
    const tT = best(() => eighTs(A, n), 3);
    expect(tT / tW).toBeGreaterThan(3);
  });
});
