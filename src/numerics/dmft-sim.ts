// Host-side preparation of the Gaussian-process model's tensors (dmft.md §11.2, D39), used by the
// simulation driver (src/dmft/simulate.ts) and the TS twin (src/ref/dmft_sim.ts).

/** Replace each sample's d×d matrix J2_μ by (J2_μ + J2_μᵀ)/2, in place. f^g sees J2 only through
 *  ⟨J, w⊗w⟩ = wᵀJw (D39), which the antisymmetric part does not change, so the model, its labels
 *  and the GD dynamics are the same; the kernels then need one pass over J for ∇_w (2Jw). */
export function symmetrizeJ2(J2: Float64Array, n: number, d: number): void {
  for (let mu = 0; mu < n; mu++) {
    const o = mu * d * d;
    for (let x = 0; x < d; x++)
      for (let z = x + 1; z < d; z++) {
        const v = 0.5 * (J2[o + x * d + z] + J2[o + z * d + x]);
        J2[o + x * d + z] = v;
        J2[o + z * d + x] = v;
      }
  }
}
