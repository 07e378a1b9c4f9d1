// SymmDMFT on a non-uniform time grid (issue 11): the Wasm kernel of src/dmft/grid.ts; TS twin gridRow /
// gridUpdate in src/ref/dmft_grid.ts (same order of operations as the scalar build). The scheme is dmft.md §6
// (D26–D32) with left-Riemann weights w_s = t_{s+1} − t_s and the δ parts (R_A's δ, the local term of M_R)
// taken with unit weight at s = n; row n is independent of the step Δ_n, so the host's step controller can
// retry gridUpdate alone after a rejection. Storage: lower triangles (row n at n(n+1)/2), R_A regular part
// only (R_A[n][n] slot = 0).
//
// Parameter block: slots DMFT_GRID_PAR (GRID_*) of codegen/contract.mjs, generated into ./gen/dmft_layout.

import {
  DMFT_GRID_WORK_ROWS as GRID_WORK_ROWS,
  GRID_A, GRID_CA, GRID_CAP, GRID_CD, GRID_CO, GRID_ETR, GRID_ETS, GRID_FROZEN, GRID_HC, GRID_IMEX, GRID_K, GRID_M, GRID_NH, GRID_NPH, GRID_NU, GRID_OUT_ADOT, GRID_OUT_I, GRID_OUT_LD, GRID_OUT_LO, GRID_OUT_NU, GRID_OUT_VE, GRID_PHC, GRID_PHI2, GRID_PHV, GRID_RA, GRID_RD, GRID_RO, GRID_SPHERICAL, GRID_T, GRID_TAU2, GRID_V, GRID_WORK,
} from "./gen/dmft_layout";

import { ld, st, P, PP, tri, g0, g1, g2, q1, q2, q3, q4, series, dotaxpy1, dotaxpy4, rowTail, sweepMemory } from "./dmft_rows";
@inline function row(p: usize, n: i32): usize { return p + (tri(n) << 3); }

// Row r of the Volterra sweep once its dots are in: C_A[n][r] = dc, R_A[n][r] −= Σ_R[r] (the δ of R_A at
// s = r), U[r] += du + C_A[r][r]·w_r Σ_R[r].
@inline function volterraFinish(can: usize, ran: usize, Ud: usize, SigR: usize, car: usize, r: i32, dc: f64, du: f64, sr: f64): void {
  st(can, r, dc);
  st(ran, r, ld(ran, r) - ld(SigR, r));
  st(Ud, r, ld(Ud, r) + (du + ld(car, r) * sr));
}


/** Work rows per unit capacity (the host allocates dmft_grid_work_rows()·cap f64). */
export function dmft_grid_work_rows(): i32 { return GRID_WORK_ROWS; }

/** Row n: Σ rows, Volterra rows n of R_A, C_A, observables at t_n, ν, kernels, explicit derivative parts
 *  (work rows Ed, Eo, Fd, Fo; scalars into par[GRID_OUT_NU..GRID_OUT_VE]). Returns 1 if finite, 0 otherwise. */
