// Plain-TS twin of assembly/dmft_reduced.ts (dmft.md §8c D36 "lz2", §8e D37 CHSCK): same arrays, same loop
// structure, plain left-to-right sums. Formulas and layout: see the header of assembly/dmft_reduced.ts.

/** Work length (f64 entries) for N steps: codegen/contract.mjs → src/gen/dmft_layout.ts. */
export { dmftReducedWorkF64 as workLength } from '../gen/dmft_layout.js';

function dot(a: Float64Array, ao: number, b: Float64Array, bo: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[ao + i] * b[bo + i];
  return s;
}
function axpy(y: Float64Array, yo: number, x: Float64Array, xo: number, c: number, n: number): void {
  for (let i = 0; i < n; i++) y[yo + i] += c * x[xo + i];
}

/** Rows n0..n1−1 of the two-time solver; returns n1, or the first row whose observables are not finite.
 *  C, R, CA, RA: (N+1)² each; work: workLength(N); out: 4(N+1); hc: power series of h̃. */
export function reducedRows(
  mode: number,
  N: number,
  eta: number,
  g2: number,
  alpha: number,
  tau2: number,
  hc: Float64Array,
  C: Float64Array,
  R: Float64Array,
  CA: Float64Array,
  RA: Float64Array,
  work: Float64Array,
  out: Float64Array,
  n0: number,
  n1: number,
): number {
  const L = N + 1;
  const nc = hc.length;
  const hv = 0,
    h1 = L,
    h2 = 2 * L,
    SC = 3 * L,
    SR = 4 * L,
    MR = 5 * L,
    MC = 6 * L,
    Rd = 7 * L;
  const w = work;
  const K = alpha * g2;
  if (n0 === 0) {
    C[0] = 1;
    R[0] = 0;
  }
  for (let n = n0; n < n1; n++) {
    const Cn = n * L,
      Rn = n * L;
    for (let s = 0; s <= n; s++) {
      const x = C[Cn + s];
      let p = 0,
        d1 = 0,
        d2 = 0;
      for (let k = nc - 1; k >= 0; k--) {
        d2 = d2 * x + d1;
        d1 = d1 * x + p;
        p = p * x + hc[k];
      }
      w[hv + s] = p;
      w[h1 + s] = d1;
      w[h2 + s] = 2 * d2;
    }
    let etr = 0,
      third = 0;
    if (mode === 0) {
      const An = n * L;
      for (let s = 0; s <= n; s++) {
        w[SC + s] = tau2 + g2 * w[hv + s];
        w[SR + s] = s < n ? g2 * w[h1 + s] * R[Rn + s] : 0;
      }
      for (let l = 0; l < n; l++) RA[An + l] = 0;
      RA[An + n] = 1 / eta;
      for (let s = 0; s < n; s++) {
        w[MC + s] = dot(w, SC, RA, s * L, s + 1);
        const c = -eta * w[SR + s];
        if (c !== 0) axpy(RA, An, RA, s * L, c, s + 1);
      }
      for (let l = 0; l <= n; l++) CA[An + l] = 0;
      for (let q = 0; q < n; q++) {
        const c = w[SR + q];
        if (c !== 0) axpy(CA, An, CA, q * L, c, q + 1);
        CA[An + q] += dot(w, SR, CA, q * L, q);
      }
      for (let l = 0; l < n; l++) {
        const v = -eta * (CA[An + l] + w[MC + l]);
        CA[An + l] = v;
        CA[l * L + n] = v;
      }
      const cnn = -eta * (dot(w, SR, CA, An, n) + dot(w, SC, RA, An, n + 1));
      CA[An + n] = cnn;
      etr = -0.5 * cnn;
      let ia = 0;
      for (let s = 0; s <= n; s++) ia += RA[An + s];
      third = eta * ia;
      for (let s = 0; s <= n; s++) {
        w[MR + s] = K * (RA[An + s] * w[h1 + s] + CA[An + s] * w[h2 + s] * R[Rn + s]);
        w[MC + s] = K * w[h1 + s] * CA[An + s];
      }
    } else {
      for (let s = 0; s <= n; s++) {
        w[MR + s] = -w[h2 + s] * R[Rn + s];
        w[MC + s] = -w[h1 + s];
      }
      third = -eta * dot(w, h1, R, Rn, n);
    }
    const nu = -eta * (dot(w, MR, C, Cn, n + 1) + dot(w, MC, R, Rn, n));
    out[4 * n] = etr;
    out[4 * n + 1] = nu;
    out[4 * n + 2] = third;
    out[4 * n + 3] = C[Cn];
    if (!Number.isFinite(etr) || !Number.isFinite(nu) || !Number.isFinite(third)) return n;
    if (n === N) continue;
    const Cn1 = Cn + L;
    const Acc = 8 * L;
    for (let l = 0; l <= n; l++) w[Acc + l] = 0;
    for (let l = 0; l < n; l++) w[Rd + l] = -nu * R[Rn + l];
    for (let q = 0; q <= n; q++) {
      const mq = w[MR + q];
      if (mq !== 0) {
        axpy(w, Acc, C, q * L, mq, q);
        if (q >= 1) axpy(w, Rd, R, q * L, -eta * mq, q);
      }
      w[Acc + q] += dot(w, MR, C, q * L, q + 1) + dot(w, MC, R, q * L, q);
    }
    for (let l = 0; l <= n; l++) {
      const c = C[Cn + l];
      C[Cn1 + l] = c + eta * (-nu * c - eta * w[Acc + l]);
    }
    C[Cn1 + n + 1] = 1;
    for (let l = 0; l <= n; l++) C[l * L + n + 1] = C[Cn1 + l];
    const Rn1 = Rn + L;
    for (let l = 0; l < n; l++) R[Rn1 + l] = R[Rn + l] + eta * w[Rd + l];
    R[Rn1 + n] = 1;
    R[Rn1 + n + 1] = 0;
  }
  return n1;
}

