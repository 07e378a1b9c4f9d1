// Mean-field (large-p) reduced ODE of the committee machine (committee.md §5, S25–S27), state y = [M (p×k), q (p)],
// q_i = Q^⊥_ii. Students have fixed a_i = 1; activations σ = σ* ∈ {erf(x/√2) (code 0), x² (code 2)}.
//
// Params (f64): the committee header (gen/committee_layout.ts) with
//   [0] p  [1] k  [2] γ/p  [3] Δ  [4] varTerms  [5] activation  [9] d (0 → d = ∞: high-d mean field, Ξ = I)
//   [10] nGJ (Ξ-average nodes)
// then P (k×k), a* (k), and the mean-field tail (filled by the host, src/ref/meanfield.ts meanfieldParams):
//   P⁻¹ (k×k), z_g (nGJ), w_g (nGJ): nodes/weights (Σ w = 1) of the law of Ξ_jl = ⟨g_j, g_l⟩, density
//   ∝ (1 − z²)^{(d−k−3)/2} on [−1, 1] (Gauss–Jacobi, α = β = (d−k−3)/2, Golub–Welsch in TS). nGJ = 0 or d = 0 →
//   the single node z = 0 (Ω̄ with Ξ's off-diagonals dropped).
// Quadratic σ requires a* = 1 (S22 is written for it); erf takes any a*.
//
// Variance terms (mean-field regime γ/p ≪ 1): varTerms 0 → GF only; ≥ 1 ('noise'; 'full' is reduced to 'noise',
// the E*² part being O(γ/p) smaller) → dq_i += (γ/p) Δ E[σ′(λ_i)²] (M gets no noise term):
//   x²: 4Δ Q̄_ii;   erf: Δ (2/π)/√(1 + 2Q̄_ii).
//
// σ = x² (S22 at Ω̄ = (M P⁻¹ Mᵀ + diag q, M, P), plus the S27 Ξ corrections when d > k):
//   dM = 2(TrP/k − TrQ̄/p) M + 4(M P/k − Q̄ M/p),   Q̄ M = (M P⁻¹)(MᵀM) + diag(q) M
//   dq_i = 4(TrP/k − TrQ̄/p) q_i − (8/p) Q̄_ii q_i − (8/p) q_i Σ_{j≠i} q_j/(d−k)
// σ = erf(x/√2): with Q̄_ii = A_ii + q_i, A = M P⁻¹ Mᵀ, the Ξ-dependent student–student covariance is
// C(z) = A_ij + √(q_i q_j) z and cov(λ^⊥_i, λ_j) = √(q_i q_j) z (j ≠ i), cov(λ^⊥_i, λ_i) = q_i, cov(λ^⊥, λ*) = 0.
// The ⊥ field enters linearly (slot z2 of I3), so E[σ′(λ_i) λ^⊥_i σ(u)] is S18 with C12 = q_i, C23 = cov(λ^⊥_i, u):
//   I3⊥(i, u) = (2/π) (cov(λ^⊥_i,u)(1+Q̄_ii) − q_i cov(λ_i,u)) / ((1+Q̄_ii) √((1+Q̄_ii)(1+var u) − cov(λ_i,u)²))
// and dq_i = 2 Σ_c w_c E_Ξ I3⊥(i, c), dM_ir = Σ_c w_c E_Ξ I3(i, r*, c), w = −1/p (students), a*_r/k (teachers).
// Per pair (i < j) the z-average needs only S0 = Σ w_g/√Λ_g, S1 = Σ w_g C_g/√Λ_g, S2 = Σ w_g z_g/√Λ_g with
// Λ_g = (1+Q̄_ii)(1+Q̄_jj) − C(z_g)², symmetric in (i, j): cost p²/2 · nGJ square roots per RHS.
// √(q_i q_j) uses max(q, 0) (a q driven slightly negative by a step stays finite).
import {
  PAR_P, PAR_K, PAR_GAMMA_OVER_P, PAR_NOISE, PAR_VAR, PAR_ACT, PAR_DIM, PAR_GJ_NODES, PAR_HEADER, ACT_QUADRATIC, meanfieldWorkF64, meanfieldPinvOffset, meanfieldZOffset,
} from "./gen/committee_layout";

