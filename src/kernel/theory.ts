/**
 * Oracle World and theory curves (kernel.md §5, §7, §8: T1–T4).
 *
 * Conventions (§2): GF on ½-risk; reported errors are plain MSEs; test errors are excess
 * unless `noisy`; train errors always include the noise σ².
 * Energies c_k² = ‖P_k f_d‖² are given for degrees 0..K; degrees beyond the list are 0.
 */
import { type Domain, type Spectrum, spectrum as computeSpectrum, truncatedSpectrum, kappaAbove, multiplicity } from './spectrum.js';
import { type KernelLike, polynomialDegree } from './kernels.js';
import { binomial } from './special.js';

/** A computed spectrum, or a kernel + dimension from which one is computed (§11.7 truncation). */
export type SpectrumSource = Spectrum | { kernel: KernelLike; dim: number; domain?: Domain };

function isSpectrum(s: SpectrumSource): s is Spectrum {
  return (s as Spectrum).eigenvalues !== undefined;
}

/** Returns a spectrum covering at least degrees 0..needK (recomputed from its kernel if needed). */
export function resolveSpectrum(src: SpectrumSource, needK = 0): Spectrum {
  let sp: Spectrum;
  if (isSpectrum(src)) sp = src;
  else sp = truncatedSpectrum(src.kernel, src.dim, { domain: src.domain ?? 'sphere' });
  if (sp.domain === 'hypercube' && needK > sp.dim)
    throw new RangeError(`degree ${needK} > d = ${sp.dim} does not exist on the hypercube (energies must have at most d + 1 entries)`);
  const maxK = needK;
  if (sp.truncationDegree < maxK) {
    if (!sp.kernel) throw new RangeError(`spectrum covers degrees ≤ ${sp.truncationDegree} but degree ${maxK} is needed`);
    sp = computeSpectrum(sp.kernel, { dim: sp.dim, maxDegree: maxK, domain: sp.domain });
  }
  return sp;
}

function checkEnergies(energies: readonly number[]): void {
  energies.forEach((e, k) => {
    if (!(Number.isFinite(e) && e >= 0)) throw new RangeError(`energies[${k}] must be a finite number ≥ 0 (got ${e})`);
  });
}

const sumArr = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** e^{−ξ t} with the conventions ξ = 0 → 1 (also at t = ∞) and ξ > 0, t = ∞ → 0. */
function decay(xi: number, t: number): number {
  if (xi === 0 || t === 0) return 1;
  if (t === Infinity) return xi > 0 ? 0 : Infinity;
  return Math.exp(-xi * t);
}

/** Squared decay: e^{−2ξt}, or for GD with step η the squared factor ((1−ηξ)²)^{t/η}
 *  (squaring first keeps non-integer t/η defined when 1 − ηξ < 0). */
function decaySq(xi: number, t: number, lr?: number): number {
  if (lr === undefined) {
    const e = decay(xi, t);
    return e * e;
  }
  if (xi === 0 || t === 0) return 1;
  const q = (1 - lr * xi) * (1 - lr * xi);
  if (t === Infinity) return q < 1 ? 0 : q === 1 ? 1 : Infinity;
  return Math.pow(q, t / lr);
}

export interface OracleOptions {
  /** σ² */
  noiseVar?: number;
  /** add σ² to the risk (noisy test error); default false = excess */
  noisy?: boolean;
  /** oracle gradient descent with step lr: e^{−ξt} → (1 − lr·ξ)^{t/lr} (§5) */
  gd?: { lr: number };
}

/**
 * T1 (K16): R_or(t) = Σ_k c_k² e^{−2ξ_k t} (+σ² if noisy). Exact at any finite d.
 * With GD: Σ_k c_k² (1 − ηξ_k)^{2t/η} (t = number of steps × η; stable iff η ξ_k < 2).
 */
