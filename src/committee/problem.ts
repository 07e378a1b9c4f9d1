// The committee Problem (committee.md §2, §8.1): inert JSON, validated before any allocation.
// Normalisation: student (1/p)Σ a_j σ(w_j·x/√d), teacher (1/k)Σ a*_r σ*(w*_r·x/√d) + √Δ z,
// x ~ N(0, I_d), time t = νγ/(pd); reported risk is the excess ε_g = R − Δ/2.
import { z } from 'zod';
import { RefStream } from '../numerics/rng.js';
import { intAtLeast, nonNegative, parseOrThrow, ParameterError, positive, unusedParameter } from '../core/validate.js';
import { DEFAULT_BUDGET_BYTES } from '../wasm/runtime.js';
import { minEigenvalue } from '../numerics/symeig.js';

/** Built-in activations, or 'custom': a TS function passed to solveCommittee (library only, ODE only). */
const activation = z.enum(['erf', 'linear', 'quadratic', 'relu', 'custom'], { error: "'erf', 'linear', 'quadratic', 'relu' (or 'custom' from the library)" });
const matrix = z.array(z.array(z.number({ error: 'finite numbers' })), { error: 'a matrix (array of rows)' });
const vector = z.array(z.number({ error: 'finite numbers' }), { error: 'an array of numbers' });

export const committeeInitSchema = z.strictObject({
  Q: matrix,
  M: matrix,
  P: matrix.optional(),
  a: vector.optional(),
  aStar: vector.optional(),
});

export const committeeProblemSchema = z.strictObject({
  p: intAtLeast(1, 4096),
  k: intAtLeast(1, 4096),
  activation: activation.default('erf'),
  /** σ*; defaults to the student activation. */
  teacherActivation: activation.optional(),
  /** γ, the SGD learning rate; the ODE sees only γ/p (committee.md §2.2). */
  lr: positive(),
  /** Δ, the label-noise variance. */
  // Δ ≤ 1e100: γ²Δ and the risk Δ/2 stay finite (beyond, the state overflows at the first step).
  noise: nonNegative('a finite number in [0, 1e100]')
    .refine((x) => x <= 1e100, { error: 'a finite number in [0, 1e100]' })
    .default(0),
  /** Variance term of dQ/dt (committee.md §3.1): full (I4 + noise), noise (GF + noise), none (GF). */
  variance: z.enum(['full', 'noise', 'none'], { error: "'full', 'noise' or 'none'" }).default('full'),
  trainSecondLayer: z.boolean({ error: 'true or false' }).default(false),
  /** 'full' overlaps ODE, or the large-p mean-field (M, q) ODE (committee.md §5). */
  model: z.enum(['full', 'meanfield'], { error: "'full' or 'meanfield'" }).default('full'),
  /** Input dimension d (SGD; sampling the default initial state; mean-field Ξ average). */
  dim: intAtLeast(1, 1_000_000).default(1000),
  /** Initial overlaps (Q, M, P[, a, a*]); default: those of Gaussian W0 and an orthonormal teacher at `dim`. */
  init: committeeInitSchema.optional(),
  /** A named, seeded initial state instead of `init` (see smallInit): 'small' or 'small:Q0:M0'. */
  initFamily: z.string({ error: "'small' or 'small:Q0:M0'" }).optional(),
  tMin: positive().optional(),
  tMax: positive().default(1e4),
  tCount: intAtLeast(2, 100_000).default(301),
  method: z.enum(['dopri5', 'rk4', 'euler'], { error: "'dopri5', 'rk4' or 'euler'" }).default('dopri5'),
  /** Fixed step of Euler/RK4 (the community codes use 1e-3 or 0.01). */
  dt: positive().default(1e-3),
  rtol: positive().default(1e-8),
  atol: positive().default(1e-10),
  maxSteps: intAtLeast(1, 1e10).default(100_000_000),
  seeds: intAtLeast(1, 10_000).default(1),
  seed: intAtLeast(0, 2 ** 32 - 1).default(0),
  threads: intAtLeast(1, 64).default(1),
  /** Budget on the total SGD steps (all seeds): ν = t·p·d/γ per seed (committee.md §8.5). */
  maxSgdSteps: positive().default(2e10),
  budgetBytes: positive().default(DEFAULT_BUDGET_BYTES),
});

export type CommitteeProblemInput = z.input<typeof committeeProblemSchema>;
export type CommitteeProblem = z.output<typeof committeeProblemSchema> & { tMin: number; teacherActivation: z.output<typeof activation> };

/** Smallest eigenvalue of a symmetric matrix given by rows. */
function minEigen(rows: number[][]): number {
  const n = rows.length;
  const flat = new Float64Array(n * n);
  rows.forEach((r, i) => r.forEach((v, j) => (flat[i * n + j] = v)));
  return minEigenvalue(flat, n);
}

function checkShape(name: string, m: number[][], rows: number, cols: number): void {
  if (m.length !== rows || m.some((r) => r.length !== cols))
    throw new ParameterError(`init.${name}`, `${m.length}×${m[0]?.length ?? 0}`, `a ${rows}×${cols} matrix`);
  m.forEach((r, i) =>
    r.forEach((v, j) => {
      if (!Number.isFinite(v)) throw new ParameterError(`init.${name}[${i}][${j}]`, v, 'a finite number');
    }),
  );
}

