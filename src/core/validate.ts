// Shared validation vocabulary for every engine: a bad parameter becomes one line naming the
// parameter, the value and what is allowed (exit code 2 in the CLI), before anything is allocated.
import { z } from 'zod';

export class ParameterError extends Error {
  constructor(
    readonly parameter: string,
    readonly value: unknown,
    readonly allowed: string,
  ) {
    super(value === undefined ? `missing ${parameter} (required: ${allowed})` : `invalid ${parameter}: ${show(value)} (allowed: ${allowed})`);
    this.name = 'ParameterError';
  }
}

export function show(v: unknown): string {
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  try {
    const s = JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : x));
    return s === undefined ? String(v) : s.length > 80 ? s.slice(0, 77) + '...' : s;
  } catch {
    return String(v);
  }
}

/** Finite real number (NaN and ±∞ refused everywhere). */
export const finite = (allowed = 'a finite number') => z.number({ error: allowed }).refine(Number.isFinite, { error: allowed });
export const positive = (allowed = 'a finite number > 0') => finite(allowed).refine((x) => x > 0, { error: allowed });
export const nonNegative = (allowed = 'a finite number ≥ 0') => finite(allowed).refine((x) => x >= 0, { error: allowed });
export const intAtLeast = (lo: number, hi = Number.MAX_SAFE_INTEGER) => {
  const allowed = hi === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${lo}` : `an integer in [${lo}, ${hi}]`;
  return z.number({ error: allowed }).refine((x) => Number.isInteger(x) && x >= lo && x <= hi, { error: allowed });
};

/** Parse with a zod schema; the first issue becomes a ParameterError naming the dotted path. */
export function parseOrThrow<T>(schema: z.ZodType<T>, input: unknown, prefix = ''): T {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = issue.path.map(String);
  const name = prefix + (path.join('.') || 'input');
  let value: unknown = input;
  for (const key of path) value = value == null ? undefined : (value as Record<string, unknown>)[key];
  const allowed = issue.code === 'unrecognized_keys' ? `known keys only (${issue.message})` : issue.message;
  throw new ParameterError(name, value, allowed);
}

/** A parameter that the chosen command or mode does not use: refused with the reason, never dropped. */
export function unusedParameter(parameter: string, value: unknown, why: string): ParameterError {
  const e = new ParameterError(parameter, value, why);
  e.message = `${parameter} = ${show(value)} is not used here: ${why}`;
  return e;
}
