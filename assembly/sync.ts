// Synchronisation of the two workers that share the Wasm memory (threads build). Used by the uniform DMFT
// row sweeps (assembly/dmft.ts) and the eigensolver's split phases (assembly/eigh.ts).

/** Spins before a worker sleeps in the barrier: the serial parts between two barriers take microseconds,
 *  so spinning first avoids a futex round trip in the common case. */
const SPIN: i32 = 1 << 16;

/** Barrier of the two workers over two i32 at `sync` (arrival count, generation). Sequentially consistent
 *  atomics order the plain stores before it against the loads after it. No-op without threads. */
export function pairBarrier(sync: usize): void {
  if (ASC_FEATURE_THREADS) {
    const gen = atomic.load<i32>(sync, 4);
    if (atomic.add<i32>(sync, 1) == 1) {
      atomic.store<i32>(sync, 0);
      atomic.add<i32>(sync, 1, 4);
      atomic.notify(sync + 4, 1);
      return;
    }
    for (let k = 0; k < SPIN; k++) if (atomic.load<i32>(sync, 4) != gen) return;
    while (atomic.load<i32>(sync, 4) == gen) atomic.wait<i32>(sync + 4, gen, -1);
  }
}
