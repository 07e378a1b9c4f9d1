// Pure-TS twin of assembly/sgd.ts (committee.md §8.5, S1–S7): one-pass SGD of a committee student,
// bit-identical to both Wasm builds (same operations in the same order: own exp, own erf, the rng's
// own log, dots in the fixed 4-way interleaved order). Read the header of assembly/sgd.ts for the
// stream scheme SGD_RNG_SCHEME; the ziggurat tables both read are built by src/numerics/ziggurat.ts.
import { PAR } from '../committee/layout.js';
import { RefStream, Xoshiro256ppBig, logPos } from '../numerics/rng.js';
import type { KernelExports } from '../wasm/exports.gen.js';

// Work layout (ZIG_N, table offsets, sgdWorkLen): codegen/contract.mjs → src/gen/sgd_layout.ts.
import { ZIG_N, ZX_OFF, ZF_OFF, ZIG_TABLE_LEN, XBUF_OFF, sgdWorkLen } from '../gen/sgd_layout.js';
import { SGD_RNG_SCHEME, zigguratTables } from '../numerics/ziggurat.js';
export { ZIG_N, ZIG_TABLE_LEN, sgdWorkLen, SGD_RNG_SCHEME, zigguratTables };

// ---------------------------------------------------------------- exp / erf / activations
const INV_LN2 = 1.4426950408889634;
const LN2_HI = 0.6931467056274414;
const LN2_LO = 4.7493250390316726e-7;
const E2 = 0.5;
const E3 = 0.16666666666666666;
const E4 = 0.041666666666666664;
const E5 = 0.008333333333333333;
const E6 = 0.001388888888888889;
const E7 = 0.0001984126984126984;
const E8 = 0.0000248015873015873;
const E9 = 0.0000027557319223985893;
const E10 = 2.755731922398589e-7;
const E11 = 2.505210838544172e-8;
const E12 = 2.08767569878681e-9;
const E13 = 1.6059043836821613e-10;
const pbuf = new Float64Array(1);
const pw = new Uint32Array(pbuf.buffer);
function pow2(k: number): number {
  pw[0] = 0;
  pw[1] = (k + 1023) << 20;
  return pbuf[0];
}
const TWO_M1000 = pow2(-1000);

/** e^x for x ≤ 0, operation-for-operation the Wasm exp_neg. */
export function expNeg(x: number): number {
  if (!(x > -745.2)) return Number.isNaN(x) ? x : 0.0;
  const kf = Math.floor(x * INV_LN2 + 0.5);
  const r = x - kf * LN2_HI - kf * LN2_LO;
  const q =
    1.0 + r * (1.0 + r * (E2 + r * (E3 + r * (E4 + r * (E5 + r * (E6 + r * (E7 + r * (E8 + r * (E9 + r * (E10 + r * (E11 + r * (E12 + r * E13))))))))))));
  const k = kf | 0;
  if (k < -1020) return q * pow2(k + 1000) * TWO_M1000;
  return q * pow2(k);
}

const TWO_OVER_SQRTPI = 1.1283791670955126;
const INV_SQRT2 = 0.7071067811865476;
const SQRT_2_OVER_PI = 0.7978845608028654;

const ERF_R = Float64Array.from({ length: 400 }, (_, i) => 1 / (2 * (i + 1) + 1));

