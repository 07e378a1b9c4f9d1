// `learndyn demo` (npm run demo): a small kernel run (kernel.md G4 setup, 3 seeds) and a small
// committee SGD-vs-ODE comparison with a Saad–Solla plateau; writes data + figures and says where.
import type { Command } from 'commander';
import { join } from 'node:path';
import { solveKernel } from '../kernel/solve.js';
import { solveCommittee } from '../committee/solve.js';
import { writeRunOutputs } from './output.js';
import { committeeBundle, kernelBundle } from '../io/bundles.js';
import { committeeFigure, kernelFigure } from '../plot/engines.js';
import { progressSink } from './progress.js';
import type { CliContext } from './common.js';

const third = 1 / 3;
export const DEMO_KERNEL = {
  kernel: 'exp',
  dim: 100,
  samples: 1000,
  energies: [0, third, third, third],
  noiseSd: 0.5,
  seeds: 3,
  tMin: 1,
  tMax: 1e7,
  tCount: 71,
} as const;
export const DEMO_COMMITTEE = {
  p: 4,
  k: 4,
  activation: 'erf',
  lr: 1,
  noise: 1e-3,
  dim: 250,
  seeds: 4,
  tMax: 1e3,
  tCount: 61,
} as const;

export function registerDemo(program: Command, ctx: CliContext): void {
  program
    .command('demo')
    .description('a small kernel run and a small committee SGD-vs-ODE comparison, with figures')
    .option('--out <dir>', 'output folder', 'out/demo')
    .option('--no-png', 'skip figure.png')
    .option('--no-progress', 'no progress output on stderr')
    .action(async (opts: { out: string; png: boolean; progress: boolean }) => {
      const kdir = join(opts.out, 'kernel'),
        cdir = join(opts.out, 'committee');
      const ks = progressSink(opts.progress, 'demo: kernel run');
      const ksol = await solveKernel({ ...DEMO_KERNEL, energies: [...DEMO_KERNEL.energies] } as never, { onProgress: (e) => ks.update(e.fraction, e.phase) });
      ks.stop();
      await writeRunOutputs(kdir, kernelBundle(ksol, ['learndyn', ...ctx.argv]), kernelFigure(ksol), { png: opts.png });
      ctx.io.out(`${ksol.report.split('\n').slice(0, 2).join('\n')}\n  → ${join(kdir, 'figure.svg')}${opts.png ? `, ${join(kdir, 'figure.png')}` : ''}\n\n`);
      const cs = progressSink(opts.progress, 'demo: committee sgd');
      const csol = await solveCommittee({ ...DEMO_COMMITTEE } as never, { simulate: true, onProgress: (e) => cs.update(e.fraction, e.phase) });
      cs.stop();
      await writeRunOutputs(cdir, committeeBundle(csol, ['learndyn', ...ctx.argv]), committeeFigure(csol), { png: opts.png });
      const pl = csol.plateaus.plateaus[0];
      ctx.io.out(
        `committee erf p = k = 4, d = 250, 4 seeds: SGD vs ODE sup|ΔR| = ${csol.agreement?.supOverScale.toPrecision(2)}·√(γ/pd)` +
          (pl ? `; plateau at R − Δ/2 ≈ ${pl.height.toExponential(2)} from t ≈ ${pl.onset.toPrecision(3)} to ${pl.escape.toPrecision(3)}` : '') +
          `\n  → ${join(cdir, 'figure.svg')}${opts.png ? `, ${join(cdir, 'figure.png')}` : ''}\n` +
          `Data beside each figure: manifest.json, curves.csv, arrays.npz (numpy.load), one .npy per curve, figure.vl.json (Vega-Lite/Altair).\n`,
      );
    });
}
