// SymmDMFT on the θ = t′/t grid (dmft-grid.md §2–§4, adapted): the history is a list of slices at the
// accepted times t_k, each holding the two-time fields at t′ = θ_i t_k for a fixed set of L ratio nodes θ_i,
// so one step costs O(L²) work independent of t and the memory is O(K·L) (K slices).
//
// Fields are the mode variables X ∈ {S, D} (dmft-grid.md §2): C_S = C_d + (m−1)C_o, C_D = C_d − C_o and
// the same for R, M_R, M_C. The symmetric-init matrices are all of the form dI + o(J − I), which commute
// and share the eigenvectors 1 (eigenvalue S) and 1^⊥ (eigenvalue D), so D20–D23 decouple into scalar
// equations per mode: ∂_t C_X = −ν C_X + [X = S]·m·Kφ̂′(v)v(t′)a I − (1/m)∫M_{R,X}C_X − (1/m)∫M_{C,X}R_X.
//
// Ray derivative (dmft-grid.md §3): 𝒢(t,θ) = G(t,θt), d𝒢/dt = ∂_t G + θ ∂_{t′}G with the right equations
//   ∂_{t′}C_X(t,t′) = −ν(t′)C_X + [S]·m Kφ̂′(v(t′))v(t)a(t′)I(t′) − (1/m)∫_0^{t′}M_{R,X}(t′,s)C_X(t,s)ds
//                      − (1/m)∫_0^t M_{C,X}(t′,s)R_X(t,s)ds                (D20 with first argument t′ < t)
//   ∂_{t′}R_X(t,t′) = ν(t′)R_X + (1/m)∫_{t′}^t R_X(t,s)M_{R,X}(s,t′)ds  (the adjoint of D22/D23 [D]).
// Local (δ) parts: M_R's δ at s = t gives −λ_X(t)·G in the left equations, at s = t′ ∓λ_X(t′)·G in the
// right ones, λ_S = ν + (Ka²/m)[h′(C_d(t,t)) + (m−1)h′(C_o(t,t))], λ_D = ν + (Ka²/m)[h′(C_d) − h′(C_o)]
// (dmft-grid.md §4 f_I): C_X decays at λ_X(t) + θλ_X(θt), R_X at λ_X(t) − θλ_X(θt).
//
// Reads: on the current slice at θ′ ≠ θ_i by a 4-point Lagrange stencil in θ (precomputed for the two
// t-independent position families θ_iθ_j (A1) and θ_j + (1−θ_j)θ_i (A2)); in the history along a ray θ_i
// (B1) linear in t between the two enclosing slices; at a general point (x, y ≤ x) (B2) by the stencil at
// θ = y/x on the two slices enclosing x, linear in t. Near θ = 1 all θ arithmetic uses the complement
// 1 − θ (stored exactly) so lags down to 1e-12·t keep their relative precision. The θ = 1 node holds the left
// limits: C(t,t), R_X(t,t⁻) = 1 (R_d = 1, R_o = 0), so the jump of R never enters a stencil.
//
// Integrals split at s = t′ and map each piece onto [0,1] with the same nodes (dmft-grid.md §3): weights w_i
// integrate the piecewise cubic Lagrange interpolant (exact for cubics, O(h⁴) in the local spacing).
//
// The sample side R̃_A, C_A (D11 with R_A = δ + R̃_A) is algebraic per slice: reads of the slice being
// computed (history points with x in the current step) use a predictor (the previous evaluation at that
// slot, or the ray extrapolation of the last two slices), an O(Δt²)-weighted approximation.
//
// Plain TypeScript: thetaEval is the solver's evaluation and the TS twin of the Wasm kernel assembly/dmft_theta.ts
// (bitwise the same operations; keep them in step). src/dmft/theta-grid.ts drives the steps and the error control.

import { DMFT_THETA_PAR as TP, DMFT_THETA_PAR_LEN, THETA_F, THETA_NF, THETA_NS, THETA_NT, THETA_T } from '../gen/dmft_layout.js';

export interface ThetaParams {
  m: number;
  /** K = ᾱ/m = α. */
  K: number;
  tau2: number;
  phi2: number;
  frozen: boolean;
  spherical: boolean;
  h: Float64Array;
  ph: Float64Array;
}

/** Interleaved per-node fields of a slice (NF values per θ node) and one-time values per slice (NT): the
 *  layout shared with the Wasm kernel (codegen/contract.mjs THETA_F, THETA_T). */
export const F_CS = THETA_F.CS,
  F_CD = THETA_F.CD,
  F_RS = THETA_F.RS,
  F_RD = THETA_F.RD,
  F_MRS = THETA_F.MRS,
  F_MRD = THETA_F.MRD,
  F_MCS = THETA_F.MCS,
  F_MCD = THETA_F.MCD,
  F_RA = THETA_F.RA,
  F_CA = THETA_F.CA,
  F_SR = THETA_F.SR,
  F_SC = THETA_F.SC;
export const NF = THETA_NF;
export const T_T = THETA_T.T,
  T_A = THETA_T.A,
  T_V = THETA_T.V,
  T_NU = THETA_T.NU,
  T_I = THETA_T.I,
  T_COD = THETA_T.COD,
  T_CDD = THETA_T.CDD,
  T_LS = THETA_T.LS,
  T_LD = THETA_T.LD,
  T_ETR = THETA_T.ETR,
  T_ETS = THETA_T.ETS;
