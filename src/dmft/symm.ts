// Host driver of the SymmDMFT kernel (assembly/dmft.ts, twin src/ref/dmft.ts): allocates the whole state once
// (dmft.md §10.2; here all six two-time arrays are lower triangles, see assembly/dmft.ts), steps rows in chunks (progress between chunks, cost ∝ n² per row), checks the runtime
// invariants of §10.4 / V5 on every row and stops at the first violation, keeping the rows before it.
// Between chunks: the signal (stop → 'Terminated' with the state to resume from) and periodic checkpoints
// (SymmState: the rows so far of every array the next step reads; src/dmft/checkpoint.ts).
import type { WasmRuntime } from '../wasm/runtime.js';
import { WorkerPool, type Executor } from '../wasm/exec.js';
import { loadWasm } from '../wasm/runtime.js';
import { DMFT_PAR as PAR, DMFT_PAR_LEN as PAR_LEN, DMFT_WORK_ROWS as WORK_ROWS } from '../gen/dmft_layout.js';
import { dmftMemoryBytes, phiCoeffs, strideFor, type DmftProblem } from './problem.js';

const triOf = (n: number) => (n * (n + 1)) / 2;

import { stopRequested, TERMINATED_MESSAGE, type Status } from '../core/contract.js';

/** The uniform explicit/IMEX schemes have no tolerance: the contract's Status minus 'NotConverged'. */
export type SymmStatus = Exclude<Status, 'NotConverged'>;

export interface SymmRaw {
  status: SymmStatus;
  message?: string;
  /** Rows 0..rows−1 are good (rows = N+1 on success). */
  rows: number;
  N: number;
  a: Float64Array;
  v: Float64Array;
  nu: Float64Array;
  etr: Float64Array;
  ets: Float64Array;
  /** C_o(t,t), C_d(t,0), C_d(t, t−η) (the latter = 1 exactly in the explicit spherical scheme). */
  coDiag: Float64Array;
  cd0: Float64Array;
  cdSub: Float64Array;
  invariants: InvariantReport;
  engine: 'wasm' | 'ts';
  simd: boolean;
  memoryBytes: number;
  stepMs: number;
  /** Workers that ran the row sweeps (1, or 2 with dmft_symm_run_mt). */
  threads: number;
  /** Set when the signal stopped the run: the state to continue from. */
  checkpoint?: SymmState;
}

export interface InvariantReport {
  checkedRows: number;
  maxTrainIncrease: number;
  maxAbsV: number;
  maxAbsCo: number;
  maxCdDiagDev: number;
  maxCdSubDev: number;
  tolerances: { trainIncrease: number; bound: number };
  violation?: { row: number; t: number; what: string };
}

export interface SymmOptions {
  runtime?: WasmRuntime;
  /** 'ts' runs the TS twin (reference; slow). Default 'wasm'. */
  engine?: 'wasm' | 'ts';
  onProgress?: (fraction: number, row: number) => void;
  signal?: AbortSignal;
  /** Split the row sweeps over two workers of this executor (width ≥ 2, sharing the runtime's memory);
   *  without it, p.threads = 2 creates a pool of two (Node). Results are bitwise those of one thread. */
  executor?: Executor;
  /** Called after each checked row k (the stepping iterator of dmft.md §10.4). */
  onRow?: (k: number, o: SymmRowEvent) => void;
  /** Continue from this state (solve.ts checks that it belongs to the problem): byte-identical. */
  resumeFrom?: SymmState;
  /** Asked between chunks of rows: true → onCheckpoint receives the state at the head of the next row. */
  checkpointDue?: () => boolean;
  onCheckpoint?: (s: SymmState) => void;
}

/** Observables of a checked row. */
export interface SymmRowEvent {
  t: number;
  a: number;
  v: number;
  trainError: number;
  testError: number;
  Co: number;
}

/** The full state at the head of step n (src/dmft/checkpoint.ts): step n reads rows 0..n of the six
 *  two-time triangles (C_A, R_A row n is rewritten, saved anyway so the memory matches bit for bit) and
 *  entries 0..n of the one-time series; the work rows are per-row scratch. Rows 0..n−1 are final. */
