// Every computing command of every engine goes through here: flags from the descriptor's fields, a
// config file (flags win), validation before any allocation, progress, SIGINT/SIGTERM → the solve's
// AbortSignal (what was finished is written with status 'Terminated', exit 130; a second signal exits
// at once), --out (data, figure, manifest), --json or text, the exit code from the status.
import type { Command } from 'commander';
import { commandBundle, prepareCommand, type EngineCommand, type EngineDescriptor, type Solved } from '../core/engine.js';
import { exitCode, type SolveOptions } from '../core/contract.js';
import { CheckpointFile } from '../io/checkpoint-file.js';
import { addFieldOptions, collectFlags, readConfig, toJSON, type CliContext } from './common.js';
import { progressSink } from './progress.js';
import { writeRunOutputs } from './output.js';
import { checkOutOwnership, PARTIAL_DIR, PartialStore } from '../io/folder.js';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ParameterError } from '../core/validate.js';

/** The file name of a finished part: its seed or replicate index (parts without one are not stored). */
function partId(part: unknown): string | undefined {
  const o = part as { seed?: unknown; replicate?: unknown };
  const i = typeof o?.seed === 'number' ? o.seed : typeof o?.replicate === 'number' ? o.replicate : undefined;
  return i === undefined ? undefined : `part-${String(i).padStart(6, '0')}`;
}

/** Options every computing command has besides its fields (`--checkpoint-every` for commands that
 *  checkpoint: EngineCommand.checkpoints). */
export function addRunOptions(c: Command, configRequired: boolean, checkpoints?: EngineCommand['checkpoints']): Command {
  if (configRequired) c.requiredOption('--config <file>', 'JSON file with the problem');
  else c.option('--config <file>', 'JSON file with the same parameters (flags override it)');
  if (checkpoints)
    c.option(
      '--checkpoint-every <seconds>',
      checkpoints === 'state'
        ? 'with --out: write the full solver state to DIR/partial/ at least this often (a crash or SIGKILL loses at most that much; --resume continues)'
        : 'with --out: write the state of every unfinished replicate to DIR/partial/ at least this often (a crash or SIGKILL loses at most that much; --resume continues)',
    );
  return c
    .option('--json', 'print the result as JSON on stdout (arrays aligned to "t")')
    .option('--out <dir>', 'write manifest.json, curves.csv, arrays (.npy, .npz), figure.vl.json and figure.svg to DIR')
    .option('--png', 'with --out: also write figure.png')
    .option('--force', "with --out: replace a folder holding another command's run (only the files its manifest lists are removed)")
    .option(
      '--resume',
      'with --out: continue the interrupted run in DIR (same command and parameters): finished seeds and replicates are not recomputed, a DMFT run continues from its checkpoint',
    )
    .option('--no-progress', 'no progress output on stderr');
}

