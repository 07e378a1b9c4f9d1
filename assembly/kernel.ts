// Elementwise inner-product kernel maps h(s), s = <x,x'>/d in [-1, 1] (kernel.md K3, K6).
// kmap_f64 maps a whole buffer in one call (Liftoff pitfall, engineering.md §4).

const PI: f64 = 3.141592653589793;
const INV_PI: f64 = 0.3183098861837907;

import { KMAP_EXP, KMAP_POLY, KMAP_ARCCOS0, KMAP_ARCCOS1, KMAP_RELU_NTK, KMAP_GEGENBAUER } from "./gen/kernel_layout";

@inline function clamp1(s: f64): f64 {
  return s > 1.0 ? 1.0 : s < -1.0 ? -1.0 : s;
}

@inline function horner(coef: usize, ncoef: i32, s: f64): f64 {
  let r: f64 = 0;
  for (let j = ncoef - 1; j >= 0; j--) r = r * s + load<f64>(coef + (<usize>j << 3));
  return r;
}

/** Σ_k coef[k] P_k^{(d)}(s), normalised Gegenbauer recurrence (K6), P_k(1) = 1. Needs d > 1. */
@inline function gegen(coef: usize, ncoef: i32, d: f64, s: f64): f64 {
  if (ncoef <= 0) return 0;
  let pm: f64 = 1;  // P_{k-1}
  let r = load<f64>(coef);
  if (ncoef == 1) return r;
  let p: f64 = s;  // P_k, k = 1
  r += load<f64>(coef + 8) * p;
  for (let k = 1; k + 1 < ncoef; k++) {
    const kf = <f64>k;
    // the division does not depend on s: it overlaps with the recurrence chain
    const rk = 1.0 / (kf + d - 2);
    const pn = ((2 * kf + d - 2) * rk) * s * p - (kf * rk) * pm;
    pm = p;
    p = pn;
    r += load<f64>(coef + (<usize>(k + 1) << 3)) * p;
  }
  return r;
}

@inline function kappa0(s: f64): f64 {
  return (PI - NativeMath.acos(s)) * INV_PI;
}
@inline function kappa1(s: f64): f64 {
  return (s * (PI - NativeMath.acos(s)) + NativeMath.sqrt(max(0, 1 - s * s))) * INV_PI;
}

// s·κ0(s) + κ1(s) with one acos
@inline function relu_ntk(s: f64): f64 {
  const t = PI - NativeMath.acos(s);
  return (2 * s * t + NativeMath.sqrt(max(0, 1 - s * s))) * INV_PI;
}

