// One-pass SGD of a two-layer committee student learning a two-layer teacher (committee.md §2,
// §8.5, S1–S7). Kernels over host-owned memory; nothing allocates. TS twin: src/ref/sgd.ts.
//
// BIT-EXACTNESS. Every floating-point operation here is +, −, ×, ÷, sqrt or exact bit
// manipulation, written operation-for-operation the same in the TS twin: our own exp (exp_neg),
// our own erf (erf_half), the rng's own log. Dot products use ONE fixed summation order in every
// build: four interleaved partial sums q_m = Σ_{i ≡ m (mod 4)} (the f64x2 lanes of two vector
// accumulators in the SIMD build, four scalars in the scalar build and in TS), combined as
// (q0 + q2) + (q1 + q3), then the tail i ≥ 4⌊n/4⌋ added in order. So the SIMD build, the scalar
// build and the TS twin produce bit-identical weights and overlaps.
//
// RNG STREAM SCHEME "learndyn-sgd-ziggurat256/v1" (per replicate, on one xoshiro256++ state):
//   init  : teacher_orthonormal / student_gaussian draw k·d (p·d) polar normals exactly as
//           rng_fill_normal (row-major, one call).
//   step ν: d + 1 ziggurat normals: x_0..x_{d−1}, then ξ (label noise; drawn even when Δ = 0, so
//           the x sequence does not depend on Δ).
//   ZIGGURAT (Marsaglia–Tsang, N = 256 layers, tables X[0..256], F[0..256] written by the host,
//   src/ref/sgd.ts zigguratTables, into the first 514 f64 of `work`): one u64 u per attempt;
//   layer i = u & 255, sign = bit 8 of u, U = (u >>> 11)·2^−53 ∈ [0,1), z = U·X[i];
//   z < X[i+1] → accept ±z. Else if i = 0 → tail: repeat a = −log(1 − U1)/r, b = −log(1 − U2)
//   (U1, U2 next uniforms) until 2b ≥ a²; accept ±(r + a). Else wedge: U2 = next uniform;
//   accept ±z if F[i] + U2·(F[i+1] − F[i]) < exp(−z²/2), otherwise draw a new u. log is the rng's
//   log (rng_log), exp is exp_neg below.
import { rng_fill_normal, rng_log } from "./rng";
import {
  PAR_P, PAR_K, PAR_GAMMA_OVER_P, PAR_NOISE, PAR_ACT, PAR_TACT, PAR_TRAIN_A,
  ACT_ERF, ACT_LINEAR, ACT_QUADRATIC,
} from "./gen/committee_layout";
import { ZIG_N, ZX_OFF, ZF_OFF, XBUF_OFF, sgdXLen } from "./gen/sgd_layout";

// ---------------------------------------------------------------- layout of `work` (f64 slots)
// ZIG_N, ZX_OFF, ZF_OFF, XBUF_OFF, sgdXLen and sgdWorkLen: assembly/gen/sgd_layout.ts (codegen/contract.mjs).

@inline function ldf(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }
@inline function stf(p: usize, i: i32, v: f64): void { store<f64>(p + (<usize>i << 3), v); }
@inline function rowp(p: usize, row: i32, ld: i32): usize { return p + ((<usize>row * <usize>ld) << 3); }

// ---------------------------------------------------------------- exp and erf (bit-exact twins)
const INV_LN2: f64 = 1.4426950408889634;
const LN2_HI: f64 = 0.6931467056274414;
const LN2_LO: f64 = 4.7493250390316726e-7;
const E2: f64 = 0.5;
const E3: f64 = 0.16666666666666666;
const E4: f64 = 0.041666666666666664;
const E5: f64 = 0.008333333333333333;
const E6: f64 = 0.001388888888888889;
const E7: f64 = 0.0001984126984126984;
const E8: f64 = 0.0000248015873015873;
const E9: f64 = 0.0000027557319223985893;
const E10: f64 = 2.755731922398589e-7;
const E11: f64 = 2.505210838544172e-8;
const E12: f64 = 2.08767569878681e-9;
const E13: f64 = 1.6059043836821613e-10;

/** e^x for x ≤ 0 (0 below −745.2). x = k ln2 + r, |r| ≤ ln2/2, e^r by its degree-13 Taylor
 *  polynomial (truncation < 1e-17), times 2^k built from bits. */