export const NT = THETA_NT;

/** Ratio nodes, complements, quadrature weights and the A1/A2 stencils (t-independent). */
export interface ThetaGrid {
  L: number;
  eta: number;
  g1: number;
  gLc: number;
  den: number;
  th: Float64Array;
  /** 1 − θ_i, exact near θ = 1. */
  thc: Float64Array;
  w: Float64Array;
  /** A1 (θ_iθ_j), A2 (θ_j + (1−θ_j)θ_i): stencil start per (j,i) at j·L + i and NS weights at NS(j·L + i). */
  a1s: Int32Array;
  a1w: Float64Array;
  a2s: Int32Array;
  a2w: Float64Array;
  /** B2 (the θ of the history point (s_i, t′_j), s_i = t′_j + (t − t′_j)θ_i, t′_j = θ_j t): θ = t′_j/s_i, complement
   *  θc_jθ_i/(θ_j + θc_jθ_i) — t-independent, so its stencil is precomputed like A1/A2 (start, NS weights). */
  b2s: Int32Array;
  b2w: Float64Array;
}

/** Nodes of dmft-grid.md §2: u_k = η(k − (L+1)/2), g(u) = (2/π)atan(eᵘ), θ = (g(u_k) − g(u_1))/(g(u_L) − g(u_1));
 *  η from the range Λ = T·max λ by η = −(2/L)W₋₁(−1/(10Λ)). Also the map constants g(u_1), 1 − g(u_L) and the
 *  denominator, for the inverse map θ → u used by the stencils. */
export function thetaNodes(L: number, Lambda: number): { th: Float64Array; thc: Float64Array; eta: number; g1: number; gLc: number; den: number } {
  const eta = (-2 / L) * lambertWm1(-1 / (10 * Math.max(Lambda, 10)));
  const th = new Float64Array(L),
    thc = new Float64Array(L);
  const u = (k: number) => eta * (k - (L - 1) / 2);
  // g(u) = (2/π)atan(eᵘ); 1 − g(u) = (2/π)atan(e^{−u}) (no cancellation near 1).
  const g = (x: number) => (2 / Math.PI) * Math.atan(Math.exp(x));
  const gc = (x: number) => (2 / Math.PI) * Math.atan(Math.exp(-x));
  const g1 = g(u(0)),
    gLc = gc(u(L - 1));
  const den = 1 - gLc - g1;
  for (let k = 0; k < L; k++) {
    th[k] = (g(u(k)) - g1) / den;
    thc[k] = (gc(u(k)) - gLc) / den;
  }
  th[0] = 0;
  thc[0] = 1;
  th[L - 1] = 1;
  thc[L - 1] = 0;
  return { th, thc, eta, g1, gLc, den };
}

/** Lower branch W₋₁(x) for x ∈ [−1/e, 0) (Halley iteration from the asymptotic start). */
export function lambertWm1(x: number): number {
  if (!(x < 0 && x >= -1 / Math.E)) throw new Error(`lambertWm1: x = ${x} outside [−1/e, 0)`);
  const l1 = Math.log(-x),
    l2 = Math.log(-l1);
  let w = x > -0.25 ? l1 - l2 + l2 / l1 : -1 - Math.sqrt(2 * (1 + Math.E * x));
  for (let it = 0; it < 50; it++) {
    const ew = Math.exp(w);
    const f = w * ew - x;
    const wp1 = w + 1;
    const dw = f / (ew * wp1 - ((w + 2) * f) / (2 * wp1));
    w -= dw;
    if (Math.abs(dw) < 1e-15 * Math.abs(w)) break;
  }
  return w;
}

/** Interpolation stencil width (Lagrange degree NS − 1 in the uniform variable u). */
export const NS = THETA_NS;

interface NodeMap {
  L: number;
  eta: number;
  g1: number;
  gLc: number;
  den: number;
}

/** Fractional node position r (θ = θ(u), u = η(r − (L−1)/2)) of θ, from θ or, near 1, from its complement. */
export function nodePos(G: NodeMap, th: number, thc: number): number {
  let u: number;
  if (th <= 0.5) u = Math.log(Math.tan((Math.PI / 2) * (G.g1 + th * G.den)));
  else u = -Math.log(Math.tan((Math.PI / 2) * (G.gLc + thc * G.den)));
  const r = u / G.eta + (G.L - 1) / 2;
  return Math.min(Math.max(r, 0), G.L - 1);
}

/** NS-point Lagrange stencil in u at θ (uniform nodes in u, where the θ grid is geometric at both ends and the
 *  fields are smooth in log t′ and log(t − t′)): start index s, weights for nodes s..s+NS−1 into w[o..]. */
export function stencil(G: NodeMap, th: number, thc: number, w: Float64Array, o: number): number {
  const r = nodePos(G, th, thc);
  const s = Math.min(Math.max(Math.floor(r) - ((NS >> 1) - 1), 0), G.L - NS);
  const x = r - s;
  for (let a = 0; a < NS; a++) {
    let num = 1,
      den = 1;
    for (let c = 0; c < NS; c++) {
      if (c === a) continue;
      num *= x - c;
      den *= a - c;
    }
    w[o + a] = num / den;
  }
  return s;
}

