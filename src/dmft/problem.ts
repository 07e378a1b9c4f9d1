// The SymmDMFT Problem (dmft.md §2.6, §5, §6, §10): inert JSON, validated before any allocation.
// Time t is the gradient-flow time of D3 (prefactor n/d included); the DMFT prefactor is K = ᾱ/m = α.
import { z } from 'zod';
import { finite, intAtLeast, nonNegative, parseOrThrow, ParameterError, positive } from '../core/validate.js';
import { DEFAULT_BUDGET_BYTES } from '../wasm/runtime.js';
import { MemoryBudgetError } from '../wasm/arena.js';
import { DMFT_WORK_ROWS } from '../gen/dmft_layout.js';

const coeffs = z.array(finite('finite numbers'), { error: 'an array of power-series coefficients c_0, c_1, …' }).min(1, { error: 'at least one coefficient' });

export const dmftProblemSchema = z.strictObject({
  /** Width m (number of hidden neurons). */
  m: intAtLeast(1, 1 << 30),
  /** α = n/(md); give α or ᾱ = n/d = α·m (not both). */
  alpha: positive().optional(),
  alphaBar: positive().optional(),
  /** Label-noise standard deviation τ. */
  tau: nonNegative(),
  /** h(q) = Σ c_k q^k (c_k ≥ 0, h(1) > 0). */
  h: coeffs,
  /** φ̂(q) = Σ b_k q^k, or 'same' (φ̂ = h, φ = σ), or 'none' (pure noise, φ̂ ≡ 0, ‖φ‖² = 0). */
  phiHat: z.union([coeffs, z.enum(['same', 'none'])], { error: "'same', 'none' or an array of coefficients" }).default('same'),
  /** ‖φ‖² = E φ(G)²; default h(1) for 'same', 0 for 'none', required for a coefficient list. */
  phiNorm2: nonNegative().optional(),
  init: z.enum(['mean-field', 'lazy'], { error: "'mean-field' or 'lazy'" }).default('mean-field'),
  /** a(0) for the mean-field init (default 1). */
  a0: finite().optional(),
  /** γ₀ for the lazy init: a(0) = γ₀√m (required with init 'lazy'). */
  gamma0: finite().optional(),
  frozenA: z.boolean({ error: 'true or false' }).default(false),
  /** false: ν ≡ 0 (the V1 linear-regression variant). */
  spherical: z.boolean({ error: 'true or false' }).default(true),
  /** Grid step η and horizon; N = ⌈tMax/η⌉ rows. With grid 'adaptive': optional, the largest step allowed.
   *  'auto' (uniform grid): chosen from the Richardson error estimate so that it is ≤ rtol (solveDmft). */
  eta: z.union([positive(), z.literal('auto')], { error: "a grid step > 0 or 'auto'" }).optional(),
  /** Uniform grid: a companion run at 2η estimates the error of the η values (first order: x(2η) − x(η) ≈ x(η) − x(0));
   *  +1/8 of the cost. Default on for the semi-implicit scheme and with eta 'auto'. */
  errorEstimate: z.boolean({ error: 'true or false' }).optional(),
  tMax: positive(),
  /** 'explicit': the reference scheme of §6 (default, the golden cases use it); 'semi-implicit': the IMEX
   *  variant of §10.3 option 2 (stable where explicit Euler blows up at large a²m). */
  scheme: z.enum(['explicit', 'semi-implicit'], { error: "'explicit' or 'semi-implicit'" }).default('explicit'),
  /** Second-order variant (§10.3 option 3): Richardson extrapolation 2·x(η/2) − x(η) of the chosen
   *  scheme on the η grid (two runs; memory of the η/2 run). Default false on the uniform grid; on the
   *  adaptive grid default true (extrapolation with the coarse replay, which runs anyway for the error estimate). */
  secondOrder: z.boolean({ error: 'true or false' }).optional(),
  /** 'uniform': the reference grid t_n = nη (default); 'adaptive': non-uniform grid with error-controlled steps
   *  (src/dmft/grid.ts, issue 11), output extrapolated to second order unless secondOrder is false. */
  grid: z.enum(['uniform', 'adaptive', 'theta'], { error: "'uniform', 'adaptive' or 'theta'" }).default('uniform'),
  /** Grid 'theta' (src/dmft/theta-grid.ts): ratio nodes θ = t′/t per accepted time (default 64). */
  thetaNodes: intAtLeast(16, 2048).optional(),
  /** Adaptive grid: relative and absolute tolerance of the local error per unit time (default 1e-3, atol = rtol). */
  rtol: positive().optional(),
  atol: positive().optional(),
  budgetBytes: positive().default(DEFAULT_BUDGET_BYTES),
  /** Uniform grid: workers for the row sweeps (Node). 2 splits each O(n²) sweep over two workers sharing the
   *  memory (assembly/dmft.ts dmft_symm_run_mt), bitwise equal to 1. */
  threads: intAtLeast(1, 2).default(1),
  /** Maximum number of output points (uniform thinning of the N+1 grid points; the last point is kept). */
  maxPoints: intAtLeast(2, 10_000_000).default(2000),
});

