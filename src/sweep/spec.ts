// Sweep specs (issue 9): { command, base, grid, zip } → the cells, in the spec's expansion order,
// each validated (the engine's own prepare + memory estimate) before any cell runs.
// Expansion order: the grid is a Cartesian product with its first key slowest (nested loops in the
// spec's key order); zip keys vary in lockstep and are crossed with the grid as the innermost loop.
// A cell's id is a stable hash of its command and resolved (prepared) problem, so the same problem
// gives the same folder in any sweep.
// Browser-safe (the explorer's Sweep tab checks and expands specs in its worker): no static Node
// import — crypto and fs are imported lazily (cell ids are only made in Node).
import { canonical } from '../io/manifest.js';
import { findCommand, normaliseParams, prepareCommand, type EngineCommand, type EngineDescriptor, type Solved } from '../core/engine.js';
import { ParameterError, show } from '../core/validate.js';
import { MemoryBudgetError } from '../wasm/arena.js';

export interface SweepSpec {
  command: string;
  base: Record<string, unknown>;
  grid: Record<string, unknown[]>;
  zip: Record<string, unknown[]>;
}

export interface Cell {
  /** Position in the expansion order (shards take index ≡ I mod N). */
  index: number;
  /** Stable hash of command + resolved problem: the folder name under DIR/cells/. */
  id: string;
  /** The varied keys (grid then zip, spec order) and this cell's values. */
  axes: Record<string, unknown>;
  /** base ∪ axes, normalised to field keys. */
  params: Record<string, unknown>;
  prepared: unknown;
  memoryBytes: number;
}

export interface ExpandedSweep {
  spec: SweepSpec;
  engine: EngineDescriptor;
  command: EngineCommand<unknown, Solved>;
  axisKeys: string[];
  cells: Cell[];
  /** Hash of the canonical spec: a DIR made for another spec is refused. */
  specHash: string;
}

