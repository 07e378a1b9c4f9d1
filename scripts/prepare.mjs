#!/usr/bin/env node
// npm's `prepare` lifecycle script. npm runs it
//  - in a clone on `npm ci` / `npm install` / `npm link`, and on `npm pack` / `npm publish`:
//    full build (Wasm + dist/), from an empty dist/ so no stale module from a deleted source ships;
//  - on `npx learndyn` inside a clone (npm_command=exec): npm 10+ links the clone into npx's cache
//    and runs `prepare` on the link, which used to re-run the whole 1–2 min Wasm build on every
//    fresh npx cache. There we build only when an output is missing, and only warn when sources are
//    newer than the outputs (a developer who edits sources runs `npm run build`).
// Consumers of the packed tarball or the registry never run `prepare`; if anything did, the
// installed package has no assembly/ folder and this script does nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const say = (msg) => process.stderr.write(`learndyn prepare: ${msg}\n`);

/** Outputs the CLI needs at run time (src/wasm/runtime.ts, bin/learndyn.js). */
const OUTPUTS = [
  'build/learndyn.wasm',
  'build/learndyn-threads.wasm',
  'build/learndyn-relaxed.wasm',
  'build/learndyn-threads-relaxed.wasm',
  'build/learndyn-scalar.wasm',
  'build/learndyn-debug.wasm',
  'dist/cli/main.js',
  'dist/index.js',
];
const SOURCES = ['assembly', 'codegen', 'src'];

function newestMtime(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function build() {
  // Through the npm that runs us (npm_execpath), so a nvm/volta npm is used, not one on PATH.
  const npm = process.env.npm_execpath;
  const r = npm
    ? spawnSync(process.execPath, [npm, 'run', 'build'], { cwd: root, stdio: 'inherit' })
    : spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  process.exit(r.status ?? 1);
}

if (!existsSync(join(root, 'assembly', 'index.ts'))) {
  say('installed package (build/ and dist/ are shipped), nothing to build');
  process.exit(0);
}

if (process.env.npm_command === 'exec') {
  const missing = OUTPUTS.filter((f) => !existsSync(join(root, f)));
  if (missing.length > 0) {
    say(`npx in a clone: ${missing.join(', ')} missing, building`);
    build();
  } else {
    const oldestOut = Math.min(...OUTPUTS.map((f) => statSync(join(root, f)).mtimeMs));
    const newestSrc = Math.max(...SOURCES.map((d) => newestMtime(join(root, d))));
    if (newestSrc > oldestOut) say('sources are newer than build/ or dist/: run `npm run build` to use your changes');
    process.exit(0);
  }
} else {
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  build();
}
