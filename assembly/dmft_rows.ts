// Row-sweep building blocks shared by the SymmDMFT kernels (assembly/dmft.ts, uniform grid) and the
// adaptive-grid kernel (assembly/dmft_grid.ts): loads/stores, the power series h(x) with two
// derivatives (into g0, g1, g2), the fused f64x2 sweeps (dot products into q1…q4, a second row's into
// u1…u4) and the C/R sweep both grids run (sweepMemory). Not re-exported
// by assembly/index.ts: nothing here is a Wasm export. TS twins: src/ref/dmft.ts, src/ref/dmft_grid.ts.

@inline export function ld(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }
@inline export function st(p: usize, i: i32, v: f64): void { store<f64>(p + (<usize>i << 3), v); }
@inline export function P(par: usize, i: i32): f64 { return load<f64>(par + (<usize>i << 3)); }
@inline export function PP(par: usize, i: i32): usize { return <usize>load<f64>(par + (<usize>i << 3)); }
@inline export function tri(n: i32): usize { return (<usize>n * <usize>(n + 1)) >> 1; }

/** Lane 0 + lane 1 of an f64x2 (the order every sweep's scalar twin follows). */
@inline function hsum(v: v128): f64 { return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1); }

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
    s1 = hsum(a1);
    s2 = hsum(a2);
    s3 = hsum(a3);
    s4 = hsum(a4);
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
    s = hsum(a0);
  }
  return rowTail(x, w, y, c, i, n, s);
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
    s1 = hsum(a1);
    s2 = hsum(a2);
    s3 = hsum(a3);
    s4 = hsum(a4);
  }
  for (; i < n; i++) {
    const vd = ld(xd, i), vo = ld(xo, i), wd = ld(md, i), wo = ld(mo, i);
    s1 += wd * vd; s2 += wo * vo; s3 += wd * vo; s4 += wo * vd;
    st(yd, i, ld(yd, i) + (cdd * vd + cdo * vo));
    st(yo, i, ld(yo, i) + (cod * vd + coo * vo));
  }
  q1 = s1; q2 = s2; q3 = s3; q4 = s4;
}


// Second-row results of the two-row sweeps below (u1…u4 as q1…q4).
export let u1: f64 = 0;
export let u2: f64 = 0;
export let u3: f64 = 0;
export let u4: f64 = 0;

/** dot4axpy22 on two row pairs at once over their common i < n: rows (xd0, xo0) with coefficients
 *  (cdd0, cdo0, cod0, coo0) into q1…q4, rows (xd1, xo1) with (cdd1, …) into u1…u4, both axpys into the
 *  same yd, yo. One pass serves two rows: the weights and y are loaded (and y stored) once per two row
 *  entries, and twice the row streams are in flight (more memory-level parallelism: the uniform-grid
 *  sweeps stream arrays larger than the cache). */
export function dot4axpy22x2(
  xd0: usize, xo0: usize, xd1: usize, xo1: usize, md: usize, mo: usize, yd: usize, yo: usize,
  cdd0: f64, cdo0: f64, cod0: f64, coo0: f64, cdd1: f64, cdo1: f64, cod1: f64, coo1: f64, n: i32,
): void {
  let s1: f64 = 0, s2: f64 = 0, s3: f64 = 0, s4: f64 = 0;
  let t1: f64 = 0, t2: f64 = 0, t3: f64 = 0, t4: f64 = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    let a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0), a4 = f64x2.splat(0);
    let b1 = f64x2.splat(0), b2 = f64x2.splat(0), b3 = f64x2.splat(0), b4 = f64x2.splat(0);
    for (; i + 1 < n; i += 2) {
      const o = <usize>i << 3;
      const wd = v128.load(md + o), wo = v128.load(mo + o);
      const d0 = v128.load(xd0 + o), e0 = v128.load(xo0 + o);
      a1 = f64x2.add(a1, f64x2.mul(wd, d0));
      a2 = f64x2.add(a2, f64x2.mul(wo, e0));
      a3 = f64x2.add(a3, f64x2.mul(wd, e0));
      a4 = f64x2.add(a4, f64x2.mul(wo, d0));
      const d1 = v128.load(xd1 + o), e1 = v128.load(xo1 + o);
      b1 = f64x2.add(b1, f64x2.mul(wd, d1));
      b2 = f64x2.add(b2, f64x2.mul(wo, e1));
      b3 = f64x2.add(b3, f64x2.mul(wd, e1));
      b4 = f64x2.add(b4, f64x2.mul(wo, d1));
      // the eight coefficients are splatted here, not hoisted: hoisted they would be 8 more live
      // vectors next to the 8 accumulators, past V8's 16 xmm registers
      const gd = f64x2.add(f64x2.add(f64x2.mul(f64x2.splat(cdd0), d0), f64x2.mul(f64x2.splat(cdo0), e0)),
                           f64x2.add(f64x2.mul(f64x2.splat(cdd1), d1), f64x2.mul(f64x2.splat(cdo1), e1)));
      const go = f64x2.add(f64x2.add(f64x2.mul(f64x2.splat(cod0), d0), f64x2.mul(f64x2.splat(coo0), e0)),
                           f64x2.add(f64x2.mul(f64x2.splat(cod1), d1), f64x2.mul(f64x2.splat(coo1), e1)));
      v128.store(yd + o, f64x2.add(v128.load(yd + o), gd));
      v128.store(yo + o, f64x2.add(v128.load(yo + o), go));
    }
    s1 = hsum(a1);
    s2 = hsum(a2);
    s3 = hsum(a3);
    s4 = hsum(a4);
    t1 = hsum(b1);
    t2 = hsum(b2);
    t3 = hsum(b3);
    t4 = hsum(b4);
  }
  for (; i < n; i++) {
    const wd = ld(md, i), wo = ld(mo, i);
    const d0 = ld(xd0, i), e0 = ld(xo0, i), d1 = ld(xd1, i), e1 = ld(xo1, i);
    s1 += wd * d0; s2 += wo * e0; s3 += wd * e0; s4 += wo * d0;
    t1 += wd * d1; t2 += wo * e1; t3 += wd * e1; t4 += wo * d1;
    st(yd, i, ld(yd, i) + ((cdd0 * d0 + cdo0 * e0) + (cdd1 * d1 + cdo1 * e1)));
    st(yo, i, ld(yo, i) + ((cod0 * d0 + coo0 * e0) + (cod1 * d1 + coo1 * e1)));
  }
  q1 = s1; q2 = s2; q3 = s3; q4 = s4;
  u1 = t1; u2 = t2; u3 = t3; u4 = t4;
}

