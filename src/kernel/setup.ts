// Everything a run derives from its Problem before touching Wasm memory: the kernel, its
// spectrum, the concrete target, the theory curves (T1, T3, T4), the stage boundaries and report.
// Theory and simulation read the same object, so they cannot disagree on a convention.
import { ParameterError } from '../core/validate.js';
import type { WasmRuntime } from '../wasm/runtime.js';
import { KernelSpecError, kernelMapTerms, parseKernel, toKernelSpec, type KernelSpec, type KernelMapTerm } from './kernels.js';
import { krawtchouk, spectrum as computeSpectrum, truncatedSpectrum, type Spectrum } from './spectrum.js';
import { evalTargetTermUnit, targetTermsFromEnergies, type TargetTerm } from './targets.js';
import { blockApproximation, eigenlearning, oracleRisk, stageBoundaries, stageReport } from './theory.js';
import { logspace, MAX_DEGREE, MAX_DIM, type KernelProblem } from './problem.js';

export type WasmTerm = KernelMapTerm;

export interface KernelSetup {
  kernel: KernelSpec;
  spectrum: Spectrum;
  kernelTerms: WasmTerm[];
  target: TargetTerm[];
  targetNorm2: number;
  times: Float64Array;
  /** f_d(x) and (H f_d)(x) = Σ_k ξ_k (P_k f_d)(x) at `rows` rows of X (K22's b). */
  targetAt(X: Float64Array, rows: number): { value: Float64Array; smoothed: Float64Array };
  /** Sphere: m(s) = Σ_k ξ_k² B_k P_k(s) (K22's M) as one Wasm Gegenbauer-series map term. */
  mTerm?: WasmTerm;
  /** Hypercube: map similarities in place to m(s) through the Krawtchouk table. */
  mapM(rt: WasmRuntime, ptr: number, count: number): void;
  theory: {
    oracle: number[];
    oracleInfinity: number;
    blockTrain: number[];
    blockTest: number[];
    eigenlearningTrain: number[];
    eigenlearningTest: number[];
  };
  stages: { ell: number; t1: number; t2: number; kappa: number; alpha: number; warnings: string[] };
  spectrumSummary: { degrees: number[]; eigenvalues: number[]; multiplicities: number[] };
  report: string;
}

export function resolveKernel(kernel: unknown): KernelSpec {
  try {
    if (typeof kernel === 'string') return parseKernel(kernel);
    return toKernelSpec(kernel as KernelSpec);
  } catch (e) {
    if (e instanceof KernelSpecError)
      throw new ParameterError(
        'kernel',
        kernel,
        `exp | exp:TAU | poly:a0,a1,.. | relu-ntk | arccos0 | arccos1 | taylor:a0,a1,.. | gegenbauer:D:c0,c1,.. | two-kernels-A|B|C | sums W*TERM+TERM | a KernelSpec (${e.message})`,
      );
    throw e;
  }
}

/** Spectrum covering the truncation rule of §11.7 and every degree the target uses. */
function runSpectrum(kernel: KernelSpec, p: { dim: number; domain: 'sphere' | 'hypercube' }, needDegree: number): Spectrum {
  const sp = truncatedSpectrum(kernel, p.dim, { domain: p.domain });
  const need = p.domain === 'hypercube' ? Math.min(needDegree, p.dim) : needDegree;
  return sp.truncationDegree >= need ? sp : computeSpectrum(kernel, { dim: p.dim, maxDegree: need, domain: p.domain });
}

