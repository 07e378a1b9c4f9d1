// Host-owned bump arena over one WebAssembly.Memory (engineering.md §3): long-lived buffers are
// allocated once and released LIFO with mark/reset. Views are never cached: `f64(ptr, len)` builds
// a fresh view on the current buffer, so growth (which detaches old buffers) cannot bite.

export class MemoryBudgetError extends Error {
  constructor(
    readonly requestedBytes: number,
    readonly budgetBytes: number,
  ) {
    super(`memory estimate ${fmtBytes(requestedBytes)} exceeds the Wasm memory budget ${fmtBytes(budgetBytes)}`);
    this.name = 'MemoryBudgetError';
  }
}

export function fmtBytes(b: number): string {
  if (b >= 1024 ** 3) return `${(b / 1024 ** 3).toFixed(2)} GiB`;
  if (b >= 1024 ** 2) return `${(b / 1024 ** 2).toFixed(1)} MiB`;
  if (b >= 1024) return `${(b / 1024).toFixed(1)} KiB`;
  return `${b} B`;
}

const PAGE = 65536;

export class Arena {
  private top: number;
  private high: number;
  /** Number of times memory.grow was called; tests assert it stays fixed while stepping. */
  growCount = 0;

  constructor(
    readonly memory: WebAssembly.Memory,
    readonly base: number,
    readonly budgetBytes: number,
  ) {
    this.top = align(base, 64);
    this.high = this.top;
  }

  get bytesInUse(): number {
    return this.top - this.base;
  }
  get highWater(): number {
    return this.high - this.base;
  }

  /** Reserve `bytes` (aligned to `alignment`, default 64 B: a cache line, and 16 B for v128). */
  alloc(bytes: number, alignment = 64): number {
    if (!(bytes >= 0) || !Number.isFinite(bytes)) throw new RangeError(`bad allocation size ${bytes}`);
    const ptr = align(this.top, alignment);
    const end = ptr + bytes;
    if (end - this.base > this.budgetBytes) throw new MemoryBudgetError(end - this.base, this.budgetBytes);
    this.ensure(end);
    this.top = end;
    if (end > this.high) this.high = end;
    return ptr;
  }

  allocF64(len: number): number {
    return this.alloc(len * 8);
  }

  /** Grow memory so that [0, end) is addressable. */
  ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const pages = Math.ceil((end - have) / PAGE);
    this.memory.grow(pages);
    this.growCount++;
  }

  mark(): number {
    return this.top;
  }
  reset(mark: number): void {
    if (mark < this.base || mark > this.top) throw new RangeError('arena reset past its top');
    this.top = mark;
  }

  f64(ptr: number, len: number): Float64Array {
    return new Float64Array(this.memory.buffer, ptr >>> 0, len);
  }
  u32(ptr: number, len: number): Uint32Array {
    return new Uint32Array(this.memory.buffer, ptr >>> 0, len);
  }
  i32(ptr: number, len: number): Int32Array {
    return new Int32Array(this.memory.buffer, ptr >>> 0, len);
  }
  u64(ptr: number, len: number): BigUint64Array {
    return new BigUint64Array(this.memory.buffer, ptr >>> 0, len);
  }

  /** Copy a host array in; returns its pointer. */
  copyIn(src: ArrayLike<number>): number {
    const ptr = this.allocF64(src.length);
    this.f64(ptr, src.length).set(src);
    return ptr;
  }
  /** Copy out (a detached Float64Array the caller may keep). */
  copyOut(ptr: number, len: number): Float64Array {
    return this.f64(ptr, len).slice();
  }
}

function align(x: number, a: number): number {
  return Math.ceil(x / a) * a;
}