// Entries [i0, i1) of one row x: returns s0 + Σ x_i·w_i (summed in order) and does y_i += c·x_i (the
// few entries a row of a four-row block has beyond the block's common part; dotaxpy1's scalar part).
@inline export function rowTail(x: usize, w: usize, y: usize, c: f64, i0: i32, i1: i32, s0: f64 = 0): f64 {
  let s = s0;
  for (let i = i0; i < i1; i++) {
    const v = ld(x, i);
    s += v * ld(w, i);
    st(y, i, ld(y, i) + c * v);
  }
  return s;
}

/** dotaxpy1 on four rows x0…x3 (coefficients c0…c3) over their common i < n: q1…q4 = Σ x_j·w, and
 *  y_i += Σ_j c_j·x_j,i. Four row streams in flight, w and y touched once per four row entries (see
 *  dot4axpy22x2 for why several rows). blas.ts dot4_f64 followed by axpy4_f64 computes the same in two
 *  passes over the rows; the sweeps stream rows from memory, so here it is one. */
export function dotaxpy4(x0: usize, x1: usize, x2: usize, x3: usize, w: usize, y: usize, c0: f64, c1: f64, c2: f64, c3: f64, n: i32): void {
  let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const v0 = f64x2.splat(c0), v1 = f64x2.splat(c1), v2 = f64x2.splat(c2), v3 = f64x2.splat(c3);
    let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
    for (; i + 1 < n; i += 2) {
      const o = <usize>i << 3;
      const vw = v128.load(w + o);
      const r0 = v128.load(x0 + o), r1 = v128.load(x1 + o), r2 = v128.load(x2 + o), r3 = v128.load(x3 + o);
      a0 = f64x2.add(a0, f64x2.mul(r0, vw));
      a1 = f64x2.add(a1, f64x2.mul(r1, vw));
      a2 = f64x2.add(a2, f64x2.mul(r2, vw));
      a3 = f64x2.add(a3, f64x2.mul(r3, vw));
      const g = f64x2.add(f64x2.add(f64x2.mul(v0, r0), f64x2.mul(v1, r1)), f64x2.add(f64x2.mul(v2, r2), f64x2.mul(v3, r3)));
      v128.store(y + o, f64x2.add(v128.load(y + o), g));
    }
    s0 = hsum(a0);
    s1 = hsum(a1);
    s2 = hsum(a2);
    s3 = hsum(a3);
  }
  for (; i < n; i++) {
    const vw = ld(w, i);
    const r0 = ld(x0, i), r1 = ld(x1, i), r2 = ld(x2, i), r3 = ld(x3, i);
    s0 += r0 * vw; s1 += r1 * vw; s2 += r2 * vw; s3 += r3 * vw;
    st(y, i, ld(y, i) + ((c0 * r0 + c1 * r1) + (c2 * r2 + c3 * r3)));
  }
  q1 = s0; q2 = s1; q3 = s2; q4 = s3;
}

