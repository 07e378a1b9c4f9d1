// The output vocabulary: one camelCase name per array, used identically as the --json field, the .npy
// file name, the .npz key and the CSV column in every command, reproduction and explorer download.
// Each name has one definition and unit, written into every manifest ("arrays"). Derived names:
// <name>SE (standard error over seeds), <name>BySeed (shape (seeds, len(t))), sim<Name> (the
// simulation beside a theory, on its own time grid simT).

export interface ArrayDoc {
  definition: string;
  unit: string;
}

const TIME_FLOW = 'gradient-flow time t (kernel.md K17 clock)';

export const VOCABULARY: Record<string, ArrayDoc> = {
  // kernel (kernel.md)
  oracle: {
    definition: 'Oracle World excess test error ‖f_t − f_d‖²_L² of the population flow (T1, no ½; + σ² under noisyRisk)',
    unit: 'squared target units',
  },
  train: { definition: 'Empirical World train error (1/n)‖y − f̂_t(X)‖² (K19, no ½), mean over seeds', unit: 'squared target units' },
  test: {
    definition: 'Empirical World excess test error ‖f̂_t − f_d‖²_L² (K22 exact, else Monte Carlo; no ½; + σ² under noisyRisk), mean over seeds',
    unit: 'squared target units',
  },
  testMC: { definition: 'Monte-Carlo estimate of the excess test error on fresh points (mean over seeds)', unit: 'squared target units' },
  theoryTrain: { definition: 'train error of the block approximation (T3)', unit: 'squared target units' },
  theoryTest: { definition: 'excess test error of the block approximation (T3; + σ² under noisyRisk)', unit: 'squared target units' },
  eigenlearningTrain: { definition: 'train error by eigenlearning (T4)', unit: 'squared target units' },
  eigenlearningTest: { definition: 'excess test error by eigenlearning (T4; + σ² under noisyRisk)', unit: 'squared target units' },
  gdTrain: { definition: 'train error of discrete gradient descent at step t/η (K21), mean over seeds', unit: 'squared target units' },
  gdTest: { definition: 'excess test error of discrete gradient descent at step t/η (K21), mean over seeds', unit: 'squared target units' },
  spectrumEigenvalues: { definition: 'kernel eigenvalues ξ_{d,k} by degree k (not t-aligned)', unit: 'dimensionless' },
  // committee (committee.md)
  risk: {
    definition: 'excess generalisation risk ε_g = R − Δ/2 with R = ½E[(y − ŷ)²] (ode: the ODE; sgd: the SGD mean over seeds)',
    unit: 'squared output units',
  },
  riskQ10: { definition: '10 % quantile over seeds of the SGD excess risk', unit: 'squared output units' },
  riskQ90: { definition: '90 % quantile over seeds of the SGD excess risk', unit: 'squared output units' },
  ode: { definition: 'excess risk ε_g = R − Δ/2 of the ODE from the SGD replicates’ initial overlaps (mean over replicates)', unit: 'squared output units' },
  steps: { definition: 'SGD steps ν at each save (t = νγ/(pd))', unit: 'steps' },
  Q: { definition: 'final student–student overlaps Q = WWᵀ/d (p×p; sgd: mean over seeds)', unit: 'dimensionless' },
  M: { definition: 'final student–teacher overlaps M = WW*ᵀ/d (p×k; sgd: mean over seeds)', unit: 'dimensionless' },
  odeQ: { definition: 'final Q of the ODE (p×p)', unit: 'dimensionless' },
  odeM: { definition: 'final M of the ODE (p×k)', unit: 'dimensionless' },
  initialQ: { definition: 'initial Q (p×p) the ODE and replicate 0 started from', unit: 'dimensionless' },
  initialM: { definition: 'initial M (p×k)', unit: 'dimensionless' },
  P: { definition: 'teacher–teacher overlaps P = W*W*ᵀ/d (k×k)', unit: 'dimensionless' },
  mHat: {
    definition: 'normalised student–teacher overlap M_jr/√(Q_jj P_rr) along the ODE trajectory (qualifier: Student<j>Teacher<r>)',
    unit: 'dimensionless',
  },
  gammaOverP: { definition: 'γ/p, the rate the overlap ODE sees (committee.md §2.2)', unit: 'dimensionless' },
  kappa: { definition: 'width exponent κ of the Veiga et al. phase diagram (p = d^κ) at each grid point', unit: 'dimensionless' },
  delta: { definition: 'learning-rate exponent δ of the Veiga et al. phase diagram (γ = γ₀d^{−δ}) at each grid point', unit: 'dimensionless' },
  phase: {
    definition:
      'region of the Veiga et al. phase diagram at each grid point: 0 perfect learning, 1 Saad–Solla line, 2 bad learning, 3 no deterministic limit (committee.md §6)',
    unit: 'code',
  },
  // DMFT (dmft.md)
  trainError: { definition: 'train error e_tr = ½(1/n)Σ(y − f̂)² incl. label noise (D25; simulation: mean over seeds)', unit: 'squared output units' },
  testError: {
    definition: 'test error e_ts = ½E[(y − f̂)²] incl. label noise τ²/2 (D25; simulation: exact population formula D4, mean over seeds)',
    unit: 'squared output units',
  },
  excessTestError: { definition: 'excess test error e_ts − τ²/2', unit: 'squared output units' },
  a: { definition: 'second-layer weight: DMFT a(t) (simulation: mean over neurons and seeds); committee: the final a_i (p entries)', unit: 'dimensionless' },
  gamma: { definition: 'γ = a/√m', unit: 'dimensionless' },
  v: { definition: 'alignment v(t) = ⟨w_i, u⟩ with the teacher direction', unit: 'dimensionless' },
  Co: { definition: 'equal-time overlap C_o(t,t) = ⟨w_i, w_j⟩ (i ≠ j)', unit: 'dimensionless' },
  mCo: { definition: 'm·C_o(t,t)', unit: 'dimensionless' },
  Cd0: { definition: 'C_d(t,0) = ⟨w_i(t), w_i(0)⟩ (weight movement ‖w(t) − w(0)‖² = 2 − 2C_d(t,0))', unit: 'dimensionless' },
  nu: { definition: 'Lagrange multiplier ν(t) of the spherical constraint', unit: '1/time' },
  gap: { definition: 'generalisation gap e_ts − e_tr', unit: 'squared output units' },
  tm: { definition: 'lazy clock t·m', unit: 'time' },
  tOverM: { definition: 'overfitting clock t/m', unit: 'time' },
  count: { definition: 'replicates with a finite value at each save', unit: 'replicates' },
  error: { definition: 'error e = ½[τ² + ‖φ‖² − 2aφ̂(v) + a²h(v²)] of the mean-field ODE D38 (train = test)', unit: 'squared output units' },
  alpha: { definition: 'α = n/(md) of each point of a scan', unit: 'dimensionless' },
  alphaBar: { definition: 'ᾱ = n/d of each point of a scan', unit: 'dimensionless' },
  tRel: { definition: 'relaxation time t_rel (e_tr < ε τ′²) of each point of a scan', unit: 'time' },
  dim: { definition: 'input dimension d of each point of a scan', unit: 'dimensionless' },
  m: { definition: 'width m of each point of a scan', unit: 'neurons' },
  supGap: { definition: 'sup over the saved times of |network test error − DMFT test error| (network: mean over seeds)', unit: 'squared output units' },
  tRelOverM: { definition: 't_rel/m of each point of a scan (fixed-ᾱ system)', unit: 'time' },
};