export function oracleRisk(src: SpectrumSource, energies: readonly number[], times: readonly number[], opts: OracleOptions = {}): number[] {
  checkEnergies(energies);
  const sp = resolveSpectrum(src, energies.length - 1);
  const noise = opts.noisy ? (opts.noiseVar ?? 0) : 0;
  const lr = opts.gd?.lr;
  if (lr !== undefined && !(lr > 0)) throw new RangeError(`gd.lr must be > 0 (got ${lr})`);
  return times.map((t) => {
    let r = noise;
    for (let k = 0; k < energies.length; k++) {
      if (energies[k] === 0) continue;
      r += energies[k] * decaySq(sp.eigenvalues[k], t, lr);
    }
    return r;
  });
}

/** Oracle prediction shrinkage per degree, 1 − e^{−ξ_k t} (K15). */
export function oracleShrinkage(src: SpectrumSource, t: number, maxDegree: number): number[] {
  const sp = resolveSpectrum(src, maxDegree);
  return sp.eigenvalues.slice(0, maxDegree + 1).map((xi) => 1 - decay(xi, t));
}

/** ‖P_{>k} f‖² = Σ_{j>k} c_j² for k = −1..K (entry k+1; the last entry is 0). */
export function tailEnergies(energies: readonly number[]): number[] {
  const K = energies.length - 1;
  const out = new Array<number>(K + 2).fill(0);
  for (let k = K - 1; k >= -1; k--) out[k + 1] = energies[k + 1] + out[k + 2];
  return out;
}

function tailAbove(energies: readonly number[], k: number): number {
  let s = 0;
  for (let j = Math.max(k + 1, 0); j < energies.length; j++) s += energies[j];
  return s;
}

// ---------------------------------------------------------------------------------------------
// Stage boundaries (§2.6, §3, §7, K13, K23)

export interface StageBoundaries {
  /** α = ln n / ln d */
  alpha: number;
  /** ℓ = ⌊α⌋ (rounded first when α is within 1e-9 of an integer) */
  ell: number;
  /** true when α is (numerically) an integer: outside the three-stage statements (§3) */
  integerAlpha: boolean;
  /** K24 block index: largest L with N_L = Σ_{j≤L} B(d,j) < n */
  blockL: number;
  /** κ_{>ℓ} (K13) */
  kappa: number;
  /** t₁ = n/κ_{>ℓ}: train error collapses (end of Stage 1) */
  t1: number;
  /** t₂ = 1/ξ_{d,ℓ+1}: oracle starts learning degree ℓ+1 (start of Stage 3); Infinity if ξ = 0 */
  t2: number;
  warnings: string[];
}

/** Cumulative multiplicity N_L and the K24 block index L. */
export function blockIndex(d: number, n: number, domain: Domain = 'sphere'): { L: number; NL: number } {
  let N = 0;
  let L = -1;
  for (let k = 0; ; k++) {
    if (domain === 'hypercube' && k > d) break;
    const B = domain === 'hypercube' ? binomial(d, k) : multiplicity(d, k);
    if (N + B >= n) break;
    N += B;
    L = k;
  }
  return { L, NL: N };
}

/**
 * Stage boundaries t₁ = n/κ_{>ℓ}, t₂ = 1/ξ_{d,ℓ+1} with ℓ = ⌊ln n / ln d⌋.
 * Integer α (n = d^m up to 1e-9 in α): ℓ = m is used (the floor after rounding, so that
 * ln(1e6)/ln(100) = 2.9999999999 still gives 3) and `integerAlpha` is set with a warning — the
 * degree-m block then has as many eigenfunctions as samples (random-matrix regime, §3).
 */