/** erf(λ/√2) given e = expNeg(−0.5·λ·λ) (the Wasm erf_half). */
export function erfHalf(lam: number, e: number): number {
  const al = Math.abs(lam);
  if (!(al < 8.5)) return Number.isNaN(lam) ? lam : lam > 0 ? 1.0 : -1.0;
  const l2 = lam * lam;
  let term = al * INV_SQRT2;
  let sum = term;
  for (let n = 0; n < 400; n++) {
    term = term * l2 * ERF_R[n];
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  let v = TWO_OVER_SQRTPI * e * sum;
  if (v > 1.0) v = 1.0;
  return lam < 0 ? -v : v;
}

/** σ(λ) for an activation code (0 erf(x/√2), 1 linear, 2 x², 3 relu). */
export function actVal(code: number, lam: number): number {
  if (code === 0) return erfHalf(lam, expNeg(-0.5 * lam * lam));
  if (code === 1) return lam;
  if (code === 2) return lam * lam;
  return lam > 0 ? lam : 0.0;
}

// ---------------------------------------------------------------- fixed-order dots
/** Σ a_i b_i: four interleaved partial sums, (q0 + q2) + (q1 + q3), then the tail in order. */
export function dotFixed(a: Float64Array, ao: number, b: Float64Array, bo: number, n: number): number {
  let q0 = 0,
    q1 = 0,
    q2 = 0,
    q3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    q0 += a[ao + i] * b[bo + i];
    q1 += a[ao + i + 1] * b[bo + i + 1];
    q2 += a[ao + i + 2] * b[bo + i + 2];
    q3 += a[ao + i + 3] * b[bo + i + 3];
  }
  let s = q0 + q2 + (q1 + q3);
  for (; i < n; i++) s += a[ao + i] * b[bo + i];
  return s;
}

// ---------------------------------------------------------------- xoshiro256++ with full outputs
/** xoshiro256++ on u32 pairs exposing the whole 64-bit output (the ziggurat needs the low bits). */
export class ZigStream {
  s = new Uint32Array(8); // [s0l, s0h, s1l, s1h, s2l, s2h, s3l, s3h] (= the Wasm state words)
  static fromWords(w: ArrayLike<number>): ZigStream {
    const z = new ZigStream();
    for (let i = 0; i < 8; i++) z.s[i] = w[i] >>> 0;
    return z;
  }
  static fromState(st: readonly bigint[]): ZigStream {
    const z = new ZigStream();
    for (let i = 0; i < 4; i++) {
      z.s[2 * i] = Number(st[i] & 0xffffffffn);
      z.s[2 * i + 1] = Number((st[i] >> 32n) & 0xffffffffn);
    }
    return z;
  }
  static fromRef(r: RefStream): ZigStream {
    return ZigStream.fromState(r.state());
  }
  toRef(): RefStream {
    return new RefStream(this.state());
  }
  state(): bigint[] {
    const out: bigint[] = [];
    for (let i = 0; i < 4; i++) out.push((BigInt(this.s[2 * i + 1]) << 32n) | BigInt(this.s[2 * i]));
    return out;
  }
  writeWords(w: Uint32Array): void {
    w.set(this.s);
  }
  /** Uniform in [0,1) from the top 53 bits (same as rng). */
  nextUniform(): number {
    const st = this.s;
    const s0l = st[0],
      s0h = st[1],
      s1l = st[2],
      s1h = st[3];
    let s2l = st[4],
      s2h = st[5],
      s3l = st[6],
      s3h = st[7];
    const al = (s0l + s3l) >>> 0;
    const ah = (s0h + s3h + (al < s0l ? 1 : 0)) >>> 0;
    const rh = ((ah << 23) | (al >>> 9)) >>> 0;
    const rl = ((al << 23) | (ah >>> 9)) >>> 0;
    const ol = (rl + s0l) >>> 0;
    const oh = (rh + s0h + (ol < rl ? 1 : 0)) >>> 0;
    const th = ((s1h << 17) | (s1l >>> 15)) >>> 0;
    const tl = (s1l << 17) >>> 0;
    s2h = (s2h ^ s0h) >>> 0;
    s2l = (s2l ^ s0l) >>> 0;
    s3h = (s3h ^ s1h) >>> 0;
    s3l = (s3l ^ s1l) >>> 0;
    st[3] = (s1h ^ s2h) >>> 0;
    st[2] = (s1l ^ s2l) >>> 0;
    st[1] = (s0h ^ s3h) >>> 0;
    st[0] = (s0l ^ s3l) >>> 0;
    st[5] = (s2h ^ th) >>> 0;
    st[4] = (s2l ^ tl) >>> 0;
    st[7] = ((s3l << 13) | (s3h >>> 19)) >>> 0;
    st[6] = ((s3h << 13) | (s3l >>> 19)) >>> 0;
    return (oh * 2097152 + (ol >>> 11)) * 1.1102230246251565e-16;
  }