export interface SymmState {
  [k: string]: number | Float64Array;
  n: number;
  N: number;
  eta: number;
  Cd: Float64Array;
  Co: Float64Array;
  CA: Float64Array;
  Rd: Float64Array;
  Ro: Float64Array;
  RA: Float64Array;
  a: Float64Array;
  v: Float64Array;
  nu: Float64Array;
  etr: Float64Array;
  ets: Float64Array;
  phv: Float64Array;
}

/** Run the SymmDMFT rows 0..N of a validated problem. */
export async function runSymm(p: DmftProblem, opts: SymmOptions = {}): Promise<SymmRaw> {
  const N = p.steps;
  const S = strideFor(N);
  const memoryBytes = dmftMemoryBytes(N, p.h.length + phiCoeffs(p).length);
  const engine = opts.engine ?? 'wasm';
  // engine 'ts': the TS twins behind the same exports (the 'ts' runtime), also when a Wasm runtime was passed
  const given = opts.runtime && (engine !== 'ts' || opts.runtime.variant === 'ts') ? opts.runtime : undefined;
  const budgetBytes = Math.max(p.budgetBytes, memoryBytes + (1 << 20));
  // Two workers need the shared-memory (threads) build; an executor passed in brings its runtime.
  const wantMt = engine !== 'ts' && (p.threads ?? 1) >= 2 && typeof process !== 'undefined' && !!process.versions?.node;
  const rt = given ?? (await loadWasm(wantMt ? { shared: true, budgetBytes } : { variant: engine === 'ts' ? 'ts' : 'auto', budgetBytes }));
  const useTs = rt.variant === 'ts';
  const ar = rt.arena;
  const ownPool = !opts.executor && wantMt && rt.shared && typeof rt.exports.dmft_symm_run_mt === 'function';
  const pool: Executor | undefined =
    opts.executor && opts.executor.width >= 2 && rt.shared ? opts.executor : ownPool ? await WorkerPool.create(rt, 2) : undefined;
  // Boot both workers (instantiation, optimised compile) before the clock starts.
  if (ownPool) await Promise.all([0, 1].map(() => pool!.call('simd_enabled')));
  const mark = ar.mark();
  try {
    const phc = phiCoeffs(p);
    const tri = (S * (S + 1)) / 2;
    const par = ar.allocF64(PAR_LEN);
    const hc = ar.copyIn(p.h);
    const ph = ar.allocF64(Math.max(1, phc.length));
    ar.f64(ph, phc.length).set(phc);
    const Cd = ar.allocF64(tri),
      Co = ar.allocF64(tri),
      CA = ar.allocF64(tri);
    const Rd = ar.allocF64(tri),
      Ro = ar.allocF64(tri),
      RA = ar.allocF64(tri);
    const A = ar.allocF64(S),
      V = ar.allocF64(S),
      NU = ar.allocF64(S),
      ETR = ar.allocF64(S),
      ETS = ar.allocF64(S),
      PHV = ar.allocF64(S);
    const W = ar.allocF64(WORK_ROWS * S);
    const pv = ar.f64(par, PAR_LEN);
    pv[PAR.S] = S;
    pv[PAR.M] = p.m;
    pv[PAR.K] = p.alpha;
    pv[PAR.TAU2] = p.tau * p.tau;
    pv[PAR.PHI2] = p.phiNorm2;
    pv[PAR.ETA] = p.eta;
    pv[PAR.FROZEN] = p.frozenA ? 1 : 0;
    pv[PAR.SPHERICAL] = p.spherical ? 1 : 0;
    pv[PAR.IMEX] = p.scheme === 'semi-implicit' ? 1 : 0;
    pv[PAR.NH] = p.h.length;
    pv[PAR.NPH] = phc.length;
    pv[PAR.HC] = hc;
    pv[PAR.PHC] = ph;
    Object.assign(pv, { [PAR.CD]: Cd, [PAR.CO]: Co, [PAR.CA]: CA, [PAR.RD]: Rd, [PAR.RO]: Ro, [PAR.RA]: RA });
    Object.assign(pv, { [PAR.A]: A, [PAR.V]: V, [PAR.NU]: NU, [PAR.ETR]: ETR, [PAR.ETS]: ETS, [PAR.PHV]: PHV, [PAR.WORK]: W });
    const init = (a0: number) => rt.exports.dmft_symm_init(par, a0);
    const sync = ar.allocF64(2); // two workers: barrier count, generation, stop flag, spare (i32)
    // Sweep dispatch: one thread, or both workers on the same rows (lead tid 0, helper tid 1).
    const run = async (n0: number, n1: number): Promise<number> => {
      if (!pool) return rt.exports.dmft_symm_run(par, n0, n1);
      new Int32Array(rt.memory.buffer, sync, 4).fill(0);
      const [lead] = await Promise.all([0, 1].map((tid) => pool.call('dmft_symm_run_mt', par, n0, n1, tid, sync)));
      return lead;
    };
    init(p.a0);

    const out = {
      a: new Float64Array(N + 1),
      v: new Float64Array(N + 1),
      nu: new Float64Array(N + 1),
      etr: new Float64Array(N + 1),
      ets: new Float64Array(N + 1),
      coDiag: new Float64Array(N + 1),
      cd0: new Float64Array(N + 1),
      cdSub: new Float64Array(N + 1),
    };
    const tolTrain = 1e-6 + 1e-2 * p.eta; // relative to e_tr(0): O(η) bumps of the Euler step allowed
    const tolBound = 1e-3;
    const inv: InvariantReport = {
      checkedRows: 0,
      maxTrainIncrease: 0,
      maxAbsV: 0,
      maxAbsCo: 0,
      maxCdDiagDev: 0,
      maxCdSubDev: 0,
      tolerances: { trainIncrease: tolTrain, bound: tolBound },
    };
    let rows = 0;
    let status: SymmStatus = 'Success';
    let message: string | undefined;
    let checkpoint: SymmState | undefined;
    const t0 = performance.now();
    const total = (N + 1) ** 3 / 3;
    let n = 0;
    const growBefore = ar.growCount;
    const TWO = { Cd, Co, CA, Rd, Ro, RA } as const;
    const ONE = { a: A, v: V, nu: NU, etr: ETR, ets: ETS, phv: PHV } as const;
    // The state at the head of step n (rows 0..n of the triangles, entries 0..n of the series).
    const snapshot = (at: number): SymmState => {
      const s = { n: at, N, eta: p.eta } as SymmState;
      for (const [k, q] of Object.entries(TWO)) s[k] = ar.f64(q, triOf(at + 1)).slice();
      for (const [k, q] of Object.entries(ONE)) s[k] = ar.f64(q, at + 1).slice();
      return s;
    };
    // Copy and check rows n..last−1 (observables of row k are written by step k); the first bad row, if any.
    const check = (n: number, last: number): { row: number; what: string } | undefined => {
      const mem = new Float64Array(rt.memory.buffer);
      const [a, v, nu, etr, ets] = [A, V, NU, ETR, ETS].map((q) => mem.subarray(q / 8, q / 8 + N + 2));
      let bad: { row: number; what: string } | undefined;
      for (let k = n; k < last && !bad; k++) {
        const ok = (k * (k + 1)) / 2;
        const co = mem[Co / 8 + ok + k];
        const cdd = mem[Cd / 8 + ok + k];
        const cs = k > 0 ? mem[Cd / 8 + ok + k - 1] : 1;
        out.a[k] = a[k];
        out.v[k] = v[k];
        out.nu[k] = nu[k];
        out.etr[k] = etr[k];
        out.ets[k] = ets[k];
        out.coDiag[k] = co;
        out.cd0[k] = mem[Cd / 8 + ok];
        out.cdSub[k] = cs;
        const vals = [a[k], v[k], nu[k], etr[k], ets[k], co, cdd, cs];
        if (!vals.every(Number.isFinite)) bad = { row: k, what: 'a non-finite value (NaN/∞)' };
        else {
          const inc = k > 0 ? (etr[k] - etr[k - 1]) / Math.max(out.etr[0], 1e-300) : 0;
          inv.maxTrainIncrease = Math.max(inv.maxTrainIncrease, inc);
          inv.maxAbsV = Math.max(inv.maxAbsV, Math.abs(v[k]));
          if (p.m > 1) inv.maxAbsCo = Math.max(inv.maxAbsCo, Math.abs(co));
          if (p.spherical) {
            inv.maxCdDiagDev = Math.max(inv.maxCdDiagDev, Math.abs(cdd - 1));
            inv.maxCdSubDev = Math.max(inv.maxCdSubDev, Math.abs(cs - 1));
          }
          if (etr[k] < -1e-12 * Math.max(1, out.etr[0])) bad = { row: k, what: `negative train error e_tr = ${etr[k]}` };
          else if (inc > tolTrain)
            bad = { row: k, what: `train error increased by ${(inc * out.etr[0]).toExponential(3)} (gradient flow needs e_tr non-increasing)` };
          else if (Math.abs(v[k]) > 1 + tolBound) bad = { row: k, what: `|v| = ${Math.abs(v[k])} > 1` };
          else if (p.m > 1 && Math.abs(co) > 1 + tolBound) bad = { row: k, what: `|C_o(t,t)| = ${Math.abs(co)} > 1` };
          else if (p.spherical && Math.abs(cdd - 1) > 1e-9) bad = { row: k, what: `C_d(t,t) = ${cdd} ≠ 1` };
        }
        if (!bad) opts.onRow?.(k, { t: k * p.eta, a: a[k], v: v[k], trainError: etr[k], testError: ets[k], Co: co });
      }
      return bad;
    };
    const rs = opts.resumeFrom;
    if (rs) {
      // Resume: the saved state back into the arena, then rows 0..n−1 re-checked (same host arrays and
      // invariant report as the run that wrote it; the rows were good when it was written).
      if (rs.N !== N || rs.eta !== p.eta || !(rs.n >= 0 && rs.n <= N + 1)) throw new Error('resume: the checkpoint belongs to another grid (refused)');
      for (const [k, q] of Object.entries(TWO)) ar.f64(q, triOf(rs.n + 1)).set(rs[k] as Float64Array);
      for (const [k, q] of Object.entries(ONE)) ar.f64(q, rs.n + 1).set(rs[k] as Float64Array);
      n = rs.n;
      const bad = check(0, n);
      if (bad) throw new Error(`resume: the checkpoint's row ${bad.row} fails its check (${bad.what}; refused)`);
      rows = n;
      inv.checkedRows = rows;
    }
    while (n <= N) {
      if (await stopRequested(opts.signal)) {
        // Rows 0..rows−1 are finished and checked: they are kept, with the state to continue from.
        status = 'Terminated';
        message = `${TERMINATED_MESSAGE} (rows 0..${rows - 1})`;
        checkpoint = snapshot(n);
        break;
      }
      if (n > 0 && opts.checkpointDue?.()) opts.onCheckpoint?.(snapshot(n));
      // ≤ 64 rows past a violation; two workers: ≥ 4× the work per call (a call costs two postMessages)
      const chunk = Math.max(1, Math.min(N + 1 - n, 64, Math.ceil((pool ? 16e6 : 4e6) / ((n + 1) * (n + 1)))));
      const n1 = n + chunk;
      const ret = await run(n, n1);
      const last = Math.min(ret, n1);
      let bad = check(n, last);
      if (!bad && ret < n1) bad = { row: ret - 1, what: 'a non-finite value (NaN/∞)' };
      if (bad) {
        rows = bad.row;
        status = 'Unstable';
        inv.violation = { row: bad.row, t: bad.row * p.eta, what: bad.what };
        const lastGood = rows > 0 ? ((rows - 1) * p.eta).toPrecision(6) : 'none';
        message =
          `unstable at t = ${(bad.row * p.eta).toPrecision(6)} (row ${bad.row}): ${bad.what}; last good time ${lastGood}` +
          (p.scheme === 'explicit' ? ' (explicit Euler: lower eta or use scheme semi-implicit, dmft.md §10.3)' : ' (lower eta)');
        break;
      }
      rows = last;
      inv.checkedRows = rows;
      n = n1;
      opts.onProgress?.(Math.min(1, n ** 3 / 3 / total), n);
    }
    if (ar.growCount !== growBefore) throw new Error('internal: Wasm memory grew while stepping');
    const cut = <T extends Float64Array>(x: T) => x.slice(0, rows);
    return {
      status,
      message,
      rows,
      N,
      a: cut(out.a),
      v: cut(out.v),
      nu: cut(out.nu),
      etr: cut(out.etr),
      ets: cut(out.ets),
      coDiag: cut(out.coDiag),
      cd0: cut(out.cd0),
      cdSub: cut(out.cdSub),
      invariants: inv,
      engine: useTs ? 'ts' : 'wasm',
      simd: !useTs && rt.simd,
      memoryBytes,
      stepMs: performance.now() - t0,
      threads: pool ? 2 : 1,
      ...(checkpoint ? { checkpoint } : {}),
    };
  } finally {
    ar.reset(mark);
    if (ownPool && pool) await pool.close();
  }
}
