// Parameter forms of the explorer: one field list per engine, parsing of the field texts, and
// per-field validation with the library's own zod schemas and problem functions, so an invalid
// field shows the same "allowed: …" text as the CLI's one-line error. Pure TS (main thread + tests).
import type { z } from 'zod';
import { ParameterError } from '../../src/core/validate.js';
import { kernelProblem, kernelProblemSchema } from '../../src/kernel/problem.js';
import { committeeProblem, committeeProblemSchema } from '../../src/committee/problem.js';
import { dmftProblem, dmftProblemSchema } from '../../src/dmft/problem.js';
import { simulateOptions, simulateSchema } from '../../src/dmft/simulate.js';
import { MemoryBudgetError } from '../../src/wasm/arena.js';

export type Engine = 'kernel' | 'committee' | 'dmft';
export const ENGINES: Engine[] = ['kernel', 'committee', 'dmft'];
export const ENGINE_TITLES: Record<Engine, string> = { kernel: 'Kernel', committee: 'Committee', dmft: 'DMFT' };

/** Wasm memory budget of explorer runs (browsers refuse multi-GiB memories more readily than Node). */
export const EXPLORER_BUDGET = 1024 ** 3;

export type FieldKind = 'int' | 'number' | 'numbers' | 'select' | 'bool' | 'text';

export interface FieldSpec {
  key: string;
  label: string;
  kind: FieldKind;
  /** Default, as the text shown in the field ('true'/'false' for checkboxes). */
  def: string;
  options?: string[];
  /** A range slider beside the field (log: the slider moves the exponent). */
  slider?: { min: number; max: number; step?: number; log?: boolean };
  help?: string;
  /** 'model' and 'time' feed the theory; 'sim' only the simulation. */
  group: 'model' | 'time' | 'sim';
  /** Empty text leaves the parameter out (library default). */
  optional?: boolean;
  /** Not a problem parameter (network simulation beside the DMFT, figure clock). */
  extra?: boolean;
  /** Only used when another field has this value (disabled otherwise). */
  when?: { key: string; value: string };
}

