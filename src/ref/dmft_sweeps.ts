// TS twins of the SymmDMFT row sweeps in assembly/dmft_rows.ts and assembly/dmft.ts, in the order of
// operations of the scalar (non-SIMD) build, so a twin run equals the scalar build bit for bit:
// sweepVolterra (step 2, rows four at a time; sweepVolterraGrid on the adaptive grid) and sweepMemory
// (steps 7+8, rows two at a time), used by src/ref/dmft.ts (uniform grid) and src/ref/dmft_grid.ts
// (adaptive grid).
// Arrays are views: the lower triangles hold row r from index r(r+1)/2, the vectors from index 0.

type F64 = Float64Array;
const tri = (n: number): number => (n * (n + 1)) / 2;

/** Entries [i0, i1) of one row x (from index xo): returns Σ x_i·w_i and does y_i += c·x_i. Over
 *  [0, n) it is dotaxpy1 of assembly/dmft_rows.ts (scalar order), over a row's last entries rowTail. */
function tail(x: F64, xo: number, w: F64, y: F64, c: number, i0: number, i1: number): number {
  let s = 0;
  for (let i = i0; i < i1; i++) {
    const v = x[xo + i];
    s += v * w[i];
    y[i] = y[i] + c * v;
  }
  return s;
}

// Dot results of the multi-row passes (as q1…q4, u1…u4 in assembly/dmft_rows.ts): plain numbers, no
// arrays, so the twin stays a fair JIT-compiled baseline for the benches.
let q1 = 0,
  q2 = 0,
  q3 = 0,
  q4 = 0,
  u1 = 0,
  u2 = 0,
  u3 = 0,
  u4 = 0;

/** dotaxpy4: rows of x from indices o0…o3 over i < n, into q1…q4; y_i += Σ_j c_j·x_j,i. */
function dotaxpy4(x: F64, o0: number, o1: number, o2: number, o3: number, w: F64, y: F64, c0: number, c1: number, c2: number, c3: number, n: number): void {
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  for (let i = 0; i < n; i++) {
    const vw = w[i];
    const r0 = x[o0 + i],
      r1 = x[o1 + i],
      r2 = x[o2 + i],
      r3 = x[o3 + i];
    s0 += r0 * vw;
    s1 += r1 * vw;
    s2 += r2 * vw;
    s3 += r3 * vw;
    y[i] = y[i] + (c0 * r0 + c1 * r1 + (c2 * r2 + c3 * r3));
  }
  q1 = s0;
  q2 = s1;
  q3 = s2;
  q4 = s3;
}

/** Step 2's sweep over rows [r0, r1) of R_A and C_A: can[r] = R_A[r]·Σ_C, yR += −η Σ_R[r] R_A[r], and the
 *  symv yU of C_A with Σ_R. */
export function sweepVolterra(RA: F64, CA: F64, SigC: F64, SigR: F64, can: F64, yR: F64, yU: F64, eta: number, r0: number, r1: number): void {
  let r = r0;
  for (; r + 3 < r1; r += 4) {
    const o0 = tri(r),
      o1 = tri(r + 1),
      o2 = tri(r + 2),
      o3 = tri(r + 3);
    const s0 = SigR[r],
      s1 = SigR[r + 1],
      s2 = SigR[r + 2],
      s3 = SigR[r + 3];
    dotaxpy4(RA, o0, o1, o2, o3, SigC, yR, -eta * s0, -eta * s1, -eta * s2, -eta * s3, r + 1);
    can[r] = q1;
    can[r + 1] = q2 + tail(RA, o1, SigC, yR, -eta * s1, r + 1, r + 2);
    can[r + 2] = q3 + tail(RA, o2, SigC, yR, -eta * s2, r + 1, r + 3);
    can[r + 3] = q4 + tail(RA, o3, SigC, yR, -eta * s3, r + 1, r + 4);
    dotaxpy4(CA, o0, o1, o2, o3, SigR, yU, s0, s1, s2, s3, r);
    const d0 = q1,
      d1 = q2 + tail(CA, o1, SigR, yU, s1, r, r + 1);
    const d2 = q3 + tail(CA, o2, SigR, yU, s2, r, r + 2),
      d3 = q4 + tail(CA, o3, SigR, yU, s3, r, r + 3);
    yU[r] = yU[r] + (d0 + CA[o0 + r] * s0);
    yU[r + 1] = yU[r + 1] + (d1 + CA[o1 + r + 1] * s1);
    yU[r + 2] = yU[r + 2] + (d2 + CA[o2 + r + 2] * s2);
    yU[r + 3] = yU[r + 3] + (d3 + CA[o3 + r + 3] * s3);
  }
  for (; r < r1; r++) {
    const o = tri(r);
    const sr = SigR[r];
    can[r] = tail(RA, o, SigC, yR, -eta * sr, 0, r + 1);
    const cd = tail(CA, o, SigR, yU, sr, 0, r);
    yU[r] = yU[r] + (cd + CA[o + r] * sr);
  }
}

