// The committee engine's descriptor (committee.md): fields and the computing commands `committee ode`
// (the overlap ODE, or the mean-field (M, q) ODE) and `committee sgd` (SGD over seeds beside the ODE
// from the same initial state).
import { command, curveSummary, type EngineDescriptor, type Field } from '../core/engine.js';
import { committeeBundle } from '../io/bundles.js';
import { committeeFigure } from '../plot/engines.js';
import type { CommitteeProblem, CommitteeProblemInput } from './problem.js';
import { solveCommittee, validateCommitteeProblem, type CommitteeSolution } from './solve.js';

const model: Field[] = [
  {
    key: 'p',
    flag: 'p',
    kind: 'int',
    help: 'student width p',
    widget: { label: 'student width p', control: 'int', def: '2', slider: { min: 1, max: 16, step: 1 }, group: 'model' },
  },
  {
    key: 'k',
    flag: 'k',
    kind: 'int',
    help: 'teacher width k (≤ p)',
    widget: { label: 'teacher width k', control: 'int', def: '2', slider: { min: 1, max: 16, step: 1 }, group: 'model' },
  },
  {
    key: 'activation',
    flag: 'activation',
    kind: 'string',
    default: 'erf',
    help: 'student σ: erf (erf(x/√2)) | linear | quadratic | relu',
    widget: { label: 'activation σ', control: 'select', def: 'erf', options: ['erf', 'relu', 'linear', 'quadratic'], group: 'model' },
  },
  { key: 'teacherActivation', flag: 'teacher-activation', kind: 'string', default: 'the student’s', help: 'teacher σ*' },
  {
    key: 'lr',
    flag: 'lr',
    kind: 'number',
    help: 'learning rate γ (the ODE sees γ/p)',
    widget: { label: 'learning rate γ', control: 'number', def: '1', slider: { min: -2, max: 1, step: 0.05, log: true }, group: 'model' },
  },
  {
    key: 'noise',
    flag: 'noise',
    kind: 'number',
    default: '0',
    help: 'label-noise variance Δ',
    widget: { label: 'label noise Δ', control: 'number', def: '0.001', slider: { min: -5, max: 0, step: 0.1, log: true }, group: 'model' },
  },
  {
    key: 'variance',
    flag: 'variance',
    kind: 'string',
    default: 'full',
    help: 'variance term of dQ/dt: full | noise | none',
    widget: { label: 'variance term', control: 'select', def: 'full', options: ['full', 'noise', 'none'], group: 'model' },
  },
  {
    key: 'model',
    flag: 'model',
    kind: 'string',
    default: 'full',
    help: 'full (overlaps Q, M) | meanfield ((M, q), large p)',
    widget: { label: 'ODE model', control: 'select', def: 'full', options: ['full', 'meanfield'], group: 'model' },
  },
  {
    key: 'trainSecondLayer',
    flag: 'train-second-layer',
    kind: 'switch',
    help: 'train the second layer a (rate γ/d, committee.md S7)',
    widget: { label: 'train second layer', control: 'bool', def: 'false', group: 'model' },
  },
  {
    key: 'initFamily',
    flag: 'init-family',
    kind: 'string',
    help: 'named seeded initial state instead of --init-file: small | small:Q0:M0 (Q = Q0·I, M = M0·G, G Gaussian from --seed; defaults 1e-2, 1e-3)',
  },
  { key: 'init', flag: 'init-file', kind: 'jsonFile', help: 'JSON with the initial overlaps {Q, M, P?, a?, aStar?} (a needs --train-second-layer)' },
  {
    key: 'dim',
    flag: 'dim',
    kind: 'int',
    default: '1000',
    help: 'input dimension d (SGD, default initial state)',
    widget: { label: 'input dimension d', control: 'int', def: '500', slider: { min: 10, max: 5000, step: 10 }, group: 'model' },
  },
];

