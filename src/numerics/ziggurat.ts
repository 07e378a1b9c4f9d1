// Tables of the 256-layer ziggurat normal sampler of the committee SGD kernel (assembly/sgd.ts, committee.md
// §8.5): built once on the host, read bit for bit by the Wasm kernels and their TS twin (src/ref/sgd.ts).
import { ZIG_N, ZX_OFF, ZF_OFF, ZIG_TABLE_LEN } from '../gen/sgd_layout.js';

/** Stream scheme of the SGD kernels (see the header of assembly/sgd.ts); recorded in manifests. */
export const SGD_RNG_SCHEME = 'learndyn-sgd-ziggurat256/v1';

const fz = (x: number) => Math.exp(-0.5 * x * x);

/** ∫_r^∞ e^{−x²/2} dx by composite Simpson on [r, r + 14] (error far below 1e-18). */
function gaussTail(r: number): number {
  const n = 40000;
  const h = 14 / n;
  let s = fz(r) + fz(r + 14);
  for (let i = 1; i < n; i++) s += (i & 1 ? 4 : 2) * fz(r + i * h);
  return (s * h) / 3;
}

function zigChain(r: number, N: number): { x: number[]; v: number; residual: number } {
  const v = r * fz(r) + gaussTail(r);
  const x = [v / fz(r), r];
  for (let i = 1; i <= N - 2; i++) {
    const arg = v / x[i] + fz(x[i]);
    if (!(arg < 1)) return { x, v, residual: -1 }; // reached the top too early: r too small
    x.push(Math.sqrt(-2 * Math.log(arg)));
  }
  const top = x[N - 1];
  return { x, v, residual: top * (1 - fz(top)) - v };
}

let tablesCache: Float64Array | undefined;
/** The 514 table slots the kernels read: X[0..256] (X[0] = v/f(r), X[1] = r, …, X[256] = 0), then
 *  F[i] = e^{−X[i]²/2} (F[256] = 1). r is solved by bisection so that the top layer closes
 *  (r ≈ 3.6541528853610088 for 256 layers). Computed once on the host; both Wasm and TS read
 *  these exact bits. */
export function zigguratTables(): Float64Array {
  if (tablesCache) return tablesCache.slice();
  let lo = 3.0;
  let hi = 4.5;
  for (let it = 0; it < 200; it++) {
    const mid = 0.5 * (lo + hi);
    if (mid === lo || mid === hi) break;
    const { residual } = zigChain(mid, ZIG_N);
    if (residual > 0) hi = mid;
    else lo = mid;
  }
  // the chain at hi closes (residual ≥ 0 side, all layers valid)
  const { x } = zigChain(hi, ZIG_N);
  const t = new Float64Array(ZIG_TABLE_LEN);
  for (let i = 0; i < ZIG_N; i++) t[ZX_OFF + i] = x[i];
  t[ZX_OFF + ZIG_N] = 0;
  for (let i = 0; i <= ZIG_N; i++) t[ZF_OFF + i] = i === ZIG_N ? 1 : fz(t[ZX_OFF + i]);
  tablesCache = t;
  return t.slice();
}
