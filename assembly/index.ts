// One module: every kernel family is re-exported here. Kernels never allocate; the host owns memory.
export * from "./probe";
export * from "./rng";
export * from "./blas";
export * from "./gemm";
export * from "./eigh";
export * from "./eigh_2stage";
// special.ts: only the test wrappers; asin/erf/erfc/phi1 themselves are AS-internal (used by other kernels).
export { special_asin, special_erf, special_erfc, special_phi1 } from "./special";
export * from "./kernel";
export * from "./committee";
export * from "./ode";
export * from "./meanfield";
export * from "./sgd";
export * from "./dmft";
export * from "./dmft_sim";
export * from "./dmft_reduced";
export * from "./dmft_grid";
// SymmDMFT on the θ = t′/t grid (issue 11, dmft-grid.md): one evaluation of a slice (sample side, kernels, ray
// derivatives); TS twin thetaEval in src/numerics/dmft-theta.ts, bitwise the same operations.
export * from "./dmft_theta";