const time: Field[] = [
  {
    key: 'tMin',
    flag: 't-min',
    kind: 'number',
    default: 'min(1e-2, t-max/100)',
    unit: 't = νγ/(pd)',
    help: 'first save time',
    widget: { label: 't min', control: 'number', def: '0.1', group: 'time' },
  },
  {
    key: 'tMax',
    flag: 't-max',
    kind: 'number',
    default: '1e4',
    unit: 't = νγ/(pd)',
    help: 'horizon',
    widget: { label: 't max', control: 'number', def: '300', slider: { min: 0, max: 5, step: 0.1, log: true }, group: 'time' },
  },
  {
    key: 'tCount',
    flag: 't-count',
    kind: 'int',
    default: '301',
    help: 'log-spaced save times',
    widget: { label: 'time points', control: 'int', def: '60', group: 'time' },
  },
  { key: 'method', flag: 'method', kind: 'string', default: 'dopri5', help: 'dopri5 | rk4 | euler' },
  { key: 'dt', flag: 'dt', kind: 'number', default: '1e-3', help: 'fixed step of euler/rk4' },
  { key: 'rtol', flag: 'rtol', kind: 'number', default: '1e-8', help: 'DOPRI5 relative tolerance' },
  { key: 'atol', flag: 'atol', kind: 'number', default: '1e-10', help: 'DOPRI5 absolute tolerance' },
  { key: 'maxSteps', flag: 'max-steps', kind: 'int', default: '1e8', help: 'integrator step budget' },
];

const host: Field[] = [
  { key: 'seed', flag: 'seed', kind: 'int', default: '0', help: 'base seed', widget: { label: 'base seed', control: 'int', def: '0', group: 'sim' } },
  { key: 'threads', flag: 'threads', kind: 'int', default: '1', help: 'worker threads' },
  { key: 'budgetBytes', flag: 'budget-bytes', kind: 'number', default: '3 GiB', unit: 'bytes', help: 'Wasm memory budget' },
];

const sgdOnly: Field[] = [
  {
    key: 'seeds',
    flag: 'seeds',
    kind: 'int',
    default: '1',
    help: 'SGD replicates',
    widget: { label: 'SGD seeds', control: 'int', def: '2', slider: { min: 1, max: 16, step: 1 }, group: 'sim' },
  },
  { key: 'maxSgdSteps', flag: 'max-sgd-steps', kind: 'number', default: '2e10', help: 'budget on total SGD steps, all seeds' },
];

/** Every committee problem field, in form order. */
export const committeeFields: Field[] = [...model, ...time, ...sgdOnly, ...host];

/** Contract JSON of the committee commands: arrays aligned to "t"; "risk" is the excess risk R − Δ/2
 *  (of the ODE for `ode`, the SGD mean for `sgd`, which adds "riskSE", "ode", "agreement"). */
export function committeeJSON(sol: CommitteeSolution): Record<string, unknown> {
  const common = {
    status: sol.status,
    message: sol.message,
    t: sol.t,
    initial: sol.initial,
    initialQ: sol.initial.Q,
    initialM: sol.initial.M,
    P: sol.initial.P,
    plateaus: sol.plateaus,
    regime: sol.regime,
    stats: sol.stats,
    timings: sol.timings,
    problem: sol.problem,
  };
  if (!sol.sgd) return { ...common, risk: sol.odeRisk, Q: sol.Q, M: sol.M, a: sol.a };
  return {
    ...common,
    risk: sol.sgd.risk,
    riskSE: sol.sgd.riskSE,
    riskQ10: sol.sgd.riskQ10,
    riskQ90: sol.sgd.riskQ90,
    riskBySeed: sol.sgd.riskBySeed,
    ode: sol.odeRisk,
    steps: sol.sgd.steps,
    agreement: sol.agreement,
    Q: sol.sgd.Q,
    M: sol.sgd.M,
    odeQ: sol.Q,
    odeM: sol.M,
    sgdPlateaus: sol.sgdPlateaus,
    seedsCompleted: sol.sgd.seedsCompleted,
  };
}

