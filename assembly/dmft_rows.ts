// Row-sweep building blocks shared by the SymmDMFT kernels (assembly/dmft.ts, uniform grid) and the
// adaptive-grid kernel (assembly/dmft_grid.ts): loads/stores, the power series h(x) with two
// derivatives (into g0, g1, g2) and the fused f64x2 sweeps (dot products into q1…q4). Not re-exported
// by assembly/index.ts: nothing here is a Wasm export. TS twins: src/ref/dmft.ts, src/ref/dmft_grid.ts.

@inline export function ld(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }
@inline export function st(p: usize, i: i32, v: f64): void { store<f64>(p + (<usize>i << 3), v); }
@inline export function P(par: usize, i: i32): f64 { return load<f64>(par + (<usize>i << 3)); }
@inline export function PP(par: usize, i: i32): usize { return <usize>load<f64>(par + (<usize>i << 3)); }
@inline export function tri(n: i32): usize { return (<usize>n * <usize>(n + 1)) >> 1; }

export let g0: f64 = 0;
export let g1: f64 = 0;
export let g2: f64 = 0;
export let q1: f64 = 0;
export let q2: f64 = 0;
export let q3: f64 = 0;
export let q4: f64 = 0;

/** Σ c_k x^k and its first two derivatives (Horner) into g0, g1, g2. */
@inline export function series(c: usize, nc: i32, x: f64): void {
  let p: f64 = 0, d1: f64 = 0, d2: f64 = 0;
  for (let k = nc - 1; k >= 0; k--) {
    d2 = d2 * x + d1;
    d1 = d1 * x + p;
    p = p * x + ld(c, k);
  }
  g0 = p; g1 = d1; g2 = 2 * d2;
}

/** Fused four dots over n entries: q1 = md·xd, q2 = mo·xo, q3 = md·xo, q4 = mo·xd. */
export function dot4(xd: usize, xo: usize, md: usize, mo: usize, n: i32): void {
  let s1: f64 = 0, s2: f64 = 0, s3: f64 = 0, s4: f64 = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    let a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0), a4 = f64x2.splat(0);
    for (; i + 1 < n; i += 2) {
      const o = <usize>i << 3;
      const vd = v128.load(xd + o), vo = v128.load(xo + o);
      const wd = v128.load(md + o), wo = v128.load(mo + o);
      a1 = f64x2.add(a1, f64x2.mul(wd, vd));
      a2 = f64x2.add(a2, f64x2.mul(wo, vo));
      a3 = f64x2.add(a3, f64x2.mul(wd, vo));
      a4 = f64x2.add(a4, f64x2.mul(wo, vd));
    }
    s1 = f64x2.extract_lane(a1, 0) + f64x2.extract_lane(a1, 1);
    s2 = f64x2.extract_lane(a2, 0) + f64x2.extract_lane(a2, 1);
    s3 = f64x2.extract_lane(a3, 0) + f64x2.extract_lane(a3, 1);
    s4 = f64x2.extract_lane(a4, 0) + f64x2.extract_lane(a4, 1);
  }
  for (; i < n; i++) {
    const vd = ld(xd, i), vo = ld(xo, i), wd = ld(md, i), wo = ld(mo, i);
    s1 += wd * vd; s2 += wo * vo; s3 += wd * vo; s4 += wo * vd;
  }
  q1 = s1; q2 = s2; q3 = s3; q4 = s4;
}

/** Fused row sweep: returns Σ_{i<n} x_i·w_i and does y_i += c·x_i for i < n (one read of x). */
export function dotaxpy1(x: usize, w: usize, y: usize, c: f64, n: i32): f64 {
  let s: f64 = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vc = f64x2.splat(c);
    let a0 = f64x2.splat(0);
    for (; i + 1 < n; i += 2) {
      const o = <usize>i << 3;
      const vx = v128.load(x + o);
      a0 = f64x2.add(a0, f64x2.mul(vx, v128.load(w + o)));
      v128.store(y + o, f64x2.add(v128.load(y + o), f64x2.mul(vc, vx)));
    }
    s = f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1);
  }
  for (; i < n; i++) {
    const vx = ld(x, i);
    s += vx * ld(w, i);
    st(y, i, ld(y, i) + c * vx);
  }
  return s;
}

/** Fused symv row for the (d, o) pair: q1 = Σ md·xd, q2 = Σ mo·xo, q3 = Σ md·xo, q4 = Σ mo·xd over i < n, and
 *  yd += cdd·xd + cdo·xo, yo += cod·xd + coo·xo over i < n (one read of the two rows). */
export function dot4axpy22(xd: usize, xo: usize, md: usize, mo: usize, yd: usize, yo: usize, cdd: f64, cdo: f64, cod: f64, coo: f64, n: i32): void {
  let s1: f64 = 0, s2: f64 = 0, s3: f64 = 0, s4: f64 = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    let a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0), a4 = f64x2.splat(0);
    const ca = f64x2.splat(cdd), cb = f64x2.splat(cdo), cc = f64x2.splat(cod), cd = f64x2.splat(coo);
    for (; i + 1 < n; i += 2) {
      const o = <usize>i << 3;
      const vd = v128.load(xd + o), vo = v128.load(xo + o);
      const wd = v128.load(md + o), wo = v128.load(mo + o);
      a1 = f64x2.add(a1, f64x2.mul(wd, vd));
      a2 = f64x2.add(a2, f64x2.mul(wo, vo));
      a3 = f64x2.add(a3, f64x2.mul(wd, vo));
      a4 = f64x2.add(a4, f64x2.mul(wo, vd));
      v128.store(yd + o, f64x2.add(v128.load(yd + o), f64x2.add(f64x2.mul(ca, vd), f64x2.mul(cb, vo))));
      v128.store(yo + o, f64x2.add(v128.load(yo + o), f64x2.add(f64x2.mul(cc, vd), f64x2.mul(cd, vo))));
    }
    s1 = f64x2.extract_lane(a1, 0) + f64x2.extract_lane(a1, 1);
    s2 = f64x2.extract_lane(a2, 0) + f64x2.extract_lane(a2, 1);
    s3 = f64x2.extract_lane(a3, 0) + f64x2.extract_lane(a3, 1);
    s4 = f64x2.extract_lane(a4, 0) + f64x2.extract_lane(a4, 1);
  }
  for (; i < n; i++) {
    const vd = ld(xd, i), vo = ld(xo, i), wd = ld(md, i), wo = ld(mo, i);
    s1 += wd * vd; s2 += wo * vo; s3 += wd * vo; s4 += wo * vd;
    st(yd, i, ld(yd, i) + (cdd * vd + cdo * vo));
    st(yo, i, ld(yo, i) + (cod * vd + coo * vo));
  }
  q1 = s1; q2 = s2; q3 = s3; q4 = s4;
}