  /** Ziggurat normals into out[o..o+n) (scheme in assembly/sgd.ts), generator on locals. */
  fillZig(tables: Float64Array, out: Float64Array, o: number, n: number): void {
    if (n <= 0) return;
    const st = this.s;
    let s0l = st[0],
      s0h = st[1],
      s1l = st[2],
      s1h = st[3],
      s2l = st[4],
      s2h = st[5],
      s3l = st[6],
      s3h = st[7];
    let i = 0;
    while (i < n) {
      const al = (s0l + s3l) >>> 0;
      const ah = (s0h + s3h + (al < s0l ? 1 : 0)) >>> 0;
      const rh = ((ah << 23) | (al >>> 9)) >>> 0;
      const rl = ((al << 23) | (ah >>> 9)) >>> 0;
      const ol = (rl + s0l) >>> 0;
      const oh = (rh + s0h + (ol < rl ? 1 : 0)) >>> 0;
      const th = ((s1h << 17) | (s1l >>> 15)) >>> 0;
      const tl = (s1l << 17) >>> 0;
      s2h = (s2h ^ s0h) >>> 0;
      s2l = (s2l ^ s0l) >>> 0;
      s3h = (s3h ^ s1h) >>> 0;
      s3l = (s3l ^ s1l) >>> 0;
      s1h = (s1h ^ s2h) >>> 0;
      s1l = (s1l ^ s2l) >>> 0;
      s0h = (s0h ^ s3h) >>> 0;
      s0l = (s0l ^ s3l) >>> 0;
      s2h = (s2h ^ th) >>> 0;
      s2l = (s2l ^ tl) >>> 0;
      const nh = ((s3l << 13) | (s3h >>> 19)) >>> 0;
      s3l = ((s3h << 13) | (s3l >>> 19)) >>> 0;
      s3h = nh;
      const layer = ol & 255;
      const neg = ((ol >>> 8) & 1) !== 0;
      const z = (oh * 2097152 + (ol >>> 11)) * 1.1102230246251565e-16 * tables[ZX_OFF + layer];
      if (z < tables[ZX_OFF + layer + 1]) {
        out[o + i] = neg ? -z : z;
        i++;
        continue;
      }
      st[0] = s0l;
      st[1] = s0h;
      st[2] = s1l;
      st[3] = s1h;
      st[4] = s2l;
      st[5] = s2h;
      st[6] = s3l;
      st[7] = s3h;
      const v = this.slow(tables, layer, z, neg);
      s0l = st[0];
      s0h = st[1];
      s1l = st[2];
      s1h = st[3];
      s2l = st[4];
      s2h = st[5];
      s3l = st[6];
      s3h = st[7];
      if (!Number.isNaN(v)) {
        out[o + i] = v;
        i++;
      }
    }
    st[0] = s0l;
    st[1] = s0h;
    st[2] = s1l;
    st[3] = s1h;
    st[4] = s2l;
    st[5] = s2h;
    st[6] = s3l;
    st[7] = s3h;
  }

  private slow(tables: Float64Array, layer: number, z: number, neg: boolean): number {
    if (layer === 0) {
      const r = tables[ZX_OFF + 1];
      let a = 0;
      let b = 0;
      do {
        a = -logPos(1.0 - this.nextUniform()) / r;
        b = -logPos(1.0 - this.nextUniform());
      } while (b + b < a * a);
      const v = r + a;
      return neg ? -v : v;
    }
    const u2 = this.nextUniform();
    const fi = tables[ZF_OFF + layer];
    const fi1 = tables[ZF_OFF + layer + 1];
    if (fi + u2 * (fi1 - fi) < expNeg(-0.5 * z * z)) return neg ? -z : z;
    return NaN;
  }
}

// ---------------------------------------------------------------- kernels (twins)

