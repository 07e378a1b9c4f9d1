// Reading a committee run: plateaus of the risk curve, the regime of the run (committee.md §6),
// and the SGD-vs-ODE agreement figure (issue: sup_t |R_SGD − R_ODE| / √(γ/(pd))).

export interface Plateau {
  /** First save time of the flat stretch. */
  onset: number;
  /** Geometric-mean risk over the stretch. */
  height: number;
  /** First time after the onset at which the risk falls below height/2 (the escape). */
  escape: number;
  /** Decades of time the stretch lasts (onset → escape). */
  decades: number;
}

export interface PlateauReport {
  plateaus: Plateau[];
  /** The final flat level when the curve ends flat (noise floor / asymptote), else null. */
  floor: { onset: number; height: number } | null;
}

/**
 * Plateaus of a positive, mostly decreasing risk curve on a log time grid: maximal stretches where the
 * log–log slope |d ln R / d ln t| stays below `maxSlope` (default 0.35: a Saad–Solla plateau creeps towards the symmetric fixed point), lasting ≥ `minDecades`, preceded by a
 * decrease and followed by an escape (a fall below half the plateau height). A flat stretch that lasts
 * to the end of the curve is the floor, not a plateau.
 */
export function detectPlateaus(t: ArrayLike<number>, risk: ArrayLike<number>, opts: { maxSlope?: number; minDecades?: number } = {}): PlateauReport {
  const maxSlope = opts.maxSlope ?? 0.35;
  const minDecades = opts.minDecades ?? 0.5;
  const n = t.length;
  const lt: number[] = [];
  const lr: number[] = [];
  for (let i = 0; i < n; i++) {
    if (t[i] > 0 && risk[i] > 0 && Number.isFinite(risk[i])) {
      lt.push(Math.log(t[i]));
      lr.push(Math.log(risk[i]));
    }
  }
  const m = lt.length;
  const plateaus: Plateau[] = [];
  let floor: PlateauReport['floor'] = null;
  if (m < 3) return { plateaus, floor };
  // Centred slopes on the log–log curve.
  const slope = lt.map((_, i) => {
    const a = Math.max(0, i - 1);
    const b = Math.min(m - 1, i + 1);
    return (lr[b] - lr[a]) / (lt[b] - lt[a]);
  });
  let i = 0;
  while (i < m) {
    if (Math.abs(slope[i]) >= maxSlope) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < m && Math.abs(slope[j + 1]) < maxSlope) j++;
    const decades = (lt[j] - lt[i]) / Math.LN10;
    const meanLog = lr.slice(i, j + 1).reduce((s, x) => s + x, 0) / (j - i + 1);
    const height = Math.exp(meanLog);
    const fellBefore = i > 0 && lr[0] - lr[i] > Math.log(1.05);
    if (j === m - 1) {
      if (decades >= minDecades * 0.5) floor = { onset: Math.exp(lt[i]), height };
    } else if (decades >= minDecades && fellBefore) {
      let e = j + 1;
      while (e < m && lr[e] > meanLog - Math.LN2) e++;
      const escapeAt = e < m ? Math.exp(lt[e]) : Infinity;
      plateaus.push({
        onset: Math.exp(lt[i]),
        height,
        escape: escapeAt,
        decades: Number.isFinite(escapeAt) ? (Math.log(escapeAt) - lt[i]) / Math.LN10 : decades,
      });
    }
    i = j + 1;
  }
  return { plateaus, floor };
}

export type Regime = 'classical' | 'high-dimensional' | 'mean-field';

export interface RegimeReport {
  regime: Regime;
  /** γ/p: the only dimensionless rate left in the ODE (committee.md §2.2). */
  gammaOverP: number;
  /** γ/(pd): the ODE describes SGD as it → 0⁺; the spread is O(√(γ/(pd))) (S28). */
  gammaOverPd: number;
  /** Veiga et al. exponents with γ = d^{−δ}, p = d^κ (committee.md §6), when d > 1. */
  kappa: number | null;
  delta: number | null;
  /** Region of the Veiga phase diagram. */
  phase: 'perfect-learning' | 'saad-solla-line' | 'bad-learning' | 'no-deterministic-limit' | null;
  /** Which ODE the regime calls for (committee.md §6 table). */
  ode: string;
  explanation: string;
}