export function stageBoundaries(src: SpectrumSource, n: number): StageBoundaries {
  if (!(Number.isFinite(n) && n >= 1)) throw new RangeError(`n must be a finite number ≥ 1 (got ${n})`);
  let sp = resolveSpectrum(src, 0);
  const d = sp.dim;
  const alpha = Math.log(n) / Math.log(d);
  const r = Math.round(alpha);
  const integerAlpha = Math.abs(alpha - r) < 1e-9;
  const ell = integerAlpha ? r : Math.floor(alpha);
  sp = resolveSpectrum(sp, sp.domain === 'hypercube' ? Math.min(ell + 1, d) : ell + 1);
  const warnings: string[] = [];
  if (integerAlpha)
    warnings.push(`α = ln n/ln d = ${r} is an integer: degree-${r} block is about as large as n; three-stage picture does not apply (ℓ = ${r} used)`);
  const kappa = kappaAbove(sp, ell);
  const xiNext = sp.eigenvalues[ell + 1] ?? 0;
  const { L } = blockIndex(d, n, sp.domain);
  if (L !== ell) warnings.push(`block index L = ${L} (N_L < n, K24) differs from ℓ = ${ell}`);
  if (!(kappa > 0)) warnings.push(`κ_{>ℓ} = ${kappa} ≤ 0: kernel is (numerically) a polynomial of degree ≤ ℓ (§4 assumptions)`);
  const deg = polynomialDegree(sp.kernel);
  if (deg >= 0) {
    // §4: polynomial kernels have rank Σ_{k≤deg} B(d,k); beyond it the Gram matrix is singular.
    let rank = 0;
    for (let k = 0; k <= deg; k++)
      if (sp.eigenvalues[k] !== 0 || k > sp.truncationDegree) rank += sp.domain === 'hypercube' ? binomial(d, k) : multiplicity(d, k);
    if (n > rank) warnings.push(`polynomial kernel of degree ${deg} has rank ${rank} < n = ${n}: the Gram matrix is singular`);
  }
  return { alpha, ell, integerAlpha, blockL: L, kappa, t1: n / kappa, t2: xiNext > 0 ? 1 / xiNext : Infinity, warnings };
}

// ---------------------------------------------------------------------------------------------
// T2: asymptotic staircase

export interface StaircaseStep {
  degree: number;
  /** t ≈ 1/ξ_k at which the oracle learns degree k */
  time: number;
  /** ‖P_{>k} f‖² (level after learning degrees ≤ k; degrees with larger 1/ξ not yet learned) */
  levelAfter: number;
}

export interface StaircaseCurves {
  oracle: number[];
  test: number[];
  train: number[];
  steps: StaircaseStep[];
  boundaries?: StageBoundaries;
}

/**
 * T2 (§8): piecewise-constant levels.
 *  oracle(t) = Σ_{k: t < 1/ξ_k} c_k²  (degrees with ξ_k = 0 are never learned);
 *  test(t)   = oracle(t) for t < t₂, then frozen at ‖P_{>ℓ} f‖²  (= max(oracle, ‖P_{>ℓ}f‖²));
 *  train(t)  = Σ_{k≤ℓ, t<1/ξ_k} c_k² + (‖P_{>ℓ}f‖² + σ²) e^{−2κ_{>ℓ} t/n}
 *              (= test + σ² for t ≪ t₁, then the bulk decays at rate κ/n).
 * Without n only the oracle staircase is returned (test = oracle, train = oracle + σ²).
 */
export function staircase(
  src: SpectrumSource,
  energies: readonly number[],
  times: readonly number[],
  opts: { n?: number; noiseVar?: number } = {},
): StaircaseCurves {
  checkEnergies(energies);
  const sp = resolveSpectrum(src, energies.length - 1);
  const sigma2 = opts.noiseVar ?? 0;
  const K = energies.length - 1;
  const steps: StaircaseStep[] = [];
  const order = [...Array(K + 1).keys()].sort((a, b) => (1 / sp.eigenvalues[a] || Infinity) - (1 / sp.eigenvalues[b] || Infinity));
  let remaining = sumArr(energies);
  for (const k of order) {
    const xi = sp.eigenvalues[k];
    remaining -= energies[k];
    steps.push({ degree: k, time: xi > 0 ? 1 / xi : Infinity, levelAfter: Math.max(remaining, 0) });
  }
  const oracleAt = (t: number) => {
    let r = 0;
    for (let k = 0; k <= K; k++) if (!(sp.eigenvalues[k] > 0 && t >= 1 / sp.eigenvalues[k])) r += energies[k];
    return r;
  };
  const oracle = times.map(oracleAt);
  if (opts.n === undefined) return { oracle, test: [...oracle], train: oracle.map((o) => o + sigma2), steps };
  const b = stageBoundaries(sp, opts.n);
  const plateau = tailAbove(energies, b.ell);
  const test = oracle.map((o) => Math.max(o, plateau));
  const train = times.map((t) => {
    let low = 0;
    for (let k = 0; k <= Math.min(b.ell, K); k++) if (!(sp.eigenvalues[k] > 0 && t >= 1 / sp.eigenvalues[k])) low += energies[k];
    const bulk = plateau + sigma2;
    return low + (t === Infinity ? 0 : bulk * Math.exp((-2 * b.kappa * t) / opts.n!));
  });
  return { oracle, test, train, steps, boundaries: b };
}

