// Flag ↔ Problem-field table shared by every subcommand: commander options, config-file keys and
// the README table come from one list. Parsing never throws: a value that is not a number stays a
// string so the schema's one-line error names it.

export type Kind = 'int' | 'number' | 'numbers' | 'string' | 'bool' | 'numberOrAuto';

export interface Flag {
  flag: string; // kebab-case, without dashes
  key: string; // Problem field
  kind: Kind;
  help: string;
}

export function camel(kebab: string): string {
  return kebab.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

export function parseValue(kind: Kind, raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  const s = raw.trim();
  const num = (x: string): unknown => {
    const lower = x.toLowerCase();
    if (lower === 'nan') return NaN;
    if (lower === 'inf' || lower === 'infinity' || lower === '+inf') return Infinity;
    if (lower === '-inf' || lower === '-infinity') return -Infinity;
    if (x === '' || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(x)) return x;
    return Number(x);
  };
  switch (kind) {
    case 'int':
    case 'number':
      return num(s);
    case 'numbers':
      return s === '' ? [] : s.split(',').map((x) => num(x.trim()));
    case 'numberOrAuto':
      return s === 'auto' ? 'auto' : s === 'none' || s === 'off' ? null : num(s);
    case 'bool':
      return s === 'true' || s === '1' || s === 'yes' ? true : s === 'false' || s === '0' || s === 'no' ? false : s;
    default:
      return s;
  }
}

export const kernelRunFlags: Flag[] = [
  { flag: 'kernel', key: 'kernel', kind: 'string', help: "kernel: exp | exp:TAU | poly:a0,a1,.. | relu-ntk | arccos0 | arccos1 (default exp)" },
  { flag: 'domain', key: 'domain', kind: 'string', help: 'data domain: sphere | hypercube (default sphere)' },
  { flag: 'dim', key: 'dim', kind: 'int', help: 'input dimension d' },
  { flag: 'samples', key: 'samples', kind: 'int', help: 'training samples n' },
  { flag: 'energies', key: 'energies', kind: 'numbers', help: 'degree energies c_0²,c_1²,… of the target (comma list)' },
  { flag: 'noise-sd', key: 'noiseSd', kind: 'number', help: 'label noise standard deviation σ (default 0)' },
  { flag: 'seeds', key: 'seeds', kind: 'int', help: 'number of replicates S (default 1)' },
  { flag: 'seed', key: 'seed', kind: 'int', help: 'base seed (default 0); replicate r uses stream r' },
  { flag: 't-min', key: 'tMin', kind: 'number', help: 'first time of the log grid (default 0.1)' },
  { flag: 't-max', key: 'tMax', kind: 'number', help: 'last time of the log grid (default 1e9)' },
  { flag: 't-count', key: 'tCount', kind: 'int', help: 'number of log-spaced times (default 101)' },
  { flag: 'test-points', key: 'testPoints', kind: 'int', help: 'Monte-Carlo test points per seed (default 2000; 0 = off)' },
  { flag: 'gd-lr', key: 'gdLr', kind: 'numberOrAuto', help: "GD step η beside the flow: number | auto (half the max stable) | none" },
  { flag: 'method', key: 'method', kind: 'string', help: 'auto | eigh | lanczos (default auto: lanczos above n = 2000)' },
  { flag: 'lanczos-tol', key: 'lanczosTol', kind: 'number', help: 'Lanczos stop: ‖y − K a_∞‖/‖y‖ (default 1e-10)' },
  { flag: 'lanczos-max-steps', key: 'lanczosMaxSteps', kind: 'int', help: 'Lanczos Krylov dimension cap (default 1500)' },
  { flag: 'eigen-clip', key: 'eigenClip', kind: 'string', help: 'negative eigenvalues: clip | abs | error (default clip)' },
  { flag: 'budget-bytes', key: 'budgetBytes', kind: 'number', help: 'Wasm memory budget in bytes (default 3 GiB)' },
  { flag: 'threads', key: 'threads', kind: 'int', help: 'worker threads (default 1)' },
];

export const kernelRunSwitches: Flag[] = [
  { flag: 'noisy-risk', key: 'noisyRisk', kind: 'bool', help: 'report the noisy test risk (excess + σ²) instead of the excess risk' },
  { flag: 'no-exact-test', key: 'exactTest', kind: 'bool', help: 'skip the exact L² test error (K22); Monte-Carlo only' },
];

export const kernelSpectrumFlags: Flag[] = [
  { flag: 'kernel', key: 'kernel', kind: 'string', help: 'kernel (as for run)' },
  { flag: 'domain', key: 'domain', kind: 'string', help: 'sphere | hypercube' },
  { flag: 'dim', key: 'dim', kind: 'int', help: 'input dimension d' },
  { flag: 'max-degree', key: 'maxDegree', kind: 'int', help: 'largest degree k (≤ 40)' },
];

/** Config file keys may be Problem fields (camelCase) or flag names (kebab-case). */
export function normaliseConfig(obj: Record<string, unknown>, flags: Flag[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const f = flags.find((x) => x.flag === k || x.key === k || camel(x.flag) === k);
    out[f ? f.key : k] = f ? parseValue(f.kind, v) : v;
  }
  return out;
}

export const committeeFlags: Flag[] = [
  { flag: 'p', key: 'p', kind: 'int', help: 'student width p' },
  { flag: 'k', key: 'k', kind: 'int', help: 'teacher width k (≤ p)' },
  { flag: 'activation', key: 'activation', kind: 'string', help: 'student σ: erf (erf(x/√2)) | linear | quadratic | relu (default erf)' },
  { flag: 'teacher-activation', key: 'teacherActivation', kind: 'string', help: 'teacher σ* (default: the student activation)' },
  { flag: 'lr', key: 'lr', kind: 'number', help: 'learning rate γ (the ODE sees γ/p)' },
  { flag: 'noise', key: 'noise', kind: 'number', help: 'label-noise variance Δ (default 0)' },
  { flag: 'variance', key: 'variance', kind: 'string', help: 'variance term of dQ/dt: full | noise | none (default full)' },
  { flag: 'model', key: 'model', kind: 'string', help: 'full (overlaps Q, M) | meanfield ((M, q), large p) (default full)' },
  { flag: 'dim', key: 'dim', kind: 'int', help: 'input dimension d (SGD, default initial state; default 1000)' },
  { flag: 't-min', key: 'tMin', kind: 'number', help: 'first save time (default min(1e-2, t-max/100))' },
  { flag: 't-max', key: 'tMax', kind: 'number', help: 'horizon in t = νγ/(pd) (default 1e4)' },
  { flag: 't-count', key: 'tCount', kind: 'int', help: 'log-spaced save times (default 301)' },
  { flag: 'method', key: 'method', kind: 'string', help: 'dopri5 | rk4 | euler (default dopri5)' },
  { flag: 'dt', key: 'dt', kind: 'number', help: 'fixed step of euler/rk4 (default 1e-3)' },
  { flag: 'rtol', key: 'rtol', kind: 'number', help: 'DOPRI5 relative tolerance (default 1e-8)' },
  { flag: 'atol', key: 'atol', kind: 'number', help: 'DOPRI5 absolute tolerance (default 1e-10)' },
  { flag: 'max-steps', key: 'maxSteps', kind: 'int', help: 'integrator step budget (default 1e8)' },
  { flag: 'seeds', key: 'seeds', kind: 'int', help: 'SGD replicates (default 1)' },
  { flag: 'max-sgd-steps', key: 'maxSgdSteps', kind: 'number', help: 'budget on total SGD steps, all seeds (default 2e10)' },
  { flag: 'seed', key: 'seed', kind: 'int', help: 'base seed (default 0)' },
  { flag: 'threads', key: 'threads', kind: 'int', help: 'worker threads (default 1)' },
  { flag: 'budget-bytes', key: 'budgetBytes', kind: 'number', help: 'Wasm memory budget in bytes (default 3 GiB)' },
];

export const committeeSwitches: Flag[] = [
  { flag: 'train-second-layer', key: 'trainSecondLayer', kind: 'bool', help: 'train the second layer a (rate γ/d, committee.md S7)' },
];
