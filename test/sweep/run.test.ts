// sweep run / status / merge on the toy engine (closed form) and on a real engine: cell folders are what
// --out writes, resume, recompute of incomplete cells, failures recorded, interrupt, locks, shards,
// spec mismatch, merged tables checked against the closed form, merged bytes independent of sharding.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandSweep } from '../../src/sweep/spec.js';
import { runSweep } from '../../src/sweep/run.js';
import { sweepStatus } from '../../src/sweep/status.js';
import { decodeNpz, deterministicView } from '../../src/io/index.js';
import { cli, solveCounter, started, TEST_ENGINES } from './toy.js';
import { ENGINES } from '../../src/engines.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'sweep-run-'));
const writeSpec = (dir: string, spec: unknown, name = 'spec.json') => {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(spec));
  return p;
};
const TOY = { command: 'toy decay', base: { count: 4 }, grid: { rate: [0.5, 1, 2] }, zip: { y0: [1, 3] } };

describe('sweep run', () => {
  it('writes each cell as its command’s --out would, resumes, recomputes incomplete cells', async () => {
    const dir = tmp();
    const spec = writeSpec(dir, TOY);
    const out = join(dir, 'sweep');
    const r = await cli(['sweep', 'run', spec, '--out', out]);
    expect(r.code, r.err).toBe(0);
    const sw = await expandSweep(TOY, TEST_ENGINES);
    expect(readdirSync(join(out, 'cells')).sort()).toEqual(sw.cells.map((c) => c.id).sort());
    // A cell folder = `--out` of the single command with the cell's parameters (timings aside).
    const c3 = sw.cells[3]; // rate 1, y0 3
    expect(c3.axes).toEqual({ rate: 1, y0: 3 });
    const single = join(dir, 'single');
    expect((await cli(['toy', 'decay', '--count', '4', '--rate', '1', '--y0', '3', '--out', single])).code).toBe(0);
    const cellDir = join(out, 'cells', c3.id);
    expect(readdirSync(cellDir).sort()).toEqual(readdirSync(single).sort());
    for (const f of readdirSync(single)) {
      if (f === 'manifest.json') {
        const a = JSON.parse(readFileSync(join(single, f), 'utf8'));
        const b = JSON.parse(readFileSync(join(cellDir, f), 'utf8'));
        expect(b.command).toEqual(a.command.slice(0, -2)); // the same argv without `--out DIR`
        expect({ ...deterministicView(b), command: null }).toEqual({ ...deterministicView(a), command: null });
      } else expect(readFileSync(join(cellDir, f)).equals(readFileSync(join(single, f))), f).toBe(true);
    }
    // Resume: nothing recomputed.
    solveCounter.n = 0;
    const again = await cli(['sweep', 'run', spec, '--out', out]);
    expect(again.code).toBe(0);
    expect(solveCounter.n).toBe(0);
    // A folder without a complete manifest is recomputed (and only it).
    unlinkSync(join(out, 'cells', sw.cells[0].id, 'y.npy'));
    rmSync(join(out, 'cells', sw.cells[1].id, 'manifest.json'));
    expect(sweepStatus(out).counts).toEqual({ cells: 6, done: 4, failed: 0, pending: 2 });
    solveCounter.n = 0;
    expect((await cli(['sweep', 'run', spec, '--out', out])).code).toBe(0);
    expect(solveCounter.n).toBe(2);
    // --force redoes every cell.
    solveCounter.n = 0;
    expect((await cli(['sweep', 'run', spec, '--out', out, '--force'])).code).toBe(0);
    expect(solveCounter.n).toBe(6);
    const st = await cli(['sweep', 'status', out, '--json']);
    expect(Object.keys(JSON.parse(st.out))).toEqual(['cells', 'done', 'failed', 'pending']);
    expect(JSON.parse(st.out)).toEqual({ cells: 6, done: 6, failed: 0, pending: 0 });
  });

  it('records failed cells (status ≠ Success, or a throw) and runs the others; status names them', async () => {
    const dir = tmp();
    const spec = writeSpec(dir, { command: 'toy decay', grid: { rate: [1, 200], y0: [2, -1] } });
    const out = join(dir, 'sweep');
    const r = await cli(['sweep', 'run', spec, '--out', out]);
    expect(r.code).toBe(1); // a cell threw: the most severe outcome
    const st = await cli(['sweep', 'status', out, '--json']);
    expect(JSON.parse(st.out)).toEqual({ cells: 4, done: 1, failed: 3, pending: 0 });
    const lines = st.err.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines.some((l) => /rate=200, y0=2\): NotConverged — rate above 100/.test(l))).toBe(true);
    expect(lines.filter((l) => /y0=-1\): Error — negative y0 reached the solver/.test(l))).toHaveLength(2);
    const text = await cli(['sweep', 'status', out]);
    expect(text.out.split('\n')[0]).toBe('cells 4, done 1, failed 3, pending 0');
    // Results that are not Success are finished results (not recomputed); cells that threw are retried.
    solveCounter.n = 0;
    await cli(['sweep', 'run', spec, '--out', out]);
    expect(solveCounter.n).toBe(2);
  });

  it('an interrupt writes the cells in flight as Terminated; the next run completes the rest', async () => {
    const dir = tmp();
    const sw = await expandSweep({ command: 'toy decay', grid: { rate: [1, 2, 3] } }, TEST_ENGINES);
    const out = join(dir, 'sweep');
    // Already aborted: nothing starts.
    const pre = new AbortController();
    pre.abort();
    const rep0 = await runSweep(sw, out, { engines: TEST_ENGINES, signal: pre.signal });
    expect(rep0.terminated && rep0.ran.length === 0).toBe(true);
    // Aborted while cell 0 is in flight: it is written as Terminated, cells 1 and 2 never start.
    const ctl = new AbortController();
    started.block = true;
    started.hook = () => ctl.abort();
    const rep = await runSweep(sw, out, { engines: TEST_ENGINES, signal: ctl.signal });
    started.block = false;
    started.hook = undefined;
    expect(rep.terminated).toBe(true);
    expect(rep.ran.map((c) => c.status)).toEqual(['Terminated']);
    const m = JSON.parse(readFileSync(join(out, 'cells', sw.cells[0].id, 'manifest.json'), 'utf8'));
    expect(m.status).toBe('Terminated');
    expect(sweepStatus(out).counts).toEqual({ cells: 3, done: 0, failed: 0, pending: 3 });
    // The next run completes every cell, the Terminated one included.
    const rep2 = await runSweep(sw, out, { engines: TEST_ENGINES });
    expect(rep2.ran.map((c) => c.status)).toEqual(['Success', 'Success', 'Success']);
    expect(sweepStatus(out).counts).toEqual({ cells: 3, done: 3, failed: 0, pending: 0 });
  });

  it('a cell locked by another live process is skipped; a stale lock of a dead process is taken over', async () => {
    const dir = tmp();
    const spec = { command: 'toy decay', grid: { rate: [1, 2] } };
    const sw = await expandSweep(spec, TEST_ENGINES);
    const out = join(dir, 'sweep');
    mkdirSync(join(out, 'locks'), { recursive: true });
    writeFileSync(join(out, 'locks', `${sw.cells[0].id}.lock`), `${hostname()} ${process.pid}\n`); // alive: us
    writeFileSync(join(out, 'locks', `${sw.cells[1].id}.lock`), `${hostname()} 2147483646\n`); // no such pid
    const rep = await runSweep(sw, out, { engines: TEST_ENGINES });
    expect(rep.lockedElsewhere).toBe(1);
    expect(rep.ran.map((c) => c.id)).toEqual([sw.cells[1].id]);
    expect(existsSync(join(out, 'locks', `${sw.cells[1].id}.lock`))).toBe(false);
  });

  it('--jobs 2 runs from the sources (worker threads load the .ts modules) and writes the same cells as --jobs 1', async () => {
    const dir = tmp();
    const spec = { command: 'committee ode', base: { p: 2, k: 2, tMax: 200, tCount: 30 }, grid: { lr: [0.3, 0.6, 1.2] } };
    const sw = await expandSweep(spec, ENGINES);
    const one = await runSweep(sw, join(dir, 'one'), { engines: ENGINES, jobs: 1 });
    // Every cell in a worker (mainLane false), then the default: the main thread is one of the lanes.
    const two = await runSweep(sw, join(dir, 'two'), { engines: ENGINES, jobs: 2, mainLane: false });
    expect(two.ran.map((c) => c.status)).toEqual(['Success', 'Success', 'Success']);
    expect(two.ran.every((c) => c.lane !== undefined && c.lane >= 1)).toBe(true);
    expect(one.ran.map((c) => c.id).sort()).toEqual(two.ran.map((c) => c.id).sort());
    const mixed = await runSweep(sw, join(dir, 'mixed'), { engines: ENGINES, jobs: 2 });
    expect(mixed.ran.map((c) => c.id).sort()).toEqual(one.ran.map((c) => c.id).sort());
    for (const c of sw.cells)
      for (const other of ['two', 'mixed']) {
        const a = join(dir, 'one', 'cells', c.id);
        const b = join(dir, other, 'cells', c.id);
        expect(readdirSync(b).sort()).toEqual(readdirSync(a).sort());
        for (const f of readdirSync(a)) {
          if (f === 'manifest.json')
            expect(deterministicView(JSON.parse(readFileSync(join(b, f), 'utf8')))).toEqual(deterministicView(JSON.parse(readFileSync(join(a, f), 'utf8'))));
          else expect(readFileSync(join(b, f)).equals(readFileSync(join(a, f))), f).toBe(true);
        }
      }
  }, 120_000);

  it('refuses a DIR made for another spec unless --force', async () => {
    const dir = tmp();
    const out = join(dir, 'sweep');
    expect((await cli(['sweep', 'run', writeSpec(dir, TOY, 'a.json'), '--out', out])).code).toBe(0);
    const other = writeSpec(dir, { ...TOY, grid: { rate: [5] } }, 'b.json');
    const r = await cli(['sweep', 'run', other, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/holds another sweep/);
    expect((await cli(['sweep', 'run', other, '--out', out, '--force'])).code).toBe(0);
  });
});