// @ts-ignore: decorator
@inline
function exp_neg(x: f64): f64 {
  if (!(x > -745.2)) return x != x ? x : 0.0;
  const kf = Math.floor(x * INV_LN2 + 0.5);
  const r = (x - kf * LN2_HI) - kf * LN2_LO;
  const q = 1.0 + r * (1.0 + r * (E2 + r * (E3 + r * (E4 + r * (E5 + r * (E6 + r * (E7 + r * (E8 + r * (E9 + r * (E10 + r * (E11 + r * (E12 + r * E13))))))))))));
  const k = <i32>kf;
  if (k < -1020) return q * reinterpret<f64>(<u64>(k + 1000 + 1023) << 52) * reinterpret<f64>(<u64>23 << 52); // × 2^-1000
  return q * reinterpret<f64>(<u64>(k + 1023) << 52);
}

/** Our exp on x ≤ 0, exported for the twin tests. */
export function sgd_exp_neg(x: f64): f64 { return exp_neg(x); }

const TWO_OVER_SQRTPI: f64 = 1.1283791670955126;
const INV_SQRT2: f64 = 0.7071067811865476;
const SQRT_2_OVER_PI: f64 = 0.7978845608028654;

/** 1/(2n+1) for n = 1..400 (correctly rounded literals; the TS twin computes 1/(2n+1) at load,
 *  which gives the same bits). */
