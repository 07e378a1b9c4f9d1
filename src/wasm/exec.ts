// Executors: how engines run a kernel call. The same engine code runs single-threaded on the main
// instance or spread over a worker pool sharing one memory (independent seeds in parallel, Gram
// strips split across workers). Calls are coarse (≥ ms), so postMessage latency (~50 µs) is noise.
import type { WasmRuntime } from './runtime.js';
import type { KernelExports, KernelName } from './exports.gen.js';

/** Arguments and result of export K, as declared by the generated interface (src/wasm/exports.gen.ts). */
export type KernelArgs<K extends KernelName> = Parameters<KernelExports[K]>;
export type KernelResult<K extends KernelName> = ReturnType<KernelExports[K]>;

export interface Executor {
  /** Number of calls that can run at once. */
  readonly width: number;
  /** Run export `fn`: the name, the argument count and types are checked against the module's interface. */
  call<K extends KernelName>(fn: K, ...args: KernelArgs<K>): Promise<KernelResult<K>>;
  close(): Promise<void>;
}

type AnyKernel = (...args: unknown[]) => unknown;

/** Runs every call synchronously on the runtime's own instance. */
export class InlineExecutor implements Executor {
  readonly width = 1;
  constructor(private readonly rt: WasmRuntime) {}
  async call<K extends KernelName>(fn: K, ...args: KernelArgs<K>): Promise<KernelResult<K>> {
    const f = this.rt.exports[fn] as AnyKernel | undefined;
    // Only the 'ts' runtime lacks exports (the twinless ones, listed in src/wasm/ts-kernels.ts).
    if (typeof f !== 'function') throw new Error(`no kernel named ${fn} in the ${this.rt.variant} runtime`);
    return f(...args) as KernelResult<K>;
  }
  async close(): Promise<void> {}
}

interface Job {
  id: number;
  fn: KernelName;
  args: readonly unknown[];
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

/** worker_threads pool over the shared memory of a 'threads' runtime (Node only). */
export class WorkerPool implements Executor {
  private queue: Job[] = [];
  private idle: import('node:worker_threads').Worker[] = [];
  private busy = new Map<import('node:worker_threads').Worker, Job>();
  private nextId = 1;

  private constructor(private readonly workers: import('node:worker_threads').Worker[]) {
    this.idle = [...workers];
    for (const w of workers) {
      w.on('message', (msg: { id: number; result?: number | bigint; error?: string }) => {
        const job = this.busy.get(w);
        this.busy.delete(w);
        this.idle.push(w);
        if (job) {
          if (msg.error) job.reject(new Error(msg.error));
          else job.resolve(msg.result);
        }
        this.pump();
      });
      w.on('error', (e) => {
        const job = this.busy.get(w);
        if (job) job.reject(e instanceof Error ? e : new Error(String(e)));
      });
    }
  }

  get width(): number {
    return this.workers.length;
  }

  static async create(rt: WasmRuntime, size = 2): Promise<WorkerPool> {
    if (!rt.shared) throw new Error('WorkerPool needs the shared-memory (threads) runtime');
    const { Worker } = await import('node:worker_threads');
    const url = new URL('./pool-worker.js', import.meta.url);
    const workers = Array.from({ length: size }, () => new Worker(url, { workerData: { module: rt.module, memory: rt.memory } }));
    return new WorkerPool(workers);
  }

  call<K extends KernelName>(fn: K, ...args: KernelArgs<K>): Promise<KernelResult<K>> {
    return new Promise<KernelResult<K>>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, fn, args, resolve: resolve as (v: unknown) => void, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.idle.length && this.queue.length) {
      const w = this.idle.pop()!;
      const job = this.queue.shift()!;
      this.busy.set(w, job);
      w.postMessage({ id: job.id, fn: job.fn, args: job.args });
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Default worker count: both cores of the reference machine, never more than the host has. */
export async function hardwareThreads(): Promise<number> {
  try {
    const os = await import('node:os');
    return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
  } catch {
    return (globalThis.navigator as { hardwareConcurrency?: number } | undefined)?.hardwareConcurrency ?? 1;
  }
}