// exp for the kernel maps (issue 12: the exp kernel's map fused into the Gram, f64x2), in the
// table-driven form of Tang (1989) / musl: x = (128m + j)·ln2/128 + r, |r| ≤ ln2/256, with
// k = 128m + j = round(128x/ln2) by the 1.5·2^52 shift (round to nearest even; the low mantissa bits
// of kd hold k). k·LN2N_HI is exact (36-bit split of ln2/128, |k| < 2^17), so r = (x − k·LN2N_HI) −
// k·LN2N_LO loses at most half an ulp of r (≤ 2^-61). exp(r) − 1 = r + r²(1/2 + r(1/6 + r(1/24 +
// r/120))) (truncation r⁶/720 ≤ 6e-19), 2^(j/128) = T_hi + T_lo from the table (T_hi the nearest
// double, T_lo the rest; both rounded from 200-bit values), and exp(x) = 2^m·(T_hi + (T_hi·(e^r − 1)
// + T_lo)): the last addition is the only large rounding. 2^m enters through the exponent bits,
// exactly: |x| ≤ 708 keeps the result normal. Measured against 200-bit mpmath exp on 40 000 points
// over [−708, 708]: ≤ 0.507 ulp, 99.9 % correctly rounded (V8's Math.exp: ≤ 0.80 ulp); against
// Math.exp: ≤ 1 ulp (test/linalg/gram-fused.test.ts). About 20 vector flops per two entries, half
// the 13th-degree Taylor form on [−ln2/2, ln2/2]; the table (4 KiB) stays in L1.
// The vector and scalar forms do the same IEEE operations in the same order (Wasm has no implicit
// FMA), so every lane equals exp_fast_f64 bitwise and the TS twin (src/ref/kmap.ts expFast) is
// bit-exact. Outside |x| ≤ 708, NaN included, NativeMath.exp (overflow, subnormal results, specials).
const EXP_INV_LN2N: f64 = 184.6649652337873; // 128/ln2
const EXP_SHIFT: f64 = 6755399441055744.0; // 1.5·2^52
const EXP_LN2N_HI: f64 = 0.005415212348111709; // ln2/128, 36 significant bits
const EXP_LN2N_LO: f64 = 1.2864023111638346e-14; // ln2/128 − EXP_LN2N_HI
const EXP_ONE_BITS: u64 = 0x3ff0000000000000;
const EXP_FAST_MAX: f64 = 708.0;
// 1/k!, k = 3, 4, 5 (the doubles nearest to them, as JS prints 1/k!)
const E3: f64 = 0.16666666666666666;
const E4: f64 = 0.041666666666666664;
const E5: f64 = 0.008333333333333333;
// 2^(j/128), j = 0 … 127: pairs (T_hi, T_lo), T_hi = the nearest double, T_lo = 2^(j/128) − T_hi
const EXP_T2: usize = memory.data<f64>([
  1.0, 0.0, 1.0054299011128027, 9.499186535455032e-17,
  1.0108892860517005, -1.5234778603368577e-17, 1.016378314910953, -5.77217007319966e-17,
  1.0218971486541166, 5.109225028973444e-17, 1.0274459491187637, -4.9560741746453704e-17,
  1.0330248790212284, 7.600838874027088e-18, 1.0386341019613787, 5.996273788852511e-17,
  1.0442737824274138, 8.551889705537965e-17, 1.0499440858006872, 5.592937848127003e-17,
  1.0556451783605572, 1.759325738772092e-18, 1.061377227289262, -1.1973537085365658e-17,
  1.0671404006768237, -7.899853966841582e-17, 1.0729348675259756, -3.839668843358824e-18,
  1.0787607977571199, -6.656660436056593e-17, 1.0846183622133092, 3.166152845816346e-17,
  1.0905077326652577, -3.046782079812471e-17, 1.0964290818163769, -5.919933484449316e-17,
  1.102382583307841, 5.2660368715706944e-17, 1.1083684117236787, -8.786813845180527e-17,
  1.1143867425958924, 1.0410278456845571e-16, 1.1204377524096067, -6.201085906554179e-17,
  1.1265216186082418, 5.165856758795457e-17, 1.1326385195987192, 3.237356166738e-17,
  1.1387886347566916, 8.912812676025408e-17, 1.1449721444318042, 4.6412898921700107e-17,
  1.1511892299529827, 3.250710218863827e-17, 1.1574400736337511, -9.1238712311344e-17,
  1.1637248587775775, 3.8292048369240935e-17, 1.1700437696832502, -1.8477442017900047e-18,
  1.1763969916502812, 5.554203254218079e-17, 1.182784710984341, 1.542975430079076e-17,
  1.189207115002721, 3.982015231465646e-17, 1.1956643920398273, 4.6166036704814814e-17,
  1.202156731452703, 6.644981499252301e-17, 1.2086843236265816, -4.746725945228984e-17,
  1.215247359980469, -7.712630692681488e-17, 1.2218460329727576, -1.0611021211402691e-16,
  1.22848053610687, -1.89878163130253e-17, 1.2351510639369334, -1.0755244344307841e-16,
  1.241857812073484, 4.658027591836937e-17, 1.2486009771892048, -8.261810999021964e-17,
  1.255380757024691, -6.7113898212968784e-18, 1.2621973503942507, -3.0844648874738465e-17,
  1.2690509571917332, 2.667932131342186e-18, 1.275941778396392, 9.91543024421429e-17,
  1.2828700160787783, 1.713594918243561e-17, 1.2898358734066657, 8.949257530897592e-17,
  1.2968395546510096, 2.5382502794888315e-17, 1.3038812651919358, 8.647675598267871e-17,
  1.3109612115247644, -7.181536135519454e-17, 1.318079601266064, -5.4579558271491535e-17,
  1.3252366431597413, -2.8587312100388614e-17, 1.3324325470831615, -5.101586630916744e-17,
  1.339667524053303, 8.927282594831732e-17, 1.3469417862329458, 3.224065101254679e-17,
  1.3542555469368927, 7.70094837980299e-17, 1.3616090206382248, 1.533787661270668e-18,
  1.3690024229745905, 9.593797919118849e-17, 1.3764359707545302, -6.898588935871801e-17,
  1.383909881963832, -6.770511658794786e-17, 1.3914243757719262, -4.9061748652889893e-17,
  1.3989796725383112, -9.614213209051323e-17, 1.4065759938190154, 7.034914812136422e-18,
  1.4142135623730951, -9.667293313452913e-17, 1.4218926021691656, -1.6077828915890244e-17,
  1.42961333839197, -1.2031642489053655e-17, 1.4373759974489824, -4.2040340164675566e-17,
  1.4451808069770467, -3.0237581349939873e-17, 1.4530279958490526, -5.779948609396106e-17,
  1.460917794180647, -5.600377186075216e-17, 1.4688504333369818, 8.465882756533628e-17,
  1.4768261459394993, -3.483994556892796e-17, 1.4848451658727524, 1.0780086764407481e-16,
  1.4929077282912648, 1.4192920154284036e-17, 1.5010140696264256, -6.413767275790235e-17,
  1.5091644275934228, -1.016455327754295e-16, 1.5173590411982147, -4.308699472043341e-17,
  1.5255981507445384, -1.1024941712342561e-16, 1.533881997840956, 8.875226844438446e-17,
  1.5422108254079407, 7.949834809697621e-17, 1.550584877685, -1.4600706590689385e-17,
  1.559004400237837, 3.7812070533575275e-17, 1.567469639965553, -1.0352061768849722e-16,
  1.5759808451078865, -1.0136916471278304e-17, 1.5845382652524937, -1.9337717034585703e-17,
  1.593142151342267, -1.0094406542311964e-16, 1.6017927556826934, -6.054917453527784e-17,
  1.6104903319492543, 2.4707192569797888e-17, 1.6192351351948637, 2.0941334154229092e-17,
  1.6280274218573478, -6.712955084707084e-17, 1.6368674497669644, 7.698325071319876e-17,
  1.645755478153965, -1.0125679913674773e-16, 1.6546917676561943, 9.643294303196029e-17,
  1.6636765803267364, 5.8909926967131e-17, 1.6727101796415966, -5.476715964599563e-17,
  1.681792830507429, 8.199010020581497e-17, 1.6909247992693053, -9.66967147439488e-17,
  1.7001063537185235, -8.0237193703977e-18, 1.709337763100463, -9.868779456632931e-17,
  1.718619298122478, -1.851380418263111e-17, 1.7279512309618377, -1.0750981861204642e-16,
  1.7373338352737062, 3.164389299292957e-17, 1.746767386199169, -1.0752290483507515e-16,
  1.7562521603732995, 2.960140695448873e-17, 1.7657884359332727, 9.461315018083268e-17,
  1.7753764925265212, 6.429731796556572e-17, 1.785016611318935, 1.5330400121031314e-17,
  1.7947090750031072, 1.8227458427912087e-17, 1.804454167806624, -5.177222408793318e-17,
  1.8142521755003989, -9.969531538920349e-17, 1.8241033854070534, -1.0159627862277083e-16,
  1.8340080864093424, 3.283107224245627e-17, 1.843966568958626, -5.939742026949965e-17,
  1.8539791250833855, 9.761887490727594e-17, 1.864046048397789, 6.540912680620572e-17,
  1.8741676341103, -6.122763413004143e-17, 1.8843441790323345, -8.226593125533711e-17,
  1.8945759815869656, 3.4034035352165297e-17, 1.9048633418176741, 6.533857514718279e-17,
  1.9152065613971474, -1.0619946056195963e-16, 1.925605943636125, -9.914963769693741e-17,
  1.9360617934922943, 1.0332385960676326e-16, 1.9465744175792332, 6.811022349533877e-17,
  1.9571441241754002, 8.960767791036668e-17, 1.9677712232331759, -1.0314928011531132e-16,
  1.978456026387951, 4.0388753109278167e-17, 1.9891988469672663, 8.2051326383692e-18
], 16);

