// The one definition of everything AssemblyScript (assembly/) and TypeScript (src/) must agree on:
// memory layouts of parameter blocks and stats, enum codes, work sizes, the DOPRI5 tableau.
// codegen/gen.mjs writes assembly/gen/<group>.ts and src/gen/<group>.ts from it (run by `npm run asbuild`);
// the generated files are committed, and test/wasm/contract.test.ts checks that regeneration is a no-op.
//
// Format of a group:
//   tables:    [{ ts, as, type, doc, entries: [[tsKey, asSuffix?, value]] }]
//              TS: `export const <ts> = { tsKey: value, … } as const`; AS: `export const <as><asSuffix>: type = value`
//              (asSuffix defaults to tsKey in UPPER_SNAKE case).
//   consts:    [{ name, type, value, doc }]  same name in both languages. f64 values are strings 'a/b' or a
//              decimal literal, written as `a.0 / b.0` in AS and `a / b` in TS (both round the same IEEE division).
//   functions: [{ name, params, doc, body }]  i32 arithmetic in the common subset of both languages
//              (const/let/if/return, + - * & ~, comparisons, ternaries; no `/`, whose meaning differs).
//              `@TABLE.key` in a body names a table entry (AS `<as><SUFFIX>`, TS `<ts>.<key>`).

const upperSnake = (k) => k.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
const entries = (obj) => Object.entries(obj).map(([k, v]) => [k, upperSnake(k), v]);

