// What every CLI command shares: output streams and the exit-code sink, the `--out` check, config
// and JSON files, flags from engine fields, JSON printing. No numerics here; no engine imports.
import type { Command } from 'commander';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ParameterError } from '../core/validate.js';
import { camel, normaliseParams, parseFieldValue, type Field } from '../core/engine.js';

export { EXIT, exitCode } from '../core/contract.js';

/** Bad input whose message is not "invalid X: … (allowed: …)": printed as it is, one line, exit 2. */
export class OneLineError extends Error {
  override name = 'OneLineError';
}

export interface CliIO {
  out: (s: string) => void;
  err: (s: string) => void;
}

/** What a subcommand module needs from the CLI: output streams, the argv (for manifests), and a way
 *  to set the exit code. Parameter errors are thrown as ParameterError (one line, exit 2). */
export interface CliContext {
  io: CliIO;
  argv: string[];
  setCode: (code: number) => void;
}

/** `--out DIR` must be creatable and writable: DIR is a folder or does not exist yet, and its nearest
 *  existing ancestor is a writable folder. Nothing is created here. */
export function checkOutDir(dir: string): void {
  const bad = (why: string) => new ParameterError('out', dir, `a folder that can be created and written (${why})`);
  if (dir.trim() === '') throw bad('empty path');
  let p = resolve(dir);
  for (;;) {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(p);
    } catch {
      const up = dirname(p);
      if (up === p) throw bad('no existing parent');
      p = up;
      continue;
    }
    if (!st.isDirectory()) throw bad(`${p} is not a folder`);
    try {
      accessSync(p, constants.W_OK);
    } catch {
      throw bad(`${p} is not writable`);
    }
    return;
  }
}

/** A JSON file's content; errors name the parameter, the file and (for a parse error) line and column. */
export function readJsonFile(parameter: string, path: string, expect: string): unknown {
  if (path.trim() === '') throw new ParameterError(parameter, path, `a path to ${expect}`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ParameterError(parameter, path, `a readable ${expect}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0];
    const pos = /position (\d+)/.exec(msg);
    let where = '';
    if (pos) {
      const before = text.slice(0, Number(pos[1]));
      const line = before.split('\n').length;
      where = ` at line ${line}, column ${Number(pos[1]) - before.lastIndexOf('\n')}`;
    }
    throw new ParameterError(parameter, path, `valid JSON (${msg.replace(/ in JSON at position \d+.*$/, '')}${where})`);
  }
}

/** A config file's parameters (a manifest's under "problem"), keys normalised to field keys. */
export function readConfig(path: string | undefined, fields: Field[]): Record<string, unknown> {
  if (path === undefined) return {};
  const obj = readJsonFile('config', path, 'JSON file');
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new ParameterError('config', path, 'a JSON object');
  const o = obj as Record<string, unknown>;
  const params = o.problem && typeof o.problem === 'object' ? (o.problem as Record<string, unknown>) : o;
  return normaliseParams(params, fields);
}

/** Commander's name of a flag's option value. */
const optName = (f: Field) => camel(f.kind === 'switch' ? f.flag.replace(/^no-/, '') : f.flag);

/** One commander option per field (value flags take <value>; switches none). */
export function addFieldOptions(cmd: Command, fields: Field[]): Command {
  for (const f of fields) {
    const help = f.help + (f.default !== undefined ? ` (default ${f.default})` : '') + (f.unit ? ` [${f.unit}]` : '');
    cmd.option(f.kind === 'switch' ? `--${f.flag}` : `--${f.flag} <value>`, help);
  }
  return cmd;
}

/** Flags given on the command line, as field keys with parsed values (they override the config). */
export function collectFlags(opts: Record<string, unknown>, fields: Field[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = opts[optName(f)];
    if (f.kind === 'switch') {
      if (f.flag.startsWith('no-')) {
        if (v === false) out[f.key] = false;
      } else if (v === true) out[f.key] = true;
    } else if (f.kind === 'jsonFile') {
      if (v !== undefined) out[f.key] = readJsonFile(f.flag, String(v), 'JSON file');
    } else if (v !== undefined) out[f.key] = parseFieldValue(f.kind, v);
  }
  return out;
}

/** JSON with non-finite numbers written as null (JSON has no NaN/∞) and typed arrays as arrays. */
export function toJSON(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    (_k, v) => {
      if (typeof v === 'number' && !Number.isFinite(v)) return null;
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as Float64Array);
      return v;
    },
    indent,
  );
}
