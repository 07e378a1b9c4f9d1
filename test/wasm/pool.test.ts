import { afterAll, describe, expect, it } from 'vitest';
import { loadWasm } from '../../src/wasm/runtime.js';
import { InlineExecutor, WorkerPool } from '../../src/wasm/exec.js';

describe('worker pool over shared memory', () => {
  let pool: WorkerPool | undefined;
  afterAll(async () => pool?.close());

  it('workers see the host writes and return the same results as the inline executor', async () => {
    const rt = await loadWasm({ shared: true });
    pool = await WorkerPool.create(rt, 2);
    expect(pool.width).toBe(2);
    const n = 100_000;
    const p = rt.arena.allocF64(n);
    const v = rt.arena.f64(p, n);
    for (let i = 0; i < n; i++) v[i] = Math.sin(i);
    const inline = new InlineExecutor(rt);
    const want = await inline.call('sum_f64', p, n);
    const half = n / 2;
    const parts = await Promise.all([pool.call('sum_f64', p, half), pool.call('sum_f64', p + half * 8, half)]);
    const whole = await Promise.all(Array.from({ length: 6 }, () => pool!.call('sum_f64', p, n)));
    for (const w of whole) expect(w).toBe(want);
    expect(parts[0] + parts[1]).toBeCloseTo(want, 9);
  });

  it('a bad kernel name rejects without killing the pool', async () => {
    // @ts-expect-error a name the module does not export is a type error; the pool still rejects it at run time
    await expect(pool!.call('no_such_kernel')).rejects.toThrow(/no kernel named/);
    expect(await pool!.call('simd_enabled')).toBe(1);
  });
});
