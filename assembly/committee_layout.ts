// Shared memory layout of the committee engine (mirrors src/committee/layout.ts; keep in sync).
//
// Params block (f64): header of 16 slots, then P (k×k, row-major), then a* (k).
//   [0] p   [1] k   [2] gamma/p   [3] noise Δ   [4] varTerms (0 none, 1 noise, 2 full)
//   [5] student activation   [6] teacher activation   (0 erf(x/√2), 1 linear, 2 quadratic x², 3 relu)
//   [7] train second layer (0/1)   [8] Gauss–Hermite nodes per dimension (relu I4)   [9] d (mean-field Ξ average)
//   [10] Gauss–Jacobi nodes (mean-field Ξ average)   [11..15] reserved (0)
// Committee ODE state y (f64): Q (p×p, full, symmetric), then M (p×k), then a (p) if trained.
// Mean-field state (f64): M (p×k), then q (p).
export const PAR_P: i32 = 0;
export const PAR_K: i32 = 1;
export const PAR_GAMMA_OVER_P: i32 = 2;
export const PAR_NOISE: i32 = 3;
export const PAR_VAR: i32 = 4;
export const PAR_ACT: i32 = 5;
export const PAR_TACT: i32 = 6;
export const PAR_TRAIN_A: i32 = 7;
export const PAR_GH_NODES: i32 = 8;
export const PAR_DIM: i32 = 9;
export const PAR_GJ_NODES: i32 = 10;
export const PAR_HEADER: i32 = 16;

export const VAR_NONE: i32 = 0;
export const VAR_NOISE: i32 = 1;
export const VAR_FULL: i32 = 2;

export const ACT_ERF: i32 = 0;
export const ACT_LINEAR: i32 = 1;
export const ACT_QUADRATIC: i32 = 2;
export const ACT_RELU: i32 = 3;

export const MODEL_COMMITTEE: i32 = 0;
export const MODEL_MEANFIELD: i32 = 1;
/** Test model: dy/dt = A y with A (n×n) stored in params[PAR_HEADER..]; params[0] = n. */
export const MODEL_LINEAR_TEST: i32 = 2;

// Integrator status codes.
export const ODE_OK: i32 = 0;
export const ODE_MAX_STEPS: i32 = 1;
export const ODE_STEP_TOO_SMALL: i32 = 2;
export const ODE_NON_FINITE: i32 = 3;
