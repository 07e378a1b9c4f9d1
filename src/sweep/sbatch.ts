// `learndyn sweep sbatch`: a Slurm job-array script whose task I runs `learndyn sweep run SPEC --out DIR
// --shard I/N` (every task shares DIR on the cluster's file system; cell locks keep tasks apart).
// Memory per task: the largest cell's Wasm estimate × --jobs (concurrent cells) + the Node process
// (V8 heap, compiled module, figures), rounded up to whole MiB.
import type { ExpandedSweep } from './spec.js';

export interface SbatchOptions {
  spec: string;
  dir: string;
  shards: number;
  maxParallel?: number;
  partition?: string;
  time?: string;
  jobs: number;
  /** The learndyn command the tasks run, e.g. [process.execPath, '/abs/bin/learndyn.js']. */
  learndyn: string[];
}

/** Node process overhead per task beside the Wasm memory of the cells. */
export const PROCESS_OVERHEAD_BYTES = 512 * 1024 ** 2;

export function taskMemoryMiB(sw: ExpandedSweep, jobs: number): number {
  const largest = sw.cells.reduce((m, c) => Math.max(m, c.memoryBytes), 0);
  return Math.ceil((largest * Math.min(jobs, sw.cells.length) + PROCESS_OVERHEAD_BYTES) / 1024 ** 2);
}

const sh = (s: string) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export function sbatchScript(sw: ExpandedSweep, o: SbatchOptions): string {
  const array = `0-${o.shards - 1}${o.maxParallel ? `%${o.maxParallel}` : ''}`;
  const lines = [
    '#!/bin/bash',
    `# learndyn sweep: ${sw.spec.command}, ${sw.cells.length} cells in ${o.shards} shards (spec ${sw.specHash.slice(0, 12)})`,
    `#SBATCH --job-name=learndyn-sweep`,
    `#SBATCH --array=${array}`,
    `#SBATCH --ntasks=1`,
    `#SBATCH --cpus-per-task=${o.jobs}`,
    `#SBATCH --mem=${taskMemoryMiB(sw, o.jobs)}M`,
    ...(o.partition ? [`#SBATCH --partition=${o.partition}`] : []),
    ...(o.time ? [`#SBATCH --time=${o.time}`] : []),
    `#SBATCH --output=${o.dir}/slurm/%A_%a.out`,
    'set -euo pipefail',
    `exec ${o.learndyn.map(sh).join(' ')} sweep run ${sh(o.spec)} --out ${sh(o.dir)} --jobs ${o.jobs} --shard "$SLURM_ARRAY_TASK_ID/${o.shards}"`,
    '',
  ];
  return lines.join('\n');
}

export function checkTime(s: string): boolean {
  return /^(\d+-)?\d{1,3}(:\d{2}){0,2}$/.test(s);
}