@inline function ld(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }
@inline function st(p: usize, i: i32, v: f64): void { store<f64>(p + (<usize>i << 3), v); }

const TWO_PI: f64 = 2.0 / Math.PI;

/** Workspace (f64 entries) of meanfield_rhs / meanfield_risk. */
export function meanfield_work_f64(p: i32, k: i32): i32 {
  return meanfieldWorkF64(p, k);
}

/** Offsets (f64 entries) of the params tail. */
@inline function offPinv(k: i32): i32 { return meanfieldPinvOffset(k); }
@inline function offZ(k: i32): i32 { return meanfieldZOffset(k); }

/** T = M P⁻¹ (p×k), A_ii = (M P⁻¹ Mᵀ)_ii, Qd_i = A_ii + q_i. */
function prepare(params: usize, y: usize, p: i32, k: i32, T: usize, Aii: usize, Qd: usize): void {
  const Pinv = params + (<usize>offPinv(k) << 3);
  const q = y + (<usize>(p * k) << 3);
  for (let i = 0; i < p; i++) {
    let a = 0.0;
    for (let r = 0; r < k; r++) {
      let s = 0.0;
      for (let u = 0; u < k; u++) s += ld(y, i * k + u) * ld(Pinv, u * k + r);
      st(T, i * k + r, s);
      a += s * ld(y, i * k + r);
    }
    st(Aii, i, a);
    st(Qd, i, a + ld(q, i));
  }
}

@inline function clip1(x: f64): f64 { return x > 1.0 ? 1.0 : (x < -1.0 ? -1.0 : x); }

