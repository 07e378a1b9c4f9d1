// Output folders (Node only; the CLI and sweeps use it, browsers never import it): the up-front probe
// of `--out`, the ownership check (a folder of another command's run is refused unless `--force`),
// atomic replacement (the new folder is written under a temporary sibling name, then renamed into
// place: a crash leaves the previous complete folder or the new one, never a mix), and the store of
// finished parts of an interrupted run (`DIR/partial/`, read back by `--resume`).
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ParameterError } from '../core/validate.js';

import { PARTIAL_DIR, readFolderState, type OutDirState } from './replace.js';

export { commandKey } from './replace.js';

export { PARTIAL_DIR, replaceFolder, type OutDirState, type ReplaceOptions } from './replace.js';

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

export function outDirState(dir: string): OutDirState {
  return readFolderState({ existsSync, readdirSync, readFileSync }, join, dir);
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
    throw new ParameterError(
      'out',
      dir,
      `an empty folder or one holding a learndyn run (it holds ${st.foreign.length} other entr${st.foreign.length === 1 ? 'y' : 'ies'}, e.g. ${st.foreign[0]}; nothing was removed)`,
    );
  if (st.command !== undefined && st.command !== command) {
    if (opts.resume) throw new ParameterError('resume', dir, `a folder of an interrupted \`${command}\` run (it holds a \`${st.command}\` run)`);
    if (!opts.force)
      throw new ParameterError(
        'out',
        dir,
        `a folder of a \`${command}\` run or a new one (it holds a \`${st.command}\` run; --force replaces the files its manifest lists)`,
      );
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
    for (const f of readdirSync(this.folder)
      .filter((x) => x.endsWith('.json'))
      .sort()) {
      const obj = decodePart(readFileSync(join(this.folder, f), 'utf8')) as { problem: string; part: unknown };
      if (obj.problem !== this.problemKey)
        throw new ParameterError('resume', this.dir, 'the same command and parameters as the interrupted run (its partial results belong to another problem)');
      parts.push(obj.part);
    }
    return parts;
  }
}
