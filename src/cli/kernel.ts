// Kernel commands beyond the descriptor's computing commands: `kernel spectrum` (a table, no solve),
// `kernel rerun MANIFEST` (the run a manifest describes) and `kernel compare` (several kernels on the
// same data, one folder each).
import type { Command } from 'commander';
import type { Field } from '../core/engine.js';
import { unusedParameter } from '../core/validate.js';
import { exitCode, combineStatus } from '../core/contract.js';
import { compareKernels } from '../kernel/compare.js';
import { kernelEngine, kernelFields, kernelRun } from '../kernel/engine.js';
import type { KernelProblemInput } from '../kernel/problem.js';
import { spectrumTable } from '../kernel/setup.js';
import { addFieldOptions, collectFlags, readConfig, toJSON, type CliContext } from './common.js';
import { addRunOptions, commandParams, runEngineCommand, withInterrupt } from './engine-command.js';
import { writeComparisonOutputs } from './output.js';
import { progressSink } from './progress.js';

const spectrumFields: Field[] = [
  { key: 'kernel', flag: 'kernel', kind: 'string', default: 'exp', help: 'kernel (as for run)' },
  { key: 'domain', flag: 'domain', kind: 'string', default: 'sphere', help: 'sphere | hypercube' },
  { key: 'dim', flag: 'dim', kind: 'int', help: 'input dimension d' },
  { key: 'maxDegree', flag: 'max-degree', kind: 'int', default: '5', help: 'largest degree k (≤ 40)' },
];

export function registerKernelExtras(kernel: Command, ctx: CliContext): void {
  const { io } = ctx;
  addFieldOptions(kernel.command('spectrum').description('eigenvalues ξ_{d,k} and multiplicities B(d,k) of an inner-product kernel'), spectrumFields)
    .option('--json', 'print JSON')
    .action((opts: Record<string, unknown>) => {
      const table = spectrumTable({ kernel: 'exp', domain: 'sphere', maxDegree: 5, ...collectFlags(opts, spectrumFields) } as never);
      if (opts.json) io.out(toJSON(table) + '\n');
      else {
        io.out(`k\tB(d,k)\txi_{d,k}\txi*B\n`);
        table.degrees.forEach((k, i) =>
          io.out(`${k}\t${table.multiplicities[i]}\t${table.eigenvalues[i].toExponential(10)}\t${table.mass[i].toExponential(6)}\n`),
        );
      }
    });

  addRunOptions(
    addFieldOptions(kernel.command('rerun').description('rerun the kernel run described by a manifest.json (flags override it)'), kernelFields),
    false,
  )
    .argument('<manifest>', 'manifest.json of an earlier run')
    .action(async (manifest: string, opts: Record<string, unknown>) => {
      ctx.setCode(await runEngineCommand(kernelEngine, kernelRun, commandParams(kernelRun, opts, manifest), opts, ctx));
    });

  const compareFields = kernelFields.filter((f) => f.key !== 'kernel');
  addRunOptions(
    addFieldOptions(
      kernel.command('compare').description('two or more kernels on the same data (kernel.md §9: faster training need not generalise better)'),
      compareFields,
    ),
    false,
  )
    .requiredOption('--kernels <list>', "kernels separated by ';' (or ',' when no kernel has parameters), e.g. two-kernels-A,two-kernels-C")
    .action(async (opts: Record<string, unknown>) => {
      for (const f of ['resume', 'force'] as const)
        if (opts[f]) throw unusedParameter(f, true, 'kernel compare writes one folder per kernel and has no resume (use kernel run per kernel)');
      const list = String(opts.kernels);
      const kernels = (list.includes(';') || list.includes(':') ? list.split(';') : list.split(',')).map((k) => k.trim()).filter(Boolean);
      const params = { ...readConfig(opts.config as string | undefined, compareFields), ...collectFlags(opts, compareFields) };
      delete params.kernel;
      const sink = progressSink(opts.progress !== false, 'kernel compare');
      const cmp = await withInterrupt((signal) =>
        compareKernels(params as KernelProblemInput, kernels, { signal, onProgress: (e) => sink.update(e.fraction, e.phase) }),
      );
      sink.stop();
      if (opts.out) await writeComparisonOutputs(String(opts.out), cmp, [...ctx.argv], { png: !!opts.png });
      if (opts.json) {
        io.out(
          toJSON({
            t: cmp.t,
            kernels: cmp.kernels,
            train: cmp.solutions.map((s) => s.curves.train),
            test: cmp.solutions.map((s) => s.curves.test),
            oracle: cmp.solutions.map((s) => s.curves.oracle),
            theoryTrain: cmp.solutions.map((s) => s.curves.theoryTrain),
            theoryTest: cmp.solutions.map((s) => s.curves.theoryTest),
            stages: cmp.solutions.map((s) => s.stages),
            status: cmp.solutions.map((s) => s.status),
            summary: cmp.summary,
          }) + '\n',
        );
      } else io.out(cmp.summary.text + '\n');
      ctx.setCode(exitCode(combineStatus(...cmp.solutions.map((s) => s.status))));
    });
}
