// The package as a user gets it (issue 13 item 3):
//  1. statically: what dist/ imports at run time is a dependency, build tools are devDependencies,
//     and `npm pack` carries build/*.wasm, dist/ (with the worker), bin/, and no sources or maps;
//  2. `npm pack`, `npm install <tarball>` in an empty folder (one install, registry needed), then
//     `npx learndyn --help`, a small --json run (byte-identical to this checkout's CLI: same seed,
//     same bytes), and a run with worker threads and --out --png (pool worker, Wasm URL, fonts,
//     vega resolved inside the installed package) — without any build step there;
//  3. in this clone, `npx learndyn` (README's form) runs this checkout's bin with no rebuild.
// The built outputs (build/, dist/) must exist: CI builds them in `npm ci` (prepare).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VERSION } from '../../src/version.js';

const repo = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
  name: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const isWin = process.platform === 'win32';
const NPM = isWin ? 'npm.cmd' : 'npm';
const NPX = isWin ? 'npx.cmd' : 'npx';
const CI = !!process.env.CI;

/** The child's environment without the lifecycle variables of an enclosing `npm test`
 *  (npm_command, npm_lifecycle_*, npm_package_*), which would otherwise leak into nested npm calls. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k === 'npm_command' || k === 'npm_execpath' || k.startsWith('npm_lifecycle_') || k.startsWith('npm_package_')) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

function sh(cmd: string, args: string[], cwd: string, opts: { timeout?: number; env?: Record<string, string> } = {}): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    timeout: opts.timeout ?? 120_000,
    env: childEnv(opts.env),
    maxBuffer: 64 << 20,
    shell: isWin,
  });
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  if (r.status !== 0) throw new Error(`${what} failed (status ${r.status}, ${r.error ?? ''}):\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

const BUILT = [
  'build/learndyn.wasm',
  'build/learndyn-threads.wasm',
  'build/learndyn-relaxed.wasm',
  'build/learndyn-threads-relaxed.wasm',
  'build/learndyn-scalar.wasm',
  'build/learndyn-debug.wasm',
  'dist/cli/main.js',
  'dist/wasm/pool-worker.js',
];
const missingBuild = BUILT.filter((f) => !existsSync(join(repo, f)));
function needBuild(): void {
  if (missingBuild.length) throw new Error(`${missingBuild.join(', ')} missing: run \`npm run build\` (npm ci does it)`);
}

/** Bare package names imported by the compiled JS (static and dynamic imports, require.resolve). */
function runtimeImports(dir: string, into = new Set<string>()): Set<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) runtimeImports(p, into);
    else if (e.name.endsWith('.js')) {
      const src = readFileSync(p, 'utf8');
      // Static imports as tsc emits them (a statement per line, or `} from '…'` closing a list),
      // dynamic import('…'), require / require.resolve('…' or `…${}`).
      const re =
        /^\s*(?:(?:import|export)\s.*\sfrom|\}\s*from|import)\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)|\brequire(?:\.resolve)?\(\s*['"`]([^'"`$]+)/gm;
      for (const m of src.matchAll(re)) {
        const spec = m[1] ?? m[2] ?? m[3];
        if (spec.startsWith('.') || spec.startsWith('node:') || spec.startsWith('/')) continue;
        const parts = spec.split('/');
        into.add(spec.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]);
      }
    }
  }
  return into;
}

