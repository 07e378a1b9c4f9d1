// Workspace sizes (f64 entries) of the linear-algebra exports: formulas only, no runtime, so the TS twins
// (src/wasm/ts-kernels.ts) size their workspaces from the same numbers as the Wasm wrappers in index.ts.
import { GEMM_KC, GEMM_MC, GEMM_NC, GEMM_TILE_F64 } from '../gen/kernel_layout.js';

/** f64 workspace of one gemm_pk_f64 call (= the export gemm_pk_ws_f64(); one per concurrent call). */
export const GEMM_WS_F64 = GEMM_MC * GEMM_KC + GEMM_KC * GEMM_NC + GEMM_TILE_F64;

/** Panel width of the blocked reduction (assembly/eigh.ts NB). */
const EIGH_NB = 64;
/** Reflectors per back-transformation block (NBQ in assembly/eigh.ts). */
const EIGH_NBQ = 128;
const EIGH_QW = Math.max(EIGH_NBQ, 2 * EIGH_NB);
/** f64 workspace entries eigh_blk_f64 needs (= the export eigh_blk_ws_f64(n)). */
export const eighWorkF64 = (n: number) => 3 * n + (EIGH_NB + 3 * EIGH_QW) * n + 2 * EIGH_NBQ * EIGH_NBQ + EIGH_NBQ + GEMM_WS_F64 + 16;

/** Rows per product panel of a divide-and-conquer merge (DC_PANEL in assembly/eigh.ts). */
export const DC_PANEL = 256;
/** f64 workspace entries stedc_f64 needs (= the export stedc_ws_f64(n)). */
export const stedcWorkF64 = (n: number) => n * n + (DC_PANEL + 16) * n + GEMM_WS_F64 + 64;
/** f64 workspace entries eigh_dc_f64 needs (= the export eigh_dc_ws_f64(n)): ≈ 2n². */
export const eighDcWorkF64 = (n: number) => 2 * n + 2 + n * n + Math.max(eighWorkF64(n), stedcWorkF64(n));
