// dmft-finite-d (issues 11 item 5, 14): is the gap between the real network and SymmDMFT a finite-d
// effect? The network under the paper's SGD protocol (lr 0.1, batch 100) and under full-batch projected GD
// at a small step (Δt = 0.02 in GF time), at d = 50…400, against explicit SymmDMFT to t = 80, in the Fig 2
// setting (pure noise: φ̂ = 0, α = 0.4, τ = 0.6) and the Fig 4 setting (single index: φ̂ = h, α = τ = 0.3),
// h = 0.9q + q³/6, a₀ = 1, m = 8 and 16. The largest |network − DMFT| test-error gap over t ≤ 80 is
// fitted against d. Beside it, GD on the Gaussian-process model (§11.2), for which SymmDMFT is the exact
// large-d theory, at small d. What the evidence supports (issue 14): the network's gap in the Fig 4 setting
// does not shrink with d and falls with m (a non-Gaussian finite-m correction, dmft.md §2.7), while the
// Gaussian model's gap is much smaller; so the checks are "does not decay with d", "falls with m" and "the
// Gaussian model is much closer", not "decreases with d".
import type { Check, ReproduceEntry, ReproduceResult } from './types.js';
import type { Series } from '../plot/figure.js';
import type { DmftSolution } from '../dmft/solve.js';
import { runSymmDmft } from './engine-run.js';
import type { SimResult, SimulateInput } from '../dmft/simulate.js';
import { chk, f64, H_CUBIC, interpAt, logSlope, M_COLORS } from './dmft-util.js';
import { simulate } from './dmft-sim.js';
import { loadWasm } from '../wasm/runtime.js';

type Ctx = { quick: boolean; progress: (f: number, p?: string) => void };
const SEED = 2026;

const SETTINGS = {
  fig4: { label: 'Fig 4 (single index)', alpha: 0.3, tau: 0.3, phiHat: 'same' as const },
  fig2: { label: 'Fig 2 (pure noise)', alpha: 0.4, tau: 0.6, phiHat: 'none' as const },
};
type SettingKey = keyof typeof SETTINGS;
const OPTIMIZERS = ['sgd', 'gd'] as const;
type Opt = (typeof OPTIMIZERS)[number] | 'gauss';

/** sup over the saves with 0 < t ≤ T of |network − DMFT| test error, the s.e. and time there. */
function gapOf(sol: DmftSolution, sim: SimResult, T: number): { sup: number; se: number; t: number; diverged: boolean } {
  const s = sim.summary;
  let sup = -Infinity,
    se = NaN,
    tS = NaN;
  for (let i = 1; i < sim.t.length; i++) {
    const t = sim.t[i];
    if (t > T + 1e-9) continue;
    const d = Math.abs(s.testError[i] - interpAt(sol.t, sol.testError, t));
    if (d > sup) (sup = d), (se = s.testErrorSE[i]), (tS = t);
  }
  // A run whose mean test error leaves [0, 10·e_ts(0)] has blown up (SGD at the paper's lr = 0.1 does so at d = 400 before t = 80).
  const diverged = !(sup < 10 * s.testError[0]);
  return { sup, se, t: tS, diverged };
}

const cap = (s: string) => s[0].toUpperCase() + s.slice(1);