/** Fixed ᾱ, a = 1 frozen, m → ∞, pure noise, clock t̃ = t/m (dmft.md §8g) [D]: the spec's ansatz (m R_o → R̃_o,
 *  C_o → C̃_o, (R_d, C_d) → (R̃_d, C̃_d), m ν → ν̃) applied to D15–D24 at leading order gives, with
 *  Σ̃_R = h′(C̃_d)R̃_d + h′(C̃_o)R̃_o, Σ̃_C = τ² + h(C̃_o), R̃_A, C̃_A from D11 in t̃, and the kernels
 *    M̃_R^d = ᾱ C̃_A h″(C̃_d) R̃_d,  M̃_R^o = ᾱ [R̃_A h′(C̃_o) + C̃_A h″(C̃_o) R̃_o],  M̃_C^x = ᾱ C̃_A h′(C̃_x):
 *    ∂C̃_d(t,t′) = −ν̃C̃_d − ∫_0^t [M̃_R^d C̃_d + M̃_R^o C̃_o](t′,s) − ∫_0^{t′} [M̃_C^d R̃_d + M̃_C^o R̃_o](t′,s)
 *    ∂C̃_o(t,t′) = −ν̃C̃_o − ∫_0^t (M̃_R^d + M̃_R^o) C̃_o(t′,s) − ∫_0^{t′} M̃_C^o (R̃_d + R̃_o)(t′,s)
 *    ∂R̃_d = δ − ν̃R̃_d − ∫ M̃_R^d R̃_d(s,t′),  ∂R̃_o = −ν̃R̃_o − ∫ [M̃_R^d R̃_o + M̃_R^o (R̃_d + R̃_o)](s,t′)
 *    ν̃ = −∫ [M̃_R^d C̃_d + M̃_R^o C̃_o + M̃_C^d R̃_d + M̃_C^o R̃_o](t,s) ds;
 *  e_tr = −C̃_A(t,t)/2, e_ts = ½[τ² + h(C̃_o(t,t))]. Discretised exactly as dmft.md §6 (explicit Euler, left sums,
 *  R̃_A[n][n] = 1/η, C̃_o(t,t) by 2ηĊ_o[n]). TS twin of dmft_fixed_abar_rows (assembly/dmft_reduced.ts; same
 *  sweeps, sums grouped differently, so equal to rounding). out: 5 f64 per row
 *  [e_tr, e_ts, ν̃, C̃_d(t,0), C̃_o(t,t)]. Returns N + 1, or the first row with non-finite observables, or (with
 *  stopBelow) the end of the 32-row chunk in which e_tr first dropped below stopBelow. */
