// Committee-machine ODE kernels (committee.md §3–§4): Gaussian integrals I2, J2, I3, I4 in closed form
// and the right-hand side of the Saad–Solla ODEs S10–S12 via the linear decomposition S14.
//
// Layout (gen/committee_layout.ts): params = [16 header slots | P (k×k) | a* (k)];
// state y = [Q (p×p, full) | M (p×k) | a (p) if trained]. Fields: c = 0..p−1 students (λ_c), c = p..p+k−1
// teachers (λ*_{c−p}); Ω (N×N, N = p + k) is their covariance [[Q, M], [Mᵀ, P]].
// E* = Σ_c w_c σ_c(field_c), w_c = −a_c/p (students, σ), +a*_r/k (teachers, σ*).
//
// Supported closed forms (committee_supported(params) == 0), student/teacher activation pairs:
//   erf/erf, linear/linear, quadratic/quadratic, relu/relu, with every varTerms and trained or fixed a.
//   relu/relu 'full': I4 is computed EXACTLY by default (params GH_NODES = 0) by Stein's lemma + Plackett's
//   reduction of the 4-d orthant probability (24-point Gauss–Legendre on a smooth 1-d integrand, see
//   "exact ReLU I4" below). GH_NODES = n > 0 selects the spec's 4-d tensor Gauss–Hermite rule instead
//   (n clamped to [2, 32]); the probabilists' Hermite nodes/weights are computed in AS at first use
//   (sign-change scan + bisection on the orthonormal recurrence, weights by the Christoffel sum) and
//   cached in the workspace tail (marker + n), so the host passes nothing.
//   Why not GH by default: the ReLU I4 integrand has steps (Θ) and kinks, so tensor Gauss–Hermite converges
//   only ~O(1/n): measured relative bias vs 4e6-sample Monte Carlo at random covariances: n = 16: −10…−40%,
//   n = 32: −5…−27%. The exact route agrees with Monte Carlo within its standard error.
//   Mixed pairs return 1 from committee_supported (the host uses the TS quadrature path,
//   src/committee/integrals.ts) and committee_rhs writes NaN. committee_risk supports every pair
//   (mixed I2 closed forms: erf–relu S24, erf–linear, relu–linear, quadratic–erf/linear (= 0),
//   quadratic–relu (C_uu C_vv + C_uv²)/√(2π C_vv)).
// Status codes of committee_supported: 0 ok, 1 unsupported activation pair, 2 bad activation or
// varTerms code, 3 bad sizes.
//
// Costs: I3 terms O(p N²) (one matvec Ω·s per student, since Σ_c w_c I3(a, b, c) = μ_a (Ω s^a)_b + ν_a Ω_ab
// for erf, relu and linear); I4 (varTerms 'full' only) O(p² N²)/4 using the (j,l) and (c,e) symmetry,
// with f64x2 arcsin along e in the SIMD build. Quadratic uses the matrix forms (S22 generalised to
// weights: Σ_c w_c I3(j,l,c) = 2(Ω_jl tr SΩ + 2(ΩSΩ)_jl), S23 for the variance).
import {
  PAR_P, PAR_K, PAR_GAMMA_OVER_P, PAR_NOISE, PAR_VAR, PAR_ACT, PAR_TACT, PAR_TRAIN_A, PAR_GH_NODES, PAR_HEADER,
  VAR_NONE, VAR_NOISE, VAR_FULL, ACT_ERF, ACT_LINEAR, ACT_QUADRATIC, ACT_RELU, RELU_SLOTS, committeeWorkF64,
} from "./gen/committee_layout";
import { asin } from "./special";
import { asin_v } from "./committee_simd";

const TWO_OVER_PI: f64 = 0.6366197723675814;
const FOUR_OVER_PI2: f64 = 0.40528473456935109;
const INV_TWO_PI: f64 = 0.15915494309189535;
const SQRT_TWO_OVER_PI: f64 = 0.7978845608028654;
const INV_SQRT_TWO_PI: f64 = 0.3989422804014327;
const GH_MARKER: f64 = 7.25e6;
const GH_MAX: i32 = 32;
const GH_SLOTS: i32 = 2 + 2 * GH_MAX;
// relu scratch region: [0, 66) Gauss–Hermite cache | [66, 115) Gauss–Legendre cache (marker, 24 x, 24 w)
// | [116, 164) three 4×4 covariance levels for the exact I4.
const GL_N: i32 = 24;
const GL_OFF: i32 = GH_SLOTS;
const LV_OFF: i32 = GL_OFF + 2 + 2 * GL_N;
// LV_OFF + 48 + 4 = RELU_SLOTS (gen/committee_layout.ts), the region committeeWorkF64 reserves.
const GL_MARKER: f64 = 5.5e6;
const TINY: f64 = 1e-13;

// @ts-ignore: decorator
@inline function ld(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }
// @ts-ignore: decorator
@inline function st(p: usize, i: i32, v: f64): void { store<f64>(p + (<usize>i << 3), v); }
// @ts-ignore: decorator
@inline function clip1(x: f64): f64 { return min(max(x, -1.0), 1.0); }

// ------------------------------------------------------------------ single integrals (exported for tests)

