// Every command shown in README.md and docs/**/*.md runs (issue 13 item 2). The ```sh blocks are
// extracted and run as a user would type them, in a fresh temporary folder per page where
// `examples/` is reachable as from the repository root; blocks of one page run in order and share
// that folder (a block may use what an earlier block wrote). `learndyn` and `npx learndyn` run this
// checkout's `node bin/learndyn.js` (dist/, so `npm run build` first); other lines run under bash
// as written; `npm …` lines are checked, not run (the script or lock file they need exists).
// Markers, HTML comments on the lines right before a block (several directives separated by ';'):
//   <!-- test: replace --samples 8000 with --samples 200 -->   run smaller (must match in the block)
//   <!-- test: exit 5 -->                                      expected exit code of each command
//   <!-- test: writes out/x/figure.svg, out/y -->              files the block must leave behind
//   <!-- test: timeout 90 -->                                  seconds per command (default 60)
//   <!-- test: skip needs a Slurm cluster -->                  not run; the reason is printed
// Rules and rationale: docs/development.md, "Commands in the documentation".
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
const DEFAULT_TIMEOUT_S = 60;

interface Block {
  file: string;
  line: number;
  commands: string[];
  replace: [string, string][];
  exit: number;
  writes: string[];
  timeoutS: number;
  skip?: string;
}

/** The markdown pages whose ```sh blocks are run: README.md and every .md under docs/. */
function pages(): string[] {
  const out = [join(repo, 'README.md')];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.md')) out.push(p);
    }
  };
  if (existsSync(join(repo, 'docs'))) walk(join(repo, 'docs'));
  return out;
}

/** Parse one `<!-- test: … -->` comment into the block's settings. */
function applyDirectives(text: string, b: Block, where: string): void {
  for (const raw of text.split(';')) {
    const d = raw.trim();
    if (!d) continue;
    const [word] = d.split(/\s+/, 1);
    const rest = d.slice(word.length).trim();
    if (word === 'replace') {
      const at = rest.indexOf(' with ');
      if (at < 0) throw new Error(`${where}: "replace A with B" expected, got "${d}"`);
      b.replace.push([rest.slice(0, at), rest.slice(at + 6)]);
    } else if (word === 'exit') {
      b.exit = Number(rest);
      if (!Number.isInteger(b.exit)) throw new Error(`${where}: "exit N" needs an integer, got "${d}"`);
    } else if (word === 'writes')
      b.writes.push(
        ...rest
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      );
    else if (word === 'timeout') {
      b.timeoutS = Number(rest);
      if (!(b.timeoutS > 0)) throw new Error(`${where}: "timeout S" needs seconds, got "${d}"`);
    } else if (word === 'skip') {
      if (!rest) throw new Error(`${where}: "skip" needs a reason`);
      b.skip = rest;
    } else throw new Error(`${where}: unknown test directive "${word}" (replace, exit, writes, timeout, skip)`);
  }
}

