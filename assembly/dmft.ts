// SymmDMFT (dmft.md §5) on the reference grid of §6 (steps 1–8 with the [P-corr] corrections (i)–(iii)),
// explicit Euler or the semi-implicit (IMEX) variant of §10.3 option 2. One exported call advances many
// rows; the host owns every byte (layout below, from codegen/contract.mjs: assembly/gen/dmft_layout.ts). Storage: all six two-time arrays
// C_d, C_o, C_A (symmetric) and R_d, R_o, R_A (causal) are lower triangles, row-major, row n at offset
// n(n+1)/2 with n+1 entries (diagonal stored: R_x[n][n] = 0, R_A[n][n] = 1/η). The symmetric products
// Σ_s C[l][s]·M[s] are symv sweeps reading each stored entry once: half the traffic of §10.2's full squares.
// Σ and M live only for the current row (work arrays).
//
// Parameter block (f64, index → meaning):
//  0 S  1 m  2 K=ᾱ/m  3 τ²  4 ‖φ‖²  5 η  6 frozen a  7 spherical  8 imex  9 nh  10 nφ  11 h coeffs  12 φ̂ coeffs
//  13 C_d  14 C_o  15 C_A  16 R_d  17 R_o  18 R_A  19 a  20 v  21 ν  22 e_tr  23 e_ts  24 φ̂(v_l)  25 work (DMFT_WORK_ROWS·S = 20·S)
import { pairBarrier } from "./sync";
import { dot_f64 } from "./blas";
import {
  DMFT_S, DMFT_M, DMFT_K, DMFT_TAU2, DMFT_PHI2, DMFT_ETA, DMFT_FROZEN, DMFT_SPHERICAL, DMFT_IMEX, DMFT_NH, DMFT_NPH,
  DMFT_HC, DMFT_PHC, DMFT_CD, DMFT_CO, DMFT_CA, DMFT_RD, DMFT_RO, DMFT_RA, DMFT_A, DMFT_V, DMFT_NU, DMFT_ETR, DMFT_ETS,
  DMFT_PHV, DMFT_WORK,
} from "./gen/dmft_layout";
import { ld, st, P, PP, tri, g0, g1, g2, q1, q2, q3, q4, series, dot4, dotaxpy1, dotaxpy4, rowTail, sweepMemory } from "./dmft_rows";

// Two-worker row sweeps (issue 11): the O(n²) sweeps of steps 2 and 7+8 are split at row R = splitRow(E)
// (rows [0, R) and [R, E); a row r costs ∝ r, so R ≈ E/√2 halves the work). Each part accumulates its
// axpy contributions into its own arrays (part 0: the primary work rows, part 1: the extra rows X1…X4)
// and the parts are added afterwards. One thread runs both parts in turn, two workers run one each:
// the same operations in the same order, so 1 and 2 workers give bitwise-identical results.
// Below SPLIT_MIN rows nothing is split (the barrier would cost more than the half sweep).
const SPLIT_MIN: i32 = 128;
@inline function splitRow(E: i32): i32 { return E < SPLIT_MIN ? E : <i32>(<f64>E * 0.7071067811865476) & ~1; }

/** Step 2's sweep over rows r ∈ [r0, r1) of R_A and C_A (see step): axpys into yR (R_A row n) and yU (the symv).
 *  Rows go four at a time (dotaxpy4) from r0, the last r1 − r0 mod 4 one by one: one thread and two
 *  workers run the same calls on the same row ranges (splitRow), so they group the same rows. */