/** Twin of teacher_orthonormal: k·d polar normals from `rs`, MGS twice, rows × √d. */
export function teacherOrthonormal(rs: RefStream, Wstar: Float64Array, k: number, d: number): number {
  if (k <= 0 || d <= 0) return 0;
  rs.fillNormal(Wstar, k * d);
  let bad = 0;
  for (let i = 0; i < k; i++) {
    const oi = i * d;
    for (let pass = 0; pass < 2; pass++) {
      for (let j = 0; j < i; j++) {
        const oj = j * d;
        const r = dotFixed(Wstar, oi, Wstar, oj, d);
        for (let t = 0; t < d; t++) Wstar[oi + t] = Wstar[oi + t] - r * Wstar[oj + t];
      }
    }
    const nrm = Math.sqrt(dotFixed(Wstar, oi, Wstar, oi, d));
    if (!(nrm > 1e-150)) bad = 1;
    const inv = 1.0 / nrm;
    for (let t = 0; t < d; t++) Wstar[oi + t] = Wstar[oi + t] * inv;
  }
  const s = Math.sqrt(d);
  for (let t = 0; t < k * d; t++) Wstar[t] = Wstar[t] * s;
  return bad;
}

/** Twin of student_gaussian. */
export function studentGaussian(rs: RefStream, W: Float64Array, p: number, d: number): void {
  rs.fillNormal(W, p * d);
}

/** Twin of sgd_run (same arguments; `work` = sgdWorkLen slots with the tables in front). */
export function sgdRun(
  zs: ZigStream,
  W: Float64Array,
  Wstar: Float64Array,
  a: Float64Array,
  astar: Float64Array,
  params: Float64Array,
  d: number,
  nsteps: number,
  work: Float64Array,
): number {
  const p = params[PAR.P] | 0;
  const k = params[PAR.K] | 0;
  const gp = params[PAR.GAMMA_OVER_P];
  const gamma = gp * p;
  const sqrtNoise = Math.sqrt(params[PAR.NOISE]);
  const act = params[PAR.ACT] | 0;
  const tact = params[PAR.TACT] | 0;
  const trainA = params[PAR.TRAIN_A] !== 0;
  const fd = d;
  const invSqrtD = 1.0 / Math.sqrt(fd);
  const invP = 1.0 / p;
  const invK = 1.0 / k;
  const gpd = gamma / (p * fd);
  const X = XBUF_OFF;
  const lam = new Float64Array(p);
  const ds = new Float64Array(p);
  for (let step = 0; step < nsteps; step++) {
    zs.fillZig(work, work, X, d + 1);
    const xi = work[X + d];
    let yt = 0;
    let chk = 0;
    for (let r = 0; r < k; r++) {
      const l = dotFixed(Wstar, r * d, work, X, d) * invSqrtD;
      chk += l - l;
      yt += astar[r] * actVal(tact, l);
    }
    const y = yt * invK + sqrtNoise * xi;
    let ys = 0;
    for (let j = 0; j < p; j++) {
      const l = dotFixed(W, j * d, work, X, d) * invSqrtD;
      lam[j] = l;
      chk += l - l;
      let s: number;
      let dv: number;
      if (act === 0) {
        const e = expNeg(-0.5 * l * l);
        s = erfHalf(l, e);
        dv = SQRT_2_OVER_PI * e;
      } else if (act === 1) {
        s = l;
        dv = 1.0;
      } else if (act === 2) {
        s = l * l;
        dv = l + l;
      } else {
        s = l > 0 ? l : 0.0;
        dv = l > 0 ? 1.0 : 0.0;
      }
      ds[j] = dv;
      ys += a[j] * s;
    }
    const E = y - ys * invP;
    chk += E - E;
    if (chk !== 0) return step + 1;
    const gE = gp * E;
    for (let j = 0; j < p; j++) ds[j] = gE * a[j] * ds[j] * invSqrtD;
    if (trainA) {
      const gdE = gpd * E;
      for (let j = 0; j < p; j++) a[j] = a[j] + gdE * actVal(act, lam[j]);
    }
    for (let j = 0; j < p; j++) {
      const c = ds[j];
      const o = j * d;
      for (let t = 0; t < d; t++) W[o + t] = W[o + t] + c * work[X + t];
    }
  }
  let chk = 0;
  for (let t = 0; t < p * d; t++) chk += W[t] - W[t];
  for (let j = 0; j < p; j++) chk += a[j] - a[j];
  if (chk !== 0) return nsteps + 1;
  return 0;
}

