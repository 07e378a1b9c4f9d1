// The learndyn CLI: composes the commands. Every engine's computing commands come from its descriptor
// (src/engines.ts → src/cli/engine-command.ts); kernel extras, reproduce and demo register themselves.
// Exit codes (src/core/contract.ts): 0 Success, 2 bad input (one line on stderr), 3 NotConverged,
// 4 Unstable, 5 a reproduce check failed, 130 Terminated (SIGINT/SIGTERM), 1 internal error.
import { Command, CommanderError } from 'commander';
import { ParameterError } from '../core/validate.js';
import { MemoryBudgetError } from '../wasm/arena.js';
import { VERSION } from '../version.js';
import { ENGINES } from '../engines.js';
import type { EngineDescriptor } from '../core/engine.js';
import { checkOutDir, EXIT, OneLineError, type CliContext, type CliIO } from './common.js';
import { registerEngines } from './engine-command.js';
import { registerKernelExtras } from './kernel.js';
import { registerReproduce } from './reproduce.js';
import { registerDemo } from './demo.js';
import { registerSweep } from './sweep.js';
import { probeOutDir } from '../io/folder.js';

export type { CliContext, CliIO };

const defaultIO: CliIO = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
};

/** Run the CLI on `argv` (without the node and script names); resolves to the exit code. `engines`
 *  defaults to the registry (tests register a toy engine through the same path). */
export async function main(argv: string[], io: CliIO = defaultIO, engines: readonly EngineDescriptor[] = ENGINES): Promise<number> {
  const program = new Command('learndyn')
    .description('Learning dynamics in high dimension: theory curves and simulations side by side')
    .version(VERSION)
    .exitOverride()
    .configureOutput({
      writeOut: io.out,
      writeErr: io.err,
      // Every error is one line: commander's "(Did you mean …?)" goes on the error's line.
      outputError: (str, write) =>
        write(
          `learndyn: ${str
            .replace(/^error: /, '')
            .replace(/\s*\n\s*(?=\S)/g, ' ')
            .trimEnd()}\n`,
        ),
    });
  let code = 0;
  const ctx: CliContext = { io, argv, setCode: (c) => (code = c) };
  // --out is checked before the run starts, so a finished run never fails on an unwritable folder.
  // It is also probed (a file created and removed, with a timeout): a file system that passes the
  // checks but never completes a write is refused at once, not after the run.
  program.hook('preAction', async (_root, action) => {
    const out = action.opts().out;
    if (typeof out === 'string') {
      checkOutDir(out);
      await probeOutDir(out);
    }
  });
  const parents = registerEngines(program, engines, ctx);
  const kernel = parents.get('kernel');
  if (kernel) registerKernelExtras(kernel, ctx);
  registerReproduce(program, ctx);
  registerDemo(program, ctx);
  registerSweep(program, ctx, engines);

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0) return 0;
      return EXIT.BadInput; // commander already printed one line
    }
    if (e instanceof ParameterError || e instanceof MemoryBudgetError || e instanceof OneLineError) {
      io.err(`learndyn: ${e.message.replace(/\s*\n\s*/g, ' ')}\n`);
      return EXIT.BadInput;
    }
    io.err(`learndyn: internal error: ${(e as Error).stack ?? e}\n`);
    return EXIT.Internal;
  }
  return code;
}
