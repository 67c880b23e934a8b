#!/usr/bin/env node
/** The `xai` command line: `xai demo`, `xai layers <model>`, `xai conformance <dir>`. */
import { Command } from 'commander';
import { initBackend } from '../backend.js';
import { compositeByName, resolveRules } from '../composites.js';
import { runConformance } from '../conformance/run-conformance.js';
import { runDemo } from '../demo/run-demo.js';
import { XaiError } from '../errors.js';
import { loadModel } from '../model.js';

const program = new Command().name('xai').description('Layer-wise Relevance Propagation for TensorFlow.js models');

program
  .command('demo')
  .description('explain the shipped demo CNN on generated shapes; writes heatmap PNGs and relevance JSON')
  .option('--out <dir>', 'output folder', 'out')
  .option('--samples <n>', 'number of generated images', (v) => Number.parseInt(v, 10), 4)
  .option('--seed <n>', 'seed of the generated images', (v) => Number.parseInt(v, 10), 2024)
  .action(async (opts: { out: string; samples: number; seed: number }) => {
    console.log(`backend: ${await initBackend()}`);
    const result = await runDemo({ ...opts, onProgress: (line) => console.log(line) });
    console.log(`wrote ${result.files.length} files:`);
    for (const f of result.files) console.log(`  ${f}`);
    console.log(`demo accuracy on these samples: ${(100 * result.accuracy).toFixed(0)}%`);
  });

program
  .command('layers')
  .description('list the graph nodes of a model and the rule each linear layer gets under a composite')
  .argument('<model>', 'model.json or a folder holding it')
  .option('--composite <name>', 'composite preset', 'epsilon_gamma_box')
  .action(async (path: string, opts: { composite: string }) => {
    const model = await loadModel(path);
    const rules = resolveRules(model.graph, compositeByName(opts.composite));
    for (const node of model.graph.nodes) {
      const rule = [...rules].find(([n]) => n === node)?.[1];
      console.log(`${node.name.padEnd(32)} ${node.layerClass.padEnd(22)} ${node.kind.padEnd(14)} ${rule ? `${rule.name}${rule.params ? ' ' + JSON.stringify(rule.params) : ''}` : ''}`);
    }
    model.dispose();
  });

program
  .command('conformance')
  .description('compare with reference relevances (folders of model.json, weights.bin, reference.json)')
  .argument('<dir>')
  .option('--cases <globs>', 'comma-separated globs over case names')
  .option('--methods <globs>', 'comma-separated globs over method names')
  .action(async (dir: string, opts: { cases?: string; methods?: string }) => {
    console.log(`backend: ${await initBackend()}`);
    const summary = await runConformance(dir, opts);
    process.exitCode = summary.failed > 0 || summary.passed === 0 ? 1 : 0;
  });

program.parseAsync().catch((err: Error) => {
  console.error(`xai: ${err instanceof XaiError ? err.message : err.stack ?? err.message}`);
  process.exitCode = 2;
});