/** Closed-form I2 = E[σ_a(z1) σ_b(z2)] for activation codes (a on z1, b on z2); every pair. */
export function committee_I2(actA: i32, actB: i32, c11: f64, c12: f64, c22: f64): f64 {
  if (actA > actB) { const t = actA; actA = actB; actB = t; const u = c11; c11 = c22; c22 = u; }
  // now actA <= actB (codes: 0 erf, 1 linear, 2 quadratic, 3 relu)
  if (actA == ACT_ERF) {
    if (actB == ACT_ERF) return TWO_OVER_PI * asin(clip1(c12 / Math.sqrt((1.0 + c11) * (1.0 + c22))));
    if (actB == ACT_LINEAR) return c12 * SQRT_TWO_OVER_PI / Math.sqrt(1.0 + c11);
    if (actB == ACT_QUADRATIC) return 0.0;
    return c12 / Math.sqrt(2.0 * Math.PI * (1.0 + c11)); // relu
  }
  if (actA == ACT_LINEAR) {
    if (actB == ACT_LINEAR) return c12;
    if (actB == ACT_QUADRATIC) return 0.0;
    return 0.5 * c12; // relu
  }
  if (actA == ACT_QUADRATIC) {
    if (actB == ACT_QUADRATIC) return c11 * c22 + 2.0 * c12 * c12;
    // quadratic (z1) with relu (z2)
    if (c22 <= 0.0) return 0.0;
    return (c11 * c22 + c12 * c12) * INV_SQRT_TWO_PI / Math.sqrt(c22);
  }
  return reluI2(c11, c12, c22);
}

function reluI2(c11: f64, c12: f64, c22: f64): f64 {
  const d = c11 * c22;
  if (d <= 0.0) return 0.0;
  const s = Math.sqrt(d);
  return (Math.sqrt(max(d - c12 * c12, 0.0)) + c12 * (0.5 * Math.PI + asin(clip1(c12 / s)))) * INV_TWO_PI;
}

/** J2 = E[σ′(z1) σ′(z2)] (same activation on both). */
export function committee_J2(act: i32, c11: f64, c12: f64, c22: f64): f64 {
  if (act == ACT_ERF) return TWO_OVER_PI / Math.sqrt((1.0 + c11) * (1.0 + c22) - c12 * c12);
  if (act == ACT_LINEAR) return 1.0;
  if (act == ACT_QUADRATIC) return 4.0 * c12;
  const d = c11 * c22;
  return 0.25 + (d > 0.0 ? asin(clip1(c12 / Math.sqrt(d))) * INV_TWO_PI : 0.0);
}

/** I3 = E[σ′(z1) z2 σ(z3)] (same activation); C given as c11, c12, c13, c22, c23, c33. */
export function committee_I3(act: i32, c11: f64, c12: f64, c13: f64, c22: f64, c23: f64, c33: f64): f64 {
  if (act == ACT_ERF) {
    const o1 = 1.0 + c11;
    const l3 = o1 * (1.0 + c33) - c13 * c13;
    return TWO_OVER_PI * (c23 * o1 - c12 * c13) / (o1 * Math.sqrt(l3));
  }
  if (act == ACT_LINEAR) return c23;
  if (act == ACT_QUADRATIC) return 2.0 * (c12 * c33 + 2.0 * c13 * c23);
  const d = c11 * c33;
  let alpha: f64 = 0.0, beta: f64 = 0.25;
  if (d > 0.0) {
    alpha = Math.sqrt(max(d - c13 * c13, 0.0)) * INV_TWO_PI / c11;
    beta = 0.25 + asin(clip1(c13 / Math.sqrt(d))) * INV_TWO_PI;
  }
  return c12 * alpha + c23 * beta;
}

/** I4 = E[σ′(z1) σ′(z2) σ(z3) σ(z4)] for erf, linear, quadratic; relu exact (ghN = 0, Stein + Plackett) or by
 *  tensor Gauss–Hermite with ghN nodes. ghWork: 168 f64 of scratch/cache. C is the 4×4 covariance at cp. */
export function committee_I4(act: i32, cp: usize, ghN: i32, ghWork: usize): f64 {
  const c11 = ld(cp, 0), c12 = ld(cp, 1), c13 = ld(cp, 2), c14 = ld(cp, 3);
  const c22 = ld(cp, 5), c23 = ld(cp, 6), c24 = ld(cp, 7);
  const c33 = ld(cp, 10), c34 = ld(cp, 11), c44 = ld(cp, 15);
  if (act == ACT_ERF) {
    const o1 = 1.0 + c11, o2 = 1.0 + c22;
    const l4 = o1 * o2 - c12 * c12;
    const l0 = l4 * c34 - c23 * c24 * o1 - c13 * c14 * o2 + c12 * c13 * c24 + c12 * c14 * c23;
    const l1 = l4 * (1.0 + c33) - c23 * c23 * o1 - c13 * c13 * o2 + 2.0 * c12 * c13 * c23;
    const l2 = l4 * (1.0 + c44) - c24 * c24 * o1 - c14 * c14 * o2 + 2.0 * c12 * c14 * c24;
    return FOUR_OVER_PI2 / Math.sqrt(l4) * asin(clip1(l0 / Math.sqrt(l1 * l2)));
  }
  if (act == ACT_LINEAR) return c34;
  if (act == ACT_QUADRATIC) {
    // 4 E[z1 z2 z3² z4²] by Isserlis (15 pairings of {1,2,3,3,4,4})
    const e = c12 * (c33 * c44 + 2.0 * c34 * c34)
      + 2.0 * c13 * (c23 * c44 + 2.0 * c24 * c34)
      + 2.0 * c14 * (c24 * c33 + 2.0 * c23 * c34);
    return 4.0 * e;
  }
  if (ghN <= 0) return reluI4Exact(cp, ghWork);
  ensureGH(ghWork, ghN);
  return reluI4GH(cp, ghWork);
}

// ------------------------------------------------------------------ Gauss–Hermite (probabilists')

/** Orthonormal Hermite p_n(x) (weight N(0,1)). */
function hermiteOrtho(n: i32, x: f64): f64 {
  let pm: f64 = 0.0, pc: f64 = 1.0;
  for (let m = 0; m < n; m++) {
    const pn = (x * pc - Math.sqrt(<f64>m) * pm) / Math.sqrt(<f64>(m + 1));
    pm = pc; pc = pn;
  }
  return pc;
}

