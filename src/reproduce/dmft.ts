// Reproductions for the dmft engine (see types.ts): dmft.md §12 checks beside the §13 figures.
// Entries live in dmft-lazy.ts (Fig 3, V2 / Figs 8–9), dmft-mf.ts (Figs 2, 4, 5) and dmft-misc.ts
// (Figs 6–7, Figs 10 / 32) and dmft-finite-d.ts (network vs DMFT against d and m).
import type { ReproduceEntry } from './types.js';
import { lazyEntries } from './dmft-lazy.js';
import { meanFieldEntries } from './dmft-mf.js';
import { miscEntries } from './dmft-misc.js';
import { finiteDEntries } from './dmft-finite-d.js';

const byId = new Map([...lazyEntries, ...meanFieldEntries, ...miscEntries, ...finiteDEntries].map((e) => [e.id, e]));
const ORDER = [
  'dmft-fig2',
  'dmft-fig3',
  'dmft-fig4',
  'dmft-fig5',
  'dmft-lazy-closed-forms',
  'dmft-gd-comparison',
  'dmft-interpolation-threshold',
  'dmft-finite-d',
];

export const dmftEntries: ReproduceEntry[] = ORDER.map((id) => byId.get(id)!);
