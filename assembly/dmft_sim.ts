// Direct simulations of dmft.md §11: the real two-layer network f(x) = (1/m) Σ a_i σ(⟨w_i, x⟩)
// (§11.1, D1, D3) trained by full-batch projected GD or mini-batch SGD, and GD on the
// Gaussian-process model f^g (§11.2, D39, (D.9)). Kernels over host-owned memory; nothing
// allocates. TS twin: src/ref/dmft_sim.ts (same algorithm, plain loops; agreement to rounding).
//
// PARAMS BLOCK P (f64, DSIM_PAR_LEN slots):
//   0 m, 1 d, 2 n, 3 K (max Hermite degree ≤ 8), 4 lr (network: step on the ½-normalised batch
//   loss; Gaussian model: η_GD, the n/d factor applied inside), 5 batch B (≥ n: full batch),
//   6 trainA (0/1), 7 project (1: gradient projected on the sphere's tangent space before the
//   step), 8 τ, 9 signal (φ̂ = h: 1; pure noise: 0),
//   10..18 b_k: σ = Σ_k b_k He_k (b_k = √c_k/√k!),  19..27 c_k: h(q) = Σ_k c_k q^k.
// Every row of W is re-normalised to the unit sphere after every step.
import { gemm_f64, gemm_nt_f64, dot_f64 } from "./blas";
import { rng_next_u64 } from "./rng";

// Params slots P_*, DSIM_PAR_LEN, DSIM_MAX_DEGREE (largest Hermite degree of σ; the Gaussian model supports
// k ≤ 3), the chunk of dsim_net_train_error and the work sizes: assembly/gen/dmft_layout.ts (codegen/contract.mjs).
import {
  P_M, P_D, P_N, P_K, P_LR, P_B, P_TRAINA, P_PROJ, P_TAU, P_SIGNAL, P_B0, P_C0,
  DSIM_CHUNK as CHUNK, dsimNetWorkLen, dsimGaussWorkLen,
} from "./gen/dmft_layout";

@inline function ldf(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }
@inline function stf(p: usize, i: i32, v: f64): void { store<f64>(p + (<usize>i << 3), v); }
@inline function rowp(p: usize, row: i32, ld: i32): usize { return p + ((<usize>row * <usize>ld) << 3); }
@inline function ldi(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }
@inline function sti(p: usize, i: i32, v: i32): void { store<i32>(p + (<usize>i << 2), v); }


// ---------------------------------------------------------------- σ and h

/** σ(x) = Σ_{k ≤ K} b_k He_k(x) (probabilists' Hermite, He_{k+1} = x He_k − k He_{k−1}). */
export function dsim_sigma(P: usize, x: f64): f64 {
  const K = <i32>ldf(P, P_K);
  let h0: f64 = 1.0, h1 = x;
  let s = ldf(P, P_B0);
  if (K >= 1) s += ldf(P, P_B0 + 1) * h1;
  for (let k = 1; k < K; k++) {
    const h2 = x * h1 - <f64>k * h0;
    h0 = h1; h1 = h2;
    s += ldf(P, P_B0 + k + 1) * h1;
  }
  return s;
}

/** σ′(x) = Σ_k b_k k He_{k−1}(x). */
export function dsim_dsigma(P: usize, x: f64): f64 {
  const K = <i32>ldf(P, P_K);
  let h0: f64 = 1.0, h1 = x;
  let s: f64 = 0;
  if (K >= 1) s = ldf(P, P_B0 + 1);
  if (K >= 2) s += 2.0 * ldf(P, P_B0 + 2) * h1;
  for (let k = 2; k < K; k++) {
    const h2 = x * h1 - <f64>(k - 1) * h0;
    h0 = h1; h1 = h2;
    s += <f64>(k + 1) * ldf(P, P_B0 + k + 1) * h1;
  }
  return s;
}

let g_dsig: f64 = 0;
/** σ(x), with σ′(x) left in g_dsig; the same operations as dsim_sigma and dsim_dsigma. */
// @ts-ignore: decorator
@inline
function sigma_both(P: usize, x: f64): f64 {
  const K = <i32>ldf(P, P_K);
  let h0: f64 = 1.0, h1 = x;
  let s = ldf(P, P_B0);
  let ds: f64 = 0;
  if (K >= 1) { s += ldf(P, P_B0 + 1) * h1; ds = ldf(P, P_B0 + 1); }
  if (K >= 2) ds += 2.0 * ldf(P, P_B0 + 2) * h1;
  for (let k = 1; k < K; k++) {
    const h2 = x * h1 - <f64>k * h0;
    h0 = h1; h1 = h2;
    s += ldf(P, P_B0 + k + 1) * h1;
    if (k + 1 < K) ds += <f64>(k + 2) * ldf(P, P_B0 + k + 2) * h1;
  }
  g_dsig = ds;
  return s;
}

