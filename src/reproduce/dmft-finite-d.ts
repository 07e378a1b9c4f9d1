// dmft-finite-d (issues 11 item 5, 14): is the gap between the real network and SymmDMFT a finite-d
// effect? In the Fig 4 setting (single index, h = φ̂ = 0.9q + q³/6, α = τ = 0.3, a₀ = 1), projected GD
// on the network (§11.1, Δt = 0.02) against explicit SymmDMFT to t = 20. The largest test-error gap
// over t ≤ 20 is measured (a) against d at m = 16, (b) against m at fixed d. Measured result: the gap
// does not shrink with d and falls with m (about ∝ 1/m). The DMFT is the exact theory of the
// Gaussian-process model (checked in dmft-fig4 and test/dmft/nongaussian.test.ts), so the gap is the
// network's non-Gaussian finite-m correction (dmft.md §2.7), not a finite-d or discretisation effect.
import type { Check, ReproduceEntry, ReproduceResult } from './types.js';
import type { Series } from '../plot/figure.js';
import type { DmftSolution } from '../dmft/solve.js';
import { runSymmDmft } from './engine-run.js';
import type { SimResult, SimulateInput } from '../dmft/simulate.js';
import { loadWasm } from '../wasm/runtime.js';
import { chk, f64, H_CUBIC, interpAt, logSlope, M_COLORS } from './dmft-util.js';
import { simulate } from './dmft-sim.js';

type Ctx = { quick: boolean; progress: (f: number, p?: string) => void };
const SEED = 2026;
const T = 20;

/** sup over the saves with 0 < t ≤ T of (network − DMFT) test error, its s.e. there, and the gap at t = 2. */
function gapOf(sol: DmftSolution, sim: SimResult): { sup: number; se: number; t: number; early: number } {
  const s = sim.summary;
  let sup = -Infinity,
    se = NaN,
    tS = NaN,
    early = NaN;
  for (let i = 1; i < sim.t.length; i++) {
    const t = sim.t[i];
    if (t > T + 1e-9) continue;
    const d = s.testError[i] - interpAt(sol.t, sol.testError, t);
    if (d > sup) (sup = d), (se = s.testErrorSE[i]), (tS = t);
    if (Math.abs(t - 2) < 1e-9) early = d;
  }
  return { sup, se, t: tS, early };
}

