// Two-time causal solvers of the m-independent reduced DMFT systems (dmft.md §8c D36 "lz2", §8e D37 CHSCK),
// explicit Euler on t_n = nη with the conventions of dmft.md §6: left Riemann sums η Σ_{s ≤ t} including the
// endpoint, the δ part of R_A as R_A[n][n] = 1/η, forward substitution for the Volterra layer (D27).
// Plain-TS twin: src/ref/dmft_reduced.ts (same loop structure; summation order differs only inside SIMD dots).
//
// One species (C, R) instead of (C_d, C_o). Common form of both systems:
//   ν_n      = −η Σ_{s≤n} [M_R[s] C[n][s] + M_C[s] R[n][s]]
//   Ċ[l]     = −ν_n C[n][l] − η Σ_{s≤n} M_R[s] C[l][s] − η Σ_{s<l} M_C[s] R[l][s]          (l ≤ n)
//   Ṙ[l]     = −ν_n R[n][l] − η Σ_{s=l+1}^{n} M_R[s] R[s][l]                                (l < n)
//   C[n+1][l] = C[n][l] + ηĊ[l], C[n+1][n+1] = 1;  R[n+1][l] = R[n][l] + ηṘ[l], R[n+1][n] = 1, R[n+1][n+1] = 0.
// mode 0, lz2 (D36), with g2 = γ₀², K = αγ₀², h̃ = h − h′(0)q given by its power series hc[0..nc):
//   Σ_C[l] = τ² + g2 h̃(C[n][l]) (l ≤ n),  Σ_R[l] = g2 h̃′(C[n][l]) R[n][l] (l < n), Σ_R[n] = 0;
//   R_A, C_A rows by D27; e_tr = −C_A[n][n]/2;
//   M_R[s] = K (R_A[n][s] h̃′(C[n][s]) + C_A[n][s] h̃″(C[n][s]) R[n][s]),  M_C[s] = K h̃′(C[n][s]) C_A[n][s].
// mode 1, CHSCK zero-temperature spherical mixed p-spin with covariance ξ = h̃ (D37):
//   M_R[s] = −h̃″(C[n][s]) R[n][s],  M_C[s] = −h̃′(C[n][s]);  energy E_n = −η Σ_{s<n} h̃′(C[n][s]) R[n][s].
//
// Layout: L = N + 1; C, R, CA, RA are L×L row-major (C and C_A are mirrored into full squares for the host, but
// the sweeps read only lower triangles; R and R_A use the lower triangle; CA/RA untouched in mode 1). work: 9L f64. out: 4 f64 per row n:
//   [e_tr (mode 0; 0 in mode 1), ν_n, E_n (mode 1) or I_n = η Σ_s R_A[n][s] (mode 0), C[n][0]].
// dmft_reduced_rows processes rows n0..n1−1 (row N: observables only). Returns n1, or the first row whose
// observables are not finite (the state past it is garbage).
// work sizes: dmftReducedWorkF64 / dmftFixedAbarWorkF64 in assembly/gen/dmft_layout.ts (codegen/contract.mjs).

@inline function ld(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }
@inline function st(p: usize, i: i32, v: f64): void { store<f64>(p + (<usize>i << 3), v); }

function dotr(a: usize, b: usize, n: i32): f64 {
  let i = 0;
  let s = 0.0;
  if (ASC_FEATURE_SIMD) {
    let v0 = f64x2.splat(0.0);
    let v1 = f64x2.splat(0.0);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 3;
      v0 = f64x2.add(v0, f64x2.mul(v128.load(a + o), v128.load(b + o)));
      v1 = f64x2.add(v1, f64x2.mul(v128.load(a + o, 16), v128.load(b + o, 16)));
    }
    v0 = f64x2.add(v0, v1);
    s = f64x2.extract_lane(v0, 0) + f64x2.extract_lane(v0, 1);
  }
  for (; i < n; i++) s += ld(a, i) * ld(b, i);
  return s;
}

/** y[i] += c·x[i], i < n. */
function axpyr(y: usize, x: usize, c: f64, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const cv = f64x2.splat(c);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 3;
      v128.store(y + o, f64x2.add(v128.load(y + o), f64x2.mul(cv, v128.load(x + o))));
      v128.store(y + o, f64x2.add(v128.load(y + o, 16), f64x2.mul(cv, v128.load(x + o, 16))), 16);
    }
  }
  for (; i < n; i++) st(y, i, ld(y, i) + c * ld(x, i));
}

