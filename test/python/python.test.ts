// The Python helper (python/learndyn.py, issue 13 item 6), tested with the machine's python3 and
// numpy: its unittest suite (python/tests/: real CLI runs checked against the CLI's --json, exit
// codes and Ctrl-C through a stand-in CLI, sweep tables with and without pandas), and README's
// "From Python / Jupyter" block, extracted and run as written from the repository root.
// Without python3 + numpy: skipped with a message, and a failure under CI=true.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
const SKIP_REASON = 'Python helper tests skipped: python3 with numpy is not available (Debian: apt-get install python3-numpy; .ci/run does this)';
if (!hasNumpy && !process.env.CI) console.warn(SKIP_REASON);

function need(ctx: { skip: (note?: string) => never }): void {
  if (!hasNumpy) {
    if (process.env.CI) throw new Error('CI: python3 with numpy is missing; .ci/run should have installed python3-numpy');
    ctx.skip(SKIP_REASON);
  }
  // learndyn.py runs this checkout's CLI, which runs from dist/.
  if (!existsSync(join(repo, 'dist', 'cli', 'main.js'))) throw new Error('dist/ missing: run `npm run build` (npm ci does it)');
}

/** The first ```python block after the heading that names "From Python / Jupyter". */
function readmePythonBlock(readme: string): string {
  const at = readme.search(/^#+ .*From Python \/ Jupyter/m);
  if (at < 0) throw new Error('README has no "From Python / Jupyter" heading');
  const m = /```python\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!m) throw new Error('no ```python block under "From Python / Jupyter"');
  return m[1];
}

describe('python/learndyn.py', () => {
  it('its unittest suite passes (python3 -m unittest discover python/tests)', (ctx) => {
    need(ctx);
    const r = spawnSync('python3', ['-m', 'unittest', 'discover', '-s', join('python', 'tests'), '-v'], {
      cwd: repo,
      encoding: 'utf8',
      timeout: 300_000,
      env: { ...process.env, LEARNDYN_CLI: '' },
    });
    // unittest reports on stderr; the closing line is "OK" or "OK (skipped=N)".
    if (r.status !== 0) throw new Error(`python unittest failed (status ${r.status}):\n${r.stderr}\n${r.stdout}`);
    expect(r.stderr).toMatch(/^Ran \d+ tests/m);
    expect(r.stderr).toMatch(/^OK\b/m);
    expect(r.stderr).not.toMatch(/Ran 0 tests/);
  }, 320_000);

  it('README\'s "From Python / Jupyter" block runs from the repository root', (ctx) => {
    need(ctx);
    const code = readmePythonBlock(readFileSync(join(repo, 'README.md'), 'utf8'));
    expect(code).toContain('learndyn.run(');
    const r = spawnSync('python3', ['-c', code], { cwd: repo, encoding: 'utf8', timeout: 120_000, env: { ...process.env, LEARNDYN_CLI: '' } });
    if (r.status !== 0) throw new Error(`README Python block failed (status ${r.status}):\n${r.stderr}\n${r.stdout}`);
    const [first, second] = r.stdout.trim().split('\n');
    // "Success <last t> <last test>": the run's status and two finite numbers.
    const [status, tLast, testLast] = first.split(' ');
    expect(status).toBe('Success');
    expect(Number(tLast)).toBeGreaterThan(0);
    expect(Number.isFinite(Number(testLast))).toBe(true);
    expect(second).toContain('test error');
  }, 150_000);
});
