// Memory estimate of an Empirical World run, checked against the budget before any allocation.
import type { KernelProblem } from './problem.js';
import { GEMM_WS_F64, eighDcParallelWorkF64, eighParallelWorkF64 } from '../linalg/index.js';

export const MC_CHUNK = 256;
/** Gram strips run concurrently, each with its own GEMM workspace inside the eigensolver workspace. */
export const GRAM_PARTS = 2;
/** Eigensolver/Lanczos workspace (f64): the 2-worker eigh, Lanczos (n + cap ≤ 2n), the Gram's GEMM
 *  workspaces. */
export const EIGH_WORK = (n: number, solver: EighSolver = 'ql') =>
  Math.max(8 * n, eighParallelWorkF64(n, 2), GRAM_PARTS * GEMM_WS_F64, solver === 'dc' ? eighDcParallelWorkF64(n) : 0) + 64;

/** Dense eigensolver of the 'eigh' method: divide and conquer ('dc', ≈ 2n² f64 of scratch) when the
 *  budget allows it for every concurrent replicate, else implicit QL after the blocked reduction. */
export type EighSolver = 'dc' | 'ql';
export function eighSolver(p: KernelProblem): EighSolver {
  if (resolveMethod(p) !== 'eigh') return 'ql';
  return replicateBytes(p, 'eigh', 'dc') * concurrency(p) + (1 << 20) <= p.budgetBytes ? 'dc' : 'ql';
}

export interface MemoryEstimate {
  bytes: number;
  perReplicate: number;
  concurrent: number;
  lanczosSteps: number;
}

/** Columns of the filter/coefficients block: T times + t = ∞, doubled when GD is on. */
export function filterColumns(p: KernelProblem): number {
  return (p.tCount + 1) * (p.gdLr === null ? 1 : 2);
}

// `--method auto` cost model (issue 12): seconds on one core of the reference machine, measured
// side by side (bench/eigh.bench.ts; .scratch timing of eigh_dc_f64 and lanczos_f64 in one run):
// eigh with vectors (blocked reduction + divide and conquer + back-transformation) ≈ EIGH_N3·n³;
// one Lanczos step (K·q, n² entries, plus two classical Gram–Schmidt passes over j basis vectors,
// 4jn entries) ≈ LZ_ENTRY per matrix entry touched — both memory/flop rates of the same core, so
// only their ratio matters. The kernel pipeline's other phases (data, Gram, maps, filters) are the
// same for both methods and increase with n, so picking the cheaper of two increasing costs keeps
// `kernel run` time monotone in n up to the error of the step estimate at the switch (small there).
const EIGH_N3 = 1.15e-9;
const LZ_ENTRY = 1.0e-9;
/** Expected Krylov steps to the t = ∞ tolerance: kernel runs at d = 400 stop after ≈ 64 steps at
 *  n = 2000; 200 leaves a margin for slower spectra (capped by lanczosMaxSteps and n). */
export const LZ_EXPECTED_STEPS = 200;
/** Two workers speed the divide-and-conquer eigh by ≈ 1.6 (one replicate at a time); the Lanczos
 *  steps run on one worker. */
const EIGH_SPLIT_GAIN = 1.6;

/** Predicted spectral-phase seconds of each method (see the constants above). */
export function methodCosts(p: KernelProblem): { eigh: number; lanczos: number } {
  const n = p.samples;
  const m = Math.min(n, p.lanczosMaxSteps, LZ_EXPECTED_STEPS);
  const split = p.threads > 1 && Math.min(p.seeds, p.threads) === 1 ? EIGH_SPLIT_GAIN : 1;
  return { eigh: (EIGH_N3 * n ** 3) / split, lanczos: LZ_ENTRY * m * (n * n + 2 * m * n) };
}

export function resolveMethod(p: KernelProblem): 'eigh' | 'lanczos' {
  if (p.method !== 'auto') return p.method;
  const c = methodCosts(p);
  return c.eigh <= c.lanczos ? 'eigh' : 'lanczos';
}

/** Maximum Krylov dimension the Lanczos path may use. */
export function lanczosCap(p: KernelProblem): number {
  return Math.min(p.samples, p.lanczosMaxSteps);
}

export function concurrency(p: KernelProblem): number {
  return Math.max(1, Math.min(p.seeds, p.threads));
}

export function estimateMemory(p: KernelProblem): MemoryEstimate {
  const method = resolveMethod(p);
  const per = replicateBytes(p, method, eighSolver(p));
  const c = concurrency(p);
  return { bytes: per * c + (1 << 20), perReplicate: per, concurrent: c, lanczosSteps: method === 'lanczos' ? lanczosCap(p) : 0 };
}

function replicateBytes(p: KernelProblem, method: 'eigh' | 'lanczos', solver: EighSolver): number {
  const n = p.samples;
  const d = p.dim;
  const C = filterColumns(p);
  const f8 = 8;
  const m = method === 'lanczos' ? lanczosCap(p) : 0;
  let per = 0;
  per += n * d * f8; // X
  per += 4 * n * f8 + 4096; // y, noise, b, coefficients of y; kernel-map coefficients
  per += 2 * n * n * f8; // K (eigenvectors in place) and G → M
  per += 2 * n * C * f8; // filters and coefficient block A (reused for M·A)
  per += EIGH_WORK(n, solver) * f8; // eigensolver workspace
  if (method === 'lanczos') per += (m + 1) * n * f8 + m * m * f8 + 7 * m * f8 + 2 * n * f8; // Krylov basis, small eigvecs, scratch
  if (p.testPoints > 0) {
    const ct = Math.min(MC_CHUNK, p.testPoints);
    per += ct * d * f8 + 2 * ct * n * f8 + ct * C * f8;
  }
  return per;
}
