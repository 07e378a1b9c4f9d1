// Output folders (Node only; the CLI and sweeps use it, browsers never import it): the up-front probe
// of `--out`, the ownership check (a folder of another command's run is refused unless `--force`),
// atomic replacement (the new folder is written under a temporary sibling name, then renamed into
// place: a crash leaves the previous complete folder or the new one, never a mix), and the store of
// finished parts of an interrupted run (`DIR/partial/`, read back by `--resume`).
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ParameterError } from '../core/validate.js';

const MANIFEST = 'manifest.json';

/** Name of the subfolder holding the finished parts of an interrupted run. */
export const PARTIAL_DIR = 'partial';

const bad = (dir: string, why: string) => new ParameterError('out', dir, `a folder that can be created and written (${why})`);

/** The nearest existing ancestor of `dir` (or `dir` itself). */
function nearestExisting(dir: string): string {
  let p = resolve(dir);
  for (;;) {
    if (existsSync(p)) return p;
    const up = dirname(p);
    if (up === p) return p;
    p = up;
  }
}

/** `--out DIR` probe, before any work: create and remove a file in DIR (or its nearest existing
 *  ancestor), with a timeout. A file system that accepts the checks but never completes a write
 *  (e.g. /proc as root) is refused at once instead of after the run. */
export async function probeOutDir(dir: string, timeoutMs = 5000): Promise<void> {
  if (dir.trim() === '') throw bad(dir, 'empty path');
  const at = nearestExisting(dir);
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(at);
  } catch {
    throw bad(dir, 'no existing parent');
  }
  if (!st.isDirectory()) throw bad(dir, `${at} is not a folder`);
  const probe = join(at, `.learndyn-probe-${process.pid}-${Math.random().toString(36).slice(2, 10)}`);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(bad(dir, `writing a test file in ${at} did not finish within ${timeoutMs / 1000} s`)), timeoutMs);
    timer.unref?.();
  });
  try {
    await Promise.race([
      (async () => {
        await writeFile(probe, 'learndyn probe\n');
        await unlink(probe);
      })(),
      timeout,
    ]);
  } catch (e) {
    if (e instanceof ParameterError) throw e;
    throw bad(dir, `cannot write in ${at}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
}

/** What an output folder holds now. */
export interface OutDirState {
  exists: boolean;
  /** The command (e.g. "kernel run") of the run whose manifest.json is there, if any. */
  command?: string;
  /** The files that manifest lists (with manifest.json itself). */
  listed: string[];
  /** Its status ("Terminated" for an interrupted run). */
  status?: string;
  /** Entries that are neither listed nor partial/. */
  foreign: string[];
  hasPartial: boolean;
}

/** The command of an argv as the manifest records it: its leading words ("kernel run", "reproduce id"). */
export function commandKey(argv: readonly string[] | string): string {
  const words = (typeof argv === 'string' ? argv.split(/\s+/) : [...argv]).filter((w) => w !== 'learndyn');
  const out: string[] = [];
  for (const w of words) {
    if (w.startsWith('-') || out.length === 2) break;
    out.push(w);
  }
  return out.join(' ');
}

export function outDirState(dir: string): OutDirState {
  if (!existsSync(dir)) return { exists: false, listed: [], foreign: [], hasPartial: false };
  const entries = readdirSync(dir);
  let command: string | undefined;
  let status: string | undefined;
  let listed: string[] = [];
  if (entries.includes(MANIFEST)) {
    try {
      const m = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as { command?: string | string[]; files?: { name: string }[]; status?: string };
      command = m.command !== undefined ? commandKey(m.command) : undefined;
      status = m.status;
      listed = [...(m.files ?? []).map((f) => f.name), MANIFEST];
    } catch {
      listed = [];
    }
  }
  const own = new Set([...listed, PARTIAL_DIR]);
  return { exists: true, command, status, listed, foreign: entries.filter((e) => !own.has(e)), hasPartial: entries.includes(PARTIAL_DIR) };
}

/** May a run of `command` write into `dir`? An absent or empty folder, or one holding an earlier run of
 *  the same command (or only the partial results of one), is fine. A folder holding another command's
 *  run is refused unless `force`; a folder of other files (no manifest) is refused. One line, exit 2. */
export function checkOutOwnership(dir: string, command: string, opts: { force?: boolean; resume?: boolean } = {}): OutDirState {
  const st = outDirState(dir);
  if (!st.exists) {
    if (opts.resume) throw new ParameterError('resume', dir, 'an --out folder holding an interrupted run of the same command (this one does not exist)');
    return st;
  }
  if (st.command === undefined && st.foreign.length > 0)
    throw new ParameterError('out', dir, `an empty folder or one holding a learndyn run (it holds ${st.foreign.length} other entr${st.foreign.length === 1 ? 'y' : 'ies'}, e.g. ${st.foreign[0]}; nothing was removed)`);
  if (st.command !== undefined && st.command !== command) {
    if (opts.resume) throw new ParameterError('resume', dir, `a folder of an interrupted \`${command}\` run (it holds a \`${st.command}\` run)`);
    if (!opts.force) throw new ParameterError('out', dir, `a folder of a \`${command}\` run or a new one (it holds a \`${st.command}\` run; --force replaces the files its manifest lists)`);
  }
  return st;
}