describe('sweep merge', () => {
  it('table.csv / summary.csv / table.npz against the closed form; identical bytes from shards', async () => {
    const dir = tmp();
    const spec = writeSpec(dir, TOY);
    const whole = join(dir, 'whole');
    expect((await cli(['sweep', 'run', spec, '--out', whole])).code).toBe(0);
    const m = await cli(['sweep', 'merge', whole]);
    expect(m.code, m.err).toBe(0);
    const table = readFileSync(join(whole, 'table.csv'), 'utf8').trim().split('\n');
    expect(table[0]).toBe('cell,rate,y0,t,y,yHalf');
    expect(table).toHaveLength(1 + 6 * 4);
    const sw = await expandSweep(TOY, TEST_ENGINES);
    for (const row of table.slice(1)) {
      const [id, rate, y0, t, y, yHalf] = row.split(',');
      const cell = sw.cells.find((c) => c.id === id)!;
      expect(cell.axes).toEqual({ rate: Number(rate), y0: Number(y0) });
      const want = Number(y0) * Math.exp(-Number(rate) * Number(t));
      expect(Math.abs(Number(y) - want)).toBeLessThanOrEqual(1e-15 * want);
      expect(Number(yHalf)).toBe(Number(y) / 2);
    }
    const summary = readFileSync(join(whole, 'summary.csv'), 'utf8').trim().split('\n');
    const head = summary[0].split(',');
    expect(head.slice(0, 4)).toEqual(['cell', 'rate', 'y0', 'status']);
    for (const row of summary.slice(1)) {
      const v = Object.fromEntries(row.split(',').map((x, i) => [head[i], x]));
      expect(v.status).toBe('Success');
      // A decreasing curve: minimum at the last time t = count = 4, final = min = y0 e^{−4 rate}.
      expect(Number(v.yArgminT)).toBe(4);
      expect(Number(v.yMin)).toBeCloseTo(Number(v.y0) * Math.exp(-4 * Number(v.rate)), 14);
      expect(v.yFinal).toBe(v.yMin);
    }
    const npz = decodeNpz(readFileSync(join(whole, 'table.npz')));
    expect(Object.keys(npz).sort()).toEqual(['cellIndex', 'rate', 't', 'y', 'y0', 'yHalf']);
    expect(Array.from(npz.y.data as Float64Array)).toEqual(table.slice(1).map((r) => Number(r.split(',')[4])));
    for (const f of ['figure-curves.svg', 'figure-summary.svg', 'figure-heatmap.svg', 'manifest.json']) expect(existsSync(join(whole, f)), f).toBe(true);

    // Three shards, run in reverse order, merge to the same bytes.
    const sharded = join(dir, 'sharded');
    for (const i of [2, 1, 0]) expect((await cli(['sweep', 'run', spec, '--out', sharded, '--shard', `${i}/3`])).code).toBe(0);
    expect((await cli(['sweep', 'merge', sharded])).code).toBe(0);
    for (const f of readdirSync(whole).filter((f) => /^(table|summary|manifest|figure)/.test(f)))
      expect(readFileSync(join(sharded, f)).equals(readFileSync(join(whole, f))), f).toBe(true);
  });
});
