// learndyn library entry: Problem → solve → Solution for each engine, plus the building blocks
// (Wasm runtime, linear algebra, RNG, spectra, theory curves, output encoders).
export { VERSION } from './version.js';

// Runtime
export { loadWasm, defaultRuntime, simdSupported, DEFAULT_BUDGET_BYTES, type WasmRuntime, type Variant, type LoadOptions } from './wasm/runtime.js';
export { Arena, MemoryBudgetError, fmtBytes } from './wasm/arena.js';
export { InlineExecutor, WorkerPool, type Executor } from './wasm/exec.js';
export { ParameterError } from './core/validate.js';
export {
  EXIT,
  exitCode,
  combineStatus,
  STATUSES,
  type Status,
  type SolveOptions as EngineSolveOptions,
  type ProgressEvent as EngineProgressEvent,
} from './core/contract.js';

// Kernel gradient flow (kernel.md)
export { kernelProblem, kernelProblemSchema, logspace, type KernelProblem, type KernelProblemInput } from './kernel/problem.js';
export { solveKernel, validateKernelProblem, type KernelSolution, type KernelCurves, type SolveOptions, type ProgressEvent } from './kernel/solve.js';
export { compareKernels, type KernelComparison } from './kernel/compare.js';
export { buildSetup, spectrumTable, type KernelSetup } from './kernel/setup.js';
export { estimateMemory } from './kernel/memory.js';
export { flowFilter, flowResidual, gdFilter, gdResidual, maxStableLr } from './kernel/filters.js';
export * from './kernel/kernels.js';
export {
  spectrum,
  truncatedSpectrum,
  kappaAbove,
  multiplicity,
  logMultiplicity,
  hypercubeMultiplicity,
  sphereEigenvalue,
  hypercubeEigenvalue,
  eigenvalueExpK12,
  type Spectrum,
  type Domain,
} from './kernel/spectrum.js';
export { oracleRisk, stageBoundaries, blockApproximation, eigenlearning, stageReport, staircase } from './kernel/theory.js';
export { targetTermsFromEnergies, evalTarget, evalTargetBatch, singleIndexEnergies, type TargetTerm } from './kernel/targets.js';

// One-pass SGD in two-layer networks (committee.md)
export { committeeProblem, committeeProblemSchema, type CommitteeProblem, type CommitteeProblemInput } from './committee/problem.js';
export { solveCommittee, buildParams as committeeParams, type CommitteeSolution, type CommitteeSolveOptions } from './committee/solve.js';
export { detectPlateaus, classifyRegime, agreement, type Plateau, type RegimeReport, type Agreement } from './committee/analysis.js';
export { runSgd, summarizeSgd, type SgdOptions, type SgdResult } from './committee/sgd.js';
export { integrateOverlaps, integrateWith, type OdeResult } from './committee/ode-driver.js';
export { weightsFromOverlaps } from './committee/init.js';
export { rhsGeneral, riskGeneral } from './committee/integrals.js';
export * as committeeLayout from './committee/layout.js';

// DMFT of large two-layer networks (dmft.md)
export { dmftProblem, dmftProblemSchema, dmftMemoryBytes, type DmftProblem, type DmftProblemInput } from './dmft/problem.js';
export { dmftSteps, solveDmft, validateDmftProblem, type DmftSolution, type DmftSolveOptions, type DmftStepEvent } from './dmft/solve.js';
export { decodeState, encodeState, type DmftCheckpoint } from './dmft/checkpoint.js';
export { solveReduced, thresholdScan, fitThresholdPowerLaw, type ReducedProblem, type ReducedSolution } from './dmft/reduced.js';
export { simulateNetwork, simulateGaussianModel, runSimulation, simulateOptions, type SimResult } from './dmft/simulate.js';
export { simulateDmft, planSimulation, type SimulationProblemInput } from './dmft/simulate-solve.js';
export { meanFieldOde } from './dmft/mean-field-ode.js';
export { solveGeneralDmft, type GeneralDmftSolution } from './dmft/general.js';

// Building blocks
export * as linalg from './linalg/index.js';
export * as rng from './rng/index.js';
export * as io from './io/index.js';

// Figures (issue 5): FigureDesc builders per engine, Vega-Lite spec, headless SVG, PNG
export { vegaLiteSpec, panelRows, HOUSE_CONFIG, TAB10, type FigureDesc, type Panel, type Series, type Rule, type Band } from './plot/figure.js';
export { renderSvg, figureFiles, type FigureFiles } from './plot/render.js';
export { svgToPng, initPng } from './plot/png.js';
export {
  kernelFigure,
  kernelComparisonFigure,
  committeeFigure,
  dmftFigure,
  dmftSimulationFigure,
  type DmftTimeAxis,
  type DmftSimulationCurves,
} from './plot/engines.js';

// Paper reproductions (`learndyn reproduce`)
export {
  REPRODUCTIONS,
  findReproduction,
  runReproduction,
  formatChecks,
  checkPasses,
  type ReproduceEntry,
  type ReproduceResult,
  type Check,
} from './reproduce/index.js';