/** h(q) = Σ_k c_k q^k (Horner). */
export function dsim_h(P: usize, q: f64): f64 {
  const K = <i32>ldf(P, P_K);
  let s: f64 = 0;
  for (let k = K; k >= 0; k--) s = s * q + ldf(P, P_C0 + k);
  return s;
}

// ---------------------------------------------------------------- population risk (D4)

// work of dsim_population: dsimPopulationWorkLen(m) f64 (m·m for WWᵀ, then m + 2), assembly/gen/dmft_layout.ts.

/** out[0] = e_ts from D4 (½(τ² + ‖φ‖²) − (1/m)Σ a_i φ̂(⟨u,w_i⟩) + (1/2m²)Σ a_i a_j h(⟨w_i,w_j⟩)),
 *  out[1] = mean a_i, out[2] = v = mean ⟨u, w_i⟩, out[3] = C_o = mean_{i≠j} ⟨w_i, w_j⟩ (0 if m = 1).
 *  φ̂ = h and ‖φ‖² = h(1) with a signal; φ̂ = 0, ‖φ‖² = 0 for pure noise. */
export function dsim_population(P: usize, W: usize, a: usize, u: usize, work: usize, out: usize): void {
  const m = <i32>ldf(P, P_M), d = <i32>ldf(P, P_D);
  const tau = ldf(P, P_TAU);
  const signal = ldf(P, P_SIGNAL) != 0;
  const G = work;
  gemm_nt_f64(W, W, G, m, d, m, 1.0, 0.0);
  let quad: f64 = 0, lin: f64 = 0, asum: f64 = 0, vsum: f64 = 0, co: f64 = 0;
  for (let i = 0; i < m; i++) {
    const ai = ldf(a, i);
    asum += ai;
    let row: f64 = 0;
    for (let j = 0; j < m; j++) {
      const q = ldf(G, i * m + j);
      row += ldf(a, j) * dsim_h(P, q);
      if (j != i) co += q;
    }
    quad += ai * row;
    const vi = dot_f64(u, rowp(W, i, d), d);
    vsum += vi;
    if (signal) lin += ai * dsim_h(P, vi);
  }
  const mf = <f64>m;
  const phi2 = signal ? dsim_h(P, 1.0) : 0.0;
  stf(out, 0, 0.5 * (tau * tau + phi2) - lin / mf + quad / (2.0 * mf * mf));
  stf(out, 1, asum / mf);
  stf(out, 2, vsum / mf);
  stf(out, 3, m > 1 ? co / (mf * (mf - 1.0)) : 0.0);
}

// ---------------------------------------------------------------- real network (§11.1)

/** f64 slots of the `work` buffer of dsim_net_run / dsim_net_train_error with batch B (B ≥ n:
 *  full batch): Z (B×m), Dᵀ (m×B), G (m×d), X batch (B×d, mini-batch only), y batch (B), grad a (m),
 *  plus the chunked forward pass of the train error (CHUNK×m). */
export function dsim_net_work_len(m: i32, d: i32, n: i32, B: i32): i32 {
  return dsimNetWorkLen(m, d, n, B);
}

/** Uniform in [0,1) from the top 53 bits of the next xoshiro256++ output. */
@inline function next_unif(state: usize): f64 {
  return <f64>(<i64>(rng_next_u64(state) >> 11)) * 1.1102230246251565e-16;
}

/** Fisher–Yates shuffle of perm[0..n): for i = n−1 … 1, j = ⌊U·(i+1)⌋, swap(i, j). */
function shuffle(state: usize, perm: usize, n: i32): void {
  for (let i = n - 1; i > 0; i--) {
    let j = <i32>(next_unif(state) * <f64>(i + 1));
    if (j > i) j = i;
    const t = ldi(perm, i);
    sti(perm, i, ldi(perm, j));
    sti(perm, j, t);
  }
}

/** One (S)GD step on the batch rows Xs (b×d), labels ys (b). Returns false if a weight went
 *  non-finite. Gradients of the (1/2b)-normalised batch loss, all with the old (a, W). */