/** The ```sh blocks of a page with their markers; commands joined across `\` line ends. */
function extractBlocks(text: string, file: string): Block[] {
  const lines = text.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^(\s*)(`{3,})(\w*)\s*$/.exec(lines[i]);
    if (!fence) continue;
    const close = lines.findIndex((l, j) => j > i && l.trim() === fence[2]);
    const end = close < 0 ? lines.length : close;
    if (fence[3] === 'sh') {
      const b: Block = { file, line: i + 1, commands: [], replace: [], exit: 0, writes: [], timeoutS: DEFAULT_TIMEOUT_S };
      // Markers: the comment lines (and blank lines) right above the fence.
      const markers: string[] = [];
      for (let j = i - 1; j >= 0; j--) {
        const l = lines[j].trim();
        if (l === '') continue;
        const m = /^<!--\s*test:(.*?)-->$/.exec(l);
        if (!m) break;
        markers.unshift(m[1]);
      }
      for (const m of markers) applyDirectives(m, b, `${file}:${i + 1}`);
      let body = lines.slice(i + 1, end).join('\n');
      for (const [from, to] of b.replace) {
        if (!body.includes(from)) throw new Error(`${file}:${i + 1}: marker "replace ${from} with ${to}" does not match the block`);
        body = body.split(from).join(to);
      }
      b.commands = body
        .replace(/\s*\\\n\s*/g, ' ')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '' && !l.startsWith('#'));
      blocks.push(b);
    }
    i = end;
  }
  return blocks;
}

/** `npm …` lines are not run: the lock file or the script they name must exist. */
function checkNpm(cmd: string): string | undefined {
  const words = cmd.replace(/\s+#.*$/, '').split(/\s+/);
  const sub = words[1];
  if (sub === 'ci' || sub === 'install' || sub === 'i') return existsSync(join(repo, 'package-lock.json')) ? undefined : 'package-lock.json is missing';
  if (sub === 'test' || sub === 'start') return pkg.scripts[sub] ? undefined : `package.json has no "${sub}" script`;
  if (sub === 'run') return pkg.scripts[words[2]] ? undefined : `package.json has no "${words[2]}" script`;
  if (sub === 'pack') return undefined;
  return `unrecognised npm command (ci, install, test, run SCRIPT, pack): ${cmd}`;
}

/** Output paths a command names: `--out DIR` and `> FILE` redirects. */
function namedOutputs(cmd: string): { dirs: string[]; files: string[] } {
  const c = cmd.replace(/\s+#.*$/, '');
  const dirs = [...c.matchAll(/(?:^|\s)--out[ =](\S+)/g)].map((m) => m[1]);
  const files = [...c.matchAll(/(?:^|\s)1?>>?\s*([^\s&|;]+)/g)].map((m) => m[1]).filter((f) => !f.startsWith('/dev/'));
  return { dirs, files };
}

interface Ran {
  code: number | null;
  out: string;
  err: string;
  ms: number;
}

function run(cmd: string, cwd: string, binDir: string, timeoutS: number): Promise<Ran> {
  return new Promise((done) => {
    const t0 = Date.now();
    const child = spawn('bash', ['-o', 'pipefail', '-c', cmd], {
      cwd,
      env: { ...process.env, PATH: `${binDir}:${process.env.PATH}`, NO_COLOR: '1', LEARNDYN_CLI: join(binDir, 'learndyn') },
      detached: true,
    });
    let out = '',
      err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => {
      // The whole process group: bash and the node it started.
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
      err += `\n[killed after ${timeoutS} s]`;
    }, timeoutS * 1000);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, out, err, ms: Date.now() - t0 });
    });
  });
}

const built = existsSync(join(repo, 'dist', 'cli', 'main.js')) && existsSync(join(repo, 'build', 'learndyn.wasm'));
const all = pages().map((p) => ({ page: relative(repo, p), blocks: extractBlocks(readFileSync(p, 'utf8'), relative(repo, p)) }));
const skipped = all.flatMap((p) => p.blocks.filter((b) => b.skip).map((b) => `${b.file}:${b.line}: ${b.skip}`));
if (skipped.length) console.warn(`documentation blocks not run (marked skip):\n  ${skipped.join('\n  ')}`);

describe('the marker syntax', () => {
  it('reads replace, exit, writes, timeout and skip; joins continued lines; refuses a stale replace', () => {
    const md = [
      'text',
      '<!-- test: replace --seeds 5 with --seeds 1; exit 3 -->',
      '<!-- test: writes out/a, out/b/c.svg; timeout 9 -->',
      '```sh',
      'learndyn kernel run --dim 10 \\',
      '    --seeds 5 --out out/a   # a comment',
      '# a comment line',
      'npm test',
      '```',
      '```json',
      '{"not": "run"}',
      '```',
      '<!-- test: skip needs Slurm -->',
      '```sh',
      'learndyn sweep sbatch x --submit',
      '```',
    ].join('\n');
    const [a, b, ...more] = extractBlocks(md, 'x.md');
    expect(more).toEqual([]);
    expect(a.commands).toEqual(['learndyn kernel run --dim 10 --seeds 1 --out out/a   # a comment', 'npm test']);
    expect(a.exit).toBe(3);
    expect(a.writes).toEqual(['out/a', 'out/b/c.svg']);
    expect(a.timeoutS).toBe(9);
    expect(a.line).toBe(4);
    expect(b.skip).toBe('needs Slurm');
    expect(namedOutputs(a.commands[0])).toEqual({ dirs: ['out/a'], files: [] });
    expect(namedOutputs('learndyn x --json > r.json 2>/dev/null')).toEqual({ dirs: [], files: ['r.json'] });
    expect(() => extractBlocks('<!-- test: replace --dim 7 with --dim 2 -->\n```sh\nlearndyn x --dim 8\n```\n', 'y.md')).toThrow(/does not match/);
    expect(() => extractBlocks('<!-- test: frobnicate -->\n```sh\nlearndyn x\n```\n', 'y.md')).toThrow(/unknown test directive/);
    expect(checkNpm('npm run no-such-script')).toMatch(/no "no-such-script" script/);
    expect(checkNpm('npm ci')).toBeUndefined();
  });

  it('README.md has runnable blocks (the extraction finds them)', () => {
    const readme = all.find((p) => p.page === 'README.md');
    expect(
      readme?.blocks
        .filter((b) => !b.skip)
        .flatMap((b) => b.commands)
        .some((c) => /^(npx )?learndyn /.test(c)),
    ).toBe(true);
  });
});