/** Twin of overlaps_f64: out = [Q, M, a (if trainA)]. */
export function overlaps(W: Float64Array, Wstar: Float64Array, a: Float64Array, p: number, k: number, d: number, trainA: boolean, out: Float64Array): void {
  for (let i = 0; i < p; i++) {
    for (let j = i; j < p; j++) {
      const q = dotFixed(W, i * d, W, j * d, d) / d;
      out[i * p + j] = q;
      out[j * p + i] = q;
    }
    for (let r = 0; r < k; r++) out[p * p + i * k + r] = dotFixed(W, i * d, Wstar, r * d, d) / d;
  }
  if (trainA) for (let j = 0; j < p; j++) out[p * p + p * k + j] = a[j];
}

/** Raw-export twins of the sgd kernels over a byte-addressed buffer (for the pure-TS runtime:
 *  src/wasm/ts-kernels.ts can spread these into its table). */
export function sgdTwins(
  buffer: () => ArrayBuffer,
): Pick<
  KernelExports,
  'rng_long_jump' | 'rng_seed_streams' | 'sgd_exp_neg' | 'sgd_act' | 'teacher_orthonormal' | 'student_gaussian' | 'sgd_zig_fill' | 'sgd_run' | 'overlaps_f64'
> {
  const f64 = (ptr: number, n: number) => new Float64Array(buffer(), ptr, n);
  const u32 = (ptr: number) => new Uint32Array(buffer(), ptr, 8);
  const refAt = (ptr: number) => RefStream.fromWords(u32(ptr));
  const saveRef = (ptr: number, r: RefStream) => ZigStream.fromRef(r).writeWords(u32(ptr));
  const saveBig = (ptr: number, st: readonly bigint[]) => ZigStream.fromState(st).writeWords(u32(ptr));
  return {
    // rng kernels the driver also calls (src/wasm/ts-kernels.ts may already provide some)
    rng_long_jump: (state) => {
      const g = new Xoshiro256ppBig(refAt(state).state());
      g.longJump();
      saveBig(state, g.s);
    },
    rng_seed_streams: (states, lo, hi, first, count) => {
      const seed = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
      for (let i = 0; i < count; i++) saveBig(states + 32 * i, RefStream.fromSeed(seed, first + i).state());
    },
    sgd_exp_neg: (x) => expNeg(x),
    sgd_act: (code, x) => actVal(code, x),
    teacher_orthonormal: (state, Ws, k, d, _work) => {
      const r = refAt(state);
      const bad = teacherOrthonormal(r, f64(Ws, k * d), k, d);
      saveRef(state, r);
      return bad;
    },
    student_gaussian: (state, W, p, d) => {
      const r = refAt(state);
      studentGaussian(r, f64(W, p * d), p, d);
      saveRef(state, r);
    },
    sgd_zig_fill: (state, work, out, n) => {
      const z = ZigStream.fromWords(u32(state));
      if (n > 0) z.fillZig(f64(work, ZIG_TABLE_LEN), f64(out, n), 0, n);
      z.writeWords(u32(state));
    },
    sgd_run: (state, W, Ws, a, as, params, d, nsteps, work) => {
      const pr = f64(params, PAR.HEADER);
      const p = pr[PAR.P];
      const k = pr[PAR.K];
      const z = ZigStream.fromWords(u32(state));
      const rc = sgdRun(z, f64(W, p * d), f64(Ws, k * d), f64(a, p), f64(as, k), pr, d, nsteps, f64(work, sgdWorkLen(p, k, d)));
      z.writeWords(u32(state));
      return rc;
    },
    overlaps_f64: (W, Ws, a, p, k, d, trainA, out) =>
      overlaps(f64(W, p * d), f64(Ws, k * d), f64(a, p), p, k, d, trainA !== 0, f64(out, p * p + p * k + (trainA ? p : 0))),
  };
}
