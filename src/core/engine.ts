// Engine descriptors: what the CLI, the explorer, `reproduce` and sweeps need to know of an engine,
// in one place per engine folder. A command's fields carry the CLI flag, the config key, the help
// text, the unit, the documented default and the explorer widget, so flags, help, config keys and
// explorer fields come from one definition. Adding an engine = one folder + one line in src/engines.ts.
// Browser-safe: no Node imports (writing files is the CLI's job).
import type { OutputBundle } from '../io/index.js';
import type { FigureDesc } from '../plot/figure.js';
import type { SolveOptions, Status } from './contract.js';
import { unusedParameter } from './validate.js';

/** How a flag's text becomes a value. 'jsonFile': the flag names a JSON file whose content is the value
 *  (a config file gives the value inline). 'switch': a flag without a value (true when given; a
 *  `no-…` flag sets false). */
export type FieldKind = 'int' | 'number' | 'numbers' | 'string' | 'numberOrAuto' | 'switch' | 'jsonFile';

/** An explorer form control for a field. */
export interface Widget {
  label: string;
  /** Control: typed text parsed like the flag, a select, a checkbox, or free text. */
  control: 'int' | 'number' | 'numbers' | 'select' | 'bool' | 'text';
  /** The explorer's default, as the text shown in the control. */
  def: string;
  options?: string[];
  /** A range slider beside the field (log: the slider moves the exponent). */
  slider?: { min: number; max: number; step?: number; log?: boolean };
  /** 'model' and 'time' feed the theory; 'sim' only the simulation. */
  group: 'model' | 'time' | 'sim';
  /** Empty text leaves the parameter out (library default). */
  optional?: boolean;
  /** Only used when another field has this value (disabled otherwise). */
  when?: { key: string; value: string };
  help?: string;
}

export interface Field {
  /** Problem field = config-file key = sweep key (camelCase). */
  key: string;
  /** CLI flag, kebab-case without dashes (`no-…` for a switch that sets false). */
  flag: string;
  kind: FieldKind;
  help: string;
  unit?: string;
  /** The documented default (the schema applies it; shown in help and docs). */
  default?: string;
  widget?: Widget;
}

/** What every Solution has. */
export interface Solved {
  status: Status;
  message?: string;
}

/** One computing command of an engine, e.g. `kernel run`. P: the prepared (validated) problem. */
export interface EngineCommand<P = unknown, S extends Solved = Solved> {
  name: string;
  description: string;
  fields: Field[];
  /** Validate everything and size the run before any allocation: throws ParameterError or
   *  MemoryBudgetError (one line, exit 2). `params` are config keys (camelCase) with parsed values. */
  prepare(params: Record<string, unknown>): P | Promise<P>;
  /** Wasm bytes the run will allocate (sweeps and Slurm size their tasks from it). */
  memoryBytes?(prepared: P): number;
  /** `--checkpoint-every SECONDS` (SolveOptions.checkpointEveryMs): 'state', the solve hands its full
   *  state to onCheckpoint (DMFT); 'parts', it hands unfinished parts to onPartial (committee SGD). */
  checkpoints?: 'state' | 'parts';
  solve(prepared: P, options: SolveOptions): Promise<S>;
  /** The `--json` object: t-aligned arrays at the top level under their vocabulary names. */
  json(sol: S): Record<string, unknown>;
  /** What the command prints without `--json`. */
  text(sol: S): string;
  /** The `--out` bundle (arrays, curves.csv columns, manifest); `command` is the argv for the manifest. */
  bundle(sol: S, command: readonly string[]): OutputBundle | Promise<OutputBundle>;
  figure(sol: S): FigureDesc;
  /** Scalars that summarise a run (sweeps' summary.csv, one column each): final and minimum values
   *  and argmin times of the main curves, plus the engine's own landmarks. Written into the --out
   *  manifest under stats.summary (see commandBundle). */
  summary?(sol: S): Record<string, number>;
}

/** final, min and the time of the min of a curve: `<name>Final`, `<name>Min`, `<name>ArgminT`
 *  (NaN entries skipped; all NaN when the curve is empty or has no finite value). */
export function curveSummary(name: string, t: ArrayLike<number>, y: ArrayLike<number> | undefined): Record<string, number> {
  let min = NaN;
  let at = NaN;
  let last = NaN;
  if (y)
    for (let i = 0; i < Math.min(t.length, y.length); i++) {
      if (!Number.isFinite(y[i])) continue;
      last = y[i];
      if (!(y[i] >= min)) {
        min = y[i];
        at = t[i];
      }
    }
  return { [`${name}Final`]: last, [`${name}Min`]: min, [`${name}ArgminT`]: at };
}