/** An AbortController fired by SIGINT/SIGTERM while `run` is in flight; a second signal exits at once. */
export async function withInterrupt<T>(run: (signal: AbortSignal) => Promise<T>, onFirst?: () => void): Promise<T> {
  const ctl = new AbortController();
  const handler = () => {
    if (ctl.signal.aborted) process.exit(130);
    onFirst?.();
    ctl.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  try {
    return await run(ctl.signal);
  } finally {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  }
}

/** Resolve a command's parameters: config file, then flags (flags win). */
export function commandParams(cmd: EngineCommand, opts: Record<string, unknown>, configPath = opts.config as string | undefined): Record<string, unknown> {
  return { ...readConfig(configPath, cmd.fields), ...collectFlags(opts, cmd.fields) };
}

/** Run a command as the CLI does, from already-resolved parameters; returns the exit code. */
export async function runEngineCommand(
  engine: EngineDescriptor,
  cmd: EngineCommand,
  params: Record<string, unknown>,
  opts: Record<string, unknown>,
  ctx: CliContext,
): Promise<number> {
  const { io } = ctx;
  const label = `${engine.name} ${cmd.name}`;
  const prepared = await prepareCommand(engine, cmd, params); // bad input: exit 2 before any allocation
  const out = opts.out === undefined ? undefined : String(opts.out);
  if ((opts.resume || opts.force) && out === undefined) throw new ParameterError(opts.resume ? 'resume' : 'force', true, 'used with --out DIR');
  let everyMs: number | undefined;
  if (opts.checkpointEvery !== undefined) {
    const raw = String(opts.checkpointEvery);
    const sec = /^\s*[+]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(raw) ? Number(raw) : NaN;
    if (!(sec > 0 && sec <= 1e7)) throw new ParameterError('checkpoint-every', raw, 'seconds in (0, 1e7]');
    if (out === undefined) throw new ParameterError('checkpoint-every', raw, 'used with --out DIR (the checkpoint goes to DIR/partial/)');
    everyMs = sec * 1000;
  }
  if (opts.resume && opts.force) throw new ParameterError('force', true, 'not with --resume (resume continues the run in DIR; --force replaces another one)');
  // A folder of another command's run is refused before any work (unless --force).
  if (out !== undefined) checkOutOwnership(out, label, { force: !!opts.force, resume: !!opts.resume });
  // Finished seeds/replicates go to DIR/partial/ as they finish; --resume hands them back to the solve.
  const problemKey = toJSON({ command: label, problem: prepared });
  const store = out !== undefined ? new PartialStore(out, problemKey) : undefined;
  const resume = opts.resume && store ? store.load() : undefined;
  // The solver-state checkpoint (commands with checkpoints 'state'): DIR/partial/checkpoint.ldstate.
  const ckpt = out !== undefined && cmd.checkpoints === 'state' ? new CheckpointFile(out, problemKey) : undefined;
  const resumeState = opts.resume && ckpt ? ckpt.load() : undefined;
  const sink = progressSink(opts.progress !== false, label);
  let sol: Solved;
  try {
    sol = await withInterrupt(
      (signal) =>
        cmd.solve(prepared, {
          signal,
          onProgress: (e) => sink.update(e.fraction, e.phase),
          resume,
          resumeState,
          checkpointEveryMs: everyMs,
          onCheckpoint: ckpt ? (state) => ckpt.save(state) : undefined,
          onPartial: store
            ? (part) => {
                const id = partId(part);
                if (id) store.save(id, part);
              }
            : undefined,
        } satisfies SolveOptions),
      () => io.err(`\n${label}: interrupted, keeping what is finished (a second Ctrl-C exits at once)\n`),
    );
  } finally {
    sink.stop();
  }
  // A signal that arrives once the solve has finished must not kill the process half-way through writing:
  // the outputs are written (atomically) with the run's status; a second signal exits at once.
  const release = holdSignals(() => io.err(`\n${label}: the run has finished; writing its outputs (a second Ctrl-C exits at once)\n`));
  try {
    if (out !== undefined) await writeOutputs(out);
  } finally {
    release();
  }
  io.out((opts.json ? toJSON(cmd.json(sol)) : cmd.text(sol)) + '\n');
  if (sol.status !== 'Success') io.err(`status ${sol.status}: ${sol.message ?? ''}\n`);
  return exitCode(sol.status);

  async function writeOutputs(out: string): Promise<void> {
    const keepPartial = sol.status === 'Terminated';
    const bundle = await commandBundle(cmd, sol, ['learndyn', ...ctx.argv]);
    // An interrupted run lists what --resume reads (DIR/partial/: the checkpoint, the finished parts) in its
    // manifest (stats.resumeFiles), so --force removes them; a finished run removes partial/ altogether.
    const resumeFiles = keepPartial ? partialFiles(out) : [];
    if (resumeFiles.length && bundle.manifest) bundle.manifest = { ...bundle.manifest, stats: { ...bundle.manifest.stats, resumeFiles } };
    const files = await writeRunOutputs(out, bundle, cmd.figure(sol), { png: !!opts.png, keepPartial });
    const resumable = keepPartial && existsSync(join(out, PARTIAL_DIR));
    io.err(
      `wrote ${files.length} files to ${out}${keepPartial ? ` (status Terminated${resumable ? `; ${ckpt?.exists() ? 'solver checkpoint' : 'finished parts'} in partial/: \`--resume\` with the same command continues` : ''})` : ''}\n`,
    );
  }
}

/** Catch SIGINT/SIGTERM while a finished run's outputs are written: the first is noted, a second exits at
 *  once (130). Returns the function that removes the handlers. */
function holdSignals(onFirst: () => void): () => void {
  let seen = false;
  const handler = () => {
    if (seen) process.exit(130);
    seen = true;
    onFirst();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

/** The files in DIR/partial/ (names relative to DIR; temporary files of unfinished writes left out). */
function partialFiles(dir: string): string[] {
  const p = join(dir, PARTIAL_DIR);
  if (!existsSync(p)) return [];
  return readdirSync(p)
    .filter((f) => !f.startsWith('.') && !f.includes('.tmp-'))
    .sort()
    .map((f) => `${PARTIAL_DIR}/${f}`);
}

/** Register `<engine> <command>` for every command of every engine. */
export function registerEngines(program: Command, engines: readonly EngineDescriptor[], ctx: CliContext): Map<string, Command> {
  const parents = new Map<string, Command>();
  for (const engine of engines) {
    const parent = program.command(engine.name).description(engine.description);
    parents.set(engine.name, parent);
    for (const cmd of engine.commands) {
      const c = addRunOptions(addFieldOptions(parent.command(cmd.name).description(cmd.description), cmd.fields), cmd.fields.length === 0, cmd.checkpoints);
      c.action(async (opts: Record<string, unknown>) => {
        ctx.setCode(await runEngineCommand(engine, cmd, commandParams(cmd, opts), opts, ctx));
      });
    }
  }
  return parents;
}
