// End-to-end test of the browser explorer (explorer/): Vite builds the page, Vite's preview server
// serves it on 127.0.0.1, Debian's Chromium (/usr/bin/chromium, installed by .ci/run from Debian
// packages, never a downloaded browser) loads it through playwright-core. Checks: theory figure and
// live recomputation, invalid input shown next to the field with the allowed range (no run starts),
// a small simulation whose printed numbers equal the library's in Node for the same problem and
// seed, the manifest download, Cancel of a long run; the view in the URL (a shared link restores the
// tab, every field and the y axes), presets, the log/linear switch, DMFT's equal x ranges and Bayes
// line, and the Sweep tab (a sweep run in the page; merged files opened). Screenshots go to
// test-output/explorer/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { writeFileSync } from 'node:fs';
import { fmt } from '../../explorer/src/params.js';
import { PRESETS } from '../../explorer/src/presets.js';
import { cli } from '../sweep/toy.js';
import { InlineExecutor, loadWasm, simulateNetwork, solveCommittee, solveDmft, solveKernel } from '../../src/index.js';

// Debian's Chromium (LEARNDYN_CHROMIUM overrides the path, e.g. to check the skip path).
const CHROMIUM = process.env.LEARNDYN_CHROMIUM ?? '/usr/bin/chromium';
const repo = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const outDir = join(repo, 'test-output', 'explorer');
const haveChromium = existsSync(CHROMIUM);
const SKIP_REASON = `explorer e2e skipped: ${CHROMIUM} is missing (install Debian's chromium: apt-get install -y --no-install-recommends chromium chromium-driver; .ci/run does this)`;

if (!haveChromium && !process.env.CI) console.warn(SKIP_REASON);

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

let browser: Browser | undefined;
let context: BrowserContext | undefined;
let page: Page;
let url = '';
let closeServer: (() => Promise<void>) | undefined;
let buildDir = '';
let profileDir = '';
const pageErrors: string[] = [];

function need(ctx: { skip: (note?: string) => never }): void {
  if (haveChromium) return;
  if (process.env.CI) throw new Error(`CI: ${CHROMIUM} is missing; .ci/run should have installed Debian's chromium`);
  ctx.skip(SKIP_REASON);
}

const panel = (engine: string) => page.locator(`#panel-${engine}`);
const byId = (engine: string, id: string): Locator => panel(engine).locator(`[data-testid="${id}"]`);
const num = async (engine: string, card: 'theory' | 'run', key: string) =>
  (await byId(engine, `${card}-numbers`).locator(`[data-testid="num-${key}"]`).textContent())?.trim() ?? '';

/** Full-page screenshot from the top (the sticky header would otherwise sit mid-page). */
async function shot(name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(outDir, name), fullPage: true });
}

async function setField(engine: string, key: string, value: string): Promise<void> {
  await byId(engine, `field-${key}`).fill(value);
}