// exp(x) for |x| ≤ 708 (see above); no range check.
@inline function exp_core(x: f64): f64 {
  const kd = x * EXP_INV_LN2N + EXP_SHIFT;
  const k = kd - EXP_SHIFT;
  const r = x - k * EXP_LN2N_HI - k * EXP_LN2N_LO;
  const kb = reinterpret<u64>(kd);
  const j = kb & 127;
  const p = (E5 * r + E4) * r + E3;
  const r2 = r * r;
  const em1 = r + r2 * (0.5 + r * p);
  const t = EXP_T2 + (<usize>j << 4);
  const hi = load<f64>(t);
  const e = hi + (hi * em1 + load<f64>(t, 8));
  return e * reinterpret<f64>(((kb - j) << 45) + EXP_ONE_BITS);
}

/** exp(x) as the kernel maps compute it: the table form above for |x| ≤ 708, NativeMath.exp
 *  outside (and for NaN). Scalar form of every lane of the vector map. */
export function exp_fast_f64(x: f64): f64 {
  return abs(x) <= EXP_FAST_MAX ? exp_core(x) : NativeMath.exp(x);
}

// The vector constants as a static table, each value in both lanes: V8 (TurboFan) rebuilds every
// v128.const / f64x2.splat of a constant inside a loop (3 instructions each), while a table load
// folds into the arithmetic as a memory operand (measured 6.3 → 4.7 ns per entry, Taylor form).
const EXP_TAB: usize = memory.data<f64>([
  EXP_INV_LN2N, EXP_INV_LN2N, EXP_SHIFT, EXP_SHIFT, EXP_LN2N_HI, EXP_LN2N_HI, EXP_LN2N_LO, EXP_LN2N_LO,
  E3, E3, E4, E4, E5, E5, 0.5, 0.5, 1.0, 1.0, EXP_FAST_MAX, EXP_FAST_MAX,
], 16);
const EXP_TAB_BITS: usize = memory.data<u64>([EXP_ONE_BITS, EXP_ONE_BITS, 127, 127], 16);