function sweepVolterra(RA: usize, CA: usize, SigC: usize, SigR: usize, can: usize, yR: usize, yU: usize, eta: f64, r0: i32, r1: i32): void {
  let r = r0;
  for (; r + 3 < r1; r += 4) {
    const ra0 = RA + (tri(r) << 3), ra1 = RA + (tri(r + 1) << 3), ra2 = RA + (tri(r + 2) << 3), ra3 = RA + (tri(r + 3) << 3);
    const ca0 = CA + (tri(r) << 3), ca1 = CA + (tri(r + 1) << 3), ca2 = CA + (tri(r + 2) << 3), ca3 = CA + (tri(r + 3) << 3);
    const s0 = ld(SigR, r), s1 = ld(SigR, r + 1), s2 = ld(SigR, r + 2), s3 = ld(SigR, r + 3);
    // R_A rows r…r+3 (row r+j has entries ≤ r+j): the common entries ≤ r, then each row's own tail
    dotaxpy4(ra0, ra1, ra2, ra3, SigC, yR, -eta * s0, -eta * s1, -eta * s2, -eta * s3, r + 1);
    st(can, r, q1);
    st(can, r + 1, q2 + rowTail(ra1, SigC, yR, -eta * s1, r + 1, r + 2));
    st(can, r + 2, q3 + rowTail(ra2, SigC, yR, -eta * s2, r + 1, r + 3));
    st(can, r + 3, q4 + rowTail(ra3, SigC, yR, -eta * s3, r + 1, r + 4));
    // C_A rows r…r+3: the common off-diagonal entries < r, each row's tail up to its diagonal, the diagonal
    dotaxpy4(ca0, ca1, ca2, ca3, SigR, yU, s0, s1, s2, s3, r);
    const d0 = q1, d1 = q2 + rowTail(ca1, SigR, yU, s1, r, r + 1);
    const d2 = q3 + rowTail(ca2, SigR, yU, s2, r, r + 2), d3 = q4 + rowTail(ca3, SigR, yU, s3, r, r + 3);
    st(yU, r, ld(yU, r) + (d0 + ld(ca0, r) * s0));
    st(yU, r + 1, ld(yU, r + 1) + (d1 + ld(ca1, r + 1) * s1));
    st(yU, r + 2, ld(yU, r + 2) + (d2 + ld(ca2, r + 2) * s2));
    st(yU, r + 3, ld(yU, r + 3) + (d3 + ld(ca3, r + 3) * s3));
  }
  for (; r < r1; r++) {
    const rar = RA + (tri(r) << 3), car = CA + (tri(r) << 3);
    const sr = ld(SigR, r);
    st(can, r, dotaxpy1(rar, SigC, yR, -eta * sr, r + 1));
    const cd = dotaxpy1(car, SigR, yU, sr, r);
    st(yU, r, ld(yU, r) + (cd + ld(car, r) * sr));
  }
}

@inline function zero(y: usize, n: i32): void { for (let l = 0; l < n; l++) st(y, l, 0.0); }
@inline function addInto(y: usize, x: usize, n: i32): void { for (let l = 0; l < n; l++) st(y, l, ld(y, l) + ld(x, l)); }

/** One step n of §6: rows n of Σ, R_A, C_A, observables at t_n, ν_n, then a, v, C, R at n+1.
 *  All six two-time arrays are lower triangles; the symmetric C·M products are symv sweeps that read each
 *  stored entry once (a dot into entry r and an axpy into entries l < r per row r).
 *  Returns 1 if everything it wrote is finite, 0 otherwise. */
