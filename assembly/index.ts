// One module: every kernel family is re-exported here. Kernels never allocate; the host owns memory.
export * from "./probe";
export * from "./rng";
export * from "./blas";
export * from "./eigh";
export * from "./special";
export * from "./kernel";
export * from "./committee";
export * from "./ode";
export * from "./meanfield";
export * from "./sgd";
export * from "./dmft";
export * from "./dmft_sim";
export * from "./dmft_reduced";
export * from "./dmft_grid";