describe('browser explorer (Vite + Debian Chromium)', () => {
  beforeAll(async () => {
    await mkdir(outDir, { recursive: true });
    if (!haveChromium) return;
    const { build, preview } = await import('vite');
    const config = join(repo, 'explorer', 'vite.config.ts');
    buildDir = await mkdtemp(join(tmpdir(), 'learndyn-explorer-dist-'));
    await build({ configFile: config, logLevel: 'warn', build: { outDir: buildDir, emptyOutDir: true } });
    const port = await freePort();
    const server = await preview({
      configFile: config,
      logLevel: 'warn',
      build: { outDir: buildDir },
      preview: { host: '127.0.0.1', port, strictPort: true, open: false },
    });
    closeServer = () => new Promise<void>((res) => server.httpServer.close(() => res()));
    url = `http://127.0.0.1:${port}/`;
    const { chromium } = await import('playwright-core');
    profileDir = await mkdtemp(join(tmpdir(), 'learndyn-chromium-'));
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1440, height: 1000 },
      acceptDownloads: true,
    });
    browser = context.browser() ?? undefined;
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await closeServer?.();
    if (buildDir) await rm(buildDir, { recursive: true, force: true });
    if (profileDir) await rm(profileDir, { recursive: true, force: true });
  });

  it('loads the page and draws the kernel theory figure; a parameter change recomputes it', async (ctx) => {
    need(ctx);
    await page.goto(url + '#kernel');
    await expect.poll(() => page.locator('[data-testid="wasm-info"]').textContent(), { timeout: 20_000 }).toMatch(/Wasm: (release|scalar)/);
    await byId('kernel', 'theory-figure').locator('svg').waitFor({ timeout: 20_000 });
    await expect.poll(() => byId('kernel', 'theory-status').getAttribute('data-state')).toBe('ok');
    const before = await num('kernel', 'theory', 'theoryTest');
    expect(before).toMatch(/\d/);
    const svgBefore = await byId('kernel', 'theory-figure').innerHTML();
    await setField('kernel', 'samples', '600');
    await expect.poll(() => num('kernel', 'theory', 'theoryTest'), { timeout: 15_000 }).not.toBe(before);
    await expect.poll(() => byId('kernel', 'theory-status').getAttribute('data-state')).toBe('ok');
    expect(await byId('kernel', 'theory-figure').innerHTML()).not.toBe(svgBefore);
    await shot('kernel-theory.png');
  });

  it('shows an invalid field with its allowed range and starts no run', async (ctx) => {
    need(ctx);
    await setField('kernel', 'samples', '0');
    const err = byId('kernel', 'err-samples');
    await expect.poll(() => err.textContent()).toBe('allowed: an integer in [1, 50000]');
    expect(await panel('kernel').locator('[data-field="samples"]').getAttribute('class')).toContain('invalid');
    expect(await byId('kernel', 'run').isDisabled()).toBe(true);
    await byId('kernel', 'run').click({ force: true });
    await page.waitForTimeout(300);
    expect(await byId('kernel', 'run-status').textContent()).toBe('Idle');
    expect(await byId('kernel', 'theory-status').getAttribute('data-state')).toBe('invalid');
    // A cross-field rule (t min < t max) lands on its field too.
    await setField('kernel', 'samples', '600');
    await setField('kernel', 'tMin', '1e9');
    await expect.poll(() => byId('kernel', 'err-tMin').textContent()).toBe('allowed: < tMax = 10000000');
    await shot('kernel-invalid.png');
    await setField('kernel', 'tMin', '1');
    await expect.poll(() => err.textContent()).toBe('');
    expect(await byId('kernel', 'run').isEnabled()).toBe(true);
    // Checked in the worker (the kernel parser): reported back onto the field as well.
    await setField('kernel', 'kernel', 'gauss');
    await expect.poll(() => byId('kernel', 'err-kernel').textContent(), { timeout: 10_000 }).toMatch(/^allowed: exp \| exp:TAU \| poly:a0,a1,\.\. \| relu-ntk/);
    expect(await byId('kernel', 'run').isDisabled()).toBe(true);
    await setField('kernel', 'kernel', 'exp');
    await expect.poll(() => byId('kernel', 'err-kernel').textContent()).toBe('');
    await expect.poll(() => byId('kernel', 'theory-status').getAttribute('data-state'), { timeout: 10_000 }).toBe('ok');
  });

  it('runs a small kernel simulation whose numbers equal the library in Node', async (ctx) => {
    need(ctx);
    await setField('kernel', 'samples', '200');
    await setField('kernel', 'seeds', '2');
    await expect.poll(() => byId('kernel', 'run').isEnabled()).toBe(true);
    await byId('kernel', 'run').click();
    await expect.poll(() => byId('kernel', 'run-status').textContent(), { timeout: 30_000 }).toBe('Success');
    const dl = page.waitForEvent('download');
    await byId('kernel', 'dl-manifest.json').click();
    const manifest = JSON.parse(await readFile((await (await dl).path())!, 'utf8'));
    expect(manifest.problem.samples).toBe(200);
    const sol = await solveKernel(manifest.problem, { runtime: await loadWasm() });
    expect(await num('kernel', 'run', 'simTest')).toBe(fmt(sol.curves.test.at(-1)));
    expect(await num('kernel', 'run', 'simTrain')).toBe(fmt(sol.curves.train.at(-1)));
    expect(await num('kernel', 'run', 'theoryTest')).toBe(fmt(sol.curves.theoryTest.at(-1)));
    expect(await num('kernel', 'run', 'testInf')).toBe(fmt(sol.atInfinity.test));
    await shot('kernel-run.png');
  });

  it('runs committee SGD beside the ODE: numbers equal Node, manifest downloads', async (ctx) => {
    need(ctx);
    await page.locator('[data-testid="tab-committee"]').click();
    await byId('committee', 'theory-figure').locator('svg').waitFor({ timeout: 20_000 });
    await setField('committee', 'dim', '100');
    await setField('committee', 'tMax', '30');
    await setField('committee', 'tCount', '30');
    await setField('committee', 'seeds', '2');
    await setField('committee', 'seed', '7');
    await expect.poll(() => byId('committee', 'run').isEnabled()).toBe(true);
    await byId('committee', 'run').click();
    await expect.poll(() => byId('committee', 'run-status').textContent(), { timeout: 30_000 }).toBe('Success');
    await byId('committee', 'run-figure').locator('svg').waitFor();
    const dl = page.waitForEvent('download');
    await byId('committee', 'dl-manifest.json').click();
    const download = await dl;
    expect(download.suggestedFilename()).toBe('learndyn-committee-manifest.json');
    const manifest = JSON.parse(await readFile((await download.path())!, 'utf8'));
    expect(manifest.status).toBe('Success');
    expect(manifest.problem).toMatchObject({ p: 4, k: 4, dim: 100, tMax: 30, seeds: 2, seed: 7, activation: 'erf' });
    expect(manifest.files.map((f: { name: string }) => f.name)).toEqual(expect.arrayContaining(['arrays.npz', 'curves.csv', 'figure.svg', 'figure.vl.json']));
    // Same problem and seed in Node: identical outputs, so the printed digits agree.
    const sol = await solveCommittee(manifest.problem, { simulate: true, runtime: await loadWasm() });
    expect(await num('committee', 'run', 'sgdFinal')).toBe(fmt(sol.sgd!.risk.at(-1)));
    expect(await num('committee', 'run', 'odeFinal')).toBe(fmt(sol.odeRisk.at(-1)));
    expect(await num('committee', 'run', 'supAbs')).toBe(fmt(sol.agreement!.supAbs));
    expect(await num('committee', 'run', 'supOverScale')).toBe(fmt(sol.agreement!.supOverScale));
    await shot('committee-run.png');
  });

  it('cancels a long run and stays responsive', async (ctx) => {
    need(ctx);
    await setField('committee', 'dim', '3000');
    await setField('committee', 'tMax', '3000');
    await setField('committee', 'seeds', '4');
    await expect.poll(() => byId('committee', 'run').isEnabled()).toBe(true);
    await byId('committee', 'run').click();
    await expect.poll(() => byId('committee', 'run-status').textContent()).toBe('Running');
    await expect.poll(async () => Number(await byId('committee', 'progress').getAttribute('value')), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(await byId('committee', 'cancel').isEnabled()).toBe(true);
    await shot('committee-running.png');
    await byId('committee', 'cancel').click();
    await expect.poll(() => byId('committee', 'run-status').textContent(), { timeout: 5_000 }).toBe('Cancelled');
    expect(await byId('committee', 'run').isEnabled()).toBe(true);
    // Still responsive: the live theory follows an edit.
    const before = await num('committee', 'theory', 'odeFinal');
    await setField('committee', 'lr', '0.5');
    await expect.poll(() => num('committee', 'theory', 'odeFinal'), { timeout: 15_000 }).not.toBe(before);
  });

  it('puts the view in the URL; loading the link restores tab, fields and y axes', async (ctx) => {
    need(ctx);
    // Editing a field writes every field of the tab into the URL.
    await setField('committee', 'lr', '0.7');
    await expect.poll(() => new URL(page.url()).hash).toContain('lr=0.7');
    const link = new URL(page.url());
    const q = new URLSearchParams(link.hash.slice(1));
    expect(q.get('tab')).toBe('committee');
    for (const key of ['p', 'k', 'activation', 'noise', 'dim', 'tMax', 'tCount', 'seeds', 'seed']) expect(q.has(key), key).toBe(true);
    // A shared link: other fields and linear y axes; a fresh load restores them.
    q.set('p', '3');
    q.set('k', '2');
    q.set('lr', '0.4');
    q.set('tMax', '50');
    q.set('y', 'linear');
    await page.goto(`${url}#${q.toString()}`);
    await page.reload();
    await byId('committee', 'theory-figure').locator('svg').waitFor({ timeout: 20_000 });
    expect(await page.locator('[data-testid="tab-committee"]').getAttribute('aria-selected')).toBe('true');
    expect(await byId('committee', 'field-p').inputValue()).toBe('3');
    expect(await byId('committee', 'field-k').inputValue()).toBe('2');
    expect(await byId('committee', 'field-lr').inputValue()).toBe('0.4');
    expect(await byId('committee', 'yscale').inputValue()).toBe('linear');
    await expect.poll(() => byId('committee', 'theory-status').getAttribute('data-state'), { timeout: 20_000 }).toBe('ok');
    const svg = await byId('committee', 'theory-figure').innerHTML();
    expect(svg).toMatch(/Committee erf: p = 3, k = 2, γ = 0\.4/);
    expect(svg).toMatch(/Y-axis titled '[^']*' for a linear scale/);
    await shot('committee-url-linear.png');
    // The switch back to log redraws the theory figure on a log axis and updates the URL.
    await byId('committee', 'yscale').selectOption('log');
    await expect.poll(() => byId('committee', 'theory-figure').innerHTML(), { timeout: 20_000 }).toMatch(/Y-axis titled '[^']*' for a log scale/);
    await expect.poll(() => new URL(page.url()).hash).toContain('y=log');
    // The ODE numbers say which initial state they start from.
    expect(await byId('committee', 'theory-numbers').locator('th').first().textContent()).toBe(
      `ODE excess risk at t max (from the initial overlaps of seed ${await byId('committee', 'field-seed').inputValue()}'s weights at d = ${await byId('committee', 'field-dim').inputValue()})`,
    );
  });

  it('presets set the reproductions’ parameters and name them in the URL', async (ctx) => {
    need(ctx);
    const pr = PRESETS.committee.find((x) => x.id === 'committee-fig3-right')!;
    await byId('committee', 'preset').selectOption(pr.id);
    for (const [k, v] of Object.entries(pr.values)) {
      const input = byId('committee', `field-${k}`);
      expect(await input.inputValue(), k).toBe(v);
    }
    expect(await byId('committee', 'preset-note').textContent()).toBe(pr.note);
    await expect.poll(() => new URL(page.url()).hash).toContain('preset=committee-fig3-right');
    await expect.poll(() => byId('committee', 'theory-status').getAttribute('data-state'), { timeout: 30_000 }).toBe('ok');
    expect(await byId('committee', 'theory-figure').innerHTML()).toMatch(/mean-field ODE/);
    await shot('committee-preset-fig3-right.png');
    // Editing a field leaves the preset (custom); Defaults restores the demo's parameters.
    await setField('committee', 'lr', '9');
    expect(await byId('committee', 'preset').inputValue()).toBe('custom');
    await byId('committee', 'reset').click();
    expect(await byId('committee', 'preset').inputValue()).toBe('defaults');
    expect(await byId('committee', 'field-p').inputValue()).toBe('4');
    // Every tab offers its reproductions.
    for (const engine of ['kernel', 'committee', 'dmft'] as const) {
      const options = await byId(engine, 'preset')
        .locator('option')
        .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
      expect(options).toEqual(expect.arrayContaining(PRESETS[engine].map((x) => x.id)));
    }
  });

  it('shows the DMFT theory with its two panels', async (ctx) => {
    need(ctx);
    await page.locator('[data-testid="tab-dmft"]').click();
    await byId('dmft', 'theory-figure').locator('svg').waitFor({ timeout: 20_000 });
    await expect.poll(() => byId('dmft', 'theory-status').getAttribute('data-state'), { timeout: 20_000 }).toBe('ok');
    expect(Number(await byId('dmft', 'theory-numbers').locator('[data-testid="num-dmftTest"]').getAttribute('data-value'))).toBeGreaterThan(0);
    // A network-only rule: c_0 ≠ 0 is refused for the simulation, next to the field.
    await setField('dmft', 'h', '0.1, 0.9');
    await expect.poll(() => byId('dmft', 'err-h').textContent()).toBe('allowed: c_0 = 0 (σ is centred)');
    expect(await byId('dmft', 'run').isDisabled()).toBe(true);
    await setField('dmft', 'h', '0, 0.9, 0, 0.1666666667');
    await expect.poll(() => byId('dmft', 'theory-status').getAttribute('data-state'), { timeout: 20_000 }).toBe('ok');
    await shot('dmft-theory.png');
  });

  it('runs the DMFT beside a small network: numbers equal Node', async (ctx) => {
    need(ctx);
    await setField('dmft', 'simulateDim', '100');
    await setField('dmft', 'simulateSeeds', '2');
    await expect.poll(() => byId('dmft', 'run').isEnabled()).toBe(true);
    await byId('dmft', 'run').click();
    await expect.poll(() => byId('dmft', 'run-status').textContent(), { timeout: 30_000 }).toBe('Success');
    const dl = page.waitForEvent('download');
    await byId('dmft', 'dl-manifest.json').click();
    const manifest = JSON.parse(await readFile((await (await dl).path())!, 'utf8'));
    const rt = await loadWasm();
    const sol = await solveDmft(manifest.problem, { runtime: rt });
    const sim = await simulateNetwork(rt, new InlineExecutor(rt), manifest.stats.simulation.options);
    expect(sim.options.dim).toBe(100);
    expect(await num('dmft', 'run', 'dmftTest')).toBe(fmt(sol.testError.at(-1)));
    expect(await num('dmft', 'run', 'simTest')).toBe(fmt(sim.summary.testError.at(-1)));
    expect(await num('dmft', 'run', 'simTrain')).toBe(fmt(sim.summary.trainError.at(-1)));
    // Theory and run figures share their x ranges (the DMFT's); the Bayes error τ²/2 is drawn and printed.
    const xAxes = async (card: string) =>
      (
        await byId('dmft', card)
          .locator('[aria-label^="X-axis"]')
          .evaluateAll((gs) => gs.map((g) => g.getAttribute('aria-label')))
      ).map((l) => l?.replace(/^.* with values from /, ''));
    const theoryX = await xAxes('theory-figure');
    expect(theoryX.length).toBe(2);
    expect(await xAxes('run-figure')).toEqual(theoryX);
    const tau = manifest.problem.tau as number;
    expect(await num('dmft', 'run', 'bayes')).toBe(fmt((tau * tau) / 2));
    expect(await byId('dmft', 'run-figure').innerHTML()).toContain('Bayes error τ²/2');
    await shot('dmft-run.png');
  });

  it('Sweep tab: runs a small sweep in the page and draws the learning curve, heatmap and family', async (ctx) => {
    need(ctx);
    await page.locator('[data-testid="tab-sweep"]').click();
    await expect.poll(() => new URL(page.url()).hash).toContain('tab=sweep');
    const sw = (id: string) => page.locator(`#panel-sweep [data-testid="${id}"]`);
    await sw('sweep-preset').selectOption('committee-phase-diagram');
    await sw('sweep-run').click();
    await sw('sweep-heatmap').locator('svg').waitFor({ timeout: 60_000 });
    expect(await sw('sweep-cells').textContent()).toBe('12 (12 done, 0 failed, 0 pending)');
    expect(await sw('sweep-axes').textContent()).toBe('lr, noise');
    expect(await sw('sweep-summary').innerHTML()).toContain('riskFinal against lr');
    expect(await sw('sweep-heatmap').innerHTML()).toContain('riskFinal over (lr, noise)');
    expect(await sw('sweep-curves').innerHTML()).toContain('risk against t, coloured by lr');
    await shot('sweep-run.png');
    // Another scalar redraws; the URL keeps it and the spec.
    await sw('sweep-scalar').selectOption('plateauHeight');
    await expect.poll(() => sw('sweep-summary').innerHTML(), { timeout: 20_000 }).toContain('plateauHeight against lr');
    const h = new URLSearchParams(new URL(page.url()).hash.slice(1));
    expect(h.get('scalar')).toBe('plateauHeight');
    expect(JSON.parse(h.get('spec')!).command).toBe('committee ode');
  });

  it('Sweep tab: opens the files of `sweep merge` (CSV tables, or manifest + npz)', async (ctx) => {
    need(ctx);
    const dir = await mkdtemp(join(tmpdir(), 'learndyn-explorer-sweep-'));
    const spec = join(dir, 'spec.json');
    writeFileSync(spec, JSON.stringify({ command: 'committee ode', base: { p: 2, k: 2, tMax: 200, tCount: 30 }, grid: { lr: [0.3, 1, 3], noise: [0, 0.01] } }));
    const out = join(dir, 'sweep');
    expect((await cli(['sweep', 'run', spec, '--out', out, '--no-cell-figures', '--no-progress'])).code).toBe(0);
    expect((await cli(['sweep', 'merge', out, '--no-figures'])).code).toBe(0);
    const sw = (id: string) => page.locator(`#panel-sweep [data-testid="${id}"]`);
    await sw('sweep-files').setInputFiles([join(out, 'table.csv'), join(out, 'summary.csv')]);
    await expect.poll(() => sw('sweep-source').textContent(), { timeout: 30_000 }).toBe('table.csv + summary.csv');
    expect(await sw('sweep-cells').textContent()).toBe('6 (6 done, 0 failed, 0 pending)');
    await sw('sweep-heatmap').locator('svg').waitFor();
    expect(await sw('sweep-heatmap').innerHTML()).toContain('over (lr, noise)');
    await shot('sweep-open-csv.png');
    await sw('sweep-files').setInputFiles([join(out, 'manifest.json'), join(out, 'table.npz')]);
    await expect.poll(() => sw('sweep-source').textContent(), { timeout: 30_000 }).toBe('manifest.json + table.npz');
    expect(await sw('sweep-cells').textContent()).toBe('6 (6 done, 0 failed, 0 pending)');
    expect(await sw('sweep-curves').innerHTML()).toContain('coloured by lr');
    await rm(dir, { recursive: true, force: true });
    expect(pageErrors).toEqual([]);
  });
});