function step(par: usize, n: i32, nth: i32, sync: usize): i32 {
  const S = <i32>P(par, DMFT_S);
  const m = P(par, DMFT_M), K = P(par, DMFT_K), tau2 = P(par, DMFT_TAU2), phi2 = P(par, DMFT_PHI2), eta = P(par, DMFT_ETA);
  const frozen = P(par, DMFT_FROZEN) != 0, spherical = P(par, DMFT_SPHERICAL) != 0, imex = P(par, DMFT_IMEX) != 0;
  const nh = <i32>P(par, DMFT_NH), nph = <i32>P(par, DMFT_NPH);
  const hc = PP(par, DMFT_HC), phc = PP(par, DMFT_PHC);
  const Cd = PP(par, DMFT_CD), Co = PP(par, DMFT_CO), CA = PP(par, DMFT_CA);
  const Rd = PP(par, DMFT_RD), Ro = PP(par, DMFT_RO), RA = PP(par, DMFT_RA);
  const A = PP(par, DMFT_A), V = PP(par, DMFT_V), NU = PP(par, DMFT_NU), ETR = PP(par, DMFT_ETR), ETS = PP(par, DMFT_ETS), PHV = PP(par, DMFT_PHV);
  const W = PP(par, DMFT_WORK);
  const S8 = <usize>S << 3;
  const SigC = W, SigR = W + S8, Hd = W + 2 * S8, Ho = W + 3 * S8, H1d = W + 4 * S8, H1o = W + 5 * S8;
  const H2d = W + 6 * S8, H2o = W + 7 * S8, MRd = W + 8 * S8, MRo = W + 9 * S8, MCd = W + 10 * S8, MCo = W + 11 * S8;
  const accD = W + 12 * S8, accO = W + 13 * S8, Ud = W + 14 * S8, Uo = W + 15 * S8;
  const X1 = W + 16 * S8, X2 = W + 17 * S8, X3 = W + 18 * S8, X4 = W + 19 * S8; // part-1 accumulators
  const im = 1.0 / m, wo = (m - 1) / m;

  const on = tri(n) << 3;
  const cdn = Cd + on, con = Co + on, can = CA + on;
  const rdn = Rd + on, ron = Ro + on, ran = RA + on;
  const an = ld(A, n), vn = ld(V, n);
  const phn = ld(PHV, n);
  series(phc, nph, vn);
  const php = g1; // φ̂′(v_n)

  // 1. Σ rows and the kernel values h, h′, h″ on row n.
  const base = tau2 + phi2 - an * phn;
  for (let l = 0; l <= n; l++) {
    const al = ld(A, l);
    series(hc, nh, ld(cdn, l));
    const hd = g0, h1d = g1, h2d = g2;
    series(hc, nh, ld(con, l));
    const ho = g0, h1o = g1, h2o = g2;
    st(Hd, l, hd); st(Ho, l, ho); st(H1d, l, h1d); st(H1o, l, h1o); st(H2d, l, h2d); st(H2o, l, h2o);
    st(SigC, l, base - al * ld(PHV, l) + an * al * (im * hd + wo * ho));
    st(SigR, l, l < n ? an * al * (im * h1d * ld(rdn, l) + wo * h1o * ld(ron, l)) : 0.0);
  }

  // 2. Volterra rows (D27) in one sweep over rows r < n of R_A and C_A:
  //    R_A[n][l] = −η Σ_r Σ_R[r] R_A[r][l] (axpy of row r), Ud[l] = Σ_r Σ_R[r] C_A[r][l] (symv), C_A[n][r] ← R_A[r]·Σ_C.
  // Two workers: the helper (helperStep) waits here for Σ, then sweeps rows [R2, n) while the lead does [0, R2).
  const R2 = splitRow(n);
  if (nth == 2) pairBarrier(sync);
  for (let l = 0; l <= n; l++) { st(ran, l, 0.0); st(Ud, l, 0.0); }
  sweepVolterra(RA, CA, SigC, SigR, can, ran, Ud, eta, 0, R2);
  if (nth == 1 && R2 < n) {
    zero(X1, n); zero(X2, n);
    sweepVolterra(RA, CA, SigC, SigR, can, X1, X2, eta, R2, n);
  }
  if (nth == 2) pairBarrier(sync);
  if (R2 < n) { addInto(ran, X1, n); addInto(Ud, X2, n); }
  st(ran, n, 1.0 / eta);
  for (let l = 0; l < n; l++) st(can, l, -eta * (ld(Ud, l) + ld(can, l)));
  st(can, n, -eta * (dot_f64(can, SigR, n) + dot_f64(ran, SigC, n + 1)));

  // 3. Observables at t_n.
  st(ETR, n, -0.5 * ld(can, n));
  series(hc, nh, ld(cdn, n)); // h(C_d(t,t)) = h(1) when spherical
  const h1 = g0;
  const cnn = ld(con, n);
  series(hc, nh, cnn);
  st(ETS, n, 0.5 * (tau2 + phi2 - 2 * an * phn + im * an * an * h1 + wo * an * an * g0));

  // 4. Integrated response and kernel rows.
  let In: f64 = 0;
  for (let s = 0; s <= n; s++) In += ld(ran, s);
  In *= eta;
  for (let s = 0; s <= n; s++) {
    const pref = K * an * ld(A, s);
    const ra = ld(ran, s), ca = ld(can, s);
    st(MRd, s, pref * (ra * ld(H1d, s) + ca * ld(H2d, s) * ld(rdn, s)));
    st(MRo, s, pref * (ra * ld(H1o, s) + ca * ld(H2o, s) * ld(ron, s)));
    st(MCd, s, pref * ca * ld(H1d, s));
    st(MCo, s, pref * ca * ld(H1o, s));
  }

  // 5. Lagrange multiplier.
  let nu: f64 = 0;
  if (spherical) {
    dot4(cdn, con, MRd, MRo, n + 1);
    const sr = q1 + (m - 1) * q2;
    dot4(rdn, ron, MCd, MCo, n + 1);
    const sc = q1 + (m - 1) * q2;
    nu = K * php * vn * an * In - eta * im * sr - eta * im * sc;
  }
  st(NU, n, nu);

  // Local (s = n) terms: L_x = η·M_R^x[n] = K a_n² h′(C_x[n][n]). The semi-implicit scheme takes them out of
  // the sums (M_R[n] := 0 below) and solves A·X_{n+1} = X_n + η E with A = I + η(νI + Λ),
  // Λ = (1/m)[[Ld, (m−1)Lo], [Lo, Ld + (m−2)Lo]].
  const Ld = eta * ld(MRd, n), Lo = eta * ld(MRo, n);
  const a11 = 1 + eta * (nu + im * Ld), a12 = eta * wo * Lo;
  const a21 = eta * im * Lo, a22 = 1 + eta * (nu + im * (Ld + (m - 2) * Lo));
  const det = a11 * a22 - a12 * a21;
  const i11 = a22 / det, i12 = -a12 / det, i21 = -a21 / det, i22 = a11 / det;

  // 6. Scalars.
  if (!frozen) {
    let s1: f64 = 0, s2: f64 = 0;
    for (let s = 0; s <= n; s++) {
      const as = ld(A, s);
      s1 += ld(ran, s) * as * (im * ld(Hd, s) + wo * ld(Ho, s));
      s2 += ld(can, s) * as * (im * ld(H1d, s) * ld(rdn, s) + wo * ld(H1o, s) * ld(ron, s));
    }
    st(A, n + 1, an + eta * (K * phn * In - K * eta * s1 - K * eta * s2));
  } else st(A, n + 1, an);
  if (imex) { st(MRd, n, 0.0); st(MRo, n, 0.0); }
  let sv: f64 = 0;
  for (let s = 0; s <= n; s++) sv += (ld(MRd, s) + (m - 1) * ld(MRo, s)) * ld(V, s);
  let vnext: f64;
  if (imex) {
    const ev = K * php * an * In - eta * im * sv;
    vnext = (vn + eta * ev) / (1 + eta * (nu + im * (Ld + (m - 1) * Lo)));
  } else {
    vnext = vn + eta * (-nu * vn + K * php * an * In - eta * im * sv);
  }
  st(V, n + 1, vnext);
  series(phc, nph, vnext);
  st(PHV, n + 1, g0);

  // 7 + 8. One sweep over rows r ≤ n of C_d, C_o (symv with M_R) and R_d, R_o (dots with M_C for row r;
  //   axpys M_R[r]·R[r][·] for the response columns). Ud/Uo collect the C_d/C_o combinations of D31,
  //   accD/accO the response sums of D32.
  const R78 = splitRow(n + 1);
  if (nth == 2) pairBarrier(sync);
  for (let l = 0; l <= n; l++) { st(Ud, l, 0.0); st(Uo, l, 0.0); st(accD, l, 0.0); st(accO, l, 0.0); }
  sweepMemory(Cd, Co, Rd, Ro, MRd, MRo, MCd, MCo, Ud, Uo, accD, accO, m, 0, R78);
  if (nth == 1 && R78 < n + 1) {
    zero(X1, n + 1); zero(X2, n + 1); zero(X3, n + 1); zero(X4, n + 1);
    sweepMemory(Cd, Co, Rd, Ro, MRd, MRo, MCd, MCo, X1, X2, X3, X4, m, R78, n + 1);
  }
  if (nth == 2) pairBarrier(sync);
  if (R78 < n + 1) { addInto(Ud, X1, n + 1); addInto(Uo, X2, n + 1); addInto(accD, X3, n + 1); addInto(accO, X4, n + 1); }
  const on1 = tri(n + 1) << 3;
  const cdn1 = Cd + on1, con1 = Co + on1;
  const sig = K * php * an * In;
  let dCdn: f64 = 0, dCon: f64 = 0;
  for (let l = 0; l <= n; l++) {
    const sl = sig * ld(V, l);
    const ed = sl - eta * im * ld(Ud, l);
    const eo = sl - eta * im * ld(Uo, l);
    const xd = ld(cdn, l), xo = ld(con, l);
    let nd: f64, no: f64;
    if (imex) {
      const bd = xd + eta * ed, bo = xo + eta * eo;
      nd = i11 * bd + i12 * bo;
      no = i21 * bd + i22 * bo;
      if (l == n) { dCdn = ed; dCon = eo; }
    } else {
      const dd = -nu * xd + ed, dd2 = -nu * xo + eo;
      nd = xd + eta * dd;
      no = xo + eta * dd2;
      if (l == n) { dCdn = dd; dCon = dd2; }
    }
    st(cdn1, l, nd);
    st(con1, l, no);
  }
  // Equal time: C_d = 1 (spherical), dC_o(t,t)/dt = 2∂_tC_o(t,t′)|t′→t.
  let cdd: f64, cod: f64;
  if (imex) {
    if (spherical) {
      cdd = 1.0;
      cod = (cnn + 2 * eta * (dCon - im * Lo)) / (1 + 2 * eta * (nu + im * (Ld + (m - 2) * Lo)));
    } else {
      const b11 = 1 + 2 * eta * (nu + im * Ld), b12 = 2 * eta * wo * Lo;
      const b21 = 2 * eta * im * Lo, b22 = 1 + 2 * eta * (nu + im * (Ld + (m - 2) * Lo));
      const dt = b11 * b22 - b12 * b21;
      const rd = ld(cdn, n) + 2 * eta * dCdn, ro = cnn + 2 * eta * dCon;
      cdd = (b22 * rd - b12 * ro) / dt;
      cod = (-b21 * rd + b11 * ro) / dt;
    }
  } else {
    cdd = spherical ? 1.0 : ld(cdn, n) + 2 * eta * dCdn;
    cod = cnn + 2 * eta * dCon;
  }
  st(cdn1, n + 1, cdd);
  st(con1, n + 1, cod);

  // Response rows n+1.
  const rdn1 = Rd + on1, ron1 = Ro + on1;
  for (let l = 0; l < n; l++) {
    const ed = -eta * im * ld(accD, l), eo = -eta * im * ld(accO, l);
    const xd = ld(rdn, l), xo = ld(ron, l);
    if (imex) {
      const bd = xd + eta * ed, bo = xo + eta * eo;
      st(rdn1, l, i11 * bd + i12 * bo);
      st(ron1, l, i21 * bd + i22 * bo);
    } else {
      st(rdn1, l, xd + eta * (-nu * xd + ed));
      st(ron1, l, xo + eta * (-nu * xo + eo));
    }
  }
  st(rdn1, n, 1.0); st(ron1, n, 0.0);
  st(rdn1, n + 1, 0.0); st(ron1, n + 1, 0.0);

  const chk = ld(ETR, n) + ld(ETS, n) + nu + ld(A, n + 1) + vnext + cod + cdd;
  return isFinite<f64>(chk) ? 1 : 0;
}

