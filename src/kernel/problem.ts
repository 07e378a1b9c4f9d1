// The kernel-flow Problem: inert, JSON-serialisable, validated before anything is allocated.
// Conventions (kernel.md §2): GF on ½-loss, time t shared between worlds (K17 uses K/n), f_0 = 0,
// reported errors are plain MSEs, test error is the excess risk unless `noisyRisk`.
import { z } from 'zod';
import { intAtLeast, nonNegative, parseOrThrow, ParameterError, positive } from '../core/validate.js';
import { DEFAULT_BUDGET_BYTES } from '../wasm/runtime.js';

export const MAX_DEGREE = 12;
export const MAX_DIM = 100_000;

const kernelTerm = z.looseObject({ type: z.string() });

export const kernelProblemSchema = z.strictObject({
  /** Built-in name ('exp', 'exp:τ', 'poly:a0,a1,..', 'relu-ntk', 'arccos0', 'arccos1') or a KernelSpec. */
  kernel: z.union([z.string(), kernelTerm, z.array(kernelTerm)]).default('exp'),
  domain: z.enum(['sphere', 'hypercube'], { error: "'sphere' or 'hypercube'" }).default('sphere'),
  dim: intAtLeast(2, MAX_DIM),
  samples: intAtLeast(1, 50_000),
  /** Degree energies c_k² for k = 0, 1, …; the target is Σ_k c_k·(unit-norm degree-k harmonic) (K27). */
  energies: z
    .array(nonNegative('finite energies ≥ 0'), { error: 'a list of finite energies ≥ 0' })
    .min(1, { error: 'at least one energy' })
    .max(MAX_DEGREE + 1, { error: `at most ${MAX_DEGREE + 1} energies (degrees 0..${MAX_DEGREE})` }),
  // σ ≤ 1e100: σ² and the sums of n squared labels stay finite (beyond, every curve would overflow).
  noiseSd: nonNegative('a finite number in [0, 1e100]')
    .refine((x) => x <= 1e100, { error: 'a finite number in [0, 1e100]' })
    .default(0),
  seeds: intAtLeast(1, 10_000).default(1),
  /** Base seed; replicate r uses stream r of this seed (xoshiro256++ seeded by SplitMix64). */
  seed: intAtLeast(0, 2 ** 32 - 1).default(0),
  tMin: positive().default(0.1),
  tMax: positive().default(1e9),
  tCount: intAtLeast(2, 100_000).default(101),
  /** Monte-Carlo test points per seed (0: exact L² test error only). */
  testPoints: intAtLeast(0, 1_000_000).default(2000),
  /** Exact L² test error by K22 (needs the M matrix: one more n×n buffer). */
  exactTest: z.boolean({ error: 'true or false' }).default(true),
  noisyRisk: z.boolean({ error: 'true or false' }).default(false),
  /** Discrete GD beside the flow: step η (GF time t = kη, K21); 'auto' = half the maximal stable step. */
  gdLr: z.union([positive(), z.literal('auto'), z.null()]).default('auto'),
  /** 'eigh': full eigendecomposition; 'lanczos': Krylov on K with start y (large n); 'auto' picks. */
  method: z.enum(['auto', 'eigh', 'lanczos'], { error: "'auto', 'eigh' or 'lanczos'" }).default('auto'),
  /** Lanczos stopping tolerance on the t = ∞ residual ‖y − K a_∞‖/‖y‖. */
  lanczosTol: positive().default(1e-10),
  /** Krylov dimension cap (memory: (cap + 1)·n·8 bytes); reaching it ends with status NotConverged. */
  lanczosMaxSteps: intAtLeast(2, 50_000).default(1500),
  eigenClip: z.enum(['clip', 'abs', 'error'], { error: "'clip', 'abs' or 'error'" }).default('clip'),
  budgetBytes: positive().default(DEFAULT_BUDGET_BYTES),
  /** Worker threads (Node); 1 runs on the main thread. */
  threads: intAtLeast(1, 64).default(1),
});

export type KernelProblemInput = z.input<typeof kernelProblemSchema>;
export type KernelProblem = z.output<typeof kernelProblemSchema>;

/** Validate and fill defaults; throws ParameterError (one line) on the first bad field. */
export function kernelProblem(input: KernelProblemInput): KernelProblem {
  const p = parseOrThrow(kernelProblemSchema, input);
  if (!(p.tMin < p.tMax)) throw new ParameterError('tMin', p.tMin, `< tMax = ${p.tMax}`);
  if (p.domain === 'hypercube' && p.dim > 2000) throw new ParameterError('dim', p.dim, 'an integer ≤ 2000 on the hypercube (Krawtchouk sums)');
  if (p.energies.every((e) => e === 0) && p.noiseSd === 0) throw new ParameterError('energies', p.energies, 'at least one positive energy or a positive noise');
  return p;
}

/** Log-spaced grid with ≥ 10 points per decade recommended (kernel.md §11.3). */
export function logspace(a: number, b: number, count: number): Float64Array {
  const out = new Float64Array(count);
  const la = Math.log10(a);
  const lb = Math.log10(b);
  for (let i = 0; i < count; i++) out[i] = 10 ** (la + ((lb - la) * i) / (count - 1));
  out[0] = a;
  out[count - 1] = b;
  return out;
}