export const FIELDS: Record<Engine, FieldSpec[]> = {
  kernel: [
    { key: 'kernel', label: 'kernel h(s)', kind: 'text', def: 'exp', options: ['exp', 'exp:0.5', 'relu-ntk', 'arccos0', 'arccos1', 'poly:0,1,0.5,0.25'], group: 'model', help: "built-in name: exp, exp:τ, relu-ntk, arccos0, arccos1, poly:a0,a1,…" },
    { key: 'domain', label: 'domain', kind: 'select', def: 'sphere', options: ['sphere', 'hypercube'], group: 'model' },
    { key: 'dim', label: 'dimension d', kind: 'int', def: '30', slider: { min: 2, max: 200, step: 1 }, group: 'model' },
    { key: 'samples', label: 'samples n', kind: 'int', def: '300', slider: { min: 10, max: 3000, step: 10 }, group: 'model' },
    { key: 'energies', label: 'energies c_k²', kind: 'numbers', def: '0, 0.333, 0.333, 0.333', group: 'model', help: 'target energy per degree k = 0, 1, 2, …' },
    { key: 'noiseSd', label: 'noise sd', kind: 'number', def: '0.5', slider: { min: 0, max: 2, step: 0.05 }, group: 'model' },
    { key: 'tMin', label: 't min', kind: 'number', def: '1', group: 'time' },
    { key: 'tMax', label: 't max', kind: 'number', def: '1e8', slider: { min: 1, max: 12, step: 0.5, log: true }, group: 'time' },
    { key: 'tCount', label: 'time points', kind: 'int', def: '71', group: 'time' },
    { key: 'seeds', label: 'seeds', kind: 'int', def: '2', slider: { min: 1, max: 16, step: 1 }, group: 'sim' },
    { key: 'seed', label: 'base seed', kind: 'int', def: '0', group: 'sim' },
    { key: 'testPoints', label: 'MC test points', kind: 'int', def: '2000', group: 'sim' },
  ],
  committee: [
    { key: 'p', label: 'student width p', kind: 'int', def: '2', slider: { min: 1, max: 16, step: 1 }, group: 'model' },
    { key: 'k', label: 'teacher width k', kind: 'int', def: '2', slider: { min: 1, max: 16, step: 1 }, group: 'model' },
    { key: 'activation', label: 'activation σ', kind: 'select', def: 'erf', options: ['erf', 'relu', 'linear', 'quadratic'], group: 'model' },
    { key: 'lr', label: 'learning rate γ', kind: 'number', def: '1', slider: { min: -2, max: 1, step: 0.05, log: true }, group: 'model' },
    { key: 'noise', label: 'label noise Δ', kind: 'number', def: '0.001', slider: { min: -5, max: 0, step: 0.1, log: true }, group: 'model' },
    { key: 'variance', label: 'variance term', kind: 'select', def: 'full', options: ['full', 'noise', 'none'], group: 'model' },
    { key: 'model', label: 'ODE model', kind: 'select', def: 'full', options: ['full', 'meanfield'], group: 'model' },
    { key: 'trainSecondLayer', label: 'train second layer', kind: 'bool', def: 'false', group: 'model' },
    { key: 'dim', label: 'input dimension d', kind: 'int', def: '500', slider: { min: 10, max: 5000, step: 10 }, group: 'model' },
    { key: 'tMin', label: 't min', kind: 'number', def: '0.1', group: 'time' },
    { key: 'tMax', label: 't max', kind: 'number', def: '300', slider: { min: 0, max: 5, step: 0.1, log: true }, group: 'time' },
    { key: 'tCount', label: 'time points', kind: 'int', def: '60', group: 'time' },
    { key: 'seeds', label: 'SGD seeds', kind: 'int', def: '2', slider: { min: 1, max: 16, step: 1 }, group: 'sim' },
    { key: 'seed', label: 'base seed', kind: 'int', def: '0', group: 'sim' },
  ],
  dmft: [
    { key: 'm', label: 'width m', kind: 'int', def: '16', slider: { min: 1, max: 256, step: 1 }, group: 'model' },
    { key: 'alpha', label: 'α = n/(md)', kind: 'number', def: '0.3', slider: { min: 0.01, max: 4, step: 0.01 }, group: 'model' },
    { key: 'tau', label: 'noise τ', kind: 'number', def: '0.6', slider: { min: 0, max: 2, step: 0.05 }, group: 'model' },
    { key: 'h', label: 'h(q) coefficients', kind: 'numbers', def: '0, 0.9, 0, 0.1666666667', group: 'model', help: 'h(q) = Σ c_k q^k; c_0 = 0 for the network simulation' },
    { key: 'phiHat', label: 'teacher φ̂', kind: 'select', def: 'same', options: ['same', 'none'], group: 'model' },
    { key: 'init', label: 'init', kind: 'select', def: 'mean-field', options: ['mean-field', 'lazy'], group: 'model' },
    { key: 'a0', label: 'a(0)', kind: 'number', def: '1', optional: true, group: 'model', help: 'mean-field init (empty: 1)', when: { key: 'init', value: 'mean-field' } },
    { key: 'gamma0', label: 'γ₀', kind: 'number', def: '1', optional: true, group: 'model', help: 'lazy init: a(0) = γ₀√m', when: { key: 'init', value: 'lazy' } },
    { key: 'frozenA', label: 'freeze second layer', kind: 'bool', def: 'false', group: 'model' },
    { key: 'scheme', label: 'scheme', kind: 'select', def: 'explicit', options: ['explicit', 'semi-implicit'], group: 'time' },
    { key: 'eta', label: 'grid step η', kind: 'number', def: '0.05', group: 'time', help: 'cost ∝ (t max/η)³' },
    { key: 'tMax', label: 't max', kind: 'number', def: '20', slider: { min: 1, max: 60, step: 1 }, group: 'time' },
    { key: 'timeAxis', label: 'figure clock', kind: 'select', def: 't', options: ['t', 'tm', 't/m'], group: 'time', extra: true, help: 't·m: lazy scale, t/m: overfitting scale' },
    { key: 'simDim', label: 'network dimension d', kind: 'int', def: '200', slider: { min: 10, max: 2000, step: 10 }, group: 'sim', extra: true },
    { key: 'simSeeds', label: 'network seeds', kind: 'int', def: '2', slider: { min: 1, max: 16, step: 1 }, group: 'sim', extra: true },
    { key: 'simSeed', label: 'base seed', kind: 'int', def: '0', group: 'sim', extra: true },
  ],
};

/** Is a field in use with the current values (see FieldSpec.when)? */
export function active(f: FieldSpec, values: FormValues): boolean {
  return !f.when || (values[f.when.key] ?? '') === f.when.value;
}

/** Field values as texts (what the inputs hold). */
export type FormValues = Record<string, string>;

export function defaults(engine: Engine): FormValues {
  return Object.fromEntries(FIELDS[engine].map((f) => [f.key, f.def]));
}

/** Text → value: numbers parsed (anything else kept as text so the schema names what is allowed). */
export function parseField(f: FieldSpec, text: string): unknown {
  const s = text.trim();
  if (f.optional && s === '') return undefined;
  switch (f.kind) {
    case 'int':
    case 'number':
      return s === '' ? undefined : Number.isNaN(Number(s)) ? s : Number(s);
    case 'numbers':
      return s === '' ? [] : s.split(/[,\s]+/).filter(Boolean).map((x) => (Number.isNaN(Number(x)) ? x : Number(x)));
    case 'bool':
      return s === 'true';
    default:
      return s;
  }
}

/** Schema of one field (the engine's problem schema; DMFT network fields use the simulation schema). */
function fieldSchema(engine: Engine, key: string): z.ZodType | undefined {
  const shape = (s: unknown) => (s as { shape: Record<string, z.ZodType> }).shape;
  if (engine === 'kernel') return shape(kernelProblemSchema)[key];
  if (engine === 'committee') return shape(committeeProblemSchema)[key];
  if (key === 'simDim') return shape(simulateSchema).dim;
  if (key === 'simSeeds') return shape(simulateSchema).seeds;
  if (key === 'simSeed') return shape(simulateSchema).seed;
  return shape(dmftProblemSchema)[key];
}

