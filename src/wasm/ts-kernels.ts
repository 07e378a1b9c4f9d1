// The last fallback: the plain-TS twins behind the same raw-export interface, over an
// ArrayBuffer-backed memory. Engines run unchanged where WebAssembly is missing (or to cross-check
// a whole pipeline against the Wasm kernels: same results to rounding, different summation order).
import { gemm, gemmNt, gemmPk, gemv, gramSymLower } from '../ref/blas.js';
import { applyQ as applyQTs, eigh, lanczos, tql as tqlTs, tridiag as tridiagTs, tridiagSolve } from '../ref/eigh.js';
import { kmap } from '../ref/kmap.js';
import { RefStream } from '../ref/rng.js';
import { rhs as committeeRhs, risk as committeeRisk, supported as committeeSupported, workLength as committeeWorkLength } from '../ref/committee.js';
import { rawOdeTwins } from '../ref/ode.js';
import { sgdTwins } from '../ref/sgd.js';
import { PAR, paramsLength, stateLength } from '../committee/layout.js';
import type { KernelExports } from './runtime.js';

const PAGE = 65536;

/** Minimal stand-in for WebAssembly.Memory: `buffer` is replaced (old views detach) on growth. */
export class HostMemory {
  buffer: ArrayBuffer;
  constructor(pages: number) {
    this.buffer = new ArrayBuffer(pages * PAGE);
  }
  grow(pages: number): number {
    const old = this.buffer.byteLength / PAGE;
    const next = new ArrayBuffer(this.buffer.byteLength + pages * PAGE);
    new Uint8Array(next).set(new Uint8Array(this.buffer));
    this.buffer = next;
    return old;
  }
}