/** Initial row: a_0, v_0 = 0, C_d[0][0] = 1, C_o[0][0] = 0, R[0][0] = 0, φ̂(v_0). */
export function dmft_symm_init(par: usize, a0: f64): void {
  const A = PP(par, DMFT_A), V = PP(par, DMFT_V), PHV = PP(par, DMFT_PHV);
  st(A, 0, a0);
  st(V, 0, 0.0);
  series(PP(par, DMFT_PHC), <i32>P(par, DMFT_NPH), 0.0);
  st(PHV, 0, g0);
  st(PP(par, DMFT_CD), 0, 1.0);
  st(PP(par, DMFT_CO), 0, 0.0);
  st(PP(par, DMFT_RD), 0, 0.0);
  st(PP(par, DMFT_RO), 0, 0.0);
}

/** Advance steps n0..n1−1 (step n writes the observables of row n and the state of row n+1).
 *  Returns n1, or n+1 after the first step that produced a non-finite value. */
export function dmft_symm_run(par: usize, n0: i32, n1: i32): i32 {
  for (let n = n0; n < n1; n++) {
    if (step(par, n, 1, 0) == 0) return n + 1;
  }
  return n1;
}

/** dmft_symm_run on two workers sharing the memory (threads build): worker `tid` (0 = lead, 1 = helper) of
 *  the pair, both called with the same arguments; `sync` points at four zeroed i32 (barrier count,
 *  generation, stop flag, spare) owned by the host. The lead does the O(n) serial parts and rows [0, R) of
 *  each sweep, the helper rows [R, E) (splitRow). Bitwise equal to dmft_symm_run. Returns what it returns. */