/** The problem input of the theory and of the simulation. */
export interface EngineParams {
  /** Problem input (kernelProblem / committeeProblem / dmftProblem). */
  problem: Record<string, unknown>;
  /** DMFT: the network beside the DMFT (simulateOptions input). */
  network?: Record<string, unknown>;
  /** DMFT figure clock. */
  timeAxis?: 't' | 'tm' | 't/m';
}

export function buildParams(engine: Engine, values: FormValues): EngineParams {
  const problem: Record<string, unknown> = {};
  const extra: Record<string, unknown> = {};
  for (const f of FIELDS[engine]) {
    if (!active(f, values)) continue;
    const v = parseField(f, values[f.key] ?? f.def);
    if (v === undefined) continue;
    if (f.extra) extra[f.key] = v;
    else problem[f.key] = v;
  }
  problem.budgetBytes = EXPLORER_BUDGET;
  if (engine === 'kernel') {
    problem.gdLr = null; // gradient flow only (the CLI's default adds discrete GD beside it)
  }
  if (engine !== 'dmft') return { problem };
  problem.maxPoints = 400;
  const network: Record<string, unknown> = {
    model: 'network',
    optimizer: 'sgd',
    m: problem.m,
    alpha: problem.alpha,
    dim: extra.simDim,
    tau: problem.tau,
    h: problem.h,
    phiHat: problem.phiHat,
    ...(problem.init === 'lazy' ? { gamma0: problem.gamma0 } : { a0: problem.a0 ?? 1 }),
    frozenA: problem.frozenA,
    tMax: problem.tMax,
    saveCount: 61,
    grid: 'log',
    seeds: extra.simSeeds,
    seed: extra.simSeed,
  };
  return { problem, network, timeAxis: (extra.timeAxis as EngineParams['timeAxis']) ?? 't' };
}

export interface Validation {
  /** field key → the "allowed: …" text. */
  fields: Record<string, string>;
  /** A problem-level error no single field owns. */
  general?: string;
  /** Only the simulation is refused (theory still fine). */
  simOnly: boolean;
  ok: boolean;
}

/** Field of a ParameterError's parameter name ('h[2]' → 'h', 'init.Q' → init, 'dim' of the network → simDim). */
export function fieldOf(engine: Engine, parameter: string, network = false): string | undefined {
  const base = parameter.split(/[.[]/)[0];
  const keys = FIELDS[engine].map((f) => f.key);
  if (network) {
    const map: Record<string, string> = { dim: 'simDim', seeds: 'simSeeds', seed: 'simSeed' };
    if (map[base]) return map[base];
  }
  if (engine === 'dmft' && base === 'alphaBar') return 'alpha';
  return keys.includes(base) ? base : undefined;
}

const allowedOf = (e: ParameterError) => e.allowed;

/** Validate every field on its own, then the whole problem (cross-field rules), then the simulation. */
export function validate(engine: Engine, values: FormValues): Validation {
  const fields: Record<string, string> = {};
  let simOnly = true;
  for (const f of FIELDS[engine]) {
    if (!active(f, values)) continue;
    const v = parseField(f, values[f.key] ?? f.def);
    if (v === undefined && f.optional) continue;
    const schema = fieldSchema(engine, f.key);
    if (!schema) continue;
    const r = schema.safeParse(v);
    if (!r.success) {
      fields[f.key] = r.error.issues[0]?.message ?? 'a valid value';
      if (f.group !== 'sim') simOnly = false;
    }
  }
  let general: string | undefined;
  const fail = (e: unknown, network: boolean) => {
    if (e instanceof ParameterError) {
      const key = fieldOf(engine, e.parameter, network);
      if (key) fields[key] = allowedOf(e);
      else general = e.message;
      if (!network && !(key && FIELDS[engine].find((f) => f.key === key)?.group === 'sim')) simOnly = false;
    } else if (e instanceof MemoryBudgetError) {
      general = e.message;
      if (!network) simOnly = false;
    } else general = (e as Error).message;
  };
  if (Object.keys(fields).length === 0) {
    const { problem, network } = buildParams(engine, values);
    try {
      if (engine === 'kernel') kernelProblem(problem as never);
      else if (engine === 'committee') committeeProblem(problem as never);
      else dmftProblem(problem as never);
    } catch (e) {
      fail(e, false);
    }
    if (network && Object.keys(fields).length === 0 && !general) {
      try {
        simulateOptions(network);
      } catch (e) {
        fail(e, true);
      }
    }
  }
  const ok = Object.keys(fields).length === 0 && !general;
  return { fields, general, simOnly: !ok && simOnly, ok };
}

/** Numbers as the results panel prints them (the end-to-end test compares with this formatting). */
export function fmt(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return 'n/a';
  const a = Math.abs(x);
  if (a === 0) return '0';
  if (a >= 1e-3 && a < 1e4) return x.toPrecision(4);
  return x.toExponential(3);
}