/** Raw-export twins; pointers are byte offsets into `mem.buffer`. */
export function tsKernels(mem: HostMemory): KernelExports {
  const f64 = (p: number, n: number) => new Float64Array(mem.buffer, p, n);
  const u32 = (p: number, n: number) => new Uint32Array(mem.buffer, p, n);
  const stream = (p: number) => RefStream.fromWords(u32(p, 8));
  const save = (p: number, s: RefStream) => {
    const w = u32(p, 8);
    s.state().forEach((x, i) => {
      w[2 * i] = Number(x & 0xffffffffn);
      w[2 * i + 1] = Number(x >> 32n);
    });
  };
  const withStream = (p: number, f: (s: RefStream) => void) => {
    const s = stream(p);
    f(s);
    save(p, s);
  };
  const twins: Record<string, (...args: number[]) => number | void> = {
    heap_base: () => 1024,
    simd_enabled: () => 0,
    sum_f64: (p, n) => f64(p, n).reduce((a, b) => a + b, 0),
    rng_seed: (p, lo, hi, streamIdx) => save(p, RefStream.fromSeed((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0), streamIdx)),
    rng_fill_normal: (p, out, n) => withStream(p, (s) => s.fillNormal(f64(out, n), n)),
    sample_sphere_rows: (p, X, n, d) => withStream(p, (s) => s.sampleSphereRows(f64(X, n * d), n, d)),
    sample_hypercube_rows: (p, X, n, d) => withStream(p, (s) => s.sampleHypercubeRows(f64(X, n * d), n, d)),
    gram_sym_f64: (X, n, d, G, scale, r0, r1) => gramSymLower(f64(X, n * d), n, d, f64(G, n * n), scale, r0, r1),
    gram_pk_f64: (X, n, d, G, scale, r0, r1) => gramSymLower(f64(X, n * d), n, d, f64(G, n * n), scale, Math.max(r0, 0), Math.min(r1, n)),
    gemm_pk_ws_f64: () => 96 * 256 + 256 * 512 + 16,
    // whole memory as one f64 view: the twin indexes A/B/C by element offsets (pointers are 8-aligned)
    gemm_pk_f64: (ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, uplo, doff) => {
      const all = new Float64Array(mem.buffer);
      gemmPk(ta, tb, m, n, k, alpha, all, lda, all, ldb, beta, all, ldc, uplo, doff, A / 8, B / 8, C / 8);
    },
    mirror_lower_f64: (G, n, r0, r1) => {
      const g = f64(G, n * n);
      for (let i = r0; i < r1; i++) for (let j = 0; j < i; j++) g[j * n + i] = g[i * n + j];
    },
    kmap_lower_f64: (src, dst, n, r0, r1, kind, p0, coef, ncoef, weight, acc) => {
      for (let i = Math.max(r0, 0); i < Math.min(r1, n); i++)
        kmap(f64(src + 8 * i * n, i + 1), f64(dst + 8 * i * n, i + 1), kind, p0, f64(coef, ncoef), weight, acc !== 0, i + 1);
    },
    kmap_f64: (src, dst, count, kind, p0, coef, ncoef, weight, acc) =>
      void kmap(f64(src, count), f64(dst, count), kind, p0, f64(coef, ncoef), weight, acc !== 0, count),
    gemm_f64: (A, B, C, m, k, n, alpha, beta) => gemm(f64(A, m * k), f64(B, k * n), f64(C, m * n), m, k, n, alpha, beta),
    gemm_nt_f64: (A, B, C, m, k, n, alpha, beta) => gemmNt(f64(A, m * k), f64(B, n * k), f64(C, m * n), m, k, n, alpha, beta),
    gemv_f64: (A, x, y, m, n, alpha, beta, trans) =>
      gemv(f64(A, m * n), f64(x, trans ? m : n), f64(y, trans ? n : m), m, n, alpha, beta, trans),
    eigh_f64: (A, n, W) => {
      const r = eigh(f64(A, n * n), n);
      f64(A, n * n).set(r.vectors);
      f64(W, n).set(r.values);
      return r.status;
    },
    // the blocked solver's twin is the unblocked reference (same contract, equal to rounding)
    eigh_blk_ws_f64: (n) => 3 * n + 5 * 32 * n + 4 * 32 * 32 + 2 * 32 + (96 * 256 + 256 * 512 + 16) + 16,
    eigh_blk_f64: (A, n, W) => {
      const r = eigh(f64(A, n * n), n);
      f64(A, n * n).set(r.vectors);
      f64(W, n).set(r.values);
      return r.status;
    },
    // divide and conquer: the twins share the contract (QL inside; equal to rounding, not bitwise)
    stedc_ws_f64: (n) => n * n + 80 * n + (96 * 256 + 256 * 512 + 16) + 64,
    stedc_f64: (diag, off, n, Z) => {
      const d = f64(diag, n), e = f64(off, n), z = new Float64Array(n * n);
      for (let i = 0; i < n; i++) z[i * n + i] = 1;
      const st = tqlTs(d, e, n, z, n, n); // rows of z = eigenvectors
      const out = f64(Z, n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = z[j * n + i];
      return st;
    },
    eigh_dc_ws_f64: (n) => {
      const blk = 3 * n + 5 * 32 * n + 4 * 32 * 32 + 2 * 32 + (96 * 256 + 256 * 512 + 16) + 16;
      return 2 * n + 2 + n * n + Math.max(blk, n * n + 80 * n + (96 * 256 + 256 * 512 + 16) + 64);
    },
    eigh_dc_f64: (A, n, W) => {
      const r = eigh(f64(A, n * n), n);
      f64(A, n * n).set(r.vectors);
      f64(W, n).set(r.values);
      return r.status;
    },
    ormtr_blk_f64: (A, n, tau, Z, ncols) => applyQTs(f64(A, n * n), n, f64(tau, n), f64(Z, n * ncols), ncols, false),
    ormtr_cols_f64: (A, n, tau, Z, ldz, c0, c1) => {
      const lo = Math.max(c0, 0), hi = Math.min(c1, ldz), w = hi - lo;
      if (w <= 0) return;
      const z = f64(Z, n * ldz), sub = new Float64Array(n * w);
      for (let i = 0; i < n; i++) sub.set(z.subarray(i * ldz + lo, i * ldz + hi), i * w);
      applyQTs(f64(A, n * n), n, f64(tau, n), sub, w, false);
      for (let i = 0; i < n; i++) z.set(sub.subarray(i * w, (i + 1) * w), i * ldz + lo);
    },
    // Qᵀ in place from the reflectors: row r = Q e_r (level-2 apply on the identity)
    form_qt_blk_f64: (A, n, tau) => {
      const a = f64(A, n * n), I = new Float64Array(n * n);
      for (let i = 0; i < n; i++) I[i * n + i] = 1;
      applyQTs(a, n, f64(tau, n), I, n, false);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = I[j * n + i];
    },
    eigh_nb_f64: () => 32,
    eigh_nx_f64: () => 128,
    peak_probe_f64: (iters, x, y) => {
      let s = 0.1;
      for (let i = 0; i < iters; i++) s = s * x + y;
      return s;
    },
    tridiag_blk_f64: (A, n, diag, off, work) => {
      const t = tridiagTs(f64(A, n * n), n);
      f64(diag, n).set(t.diag);
      f64(off, n).set(t.off);
      f64(work, n).set(t.tau);
    },
    tridiag_solve_f64: (diag, off, n, shift, b) => tridiagSolve(f64(diag, n), f64(off, n), n, shift, f64(b, n)),
    lanczos_f64: (K, n, Q, alpha, beta, j0, j1) =>
      lanczos(f64(K, n * n), n, f64(Q, Math.min(j1 + 1, n) * n), f64(alpha, j1), f64(beta, j1), j0, j1),
  };
  // Committee engine: RHS/risk over the params block and state layout, the integrators, the SGD.
  const params = (pp: number) => {
    const h = f64(pp, PAR.HEADER);
    return f64(pp, paramsLength(h[PAR.K]));
  };
  const state = (pp: number, py: number) => {
    const h = f64(pp, PAR.HEADER);
    return f64(py, stateLength(h[PAR.P], h[PAR.K], h[PAR.TRAIN_A] !== 0));
  };
  Object.assign(twins, {
    committee_rhs: (pp: number, py: number, pdy: number) => {
      const y = state(pp, py);
      committeeRhs(params(pp), y, f64(pdy, y.length));
    },
    committee_risk: (pp: number, py: number) => committeeRisk(params(pp), state(pp, py)),
    committee_supported: (pp: number) => committeeSupported(params(pp)),
    committee_work_f64: (p: number, k: number) => committeeWorkLength(p, k),
    ...rawOdeTwins(mem),
    ...sgdTwins(() => mem.buffer),
  });
  return twins as KernelExports;
}
