// The full non-symmetric DMFT for small m (dmft.md §4, D6–D14), k = 1, by the reference scheme of §6
// applied verbatim to C_ij[n][l], R_ij[n][l] for all ordered pairs (the note at the end of §6):
// left Riemann sums including the endpoint, R_A[n][n] = 1/η, forward substitution for the Volterra
// rows, +δ_ij response update, C_A = −(I + ηΣ_R)⁻¹Σ_C(I + ηΣ_R)⁻ᵀ. Plain TS: m ≤ 8 and the cost
// O(m³N³/3) stays small on the paper's Figs 6–7 grids (m = 4, η = 0.1).
import { minEigenvalue } from '../numerics/symeig.js';
import { z } from 'zod';
import { TERMINATED_MESSAGE, type SolveOptions, type Status } from '../core/contract.js';
import { finite, intAtLeast, nonNegative, parseOrThrow, ParameterError, positive } from '../core/validate.js';
import { series } from './problem.js';

export const generalDmftSchema = z.strictObject({
  m: intAtLeast(1, 8),
  /** ᾱ = n/d (the DMFT prefactor is ᾱ/m). */
  alphaBar: positive(),
  tau: nonNegative(),
  /** h(q) = Σ h[k] q^k (σ centred: h[0] = 0). */
  h: z.array(nonNegative('coefficients ≥ 0'), { error: 'a list of coefficients' }).min(2),
  /** φ̂ power series, or 'same' (φ = σ) / 'none' (pure noise). */
  phiHat: z.union([z.array(finite()), z.enum(['same', 'none'])]).default('none'),
  phiNorm2: nonNegative().optional(),
  /** a_i(0), one per neuron. */
  a0: z.array(finite()),
  /** C_ij(0,0) (m×m, unit diagonal, symmetric PSD); default δ_ij. */
  C0: z.array(z.array(finite())).optional(),
  /** v_i(0) = ⟨u, w_i(0)⟩ (default 0). */
  v0: z.array(finite()).optional(),
  frozenA: z.boolean().default(false),
  eta: positive(),
  tMax: positive(),
});

export type GeneralDmftInput = z.input<typeof generalDmftSchema>;

export interface GeneralDmftSolution {
  status: Status;
  message?: string;
  t: number[];
  trainError: number[];
  testError: number[];
  /** a_i(t) and v_i(t), [i][n]. */
  a: number[][];
  v: number[][];
  /** Equal-time overlaps C_ij(t,t), [n] → m×m. */
  Ctt: number[][][];
  /** C_A(t_n, t_l) on the full grid (row-major (N+1)², symmetric), for the V5 positivity checks. */
  CA: Float64Array;
  problem: z.output<typeof generalDmftSchema>;
}

/** Validate a general-DMFT problem (schema, per-neuron lengths, C0 a unit-diagonal Gram matrix, grid
 *  size) before anything is allocated; returns the parsed problem, its initial overlaps and step count. */
export function validateGeneralDmft(input: GeneralDmftInput): { p: z.output<typeof generalDmftSchema>; C0: number[][]; N: number } {
  const p = parseOrThrow(generalDmftSchema, input);
  const m = p.m;
  if (p.a0.length !== m) throw new ParameterError('a0', p.a0, `${m} values (one per neuron)`);
  if (p.v0 !== undefined && p.v0.length !== m) throw new ParameterError('v0', p.v0, `${m} values (one per neuron)`);
  const C0 = p.C0 ?? Array.from({ length: m }, (_, i) => Array.from({ length: m }, (_, j) => (i === j ? 1 : 0)));
  if (C0.length !== m || C0.some((r, i) => r.length !== m || Math.abs(r[i] - 1) > 1e-12))
    throw new ParameterError('C0', 'shape or diagonal', `an m×m matrix with unit diagonal (m = ${m})`);
  // C_ij(0,0) = ⟨w_i, w_j⟩/d: a Gram matrix, so symmetric and positive semi-definite.
  for (let i = 0; i < m; i++)
    for (let j = 0; j < i; j++)
      if (Math.abs(C0[i][j] - C0[j][i]) > 1e-12)
        throw new ParameterError(`C0[${i}][${j}]`, C0[i][j], `C0[${j}][${i}] = ${C0[j][i]} (C0 is symmetric: a Gram matrix)`);
  const lmin = minEigenvalue(C0.flat(), m);
  if (lmin < -1e-10)
    throw new ParameterError('C0', 'eigenvalues', `a positive semi-definite matrix (a Gram matrix; its smallest eigenvalue is ${lmin.toPrecision(4)})`);
  const N = Math.round(p.tMax / p.eta);
  if (N * N * m * m * 2 * 8 > 2 ** 31) throw new ParameterError('tMax', p.tMax, `a grid of at most ${Math.floor(Math.sqrt(2 ** 27 / (m * m)))} steps`);
  return { p, C0, N };
}

