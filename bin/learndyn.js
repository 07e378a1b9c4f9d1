#!/usr/bin/env node
// Entry point of the learndyn CLI (compiled library in dist/).
import { main } from '../dist/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`learndyn: internal error: ${e?.stack ?? e}\n`);
    process.exitCode = 1;
  },
);