/** Fill ghWork = [marker, n, x_0..x_{n−1} (at 2), w_0..w_{n−1} (at 2+32)] if not cached. Σ w = 1. */
function ensureGH(gw: usize, n: i32): void {
  if (n < 2) n = 2;
  if (n > GH_MAX) n = GH_MAX;
  if (ld(gw, 0) == GH_MARKER && <i32>ld(gw, 1) == n) return;
  const lim = Math.sqrt(4.0 * <f64>n + 2.0) + 0.5;
  const h: f64 = 0.005;
  let x0 = -lim;
  let f0 = hermiteOrtho(n, x0);
  let found = 0;
  while (x0 < lim && found < n) {
    const x1 = x0 + h;
    const f1 = hermiteOrtho(n, x1);
    if (f0 == 0.0 || (f0 < 0.0) != (f1 < 0.0)) {
      let a = x0, b = x1, fa = f0;
      for (let it = 0; it < 200; it++) {
        const m = 0.5 * (a + b);
        if (m <= a || m >= b) break;
        const fm = hermiteOrtho(n, m);
        if ((fm < 0.0) == (fa < 0.0)) { a = m; fa = fm; } else b = m;
      }
      const r = 0.5 * (a + b);
      // Christoffel weight 1 / Σ_{m<n} p_m(r)²
      let pm: f64 = 0.0, pc: f64 = 1.0, s: f64 = 1.0;
      for (let m = 0; m < n - 1; m++) {
        const pn = (r * pc - Math.sqrt(<f64>m) * pm) / Math.sqrt(<f64>(m + 1));
        pm = pc; pc = pn; s += pn * pn;
      }
      st(gw, 2 + found, r);
      st(gw, 2 + GH_MAX + found, 1.0 / s);
      found++;
      if (f0 == 0.0) { x0 = x1; f0 = f1; continue; }
    }
    x0 = x1; f0 = f1;
  }
  // symmetrise (nodes ±x, equal weights) to kill bisection asymmetry
  for (let i = 0; i < (n >> 1); i++) {
    const a = 0.5 * (ld(gw, 2 + n - 1 - i) - ld(gw, 2 + i));
    const w = 0.5 * (ld(gw, 2 + GH_MAX + i) + ld(gw, 2 + GH_MAX + n - 1 - i));
    st(gw, 2 + i, -a); st(gw, 2 + n - 1 - i, a);
    st(gw, 2 + GH_MAX + i, w); st(gw, 2 + GH_MAX + n - 1 - i, w);
  }
  if (n & 1) st(gw, 2 + (n >> 1), 0.0);
  st(gw, 0, GH_MARKER);
  st(gw, 1, <f64>n);
}

// Cholesky scratch (module globals: kernels never allocate; single-threaded per instance).
let L00: f64 = 0, L10: f64 = 0, L11: f64 = 0, L20: f64 = 0, L21: f64 = 0, L22: f64 = 0;
let L30: f64 = 0, L31: f64 = 0, L32: f64 = 0, L33: f64 = 0;

/** Lower Cholesky of the 4×4 covariance at cp, zero columns for (numerically) zero pivots. */
function chol4(cp: usize): void {
  const c00 = ld(cp, 0), c11 = ld(cp, 5), c22 = ld(cp, 10), c33 = ld(cp, 15);
  const tol = 1e-13 * max(max(c00, c11), max(max(c22, c33), 1e-300));
  let d = c00;
  L00 = d > tol ? Math.sqrt(d) : 0.0;
  const i0 = L00 > 0.0 ? 1.0 / L00 : 0.0;
  L10 = ld(cp, 4) * i0; L20 = ld(cp, 8) * i0; L30 = ld(cp, 12) * i0;
  d = c11 - L10 * L10;
  L11 = d > tol ? Math.sqrt(d) : 0.0;
  const i1 = L11 > 0.0 ? 1.0 / L11 : 0.0;
  L21 = (ld(cp, 9) - L20 * L10) * i1; L31 = (ld(cp, 13) - L30 * L10) * i1;
  d = c22 - L20 * L20 - L21 * L21;
  L22 = d > tol ? Math.sqrt(d) : 0.0;
  const i2 = L22 > 0.0 ? 1.0 / L22 : 0.0;
  L32 = (ld(cp, 14) - L30 * L20 - L31 * L21) * i2;
  d = c33 - L30 * L30 - L31 * L31 - L32 * L32;
  L33 = d > tol ? Math.sqrt(d) : 0.0;
}

/** E[Θ(z1)Θ(z2) relu(z3) relu(z4)] by tensor GH on z = L x (cache must be filled). */
function reluI4GH(cp: usize, gw: usize): f64 {
  chol4(cp);
  const n = <i32>ld(gw, 1);
  const xs = gw + 16, ws = gw + ((2 + <usize>GH_MAX) << 3);
  let total: f64 = 0.0;
  for (let a = 0; a < n; a++) {
    const xa = ld(xs, a);
    const z1 = L00 * xa;
    if (!(z1 > 0.0)) continue;
    let sa: f64 = 0.0;
    for (let b = 0; b < n; b++) {
      const xb = ld(xs, b);
      const z2 = L10 * xa + L11 * xb;
      if (!(z2 > 0.0)) continue;
      const p3 = L20 * xa + L21 * xb, p4 = L30 * xa + L31 * xb;
      let sb: f64 = 0.0;
      for (let c = 0; c < n; c++) {
        const xc = ld(xs, c);
        const z3 = p3 + L22 * xc;
        if (!(z3 > 0.0)) continue;
        const q4 = p4 + L32 * xc;
        let sc: f64 = 0.0;
        for (let e = 0; e < n; e++) {
          const z4 = q4 + L33 * ld(xs, e);
          if (z4 > 0.0) sc += ld(ws, e) * z4;
        }
        sb += ld(ws, c) * z3 * sc;
      }
      sa += ld(ws, b) * sb;
    }
    total += ld(ws, a) * sa;
  }
  return total;
}