// Two lanes of exp_core, operation for operation (the table read per lane, then unpacked).
@inline function exp_core_v(x: v128): v128 {
  const T = EXP_TAB;
  const kd = f64x2.add(f64x2.mul(x, v128.load(T)), v128.load(T, 16));
  const k = f64x2.sub(kd, v128.load(T, 16));
  const r = f64x2.sub(f64x2.sub(x, f64x2.mul(k, v128.load(T, 32))), f64x2.mul(k, v128.load(T, 48)));
  const j = v128.and(kd, v128.load(EXP_TAB_BITS, 16));
  const p = f64x2.add(f64x2.mul(f64x2.add(f64x2.mul(v128.load(T, 96), r), v128.load(T, 80)), r), v128.load(T, 64));
  const r2 = f64x2.mul(r, r);
  const em1 = f64x2.add(r, f64x2.mul(r2, f64x2.add(v128.load(T, 112), f64x2.mul(r, p))));
  const t0 = v128.load(EXP_T2 + (<usize>i64x2.extract_lane(j, 0) << 4));
  const t1 = v128.load(EXP_T2 + (<usize>i64x2.extract_lane(j, 1) << 4));
  const hi = v128.shuffle<f64>(t0, t1, 0, 2);
  const lo = v128.shuffle<f64>(t0, t1, 1, 3);
  const e = f64x2.add(hi, f64x2.add(f64x2.mul(hi, em1), lo));
  const s = i64x2.add(i64x2.shl(i64x2.sub(kd, j), 45), v128.load(EXP_TAB_BITS));
  return f64x2.mul(e, s);
}

// Two lanes of exp_fast_f64: the vector polynomial when both lanes are in range, else per lane.
@inline function exp_fast_v(x: v128): v128 {
  if (v128.all_true<i64>(f64x2.le(f64x2.abs(x), v128.load(EXP_TAB, 144)))) return exp_core_v(x);
  return f64x2.replace_lane(f64x2.splat(exp_fast_f64(f64x2.extract_lane(x, 0))), 1, exp_fast_f64(f64x2.extract_lane(x, 1)));
}

