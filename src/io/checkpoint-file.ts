// The solver-state checkpoint of an `--out` run (Node only): DIR/partial/checkpoint.ldstate, the bytes of
// encodeState({problem, state}) (src/dmft/checkpoint.ts), written synchronously and atomically (a temporary
// name in the same folder, fsync, then rename: a crash or SIGKILL at any moment leaves the previous
// checkpoint or the new one). `--resume` reads it back; a checkpoint of another problem is refused.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { decodeState, encodeState } from '../dmft/checkpoint.js';
import { ParameterError } from '../core/validate.js';
import { PARTIAL_DIR } from './replace.js';

export const CHECKPOINT_FILE = 'checkpoint.ldstate';

export class CheckpointFile {
  constructor(
    readonly dir: string,
    readonly problemKey: string,
  ) {}

  /** Path relative to the --out folder (as listed in the manifest). */
  get name(): string {
    return `${PARTIAL_DIR}/${CHECKPOINT_FILE}`;
  }

  get path(): string {
    return join(this.dir, PARTIAL_DIR, CHECKPOINT_FILE);
  }

  exists(): boolean {
    return existsSync(this.path);
  }

  bytes(): number {
    return this.exists() ? statSync(this.path).size : 0;
  }

  /** Write `state` (synchronously: it is on disk before a second signal can end the process). */
  save(state: unknown): number {
    mkdirSync(join(this.dir, PARTIAL_DIR), { recursive: true });
    const tmp = `${join(this.dir, PARTIAL_DIR, `.${CHECKPOINT_FILE}`)}.tmp-${process.pid}`;
    const fd = openSync(tmp, 'w');
    let bytes = 0;
    try {
      for (const c of encodeState({ problem: this.problemKey, state })) {
        for (let off = 0; off < c.length; ) off += writeSync(fd, c, off, c.length - off);
        bytes += c.length;
      }
      fsyncSync(fd);
    } catch (e) {
      closeSync(fd);
      rmSync(tmp, { force: true });
      throw e;
    }
    closeSync(fd);
    renameSync(tmp, this.path);
    return bytes;
  }

  /** The state saved by an earlier run of the same problem, or undefined when there is none. */
  load(): unknown {
    if (!this.exists()) return undefined;
    let obj: { problem?: unknown; state?: unknown };
    try {
      obj = decodeState(readFileSync(this.path)) as typeof obj;
    } catch (e) {
      throw new ParameterError('resume', this.dir, `a readable checkpoint (${this.name}: ${(e as Error).message})`);
    }
    if (obj.problem !== this.problemKey)
      throw new ParameterError('resume', this.dir, `the same command and parameters as the interrupted run (${this.name} belongs to another problem)`);
    return obj.state;
  }
}
