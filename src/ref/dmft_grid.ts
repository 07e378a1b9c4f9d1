// SymmDMFT on a non-uniform (adaptive) time grid t_0 = 0 < t_1 < … < t_n: the reference scheme of
// dmft.md §6 (D26–D32, corrections (i)–(iii)) with the uniform weight η replaced by the left-Riemann
// weights w_s = t_{s+1} − t_s (s < n), and the δ parts (R_A's δ(t−s), the local term of M_R, D28) taken
// with their full unit weight at s = n. With constant steps this is term for term the uniform scheme:
// there R_A[n][n]·η = 1 and η·M_R[n] = K a_n² h′(C_x[n][n]) are exactly these unit-weight δ parts, and
// every other s = n contribution vanishes (R_x[n][n] = 0). A consequence used by the step controller:
// everything of row n (Σ rows, the Volterra rows D27, ν, the kernels and the explicit derivatives)
// is independent of the step Δ_n about to be taken, so a rejected step only redoes the O(n) update.
//
// Storage: lower triangles (row n at offset n(n+1)/2) that do not depend on the capacity, so growing the
// grid is a copy of the prefix. R_A holds only its regular part (R_A[n][n] slot = 0; the δ is explicit).
// semi-implicit (imex): the local terms −ν X and the δ part of M_R are taken implicitly (dmft.md §10.3
// option 2, as src/ref/dmft.ts), a 2×2 solve per (row, column).
// The TS twin of assembly/dmft_grid.ts (wired as its exports in src/wasm/ts-kernels.ts); the loops keep the
// fused structure of assembly/dmft.ts. Work rows in the order of the kernel's work array (gridWork).
import { DMFT_GRID_WORK_ROWS } from '../gen/dmft_layout.js';

import { gridInit, tri, type GridParams, type GridState } from '../numerics/dmft-grid.js';
import { sweepMemory, sweepVolterraGrid } from './dmft_sweeps.js';

export { gridInit, tri, type GridParams, type GridState };

/** Work rows (length cap) and the Δ-independent results of gridRow for the current row. */
export interface GridWork {
  w: Float64Array;
  SigC: Float64Array;
  SigR: Float64Array;
  SigCw: Float64Array;
  SigRw: Float64Array;
  Hd: Float64Array;
  Ho: Float64Array;
  H1d: Float64Array;
  H1o: Float64Array;
  H2d: Float64Array;
  H2o: Float64Array;
  MRd: Float64Array;
  MRo: Float64Array;
  MCd: Float64Array;
  MCo: Float64Array;
  Ud: Float64Array;
  Uo: Float64Array;
  accD: Float64Array;
  accO: Float64Array;
  /** Explicit parts of ∂_t C_x(t_n, t_l) (l ≤ n) and ∂_t R_x(t_n, t_l) (l < n), without −ν X (and, for
   *  imex, without the local term). */
  Ed: Float64Array;
  Eo: Float64Array;
  Fd: Float64Array;
  Fo: Float64Array;
  nu: number;
  In: number;
  Ld: number;
  Lo: number;
  adot: number;
  vE: number;
}

export function gridAlloc(cap: number, old?: GridState, rows = 0): GridState {
  const T = tri(cap);
  const s: GridState = {
    cap,
    t: new Float64Array(cap),
    Cd: new Float64Array(T),
    Co: new Float64Array(T),
    CA: new Float64Array(T),
    Rd: new Float64Array(T),
    Ro: new Float64Array(T),
    RA: new Float64Array(T),
    a: new Float64Array(cap),
    v: new Float64Array(cap),
    phv: new Float64Array(cap),
    nu: new Float64Array(cap),
    etr: new Float64Array(cap),
    ets: new Float64Array(cap),
  };
  if (old) {
    const used = tri(rows);
    for (const k of ['Cd', 'Co', 'CA', 'Rd', 'Ro', 'RA'] as const) s[k].set(old[k].subarray(0, used));
    for (const k of ['t', 'a', 'v', 'phv', 'nu', 'etr', 'ets'] as const) s[k].set(old[k].subarray(0, rows));
  }
  return s;
}