// exp(p0·clamp1(s)) times weight, written or accumulated, two lanes per step (four when writing) for
// kmap_f64; inrange (a constant at each call, so each call site gets its own loops) skips the range
// test. Returns the number of entries done; the scalar tail does the rest.
@inline function exp_map_v(src: usize, dst: usize, count: i32, p0: f64, weight: f64, acc: bool, inrange: bool): i32 {
  const vp = f64x2.splat(p0), vw = f64x2.splat(weight);
  const one = v128.load(EXP_TAB, 128), mone = f64x2.neg(one);
  let i = 0;
  if (!acc) {
    for (; i + 3 < count; i += 4) {
      const o = <usize>i << 3;
      const x0 = f64x2.mul(vp, f64x2.pmin(f64x2.pmax(v128.load(src + o), mone), one));
      const x1 = f64x2.mul(vp, f64x2.pmin(f64x2.pmax(v128.load(src + o, 16), mone), one));
      v128.store(dst + o, f64x2.mul(vw, inrange ? exp_core_v(x0) : exp_fast_v(x0)));
      v128.store(dst + o, f64x2.mul(vw, inrange ? exp_core_v(x1) : exp_fast_v(x1)), 16);
    }
  }
  for (; i + 1 < count; i += 2) {
    const o = <usize>i << 3;
    const x = f64x2.mul(vp, f64x2.pmin(f64x2.pmax(v128.load(src + o), mone), one));
    const v = f64x2.mul(vw, inrange ? exp_core_v(x) : exp_fast_v(x));
    v128.store(dst + o, acc ? f64x2.add(v128.load(dst + o), v) : v);
  }
  return i;
}

/** dst[i] = exp_fast_f64(src[i]), i < count (test probe and bench of the vector exp; may alias). */
export function exp_fast_map_f64(src: usize, dst: usize, count: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    // two independent vectors per step: the out-of-order core overlaps their dependency chains
    for (; i + 3 < count; i += 4) {
      const o = <usize>i << 3;
      const a = exp_fast_v(v128.load(src + o));
      const b = exp_fast_v(v128.load(src + o, 16));
      v128.store(dst + o, a);
      v128.store(dst + o, b, 16);
    }
    for (; i + 1 < count; i += 2) {
      const o = <usize>i << 3;
      v128.store(dst + o, exp_fast_v(v128.load(src + o)));
    }
  }
  for (; i < count; i++) {
    const o = <usize>i << 3;
    store<f64>(dst + o, exp_fast_f64(load<f64>(src + o)));
  }
}

/** Scalar h(s) (s is clamped to [-1, 1]). Same kinds and parameters as kmap_f64. */
export function kfun_f64(s0: f64, kind: i32, p0: f64, coef: usize, ncoef: i32): f64 {
  const s = clamp1(s0);
  switch (kind) {
    case 0: return exp_fast_f64(p0 * s);
    case 1: return horner(coef, ncoef, s);
    case 2: return kappa0(s);
    case 3: return kappa1(s);
    case 4: return relu_ntk(s);
    case 5: return gegen(coef, ncoef, p0, s);
    default: return NaN;
  }
}

/** dst[i] = weight·h(src[i]) (accumulate = 0) or dst[i] += weight·h(src[i]) (accumulate ≠ 0),
 *  i < count; src is clamped to [-1, 1] first. src and dst may alias (in-place map).
 *  kind: 0 exp(p0·s); 1 Σ_j coef[j] s^j (Horner); 2 arc-cosine κ0 = (π − acos s)/π;
 *  3 arc-cosine κ1 = (s(π − acos s) + √(1−s²))/π; 4 two-layer ReLU NTK s·κ0(s) + κ1(s);
 *  5 Gegenbauer series Σ_k coef[k] P_k^{(d)}(s), d = p0 (K6). Unknown kind writes NaN. */