export function dmft_grid_row(par: usize, n: i32): i32 {
  const cap = <i32>P(par, GRID_CAP);
  const m = P(par, GRID_M), K = P(par, GRID_K), tau2 = P(par, GRID_TAU2), phi2 = P(par, GRID_PHI2);
  const spherical = P(par, GRID_SPHERICAL) != 0, imex = P(par, GRID_IMEX) != 0, frozen = P(par, GRID_FROZEN) != 0;
  const nh = <i32>P(par, GRID_NH), nph = <i32>P(par, GRID_NPH);
  const hc = PP(par, GRID_HC), phc = PP(par, GRID_PHC);
  const T = PP(par, GRID_T), Cd = PP(par, GRID_CD), Co = PP(par, GRID_CO), CA = PP(par, GRID_CA), Rd = PP(par, GRID_RD), Ro = PP(par, GRID_RO), RA = PP(par, GRID_RA);
  const A = PP(par, GRID_A), V = PP(par, GRID_V), PHV = PP(par, GRID_PHV), NU = PP(par, GRID_NU), ETR = PP(par, GRID_ETR), ETS = PP(par, GRID_ETS);
  const W = PP(par, GRID_WORK);
  const c8 = <usize>cap << 3;
  const w = W, SigC = W + c8, SigR = W + 2 * c8, SigCw = W + 3 * c8, SigRw = W + 4 * c8;
  const Hd = W + 5 * c8, Ho = W + 6 * c8, H1d = W + 7 * c8, H1o = W + 8 * c8, H2d = W + 9 * c8, H2o = W + 10 * c8;
  const MRd = W + 11 * c8, MRo = W + 12 * c8, MCd = W + 13 * c8, MCo = W + 14 * c8;
  const Ud = W + 15 * c8, Uo = W + 16 * c8, accD = W + 17 * c8, accO = W + 18 * c8;
  const Ed = W + 19 * c8, Eo = W + 20 * c8, Fd = W + 21 * c8, Fo = W + 22 * c8;
  const im = 1.0 / m, wo = (m - 1) / m;
  const cdn = row(Cd, n), con = row(Co, n), can = row(CA, n), rdn = row(Rd, n), ron = row(Ro, n), ran = row(RA, n);
  const an = ld(A, n), vn = ld(V, n), phn = ld(PHV, n);
  series(phc, nph, vn);
  const php = g1;

  // 1. Σ rows (D26), h, h′, h″ on row n; weights w_s = Δ_s.
  const base = tau2 + phi2 - an * phn;
  for (let l = 0; l <= n; l++) {
    const al = ld(A, l);
    series(hc, nh, ld(cdn, l));
    const hd = g0, h1d = g1, h2d = g2;
    series(hc, nh, ld(con, l));
    st(Hd, l, hd); st(Ho, l, g0); st(H1d, l, h1d); st(H1o, l, g1); st(H2d, l, h2d); st(H2o, l, g2);
    const sc = base - al * ld(PHV, l) + an * al * (im * hd + wo * g0);
    st(SigC, l, sc);
    if (l < n) {
      const wl = ld(T, l + 1) - ld(T, l);
      const sr = an * al * (im * h1d * ld(rdn, l) + wo * g1 * ld(ron, l));
      st(w, l, wl); st(SigR, l, sr); st(SigCw, l, wl * sc); st(SigRw, l, wl * sr);
    } else {
      st(w, l, 0); st(SigR, l, 0); st(SigCw, l, 0); st(SigRw, l, 0);
    }
  }

  // 2. Volterra rows (D27), δ of R_A explicit.
  for (let l = 0; l <= n; l++) { st(ran, l, 0); st(Ud, l, 0); }
  // rows four at a time (dotaxpy4 on the common entries < r, then each row's entries up to its own; see
  // dmft.ts sweepVolterra), the last n mod 4 one by one
  let r = 0;
  for (; r + 3 < n; r += 4) {
    const ra0 = row(RA, r), ra1 = row(RA, r + 1), ra2 = row(RA, r + 2), ra3 = row(RA, r + 3);
    const ca0 = row(CA, r), ca1 = row(CA, r + 1), ca2 = row(CA, r + 2), ca3 = row(CA, r + 3);
    const s0 = ld(SigRw, r), s1 = ld(SigRw, r + 1), s2 = ld(SigRw, r + 2), s3 = ld(SigRw, r + 3);
    dotaxpy4(ra0, ra1, ra2, ra3, SigCw, ran, -s0, -s1, -s2, -s3, r);
    const c0 = q1, c1 = q2 + rowTail(ra1, SigCw, ran, -s1, r, r + 1);
    const c2 = q3 + rowTail(ra2, SigCw, ran, -s2, r, r + 2), c3 = q4 + rowTail(ra3, SigCw, ran, -s3, r, r + 3);
    dotaxpy4(ca0, ca1, ca2, ca3, SigRw, Ud, s0, s1, s2, s3, r);
    const d0 = q1, d1 = q2 + rowTail(ca1, SigRw, Ud, s1, r, r + 1);
    const d2 = q3 + rowTail(ca2, SigRw, Ud, s2, r, r + 2), d3 = q4 + rowTail(ca3, SigRw, Ud, s3, r, r + 3);
    volterraFinish(can, ran, Ud, SigR, ca0, r, c0, d0, s0);
    volterraFinish(can, ran, Ud, SigR, ca1, r + 1, c1, d1, s1);
    volterraFinish(can, ran, Ud, SigR, ca2, r + 2, c2, d2, s2);
    volterraFinish(can, ran, Ud, SigR, ca3, r + 3, c3, d3, s3);
  }
  for (; r < n; r++) {
    const rar = row(RA, r), car = row(CA, r);
    const sr = ld(SigRw, r);
    const dc = dotaxpy1(rar, SigCw, ran, -sr, r);
    const du = dotaxpy1(car, SigRw, Ud, sr, r);
    volterraFinish(can, ran, Ud, SigR, car, r, dc, du, sr);
  }
  st(ran, n, 0);
  for (let l = 0; l < n; l++) st(can, l, -(ld(Ud, l) + ld(can, l) + ld(SigC, l)));
  {
    let s1: f64 = 0, s2: f64 = 0;
    for (let s = 0; s < n; s++) {
      s1 += ld(can, s) * ld(SigRw, s);
      s2 += ld(ran, s) * ld(SigCw, s);
    }
    st(can, n, -(s1 + s2 + ld(SigC, n)));
  }

  // 3. Observables (D25).
  st(ETR, n, -0.5 * ld(can, n));
  series(hc, nh, ld(cdn, n));
  const h1 = g0;
  series(hc, nh, ld(con, n));
  st(ETS, n, 0.5 * (tau2 + phi2 - 2 * an * phn + im * an * an * h1 + wo * an * an * g0));

  // 4. I_n and the weighted kernel rows (D28); s = n: the δ part only.
  let In: f64 = 1;
  for (let s = 0; s < n; s++) In += ld(w, s) * ld(ran, s);
  for (let s = 0; s < n; s++) {
    const pref = K * an * ld(A, s) * ld(w, s);
    const ra = ld(ran, s), ca = ld(can, s);
    st(MRd, s, pref * (ra * ld(H1d, s) + ca * ld(H2d, s) * ld(rdn, s)));
    st(MRo, s, pref * (ra * ld(H1o, s) + ca * ld(H2o, s) * ld(ron, s)));
    st(MCd, s, pref * ca * ld(H1d, s));
    st(MCo, s, pref * ca * ld(H1o, s));
  }
  const Ld = K * an * an * ld(H1d, n), Lo = K * an * an * ld(H1o, n);
  st(MRd, n, Ld); st(MRo, n, Lo); st(MCd, n, 0); st(MCo, n, 0);

  // 5. ν (D29).
  let nu: f64 = 0;
  if (spherical) {
    let s1: f64 = 0, s2: f64 = 0, c1: f64 = 0, c2: f64 = 0;
    for (let s = 0; s <= n; s++) {
      s1 += ld(MRd, s) * ld(cdn, s);
      s2 += ld(MRo, s) * ld(con, s);
      c1 += ld(MCd, s) * ld(rdn, s);
      c2 += ld(MCo, s) * ld(ron, s);
    }
    nu = K * php * vn * an * In - im * (s1 + (m - 1) * s2) - im * (c1 + (m - 1) * c2);
  }
  st(NU, n, nu);

  // 6. Scalars (D30).
  let adot: f64 = 0;
  if (!frozen) {
    let s1 = an * (im * ld(Hd, n) + wo * ld(Ho, n)), s2: f64 = 0;
    for (let s = 0; s < n; s++) {
      const as = ld(A, s) * ld(w, s);
      s1 += ld(ran, s) * as * (im * ld(Hd, s) + wo * ld(Ho, s));
      s2 += ld(can, s) * as * (im * ld(H1d, s) * ld(rdn, s) + wo * ld(H1o, s) * ld(ron, s));
    }
    adot = K * phn * In - K * s1 - K * s2;
  }
  if (imex) { st(MRd, n, 0); st(MRo, n, 0); }
  let sv: f64 = 0;
  for (let s = 0; s <= n; s++) sv += (ld(MRd, s) + (m - 1) * ld(MRo, s)) * ld(V, s);
  const vE = K * php * an * In - im * sv;

  // 7 + 8. Sweep over rows r ≤ n (D31, D32).
  for (let l = 0; l <= n; l++) { st(Ud, l, 0); st(Uo, l, 0); st(accD, l, 0); st(accO, l, 0); }
  sweepMemory(Cd, Co, Rd, Ro, MRd, MRo, MCd, MCo, Ud, Uo, accD, accO, m, 0, n + 1);
  const sig = K * php * an * In;
  for (let l = 0; l <= n; l++) {
    const sl = sig * ld(V, l);
    st(Ed, l, sl - im * ld(Ud, l));
    st(Eo, l, sl - im * ld(Uo, l));
  }
  for (let l = 0; l < n; l++) {
    st(Fd, l, -im * ld(accD, l));
    st(Fo, l, -im * ld(accO, l));
  }
  st(par, GRID_OUT_NU, nu); st(par, GRID_OUT_I, In); st(par, GRID_OUT_LD, Ld); st(par, GRID_OUT_LO, Lo); st(par, GRID_OUT_ADOT, adot); st(par, GRID_OUT_VE, vE);
  const chk = ld(ETR, n) + ld(ETS, n) + nu + adot + vE + In;
  return isFinite(chk) ? 1 : 0;
}