/** The adaptive grid's Volterra sweep (assembly/dmft_grid.ts step 2) over rows r < n: R_A's regular part
 *  (row r's entries < r) dotted with w Σ_C into can[r], its axpys −w_r Σ_R[r] R_A[r] into ran, the δ of R_A
 *  (ran[r] −= Σ_R[r]), and the symv of C_A with w Σ_R into U. */
export function sweepVolterraGrid(RA: F64, CA: F64, SigCw: F64, SigRw: F64, SigR: F64, can: F64, ran: F64, U: F64, n: number): void {
  const finish = (o: number, r: number, dc: number, du: number, sr: number): void => {
    can[r] = dc;
    ran[r] = ran[r] - SigR[r];
    U[r] = U[r] + (du + CA[o + r] * sr);
  };
  let r = 0;
  for (; r + 3 < n; r += 4) {
    const o0 = tri(r),
      o1 = tri(r + 1),
      o2 = tri(r + 2),
      o3 = tri(r + 3);
    const s0 = SigRw[r],
      s1 = SigRw[r + 1],
      s2 = SigRw[r + 2],
      s3 = SigRw[r + 3];
    dotaxpy4(RA, o0, o1, o2, o3, SigCw, ran, -s0, -s1, -s2, -s3, r);
    const c0 = q1,
      c1 = q2 + tail(RA, o1, SigCw, ran, -s1, r, r + 1);
    const c2 = q3 + tail(RA, o2, SigCw, ran, -s2, r, r + 2),
      c3 = q4 + tail(RA, o3, SigCw, ran, -s3, r, r + 3);
    dotaxpy4(CA, o0, o1, o2, o3, SigRw, U, s0, s1, s2, s3, r);
    const d0 = q1,
      d1 = q2 + tail(CA, o1, SigRw, U, s1, r, r + 1);
    const d2 = q3 + tail(CA, o2, SigRw, U, s2, r, r + 2),
      d3 = q4 + tail(CA, o3, SigRw, U, s3, r, r + 3);
    finish(o0, r, c0, d0, s0);
    finish(o1, r + 1, c1, d1, s1);
    finish(o2, r + 2, c2, d2, s2);
    finish(o3, r + 3, c3, d3, s3);
  }
  for (; r < n; r++) {
    const o = tri(r);
    const sr = SigRw[r];
    const dc = tail(RA, o, SigCw, ran, -sr, 0, r);
    const du = tail(CA, o, SigRw, U, sr, 0, r);
    finish(o, r, dc, du, sr);
  }
}

/** dot4axpy22: rows (xd, xo) from index o over i < n, dots into q1…q4 (w_d·x_d, w_o·x_o, w_d·x_o, w_o·x_d),
 *  yd += a·x_d + b·x_o, yo += c·x_d + d·x_o. */
function dot4axpy22(xd: F64, xo: F64, o: number, wd: F64, wo: F64, yd: F64, yo: F64, a: number, b: number, c: number, d: number, n: number): void {
  let s1 = 0,
    s2 = 0,
    s3 = 0,
    s4 = 0;
  for (let i = 0; i < n; i++) {
    const vd = xd[o + i],
      vo = xo[o + i],
      pd = wd[i],
      po = wo[i];
    s1 += pd * vd;
    s2 += po * vo;
    s3 += pd * vo;
    s4 += po * vd;
    yd[i] = yd[i] + (a * vd + b * vo);
    yo[i] = yo[i] + (c * vd + d * vo);
  }
  q1 = s1;
  q2 = s2;
  q3 = s3;
  q4 = s4;
}

/** dot4axpy22x2: the rows from o (coefficients a…d, dots into q1…q4) and from o1 (e…h, into u1…u4) at once. */
function dot4axpy22x2(
  xd: F64,
  xo: F64,
  o: number,
  o1: number,
  wd: F64,
  wo: F64,
  yd: F64,
  yo: F64,
  a: number,
  b: number,
  c: number,
  d: number,
  e: number,
  f: number,
  g: number,
  h: number,
  n: number,
): void {
  let s1 = 0,
    s2 = 0,
    s3 = 0,
    s4 = 0,
    t1 = 0,
    t2 = 0,
    t3 = 0,
    t4 = 0;
  for (let i = 0; i < n; i++) {
    const pd = wd[i],
      po = wo[i];
    const d0 = xd[o + i],
      e0 = xo[o + i],
      d1 = xd[o1 + i],
      e1 = xo[o1 + i];
    s1 += pd * d0;
    s2 += po * e0;
    s3 += pd * e0;
    s4 += po * d0;
    t1 += pd * d1;
    t2 += po * e1;
    t3 += pd * e1;
    t4 += po * d1;
    yd[i] = yd[i] + (a * d0 + b * e0 + (e * d1 + f * e1));
    yo[i] = yo[i] + (c * d0 + d * e0 + (g * d1 + h * e1));
  }
  q1 = s1;
  q2 = s2;
  q3 = s3;
  q4 = s4;
  u1 = t1;
  u2 = t2;
  u3 = t3;
  u4 = t4;
}