export function gridWork(cap: number): GridWork {
  const r = () => new Float64Array(cap);
  return {
    w: r(),
    SigC: r(),
    SigR: r(),
    SigCw: r(),
    SigRw: r(),
    Hd: r(),
    Ho: r(),
    H1d: r(),
    H1o: r(),
    H2d: r(),
    H2o: r(),
    MRd: r(),
    MRo: r(),
    MCd: r(),
    MCo: r(),
    Ud: r(),
    Uo: r(),
    accD: r(),
    accO: r(),
    Ed: r(),
    Eo: r(),
    Fd: r(),
    Fo: r(),
    nu: 0,
    In: 0,
    Ld: 0,
    Lo: 0,
    adot: 0,
    vE: 0,
  };
}

/** Bytes of a grid state plus work of capacity cap. */
export const gridBytes = (cap: number): number => 8 * (6 * tri(cap) + 8 * cap + DMFT_GRID_WORK_ROWS * cap);

let g0 = 0,
  g1 = 0,
  g2 = 0;
function series(c: Float64Array, x: number): void {
  let p = 0,
    d1 = 0,
    d2 = 0;
  for (let k = c.length - 1; k >= 0; k--) {
    d2 = d2 * x + d1;
    d1 = d1 * x + p;
    p = p * x + c[k];
  }
  g0 = p;
  g1 = d1;
  g2 = 2 * d2;
}

/** φ̂(x) (0 for pure noise). */
export function phiAt(P: GridParams, x: number): number {
  series(P.ph, x);
  return g0;
}

/** Row n (rows 0..n of C, R, a, v, t present): Σ rows, Volterra rows n of R_A, C_A (D27), observables
 *  e_tr, e_ts, ν at t_n, kernels (D28) and the explicit derivative parts (D29–D32) into W. Returns false
 *  on a non-finite value. */
