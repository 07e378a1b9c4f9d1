// The params block of the mean-field model (committee.md §5) for the Wasm kernel and its twin: the committee
// header, P, a*, then P⁻¹ and the Gauss–Jacobi nodes/weights of the law of Ξ_jl (layout: assembly/meanfield.ts).
import { PAR, VAR_CODE, ACT_CODE, meanfieldParamsLength, meanfieldPinvOffset, meanfieldZOffset, type VarTerms } from './layout.js';
import { invert } from '../numerics/dense.js';
import { gaussJacobiXi } from '../numerics/quadrature.js';

export interface MeanfieldSpec {
  p: number;
  k: number;
  activation: 'erf' | 'quadratic';
  /** Teacher overlap P (k×k row-major); default I. */
  P?: ArrayLike<number>;
  /** Teacher second layer; default 1 (required 1 for quadratic). */
  aStar?: ArrayLike<number>;
  gammaOverP?: number;
  noise?: number;
  varTerms?: VarTerms;
  /** Input dimension d; 0 or Infinity → high-d mean field (no Ξ average). */
  d?: number;
  /** Gauss–Jacobi nodes for the erf Ξ average (default 24). */
  nodes?: number;
}

/** Params block for MODEL_MEANFIELD: header, P, a*, then P⁻¹, z (nGJ), w (nGJ). */
export function meanfieldParams(spec: MeanfieldSpec): Float64Array {
  const { p, k } = spec;
  const P = spec.P ?? Float64Array.from({ length: k * k }, (_, i) => (i % (k + 1) === 0 ? 1 : 0));
  const aStar = spec.aStar ?? new Float64Array(k).fill(1);
  const d = spec.d === undefined || !Number.isFinite(spec.d) ? 0 : spec.d;
  const erf = spec.activation === 'erf';
  const gj = erf && d > 0 ? gaussJacobiXi(d, k, spec.nodes ?? 24) : { z: new Float64Array(0), w: new Float64Array(0) };
  const ng = gj.z.length;
  const out = new Float64Array(meanfieldParamsLength(k, ng));
  out[PAR.P] = p;
  out[PAR.K] = k;
  out[PAR.GAMMA_OVER_P] = spec.gammaOverP ?? 0;
  out[PAR.NOISE] = spec.noise ?? 0;
  out[PAR.VAR] = VAR_CODE[spec.varTerms ?? 'none'];
  out[PAR.ACT] = ACT_CODE[spec.activation];
  out[PAR.TACT] = ACT_CODE[spec.activation];
  out[PAR.DIM] = d;
  out[PAR.GJ_NODES] = ng;
  out.set(Array.from(P), PAR.HEADER);
  out.set(Array.from(aStar), PAR.HEADER + k * k);
  out.set(invert(P, k), meanfieldPinvOffset(k));
  out.set(gj.z, meanfieldZOffset(k));
  out.set(gj.w, meanfieldZOffset(k) + ng);
  return out;
}