export function meanfield_rhs(params: usize, y: usize, dy: usize, work: usize): void {
  const p = <i32>ld(params, PAR_P), k = <i32>ld(params, PAR_K);
  const gp = ld(params, PAR_GAMMA_OVER_P), delta = ld(params, PAR_NOISE);
  const noise = <i32>ld(params, PAR_VAR) >= 1 && delta != 0.0;
  const act = <i32>ld(params, PAR_ACT);
  const d = ld(params, PAR_DIM);
  const P = params + (<usize>PAR_HEADER << 3);
  const astar = params + (<usize>(PAR_HEADER + k * k) << 3);
  const T = work, Aii = T + (<usize>(p * k) << 3), Qd = Aii + (<usize>p << 3), G = Qd + (<usize>p << 3);
  const q = y + (<usize>(p * k) << 3);
  const dq = dy + (<usize>(p * k) << 3);
  const fp = <f64>p, fk = <f64>k;
  prepare(params, y, p, k, T, Aii, Qd);
  if (act == ACT_QUADRATIC) {
    let trP = 0.0, trQ = 0.0, sq = 0.0;
    for (let r = 0; r < k; r++) trP += ld(P, r * k + r);
    for (let i = 0; i < p; i++) { trQ += ld(Qd, i); sq += ld(q, i); }
    const c = trP / fk - trQ / fp;
    // G = Mᵀ M
    for (let r = 0; r < k; r++)
      for (let s = 0; s < k; s++) {
        let g = 0.0;
        for (let i = 0; i < p; i++) g += ld(y, i * k + r) * ld(y, i * k + s);
        st(G, r * k + s, g);
      }
    for (let i = 0; i < p; i++) {
      const qi = ld(q, i);
      for (let r = 0; r < k; r++) {
        let mp = 0.0, tg = 0.0;
        for (let s = 0; s < k; s++) {
          mp += ld(y, i * k + s) * ld(P, s * k + r);
          tg += ld(T, i * k + s) * ld(G, s * k + r);
        }
        const mir = ld(y, i * k + r);
        st(dy, i * k + r, 2.0 * c * mir + 4.0 * (mp / fk - (tg + qi * mir) / fp));
      }
      let v = 4.0 * c * qi - (8.0 / fp) * ld(Qd, i) * qi;
      if (d > fk) v -= (8.0 / fp) * qi * (sq - qi) / (d - fk);
      if (noise) v += gp * 4.0 * delta * ld(Qd, i);
      st(dq, i, v);
    }
    return;
  }
  // erf(x/√2)
  let ng = <i32>ld(params, PAR_GJ_NODES);
  if (d == 0.0) ng = 0;
  const Z = params + (<usize>offZ(k) << 3);
  const W = Z + (<usize>ng << 3);
  for (let i = 0; i < p; i++) {
    const a1 = 1.0 + ld(Qd, i), qi = ld(q, i);
    // j = i and teacher terms
    const selfS = TWO_PI / (a1 * Math.sqrt(1.0 + 2.0 * ld(Qd, i)));
    let dqi = -(1.0 / fp) * qi * selfS;
    for (let r = 0; r < k; r++) st(dy, i * k + r, -(1.0 / fp) * ld(y, i * k + r) * selfS);
    for (let s = 0; s < k; s++) {
      const mis = ld(y, i * k + s);
      const ws = ld(astar, s) / fk;
      const inv = TWO_PI / (a1 * Math.sqrt(a1 * (1.0 + ld(P, s * k + s)) - mis * mis));
      dqi += ws * (-qi * mis) * inv;
      for (let r = 0; r < k; r++) {
        const o = i * k + r;
        st(dy, o, ld(dy, o) + ws * (ld(P, r * k + s) * a1 - ld(y, o) * mis) * inv);
      }
    }
    st(dq, i, dqi);
  }
  for (let i = 0; i < p; i++) {
    const a1 = 1.0 + ld(Qd, i), qi = ld(q, i);
    for (let j = i + 1; j < p; j++) {
      const a2 = 1.0 + ld(Qd, j), qj = ld(q, j);
      let aij = 0.0;
      for (let r = 0; r < k; r++) aij += ld(T, i * k + r) * ld(y, j * k + r);
      const sqq = Math.sqrt(Math.max(qi, 0.0) * Math.max(qj, 0.0));
      const a12 = a1 * a2;
      let S0 = 0.0, S1 = 0.0, S2 = 0.0;
      if (ng == 0) {
        const inv = 1.0 / Math.sqrt(a12 - aij * aij);
        S0 = inv; S1 = aij * inv;
      } else {
        for (let g = 0; g < ng; g++) {
          const z = ld(Z, g), c = aij + sqq * z;
          const inv = ld(W, g) / Math.sqrt(a12 - c * c);
          S0 += inv; S1 += c * inv; S2 += z * inv;
        }
      }
      // pair (i, j): field j acts on neuron i, and field i on neuron j
      const fi = -(1.0 / fp) * TWO_PI / a1, fj = -(1.0 / fp) * TWO_PI / a2;
      for (let r = 0; r < k; r++) {
        const mir = ld(y, i * k + r), mjr = ld(y, j * k + r);
        st(dy, i * k + r, ld(dy, i * k + r) + fi * (mjr * a1 * S0 - mir * S1));
        st(dy, j * k + r, ld(dy, j * k + r) + fj * (mir * a2 * S0 - mjr * S1));
      }
      st(dq, i, ld(dq, i) + fi * (a1 * sqq * S2 - qi * S1));
      st(dq, j, ld(dq, j) + fj * (a2 * sqq * S2 - qj * S1));
    }
  }
  for (let i = 0; i < p; i++) {
    let v = 2.0 * ld(dq, i);
    if (noise) v += gp * delta * TWO_PI / Math.sqrt(1.0 + 2.0 * ld(Qd, i));
    st(dq, i, v);
  }
}

