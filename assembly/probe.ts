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