const ERF_R: usize = memory.data<f64>([
  0.3333333333333333, 0.2, 0.14285714285714285, 0.1111111111111111, 0.09090909090909091, 0.07692307692307693, 0.06666666666666667, 0.058823529411764705,
  0.05263157894736842, 0.047619047619047616, 0.043478260869565216, 0.04, 0.037037037037037035, 0.034482758620689655, 0.03225806451612903, 0.030303030303030304,
  0.02857142857142857, 0.02702702702702703, 0.02564102564102564, 0.024390243902439025, 0.023255813953488372, 0.022222222222222223, 0.02127659574468085, 0.02040816326530612,
  0.0196078431372549, 0.018867924528301886, 0.01818181818181818, 0.017543859649122806, 0.01694915254237288, 0.01639344262295082, 0.015873015873015872, 0.015384615384615385,
  0.014925373134328358, 0.014492753623188406, 0.014084507042253521, 0.0136986301369863, 0.013333333333333334, 0.012987012987012988, 0.012658227848101266, 0.012345679012345678,
  0.012048192771084338, 0.011764705882352941, 0.011494252873563218, 0.011235955056179775, 0.01098901098901099, 0.010752688172043012, 0.010526315789473684, 0.010309278350515464,
  0.010101010101010102, 0.009900990099009901, 0.009708737864077669, 0.009523809523809525, 0.009345794392523364, 0.009174311926605505, 0.009009009009009009, 0.008849557522123894,
  0.008695652173913044, 0.008547008547008548, 0.008403361344537815, 0.008264462809917356, 0.008130081300813009, 0.008, 0.007874015748031496, 0.007751937984496124,
  0.007633587786259542, 0.007518796992481203, 0.007407407407407408, 0.0072992700729927005, 0.007194244604316547, 0.0070921985815602835, 0.006993006993006993, 0.006896551724137931,
  0.006802721088435374, 0.006711409395973154, 0.006622516556291391, 0.006535947712418301, 0.0064516129032258064, 0.006369426751592357, 0.006289308176100629, 0.006211180124223602,
  0.006134969325153374, 0.006060606060606061, 0.005988023952095809, 0.005917159763313609, 0.005847953216374269, 0.005780346820809248, 0.005714285714285714, 0.005649717514124294,
  0.00558659217877095, 0.0055248618784530384, 0.00546448087431694, 0.005405405405405406, 0.0053475935828877, 0.005291005291005291, 0.005235602094240838, 0.0051813471502590676,
  0.005128205128205128, 0.005076142131979695, 0.005025125628140704, 0.004975124378109453, 0.0049261083743842365, 0.004878048780487805, 0.004830917874396135, 0.004784688995215311,
  0.004739336492890996, 0.004694835680751174, 0.004651162790697674, 0.004608294930875576, 0.0045662100456621, 0.004524886877828055, 0.004484304932735426, 0.0044444444444444444,
  0.004405286343612335, 0.004366812227074236, 0.004329004329004329, 0.004291845493562232, 0.00425531914893617, 0.004219409282700422, 0.0041841004184100415, 0.004149377593360996,
  0.00411522633744856, 0.004081632653061225, 0.004048582995951417, 0.004016064257028112, 0.00398406374501992, 0.003952569169960474, 0.00392156862745098, 0.0038910505836575876,
  0.003861003861003861, 0.0038314176245210726, 0.0038022813688212928, 0.0037735849056603774, 0.003745318352059925, 0.0037174721189591076, 0.0036900369003690036, 0.003663003663003663,
  0.0036363636363636364, 0.0036101083032490976, 0.0035842293906810036, 0.0035587188612099642, 0.0035335689045936395, 0.0035087719298245615, 0.003484320557491289, 0.0034602076124567475,
  0.003436426116838488, 0.0034129692832764505, 0.003389830508474576, 0.003367003367003367, 0.0033444816053511705, 0.0033222591362126247, 0.0033003300330033004, 0.003278688524590164,
  0.003257328990228013, 0.003236245954692557, 0.003215434083601286, 0.003194888178913738, 0.0031746031746031746, 0.0031545741324921135, 0.003134796238244514, 0.003115264797507788,
  0.0030959752321981426, 0.003076923076923077, 0.0030581039755351682, 0.00303951367781155, 0.0030211480362537764, 0.003003003003003003, 0.0029850746268656717, 0.002967359050445104,
  0.0029498525073746312, 0.002932551319648094, 0.0029154518950437317, 0.002898550724637681, 0.002881844380403458, 0.0028653295128939827, 0.002849002849002849, 0.0028328611898017,
  0.0028169014084507044, 0.0028011204481792717, 0.002785515320334262, 0.002770083102493075, 0.0027548209366391185, 0.0027397260273972603, 0.0027247956403269754, 0.0027100271002710027,
  0.0026954177897574125, 0.002680965147453083, 0.0026666666666666666, 0.002652519893899204, 0.002638522427440633, 0.0026246719160104987, 0.0026109660574412533, 0.0025974025974025974,
  0.002583979328165375, 0.002570694087403599, 0.0025575447570332483, 0.002544529262086514, 0.002531645569620253, 0.0025188916876574307, 0.002506265664160401, 0.0024937655860349127,
  0.0024813895781637717, 0.0024691358024691358, 0.002457002457002457, 0.0024449877750611247, 0.0024330900243309003, 0.002421307506053269, 0.0024096385542168677, 0.002398081534772182,
  0.002386634844868735, 0.0023752969121140144, 0.002364066193853428, 0.002352941176470588, 0.00234192037470726, 0.002331002331002331, 0.002320185614849188, 0.0023094688221709007,
  0.0022988505747126436, 0.002288329519450801, 0.002277904328018223, 0.0022675736961451248, 0.002257336343115124, 0.0022471910112359553, 0.0022371364653243847, 0.0022271714922048997,
  0.0022172949002217295, 0.002207505518763797, 0.002197802197802198, 0.002188183807439825, 0.002178649237472767, 0.0021691973969631237, 0.0021598272138228943, 0.002150537634408602,
  0.0021413276231263384, 0.0021321961620469083, 0.0021231422505307855, 0.0021141649048625794, 0.002105263157894737, 0.0020964360587002098, 0.0020876826722338203, 0.002079002079002079,
  0.002070393374741201, 0.002061855670103093, 0.002053388090349076, 0.002044989775051125, 0.002036659877800407, 0.002028397565922921, 0.00202020202020202, 0.002012072434607646,
  0.002004008016032064, 0.001996007984031936, 0.0019880715705765406, 0.0019801980198019802, 0.0019723865877712033, 0.0019646365422396855, 0.0019569471624266144, 0.001949317738791423,
  0.001941747572815534, 0.0019342359767891683, 0.0019267822736030828, 0.0019193857965451055, 0.0019120458891013384, 0.0019047619047619048, 0.0018975332068311196, 0.001890359168241966,
  0.0018832391713747645, 0.001876172607879925, 0.001869158878504673, 0.00186219739292365, 0.0018552875695732839, 0.0018484288354898336, 0.001841620626151013, 0.001834862385321101,
  0.0018281535648994515, 0.0018214936247723133, 0.0018148820326678765, 0.0018083182640144665, 0.0018018018018018018, 0.0017953321364452424, 0.0017889087656529517, 0.0017825311942959,
  0.0017761989342806395, 0.0017699115044247787, 0.001763668430335097, 0.0017574692442882249, 0.0017513134851138354, 0.0017452006980802793, 0.0017391304347826088, 0.0017331022530329288,
  0.0017271157167530224, 0.0017211703958691911, 0.0017152658662092624, 0.0017094017094017094, 0.0017035775127768314, 0.001697792869269949, 0.001692047377326565, 0.0016863406408094434,
  0.0016806722689075631, 0.0016750418760469012, 0.001669449081803005, 0.0016638935108153079, 0.001658374792703151, 0.001652892561983471, 0.0016474464579901153, 0.0016420361247947454,
  0.0016366612111292963, 0.0016313213703099511, 0.0016260162601626016, 0.0016207455429497568, 0.0016155088852988692, 0.001610305958132045, 0.0016051364365971107, 0.0016,
  0.001594896331738437, 0.001589825119236884, 0.001584786053882726, 0.001579778830963665, 0.0015748031496062992, 0.0015698587127158557, 0.001564945226917058, 0.0015600624024961,
  0.0015552099533437014, 0.0015503875968992248, 0.0015455950540958269, 0.0015408320493066256, 0.0015360983102918587, 0.0015313935681470138, 0.0015267175572519084, 0.0015220700152207,
  0.0015174506828528073, 0.0015128593040847202, 0.0015082956259426848, 0.0015037593984962407, 0.0014992503748125937, 0.0014947683109118087, 0.0014903129657228018, 0.0014858841010401188,
  0.0014814814814814814, 0.0014771048744460858, 0.0014727540500736377, 0.0014684287812041115, 0.0014641288433382138, 0.00145985401459854, 0.001455604075691412, 0.001451378809869376,
  0.001447178002894356, 0.001443001443001443, 0.0014388489208633094, 0.0014347202295552368, 0.001430615164520744, 0.0014265335235378032, 0.001422475106685633, 0.0014184397163120568,
  0.0014144271570014145, 0.0014104372355430183, 0.0014064697609001407, 0.001402524544179523, 0.0013986013986013986, 0.001394700139470014, 0.0013908205841446453, 0.0013869625520110957,
  0.0013831258644536654, 0.001379310344827586, 0.001375515818431912, 0.0013717421124828531, 0.0013679890560875513, 0.001364256480218281, 0.0013605442176870747, 0.0013568521031207597,
  0.0013531799729364006, 0.001349527665317139, 0.0013458950201884253, 0.0013422818791946308, 0.0013386880856760374, 0.0013351134846461949, 0.0013315579227696406, 0.0013280212483399733,
  0.0013245033112582781, 0.001321003963011889, 0.0013175230566534915, 0.001314060446780552, 0.001310615989515072, 0.00130718954248366, 0.001303780964797914, 0.0013003901170351106,
  0.0012970168612191958, 0.00129366106080207, 0.0012903225806451613, 0.001287001287001287, 0.0012836970474967907, 0.0012804097311139564, 0.001277139208173691, 0.0012738853503184713,
  0.0012706480304955528, 0.0012674271229404308, 0.0012642225031605564, 0.0012610340479192938, 0.0012578616352201257, 0.0012547051442910915, 0.0012515644555694619, 0.0012484394506866417,
]);

