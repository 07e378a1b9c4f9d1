// SymmDMFT on the θ = t′/t grid (dmft-grid.md §2–§4, issue 11): the Wasm kernel of one evaluation of slice
// `slot` — the sample side (R̃_A, C_A: D11 with R_A = δ + R̃_A), the kernels Σ, M (D15–D17), ν (D24), I, e_tr,
// e_ts (D25) and the ray derivatives d𝒢/dt = ∂_t G + θ ∂_{t′}G of C_S, C_D, R_S, R_D and of a, v, C_o(t,t),
// C_d(t,t) (D18–D23 in the mode variables S, D; see the header of src/numerics/dmft-theta.ts for the equations).
//
// TS twin: thetaEval in src/numerics/dmft-theta.ts (wired as this export in src/wasm/ts-kernels.ts). This is a
// literal port with the same order of operations: the f64x2 paths only pair the S and D lanes of one product
// (fields C_S/C_D, R_S/R_D, M_R,S/M_R,D, M_C,S/M_C,D are adjacent in a node), each lane doing exactly the
// scalar operations of the twin (no fused multiply-add, no reassociation), so the kernel, its scalar build and
// the twin agree bitwise. The O(L²) passes (B2 plan, R̃_A, C_A, the ray derivatives' [0, t′] and [t′, t]
// integrals) are the cost; everything else is O(L) or O(L log K).
//
// Memory (host-owned, never allocated here): the parameter block DMFT_THETA_PAR (THETA_* of codegen/contract.mjs)
// holds the sizes and byte pointers; slices 0..slot−1 complete, the slot's ODE fields, t, a, v, C_o(t,t), C_d(t,t)
// set and its R̃_A, C_A holding a predictor. Returns 1, or 0 on a non-finite ν, I, e_tr or one-time derivative.

import {
  THETA_A1S, THETA_A1W, THETA_A2S, THETA_A2W, THETA_B2O, THETA_B2S, THETA_B2U, THETA_B2W, THETA_F, THETA_F1, THETA_FROZEN,
  THETA_HC, THETA_K, THETA_L, THETA_M, THETA_NH, THETA_NPH, THETA_ONET, THETA_PHC, THETA_PHI2, THETA_S, THETA_SPHERICAL,
  THETA_T, THETA_TAU2, THETA_TH, THETA_THC, THETA_TMP, THETA_TMP2, THETA_W,
  THETA_NF as NF, THETA_NT as NT, THETA_NS as NS,
  TF_CS, TF_CD, TF_RS, TF_RD, TF_MRS, TF_MRD, TF_MCS, TF_MCD, TF_RA, TF_CA, TF_SR, TF_SC,
  TT_T, TT_A, TT_V, TT_NU, TT_I, TT_COD, TT_CDD, TT_LS, TT_LD, TT_ETR, TT_ETS,
} from "./gen/dmft_layout";
import { ld, st, P, PP } from "./dmft_rows";

@inline function ldi(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }
@inline function sti(p: usize, i: i32, v: i32): void { store<i32>(p + (<usize>i << 2), v); }
@inline function vld(p: usize, i: i32): v128 { return v128.load(p + (<usize>i << 3)); }

/** Σ c_k x^k, Σ k c_k x^{k−1}, Σ k(k−1) c_k x^{k−2} (Horner, the twin's sr, sr1, sr2). */
function sr(c: usize, n: i32, x: f64): f64 {
  let p: f64 = 0;
  for (let k = n - 1; k >= 0; k--) p = p * x + ld(c, k);
  return p;
}
function sr1(c: usize, n: i32, x: f64): f64 {
  let p: f64 = 0;
  for (let k = n - 1; k >= 1; k--) p = p * x + <f64>k * ld(c, k);
  return p;
}
function sr2(c: usize, n: i32, x: f64): f64 {
  let p: f64 = 0;
  for (let k = n - 1; k >= 2; k--) p = p * x + <f64>(k * (k - 1)) * ld(c, k);
  return p;
}