function net_step(P: usize, Xs: usize, ys: usize, b: i32, W: usize, a: usize, work: usize): bool {
  const m = <i32>ldf(P, P_M), d = <i32>ldf(P, P_D);
  const lr = ldf(P, P_LR);
  const trainA = ldf(P, P_TRAINA) != 0;
  const project = ldf(P, P_PROJ) != 0;
  const Z = work;
  const Dt = Z + ((<usize>b * <usize>m) << 3);
  const G = Dt + ((<usize>b * <usize>m) << 3);
  const ga = G + ((<usize>m * <usize>d) << 3);
  gemm_nt_f64(Xs, W, Z, b, d, m, 1.0, 0.0); // Z[μ, i] = ⟨x_μ, w_i⟩
  const inv_m = 1.0 / <f64>m;
  const scale = inv_m / <f64>b;
  for (let i = 0; i < m; i++) stf(ga, i, 0.0);
  for (let mu = 0; mu < b; mu++) {
    const zr = rowp(Z, mu, m);
    let f: f64 = 0;
    // pass 1: Z[μ,i] ← σ(z), Dᵀ[i,μ] ← σ′(z) (one Hermite recurrence for both)
    for (let i = 0; i < m; i++) {
      const sv = sigma_both(P, ldf(zr, i));
      stf(zr, i, sv);
      stf(Dt, i * b + mu, g_dsig);
      f += ldf(a, i) * sv;
    }
    const r = f * inv_m - ldf(ys, mu);
    const rs = r * scale;
    for (let i = 0; i < m; i++) {
      stf(ga, i, ldf(ga, i) + rs * ldf(zr, i));
      const o = i * b + mu;
      stf(Dt, o, rs * ldf(a, i) * ldf(Dt, o));
    }
  }
  gemm_f64(Dt, Xs, G, m, b, d, 1.0, 0.0); // ∇_{w_i} = Σ_μ D[μ,i] x_μ
  let ok = true;
  for (let i = 0; i < m; i++) {
    const w = rowp(W, i, d);
    const g = rowp(G, i, d);
    let c = lr;
    if (project) {
      const gw = dot_f64(g, w, d);
      // w − lr (g − ⟨g,w⟩w) = (1 + lr⟨g,w⟩) w − lr g
      const s = 1.0 + lr * gw;
      for (let k = 0; k < d; k++) stf(w, k, s * ldf(w, k) - c * ldf(g, k));
    } else {
      for (let k = 0; k < d; k++) stf(w, k, ldf(w, k) - c * ldf(g, k));
    }
    const nrm = Math.sqrt(dot_f64(w, w, d));
    if (!(nrm > 0) || !isFinite(nrm)) ok = false;
    const inv = 1.0 / nrm;
    for (let k = 0; k < d; k++) stf(w, k, ldf(w, k) * inv);
    if (trainA) {
      const an = ldf(a, i) - lr * ldf(ga, i);
      stf(a, i, an);
      if (!isFinite(an)) ok = false;
    }
  }
  return ok;
}

/** Run `nsteps` steps in place on (W, a). X (n×d), y (n). Full batch if B ≥ n; otherwise
 *  mini-batches from `perm` (n i32 indices, then the i32 position at perm[n]), like a shuffling
 *  data loader without drop_last: a batch is perm[pos .. min(pos+B, n)) (the last batch of an
 *  epoch has n mod B rows when B ∤ n); at pos = n the permutation is reshuffled with the xoshiro
 *  state at `state` (Fisher–Yates) and pos = 0 (the host starts with pos = n: shuffle first).
 *  Every step, whatever its batch size, uses the mean loss over its batch. Returns 0, or s + 1 if step s (0-based)
 *  made a weight non-finite (the run stops there). */