// ---------------------------------------------------------------------------------------------
// T3: finite-d block approximation (K24)

export interface BlockApproximation {
  /** excess test error (K24) */
  test: number[];
  /** train error on noisy labels */
  train: number[];
  L: number;
  NL: number;
  kappa: number;
}

/**
 * T3 (K24): L = largest k with N_L < n; κ = h(1) − Σ_{k≤L} ξ_k B_k; μ_k = ξ_k + κ/n;
 * s_k = ξ_k/μ_k; φ_k(t) = s_k(1 − e^{−μ_k t}).
 *   test  ≈ Σ_{k≤L} c_k²(1−φ_k)² + Σ_{k>L} c_k² + (σ² + Σ_{k>L} c_k²)(1/n)Σ_{k≤L} B_k φ_k²
 *   train ≈ Σ_{k≤L} c_k² e^{−2μ_k t} + (σ² + Σ_{k>L} c_k²) e^{−2κt/n}
 * An approximation (not a golden reference).
 */
export function blockApproximation(
  src: SpectrumSource,
  energies: readonly number[],
  times: readonly number[],
  opts: { n: number; noiseVar?: number },
): BlockApproximation {
  checkEnergies(energies);
  const { n } = opts;
  if (!(n >= 1)) throw new RangeError(`n must be ≥ 1 (got ${n})`);
  const sigma2 = opts.noiseVar ?? 0;
  let sp = resolveSpectrum(src, 0);
  const { L, NL } = blockIndex(sp.dim, n, sp.domain);
  sp = resolveSpectrum(sp, Math.max(L, energies.length - 1));
  const kappa = kappaAbove(sp, L);
  const cHigh = tailAbove(energies, L);
  const bulk = sigma2 + cHigh;
  const test: number[] = [];
  const train: number[] = [];
  for (const t of times) {
    let te = cHigh;
    let varSum = 0;
    let tr = 0;
    for (let k = 0; k <= L; k++) {
      const xi = sp.eigenvalues[k];
      const mu = xi + kappa / n;
      const sk = mu > 0 ? xi / mu : 0;
      const e = decay(mu, t);
      const phi = sk * (1 - e);
      const ck = k < energies.length ? energies[k] : 0;
      te += ck * (1 - phi) * (1 - phi);
      // (1/n) B_k φ_k²; B_k ≤ N_L < n here, so no overflow
      varSum += (sp.multiplicities[k] / n) * phi * phi;
      tr += ck * e * e;
    }
    te += bulk * varSum;
    const eb = decay(kappa / n, t);
    tr += bulk * eb * eb;
    test.push(te);
    train.push(tr);
  }
  return { test, train, L, NL, kappa };
}

// ---------------------------------------------------------------------------------------------
// T4: eigenlearning (K25)

export interface EigenlearningResult {
  /** noisy test MSE E₀(Σ(1−L_k)²c_k² + σ²) */
  testMse: number[];
  /** excess = testMse − σ² */
  excess: number[];
  /** (δ/(nκ))² · testMse */
  trainMse: number[];
  /** κ_t (Infinity at t = 0) */
  kappa: number[];
  /** ridge δ = n/t */
  ridge: number[];
  /** residual of Σ_k B_k L_k + δ/κ − n (relative to n) */
  residual: number[];
  retcode: 'Success' | 'NotConverged';
  warnings: string[];
}

/**
 * Solve Σ_k B_k ξ_k/(ξ_k+κ) + δ/κ = n for κ > 0 by bisection in log κ (the left side is
 * decreasing in κ). B_k ξ_k is taken from `mass` so huge B_k never appear. Returns κ = 0 when
 * δ = 0 and the (truncated) rank Σ_{ξ_k>0} B_k ≤ n (no interpolation constraint can be met).
 */
