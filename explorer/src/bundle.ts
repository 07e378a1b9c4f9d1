// Download bundles of explorer runs: the same bundles as the CLI's --out (src/io/bundles.ts), encoded
// in memory (arrays.npz, curves.csv, figures and the manifest; no loose .npy files).
import { encodeOutputs, type OutputBundle } from '../../src/io/index.js';
import { committeeBundle as committeeOut, dmftBundle as dmftOut, kernelBundle as kernelOut } from '../../src/io/bundles.js';
import { figureFiles } from '../../src/plot/render.js';
import type { FigureDesc } from '../../src/plot/figure.js';
import type { KernelSolution } from '../../src/kernel/solve.js';
import type { CommitteeSolution } from '../../src/committee/solve.js';
import type { DmftSolution } from '../../src/dmft/solve.js';
import type { SimResult } from '../../src/dmft/simulate.js';
import type { WasmRecord } from '../../src/io/manifest.js';

export { dmftVsSimulation } from '../../src/io/bundles.js';

const COMMAND = ['learndyn-explorer'];

async function encode(bundle: OutputBundle, fig: FigureDesc): Promise<Map<string, Uint8Array>> {
  const extra = { ...(await figureFiles(fig)) } as Record<string, Uint8Array>;
  return (await encodeOutputs({ ...bundle, npy: false, extra })).files;
}

export const kernelBundle = (sol: KernelSolution, fig: FigureDesc) => encode(kernelOut(sol, [...COMMAND, 'kernel', 'run']), fig);

export const committeeBundle = (sol: CommitteeSolution, fig: FigureDesc) => encode(committeeOut(sol, [...COMMAND, 'committee', sol.sgd ? 'sgd' : 'ode']), fig);

export const dmftBundle = (sol: DmftSolution, fig: FigureDesc, wasm: WasmRecord, sim?: SimResult) =>
  encode(dmftOut(sol, [...COMMAND, 'dmft', 'run'], wasm, sim), fig);
