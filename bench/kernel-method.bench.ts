// `--method auto` cost model (src/kernel/memory.ts) against measurement: `kernel run` (d = 400, exp
// kernel, 81 times, 1 seed, exact L² test error, the issue's problem) at several n, with
// --method eigh and --method lanczos, on the given threads. Prints per n: the measured spectral
// phase of each method and the model's prediction, the Lanczos steps taken, the measured whole run
// and the model's whole-run prediction, the method auto picks; then the constants refitted from this
// run (median of measured / model-unit ratio), to paste into memory.ts when they differ.
// eigh runs up to --eigh-max (its n³ time dominates the bench), beyond that the model alone is shown.
// Run: node --import tsx bench/kernel-method.bench.ts [n list=500,1000,2000,3000,4000,6000,8000] [--threads=2] [--eigh-max=4000]
import { solveKernel } from '../src/kernel/solve.js';
import { COST, methodCosts, predictRunSeconds, resolveMethod } from '../src/kernel/memory.js';
import { kernelProblem } from '../src/kernel/problem.js';
import { kernelBenchProblem } from './kernel-problem.js';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const opt = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const ns = (args[0] ?? '500,1000,2000,3000,4000,6000,8000').split(',').map(Number);
const threads = Number(opt('threads') ?? 2);
const eighMax = Number(opt('eigh-max') ?? 4000);
const d = 400;
const base = { ...kernelBenchProblem(d), threads };

interface Meas {
  n: number;
  method: 'eigh' | 'lanczos';
  eigen: number;
  total: number;
  steps?: number;
  model: number;
  modelTotal: number;
}
const meas: Meas[] = [];
// warm-up: module compilation, worker start-up and tier-up are paid once per process, not per n
await solveKernel({ ...base, samples: 200, method: 'eigh' });
await solveKernel({ ...base, samples: 200, method: 'lanczos' });
for (const n of ns) {
  for (const method of ['lanczos', 'eigh'] as const) {
    const p = kernelProblem({ ...base, samples: n, method });
    const c = methodCosts(p);
    if (method === 'eigh' && n > eighMax) {
      console.error(`n = ${n} eigh: model ${c.eigh.toFixed(2)} s (not run: n > --eigh-max)`);
      continue;
    }
    const t0 = performance.now();
    const sol = await solveKernel({ ...base, samples: n, method });
    const total = (performance.now() - t0) / 1000;
    const rep = sol.timings.replicates[0];
    const steps = sol.stats.replicates[0].lanczosSteps;
    const m: Meas = { n, method, eigen: rep.eigen / 1000, total, steps, model: method === 'eigh' ? c.eigh : c.lanczos, modelTotal: predictRunSeconds(p) };
    meas.push(m);
    console.error(
      `n = ${n} ${method}: spectral ${m.eigen.toFixed(2)} s (model ${m.model.toFixed(2)}), run ${total.toFixed(2)} s (model ${m.modelTotal.toFixed(2)})${steps ? `, ${steps} Lanczos steps` : ''}`,
    );
  }
}

console.log(`\nkernel run, d = ${d}, exp kernel, 81 times, 1 seed, exact test error, ${threads} thread(s); seconds (wall)`);
console.log('| n | method | spectral measured | spectral model | Lanczos steps | run measured | run model | auto picks |');
console.log('|---:|---|---:|---:|---:|---:|---:|---|');
for (const m of meas) {
  const p = kernelProblem({ ...base, samples: m.n, method: 'auto' });
  console.log(
    `| ${m.n} | ${m.method} | ${m.eigen.toFixed(2)} | ${m.model.toFixed(2)} | ${m.steps ?? ''} | ${m.total.toFixed(2)} | ${m.modelTotal.toFixed(2)} | ${resolveMethod(p)} |`,
  );
}
// refit: each constant = median over n of measured / (model / constant)
const med = (x: number[]) => (x.length ? [...x].sort((a, b) => a - b)[x.length >> 1] : NaN);
const eighFit = med(meas.filter((m) => m.method === 'eigh' && m.n >= 1000).map((m) => (m.eigen / m.model) * COST.eighN3));
// Lanczos: the constant the model needs is per entry touched over the steps the model assumes
// (min(n, cap, COST.lanczosSteps)); the per-entry constant over the steps actually taken is printed too
const lzFit = med(meas.filter((m) => m.method === 'lanczos' && m.n >= 1000).map((m) => (m.eigen / m.model) * COST.lanczosEntry));
const lzStep = med(meas.filter((m) => m.method === 'lanczos' && m.steps && m.n >= 1000).map((m) => m.eigen / (m.steps! * (m.n * m.n + 2 * m.steps! * m.n))));
// the fixed cost: measured run − measured spectral phase − the model's shared phases
const fixed = med(meas.map((m) => m.total - m.eigen - (m.modelTotal - m.model - COST.fixed)));
const steps = meas.filter((m) => m.method === 'lanczos').map((m) => `${m.n}: ${m.steps}`);
console.log(
  `\nrefit from this run (n ≥ 1000): eighN3 = ${eighFit.toExponential(2)} s/n³ (model ${COST.eighN3.toExponential(2)}); ` +
    `lanczosEntry = ${lzFit.toExponential(2)} s per entry over the ${COST.lanczosSteps} assumed steps (model ${COST.lanczosEntry.toExponential(2)}; ` +
    `${lzStep.toExponential(2)} per entry over the steps taken); fixed = ${fixed.toFixed(2)} s (model ${COST.fixed})`,
);
console.log(`Lanczos steps taken (model assumes ${COST.lanczosSteps}): ${steps.join(', ')}`);
console.log(
  `eigh / Lanczos spectral time, measured vs model: ${meas
    .filter((m) => m.method === 'eigh')
    .map((e) => {
      const l = meas.find((m) => m.method === 'lanczos' && m.n === e.n);
      return l ? `n = ${e.n}: ${(e.eigen / l.eigen).toFixed(1)} vs ${(e.model / l.model).toFixed(1)}` : '';
    })
    .filter(Boolean)
    .join('; ')}`,
);
