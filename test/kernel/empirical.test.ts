// Empirical World checks of kernel.md §12 (G4, G7 and the invariants), each against an
// independent computation: the data are regenerated with the TS RNG twin, the kernel matrix is
// built in plain TS, and the reference solutions come from Cholesky solves, RK4 integration of K17
// and explicit GD iterations — none of which uses the engine's eigendecomposition.
import { regenerateKernelData, type KernelData } from '../../src/reproduce/kernel-ref.js';
import { choleskySolve } from '../../src/reference/dense.js';
import { describe, expect, it } from 'vitest';
import { solveKernel } from '../../src/kernel/solve.js';
import { kernelProblem, type KernelProblemInput } from '../../src/kernel/problem.js';
import { buildSetup } from '../../src/kernel/setup.js';
import { RefStream } from '../../src/numerics/rng.js';

type Data = KernelData;
const regenerate = regenerateKernelData;

function matvec(A: Float64Array, x: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += A[i * n + j] * x[j];
    out[i] = s;
  }
  return out;
}

/** Train error ‖y − K a‖²/n and exact L² test error aᵀMa − 2aᵀb + ‖f‖² (K22) of coefficients a. */
function errors(D: Data, a: Float64Array): { train: number; test: number } {
  const Ka = matvec(D.K, a, D.n);
  const Ma = matvec(D.M, a, D.n);
  let train = 0;
  let test = D.f2;
  for (let i = 0; i < D.n; i++) {
    train += (D.y[i] - Ka[i]) ** 2;
    test += a[i] * (Ma[i] - 2 * D.b[i]);
  }
  return { train: train / D.n, test };
}

const small: KernelProblemInput = {
  kernel: 'exp',
  dim: 12,
  samples: 90,
  energies: [0.1, 0.4, 0.3, 0.2],
  noiseSd: 0.3,
  seeds: 1,
  seed: 7,
  tMin: 1e-6,
  tMax: 300,
  tCount: 21,
  testPoints: 0,
  gdLr: null,
};

