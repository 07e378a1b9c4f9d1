#!/usr/bin/env node
// Entry point of the learndyn CLI (compiled library in dist/).
import { main } from '../dist/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // A file-system call that never returns (the --out probe's timeout fired) must not keep the
    // process alive; stdout/stderr are synchronous for files and pipes on Linux.
    setTimeout(() => process.exit(code), 200).unref();
  },
  (e) => {
    process.stderr.write(`learndyn: internal error: ${e?.stack ?? e}\n`);
    process.exitCode = 1;
  },
);