export function gridRow(P: GridParams, S: GridState, W: GridWork, n: number): boolean {
  const { m, K, tau2, phi2, spherical } = P;
  const im = 1 / m,
    wo = (m - 1) / m;
  const { Cd, Co, CA, Rd, Ro, RA, a: A, v: V, phv: PHV, t: T } = S;
  const { w, SigC, SigR, SigCw, SigRw, Hd, Ho, H1d, H1o, H2d, H2o, MRd, MRo, MCd, MCo, Ud, Uo, accD, accO } = W;
  const on = tri(n);
  const an = A[n],
    vn = V[n],
    phn = PHV[n];
  series(P.ph, vn);
  const php = g1;

  // 1. Σ rows (D26) and h, h′, h″ on row n; weights w_s = Δ_s.
  const base = tau2 + phi2 - an * phn;
  for (let l = 0; l <= n; l++) {
    const al = A[l];
    series(P.h, Cd[on + l]);
    const hd = g0,
      h1d = g1,
      h2d = g2;
    series(P.h, Co[on + l]);
    Hd[l] = hd;
    Ho[l] = g0;
    H1d[l] = h1d;
    H1o[l] = g1;
    H2d[l] = h2d;
    H2o[l] = g2;
    SigC[l] = base - al * PHV[l] + an * al * (im * hd + wo * g0);
    if (l < n) {
      w[l] = T[l + 1] - T[l];
      SigR[l] = an * al * (im * h1d * Rd[on + l] + wo * g1 * Ro[on + l]);
      SigCw[l] = w[l] * SigC[l];
      SigRw[l] = w[l] * SigR[l];
    } else {
      w[l] = 0;
      SigR[l] = 0;
      SigCw[l] = 0;
      SigRw[l] = 0;
    }
  }

  // 2. Volterra rows (D27) with the δ of R_A at s = l explicit:
  //    R_A[n][l] = −Σ_R[l] − Σ_{l<s<n} w_s Σ_R[s] R_A[s][l],
  //    C_A[n][l] = −(Σ_{s<n} w_s Σ_R[s] C_A[s][l] + Σ_{s<l} w_s Σ_C[s] R_A[l][s] + Σ_C[l]), l = n last.
  for (let l = 0; l <= n; l++) {
    RA[on + l] = 0;
    Ud[l] = 0;
  }
  sweepVolterraGrid(RA, CA, SigCw, SigRw, SigR, CA.subarray(on), RA.subarray(on), Ud, n);
  RA[on + n] = 0;
  for (let l = 0; l < n; l++) CA[on + l] = -(Ud[l] + CA[on + l] + SigC[l]);
  {
    let s1 = 0,
      s2 = 0;
    for (let s = 0; s < n; s++) {
      s1 += CA[on + s] * SigRw[s];
      s2 += RA[on + s] * SigCw[s];
    }
    CA[on + n] = -(s1 + s2 + SigC[n]);
  }

  // 3. Observables at t_n (D25).
  S.etr[n] = -0.5 * CA[on + n];
  series(P.h, Cd[on + n]);
  const h1 = g0;
  series(P.h, Co[on + n]);
  S.ets[n] = 0.5 * (tau2 + phi2 - 2 * an * phn + im * an * an * h1 + wo * an * an * g0);

  // 4. I_n = 1 + Σ_{s<n} w_s R_A[n][s]; weighted kernel rows w_s M (D28); s = n: the δ part only.
  let In = 1;
  for (let s = 0; s < n; s++) In += w[s] * RA[on + s];
  for (let s = 0; s < n; s++) {
    const pref = K * an * A[s] * w[s];
    const ra = RA[on + s],
      ca = CA[on + s];
    MRd[s] = pref * (ra * H1d[s] + ca * H2d[s] * Rd[on + s]);
    MRo[s] = pref * (ra * H1o[s] + ca * H2o[s] * Ro[on + s]);
    MCd[s] = pref * ca * H1d[s];
    MCo[s] = pref * ca * H1o[s];
  }
  const Ld = K * an * an * H1d[n],
    Lo = K * an * an * H1o[n];
  MRd[n] = Ld;
  MRo[n] = Lo;
  MCd[n] = 0;
  MCo[n] = 0;

  // 5. Lagrange multiplier (D29).
  let nu = 0;
  if (spherical) {
    let s1 = 0,
      s2 = 0,
      c1 = 0,
      c2 = 0;
    for (let s = 0; s <= n; s++) {
      s1 += MRd[s] * Cd[on + s];
      s2 += MRo[s] * Co[on + s];
      c1 += MCd[s] * Rd[on + s];
      c2 += MCo[s] * Ro[on + s];
    }
    nu = K * php * vn * an * In - im * (s1 + (m - 1) * s2) - im * (c1 + (m - 1) * c2);
  }
  S.nu[n] = nu;

  // 6. Scalars (D30).
  let adot = 0;
  if (!P.frozen) {
    let s1 = an * (im * Hd[n] + wo * Ho[n]),
      s2 = 0;
    for (let s = 0; s < n; s++) {
      const as = A[s] * w[s];
      s1 += RA[on + s] * as * (im * Hd[s] + wo * Ho[s]);
      s2 += CA[on + s] * as * (im * H1d[s] * Rd[on + s] + wo * H1o[s] * Ro[on + s]);
    }
    adot = K * phn * In - K * s1 - K * s2;
  }
  if (P.imex) {
    MRd[n] = 0;
    MRo[n] = 0;
  }
  let sv = 0;
  for (let s = 0; s <= n; s++) sv += (MRd[s] + (m - 1) * MRo[s]) * V[s];
  const vE = K * php * an * In - im * sv;

  // 7 + 8. One sweep over rows r ≤ n (D31, D32), the uniform grid's (dmft_sweeps.ts): Ud/Uo the C sums,
  //   accD/accO the response sums Σ_{l<s≤n} w_s M_R[s] R[s][l].
  for (let l = 0; l <= n; l++) {
    Ud[l] = 0;
    Uo[l] = 0;
    accD[l] = 0;
    accO[l] = 0;
  }
  sweepMemory(Cd, Co, Rd, Ro, MRd, MRo, MCd, MCo, Ud, Uo, accD, accO, m, 0, n + 1);
  const sig = K * php * an * In;
  for (let l = 0; l <= n; l++) {
    const sl = sig * V[l];
    W.Ed[l] = sl - im * Ud[l];
    W.Eo[l] = sl - im * Uo[l];
  }
  for (let l = 0; l < n; l++) {
    W.Fd[l] = -im * accD[l];
    W.Fo[l] = -im * accO[l];
  }
  W.nu = nu;
  W.In = In;
  W.Ld = Ld;
  W.Lo = Lo;
  W.adot = adot;
  W.vE = vE;
  return Number.isFinite(S.etr[n] + S.ets[n] + nu + adot + vE + In);
}

/** Row n+1 at t_{n+1} = t_n + dt from the results of gridRow(n) in W (overwrites row n+1; a rejected step
 *  simply calls this again). Returns false on a non-finite value. */