export function dmft_symm_run_mt(par: usize, n0: i32, n1: i32, tid: i32, sync: usize): i32 {
  for (let n = n0; n < n1; n++) {
    if (tid != 0) {
      if (helperStep(par, n, sync) == 0) return n;
      continue;
    }
    if (step(par, n, 2, sync) == 0) {
      if (ASC_FEATURE_THREADS && n + 1 < n1) {
        // Tell the helper (arriving at step n+1's first barrier) to stop.
        atomic.store<i32>(sync, 1, 8);
        pairBarrier(sync);
      }
      return n + 1;
    }
  }
  return n1;
}

/** The helper's share of step n: rows [R, E) of the two sweeps, between the lead's barriers (see step).
 *  Returns 0 when the lead raised the stop flag (its step n−1 produced a non-finite value). */
function helperStep(par: usize, n: i32, sync: usize): i32 {
  const S = <i32>P(par, DMFT_S);
  const m = P(par, DMFT_M), eta = P(par, DMFT_ETA);
  const Cd = PP(par, DMFT_CD), Co = PP(par, DMFT_CO), CA = PP(par, DMFT_CA);
  const Rd = PP(par, DMFT_RD), Ro = PP(par, DMFT_RO), RA = PP(par, DMFT_RA);
  const W = PP(par, DMFT_WORK);
  const S8 = <usize>S << 3;
  const SigC = W, SigR = W + S8, MRd = W + 8 * S8, MRo = W + 9 * S8, MCd = W + 10 * S8, MCo = W + 11 * S8;
  const X1 = W + 16 * S8, X2 = W + 17 * S8, X3 = W + 18 * S8, X4 = W + 19 * S8;
  const can = CA + (tri(n) << 3);
  pairBarrier(sync); // Σ of row n written
  if (ASC_FEATURE_THREADS && atomic.load<i32>(sync, 8) != 0) return 0;
  const R2 = splitRow(n);
  if (R2 < n) {
    zero(X1, n); zero(X2, n);
    sweepVolterra(RA, CA, SigC, SigR, can, X1, X2, eta, R2, n);
  }
  pairBarrier(sync); // the lead merges X1, X2 and does steps 2–6
  const R78 = splitRow(n + 1);
  pairBarrier(sync); // M_R, M_C of row n written
  if (R78 < n + 1) {
    zero(X1, n + 1); zero(X2, n + 1); zero(X3, n + 1); zero(X4, n + 1);
    sweepMemory(Cd, Co, Rd, Ro, MRd, MRo, MCd, MCo, X1, X2, X3, X4, m, R78, n + 1);
  }
  pairBarrier(sync); // the lead merges X1…X4 and writes rows n+1
  return 1;
}
