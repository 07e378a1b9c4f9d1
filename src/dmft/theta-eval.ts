// Where a θ-grid evaluation runs (issue 11): the plain-TS thetaEval on the solver's own arrays, or the Wasm
// kernel assembly/dmft_theta.ts (or its TS twin behind the 'ts' runtime) on a mirror of the slices in arena
// memory. The solver state stays a plain object of typed arrays (ThetaState, checkpointable as is); the
// mirror copies only what changed since the last evaluation: the slices from the first one not yet known to
// be final up to the slot (an accepted slice is never rewritten), so a step copies O(L) values, not O(K·L).
// A different state object (a resume, a grown state) is re-checked against the mirror's slice times and
// re-copied from the first mismatch.
import { DMFT_THETA_PAR as TP, DMFT_THETA_PAR_LEN } from '../gen/dmft_layout.js';
import { NF, NS, NT, T_T, thetaEval, type ThetaGrid, type ThetaParams, type ThetaState, type ThetaWork } from '../numerics/dmft-theta.js';
import type { WasmRuntime } from '../wasm/runtime.js';

export interface ThetaEvaluator {
  /** Evaluate slice `slot` of `st` (as thetaEval); the results land in st (the slot) and in W.f, W.f1. */
  evaluate(st: ThetaState, W: ThetaWork, slot: number, algIters: number): boolean;
  /** Bytes the evaluator holds besides the solver state (Wasm memory: tables, work, slice mirror). */
  readonly bytes: number;
  /** 'host' (thetaEval on the solver's arrays) or the runtime's variant ('release', 'scalar', 'ts', …). */
  readonly engine: string;
  readonly simd: boolean;
  /** Release the arena memory (LIFO: only if nothing was allocated above it). */
  dispose(): void;
}

/** The host solver itself (no runtime). */
export function hostEvaluator(P: ThetaParams, G: ThetaGrid): ThetaEvaluator {
  return {
    evaluate: (st, W, slot, algIters) => thetaEval(P, G, st, W, slot, algIters),
    bytes: 0,
    engine: 'host',
    simd: false,
    dispose: () => {},
  };
}

/** The kernel dmft_theta_eval of a Wasm runtime (or its twin behind the 'ts' runtime), bitwise equal to thetaEval. */
export function wasmEvaluator(rt: WasmRuntime, P: ThetaParams, G: ThetaGrid): ThetaEvaluator {
  const ex = rt.exports,
    ar = rt.arena;
  if (typeof ex.dmft_theta_eval !== 'function') throw new Error('internal: the Wasm module has no dmft_theta_eval (rebuild)');
  const L = G.L,
    LL = L * L,
    NFL = NF * L;
  const mark = ar.mark();
  const par = ar.allocF64(DMFT_THETA_PAR_LEN);
  const setPar = (slot: number, value: number) => {
    ar.f64(par, DMFT_THETA_PAR_LEN)[slot] = value;
  };
  const put = (slot: number, src: Float64Array | Int32Array) => {
    const p = ar.alloc(Math.max(src.byteLength, 8));
    if (src instanceof Int32Array) ar.i32(p, src.length).set(src);
    else ar.f64(p, src.length).set(src);
    setPar(slot, p);
  };
  const work = (slot: number, bytes: number) => setPar(slot, ar.alloc(bytes));
  setPar(TP.L, L);
  setPar(TP.M, P.m);
  setPar(TP.K, P.K);
  setPar(TP.TAU2, P.tau2);
  setPar(TP.PHI2, P.phi2);
  setPar(TP.FROZEN, P.frozen ? 1 : 0);
  setPar(TP.SPHERICAL, P.spherical ? 1 : 0);
  setPar(TP.NH, P.h.length);
  setPar(TP.NPH, P.ph.length);
  put(TP.HC, P.h);
  put(TP.PHC, P.ph);
  put(TP.TH, G.th);
  put(TP.THC, G.thc);
  put(TP.W, G.w);
  put(TP.A1S, G.a1s);
  put(TP.A1W, G.a1w);
  put(TP.A2S, G.a2s);
  put(TP.A2W, G.a2w);
  put(TP.B2S, G.b2s);
  put(TP.B2W, G.b2w);
  work(TP.F, 32 * L);
  work(TP.F1, 32);
  work(TP.ONET, 48 * L);
  work(TP.TMP, 8 * L);
  work(TP.TMP2, 8 * L);
  work(TP.B2O, 4 * LL);
  work(TP.B2U, 8 * LL);
  const fixedBytes = ar.mark() - mark;
  // The slice mirror sits on top of the arena so that it can grow in place of itself.
  let mirrorMark = ar.mark(),
    mirrorEnd = mirrorMark;
  let cap = 0,
    Sp = 0,
    Tp = 0,
    synced = 0;
  let lastS: Float64Array | undefined, lastT: Float64Array | undefined;
  // The mirror's capacity follows the state's (st.cap), so memoryBytes is the same whether or not the run was
  // paused and resumed (a resumed state has the paused run's capacity: src/dmft/theta-grid.ts).
  const grow = (next: number) => {
    if (ar.mark() === mirrorEnd) ar.reset(mirrorMark);
    else mirrorMark = ar.mark(); // something was allocated above the mirror: leave the old one there
    Tp = ar.allocF64(next * NT);
    Sp = ar.allocF64(next * NFL);
    mirrorEnd = ar.mark();
    cap = next;
    synced = 0;
    setPar(TP.S, Sp);
    setPar(TP.T, Tp);
  };
  return {
    evaluate(st, W, slot, algIters) {
      const need = Math.max(st.cap, slot + 1);
      if (need > cap) grow(need);
      if (st.S !== lastS || st.T !== lastT) {
        // Another state object: keep the mirrored prefix whose slice times agree.
        const mt = ar.f64(Tp, cap * NT);
        let k = 0;
        while (k < synced && mt[k * NT + T_T] === st.T[k * NT + T_T]) k++;
        synced = k;
        lastS = st.S;
        lastT = st.T;
      }
      synced = Math.min(synced, slot);
      ar.f64(Sp + 8 * synced * NFL, (slot + 1 - synced) * NFL).set(st.S.subarray(synced * NFL, (slot + 1) * NFL));
      ar.f64(Tp + 8 * synced * NT, (slot + 1 - synced) * NT).set(st.T.subarray(synced * NT, (slot + 1) * NT));
      synced = slot; // slices below the slot are accepted: never rewritten
      const ok = ex.dmft_theta_eval(par, slot, algIters) === 1;
      st.S.set(ar.f64(Sp + 8 * slot * NFL, NFL), slot * NFL);
      st.T.set(ar.f64(Tp + 8 * slot * NT, NT), slot * NT);
      const pv = ar.f64(par, DMFT_THETA_PAR_LEN);
      W.f.set(ar.f64(pv[TP.F], 4 * L));
      W.f1.set(ar.f64(pv[TP.F1], 4));
      return ok;
    },
    get bytes() {
      return fixedBytes + cap * (NFL + NT) * 8;
    },
    engine: rt.variant,
    simd: rt.simd,
    dispose() {
      if (ar.mark() === mirrorEnd) ar.reset(mark);
    },
  };
}

/** Stencil-table bytes of a grid (A1, A2, B2: starts and NS weights per (j, i)). */
export function gridBytes(G: ThetaGrid): number {
  return 3 * G.L * G.L * (4 + 8 * NS);
}
