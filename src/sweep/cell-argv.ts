// A cell's equivalent single command line (its manifest's `command`); browser-safe.
import type { Field } from '../core/engine.js';

/** The equivalent single command's argv for the cell's manifest: `learndyn <engine> <cmd> --flag v …`. */
export function cellArgv(path: string, fields: Field[], params: Record<string, unknown>): string[] {
  const argv = ['learndyn', ...path.split(' ')];
  for (const [k, v] of Object.entries(params)) {
    const f = fields.find((x) => x.key === k);
    const flag = f ? f.flag : k;
    if (f?.kind === 'switch') {
      if (f.flag.startsWith('no-') ? v === false : v === true) argv.push(`--${flag}`);
      continue;
    }
    argv.push(`--${flag}`, Array.isArray(v) ? v.join(',') : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));
  }
  return argv;
}