// A row pair r (xd0, xo0) and r+1 (xd1, xo1) on the entries < r+1: dot4axpy22x2 on their common
// entries < r, then row r+1's entry r, continuing its dots u1…u4 and the axpy into yd, yo.
@inline function pairRows(
  xd0: usize, xo0: usize, xd1: usize, xo1: usize, md: usize, mo: usize, yd: usize, yo: usize,
  cdd0: f64, cdo0: f64, cod0: f64, coo0: f64, cdd1: f64, cdo1: f64, cod1: f64, coo1: f64, r: i32,
): void {
  dot4axpy22x2(xd0, xo0, xd1, xo1, md, mo, yd, yo, cdd0, cdo0, cod0, coo0, cdd1, cdo1, cod1, coo1, r);
  const xd = ld(xd1, r), xo = ld(xo1, r), wd = ld(md, r), wo = ld(mo, r);
  u1 += wd * xd; u2 += wo * xo; u3 += wd * xo; u4 += wo * xd;
  st(yd, r, ld(yd, r) + (cdd1 * xd + cdo1 * xo));
  st(yo, r, ld(yo, r) + (cod1 * xd + coo1 * xo));
}

/** Steps 7+8's sweep (dmft.ts step, dmft_grid.ts D31–D32) over rows r ∈ [r0, r1) of C_d, C_o, R_d, R_o: symv
 *  with M_R into yUd/yUo, dots with M_C and response axpys into yD/yO. Rows go two at a time (dot4axpy22x2; on two workers the
 *  split rows are even, so one thread and two workers group the same rows). Four rows at a time (two dots per row with combined weights, to fit the
 *  registers) measured the same: this sweep does 16 flops per 32 bytes of rows and is compute-bound. */
export function sweepMemory(Cd: usize, Co: usize, Rd: usize, Ro: usize, MRd: usize, MRo: usize, MCd: usize, MCo: usize,
                     yUd: usize, yUo: usize, yD: usize, yO: usize, m: f64, r0: i32, r1: i32): void {
  let r = r0;
  for (; r + 1 < r1; r += 2) {
    const orr = tri(r) << 3, or1 = tri(r + 1) << 3;
    const cdr = Cd + orr, cor = Co + orr, rdr = Rd + orr, ror = Ro + orr;
    const cdr1 = Cd + or1, cor1 = Co + or1, rdr1 = Rd + or1, ror1 = Ro + or1;
    const md = ld(MRd, r), mo = ld(MRo, r);
    const c1 = (m - 1) * mo, c2 = md + (m - 2) * mo;
    const md1 = ld(MRd, r + 1), mo1 = ld(MRo, r + 1);
    const e1 = (m - 1) * mo1, e2 = md1 + (m - 2) * mo1;
    // C rows r and r+1 on entries < r+1, then the diagonals (dot only)
    pairRows(cdr, cor, cdr1, cor1, MRd, MRo, yUd, yUo, md, c1, mo, c2, md1, e1, mo1, e2, r);
    const xdd = ld(cdr, r), xoo = ld(cor, r);
    let ud = (q1 + md * xdd) + (m - 1) * (q2 + mo * xoo);
    let uo = (q3 + md * xoo) + (q4 + mo * xdd) + (m - 2) * (q2 + mo * xoo);
    const ydd = ld(cdr1, r + 1), yoo = ld(cor1, r + 1);
    let ud1 = (u1 + md1 * ydd) + (m - 1) * (u2 + mo1 * yoo);
    let uo1 = (u3 + md1 * yoo) + (u4 + mo1 * ydd) + (m - 2) * (u2 + mo1 * yoo);
    // R rows r and r+1 likewise (their diagonals are 0: nothing after the entries < r+1)
    pairRows(rdr, ror, rdr1, ror1, MCd, MCo, yD, yO, md, c1, mo, c2, md1, e1, mo1, e2, r);
    ud += q1 + (m - 1) * q2;
    uo += q3 + q4 + (m - 2) * q2;
    ud1 += u1 + (m - 1) * u2;
    uo1 += u3 + u4 + (m - 2) * u2;
    st(yUd, r, ld(yUd, r) + ud);
    st(yUo, r, ld(yUo, r) + uo);
    st(yUd, r + 1, ld(yUd, r + 1) + ud1);
    st(yUo, r + 1, ld(yUo, r + 1) + uo1);
  }
  if (r < r1) {
    const orr = tri(r) << 3;
    const cdr = Cd + orr, cor = Co + orr, rdr = Rd + orr, ror = Ro + orr;
    const md = ld(MRd, r), mo = ld(MRo, r);
    const c1 = (m - 1) * mo, c2 = md + (m - 2) * mo;
    dot4axpy22(cdr, cor, MRd, MRo, yUd, yUo, md, c1, mo, c2, r);
    const xdd = ld(cdr, r), xoo = ld(cor, r); // diagonal entries: dot only
    let ud = (q1 + md * xdd) + (m - 1) * (q2 + mo * xoo);
    let uo = (q3 + md * xoo) + (q4 + mo * xdd) + (m - 2) * (q2 + mo * xoo);
    dot4axpy22(rdr, ror, MCd, MCo, yD, yO, md, c1, mo, c2, r);
    ud += q1 + (m - 1) * q2;
    uo += q3 + q4 + (m - 2) * q2;
    st(yUd, r, ld(yUd, r) + ud);
    st(yUo, r, ld(yUo, r) + uo);
  }
}