/** erf(λ/√2) given e = exp_neg(−0.5·λ·λ): series erf(x) = (2/√π) e^{−x²} Σ_n x (2x²)^n/(2n+1)!!
 *  with x = |λ|/√2, 2x² = λ² (positive terms, no cancellation), term_n = (term_{n−1}·λ²)·R_n with
 *  R_n = 1/(2n+1) from a table; ±1 for |λ| ≥ 8.5. */
// @ts-ignore: decorator
@inline
function erf_half(lam: f64, e: f64): f64 {
  const al = Math.abs(lam);
  if (!(al < 8.5)) return lam != lam ? lam : (lam > 0 ? 1.0 : -1.0);
  const l2 = lam * lam;
  let term = al * INV_SQRT2;
  let sum = term;
  for (let n = 0; n < 400; n++) {
    term = term * l2 * load<f64>(ERF_R + (<usize>n << 3));
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  let v = TWO_OVER_SQRTPI * e * sum;
  if (v > 1.0) v = 1.0;
  return lam < 0 ? -v : v;
}

/** σ(λ) for an activation code (0 erf(x/√2), 1 linear, 2 x², 3 relu). Exported for tests. */
export function sgd_act(code: i32, lam: f64): f64 {
  return act_val(code, lam);
}

// @ts-ignore: decorator
@inline
function act_val(code: i32, lam: f64): f64 {
  if (code == ACT_ERF) return erf_half(lam, exp_neg(-0.5 * lam * lam));
  if (code == ACT_LINEAR) return lam;
  if (code == ACT_QUADRATIC) return lam * lam;
  return lam > 0 ? lam : 0.0;
}

// ---------------------------------------------------------------- dots in the fixed order
/** Σ a_i b_i in the fixed order of the file header. */
function dot_fixed(a: usize, b: usize, n: i32): f64 {
  let i = 0;
  let s: f64;
  if (ASC_FEATURE_SIMD) {
    let va = f64x2.splat(0), vb = f64x2.splat(0);
    for (; i + 3 < n; i += 4) {
      const o = <usize>i << 3;
      va = f64x2.add(va, f64x2.mul(v128.load(a + o), v128.load(b + o)));
      vb = f64x2.add(vb, f64x2.mul(v128.load(a + o, 16), v128.load(b + o, 16)));
    }
    s = (f64x2.extract_lane(va, 0) + f64x2.extract_lane(vb, 0)) + (f64x2.extract_lane(va, 1) + f64x2.extract_lane(vb, 1));
  } else {
    let q0: f64 = 0, q1: f64 = 0, q2: f64 = 0, q3: f64 = 0;
    for (; i + 3 < n; i += 4) {
      q0 += ldf(a, i) * ldf(b, i);
      q1 += ldf(a, i + 1) * ldf(b, i + 1);
      q2 += ldf(a, i + 2) * ldf(b, i + 2);
      q3 += ldf(a, i + 3) * ldf(b, i + 3);
    }
    s = (q0 + q2) + (q1 + q3);
  }
  for (; i < n; i++) s += ldf(a, i) * ldf(b, i);
  return s;
}

/** out[0..3] = (r_m · x) for four rows sharing the x loads; bit-identical to dot_fixed per row. */
function dot4_fixed(r0: usize, r1: usize, r2: usize, r3: usize, x: usize, n: i32, out: usize): void {
  if (ASC_FEATURE_SIMD) {
    let a0 = f64x2.splat(0), b0 = f64x2.splat(0), a1 = f64x2.splat(0), b1 = f64x2.splat(0);
    let a2 = f64x2.splat(0), b2 = f64x2.splat(0), a3 = f64x2.splat(0), b3 = f64x2.splat(0);
    let i = 0;
    for (; i + 3 < n; i += 4) {
      const o = <usize>i << 3;
      const xa = v128.load(x + o), xb = v128.load(x + o, 16);
      a0 = f64x2.add(a0, f64x2.mul(v128.load(r0 + o), xa));
      b0 = f64x2.add(b0, f64x2.mul(v128.load(r0 + o, 16), xb));
      a1 = f64x2.add(a1, f64x2.mul(v128.load(r1 + o), xa));
      b1 = f64x2.add(b1, f64x2.mul(v128.load(r1 + o, 16), xb));
      a2 = f64x2.add(a2, f64x2.mul(v128.load(r2 + o), xa));
      b2 = f64x2.add(b2, f64x2.mul(v128.load(r2 + o, 16), xb));
      a3 = f64x2.add(a3, f64x2.mul(v128.load(r3 + o), xa));
      b3 = f64x2.add(b3, f64x2.mul(v128.load(r3 + o, 16), xb));
    }
    let s0 = (f64x2.extract_lane(a0, 0) + f64x2.extract_lane(b0, 0)) + (f64x2.extract_lane(a0, 1) + f64x2.extract_lane(b0, 1));
    let s1 = (f64x2.extract_lane(a1, 0) + f64x2.extract_lane(b1, 0)) + (f64x2.extract_lane(a1, 1) + f64x2.extract_lane(b1, 1));
    let s2 = (f64x2.extract_lane(a2, 0) + f64x2.extract_lane(b2, 0)) + (f64x2.extract_lane(a2, 1) + f64x2.extract_lane(b2, 1));
    let s3 = (f64x2.extract_lane(a3, 0) + f64x2.extract_lane(b3, 0)) + (f64x2.extract_lane(a3, 1) + f64x2.extract_lane(b3, 1));
    for (; i < n; i++) {
      const xi = ldf(x, i);
      s0 += ldf(r0, i) * xi; s1 += ldf(r1, i) * xi; s2 += ldf(r2, i) * xi; s3 += ldf(r3, i) * xi;
    }
    stf(out, 0, s0); stf(out, 1, s1); stf(out, 2, s2); stf(out, 3, s3);
  } else {
    stf(out, 0, dot_fixed(r0, x, n));
    stf(out, 1, dot_fixed(r1, x, n));
    stf(out, 2, dot_fixed(r2, x, n));
    stf(out, 3, dot_fixed(r3, x, n));
  }
}

/** out[j] = (row j of A) · x for rows 0..m−1 of the m×n matrix A (fixed order). */
function matvec_fixed(A: usize, m: i32, n: i32, x: usize, out: usize): void {
  let j = 0;
  for (; j + 3 < m; j += 4) {
    const r = rowp(A, j, n);
    const st = <usize>n << 3;
    dot4_fixed(r, r + st, r + 2 * st, r + 3 * st, x, n, out + (<usize>j << 3));
  }
  for (; j < m; j++) stf(out, j, dot_fixed(rowp(A, j, n), x, n));
}

/** Row j of W (m×n) += c[j] · x for all j (element-wise: same bits in every build). */
function rank1_rows(W: usize, m: i32, n: i32, c: usize, x: usize): void {
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    const st = <usize>n << 3;
    for (; j + 3 < m; j += 4) {
      const r0 = rowp(W, j, n), r1 = r0 + st, r2 = r1 + st, r3 = r2 + st;
      const c0 = ldf(c, j), c1 = ldf(c, j + 1), c2 = ldf(c, j + 2), c3 = ldf(c, j + 3);
      const v0 = f64x2.splat(c0), v1 = f64x2.splat(c1), v2 = f64x2.splat(c2), v3 = f64x2.splat(c3);
      let i = 0;
      for (; i + 1 < n; i += 2) {
        const o = <usize>i << 3;
        const xv = v128.load(x + o);
        v128.store(r0 + o, f64x2.add(v128.load(r0 + o), f64x2.mul(v0, xv)));
        v128.store(r1 + o, f64x2.add(v128.load(r1 + o), f64x2.mul(v1, xv)));
        v128.store(r2 + o, f64x2.add(v128.load(r2 + o), f64x2.mul(v2, xv)));
        v128.store(r3 + o, f64x2.add(v128.load(r3 + o), f64x2.mul(v3, xv)));
      }
      for (; i < n; i++) {
        const xi = ldf(x, i);
        stf(r0, i, ldf(r0, i) + c0 * xi); stf(r1, i, ldf(r1, i) + c1 * xi);
        stf(r2, i, ldf(r2, i) + c2 * xi); stf(r3, i, ldf(r3, i) + c3 * xi);
      }
    }
  }
  for (; j < m; j++) {
    const r = rowp(W, j, n);
    const cj = ldf(c, j);
    let i = 0;
    if (ASC_FEATURE_SIMD) {
      const v = f64x2.splat(cj);
      for (; i + 1 < n; i += 2) {
        const o = <usize>i << 3;
        v128.store(r + o, f64x2.add(v128.load(r + o), f64x2.mul(v, v128.load(x + o))));
      }
    }
    for (; i < n; i++) stf(r, i, ldf(r, i) + cj * ldf(x, i));
  }
}

