// Reproductions for the committee engine (see types.ts).
import type { ReproduceEntry } from './types.js';

export const committeeEntries: ReproduceEntry[] = [];