export function kmap_f64(
  src: usize, dst: usize, count: i32, kind: i32, p0: f64, coef: usize, ncoef: i32, weight: f64, accumulate: i32,
): void {
  const acc = accumulate != 0;
  // one loop per kind so the hot loop has no switch
  if (kind == 0) {
    let i = 0;
    if (ASC_FEATURE_SIMD) {
      // two lanes per step, each lane the same operations as the scalar loop below, so any chunking
      // of a buffer gives the same bits. The clamp is pmax/pmin (pmax(s, −1) = s < −1 ? −1 : s,
      // pmin(t, 1) = 1 < t ? 1 : t): exactly clamp1, NaN and −0 included, one instruction each where
      // f64x2.min/max (IEEE NaN/±0 rules) cost V8 about seven (measured 6.9 → ~5 ns per entry)
      // |p0·s| ≤ |p0| for every clamped s, so when |p0| ≤ 708 the polynomial serves every lane and
      // the loops run without the range test (their copy with inrange = true): its fallback calls
      // NativeMath.exp, and around that call V8 reloaded the loops' constants from the stack on every
      // step (seen with --print-wasm-code; 2.65 → 2.22 ns per entry on a 96×512 block in L2). The
      // same bits either way; a NaN s gives NaN through the polynomial (its table index, the low 7
      // bits, stays inside the table).
      i = abs(p0) <= EXP_FAST_MAX ? exp_map_v(src, dst, count, p0, weight, acc, true) : exp_map_v(src, dst, count, p0, weight, acc, false);
    }
    for (; i < count; i++) {
      const o = <usize>i << 3;
      const v = weight * exp_fast_f64(p0 * clamp1(load<f64>(src + o)));
      store<f64>(dst + o, acc ? load<f64>(dst + o) + v : v);
    }
  } else if (kind == 1) {
    for (let i = 0; i < count; i++) {
      const o = <usize>i << 3;
      const v = weight * horner(coef, ncoef, clamp1(load<f64>(src + o)));
      store<f64>(dst + o, acc ? load<f64>(dst + o) + v : v);
    }
  } else if (kind == 5) {
    let i = 0;
    if (ASC_FEATURE_SIMD && ncoef >= 2) {
      // four entries per step (two f64x2), each lane the same operations as gegen(): the
      // recurrence's coefficients depend on k only, so one division serves four entries
      const one = v128.load(EXP_TAB, 128), mone = f64x2.neg(one), vw = f64x2.splat(weight);
      const c0 = f64x2.splat(load<f64>(coef)), c1 = f64x2.splat(load<f64>(coef, 8));
      for (; i + 3 < count; i += 4) {
        const o = <usize>i << 3;
        const sa = f64x2.pmin(f64x2.pmax(v128.load(src + o), mone), one);
        const sb = f64x2.pmin(f64x2.pmax(v128.load(src + o, 16), mone), one);
        let pma = one, pmb = one, pa = sa, pb = sb;
        let ra = f64x2.add(c0, f64x2.mul(c1, pa)), rb = f64x2.add(c0, f64x2.mul(c1, pb));
        for (let k = 1; k + 1 < ncoef; k++) {
          const kf = <f64>k;
          const rk = 1.0 / (kf + p0 - 2);
          const A = f64x2.splat((2 * kf + p0 - 2) * rk), B = f64x2.splat(kf * rk);
          const ck = f64x2.splat(load<f64>(coef + (<usize>(k + 1) << 3)));
          const na = f64x2.sub(f64x2.mul(f64x2.mul(A, sa), pa), f64x2.mul(B, pma));
          const nb = f64x2.sub(f64x2.mul(f64x2.mul(A, sb), pb), f64x2.mul(B, pmb));
          pma = pa;
          pmb = pb;
          pa = na;
          pb = nb;
          ra = f64x2.add(ra, f64x2.mul(ck, pa));
          rb = f64x2.add(rb, f64x2.mul(ck, pb));
        }
        ra = f64x2.mul(vw, ra);
        rb = f64x2.mul(vw, rb);
        if (acc) {
          ra = f64x2.add(v128.load(dst + o), ra);
          rb = f64x2.add(v128.load(dst + o, 16), rb);
        }
        v128.store(dst + o, ra);
        v128.store(dst + o, rb, 16);
      }
    }
    for (; i < count; i++) {
      const o = <usize>i << 3;
      const v = weight * gegen(coef, ncoef, p0, clamp1(load<f64>(src + o)));
      store<f64>(dst + o, acc ? load<f64>(dst + o) + v : v);
    }
  } else {
    for (let i = 0; i < count; i++) {
      const o = <usize>i << 3;
      const v = weight * kfun_f64(load<f64>(src + o), kind, p0, coef, ncoef);
      store<f64>(dst + o, acc ? load<f64>(dst + o) + v : v);
    }
  }
}

/** kmap_f64 on the lower triangle only (j ≤ i) of rows [row0, row1) of n×n row-major src → dst
 *  (issue 12: the Gram is computed on its lower triangle, so the map runs on n(n+1)/2 entries and
 *  the result is mirrored afterwards with mirror_lower_f64). Elementwise: any row split gives the
 *  same bits as one call, and the values equal kmap_f64 on the full symmetric matrix. */
export function kmap_lower_f64(
  src: usize, dst: usize, n: i32, row0: i32, row1: i32, kind: i32, p0: f64, coef: usize, ncoef: i32, weight: f64, accumulate: i32,
): void {
  const r1 = min(row1, n);
  for (let i = max(row0, 0); i < r1; i++) {
    const o = (<usize>i * <usize>n) << 3;
    kmap_f64(src + o, dst + o, i + 1, kind, p0, coef, ncoef, weight, accumulate);
  }
}
