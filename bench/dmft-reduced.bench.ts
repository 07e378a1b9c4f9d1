// Two-time reduced-DMFT solvers (dmft.md §8c lz2 D36 = mode 0, §8e CHSCK D37 = mode 1): wall time of a whole
// N-step run and rows per second, Wasm SIMD vs Wasm scalar vs the TS twin. Step n costs O(n²), a run O(N³).
// Also the fixed-ᾱ m → ∞ system (§8g [D], two species + the C_A layer) at N_fab (default 1000).
// Run: node --import tsx bench/dmft-reduced.bench.ts [N=2000] [N_ts=N] [N_fab=1000]
import { loadWasm } from '../src/wasm/runtime.js';
import { hTilde, runFixedAlphaBar, runTwoTime, type TwoTimeParams } from '../src/dmft/reduced.js';

const N = Number(process.argv[2] ?? 2000);
const nTs = Number(process.argv[3] ?? N);
const nFab = Number(process.argv[4] ?? 1000);
const eta = 0.05;

const cases: { name: string; p: (n: number) => TwoTimeParams }[] = [
  { name: 'lz2 (D36), h = 0.3z + z²/2, α = 0.5, γ₀ = τ = 1', p: (n) => ({ mode: 0, N: n, eta, ht: hTilde([0, 0.3, 0.5]), g2: 1, alpha: 0.5, tau2: 1 }) },
  { name: 'CHSCK (D37), h̃ = z³/6', p: (n) => ({ mode: 1, N: n, eta, ht: hTilde([0, 0.9, 0, 1 / 6]) }) },
];

const simd = await loadWasm({ variant: 'release' });
const scalar = await loadWasm({ variant: 'scalar' });
const rows: { engine: string; case: string; N: number; ms: number; rowsPerS: number; check: number }[] = [];
for (const c of cases) {
  for (const [engine, rt, n] of [
    ['Wasm SIMD', simd, N],
    ['Wasm scalar', scalar, N],
    ['TS twin', undefined, nTs],
  ] as const) {
    runTwoTime(c.p(Math.min(n, 200)), rt); // warm-up
    const r = runTwoTime(c.p(n), rt);
    if (r.rows !== n + 1) throw new Error(`${engine} ${c.name}: stopped at row ${r.rows}`);
    const check = c.p(n).mode === 0 ? r.etr[n] : r.third[n];
    rows.push({ engine, case: c.name, N: n, ms: r.wallMs, rowsPerS: ((n + 1) / r.wallMs) * 1000, check });
  }
}
for (const [engine, rt] of [
  ['Wasm SIMD', simd],
  ['Wasm scalar', scalar],
  ['TS twin', undefined],
] as const) {
  runFixedAlphaBar(200, 0.2, 0.8, 1, [0, 0.3, 0.5], rt); // warm-up
  const t0 = performance.now();
  const r = runFixedAlphaBar(nFab, 0.2, 0.8, 1, [0, 0.3, 0.5], rt);
  const ms = performance.now() - t0;
  if (r.rows !== nFab + 1) throw new Error(`${engine} fixed-ᾱ: stopped at row ${r.rows}`);
  rows.push({ engine, case: 'fixed ᾱ (§8g), ᾱ = 0.8, h = 0.3z + z²/2, η̃ = 0.2', N: nFab, ms, rowsPerS: ((nFab + 1) / ms) * 1000, check: r.out[5 * nFab] });
}
console.log(`two-time reduced DMFT, η = ${eta}, one whole run per row (single thread)`);
console.log('| case | engine | N | wall (s) | rows/s | N³/wall (1e9/s) | final e_tr or E |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows)
  console.log(
    `| ${r.case} | ${r.engine} | ${r.N} | ${(r.ms / 1000).toFixed(2)} | ${r.rowsPerS.toFixed(0)} | ${(r.N ** 3 / r.ms / 1e6).toFixed(2)} | ${r.check.toPrecision(8)} |`,
  );