describe('Empirical World vs independent references', () => {
  it('G7: t → 0 gives train = mean y², test = ‖f‖²; t = ∞ matches a Cholesky ridgeless solve', async () => {
    const sol = await solveKernel(small);
    const D = regenerate(small);
    const meanY2 = D.y.reduce((s, v) => s + v * v, 0) / D.n;
    expect(sol.status).toBe('Success');
    expect(sol.curves.train[0]).toBeCloseTo(meanY2, 4); // t = 1e-6: 1 − O(λt/n)
    expect(sol.curves.test[0]).toBeCloseTo(D.f2, 4);
    const aInf = choleskySolve(D.K, D.y, D.n);
    const ref = errors(D, aInf);
    expect(sol.atInfinity.train).toBeLessThan(1e-20);
    expect(ref.train).toBeLessThan(1e-18);
    expect(Math.abs(sol.atInfinity.test! - ref.test)).toBeLessThan(1e-9 * Math.max(1, ref.test));
  });

  it('the spectral filter agrees with RK4 integration of K17 at every grid time', async () => {
    const sol = await solveKernel(small);
    const D = regenerate(small);
    const { n } = D;
    // Coefficient ODE: f̂_t = K(·,X) a_t with da/dt = (y − K a)/n (K17).
    let a = new Float64Array(n);
    let t = 0;
    const h = 0.02; // λ_max/n ≈ h(1) ≈ e: RK4 is stable and accurate to ~1e-9 here
    const rhs = (v: Float64Array) => {
      const Kv = matvec(D.K, v, n);
      return Kv.map((x, i) => (D.y[i] - x) / n);
    };
    const axpy = (v: Float64Array, s: number, w: Float64Array) => v.map((x, i) => x + s * w[i]);
    for (let c = 0; c < sol.t.length; c++) {
      const target = sol.t[c];
      while (t < target) {
        const dt = Math.min(h, target - t);
        const k1 = rhs(a);
        const k2 = rhs(axpy(a, dt / 2, k1));
        const k3 = rhs(axpy(a, dt / 2, k2));
        const k4 = rhs(axpy(a, dt, k3));
        a = a.map((x, i) => x + (dt / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]));
        t += dt;
      }
      const e = errors(D, a);
      expect(Math.abs(sol.curves.train[c] - e.train)).toBeLessThan(1e-8);
      expect(Math.abs(sol.curves.test[c] - e.test)).toBeLessThan(1e-8);
    }
  });

  it('the discrete-GD filter (K21) equals explicit GD iterations, and GD approaches the flow as η → 0', async () => {
    const eta = 0.25;
    const prob = { ...small, gdLr: eta, tMin: 1, tMax: 200, tCount: 9 };
    const sol = await solveKernel(prob);
    const D = regenerate(prob);
    const { n } = D;
    let a = new Float64Array(n);
    let k = 0;
    for (let c = 0; c < sol.t.length; c++) {
      const steps = Math.floor(sol.t[c] / eta + 1e-9);
      while (k < steps) {
        const Ka = matvec(D.K, a, n);
        a = a.map((x, i) => x + (eta / n) * (D.y[i] - Ka[i]));
        k++;
      }
      const e = errors(D, a);
      expect(Math.abs(sol.curves.gdTrain![c] - e.train)).toBeLessThan(1e-10);
      expect(Math.abs(sol.curves.gdTest![c] - e.test)).toBeLessThan(1e-10);
    }
    expect(sol.stats.replicates[0].maxStableLr).toBeCloseTo((2 * n) / sol.stats.replicates[0].lambdaMax, 12);
    const fine = await solveKernel({ ...prob, gdLr: 1e-3 });
    for (let c = 0; c < sol.t.length; c++) {
      expect(Math.abs(fine.curves.gdTrain![c] - fine.curves.train[c])).toBeLessThan(2e-3 * fine.curves.train[0]);
    }
  });

  it('an unstable GD step is visible (diverging train error), the flow is not affected', async () => {
    const sol0 = await solveKernel({ ...small, gdLr: null });
    const etaMax = sol0.stats.replicates[0].maxStableLr;
    const sol = await solveKernel({ ...small, gdLr: 1.5 * etaMax, tMin: 10, tMax: 1e4, tCount: 5 });
    // Diverging GD: the run is Unstable with the bound in its message; a GD curve that overflows is
    // left out (never Inf/NaN under any status), one that stays finite shows the divergence.
    expect(sol.status).toBe('Unstable');
    expect(sol.message).toContain(etaMax.toPrecision(4));
    if (sol.curves.gdTrain) expect(sol.curves.gdTrain[4]).toBeGreaterThan(1e6);
    expect(sol.stats.replicates[0].gdStable).toBe(false);
    expect(sol0.stats.replicates[0].gdStable).toBe(null);
    expect(Math.max(...sol.curves.train)).toBeLessThanOrEqual(sol0.curves.train[0]);
  });

  it('a batch of times equals per-time runs (same data)', async () => {
    const all = await solveKernel(small);
    for (const [i, j] of [
      [3, 10],
      [5, 20],
    ]) {
      const two = await solveKernel({ ...small, tMin: all.t[i], tMax: all.t[j], tCount: 2 });
      expect(two.curves.train[0]).toBeCloseTo(all.curves.train[i], 12);
      expect(two.curves.test[1]).toBeCloseTo(all.curves.test[j], 12);
    }
  });

  it('Lanczos path agrees with the full eigendecomposition', async () => {
    const prob = { ...small, dim: 30, samples: 400, tMin: 1, tMax: 1e8, tCount: 17 };
    const a = await solveKernel({ ...prob, method: 'eigh' });
    const b = await solveKernel({ ...prob, method: 'lanczos' });
    expect(b.status).toBe('Success');
    expect(b.stats.replicates[0].lanczosResidual!).toBeLessThan(1e-10);
    const tr0 = a.curves.train[0];
    for (let c = 0; c < a.t.length; c++) {
      expect(Math.abs(a.curves.test[c] - b.curves.test[c])).toBeLessThan(1e-8);
      if (a.curves.train[c] > 1e-8 * tr0) expect(Math.abs(a.curves.train[c] / b.curves.train[c] - 1)).toBeLessThan(1e-6);
    }
  });

  it('same seed gives byte-identical curves; two workers give the same bits as one', async () => {
    const prob = { ...small, samples: 300, dim: 20, seeds: 2, testPoints: 300, gdLr: 'auto' as const };
    const a = await solveKernel(prob);
    const b = await solveKernel(prob);
    const c = await solveKernel({ ...prob, threads: 2 });
    expect(JSON.stringify(b.curves)).toBe(JSON.stringify(a.curves));
    expect(JSON.stringify(c.curves)).toBe(JSON.stringify(a.curves));
    // One seed on two workers: the eigensolver's QL phase is split by columns, same bits.
    const one = await solveKernel({ ...prob, seeds: 1 });
    const oneTwo = await solveKernel({ ...prob, seeds: 1, threads: 2 });
    expect(JSON.stringify(oneTwo.curves)).toBe(JSON.stringify(one.curves));
    const other = await solveKernel({ ...prob, seed: 8 });
    expect(JSON.stringify(other.curves)).not.toBe(JSON.stringify(a.curves));
    // eigh on two workers: fused Gram strips, split eigensolver, coefficient and M·A row strips
    const e1 = await solveKernel({ ...prob, seeds: 1, method: 'eigh' });
    const e2 = await solveKernel({ ...prob, seeds: 1, method: 'eigh', threads: 2 });
    expect(e1.stats.replicates[0].method).toBe('eigh');
    expect(JSON.stringify(e2.curves)).toBe(JSON.stringify(e1.curves));
  });

  it('small-t slope of the empirical test error matches −2Σξ_k c_k² in expectation (G7)', async () => {
    const prob = { ...small, samples: 200, seeds: 12, tMin: 1e-4, tMax: 2e-4, tCount: 2, noiseSd: 0 };
    const sol = await solveKernel(prob);
    const setup = buildSetup(kernelProblem(prob));
    const want = -2 * prob.energies.reduce((s, c, k) => s + c * setup.spectrum.eigenvalues[k], 0);
    // Per-seed slope by a finite difference from t = 0 (test(0) = ‖f‖² exactly).
    const f2 = setup.targetNorm2;
    const slope = (sol.curves.test[0] - f2) / sol.t[0];
    const se = (sol.curves.testSE[0] / sol.t[0]) * 1;
    expect(Math.abs(slope - want)).toBeLessThan(4 * se + 0.02 * Math.abs(want));
  });
});