// Link checks (inside the repository, anchors, papers only) live in test/docs/ids.test.ts.
describe('README stands on its own', () => {
  it('README names no spec file outside the repository and no bare equation ids', () => {
    const readme = readFileSync(join(repo, 'README.md'), 'utf8');
    expect(readme).not.toMatch(/shared\/spec/);
    // Ids such as K22, S29, D35, V10 mean something only on the engine pages; README explains in words.
    expect(readme.match(/\b[KSDVG]\d+\b/g) ?? []).toEqual([]);
  });
});

for (const { page, blocks } of all) {
  if (blocks.length === 0) continue;
  describe(`${page}: every sh block runs`, () => {
    let cwd = '';
    let binDir = '';
    const setUp = () => {
      if (cwd) return;
      if (!built) throw new Error('dist/ or build/ missing: run `npm run build` (npm ci does it)');
      cwd = mkdtempSync(join(tmpdir(), `learndyn-docs-${page.replace(/[^\w]+/g, '-')}-`));
      symlinkSync(join(repo, 'examples'), join(cwd, 'examples'));
      symlinkSync(join(repo, 'python'), join(cwd, 'python'));
      binDir = join(cwd, '.bin');
      mkdirSync(binDir);
      // `learndyn` on PATH = this checkout's CLI, as `npx learndyn` is in a clone.
      writeFileSync(join(binDir, 'learndyn'), `#!/bin/sh\nexec "${process.execPath}" "${join(repo, 'bin', 'learndyn.js')}" "$@"\n`);
      chmodSync(join(binDir, 'learndyn'), 0o755);
    };
    for (const b of blocks) {
      const name = `${b.file}:${b.line} ${b.commands[0] ?? '(empty)'}`.slice(0, 140);
      const budget = (b.timeoutS * b.commands.length + 10) * 1000;
      it(
        name,
        async (ctx) => {
          if (b.skip) ctx.skip(b.skip);
          expect(b.commands.length, 'an empty sh block').toBeGreaterThan(0);
          setUp();
          for (const raw of b.commands) {
            if (/^npm\s/.test(raw)) {
              expect(checkNpm(raw), raw).toBeUndefined();
              continue;
            }
            const cmd = raw
              .replace(/(^|[\s;&|(])npx\s+(?:--no-install\s+)?learndyn\b/g, '$1learndyn')
              .replace(/(^|[\s;&|(])node\s+bin\/learndyn\.js\b/g, '$1learndyn');
            const r = await run(cmd, cwd, binDir, b.timeoutS);
            const tail = (s: string) => s.slice(-3000);
            expect(
              r.code,
              `${b.file}:${b.line}: ${cmd}\nexit ${r.code} (expected ${b.exit}) after ${r.ms} ms\nstderr:\n${tail(r.err)}\nstdout:\n${tail(r.out)}`,
            ).toBe(b.exit);
            if (r.ms > 20_000)
              console.warn(
                `${b.file}:${b.line}: ${cmd.slice(0, 100)} took ${(r.ms / 1000).toFixed(1)} s (keep documented commands under 20 s, or mark them "replace … with …")`,
              );
            const { dirs, files } = namedOutputs(cmd);
            if (b.exit === 0) {
              for (const d of dirs) {
                expect(existsSync(join(cwd, d)) && statSync(join(cwd, d)).isDirectory(), `${cmd}: --out ${d} was not written`).toBe(true);
                expect(readdirSync(join(cwd, d)).length, `${cmd}: --out ${d} is empty`).toBeGreaterThan(0);
              }
              for (const f of files) expect(existsSync(join(cwd, f)), `${cmd}: ${f} was not written`).toBe(true);
            }
          }
          for (const w of b.writes) expect(existsSync(join(cwd, w)), `${b.file}:${b.line}: ${w} was not written`).toBe(true);
        },
        budget,
      );
    }
  });
}
