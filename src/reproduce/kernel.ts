// Reproductions for the kernel engine (see types.ts).
import type { ReproduceEntry } from './types.js';

export const kernelEntries: ReproduceEntry[] = [];
