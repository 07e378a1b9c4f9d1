// Explorer defaults and presets. Defaults: the parameters of `npm run demo` (src/cli/demo.ts
// DEMO_KERNEL, DEMO_COMMITTEE; test/explorer/params.test.ts checks they agree); the DMFT tab, which
// the demo does not run, keeps the descriptor's widget defaults. Presets: the parameter sets of the
// reproductions (src/reproduce/*), at a size the page computes in seconds where the reproduction's
// own size would take minutes — each preset's note says what differs.
import type { Engine } from './params.js';

const third = String(1 / 3);

/** Field texts that replace the descriptors' widget defaults (= `npm run demo`). */
export const DEMO_DEFAULTS: Record<Engine, Record<string, string>> = {
  kernel: {
    kernel: 'exp',
    dim: '100',
    samples: '1000',
    energies: `0, ${third}, ${third}, ${third}`,
    noiseSd: '0.5',
    seeds: '3',
    tMin: '1',
    tMax: '1e7',
    tCount: '71',
  },
  committee: { p: '4', k: '4', activation: 'erf', lr: '1', noise: '0.001', dim: '250', seeds: '4', tMax: '1000', tCount: '61' },
  dmft: {},
};

export interface Preset {
  id: string;
  label: string;
  /** What the preset is and how it differs from the reproduction. */
  note: string;
  /** Field texts (the others take their defaults). */
  values: Record<string, string>;
}

const H_CUBIC = `0, 0.9, 0, ${1 / 6}`;

export const PRESETS: Record<Engine, Preset[]> = {
  kernel: [
    {
      id: 'kernel-three-stages-large',
      label: 'kernel-three-stages-large (d = 400, n = 8000)',
      note: 'Ghosh–Mei–Yu three stages at large d (reproduce kernel-three-stages-large): the reproduction’s d, n, σ and time range. The theory updates in seconds; the simulation (1 seed, exact test error) takes minutes at n = 8000 — the reproduction runs 2 seeds with Lanczos.',
      values: { dim: '400', samples: '8000', noiseSd: '0.5', tMin: '0.1', tMax: '1e9', tCount: '41', seeds: '1' },
    },
    {
      id: 'kernel-oracle-staircase',
      label: 'kernel-oracle-staircase (d = 1000)',
      note: 'The oracle staircase (reproduce kernel-oracle-staircase) at its largest d = 1000 on t ∈ [0.1, 10¹¹]; the reproduction overlays d = 50…1000 — the Sweep tab’s “oracle staircase” preset draws that family.',
      values: { dim: '1000', samples: '1000', tMin: '0.1', tMax: '1e11', tCount: '81', seeds: '1' },
    },
    {
      id: 'kernel-degree-split',
      label: 'kernel-degree-split (d = 100, n = 1000)',
      note: 'The setting of reproduce kernel-degree-split (d = 100, n = 1000, σ = 0.5, t ≤ 10⁸), 2 seeds instead of 5. The split of the test error by degree is drawn by the reproduction only; here the total.',
      values: { dim: '100', samples: '1000', noiseSd: '0.5', tMin: '0.1', tMax: '1e8', tCount: '81', seeds: '2' },
    },
  ],
  committee: [
    {
      id: 'committee-fig2-left',
      label: 'committee-fig2-left (p = 10, k = 2, d = 3)',
      note: 'Arnaboldi et al. Fig. 2 left’s run (reproduce committee-fig2-left): erf, p = 10, k = 2, γ = 0.05, Δ = 10⁻³, d = 3, variance “noise”, one SGD run to t = 10⁴ (6·10⁶ steps: about a minute here). The trajectories in the teacher plane are drawn by the reproduction only.',
      values: {
        p: '10',
        k: '2',
        activation: 'erf',
        lr: '0.05',
        noise: '0.001',
        dim: '3',
        variance: 'noise',
        seeds: '1',
        seed: '0',
        tMin: '0.05',
        tMax: '1e4',
        tCount: '41',
      },
    },
    {
      id: 'committee-fig3-right',
      label: 'committee-fig3-right (mean field, p = d = 100)',
      note: 'Fig. 3 right (reproduce committee-fig3-right): σ = x², k = 5, γ = 10, Δ = 0, the (M, q) mean-field ODE, at the quick variant’s p = d = 100 (the paper: d = 1000, p up to 2000).',
      values: {
        p: '100',
        k: '5',
        activation: 'quadratic',
        lr: '10',
        noise: '0',
        model: 'meanfield',
        variance: 'none',
        dim: '100',
        seeds: '1',
        seed: '0',
        tMin: '0.1',
        tMax: '100',
        tCount: '25',
      },
    },
    {
      id: 'committee-phase-diagram',
      label: 'committee-phase-diagram (one point: γ/p = 0.05, Δ = 10⁻²)',
      note: 'One point of the phase diagram’s noise-floor line (reproduce committee-phase-diagram): erf, p = k = 2, Δ = 10⁻², d = 1000, γ/p = 0.05. The diagram itself is a sweep: the Sweep tab’s “phase diagram” preset.',
      values: { p: '2', k: '2', activation: 'erf', lr: '0.1', noise: '0.01', dim: '1000', variance: 'full', seeds: '2', tMin: '1', tMax: '3000', tCount: '20' },
    },
  ],
  dmft: [
    {
      id: 'dmft-fig1',
      label: 'dmft-fig1 (mean-field, m = 8, t ≤ 5m)',
      note: 'Montanari–Urbani Fig. 1’s Θ(1)/Θ(m) panels (reproduce dmft-fig1): mean-field init, h = φ̂ = 0.9z + z³/6, α = 0.3, τ = 0.3, a₀ = 1, semi-implicit, η = 0.125 — at m = 8 to t = 40 (the reproduction: m = 16–64 to t = 15m; its t = O(1/m) panel uses the lazy init).',
      values: { m: '8', alpha: '0.3', tau: '0.3', h: H_CUBIC, phiHat: 'same', init: 'mean-field', a0: '1', scheme: 'semi-implicit', eta: '0.125', tMax: '40' },
    },
  ],
};

