// Shared memory layout of the committee engine (mirrors assembly/committee_layout.ts; keep in sync).
// Params block (f64): 16 header slots, then P (k×k row-major), then a* (k).
// Committee ODE state: Q (p×p full), M (p×k), a (p, if trained). Mean-field state: M (p×k), q (p).
export const PAR = {
  P: 0,
  K: 1,
  GAMMA_OVER_P: 2,
  NOISE: 3,
  VAR: 4,
  ACT: 5,
  TACT: 6,
  TRAIN_A: 7,
  GH_NODES: 8,
  DIM: 9,
  GJ_NODES: 10,
  HEADER: 16,
} as const;

export const VAR_CODE = { none: 0, noise: 1, full: 2 } as const;
export const ACT_CODE = { erf: 0, linear: 1, quadratic: 2, relu: 3 } as const;
export const MODEL = { committee: 0, meanfield: 1, linearTest: 2 } as const;
export const ODE_STATUS = { ok: 0, maxSteps: 1, stepTooSmall: 2, nonFinite: 3 } as const;

export type VarTerms = keyof typeof VAR_CODE;
export type Activation = keyof typeof ACT_CODE;

export function paramsLength(k: number): number {
  return PAR.HEADER + k * k + k;
}
export function stateLength(p: number, k: number, trainA: boolean): number {
  return p * p + p * k + (trainA ? p : 0);
}
export function meanfieldStateLength(p: number, k: number): number {
  return p * k + p;
}

/** f64 work of the committee RHS/risk kernels (mirrors committee_work_f64 in assembly/committee.ts:
 *  Ω, six N-vectors, scratch, g, μ, ν, H and the 168 ReLU cache slots). */
export function committeeWorkF64(p: number, k: number): number {
  const n = p + k;
  return n * n + 7 * n + 16 + p * n + 2 * p + p * p + 168 + 8;
}
/** f64 work of the mean-field RHS/risk (mirrors meanfield_work_f64 in assembly/meanfield.ts). */
export function meanfieldWorkF64(p: number, k: number): number {
  return p * k + 2 * p + 4 * k * k + 8;
}
/** f64 work of the integrators (mirrors ode_work_f64 in assembly/ode.ts: 14 state vectors + model). */
export function odeWorkF64(model: number, n: number, p: number, k: number): number {
  return 14 * n + (model === MODEL.meanfield ? meanfieldWorkF64(p, k) : model === MODEL.committee ? committeeWorkF64(p, k) : 0);
}
