// `learndyn sweep run | status | merge | sbatch` (issue 9): sweeps over any engine command, through
// the engine descriptors (src/sweep/).
import type { Command } from 'commander';
import type { EngineDescriptor } from '../core/engine.js';
import { EXIT, exitCode } from '../core/contract.js';
import { ParameterError } from '../core/validate.js';
import { expandSweep, parseShard, readSpecFile } from '../sweep/spec.js';
import { runStatus, runSweep } from '../sweep/run.js';
import { failureLines, sweepStatus } from '../sweep/status.js';
import { mergeSweep, writeMerged } from '../sweep/merge.js';
import { sweepFigureFiles } from '../sweep/figures.js';
import { claimDir } from '../sweep/run.js';
import { checkTime, sbatchScript } from '../sweep/sbatch.js';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withInterrupt } from './engine-command.js';
import type { CliContext } from './common.js';

function positiveInt(name: string, v: unknown): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new ParameterError(name, v, 'an integer ≥ 1');
  return n;
}

export function registerSweep(program: Command, ctx: CliContext, engines: readonly EngineDescriptor[]): Command {
  const { io } = ctx;
  const sweep = program
    .command('sweep')
    .description('sweeps over any computing command: learning curves and phase diagrams, resumable, sharded (Slurm job arrays)');

  sweep
    .command('run')
    .description('run the cells of a sweep spec (JSON or YAML) in-process; finished cells are skipped')
    .argument('<spec>', 'sweep spec: {command, base, grid, zip}')
    .requiredOption('--out <dir>', 'sweep folder: DIR/cells/<id>/ holds what --out of the command writes')
    .option('--jobs <n>', 'cells solved concurrently in this process (the main thread and N − 1 worker threads)', '1')
    .option('--shard <i/n>', 'run only the cells whose index ≡ i (mod n), 0-based')
    .option('--force', 'recompute finished cells; reuse a DIR made for another spec')
    .option('--no-cell-figures', 'write each cell’s figure.vl.json but not figure.svg (the SVG render dominates small cells)')
    .option('--no-progress', 'no per-cell lines on stderr')
    .action(async (specPath: string, opts: Record<string, unknown>) => {
      const jobs = positiveInt('jobs', opts.jobs);
      const shard = opts.shard !== undefined ? parseShard(String(opts.shard)) : undefined;
      const sw = await expandSweep(await readSpecFile(specPath), engines); // every cell validated first
      const dir = String(opts.out);
      const log = opts.progress === false ? undefined : (s: string) => io.err(s + '\n');
      const report = await withInterrupt(
        (signal) => runSweep(sw, dir, { jobs, shard, force: !!opts.force, cellFigures: opts.cellFigures !== false, signal, log, engines }),
        () => io.err('\nsweep: interrupted; cells in flight are written as Terminated (a second Ctrl-C exits at once)\n'),
      );
      const st = sweepStatus(dir);
      io.out(
        `${sw.cells.length} cells (${report.selected} in this shard): ran ${report.ran.length}, already finished ${report.skipped}` +
          (report.lockedElsewhere ? `, locked by another process ${report.lockedElsewhere}` : '') +
          `; sweep: ${st.counts.done} done, ${st.counts.failed} failed, ${st.counts.pending} pending\n`,
      );
      for (const l of failureLines(st)) io.err(l + '\n');
      const s = runStatus(report);
      ctx.setCode(s === 'Error' ? EXIT.Internal : exitCode(s));
    });

  sweep
    .command('status')
    .description('counts of cells done, failed and pending, and why the failed cells failed')
    .argument('<dir>', 'sweep folder')
    .option('--json', 'print {cells, done, failed, pending} as JSON (failed cells on stderr)')
    .action((dir: string, opts: Record<string, unknown>) => {
      const st = sweepStatus(dir);
      const c = st.counts;
      if (opts.json) {
        io.out(JSON.stringify({ cells: c.cells, done: c.done, failed: c.failed, pending: c.pending }) + '\n');
        for (const l of failureLines(st)) io.err(l + '\n');
      } else {
        io.out(`cells ${c.cells}, done ${c.done}, failed ${c.failed}, pending ${c.pending}\n`);
        for (const l of failureLines(st)) io.out(l + '\n');
      }
    });
  sweep
    .command('merge')
    .description('table.csv (one row per cell and time), summary.csv (one row per cell), table.npz, manifest.json and figures')
    .argument('<dir>', 'sweep folder')
    .option('--scalar <name>', 'summary scalar of the summary and heatmap figures (default: the main curve’s minimum)')
    .option('--no-figures', 'skip the figures')
    .action(async (dir: string, opts: Record<string, unknown>) => {
      const m = await mergeSweep(dir);
      const files = { ...m.files, ...(opts.figures === false ? {} : await sweepFigureFiles(m, opts.scalar as string | undefined)) };
      const paths = writeMerged(dir, files);
      const st = sweepStatus(dir);
      io.out(
        `merged ${m.cells.length} cells (${st.counts.done} done, ${st.counts.failed} failed, ${st.counts.pending} pending): ${paths.map((p) => p.slice(dir.length).replace(/^\//, '')).join(', ')}\n`,
      );
      if (st.counts.pending > 0) io.err(`sweep merge: ${st.counts.pending} cells are pending (rows absent; status Pending in summary.csv)\n`);
    });

  sweep
    .command('sbatch')
    .description('write DIR/sweep.sbatch, a Slurm job array whose task I runs `sweep run SPEC --out DIR --shard I/N`')
    .argument('<spec>', 'sweep spec')
    .requiredOption('--out <dir>', 'sweep folder on a file system the nodes share')
    .requiredOption('--shards <n>', 'array tasks N')
    .option('--max-parallel <k>', 'at most K tasks at once (%K)')
    .option('--partition <p>', 'Slurm partition')
    .option('--time <hh:mm:ss>', 'time limit per task')
    .option('--jobs <n>', 'cells solved concurrently per task (= CPUs per task)', '1')
    .option('--force', 'reuse a DIR made for another spec')
    .option('--submit', 'submit with sbatch and print the job id')
    .action(async (specPath: string, opts: Record<string, unknown>) => {
      const shards = positiveInt('shards', opts.shards);
      const jobs = positiveInt('jobs', opts.jobs);
      const maxParallel = opts.maxParallel !== undefined ? positiveInt('max-parallel', opts.maxParallel) : undefined;
      if (opts.time !== undefined && !checkTime(String(opts.time)))
        throw new ParameterError('time', opts.time, 'a Slurm time limit such as HH:MM:SS or D-HH:MM:SS');
      const sw = await expandSweep(await readSpecFile(specPath), engines);
      const dir = resolve(String(opts.out));
      claimDir(dir, sw, !!opts.force);
      mkdirSync(join(dir, 'slurm'), { recursive: true });
      // The tasks run this checkout's CLI with this Node (absolute paths: the job's cwd and PATH differ).
      const bin = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/learndyn.js');
      const script = sbatchScript(sw, {
        spec: resolve(specPath),
        dir,
        shards,
        maxParallel,
        partition: opts.partition as string | undefined,
        time: opts.time as string | undefined,
        jobs,
        learndyn: [process.execPath, bin],
      });
      const path = join(dir, 'sweep.sbatch');
      writeFileSync(path, script, { mode: 0o755 });
      if (!opts.submit) {
        io.out(`sbatch ${path}\n`);
        return;
      }
      let out: string;
      try {
        out = execFileSync('sbatch', ['--parsable', path], { encoding: 'utf8' });
      } catch (e) {
        io.err(`sweep sbatch: sbatch failed: ${(e as Error).message.split('\n')[0]}\n`);
        ctx.setCode(EXIT.Internal);
        return;
      }
      io.out(out.trim().split(';')[0] + '\n');
    });
  return sweep;
}