// ------------------------------------------------------------------ exact ReLU I4 [D]
// E[Θ(z1)Θ(z2) relu(z3) relu(z4)] = E[z3 z4 1{z > 0}]: Stein's lemma twice → 3-/2-d orthant probabilities
// (closed forms) + one 4-d orthant probability by Plackett's reduction along R(t) = I + t(R − I), t = 1 − s²,
// 24-point Gauss–Legendre in s. Coincident fields (|ρ| = 1) merged first. Twin: src/ref/committee.ts reluI4Exact.
// Index sets are 4-bit masks; covariance levels live in the scratch region (no allocation, thread-safe).

function ensureGL(sw: usize): void {
  const g = sw + ((<usize>GL_OFF) << 3);
  if (ld(g, 0) == GL_MARKER) return;
  const n = GL_N;
  for (let i = 0; i < n; i++) {
    let z = Math.cos(Math.PI * (<f64>i + 0.75) / (<f64>n + 0.5));
    let dp: f64 = 0.0;
    for (let it = 0; it < 100; it++) {
      let p0: f64 = 1.0, p1 = z;
      for (let m = 2; m <= n; m++) {
        const p2 = ((<f64>(2 * m - 1)) * z * p1 - (<f64>(m - 1)) * p0) / <f64>m;
        p0 = p1; p1 = p2;
      }
      dp = (<f64>n) * (z * p1 - p0) / (z * z - 1.0);
      const dz = p1 / dp;
      z -= dz;
      if (abs(dz) < 1e-16) break;
    }
    st(g, 1 + i, 0.5 * (1.0 - z));
    st(g, 1 + n + i, 1.0 / ((1.0 - z * z) * dp * dp));
  }
  st(g, 0, GL_MARKER);
}

// @ts-ignore: decorator
@inline function cij(cp: usize, i: i32, j: i32): f64 { return ld(cp, i * 4 + j); }
function corrC(cp: usize, i: i32, j: i32): f64 {
  const d = cij(cp, i, i) * cij(cp, j, j);
  return d > 0.0 ? clip1(cij(cp, i, j) / Math.sqrt(d)) : 0.0;
}
/** dst = covariance of src conditional on X_k = 0. */
function conditionC(src: usize, dst: usize, k: i32): void {
  const ckk = cij(src, k, k);
  for (let i = 0; i < 4; i++)
    for (let j = 0; j < 4; j++) {
      const v = cij(src, i, j);
      st(dst, i * 4 + j, ckk > 0.0 ? v - cij(src, i, k) * cij(src, k, j) / ckk : v);
    }
}
function pdf0(v: f64): f64 { return v > 0.0 ? 1.0 / Math.sqrt(2.0 * Math.PI * v) : 0.0; }

/** P(X_B > 0), B a 4-bit mask (zero-variance members count ½). */
function orthantM(cp: usize, mask: i32, sw: usize): f64 {
  let scale: f64 = 1e-300;
  for (let i = 0; i < 4; i++) if (mask & (1 << i)) scale = max(scale, abs(cij(cp, i, i)));
  let f: f64 = 1.0;
  let live = 0, m = 0;
  let i0 = 0, i1 = 0, i2 = 0;
  for (let i = 0; i < 4; i++) {
    if (!(mask & (1 << i))) continue;
    if (cij(cp, i, i) > TINY * scale) {
      if (m == 0) i0 = i; else if (m == 1) i1 = i; else if (m == 2) i2 = i;
      live |= 1 << i; m++;
    } else f *= 0.5;
  }
  if (m == 0) return f;
  if (m == 1) return 0.5 * f;
  if (m == 2) return f * (0.25 + asin(corrC(cp, i0, i1)) * INV_TWO_PI);
  if (m == 3) return f * (0.125 + (asin(corrC(cp, i0, i1)) + asin(corrC(cp, i0, i2)) + asin(corrC(cp, i1, i2))) / (4.0 * Math.PI));
  return f * orthant4(cp, sw);
}

// @ts-ignore: decorator
@inline function rt_(cp: usize, t: f64, u: i32, v: i32): f64 { return u == v ? 1.0 : t * corrC(cp, u, v); }

function plackettTerm(cp: usize, t: f64, i: i32, j: i32, k: i32, l: i32): f64 {
  const rij = corrC(cp, i, j);
  if (rij == 0.0) return 0.0;
  const r = t * rij;
  const det = 1.0 - r * r;
  const inv00 = 1.0 / det, inv01 = -r / det;
  const aki = rt_(cp, t, k, i), akj = rt_(cp, t, k, j), ali = rt_(cp, t, l, i), alj = rt_(cp, t, l, j);
  const skk = 1.0 - (aki * (inv00 * aki + inv01 * akj) + akj * (inv01 * aki + inv00 * akj));
  const sll = 1.0 - (ali * (inv00 * ali + inv01 * alj) + alj * (inv01 * ali + inv00 * alj));
  const skl = rt_(cp, t, k, l) - (aki * (inv00 * ali + inv01 * alj) + akj * (inv01 * ali + inv00 * alj));
  const rho = skk > 0.0 && sll > 0.0 ? skl / Math.sqrt(skk * sll) : 0.0;
  return rij / (2.0 * Math.PI * Math.sqrt(det)) * (0.25 + asin(clip1(rho)) * INV_TWO_PI);
}

/** 4-d orthant probability (all four fields live) by Plackett's reduction. */
function orthant4(cp: usize, sw: usize): f64 {
  ensureGL(sw);
  const g = sw + ((<usize>GL_OFF) << 3);
  let total: f64 = 0.0;
  for (let q = 0; q < GL_N; q++) {
    const s = ld(g, 1 + q), t = 1.0 - s * s;
    const gsum = plackettTerm(cp, t, 0, 1, 2, 3) + plackettTerm(cp, t, 0, 2, 1, 3) + plackettTerm(cp, t, 0, 3, 1, 2)
      + plackettTerm(cp, t, 1, 2, 0, 3) + plackettTerm(cp, t, 1, 3, 0, 2) + plackettTerm(cp, t, 2, 3, 0, 1);
    total += ld(g, 1 + GL_N + q) * 2.0 * s * gsum;
  }
  return 0.0625 + total;
}