export function fixedAlphaBarRun(N: number, eta: number, alphaBar: number, tau2: number, h: Float64Array, out: Float64Array, stopBelow?: number): number {
  const L = N + 1;
  const sq = L * L;
  const Cd = new Float64Array(sq),
    Co = new Float64Array(sq),
    CA = new Float64Array(sq);
  const Rd = new Float64Array(sq),
    Ro = new Float64Array(sq),
    RA = new Float64Array(sq);
  for (let n0 = 0; n0 < L; n0 += 32) {
    const n1 = Math.min(L, n0 + 32);
    const r = fixedAlphaBarRows(N, eta, alphaBar, tau2, h, Cd, Co, CA, Rd, Ro, RA, out, n0, n1);
    if (r < n1) return r;
    // early stop (host option): finish the 32-row chunk in which e_tr < stopBelow, as the chunked Wasm driver does
    if (stopBelow !== undefined && n1 < L && n1 % 32 === 0) {
      for (let q = n1 - 32; q < n1; q++) if (out[5 * q] < stopBelow) return n1;
    }
  }
  return N + 1;
}

/** Rows n0..n1−1 of fixedAlphaBarRun on caller-owned two-time arrays ((N+1)² each, zero at the start), the
 *  resumable twin of dmft_fixed_abar_rows (same arguments as arrays). Returns n1, or the first row whose
 *  observables are not finite. */
