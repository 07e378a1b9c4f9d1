// src/ref split by role (issue 8, item 5): src/ref holds the pure-TS twins of the AS kernels, imported only by
// the TS runtime variant (src/wasm/ts-kernels.ts), tests and benches; the host numerics production code stands
// on live in src/numerics (and the generated contract in src/gen); independent reference solvers in
// src/reference. `reproduce` is validation code (like test/): it may use the twins and the references.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|js)$/.test(f) ? [p] : [];
  });
}

/** Repository-relative targets of every static or dynamic relative import of a file. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]);
  return specs.map((s) => normalize(join(dirname(file), s)));
}

const inside = (target: string, dir: string) => target.startsWith(normalize(dir) + '/');

describe('layering of src/', () => {
  const src = files('src');
  const VALIDATION = (f: string) => inside(f, 'src/reproduce');

  it('production code imports nothing from src/ref (only src/wasm/ts-kernels.ts, the TS runtime variant)', () => {
    const bad = src
      .filter((f) => !inside(f, 'src/ref') && f !== normalize('src/wasm/ts-kernels.ts') && !VALIDATION(f))
      .flatMap((f) =>
        importsOf(f)
          .filter((t) => inside(t, 'src/ref'))
          .map((t) => `${f} → ${t}`),
      );
    expect(bad).toEqual([]);
  });

  it('the reference solvers of src/reference serve validation only (tests, reproduce)', () => {
    const bad = src
      .filter((f) => !inside(f, 'src/reference') && !VALIDATION(f))
      .flatMap((f) =>
        importsOf(f)
          .filter((t) => inside(t, 'src/reference'))
          .map((t) => `${f} → ${t}`),
      );
    expect(bad).toEqual([]);
  });

  it('host numerics and the generated contract do not depend on the twins or on engines', () => {
    const bad = src
      .filter((f) => inside(f, 'src/numerics') || inside(f, 'src/gen'))
      .flatMap((f) =>
        importsOf(f)
          .filter((t) => !inside(t, 'src/numerics') && !inside(t, 'src/gen'))
          .map((t) => `${f} → ${t}`),
      );
    expect(bad).toEqual([]);
  });

  it('the import scan sees the imports it polices (ts-kernels imports the twins)', () => {
    expect(importsOf(normalize('src/wasm/ts-kernels.ts')).some((t) => inside(t, 'src/ref'))).toBe(true);
  });
});