export type DmftProblemInput = z.input<typeof dmftProblemSchema>;
export type DmftProblem = Omit<z.output<typeof dmftProblemSchema>, 'phiHat' | 'alpha' | 'alphaBar' | 'a0' | 'eta' | 'secondOrder' | 'errorEstimate'> & {
  secondOrder: boolean;
  /** Uniform grid: run the 2η companion for stats.errorEstimate. */
  errorEstimate: boolean;
  /** Uniform grid, eta 'auto': eta/steps are the pilot's; solveDmft picks the grid from rtol. */
  etaAuto: boolean;
  /** Uniform: the grid step; adaptive: the step cap (tMax when not given). */
  eta: number;
  alpha: number;
  alphaBar: number;
  phiHat: number[] | 'same' | 'none';
  phiNorm2: number;
  a0: number;
  /** Number of steps N and the stride S of the square arrays. */
  steps: number;
};

/** Σ c_k x^k, its first two derivatives (Horner). */
export function series(c: ArrayLike<number>, x: number): [number, number, number] {
  let p = 0,
    d1 = 0,
    d2 = 0;
  for (let k = c.length - 1; k >= 0; k--) {
    d2 = d2 * x + d1;
    d1 = d1 * x + p;
    p = p * x + c[k];
  }
  return [p, d1, 2 * d2];
}

/** The φ̂ coefficients of a problem (empty for pure noise). */
export function phiCoeffs(p: Pick<DmftProblem, 'h' | 'phiHat'>): number[] {
  return p.phiHat === 'same' ? p.h : p.phiHat === 'none' ? [] : p.phiHat;
}

function checkSeries(name: string, c: number[], nonneg: boolean): void {
  if (nonneg)
    c.forEach((x, k) => {
      if (x < 0) throw new ParameterError(`${name}[${k}]`, x, 'c_k ≥ 0 (h(q) = Σ s_k² q^k is a positive-definite kernel)');
    });
  let s0 = 0,
    s2 = 0;
  c.forEach((x, k) => {
    s0 += Math.abs(x);
    s2 += k * k * Math.abs(x);
  });
  if (!Number.isFinite(s0) || !Number.isFinite(s2))
    throw new ParameterError(name, c, 'a power series converging at q = 1 with its first two derivatives (Σ k²|c_k| finite)');
}

/** eta 'auto': rows of the pilot run (cheap: cost ∝ N³). */
export const AUTO_PILOT_STEPS = 128;

/** Rows of the two-time arrays for N steps (N+2: the last step writes row N+1; even for f64x2). */
export const strideFor = (N: number): number => (N + 2 + 1) & ~1;

/** Bytes of the Wasm state for N steps: six lower-triangular f64 arrays (C_d, C_o, C_A, R_d, R_o, R_A:
 *  6·N²/2·8 = 24N² bytes), DMFT_WORK_ROWS work rows, 6 time series, parameter block and coefficients. */
export function dmftMemoryBytes(N: number, nCoef = 16): number {
  const S = strideFor(N);
  return 8 * (6 * ((S * (S + 1)) / 2) + DMFT_WORK_ROWS * S + 6 * S + 64 + 2 * nCoef) + 64 * 32;
}

