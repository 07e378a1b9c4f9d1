import { describe, expect, it } from 'vitest';
import { loadWasm, relaxedSimdSupported, simdSupported } from '../../src/wasm/runtime.js';
import { gemm } from '../../src/linalg/index.js';
import { MemoryBudgetError } from '../../src/wasm/arena.js';

describe('wasm runtime', () => {
  it('loads the SIMD and scalar builds and both sum the same', async () => {
    expect(await simdSupported()).toBe(true);
    const simd = await loadWasm({ variant: 'release' });
    const scalar = await loadWasm({ variant: 'scalar' });
    expect(simd.simd).toBe(true);
    expect(scalar.simd).toBe(false);
    for (const rt of [simd, scalar]) {
      const n = 1001;
      const p = rt.arena.allocF64(n);
      const v = rt.arena.f64(p, n);
      for (let i = 0; i < n; i++) v[i] = i + 1;
      expect(rt.exports.sum_f64(p, n)).toBe((n * (n + 1)) / 2);
      expect(rt.exports.sum_f64(p, 0)).toBe(0);
    }
  });

  it("stream_read_f64 (the benches' bandwidth baseline) reads every entry once, as one stream or four", async () => {
    for (const variant of ['release', 'scalar'] as const) {
      const rt = await loadWasm({ variant });
      const n = 4096;
      const p = rt.arena.allocF64(n);
      const v = rt.arena.f64(p, n);
      for (let i = 0; i < n; i++) v[i] = i + 1; // integers: every summation order gives the exact total
      expect(rt.exports.stream_read_f64(p, n, 1)).toBe((n * (n + 1)) / 2);
      expect(rt.exports.stream_read_f64(p, n, 4)).toBe((n * (n + 1)) / 2);
      expect(rt.exports.stream_read_f64(p, n, 3)).toBeNaN();
    }
  });

  it('the relaxed-SIMD build: chosen by default where it validates, off by option or LEARNDYN_RELAXED_SIMD=0, same products to rounding', async () => {
    // Node 20 validates it once V8's --experimental-wasm-relaxed-simd is set (relaxedSimdSupported does that)
    expect(await relaxedSimdSupported()).toBe(true);
    const relaxed = await loadWasm();
    const plain = await loadWasm({ relaxed: false });
    expect(relaxed.relaxedSimd).toBe(true);
    expect(relaxed.features().relaxedSimd).toBe(true);
    expect(plain.relaxedSimd).toBe(false);
    expect((await loadWasm({ shared: true })).relaxedSimd).toBe(true);
    expect((await loadWasm({ variant: 'scalar' })).relaxedSimd).toBe(false);
    const before = process.env.LEARNDYN_RELAXED_SIMD;
    process.env.LEARNDYN_RELAXED_SIMD = '0';
    try {
      expect((await loadWasm()).relaxedSimd).toBe(false);
    } finally {
      if (before === undefined) delete process.env.LEARNDYN_RELAXED_SIMD;
      else process.env.LEARNDYN_RELAXED_SIMD = before;
    }
    // the packed GEMM (the kernel that uses relaxed_madd) against the plain build and a direct sum
    const m = 37,
      k = 300,
      n = 41;
    const A = Float64Array.from({ length: m * k }, (_, i) => Math.sin(i * 0.37));
    const B = Float64Array.from({ length: k * n }, (_, i) => Math.cos(i * 0.11));
    const cr = gemm(relaxed, A, B, m, k, n),
      cp = gemm(plain, A, B, m, k, n);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0,
          a = 0;
        for (let p = 0; p < k; p++) {
          s += A[i * k + p] * B[p * n + j];
          a += Math.abs(A[i * k + p] * B[p * n + j]);
        }
        expect(Math.abs(cr[i * n + j] - s)).toBeLessThan(1e-14 * a);
        expect(Math.abs(cp[i * n + j] - s)).toBeLessThan(1e-14 * a);
      }
  });

  it('arena grows memory, views stay usable after growth, mark/reset is LIFO', async () => {
    const rt = await loadWasm({ variant: 'release' });
    const a = rt.arena;
    const m = a.mark();
    const p1 = a.allocF64(10);
    a.f64(p1, 10).fill(3);
    const before = rt.memory.buffer.byteLength;
    const p2 = a.allocF64(4 * 1024 * 1024); // 32 MiB forces growth
    expect(rt.memory.buffer.byteLength).toBeGreaterThan(before);
    expect(a.f64(p1, 10)[9]).toBe(3);
    expect(p2 % 64).toBe(0);
    expect(p1).toBeGreaterThanOrEqual(rt.exports.heap_base());
    a.reset(m);
    expect(a.mark()).toBe(m);
  });

  it('refuses allocations over the budget with the estimate', async () => {
    const rt = await loadWasm({ variant: 'release', budgetBytes: 1 << 20 });
    expect(() => rt.arena.allocF64(1 << 18)).toThrow(MemoryBudgetError);
    try {
      rt.arena.allocF64(1 << 18);
    } catch (e) {
      expect(String((e as Error).message)).toMatch(/2\.0 MiB exceeds .* 1\.0 MiB/);
    }
  });

  it('threads build uses shared memory', async () => {
    const rt = await loadWasm({ shared: true });
    expect(rt.shared).toBe(true);
    expect(rt.memory.buffer).toBeInstanceOf(SharedArrayBuffer);
  });
});