export function gridUpdate(P: GridParams, S: GridState, W: GridWork, n: number, dt: number): boolean {
  const { m, spherical, imex } = P;
  const im = 1 / m,
    wo = (m - 1) / m;
  const { Cd, Co, Rd, Ro, a: A, v: V } = S;
  const { nu, Ld, Lo, Ed, Eo, Fd, Fo } = W;
  const on = tri(n),
    on1 = tri(n + 1);
  S.t[n + 1] = S.t[n] + dt;
  A[n + 1] = P.frozen ? A[n] : A[n] + dt * W.adot;
  const vn = V[n];
  const vnext = imex ? (vn + dt * W.vE) / (1 + dt * (nu + im * (Ld + (m - 1) * Lo))) : vn + dt * (-nu * vn + W.vE);
  V[n + 1] = vnext;
  S.phv[n + 1] = phiAt(P, vnext);
  // A = I + dt(νI + Λ), Λ = (1/m)[[Ld, (m−1)Lo], [Lo, Ld + (m−2)Lo]] (the δ part of M_R, §10.3 option 2).
  const a11 = 1 + dt * (nu + im * Ld),
    a12 = dt * wo * Lo;
  const a21 = dt * im * Lo,
    a22 = 1 + dt * (nu + im * (Ld + (m - 2) * Lo));
  const det = a11 * a22 - a12 * a21;
  const i11 = a22 / det,
    i12 = -a12 / det,
    i21 = -a21 / det,
    i22 = a11 / det;
  for (let l = 0; l <= n; l++) {
    const xd = Cd[on + l],
      xo = Co[on + l];
    if (imex) {
      const bd = xd + dt * Ed[l],
        bo = xo + dt * Eo[l];
      Cd[on1 + l] = i11 * bd + i12 * bo;
      Co[on1 + l] = i21 * bd + i22 * bo;
    } else {
      Cd[on1 + l] = xd + dt * (-nu * xd + Ed[l]);
      Co[on1 + l] = xo + dt * (-nu * xo + Eo[l]);
    }
  }
  // Equal time: C_d = 1 (spherical), dC_o(t,t)/dt = 2∂_tC_o(t,t′)|t′→t (C.6).
  const cnn = Co[on + n],
    cdn = Cd[on + n];
  let cdd: number, cod: number;
  if (imex) {
    if (spherical) {
      cdd = 1;
      cod = (cnn + 2 * dt * (Eo[n] - im * Lo)) / (1 + 2 * dt * (nu + im * (Ld + (m - 2) * Lo)));
    } else {
      const b11 = 1 + 2 * dt * (nu + im * Ld),
        b12 = 2 * dt * wo * Lo;
      const b21 = 2 * dt * im * Lo,
        b22 = 1 + 2 * dt * (nu + im * (Ld + (m - 2) * Lo));
      const d = b11 * b22 - b12 * b21;
      const rd = cdn + 2 * dt * Ed[n],
        ro = cnn + 2 * dt * Eo[n];
      cdd = (b22 * rd - b12 * ro) / d;
      cod = (-b21 * rd + b11 * ro) / d;
    }
  } else {
    cdd = spherical ? 1 : cdn + 2 * dt * (-nu * cdn + Ed[n]);
    cod = cnn + 2 * dt * (-nu * cnn + Eo[n]);
  }
  Cd[on1 + n + 1] = cdd;
  Co[on1 + n + 1] = cod;
  for (let l = 0; l < n; l++) {
    const xd = Rd[on + l],
      xo = Ro[on + l];
    if (imex) {
      const bd = xd + dt * Fd[l],
        bo = xo + dt * Fo[l];
      Rd[on1 + l] = i11 * bd + i12 * bo;
      Ro[on1 + l] = i21 * bd + i22 * bo;
    } else {
      Rd[on1 + l] = xd + dt * (-nu * xd + Fd[l]);
      Ro[on1 + l] = xo + dt * (-nu * xo + Fo[l]);
    }
  }
  Rd[on1 + n] = 1;
  Ro[on1 + n] = 0; // correction (i): R(t⁺, t) = δ_ij
  Rd[on1 + n + 1] = 0;
  Ro[on1 + n + 1] = 0;
  return Number.isFinite(A[n + 1] + vnext + cod + cdd);
}
