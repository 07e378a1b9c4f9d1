// The typed Wasm boundary (issue 8, item 3): src/wasm/exports.gen.ts is generated from the AS sources; here
// it is checked against the compiled modules (every build: names in both directions and arities), against
// the TS twins (src/wasm/ts-kernels.ts: a twin per export unless listed in TWINLESS with a reason, same
// arity), and src/ is checked for string-named export lookups outside src/wasm.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { KERNEL_SIGNATURES, type KernelName } from '../../src/wasm/exports.gen.js';
import { HostMemory, TWINLESS, tsKernels } from '../../src/wasm/ts-kernels.js';
import { imports, relaxedSimdSupported } from '../../src/wasm/runtime.js';

const names = Object.keys(KERNEL_SIGNATURES) as KernelName[];
/** Exports the runtime handles itself: the start function (asconfig exportStart). Memory is imported. */
const RUNTIME_EXPORTS = ['_initialize'];

function moduleFunctions(file: string): Map<string, number> {
  const bytes = readFileSync(new URL(`../../build/${file}`, import.meta.url));
  const mod = new WebAssembly.Module(bytes);
  const shared = file.includes('threads');
  const memory = new WebAssembly.Memory({ initial: 16, maximum: 65536, shared } as WebAssembly.MemoryDescriptor);
  const inst = new WebAssembly.Instance(mod, imports(memory));
  const out = new Map<string, number>();
  for (const e of WebAssembly.Module.exports(mod)) {
    if (e.name === 'memory' && e.kind === 'memory') continue; // the imported memory, re-exported by asc
    expect(e.kind, `${file}: export ${e.name}`).toBe('function'); // globals would bypass the typed interface
    out.set(e.name, (inst.exports[e.name] as (...a: unknown[]) => unknown).length);
  }
  return out;
}

describe('typed Wasm boundary', () => {
  // the relaxed-SIMD builds compile once relaxedSimdSupported has set Node 20's V8 flag
  beforeAll(async () => void (await relaxedSimdSupported()));
  for (const file of [
    'learndyn.wasm',
    'learndyn-threads.wasm',
    'learndyn-relaxed.wasm',
    'learndyn-threads-relaxed.wasm',
    'learndyn-scalar.wasm',
    'learndyn-debug.wasm',
  ]) {
    it(`${file}: exports = generated interface, in both directions, with the same arities`, () => {
      const fns = moduleFunctions(file);
      const exported = [...fns.keys()].filter((n) => !RUNTIME_EXPORTS.includes(n)).sort();
      expect(exported).toEqual([...names].sort());
      for (const n of names) expect(fns.get(n), n).toBe(KERNEL_SIGNATURES[n].params.length);
    });
  }

  it('every export has a TS twin of the same arity, or a stated reason in TWINLESS', () => {
    const twins = tsKernels(new HostMemory(1)) as unknown as Record<string, ((...a: unknown[]) => unknown) | undefined>;
    const missing = names.filter((n) => typeof twins[n] !== 'function');
    expect(missing.sort()).toEqual(Object.keys(TWINLESS).sort());
    for (const [n, why] of Object.entries(TWINLESS)) expect(why.length, n).toBeGreaterThan(20);
    for (const n of names.filter((x) => !(x in TWINLESS))) expect(twins[n]!.length, n).toBe(KERNEL_SIGNATURES[n].params.length);
    // nothing extra: a twin of a deleted or renamed export would be dead code
    expect(Object.keys(twins).filter((n) => !(n in KERNEL_SIGNATURES))).toEqual([]);
  });

  it('no string-named or computed export lookups outside src/wasm', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const f of readdirSync(dir)) {
        const p = join(dir, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.(ts|js)$/.test(f)) files.push(p);
      }
    };
    walk('src');
    walk('explorer/src');
    const bad: string[] = [];
    for (const f of files.filter((p) => !p.startsWith(join('src', 'wasm')))) {
      const text = readFileSync(f, 'utf8');
      // exports[<expression>] and `as Record<string, …>` casts of exports defeat the typed interface
      for (const m of text.matchAll(/exports\s*\[|exports\s+as\s+(unknown|Record)/g)) bad.push(`${f}: ${m[0]}`);
    }
    expect(bad).toEqual([]);
  });
});
