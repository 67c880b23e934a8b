import type { Command } from 'commander';
import { initBackend, resolveExecutor, runConformance } from '@xai/core';

export function conformanceCommand(program: Command): void {
  program
    .command('conformance')
    .description('compare with reference relevances (one folder per case: model.json, weights.bin, reference.json)')
    .argument('<dir>', 'folder of case folders')
    .option('--cases <globs>', 'comma-separated globs over case names')
    .option('--methods <globs>', 'comma-separated globs over method names')
    .option('--executor <name>', "tfjs or ort (ONNX Runtime; what it cannot compile yet runs on tfjs and is counted); default XAI_EXECUTOR, else tfjs")
    .action(async (dir: string, opts: { cases?: string; methods?: string; executor?: string }) => {
      console.log(`backend: ${await initBackend()}`);
      const summary = await runConformance(dir, { ...opts, executor: resolveExecutor(opts.executor) });
      process.exitCode = summary.failed > 0 || summary.passed === 0 ? 1 : 0;
    });
}