/** The regime of a run from (p, d, γ) following the triangle of committee.md §6. */
export function classifyRegime(p: number, d: number | null, gamma: number): RegimeReport {
  const gammaOverP = gamma / p;
  const gammaOverPd = d ? gamma / (p * d) : 0;
  let kappa: number | null = null;
  let delta: number | null = null;
  let phase: RegimeReport['phase'] = null;
  if (d && d > 1) {
    kappa = Math.log(p) / Math.log(d);
    delta = -Math.log(gamma) / Math.log(d);
    const s = kappa + delta;
    // Within 1/ln d of the line counts as on it: at finite d the exponents are only defined to O(1/ln d).
    const tol = 0.5 / Math.log(d);
    if (Math.abs(s) <= tol) phase = 'saad-solla-line';
    else if (s > 0) phase = 'perfect-learning';
    else if (kappa < -delta && -delta < (kappa + 1) / 2) phase = 'bad-learning';
    else phase = 'no-deterministic-limit';
  }
  let regime: Regime;
  let ode: string;
  let explanation: string;
  if (p >= 100) {
    regime = 'mean-field';
    ode = '(M, q) mean-field ODE (with the Ξ average at low d)';
    explanation = `p = ${p} ≥ 100: width large, the overlaps reduce to (M, q) (committee.md §5)`;
  } else if (gammaOverP <= 0.02) {
    regime = 'classical';
    ode = "gradient-flow ODE (variance 'none', or 'noise' at small finite γ/p)";
    explanation = `γ/p = ${gammaOverP.toPrecision(3)} ≪ 1: classical gradient-flow limit, trajectory independent of d given the initial overlaps`;
  } else {
    regime = 'high-dimensional';
    ode = "full Saad–Solla ODE (variance 'full')";
    explanation = `γ/p = ${gammaOverP.toPrecision(3)} = O(1)${d ? ` and γ/(pd) = ${gammaOverPd.toExponential(2)}` : ''}: high-dimensional (Saad–Solla) regime, finite noise floor ∝ (γ/p)Δ`;
  }
  return { regime, gammaOverP, gammaOverPd, kappa, delta, phase, ode, explanation };
}

export interface Agreement {
  /** sup over the save grid of |R_SGD − R_ODE|. */
  supAbs: number;
  /** The same divided by √(γ/(pd)): the O(1) constant of S28 (issue: ≈ 0.1–0.2 for the (f) setting). */
  supOverScale: number;
  scale: number;
  /** Time at which the sup is attained. */
  at: number;
  /** Mean |R_SGD − R_ODE| / seed standard error over the grid (∞ when the s.e. is 0). */
  meanZ: number;
}

/** Agreement figure between the SGD mean risk and the ODE risk on the same grid. */
export function agreement(
  t: ArrayLike<number>,
  sgd: ArrayLike<number>,
  ode: ArrayLike<number>,
  se: ArrayLike<number> | null,
  gamma: number,
  p: number,
  d: number,
): Agreement {
  const scale = Math.sqrt(gamma / (p * d));
  let supAbs = 0;
  let at = NaN;
  let zSum = 0;
  let zN = 0;
  for (let i = 0; i < t.length; i++) {
    if (!Number.isFinite(sgd[i]) || !Number.isFinite(ode[i])) continue;
    const e = Math.abs(sgd[i] - ode[i]);
    if (e > supAbs) {
      supAbs = e;
      at = t[i];
    }
    if (se && se[i] > 0) {
      zSum += e / se[i];
      zN++;
    }
  }
  return { supAbs, supOverScale: supAbs / scale, scale, at, meanZ: zN ? zSum / zN : Infinity };
}