export function committeeText(sol: CommitteeSolution): string {
  const f = (x: number) => (Number.isFinite(x) ? x.toExponential(3).padStart(10) : '       n/a');
  const lines = [`regime: ${sol.regime.regime} — ${sol.regime.explanation}`];
  for (const pl of sol.plateaus.plateaus)
    lines.push(`plateau: onset t ≈ ${pl.onset.toPrecision(3)}, height ${pl.height.toExponential(3)}, escape t ≈ ${pl.escape.toPrecision(3)}`);
  if (sol.plateaus.floor) lines.push(`final level: ${sol.plateaus.floor.height.toExponential(3)} from t ≈ ${sol.plateaus.floor.onset.toPrecision(3)}`);
  if (sol.agreement)
    lines.push(
      `agreement: sup|R_SGD − R_ODE| = ${sol.agreement.supAbs.toExponential(3)} = ${sol.agreement.supOverScale.toFixed(3)} × √(γ/(pd)) (at t ≈ ${sol.agreement.at.toPrecision(3)})`,
    );
  lines.push(sol.sgd ? '         t   ODE risk   SGD risk     SGD se' : '         t   ODE risk');
  let lastLog = -Infinity;
  sol.t.forEach((t, i) => {
    if (Math.log10(t) - lastLog < 0.49 && i !== sol.t.length - 1) return;
    lastLog = Math.log10(t);
    lines.push([t, sol.odeRisk[i], ...(sol.sgd ? [sol.sgd.risk[i], sol.sgd.riskSE[i]] : [])].map(f).join(' '));
  });
  return lines.join('\n');
}

/** Summary scalars: the risk's final/min/argmin, the first plateau (onset, escape, height; NaN when
 *  none was detected), the final level, and (sgd) the SGD–ODE agreement sup|R_SGD − R_ODE|. */
export function committeeSummary(sol: CommitteeSolution): Record<string, number> {
  const pl = sol.plateaus.plateaus[0];
  return {
    ...curveSummary('risk', sol.t, sol.sgd ? sol.sgd.risk : sol.odeRisk),
    ...(sol.sgd ? curveSummary('ode', sol.t, sol.odeRisk) : {}),
    plateaus: sol.plateaus.plateaus.length,
    plateauOnset: pl ? pl.onset : NaN,
    plateauEscape: pl ? pl.escape : NaN,
    plateauHeight: pl ? pl.height : NaN,
    floorHeight: sol.plateaus.floor ? sol.plateaus.floor.height : NaN,
    ...(sol.sgd ? { agreementSupAbs: sol.agreement?.supAbs ?? NaN, agreementSupOverScale: sol.agreement?.supOverScale ?? NaN } : {}),
  };
}

const committeeCommand = (name: 'ode' | 'sgd', description: string) => {
  const simulate = name === 'sgd';
  return command({
    name,
    description,
    fields: simulate ? committeeFields : [...model, ...time, ...host],
    prepare: (params): CommitteeProblem => validateCommitteeProblem(params as CommitteeProblemInput, simulate).problem,
    memoryBytes: (p) => validateCommitteeProblem(p as CommitteeProblemInput, simulate).memoryBytes,
    solve: (p, options) => solveCommittee(p as CommitteeProblemInput, { ...options, simulate }),
    ...(simulate ? { checkpoints: 'parts' as const } : {}),
    json: committeeJSON,
    text: committeeText,
    bundle: committeeBundle,
    figure: (sol) => committeeFigure(sol),
    summary: committeeSummary,
  });
};

export const committeeEngine: EngineDescriptor = {
  name: 'committee',
  description: 'one-pass SGD in two-layer teacher–student networks: overlap ODEs and the SGD they describe (Saad & Solla; Arnaboldi et al.)',
  commands: [
    committeeCommand('ode', 'integrate the overlap ODE (Q, M[, a]) or the mean-field (M, q) ODE'),
    committeeCommand('sgd', 'run one-pass SGD over seeds and the ODE from the same initial state, with the agreement figure'),
  ],
};