export function dmftProblem(input: DmftProblemInput): DmftProblem {
  const p = parseOrThrow(dmftProblemSchema, input);
  if (p.alpha === undefined && p.alphaBar === undefined) throw new ParameterError('alpha', undefined, 'α = n/(md) > 0 (or alphaBar = ᾱ = αm)');
  if (p.alpha !== undefined && p.alphaBar !== undefined && Math.abs(p.alpha * p.m - p.alphaBar) > 1e-12 * p.alphaBar)
    throw new ParameterError('alphaBar', p.alphaBar, `α·m = ${p.alpha * p.m} (give α or ᾱ, not both)`);
  const alpha = p.alpha ?? p.alphaBar! / p.m;
  const alphaBar = alpha * p.m;
  checkSeries('h', p.h, true);
  const h1 = series(p.h, 1)[0];
  if (!(h1 > 0)) throw new ParameterError('h', p.h, 'coefficients with h(1) = Σ c_k > 0');
  if (Array.isArray(p.phiHat)) checkSeries('phiHat', p.phiHat, false);
  let phiNorm2: number;
  if (p.phiNorm2 !== undefined) phiNorm2 = p.phiNorm2;
  else if (p.phiHat === 'same') phiNorm2 = h1;
  else if (p.phiHat === 'none') phiNorm2 = 0;
  else throw new ParameterError('phiNorm2', undefined, '‖φ‖² = E φ(G)² ≥ 0 (required when phiHat is a coefficient list)');
  let a0: number;
  if (p.init === 'lazy') {
    if (p.gamma0 === undefined) throw new ParameterError('gamma0', undefined, 'γ₀ with init lazy (a(0) = γ₀√m)');
    if (p.a0 !== undefined && Math.abs(p.a0 - p.gamma0 * Math.sqrt(p.m)) > 1e-12 * Math.abs(p.a0))
      throw new ParameterError('a0', p.a0, `γ₀√m = ${p.gamma0 * Math.sqrt(p.m)} with init lazy (or leave a0 out)`);
    a0 = p.gamma0 * Math.sqrt(p.m);
  } else {
    a0 = p.a0 ?? (p.gamma0 !== undefined ? p.gamma0 * Math.sqrt(p.m) : 1);
  }
  if (p.rtol !== undefined && !(p.rtol < 1)) throw new ParameterError('rtol', p.rtol, 'a tolerance in (0, 1)');
  if (p.grid === 'adaptive' || p.grid === 'theta') {
    if (p.eta === 'auto')
      throw new ParameterError('eta', p.eta, "a step cap > 0 (eta 'auto' is for the uniform grid; the adaptive and θ grids choose their steps)");
    if (p.errorEstimate !== undefined)
      throw new ParameterError('errorEstimate', p.errorEstimate, 'only with grid uniform (the adaptive and θ grids always estimate)');
    const { alpha: _a, alphaBar: _ab, errorEstimate: _e, ...rest } = p;
    // eta: the step cap (none by default); steps: unknown before the run (0).
    return {
      ...rest,
      secondOrder: p.secondOrder ?? true,
      errorEstimate: true,
      etaAuto: false,
      eta: p.eta ?? p.tMax,
      rtol: p.rtol ?? 1e-3,
      atol: p.atol ?? p.rtol ?? 1e-3,
      alpha,
      alphaBar,
      phiNorm2,
      a0,
      steps: 0,
    };
  }
  if (p.eta === undefined) throw new ParameterError('eta', undefined, "the grid step η > 0 or 'auto' (or grid adaptive)");
  const etaAuto = p.eta === 'auto';
  if (p.atol !== undefined) throw new ParameterError('atol', p.atol, 'only with grid adaptive');
  if (p.rtol !== undefined && !etaAuto) throw new ParameterError('rtol', p.rtol, "only with grid adaptive or eta 'auto'");
  if (etaAuto && p.secondOrder) throw new ParameterError('secondOrder', true, "false with eta 'auto' (it picks η for the first-order scheme)");
  if (etaAuto && p.errorEstimate === false) throw new ParameterError('errorEstimate', false, "true with eta 'auto' (η is chosen from it)");
  // eta 'auto': the pilot grid (AUTO_PILOT_STEPS rows); solveDmft refines it.
  const eta = etaAuto ? p.tMax / AUTO_PILOT_STEPS : (p.eta as number);
  const ratio = p.tMax / eta;
  if (!(ratio <= 1e6)) throw new ParameterError('tMax', p.tMax, `tMax/η ≤ 1e6 steps (η = ${p.eta} gives ${ratio.toExponential(3)})`);
  const steps = Math.max(1, Math.ceil(ratio - 1e-9));
  const bytes = dmftMemoryBytes(p.secondOrder ? 2 * steps : steps, p.h.length + phiCoeffs({ h: p.h, phiHat: p.phiHat }).length);
  if (bytes > p.budgetBytes) {
    const e = new MemoryBudgetError(bytes, p.budgetBytes);
    e.message = `memory estimate ${(bytes / 1024 ** 3).toFixed(3)} GiB (${bytes} bytes) for N = ${steps} steps (tMax/eta = ${p.tMax}/${eta}) exceeds the budget ${(p.budgetBytes / 1024 ** 3).toFixed(3)} GiB (${p.budgetBytes} bytes); raise --budget-bytes or eta, or lower t-max`;
    throw e;
  }
  const { alpha: _a, alphaBar: _ab, ...rest } = p;
  return {
    ...rest,
    ...(etaAuto ? { rtol: p.rtol ?? 1e-3 } : {}),
    secondOrder: p.secondOrder ?? false,
    errorEstimate: p.errorEstimate ?? (etaAuto || p.scheme === 'semi-implicit'),
    etaAuto,
    eta,
    alpha,
    alphaBar,
    phiNorm2,
    a0,
    steps,
  };
}
