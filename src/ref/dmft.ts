// TS twin of assembly/dmft.ts (SymmDMFT, dmft.md §6 + §10.3 option 2): the same parameter block, the same
// order of operations as the scalar (non-SIMD) build. H is a Float64Array over the whole memory; the
// parameter block holds byte pointers (as in Wasm), converted here to element indices.

/** Parameter block layout (f64 slots) and work rows: codegen/contract.mjs → src/gen/dmft_layout.ts. */
import { DMFT_PAR as PAR, DMFT_PAR_LEN as PAR_LEN, DMFT_WORK_ROWS as WORK_ROWS } from '../gen/dmft_layout.js';
export { PAR, PAR_LEN, WORK_ROWS };
import { sweepMemory, sweepVolterra } from './dmft_sweeps.js';

const ld = (H: Float64Array, p: number, i: number): number => H[p + i];
const st = (H: Float64Array, p: number, i: number, v: number): void => {
  H[p + i] = v;
};
const P = (H: Float64Array, par: number, i: number): number => H[par + i];
const PP = (H: Float64Array, par: number, i: number): number => H[par + i] / 8;
const tri = (n: number): number => (n * (n + 1)) / 2;

let g0 = 0,
  g1 = 0,
  g2 = 0,
  q1 = 0,
  q2 = 0;

function series(H: Float64Array, c: number, nc: number, x: number): void {
  let p = 0,
    d1 = 0,
    d2 = 0;
  for (let k = nc - 1; k >= 0; k--) {
    d2 = d2 * x + d1;
    d1 = d1 * x + p;
    p = p * x + H[c + k];
  }
  g0 = p;
  g1 = d1;
  g2 = 2 * d2;
}

/** dot_f64 of assembly/blas.ts in its scalar order: four interleaved sums, (s0 + s2) + (s1 + s3), the tail. */
function dotp(H: Float64Array, x: number, y: number, n: number): number {
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0,
    i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += H[x + i] * H[y + i];
    s1 += H[x + i + 1] * H[y + i + 1];
    s2 += H[x + i + 2] * H[y + i + 2];
    s3 += H[x + i + 3] * H[y + i + 3];
  }
  let s = s0 + s2 + (s1 + s3);
  for (; i < n; i++) s += H[x + i] * H[y + i];
  return s;
}

/** dot4 of assembly/dmft_rows.ts as step 5 uses it: q1 = Σ md·xd, q2 = Σ mo·xo (its q3, q4 are not read). */
function dot4(H: Float64Array, xd: number, xo: number, md: number, mo: number, n: number): void {
  let s1 = 0,
    s2 = 0;
  for (let i = 0; i < n; i++) {
    s1 += H[md + i] * H[xd + i];
    s2 += H[mo + i] * H[xo + i];
  }
  q1 = s1;
  q2 = s2;
}

/** Twin of splitRow in assembly/dmft.ts: the sweeps' split row (rows [0, R) and [R, E)). */
const SPLIT_MIN = 128;
const splitRow = (E: number): number => (E < SPLIT_MIN ? E : Math.trunc(E * 0.7071067811865476) & ~1);
const addInto = (H: Float64Array, y: number, x: number, n: number): void => {
  for (let l = 0; l < n; l++) H[y + l] += H[x + l];
};

/** The sweeps' twins (src/ref/dmft_sweeps.ts) take views: the triangle or vector at element index p of H. */
const view = (H: Float64Array, p: number): Float64Array => H.subarray(p);
const volterra = (
  H: Float64Array,
  RA: number,
  CA: number,
  SigC: number,
  SigR: number,
  can: number,
  yR: number,
  yU: number,
  eta: number,
  r0: number,
  r1: number,
): void => sweepVolterra(view(H, RA), view(H, CA), view(H, SigC), view(H, SigR), view(H, can), view(H, yR), view(H, yU), eta, r0, r1);
function memory(H: Float64Array, p: number[], m: number, r0: number, r1: number): void {
  const [Cd, Co, Rd, Ro, MRd, MRo, MCd, MCo, yUd, yUo, yD, yO] = p.map((x) => view(H, x));
  sweepMemory(Cd, Co, Rd, Ro, MRd, MRo, MCd, MCo, yUd, yUo, yD, yO, m, r0, r1);
}

