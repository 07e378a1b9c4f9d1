// Raw-pointer twins of assembly/ode.ts and the model RHS kernels, for the TS runtime behind the raw-export
// interface (src/wasm/ts-kernels.ts). The integrators themselves are host numerics: src/numerics/ode.ts.
import { ODE_STATS_LEN, dopri5, fixedDriver, linearRhs, quadraticTestRhs, symmetriseQ, type Rhs } from '../numerics/ode.js';
import { rhs as committeeRhs } from './committee.js';
import { MODEL, PAR, meanfieldParamsLength, odeWorkF64, paramsLength } from '../gen/committee_layout.js';
import { meanfieldRhs, meanfieldRisk, meanfieldWorkF64 } from './meanfield.js';
import type { KernelExports } from '../wasm/exports.gen.js';

const HEADER = PAR.HEADER;

/** Length (f64) of a params block of the given model, read from its header. */
function paramsLen(model: number, h: Float64Array): number {
  const p = h[PAR.P],
    k = h[PAR.K];
  if (model === MODEL.committee) return paramsLength(k);
  if (model === MODEL.meanfield) return meanfieldParamsLength(k, h[PAR.GJ_NODES]);
  if (model === MODEL.linearTest) return HEADER + p * p; // params[0] = n, A (n×n) after the header
  return HEADER;
}

/** RHS callback of a model code over a params copy (0 committee, 1 mean-field, 2 linear test, 3 quadratic test). */
export function modelRhs(model: number, params: Float64Array): Rhs {
  switch (model) {
    case MODEL.committee:
      return (_t, y, dy) => committeeRhs(params, y, dy);
    case MODEL.meanfield:
      return (_t, y, dy) => meanfieldRhs(params, y, dy);
    case MODEL.linearTest:
      return linearRhs(params.subarray(HEADER), params[0]);
    case MODEL.quadraticTest:
      return quadraticTestRhs;
    default:
      return (_t, _y, dy) => dy.fill(NaN);
  }
}

/** The ode_* / meanfield_* raw exports implemented by the TS twins over a byte-addressed memory (pointers are byte
 *  offsets into mem.buffer, as in the Wasm module). Spread into tsKernels() to run the ODE engine without Wasm. */
export function rawOdeTwins(mem: {
  buffer: ArrayBuffer;
}): Pick<KernelExports, 'ode_work_f64' | 'ode_euler' | 'ode_rk4' | 'ode_dopri5' | 'meanfield_work_f64' | 'meanfield_rhs' | 'meanfield_risk'> {
  const f64 = (p: number, n: number) => new Float64Array(mem.buffer, p, n);
  const paramsOf = (model: number, p: number) => f64(p, paramsLen(model, f64(p, HEADER)));
  const postOf = (model: number, params: Float64Array) => (model === MODEL.committee ? symmetriseQ(params[PAR.P]) : undefined);
  const fixed =
    (method: 0 | 1) =>
    (model: number, pp: number, py: number, n: number, t0: number, dt: number, pt: number, ns: number, pout: number, pw: number, pst: number) => {
      const params = paramsOf(model, pp);
      return fixedDriver(
        method,
        modelRhs(model, params),
        f64(py, n),
        t0,
        dt,
        f64(pt, ns),
        f64(pout, ns * n),
        f64(pw, 14 * n),
        f64(pst, ODE_STATS_LEN + ns),
        postOf(model, params),
      );
    };
  return {
    ode_work_f64: (model, n, p, k) => odeWorkF64(model, n, p, k),
    ode_euler: fixed(0),
    ode_rk4: fixed(1),
    ode_dopri5: (model, pp, py, n, t0, pt, ns, pout, rtol, atol, hmax, hmin, maxSteps, pw, pst) => {
      const params = paramsOf(model, pp);
      return dopri5(
        modelRhs(model, params),
        f64(py, n),
        t0,
        f64(pt, ns),
        f64(pout, ns * n),
        { rtol, atol, hmax, hmin, maxSteps, post: postOf(model, params) },
        f64(pw, 14 * n),
        f64(pst, ODE_STATS_LEN),
      );
    },
    meanfield_work_f64: (p, k) => meanfieldWorkF64(p, k),
    meanfield_rhs: (pp, py, pdy, _work) => {
      const params = paramsOf(1, pp),
        n = params[0] * params[1] + params[0];
      meanfieldRhs(params, f64(py, n), f64(pdy, n));
    },
    meanfield_risk: (pp, py, _work) => {
      const params = paramsOf(1, pp);
      return meanfieldRisk(params, f64(py, params[0] * params[1] + params[0]));
    },
  };
}
