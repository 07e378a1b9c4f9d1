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
import type { Field, Widget } from '../../src/core/engine.js';
import { kernelRun } from '../../src/kernel/engine.js';
import { committeeFields } from '../../src/committee/engine.js';
import { dmftRun } from '../../src/dmft/engine.js';
import { DEMO_DEFAULTS } from './presets.js';

export type Engine = 'kernel' | 'committee' | 'dmft';
export const ENGINES: Engine[] = ['kernel', 'committee', 'dmft'];
export const ENGINE_TITLES: Record<Engine, string> = { kernel: 'Kernel', committee: 'Committee', dmft: 'DMFT' };

/** Wasm memory budget of explorer runs (browsers refuse multi-GiB memories more readily than Node). */
export const EXPLORER_BUDGET = 1024 ** 3;

export type FieldKind = Widget['control'];

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

/** Problem fields that are not a problem parameter of the theory: the network beside the DMFT and
 *  the figure clock. */
const EXTRA_KEYS = new Set(['timeAxis', 'simulateDim', 'simulateSeeds', 'simulateSeed']);

/** The explorer's form of an engine command: the descriptor fields that carry a widget. */
function formFields(fields: Field[]): FieldSpec[] {
  return fields
    .filter((f): f is Field & { widget: Widget } => f.widget !== undefined)
    .map(({ key, widget: w, help }) => ({
      key,
      label: w.label,
      kind: w.control,
      def: w.def,
      options: w.options,
      slider: w.slider,
      help: w.help ?? help,
      group: w.group,
      optional: w.optional,
      extra: EXTRA_KEYS.has(key) || undefined,
      when: w.when,
    }));
}

/** The descriptor's fields with the defaults of `npm run demo` (presets.ts DEMO_DEFAULTS). */
const withDemoDefaults = (engine: Engine, fields: FieldSpec[]) =>
  fields.map((f) => (f.key in DEMO_DEFAULTS[engine] ? { ...f, def: DEMO_DEFAULTS[engine][f.key] } : f));

/** Explorer fields, generated from the engine descriptors (flags, help and widgets: one definition). */
export const FIELDS: Record<Engine, FieldSpec[]> = {
  kernel: withDemoDefaults('kernel', formFields(kernelRun.fields)),
  committee: withDemoDefaults('committee', formFields(committeeFields)),
  dmft: withDemoDefaults('dmft', formFields(dmftRun.fields)),
};

// ---------------------------------------------------------------- URL state

export type Tab = Engine | 'sweep';
export const TABS: Tab[] = [...ENGINES, 'sweep'];

/** y axes of the figures: as each figure draws them, or all log / all linear. */
export type YScale = 'auto' | 'log' | 'linear';

export interface ViewState {
  tab: Tab;
  /** The tab's field texts (engine tabs) — every field, so a link keeps working when defaults change. */
  values?: FormValues;
  yScale?: YScale;
  /** Preset id chosen (informational; the values are what counts). */
  preset?: string;
  /** Sweep tab: the spec text and the summary scalar / curve shown. */
  spec?: string;
  scalar?: string;
  curve?: string;
}

/** The view as a URL hash: `#tab=committee&y=log&p=4&k=4&…` (a shared link reproduces the view). */
export function stateToHash(st: ViewState): string {
  const q = new URLSearchParams();
  q.set('tab', st.tab);
  if (st.yScale && st.yScale !== 'auto') q.set('y', st.yScale);
  if (st.preset) q.set('preset', st.preset);
  if (st.spec) q.set('spec', st.spec);
  if (st.scalar) q.set('scalar', st.scalar);
  if (st.curve) q.set('curve', st.curve);
  if (st.tab !== 'sweep' && st.values) for (const f of FIELDS[st.tab]) q.set(f.key, st.values[f.key] ?? f.def);
  return '#' + q.toString();
}

/** Parse a hash written by stateToHash (or a bare `#committee`); unknown keys are ignored and
 *  missing fields keep their defaults. */
export function hashToState(hash: string): ViewState | undefined {
  const h = hash.replace(/^#/, '');
  if (h === '') return undefined;
  if (!h.includes('=')) return (TABS as string[]).includes(h) ? { tab: h as Tab } : undefined;
  const q = new URLSearchParams(h);
  const tab = q.get('tab') as Tab | null;
  if (!tab || !(TABS as string[]).includes(tab)) return undefined;
  const y = q.get('y');
  const st: ViewState = { tab, yScale: y === 'log' || y === 'linear' ? y : 'auto' };
  if (q.get('preset')) st.preset = q.get('preset')!;
  if (q.get('spec')) st.spec = q.get('spec')!;
  if (q.get('scalar')) st.scalar = q.get('scalar')!;
  if (q.get('curve')) st.curve = q.get('curve')!;
  if (tab !== 'sweep') {
    const values = defaults(tab);
    for (const f of FIELDS[tab]) {
      const v = q.get(f.key);
      if (v !== null) values[f.key] = v;
    }
    st.values = values;
  }
  return st;
}

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
      return s === ''
        ? []
        : s
            .split(/[,\s]+/)
            .filter(Boolean)
            .map((x) => (Number.isNaN(Number(x)) ? x : Number(x)));
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
  if (key === 'simulateDim') return shape(simulateSchema).dim;
  if (key === 'simulateSeeds') return shape(simulateSchema).seeds;
  if (key === 'simulateSeed') return shape(simulateSchema).seed;
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
    dim: extra.simulateDim,
    tau: problem.tau,
    h: problem.h,
    phiHat: problem.phiHat,
    ...(problem.init === 'lazy' ? { gamma0: problem.gamma0 } : { a0: problem.a0 ?? 1 }),
    frozenA: problem.frozenA,
    tMax: problem.tMax,
    saveCount: 61,
    grid: 'log',
    seeds: extra.simulateSeeds,
    seed: extra.simulateSeed,
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

/** Field of a ParameterError's parameter name ('h[2]' → 'h', 'init.Q' → init, 'dim' of the network → simulateDim). */
export function fieldOf(engine: Engine, parameter: string, network = false): string | undefined {
  const base = parameter.split(/[.[]/)[0];
  const keys = FIELDS[engine].map((f) => f.key);
  if (network) {
    const map: Record<string, string> = { dim: 'simulateDim', seeds: 'simulateSeeds', seed: 'simulateSeed' };
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
