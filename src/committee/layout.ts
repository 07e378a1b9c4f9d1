// Memory layout of the committee engine. The slots, codes and work sizes shared with the Wasm kernels are
// generated from codegen/contract.mjs (src/gen/committee_layout.ts, assembly/gen/committee_layout.ts);
// this module re-exports them with the host-only helpers.
export {
  PAR,
  VAR_CODE,
  ACT_CODE,
  MODEL,
  ODE_STATUS,
  ODE_ST,
  ODE_STATS_LEN,
  paramsLength,
  meanfieldPinvOffset,
  meanfieldZOffset,
  meanfieldParamsLength,
  committeeWorkF64,
  meanfieldWorkF64,
  odeWorkF64,
} from '../gen/committee_layout.js';
import type { VAR_CODE, ACT_CODE } from '../gen/committee_layout.js';

export type VarTerms = keyof typeof VAR_CODE;
export type Activation = keyof typeof ACT_CODE;

/** f64 length of the committee ODE state: Q (p×p full), M (p×k), a (p) if the second layer is trained. */
export function stateLength(p: number, k: number, trainA: boolean): number {
  return p * p + p * k + (trainA ? p : 0);
}
/** f64 length of the mean-field state: M (p×k), q (p). */
export function meanfieldStateLength(p: number, k: number): number {
  return p * k + p;
}