function step(H: Float64Array, par: number, n: number): number {
  const S = P(H, par, 0);
  const m = P(H, par, 1),
    K = P(H, par, 2),
    tau2 = P(H, par, 3),
    phi2 = P(H, par, 4),
    eta = P(H, par, 5);
  const frozen = P(H, par, 6) !== 0,
    spherical = P(H, par, 7) !== 0,
    imex = P(H, par, 8) !== 0;
  const nh = P(H, par, 9),
    nph = P(H, par, 10);
  const hc = PP(H, par, 11),
    phc = PP(H, par, 12);
  const Cd = PP(H, par, 13),
    Co = PP(H, par, 14),
    CA = PP(H, par, 15);
  const Rd = PP(H, par, 16),
    Ro = PP(H, par, 17),
    RA = PP(H, par, 18);
  const A = PP(H, par, 19),
    V = PP(H, par, 20),
    NU = PP(H, par, 21),
    ETR = PP(H, par, 22),
    ETS = PP(H, par, 23),
    PHV = PP(H, par, 24);
  const W = PP(H, par, 25);
  const S8 = S;
  const SigC = W,
    SigR = W + S8,
    Hd = W + 2 * S8,
    Ho = W + 3 * S8,
    H1d = W + 4 * S8,
    H1o = W + 5 * S8;
  const H2d = W + 6 * S8,
    H2o = W + 7 * S8,
    MRd = W + 8 * S8,
    MRo = W + 9 * S8,
    MCd = W + 10 * S8,
    MCo = W + 11 * S8;
  const accD = W + 12 * S8,
    accO = W + 13 * S8,
    Ud = W + 14 * S8,
    Uo = W + 15 * S8;
  const X1 = W + 16 * S8,
    X2 = W + 17 * S8,
    X3 = W + 18 * S8,
    X4 = W + 19 * S8;
  const im = 1.0 / m,
    wo = (m - 1) / m;

  const on = tri(n);
  const cdn = Cd + on,
    con = Co + on,
    can = CA + on;
  const rdn = Rd + on,
    ron = Ro + on,
    ran = RA + on;
  const an = ld(H, A, n),
    vn = ld(H, V, n);
  const phn = ld(H, PHV, n);
  series(H, phc, nph, vn);
  const php = g1; // φ̂′(v_n)

  // 1. Σ rows and the kernel values h, h′, h″ on row n.
  const base = tau2 + phi2 - an * phn;
  for (let l = 0; l <= n; l++) {
    const al = ld(H, A, l);
    series(H, hc, nh, ld(H, cdn, l));
    const hd = g0,
      h1d = g1,
      h2d = g2;
    series(H, hc, nh, ld(H, con, l));
    const ho = g0,
      h1o = g1,
      h2o = g2;
    st(H, Hd, l, hd);
    st(H, Ho, l, ho);
    st(H, H1d, l, h1d);
    st(H, H1o, l, h1o);
    st(H, H2d, l, h2d);
    st(H, H2o, l, h2o);
    st(H, SigC, l, base - al * ld(H, PHV, l) + an * al * (im * hd + wo * ho));
    st(H, SigR, l, l < n ? an * al * (im * h1d * ld(H, rdn, l) + wo * h1o * ld(H, ron, l)) : 0.0);
  }

  // 2. Volterra rows (D27) in one sweep over rows r < n of R_A and C_A:
  //    R_A[n][l] = −η Σ_r Σ_R[r] R_A[r][l] (axpy of row r), Ud[l] = Σ_r Σ_R[r] C_A[r][l] (symv), C_A[n][r] ← R_A[r]·Σ_C.
  // Split at R2 as the Wasm kernel does (rows [0, R2) into ran/Ud, [R2, n) into X1/X2, then added).
  const R2 = splitRow(n);
  for (let l = 0; l <= n; l++) {
    st(H, ran, l, 0.0);
    st(H, Ud, l, 0.0);
  }
  volterra(H, RA, CA, SigC, SigR, can, ran, Ud, eta, 0, R2);
  if (R2 < n) {
    H.fill(0, X1, X1 + n);
    H.fill(0, X2, X2 + n);
    volterra(H, RA, CA, SigC, SigR, can, X1, X2, eta, R2, n);
    addInto(H, ran, X1, n);
    addInto(H, Ud, X2, n);
  }
  st(H, ran, n, 1.0 / eta);
  for (let l = 0; l < n; l++) st(H, can, l, -eta * (ld(H, Ud, l) + ld(H, can, l)));
  st(H, can, n, -eta * (dotp(H, can, SigR, n) + dotp(H, ran, SigC, n + 1)));

  // 3. Observables at t_n.
  st(H, ETR, n, -0.5 * ld(H, can, n));
  series(H, hc, nh, ld(H, cdn, n)); // h(C_d(t,t)) = h(1) when spherical
  const h1 = g0;
  const cnn = ld(H, con, n);
  series(H, hc, nh, cnn);
  st(H, ETS, n, 0.5 * (tau2 + phi2 - 2 * an * phn + im * an * an * h1 + wo * an * an * g0));

  // 4. Integrated response and kernel rows.
  let In = 0;
  for (let s = 0; s <= n; s++) In += ld(H, ran, s);
  In *= eta;
  for (let s = 0; s <= n; s++) {
    const pref = K * an * ld(H, A, s);
    const ra = ld(H, ran, s),
      ca = ld(H, can, s);
    st(H, MRd, s, pref * (ra * ld(H, H1d, s) + ca * ld(H, H2d, s) * ld(H, rdn, s)));
    st(H, MRo, s, pref * (ra * ld(H, H1o, s) + ca * ld(H, H2o, s) * ld(H, ron, s)));
    st(H, MCd, s, pref * ca * ld(H, H1d, s));
    st(H, MCo, s, pref * ca * ld(H, H1o, s));
  }

  // 5. Lagrange multiplier.
  let nu = 0;
  if (spherical) {
    dot4(H, cdn, con, MRd, MRo, n + 1);
    const sr = q1 + (m - 1) * q2;
    dot4(H, rdn, ron, MCd, MCo, n + 1);
    const sc = q1 + (m - 1) * q2;
    nu = K * php * vn * an * In - eta * im * sr - eta * im * sc;
  }
  st(H, NU, n, nu);

  // Local (s = n) terms: L_x = η·M_R^x[n] = K a_n² h′(C_x[n][n]). The semi-implicit scheme takes them out of
  // the sums (M_R[n] := 0 below) and solves A·X_{n+1} = X_n + η E with A = I + η(νI + Λ),
  // Λ = (1/m)[[Ld, (m−1)Lo], [Lo, Ld + (m−2)Lo]].
  const Ld = eta * ld(H, MRd, n),
    Lo = eta * ld(H, MRo, n);
  const a11 = 1 + eta * (nu + im * Ld),
    a12 = eta * wo * Lo;
  const a21 = eta * im * Lo,
    a22 = 1 + eta * (nu + im * (Ld + (m - 2) * Lo));
  const det = a11 * a22 - a12 * a21;
  const i11 = a22 / det,
    i12 = -a12 / det,
    i21 = -a21 / det,
    i22 = a11 / det;

  // 6. Scalars.
  if (!frozen) {
    let s1 = 0,
      s2 = 0;
    for (let s = 0; s <= n; s++) {
      const as = ld(H, A, s);
      s1 += ld(H, ran, s) * as * (im * ld(H, Hd, s) + wo * ld(H, Ho, s));
      s2 += ld(H, can, s) * as * (im * ld(H, H1d, s) * ld(H, rdn, s) + wo * ld(H, H1o, s) * ld(H, ron, s));
    }
    st(H, A, n + 1, an + eta * (K * phn * In - K * eta * s1 - K * eta * s2));
  } else st(H, A, n + 1, an);
  if (imex) {
    st(H, MRd, n, 0.0);
    st(H, MRo, n, 0.0);
  }
  let sv = 0;
  for (let s = 0; s <= n; s++) sv += (ld(H, MRd, s) + (m - 1) * ld(H, MRo, s)) * ld(H, V, s);
  let vnext: number;
  if (imex) {
    const ev = K * php * an * In - eta * im * sv;
    vnext = (vn + eta * ev) / (1 + eta * (nu + im * (Ld + (m - 1) * Lo)));
  } else {
    vnext = vn + eta * (-nu * vn + K * php * an * In - eta * im * sv);
  }
  st(H, V, n + 1, vnext);
  series(H, phc, nph, vnext);
  st(H, PHV, n + 1, g0);

  // 7 + 8. One sweep over rows r ≤ n of C_d, C_o (symv with M_R) and R_d, R_o (dots with M_C for row r;
  //   axpys M_R[r]·R[r][·] for the response columns). Ud/Uo collect the C_d/C_o combinations of D31,
  //   accD/accO the response sums of D32.
  const R78 = splitRow(n + 1);
  for (let l = 0; l <= n; l++) {
    st(H, Ud, l, 0.0);
    st(H, Uo, l, 0.0);
    st(H, accD, l, 0.0);
    st(H, accO, l, 0.0);
  }
  memory(H, [Cd, Co, Rd, Ro, MRd, MRo, MCd, MCo, Ud, Uo, accD, accO], m, 0, R78);
  if (R78 < n + 1) {
    for (const x of [X1, X2, X3, X4]) H.fill(0, x, x + n + 1);
    memory(H, [Cd, Co, Rd, Ro, MRd, MRo, MCd, MCo, X1, X2, X3, X4], m, R78, n + 1);
    addInto(H, Ud, X1, n + 1);
    addInto(H, Uo, X2, n + 1);
    addInto(H, accD, X3, n + 1);
    addInto(H, accO, X4, n + 1);
  }
  const on1 = tri(n + 1);
  const cdn1 = Cd + on1,
    con1 = Co + on1;
  const sig = K * php * an * In;
  let dCdn = 0,
    dCon = 0;
  for (let l = 0; l <= n; l++) {
    const sl = sig * ld(H, V, l);
    const ed = sl - eta * im * ld(H, Ud, l);
    const eo = sl - eta * im * ld(H, Uo, l);
    const xd = ld(H, cdn, l),
      xo = ld(H, con, l);
    let nd: number, no: number;
    if (imex) {
      const bd = xd + eta * ed,
        bo = xo + eta * eo;
      nd = i11 * bd + i12 * bo;
      no = i21 * bd + i22 * bo;
      if (l === n) {
        dCdn = ed;
        dCon = eo;
      }
    } else {
      const dd = -nu * xd + ed,
        dd2 = -nu * xo + eo;
      nd = xd + eta * dd;
      no = xo + eta * dd2;
      if (l === n) {
        dCdn = dd;
        dCon = dd2;
      }
    }
    st(H, cdn1, l, nd);
    st(H, con1, l, no);
  }
  // Equal time: C_d = 1 (spherical), dC_o(t,t)/dt = 2∂_tC_o(t,t′)|t′→t.
  let cdd: number, cod: number;
  if (imex) {
    if (spherical) {
      cdd = 1.0;
      cod = (cnn + 2 * eta * (dCon - im * Lo)) / (1 + 2 * eta * (nu + im * (Ld + (m - 2) * Lo)));
    } else {
      const b11 = 1 + 2 * eta * (nu + im * Ld),
        b12 = 2 * eta * wo * Lo;
      const b21 = 2 * eta * im * Lo,
        b22 = 1 + 2 * eta * (nu + im * (Ld + (m - 2) * Lo));
      const dt = b11 * b22 - b12 * b21;
      const rd = ld(H, cdn, n) + 2 * eta * dCdn,
        ro = cnn + 2 * eta * dCon;
      cdd = (b22 * rd - b12 * ro) / dt;
      cod = (-b21 * rd + b11 * ro) / dt;
    }
  } else {
    cdd = spherical ? 1.0 : ld(H, cdn, n) + 2 * eta * dCdn;
    cod = cnn + 2 * eta * dCon;
  }
  st(H, cdn1, n + 1, cdd);
  st(H, con1, n + 1, cod);

  // Response rows n+1.
  const rdn1 = Rd + on1,
    ron1 = Ro + on1;
  for (let l = 0; l < n; l++) {
    const ed = -eta * im * ld(H, accD, l),
      eo = -eta * im * ld(H, accO, l);
    const xd = ld(H, rdn, l),
      xo = ld(H, ron, l);
    if (imex) {
      const bd = xd + eta * ed,
        bo = xo + eta * eo;
      st(H, rdn1, l, i11 * bd + i12 * bo);
      st(H, ron1, l, i21 * bd + i22 * bo);
    } else {
      st(H, rdn1, l, xd + eta * (-nu * xd + ed));
      st(H, ron1, l, xo + eta * (-nu * xo + eo));
    }
  }
  st(H, rdn1, n, 1.0);
  st(H, ron1, n, 0.0);
  st(H, rdn1, n + 1, 0.0);
  st(H, ron1, n + 1, 0.0);

  const chk = ld(H, ETR, n) + ld(H, ETS, n) + nu + ld(H, A, n + 1) + vnext + cod + cdd;
  return Number.isFinite(chk) ? 1 : 0;
}

/** Twin of dmft_symm_init. `par` is a byte pointer (as for Wasm). */
export function dmftSymmInit(H: Float64Array, parBytes: number, a0: number): void {
  const par = parBytes / 8;
  st(H, PP(H, par, 19), 0, a0);
  st(H, PP(H, par, 20), 0, 0);
  series(H, PP(H, par, 12), P(H, par, 10), 0);
  st(H, PP(H, par, 24), 0, g0);
  st(H, PP(H, par, 13), 0, 1);
  st(H, PP(H, par, 14), 0, 0);
  st(H, PP(H, par, 16), 0, 0);
  st(H, PP(H, par, 17), 0, 0);
}

/** Twin of dmft_symm_run. */
export function dmftSymmRun(H: Float64Array, parBytes: number, n0: number, n1: number): number {
  const par = parBytes / 8;
  for (let n = n0; n < n1; n++) if (step(H, par, n) === 0) return n + 1;
  return n1;
}
