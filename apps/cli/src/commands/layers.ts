import type { Command } from 'commander';
import { compositeByName, compositeNames, initBackend, loadModel, ruleMap } from '@xai/core';

export function layersCommand(program: Command): void {
  program
    .command('layers')
    .description('list the graph nodes of a model and the rule each gets under a composite')
    .argument('<model>', 'model.json, model.onnx, or a folder holding one')
    .option('--composite <name>', `composite preset (${compositeNames().join(', ')})`, 'epsilon_gamma_box')
    .action(async (path: string, opts: { composite: string }) => {
      await initBackend();
      const model = await loadModel(path);
      try {
        const rules = ruleMap(model.graph, compositeByName(opts.composite));
        for (const node of model.graph.nodes) {
          const rule = rules.get(node);
          const ruleText = rule ? `${rule.name}${rule.params ? ' ' + JSON.stringify(rule.params) : ''}` : '';
          console.log(`${node.name.padEnd(32)} ${node.layerClass.padEnd(22)} ${node.kind.padEnd(14)} ${ruleText}`);
        }
      } finally {
        model.dispose();
      }
    });
}