/** A bad spec or cell: one line, exit 2 (the CLI prints it as `learndyn: <message>`). */
export class SweepSpecError extends ParameterError {
  constructor(message: string) {
    super('sweep', undefined, '');
    this.message = message;
    this.name = 'SweepSpecError';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Parse spec text: JSON, or YAML (the `yaml` package, loaded only when needed) for .yaml/.yml. */
export async function parseSpecText(text: string, path = 'spec'): Promise<unknown> {
  if (/\.ya?ml$/i.test(path)) {
    let YAML: typeof import('yaml');
    try {
      YAML = await import('yaml');
    } catch {
      throw new SweepSpecError(`sweep spec ${path}: YAML needs the 'yaml' package (npm install yaml), or write the spec as JSON`);
    }
    try {
      return YAML.parse(text);
    } catch (e) {
      throw new SweepSpecError(`sweep spec ${path}: invalid YAML (${(e as Error).message.split('\n')[0]})`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new SweepSpecError(`sweep spec ${path}: invalid JSON (${(e as Error).message.split('\n')[0]})`);
  }
}

export async function readSpecFile(path: string): Promise<unknown> {
  let text: string;
  try {
    const { readFileSync } = await import('node:fs');
    text = readFileSync(path, 'utf8');
  } catch {
    throw new SweepSpecError(`sweep spec ${show(path)}: not a readable file`);
  }
  return parseSpecText(text, path);
}

/** Check the spec's shape (not the values: those are the engine's). */
export function checkSpec(
  raw: unknown,
  engines: readonly EngineDescriptor[],
): { spec: SweepSpec; engine: EngineDescriptor; command: EngineCommand<unknown, Solved> } {
  if (!isObject(raw)) throw new SweepSpecError('sweep spec: a JSON object {command, base, grid, zip} expected');
  for (const k of Object.keys(raw))
    if (!['command', 'base', 'grid', 'zip'].includes(k)) throw new SweepSpecError(`sweep spec: unknown key ${show(k)} (known: command, base, grid, zip)`);
  if (typeof raw.command !== 'string') throw new SweepSpecError('sweep spec: "command" must name a computing command, e.g. "kernel run"');
  const found = findCommand(engines, raw.command);
  if (!found) {
    const all = engines.flatMap((e) => e.commands.map((c) => `${e.name} ${c.name}`)).join(', ');
    throw new SweepSpecError(`sweep spec: unknown command ${show(raw.command)} (known: ${all})`);
  }
  const part = (name: 'base' | 'grid' | 'zip'): Record<string, unknown> => {
    const v = raw[name];
    if (v === undefined) return {};
    if (!isObject(v)) throw new SweepSpecError(`sweep spec: "${name}" must be an object of keys`);
    return v;
  };
  const base = part('base');
  const grid = part('grid');
  const zip = part('zip');
  const fields = found.command.fields;
  const known = (k: string) =>
    fields.length === 0 || fields.some((f) => f.key === k || f.flag === k || f.flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) === k);
  for (const [name, obj] of [
    ['base', base],
    ['grid', grid],
    ['zip', zip],
  ] as const)
    for (const k of Object.keys(obj))
      if (!known(k))
        throw new SweepSpecError(`sweep spec: unknown key ${show(k)} in "${name}" for ${raw.command} (known: ${fields.map((f) => f.key).join(', ')})`);
  for (const [name, obj] of [
    ['grid', grid],
    ['zip', zip],
  ] as const)
    for (const [k, v] of Object.entries(obj)) {
      if (!Array.isArray(v)) throw new SweepSpecError(`sweep spec: ${name}.${k} must be a list of values`);
      if (v.length === 0) throw new SweepSpecError(`sweep spec: ${name}.${k} is an empty axis`);
    }
  for (const k of Object.keys(zip)) if (k in grid) throw new SweepSpecError(`sweep spec: key ${show(k)} is in both grid and zip`);
  const zipLens = Object.entries(zip).map(([k, v]) => [k, (v as unknown[]).length] as const);
  if (zipLens.some(([, n]) => n !== zipLens[0][1]))
    throw new SweepSpecError(`sweep spec: zip lists have unequal lengths (${zipLens.map(([k, n]) => `${k}: ${n}`).join(', ')})`);
  return {
    spec: { command: `${found.engine.name} ${found.command.name}`, base, grid: grid as Record<string, unknown[]>, zip: zip as Record<string, unknown[]> },
    engine: found.engine,
    command: found.command,
  };
}

/** The axes of every cell, in expansion order. */
export function expandAxes(spec: SweepSpec): Record<string, unknown>[] {
  let rows: Record<string, unknown>[] = [{}];
  for (const [k, values] of Object.entries(spec.grid)) rows = rows.flatMap((r) => values.map((v) => ({ ...r, [k]: v })));
  const zipKeys = Object.keys(spec.zip);
  if (zipKeys.length === 0) return rows;
  const n = spec.zip[zipKeys[0]].length;
  return rows.flatMap((r) =>
    Array.from({ length: n }, (_, i) => {
      const o = { ...r };
      for (const k of zipKeys) o[k] = spec.zip[k][i];
      return o;
    }),
  );
}

let createHash: typeof import('node:crypto').createHash | undefined;

export async function sha256(text: string): Promise<string> {
  createHash ??= (await import('node:crypto')).createHash;
  return createHash('sha256').update(text).digest('hex');
}

/** Stable id of a cell: the first 16 hex digits of sha256(canonical {command, problem}). */
export async function cellId(command: string, prepared: unknown): Promise<string> {
  return (await sha256(JSON.stringify(canonical({ command, problem: prepared })))).slice(0, 16);
}

/** A cell's axes as one line: `samples=250, tMax=1000000`. */
export function axesText(axes: Record<string, unknown>): string {
  const s = Object.entries(axes)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : show(v)}`)
    .join(', ');
  return s === '' ? '(no axes)' : s;
}

/** Expand and validate every cell (prepare + memory estimate) before anything runs. */
export async function expandSweep(raw: unknown, engines: readonly EngineDescriptor[]): Promise<ExpandedSweep> {
  const { spec, engine, command } = checkSpec(raw, engines);
  const fields = command.fields;
  const base = normaliseParams(spec.base, fields);
  const axisRows = expandAxes(spec);
  const cells: Cell[] = [];
  const seen = new Map<string, number>();
  for (let index = 0; index < axisRows.length; index++) {
    const axes = axisRows[index];
    const params = { ...base, ...normaliseParams(axes, fields) };
    let prepared: unknown;
    let memoryBytes = 0;
    try {
      prepared = await prepareCommand(engine, command, params);
      memoryBytes = command.memoryBytes ? command.memoryBytes(prepared) : 0;
    } catch (e) {
      if (e instanceof ParameterError || e instanceof MemoryBudgetError) throw new SweepSpecError(`sweep cell ${index} (${axesText(axes)}): ${e.message}`);
      throw e;
    }
    const id = await cellId(spec.command, prepared);
    const dup = seen.get(id);
    if (dup !== undefined) throw new SweepSpecError(`sweep cell ${index} (${axesText(axes)}) is the same problem as cell ${dup}`);
    seen.set(id, index);
    cells.push({ index, id, axes, params, prepared, memoryBytes });
  }
  const axisKeys = [...Object.keys(spec.grid), ...Object.keys(spec.zip)];
  return { spec, engine, command, axisKeys, cells, specHash: await sha256(JSON.stringify(canonical(spec))) };
}

/** Parse `--shard I/N` (0 ≤ I < N). */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const i = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!m || !(n >= 1) || !(i < n)) throw new ParameterError('shard', text, 'I/N with integers 0 ≤ I < N');
  return { index: i, count: n };
}