/** Node: write bytes to `path` atomically (temporary sibling, then rename). */
export async function writeFileAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`);
  await writeFile(tmp, bytes);
  await rename(tmp, path);
}

export interface ReplaceOptions {
  /** Keep DIR/partial/ (the run was interrupted: `--resume` reads it); otherwise it is removed. */
  keepPartial?: boolean;
}

/** Node: put `files` (name → bytes) in place of the folder `dir` atomically: every file is written
 *  into a temporary sibling folder, which is then renamed to `dir` (an existing `dir` is first renamed
 *  aside and removed after: only the files its manifest listed; entries it did not list are moved into
 *  the new folder). A crash leaves the previous complete folder or the new one (the old one may remain
 *  beside it under a hidden `.DIR.old-…` name), never a mix. Returns the written paths. */
export async function replaceFolder(dir: string, files: ReadonlyMap<string, Uint8Array>, opts: ReplaceOptions = {}): Promise<string[]> {
  const target = resolve(dir);
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  const tag = `${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  const tmp = join(parent, `.${basename(target)}.tmp-${tag}`);
  await mkdir(tmp);
  try {
    for (const [name, bytes] of files) {
      await mkdir(dirname(join(tmp, name)), { recursive: true });
      await writeFile(join(tmp, name), bytes);
    }
    const st = outDirState(target);
    if (st.exists) {
      // Entries the old manifest did not list (and partial/ when kept) move into the new folder first:
      // the swap below removes only what the old run wrote.
      for (const e of st.foreign) if (!files.has(e)) renameSync(join(target, e), join(tmp, e));
      if (st.hasPartial && opts.keepPartial) renameSync(join(target, PARTIAL_DIR), join(tmp, PARTIAL_DIR));
      const old = join(parent, `.${basename(target)}.old-${tag}`);
      renameSync(target, old);
      renameSync(tmp, target);
      for (const f of st.listed) rmSync(join(old, f), { force: true });
      rmSync(join(old, PARTIAL_DIR), { recursive: true, force: true });
      try {
        rmdirSync(old);
      } catch {
        rmSync(old, { recursive: true, force: true }); // only subfolders the old manifest listed files in
      }
    } else renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return [...files.keys()].map((n) => join(dir, n));
}

// ---- finished parts of an interrupted run (--resume)

/** JSON with typed arrays as base64 bytes and non-finite numbers kept: a part read back is bit-identical. */
export function encodePart(part: unknown): string {
  return JSON.stringify(part, (_k, v) => {
    if (v instanceof Float64Array) return { $f64: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
    if (typeof v === 'number' && !Number.isFinite(v)) return { $num: String(v) };
    return v;
  });
}

export function decodePart(text: string): unknown {
  return JSON.parse(text, (_k, v) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      if (typeof v.$f64 === 'string') {
        const b = Buffer.from(v.$f64, 'base64');
        const out = new Float64Array(b.byteLength / 8);
        new Uint8Array(out.buffer).set(b);
        return out;
      }
      if (typeof v.$num === 'string') return Number(v.$num);
    }
    return v;
  });
}

/** The store of finished parts in DIR/partial/: one file per part, written atomically, tagged with a
 *  key of the problem so a resume with other parameters is refused. */
export class PartialStore {
  constructor(
    readonly dir: string,
    readonly problemKey: string,
  ) {}

  private get folder(): string {
    return join(this.dir, PARTIAL_DIR);
  }

  /** Save one finished part (synchronously: it must be on disk before the next signal can exit). */
  save(id: string, part: unknown): void {
    mkdirSync(this.folder, { recursive: true });
    const path = join(this.folder, `${id}.json`);
    const tmp = `${path}.tmp-${process.pid}`;
    writeFileSync(tmp, `{"problem":${JSON.stringify(this.problemKey)},"part":${encodePart(part)}}`);
    renameSync(tmp, path);
  }

  /** The parts saved by an earlier run of the same problem (refused if the problem differs). */
  load(): unknown[] {
    if (!existsSync(this.folder)) return [];
    const parts: unknown[] = [];
    for (const f of readdirSync(this.folder).filter((x) => x.endsWith('.json')).sort()) {
      const obj = decodePart(readFileSync(join(this.folder, f), 'utf8')) as { problem: string; part: unknown };
      if (obj.problem !== this.problemKey)
        throw new ParameterError('resume', this.dir, 'the same command and parameters as the interrupted run (its partial results belong to another problem)');
      parts.push(obj.part);
    }
    return parts;
  }
}
