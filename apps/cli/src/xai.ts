#!/usr/bin/env node
/** The `xai` command line: explain, methods, benchmark, analyse, layers, demo, conformance, worker. */
import { Command, CommanderError } from 'commander';
import { loadPlugins, XaiError } from '@xai/core';
import { registerLstmPlugin } from '@xai/lstm';
import { analyseCommand } from './commands/analyse.js';
import { benchmarkCommandOf } from './commands/benchmark.js';
import { conformanceCommand } from './commands/conformance.js';
import { demoCommand } from './commands/demo.js';
import { explainCommand } from './commands/explain.js';
import { layersCommand } from './commands/layers.js';
import { methodsCommand } from './commands/methods.js';
import { workerCommand } from './commands/worker.js';

// Recurrent layers (Embedding, LSTM, GRU, SimpleRNN, Bidirectional, TimeDistributed) for every command.
registerLstmPlugin();
// Rules, composites, node kinds and methods of the plugins XAI_PLUGINS lists.
await loadPlugins();

const program = new Command()
  .name('xai')
  .description('Explain TensorFlow.js models: Layer-wise Relevance Propagation and other attribution methods')
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(`xai: ${text.replace(/^error: /, '').trim()}\n`) });

for (const add of [explainCommand, methodsCommand, benchmarkCommandOf, analyseCommand, layersCommand, demoCommand, conformanceCommand, workerCommand]) add(program);
for (const command of program.commands) command.exitOverride();

program.parseAsync().catch((err: Error) => {
  if (err instanceof CommanderError) {
    // --help and --version exit 0; usage errors were printed by commander already.
    process.exitCode = err.exitCode === 0 ? 0 : 2;
    return;
  }
  const code = (err as NodeJS.ErrnoException).code ?? '';
  const known = err instanceof XaiError || code === 'ENOENT' || code.startsWith('ERR_PARSE_ARGS');
  console.error(`xai: ${known ? err.message : err.stack ?? err.message}`);
  process.exitCode = 2;
});