export function solveGeneralDmft(input: GeneralDmftInput, opts: Pick<SolveOptions, 'signal'> = {}): GeneralDmftSolution {
  const { p, C0, N } = validateGeneralDmft(input);
  const m = p.m;
  if (opts.signal?.aborted) {
    // Synchronous solve: an abort can only be seen before it starts, and then nothing is finished.
    return {
      status: 'Terminated',
      message: TERMINATED_MESSAGE,
      t: [],
      trainError: [],
      testError: [],
      a: [],
      v: [],
      Ctt: [],
      CA: new Float64Array(0),
      problem: p,
    };
  }
  const eta = p.eta;
  const K = p.alphaBar / m;
  const hC = p.h;
  const phC = p.phiHat === 'same' ? hC : p.phiHat === 'none' ? [0] : p.phiHat;
  const h1 = series(hC, 1)[0];
  const phiNorm2 = p.phiNorm2 ?? (p.phiHat === 'same' ? h1 : p.phiHat === 'none' ? 0 : NaN);
  if (!Number.isFinite(phiNorm2)) throw new ParameterError('phiNorm2', undefined, '‖φ‖² with an explicit φ̂ series');
  const S = N + 1;
  const idx = (i: number, j: number, n: number, l: number) => ((i * m + j) * S + n) * S + l;
  const C = new Float64Array(m * m * S * S); // C_ij[n][l] for l ≤ n
  const R = new Float64Array(m * m * S * S); // R_ij[n][l] for l < n
  const CA = new Float64Array(S * S); // symmetric: [n][l], l ≤ n
  const RA = new Float64Array(S * S); // [n][l], l ≤ n
  const a = Array.from({ length: m }, (_, i) => {
    const x = new Float64Array(S + 1);
    x[0] = p.a0[i];
    return x;
  });
  const v = Array.from({ length: m }, (_, i) => {
    const x = new Float64Array(S + 1);
    x[0] = p.v0?.[i] ?? 0;
    return x;
  });
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) C[idx(i, j, 0, 0)] = C0[i][j];
  // C_ij(n, l) for any order, from the stored lower triangles (C_ij(t,s) = C_ji(s,t)).
  const Cget = (i: number, j: number, n: number, l: number) => (n >= l ? C[idx(i, j, n, l)] : C[idx(j, i, l, n)]);
  const Rget = (i: number, j: number, n: number, l: number) => (l < n ? R[idx(i, j, n, l)] : 0);
  const CAget = (n: number, l: number) => (n >= l ? CA[n * S + l] : CA[l * S + n]);

  const out: GeneralDmftSolution = { status: 'Success', t: [], trainError: [], testError: [], a: a.map(() => []), v: v.map(() => []), Ctt: [], CA, problem: p };
  const SigC = new Float64Array(S);
  const SigR = new Float64Array(S);
  const MR = new Float64Array(m * m * S);
  const MC = new Float64Array(m * m * S);
  const mk = (i: number, j: number, s: number) => (i * m + j) * S + s;
  let lastTrain = Infinity;
  for (let n = 0; n <= N; n++) {
    // 1. Sample side rows (D12).
    let phiN = 0;
    for (let l = 0; l < m; l++) phiN += a[l][n] * series(phC, v[l][n])[0];
    for (let l = 0; l <= n; l++) {
      let phiL = 0;
      for (let q = 0; q < m; q++) phiL += a[q][l] * series(phC, v[q][l])[0];
      let sc = 0;
      let sr = 0;
      for (let i = 0; i < m; i++)
        for (let j = 0; j < m; j++) {
          const c = Cget(i, j, n, l);
          const [hv, hp] = series(hC, c);
          sc += a[i][n] * a[j][l] * hv;
          if (l < n) sr += a[i][n] * a[j][l] * hp * Rget(i, j, n, l);
        }
      SigC[l] = p.tau ** 2 + phiNorm2 + sc / (m * m) - phiN / m - phiL / m;
      SigR[l] = l < n ? sr / (m * m) : 0;
    }
    // 2. Volterra rows (D27).
    RA[n * S + n] = 1 / eta;
    for (let l = n - 1; l >= 0; l--) {
      let s = 0;
      for (let q = l; q < n; q++) s += SigR[q] * RA[q * S + l];
      RA[n * S + l] = -eta * s;
    }
    for (let l = 0; l <= n; l++) {
      let s1 = 0;
      for (let q = 0; q < n; q++) s1 += SigR[q] * CAget(q, l);
      let s2 = 0;
      for (let q = 0; q <= l; q++) s2 += SigC[q] * RA[l * S + q];
      CA[n * S + l] = -eta * (s1 + s2);
      CA[l * S + n] = CA[n * S + l]; // mirror: the full square is returned
    }
    // 3. Observables (D14).
    const etr = -0.5 * CA[n * S + n];
    let ets = p.tau ** 2 + phiNorm2 - (2 / m) * phiN;
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) ets += (a[i][n] * a[j][n] * series(hC, Cget(i, j, n, n))[0]) / (m * m);
    ets *= 0.5;
    const finiteRow = Number.isFinite(etr) && Number.isFinite(ets);
    if (!finiteRow || etr > lastTrain * (1 + 1e-6) + 1e-2 * eta * out.trainError[0] || etr < -1e-12) {
      out.status = 'Unstable';
      out.message = `invariant violated at t = ${(n * eta).toPrecision(4)} (train error ${etr})`;
      break;
    }
    lastTrain = etr;
    out.t.push(n * eta);
    out.trainError.push(etr);
    out.testError.push(ets);
    for (let i = 0; i < m; i++) {
      out.a[i].push(a[i][n]);
      out.v[i].push(v[i][n]);
    }
    out.Ctt.push(Array.from({ length: m }, (_, i) => Array.from({ length: m }, (_, j) => Cget(i, j, n, n))));
    if (n === N) break;
    // 4. Integrated response and memory kernels (D10).
    let I = 0;
    for (let s = 0; s <= n; s++) I += eta * RA[n * S + s];
    for (let i = 0; i < m; i++)
      for (let j = 0; j < m; j++)
        for (let s = 0; s <= n; s++) {
          const [, hp, hpp] = series(hC, Cget(i, j, n, s));
          const pre = K * a[i][n] * a[j][s];
          MR[mk(i, j, s)] = pre * (RA[n * S + s] * hp + CAget(n, s) * hpp * Rget(i, j, n, s));
          MC[mk(i, j, s)] = pre * CAget(n, s) * hp;
        }
    // 5. Lagrange multipliers (D13), 6. scalars (D6, D7).
    const nu = new Float64Array(m);
    const da = new Float64Array(m);
    const dv = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      const [phv, php] = series(phC, v[i][n]);
      let s1 = 0;
      let s2 = 0;
      let sv = 0;
      for (let j = 0; j < m; j++)
        for (let s = 0; s <= n; s++) {
          s1 += MR[mk(i, j, s)] * Cget(j, i, s, n);
          s2 += MC[mk(i, j, s)] * Rget(i, j, n, s);
          sv += MR[mk(i, j, s)] * v[j][s];
        }
      nu[i] = K * a[i][n] * v[i][n] * php * I - (eta / m) * s1 - (eta / m) * s2;
      dv[i] = -nu[i] * v[i][n] + K * a[i][n] * php * I - (eta / m) * sv;
      if (!p.frozenA) {
        let ra = 0;
        let ca = 0;
        for (let s = 0; s <= n; s++) {
          let sh = 0;
          let shp = 0;
          for (let l = 0; l < m; l++) {
            const [hv, hp] = series(hC, Cget(l, i, s, n));
            sh += a[l][s] * hv;
            shp += a[l][s] * hp * Rget(i, l, n, s);
          }
          ra += RA[n * S + s] * (sh / m - phv);
          ca += CAget(n, s) * (shp / m);
        }
        da[i] = -K * eta * ra - K * eta * ca;
      }
    }
    // 7. Correlation rows (D8), 8. response rows (D9).
    const Cnext = new Float64Array(m * m * (n + 1));
    const dCeq = new Float64Array(m * m);
    for (let i = 0; i < m; i++) {
      const php = series(phC, v[i][n])[1];
      for (let j = 0; j < m; j++)
        for (let l = 0; l <= n; l++) {
          let s1 = 0;
          let s2 = 0;
          for (let q = 0; q < m; q++) {
            for (let s = 0; s <= n; s++) s1 += MR[mk(i, q, s)] * Cget(q, j, s, l);
            for (let s = 0; s < l; s++) s2 += MC[mk(i, q, s)] * Rget(j, q, l, s);
          }
          const dC = -nu[i] * Cget(i, j, n, l) + K * a[i][n] * php * v[j][l] * I - (eta / m) * (s1 + s2);
          Cnext[(i * m + j) * (n + 1) + l] = Cget(i, j, n, l) + eta * dC;
          if (l === n) dCeq[i * m + j] = dC;
        }
    }
    const Rnext = new Float64Array(m * m * (n + 1));
    for (let i = 0; i < m; i++)
      for (let j = 0; j < m; j++)
        for (let l = 0; l < n; l++) {
          let s1 = 0;
          for (let q = 0; q < m; q++) for (let s = l + 1; s <= n; s++) s1 += MR[mk(i, q, s)] * Rget(q, j, s, l);
          Rnext[(i * m + j) * (n + 1) + l] = Rget(i, j, n, l) + eta * (-nu[i] * Rget(i, j, n, l) - (eta / m) * s1);
        }
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        for (let l = 0; l <= n; l++) C[idx(i, j, n + 1, l)] = Cnext[(i * m + j) * (n + 1) + l];
        for (let l = 0; l < n; l++) R[idx(i, j, n + 1, l)] = Rnext[(i * m + j) * (n + 1) + l];
        R[idx(i, j, n + 1, n)] = i === j ? 1 : 0;
        // Equal time: dC_ij(t,t)/dt = ∂_tC_ij(t,t′) + ∂_tC_ji(t,t′) at t′ → t⁻; C_ii(t,t) = 1 (D13).
        C[idx(i, j, n + 1, n + 1)] = i === j ? 1 : Cget(i, j, n, n) + eta * (dCeq[i * m + j] + dCeq[j * m + i]);
      }
      a[i][n + 1] = a[i][n] + eta * da[i];
      v[i][n + 1] = v[i][n] + eta * dv[i];
    }
  }
  return out;
}
