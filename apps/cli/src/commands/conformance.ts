import type { Command } from 'commander';
import { initBackend, runConformance } from '@xai/core';

export function conformanceCommand(program: Command): void {
  program
    .command('conformance')
    .description('compare with reference relevances (one folder per case: model.json, weights.bin, reference.json)')
    .argument('<dir>', 'folder of case folders')
    .option('--cases <globs>', 'comma-separated globs over case names')
    .option('--methods <globs>', 'comma-separated globs over method names')
    .action(async (dir: string, opts: { cases?: string; methods?: string }) => {
      console.log(`backend: ${await initBackend()}`);
      const summary = await runConformance(dir, opts);
      process.exitCode = summary.failed > 0 || summary.passed === 0 ? 1 : 0;
    });
}