describe('exact L² test error vs Monte Carlo (K22, §11.5)', () => {
  it('agree within the Monte-Carlo standard error at every time', async () => {
    const sol = await solveKernel({ ...small, testPoints: 40_000, tMin: 0.1, tMax: 1e5, tCount: 7 });
    const c = sol.curves;
    for (let i = 0; i < sol.t.length; i++) {
      expect(Math.abs(c.testMC![i] - c.test[i])).toBeLessThan(4 * c.testMCSE![i] + 1e-12);
      expect(c.testMCSE![i]).toBeGreaterThan(0);
    }
  });
});

describe('memory discipline', () => {
  it('allocates before computing (no growth while a replicate runs) and stays within the estimate', async () => {
    for (const method of ['eigh', 'lanczos'] as const) {
      const sol = await solveKernel({ ...small, samples: 500, dim: 25, seeds: 2, threads: 2, testPoints: 600, method });
      expect(sol.status).toBe('Success');
      expect(sol.stats.memoryGrowthsDuringCompute).toBe(0);
      expect(sol.stats.memoryHighWaterBytes).toBeGreaterThan(0);
      expect(sol.stats.memoryHighWaterBytes).toBeLessThanOrEqual(sol.stats.memoryEstimateBytes);
    }
  });
});

describe('domains, kernels and invariances', () => {
  it('hypercube: exact test error (Krawtchouk M) agrees with Monte Carlo; the ridgeless limit interpolates', async () => {
    const prob = {
      ...small,
      domain: 'hypercube' as const,
      dim: 20,
      samples: 150,
      energies: [0, 0.5, 0.3, 0.2],
      testPoints: 30_000,
      tCount: 7,
      tMin: 0.1,
      tMax: 1e6,
    };
    const sol = await solveKernel(prob);
    expect(sol.status).toBe('Success');
    const c = sol.curves;
    for (let i = 0; i < sol.t.length; i++) expect(Math.abs(c.testMC![i] - c.test[i])).toBeLessThan(4 * c.testMCSE![i] + 1e-12);
    expect(sol.atInfinity.train).toBeLessThan(1e-20);
    expect(sol.curves.test[0]).toBeCloseTo(1, 1);
  });

  it('a polynomial kernel with n above its rank learns a target inside its RKHS exactly', async () => {
    const sol = await solveKernel({ ...small, kernel: 'poly:1,1,1', dim: 10, samples: 200, energies: [0, 1, 1], noiseSd: 0, tMax: 1e9 });
    expect(sol.status).toBe('Success');
    expect(Math.abs(sol.atInfinity.test!)).toBeLessThan(1e-10);
    expect(Math.max(...sol.curves.test.map(Math.abs))).toBeLessThan(2.5);
    expect(sol.stats.replicates[0].lambdaMin).toBeLessThan(1e-10); // rank 66 < n: a numerical null space
  });

  it('refuses a kernel that is not positive semi-definite before any allocation', async () => {
    await expect(solveKernel({ ...small, kernel: 'poly:1,0,-1' })).rejects.toThrow(/positive semi-definite.*ξ_2/);
  });

  it('is invariant under an orthogonal rotation of the data (the Gram matrix is)', async () => {
    const { loadWasm } = await import('../../src/wasm/runtime.js');
    const { gram } = await import('../../src/linalg/index.js');
    const rt = await loadWasm();
    const D = regenerate(small);
    const { n, d } = D;
    // Random orthogonal R by Gram–Schmidt on a fixed matrix; rotated data XR.
    const R = new Float64Array(d * d);
    const rs = RefStream.fromSeed(99, 0);
    rs.fillNormal(R);
    for (let j = 0; j < d; j++) {
      for (let k = 0; k < j; k++) {
        let s = 0;
        for (let i = 0; i < d; i++) s += R[i * d + j] * R[i * d + k];
        for (let i = 0; i < d; i++) R[i * d + j] -= s * R[i * d + k];
      }
      let s = 0;
      for (let i = 0; i < d; i++) s += R[i * d + j] ** 2;
      for (let i = 0; i < d; i++) R[i * d + j] /= Math.sqrt(s);
    }
    const XR = new Float64Array(n * d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) XR[i * d + j] += D.X[i * d + k] * R[k * d + j];
    const G1 = gram(rt, D.X, n, d, 1 / d);
    const G2 = gram(rt, XR, n, d, 1 / d);
    let diff = 0;
    for (let i = 0; i < n * n; i++) diff = Math.max(diff, Math.abs(G1[i] - G2[i]));
    expect(diff).toBeLessThan(1e-13);
  });
});

