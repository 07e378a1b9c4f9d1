// `learndyn sweep run | status | merge | sbatch` (issue 9): sweeps over any engine command, through
// the engine descriptors (src/sweep/).
import type { Command } from 'commander';
import type { EngineDescriptor } from '../core/engine.js';
import { EXIT, exitCode } from '../core/contract.js';
import { ParameterError } from '../core/validate.js';
import { expandSweep, parseShard, readSpecFile } from '../sweep/spec.js';
import { runStatus, runSweep } from '../sweep/run.js';
import { failureLines, sweepStatus } from '../sweep/status.js';
import { withInterrupt } from './engine-command.js';
import type { CliContext } from './common.js';

function positiveInt(name: string, v: unknown): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new ParameterError(name, v, 'an integer ≥ 1');
  return n;
}

export function registerSweep(program: Command, ctx: CliContext, engines: readonly EngineDescriptor[]): Command {
  const { io } = ctx;
  const sweep = program.command('sweep').description('sweeps over any computing command: learning curves and phase diagrams, resumable, sharded (Slurm job arrays)');

  sweep
    .command('run')
    .description('run the cells of a sweep spec (JSON or YAML) in-process; finished cells are skipped')
    .argument('<spec>', 'sweep spec: {command, base, grid, zip}')
    .requiredOption('--out <dir>', 'sweep folder: DIR/cells/<id>/ holds what --out of the command writes')
    .option('--jobs <n>', 'cells solved concurrently (worker threads in this process)', '1')
    .option('--shard <i/n>', 'run only the cells whose index ≡ i (mod n), 0-based')
    .option('--force', 'recompute finished cells; reuse a DIR made for another spec')
    .option('--no-progress', 'no per-cell lines on stderr')
    .action(async (specPath: string, opts: Record<string, unknown>) => {
      const jobs = positiveInt('jobs', opts.jobs);
      const shard = opts.shard !== undefined ? parseShard(String(opts.shard)) : undefined;
      const sw = await expandSweep(await readSpecFile(specPath), engines); // every cell validated first
      const dir = String(opts.out);
      const log = opts.progress === false ? undefined : (s: string) => io.err(s + '\n');
      const report = await withInterrupt(
        (signal) => runSweep(sw, dir, { jobs, shard, force: !!opts.force, signal, log, engines }),
        () => io.err('\nsweep: interrupted; cells in flight are written as Terminated (a second Ctrl-C exits at once)\n'),
      );
      const st = sweepStatus(dir);
      io.out(`${sw.cells.length} cells (${report.selected} in this shard): ran ${report.ran.length}, already finished ${report.skipped}` + (report.lockedElsewhere ? `, locked by another process ${report.lockedElsewhere}` : '') + `; sweep: ${st.counts.done} done, ${st.counts.failed} failed, ${st.counts.pending} pending\n`);
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
  return sweep;
}
