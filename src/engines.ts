// The engine registry: the CLI, the explorer, `reproduce` and sweeps iterate over these descriptors.
// Adding an engine = one folder with its descriptor + one line here.
import type { EngineDescriptor } from './core/engine.js';
import { kernelEngine } from './kernel/engine.js';
import { committeeEngine } from './committee/engine.js';
import { dmftEngine } from './dmft/engine.js';

export const ENGINES: readonly EngineDescriptor[] = [kernelEngine, committeeEngine, dmftEngine];