/** Volterra row of dmft.md §6 step 2: R_A[n][l] = −η Σ_{s=l}^{n−1} Σ_R[s] R_A[s][l], R_A[n][n] = 1/η, fused with
 *  P[s] = Σ_{q≤s} Σ_C[q] R_A[s][q] (the R_A part of the C_A row): one sweep over the rows of R_A. */
function volterraRow(RA: usize, RAn: usize, SC: usize, SR: usize, P: usize, n: i32, eta: f64, rowB: usize): void {
  for (let l = 0; l < n; l++) st(RAn, l, 0.0);
  st(RAn, n, 1.0 / eta);
  for (let s = 0; s < n; s++) {
    const RAs = RA + <usize>s * rowB;
    st(P, s, dotr(SC, RAs, s + 1));
    const c = -eta * ld(SR, s);
    if (c != 0.0) axpyr(RAn, RAs, c, s + 1);
  }
}

/** Work length (f64 entries) of dmft_reduced_rows for N steps. */
export function dmft_reduced_rows(
  mode: i32, N: i32, eta: f64, g2: f64, alpha: f64, tau2: f64,
  hc: usize, nc: i32, C: usize, R: usize, CA: usize, RA: usize, work: usize, out: usize, n0: i32, n1: i32,
): i32 {
  const L = N + 1;
  const rowB = <usize>L << 3;
  const hv = work, h1 = work + rowB, h2 = work + 2 * rowB, SC = work + 3 * rowB, SR = work + 4 * rowB;
  const MR = work + 5 * rowB, MC = work + 6 * rowB, Rd = work + 7 * rowB;
  const K = alpha * g2;
  if (n0 == 0) { st(C, 0, 1.0); st(R, 0, 0.0); }
  for (let n = n0; n < n1; n++) {
    const Cn = C + <usize>n * rowB, Rn = R + <usize>n * rowB;
    // h̃, h̃′, h̃″ at C[n][s] (Horner with derivatives)
    for (let s = 0; s <= n; s++) {
      const x = ld(Cn, s);
      let p = 0.0, d1 = 0.0, d2 = 0.0;
      for (let k = nc - 1; k >= 0; k--) {
        d2 = d2 * x + d1;
        d1 = d1 * x + p;
        p = p * x + ld(hc, k);
      }
      st(hv, s, p); st(h1, s, d1); st(h2, s, 2.0 * d2);
    }
    let etr = 0.0, third = 0.0;
    if (mode == 0) {
      const CAn = CA + <usize>n * rowB, RAn = RA + <usize>n * rowB;
      for (let s = 0; s <= n; s++) {
        st(SC, s, tau2 + g2 * ld(hv, s));
        st(SR, s, s < n ? g2 * ld(h1, s) * ld(Rn, s) : 0.0);
      }
      // R_A row (R_A[n][l] = −η Σ_{s=l}^{n−1} Σ_R[s] R_A[s][l]) fused with the R_A part of the C_A row
      // (P[l] = Σ_{s≤l} Σ_C[s] R_A[l][s], kept in MC): one sweep over the rows of R_A.
      volterraRow(RA, RAn, SC, SR, MC, n, eta, rowB);
      // C_A row, l < n: −η(Σ_{s<n} Σ_R[s] C_A[s][l] + P[l]); the symmetric product reads only the lower
      // triangle (symv sweep: row q gives the s = q terms for l ≤ q and the s < q terms for l = q).
      for (let l = 0; l <= n; l++) st(CAn, l, 0.0);
      for (let q = 0; q < n; q++) {
        const CAq = CA + <usize>q * rowB;
        const c = ld(SR, q);
        if (c != 0.0) axpyr(CAn, CAq, c, q + 1);
        st(CAn, q, ld(CAn, q) + dotr(SR, CAq, q));
      }
      for (let l = 0; l < n; l++) {
        const v = -eta * (ld(CAn, l) + ld(MC, l));
        st(CAn, l, v);
        st(CA + <usize>l * rowB, n, v);
      }
      const cnn = -eta * (dotr(SR, CAn, n) + dotr(SC, RAn, n + 1));
      st(CAn, n, cnn);
      etr = -0.5 * cnn;
      let ia = 0.0;
      for (let s = 0; s <= n; s++) ia += ld(RAn, s);
      third = eta * ia;
      for (let s = 0; s <= n; s++) {
        st(MR, s, K * (ld(RAn, s) * ld(h1, s) + ld(CAn, s) * ld(h2, s) * ld(Rn, s)));
        st(MC, s, K * ld(h1, s) * ld(CAn, s));
      }
    } else {
      for (let s = 0; s <= n; s++) {
        st(MR, s, -ld(h2, s) * ld(Rn, s));
        st(MC, s, -ld(h1, s));
      }
      third = -eta * dotr(h1, Rn, n);
    }
    const nu = -eta * (dotr(MR, Cn, n + 1) + dotr(MC, Rn, n));
    const o = out + ((<usize>n * 4) << 3);
    st(o, 0, etr); st(o, 1, nu); st(o, 2, third); st(o, 3, ld(Cn, 0));
    if (!isFinite(etr) || !isFinite(nu) || !isFinite(third)) return n;
    if (n == N) continue;
    // correlation row n+1 and the response derivative, fused into one sweep over the lower triangles of C and R
    // (symv for the symmetric C: row q gives Σ_{s≤q} M_R[s]C[q][s] to l = q and M_R[q]C[q][l] to l < q).
    const Cn1 = Cn + rowB;
    const Acc = work + 8 * rowB;
    for (let l = 0; l <= n; l++) st(Acc, l, 0.0);
    for (let l = 0; l < n; l++) st(Rd, l, -nu * ld(Rn, l));
    for (let q = 0; q <= n; q++) {
      const Cq = C + <usize>q * rowB, Rq = R + <usize>q * rowB;
      const mq = ld(MR, q);
      if (mq != 0.0) {
        axpyr(Acc, Cq, mq, q);
        if (q >= 1) axpyr(Rd, Rq, -eta * mq, q);
      }
      st(Acc, q, ld(Acc, q) + dotr(MR, Cq, q + 1) + dotr(MC, Rq, q));
    }
    for (let l = 0; l <= n; l++) {
      const c = ld(Cn, l);
      st(Cn1, l, c + eta * (-nu * c - eta * ld(Acc, l)));
    }
    st(Cn1, n + 1, 1.0);
    for (let l = 0; l <= n; l++) st(C + <usize>l * rowB, n + 1, ld(Cn1, l));
    const Rn1 = Rn + rowB;
    for (let l = 0; l < n; l++) st(Rn1, l, ld(Rn, l) + eta * ld(Rd, l));
    st(Rn1, n, 1.0);
    st(Rn1, n + 1, 0.0);
  }
  return n1;
}