/** Definition and unit of an array name of the vocabulary (derived names resolved). */
export function describeArray(name: string): ArrayDoc | undefined {
  if (name === 't')
    return { definition: 'time of each row (the engine’s clock: ' + TIME_FLOW + '; committee t = νγ/(pd); DMFT GF time t of D3)', unit: 'time' };
  const direct = VOCABULARY[name];
  if (direct) return direct;
  const derived: [RegExp, (base: ArrayDoc, m: RegExpExecArray) => ArrayDoc][] = [
    [/^(.+)Kernel([A-Z])$/, (b, m) => ({ definition: `kernel ${m[2]} of the comparison: ${b.definition}`, unit: b.unit })],
    [/^(.+)BySeed$/, (b) => ({ definition: `per seed, shape (seeds, len(t)): ${b.definition.replace(/,? mean over (seeds|replicates)/, '')}`, unit: b.unit })],
    [/^(.+)ByNeuron$/, (b) => ({ definition: `per neuron, shape (m, len(t)): ${b.definition}`, unit: b.unit })],
    [/^(.+)SE$/, (b) => ({ definition: `standard error over seeds (sd/√seeds) of: ${b.definition}`, unit: b.unit })],
  ];
  for (const [re, f] of derived) {
    const m = re.exec(name);
    const base = m && describeArray(m[1]);
    if (base) return f(base, m!);
  }
  // A vocabulary name followed by a qualifier (a reproduction's variant): riskRun0, trainErrorM16Short, tGdSetting1.
  for (let cut = name.length - 1; cut > 0; cut--) {
    if (!/[A-Z0-9]/.test(name[cut])) continue;
    const base = name.slice(0, cut);
    const doc =
      VOCABULARY[base] ?? (base === 't' || base === 'tm' ? describeArray(base) : undefined) ?? (/(SE|BySeed)$/.test(base) ? describeArray(base) : undefined);
    if (doc) return { definition: `${name.slice(cut)}: ${doc.definition}`, unit: doc.unit };
  }
  const sim = /^sim([A-Z].*)$/.exec(name);
  if (sim) {
    if (sim[1] === 'T') return { definition: 'GF time t of the simulation beside the theory (its own grid)', unit: 'time' };
    const base = describeArray(sim[1][0].toLowerCase() + sim[1].slice(1)) ?? describeArray(sim[1]);
    if (base) return { definition: `the simulation beside the theory, on its grid simT: ${base.definition}`, unit: base.unit };
  }
  return undefined;
}