/** Quadrature weights on [0,1]: the trapezoid rule in u, ∫_0^1 f dθ = ∫ f(θ(u)) θ′(u) du with
 *  θ′(u) = 1/(π cosh(u)·den) — exponentially accurate for integrands analytic in a strip in u (the
 *  tanh-sinh argument); normalised so that Σ w_i = 1. */
function weights(G: NodeMap): Float64Array {
  const L = G.L;
  const w = new Float64Array(L);
  let sum = 0;
  for (let k = 0; k < L; k++) {
    const u = G.eta * (k - (L - 1) / 2);
    w[k] = ((k === 0 || k === L - 1 ? 0.5 : 1) * G.eta) / (Math.PI * Math.cosh(u) * G.den);
    sum += w[k];
  }
  for (let k = 0; k < L; k++) w[k] /= sum;
  return w;
}

export function thetaGrid(L: number, Lambda: number): ThetaGrid {
  if (!(L >= 8)) throw new Error('theta grid: L ≥ 8');
  const { th, thc, eta, g1, gLc, den } = thetaNodes(L, Lambda);
  const G = { L, th, thc, eta, g1, gLc, den };
  const w = weights(G);
  const a1s = new Int32Array(L * L),
    a2s = new Int32Array(L * L);
  const a1w = new Float64Array(NS * L * L),
    a2w = new Float64Array(NS * L * L);
  const b2s = new Int32Array(L * L),
    b2w = new Float64Array(NS * L * L);
  for (let j = 0; j < L; j++)
    for (let i = 0; i < L; i++) {
      const k = j * L + i;
      // A1: θ_iθ_j, complement θc_i + θc_j − θc_iθc_j; A2: θ_j + θc_jθ_i, complement θc_jθc_i.
      a1s[k] = stencil(G, th[i] * th[j], thc[i] + thc[j] - thc[i] * thc[j], a1w, NS * k);
      a2s[k] = stencil(G, th[j] + thc[j] * th[i], thc[j] * thc[i], a2w, NS * k);
      // B2: x = t(θ_j + θc_jθ_i), complement c = θc_jθ_i/(θ_j + θc_jθ_i) (x = 0 only at j = i = 0: the point (0,0)).
      const xl = thc[j] * th[i],
        x = th[j] + xl;
      const c = x > 0 ? xl / x : 0;
      b2s[k] = stencil(G, 1 - c, c, b2w, NS * k);
    }
  return { L, eta, g1, gLc, den, th, thc, w, a1s, a1w, a2s, a2w, b2s, b2w };
}

/** What an evaluation reads of the grid (the Wasm kernel's block holds exactly these). */
export type ThetaEvalGrid = Pick<ThetaGrid, 'L' | 'th' | 'thc' | 'w' | 'a1s' | 'a1w' | 'a2s' | 'a2w' | 'b2s' | 'b2w'>;

/** The arguments of thetaEval as views of the Wasm kernel's parameter block at byte offset `par` of `buf`
 *  (DMFT_THETA_PAR, assembly/dmft_theta.ts): the TS twin of dmft_theta_eval runs on exactly the kernel's memory.
 *  The state views cover slices 0..slot (all an evaluation of `slot` reads or writes). */
export function thetaViews(buf: ArrayBufferLike, par: number, slot: number): { P: ThetaParams; G: ThetaEvalGrid; st: ThetaState; W: ThetaWork } {
  const pv = new Float64Array(buf, par, DMFT_THETA_PAR_LEN);
  const L = pv[TP.L],
    LL = L * L;
  const f = (k: number, n: number) => new Float64Array(buf, pv[k], n);
  const i = (k: number, n: number) => new Int32Array(buf, pv[k], n);
  return {
    P: {
      m: pv[TP.M],
      K: pv[TP.K],
      tau2: pv[TP.TAU2],
      phi2: pv[TP.PHI2],
      frozen: pv[TP.FROZEN] !== 0,
      spherical: pv[TP.SPHERICAL] !== 0,
      h: f(TP.HC, pv[TP.NH]),
      ph: f(TP.PHC, pv[TP.NPH]),
    },
    G: {
      L,
      th: f(TP.TH, L),
      thc: f(TP.THC, L),
      w: f(TP.W, L),
      a1s: i(TP.A1S, LL),
      a1w: f(TP.A1W, NS * LL),
      a2s: i(TP.A2S, LL),
      a2w: f(TP.A2W, NS * LL),
      b2s: i(TP.B2S, LL),
      b2w: f(TP.B2W, NS * LL),
    },
    st: { L, cap: slot + 1, K: slot, S: f(TP.S, (slot + 1) * NF * L), T: f(TP.T, (slot + 1) * NT) },
    W: { f: f(TP.F, 4 * L), f1: f(TP.F1, 4), oneT: f(TP.ONET, 6 * L), tmp: f(TP.TMP, L), tmp2: f(TP.TMP2, L), b2o: i(TP.B2O, LL), b2u: f(TP.B2U, LL) },
  };
}

/** The solver state: plain typed arrays + scalars (checkpointable as is). Slices 0..K are accepted; slot K+1
 *  holds the stage being evaluated. */
export interface ThetaState {
  L: number;
  /** Slice capacity (≥ K + 2). */
  cap: number;
  K: number;
  /** Per slice: NF·L interleaved node values. */
  S: Float64Array;
  /** Per slice: NT one-time values. */
  T: Float64Array;
}

