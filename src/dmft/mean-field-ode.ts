// The m → ∞ mean-field ODE D38 (dmft.md §8f), k = 1, integrated with classical RK4 on a fixed step:
//   v̇ = α a (1 − v²)(φ̂′(v) − a h′(v²) v),   ȧ = α(φ̂(v) − a h(v²)),   v(0) = 0, a(0) = a₀,
//   e = ½[τ² + ‖φ‖² − 2aφ̂(v) + a²h(v²)]  (train = test on this scale).
// The reference for V3 (SymmDMFT approaches it as m grows at fixed α).
import { series } from './problem.js';
import { TERMINATED_MESSAGE, type SolveOptions, type Status } from '../core/contract.js';

export interface MeanFieldOdeInput {
  alpha: number;
  tau: number;
  h: number[];
  /** φ̂ coefficients ([] for pure noise). */
  phiHat: number[];
  phiNorm2: number;
  a0: number;
  tMax: number;
  /** RK4 step (default 1e-3). */
  dt?: number;
  /** Report every `every` steps (default: so that about 2000 points come out). */
  every?: number;
  frozenA?: boolean;
}

export interface MeanFieldOdeSolution {
  status: Status;
  message?: string;
  t: number[];
  a: number[];
  v: number[];
  error: number[];
}

export function meanFieldOde(o: MeanFieldOdeInput, opts: Pick<SolveOptions, 'signal'> = {}): MeanFieldOdeSolution {
  // Synchronous solve: an abort can only be seen before it starts, and then nothing is finished.
  if (opts.signal?.aborted) return { status: 'Terminated', message: TERMINATED_MESSAGE, t: [], a: [], v: [], error: [] };
  const dt = o.dt ?? 1e-3;
  const steps = Math.max(1, Math.round(o.tMax / dt));
  const h = o.tMax / steps;
  const every = o.every ?? Math.max(1, Math.ceil(steps / 2000));
  const rhs = (a: number, v: number): [number, number] => {
    const [ph, php] = series(o.phiHat, v);
    const [hv, hpv] = series(o.h, v * v);
    const dv = o.alpha * a * (1 - v * v) * (php - a * hpv * v);
    const da = o.frozenA ? 0 : o.alpha * (ph - a * hv);
    return [da, dv];
  };
  const err = (a: number, v: number) => 0.5 * (o.tau * o.tau + o.phiNorm2 - 2 * a * series(o.phiHat, v)[0] + a * a * series(o.h, v * v)[0]);
  const out: MeanFieldOdeSolution = { status: 'Success', t: [0], a: [o.a0], v: [0], error: [err(o.a0, 0)] };
  let a = o.a0,
    v = 0;
  for (let k = 1; k <= steps; k++) {
    const [a1, v1] = rhs(a, v);
    const [a2, v2] = rhs(a + 0.5 * h * a1, v + 0.5 * h * v1);
    const [a3, v3] = rhs(a + 0.5 * h * a2, v + 0.5 * h * v2);
    const [a4, v4] = rhs(a + h * a3, v + h * v3);
    a += (h / 6) * (a1 + 2 * a2 + 2 * a3 + a4);
    v += (h / 6) * (v1 + 2 * v2 + 2 * v3 + v4);
    if (k % every === 0 || k === steps) {
      out.t.push(k * h);
      out.a.push(a);
      out.v.push(v);
      out.error.push(err(a, v));
    }
    if (!Number.isFinite(a) || !Number.isFinite(v)) {
      // A blow-up: cut at the last finite save (never a non-finite value under 'Success').
      const keep = out.t.findIndex((_, i) => !Number.isFinite(out.a[i]) || !Number.isFinite(out.v[i]));
      const n = keep < 0 ? out.t.length : keep;
      return {
        status: 'Unstable',
        message: `non-finite state at t = ${(k * h).toPrecision(6)}`,
        t: out.t.slice(0, n),
        a: out.a.slice(0, n),
        v: out.v.slice(0, n),
        error: out.error.slice(0, n),
      };
    }
  }
  return out;
}

/** Linear interpolation of a reported curve at time t. */
export function interp(ts: number[], ys: number[], t: number): number {
  if (t <= ts[0]) return ys[0];
  let lo = 0,
    hi = ts.length - 1;
  if (t >= ts[hi]) return ys[hi];
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (ts[mid] <= t) lo = mid;
    else hi = mid;
  }
  const w = (t - ts[lo]) / (ts[hi] - ts[lo]);
  return ys[lo] + w * (ys[hi] - ys[lo]);
}