export interface SweepPreset {
  id: string;
  label: string;
  note: string;
  spec: Record<string, unknown>;
  /** Summary scalar the figures show first. */
  scalar?: string;
}

export const SWEEP_PRESETS: SweepPreset[] = [
  {
    id: 'committee-phase-diagram',
    label: 'phase diagram: committee ODE over (γ, Δ)',
    note: 'The final excess risk over a (γ, Δ) grid, erf, p = k = 2, d = 1000 (the setting of reproduce committee-phase-diagram’s noise-floor line) — 4 × 3 cells, explorer size; the reproduction classifies regimes on a (κ, δ) grid at d = 10⁶.',
    spec: {
      command: 'committee ode',
      base: { p: 2, k: 2, activation: 'erf', dim: 1000, tMin: 1, tMax: 3000, tCount: 20 },
      grid: { lr: [0.1, 0.2, 0.5, 1], noise: [0.001, 0.01, 0.1] },
    },
    scalar: 'riskFinal',
  },
  {
    id: 'kernel-oracle-staircase',
    label: 'oracle staircase: kernel theory over d',
    note: 'The oracle error against t for d = 50, 100, 200, 400, 1000 (reproduce kernel-oracle-staircase), theory only, 41 times on t ∈ [0.1, 10¹¹].',
    spec: {
      command: 'kernel theory',
      base: { kernel: 'exp', samples: 1000, energies: [0, 1 / 3, 1 / 3, 1 / 3], noiseSd: 0.5, tMin: 0.1, tMax: 1e11, tCount: 41 },
      grid: { dim: [50, 100, 200, 400, 1000] },
    },
  },
  {
    id: 'kernel-learning-curve',
    label: 'learning curve: kernel theory over n',
    note: 'Theory test error against the sample size n at d = 100 (examples/sweeps/kernel-learning-curve.json, theory only).',
    spec: {
      command: 'kernel theory',
      base: { kernel: 'exp', dim: 100, energies: [0, 1 / 3, 1 / 3, 1 / 3], noiseSd: 0.5, tMin: 0.1, tMax: 1e7, tCount: 41 },
      grid: { samples: [250, 500, 1000, 2000, 4000] },
    },
  },
];