export function thetaAlloc(L: number, cap: number, prev?: ThetaState): ThetaState {
  const st: ThetaState = { L, cap, K: prev?.K ?? 0, S: new Float64Array(cap * NF * L), T: new Float64Array(cap * NT) };
  if (prev) {
    st.S.set(prev.S.subarray(0, Math.min(prev.S.length, st.S.length)));
    st.T.set(prev.T.subarray(0, Math.min(prev.T.length, st.T.length)));
  }
  return st;
}

/** Work arrays of one evaluation (length L unless noted). */
export interface ThetaWork {
  /** Ray derivatives of C_S, C_D, R_S, R_D at the nodes (4L, field-major), and of the one-time ODE
   *  variables [a, v, C_o(t,t), C_d(t,t)]. */
  f: Float64Array;
  f1: Float64Array;
  /** One-time values at θ_j t: a, v, ν, I, λ_S, λ_D (6L). */
  oneT: Float64Array;
  tmp: Float64Array;
  tmp2: Float64Array;
  /** B2 plan of the evaluation: per (j,i) the offset of the grid's B2 stencil on the lower slice, and the
   *  linear-in-t factor u between the lower and the upper slice. */
  b2o: Int32Array;
  b2u: Float64Array;
}

export function thetaWork(L: number): ThetaWork {
  return {
    f: new Float64Array(4 * L),
    f1: new Float64Array(4),
    oneT: new Float64Array(6 * L),
    tmp: new Float64Array(L),
    tmp2: new Float64Array(L),
    b2o: new Int32Array(L * L),
    b2u: new Float64Array(L * L),
  };
}

function sr(c: Float64Array, x: number): number {
  let p = 0;
  for (let k = c.length - 1; k >= 0; k--) p = p * x + c[k];
  return p;
}
function sr1(c: Float64Array, x: number): number {
  let p = 0;
  for (let k = c.length - 1; k >= 1; k--) p = p * x + k * c[k];
  return p;
}
function sr2(c: Float64Array, x: number): number {
  let p = 0;
  for (let k = c.length - 1; k >= 2; k--) p = p * x + k * (k - 1) * c[k];
  return p;
}

