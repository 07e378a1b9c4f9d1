// Reproductions for the dmft engine (see types.ts).
import type { ReproduceEntry } from './types.js';

export const dmftEntries: ReproduceEntry[] = [];