/** Excess risk ε_g = E_Ξ[ε_g(Ω̃)] (S15, S27); the API adds Δ/2 for R. Needs work of meanfield_work_f64(p, k). */
export function meanfield_risk(params: usize, y: usize, work: usize): f64 {
  const p = <i32>ld(params, PAR_P), k = <i32>ld(params, PAR_K);
  const act = <i32>ld(params, PAR_ACT);
  const d = ld(params, PAR_DIM);
  const P = params + (<usize>PAR_HEADER << 3);
  const astar = params + (<usize>(PAR_HEADER + k * k) << 3);
  const Pinv = params + (<usize>offPinv(k) << 3);
  const T = work, Aii = T + (<usize>(p * k) << 3), Qd = Aii + (<usize>p << 3), G = Qd + (<usize>p << 3);
  const B = G + (<usize>(k * k) << 3);
  const q = y + (<usize>(p * k) << 3);
  const fp = <f64>p, fk = <f64>k;
  prepare(params, y, p, k, T, Aii, Qd);
  if (act == ACT_QUADRATIC) {
    let trP = 0.0, trP2 = 0.0, trQ = 0.0, sq = 0.0, sq2 = 0.0, aq = 0.0, mm = 0.0;
    for (let r = 0; r < k; r++) {
      trP += ld(P, r * k + r);
      for (let s = 0; s < k; s++) trP2 += ld(P, r * k + s) * ld(P, s * k + r);
    }
    for (let i = 0; i < p; i++) {
      const qi = ld(q, i);
      trQ += ld(Qd, i); sq += qi; sq2 += qi * qi; aq += ld(Aii, i) * qi;
      for (let r = 0; r < k; r++) mm += ld(y, i * k + r) * ld(y, i * k + r);
    }
    for (let r = 0; r < k; r++)
      for (let s = 0; s < k; s++) {
        let g = 0.0;
        for (let i = 0; i < p; i++) g += ld(y, i * k + r) * ld(y, i * k + s);
        st(G, r * k + s, g);
      }
    // B = P⁻¹ G; Tr(A²) = Tr(B²)
    for (let r = 0; r < k; r++)
      for (let s = 0; s < k; s++) {
        let b = 0.0;
        for (let u = 0; u < k; u++) b += ld(Pinv, r * k + u) * ld(G, u * k + s);
        st(B, r * k + s, b);
      }
    let trA2 = 0.0;
    for (let r = 0; r < k; r++) for (let s = 0; s < k; s++) trA2 += ld(B, r * k + s) * ld(B, s * k + r);
    const trQ2 = trA2 + 2.0 * aq + sq2;
    let eps = (trP * trP + 2.0 * trP2) / (2.0 * fk * fk) - (trP * trQ + 2.0 * mm) / (fp * fk)
      + (trQ * trQ + 2.0 * trQ2) / (2.0 * fp * fp);
    if (d > fk) eps += (sq * sq - sq2) / (d - fk) / (fp * fp);
    return eps;
  }
  let ng = <i32>ld(params, PAR_GJ_NODES);
  if (d == 0.0) ng = 0;
  const Z = params + (<usize>offZ(k) << 3);
  const W = Z + (<usize>ng << 3);
  let ss = 0.0, st_ = 0.0, tt = 0.0;
  for (let r = 0; r < k; r++)
    for (let s = 0; s < k; s++)
      tt += ld(astar, r) * ld(astar, s) * Math.asin(clip1(ld(P, r * k + s) / Math.sqrt((1.0 + ld(P, r * k + r)) * (1.0 + ld(P, s * k + s)))));
  for (let i = 0; i < p; i++) {
    const a1 = 1.0 + ld(Qd, i);
    ss += Math.asin(clip1(ld(Qd, i) / a1));
    for (let r = 0; r < k; r++)
      st_ += ld(astar, r) * Math.asin(clip1(ld(y, i * k + r) / Math.sqrt(a1 * (1.0 + ld(P, r * k + r)))));
    const qi = ld(q, i);
    for (let j = i + 1; j < p; j++) {
      const a2 = 1.0 + ld(Qd, j);
      let aij = 0.0;
      for (let r = 0; r < k; r++) aij += ld(T, i * k + r) * ld(y, j * k + r);
      const inv = 1.0 / Math.sqrt(a1 * a2);
      let v = 0.0;
      if (ng == 0) v = Math.asin(clip1(aij * inv));
      else {
        const sqq = Math.sqrt(Math.max(qi, 0.0) * Math.max(ld(q, j), 0.0));
        for (let g = 0; g < ng; g++) v += ld(W, g) * Math.asin(clip1((aij + sqq * ld(Z, g)) * inv));
      }
      ss += 2.0 * v;
    }
  }
  return 0.5 * TWO_PI * (ss / (fp * fp) - 2.0 * st_ / (fp * fk) + tt / (fk * fk));
}