/** Slice index a with t_a ≤ x ≤ t_{a+1} among slices 0..top. */
function sliceOf(T: usize, top: i32, x: f64): i32 {
  let lo = 0, hi = top;
  if (x >= ld(T, hi * NT + TT_T)) return max(top - 1, 0);
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (ld(T, mid * NT + TT_T) <= x) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** One-time value c at time x, linear in t between the enclosing slices 0..top. */
function oneAt(T: usize, top: i32, x: f64, c: i32): f64 {
  if (top == 0) return ld(T, c);
  const a = sliceOf(T, top, x);
  const ta = ld(T, a * NT + TT_T), tb = ld(T, (a + 1) * NT + TT_T);
  const u = tb > ta ? min(max((x - ta) / (tb - ta), 0.0), 1.0) : 1.0;
  return (1 - u) * ld(T, a * NT + c) + u * ld(T, (a + 1) * NT + c);
}

/** Σ_q w[k6+q]·S[o + q·NF + fld] (one field on one slice). */
@inline function ip(S: usize, o: i32, w: usize, k6: i32, fld: i32): f64 {
  let v: f64 = 0;
  for (let q = 0; q < NS; q++) v += ld(w, k6 + q) * ld(S, o + q * NF + fld);
  return v;
}

/** One field at a planned B2 point: weights (1 − u)·bw on the lower slice (offset o), u·bw on the upper (o + NFL). */
@inline function b2p(S: usize, o: i32, bw: usize, k6: i32, u: f64, NFL: i32, fld: i32): f64 {
  let v: f64 = 0;
  const v1 = 1 - u;
  for (let q = 0; q < NS; q++) v += v1 * ld(bw, k6 + q) * ld(S, o + q * NF + fld) + u * ld(bw, k6 + q) * ld(S, o + NFL + q * NF + fld);
  return v;
}

// Eight-field scratch of the scalar build (the twin's AV, B2V).
let a0_: f64 = 0, a1_: f64 = 0, a2_: f64 = 0, a3_: f64 = 0, a4_: f64 = 0, a5_: f64 = 0, a6_: f64 = 0, a7_: f64 = 0;

export function dmft_theta_eval(par: usize, slot: i32, algIters: i32): i32 {
  const L = <i32>P(par, THETA_L);
  const m = P(par, THETA_M), K = P(par, THETA_K), tau2 = P(par, THETA_TAU2), phi2 = P(par, THETA_PHI2);
  const frozen = P(par, THETA_FROZEN) != 0, spherical = P(par, THETA_SPHERICAL) != 0;
  const nh = <i32>P(par, THETA_NH), nph = <i32>P(par, THETA_NPH);
  const hc = PP(par, THETA_HC), phc = PP(par, THETA_PHC);
  const S = PP(par, THETA_S), T = PP(par, THETA_T);
  const th = PP(par, THETA_TH), thc = PP(par, THETA_THC), w = PP(par, THETA_W);
  const a1s = PP(par, THETA_A1S), a1w = PP(par, THETA_A1W), a2s = PP(par, THETA_A2S), a2w = PP(par, THETA_A2W);
  const b2s = PP(par, THETA_B2S), b2w = PP(par, THETA_B2W);
  const f = PP(par, THETA_F), f1 = PP(par, THETA_F1), oneT = PP(par, THETA_ONET), tmp = PP(par, THETA_TMP), aT = PP(par, THETA_TMP2);
  const b2o = PP(par, THETA_B2O), b2u = PP(par, THETA_B2U);
  const im = 1 / m;
  const so = slot * NF * L, to = slot * NT;
  const t = ld(T, to + TT_T), a = ld(T, to + TT_A), v = ld(T, to + TT_V), coD = ld(T, to + TT_COD), cdD = ld(T, to + TT_CDD);
  // θ = 1 node: C(t,t) and R's left limits.
  st(S, so + (L - 1) * NF + TF_CS, cdD + (m - 1) * coD);
  st(S, so + (L - 1) * NF + TF_CD, cdD - coD);
  st(S, so + (L - 1) * NF + TF_RS, 1);
  st(S, so + (L - 1) * NF + TF_RD, 1);
  for (let j = 0; j < L; j++) st(aT, j, j == L - 1 ? a : slot == 0 ? a : oneAt(T, slot, ld(th, j) * t, TT_A));
  // Σ_R, Σ_C at the nodes (D16, D17).
  const phv = nph ? sr(phc, nph, v) : 0.0;
  for (let j = 0; j < L; j++) {
    const o = so + j * NF;
    const cd = (ld(S, o + TF_CS) + (m - 1) * ld(S, o + TF_CD)) * im, co = (ld(S, o + TF_CS) - ld(S, o + TF_CD)) * im;
    const rd = (ld(S, o + TF_RS) + (m - 1) * ld(S, o + TF_RD)) * im, ro = (ld(S, o + TF_RS) - ld(S, o + TF_RD)) * im;
    const as = ld(aT, j);
    const vs = j == L - 1 ? v : slot == 0 ? v : oneAt(T, slot, ld(th, j) * t, TT_V);
    const phs = nph ? sr(phc, nph, vs) : 0.0;
    st(S, o + TF_SR, a * as * (im * sr1(hc, nh, cd) * rd + (1 - im) * sr1(hc, nh, co) * ro));
    st(S, o + TF_SC, tau2 + phi2 - a * phv - as * phs + a * as * (im * sr(hc, nh, cd) + (1 - im) * sr(hc, nh, co)));
  }
  const top = slot;
  const NFL = NF * L;
  const newRA = tmp;
  // B2 plan: slice interval and linear-in-t factor per (j, i); the θ stencil is the grid's.
  for (let j = 0; j < L; j++) {
    const tp = ld(th, j) * t, lag = ld(thc, j) * t;
    for (let i = 0; i < L; i++) {
      const k = j * L + i;
      if (!(lag > 0)) {
        sti(b2o, k, 0);
        st(b2u, k, 0);
        continue;
      }
      const x = tp + lag * ld(th, i);
      const a0 = sliceOf(T, slot, x);
      const ta = ld(T, a0 * NT + TT_T), tb = ld(T, (a0 + 1) * NT + TT_T);
      st(b2u, k, tb > ta ? min(max((x - ta) / (tb - ta), 0.0), 1.0) : 1.0);
      sti(b2o, k, (a0 * L + ldi(b2s, k)) * NF);
    }
  }
  // --- Sample side: R̃_A (D11), then C_A; algIters passes.
  for (let pass = 0; pass < algIters; pass++) {
    for (let j = 0; j < L; j++) {
      const o = so + j * NF;
      const lag = ld(thc, j) * t;
      let acc: f64 = 0, diag: f64 = 0;
      if (lag > 0) {
        for (let i = 0; i < L; i++) {
          const k = j * L + i;
          const sigR = ip(S, ldi(a2s, k) * NF + so, a2w, NS * k, TF_SR);
          if (i == L - 1) {
            diag = ld(w, i) * sigR;
            continue;
          }
          acc += ld(w, i) * sigR * b2p(S, ldi(b2o, k), b2w, NS * k, ld(b2u, k), NFL, TF_RA);
        }
      }
      st(newRA, j, (-ld(S, o + TF_SR) - lag * acc) / (1 + lag * diag));
    }
    for (let j = 0; j < L; j++) st(S, so + j * NF + TF_RA, ld(newRA, j));
    const newCA = newRA;
    for (let j = 0; j < L - 1; j++) {
      const tp = ld(th, j) * t, lag = ld(thc, j) * t;
      let acc1: f64 = 0, acc2: f64 = 0, diag: f64 = 0;
      if (tp > 0) {
        const a1 = sliceOf(T, top, tp);
        const ta = ld(T, a1 * NT + TT_T), tb = ld(T, (a1 + 1) * NT + TT_T);
        const u = tb > ta ? min(max((tp - ta) / (tb - ta), 0.0), 1.0) : 1.0;
        const pa = a1 * NFL, pb = (a1 + 1) * NFL;
        for (let i = 0; i < L; i++) {
          const k = j * L + i;
          const s1 = ldi(a1s, k) * NF + so;
          const sc = ip(S, s1, a1w, NS * k, TF_SC), sg = ip(S, s1, a1w, NS * k, TF_SR);
          const oi = i * NF;
          const raB = (1 - u) * ld(S, pa + oi + TF_RA) + u * ld(S, pb + oi + TF_RA);
          const caB = (1 - u) * ld(S, pa + oi + TF_CA) + u * ld(S, pb + oi + TF_CA);
          acc1 += ld(w, i) * (sc * raB + sg * caB);
        }
        acc1 *= tp;
      }
      if (lag > 0) {
        for (let i = 0; i < L; i++) {
          const k = j * L + i;
          const sigR = ip(S, ldi(a2s, k) * NF + so, a2w, NS * k, TF_SR);
          if (i == L - 1) {
            diag = ld(w, i) * sigR;
            continue;
          }
          acc2 += ld(w, i) * sigR * b2p(S, ldi(b2o, k), b2w, NS * k, ld(b2u, k), NFL, TF_CA);
        }
        acc2 *= lag;
      }
      st(newCA, j, (-ld(S, so + j * NF + TF_SC) - acc1 - acc2) / (1 + lag * diag));
    }
    for (let j = 0; j < L - 1; j++) st(S, so + j * NF + TF_CA, ld(newCA, j));
    {
      // C_A(t,t), s = t moved left.
      let acc: f64 = 0;
      for (let i = 0; i < L - 1; i++) {
        const o = so + i * NF;
        acc += ld(w, i) * (ld(S, o + TF_SC) * ld(S, o + TF_RA) + ld(S, o + TF_SR) * ld(S, o + TF_CA));
      }
      const o = so + (L - 1) * NF;
      acc += ld(w, L - 1) * ld(S, o + TF_SC) * ld(S, o + TF_RA);
      st(S, o + TF_CA, (-ld(S, o + TF_SC) - t * acc) / (1 + t * ld(w, L - 1) * ld(S, o + TF_SR)));
    }
  }
  // I(t) = 1 + ∫_0^t R̃_A(t,s)ds; observables.
  let I: f64 = 0;
  for (let i = 0; i < L; i++) I += ld(w, i) * ld(S, so + i * NF + TF_RA);
  I = 1 + t * I;
  const etr = -0.5 * ld(S, so + (L - 1) * NF + TF_CA);
  const hdd = sr(hc, nh, cdD);
  const ets = 0.5 * (tau2 + phi2 - 2 * a * phv + a * a * (im * hdd + (1 - im) * sr(hc, nh, coD)));
  // Kernels (D15, regular parts) in modes.
  for (let j = 0; j < L; j++) {
    const o = so + j * NF;
    const cd = (ld(S, o + TF_CS) + (m - 1) * ld(S, o + TF_CD)) * im, co = (ld(S, o + TF_CS) - ld(S, o + TF_CD)) * im;
    const rd = (ld(S, o + TF_RS) + (m - 1) * ld(S, o + TF_RD)) * im, ro = (ld(S, o + TF_RS) - ld(S, o + TF_RD)) * im;
    const kaa = K * a * ld(aT, j);
    const ra = ld(S, o + TF_RA), ca = ld(S, o + TF_CA);
    const h1d = sr1(hc, nh, cd), h1o = sr1(hc, nh, co);
    const mrd = kaa * (ra * h1d + ca * sr2(hc, nh, cd) * rd), mro = kaa * (ra * h1o + ca * sr2(hc, nh, co) * ro);
    const mcd = kaa * ca * h1d, mco = kaa * ca * h1o;
    st(S, o + TF_MRS, mrd + (m - 1) * mro);
    st(S, o + TF_MRD, mrd - mro);
    st(S, o + TF_MCS, mcd + (m - 1) * mco);
    st(S, o + TF_MCD, mcd - mco);
  }
  const h1dD = sr1(hc, nh, cdD), h1oD = sr1(hc, nh, coD);
  const locS = K * a * a * (h1dD + (m - 1) * h1oD), locD = K * a * a * (h1dD - h1oD);
  const phd = nph ? sr1(phc, nph, v) : 0.0;
  let nu: f64 = 0;
  if (spherical) {
    let acc: f64 = 0;
    for (let i = 0; i < L; i++) {
      const o = so + i * NF;
      acc += ld(w, i) * (ld(S, o + TF_MRS) * ld(S, o + TF_CS) + (m - 1) * ld(S, o + TF_MRD) * ld(S, o + TF_CD) + ld(S, o + TF_MCS) * ld(S, o + TF_RS) + (m - 1) * ld(S, o + TF_MCD) * ld(S, o + TF_RD));
    }
    const loc = K * a * a * (h1dD * cdD + (m - 1) * h1oD * coD);
    nu = K * phd * v * a * I - im * (t * acc * im + loc);
  }
  const lamS = nu + im * locS, lamD = nu + im * locD;
  st(T, to + TT_NU, nu);
  st(T, to + TT_I, I);
  st(T, to + TT_LS, lamS);
  st(T, to + TT_LD, lamD);
  st(T, to + TT_ETR, etr);
  st(T, to + TT_ETS, ets);
  if (!isFinite(nu) || !isFinite(I) || !isFinite(etr)) return 0;
  for (let j = 0; j < L; j++) {
    const x = ld(th, j) * t;
    const cur = j == L - 1 || slot == 0;
    st(oneT, j, cur ? a : oneAt(T, top, x, TT_A));
    st(oneT, L + j, cur ? v : oneAt(T, top, x, TT_V));
    st(oneT, 2 * L + j, cur ? nu : oneAt(T, top, x, TT_NU));
    st(oneT, 3 * L + j, cur ? I : oneAt(T, top, x, TT_I));
    st(oneT, 4 * L + j, cur ? lamS : oneAt(T, top, x, TT_LS));
    st(oneT, 5 * L + j, cur ? lamD : oneAt(T, top, x, TT_LD));
  }
  // --- One-time ODEs (D18, D19) and the equal-time C.
  {
    let accA1: f64 = 0, accA2: f64 = 0, accV: f64 = 0, accCS: f64 = 0, accCD: f64 = 0;
    for (let i = 0; i < L; i++) {
      const o = so + i * NF;
      const cd = (ld(S, o + TF_CS) + (m - 1) * ld(S, o + TF_CD)) * im, co = (ld(S, o + TF_CS) - ld(S, o + TF_CD)) * im;
      const rd = (ld(S, o + TF_RS) + (m - 1) * ld(S, o + TF_RD)) * im, ro = (ld(S, o + TF_RS) - ld(S, o + TF_RD)) * im;
      const as = ld(oneT, i);
      const wi = ld(w, i);
      accA1 += wi * ld(S, o + TF_RA) * as * (im * sr(hc, nh, cd) + (1 - im) * sr(hc, nh, co));
      accA2 += wi * ld(S, o + TF_CA) * as * (im * sr1(hc, nh, cd) * rd + (1 - im) * sr1(hc, nh, co) * ro);
      accV += wi * ld(S, o + TF_MRS) * ld(oneT, L + i);
      accCS += wi * (ld(S, o + TF_MRS) * ld(S, o + TF_CS) + ld(S, o + TF_MCS) * ld(S, o + TF_RS));
      accCD += wi * (ld(S, o + TF_MRD) * ld(S, o + TF_CD) + ld(S, o + TF_MCD) * ld(S, o + TF_RD));
    }
    const g1 = a * (im * hdd + (1 - im) * sr(hc, nh, coD));
    st(f1, 0, frozen ? 0.0 : K * phv * I - K * (t * accA1 + g1) - K * t * accA2);
    st(f1, 1, -nu * v + K * phd * a * I - im * (t * accV + locS * v));
    const oL = so + (L - 1) * NF;
    const dS = -nu * ld(S, oL + TF_CS) + m * K * phd * v * a * I - im * (t * accCS + locS * ld(S, oL + TF_CS));
    const dD = -nu * ld(S, oL + TF_CD) - im * (t * accCD + locD * ld(S, oL + TF_CD));
    st(f1, 2, m == 1 ? 0.0 : 2 * (dS - dD) * im);
    st(f1, 3, spherical ? 0.0 : 2 * (dS + (m - 1) * dD) * im);
  }
  // --- Two-time ray derivatives at nodes j < L−1.
  for (let j = 0; j < L - 1; j++) {
    const tp = ld(th, j) * t, lag = ld(thc, j) * t, c = ld(th, j);
    const o = so + j * NF;
    const aP = ld(oneT, j), vP = ld(oneT, L + j), nuP = ld(oneT, 2 * L + j), IP = ld(oneT, 3 * L + j), lSP = ld(oneT, 4 * L + j), lDP = ld(oneT, 5 * L + j);
    let lcS: f64 = 0, lcD: f64 = 0, lrS: f64 = 0, lrD: f64 = 0, rcS: f64 = 0, rcD: f64 = 0, rrS: f64 = 0, rrD: f64 = 0;
    if (tp > 0) {
      // [0, t′]: A1 (current slice at θ_iθ_j) × B1 (slice at t′ on ray θ_i), times t′.
      const a1 = sliceOf(T, top, tp);
      const ta = ld(T, a1 * NT + TT_T), tb = ld(T, (a1 + 1) * NT + TT_T);
      const u = tb > ta ? min(max((tp - ta) / (tb - ta), 0.0), 1.0) : 1.0;
      const pa = a1 * NFL, pb = (a1 + 1) * NFL;
      const v1 = 1 - u;
      if (ASC_FEATURE_SIMD) {
        const uu = f64x2.splat(u), vv = f64x2.splat(v1);
        let s1 = f64x2.splat(0), rc = f64x2.splat(0);
        for (let i = 0; i < L; i++) {
          const k = j * L + i;
          const s1o = ldi(a1s, k) * NF + so, k6 = NS * k;
          // A1 values (the eight dynamic fields as four S/D pairs).
          let aC = f64x2.splat(0), aR = f64x2.splat(0), aMR = f64x2.splat(0), aMC = f64x2.splat(0);
          for (let q = 0; q < NS; q++) {
            const cw = f64x2.splat(ld(a1w, k6 + q)), b = s1o + q * NF;
            aC = f64x2.add(aC, f64x2.mul(cw, vld(S, b)));
            aR = f64x2.add(aR, f64x2.mul(cw, vld(S, b + 2)));
            aMR = f64x2.add(aMR, f64x2.mul(cw, vld(S, b + 4)));
            aMC = f64x2.add(aMC, f64x2.mul(cw, vld(S, b + 6)));
          }
          // B1 values on ray θ_i at t′.
          const oi = pa + i * NF, ob = pb + i * NF;
          const bC = f64x2.add(f64x2.mul(vv, vld(S, oi)), f64x2.mul(uu, vld(S, ob)));
          const bR = f64x2.add(f64x2.mul(vv, vld(S, oi + 2)), f64x2.mul(uu, vld(S, ob + 2)));
          const bMR = f64x2.add(f64x2.mul(vv, vld(S, oi + 4)), f64x2.mul(uu, vld(S, ob + 4)));
          const bMC = f64x2.add(f64x2.mul(vv, vld(S, oi + 6)), f64x2.mul(uu, vld(S, ob + 6)));
          const wi = f64x2.splat(ld(w, i));
          s1 = f64x2.add(s1, f64x2.mul(wi, f64x2.add(f64x2.mul(aMR, bC), f64x2.mul(aMC, bR))));
          rc = f64x2.add(rc, f64x2.mul(wi, f64x2.add(f64x2.mul(bMR, aC), f64x2.mul(bMC, aR))));
        }
        lcS = tp * f64x2.extract_lane(s1, 0);
        lcD = tp * f64x2.extract_lane(s1, 1);
        rcS = f64x2.extract_lane(rc, 0) * tp;
        rcD = f64x2.extract_lane(rc, 1) * tp;
      } else {
        let s1CS: f64 = 0, s1CD: f64 = 0;
        for (let i = 0; i < L; i++) {
          const k = j * L + i;
          const s1o = ldi(a1s, k) * NF + so, k6 = NS * k;
          a0_ = 0; a1_ = 0; a2_ = 0; a3_ = 0; a4_ = 0; a5_ = 0; a6_ = 0; a7_ = 0;
          for (let q = 0; q < NS; q++) {
            const cw = ld(a1w, k6 + q), b = s1o + q * NF;
            a0_ += cw * ld(S, b); a1_ += cw * ld(S, b + 1); a2_ += cw * ld(S, b + 2); a3_ += cw * ld(S, b + 3);
            a4_ += cw * ld(S, b + 4); a5_ += cw * ld(S, b + 5); a6_ += cw * ld(S, b + 6); a7_ += cw * ld(S, b + 7);
          }
          const oi = pa + i * NF, ob = pb + i * NF;
          const bCS = v1 * ld(S, oi + TF_CS) + u * ld(S, ob + TF_CS);
          const bCD = v1 * ld(S, oi + TF_CD) + u * ld(S, ob + TF_CD);
          const bRS = v1 * ld(S, oi + TF_RS) + u * ld(S, ob + TF_RS);
          const bRD = v1 * ld(S, oi + TF_RD) + u * ld(S, ob + TF_RD);
          const bMRS = v1 * ld(S, oi + TF_MRS) + u * ld(S, ob + TF_MRS);
          const bMRD = v1 * ld(S, oi + TF_MRD) + u * ld(S, ob + TF_MRD);
          const bMCS = v1 * ld(S, oi + TF_MCS) + u * ld(S, ob + TF_MCS);
          const bMCD = v1 * ld(S, oi + TF_MCD) + u * ld(S, ob + TF_MCD);
          const wi = ld(w, i);
          s1CS += wi * (a4_ * bCS + a6_ * bRS);
          s1CD += wi * (a5_ * bCD + a7_ * bRD);
          rcS += wi * (bMRS * a0_ + bMCS * a2_);
          rcD += wi * (bMRD * a1_ + bMCD * a3_);
        }
        lcS = tp * s1CS;
        lcD = tp * s1CD;
        rcS *= tp;
        rcD *= tp;
      }
    }
    if (lag > 0) {
      // [t′, t]: A2 (current slice at s_i) × B2 (history at (s_i, t′)), times t − t′.
      let l2CS: f64 = 0, l2CD: f64 = 0, l2RS: f64 = 0, l2RD: f64 = 0, r2CS: f64 = 0, r2CD: f64 = 0, r2RS: f64 = 0, r2RD: f64 = 0;
      if (ASC_FEATURE_SIMD) {
        let l2C = f64x2.splat(0), l2R = f64x2.splat(0), r2C = f64x2.splat(0), r2R = f64x2.splat(0);
        for (let i = 0; i < L; i++) {
          const k = j * L + i;
          const s2 = ldi(a2s, k) * NF + so, k6 = NS * k;
          const ob = ldi(b2o, k), u = ld(b2u, k), v1 = 1 - u;
          let B0 = f64x2.splat(0), B1 = f64x2.splat(0), B2 = f64x2.splat(0), B3 = f64x2.splat(0);
          let mr = f64x2.splat(0), r = f64x2.splat(0);
          for (let q = 0; q < NS; q++) {
            const bw = ld(b2w, k6 + q);
            const cc = f64x2.splat(v1 * bw), zz = f64x2.splat(u * bw);
            const b = ob + q * NF, bb = b + NFL;
            B0 = f64x2.add(B0, f64x2.add(f64x2.mul(cc, vld(S, b)), f64x2.mul(zz, vld(S, bb))));
            B1 = f64x2.add(B1, f64x2.add(f64x2.mul(cc, vld(S, b + 2)), f64x2.mul(zz, vld(S, bb + 2))));
            B2 = f64x2.add(B2, f64x2.add(f64x2.mul(cc, vld(S, b + 4)), f64x2.mul(zz, vld(S, bb + 4))));
            B3 = f64x2.add(B3, f64x2.add(f64x2.mul(cc, vld(S, b + 6)), f64x2.mul(zz, vld(S, bb + 6))));
          }
          for (let q = 0; q < NS; q++) {
            const aw = f64x2.splat(ld(a2w, k6 + q)), b = s2 + q * NF;
            mr = f64x2.add(mr, f64x2.mul(aw, vld(S, b + TF_MRS)));
            r = f64x2.add(r, f64x2.mul(aw, vld(S, b + TF_RS)));
          }
          const wi = f64x2.splat(ld(w, i));
          const wmr = f64x2.mul(wi, mr), wr = f64x2.mul(wi, r);
          l2C = f64x2.add(l2C, f64x2.mul(wmr, B0));
          l2R = f64x2.add(l2R, f64x2.mul(wmr, B1));
          r2C = f64x2.add(r2C, f64x2.mul(f64x2.mul(wi, B3), r));
          r2R = f64x2.add(r2R, f64x2.mul(wr, B2));
        }
        l2CS = f64x2.extract_lane(l2C, 0); l2CD = f64x2.extract_lane(l2C, 1);
        l2RS = f64x2.extract_lane(l2R, 0); l2RD = f64x2.extract_lane(l2R, 1);
        r2CS = f64x2.extract_lane(r2C, 0); r2CD = f64x2.extract_lane(r2C, 1);
        r2RS = f64x2.extract_lane(r2R, 0); r2RD = f64x2.extract_lane(r2R, 1);
      } else {
        for (let i = 0; i < L; i++) {
          const k = j * L + i;
          const s2 = ldi(a2s, k) * NF + so, k6 = NS * k;
          const ob = ldi(b2o, k), u = ld(b2u, k), v1 = 1 - u;
          a0_ = 0; a1_ = 0; a2_ = 0; a3_ = 0; a4_ = 0; a5_ = 0; a6_ = 0; a7_ = 0;
          for (let q = 0; q < NS; q++) {
            const bw = ld(b2w, k6 + q);
            const cc = v1 * bw, zz = u * bw;
            const b = ob + q * NF, bb = b + NFL;
            a0_ += cc * ld(S, b) + zz * ld(S, bb); a1_ += cc * ld(S, b + 1) + zz * ld(S, bb + 1);
            a2_ += cc * ld(S, b + 2) + zz * ld(S, bb + 2); a3_ += cc * ld(S, b + 3) + zz * ld(S, bb + 3);
            a4_ += cc * ld(S, b + 4) + zz * ld(S, bb + 4); a5_ += cc * ld(S, b + 5) + zz * ld(S, bb + 5);
            a6_ += cc * ld(S, b + 6) + zz * ld(S, bb + 6); a7_ += cc * ld(S, b + 7) + zz * ld(S, bb + 7);
          }
          const wi = ld(w, i);
          const mrs = ip(S, s2, a2w, k6, TF_MRS), mrd = ip(S, s2, a2w, k6, TF_MRD), rs = ip(S, s2, a2w, k6, TF_RS), rd = ip(S, s2, a2w, k6, TF_RD);
          l2CS += wi * mrs * a0_;
          l2CD += wi * mrd * a1_;
          l2RS += wi * mrs * a2_;
          l2RD += wi * mrd * a3_;
          r2CS += wi * a6_ * rs;
          r2CD += wi * a7_ * rd;
          r2RS += wi * rs * a4_;
          r2RD += wi * rd * a5_;
        }
      }
      lcS += lag * l2CS;
      lcD += lag * l2CD;
      lrS = lag * l2RS;
      lrD = lag * l2RD;
      rcS += lag * r2CS;
      rcD += lag * r2CD;
      rrS = lag * r2RS;
      rrD = lag * r2RD;
    }
    const CS = ld(S, o + TF_CS), CD = ld(S, o + TF_CD), RS = ld(S, o + TF_RS), RD = ld(S, o + TF_RD);
    const locSp = m * (lSP - nuP), locDp = m * (lDP - nuP);
    const ltCS = -nu * CS + m * K * phd * vP * a * I - im * (lcS + locS * CS);
    const ltCD = -nu * CD - im * (lcD + locD * CD);
    const phdP = nph ? sr1(phc, nph, vP) : 0.0;
    const rtCS = -nuP * CS + m * K * phdP * v * aP * IP - im * (rcS + locSp * CS);
    const rtCD = -nuP * CD - im * (rcD + locDp * CD);
    const ltRS = -nu * RS - im * (lrS + locS * RS);
    const ltRD = -nu * RD - im * (lrD + locD * RD);
    const rtRS = nuP * RS + im * (rrS + locSp * RS);
    const rtRD = nuP * RD + im * (rrD + locDp * RD);
    st(f, j, ltCS + c * rtCS);
    st(f, L + j, ltCD + c * rtCD);
    st(f, 2 * L + j, ltRS + c * rtRS);
    st(f, 3 * L + j, ltRD + c * rtRD);
  }
  for (let q = 0; q < 4; q++) st(f, q * L + L - 1, 0);
  for (let q = 0; q < 4; q++) if (!isFinite(ld(f1, q))) return 0;
  return 1;
}
