import type { Command } from 'commander';
import { initBackend, runDemo } from '@xai/core';
import { parseInteger } from '../method-options.js';

export function demoCommand(program: Command): void {
  program
    .command('demo')
    .description('explain the shipped demo CNN on generated shapes; writes heatmap PNGs and relevance JSON')
    .option('--out <dir>', 'output folder', 'out')
    .option('--samples <n>', 'number of generated images', parseInteger('--samples'), 4)
    .option('--seed <n>', 'seed of the generated images', parseInteger('--seed'), 2024)
    .action(async (opts: { out: string; samples: number; seed: number }) => {
      console.log(`backend: ${await initBackend()}`);
      const result = await runDemo({ ...opts, onProgress: (line) => console.log(line) });
      console.log(`wrote ${result.files.length} files:`);
      for (const f of result.files) console.log(`  ${f}`);
      console.log(`demo accuracy on these samples: ${(100 * result.accuracy).toFixed(0)}%`);
    });
}
