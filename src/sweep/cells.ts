// One sweep cell on disk: DIR/cells/<id>/ holds exactly what `--out` of the cell's command writes
// (manifest.json last). A cell is written into a temporary folder beside it and renamed into place,
// so a reader sees either no folder, an old one, or a complete one. A cell that threw (no Solution)
// gets a folder with only error.json. Locks (DIR/locks/<id>.lock, created with O_EXCL) keep two
// processes — two shards, two users, two Slurm tasks — from computing the same cell at once.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { commandBundle, type EngineCommand, type Solved } from '../core/engine.js';
export { cellArgv } from './cell-argv.js';
import type { Status } from '../core/contract.js';
import { encodeOutputs } from '../io/index.js';
import { vegaLiteSpec } from '../plot/figure.js';
import { renderSvg } from '../plot/render.js';
import { FigureRenderer } from './figure-cache.js';

export const CELLS = 'cells';
export const LOCKS = 'locks';
export const ERROR_FILE = 'error.json';

export type CellState = 'done' | 'failed' | 'pending';

export interface CellRecord {
  state: CellState;
  /** Status from the cell's manifest, or 'Error' (the solve threw). */
  status?: Status | 'Error';
  /** Why it failed (the manifest's stats.message / the error). */
  reason?: string;
  /** The parsed manifest (when there is a complete one): merge reads it without parsing it again. */
  manifest?: Record<string, unknown>;
}

/** Read a cell folder's state: a complete manifest (every listed file present at its size) → done
 *  (Success) or failed (NotConverged, Unstable); Terminated or incomplete → pending (recomputed). */
export function readCell(dir: string, id: string): CellRecord {
  const folder = join(dir, CELLS, id);
  const err = join(folder, ERROR_FILE);
  if (existsSync(err)) {
    try {
      const e = JSON.parse(readFileSync(err, 'utf8')) as { message?: string };
      return { state: 'failed', status: 'Error', reason: e.message ?? 'error' };
    } catch {
      return { state: 'pending' };
    }
  }
  let m: { status?: string; files?: { name: string; bytes: number }[]; stats?: { message?: unknown } };
  try {
    m = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8'));
  } catch {
    return { state: 'pending' };
  }
  for (const f of m.files ?? []) {
    try {
      if (statSync(join(folder, f.name)).size !== f.bytes) return { state: 'pending' };
    } catch {
      return { state: 'pending' };
    }
  }
  const status = m.status as Status;
  const manifest = m as Record<string, unknown>;
  if (status === 'Success') return { state: 'done', status, manifest };
  if (status === 'Terminated' || !status) return { state: 'pending', status };
  return { state: 'failed', status, reason: typeof m.stats?.message === 'string' ? m.stats.message : status, manifest };
}

let tmpCounter = 0;

/** Replace DIR/cells/<id> by a folder filled by `fill` (atomic rename of a sibling temp folder). */
export async function writeCellAtomically(dir: string, id: string, fill: (tmp: string) => Promise<void>): Promise<void> {
  const cells = join(dir, CELLS);
  mkdirSync(cells, { recursive: true });
  const tmp = join(cells, `.tmp-${id}-${hostname()}-${process.pid}-${tmpCounter++}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  try {
    await fill(tmp);
    const final = join(cells, id);
    // rename(2) cannot replace a non-empty folder: move the old one aside first, then drop it.
    if (existsSync(final)) {
      const old = `${tmp}.old`;
      renameSync(final, old);
      renameSync(tmp, final);
      rmSync(old, { recursive: true, force: true });
    } else renameSync(tmp, final);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** One renderer per thread: the cells of a sweep share their figure's compiled and parsed spec. */
const renderer = new FigureRenderer();
export const figureRenderStats = () => renderer.stats;

/** Where the time of writing one cell goes (ms): the bundle and the figure spec (bundle), the SVG
 *  render (svg), encoding the files and their sha256 (encode), writing them and the rename (write). */
export interface WriteTimings {
  bundle: number;
  svg: number;
  encode: number;
  write: number;
}

/** Write a solved cell (the command's --out output) or a cell that threw (error.json). The figure
 *  files are those of figureFiles (src/plot/render.ts), the SVG rendered through the shape cache.
 *  The files go straight into the cell's fresh temporary folder with synchronous writes (the folder
 *  is renamed into place once complete, so the atomicity is the rename's; writeOutputs' own
 *  temporary-folder swap would only add a second rename and a clean-up). No fsync: see
 *  docs/sweeps.md (Performance) — a cell is recomputable, and a process that dies mid-write leaves
 *  only a hidden temporary folder. */
export async function writeCell(
  dir: string,
  id: string,
  cmd: EngineCommand<unknown, Solved>,
  argv: string[],
  result: { sol?: Solved; error?: string },
  figures = true,
  cache = true,
): Promise<WriteTimings> {
  const times: WriteTimings = { bundle: 0, svg: 0, encode: 0, write: 0 };
  let t = performance.now();
  const lap = (k: keyof WriteTimings) => {
    const now = performance.now();
    times[k] += now - t;
    t = now;
  };
  let files: Map<string, Uint8Array> | undefined;
  if (result.sol) {
    // `sweep run --no-cell-figures`: figure.vl.json only.
    const b = await commandBundle(cmd, result.sol, argv);
    const spec = vegaLiteSpec(cmd.figure(result.sol));
    const enc = new TextEncoder();
    const fig: Record<string, Uint8Array> = { 'figure.vl.json': enc.encode(JSON.stringify(spec, null, 1) + '\n') };
    lap('bundle');
    if (figures) fig['figure.svg'] = enc.encode(await (cache ? renderer.svg(spec) : renderSvg(spec)));
    lap('svg');
    files = (await encodeOutputs({ ...b, extra: { ...b.extra, ...fig } })).files;
    lap('encode');
  }
  await writeCellAtomically(dir, id, async (tmp) => {
    if (files) {
      // In the Map's order: manifest.json last.
      for (const [name, bytes] of files) {
        if (name.includes('/')) mkdirSync(dirname(join(tmp, name)), { recursive: true });
        writeFileSync(join(tmp, name), bytes);
      }
    } else {
      const fd = openSync(join(tmp, ERROR_FILE), 'w');
      writeSync(fd, JSON.stringify({ status: 'Error', message: result.error ?? 'error' }, null, 2) + '\n');
      closeSync(fd);
    }
  });
  lap('write');
  return times;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Take the lock of a cell; false when another live process holds it. A lock left by a dead process
 *  on this host is taken over (a lock from another host is trusted until removed). */
export function tryLock(dir: string, id: string): boolean {
  const locks = join(dir, LOCKS);
  mkdirSync(locks, { recursive: true });
  const p = join(locks, `${id}.lock`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(p, 'wx');
      writeSync(fd, `${hostname()} ${process.pid}\n`);
      closeSync(fd);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let owner = '';
      try {
        owner = readFileSync(p, 'utf8').trim();
      } catch {
        continue; // released meanwhile: try again
      }
      const [host, pid] = owner.split(' ');
      if (host === hostname() && pid && !pidAlive(Number(pid))) {
        try {
          unlinkSync(p);
        } catch {
          /* another process took it over first */
        }
        continue;
      }
      return false;
    }
  }
  return false;
}

export function unlock(dir: string, id: string): void {
  try {
    unlinkSync(join(dir, LOCKS, `${id}.lock`));
  } catch {
    /* already gone */
  }
}
