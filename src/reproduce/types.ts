// `learndyn reproduce <id>`: one entry per figure the specs list as reproducible. An entry computes
// its curves (quick: < 1 min on 2 cores; full: the spec's parameters), returns a FigureDesc, the
// arrays behind it, and one Check per closed form or value quoted in the spec.
import type { FigureDesc } from '../plot/figure.js';
import type { NdArray, NpyTypedArray } from '../io/npy.js';
import type { WasmRecord } from '../io/manifest.js';

export interface Check {
  /** What is compared, e.g. "Saad–Solla plateau height ε*" */
  name: string;
  /** Obtained value. */
  value: number;
  /** Expected value (closed form or the value quoted in the spec). */
  expected: number;
  /** Pass when |value − expected| ≤ tol (absolute), or relTol·|expected| when relTol is given. */
  tol?: number;
  relTol?: number;
  /** Where the expected value comes from (spec section / equation). */
  source: string;
}

export interface ReproduceContext {
  quick: boolean;
  /** Fraction in [0, 1] and a short phase label. */
  progress: (fraction: number, phase?: string) => void;
  /** Cancellation (browser); entries check it between phases. */
  signal?: AbortSignal;
}

export interface ReproduceResult {
  figure: FigureDesc;
  /** Arrays written as .npy / arrays.npz; 1-d columns of equal length also go to curves.csv. */
  arrays: Record<string, NpyTypedArray | NdArray>;
  /** Names of the 1-d arrays that form curves.csv (same length each). */
  csv?: string[];
  checks: Check[];
  /** Parameters actually used (manifest "problem"). */
  parameters: Record<string, unknown>;
  /** Seed of the simulations (null when the entry is theory only). */
  seed?: number | null;
  /** Wasm variant that ran (a solution's stats.wasm); defaults to the release build's record. */
  wasm?: WasmRecord;
  /** Free-text notes printed after the checks (e.g. which values are "likely" per the spec). */
  notes?: string[];
}

export interface ReproduceEntry {
  id: string;
  engine: 'kernel' | 'committee' | 'dmft';
  title: string;
  /** Spec reference, e.g. "committee.md §10, thesis plateau figure". */
  source: string;
  /** Expected wall time of the full run on 2 cores, stated up front. */
  fullTime: string;
  run: (ctx: ReproduceContext) => Promise<ReproduceResult>;
}

export function checkPasses(c: Check): boolean {
  if (!Number.isFinite(c.value)) return false;
  const tol = c.relTol !== undefined ? c.relTol * Math.abs(c.expected) : (c.tol ?? 0);
  return Math.abs(c.value - c.expected) <= tol;
}
