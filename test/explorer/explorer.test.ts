// End-to-end test of the browser explorer (explorer/): Vite builds the page, Vite's preview server
// serves it on 127.0.0.1, Debian's Chromium (/usr/bin/chromium, installed by .ci/run from Debian
// packages, never a downloaded browser) loads it through playwright-core. Checks: theory figure and
// live recomputation, invalid input shown next to the field with the allowed range (no run starts),
// a small simulation whose printed numbers equal the library's in Node for the same problem and
// seed, the manifest download, Cancel of a long run. Screenshots go to test-output/explorer/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { fmt } from '../../explorer/src/params.js';
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
    await expect.poll(() => byId('kernel', 'err-tMin').textContent()).toBe('allowed: < tMax = 100000000');
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
    expect(manifest.problem).toMatchObject({ p: 2, k: 2, dim: 100, tMax: 30, seeds: 2, seed: 7, activation: 'erf' });
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
    await shot('dmft-run.png');
    expect(pageErrors).toEqual([]);
  });
});