export const groups = {
  committee_layout: {
    doc: 'Committee engine (committee.md §8): params block, state layout, codes, ODE stats, work sizes.\n' +
      'Params block (f64): header of PAR.HEADER slots, then P (k×k, row-major), then a* (k).\n' +
      'Committee ODE state y (f64): Q (p×p, full, symmetric), then M (p×k), then a (p) if trained.\n' +
      'Mean-field state (f64): M (p×k), then q (p).',
    tables: [
      {
        ts: 'PAR', as: 'PAR_', type: 'i32',
        doc: 'Header slots of the params block: p, k, γ/p, noise Δ, variance terms (VAR_CODE), student and teacher ' +
          'activation (ACT_CODE), train second layer (0/1), Gauss–Hermite nodes per dimension (relu I4), d (mean-field ' +
          'Ξ average), Gauss–Jacobi nodes (mean-field Ξ average); slots 11..15 reserved (0).',
        entries: [['P', 'P', 0], ['K', 'K', 1], ['GAMMA_OVER_P', 'GAMMA_OVER_P', 2], ['NOISE', 'NOISE', 3], ['VAR', 'VAR', 4],
          ['ACT', 'ACT', 5], ['TACT', 'TACT', 6], ['TRAIN_A', 'TRAIN_A', 7], ['GH_NODES', 'GH_NODES', 8], ['DIM', 'DIM', 9],
          ['GJ_NODES', 'GJ_NODES', 10], ['HEADER', 'HEADER', 16]],
      },
      { ts: 'VAR_CODE', as: 'VAR_', type: 'i32', doc: 'Variance terms of the ODE (committee.md §8.2).', entries: entries({ none: 0, noise: 1, full: 2 }) },
      { ts: 'ACT_CODE', as: 'ACT_', type: 'i32', doc: 'Activations: erf(x/√2), linear, x², relu.', entries: entries({ erf: 0, linear: 1, quadratic: 2, relu: 3 }) },
      {
        ts: 'MODEL', as: 'MODEL_', type: 'i32',
        doc: 'Model codes of the integrators: committee RHS, mean-field RHS, and two test models: linear dy = A y ' +
          '(params[0] = n, A row-major at params[PAR.HEADER..]) and quadratic dy_i = y_i² (params[0] = n; blow-up at t = 1/y0).',
        entries: entries({ committee: 0, meanfield: 1, linearTest: 2, quadraticTest: 3 }),
      },
      { ts: 'ODE_STATUS', as: 'ODE_', type: 'i32', doc: 'Integrator status codes.', entries: entries({ ok: 0, maxSteps: 1, stepTooSmall: 2, nonFinite: 3 }) },
      {
        ts: 'ODE_ST', as: 'ST_', type: 'i32',
        doc: 'Slots of the integrators\' stats block (ODE_STATS_LEN f64; Euler/RK4 add one save time per row): step size ' +
          'in/out, accepted, rejected, RHS evaluations (cumulative), t reached, FSAL/dense data valid, start of the last ' +
          'accepted step, PI-controller memory, rows written by this call, last accepted error norm.',
        entries: [['h', 'H', 0], ['accepted', 'ACC', 1], ['rejected', 'REJ', 2], ['nfev', 'NFEV', 3], ['t', 'T', 4], ['fsal', 'FSAL', 5],
          ['told', 'TOLD', 6], ['facold', 'FACOLD', 7], ['rows', 'ROWS', 8], ['err', 'ERR', 9]],
      },
    ],
    consts: [
      { name: 'ODE_STATS_LEN', type: 'i32', value: 16, doc: 'f64 slots of the stats block (fixed-step methods: + one per save row).' },
      { name: 'RELU_SLOTS', type: 'i32', value: 168, doc: 'relu scratch of the committee RHS: Gauss–Hermite cache (66) | Gauss–Legendre cache (50) | three 4×4 covariance levels + pad (52).' },
    ],
    functions: [
      { name: 'paramsLength', params: ['k'], doc: 'f64 length of the committee params block.', body: 'return @PAR.HEADER + k * k + k;' },
      { name: 'meanfieldPinvOffset', params: ['k'], doc: 'Mean-field params block: offset of P⁻¹ (k×k), after the header, P and a*.', body: 'return @PAR.HEADER + k * k + k;' },
      { name: 'meanfieldZOffset', params: ['k'], doc: 'Mean-field params block: offset of the Gauss–Jacobi nodes z (GJ_NODES), followed by the weights w (GJ_NODES).', body: 'return @PAR.HEADER + 2 * k * k + k;' },
      { name: 'meanfieldParamsLength', params: ['k', 'ng'], doc: 'f64 length of the mean-field params block with ng Gauss–Jacobi nodes.', body: 'return meanfieldZOffset(k) + 2 * ng;' },
      { name: 'committeeWorkF64', params: ['p', 'k'], doc: 'f64 work of committee_rhs / committee_risk: Ω (N²) | w, 1+Ω_cc, s, A·r, B·r, r (6N) | scratch (N + 16) | g (p·N) | μ, ν (2p) | H (p²) | relu cache | pad; N = p + k.', body: 'const n = p + k;\nreturn n * n + 7 * n + 16 + p * n + 2 * p + p * p + RELU_SLOTS + 8;' },
      { name: 'meanfieldWorkF64', params: ['p', 'k'], doc: 'f64 work of meanfield_rhs / meanfield_risk.', body: 'return p * k + 2 * p + 4 * k * k + 8;' },
      { name: 'odeWorkF64', params: ['model', 'n', 'p', 'k'], doc: 'f64 work of the integrators: 14 state vectors (DOPRI5 stages, ynew, ystage, 5 dense rows), then the model\'s work.', body: 'let mw = 0;\nif (model == @MODEL.meanfield) mw = meanfieldWorkF64(p, k);\nelse if (model == @MODEL.committee) mw = committeeWorkF64(p, k);\nreturn 14 * n + mw;' },
    ],
  },

  dopri5: {
    doc: 'Dormand–Prince 5(4) tableau (Hairer–Nørsett–Wanner I, Table 5.2), its error weights E = b − b̂, the\n' +
      '4th-order continuous extension (Shampine) and the PI step-size controller constants (Hairer: β = 0.04).',
    consts: [
      ...[['C2', '0.2'], ['C3', '0.3'], ['C4', '0.8'], ['C5', '8/9']].map(([name, value]) => ({ name, type: 'f64', value })),
      ...[['A21', '0.2'], ['A31', '3/40'], ['A32', '9/40'], ['A41', '44/45'], ['A42', '-56/15'], ['A43', '32/9'],
        ['A51', '19372/6561'], ['A52', '-25360/2187'], ['A53', '64448/6561'], ['A54', '-212/729'],
        ['A61', '9017/3168'], ['A62', '-355/33'], ['A63', '46732/5247'], ['A64', '49/176'], ['A65', '-5103/18656'],
        ['A71', '35/384'], ['A73', '500/1113'], ['A74', '125/192'], ['A75', '-2187/6784'], ['A76', '11/84']].map(([name, value]) => ({ name, type: 'f64', value })),
      ...[['E1', '71/57600'], ['E3', '-71/16695'], ['E4', '71/1920'], ['E5', '-17253/339200'], ['E6', '22/525'], ['E7', '-1/40']].map(([name, value]) => ({ name, type: 'f64', value })),
      ...[['D1', '-12715105075/11282082432'], ['D3', '87487479700/32700410799'], ['D4', '-10690763975/1880347072'],
        ['D5', '701980252875/199316789632'], ['D6', '-1453857185/822651844'], ['D7', '69997945/29380423']].map(([name, value]) => ({ name, type: 'f64', value })),
      { name: 'SAFE', type: 'f64', value: '0.9', doc: 'safety factor of the step-size controller' },
      { name: 'FAC_MIN', type: 'f64', value: '0.2', doc: 'smallest step-size ratio' },
      { name: 'FAC_MAX', type: 'f64', value: '10', doc: 'largest step-size ratio' },
      { name: 'BETA', type: 'f64', value: '0.04', doc: 'PI-controller exponent β' },
    ],
  },

  sgd_layout: {
    doc: 'Committee SGD kernel (committee.md §8.5): layout of the sgd_run work buffer (f64 slots): ziggurat\n' +
      'tables X (ZIG_N + 1) and F (ZIG_N + 1), then x and ξ (d + 1, padded to even, 16-byte aligned), λ (p), λ* (k),\n' +
      'per-row coefficients (p), padding.',
    consts: [
      { name: 'ZIG_N', type: 'i32', value: 256, doc: 'ziggurat layers' },
      { name: 'ZX_OFF', type: 'i32', value: 0, doc: 'offset of the ziggurat X table' },
      { name: 'ZF_OFF', type: 'i32', value: 257, doc: 'offset of the ziggurat F table' },
      { name: 'ZIG_TABLE_LEN', type: 'i32', value: 514, doc: 'f64 slots of both tables' },
      { name: 'XBUF_OFF', type: 'i32', value: 516, doc: 'offset of the x buffer (16-byte aligned when work is)' },
    ],
    functions: [
      { name: 'sgdXLen', params: ['d'], doc: 'x then ξ, padded to an even count.', body: 'return (d + 2) & ~1;' },
      { name: 'sgdWorkLen', params: ['p', 'k', 'd'], doc: 'f64 slots of the sgd_run work buffer.', body: 'return XBUF_OFF + sgdXLen(d) + 2 * p + k + 8;' },
    ],
  },

  dmft_layout: {
    doc: 'DMFT kernels (dmft.md §6, §10, §11): SymmDMFT parameter block (assembly/dmft.ts), the direct-simulation\n' +
      'parameter block (assembly/dmft_sim.ts), work sizes of the reduced systems (assembly/dmft_reduced.ts).',
    tables: [
      {
        ts: 'DMFT_PAR', as: 'DMFT_', type: 'i32',
        doc: 'SymmDMFT parameter block (f64 slots; pointers stored as byte offsets): S, m, K = ᾱ/m, τ², ‖φ‖², η, frozen a, ' +
          'spherical, imex, nh, nφ, h coeffs, φ̂ coeffs, C_d, C_o, C_A, R_d, R_o, R_A, a, v, ν, e_tr, e_ts, φ̂(v_l), work (DMFT_WORK_ROWS·S).',
        entries: [['S', 'S', 0], ['M', 'M', 1], ['K', 'K', 2], ['TAU2', 'TAU2', 3], ['PHI2', 'PHI2', 4], ['ETA', 'ETA', 5],
          ['FROZEN', 'FROZEN', 6], ['SPHERICAL', 'SPHERICAL', 7], ['IMEX', 'IMEX', 8], ['NH', 'NH', 9], ['NPH', 'NPH', 10],
          ['HC', 'HC', 11], ['PHC', 'PHC', 12], ['CD', 'CD', 13], ['CO', 'CO', 14], ['CA', 'CA', 15], ['RD', 'RD', 16],
          ['RO', 'RO', 17], ['RA', 'RA', 18], ['A', 'A', 19], ['V', 'V', 20], ['NU', 'NU', 21], ['ETR', 'ETR', 22],
          ['ETS', 'ETS', 23], ['PHV', 'PHV', 24], ['WORK', 'WORK', 25]],
      },
      {
        ts: 'DSIM_PAR', as: 'P_', type: 'i32',
        doc: 'Direct-simulation params block (f64 slots): m, d, n, K (max Hermite degree), lr, batch B (≥ n: full batch), ' +
          'trainA, project, τ, signal; b_k (σ = Σ b_k He_k) from B0, c_k (h(q) = Σ c_k q^k) from C0, DSIM_MAX_DEGREE + 1 each.',
        entries: [['M', 'M', 0], ['D', 'D', 1], ['N', 'N', 2], ['K', 'K', 3], ['LR', 'LR', 4], ['B', 'B', 5], ['TRAIN_A', 'TRAINA', 6],
          ['PROJECT', 'PROJ', 7], ['TAU', 'TAU', 8], ['SIGNAL', 'SIGNAL', 9], ['B0', 'B0', 10], ['C0', 'C0', 19]],
      },
      {
        ts: 'DMFT_GRID_PAR', as: 'GRID_', type: 'i32',
        doc: 'Adaptive-grid SymmDMFT parameter block (assembly/dmft_grid.ts; f64 slots, pointers stored as byte offsets): ' +
          'capacity, m, K, τ², ‖φ‖², frozen a, spherical, imex, nh, nφ, h coeffs, φ̂ coeffs, t, C_d, C_o, C_A, R_d, R_o, R_A, ' +
          'a, v, φ̂(v), ν, e_tr, e_ts, work (DMFT_GRID_WORK_ROWS·cap); then the outputs of dmft_grid_row: ν, I, L_d, L_o, ȧ, v̇_E.',
        entries: [['CAP', 'CAP', 0], ['M', 'M', 1], ['K', 'K', 2], ['TAU2', 'TAU2', 3], ['PHI2', 'PHI2', 4], ['FROZEN', 'FROZEN', 5],
          ['SPHERICAL', 'SPHERICAL', 6], ['IMEX', 'IMEX', 7], ['NH', 'NH', 8], ['NPH', 'NPH', 9], ['HC', 'HC', 10], ['PHC', 'PHC', 11],
          ['T', 'T', 12], ['CD', 'CD', 13], ['CO', 'CO', 14], ['CA', 'CA', 15], ['RD', 'RD', 16], ['RO', 'RO', 17], ['RA', 'RA', 18],
          ['A', 'A', 19], ['V', 'V', 20], ['PHV', 'PHV', 21], ['NU', 'NU', 22], ['ETR', 'ETR', 23], ['ETS', 'ETS', 24], ['WORK', 'WORK', 25],
          ['OUT_NU', 'OUT_NU', 26], ['OUT_I', 'OUT_I', 27], ['OUT_LD', 'OUT_LD', 28], ['OUT_LO', 'OUT_LO', 29], ['OUT_ADOT', 'OUT_ADOT', 30],
          ['OUT_VE', 'OUT_VE', 31]],
      },
      {
        ts: 'DMFT_THETA_PAR', as: 'THETA_', type: 'i32',
        doc: 'θ-grid SymmDMFT parameter block (assembly/dmft_theta.ts, twin thetaEval in src/numerics/dmft-theta.ts; f64 slots, ' +
          'pointers stored as byte offsets): L, m, K, τ², ‖φ‖², frozen a, spherical, nh, nφ, h coeffs, φ̂ coeffs, slices S ' +
          '(THETA_NF·L per slice), one-time T (THETA_NT per slice), θ, 1 − θ, quadrature weights, A1/A2/B2 stencil starts (i32) ' +
          'and weights (THETA_NS each), work: ray derivatives f (4L), f1 (4), one-time reads (6L), tmp, tmp2 (L), B2 plan offsets (i32, L²) and u (L²).',
        entries: [['L', 'L', 0], ['M', 'M', 1], ['K', 'K', 2], ['TAU2', 'TAU2', 3], ['PHI2', 'PHI2', 4], ['FROZEN', 'FROZEN', 5],
          ['SPHERICAL', 'SPHERICAL', 6], ['NH', 'NH', 7], ['NPH', 'NPH', 8], ['HC', 'HC', 9], ['PHC', 'PHC', 10], ['S', 'S', 11],
          ['T', 'T', 12], ['TH', 'TH', 13], ['THC', 'THC', 14], ['W', 'W', 15], ['A1S', 'A1S', 16], ['A1W', 'A1W', 17], ['A2S', 'A2S', 18],
          ['A2W', 'A2W', 19], ['B2S', 'B2S', 20], ['B2W', 'B2W', 21], ['F', 'F', 22], ['F1', 'F1', 23], ['ONET', 'ONET', 24],
          ['TMP', 'TMP', 25], ['TMP2', 'TMP2', 26], ['B2O', 'B2O', 27], ['B2U', 'B2U', 28]],
      },
      {
        ts: 'THETA_F', as: 'TF_', type: 'i32',
        doc: 'θ grid: interleaved per-node fields of a slice (THETA_NF per node): C_S, C_D, R_S, R_D, M_R,S, M_R,D, M_C,S, ' +
          'M_C,D (the eight dynamic fields, S/D pairs adjacent for f64x2), R̃_A, C_A, Σ_R, Σ_C.',
        entries: [['CS', 'CS', 0], ['CD', 'CD', 1], ['RS', 'RS', 2], ['RD', 'RD', 3], ['MRS', 'MRS', 4], ['MRD', 'MRD', 5],
          ['MCS', 'MCS', 6], ['MCD', 'MCD', 7], ['RA', 'RA', 8], ['CA', 'CA', 9], ['SR', 'SR', 10], ['SC', 'SC', 11]],
      },
      {
        ts: 'THETA_T', as: 'TT_', type: 'i32',
        doc: 'θ grid: one-time values per slice (THETA_NT): t, a, v, ν, I, C_o(t,t), C_d(t,t), λ_S, λ_D, e_tr, e_ts.',
        entries: [['T', 'T', 0], ['A', 'A', 1], ['V', 'V', 2], ['NU', 'NU', 3], ['I', 'I', 4], ['COD', 'COD', 5], ['CDD', 'CDD', 6],
          ['LS', 'LS', 7], ['LD', 'LD', 8], ['ETR', 'ETR', 9], ['ETS', 'ETS', 10]],
      },
    ],
    consts: [
      { name: 'DMFT_PAR_LEN', type: 'i32', value: 26, doc: 'f64 slots of the SymmDMFT parameter block' },
      { name: 'DMFT_WORK_ROWS', type: 'i32', value: 20, doc: 'rows of S f64 in the SymmDMFT work array (16 + 4 accumulators of the second sweep part)' },
      { name: 'DMFT_GRID_PAR_LEN', type: 'i32', value: 32, doc: 'f64 slots of the adaptive-grid parameter block (DMFT_GRID_PAR.OUT_VE + 1)' },
      { name: 'DMFT_GRID_WORK_ROWS', type: 'i32', value: 23, doc: 'rows of cap f64 in the adaptive-grid work array' },
      { name: 'DMFT_THETA_PAR_LEN', type: 'i32', value: 29, doc: 'f64 slots of the θ-grid parameter block (DMFT_THETA_PAR.B2U + 1)' },
      { name: 'THETA_NF', type: 'i32', value: 12, doc: 'θ grid: fields per node of a slice (THETA_F)' },
      { name: 'THETA_NT', type: 'i32', value: 11, doc: 'θ grid: one-time values per slice (THETA_T)' },
      { name: 'THETA_NS', type: 'i32', value: 6, doc: 'θ grid: interpolation stencil width (Lagrange degree THETA_NS − 1 in u)' },
      { name: 'DSIM_PAR_LEN', type: 'i32', value: 28, doc: 'f64 slots of the simulation params block' },
      { name: 'DSIM_MAX_DEGREE', type: 'i32', value: 8, doc: 'largest Hermite degree of σ (the Gaussian model supports k ≤ 3)' },
      { name: 'DSIM_CHUNK', type: 'i32', value: 256, doc: 'rows per chunk of the full-training-set forward pass (dsim_net_train_error)' },
    ],
    functions: [
      { name: 'dsimPopulationWorkLen', params: ['m'], doc: 'f64 work of dsim_population.', body: 'return m * m + m + 2;' },
      { name: 'dsimNetWorkLen', params: ['m', 'd', 'n', 'B'], doc: 'f64 work of dsim_net_run / dsim_net_train_error (batch B ≥ n: full batch).', body: 'const full = B >= n;\nconst b = full ? n : B;\nlet len = 2 * b * m + m * d + b + m + 8;\nif (!full) len += b * d;\nconst c = (n < DSIM_CHUNK ? n : DSIM_CHUNK) * m;\nreturn len > c ? len : c;' },
      { name: 'dsimGaussWorkLen', params: ['m', 'd', 'n'], doc: 'f64 work of dsim_gauss_run / dsim_gauss_train_error: r (n), F (m), grad a (m), G (m×d), per-sample feature gradients E (m×d), T2 (d×m), S2 (m×d), T3 (d²×m), Q3 (m×d²), G3 (m×d).', body: 'return n + 2 * m + 4 * m * d + d * m + 2 * d * d * m + m * d + 16;' },
      { name: 'dmftReducedWorkF64', params: ['N'], doc: 'f64 work of dmft_reduced_rows.', body: 'return 9 * (N + 1);' },
      { name: 'dmftFixedAbarWorkF64', params: ['N'], doc: 'f64 work of dmft_fixed_abar_rows.', body: 'return 16 * (N + 1);' },
    ],
  },

  kernel_layout: {
    doc: 'Kernel engine: codes of the inner-product kernel maps h(s) of kmap_f64 (kernel.md K3, K6).',
    tables: [
      { ts: 'KMAP_KIND', as: 'KMAP_', type: 'i32', doc: 'exp, polynomial, arc-cosine of order 0 and 1, ReLU NTK, Gegenbauer series.', entries: entries({ exp: 0, poly: 1, arccos0: 2, arccos1: 3, reluNtk: 4, gegenbauer: 5 }) },
      { ts: 'GRAM_FLAG', as: 'GRAM_', type: 'i32', doc: 'flags of the fused Gram gram_kmap_pk_f64: G diagonal set to exactly 1, K mirrored, G mirrored.', entries: entries({ UNIT_DIAG: 1, MIRROR_K: 2, MIRROR_G: 4 }) },
    ],
    consts: [
      { name: 'GRAM_TERM_F64', type: 'i32', value: 5, doc: 'f64 per map record of gram_kmap_pk_f64: kind, p0, coef pointer, ncoef, weight' },
      { name: 'GEMM_MC', type: 'i32', value: 96, doc: 'packed GEMM (assembly/gemm.ts): rows of the op(A) block packed per pass (a multiple of both tile heights, 4 and 6)' },
      { name: 'GEMM_KC', type: 'i32', value: 256, doc: 'packed GEMM: inner-dimension block' },
      { name: 'GEMM_NC', type: 'i32', value: 512, doc: 'packed GEMM: columns of the op(B) block packed per pass' },
      { name: 'GEMM_TILE_F64', type: 'i32', value: 24, doc: 'packed GEMM: f64 of the C tile scratch, the largest micro tile (6×4, relaxed-SIMD builds)' },
    ],
  },
};
