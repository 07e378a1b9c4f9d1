// `learndyn reproduce <id>` / `learndyn reproduce --list` (issue 5): one command per reproducible
// figure of the specs; prints value-vs-expected for every check and writes figure + data.
import type { Command } from 'commander';
import { ParameterError } from '../core/validate.js';
import { OneLineError } from './common.js';
import { REPRODUCTIONS, findReproduction, formatChecks, runReproduction } from '../reproduce/index.js';
import { progressSink } from './progress.js';
import { withInterrupt } from './engine-command.js';
import type { ReproduceContext, ReproduceEntry, ReproduceResult } from '../reproduce/index.js';

/** Compute an entry in a worker thread when running compiled (dist/, the CLI); in-process otherwise
 *  (tests import the TypeScript sources, which a worker cannot load). The worker ends with the signal. */
function workerCompute(signal: AbortSignal): ((entry: ReproduceEntry, ctx: ReproduceContext) => Promise<ReproduceResult>) | undefined {
  if (!import.meta.url.endsWith('.js')) return undefined;
  return async (entry, rctx) => {
    const { Worker } = await import('node:worker_threads');
    const w = new Worker(new URL('./reproduce-worker.js', import.meta.url), { workerData: { id: entry.id, quick: rctx.quick } });
    signal.addEventListener('abort', () => void w.terminate(), { once: true });
    return new Promise<ReproduceResult>((res, rej) => {
      w.on('message', (m: { type: string; fraction?: number; phase?: string; result?: ReproduceResult; message?: string }) => {
        if (m.type === 'progress') rctx.progress(m.fraction ?? 0, m.phase);
        else if (m.type === 'result') {
          res(m.result!);
          void w.terminate();
        } else if (m.type === 'error') rej(new Error(m.message));
      });
      w.on('error', rej);
    });
  };
}
import { EXIT, checkOutDir, toJSON, type CliContext } from './common.js';

/** "≈ 10 min (…)" whether or not the entry wrote the ≈ itself. */
export const aboutTime = (t: string) => `≈ ${t.replace(/^\s*≈\s*/, '')}`;

export function reproduceList(): string {
  const w = Math.max(...REPRODUCTIONS.map((e) => e.id.length));
  return REPRODUCTIONS.map((e) => `${e.id.padEnd(w)}  ${e.engine.padEnd(9)}  ${e.title}  [${e.source}; full run ${aboutTime(e.fullTime)}]`).join('\n');
}

export function registerReproduce(program: Command, ctx: CliContext): void {
  program
    .command('reproduce')
    .description('reproduce a figure of the specs: writes figure + data and prints each check (value vs expected)')
    .argument('[id]', 'figure id (see --list)')
    .option('--list', 'list the reproducible figures')
    .option('--quick', 'small variant (under a minute on 2 cores), checked against the same closed forms and spec values')
    .option('--out <dir>', 'output folder (default out/reproduce/<id>)')
    .option('--png', 'also write figure.png')
    .option('--json', 'print the checks as JSON on stdout')
    .option('--no-progress', 'no progress output on stderr')
    .action(async (id: string | undefined, opts: Record<string, unknown>) => {
      if (opts.list) {
        ctx.io.out(reproduceList() + '\n');
        return;
      }
      const entry = id === undefined ? undefined : findReproduction(id);
      if (!entry) {
        if (id === undefined) throw new ParameterError('id', '(none)', 'a figure id (`learndyn reproduce --list` lists them)');
        throw new OneLineError(`unknown id ${id} (\`learndyn reproduce --list\` lists them)`);
      }
      const quick = !!opts.quick;
      const outDir = String(opts.out ?? `out/reproduce/${entry.id}${quick ? '-quick' : ''}`);
      checkOutDir(outDir);
      ctx.io.err(
        `${entry.id}: ${entry.title} (${entry.source}); ${quick ? 'quick variant, under a minute' : `full run, expected ${aboutTime(entry.fullTime)}`}\n`,
      );
      const sink = progressSink(opts.progress !== false, `reproduce ${entry.id}`);
      const run = await withInterrupt(
        (signal) =>
          runReproduction(entry, {
            outDir,
            quick,
            png: !!opts.png,
            argv: ctx.argv,
            progress: (f, phase) => sink.update(f, phase ?? ''),
            signal,
            compute: workerCompute(signal),
          }),
        () => ctx.io.err(`\nreproduce ${entry.id}: interrupted (a second Ctrl-C exits at once)\n`),
      );
      sink.stop();
      if (run.terminated) {
        ctx.io.err(`reproduce ${entry.id}: status Terminated; manifest in ${outDir} (a reproduction keeps nothing partial)\n`);
        if (opts.json) ctx.io.out(toJSON({ id: entry.id, quick, status: 'Terminated', passed: false, checks: [], out: outDir, wallMs: run.wallMs }) + '\n');
        ctx.setCode(EXIT.Terminated);
        return;
      }
      if (opts.json) {
        ctx.io.out(
          toJSON({ id: entry.id, quick, passed: run.passed, checks: run.checks, out: outDir, wallMs: run.wallMs, notes: run.result.notes ?? [] }) + '\n',
        );
      } else {
        ctx.io.out(`${entry.id}${quick ? ' (quick)' : ''}: ${entry.title}\n${formatChecks(run.checks)}\n`);
        for (const n of run.result.notes ?? []) ctx.io.out(`  note: ${n}\n`);
        ctx.io.out(
          `${run.checks.filter((c) => c.pass).length}/${run.checks.length} checks pass; figure and data in ${outDir} (${(run.wallMs / 1000).toFixed(1)} s)\n`,
        );
      }
      if (!run.passed) ctx.setCode(EXIT.ChecksFailed);
    });
}