/** Row n+1 at t_n + dt from the results of dmft_grid_row(n) (overwrites row n+1). 1 if finite. */
export function dmft_grid_update(par: usize, n: i32, dt: f64): i32 {
  const cap = <i32>P(par, GRID_CAP);
  const m = P(par, GRID_M);
  const frozen = P(par, GRID_FROZEN) != 0, spherical = P(par, GRID_SPHERICAL) != 0, imex = P(par, GRID_IMEX) != 0;
  const nph = <i32>P(par, GRID_NPH), phc = PP(par, GRID_PHC);
  const T = PP(par, GRID_T), Cd = PP(par, GRID_CD), Co = PP(par, GRID_CO), Rd = PP(par, GRID_RD), Ro = PP(par, GRID_RO);
  const A = PP(par, GRID_A), V = PP(par, GRID_V), PHV = PP(par, GRID_PHV);
  const W = PP(par, GRID_WORK);
  const c8 = <usize>cap << 3;
  const Ed = W + 19 * c8, Eo = W + 20 * c8, Fd = W + 21 * c8, Fo = W + 22 * c8;
  const nu = P(par, GRID_OUT_NU), Ld = P(par, GRID_OUT_LD), Lo = P(par, GRID_OUT_LO), adot = P(par, GRID_OUT_ADOT), vE = P(par, GRID_OUT_VE);
  const im = 1.0 / m, wo = (m - 1) / m;
  const cdn = row(Cd, n), con = row(Co, n), rdn = row(Rd, n), ron = row(Ro, n);
  const cdn1 = row(Cd, n + 1), con1 = row(Co, n + 1), rdn1 = row(Rd, n + 1), ron1 = row(Ro, n + 1);
  st(T, n + 1, ld(T, n) + dt);
  const an1 = frozen ? ld(A, n) : ld(A, n) + dt * adot;
  st(A, n + 1, an1);
  const vn = ld(V, n);
  const vnext = imex ? (vn + dt * vE) / (1 + dt * (nu + im * (Ld + (m - 1) * Lo))) : vn + dt * (-nu * vn + vE);
  st(V, n + 1, vnext);
  series(phc, nph, vnext);
  st(PHV, n + 1, g0);
  const a11 = 1 + dt * (nu + im * Ld), a12 = dt * wo * Lo;
  const a21 = dt * im * Lo, a22 = 1 + dt * (nu + im * (Ld + (m - 2) * Lo));
  const det = a11 * a22 - a12 * a21;
  const i11 = a22 / det, i12 = -a12 / det, i21 = -a21 / det, i22 = a11 / det;
  for (let l = 0; l <= n; l++) {
    const xd = ld(cdn, l), xo = ld(con, l);
    if (imex) {
      const bd = xd + dt * ld(Ed, l), bo = xo + dt * ld(Eo, l);
      st(cdn1, l, i11 * bd + i12 * bo);
      st(con1, l, i21 * bd + i22 * bo);
    } else {
      st(cdn1, l, xd + dt * (-nu * xd + ld(Ed, l)));
      st(con1, l, xo + dt * (-nu * xo + ld(Eo, l)));
    }
  }
  const cnn = ld(con, n), cdd0 = ld(cdn, n);
  let cdd: f64, cod: f64;
  if (imex) {
    if (spherical) {
      cdd = 1;
      cod = (cnn + 2 * dt * (ld(Eo, n) - im * Lo)) / (1 + 2 * dt * (nu + im * (Ld + (m - 2) * Lo)));
    } else {
      const b11 = 1 + 2 * dt * (nu + im * Ld), b12 = 2 * dt * wo * Lo;
      const b21 = 2 * dt * im * Lo, b22 = 1 + 2 * dt * (nu + im * (Ld + (m - 2) * Lo));
      const d = b11 * b22 - b12 * b21;
      const rd = cdd0 + 2 * dt * ld(Ed, n), ro = cnn + 2 * dt * ld(Eo, n);
      cdd = (b22 * rd - b12 * ro) / d;
      cod = (-b21 * rd + b11 * ro) / d;
    }
  } else {
    cdd = spherical ? 1 : cdd0 + 2 * dt * (-nu * cdd0 + ld(Ed, n));
    cod = cnn + 2 * dt * (-nu * cnn + ld(Eo, n));
  }
  st(cdn1, n + 1, cdd);
  st(con1, n + 1, cod);
  for (let l = 0; l < n; l++) {
    const xd = ld(rdn, l), xo = ld(ron, l);
    if (imex) {
      const bd = xd + dt * ld(Fd, l), bo = xo + dt * ld(Fo, l);
      st(rdn1, l, i11 * bd + i12 * bo);
      st(ron1, l, i21 * bd + i22 * bo);
    } else {
      st(rdn1, l, xd + dt * (-nu * xd + ld(Fd, l)));
      st(ron1, l, xo + dt * (-nu * xo + ld(Fo, l)));
    }
  }
  st(rdn1, n, 1); st(ron1, n, 0);
  st(rdn1, n + 1, 0); st(ron1, n + 1, 0);
  return isFinite(an1 + vnext + cod + cdd) ? 1 : 0;
}
