// The params block P of the direct-simulation kernels (assembly/dmft_sim.ts, dmft.md §11; slots from
// codegen/contract.mjs): sizes, learning rate, batch, flags, and the Hermite coefficients of σ and h.
import { DSIM_PAR as PAR, DSIM_PAR_LEN, DSIM_MAX_DEGREE } from '../gen/dmft_layout.js';

export interface SimParams {
  m: number;
  d: number;
  n: number;
  /** h(q) = Σ c_k q^k, c[k] for k = 0..K. */
  h: ArrayLike<number>;
  lr: number;
  batch: number;
  trainA: boolean;
  project: boolean;
  tau: number;
  signal: boolean;
}

/** The params block P of the kernels (layout in assembly/dmft_sim.ts). */
export function paramsBlock(p: SimParams): Float64Array {
  const P = new Float64Array(DSIM_PAR_LEN);
  const K = p.h.length - 1;
  if (K > DSIM_MAX_DEGREE) throw new RangeError(`degree ${K} > ${DSIM_MAX_DEGREE}`);
  P[PAR.M] = p.m;
  P[PAR.D] = p.d;
  P[PAR.N] = p.n;
  P[PAR.K] = K;
  P[PAR.LR] = p.lr;
  P[PAR.B] = p.batch;
  P[PAR.TRAIN_A] = p.trainA ? 1 : 0;
  P[PAR.PROJECT] = p.project ? 1 : 0;
  P[PAR.TAU] = p.tau;
  P[PAR.SIGNAL] = p.signal ? 1 : 0;
  let fact = 1;
  for (let k = 0; k <= K; k++) {
    if (k > 0) fact *= k;
    P[PAR.B0 + k] = Math.sqrt(p.h[k]) / Math.sqrt(fact);
    P[PAR.C0 + k] = p.h[k];
  }
  return P;
}