export function solveEigenlearningKappa(sp: Spectrum, n: number, delta: number, tailRidge = 0): { kappa: number; converged: boolean } {
  // `tailRidge`: mass of the degrees beyond the truncation, whose ξ_k ≪ κ, so that
  // Σ_{k>K} B_k ξ_k/(ξ_k+κ) ≈ tail/κ — they act as an extra ridge (K23: the bulk κ_{>ℓ} I).
  delta += tailRidge;
  const f = (kap: number) => {
    let s = 0;
    for (let k = 0; k <= sp.truncationDegree; k++) {
      const xi = sp.eigenvalues[k];
      if (xi > 0) s += sp.mass[k] / (xi + kap);
    }
    return s + delta / kap - n;
  };
  let total = 0;
  for (let k = 0; k <= sp.truncationDegree; k++) if (sp.eigenvalues[k] > 0) total += sp.mass[k];
  const hi = (total + delta) / n;
  if (!(hi > 0)) return { kappa: 0, converged: false };
  let lo: number;
  if (delta > 0) lo = Math.min(delta / n, hi);
  else {
    let rank = 0;
    for (let k = 0; k <= sp.truncationDegree; k++) if (sp.eigenvalues[k] > 0) rank += sp.multiplicities[k];
    if (rank <= n) return { kappa: 0, converged: true };
    lo = hi;
    while (f(lo) <= 0 && lo > 1e-300) lo *= 1e-3;
    if (f(lo) <= 0) return { kappa: 0, converged: false };
  }
  let llo = Math.log(lo);
  let lhi = Math.log(hi);
  for (let it = 0; it < 300 && lhi - llo > 1e-15; it++) {
    const mid = 0.5 * (llo + lhi);
    if (f(Math.exp(mid)) > 0) llo = mid;
    else lhi = mid;
  }
  return { kappa: Math.exp(0.5 * (llo + lhi)), converged: true };
}

/**
 * T4 (K25), eigenlearning with ridge δ = n/t. The spectrum is the §11.7 truncated one (extended
 * to cover the energies). t = 0 → δ = ∞: L_k = 0, E₀ = 1, test = Σc² + σ², train = test.
 * If the truncation leaves a tail mass > 1e-12·h(1) (arc-cos kernels at the degree cap), the
 * tail is added to the ridge in the κ equation [D]; the train formula keeps the explicit δ, so
 * train → 0 at t = ∞ (interpolation).
 */
export function eigenlearning(
  src: SpectrumSource,
  energies: readonly number[],
  times: readonly number[],
  opts: { n: number; noiseVar?: number },
): EigenlearningResult {
  checkEnergies(energies);
  const { n } = opts;
  const sigma2 = opts.noiseVar ?? 0;
  const sp = resolveSpectrum(src, energies.length - 1);
  const warnings: string[] = [];
  const res: EigenlearningResult = { testMse: [], excess: [], trainMse: [], kappa: [], ridge: [], residual: [], retcode: 'Success', warnings };
  // Degrees beyond the truncation degree are folded into the ridge (see solveEigenlearningKappa).
  const tail = sp.tailMass > 1e-12 * Math.abs(sp.h1) ? sp.tailMass : 0;
  if (tail > 0) warnings.push(`spectral tail ${tail.toExponential(3)} beyond degree ${sp.truncationDegree} treated as an implicit ridge`);
  const cTot = sumArr(energies);
  for (const t of times) {
    if (!(t >= 0)) throw new RangeError(`times must be ≥ 0 (got ${t})`);
    const delta = t === Infinity ? 0 : n / t;
    res.ridge.push(delta);
    if (t === 0) {
      const tm = cTot + sigma2;
      res.kappa.push(Infinity);
      res.testMse.push(tm);
      res.excess.push(cTot);
      res.trainMse.push(tm);
      res.residual.push(0);
      continue;
    }
    const { kappa, converged } = solveEigenlearningKappa(sp, n, delta, tail);
    if (!converged) res.retcode = 'NotConverged';
    let sumBL = 0;
    let sumBL2 = 0;
    let bias = 0;
    for (let k = 0; k <= sp.truncationDegree; k++) {
      const xi = sp.eigenvalues[k];
      const Lk = xi > 0 ? xi / (xi + kappa) : 0;
      if (xi > 0) {
        sumBL += sp.mass[k] / (xi + kappa);
        sumBL2 += (sp.mass[k] / (xi + kappa)) * Lk;
      }
      const ck = k < energies.length ? energies[k] : 0;
      bias += (1 - Lk) * (1 - Lk) * ck;
    }
    const E0 = n / (n - sumBL2);
    const tm = E0 * (bias + sigma2);
    const ratio = kappa > 0 ? delta / (n * kappa) : 0;
    res.kappa.push(kappa);
    res.testMse.push(tm);
    res.excess.push(tm - sigma2);
    res.trainMse.push(ratio * ratio * tm);
    res.residual.push((sumBL + (kappa > 0 ? (delta + tail) / kappa : 0) - n) / n);
  }
  return res;
}