// ---------------------------------------------------------------- initialisation

/** W* (k×d, row-major) = √d × orthonormal rows: k·d polar normals (as rng_fill_normal), then
 *  modified Gram–Schmidt applied twice (row i: for pass 1, 2: for j < i: w_i −= (w_i·w_j) w_j;
 *  then w_i *= 1/‖w_i‖), finally every row ×√d. So P = W*W*ᵀ/d = I to rounding (k ≤ d).
 *  Returns 0, or 1 if a row became (numerically) dependent. `work` is unused (kept for the API). */
export function teacher_orthonormal(state: usize, Wstar: usize, k: i32, d: i32, work: usize): i32 {
  if (k <= 0 || d <= 0) return 0;
  rng_fill_normal(state, Wstar, k * d);
  let bad = 0;
  for (let i = 0; i < k; i++) {
    const wi = rowp(Wstar, i, d);
    for (let pass = 0; pass < 2; pass++) {
      for (let j = 0; j < i; j++) {
        const wj = rowp(Wstar, j, d);
        const r = dot_fixed(wi, wj, d);
        for (let t = 0; t < d; t++) stf(wi, t, ldf(wi, t) - r * ldf(wj, t));
      }
    }
    const nrm = Math.sqrt(dot_fixed(wi, wi, d));
    if (!(nrm > 1e-150)) bad = 1;
    const inv = 1.0 / nrm;
    for (let t = 0; t < d; t++) stf(wi, t, ldf(wi, t) * inv);
  }
  const s = Math.sqrt(<f64>d);
  const n = k * d;
  for (let t = 0; t < n; t++) stf(Wstar, t, ldf(Wstar, t) * s);
  return bad;
}