/** E[X_b 1{X_B > 0}] at covariance cp (level buffer dst for the conditioning). */
function T1(cp: usize, mask: i32, b: i32, dst: usize, sw: usize): f64 {
  let s: f64 = 0.0;
  for (let m = 0; m < 4; m++) {
    if (!(mask & (1 << m))) continue;
    const cbm = cij(cp, b, m), cmm = cij(cp, m, m);
    if (cbm == 0.0 || !(cmm > 0.0)) continue;
    conditionC(cp, dst, m);
    s += cbm * pdf0(cmm) * orthantM(dst, mask & ~(1 << m), sw);
  }
  return s;
}

/** E[X_a X_b 1{X_B > 0}]. */
function T2(cp: usize, mask: i32, a: i32, b: i32, l1: usize, l2: usize, sw: usize): f64 {
  let s = cij(cp, a, b) * orthantM(cp, mask, sw);
  for (let k = 0; k < 4; k++) {
    if (!(mask & (1 << k)) || k == b) continue;
    const cak = cij(cp, a, k), ckk = cij(cp, k, k);
    if (cak == 0.0 || !(ckk > 0.0)) continue;
    conditionC(cp, l1, k);
    s += cak * pdf0(ckk) * T1(l1, mask & ~(1 << k), b, l2, sw);
  }
  return s;
}

/** Exact E[Θ(z1)Θ(z2) relu(z3) relu(z4)]; sw = relu scratch region (RELU_SLOTS f64). */
function reluI4Exact(cin: usize, sw: usize): f64 {
  const l0 = sw + ((<usize>LV_OFF) << 3), l1 = l0 + 128, l2 = l1 + 128;
  for (let i = 0; i < 16; i++) st(l0, i, ld(cin, i));
  const scale = max(max(cij(l0, 0, 0), cij(l0, 1, 1)), max(max(cij(l0, 2, 2), cij(l0, 3, 3)), 1e-300));
  for (let i = 0; i < 4; i++) if (!(cij(l0, i, i) > TINY * scale)) return 0.0;
  // representatives of coincident fields
  let r0 = 0, r1 = 1, r2 = 2, r3 = 3;
  for (let i = 1; i < 4; i++) {
    let ri = i;
    for (let j = 0; j < i; j++) {
      const rj = j == 0 ? r0 : j == 1 ? r1 : r2;
      if (rj != j) continue;
      const c = corrC(l0, i, j);
      if (c <= -1.0 + 1e-12) return 0.0;
      if (c >= 1.0 - 1e-12 && ri == i) ri = j;
    }
    if (i == 1) r1 = ri; else if (i == 2) r2 = ri; else r3 = ri;
  }
  const mask = (1 << r0) | (1 << r1) | (1 << r2) | (1 << r3);
  return T2(l0, mask, r2, r3, l1, l2, sw);
}

// ------------------------------------------------------------------ workspace

/** Workspace (f64 count) for committee_rhs / committee_risk. */
export function committee_work_f64(p: i32, k: i32): i32 {
  return committeeWorkF64(p, k);
}

/** 0 ok, 1 unsupported activation pair (rhs), 2 bad code, 3 bad sizes. */
export function committee_supported(params: usize): i32 {
  const p = <i32>ld(params, PAR_P), k = <i32>ld(params, PAR_K);
  const act = <i32>ld(params, PAR_ACT), tact = <i32>ld(params, PAR_TACT), v = <i32>ld(params, PAR_VAR);
  if (p < 1 || k < 1) return 3;
  if (act < 0 || act > 3 || tact < 0 || tact > 3 || v < 0 || v > 2) return 2;
  if (act != tact) return 1;
  return 0;
}

/** Build Ω (N×N), w (N), 1+Ω_cc (N) into the workspace. */
function buildFields(params: usize, y: usize, work: usize, p: i32, k: i32, trained: bool): void {
  const n = p + k;
  const om = work, w = work + ((<usize>(n * n)) << 3), opc = w + ((<usize>n) << 3);
  const mp = y + ((<usize>(p * p)) << 3);
  const pp = params + ((<usize>PAR_HEADER) << 3);
  const astar = pp + ((<usize>(k * k)) << 3);
  const ap = mp + ((<usize>(p * k)) << 3);
  for (let a = 0; a < p; a++) {
    for (let b = 0; b < p; b++) st(om, a * n + b, ld(y, a * p + b));
    for (let r = 0; r < k; r++) {
      const m = ld(mp, a * k + r);
      st(om, a * n + p + r, m);
      st(om, (p + r) * n + a, m);
    }
    st(w, a, -(trained ? ld(ap, a) : 1.0) / <f64>p);
  }
  for (let r = 0; r < k; r++) {
    for (let s = 0; s < k; s++) st(om, (p + r) * n + p + s, ld(pp, r * k + s));
    st(w, p + r, ld(astar, r) / <f64>k);
  }
  for (let c = 0; c < n; c++) st(opc, c, 1.0 + ld(om, c * n + c));
}

function dotN(x: usize, y: usize, n: i32): f64 {
  let i = 0;
  let s: f64 = 0;
  if (ASC_FEATURE_SIMD) {
    let a0 = f64x2.splat(0), a1 = f64x2.splat(0);
    for (; i + 3 < n; i += 4) {
      const o = <usize>i << 3;
      a0 = f64x2.add(a0, f64x2.mul(v128.load(x + o), v128.load(y + o)));
      a1 = f64x2.add(a1, f64x2.mul(v128.load(x + o, 16), v128.load(y + o, 16)));
    }
    a0 = f64x2.add(a0, a1);
    s = f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1);
  }
  for (; i < n; i++) s += ld(x, i) * ld(y, i);
  return s;
}