describe('what the package needs at run time and what it ships (no network)', () => {
  it('dist/ and bin/ import only dependencies (no build tool among them)', () => {
    needBuild();
    const used = runtimeImports(join(repo, 'dist'), runtimeImports(join(repo, 'bin')));
    // The scan finds the known run-time imports (guards against a regex that finds nothing).
    for (const name of ['commander', 'zod', 'vega', '@resvg/resvg-wasm', 'dejavu-fonts-ttf']) expect(used).toContain(name);
    const deps = new Set(Object.keys(pkg.dependencies));
    expect([...used].filter((n) => !deps.has(n))).toEqual([]);
    for (const tool of ['assemblyscript', 'typescript', 'vite', 'vitest', 'tsx', '@biomejs/biome']) {
      expect(deps.has(tool), `${tool} must be a devDependency`).toBe(false);
      expect(Object.keys(pkg.devDependencies)).toContain(tool);
    }
  });

  it('npm pack carries bin/, build/*.wasm, dist/ with the pool worker; no sources, no maps, no .wat', () => {
    needBuild();
    const out = ok(sh(NPM, ['pack', '--dry-run', '--json', '--ignore-scripts'], repo), 'npm pack --dry-run');
    const files = (JSON.parse(out) as { files: { path: string }[] }[])[0].files.map((f) => f.path);
    for (const f of [...BUILT, 'bin/learndyn.js', 'dist/index.js', 'dist/index.d.ts', 'package.json', 'scripts/prepare.mjs', 'python/learndyn.py'])
      expect(files).toContain(f);
    const bad = files.filter((f) => /^(src|assembly|test|codegen|bench|explorer|python\/tests)\//.test(f) || f.endsWith('.map') || f.endsWith('.wat'));
    expect(bad).toEqual([]);
  });
});

const registryUp = sh(NPM, ['ping'], tmpdir(), { timeout: 30_000 }).status === 0;
const SKIP_REASON = "packed-install test skipped: the npm registry is unreachable (`npm ping` failed); it installs the tarball's dependencies from it";
if (!registryUp && !CI) console.warn(SKIP_REASON);

describe('the packed tarball, installed in an empty folder', () => {
  let work = '';
  let app = '';
  const smallRun = ['kernel', 'run', '--dim', '10', '--samples', '50', '--energies', '0,0.5,0.5', '--t-count', '5', '--json', '--no-progress'];

  beforeAll(() => {
    if (!registryUp || missingBuild.length) return;
    work = mkdtempSync(join(tmpdir(), 'learndyn-pack-'));
    app = join(work, 'app');
    // --ignore-scripts: pack the outputs built already (prepare would rebuild everything from scratch).
    const packed = JSON.parse(ok(sh(NPM, ['pack', '--json', '--ignore-scripts', '--pack-destination', work], repo), 'npm pack')) as { filename: string }[];
    const tarball = join(work, packed[0].filename);
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), '{ "name": "app", "private": true }\n');
    ok(sh(NPM, ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], app, { timeout: 540_000 }), 'npm install <tarball>');
  }, 600_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  function need(ctx: { skip: (note?: string) => never }): void {
    if (!registryUp) {
      if (CI) throw new Error('CI: the npm registry is unreachable (`npm ping` failed); the packed-install test needs it');
      ctx.skip(SKIP_REASON);
    }
    needBuild();
  }

  it('installed without compilers and without sources to build from', (ctx) => {
    need(ctx);
    const installed = join(app, 'node_modules', pkg.name);
    expect(existsSync(join(installed, 'build', 'learndyn.wasm'))).toBe(true);
    expect(existsSync(join(installed, 'assembly'))).toBe(false);
    expect(existsSync(join(app, 'node_modules', 'assemblyscript'))).toBe(false);
    expect(existsSync(join(app, 'node_modules', 'typescript'))).toBe(false);
  });

  it('npx learndyn --help and --version', (ctx) => {
    need(ctx);
    const help = ok(sh(NPX, ['--no-install', 'learndyn', '--help'], app), 'npx learndyn --help');
    for (const c of ['kernel', 'committee', 'dmft', 'reproduce', 'demo']) expect(help).toContain(c);
    expect(ok(sh(NPX, ['--no-install', 'learndyn', '--version'], app), 'npx learndyn --version').trim()).toBe(VERSION);
  });

  it("a small kernel run prints the same JSON as this checkout's CLI, timings aside (same seed)", (ctx) => {
    need(ctx);
    // Wall-clock timings are the one field that differs between two runs.
    const noTimings = (s: string) => JSON.stringify({ ...JSON.parse(s), timings: undefined });
    const installed = ok(sh(NPX, ['--no-install', 'learndyn', ...smallRun], app), 'npx learndyn kernel run');
    const here = ok(sh('node', [join(repo, 'bin', 'learndyn.js'), ...smallRun], repo), 'node bin/learndyn.js kernel run');
    const j = JSON.parse(installed);
    expect(j.status).toBe('Success');
    expect(j.t).toHaveLength(5);
    expect(j.test).toHaveLength(5);
    expect(j.timings).toBeDefined();
    expect(noTimings(installed)).toBe(noTimings(here));
  });

  it('worker threads, --out and --png work inside the installed package', (ctx) => {
    need(ctx);
    const out = join(work, 'out');
    ok(
      sh(NPX, ['--no-install', 'learndyn', ...smallRun.filter((a) => a !== '--json'), '--threads', '2', '--out', out, '--png'], app),
      'npx learndyn … --threads 2 --out --png',
    );
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.status).toBe('Success');
    expect(manifest.wasm.variant).toBe('threads');
    const png = readFileSync(join(out, 'figure.png'));
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(statSync(join(out, 'arrays.npz')).size).toBeGreaterThan(0);
  });

  it('python/learndyn.py inside the installed package finds its CLI', (ctx) => {
    need(ctx);
    if (spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status !== 0) {
      if (CI) throw new Error('CI: python3 with numpy is missing');
      ctx.skip('python3 with numpy is not available');
    }
    const code = [
      'import sys; sys.path.insert(0, "node_modules/learndyn/python")',
      'import learndyn',
      'print(learndyn.cli_command()[-1])',
      'r = learndyn.run("kernel theory", dim=10, samples=50, energies=[0, 0.5, 0.5], t_count=5, frame=False)',
      'print(r.status, r["oracle"].shape[0])',
    ].join('\n');
    const lines = ok(sh('python3', ['-c', code], app, { env: { LEARNDYN_CLI: '' } }), 'python3 learndyn.run (installed)')
      .trim()
      .split('\n');
    expect(lines[0]).toBe(join(realpathSync(app), 'node_modules', pkg.name, 'bin', 'learndyn.js')); // Path.resolve() follows links
    expect(lines[1]).toBe('Success 5');
  });
});