export function buildSetup(p: KernelProblem): KernelSetup {
  const kernel = resolveKernel(p.kernel);
  const K = p.energies.length - 1;
  if (p.domain === 'hypercube' && K > p.dim) throw new ParameterError('energies', p.energies, `at most d + 1 = ${p.dim + 1} degrees on the hypercube`);
  const sp = runSpectrum(kernel, p, K);
  const bad = sp.eigenvalues.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) throw new ParameterError('kernel', p.kernel, `a kernel with a finite spectrum (ξ_${bad} = ${sp.eigenvalues[bad]})`);
  // Gradient flow needs a positive semi-definite kernel: every ξ_k ≥ 0 (rounding aside).
  const neg = sp.eigenvalues.findIndex((x) => x < -1e-13 * Math.abs(sp.h1));
  if (neg >= 0) throw new ParameterError('kernel', p.kernel, `a positive semi-definite kernel (its ξ_${neg} = ${sp.eigenvalues[neg].toExponential(3)} < 0)`);
  const target: TargetTerm[] = targetTermsFromEnergies(p.energies, p.dim, { domain: p.domain });
  const targetNorm2 = p.energies.reduce((s, x) => s + x, 0);
  const times = logspace(p.tMin, p.tMax, p.tCount);
  const d = p.dim;
  const xi = sp.eigenvalues;

  const targetAt = (X: Float64Array, rows: number) => {
    const value = new Float64Array(rows);
    const smoothed = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      let v = 0;
      let s = 0;
      for (const term of target) {
        const part = term.coef * evalTargetTermUnit(term, X, d, i * d);
        v += part;
        s += xi[term.degree] * part;
      }
      value[i] = v;
      smoothed[i] = s;
    }
    return { value, smoothed };
  };

  // m(s) = Σ_k ξ_k² B_k P_k(s): coefficients ξ_k·(ξ_k B_k) avoid overflowing B_k.
  const mCoef = sp.eigenvalues.map((x, k) => x * sp.mass[k]);
  const mTerm: WasmTerm | undefined = p.domain === 'sphere' ? { kind: 5, p0: d, coef: mCoef, weight: 1 } : undefined;
  const mapM = (rt: WasmRuntime, ptr: number, count: number) => {
    // Hypercube: Σ_{|S|=k} χ_S(x)χ_S(x') = K_k(m) at Hamming distance m = d(1 − s)/2.
    const table = new Float64Array(d + 1);
    for (let m = 0; m <= d; m++) {
      let acc = 0;
      for (let k = 0; k <= sp.truncationDegree; k++) acc += xi[k] * xi[k] * krawtchouk(d, k, m);
      table[m] = acc;
    }
    const v = rt.arena.f64(ptr, count);
    for (let i = 0; i < count; i++) v[i] = table[Math.round((d * (1 - v[i])) / 2)];
  };

  const sigma2 = p.noiseSd ** 2;
  const tArr = Array.from(times);
  const oracle = oracleRisk(sp, p.energies, tArr);
  let oracleInfinity = 0;
  p.energies.forEach((c, k) => {
    if (!(xi[k] > 0)) oracleInfinity += c;
  });
  const block = blockApproximation(sp, p.energies, tArr, { n: p.samples, noiseVar: sigma2 });
  const el = eigenlearning(sp, p.energies, tArr, { n: p.samples, noiseVar: sigma2 });
  const b = stageBoundaries(sp, p.samples);
  return {
    kernel,
    spectrum: sp,
    kernelTerms: kernelMapTerms(kernel),
    target,
    targetNorm2,
    times,
    targetAt,
    mTerm,
    mapM,
    theory: {
      oracle,
      oracleInfinity,
      blockTrain: block.train,
      blockTest: block.test,
      eigenlearningTrain: el.trainMse,
      eigenlearningTest: el.excess,
    },
    stages: { ell: b.ell, t1: b.t1, t2: b.t2, kappa: b.kappa, alpha: b.alpha, warnings: b.warnings },
    spectrumSummary: { degrees: sp.degrees, eigenvalues: sp.eigenvalues, multiplicities: sp.multiplicities },
    report: stageReport(sp, p.energies, { n: p.samples, noiseVar: sigma2 }),
  };
}

/** `learndyn kernel spectrum`: validated parameters → the table (contract: degrees, eigenvalues, multiplicities). */
export function spectrumTable(params: Record<string, unknown>) {
  const { kernel, dim, maxDegree } = params;
  const domain = params.domain ?? 'sphere';
  if (domain !== 'sphere' && domain !== 'hypercube') throw new ParameterError('domain', domain, "'sphere' or 'hypercube'");
  if (!(typeof dim === 'number' && Number.isInteger(dim) && dim >= 2 && dim <= MAX_DIM)) throw new ParameterError('dim', dim, `an integer in [2, ${MAX_DIM}]`);
  const cap = 40;
  if (!(typeof maxDegree === 'number' && Number.isInteger(maxDegree) && maxDegree >= 0 && maxDegree <= cap))
    throw new ParameterError('max-degree', maxDegree, `an integer in [0, ${cap}] (runs use degrees ≤ ${MAX_DEGREE})`);
  const spec = resolveKernel(kernel);
  const sp = computeSpectrum(spec, { dim, maxDegree, domain });
  return {
    kernel: spec,
    domain,
    dim,
    degrees: sp.degrees,
    eigenvalues: sp.eigenvalues,
    multiplicities: sp.multiplicities,
    logMultiplicities: sp.logMultiplicities,
    mass: sp.mass,
    h1: sp.h1,
    tailMass: sp.tailMass,
    notes: sp.notes,
  };
}