// ------------------------------------------------------------------ right-hand side

/** dy = F(y) of S10–S12 (see the header for layout and supported pairs). dQ is exactly symmetric. */
export function committee_rhs(params: usize, y: usize, dy: usize, work: usize): void {
  const p = <i32>ld(params, PAR_P), k = <i32>ld(params, PAR_K);
  const act = <i32>ld(params, PAR_ACT);
  const vt = <i32>ld(params, PAR_VAR);
  const trained = ld(params, PAR_TRAIN_A) != 0.0;
  const len = p * p + p * k + (trained ? p : 0);
  if (committee_supported(params) != 0) {
    for (let i = 0; i < len; i++) st(dy, i, NaN);
    return;
  }
  const gp = ld(params, PAR_GAMMA_OVER_P), delta = ld(params, PAR_NOISE);
  const n = p + k;
  buildFields(params, y, work, p, k, trained);
  const om = work;
  const w = work + ((<usize>(n * n)) << 3);
  const opc = w + ((<usize>n) << 3);
  const sv = opc + ((<usize>n) << 3);
  const va = sv + ((<usize>n) << 3), vb = va + ((<usize>n) << 3), vr = vb + ((<usize>n) << 3), vo = vr + ((<usize>n) << 3);
  const g = vo + ((<usize>(n + 16)) << 3); // vo: N slots, or the 4×4 covariance scratch of the relu I4
  const mu = g + ((<usize>(p * n)) << 3), nu = mu + ((<usize>p) << 3);
  const hq = nu + ((<usize>p) << 3);
  const gw = hq + ((<usize>(p * p)) << 3);
  const dM = dy + ((<usize>(p * p)) << 3);
  const aOff = p * p + p * k;

  if (act == ACT_QUADRATIC) {
    rhsQuadratic(p, k, n, om, w, g, hq, y, dy, trained, vt, gp, delta, aOff);
    return;
  }

  // ---- I3 terms: T_a(b) = Σ_c w_c I3(a, b, c) = μ_a g^a_b + ν_a Ω_ab with g^a = Ω s^a.
  let wOw: f64 = 0.0;
  for (let a = 0; a < p; a++) {
    const rowA = om + ((<usize>(a * n)) << 3);
    const oaa = ld(rowA, a);
    const opa = 1.0 + oaa;
    let m: f64 = 1.0, nuv: f64 = 0.0;
    if (act == ACT_ERF) {
      for (let c = 0; c < n; c++) {
        const oac = ld(rowA, c);
        st(sv, c, TWO_OVER_PI * ld(w, c) / (opa * Math.sqrt(opa * ld(opc, c) - oac * oac)));
      }
      m = opa;
    } else if (act == ACT_RELU) {
      for (let c = 0; c < n; c++) {
        const oac = ld(rowA, c);
        const d = oaa * ld(om, c * n + c);
        let alpha: f64 = 0.0, beta: f64 = 0.25;
        if (d > 0.0) {
          alpha = Math.sqrt(max(d - oac * oac, 0.0)) * INV_TWO_PI / oaa;
          beta = 0.25 + asin(clip1(oac / Math.sqrt(d))) * INV_TWO_PI;
        }
        st(sv, c, ld(w, c) * beta);
        nuv += ld(w, c) * alpha;
      }
    } else {
      for (let c = 0; c < n; c++) st(sv, c, ld(w, c));
    }
    const gRow = g + ((<usize>(a * n)) << 3);
    for (let b = 0; b < n; b++) st(gRow, b, dotN(om + ((<usize>(b * n)) << 3), sv, n));
    if (act == ACT_ERF) nuv = -ld(gRow, a);
    st(mu, a, m);
    st(nu, a, nuv);
  }
  if (act == ACT_LINEAR && vt == VAR_FULL) {
    for (let c = 0; c < n; c++) wOw += ld(w, c) * ld(g, c); // g row 0 = Ω w
  }

  // ---- dM (S10)
  for (let j = 0; j < p; j++) {
    const aj = trained ? ld(y, aOff + j) : 1.0;
    const mj = ld(mu, j), nj = ld(nu, j);
    const gRow = g + ((<usize>(j * n)) << 3);
    for (let r = 0; r < k; r++) {
      st(dM, j * k + r, aj * (mj * ld(gRow, p + r) + nj * ld(om, j * n + p + r)));
    }
  }

  // ---- dQ (S11), upper triangle then mirror
  for (let j = 0; j < p; j++) {
    const aj = trained ? ld(y, aOff + j) : 1.0;
    for (let l = j; l < p; l++) {
      const al = trained ? ld(y, aOff + l) : 1.0;
      const ojl = ld(om, j * n + l);
      let v = aj * (ld(mu, j) * ld(g, j * n + l) + ld(nu, j) * ojl)
        + al * (ld(mu, l) * ld(g, l * n + j) + ld(nu, l) * ojl);
      if (vt != VAR_NONE) {
        let var_: f64 = delta * committee_J2(act, ld(om, j * n + j), ojl, ld(om, l * n + l));
        if (vt == VAR_FULL) {
          if (act == ACT_ERF) var_ += i4SumErf(j, l, n, om, w, opc, va, vb, vr, vo);
          else if (act == ACT_LINEAR) var_ += wOw;
          else var_ += i4SumRelu(j, l, n, om, w, gw, <i32>ld(params, PAR_GH_NODES), vo);
          // (GH_NODES = 0: exact ReLU I4; > 0: tensor Gauss–Hermite with that many nodes per dimension)
        }
        v += gp * aj * al * var_;
      }
      st(dy, j * p + l, v);
      st(dy, l * p + j, v);
    }
  }

  // ---- da (S12)
  if (trained) {
    for (let j = 0; j < p; j++) {
      const ojj = ld(om, j * n + j);
      let s: f64 = 0.0;
      for (let c = 0; c < n; c++) s += ld(w, c) * committee_I2(act, act, ojj, ld(om, j * n + c), ld(om, c * n + c));
      st(dy, aOff + j, s);
    }
  }
}

