// The adaptive DMFT grid's state (dmft-grid.md; src/dmft/grid.ts): its parameters, the storage layout
// (lower triangles, row n at offset n(n+1)/2, independent of the capacity so growing is a prefix copy)
// and the initial row. Shared by the host driver and the kernels (assembly/dmft_grid.ts and its TS twin).

export interface GridParams {
  m: number;
  /** K = ᾱ/m = α. */
  K: number;
  tau2: number;
  phi2: number;
  frozen: boolean;
  spherical: boolean;
  imex: boolean;
  h: Float64Array;
  ph: Float64Array;
}

export interface GridState {
  cap: number;
  t: Float64Array;
  Cd: Float64Array;
  Co: Float64Array;
  CA: Float64Array;
  Rd: Float64Array;
  Ro: Float64Array;
  RA: Float64Array;
  a: Float64Array;
  v: Float64Array;
  phv: Float64Array;
  nu: Float64Array;
  etr: Float64Array;
  ets: Float64Array;
}

/** The one-time (length cap) and two-time (lower triangle, tri(cap)) arrays of a GridState. */
export const GRID_ONE_TIME = ['t', 'a', 'v', 'phv', 'nu', 'etr', 'ets'] as const;
export const GRID_TWO_TIME = ['Cd', 'Co', 'CA', 'Rd', 'Ro', 'RA'] as const;

export const tri = (n: number): number => (n * (n + 1)) / 2;

/** Initial row (C_d = 1, C_o = 0, v = 0, a = a₀, t = 0, φ̂(v₀) = φ̂(0) = its constant coefficient). */
export function gridInit(P: GridParams, S: GridState, a0: number): void {
  S.t[0] = 0;
  S.a[0] = a0;
  S.v[0] = 0;
  S.phv[0] = P.ph.length > 0 ? P.ph[0] : 0;
  S.Cd[0] = 1;
  S.Co[0] = 0;
  S.Rd[0] = 0;
  S.Ro[0] = 0;
}