describe('`npx learndyn` in this clone (README form)', () => {
  it("runs this checkout's bin, offline, from a subfolder too, without rebuilding", () => {
    needBuild();
    // A fresh npx cache: npm links this clone into it and runs `prepare` on the link, which must
    // not rebuild (scripts/prepare.mjs: outputs present → skip). Offline: nothing is downloaded.
    const cache = mkdtempSync(join(tmpdir(), 'learndyn-npx-cache-'));
    try {
      const before = statSync(join(repo, 'build', 'learndyn.wasm')).mtimeMs;
      const env = { npm_config_cache: cache, npm_config_offline: 'true', npm_config_yes: 'true' };
      const t0 = Date.now();
      const v = ok(sh(NPX, ['learndyn', '--version'], repo, { env, timeout: 60_000 }), 'npx learndyn --version (clone)');
      expect(v.trim()).toBe(VERSION);
      const r = ok(
        sh(NPX, ['learndyn', 'kernel', 'spectrum', '--dim', '10', '--max-degree', '2', '--json'], join(repo, 'src'), { env, timeout: 60_000 }),
        'npx learndyn (clone subfolder)',
      );
      const here = ok(
        sh('node', [join(repo, 'bin', 'learndyn.js'), 'kernel', 'spectrum', '--dim', '10', '--max-degree', '2', '--json'], repo),
        'node bin/learndyn.js',
      );
      expect(r).toBe(here);
      expect(statSync(join(repo, 'build', 'learndyn.wasm')).mtimeMs).toBe(before);
      // The Wasm build alone takes over a minute; 45 s bounds two npx start-ups on a loaded machine.
      expect(Date.now() - t0).toBeLessThan(45_000);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });
});