/** Σ_{c,e} w_c w_e I4(j,l,c,e) for erf (S19), using the (c,e) symmetry; SIMD along e. */
function i4SumErf(j: i32, l: i32, n: i32, om: usize, w: usize, opc: usize,
  ar: usize, br: usize, rr: usize, orow: usize): f64 {
  const rowJ = om + ((<usize>(j * n)) << 3), rowL = om + ((<usize>(l * n)) << 3);
  const opj = ld(opc, j), opl = ld(opc, l), qjl = ld(rowJ, l);
  const l4 = opj * opl - qjl * qjl;
  // A_e r_e, B_e r_e, r_e = 1/√Λ1(e)
  for (let e = 0; e < n; e++) {
    const u = ld(rowJ, e), v = ld(rowL, e);
    const A = -opl * u + qjl * v;
    const B = -opj * v + qjl * u;
    const lam1 = l4 * ld(opc, e) + u * A + v * B;
    const r = 1.0 / Math.sqrt(max(lam1, 1e-300));
    st(rr, e, r);
    st(ar, e, A * r);
    st(br, e, B * r);
  }
  let total: f64 = 0.0;
  for (let c = 0; c < n; c++) {
    const rowC = om + ((<usize>(c * n)) << 3);
    const rc = ld(rr, c);
    const al = l4 * rc, be = ld(rowJ, c) * rc, ga = ld(rowL, c) * rc;
    // diagonal e = c
    const diag = asin(clip1(al * ld(rowC, c) * rc + be * ld(ar, c) + ga * ld(br, c)));
    let s: f64 = 0.0;
    let e = c + 1;
    if (ASC_FEATURE_SIMD) {
      const val = f64x2.splat(al), vbe = f64x2.splat(be), vga = f64x2.splat(ga);
      const one = f64x2.splat(1.0), mone = f64x2.splat(-1.0);
      let acc0 = f64x2.splat(0.0), acc1 = f64x2.splat(0.0);
      for (; e + 3 < n; e += 4) {
        const o = <usize>e << 3;
        let x0 = f64x2.add(f64x2.mul(f64x2.mul(val, v128.load(rowC + o)), v128.load(rr + o)),
          f64x2.add(f64x2.mul(vbe, v128.load(ar + o)), f64x2.mul(vga, v128.load(br + o))));
        let x1 = f64x2.add(f64x2.mul(f64x2.mul(val, v128.load(rowC + o, 16)), v128.load(rr + o, 16)),
          f64x2.add(f64x2.mul(vbe, v128.load(ar + o, 16)), f64x2.mul(vga, v128.load(br + o, 16))));
        x0 = f64x2.pmin(f64x2.pmax(x0, mone), one);
        x1 = f64x2.pmin(f64x2.pmax(x1, mone), one);
        acc0 = f64x2.add(acc0, f64x2.mul(v128.load(w + o), asin_v(x0)));
        acc1 = f64x2.add(acc1, f64x2.mul(v128.load(w + o, 16), asin_v(x1)));
      }
      for (; e + 1 < n; e += 2) {
        const o = <usize>e << 3;
        let x0 = f64x2.add(f64x2.mul(f64x2.mul(val, v128.load(rowC + o)), v128.load(rr + o)),
          f64x2.add(f64x2.mul(vbe, v128.load(ar + o)), f64x2.mul(vga, v128.load(br + o))));
        x0 = f64x2.pmin(f64x2.pmax(x0, mone), one);
        acc0 = f64x2.add(acc0, f64x2.mul(v128.load(w + o), asin_v(x0)));
      }
      acc0 = f64x2.add(acc0, acc1);
      s = f64x2.extract_lane(acc0, 0) + f64x2.extract_lane(acc0, 1);
    }
    for (; e < n; e++) {
      const x = al * ld(rowC, e) * ld(rr, e) + be * ld(ar, e) + ga * ld(br, e);
      s += ld(w, e) * asin(clip1(x));
    }
    const wc = ld(w, c);
    total += wc * (wc * diag + 2.0 * s);
  }
  return FOUR_OVER_PI2 / Math.sqrt(l4) * total;
}

/** Σ_{c,e} w_c w_e I4(j,l,c,e) for relu by 4-d Gauss–Hermite (c ≤ e, doubled off-diagonal). */
function i4SumRelu(j: i32, l: i32, n: i32, om: usize, w: usize, gw: usize, ghN: i32, cp: usize): f64 {
  if (ghN > 0) ensureGH(gw, ghN);
  const ojj = ld(om, j * n + j), oll = ld(om, l * n + l), ojl = ld(om, j * n + l);
  let total: f64 = 0.0;
  for (let c = 0; c < n; c++) {
    const ojc = ld(om, j * n + c), olc = ld(om, l * n + c), occ = ld(om, c * n + c);
    for (let e = c; e < n; e++) {
      const oje = ld(om, j * n + e), ole = ld(om, l * n + e);
      st(cp, 0, ojj); st(cp, 1, ojl); st(cp, 2, ojc); st(cp, 3, oje);
      st(cp, 4, ojl); st(cp, 5, oll); st(cp, 6, olc); st(cp, 7, ole);
      st(cp, 8, ojc); st(cp, 9, olc); st(cp, 10, occ); st(cp, 11, ld(om, c * n + e));
      st(cp, 12, oje); st(cp, 13, ole); st(cp, 14, ld(om, c * n + e)); st(cp, 15, ld(om, e * n + e));
      const v = ghN > 0 ? reluI4GH(cp, gw) : reluI4Exact(cp, gw);
      total += (e == c ? 1.0 : 2.0) * ld(w, c) * ld(w, e) * v;
    }
  }
  return total;
}