/** The --out bundle of a command with its summary scalars (if any) in manifest.stats.summary. */
export async function commandBundle<S extends Solved>(cmd: EngineCommand<unknown, S>, sol: S, argv: readonly string[]): Promise<OutputBundle> {
  const b = await cmd.bundle(sol, argv);
  if (!cmd.summary || !b.manifest) return b;
  return { ...b, manifest: { ...b.manifest, stats: { ...b.manifest.stats, summary: cmd.summary(sol) } } };
}

export interface EngineDescriptor {
  name: string;
  description: string;
  // biome-ignore lint/suspicious/noExplicitAny: commands of one engine differ in P and S (type-erased here)
  commands: EngineCommand<any, any>[];
}

/** Define a command with its types checked, stored type-erased in a descriptor. */
export function command<P, S extends Solved>(c: EngineCommand<P, S>): EngineCommand<P, S> {
  return c;
}

/** Parse a flag's or config value of a field; never throws (a value that does not parse stays a
 *  string, so the schema's one-line error names it). */
export function parseFieldValue(kind: FieldKind, raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  const s = raw.trim();
  const num = (x: string): unknown => {
    const lower = x.toLowerCase();
    if (lower === 'nan') return NaN;
    if (lower === 'inf' || lower === 'infinity' || lower === '+inf') return Infinity;
    if (lower === '-inf' || lower === '-infinity') return -Infinity;
    if (x === '' || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(x)) return x;
    return Number(x);
  };
  switch (kind) {
    case 'int':
    case 'number':
      return num(s);
    case 'numbers':
      return s === '' ? [] : s.split(',').map((x) => num(x.trim()));
    case 'numberOrAuto':
      return s === 'auto' ? 'auto' : s === 'none' || s === 'off' ? null : num(s);
    case 'switch':
      return s === 'true' || s === '1' || s === 'yes' ? true : s === 'false' || s === '0' || s === 'no' ? false : s;
    default:
      return s;
  }
}

export function camel(kebab: string): string {
  return kebab.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Config-file keys may be the field key (camelCase) or the flag (kebab-case); values are parsed like
 *  flag texts when given as strings. Unknown keys pass through (the schema refuses them by name). */
export function normaliseParams(obj: Record<string, unknown>, fields: Field[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const f = fields.find((x) => x.key === k || x.flag === k || camel(x.flag) === k);
    out[f ? f.key : k] = f ? parseFieldValue(f.kind, v) : v;
  }
  return out;
}

/** Find a command by its CLI path, e.g. "kernel run". */
export function findCommand(
  engines: readonly EngineDescriptor[],
  path: string,
): { engine: EngineDescriptor; command: EngineCommand<unknown, Solved> } | undefined {
  const [e, c] = path.trim().split(/\s+/);
  const engine = engines.find((x) => x.name === e);
  const cmd = engine?.commands.find((x) => x.name === c);
  return engine && cmd ? { engine, command: cmd } : undefined;
}

/** Keys that another command of the same engine uses but this one does not: refused with the reason
 *  (never silently dropped). Keys no command knows are left to the problem schema (one-line error). */
export function refuseForeignKeys(engine: EngineDescriptor, cmd: EngineCommand<unknown, Solved>, params: Record<string, unknown>): void {
  const own = new Set(cmd.fields.map((f) => f.key));
  if (own.size === 0) return; // config-only commands: their schema names every key
  for (const [k, v] of Object.entries(params)) {
    if (own.has(k)) continue;
    const users = engine.commands.filter((c) => c !== cmd && c.fields.some((f) => f.key === k));
    const field = users[0]?.fields.find((f) => f.key === k);
    if (field)
      throw unusedParameter(field.flag, v, `${engine.name} ${cmd.name} does not use it (${users.map((c) => `${engine.name} ${c.name}`).join(', ')} does)`);
  }
}

/** Validate a command's parameters as the CLI and sweeps do: foreign keys refused, then prepare. */
export async function prepareCommand<P>(engine: EngineDescriptor, cmd: EngineCommand<P, Solved>, params: Record<string, unknown>): Promise<P> {
  refuseForeignKeys(engine, cmd as EngineCommand<unknown, Solved>, params);
  return cmd.prepare(params);
}
