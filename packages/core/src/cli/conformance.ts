#!/usr/bin/env node
/** `npm run conformance -- <dir> [--cases a,b*] [--methods lrp_*,gradient]` */
import { Command } from 'commander';
import { initBackend } from '../backend.js';
import { runConformance } from '../conformance/run-conformance.js';

const program = new Command()
  .name('conformance')
  .description('Compare the engine with reference relevances (one folder per case: model.json, weights.bin, reference.json)')
  .argument('<dir>', 'folder of case folders')
  .option('--cases <globs>', 'comma-separated globs over case names')
  .option('--methods <globs>', 'comma-separated globs over method names')
  .action(async (dir: string, opts: { cases?: string; methods?: string }) => {
    const backend = await initBackend();
    console.log(`backend: ${backend}`);
    const summary = await runConformance(dir, opts);
    process.exitCode = summary.failed > 0 || summary.passed === 0 ? 1 : 0;
  });

program.parseAsync().catch((err: Error) => {
  console.error(`conformance: ${err.message}`);
  process.exitCode = 2;
});