// Fixed ᾱ, a = 1 frozen, m → ∞, pure noise, clock t̃ = t/m (dmft.md §8g) [D]: equations in the header of
// fixedAlphaBarRun (src/ref/dmft_reduced.ts, the TS twin). Six (N+1)² arrays Cd, Co, CA (full mirrored squares),
// Rd, Ro, RA (lower triangles); work: 16(N+1) f64; out: 5 f64 per row [e_tr, e_ts, ν̃, C̃_d(t,0), C̃_o(t,t)].
// Rows n0..n1−1; returns n1 or the first row with non-finite observables.

export function dmft_fixed_abar_rows(
  N: i32, eta: f64, alphaBar: f64, tau2: f64, hc: usize, nc: i32,
  Cd: usize, Co: usize, CA: usize, Rd: usize, Ro: usize, RA: usize, work: usize, out: usize, n0: i32, n1: i32,
): i32 {
  const L = N + 1;
  const rowB = <usize>L << 3;
  const SC = work, SR = work + rowB, P = work + 2 * rowB;
  const MRd = work + 3 * rowB, MRo = work + 4 * rowB, MCd = work + 5 * rowB, MCo = work + 6 * rowB, MRs = work + 7 * rowB;
  const dRd = work + 8 * rowB, dRo = work + 9 * rowB;
  const hd1 = work + 10 * rowB, hd2 = work + 11 * rowB, ho0 = work + 12 * rowB, ho1 = work + 13 * rowB, ho2 = work + 14 * rowB;
  if (n0 == 0) { st(Cd, 0, 1.0); st(Co, 0, 0.0); st(Rd, 0, 0.0); st(Ro, 0, 0.0); }
  for (let n = n0; n < n1; n++) {
    const r = <usize>n * rowB;
    for (let s = 0; s <= n; s++) {
      let x = ld(Cd + r, s);
      let p = 0.0, d1 = 0.0, d2 = 0.0;
      for (let k = nc - 1; k >= 0; k--) { d2 = d2 * x + d1; d1 = d1 * x + p; p = p * x + ld(hc, k); }
      st(hd1, s, d1); st(hd2, s, 2.0 * d2);
      x = ld(Co + r, s);
      p = 0.0; d1 = 0.0; d2 = 0.0;
      for (let k = nc - 1; k >= 0; k--) { d2 = d2 * x + d1; d1 = d1 * x + p; p = p * x + ld(hc, k); }
      st(ho0, s, p); st(ho1, s, d1); st(ho2, s, 2.0 * d2);
      st(SC, s, tau2 + p);
      st(SR, s, s < n ? ld(hd1, s) * ld(Rd + r, s) + d1 * ld(Ro + r, s) : 0.0);
    }
    const RAn = RA + r, CAn = CA + r;
    volterraRow(RA, RAn, SC, SR, P, n, eta, rowB);
    for (let l = 0; l <= n; l++) st(CAn, l, 0.0);
    for (let s = 0; s < n; s++) {
      const c = ld(SR, s);
      if (c != 0.0) axpyr(CAn, CA + <usize>s * rowB, c, n);
    }
    for (let l = 0; l < n; l++) {
      const v = -eta * (ld(CAn, l) + ld(P, l));
      st(CAn, l, v);
      st(CA + <usize>l * rowB, n, v);
    }
    st(CAn, n, -eta * (dotr(SR, CAn, n) + dotr(SC, RAn, n + 1)));
    for (let s = 0; s <= n; s++) {
      const ca = ld(CAn, s);
      const mrd = alphaBar * ca * ld(hd2, s) * ld(Rd + r, s);
      const mro = alphaBar * (ld(RAn, s) * ld(ho1, s) + ca * ld(ho2, s) * ld(Ro + r, s));
      st(MRd, s, mrd); st(MRo, s, mro); st(MRs, s, mrd + mro);
      st(MCd, s, alphaBar * ca * ld(hd1, s));
      st(MCo, s, alphaBar * ca * ld(ho1, s));
    }
    const nu = -eta * (dotr(MRd, Cd + r, n + 1) + dotr(MRo, Co + r, n + 1) + dotr(MCd, Rd + r, n) + dotr(MCo, Ro + r, n));
    const etr = -0.5 * ld(CAn, n);
    const o = out + ((<usize>n * 5) << 3);
    st(o, 0, etr); st(o, 1, 0.5 * (tau2 + ld(ho0, n))); st(o, 2, nu); st(o, 3, ld(Cd + r, 0)); st(o, 4, ld(Co + r, n));
    if (!isFinite(etr) || !isFinite(nu) || !isFinite(ld(Co + r, n))) return n;
    if (n == N) continue;
    const r1 = r + rowB;
    let dCoN = 0.0;
    for (let l = 0; l < n; l++) { st(dRd, l, -nu * ld(Rd + r, l)); st(dRo, l, -nu * ld(Ro + r, l)); }
    for (let l = 0; l <= n; l++) {
      const rl = <usize>l * rowB;
      const sd = dotr(MRd, Cd + rl, n + 1) + dotr(MRo, Co + rl, n + 1);
      const so = dotr(MRs, Co + rl, n + 1);
      const xd = dotr(MCo, Rd + rl, l), xo = dotr(MCo, Ro + rl, l);
      const td = dotr(MCd, Rd + rl, l) + xo;
      const to = xd + xo;
      const dCd = -nu * ld(Cd + r, l) - eta * sd - eta * td;
      const dCo = -nu * ld(Co + r, l) - eta * so - eta * to;
      st(Cd + r1, l, ld(Cd + r, l) + eta * dCd);
      st(Co + r1, l, ld(Co + r, l) + eta * dCo);
      if (l == n) dCoN = dCo;
      if (l >= 1) {
        const a1 = -eta * ld(MRd, l), a2 = -eta * ld(MRo, l);
        axpyr(dRd, Rd + rl, a1, l);
        axpyr(dRo, Ro + rl, a1 + a2, l);
        axpyr(dRo, Rd + rl, a2, l);
      }
    }
    st(Cd + r1, n + 1, 1.0);
    st(Co + r1, n + 1, ld(Co + r, n) + 2.0 * eta * dCoN);
    for (let l = 0; l <= n; l++) {
      st(Cd + <usize>l * rowB, n + 1, ld(Cd + r1, l));
      st(Co + <usize>l * rowB, n + 1, ld(Co + r1, l));
    }
    for (let l = 0; l < n; l++) {
      st(Rd + r1, l, ld(Rd + r, l) + eta * ld(dRd, l));
      st(Ro + r1, l, ld(Ro + r, l) + eta * ld(dRo, l));
    }
    st(Rd + r1, n, 1.0); st(Ro + r1, n, 0.0);
    st(Rd + r1, n + 1, 0.0); st(Ro + r1, n + 1, 0.0);
  }
  return n1;
}