/** Quadratic σ = x²: matrix forms. T = tr SΩ, G = ΩSΩ (student rows), H = GSΩ (student block). */
function rhsQuadratic(p: i32, k: i32, n: i32, om: usize, w: usize, g: usize, hq: usize, y: usize, dy: usize,
  trained: bool, vt: i32, gp: f64, delta: f64, aOff: i32): void {
  let T: f64 = 0.0;
  for (let c = 0; c < n; c++) T += ld(w, c) * ld(om, c * n + c);
  // G[a, b] = Σ_c Ω_ac w_c Ω_cb (a < p)
  for (let a = 0; a < p; a++) {
    const gRow = g + ((<usize>(a * n)) << 3);
    for (let b = 0; b < n; b++) st(gRow, b, 0.0);
    for (let c = 0; c < n; c++) {
      const f = ld(om, a * n + c) * ld(w, c);
      if (f == 0.0) continue;
      const rowC = om + ((<usize>(c * n)) << 3);
      for (let b = 0; b < n; b++) st(gRow, b, ld(gRow, b) + f * ld(rowC, b));
    }
  }
  let trSS: f64 = 0.0;
  if (vt == VAR_FULL) {
    for (let a = 0; a < n; a++) {
      let s: f64 = 0.0;
      for (let b = 0; b < n; b++) { const o = ld(om, a * n + b); s += ld(w, b) * o * o; }
      trSS += ld(w, a) * s;
    }
    // H[j, l] = Σ_c G_jc w_c Ω_cl
    for (let j = 0; j < p; j++) {
      for (let l = 0; l < p; l++) {
        let s: f64 = 0.0;
        for (let c = 0; c < n; c++) s += ld(g, j * n + c) * ld(w, c) * ld(om, c * n + l);
        st(hq, j * p + l, s);
      }
    }
  }
  const dM = dy + ((<usize>(p * p)) << 3);
  for (let j = 0; j < p; j++) {
    const aj = trained ? ld(y, aOff + j) : 1.0;
    for (let r = 0; r < k; r++) {
      st(dM, j * k + r, aj * 2.0 * (ld(om, j * n + p + r) * T + 2.0 * ld(g, j * n + p + r)));
    }
  }
  for (let j = 0; j < p; j++) {
    const aj = trained ? ld(y, aOff + j) : 1.0;
    for (let l = j; l < p; l++) {
      const al = trained ? ld(y, aOff + l) : 1.0;
      const ojl = ld(om, j * n + l);
      const gjl = 0.5 * (ld(g, j * n + l) + ld(g, l * n + j));
      let v = (aj + al) * 2.0 * (ojl * T + 2.0 * gjl);
      if (vt != VAR_NONE) {
        let var_: f64 = 4.0 * delta * ojl;
        if (vt == VAR_FULL) {
          const hjl = 0.5 * (ld(hq, j * p + l) + ld(hq, l * p + j));
          var_ += 4.0 * (ojl * (T * T + 2.0 * trSS) + 4.0 * gjl * T + 8.0 * hjl);
        }
        v += gp * aj * al * var_;
      }
      st(dy, j * p + l, v);
      st(dy, l * p + j, v);
    }
  }
  if (trained) {
    for (let j = 0; j < p; j++) {
      let s: f64 = 0.0;
      for (let c = 0; c < n; c++) { const o = ld(om, j * n + c); s += ld(w, c) * o * o; }
      st(dy, aOff + j, ld(om, j * n + j) * T + 2.0 * s);
    }
  }
}

// ------------------------------------------------------------------ risk

// @ts-ignore: decorator
@inline function omAt(params: usize, y: usize, p: i32, k: i32, c: i32, e: i32): f64 {
  if (c < p) {
    if (e < p) return ld(y, c * p + e);
    return ld(y, p * p + c * k + e - p);
  }
  if (e < p) return ld(y, p * p + e * k + c - p);
  return ld(params, PAR_HEADER + (c - p) * k + e - p);
}

/** ε_g = R − Δ/2 = ½ Σ_{c,e} w_c w_e I2(c, e) (S15; I2 is the full E[σσ]); every activation pair. No workspace. */
export function committee_risk(params: usize, y: usize): f64 {
  const p = <i32>ld(params, PAR_P), k = <i32>ld(params, PAR_K);
  const act = <i32>ld(params, PAR_ACT), tact = <i32>ld(params, PAR_TACT);
  if (p < 1 || k < 1 || act < 0 || act > 3 || tact < 0 || tact > 3) return NaN;
  const trained = ld(params, PAR_TRAIN_A) != 0.0;
  const n = p + k;
  let total: f64 = 0.0;
  for (let c = 0; c < n; c++) {
    const ac = c < p ? act : tact;
    const wc = c < p ? -(trained ? ld(y, p * p + p * k + c) : 1.0) / <f64>p : ld(params, PAR_HEADER + k * k + c - p) / <f64>k;
    const occ = omAt(params, y, p, k, c, c);
    let s: f64 = 0.0;
    for (let e = c + 1; e < n; e++) {
      const we = e < p ? -(trained ? ld(y, p * p + p * k + e) : 1.0) / <f64>p : ld(params, PAR_HEADER + k * k + e - p) / <f64>k;
      s += we * committee_I2(ac, e < p ? act : tact, occ, omAt(params, y, p, k, c, e), omAt(params, y, p, k, e, e));
    }
    total += wc * (wc * committee_I2(ac, ac, occ, occ, occ) + 2.0 * s);
  }
  return 0.5 * total;
}