export function dsim_net_run(
  P: usize, X: usize, y: usize, W: usize, a: usize, nsteps: i32, work: usize, perm: usize, state: usize,
): i32 {
  const m = <i32>ldf(P, P_M), d = <i32>ldf(P, P_D), n = <i32>ldf(P, P_N);
  const B = <i32>ldf(P, P_B);
  if (B >= n) {
    for (let s = 0; s < nsteps; s++) if (!net_step(P, X, y, n, W, a, work)) return s + 1;
    return 0;
  }
  const Z = work;
  const Xb = Z + ((<usize>(2 * B * m + m * d + m + 8)) << 3);
  const yb = Xb + ((<usize>B * <usize>d) << 3);
  for (let s = 0; s < nsteps; s++) {
    let pos = ldi(perm, n);
    if (pos >= n) {
      shuffle(state, perm, n);
      pos = 0;
    }
    const b = n - pos < B ? n - pos : B;
    for (let r = 0; r < b; r++) {
      const idx = ldi(perm, pos + r);
      memory.copy(rowp(Xb, r, d), rowp(X, idx, d), <usize>d << 3);
      stf(yb, r, ldf(y, idx));
    }
    sti(perm, n, pos + b);
    if (!net_step(P, Xb, yb, b, W, a, work)) return s + 1;
  }
  return 0;
}

/** Train error ½·mean_μ (y_μ − f(x_μ))² over the whole training set (chunks of CHUNK rows). */
export function dsim_net_train_error(P: usize, X: usize, y: usize, W: usize, a: usize, work: usize): f64 {
  const m = <i32>ldf(P, P_M), d = <i32>ldf(P, P_D), n = <i32>ldf(P, P_N);
  const inv_m = 1.0 / <f64>m;
  let sum: f64 = 0;
  for (let r0 = 0; r0 < n; r0 += CHUNK) {
    const b = n - r0 < CHUNK ? n - r0 : CHUNK;
    gemm_nt_f64(rowp(X, r0, d), W, work, b, d, m, 1.0, 0.0);
    for (let mu = 0; mu < b; mu++) {
      const zr = rowp(work, mu, m);
      let f: f64 = 0;
      for (let i = 0; i < m; i++) f += ldf(a, i) * dsim_sigma(P, ldf(zr, i));
      const r = f * inv_m - ldf(y, r0 + mu);
      sum += r * r;
    }
  }
  return 0.5 * sum / <f64>n;
}

// ---------------------------------------------------------------- Gaussian-process model (§11.2)
// f^g_μ = (1/m) Σ_i a_i F_μi, F_μi = Σ_{k=1..3} s_k ⟨J^{(k)}_μ, w_i^{⊗k}⟩ with s_k = √c_k.
// J1 (n×d), J2 (n×d²), J3 (n×d³), row-major per sample; a degree with c_k = 0 is skipped (its
// pointer may be 0). Each sample's J2 must be SYMMETRIC (the host stores (J + Jᵀ)/2 of the drawn
// i.i.d. matrix: f^g only sees the symmetric part, so the dynamics are unchanged, and the gradient
// needs one pass over J instead of two). R̂ = (1/2n) Σ_μ (y_μ − f^g_μ)²; GD (D.9): a ← a − η(n/d)∇_a R̂,
// w_i ← P_sphere(w_i − η(n/d)∇_{w_i} R̂) (plain step, then the row is normalised).

/** f64 slots of the `work` buffer of the Gaussian-model kernels. */
export function dsim_gauss_work_len(m: i32, d: i32, n: i32): i32 {
  return dsimGaussWorkLen(m, d, n);
}