/** pairRows of assembly/dmft_rows.ts: rows r (from o) and r+1 (from o1) on entries < r+1 (dot4axpy22x2 on the
 *  common entries < r, then row r+1's entry r continuing u1…u4 and the axpy). */
function pairRows(
  xd: F64,
  xo: F64,
  o: number,
  o1: number,
  wd: F64,
  wo: F64,
  yd: F64,
  yo: F64,
  a: number,
  b: number,
  c: number,
  d: number,
  e: number,
  f: number,
  g: number,
  h: number,
  r: number,
): void {
  dot4axpy22x2(xd, xo, o, o1, wd, wo, yd, yo, a, b, c, d, e, f, g, h, r);
  const vd = xd[o1 + r],
    vo = xo[o1 + r],
    pd = wd[r],
    po = wo[r];
  u1 += pd * vd;
  u2 += po * vo;
  u3 += pd * vo;
  u4 += po * vd;
  yd[r] = yd[r] + (e * vd + f * vo);
  yo[r] = yo[r] + (g * vd + h * vo);
}

/** Steps 7+8's sweep over rows [r0, r1) of C_d, C_o, R_d, R_o: the symv with M_R into yUd/yUo, the dots with
 *  M_C and the response axpys into yD/yO. */
export function sweepMemory(
  Cd: F64,
  Co: F64,
  Rd: F64,
  Ro: F64,
  MRd: F64,
  MRo: F64,
  MCd: F64,
  MCo: F64,
  yUd: F64,
  yUo: F64,
  yD: F64,
  yO: F64,
  m: number,
  r0: number,
  r1: number,
): void {
  let r = r0;
  for (; r + 1 < r1; r += 2) {
    const o = tri(r),
      o1 = tri(r + 1);
    const md = MRd[r],
      mo = MRo[r];
    const c1 = (m - 1) * mo,
      c2 = md + (m - 2) * mo;
    const md1 = MRd[r + 1],
      mo1 = MRo[r + 1];
    const e1 = (m - 1) * mo1,
      e2 = md1 + (m - 2) * mo1;
    // C rows r and r+1 on entries < r+1, then the diagonals (dot only)
    pairRows(Cd, Co, o, o1, MRd, MRo, yUd, yUo, md, c1, mo, c2, md1, e1, mo1, e2, r);
    const xdd = Cd[o + r],
      xoo = Co[o + r];
    let ud = q1 + md * xdd + (m - 1) * (q2 + mo * xoo);
    let uo = q3 + md * xoo + (q4 + mo * xdd) + (m - 2) * (q2 + mo * xoo);
    const ydd = Cd[o1 + r + 1],
      yoo = Co[o1 + r + 1];
    let ud1 = u1 + md1 * ydd + (m - 1) * (u2 + mo1 * yoo);
    let uo1 = u3 + md1 * yoo + (u4 + mo1 * ydd) + (m - 2) * (u2 + mo1 * yoo);
    // R rows r and r+1 likewise (their diagonals are 0)
    pairRows(Rd, Ro, o, o1, MCd, MCo, yD, yO, md, c1, mo, c2, md1, e1, mo1, e2, r);
    ud += q1 + (m - 1) * q2;
    uo += q3 + q4 + (m - 2) * q2;
    ud1 += u1 + (m - 1) * u2;
    uo1 += u3 + u4 + (m - 2) * u2;
    yUd[r] = yUd[r] + ud;
    yUo[r] = yUo[r] + uo;
    yUd[r + 1] = yUd[r + 1] + ud1;
    yUo[r + 1] = yUo[r + 1] + uo1;
  }
  if (r < r1) {
    const o = tri(r);
    const md = MRd[r],
      mo = MRo[r];
    const c1 = (m - 1) * mo,
      c2 = md + (m - 2) * mo;
    dot4axpy22(Cd, Co, o, MRd, MRo, yUd, yUo, md, c1, mo, c2, r);
    const xdd = Cd[o + r],
      xoo = Co[o + r];
    let ud = q1 + md * xdd + (m - 1) * (q2 + mo * xoo);
    let uo = q3 + md * xoo + (q4 + mo * xdd) + (m - 2) * (q2 + mo * xoo);
    dot4axpy22(Rd, Ro, o, MCd, MCo, yD, yO, md, c1, mo, c2, r);
    ud += q1 + (m - 1) * q2;
    uo += q3 + q4 + (m - 2) * q2;
    yUd[r] = yUd[r] + ud;
    yUo[r] = yUo[r] + uo;
  }
}