/** W (p×d) entries i.i.d. N(0,1): p·d polar normals exactly as rng_fill_normal. (The
 *  "same overlaps at any d" init W0 = M W* is a gemm done by the host, src/committee/sgd.ts.) */
export function student_gaussian(state: usize, W: usize, p: i32, d: i32): void {
  rng_fill_normal(state, W, p * d);
}

// ---------------------------------------------------------------- ziggurat normals

// Wedge / tail slow path on the state in memory (rare: ~1.3% of attempts).
function next_uniform(state: usize): f64 {
  let s0 = load<u64>(state), s1 = load<u64>(state, 8), s2 = load<u64>(state, 16), s3 = load<u64>(state, 24);
  const r = rotl<u64>(s0 + s3, 23) + s0;
  const t = s1 << 17;
  s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl<u64>(s3, 45);
  store<u64>(state, s0); store<u64>(state, s1, 8); store<u64>(state, s2, 16); store<u64>(state, s3, 24);
  return <f64>(<i64>(r >> 11)) * 1.1102230246251565e-16;
}

/** Slow path of one attempt that missed the rectangle of layer i at abscissa z (sign s ∈ {0,1}).
 *  Returns the accepted value, or NaN to signal "draw a new u". */
function zig_slow(state: usize, tables: usize, i: i32, z: f64, s: u64): f64 {
  if (i == 0) {
    const r = ldf(tables, ZX_OFF + 1);
    let a: f64 = 0, b: f64 = 0;
    do {
      a = -rng_log(1.0 - next_uniform(state)) / r;
      b = -rng_log(1.0 - next_uniform(state));
    } while (b + b < a * a);
    const v = r + a;
    return s != 0 ? -v : v;
  }
  const u2 = next_uniform(state);
  const fi = ldf(tables, ZF_OFF + i), fi1 = ldf(tables, ZF_OFF + i + 1);
  if (fi + u2 * (fi1 - fi) < exp_neg(-0.5 * z * z)) return s != 0 ? -z : z;
  return NaN;
}