/** For sample μ: F[i] = Σ_k s_k ⟨J^{(k)}_μ, w_i^{⊗k}⟩ and, if E ≠ 0, E[i,:] = ∇_{w_i} F[i]. */
function gauss_features(
  P: usize, J1: usize, J2: usize, J3: usize, mu: i32, W: usize, m: i32, d: i32,
  F: usize, E: usize, T2: usize, T3: usize, Q3: usize, G3: usize,
): void {
  const K = <i32>ldf(P, P_K);
  const c1 = K >= 1 ? ldf(P, P_C0 + 1) : 0.0;
  const c2 = K >= 2 ? ldf(P, P_C0 + 2) : 0.0;
  const c3 = K >= 3 ? ldf(P, P_C0 + 3) : 0.0;
  for (let i = 0; i < m; i++) stf(F, i, 0.0);
  if (E) memory.fill(E, 0, (<usize>m * <usize>d) << 3);
  const dd = d * d;
  if (c1 != 0) {
    const s = Math.sqrt(c1);
    const j = rowp(J1, mu, d);
    for (let i = 0; i < m; i++) {
      stf(F, i, ldf(F, i) + s * dot_f64(j, rowp(W, i, d), d));
      if (E) {
        const e = rowp(E, i, d);
        for (let k = 0; k < d; k++) stf(e, k, ldf(e, k) + s * ldf(j, k));
      }
    }
  }
  if (c2 != 0) {
    const s = Math.sqrt(c2);
    const J = rowp(J2, mu, dd);
    // J2 is symmetric (the host symmetrises each sample's J once, (J + Jᵀ)/2, when it is drawn:
    // ⟨J, w⊗w⟩ = wᵀJw sees only the symmetric part, D39), so ∇_w wᵀJw = (J + Jᵀ)w = 2Jw and one
    // pass over J suffices: T2[a, i] = (J w_i)_a.
    for (let x = 0; x < d; x++) {
      const jr = rowp(J, x, d);
      for (let i = 0; i < m; i++) stf(T2, x * m + i, dot_f64(jr, rowp(W, i, d), d));
    }
    const s2 = 2.0 * s;
    for (let i = 0; i < m; i++) {
      const w = rowp(W, i, d);
      let v: f64 = 0;
      for (let k = 0; k < d; k++) v += ldf(w, k) * ldf(T2, k * m + i);
      stf(F, i, ldf(F, i) + s * v);
      if (E) {
        const e = rowp(E, i, d);
        for (let k = 0; k < d; k++) stf(e, k, ldf(e, k) + s2 * ldf(T2, k * m + i));
      }
    }
  }
  if (c3 != 0) {
    const s = Math.sqrt(c3);
    const J = rowp(J3, mu, dd * d); // as a (d²×d) matrix: row (ab), column c
    gemm_nt_f64(J, W, T3, dd, d, m, 1.0, 0.0); // T3[(ab), i] = Σ_c J_abc w_ic
    for (let i = 0; i < m; i++) {
      const w = rowp(W, i, d);
      const q = rowp(Q3, i, dd);
      for (let x = 0; x < d; x++) {
        const wx = ldf(w, x);
        for (let z = 0; z < d; z++) stf(q, x * d + z, wx * ldf(w, z));
      }
    }
    if (E) gemm_f64(Q3, J, G3, m, dd, d, 1.0, 0.0); // G3[i, c] = Σ_ab w_a w_b J_abc
    for (let i = 0; i < m; i++) {
      const w = rowp(W, i, d);
      // g1_x = Σ_z T3[(xz), i] w_z ; g2_z = Σ_x w_x T3[(xz), i]; value = Σ_x w_x g1_x
      let v: f64 = 0;
      const e = E ? rowp(E, i, d) : 0;
      const g3 = rowp(G3, i, d);
      for (let x = 0; x < d; x++) {
        const wx = ldf(w, x);
        let g1: f64 = 0;
        for (let z = 0; z < d; z++) {
          const t = ldf(T3, (x * d + z) * m + i);
          g1 += t * ldf(w, z);
          if (E) stf(e, z, ldf(e, z) + s * wx * t);
        }
        v += wx * g1;
        if (E) stf(e, x, ldf(e, x) + s * (g1 + ldf(g3, x)));
      }
      stf(F, i, ldf(F, i) + s * v);
    }
  }
}

/** Work pointers of the Gaussian kernels (in f64 slots from `work`). */
@inline function gw(work: usize, off: i32): usize { return work + (<usize>off << 3); }

/** r[μ] = f^g_μ − y_μ for all μ (into work[0..n)); returns the train error ½·mean r². */
export function dsim_gauss_train_error(P: usize, J1: usize, J2: usize, J3: usize, y: usize, W: usize, a: usize, work: usize): f64 {
  const m = <i32>ldf(P, P_M), d = <i32>ldf(P, P_D), n = <i32>ldf(P, P_N);
  const r = work, F = gw(work, n), T2 = gw(work, n + 2 * m + 2 * m * d);
  // (the m×d slots after T2 — once S2 = Jᵀw — are unused since J2 is symmetric)
  const T3 = gw(work, n + 2 * m + 3 * m * d + d * m);
  const Q3 = gw(work, n + 2 * m + 3 * m * d + d * m + d * d * m), G3 = gw(work, n + 2 * m + 3 * m * d + d * m + 2 * d * d * m);
  const inv_m = 1.0 / <f64>m;
  let sum: f64 = 0;
  for (let mu = 0; mu < n; mu++) {
    gauss_features(P, J1, J2, J3, mu, W, m, d, F, 0, T2, T3, Q3, G3);
    let f: f64 = 0;
    for (let i = 0; i < m; i++) f += ldf(a, i) * ldf(F, i);
    const res = f * inv_m - ldf(y, mu);
    stf(r, mu, res);
    sum += res * res;
  }
  return 0.5 * sum / <f64>n;
}