async function finiteD(ctx: Ctx): Promise<ReproduceResult> {
  const base = { alpha: 0.3, tau: 0.3, h: H_CUBIC, phiHat: 'same' as const, a0: 1 };
  const dims = ctx.quick ? [50, 100, 200] : [50, 100, 200, 400];
  const ms = ctx.quick ? [8, 16, 32] : [8, 16, 32, 64, 128];
  const mD = 16;
  const dimM = ctx.quick ? 100 : 200;
  const seedsD = ctx.quick ? 2 : 4;
  const seedsM = 2;
  const rt = await loadWasm();
  // explicit Euler, stable for η·α a² m h′(1) ≲ 2 (a ≤ 1.4 here): η = 0.05 up to m = 64
  const dmft = new Map<number, DmftSolution>();
  for (const m of [...new Set([mD, ...ms])])
    dmft.set(m, await runSymmDmft({ ...base, m, eta: m > 64 ? 0.0125 : 0.05, tMax: T, scheme: 'explicit', maxPoints: 1_000_000 }, { runtime: rt }));
  ctx.progress(0.05, 'network GD');
  const sim = (m: number, dim: number, seeds: number): SimulateInput => ({
    ...base,
    model: 'network',
    optimizer: 'gd',
    m,
    dim,
    tMax: T,
    saveCount: 11,
    seeds,
    seed: SEED,
  });
  // one run per (m, d): (16, dimM) is in both scans (replicate r depends only on the seed and r)
  const want = new Map<string, { m: number; d: number; seeds: number }>();
  for (const [m, d, seeds] of [...dims.map((d) => [mD, d, seedsD]), ...ms.map((m) => [m, dimM, seedsM])]) {
    const k = `${m}_${d}`;
    want.set(k, { m, d, seeds: Math.max(seeds, want.get(k)?.seeds ?? 0) });
  }
  const keys = [...want.keys()];
  const out = await simulate(
    keys.map((k) => sim(want.get(k)!.m, want.get(k)!.d, want.get(k)!.seeds)),
    (f) => ctx.progress(0.05 + 0.95 * f, 'network GD'),
  );
  const run = (m: number, d: number) => out[keys.indexOf(`${m}_${d}`)];
  const byD = dims.map((d) => ({ d, g: gapOf(dmft.get(mD)!, run(mD, d)) }));
  const byM = ms.map((m) => ({ m, g: gapOf(dmft.get(m)!, run(m, dimM)) }));

  const checks: Check[] = [];
  for (const s of dmft.values())
    checks.push(
      chk(`SymmDMFT m = ${s.problem.m} (explicit, η = ${s.stats.eta}) status Success`, s.status === 'Success' ? 0 : 1, 0, { tol: 0 }, 'dmft.md §10.4'),
    );
  const pD = logSlope(
    dims,
    byD.map((x) => x.g.sup),
  );
  checks.push(
    chk(
      `exponent of the gap in d at m = ${mD} (d = ${dims.join(', ')}): not a finite-d effect`,
      pD,
      0,
      { tol: 0.3 },
      'dmft.md §2.7, §12 V9; issue 14: the gap is d-independent (a finite-d effect would give ≈ −0.5 or −1)',
    ),
  );
  const pM = -logSlope(
    ms,
    byM.map((x) => x.g.sup),
  );
  checks.push(
    chk(
      `exponent p of the gap ∝ m^{−p} at d = ${dimM} (m = ${ms.join(', ')})`,
      pM,
      1,
      { tol: 0.6 },
      "dmft.md §2.7: a finite-m (non-Gaussian) correction, O(1/m) like the DMFT's own finite-m terms; measured: exponent 0.80 for the sup over t ≤ 20 at m = 8–128, 1.2 for the gap at t = 20 over m = 16–128",
    ),
  );
  // t = 2 (v ≈ 0.4): the runs have 2–4 seeds each, too few for a per-run s.e., so pool the signed gaps
  const early = keys.map((k) => gapOf(dmft.get(want.get(k)!.m)!, run(want.get(k)!.m, want.get(k)!.d)).early);
  const meanEarly = early.reduce((a, b) => a + b, 0) / early.length;
  checks.push(
    chk(
      `early agreement: mean over the ${early.length} runs of (network − DMFT) test error at t = 2`,
      meanEarly,
      0,
      { tol: 0.02 },
      "dmft.md §12 V9 (agreement on t = O(1) while v ≲ 0.4; one run's seed s.d. there ≈ 0.03)",
    ),
  );

  const arrays: ReproduceResult['arrays'] = {
    dim: f64(dims),
    supGapDim: f64(byD.map((x) => x.g.sup)),
    supGapSEDim: f64(byD.map((x) => x.g.se)),
    m: f64(ms),
    supGapM: f64(byM.map((x) => x.g.sup)),
    supGapSEM: f64(byM.map((x) => x.g.se)),
  };
  keys.forEach((key, k) => {
    const r = out[k],
      tag = `M${want.get(key)!.m}D${want.get(key)!.d}`;
    arrays[`tNet${tag}`] = f64(r.t);
    arrays[`testErrorNet${tag}`] = f64(r.summary.testError);
    arrays[`testErrorSENet${tag}`] = f64(r.summary.testErrorSE);
  });
  for (const [m, s] of dmft) {
    arrays[`tDmftM${m}`] = f64(s.t);
    arrays[`testErrorDmftM${m}`] = f64(s.testError);
  }
  const pts = (name: string, x: number[], y: number[], se: number[], color: string): Series => ({ name, x, y, se, mark: 'points', color });
  const gm = byM.map((x) => x.g.sup);
  const ref = gm[Math.floor(ms.length / 2)] * ms[Math.floor(ms.length / 2)];
  const testPanel: Series[] = [];
  ms.forEach((m, k) => {
    const s = dmft.get(m)!,
      r = run(m, dimM);
    testPanel.push({ name: `DMFT m = ${m}`, x: s.t.filter((t) => t > 0), y: s.testError.filter((_, i) => s.t[i] > 0), mark: 'line', color: M_COLORS[k] });
    testPanel.push(
      pts(
        `GD m = ${m} (d = ${dimM})`,
        Array.from(r.t).slice(1),
        Array.from(r.summary.testError).slice(1),
        Array.from(r.summary.testErrorSE).slice(1),
        M_COLORS[k],
      ),
    );
  });
  return {
    figure: {
      title: 'Network vs DMFT in the Fig 4 setting: the gap against d and against m (GD, t ≤ 20)',
      panels: [
        { title: `test error, d = ${dimM}`, xTitle: 't', yTitle: 'test error', xScale: 'log', yScale: 'log', series: testPanel, legend: 'bottom-left' },
        {
          title: `sup_t (network − DMFT), m = ${mD}`,
          xTitle: 'd',
          yTitle: 'gap',
          xScale: 'log',
          yScale: 'log',
          series: [
            pts(
              'gap vs d',
              dims,
              byD.map((x) => x.g.sup),
              byD.map((x) => x.g.se),
              M_COLORS[0],
            ),
          ],
          legend: 'bottom-left',
        },
        {
          title: `sup_t (network − DMFT), d = ${dimM}`,
          xTitle: 'm',
          yTitle: 'gap',
          xScale: 'log',
          yScale: 'log',
          series: [
            pts(
              'gap vs m',
              ms,
              gm,
              byM.map((x) => x.g.se),
              M_COLORS[1],
            ),
            { name: '∝ 1/m', x: ms, y: ms.map((m) => ref / m), mark: 'line', dash: 'dashed', color: '#7f7f7f' },
          ],
          legend: 'bottom-left',
        },
      ],
      width: 300,
      height: 250,
    },
    arrays,
    checks,
    parameters: { ...base, T, dims, mD, ms, dimM, seedsD, seedsM, dmft: [...dmft.values()].map((s) => ({ m: s.problem.m, eta: s.stats.eta })) },
    seed: SEED,
    wasm: rt.features(),
    notes: [
      `gap vs d (m = ${mD}): ` +
        byD.map((x) => `d = ${x.d}: ${x.g.sup.toFixed(4)} ± ${x.g.se.toFixed(4)} (t = ${x.g.t})`).join('; ') +
        `; fitted exponent ${pD.toFixed(2)}.`,
      `gap vs m (d = ${dimM}): ` +
        byM.map((x) => `m = ${x.m}: ${x.g.sup.toFixed(4)} ± ${x.g.se.toFixed(4)} (t = ${x.g.t})`).join('; ') +
        `; fitted exponent −${pM.toFixed(2)}.`,
      'The gap is not a finite-d effect. SymmDMFT is the exact theory of the Gaussian-process model (dmft-fig4 checks it), and the network differs from that model by a non-Gaussian correction: the per-sample rate (a²/m²)Σ_i σ′(⟨w_i,x_μ⟩)² at which a sample moves its own preactivations varies with ⟨u,x_μ⟩, while the Gaussian model has (a²/m)h′(1). This correction falls with m (dmft.md §2.7, App. K).',
      "GD: full-batch projected GD with Δt = 0.02 in GF time (§3); the paper's SGD protocol gives the same test error here (issue 14: d = 400 SGD 0.148 vs GD 0.151 at t = 10).",
    ],
  };
}

export const finiteDEntries: ReproduceEntry[] = [
  {
    id: 'dmft-finite-d',
    engine: 'dmft',
    title: 'Network vs DMFT (Fig 4 setting): the gap against d (flat) and against m (∝ 1/m)',
    source: 'dmft.md §2.7, §11.1, §12 V9; issues 11 (item 5) and 14',
    fullTime: '12 min (748 s measured on a heavily loaded 2-core machine; quick 15 s)',
    run: finiteD,
  },
];