// ---------------------------------------------------------------------------------------------
// Text report

const fmt = (x: number) => (x === Infinity ? '∞' : Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(2) : x.toPrecision(3));

/** Human-readable summary of the three stages (§7 table) with time windows and levels. */
export function stageReport(src: SpectrumSource, energies: readonly number[], opts: { n: number; noiseVar?: number }): string {
  checkEnergies(energies);
  const { n } = opts;
  const sigma2 = opts.noiseVar ?? 0;
  const b = stageBoundaries(src, n);
  let sp = resolveSpectrum(src, energies.length - 1);
  sp = resolveSpectrum(sp, sp.domain === 'hypercube' ? Math.min(b.ell + 1, sp.dim) : b.ell + 1);
  const lines: string[] = [];
  const plateau = tailAbove(energies, b.ell);
  const total = sumArr(energies);
  let approx = 0;
  energies.forEach((c, k) => {
    if (!(sp.eigenvalues[k] > 0)) approx += c;
  });
  lines.push(
    `${sp.domain} d=${sp.dim}, n=${n}: α = ln n/ln d = ${b.alpha.toFixed(3)}, ℓ = ${b.ell}; κ_{>ℓ} = ${fmt(b.kappa)}, ‖f‖² = ${fmt(total)}, σ² = ${fmt(sigma2)}`,
  );
  lines.push(`  t₁ = n/κ_{>ℓ} = ${fmt(b.t1)},  t₂ = 1/ξ_{ℓ+1} = ${fmt(b.t2)}`);
  const learn = energies
    .map((c, k) => ({ k, c, t: sp.eigenvalues[k] > 0 ? 1 / sp.eigenvalues[k] : Infinity }))
    .filter((x) => x.c > 0)
    .map((x) => `degree ${x.k} at t≈${fmt(x.t)} (‖P_{>${x.k}}f‖² = ${fmt(tailAbove(energies, x.k))})`);
  lines.push(`  Stage 1 (t ≪ ${fmt(b.t1)}): train ≈ test + σ², empirical test ≈ oracle; oracle staircase: ${learn.join('; ') || 'no target energy'}`);
  lines.push(
    `  Stage 2 (${fmt(b.t1)} ≪ t ≪ ${fmt(b.t2)}): train → 0 like (‖P_{>${b.ell}}f‖² + σ²)e^{−2κt/n}; test ≈ oracle ≈ ‖P_{>${b.ell}}f‖² = ${fmt(plateau)} (deep bootstrap)`,
  );
  lines.push(`  Stage 3 (t ≫ ${fmt(b.t2)}): test frozen at ‖P_{>${b.ell}}f‖² = ${fmt(plateau)} (ridgeless KRR); oracle → approximation error ${fmt(approx)}`);
  if (!(b.t1 < b.t2)) lines.push(`  note: t₁ ≥ t₂, Stage 2 window is empty at this d, n`);
  for (const w of b.warnings) lines.push(`  warning: ${w}`);
  return lines.join('\n');
}