async function finiteD(ctx: Ctx): Promise<ReproduceResult> {
  const h = H_CUBIC;
  // quick (CI): t ≤ 30, d = 50, 100; full: t ≤ 80, d = 50…400
  const T = ctx.quick ? 30 : 80;
  const ms = [8, 16];
  const dims = ctx.quick ? [50, 100] : [50, 100, 200, 400];
  const gdDims = ctx.quick ? [50, 100] : [50, 100, 200, 400];
  const gaussDims = ctx.quick ? [10, 20] : [10, 20, 40];
  const seeds = { sgd: ctx.quick ? 2 : 4, gd: 2, gauss: ctx.quick ? 4 : 6 };
  // Explicit Euler on two workers: η·α a² m h′(1) ≲ 1 for a ≤ 1.5, m ≤ 16 at η = 0.05 (quick 0.1: still stable here).
  const eta = ctx.quick ? 0.1 : 0.05;
  const dmft = new Map<string, DmftSolution>();
  for (const key of Object.keys(SETTINGS) as SettingKey[])
    for (const m of ms) {
      const st = SETTINGS[key];
      dmft.set(
        `${key}${m}`,
        await runSymmDmft({ m, alpha: st.alpha, tau: st.tau, h, phiHat: st.phiHat, a0: 1, eta, tMax: T, scheme: 'explicit', maxPoints: 1_000_000, threads: 2 }),
      );
      ctx.progress(0.1 * (dmft.size / 4), 'SymmDMFT');
    }

  // One list of simulations: (setting, optimizer, m, d); the Gaussian model in the Fig 4 setting only.
  type Run = { key: SettingKey; opt: Opt; m: number; d: number };
  const runs: Run[] = [];
  for (const key of Object.keys(SETTINGS) as SettingKey[])
    for (const opt of OPTIMIZERS) for (const m of ms) for (const d of opt === 'gd' ? gdDims : dims) runs.push({ key, opt, m, d });
  for (const d of gaussDims) runs.push({ key: 'fig4', opt: 'gauss', m: 8, d });
  const input = (r: Run): SimulateInput => {
    const st = SETTINGS[r.key];
    return {
      model: r.opt === 'gauss' ? 'gaussian' : 'network',
      ...(r.opt === 'gauss' ? {} : { optimizer: r.opt }),
      m: r.m,
      dim: r.d,
      alpha: st.alpha,
      tau: st.tau,
      h,
      phiHat: st.phiHat,
      a0: 1,
      tMax: T,
      saveCount: Math.round(T / 2) + 1,
      seeds: seeds[r.opt],
      seed: SEED,
    };
  };
  const out = await simulate(runs.map(input), (f) => ctx.progress(0.1 + 0.9 * f, 'network SGD/GD, Gaussian model'));
  const gaps = runs.map((r, k) => ({ ...r, g: gapOf(dmft.get(`${r.key}${r.m}`)!, out[k], T) }));
  const series = (key: SettingKey, opt: Opt, m: number) => gaps.filter((x) => x.key === key && x.opt === opt && x.m === m);

  const checks: Check[] = [];
  for (const [k, s] of dmft)
    checks.push(chk(`SymmDMFT ${k} (explicit, η = ${s.stats.eta}, 2 workers) status Success`, s.status === 'Success' ? 0 : 1, 0, { tol: 0 }, 'dmft.md §10.4'));
  const slopes: { key: SettingKey; opt: Opt; m: number; p: number; gaps: number[]; ds: number[] }[] = [];
  for (const key of Object.keys(SETTINGS) as SettingKey[])
    for (const opt of OPTIMIZERS)
      for (const m of ms) {
        const s = series(key, opt, m).filter((x) => !x.g.diverged);
        slopes.push({
          key,
          opt,
          m,
          p: logSlope(
            s.map((x) => x.d),
            s.map((x) => x.g.sup),
          ),
          gaps: s.map((x) => x.g.sup),
          ds: s.map((x) => x.d),
        });
      }
  // Fig 4: not decreasing in d (a finite-d effect would give ≈ −0.5 or −1; measured ≈ +0.1…+0.3), smaller at m = 16 than at m = 8.
  for (const x of slopes.filter((y) => y.key === 'fig4'))
    checks.push(
      chk(
        `Fig 4 setting, ${x.opt.toUpperCase()}, m = ${x.m}: exponent of the sup gap over t ≤ ${T} in d (${x.ds.join(', ')}) not negative (no finite-d decay)`,
        x.p,
        0.5,
        { tol: 0.75 },
        'dmft.md §2.7, §12 V9; issue 14: the gap is d-independent (measured exponent +0.13 at t ≤ 20); a finite-d effect would give ≈ −0.5 or −1',
      ),
    );
  for (const key of Object.keys(SETTINGS) as SettingKey[])
    for (const opt of OPTIMIZERS) {
      // d values where neither width diverged
      const ok = (x: (typeof gaps)[number]) => !x.g.diverged && !series(key, opt, x.m === 8 ? 16 : 8).find((y) => y.d === x.d)?.g.diverged;
      const g8 = series(key, opt, 8).filter(ok),
        g16 = series(key, opt, 16).filter(ok);
      const r = g16.reduce((a, x) => a + x.g.sup, 0) / g8.reduce((a, x) => a + x.g.sup, 0);
      checks.push(
        chk(
          `${SETTINGS[key].label}, ${opt.toUpperCase()}: sup gap at m = 16 / at m = 8 (summed over d = ${g8.map((x) => x.d).join(', ')}) below 1 (falls with m)`,
          r,
          0.5,
          { tol: 0.5 },
          'dmft.md §2.7: a finite-m (non-Gaussian) correction, O(1/m) (issue 14: ×0.8 from m = 8 to 16 at t = 20 in the Fig 4 setting)',
        ),
      );
    }
  const gs = gaps.filter((x) => x.opt === 'gauss');
  const pGauss = logSlope(
    gs.map((x) => x.d),
    gs.map((x) => x.g.sup),
  );
  // The Gaussian model at its largest d against the network (GD, m = 8) at its smallest gap: the exponent of the
  // Gaussian model's gap is too noisy at 4–6 seeds to check (reported in the notes), the size of the gap is not.
  const netMin = Math.min(...series('fig4', 'gd', 8).map((x) => x.g.sup));
  checks.push(
    chk(
      `Gaussian-process model (Fig 4 setting, m = 8, GD) at d = ${gs[gs.length - 1].d}: its sup gap / the network's smallest (GD, m = 8) below 1/2`,
      gs[gs.length - 1].g.sup / netMin,
      0.25,
      { tol: 0.25 },
      'dmft.md §11.2: SymmDMFT is the exact large-d theory of the Gaussian model; the network has an extra non-Gaussian O(1/m) term (issue 14)',
    ),
  );
  const diverged = gaps.filter((x) => x.g.diverged);
  const arrays: ReproduceResult['arrays'] = {};
  for (const x of slopes) {
    const tag = `${cap(x.key)}${cap(x.opt)}M${x.m}`;
    arrays[`dim${tag}`] = f64(x.ds);
    arrays[`supGap${tag}`] = f64(x.gaps);
    arrays[`supGapSE${tag}`] = f64(series(x.key, x.opt, x.m).map((y) => y.g.se));
  }
  arrays.dimFig4GaussM8 = f64(gs.map((x) => x.d));
  arrays.supGapFig4GaussM8 = f64(gs.map((x) => x.g.sup));
  arrays.supGapSEFig4GaussM8 = f64(gs.map((x) => x.g.se));
  runs.forEach((r, k) => {
    const tag = `${cap(r.key)}${cap(r.opt)}M${r.m}D${r.d}`;
    arrays[`tNet${tag}`] = f64(out[k].t);
    arrays[`testErrorNet${tag}`] = f64(out[k].summary.testError);
    arrays[`testErrorSENet${tag}`] = f64(out[k].summary.testErrorSE);
  });
  for (const [k, s] of dmft) {
    arrays[`tDmft${cap(k)}`] = f64(s.t);
    arrays[`testErrorDmft${cap(k)}`] = f64(s.testError);
  }

  // Figure: test error at the largest d (both settings, m = 8, 16, SGD points), and the gaps against d.
  const dMax = dims[dims.length - 1];
  const pts = (name: string, x: number[], y: number[], se: number[], color: string, dash?: 'dashed'): Series => ({
    name,
    x,
    y,
    se,
    mark: 'points',
    color,
    ...(dash ? { dash } : {}),
  });
  const curvePanel = (key: SettingKey) => {
    const ser: Series[] = [];
    ms.forEach((m, j) => {
      const s = dmft.get(`${key}${m}`)!;
      const thin = s.t.map((_, i) => i).filter((i) => i % 8 === 0 && s.t[i] > 0);
      ser.push({ name: `DMFT m = ${m}`, x: thin.map((i) => s.t[i]), y: thin.map((i) => s.testError[i]), mark: 'line', color: M_COLORS[j] });
      const k = runs.findIndex((r) => r.key === key && r.opt === 'sgd' && r.m === m && r.d === dMax);
      const r = out[k];
      ser.push(
        pts(
          `SGD m = ${m}, d = ${dMax}`,
          Array.from(r.t).slice(1),
          Array.from(r.summary.testError).slice(1),
          Array.from(r.summary.testErrorSE).slice(1),
          M_COLORS[j],
        ),
      );
    });
    return {
      title: `${SETTINGS[key].label}: test error`,
      xTitle: 't',
      yTitle: 'test error',
      xScale: 'log' as const,
      yScale: 'log' as const,
      series: ser,
      legend: 'bottom-left' as const,
    };
  };
  const gapPanel = (key: SettingKey) => {
    const ser: Series[] = [];
    let c = 0;
    for (const x of slopes.filter((y) => y.key === key))
      ser.push(
        pts(
          `${x.opt.toUpperCase()} m = ${x.m}`,
          x.ds,
          x.gaps,
          series(x.key, x.opt, x.m).map((y) => y.g.se),
          M_COLORS[c++],
        ),
      );
    if (key === 'fig4')
      ser.push(
        pts(
          'Gaussian model m = 8',
          gs.map((x) => x.d),
          gs.map((x) => x.g.sup),
          gs.map((x) => x.g.se),
          M_COLORS[c++],
        ),
      );
    return {
      title: `${SETTINGS[key].label}: sup_t≤${T} |net − DMFT|`,
      xTitle: 'd',
      yTitle: 'gap',
      xScale: 'log' as const,
      yScale: 'log' as const,
      series: ser,
      legend: 'bottom-left' as const,
    };
  };
  const fmtSlope = (x: (typeof slopes)[number]) =>
    `${x.opt.toUpperCase()} m = ${x.m}: ${x.ds.map((d, i) => `d = ${d}: ${x.gaps[i].toFixed(4)}`).join(', ')} → exponent ${x.p.toFixed(2)}`;
  return {
    figure: {
      title: `Network (SGD, GD) and the Gaussian model vs SymmDMFT to t = ${T}: the sup gap against d`,
      panels: [curvePanel('fig4'), gapPanel('fig4'), curvePanel('fig2'), gapPanel('fig2')],
      width: 300,
      height: 250,
    },
    arrays,
    checks,
    parameters: { h, T, ms, dims, gdDims, gaussDims, seeds, eta, settings: SETTINGS, sgd: { lr: 0.1, batch: 100 }, gd: { dt: 0.02 } },
    seed: SEED,
    wasm: (await loadWasm({ shared: true })).features(),
    notes: [
      `Fig 4 setting (single index), sup over t ≤ ${T} of |network − DMFT| test error: ` +
        slopes
          .filter((x) => x.key === 'fig4')
          .map(fmtSlope)
          .join('; ') +
        '.',
      `Fig 2 setting (pure noise): ` +
        slopes
          .filter((x) => x.key === 'fig2')
          .map(fmtSlope)
          .join('; ') +
        '.',
      `Gaussian-process model (Fig 4 setting, m = 8, GD): ${gs.map((x) => `d = ${x.d}: ${x.g.sup.toFixed(4)}`).join(', ')} → exponent ${pGauss.toFixed(2)} (4–6 seeds: noisy; not checked).`,
      diverged.length
        ? `Diverged (excluded from the fits): ${diverged.map((x) => `${SETTINGS[x.key].label} ${x.opt.toUpperCase()} m = ${x.m}, d = ${x.d} (sup |Δ| ${x.g.sup.toExponential(2)})`).join('; ')}. SGD at the paper's fixed lr = 0.1 takes steps ∝ lr·d/B in weight space, so at d = 400 it blows up before t = 80 (GD at Δt = 0.02 does not).`
        : 'No run diverged.',
      "What this shows: in the single-index setting the network's gap to SymmDMFT does not decrease with d (full run: fitted exponents +0.01 to +0.3, gaps 0.05–0.09 at d = 50–400; with 2–4 seeds per point the noise in them is ≈ ±0.3), under SGD as under GD at a small step (so neither the learning rate nor the batch causes it), and it is smaller at m = 16 than at m = 8. SymmDMFT is the exact large-d theory of the Gaussian-process model, whose gap is much smaller (above; its d-dependence is too noisy at 4–6 seeds to fit); the real network differs from that model by a non-Gaussian correction of order 1/m that does not vanish with d (issue 14: the per-sample factor E[σ′(z)² | ⟨u,x⟩] does not self-average once v ≳ 0.4). So the checks are that the gap does not decay with d and falls with m, not that it decreases with d.",
      "Pure noise (Fig 2 setting): the network and SymmDMFT agree to within a few 0.001 up to t ≈ 10; later, in the overfitting regime, the network's test error stays below the DMFT's (the sup is at the last times), by an amount that falls with m (about ×0.5 from m = 8 to 16) and does not decrease with d (full run: it grows from d = 50 to 100 and is flat from 100 to 400). SymmDMFT itself is converged there (η = 0.1 and 0.05 give the same test error to 1e-3; stats.errorEstimate). This d-dependence is reported, not checked: the same non-Gaussian finite-m term is the likely cause (it needs no teacher: the per-sample factor (1/m)Σ_i σ′(z_μi)² fluctuates with the sample's own preactivations once the weights have fitted the noise), not shown here.",
      `Protocols: SGD = the paper's App. I protocol (lr 0.1 on the batch-normalised loss, batch 100, Δt = lr·d/n in GF time); GD = full-batch projected GD at Δt = 0.02; the Gaussian model: GD at η_GD = 0.05 (§11.2). SymmDMFT: explicit Euler η = ${eta} on two workers.`,
    ],
  };
}

export const finiteDEntries: ReproduceEntry[] = [
  {
    id: 'dmft-finite-d',
    engine: 'dmft',
    title: 'Network (SGD, GD) vs DMFT to t = 80, Fig 2 and Fig 4 settings: the gap against d (flat) and m; the Gaussian model beside',
    source: 'dmft.md §2.7, §11, §12 V9; issues 11 (item 5) and 14',
    fullTime: '33 min (1971 s measured on a heavily loaded 2-core machine, load average ≈ 14; quick 24–62 s by load)',
    run: finiteD,
  },
];
