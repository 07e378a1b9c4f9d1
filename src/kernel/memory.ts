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

export function resolveMethod(p: KernelProblem): 'eigh' | 'lanczos' {
  if (p.method !== 'auto') return p.method;
  return p.samples > 2000 ? "lanczos" : "eigh";
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