/** Validate shapes and positive semi-definiteness of the initial overlaps (tolerance 1e-10·scale). */
export function validateInit(init: z.output<typeof committeeInitSchema>, p: number, k: number, trainA: boolean): void {
  checkShape('Q', init.Q, p, p);
  checkShape('M', init.M, p, k);
  if (init.P) checkShape('P', init.P, k, k);
  const scale = Math.max(1, ...init.Q.map((r, i) => Math.abs(r[i])));
  for (let i = 0; i < p; i++)
    for (let j = 0; j < i; j++)
      if (Math.abs(init.Q[i][j] - init.Q[j][i]) > 1e-10 * scale)
        throw new ParameterError(`init.Q[${i}][${j}]`, init.Q[i][j], `a symmetric Q (Q[${j}][${i}] = ${init.Q[j][i]})`);
  const lq = minEigen(init.Q);
  if (lq < -1e-10 * scale) throw new ParameterError('init.Q', `min eigenvalue ${lq.toExponential(3)}`, 'a positive semi-definite Q');
  const P = init.P ?? Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => (i === j ? 1 : 0)));
  const omega = [...init.Q.map((r, i) => [...r, ...init.M[i]]), ...P.map((r, s) => [...init.M.map((m) => m[s]), ...r])];
  const lo = minEigen(omega);
  if (lo < -1e-10 * scale)
    throw new ParameterError('init', `min eigenvalue of Ω = [[Q, M], [Mᵀ, P]] ${lo.toExponential(3)}`, 'jointly positive semi-definite overlaps');
  if (init.a && init.a.length !== p) throw new ParameterError('init.a', `length ${init.a.length}`, `length p = ${p}`);
  if (init.aStar && init.aStar.length !== k) throw new ParameterError('init.aStar', `length ${init.aStar.length}`, `length k = ${k}`);
  // Without --train-second-layer the student's second layer is fixed at a_i = 1 (committee.md S7): an
  // init file's a that differs is refused, never silently replaced.
  if (!trainA && init.a && init.a.some((x) => x !== 1))
    throw unusedParameter('init.a', init.a, 'the second layer is fixed at a_i = 1 unless --train-second-layer is given (then a is its initial value)');
}

export function committeeProblem(input: CommitteeProblemInput): CommitteeProblem {
  const p = parseOrThrow(committeeProblemSchema, input);
  if (p.k > p.p) throw new ParameterError('k', p.k, `≤ p = ${p.p} (realisable case, committee.md §2.1)`);
  if (p.k > p.dim) throw new ParameterError('dim', p.dim, `≥ k = ${p.k} (an orthonormal teacher needs k ≤ d)`);
  if (p.p * p.dim > 2 ** 31 - 1) throw new ParameterError('dim', p.dim, `p·d < 2^31 (p = ${p.p})`);
  const tMin = p.tMin ?? Math.min(1e-2, p.tMax / 100);
  if (!(tMin < p.tMax)) throw new ParameterError('tMin', tMin, `< tMax = ${p.tMax}`);
  if (p.model === 'meanfield' && !['quadratic', 'erf'].includes(p.activation))
    throw new ParameterError('activation', p.activation, "'erf' or 'quadratic' with the mean-field model");
  // The mean-field (M, q) state has no second layer (committee.md §5): a trained a cannot be followed.
  if (p.model === 'meanfield' && p.trainSecondLayer) throw unusedParameter('train-second-layer', true, 'the mean-field model has a fixed second layer a_i = 1');
  if (p.initFamily !== undefined) {
    const fam = smallInit(p.p, p.k, parseInitFamily(p.initFamily), p.seed);
    // A resolved problem carries both (init = the family's state): accepted when they agree.
    if (p.init && JSON.stringify({ Q: p.init.Q, M: p.init.M }) !== JSON.stringify(fam))
      throw unusedParameter('init-file', 'given', 'init-family names the initial state; give one of the two');
    p.init ??= fam;
  }
  if (p.init) validateInit(p.init, p.p, p.k, p.trainSecondLayer);
  return { ...p, tMin, teacherActivation: p.teacherActivation ?? p.activation };
}

/** RNG stream of the named initial states (apart from the SGD replicates' streams). */
export const INIT_FAMILY_STREAM = 0x1f;

/** Parse 'small' or 'small:Q0:M0' (defaults Q0 = 1e-2, M0 = 1e-3). */
export function parseInitFamily(text: string): { q0: number; m0: number } {
  const parts = text.trim().split(':');
  const allowed = "'small' or 'small:Q0:M0' with Q0 > 0, M0 ≥ 0 (Q0 ≥ (p + k)·M0² keeps the overlaps valid)";
  if (parts[0] !== 'small' || (parts.length !== 1 && parts.length !== 3)) throw new ParameterError('init-family', text, allowed);
  const q0 = parts.length === 3 ? Number(parts[1]) : 1e-2;
  const m0 = parts.length === 3 ? Number(parts[2]) : 1e-3;
  if (!(q0 > 0) || !(m0 >= 0) || !Number.isFinite(q0) || !Number.isFinite(m0)) throw new ParameterError('init-family', text, allowed);
  return { q0, m0 };
}

/** The 'small' family (issue 9: controlled plateau escapes): Q = Q0·I (small student norms, no
 *  student–student overlap), M = M0·G with G a p×k standard Gaussian from (seed, INIT_FAMILY_STREAM):
 *  a tiny, seeded symmetry-breaking overlap with the teacher, so the escape time from the symmetric
 *  plateau is set by M0 (∝ log 1/M0) instead of varying ±30 % between random weight draws. */
export function smallInit(p: number, k: number, f: { q0: number; m0: number }, seed: number): { Q: number[][]; M: number[][] } {
  const g = new Float64Array(p * k);
  RefStream.fromSeed(seed, INIT_FAMILY_STREAM).fillNormal(g);
  return {
    Q: Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => (i === j ? f.q0 : 0))),
    M: Array.from({ length: p }, (_, i) => Array.from({ length: k }, (_, j) => f.m0 * g[i * k + j])),
  };
}