/** Slice index a with t_a ≤ x ≤ t_{a+1} among slices 0..top (top = slot when the stage counts). */
function sliceOf(T: Float64Array, top: number, x: number): number {
  let lo = 0,
    hi = top;
  if (x >= T[hi * NT + T_T]) return Math.max(top - 1, 0);
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (T[mid * NT + T_T] <= x) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** One-time value c at time x (linear in t between the enclosing slices 0..top). */
function oneAt(T: Float64Array, top: number, x: number, c: number): number {
  if (top === 0) return T[c];
  const a = sliceOf(T, top, x);
  const ta = T[a * NT + T_T],
    tb = T[(a + 1) * NT + T_T];
  const u = tb > ta ? Math.min(Math.max((x - ta) / (tb - ta), 0), 1) : 1;
  return (1 - u) * T[a * NT + c] + u * T[(a + 1) * NT + c];
}

/** Initial slice (t = 0): C_d = 1, C_o = 0 (C_S = C_D = 1), R left limits R_S = R_D = 1 at all θ, a = a₀, v = 0. */
export function thetaInit(st: ThetaState, a0: number): void {
  const L = st.L;
  st.K = 0;
  for (let i = 0; i < L; i++) {
    const o = i * NF;
    st.S[o + F_CS] = 1;
    st.S[o + F_CD] = 1;
    st.S[o + F_RS] = 1;
    st.S[o + F_RD] = 1;
  }
  const T = st.T;
  T[T_T] = 0;
  T[T_A] = a0;
  T[T_V] = 0;
  T[T_COD] = 0;
  T[T_CDD] = 1;
}

/**
 * Evaluate slice `slot` (its ODE fields, t, a, v, C_o(t,t), C_d(t,t) set; slices 0..slot−1 complete; the
 * slot's R̃_A, C_A hold a predictor): the sample side, kernels, ν, I, λ, e_tr, e_ts into the slot, and the
 * ray derivatives into W.f (C_S, C_D, R_S, R_D at nodes 0..L−2; node L−1 is fixed) and W.f1 (ȧ, v̇, Ċ_o(t,t), Ċ_d(t,t)).
 * Returns false on a non-finite value.
 */
export function thetaEval(P: ThetaParams, G: ThetaEvalGrid, st: ThetaState, W: ThetaWork, slot: number, algIters = 1): boolean {
  const L = G.L,
    m = P.m,
    K = P.K,
    im = 1 / m;
  const S = st.S,
    T = st.T;
  const so = slot * NF * L,
    to = slot * NT;
  const t = T[to + T_T],
    a = T[to + T_A],
    v = T[to + T_V],
    coD = T[to + T_COD],
    cdD = T[to + T_CDD];
  const th = G.th,
    thc = G.thc,
    w = G.w;
  // θ = 1 node: C(t,t) and R's left limits.
  S[so + (L - 1) * NF + F_CS] = cdD + (m - 1) * coD;
  S[so + (L - 1) * NF + F_CD] = cdD - coD;
  S[so + (L - 1) * NF + F_RS] = 1;
  S[so + (L - 1) * NF + F_RD] = 1;
  // a(θ_j t) for the kernels (ODE variable: history + slot).
  const aT = W.tmp2;
  for (let j = 0; j < L; j++) aT[j] = j === L - 1 ? a : slot === 0 ? a : oneAt(T, slot, th[j] * t, T_A);
  // Σ_R, Σ_C at the nodes (D16, D17) and the C_d, C_o values.
  const phv = P.ph.length ? sr(P.ph, v) : 0;
  for (let j = 0; j < L; j++) {
    const o = so + j * NF;
    const cd = (S[o + F_CS] + (m - 1) * S[o + F_CD]) * im,
      co = (S[o + F_CS] - S[o + F_CD]) * im;
    const rd = (S[o + F_RS] + (m - 1) * S[o + F_RD]) * im,
      ro = (S[o + F_RS] - S[o + F_RD]) * im;
    const as = aT[j];
    const vs = j === L - 1 ? v : slot === 0 ? v : oneAt(T, slot, th[j] * t, T_V);
    const phs = P.ph.length ? sr(P.ph, vs) : 0;
    S[o + F_SR] = a * as * (im * sr1(P.h, cd) * rd + (1 - im) * sr1(P.h, co) * ro);
    S[o + F_SC] = P.tau2 + P.phi2 - a * phv - as * phs + a * as * (im * sr(P.h, cd) + (1 - im) * sr(P.h, co));
  }
  const top = slot; // history reads use slices 0..slot
  const NFL = NF * L;
  const newRA = W.tmp;
  // B2 plan: the history points (s_i, t′_j) = (θ_j t + (t − θ_j t)θ_i, θ_j t) are the same for every field and
  // pass of this evaluation: slice interval and linear-in-t factor once per (j, i); the θ stencil is the grid's.
  const b2o = W.b2o,
    b2u = W.b2u,
    b2s = G.b2s,
    b2w = G.b2w,
    a2s = G.a2s,
    a2w = G.a2w,
    a1s = G.a1s,
    a1w = G.a1w;
  for (let j = 0; j < L; j++) {
    const tp = th[j] * t,
      lag = thc[j] * t;
    for (let i = 0; i < L; i++) {
      const k = j * L + i;
      if (!(lag > 0)) {
        b2o[k] = 0;
        b2u[k] = 0;
        continue;
      }
      const x = tp + lag * th[i];
      const a0 = sliceOf(T, slot, x);
      const ta = T[a0 * NT + T_T],
        tb = T[(a0 + 1) * NT + T_T];
      b2u[k] = tb > ta ? Math.min(Math.max((x - ta) / (tb - ta), 0), 1) : 1;
      b2o[k] = (a0 * L + b2s[k]) * NF;
    }
  }
  // --- Sample side: R̃_A (D11), then C_A, algIters passes (each pass reads the slot's previous values).
  for (let pass = 0; pass < algIters; pass++) {
    for (let j = 0; j < L; j++) {
      const o = so + j * NF;
      const lag = thc[j] * t; // t − t′
      let acc = 0;
      let diag = 0;
      if (lag > 0) {
        for (let i = 0; i < L; i++) {
          // Σ_R(t, s_i) at A2, R̃_A(s_i, t′) at B2; i = L−1 is s = t (moved left).
          const k = j * L + i;
          const sigR = ip(S, a2s[k] * NF + so, a2w, NS * k, F_SR);
          if (i === L - 1) {
            diag = w[i] * sigR;
            continue;
          }
          acc += w[i] * sigR * b2p(S, b2o[k], b2w, NS * k, b2u[k], NFL, F_RA);
        }
      }
      newRA[j] = (-S[o + F_SR] - lag * acc) / (1 + lag * diag);
    }
    for (let j = 0; j < L; j++) S[so + j * NF + F_RA] = newRA[j];
    // C_A(t,t′) = −Σ_C(t,t′) − ∫_0^{t′}Σ_C(t,s)R̃_A(t′,s)ds − ∫_0^t Σ_R(t,s)C_A(s,t′)ds; t′ = t last.
    const newCA = newRA; // reuse
    for (let j = 0; j < L - 1; j++) {
      const tp = th[j] * t,
        lag = thc[j] * t;
      let acc1 = 0,
        acc2 = 0,
        diag = 0;
      if (tp > 0) {
        // B1 along ray θ_i at time t′.
        const a1 = sliceOf(T, top, tp);
        const ta = T[a1 * NT + T_T],
          tb = T[(a1 + 1) * NT + T_T];
        const u = tb > ta ? Math.min(Math.max((tp - ta) / (tb - ta), 0), 1) : 1;
        const pa = a1 * NFL,
          pb = (a1 + 1) * NFL;
        for (let i = 0; i < L; i++) {
          const k = j * L + i;
          const s1 = a1s[k] * NF + so;
          const sc = ip(S, s1, a1w, NS * k, F_SC),
            sg = ip(S, s1, a1w, NS * k, F_SR);
          const oi = i * NF;
          const raB = (1 - u) * S[pa + oi + F_RA] + u * S[pb + oi + F_RA];
          const caB = (1 - u) * S[pa + oi + F_CA] + u * S[pb + oi + F_CA];
          acc1 += w[i] * (sc * raB + sg * caB);
        }
        acc1 *= tp;
      }
      if (lag > 0) {
        for (let i = 0; i < L; i++) {
          const k = j * L + i;
          const sigR = ip(S, a2s[k] * NF + so, a2w, NS * k, F_SR);
          if (i === L - 1) {
            diag = w[i] * sigR;
            continue;
          }
          acc2 += w[i] * sigR * b2p(S, b2o[k], b2w, NS * k, b2u[k], NFL, F_CA);
        }
        acc2 *= lag;
      }
      newCA[j] = (-S[so + j * NF + F_SC] - acc1 - acc2) / (1 + lag * diag);
    }
    for (let j = 0; j < L - 1; j++) S[so + j * NF + F_CA] = newCA[j];
    {
      // C_A(t,t): −Σ_C(t,t) − t Σ_i w_i [Σ_C(t,θ_i t)R̃_A(t,θ_i t) + Σ_R(t,θ_i t)C_A(t,θ_i t)], s = t moved left.
      let acc = 0;
      for (let i = 0; i < L - 1; i++) {
        const o = so + i * NF;
        acc += w[i] * (S[o + F_SC] * S[o + F_RA] + S[o + F_SR] * S[o + F_CA]);
      }
      const o = so + (L - 1) * NF;
      acc += w[L - 1] * S[o + F_SC] * S[o + F_RA];
      S[o + F_CA] = (-S[o + F_SC] - t * acc) / (1 + t * w[L - 1] * S[o + F_SR]);
    }
  }
  // I(t) = 1 + ∫_0^t R̃_A(t,s)ds; observables.
  let I = 0;
  for (let i = 0; i < L; i++) I += w[i] * S[so + i * NF + F_RA];
  I = 1 + t * I;
  const etr = -0.5 * S[so + (L - 1) * NF + F_CA];
  const hdd = sr(P.h, cdD);
  const ets = 0.5 * (P.tau2 + P.phi2 - 2 * a * phv + a * a * (im * hdd + (1 - im) * sr(P.h, coD)));
  // Kernels (D15, regular parts) in modes.
  for (let j = 0; j < L; j++) {
    const o = so + j * NF;
    const cd = (S[o + F_CS] + (m - 1) * S[o + F_CD]) * im,
      co = (S[o + F_CS] - S[o + F_CD]) * im;
    const rd = (S[o + F_RS] + (m - 1) * S[o + F_RD]) * im,
      ro = (S[o + F_RS] - S[o + F_RD]) * im;
    const kaa = K * a * aT[j];
    const ra = S[o + F_RA],
      ca = S[o + F_CA];
    const h1d = sr1(P.h, cd),
      h1o = sr1(P.h, co);
    const mrd = kaa * (ra * h1d + ca * sr2(P.h, cd) * rd),
      mro = kaa * (ra * h1o + ca * sr2(P.h, co) * ro);
    const mcd = kaa * ca * h1d,
      mco = kaa * ca * h1o;
    S[o + F_MRS] = mrd + (m - 1) * mro;
    S[o + F_MRD] = mrd - mro;
    S[o + F_MCS] = mcd + (m - 1) * mco;
    S[o + F_MCD] = mcd - mco;
  }
  // Local (δ) parts of M_R at s = t: Ka²h′(C_x(t,t)).
  const h1dD = sr1(P.h, cdD),
    h1oD = sr1(P.h, coD);
  const locS = K * a * a * (h1dD + (m - 1) * h1oD),
    locD = K * a * a * (h1dD - h1oD);
  // ν (D24) in modes: diag of (M C) = [M_S C_S + (m−1)M_D C_D]/m.
  const phd = P.ph.length ? sr1(P.ph, v) : 0;
  let nu = 0;
  if (P.spherical) {
    let acc = 0;
    for (let i = 0; i < L; i++) {
      const o = so + i * NF;
      acc += w[i] * (S[o + F_MRS] * S[o + F_CS] + (m - 1) * S[o + F_MRD] * S[o + F_CD] + S[o + F_MCS] * S[o + F_RS] + (m - 1) * S[o + F_MCD] * S[o + F_RD]);
    }
    const loc = K * a * a * (h1dD * cdD + (m - 1) * h1oD * coD);
    nu = K * phd * v * a * I - im * (t * acc * im + loc);
  }
  const lamS = nu + im * locS,
    lamD = nu + im * locD;
  T[to + T_NU] = nu;
  T[to + T_I] = I;
  T[to + T_LS] = lamS;
  T[to + T_LD] = lamD;
  T[to + T_ETR] = etr;
  T[to + T_ETS] = ets;
  if (!Number.isFinite(nu) || !Number.isFinite(I) || !Number.isFinite(etr)) return false;
  // One-time reads at θ_j t (after ν, I, λ of the slot are known).
  const oneT = W.oneT;
  for (let j = 0; j < L; j++) {
    const x = th[j] * t;
    const cur = j === L - 1 || slot === 0;
    oneT[j] = cur ? a : oneAt(T, top, x, T_A);
    oneT[L + j] = cur ? v : oneAt(T, top, x, T_V);
    oneT[2 * L + j] = cur ? nu : oneAt(T, top, x, T_NU);
    oneT[3 * L + j] = cur ? I : oneAt(T, top, x, T_I);
    oneT[4 * L + j] = cur ? lamS : oneAt(T, top, x, T_LS);
    oneT[5 * L + j] = cur ? lamD : oneAt(T, top, x, T_LD);
  }
  // --- One-time ODEs (D18, D19) and the equal-time C (2∂_t C(t,t⁻)).
  {
    let accA1 = 0,
      accA2 = 0,
      accV = 0;
    let accCS = 0,
      accCD = 0;
    for (let i = 0; i < L; i++) {
      const o = so + i * NF;
      const cd = (S[o + F_CS] + (m - 1) * S[o + F_CD]) * im,
        co = (S[o + F_CS] - S[o + F_CD]) * im;
      const rd = (S[o + F_RS] + (m - 1) * S[o + F_RD]) * im,
        ro = (S[o + F_RS] - S[o + F_RD]) * im;
      const as = oneT[i];
      accA1 += w[i] * S[o + F_RA] * as * (im * sr(P.h, cd) + (1 - im) * sr(P.h, co));
      accA2 += w[i] * S[o + F_CA] * as * (im * sr1(P.h, cd) * rd + (1 - im) * sr1(P.h, co) * ro);
      accV += w[i] * S[o + F_MRS] * oneT[L + i];
      accCS += w[i] * (S[o + F_MRS] * S[o + F_CS] + S[o + F_MCS] * S[o + F_RS]);
      accCD += w[i] * (S[o + F_MRD] * S[o + F_CD] + S[o + F_MCD] * S[o + F_RD]);
    }
    const g1 = a * (im * hdd + (1 - im) * sr(P.h, coD));
    W.f1[0] = P.frozen ? 0 : K * phv * I - K * (t * accA1 + g1) - K * t * accA2;
    W.f1[1] = -nu * v + K * phd * a * I - im * (t * accV + locS * v);
    const oL = so + (L - 1) * NF;
    const dS = -nu * S[oL + F_CS] + m * K * phd * v * a * I - im * (t * accCS + locS * S[oL + F_CS]);
    const dD = -nu * S[oL + F_CD] - im * (t * accCD + locD * S[oL + F_CD]);
    W.f1[2] = m === 1 ? 0 : 2 * (dS - dD) * im; // m = 1: no off-diagonal block
    W.f1[3] = P.spherical ? 0 : 2 * (dS + (m - 1) * dD) * im;
  }
  // --- Two-time ray derivatives at nodes j < L−1.
  const f = W.f;
  for (let j = 0; j < L - 1; j++) {
    const tp = th[j] * t,
      lag = thc[j] * t,
      c = th[j];
    const o = so + j * NF;
    const aP = oneT[j],
      vP = oneT[L + j],
      nuP = oneT[2 * L + j],
      IP = oneT[3 * L + j],
      lSP = oneT[4 * L + j],
      lDP = oneT[5 * L + j];
    // Sums: left C (lc*), left R (lr*), right C (rc*), right R (rr*); S and D.
    let lcS = 0,
      lcD = 0,
      lrS = 0,
      lrD = 0,
      rcS = 0,
      rcD = 0,
      rrS = 0,
      rrD = 0;
    if (tp > 0) {
      // [0, t′]: A1 (current slice at θ_iθ_j) × B1 (slice at t′ on ray θ_i), times t′.
      const a1 = sliceOf(T, top, tp);
      const ta = T[a1 * NT + T_T],
        tb = T[(a1 + 1) * NT + T_T];
      const u = tb > ta ? Math.min(Math.max((tp - ta) / (tb - ta), 0), 1) : 1;
      const pa = a1 * NFL,
        pb = (a1 + 1) * NFL;
      let s1CS = 0,
        s1CD = 0;
      for (let i = 0; i < L; i++) {
        const k = j * L + i;
        const s1 = a1s[k] * NF + so,
          k6 = NS * k;
        const oi = pa + i * NF,
          ob = pb + i * NF;
        // A1 values on the current slice.
        ip8(S, s1, a1w, k6, AV);
        const aCS = AV[F_CS],
          aCD = AV[F_CD],
          aRS = AV[F_RS],
          aRD = AV[F_RD],
          aMRS = AV[F_MRS],
          aMRD = AV[F_MRD],
          aMCS = AV[F_MCS],
          aMCD = AV[F_MCD];
        // B1 values on ray θ_i at t′.
        const v1 = 1 - u;
        const bCS = v1 * S[oi + F_CS] + u * S[ob + F_CS];
        const bCD = v1 * S[oi + F_CD] + u * S[ob + F_CD];
        const bRS = v1 * S[oi + F_RS] + u * S[ob + F_RS];
        const bRD = v1 * S[oi + F_RD] + u * S[ob + F_RD];
        const bMRS = v1 * S[oi + F_MRS] + u * S[ob + F_MRS];
        const bMRD = v1 * S[oi + F_MRD] + u * S[ob + F_MRD];
        const bMCS = v1 * S[oi + F_MCS] + u * S[ob + F_MCS];
        const bMCD = v1 * S[oi + F_MCD] + u * S[ob + F_MCD];
        const wi = w[i];
        // left C: M_{R,X}(t, θ_iθ_j t)·C_X(t′, θ_i t′) + M_{C,X}(t, ·)·R_X(t′, θ_i t′)
        s1CS += wi * (aMRS * bCS + aMCS * bRS);
        s1CD += wi * (aMRD * bCD + aMCD * bRD);
        // right C: M_{R,X}(t′, θ_i t′)·C_X(t, θ_iθ_j t) + M_{C,X}(t′, θ_i t′)·R_X(t, θ_iθ_j t)
        rcS += wi * (bMRS * aCS + bMCS * aRS);
        rcD += wi * (bMRD * aCD + bMCD * aRD);
      }
      lcS = tp * s1CS;
      lcD = tp * s1CD;
      rcS *= tp;
      rcD *= tp;
    }
    if (lag > 0) {
      // [t′, t]: A2 (current slice at s_i) × B2 (history at (s_i, t′)), times t − t′.
      let l2CS = 0,
        l2CD = 0,
        l2RS = 0,
        l2RD = 0,
        r2CS = 0,
        r2CD = 0,
        r2RS = 0,
        r2RD = 0;
      for (let i = 0; i < L; i++) {
        const k = j * L + i;
        const s2 = a2s[k] * NF + so,
          k6 = NS * k;
        b2multiP(S, b2o[k], b2w, k6, b2u[k], NFL, B2V);
        const wi = w[i];
        const mrs = ip(S, s2, a2w, k6, F_MRS),
          mrd = ip(S, s2, a2w, k6, F_MRD),
          rs = ip(S, s2, a2w, k6, F_RS),
          rd = ip(S, s2, a2w, k6, F_RD);
        // left C: M_{R,X}(t,s)·C_X(s,t′); left R: M_{R,X}(t,s)·R_X(s,t′)
        l2CS += wi * mrs * B2V[0];
        l2CD += wi * mrd * B2V[1];
        l2RS += wi * mrs * B2V[2];
        l2RD += wi * mrd * B2V[3];
        // right C: M_{C,X}(s,t′)·R_X(t,s); right R: R_X(t,s)·M_{R,X}(s,t′)
        r2CS += wi * B2V[6] * rs;
        r2CD += wi * B2V[7] * rd;
        r2RS += wi * rs * B2V[4];
        r2RD += wi * rd * B2V[5];
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
    const CS = S[o + F_CS],
      CD = S[o + F_CD],
      RS = S[o + F_RS],
      RD = S[o + F_RD];
    const locSp = m * (lSP - nuP),
      locDp = m * (lDP - nuP);
    // Left and right derivatives (local parts included).
    const ltCS = -nu * CS + m * K * phd * vP * a * I - im * (lcS + locS * CS);
    const ltCD = -nu * CD - im * (lcD + locD * CD);
    const phdP = P.ph.length ? sr1(P.ph, vP) : 0;
    const rtCS = -nuP * CS + m * K * phdP * v * aP * IP - im * (rcS + locSp * CS);
    const rtCD = -nuP * CD - im * (rcD + locDp * CD);
    const ltRS = -nu * RS - im * (lrS + locS * RS);
    const ltRD = -nu * RD - im * (lrD + locD * RD);
    const rtRS = nuP * RS + im * (rrS + locSp * RS);
    const rtRD = nuP * RD + im * (rrD + locDp * RD);
    f[j] = ltCS + c * rtCS;
    f[L + j] = ltCD + c * rtCD;
    f[2 * L + j] = ltRS + c * rtRS;
    f[3 * L + j] = ltRD + c * rtRD;
  }
  for (let q = 0; q < 4; q++) f[q * L + L - 1] = 0;
  for (let q = 0; q < 4; q++) if (!Number.isFinite(W.f1[q])) return false;
  return true;
}

const B2V = new Float64Array(8);

const AV = new Float64Array(8);

/** Field fld interpolated on one slice: Σ_q w[k6+q]·S[o + q·NF + fld]. */
function ip(S: Float64Array, o: number, w: Float64Array, k6: number, fld: number): number {
  let v = 0;
  for (let q = 0; q < NS; q++) v += w[k6 + q] * S[o + q * NF + fld];
  return v;
}

/** The eight dynamic fields interpolated on one slice into out. */
function ip8(S: Float64Array, o: number, w: Float64Array, k6: number, out: Float64Array): void {
  for (let f = 0; f < 8; f++) out[f] = 0;
  for (let q = 0; q < NS; q++) {
    const c = w[k6 + q],
      b = o + q * NF;
    for (let f = 0; f < 8; f++) out[f] += c * S[b + f];
  }
}

/** Field fld at a planned B2 point: stencil bw[k6..] at offset o on the lower slice and o + NFL on the upper,
 *  weights (1 − u)·bw and u·bw. */
function b2p(S: Float64Array, o: number, bw: Float64Array, k6: number, u: number, NFL: number, fld: number): number {
  let v = 0;
  const v1 = 1 - u;
  for (let q = 0; q < NS; q++) v += v1 * bw[k6 + q] * S[o + q * NF + fld] + u * bw[k6 + q] * S[o + NFL + q * NF + fld];
  return v;
}

/** The eight dynamic fields at a planned B2 point into out. */
function b2multiP(S: Float64Array, o: number, bw: Float64Array, k6: number, u: number, NFL: number, out: Float64Array): void {
  for (let f = 0; f < 8; f++) out[f] = 0;
  const v1 = 1 - u;
  for (let q = 0; q < NS; q++) {
    const c = v1 * bw[k6 + q],
      z = u * bw[k6 + q],
      b = o + q * NF,
      bb = b + NFL;
    for (let f = 0; f < 8; f++) out[f] += c * S[b + f] + z * S[bb + f];
  }
}
