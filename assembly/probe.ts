// Tells the host which build it runs and where the kernels' static data ends.
export function heap_base(): usize { return __heap_base; }
export function simd_enabled(): i32 { return ASC_FEATURE_SIMD ? 1 : 0; }

export function sum_f64(p: usize, n: i32): f64 {
  let s: f64 = 0;
  if (ASC_FEATURE_SIMD) {
    let acc = f64x2.splat(0);
    let i = 0;
    for (; i + 1 < n; i += 2) acc = f64x2.add(acc, v128.load(p + (<usize>i << 3)));
    s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
    for (; i < n; i++) s += load<f64>(p + (<usize>i << 3));
  } else {
    for (let i = 0; i < n; i++) s += load<f64>(p + (<usize>i << 3));
  }
  return s;
}

/** Read bandwidth probe: sums n f64 at p as `streams` (1 or 4) equal contiguous parts read side by side,
 *  four vector accumulators, so the add chain is not the limit (sum_f64 has one chain). On the 2-core
 *  test machine over 256 MiB: sum_f64 8.2 GB/s, this probe 9.3 (one stream) and 13.0 (four streams).
 *  n a multiple of 8·streams; another `streams` value returns NaN. Used by the benches as the baseline
 *  of memory-bound sweeps. */
export function stream_read_f64(p: usize, n: i32, streams: i32): f64 {
  if (streams != 1 && streams != 4) return NaN;
  if (!ASC_FEATURE_SIMD) {
    let s: f64 = 0;
    for (let i = 0; i < n; i++) s += load<f64>(p + (<usize>i << 3));
    return s;
  }
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
  if (streams == 1) {
    for (let i = 0; i + 7 < n; i += 8) {
      const o = p + (<usize>i << 3);
      a0 = f64x2.add(a0, v128.load(o)); a1 = f64x2.add(a1, v128.load(o, 16));
      a2 = f64x2.add(a2, v128.load(o, 32)); a3 = f64x2.add(a3, v128.load(o, 48));
    }
  } else {
    const q = <usize>(n >> 2) << 3;
    for (let i = 0; i + 1 < n >> 2; i += 2) {
      const o = p + (<usize>i << 3);
      a0 = f64x2.add(a0, v128.load(o)); a1 = f64x2.add(a1, v128.load(o + q));
      a2 = f64x2.add(a2, v128.load(o + 2 * q)); a3 = f64x2.add(a3, v128.load(o + 3 * q));
    }
  }
  const s = f64x2.add(f64x2.add(a0, a1), f64x2.add(a2, a3));
  return f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
}
