// Atomic replacement of an output folder (src/io/folder.ts documents the folder rules). Node only,
// but every Node module is imported lazily inside the functions, so that src/io/index.ts (imported by
// the browser explorer) can use it without pulling node:fs into a browser bundle.

/** Name of the subfolder holding the finished parts of an interrupted run. */
export const PARTIAL_DIR = 'partial';
const MANIFEST = 'manifest.json';

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

type FsLike = Pick<typeof import('node:fs'), 'existsSync' | 'readdirSync' | 'readFileSync'>;

/** What `dir` holds: the command and status of its run (manifest.json), the files that manifest lists,
 *  entries it does not list, and partial/. */
export function readFolderState(fs: FsLike, join: (...p: string[]) => string, dir: string): OutDirState {
  if (!fs.existsSync(dir)) return { exists: false, listed: [], foreign: [], hasPartial: false };
  const entries = fs.readdirSync(dir);
  let command: string | undefined;
  let status: string | undefined;
  let listed: string[] = [];
  if (entries.includes(MANIFEST)) {
    try {
      const m = JSON.parse(fs.readFileSync(join(dir, MANIFEST), 'utf8')) as {
        command?: string | string[];
        files?: { name: string }[];
        status?: string;
        stats?: { resumeFiles?: unknown };
      };
      command = m.command !== undefined ? commandKey(m.command) : undefined;
      status = m.status;
      // An interrupted run also lists what --resume reads (partial/checkpoint.ldstate, partial/part-*.json).
      const resumeFiles = Array.isArray(m.stats?.resumeFiles) ? m.stats.resumeFiles.filter((f): f is string => typeof f === 'string') : [];
      listed = [...(m.files ?? []).map((f) => f.name), ...resumeFiles, MANIFEST];
    } catch {
      listed = [];
    }
  }
  const own = new Set([...listed, PARTIAL_DIR]);
  return { exists: true, command, status, listed, foreign: entries.filter((e) => !own.has(e)), hasPartial: entries.includes(PARTIAL_DIR) };
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
  const fs = await import('node:fs');
  const { mkdir, writeFile } = await import('node:fs/promises');
  const { basename, dirname, join, resolve } = await import('node:path');
  const { renameSync, rmdirSync, rmSync } = fs;
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
    const st = readFolderState(fs, join, target);
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