export function fixedAlphaBarRows(
  N: number,
  eta: number,
  alphaBar: number,
  tau2: number,
  h: Float64Array,
  Cd: Float64Array,
  Co: Float64Array,
  CA: Float64Array,
  Rd: Float64Array,
  Ro: Float64Array,
  RA: Float64Array,
  out: Float64Array,
  n0: number,
  n1: number,
): number {
  const L = N + 1;
  const SC = new Float64Array(L),
    SR = new Float64Array(L),
    P = new Float64Array(L);
  const MRd = new Float64Array(L),
    MRo = new Float64Array(L),
    MCd = new Float64Array(L),
    MCo = new Float64Array(L);
  const dRd = new Float64Array(L),
    dRo = new Float64Array(L);
  const ev = (x: number): [number, number, number] => {
    let p = 0,
      d1 = 0,
      d2 = 0;
    for (let k = h.length - 1; k >= 0; k--) {
      d2 = d2 * x + d1;
      d1 = d1 * x + p;
      p = p * x + h[k];
    }
    return [p, d1, 2 * d2];
  };
  if (n0 === 0) Cd[0] = 1;
  const hd1 = new Float64Array(L),
    hd2 = new Float64Array(L),
    ho0 = new Float64Array(L),
    ho1 = new Float64Array(L),
    ho2 = new Float64Array(L);
  for (let n = n0; n < n1; n++) {
    const r = n * L;
    for (let s = 0; s <= n; s++) {
      const [, a1, a2] = ev(Cd[r + s]);
      const [b0, b1, b2] = ev(Co[r + s]);
      hd1[s] = a1;
      hd2[s] = a2;
      ho0[s] = b0;
      ho1[s] = b1;
      ho2[s] = b2;
      SC[s] = tau2 + b0;
      SR[s] = s < n ? a1 * Rd[r + s] + b1 * Ro[r + s] : 0;
    }
    for (let l = 0; l < n; l++) RA[r + l] = 0;
    RA[r + n] = 1 / eta;
    for (let s = 0; s < n; s++) {
      let p = 0;
      for (let q = 0; q <= s; q++) p += SC[q] * RA[s * L + q];
      P[s] = p;
      const c = -eta * SR[s];
      if (c !== 0) for (let l = 0; l <= s; l++) RA[r + l] += c * RA[s * L + l];
    }
    for (let l = 0; l <= n; l++) CA[r + l] = 0;
    for (let s = 0; s < n; s++) {
      const c = SR[s];
      if (c !== 0) for (let l = 0; l < n; l++) CA[r + l] += c * CA[s * L + l];
    }
    for (let l = 0; l < n; l++) {
      const v = -eta * (CA[r + l] + P[l]);
      CA[r + l] = v;
      CA[l * L + n] = v;
    }
    let a = 0,
      b = 0;
    for (let s = 0; s < n; s++) a += SR[s] * CA[r + s];
    for (let s = 0; s <= n; s++) b += SC[s] * RA[r + s];
    CA[r + n] = -eta * (a + b);
    for (let s = 0; s <= n; s++) {
      MRd[s] = alphaBar * CA[r + s] * hd2[s] * Rd[r + s];
      MRo[s] = alphaBar * (RA[r + s] * ho1[s] + CA[r + s] * ho2[s] * Ro[r + s]);
      MCd[s] = alphaBar * CA[r + s] * hd1[s];
      MCo[s] = alphaBar * CA[r + s] * ho1[s];
    }
    let nu = 0;
    for (let s = 0; s <= n; s++) nu += MRd[s] * Cd[r + s] + MRo[s] * Co[r + s] + MCd[s] * Rd[r + s] + MCo[s] * Ro[r + s];
    nu *= -eta;
    const etr = -0.5 * CA[r + n];
    out[5 * n] = etr;
    out[5 * n + 1] = 0.5 * (tau2 + ho0[n]);
    out[5 * n + 2] = nu;
    out[5 * n + 3] = Cd[r];
    out[5 * n + 4] = Co[r + n];
    if (!Number.isFinite(etr) || !Number.isFinite(nu) || !Number.isFinite(Co[r + n])) return n;
    if (n === N) break;
    const r1 = r + L;
    let dCoN = 0;
    for (let l = 0; l <= n; l++) {
      const rl = l * L;
      let sd = 0,
        so = 0;
      for (let s = 0; s <= n; s++) {
        sd += MRd[s] * Cd[rl + s] + MRo[s] * Co[rl + s];
        so += (MRd[s] + MRo[s]) * Co[rl + s];
      }
      let td = 0,
        to = 0;
      for (let s = 0; s < l; s++) {
        td += MCd[s] * Rd[rl + s] + MCo[s] * Ro[rl + s];
        to += MCo[s] * (Rd[rl + s] + Ro[rl + s]);
      }
      const dCd = -nu * Cd[r + l] - eta * sd - eta * td;
      const dCo = -nu * Co[r + l] - eta * so - eta * to;
      Cd[r1 + l] = Cd[r + l] + eta * dCd;
      Co[r1 + l] = Co[r + l] + eta * dCo;
      if (l === n) dCoN = dCo;
    }
    Cd[r1 + n + 1] = 1;
    Co[r1 + n + 1] = Co[r + n] + 2 * eta * dCoN;
    for (let l = 0; l <= n; l++) {
      Cd[l * L + n + 1] = Cd[r1 + l];
      Co[l * L + n + 1] = Co[r1 + l];
    }
    for (let l = 0; l < n; l++) {
      dRd[l] = -nu * Rd[r + l];
      dRo[l] = -nu * Ro[r + l];
    }
    for (let s = 1; s <= n; s++) {
      const rs = s * L,
        a1 = -eta * MRd[s],
        a2 = -eta * MRo[s];
      for (let l = 0; l < s; l++) {
        dRd[l] += a1 * Rd[rs + l];
        dRo[l] += a1 * Ro[rs + l] + a2 * (Rd[rs + l] + Ro[rs + l]);
      }
    }
    for (let l = 0; l < n; l++) {
      Rd[r1 + l] = Rd[r + l] + eta * dRd[l];
      Ro[r1 + l] = Ro[r + l] + eta * dRo[l];
    }
    Rd[r1 + n] = 1;
    Ro[r1 + n] = 0;
  }
  return n1;
}
