#!/usr/bin/env node
/** `xai-benchmark` (also `npm run benchmark -w @xai/eval -- …`): see USAGE. */
import { XaiError } from '@xai/core';
import { benchmarkCommand } from './benchmark-command.js';

benchmarkCommand(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`\n${err instanceof XaiError ? err.message : (err.stack ?? String(err))}\n`);
    process.exit(1);
  },
);