/** `nsteps` GD steps (D.9) on the Gaussian model, in place on (W, a). Returns 0, or s + 1 if step
 *  s made a weight non-finite. work[0] ← the train error ½·mean r² of the state on entry (step 0's
 *  forward pass computes every residual anyway; the same operations as dsim_gauss_train_error, so
 *  the same value), which spares the host a separate pass over the J's at each save. */
export function dsim_gauss_run(P: usize, J1: usize, J2: usize, J3: usize, y: usize, W: usize, a: usize, nsteps: i32, work: usize): i32 {
  const m = <i32>ldf(P, P_M), d = <i32>ldf(P, P_D), n = <i32>ldf(P, P_N);
  const eta = ldf(P, P_LR) * <f64>n / <f64>d;
  const trainA = ldf(P, P_TRAINA) != 0;
  const F = gw(work, n), ga = gw(work, n + m), G = gw(work, n + 2 * m), E = gw(work, n + 2 * m + m * d);
  const T2 = gw(work, n + 2 * m + 2 * m * d);
  const T3 = gw(work, n + 2 * m + 3 * m * d + d * m);
  const Q3 = gw(work, n + 2 * m + 3 * m * d + d * m + d * d * m), G3 = gw(work, n + 2 * m + 3 * m * d + d * m + 2 * d * d * m);
  const inv_m = 1.0 / <f64>m;
  const scale = inv_m / <f64>n;
  for (let s = 0; s < nsteps; s++) {
    memory.fill(G, 0, (<usize>m * <usize>d) << 3);
    for (let i = 0; i < m; i++) stf(ga, i, 0.0);
    let sum: f64 = 0;
    for (let mu = 0; mu < n; mu++) {
      gauss_features(P, J1, J2, J3, mu, W, m, d, F, E, T2, T3, Q3, G3);
      let f: f64 = 0;
      for (let i = 0; i < m; i++) f += ldf(a, i) * ldf(F, i);
      const res = f * inv_m - ldf(y, mu);
      sum += res * res;
      const rs = res * scale;
      for (let i = 0; i < m; i++) {
        stf(ga, i, ldf(ga, i) + rs * ldf(F, i));
        const c = rs * ldf(a, i);
        const g = rowp(G, i, d), e = rowp(E, i, d);
        for (let k = 0; k < d; k++) stf(g, k, ldf(g, k) + c * ldf(e, k));
      }
    }
    if (s == 0) stf(work, 0, 0.5 * sum / <f64>n);
    let ok = true;
    for (let i = 0; i < m; i++) {
      const w = rowp(W, i, d), g = rowp(G, i, d);
      for (let k = 0; k < d; k++) stf(w, k, ldf(w, k) - eta * ldf(g, k));
      const nrm = Math.sqrt(dot_f64(w, w, d));
      if (!(nrm > 0) || !isFinite(nrm)) ok = false;
      const inv = 1.0 / nrm;
      for (let k = 0; k < d; k++) stf(w, k, ldf(w, k) * inv);
      if (trainA) {
        const an = ldf(a, i) - eta * ldf(ga, i);
        stf(a, i, an);
        if (!isFinite(an)) ok = false;
      }
    }
    if (!ok) return s + 1;
  }
  return 0;
}

/** Row normalisation of an r×d matrix to the unit sphere (init: normalised Gaussian rows). */
export function dsim_normalize_rows(W: usize, r: i32, d: i32): void {
  for (let i = 0; i < r; i++) {
    const w = rowp(W, i, d);
    const inv = 1.0 / Math.sqrt(dot_f64(w, w, d));
    for (let k = 0; k < d; k++) stf(w, k, ldf(w, k) * inv);
  }
}

/** Labels y_μ = σ(⟨u, x_μ⟩)·signal + τ ξ_μ (ξ in y on entry). */
export function dsim_net_labels(P: usize, X: usize, u: usize, y: usize): void {
  const d = <i32>ldf(P, P_D), n = <i32>ldf(P, P_N);
  const tau = ldf(P, P_TAU);
  const signal = ldf(P, P_SIGNAL) != 0;
  for (let mu = 0; mu < n; mu++) {
    let v = tau * ldf(y, mu);
    if (signal) v += dsim_sigma(P, dot_f64(rowp(X, mu, d), u, d));
    stf(y, mu, v);
  }
}
