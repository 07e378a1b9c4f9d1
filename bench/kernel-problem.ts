// The kernel problem of issue 12's end-to-end bar, shared by bench/kernel-run.bench.ts and
// bench/kernel-method.bench.ts: the exp kernel in dimension d, energies (0, 1/3, 1/3, 1/3), noise
// sd 0.5, one seed, 81 log-spaced times from 1 to 1e9, the exact L² test error (no test points).
export function kernelBenchProblem(d: number) {
  return {
    kernel: 'exp',
    dim: d,
    energies: [0, 1 / 3, 1 / 3, 1 / 3],
    noiseSd: 0.5,
    seeds: 1,
    tMin: 1,
    tMax: 1e9,
    tCount: 81,
    testPoints: 0,
  };
}