/** out[0..n) = ziggurat normals (scheme in the file header); tables = the 514 table slots. */
function zig_fill(state: usize, tables: usize, out: usize, n: i32): void {
  let s0 = load<u64>(state), s1 = load<u64>(state, 8), s2 = load<u64>(state, 16), s3 = load<u64>(state, 24);
  const zx = tables + (<usize>ZX_OFF << 3);
  let i = 0;
  while (i < n) {
    const r = rotl<u64>(s0 + s3, 23) + s0;
    const t = s1 << 17;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl<u64>(s3, 45);
    const lp = zx + (<usize>(r & 255) << 3);
    // (r >>> 11) < 2^53: the signed conversion is exact and cheaper than the unsigned one
    const z = <f64>(<i64>(r >> 11)) * 1.1102230246251565e-16 * load<f64>(lp);
    if (z < load<f64>(lp, 8)) {
      // z ≥ 0: OR-ing bit 8 of r into the sign bit is exactly (bit ? −z : z)
      store<f64>(out + (<usize>i << 3), reinterpret<f64>(reinterpret<u64>(z) | ((r & 256) << 55)));
      i++;
      continue;
    }
    const layer = <i32>(r & 255);
    const sg = (r >> 8) & 1;
    store<u64>(state, s0); store<u64>(state, s1, 8); store<u64>(state, s2, 16); store<u64>(state, s3, 24);
    const v = zig_slow(state, tables, layer, z, sg);
    s0 = load<u64>(state); s1 = load<u64>(state, 8); s2 = load<u64>(state, 16); s3 = load<u64>(state, 24);
    if (v == v) {
      stf(out, i, v);
      i++;
    }
  }
  store<u64>(state, s0); store<u64>(state, s1, 8); store<u64>(state, s2, 16); store<u64>(state, s3, 24);
}

/** out[0..n) = ziggurat normals from `state`, with the tables at work[0..514). Exported for the
 *  twin and distribution tests. */
export function sgd_zig_fill(state: usize, work: usize, out: usize, n: i32): void {
  if (n > 0) zig_fill(state, work, out, n);
}

// ---------------------------------------------------------------- the SGD loop

/** Run `nsteps` one-pass SGD steps (committee.md §8.5, S5–S7) in place on W (p×d), and on a (p)
 *  if the params block says the second layer is trained. p, k, γ/p, Δ, activations and the train
 *  flag come from the params block (gen/committee_layout.ts); a* is at `astar` (k entries, normally
 *  params + 8·(16 + k²)). `a` must hold p entries even when not trained (normally 1).
 *  Per step, with x = the d ziggurat normals and ξ the (d+1)-th:
 *    λ = Wx/√d, λ* = W*x/√d  (dots in the fixed order, then × 1/√d)
 *    ŷ = (1/p) Σ_j a_j σ(λ_j)        (sum in j order, then × (1/p))
 *    y = (1/k) Σ_r a*_r σ*(λ*_r) + √Δ ξ
 *    E = y − ŷ;  c_j = (((γ/p)·E)·a_j)·σ′(λ_j)·(1/√d);  if trained a_j += ((γ/(pd))·E)·σ(λ_j)
 *    w_j += c_j x                    (c_j uses the old a_j)
 *  σ′: erf(x/√2) → √(2/π) e^{−λ²/2}; linear → 1; x² → 2λ; relu → Θ(λ) (λ > 0).
 *  Returns 0 if all steps ran with finite fields; otherwise 1 + (number of updates applied)
 *  when a non-finite λ, λ*, ŷ or E appears (that step is not applied), or nsteps + 1 when the
 *  final weights are non-finite. */
