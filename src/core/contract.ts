// The engine contract shared by every engine (kernel, committee, DMFT and its variants): one Status,
// one exit-code mapping, one options object for every solve, one progress event. Browser-safe.
import type { WasmRuntime } from '../wasm/runtime.js';
import type { Executor } from '../wasm/exec.js';

/** How a solve ended. 'Terminated': stopped by its AbortSignal; what was finished is kept.
 *  'Unstable': a blow-up (non-finite or an invariant broken); the curves end at the last good state.
 *  'NotConverged': finite but short of the requested tolerance or budget. */
export type Status = 'Success' | 'NotConverged' | 'Unstable' | 'Terminated';

export const STATUSES: readonly Status[] = ['Success', 'NotConverged', 'Unstable', 'Terminated'];

/** CLI exit codes. 130 = 128 + SIGINT, the shell convention for an interrupted command. */
export const EXIT = {
  Success: 0,
  Internal: 1,
  BadInput: 2,
  NotConverged: 3,
  Unstable: 4,
  ChecksFailed: 5,
  Terminated: 130,
} as const;

/** The one status → exit-code mapping used by every command. */
export function exitCode(status: Status): number {
  return EXIT[status];
}

const SEVERITY: Record<Status, number> = { Success: 0, NotConverged: 1, Unstable: 2, Terminated: 3 };

/** The status of a run made of parts (seeds, phases): the most severe part wins. */
export function combineStatus<S extends Status>(...parts: S[]): S {
  let s = 'Success' as S;
  for (const p of parts) if (SEVERITY[p] > SEVERITY[s]) s = p;
  return s;
}

export interface ProgressEvent {
  /** Short label of the phase, e.g. "seed 2/4" or "rows". */
  phase: string;
  /** Fraction of the whole solve done, in [0, 1]. */
  fraction: number;
}

/** Options of every solve/simulate function. All optional. */
export interface SolveOptions<Partial = unknown> {
  /** Reuse a Wasm runtime (tests, sweeps); otherwise the solve creates the one it needs. */
  runtime?: WasmRuntime;
  /** Run kernel calls on this executor (e.g. a worker pool shared by several solves). */
  executor?: Executor;
  /** Abort: the solve resolves with status 'Terminated' and what was finished; it never throws for it. */
  signal?: AbortSignal;
  onProgress?: (e: ProgressEvent) => void;
  /** Called with each finished part (a seed, a replicate) as soon as it is done. */
  onPartial?: (part: Partial) => void;
  /** Parts finished by an earlier, interrupted run of the same problem (what onPartial received):
   *  the solve reuses them instead of recomputing (`--resume`). Engines without resume ignore it. */
  resume?: readonly unknown[];
  /** Checkpoints of a long single solve (DMFT; committee SGD hands its unfinished replicates to
   *  onPartial instead): the full solver state goes to onCheckpoint at least every checkpointEveryMs
   *  (between steps, never mid-step) and when the signal stops the solve (`--checkpoint-every`). */
  checkpointEveryMs?: number;
  onCheckpoint?: (state: unknown) => void;
  /** A state that onCheckpoint received in an interrupted earlier run of the same problem: the solve
   *  continues from it, byte-identical to an uninterrupted run (`--resume`). */
  resumeState?: unknown;
}

/** A clock for checkpointEveryMs: true once every `everyMs` (never when undefined). */
export function checkpointClock(everyMs?: number): (() => boolean) | undefined {
  if (everyMs === undefined || !(everyMs >= 0)) return undefined;
  let last = Date.now();
  return () => {
    const now = Date.now();
    if (now - last < everyMs) return false;
    last = now;
    return true;
  };
}

/** Yield to the event loop (a macrotask), then tell whether the signal fired. A run whose Wasm calls
 *  are synchronous only awaits resolved promises (microtasks), and Node delivers SIGINT/SIGTERM as a
 *  macrotask: without this yield the handler that aborts the signal never runs until the solve ends. */
export async function stopRequested(signal?: AbortSignal): Promise<boolean> {
  if (!signal) return false;
  if (signal.aborted) return true;
  await new Promise<void>((r) => (typeof setImmediate === 'function' ? setImmediate(r) : setTimeout(r, 0)));
  return signal.aborted;
}

/** Message of a Solution that ended because its signal fired. */
export const TERMINATED_MESSAGE = 'terminated by its AbortSignal; finished parts kept';

/** Is every entry of every array finite? (no non-finite value may pass under 'Success') */
export function allFinite(...arrays: ArrayLike<number>[]): boolean {
  for (const a of arrays) for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}
