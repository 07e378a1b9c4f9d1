// No import circles in src/ (the CLI once was one circle around src/cli/main.ts): a depth-first walk
// over the static relative imports of every module.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = resolve(new URL('../../src', import.meta.url).pathname);

function modules(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? modules(p) : /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts') ? [p] : [];
  });
}

/** Static relative imports (type-only imports included: they still tie the modules together). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+'(\.{1,2}\/[^']+)'/gm)) {
    const target = resolve(dirname(file), m[1].replace(/\.js$/, '.ts'));
    out.push(statSafe(target) ? target : target.replace(/\.ts$/, '.js'));
  }
  return out;
}

const statSafe = (p: string) => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

describe('module graph of src/', () => {
  it('has no import cycles', () => {
    const graph = new Map(modules(SRC).map((f) => [f, importsOf(f)]));
    // The walk sees the real edges (multi-line and type-only imports included).
    expect(graph.get(join(SRC, 'cli/main.ts'))).toContain(join(SRC, 'cli/engine-command.ts'));
    expect(graph.get(join(SRC, 'cli/engine-command.ts'))).toContain(join(SRC, 'core/engine.ts'));
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (f: string, path: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        cycles.push([...path.slice(path.indexOf(f)), f].map((x) => relative(SRC, x)).join(' → '));
        return;
      }
      state.set(f, 'open');
      for (const g of graph.get(f) ?? []) visit(g, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of graph.keys()) visit(f, []);
    expect(cycles).toEqual([]);
  });
});