export function sgd_run(
  state: usize, W: usize, Wstar: usize, a: usize, astar: usize, params: usize, d: i32, nsteps: i32, work: usize,
): i32 {
  const p = <i32>ldf(params, PAR_P);
  const k = <i32>ldf(params, PAR_K);
  const gp = ldf(params, PAR_GAMMA_OVER_P);
  const gamma = gp * <f64>p;
  const sqrtNoise = Math.sqrt(ldf(params, PAR_NOISE));
  const act = <i32>ldf(params, PAR_ACT);
  const tact = <i32>ldf(params, PAR_TACT);
  const trainA = ldf(params, PAR_TRAIN_A) != 0;
  const fd = <f64>d;
  const invSqrtD = 1.0 / Math.sqrt(fd);
  const invP = 1.0 / <f64>p;
  const invK = 1.0 / <f64>k;
  const gpd = gamma / (<f64>p * fd);
  const x = work + (<usize>XBUF_OFF << 3);
  const lam = x + (<usize>sgdXLen(d) << 3);
  const lamS = lam + (<usize>p << 3);
  const coef = lamS + (<usize>k << 3);
  for (let step = 0; step < nsteps; step++) {
    zig_fill(state, work, x, d + 1);
    const xi = ldf(x, d);
    matvec_fixed(W, p, d, x, lam);
    matvec_fixed(Wstar, k, d, x, lamS);
    let yt: f64 = 0;
    let chk: f64 = 0;
    for (let r = 0; r < k; r++) {
      const l = ldf(lamS, r) * invSqrtD;
      chk += l - l;
      yt += ldf(astar, r) * act_val(tact, l);
    }
    const y = yt * invK + sqrtNoise * xi;
    let ys: f64 = 0;
    for (let j = 0; j < p; j++) {
      const l = ldf(lam, j) * invSqrtD;
      stf(lam, j, l);
      chk += l - l;
      // σ and σ′ together (erf shares its exponential)
      let s: f64, ds: f64;
      if (act == ACT_ERF) {
        const e = exp_neg(-0.5 * l * l);
        s = erf_half(l, e);
        ds = SQRT_2_OVER_PI * e;
      } else if (act == ACT_LINEAR) {
        s = l; ds = 1.0;
      } else if (act == ACT_QUADRATIC) {
        s = l * l; ds = l + l;
      } else {
        s = l > 0 ? l : 0.0; ds = l > 0 ? 1.0 : 0.0;
      }
      stf(coef, j, ds);
      ys += ldf(a, j) * s;
    }
    const E = y - ys * invP;
    chk += E - E;
    if (chk != 0 || chk != chk) return step + 1;
    const gE = gp * E;
    for (let j = 0; j < p; j++) {
      stf(coef, j, gE * ldf(a, j) * ldf(coef, j) * invSqrtD);
    }
    if (trainA) {
      const gdE = gpd * E;
      // σ(λ_j) recomputed from the stored λ_j (same bits as above).
      for (let j = 0; j < p; j++) stf(a, j, ldf(a, j) + gdE * act_val(act, ldf(lam, j)));
    }
    rank1_rows(W, p, d, coef, x);
  }
  // Final finiteness check of the weights (a non-finite update on the last step).
  let chk: f64 = 0;
  const n = p * d;
  for (let t = 0; t < n; t++) { const v = ldf(W, t); chk += v - v; }
  for (let j = 0; j < p; j++) { const v = ldf(a, j); chk += v - v; }
  if (chk != 0 || chk != chk) return nsteps + 1;
  return 0;
}

/** Committee state of the weights (layout: gen/committee_layout.ts): out = [Q (p×p) = WWᵀ/d,
 *  M (p×k) = WW*ᵀ/d, a (p) if trainA != 0]. Dots in the fixed order, then ÷ d; Q is computed for
 *  j ≥ i and mirrored (exactly symmetric). */
export function overlaps_f64(W: usize, Wstar: usize, a: usize, p: i32, k: i32, d: i32, trainA: i32, out: usize): void {
  const fd = <f64>d;
  for (let i = 0; i < p; i++) {
    const wi = rowp(W, i, d);
    for (let j = i; j < p; j++) {
      const q = dot_fixed(wi, rowp(W, j, d), d) / fd;
      stf(out, i * p + j, q);
      stf(out, j * p + i, q);
    }
    for (let r = 0; r < k; r++) stf(out, p * p + i * k + r, dot_fixed(wi, rowp(Wstar, r, d), d) / fd);
  }
  if (trainA != 0) for (let j = 0; j < p; j++) stf(out, p * p + p * k + j, ldf(a, j));
}