describe('fallbacks', () => {
  it('the scalar Wasm build and the pure-TS twins run the same engine to the same curves', async () => {
    const { loadWasm } = await import('../../src/wasm/runtime.js');
    const prob = { ...small, samples: 120, testPoints: 200, gdLr: 'auto' as const, seeds: 2 };
    const simd = await solveKernel(prob);
    const scalar = await solveKernel(prob, { runtime: await loadWasm({ variant: 'scalar' }) });
    const ts = await solveKernel(prob, { runtime: await loadWasm({ variant: 'ts' }) });
    expect(scalar.stats.wasm.simd).toBe(false);
    expect(ts.stats.wasm.variant).toBe('ts');
    for (const other of [scalar, ts]) {
      for (const key of ['train', 'test', 'testMC', 'gdTrain', 'gdTest'] as const) {
        const a = simd.curves[key]!;
        const b = other.curves[key]!;
        for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i]), `${other.stats.wasm.variant} ${key}[${i}]`).toBeLessThan(1e-10);
      }
    }
    const lan = await solveKernel({ ...prob, method: 'lanczos' }, { runtime: await loadWasm({ variant: 'ts' }) });
    for (let i = 0; i < simd.t.length; i++) expect(Math.abs(lan.curves.test[i] - simd.curves.test[i])).toBeLessThan(1e-8);
  });
});

describe('statuses', () => {
  it('a Lanczos run that hits its step cap ends NotConverged with finite partial curves, and the CLI exits 3', async () => {
    const prob = { ...small, dim: 20, samples: 300, method: 'lanczos' as const, lanczosMaxSteps: 12, seeds: 2 };
    const sol = await solveKernel(prob);
    expect(sol.status).toBe('NotConverged');
    expect(sol.message).toMatch(/Lanczos residual .* after 12 steps/);
    expect(sol.stats.seedsCompleted).toBe(2);
    for (const v of [...sol.curves.train, ...sol.curves.test]) expect(Number.isFinite(v)).toBe(true);
    const { main } = await import('../../src/cli/main.js');
    let err = '';
    const code = await main(
      ['kernel', 'run', '--dim', '20', '--samples', '300', '--energies', '0,1', '--method', 'lanczos', '--lanczos-max-steps', '12', '--json', '--no-progress'],
      { out: () => {}, err: (s) => (err += s) },
    );
    expect(code).toBe(3);
    expect(err).toMatch(/NotConverged/);
  });
});
